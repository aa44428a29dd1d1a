//! The lifecycle of initiatives: every change of state goes through [`apply`] (who may, in
//! which governance phase, audited) or, for the system's own steps, through the scheduler
//! jobs here (support deadline, end of a vote, reminders to participants, "it took place").
//! After a change, [`changed`] tells the author and fans out to supporters and participants
//! through a job, each person under a delivery key, so everyone is told once even when the job
//! runs again. Accepted community services join the directory; accepted moderator candidacies
//! become the role.

use super::common::{audit, is_author, is_moderator, is_staff, phase_in, status_msg, when_text};
use crate::i18n::Msg;
use crate::{Button, Engine, Reply, Turn};
use anyhow::Context;
use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use std::sync::Arc;
use vicinato_core::scheduler::{JobHandler, Missed, Scheduler};
use vicinato_domain::initiative::*;
use vicinato_domain::*;
use vicinato_store::{AuditEntry, Job, NewJob, StoreError, Transition};

pub const DEADLINE_JOB: &str = "initiative-deadline";
pub const VOTE_JOB: &str = "initiative-vote";
pub const NOTIFY_JOB: &str = "initiative-notify";
pub const REMIND_JOB: &str = "initiative-remind";
pub const HELD_JOB: &str = "initiative-held";

/// A change someone asks for.
#[derive(Debug, Clone)]
pub struct Change {
    pub action: Action,
    pub reason: Option<String>,
    pub outcome: Option<Outcome>,
}

impl Change {
    pub fn new(action: Action) -> Self {
        Self { action, reason: None, outcome: None }
    }

    pub fn reason(mut self, reason: String) -> Self {
        self.reason = Some(reason);
        self
    }

    pub fn outcome(mut self, outcome: Outcome) -> Self {
        self.outcome = Some(outcome);
        self
    }
}

fn action_name(action: Action) -> &'static str {
    match action {
        Action::Submit => "submit",
        Action::Publish => "publish",
        Action::ReachThreshold => "threshold",
        Action::Expire => "expire",
        Action::OpenVote => "open-vote",
        Action::Accept => "accept",
        Action::Reject => "reject",
        Action::Schedule => "schedule",
        Action::MarkHeld => "held",
        Action::Report => "report",
        Action::Withdraw => "withdraw",
        Action::ModeratorReject => "moderator-reject",
    }
}

