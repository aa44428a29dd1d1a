//! Approval of bookings for spaces that need it: `/approve` lists the pending bookings of the
//! houses in the territories where I am staff; approving or declining tells the requester on
//! their network. Every decision checks the role in the house's territory again.

use super::slots::{jobs_of, when_msg};
use super::slots::{slot_of, space_name};
use crate::i18n::Msg;
use crate::notes::Note;
use crate::{Block, Button, Reply, Turn};
use chrono::Duration;
use vicinato_domain::*;
use vicinato_store::StoreError;

fn may_decide(turn: &Turn<'_>, booking: &Booking) -> bool {
    let territory = turn.snapshot.houses.iter().find(|h| h.id == booking.house).map(|h| h.territory.clone());
    territory.is_some_and(|t| turn.person.may(Role::Staff, Some(&t), &turn.snapshot.tree))
}

pub async fn list(turn: &mut Turn<'_>) -> Result<Vec<Reply>, StoreError> {
    if !turn.person.holds(Role::Staff) {
        return Ok(vec![Reply::id("not-allowed")]);
    }
    let upcoming = turn.store().bookings_between(None, turn.now, turn.now + Duration::days(366)).await?;
    let pending: Vec<&Booking> =
        upcoming.iter().filter(|b| b.status == BookingStatus::Pending && may_decide(turn, b)).collect();
    if pending.is_empty() {
        return Ok(vec![Reply::id("approve-none")]);
    }
    let mut replies = Vec::new();
    for b in pending.into_iter().take(10) {
        let mut reply = Reply::say(
            Msg::new("approve-line")
                .text("space", space_name(turn.engine, turn.lang, b))
                .msg("when", when_msg(slot_of(b)))
                .num("people", i64::from(b.people)),
        );
        reply.blocks.push(Block::Data(b.purpose.clone()));
        replies.push(reply.with_buttons(vec![
            Button::msg(Msg::new("button-approve"), format!("bapprove:{}", b.id)),
            Button::msg(Msg::new("button-decline"), format!("bdecline:{}", b.id)),
        ]));
    }
    Ok(replies)
}

/// Approves or declines a pending booking (buttons `bapprove:<id>`, `bdecline:<id>`).
pub async fn decide(turn: &mut Turn<'_>, arg: &str, approve: bool) -> Result<Vec<Reply>, StoreError> {
    let Ok(id) = arg.trim().parse::<i64>() else {
        return Ok(vec![Reply::id("booking-not-found")]);
    };
    let Some(booking) = turn.store().booking(BookingId(id)).await? else {
        return Ok(vec![Reply::id("booking-not-found")]);
    };
    if !may_decide(turn, &booking) {
        return Ok(vec![Reply::id("not-allowed")]);
    }
    let to = if approve { BookingStatus::Confirmed } else { BookingStatus::Declined };
    // The requester hears of it in their language, on their network.
    let lang = match turn.store().person(booking.person).await? {
        Some(p) => p.language.unwrap_or(turn.engine.settings().default_lang),
        None => turn.engine.settings().default_lang,
    };
    let msg = Msg::new(if approve { "booking-approved" } else { "booking-declined" })
        .text("space", space_name(turn.engine, lang, &booking))
        .msg("when", when_msg(slot_of(&booking)));
    let mut note = Note::new(booking.person, msg, format!("booking:{}:decided", booking.id));
    if approve {
        note = note.button(Msg::new("button-cancel-booking-one"), format!("bcancel:{}", booking.id));
    }
    // The decision, the booking's reminders (or the offer to the waitlist) and the note are
    // one transaction.
    let mut jobs = if approve {
        jobs_of(turn.engine, &booking, turn.now)
    } else {
        vec![super::slots::freed_job(&booking, turn.now)]
    };
    jobs.push(note.job(turn.now));
    let decided =
        turn.store().booking_transition_with(booking.id, &[BookingStatus::Pending], to, &jobs, &[], turn.now).await?;
    let Some(b) = decided else {
        return Ok(vec![Reply::id("approve-already-decided")]);
    };
    turn.engine.jobs_added().notify_one();
    tracing::info!(booking = %b.id, by = %turn.person.id, approve, "booking decided");
    if !approve {
        super::waitlist::freed_now(turn.engine, &b, turn.now).await?;
    }
    crate::notes::send_now(turn.engine, &[note], turn.now).await?;
    Ok(vec![Reply::id(if approve { "approve-done" } else { "decline-done" })])
}
