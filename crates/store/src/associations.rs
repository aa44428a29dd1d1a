//! What the store keeps about associations and their members, and the bookings made on their
//! behalf. A part of [`super::Store`], kept in its own trait so each capability reads on its
//! own.
//!
//! It owns `associations` and `association_members`. It reads the bookings made on an
//! association's behalf but must not write them: the bookings family does.

use super::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use vicinato_domain::*;

#[async_trait]
pub trait AssociationStore: Send + Sync {
    /// Registers an association, or renames it and moves it to another territory when the id
    /// exists; `true` when it is new.
    async fn association_put(&self, association: &Association) -> StoreResult<bool>;
    async fn association(&self, id: &AssociationId) -> StoreResult<Option<Association>>;
    /// Every association, by id.
    async fn associations(&self) -> StoreResult<Vec<Association>>;
    /// Adds a member, or changes whether they may book; `true` when they were not a member.
    async fn association_member_put(&self, member: &Membership, now: DateTime<Utc>) -> StoreResult<bool>;
    /// Removes a member; `false` when they were not one.
    async fn association_member_remove(&self, association: &AssociationId, person: PersonId) -> StoreResult<bool>;
    /// The members of an association, by person.
    async fn association_members(&self, association: &AssociationId) -> StoreResult<Vec<Membership>>;
    /// The associations a person belongs to, with their membership, by id.
    async fn associations_of(&self, person: PersonId) -> StoreResult<Vec<(Association, Membership)>>;
    /// Live bookings made on an association's behalf in a house, starting in `[from, to)`.
    async fn association_bookings(
        &self,
        association: &AssociationId,
        house: &LocationId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<Booking>>;
}