/// Applies a change asked for in a conversation: checks the step exists from the current
/// state, that this person may take it here and now, writes it with its audit entry, and
/// tells the people concerned.
pub(crate) async fn apply(turn: &mut Turn<'_>, ini: &Initiative, change: Change) -> Result<Vec<Reply>, StoreError> {
    let phase = phase_in(&turn.snapshot.tree, &turn.store().governance().await?, &ini.territory);
    let actors = [
        (is_author(turn, ini), Actor::Author),
        (is_staff(turn, ini), Actor::Staff),
        (is_moderator(turn, ini), Actor::Moderator),
    ];
    let allowed = actors.iter().any(|(is, actor)| *is && change.action.allowed(*actor, phase))
        && (change.action != Action::ModeratorReject || ini.open_to_moderator_rejection());
    if !allowed {
        tracing::info!(initiative = %ini.id, by = %turn.person.id, action = ?change.action, "initiative step refused");
        let by_vote = phase == Phase::Community
            && (matches!(change.action, Action::Accept | Action::Reject) || ini.status == Status::Voting);
        let id = if by_vote { "ini-decided-by-vote" } else { "not-allowed" };
        return Ok(vec![Reply::id(id)]);
    }
    let Some(to) = ini.status.after(change.action) else {
        return Ok(vec![Reply::say(Msg::new("ini-step-impossible").msg("status", status_msg(ini.status)))]);
    };
    if to == Status::Accepted && ini.content.kind == Kind::Moderator && phase != Phase::Community {
        return Ok(vec![Reply::id("ini-moderator-phase-two")]);
    }
    let rules = &turn.engine.settings().initiatives;
    let deadline = (to == Status::Published).then(|| turn.now + Duration::days(rules.support_days_in(&ini.territory)));
    let decision = matches!(change.action, Action::Accept | Action::Reject | Action::ModeratorReject | Action::Publish)
        .then(|| Decision { by: Some(turn.person.id), at: turn.now, reason: change.reason.clone() });
    let transition = Transition {
        from: vec![ini.status],
        to,
        decision,
        deadline,
        outcome: change.outcome.clone(),
        audit: audit(turn, action_name(change.action), format!("initiative:{}", ini.id), change.reason.clone()),
    };
    let Some(after) = turn.store().initiative_transition(ini.id, &transition, turn.now).await? else {
        return Ok(vec![Reply::id("ini-changed-meanwhile")]);
    };
    tracing::info!(initiative = %ini.id, by = %turn.person.id, from = ini.status.as_str(), to = to.as_str(), "initiative step");
    let by_author = is_author(turn, ini);
    changed(turn.engine, &after, Some(turn.person.id), turn.now).await?;
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
        reply = reply.with_buttons(vec![Button::msg(Msg::new("button-ini-outcome"), format!("iout:{}", after.id))]);
    } else if to == Status::Accepted && by_author {
        reply = reply.with_buttons(vec![Button::msg(Msg::new("button-ini-date"), format!("idate:{}", after.id))]);
    } else {
        reply = reply.with_buttons(vec![Button::msg(Msg::new("button-ini-open"), format!("ini:{}", after.id))]);
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
    if !(is_author(turn, ini) || is_staff(turn, ini)) {
        return Ok(vec![Reply::id("not-allowed")]);
    }
    let mut content = ini.content.clone();
    content.starts = Some(at);
    let entry = audit(turn, "date", format!("initiative:{}", ini.id), Some(at.to_rfc3339()));
    if !turn.store().initiative_set_when(ini.id, &content, &entry, turn.now).await? {
        return Ok(vec![Reply::say(Msg::new("ini-step-impossible").msg("status", status_msg(ini.status)))]);
    }
    let transition = Transition {
        from: vec![Status::Accepted, Status::Scheduled],
        to: Status::Scheduled,
        decision: None,
        deadline: None,
        outcome: None,
        audit: audit(turn, "schedule", format!("initiative:{}", ini.id), None),
    };
    let Some(after) = turn.store().initiative_transition(ini.id, &transition, turn.now).await? else {
        return Ok(vec![Reply::id("ini-changed-meanwhile")]);
    };
    // A new date is news for everyone, even when it was already scheduled.
    changed(turn.engine, &after, Some(turn.person.id), turn.now).await?;
    Ok(vec![Reply::say(
        Msg::new("ini-done-scheduled")
            .text("title", after.content.title.clone())
            .msg("when", when_text(turn.engine, at)),
    )])
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
    let days = engine.settings().initiatives.vote_days_in(&ini.territory);
    let transition = Transition {
        from: vec![Status::ThresholdReached],
        to: Status::Voting,
        decision: None,
        deadline: Some(now + Duration::days(days)),
        outcome: None,
        audit: system_audit(ini, "open-vote", None, now),
    };
    if let Some(voting) = engine.store().initiative_transition(ini.id, &transition, now).await? {
        Box::pin(changed(engine, &voting, None, now)).await?;
    }
    Ok(())
}

fn system_audit(ini: &Initiative, action: &str, reason: Option<String>, now: DateTime<Utc>) -> AuditEntry {
    AuditEntry { at: now, actor: None, action: action.into(), subject: format!("initiative:{}", ini.id), reason }
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
    let reply = Reply::say(msg).with_buttons(vec![Button::msg(Msg::new("button-ini-open"), format!("ini:{id}"))]);
    match engine.couriers().deliver_once(&p, lang, &reply, key, now).await {
        Ok(_) | Err(crate::courier::CourierError::Unreachable(_)) => Ok(()),
        Err(e) => Err(NoteError::Courier(e)),
    }
}

