//! Couriers: replies Vicinato sends on its own initiative (reminders, decisions), delivered on
//! the network a person uses. The core names no network: each transport implements
//! [`Courier`] for its own, and [`Couriers`] picks the one that reaches a person. Couriers also
//! carry out moderation in rooms ([`Courier::act`]: restrict, ban, unban, kick, delete, and
//! decide join requests), say which administrator rights the bot lacks in a group, make
//! personal invite links, and post in a room (a moderators room), so the chat layer names no
//! network.

use crate::Reply;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use std::sync::{Arc, Mutex};
use vicinato_domain::rooms::RoomAction;
use vicinato_domain::{Account, Lang, Network, Person, Recipient, RoomCopy};

/// How a courier took an announcement copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handover {
    /// Into the bot's bulk lane: its transport records how it goes (sent with the network's
    /// message id, blocked, unreachable, failed), so the copy is `sending` until then.
    Lane,
    /// Handed over with nothing more to learn: the copy counts as sent now.
    Done,
    /// The network cannot take it, for good (it cannot edit messages), with why.
    Refused(&'static str),
}

/// Why a message could not be handed over for delivery.
#[derive(Debug, thiserror::Error)]
pub enum CourierError {
    /// No courier can reach any of the person's accounts.
    #[error("no courier reaches person {0}")]
    Unreachable(String),
    #[error(transparent)]
    Failed(#[from] anyhow::Error),
}

/// Hands replies to one network for delivery to one account's private chat.
#[async_trait]
pub trait Courier: Send + Sync + 'static {
    fn network(&self) -> Network;
    /// The bot it sends through (`telegram:vicinato`); people are reached through the bot they
    /// last wrote to when a network has several.
    fn channel(&self) -> &str;
    /// Queues a reply for the account; it is sent by the transport (and kept if it cannot be
    /// sent yet). With a key `once`, a reply is queued at most once per key, ever (the key is
    /// kept in the store with the queued message): `Ok(false)` when it already was.
    async fn deliver(
        &self,
        account: &Account,
        lang: Lang,
        reply: &Reply,
        once: Option<&str>,
        now: DateTime<Utc>,
    ) -> anyhow::Result<bool>;

    /// Queues an announcement copy for its recipient's chat, once per copy (under the copy's
    /// delivery key). A courier whose transport records how each copy went says
    /// [`Handover::Lane`]; by default the copy is handed over like any reply.
    async fn deliver_copy(&self, copy: &Recipient, reply: &Reply, now: DateTime<Utc>) -> anyhow::Result<Handover> {
        let account = Account::new(copy.network, copy.chat.clone());
        self.deliver(&account, copy.lang, reply, Some(&copy.delivery_key()), now).await?;
        Ok(Handover::Done)
    }

    /// Queues many announcement copies, each as [`Self::deliver_copy`] would, the handover of
    /// each in order. A courier with an outbox writes the whole batch in one transaction; by
    /// default they go one after the other.
    async fn deliver_copies(&self, copies: &[(Recipient, Reply)], now: DateTime<Utc>) -> anyhow::Result<Vec<Handover>> {
        let mut handed = Vec::with_capacity(copies.len());
        for (copy, reply) in copies {
            handed.push(self.deliver_copy(copy, reply, now).await?);
        }
        Ok(handed)
    }

    /// Queues the edit of an announcement copy already sent (its network message id is in
    /// `copy.message_id`) to the text of correction `correction`, once per copy and correction
    /// (under [`Recipient::edit_key`]). A courier whose transport records how each edit went
    /// says [`Handover::Lane`]. Networks that cannot edit say [`Handover::Refused`] (the edit is
    /// recorded failed); an error is worth a retry.
    async fn deliver_edit(
        &self,
        _copy: &Recipient,
        _correction: u32,
        _reply: &Reply,
        _now: DateTime<Utc>,
    ) -> anyhow::Result<Handover> {
        Ok(Handover::Refused("this network cannot edit a message"))
    }

    /// Queues an announcement's copy for a linked room (a group), once per copy (under
    /// [`RoomCopy::delivery_key`]). A network without rooms refuses it.
    async fn deliver_room_copy(
        &self,
        _copy: &RoomCopy,
        _reply: &Reply,
        _now: DateTime<Utc>,
    ) -> anyhow::Result<Handover> {
        Ok(Handover::Refused("this network has no rooms"))
    }

