//! Cancelling one of my bookings (from the list, a reminder or the approval note): the
//! booking stops occupying its slot, its reminders and no-show check go, and the slot is
//! offered to the waitlist, all in one transaction. Only the booker may cancel. Words
//! nothing and delivers nothing: the caller acts on the outcome's events.

use super::{Event, Outcome, Refusal, jobs};
use chrono::{DateTime, Utc};
use vicinato_domain::*;
use vicinato_store::{Store, StoreError};

/// Cancels `booking`, which must be the actor's and still live.
pub async fn cancel(
    actor: &Person,
    booking: BookingId,
    store: &dyn Store,
    now: DateTime<Utc>,
    settings: &BookingSettings,
) -> Result<Result<Outcome, Refusal>, StoreError> {
    let Some(booking) = store.booking(booking).await?.filter(|b| b.person == actor.id) else {
        return Ok(Err(Refusal::NotFound));
    };
    let live = [BookingStatus::Held, BookingStatus::Pending, BookingStatus::Confirmed];
    // The cancellation, the end of its jobs and the offer to the waitlist are one transaction.
    let put = [jobs::freed(&booking, now)];
    let drop = jobs::keys(settings, &booking);
    let cancelled = store.booking_transition_with(booking.id, &live, BookingStatus::Cancelled, &put, &drop, now);
    match cancelled.await? {
        Some(b) => {
            tracing::info!(booking = %b.id, "booking cancelled");
            Ok(Ok(Outcome { booking: b.clone(), events: vec![Event::Freed(b)] }))
        }
        None => Ok(Err(Refusal::AlreadyOver)),
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    #[tokio::test]
    async fn the_booker_cancels_and_the_slot_goes_to_the_waitlist() {
        let t = Setup::new().await;
        let ann = t.person("ann").await;
        let b = t.booking(&ann, BookingStatus::Confirmed, 2).await;
        let done = cancel(&ann, b.id, t.store(), t.now, &t.spaces.settings).await.unwrap().unwrap();
        assert_eq!(done.booking.status, BookingStatus::Cancelled);
        assert_eq!(done.events, vec![Event::Freed(done.booking.clone())]);
        // Twice: it is over.
        let again = cancel(&ann, b.id, t.store(), t.now, &t.spaces.settings).await.unwrap();
        assert_eq!(again, Err(Refusal::AlreadyOver));
    }

    #[tokio::test]
    async fn nobody_cancels_someone_elses_booking() {
        let t = Setup::new().await;
        let ann = t.person("ann").await;
        let bob = t.staff("bob", "centocelle").await;
        let b = t.booking(&ann, BookingStatus::Confirmed, 2).await;
        assert_eq!(cancel(&bob, b.id, t.store(), t.now, &t.spaces.settings).await.unwrap(), Err(Refusal::NotFound));
        let missing = cancel(&ann, BookingId(9999), t.store(), t.now, &t.spaces.settings).await.unwrap();
        assert_eq!(missing, Err(Refusal::NotFound));
        assert_eq!(t.store().booking(b.id).await.unwrap().unwrap().status, BookingStatus::Confirmed);
    }
}
