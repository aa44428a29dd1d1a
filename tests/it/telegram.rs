//! End-to-end conversations on Telegram: the real transport (teloxide over HTTP) against the
//! Bot API test server in `vicinato_testkit::telegram`, which speaks the real protocol and
//! refuses a bot that goes over Telegram's limits. Each test checks that no limit was broken.

use crate::support::*;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use vicinato::config::{Secret, TelegramWebhook};
use vicinato::conversation::Engine;
use vicinato::domain::{Account, Network};
use vicinato::store::Store;
use vicinato::transport::telegram::inbound::Target;
use vicinato::transport::telegram::outbound::OutMessage;
use vicinato::transport::telegram::sender::SendLimits;
use vicinato::transport::telegram::{TelegramBot, TelegramOptions};
use vicinato_testkit::telegram::{Fault, SentMessage, TestServer};

const TOKEN: &str = "4242:TEST-token";
const WAIT: Duration = Duration::from_secs(20);

/// A bot running against the test server; stopping it waits for it to finish.
struct RunningBot {
    stop: watch::Sender<bool>,
    task: JoinHandle<anyhow::Result<()>>,
    waker: Arc<tokio::sync::Notify>,
}

impl RunningBot {
    async fn stop(self) {
        let _ = self.stop.send(true);
        self.task.await.expect("bot task").expect("bot stops cleanly");
    }
}

fn options(server: &TestServer) -> TelegramOptions {
    let mut o = TelegramOptions::new("test", Secret::new(TOKEN.into()), "VICINATO_TELEGRAM_TOKEN", &server.url);
    // Short pauses after failures keep the tests quick; the limits stay Telegram's.
    o.limits = SendLimits { backoff_base: Duration::from_millis(200), ..SendLimits::default() };
    o.poll_timeout = 1;
    o
}

async fn start_bot(engine: Arc<Engine>, options: TelegramOptions) -> RunningBot {
    let _ = tracing_subscriber::fmt().with_env_filter("warn,vicinato=debug").with_test_writer().try_init();
    let bot = TelegramBot::connect(engine, options).await.expect("bot connects");
    let waker = bot.waker();
    let (stop, rx) = watch::channel(false);
    let task = tokio::spawn(bot.run(rx));
    RunningBot { stop, task, waker }
}

struct World {
    server: TestServer,
    engine: Arc<Engine>,
    store: Arc<dyn Store>,
    clock: Arc<vicinato::clock::ManualClock>,
    _dir: tempfile::TempDir,
}

async fn world() -> World {
    let server = TestServer::start(TOKEN).await.expect("test server");
    let (store, dir) = sqlite_store().await;
    let (engine, clock) = engine_on(store.clone(), saturday_morning()).await;
    World { server, engine, store, clock, _dir: dir }
}

fn no_violations(server: &TestServer) {
    assert!(server.violations().is_empty(), "the bot broke Telegram's limits: {:?}", server.violations());
}

async fn nth(server: &TestServer, chat: i64, n: usize) -> SentMessage {
    server
        .nth_message(chat, n, WAIT)
        .await
        .unwrap_or_else(|| panic!("message {n} in chat {chat} never came; got {:#?}", server.messages(chat)))
}

/// Presses a button and returns what answers it: a new message, or the same message edited
/// (drilling down and paging replace the message the button was on).
async fn press(
    server: &TestServer,
    user: &vicinato_testkit::telegram::User,
    on: &SentMessage,
    data: &str,
) -> SentMessage {
    let before = server.messages(user.id).len();
    let edits = |ms: &[SentMessage]| ms.iter().find(|m| m.message_id == on.message_id).map_or(0, |m| m.edits);
    let edits_before = edits(&server.messages(user.id));
    let q = server.press(user, on, data);
    let after = server.wait_until(user.id, WAIT, |ms| ms.len() > before || edits(ms) > edits_before).await;
    assert!(server.answered(&q), "the button press {q} was not answered");
    if after.len() > before {
        after.last().cloned().unwrap()
    } else {
        after
            .into_iter()
            .find(|m| m.message_id == on.message_id && m.edits > edits_before)
            .unwrap_or_else(|| panic!("pressing {data} got no answer: {:#?}", server.messages(user.id)))
    }
}

#[tokio::test]
async fn onboarding_in_italian_chooses_language_and_area_with_buttons() {
    let w = world().await;
    let bot = start_bot(w.engine.clone(), options(&w.server)).await;
    let maria = w.server.user(1001, "Maria", Some("it"));
    w.server.user_says(&maria, "/start");
    let hello = nth(&w.server, maria.id, 1).await;
    assert!(hello.text.contains("Ciao Maria"), "{}", hello.text);
    assert_eq!(hello.button("Italiano").as_deref(), Some("lang:it"));
    let ask = press(&w.server, &maria, &hello, "lang:it").await;
    assert!(ask.text.contains("In quale zona vivi?"), "{}", ask.text);
    // Drill down: the metropolitan city, Rome, Municipio X.
    let mut last = ask;
    for wanted in ["citta-metropolitana-roma", "roma", "roma-m10"] {
        let data = last
            .buttons()
            .into_iter()
            .map(|(_, d)| d)
            .find(|d| d == &format!("area:{wanted}") || d == &format!("home:{wanted}"))
            .unwrap_or_else(|| panic!("no button for {wanted}: {:?}", last.buttons()));
        last = press(&w.server, &maria, &last, &data).await;
        if data.starts_with("home:") {
            break;
        }
    }
    if !last.text.contains("la tua zona") {
        let home = last.button("Municipio X").expect("choose Municipio X itself");
        last = press(&w.server, &maria, &last, &home).await;
    }
    assert!(last.text.contains("la tua zona è Municipio X"), "{}", last.text);
    let person = w.store.find_person(&Account::new(Network::Telegram, "1001")).await.unwrap().expect("a person");
    assert_eq!(person.home.as_ref().map(|t| t.to_string()).as_deref(), Some("roma-m10"));
    no_violations(&w.server);
    bot.stop().await;
}

