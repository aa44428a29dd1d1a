//! Replies Vicinato sends on its own initiative (reminders), delivered on Telegram: composed
//! like any answer and put in the bot's outbox, so they keep Telegram's limits and survive a
//! restart. A person's private chat with the bot has their user id as its chat id.
//!
//! With the bot's API client ([`TelegramCourier::with_api`]) it also carries out moderation in
//! groups: `restrictChatMember` (with `until_date`), `banChatMember` (with `until_date`),
//! `unbanChatMember` (`only_if_banned`), `deleteMessage`, `approveChatJoinRequest` and
//! `declineChatJoinRequest`, makes personal invite links that ask to join
//! (`createChatInviteLink` with `creates_join_request`, a name saying who it is for, an
//! expiry), and reads its own rights there with `getChatMember`. These calls send no message,
//! so they do not count against the limits on messages; what it posts in a group (a report to
//! the moderators room) goes through the outbox like any message.

use super::inbound::Target;
use super::outbound;
use anyhow::Context;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use std::sync::Arc;
use teloxide::RequestError;
use teloxide::prelude::*;
use teloxide::types::{ChatMemberKind, ChatPermissions, MessageId};
use tokio::sync::Notify;
use vicinato_chat::courier::{Courier, Handover};
use vicinato_chat::{Engine, Outcome, Reply};
use vicinato_domain::rooms::{RoomAction, RoomActionKind};
use vicinato_domain::{Account, Lang, Network, Recipient, RoomCopy};

pub struct TelegramCourier {
    engine: Arc<Engine>,
    channel: String,
    wake: Arc<Notify>,
    /// The API client and the bot's own user id, for room actions.
    api: Option<(Bot, u64)>,
}

impl TelegramCourier {
    /// A courier for one bot: its outbox channel and the waker of its sender.
    pub fn new(engine: Arc<Engine>, channel: impl Into<String>, wake: Arc<Notify>) -> Self {
        Self { engine, channel: channel.into(), wake, api: None }
    }

    /// Lets the courier act in groups through this client, as the bot with this user id.
    pub fn with_api(mut self, bot: Bot, me: u64) -> Self {
        self.api = Some((bot, me));
        self
    }

    fn api(&self) -> anyhow::Result<&(Bot, u64)> {
        self.api.as_ref().context("this Telegram courier has no API client for room actions")
    }
}

/// A chat id and a user id as Telegram numbers.
fn ids(chat: &str, member: &str) -> anyhow::Result<(ChatId, UserId)> {
    let chat: i64 = chat.parse().with_context(|| format!("`{chat}` is no Telegram chat id"))?;
    let user: u64 = member.parse().with_context(|| format!("`{member}` is no Telegram user id"))?;
    Ok((ChatId(chat), UserId(user)))
}

