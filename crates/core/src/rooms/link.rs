//! Linking a group chat to a territory, unlinking it, and listing a territory's rooms: the
//! rule behind `/room link`, `/room unlink` and `/rooms`. Only staff of the territory (or an
//! admin) link and unlink, from inside the group, and only once the bot holds the rights it
//! needs there (the transport tells which it lacks).

use super::{Place, Refusal};
use chrono::{DateTime, Utc};
use vicinato_domain::rooms::{ModEntry, Room, RoomPurpose};
use vicinato_domain::{Person, Role, Territory, TerritoryId, TerritoryTree, text};
use vicinato_store::{Store, StoreError};

/// `/room link <territory> [purpose]`, as typed in a group.
#[derive(Debug, Clone)]
pub struct LinkRoom {
    pub place: Place,
    pub territory: Option<String>,
    pub purpose: Option<String>,
    /// The administrator rights the bot lacks in the group, by the network's names.
    pub bot_lacks: Vec<String>,
    /// The rooms within it (a Matrix Space's children), linked with it to the same territory
    /// and purpose.
    pub children: Vec<String>,
}

/// A territory as typed: its code, or its name or an alias.
pub fn territory_named<'t>(tree: &'t TerritoryTree, typed: &str) -> Option<&'t Territory> {
    if let Ok(id) = TerritoryId::parse(typed)
        && let Some(t) = tree.get(&id)
    {
        return Some(t);
    }
    let folded = text::fold(typed);
    tree.names_in(&folded).into_iter().next().and_then(|(id, _)| tree.get(&id))
}

/// Links the group to a territory.
pub async fn link(
    actor: &Person,
    input: LinkRoom,
    store: &dyn Store,
    tree: &TerritoryTree,
    now: DateTime<Utc>,
) -> Result<Result<Room, Refusal>, StoreError> {
    if !input.place.group {
        return Ok(Err(Refusal::NotInGroup));
    }
    let Some(typed) = input.territory.as_deref() else {
        return Ok(Err(Refusal::NeedsTerritory));
    };
    let Some(territory) = territory_named(tree, typed) else {
        return Ok(Err(Refusal::TerritoryUnknown { territory: typed.to_owned() }));
    };
    let purpose = match input.purpose.as_deref() {
        None => RoomPurpose::General,
        Some(p) => match RoomPurpose::parse(p) {
            Some(p) => p,
            None => return Ok(Err(Refusal::PurposeUnknown { purpose: p.to_owned() })),
        },
    };
    if !actor.may(Role::Staff, Some(&territory.id), tree) {
        return Ok(Err(Refusal::NotAllowed));
    }
    if !input.bot_lacks.is_empty() {
        return Ok(Err(Refusal::BotLacksRights { missing: input.bot_lacks.join(", ") }));
    }
    let linked = |chat_id: &str| Room {
        network: input.place.network,
        chat_id: chat_id.to_owned(),
        territory: territory.id.clone(),
        purpose,
        linked_by: actor.id,
        linked_at: now,
    };
    let entry = |room: &Room| ModEntry {
        at: now,
        actor: Some(actor.id),
        subject: None,
        action: "link".into(),
        reason: purpose.as_str().into(),
        territory: territory.id.clone(),
        network: Some(room.network),
        chat: Some(room.chat_id.clone()),
        until: None,
    };
    for child in input.children.iter().filter(|c| **c != input.place.chat_id) {
        let room = linked(child);
        store.room_link(&room, &entry(&room)).await?;
    }
    let room = linked(&input.place.chat_id);
    store.room_link(&room, &entry(&room)).await?;
    Ok(Ok(room))
}

/// Unlinks the group, and the rooms within it (`children`, a Matrix Space's) that are linked
/// to the same territory; staff of its territory or an admin only.
pub async fn unlink(
    actor: &Person,
    place: &Place,
    children: &[String],
    store: &dyn Store,
    tree: &TerritoryTree,
    now: DateTime<Utc>,
) -> Result<Result<Room, Refusal>, StoreError> {
    if !place.group {
        return Ok(Err(Refusal::NotInGroup));
    }
    let Some(room) = store.room(place.network, &place.chat_id).await? else {
        return Ok(Err(Refusal::NotLinked));
    };
    if !actor.may(Role::Staff, Some(&room.territory), tree) {
        return Ok(Err(Refusal::NotAllowed));
    }
    let entry = |chat: &str| ModEntry {
        at: now,
        actor: Some(actor.id),
        subject: None,
        action: "unlink".into(),
        reason: String::new(),
        territory: room.territory.clone(),
        network: Some(room.network),
        chat: Some(chat.to_owned()),
        until: None,
    };
    for child in children.iter().filter(|c| **c != place.chat_id) {
        if store.room(place.network, child).await?.is_some_and(|r| r.territory == room.territory) {
            store.room_unlink(place.network, child, &entry(child)).await?;
        }
    }
    store.room_unlink(place.network, &place.chat_id, &entry(&place.chat_id)).await?;
    Ok(Ok(room))
}

/// The rooms of a territory and its subtree.
pub async fn rooms_of(
    territory: &TerritoryId,
    store: &dyn Store,
    tree: &TerritoryTree,
) -> Result<Vec<Room>, StoreError> {
    store.rooms_in(&tree.subtree(territory)).await
}
