//! Announcement copies delivered through the Telegram sender's bulk lane against the Bot API
//! test server (Telegram's limits enforced, faults injected): each copy recorded exactly as
//! Telegram answered (sent with its message id, blocked, unreachable), replies going ahead
//! of the bulk lane, paid broadcasts, and a copy Telegram took but the process never recorded
//! (a failpoint that stops the sender dead) not sent again after a restart; a correction that
//! edits the copies already delivered (`editMessageText`) while the rest go out corrected, and a
//! cancellation mid-send that leaves the queued copies unsent and counted.

use crate::support::*;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use vicinato::config::Secret;
use vicinato::core::announcements::{By, status};
use vicinato::domain::rooms::RoomPurpose;
use vicinato::domain::*;
use vicinato::store::Store;
use vicinato::transport::telegram::inbound::Target;
use vicinato::transport::telegram::outbound::OutMessage;
use vicinato::transport::telegram::sender::{SendLimits, UNCONFIRMED};
use vicinato::transport::telegram::{TelegramBot, TelegramOptions};
use vicinato_testkit::telegram::{Fault, FaultRates, TestServer, User};

const TOKEN: &str = "4343:DELIVERY-token";
/// How long a test waits for something that should happen (never a measured time).
const WAIT: Duration = Duration::from_secs(60);

struct Running {
    stop: watch::Sender<bool>,
    task: JoinHandle<anyhow::Result<()>>,
    stats: Arc<vicinato::transport::telegram::sender::SendStats>,
}

impl Running {
    async fn stop(self) {
        let _ = self.stop.send(true);
        self.task.await.expect("bot task").expect("bot stops cleanly");
    }
}

fn options(server: &TestServer) -> TelegramOptions {
    let mut o = TelegramOptions::new("test", Secret::new(TOKEN.into()), "VICINATO_TELEGRAM_TOKEN", &server.url);
    o.limits = SendLimits { backoff_base: Duration::from_millis(50), ..SendLimits::default() };
    o.poll_timeout = 1;
    o
}

/// The app with a Telegram bot connected to the test server, its courier added; the bot is
/// not running yet.
async fn app_with_bot(
    store: Arc<dyn Store>,
    server: &TestServer,
    options: TelegramOptions,
) -> (vicinato::app::App, TelegramBot) {
    let (mut app, _clock) = spawn_app(store, saturday_morning(), Options::default()).await;
    let bot = TelegramBot::connect(app.engine.clone(), options).await.expect("bot connects");
    app.add_courier(Arc::new(bot.courier()));
    let _ = server;
    (app, bot)
}

fn run(bot: TelegramBot) -> Running {
    let stats = bot.stats();
    let (stop, rx) = watch::channel(false);
    Running { stop, task: tokio::spawn(bot.run(rx)), stats }
}

/// Residents of Centocelle on Telegram, each a user of the test server who started the bot.
async fn residents(store: &dyn Store, server: &TestServer, from: i64, n: usize) -> Vec<(Person, User)> {
    let now = saturday_morning();
    let mut out = Vec::new();
    for i in 0..n as i64 {
        let id = from + i;
        let user = server.user(id, &format!("Vicino {id}"), Some("it"));
        server.user_started(&user);
        let mut p = store.person_for_account(&Account::new(Network::Telegram, id.to_string()), "x", now).await.unwrap();
        p.home = Some(TerritoryId::new("centocelle"));
        p.language = Some(Lang::It);
        store.save_profile(&p).await.unwrap();
        out.push((p, user));
    }
    out
}

/// Composes an announcement to Centocelle and runs its send job: every copy goes to the bulk
/// lane.
async fn announce(app: &vicinato::app::App, text: &str) -> AnnouncementId {
    announce_to_centocelle(app, text).await
}

async fn copies(store: &dyn Store, id: AnnouncementId) -> Vec<Recipient> {
    store.recipients(id, None, 100_000).await.unwrap()
}

