//! Moderation in Matrix rooms: what the courier does for a [`RoomAction`], and what it checks
//! before a room is linked. A mute is a power level below the room's `events_default` (an
//! unmute takes the member's own level away again, back to `users_default`); a ban, an unban
//! (only of the banned) and a kick carry the moderator's reason; a deletion redacts the event
//! replied to; approving a join invites the person, to a Space's rooms too. The bot's own
//! rights are its power level against the room's levels for invite, kick, ban, redact and
//! changing `m.room.power_levels` (muting needs it).
//!
//! Each territory's bans are also kept as `m.policy.rule.user` state events (entity the Matrix
//! user id, recommendation `m.ban`, the reason) in a policy room the bot creates once per
//! territory and remembers in `settings`, so Draupnir or Mjolnir can follow it; an unban empties
//! the rule. Power levels are read from the homeserver just before they are changed, under one
//! lock, so two mutes at once cannot undo each other. Knows no conversation: it is given
//! actions as data.

use anyhow::Context;
use matrix_sdk::ruma::api::client::room::create_room;
use matrix_sdk::ruma::api::client::state::{get_state_event_for_key, get_state_events};
use matrix_sdk::ruma::events::StateEventType;
use matrix_sdk::ruma::events::room::power_levels::UserPowerLevel;
use matrix_sdk::ruma::{EventId, OwnedTransactionId, OwnedUserId, RoomId, UserId};
use matrix_sdk::{Client, Room};
use serde_json::{Value, json};
use std::sync::Arc;
use tokio::sync::Mutex;
use vicinato_chat::Engine;
use vicinato_domain::Network;
use vicinato_domain::rooms::{RoomAction, RoomActionKind};

/// The event type of a rule about a user in a policy room.
pub const POLICY_RULE_USER: &str = "m.policy.rule.user";

/// The bot's moderation in rooms, shared by its courier.
#[derive(Clone)]
pub(crate) struct Moderator {
    pub(crate) client: Client,
    pub(crate) engine: Arc<Engine>,
    /// The bot's key, naming its settings.
    pub(crate) key: String,
    /// Held while power levels are read and written, and while a policy room is made.
    pub(crate) lock: Arc<Mutex<()>>,
}

/// Where the policy room of a territory is remembered.
pub fn policy_room_key(bot: &str, territory: &str) -> String {
    format!("matrix.{bot}.policy.{territory}")
}

/// The state key of the rule about a user.
pub fn policy_rule_key(user: &str) -> String {
    format!("ban:{user}")
}

fn room_of(client: &Client, chat_id: &str) -> anyhow::Result<Room> {
    let id = RoomId::parse(chat_id).with_context(|| format!("`{chat_id}` is no Matrix room id"))?;
    client.get_room(&id).with_context(|| format!("the bot is not in room {chat_id}"))
}

fn user_of(member: &str) -> anyhow::Result<OwnedUserId> {
    UserId::parse(member).with_context(|| format!("`{member}` is no Matrix user id"))
}

/// A number in power levels (an integer, or a string holding one in old rooms).
fn level(v: Option<&Value>, default: i64) -> i64 {
    match v {
        Some(Value::Number(n)) => n.as_i64().unwrap_or(default),
        Some(Value::String(s)) => s.trim().parse().unwrap_or(default),
        _ => default,
    }
}

/// The member's level to write for a mute: below the level needed to write, and never
/// above the current one. `None` when the member cannot write already.
pub fn muted_level(levels: &Value, member: &str) -> Option<i64> {
    let events_default = level(levels.get("events_default"), 0);
    let message = level(levels.get("events").and_then(|e| e.get("m.room.message")), events_default);
    let needed = events_default.min(message);
    let users_default = level(levels.get("users_default"), 0);
    let current = level(levels.get("users").and_then(|u| u.get(member)), users_default);
    (current >= needed).then_some(needed - 1)
}

/// The state event (keyed by [`earlier_key`]) that keeps a muted member's own power level until the
/// mute ends; emptied once it is given back.
const EARLIER_LEVEL: &str = "org.vicinato.muted";

/// The state key of a member's kept level: the homeserver lets only the user themself write a
/// state key that starts with `@`, so it is the user id without it.
fn earlier_key(member: &str) -> String {
    format!("user:{}", member.trim_start_matches('@'))
}

/// Undoes a mute in the levels: the member's earlier level back, or the room's default for
/// them. `false` when the member is not muted.
pub fn unmuted(levels: &mut Value, member: &str, earlier: Option<i64>) -> bool {
    if !is_muted(levels, member) {
        return false;
    }
    let Some(users) = levels["users"].as_object_mut() else { return false };
    match earlier {
        Some(l) => {
            users.insert(member.to_owned(), json!(l));
        }
        None => {
            users.remove(member);
        }
    }
    true
}

