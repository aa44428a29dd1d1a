//! Approval of bookings for spaces that need it: the pending bookings staff may decide, and
//! approving or declining one. Only staff of the house's territory (or above it) decide; the
//! decision, the booking's reminders (or the offer of its slot to the waitlist) and the note
//! to the booker are one transaction. Words nothing: the note is a [`super::Notice`] the caller
//! words through [`Deliver`].

use super::{Catalogue, Deliver, Event, Outcome, Refusal, Tell, jobs, notice_for};
use chrono::{DateTime, Duration, Utc};
use vicinato_domain::*;
use vicinato_store::{Store, StoreError};

fn may_decide(actor: &Person, catalogue: &Catalogue<'_>, booking: &Booking) -> bool {
    catalogue.territory_of(&booking.house).is_some_and(|t| actor.may(Role::Staff, Some(t), catalogue.tree))
}

/// The pending bookings of the coming year the actor may decide, soonest first.
pub async fn pending(
    actor: &Person,
    store: &dyn Store,
    now: DateTime<Utc>,
    catalogue: &Catalogue<'_>,
) -> Result<Result<Vec<Booking>, Refusal>, StoreError> {
    if !actor.holds(Role::Staff) {
        return Ok(Err(Refusal::NotAllowed));
    }
    let upcoming = store.bookings_between(None, now, now + Duration::days(366)).await?;
    Ok(Ok(upcoming
        .into_iter()
        .filter(|b| b.status == BookingStatus::Pending && may_decide(actor, catalogue, b))
        .collect()))
}

/// Approves a pending booking: it is confirmed, with its reminders, and the booker is told.
pub async fn approve(
    actor: &Person,
    booking: BookingId,
    store: &dyn Store,
    now: DateTime<Utc>,
    catalogue: &Catalogue<'_>,
    deliver: Deliver<'_>,
) -> Result<Result<Outcome, Refusal>, StoreError> {
    decide(actor, booking, true, store, now, catalogue, deliver).await
}

/// Declines a pending booking: its slot goes to the waitlist, and the booker is told.
pub async fn decline(
    actor: &Person,
    booking: BookingId,
    store: &dyn Store,
    now: DateTime<Utc>,
    catalogue: &Catalogue<'_>,
    deliver: Deliver<'_>,
) -> Result<Result<Outcome, Refusal>, StoreError> {
    decide(actor, booking, false, store, now, catalogue, deliver).await
}

async fn decide(
    actor: &Person,
    booking: BookingId,
    approve: bool,
    store: &dyn Store,
    now: DateTime<Utc>,
    catalogue: &Catalogue<'_>,
    deliver: Deliver<'_>,
) -> Result<Result<Outcome, Refusal>, StoreError> {
    let Some(booking) = store.booking(booking).await? else {
        return Ok(Err(Refusal::NotFound));
    };
    if !may_decide(actor, catalogue, &booking) {
        return Ok(Err(Refusal::NotAllowed));
    }
    let to = if approve { BookingStatus::Confirmed } else { BookingStatus::Declined };
    let notice = notice_for(store, &booking, if approve { Tell::Approved } else { Tell::Declined }).await?;
    let mut put = if approve {
        jobs::of_confirmed(&catalogue.spaces.settings, &booking, now)
    } else {
        vec![jobs::freed(&booking, now)]
    };
    put.push(deliver(&notice));
    let decided = store.booking_transition_with(booking.id, &[BookingStatus::Pending], to, &put, &[], now).await?;
    let Some(b) = decided else {
        return Ok(Err(Refusal::AlreadyDecided));
    };
    tracing::info!(booking = %b.id, by = %actor.id, approve, "booking decided");
    let mut events = vec![Event::JobsAdded];
    if !approve {
        events.push(Event::Freed(b.clone()));
    }
    events.push(Event::Told(notice));
    Ok(Ok(Outcome { booking: b, events }))
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    #[tokio::test]
    async fn staff_of_the_territory_approve_and_the_booker_is_told() {
        let t = Setup::new().await;
        let ann = t.person("ann").await;
        let bea = t.staff("bea", "roma-m05").await;
        let b = t.booking(&ann, BookingStatus::Pending, 26).await;
        let listed = pending(&bea, t.store(), t.now, &t.catalogue()).await.unwrap().unwrap();
        assert_eq!(listed.iter().map(|b| b.id).collect::<Vec<_>>(), vec![b.id]);
        let done = approve(&bea, b.id, t.store(), t.now, &t.catalogue(), &note_job).await.unwrap().unwrap();
        assert_eq!(done.booking.status, BookingStatus::Confirmed);
        let Some(Event::Told(notice)) = done.events.last() else { panic!("{:?}", done.events) };
        assert_eq!((notice.to, notice.what), (ann.id, Tell::Approved));
        assert!(!done.events.iter().any(|e| matches!(e, Event::Freed(_))));
        let again = decline(&bea, b.id, t.store(), t.now, &t.catalogue(), &note_job).await.unwrap();
        assert_eq!(again, Err(Refusal::AlreadyDecided));
    }

    #[tokio::test]
    async fn a_decline_frees_the_slot() {
        let t = Setup::new().await;
        let ann = t.person("ann").await;
        let bea = t.staff("bea", "centocelle").await;
        let b = t.booking(&ann, BookingStatus::Pending, 26).await;
        let done = decline(&bea, b.id, t.store(), t.now, &t.catalogue(), &note_job).await.unwrap().unwrap();
        assert_eq!(done.booking.status, BookingStatus::Declined);
        assert!(done.events.contains(&Event::Freed(done.booking.clone())));
    }

    #[tokio::test]
    async fn residents_and_staff_elsewhere_may_not_decide() {
        let t = Setup::new().await;
        let ann = t.person("ann").await;
        let carl = t.staff("carl", "san-lorenzo").await;
        let b = t.booking(&ann, BookingStatus::Pending, 26).await;
        assert_eq!(pending(&ann, t.store(), t.now, &t.catalogue()).await.unwrap(), Err(Refusal::NotAllowed));
        assert_eq!(pending(&carl, t.store(), t.now, &t.catalogue()).await.unwrap(), Ok(Vec::new()));
        for who in [&ann, &carl] {
            let r = approve(who, b.id, t.store(), t.now, &t.catalogue(), &note_job).await.unwrap();
            assert_eq!(r, Err(Refusal::NotAllowed));
        }
        let r = approve(&carl, BookingId(4242), t.store(), t.now, &t.catalogue(), &note_job).await.unwrap();
        assert_eq!(r, Err(Refusal::NotFound));
        assert_eq!(t.store().booking(b.id).await.unwrap().unwrap().status, BookingStatus::Pending);
    }
}
