//! Recurring announcements: when one occurrence has been delivered, the next is kept as a new
//! announcement of the same series (same author, texts, audience and rooms), due at the next
//! local time of its recurrence (Europe/Rome wall-clock time across the clock changes), with
//! its send job, in the transaction that marks this one done. Cancelling any announcement of
//! a series stops what is left of it (`cancel`).

use super::send_job;
use chrono::{DateTime, Utc};
use vicinato_domain::Announcement;
use vicinato_store::{NewAnnouncement, NewJob, Store, StoreError};

/// The next occurrence of a recurring announcement, with its job; `None` for a single one.
pub fn next(announcement: &Announcement, zone: chrono_tz::Tz, now: DateTime<Utc>) -> Option<(NewAnnouncement, NewJob)> {
    let recurrence = announcement.recurrence.as_ref()?;
    // Never in the past, even when this occurrence went out late.
    let at = recurrence.next_after(announcement.at.max(now), zone);
    let new = NewAnnouncement {
        author: announcement.author,
        texts: announcement.texts.clone(),
        audience: announcement.audience.clone(),
        at,
        recurrence: Some(recurrence.clone()),
        series: Some(announcement.series_id()),
        pending: false,
    };
    Some((new, send_job(None, at)))
}

/// Marks a delivered announcement done and keeps its next occurrence, once: `false` when it
/// was done already (a job run again), and nothing is kept then.
pub async fn finish(
    announcement: &Announcement,
    store: &dyn Store,
    zone: chrono_tz::Tz,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let next = next(announcement, zone, now);
    store.announcement_finish(announcement.id, next.as_ref().map(|(a, j)| (a, j)), now).await
}
