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

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use std::sync::Arc;
use vicinato_domain::*;

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
    /// The account (its id on the channel's network) whose message this answers, or whom it
    /// is for: erasing the person drops it, also from group rooms and direct rooms.
    pub account: Option<String>,
}

impl NewOutboxItem {
    /// The same message, answering or addressed to this account.
    pub fn for_account(mut self, account: Option<&str>) -> Self {
        self.account = account.map(str::to_owned);
        self
    }
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
    pub initiatives: Vec<(vicinato_domain::initiative::Initiative, &'static str)>,
    /// Associations the person belongs to, and whether they may book in their name.
    pub associations: Vec<Membership>,
    /// Comments they wrote on initiatives, oldest first.
    pub comments: Vec<Written>,
    /// Reports they made, with their reason.
    pub reports: Vec<Written>,
    /// Their votes.
    pub votes: Vec<Voted>,
    /// Slots they wait for (in any status).
    pub waitlist: Vec<Waiting>,
    /// Audit entries of what they did or what was done to them (a link).
    pub audit: Vec<crate::initiatives::AuditEntry>,
}

/// A text a person wrote about an initiative (a comment, a report's reason).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Written {
    pub initiative: vicinato_domain::initiative::InitiativeId,
    pub text: String,
    pub at: DateTime<Utc>,
}

/// A person's vote on an initiative.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Voted {
    pub initiative: vicinato_domain::initiative::InitiativeId,
    pub yes: bool,
    pub at: DateTime<Utc>,
}

/// A person's place on the waitlist of a space.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Waiting {
    pub space: SpaceId,
    pub starts: DateTime<Utc>,
    pub ends: DateTime<Utc>,
    pub people: u32,
    pub purpose: String,
    pub status: String,
}

/// Wrong link codes a person may type in an hour, unless `[limits]` says otherwise.
pub const MAX_WRONG_LINK_CODES: u32 = 5;

/// What typing a link code found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkClaim {
    /// Too many wrong codes in the last hour: this one was not checked.
    TooManyTries,
    /// Unknown, expired or already typed by someone else.
    Unknown,
    /// The person's own code (or the accounts are one person already).
    Same,
    /// Made by `person`, who asked for it on `network` and is called `name`.
    Claimed { person: PersonId, network: String, name: String },
}

