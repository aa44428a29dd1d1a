//! How an announcement went: its state and its copies counted per network and state, with the
//! failure reasons, and the edits of each correction; for its author, staff of its scope and
//! admins.

use super::{By, Refusal};
use vicinato_domain::{Announcement, AnnouncementId, Network, RoomCopy, TerritoryTree};
use vicinato_store::{CopyCount, EditCount, Store, StoreError};

/// An announcement and its copies, counted.
#[derive(Debug, Clone, PartialEq)]
pub struct Status {
    pub announcement: Announcement,
    pub counts: Vec<CopyCount>,
    /// The edits of its corrections, counted.
    pub edits: Vec<EditCount>,
    /// Its copies in linked rooms, counted apart from people's.
    pub rooms: Vec<CopyCount>,
    /// The edits of its room copies, counted.
    pub room_edits: Vec<EditCount>,
}

/// At most this many room copies are read for a status (far more than any scope links).
const ROOMS_READ: i64 = 10_000;

/// Counts the edits of room copies per correction, network, state and reason.
fn count_room_edits(copies: &[RoomCopy]) -> Vec<EditCount> {
    let mut edits: Vec<EditCount> = Vec::new();
    for c in copies {
        if let Some((n, edit)) = &c.edit {
            let (state, reason) = (edit.as_str().to_owned(), edit.reason().map(str::to_owned));
            match edits
                .iter_mut()
                .find(|k| k.correction == *n && k.network == c.network && k.state == state && k.reason == reason)
            {
                Some(k) => k.count += 1,
                None => edits.push(EditCount { correction: *n, network: c.network, state, reason, count: 1 }),
            }
        }
    }
    edits
}

impl Status {
    /// Copies on a network in a state (`None`: every network).
    pub fn count(&self, network: Option<Network>, state: &str) -> i64 {
        self.counts.iter().filter(|c| network.is_none_or(|n| c.network == n) && c.state == state).map(|c| c.count).sum()
    }

    /// Edits of a correction in a state, over every network, of people's and rooms' copies.
    pub fn edit_count(&self, correction: u32, state: &str) -> i64 {
        self.edits
            .iter()
            .chain(&self.room_edits)
            .filter(|c| c.correction == correction && c.state == state)
            .map(|c| c.count)
            .sum()
    }

    /// Every copy to a person.
    pub fn total(&self) -> i64 {
        self.counts.iter().map(|c| c.count).sum()
    }

    /// Room copies on a network in a state (`None`: every network).
    pub fn room_count(&self, network: Option<Network>, state: &str) -> i64 {
        self.rooms.iter().filter(|c| network.is_none_or(|n| c.network == n) && c.state == state).map(|c| c.count).sum()
    }

    /// Every room copy.
    pub fn room_total(&self) -> i64 {
        self.rooms.iter().map(|c| c.count).sum()
    }

    /// The failure reasons, most frequent first, with how many copies each.
    pub fn reasons(&self) -> Vec<(String, i64)> {
        let mut out: Vec<(String, i64)> = Vec::new();
        for c in self.counts.iter().chain(&self.rooms) {
            if let Some(r) = &c.reason {
                match out.iter_mut().find(|(known, _)| known == r) {
                    Some((_, n)) => *n += c.count,
                    None => out.push((r.clone(), c.count)),
                }
            }
        }
        out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        out
    }
}

/// The status of an announcement, if `by` may see it.
pub async fn status(
    by: By<'_>,
    id: AnnouncementId,
    store: &dyn Store,
    tree: &TerritoryTree,
) -> Result<Result<Status, Refusal>, StoreError> {
    let Some(announcement) = store.announcement(id).await? else {
        return Ok(Err(Refusal::Unknown { id: id.0 }));
    };
    if !by.may_manage(&announcement, tree) {
        return Ok(Err(Refusal::NotAllowed));
    }
    let counts = store.recipient_counts(id).await?;
    let edits = store.edit_counts(id).await?;
    let rooms = store.room_copy_counts(id).await?;
    let room_edits = count_room_edits(&store.room_copies(id, None, ROOMS_READ).await?);
    Ok(Ok(Status { announcement, counts, edits, rooms, room_edits }))
}
