//! Staff of the territory publish a submitted initiative after checking it is lawful, in both
//! governance phases; it then collects supports until the territory's deadline. The change of
//! state is [`super::change`]'s.

use super::access::{Context, Decided};
use super::change::{Change, Changed, change_by_id};
use chrono::{DateTime, Utc};
use vicinato_domain::Person;
use vicinato_domain::initiative::{Action, InitiativeId};
use vicinato_store::Store;

pub async fn publish(
    actor: &Person,
    id: InitiativeId,
    ctx: Context<'_>,
    store: &dyn Store,
    now: DateTime<Utc>,
) -> Decided<Changed> {
    change_by_id(actor, id, Change::new(Action::Publish), ctx, store, now).await
}

#[cfg(test)]
mod tests {
    use super::super::refusal::Refusal;
    use super::super::testing::*;
    use super::*;
    use vicinato_domain::Role;
    use vicinato_domain::initiative::Status;

    #[tokio::test]
    async fn staff_of_the_territory_publish_and_others_do_not() {
        let t = Fixture::new().await;
        let submitted = t.put(&t.draft().await, Status::Submitted, None).await;
        let elsewhere = t.with_role("sara", Role::Staff, "san-lorenzo").await;
        let r = publish(&elsewhere, submitted.id, t.ctx(), t.store(), t.now).await.unwrap();
        assert_eq!(r, Err(Refusal::NotFound), "staff of another area do not see it");
        assert_eq!(
            publish(&t.author, submitted.id, t.ctx(), t.store(), t.now).await.unwrap(),
            Err(Refusal::NotAllowed)
        );
        let staff = t.with_role("stefi", Role::Staff, "roma").await;
        let done = publish(&staff, submitted.id, t.ctx(), t.store(), t.now).await.unwrap().unwrap();
        assert_eq!(done.after.status, Status::Published);
        assert_eq!(done.after.deadline, Some(t.now + chrono::Duration::days(t.rules.support_days)));
    }
}
