//! Fan-outs that cannot write their messages: the job fails and is retried, and the retry tells
//! each person exactly once (delivery keys skip those already told). Through the real Telegram
//! courier and outbox, on SQLite, with the outbox refusing one person's messages by a trigger.

use crate::support::*;
use std::sync::Arc;
use vicinato::domain::initiative::{Content, Status};
use vicinato::domain::*;
use vicinato::store::{AuditEntry, NewInitiative, NewJob, Transition};
use vicinato::transport::telegram::courier::TelegramCourier;

async fn outbox_per_chat(pool: &sqlx::SqlitePool) -> Vec<(String, i64)> {
    sqlx::query_as("SELECT chat, COUNT(*) FROM outbox GROUP BY chat ORDER BY chat").fetch_all(pool).await.unwrap()
}

#[tokio::test]
async fn a_fan_out_whose_outbox_write_fails_fails_its_job_and_the_retry_tells_each_person_exactly_once() {
    let (store, dir) = sqlite_store().await;
    let now = saturday_morning();
    let (mut app, _clock) = spawn_app(store.clone(), now, Options::default()).await;
    let courier = TelegramCourier::new(app.engine.clone(), "telegram:test", Arc::new(tokio::sync::Notify::new()));
    app.add_courier(Arc::new(courier));
    // A published initiative with three supporters on Telegram.
    let author = store.person_for_account(&Account::new(Network::Console, "ada"), "Ada", now).await.unwrap();
    let content = Content {
        title: "Orto condiviso".into(),
        description: "Un orto nel cortile della scuola".into(),
        theme: Some("environment".into()),
        ..Default::default()
    };
    let new = NewInitiative {
        author: author.id,
        territory: TerritoryId::new("centocelle"),
        territory_path: "/lazio/citta-metropolitana-roma/roma/roma-m05/centocelle/".into(),
        threshold: 50,
        content,
    };
    let ini = store.initiative_create(&new, now).await.unwrap();
    for (from, to) in [(Status::Draft, Status::Submitted), (Status::Submitted, Status::Published)] {
        let audit =
            AuditEntry { at: now, actor: None, action: to.as_str().into(), subject: "test".into(), reason: None };
        let t = Transition { from: vec![from], to, decision: None, deadline: None, outcome: None, audit };
        store.initiative_transition(ini.id, &t, now).await.unwrap().unwrap();
    }
    for id in ["6001", "6002", "6003"] {
        let p = store.person_for_account(&Account::new(Network::Telegram, id), id, now).await.unwrap();
        store.initiative_support(ini.id, p.id, false, now).await.unwrap();
    }
    // The author's update, fanned out by the notify job.
    let payload = serde_json::json!({"initiative": ini.id.0, "update": "Ci vediamo sabato", "stamp": 1}).to_string();
    let job = NewJob {
        kind: "initiative-notify".into(),
        key: None,
        payload,
        due_at: now,
        cron: None,
        zone: "Europe/Rome".into(),
    };
    store.job_put(&job, now).await.unwrap();
    // The outbox refuses the messages for 6002, as a full disk would.
    let url = format!("sqlite:{}/vicinato.db", dir.path().display());
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    sqlx::query(
        "CREATE TRIGGER refuse_6002 BEFORE INSERT ON outbox WHEN NEW.chat = '6002' \
         BEGIN SELECT RAISE(ABORT, 'disk full'); END",
    )
    .execute(&pool)
    .await
    .unwrap();
    let scheduler = app.scheduler;
    let ran = scheduler.run_due(now).await.unwrap();
    assert_eq!((ran.ran, ran.failed), (0, 1), "the job fails instead of skipping 6002 for good");
    assert!(outbox_per_chat(&pool).await.iter().all(|(chat, _)| chat != "6002"));
    // The disk has room again: the retry tells 6002, and nobody twice.
    sqlx::query("DROP TRIGGER refuse_6002").execute(&pool).await.unwrap();
    let later = now + chrono::Duration::minutes(1);
    let ran = scheduler.run_due(later).await.unwrap();
    assert_eq!((ran.ran, ran.failed), (1, 0));
    let told = outbox_per_chat(&pool).await;
    assert_eq!(told, [("6001".to_owned(), 1), ("6002".to_owned(), 1), ("6003".to_owned(), 1)], "each once");
    assert_eq!(scheduler.run_due(later + chrono::Duration::hours(1)).await.unwrap(), Default::default());
    assert_eq!(outbox_per_chat(&pool).await, told);
}
