//! The composition root: configuration → store (created, migrated, seeded with demo data on
//! first run) → one conversation engine per bot → the scheduler with every job handler → the
//! couriers, one per bot and network. [`App::build`] is the only place that calls
//! `Engine::new` and `Scheduler::new`; `serve`, `chat`, the benchmarks and the tests all build
//! through it, and what they need different (a manual clock, a capturing courier, a store shared
//! by two processes) is an [`Options`] field, never a wiring of their own. It connects to no
//! network and runs nothing: the transports connect with the engine it gives them and hand
//! their courier back with [`App::add_courier`]; the caller runs the scheduler.

use crate::clock::{Clock, SystemClock};
use crate::config::{BotProfile, Config};
use crate::conversation::{ConversationSettings, Engine};
use crate::courier::{Courier, Couriers};
use crate::domain::{Lang, Role, RoleGrant, Spaces};
use crate::i18n::I18n;
use crate::scheduler::Scheduler;
use crate::store::{self, Store};
use anyhow::Context;
use std::sync::Arc;
use tokio::sync::Notify;

/// What a caller puts in instead of the defaults. `Options::default()` is production's.
#[derive(Default)]
pub struct Options {
    /// Profiles whose admins are made admins although their bots do not talk here (`chat`
    /// passes every profile; `serve` the ones whose secrets are missing too).
    pub admins_of: Vec<BotProfile>,
    /// An open store the caller prepared: used instead of opening `database_url`, and neither
    /// seeded, nor given admins, nor purged (a test's, or a second process on one database).
    pub store: Option<Arc<dyn Store>>,
    /// The clock of engines and scheduler; the system's by default.
    pub clock: Option<Arc<dyn Clock>>,
    /// The settings of every engine, instead of the configuration's with the bot's language.
    pub settings: Option<ConversationSettings>,
    /// The bookable spaces, instead of [`load_spaces`].
    pub spaces: Option<Spaces>,
    /// Couriers registered from the start (a test's capturing courier).
    pub couriers: Vec<Arc<dyn Courier>>,
    /// The scheduler's name in job leases; [`Scheduler::process_owner`] by default.
    pub owner: Option<String>,
}

/// A bot that talks in this process, with the engine it talks through.
pub struct Bot {
    pub profile: BotProfile,
    pub engine: Arc<Engine>,
}

/// Everything a process runs on, wired once.
pub struct App {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    /// The engine the scheduler's jobs run through: the first bot's, or one with the
    /// configuration's defaults and every module when no bot talks here (`chat`, tests).
    pub engine: Arc<Engine>,
    /// One per bot profile given to [`App::build`], in order.
    pub bots: Vec<Bot>,
    /// Every job handler registered ([`register_jobs`]); not running.
    pub scheduler: Scheduler,
    couriers: Couriers,
}

/// Registers every job kind the conversation layer schedules with a scheduler: the one list
/// production and tests share.
pub fn register_jobs(scheduler: &mut Scheduler, engine: Arc<Engine>) {
    crate::conversation::register_jobs(scheduler, engine);
}

/// The scheduler of an engine's jobs: its store, clock and waker, every job kind registered,
/// `owner` naming it in leases. [`App::build`] makes its scheduler here; a test makes a second
/// one for the same engine (another process on one database) here too.
pub fn scheduler_for(engine: &Arc<Engine>, owner: impl Into<String>) -> Scheduler {
    let mut scheduler = Scheduler::new(engine.store().clone(), engine.clock().clone(), owner, engine.jobs_added());
    register_jobs(&mut scheduler, engine.clone());
    scheduler
}

