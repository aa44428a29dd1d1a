//! Test helpers: a fresh app on a fresh database, and PostgreSQL databases made per test.

use chrono::{DateTime, TimeZone, Utc};
use std::sync::Arc;
use vicinato::clock::{Clock, ManualClock};
use vicinato::conversation::{ConversationSettings, Engine};
use vicinato::i18n::I18n;
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
    store.replace_dataset(&vicinato::demo::lazio().unwrap()).await.expect("load demo");
    let clock = Arc::new(ManualClock::new(at));
    let dyn_clock: Arc<dyn Clock> = clock.clone();
    let engine = Engine::new(store, Arc::new(I18n::embedded().unwrap()), dyn_clock, settings).await.unwrap();
    (Arc::new(engine), clock)
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
        use vicinato::courier::{CapturingCourier, Couriers};
        let (store, dir) = sqlite_store().await;
        store.replace_dataset(&vicinato::demo::lazio().unwrap()).await.unwrap();
        let clock = Arc::new(ManualClock::new(saturday_morning()));
        let dyn_clock: Arc<dyn Clock> = clock.clone();
        let engine = Arc::new(
            Engine::new(store, Arc::new(I18n::embedded().unwrap()), dyn_clock.clone(), settings).await.unwrap(),
        );
        let courier = CapturingCourier::new(vicinato::domain::Network::Console);
        let mut couriers = Couriers::default();
        couriers.add(courier.clone());
        engine.set_couriers(couriers);
        let mut scheduler =
            vicinato::scheduler::Scheduler::new(engine.store().clone(), dyn_clock, "test", engine.jobs_added());
        vicinato::conversation::register_jobs(&mut scheduler, engine.clone());
        App { engine, clock, courier, scheduler, _dir: dir }
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
