//! The waitlist: a person whose wished slot is taken may wait for it. When a live booking
//! overlapping it ends early (cancelled, declined, released, or a hold not taken up), the first
//! person waiting is offered the slot as a held booking, kept for them for
//! `booking.hold_minutes`; if they do not confirm in time, the next in line is offered it.
//!
//! A wait obeys the booking rules (`vicinato_core::booking::rules`) when it is joined, when it is
//! promoted and when the offer is taken up: nobody queues for what they could not book.
//! Joining, answering an offer, the end of a hold and the promotion of a freed slot are the
//! core's use cases; this file turns them into replies and notes.

use super::buttons::{BookingButton, SlotArg};
use super::slots::freed_key;
use super::slots::when_msg;
use super::slots::{slot_of, space_name};
use crate::i18n::Msg;
use crate::notes::{self, Note};
use crate::{Block, Button, Engine, Flow, Reply, Turn};
use anyhow::Context;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use std::sync::Arc;
use vicinato_core::booking::promote::{self, Offer, Promotion};
use vicinato_core::booking::wait::{WaitInput, Waited};
use vicinato_core::booking::{Event, Notice, Refusal, hold, release, wait};
use vicinato_core::scheduler::JobHandler;
use vicinato_domain::*;
use vicinato_store::{Job, StoreError};

/// Offers the freed slot now and removes its job; on an error the job stays and retries.
pub async fn freed_now(engine: &Engine, booking: &Booking, now: DateTime<Utc>) -> Result<(), StoreError> {
    freed(engine, booking, now).await?;
    engine.store().job_cancel(&freed_key(booking.id)).await?;
    Ok(())
}

/// Acts on what a core use case says followed from it, in order: wakes the scheduler, offers
/// a freed slot to the waitlist now, delivers a notice now (each already has its job).
pub async fn follow(engine: &Engine, events: &[Event], now: DateTime<Utc>) -> Result<(), StoreError> {
    for event in events {
        match event {
            Event::JobsAdded => engine.jobs_added().notify_one(),
            Event::Freed(booking) => freed_now(engine, booking, now).await?,
            Event::Told(notice) => notes::send_now(engine, &[super::slots::note_of(engine, notice)], now).await?,
        }
    }
    Ok(())
}

/// Joins the waitlist of a slot (button `bwait:space|YYYYMMDDHHMM|minutes`), by the core's
/// rules: the slot must pass every rule a booking passes, and be taken; one entry per person
/// and slot, and at most `limits.waitlist_entries` at once.
pub async fn join(turn: &mut Turn<'_>, slot: SlotArg) -> Result<Vec<Reply>, StoreError> {
    let (people, purpose) = match &turn.flow {
        Some(Flow::Book { draft }) => (draft.people.unwrap_or(1), draft.purpose.clone().unwrap_or_default()),
        _ => (1, String::new()),
    };
    let cap = turn.engine.settings().limits.waitlist_entries;
    let input = WaitInput { space: slot.space, start: slot.start, minutes: slot.minutes, people, purpose, cap };
    let snapshot = turn.snapshot.clone();
    let catalogue = super::slots::catalogue(turn.engine, &snapshot);
    let (space, slot, place) = match wait::wait(&turn.person, input, turn.store(), turn.now, &catalogue).await? {
        Ok(Waited::Joined { space, slot, place }) => (space, slot, place),
        Ok(Waited::Free { space, slot }) => {
            let again = BookingButton::Space { space, date: Some(slot.start.date()) }.to_payload();
            return Ok(vec![
                Reply::say(Msg::new("waitlist-slot-free").msg("when", when_msg(slot)))
                    .with_buttons(vec![Button::msg(Msg::new("button-book-it"), again)]),
            ]);
        }
        Err(refusal @ Refusal::WaitlistFull { .. }) => {
            return Ok(vec![super::slots::refused(&refusal).with_buttons(vec![Button::msg(
                Msg::new("button-my-bookings"),
                BookingButton::Bookings.to_payload(),
            )])]);
        }
        Err(refusal) => return Ok(vec![super::slots::refused(&refusal)]),
    };
    turn.clear_flow().await?;
    turn.flow = None;
    let name = turn.engine.spaces().space(&space).map(|(_, s)| s.name.get(turn.lang).to_owned()).unwrap_or_default();
    Ok(vec![Reply::say(Msg::new("waitlist-joined").text("space", name).msg("when", when_msg(slot)).num("n", place))])
}

