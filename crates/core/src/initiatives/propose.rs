//! Proposing: a person opens a draft (an activity, a community service, or themselves as a
//! moderator) in their home area, or the first area when they have none, with the threshold
//! of that territory; a person keeps only a few drafts open at once (staff are not limited).
//! Every field the author then fills in is saved with [`save_draft`], only while it is still
//! their draft. Asking for the fields, and reading them from words, is the caller's.

use super::access::{Context, Decided};
use super::refusal::Refusal;
use chrono::{DateTime, Duration, Utc};
use vicinato_domain::initiative::{Content, Initiative, InitiativeId, Kind, Status};
use vicinato_domain::{Person, Role, TerritoryId};
use vicinato_store::{NewInitiative, Store, StoreError};

#[derive(Debug, Clone, PartialEq)]
pub struct Input {
    pub kind: Kind,
    /// The title already given, if any ("" for none).
    pub title: String,
    /// How many drafts one person may keep open (0: no limit).
    pub open_drafts: u32,
}

/// The stored row of a draft in a territory: its path and threshold.
pub fn draft_row(actor: &Person, territory: &TerritoryId, content: Content, ctx: Context<'_>) -> NewInitiative {
    let population = ctx.tree.get(territory).and_then(|t| t.demographics.population);
    NewInitiative {
        author: actor.id,
        territory: territory.clone(),
        territory_path: ctx.tree.path(territory),
        threshold: ctx.rules.threshold_in(territory, population),
        content,
    }
}

/// Opens a draft.
pub async fn propose(
    actor: &Person,
    input: Input,
    ctx: Context<'_>,
    store: &dyn Store,
    now: DateTime<Utc>,
) -> Decided<Initiative> {
    if input.open_drafts > 0 && !actor.holds(Role::Staff) {
        let activity = store.initiative_activity(actor.id, now - Duration::hours(1)).await?;
        if activity.open_drafts >= input.open_drafts {
            return Ok(Err(Refusal::TooManyDrafts { max: input.open_drafts }));
        }
    }
    let Some(territory) = actor.home.clone().or_else(|| ctx.tree.roots().next().map(|t| t.id.clone())) else {
        return Ok(Err(Refusal::NoAreas));
    };
    let content = Content { kind: input.kind, title: input.title, ..Default::default() };
    let ini = store.initiative_create(&draft_row(actor, &territory, content, ctx), now).await?;
    tracing::info!(initiative = %ini.id, by = %actor.id, kind = input.kind.as_str(), "draft started");
    Ok(Ok(ini))
}

/// Saves the author's draft as it now is (in `territory`, with its threshold there).
pub async fn save_draft(
    actor: &Person,
    id: InitiativeId,
    territory: &TerritoryId,
    content: Content,
    ctx: Context<'_>,
    store: &dyn Store,
    now: DateTime<Utc>,
) -> Decided<()> {
    let row = draft_row(actor, territory, content, ctx);
    if !store.initiative_save_draft(id, actor.id, &row, now).await? {
        return Ok(Err(Refusal::DraftGone));
    }
    Ok(Ok(()))
}

/// What leaving a draft did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Left {
    /// Nothing was written in it yet: it is gone.
    Discarded,
    /// It has content: kept for later, named by its title (or the start of its description).
    Kept(String),
    /// It is not a draft of this person any more (submitted, or someone else's).
    NotMine,
}

/// The author leaves their draft (`/cancel` while proposing): a draft with nothing written
/// (no title, no description) is deleted, so it neither lingers in "my initiatives" nor takes
/// one of the few drafts a person may keep; one with content is kept for later.
pub async fn leave_draft(actor: &Person, id: InitiativeId, store: &dyn Store) -> Result<Left, StoreError> {
    let Some(ini) = store.initiative(id).await? else { return Ok(Left::NotMine) };
    if ini.author != Some(actor.id) || ini.status != Status::Draft {
        return Ok(Left::NotMine);
    }
    let c = &ini.content;
    if c.title.trim().is_empty() && c.description.trim().is_empty() {
        return Ok(if store.initiative_discard_draft(id, actor.id).await? { Left::Discarded } else { Left::NotMine });
    }
    let name =
        if c.title.trim().is_empty() { c.description.trim().chars().take(40).collect() } else { c.title.clone() };
    Ok(Left::Kept(name))
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    #[tokio::test]
    async fn a_resident_keeps_a_few_drafts_and_staff_any_number() {
        let t = Fixture::new().await;
        let ada = t.resident("ada").await;
        let input = Input { kind: Kind::Activity, title: "Orto".into(), open_drafts: 2 };
        for _ in 0..2 {
            let ini = propose(&ada, input.clone(), t.ctx(), t.store(), t.now).await.unwrap().unwrap();
            assert_eq!((ini.status, ini.territory.as_str()), (Status::Draft, "centocelle"));
        }
        let r = propose(&ada, input.clone(), t.ctx(), t.store(), t.now).await.unwrap();
        assert_eq!(r, Err(Refusal::TooManyDrafts { max: 2 }));
        let staff = t.with_role("stefi", Role::Staff, "roma").await;
        for _ in 0..3 {
            propose(&staff, input.clone(), t.ctx(), t.store(), t.now).await.unwrap().unwrap();
        }
    }

    #[tokio::test]
    async fn only_the_author_saves_their_draft() {
        let t = Fixture::new().await;
        let draft = t.draft().await;
        let ada = t.resident("ada").await;
        let mut content = draft.content.clone();
        content.title = "Orto dei bambini".into();
        let r = save_draft(&ada, draft.id, &draft.territory, content.clone(), t.ctx(), t.store(), t.now).await.unwrap();
        assert_eq!(r, Err(Refusal::DraftGone));
        save_draft(&t.author, draft.id, &draft.territory, content, t.ctx(), t.store(), t.now).await.unwrap().unwrap();
        let saved = t.store().initiative(draft.id).await.unwrap().unwrap();
        assert_eq!(saved.content.title, "Orto dei bambini");
    }

    #[tokio::test]
    async fn leaving_an_empty_draft_deletes_it_and_a_written_one_is_kept() {
        let t = Fixture::new().await;
        let ada = t.resident("ada").await;
        let input = Input { kind: Kind::Activity, title: String::new(), open_drafts: 1 };
        let empty = propose(&ada, input.clone(), t.ctx(), t.store(), t.now).await.unwrap().unwrap();
        // Someone else cannot make it go.
        assert_eq!(leave_draft(&t.author, empty.id, t.store()).await.unwrap(), Left::NotMine);
        assert_eq!(leave_draft(&ada, empty.id, t.store()).await.unwrap(), Left::Discarded);
        assert!(t.store().initiative(empty.id).await.unwrap().is_none());
        // The one draft ada may keep is free again.
        let titled = Input { title: "Orto".into(), ..input };
        let kept = propose(&ada, titled, t.ctx(), t.store(), t.now).await.unwrap().unwrap();
        assert_eq!(leave_draft(&ada, kept.id, t.store()).await.unwrap(), Left::Kept("Orto".into()));
        assert!(t.store().initiative(kept.id).await.unwrap().is_some());
        // A submitted initiative is not a draft to leave.
        let published = t.published(3).await;
        assert_eq!(leave_draft(&t.author, published.id, t.store()).await.unwrap(), Left::NotMine);
    }
}
