//! The lifecycle of initiatives as people hear of it. Whether a change of state may happen is
//! decided in the core (`vicinato_core::initiatives`: `change` for people's steps, `expire`,
//! `tally` and `hold` for the system's); here its outcome becomes a reply ([`done`]) and its
//! events become notes ([`tell_events`]), and the scheduler jobs (support deadline, end of a
//! vote, reminders to participants, "it took place") call the same core rules. After a change,
//! [`changed`] tells the author and fans out to supporters and participants through a job,
//! each person under a delivery key, so everyone is told once even when the job runs again.
//! Accepted community services join the directory; accepted moderator candidacies become the
//! role.

use super::buttons::InitiativeButton;
use super::common::{ctx, phase_in, refused, status_msg, when_text};
use crate::i18n::Msg;
use crate::{Button, Engine, Reply, Turn};
use anyhow::Context;
use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use std::sync::Arc;
use vicinato_core::initiatives::{self, Changed, Event, Refusal};
use vicinato_core::scheduler::{JobHandler, Missed, Scheduler};
use vicinato_domain::initiative::*;
use vicinato_domain::*;
use vicinato_store::{Job, NewJob, StoreError};

pub const DEADLINE_JOB: &str = "initiative-deadline";
pub const VOTE_JOB: &str = "initiative-vote";
pub const NOTIFY_JOB: &str = "initiative-notify";
pub const REMIND_JOB: &str = "initiative-remind";
pub const HELD_JOB: &str = "initiative-held";

pub use vicinato_core::initiatives::Change;

/// The answer to a change of state: the people concerned are told, and the person who made
/// it hears it is done, with what to do next.
pub(crate) async fn done(turn: &mut Turn<'_>, decided: Result<Changed, Refusal>) -> Result<Vec<Reply>, StoreError> {
    let changed = match decided {
        Ok(changed) => changed,
        Err(refusal) => return Ok(vec![refused(turn, &refusal)]),
    };
    tell_events(turn.engine, &changed.events, turn.now).await?;
    let after = changed.after;
    let to = after.status;
    let done = match to {
        Status::Submitted => "ini-done-submitted",
        Status::Published => "ini-done-published",
        Status::Accepted => "ini-done-accepted",
        Status::Rejected => "ini-done-rejected",
        Status::Withdrawn => "ini-done-withdrawn",
        Status::Held => "ini-done-held",
        Status::Reported => "ini-done-reported",
        _ => "ini-done",
    };
    let mut reply = Reply::say(Msg::new(done).text("title", after.content.title.clone()));
    if to == Status::Held {
        reply = reply.with_buttons(vec![Button::msg(
            Msg::new("button-ini-outcome"),
            InitiativeButton::Outcome(after.id).to_payload(),
        )]);
    } else if to == Status::Accepted && changed.by_author {
        reply = reply.with_buttons(vec![Button::msg(
            Msg::new("button-ini-date"),
            InitiativeButton::Date(after.id).to_payload(),
        )]);
    } else {
        reply = reply.with_buttons(vec![Button::msg(
            Msg::new("button-ini-open"),
            InitiativeButton::Open(after.id).to_payload(),
        )]);
    }
    Ok(vec![reply])
}

/// Sets the date of an accepted (or scheduled) initiative: it becomes scheduled, and
/// participants are reminded the day before.
pub(crate) async fn set_date(
    turn: &mut Turn<'_>,
    ini: &Initiative,
    at: DateTime<Utc>,
) -> Result<Vec<Reply>, StoreError> {
    let decided = initiatives::schedule::schedule(&turn.person, ini, at, ctx(turn), turn.store(), turn.now).await?;
    let changed = match decided {
        Ok(changed) => changed,
        Err(refusal) => return Ok(vec![refused(turn, &refusal)]),
    };
    // A new date is news for everyone, even when it was already scheduled.
    tell_events(turn.engine, &changed.events, turn.now).await?;
    Ok(vec![Reply::say(
        Msg::new("ini-done-scheduled")
            .text("title", changed.after.content.title.clone())
            .msg("when", when_text(turn.engine, at)),
    )])
}

