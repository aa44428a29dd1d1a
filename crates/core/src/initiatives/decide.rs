//! What staff and moderators decide: accept or reject on the merit (staff, phase 1; in phase 2
//! the vote does), a moderator's rejection of hidden content, hiding and restoring (moderators
//! of the territory), and the governance phase of a territory (its staff). Changes of state
//! go through [`super::change`]; every decision is audited.

use super::access::{Context, Decided, audit, is_moderator, visible};
use super::change::{Change, Changed, change, change_by_id};
use super::event::Event;
use super::refusal::Refusal;
use chrono::{DateTime, Utc};
use vicinato_domain::initiative::{Action, Initiative, InitiativeId, Phase};
use vicinato_domain::{Person, Role, TerritoryId};
use vicinato_store::{AuditEntry, Store};

/// Staff accept a threshold-reached initiative (phase 1).
pub async fn accept(
    actor: &Person,
    id: InitiativeId,
    ctx: Context<'_>,
    store: &dyn Store,
    now: DateTime<Utc>,
) -> Decided<Changed> {
    change_by_id(actor, id, Change::new(Action::Accept), ctx, store, now).await
}

/// Staff reject a submitted or threshold-reached initiative, with the reason its author reads.
pub async fn reject(
    actor: &Person,
    ini: &Initiative,
    reason: String,
    ctx: Context<'_>,
    store: &dyn Store,
    now: DateTime<Utc>,
) -> Decided<Changed> {
    change(actor, ini, Change::new(Action::Reject).reason(reason), ctx, store, now).await
}

/// A moderator (or staff) rejects content that reports hid, with a reason.
pub async fn moderator_reject(
    actor: &Person,
    ini: &Initiative,
    reason: String,
    ctx: Context<'_>,
    store: &dyn Store,
    now: DateTime<Utc>,
) -> Decided<Changed> {
    change(actor, ini, Change::new(Action::ModeratorReject).reason(reason), ctx, store, now).await
}

/// What hiding or restoring did.
#[derive(Debug, Clone, PartialEq)]
pub struct Moderated {
    pub initiative: Initiative,
    pub events: Vec<Event>,
}

/// A moderator of the territory hides (`hide`) or restores an initiative; its author is told.
pub async fn moderate(
    actor: &Person,
    id: InitiativeId,
    hide: bool,
    ctx: Context<'_>,
    store: &dyn Store,
    now: DateTime<Utc>,
) -> Decided<Moderated> {
    let ini = match visible(actor, id, ctx.tree, store).await? {
        Ok(ini) => ini,
        Err(refusal) => return Ok(Err(refusal)),
    };
    if !is_moderator(actor, &ini, ctx.tree) {
        return Ok(Err(Refusal::NotAllowed));
    }
    let entry = audit(actor, if hide { "hide" } else { "restore" }, ini.id, None, now);
    if !store.initiative_set_hidden(ini.id, hide, &entry).await? {
        return Ok(Err(Refusal::ModerationAlready));
    }
    tracing::info!(initiative = %ini.id, by = %actor.id, hide, "initiative moderated");
    let events = if ini.author.is_some() {
        vec![Event::Moderated { initiative: ini.clone(), hidden: hide }]
    } else {
        Vec::new()
    };
    Ok(Ok(Moderated { initiative: ini, events }))
}

/// Staff of a territory (or admins) choose who decides there: staff (phase 1) or the vote.
pub async fn set_phase(
    actor: &Person,
    territory: &TerritoryId,
    phase: Phase,
    ctx: Context<'_>,
    store: &dyn Store,
    now: DateTime<Utc>,
) -> Decided<()> {
    if !actor.may(Role::Staff, Some(territory), ctx.tree) {
        tracing::info!(by = %actor.id, territory = %territory, "phase change refused");
        return Ok(Err(Refusal::NotAllowed));
    }
    let entry = AuditEntry {
        at: now,
        actor: Some(actor.id),
        action: format!("phase-{}", phase.as_str()),
        subject: format!("territory:{territory}"),
        reason: None,
    };
    store.set_governance(territory, phase, &entry).await?;
    tracing::info!(by = %actor.id, territory = %territory, phase = phase.as_str(), "governance phase set");
    Ok(Ok(()))
}

#[cfg(test)]
mod tests {
    use super::super::access::phase_of;
    use super::super::testing::*;
    use super::*;
    use vicinato_domain::initiative::Status;

    #[tokio::test]
    async fn staff_decide_in_phase_one_and_the_vote_in_phase_two() {
        let t = Fixture::new().await;
        let reached = t.put(&t.published(3).await, Status::ThresholdReached, None).await;
        let staff = t.with_role("stefi", Role::Staff, "roma-m05").await;
        let ada = t.resident("ada").await;
        assert_eq!(accept(&ada, reached.id, t.ctx(), t.store(), t.now).await.unwrap(), Err(Refusal::NotAllowed));
        let centocelle = TerritoryId::new("centocelle");
        assert_eq!(
            set_phase(&ada, &centocelle, Phase::Community, t.ctx(), t.store(), t.now).await.unwrap(),
            Err(Refusal::NotAllowed)
        );
        set_phase(&staff, &centocelle, Phase::Community, t.ctx(), t.store(), t.now).await.unwrap().unwrap();
        assert_eq!(phase_of(&t.tree, t.store(), &centocelle).await.unwrap(), Phase::Community);
        assert_eq!(accept(&staff, reached.id, t.ctx(), t.store(), t.now).await.unwrap(), Err(Refusal::DecidedByVote));
        set_phase(&staff, &centocelle, Phase::Institutional, t.ctx(), t.store(), t.now).await.unwrap().unwrap();
        let done = reject(&staff, &reached, "Troppo costoso".into(), t.ctx(), t.store(), t.now).await.unwrap().unwrap();
        assert_eq!(done.after.status, Status::Rejected);
        assert_eq!(done.after.decision.and_then(|d| d.reason).as_deref(), Some("Troppo costoso"));
    }

    #[tokio::test]
    async fn moderators_hide_and_restore_in_their_territory_and_reject_only_hidden_content() {
        let t = Fixture::new().await;
        let ini = t.published(3).await;
        let ada = t.resident("ada").await;
        let far = t.with_role("fabio", Role::Moderator, "san-lorenzo").await;
        let moderator = t.with_role("mara", Role::Moderator, "centocelle").await;
        for who in [&ada, &far] {
            assert_eq!(moderate(who, ini.id, true, t.ctx(), t.store(), t.now).await.unwrap(), Err(Refusal::NotAllowed));
        }
        let r = moderator_reject(&moderator, &ini, "no".into(), t.ctx(), t.store(), t.now).await.unwrap();
        assert_eq!(r, Err(Refusal::NotAllowed), "not hidden: not a moderator's to reject");
        let hidden = moderate(&moderator, ini.id, true, t.ctx(), t.store(), t.now).await.unwrap().unwrap();
        assert!(matches!(hidden.events[..], [Event::Moderated { hidden: true, .. }]));
        let again = moderate(&moderator, ini.id, true, t.ctx(), t.store(), t.now).await.unwrap();
        assert_eq!(again, Err(Refusal::ModerationAlready));
        let ini = t.store().initiative(ini.id).await.unwrap().unwrap();
        let done = moderator_reject(&moderator, &ini, "Spam".into(), t.ctx(), t.store(), t.now).await.unwrap().unwrap();
        assert_eq!(done.after.status, Status::Rejected);
    }
}
