//! `/rules` (`/regole`), `/welcome` (`/benvenuto`) and `/questions` (`/domande`): showing a
//! room's or territory's rules, welcome and join questions in the person's language, and
//! setting them (`… set [it|en] text`; questions separated by `|`). In a linked group they are
//! the room's; privately the territory comes first (`/rules set centocelle en Be kind`). The
//! rules (who may, the lookup up the tree) are core's.

use super::place;
use crate::commands::language_arg;
use crate::i18n::Msg;
use crate::{Reply, Turn};
use vicinato_core::rooms::Refusal;
use vicinato_core::rooms::link::territory_named;
use vicinato_core::rooms::texts::{SetText, set_text, text_for};
use vicinato_domain::TerritoryId;
use vicinato_domain::rooms::{Room, TextKind};
use vicinato_store::StoreError;

fn kind_msg(kind: TextKind) -> Msg {
    Msg::new(match kind {
        TextKind::Rules => "rooms-kind-rules",
        TextKind::Welcome => "rooms-kind-welcome",
        TextKind::Questions => "rooms-kind-questions",
    })
}

/// `/rules …`, `/welcome …`, `/questions …`.
pub(crate) async fn command(turn: &mut Turn<'_>, kind: TextKind, args: Option<&str>) -> Result<Vec<Reply>, StoreError> {
    let args = args.unwrap_or_default().trim();
    let (head, rest) = args.split_once(char::is_whitespace).unwrap_or((args, ""));
    if matches!(vicinato_domain::text::fold(head).as_str(), "set" | "imposta" | "scrivi") {
        return set(turn, kind, rest.trim()).await;
    }
    show(turn, kind, (!args.is_empty()).then_some(args)).await
}

async fn set(turn: &mut Turn<'_>, kind: TextKind, rest: &str) -> Result<Vec<Reply>, StoreError> {
    let here = place(turn);
    let mut rest = rest;
    let mut territory = None;
    if !here.group {
        let (t, after) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        territory = (!t.is_empty()).then(|| t.to_owned());
        rest = after.trim();
    }
    let (first, after) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let (lang, text) = match language_arg(first) {
        Some(lang) if first.len() <= 8 => (lang, after.trim()),
        _ => (turn.lang, rest),
    };
    let text = match kind {
        TextKind::Questions => text.split('|').map(str::trim).filter(|q| !q.is_empty()).collect::<Vec<_>>().join("\n"),
        _ => text.to_owned(),
    };
    let tree = turn.snapshot.tree.clone();
    let input = SetText { place: here, territory, kind, lang, text };
    Ok(vec![match set_text(&turn.person, input, turn.store(), &tree, turn.now).await? {
        Ok(set) => Reply::say(Msg::new("rooms-text-set").msg("kind", kind_msg(kind)).text("lang", set.lang.code())),
        Err(refusal) => Reply::refused(&refusal),
    }])
}

/// Where a `/rules` typed here reads from: this linked room, else the territory named, else
/// the person's home.
async fn where_from(
    turn: &Turn<'_>,
    named: Option<&str>,
) -> Result<Result<(Option<Room>, TerritoryId), Reply>, StoreError> {
    let room = if turn.chat_kind == crate::ChatKind::Group {
        turn.store().room(turn.network, &turn.chat_id).await?
    } else {
        None
    };
    if let Some(room) = room {
        let t = room.territory.clone();
        return Ok(Ok((Some(room), t)));
    }
    if let Some(typed) = named {
        return Ok(match territory_named(&turn.snapshot.tree, typed) {
            Some(t) => Ok((None, t.id.clone())),
            None => Err(Reply::refused(&Refusal::TerritoryUnknown { territory: typed.to_owned() })),
        });
    }
    Ok(match &turn.person.home {
        Some(home) => Ok((None, home.clone())),
        None => Err(Reply::id("rooms-list-which")),
    })
}

async fn show(turn: &mut Turn<'_>, kind: TextKind, named: Option<&str>) -> Result<Vec<Reply>, StoreError> {
    let (room, territory) = match where_from(turn, named).await? {
        Ok(found) => found,
        Err(reply) => return Ok(vec![reply]),
    };
    let tree = turn.snapshot.tree.clone();
    let name = tree.get(&territory).map_or_else(|| territory.as_str().to_owned(), |t| t.name.clone());
    let found = text_for(kind, room.as_ref(), &territory, turn.lang, turn.store(), &tree).await?;
    Ok(vec![match found {
        Some(t) => Reply::say(
            Msg::new("rooms-text-is").msg("kind", kind_msg(kind)).text("territory", name).text("text", t.text),
        ),
        None if kind == TextKind::Questions => Reply::say(Msg::new("rooms-questions-default").text("territory", name)),
        None => Reply::say(Msg::new("rooms-text-none").msg("kind", kind_msg(kind)).text("territory", name)),
    }])
}
