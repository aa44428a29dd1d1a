//! Replies Vicinato sends on its own initiative (reminders), delivered on Matrix: in the
//! person's direct chat with the bot (opened, and the person invited, when there is none),
//! through the bot's outbox, so they survive a restart and are sent once.

use super::outbound::{self, MatrixOut};
use crate::conversation::{Engine, Outcome, Reply};
use crate::courier::Courier;
use crate::domain::{Account, Lang, Network};
use crate::store::NewOutboxItem;
use anyhow::Context;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use matrix_sdk::Client;
use matrix_sdk::ruma::UserId;
use std::sync::Arc;
use tokio::sync::Notify;

pub struct MatrixCourier {
    pub(super) engine: Arc<Engine>,
    pub(super) client: Client,
    pub(super) channel: String,
    pub(super) key: String,
    pub(super) wake: Arc<Notify>,
}

#[async_trait]
impl Courier for MatrixCourier {
    fn network(&self) -> Network {
        Network::Matrix
    }

    async fn deliver(&self, account: &Account, lang: Lang, reply: &Reply, now: DateTime<Utc>) -> anyhow::Result<()> {
        let user = UserId::parse(&account.external_id).with_context(|| format!("`{account}` is no Matrix user id"))?;
        let room = match self.client.get_dm_room(&user) {
            Some(room) => room,
            None => {
                self.client.create_dm(&user).await.with_context(|| format!("cannot open a direct chat with {user}"))?
            }
        };
        let outcome = Outcome { lang, replies: vec![reply.clone()] };
        let choose = self.engine.i18n().say(lang, "matrix-choose-number");
        let rendered = crate::conversation::render::merge(
            outcome.replies.iter().map(|r| self.engine.render(outcome.lang, r)).collect(),
        );
        let mut items = Vec::new();
        let mut choices = Vec::new();
        for r in &rendered {
            let (plain, html) = outbound::format(r, &choose);
            choices = r.buttons.iter().map(|b| b.payload.clone()).collect();
            let message = MatrixOut { room: room.room_id().to_string(), thread: None, plain, html };
            items.push(NewOutboxItem { chat: message.room.clone(), payload: serde_json::to_string(&message)? });
        }
        let store = self.engine.store();
        // A "1" in answer to a reminder presses its first button, as in a conversation.
        store
            .set_setting(
                &super::choices_key(&self.key, room.room_id().as_str(), user.as_str()),
                &serde_json::to_string(&choices)?,
            )
            .await?;
        store.outbox_push(&self.channel, &items, None, now).await?;
        self.wake.notify_one();
        Ok(())
    }
}
