//! Bookings of welfare-house spaces and the waitlist of their slots: the units a booking
//! occupies (the database refuses overlaps on both engines), status changes with the jobs that
//! follow them, weekly fair-use quotas, check-ins.
//!
//! It owns `bookings`, `booking_units` and `waitlist`. A status change or an offer writes its jobs
//! in the same transaction (owned here, not by jobs); it must not read or write anything else.
//! Associations read their bookings through their own family; spaces' closures are read by the
//! conversation, not here.

use super::StoreResult;
use crate::jobs::NewJob;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use vicinato_domain::*;

#[async_trait]
pub trait BookingStore: Send + Sync {
    /// Writes a booking and the units it occupies, in one transaction. The database refuses
    /// an overlap with any live booking's unit (`Err(Taken)`), on both engines. A booking that
    /// `replaces` another cancels it in the same transaction (`Err(Taken)` too when that one
    /// is no longer live).
    async fn booking_insert(&self, booking: &NewBooking, now: DateTime<Utc>) -> StoreResult<Result<Booking, Taken>>;
    /// [`Self::booking_insert`] within a weekly fair-use quota, checked inside the same
    /// transaction (after locking whose quota it is on PostgreSQL; SQLite has one writer), so
    /// two chats confirming at once cannot together go over it.
    async fn booking_insert_within(
        &self,
        booking: &NewBooking,
        quota: &QuotaCheck,
        now: DateTime<Utc>,
    ) -> StoreResult<Result<Booking, Refused>>;
    async fn booking(&self, id: BookingId) -> StoreResult<Option<Booking>>;
    /// A person's live bookings that end after `after`, soonest first.
    async fn bookings_of(&self, person: PersonId, after: DateTime<Utc>) -> StoreResult<Vec<Booking>>;
    /// Bookings in any status whose start lies in `[from, to)`, for a house or all, by start.
    async fn bookings_between(
        &self,
        house: Option<&LocationId>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<Booking>>;
    /// Busy intervals (buffer included) of live bookings on any of `units` that overlap
    /// `[from, to)`.
    async fn busy(
        &self,
        units: &[UnitId],
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<(DateTime<Utc>, DateTime<Utc>)>>;
    /// Moves a booking from one of `from` to `to`, freeing its units when `to` is not live.
    /// Returns the booking as it now is, or `None` when it was not in one of `from`.
    async fn booking_transition(
        &self,
        id: BookingId,
        from: &[BookingStatus],
        to: BookingStatus,
    ) -> StoreResult<Option<Booking>>;
    /// [`Self::booking_transition`], and in the same transaction (only when the status
    /// changed) the jobs keyed `cancel` are removed and `jobs` are put: a crash can never leave
    /// a status change without its reminders, its waitlist promotion or its notes.
    /// In bookings, not jobs: the booking's status change owns the transaction; the jobs follow it.
    async fn booking_transition_with(
        &self,
        id: BookingId,
        from: &[BookingStatus],
        to: BookingStatus,
        jobs: &[NewJob],
        cancel: &[String],
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Booking>>;
    /// Records a check-in; `false` when the booking is not confirmed.
    async fn booking_check_in(&self, id: BookingId, at: DateTime<Utc>) -> StoreResult<bool>;
    /// Puts a person on the waitlist of a slot, once per person and slot, unless they already
    /// wait for `cap` slots: their place in line (1 = first), the same when they already wait
    /// for it.
    async fn waitlist_add(&self, entry: &WaitEntry, cap: u32, now: DateTime<Utc>) -> StoreResult<WaitPlace>;
    /// Offers a waiting person the slot, in one transaction: the entry becomes `offered`, the
    /// held booking and its units are written, and the jobs `jobs` makes for it are put.
    /// `Err(Taken)`, and nothing written, when the slot is still taken or the entry no longer
    /// waits (so a promotion run again after a crash offers nothing twice).
    /// In bookings, not jobs: the offer owns the transaction; the jobs follow it.
    async fn waitlist_promote(
        &self,
        entry: i64,
        held: &NewBooking,
        jobs: &(dyn Fn(BookingId) -> Vec<NewJob> + Send + Sync),
        now: DateTime<Utc>,
    ) -> StoreResult<Result<Booking, Taken>>;
    /// Entries of `space` still waiting for a slot that overlaps `[from, to)`: they are
    /// cancelled (status `closed`) and returned, for a closure.
    async fn waitlist_close(
        &self,
        space: &SpaceId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<WaitEntry>>;
    /// People still waiting for a slot of `space` that overlaps `[from, to)`, first come first.
    async fn waitlist_waiting(
        &self,
        space: &SpaceId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<WaitEntry>>;
    /// Marks a waitlist entry (`offered`, `left`).
    async fn waitlist_set(&self, id: i64, status: &str) -> StoreResult<()>;
}

/// The weekly quota a booking must fit: the minutes already booked by whose it is, in the
/// house, starting in `[from, to)`, plus the new booking's, at most `max_minutes`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuotaCheck {
    pub whose: QuotaOf,
    pub house: LocationId,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub max_minutes: i64,
}

/// Whose hours a quota counts: a person's own bookings (not those for an association), or an
/// association's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuotaOf {
    Person(PersonId),
    Association(AssociationId),
}

/// Why a booking was not written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// The slot (or a unit of it) is taken, or the booking it replaces is no longer live.
    Taken,
    /// It would go over the quota.
    OverQuota,
}

/// Where a person stands on a waitlist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitPlace {
    /// Their place in line, 1 = first.
    Place(i64),
    /// They already wait for as many slots as one may.
    Full,
}