impl App {
    /// Opens and prepares the store (unless one is given), builds one engine per bot (its
    /// language and modules; bots named twice get one), the scheduler with every job, and
    /// registers the given couriers with every engine.
    pub async fn build(config: &Config, bots: &[BotProfile], options: Options) -> anyhow::Result<App> {
        let clock: Arc<dyn Clock> = options.clock.unwrap_or_else(|| Arc::new(SystemClock));
        let store = match options.store {
            Some(store) => store,
            None => {
                let admins: Vec<BotProfile> = bots.iter().chain(&options.admins_of).cloned().collect();
                prepare_store(config, &admins, clock.as_ref()).await?
            }
        };
        let i18n = Arc::new(I18n::embedded()?);
        let spaces = match options.spaces {
            Some(spaces) => spaces,
            None => load_spaces()?,
        };
        let jobs_added = Arc::new(Notify::new());
        let engine_with = |lang: Option<Lang>| {
            let settings = options.settings.clone().unwrap_or_else(|| settings(config, lang));
            let (store, i18n, clock, spaces, jobs_added) =
                (store.clone(), i18n.clone(), clock.clone(), spaces.clone(), jobs_added.clone());
            async move {
                anyhow::Ok(
                    Engine::new(store, i18n, clock, settings).await?.with_spaces(spaces).with_job_waker(jobs_added),
                )
            }
        };
        let mut talking: Vec<Bot> = Vec::new();
        for profile in bots {
            if talking.iter().any(|b| b.profile.key() == profile.key()) {
                continue;
            }
            let engine = engine_with(Some(profile.default_language)).await?.with_modules(&profile.modules);
            talking.push(Bot { profile: profile.clone(), engine: Arc::new(engine) });
        }
        let engine = match talking.first() {
            Some(bot) => bot.engine.clone(),
            None => Arc::new(engine_with(None).await?),
        };
        let scheduler = scheduler_for(&engine, options.owner.unwrap_or_else(Scheduler::process_owner));
        let mut app = App {
            couriers: Couriers::default().with_store(store.clone()),
            store,
            clock,
            engine,
            bots: talking,
            scheduler,
        };
        for courier in options.couriers {
            app.add_courier(courier);
        }
        Ok(app)
    }

    /// The engine of a bot (by its key), if it talks here.
    pub fn engine_for(&self, bot: &str) -> Option<Arc<Engine>> {
        self.bots.iter().find(|b| b.profile.key() == bot).map(|b| b.engine.clone())
    }

    /// Every engine of this process: the bots', and the default one when no bot talks here.
    pub fn engines(&self) -> Vec<Arc<Engine>> {
        if self.bots.is_empty() {
            return vec![self.engine.clone()];
        }
        self.bots.iter().map(|b| b.engine.clone()).collect()
    }

    /// Registers a bot's courier (replacing one of the same channel) with every engine, so
    /// whatever runs a job reaches a person through the bot they last wrote to.
    pub fn add_courier(&mut self, courier: Arc<dyn Courier>) {
        self.couriers.add(courier);
        for engine in self.engines() {
            engine.set_couriers(self.couriers.clone());
        }
    }

    /// The couriers every engine sends through.
    pub fn couriers(&self) -> Couriers {
        self.couriers.clone()
    }

    /// The job kinds the scheduler runs, sorted.
    pub fn job_kinds(&self) -> Vec<String> {
        self.scheduler.kinds().into_iter().map(str::to_owned).collect()
    }
}

/// Opens the configured store, naming the URL (without credentials) on failure.
pub async fn open_store(url: &str) -> anyhow::Result<Arc<dyn Store>> {
    store::open(url).await.with_context(|| format!("cannot open the database at {}", redact_url(url)))
}

/// Hides a password in a database URL, for messages and logs: the userinfo's, and any
/// `password`-like query parameter (`?password=`, `&sslpassword=`).
pub fn redact_url(url: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let mut out = match (base.find("://"), base.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &base[scheme + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &base[..scheme + 3], &base[at..]),
                None => base.to_owned(),
            }
        }
        _ => base.to_owned(),
    };
    if let Some(query) = query {
        let params: Vec<String> = query
            .split('&')
            .map(|param| match param.split_once('=') {
                Some((key, _)) if key.to_ascii_lowercase().contains("password") => format!("{key}=***"),
                _ => param.to_owned(),
            })
            .collect();
        out.push('?');
        out.push_str(&params.join("&"));
    }
    out
}

/// Loads the demo directory when it is enabled and the directory is empty. Returns whether
/// it loaded.
pub async fn ensure_demo(store: &dyn Store, config: &Config) -> anyhow::Result<bool> {
    if !config.demo_enabled {
        return Ok(false);
    }
    let counts = store.counts().await?;
    if counts.services > 0 || counts.territories > 0 {
        return Ok(false);
    }
    let dataset = crate::demo::lazio()?;
    store.replace_dataset(&dataset).await.context("cannot load the demo data")?;
    tracing::info!(services = dataset.services.len(), "demo directory loaded");
    Ok(true)
}

