//! Leaving an initiative I joined; the first on the waitlist gets the freed place, and the
//! outcome says to tell them. Nothing else.

use super::access::{Context, Decided, visible};
use super::event::Event;
use super::refusal::Refusal;
use vicinato_domain::Person;
use vicinato_domain::initiative::{Initiative, InitiativeId};
use vicinato_store::Store;

#[derive(Debug, Clone, PartialEq)]
pub struct Left {
    pub initiative: Initiative,
    pub events: Vec<Event>,
}

pub async fn leave(actor: &Person, id: InitiativeId, ctx: Context<'_>, store: &dyn Store) -> Decided<Left> {
    let ini = match visible(actor, id, ctx.tree, store).await? {
        Ok(ini) => ini,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let Some(promoted) = store.initiative_leave(ini.id, actor.id).await? else {
        return Ok(Err(Refusal::LeaveNot));
    };
    let events = promoted.map(|person| Event::Promoted { initiative: ini.clone(), person }).into_iter().collect();
    Ok(Ok(Left { initiative: ini, events }))
}

#[cfg(test)]
mod tests {
    use super::super::join::{Input, join};
    use super::super::testing::*;
    use super::*;

    #[tokio::test]
    async fn leaving_gives_the_place_to_the_first_waiting() {
        let t = Fixture::new().await;
        let ini = t.published(3).await;
        let ada = t.resident("ada").await;
        let bea = t.resident("bea").await;
        assert_eq!(leave(&ada, ini.id, t.ctx(), t.store()).await.unwrap(), Err(Refusal::LeaveNot));
        for p in [&ada, &bea] {
            join(p, Input { id: ini.id, volunteer: false }, t.ctx(), t.store(), t.now).await.unwrap().unwrap();
        }
        let left = leave(&ada, ini.id, t.ctx(), t.store()).await.unwrap().unwrap();
        assert!(matches!(&left.events[..], [Event::Promoted { person, .. }] if *person == bea.id), "{:?}", left.events);
    }
}
