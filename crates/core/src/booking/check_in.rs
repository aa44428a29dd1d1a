//! Checking in: the actor is at the house for their confirmed booking under way (from 30
//! minutes before its start to its end), which keeps the no-show release away. Records the
//! arrival once; words nothing.

use super::{Outcome, Refusal};
use chrono::{DateTime, Duration, Utc};
use vicinato_domain::*;
use vicinato_store::{Store, StoreError};

/// Checks the actor in to their booking under way.
pub async fn check_in(
    actor: &Person,
    store: &dyn Store,
    now: DateTime<Utc>,
) -> Result<Result<Outcome, Refusal>, StoreError> {
    let bookings = store.bookings_of(actor.id, now).await?;
    let current = bookings
        .into_iter()
        .find(|b| b.status == BookingStatus::Confirmed && b.starts - Duration::minutes(30) <= now && now < b.ends);
    let Some(mut booking) = current else {
        return Ok(Err(Refusal::NothingToCheckIn));
    };
    if booking.checked_in_at.is_none() {
        store.booking_check_in(booking.id, now).await?;
        booking.checked_in_at = Some(now);
    }
    Ok(Ok(Outcome { booking, events: Vec::new() }))
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    #[tokio::test]
    async fn the_booker_checks_in_to_the_booking_under_way_only() {
        let t = Setup::new().await;
        let ann = t.person("ann").await;
        assert_eq!(check_in(&ann, t.store(), t.now).await.unwrap(), Err(Refusal::NothingToCheckIn));
        let b = t.booking(&ann, BookingStatus::Confirmed, 2).await;
        // Two hours before: too early.
        assert_eq!(check_in(&ann, t.store(), t.now).await.unwrap(), Err(Refusal::NothingToCheckIn));
        let at = b.starts - Duration::minutes(10);
        let done = check_in(&ann, t.store(), at).await.unwrap().unwrap();
        assert_eq!(done.booking.id, b.id);
        assert_eq!(t.store().booking(b.id).await.unwrap().unwrap().checked_in_at, Some(at));
        // Someone else has nothing under way.
        let bob = t.person("bob").await;
        assert_eq!(check_in(&bob, t.store(), at).await.unwrap(), Err(Refusal::NothingToCheckIn));
    }
}