/// Whether the member's own level keeps them from writing (a mute to undo).
pub fn is_muted(levels: &Value, member: &str) -> bool {
    let Some(own) = levels.get("users").and_then(|u| u.get(member)) else { return false };
    let events_default = level(levels.get("events_default"), 0);
    level(Some(own), 0) < events_default
}

impl Moderator {
    /// The rights the bot lacks in a room (and, for a Space, in each of its rooms), each
    /// named with the power level it needs: `ban ≥ 50`.
    pub(crate) async fn missing_rights(&self, chat_id: &str) -> anyhow::Result<Vec<String>> {
        let mut missing = self.missing_in(chat_id, None).await?;
        for child in self.rooms_within(chat_id).await? {
            missing.extend(self.missing_in(&child, Some(&child)).await?);
        }
        Ok(missing)
    }

    async fn missing_in(&self, chat_id: &str, named: Option<&str>) -> anyhow::Result<Vec<String>> {
        let me = self.client.user_id().context("the bot is not signed in")?.to_owned();
        let Ok(room) = room_of(&self.client, chat_id) else {
            // A Space's room the bot has not joined: it can do nothing there yet.
            return Ok(vec![format!("join {}", named.unwrap_or(chat_id))]);
        };
        let levels = room.power_levels().await.context("cannot read the room's power levels")?;
        let mine = levels.for_user(&me);
        let needs = [
            ("invite", levels.invite),
            ("kick", levels.kick),
            ("ban", levels.ban),
            ("redact", levels.redact),
            ("m.room.power_levels", levels.for_state(StateEventType::RoomPowerLevels)),
        ];
        Ok(needs
            .iter()
            .filter(|(_, need)| mine < UserPowerLevel::Int(*need))
            .map(|(name, need)| match named {
                Some(room) => format!("{name} ≥ {need} ({room})"),
                None => format!("{name} ≥ {need}"),
            })
            .collect())
    }

    /// The rooms a Space names as its children (`m.space.child` with `via`), as the
    /// homeserver has them now; none for a room that is no Space.
    pub(crate) async fn rooms_within(&self, chat_id: &str) -> anyhow::Result<Vec<String>> {
        let room = room_of(&self.client, chat_id)?;
        if !room.is_space() {
            return Ok(Vec::new());
        }
        let request = get_state_events::v3::Request::new(room.room_id().to_owned());
        let state = self.client.send(request).await.context("cannot read the Space's state")?;
        let mut children = Vec::new();
        for raw in state.room_state {
            let Ok(event) = raw.deserialize_as_unchecked::<Value>() else { continue };
            let live = event["content"]["via"].as_array().is_some_and(|v| !v.is_empty());
            if event["type"] == "m.space.child"
                && live
                && let Some(child) = event["state_key"].as_str()
            {
                children.push(child.to_owned());
            }
        }
        children.sort();
        Ok(children)
    }

    /// A state event's content as the homeserver has it now; `None` when there is none.
    async fn state(&self, room: &Room, kind: StateEventType, key: &str) -> anyhow::Result<Option<Value>> {
        let request = get_state_event_for_key::v3::Request::new(room.room_id().to_owned(), kind, key.to_owned());
        match self.client.send(request).await {
            Ok(r) => Ok(Some(serde_json::from_str(r.event_or_content.get()).context("unreadable state event")?)),
            Err(e) if e.as_client_api_error().is_some_and(|c| c.status_code.as_u16() == 404) => Ok(None),
            Err(e) => Err(anyhow::Error::new(e).context("cannot read the room's state")),
        }
    }

    async fn membership(&self, room: &Room, user: &UserId) -> anyhow::Result<Option<String>> {
        let member = self.state(room, StateEventType::RoomMember, user.as_str()).await?;
        Ok(member.and_then(|m| m["membership"].as_str().map(str::to_owned)))
    }

    /// Changes the member's own power level with `change` (given the levels as they are,
    /// it returns the levels to write, or `None` for nothing to do).
    async fn edit_levels(&self, room: &Room, change: impl FnOnce(&mut Value) -> bool) -> anyhow::Result<()> {
        let _held = self.lock.lock().await;
        let mut levels = self.state(room, StateEventType::RoomPowerLevels, "").await?.unwrap_or_else(|| json!({}));
        if change(&mut levels) {
            room.send_state_event_raw("m.room.power_levels", "", levels)
                .await
                .context("the homeserver refused the new power levels")?;
        }
        Ok(())
    }