/// A support was counted: the author hears of milestones.
pub async fn supported(engine: &Engine, ini: &Initiative, supports: u32, now: DateTime<Utc>) -> Result<(), StoreError> {
    let rules = &engine.settings().initiatives;
    if let Some(author) = ini.author
        && rules.is_milestone(ini.threshold, supports)
    {
        let msg = Msg::new("ini-note-milestone")
            .text("title", ini.content.title.clone())
            .num("supports", i64::from(supports))
            .num("threshold", i64::from(ini.threshold));
        tell(engine, author, msg, &format!("initiative:{}:milestone:{supports}", ini.id), ini.id, now).await?;
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

/// The author writes to supporters and participants, through the fan-out job. Returns how
/// many people it goes to.
pub async fn author_update(
    engine: &Engine,
    ini: &Initiative,
    text: &str,
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    let store = engine.store();
    let audience = store.initiative_audience(ini.id).await?;
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
    Ok(audience.len())
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
        if ini.status != Status::Published {
            return Ok(());
        }
        let transition = Transition {
            from: vec![Status::Published],
            to: Status::Expired,
            decision: Some(Decision { by: None, at: now, reason: None }),
            deadline: None,
            outcome: None,
            audit: system_audit(&ini, "expire", Some(format!("{} of {} supports", ini.supports, ini.threshold)), now),
        };
        if let Some(after) = self.0.store().initiative_transition(ini.id, &transition, now).await? {
            changed(&self.0, &after, None, now).await?;
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
        if ini.status != Status::Voting {
            return Ok(());
        }
        let store = engine.store();
        let (yes, no) = store.initiative_tally(ini.id).await?;
        let rules = &engine.settings().initiatives;
        let result = rules.vote_result(ini.threshold, yes, no);
        let quorum = rules.quorum(ini.threshold);
        let (to, reason) = match result {
            VoteResult::Accepted => (Status::Accepted, format!("{yes} yes, {no} no")),
            VoteResult::Rejected => (Status::Rejected, format!("{yes} yes, {no} no")),
            VoteResult::NoQuorum => (Status::Rejected, format!("{} votes, {quorum} needed", yes + no)),
        };
        let transition = Transition {
            from: vec![Status::Voting],
            to,
            decision: Some(Decision { by: None, at: now, reason: Some(reason.clone()) }),
            deadline: None,
            outcome: None,
            audit: system_audit(&ini, "vote-closed", Some(reason), now),
        };
        if let Some(after) = store.initiative_transition(ini.id, &transition, now).await? {
            tracing::info!(initiative = %ini.id, yes, no, to = to.as_str(), "vote closed");
            changed(engine, &after, None, now).await?;
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
        if ini.status != Status::Scheduled || ini.content.starts.is_none_or(|at| at > now) {
            return Ok(());
        }
        let transition = Transition {
            from: vec![Status::Scheduled],
            to: Status::Held,
            decision: None,
            deadline: None,
            outcome: None,
            audit: system_audit(&ini, "held", None, now),
        };
        if let Some(after) = engine.store().initiative_transition(ini.id, &transition, now).await? {
            changed(engine, &after, None, now).await?;
            if let Some(author) = after.author {
                // A note: put as a job before it is sent, so a delivery that fails now is retried.
                let msg = Msg::new("ini-note-ask-outcome").text("title", after.content.title.clone());
                let note = crate::notes::Note::new(author, msg, format!("initiative:{}:ask-outcome", after.id))
                    .button(Msg::new("button-ini-outcome"), format!("iout:{}", after.id));
                crate::notes::send(engine, &[note], now).await?;
            }
        }
        Ok(())
    }
}
