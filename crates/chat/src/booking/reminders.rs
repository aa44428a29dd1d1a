//! The scheduler jobs of bookings: reminders before the start (with a one-tap cancel), and the
//! release of bookings nobody checked in to. Both read the booking again when they run, so a
//! cancelled or changed booking sends nothing; what they decide is the core's
//! (`vicinato_core::booking::release`), this file words and delivers it.

use super::buttons::BookingButton;
use super::slots::{NO_SHOW_JOB, REMINDER_JOB, when_msg};
use super::slots::{slot_of, space_name};
use crate::i18n::Msg;
use crate::{Button, Engine, Reply};
use anyhow::Context;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use std::sync::Arc;
use vicinato_core::booking::{Notice, release};
use vicinato_core::scheduler::{JobHandler, Missed, Scheduler};
use vicinato_domain::*;
use vicinato_store::Job;

#[derive(serde::Deserialize)]
struct Payload {
    booking: i64,
    #[serde(default)]
    minutes: u32,
}

/// Registers the booking jobs with a scheduler.
pub fn register(scheduler: &mut Scheduler, engine: &Arc<Engine>) {
    // A reminder is still useful late, as long as the booking has not started (checked when
    // it runs); a no-show release is safe to run late.
    scheduler.register(REMINDER_JOB, Missed::RunLate, Arc::new(Reminder(engine.clone())));
    scheduler.register(NO_SHOW_JOB, Missed::RunLate, Arc::new(NoShow(engine.clone())));
    scheduler.register(super::slots::HOLD_JOB, Missed::RunLate, Arc::new(super::waitlist::HoldExpiry(engine.clone())));
    scheduler.register(super::slots::FREED_JOB, Missed::RunLate, Arc::new(super::waitlist::FreedJob(engine.clone())));
}

struct Reminder(Arc<Engine>);

#[async_trait]
impl JobHandler for Reminder {
    async fn run(&self, job: &Job, now: DateTime<Utc>) -> anyhow::Result<()> {
        let engine = &self.0;
        let p: Payload = serde_json::from_str(&job.payload).context("reminder payload")?;
        let Some(b) = release::reminder_due(BookingId(p.booking), engine.store().as_ref(), now).await? else {
            return Ok(());
        };
        let Some(person) = engine.store().person(b.person).await? else {
            return Ok(());
        };
        let lang = person.language.unwrap_or(engine.settings().default_lang);
        let id = if p.minutes >= 120 { "reminder-hours" } else { "reminder-minutes" };
        let n = if p.minutes >= 120 { i64::from(p.minutes / 60) } else { i64::from(p.minutes) };
        let reply = Reply::say(
            Msg::new(id).num("n", n).text("space", space_name(engine, lang, &b)).msg("when", when_msg(slot_of(&b))),
        )
        .with_buttons(vec![Button::msg(
            Msg::new("button-cancel-booking-one"),
            BookingButton::Cancel(b.id).to_payload(),
        )]);
        // Keyed by the job and its due time: a run repeated after a crash queues nothing again.
        let key = format!("reminder:{}:{}:{}", b.id, p.minutes, job.due_at.timestamp());
        match engine.couriers().deliver_once(&person, lang, &reply, &key, now).await {
            Ok(Some(account)) => tracing::info!(booking = %b.id, %account, minutes = p.minutes, "reminder sent"),
            Ok(None) => tracing::info!(booking = %b.id, minutes = p.minutes, "reminder was already sent"),
            // Nobody can carry it (a console person): nothing to retry.
            Err(crate::courier::CourierError::Unreachable(who)) => {
                tracing::info!(booking = %b.id, person = %who, "no network reaches the person for a reminder")
            }
            Err(e) => return Err(anyhow::Error::new(e)),
        }
        Ok(())
    }
}

struct NoShow(Arc<Engine>);

#[async_trait]
impl JobHandler for NoShow {
    async fn run(&self, job: &Job, now: DateTime<Utc>) -> anyhow::Result<()> {
        let engine = &self.0;
        let p: Payload = serde_json::from_str(&job.payload).context("no-show payload")?;
        let deliver = |notice: &Notice| super::slots::note_of(engine, notice).job(now);
        if let Some(done) = release::no_show(BookingId(p.booking), engine.store().as_ref(), now, &deliver).await? {
            super::waitlist::follow(engine, &done.events, now).await?;
        }
        Ok(())
    }
}
