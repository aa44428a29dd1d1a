//! The author withdraws their initiative, at any step before it is decided and held (see
//! [`vicinato_domain::initiative::Status::after`]); the change of state is [`super::change`]'s.

use super::access::{Context, Decided};
use super::change::{Change, Changed, change_by_id};
use chrono::{DateTime, Utc};
use vicinato_domain::Person;
use vicinato_domain::initiative::{Action, InitiativeId};
use vicinato_store::Store;

pub async fn withdraw(
    actor: &Person,
    id: InitiativeId,
    ctx: Context<'_>,
    store: &dyn Store,
    now: DateTime<Utc>,
) -> Decided<Changed> {
    change_by_id(actor, id, Change::new(Action::Withdraw), ctx, store, now).await
}

#[cfg(test)]
mod tests {
    use super::super::refusal::Refusal;
    use super::super::testing::*;
    use super::*;
    use vicinato_domain::initiative::Status;

    #[tokio::test]
    async fn only_the_author_withdraws() {
        let t = Fixture::new().await;
        let ini = t.published(3).await;
        let ada = t.resident("ada").await;
        assert_eq!(withdraw(&ada, ini.id, t.ctx(), t.store(), t.now).await.unwrap(), Err(Refusal::NotAllowed));
        let done = withdraw(&t.author, ini.id, t.ctx(), t.store(), t.now).await.unwrap().unwrap();
        assert_eq!(done.after.status, Status::Withdrawn);
    }
}