/// Makes the admins listed in bot profiles admins (creating their person on first sight).
pub async fn apply_admins(store: &dyn Store, bots: &[BotProfile], clock: &dyn Clock) -> anyhow::Result<()> {
    for bot in bots {
        for account in &bot.admins {
            let person = store.person_for_account(account, &account.external_id, clock.now()).await?;
            store.grant_role(person.id, &RoleGrant { role: Role::Admin, territory: None }, clock.now()).await?;
        }
    }
    Ok(())
}

pub fn settings(config: &Config, default_lang: Option<Lang>) -> ConversationSettings {
    ConversationSettings {
        default_lang: default_lang.unwrap_or(config.default_language),
        time_zone: config.time_zone,
        flow_ttl: chrono::Duration::minutes(i64::from(config.flow_ttl_minutes)),
        page_size: config.page_size as usize,
        max_message_chars: config.max_message_chars as usize,
        initiatives: config.initiatives.clone(),
        limits: config.limits.clone(),
        escalation: Default::default(),
    }
}

/// The store, opened and migrated, with the demo data (on first run), the admins of the bot
/// profiles, and expired flows purged.
async fn prepare_store(config: &Config, bots: &[BotProfile], clock: &dyn Clock) -> anyhow::Result<Arc<dyn Store>> {
    let store = open_store(&config.database_url).await?;
    ensure_demo(store.as_ref(), config).await?;
    apply_admins(store.as_ref(), bots, clock).await?;
    // Delivery keys only need to outlive the jobs and fan-outs that might run again.
    let forgotten = store.purge_deliveries(clock.now() - chrono::Duration::days(30)).await?;
    tracing::debug!(forgotten, "old delivery keys removed");
    // A redelivered update comes within minutes; a week of receipts is plenty.
    let receipts = store.receipts_purge(clock.now() - chrono::Duration::days(7)).await?;
    tracing::debug!(receipts, "old receipts of handled updates removed");
    let purged = store.purge_expired_flows(clock.now()).await?;
    if purged > 0 {
        tracing::info!(purged, "expired conversation flows removed");
    }
    Ok(store)
}

/// The bookable spaces: the file named by `VICINATO_SPACES`, else `config/spaces.toml` in
/// the working folder, else the built-in one. Errors name the file and the key.
pub fn load_spaces() -> anyhow::Result<Spaces> {
    let path = std::env::var("VICINATO_SPACES")
        .ok()
        .filter(|p| !p.trim().is_empty())
        .map(std::path::PathBuf::from)
        .or_else(|| Some(std::path::PathBuf::from("config/spaces.toml")).filter(|p| p.exists()));
    Ok(match path {
        Some(p) => {
            let text = std::fs::read_to_string(&p).with_context(|| format!("cannot read {}", p.display()))?;
            Spaces::parse(&p.display().to_string(), &text)?
        }
        None => Spaces::parse("built-in config/spaces.toml", crate::conversation::SPACES_TOML)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_spaces_file_is_valid_and_matches_the_built_in_one() {
        let spaces = Spaces::parse("config/spaces.toml", crate::conversation::SPACES_TOML).unwrap();
        assert!(spaces.houses.iter().any(|h| h.spaces.len() > 1));
        let on_disk = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/config/spaces.toml")).unwrap();
        assert_eq!(on_disk, crate::conversation::SPACES_TOML);
    }

    #[test]
    fn passwords_in_database_urls_are_hidden() {
        assert_eq!(redact_url("postgres://ada:s3cret@db:5432/v"), "postgres://ada:***@db:5432/v");
        assert_eq!(redact_url("postgres://ada@db/v"), "postgres://ada@db/v");
        assert_eq!(redact_url("sqlite:data/v.db"), "sqlite:data/v.db");
        assert_eq!(
            redact_url("postgres://db/v?user=ada&password=s3cret&sslmode=require"),
            "postgres://db/v?user=ada&password=***&sslmode=require"
        );
        assert_eq!(redact_url("postgres://ada:a@db/v?sslpassword=x"), "postgres://ada:***@db/v?sslpassword=***");
    }
}
