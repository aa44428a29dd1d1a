//! Joining rooms by conversation: personal invite links offered with the list of a
//! territory's rooms (`/rooms`, "voglio entrare nel gruppo del mio quartiere"), then, when the
//! network tells of the request to join ([`crate::Body::JoinRequest`]), the welcome, the rules
//! in the person's language and the territory's questions, one by one, privately; the answers
//! come back as buttons. The rules (a ban refuses, every answer yes approves) are core's; the
//! approval or refusal is a room action the couriers carry out.

use super::buttons::RoomsButton;
use super::shown_time;
use crate::i18n::Msg;
use crate::{Button, Reply, Turn};
use chrono::Duration;
use vicinato_core::rooms::Place;
use vicinato_core::rooms::join::{Answered, Asked, JoinRequest, Question, answer, request};
use vicinato_core::rooms::texts::text_for;
use vicinato_domain::rooms::{Room, RoomAction, RoomPurpose, Sanction, TextKind};
use vicinato_domain::{Account, Network};
use vicinato_store::StoreError;

/// How long a personal invite link lasts.
pub(crate) const INVITE_HOURS: i64 = 24;

/// The personal invite links to the rooms a person may join (not moderators' rooms), on the
/// networks they have an account on, one line each.
pub(crate) async fn invite_lines(turn: &Turn<'_>, rooms: &[Room]) -> Vec<Msg> {
    let networks: Vec<Network> = turn.person.accounts.iter().map(|a| a.network).collect();
    let name = format!("Vicinato #{}", turn.person.id.0);
    let expires = turn.now + Duration::hours(INVITE_HOURS);
    let couriers = turn.engine.couriers();
    let mut lines = Vec::new();
    for room in rooms.iter().filter(|r| r.purpose != RoomPurpose::Moderators && networks.contains(&r.network)) {
        if couriers.invites_to_rooms(room.network) {
            continue;
        }
        match couriers.invite_link(room.network, &room.chat_id, &name, expires).await {
            Ok(Some(link)) => lines.push(
                Msg::new("rooms-join-link")
                    .text("territory", territory_name(turn, room))
                    .text("link", link)
                    .text("until", shown_time(turn, expires)),
            ),
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, chat = %room.chat_id, "cannot make an invite link"),
        }
    }
    lines
}

/// A button for each room the person may join on this chat's network when that network's
/// rooms are joined by the bot's invitation (Matrix): pressing it asks the questions, then
/// invites. A room within another one offered (a Space's) comes with it, so it has none.
pub(crate) async fn invitation_buttons(turn: &Turn<'_>, rooms: &[Room]) -> Vec<Button> {
    let couriers = turn.engine.couriers();
    if !couriers.invites_to_rooms(turn.network) {
        return Vec::new();
    }
    let offered: Vec<&Room> =
        rooms.iter().filter(|r| r.purpose != RoomPurpose::Moderators && r.network == turn.network).collect();
    let mut within = Vec::new();
    for room in &offered {
        match couriers.rooms_within(room.network, &room.chat_id).await {
            Ok(children) => within.extend(children),
            Err(e) => tracing::info!(error = %e, chat = %room.chat_id, "cannot read the rooms within a room"),
        }
    }
    offered
        .into_iter()
        .filter(|r| !within.contains(&r.chat_id))
        .map(|room| {
            let purpose = match room.purpose {
                RoomPurpose::Announcements => "rooms-purpose-announcements",
                _ => "rooms-purpose-general",
            };
            let label = Msg::new("button-rooms-enter")
                .text("territory", territory_name(turn, room))
                .msg("purpose", Msg::new(purpose));
            Button::msg(label, RoomsButton::Enter { chat: room.chat_id.clone() }.to_payload())
        })
        .collect()
}

fn territory_name(turn: &Turn<'_>, room: &Room) -> String {
    turn.snapshot.tree.get(&room.territory).map_or_else(|| room.territory.as_str().to_owned(), |t| t.name.clone())
}

fn question_reply(turn: &Turn<'_>, room: &Room, question: &Question, index: u32, count: u32) -> Reply {
    let asked = match question {
        Question::LiveOrWork => Msg::new("rooms-question-live-or-work").text("territory", territory_name(turn, room)),
        Question::AcceptRules => Msg::new("rooms-question-accept-rules"),
        Question::Set(q) => Msg::new("rooms-question-set").text("question", q.clone()),
    };
    let button = |yes: bool| RoomsButton::Join { index, yes, chat: room.chat_id.clone() }.to_payload();
    Reply::say(Msg::new("rooms-question-count").num("n", i64::from(index) + 1).num("count", i64::from(count)))
        .then(asked)
        .with_buttons(vec![
            Button::msg(Msg::new("button-rooms-yes"), button(true)),
            Button::msg(Msg::new("button-rooms-no"), button(false)),
        ])
}

