//! Scheduled jobs: one-off and recurring work with a due time, leased to one process at a time
//! (see the scheduler in `vicinato-core`).
//!
//! It owns `jobs` and must not read the payloads (the scheduler's handlers do). Bookings put and
//! cancel jobs in their own transactions, through the same statements; nothing else writes jobs
//! except through this trait.

use super::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// A scheduled job as stored. The store does not read the payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub key: Option<String>,
    pub payload: String,
    pub due_at: DateTime<Utc>,
    /// A cron expression for recurring jobs, read in `zone`.
    pub cron: Option<String>,
    pub zone: String,
    /// Failed runs so far.
    pub attempts: i64,
}

/// A job to schedule. A job with a key replaces the job of the same key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewJob {
    pub kind: String,
    pub key: Option<String>,
    pub payload: String,
    pub due_at: DateTime<Utc>,
    pub cron: Option<String>,
    pub zone: String,
}

#[async_trait]
pub trait JobStore: Send + Sync {
    /// Schedules a job; with a key, replaces the job of that key (and its lease). Returns its id.
    async fn job_put(&self, job: &NewJob, now: DateTime<Utc>) -> StoreResult<i64>;
    /// Removes the job of a key; `false` when there was none.
    async fn job_cancel(&self, key: &str) -> StoreResult<bool>;
    /// Takes the lease of up to `limit` jobs due at `now` whose lease is free or expired, until
    /// `lease_until`; each due job goes to exactly one caller, across processes.
    async fn jobs_claim(
        &self,
        now: DateTime<Utc>,
        owner: &str,
        lease_until: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<Vec<Job>>;
    /// A claimed job ran: it is deleted, or, recurring, moved to `next` with its lease freed.
    /// `false` when `owner` no longer held the lease.
    async fn job_done(&self, id: i64, owner: &str, next: Option<DateTime<Utc>>) -> StoreResult<bool>;
    /// A claimed job failed: it is due again at `retry_at`.
    async fn job_failed(&self, id: i64, owner: &str, retry_at: DateTime<Utc>, error: &str) -> StoreResult<()>;
    /// The earliest moment some job can be claimed (its due time, or its lease's end).
    async fn jobs_next_due(&self) -> StoreResult<Option<DateTime<Utc>>>;
    async fn jobs_count(&self) -> StoreResult<u64>;
}
