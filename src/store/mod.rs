//! The store: everything Vicinato keeps, behind one trait with a SQLite and a PostgreSQL
//! implementation chosen by the URL scheme.
//!
//! Only this module knows SQL. It speaks domain values in and out, and both engines must
//! pass the same conformance suite (`tests/store_conformance.rs`).

pub mod associations;
pub mod dead_letters;
pub mod initiatives;
pub mod spaces;
mod sql;

use crate::domain::*;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use std::sync::Arc;

pub use associations::AssociationStore;
pub use dead_letters::{DeadLetter, DeadLetterStore};
pub use initiatives::*;
pub use spaces::SpaceAdminStore;
pub use sql::SqlStore;

/// Which database engine a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        }
    }
}

/// What can go wrong in the store, sorted by what the caller should do about it.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The URL is not one Vicinato can open.
    #[error("database URL `{0}` is not supported: use sqlite:PATH or postgres://…")]
    BadUrl(String),
    /// The database is busy (locked, or no connection free in time): try again shortly.
    #[error("the database is busy: {0}")]
    Busy(String),
    /// The database cannot be reached.
    #[error("the database cannot be reached: {0}")]
    Unavailable(String),
    /// A stored record could not be read back.
    #[error("stored record {record} is damaged: {reason}")]
    Corrupt { record: String, reason: String },
    /// A migration failed.
    #[error("database migration failed: {0}")]
    Migration(String),
    #[error(transparent)]
    Internal(sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::PoolTimedOut => StoreError::Busy("no connection became free in time".into()),
            sqlx::Error::Io(io) => StoreError::Unavailable(io.to_string()),
            sqlx::Error::PoolClosed => StoreError::Unavailable("the connection pool is closed".into()),
            sqlx::Error::Database(db) => {
                let msg = db.message().to_owned();
                // SQLITE_BUSY (5) and SQLITE_LOCKED (6), and their extended codes.
                let code = db.code().and_then(|c| c.parse::<i32>().ok()).unwrap_or(0);
                if matches!(code & 0xff, 5 | 6) || msg.contains("database is locked") {
                    StoreError::Busy(msg)
                } else {
                    StoreError::Internal(e)
                }
            }
            _ => StoreError::Internal(e),
        }
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// A conversation flow as the store keeps it: opaque serialized state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFlow {
    pub state: String,
    pub expires_at: DateTime<Utc>,
}

/// Counts of what the directory holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DirectoryCounts {
    pub services: u64,
    pub locations: u64,
    pub organizations: u64,
    pub territories: u64,
}

/// A message waiting in the outbox of a channel (one bot on one network). The payload is the
/// transport's own description of the message; the store does not read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxItem {
    pub id: i64,
    pub chat: String,
    pub payload: String,
    /// Failed attempts so far.
    pub attempts: i64,
}

/// A message to put in an outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOutboxItem {
    pub chat: String,
    pub payload: String,
}

/// A setting written in the same transaction as something else (a transport's update cursor).
#[derive(Debug, Clone, Copy)]
pub struct Cursor<'a> {
    pub key: &'a str,
    pub value: &'a str,
}

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

/// Everything stored about one person, for export on request.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PersonExport {
    pub person: Person,
    pub flows: Vec<String>,
    /// Every booking, in any status, oldest first.
    pub bookings: Vec<Booking>,
    /// Initiatives the person wrote, supported or joined, with which of these it was.
    pub initiatives: Vec<(crate::domain::initiative::Initiative, &'static str)>,
    /// Associations the person belongs to, and whether they may book in their name.
    pub associations: Vec<Membership>,
}

