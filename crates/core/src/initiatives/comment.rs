//! Commenting on a public initiative; the author hears of it (not of their own comments).
//! A person writes at most `ctx.per_hour.comments` an hour (staff of the territory are never
//! limited): checked here, so no entry point can skip it.

use super::access::{Context, Decided, Hourly, hourly_limit};
use super::event::Event;
use super::refusal::Refusal;
use chrono::{DateTime, Utc};
use vicinato_domain::Person;
use vicinato_domain::initiative::{Initiative, InitiativeId};
use vicinato_store::Store;

#[derive(Debug, Clone, PartialEq)]
pub struct Input {
    pub id: InitiativeId,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Commented {
    pub initiative: Initiative,
    pub comment: i64,
    pub events: Vec<Event>,
}

pub async fn comment(
    actor: &Person,
    input: Input,
    ctx: Context<'_>,
    store: &dyn Store,
    now: DateTime<Utc>,
) -> Decided<Commented> {
    let Some(ini) = store.initiative(input.id).await? else { return Ok(Err(Refusal::NotFound)) };
    // Drafts and proposals under review take no comments (and a status never goes back).
    if !ini.status.is_public() {
        return Ok(Err(Refusal::NotFound));
    }
    if let Some(limit) = hourly_limit(actor, &ini, Hourly::Comments, &ctx, store, now).await? {
        return Ok(Err(limit));
    }
    let comment = store.initiative_comment(ini.id, actor.id, &input.text, now).await?;
    let mut events = Vec::new();
    if ini.author.is_some_and(|a| a != actor.id) {
        events.push(Event::Commented { initiative: ini.clone(), by: actor.id, comment, text: input.text });
    }
    Ok(Ok(Commented { initiative: ini, comment, events }))
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    #[tokio::test]
    async fn the_author_hears_of_comments_but_not_of_their_own() {
        let t = Fixture::new().await;
        let ini = t.published(3).await;
        let ada = t.resident("ada").await;
        let input = |text: &str| Input { id: ini.id, text: text.into() };
        let theirs = comment(&ada, input("Bella idea"), t.ctx(), t.store(), t.now).await.unwrap().unwrap();
        assert!(matches!(&theirs.events[..], [Event::Commented { text, .. }] if text == "Bella idea"));
        let own = comment(&t.author, input("Grazie"), t.ctx(), t.store(), t.now).await.unwrap().unwrap();
        assert!(own.events.is_empty());
        let draft = t.draft().await;
        let r = comment(&ada, Input { id: draft.id, text: "?".into() }, t.ctx(), t.store(), t.now).await.unwrap();
        assert_eq!(r, Err(Refusal::NotFound));
    }

    #[tokio::test]
    async fn comments_an_hour_are_limited_but_not_for_staff_of_the_territory() {
        let t = Fixture::new().await;
        let ini = t.published(3).await;
        let ada = t.resident("ada").await;
        let staff = t.with_role("sam", vicinato_domain::Role::Staff, "centocelle").await;
        let ctx = || Context { per_hour: super::super::access::PerHour { comments: 1, reports: 0 }, ..t.ctx() };
        let input = |text: &str| Input { id: ini.id, text: text.into() };
        comment(&ada, input("uno"), ctx(), t.store(), t.now).await.unwrap().unwrap();
        let r = comment(&ada, input("due"), ctx(), t.store(), t.now).await.unwrap();
        assert_eq!(r, Err(Refusal::PerHour { max: 1 }));
        // An hour later, one more.
        let later = t.now + chrono::Duration::minutes(61);
        comment(&ada, input("tre"), ctx(), t.store(), later).await.unwrap().unwrap();
        for text in ["a", "b"] {
            comment(&staff, input(text), ctx(), t.store(), t.now).await.unwrap().unwrap();
        }
    }
}
