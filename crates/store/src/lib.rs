//! The store: everything Vicinato keeps, behind one trait per family of records, with one SQL
//! implementation ([`SqlStore`]) for SQLite and PostgreSQL chosen by the URL scheme.
//!
//! Only this crate knows SQL. It speaks domain values in and out, and both engines must pass the
//! same conformance suite (`tests/it/conformance.rs`). This file owns what every family shares
//! (the engine, the errors, [`Store`] and [`open`]); each family's trait and the types it speaks
//! are in a file of their own, and no method is declared here.
//!
//! Methods are called on `dyn Store` (or `Arc<dyn Store>`) without importing the family traits;
//! code that holds a concrete store, or wants the traits by name, imports [`prelude`].

pub mod announcements;
pub mod associations;
pub mod bookings;
pub mod dead_letters;
pub mod directory;
pub mod flows;
pub mod initiatives;
pub mod jobs;
pub mod outbox;
pub mod people;
pub mod rooms;
pub mod spaces;
mod sql;

use std::sync::Arc;

pub use announcements::{
    AnnouncementStore, Candidate, CandidateAccount, CopyCount, CopyOf, EditCount, Handed, NewAnnouncement,
};
pub use associations::AssociationStore;
pub use bookings::{BookingStore, QuotaCheck, QuotaOf, Refused, WaitPlace};
pub use dead_letters::{DeadLetter, DeadLetterStore};
pub use directory::{DirectoryCounts, DirectoryStore};
pub use flows::{FlowStore, StoredFlow};
pub use initiatives::*;
pub use jobs::{Job, JobStore, NewJob};
pub use outbox::{Cursor, NewOutboxItem, OutboxDepth, OutboxItem, OutboxStore};
pub use people::{LinkClaim, LinkConfirm, MAX_WRONG_LINK_CODES, PeopleStore, PersonExport, Voted, Waiting, Written};
pub use rooms::RoomStore;
pub use spaces::SpaceAdminStore;
pub use sql::{BotLease, MigrationState, SqlStore};

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
    /// The database was migrated by a newer version of Vicinato: this one must not touch it.
    #[error(
        "the database was migrated by a newer version of Vicinato (it has migration {database}); this is \
         vicinato {program}: run the newer version, or restore a backup taken before the upgrade"
    )]
    NewerDatabase { database: String, program: String },
    /// What was asked is not done on this engine (the message says what to do instead).
    #[error("{0}")]
    Unsupported(String),
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

/// Which engine a store runs on. Not a family of records: every store has one.
pub trait Backend: Send + Sync {
    fn engine(&self) -> Engine;
}

/// Everything Vicinato keeps: every family's trait, so one `Arc<dyn Store>` serves them all.
/// Implemented for whatever implements every family (see the blanket impl); it declares no
/// method of its own.
pub trait Store:
    Backend
    + AnnouncementStore
    + DirectoryStore
    + PeopleStore
    + FlowStore
    + OutboxStore
    + JobStore
    + BookingStore
    + AssociationStore
    + SpaceAdminStore
    + InitiativeStore
    + DeadLetterStore
    + RoomStore
    + Send
    + Sync
    + 'static
{
}

impl<T> Store for T where
    T: Backend
        + AnnouncementStore
        + DirectoryStore
        + PeopleStore
        + FlowStore
        + OutboxStore
        + JobStore
        + BookingStore
        + AssociationStore
        + SpaceAdminStore
        + InitiativeStore
        + DeadLetterStore
        + RoomStore
        + Send
        + Sync
        + 'static
{
}

/// [`Store`] and every family trait, for `use vicinato_store::prelude::*;`.
pub mod prelude {
    pub use crate::{
        AnnouncementStore, AssociationStore, Backend, BookingStore, DeadLetterStore, DirectoryStore, FlowStore,
        InitiativeStore, JobStore, OutboxStore, PeopleStore, RoomStore, SpaceAdminStore, Store,
    };
}

/// Opens (and creates and migrates, if needed) the store a URL names:
/// `sqlite:data/vicinato.db`, `sqlite::memory:`, `postgres://user@host/db`.
pub async fn open(url: &str) -> StoreResult<Arc<dyn Store>> {
    Ok(Arc::new(SqlStore::open(url).await?))
}
