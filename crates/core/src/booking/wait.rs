//! Joining the waitlist of a slot that is taken. The slot must pass every rule a booking
//! passes (nobody queues for what they could not book) and be taken; one entry per person and
//! slot, and at most `cap` at once. Words nothing.

use super::rules::{self, Wish};
use super::{Catalogue, Refusal};
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use vicinato_domain::*;
use vicinato_store::{Store, StoreError, WaitPlace};

/// The slot to wait for, and what the booking would be.
#[derive(Debug, Clone, PartialEq)]
pub struct WaitInput {
    pub space: SpaceId,
    /// Local to the house.
    pub start: NaiveDateTime,
    pub minutes: u16,
    pub people: u32,
    pub purpose: String,
    /// At most this many entries per person at once.
    pub cap: u32,
}

/// What came of it.
#[derive(Debug, Clone, PartialEq)]
pub enum Waited {
    /// In line: 1 = first.
    Joined { space: SpaceId, slot: LocalSlot, place: i64 },
    /// Nothing to wait for: the slot is free, book it.
    Free { space: SpaceId, slot: LocalSlot },
}

/// Puts the actor in line for a taken slot.
pub async fn wait(
    actor: &Person,
    input: WaitInput,
    store: &dyn Store,
    now: DateTime<Utc>,
    catalogue: &Catalogue<'_>,
) -> Result<Result<Waited, Refusal>, StoreError> {
    let Some((house, space)) = catalogue.spaces.space(&input.space) else {
        return Ok(Err(Refusal::Expired));
    };
    let Some(end) = input.start.checked_add_signed(Duration::minutes(i64::from(input.minutes))) else {
        return Ok(Err(Refusal::Expired));
    };
    let slot = LocalSlot { start: input.start, end };
    let Some((starts, ends)) = slot.in_zone(house.zone) else {
        return Ok(Err(Refusal::Expired));
    };
    let wish = Wish { space, person: actor.id, association: None, replaces: None, slot, people: Some(input.people) };
    if let Some(broken) = rules::broken(store, catalogue, &wish, now).await? {
        return Ok(Err(broken.refusal(house.zone)));
    }
    let busy = store.busy(&space.units, starts - Duration::days(1), ends + Duration::days(1)).await?;
    if is_free(space, (starts, ends), &busy) {
        return Ok(Ok(Waited::Free { space: space.id.clone(), slot }));
    }
    let entry = WaitEntry {
        id: 0,
        space: space.id.clone(),
        person: actor.id,
        starts,
        ends,
        people: input.people,
        purpose: input.purpose,
    };
    Ok(match store.waitlist_add(&entry, input.cap, now).await? {
        WaitPlace::Place(place) => Ok(Waited::Joined { space: space.id.clone(), slot, place }),
        WaitPlace::Full => Err(Refusal::WaitlistFull { cap: input.cap }),
    })
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    fn input(b: &Booking, cap: u32) -> WaitInput {
        WaitInput {
            space: b.space.clone(),
            start: b.local_start(),
            minutes: (b.ends - b.starts).num_minutes() as u16,
            people: 2,
            purpose: String::new(),
            cap,
        }
    }

    #[tokio::test]
    async fn a_taken_slot_is_waited_for_once_and_a_free_one_is_booked() {
        let t = Setup::new().await;
        let ann = t.person("ann").await;
        let bob = t.person("bob").await;
        let b = t.booking(&ann, BookingStatus::Confirmed, 26).await;
        let joined = wait(&bob, input(&b, 3), t.store(), t.now, &t.catalogue()).await.unwrap().unwrap();
        assert!(matches!(joined, Waited::Joined { place: 1, .. }), "{joined:?}");
        let free = t.booking_slot(50).await;
        let r = wait(&bob, input(&free, 3), t.store(), t.now, &t.catalogue()).await.unwrap().unwrap();
        assert!(matches!(r, Waited::Free { .. }), "{r:?}");
    }

    #[tokio::test]
    async fn the_rules_and_the_cap_hold_for_a_wait() {
        let t = Setup::new().await;
        let ann = t.person("ann").await;
        let bob = t.person("bob").await;
        let b = t.booking(&ann, BookingStatus::Confirmed, 26).await;
        let r = wait(&bob, input(&b, 0), t.store(), t.now, &t.catalogue()).await.unwrap();
        assert_eq!(r, Err(Refusal::WaitlistFull { cap: 0 }));
        let past = WaitInput { start: b.local_start() - Duration::days(30), ..input(&b, 3) };
        let r = wait(&bob, past, t.store(), t.now, &t.catalogue()).await.unwrap();
        assert!(matches!(r, Err(Refusal::Slot(_))), "{r:?}");
        let nowhere = WaitInput { space: SpaceId::new("nowhere"), ..input(&b, 3) };
        assert_eq!(wait(&bob, nowhere, t.store(), t.now, &t.catalogue()).await.unwrap(), Err(Refusal::Expired));
    }
}
