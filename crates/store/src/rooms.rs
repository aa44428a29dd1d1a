//! Rooms and moderation: group chats linked to territories, the sanctions people hold in a
//! territory, and the moderation log. A part of [`super::Store`], kept in its own trait.
//!
//! It owns `rooms`, `sanctions` and `moderation_log`, and writes `jobs` only to put or cancel
//! the job that ends a timed sanction, in the sanction's own transaction (through the same
//! statements as [`super::JobStore`]).

use super::{NewJob, StoreResult};
use async_trait::async_trait;
use vicinato_domain::rooms::{ModEntry, Room, Sanction};
use vicinato_domain::{Network, PersonId, TerritoryId};

#[async_trait]
pub trait RoomStore: Send + Sync {
    /// Links a room to a territory (or moves it to another, or gives it another purpose) and
    /// logs it, in one transaction.
    async fn room_link(&self, room: &Room, entry: &ModEntry) -> StoreResult<()>;
    /// Unlinks a room and logs it; `false` (nothing logged) when it was not linked.
    async fn room_unlink(&self, network: Network, chat_id: &str, entry: &ModEntry) -> StoreResult<bool>;
    async fn room(&self, network: Network, chat_id: &str) -> StoreResult<Option<Room>>;
    /// The rooms linked to any of these territories, by territory, network and chat.
    async fn rooms_in(&self, territories: &[TerritoryId]) -> StoreResult<Vec<Room>>;
    /// Gives a sanction and logs it, with the job that ends it when it is timed, in one
    /// transaction.
    async fn sanction_give(&self, sanction: &Sanction, entry: &ModEntry, end: Option<&NewJob>) -> StoreResult<()>;
    /// Ends a sanction (`ended` has `lifted_at` set), logs it and cancels the job of `job_key`
    /// (none when the job itself ends it), in one transaction, only if it had not ended yet: `false` (nothing written) otherwise.
    /// So a sanction ends once, whoever ends it first (a moderator, the job, another process).
    async fn sanction_end(&self, ended: &Sanction, entry: &ModEntry, job_key: Option<&str>) -> StoreResult<bool>;
    async fn sanction(&self, key: &str) -> StoreResult<Option<Sanction>>;
    /// Every sanction a person was given, oldest first.
    async fn sanctions_of(&self, person: PersonId) -> StoreResult<Vec<Sanction>>;
    /// The latest `limit` log entries of these territories, newest first.
    async fn moderation_log(&self, territories: &[TerritoryId], limit: i64) -> StoreResult<Vec<ModEntry>>;
    async fn moderation_log_add(&self, entry: &ModEntry) -> StoreResult<()>;
}