/// The refusal of a banned person: what, why, until when, how to appeal.
pub(crate) fn banned_reply(turn: &Turn<'_>, room: &Room, ban: &Sanction) -> Reply {
    let head = match ban.until {
        Some(until) => Msg::new("rooms-join-banned-until")
            .text("territory", territory_name(turn, room))
            .text("until", shown_time(turn, until)),
        None => Msg::new("rooms-join-banned").text("territory", territory_name(turn, room)),
    };
    let mut reply = Reply::say(head);
    if !ban.reason.is_empty() {
        reply = reply.then(Msg::new("rooms-reason").text("reason", ban.reason.clone()));
    }
    reply.then(Msg::new("rooms-how-to-appeal"))
}

async fn act_all(turn: &Turn<'_>, actions: &[RoomAction]) -> usize {
    let mut failed = 0;
    for action in actions {
        if let Err(e) = turn.engine.couriers().act(action).await {
            tracing::warn!(error = %e, chat = %action.chat_id, "a join decision could not be carried out");
            failed += 1;
        }
    }
    failed
}

/// The network tells that the person asks to join the room `chat_id`.
pub(crate) async fn requested(turn: &mut Turn<'_>, chat_id: &str) -> Result<Vec<Reply>, StoreError> {
    let tree = turn.snapshot.tree.clone();
    let input = JoinRequest {
        room: Place { network: turn.network, chat_id: chat_id.to_owned(), group: true },
        member: Account::new(turn.network, turn.sender_id()),
        name: turn.person.display_name.clone(),
    };
    match request(&turn.person, input, turn.store(), &tree, turn.lang, turn.now).await? {
        // Not a room of Vicinato's: its own administrators decide.
        Err(_) => Ok(Vec::new()),
        Ok(Asked::Banned { room, ban, actions }) => {
            act_all(turn, &actions).await;
            Ok(vec![banned_reply(turn, &room, &ban)])
        }
        Ok(Asked::Ask { room, question, index, count }) => {
            let welcome =
                text_for(TextKind::Welcome, Some(&room), &room.territory, turn.lang, turn.store(), &tree).await?;
            let rules = text_for(TextKind::Rules, Some(&room), &room.territory, turn.lang, turn.store(), &tree).await?;
            let mut first = Reply::say(match welcome {
                Some(w) => Msg::new("rooms-welcome-text").text("text", w.text),
                None => Msg::new("rooms-welcome-default").text("territory", territory_name(turn, &room)),
            });
            first = first.then(match rules {
                Some(r) => Msg::new("rooms-rules-on-joining").text("text", r.text),
                None => Msg::new("rooms-rules-none-on-joining"),
            });
            Ok(vec![first, question_reply(turn, &room, &question, index, count)])
        }
    }
}

/// An answer to a question asked before joining.
pub(crate) async fn answered(turn: &mut Turn<'_>, index: u32, yes: bool, chat: &str) -> Result<Vec<Reply>, StoreError> {
    let tree = turn.snapshot.tree.clone();
    let room = Place { network: turn.network, chat_id: chat.to_owned(), group: true };
    Ok(vec![match answer(&turn.person, &room, index, yes, turn.store(), &tree, turn.lang, turn.now).await? {
        Err(refusal) => Reply::refused(&refusal),
        Ok(Answered::Next { room, question, index, count }) => question_reply(turn, &room, &question, index, count),
        Ok(Answered::Approved { room, actions }) => {
            if act_all(turn, &actions).await > 0 {
                Reply::id("rooms-join-failed")
            } else if turn.engine.couriers().invites_to_rooms(room.network) {
                Reply::say(Msg::new("rooms-join-invited").text("territory", territory_name(turn, &room)))
            } else {
                Reply::say(Msg::new("rooms-join-approved").text("territory", territory_name(turn, &room)))
            }
        }
        Ok(Answered::Declined { room, actions }) => {
            act_all(turn, &actions).await;
            Reply::say(Msg::new("rooms-join-declined").text("territory", territory_name(turn, &room)))
        }
        Ok(Answered::Banned { room, ban, actions }) => {
            act_all(turn, &actions).await;
            banned_reply(turn, &room, &ban)
        }
    }])
}