#[tokio::test]
async fn onboarding_in_english_follows_the_telegram_language() {
    let w = world().await;
    let bot = start_bot(w.engine.clone(), options(&w.server)).await;
    let john = w.server.user(1002, "John", Some("en-GB"));
    w.server.user_says(&john, "/start");
    let hello = nth(&w.server, john.id, 1).await;
    assert!(hello.text.contains("John"), "{}", hello.text);
    let ask = press(&w.server, &john, &hello, "lang:en").await;
    assert!(ask.text.contains("Which area do you live in?"), "{}", ask.text);
    w.server.user_says(&john, "centocelle");
    let set = w.server.wait_until(john.id, WAIT, |m| m.iter().any(|m| m.text.contains("your area is"))).await;
    let set = set.last().unwrap();
    assert!(set.text.contains("your area is"), "{}", set.text);
    // The command menu is published in both languages.
    let menus = w.server.menus();
    // Each in its language, names too: "/servizi" in Italian, "/services" in English.
    assert!(menus.iter().any(|(l, c)| l.as_deref() == Some("it") && c.iter().any(|(n, _)| n == "servizi")));
    assert!(menus.iter().any(|(l, c)| l.as_deref() == Some("en") && c.iter().any(|(n, _)| n == "services")));
    assert!(menus.iter().all(|(_, c)| c.iter().any(|(n, _)| n == "start")), "/start in every menu");
    assert!(menus.iter().any(|(l, c)| l.as_deref() == Some("en") && c.iter().any(|(_, d)| d.contains("service"))));
    no_violations(&w.server);
    bot.stop().await;
}

#[tokio::test]
async fn a_free_text_search_pages_by_editing_the_same_message() {
    let w = world().await;
    let bot = start_bot(w.engine.clone(), options(&w.server)).await;
    let paolo = w.server.user(1003, "Paolo", Some("it"));
    w.server.user_says(&paolo, "/services aiuto alimentare");
    let results = nth(&w.server, paolo.id, 1).await;
    let next = results.button("Altri risultati").expect("a button for more results");
    w.server.press(&paolo, &results, &next);
    let edited = w.server.wait_until(paolo.id, WAIT, |m| m.first().is_some_and(|m| m.edits == 1)).await;
    assert_eq!(edited.len(), 1, "paging must edit the message, not send a new one: {edited:#?}");
    assert!(edited[0].text.contains("Pagina 2"), "{}", edited[0].text);
    no_violations(&w.server);
    bot.stop().await;
}

#[tokio::test]
async fn in_a_group_only_commands_and_mentions_are_answered_in_their_topic() {
    let w = world().await;
    let bot = start_bot(w.engine.clone(), options(&w.server)).await;
    let group = w.server.group(-100_500, "Quartiere Centocelle", true);
    let ada = w.server.user(1004, "Ada", Some("it"));
    let bob = w.server.user(1005, "Bob", Some("it"));
    let name = w.server.bot_username();
    w.server.user_says_in(&ada, &group, "ciao a tutti, che bella giornata", None);
    w.server.user_says_in(&ada, &group, "/services@OtherBot", None);
    w.server.chat_member_update(&bob, &group);
    w.server.user_says_in(&ada, &group, &format!("/services@{name} aiuto alimentare"), Some(77));
    let reply = nth(&w.server, group.id, 1).await;
    assert_eq!(reply.thread, Some(77), "the reply lands in the topic it was asked in");
    assert!(reply.text.contains("Ho trovato") || reply.text.contains("trovato"), "{}", reply.text);
    w.server.user_says_in(&bob, &group, &format!("@{name} mensa a Centocelle"), None);
    let second = nth(&w.server, group.id, 2).await;
    assert_eq!(second.thread, None);
    // Help is personal: it goes privately to someone who has a chat with the bot, and to
    // someone who has none, the group is told how to open one.
    w.server.user_says(&bob, "ciao");
    nth(&w.server, bob.id, 1).await;
    w.server.user_says_in(&bob, &group, &format!("/help@{name}"), None);
    let private = nth(&w.server, bob.id, 2).await;
    assert!(private.text.contains("/services") || private.text.contains("servizi"), "{}", private.text);
    w.server.user_says_in(&ada, &group, "/help", Some(77));
    let note = nth(&w.server, group.id, 3).await;
    assert!(note.text.contains("Avvia"), "{}", note.text);
    assert_eq!(note.thread, Some(77));
    assert!(w.server.wait_confirmed(WAIT).await);
    assert_eq!(w.server.messages(group.id).len(), 3, "chatter and other bots' commands get no answer");
    for call in w.server.calls("getUpdates") {
        if let Some(allowed) = call["allowed_updates"].as_array() {
            // Join requests are asked for (community rooms); chat member changes are not.
            assert!(
                allowed.iter().all(|k| k == "message" || k == "callback_query" || k == "chat_join_request"),
                "{allowed:?}"
            );
        }
    }
    no_violations(&w.server);
    bot.stop().await;
}

#[tokio::test]
async fn a_deep_link_opens_the_service_card() {
    let w = world().await;
    let bot = start_bot(w.engine.clone(), options(&w.server)).await;
    let dataset = w.store.dataset().await.unwrap();
    let sal = &dataset.service_at_locations[0];
    let service = dataset.services.iter().find(|s| s.id == sal.service).unwrap();
    let lia = w.server.user(1006, "Lia", Some("it"));
    w.server.user_says(&lia, &format!("/start s-{}", sal.id));
    let card = nth(&w.server, lia.id, 1).await;
    assert!(card.text.contains(&service.texts.name), "{} should name {}", card.text, service.texts.name);
    no_violations(&w.server);
    bot.stop().await;
}

