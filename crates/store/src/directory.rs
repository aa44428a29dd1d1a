//! The directory: territories, categories, organizations, locations and services, with the
//! words and facets a search needs. It is replaced whole from a dataset and read back, searched
//! with the engine's full-text index and listed by id.
//!
//! It owns the directory's tables and nothing else: replacing a dataset must never touch people,
//! bookings, initiatives or anything a person did, and no other family writes these tables.

use super::StoreResult;
use async_trait::async_trait;
use vicinato_domain::*;

/// Counts of what the directory holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DirectoryCounts {
    pub services: u64,
    pub locations: u64,
    pub organizations: u64,
    pub territories: u64,
}

#[async_trait]
pub trait DirectoryStore: Send + Sync {
    /// Replaces the whole directory (territories included) with a dataset, atomically:
    /// on any error nothing changes.
    async fn replace_dataset(&self, dataset: &Dataset) -> StoreResult<()>;
    /// Reads the whole directory back.
    async fn dataset(&self) -> StoreResult<Dataset>;
    async fn territories(&self) -> StoreResult<Vec<Territory>>;
    async fn categories(&self) -> StoreResult<Vec<Category>>;
    async fn welfare_houses(&self) -> StoreResult<Vec<Location>>;
    /// Every word the directory's texts contain, folded, for typo correction.
    async fn search_terms(&self) -> StoreResult<Vec<String>>;
    /// Runs a directory search with the engine's full-text index, best first: the hits, with
    /// what the hours check needs; [`Self::listings`] reads the records of the ones shown.
    async fn search(&self, spec: &SearchSpec) -> StoreResult<Vec<SearchHit>>;
    /// Full listings for services at locations, in the order asked (unknown ids left out).
    async fn listings(&self, ids: &[ServiceAtLocationId]) -> StoreResult<Vec<Listing>>;
    async fn listing(&self, id: &ServiceAtLocationId) -> StoreResult<Option<Listing>>;
    async fn counts(&self) -> StoreResult<DirectoryCounts>;
}
