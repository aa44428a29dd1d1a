//! A phase-2 vote: residents of the initiative's territory (their home lies in it) vote yes
//! or no, once, while the vote is open. Counting and closing the vote is `tally`'s.

use super::access::{Context, Decided, visible};
use super::refusal::Refusal;
use chrono::{DateTime, Utc};
use vicinato_domain::Person;
use vicinato_domain::initiative::{Initiative, InitiativeId};
use vicinato_store::Store;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Input {
    pub id: InitiativeId,
    pub yes: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Voted {
    pub initiative: Initiative,
    pub yes: bool,
}

pub async fn vote(
    actor: &Person,
    input: Input,
    ctx: Context<'_>,
    store: &dyn Store,
    now: DateTime<Utc>,
) -> Decided<Voted> {
    let ini = match visible(actor, input.id, ctx.tree, store).await? {
        Ok(ini) => ini,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let resident = actor.home.as_ref().is_some_and(|h| ctx.tree.contains(&ini.territory, h));
    if !resident {
        return Ok(Err(Refusal::NotResident { area: ini.territory.clone() }));
    }
    if store.initiative_vote(ini.id, actor.id, input.yes, now).await? {
        Ok(Ok(Voted { initiative: ini, yes: input.yes }))
    } else if store.initiative_my_part(ini.id, actor.id).await?.voted {
        Ok(Err(Refusal::VoteAlready))
    } else {
        Ok(Err(Refusal::VoteClosed))
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;
    use vicinato_domain::initiative::Status;

    #[tokio::test]
    async fn residents_vote_once_while_the_vote_is_open() {
        let t = Fixture::new().await;
        let published = t.published(3).await;
        let ada = t.resident("ada").await;
        let yes = Input { id: published.id, yes: true };
        assert_eq!(vote(&ada, yes, t.ctx(), t.store(), t.now).await.unwrap(), Err(Refusal::VoteClosed));
        let reached = t.put(&published, Status::ThresholdReached, None).await;
        t.put(&reached, Status::Voting, Some(t.now + chrono::Duration::days(14))).await;
        assert!(vote(&ada, yes, t.ctx(), t.store(), t.now).await.unwrap().unwrap().yes);
        assert_eq!(vote(&ada, yes, t.ctx(), t.store(), t.now).await.unwrap(), Err(Refusal::VoteAlready));
        let elsewhere = t.living_in("sal", "san-lorenzo").await;
        let r = vote(&elsewhere, yes, t.ctx(), t.store(), t.now).await.unwrap();
        assert!(matches!(r, Err(Refusal::NotResident { .. })), "{r:?}");
    }
}
