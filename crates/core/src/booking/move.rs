//! Moving a booking to another time: the same space, people, purpose and association, and
//! the same length unless another is asked. Only the booker, or staff of the house's
//! territory (or above it), may move it, and only while it is live. The new slot passes every
//! rule a booking passes ([`super::book`]), with the old booking not counted against the
//! quota; the old one is cancelled in the new one's transaction, its jobs go and its slot is
//! offered to the waitlist. Words nothing.

use super::book::{self, BookInput, Booked};
use super::{Catalogue, Refusal};
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use vicinato_domain::*;
use vicinato_store::{Store, StoreError};

/// Where to move a booking.
#[derive(Debug, Clone, PartialEq)]
pub struct MoveInput {
    pub booking: BookingId,
    /// The new start, local to the house.
    pub start: NaiveDateTime,
    /// The new length; `None` keeps the booking's.
    pub minutes: Option<u16>,
    /// How many people now; `None` keeps the booking's.
    pub people: Option<u32>,
}

/// Moves the booking to the new time.
pub async fn move_booking(
    actor: &Person,
    input: MoveInput,
    store: &dyn Store,
    now: DateTime<Utc>,
    catalogue: &Catalogue<'_>,
) -> Result<Result<Booked, Refusal>, StoreError> {
    let old = match book::movable(actor, input.booking, store, catalogue).await? {
        Ok(b) => b,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let minutes = input.minutes.map_or((old.ends - old.starts).num_minutes(), i64::from);
    let Some(end) = input.start.checked_add_signed(Duration::minutes(minutes)) else {
        return Ok(Err(Refusal::Expired));
    };
    let for_whom = Some(match &old.association {
        Some(a) => BookingFor::Association(a.clone()),
        None => BookingFor::Me,
    });
    let wanted = BookInput {
        space: old.space.clone(),
        slot: LocalSlot { start: input.start, end },
        people: Some(input.people.unwrap_or(old.people)),
        purpose: old.purpose.clone(),
        for_whom,
        replaces: Some(old.id),
        weeks: None,
        days: None,
    };
    book::book(actor, wanted, store, now, catalogue).await
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::super::{Event, book::Skipped};
    use super::*;

    fn to(b: &Booking, hours: i64) -> MoveInput {
        MoveInput { booking: b.id, start: b.local_start() + Duration::hours(hours), minutes: None, people: None }
    }

    #[tokio::test]
    async fn a_moved_booking_keeps_its_length_and_frees_the_old_slot() {
        let t = Setup::new().await;
        let ann = t.person("ann").await;
        let b = t.booking(&ann, BookingStatus::Confirmed, 26).await;
        let done = move_booking(&ann, to(&b, 24), t.store(), t.now, &t.catalogue()).await.unwrap().unwrap();
        let new = &done.bookings[0];
        assert_eq!(new.ends - new.starts, b.ends - b.starts);
        assert_eq!((new.space.clone(), new.people, new.person), (b.space.clone(), b.people, ann.id));
        assert_eq!(new.starts, b.starts + Duration::hours(24));
        let old = t.store().booking(b.id).await.unwrap().unwrap();
        assert_eq!(old.status, BookingStatus::Cancelled);
        assert!(done.events.contains(&Event::Freed(old)), "{:?}", done.events);
        assert_eq!(done.skipped, Vec::<(LocalSlot, Skipped)>::new());
    }

    #[tokio::test]
    async fn a_booking_is_not_moved_onto_a_taken_slot() {
        let t = Setup::new().await;
        let ann = t.person("ann").await;
        let bob = t.person("bob").await;
        let b = t.booking(&ann, BookingStatus::Confirmed, 26).await;
        t.booking(&bob, BookingStatus::Confirmed, 50).await;
        let r = move_booking(&ann, to(&b, 24), t.store(), t.now, &t.catalogue()).await.unwrap();
        assert_eq!(r, Err(Refusal::Taken));
        assert_eq!(t.store().booking(b.id).await.unwrap().unwrap().status, BookingStatus::Confirmed);
    }

    #[tokio::test]
    async fn only_the_booker_or_staff_of_the_house_move_a_booking() {
        let t = Setup::new().await;
        let ann = t.person("ann").await;
        let bob = t.person("bob").await;
        let elsewhere = t.staff("eva", "san-lorenzo").await;
        let staff = t.staff("sam", "centocelle").await;
        let b = t.booking(&ann, BookingStatus::Confirmed, 26).await;
        for someone in [&bob, &elsewhere] {
            let r = move_booking(someone, to(&b, 24), t.store(), t.now, &t.catalogue()).await.unwrap();
            assert_eq!(r, Err(Refusal::NotFound), "{}", someone.display_name);
        }
        let done = move_booking(&staff, to(&b, 24), t.store(), t.now, &t.catalogue()).await.unwrap().unwrap();
        assert_eq!(done.bookings[0].person, ann.id, "still the booker's");
        // Over now: nobody moves it again.
        let r = move_booking(&ann, to(&b, 48), t.store(), t.now, &t.catalogue()).await.unwrap();
        assert_eq!(r, Err(Refusal::NotFound));
    }
}
