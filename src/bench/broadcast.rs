//! `vicinato bench broadcast`: one staff announcement to thousands of residents on Telegram
//! (the Bot API test server, Telegram's limits enforced, over a network with the run's delay
//! and jitter) and hundreds on Matrix (a Synapse started for the run), sent the way staff's are:
//! composed, then the send job expands the audience and hands the copies to both bots' bulk
//! lanes. The clock runs from the job's start until every copy of a network is recorded.
//! Meanwhile a new resident writes every half second on Telegram and the time to the first
//! message of their answer is measured. Afterwards every chat and room is read back: one copy
//! each, in the person's language. Needs the test peers: built with `testkit` only.

use super::{Percentiles, TelegramRun, bench_app, current_memory_mib, percentiles};
use crate::domain::*;
use crate::store::Store;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// What a run sends, and to whom.
#[derive(Debug, Clone, Copy)]
pub struct BroadcastRun {
    /// Residents on Telegram.
    pub telegram: usize,
    /// Residents on Matrix (0: no homeserver is started).
    pub matrix: usize,
    /// One resident in this many reads English (the rest Italian).
    pub english_every: usize,
    pub net: TelegramRun,
    /// Messages a second the homeserver allows the bot (`rc_message`); 0 lifts the limit.
    pub matrix_per_second: f64,
    /// A new resident writes on Telegram this often during the send.
    pub ask_every: Duration,
}

/// The figures of a run.
#[derive(Debug, Clone)]
pub struct BroadcastFigures {
    pub telegram: usize,
    pub matrix: usize,
    /// Registering the residents (and, on Matrix, their direct chats with the bot).
    pub setup: Duration,
    /// The send job's first run: the audience expanded and every copy handed over.
    pub handover: Duration,
    /// From the job's start to the last Telegram copy recorded.
    pub telegram_done: Duration,
    /// N / 30 s.
    pub ideal: Duration,
    /// Every message Telegram took while the copies went out (the answers to residents
    /// included: they share the budget of 30 a second), and that count / 30 s.
    pub sent_during: usize,
    pub ideal_all: Duration,
    /// From the job's start to the last Matrix copy recorded.
    pub matrix_done: Option<Duration>,
    /// Copies per network and final state.
    pub states: Vec<(Network, String, i64)>,
    /// Sends the test server refused for broken limits (its 429s), and why.
    pub refusals: usize,
    pub refusal_reasons: Vec<String>,
    pub injected_429: u64,
    pub injected_5xx: u64,
    /// 429s the homeserver answered, waited out.
    pub matrix_rate_limited: u64,
    /// Telegram chats (then Matrix rooms) that got the announcement more than once, none, or
    /// in the other language.
    pub doubles: usize,
    pub lost: usize,
    pub wrong_language: usize,
    pub matrix_doubles: usize,
    pub matrix_lost: usize,
    pub matrix_wrong_language: usize,
    /// Residents writing during the send: from their message to the first of the answer.
    pub replies: Percentiles,
    pub replies_unanswered: usize,
    pub questions: usize,
    /// Resident memory of the process while the copies went out (test server included; the
    /// homeserver is another process).
    pub send_mib: Option<f64>,
}

const TOKEN: &str = "4242:BENCH";
const PASSWORD: &str = "bench-broadcast-password";
/// The first words of each text, to find a copy among a chat's messages.
const IT_MARK: &str = "Sabato 5 dicembre";
const EN_MARK: &str = "Saturday 5 December";

fn texts() -> AnnouncementTexts {
    let it = format!(
        "{IT_MARK}, dalle 10 alle 13, la sala grande della Casa di comunità ospita lo sportello per le domande di \
         bonus energia e la consulenza gratuita per le famiglie. Porta un documento e la tessera sanitaria. \
         Non serve prenotare: chi arriva prima entra prima. Per chi non può muoversi, i volontari passano a casa \
         il lunedì dopo."
    );
    let en = format!(
        "{EN_MARK}, from 10 to 13, the big hall of the community house hosts the desk for energy bonus \
         applications and free advice for families. Bring an identity document and your health card. No booking \
         needed: first come, first served. For those who cannot move, volunteers visit on the following Monday."
    );
    AnnouncementTexts { it, en: Some(en) }
}