/// Tells people what a use case says to tell them, each through the notes and jobs of chat.
pub(crate) async fn tell_events(engine: &Engine, events: &[Event], now: DateTime<Utc>) -> Result<(), StoreError> {
    for event in events {
        match event {
            Event::Changed { initiative, by } => changed(engine, initiative, *by, now).await?,
            Event::Milestone { initiative, supports } => milestone(engine, initiative, *supports, now).await?,
            Event::Commented { initiative, by, comment, text } => {
                commented(engine, initiative, *by, *comment, text, now).await?
            }
            Event::Promoted { initiative, person } => promoted(engine, initiative, *person, now).await?,
            Event::HiddenByReports { initiative } => hidden_by_reports(engine, initiative, now).await?,
            Event::Moderated { initiative, hidden } => moderated(engine, initiative, *hidden, now).await?,
            Event::Update { initiative, text } => author_update(engine, initiative, text, now).await?,
        }
    }
    Ok(())
}

fn job(kind: &str, key: String, id: InitiativeId, extra: serde_json::Value, due: DateTime<Utc>) -> NewJob {
    let mut payload = serde_json::json!({ "initiative": id.0 });
    if let (Some(p), Some(e)) = (payload.as_object_mut(), extra.as_object()) {
        p.extend(e.clone());
    }
    NewJob {
        kind: kind.into(),
        key: Some(key),
        payload: payload.to_string(),
        due_at: due,
        cron: None,
        zone: "UTC".into(),
    }
}

/// Everything that follows a change of state: the author is told (unless they did it), a
/// job tells supporters and participants, and the jobs of the new state are scheduled.
/// `by` is who changed it, when not the author or the system.
pub async fn changed(
    engine: &Engine,
    ini: &Initiative,
    by: Option<PersonId>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let store = engine.store();
    let id = ini.id;
    let stamp = ini.updated_at.timestamp();
    if let Some(author) = ini.author
        && by != Some(author)
    {
        let mut msg =
            Msg::new("ini-note-status").text("title", ini.content.title.clone()).msg("status", status_msg(ini.status));
        if let Some(reason) = ini.decision.as_ref().and_then(|d| d.reason.clone()) {
            msg = Msg::new("ini-note-status-reason")
                .text("title", ini.content.title.clone())
                .msg("status", status_msg(ini.status))
                .text("reason", reason);
        }
        tell(engine, author, msg, &format!("initiative:{id}:{}:{stamp}:author", ini.status.as_str()), id, now).await?;
    }
    let phase = phase_in(&engine.snapshot().tree, &store.governance().await?, &ini.territory);
    match ini.status {
        Status::Submitted => tell_reviewers(engine, ini, Role::Staff, now).await?,
        Status::ThresholdReached if phase == Phase::Institutional => {
            tell_reviewers(engine, ini, Role::Staff, now).await?
        }
        _ => {}
    }
    if ini.status.is_public() {
        store
            .job_put(
                &job(
                    NOTIFY_JOB,
                    format!("initiative:{id}:notify:{}:{stamp}", ini.status.as_str()),
                    id,
                    serde_json::json!({ "status": ini.status, "stamp": stamp }),
                    now,
                ),
                now,
            )
            .await?;
    }
    match ini.status {
        Status::Published => {
            if let Some(deadline) = ini.deadline {
                store
                    .job_put(
                        &job(DEADLINE_JOB, format!("initiative:{id}:deadline"), id, serde_json::json!({}), deadline),
                        now,
                    )
                    .await?;
            }
        }
        Status::ThresholdReached => {
            store.job_cancel(&format!("initiative:{id}:deadline")).await?;
            if phase == Phase::Community {
                open_vote(engine, ini, now).await?;
            }
        }
        Status::Voting => {
            if let Some(until) = ini.deadline {
                store
                    .job_put(&job(VOTE_JOB, format!("initiative:{id}:vote"), id, serde_json::json!({}), until), now)
                    .await?;
            }
        }
        Status::Accepted => accepted(engine, ini, now).await?,
        Status::Scheduled => {
            if let Some(at) = ini.content.starts {
                let remind = at - Duration::days(1);
                if remind > now {
                    store
                        .job_put(
                            &job(
                                REMIND_JOB,
                                format!("initiative:{id}:remind"),
                                id,
                                serde_json::json!({ "at": at.timestamp() }),
                                remind,
                            ),
                            now,
                        )
                        .await?;
                }
                store
                    .job_put(
                        &job(
                            HELD_JOB,
                            format!("initiative:{id}:held"),
                            id,
                            serde_json::json!({}),
                            at + Duration::hours(3),
                        ),
                        now,
                    )
                    .await?;
            }
        }
        Status::Withdrawn | Status::Rejected | Status::Expired => {
            for key in ["deadline", "vote", "remind", "held"] {
                store.job_cancel(&format!("initiative:{id}:{key}")).await?;
            }
        }
        _ => {}
    }
    engine.jobs_added().notify_one();
    Ok(())
}

