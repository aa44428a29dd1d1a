//! Replies Vicinato sends on its own initiative (reminders), delivered on Matrix: in the
//! person's direct chat with the bot (opened, and the person invited, when there is none),
//! through the bot's outbox, so they survive a restart and are sent once. It also carries out
//! moderation in rooms and says which power levels the bot lacks ([`super::rooms`]), names a
//! Space's rooms, and posts in a room (a moderators room) through the outbox.

use super::outbound::{self, MatrixOut};
use anyhow::Context;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use matrix_sdk::Client;
use matrix_sdk::ruma::UserId;
use std::sync::Arc;
use tokio::sync::Notify;
use vicinato_chat::courier::Courier;
use vicinato_chat::{Engine, Outcome, Reply};
use vicinato_domain::rooms::RoomAction;
use vicinato_domain::{Account, Lang, Network};
use vicinato_store::Cursor;

pub struct MatrixCourier {
    pub(super) engine: Arc<Engine>,
    pub(super) client: Client,
    pub(super) channel: String,
    pub(super) key: String,
    pub(super) wake: Arc<Notify>,
    pub(super) moderator: super::rooms::Moderator,
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
        let room = match self.client.get_dm_room(&user) {
            Some(room) => room,
            None => {
                self.client.create_dm(&user).await.with_context(|| format!("cannot open a direct chat with {user}"))?
            }
        };
        let outcome = Outcome { lang, replies: vec![reply.clone()] };
        let mut items = Vec::new();
        let mut choices = Vec::new();
        for laid in outbound::lay_out(&self.engine, &outcome) {
            let id = room.room_id().to_string();
            let attached = MatrixOut::attached(&id, &laid);
            choices = laid.choices;
            items.push(
                MatrixOut { room: id, thread: None, plain: laid.plain, html: laid.html, file: None, image: None }
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
