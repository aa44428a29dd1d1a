//! What the transports keep: the outbox of each channel (one bot on one network), the settings
//! they keep for themselves (update cursors above all), delivery keys that make a message go
//! out once, button payloads longer than a network allows, and receipts of updates handled.
//!
//! It owns `outbox`, `settings`, `deliveries`, `button_payloads` and `turn_receipts`. It must not
//! read the payloads it queues (they are the transport's own), nor write other families' rows:
//! a cursor and its replies are written together because both are this family's.

use super::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use vicinato_domain::PersonId;

/// A message waiting in the outbox of a channel (one bot on one network). The payload is the
/// transport's own description of the message; the store does not read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxItem {
    pub id: i64,
    pub chat: String,
    pub payload: String,
    /// Failed attempts so far.
    pub attempts: i64,
    /// Marked as on its way ([`OutboxStore::outbox_sending`]) with no answer recorded since:
    /// the process stopped while the network may have taken it.
    pub in_doubt: bool,
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

/// How much waits in one channel's outbox: for the operators' metrics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxDepth {
    pub channel: String,
    /// Messages still to send (not those set aside as undeliverable).
    pub pending: i64,
    /// When the oldest of them was queued.
    pub oldest: Option<DateTime<Utc>>,
}

/// A setting written in the same transaction as something else (a transport's update cursor).
#[derive(Debug, Clone, Copy)]
pub struct Cursor<'a> {
    pub key: &'a str,
    pub value: &'a str,
}

#[async_trait]
pub trait OutboxStore: Send + Sync {
    // Settings that the program keeps for itself.

    async fn setting(&self, key: &str) -> StoreResult<Option<String>>;
    async fn set_setting(&self, key: &str, value: &str) -> StoreResult<()>;

    // Outbound messages, per channel (one bot on one network).

    /// Adds messages to a channel's outbox and, in the same transaction, sets a cursor (the
    /// last inbound update handled): either both are kept or neither.
    /// The cursor is a setting, which this family owns too.
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
    /// The key is a delivery, which this family owns too.
    async fn outbox_push_once(
        &self,
        channel: &str,
        items: &[NewOutboxItem],
        key: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// [`Self::outbox_push_once`] for many deliveries, in one transaction: each `(key,
    /// messages)` is queued unless its key was already used. Whether each was queued, in order.
    async fn outbox_push_once_each(
        &self,
        channel: &str,
        batch: &[(String, Vec<NewOutboxItem>)],
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<bool>>;
    /// [`Self::outbox_push_once`] that also sets a setting in the same transaction (a Matrix
    /// courier's numbered choices for the room its message goes to): a retry after a failure
    /// cannot find the messages queued and the setting lost. `false` when the key was already
    /// used (nothing is added, the setting is left as it was).
    async fn outbox_push_once_setting(
        &self,
        channel: &str,
        items: &[NewOutboxItem],
        key: &str,
        setting: Cursor<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// Records `key` as handed over without an outbox (a courier that delivers elsewhere);
    /// `false` when it was already recorded.
    async fn delivery_claim(&self, key: &str, now: DateTime<Utc>) -> StoreResult<bool>;
    /// Forgets delivery keys recorded before `before`; returns how many.
    async fn purge_deliveries(&self, before: DateTime<Utc>) -> StoreResult<u64>;
    /// Messages still to send on a channel with an id above `after`, oldest first.
    async fn outbox_pending(&self, channel: &str, after: i64, limit: i64) -> StoreResult<Vec<OutboxItem>>;
    /// What waits in every channel's outbox, by channel.
    async fn outbox_depth(&self) -> StoreResult<Vec<OutboxDepth>>;
    /// A message was delivered: it leaves the outbox.
    async fn outbox_delivered(&self, id: i64) -> StoreResult<()>;
    /// A message is about to leave: marked, so that a process stopping before the answer is
    /// recorded leaves it [`OutboxItem::in_doubt`] (for bulk messages, never sent twice).
    /// `false` when the message is no longer in the outbox (an announcement cancelled or
    /// corrected took it back): then it must not be sent.
    async fn outbox_sending(&self, id: i64, now: DateTime<Utc>) -> StoreResult<bool>;
    /// A delivery attempt failed and will be tried again (the network answered: no doubt is
    /// left, the mark of [`Self::outbox_sending`] is cleared).
    async fn outbox_attempt_failed(&self, id: i64, attempts: i64, error: &str) -> StoreResult<()>;
    /// A message can never be delivered: it stays, marked, for operators, and is not sent.
    async fn outbox_undeliverable(&self, id: i64, error: &str, now: DateTime<Utc>) -> StoreResult<()>;

    // Button payloads longer than a network allows.

    /// A short number standing for a payload; the same payload always gets the same number.
    async fn button_token(&self, payload: &str, now: DateTime<Utc>) -> StoreResult<i64>;
    async fn button_payload(&self, token: i64) -> StoreResult<Option<String>>;

    // Receipts of handled updates.

    /// The outcome an update was answered with, if it was handled already.
    async fn receipt(&self, key: &str) -> StoreResult<Option<String>>;
    /// Records how an update was answered; a second write of the same key keeps the first.
    async fn receipt_put(&self, key: &str, person: PersonId, outcome: &str, now: DateTime<Utc>) -> StoreResult<()>;
    /// Forgets receipts older than `before`; how many.
    async fn receipts_purge(&self, before: DateTime<Utc>) -> StoreResult<u64>;
}
