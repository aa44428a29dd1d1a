//! Staff announcements delivered by their send job through the real Telegram courier and
//! outbox, on SQLite: each resident of the audience gets one copy in their language with the
//! line on how to stop, opted-out people none, and the job run again (a crash before it was
//! deleted) queues nobody twice.

use crate::support::*;
use std::sync::Arc;
use vicinato::core::announcements::{By, compose, opt_out};
use vicinato::domain::*;
use vicinato::store::NewJob;
use vicinato::transport::telegram::courier::TelegramCourier;

async fn outbox(pool: &sqlx::SqlitePool) -> Vec<(String, String)> {
    sqlx::query_as("SELECT chat, payload FROM outbox ORDER BY chat").fetch_all(pool).await.unwrap()
}

#[tokio::test]
async fn an_announcement_reaches_each_resident_of_its_territory_once_in_their_language() {
    let (store, dir) = sqlite_store().await;
    let now = saturday_morning();
    let (mut app, _clock) = spawn_app(store.clone(), now, Options::default()).await;
    let courier = TelegramCourier::new(app.engine.clone(), "telegram:test", Arc::new(tokio::sync::Notify::new()));
    app.add_courier(Arc::new(courier));
    let mut people = Vec::new();
    for (id, home, lang) in [
        ("7001", "centocelle", Lang::It),
        ("7002", "roma-m05", Lang::En),
        ("7003", "centocelle", Lang::It),
        ("7004", "san-lorenzo", Lang::It),
    ] {
        let mut p = store.person_for_account(&Account::new(Network::Telegram, id), id, now).await.unwrap();
        p.home = Some(TerritoryId::new(home));
        p.language = Some(lang);
        store.save_profile(&p).await.unwrap();
        people.push(p);
    }
    opt_out::set(people[2].id, None, true, store.as_ref(), now).await.unwrap();
    let tree = TerritoryTree::new(store.territories().await.unwrap()).unwrap();
    let draft = compose::Draft {
        texts: AnnouncementTexts {
            it: "Mercato sabato in piazza <b>&</b>".into(),
            en: Some("Market on Saturday <script>".into()),
        },
        audience: Audience { territory: Some(TerritoryId::new("roma-m05")), who: Who::Home, rooms: Default::default() },
        at: None,
        recurrence: None,
    };
    let a = compose::compose(By::Operator, draft, store.as_ref(), &tree, &[], chrono_tz::Europe::Rome, now)
        .await
        .unwrap()
        .unwrap();
    let scheduler = app.scheduler;
    let ran = scheduler.run_due(now).await.unwrap();
    assert_eq!((ran.ran, ran.failed), (1, 0));

    let pool = sqlx::SqlitePool::connect(&format!("sqlite:{}/vicinato.db", dir.path().display())).await.unwrap();
    let sent = outbox(&pool).await;
    assert_eq!(sent.iter().map(|(chat, _)| chat.as_str()).collect::<Vec<_>>(), ["7001", "7002"], "{sent:?}");
    assert!(
        sent[0].1.contains("Mercato sabato in piazza &lt;b&gt;&amp;&lt;/b&gt;")
            && sent[0].1.contains("/notifications off"),
        "staff's text is escaped, never read as HTML: {}",
        sent[0].1
    );
    assert!(!sent[0].1.contains("<b>&</b>"), "{}", sent[0].1);
    assert!(
        sent[1].1.contains("Market on Saturday &lt;script&gt;") && sent[1].1.contains("To stop receiving"),
        "{}",
        sent[1].1
    );
    let status = vicinato::core::announcements::status::status(By::Operator, a.id, store.as_ref(), &tree)
        .await
        .unwrap()
        .unwrap();
    // In the bot's bulk lane: its sender records each copy once Telegram answered (see
    // `delivery.rs`), and the announcement is done after that.
    assert_eq!(status.announcement.state, AnnouncementState::Sending);
    assert_eq!((status.count(Some(Network::Telegram), "sending"), status.count(None, "opted_out")), (2, 1));

    // The job again, as after a crash before it was deleted: nobody gets a second copy.
    let job = NewJob {
        kind: vicinato::core::announcements::SEND_JOB.into(),
        key: Some(vicinato::core::announcements::job_key(a.id)),
        payload: serde_json::json!({"announcement": a.id.0}).to_string(),
        due_at: now,
        cron: None,
        zone: "UTC".into(),
    };
    store.job_put(&job, now).await.unwrap();
    sqlx::query("UPDATE announcement_recipients SET state = 'queued' WHERE person_id = $1")
        .bind(people[0].id.0)
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("UPDATE announcements SET state = 'sending'").execute(&pool).await.unwrap();
    let ran = scheduler.run_due(now).await.unwrap();
    assert_eq!((ran.ran, ran.failed), (1, 0));
    assert_eq!(outbox(&pool).await, sent, "each once");
}

