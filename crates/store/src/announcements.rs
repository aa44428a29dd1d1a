//! Staff announcements: the announcement (texts, audience, time, state), one copy per
//! recipient with how it went, and the topics each person opted out of. A part of
//! [`super::Store`].
//!
//! It owns `announcements`, `announcement_recipients`, `announcement_room_copies` (one copy
//! per linked room, migration 0018) and `announcement_optouts`, and writes
//! an announcement's send job in the same transaction as the announcement (through the jobs'
//! own statement). It resolves an audience into people but decides nothing about who may
//! send to whom: that is the core's.

use super::{NewJob, StoreResult};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use vicinato_domain::{
    Account, Announcement, AnnouncementId, AnnouncementState, AnnouncementTexts, Audience, CopyState, EditState, Lang,
    Network, PersonId, Recipient, Recurrence, RoomCopy, TerritoryId,
};

/// A copy handed to a bot: a person's or a linked room's.
#[derive(Debug, Clone, Copy)]
pub enum CopyOf<'a> {
    Person(&'a Recipient),
    Room(&'a RoomCopy),
}

/// A copy handed to a bot and what that left it as ([`AnnouncementStore::copies_handed`]);
/// `lane` when its bulk lane records it once the network answered.
#[derive(Debug, Clone)]
pub struct Handed<'a> {
    pub copy: CopyOf<'a>,
    pub state: CopyState,
    pub lane: bool,
}

/// An announcement to keep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAnnouncement {
    pub author: Option<PersonId>,
    pub texts: AnnouncementTexts,
    pub audience: Audience,
    pub at: DateTime<Utc>,
    pub recurrence: Option<Recurrence>,
    /// The first announcement of its series, for a later occurrence of a recurring one.
    pub series: Option<AnnouncementId>,
    /// Kept `pending` until a second staff member approves it (no send job until then).
    pub pending: bool,
}

/// A person in an audience, with what choosing their copy's destination needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub person: PersonId,
    pub language: Option<Lang>,
    /// Their accounts, each with the bot it last wrote to and whether the network said it
    /// cannot be reached.
    pub accounts: Vec<CandidateAccount>,
    /// Whether they opted out of the announcement's topic (or of all topics).
    pub opted_out: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CandidateAccount {
    pub account: Account,
    pub channel: Option<String>,
    pub unreachable: bool,
}

/// How many copies of an announcement are in one state on one network (with the failure
/// reason for failed ones).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyCount {
    pub network: Network,
    /// `queued`, `sending`, `sent`, `failed`, `unreachable`, `blocked`, `opted_out`.
    pub state: String,
    pub reason: Option<String>,
    pub count: i64,
}

/// How many edits of one correction are in one state on one network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditCount {
    pub correction: u32,
    pub network: Network,
    /// `queued`, `sending`, `sent`, `failed`, `too_old`, `not_editable`, `cancelled`.
    pub state: String,
    pub reason: Option<String>,
    pub count: i64,
}

