//! The Telegram transport: one bot per profile, on the Bot API over HTTPS.
//!
//! Updates arrive by long polling (or a webhook) and are handled in batches: each chat's
//! updates in order, different chats at once. The replies of a batch and the batch's update
//! cursor are written to the store in one transaction, so after a crash or a restart no
//! update is handled twice and no reply is lost. The [`sender::Sender`] then drains the
//! outbox within Telegram's limits.
//!
//! Only this module (with `transport/*` in general) knows Telegram: its HTML, its keyboards
//! and its errors. The conversation layer sees [`vicinato_chat::Inbound`] messages.

pub mod courier;
pub mod html;
pub mod inbound;
pub mod outbound;
pub mod sender;
mod webhook;
pub use webhook::TelegramWebhook;

use anyhow::Context;
use inbound::{BotIdentity, Incoming};
use outbound::OutMessage;
use sender::{SendLimits, SendStats, Sender};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use teloxide::ApiError;
use teloxide::RequestError;
use teloxide::prelude::*;
use teloxide::types::{AllowedUpdate, BotCommand, CallbackQueryId, Update};
use tokio::sync::{Notify, watch};
use vicinato_chat::{Body, Engine};
use vicinato_core::Secret;
use vicinato_domain::Lang;
use vicinato_store::{Cursor, NewOutboxItem, StoreError};

/// Everything a Telegram bot needs to start.
#[derive(Debug, Clone)]
pub struct TelegramOptions {
    /// The bot's short name (its profile's file name), used for its outbox and cursor.
    pub key: String,
    pub token: Secret,
    /// The environment variable the token came from, to name in errors.
    pub token_env: String,
    pub api_url: String,
    pub webhook: Option<(TelegramWebhook, Secret)>,
    pub limits: SendLimits,
    /// How long one getUpdates call waits for news, in seconds.
    pub poll_timeout: u32,
    /// Tests only: die after handling a batch, before its replies and cursor are stored.
    #[doc(hidden)]
    pub crash_before_cursor: bool,
    /// Tests only: the sender stops dead once Telegram took this many bulk messages, before
    /// recording the last one (a failpoint between "sent" and "recorded").
    #[doc(hidden)]
    pub stop_sender_after_bulk: Option<u64>,
}

impl TelegramOptions {
    pub fn new(key: &str, token: Secret, token_env: &str, api_url: &str) -> Self {
        Self {
            key: key.to_owned(),
            token,
            token_env: token_env.to_owned(),
            api_url: api_url.to_owned(),
            webhook: None,
            limits: SendLimits::default(),
            poll_timeout: 10,
            crash_before_cursor: false,
            stop_sender_after_bulk: None,
        }
    }
}

/// The updates the bot asks for: messages, button presses and requests to join groups.
pub fn allowed_updates() -> Vec<AllowedUpdate> {
    vec![AllowedUpdate::Message, AllowedUpdate::CallbackQuery, AllowedUpdate::ChatJoinRequest]
}

/// Reads the updates of a getUpdates answer (the envelope or its `result` array) that teloxide
/// could not read as a whole: lone UTF-16 surrogates (`\ud800`), which Telegram may send and
/// Rust strings cannot hold, become U+FFFD, and an update that still cannot be read is left
/// out. Returns the updates read and the ids of those left out.
pub(crate) fn read_updates(text: &str) -> (Vec<Update>, Vec<u32>) {
    let clean = replace_lone_surrogates(text);
    let items = match serde_json::from_str::<serde_json::Value>(&clean) {
        Ok(serde_json::Value::Array(items)) => items,
        Ok(serde_json::Value::Object(mut envelope)) => match envelope.remove("result") {
            Some(serde_json::Value::Array(items)) => items,
            _ => return (Vec::new(), Vec::new()),
        },
        _ => return (Vec::new(), Vec::new()),
    };
    let mut read = Vec::new();
    let mut unreadable = Vec::new();
    for item in items {
        let id = item.get("update_id").and_then(serde_json::Value::as_u64).and_then(|i| u32::try_from(i).ok());
        // From text: teloxide reads the kind of an update by its key, which a `Value` reorders.
        match serde_json::from_str::<Update>(&item.to_string()) {
            Ok(update) => read.push(update),
            Err(_) => unreadable.extend(id),
        }
    }
    (read, unreadable)
}

