//! The freed-slot waitlist promotion: a booking stopped occupying its slot (cancelled,
//! declined, released, moved, or a hold not taken up), so the first person waiting for any
//! space that shares a unit with it is offered the slot as a held booking, kept for them for
//! `booking.hold_minutes`, if the slot still passes every rule for them ([`super::rules`]).
//! A wait whose slot has begun expires; one whose slot now breaks a rule (a quota used
//! meanwhile, a closure, too little notice left) lapses, with the reason. Each offer is one
//! transaction (entry offered, held booking, hold expiry, the offer's note), so running this
//! again after a crash offers nothing twice. Called by the freed-slot job and by the use
//! cases' callers acting on [`super::Event::Freed`]. Words nothing.

use super::rules::{self, Wish};
use super::{Catalogue, Refusal, jobs};
use chrono::{DateTime, Duration, Utc};
use vicinato_domain::*;
use vicinato_store::{NewJob, Store, StoreError};

/// A slot offered to a waiting person, as the note that tells them must say it.
#[derive(Debug, Clone, PartialEq)]
pub struct Offer {
    pub to: PersonId,
    /// Their language, if they chose one.
    pub language: Option<Lang>,
    /// The held booking.
    pub booking: BookingId,
    pub space: SpaceId,
    pub house: LocationId,
    /// Local to the house.
    pub slot: LocalSlot,
    /// How long it is held for them.
    pub hold_minutes: u32,
}

/// What became of one waiting person.
#[derive(Debug, Clone, PartialEq)]
pub enum Promotion {
    /// Offered the slot; the note's job is written with the offer: deliver it now.
    Offered(Offer),
    /// Their wait ended because the slot now breaks a rule for them: tell them why.
    Lapsed { entry: i64, to: PersonId, language: Option<Lang>, space: SpaceId, slot: LocalSlot, why: Refusal },
}

/// Turns an offer into the job of the note that tells of it, so the note is written in the
/// offer's transaction. The caller (chat) words it.
pub type WordOffer<'a> = &'a (dyn Fn(&Offer) -> NewJob + Send + Sync);

