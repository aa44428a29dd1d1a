//! How an announcement went: its state and its copies counted per network and state, with the
//! failure reasons, and the edits of each correction; for its author, staff of its scope and
//! admins.

use super::{By, Refusal};
use vicinato_domain::{Announcement, AnnouncementId, Network, TerritoryTree};
use vicinato_store::{CopyCount, EditCount, Store, StoreError};

/// An announcement and its copies, counted.
#[derive(Debug, Clone, PartialEq)]
pub struct Status {
    pub announcement: Announcement,
    pub counts: Vec<CopyCount>,
    /// The edits of its corrections, counted.
    pub edits: Vec<EditCount>,
}

impl Status {
    /// Copies on a network in a state (`None`: every network).
    pub fn count(&self, network: Option<Network>, state: &str) -> i64 {
        self.counts.iter().filter(|c| network.is_none_or(|n| c.network == n) && c.state == state).map(|c| c.count).sum()
    }

    /// Edits of a correction in a state, over every network.
    pub fn edit_count(&self, correction: u32, state: &str) -> i64 {
        self.edits.iter().filter(|c| c.correction == correction && c.state == state).map(|c| c.count).sum()
    }

    /// Every copy.
    pub fn total(&self) -> i64 {
        self.counts.iter().map(|c| c.count).sum()
    }

    /// The failure reasons, most frequent first, with how many copies each.
    pub fn reasons(&self) -> Vec<(String, i64)> {
        let mut out: Vec<(String, i64)> = Vec::new();
        for c in &self.counts {
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
    Ok(Ok(Status { announcement, counts, edits }))
}
