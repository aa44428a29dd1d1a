//! Cancelling an announcement: its author, staff of its scope or an admin may stop one that is
//! pending, scheduled or being sent; the copies not yet sent are dropped, what was sent stays
//! sent. Cancelling any announcement of a recurring series stops the rest of the series too
//! (the occurrence sent last week is done, next week's is what stops).

use super::{By, Refusal, job_key};
use chrono::{DateTime, Utc};
use vicinato_domain::{AnnouncementId, TerritoryTree};
use vicinato_store::{Store, StoreError};

/// Cancels an announcement, if `by` may and it is still open.
pub async fn cancel(
    by: By<'_>,
    id: AnnouncementId,
    store: &dyn Store,
    tree: &TerritoryTree,
    now: DateTime<Utc>,
) -> Result<Result<(), Refusal>, StoreError> {
    let Some(found) = store.announcement(id).await? else {
        return Ok(Err(Refusal::Unknown { id: id.0 }));
    };
    if !by.may_manage(&found, tree) {
        return Ok(Err(Refusal::NotAllowed));
    }
    let mut stopped = false;
    if found.state.is_open() {
        stopped |= store.announcement_cancel(id, &job_key(id), now).await?;
    }
    if found.recurrence.is_some() {
        for later in store.announcements_open_in_series(found.series_id()).await? {
            stopped |= store.announcement_cancel(later.id, &job_key(later.id), now).await?;
        }
    }
    if !stopped {
        return Ok(Err(Refusal::Closed { id: id.0 }));
    }
    Ok(Ok(()))
}
