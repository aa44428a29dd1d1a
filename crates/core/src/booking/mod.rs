//! Booking the spaces of welfare houses: one verb-named file per use case (book, cancel,
//! move, approve, wait, hold, check in), each a function of the actor, the input, the store
//! and the time that checks the actor's role and scope, applies the rules and returns an
//! outcome and what to tell people, or a [`Refusal`]. Chat, the command line and the
//! jobs call the same functions. Names no network, no chat and no SQL.
//!
//! Besides the verbs: [`rules`], the rules a slot must pass (shared by every way a slot is
//! taken), [`jobs`], the scheduler jobs that follow a booking, and [`release`], what those
//! jobs decide when they run (a no-show released, a hold run out).

pub mod approve;
pub mod book;
pub mod cancel;
pub mod check_in;
pub mod hold;
pub mod jobs;
pub mod r#move;
pub mod promote;
pub mod refusal;
pub mod release;
pub mod rules;
pub mod wait;

#[cfg(test)]
pub(crate) mod testing;

pub use refusal::Refusal;

use vicinato_domain::*;
use vicinato_store::NewJob;

/// What the booking rules read besides the store: the bookable spaces and their settings
/// (config/spaces.toml), the welfare houses of the directory (territory and opening hours),
/// and the territory tree that scopes staff roles.
#[derive(Clone, Copy)]
pub struct Catalogue<'a> {
    pub spaces: &'a Spaces,
    pub houses: &'a [Location],
    pub tree: &'a TerritoryTree,
}

impl Catalogue<'_> {
    /// The territory of the house a booking is in, if the directory knows the house.
    pub fn territory_of(&self, house: &LocationId) -> Option<&TerritoryId> {
        self.houses.iter().find(|h| &h.id == house).map(|h| &h.territory)
    }
}

/// What a use case did that someone must hear of or act on, in the order it happened. The
/// caller words it and delivers it; every job it needs is already written in the use case's
/// own transaction, so acting on an event now only saves the wait for the scheduler.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// Jobs were written: wake the scheduler.
    JobsAdded,
    /// The booking stopped occupying its slot: offer the slot to the waitlist now (the
    /// [`jobs::freed`] job that does so is written).
    Freed(Booking),
    /// A notice whose delivery job is written: deliver it now.
    Told(Notice),
}

/// What someone other than the actor is told of a booking.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub to: PersonId,
    /// Their language, if they chose one.
    pub language: Option<Lang>,
    /// The booking as it was when the notice was decided.
    pub booking: Booking,
    pub what: Tell,
}

/// The kinds of [`Notice`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tell {
    /// Staff approved the pending booking.
    Approved,
    /// Staff declined it.
    Declined,
    /// Nobody checked in: the booking was released.
    Released,
    /// A slot offered from the waitlist was not taken up in time.
    HoldExpired,
}

/// Turns a notice into the job that delivers it, so the job is written in the same
/// transaction as the change it tells of. The caller (chat) words the notice.
pub type Deliver<'a> = &'a (dyn Fn(&Notice) -> NewJob + Send + Sync);

/// A booking as a use case left it, and what follows from it.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub booking: Booking,
    pub events: Vec<Event>,
}

/// The notice of `what` for a booking's booker, in their language.
async fn notice_for(
    store: &dyn vicinato_store::Store,
    booking: &Booking,
    what: Tell,
) -> Result<Notice, vicinato_store::StoreError> {
    let language = store.person(booking.person).await?.and_then(|p| p.language);
    Ok(Notice { to: booking.person, language, booking: booking.clone(), what })
}
