//! Rooms and moderation on Matrix (issue 12): the real transport against a real Synapse, with
//! second clients as the staff member, the moderator and the members. Linking checks the bot's
//! power levels and names the missing ones; a Space links its rooms; moderators mute, ban,
//! kick and delete by replying to a member's message; a timed mute ends with the manual clock;
//! bans are published in the territory's policy room; residents join by conversation and are
//! invited; one sanction holds on Telegram and Matrix at once.

use crate::matrix::{BotAccount, Resident, RunningBot, WAIT, bot_account, connect_bot, shared, unique};
use crate::support::*;
use crate::synapse::Synapse;
use matrix_sdk::Room;
use matrix_sdk::ruma::api::client::room::create_room;
use matrix_sdk::ruma::api::client::state::get_state_event_for_key;
use matrix_sdk::ruma::events::StateEventType;
use matrix_sdk::ruma::events::room::message::{AddMentions, ForwardThread, ReplyMetadata, RoomMessageEventContent};
use matrix_sdk::ruma::serde::Raw;
use matrix_sdk::ruma::{OwnedEventId, OwnedUserId, RoomId, UserId};
use serde_json::{Value, json};
use std::sync::Arc;
use vicinato::clock::Clock;
use vicinato::courier::Couriers;
use vicinato::domain::{Account, Network, Role, RoleGrant, TerritoryId};
use vicinato::store::Store;

/// The app with the Matrix bot running and its courier in the engine.
struct World {
    app: vicinato::app::App,
    clock: Arc<vicinato::clock::ManualClock>,
    store: Arc<dyn Store>,
    bot: RunningBot,
    account: BotAccount,
    _db: tempfile::TempDir,
}

impl World {
    async fn start(hs: &Synapse) -> World {
        let (store, db) = sqlite_store().await;
        let (app, clock) = spawn_app(store.clone(), saturday_morning(), Options::default()).await;
        let account = bot_account(hs).await;
        let (courier, bot) = connect_bot(hs, &account, app.engine.clone(), 100).await;
        let mut couriers = Couriers::default();
        couriers.add(Arc::new(courier));
        app.engine.set_couriers(couriers);
        World { app, clock, store, bot, account, _db: db }
    }

    fn bot_id(&self) -> matrix_sdk::ruma::OwnedUserId {
        UserId::parse(&self.account.user).unwrap()
    }

    async fn grant(&self, who: &Resident, role: Role, territory: &str) {
        grant(&self.store, who, role, territory, self.clock.now()).await;
    }
}

async fn grant(
    store: &Arc<dyn Store>,
    who: &Resident,
    role: Role,
    territory: &str,
    now: chrono::DateTime<chrono::Utc>,
) {
    let account = Account::new(Network::Matrix, who.user_id().as_str());
    let p = store.person_for_account(&account, who.user_id().localpart(), now).await.unwrap();
    store.grant_role(p.id, &RoleGrant { role, territory: Some(TerritoryId::new(territory)) }, now).await.unwrap();
}