/// Phase 2: the threshold opens a vote among the territory's residents.
async fn open_vote(engine: &Engine, ini: &Initiative, now: DateTime<Utc>) -> Result<(), StoreError> {
    let rules = &engine.settings().initiatives;
    if let Some(voting) = initiatives::tally::open_vote(ini, rules, engine.store().as_ref(), now).await? {
        Box::pin(tell_events(engine, &voting.events, now)).await?;
    }
    Ok(())
}

/// What acceptance does beyond the state: a community service joins the directory; a
/// moderator candidacy becomes the role in the territory.
async fn accepted(engine: &Engine, ini: &Initiative, now: DateTime<Utc>) -> Result<(), StoreError> {
    let store = engine.store();
    match ini.content.kind {
        Kind::Activity => {}
        Kind::Moderator => {
            if let Some(author) = ini.author {
                let grant = RoleGrant { role: Role::Moderator, territory: Some(ini.territory.clone()) };
                store.grant_role(author, &grant, now).await?;
                tracing::info!(initiative = %ini.id, person = %author, territory = %ini.territory, "moderator elected");
            }
        }
        Kind::Service => {
            if let Err(e) = super::community_service::add(engine, ini).await {
                tracing::error!(initiative = %ini.id, error = %e, "cannot add the community service to the directory");
            }
        }
    }
    Ok(())
}

/// Tells one person something about an initiative, once per key, with a button to open it.
/// The action that caused the note already happened, so a delivery that fails does not undo
/// it: the note is put as a job under the same delivery key, and the scheduler retries it.
pub async fn tell(
    engine: &Engine,
    person: PersonId,
    msg: Msg,
    key: &str,
    id: InitiativeId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    match tell_or_fail(engine, person, msg.clone(), key, id, now).await {
        Ok(()) => Ok(()),
        Err(NoteError::Store(e)) => Err(e),
        Err(NoteError::Courier(e)) => {
            tracing::warn!(initiative = %id, person = %person, error = %e, "an initiative note waits for its job");
            let note =
                crate::notes::Note::new(person, msg, key).button(Msg::new("button-ini-open"), format!("ini:{id}"));
            engine.store().job_put(&note.job(now), now).await?;
            engine.jobs_added().notify_one();
            Ok(())
        }
    }
}

/// Why a note could not be handed over.
#[derive(Debug, thiserror::Error)]
pub enum NoteError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Courier(crate::courier::CourierError),
}