/// Replaces every `\uXXXX` escape of a UTF-16 surrogate that is not part of a pair with
/// `\ufffd`. Backslashes occur only inside strings in JSON, so no string tracking is needed.
fn replace_lone_surrogates(json: &str) -> std::borrow::Cow<'_, str> {
    fn unit_at(b: &[u8], at: usize) -> Option<u16> {
        if b.get(at) != Some(&b'\\') || b.get(at + 1) != Some(&b'u') {
            return None;
        }
        let hex = std::str::from_utf8(b.get(at + 2..at + 6)?).ok()?;
        u16::from_str_radix(hex, 16).ok()
    }
    let b = json.as_bytes();
    if !json.contains("\\u") {
        return std::borrow::Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len());
    let mut i = 0;
    let mut copied = 0;
    while i < b.len() {
        if b[i] != b'\\' {
            i += 1;
            continue;
        }
        match unit_at(b, i) {
            Some(high @ 0xD800..=0xDBFF) if matches!(unit_at(b, i + 6), Some(0xDC00..=0xDFFF)) => {
                let _ = high;
                i += 12;
            }
            Some(0xD800..=0xDFFF) => {
                out.push_str(&json[copied..i]);
                out.push_str("\\ufffd");
                i += 6;
                copied = i;
            }
            // Any other escape: skip the backslash and the character it escapes.
            _ => i += 2,
        }
    }
    out.push_str(&json[copied.min(json.len())..]);
    std::borrow::Cow::Owned(out)
}

/// A connected Telegram bot.
pub struct TelegramBot {
    engine: Arc<Engine>,
    bot: Bot,
    me: BotIdentity,
    options: TelegramOptions,
    channel: String,
    cursor_key: String,
    wake: Arc<Notify>,
    stats: Arc<SendStats>,
    /// A test's failpoint: handling panics for the updates it picks.
    failpoint: Option<Failpoint>,
}

type Failpoint = Arc<dyn Fn(&vicinato_chat::Inbound) -> bool + Send + Sync>;

fn is_loopback(url: &url::Url) -> bool {
    matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]" | "::1"))
}

impl TelegramBot {
    /// Connects: checks the token with getMe and publishes the command menu. A refused token
    /// is an error naming the environment variable it came from (never the token).
    pub async fn connect(engine: Arc<Engine>, options: TelegramOptions) -> anyhow::Result<Self> {
        let api = url::Url::parse(&options.api_url)
            .with_context(|| format!("telegram.api_url `{}` is not a URL", options.api_url))?;
        let mut client = teloxide::net::default_reqwest_settings()
            .timeout(Duration::from_secs(u64::from(options.poll_timeout) + 20));
        if is_loopback(&api) {
            client = client.no_proxy();
        }
        let client = client.build().context("cannot build the HTTP client")?;
        let bot = Bot::with_client(options.token.expose(), client).set_api_url(api);
        let me = loop {
            match bot.get_me().await {
                Ok(me) => break me,
                Err(RequestError::Api(ApiError::InvalidToken)) => {
                    anyhow::bail!("Telegram refused the bot token in {}: check it with @BotFather", options.token_env);
                }
                Err(RequestError::RetryAfter(s)) => tokio::time::sleep(s.duration()).await,
                Err(e) => {
                    return Err(anyhow::anyhow!("cannot reach the Telegram Bot API at {}: {e}", options.api_url));
                }
            }
        };
        let me = BotIdentity { id: me.user.id.0, username: me.user.username.clone().unwrap_or_default() };
        let channel = format!("telegram:{}", options.key);
        let cursor_key = format!("telegram.{}.offset", options.key);
        let this = Self {
            engine,
            bot,
            me,
            options,
            channel,
            cursor_key,
            wake: Arc::new(Notify::new()),
            stats: Arc::new(SendStats::default()),
            failpoint: None,
        };
        this.publish_menu().await;
        Ok(this)
    }

    pub fn username(&self) -> &str {
        &self.me.username
    }

    pub fn stats(&self) -> Arc<SendStats> {
        self.stats.clone()
    }

    /// The outbox channel of this bot.
    pub fn channel(&self) -> &str {
        &self.channel
    }

    /// This bot's courier: what Vicinato sends on its own goes to its outbox, and room
    /// actions go through its API client.
    pub fn courier(&self) -> courier::TelegramCourier {
        courier::TelegramCourier::new(self.engine.clone(), self.channel.clone(), self.wake.clone())
            .with_api(self.bot.clone(), self.me.id)
    }