#[tokio::test]
async fn html_in_names_and_messages_is_shown_as_text() {
    let w = world().await;
    let bot = start_bot(w.engine.clone(), options(&w.server)).await;
    let eve = w.server.user(1007, "<b>Eve</b> & <a href='x'>co", Some("en"));
    w.server.user_says(&eve, "/start");
    let hello = nth(&w.server, eve.id, 1).await;
    // The server accepted the HTML (it refuses unknown tags), and the person sees their
    // name exactly as they wrote it.
    assert!(hello.text.contains("<b>Eve</b> & <a href='x'>co"), "{}", hello.text);
    assert!(!hello.html.contains("<a "), "{}", hello.html);
    w.server.user_says(&eve, "/start t-<script>alert(1)</script>");
    let second = nth(&w.server, eve.id, 2).await;
    assert!(!second.html.contains("<script>"), "{}", second.html);
    w.server.user_sends_sticker(&eve);
    let third = nth(&w.server, eve.id, 3).await;
    assert!(third.text.contains("written messages"), "{}", third.text);
    no_violations(&w.server);
    bot.stop().await;
}

#[tokio::test]
async fn injected_429s_and_server_errors_lose_nothing_and_double_nothing() {
    let w = world().await;
    let bot = start_bot(w.engine.clone(), options(&w.server)).await;
    let rosa = w.server.user(1008, "Rosa", Some("it"));
    w.server.user_says(&rosa, "ciao");
    nth(&w.server, rosa.id, 1).await;
    w.server.inject("sendMessage", Fault::TooManyRequests(1));
    w.server.inject("sendMessage", Fault::ServerError(502));
    w.server.inject("getUpdates", Fault::TooManyRequests(1));
    w.server.inject("answerCallbackQuery", Fault::TooManyRequests(1));
    w.server.user_says(&rosa, "/help");
    w.server.user_says(&rosa, "/whoami");
    let hello = w.server.messages(rosa.id)[0].clone();
    let q = w.server.press(&rosa, &hello, "start");
    let all = w.server.wait_until(rosa.id, Duration::from_secs(60), |m| m.len() >= 4).await;
    assert_eq!(all.len(), 4, "{all:#?}");
    tokio::time::sleep(Duration::from_secs(2)).await;
    let all = w.server.messages(rosa.id);
    assert_eq!(all.len(), 4, "a message was sent twice: {all:#?}");
    assert!(all[1].text.contains("/services") || all[1].text.contains("servizi"), "help comes second: {}", all[1].text);
    assert!(w.server.answered(&q));
    assert_eq!(w.server.injected_429s(), 3);
    no_violations(&w.server);
    bot.stop().await;
}

#[tokio::test]
async fn after_a_restart_no_update_is_handled_twice_and_pending_replies_go_out_once() {
    let w = world().await;
    let bot = start_bot(w.engine.clone(), options(&w.server)).await;
    let gino = w.server.user(1009, "Gino", Some("it"));
    w.server.user_says(&gino, "/help");
    nth(&w.server, gino.id, 1).await;
    // The next reply meets a long 429: it is stored, not yet sent, when the bot stops.
    w.server.inject("sendMessage", Fault::TooManyRequests(30));
    w.server.user_says(&gino, "/whoami");
    assert!(w.server.wait_confirmed(WAIT).await);
    w.server.wait_until(gino.id, Duration::from_secs(3), |_| false).await;
    bot.stop().await;
    assert_eq!(w.server.messages(gino.id).len(), 1);
    // While the bot is down, one more message arrives.
    w.server.user_says(&gino, "/language");
    let bot = start_bot(w.engine.clone(), options(&w.server)).await;
    let all = w.server.wait_until(gino.id, WAIT, |m| m.len() >= 3).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let all_after = w.server.messages(gino.id);
    assert_eq!(all_after.len(), 3, "{all:#?}");
    assert!(all_after[1].text.contains("Gino"), "the stored reply to /whoami: {}", all_after[1].text);
    no_violations(&w.server);
    bot.stop().await;
}