/// What a confirmation of a link did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkConfirm {
    /// Nothing to confirm for this person (unknown, expired, used, or not their turn).
    Unknown,
    /// The typist confirmed: now `maker` (who asked on `maker_network`) must, seeing the
    /// typist's `network` and `name`.
    AskMaker { maker: PersonId, maker_network: String, network: String, name: String },
    /// Done: `joined` is now part of `kept`; `dropped` are the roles `joined` had that an
    /// admin must grant again.
    Linked { kept: PersonId, joined: PersonId, dropped: Vec<RoleGrant> },
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
    /// Erases a person in one transaction: accounts, roles, flows, bookings, waitlist entries,
    /// supports and places (counts recounted, a freed place goes to the first waiting), votes,
    /// reports, comments, memberships, drafts and moderator candidacies, link codes, replies
    /// queued for them or answering them (private chats, direct and group rooms), Matrix numbered
    /// choices kept for them; the audit keeps what was done without them (actor, subject and
    /// their names in reasons removed). Initiatives others can read stay, without author.
    /// Bookings should be cancelled first, so that their slots go to the waitlist.
    async fn erase_person(&self, id: PersonId) -> StoreResult<bool>;
    /// Every `table.column` where a text occurs (in any column read as text): to check that an
    /// erasure left nothing behind.
    async fn occurrences(&self, text: &str) -> StoreResult<Vec<String>>;
    /// Keeps a one-time code, asked for on `network`, that joins another account to this person
    /// until `expires_at` (a new code replaces the person's older ones). `Err` when the code is
    /// taken (draw another).
    async fn link_code_put(
        &self,
        person: PersonId,
        network: &str,
        code: &str,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Someone typed a code on `network`: who made it, to confirm. A wrong code (unknown,
    /// expired, or already typed by someone else) is counted against `person`; after
    /// `max_wrong` in an hour ([`MAX_WRONG_LINK_CODES`] by default) no code is checked at all.
    async fn link_claim(
        &self,
        code: &str,
        person: PersonId,
        network: &str,
        max_wrong: u32,
        now: DateTime<Utc>,
    ) -> StoreResult<LinkClaim>;
    /// One side confirms: first the person who typed the code, then the one who made it, whose
    /// confirmation joins the typist into them in one transaction (accounts, bookings,
    /// initiatives, supports, votes and the rest move over; where both did the same
    /// once-per-person thing, one remains; an author's support of their own initiative goes;
    /// counts are recounted; staff, moderator and admin roles of the typist are dropped, not
    /// merged; the link is audited). The code is used up.
    async fn link_confirm(&self, code: &str, person: PersonId, now: DateTime<Utc>) -> StoreResult<LinkConfirm>;
    /// Either side says no: the code is gone. `false` when it was not theirs (or is gone).
    async fn link_cancel(&self, code: &str, person: PersonId) -> StoreResult<bool>;

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
    /// [`Store::booking_insert`] within a weekly fair-use quota, checked inside the same
    /// transaction (after locking whose quota it is on PostgreSQL; SQLite has one writer), so
    /// two chats confirming at once cannot together go over it.
    async fn booking_insert_within(
        &self,
        booking: &NewBooking,
        quota: &QuotaCheck,
        now: DateTime<Utc>,
    ) -> StoreResult<Result<Booking, Refused>>;
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
    /// [`Store::booking_transition`], and in the same transaction (only when the status
    /// changed) the jobs keyed `cancel` are removed and `jobs` are put: a crash can never leave
    /// a status change without its reminders, its waitlist promotion or its notes.
    async fn booking_transition_with(
        &self,
        id: BookingId,
        from: &[BookingStatus],
        to: BookingStatus,
        jobs: &[NewJob],
        cancel: &[String],
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Booking>>;
    /// Records a check-in; `false` when the booking is not confirmed.
    async fn booking_check_in(&self, id: BookingId, at: DateTime<Utc>) -> StoreResult<bool>;
    /// Puts a person on the waitlist of a slot, once per person and slot, unless they already
    /// wait for `cap` slots: their place in line (1 = first), the same when they already wait
    /// for it.
    async fn waitlist_add(&self, entry: &WaitEntry, cap: u32, now: DateTime<Utc>) -> StoreResult<WaitPlace>;
    /// Offers a waiting person the slot, in one transaction: the entry becomes `offered`, the
    /// held booking and its units are written, and the jobs `jobs` makes for it are put.
    /// `Err(Taken)`, and nothing written, when the slot is still taken or the entry no longer
    /// waits (so a promotion run again after a crash offers nothing twice).
    async fn waitlist_promote(
        &self,
        entry: i64,
        held: &NewBooking,
        jobs: &(dyn Fn(BookingId) -> Vec<NewJob> + Send + Sync),
        now: DateTime<Utc>,
    ) -> StoreResult<Result<Booking, Taken>>;
    /// Entries of `space` still waiting for a slot that overlaps `[from, to)`: they are
    /// cancelled (status `closed`) and returned, for a closure.
    async fn waitlist_close(
        &self,
        space: &SpaceId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<WaitEntry>>;
    /// People still waiting for a slot of `space` that overlaps `[from, to)`, first come first.
    async fn waitlist_waiting(
        &self,
        space: &SpaceId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<WaitEntry>>;
    /// Marks a waitlist entry (`offered`, `left`).
    async fn waitlist_set(&self, id: i64, status: &str) -> StoreResult<()>;

    // Receipts of handled updates.

    /// The outcome an update was answered with, if it was handled already.
    async fn receipt(&self, key: &str) -> StoreResult<Option<String>>;
    /// Records how an update was answered; a second write of the same key keeps the first.
    async fn receipt_put(&self, key: &str, person: PersonId, outcome: &str, now: DateTime<Utc>) -> StoreResult<()>;
    /// Forgets receipts older than `before`; how many.
    async fn receipts_purge(&self, before: DateTime<Utc>) -> StoreResult<u64>;
}

/// The weekly quota a booking must fit: the minutes already booked by whose it is, in the
/// house, starting in `[from, to)`, plus the new booking's, at most `max_minutes`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuotaCheck {
    pub whose: QuotaOf,
    pub house: LocationId,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub max_minutes: i64,
}

/// Whose hours a quota counts: a person's own bookings (not those for an association), or an
/// association's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuotaOf {
    Person(PersonId),
    Association(AssociationId),
}

/// Why a booking was not written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// The slot (or a unit of it) is taken, or the booking it replaces is no longer live.
    Taken,
    /// It would go over the quota.
    OverQuota,
}

/// Where a person stands on a waitlist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitPlace {
    /// Their place in line, 1 = first.
    Place(i64),
    /// They already wait for as many slots as one may.
    Full,
}

/// Opens (and creates and migrates, if needed) the store a URL names:
/// `sqlite:data/vicinato.db`, `sqlite::memory:`, `postgres://user@host/db`.
pub async fn open(url: &str) -> StoreResult<Arc<dyn Store>> {
    Ok(Arc::new(SqlStore::open(url).await?))
}
