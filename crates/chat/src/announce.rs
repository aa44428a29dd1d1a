//! The send job of staff announcements: when an announcement's time comes it resolves the
//! recipients (`core::announcements::expand`), hands each queued copy to the courier that
//! reaches the person, under the copy's delivery key (so a job run again after a crash queues
//! nobody twice), records each copy, and when none is left tells the author how it went (and
//! keeps the next occurrence of a recurring one). A pending announcement has no job; one
//! cancelled meanwhile is left alone by `expand`.
//! Every copy ends with one line on how to stop announcements. It names no network: the
//! couriers' outboxes do the sending. A courier with a bulk lane (Telegram, Matrix) records
//! each copy itself once the network answered (`sending` until then); the job looks again
//! every few seconds and tells the author when the last copy is settled.
//!
//! The linked rooms an announcement asks for get one copy each (`expand::expand_rooms`),
//! handed over the same way under the room copy's delivery key (`Couriers::deliver_room_copy`),
//! in the room's languages (Italian, with the English text after it in a room that reads
//! English too) and without the line on how to stop (a room cannot opt out); they are
//! counted apart in the report.
//!
//! The correction job (`announcement-correct`) hands over the copies a correction queued
//! again (with the new text) and one edit per copy sent with an older text, under the edit's
//! delivery key, to the courier of the copy's bot; it looks again while copies are still on
//! their way, since those left with the old text and need their edit too.

use crate::courier::{CourierError, Handover};
use crate::i18n::Msg;
use crate::{Engine, Reply};
use anyhow::Context;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use std::sync::Arc;
use vicinato_core::announcements::correct::{self, CORRECT_JOB};
use vicinato_core::announcements::{SEND_JOB, SendPayload, expand};
use vicinato_core::scheduler::{JobHandler, Missed, Scheduler};
use vicinato_domain::{Announcement, AnnouncementState, CopyState, EditState, Recipient, room_text};
use vicinato_store::{CopyOf, Handed, Job, NewJob};

/// How many copies are read from the store at a time.
const BATCH: i64 = 500;

/// The key of the job that looks again whether every copy in a bulk lane was settled.
const WAIT_KEY: &str = "announce-wait:";
/// How often it looks.
const WAIT_SECONDS: i64 = 5;

/// The copy a recipient reads: the text in their language, then how to stop.
pub fn copy_message(text: &str) -> Msg {
    Msg::new("announce-copy").text("text", text)
}

/// The copy posted in a room: the text only (nobody in a room can opt the room out).
pub fn room_copy_message(text: &str) -> Msg {
    Msg::new("announce-room-copy").text("text", text)
}

/// What a copy's handover leaves it as, and whether its bulk lane will record it; an error a
/// later run may not meet (`retry`) is returned for the job to be tried again.
fn copy_state(handover: Result<Handover, CourierError>, retry: &'static str) -> anyhow::Result<(CopyState, bool)> {
    Ok(match handover {
        Ok(Handover::Lane) => (CopyState::Sending, true),
        Ok(Handover::Done) => (CopyState::Sent, false),
        Ok(Handover::Refused(why)) => (CopyState::Failed(why.to_owned()), false),
        Err(CourierError::Unreachable(_)) => (CopyState::Unreachable, false),
        Err(e) => return Err(anyhow::Error::new(e).context(retry)),
    })
}

