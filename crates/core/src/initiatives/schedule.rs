//! The author or staff set the date of an accepted (or already scheduled) initiative: it
//! becomes scheduled, audited, and everyone concerned is told (a new date is news even when
//! it was scheduled already). Reading the date from words is the caller's.

use super::access::{Context, Decided, audit, is_author, is_staff};
use super::change::Changed;
use super::event::Event;
use super::refusal::Refusal;
use chrono::{DateTime, Utc};
use vicinato_domain::Person;
use vicinato_domain::initiative::{Initiative, Status};
use vicinato_store::{Store, Transition};

pub async fn schedule(
    actor: &Person,
    ini: &Initiative,
    at: DateTime<Utc>,
    ctx: Context<'_>,
    store: &dyn Store,
    now: DateTime<Utc>,
) -> Decided<Changed> {
    if !(is_author(actor, ini) || is_staff(actor, ini, ctx.tree)) {
        return Ok(Err(Refusal::NotAllowed));
    }
    let mut content = ini.content.clone();
    content.starts = Some(at);
    let entry = audit(actor, "date", ini.id, Some(at.to_rfc3339()), now);
    if !store.initiative_set_when(ini.id, &content, &entry, now).await? {
        return Ok(Err(Refusal::StepImpossible { status: ini.status }));
    }
    let transition = Transition {
        from: vec![Status::Accepted, Status::Scheduled],
        to: Status::Scheduled,
        decision: None,
        deadline: None,
        outcome: None,
        audit: audit(actor, "schedule", ini.id, None, now),
    };
    let Some(after) = store.initiative_transition(ini.id, &transition, now).await? else {
        return Ok(Err(Refusal::ChangedMeanwhile));
    };
    let events = vec![Event::Changed { initiative: after.clone(), by: Some(actor.id) }];
    Ok(Ok(Changed { by_author: is_author(actor, ini), after, events }))
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    #[tokio::test]
    async fn the_author_dates_an_accepted_initiative_and_a_resident_cannot() {
        let t = Fixture::new().await;
        let reached = t.put(&t.published(3).await, Status::ThresholdReached, None).await;
        let accepted = t.put(&reached, Status::Accepted, None).await;
        let at = t.now + chrono::Duration::days(7);
        let ada = t.resident("ada").await;
        assert_eq!(schedule(&ada, &accepted, at, t.ctx(), t.store(), t.now).await.unwrap(), Err(Refusal::NotAllowed));
        let done = schedule(&t.author, &accepted, at, t.ctx(), t.store(), t.now).await.unwrap().unwrap();
        assert_eq!((done.after.status, done.after.content.starts), (Status::Scheduled, Some(at)));
    }
}