/// Offers the slot `freed` stopped occupying to the people waiting for it.
pub async fn promote(
    freed: &Booking,
    store: &dyn Store,
    now: DateTime<Utc>,
    catalogue: &Catalogue<'_>,
    word: WordOffer<'_>,
) -> Result<Vec<Promotion>, StoreError> {
    let spaces = catalogue.spaces;
    let Some((_, booked)) = spaces.space(&freed.space) else {
        return Ok(Vec::new());
    };
    let sharing: Vec<&Space> = spaces
        .houses
        .iter()
        .flat_map(|h| &h.spaces)
        .filter(|s| s.units.iter().any(|u| booked.units.contains(u)))
        .collect();
    let hold_minutes = spaces.settings.hold_minutes;
    let mut done = Vec::new();
    for space in sharing {
        let Some((house, _)) = spaces.space(&space.id) else { continue };
        for entry in store.waitlist_waiting(&space.id, freed.starts, freed.ends).await? {
            if entry.starts <= now {
                store.waitlist_set(entry.id, "expired").await?;
                continue;
            }
            let Some(person) = store.person(entry.person).await? else { continue };
            let slot = LocalSlot {
                start: entry.starts.with_timezone(&house.zone).naive_local(),
                end: entry.ends.with_timezone(&house.zone).naive_local(),
            };
            let people = entry.people.max(1);
            let wish =
                Wish { space, person: entry.person, association: None, replaces: None, slot, people: Some(people) };
            if let Some(broken) = rules::broken(store, catalogue, &wish, now).await? {
                store.waitlist_set(entry.id, "lapsed").await?;
                done.push(Promotion::Lapsed {
                    entry: entry.id,
                    to: entry.person,
                    language: person.language,
                    space: space.id.clone(),
                    slot,
                    why: broken.refusal(house.zone),
                });
                continue;
            }
            let held = NewBooking {
                house: house.location.clone(),
                space: space.id.clone(),
                person: entry.person,
                status: BookingStatus::Held,
                starts: entry.starts,
                ends: entry.ends,
                zone: house.zone,
                people,
                purpose: entry.purpose.clone(),
                units: space.units.clone(),
                busy_until: entry.ends + Duration::minutes(i64::from(space.buffer_minutes)),
                replaces: None,
                association: None,
            };
            let offer = |booking: BookingId| Offer {
                to: entry.person,
                language: person.language,
                booking,
                space: space.id.clone(),
                house: house.location.clone(),
                slot,
                hold_minutes,
            };
            let jobs = |id: BookingId| vec![jobs::hold(id, house.zone, now, hold_minutes), word(&offer(id))];
            let Ok(held) = store.waitlist_promote(entry.id, &held, &jobs, now).await? else {
                // Still (partly) taken for this one, or offered already: they keep their place.
                continue;
            };
            tracing::info!(booking = %held.id, "a freed slot is offered to the waitlist");
            done.push(Promotion::Offered(offer(held.id)));
        }
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::super::{cancel, wait};
    use super::*;

    fn offer_job(offer: &Offer) -> NewJob {
        NewJob {
            kind: "note".into(),
            key: Some(format!("test:{}:offer", offer.booking)),
            payload: String::new(),
            due_at: chrono::Utc::now(),
            cron: None,
            zone: "UTC".into(),
        }
    }

    async fn waits(t: &Setup, who: &Person, b: &Booking) {
        let input = wait::WaitInput {
            space: b.space.clone(),
            start: b.local_start(),
            minutes: (b.ends - b.starts).num_minutes() as u16,
            people: 2,
            purpose: String::new(),
            cap: 3,
        };
        let joined = wait::wait(who, input, t.store(), t.now, &t.catalogue()).await.unwrap().unwrap();
        assert!(matches!(joined, wait::Waited::Joined { .. }), "{joined:?}");
    }

    #[tokio::test]
    async fn a_freed_slot_is_held_for_the_first_in_line_once() {
        let t = Setup::new().await;
        let ann = t.person("ann").await;
        let bob = t.person("bob").await;
        let cy = t.person("cy").await;
        let b = t.booking(&ann, BookingStatus::Confirmed, 26).await;
        waits(&t, &bob, &b).await;
        waits(&t, &cy, &b).await;
        let freed = cancel::cancel(&ann, b.id, t.store(), t.now, &t.spaces.settings).await.unwrap().unwrap().booking;
        let done = promote(&freed, t.store(), t.now, &t.catalogue(), &offer_job).await.unwrap();
        let [Promotion::Offered(offer)] = done.as_slice() else { panic!("{done:?}") };
        assert_eq!(offer.to, bob.id);
        let held = t.store().booking(offer.booking).await.unwrap().unwrap();
        assert_eq!((held.person, held.status), (bob.id, BookingStatus::Held));
        // Again (the job ran twice): nothing more is offered.
        assert_eq!(promote(&freed, t.store(), t.now, &t.catalogue(), &offer_job).await.unwrap(), vec![]);
    }

    #[tokio::test]
    async fn a_wait_whose_slot_now_breaks_a_rule_lapses_with_the_reason() {
        let t = Setup::new().await;
        let ann = t.person("ann").await;
        let bob = t.person("bob").await;
        let b = t.booking(&ann, BookingStatus::Confirmed, 26).await;
        waits(&t, &bob, &b).await;
        let freed = cancel::cancel(&ann, b.id, t.store(), t.now, &t.spaces.settings).await.unwrap().unwrap().booking;
        // Freed with less than the space's notice left.
        let late = b.starts - Duration::minutes(30);
        let done = promote(&freed, t.store(), late, &t.catalogue(), &offer_job).await.unwrap();
        let [Promotion::Lapsed { to, why, .. }] = done.as_slice() else { panic!("{done:?}") };
        assert_eq!(*to, bob.id);
        assert!(matches!(why, Refusal::Slot(_)), "{why:?}");
        assert!(t.store().bookings_of(bob.id, late).await.unwrap().is_empty());
    }
}
