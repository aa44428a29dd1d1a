//! Rooms in chat: `/room link|unlink` and `/rooms` (`link`), the moderation commands and
//! `/modlog` (`moderate`), and the job that ends a timed sanction (`ending`). The rules are in
//! `vicinato_core::rooms`; here the outcomes become replies, notes to the member, and room
//! actions handed to the couriers, which carry them out on their networks.
//!
//! Names no network and no SQL; what another capability also needs lives in the crate root or a layer below, never in a sibling capability's files.

pub(crate) mod ending;
pub(crate) mod link;
pub(crate) mod moderate;
pub(crate) mod module;

use crate::Turn;
use chrono::{DateTime, Utc};
use vicinato_core::rooms::Place;

/// The chat of a turn, as the core's rules see it.
pub(crate) fn place(turn: &Turn<'_>) -> Place {
    Place { network: turn.network, chat_id: turn.chat_id.clone(), group: turn.chat_kind == crate::ChatKind::Group }
}

/// A time as people read it, in the house's zone.
pub(crate) fn shown_time(turn: &Turn<'_>, t: DateTime<Utc>) -> String {
    t.with_timezone(&turn.engine.settings().time_zone).format("%d/%m/%Y %H:%M").to_string()
}
