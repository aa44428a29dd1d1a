//! Replies Vicinato sends on its own initiative (reminders), delivered on Telegram: composed
//! like any answer and put in the bot's outbox, so they keep Telegram's limits and survive a
//! restart. A person's private chat with the bot has their user id as its chat id.

use super::inbound::Target;
use super::outbound;
use anyhow::Context;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use std::sync::Arc;
use tokio::sync::Notify;
use vicinato_chat::courier::Courier;
use vicinato_chat::{Engine, Outcome, Reply};
use vicinato_domain::{Account, Lang, Network};

pub struct TelegramCourier {
    engine: Arc<Engine>,
    channel: String,
    wake: Arc<Notify>,
}

impl TelegramCourier {
    /// A courier for one bot: its outbox channel and the waker of its sender.
    pub fn new(engine: Arc<Engine>, channel: impl Into<String>, wake: Arc<Notify>) -> Self {
        Self { engine, channel: channel.into(), wake }
    }
}

#[async_trait]
impl Courier for TelegramCourier {
    fn network(&self) -> Network {
        Network::Telegram
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
        let user: i64 = account.external_id.parse().with_context(|| format!("`{}` is no Telegram user id", account))?;
        let outcome = Outcome { lang, replies: vec![reply.clone()] };
        let target = Target { chat: user, thread: None };
        let messages = outbound::compose(&self.engine, &outcome, target, user, None, now).await;
        let items: Vec<_> = messages.iter().map(|m| m.to_item().for_account(Some(&account.external_id))).collect();
        let store = self.engine.store();
        let fresh = vicinato_chat::courier::queue(store.as_ref(), &self.channel, &items, once, now).await?;
        if fresh {
            self.wake.notify_one();
        }
        Ok(fresh)
    }
}