    /// Wakes the sender after messages were put in the outbox from outside.
    pub fn waker(&self) -> Arc<Notify> {
        self.wake.clone()
    }

    /// The command menu: the default one in the bot's language, and one per language
    /// Vicinato speaks. A failure is only logged.
    async fn publish_menu(&self) {
        let i18n = self.engine.i18n();
        let menu = |lang: Lang| -> Vec<BotCommand> {
            // The entries come from the module registry, for the modules this bot offers.
            vicinato_chat::registry::menu(|m| self.engine.offers_module(m), lang)
                .into_iter()
                .map(|(c, id)| BotCommand::new(c, i18n.say(lang, id)))
                .collect()
        };
        let mut menus = vec![(None, menu(self.engine.settings().default_lang))];
        menus.extend([Lang::It, Lang::En].map(|l| (Some(l), menu(l))));
        for (lang, commands) in menus {
            let mut req = self.bot.set_my_commands(commands);
            if let Some(l) = lang {
                req = req.language_code(l.code());
            }
            if let Err(e) = req.await {
                tracing::warn!(error = %e, "cannot publish the command menu");
            }
        }
    }

    /// Runs until `stop` turns true: the sender, and polling or the webhook.
    pub async fn run(self, stop: watch::Receiver<bool>) -> anyhow::Result<()> {
        self.run_until(stop.clone(), stop).await
    }

    /// Runs the sender, and polling or the webhook, stopped in two steps: no update is taken
    /// once `receiving` turns true, and the sender goes on until `sending` does (so what is
    /// on its way can be drained first). A receiving side that fails stops the sender too.
    pub async fn run_until(
        self,
        receiving: watch::Receiver<bool>,
        sending: watch::Receiver<bool>,
    ) -> anyhow::Result<()> {
        let (stop, until_sent) = (receiving, sending);
        let this = Arc::new(self);
        let sender = Sender {
            bot: this.bot.clone(),
            store: this.engine.store().clone(),
            channel: this.channel.clone(),
            limits: this.options.limits.clone(),
            wake: this.wake.clone(),
            stats: this.stats.clone(),
            stop_dead_after_bulk: this.options.stop_sender_after_bulk,
        };
        // The sender stops after the receiving side, whether it was asked to or failed.
        let (halt, halted) = watch::channel(false);
        let sending = tokio::spawn(sender.run(halted));
        let result = match this.options.webhook.clone() {
            Some((hook, secret)) => webhook::serve(this.clone(), hook, secret, stop).await,
            None => this.poll(stop).await,
        };
        if result.is_ok() {
            vicinato_core::until_true(until_sent).await;
        }
        let _ = halt.send(true);
        sending.await.ok();
        result
    }

    async fn stored_offset(&self) -> Result<i32, StoreError> {
        Ok(self.engine.store().setting(&self.cursor_key).await?.and_then(|v| v.parse().ok()).unwrap_or(0))
    }

