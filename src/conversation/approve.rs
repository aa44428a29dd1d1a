//! Approval of bookings for spaces that need it: `/approve` lists the pending bookings of the
//! houses in the territories where I am staff; approving or declining tells the requester on
//! their network. Every decision checks the role in the house's territory again.

use super::book::{schedule_jobs, when_msg};
use super::bookings::{slot_of, space_name};
use super::{Block, Button, Reply, Turn};
use crate::domain::*;
use crate::i18n::Msg;
use crate::store::StoreError;
use chrono::Duration;

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
    let Some(b) = turn.store().booking_transition(booking.id, &[BookingStatus::Pending], to).await? else {
        return Ok(vec![Reply::id("approve-already-decided")]);
    };
    if approve {
        schedule_jobs(turn.engine, &b, turn.now).await?;
    } else {
        super::waitlist::freed(turn.engine, &b, turn.now).await?;
    }
    tracing::info!(booking = %b.id, by = %turn.person.id, approve, "booking decided");
    // Tell the requester, in their language, on their network.
    if let Some(requester) = turn.store().person(b.person).await? {
        let lang = requester.language.unwrap_or(turn.engine.settings().default_lang);
        let id = if approve { "booking-approved" } else { "booking-declined" };
        let mut note = Reply::say(
            Msg::new(id).text("space", space_name(turn.engine, lang, &b)).msg("when", when_msg(slot_of(&b))),
        );
        if approve {
            note = note
                .with_buttons(vec![Button::msg(Msg::new("button-cancel-booking-one"), format!("bcancel:{}", b.id))]);
        }
        if let Err(e) = turn.engine.couriers().deliver(&requester, lang, &note, turn.now).await {
            tracing::warn!(booking = %b.id, error = %e, "cannot tell the requester about the decision");
        }
    }
    Ok(vec![Reply::id(if approve { "approve-done" } else { "decline-done" })])
}