/// A booking stopped occupying its slot: the core offers it to the first person waiting
/// ([`promote::promote`], one transaction per offer with its note); this words the offers and
/// the waits that lapsed, and delivers them now.
pub async fn freed(engine: &Engine, booking: &Booking, now: DateTime<Utc>) -> Result<(), StoreError> {
    let snapshot = engine.snapshot();
    let catalogue = super::slots::catalogue(engine, &snapshot);
    let word = |offer: &Offer| offer_note(engine, offer).job(now);
    let promoted = promote::promote(booking, engine.store().as_ref(), now, &catalogue, &word).await?;
    for promotion in promoted {
        match promotion {
            Promotion::Offered(offer) => {
                engine.jobs_added().notify_one();
                notes::send_now(engine, &[offer_note(engine, &offer)], now).await?;
            }
            Promotion::Lapsed { entry, to, language, space, slot, why } => {
                let lang = language.unwrap_or(engine.settings().default_lang);
                let name = engine.spaces().space(&space).map(|(_, s)| s.name.get(lang).to_owned()).unwrap_or_default();
                let msg = Msg::new("waitlist-lapsed")
                    .text("space", name)
                    .msg("when", when_msg(slot))
                    .msg("reason", super::slots::refusal_msg(&why));
                let note = Note::new(to, msg, format!("waitlist:{entry}:lapsed"));
                notes::send(engine, &[note], now).await?;
            }
        }
    }
    Ok(())
}

fn house_name(engine: &Engine, location: &LocationId) -> String {
    engine.snapshot().houses.iter().find(|h| &h.id == location).map(|h| h.name.clone()).unwrap_or_default()
}

/// The note that offers a held slot, with its two answers.
fn offer_note(engine: &Engine, offer: &Offer) -> Note {
    let lang = offer.language.unwrap_or(engine.settings().default_lang);
    let space = engine.spaces().space(&offer.space).map(|(_, s)| s.name.get(lang).to_owned()).unwrap_or_default();
    let name = format!("{space} – {}", house_name(engine, &offer.house));
    let id = offer.booking;
    let msg = Msg::new("waitlist-offer")
        .text("space", name)
        .msg("when", when_msg(offer.slot))
        .num("n", i64::from(offer.hold_minutes));
    Note::new(offer.to, msg, format!("booking:{id}:offer"))
        .button(Msg::new("button-hold-yes"), BookingButton::Hold { take: true, booking: id }.to_payload())
        .button(Msg::new("button-hold-no"), BookingButton::Hold { take: false, booking: id }.to_payload())
}

/// The answer to an offer (button `bhold:yes|<id>` or `bhold:no|<id>`), by the core's rules:
/// taking it up checks the rules again (the quota may be used meanwhile); the status change,
/// the hold's end and the booking's reminders (or the next offer) are one transaction.
pub async fn answer(turn: &mut Turn<'_>, take: bool, id: BookingId) -> Result<Vec<Reply>, StoreError> {
    let snapshot = turn.snapshot.clone();
    let catalogue = super::slots::catalogue(turn.engine, &snapshot);
    let done = match hold::answer(&turn.person, id, take, turn.store(), turn.now, &catalogue).await? {
        Ok(done) => done,
        Err(refusal) => return Ok(vec![super::slots::refused(&refusal)]),
    };
    follow(turn.engine, &done.events, turn.now).await?;
    let b = &done.booking;
    let name = space_name(turn.engine, turn.lang, b);
    match (b.status, &done.broken) {
        (BookingStatus::Cancelled, Some(broken)) => {
            let mut reply = super::slots::refused(broken);
            reply.blocks.push(Block::Say(Msg::new("waitlist-offer-refused")));
            Ok(vec![reply])
        }
        (BookingStatus::Cancelled, None) => Ok(vec![Reply::id("waitlist-passed")]),
        (BookingStatus::Pending, _) => {
            Ok(vec![Reply::say(Msg::new("book-pending").text("space", name).msg("when", when_msg(slot_of(b))))])
        }
        _ => Ok(vec![Reply::say(Msg::new("book-done").text("space", name).msg("when", when_msg(slot_of(b))))]),
    }
}

/// The hold ran out: the slot goes to the next in line. The cancellation, the note and the
/// next offer are committed together, so a crash between them loses nothing.
pub struct HoldExpiry(pub Arc<Engine>);

#[async_trait]
impl JobHandler for HoldExpiry {
    async fn run(&self, job: &Job, now: DateTime<Utc>) -> anyhow::Result<()> {
        let engine = &self.0;
        let v: serde_json::Value = serde_json::from_str(&job.payload).context("hold payload")?;
        let id = BookingId(v["booking"].as_i64().context("hold payload has no booking")?);
        let deliver = |notice: &Notice| super::slots::note_of(engine, notice).job(now);
        let settings = &engine.spaces().settings;
        if let Some(done) = release::hold_expired(id, engine.store().as_ref(), now, settings, &deliver).await? {
            follow(engine, &done.events, now).await?;
        }
        Ok(())
    }
}

/// The scheduler's side of `vicinato_core::booking::jobs::freed`.
pub struct FreedJob(pub Arc<Engine>);

#[async_trait]
impl JobHandler for FreedJob {
    async fn run(&self, job: &Job, now: DateTime<Utc>) -> anyhow::Result<()> {
        let v: serde_json::Value = serde_json::from_str(&job.payload).context("freed payload")?;
        let id = BookingId(v["booking"].as_i64().context("freed payload has no booking")?);
        if let Some(b) = self.0.store().booking(id).await? {
            freed(&self.0, &b, now).await?;
        }
        Ok(())
    }
}
