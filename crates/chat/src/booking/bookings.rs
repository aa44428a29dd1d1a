//! My bookings: `/bookings` lists the live ones with a cancel button each; cancelling (from
//! the list or from a reminder) frees the slot and drops its reminders; `/checkin` records
//! arrival at the house for the booking under way; "calendar" sends them as an `.ics` file.
//! Cancelling and checking in are the core's use cases; this file turns them into replies.

use super::buttons::BookingButton;
use super::slots::when_msg;
use super::slots::{calendar_file, slot_of, space_name};
use crate::i18n::Msg;
use crate::{Attachment, Block, Button, Reply, Turn};
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
        buttons.push(Button::msg(Msg::new("button-move-booking").num("n", n), BookingButton::Move(b.id).to_payload()));
        buttons
            .push(Button::msg(Msg::new("button-cancel-booking").num("n", n), BookingButton::Cancel(b.id).to_payload()));
    }
    buttons.push(Button::msg(Msg::new("button-calendar"), BookingButton::Calendar.to_payload()));
    Ok(vec![reply.with_buttons(buttons)])
}

/// Asks before cancelling one of my bookings (button `bcancel:<id>`): which one, and yes or no.
pub async fn ask_cancel(turn: &mut Turn<'_>, id: BookingId) -> Result<Vec<Reply>, StoreError> {
    let live = [BookingStatus::Held, BookingStatus::Pending, BookingStatus::Confirmed];
    let Some(b) = turn.store().booking(id).await?.filter(|b| b.person == turn.person.id) else {
        return Ok(vec![super::slots::refused(&vicinato_core::booking::Refusal::NotFound)]);
    };
    if !live.contains(&b.status) {
        return Ok(vec![super::slots::refused(&vicinato_core::booking::Refusal::AlreadyOver)]);
    }
    let ask = Msg::new("booking-cancel-ask")
        .text("space", space_name(turn.engine, turn.lang, &b))
        .msg("when", when_msg(slot_of(&b)));
    Ok(vec![Reply::say(ask).with_buttons(vec![
        Button::msg(Msg::new("button-cancel-yes"), BookingButton::CancelAnswer { booking: id, yes: true }.to_payload()),
        Button::msg(
            Msg::new("button-cancel-keep"),
            BookingButton::CancelAnswer { booking: id, yes: false }.to_payload(),
        ),
    ])])
}

/// Cancels one of my bookings (button `bcancel:<id>:yes`), by the core's rules.
pub async fn cancel(turn: &mut Turn<'_>, id: BookingId) -> Result<Vec<Reply>, StoreError> {
    let settings = &turn.engine.spaces().settings;
    let done = match vicinato_core::booking::cancel::cancel(&turn.person, id, turn.store(), turn.now, settings).await? {
        Ok(done) => done,
        Err(refusal) => return Ok(vec![super::slots::refused(&refusal)]),
    };
    super::waitlist::follow(turn.engine, &done.events, turn.now).await?;
    let b = &done.booking;
    Ok(vec![Reply::say(
        Msg::new("booking-cancelled")
            .text("space", space_name(turn.engine, turn.lang, b))
            .msg("when", when_msg(slot_of(b))),
    )])
}

/// `/checkin`: I am at the house for my booking (from 30 minutes before its start to its end).
pub async fn check_in(turn: &mut Turn<'_>) -> Result<Vec<Reply>, StoreError> {
    match vicinato_core::booking::check_in::check_in(&turn.person, turn.store(), turn.now).await? {
        Ok(done) => Ok(vec![Reply::say(
            Msg::new("checkin-done").text("space", space_name(turn.engine, turn.lang, &done.booking)),
        )]),
        Err(refusal) => Ok(vec![super::slots::refused(&refusal)]),
    }
}
