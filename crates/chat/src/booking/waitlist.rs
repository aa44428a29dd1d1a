//! The waitlist: a person whose wished slot is taken may wait for it. When a live booking
//! overlapping it ends early (cancelled, declined, released, or a hold not taken up), the first
//! person waiting is offered the slot as a held booking, kept for them for
//! `booking.hold_minutes`; if they do not confirm in time, the next in line is offered it.
//!
//! A wait obeys the booking rules ([`super::slot_rules`]) when it is joined, when it is
//! promoted and when the offer is taken up: nobody queues for what they could not book.
//! Joining, answering an offer and the end of a hold are the core's use cases; this file turns
//! them into replies, and offers freed slots (the promotion, with the core's rules).

use super::buttons::{BookingButton, SlotArg};
use super::slot_rules::{self, Wish};
use super::slots::freed_key;
use super::slots::when_msg;
use super::slots::{slot_of, space_name};
use crate::i18n::Msg;
use crate::notes::{self, Note};
use crate::{Block, Button, Engine, Flow, Reply, Turn};
use anyhow::Context;
use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use std::sync::Arc;
use vicinato_core::booking::wait::{WaitInput, Waited};
use vicinato_core::booking::{Event, Notice, Refusal, hold, release, wait};
use vicinato_core::scheduler::JobHandler;
use vicinato_domain::*;
use vicinato_store::{Job, NewJob, StoreError};

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

/// A booking stopped occupying its slot: offer it to the first person waiting for any space
/// that shares a unit with it, if the slot still passes every rule for them. Each offer is one
/// transaction (entry offered, held booking, hold expiry, the note), so running this again
/// after a crash offers nothing twice.
pub async fn freed(engine: &Engine, booking: &Booking, now: DateTime<Utc>) -> Result<(), StoreError> {
    let spaces = engine.spaces();
    let Some((_, booked)) = spaces.space(&booking.space) else {
        return Ok(());
    };
    let sharing: Vec<&Space> = spaces
        .houses
        .iter()
        .flat_map(|h| &h.spaces)
        .filter(|s| s.units.iter().any(|u| booked.units.contains(u)))
        .collect();
    for space in sharing {
        let Some((house, _)) = spaces.space(&space.id) else { continue };
        for entry in engine.store().waitlist_waiting(&space.id, booking.starts, booking.ends).await? {
            if entry.starts <= now {
                engine.store().waitlist_set(entry.id, "expired").await?;
                continue;
            }
            let Some(person) = engine.store().person(entry.person).await? else { continue };
            let lang = person.language.unwrap_or(engine.settings().default_lang);
            let slot = LocalSlot {
                start: entry.starts.with_timezone(&house.zone).naive_local(),
                end: entry.ends.with_timezone(&house.zone).naive_local(),
            };
            let wish = Wish {
                space,
                person: entry.person,
                association: None,
                replaces: None,
                slot,
                people: Some(entry.people.max(1)),
            };
            if let Some(broken) = slot_rules::broken(engine, &wish, now).await? {
                // The rules changed for them (a quota used meanwhile, a closure, too little
                // notice left): their wait ends, and they are told why.
                engine.store().waitlist_set(entry.id, "lapsed").await?;
                let why = slot_rules::reply(&broken, house.zone).blocks.into_iter().next();
                let mut msg =
                    Msg::new("waitlist-lapsed").text("space", space.name.get(lang)).msg("when", when_msg(slot));
                if let Some(Block::Say(reason)) = why {
                    msg = msg.msg("reason", reason);
                }
                let note = Note::new(entry.person, msg, format!("waitlist:{}:lapsed", entry.id));
                notes::send(engine, &[note], now).await?;
                continue;
            }
            let held = NewBooking {
                house: house.location.clone(),
                space: space.id.clone(),
                person: entry.person,
                status: BookingStatus::Held,
                starts: entry.starts,
                ends: entry.ends,
                zone: house.zone,
                people: entry.people.max(1),
                purpose: entry.purpose.clone(),
                units: space.units.clone(),
                busy_until: entry.ends + Duration::minutes(i64::from(space.buffer_minutes)),
                replaces: None,
                association: None,
            };
            let hold = engine.spaces().settings.hold_minutes;
            let name = format!("{} – {}", space.name.get(lang), house_name(engine, &house.location));
            let offer = |id: BookingId| offer_note(entry.person, id, &name, slot, hold);
            let jobs = |id: BookingId| vec![hold_job(id, house.zone, now, hold), offer(id).job(now)];
            let Ok(held) = engine.store().waitlist_promote(entry.id, &held, &jobs, now).await? else {
                // Still (partly) taken for this one, or offered already: they keep their place.
                continue;
            };
            engine.jobs_added().notify_one();
            tracing::info!(booking = %held.id, "a freed slot is offered to the waitlist");
            notes::send_now(engine, &[offer(held.id)], now).await?;
        }
    }
    Ok(())
}

fn house_name(engine: &Engine, location: &LocationId) -> String {
    engine.snapshot().houses.iter().find(|h| &h.id == location).map(|h| h.name.clone()).unwrap_or_default()
}

fn hold_job(id: BookingId, zone: chrono_tz::Tz, now: DateTime<Utc>, hold_minutes: u32) -> NewJob {
    vicinato_core::booking::jobs::hold(id, zone, now, hold_minutes)
}

fn offer_note(person: PersonId, id: BookingId, space: &str, slot: LocalSlot, hold_minutes: u32) -> Note {
    let msg =
        Msg::new("waitlist-offer").text("space", space).msg("when", when_msg(slot)).num("n", i64::from(hold_minutes));
    Note::new(person, msg, format!("booking:{id}:offer"))
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
