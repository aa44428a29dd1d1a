//! A room's own settings: the rule behind `/protect` (see and change the room's protections:
//! flood, newcomers' links held) and `/room lang it|it,en` (the languages of the bot's public
//! messages in the room). Typed inside the linked group; moderators and staff of the room's
//! territory (or an admin) may, checked when they do. Every change is logged.

use super::access::may_moderate;
use super::{Place, Refusal};
use chrono::{DateTime, Utc};
use vicinato_domain::rooms::{MAX_FLOOD_MESSAGES, MAX_FLOOD_SECONDS, ModEntry, Room, RoomSettings};
use vicinato_domain::{Lang, Network, Person, TerritoryTree};
use vicinato_store::{Store, StoreError};

/// A room's settings: its own, else the defaults (flood on, links not held, Italian).
pub async fn settings_of(store: &dyn Store, network: Network, chat_id: &str) -> Result<RoomSettings, StoreError> {
    Ok(store.room_settings(network, chat_id).await?.unwrap_or_default())
}

/// What `/protect` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protect {
    /// Only show them.
    Show,
    /// More than `messages` within `seconds` mutes.
    Flood {
        messages: u32,
        seconds: u32,
    },
    FloodOff,
    /// Hold newcomers' messages with links or forwarded media, or not.
    Links(bool),
}

/// The room and its settings after the change.
pub type Shown = (Room, RoomSettings);

/// The linked room of this chat, for an actor who moderates its territory now.
pub(crate) async fn moderated_room(
    actor: &Person,
    place: &Place,
    store: &dyn Store,
    tree: &TerritoryTree,
) -> Result<Result<Room, Refusal>, StoreError> {
    if !place.group {
        return Ok(Err(Refusal::NotInGroup));
    }
    let Some(room) = store.room(place.network, &place.chat_id).await? else {
        return Ok(Err(Refusal::NotLinked));
    };
    if !may_moderate(actor, &room.territory, tree) {
        return Ok(Err(Refusal::NotAllowed));
    }
    Ok(Ok(room))
}

fn entry(actor: &Person, room: &Room, action: &str, reason: String, now: DateTime<Utc>) -> ModEntry {
    ModEntry {
        at: now,
        actor: Some(actor.id),
        subject: None,
        action: action.to_owned(),
        reason,
        territory: room.territory.clone(),
        network: Some(room.network),
        chat: Some(room.chat_id.clone()),
        until: None,
    }
}

/// `/protect …`: shows the room's protections, or changes one of them.
pub async fn protect(
    actor: &Person,
    place: &Place,
    change: Protect,
    store: &dyn Store,
    tree: &TerritoryTree,
    now: DateTime<Utc>,
) -> Result<Result<Shown, Refusal>, StoreError> {
    let room = match moderated_room(actor, place, store, tree).await? {
        Ok(room) => room,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let mut settings = settings_of(store, room.network, &room.chat_id).await?;
    let p = &mut settings.protections;
    let reason = match change {
        Protect::Show => return Ok(Ok((room, settings))),
        Protect::Flood { messages, seconds } => {
            if messages == 0 || seconds == 0 || messages > MAX_FLOOD_MESSAGES || seconds > MAX_FLOOD_SECONDS {
                return Ok(Err(Refusal::FloodOutOfRange {
                    max_messages: i64::from(MAX_FLOOD_MESSAGES),
                    max_seconds: i64::from(MAX_FLOOD_SECONDS),
                }));
            }
            p.flood_messages = messages;
            p.flood_seconds = seconds;
            format!("flood {messages} {seconds}")
        }
        Protect::FloodOff => {
            p.flood_messages = 0;
            "flood off".to_owned()
        }
        Protect::Links(on) => {
            p.hold_links = on;
            format!("links {}", if on { "on" } else { "off" })
        }
    };
    store
        .room_settings_set(room.network, &room.chat_id, &settings, &entry(actor, &room, "protect", reason, now))
        .await?;
    Ok(Ok((room, settings)))
}

/// `/room lang it|it,en`: the languages of the bot's public messages in this room.
pub async fn set_languages(
    actor: &Person,
    place: &Place,
    langs: Vec<Lang>,
    store: &dyn Store,
    tree: &TerritoryTree,
    now: DateTime<Utc>,
) -> Result<Result<Shown, Refusal>, StoreError> {
    let room = match moderated_room(actor, place, store, tree).await? {
        Ok(room) => room,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let mut unique: Vec<Lang> = Vec::new();
    for l in langs {
        if !unique.contains(&l) {
            unique.push(l);
        }
    }
    // Italian always: the rooms are Italian neighbourhoods'; English comes after it.
    if unique.first() != Some(&Lang::It) {
        return Ok(Err(Refusal::RoomLanguages));
    }
    let mut settings = settings_of(store, room.network, &room.chat_id).await?;
    settings.langs = unique;
    let reason = settings.langs.iter().map(|l| l.code()).collect::<Vec<_>>().join(",");
    store
        .room_settings_set(room.network, &room.chat_id, &settings, &entry(actor, &room, "room-lang", reason, now))
        .await?;
    Ok(Ok((room, settings)))
}