    /// Long polling: asks for updates after the stored cursor, handles them, stores the new
    /// cursor with the replies, and asks again.
    async fn poll(&self, mut stop: watch::Receiver<bool>) -> anyhow::Result<()> {
        if let Ok(info) = self.bot.get_webhook_info().await
            && info.url.is_some()
        {
            self.bot.delete_webhook().await.context("cannot switch from webhook to polling")?;
        }
        let mut offset = self.stored_offset().await?;
        let mut failures = 0u32;
        tracing::info!(bot = %self.me.username, offset, "polling Telegram for updates");
        loop {
            if *stop.borrow() {
                return Ok(());
            }
            let request = self
                .bot
                .get_updates()
                .offset(offset)
                .timeout(self.options.poll_timeout)
                .allowed_updates(allowed_updates());
            // Once stopped, no update is taken, even one that arrives with the stop.
            let result = tokio::select! {
                biased;
                _ = stop.changed() => return Ok(()),
                r = request.send() => r,
            };
            let metrics = vicinato_core::metrics::global();
            metrics.set_connected("telegram", &self.options.key, result.is_ok());
            match result {
                Ok(updates) => {
                    failures = 0;
                    if let Some(last) = updates.last() {
                        let next = last.id.0 as i32 + 1;
                        self.handle_batch(updates, next, &mut stop).await;
                        offset = next;
                    }
                }
                Err(RequestError::RetryAfter(s)) => {
                    metrics.rate_limited.with(&["telegram", &self.options.key]).inc();
                    tokio::time::sleep(s.duration()).await
                }
                Err(RequestError::Api(ApiError::InvalidToken)) => {
                    anyhow::bail!("Telegram refused the bot token in {}", self.options.token_env);
                }
                // An answer teloxide cannot read (text with a lone UTF-16 surrogate, say) would
                // be asked for again forever: read what can be read, set the rest aside, and
                // move the cursor past all of it.
                Err(RequestError::InvalidJson { raw, .. })
                    if let (updates, unreadable) = read_updates(&raw)
                        && let Some(last) = updates.iter().map(|u| u.id.0).chain(unreadable.iter().copied()).max() =>
                {
                    failures = 0;
                    for id in unreadable {
                        self.set_aside(id, "the update cannot be read").await;
                    }
                    let next = last as i32 + 1;
                    self.handle_batch(updates, next, &mut stop).await;
                    offset = next;
                }
                Err(e) => {
                    failures += 1;
                    let wait = Duration::from_secs(1u64 << failures.min(5));
                    if matches!(e, RequestError::Api(ApiError::TerminatedByOtherGetUpdates)) {
                        tracing::error!("another process is polling with this bot's token; only one may");
                    } else {
                        tracing::warn!(error = %e, retry_in_s = wait.as_secs(), "getUpdates failed");
                    }
                    tokio::select! {
                        _ = tokio::time::sleep(wait) => {}
                        _ = stop.changed() => return Ok(()),
                    }
                }
            }
        }
    }

