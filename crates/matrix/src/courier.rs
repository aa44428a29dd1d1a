//! Replies Vicinato sends on its own initiative (reminders), delivered on Matrix: in the
//! person's direct chat with the bot (opened, and the person invited, when there is none),
//! through the bot's outbox, so they survive a restart and are sent once. Announcement copies
//! and their corrections (`m.replace` edits of the copy's event) go the same way, carrying the
//! copy they are, so the sender records each once the homeserver answered. It also carries out
//! moderation in rooms and says which power levels the bot lacks ([`super::rooms`]), names a
//! Space's rooms, and posts in a room (a moderators room) through the outbox.

use super::outbound::{self, CopyRef, MatrixOut};
use anyhow::Context;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use matrix_sdk::Client;
use matrix_sdk::ruma::UserId;
use std::sync::Arc;
use tokio::sync::Notify;
use vicinato_chat::courier::{Courier, Handover};
use vicinato_chat::{Engine, Outcome, Reply};
use vicinato_domain::rooms::RoomAction;
use vicinato_domain::{Account, Lang, Network, Recipient, RoomCopy};
use vicinato_store::Cursor;

pub struct MatrixCourier {
    pub(super) engine: Arc<Engine>,
    pub(super) client: Client,
    pub(super) channel: String,
    pub(super) key: String,
    pub(super) wake: Arc<Notify>,
    pub(super) direct: Arc<super::direct::DirectChats>,
    pub(super) moderator: super::rooms::Moderator,
}

impl MatrixCourier {
    /// The person's direct chat with the bot, opened when there is none.
    async fn direct_room(&self, user_id: &str) -> anyhow::Result<matrix_sdk::Room> {
        let user = UserId::parse(user_id).with_context(|| format!("`{user_id}` is no Matrix user id"))?;
        self.direct.find(&self.client, self.engine.store().as_ref(), &user).await
    }

    /// A copy's text as one message for its room (a copy has no buttons), carrying the copy.
    fn copy_message(&self, room: &str, lang: Lang, reply: &Reply, reference: CopyRef) -> MatrixOut {
        let outcome = Outcome { lang, replies: vec![reply.clone()] };
        let (mut plain, mut html) = (Vec::new(), Vec::new());
        for laid in outbound::lay_out(&self.engine, &outcome) {
            plain.push(laid.plain);
            html.push(laid.html);
        }
        MatrixOut {
            room: room.to_owned(),
            plain: plain.join("\n\n"),
            html: html.join("<br><br>"),
            copy: Some(reference),
            ..Default::default()
        }
    }

    /// Queues one message once under `key`, waking the sender.
    async fn queue_once(&self, item: MatrixOut, account: &str, key: &str, now: DateTime<Utc>) -> anyhow::Result<()> {
        let items = [item.to_item().for_account(Some(account))];
        if vicinato_chat::courier::queue(self.engine.store().as_ref(), &self.channel, &items, Some(key), now).await? {
            self.wake.notify_one();
        }
        Ok(())
    }
}

#[async_trait]
impl Courier for MatrixCourier {
    fn network(&self) -> Network {
        Network::Matrix
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
        now: DateTime<Utc>,
    ) -> anyhow::Result<bool> {
        let user = UserId::parse(&account.external_id).with_context(|| format!("`{account}` is no Matrix user id"))?;
        let room = self.direct_room(user.as_str()).await?;
        let outcome = Outcome { lang, replies: vec![reply.clone()] };
        let mut items = Vec::new();
        let mut choices = Vec::new();
        for laid in outbound::lay_out(&self.engine, &outcome) {
            let id = room.room_id().to_string();
            let attached = MatrixOut::attached(&id, &laid);
            choices = laid.choices;
            items.push(
                MatrixOut {
                    room: id,
                    thread: None,
                    plain: laid.plain,
                    html: laid.html,
                    file: None,
                    image: None,
                    ..Default::default()
                }
                .to_item(),
            );
            items.extend(attached);
        }
        let items: Vec<_> = items.into_iter().map(|i| i.for_account(Some(&account.external_id))).collect();
        let store = self.engine.store();
        // A "1" in answer to the message presses its first button, as in a conversation: the
        // choices are written with the messages, in one transaction, so a retry after a
        // failure cannot find the messages queued and the choices lost.
        let key = super::choices_key(&self.key, room.room_id().as_str(), user.as_str());
        let value = serde_json::to_string(&choices)?;
        let setting = Cursor { key: &key, value: &value };
        let fresh = match once {
            Some(once) => store.outbox_push_once_setting(&self.channel, &items, once, setting, now).await?,
            None => {
                store.outbox_push(&self.channel, &items, Some(setting), now).await?;
                true
            }
        };
        if fresh {
            self.wake.notify_one();
        }
        Ok(fresh)
    }