#[tokio::test]
async fn a_resident_stops_and_restarts_announcements_with_the_command_every_copy_names() {
    let app = App::with(vicinato::conversation::ConversationSettings::default()).await;
    let replies = talk(&app.engine, "Rosa", Some(vicinato::domain::Lang::It), &["/notifications"]).await;
    assert!(replies.iter().any(|r| text(r).contains("Ricevi gli avvisi")), "{replies:#?}");
    let rosa = app.person("Rosa").await;
    let replies = talk(&app.engine, "Rosa", Some(vicinato::domain::Lang::It), &["/notifications off"]).await;
    assert!(replies.iter().any(|r| text(r).contains("non ti mando più avvisi")), "{replies:#?}");
    assert_eq!(app.store().opt_outs(rosa.id).await.unwrap(), vec![vicinato::domain::ALL_TOPICS.to_owned()]);
    let replies = talk(&app.engine, "Rosa", Some(vicinato::domain::Lang::It), &["/notifiche"]).await;
    assert!(replies.iter().any(|r| text(r).contains("Non ricevi avvisi")), "{replies:#?}");
    let replies = talk(&app.engine, "Rosa", Some(vicinato::domain::Lang::It), &["/avvisi forse"]).await;
    assert!(replies.iter().any(|r| text(r).contains("/notifications off")), "{replies:#?}");
    let replies = talk(&app.engine, "Rosa", Some(vicinato::domain::Lang::It), &["/notifiche on"]).await;
    assert!(replies.iter().any(|r| text(r).contains("di nuovo")), "{replies:#?}");
    assert_eq!(app.store().opt_outs(rosa.id).await.unwrap(), Vec::<String>::new());
}

#[tokio::test]
async fn announcements_are_stopped_and_restarted_in_plain_words_in_both_languages() {
    let app = App::with(vicinato::conversation::ConversationSettings::default()).await;
    let said = |who: &'static str, lang: Lang, line: &'static str| {
        let engine = app.engine.clone();
        async move { talk(&engine, who, Some(lang), &[line]).await }
    };
    let replies = said("Rosa", Lang::It, "non voglio più ricevere avvisi").await;
    assert!(replies.iter().any(|r| text(r).contains("non ti mando più avvisi")), "{replies:#?}");
    let rosa = app.person("Rosa").await;
    assert_eq!(app.store().opt_outs(rosa.id).await.unwrap(), vec![ALL_TOPICS.to_owned()]);
    let replies = said("Rosa", Lang::It, "voglio di nuovo gli avvisi").await;
    assert!(replies.iter().any(|r| text(r).contains("di nuovo")), "{replies:#?}");
    assert_eq!(app.store().opt_outs(rosa.id).await.unwrap(), Vec::<String>::new());
    let replies = said("Amir", Lang::En, "please stop sending me announcements").await;
    assert!(replies.iter().any(|r| text(r).contains("not send you announcements")), "{replies:#?}");
    let amir = app.person("Amir").await;
    assert_eq!(app.store().opt_outs(amir.id).await.unwrap(), vec![ALL_TOPICS.to_owned()]);
}