/// Waits until no copy of the announcement is in the bulk lane any more.
async fn settled(store: &dyn Store, id: AnnouncementId) -> Vec<Recipient> {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let all = copies(store, id).await;
        if all.iter().all(|c| c.state.is_final()) || tokio::time::Instant::now() > deadline {
            return all;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// One bulk copy of a short announcement for each of `n` residents from `first` on, who
/// started the bot.
fn bulk_copies(server: &TestServer, first: i64, n: i64) -> Vec<vicinato::store::NewOutboxItem> {
    (first..first + n)
        .map(|id| {
            let user = server.user(id, "Vicino", Some("it"));
            server.user_started(&user);
            OutMessage {
                bulk: true,
                ..OutMessage::text(Target { chat: user.id, thread: None }, "Avviso per tutti".into())
            }
            .to_item()
        })
        .collect()
}

fn no_violations(server: &TestServer) {
    assert!(server.violations().is_empty(), "the bot broke Telegram's limits: {:?}", server.violations());
}

#[tokio::test]
async fn each_copy_is_recorded_as_telegram_answered_it_with_its_message_id_or_the_reason() {
    let server = TestServer::start(TOKEN).await.unwrap();
    let (store, _dir) = sqlite_store().await;
    let (app, bot) = app_with_bot(store.clone(), &server, options(&server)).await;
    let people = residents(store.as_ref(), &server, 9100, 3).await;
    // Blocked the bot; never started it; unknown to Telegram altogether.
    let blocked = residents(store.as_ref(), &server, 9200, 1).await.remove(0);
    server.block(&blocked.1);
    let shy = server.user(9300, "Shy", Some("it"));
    let mut p =
        store.person_for_account(&Account::new(Network::Telegram, "9300"), "x", saturday_morning()).await.unwrap();
    p.home = Some(TerritoryId::new("centocelle"));
    store.save_profile(&p).await.unwrap();
    let mut ghost =
        store.person_for_account(&Account::new(Network::Telegram, "9400"), "x", saturday_morning()).await.unwrap();
    ghost.home = Some(TerritoryId::new("centocelle"));
    store.save_profile(&ghost).await.unwrap();

    let id = announce(&app, "Mercato sabato").await;
    assert!(
        copies(store.as_ref(), id).await.iter().all(|c| c.state == CopyState::Sending),
        "handed to the bulk lane, not yet sent: {:?}",
        copies(store.as_ref(), id).await
    );
    let running = run(bot);
    let all = settled(store.as_ref(), id).await;
    running.stop().await;

    for (person, user) in &people {
        let copy = all.iter().find(|c| c.person == person.id).unwrap();
        let got = server.messages(user.id);
        assert_eq!(got.len(), 1, "{got:#?}");
        assert!(got[0].text.contains("Mercato sabato"), "{}", got[0].text);
        assert_eq!(copy.state, CopyState::Sent);
        assert_eq!(copy.message_id, Some(got[0].message_id.to_string()), "Telegram's own id is kept");
    }
    let of = |person: PersonId| all.iter().find(|c| c.person == person).unwrap().state.clone();
    assert_eq!(of(blocked.0.id), CopyState::Blocked("Forbidden: bot was blocked by the user".into()));
    assert_eq!(of(p.id), CopyState::Unreachable);
    assert_eq!(of(ghost.id), CopyState::Unreachable);
    // Never retried: one try each.
    for chat in [blocked.1.id, shy.id, 9400] {
        let tries = server.calls("sendMessage").iter().filter(|c| c["chat_id"].as_i64() == Some(chat)).count();
        assert_eq!(tries, 1, "chat {chat}");
    }
    let tree = TerritoryTree::new(store.territories().await.unwrap()).unwrap();
    let s = status::status(By::Operator, id, store.as_ref(), &tree).await.unwrap().unwrap();
    assert_eq!((s.count(None, "sent"), s.count(None, "blocked"), s.count(None, "unreachable")), (3, 1, 2));
    let reasons: Vec<String> = s.reasons().into_iter().map(|(r, _)| r).collect();
    assert!(reasons.iter().any(|r| r.contains("can't initiate conversation")), "{reasons:?}");
    assert!(reasons.iter().any(|r| r.contains("chat not found")), "{reasons:?}");
    // The job looks again and closes the announcement once every copy is settled.
    let later = saturday_morning() + chrono::Duration::seconds(10);
    app.scheduler.run_due(later).await.unwrap();
    assert_eq!(store.announcement(id).await.unwrap().unwrap().state, AnnouncementState::Done);
    no_violations(&server);
}

/// Queues `n` bulk copies (residents from `first` on) and starts the bot; once 40 are out, a
/// resident writes `/help`, answered ahead of the copies still waiting. Returns the running
/// bot and where the answer came among everything sent.
async fn answer_during_send(
    server: &TestServer,
    store: &dyn Store,
    bot: TelegramBot,
    first: i64,
    n: i64,
    resident: i64,
) -> (Running, usize) {
    let waker = bot.waker();
    store.outbox_push("telegram:test", &bulk_copies(server, first, n), None, chrono::Utc::now()).await.unwrap();
    let running = run(bot);
    waker.notify_one();
    let deadline = tokio::time::Instant::now() + WAIT;
    while server.sent_count() < 40 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let rosa = server.user(resident, "Rosa", Some("it"));
    server.user_says(&rosa, "/help");
    assert!(server.wait_confirmed(WAIT).await, "the update was handled");
    let handled_at = server.sent_count();
    server.nth_message(rosa.id, 1, WAIT).await.expect("Rosa is answered");
    let answer = server.all_messages().iter().position(|m| m.chat == rosa.id).unwrap();
    assert!(
        answer <= handled_at + 3,
        "at most the copies already on their way went ahead: answered at {answer}, {handled_at} sent when the reply was stored"
    );
    (running, answer)
}

#[tokio::test]
async fn a_resident_writing_during_a_large_send_is_answered_ahead_of_the_remaining_copies() {
    let server = TestServer::start(TOKEN).await.unwrap();
    let (store, _dir) = sqlite_store().await;
    let (app, bot) = app_with_bot(store.clone(), &server, options(&server)).await;
    let (running, answer) = answer_during_send(&server, store.as_ref(), bot, 20_000, 150, 30_001).await;
    assert!(answer < 150, "the answer went out while copies were still waiting (position {answer})");
    let deadline = tokio::time::Instant::now() + WAIT;
    while server.sent_count() < 151 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    running.stop().await;
    assert_eq!(server.sent_count(), 151, "every copy and the answer, each once");
    no_violations(&server);
    drop(app);
}

#[tokio::test]
async fn a_reply_goes_ahead_even_when_more_copies_wait_than_the_sender_holds_in_memory() {
    let server = TestServer::start(TOKEN).await.unwrap();
    let (store, _dir) = sqlite_store().await;
    let (app, bot) = app_with_bot(store.clone(), &server, options(&server)).await;
    // More copies than the sender holds at once (5,000): the rest wait in the store.
    let (running, _) = answer_during_send(&server, store.as_ref(), bot, 40_000, 6_500, 30_002).await;
    running.stop().await;
    no_violations(&server);
    drop(app);
}

#[tokio::test]
async fn paid_broadcast_copies_carry_the_parameter_and_replies_do_not() {
    let server = TestServer::start(TOKEN).await.unwrap();
    let (store, _dir) = sqlite_store().await;
    let mut o = options(&server);
    o.limits.paid_per_second = Some(200);
    let (app, bot) = app_with_bot(store.clone(), &server, o).await;
    let people = residents(store.as_ref(), &server, 40_000, 90).await;
    let id = announce(&app, "Avviso pagato").await;
    let running = run(bot);
    let rosa = server.user(41_000, "Rosa", Some("it"));
    server.user_says(&rosa, "/help");
    server.nth_message(rosa.id, 1, WAIT).await.expect("Rosa is answered");
    let all = settled(store.as_ref(), id).await;
    running.stop().await;
    assert!(all.iter().all(|c| c.state == CopyState::Sent), "{all:?}");
    assert_eq!(server.paid_sends(), people.len() as u64, "every copy, and only the copies, as paid broadcasts");
    let to_rosa = server.calls("sendMessage").into_iter().find(|c| c["chat_id"].as_i64() == Some(rosa.id)).unwrap();
    assert!(to_rosa.get("allow_paid_broadcast").is_none(), "{to_rosa}");
    no_violations(&server);
}

#[tokio::test]
async fn a_copy_telegram_took_but_the_process_never_recorded_is_not_sent_again_after_a_restart() {
    let server = TestServer::start(TOKEN).await.unwrap();
    server.seed(11);
    // One send in ten meets a fault: 500s and 429s.
    server.set_fault_rates(FaultRates { server_error: 0.05, too_many: 0.05, retry_after: 1 });
    // And surely one of each, whatever the dice say.
    server.inject("sendMessage", Fault::ServerError(500));
    server.inject("sendMessage", Fault::TooManyRequests(1));
    let (store, _dir) = sqlite_store().await;
    let mut dying = options(&server);
    // One request at a time, so that at the failpoint no other request is on its way.
    dying.limits.max_in_flight = 1;
    dying.stop_sender_after_bulk = Some(6);
    let (app, bot) = app_with_bot(store.clone(), &server, dying).await;
    let people = residents(store.as_ref(), &server, 50_000, 14).await;
    let id = announce(&app, "Avviso con guasti").await;
    let running = run(bot);
    let deadline = tokio::time::Instant::now() + WAIT;
    while vicinato::transport::telegram::sender::SendStats::get(&running.stats.bulk_delivered) < 6
        && tokio::time::Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    running.stop().await;
    let after_crash = copies(store.as_ref(), id).await;
    assert_eq!(after_crash.iter().filter(|c| c.state == CopyState::Sent).count(), 5, "the sixth was never recorded");
    assert_eq!(server.sent_count(), 6, "Telegram took six");

    // A new process on the same store, without the failpoint.
    let (_app2, bot2) = app_with_bot(store.clone(), &server, options(&server)).await;
    let running = run(bot2);
    let all = settled(store.as_ref(), id).await;
    let stats = running.stats.clone();
    running.stop().await;
    for (person, user) in &people {
        assert_eq!(server.messages(user.id).len(), 1, "{} got its copy exactly once", person.id);
    }
    assert!(all.iter().all(|c| c.state == CopyState::Sent), "{all:?}");
    let unconfirmed: Vec<_> = all.iter().filter(|c| c.message_id.is_none()).collect();
    assert_eq!(unconfirmed.len(), 1, "the one in doubt is recorded without an id: {all:?}");
    assert_eq!(vicinato::transport::telegram::sender::SendStats::get(&stats.in_doubt), 1);
    let tree = TerritoryTree::new(store.territories().await.unwrap()).unwrap();
    let s = status::status(By::Operator, id, store.as_ref(), &tree).await.unwrap().unwrap();
    assert_eq!(s.reasons(), vec![(UNCONFIRMED.to_owned(), 1)]);
    assert!(server.injected_5xx() >= 1 && server.injected_429s() >= 1, "faults were injected");
    no_violations(&server);
}

/// Options that send one copy at a time, well apart, so a test can act while copies are left.
fn slow_options(server: &TestServer) -> TelegramOptions {
    let mut o = options(server);
    o.limits.max_in_flight = 1;
    o.limits.bulk_spacing = Duration::from_millis(300);
    o
}

/// Waits until at least `n` copies of the announcement are recorded sent.
async fn until_sent(store: &dyn Store, id: AnnouncementId, n: usize) {
    let deadline = tokio::time::Instant::now() + WAIT;
    while copies(store, id).await.iter().filter(|c| c.state == CopyState::Sent).count() < n {
        assert!(tokio::time::Instant::now() < deadline, "{n} copies were never sent");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn tree_of(store: &dyn Store) -> TerritoryTree {
    TerritoryTree::new(store.territories().await.unwrap()).unwrap()
}

#[tokio::test]
async fn a_correction_edits_the_copies_telegram_already_took_and_the_rest_go_out_with_the_new_text() {
    use vicinato::core::announcements::correct;
    let server = TestServer::start(TOKEN).await.unwrap();
    let (store, _dir) = sqlite_store().await;
    let (app, bot) = app_with_bot(store.clone(), &server, slow_options(&server)).await;
    let people = residents(store.as_ref(), &server, 60_000, 6).await;
    let id = announce(&app, "Mercato sabato alle 9").await;
    let running = run(bot);
    until_sent(store.as_ref(), id, 2).await;
    running.stop().await;
    let before = copies(store.as_ref(), id).await;
    let reached: Vec<PersonId> = before.iter().filter(|c| c.state == CopyState::Sent).map(|c| c.person).collect();
    assert!(reached.len() >= 2 && reached.len() < people.len(), "some sent, some left: {before:?}");

    let texts = AnnouncementTexts { it: "Mercato sabato alle 10".into(), en: None };
    let now = saturday_morning();
    let done = correct::correct(By::Operator, id, texts, store.as_ref(), &tree_of(store.as_ref()).await, now)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((done.correction, done.sent, done.too_old), (1, reached.len() as i64, 0));
    let ran = app.scheduler.run_due(now).await.unwrap();
    assert_eq!((ran.ran, ran.failed), (1, 0), "the correction's job");
    // A new process sends what is queued: the edits and the copies taken back.
    let bot = TelegramBot::connect(app.engine.clone(), options(&server)).await.expect("bot connects");
    let running = run(bot);
    let all = settled(store.as_ref(), id).await;
    let deadline = tokio::time::Instant::now() + WAIT;
    let tree = tree_of(store.as_ref()).await;
    let s = loop {
        let s = status::status(By::Operator, id, store.as_ref(), &tree).await.unwrap().unwrap();
        if s.edit_count(1, "sent") == reached.len() as i64 || tokio::time::Instant::now() > deadline {
            break s;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    running.stop().await;

    assert!(all.iter().all(|c| c.state == CopyState::Sent), "{all:?}");
    for (person, user) in &people {
        let got = server.messages(user.id);
        assert_eq!(got.len(), 1, "one message each: {got:#?}");
        assert!(got[0].text.contains("Mercato sabato alle 10"), "{}", got[0].text);
        assert!(!got[0].text.contains("alle 9"), "{}", got[0].text);
        let edited = reached.contains(&person.id);
        assert_eq!(got[0].edits, u32::from(edited), "edited only where the old text had gone out");
    }
    assert_eq!(server.calls("editMessageText").len(), reached.len(), "each edit once");
    assert_eq!(s.announcement.corrections, 1);
    assert_eq!((s.edit_count(1, "sent"), s.edit_count(1, "failed")), (reached.len() as i64, 0));
    assert_eq!(s.count(None, "sent"), people.len() as i64);
    // The correction's job, run again, edits nobody twice.
    let later = now + chrono::Duration::seconds(10);
    app.scheduler.run_due(later).await.unwrap();
    assert_eq!(
        status::status(By::Operator, id, store.as_ref(), &tree).await.unwrap().unwrap().edit_count(1, "sent"),
        reached.len() as i64
    );
    no_violations(&server);
}

#[tokio::test]
async fn cancelling_mid_send_leaves_the_queued_copies_unsent_and_counts_them_cancelled() {
    use vicinato::core::announcements::cancel;
    let server = TestServer::start(TOKEN).await.unwrap();
    let (store, _dir) = sqlite_store().await;
    let (app, bot) = app_with_bot(store.clone(), &server, slow_options(&server)).await;
    let people = residents(store.as_ref(), &server, 70_000, 6).await;
    let id = announce(&app, "Assemblea annullata?").await;
    let running = run(bot);
    until_sent(store.as_ref(), id, 2).await;
    let now = saturday_morning();
    let tree = tree_of(store.as_ref()).await;
    cancel::cancel(By::Operator, id, store.as_ref(), &tree, now).await.unwrap().unwrap();
    // Every copy ends sent (it was on its way) or cancelled; the sender drops the ones it had
    // read before the cancellation took them back.
    let all = settled(store.as_ref(), id).await;
    let cancelled = all.iter().filter(|c| c.state == CopyState::Cancelled).count();
    let sent = all.iter().filter(|c| c.state == CopyState::Sent).count();
    assert!(cancelled > 0 && sent >= 2 && cancelled + sent == people.len(), "{all:?}");
    let deadline = tokio::time::Instant::now() + WAIT;
    while vicinato::transport::telegram::sender::SendStats::get(&running.stats.withdrawn) < cancelled as u64 {
        assert!(tokio::time::Instant::now() < deadline, "the sender never dropped the copies taken back");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    running.stop().await;

    for (person, user) in &people {
        let copy = all.iter().find(|c| c.person == person.id).unwrap();
        let got = server.messages(user.id).len();
        match copy.state {
            CopyState::Sent => assert_eq!(got, 1, "{}", person.id),
            _ => assert_eq!(got, 0, "a cancelled copy never leaves: {}", person.id),
        }
    }
    assert_eq!(server.sent_count(), sent);
    let s = status::status(By::Operator, id, store.as_ref(), &tree).await.unwrap().unwrap();
    assert_eq!((s.count(None, "sent"), s.count(None, "cancelled")), (sent as i64, cancelled as i64));
    assert_eq!(s.announcement.state, AnnouncementState::Cancelled);
    // Its send job looks again and sends nothing more.
    app.scheduler.run_due(now + chrono::Duration::seconds(10)).await.unwrap();
    assert_eq!(copies(store.as_ref(), id).await, all);
    no_violations(&server);
}

/// Links a Telegram group of the test server to a territory with a purpose.
async fn link_group(
    store: &dyn Store,
    server: &TestServer,
    id: i64,
    territory: &str,
    purpose: RoomPurpose,
    by: PersonId,
) {
    use vicinato::domain::rooms::{ModEntry, Room};
    server.group(id, &format!("Gruppo {id}"), false);
    let now = saturday_morning();
    let room = Room {
        network: Network::Telegram,
        chat_id: id.to_string(),
        territory: TerritoryId::new(territory),
        purpose,
        linked_by: by,
        linked_at: now,
    };
    let entry = ModEntry {
        at: now,
        actor: Some(by),
        subject: None,
        action: "link".into(),
        reason: String::new(),
        territory: TerritoryId::new(territory),
        network: Some(Network::Telegram),
        chat: Some(id.to_string()),
        until: None,
    };
    store.room_link(&room, &entry).await.unwrap();
}

/// Waits until no room copy of the announcement is on its way.
async fn rooms_settled(store: &dyn Store, id: AnnouncementId) -> Vec<RoomCopy> {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let all = store.room_copies(id, None, 100).await.unwrap();
        if all.iter().all(|c| c.state.is_final()) || tokio::time::Instant::now() > deadline {
            return all;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn staff_of_a_territory_reach_each_of_its_rooms_once_on_telegram_in_each_rooms_languages_and_a_correction_edits_the_group_message()
 {
    use vicinato::core::announcements::{compose, correct};
    let server = TestServer::start(TOKEN).await.unwrap();
    let (store, _dir) = sqlite_store().await;
    let (app, bot) = app_with_bot(store.clone(), &server, options(&server)).await;
    let people = residents(store.as_ref(), &server, 80_000, 2).await;
    let now = saturday_morning();
    let mut staff = store.person_for_account(&Account::new(Network::Telegram, "80900"), "x", now).await.unwrap();
    store
        .grant_role(staff.id, &RoleGrant { role: Role::Staff, territory: Some(TerritoryId::new("centocelle")) }, now)
        .await
        .unwrap();
    staff = store.person(staff.id).await.unwrap().unwrap();
    link_group(store.as_ref(), &server, -1001, "centocelle", RoomPurpose::General, staff.id).await;
    link_group(store.as_ref(), &server, -1002, "centocelle", RoomPurpose::Announcements, staff.id).await;
    link_group(store.as_ref(), &server, -1003, "centocelle", RoomPurpose::Moderators, staff.id).await;
    link_group(store.as_ref(), &server, -1004, "ostia", RoomPurpose::General, staff.id).await;
    // The announcements room reads Italian and English (`/room lang it,en`); the general one
    // keeps Italian only.
    use vicinato::domain::rooms::{ModEntry, RoomSettings};
    let both = RoomSettings { langs: vec![Lang::It, Lang::En], ..Default::default() };
    let entry = ModEntry {
        at: now,
        actor: Some(staff.id),
        subject: None,
        action: "room-lang".into(),
        reason: "it,en".into(),
        territory: TerritoryId::new("centocelle"),
        network: Some(Network::Telegram),
        chat: Some("-1002".into()),
        until: None,
    };
    store.room_settings_set(Network::Telegram, "-1002", &both, &entry).await.unwrap();
    let tree = tree_of(store.as_ref()).await;
    let draft = |territory: &str, rooms: RoomsTarget| compose::Draft {
        texts: AnnouncementTexts { it: "Festa in piazza".into(), en: Some("Party in the square".into()) },
        audience: Audience { territory: Some(TerritoryId::new(territory)), who: Who::Home, rooms },
        at: None,
        recurrence: None,
    };
    let zone = chrono_tz::Europe::Rome;
    // Staff of Centocelle cannot reach Ostia's rooms.
    let elsewhere =
        compose::compose(By::Person(&staff), draft("ostia", RoomsTarget::Only), store.as_ref(), &tree, &[], zone, now)
            .await
            .unwrap();
    assert_eq!(elsewhere, Err(vicinato::core::announcements::Refusal::NotAllowed));
    let a = compose::compose(
        By::Person(&staff),
        draft("centocelle", RoomsTarget::Also),
        store.as_ref(),
        &tree,
        &[],
        zone,
        now,
    )
    .await
    .unwrap()
    .unwrap();
    let ran = app.scheduler.run_due(now).await.unwrap();
    assert_eq!((ran.ran, ran.failed), (1, 0));
    let running = run(bot);
    let rooms = rooms_settled(store.as_ref(), a.id).await;
    settled(store.as_ref(), a.id).await;
    running.stop().await;

    assert_eq!(rooms.len(), 2, "the general and announcements rooms, never the moderators' or Ostia's: {rooms:?}");
    for group in [-1001, -1002] {
        let got = server.messages(group);
        assert_eq!(got.len(), 1, "one copy in group {group}: {got:#?}");
        assert!(got[0].text.contains("Festa in piazza"), "{}", got[0].text);
        // English only where the room reads it.
        assert_eq!(got[0].text.contains("Party in the square"), group == -1002, "group {group}: {}", got[0].text);
        let copy = rooms.iter().find(|c| c.chat == group.to_string()).unwrap();
        assert_eq!(copy.state, CopyState::Sent);
        assert_eq!(copy.message_id, Some(got[0].message_id.to_string()));
    }
    assert!(server.messages(-1003).is_empty(), "a moderators room is never a target");
    assert!(server.messages(-1004).is_empty(), "a room outside the scope is never reached");
    for (_, user) in &people {
        assert_eq!(server.messages(user.id).len(), 1, "people get their own copy too");
    }
    let s = status::status(By::Person(&staff), a.id, store.as_ref(), &tree).await.unwrap().unwrap();
    assert_eq!((s.room_count(Some(Network::Telegram), "sent"), s.room_total()), (2, 2));
    assert_eq!(s.total(), people.len() as i64, "people are counted apart from rooms");

    // A restart that runs the send job again sends no room a second copy.
    store.job_put(&vicinato::core::announcements::send_job(Some(a.id), now), now).await.unwrap();
    app.scheduler.run_due(now + chrono::Duration::seconds(1)).await.unwrap();
    assert_eq!(store.room_copies(a.id, None, 100).await.unwrap(), rooms, "nothing queued again");

    // A correction edits the message in each group, once; a new process sends the edits.
    let texts = AnnouncementTexts { it: "Festa in piazza domenica".into(), en: None };
    let done = correct::correct(By::Person(&staff), a.id, texts, store.as_ref(), &tree, now).await.unwrap().unwrap();
    assert_eq!(done.sent, people.len() as i64 + 2, "people's copies and rooms' copies get an edit");
    app.scheduler.run_due(now + chrono::Duration::seconds(2)).await.unwrap();
    let bot = TelegramBot::connect(app.engine.clone(), options(&server)).await.expect("bot connects");
    let running = run(bot);
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let rooms = store.room_copies(a.id, None, 100).await.unwrap();
        let s = status::status(By::Operator, a.id, store.as_ref(), &tree).await.unwrap().unwrap();
        if rooms.iter().all(|c| c.edit == Some((1, EditState::Sent)))
            && s.edit_count(1, "sent") == people.len() as i64 + 2
        {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "the rooms' edits never went: {rooms:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    running.stop().await;
    for group in [-1001, -1002] {
        let got = server.messages(group);
        assert_eq!(got.len(), 1, "still one message in group {group}: {got:#?}");
        assert_eq!(got[0].edits, 1, "edited once");
        assert!(got[0].text.contains("Festa in piazza domenica"), "{}", got[0].text);
        assert!(!got[0].text.contains("Party"), "no English text is left: {}", got[0].text);
    }
    let s = status::status(By::Operator, a.id, store.as_ref(), &tree).await.unwrap().unwrap();
    assert_eq!(s.edit_count(1, "sent"), people.len() as i64 + 2);
    no_violations(&server);
}

#[tokio::test]
async fn a_room_copy_telegram_took_but_the_process_never_recorded_is_not_posted_again_after_a_restart() {
    use vicinato::core::announcements::compose;
    let server = TestServer::start(TOKEN).await.unwrap();
    let (store, _dir) = sqlite_store().await;
    let mut dying = options(&server);
    dying.limits.max_in_flight = 1;
    dying.stop_sender_after_bulk = Some(2);
    let (app, bot) = app_with_bot(store.clone(), &server, dying).await;
    let now = saturday_morning();
    let linker = store.person_for_account(&Account::new(Network::Telegram, "85000"), "x", now).await.unwrap();
    let groups = [-2001, -2002, -2003];
    for g in groups {
        link_group(store.as_ref(), &server, g, "centocelle", RoomPurpose::General, linker.id).await;
    }
    let draft = compose::Draft {
        texts: AnnouncementTexts { it: "Acqua sospesa".into(), en: None },
        audience: Audience {
            territory: Some(TerritoryId::new("centocelle")),
            who: Who::Home,
            rooms: RoomsTarget::Only,
        },
        at: None,
        recurrence: None,
    };
    let tree = tree_of(store.as_ref()).await;
    let a = compose::compose(By::Operator, draft, store.as_ref(), &tree, &[], chrono_tz::Europe::Rome, now)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(app.scheduler.run_due(now).await.unwrap().failed, 0);
    let running = run(bot);
    let deadline = tokio::time::Instant::now() + WAIT;
    while vicinato::transport::telegram::sender::SendStats::get(&running.stats.bulk_delivered) < 2
        && tokio::time::Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    running.stop().await;
    let after_crash = store.room_copies(a.id, None, 10).await.unwrap();
    assert_eq!(after_crash.iter().filter(|c| c.state == CopyState::Sent).count(), 1, "the second was never recorded");
    assert_eq!(server.sent_count(), 2, "Telegram took two");

    let (_app2, bot2) = app_with_bot(store.clone(), &server, options(&server)).await;
    let running = run(bot2);
    let rooms = rooms_settled(store.as_ref(), a.id).await;
    running.stop().await;
    for g in groups {
        assert_eq!(server.messages(g).len(), 1, "group {g} got the copy exactly once");
    }
    assert!(rooms.iter().all(|c| c.state == CopyState::Sent), "{rooms:?}");
    let unconfirmed: Vec<_> = rooms.iter().filter(|c| c.message_id.is_none()).collect();
    assert_eq!(unconfirmed.len(), 1, "the one in doubt is recorded without an id: {rooms:?}");
    let s = status::status(By::Operator, a.id, store.as_ref(), &tree).await.unwrap().unwrap();
    assert_eq!((s.room_count(None, "sent"), s.total()), (3, 0));
    assert_eq!(s.reasons(), vec![(UNCONFIRMED.to_owned(), 1)]);
    no_violations(&server);
}
