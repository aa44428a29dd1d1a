//! Booking the spaces of welfare houses in chat: reading a wish from free text, the draft and its confirmation, my bookings, approval by staff, the waitlist, bookings for an association, associations and space closures managed by staff, the rules a slot must pass, and the scheduler jobs of bookings.
//!
//! Names no network and no SQL; what another capability also needs lives in the crate root or a layer below, never in a sibling capability's files.

pub(crate) mod approve;
pub(crate) mod associations;
pub(crate) mod book;
pub(crate) mod bookings;
pub(crate) mod draft;
pub(crate) mod manage_spaces;
pub(crate) mod module;
pub(crate) mod on_behalf;
pub mod reminders;
pub mod slot_rules;
pub(crate) mod slots;
pub(crate) mod waitlist;

// What the other capabilities may use of booking.
pub(crate) use slots::{freed_job, job_keys, space_name};
pub(crate) use waitlist::freed_now;
