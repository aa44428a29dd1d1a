//! The rule of every change of state a person asks for: the step must exist from the current
//! status ([`Status::after`]), this person must be allowed to take it here and now (author,
//! staff or moderator of the territory, in its governance phase: [`Action::allowed`]), and it
//! is written with its audit entry, only if nobody changed the initiative meanwhile. Returns
//! the initiative after the change and the event to tell people; delivering it is the
//! caller's.

use super::access::{Context, Decided, audit, is_author, is_moderator, is_staff, phase_of};
use super::event::Event;
use super::refusal::Refusal;
use chrono::{DateTime, Duration, Utc};
use vicinato_domain::Person;
use vicinato_domain::initiative::{Action, Actor, Decision, Initiative, Kind, Outcome, Phase, Status};
use vicinato_store::{Store, Transition};

/// A change someone asks for.
#[derive(Debug, Clone, PartialEq)]
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

/// What a change did.
#[derive(Debug, Clone, PartialEq)]
pub struct Changed {
    /// The initiative as it is now.
    pub after: Initiative,
    /// Whether its author took the step.
    pub by_author: bool,
    pub events: Vec<Event>,
}

/// The name of an action in the audit log.
pub fn action_name(action: Action) -> &'static str {
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

/// Whether this person may take this step on this initiative, in this phase.
pub fn may(actor: &Person, ini: &Initiative, action: Action, phase: Phase, ctx: Context<'_>) -> bool {
    let roles = [
        (is_author(actor, ini), Actor::Author),
        (is_staff(actor, ini, ctx.tree), Actor::Staff),
        (is_moderator(actor, ini, ctx.tree), Actor::Moderator),
    ];
    roles.iter().any(|(is, role)| *is && action.allowed(*role, phase))
        && (action != Action::ModeratorReject || ini.open_to_moderator_rejection())
}

/// Applies a change a person asks for to an initiative they found.
pub async fn change(
    actor: &Person,
    ini: &Initiative,
    change: Change,
    ctx: Context<'_>,
    store: &dyn Store,
    now: DateTime<Utc>,
) -> Decided<Changed> {
    let phase = phase_of(ctx.tree, store, &ini.territory).await?;
    if !may(actor, ini, change.action, phase, ctx) {
        tracing::info!(initiative = %ini.id, by = %actor.id, action = ?change.action, "initiative step refused");
        let by_vote = phase == Phase::Community
            && (matches!(change.action, Action::Accept | Action::Reject) || ini.status == Status::Voting);
        return Ok(Err(if by_vote { Refusal::DecidedByVote } else { Refusal::NotAllowed }));
    }
    let Some(to) = ini.status.after(change.action) else {
        return Ok(Err(Refusal::StepImpossible { status: ini.status }));
    };
    if to == Status::Accepted && ini.content.kind == Kind::Moderator && phase != Phase::Community {
        return Ok(Err(Refusal::ModeratorPhaseTwo));
    }
    let deadline = (to == Status::Published).then(|| now + Duration::days(ctx.rules.support_days_in(&ini.territory)));
    let decision = matches!(change.action, Action::Accept | Action::Reject | Action::ModeratorReject | Action::Publish)
        .then(|| Decision { by: Some(actor.id), at: now, reason: change.reason.clone() });
    let transition = Transition {
        from: vec![ini.status],
        to,
        decision,
        deadline,
        outcome: change.outcome.clone(),
        audit: audit(actor, action_name(change.action), ini.id, change.reason.clone(), now),
    };
    let Some(after) = store.initiative_transition(ini.id, &transition, now).await? else {
        return Ok(Err(Refusal::ChangedMeanwhile));
    };
    tracing::info!(initiative = %ini.id, by = %actor.id, from = ini.status.as_str(), to = to.as_str(), "initiative step");
    let events = vec![Event::Changed { initiative: after.clone(), by: Some(actor.id) }];
    Ok(Ok(Changed { by_author: is_author(actor, ini), after, events }))
}

/// Finds the initiative this person may see and applies the change to it.
pub async fn change_by_id(
    actor: &Person,
    id: vicinato_domain::initiative::InitiativeId,
    change: Change,
    ctx: Context<'_>,
    store: &dyn Store,
    now: DateTime<Utc>,
) -> Decided<Changed> {
    let ini = match super::access::visible(actor, id, ctx.tree, store).await? {
        Ok(ini) => ini,
        Err(refusal) => return Ok(Err(refusal)),
    };
    self::change(actor, &ini, change, ctx, store, now).await
}
