//! Booking the spaces of welfare houses in chat: reading a wish from free text, the draft and its confirmation, my bookings, approval by staff, the waitlist, bookings for an association, associations and space closures managed by staff, the rules a slot must pass, the typed button payloads, and the scheduler jobs of bookings.
//!
//! Names no network and no SQL; what another capability also needs lives in the crate root or a layer below, never in a sibling capability's files.

pub(crate) mod approve;
pub(crate) mod associations;
pub(crate) mod book;
pub(crate) mod bookings;
pub mod buttons;
pub(crate) mod draft;
pub(crate) mod manage_spaces;
pub(crate) mod module;
pub(crate) mod on_behalf;
pub mod reminders;
pub(crate) mod slots;
pub(crate) mod waitlist;

// What the other capabilities may use of booking.
pub(crate) use book::{hours_in_the_middle, hours_of_offered};
pub use buttons::{BookingButton, KINDS};
pub(crate) use slots::space_name;
pub(crate) use waitlist::freed_now;

use crate::{Reply, Turn};
use vicinato_store::StoreError;

/// A booking button pressed: the payload, already read, goes to its handler.
pub(crate) async fn on_button(turn: &mut Turn<'_>, button: BookingButton) -> Result<Vec<Reply>, StoreError> {
    match button {
        BookingButton::Space { space, date } => book::space_chosen(turn, space, date).await,
        BookingButton::Slot(slot) => book::slot_chosen(turn, slot).await,
        BookingButton::Move(id) => book::move_booking(turn, id).await,
        BookingButton::Wait(slot) => waitlist::join(turn, slot).await,
        BookingButton::Hold { take, booking } => waitlist::answer(turn, take, booking).await,
        BookingButton::Confirm(yes) => book::confirm(turn, yes).await,
        BookingButton::Free { house, date } => book::free_chosen(turn, house, date).await,
        BookingButton::Bookings => bookings::list(turn).await,
        BookingButton::Cancel(id) => bookings::ask_cancel(turn, id).await,
        BookingButton::CancelAnswer { booking, yes: true } => bookings::cancel(turn, booking).await,
        BookingButton::CancelAnswer { yes: false, .. } => Ok(vec![Reply::id("booking-kept")]),
        BookingButton::Approve(id) => approve::decide(turn, id, true).await,
        BookingButton::Decline(id) => approve::decide(turn, id, false).await,
        BookingButton::Start => book::command(turn, None).await,
        BookingButton::For(whom) => book::chosen(turn, whom).await,
        BookingButton::ForToken(token) => book::chosen_by_token(turn, token).await,
        BookingButton::Calendar => bookings::calendar(turn).await,
    }
}
