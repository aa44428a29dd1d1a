//! Approving or rejecting an announcement that waits for a second staff member: someone who
//! may address its scope (staff of the territory, an admin) and is not its author. Approved,
//! it is scheduled with its send job (at its time, or now if that has passed while it
//! waited); rejected, it is cancelled and nothing is sent.

use super::{By, Refusal, send_job};
use chrono::{DateTime, Utc};
use vicinato_domain::{Announcement, AnnouncementId, AnnouncementState, Person, TerritoryTree};
use vicinato_store::{Store, StoreError};

/// Approves (`yes`) or rejects a pending announcement; the announcement as it is now.
pub async fn approve(
    by: &Person,
    id: AnnouncementId,
    yes: bool,
    store: &dyn Store,
    tree: &TerritoryTree,
    now: DateTime<Utc>,
) -> Result<Result<Announcement, Refusal>, StoreError> {
    let Some(found) = store.announcement(id).await? else {
        return Ok(Err(Refusal::Unknown { id: id.0 }));
    };
    if !By::Person(by).may_address(found.audience.territory.as_ref(), tree) {
        return Ok(Err(Refusal::NotAllowed));
    }
    if found.author == Some(by.id) {
        return Ok(Err(Refusal::OwnAnnouncement));
    }
    if found.state != AnnouncementState::Pending {
        return Ok(Err(Refusal::NotPending { id: id.0 }));
    }
    let changed = if yes {
        store.announcement_approve(id, by.id, &send_job(Some(id), found.at.max(now)), now).await?
    } else {
        store.announcement_set_state(id, &[AnnouncementState::Pending], AnnouncementState::Cancelled, now).await?
    };
    if !changed {
        return Ok(Err(Refusal::NotPending { id: id.0 }));
    }
    let now_is = store.announcement(id).await?.ok_or_else(|| StoreError::Corrupt {
        record: format!("announcement {id}"),
        reason: "gone right after it was approved".into(),
    })?;
    Ok(Ok(now_is))
}

/// The people who may approve an announcement: whoever holds staff (or admin) over its scope,
/// except its author.
pub async fn approvers(
    announcement: &Announcement,
    store: &dyn Store,
    tree: &TerritoryTree,
    now: DateTime<Utc>,
) -> Result<Vec<Person>, StoreError> {
    let staff = vicinato_domain::Audience {
        territory: None,
        who: vicinato_domain::Who::Role(vicinato_domain::Role::Staff),
        rooms: Default::default(),
    };
    let admins = vicinato_domain::Audience {
        territory: None,
        who: vicinato_domain::Who::Role(vicinato_domain::Role::Admin),
        rooms: Default::default(),
    };
    let mut out: Vec<Person> = Vec::new();
    for audience in [staff, admins] {
        for c in store.audience(&audience, vicinato_domain::GENERAL_TOPIC, now).await? {
            if Some(c.person) == announcement.author || out.iter().any(|p| p.id == c.person) {
                continue;
            }
            if let Some(p) = store.person(c.person).await?
                && By::Person(&p).may_address(announcement.audience.territory.as_ref(), tree)
            {
                out.push(p);
            }
        }
    }
    Ok(out)
}
