//! The protections of a linked room, applied to members' messages as they arrive: flood (more
//! than N messages within M seconds from one member mutes them for ten minutes, through the
//! sanction path: stored, audited, ended by the scheduler) and, where the room asks for it,
//! a newcomer's first messages with a link or forwarded media held for a moderator (the
//! message comes out of the room as a held case; a moderator releases or deletes it).
//! Moderators of the room's territory, staff and admins are never touched.
//!
//! The flood window lives in memory, per process ([`Flood`]): a restart forgets at most a few
//! seconds of messages. Nothing here names a network or a chat layer.

use super::access::may_moderate;
use super::moderate::{Done, Moderated, give};
use super::reach::actions_for;
use super::recipients::{Recipients, moderators_of};
use super::report::MAX_QUOTED_CHARS;
use super::{Refusal, decide_once};
use chrono::{DateTime, Duration, Utc};
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use vicinato_domain::rooms::{
    Case, CaseKind, FLOOD_MUTE_MINUTES, Media, ModEntry, NEWCOMER_MESSAGES, Protections, Room, RoomAction,
    RoomActionKind, SanctionKind, has_link,
};
use vicinato_domain::{Account, Network, Person, Role, TerritoryTree};
use vicinato_store::{Store, StoreError};

/// Whether the protections leave a person alone in a room of this territory: its moderators,
/// staff and admins.
pub fn exempt(person: &Person, room: &Room, tree: &TerritoryTree) -> bool {
    person.roles.iter().any(|g| matches!(g.role, Role::Admin | Role::Staff))
        || may_moderate(person, &room.territory, tree)
}

/// A member of a room: its network, chat and member ids.
type Member = (Network, String, String);

/// The times of each member's latest messages per room, within the widest window asked.
#[derive(Debug, Default)]
pub struct Flood {
    seen: Mutex<HashMap<Member, VecDeque<DateTime<Utc>>>>,
}

/// Past this many members followed, those silent for an hour are forgotten.
const FOLLOWED: usize = 10_000;

impl Flood {
    /// Counts a message; `true` when it is one too many for `p` (the member's window then
    /// starts again, so one burst mutes once).
    pub fn too_many(&self, network: Network, chat: &str, member: &str, p: &Protections, now: DateTime<Utc>) -> bool {
        if p.flood_messages == 0 {
            return false;
        }
        let window = Duration::seconds(i64::from(p.flood_seconds));
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        if seen.len() > FOLLOWED {
            seen.retain(|_, times| times.back().is_some_and(|t| *t > now - Duration::hours(1)));
        }
        let times = seen.entry((network, chat.to_owned(), member.to_owned())).or_default();
        times.push_back(now);
        while times.front().is_some_and(|t| *t <= now - window) {
            times.pop_front();
        }
        if times.len() > p.flood_messages as usize {
            times.clear();
            return true;
        }
        false
    }
}

/// The member who flooded a room is muted in every room of its territory for ten minutes, as
/// Vicinato; `None` when they are exempt or muted there already.
pub async fn flood_mute(
    account: &Account,
    name: &str,
    room: &Room,
    store: &dyn Store,
    tree: &TerritoryTree,
    now: DateTime<Utc>,
) -> Result<Option<Moderated>, StoreError> {
    let member = store.person_for_account(account, name, now).await?;
    if exempt(&member, room, tree) {
        return Ok(None);
    }
    let held = store.sanctions_of(member.id).await?;
    if held
        .iter()
        .any(|s| s.kind != SanctionKind::Warning && s.holds(now) && tree.contains(&s.territory, &room.territory))
    {
        return Ok(None);
    }
    let until = now + Duration::minutes(FLOOD_MUTE_MINUTES);
    let reason = "flood";
    let entry = ModEntry {
        at: now,
        actor: None,
        subject: Some(member.id),
        action: "mute".into(),
        reason: reason.into(),
        territory: room.territory.clone(),
        network: Some(room.network),
        chat: Some(room.chat_id.clone()),
        until: Some(until),
    };
    let mut out =
        Moderated { member: member.clone(), room: room.clone(), done: vec![], actions: vec![], given: vec![] };
    give(store, &member, &room.territory, SanctionKind::Mute, Some(until), reason, None, entry, &mut out).await?;
    out.actions =
        actions_for(&member, &room.territory, RoomActionKind::Restrict { until: Some(until) }, store, tree).await?;
    out.done.push(Done::Muted { until });
    Ok(Some(out))
}

