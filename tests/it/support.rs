//! Test helpers: a fresh app on a fresh database, built by the composition root like
//! `serve`'s ([`spawn_app`]), and PostgreSQL databases made per test.

use chrono::{DateTime, TimeZone, Utc};
use std::sync::Arc;
pub use vicinato::app::Options;
use vicinato::clock::{Clock, ManualClock};
use vicinato::conversation::{ConversationSettings, Engine};
use vicinato::store::Store;

/// A SQLite store in a fresh temporary folder (kept alive by the returned guard).
pub async fn sqlite_store() -> (Arc<dyn Store>, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite:{}/vicinato.db", dir.path().display());
    let store = vicinato::store::open(&url).await.expect("open sqlite store");
    (store, dir)
}

/// The PostgreSQL URL tests run against, if configured. With VICINATO_REQUIRE_POSTGRES set
/// (as CI does), a missing URL fails instead of skipping.
pub fn postgres_url() -> Option<String> {
    match std::env::var("VICINATO_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var("VICINATO_REQUIRE_POSTGRES").is_err(),
                "VICINATO_REQUIRE_POSTGRES is set but VICINATO_TEST_POSTGRES_URL is not"
            );
            None
        }
    }
}

/// A fresh PostgreSQL database for one test, dropped when the guard drops.
pub struct PgDatabase {
    admin_url: String,
    pub name: String,
    pub url: String,
}

impl PgDatabase {
    pub async fn create(admin_url: &str) -> Self {
        use sqlx::Executor;
        static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let name = format!("vicinato_test_{}_{}_{}", std::process::id(), n, Utc::now().timestamp_micros() % 1_000_000);
        let pool = sqlx::PgPool::connect(admin_url).await.expect("connect to the test PostgreSQL");
        pool.execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).await.expect("create test database");
        pool.close().await;
        let base = admin_url.rsplit_once('/').map(|(b, _)| b).unwrap_or(admin_url);
        Self { admin_url: admin_url.to_owned(), url: format!("{base}/{name}"), name }
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let admin = self.admin_url.clone();
        let name = self.name.clone();
        // Best effort, on a thread of its own so no runtime is needed here.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().ok()?;
            rt.block_on(async move {
                use sqlx::Executor;
                let pool = sqlx::PgPool::connect(&admin).await.ok()?;
                pool.execute(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))).await.ok()?;
                pool.close().await;
                Some(())
            })
        })
        .join();
    }
}

/// Saturday 28 November 2026, 10:00 in Rome.
pub fn saturday_morning() -> DateTime<Utc> {
    chrono_tz::Europe::Rome.with_ymd_and_hms(2026, 11, 28, 10, 0, 0).unwrap().with_timezone(&Utc)
}

/// The app `serve` would build (the same [`vicinato::app::App::build`]), over `store` with
/// the demo data loaded, on a clock the test controls set to `at`, with the built-in spaces
/// unless `options` names others. `options` carries what else the test injects: couriers,
/// settings, the scheduler's owner (a second process on one database).
pub async fn spawn_app(
    store: Arc<dyn Store>,
    at: DateTime<Utc>,
    options: Options,
) -> (vicinato::app::App, Arc<ManualClock>) {
    store.replace_dataset(&vicinato::demo::lazio().unwrap()).await.expect("load demo");
    rebuild_app(store, at, options).await
}

/// [`spawn_app`] over a store as it is (a restart: nothing loaded again).
pub async fn rebuild_app(
    store: Arc<dyn Store>,
    at: DateTime<Utc>,
    options: Options,
) -> (vicinato::app::App, Arc<ManualClock>) {
    spawn_bots(store, at, &[], options).await
}

/// A bot profile (`bots/test.toml`) offering only these modules, in Italian.
pub fn bot_offering(modules: &[&str]) -> vicinato::config::BotProfile {
    let list: Vec<String> = modules.iter().map(|m| format!("\"{m}\"")).collect();
    let text = format!("name = \"Test\"\ndefault_language = \"it\"\nmodules = [{}]\n", list.join(", "));
    vicinato::config::BotProfile::parse(std::path::Path::new("bots/test.toml"), &text).expect("a valid profile")
}

/// [`spawn_app`] for one bot offering only `modules`, with the default conversation settings.
pub async fn bot_app(store: Arc<dyn Store>, at: DateTime<Utc>, modules: &[&str]) -> vicinato::app::App {
    store.replace_dataset(&vicinato::demo::lazio().unwrap()).await.expect("load demo");
    let options = Options { settings: Some(ConversationSettings::default()), ..Default::default() };
    spawn_bots(store, at, &[bot_offering(modules)], options).await.0
}

/// The app of [`App::build`](vicinato::app::App::build) for these bots, over a store as it is.
pub async fn spawn_bots(
    store: Arc<dyn Store>,
    at: DateTime<Utc>,
    bots: &[vicinato::config::BotProfile],
    options: Options,
) -> (vicinato::app::App, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(at));
    let dyn_clock: Arc<dyn Clock> = clock.clone();
    let spaces = match options.spaces {
        Some(spaces) => spaces,
        None => vicinato::domain::Spaces::parse("built-in", vicinato::conversation::SPACES_TOML).unwrap(),
    };
    let options = Options {
        store: Some(store),
        clock: Some(dyn_clock),
        spaces: Some(spaces),
        owner: options.owner.or(Some("test".into())),
        ..options
    };
    let config = vicinato::config::Config::load(None, std::iter::empty()).expect("the built-in configuration");
    let app = vicinato::app::App::build(&config, bots, options).await.expect("the app builds");
    (app, clock)
}

