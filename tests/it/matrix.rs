//! End-to-end conversations on Matrix: the real transport (matrix-sdk) against a real Synapse
//! started by the tests, with a second matrix-sdk client playing the resident, in direct chats,
//! encrypted rooms and group rooms.

use crate::support::*;
use crate::synapse::Synapse;
use matrix_sdk::config::SyncSettings;
use matrix_sdk::ruma::api::client::account::register;
use matrix_sdk::ruma::api::client::room::create_room;
use matrix_sdk::ruma::api::client::uiaa;
use matrix_sdk::ruma::events::relation::Thread;
use matrix_sdk::ruma::events::room::encryption::RoomEncryptionEventContent;
use matrix_sdk::ruma::events::room::member::{MembershipState, StrippedRoomMemberEvent};
use matrix_sdk::ruma::events::room::message::Relation;
use matrix_sdk::ruma::events::room::message::{MessageType, OriginalSyncRoomMessageEvent, RoomMessageEventContent};
use matrix_sdk::ruma::events::{EmptyStateKey, InitialStateEvent};
use matrix_sdk::ruma::{OwnedEventId, OwnedRoomId, OwnedUserId, UserId};
use matrix_sdk::{Client, Room};
use std::sync::Arc;
use std::sync::OnceLock;
use std::time::Duration;
use tokio::sync::{mpsc, watch};
use vicinato::config::Secret;
use vicinato::conversation::Engine;
use vicinato::transport::matrix::{Credentials, MatrixBot, MatrixOptions};

pub(crate) const WAIT: Duration = Duration::from_secs(30);
pub(crate) const PASSWORD: &str = "correct-horse-battery";

/// One Synapse shared by the tests that do not stop it; each test uses its own users.
pub(crate) fn shared() -> Option<&'static Synapse> {
    static SHARED: OnceLock<Option<Synapse>> = OnceLock::new();
    SHARED.get_or_init(Synapse::start).as_ref()
}

pub(crate) fn unique(prefix: &str) -> String {
    static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    format!("{prefix}{}x{}", std::process::id(), N.fetch_add(1, std::sync::atomic::Ordering::SeqCst))
}

/// Registers an account on the test homeserver (open registration, dummy authentication).
pub(crate) async fn register_user(hs: &str, localpart: &str) {
    let client = Client::builder().homeserver_url(hs).build().await.unwrap();
    let mut request = register::v3::Request::new();
    request.username = Some(localpart.to_owned());
    request.password = Some(PASSWORD.to_owned());
    request.inhibit_login = true;
    request.auth = Some(uiaa::AuthData::Dummy(uiaa::Dummy::new()));
    if let Err(e) = client.matrix_auth().register(request.clone()).await {
        // Synapse may want the interactive-auth session first.
        let info = e.as_uiaa_response().unwrap_or_else(|| panic!("cannot register {localpart}: {e}"));
        let mut dummy = uiaa::Dummy::new();
        dummy.session = info.session.clone();
        request.auth = Some(uiaa::AuthData::Dummy(dummy));
        client.matrix_auth().register(request).await.unwrap_or_else(|e| panic!("cannot register {localpart}: {e}"));
    }
}

/// A message the resident received.
#[derive(Debug, Clone)]
pub(crate) struct Notice {
    pub(crate) room: OwnedRoomId,
    /// Its event id.
    pub(crate) event: String,
    /// The event an `m.replace` edit replaces.
    pub(crate) replaces: Option<String>,
    pub(crate) body: String,
    pub(crate) html: String,
    thread: Option<String>,
    /// An `m.file` (its body is then the file name).
    file: Option<matrix_sdk::ruma::events::room::message::FileMessageEventContent>,
    /// An `m.image` (its body is then the caption).
    image: Option<matrix_sdk::ruma::events::room::message::ImageMessageEventContent>,
}

/// A person on Matrix, with their own encrypted client, syncing in the background.
pub(crate) struct Resident {
    pub(crate) client: Client,
    inbox: mpsc::UnboundedReceiver<Notice>,
    _dir: tempfile::TempDir,
    sync: tokio::task::JoinHandle<()>,
}

impl Drop for Resident {
    fn drop(&mut self) {
        self.sync.abort();
    }
}

