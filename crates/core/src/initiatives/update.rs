//! The author writes to the supporters and participants, at most once every few days (the
//! rules'): the right is taken in the store, so two updates at once cannot both go. Returns how
//! many people it goes to and the event that sends it; sending is the caller's.

use super::access::{Context, Decided, is_author};
use super::event::Event;
use super::refusal::Refusal;
use chrono::{DateTime, Duration, Utc};
use vicinato_domain::Person;
use vicinato_domain::initiative::Initiative;
use vicinato_store::Store;

#[derive(Debug, Clone, PartialEq)]
pub struct Written {
    /// How many people it goes to.
    pub audience: usize,
    pub events: Vec<Event>,
}

pub async fn write_to_supporters(
    actor: &Person,
    ini: &Initiative,
    text: String,
    ctx: Context<'_>,
    store: &dyn Store,
    now: DateTime<Utc>,
) -> Decided<Written> {
    if !is_author(actor, ini) {
        return Ok(Err(Refusal::NotAllowed));
    }
    let not_after = now - Duration::days(ctx.rules.update_every_days);
    if !store.initiative_take_update(ini.id, not_after, now).await? {
        return Ok(Err(Refusal::UpdateTooSoon));
    }
    let audience = store.initiative_audience(ini.id).await?.len();
    Ok(Ok(Written { audience, events: vec![Event::Update { initiative: ini.clone(), text }] }))
}

#[cfg(test)]
mod tests {
    use super::super::support::{Input, support};
    use super::super::testing::*;
    use super::*;

    #[tokio::test]
    async fn the_author_writes_once_every_few_days() {
        let t = Fixture::new().await;
        let ini = t.published(3).await;
        let ada = t.resident("ada").await;
        support(&ada, Input { id: ini.id, anonymous: false }, t.ctx(), t.store(), t.now).await.unwrap().unwrap();
        let r = write_to_supporters(&ada, &ini, "ciao".into(), t.ctx(), t.store(), t.now).await.unwrap();
        assert_eq!(r, Err(Refusal::NotAllowed));
        let done =
            write_to_supporters(&t.author, &ini, "ciao".into(), t.ctx(), t.store(), t.now).await.unwrap().unwrap();
        assert_eq!(done.audience, 1);
        let later = t.now + Duration::hours(1);
        let r = write_to_supporters(&t.author, &ini, "ancora".into(), t.ctx(), t.store(), later).await.unwrap();
        assert_eq!(r, Err(Refusal::UpdateTooSoon));
    }
}