    /// Queues the edit of a room's copy already sent to the text of `correction`, once per
    /// copy and correction (under [`RoomCopy::edit_key`]).
    async fn deliver_room_edit(
        &self,
        _copy: &RoomCopy,
        _correction: u32,
        _reply: &Reply,
        _now: DateTime<Utc>,
    ) -> anyhow::Result<Handover> {
        Ok(Handover::Refused("this network cannot edit a message"))
    }

    /// Carries out a moderation action in a room of this network. Doing it again does no harm
    /// (restricting the restricted, unbanning only the banned). Networks without rooms refuse.
    async fn act(&self, action: &RoomAction) -> anyhow::Result<()> {
        anyhow::bail!("{} takes no room actions (asked to act in chat {})", self.network(), action.chat_id)
    }

    /// The administrator rights the bot needs in a group of this network and lacks, by the
    /// network's own names (`can_restrict_members`, …).
    async fn missing_rights(&self, _chat_id: &str) -> anyhow::Result<Vec<String>> {
        Ok(Vec::new())
    }

    /// A personal link to ask to join a room of this network, expiring at `expires`, its name
    /// saying who it is for; `None` where rooms are joined otherwise (an invitation).
    async fn invite_link(
        &self,
        _chat_id: &str,
        _name: &str,
        _expires: DateTime<Utc>,
    ) -> anyhow::Result<Option<String>> {
        Ok(None)
    }

    /// The rooms within a room of this network (a Matrix Space's children), linked and
    /// unlinked with it; none by default.
    async fn rooms_within(&self, _chat_id: &str) -> anyhow::Result<Vec<String>> {
        Ok(Vec::new())
    }

    /// Whether people join rooms of this network by an invitation the bot sends once they
    /// answered the questions (Matrix), rather than by a personal link that asks to join.
    fn invites_to_rooms(&self) -> bool {
        false
    }

    /// Queues a reply in a room of this network (a moderators room), sent like any other.
    async fn post_in(&self, chat_id: &str, _lang: Lang, _reply: &Reply, _now: DateTime<Utc>) -> anyhow::Result<()> {
        anyhow::bail!("{} cannot post in rooms (asked to post in chat {chat_id})", self.network())
    }
}

/// Puts a courier's messages in a channel's outbox, once per key when there is one: `false`
/// when the key was already used and nothing was added.
pub async fn queue(
    store: &dyn vicinato_store::Store,
    channel: &str,
    items: &[vicinato_store::NewOutboxItem],
    once: Option<&str>,
    now: DateTime<Utc>,
) -> vicinato_store::StoreResult<bool> {
    match once {
        Some(key) => store.outbox_push_once(channel, items, key, now).await,
        None => store.outbox_push(channel, items, None, now).await.map(|()| true),
    }
}

/// One bot's share of a batch of copies: its courier, where each copy stood in the batch,
/// and the copies with their replies.
type BotBatch = (Arc<dyn Courier>, Vec<usize>, Vec<(Recipient, Reply)>);

/// Every courier this process has, one per bot.
#[derive(Clone, Default)]
pub struct Couriers {
    couriers: Vec<Arc<dyn Courier>>,
    /// Where to read which bot an account last wrote to.
    store: Option<Arc<dyn vicinato_store::Store>>,
}

impl Couriers {
    /// Adds a bot's courier (replacing one of the same channel).
    pub fn add(&mut self, courier: Arc<dyn Courier>) {
        self.couriers.retain(|c| c.channel() != courier.channel());
        self.couriers.push(courier);
    }

    /// The channels of the couriers, in the order they were added, with their network.
    pub fn channels(&self) -> Vec<(Network, String)> {
        self.couriers.iter().map(|c| (c.network(), c.channel().to_owned())).collect()
    }

    /// Reads from this store which bot each account last wrote to.
    pub fn with_store(mut self, store: Arc<dyn vicinato_store::Store>) -> Self {
        self.store = Some(store);
        self
    }

    /// The courier for an account: the bot it last wrote to, else the network's first. When
    /// the store cannot say which bot that was, the error is the caller's (a job retries it)
    /// rather than a guess through a bot the person may never have written to.
    async fn courier_for(&self, account: &Account) -> Result<Option<Arc<dyn Courier>>, CourierError> {
        let mut of_network: Vec<Arc<dyn Courier>> = Vec::new();
        for c in &self.couriers {
            if c.network() == account.network {
                of_network.push(c.clone());
            }
        }
        let Some(first) = of_network.first().cloned() else {
            return Ok(None);
        };
        if of_network.len() > 1
            && let Some(store) = &self.store
        {
            let channel = store.account_channel(account).await.map_err(|e| {
                CourierError::Failed(anyhow::Error::new(e).context("cannot read which bot the account uses"))
            })?;
            if let Some(channel) = channel
                && let Some(c) = of_network.into_iter().find(|c| c.channel() == channel)
            {
                return Ok(Some(c));
            }
        }
        Ok(Some(first))
    }