impl Resident {
    pub(crate) async fn new(hs: &Synapse, name: &str) -> Self {
        register_user(&hs.url, name).await;
        let dir = tempfile::tempdir().unwrap();
        let client = Client::builder().homeserver_url(&hs.url).sqlite_store(dir.path(), None).build().await.unwrap();
        client.matrix_auth().login_username(name, PASSWORD).send().await.expect("resident logs in");
        client.sync_once(SyncSettings::default()).await.unwrap();
        let (tx, inbox) = mpsc::unbounded_channel();
        let me = client.user_id().unwrap().to_owned();
        client.add_event_handler(move |ev: OriginalSyncRoomMessageEvent, room: Room| {
            let tx = tx.clone();
            let me = me.clone();
            async move {
                if ev.sender == me {
                    return;
                }
                if let MessageType::File(f) = &ev.content.msgtype {
                    let _ = tx.send(Notice {
                        room: room.room_id().to_owned(),
                        event: ev.event_id.to_string(),
                        replaces: None,
                        body: f.filename().to_owned(),
                        html: String::new(),
                        thread: None,
                        file: Some(f.clone()),
                        image: None,
                    });
                }
                if let MessageType::Image(i) = &ev.content.msgtype {
                    let _ = tx.send(Notice {
                        room: room.room_id().to_owned(),
                        event: ev.event_id.to_string(),
                        replaces: None,
                        body: i.body.clone(),
                        html: String::new(),
                        thread: None,
                        file: None,
                        image: Some(i.clone()),
                    });
                }
                if let MessageType::Notice(n) = &ev.content.msgtype {
                    let thread = match &ev.content.relates_to {
                        Some(Relation::Thread(t)) => Some(t.event_id.to_string()),
                        _ => None,
                    };
                    let replaces = match &ev.content.relates_to {
                        Some(Relation::Replacement(r)) => Some(r.event_id.to_string()),
                        _ => None,
                    };
                    let _ = tx.send(Notice {
                        room: room.room_id().to_owned(),
                        event: ev.event_id.to_string(),
                        replaces,
                        body: n.body.clone(),
                        html: n.formatted.as_ref().map(|f| f.body.clone()).unwrap_or_default(),
                        thread,
                        file: None,
                        image: None,
                    });
                }
            }
        });
        // Like a person tapping "accept", join the rooms one is invited to.
        let me_for_invites = client.user_id().unwrap().to_owned();
        client.add_event_handler(move |ev: StrippedRoomMemberEvent, room: Room| {
            let me = me_for_invites.clone();
            async move {
                if ev.state_key == me && ev.content.membership == MembershipState::Invite {
                    let _ = room.join().await;
                }
            }
        });
        let syncing = client.clone();
        let sync = tokio::spawn(async move {
            loop {
                if syncing.sync(SyncSettings::default().timeout(Duration::from_secs(5))).await.is_err() {
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
            }
        });
        Self { client, inbox, _dir: dir, sync }
    }

    pub(crate) fn user_id(&self) -> OwnedUserId {
        self.client.user_id().unwrap().to_owned()
    }

    /// A room with the bot (and others): direct when `direct`, encrypted when `encrypted`.
    /// Returns once the first invited (the bot) has joined.
    pub(crate) async fn room_with(&self, invite: &[&UserId], direct: bool, encrypted: bool) -> Room {
        let mut request = create_room::v3::Request::new();
        request.invite = invite.iter().map(|u| (*u).to_owned()).collect();
        request.is_direct = direct;
        if encrypted {
            let content = RoomEncryptionEventContent::with_recommended_defaults();
            request.initial_state =
                vec![InitialStateEvent::<RoomEncryptionEventContent>::new(EmptyStateKey, content).to_raw_any()];
        }
        let room = self.client.create_room(request).await.expect("room created");
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let joined = room.members_no_sync(matrix_sdk::RoomMemberships::JOIN).await.map_or(0, |m| m.len());
            if joined >= 2 {
                return room;
            }
            assert!(tokio::time::Instant::now() < deadline, "the invited did not join (joined: {joined})");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Sends a message, trying again while the homeserver is away (as a client app would).
    pub(crate) async fn say(&self, room: &Room, text: &str) -> OwnedEventId {
        self.send(room, RoomMessageEventContent::text_plain(text)).await
    }

    /// Writes in a thread under `root`.
    async fn say_in_thread(&self, room: &Room, root: &OwnedEventId, text: &str) -> OwnedEventId {
        let mut content = RoomMessageEventContent::text_plain(text);
        content.relates_to = Some(Relation::Thread(Thread::plain(root.clone(), root.clone())));
        self.send(room, content).await
    }

    pub(crate) async fn send(&self, room: &Room, content: RoomMessageEventContent) -> OwnedEventId {
        for attempt in 0..20 {
            match room.send(content.clone()).await {
                Ok(r) => return r.response.event_id,
                Err(e) if attempt < 19 => {
                    eprintln!("send failed ({e}); retrying");
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
                Err(e) => panic!("message not sent: {e}"),
            }
        }
        unreachable!("the last attempt returns or panics")
    }

    /// Joins a room this person was invited to, and waits until the room has `members`.
    pub(crate) async fn join(&self, room: &Room, members: usize) {
        self.client.join_room_by_id(room.room_id()).await.expect("joined");
        let deadline = tokio::time::Instant::now() + WAIT;
        while room.members_no_sync(matrix_sdk::RoomMemberships::JOIN).await.map_or(0, |m| m.len()) < members {
            assert!(tokio::time::Instant::now() < deadline, "the room never had {members} members");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The next notice, in any room.
    pub(crate) async fn next(&mut self) -> Notice {
        tokio::time::timeout(WAIT, self.inbox.recv()).await.expect("a reply in time").expect("inbox open")
    }

    /// Nothing more arrives for a while.
    pub(crate) async fn nothing_more(&mut self, wait: Duration) {
        if let Ok(Some(n)) = tokio::time::timeout(wait, self.inbox.recv()).await {
            panic!("unexpected extra message: {n:?}");
        }
    }
}

pub(crate) struct RunningBot {
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
    stats: Arc<vicinato::transport::matrix::sender::MatrixStats>,
}

impl RunningBot {
    pub(crate) async fn stop(self) {
        let _ = self.stop.send(true);
        self.task.await.expect("bot task").expect("bot stops cleanly");
    }
}

pub(crate) struct BotAccount {
    pub(crate) user: String,
    dir: tempfile::TempDir,
}

pub(crate) async fn bot_account(hs: &Synapse) -> BotAccount {
    let name = unique("vicinato");
    register_user(&hs.url, &name).await;
    BotAccount { user: hs.user_id(&name), dir: tempfile::tempdir().unwrap() }
}

pub(crate) async fn start_bot(hs: &Synapse, account: &BotAccount, engine: Arc<Engine>) -> RunningBot {
    start_bot_with(hs, account, engine, 100).await
}

async fn start_bot_with(hs: &Synapse, account: &BotAccount, engine: Arc<Engine>, timeline_limit: u32) -> RunningBot {
    connect_bot(hs, account, engine, timeline_limit).await.1
}

pub(crate) async fn connect_bot(
    hs: &Synapse,
    account: &BotAccount,
    engine: Arc<Engine>,
    timeline_limit: u32,
) -> (vicinato::transport::matrix::courier::MatrixCourier, RunningBot) {
    let _ = tracing_subscriber::fmt().with_env_filter("warn,vicinato=debug").with_test_writer().try_init();
    let mut options = MatrixOptions::new(
        "test",
        &hs.url,
        &account.user,
        Credentials::Password(Secret::new(PASSWORD.into())),
        account.dir.path().join("matrix"),
    );
    options.sync_timeout = Duration::from_secs(2);
    options.request_timeout = Duration::from_secs(10);
    options.timeline_limit = timeline_limit;
    let bot = MatrixBot::connect(engine, options).await.expect("bot connects");
    let courier = bot.courier();
    let stats = bot.stats();
    let (stop, rx) = watch::channel(false);
    let task = tokio::spawn(bot.run(rx));
    (courier, RunningBot { stop, task, stats })
}

pub(crate) async fn app() -> (Arc<Engine>, Arc<dyn vicinato::store::Store>, tempfile::TempDir) {
    let (store, dir) = sqlite_store().await;
    let (engine, _) = engine_on(store.clone(), saturday_morning()).await;
    (engine, store, dir)
}

#[tokio::test]
async fn onboarding_in_a_direct_chat_uses_numbered_choices_in_italian_and_english() {
    let Some(hs) = shared() else { return };
    let (engine, store, _db) = app().await;
    let account = bot_account(hs).await;
    let bot = start_bot(hs, &account, engine).await;
    let bot_id = UserId::parse(&account.user).unwrap();

    let mut maria = Resident::new(hs, &unique("maria")).await;
    let room = maria.room_with(&[&bot_id], true, false).await;
    maria.say(&room, "/start").await;
    let hello = maria.next().await;
    assert!(hello.body.contains("1. Italiano") && hello.body.contains("2. English"), "{}", hello.body);
    assert!(hello.html.contains("<ol>"), "{}", hello.html);
    maria.say(&room, "1").await;
    let ask = maria.next().await;
    assert!(ask.body.contains("In quale zona vivi?"), "{}", ask.body);
    maria.say(&room, "centocelle").await;
    let set = maria.next().await;
    assert!(set.body.contains("la tua zona è"), "{}", set.body);
    // A free-text search, then a numbered result opened.
    maria.say(&room, "/services aiuto alimentare").await;
    let results = maria.next().await;
    assert!(results.body.contains("1. "), "results come with numbered choices: {}", results.body);
    maria.say(&room, "1").await;
    let detail = maria.next().await;
    assert!(!detail.body.is_empty());

    let mut john = Resident::new(hs, &unique("john")).await;
    let room = john.room_with(&[&bot_id], true, false).await;
    john.say(&room, "/start").await;
    john.next().await;
    john.say(&room, "2").await;
    let ask = john.next().await;
    assert!(ask.body.contains("Which area do you live in?"), "{}", ask.body);

    let person = store
        .find_person(&vicinato::domain::Account::new(vicinato::domain::Network::Matrix, maria.user_id().to_string()))
        .await
        .unwrap()
        .expect("a person for the Matrix account");
    assert!(person.home.is_some());
    bot.stop().await;
}

#[tokio::test]
async fn an_encrypted_direct_chat_works_like_a_plain_one() {
    let Some(hs) = shared() else { return };
    let (engine, _store, _db) = app().await;
    let account = bot_account(hs).await;
    let bot = start_bot(hs, &account, engine).await;
    let bot_id = UserId::parse(&account.user).unwrap();
    let mut lia = Resident::new(hs, &unique("lia")).await;
    let room = lia.room_with(&[&bot_id], true, true).await;
    assert!(room.latest_encryption_state().await.unwrap().is_encrypted());
    lia.say(&room, "/start").await;
    let hello = lia.next().await;
    assert!(hello.body.contains("Italiano"), "{}", hello.body);
    lia.say(&room, "2").await;
    lia.next().await;
    lia.say(&room, "Ostia").await;
    let home = lia.next().await;
    assert!(home.body.contains("your area is Ostia"), "{}", home.body);
    lia.say(&room, "food bank in Ostia").await;
    let found = lia.next().await;
    assert!(found.body.contains("found") || found.body.contains("I found"), "{}", found.body);
    bot.stop().await;
}

/// A group room Ada made with the bot and Bob in it, the bot running.
struct Group {
    bot: RunningBot,
    bot_id: matrix_sdk::ruma::OwnedUserId,
    ada: Resident,
    _bob: Resident,
    room: Room,
    /// The bot's account, whose folder holds the bot's Matrix store: kept while the bot runs.
    account: BotAccount,
}

async fn group_with_the_bot(hs: &Synapse, engine: Arc<Engine>) -> Group {
    let account = bot_account(hs).await;
    let bot = start_bot(hs, &account, engine).await;
    let bot_id = UserId::parse(&account.user).unwrap();
    let ada = Resident::new(hs, &unique("ada")).await;
    let bob = Resident::new(hs, &unique("bob")).await;
    let room = ada.room_with(&[&bot_id, &bob.user_id()], false, false).await;
    bob.join(&room, 3).await;
    Group { bot, bot_id, ada, _bob: bob, room, account }
}

#[tokio::test]
async fn in_a_group_room_only_commands_and_mentions_are_answered_and_html_stays_text() {
    let Some(hs) = shared() else { return };
    let (engine, _store, _db) = app().await;
    let Group { bot, bot_id, mut ada, room, account: _account, .. } = group_with_the_bot(hs, engine).await;
    let chatter = ada.say(&room, "ciao a tutti, che bella giornata").await;
    ada.say(&room, "!services <b>mensa</b> & <script>x</script>").await;
    let reply = ada.next().await;
    assert_eq!(reply.room, room.room_id());
    assert!(!reply.html.contains("<script>") && !reply.html.contains("<b>mensa"), "{}", reply.html);
    let localpart = bot_id.localpart().to_owned();
    ada.say(&room, &format!("{localpart}: corso di italiano")).await;
    let second = ada.next().await;
    assert_eq!(second.room, room.room_id());
    assert_eq!(second.thread, None);
    // A question asked in a thread is answered in that thread.
    ada.say_in_thread(&room, &chatter, "!services corso di italiano").await;
    let threaded = ada.next().await;
    assert_eq!(threaded.thread.as_deref(), Some(chatter.as_str()), "{threaded:?}");
    // Help is personal: it comes in a direct chat the bot opens, not in the group.
    ada.say(&room, "!help").await;
    let help = ada.next().await;
    assert_ne!(help.room, room.room_id(), "help must not be posted in the group");
    assert!(help.body.contains("/services") || help.body.contains("servizi"), "{}", help.body);
    ada.nothing_more(Duration::from_secs(3)).await;
    bot.stop().await;
}

#[tokio::test]
async fn a_group_message_naming_the_bot_before_a_kelvin_sign_does_not_stop_the_bot() {
    let Some(hs) = shared() else { return };
    let (engine, store, _db) = app().await;
    let Group { bot, bot_id, mut ada, room, account: _account, .. } = group_with_the_bot(hs, engine).await;
    // The Kelvin sign (U+212A) is three bytes, its lowercase "k" one: stripping the name at an
    // offset of the lowercase text cut the sign in half and the bot stopped.
    ada.say(&room, "VICINATO \u{212A} corso di italiano").await;
    let first = ada.next().await;
    assert_eq!(first.room, room.room_id());
    let localpart = bot_id.localpart().to_owned();
    ada.say(&room, &format!("{localpart}: corso di italiano")).await;
    let second = ada.next().await;
    assert_eq!(second.room, room.room_id());
    assert!(store.dead_letters(10).await.unwrap().is_empty(), "nothing failed");
    bot.stop().await;
}

#[tokio::test]
async fn a_panic_while_handling_an_event_is_kept_as_a_dead_letter_and_the_next_message_is_answered() {
    use vicinato::conversation::Body;
    let Some(hs) = shared() else { return };
    let (engine, store, _db) = app().await;
    let account = bot_account(hs).await;
    let _ = tracing_subscriber::fmt().with_env_filter("warn,vicinato=debug").with_test_writer().try_init();
    let mut options = MatrixOptions::new(
        "test",
        &hs.url,
        &account.user,
        Credentials::Password(Secret::new(PASSWORD.into())),
        account.dir.path().join("matrix"),
    );
    options.sync_timeout = Duration::from_secs(2);
    options.request_timeout = Duration::from_secs(10);
    let bot = MatrixBot::connect(engine, options)
        .await
        .expect("bot connects")
        .fail_when(|inbound| matches!(&inbound.body, Body::Text(t) if t == "poison"));
    let stats = bot.stats();
    let (stop, rx) = watch::channel(false);
    let running = RunningBot { stop, task: tokio::spawn(bot.run(rx)), stats };
    let bot_id = UserId::parse(&account.user).unwrap();
    let mut ada = Resident::new(hs, &unique("ada")).await;
    let room = ada.room_with(&[&bot_id], true, false).await;
    let poison = ada.say(&room, "poison").await;
    let sorry = ada.next().await;
    assert!(sorry.body.contains("Qualcosa non ha funzionato"), "{}", sorry.body);
    ada.say(&room, "/start").await;
    let hello = ada.next().await;
    assert!(hello.body.contains("Italiano"), "{}", hello.body);
    let letters = store.dead_letters(10).await.unwrap();
    assert_eq!(letters.len(), 1, "{letters:?}");
    assert_eq!((letters[0].source.as_str(), letters[0].kind.as_str()), ("matrix:test", "event"));
    assert_eq!(letters[0].item, poison.to_string());
    assert!(!letters[0].error.contains("poison"), "the message text is never kept: {}", letters[0].error);
    running.stop().await;
}

#[tokio::test]
async fn a_restarted_bot_answers_what_arrived_meanwhile_once_and_nothing_twice() {
    let Some(hs) = shared() else { return };
    let (engine, _store, _db) = app().await;
    let account = bot_account(hs).await;
    let bot = start_bot(hs, &account, engine.clone()).await;
    let bot_id = UserId::parse(&account.user).unwrap();
    let mut gino = Resident::new(hs, &unique("gino")).await;
    let room = gino.room_with(&[&bot_id], true, false).await;
    gino.say(&room, "/help").await;
    gino.next().await;
    bot.stop().await;
    // More messages arrive while it is down than one sync carries (3 here): none is skipped.
    gino.say(&room, "/whoami").await;
    for _ in 0..6 {
        gino.say(&room, "/language").await;
    }
    let bot = start_bot_with(hs, &account, engine, 3).await;
    let who = gino.next().await;
    assert!(who.body.contains(gino.user_id().localpart()) || who.body.contains("gino"), "{}", who.body);
    for i in 0..6 {
        let r = gino.next().await;
        assert!(!r.body.contains("gino"), "reply {i} out of order: {}", r.body);
    }
    gino.nothing_more(Duration::from_secs(4)).await;
    // The session was restored, not a new device made.
    let devices = std::fs::read_to_string(account.dir.path().join("matrix/session.json")).unwrap();
    assert!(devices.contains("device_id"));
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_homeserver_that_goes_away_and_comes_back_loses_nothing() {
    let Some(mut hs) = Synapse::start() else { return };
    let (engine, _store, _db) = app().await;
    let account = bot_account(&hs).await;
    let bot = start_bot(&hs, &account, engine).await;
    let bot_id = UserId::parse(&account.user).unwrap();
    let mut rita = Resident::new(&hs, &unique("rita")).await;
    let room = rita.room_with(&[&bot_id], true, false).await;
    rita.say(&room, "/help").await;
    rita.next().await;
    // The homeserver goes away long enough for the bot to notice, then comes back.
    tokio::task::block_in_place(|| hs.stop());
    tokio::time::sleep(Duration::from_secs(4)).await;
    tokio::task::block_in_place(|| hs.start_again());
    rita.say(&room, "/whoami").await;
    let who = rita.next().await;
    assert!(!who.body.is_empty());
    rita.nothing_more(Duration::from_secs(3)).await;
    bot.stop().await;
}

#[tokio::test]
async fn a_reminder_reaches_a_person_in_their_direct_chat_and_a_number_answers_it() {
    use vicinato::courier::Courier;
    let Some(hs) = shared() else { return };
    let (engine, _store, _db) = app().await;
    let account = bot_account(hs).await;
    let (courier, bot) = connect_bot(hs, &account, engine, 100).await;
    let bot_id = UserId::parse(&account.user).unwrap();
    let mut pia = Resident::new(hs, &unique("pia")).await;
    let room = pia.room_with(&[&bot_id], true, false).await;
    pia.say(&room, "ciao").await;
    pia.next().await;
    let person = vicinato::domain::Account::new(vicinato::domain::Network::Matrix, pia.user_id().to_string());
    let reminder = vicinato::conversation::Reply::id("forget-confirm")
        .with_buttons(vec![vicinato::conversation::Button::msg(vicinato::i18n::Msg::new("button-forget-no"), "help")]);
    courier.deliver(&person, vicinato::domain::Lang::En, &reminder, None, chrono::Utc::now()).await.expect("queued");
    let got = pia.next().await;
    assert_eq!(got.room, room.room_id(), "it comes in the existing direct chat");
    assert!(got.body.contains("1. No, keep it"), "{}", got.body);
    pia.say(&room, "1").await;
    let answer = pia.next().await;
    assert!(
        answer.body.contains("/services") || answer.body.contains("servizi"),
        "the button pressed: {}",
        answer.body
    );
    bot.stop().await;
}

impl Resident {
    /// Waits for a notice whose body contains `needle`, skipping others (merged or split
    /// replies); returns it.
    pub(crate) async fn until(&mut self, needle: &str) -> Notice {
        let mut seen = Vec::new();
        loop {
            let n = tokio::time::timeout(WAIT, self.inbox.recv())
                .await
                .unwrap_or_else(|_| panic!("no notice with {needle:?}; saw {seen:#?}"))
                .expect("inbox open");
            if n.body.contains(needle) {
                return n;
            }
            seen.push(n.body);
        }
    }
}

#[tokio::test]
async fn an_initiative_is_proposed_in_a_direct_chat_and_its_author_hears_of_supports_there() {
    use vicinato::domain::{Account, Lang, Network, Role, RoleGrant, TerritoryId};
    let Some(hs) = shared() else { return };
    let (engine, store, _db) = app().await;
    let account = bot_account(hs).await;
    let (courier, bot) = connect_bot(hs, &account, engine.clone(), 100).await;
    let mut couriers = vicinato::courier::Couriers::default();
    couriers.add(Arc::new(courier));
    engine.set_couriers(couriers);
    let bot_id = UserId::parse(&account.user).unwrap();
    let mut pia = Resident::new(hs, &unique("pia")).await;
    let room = pia.room_with(&[&bot_id], true, false).await;
    pia.say(&room, "/proponi Orto <condiviso>").await;
    let ask = pia.until("cosa vuoi fare").await;
    assert!(ask.html.contains("Orto &lt;condiviso&gt;"), "{}", ask.html);
    pia.say(&room, "Un orto nel cortile della scuola, aperto a tutti.").await;
    pia.until("Per quale zona").await;
    pia.say(&room, "Centocelle").await;
    let themes = pia.until("Quale tema").await;
    assert!(themes.body.contains("3. Ambiente e verde"), "{}", themes.body);
    pia.say(&room, "3").await;
    pia.until("Quando si svolgerà").await;
    pia.say(&room, "1").await; // Skip
    let place = pia.until("Dove?").await;
    assert!(place.body.contains("2. Salta"), "{}", place.body);
    pia.say(&room, "2").await;
    pia.until("Quante persone").await;
    pia.say(&room, "1").await;
    pia.until("Cosa serve").await;
    pia.say(&room, "1").await;
    let summary = pia.until("La tua proposta").await;
    assert!(summary.body.contains("1. Invia"), "{}", summary.body);
    pia.say(&room, "1").await;
    pia.until("è inviata").await;

    // Staff publish from another network; a neighbour supports; Pia hears both here.
    let found = store
        .initiatives(&vicinato::domain::initiative::InitiativeQuery {
            statuses: vec![vicinato::domain::initiative::Status::Submitted],
            limit: 5,
            ..Default::default()
        })
        .await
        .unwrap();
    let id = found[0].id;
    let bea =
        store.person_for_account(&Account::new(Network::Console, "bea"), "bea", saturday_morning()).await.unwrap();
    let grant = RoleGrant { role: Role::Staff, territory: Some(TerritoryId::new("roma-m05")) };
    store.grant_role(bea.id, &grant, saturday_morning()).await.unwrap();
    let r = talk(&engine, "bea", Some(Lang::It), &[&format!(r#"{{"button": "ipub:{id}"}}"#)]).await;
    assert!(text(&r[0]).contains("è pubblicata"), "{}", text(&r[0]));
    let published = pia.until("raccoglie sostegni").await;
    assert_eq!(published.room, room.room_id(), "in her direct chat");
    talk(&engine, "carl", Some(Lang::It), &[&format!(r#"{{"button": "isupa:{id}"}}"#)]).await;
    let milestone = pia.until("1 sostegno su").await;
    assert!(milestone.html.contains("Orto &lt;condiviso&gt;"), "{}", milestone.html);
    assert!(milestone.body.contains("1. Apri"), "the note opens the initiative by number: {}", milestone.body);
    pia.say(&room, "1").await;
    let card = pia.until("Stato:").await;
    assert!(card.body.contains("1 sostegno su"), "{}", card.body);
    bot.stop().await;
}

#[tokio::test]
async fn a_booking_confirmed_on_matrix_comes_with_its_calendar_as_a_file_in_the_direct_chat() {
    let Some(hs) = shared() else { return };
    let (engine, _store, _db) = app().await;
    let account = bot_account(hs).await;
    let bot = start_bot(hs, &account, engine).await;
    let bot_id = UserId::parse(&account.user).unwrap();
    let mut ida = Resident::new(hs, &unique("ida")).await;
    let room = ida.room_with(&[&bot_id], true, false).await;
    ida.say(&room, "vorrei la saletta martedì dalle 10 alle 12 per 4 persone").await;
    ida.until("Per cosa ti serve").await;
    ida.say(&room, "corso di cucito").await;
    ida.until("Ricapitolo").await;
    ida.say(&room, "1").await;
    ida.until("Prenotato: Saletta riunioni").await;
    let file = ida.until("booking-1.ics").await;
    assert_eq!(file.room, room.room_id());
    let content = file.file.expect("an m.file");
    assert_eq!(content.info.as_ref().and_then(|i| i.mimetype.as_deref()), Some("text/calendar"));
    let bytes = ida.client.media().get_file(&content, false).await.unwrap().expect("the file downloads");
    let ics = String::from_utf8(bytes).unwrap();
    assert!(ics.contains("SUMMARY:Saletta riunioni – corso di cucito\r\n"), "{ics}");
    bot.stop().await;
}

#[tokio::test]
async fn serve_wires_one_courier_per_bot_on_every_network_and_every_job_kind_the_conversation_layer_declares() {
    use crate::app::{config_in, declared_job_kinds, profile};
    use vicinato::domain::Network;
    use vicinato_testkit::telegram::TestServer;
    let Some(hs) = shared() else { return };
    let _ = tracing_subscriber::fmt().with_env_filter("warn,vicinato=debug").with_test_writer().try_init();
    let first = TestServer::start("1:FIRST-token").await.unwrap();
    let second = TestServer::start("2:SECOND-token").await.unwrap();
    let account = bot_account(hs).await;
    let dir = tempfile::tempdir().unwrap();
    // Alpha is on Telegram and Matrix, beta on Telegram only.
    let bots = vec![
        profile(dir.path(), "alpha", "it", Some(&first.url), Some(&hs.url)),
        profile(dir.path(), "beta", "en", Some(&second.url), None),
    ];
    let user = account.user.clone();
    let plan = vicinato::serve::plan(&bots, |k| match k {
        "ALPHA_TOKEN" => Some("1:FIRST-token".into()),
        "BETA_TOKEN" => Some("2:SECOND-token".into()),
        "ALPHA_MATRIX_USER" => Some(user.clone()),
        "ALPHA_MATRIX_PASSWORD" => Some(PASSWORD.into()),
        _ => None,
    });
    assert!(plan.skipped.is_empty(), "{:?}", plan.skipped);
    let (stop, rx) = watch::channel(false);
    let running = vicinato::serve::start(&config_in(dir.path()), &bots, plan, rx).await.expect("every bot starts");
    let mut channels = running.couriers.channels();
    channels.sort_by(|a, b| a.1.cmp(&b.1));
    assert_eq!(
        channels,
        [
            (Network::Matrix, "matrix:alpha".to_owned()),
            (Network::Telegram, "telegram:alpha".to_owned()),
            (Network::Telegram, "telegram:beta".to_owned()),
        ]
    );
    assert_eq!(running.job_kinds, declared_job_kinds());
    stop.send(true).unwrap();
    tokio::time::timeout(WAIT, running.wait()).await.expect("serve stops").expect("cleanly");
}

#[tokio::test]
async fn stats_from_staff_on_matrix_come_with_the_chart_as_an_image_that_downloads() {
    use vicinato::domain::{Account, Network, Role, RoleGrant, TerritoryId};
    let Some(hs) = shared() else { return };
    let (engine, store, _db) = app().await;
    let account = bot_account(hs).await;
    let bot = start_bot(hs, &account, engine).await;
    let bot_id = UserId::parse(&account.user).unwrap();
    let mut eda = Resident::new(hs, &unique("eda")).await;
    let room = eda.room_with(&[&bot_id], true, false).await;
    let person = store
        .person_for_account(&Account::new(Network::Matrix, eda.user_id().as_str()), "eda", saturday_morning())
        .await
        .unwrap();
    let grant = RoleGrant { role: Role::Staff, territory: Some(TerritoryId::new("roma-m05")) };
    store.grant_role(person.id, &grant, saturday_morning()).await.unwrap();
    eda.say(&room, "/stats").await;
    let chart = eda.until("Grafico della partecipazione a ").await;
    assert_eq!(chart.room, room.room_id());
    assert!(chart.body.contains("0 iniziative proposte, 0 sostegni"), "{}", chart.body);
    let image = chart.image.expect("an m.image");
    assert_eq!(image.filename(), "participation-roma-m05-2026-11.png");
    let info = image.info.as_ref().expect("its size is given");
    assert_eq!(info.mimetype.as_deref(), Some("image/png"));
    assert_eq!((info.width.map(u64::from), info.height.map(u64::from)), (Some(900), Some(520)));
    let bytes = eda.client.media().get_file(&image, false).await.unwrap().expect("the image downloads");
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    bot.stop().await;
}

#[tokio::test]
async fn serve_counts_the_matrix_messages_in_and_out_of_each_bot_in_its_metrics() {
    use crate::app::{config_in, profile};
    use crate::ops::{get, value};
    let Some(hs) = shared() else { return };
    let account = bot_account(hs).await;
    let dir = tempfile::tempdir().unwrap();
    // A bot key of its own: the registry is the process's, shared with other tests.
    let bots = vec![profile(dir.path(), "mxmetrics", "it", None, Some(&hs.url))];
    let user = account.user.clone();
    let plan = vicinato::serve::plan(&bots, |k| match k {
        "MXMETRICS_MATRIX_USER" => Some(user.clone()),
        "MXMETRICS_MATRIX_PASSWORD" => Some(PASSWORD.into()),
        _ => None,
    });
    let (stop, rx) = watch::channel(false);
    let running = vicinato::serve::start(&config_in(dir.path()), &bots, plan, rx).await.expect("the bot starts");
    let addr = running.listening.expect("the endpoint listens");
    let labels = "{network=\"matrix\",bot=\"mxmetrics\"}";
    let (_, before) = get(addr, "/metrics").await;
    assert_eq!(value(&before, &format!("vicinato_bot_connected{labels}")), 1.0, "{before}");

    let bot_id = UserId::parse(&account.user).unwrap();
    let mut ada = Resident::new(hs, &unique("ada")).await;
    let room = ada.room_with(&[&bot_id], true, false).await;
    ada.say(&room, "/start").await;
    let hello = ada.next().await;
    assert!(hello.body.contains("1. Italiano"), "{}", hello.body);
    // The sender counts a message once the homeserver has taken it: wait for that count.
    let sent = format!("vicinato_messages_sent_total{labels}");
    let mut after = String::new();
    for _ in 0..100 {
        after = get(addr, "/metrics").await.1;
        if value(&after, &sent) > value(&before, &sent) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let moved =
        |series: &str| value(&after, &format!("{series}{labels}")) - value(&before, &format!("{series}{labels}"));
    assert_eq!(moved("vicinato_messages_received_total"), 1.0, "{after}");
    assert!(moved("vicinato_messages_sent_total") >= 1.0, "{after}");
    assert_eq!(moved("vicinato_reply_seconds_count"), 1.0, "{after}");
    assert!(!after.contains(PASSWORD) && !after.contains("/start"), "no secret and no text in metrics");
    stop.send(true).unwrap();
    tokio::time::timeout(WAIT, running.wait()).await.expect("serve stops").expect("cleanly");
}

/// Residents of Centocelle on Matrix, each in a direct chat with the bot they opened and wrote
/// in (so the bot knows them), reading Italian.
async fn matrix_residents(
    hs: &Synapse,
    store: &dyn vicinato::store::Store,
    bot_id: &UserId,
    names: &[&str],
) -> Vec<(Resident, vicinato::domain::Person)> {
    use vicinato::domain::{Account, Lang, Network, TerritoryId};
    let mut out = Vec::new();
    for name in names {
        let mut r = Resident::new(hs, &unique(name)).await;
        let room = r.room_with(&[bot_id], true, false).await;
        r.say(&room, "ciao").await;
        r.next().await;
        let account = Account::new(Network::Matrix, r.user_id().to_string());
        let mut p = store.find_person(&account).await.unwrap().expect("a person for the resident");
        p.home = Some(TerritoryId::new("centocelle"));
        p.language = Some(Lang::It);
        store.save_profile(&p).await.unwrap();
        out.push((r, p));
    }
    out
}

/// An app on SQLite at Saturday morning with a Matrix bot of its own on `hs`, running, its
/// courier added (announcement copies go through it). Bind every field: the folder and the
/// clock must live as long as the test.
pub(crate) struct MatrixApp {
    app: vicinato::app::App,
    store: Arc<dyn vicinato::store::Store>,
    account: BotAccount,
    bot: RunningBot,
    _db: tempfile::TempDir,
    _clock: Arc<vicinato::clock::ManualClock>,
}

async fn app_with_matrix_bot(hs: &Synapse) -> MatrixApp {
    let (store, _db) = sqlite_store().await;
    let (mut app, _clock) = spawn_app(store.clone(), saturday_morning(), Options::default()).await;
    let account = bot_account(hs).await;
    let (courier, bot) = connect_bot(hs, &account, app.engine.clone(), 100).await;
    app.add_courier(Arc::new(courier));
    MatrixApp { app, store, account, bot, _db, _clock }
}

/// Waits until every copy of an announcement is settled.
async fn copies_settled(
    store: &dyn vicinato::store::Store,
    id: vicinato::domain::AnnouncementId,
) -> Vec<vicinato::domain::Recipient> {
    let deadline = tokio::time::Instant::now() + WAIT * 2;
    loop {
        let all = store.recipients(id, None, 1_000).await.unwrap();
        if all.iter().all(|c| c.state.is_final()) {
            return all;
        }
        assert!(tokio::time::Instant::now() < deadline, "copies never settled: {all:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_matrix_copy_is_recorded_with_its_event_id_and_a_correction_replaces_that_event() {
    use vicinato::core::announcements::{By, correct, status};
    use vicinato::domain::{AnnouncementTexts, CopyState, TerritoryTree};
    let Some(hs) = shared() else { return };
    let now = saturday_morning();
    let MatrixApp { app, store, account, bot, _db, _clock } = app_with_matrix_bot(hs).await;
    let bot_id = UserId::parse(&account.user).unwrap();
    let mut people = matrix_residents(hs, store.as_ref(), &bot_id, &["nina", "olga"]).await;

    let id = announce_to_centocelle(&app, "Festa in piazza alle 17").await;
    let mut originals = Vec::new();
    for (resident, _) in &mut people {
        let copy = resident.until("Festa in piazza alle 17").await;
        assert!(copy.replaces.is_none());
        originals.push((copy.event, copy.room));
    }
    let all = copies_settled(store.as_ref(), id).await;
    for ((_, person), (event, room)) in people.iter().zip(&originals) {
        let copy = all.iter().find(|c| c.person == person.id).unwrap();
        assert_eq!(copy.state, CopyState::Sent);
        assert_eq!(copy.message_id.as_ref(), Some(event), "the event id the homeserver gave is kept");
        assert_eq!(copy.room.as_deref(), Some(room.as_str()), "and the room it was sent in, where its edit goes");
    }

    let tree = TerritoryTree::new(store.territories().await.unwrap()).unwrap();
    let texts = AnnouncementTexts { it: "Festa in piazza alle 18".into(), en: None };
    let done = correct::correct(By::Operator, id, texts, store.as_ref(), &tree, now).await.unwrap().unwrap();
    assert_eq!((done.correction, done.sent), (1, 2));
    let ran = app.scheduler.run_due(now).await.unwrap();
    assert_eq!((ran.ran, ran.failed), (1, 0), "the correction's job");
    for ((resident, _), (original, room)) in people.iter_mut().zip(&originals) {
        let edit = resident.until("Festa in piazza alle 18").await;
        assert_eq!(edit.replaces.as_ref(), Some(original), "the edit relates to the copy it corrects");
        assert_eq!(&edit.room, room, "in the same direct chat");
    }
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let s = status::status(By::Operator, id, store.as_ref(), &tree).await.unwrap().unwrap();
        if s.edit_count(1, "sent") == 2 {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "edits never recorded: {:?}", s.edits);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    for (resident, _) in &mut people {
        resident.nothing_more(Duration::from_secs(2)).await;
    }
    bot.stop().await;
}

#[tokio::test]
async fn residents_who_invited_the_bot_at_the_same_moment_each_get_the_announcement_in_the_chat_they_opened() {
    use vicinato::domain::{Account, CopyState, Lang, Network, TerritoryId};
    let Some(hs) = shared() else { return };
    let now = saturday_morning();
    let MatrixApp { app, store, account, bot, _db, _clock } = app_with_matrix_bot(hs).await;
    // Twelve residents open a direct chat with the bot at once; none of them writes in it.
    let bot_user = account.user.as_str();
    let opened = futures::future::join_all((0..12).map(|i| async move {
        let name = unique(&format!("invites{i}x"));
        let token = hs.register(&name, PASSWORD).await.unwrap();
        let room = hs.open_direct_chat(&token, bot_user).await.unwrap();
        (hs.user_id(&name), token, room)
    }))
    .await;
    let deadline = tokio::time::Instant::now() + WAIT;
    for (user, token, room) in &opened {
        while !hs.joined_members(token, room).await.unwrap().iter().any(|m| m == bot_user) {
            assert!(tokio::time::Instant::now() < deadline, "the bot never joined {room}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let mut p = store.person_for_account(&Account::new(Network::Matrix, user.clone()), "x", now).await.unwrap();
        p.home = Some(TerritoryId::new("centocelle"));
        p.language = Some(Lang::It);
        store.save_profile(&p).await.unwrap();
    }
    // The bot's next sync brings the rooms it joined into its own state.
    tokio::time::sleep(Duration::from_secs(3)).await;

    let id = announce_to_centocelle(&app, "Mercato rionale domenica").await;
    let all = copies_settled(store.as_ref(), id).await;
    for (user, token, room) in &opened {
        let copy = all.iter().find(|c| &c.chat == user).expect("a copy for every resident");
        assert_eq!(copy.state, CopyState::Sent, "{copy:?}");
        assert_eq!(copy.room.as_deref(), Some(room.as_str()), "{user} reads it in the chat they opened, not a new one");
        let got = hs.messages_from(token, room, bot_user, 20).await.unwrap();
        assert_eq!(got.iter().filter(|b| b.contains("Mercato rionale domenica")).count(), 1, "{got:?}");
    }
    bot.stop().await;
}

#[tokio::test]
async fn under_a_low_rate_limit_every_matrix_copy_arrives_once_after_the_homeserver_asked_to_wait() {
    use vicinato::domain::CopyState;
    // Three messages at once, then one a second: six copies at once must meet the limit.
    let Some(hs) = Synapse::start_with_message_rate(1.0, 3) else { return };
    let MatrixApp { app, store, account, bot: running, _db, _clock } = app_with_matrix_bot(&hs).await;
    let stats = running.stats.clone();
    let bot_id = UserId::parse(&account.user).unwrap();
    let names = ["ida", "lea", "max", "noa", "ora", "pio"];
    let mut people = matrix_residents(&hs, store.as_ref(), &bot_id, &names).await;
    let limited_before = vicinato::transport::matrix::sender::MatrixStats::get(&stats.rate_limited);

    let id = announce_to_centocelle(&app, "Acqua sospesa domani").await;
    for (resident, _) in &mut people {
        let copy = resident.until("Acqua sospesa domani").await;
        assert!(copy.replaces.is_none());
    }
    let all = copies_settled(store.as_ref(), id).await;
    assert!(all.iter().all(|c| c.state == CopyState::Sent && c.message_id.is_some()), "{all:?}");
    let limited = vicinato::transport::matrix::sender::MatrixStats::get(&stats.rate_limited) - limited_before;
    assert!(limited >= 1, "the homeserver asked to wait at least once");
    for (resident, _) in &mut people {
        resident.nothing_more(Duration::from_secs(2)).await;
    }
    running.stop().await;
}

#[tokio::test]
async fn an_announcement_to_the_territorys_rooms_reaches_a_linked_matrix_room_once_and_its_correction_replaces_it_there()
 {
    use vicinato::core::announcements::{By, compose, correct};
    use vicinato::domain::rooms::{ModEntry, Room, RoomPurpose};
    use vicinato::domain::{
        Account, AnnouncementTexts, Audience, CopyState, EditState, Network, RoomsTarget, TerritoryId, TerritoryTree,
        Who,
    };
    let Some(hs) = shared() else { return };
    let now = saturday_morning();
    let MatrixApp { app, store, account, bot, _db, _clock } = app_with_matrix_bot(hs).await;
    let bot_id = UserId::parse(&account.user).unwrap();
    let ada = Resident::new(hs, &unique("ada")).await;
    let mut bob = Resident::new(hs, &unique("bob")).await;
    let general = ada.room_with(&[&bot_id, &bob.user_id()], false, false).await;
    bob.join(&general, 3).await;
    let moderators = ada.room_with(&[&bot_id, &bob.user_id()], false, false).await;
    bob.join(&moderators, 3).await;
    let linker =
        store.person_for_account(&Account::new(Network::Matrix, ada.user_id().to_string()), "x", now).await.unwrap();
    for (room, purpose) in [(&general, RoomPurpose::General), (&moderators, RoomPurpose::Moderators)] {
        let chat = room.room_id().to_string();
        let linked = Room {
            network: Network::Matrix,
            chat_id: chat.clone(),
            territory: TerritoryId::new("centocelle"),
            purpose,
            linked_by: linker.id,
            linked_at: now,
        };
        let entry = ModEntry {
            at: now,
            actor: Some(linker.id),
            subject: None,
            action: "link".into(),
            reason: String::new(),
            territory: TerritoryId::new("centocelle"),
            network: Some(Network::Matrix),
            chat: Some(chat),
            until: None,
        };
        store.room_link(&linked, &entry).await.unwrap();
    }
    let tree = TerritoryTree::new(store.territories().await.unwrap()).unwrap();
    let draft = compose::Draft {
        texts: AnnouncementTexts { it: "Pulizia del parco sabato".into(), en: None },
        audience: Audience {
            territory: Some(TerritoryId::new("centocelle")),
            who: Who::Home,
            rooms: RoomsTarget::Only,
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
    let copy = bob.until("Pulizia del parco sabato").await;
    assert_eq!(copy.room, general.room_id(), "in the general room, never the moderators'");
    let deadline = tokio::time::Instant::now() + WAIT;
    let sent = loop {
        let rooms = store.room_copies(a.id, None, 10).await.unwrap();
        if rooms.iter().all(|c| c.state.is_final()) {
            break rooms;
        }
        assert!(tokio::time::Instant::now() < deadline, "the room copy never settled: {rooms:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!((sent[0].state.clone(), sent[0].message_id.as_ref()), (CopyState::Sent, Some(&copy.event)));

    let texts = AnnouncementTexts { it: "Pulizia del parco domenica".into(), en: None };
    let done = correct::correct(By::Operator, a.id, texts, store.as_ref(), &tree, now).await.unwrap().unwrap();
    assert_eq!(done.sent, 1);
    app.scheduler.run_due(now).await.unwrap();
    let edit = bob.until("Pulizia del parco domenica").await;
    assert_eq!(edit.replaces.as_ref(), Some(&copy.event), "an m.replace of the room's copy");
    assert_eq!(edit.room, general.room_id(), "in the room itself");
    let deadline = tokio::time::Instant::now() + WAIT;
    while store.room_copies(a.id, None, 10).await.unwrap()[0].edit != Some((1, EditState::Sent)) {
        assert!(tokio::time::Instant::now() < deadline, "the edit was never recorded");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    bob.nothing_more(Duration::from_secs(2)).await;
    bot.stop().await;
}
