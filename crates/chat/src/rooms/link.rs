//! `/room link <territory> [general|announcements|moderators]`, `/room unlink`, `/room` (what
//! this group is linked to), `/room lang it|it,en` (the languages of the bot's public
//! messages here) and `/rooms [territory]`. The bot's own rights in the group are
//! asked of the network's courier before linking, and the missing ones named.

use super::place;
use crate::i18n::Msg;
use crate::{Reply, Turn};
use vicinato_core::rooms::link::{LinkRoom, link, rooms_of, territory_named, unlink};
use vicinato_core::rooms::settings::set_languages;
use vicinato_core::rooms::{Refusal, access};
use vicinato_domain::rooms::{Room, RoomPurpose};
use vicinato_store::StoreError;

fn purpose_msg(p: RoomPurpose) -> Msg {
    Msg::new(match p {
        RoomPurpose::General => "rooms-purpose-general",
        RoomPurpose::Announcements => "rooms-purpose-announcements",
        RoomPurpose::Moderators => "rooms-purpose-moderators",
    })
}

fn territory_name(turn: &Turn<'_>, room: &Room) -> String {
    turn.snapshot.tree.get(&room.territory).map_or_else(|| room.territory.as_str().to_owned(), |t| t.name.clone())
}

/// `/room …`.
pub(crate) async fn command(turn: &mut Turn<'_>, args: Option<&str>) -> Result<Vec<Reply>, StoreError> {
    let words: Vec<&str> = args.unwrap_or_default().split_whitespace().collect();
    let here = place(turn);
    let tree = turn.snapshot.tree.clone();
    match words.first().map(|w| vicinato_domain::text::fold(w)).as_deref() {
        Some("link" | "collega") => {
            // The territory may be several words ("san lorenzo"); a known purpose ends it.
            let rest = &words[1..];
            let (territory, purpose) = match rest.split_last() {
                Some((last, before)) if !before.is_empty() && RoomPurpose::parse(last).is_some() => {
                    (Some(before.join(" ")), Some(last.to_string()))
                }
                _ if rest.is_empty() => (None, None),
                _ => (Some(rest.join(" ")), None),
            };
            let (bot_lacks, children) = if here.group {
                let couriers = turn.engine.couriers();
                let asked = match couriers.rooms_within(here.network, &here.chat_id).await {
                    Ok(children) => couriers.missing_rights(here.network, &here.chat_id).await.map(|m| (m, children)),
                    Err(e) => Err(e),
                };
                match asked {
                    Ok(found) => found,
                    Err(e) => {
                        tracing::warn!(error = %e, "cannot ask the network which rights the bot has");
                        return Ok(vec![Reply::id("rooms-rights-unchecked")]);
                    }
                }
            } else {
                (Vec::new(), Vec::new())
            };
            let within = children.len();
            let input = LinkRoom { place: here, territory, purpose, bot_lacks, children };
            match link(&turn.person, input, turn.store(), &tree, turn.now).await? {
                Ok(room) => {
                    let mut reply = Reply::say(
                        Msg::new("rooms-linked")
                            .text("territory", territory_name(turn, &room))
                            .msg("purpose", purpose_msg(room.purpose)),
                    );
                    if within > 0 {
                        reply = reply.then(Msg::new("rooms-linked-within").num("count", within as i64));
                    }
                    Ok(vec![reply])
                }
                Err(refusal) => Ok(vec![Reply::refused(&refusal)]),
            }
        }
        Some("unlink" | "scollega") => {
            let children = if here.group {
                turn.engine.couriers().rooms_within(here.network, &here.chat_id).await.unwrap_or_else(|e| {
                    tracing::warn!(error = %e, "cannot read the rooms within this one");
                    Vec::new()
                })
            } else {
                Vec::new()
            };
            match unlink(&turn.person, &here, &children, turn.store(), &tree, turn.now).await? {
                Ok(room) => {
                    Ok(vec![Reply::say(Msg::new("rooms-unlinked").text("territory", territory_name(turn, &room)))])
                }
                Err(refusal) => Ok(vec![Reply::refused(&refusal)]),
            }
        }
        Some("lang" | "lingua" | "lingue" | "languages") => {
            let typed = words[1..].join(",");
            let langs: Option<Vec<vicinato_domain::Lang>> =
                typed.split([',', ' ', '+']).filter(|w| !w.is_empty()).map(crate::commands::language_arg).collect();
            let langs = match langs {
                Some(l) if !l.is_empty() => l,
                _ => return Ok(vec![Reply::refused(&Refusal::RoomLanguages)]),
            };
            match set_languages(&turn.person, &here, langs, turn.store(), &tree, turn.now).await? {
                Ok((room, settings)) => {
                    let codes = settings.langs.iter().map(|l| l.code()).collect::<Vec<_>>().join(", ");
                    Ok(vec![Reply::say(
                        Msg::new("rooms-languages-set")
                            .text("territory", territory_name(turn, &room))
                            .text("langs", codes),
                    )])
                }
                Err(refusal) => Ok(vec![Reply::refused(&refusal)]),
            }
        }
        _ => {
            if !here.group {
                return Ok(vec![Reply::refused(&Refusal::NotInGroup)]);
            }
            Ok(vec![match turn.store().room(here.network, &here.chat_id).await? {
                Some(room) => Reply::say(
                    Msg::new("rooms-this-room")
                        .text("territory", territory_name(turn, &room))
                        .msg("purpose", purpose_msg(room.purpose)),
                ),
                None => Reply::id("rooms-room-usage"),
            }])
        }
    }
}