/// A resident of Centocelle reading `lang`, kept in the store for `account`.
async fn resident(
    store: &dyn Store,
    account: Account,
    lang: Lang,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    let mut p = store.person_for_account(&account, "Vicino", now).await?;
    p.home = Some(TerritoryId::new("centocelle"));
    p.language = Some(lang);
    store.save_profile(&p).await?;
    Ok(())
}

fn lang_of(i: usize, english_every: usize) -> Lang {
    if english_every > 0 && i.is_multiple_of(english_every) { Lang::En } else { Lang::It }
}

/// The announcement once in the right language among `bodies`: (copies, in the wrong language).
fn copies_in(bodies: &[String], lang: Lang) -> (usize, bool) {
    let (right, wrong) = if lang == Lang::En { (EN_MARK, IT_MARK) } else { (IT_MARK, EN_MARK) };
    let n = bodies.iter().filter(|b| b.contains(right) || b.contains(wrong)).count();
    (n, bodies.iter().any(|b| b.contains(wrong)))
}

/// A Matrix resident: user id, access token, direct chat with the bot, language.
struct MatrixResident {
    user: String,
    token: String,
    room: String,
    lang: Lang,
}

pub async fn broadcast(store: Arc<dyn Store>, run: BroadcastRun) -> anyhow::Result<BroadcastFigures> {
    use crate::core::announcements::{By, compose};
    use crate::transport::matrix::{Credentials, MatrixBot, MatrixOptions};
    use crate::transport::telegram::{TelegramBot, TelegramOptions};
    use vicinato_testkit::synapse::Synapse;
    use vicinato_testkit::telegram::{FaultRates, Path, TestServer};

    let began = Instant::now();
    let now = chrono::Utc::now();
    // The homeserver first: starting it blocks for a few seconds.
    let hs = if run.matrix > 0 {
        let rate = if run.matrix_per_second > 0.0 { run.matrix_per_second } else { 1000.0 };
        let burst = if run.matrix_per_second > 0.0 { (rate as u32).max(1) * 5 } else { 1000 };
        let hs = tokio::task::spawn_blocking(move || Synapse::start_with_message_rate(rate, burst)).await?;
        Some(Arc::new(hs.ok_or_else(|| {
            anyhow::anyhow!(
                "Synapse is not available for the Matrix residents: run scripts/synapse install, or --matrix 0"
            )
        })?))
    } else {
        None
    };
    store.replace_dataset(&crate::demo::lazio()?).await?;
    let server = Arc::new(TestServer::start(TOKEN).await?);
    server.seed(run.net.seed);
    server.set_path(Path { delay: run.net.delay, jitter: run.net.jitter });
    let mut app = bench_app(store.clone(), "bench").await?;
    let mut options =
        TelegramOptions::new("bench", crate::config::Secret::new(TOKEN.into()), "VICINATO_TELEGRAM_TOKEN", &server.url);
    options.poll_timeout = 1;
    let bot = TelegramBot::connect(app.engine.clone(), options).await?;
    app.add_courier(Arc::new(bot.courier()));
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let telegram_running = tokio::spawn(bot.run(stopped.clone()));

    let data = std::env::temp_dir().join(format!("vicinato-bench-broadcast-{}", std::process::id()));
    let mut matrix_running = None;
    let mut matrix_stats = None;
    let mut matrix_residents = Vec::new();
    let mut bot_id = String::new();
    if let Some(hs) = &hs {
        hs.register("benchbot", PASSWORD).await?;
        bot_id = hs.user_id("benchbot");
        let credentials = Credentials::Password(crate::config::Secret::new(PASSWORD.into()));
        let options = MatrixOptions::new("benchmx", &hs.url, &bot_id, credentials, data.join("bot"));
        let bot = MatrixBot::connect(app.engine.clone(), options).await?;
        app.add_courier(Arc::new(bot.courier()));
        matrix_stats = Some(bot.stats());
        matrix_running = Some(tokio::spawn(bot.run(stopped.clone())));
        // Each resident opens a direct chat with the bot, as one who wrote to it has; eight
        // at a time.
        let mut opening = tokio::task::JoinSet::new();
        for i in 0..run.matrix {
            if opening.len() >= 8
                && let Some(done) = opening.join_next().await
            {
                matrix_residents.push(done??);
            }
            let (hs, bot_id) = (hs.clone(), bot_id.clone());
            opening.spawn(async move {
                let localpart = format!("res{i}");
                let token = hs.register(&localpart, PASSWORD).await?;
                let room = hs.open_direct_chat(&token, &bot_id).await?;
                anyhow::Ok(MatrixResident {
                    user: hs.user_id(&localpart),
                    token,
                    room,
                    lang: lang_of(i, run.english_every),
                })
            });
        }
        while let Some(done) = opening.join_next().await {
            matrix_residents.push(done??);
        }
        let bot_id = &bot_id;
        let deadline = Instant::now() + Duration::from_secs(300);
        for r in &matrix_residents {
            while !hs.joined_members(&r.token, &r.room).await?.iter().any(|m| m == bot_id) {
                anyhow::ensure!(
                    Instant::now() < deadline,
                    "the bot did not join the residents' direct chats in 5 minutes"
                );
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            resident(store.as_ref(), Account::new(Network::Matrix, r.user.clone()), r.lang, now).await?;
        }
        // Let the bot's next sync bring the direct chats it joined into its account data.
        tokio::time::sleep(Duration::from_secs(3)).await;
    }
    for i in 0..run.telegram {
        let user = server.user(100_000 + i as i64, &format!("Residente {i}"), Some("it"));
        server.user_started(&user);
        resident(
            store.as_ref(),
            Account::new(Network::Telegram, user.id.to_string()),
            lang_of(i, run.english_every),
            now,
        )
        .await?;
    }
    let setup = began.elapsed();

    let tree = TerritoryTree::new(store.territories().await?)?;
    let draft = compose::Draft {
        texts: texts(),
        audience: Audience {
            territory: Some(TerritoryId::new("centocelle")),
            who: Who::Home,
            rooms: Default::default(),
        },
        at: None,
        recurrence: None,
    };
    let announcement = compose::compose(By::Operator, draft, store.as_ref(), &tree, &[], chrono_tz::Europe::Rome, now)
        .await?
        .map_err(|r| anyhow::anyhow!("the benchmark's announcement was refused: {r:?}"))?;
    server.set_fault_rates(FaultRates {
        server_error: run.net.server_errors,
        too_many: run.net.too_many,
        retry_after: 1,
    });

    // Residents writing during the send, one every `ask_every`, each a new chat.
    let asking = Arc::new(AtomicBool::new(true));
    let sampler = {
        let (server, asking, every) = (server.clone(), asking.clone(), run.ask_every);
        tokio::spawn(async move {
            let questions = ["mensa a Centocelle", "corso di italiano", "medico a Ostia", "/help"];
            let (mut samples, mut unanswered, mut k) = (Vec::new(), 0usize, 0usize);
            while asking.load(Ordering::Relaxed) {
                let tick = Instant::now();
                let user = server.user(900_000 + k as i64, &format!("Vicina {k}"), Some("it"));
                let sent = Instant::now();
                server.user_says(&user, questions[k % questions.len()]);
                k += 1;
                let answered = loop {
                    if !server.messages(user.id).is_empty() {
                        break Some(sent.elapsed());
                    }
                    if sent.elapsed() > Duration::from_secs(30) {
                        break None;
                    }
                    tokio::time::sleep(Duration::from_millis(5)).await;
                };
                match answered {
                    Some(d) => samples.push(d),
                    None => unanswered += 1,
                }
                tokio::time::sleep(every.saturating_sub(tick.elapsed())).await;
            }
            (samples, unanswered, k)
        })
    };

    let sent_before = server.sent_count();
    let mut sent_during = 0;
    let started = Instant::now();
    let ran = app.scheduler.run_due(now).await?;
    anyhow::ensure!(ran.failed == 0, "the send job failed");
    let handover = started.elapsed();
    let (mut telegram_done, mut matrix_done) = (None, None);
    let mut send_mib = current_memory_mib();
    let deadline = started + Duration::from_secs(3600);
    loop {
        let counts = store.recipient_counts(announcement.id).await?;
        let settled =
            |n: Network| !counts.iter().any(|c| c.network == n && matches!(c.state.as_str(), "queued" | "sending"));
        if telegram_done.is_none() && settled(Network::Telegram) {
            telegram_done = Some(started.elapsed());
            sent_during = server.sent_count() - sent_before;
        }
        if matrix_done.is_none() && hs.is_some() && settled(Network::Matrix) {
            matrix_done = Some(started.elapsed());
        }
        send_mib = match (send_mib, current_memory_mib()) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        if telegram_done.is_some() && (hs.is_none() || matrix_done.is_some()) {
            break;
        }
        anyhow::ensure!(Instant::now() < deadline, "the announcement was not delivered within an hour");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    asking.store(false, Ordering::Relaxed);
    let (mut samples, replies_unanswered, questions) = sampler.await?;
    server.set_fault_rates(FaultRates::default());

    let counts = store.recipient_counts(announcement.id).await?;
    let mut states: Vec<(Network, String, i64)> = Vec::new();
    for c in counts {
        match states.iter_mut().find(|(n, s, _)| *n == c.network && *s == c.state) {
            Some(row) => row.2 += c.count,
            None => states.push((c.network, c.state, c.count)),
        }
    }
    let (mut doubles, mut lost, mut wrong_language) = (0, 0, 0);
    for i in 0..run.telegram {
        let bodies: Vec<String> = server.messages(100_000 + i as i64).into_iter().map(|m| m.text).collect();
        let (n, wrong) = copies_in(&bodies, lang_of(i, run.english_every));
        doubles += usize::from(n > 1);
        lost += usize::from(n == 0);
        wrong_language += usize::from(wrong);
    }
    let (mut matrix_doubles, mut matrix_lost, mut matrix_wrong_language) = (0, 0, 0);
    if let Some(hs) = &hs {
        for r in &matrix_residents {
            let bodies = hs.messages_from(&r.token, &r.room, &bot_id, 50).await?;
            let (n, wrong) = copies_in(&bodies, r.lang);
            matrix_doubles += usize::from(n > 1);
            matrix_lost += usize::from(n == 0);
            matrix_wrong_language += usize::from(wrong);
        }
    }
    let violations = server.violations();
    let _ = stop.send(true);
    telegram_running.await??;
    if let Some(running) = matrix_running {
        running.await??;
    }
    let _ = std::fs::remove_dir_all(&data);
    Ok(BroadcastFigures {
        telegram: run.telegram,
        matrix: run.matrix,
        setup,
        handover,
        telegram_done: telegram_done.unwrap_or_default(),
        ideal: Duration::from_secs_f64(run.telegram as f64 / 30.0),
        sent_during,
        ideal_all: Duration::from_secs_f64(sent_during as f64 / 30.0),
        matrix_done,
        states,
        refusals: violations.len(),
        refusal_reasons: violations.into_iter().take(5).collect(),
        injected_429: server.injected_429s(),
        injected_5xx: server.injected_5xx(),
        matrix_rate_limited: matrix_stats
            .map_or(0, |s| crate::transport::matrix::sender::MatrixStats::get(&s.rate_limited)),
        doubles,
        lost,
        wrong_language,
        matrix_doubles,
        matrix_lost,
        matrix_wrong_language,
        replies: percentiles(&mut samples),
        replies_unanswered,
        questions,
        send_mib,
    })
}
