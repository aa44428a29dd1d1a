//! Notes: messages Vicinato sends a person on its own (a decision on their booking, a slot
//! offered from the waitlist) written as a job in the same transaction as the change they
//! report, so a crash between the two can neither lose the message nor send it twice.
//!
//! [`job`] makes the job; the change is committed with it; [`send_now`] then delivers the note
//! at once and removes the job. When that does not happen (a crash, a network down), the
//! scheduler runs the job ([`NoteJob`]), retrying. Either way the note goes out under its
//! delivery key, so it is queued once.

use super::{Button, Engine, Reply};
use crate::courier::CourierError;
use crate::i18n::Msg;
use anyhow::Context;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use std::sync::Arc;
use vicinato_core::scheduler::JobHandler;
use vicinato_domain::PersonId;
use vicinato_store::{Job, NewJob, StoreError};

pub const NOTE_JOB: &str = "note";

/// A note to one person: a message with its buttons, and the key it is delivered under.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Note {
    pub person: PersonId,
    pub msg: Msg,
    #[serde(default)]
    pub buttons: Vec<(Msg, String)>,
    /// The delivery key: a note with the same key is queued once.
    pub key: String,
}

impl Note {
    pub fn new(person: PersonId, msg: Msg, key: impl Into<String>) -> Self {
        Self { person, msg, buttons: Vec::new(), key: key.into() }
    }

    pub fn button(mut self, label: Msg, payload: impl Into<String>) -> Self {
        self.buttons.push((label, payload.into()));
        self
    }

    fn job_key(&self) -> String {
        format!("note:{}", self.key)
    }

    /// The job that delivers this note, due now.
    pub fn job(&self, now: DateTime<Utc>) -> NewJob {
        NewJob {
            kind: NOTE_JOB.into(),
            key: Some(self.job_key()),
            payload: serde_json::to_string(self).expect("notes always serialize"),
            due_at: now,
            cron: None,
            zone: "UTC".into(),
        }
    }
}

/// Delivers a note under its key. `Ok` also when nobody can be reached (a person only on the
/// console) or the person is gone: there is nothing to retry then.
async fn deliver(engine: &Engine, note: &Note, now: DateTime<Utc>) -> Result<(), CourierError> {
    let found = engine.store().person(note.person).await.map_err(|e| CourierError::Failed(e.into()))?;
    let Some(person) = found else {
        return Ok(());
    };
    let lang = person.language.unwrap_or(engine.settings().default_lang);
    let buttons = note.buttons.iter().map(|(label, payload)| Button::msg(label.clone(), payload.clone())).collect();
    let reply = Reply::say(note.msg.clone()).with_buttons(buttons);
    match engine.couriers().deliver_once(&person, lang, &reply, &note.key, now).await {
        Ok(_) | Err(CourierError::Unreachable(_)) => Ok(()),
        Err(e) => Err(e),
    }
}

/// Delivers notes whose jobs were just committed, and removes each job once its note is
/// handed over; a note that cannot go now is left to its job.
pub async fn send_now(engine: &Engine, notes: &[Note], now: DateTime<Utc>) -> Result<(), StoreError> {
    for note in notes {
        match deliver(engine, note, now).await {
            Ok(()) => {
                engine.store().job_cancel(&note.job_key()).await?;
            }
            Err(e) => {
                tracing::warn!(person = %note.person, error = %e, "a note waits for its job");
                engine.jobs_added().notify_one();
            }
        }
    }
    Ok(())
}

/// Sends notes that no transaction wrote yet: each is put as a job first, so a network down or
/// a crash leaves it to the scheduler, then sent now.
pub async fn send(engine: &Engine, notes: &[Note], now: DateTime<Utc>) -> Result<(), StoreError> {
    for note in notes {
        engine.store().job_put(&note.job(now), now).await?;
    }
    send_now(engine, notes, now).await
}

/// The scheduler's side: a note whose immediate delivery did not happen.
pub struct NoteJob(pub Arc<Engine>);

#[async_trait]
impl JobHandler for NoteJob {
    async fn run(&self, job: &Job, now: DateTime<Utc>) -> anyhow::Result<()> {
        let note: Note = serde_json::from_str(&job.payload).context("note payload")?;
        deliver(&self.0, &note, now).await.map_err(anyhow::Error::new)
    }
}
