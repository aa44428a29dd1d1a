//! The estimate shown before an announcement is confirmed: how many people each network would
//! reach if it went out now, how many opted out of its topic or cannot be reached, and about
//! how long sending takes at the bulk rate. Reads the audience; keeps nothing.

use super::expand::{copy_for, room_copy_for, target_rooms};
use chrono::{DateTime, Utc};
use vicinato_domain::{AnnouncementId, Audience, CopyState, Lang, Network, TerritoryTree};
use vicinato_store::{Store, StoreError};

/// Copies sent per second on the bulk lane (Telegram's overall budget, a little under 30).
pub const BULK_PER_SECOND: f64 = 28.0;

/// What an announcement would reach now.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Estimate {
    pub telegram: i64,
    pub matrix: i64,
    /// On other networks (the console) that this process reaches.
    pub other: i64,
    pub opted_out: i64,
    pub unreachable: i64,
    /// Linked rooms that would get a copy.
    pub rooms: i64,
}

impl Estimate {
    /// Copies that would be sent.
    pub fn reached(&self) -> i64 {
        self.telegram + self.matrix + self.other
    }

    /// About how many seconds sending them takes (at least one when there is anything).
    pub fn seconds(&self) -> i64 {
        let copies = self.reached() + self.rooms;
        if copies == 0 { 0 } else { ((copies as f64 / BULK_PER_SECOND).ceil() as i64).max(1) }
    }
}

/// Counts the audience (and its rooms) as the send job would find it now, through the bots of
/// this process.
pub async fn estimate(
    audience: &Audience,
    store: &dyn Store,
    tree: &TerritoryTree,
    channels: &[(Network, String)],
    default_lang: Lang,
    now: DateTime<Utc>,
) -> Result<Estimate, StoreError> {
    let candidates =
        if audience.rooms.people() { store.audience(audience, &audience.topic(), now).await? } else { Vec::new() };
    let mut out = Estimate::default();
    for room in target_rooms(audience, store, tree).await? {
        match room_copy_for(AnnouncementId(0), &room, channels).state {
            CopyState::Queued => out.rooms += 1,
            _ => out.unreachable += 1,
        }
    }
    for c in &candidates {
        let copy = copy_for(AnnouncementId(0), c, channels, default_lang);
        match copy.state {
            CopyState::OptedOut => out.opted_out += 1,
            CopyState::Queued => match copy.network {
                Network::Telegram => out.telegram += 1,
                Network::Matrix => out.matrix += 1,
                _ => out.other += 1,
            },
            _ => out.unreachable += 1,
        }
    }
    Ok(out)
}
