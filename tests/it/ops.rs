//! Operations: the endpoint `serve` answers operators on (`/healthz`, `/readyz`, `/metrics`),
//! scraped after a conversation through the Bot API test server.

use crate::app::{config_in, profile};
use crate::support::*;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::watch;
use vicinato::store::prelude::*;
use vicinato_testkit::telegram::TestServer;

/// One plain HTTP/1.0 GET: the status code and the body.
pub async fn get(addr: SocketAddr, path: &str) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("the endpoint accepts");
    stream.write_all(format!("GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    let status = answer.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    let body = answer.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
    (status, body)
}

/// The value of one series in a metrics text (0 when it is not there yet).
pub fn value(text: &str, series: &str) -> f64 {
    text.lines()
        .find_map(|l| l.strip_prefix(series).and_then(|rest| rest.strip_prefix(' ')))
        .map_or(0.0, |v| v.trim().parse().expect("a number"))
}

#[tokio::test]
async fn serve_reports_its_health_and_the_messages_of_a_conversation_in_its_metrics() {
    let server = TestServer::start("31:OPS-token").await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    // A bot key of its own: the registry is the process's, shared with other tests.
    let bots = vec![profile(dir.path(), "opsmetrics", "it", Some(&server.url), None)];
    let plan = vicinato::serve::plan(&bots, |k| (k == "OPSMETRICS_TOKEN").then(|| "31:OPS-token".to_owned()));
    let (stop, rx) = watch::channel(false);
    let running = vicinato::serve::start(&config_in(dir.path()), &bots, plan, rx).await.expect("the bot starts");
    let addr = running.listening.expect("the endpoint listens");
    assert_eq!(get(addr, "/healthz").await, (200, "ok\n".to_owned()));
    let (status, body) = get(addr, "/readyz").await;
    assert_eq!((status, body.as_str()), (200, "ready\n"));

    let labels = "{network=\"telegram\",bot=\"opsmetrics\"}";
    let (_, before) = get(addr, "/metrics").await;
    let ugo = server.user(7101, "Ugo", Some("it"));
    server.user_says(&ugo, "/start");
    server.nth_message(ugo.id, 1, Duration::from_secs(30)).await.expect("a welcome");
    server.user_says(&ugo, "dove trovo un medico a Centocelle?");
    server.nth_message(ugo.id, 2, Duration::from_secs(30)).await.expect("an answer");
    // The sender counts a message once Telegram has taken it: wait for both counts.
    let mut after = String::new();
    for _ in 0..100 {
        after = get(addr, "/metrics").await.1;
        if value(&after, &format!("vicinato_messages_sent_total{labels}")) >= 2.0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let moved =
        |series: &str| value(&after, &format!("{series}{labels}")) - value(&before, &format!("{series}{labels}"));
    assert_eq!(moved("vicinato_messages_received_total"), 2.0, "{after}");
    assert!(moved("vicinato_messages_sent_total") >= 2.0, "{after}");
    assert_eq!(moved("vicinato_reply_seconds_count"), 2.0, "{after}");
    let inf = labels.replace('}', ",le=\"+Inf\"}");
    assert_eq!(
        value(&after, &format!("vicinato_reply_seconds_bucket{inf}")),
        value(&after, &format!("vicinato_reply_seconds_count{labels}"))
    );
    assert_eq!(value(&after, &format!("vicinato_bot_connected{labels}")), 1.0);
    for family in [
        "# TYPE vicinato_messages_received_total counter",
        "# TYPE vicinato_reply_seconds histogram",
        "# TYPE vicinato_outbox_messages gauge",
        "# TYPE vicinato_outbox_oldest_age_seconds gauge",
        "# TYPE vicinato_rate_limited_total counter",
        "# TYPE vicinato_send_retries_total counter",
        "# TYPE vicinato_scheduler_lag_seconds histogram",
        "# TYPE vicinato_announcement_recipients gauge",
        "# TYPE vicinato_errors_total counter",
    ] {
        assert!(after.contains(family), "{family} missing from {after}");
    }
    assert!(!after.contains("OPS-token") && !after.contains("medico"), "no secret and no text in metrics");

    stop.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(30), running.wait()).await.expect("serve stops").expect("cleanly");
    assert!(tokio::net::TcpStream::connect(addr).await.is_err(), "the endpoint stops with serve");
}

#[tokio::test]
async fn readiness_names_each_bot_that_is_not_connected_and_the_endpoint_answers_503() {
    let (store, _dir) = sqlite_store().await;
    let ops = vicinato::ops::Ops {
        store: store.clone(),
        bots: vec![("matrix".to_owned(), "never-connected-bot".to_owned())],
    };
    assert_eq!(ops.not_ready().await, ["bot never-connected-bot is not connected to matrix"]);
    vicinato::core::metrics::global().set_connected("matrix", "never-connected-bot", true);
    assert!(ops.not_ready().await.is_empty());
    vicinato::core::metrics::global().set_connected("matrix", "never-connected-bot", false);
    let (stop, rx) = watch::channel(false);
    let (addr, _task) = vicinato::ops::listen("127.0.0.1:0".parse().unwrap(), ops, rx).await.unwrap();
    let (status, body) = get(addr, "/readyz").await;
    assert_eq!(status, 503);
    assert_eq!(body, "not ready: bot never-connected-bot is not connected to matrix\n");
    stop.send(true).unwrap();
}

#[tokio::test]
async fn the_outbox_depth_and_the_age_of_its_oldest_message_are_scraped_from_the_store() {
    let (store, _dir) = sqlite_store().await;
    let ten_minutes_ago = chrono::Utc::now() - chrono::Duration::minutes(10);
    let item = vicinato::store::NewOutboxItem { chat: "1".into(), payload: "{}".into(), account: None };
    store.outbox_push("telegram:opsdepth", &[item.clone(), item], None, ten_minutes_ago).await.unwrap();
    let ops = vicinato::ops::Ops { store, bots: Vec::new() };
    let text = ops.metrics().await;
    assert_eq!(value(&text, "vicinato_outbox_messages{channel=\"telegram:opsdepth\"}"), 2.0, "{text}");
    let age = value(&text, "vicinato_outbox_oldest_age_seconds{channel=\"telegram:opsdepth\"}");
    assert!((600.0..3600.0).contains(&age), "{age}");
}

/// Records a migration no version of this program knows, as a newer version would.
pub async fn stamp_a_migration_from_the_future(url: &str) {
    const SQL: &str = "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
                       VALUES (9999, 'from the future', TRUE, $1, 0)";
    if url.starts_with("sqlite:") {
        let pool = sqlx::SqlitePool::connect(url).await.unwrap();
        sqlx::query(SQL).bind(vec![0u8]).execute(&pool).await.unwrap();
        pool.close().await;
    } else {
        let pool = sqlx::PgPool::connect(url).await.unwrap();
        sqlx::query(SQL).bind(vec![0u8]).execute(&pool).await.unwrap();
        pool.close().await;
    }
}

/// The migration status before and after migrating, and the refusal once a newer version has
/// migrated the database.
async fn migrations_are_listed_and_a_newer_database_is_refused_naming_both_versions(url: &str) {
    use vicinato::store::SqlStore;
    let before = SqlStore::migration_status(url).await.expect("the status of a new database");
    assert!(before.len() >= 11, "{before:?}");
    assert!(before.iter().all(|m| m.known && m.applied_at.is_none()), "all pending: {before:?}");
    assert!(before.windows(2).all(|w| w[0].version < w[1].version));
    let last = before.last().unwrap().clone();

    let store = vicinato::store::open(url).await.expect("the migrations apply");
    drop(store);
    let after = SqlStore::migration_status(url).await.unwrap();
    assert_eq!(after.len(), before.len());
    assert!(after.iter().all(|m| m.known && m.applied_at.is_some()), "all applied: {after:?}");
    // Opening again changes nothing.
    vicinato::store::open(url).await.expect("an up-to-date database opens");

    stamp_a_migration_from_the_future(url).await;
    let newer = SqlStore::migration_status(url).await.unwrap();
    let future = newer.last().unwrap();
    assert_eq!((future.version, future.description.as_str(), future.known), (9999, "from the future", false));
    assert!(future.applied_at.is_some());
    let refused = match vicinato::store::open(url).await {
        Ok(_) => panic!("a database migrated by a newer version must not open"),
        Err(e) => e.to_string(),
    };
    assert!(refused.contains("migrated by a newer version of Vicinato"), "{refused}");
    assert!(refused.contains("it has migration 9999 from the future"), "{refused}");
    let ours =
        format!("vicinato {} (migrations up to {:04} {})", env!("CARGO_PKG_VERSION"), last.version, last.description);
    assert!(refused.contains(&ours), "{refused} should name {ours}");
}

#[tokio::test]
async fn on_sqlite_migrations_are_listed_and_a_newer_database_is_refused_naming_both_versions() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("vicinato.db");
    let url = format!("sqlite:{}", file.display());
    assert!(vicinato::store::SqlStore::migration_status(&url).await.unwrap().iter().all(|m| m.applied_at.is_none()));
    assert!(!file.exists(), "asking for the status creates no database");
    migrations_are_listed_and_a_newer_database_is_refused_naming_both_versions(&url).await;
}