    /// Carries out one action in one room.
    pub(crate) async fn act(&self, action: &RoomAction) -> anyhow::Result<()> {
        let room = room_of(&self.client, &action.chat_id)?;
        let reason = Some(action.reason.as_str()).filter(|r| !r.is_empty());
        match &action.kind {
            RoomActionKind::Restrict { .. } => {
                let member = action.member.clone();
                // A member with a level of their own (a helper at 10, say) gets it back on
                // unmute: it is kept in the room's state, beside the power levels, before the
                // mute lowers it, so a restart in between loses nothing.
                let levels = self.state(&room, StateEventType::RoomPowerLevels, "").await?.unwrap_or_else(|| json!({}));
                if let Some(own) = levels.get("users").and_then(|u| u.get(member.as_str()))
                    && muted_level(&levels, &member).is_some()
                {
                    room.send_state_event_raw(
                        EARLIER_LEVEL,
                        &earlier_key(&member),
                        json!({ "level": level(Some(own), 0) }),
                    )
                    .await
                    .context("the homeserver refused to keep the member's earlier power level")?;
                }
                self.edit_levels(&room, |levels| match muted_level(levels, &member) {
                    Some(l) => {
                        levels["users"][member.as_str()] = json!(l);
                        true
                    }
                    None => false,
                })
                .await?;
            }
            RoomActionKind::Unrestrict => {
                let member = action.member.clone();
                let kept = self.state(&room, StateEventType::from(EARLIER_LEVEL), &earlier_key(&member)).await?;
                let earlier = kept.as_ref().and_then(|k| k.get("level")).map(|l| level(Some(l), 0));
                self.edit_levels(&room, |levels| unmuted(levels, &member, earlier)).await?;
                if kept.is_some_and(|k| k.get("level").is_some()) {
                    room.send_state_event_raw(EARLIER_LEVEL, &earlier_key(&member), json!({}))
                        .await
                        .context("the homeserver refused to forget the member's earlier power level")?;
                }
            }
            RoomActionKind::Ban { .. } => {
                let user = user_of(&action.member)?;
                room.ban_user(&user, reason).await.context("the homeserver refused the ban")?;
                self.publish_ban(&action.chat_id, &user, &action.reason).await?;
            }
            RoomActionKind::Unban => {
                let user = user_of(&action.member)?;
                if self.membership(&room, &user).await?.as_deref() == Some("ban") {
                    room.unban_user(&user, reason).await.context("the homeserver refused the unban")?;
                }
                self.withdraw_ban(&action.chat_id, &user).await?;
            }
            RoomActionKind::Kick => {
                let user = user_of(&action.member)?;
                if matches!(self.membership(&room, &user).await?.as_deref(), Some("join" | "invite" | "knock")) {
                    room.kick_user(&user, reason).await.context("the homeserver refused the kick")?;
                }
            }
            RoomActionKind::Delete { message_id } => {
                let event = EventId::parse(message_id).with_context(|| format!("`{message_id}` is no event id"))?;
                // The same transaction id for the same event: a retry redacts once.
                let tail: String = event.as_str().chars().filter(char::is_ascii_alphanumeric).collect();
                let txn: OwnedTransactionId = format!("vicinato-redact-{tail}").into();
                room.redact(&event, reason, Some(txn)).await.context("the homeserver refused the redaction")?;
            }
            RoomActionKind::ApproveJoin => {
                let user = user_of(&action.member)?;
                self.invite(&room, &user).await?;
                for child in self.rooms_within(&action.chat_id).await? {
                    if let Ok(child) = room_of(&self.client, &child) {
                        self.invite(&child, &user).await?;
                    }
                }
            }
            // One who knocked is turned away (a knock is taken back with a kick); one who
            // asked in words is simply not invited.
            RoomActionKind::DeclineJoin => {
                let user = user_of(&action.member)?;
                if self.membership(&room, &user).await?.as_deref() == Some("knock") {
                    room.kick_user(&user, reason).await.context("the homeserver refused to turn the knock away")?;
                }
            }
        }
        Ok(())
    }

    async fn invite(&self, room: &Room, user: &UserId) -> anyhow::Result<()> {
        match self.membership(room, user).await?.as_deref() {
            Some("join" | "invite") => Ok(()),
            Some("ban") => anyhow::bail!("{user} is banned from {}", room.room_id()),
            _ => room.invite_user_by_id(user).await.context("the homeserver refused the invitation"),
        }
    }

