//! The waitlist: a person whose wished slot is taken may wait for it. When a live booking
//! overlapping it ends early (cancelled, declined, released, or a hold not taken up), the first
//! person waiting is offered the slot as a held booking, kept for them for
//! `booking.hold_minutes`; if they do not confirm in time, the next in line is offered it.

use super::book::{schedule_jobs, unschedule_jobs, when_msg};
use super::bookings::{slot_of, space_name};
use super::{Button, Engine, Flow, Reply, Turn};
use crate::domain::*;
use crate::i18n::Msg;
use crate::scheduler::JobHandler;
use crate::store::{Job, NewJob, StoreError};
use anyhow::Context;
use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use std::sync::Arc;

pub const HOLD_JOB: &str = "booking-hold";

fn hold_key(id: BookingId) -> String {
    format!("booking:{id}:hold")
}

/// Joins the waitlist of a slot (button `bwait:space|YYYYMMDDHHMM|minutes`).
pub async fn join(turn: &mut Turn<'_>, arg: &str) -> Result<Vec<Reply>, StoreError> {
    let Some((space, start, minutes)) = super::book::slot_arg(arg) else {
        return Ok(vec![Reply::id("button-expired")]);
    };
    let Some((house, space)) = turn.engine.spaces().space(&space) else {
        return Ok(vec![Reply::id("button-expired")]);
    };
    let slot = LocalSlot { start, end: start + Duration::minutes(i64::from(minutes)) };
    let Some((starts, ends)) = slot.in_zone(house.zone) else {
        return Ok(vec![Reply::id("button-expired")]);
    };
    let (people, purpose) = match &turn.flow {
        Some(Flow::Book { draft }) => (draft.people.unwrap_or(1), draft.purpose.clone().unwrap_or_default()),
        _ => (1, String::new()),
    };
    let entry = WaitEntry { id: 0, space: space.id.clone(), person: turn.person.id, starts, ends, people, purpose };
    let place = turn.store().waitlist_add(&entry, turn.now).await?;
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
/// that shares a unit with it.
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
            let Ok(held) = engine.store().booking_insert(&held, now).await? else {
                // Still (partly) taken for this one: they keep waiting.
                continue;
            };
            engine.store().waitlist_set(entry.id, "offered").await?;
            offer(engine, &held, now).await?;
        }
    }
    Ok(())
}

async fn offer(engine: &Engine, held: &Booking, now: DateTime<Utc>) -> Result<(), StoreError> {
    let hold = engine.spaces().settings.hold_minutes;
    engine
        .store()
        .job_put(
            &NewJob {
                kind: HOLD_JOB.into(),
                key: Some(hold_key(held.id)),
                payload: serde_json::json!({ "booking": held.id.0 }).to_string(),
                due_at: now + Duration::minutes(i64::from(hold)),
                cron: None,
                zone: held.zone.name().into(),
            },
            now,
        )
        .await?;
    engine.jobs_added().notify_one();
    let Some(person) = engine.store().person(held.person).await? else {
        return Ok(());
    };
    let lang = person.language.unwrap_or(engine.settings().default_lang);
    let reply = Reply::say(
        Msg::new("waitlist-offer")
            .text("space", space_name(engine, lang, held))
            .msg("when", when_msg(slot_of(held)))
            .num("n", i64::from(hold)),
    )
    .with_buttons(vec![
        Button::msg(Msg::new("button-hold-yes"), format!("bhold:yes|{}", held.id)),
        Button::msg(Msg::new("button-hold-no"), format!("bhold:no|{}", held.id)),
    ]);
    if let Err(e) = engine.couriers().deliver(&person, lang, &reply, now).await {
        tracing::warn!(booking = %held.id, error = %e, "cannot offer a freed slot");
    }
    Ok(())
}

/// The answer to an offer (button `bhold:yes|<id>` or `bhold:no|<id>`).
pub async fn answer(turn: &mut Turn<'_>, arg: &str) -> Result<Vec<Reply>, StoreError> {
    let (yes, id) = arg.split_once('|').unwrap_or(("", arg));
    let Ok(id) = id.parse::<i64>() else {
        return Ok(vec![Reply::id("booking-not-found")]);
    };
    let Some(b) = turn.store().booking(BookingId(id)).await?.filter(|b| b.person == turn.person.id) else {
        return Ok(vec![Reply::id("booking-not-found")]);
    };
    let needs_approval = match turn.engine.spaces().space(&b.space) {
        Some((_, s)) => super::manage_spaces::needs_approval(turn.engine, s).await?,
        None => false,
    };
    let to = match (yes == "yes", needs_approval) {
        (false, _) => BookingStatus::Cancelled,
        (true, true) => BookingStatus::Pending,
        (true, false) => BookingStatus::Confirmed,
    };
    let Some(b) = turn.store().booking_transition(b.id, &[BookingStatus::Held], to).await? else {
        return Ok(vec![Reply::id("waitlist-offer-over")]);
    };
    turn.store().job_cancel(&hold_key(b.id)).await?;
    let name = space_name(turn.engine, turn.lang, &b);
    match to {
        BookingStatus::Cancelled => {
            freed(turn.engine, &b, turn.now).await?;
            Ok(vec![Reply::id("waitlist-passed")])
        }
        BookingStatus::Pending => {
            Ok(vec![Reply::say(Msg::new("book-pending").text("space", name).msg("when", when_msg(slot_of(&b))))])
        }
        _ => {
            schedule_jobs(turn.engine, &b, turn.now).await?;
            Ok(vec![Reply::say(Msg::new("book-done").text("space", name).msg("when", when_msg(slot_of(&b))))])
        }
    }
}

/// The hold ran out: the slot goes to the next in line.
pub struct HoldExpiry(pub Arc<Engine>);

#[async_trait]
impl JobHandler for HoldExpiry {
    async fn run(&self, job: &Job, now: DateTime<Utc>) -> anyhow::Result<()> {
        let engine = &self.0;
        let v: serde_json::Value = serde_json::from_str(&job.payload).context("hold payload")?;
        let id = BookingId(v["booking"].as_i64().context("hold payload has no booking")?);
        let Some(b) = engine.store().booking_transition(id, &[BookingStatus::Held], BookingStatus::Cancelled).await?
        else {
            return Ok(());
        };
        unschedule_jobs(engine, &b).await?;
        if let Some(person) = engine.store().person(b.person).await? {
            let lang = person.language.unwrap_or(engine.settings().default_lang);
            let reply = Reply::say(Msg::new("waitlist-offer-expired").text("space", space_name(engine, lang, &b)));
            if let Err(e) = engine.couriers().deliver(&person, lang, &reply, now).await {
                tracing::info!(booking = %b.id, error = %e, "cannot tell that an offer ran out");
            }
        }
        freed(engine, &b, now).await?;
        Ok(())
    }
}
