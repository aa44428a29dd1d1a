//! Correcting an announcement: its author, staff of its scope or an admin may give it new
//! texts while it is pending, scheduled, being sent or done; a cancelled one is not corrected.
//! Copies not yet sent go out with the new texts (those waiting in an outbox are taken back
//! and queued again); copies already sent get an edit where the network allows one, each
//! edit queued once under its own delivery key and recorded as it went. Telegram lets a bot
//! edit its messages for [`TELEGRAM_EDIT_HOURS`] hours: copies older than that keep the old
//! text (`too_old`), and a done announcement all of whose copies are that old is refused.
//! A room's copy is corrected the same way (an edit of its message in the room).
//! Names no network API: the correction's job (the chat layer's) hands the edits to the
//! couriers.

use super::compose::TEXT_MAX;
use super::{By, Refusal};
use chrono::{DateTime, Utc};
use vicinato_domain::{
    Announcement, AnnouncementId, AnnouncementState, AnnouncementTexts, CopyState, Network, TELEGRAM_EDIT_HOURS,
    TerritoryTree, edit_window,
};
use vicinato_store::{NewJob, Store, StoreError};

/// The kind of the job that hands a correction's edits and re-queued copies to the couriers.
pub const CORRECT_JOB: &str = "announcement-correct";

/// The key of an announcement's correction job (one at a time: a later correction replaces
/// the job of an earlier one, whose edits it supersedes).
pub fn job_key(id: AnnouncementId) -> String {
    format!("announce-fix:{id}")
}

/// The correction job of an announcement, due at `at`.
pub fn job(id: AnnouncementId, at: DateTime<Utc>) -> NewJob {
    NewJob {
        kind: CORRECT_JOB.into(),
        key: Some(job_key(id)),
        payload: serde_json::json!({ "announcement": id }).to_string(),
        due_at: at,
        cron: None,
        zone: "UTC".into(),
    }
}

/// A correction kept.
#[derive(Debug, Clone, PartialEq)]
pub struct Corrected {
    pub announcement: Announcement,
    /// Its number (1 for the first).
    pub correction: u32,
    /// Copies already sent (they get an edit where the network allows it).
    pub sent: i64,
    /// Of those, copies too old for their network to edit.
    pub too_old: i64,
}

/// The earliest sending time each network still lets a bot edit, at `now`.
pub fn edit_cutoffs(now: DateTime<Utc>) -> Vec<(Network, DateTime<Utc>)> {
    [Network::Telegram, Network::Matrix, Network::Console]
        .into_iter()
        .filter_map(|n| edit_window(n).map(|w| (n, now - w)))
        .collect()
}

/// Whether a copy sent at `sent_at` on `network` can no longer be edited at `now`.
fn too_old(network: Network, sent_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    match (edit_window(network), sent_at) {
        (Some(window), Some(at)) => at < now - window,
        _ => false,
    }
}

/// Whether `by` may correct announcement `id` now: the announcement, or why not.
pub async fn check(
    by: By<'_>,
    id: AnnouncementId,
    store: &dyn Store,
    tree: &TerritoryTree,
    now: DateTime<Utc>,
) -> Result<Result<(Announcement, i64, i64), Refusal>, StoreError> {
    let Some(found) = store.announcement(id).await? else {
        return Ok(Err(Refusal::Unknown { id: id.0 }));
    };
    if !by.may_manage(&found, tree) {
        return Ok(Err(Refusal::NotAllowed));
    }
    if found.state == AnnouncementState::Cancelled {
        return Ok(Err(Refusal::CorrectCancelled { id: id.0 }));
    }
    // People's copies and rooms' copies alike get their edit.
    let sent: Vec<(Network, Option<DateTime<Utc>>)> = store
        .recipients(id, Some(&CopyState::Sent), i64::MAX)
        .await?
        .into_iter()
        .map(|c| (c.network, c.sent_at))
        .chain(
            store.room_copies(id, Some(&CopyState::Sent), i64::MAX).await?.into_iter().map(|c| (c.network, c.sent_at)),
        )
        .collect();
    let old = sent.iter().filter(|(network, at)| too_old(*network, *at, now)).count() as i64;
    if found.state == AnnouncementState::Done && !sent.is_empty() && old == sent.len() as i64 {
        return Ok(Err(Refusal::TooOldToEdit { id: id.0, hours: TELEGRAM_EDIT_HOURS }));
    }
    Ok(Ok((found, sent.len() as i64, old)))
}

/// Corrects announcement `id` with `texts`, if `by` may and it can still be corrected.
pub async fn correct(
    by: By<'_>,
    id: AnnouncementId,
    texts: AnnouncementTexts,
    store: &dyn Store,
    tree: &TerritoryTree,
    now: DateTime<Utc>,
) -> Result<Result<Corrected, Refusal>, StoreError> {
    let (found, sent, too_old) = match check(by, id, store, tree, now).await? {
        Ok(checked) => checked,
        Err(r) => return Ok(Err(r)),
    };
    if texts.it.trim().is_empty() {
        return Ok(Err(Refusal::EmptyText));
    }
    let too_long = |t: &str| t.chars().count() > TEXT_MAX;
    if too_long(&texts.it) || texts.en.as_deref().is_some_and(too_long) {
        return Ok(Err(Refusal::TooLong { max: TEXT_MAX as i64 }));
    }
    let author = match by {
        By::Person(p) => Some(p.id),
        By::Operator => None,
    };
    let Some(correction) = store.announcement_correct(id, &texts, author, &job(id, now), now).await? else {
        return Ok(Err(Refusal::CorrectCancelled { id: id.0 }));
    };
    let announcement = Announcement { texts, corrections: correction, ..found };
    Ok(Ok(Corrected { announcement, correction, sent, too_old }))
}
