//! The waitlist: a person whose wished slot is taken may wait for it. When a live booking
//! overlapping it ends early (cancelled, declined, released, or a hold not taken up), the first
//! person waiting is offered the slot as a held booking, kept for them for
//! `booking.hold_minutes`; if they do not confirm in time, the next in line is offered it.
//!
//! A wait obeys the booking rules ([`super::slot_rules`]) when it is joined, when it is
//! promoted and when the offer is taken up: nobody queues for what they could not book.

use super::slot_rules::{self, Wish};
use super::slots::when_msg;
use super::slots::{HOLD_JOB, freed_job, freed_key, hold_key};
use super::slots::{slot_of, space_name};
use crate::i18n::Msg;
use crate::notes::{self, Note};
use crate::{Block, Button, Engine, Flow, Reply, Turn};
use anyhow::Context;
use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use std::sync::Arc;
use vicinato_core::scheduler::JobHandler;
use vicinato_domain::*;
use vicinato_store::{Job, NewJob, StoreError, WaitPlace};

/// Offers the freed slot now and removes its job; on an error the job stays and retries.
pub async fn freed_now(engine: &Engine, booking: &Booking, now: DateTime<Utc>) -> Result<(), StoreError> {
    freed(engine, booking, now).await?;
    engine.store().job_cancel(&freed_key(booking.id)).await?;
    Ok(())
}

/// Joins the waitlist of a slot (button `bwait:space|YYYYMMDDHHMM|minutes`). The slot must
/// pass every rule a booking passes, and be taken; one entry per person and slot, and at most
/// `limits.waitlist_entries` at once.
pub async fn join(turn: &mut Turn<'_>, arg: &str) -> Result<Vec<Reply>, StoreError> {
    let Some((space, start, minutes)) = super::slots::slot_arg(arg) else {
        return Ok(vec![Reply::id("button-expired")]);
    };
    let Some((house, space)) = turn.engine.spaces().space(&space) else {
        return Ok(vec![Reply::id("button-expired")]);
    };
    let Some(end) = start.checked_add_signed(Duration::minutes(i64::from(minutes))) else {
        return Ok(vec![Reply::id("button-expired")]);
    };
    let slot = LocalSlot { start, end };
    let Some((starts, ends)) = slot.in_zone(house.zone) else {
        return Ok(vec![Reply::id("button-expired")]);
    };
    let (people, purpose) = match &turn.flow {
        Some(Flow::Book { draft }) => (draft.people.unwrap_or(1), draft.purpose.clone().unwrap_or_default()),
        _ => (1, String::new()),
    };
    let wish = Wish { space, person: turn.person.id, association: None, replaces: None, slot, people: Some(people) };
    if let Some(broken) = slot_rules::broken(turn.engine, &wish, turn.now).await? {
        return Ok(vec![broken.reply(house.zone)]);
    }
    let busy = turn.store().busy(&space.units, starts - Duration::days(1), ends + Duration::days(1)).await?;
    if is_free(space, (starts, ends), &busy) {
        let again = format!("bspace:{}|{}", space.id, start.format("%Y%m%d"));
        return Ok(vec![
            Reply::say(Msg::new("waitlist-slot-free").msg("when", when_msg(slot)))
                .with_buttons(vec![Button::msg(Msg::new("button-book-it"), again)]),
        ]);
    }
    let entry = WaitEntry { id: 0, space: space.id.clone(), person: turn.person.id, starts, ends, people, purpose };
    let cap = turn.engine.settings().limits.waitlist_entries;
    let place = match turn.store().waitlist_add(&entry, cap, turn.now).await? {
        WaitPlace::Place(n) => n,
        WaitPlace::Full => {
            return Ok(vec![
                Reply::say(Msg::new("waitlist-full").num("n", i64::from(cap)))
                    .with_buttons(vec![Button::msg(Msg::new("button-my-bookings"), "bookings:")]),
            ]);
        }
    };
    turn.clear_flow().await?;
    turn.flow = None;
    Ok(vec![Reply::say(
        Msg::new("waitlist-joined")
            .text("space", space.name.get(turn.lang))
            .msg("when", when_msg(slot))
            .num("n", place),
    )])
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
                let why = broken.reply(house.zone).blocks.into_iter().next();
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
    NewJob {
        kind: HOLD_JOB.into(),
        key: Some(hold_key(id)),
        payload: serde_json::json!({ "booking": id.0 }).to_string(),
        due_at: now + Duration::minutes(i64::from(hold_minutes)),
        cron: None,
        zone: zone.name().into(),
    }
}

