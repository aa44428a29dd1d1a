//! Conversation flows: the state of a conversation in progress, per person and chat, kept as
//! opaque text until it expires.
//!
//! It owns `flows` and must not read the state it keeps: the conversation layer serializes it.
//! People's erasure and linking remove flows; nothing else writes them.

use super::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use vicinato_domain::PersonId;

/// A conversation flow as the store keeps it: opaque serialized state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFlow {
    pub state: String,
    pub expires_at: DateTime<Utc>,
}

#[async_trait]
pub trait FlowStore: Send + Sync {
    /// The flow in progress for a person in a chat, unless it expired before `now`.
    async fn load_flow(&self, person: PersonId, chat: &str, now: DateTime<Utc>) -> StoreResult<Option<StoredFlow>>;
    async fn save_flow(&self, person: PersonId, chat: &str, flow: &StoredFlow) -> StoreResult<()>;
    async fn clear_flow(&self, person: PersonId, chat: &str) -> StoreResult<()>;
    /// Saves (`Some`) and clears (`None`) several of a person's flows at once, all or nothing:
    /// what one message changed, written in one go.
    async fn save_flows(&self, person: PersonId, changes: &[(String, Option<StoredFlow>)]) -> StoreResult<()>;
    /// Deletes flows that expired before `now`; returns how many.
    async fn purge_expired_flows(&self, now: DateTime<Utc>) -> StoreResult<u64>;
}
