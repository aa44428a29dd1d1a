//! `vicinato serve`: every bot profile whose secrets are in the environment, on every network
//! it names, sharing one store. What cannot start is listed with the reason, so an operator
//! sees at once which variable is missing.

use crate::app::{self, App};
use crate::config::{BotProfile, Config, Secret};
use crate::courier::Couriers;
use crate::transport::matrix::{Credentials, MatrixBot, MatrixOptions};
use crate::transport::telegram::{TelegramBot, TelegramOptions};
use anyhow::Context;
use std::sync::Arc;
use tokio::sync::watch;

/// One network connection to start.
#[derive(Debug, Clone)]
pub struct Planned {
    pub bot: BotProfile,
    pub connection: Connection,
}

#[derive(Debug, Clone)]
pub enum Connection {
    Telegram(TelegramOptions),
    Matrix(MatrixOptions),
}

/// What `serve` will start, and what it skips and why.
#[derive(Debug, Default, Clone)]
pub struct Plan {
    pub runs: Vec<Planned>,
    pub skipped: Vec<String>,
}

/// Decides which bots can run from the environment (`env` reads a variable).
pub fn plan(bots: &[BotProfile], env: impl Fn(&str) -> Option<String>) -> Plan {
    let mut plan = Plan::default();
    let present = |name: &str| env(name).filter(|v| !v.trim().is_empty());
    for bot in bots {
        let label = format!("bot {} ({})", bot.key(), bot.file.display());
        if bot.telegram.is_none() && bot.matrix.is_none() {
            plan.skipped.push(format!("{label}: names no network"));
        }
        if let Some(t) = &bot.telegram {
            match present(&t.token_env) {
                None => plan.skipped.push(format!("{label}: Telegram skipped, {} is not set", t.token_env)),
                Some(token) => {
                    let mut options = TelegramOptions::new(&bot.key(), Secret::new(token), &t.token_env, &t.api_url);
                    options.limits.paid_per_second = t.paid_broadcast_rate;
                    match &t.webhook {
                        None => plan.runs.push(Planned { bot: bot.clone(), connection: Connection::Telegram(options) }),
                        Some(hook) => match present(&hook.secret_env) {
                            None => plan.skipped.push(format!(
                                "{label}: Telegram skipped, webhook mode needs its secret in {}",
                                hook.secret_env
                            )),
                            Some(secret) => {
                                options.webhook = Some((hook.clone(), Secret::new(secret)));
                                plan.runs.push(Planned { bot: bot.clone(), connection: Connection::Telegram(options) });
                            }
                        },
                    }
                }
            }
        }
        if let Some(m) = &bot.matrix {
            let credentials = match (
                m.password_env.as_deref().and_then(&present),
                m.access_token_env.as_deref().and_then(&present),
            ) {
                (Some(p), _) => Some(Credentials::Password(Secret::new(p))),
                (None, Some(t)) => Some(Credentials::AccessToken(Secret::new(t))),
                (None, None) => None,
            };
            let secret_vars: Vec<&str> =
                [m.password_env.as_deref(), m.access_token_env.as_deref()].into_iter().flatten().collect();
            match (present(&m.user_env), credentials) {
                (None, _) => plan.skipped.push(format!("{label}: Matrix skipped, {} is not set", m.user_env)),
                (Some(_), None) => {
                    plan.skipped.push(format!("{label}: Matrix skipped, none of {} is set", secret_vars.join(", ")))
                }
                (Some(user), Some(credentials)) => {
                    let dir =
                        m.data_dir.clone().unwrap_or_else(|| std::path::PathBuf::from("data/matrix").join(bot.key()));
                    let mut options = MatrixOptions::new(&bot.key(), &m.homeserver, &user, credentials, dir);
                    options.allowed_servers = m.allowed_servers.clone();
                    plan.runs.push(Planned { bot: bot.clone(), connection: Connection::Matrix(options) });
                }
            }
        }
    }
    plan
}

/// Runs the plan until `stop` turns true. Fails when nothing can run, or when a bot cannot
/// connect (a refused token names its variable).
pub async fn serve(
    config: &Config,
    bots: &[BotProfile],
    plan: Plan,
    stop: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    start(config, bots, plan, stop).await?.wait().await
}

