//! Withdrawing my support while supports are collected. Returns the count after; tells
//! nobody.

use super::access::{Context, Decided, visible};
use super::refusal::Refusal;
use vicinato_domain::Person;
use vicinato_domain::initiative::{Initiative, InitiativeId};
use vicinato_store::Store;

#[derive(Debug, Clone, PartialEq)]
pub struct Withdrawn {
    pub initiative: Initiative,
    pub supports: u32,
}

pub async fn unsupport(actor: &Person, id: InitiativeId, ctx: Context<'_>, store: &dyn Store) -> Decided<Withdrawn> {
    let ini = match visible(actor, id, ctx.tree, store).await? {
        Ok(ini) => ini,
        Err(refusal) => return Ok(Err(refusal)),
    };
    Ok(match store.initiative_unsupport(ini.id, actor.id).await? {
        Some(supports) => Ok(Withdrawn { initiative: ini, supports }),
        None => Err(Refusal::UnsupportNot),
    })
}

#[cfg(test)]
mod tests {
    use super::super::support::{Input, support};
    use super::super::testing::*;
    use super::*;

    #[tokio::test]
    async fn only_a_support_given_can_be_withdrawn() {
        let t = Fixture::new().await;
        let ini = t.published(3).await;
        let ada = t.resident("ada").await;
        assert_eq!(unsupport(&ada, ini.id, t.ctx(), t.store()).await.unwrap(), Err(Refusal::UnsupportNot));
        support(&ada, Input { id: ini.id, anonymous: false }, t.ctx(), t.store(), t.now).await.unwrap().unwrap();
        let done = unsupport(&ada, ini.id, t.ctx(), t.store()).await.unwrap().unwrap();
        assert_eq!(done.supports, 0);
    }
}