    /// The courier that acts in rooms of a network (its first bot).
    fn for_network(&self, network: Network) -> Option<&Arc<dyn Courier>> {
        self.couriers.iter().find(|c| c.network() == network)
    }

    /// The courier of the bot a copy was assigned, or the network's first bot when that one is
    /// not in this process.
    fn courier_of(&self, copy: &Recipient) -> Result<&Arc<dyn Courier>, CourierError> {
        self.couriers
            .iter()
            .find(|c| c.channel() == copy.channel)
            .or_else(|| self.for_network(copy.network))
            .ok_or_else(|| CourierError::Unreachable(copy.person.to_string()))
    }

    /// Hands an announcement copy to the bot its recipient was assigned (its `channel`), or
    /// to the network's first bot when that one is not in this process.
    pub async fn deliver_copy(
        &self,
        copy: &Recipient,
        reply: &Reply,
        now: DateTime<Utc>,
    ) -> Result<Handover, CourierError> {
        self.courier_of(copy)?.deliver_copy(copy, reply, now).await.map_err(CourierError::Failed)
    }

    /// Hands many copies over as [`Self::deliver_copy`] does one, a batch per bot: how each
    /// went, in order. A bot's batch that failed fails each of its copies with the error.
    pub async fn deliver_copies(
        &self,
        copies: Vec<(Recipient, Reply)>,
        now: DateTime<Utc>,
    ) -> Vec<Result<Handover, CourierError>> {
        let mut out: Vec<Option<Result<Handover, CourierError>>> = (0..copies.len()).map(|_| None).collect();
        let mut per_bot: Vec<BotBatch> = Vec::new();
        for (i, (copy, reply)) in copies.into_iter().enumerate() {
            let courier = match self.courier_of(&copy) {
                Ok(c) => c.clone(),
                Err(e) => {
                    out[i] = Some(Err(e));
                    continue;
                }
            };
            match per_bot.iter_mut().find(|(c, _, _)| c.channel() == courier.channel()) {
                Some((_, at, batch)) => {
                    at.push(i);
                    batch.push((copy, reply));
                }
                None => per_bot.push((courier, vec![i], vec![(copy, reply)])),
            }
        }
        for (courier, at, batch) in per_bot {
            match courier.deliver_copies(&batch, now).await {
                Ok(handed) if handed.len() == at.len() => {
                    for (i, h) in at.into_iter().zip(handed) {
                        out[i] = Some(Ok(h));
                    }
                }
                Ok(_) => {
                    for i in at {
                        out[i] = Some(Err(CourierError::Failed(anyhow::anyhow!("a courier lost part of a batch"))));
                    }
                }
                Err(e) => {
                    let why = format!("{e:#}");
                    for i in at {
                        out[i] = Some(Err(CourierError::Failed(anyhow::anyhow!("{why}"))));
                    }
                }
            }
        }
        out.into_iter()
            .map(|o| o.unwrap_or_else(|| Err(CourierError::Failed(anyhow::anyhow!("a copy was not handed over")))))
            .collect()
    }

    /// Hands the edit of a copy to the bot it was sent through (or the network's first bot).
    pub async fn deliver_edit(
        &self,
        copy: &Recipient,
        correction: u32,
        reply: &Reply,
        now: DateTime<Utc>,
    ) -> Result<Handover, CourierError> {
        self.courier_of(copy)?.deliver_edit(copy, correction, reply, now).await.map_err(CourierError::Failed)
    }

    /// The courier of the bot a room copy was assigned, or its network's first bot.
    fn courier_of_room(&self, copy: &RoomCopy) -> Result<&Arc<dyn Courier>, CourierError> {
        self.couriers
            .iter()
            .find(|c| c.channel() == copy.channel)
            .or_else(|| self.for_network(copy.network))
            .ok_or_else(|| CourierError::Unreachable(format!("room {}", copy.chat)))
    }

    /// Hands a room's copy to the bot it was assigned (or its network's first bot).
    pub async fn deliver_room_copy(
        &self,
        copy: &RoomCopy,
        reply: &Reply,
        now: DateTime<Utc>,
    ) -> Result<Handover, CourierError> {
        self.courier_of_room(copy)?.deliver_room_copy(copy, reply, now).await.map_err(CourierError::Failed)
    }

