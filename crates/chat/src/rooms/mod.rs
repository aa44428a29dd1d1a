//! Rooms in chat: `/room link|unlink` and `/rooms` (`link`), joining by request with personal
//! invite links and the questions before joining (`join`), rules, welcome and questions
//! (`texts`), the moderation commands and `/modlog` (`moderate`), `/report` (`report`),
//! `/appeal` (`appeal`), the protections applied to every message in a linked group and
//! `/protect` (`protect`), a territory's `/escalation` (`escalation`), their buttons
//! (`buttons`), and the job that ends a timed sanction (`ending`). The rules are in
//! `vicinato_core::rooms`; here the outcomes become replies, notes to the member, and room
//! actions handed to the couriers, which carry them out on their networks.
//!
//! Names no network and no SQL; what another capability also needs lives in the crate root or a layer below, never in a sibling capability's files.

pub(crate) mod appeal;
pub(crate) mod buttons;
pub(crate) mod ending;
pub(crate) mod escalation;
pub(crate) mod join;
pub(crate) mod link;
pub(crate) mod moderate;
pub(crate) mod module;
pub(crate) mod protect;
pub(crate) mod report;
pub(crate) mod texts;

use crate::{Reply, Turn};
use buttons::RoomsButton;
use chrono::{DateTime, Utc};
use vicinato_core::rooms::Place;
use vicinato_store::StoreError;

/// The chat of a turn, as the core's rules see it.
pub(crate) fn place(turn: &Turn<'_>) -> Place {
    Place { network: turn.network, chat_id: turn.chat_id.clone(), group: turn.chat_kind == crate::ChatKind::Group }
}

/// A time as people read it, in the house's zone.
pub(crate) fn shown_time(turn: &Turn<'_>, t: DateTime<Utc>) -> String {
    shown_at(turn.engine, t)
}

/// [`shown_time`] where there is no turn.
pub(crate) fn shown_at(engine: &crate::Engine, t: DateTime<Utc>) -> String {
    t.with_timezone(&engine.settings().time_zone).format("%d/%m/%Y %H:%M").to_string()
}

/// In a linked group, what everyone reads is written in the room's languages (Italian, or
/// Italian then English); what goes to the sender alone stays in theirs.
pub(crate) async fn in_room_languages(turn: &Turn<'_>, mut replies: Vec<Reply>) -> Result<Vec<Reply>, StoreError> {
    if turn.chat_kind != crate::ChatKind::Group
        || !replies.iter().any(|r| r.visibility == crate::Visibility::Chat)
        || turn.store().room(turn.network, &turn.chat_id).await?.is_none()
    {
        return Ok(replies);
    }
    let settings = vicinato_core::rooms::settings::settings_of(turn.store(), turn.network, &turn.chat_id).await?;
    for r in replies.iter_mut().filter(|r| r.visibility == crate::Visibility::Chat) {
        r.in_langs.clone_from(&settings.langs);
    }
    Ok(replies)
}

/// A press on one of the rooms module's buttons.
pub(crate) async fn on_button(turn: &mut Turn<'_>, button: RoomsButton) -> Result<Vec<Reply>, StoreError> {
    match button {
        RoomsButton::Join { index, yes, chat } => join::answered(turn, index, yes, &chat).await,
        RoomsButton::Report { decision, key } => report::pressed(turn, decision, &key).await,
        RoomsButton::Appeal { lift, key } => appeal::pressed(turn, lift, &key).await,
        RoomsButton::Held { release, key } => protect::pressed(turn, release, &key).await,
        RoomsButton::Enter { chat } => {
            // Only where rooms are joined by invitation; elsewhere the network asks to join.
            let replies = if turn.engine.couriers().invites_to_rooms(turn.network) {
                join::requested(turn, &chat).await?
            } else {
                Vec::new()
            };
            if replies.is_empty() {
                return Ok(vec![Reply::refused(&vicinato_core::rooms::Refusal::NotLinked)]);
            }
            Ok(replies)
        }
    }
}