#[tokio::test]
async fn a_person_who_blocked_the_bot_is_marked_unreachable_and_not_retried() {
    let w = world().await;
    let bot = start_bot(w.engine.clone(), options(&w.server)).await;
    let tina = w.server.user(1010, "Tina", Some("it"));
    w.server.user_says(&tina, "/start");
    nth(&w.server, tina.id, 1).await;
    w.server.block(&tina);
    let announcement =
        OutMessage::text(Target { chat: tina.id, thread: None }, "Avviso: la Casa è chiusa lunedì.".into());
    w.store.outbox_push("telegram:test", &[announcement.to_item()], None, chrono::Utc::now()).await.unwrap();
    bot.waker.notify_one();
    let account = Account::new(Network::Telegram, tina.id.to_string());
    let mut marked = None;
    for _ in 0..100 {
        marked = w.store.unreachable_since(&account).await.unwrap();
        if marked.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(marked.is_some(), "the account should be marked unreachable");
    tokio::time::sleep(Duration::from_secs(2)).await;
    let tries = w.server.calls("sendMessage").iter().filter(|c| c["chat_id"].as_i64() == Some(tina.id)).count();
    assert_eq!(tries, 2, "one reply, then one try of the announcement and no retry");
    assert!(w.store.outbox_pending("telegram:test", 0, 10).await.unwrap().is_empty());
    // Writing again makes the person reachable.
    w.server.user_says(&tina, "ciao");
    nth(&w.server, tina.id, 2).await;
    assert_eq!(w.store.unreachable_since(&account).await.unwrap(), None);
    bot.stop().await;
}

#[tokio::test]
async fn webhook_mode_checks_the_secret_and_handles_a_redelivered_update_once() {
    let w = world().await;
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut o = options(&w.server);
    let hook = TelegramWebhook {
        url: format!("http://127.0.0.1:{port}/telegram"),
        listen: format!("127.0.0.1:{port}").parse().unwrap(),
        secret_env: "VICINATO_TELEGRAM_WEBHOOK_SECRET".into(),
    };
    o.webhook = Some((hook, Secret::new("s3cret-Token_1".into())));
    let bot = start_bot(w.engine.clone(), o).await;
    let nina = w.server.user(1011, "Nina", Some("it"));
    w.server.user_says(&nina, "/help");
    let help = nth(&w.server, nina.id, 1).await;
    let set = w.server.calls("setWebhook");
    assert_eq!(set.len(), 1);
    assert_eq!(set[0]["secret_token"], "s3cret-Token_1");
    assert_eq!(set[0]["max_connections"], 1);
    assert!(help.text.contains("servizi") || help.text.contains("/services"), "{}", help.text);
    // A request without the secret is refused and not handled; a redelivery is not answered twice.
    let update = serde_json::json!({
        "update_id": 1,
        "message": {"message_id": 1, "date": 1700000000, "chat": {"id": nina.id, "type": "private", "first_name": "Nina"},
                    "from": {"id": nina.id, "is_bot": false, "first_name": "Nina"}, "text": "/help"}
    });
    let client = http_client();
    let url = format!("http://127.0.0.1:{port}/telegram");
    let wrong = client.post(&url, Some("nope"), &update.to_string()).await;
    assert_eq!(wrong, 401);
    let missing = client.post(&url, None, &update.to_string()).await;
    assert_eq!(missing, 401);
    let again = client.post(&url, Some("s3cret-Token_1"), &update.to_string()).await;
    assert_eq!(again, 200);
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(w.server.messages(nina.id).len(), 1, "a redelivered update must not be answered again");
    // Text with a lone UTF-16 surrogate is taken (Telegram would redeliver a refused update
    // forever) and answered.
    w.server.user_says(&nina, &format!("/help {}", vicinato_testkit::telegram::LONE_SURROGATE));
    let second = nth(&w.server, nina.id, 2).await;
    assert!(second.text.contains("servizi") || second.text.contains("/services"), "{}", second.text);
    no_violations(&w.server);
    bot.stop().await;
}

/// Posts to the webhook as anyone on the network could.
fn http_client() -> RawPost {
    RawPost(vicinato_testkit::telegram::http_post::Client)
}

struct RawPost(vicinato_testkit::telegram::http_post::Client);

impl RawPost {
    async fn post(&self, url: &str, secret: Option<&str>, body: &str) -> u16 {
        self.0.post(url, secret, body).await.expect("the webhook answers")
    }
}

#[tokio::test]
async fn a_refused_token_names_its_variable_and_never_itself() {
    let server = TestServer::start("1:RIGHT").await.unwrap();
    let (store, _dir) = sqlite_store().await;
    let (engine, _) = engine_on(store, saturday_morning()).await;
    let o = TelegramOptions::new("test", Secret::new("1:WRONG-SECRET".into()), "MY_TOKEN_VAR", &server.url);
    let err = TelegramBot::connect(engine, o).await.err().expect("refused");
    let text = format!("{err:#}");
    assert!(text.contains("MY_TOKEN_VAR"), "{text}");
    assert!(!text.contains("WRONG-SECRET"), "{text}");
}

#[tokio::test]
async fn my_data_is_shown_and_forget_me_erases_it_after_confirmation() {
    let w = world().await;
    let bot = start_bot(w.engine.clone(), options(&w.server)).await;
    let olga = w.server.user(1012, "Olga", Some("en"));
    w.server.user_says(&olga, "/mydata");
    let sent = w.server.wait_until(olga.id, WAIT, |ms| ms.iter().any(|m| m.document.is_some())).await;
    let summary = sent.iter().find(|m| m.text.contains("Bookings: 0")).expect("a summary to read");
    assert!(summary.text.contains("Olga") && summary.text.contains("Telegram"), "{}", summary.text);
    assert!(!summary.text.contains("telegram:1012"), "no raw ids: {}", summary.text);
    let doc = sent.iter().find_map(|m| m.document.clone()).expect("the data as a file");
    assert_eq!(doc.name, "vicinato-mydata.json");
    assert!(doc.content.contains("\"display_name\": \"Olga\""), "{}", doc.content);
    w.server.user_says(&olga, "/forget");
    let sent = w.server.wait_until(olga.id, WAIT, |ms| ms.iter().any(|m| m.button("erase").is_some())).await;
    let ask = sent.into_iter().find(|m| m.button("erase").is_some()).unwrap();
    let yes = ask.button("erase").expect("a button to confirm");
    let done = press(&w.server, &olga, &ask, &yes).await;
    assert!(done.text.contains("erased"), "{}", done.text);
    let account = Account::new(Network::Telegram, olga.id.to_string());
    assert!(w.store.find_person(&account).await.unwrap().is_none());
    no_violations(&w.server);
    bot.stop().await;
}

#[tokio::test]
async fn forget_me_asked_in_a_group_is_confirmed_in_the_private_chat() {
    let w = world().await;
    let bot = start_bot(w.engine.clone(), options(&w.server)).await;
    let group = w.server.group(-100_501, "Quartiere Centocelle", false);
    let olga = w.server.user(1022, "Olga", Some("en"));
    let name = w.server.bot_username();
    w.server.user_says(&olga, "hello");
    nth(&w.server, olga.id, 1).await;
    w.server.user_says_in(&olga, &group, &format!("/forget@{name}"), None);
    let ask = nth(&w.server, olga.id, 2).await;
    let yes = ask.button("erase").expect("a button to confirm, in the private chat");
    let done = press(&w.server, &olga, &ask, &yes).await;
    assert!(done.text.contains("erased"), "{}", done.text);
    let account = Account::new(Network::Telegram, olga.id.to_string());
    assert!(w.store.find_person(&account).await.unwrap().is_none());
    no_violations(&w.server);
    bot.stop().await;
}

#[tokio::test]
async fn a_slow_telegram_delays_a_reply_but_never_doubles_it() {
    let w = world().await;
    let bot = start_bot(w.engine.clone(), options(&w.server)).await;
    let pia = w.server.user(1013, "Pia", Some("it"));
    w.server.inject("sendMessage", Fault::Slow(Duration::from_secs(3)));
    w.server.inject("getUpdates", Fault::Slow(Duration::from_secs(2)));
    w.server.user_says(&pia, "/help");
    w.server.user_says(&pia, "/whoami");
    w.server.wait_until(pia.id, WAIT, |m| m.len() >= 2).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(w.server.messages(pia.id).len(), 2);
    no_violations(&w.server);
    bot.stop().await;
}

#[tokio::test]
async fn button_payloads_too_long_for_telegram_travel_behind_a_short_token() {
    use vicinato::transport::telegram::outbound::{MAX_CALLBACK_BYTES, callback_data, payload_of};
    let (store, _dir) = sqlite_store().await;
    let now = chrono::Utc::now();
    let long = format!("card:{}", "servizio-molto-lungo-".repeat(5));
    let data = callback_data(store.as_ref(), 4242, &long, now).await.unwrap();
    assert!(data.len() <= MAX_CALLBACK_BYTES, "{data}");
    assert_eq!(payload_of(store.as_ref(), 4242, &data).await.unwrap().as_deref(), Some(long.as_str()));
    assert_eq!(callback_data(store.as_ref(), 4242, &long, now).await.unwrap(), data, "one stable token per chat");
    assert_eq!(callback_data(store.as_ref(), 4242, "page:2", now).await.unwrap(), "page:2");
    // A forged or forgotten token reads as nothing, which the conversation answers as expired.
    assert_eq!(payload_of(store.as_ref(), 4242, "~999999").await.unwrap(), None);
    // A token works only in the chat it was sent to: pressed elsewhere, it is nothing.
    assert_eq!(payload_of(store.as_ref(), 777, &data).await.unwrap(), None);
    let theirs = callback_data(store.as_ref(), 777, &long, now).await.unwrap();
    assert_ne!(theirs, data);
    assert_eq!(payload_of(store.as_ref(), 777, &theirs).await.unwrap().as_deref(), Some(long.as_str()));
}

#[tokio::test]
async fn a_room_booked_on_telegram_is_reminded_there_and_cancelled_from_the_reminder() {
    use chrono::TimeZone;
    use vicinato::courier::Couriers;
    use vicinato::transport::telegram::courier::TelegramCourier;
    let w = world().await;
    let bot = start_bot(w.engine.clone(), options(&w.server)).await;
    let mut couriers = Couriers::default();
    couriers.add(Arc::new(TelegramCourier::new(w.engine.clone(), "telegram:test", bot.waker.clone())));
    w.engine.set_couriers(couriers);
    let ada = w.server.user(2001, "Ada", Some("it"));
    w.server.user_says(&ada, "vorrei la sala grande martedì dalle 15 alle 17 per 20 persone");
    let ask = nth(&w.server, ada.id, 1).await;
    assert!(ask.text.contains("Per cosa ti serve"), "{}", ask.text);
    w.server.user_says(&ada, "riunione <del> condominio");
    let summary = nth(&w.server, ada.id, 2).await;
    assert!(summary.html.contains("riunione &lt;del&gt; condominio"), "{}", summary.html);
    let done = press(&w.server, &ada, &summary, "book:yes").await;
    assert!(done.text.contains("Prenotato: Sala grande"), "{}", done.text);
    // Monday at 15:00, a day before: the scheduler sends the reminder to Ada's private chat.
    let scheduler = vicinato::app::scheduler_for(&w.engine, "p1");
    let monday = chrono_tz::Europe::Rome.with_ymd_and_hms(2026, 11, 30, 15, 0, 0).unwrap().with_timezone(&chrono::Utc);
    w.clock.set(monday);
    assert_eq!(scheduler.run_due(monday).await.unwrap().ran, 1);
    // (The confirmation came with a calendar file: wait for the reminder itself.)
    let all = w.server.wait_until(ada.id, WAIT, |ms| ms.iter().any(|m| m.text.starts_with("Promemoria"))).await;
    let reminder = all.into_iter().find(|m| m.text.starts_with("Promemoria")).unwrap();
    assert!(reminder.text.starts_with("Promemoria: tra 24 ore hai Sala grande"), "{}", reminder.text);
    let cancel = reminder.keyboard[0][0].1.clone();
    assert!(cancel.starts_with("bcancel:"), "{cancel}");
    let ask = press(&w.server, &ada, &reminder, &cancel).await;
    assert!(ask.text.starts_with("Vuoi annullare"), "asked first: {}", ask.text);
    let yes = ask.button("Sì, annulla").expect("a yes button");
    let cancelled = press(&w.server, &ada, &ask, &yes).await;
    assert!(cancelled.text.starts_with("Annullata"), "{}", cancelled.text);
    // Sent once: running again sends nothing more.
    assert_eq!(scheduler.run_due(monday).await.unwrap().ran, 0);
    no_violations(&w.server);
    bot.stop().await;
}

#[tokio::test]
async fn a_booking_confirmed_on_telegram_comes_with_its_calendar_file_and_the_list_sends_them_all() {
    let w = world().await;
    let bot = start_bot(w.engine.clone(), options(&w.server)).await;
    let ada = w.server.user(1301, "Ada", Some("it"));
    w.server.user_says(&ada, "vorrei la saletta martedì dalle 10 alle 12 per 4 persone");
    let ask = nth(&w.server, ada.id, 1).await;
    assert!(ask.text.contains("Per cosa ti serve"), "{}", ask.text);
    w.server.user_says(&ada, "corso di cucito");
    let summary = nth(&w.server, ada.id, 2).await;
    press(&w.server, &ada, &summary, "book:yes").await;
    let sent = w.server.wait_until(ada.id, WAIT, |ms| ms.iter().any(|m| m.document.is_some())).await;
    let done = sent.iter().position(|m| m.text.starts_with("Prenotato")).expect("the booking is confirmed");
    let file = sent.iter().position(|m| m.document.is_some()).expect("a calendar file");
    assert!(done < file, "the file follows the confirmation");
    let doc = sent[file].document.clone().unwrap();
    assert_eq!(doc.name, "booking-1.ics");
    assert!(doc.content.starts_with("BEGIN:VCALENDAR\r\n"), "{}", doc.content);
    assert!(doc.content.contains("SUMMARY:Saletta riunioni – corso di cucito\r\n"), "{}", doc.content);
    assert!(doc.content.contains("DTSTART:20261201T090000Z\r\n"), "{}", doc.content);
    // From the list of my bookings, every one as one file.
    w.server.user_says(&ada, "/bookings");
    let list = w.server.wait_until(ada.id, WAIT, |ms| ms.iter().any(|m| m.text.contains("Le tue prenotazioni"))).await;
    let list = list.into_iter().find(|m| m.text.contains("Le tue prenotazioni")).unwrap();
    assert_eq!(list.button("Calendario").as_deref(), Some("bcal:"));
    w.server.press(&ada, &list, "bcal:");
    let sent = w.server.wait_until(ada.id, WAIT, |ms| ms.iter().filter(|m| m.document.is_some()).count() == 2).await;
    let doc = sent.iter().rev().find_map(|m| m.document.clone()).expect("a second file");
    assert_eq!(doc.name, "bookings.ics");
    assert_eq!(doc.content.matches("BEGIN:VEVENT").count(), 1);
    assert!(w.server.calls("senddocument").len() >= 2);
    no_violations(&w.server);
    bot.stop().await;
}

#[tokio::test]
async fn an_initiative_is_proposed_published_and_supported_on_telegram_with_its_title_escaped() {
    use vicinato::domain::{Role, RoleGrant, TerritoryId};
    use vicinato::transport::telegram::courier::TelegramCourier;
    let w = world().await;
    let bot = start_bot(w.engine.clone(), options(&w.server)).await;
    let mut couriers = vicinato::courier::Couriers::default();
    couriers.add(Arc::new(TelegramCourier::new(w.engine.clone(), "telegram:test", bot.waker.clone())));
    w.engine.set_couriers(couriers);
    let ada = w.server.user(2101, "Ada", Some("it"));
    w.server.user_says(&ada, "/proponi Orto <condiviso> & co");
    let ask = nth(&w.server, ada.id, 1).await;
    assert!(ask.text.contains("\"Orto <condiviso> & co\": cosa vuoi fare"), "{}", ask.text);
    assert!(ask.html.contains("Orto &lt;condiviso&gt; &amp; co"), "{}", ask.html);
    w.server.user_says(&ada, "Un orto nel cortile della scuola, aperto a tutti.");
    let area = nth(&w.server, ada.id, 2).await;
    assert!(area.text.contains("Per quale zona"), "Ada never said where she lives: {}", area.text);
    w.server.user_says(&ada, "Centocelle");
    let theme = nth(&w.server, ada.id, 3).await;
    let mut last = press(&w.server, &ada, &theme, "ptheme:environment").await;
    for _ in 0..4 {
        last = press(&w.server, &ada, &last, "pskip").await;
    }
    assert!(last.text.contains("Zona: Centocelle"), "{}", last.text);
    let submit = last.keyboard.iter().flatten().map(|(_, data)| data.clone()).find(|d| d.starts_with("isub:")).unwrap();
    let id = submit.trim_start_matches("isub:").to_owned();
    let sent = press(&w.server, &ada, &last, &submit).await;
    assert!(sent.text.contains("è inviata"), "{}", sent.text);

    // Staff of the municipio publish it; Ada hears of it in her private chat.
    let bea = w.server.user(2102, "Bea", Some("it"));
    let staff =
        w.store.person_for_account(&Account::new(Network::Telegram, "2102"), "Bea", saturday_morning()).await.unwrap();
    let grant = RoleGrant { role: Role::Staff, territory: Some(TerritoryId::new("roma-m05")) };
    w.store.grant_role(staff.id, &grant, saturday_morning()).await.unwrap();
    w.server.user_says(&bea, "/review");
    let card = w.server.wait_until(bea.id, WAIT, |ms| ms.iter().any(|m| !m.keyboard.is_empty())).await;
    let card = card.into_iter().find(|m| !m.keyboard.is_empty()).unwrap();
    assert!(card.html.contains("Orto &lt;condiviso&gt; &amp; co"), "{}", card.html);
    let published = press(&w.server, &bea, &card, &format!("ipub:{id}")).await;
    assert!(published.text.contains("è pubblicata"), "{}", published.text);
    let before = w.server.messages(ada.id).len();
    let note = w.server.wait_until(ada.id, WAIT, |ms| ms.len() > before).await;
    assert!(note.last().unwrap().text.contains("raccoglie sostegni"), "{}", note.last().unwrap().text);

    // A neighbour finds it and supports it anonymously.
    let carl = w.server.user(2103, "Carl", Some("it"));
    w.server.user_says(&carl, "/iniziative orto");
    let list = nth(&w.server, carl.id, 1).await;
    assert!(list.text.contains("Orto <condiviso> & co"), "{}", list.text);
    let opened = press(&w.server, &carl, &list, &format!("ini:{id}")).await;
    let supported = press(&w.server, &carl, &opened, &format!("isupa:{id}")).await;
    assert!(supported.text.contains("in forma anonima"), "{}", supported.text);
    no_violations(&w.server);
    bot.stop().await;
}

#[tokio::test]
async fn a_crash_between_handling_an_update_and_storing_its_cursor_does_nothing_twice() {
    let w = world().await;
    let mut crashing = options(&w.server);
    crashing.crash_before_cursor = true;
    let bot = start_bot(w.engine.clone(), crashing).await;
    let ada = w.server.user(2201, "Ada", Some("it"));
    w.server.user_says(&ada, "/proponi Orto condiviso");
    // The process dies after the draft is written, before the replies and the cursor are.
    let died = tokio::time::timeout(WAIT, bot.task).await.expect("the bot reaches the failpoint");
    assert!(died.is_err(), "the failpoint ends the bot's task");
    assert!(w.server.messages(ada.id).is_empty());
    // Started again, it is given the same update: answered as the first time, done once.
    let bot = start_bot(w.engine.clone(), options(&w.server)).await;
    let ask = nth(&w.server, ada.id, 1).await;
    assert!(ask.text.contains("\"Orto condiviso\": cosa vuoi fare"), "{}", ask.text);
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(w.server.messages(ada.id).len(), 1, "{:#?}", w.server.messages(ada.id));
    let person = w.store.find_person(&Account::new(Network::Telegram, "2201")).await.unwrap().unwrap();
    let drafts = w.store.initiatives_of_person(person.id).await.unwrap();
    assert_eq!(drafts.len(), 1, "one draft, not two: {drafts:?}");
    // The conversation goes on from where it was.
    w.server.user_says(&ada, "Un orto nel cortile della scuola, aperto a tutti.");
    let next = nth(&w.server, ada.id, 2).await;
    assert!(next.text.contains("Per quale zona"), "{}", next.text);
    no_violations(&w.server);
    bot.stop().await;
}

#[tokio::test]
async fn a_group_message_with_a_kelvin_sign_does_not_stop_the_bot() {
    let w = world().await;
    let bot = start_bot(w.engine.clone(), options(&w.server)).await;
    let group = w.server.group(-100_600, "Quartiere", false);
    let ada = w.server.user(1010, "Ada", Some("it"));
    let name = w.server.bot_username();
    // The Kelvin sign (U+212A) is three bytes and its lowercase "k" one: cutting the mention
    // out at an offset of the lowercase text panicked, on every restart again.
    w.server.user_says_in(&ada, &group, &format!("\u{212A}\u{212A}@{name} ciao"), None);
    let first = nth(&w.server, group.id, 1).await;
    assert!(!first.text.is_empty());
    w.server.user_says_in(&ada, &group, &format!("@{name} ciao"), None);
    nth(&w.server, group.id, 2).await;
    w.server.user_says(&ada, "ciao");
    nth(&w.server, ada.id, 1).await;
    assert!(w.store.dead_letters(10).await.unwrap().is_empty(), "nothing failed");
    no_violations(&w.server);
    bot.stop().await;
}

#[tokio::test]
async fn a_panic_while_handling_an_update_is_kept_as_a_dead_letter_and_the_next_update_is_answered() {
    use vicinato::conversation::Body;
    let w = world().await;
    let _ = tracing_subscriber::fmt().with_env_filter("warn,vicinato=debug").with_test_writer().try_init();
    let bot = TelegramBot::connect(w.engine.clone(), options(&w.server))
        .await
        .expect("bot connects")
        .fail_when(|inbound| matches!(&inbound.body, Body::Text(t) if t == "poison"));
    let (stop, rx) = watch::channel(false);
    let running = RunningBot { stop, waker: bot.waker(), task: tokio::spawn(bot.run(rx)) };
    let ada = w.server.user(1011, "Ada", Some("it"));
    let poison = w.server.user_says(&ada, "poison");
    let sorry = nth(&w.server, ada.id, 1).await;
    assert!(sorry.text.contains("Qualcosa non ha funzionato"), "{}", sorry.text);
    w.server.user_says(&ada, "ciao");
    let next = nth(&w.server, ada.id, 2).await;
    assert!(!next.text.contains("Qualcosa non ha funzionato"), "{}", next.text);
    let letters = w.store.dead_letters(10).await.unwrap();
    assert_eq!(letters.len(), 1, "{letters:?}");
    assert_eq!((letters[0].source.as_str(), letters[0].kind.as_str()), ("telegram:test", "update"));
    assert_eq!(letters[0].item, poison.to_string());
    assert!(letters[0].error.contains("failpoint"), "{}", letters[0].error);
    assert!(!letters[0].error.contains("poison"), "the message text is never kept: {}", letters[0].error);
    // The cursor moved past it: a restart does not handle it again.
    running.stop().await;
    let again = start_bot(w.engine.clone(), options(&w.server)).await;
    // A new process does not know when the last message to Ada left: keep one a second.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    w.server.user_says(&ada, "aiuto");
    nth(&w.server, ada.id, 3).await;
    assert_eq!(w.server.messages(ada.id).len(), 3, "{:#?}", w.server.messages(ada.id));
    assert_eq!(w.store.dead_letters(10).await.unwrap().len(), 1);
    no_violations(&w.server);
    again.stop().await;
}

#[tokio::test]
async fn with_two_telegram_bots_serve_reaches_a_person_through_the_bot_they_wrote_to() {
    use vicinato::config::{BotProfile, Config};
    use vicinato::conversation::Reply;
    let _ = tracing_subscriber::fmt().with_env_filter("warn,vicinato=debug").with_test_writer().try_init();
    let first = TestServer::start("1:FIRST-token").await.unwrap();
    let second = TestServer::start("2:SECOND-token").await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let profile = |name: &str, var: &str, url: &str| {
        let text = format!(
            "name = \"{name}\"\ndefault_language = \"it\"\nmodules = [\"directory\"]\n\n\
             [telegram]\ntoken_env = \"{var}\"\napi_url = \"{url}\"\n"
        );
        BotProfile::parse(&dir.path().join(format!("bots/{name}.toml")), &text).expect("a valid profile")
    };
    let bots = vec![profile("alpha", "ALPHA_TOKEN", &first.url), profile("beta", "BETA_TOKEN", &second.url)];
    let url = format!("sqlite:{}/vicinato.db", dir.path().display());
    let config = Config::load(None, [("VICINATO_DATABASE__URL".to_owned(), url), crate::app::listen_anywhere()])
        .expect("config");
    let plan = vicinato::serve::plan(&bots, |k| match k {
        "ALPHA_TOKEN" => Some("1:FIRST-token".into()),
        "BETA_TOKEN" => Some("2:SECOND-token".into()),
        _ => None,
    });
    let (stop, rx) = watch::channel(false);
    let running = vicinato::serve::start(&config, &bots, plan, rx).await.expect("both bots start");
    // Ugo writes to the second bot only.
    let ugo = second.user(5001, "Ugo", Some("it"));
    second.user_says(&ugo, "/start");
    nth(&second, ugo.id, 1).await;
    let person = running.store.find_person(&Account::new(Network::Telegram, "5001")).await.unwrap().expect("a person");
    let now = chrono::Utc::now();
    running.couriers.deliver(&person, vicinato::domain::Lang::It, &Reply::id("error-internal"), now).await.unwrap();
    let note = nth(&second, ugo.id, 2).await;
    assert!(note.text.contains("Qualcosa non ha funzionato"), "{}", note.text);
    assert!(first.all_messages().is_empty(), "the first bot never wrote to Ugo: {:#?}", first.all_messages());
    no_violations(&first);
    no_violations(&second);
    stop.send(true).unwrap();
    running.wait().await.expect("both bots stop cleanly");
}

#[tokio::test]
async fn a_message_with_a_lone_surrogate_is_answered_and_does_not_stop_the_bot() {
    use vicinato_testkit::telegram::LONE_SURROGATE;
    let w = world().await;
    let bot = start_bot(w.engine.clone(), options(&w.server)).await;
    let ada = w.server.user(1012, "Ada", Some("it"));
    // Telegram's JSON can carry `\ud800`, which no Rust string holds: teloxide cannot read the
    // whole getUpdates answer, and the bot asked for it again forever.
    w.server.user_says(&ada, &format!("ciao {LONE_SURROGATE}"));
    w.server.user_says(&ada, "/help");
    nth(&w.server, ada.id, 2).await;
    assert!(w.store.dead_letters(10).await.unwrap().is_empty(), "read with U+FFFD for the surrogate");
    no_violations(&w.server);
    bot.stop().await;
}

#[tokio::test]
async fn a_delivery_whose_outbox_removal_fails_is_recorded_later_and_never_sent_twice() {
    let w = world().await;
    // The store refuses to take delivered messages out of the outbox, as a full disk or a
    // locked database would, until the trigger is dropped.
    let db = w._dir.path().join("vicinato.db");
    let pool = sqlx::SqlitePool::connect(&format!("sqlite:{}", db.display())).await.unwrap();
    let stuck = "CREATE TRIGGER outbox_stuck BEFORE DELETE ON outbox BEGIN SELECT RAISE(ABORT, 'injected'); END";
    sqlx::query(stuck).execute(&pool).await.unwrap();
    let waiting =
        || async { sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM outbox").fetch_one(&pool).await.unwrap() };
    let bot = start_bot(w.engine.clone(), options(&w.server)).await;
    let ada = w.server.user(1021, "Ada", Some("it"));
    w.server.user_says(&ada, "/help");
    nth(&w.server, ada.id, 1).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let delivered = w.server.messages(ada.id).len();
    assert!(waiting().await >= 1, "the delivered reply could not leave the outbox");
    // Once the store takes the write again, the delivery is recorded, and nothing went twice.
    sqlx::query("DROP TRIGGER outbox_stuck").execute(&pool).await.unwrap();
    let deadline = std::time::Instant::now() + WAIT;
    while waiting().await > 0 && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(waiting().await, 0, "the delivery was recorded at last");
    assert_eq!(w.server.messages(ada.id).len(), delivered, "{:#?}", w.server.messages(ada.id));
    no_violations(&w.server);
    bot.stop().await;
}

#[tokio::test]
async fn stats_from_staff_on_telegram_come_with_the_chart_as_a_photo_and_a_resident_gets_none() {
    use vicinato::domain::{Lang, Role, RoleGrant, TerritoryId};
    let w = world().await;
    let bot = start_bot(w.engine.clone(), options(&w.server)).await;
    // A proposal, made on the console, counts in the figures of the municipio.
    let lines = [
        "/proponi Orto condiviso",
        "Un orto nel cortile della scuola, per tutte le famiglie.",
        "Centocelle",
        r#"{"button": "ptheme:environment"}"#,
        r#"{"button": "pskip"}"#,
        r#"{"button": "pskip"}"#,
        r#"{"button": "pskip"}"#,
        r#"{"button": "pskip"}"#,
    ];
    let r = talk(&w.engine, "ugo", Some(Lang::It), &lines).await;
    let submit = r.last().unwrap()["buttons"][0]["payload"].as_str().unwrap().to_owned();
    talk(&w.engine, "ugo", None, &[&format!(r#"{{"button": "{submit}"}}"#)]).await;

    let carl = w.server.user(2301, "Carl", Some("it"));
    w.server.user_says(&carl, "/stats");
    let refused = nth(&w.server, carl.id, 1).await;
    assert!(refused.text.contains("Non hai il permesso"), "{}", refused.text);

    let bea = w.server.user(2302, "Bea", Some("it"));
    let staff =
        w.store.person_for_account(&Account::new(Network::Telegram, "2302"), "Bea", saturday_morning()).await.unwrap();
    let grant = RoleGrant { role: Role::Staff, territory: Some(TerritoryId::new("roma-m05")) };
    w.store.grant_role(staff.id, &grant, saturday_morning()).await.unwrap();
    w.server.user_says(&bea, "/stats");
    let sent = w.server.wait_until(bea.id, WAIT, |ms| ms.iter().any(|m| m.photo.is_some())).await;
    let lines = sent.iter().position(|m| m.text.contains("2026-11: 1 proposta")).expect("the lines");
    let at = sent.iter().position(|m| m.photo.is_some()).unwrap();
    assert!(lines < at, "the chart follows the lines");
    let photo = sent[at].photo.clone().unwrap();
    assert_eq!(photo.name, "participation-roma-m05-2026-11.png");
    assert_eq!(&photo.bytes[..8], b"\x89PNG\r\n\x1a\n");
    assert_eq!((photo.width, photo.height), (900, 520));
    assert!(photo.caption.starts_with("Grafico della partecipazione a "), "{}", photo.caption);
    assert!(photo.caption.contains("1 iniziativa proposta, 0 sostegni"), "{}", photo.caption);
    assert_eq!(w.server.calls("sendphoto").len(), 1);
    // The resident's chat never got a photo.
    assert!(w.server.messages(carl.id).iter().all(|m| m.photo.is_none()));
    no_violations(&w.server);
    bot.stop().await;
}
