//! Approval of bookings for spaces that need it: `/approve` lists the pending bookings of the
//! houses in the territories where I am staff; approving or declining tells the requester on
//! their network. Every decision checks the role in the house's territory again: the listing
//! and the decisions are the core's use cases, this file turns them into replies and notes.

use super::buttons::BookingButton;
use super::slots::when_msg;
use super::slots::{slot_of, space_name};
use crate::i18n::Msg;
use crate::{Block, Button, Reply, Turn};
use vicinato_core::booking::{Notice, approve};
use vicinato_domain::*;
use vicinato_store::StoreError;

pub async fn list(turn: &mut Turn<'_>) -> Result<Vec<Reply>, StoreError> {
    let catalogue = super::slots::catalogue(turn.engine, &turn.snapshot);
    let pending = match approve::pending(&turn.person, turn.store(), turn.now, &catalogue).await? {
        Ok(pending) => pending,
        Err(refusal) => return Ok(vec![super::slots::refused(&refusal)]),
    };
    if pending.is_empty() {
        return Ok(vec![Reply::id("approve-none")]);
    }
    let mut replies = Vec::new();
    for b in pending.iter().take(10) {
        let mut reply = Reply::say(
            Msg::new("approve-line")
                .text("space", space_name(turn.engine, turn.lang, b))
                .msg("when", when_msg(slot_of(b)))
                .num("people", i64::from(b.people)),
        );
        reply.blocks.push(Block::Data(b.purpose.clone()));
        replies.push(reply.with_buttons(vec![
            Button::msg(Msg::new("button-approve"), BookingButton::Approve(b.id).to_payload()),
            Button::msg(Msg::new("button-decline"), BookingButton::Decline(b.id).to_payload()),
        ]));
    }
    Ok(replies)
}

/// Approves or declines a pending booking (buttons `bapprove:<id>`, `bdecline:<id>`), by the
/// core's rules; the requester hears of it in their language, on their network.
pub async fn decide(turn: &mut Turn<'_>, id: BookingId, yes: bool) -> Result<Vec<Reply>, StoreError> {
    let engine = turn.engine;
    let now = turn.now;
    let deliver = |notice: &Notice| super::slots::note_of(engine, notice).job(now);
    let catalogue = super::slots::catalogue(engine, &turn.snapshot);
    let decided = if yes {
        approve::approve(&turn.person, id, turn.store(), now, &catalogue, &deliver).await?
    } else {
        approve::decline(&turn.person, id, turn.store(), now, &catalogue, &deliver).await?
    };
    match decided {
        Ok(done) => {
            super::waitlist::follow(engine, &done.events, now).await?;
            Ok(vec![Reply::id(if yes { "approve-done" } else { "decline-done" })])
        }
        Err(refusal) => Ok(vec![super::slots::refused(&refusal)]),
    }
}