/// A member's message as the protections see it.
#[derive(Debug, Clone)]
pub struct Arrived {
    pub account: Account,
    pub name: String,
    pub message_id: String,
    pub text: String,
    /// Forwarded from elsewhere, or media the bot cannot read.
    pub forwarded: bool,
    /// The photo, video or file it carries, posted again if a moderator releases it.
    pub media: Option<Media>,
}

/// A newcomer's message taken out of the room: the case, its deletion, who decides.
#[derive(Debug, Clone)]
pub struct Held {
    pub case: Case,
    pub delete: RoomAction,
    pub recipients: Recipients,
}

static SEQ: AtomicU64 = AtomicU64::new(0);

/// Holds a newcomer's message with a link or forwarded media for the moderators, where the
/// room asks for it; `None` when the message stays.
pub async fn hold(
    message: Arrived,
    room: &Room,
    protections: &Protections,
    store: &dyn Store,
    tree: &TerritoryTree,
    now: DateTime<Utc>,
) -> Result<Option<Held>, StoreError> {
    // Every message in a linked room counts, whether or not the room holds links yet, so a
    // member who wrote before holding was switched on is no newcomer.
    let seen = store.room_member_seen(room.network, &room.chat_id, &message.account.external_id).await?;
    if !protections.hold_links {
        return Ok(None);
    }
    if seen > NEWCOMER_MESSAGES || !(message.forwarded || has_link(&message.text)) {
        return Ok(None);
    }
    let member = store.person_for_account(&message.account, &message.name, now).await?;
    if exempt(&member, room, tree) {
        return Ok(None);
    }
    let n = SEQ.fetch_add(1, Ordering::Relaxed);
    let case = Case {
        key: format!("h{}-{n}", now.timestamp_millis()),
        kind: CaseKind::Held,
        territory: room.territory.clone(),
        network: room.network,
        chat_id: room.chat_id.clone(),
        by: member.id,
        subject: member.id,
        subject_account: message.account.external_id.clone(),
        subject_name: member.display_name.clone(),
        message_id: Some(message.message_id.clone()),
        text: message.text.chars().take(MAX_QUOTED_CHARS).collect(),
        reason: if message.forwarded { "forwarded".into() } else { "link".into() },
        sanction: None,
        acted_by: None,
        answered: 0,
        media: message.media.clone(),
        at: now,
        closed: None,
    };
    let entry = ModEntry {
        at: now,
        actor: None,
        subject: Some(member.id),
        action: "hold".into(),
        reason: case.reason.clone(),
        territory: room.territory.clone(),
        network: Some(room.network),
        chat: Some(room.chat_id.clone()),
        until: None,
    };
    store.case_put(&case, Some(&entry)).await?;
    let delete = RoomAction {
        network: room.network,
        chat_id: room.chat_id.clone(),
        member: message.account.external_id,
        kind: RoomActionKind::Delete { message_id: message.message_id },
        reason: String::new(),
    };
    let recipients = moderators_of(&room.territory, None, store, tree).await?;
    Ok(Some(Held { case, delete, recipients }))
}

/// A moderator releases a held message (it goes back to the room, said by the bot) or deletes
/// it for good; decided once, by a moderator or staff of its territory at that moment.
pub async fn decide_held(
    actor: &Person,
    key: &str,
    release: bool,
    store: &dyn Store,
    tree: &TerritoryTree,
    now: DateTime<Utc>,
) -> Result<Result<Case, Refusal>, StoreError> {
    let action = if release { "release" } else { "delete" };
    Ok(decide_once(actor, key, CaseKind::Held, action, store, tree, now).await?.map(|(_, closed)| closed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn more_messages_than_the_limit_within_the_window_is_a_flood_once() {
        let f = Flood::default();
        let p = Protections { flood_messages: 3, flood_seconds: 10, hold_links: false };
        let t0 = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let at = |s: i64| t0 + Duration::seconds(s);
        for s in 0..3 {
            assert!(!f.too_many(Network::Telegram, "-1", "ada", &p, at(s)));
        }
        assert!(!f.too_many(Network::Telegram, "-1", "bea", &p, at(3)), "another member counts apart");
        assert!(f.too_many(Network::Telegram, "-1", "ada", &p, at(4)));
        assert!(!f.too_many(Network::Telegram, "-1", "ada", &p, at(5)), "the window starts again");
        // Slow writers never flood.
        for s in 0..20 {
            assert!(!f.too_many(Network::Telegram, "-2", "cleo", &p, at(s * 4)));
        }
        let off = Protections { flood_messages: 0, ..p };
        assert!((0..50).all(|s| !f.too_many(Network::Telegram, "-3", "dan", &off, at(0) + Duration::milliseconds(s))));
    }
}
