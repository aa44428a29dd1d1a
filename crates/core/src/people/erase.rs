//! Exporting and erasing a person: the one rule behind `/mydata` and `/forget` in chat and
//! `vicinato admin export-person` and `erase-person` on the command line. A person may export
//! and erase only themselves (chat asks them to confirm first); the operator at the command
//! line may do either for anyone. Before the erasure, the person's live bookings are cancelled
//! the ordinary way, each with the job that offers its slot to the waitlist written in the same
//! transaction, so whoever waits gets the slot even when the erasure came from the command line
//! with no bot running. Names no chat, no network and no SQL.

use super::Refusal;
use super::grant::By;
use crate::booking::jobs;
use chrono::{DateTime, Utc};
use vicinato_domain::{Booking, BookingSettings, BookingStatus, PersonId};
use vicinato_store::{PersonExport, Store, StoreError};

fn may(by: By<'_>, target: PersonId) -> bool {
    match by {
        By::Operator => true,
        By::Person(p) => p.id == target,
    }
}

/// Everything stored about a person; `None` when there is no such person.
pub async fn export(
    by: By<'_>,
    target: PersonId,
    store: &dyn Store,
) -> Result<Result<Option<PersonExport>, Refusal>, StoreError> {
    if !may(by, target) {
        return Ok(Err(Refusal::NotAllowed));
    }
    Ok(Ok(store.export_person(target).await?))
}

/// What an erasure did.
#[derive(Debug, Clone, PartialEq)]
pub struct Erased {
    /// Whether there was anyone to erase.
    pub erased: bool,
    /// The live bookings cancelled first; a job offers each slot to the waitlist (the caller
    /// may run it at once).
    pub freed: Vec<Booking>,
}

/// Erases a person and everything stored about them, after freeing their live bookings.
pub async fn erase(
    by: By<'_>,
    target: PersonId,
    store: &dyn Store,
    booking: &BookingSettings,
    now: DateTime<Utc>,
) -> Result<Result<Erased, Refusal>, StoreError> {
    if !may(by, target) {
        return Ok(Err(Refusal::NotAllowed));
    }
    let live = [BookingStatus::Held, BookingStatus::Pending, BookingStatus::Confirmed];
    let mut freed = Vec::new();
    for b in store.bookings_of(target, now).await? {
        let follow = [jobs::freed(&b, now)];
        let cancel = jobs::keys(booking, &b);
        if let Some(b) =
            store.booking_transition_with(b.id, &live, BookingStatus::Cancelled, &follow, &cancel, now).await?
        {
            freed.push(b);
        }
    }
    let erased = store.erase_person(target).await?;
    Ok(Ok(Erased { erased, freed }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::booking::testing::Setup;

    #[tokio::test]
    async fn nobody_but_the_person_or_the_operator_may_export_or_erase_them() {
        let s = Setup::new().await;
        let ada = s.person("ada").await;
        let luca = s.person("luca").await;
        let by = By::Person(&luca);
        assert_eq!(export(by, ada.id, s.store()).await.unwrap(), Err(Refusal::NotAllowed));
        let refused = erase(by, ada.id, s.store(), &s.spaces.settings, s.now).await.unwrap();
        assert_eq!(refused, Err(Refusal::NotAllowed));
        assert!(export(By::Person(&ada), ada.id, s.store()).await.unwrap().unwrap().is_some());
        assert!(export(By::Operator, ada.id, s.store()).await.unwrap().unwrap().is_some());
    }

    #[tokio::test]
    async fn erasing_from_the_command_line_frees_live_bookings_for_the_waitlist_first() {
        let s = Setup::new().await;
        let ada = s.person("ada").await;
        let booking = s.booking(&ada, BookingStatus::Confirmed, 26).await;
        let done = erase(By::Operator, ada.id, s.store(), &s.spaces.settings, s.now).await.unwrap().unwrap();
        assert!(done.erased);
        assert_eq!(done.freed.iter().map(|b| b.id).collect::<Vec<_>>(), [booking.id]);
        assert_eq!(done.freed[0].status, BookingStatus::Cancelled);
        assert_eq!(s.store().person(ada.id).await.unwrap(), None);
        // The job that offers the slot to whoever waits is there, due now.
        let due = s.store().jobs_claim(s.now, "test", s.now + chrono::Duration::minutes(5), 10).await.unwrap();
        assert!(due.iter().any(|j| j.kind == jobs::FREED_JOB), "{due:?}");
    }
}