/// A room `owner` makes with these invited; the bot (when `bot` is given) at power level 100.
/// A Space when `children` is given (possibly empty), naming them as its rooms. Returns once
/// every invited has joined.
async fn room_by(
    owner: &Resident,
    invite: &[&UserId],
    bot: Option<&UserId>,
    children: Option<&[&RoomId]>,
    server: &str,
) -> Room {
    let mut request = create_room::v3::Request::new();
    request.invite = invite.iter().map(|u| (*u).to_owned()).collect();
    request.preset = Some(create_room::v3::RoomPreset::PrivateChat);
    let mut users = json!({ owner.user_id().as_str(): 100 });
    if let Some(bot) = bot {
        users[bot.as_str()] = json!(100);
    }
    request.power_level_content_override = Some(Raw::from_json_string(json!({ "users": users }).to_string()).unwrap());
    if let Some(children) = children {
        request.creation_content = Some(Raw::from_json_string(json!({ "type": "m.space" }).to_string()).unwrap());
        for child in children {
            let event = json!({ "type": "m.space.child", "state_key": child.as_str(), "content": { "via": [server] } });
            request.initial_state.push(Raw::from_json_string(event.to_string()).unwrap());
        }
    }
    let room = owner.client.create_room(request).await.expect("room created");
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let joined = room.members_no_sync(matrix_sdk::RoomMemberships::JOIN).await.map_or(0, |m| m.len());
        if joined > invite.len() {
            return room;
        }
        assert!(tokio::time::Instant::now() < deadline, "the invited did not join (joined: {joined})");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// A state event's content as the homeserver has it, read by `who`.
async fn state(who: &Resident, room: &RoomId, kind: &str, key: &str) -> Option<Value> {
    let request = get_state_event_for_key::v3::Request::new(room.to_owned(), StateEventType::from(kind), key.into());
    match who.client.send(request).await {
        Ok(r) => Some(serde_json::from_str(r.event_or_content.get()).unwrap()),
        Err(_) => None,
    }
}

/// Waits until a state event's content, as `who` reads it, satisfies `ok`; returns it.
async fn state_until(who: &Resident, room: &RoomId, kind: &str, key: &str, ok: impl Fn(&Value) -> bool) -> Value {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let now = state(who, room, kind, key).await.unwrap_or(Value::Null);
        if ok(&now) {
            return now;
        }
        assert!(tokio::time::Instant::now() < deadline, "{kind}/{key} in {room} never became as expected: {now}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

fn membership(v: &Value) -> &str {
    v["membership"].as_str().unwrap_or("")
}

/// `who` answers `event` in `room` with `text` (a rich reply, `m.in_reply_to`).
async fn reply_to(who: &Resident, room: &Room, event: &OwnedEventId, text: &str) -> OwnedEventId {
    let room = own(who, room);
    let original = room.event(event, None).await.expect("the message replied to");
    // Only who wrote it: a redacted message has no content left.
    let sender: OwnedUserId = original.raw().get_field("sender").expect("an event").expect("with a sender");
    let content = RoomMessageEventContent::text_plain(text).make_reply_to(
        ReplyMetadata::new(event, &sender, None),
        ForwardThread::Yes,
        AddMentions::No,
    );
    who.send(&room, content).await
}

/// `who`'s own handle on a room they are in (a room handle sends as its client's user).
fn own(who: &Resident, room: &Room) -> Room {
    who.client.get_room(room.room_id()).expect("a room this person is in")
}

/// The group of Centocelle on Matrix: Ada (staff of Municipio V) made it with the bot at power
/// level 100 and Bob in it, and linked it.
async fn centocelle(hs: &Synapse, w: &World) -> (Resident, Resident, Room) {
    let mut ada = Resident::new(hs, &unique("ada")).await;
    let bob = Resident::new(hs, &unique("bob")).await;
    w.grant(&ada, Role::Staff, "roma-m05").await;
    let bot = w.bot_id();
    let room = room_by(&ada, &[&bot, &bob.user_id()], Some(&*bot), None, &hs.server_name).await;
    ada.say(&room, "!room link centocelle").await;
    ada.until("collegato a Centocelle").await;
    (ada, bob, room)
}

#[tokio::test]
async fn a_matrix_room_is_linked_once_the_bot_has_its_power_levels_and_a_space_links_its_rooms() {
    use matrix_sdk::ruma::int;
    let Some(hs) = shared() else { return };
    let w = World::start(hs).await;
    let bot = w.bot_id();
    let mut ada = Resident::new(hs, &unique("ada")).await;
    let bob = Resident::new(hs, &unique("bob")).await;
    let eva = Resident::new(hs, &unique("eva")).await;
    w.grant(&ada, Role::Staff, "roma-m05").await;
    // The bot joins at power level 0: it names every level it lacks, and links nothing.
    let room = room_by(&ada, &[&bot, &bob.user_id()], None, None, &hs.server_name).await;
    ada.say(&room, "!room link centocelle").await;
    let lacking = ada.until("mi mancano").await;
    for right in ["kick ≥ 50", "ban ≥ 50", "redact ≥ 50", "m.room.power_levels ≥ 100"] {
        assert!(lacking.body.contains(right), "{right} missing from {}", lacking.body);
    }
    assert!(w.store.room(Network::Matrix, room.room_id().as_str()).await.unwrap().is_none());
    // Someone without a role in the area may not link it, whatever the bot's rights.
    room.update_power_levels(vec![(&*bot, int!(100))]).await.expect("Ada raises the bot");
    eva.join_as_invited(&ada, &room, 4).await;
    eva.say(&own(&eva, &room), "/room link centocelle").await;
    ada.until("Non hai il permesso").await;
    ada.say(&room, "/room link centocelle").await;
    let linked = ada.until("collegato a Centocelle").await;
    assert_eq!(linked.room, room.room_id());
    ada.say(&room, "!rooms").await;
    let listed = ada.until("Centocelle ha").await;
    assert!(listed.body.contains("generale su matrix"), "{}", listed.body);
    ada.say(&room, "!room unlink").await;
    ada.until("non è più collegato").await;
    assert!(w.store.room(Network::Matrix, room.room_id().as_str()).await.unwrap().is_none());

    // A Space with one room: linking the Space links its room too.
    let inner = room_by(&ada, &[&bot], Some(&*bot), None, &hs.server_name).await;
    let space = room_by(&ada, &[&bot], Some(&*bot), Some(&[inner.room_id()][..]), &hs.server_name).await;
    ada.say(&space, "!room link centocelle annunci").await;
    let both = ada.until("collegato a Centocelle come gruppo annunci").await;
    assert!(both.body.contains("Ho collegato anche la stanza che contiene"), "{}", both.body);
    let child = w.store.room(Network::Matrix, inner.room_id().as_str()).await.unwrap().expect("the Space's room");
    assert_eq!(child.territory.as_str(), "centocelle");
    ada.say(&space, "!room unlink").await;
    ada.until("non è più collegato").await;
    assert!(w.store.room(Network::Matrix, inner.room_id().as_str()).await.unwrap().is_none(), "unlinked with it");
    w.bot.stop().await;
}

impl Resident {
    /// Joins a room `owner` invites this person to, and waits until it has `members`.
    async fn join_as_invited(&self, owner: &Resident, room: &Room, members: usize) {
        room.invite_user_by_id(&self.user_id()).await.expect("invited");
        let _ = owner;
        self.join(room, members).await;
    }
}

#[tokio::test]
async fn moderators_mute_delete_kick_and_ban_on_matrix_by_replying_and_bans_go_to_the_policy_room() {
    let Some(hs) = shared() else { return };
    let w = World::start(hs).await;
    let (mut ada, mut bob, room) = centocelle(hs, &w).await;
    let bob_id = bob.user_id().to_string();
    let linking = ada.say(&room, "ciao a tutti").await;
    let said = bob.say(&own(&bob, &room), "compra qui!!!").await;
    // Bob may not sanction anyone: refused, nothing done.
    reply_to(&bob, &room, &linking, "!ban").await;
    assert!(ada.until("Non hai il permesso").await.room == room.room_id());
    // A mute is a power level below events_default, until the clock ends it.
    reply_to(&ada, &room, &said, "!mute 2h <b>spam</b> & co").await;
    let muted = ada.until("non può scrivere nei gruppi della zona fino al 28/11/2026 12:00").await;
    assert!(muted.html.contains("&lt;b&gt;spam&lt;/b&gt; &amp; co"), "{}", muted.html);
    let levels = state(&ada, room.room_id(), "m.room.power_levels", "").await.unwrap();
    assert_eq!(levels["users"][&bob_id], json!(-1), "{levels}");
    let note = bob.until("Non puoi scrivere nei gruppi della zona fino al 28/11/2026 12:00").await;
    assert_ne!(note.room, room.room_id(), "told privately");
    assert!(note.html.contains("&lt;b&gt;spam&lt;/b&gt;"), "{}", note.html);
    w.clock.advance(chrono::Duration::hours(2));
    assert_eq!(w.app.scheduler.run_due(w.clock.now()).await.unwrap().ran, 1);
    let levels = state(&ada, room.room_id(), "m.room.power_levels", "").await.unwrap();
    assert!(levels["users"].get(&bob_id).is_none(), "{levels}");
    bob.until("Puoi di nuovo scrivere").await;
    // A deletion redacts the message replied to.
    reply_to(&ada, &room, &said, "!del").await;
    ada.until("Messaggio cancellato").await;
    let redacted = room.event(&said, None).await.unwrap();
    assert!(redacted.raw().json().get().contains("redacted_because"), "{}", redacted.raw().json().get());
    // A kick carries its reason; a ban holds even for one who left.
    reply_to(&ada, &room, &said, "!kick basta").await;
    ada.until("è stato allontanato").await;
    let left = state_until(&ada, room.room_id(), "m.room.member", &bob_id, |m| membership(m) == "leave").await;
    assert_eq!(left["reason"], "basta");
    reply_to(&ada, &room, &said, "!ban 1d <b>spam</b>").await;
    ada.until("fuori dai gruppi della zona fino al 29/11/2026 12:00").await;
    let banned = state_until(&ada, room.room_id(), "m.room.member", &bob_id, |m| membership(m) == "ban").await;
    assert_eq!(banned["reason"], "<b>spam</b>");
    // The ban is published in Centocelle's policy room, which anyone may join to follow it.
    let policy = w.store.setting("matrix.test.policy.centocelle").await.unwrap().expect("a policy room");
    let policy = RoomId::parse(&policy).unwrap();
    ada.client.join_room_by_id(&policy).await.expect("the policy room is open to join");
    let rule_key = format!("ban:{bob_id}");
    let rule = state(&ada, &policy, "m.policy.rule.user", &rule_key).await.expect("a rule");
    assert_eq!(rule, json!({ "entity": bob_id, "recommendation": "m.ban", "reason": "<b>spam</b>" }));
    // Unbanning lifts the ban and empties the rule.
    reply_to(&ada, &room, &said, "!unban").await;
    ada.until("può tornare nei gruppi").await;
    state_until(&ada, room.room_id(), "m.room.member", &bob_id, |m| membership(m) == "leave").await;
    let rule = state(&ada, &policy, "m.policy.rule.user", &rule_key).await.unwrap_or(json!({}));
    assert_eq!(rule, json!({}), "the rule is withdrawn");
    let log = w.store.moderation_log(&[TerritoryId::new("centocelle")], 20).await.unwrap();
    for action in ["mute", "unmute", "delete", "kick", "ban", "unban"] {
        assert!(log.iter().any(|e| e.action == action), "{action} missing from the log");
    }
    w.bot.stop().await;
}

#[tokio::test]
async fn a_member_with_a_power_level_of_their_own_gets_it_back_when_a_mute_ends_by_command_or_on_time() {
    let Some(hs) = shared() else { return };
    let w = World::start(hs).await;
    let (mut ada, bob, room) = centocelle(hs, &w).await;
    let bob_id = bob.user_id().to_string();
    // Bob helps in the room: Ada gives him level 10.
    room.update_power_levels(vec![(&*bob.user_id(), matrix_sdk::ruma::int!(10))]).await.expect("Ada raises Bob");
    state_until(&ada, room.room_id(), "m.room.power_levels", "", |l| l["users"][&bob_id] == json!(10)).await;
    let said = bob.say(&own(&bob, &room), "scusate il ritardo").await;
    reply_to(&ada, &room, &said, "!mute 1h").await;
    ada.until("non può scrivere").await;
    state_until(&ada, room.room_id(), "m.room.power_levels", "", |l| l["users"][&bob_id] == json!(-1)).await;
    let kept =
        state(&ada, room.room_id(), "org.vicinato.muted", &format!("user:{}", &bob_id[1..])).await.unwrap_or(json!({}));
    assert_eq!(kept, json!({"level": 10}), "{kept}");
    // By command: level 10 again, and the kept level is forgotten.
    reply_to(&ada, &room, &said, "!unmute").await;
    ada.until("può scrivere di nuovo").await;
    state_until(&ada, room.room_id(), "m.room.power_levels", "", |l| l["users"][&bob_id] == json!(10)).await;
    let kept =
        state(&ada, room.room_id(), "org.vicinato.muted", &format!("user:{}", &bob_id[1..])).await.unwrap_or(json!({}));
    assert_eq!(kept, json!({}), "{kept}");
    // On time, through the end job.
    reply_to(&ada, &room, &said, "!mute 2h").await;
    state_until(&ada, room.room_id(), "m.room.power_levels", "", |l| l["users"][&bob_id] == json!(-1)).await;
    w.clock.advance(chrono::Duration::hours(2));
    assert_eq!(w.app.scheduler.run_due(w.clock.now()).await.unwrap().ran, 1);
    state_until(&ada, room.room_id(), "m.room.power_levels", "", |l| l["users"][&bob_id] == json!(10)).await;
    w.bot.stop().await;
}

#[tokio::test]
async fn a_resident_joins_a_matrix_space_by_conversation_and_a_banned_one_is_refused() {
    let Some(hs) = shared() else { return };
    let w = World::start(hs).await;
    let bot = w.bot_id();
    let mut ada = Resident::new(hs, &unique("ada")).await;
    let mut dan = Resident::new(hs, &unique("dan")).await;
    let mut cleo = Resident::new(hs, &unique("cleo")).await;
    w.grant(&ada, Role::Staff, "roma-m05").await;
    let inner = room_by(&ada, &[&bot, &dan.user_id()], Some(&*bot), None, &hs.server_name).await;
    let space = room_by(&ada, &[&bot], Some(&*bot), Some(&[inner.room_id()][..]), &hs.server_name).await;
    ada.say(&space, "!room link centocelle").await;
    ada.until("Ho collegato anche").await;
    ada.say(&inner, "!rules set it Niente <b>pubblicità</b> & rispetto").await;
    ada.until("ho salvato le regole").await;

    // Cleo asks in her words, in her direct chat: one choice, the Space, and the questions.
    let dm = cleo.room_with(&[&bot], true, false).await;
    cleo.say(&dm, "voglio entrare nel gruppo di Centocelle").await;
    let offer = cleo.until("Centocelle ha").await;
    assert!(offer.body.contains("1. Entra nel gruppo generale di Centocelle"), "{}", offer.body);
    assert!(!offer.body.contains("2. "), "the Space's room comes with the Space: {}", offer.body);
    cleo.say(&dm, "1").await;
    let first = cleo.until("Domanda 1 di 2").await;
    assert!(first.body.contains("Vivi o lavori nella zona di Centocelle"), "{}", first.body);
    cleo.say(&dm, "1").await;
    cleo.until("Accetti le regole").await;
    cleo.say(&dm, "1").await;
    let invited = cleo.until("ti ho invitato nel gruppo di Centocelle").await;
    assert_eq!(invited.room, dm.room_id());
    let cleo_id = cleo.user_id().to_string();
    for room in [space.room_id(), inner.room_id()] {
        state_until(&ada, room, "m.room.member", &cleo_id, |m| membership(m) == "join").await;
    }

    // Dan is banned in the area: he is refused, told why, until when and how to appeal.
    let said = dan.say(&own(&dan, &inner), "compra qui!!!").await;
    reply_to(&ada, &inner, &said, "!ban 1d <b>spam</b>").await;
    ada.until("è fuori dai gruppi della zona").await;
    let dan_id = dan.user_id().to_string();
    state_until(&ada, inner.room_id(), "m.room.member", &dan_id, |m| membership(m) == "ban").await;
    let dm = dan.room_with(&[&bot], true, false).await;
    dan.say(&dm, "!rooms centocelle").await;
    dan.until("Centocelle ha").await;
    dan.say(&dm, "1").await;
    let refused = dan.until("Non posso farti entrare").await;
    assert!(refused.body.contains("sei fuori dai gruppi di Centocelle fino al 29/11/2026 10:00"), "{}", refused.body);
    assert!(refused.html.contains("Motivo: &lt;b&gt;spam&lt;/b&gt;"), "{}", refused.html);
    assert!(refused.body.contains("/ricorso"), "{}", refused.body);
    let space_member = state(&ada, space.room_id(), "m.room.member", &dan_id).await;
    assert!(space_member.as_ref().is_none_or(|m| membership(m) != "invite"), "not invited: {space_member:?}");
    w.bot.stop().await;
}

#[tokio::test]
async fn a_knock_on_a_linked_matrix_room_is_a_join_request_answered_in_the_direct_chat() {
    let Some(hs) = shared() else { return };
    let w = World::start(hs).await;
    let bot = w.bot_id();
    let mut ada = Resident::new(hs, &unique("ada")).await;
    let mut eve = Resident::new(hs, &unique("eve")).await;
    let mut fred = Resident::new(hs, &unique("fred")).await;
    let bob = Resident::new(hs, &unique("bob")).await;
    w.grant(&ada, Role::Staff, "roma-m05").await;
    let room = room_by(&ada, &[&bot, &bob.user_id()], Some(&*bot), None, &hs.server_name).await;
    room.send_state_event_raw("m.room.join_rules", "", json!({ "join_rule": "knock" })).await.expect("knock rule");
    ada.say(&room, "!room link centocelle").await;
    ada.until("collegato a Centocelle").await;
    // Eve knocks: the questions come in her direct chat; every yes lets her in.
    eve.client.knock(room.room_id().to_owned().into(), None, Vec::new()).await.expect("Eve knocks");
    let first = eve.until("Domanda 1 di 2").await;
    assert_ne!(first.room, room.room_id(), "asked privately");
    eve.say(&eve.client.get_room(&first.room).unwrap(), "1").await;
    eve.until("Accetti le regole").await;
    eve.say(&eve.client.get_room(&first.room).unwrap(), "1").await;
    eve.until("ti ho invitato nel gruppo di Centocelle").await;
    let eve_id = eve.user_id().to_string();
    state_until(&ada, room.room_id(), "m.room.member", &eve_id, |m| membership(m) == "join").await;
    // Fred does not live or work in the area: his knock is turned away.
    fred.client.knock(room.room_id().to_owned().into(), None, Vec::new()).await.expect("Fred knocks");
    let first = fred.until("Domanda 1 di 2").await;
    fred.say(&fred.client.get_room(&first.room).unwrap(), "2").await;
    let fred_id = fred.user_id().to_string();
    state_until(&ada, room.room_id(), "m.room.member", &fred_id, |m| membership(m) == "leave").await;
    w.bot.stop().await;
}

#[tokio::test]
async fn a_person_with_telegram_and_matrix_accounts_banned_by_one_command_is_banned_on_both() {
    use vicinato::config::Secret;
    use vicinato::store::{LinkClaim, LinkConfirm};
    use vicinato::transport::telegram::{TelegramBot, TelegramOptions};
    use vicinato_testkit::telegram::{BotRights, MemberStatus, TestServer};
    const TOKEN: &str = "4243:TEST-token";
    let Some(hs) = shared() else { return };
    let w = World::start(hs).await;
    let server = TestServer::start(TOKEN).await.expect("test server");
    let mut options = TelegramOptions::new("test", Secret::new(TOKEN.into()), "VICINATO_TELEGRAM_TOKEN", &server.url);
    options.poll_timeout = 1;
    let telegram = TelegramBot::connect(w.app.engine.clone(), options).await.expect("bot connects");
    let mut couriers = w.app.engine.couriers();
    couriers.add(Arc::new(telegram.courier()));
    w.app.engine.set_couriers(couriers);
    let (stop, rx) = tokio::sync::watch::channel(false);
    let telegram_task = tokio::spawn(telegram.run(rx));

    // Centocelle has a group on each network.
    let (ada, _bob, room) = centocelle(hs, &w).await;
    let group = server.group(-1001, "Centocelle", false);
    server.set_bot_rights(&group, BotRights::all());
    let sara = server.user(1, "Sara", Some("it"));
    let marco = server.user(2, "Marco", Some("it"));
    let pia_tg = server.user(3, "Pia", Some("it"));
    let now = w.clock.now();
    for (user, role) in [(1, Role::Staff), (2, Role::Moderator)] {
        let p = w.store.person_for_account(&Account::new(Network::Telegram, user.to_string()), "x", now).await.unwrap();
        let territory = if role == Role::Staff { "roma-m05" } else { "centocelle" };
        let grant = RoleGrant { role, territory: Some(TerritoryId::new(territory)) };
        w.store.grant_role(p.id, &grant, now).await.unwrap();
    }
    server.user_posts_in(&sara, &group, "/room link centocelle");
    assert!(server.nth_message(group.id, 1, WAIT).await.expect("linked").text.contains("collegato"));

    // Pia is one person with both accounts (linked the way people link them), in both groups.
    let pia = Resident::new(hs, &unique("pia")).await;
    pia.join_room_of(&room, &ada).await;
    let on_telegram = w.store.person_for_account(&Account::new(Network::Telegram, "3"), "Pia", now).await.unwrap();
    let on_matrix =
        w.store.person_for_account(&Account::new(Network::Matrix, pia.user_id().as_str()), "Pia", now).await.unwrap();
    let code = "PIAPIA23";
    w.store.link_code_put(on_telegram.id, "telegram", code, now + chrono::Duration::minutes(10), now).await.unwrap();
    assert!(matches!(
        w.store.link_claim(code, on_matrix.id, "matrix", 5, now).await.unwrap(),
        LinkClaim::Claimed { .. }
    ));
    assert!(matches!(w.store.link_confirm(code, on_matrix.id, now).await.unwrap(), LinkConfirm::AskMaker { .. }));
    assert!(matches!(w.store.link_confirm(code, on_telegram.id, now).await.unwrap(), LinkConfirm::Linked { .. }));

    // One command on Telegram bans her in both groups, and in the policy room.
    let said = server.user_posts_in(&pia_tg, &group, "compra qui!!!");
    server.user_replies_in(&marco, &group, "/ban 1d spam", Some(said));
    let banned = server.nth_message(group.id, 2, WAIT).await.expect("an answer");
    assert!(banned.text.contains("Pia è fuori dai gruppi della zona"), "{}", banned.text);
    let until = (w.clock.now() + chrono::Duration::days(1)).timestamp();
    assert_eq!(server.member_status(&group, &pia_tg), MemberStatus::Banned { until });
    let pia_id = pia.user_id().to_string();
    let member = state_until(&ada, room.room_id(), "m.room.member", &pia_id, |m| membership(m) == "ban").await;
    assert_eq!(member["reason"], "spam");
    // And one command lifts it on both.
    server.user_replies_in(&marco, &group, "/unban", Some(said));
    assert!(server.nth_message(group.id, 3, WAIT).await.expect("an answer").text.contains("può tornare"));
    assert_eq!(server.member_status(&group, &pia_tg), MemberStatus::Left);
    state_until(&ada, room.room_id(), "m.room.member", &pia_id, |m| membership(m) == "leave").await;
    assert!(server.violations().is_empty(), "limits broken: {:?}", server.violations());
    let _ = stop.send(true);
    telegram_task.await.expect("bot task").expect("bot stops cleanly");
    w.bot.stop().await;
}

impl Resident {
    /// Joins `room` on `owner`'s invitation.
    async fn join_room_of(&self, room: &Room, owner: &Resident) {
        let members = room.members_no_sync(matrix_sdk::RoomMemberships::JOIN).await.map_or(0, |m| m.len());
        self.join_as_invited(owner, room, members + 1).await;
    }
}

#[tokio::test]
async fn a_member_flooding_a_matrix_room_is_muted_for_ten_minutes_and_staff_writing_as_fast_are_not() {
    let Some(hs) = shared() else { return };
    let w = World::start(hs).await;
    let (mut ada, mut bob, room) = centocelle(hs, &w).await;
    let (ada_id, bob_id) = (ada.user_id().to_string(), bob.user_id().to_string());
    for n in 0..8 {
        ada.say(&room, &format!("avviso {n}")).await;
    }
    let bobs = own(&bob, &room);
    for n in 0..6 {
        bob.say(&bobs, &format!("spam {n}")).await;
    }
    ada.until("Troppi messaggi").await;
    let levels = state(&ada, room.room_id(), "m.room.power_levels", "").await.unwrap();
    assert_eq!(levels["users"][&bob_id], json!(-1), "{levels}");
    assert_ne!(levels["users"][&ada_id], json!(-1), "{levels}");
    bob.until("Non puoi scrivere nei gruppi della zona fino al 28/11/2026 10:10").await;
    w.clock.advance(chrono::Duration::minutes(10));
    assert_eq!(w.app.scheduler.run_due(w.clock.now()).await.unwrap().ran, 1);
    let levels = state(&ada, room.room_id(), "m.room.power_levels", "").await.unwrap();
    assert!(levels["users"].get(&bob_id).is_none(), "{levels}");
    bob.until("Puoi di nuovo scrivere").await;
}
