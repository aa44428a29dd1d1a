//! Who the actor is to an initiative (its author, staff or a moderator of its territory), what
//! they may see, the governance phase of a territory, and the audit entry of an action: the
//! checks every initiatives use case starts with. Reads the store, never writes it; says
//! nothing to anyone.

use super::refusal::Refusal;
use chrono::{DateTime, Duration, Utc};
use vicinato_domain::initiative::{Initiative, InitiativeId, Phase, Rules, Status};
use vicinato_domain::{Person, Role, TerritoryId, TerritoryTree};
use vicinato_store::{AuditEntry, Store, StoreError};

/// What a use case reads besides the store: the territory tree, and the rules of initiatives
/// (thresholds, deadlines, reports that hide).
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub tree: &'a TerritoryTree,
    pub rules: &'a Rules,
    /// How many comments and reports one person may write an hour.
    pub per_hour: PerHour,
}

/// How many comments and reports one person may write an hour (0: no limit), from `[limits]`
/// in the configuration. Staff of the initiative's territory are never limited.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PerHour {
    pub comments: u32,
    pub reports: u32,
}

/// What [`PerHour`] limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hourly {
    Comments,
    Reports,
}

/// The hourly limit the actor has reached for `what` on `ini`, if any: checked by
/// [`super::comment`] and [`super::report`], and by a caller that wants to say so before
/// asking for the text.
pub async fn hourly_limit(
    actor: &Person,
    ini: &Initiative,
    what: Hourly,
    ctx: &Context<'_>,
    store: &dyn Store,
    now: DateTime<Utc>,
) -> Result<Option<Refusal>, StoreError> {
    let max = match what {
        Hourly::Comments => ctx.per_hour.comments,
        Hourly::Reports => ctx.per_hour.reports,
    };
    if max == 0 || is_staff(actor, ini, ctx.tree) {
        return Ok(None);
    }
    let activity = store.initiative_activity(actor.id, now - Duration::hours(1)).await?;
    let done = match what {
        Hourly::Comments => activity.comments,
        Hourly::Reports => activity.reports,
    };
    Ok((done >= max).then_some(Refusal::PerHour { max }))
}

/// A use case's answer: the outcome, or why not; the outer error is the store's.
pub type Decided<T> = Result<Result<T, Refusal>, StoreError>;

pub fn is_author(actor: &Person, ini: &Initiative) -> bool {
    ini.author == Some(actor.id)
}

/// Staff of the initiative's territory (or above it).
pub fn is_staff(actor: &Person, ini: &Initiative, tree: &TerritoryTree) -> bool {
    actor.may(Role::Staff, Some(&ini.territory), tree)
}

/// A moderator of the initiative's territory, or staff there.
pub fn is_moderator(actor: &Person, ini: &Initiative, tree: &TerritoryTree) -> bool {
    actor.may(Role::Moderator, Some(&ini.territory), tree) || is_staff(actor, ini, tree)
}

/// Drafts are the author's alone; submitted ones are for staff to check; hidden ones for the
/// territory's moderators (and staff).
pub fn may_see(actor: &Person, ini: &Initiative, tree: &TerritoryTree) -> bool {
    is_author(actor, ini)
        || (ini.status.is_public() && (!ini.hidden || is_moderator(actor, ini, tree)))
        || (ini.status == Status::Submitted && is_staff(actor, ini, tree))
}

/// What a person starts writing about an initiative, before they write it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Writing {
    Comment,
    Report,
    /// The author, to the supporters.
    Update,
    /// The date it takes place.
    Date,
    /// How it went, and how many came.
    Outcome,
    /// Staff rejecting it.
    RejectReason,
    /// A moderator rejecting hidden content.
    ModeratorReason,
}

/// Whether this person may write this about the initiative now (the step it is for checks
/// again when it is taken).
pub fn may_write(actor: &Person, ini: &Initiative, what: Writing, tree: &TerritoryTree) -> bool {
    match what {
        Writing::Comment | Writing::Report => ini.status.is_public(),
        Writing::Update => is_author(actor, ini) && ini.status.is_public() && !ini.status.is_final(),
        Writing::Date => is_author(actor, ini) || is_staff(actor, ini, tree),
        Writing::Outcome => is_author(actor, ini) && ini.status == Status::Held,
        Writing::RejectReason => is_staff(actor, ini, tree),
        Writing::ModeratorReason => is_moderator(actor, ini, tree) && ini.open_to_moderator_rejection(),
    }
}

/// The initiative, if this person may see it.
pub async fn visible(actor: &Person, id: InitiativeId, tree: &TerritoryTree, store: &dyn Store) -> Decided<Initiative> {
    let Some(ini) = store.initiative(id).await? else { return Ok(Err(Refusal::NotFound)) };
    if !may_see(actor, &ini, tree) {
        return Ok(Err(Refusal::NotFound));
    }
    Ok(Ok(ini))
}

/// The governance phase of a territory: its own, else its nearest ancestor's, else phase 1.
pub fn phase_in(tree: &TerritoryTree, set: &[(TerritoryId, Phase)], territory: &TerritoryId) -> Phase {
    for t in tree.ancestors_and_self(territory) {
        if let Some((_, phase)) = set.iter().find(|(id, _)| *id == t.id) {
            return *phase;
        }
    }
    Phase::Institutional
}

/// [`phase_in`], with the phases read from the store.
pub async fn phase_of(tree: &TerritoryTree, store: &dyn Store, territory: &TerritoryId) -> Result<Phase, StoreError> {
    Ok(phase_in(tree, &store.governance().await?, territory))
}

/// The audit entry of something a person did to an initiative.
pub fn audit(
    actor: &Person,
    action: &str,
    ini: InitiativeId,
    reason: Option<String>,
    now: DateTime<Utc>,
) -> AuditEntry {
    AuditEntry { at: now, actor: Some(actor.id), action: action.into(), subject: format!("initiative:{ini}"), reason }
}

/// The audit entry of something the system did (a deadline, a vote closed).
pub fn system_audit(ini: InitiativeId, action: &str, reason: Option<String>, now: DateTime<Utc>) -> AuditEntry {
    AuditEntry { at: now, actor: None, action: action.into(), subject: format!("initiative:{ini}"), reason }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    #[tokio::test]
    async fn drafts_are_the_author_s_and_hidden_ones_the_moderators_too() {
        let t = Fixture::new().await;
        let draft = t.draft().await;
        let ada = t.resident("ada").await;
        let moderator = t.with_role("mara", Role::Moderator, "roma-m05").await;
        assert!(may_see(&t.author, &draft, &t.tree) && !may_see(&ada, &draft, &t.tree));
        let mut ini = t.published(3).await;
        ini.hidden = true;
        assert!(!may_see(&ada, &ini, &t.tree) && may_see(&moderator, &ini, &t.tree));
        assert!(may_write(&moderator, &ini, Writing::ModeratorReason, &t.tree));
        assert!(
            !may_write(&ada, &ini, Writing::Update, &t.tree) && may_write(&t.author, &ini, Writing::Update, &t.tree)
        );
        assert!(!may_write(&moderator, &ini, Writing::RejectReason, &t.tree), "staff reject, moderators do not");
    }
}