    /// The territory a linked room belongs to.
    async fn territory_of(&self, chat_id: &str) -> anyhow::Result<Option<vicinato_domain::TerritoryId>> {
        Ok(self.engine.store().room(Network::Matrix, chat_id).await?.map(|r| r.territory))
    }

    /// The policy room of a territory, made (and remembered) when there is none.
    async fn policy_room(&self, territory: &vicinato_domain::TerritoryId) -> anyhow::Result<Room> {
        let _held = self.lock.lock().await;
        let store = self.engine.store();
        let key = policy_room_key(&self.key, territory.as_str());
        if let Some(id) = store.setting(&key).await?
            && let Ok(room) = room_of(&self.client, &id)
        {
            return Ok(room);
        }
        let name = self
            .engine
            .snapshot()
            .tree
            .get(territory)
            .map_or_else(|| territory.as_str().to_owned(), |t| t.name.clone());
        let mut request = create_room::v3::Request::new();
        request.name = Some(format!("Vicinato – {name} – ban list"));
        request.topic = Some(format!("m.policy.rule.user bans of the rooms of {name}, kept by Vicinato"));
        request.preset = Some(create_room::v3::RoomPreset::PublicChat);
        let room = self.client.create_room(request).await.context("cannot create the policy room")?;
        store.set_setting(&key, room.room_id().as_str()).await?;
        tracing::info!(room = %room.room_id(), territory = %territory, "policy room created");
        Ok(room)
    }

    async fn publish_ban(&self, chat_id: &str, user: &UserId, reason: &str) -> anyhow::Result<()> {
        let Some(territory) = self.territory_of(chat_id).await? else { return Ok(()) };
        let policy = self.policy_room(&territory).await?;
        let rule = json!({ "entity": user.as_str(), "recommendation": "m.ban", "reason": reason });
        policy
            .send_state_event_raw(POLICY_RULE_USER, &policy_rule_key(user.as_str()), rule)
            .await
            .context("cannot publish the ban in the policy room")?;
        Ok(())
    }

    async fn withdraw_ban(&self, chat_id: &str, user: &UserId) -> anyhow::Result<()> {
        let Some(territory) = self.territory_of(chat_id).await? else { return Ok(()) };
        let key = policy_room_key(&self.key, territory.as_str());
        let Some(id) = self.engine.store().setting(&key).await? else { return Ok(()) };
        let Ok(policy) = room_of(&self.client, &id) else { return Ok(()) };
        let rule_key = policy_rule_key(user.as_str());
        if self
            .state(&policy, StateEventType::from(POLICY_RULE_USER), &rule_key)
            .await?
            .is_some_and(|r| r.as_object().is_some_and(|o| !o.is_empty()))
        {
            policy
                .send_state_event_raw(POLICY_RULE_USER, &rule_key, json!({}))
                .await
                .context("cannot remove the ban from the policy room")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mute_puts_the_member_below_what_writing_needs_and_an_unmute_finds_it() {
        let levels = json!({"events_default": 0, "users_default": 0, "users": {"@mod:x": 50}});
        assert_eq!(muted_level(&levels, "@ada:x"), Some(-1));
        assert!(!is_muted(&levels, "@ada:x"));
        let muted = json!({"events_default": 0, "users": {"@ada:x": -1}});
        assert_eq!(muted_level(&muted, "@ada:x"), None, "muting the muted does nothing");
        assert!(is_muted(&muted, "@ada:x"));
        // Old rooms write levels as strings; a room where messages need 10.
        let strict = json!({"events_default": "0", "events": {"m.room.message": 10}, "users_default": 20});
        assert_eq!(muted_level(&strict, "@ada:x"), Some(-1));
        let raised = json!({"events_default": 10, "users_default": 20});
        assert_eq!(muted_level(&raised, "@ada:x"), Some(9));
    }

    #[test]
    fn an_unmute_gives_back_the_member_s_earlier_level_or_the_room_s_default() {
        let mut muted = json!({"events_default": 0, "users": {"@ada:x": -1, "@mod:x": 50}});
        assert!(unmuted(&mut muted, "@ada:x", Some(10)));
        assert_eq!(muted["users"]["@ada:x"], json!(10));
        let mut muted = json!({"events_default": 0, "users": {"@ada:x": -1}});
        assert!(unmuted(&mut muted, "@ada:x", None));
        assert!(muted["users"].get("@ada:x").is_none());
        let mut free = json!({"events_default": 0, "users": {"@ada:x": 10}});
        assert!(!unmuted(&mut free, "@ada:x", Some(0)), "nothing to undo for one who can write");
        assert_eq!(free["users"]["@ada:x"], json!(10));
    }
}