#[async_trait]
pub trait AnnouncementStore: Send + Sync {
    /// Keeps an announcement (scheduled, or pending when it waits for approval) and, in the
    /// same transaction, the job that sends it (a pending one has none yet). `job` is given
    /// its payload by the caller; its key should name the announcement, which the caller
    /// cannot know yet, so `{id}` in the key and payload is replaced by the new id.
    async fn announcement_add(
        &self,
        new: &NewAnnouncement,
        job: Option<&NewJob>,
        now: DateTime<Utc>,
    ) -> StoreResult<AnnouncementId>;
    /// Moves a pending announcement to scheduled, recording who approved it, and puts its
    /// send job, in one transaction; `false` when it was no longer pending.
    async fn announcement_approve(
        &self,
        id: AnnouncementId,
        approver: PersonId,
        job: &NewJob,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// Moves a sending announcement to done and, in the same transaction, keeps the next
    /// occurrence of its series with its job (`{id}` replaced as in
    /// [`Self::announcement_add`]); `false` (and nothing kept) when it was no longer sending.
    async fn announcement_finish(
        &self,
        id: AnnouncementId,
        next: Option<(&NewAnnouncement, &NewJob)>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// The announcements of a series (its first one and every later occurrence) still open.
    async fn announcements_open_in_series(&self, series: AnnouncementId) -> StoreResult<Vec<Announcement>>;
    /// Whether a territory asks for a second staff member's approval (`on`) or not; `false`
    /// when it already was so.
    async fn approval_set(&self, territory: &TerritoryId, on: bool, now: DateTime<Utc>) -> StoreResult<bool>;
    /// The territories that ask for approval (each covers its subtree), sorted.
    async fn approval_territories(&self) -> StoreResult<Vec<TerritoryId>>;
    async fn announcement(&self, id: AnnouncementId) -> StoreResult<Option<Announcement>>;
    /// The latest `limit` announcements, newest first.
    async fn announcements(&self, limit: i64) -> StoreResult<Vec<Announcement>>;
    /// Moves an announcement to `to` only if it is in one of `from`; `false` when it was not.
    async fn announcement_set_state(
        &self,
        id: AnnouncementId,
        from: &[AnnouncementState],
        to: AnnouncementState,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// Cancels a pending, scheduled or sending announcement: its job (by key) goes, and in one
    /// transaction its copies (people's and rooms') not yet on their way are taken back from the outboxes (those
    /// not marked as leaving) and recorded `cancelled`, with those still queued and the edits
    /// not yet sent; what was sent, or is on its way, stays as it goes. `false` when it was no
    /// longer open.
    async fn announcement_cancel(&self, id: AnnouncementId, job_key: &str, now: DateTime<Utc>) -> StoreResult<bool>;
    /// Corrects an announcement that is not cancelled: its texts become `texts`, the
    /// correction is kept (numbered from 1, with who made it), its copies (people's and
    /// rooms') still waiting in an outbox (not marked as leaving) are taken back and queued again (their delivery keys
    /// freed) so they go out with the new text, edits of earlier corrections not yet handed
    /// over are cancelled, and `job` (the correction's job) is put, all in one transaction.
    /// The correction's number, or `None` when the announcement was cancelled (or is unknown).
    async fn announcement_correct(
        &self,
        id: AnnouncementId,
        texts: &AnnouncementTexts,
        by: Option<PersonId>,
        job: &NewJob,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<u32>>;
    /// Records queued copies (people's or rooms') handed to a bot, all in one transaction:
    /// each moves to its `state` (`sending` into a bulk lane, `sent`, `unreachable`, `failed`)
    /// with the correction its text carries. With `lane`, only while the copy's outbox message
    /// is still there (a cancellation or correction may have taken it back, and then the copy
    /// stays as that left it). Returns how many changed.
    async fn copies_handed(&self, handed: &[Handed<'_>], at: DateTime<Utc>) -> StoreResult<u64>;
    /// Opens the edits a correction needs: one per copy sent with an older text, `queued`, or
    /// `not_editable` when the network never said which message it became, or `too_old` when
    /// it was sent on a network before that network's cutoff (`cutoffs`: the network and the
    /// earliest sending time it still lets a bot edit). Opened once per copy and correction;
    /// returns how many were opened.
    async fn edits_open(
        &self,
        id: AnnouncementId,
        correction: u32,
        cutoffs: &[(Network, DateTime<Utc>)],
        now: DateTime<Utc>,
    ) -> StoreResult<u64>;
    /// The copies whose edit for a correction is in a state, by person, at most `limit`.
    async fn edits(
        &self,
        id: AnnouncementId,
        correction: u32,
        state: &EditState,
        limit: i64,
    ) -> StoreResult<Vec<Recipient>>;
    /// Records how an edit went, if it was still queued or sending: its state and, once sent,
    /// the copy's text version; in the same transaction its outbox message (`outbox`) leaves
    /// the outbox. `false` when the edit was already recorded.
    #[allow(clippy::too_many_arguments)]
    async fn edit_settled(
        &self,
        outbox: Option<i64>,
        id: AnnouncementId,
        person: PersonId,
        correction: u32,
        state: &EditState,
        at: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// Edits per correction, network, state and failure reason.
    async fn edit_counts(&self, id: AnnouncementId) -> StoreResult<Vec<EditCount>>;
    /// The people of an audience now, each once, with their accounts and whether they opted
    /// out of `topic`. A territory scope covers its subtree; live bookings count for a house.
    async fn audience(&self, audience: &Audience, topic: &str, now: DateTime<Utc>) -> StoreResult<Vec<Candidate>>;
    /// Adds copies; a person who already has a copy of the announcement keeps theirs. Returns
    /// how many were added.
    async fn recipients_add(&self, copies: &[Recipient]) -> StoreResult<u64>;
    /// Copies of an announcement in a state (`None`: every state), by person, at most `limit`.
    async fn recipients(
        &self,
        id: AnnouncementId,
        state: Option<&CopyState>,
        limit: i64,
    ) -> StoreResult<Vec<Recipient>>;
    /// Records how a queued copy went; `false` when it was no longer queued (already recorded,
    /// or the announcement was cancelled).
    async fn recipient_mark(
        &self,
        id: AnnouncementId,
        person: PersonId,
        state: &CopyState,
        message_id: Option<&str>,
        at: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// Records how a copy handed to a bot went, as its transport learnt it: the copy moves to
    /// `state` (with `reason`, and the network's `message_id`) if it was still queued or
    /// sending, and in the same transaction its outbox message (`outbox`) leaves the outbox.
    /// `false` when the copy was already recorded (the outbox message goes all the same).
    /// `version` is the correction the sent text carried; `room` the room it was sent in when
    /// that is not the copy's chat (a Matrix direct chat), where its edit goes.
    /// It writes an outbox row, the transports' family, because the two must go together: a
    /// copy recorded but still queued would be sent again, one sent but unrecorded counted wrong.
    #[allow(clippy::too_many_arguments)]
    async fn copy_settled(
        &self,
        outbox: Option<i64>,
        id: AnnouncementId,
        person: PersonId,
        state: &CopyState,
        reason: Option<&str>,
        message_id: Option<&str>,
        version: u32,
        room: Option<&str>,
        at: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// Copies per network, state and failure reason.
    async fn recipient_counts(&self, id: AnnouncementId) -> StoreResult<Vec<CopyCount>>;
    /// Adds room copies; a room that already has a copy of the announcement keeps its own.
    /// Returns how many were added.
    async fn room_copies_add(&self, copies: &[RoomCopy]) -> StoreResult<u64>;
    /// Room copies of an announcement in a state (`None`: every state), by network and chat,
    /// at most `limit`.
    async fn room_copies(
        &self,
        id: AnnouncementId,
        state: Option<&CopyState>,
        limit: i64,
    ) -> StoreResult<Vec<RoomCopy>>;
    /// Room copies per network, state and reason (an unconfirmed send's too).
    async fn room_copy_counts(&self, id: AnnouncementId) -> StoreResult<Vec<CopyCount>>;
    /// Records how a room copy handed to a bot went, with its outbox message leaving the
    /// outbox in the same transaction, as [`Self::copy_settled`] does a person's.
    #[allow(clippy::too_many_arguments)]
    async fn room_copy_settled(
        &self,
        outbox: Option<i64>,
        id: AnnouncementId,
        network: Network,
        chat: &str,
        state: &CopyState,
        reason: Option<&str>,
        message_id: Option<&str>,
        version: u32,
        at: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// Opens the edit a correction needs on each room copy sent with an older text (queued,
    /// `not_editable` without a message id, `too_old` before its network's cutoff), once per
    /// copy and correction; an edit of an earlier correction not yet handed over gives way.
    /// Returns how many were opened.
    async fn room_edits_open(
        &self,
        id: AnnouncementId,
        correction: u32,
        cutoffs: &[(Network, DateTime<Utc>)],
        now: DateTime<Utc>,
    ) -> StoreResult<u64>;
    /// The room copies whose edit for a correction is in a state, at most `limit`.
    async fn room_edits(
        &self,
        id: AnnouncementId,
        correction: u32,
        state: &EditState,
        limit: i64,
    ) -> StoreResult<Vec<RoomCopy>>;
    /// Records how a room copy's edit went, if it was still queued or sending (and, once
    /// sent, the copy's text version), with its outbox message leaving the outbox, in one
    /// transaction; `false` when it was already recorded.
    #[allow(clippy::too_many_arguments)]
    async fn room_edit_settled(
        &self,
        outbox: Option<i64>,
        id: AnnouncementId,
        network: Network,
        chat: &str,
        correction: u32,
        state: &EditState,
        at: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// Stops (`off`) or restarts announcements of a topic for a person; `false` when nothing
    /// changed. Restarting [`vicinato_domain::ALL_TOPICS`] restarts every topic.
    async fn opt_out(&self, person: PersonId, topic: &str, off: bool, now: DateTime<Utc>) -> StoreResult<bool>;
    /// The topics a person opted out of, sorted.
    async fn opt_outs(&self, person: PersonId) -> StoreResult<Vec<String>>;
}