/// An engine over a store with the demo data, on a clock the test controls.
pub async fn engine_on(store: Arc<dyn Store>, at: DateTime<Utc>) -> (Arc<Engine>, Arc<ManualClock>) {
    engine_with(store, at, ConversationSettings::default()).await
}

/// [`engine_on`] with other settings.
pub async fn engine_with(
    store: Arc<dyn Store>,
    at: DateTime<Utc>,
    settings: ConversationSettings,
) -> (Arc<Engine>, Arc<ManualClock>) {
    let (app, clock) = spawn_app(store, at, Options { settings: Some(settings), ..Default::default() }).await;
    (app.engine, clock)
}

/// Sends lines through the console transport in JSON mode; returns every reply.
pub async fn talk(
    engine: &Engine,
    name: &str,
    lang: Option<vicinato::domain::Lang>,
    lines: &[&str],
) -> Vec<serde_json::Value> {
    use vicinato::transport::console::{ConsoleOptions, run_on};
    let input = lines.join("\n") + "\n";
    let mut out = Vec::new();
    let files_dir = std::env::temp_dir().join(format!("vicinato-console-files-{}", std::process::id()));
    let opts = ConsoleOptions { name: name.into(), lang, json: true, files_dir };
    run_on(engine, opts, input.as_bytes(), &mut out, false).await.expect("console runs");
    String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("each reply is one JSON line"))
        .collect()
}

/// The text of a reply from [`talk`].
pub fn text(v: &serde_json::Value) -> &str {
    v["text"].as_str().unwrap()
}

/// The button payloads of a reply from [`talk`].
pub fn payloads(v: &serde_json::Value) -> Vec<String> {
    v["buttons"].as_array().unwrap().iter().map(|b| b["payload"].as_str().unwrap().to_owned()).collect()
}

/// A console app on a fresh SQLite store with the demo directory: the engine, a clock the test
/// sets, the real scheduler with the booking and initiative jobs, and a capturing courier for
/// what Vicinato sends on its own.
pub struct App {
    pub engine: Arc<Engine>,
    pub clock: Arc<ManualClock>,
    pub courier: Arc<vicinato::courier::CapturingCourier>,
    pub scheduler: vicinato::scheduler::Scheduler,
    _dir: tempfile::TempDir,
}

impl App {
    pub async fn with(settings: ConversationSettings) -> App {
        use vicinato::courier::CapturingCourier;
        let (store, dir) = sqlite_store().await;
        let courier = CapturingCourier::new(vicinato::domain::Network::Console);
        let options = Options { settings: Some(settings), couriers: vec![courier.clone()], ..Default::default() };
        let (app, clock) = spawn_app(store, saturday_morning(), options).await;
        App { engine: app.engine, clock, courier, scheduler: app.scheduler, _dir: dir }
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        self.engine.store()
    }

    pub async fn run_jobs(&self) -> usize {
        self.scheduler.run_due(self.clock.now()).await.unwrap().ran
    }

    /// The person behind a console name (who must have written already).
    pub async fn person(&self, name: &str) -> vicinato::domain::Person {
        use vicinato::domain::{Account, Network};
        self.store().find_person(&Account::new(Network::Console, name)).await.unwrap().unwrap()
    }

    /// Grants a role in a territory to a console person who exists.
    pub async fn grant(&self, name: &str, role: vicinato::domain::Role, territory: &str) {
        use vicinato::domain::{RoleGrant, TerritoryId};
        let p = self.person(name).await;
        let grant = RoleGrant { role, territory: Some(TerritoryId::new(territory)) };
        self.store().grant_role(p.id, &grant, self.clock.now()).await.unwrap();
    }
}

/// Composes an announcement to everyone living in Centocelle, as the operator, sent now, and
/// runs its send job once (its copies are handed to the couriers).
pub async fn announce_to_centocelle(app: &vicinato::app::App, text: &str) -> vicinato::domain::AnnouncementId {
    use vicinato::core::announcements::{By, compose};
    use vicinato::domain::{AnnouncementTexts, Audience, TerritoryId, TerritoryTree, Who};
    let store = app.engine.store();
    let now = saturday_morning();
    let tree = TerritoryTree::new(store.territories().await.unwrap()).unwrap();
    let draft = compose::Draft {
        texts: AnnouncementTexts { it: text.into(), en: None },
        audience: Audience {
            territory: Some(TerritoryId::new("centocelle")),
            who: Who::Home,
            rooms: Default::default(),
        },
        at: None,
        recurrence: None,
    };
    let a = compose::compose(By::Operator, draft, store.as_ref(), &tree, &[], chrono_tz::Europe::Rome, now)
        .await
        .unwrap()
        .unwrap();
    let ran = app.scheduler.run_due(now).await.unwrap();
    assert_eq!((ran.ran, ran.failed), (1, 0));
    a.id
}
