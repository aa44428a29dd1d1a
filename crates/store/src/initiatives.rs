//! What the store keeps about community initiatives, governance and the audit log. A part of
//! [`super::Store`], kept in its own trait so each capability reads on its own.
//!
//! It owns the initiatives' tables (supports, participants, votes, reports, comments),
//! `governance` and `audit`, and writes an audit entry in the same transaction as the change it
//! records. It must not write other families' rows; people's erasure and linking touch these.

use super::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use vicinato_domain::initiative::*;
use vicinato_domain::{PersonId, TerritoryId};

/// A new draft.
#[derive(Debug, Clone, PartialEq)]
pub struct NewInitiative {
    pub author: PersonId,
    pub territory: TerritoryId,
    /// The territory's materialised path, for subtree filters.
    pub territory_path: String,
    pub threshold: u32,
    pub content: Content,
}

/// One entry of the audit log: who did what to what, when and why.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    /// `None` for the system (a vote, a deadline, reports reaching their limit).
    pub actor: Option<PersonId>,
    pub action: String,
    /// What it was done to: `initiative:12`, `territory:centocelle`.
    pub subject: String,
    pub reason: Option<String>,
}

/// A change of state, with what changes along with it. Applied only when the initiative is in
/// one of `from`; the audit entry is written in the same transaction.
#[derive(Debug, Clone, PartialEq)]
pub struct Transition {
    pub from: Vec<Status>,
    pub to: Status,
    pub decision: Option<Decision>,
    /// A new deadline (supports or vote); `None` leaves it.
    pub deadline: Option<DateTime<Utc>>,
    pub outcome: Option<Outcome>,
    pub audit: AuditEntry,
}

/// What supporting did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Supported {
    /// Counted: the count now, and whether this support reached the threshold.
    Counted { supports: u32, threshold: u32, reached: bool },
    /// This person already supports it.
    Already,
    /// It is not collecting supports (not published, hidden, gone).
    Closed,
}

/// What joining did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Joined {
    Joined,
    /// Full: on the waitlist, at this place (1 = next).
    Waiting(u32),
    Already,
    Closed,
}

/// A person's part in one initiative.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MyPart {
    /// Supports it (`Some(true)`: anonymously).
    pub support: Option<bool>,
    /// Joined it (`Some(true)`: on the waitlist).
    pub waiting: Option<bool>,
    pub volunteer: bool,
    pub voted: bool,
    pub reported: bool,
}

/// Something someone did, for participation figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParticipationEvent {
    pub what: Activity,
    pub territory: TerritoryId,
    pub at: DateTime<Utc>,
    pub person: Option<PersonId>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Activity {
    Proposed,
    Supported,
    Joined,
    Voted,
    Commented,
    Held,
    /// An initiative with a welfare-house booking, counted in the month it happens.
    Booked,
}

