//! Where a sanction reaches: every linked room of its territory's subtree, for every account
//! the person has on that room's network.

use vicinato_domain::rooms::{RoomAction, RoomActionKind};
use vicinato_domain::{Person, TerritoryId, TerritoryTree};
use vicinato_store::{Store, StoreError};

/// The actions that carry `kind` out for `person` in every linked room of `territory`'s
/// subtree, on the networks the person has accounts on.
pub async fn actions_for(
    person: &Person,
    territory: &TerritoryId,
    kind: RoomActionKind,
    store: &dyn Store,
    tree: &TerritoryTree,
) -> Result<Vec<RoomAction>, StoreError> {
    let rooms = store.rooms_in(&tree.subtree(territory)).await?;
    Ok(rooms
        .iter()
        .flat_map(|room| {
            person.accounts.iter().filter(move |a| a.network == room.network).map(|a| RoomAction {
                network: room.network,
                chat_id: room.chat_id.clone(),
                member: a.external_id.clone(),
                kind: kind.clone(),
                reason: String::new(),
            })
        })
        .collect())
}