/// The bots and the scheduler `serve` started, running until `stop` turns true.
pub struct Running {
    tasks: tokio::task::JoinSet<anyhow::Result<()>>,
    /// The couriers every engine sends through: one per bot and network.
    pub couriers: Couriers,
    /// The job kinds the running scheduler has handlers for.
    pub job_kinds: Vec<String>,
    pub store: Arc<dyn crate::store::Store>,
    /// Where the operators' endpoint (`/healthz`, `/readyz`, `/metrics`) listens, if it does.
    pub listening: Option<std::net::SocketAddr>,
    /// The lock that keeps a second `serve` off this SQLite database, held until the end.
    pub lock: Option<crate::lease::ServeLock>,
}

impl Running {
    /// Waits until every bot and the scheduler stopped (each bot's lease given up once its
    /// sender is done); the first failure is the result.
    pub async fn wait(mut self) -> anyhow::Result<()> {
        let _lock = self.lock.take();
        let mut first_error = None;
        while let Some(done) = self.tasks.join_next().await {
            let result = done.map_err(anyhow::Error::from).and_then(|r| r);
            if let Err(e) = result {
                tracing::error!(error = %format!("{e:#}"), "a bot stopped");
                first_error.get_or_insert(e);
            }
        }
        first_error.map_or(Ok(()), Err)
    }
}

/// The two steps of a bot's stop: no more updates (`receiving`), then no more sending.
struct BotStop {
    bot: String,
    channel: String,
    receiving: Arc<watch::Sender<bool>>,
    sending: Arc<watch::Sender<bool>>,
}

impl BotStop {
    fn new(bot: &str, channel: &str) -> (BotStop, watch::Receiver<bool>, watch::Receiver<bool>) {
        let (receiving, receiving_rx) = watch::channel(false);
        let (sending, sending_rx) = watch::channel(false);
        let (receiving, sending) = (Arc::new(receiving), Arc::new(sending));
        (BotStop { bot: bot.to_owned(), channel: channel.to_owned(), receiving, sending }, receiving_rx, sending_rx)
    }

    /// Both steps at once: a bot whose lease is lost stops without draining anything (on every
    /// network it runs on).
    fn halt(&self) {
        let _ = self.receiving.send(true);
        let _ = self.sending.send(true);
    }
}

/// How a stop goes: the bots stop taking updates and the scheduler stops (`receiving`), the
/// outboxes of the bots are drained for at most `drain`, then the senders stop, and the
/// operators' endpoint with them (`sending`). A bot whose lease is lost was halted at once
/// (another process may be sending its outbox), and the whole process then stops with an
/// error, so that its service manager starts it again, as a standby.
struct Stopping {
    receiving: watch::Sender<bool>,
    sending: watch::Sender<bool>,
    bots: Vec<BotStop>,
    drain: std::time::Duration,
}