    /// Handles a batch of updates (each chat's in order, chats at once) and stores all their
    /// replies with the cursor `next` in one transaction, retrying the write until it holds.
    pub(crate) async fn handle_batch(&self, updates: Vec<Update>, next: i32, stop: &mut watch::Receiver<bool>) {
        let mut by_chat: HashMap<i64, Vec<(usize, u32, Incoming)>> = HashMap::new();
        // Who each update is from: their replies are theirs (erased with them).
        let mut senders: HashMap<usize, String> = HashMap::new();
        for (i, update) in updates.iter().enumerate() {
            // Reading an update cannot stop the bot either: a panic sets it aside.
            let read =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| inbound::from_update(update, &self.me)));
            match read {
                Ok(Some(mut incoming)) => {
                    incoming.inbound.channel = Some(self.channel.clone());
                    senders.insert(i, incoming.inbound.sender_id.clone());
                    by_chat.entry(incoming.target.chat).or_default().push((i, update.id.0, incoming));
                }
                Ok(None) => {}
                Err(panic) => self.set_aside(update.id.0, &vicinato_core::guard::summary(&*panic)).await,
            }
        }
        let lanes = by_chat.into_values().map(|lane| async move {
            let mut out = Vec::with_capacity(lane.len());
            let metrics = vicinato_core::metrics::global();
            let labels = ["telegram", self.options.key.as_str()];
            for (i, update, incoming) in lane {
                metrics.received.with(&labels).inc();
                let started = std::time::Instant::now();
                let replies = self.handle_guarded(update, incoming).await;
                metrics.reply_seconds.with(&labels).observe(started.elapsed().as_secs_f64());
                out.push((i, replies));
            }
            out
        });
        let mut answered: Vec<(usize, Vec<OutMessage>)> = futures::future::join_all(lanes).await.concat();
        answered.sort_by_key(|(i, _)| *i);
        let items: Vec<NewOutboxItem> = answered
            .iter()
            .flat_map(|(i, ms)| {
                let sender = senders.get(i).map(String::as_str);
                ms.iter().map(move |m| m.to_item().for_account(sender))
            })
            .collect();
        if self.options.crash_before_cursor {
            // A failpoint for tests: the process dies after handling, before the cursor.
            panic!("failpoint: crash between handling updates and storing their cursor");
        }
        let value = next.to_string();
        let mut wait = Duration::from_millis(200);
        loop {
            let cursor = Cursor { key: &self.cursor_key, value: &value };
            match self.engine.store().outbox_push(&self.channel, &items, Some(cursor), chrono::Utc::now()).await {
                Ok(()) => break,
                Err(e) => {
                    vicinato_core::metrics::global().error("store");
                    tracing::error!(error = %e, "cannot store replies; retrying before reading more updates");
                    tokio::select! {
                        _ = tokio::time::sleep(wait) => {}
                        _ = stop.changed() => return,
                    }
                    wait = (wait * 2).min(Duration::from_secs(10));
                }
            }
        }
        if !items.is_empty() {
            self.wake.notify_one();
        }
    }

    /// One update, guarded: a panic while handling it is logged with the update's id (never its
    /// text), the update is kept as a dead letter, and the person is told something went
    /// wrong. The cursor moves past it with the rest of the batch.
    async fn handle_guarded(&self, update: u32, incoming: Incoming) -> Vec<OutMessage> {
        let target = incoming.target;
        let press = incoming.press.clone();
        let sender: i64 = incoming.inbound.sender_id.parse().unwrap_or(target.chat);
        let lang = incoming.inbound.lang_hint.unwrap_or(self.engine.settings().default_lang);
        // Its answer is recorded under its id: a redelivery after a crash runs nothing twice.
        let key = format!("{}:{update}", self.channel);
        match vicinato_core::guard::catch(self.handle_one(incoming, &key)).await {
            Ok(out) => out,
            Err(error) => {
                self.set_aside(update, &error).await;
                let sorry = vicinato_chat::Outcome { lang, replies: vec![vicinato_chat::Reply::id("error-internal")] };
                outbound::compose(&self.engine, &sorry, target, sender, press.as_ref(), chrono::Utc::now()).await
            }
        }
    }

    /// Keeps an update that could not be handled as a dead letter for operators.
    async fn set_aside(&self, update: u32, error: &str) {
        tracing::error!(bot = %self.me.username, update, error, "an update could not be handled; kept as a dead letter");
        vicinato_core::metrics::global().error("dead_letter");
        let store = self.engine.store();
        if let Err(e) =
            store.dead_letter_add(&self.channel, &update.to_string(), "update", error, chrono::Utc::now()).await
        {
            tracing::error!(update, error = %e, "cannot keep a dead letter");
        }
    }

    /// Makes handling panic for the updates `when` picks: a failpoint for tests of the guard.
    #[doc(hidden)]
    pub fn fail_when(mut self, when: impl Fn(&vicinato_chat::Inbound) -> bool + Send + Sync + 'static) -> Self {
        self.failpoint = Some(Arc::new(when));
        self
    }

    /// One update: answers a button press at once (so no spinner stays), then lets the
    /// conversation handle it and lays the replies out as Telegram messages.
    async fn handle_one(&self, mut incoming: Incoming, key: &str) -> Vec<OutMessage> {
        let store = self.engine.store().as_ref();
        if let Some(press) = &incoming.press {
            self.answer_press(press.query_id.clone());
            if let Body::Button(data) = &incoming.inbound.body {
                match outbound::payload_of(store, incoming.target.chat, data).await {
                    Ok(Some(payload)) => incoming.inbound.body = Body::Button(payload),
                    Ok(None) => incoming.inbound.body = Body::Button(String::new()),
                    Err(e) => tracing::warn!(error = %e, "cannot read a stored button payload"),
                }
            }
        }
        if let Some(fail) = &self.failpoint
            && fail(&incoming.inbound)
        {
            panic!("failpoint: handling this update panics");
        }
        let sender: i64 = incoming.inbound.sender_id.parse().unwrap_or(incoming.target.chat);
        let target = incoming.target;
        let press = incoming.press.clone();
        let outcome = self.engine.handle_once(incoming.inbound, key).await;
        outbound::compose(&self.engine, &outcome, target, sender, press.as_ref(), chrono::Utc::now()).await
    }

    /// Answers a callback query in the background, honouring a 429's wait.
    fn answer_press(&self, id: String) {
        let bot = self.bot.clone();
        tokio::spawn(async move {
            for _ in 0..3 {
                match bot.answer_callback_query(CallbackQueryId(id.clone())).await {
                    Ok(_) => return,
                    Err(RequestError::RetryAfter(s)) => tokio::time::sleep(s.duration()).await,
                    Err(RequestError::Api(ApiError::InvalidQueryId)) => return,
                    Err(e) => {
                        tracing::debug!(error = %e, "cannot answer a button press");
                        tokio::time::sleep(Duration::from_millis(500)).await;
                    }
                }
            }
        });
    }
}
