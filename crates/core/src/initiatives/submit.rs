//! The author submits a draft for review: it needs a title and a description first; then the
//! change of state is [`super::change`]'s (only the author, only from a draft).

use super::access::{Context, Decided, visible};
use super::change::{Change, Changed, change};
use super::refusal::Refusal;
use chrono::{DateTime, Utc};
use vicinato_domain::Person;
use vicinato_domain::initiative::{Action, InitiativeId, missing};
use vicinato_store::Store;

pub async fn submit(
    actor: &Person,
    id: InitiativeId,
    ctx: Context<'_>,
    store: &dyn Store,
    now: DateTime<Utc>,
) -> Decided<Changed> {
    let ini = match visible(actor, id, ctx.tree, store).await? {
        Ok(ini) => ini,
        Err(refusal) => return Ok(Err(refusal)),
    };
    if let Some(field) = missing(&ini.content) {
        return Ok(Err(Refusal::DraftMissing { field }));
    }
    change(actor, &ini, Change::new(Action::Submit), ctx, store, now).await
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;
    use vicinato_domain::Role;
    use vicinato_domain::initiative::Status;

    #[tokio::test]
    async fn the_author_submits_a_complete_draft_and_nobody_else_can() {
        let t = Fixture::new().await;
        let draft = t.draft().await;
        let staff = t.with_role("sara", Role::Staff, "roma").await;
        assert_eq!(submit(&staff, draft.id, t.ctx(), t.store(), t.now).await.unwrap(), Err(Refusal::NotFound));
        let done = submit(&t.author, draft.id, t.ctx(), t.store(), t.now).await.unwrap().unwrap();
        assert_eq!(done.after.status, Status::Submitted);
        assert!(done.by_author);
        assert_eq!(done.events.len(), 1);
        let again = submit(&t.author, draft.id, t.ctx(), t.store(), t.now).await.unwrap();
        assert_eq!(again, Err(Refusal::StepImpossible { status: Status::Submitted }), "submitted once");
    }
}