#[tokio::test]
async fn on_postgres_migrations_are_listed_and_a_newer_database_is_refused_naming_both_versions() {
    let Some(admin) = postgres_url() else { return };
    let db = PgDatabase::create(&admin).await;
    migrations_are_listed_and_a_newer_database_is_refused_naming_both_versions(&db.url).await;
}

#[tokio::test]
async fn a_backup_taken_while_the_bot_answers_restores_into_a_fresh_database_that_passes_the_checks() {
    let server = std::sync::Arc::new(TestServer::start("32:BACKUP-token").await.unwrap());
    let dir = tempfile::tempdir().unwrap();
    let bots = vec![profile(dir.path(), "opsbackup", "it", Some(&server.url), None)];
    let plan = vicinato::serve::plan(&bots, |k| (k == "OPSBACKUP_TOKEN").then(|| "32:BACKUP-token".to_owned()));
    let (stop, rx) = watch::channel(false);
    let config = config_in(dir.path());
    let running = vicinato::serve::start(&config, &bots, plan, rx).await.expect("the bot starts");
    // Five residents are answered before the first backup; twenty more talk during the backups.
    let residents: Vec<_> = (0..25).map(|i| server.user(7200 + i, &format!("R{i}"), Some("it"))).collect();
    for r in &residents[..5] {
        server.user_says(r, "/start");
    }
    for r in &residents[..5] {
        server.nth_message(r.id, 1, Duration::from_secs(30)).await.expect("a welcome");
    }
    let talking = {
        let (server, later) = (server.clone(), residents[5..].to_vec());
        tokio::spawn(async move {
            for r in &later {
                server.user_says(r, "/start");
                server.user_says(r, "cerco un corso di italiano");
            }
            for r in &later {
                server.nth_message(r.id, 2, Duration::from_secs(60)).await.expect("an answer");
            }
        })
    };
    let backups = dir.path().join("backups");
    let mut taken = Vec::new();
    for n in 0..3 {
        let file = backups.join(format!("vicinato-{n}.db"));
        let checked =
            vicinato::backup::backup(&config.database_url, &file, false).await.expect("a backup while serving");
        let persons = checked.counts.iter().find(|(t, _)| *t == "persons").unwrap().1;
        assert!(persons >= 5, "{checked}");
        taken.push(file);
    }
    talking.await.unwrap();
    stop.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(30), running.wait()).await.expect("serve stops").expect("cleanly");
    let again = vicinato::backup::backup(&config.database_url, &taken[0], false).await.unwrap_err().to_string();
    assert!(again.contains("exists") && again.contains("--force"), "{again}");

    // Restored into a fresh database: sound, every migration applied, the residents there.
    let fresh = tempfile::tempdir().unwrap();
    let fresh_url = format!("sqlite:{}/restored.db", fresh.path().display());
    let last = taken.last().unwrap();
    let restored = vicinato::backup::restore(&fresh_url, last, false).await.expect("a restore into a fresh database");
    let known = vicinato::store::SqlStore::migration_status(&fresh_url).await.unwrap();
    assert!(known.iter().all(|m| m.applied_at.is_some()));
    assert_eq!(restored.migrations, known.len());
    let store = vicinato::store::SqlStore::open(&fresh_url).await.unwrap();
    assert!(store.integrity_problems().await.unwrap().is_empty());
    let persons = store.row_counts().await.unwrap().into_iter().find(|(t, _)| *t == "persons").unwrap().1;
    assert!(persons >= 5, "{restored}");
    assert_eq!(store.row_counts().await.unwrap(), restored.counts);
    let ugo = vicinato::domain::Account::new(vicinato::domain::Network::Telegram, residents[0].id.to_string());
    assert!(store.find_person(&ugo).await.unwrap().is_some(), "the first resident is in the backup");
    store.close().await;

    // A database in use is replaced only when asked, and a damaged backup replaces nothing.
    let refused = vicinato::backup::restore(&fresh_url, &taken[0], false).await.unwrap_err().to_string();
    assert!(refused.contains("is not empty") && refused.contains("--force"), "{refused}");
    let broken = dir.path().join("broken.db");
    std::fs::write(&broken, b"not a database at all, just some bytes of text").unwrap();
    assert!(vicinato::backup::restore(&fresh_url, &broken, true).await.is_err());
    let kept = vicinato::store::SqlStore::open(&fresh_url).await.unwrap();
    assert_eq!(kept.row_counts().await.unwrap(), restored.counts, "a failed restore leaves the database as it was");
    kept.close().await;
    vicinato::backup::restore(&fresh_url, &taken[0], true).await.expect("with --force");
}
