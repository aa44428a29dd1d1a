//! The rules, welcome and join questions of rooms, per language: the rule behind `/rules set`,
//! `/welcome set` and `/questions set`, and the reading of them for `/rules` and on joining.
//! Typed in a linked group, a text is that room's; typed privately with a territory, it is the
//! territory's, and holds in every room of its subtree without its own. Moderators and staff
//! of the territory (or an admin) set them, checked when they do.
//!
//! A text is looked up from the room to its territory and up its ancestors, nearest first; in
//! the nearest scope that has one, the person's language first, else another.

use super::access::may_moderate;
use super::link::territory_named;
use super::{Place, Refusal};
use chrono::{DateTime, Utc};
use vicinato_domain::rooms::{MAX_ROOM_TEXT_CHARS, ModEntry, Room, RoomText, TextKind, TextScope};
use vicinato_domain::{Lang, Person, TerritoryId, TerritoryTree};
use vicinato_store::{Store, StoreError};

/// `/rules set [it|en] …` and the like, as typed.
#[derive(Debug, Clone)]
pub struct SetText {
    pub place: Place,
    /// Typed in a private chat: the territory the text is for.
    pub territory: Option<String>,
    pub kind: TextKind,
    pub lang: Lang,
    pub text: String,
}

/// Sets a text of this room, or of the territory named.
pub async fn set_text(
    actor: &Person,
    input: SetText,
    store: &dyn Store,
    tree: &TerritoryTree,
    now: DateTime<Utc>,
) -> Result<Result<RoomText, Refusal>, StoreError> {
    let (scope, territory, chat) = if input.place.group {
        let Some(room) = store.room(input.place.network, &input.place.chat_id).await? else {
            return Ok(Err(Refusal::NotLinked));
        };
        let scope = TextScope::Room { network: room.network, chat_id: room.chat_id.clone() };
        (scope, room.territory, Some(room.chat_id))
    } else {
        let Some(typed) = input.territory.as_deref() else {
            return Ok(Err(Refusal::NeedsTerritory));
        };
        let Some(t) = territory_named(tree, typed) else {
            return Ok(Err(Refusal::TerritoryUnknown { territory: typed.to_owned() }));
        };
        (TextScope::Territory(t.id.clone()), t.id.clone(), None)
    };
    if !may_moderate(actor, &territory, tree) {
        return Ok(Err(Refusal::NotAllowed));
    }
    let text = input.text.trim().to_owned();
    if text.is_empty() {
        return Ok(Err(Refusal::NeedsText));
    }
    if text.chars().count() > MAX_ROOM_TEXT_CHARS {
        return Ok(Err(Refusal::TextTooLong { max: MAX_ROOM_TEXT_CHARS as i64 }));
    }
    let value = RoomText { scope, kind: input.kind, lang: input.lang, text };
    let entry = ModEntry {
        at: now,
        actor: Some(actor.id),
        subject: None,
        action: format!("{}-set", input.kind.as_str()),
        reason: input.lang.code().into(),
        territory,
        network: chat.as_ref().map(|_| input.place.network),
        chat,
        until: None,
    };
    store.room_text_set(&value, &entry).await?;
    Ok(Ok(value))
}

/// The scopes a room's texts are read from, nearest first.
fn scopes(room: Option<&Room>, territory: &TerritoryId, tree: &TerritoryTree) -> Vec<String> {
    let mut out: Vec<String> =
        room.map(|r| TextScope::Room { network: r.network, chat_id: r.chat_id.clone() }.key()).into_iter().collect();
    let mut up: Vec<TerritoryId> = tree.ancestors_and_self(territory).into_iter().map(|t| t.id.clone()).collect();
    if up.is_empty() {
        up.push(territory.clone());
    }
    out.extend(up.into_iter().map(|t| TextScope::Territory(t).key()));
    out
}

/// The text of a kind for a room (or, without one, a territory), in `lang` if it was written
/// in it, else in another language; `None` when none was set anywhere up the tree.
pub async fn text_for(
    kind: TextKind,
    room: Option<&Room>,
    territory: &TerritoryId,
    lang: Lang,
    store: &dyn Store,
    tree: &TerritoryTree,
) -> Result<Option<RoomText>, StoreError> {
    let order = scopes(room, territory, tree);
    let found = store.room_texts(&order, kind).await?;
    for scope in &order {
        let here: Vec<&RoomText> = found.iter().filter(|t| &t.scope.key() == scope).collect();
        if let Some(t) = here.iter().find(|t| t.lang == lang).or_else(|| here.first()) {
            return Ok(Some((*t).clone()));
        }
    }
    Ok(None)
}

/// The questions asked before joining a room: one a line of the text set, or `None` for the
/// default ones (the chat layer words them).
pub async fn questions_for(
    room: &Room,
    lang: Lang,
    store: &dyn Store,
    tree: &TerritoryTree,
) -> Result<Option<Vec<String>>, StoreError> {
    Ok(text_for(TextKind::Questions, Some(room), &room.territory, lang, store, tree)
        .await?
        .map(|t| t.text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect::<Vec<_>>()))
}

/// The room of a chat and the territory whose rules it reads: the linked room, or the
/// territory named, or the person's home.
pub fn territory_for_rules(
    room: Option<&Room>,
    named: Option<&TerritoryId>,
    home: Option<&TerritoryId>,
) -> Option<TerritoryId> {
    room.map(|r| r.territory.clone()).or_else(|| named.cloned()).or_else(|| home.cloned())
}