#[tokio::test]
async fn telegram_copies_older_than_48_hours_keep_their_text_and_a_done_announcement_that_old_is_refused() {
    use vicinato::core::announcements::correct;
    let (store, _dir) = sqlite_store().await;
    let now = saturday_morning();
    let (_app, _clock) = spawn_app(store.clone(), now, Options::default()).await;
    let tree = TerritoryTree::new(store.territories().await.unwrap()).unwrap();
    let sent_long_ago = now - chrono::Duration::hours(49);
    let mut people = Vec::new();
    for (id, network) in [("8001", Network::Telegram), ("@eva:vicinato.test", Network::Matrix)] {
        people.push(store.person_for_account(&Account::new(network, id), id, sent_long_ago).await.unwrap());
    }
    let new = vicinato::store::NewAnnouncement {
        author: None,
        texts: AnnouncementTexts { it: "Mercato sabato".into(), en: None },
        audience: Audience {
            territory: Some(TerritoryId::new("centocelle")),
            who: Who::Home,
            rooms: Default::default(),
        },
        at: sent_long_ago,
        recurrence: None,
        series: None,
        pending: false,
    };
    let copy = |id: AnnouncementId, p: &Person, network: Network| Recipient {
        announcement: id,
        person: p.id,
        network,
        channel: format!("{network}:test"),
        chat: p.accounts[0].external_id.clone(),
        lang: Lang::It,
        state: CopyState::Sent,
        sent_at: Some(sent_long_ago),
        message_id: Some("41".into()),
        version: 0,
        room: None,
    };
    // Only on Telegram: refused, saying why.
    let only_telegram = store.announcement_add(&new, None, sent_long_ago).await.unwrap();
    store.recipients_add(&[copy(only_telegram, &people[0], Network::Telegram)]).await.unwrap();
    let done = [AnnouncementState::Scheduled];
    assert!(store.announcement_set_state(only_telegram, &done, AnnouncementState::Done, now).await.unwrap());
    let texts = AnnouncementTexts { it: "Mercato domenica".into(), en: None };
    let refused =
        correct::correct(By::Operator, only_telegram, texts.clone(), store.as_ref(), &tree, now).await.unwrap();
    assert_eq!(refused, Err(correct_refusal(only_telegram)));
    let cli = vicinato::broadcast::BroadcastCommand::Correct {
        id: only_telegram.0,
        text: "Mercato domenica".into(),
        text_en: None,
        db: None,
    };
    let err = vicinato::broadcast::run(store.as_ref(), chrono_tz::Europe::Rome, &cli, now).await.unwrap_err();
    assert!(err.to_string().contains("more than 48 hours ago: Telegram no longer lets bots edit it"), "{err}");

    // With a Matrix copy too: corrected; the Telegram copy is counted too old, not edited.
    let mixed = store.announcement_add(&new, None, sent_long_ago).await.unwrap();
    store
        .recipients_add(&[copy(mixed, &people[0], Network::Telegram), copy(mixed, &people[1], Network::Matrix)])
        .await
        .unwrap();
    assert!(store.announcement_set_state(mixed, &done, AnnouncementState::Done, now).await.unwrap());
    let cli = vicinato::broadcast::BroadcastCommand::Correct {
        id: mixed.0,
        text: "Mercato domenica".into(),
        text_en: Some("Market on Sunday".into()),
        db: None,
    };
    let out = vicinato::broadcast::run(store.as_ref(), chrono_tz::Europe::Rome, &cli, now).await.unwrap();
    assert!(out.contains("correction 1 kept; 1 copies already sent get an edit"), "{out}");
    assert!(out.contains("1 copies went out more than 48 hours ago"), "{out}");
    store.edits_open(mixed, 1, &correct::edit_cutoffs(now), now).await.unwrap();
    let counts: Vec<_> =
        store.edit_counts(mixed).await.unwrap().into_iter().map(|c| (c.network, c.state, c.count)).collect();
    assert_eq!(counts, [(Network::Matrix, "queued".to_owned(), 1), (Network::Telegram, "too_old".to_owned(), 1)]);
    let status = vicinato::broadcast::BroadcastCommand::Status { id: mixed.0, json: true, db: None };
    let out = vicinato::broadcast::run(store.as_ref(), chrono_tz::Europe::Rome, &status, now).await.unwrap();
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["corrections"], 1);
    assert_eq!(json["edits"].as_array().unwrap().len(), 2, "{json}");
}

fn correct_refusal(id: AnnouncementId) -> vicinato::core::announcements::Refusal {
    vicinato::core::announcements::Refusal::TooOldToEdit { id: id.0, hours: 48 }
}
