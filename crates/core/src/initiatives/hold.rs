//! It took place: the author or staff say so (from accepted or scheduled), or the job does
//! three hours after the date ([`took_place`]); then the author reports how it went and how
//! many came ([`report_outcome`]). Changes of state go through [`super::change`] for people,
//! audited as the system's for the job.

use super::access::{Context, Decided, system_audit};
use super::change::{Change, Changed, change, change_by_id};
use super::event::Event;
use chrono::{DateTime, Utc};
use vicinato_domain::Person;
use vicinato_domain::initiative::{Action, Initiative, InitiativeId, Outcome, Status};
use vicinato_store::{Store, StoreError, Transition};

/// The author or staff mark it as held.
pub async fn mark_held(
    actor: &Person,
    id: InitiativeId,
    ctx: Context<'_>,
    store: &dyn Store,
    now: DateTime<Utc>,
) -> Decided<Changed> {
    change_by_id(actor, id, Change::new(Action::MarkHeld), ctx, store, now).await
}

/// The author reports what happened and how many came.
pub async fn report_outcome(
    actor: &Person,
    ini: &Initiative,
    outcome: Outcome,
    ctx: Context<'_>,
    store: &dyn Store,
    now: DateTime<Utc>,
) -> Decided<Changed> {
    change(actor, ini, Change::new(Action::Report).outcome(outcome), ctx, store, now).await
}

/// The job after the date: a scheduled initiative whose date has passed took place. `None`
/// when there is nothing to do (not scheduled, not yet, or changed meanwhile).
pub async fn took_place(
    ini: &Initiative,
    store: &dyn Store,
    now: DateTime<Utc>,
) -> Result<Option<Changed>, StoreError> {
    if ini.status != Status::Scheduled || ini.content.starts.is_none_or(|at| at > now) {
        return Ok(None);
    }
    let transition = Transition {
        from: vec![Status::Scheduled],
        to: Status::Held,
        decision: None,
        deadline: None,
        outcome: None,
        audit: system_audit(ini.id, "held", None, now),
    };
    Ok(store.initiative_transition(ini.id, &transition, now).await?.map(|after| Changed {
        events: vec![Event::Changed { initiative: after.clone(), by: None }],
        after,
        by_author: false,
    }))
}

#[cfg(test)]
mod tests {
    use super::super::refusal::Refusal;
    use super::super::testing::*;
    use super::*;

    #[tokio::test]
    async fn it_took_place_after_its_date_and_the_author_reports_the_outcome() {
        let t = Fixture::new().await;
        let reached = t.put(&t.published(3).await, Status::ThresholdReached, None).await;
        let accepted = t.put(&reached, Status::Accepted, None).await;
        let at = t.now + chrono::Duration::days(1);
        let scheduled = super::super::schedule::schedule(&t.author, &accepted, at, t.ctx(), t.store(), t.now)
            .await
            .unwrap()
            .unwrap()
            .after;
        assert_eq!(took_place(&scheduled, t.store(), t.now).await.unwrap(), None, "not yet");
        let held = took_place(&scheduled, t.store(), at).await.unwrap().unwrap().after;
        assert_eq!(held.status, Status::Held);
        let outcome = Outcome { text: "Bello".into(), attendance: 12 };
        let ada = t.resident("ada").await;
        let r = report_outcome(&ada, &held, outcome.clone(), t.ctx(), t.store(), at).await.unwrap();
        assert_eq!(r, Err(Refusal::NotAllowed));
        let done = report_outcome(&t.author, &held, outcome.clone(), t.ctx(), t.store(), at).await.unwrap().unwrap();
        assert_eq!((done.after.status, done.after.outcome), (Status::Reported, Some(outcome)));
    }

    #[tokio::test]
    async fn the_author_marks_it_held_but_a_resident_cannot() {
        let t = Fixture::new().await;
        let reached = t.put(&t.published(3).await, Status::ThresholdReached, None).await;
        let accepted = t.put(&reached, Status::Accepted, None).await;
        let ada = t.resident("ada").await;
        assert_eq!(mark_held(&ada, accepted.id, t.ctx(), t.store(), t.now).await.unwrap(), Err(Refusal::NotAllowed));
        let done = mark_held(&t.author, accepted.id, t.ctx(), t.store(), t.now).await.unwrap().unwrap();
        assert_eq!(done.after.status, Status::Held);
    }
}