    /// A copy goes to the person's direct chat through the sender, which records it with its
    /// event id once the homeserver answered.
    async fn deliver_copy(&self, copy: &Recipient, reply: &Reply, now: DateTime<Utc>) -> anyhow::Result<Handover> {
        let room = self.direct_room(&copy.chat).await?;
        let message = self.copy_message(room.room_id().as_str(), copy.lang, reply, CopyRef::of(copy));
        self.queue_once(message, &copy.chat, &copy.delivery_key(), now).await?;
        Ok(Handover::Lane)
    }

    /// An edit is an `m.replace` of the copy's event, in the room the copy was sent in (the
    /// person's direct chat at the time; for a copy recorded before rooms were kept, their
    /// direct chat now).
    async fn deliver_edit(
        &self,
        copy: &Recipient,
        correction: u32,
        reply: &Reply,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Handover> {
        let event = copy.message_id.clone().with_context(|| {
            format!("copy {} of announcement {} has no Matrix event id", copy.person, copy.announcement)
        })?;
        let room = match &copy.room {
            Some(room) => room.clone(),
            None => self.direct_room(&copy.chat).await?.room_id().to_string(),
        };
        let mut message = self.copy_message(&room, copy.lang, reply, CopyRef::edit(copy, correction));
        message.replaces = Some(event);
        self.queue_once(message, &copy.chat, &copy.edit_key(correction), now).await?;
        Ok(Handover::Lane)
    }

    /// A room's copy is a notice in the room itself, recorded with its event id.
    async fn deliver_room_copy(&self, copy: &RoomCopy, reply: &Reply, now: DateTime<Utc>) -> anyhow::Result<Handover> {
        let message = self.copy_message(&copy.chat, Lang::It, reply, CopyRef::of_room(copy));
        self.queue_once(message, &copy.chat, &copy.delivery_key(), now).await?;
        Ok(Handover::Lane)
    }

    /// A room copy's edit is an `m.replace` of its event in the room.
    async fn deliver_room_edit(
        &self,
        copy: &RoomCopy,
        correction: u32,
        reply: &Reply,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Handover> {
        let event = copy.message_id.clone().with_context(|| {
            format!("the copy of announcement {} in room {} has no Matrix event id", copy.announcement, copy.chat)
        })?;
        let mut message = self.copy_message(&copy.chat, Lang::It, reply, CopyRef::room_edit(copy, correction));
        message.replaces = Some(event);
        self.queue_once(message, &copy.chat, &copy.edit_key(correction), now).await?;
        Ok(Handover::Lane)
    }

    async fn act(&self, action: &RoomAction) -> anyhow::Result<()> {
        self.moderator.act(action).await.with_context(|| format!("a room action in {} failed", action.chat_id))
    }

    async fn missing_rights(&self, chat_id: &str) -> anyhow::Result<Vec<String>> {
        self.moderator.missing_rights(chat_id).await
    }

    async fn rooms_within(&self, chat_id: &str) -> anyhow::Result<Vec<String>> {
        self.moderator.rooms_within(chat_id).await
    }

    fn invites_to_rooms(&self) -> bool {
        true
    }

    async fn post_in(&self, chat_id: &str, lang: Lang, reply: &Reply, now: DateTime<Utc>) -> anyhow::Result<()> {
        let outcome = Outcome { lang, replies: vec![reply.clone()] };
        let mut items = Vec::new();
        for laid in outbound::lay_out(&self.engine, &outcome) {
            let attached = MatrixOut::attached(chat_id, &laid);
            items.push(
                MatrixOut {
                    room: chat_id.to_owned(),
                    thread: None,
                    plain: laid.plain,
                    html: laid.html,
                    file: None,
                    image: None,
                    copy: None,
                    replaces: None,
                }
                .to_item(),
            );
            items.extend(attached);
        }
        self.engine.store().outbox_push(&self.channel, &items, None, now).await?;
        self.wake.notify_one();
        Ok(())
    }
}
