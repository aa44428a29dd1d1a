//! The job that ends a timed sanction (`room-sanction-end`, its payload the sanction's key,
//! its key `room-end:<sanction key>`), and what ending it means: the actions that undo it in
//! every linked room it held in, then the record ended once. A handler carries out the actions
//! first (they can be repeated harmlessly) and ends the record after, so a crash between the
//! two repeats the actions, never the log entry or the note.

use super::reach::actions_for;
use chrono::{DateTime, Utc};
use vicinato_domain::rooms::{ModEntry, RoomAction, RoomActionKind, Sanction, SanctionKind};
use vicinato_domain::{Person, TerritoryTree};
use vicinato_store::{Store, StoreError};

/// The kind of the job that ends a timed sanction.
pub const END_JOB: &str = "room-sanction-end";

/// The key of the job that ends a sanction.
pub fn end_job(sanction_key: &str) -> String {
    format!("room-end:{sanction_key}")
}

/// A sanction due to end, with its person and the actions that undo it.
#[derive(Debug, Clone)]
pub struct Ending {
    pub sanction: Sanction,
    pub person: Person,
    pub actions: Vec<RoomAction>,
}

/// What ending the sanction of `key` takes, or `None` when it already ended (lifted by a
/// moderator, ended by another run) or is gone (its person erased).
pub async fn ending(key: &str, store: &dyn Store, tree: &TerritoryTree) -> Result<Option<Ending>, StoreError> {
    let Some(sanction) = store.sanction(key).await? else { return Ok(None) };
    if sanction.lifted_at.is_some() {
        return Ok(None);
    }
    let Some(person) = store.person(sanction.person).await? else { return Ok(None) };
    let undo = match sanction.kind {
        SanctionKind::Mute => RoomActionKind::Unrestrict,
        SanctionKind::Ban => RoomActionKind::Unban,
        SanctionKind::Warning => return Ok(Some(Ending { sanction, person, actions: vec![] })),
    };
    let actions = actions_for(&person, &sanction.territory, undo, store, tree).await?;
    Ok(Some(Ending { sanction, person, actions }))
}

/// Ends the sanction on the record, by Vicinato, once: `false` when it had ended already.
pub async fn end(ending: &Ending, store: &dyn Store, now: DateTime<Utc>) -> Result<bool, StoreError> {
    let s = &ending.sanction;
    let ended = Sanction { lifted_at: Some(now), ..s.clone() };
    let entry = ModEntry {
        at: now,
        actor: None,
        subject: Some(s.person),
        action: match s.kind {
            SanctionKind::Mute => "unmute",
            SanctionKind::Ban => "unban",
            SanctionKind::Warning => "unwarn",
        }
        .into(),
        reason: "expired".into(),
        territory: s.territory.clone(),
        network: None,
        chat: None,
        until: None,
    };
    // The job itself ends it: the scheduler deletes the job.
    store.sanction_end(&ended, &entry, None).await
}