    /// Hands the edit of a room's copy to the bot it was sent through.
    pub async fn deliver_room_edit(
        &self,
        copy: &RoomCopy,
        correction: u32,
        reply: &Reply,
        now: DateTime<Utc>,
    ) -> Result<Handover, CourierError> {
        self.courier_of_room(copy)?.deliver_room_edit(copy, correction, reply, now).await.map_err(CourierError::Failed)
    }

    /// Carries out a moderation action on its network.
    pub async fn act(&self, action: &RoomAction) -> Result<(), CourierError> {
        match self.for_network(action.network) {
            Some(c) => c.act(action).await.map_err(CourierError::Failed),
            None => Err(CourierError::Unreachable(format!("{}:{}", action.network, action.chat_id))),
        }
    }

    /// The rights the bot lacks in a group; none known without a courier for the network.
    pub async fn missing_rights(&self, network: Network, chat_id: &str) -> Result<Vec<String>, CourierError> {
        match self.for_network(network) {
            Some(c) => c.missing_rights(chat_id).await.map_err(CourierError::Failed),
            None => Ok(Vec::new()),
        }
    }

    /// A personal link to ask to join a room; `None` where the network has none.
    pub async fn invite_link(
        &self,
        network: Network,
        chat_id: &str,
        name: &str,
        expires: DateTime<Utc>,
    ) -> Result<Option<String>, CourierError> {
        match self.for_network(network) {
            Some(c) => c.invite_link(chat_id, name, expires).await.map_err(CourierError::Failed),
            None => Ok(None),
        }
    }

    /// The rooms within a room (a Space's children); none without a courier for the network.
    pub async fn rooms_within(&self, network: Network, chat_id: &str) -> Result<Vec<String>, CourierError> {
        match self.for_network(network) {
            Some(c) => c.rooms_within(chat_id).await.map_err(CourierError::Failed),
            None => Ok(Vec::new()),
        }
    }

    /// Whether rooms of a network are joined by the bot's invitation.
    pub fn invites_to_rooms(&self, network: Network) -> bool {
        self.for_network(network).is_some_and(|c| c.invites_to_rooms())
    }

    /// Queues a reply in a room.
    pub async fn post_in(
        &self,
        network: Network,
        chat_id: &str,
        lang: Lang,
        reply: &Reply,
        now: DateTime<Utc>,
    ) -> Result<(), CourierError> {
        match self.for_network(network) {
            Some(c) => c.post_in(chat_id, lang, reply, now).await.map_err(CourierError::Failed),
            None => Err(CourierError::Unreachable(format!("{network}:{chat_id}"))),
        }
    }

    /// Delivers to the first of the person's accounts that a courier reaches.
    pub async fn deliver(
        &self,
        person: &Person,
        lang: Lang,
        reply: &Reply,
        now: DateTime<Utc>,
    ) -> Result<Account, CourierError> {
        let (account, _) = self.deliver_once_inner(person, lang, reply, None, now).await?;
        Ok(account)
    }

