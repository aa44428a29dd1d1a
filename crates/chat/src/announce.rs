//! The send job of staff announcements: when an announcement's time comes it resolves the
//! recipients (`core::announcements::expand`), hands each queued copy to the courier that
//! reaches the person, under the copy's delivery key (so a job run again after a crash queues
//! nobody twice), records each copy, and when none is left tells the author how it went (and
//! keeps the next occurrence of a recurring one). A pending announcement has no job; one
//! cancelled meanwhile is left alone by `expand`.
//! Every copy ends with one line on how to stop announcements. It names no network: the
//! couriers' outboxes do the sending.

use crate::courier::CourierError;
use crate::i18n::Msg;
use crate::{Engine, Reply};
use anyhow::Context;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use std::sync::Arc;
use vicinato_core::announcements::{SEND_JOB, SendPayload, expand};
use vicinato_core::scheduler::{JobHandler, Missed, Scheduler};
use vicinato_domain::CopyState;
use vicinato_store::Job;

/// How many copies are read from the store at a time.
const BATCH: i64 = 500;

/// The copy a recipient reads: the text in their language, then how to stop.
pub fn copy_message(text: &str) -> Msg {
    Msg::new("announce-copy").text("text", text)
}

/// The scheduler's side of an announcement.
pub struct SendJob(pub Arc<Engine>);

#[async_trait]
impl JobHandler for SendJob {
    async fn run(&self, job: &Job, now: DateTime<Utc>) -> anyhow::Result<()> {
        let payload: SendPayload = serde_json::from_str(&job.payload).context("announcement payload")?;
        let engine = &self.0;
        let store = engine.store().as_ref();
        let Some(announcement) = store.announcement(payload.announcement).await? else {
            return Ok(());
        };
        let couriers = engine.couriers();
        expand::expand(&announcement, store, &couriers.channels(), engine.settings().default_lang, now).await?;
        loop {
            let queued = store.recipients(announcement.id, Some(&CopyState::Queued), BATCH).await?;
            if queued.is_empty() {
                break;
            }
            for copy in &queued {
                let Some(person) = store.person(copy.person).await? else {
                    store.recipient_mark(announcement.id, copy.person, &CopyState::Unreachable, None, now).await?;
                    continue;
                };
                let reply = Reply::say(copy_message(announcement.texts.for_lang(copy.lang)));
                let state = match couriers.deliver_once(&person, copy.lang, &reply, &copy.delivery_key(), now).await {
                    Ok(_) => CopyState::Sent,
                    Err(CourierError::Unreachable(_)) => CopyState::Unreachable,
                    Err(e) => return Err(anyhow::Error::new(e).context("an announcement copy waits for a retry")),
                };
                store.recipient_mark(announcement.id, copy.person, &state, None, now).await?;
            }
        }
        // Done, and the next occurrence of a recurring one kept, in one transaction.
        let zone = engine.settings().time_zone;
        if vicinato_core::announcements::recur::finish(&announcement, store, zone, now).await?
            && let Some(author) = announcement.author
            && let Some(author) = store.person(author).await?
        {
            let counts = store.recipient_counts(announcement.id).await?;
            let of = |state: &str| counts.iter().filter(|c| c.state == state).map(|c| c.count).sum::<i64>();
            let msg = Msg::new("announce-done")
                .num("id", announcement.id.0)
                .num("sent", of("sent"))
                .num("unreachable", of("unreachable") + of("failed"))
                .num("opted_out", of("opted_out"));
            let lang = author.language.unwrap_or(engine.settings().default_lang);
            let key = format!("announce-done:{}", announcement.id);
            match couriers.deliver_once(&author, lang, &Reply::say(msg), &key, now).await {
                Ok(_) | Err(CourierError::Unreachable(_)) => {}
                Err(e) => tracing::warn!(announcement = %announcement.id, error = %e, "the author was not told"),
            }
        }
        Ok(())
    }
}

/// Registers the send job.
pub fn register(scheduler: &mut Scheduler, engine: Arc<Engine>) {
    scheduler.register(SEND_JOB, Missed::RunLate, Arc::new(SendJob(engine)));
}
