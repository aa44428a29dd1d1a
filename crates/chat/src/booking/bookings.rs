//! My bookings: `/bookings` lists the live ones with a cancel button each; cancelling (from
//! the list or from a reminder) frees the slot and drops its reminders; `/checkin` records
//! arrival at the house for the booking under way; "calendar" sends them as an `.ics` file.

use super::slots::when_msg;
use super::slots::{calendar_file, slot_of, space_name};
use crate::i18n::Msg;
use crate::{Attachment, Block, Button, Reply, Turn};
use chrono::Duration;
use vicinato_domain::*;
use vicinato_store::StoreError;

fn status_msg(status: BookingStatus) -> Msg {
    Msg::new(match status {
        BookingStatus::Held => "booking-status-held",
        BookingStatus::Pending => "booking-status-pending",
        BookingStatus::Confirmed => "booking-status-confirmed",
        BookingStatus::Cancelled => "booking-status-cancelled",
        BookingStatus::Declined => "booking-status-declined",
        BookingStatus::Released => "booking-status-released",
    })
}

/// My live bookings as a calendar file (button `bcal:`).
pub async fn calendar(turn: &mut Turn<'_>) -> Result<Vec<Reply>, StoreError> {
    let bookings = turn.store().bookings_of(turn.person.id, turn.now).await?;
    if bookings.is_empty() {
        return Ok(vec![Reply::id("bookings-none")]);
    }
    let mut reply = Reply::say(Msg::new("bookings-calendar").num("n", bookings.len() as i64)).private();
    let file = Attachment { name: "bookings.ics".into(), ..calendar_file(turn.engine, turn.lang, &bookings, turn.now) };
    reply.blocks.push(Block::File(file));
    Ok(vec![reply])
}

pub async fn list(turn: &mut Turn<'_>) -> Result<Vec<Reply>, StoreError> {
    let bookings = turn.store().bookings_of(turn.person.id, turn.now).await?;
    if bookings.is_empty() {
        return Ok(vec![Reply::id("bookings-none")]);
    }
    let mut reply = Reply::id("bookings-intro").private();
    let mut buttons = Vec::new();
    for (i, b) in bookings.iter().enumerate() {
        let status = status_msg(b.status);
        reply.blocks.push(Block::Say(
            Msg::new("bookings-line")
                .num("n", i as i64 + 1)
                .text("space", space_name(turn.engine, turn.lang, b))
                .msg("when", when_msg(slot_of(b)))
                .msg("status", status),
        ));
        let n = i as i64 + 1;
        buttons.push(Button::msg(Msg::new("button-move-booking").num("n", n), format!("bmove:{}", b.id)));
        buttons.push(Button::msg(Msg::new("button-cancel-booking").num("n", n), format!("bcancel:{}", b.id)));
    }
    buttons.push(Button::msg(Msg::new("button-calendar"), "bcal:"));
    Ok(vec![reply.with_buttons(buttons)])
}

/// Cancels one of my bookings (button `bcancel:<id>`).
pub async fn cancel(turn: &mut Turn<'_>, arg: &str) -> Result<Vec<Reply>, StoreError> {
    let Some(booking) = mine(turn, arg).await? else {
        return Ok(vec![Reply::id("booking-not-found")]);
    };
    let live = [BookingStatus::Held, BookingStatus::Pending, BookingStatus::Confirmed];
    // The cancellation, the end of its jobs and the offer to the waitlist are one transaction.
    let jobs = [super::slots::freed_job(&booking, turn.now)];
    let cancel = super::slots::job_keys(turn.engine, &booking);
    let cancelled =
        turn.store().booking_transition_with(booking.id, &live, BookingStatus::Cancelled, &jobs, &cancel, turn.now);
    match cancelled.await? {
        Some(b) => {
            tracing::info!(booking = %b.id, "booking cancelled");
            super::waitlist::freed_now(turn.engine, &b, turn.now).await?;
            Ok(vec![Reply::say(
                Msg::new("booking-cancelled")
                    .text("space", space_name(turn.engine, turn.lang, &b))
                    .msg("when", when_msg(slot_of(&b))),
            )])
        }
        None => Ok(vec![Reply::id("booking-already-over")]),
    }
}

async fn mine(turn: &Turn<'_>, arg: &str) -> Result<Option<Booking>, StoreError> {
    let Ok(id) = arg.trim().parse::<i64>() else {
        return Ok(None);
    };
    Ok(turn.store().booking(BookingId(id)).await?.filter(|b| b.person == turn.person.id))
}

/// `/checkin`: I am at the house for my booking (from 30 minutes before its start to its end).
pub async fn check_in(turn: &mut Turn<'_>) -> Result<Vec<Reply>, StoreError> {
    let bookings = turn.store().bookings_of(turn.person.id, turn.now).await?;
    let current = bookings.iter().find(|b| {
        b.status == BookingStatus::Confirmed && b.starts - Duration::minutes(30) <= turn.now && turn.now < b.ends
    });
    let Some(b) = current else {
        return Ok(vec![Reply::id("checkin-nothing")]);
    };
    if b.checked_in_at.is_none() {
        turn.store().booking_check_in(b.id, turn.now).await?;
    }
    Ok(vec![Reply::say(Msg::new("checkin-done").text("space", space_name(turn.engine, turn.lang, b)))])
}