/// Waits for `stop` or a lost lease, then stops in order (see [`Stopping`]).
async fn conduct(
    stop: watch::Receiver<bool>,
    mut lost: tokio::sync::mpsc::UnboundedReceiver<String>,
    steps: Stopping,
    store: Arc<dyn crate::store::Store>,
) -> anyhow::Result<()> {
    // `None` from `lost` when every bot's task ended (each holds a sender): nothing left to run.
    let lost_bot = tokio::select! {
        _ = crate::core::until_true(stop) => None,
        bot = lost.recv() => bot,
    };
    for bot in steps.bots.iter().filter(|b| Some(&b.bot) == lost_bot.as_ref()) {
        bot.halt();
    }
    let _ = steps.receiving.send(true);
    for bot in &steps.bots {
        let _ = bot.receiving.send(true);
    }
    let drain = steps.drain;
    if lost_bot.is_none() {
        eprintln!("stopping: no new updates; sending what is on its way (at most {} s)", drain.as_secs());
    }
    let deadline = tokio::time::Instant::now() + drain;
    let mut left;
    loop {
        left = 0;
        // A bot already halted (its lease lost) is not drained: another process sends its outbox.
        for bot in steps.bots.iter().filter(|b| !*b.sending.borrow()) {
            match store.outbox_pending(&bot.channel, 0, 1).await {
                Ok(items) => left += items.len(),
                Err(e) => tracing::warn!(error = %e, "cannot read the outbox while stopping"),
            }
        }
        if left == 0 || tokio::time::Instant::now() >= deadline {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    if left > 0 {
        eprintln!("stopping with messages still in the outbox after {} s: the next start sends them", drain.as_secs());
        tracing::warn!(drain_s = drain.as_secs(), "stopping with messages still in the outbox");
    }
    for bot in &steps.bots {
        let _ = bot.sending.send(true);
    }
    let _ = steps.sending.send(true);
    match lost_bot {
        None => Ok(()),
        Some(bot) => Err(anyhow::anyhow!(
            "bot {bot} lost its lease on the database, so another process may run it now: stopping this one \
             (started again, it waits as a standby)"
        )),
    }
}

/// Connects every bot of the plan and starts it with the scheduler. Every bot registers its own
/// courier, so a person is reached through the bot they last wrote to (`accounts.channel`).
pub async fn start(
    config: &Config,
    bots: &[BotProfile],
    plan: Plan,
    stop: watch::Receiver<bool>,
) -> anyhow::Result<Running> {
    for s in &plan.skipped {
        tracing::warn!("{s}");
        eprintln!("{s}");
    }
    if plan.runs.is_empty() {
        anyhow::bail!(
            "no bot can run: set the token variables the profiles in bots/ name (see README, \"Run the bots\")"
        );
    }
    let lock = crate::lease::ServeLock::acquire(&config.database_url)?;
    let talking: Vec<BotProfile> = plan.runs.iter().map(|run| run.bot.clone()).collect();
    let options = app::Options { admins_of: bots.to_vec(), ..Default::default() };
    let mut app = App::build(config, &talking, options).await?;
    let mut tasks = tokio::task::JoinSet::new();
    let (receiving_tx, receiving) = watch::channel(false);
    let (sending_tx, sending) = watch::channel(false);
    let mut steps = Stopping { receiving: receiving_tx, sending: sending_tx, bots: Vec::new(), drain: config.drain };
    // The endpoint answers before the bots connect (/readyz says which are not yet) and until
    // the senders stopped.
    let listening = match config.listen {
        None => None,
        Some(addr) => {
            let bots = plan
                .runs
                .iter()
                .map(|run| {
                    let network = match run.connection {
                        Connection::Telegram(_) => "telegram",
                        Connection::Matrix(_) => "matrix",
                    };
                    (network.to_owned(), run.bot.key())
                })
                .collect();
            let ops = crate::ops::Ops { store: app.store.clone(), bots };
            let (bound, serving) = crate::ops::listen(addr, ops, sending.clone()).await?;
            eprintln!("operators' endpoint on http://{bound} (/healthz, /readyz, /metrics)");
            tasks.spawn(async move {
                serving.await.ok();
                Ok(())
            });
            Some(bound)
        }
    };
    let (lost_tx, lost_rx) = tokio::sync::mpsc::unbounded_channel();
    // On PostgreSQL each bot runs in one process: wait here as a standby while another has it.
    let keys: Vec<String> = plan.runs.iter().map(|run| run.bot.key()).collect();
    let Some(leases) = crate::lease::bot_leases(&config.database_url, &keys, stop.clone()).await? else {
        let (couriers, job_kinds) = (app.couriers(), app.job_kinds());
        tasks.spawn(conduct(stop, lost_rx, steps, app.store.clone()));
        return Ok(Running { tasks, couriers, job_kinds, store: app.store.clone(), listening, lock });
    };
    let mut leases: std::collections::HashMap<String, crate::store::BotLease> =
        leases.into_iter().map(|lease| (lease.bot.clone(), lease)).collect();
    let metrics = crate::core::metrics::global();
    for run in plan.runs {
        let key = run.bot.key();
        let engine = app.engine_for(&key).context("every planned bot has its engine")?;
        let (network, stops, bot_task) = match run.connection {
            Connection::Telegram(options) => {
                let bot = TelegramBot::connect(engine.clone(), options)
                    .await
                    .with_context(|| format!("bot {key} could not start on Telegram"))?;
                eprintln!("bot {key}: on Telegram as @{}", bot.username());
                app.add_courier(Arc::new(bot.courier()));
                let (stops, receiving, sending) = BotStop::new(&key, bot.channel());
                ("telegram", stops, tokio::spawn(bot.run_until(receiving, sending)))
            }
            Connection::Matrix(options) => {
                let bot = MatrixBot::connect(engine, options)
                    .await
                    .with_context(|| format!("bot {key} could not start on Matrix"))?;
                eprintln!("bot {key}: on Matrix as {}", bot.user_id());
                app.add_courier(Arc::new(bot.courier()));
                let (stops, receiving, sending) = BotStop::new(&key, bot.channel());
                ("matrix", stops, tokio::spawn(bot.run_until(receiving, sending)))
            }
        };
        metrics.set_connected(network, &key, true);
        steps.bots.push(stops);
        // A bot on two networks holds one lease, watched beside its first connection.
        let lease = leases.remove(&key);
        let (url, sending, lost_tx) = (config.database_url.clone(), sending.clone(), lost_tx.clone());
        tasks.spawn(async move {
            let lease = match lease {
                Some(lease) => match crate::lease::watch_lease(&url, lease, sending).await {
                    Some(lease) => Some(lease),
                    None => {
                        let _ = lost_tx.send(key.clone());
                        None
                    }
                },
                None => None,
            };
            let result = bot_task.await.map_err(anyhow::Error::from).and_then(|r| r);
            metrics.set_connected(network, &key, false);
            // Given up only once the bot's sender is done, so no standby sends beside it.
            if let Some(lease) = lease {
                lease.release().await;
            }
            drop(lost_tx);
            result.with_context(|| format!("bot {key} stopped on {network}"))
        });
    }
    drop(lost_tx);
    let (couriers, job_kinds) = (app.couriers(), app.job_kinds());
    let App { scheduler, store, .. } = app;
    tasks.spawn(conduct(stop, lost_rx, steps, store.clone()));
    tasks.spawn(async move {
        Arc::new(scheduler).run(receiving).await;
        Ok(())
    });
    Ok(Running { tasks, couriers, job_kinds, store, listening, lock })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn bot(text: &str) -> BotProfile {
        BotProfile::parse(Path::new("bots/lazio.toml"), text).expect("valid profile")
    }

    const TELEGRAM: &str =
        "name = \"L\"\ndefault_language = \"it\"\nmodules = []\n[telegram]\ntoken_env = \"T_TOKEN\"\n";

    #[test]
    fn a_bot_without_its_token_is_skipped_with_the_variable_named() {
        let p = plan(&[bot(TELEGRAM)], |_| None);
        assert!(p.runs.is_empty());
        assert_eq!(p.skipped, vec!["bot lazio (bots/lazio.toml): Telegram skipped, T_TOKEN is not set"]);
    }

    #[test]
    fn a_bot_with_its_token_runs_and_the_token_never_prints() {
        let p = plan(&[bot(TELEGRAM)], |k| (k == "T_TOKEN").then(|| "123:SECRET".to_owned()));
        assert_eq!(p.runs.len(), 1);
        assert!(matches!(&p.runs[0].connection, Connection::Telegram(o) if o.key == "lazio"));
        assert!(!format!("{:?}", p.runs[0]).contains("SECRET"));
    }

    #[test]
    fn webhook_mode_needs_its_secret_in_the_environment() {
        let text = format!("{TELEGRAM}webhook_url = \"https://bot.example.org/tg\"\nwebhook_secret_env = \"T_HOOK\"\n");
        let p = plan(&[bot(&text)], |k| (k == "T_TOKEN").then(|| "1:A".to_owned()));
        assert!(p.runs.is_empty());
        assert!(p.skipped[0].contains("T_HOOK"), "{:?}", p.skipped);
    }

    const MATRIX: &str = "name = \"L\"\ndefault_language = \"en\"\nmodules = []\n[matrix]\nhomeserver = \"http://127.0.0.1:8008\"\n\
                          user_env = \"M_USER\"\npassword_env = \"M_PASS\"\n";

    #[test]
    fn a_matrix_bot_runs_with_its_user_and_password_and_keeps_its_state_in_its_own_folder() {
        let p = plan(&[bot(MATRIX)], |k| match k {
            "M_USER" => Some("@vicinato:example.org".into()),
            "M_PASS" => Some("hunter2".into()),
            _ => None,
        });
        assert_eq!(p.runs.len(), 1, "{:?}", p.skipped);
        let Connection::Matrix(o) = &p.runs[0].connection else { panic!("a Matrix run") };
        assert_eq!(o.data_dir, std::path::PathBuf::from("data/matrix/lazio"));
        assert!(!format!("{:?}", p.runs[0]).contains("hunter2"));
    }

    #[test]
    fn a_matrix_bot_without_its_password_is_skipped_naming_the_variables() {
        let p = plan(&[bot(MATRIX)], |k| (k == "M_USER").then(|| "@v:example.org".to_owned()));
        assert!(p.runs.is_empty());
        assert_eq!(p.skipped, vec!["bot lazio (bots/lazio.toml): Matrix skipped, none of M_PASS is set"]);
    }
}