/// What an edit's handover leaves it as, as [`copy_state`] for a copy.
fn edit_state(handover: Result<Handover, CourierError>, retry: &'static str) -> anyhow::Result<EditState> {
    Ok(match handover {
        Ok(Handover::Lane) => EditState::Sending,
        Ok(Handover::Done) => EditState::Sent,
        Ok(Handover::Refused(why)) => EditState::Failed(why.to_owned()),
        Err(CourierError::Unreachable(why)) => EditState::Failed(format!("no bot reaches {why}")),
        Err(e) => return Err(anyhow::Error::new(e).context(retry)),
    })
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
        let tree = engine.snapshot().tree.clone();
        expand::expand_rooms(&announcement, store, &tree, &couriers.channels()).await?;
        expand::expand(&announcement, store, &couriers.channels(), engine.settings().default_lang, now).await?;
        hand_over_rooms(engine, &announcement, now).await?;
        hand_over(engine, &announcement, now).await?;
        // Copies in a bulk lane are recorded by their transport; until the last one is, the
        // job looks again shortly (under a new key each time, so finishing this run does not
        // delete the next), and the author is told only when every copy is settled.
        let settling = !store.recipients(announcement.id, Some(&CopyState::Sending), 1).await?.is_empty()
            || !store.room_copies(announcement.id, Some(&CopyState::Sending), 1).await?.is_empty();
        if settling {
            let current = store.announcement(announcement.id).await?.map(|a| a.state);
            if current == Some(AnnouncementState::Sending) {
                let round =
                    job.key.as_deref().and_then(|k| k.rsplit_once(':')).and_then(|(_, n)| n.parse::<u64>().ok());
                let round = if job.key.as_deref().is_some_and(|k| k.starts_with(WAIT_KEY)) {
                    round.unwrap_or(0) + 1
                } else {
                    1
                };
                store
                    .job_put(
                        &NewJob {
                            kind: SEND_JOB.into(),
                            key: Some(format!("{WAIT_KEY}{}:{round}", announcement.id)),
                            payload: job.payload.clone(),
                            due_at: now + chrono::Duration::seconds(WAIT_SECONDS),
                            cron: None,
                            zone: job.zone.clone(),
                        },
                        now,
                    )
                    .await?;
            }
            return Ok(());
        }
        // Done, and the next occurrence of a recurring one kept, in one transaction.
        let zone = engine.settings().time_zone;
        if vicinato_core::announcements::recur::finish(&announcement, store, zone, now).await?
            && let Some(author) = announcement.author
            && let Some(author) = store.person(author).await?
        {
            let counts = store.recipient_counts(announcement.id).await?;
            let of = |state: &str| counts.iter().filter(|c| c.state == state).map(|c| c.count).sum::<i64>();
            let rooms = store.room_copies(announcement.id, None, BATCH).await?;
            let rooms_sent = rooms.iter().filter(|r| r.state == CopyState::Sent).count() as i64;
            let msg = Msg::new("announce-done")
                .num("id", announcement.id.0)
                .num("sent", of("sent"))
                .num("unreachable", of("unreachable") + of("blocked") + of("failed"))
                .num("opted_out", of("opted_out"));
            let mut reply = Reply::say(msg);
            if !rooms.is_empty() {
                reply = reply.then(
                    Msg::new("announce-done-rooms")
                        .num("rooms", rooms_sent)
                        .num("missed", rooms.len() as i64 - rooms_sent),
                );
            }
            let lang = author.language.unwrap_or(engine.settings().default_lang);
            let key = format!("announce-done:{}", announcement.id);
            match couriers.deliver_once(&author, lang, &reply, &key, now).await {
                Ok(_) | Err(CourierError::Unreachable(_)) => {}
                Err(e) => tracing::warn!(announcement = %announcement.id, error = %e, "the author was not told"),
            }
        }
        Ok(())
    }
}

/// Hands every queued copy of an announcement to the courier of its bot, with the
/// announcement's latest text, under the copy's delivery key, and records the handover: a
/// batch at a time, its people read at once, handed to each bot in one outbox transaction
/// and recorded in one transaction.
async fn hand_over(engine: &Engine, announcement: &Announcement, now: DateTime<Utc>) -> anyhow::Result<()> {
    let store = engine.store().as_ref();
    let couriers = engine.couriers();
    // A copy a correction or cancellation took back meanwhile is read again; a few rounds at
    // most, so a busy race cannot keep the job here.
    let mut stalled = None;
    for _ in 0..1_000 {
        let queued = store.recipients(announcement.id, Some(&CopyState::Queued), BATCH).await?;
        // Every copy of the last batch was taken back before its handover was recorded: they
        // are queued again and the next run of the job takes them. (A batch its bulk lane
        // settled before it was recorded is not queued any more, and the next one goes on.)
        if queued.is_empty() || (stalled.is_some() && stalled == queued.first().map(|c| c.person)) {
            break;
        }
        let first = queued.first().map(|c| c.person);
        let ids: Vec<_> = queued.iter().map(|c| c.person).collect();
        let kept: std::collections::HashSet<_> = store.persons_kept(&ids).await?.into_iter().collect();
        let mut gone = Vec::new();
        let mut to_hand = Vec::with_capacity(queued.len());
        for mut copy in queued {
            copy.version = announcement.corrections;
            if kept.contains(&copy.person) {
                let reply = Reply::say(copy_message(announcement.texts.for_lang(copy.lang)));
                to_hand.push((copy, reply));
            } else {
                gone.push(copy);
            }
        }
        let copies: Vec<Recipient> = to_hand.iter().map(|(c, _)| c.clone()).collect();
        let results = couriers.deliver_copies(to_hand, now).await;
        let mut handed = Vec::with_capacity(copies.len() + gone.len());
        handed.extend(gone.iter().map(|c| Handed {
            copy: CopyOf::Person(c),
            state: CopyState::Unreachable,
            lane: false,
        }));
        // What was handed over is recorded even when a copy of the batch must wait for a retry.
        let mut retry = None;
        for (copy, result) in copies.iter().zip(results) {
            match copy_state(result, "an announcement copy waits for a retry") {
                Ok((state, lane)) => handed.push(Handed { copy: CopyOf::Person(copy), state, lane }),
                Err(e) => {
                    retry.get_or_insert(e);
                }
            }
        }
        let recorded = store.copies_handed(&handed, now).await?;
        if let Some(e) = retry {
            return Err(e);
        }
        stalled = if recorded == 0 { first } else { None };
    }
    Ok(())
}

