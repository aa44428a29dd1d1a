//! Joining an initiative as a participant or a volunteer, within its capacity, else on its
//! waitlist: anyone who may see it, while it takes participants. Tells nobody.

use super::access::{Context, Decided, visible};
use super::refusal::Refusal;
use chrono::{DateTime, Utc};
use vicinato_domain::Person;
use vicinato_domain::initiative::{Initiative, InitiativeId};
use vicinato_store::{Joined, Store};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Input {
    pub id: InitiativeId,
    pub volunteer: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    pub initiative: Initiative,
    /// `None`: in; `Some(n)`: on the waitlist at place `n` (1 = next).
    pub waiting: Option<u32>,
}

pub async fn join(
    actor: &Person,
    input: Input,
    ctx: Context<'_>,
    store: &dyn Store,
    now: DateTime<Utc>,
) -> Decided<Place> {
    let ini = match visible(actor, input.id, ctx.tree, store).await? {
        Ok(ini) => ini,
        Err(refusal) => return Ok(Err(refusal)),
    };
    Ok(match store.initiative_join(ini.id, actor.id, input.volunteer, now).await? {
        Joined::Joined => Ok(Place { initiative: ini, waiting: None }),
        Joined::Waiting(place) => Ok(Place { initiative: ini, waiting: Some(place) }),
        Joined::Already => Err(Refusal::JoinAlready),
        Joined::Closed => Err(Refusal::JoinClosed { status: ini.status }),
    })
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;
    use vicinato_domain::initiative::Status;

    #[tokio::test]
    async fn the_second_waits_when_there_is_one_place() {
        let t = Fixture::new().await;
        let ini = t.published(3).await;
        let ada = t.resident("ada").await;
        let bea = t.resident("bea").await;
        let input = Input { id: ini.id, volunteer: false };
        assert_eq!(join(&ada, input, t.ctx(), t.store(), t.now).await.unwrap().unwrap().waiting, None);
        assert_eq!(join(&ada, input, t.ctx(), t.store(), t.now).await.unwrap(), Err(Refusal::JoinAlready));
        let vol = Input { volunteer: true, ..input };
        assert_eq!(join(&bea, vol, t.ctx(), t.store(), t.now).await.unwrap().unwrap().waiting, Some(1));
    }

    #[tokio::test]
    async fn nobody_joins_what_they_cannot_see_or_what_is_over() {
        let t = Fixture::new().await;
        let ada = t.resident("ada").await;
        let draft = t.draft().await;
        let input = Input { id: draft.id, volunteer: false };
        assert_eq!(join(&ada, input, t.ctx(), t.store(), t.now).await.unwrap(), Err(Refusal::NotFound));
        let expired = t.put(&t.published(3).await, Status::Expired, None).await;
        let input = Input { id: expired.id, volunteer: false };
        let r = join(&ada, input, t.ctx(), t.store(), t.now).await.unwrap();
        assert_eq!(r, Err(Refusal::JoinClosed { status: Status::Expired }));
    }
}
