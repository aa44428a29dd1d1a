//! Rooms and moderation: group chats linked to territories, the sanctions people hold in a
//! territory, and the moderation log. A part of [`super::Store`], kept in its own trait.
//!
//! It owns `rooms`, `sanctions`, `moderation_log`, `room_texts` (rules, welcome and join
//! questions; migration 0014) and `room_cases` (join requests, reports, appeals), and writes
//! `jobs` only to put or cancel the job that ends a timed sanction, in the sanction's own
//! transaction (through the same statements as [`super::JobStore`]).

use super::{NewJob, StoreResult};
use async_trait::async_trait;
use vicinato_domain::rooms::{Case, Escalation, ModEntry, Room, RoomSettings, RoomText, Sanction, TextKind};
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

    /// Sets a text of a room or territory in one language (replacing the one there), and logs
    /// it, in one transaction.
    async fn room_text_set(&self, text: &RoomText, entry: &ModEntry) -> StoreResult<()>;
    /// The texts of a kind set for any of these scopes (their keys), every language.
    async fn room_texts(&self, scopes: &[String], kind: TextKind) -> StoreResult<Vec<RoomText>>;

    /// Opens a case, or opens it again with this value (a new join request of the same person
    /// for the same room), with its log entry when there is one, in one transaction.
    async fn case_put(&self, case: &Case, entry: Option<&ModEntry>) -> StoreResult<()>;
    /// Updates an open case (a question answered); `false` when it was closed meanwhile.
    async fn case_update(&self, case: &Case) -> StoreResult<bool>;
    async fn case(&self, key: &str) -> StoreResult<Option<Case>>;
    /// Closes a case (`closed` has `closed` set) and logs it, only if it was still open:
    /// `false` (nothing written) otherwise. So a case is decided once, whoever presses first.
    async fn case_close(&self, closed: &Case, entry: &ModEntry) -> StoreResult<bool>;

    /// A room's own settings, when any were set.
    async fn room_settings(&self, network: Network, chat_id: &str) -> StoreResult<Option<RoomSettings>>;
    /// Sets a room's settings (replacing those there) and logs it, in one transaction.
    async fn room_settings_set(
        &self,
        network: Network,
        chat_id: &str,
        settings: &RoomSettings,
        entry: &ModEntry,
    ) -> StoreResult<()>;
    /// The escalations set by any of these territories (those without their own are absent).
    async fn escalations(&self, territories: &[TerritoryId]) -> StoreResult<Vec<(TerritoryId, Escalation)>>;
    /// Sets a territory's own escalation (`None`: it takes its ancestors' again) and logs it,
    /// in one transaction.
    async fn escalation_set(
        &self,
        territory: &TerritoryId,
        escalation: Option<&Escalation>,
        entry: &ModEntry,
    ) -> StoreResult<()>;
    /// Counts one more message of `member` in a room and returns how many were seen, this one
    /// included.
    async fn room_member_seen(&self, network: Network, chat_id: &str, member: &str) -> StoreResult<u32>;
}