    /// Delivers to the first of the person's accounts that a courier reaches, unless a reply
    /// was already handed over under `key` (a job run again after a crash, a fan-out resumed):
    /// `Ok(None)` then. The key is kept with the queued message, in one transaction.
    pub async fn deliver_once(
        &self,
        person: &Person,
        lang: Lang,
        reply: &Reply,
        key: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Account>, CourierError> {
        let (account, fresh) = self.deliver_once_inner(person, lang, reply, Some(key), now).await?;
        Ok(fresh.then_some(account))
    }

    async fn deliver_once_inner(
        &self,
        person: &Person,
        lang: Lang,
        reply: &Reply,
        key: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(Account, bool), CourierError> {
        for account in &person.accounts {
            if let Some(courier) = self.courier_for(account).await? {
                let fresh = courier.deliver(account, lang, reply, key, now).await?;
                return Ok((account.clone(), fresh));
            }
        }
        Err(CourierError::Unreachable(person.id.to_string()))
    }
}

/// A courier that keeps what it is given: for the console and for tests. Keys given with
/// `once` are remembered for the courier's life.
pub struct CapturingCourier {
    network: Network,
    channel: String,
    sent: Mutex<Vec<(Account, Lang, Reply)>>,
    keys: Mutex<std::collections::HashSet<String>>,
    acted: Mutex<Vec<RoomAction>>,
    lacking: Mutex<Vec<String>>,
}

impl CapturingCourier {
    pub fn new(network: Network) -> Arc<Self> {
        Self::for_channel(network, network.as_str())
    }

    /// A capturing courier standing for one bot of a network.
    pub fn for_channel(network: Network, channel: &str) -> Arc<Self> {
        Arc::new(Self {
            network,
            channel: channel.to_owned(),
            sent: Mutex::new(Vec::new()),
            keys: Mutex::new(Default::default()),
            acted: Mutex::new(Vec::new()),
            lacking: Mutex::new(Vec::new()),
        })
    }

    /// Takes the room actions carried out so far.
    pub fn take_actions(&self) -> Vec<RoomAction> {
        std::mem::take(&mut *self.acted.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// From now on, the bot lacks these rights in every group.
    pub fn lack_rights(&self, rights: &[&str]) {
        *self.lacking.lock().unwrap_or_else(|e| e.into_inner()) = rights.iter().map(|r| r.to_string()).collect();
    }

    /// Everything delivered so far, oldest first.
    pub fn sent(&self) -> Vec<(Account, Lang, Reply)> {
        self.sent.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Takes everything delivered so far.
    pub fn take(&self) -> Vec<(Account, Lang, Reply)> {
        std::mem::take(&mut *self.sent.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

#[async_trait]
impl Courier for CapturingCourier {
    fn network(&self) -> Network {
        self.network
    }

    fn channel(&self) -> &str {
        &self.channel
    }

    async fn deliver(
        &self,
        account: &Account,
        lang: Lang,
        reply: &Reply,
        once: Option<&str>,
        _now: DateTime<Utc>,
    ) -> anyhow::Result<bool> {
        if let Some(key) = once
            && !self.keys.lock().unwrap_or_else(|e| e.into_inner()).insert(key.to_owned())
        {
            return Ok(false);
        }
        self.sent.lock().unwrap_or_else(|e| e.into_inner()).push((account.clone(), lang, reply.clone()));
        Ok(true)
    }

    /// Kept like a message (the account is the copy's chat), once per edit key.
    async fn deliver_edit(
        &self,
        copy: &Recipient,
        correction: u32,
        reply: &Reply,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Handover> {
        let account = Account::new(copy.network, copy.chat.clone());
        self.deliver(&account, copy.lang, reply, Some(&copy.edit_key(correction)), now).await?;
        Ok(Handover::Done)
    }

    /// Kept like a message posted in the room, once per copy key.
    async fn deliver_room_copy(&self, copy: &RoomCopy, reply: &Reply, _now: DateTime<Utc>) -> anyhow::Result<Handover> {
        if self.keys.lock().unwrap_or_else(|e| e.into_inner()).insert(copy.delivery_key()) {
            let room = Account::new(self.network, copy.chat.clone());
            self.sent.lock().unwrap_or_else(|e| e.into_inner()).push((room, Lang::It, reply.clone()));
        }
        Ok(Handover::Done)
    }

    /// Kept like a message posted in the room, once per edit key.
    async fn deliver_room_edit(
        &self,
        copy: &RoomCopy,
        correction: u32,
        reply: &Reply,
        _now: DateTime<Utc>,
    ) -> anyhow::Result<Handover> {
        if self.keys.lock().unwrap_or_else(|e| e.into_inner()).insert(copy.edit_key(correction)) {
            let room = Account::new(self.network, copy.chat.clone());
            self.sent.lock().unwrap_or_else(|e| e.into_inner()).push((room, Lang::It, reply.clone()));
        }
        Ok(Handover::Done)
    }

    async fn act(&self, action: &RoomAction) -> anyhow::Result<()> {
        self.acted.lock().unwrap_or_else(|e| e.into_inner()).push(action.clone());
        Ok(())
    }

    async fn missing_rights(&self, _chat_id: &str) -> anyhow::Result<Vec<String>> {
        Ok(self.lacking.lock().unwrap_or_else(|e| e.into_inner()).clone())
    }

    async fn invite_link(&self, chat_id: &str, name: &str, _expires: DateTime<Utc>) -> anyhow::Result<Option<String>> {
        Ok(Some(format!("https://invite.test/{chat_id}/{}", name.replace([' ', '#'], ""))))
    }

    /// Kept with the room's chat id as the account.
    async fn post_in(&self, chat_id: &str, lang: Lang, reply: &Reply, _now: DateTime<Utc>) -> anyhow::Result<()> {
        let room = Account::new(self.network, chat_id.to_owned());
        self.sent.lock().unwrap_or_else(|e| e.into_inner()).push((room, lang, reply.clone()));
        Ok(())
    }
}