/// Like [`tell`], but a delivery that fails (an outbox that cannot be written) is an error: a
/// fan-out job returns it, so the job is retried and, thanks to the delivery keys, tells only
/// those it had not told yet. A person no courier reaches is skipped.
pub async fn tell_or_fail(
    engine: &Engine,
    person: PersonId,
    msg: Msg,
    key: &str,
    id: InitiativeId,
    now: DateTime<Utc>,
) -> Result<(), NoteError> {
    let Some(p) = engine.store().person(person).await? else { return Ok(()) };
    let lang = p.language.unwrap_or(engine.settings().default_lang);
    let reply = Reply::say(msg)
        .with_buttons(vec![Button::msg(Msg::new("button-ini-open"), InitiativeButton::Open(id).to_payload())]);
    match engine.couriers().deliver_once(&p, lang, &reply, key, now).await {
        Ok(_) | Err(crate::courier::CourierError::Unreachable(_)) => Ok(()),
        Err(e) => Err(NoteError::Courier(e)),
    }
}

/// A support counted at a milestone: the author hears of it.
async fn milestone(engine: &Engine, ini: &Initiative, supports: u32, now: DateTime<Utc>) -> Result<(), StoreError> {
    if let Some(author) = ini.author {
        let msg = Msg::new("ini-note-milestone")
            .text("title", ini.content.title.clone())
            .num("supports", i64::from(supports))
            .num("threshold", i64::from(ini.threshold));
        tell(engine, author, msg, &format!("initiative:{}:milestone:{supports}", ini.id), ini.id, now).await?;
    }
    Ok(())
}

/// A moderator hid or restored it: its author is told.
async fn moderated(engine: &Engine, ini: &Initiative, hide: bool, now: DateTime<Utc>) -> Result<(), StoreError> {
    if let Some(author) = ini.author {
        let msg = Msg::new(if hide { "ini-note-hidden" } else { "ini-note-restored" })
            .text("title", ini.content.title.clone());
        let key = format!("initiative:{}:moderated:{}:{}", ini.id, hide, now.timestamp());
        tell(engine, author, msg, &key, ini.id, now).await?;
    }
    Ok(())
}

/// Someone commented: the author hears of it (not of their own comments).
pub async fn commented(
    engine: &Engine,
    ini: &Initiative,
    by: PersonId,
    comment: i64,
    text: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    if let Some(author) = ini.author
        && author != by
    {
        let msg = Msg::new("ini-note-comment").text("title", ini.content.title.clone()).text("text", text.to_owned());
        tell(engine, author, msg, &format!("initiative:{}:comment:{comment}", ini.id), ini.id, now).await?;
    }
    Ok(())
}

/// The first on the waitlist got a place.
pub async fn promoted(
    engine: &Engine,
    ini: &Initiative,
    person: PersonId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let msg = Msg::new("ini-note-promoted").text("title", ini.content.title.clone());
    tell(engine, person, msg, &format!("initiative:{}:promoted:{}:{}", ini.id, person, now.timestamp()), ini.id, now)
        .await
}

/// Staff (or moderators) of the initiative's territory and the areas above it hear that it
/// waits for them in `/review`.
async fn tell_reviewers(engine: &Engine, ini: &Initiative, role: Role, now: DateTime<Utc>) -> Result<(), StoreError> {
    let snapshot = engine.snapshot();
    let scopes: Vec<TerritoryId> =
        snapshot.tree.ancestors_and_self(&ini.territory).iter().map(|t| t.id.clone()).collect();
    let mut reviewers = engine.store().role_holders(role, &scopes).await?;
    if role == Role::Moderator {
        reviewers.extend(engine.store().role_holders(Role::Staff, &scopes).await?);
        reviewers.sort();
        reviewers.dedup();
    }
    let stamp = ini.updated_at.timestamp();
    for person in reviewers {
        if Some(person) == ini.author {
            continue;
        }
        let msg =
            Msg::new("ini-note-review").text("title", ini.content.title.clone()).msg("status", status_msg(ini.status));
        let key = format!("initiative:{}:review:{}:{stamp}:{person}", ini.id, ini.status.as_str());
        tell(engine, person, msg, &key, ini.id, now).await?;
    }
    Ok(())
}

