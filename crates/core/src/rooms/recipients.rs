//! Who hears of a report or an appeal in a territory: its linked moderators room (the nearest
//! up the tree), else each moderator and staff member of the territory or above it, privately,
//! leaving out one person (the moderator who gave the sanction appealed against) when there
//! are others.

use vicinato_domain::rooms::{Room, RoomPurpose};
use vicinato_domain::{Person, PersonId, Role, TerritoryId, TerritoryTree};
use vicinato_store::{Store, StoreError};

/// Where a report or an appeal goes.
#[derive(Debug, Clone)]
pub enum Recipients {
    /// The territory's moderators room.
    Room(Room),
    /// These people, privately.
    People(Vec<Person>),
}

impl Recipients {
    /// Whether nobody would hear of it.
    pub fn is_empty(&self) -> bool {
        matches!(self, Self::People(p) if p.is_empty())
    }
}

/// The recipients for `territory`, without `except` when there are others.
pub async fn moderators_of(
    territory: &TerritoryId,
    except: Option<PersonId>,
    store: &dyn Store,
    tree: &TerritoryTree,
) -> Result<Recipients, StoreError> {
    let up: Vec<TerritoryId> = tree.ancestors_and_self(territory).into_iter().map(|t| t.id.clone()).collect();
    let up = if up.is_empty() { vec![territory.clone()] } else { up };
    let rooms = store.rooms_in(&up).await?;
    for t in &up {
        if let Some(room) = rooms.iter().find(|r| &r.territory == t && r.purpose == RoomPurpose::Moderators) {
            return Ok(Recipients::Room(room.clone()));
        }
    }
    let mut ids = store.role_holders(Role::Moderator, &up).await?;
    ids.extend(store.role_holders(Role::Staff, &up).await?);
    ids.sort_by_key(|p| p.0);
    ids.dedup();
    if let Some(x) = except
        && ids.iter().any(|p| *p != x)
    {
        ids.retain(|p| *p != x);
    }
    let mut people = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(p) = store.person(id).await? {
            people.push(p);
        }
    }
    Ok(Recipients::People(people))
}