/// Hands every queued room copy of an announcement to the courier of its bot, with the
/// announcement's latest text in the room's languages, and records the handover.
async fn hand_over_rooms(engine: &Engine, announcement: &Announcement, now: DateTime<Utc>) -> anyhow::Result<()> {
    let store = engine.store().as_ref();
    let couriers = engine.couriers();
    for _ in 0..1_000 {
        let queued = store.room_copies(announcement.id, Some(&CopyState::Queued), BATCH).await?;
        if queued.is_empty() {
            break;
        }
        let mut handed = 0;
        for copy in &queued {
            let mut copy = copy.clone();
            copy.version = announcement.corrections;
            let reply = room_reply(store, announcement, copy.network, &copy.chat).await?;
            let (state, lane) = copy_state(
                couriers.deliver_room_copy(&copy, &reply, now).await,
                "a room's announcement copy waits for a retry",
            )?;
            handed += store.copies_handed(&[Handed { copy: CopyOf::Room(&copy), state, lane }], now).await?;
        }
        if handed == 0 {
            break;
        }
    }
    Ok(())
}

/// A room's copy of an announcement's latest text, in the room's languages (`/room lang`).
async fn room_reply(
    store: &dyn vicinato_store::Store,
    announcement: &Announcement,
    network: vicinato_domain::Network,
    chat: &str,
) -> anyhow::Result<Reply> {
    let langs = vicinato_core::rooms::settings::settings_of(store, network, chat).await?.langs;
    Ok(Reply::say(room_copy_message(&room_text(&announcement.texts, &langs))))
}

/// Opens and hands over the edits a correction needs on room copies sent with an older text.
async fn correct_rooms(engine: &Engine, announcement: &Announcement, now: DateTime<Utc>) -> anyhow::Result<()> {
    let store = engine.store().as_ref();
    let couriers = engine.couriers();
    let n = announcement.corrections;
    store.room_edits_open(announcement.id, n, &correct::edit_cutoffs(now), now).await?;
    loop {
        let queued = store.room_edits(announcement.id, n, &EditState::Queued, BATCH).await?;
        if queued.is_empty() {
            break;
        }
        for copy in &queued {
            let reply = room_reply(store, announcement, copy.network, &copy.chat).await?;
            let state = edit_state(
                couriers.deliver_room_edit(copy, n, &reply, now).await,
                "a room copy's edit waits for a retry",
            )?;
            store.room_edit_settled(None, announcement.id, copy.network, &copy.chat, n, &state, now).await?;
        }
    }
    Ok(())
}

/// The scheduler's side of a correction: copies queued again go out with the new text, and
/// copies sent with an older text get an edit.
pub struct CorrectJob(pub Arc<Engine>);

#[async_trait]
impl JobHandler for CorrectJob {
    async fn run(&self, job: &Job, now: DateTime<Utc>) -> anyhow::Result<()> {
        let payload: SendPayload = serde_json::from_str(&job.payload).context("correction payload")?;
        let engine = &self.0;
        let store = engine.store().as_ref();
        let Some(announcement) = store.announcement(payload.announcement).await? else {
            return Ok(());
        };
        let n = announcement.corrections;
        if n == 0 || announcement.state == AnnouncementState::Cancelled {
            return Ok(());
        }
        if announcement.state == AnnouncementState::Sending {
            hand_over_rooms(engine, &announcement, now).await?;
            hand_over(engine, &announcement, now).await?;
        }
        correct_rooms(engine, &announcement, now).await?;
        store.edits_open(announcement.id, n, &correct::edit_cutoffs(now), now).await?;
        let couriers = engine.couriers();
        loop {
            let queued = store.edits(announcement.id, n, &EditState::Queued, BATCH).await?;
            if queued.is_empty() {
                break;
            }
            for copy in &queued {
                let reply = Reply::say(copy_message(announcement.texts.for_lang(copy.lang)));
                let state = edit_state(
                    couriers.deliver_edit(copy, n, &reply, now).await,
                    "an announcement edit waits for a retry",
                )?;
                store.edit_settled(None, announcement.id, copy.person, n, &state, now).await?;
            }
        }
        // Copies on their way when the correction came left with the old text: once they are
        // recorded, they get their edit too.
        let on_the_way = !store.recipients(announcement.id, Some(&CopyState::Sending), 1).await?.is_empty()
            || !store.room_copies(announcement.id, Some(&CopyState::Sending), 1).await?.is_empty()
            // A room's edit of an earlier correction still on its way holds back this one's.
            || store
                .room_copies(announcement.id, None, BATCH)
                .await?
                .iter()
                .any(|c| matches!(c.edit, Some((_, EditState::Sending))));
        let queued = !store.recipients(announcement.id, Some(&CopyState::Queued), 1).await?.is_empty()
            || !store.room_copies(announcement.id, Some(&CopyState::Queued), 1).await?.is_empty();
        if on_the_way || (queued && announcement.state == AnnouncementState::Sending) {
            store.job_put(&correct::job(announcement.id, now + chrono::Duration::seconds(WAIT_SECONDS)), now).await?;
        }
        Ok(())
    }
}

/// Registers the send and correction jobs.
pub fn register(scheduler: &mut Scheduler, engine: Arc<Engine>) {
    scheduler.register(SEND_JOB, Missed::RunLate, Arc::new(SendJob(engine.clone())));
    scheduler.register(CORRECT_JOB, Missed::RunLate, Arc::new(CorrectJob(engine)));
}