/// Reports hid an initiative: its author is told it waits for a moderator, and moderators of
/// the territory that it waits for them.
pub async fn hidden_by_reports(engine: &Engine, ini: &Initiative, now: DateTime<Utc>) -> Result<(), StoreError> {
    let mut hidden = ini.clone();
    hidden.hidden = true;
    hidden.updated_at = now;
    tell_reviewers(engine, &hidden, Role::Moderator, now).await?;
    if let Some(author) = ini.author {
        let msg = Msg::new("ini-note-hidden").text("title", ini.content.title.clone());
        tell(engine, author, msg, &format!("initiative:{}:hidden:{}", ini.id, now.timestamp()), ini.id, now).await?;
    }
    Ok(())
}

/// The author writes to supporters and participants, through the fan-out job.
async fn author_update(engine: &Engine, ini: &Initiative, text: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
    let store = engine.store();
    let stamp = now.timestamp();
    store
        .job_put(
            &job(
                NOTIFY_JOB,
                format!("initiative:{}:update:{stamp}", ini.id),
                ini.id,
                serde_json::json!({ "update": text, "stamp": stamp }),
                now,
            ),
            now,
        )
        .await?;
    engine.jobs_added().notify_one();
    Ok(())
}

/// Registers the initiative jobs with a scheduler.
pub fn register(scheduler: &mut Scheduler, engine: Arc<Engine>) {
    scheduler.register(DEADLINE_JOB, Missed::RunLate, Arc::new(Deadline(engine.clone())));
    scheduler.register(VOTE_JOB, Missed::RunLate, Arc::new(VoteEnd(engine.clone())));
    scheduler.register(NOTIFY_JOB, Missed::RunLate, Arc::new(Notify(engine.clone())));
    // A reminder found after the start is useless.
    scheduler.register(REMIND_JOB, Missed::SkipAfter(Duration::hours(12)), Arc::new(Remind(engine.clone())));
    scheduler.register(HELD_JOB, Missed::RunLate, Arc::new(Held(engine)));
}

#[derive(serde::Deserialize)]
struct Payload {
    initiative: i64,
    #[serde(default)]
    status: Option<Status>,
    #[serde(default)]
    update: Option<String>,
    #[serde(default)]
    stamp: i64,
}

async fn load(engine: &Engine, job: &Job) -> anyhow::Result<(Payload, Option<Initiative>)> {
    let p: Payload = serde_json::from_str(&job.payload).context("initiative job payload")?;
    let ini = engine.store().initiative(InitiativeId(p.initiative)).await?;
    Ok((p, ini))
}

/// The support deadline: still published means expired.
struct Deadline(Arc<Engine>);

#[async_trait]
impl JobHandler for Deadline {
    async fn run(&self, job: &Job, now: DateTime<Utc>) -> anyhow::Result<()> {
        let (_, Some(ini)) = load(&self.0, job).await? else { return Ok(()) };
        if let Some(expired) = initiatives::expire::expire(&ini, self.0.store().as_ref(), now).await? {
            tell_events(&self.0, &expired.events, now).await?;
        }
        Ok(())
    }
}

/// The end of a phase-2 vote: quorum and majority decide.
struct VoteEnd(Arc<Engine>);

#[async_trait]
impl JobHandler for VoteEnd {
    async fn run(&self, job: &Job, now: DateTime<Utc>) -> anyhow::Result<()> {
        let engine = &self.0;
        let (_, Some(ini)) = load(engine, job).await? else { return Ok(()) };
        let rules = &engine.settings().initiatives;
        if let Some(closed) = initiatives::tally::close_vote(&ini, rules, engine.store().as_ref(), now).await? {
            tell_events(engine, &closed.events, now).await?;
        }
        Ok(())
    }
}

/// Tells supporters and participants about a change or an author's update: each person under
/// their own delivery key, so a run repeated after a crash tells nobody twice.
struct Notify(Arc<Engine>);