#[async_trait]
pub trait Store:
    InitiativeStore + AssociationStore + SpaceAdminStore + DeadLetterStore + Send + Sync + 'static
{
    fn engine(&self) -> Engine;

    // Directory.

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
    /// what the hours check needs; [`Store::listings`] reads the records of the ones shown.
    async fn search(&self, spec: &SearchSpec) -> StoreResult<Vec<SearchHit>>;
    /// Full listings for services at locations, in the order asked (unknown ids left out).
    async fn listings(&self, ids: &[ServiceAtLocationId]) -> StoreResult<Vec<Listing>>;
    async fn listing(&self, id: &ServiceAtLocationId) -> StoreResult<Option<Listing>>;
    async fn counts(&self) -> StoreResult<DirectoryCounts>;

    // People.

    /// The person behind an account (created on first contact) and their flow in a chat,
    /// unless it expired before `now`: everything a message needs, in one read. `channel` is the
    /// bot the message came through; it is remembered (written only when it changes).
    async fn person_and_flow(
        &self,
        account: &Account,
        display_name: &str,
        chat: &str,
        channel: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<(Person, Option<StoredFlow>)>;
    /// The bot (channel) the account last wrote through, if known.
    async fn account_channel(&self, account: &Account) -> StoreResult<Option<String>>;
    /// Finds the person behind an account, creating one (race-safe) on first contact.
    async fn person_for_account(
        &self,
        account: &Account,
        display_name: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Person>;
    async fn find_person(&self, account: &Account) -> StoreResult<Option<Person>>;
    async fn person(&self, id: PersonId) -> StoreResult<Option<Person>>;
    /// Saves language, home territory, interests, display name and onboarding.
    async fn save_profile(&self, person: &Person) -> StoreResult<()>;
    /// Grants a role; `false` when the person already had it.
    async fn grant_role(&self, person: PersonId, grant: &RoleGrant, now: DateTime<Utc>) -> StoreResult<bool>;
    /// Revokes a role; `false` when the person did not have it.
    async fn revoke_role(&self, person: PersonId, grant: &RoleGrant) -> StoreResult<bool>;
    async fn export_person(&self, id: PersonId) -> StoreResult<Option<PersonExport>>;
    /// Erases a person, their accounts, roles and flows.
    async fn erase_person(&self, id: PersonId) -> StoreResult<bool>;
    /// Keeps a one-time code that joins another account to this person until `expires_at`
    /// (a new code replaces the person's older ones).
    async fn link_code_put(&self, person: PersonId, code: &str, expires_at: DateTime<Utc>) -> StoreResult<()>;
    /// Joins `other` into the person whose code this is, in one transaction: accounts, roles,
    /// bookings, initiatives, supports, votes and the rest move over; where both had supported,
    /// joined, voted on or reported the same initiative, one remains (and its count drops by
    /// one). The code is used up. `None` when the code is unknown or expired.
    async fn link_accounts(&self, code: &str, other: PersonId, now: DateTime<Utc>) -> StoreResult<Option<PersonId>>;

    // Conversation flows.

    /// The flow in progress for a person in a chat, unless it expired before `now`.
    async fn load_flow(&self, person: PersonId, chat: &str, now: DateTime<Utc>) -> StoreResult<Option<StoredFlow>>;
    async fn save_flow(&self, person: PersonId, chat: &str, flow: &StoredFlow) -> StoreResult<()>;
    async fn clear_flow(&self, person: PersonId, chat: &str) -> StoreResult<()>;
    /// Deletes flows that expired before `now`; returns how many.
    async fn purge_expired_flows(&self, now: DateTime<Utc>) -> StoreResult<u64>;

    // Settings that the program keeps for itself.

    async fn setting(&self, key: &str) -> StoreResult<Option<String>>;
    async fn set_setting(&self, key: &str, value: &str) -> StoreResult<()>;

    // Outbound messages, per channel (one bot on one network).

    /// Adds messages to a channel's outbox and, in the same transaction, sets a cursor (the
    /// last inbound update handled): either both are kept or neither.
    async fn outbox_push(
        &self,
        channel: &str,
        items: &[NewOutboxItem],
        cursor: Option<Cursor<'_>>,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Adds messages to a channel's outbox unless something was already handed over under
    /// `key`: the key and the messages are kept in one transaction, so a job that runs again
    /// after a crash, or two processes racing, queue a message once. `false` when the key was
    /// already used (nothing is added).
    async fn outbox_push_once(
        &self,
        channel: &str,
        items: &[NewOutboxItem],
        key: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// Records `key` as handed over without an outbox (a courier that delivers elsewhere);
    /// `false` when it was already recorded.
    async fn delivery_claim(&self, key: &str, now: DateTime<Utc>) -> StoreResult<bool>;
    /// Forgets delivery keys recorded before `before`; returns how many.
    async fn purge_deliveries(&self, before: DateTime<Utc>) -> StoreResult<u64>;
    /// Messages still to send on a channel with an id above `after`, oldest first.
    async fn outbox_pending(&self, channel: &str, after: i64, limit: i64) -> StoreResult<Vec<OutboxItem>>;
    /// A message was delivered: it leaves the outbox.
    async fn outbox_delivered(&self, id: i64) -> StoreResult<()>;
    /// A delivery attempt failed and will be tried again.
    async fn outbox_attempt_failed(&self, id: i64, attempts: i64, error: &str) -> StoreResult<()>;
    /// A message can never be delivered: it stays, marked, for operators, and is not sent.
    async fn outbox_undeliverable(&self, id: i64, error: &str, now: DateTime<Utc>) -> StoreResult<()>;

    // Button payloads longer than a network allows.

    /// A short number standing for a payload; the same payload always gets the same number.
    async fn button_token(&self, payload: &str, now: DateTime<Utc>) -> StoreResult<i64>;
    async fn button_payload(&self, token: i64) -> StoreResult<Option<String>>;

    // Reachability.

    /// Marks an account unreachable (the person blocked the bot) from `since`, or reachable
    /// again with `None`. Writing to the bot again also makes an account reachable.
    async fn set_unreachable(&self, account: &Account, since: Option<DateTime<Utc>>) -> StoreResult<()>;
    /// When an account was found unreachable, if it is.
    async fn unreachable_since(&self, account: &Account) -> StoreResult<Option<DateTime<Utc>>>;

    // Scheduled jobs (see `crate::scheduler`).

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

    // Bookings of welfare-house spaces.

    /// Writes a booking and the units it occupies, in one transaction. The database refuses
    /// an overlap with any live booking's unit (`Err(Taken)`), on both engines. A booking that
    /// `replaces` another cancels it in the same transaction (`Err(Taken)` too when that one
    /// is no longer live).
    async fn booking_insert(&self, booking: &NewBooking, now: DateTime<Utc>) -> StoreResult<Result<Booking, Taken>>;
    async fn booking(&self, id: BookingId) -> StoreResult<Option<Booking>>;
    /// A person's live bookings that end after `after`, soonest first.
    async fn bookings_of(&self, person: PersonId, after: DateTime<Utc>) -> StoreResult<Vec<Booking>>;
    /// Bookings in any status whose start lies in `[from, to)`, for a house or all, by start.
    async fn bookings_between(
        &self,
        house: Option<&LocationId>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<Booking>>;
    /// Busy intervals (buffer included) of live bookings on any of `units` that overlap
    /// `[from, to)`.
    async fn busy(
        &self,
        units: &[UnitId],
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<(DateTime<Utc>, DateTime<Utc>)>>;
    /// Moves a booking from one of `from` to `to`, freeing its units when `to` is not live.
    /// Returns the booking as it now is, or `None` when it was not in one of `from`.
    async fn booking_transition(
        &self,
        id: BookingId,
        from: &[BookingStatus],
        to: BookingStatus,
    ) -> StoreResult<Option<Booking>>;
    /// Records a check-in; `false` when the booking is not confirmed.
    async fn booking_check_in(&self, id: BookingId, at: DateTime<Utc>) -> StoreResult<bool>;
    /// Puts a person on the waitlist of a slot; returns their place in line (1 = first).
    async fn waitlist_add(&self, entry: &WaitEntry, now: DateTime<Utc>) -> StoreResult<i64>;
    /// People still waiting for a slot of `space` that overlaps `[from, to)`, first come first.
    async fn waitlist_waiting(
        &self,
        space: &SpaceId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<WaitEntry>>;
    /// Marks a waitlist entry (`offered`, `left`).
    async fn waitlist_set(&self, id: i64, status: &str) -> StoreResult<()>;
}

/// Opens (and creates and migrates, if needed) the store a URL names:
/// `sqlite:data/vicinato.db`, `sqlite::memory:`, `postgres://user@host/db`.
pub async fn open(url: &str) -> StoreResult<Arc<dyn Store>> {
    Ok(Arc::new(SqlStore::open(url).await?))
}