/// Retries a call after a 429 (Telegram's `retry_after`) a few times.
async fn with_retry<T, F, Fut>(mut call: F) -> Result<T, RequestError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, RequestError>>,
{
    let mut tries = 0;
    loop {
        match call().await {
            Err(RequestError::RetryAfter(s)) if tries < 3 => {
                tries += 1;
                tokio::time::sleep(s.duration()).await;
            }
            other => return other,
        }
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

    /// A copy goes through the bulk lane of the bot's sender, which records it once Telegram
    /// answered (its last part carries the copy, when a long text is split).
    async fn deliver_copy(&self, copy: &Recipient, reply: &Reply, now: DateTime<Utc>) -> anyhow::Result<Handover> {
        let mut handed = self.deliver_copies(&[(copy.clone(), reply.clone())], now).await?;
        handed.pop().context("a copy was not handed over")
    }

    /// A batch of copies goes into the bulk lane in one outbox transaction, each once under
    /// its delivery key.
    async fn deliver_copies(&self, copies: &[(Recipient, Reply)], now: DateTime<Utc>) -> anyhow::Result<Vec<Handover>> {
        let mut batch = Vec::with_capacity(copies.len());
        for (copy, reply) in copies {
            let user: i64 = copy.chat.parse().with_context(|| format!("`{}` is no Telegram user id", copy.chat))?;
            let outcome = Outcome { lang: copy.lang, replies: vec![reply.clone()] };
            let target = Target { chat: user, thread: None };
            let mut messages = outbound::compose(&self.engine, &outcome, target, user, None, now).await;
            for m in &mut messages {
                m.bulk = true;
            }
            if let Some(last) = messages.last_mut() {
                last.copy = Some(outbound::CopyRef::of(copy));
            }
            let items: Vec<_> = messages.iter().map(|m| m.to_item().for_account(Some(&copy.chat))).collect();
            batch.push((copy.delivery_key(), items));
        }
        let fresh = self.engine.store().outbox_push_once_each(&self.channel, &batch, now).await?;
        if fresh.contains(&true) {
            self.wake.notify_one();
        }
        Ok(vec![Handover::Lane; copies.len()])
    }

    /// An edit goes through the bulk lane too, as `editMessageText` of the copy's message
    /// (a copy is one message: its text is kept short enough), recorded once Telegram answered.
    async fn deliver_edit(
        &self,
        copy: &Recipient,
        correction: u32,
        reply: &Reply,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Handover> {
        let user: i64 = copy.chat.parse().with_context(|| format!("`{}` is no Telegram user id", copy.chat))?;
        let message_id: i32 = copy.message_id.as_deref().and_then(|m| m.parse().ok()).with_context(|| {
            format!("copy {} of announcement {} has no Telegram message id", copy.person, copy.announcement)
        })?;
        let outcome = Outcome { lang: copy.lang, replies: vec![reply.clone()] };
        let target = Target { chat: user, thread: None };
        let messages = outbound::compose(&self.engine, &outcome, target, user, None, now).await;
        let mut edit = messages.into_iter().next().context("a correction with no text")?;
        edit.edit = Some(message_id);
        edit.keyboard.clear();
        edit.bulk = true;
        edit.copy = Some(outbound::CopyRef::edit(copy, correction));
        let item = edit.to_item().for_account(Some(&copy.chat));
        let store = self.engine.store();
        let key = copy.edit_key(correction);
        if vicinato_chat::courier::queue(store.as_ref(), &self.channel, &[item], Some(&key), now).await? {
            self.wake.notify_one();
        }
        Ok(Handover::Lane)
    }

    /// A room's copy goes through the bulk lane into the group (the sender keeps Telegram's
    /// 20 messages a minute per group), recorded once Telegram answered.
    async fn deliver_room_copy(&self, copy: &RoomCopy, reply: &Reply, now: DateTime<Utc>) -> anyhow::Result<Handover> {
        let chat: i64 = copy.chat.parse().with_context(|| format!("`{}` is no Telegram chat id", copy.chat))?;
        let outcome = Outcome { lang: Lang::It, replies: vec![reply.clone()] };
        let target = Target { chat, thread: None };
        let mut messages = outbound::compose(&self.engine, &outcome, target, chat, None, now).await;
        for m in &mut messages {
            m.bulk = true;
        }
        if let Some(last) = messages.last_mut() {
            last.copy = Some(outbound::CopyRef::of_room(copy));
        }
        let items: Vec<_> = messages.iter().map(|m| m.to_item()).collect();
        let key = copy.delivery_key();
        if vicinato_chat::courier::queue(self.engine.store().as_ref(), &self.channel, &items, Some(&key), now).await? {
            self.wake.notify_one();
        }
        Ok(Handover::Lane)
    }

    /// A room copy's edit is `editMessageText` of its message in the group.
    async fn deliver_room_edit(
        &self,
        copy: &RoomCopy,
        correction: u32,
        reply: &Reply,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Handover> {
        let chat: i64 = copy.chat.parse().with_context(|| format!("`{}` is no Telegram chat id", copy.chat))?;
        let message_id: i32 = copy.message_id.as_deref().and_then(|m| m.parse().ok()).with_context(|| {
            format!("the copy of announcement {} in chat {} has no Telegram message id", copy.announcement, copy.chat)
        })?;
        let outcome = Outcome { lang: Lang::It, replies: vec![reply.clone()] };
        let messages = outbound::compose(&self.engine, &outcome, Target { chat, thread: None }, chat, None, now).await;
        let mut edit = messages.into_iter().next().context("a correction with no text")?;
        edit.edit = Some(message_id);
        edit.keyboard.clear();
        edit.bulk = true;
        edit.copy = Some(outbound::CopyRef::room_edit(copy, correction));
        let key = copy.edit_key(correction);
        if vicinato_chat::courier::queue(
            self.engine.store().as_ref(),
            &self.channel,
            &[edit.to_item()],
            Some(&key),
            now,
        )
        .await?
        {
            self.wake.notify_one();
        }
        Ok(Handover::Lane)
    }

    async fn act(&self, action: &RoomAction) -> anyhow::Result<()> {
        let (bot, _) = self.api()?;
        let (chat, user) = ids(&action.chat_id, &action.member)?;
        let done = match &action.kind {
            RoomActionKind::Restrict { until } => with_retry(|| {
                let mut req = bot.restrict_chat_member(chat, user, ChatPermissions::empty());
                if let Some(u) = until {
                    req = req.until_date(*u);
                }
                req.send()
            })
            .await
            .map(drop),
            RoomActionKind::Unrestrict => {
                with_retry(|| bot.restrict_chat_member(chat, user, ChatPermissions::all()).send()).await.map(drop)
            }
            RoomActionKind::Ban { until } => with_retry(|| {
                let mut req = bot.ban_chat_member(chat, user);
                if let Some(u) = until {
                    req = req.until_date(*u);
                }
                req.send()
            })
            .await
            .map(drop),
            RoomActionKind::Unban => {
                with_retry(|| bot.unban_chat_member(chat, user).only_if_banned(true).send()).await.map(drop)
            }
            RoomActionKind::Kick => {
                // Telegram removes a member by a ban; lifting it at once lets them come back.
                match with_retry(|| bot.ban_chat_member(chat, user).send()).await {
                    Ok(_) => {
                        with_retry(|| bot.unban_chat_member(chat, user).only_if_banned(true).send()).await.map(drop)
                    }
                    Err(e) => Err(e),
                }
            }
            RoomActionKind::Delete { message_id } => {
                let id: i32 = message_id.parse().with_context(|| format!("`{message_id}` is no message id"))?;
                with_retry(|| bot.delete_message(chat, MessageId(id)).send()).await.map(drop)
            }
            RoomActionKind::ApproveJoin => {
                with_retry(|| bot.approve_chat_join_request(chat, user).send()).await.map(drop)
            }
            RoomActionKind::DeclineJoin => {
                with_retry(|| bot.decline_chat_join_request(chat, user).send()).await.map(drop)
            }
        };
        done.with_context(|| format!("Telegram refused a room action in chat {}", action.chat_id))
    }

    async fn invite_link(&self, chat_id: &str, name: &str, expires: DateTime<Utc>) -> anyhow::Result<Option<String>> {
        let (bot, _) = self.api()?;
        let chat: i64 = chat_id.parse().with_context(|| format!("`{chat_id}` is no Telegram chat id"))?;
        // Telegram keeps at most 32 characters of a link's name.
        let name: String = name.chars().take(32).collect();
        let link = with_retry(|| {
            bot.create_chat_invite_link(ChatId(chat))
                .name(name.clone())
                .expire_date(expires)
                .creates_join_request(true)
                .send()
        })
        .await
        .with_context(|| format!("createChatInviteLink in chat {chat_id}"))?;
        Ok(Some(link.invite_link))
    }

    async fn post_in(&self, chat_id: &str, lang: Lang, reply: &Reply, now: DateTime<Utc>) -> anyhow::Result<()> {
        let chat: i64 = chat_id.parse().with_context(|| format!("`{chat_id}` is no Telegram chat id"))?;
        let outcome = Outcome { lang, replies: vec![reply.clone()] };
        let messages = outbound::compose(&self.engine, &outcome, Target { chat, thread: None }, chat, None, now).await;
        let items: Vec<_> = messages.iter().map(|m| m.to_item()).collect();
        vicinato_chat::courier::queue(self.engine.store().as_ref(), &self.channel, &items, None, now).await?;
        self.wake.notify_one();
        Ok(())
    }

    async fn missing_rights(&self, chat_id: &str) -> anyhow::Result<Vec<String>> {
        let (bot, me) = self.api()?;
        let (chat, me) = ids(chat_id, &me.to_string())?;
        let member = with_retry(|| bot.get_chat_member(chat, me).send()).await.context("getChatMember on the bot")?;
        let all = ["can_restrict_members", "can_invite_users", "can_delete_messages"];
        Ok(match member.kind {
            ChatMemberKind::Owner(_) => Vec::new(),
            ChatMemberKind::Administrator(a) => {
                let held = [a.can_restrict_members, a.can_invite_users, a.can_delete_messages];
                all.iter().zip(held).filter(|(_, h)| !h).map(|(n, _)| n.to_string()).collect()
            }
            _ => all.iter().map(|n| n.to_string()).collect(),
        })
    }
}
