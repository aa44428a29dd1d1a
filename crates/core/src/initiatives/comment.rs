//! Commenting on a public initiative; the author hears of it (not of their own comments).
//! How many comments a person may write an hour is the caller's limit to check before asking.

use super::access::Decided;
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

pub async fn comment(actor: &Person, input: Input, store: &dyn Store, now: DateTime<Utc>) -> Decided<Commented> {
    let Some(ini) = store.initiative(input.id).await? else { return Ok(Err(Refusal::NotFound)) };
    // Drafts and proposals under review take no comments (and a status never goes back).
    if !ini.status.is_public() {
        return Ok(Err(Refusal::NotFound));
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
        let theirs = comment(&ada, input("Bella idea"), t.store(), t.now).await.unwrap().unwrap();
        assert!(matches!(&theirs.events[..], [Event::Commented { text, .. }] if text == "Bella idea"));
        let own = comment(&t.author, input("Grazie"), t.store(), t.now).await.unwrap().unwrap();
        assert!(own.events.is_empty());
        let draft = t.draft().await;
        let r = comment(&ada, Input { id: draft.id, text: "?".into() }, t.store(), t.now).await.unwrap();
        assert_eq!(r, Err(Refusal::NotFound));
    }
}