/// `/rooms [territory]`: the rooms of the named territory, else of this group's, else of the
/// person's home. Moderators' rooms are listed only to those who moderate there.
pub(crate) async fn list(turn: &mut Turn<'_>, args: Option<&str>) -> Result<Vec<Reply>, StoreError> {
    let tree = turn.snapshot.tree.clone();
    let territory = match args {
        Some(typed) => match territory_named(&tree, typed) {
            Some(t) => Some(t.id.clone()),
            None => {
                return Ok(vec![Reply::refused(&Refusal::TerritoryUnknown { territory: typed.to_owned() })]);
            }
        },
        None => None,
    };
    list_for(turn, territory).await
}

/// The rooms of `territory`, else of this group's territory, else of the person's home; in a
/// private chat, with a personal invite link to each the person may join.
pub(crate) async fn list_for(
    turn: &mut Turn<'_>,
    territory: Option<vicinato_domain::TerritoryId>,
) -> Result<Vec<Reply>, StoreError> {
    let tree = turn.snapshot.tree.clone();
    let territory = match territory {
        Some(t) => Some(t),
        None => match turn.store().room(turn.network, &turn.chat_id).await? {
            Some(room) => Some(room.territory),
            None => turn.person.home.clone(),
        },
    };
    let Some(territory) = territory else {
        return Ok(vec![Reply::id("rooms-list-which")]);
    };
    let name = tree.get(&territory).map_or_else(|| territory.as_str().to_owned(), |t| t.name.clone());
    let rooms: Vec<Room> = rooms_of(&territory, turn.store(), &tree)
        .await?
        .into_iter()
        .filter(|r| r.purpose != RoomPurpose::Moderators || access::may_moderate(&turn.person, &r.territory, &tree))
        .collect();
    if rooms.is_empty() {
        return Ok(vec![Reply::say(Msg::new("rooms-none").text("territory", name))]);
    }
    let mut reply = Reply::say(Msg::new("rooms-list").text("territory", name).num("count", rooms.len() as i64));
    for room in &rooms {
        reply = reply.then(
            Msg::new("rooms-list-line")
                .text("territory", territory_name(turn, room))
                .msg("purpose", purpose_msg(room.purpose))
                .text("network", room.network.as_str()),
        );
    }
    if turn.chat_kind == crate::ChatKind::Direct {
        let links = super::join::invite_lines(turn, &rooms).await;
        if !links.is_empty() {
            reply = reply.then(Msg::new("rooms-join-how"));
            for line in links {
                reply = reply.then(line);
            }
        }
        let choices = super::join::invitation_buttons(turn, &rooms).await;
        if !choices.is_empty() {
            reply = reply.then(Msg::new("rooms-join-choose")).with_buttons(choices);
        }
    } else {
        reply = reply.then(Msg::new("rooms-join-privately"));
    }
    Ok(vec![reply])
}
