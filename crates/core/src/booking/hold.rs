//! The answer to a slot offered from the waitlist (a held booking). Taking it up checks every
//! slot rule again (a quota may be used meanwhile, a closure set); a slot that now breaks one
//! is let go with the reason. The status change, the end of the hold and the booking's
//! reminders (or the offer to the next in line) are one transaction. Only the person it is
//! held for answers. Words nothing.

use super::rules::{self, Wish};
use super::{Catalogue, Event, Refusal, jobs};
use chrono::{DateTime, Utc};
use vicinato_domain::*;
use vicinato_store::{Store, StoreError};

/// What became of the held booking.
#[derive(Debug, Clone, PartialEq)]
pub struct Answered {
    /// Confirmed, pending (the space needs approval) or cancelled (let go).
    pub booking: Booking,
    /// Why a slot taken up was let go after all: it breaks a rule now.
    pub broken: Option<Refusal>,
    pub events: Vec<Event>,
}

/// Takes up (`take`) or lets go of the slot held for the actor as `booking`.
pub async fn answer(
    actor: &Person,
    booking: BookingId,
    take: bool,
    store: &dyn Store,
    now: DateTime<Utc>,
    catalogue: &Catalogue<'_>,
) -> Result<Result<Answered, Refusal>, StoreError> {
    let Some(b) = store.booking(booking).await?.filter(|b| b.person == actor.id) else {
        return Ok(Err(Refusal::NotFound));
    };
    let Some((house, space)) = catalogue.spaces.space(&b.space) else {
        return Ok(Err(Refusal::NotFound));
    };
    let needs_approval = rules::needs_approval(store, space).await?;
    let mut broken = None;
    if take && b.status == BookingStatus::Held {
        let wish = Wish {
            space,
            person: b.person,
            association: b.association.as_ref(),
            replaces: Some(b.id),
            slot: LocalSlot { start: b.local_start(), end: b.local_end() },
            people: Some(b.people),
        };
        broken = rules::broken(store, catalogue, &wish, now).await?.map(|r| r.refusal(house.zone));
    }
    let to = match (take && broken.is_none(), needs_approval) {
        (false, _) => BookingStatus::Cancelled,
        (true, true) => BookingStatus::Pending,
        (true, false) => BookingStatus::Confirmed,
    };
    let put = match to {
        BookingStatus::Cancelled => vec![jobs::freed(&b, now)],
        BookingStatus::Confirmed => jobs::of_confirmed(&catalogue.spaces.settings, &b, now),
        _ => Vec::new(),
    };
    let drop = [jobs::hold_key(b.id)];
    let changed = store.booking_transition_with(b.id, &[BookingStatus::Held], to, &put, &drop, now).await?;
    let Some(b) = changed else {
        return Ok(Err(Refusal::OfferOver));
    };
    let mut events = vec![Event::JobsAdded];
    if b.status == BookingStatus::Cancelled {
        events.push(Event::Freed(b.clone()));
    }
    Ok(Ok(Answered { booking: b, broken, events }))
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    #[tokio::test]
    async fn the_person_it_is_held_for_takes_it_up_or_lets_it_go() {
        let t = Setup::new().await;
        let ann = t.person("ann").await;
        let b = t.booking(&ann, BookingStatus::Held, 26).await;
        let bob = t.person("bob").await;
        let r = answer(&bob, b.id, true, t.store(), t.now, &t.catalogue()).await.unwrap();
        assert_eq!(r, Err(Refusal::NotFound));
        let done = answer(&ann, b.id, true, t.store(), t.now, &t.catalogue()).await.unwrap().unwrap();
        assert_eq!(done.booking.status, BookingStatus::Confirmed);
        assert_eq!(done.broken, None);
        let r = answer(&ann, b.id, false, t.store(), t.now, &t.catalogue()).await.unwrap();
        assert_eq!(r, Err(Refusal::OfferOver));

        let other = t.booking_at(&ann, BookingStatus::Held, 50).await;
        let done = answer(&ann, other.id, false, t.store(), t.now, &t.catalogue()).await.unwrap().unwrap();
        assert_eq!(done.booking.status, BookingStatus::Cancelled);
        assert!(done.events.contains(&Event::Freed(done.booking.clone())));
    }

    #[tokio::test]
    async fn a_slot_that_breaks_a_rule_now_is_let_go_with_the_reason() {
        let t = Setup::new().await;
        let ann = t.person("ann").await;
        let b = t.booking(&ann, BookingStatus::Held, 26).await;
        // Answered after the start: in the past.
        let late = b.starts + chrono::Duration::minutes(5);
        let done = answer(&ann, b.id, true, t.store(), late, &t.catalogue()).await.unwrap().unwrap();
        assert_eq!(done.booking.status, BookingStatus::Cancelled);
        assert!(matches!(done.broken, Some(Refusal::Slot(_))), "{:?}", done.broken);
    }
}