#[async_trait]
impl JobHandler for Notify {
    async fn run(&self, job: &Job, now: DateTime<Utc>) -> anyhow::Result<()> {
        let engine = &self.0;
        let (p, Some(ini)) = load(engine, job).await? else { return Ok(()) };
        let store = engine.store();
        let audience = store.initiative_audience(ini.id).await?;
        let (what, msg) = match (&p.update, p.status) {
            (Some(text), _) => (
                format!("update:{}", p.stamp),
                Msg::new("ini-note-update").text("title", ini.content.title.clone()).text("text", text.clone()),
            ),
            // News overtaken by a later change is not sent: the later one is.
            (None, Some(status)) if status != ini.status => return Ok(()),
            (None, Some(status)) => {
                let mut m = Msg::new("ini-note-followed")
                    .text("title", ini.content.title.clone())
                    .msg("status", status_msg(status));
                if status == Status::Scheduled
                    && let Some(at) = ini.content.starts
                {
                    m = Msg::new("ini-note-followed-date")
                        .text("title", ini.content.title.clone())
                        .msg("when", when_text(engine, at));
                }
                (format!("{}:{}", status.as_str(), p.stamp), m)
            }
            (None, None) => return Ok(()),
        };
        let mut told = 0;
        for person in audience {
            if Some(person) == ini.author {
                continue;
            }
            let key = format!("initiative:{}:{what}:{person}", ini.id);
            tell_or_fail(engine, person, msg.clone(), &key, ini.id, now)
                .await
                .with_context(|| format!("initiative {} not told to person {person}", ini.id))?;
            told += 1;
        }
        tracing::info!(initiative = %ini.id, told, what, "initiative followers told");
        Ok(())
    }
}

/// The day before: participants are reminded.
struct Remind(Arc<Engine>);

#[async_trait]
impl JobHandler for Remind {
    async fn run(&self, job: &Job, now: DateTime<Utc>) -> anyhow::Result<()> {
        let engine = &self.0;
        let (_, Some(ini)) = load(engine, job).await? else { return Ok(()) };
        let Some(at) = ini.content.starts else { return Ok(()) };
        if ini.status != Status::Scheduled || at <= now {
            return Ok(());
        }
        for person in engine.store().initiative_audience(ini.id).await? {
            let part = engine.store().initiative_my_part(ini.id, person).await?;
            if part.waiting != Some(false) {
                continue;
            }
            let msg =
                Msg::new("ini-note-remind").text("title", ini.content.title.clone()).msg("when", when_text(engine, at));
            let key = format!("initiative:{}:remind:{}:{person}", ini.id, at.timestamp());
            tell_or_fail(engine, person, msg, &key, ini.id, now)
                .await
                .with_context(|| format!("initiative {} reminder not sent to person {person}", ini.id))?;
        }
        Ok(())
    }
}

/// After the date: it took place, and the author is asked how it went.
struct Held(Arc<Engine>);

#[async_trait]
impl JobHandler for Held {
    async fn run(&self, job: &Job, now: DateTime<Utc>) -> anyhow::Result<()> {
        let engine = &self.0;
        let (_, Some(ini)) = load(engine, job).await? else { return Ok(()) };
        if let Some(held) = initiatives::hold::took_place(&ini, engine.store().as_ref(), now).await? {
            tell_events(engine, &held.events, now).await?;
            let after = held.after;
            if let Some(author) = after.author {
                // A note: put as a job before it is sent, so a delivery that fails now is retried.
                let msg = Msg::new("ini-note-ask-outcome").text("title", after.content.title.clone());
                let note = crate::notes::Note::new(author, msg, format!("initiative:{}:ask-outcome", after.id))
                    .button(Msg::new("button-ini-outcome"), InitiativeButton::Outcome(after.id).to_payload());
                crate::notes::send(engine, &[note], now).await?;
            }
        }
        Ok(())
    }
}