fn offer_note(person: PersonId, id: BookingId, space: &str, slot: LocalSlot, hold_minutes: u32) -> Note {
    let msg =
        Msg::new("waitlist-offer").text("space", space).msg("when", when_msg(slot)).num("n", i64::from(hold_minutes));
    Note::new(person, msg, format!("booking:{id}:offer"))
        .button(Msg::new("button-hold-yes"), format!("bhold:yes|{id}"))
        .button(Msg::new("button-hold-no"), format!("bhold:no|{id}"))
}

/// The answer to an offer (button `bhold:yes|<id>` or `bhold:no|<id>`). Taking it up checks
/// the rules again (the quota may be used meanwhile); the status change, the hold's end and
/// the booking's reminders (or the next offer) are one transaction.
pub async fn answer(turn: &mut Turn<'_>, arg: &str) -> Result<Vec<Reply>, StoreError> {
    let (yes, id) = arg.split_once('|').unwrap_or(("", arg));
    let Ok(id) = id.parse::<i64>() else {
        return Ok(vec![Reply::id("booking-not-found")]);
    };
    let Some(b) = turn.store().booking(BookingId(id)).await?.filter(|b| b.person == turn.person.id) else {
        return Ok(vec![Reply::id("booking-not-found")]);
    };
    let Some((house, space)) = turn.engine.spaces().space(&b.space) else {
        return Ok(vec![Reply::id("booking-not-found")]);
    };
    let needs_approval = super::slots::needs_approval(turn.engine, space).await?;
    let mut refusal = None;
    if yes == "yes" && b.status == BookingStatus::Held {
        let wish = Wish {
            space,
            person: b.person,
            association: b.association.as_ref(),
            replaces: Some(b.id),
            slot: slot_of(&b),
            people: Some(b.people),
        };
        refusal = slot_rules::broken(turn.engine, &wish, turn.now).await?;
    }
    let to = match (yes == "yes" && refusal.is_none(), needs_approval) {
        (false, _) => BookingStatus::Cancelled,
        (true, true) => BookingStatus::Pending,
        (true, false) => BookingStatus::Confirmed,
    };
    let jobs = match to {
        BookingStatus::Cancelled => vec![freed_job(&b, turn.now)],
        BookingStatus::Confirmed => super::slots::jobs_of(turn.engine, &b, turn.now),
        _ => Vec::new(),
    };
    let cancel = [hold_key(b.id)];
    let changed = turn.store().booking_transition_with(b.id, &[BookingStatus::Held], to, &jobs, &cancel, turn.now);
    let Some(b) = changed.await? else {
        return Ok(vec![Reply::id("waitlist-offer-over")]);
    };
    turn.engine.jobs_added().notify_one();
    let name = space_name(turn.engine, turn.lang, &b);
    match (to, refusal) {
        (BookingStatus::Cancelled, Some(broken)) => {
            freed_now(turn.engine, &b, turn.now).await?;
            let mut reply = broken.reply(house.zone);
            reply.blocks.push(Block::Say(Msg::new("waitlist-offer-refused")));
            Ok(vec![reply])
        }
        (BookingStatus::Cancelled, None) => {
            freed_now(turn.engine, &b, turn.now).await?;
            Ok(vec![Reply::id("waitlist-passed")])
        }
        (BookingStatus::Pending, _) => {
            Ok(vec![Reply::say(Msg::new("book-pending").text("space", name).msg("when", when_msg(slot_of(&b))))])
        }
        _ => Ok(vec![Reply::say(Msg::new("book-done").text("space", name).msg("when", when_msg(slot_of(&b))))]),
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
        let Some(b) = engine.store().booking(id).await?.filter(|b| b.status == BookingStatus::Held) else {
            return Ok(());
        };
        let lang = match engine.store().person(b.person).await? {
            Some(p) => p.language.unwrap_or(engine.settings().default_lang),
            None => engine.settings().default_lang,
        };
        let msg = Msg::new("waitlist-offer-expired").text("space", space_name(engine, lang, &b));
        let note = Note::new(b.person, msg, format!("booking:{}:hold-expired", b.id));
        let jobs = [freed_job(&b, now), note.job(now)];
        let cancel = super::slots::job_keys(engine, &b);
        let changed = engine.store().booking_transition_with(
            id,
            &[BookingStatus::Held],
            BookingStatus::Cancelled,
            &jobs,
            &cancel,
            now,
        );
        let Some(b) = changed.await? else {
            return Ok(());
        };
        notes::send_now(engine, &[note], now).await?;
        freed_now(engine, &b, now).await?;
        Ok(())
    }
}

/// The scheduler's side of [`freed_job`].
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