#[async_trait]
pub trait InitiativeStore: Send + Sync {
    /// Writes a new draft.
    async fn initiative_create(&self, new: &NewInitiative, now: DateTime<Utc>) -> StoreResult<Initiative>;
    async fn initiative(&self, id: InitiativeId) -> StoreResult<Option<Initiative>>;
    /// Saves the content (and territory) of a draft; `false` when it is no longer a draft of
    /// this author.
    async fn initiative_save_draft(
        &self,
        id: InitiativeId,
        author: PersonId,
        new: &NewInitiative,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// Deletes a draft of this author, and nothing else; `false` when it is no longer a draft
    /// of this author.
    async fn initiative_discard_draft(&self, id: InitiativeId, author: PersonId) -> StoreResult<bool>;
    /// Moves an initiative to another state, with its audit entry, in one transaction; `None`
    /// when it was not in one of `from` (someone else decided first).
    async fn initiative_transition(
        &self,
        id: InitiativeId,
        change: &Transition,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Initiative>>;
    /// Sets the date (and booking) of an accepted or scheduled initiative.
    async fn initiative_set_when(
        &self,
        id: InitiativeId,
        content: &Content,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// Initiatives matching a query, newest first (those happening soonest first when the
    /// query has a time window).
    async fn initiatives(&self, query: &InitiativeQuery) -> StoreResult<Vec<Initiative>>;
    /// Adds a support; exact under concurrency, and the support that reaches the threshold
    /// moves the initiative to `threshold_reached` in the same transaction.
    async fn initiative_support(
        &self,
        id: InitiativeId,
        person: PersonId,
        anonymous: bool,
        now: DateTime<Utc>,
    ) -> StoreResult<Supported>;
    /// Withdraws a support while supports are collected; the count after, or `None`.
    async fn initiative_unsupport(&self, id: InitiativeId, person: PersonId) -> StoreResult<Option<u32>>;
    /// Display names of up to `limit` people who support it openly.
    async fn initiative_supporter_names(&self, id: InitiativeId, limit: u32) -> StoreResult<Vec<String>>;
    /// Joins as participant or volunteer, within capacity, else on the waitlist.
    async fn initiative_join(
        &self,
        id: InitiativeId,
        person: PersonId,
        volunteer: bool,
        now: DateTime<Utc>,
    ) -> StoreResult<Joined>;
    /// Leaves; returns the person promoted from the waitlist into the freed place, if any.
    /// `Err`-free `None` when the person was not in it.
    async fn initiative_leave(&self, id: InitiativeId, person: PersonId) -> StoreResult<Option<Option<PersonId>>>;
    async fn initiative_my_part(&self, id: InitiativeId, person: PersonId) -> StoreResult<MyPart>;
    /// Everyone to tell about a change: supporters and participants (waitlist included).
    async fn initiative_audience(&self, id: InitiativeId) -> StoreResult<Vec<PersonId>>;
    /// Casts a vote while the vote is open; `false` when this person already voted or it is
    /// not open.
    async fn initiative_vote(
        &self,
        id: InitiativeId,
        person: PersonId,
        yes: bool,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// Votes for and against.
    async fn initiative_tally(&self, id: InitiativeId) -> StoreResult<(u32, u32)>;
    /// Records a report by a resident; when reports reach `hide_at`, hides the initiative in
    /// the same transaction. `None` when this person already reported it; else the count and
    /// whether this report hid it.
    async fn initiative_report(
        &self,
        id: InitiativeId,
        person: PersonId,
        reason: &str,
        hide_at: u32,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<(u32, bool)>>;
    /// Hides or restores, with its audit entry; `false` when it already was.
    async fn initiative_set_hidden(&self, id: InitiativeId, hidden: bool, audit: &AuditEntry) -> StoreResult<bool>;
    async fn initiative_comment(
        &self,
        id: InitiativeId,
        person: PersonId,
        body: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<i64>;
    /// The latest comments, oldest first: author's display name and text.
    async fn initiative_comments(&self, id: InitiativeId, limit: u32) -> StoreResult<Vec<(String, String)>>;
    /// Takes the right to write to the supporters: `false` when the last update was after
    /// `not_after` (too soon).
    async fn initiative_take_update(
        &self,
        id: InitiativeId,
        not_after: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;

    /// People holding `role` in any of `territories` (not admins, who hold it everywhere).
    async fn role_holders(
        &self,
        role: vicinato_domain::Role,
        territories: &[TerritoryId],
    ) -> StoreResult<Vec<PersonId>>;
    /// Governance phases set for territories (unset ones are institutional, or inherit).
    async fn governance(&self) -> StoreResult<Vec<(TerritoryId, Phase)>>;
    async fn set_governance(&self, territory: &TerritoryId, phase: Phase, audit: &AuditEntry) -> StoreResult<()>;
    /// The audit log of a subject, oldest first.
    async fn audit_of(&self, subject: &str) -> StoreResult<Vec<AuditEntry>>;
    /// What people did in `[from, to)` under a territory path: with initiatives, and the
    /// confirmed bookings of the welfare houses there (an initiative's booking among them).
    async fn participation_events(
        &self,
        territory_path: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<ParticipationEvent>>;
    /// The initiatives a person wrote, supported or joined, for their data export.
    async fn initiatives_of_person(&self, person: PersonId) -> StoreResult<Vec<(Initiative, &'static str)>>;
    /// What a person did lately, for the limits per person: their open drafts, and their
    /// comments and reports since `since`.
    async fn initiative_activity(&self, person: PersonId, since: DateTime<Utc>) -> StoreResult<RecentActivity>;
}

/// What a person did lately with initiatives (see [`InitiativeStore::initiative_activity`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RecentActivity {
    pub open_drafts: u32,
    pub comments: u32,
    pub reports: u32,
}
