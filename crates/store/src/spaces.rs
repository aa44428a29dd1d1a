//! What staff change about spaces from chat, on top of `config/spaces.toml`: closures for a
//! time with a reason, and whether a space needs approval. A part of [`super::Store`], kept in
//! its own trait so each capability reads on its own.
//!
//! It owns `space_closures` and `space_settings`; it must not touch bookings or the waitlist a
//! closure affects (the conversation cancels them through the bookings family).

use super::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use vicinato_domain::*;

#[async_trait]
pub trait SpaceAdminStore: Send + Sync {
    /// Closes a space (the closure's id is ignored); returns the new id.
    async fn space_closure_add(&self, closure: &SpaceClosure, now: DateTime<Utc>) -> StoreResult<i64>;
    /// Reopens: removes a closure and returns it, `None` when there was none.
    async fn space_closure_remove(&self, id: i64) -> StoreResult<Option<SpaceClosure>>;
    /// Closures that overlap `[from, to)`, by start.
    async fn space_closures(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> StoreResult<Vec<SpaceClosure>>;
    /// Sets whether a space needs approval; `None` goes back to the spaces file.
    async fn space_approval_set(&self, space: &SpaceId, needs: Option<bool>, now: DateTime<Utc>) -> StoreResult<()>;
    /// Whether staff said a space needs approval; `None`: as the spaces file says.
    async fn space_approval(&self, space: &SpaceId) -> StoreResult<Option<bool>>;
}
