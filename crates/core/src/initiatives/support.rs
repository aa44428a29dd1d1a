//! Supporting an initiative, openly or anonymously: anyone who may see it except its author,
//! while it collects supports. The store counts exactly under concurrency and moves it to
//! "threshold reached" with the support that reaches it. Returns the count and what to tell:
//! the author of a milestone, everyone of the threshold.

use super::access::{Context, Decided, is_author, visible};
use super::event::Event;
use super::refusal::Refusal;
use chrono::{DateTime, Utc};
use vicinato_domain::Person;
use vicinato_domain::initiative::{Initiative, InitiativeId};
use vicinato_store::{Store, Supported};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Input {
    pub id: InitiativeId,
    pub anonymous: bool,
}

/// A counted support.
#[derive(Debug, Clone, PartialEq)]
pub struct Counted {
    pub initiative: Initiative,
    pub supports: u32,
    pub threshold: u32,
    /// This support reached the threshold.
    pub reached: bool,
    pub events: Vec<Event>,
}

pub async fn support(
    actor: &Person,
    input: Input,
    ctx: Context<'_>,
    store: &dyn Store,
    now: DateTime<Utc>,
) -> Decided<Counted> {
    let ini = match visible(actor, input.id, ctx.tree, store).await? {
        Ok(ini) => ini,
        Err(refusal) => return Ok(Err(refusal)),
    };
    if is_author(actor, &ini) {
        return Ok(Err(Refusal::SupportOwn));
    }
    let (supports, threshold, reached) = match store.initiative_support(ini.id, actor.id, input.anonymous, now).await? {
        Supported::Counted { supports, threshold, reached } => (supports, threshold, reached),
        Supported::Already => return Ok(Err(Refusal::SupportAlready)),
        Supported::Closed => return Ok(Err(Refusal::SupportClosed { status: ini.status })),
    };
    let mut events = Vec::new();
    if ini.author.is_some() && ctx.rules.is_milestone(ini.threshold, supports) {
        events.push(Event::Milestone { initiative: ini.clone(), supports });
    }
    if reached && let Some(fresh) = store.initiative(ini.id).await? {
        events.push(Event::Changed { initiative: fresh, by: None });
    }
    Ok(Ok(Counted { initiative: ini, supports, threshold, reached, events }))
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    #[tokio::test]
    async fn a_resident_supports_once_and_the_author_not_at_all() {
        let t = Fixture::new().await;
        let ini = t.published(3).await;
        let ada = t.resident("ada").await;
        let input = Input { id: ini.id, anonymous: false };
        let counted = support(&ada, input, t.ctx(), t.store(), t.now).await.unwrap().unwrap();
        assert_eq!((counted.supports, counted.threshold, counted.reached), (1, 3, false));
        assert!(matches!(counted.events[..], [Event::Milestone { supports: 1, .. }]), "{:?}", counted.events);
        assert_eq!(support(&ada, input, t.ctx(), t.store(), t.now).await.unwrap(), Err(Refusal::SupportAlready));
        assert_eq!(support(&t.author, input, t.ctx(), t.store(), t.now).await.unwrap(), Err(Refusal::SupportOwn));
    }

    #[tokio::test]
    async fn the_support_that_reaches_the_threshold_tells_everyone() {
        let t = Fixture::new().await;
        let ini = t.published(2).await;
        for name in ["ada", "bea"] {
            let p = t.resident(name).await;
            let counted =
                support(&p, Input { id: ini.id, anonymous: true }, t.ctx(), t.store(), t.now).await.unwrap().unwrap();
            assert_eq!(counted.reached, name == "bea");
        }
        let carl = t.resident("carl").await;
        let closed = support(&carl, Input { id: ini.id, anonymous: false }, t.ctx(), t.store(), t.now).await.unwrap();
        assert!(matches!(closed, Err(Refusal::SupportClosed { .. })), "{closed:?}");
    }

    #[tokio::test]
    async fn a_draft_cannot_be_supported_by_anyone_but_is_not_found() {
        let t = Fixture::new().await;
        let draft = t.draft().await;
        let ada = t.resident("ada").await;
        let r = support(&ada, Input { id: draft.id, anonymous: false }, t.ctx(), t.store(), t.now).await.unwrap();
        assert_eq!(r, Err(Refusal::NotFound));
    }
}
