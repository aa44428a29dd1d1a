//! The support deadline, as its job calls it: an initiative still collecting supports when
//! its deadline comes has expired. Audited as the system's; returns what changed, if anything.

use super::access::system_audit;
use super::change::Changed;
use super::event::Event;
use chrono::{DateTime, Utc};
use vicinato_domain::initiative::{Decision, Initiative, Status};
use vicinato_store::{Store, StoreError, Transition};

pub async fn expire(ini: &Initiative, store: &dyn Store, now: DateTime<Utc>) -> Result<Option<Changed>, StoreError> {
    if ini.status != Status::Published {
        return Ok(None);
    }
    let transition = Transition {
        from: vec![Status::Published],
        to: Status::Expired,
        decision: Some(Decision { by: None, at: now, reason: None }),
        deadline: None,
        outcome: None,
        audit: system_audit(ini.id, "expire", Some(format!("{} of {} supports", ini.supports, ini.threshold)), now),
    };
    Ok(store.initiative_transition(ini.id, &transition, now).await?.map(|after| Changed {
        events: vec![Event::Changed { initiative: after.clone(), by: None }],
        after,
        by_author: false,
    }))
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    #[tokio::test]
    async fn a_published_initiative_expires_and_others_are_left_alone() {
        let t = Fixture::new().await;
        let ini = t.published(3).await;
        let done = expire(&ini, t.store(), t.now).await.unwrap().unwrap();
        assert_eq!(done.after.status, Status::Expired);
        assert_eq!(expire(&done.after, t.store(), t.now).await.unwrap(), None);
        let audit = t.store().audit_of(&format!("initiative:{}", ini.id)).await.unwrap();
        assert_eq!(audit.last().map(|a| (a.actor, a.reason.as_deref())), Some((None, Some("0 of 3 supports"))));
    }
}
