//! What the scheduler's booking jobs decide when they run, with the same rules as a person's
//! action: whether a reminder is still due, the release of a confirmed booking nobody checked
//! in to, and the end of a hold not taken up. Each reads the booking again, so a booking
//! cancelled or changed meanwhile gets nothing; each change, its note and the offer of the
//! slot to the waitlist are one transaction. Words nothing.

use super::{Deliver, Event, Outcome, Tell, jobs, notice_for};
use chrono::{DateTime, Utc};
use vicinato_domain::*;
use vicinato_store::{Store, StoreError};

/// The booking a reminder is for, if it is still confirmed and has not started.
pub async fn reminder_due(
    booking: BookingId,
    store: &dyn Store,
    now: DateTime<Utc>,
) -> Result<Option<Booking>, StoreError> {
    Ok(store.booking(booking).await?.filter(|b| b.status == BookingStatus::Confirmed && b.starts > now))
}

/// Releases a confirmed booking nobody checked in to; `None` when there is nothing to do.
pub async fn no_show(
    booking: BookingId,
    store: &dyn Store,
    now: DateTime<Utc>,
    deliver: Deliver<'_>,
) -> Result<Option<Outcome>, StoreError> {
    let Some(b) = store.booking(booking).await? else {
        return Ok(None);
    };
    if b.status != BookingStatus::Confirmed || b.checked_in_at.is_some() || b.ends <= now {
        return Ok(None);
    }
    let notice = notice_for(store, &b, Tell::Released).await?;
    // The release, its note and the offer to the waitlist are committed together.
    let put = [jobs::freed(&b, now), deliver(&notice)];
    let released =
        store.booking_transition_with(b.id, &[BookingStatus::Confirmed], BookingStatus::Released, &put, &[], now);
    let Some(b) = released.await? else {
        return Ok(None);
    };
    tracing::info!(booking = %b.id, "booking released: nobody checked in");
    Ok(Some(Outcome { booking: b.clone(), events: vec![Event::Freed(b), Event::Told(notice)] }))
}

/// A hold ran out: the booking is cancelled, its holder told, and the slot goes to the next
/// in line. `None` when the offer was answered meanwhile.
pub async fn hold_expired(
    booking: BookingId,
    store: &dyn Store,
    now: DateTime<Utc>,
    settings: &BookingSettings,
    deliver: Deliver<'_>,
) -> Result<Option<Outcome>, StoreError> {
    let Some(b) = store.booking(booking).await?.filter(|b| b.status == BookingStatus::Held) else {
        return Ok(None);
    };
    let notice = notice_for(store, &b, Tell::HoldExpired).await?;
    let put = [jobs::freed(&b, now), deliver(&notice)];
    let drop = jobs::keys(settings, &b);
    let changed =
        store.booking_transition_with(b.id, &[BookingStatus::Held], BookingStatus::Cancelled, &put, &drop, now);
    let Some(b) = changed.await? else {
        return Ok(None);
    };
    Ok(Some(Outcome { booking: b.clone(), events: vec![Event::Told(notice), Event::Freed(b)] }))
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    #[tokio::test]
    async fn a_booking_nobody_checked_in_to_is_released_once() {
        let t = Setup::new().await;
        let ann = t.person("ann").await;
        let b = t.booking(&ann, BookingStatus::Confirmed, 2).await;
        assert_eq!(reminder_due(b.id, t.store(), t.now).await.unwrap().map(|b| b.id), Some(b.id));
        let later = b.starts + chrono::Duration::minutes(20);
        assert_eq!(reminder_due(b.id, t.store(), later).await.unwrap(), None);
        let done = no_show(b.id, t.store(), later, &note_job).await.unwrap().unwrap();
        assert_eq!(done.booking.status, BookingStatus::Released);
        assert!(matches!(&done.events[..], [Event::Freed(_), Event::Told(n)] if n.what == Tell::Released));
        assert_eq!(no_show(b.id, t.store(), later, &note_job).await.unwrap(), None);
    }

    #[tokio::test]
    async fn a_checked_in_booking_is_kept_and_a_hold_runs_out() {
        let t = Setup::new().await;
        let ann = t.person("ann").await;
        let b = t.booking(&ann, BookingStatus::Confirmed, 2).await;
        t.store().booking_check_in(b.id, b.starts).await.unwrap();
        let later = b.starts + chrono::Duration::minutes(20);
        assert_eq!(no_show(b.id, t.store(), later, &note_job).await.unwrap(), None);
        let held = t.booking_at(&ann, BookingStatus::Held, 50).await;
        let done = hold_expired(held.id, t.store(), t.now, &t.spaces.settings, &note_job).await.unwrap().unwrap();
        assert_eq!(done.booking.status, BookingStatus::Cancelled);
        assert_eq!(hold_expired(held.id, t.store(), t.now, &t.spaces.settings, &note_job).await.unwrap(), None);
    }
}
