//! The outbound queue of one Telegram bot. It drains the bot's outbox in the store and keeps
//! under Telegram's limits on its own (about 30 messages a second overall, one a second in a
//! chat, 20 a minute in a group), so Telegram never has to refuse. When Telegram still says
//! 429 it waits exactly `retry_after` for that chat; 5xx answers, timeouts and network errors
//! are retried with growing pauses; a person who blocked the bot is marked unreachable.
//!
//! A message leaves the outbox only once Telegram confirmed it, so a restart resends nothing
//! that was confirmed and loses nothing that was not. The one gap Telegram's API leaves open
//! is a send whose answer never arrives: it is retried, and the per-request timeout is long
//! enough that only a real network failure gets there.

use super::inbound::Target;
use super::outbound::OutMessage;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet, VecDeque};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use teloxide::ApiError;
use teloxide::RequestError;
use teloxide::prelude::*;
use teloxide::types::{ChatId, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, MessageId, ParseMode, ThreadId};
use tokio::sync::{Notify, watch};
use tokio::task::JoinSet;
use tokio::time::Instant;
use vicinato_domain::{Account, Network};
use vicinato_store::{OutboxItem, Store};

/// How fast the queue may send. The defaults keep a margin under Telegram's limits, so that
/// jitter on the way never adds up to a refusal.
#[derive(Debug, Clone)]
pub struct SendLimits {
    /// Messages per second over all chats.
    pub per_second: f64,
    /// Pause between two messages to one private chat.
    pub chat_interval: Duration,
    /// Pause between two messages to one group (20 a minute).
    pub group_interval: Duration,
    /// Requests on the way at once.
    pub max_in_flight: usize,
    /// Failed attempts (not counting 429s) before a message is given up.
    pub max_attempts: i64,
    /// First pause after a failure; it doubles with each attempt up to `backoff_max`.
    pub backoff_base: Duration,
    pub backoff_max: Duration,
}

impl Default for SendLimits {
    fn default() -> Self {
        Self {
            per_second: 29.0,
            chat_interval: Duration::from_millis(1050),
            group_interval: Duration::from_millis(3100),
            max_in_flight: 32,
            max_attempts: 12,
            backoff_base: Duration::from_secs(1),
            backoff_max: Duration::from_secs(300),
        }
    }
}

/// What happened to one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Delivered,
    /// Telegram asked to wait.
    RetryAfter(Duration),
    /// Worth trying again later (5xx, timeout, network).
    Transient(String),
    /// The person blocked the bot, left, or never opened a chat with it.
    Unreachable(String),
    /// The message to edit is gone or too old: send a new one instead.
    SendInstead,
    /// The group became a supergroup with a new id.
    MovedTo(i64),
    /// Telegram refused the message itself: retrying cannot help.
    Refused(String),
}

/// Sorts a failed request by what to do about it.
pub fn classify(error: &RequestError) -> Verdict {
    match error {
        RequestError::RetryAfter(s) => Verdict::RetryAfter(s.duration().max(Duration::from_secs(1))),
        RequestError::MigrateToChatId(id) => Verdict::MovedTo(id.0),
        RequestError::Network(e) => Verdict::Transient(format!("network: {e}")),
        RequestError::Io(e) => Verdict::Transient(format!("i/o: {e}")),
        RequestError::InvalidJson { .. } => Verdict::Transient("the server answered something that is not JSON".into()),
        RequestError::Api(api) => match api {
            ApiError::MessageNotModified => Verdict::Delivered,
            ApiError::MessageToEditNotFound | ApiError::MessageCantBeEdited | ApiError::MessageIdInvalid => {
                Verdict::SendInstead
            }
            ApiError::BotBlocked
            | ApiError::UserDeactivated
            | ApiError::CantInitiateConversation
            | ApiError::ChatNotFound
            | ApiError::BotKicked
            | ApiError::BotKickedFromSupergroup
            | ApiError::GroupDeactivated => Verdict::Unreachable(api.to_string()),
            ApiError::Unknown(text) => classify_text(text),
            other => Verdict::Refused(other.to_string()),
        },
    }
}

/// Descriptions teloxide does not know, by their prefix as the Bot API writes them.
fn classify_text(text: &str) -> Verdict {
    let lower = text.to_lowercase();
    if lower.contains("blocked by the user")
        || lower.contains("can't initiate conversation")
        || lower.contains("user is deactivated")
        || lower.contains("kicked")
        || lower.contains("chat not found")
    {
        Verdict::Unreachable(text.to_owned())
    } else if lower.starts_with("bad request") || lower.starts_with("forbidden") || lower.starts_with("unauthorized") {
        Verdict::Refused(text.to_owned())
    } else {
        // "Internal Server Error", "Bad Gateway", "Gateway Timeout" and the like.
        Verdict::Transient(text.to_owned())
    }
}

/// Counters a benchmark or an operator can read.
#[derive(Debug, Default)]
pub struct SendStats {
    pub delivered: AtomicU64,
    pub retry_after: AtomicU64,
    pub transient: AtomicU64,
    pub unreachable: AtomicU64,
    pub refused: AtomicU64,
}

impl SendStats {
    pub fn get(counter: &AtomicU64) -> u64 {
        counter.load(Ordering::Relaxed)
    }
}

/// Sends one message (or edit).
async fn deliver(bot: &Bot, m: &OutMessage) -> Result<(), RequestError> {
    let markup = (!m.keyboard.is_empty()).then(|| {
        InlineKeyboardMarkup::new(
            m.keyboard
                .iter()
                .map(|row| row.iter().map(|(label, data)| InlineKeyboardButton::callback(label.clone(), data.clone()))),
        )
    });
    let chat = ChatId(m.target.chat);
    if let Some(photo) = &m.photo {
        // As for documents: what `compose` writes always decodes.
        let file = InputFile::memory(photo.file.bytes().unwrap_or_default()).file_name(photo.file.name.clone());
        let mut req = bot.send_photo(chat, file).caption(photo.caption.clone());
        if let Some(t) = m.target.thread {
            req = req.message_thread_id(ThreadId(MessageId(t)));
        }
        return req.await.map(|_| ());
    }
    if let Some(doc) = &m.document {
        // A document the outbox cannot decode is sent as an empty file rather than stalling
        // the chat's queue; it cannot happen with what `compose` writes.
        let file = InputFile::memory(doc.bytes().unwrap_or_default()).file_name(doc.name.clone());
        let mut req = bot.send_document(chat, file);
        if let Some(t) = m.target.thread {
            req = req.message_thread_id(ThreadId(MessageId(t)));
        }
        return req.await.map(|_| ());
    }
    match m.edit {
        Some(id) => {
            let mut req = bot.edit_message_text(chat, MessageId(id), m.html.clone()).parse_mode(ParseMode::Html);
            if let Some(k) = markup {
                req = req.reply_markup(k);
            }
            req.await.map(|_| ())
        }
        None => {
            let mut req = bot.send_message(chat, m.html.clone()).parse_mode(ParseMode::Html);
            if let Some(t) = m.target.thread {
                req = req.message_thread_id(ThreadId(MessageId(t)));
            }
            if let Some(k) = markup {
                req = req.reply_markup(k);
            }
            req.await.map(|_| ())
        }
    }
}

struct Queued {
    item: OutboxItem,
    message: OutMessage,
}

/// The outbound queue of one bot.
pub struct Sender {
    pub bot: Bot,
    pub store: Arc<dyn Store>,
    /// The outbox channel, `telegram:<bot>`.
    pub channel: String,
    pub limits: SendLimits,
    /// Woken when new messages are in the outbox.
    pub wake: Arc<Notify>,
    pub stats: Arc<SendStats>,
}

/// The state of the drain loop: a queue per chat, the time each chat may next receive, and a
/// heap of chats by that time.
struct Lanes {
    queues: HashMap<i64, VecDeque<Queued>>,
    next_at: HashMap<i64, Instant>,
    heap: BinaryHeap<Reverse<(Instant, i64)>>,
    busy: HashSet<i64>,
    loaded: usize,
    /// Messages Telegram took whose removal from the outbox failed: retried until it is
    /// written (never sent again by this process meanwhile: they are not queued any more).
    unrecorded: Vec<i64>,
}

impl Lanes {
    fn schedule(&mut self, chat: i64) {
        if self.busy.contains(&chat) || self.queues.get(&chat).is_none_or(VecDeque::is_empty) {
            return;
        }
        let at = self.next_at.get(&chat).copied().unwrap_or_else(Instant::now);
        self.heap.push(Reverse((at, chat)));
    }
}

impl Sender {
    fn interval(&self, chat: i64) -> Duration {
        if chat < 0 { self.limits.group_interval } else { self.limits.chat_interval }
    }

    /// The pause after the n-th failed attempt: base, 2×base, 4×base, … up to the maximum.
    fn backoff(&self, attempts: i64) -> Duration {
        let exponent = (attempts.max(1) - 1).min(16) as u32;
        (self.limits.backoff_base * 2u32.pow(exponent)).min(self.limits.backoff_max)
    }

    /// Drains the outbox until `stop` turns true; then waits for requests already on the way.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        let spacing = Duration::from_secs_f64(1.0 / self.limits.per_second.max(0.1));
        let mut lanes = Lanes {
            queues: HashMap::new(),
            next_at: HashMap::new(),
            heap: BinaryHeap::new(),
            busy: HashSet::new(),
            loaded: 0,
            unrecorded: Vec::new(),
        };
        let mut record_at = Instant::now();
        let mut last_id = 0i64;
        let mut reload = true;
        // Sends are spaced evenly; a late send may be caught up by one spacing, but never so
        // that more than `per_second` sends fall in one second (the window below).
        let mut global_next = Instant::now();
        let window_len = (self.limits.per_second.floor() as usize).max(1);
        let mut window: VecDeque<Instant> = VecDeque::with_capacity(window_len + 1);
        let mut flights: JoinSet<(i64, Queued, Result<(), RequestError>)> = JoinSet::new();
        loop {
            if *stop.borrow() {
                break;
            }
            if reload && lanes.loaded < 5_000 {
                match self.store.outbox_pending(&self.channel, last_id, 1_000).await {
                    Ok(items) => {
                        reload = items.len() == 1_000;
                        for item in items {
                            last_id = last_id.max(item.id);
                            match serde_json::from_str::<OutMessage>(&item.payload) {
                                Ok(message) => {
                                    let chat = message.target.chat;
                                    lanes.queues.entry(chat).or_default().push_back(Queued { item, message });
                                    lanes.loaded += 1;
                                    lanes.schedule(chat);
                                }
                                Err(e) => {
                                    tracing::error!(id = item.id, error = %e, "unreadable outbox message set aside");
                                    let _ = self
                                        .store
                                        .outbox_undeliverable(item.id, &e.to_string(), chrono::Utc::now())
                                        .await;
                                }
                            }
                        }
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "cannot read the outbox; trying again shortly");
                        tokio::time::sleep(Duration::from_millis(500)).await;
                        continue;
                    }
                }
            }
            // The next chat that may receive, if a request slot is free.
            let next = if flights.len() < self.limits.max_in_flight { lanes.heap.peek().map(|r| r.0) } else { None };
            let window_open = match window.front() {
                Some(first) if window.len() >= window_len => *first + Duration::from_secs(1),
                _ => global_next,
            };
            let wake_at = next.map(|(at, _)| at.max(global_next).max(window_open));
            let record = !lanes.unrecorded.is_empty();
            tokio::select! {
                biased;
                changed = stop.changed() => {
                    if changed.is_err() {
                        break;
                    }
                }
                _ = tokio::time::sleep_until(record_at), if record => {
                    self.record_delivered(&mut lanes).await;
                    record_at = Instant::now() + Duration::from_secs(1);
                }
                Some(done) = flights.join_next(), if !flights.is_empty() => {
                    if let Ok((chat, queued, result)) = done {
                        self.settle(&mut lanes, chat, queued, result).await;
                    }
                }
                _ = self.wake.notified() => { reload = true; }
                _ = tokio::time::sleep_until(wake_at.unwrap_or_else(Instant::now)), if wake_at.is_some() => {
                    let Some(Reverse((at, chat))) = lanes.heap.pop() else { continue };
                    // Stale heap entries: the chat is busy, empty, or was pushed back since.
                    if lanes.busy.contains(&chat) || lanes.queues.get(&chat).is_none_or(VecDeque::is_empty) {
                        continue;
                    }
                    if lanes.next_at.get(&chat).is_some_and(|n| *n > at) {
                        lanes.schedule(chat);
                        continue;
                    }
                    let Some(queued) = lanes.queues.get_mut(&chat).and_then(VecDeque::pop_front) else { continue };
                    lanes.busy.insert(chat);
                    let now = Instant::now();
                    global_next = global_next.max(now - spacing) + spacing;
                    window.push_back(now);
                    if window.len() > window_len {
                        window.pop_front();
                    }
                    let bot = self.bot.clone();
                    flights.spawn(async move {
                        let result = deliver(&bot, &queued.message).await;
                        (chat, queued, result)
                    });
                }
            }
        }
        while let Some(done) = flights.join_next().await {
            if let Ok((chat, queued, result)) = done {
                self.settle(&mut lanes, chat, queued, result).await;
            }
        }
        self.record_delivered(&mut lanes).await;
        if !lanes.unrecorded.is_empty() {
            // Still in the outbox: the next start sends them again (Telegram has no
            // idempotency key), which is the one gap the architecture names.
            tracing::error!(left = lanes.unrecorded.len(), "delivered messages still in the outbox at stop");
        }
    }

    /// Writes the deliveries whose outbox removal failed; those that fail again stay listed.
    async fn record_delivered(&self, lanes: &mut Lanes) {
        let mut left = Vec::new();
        for id in std::mem::take(&mut lanes.unrecorded) {
            if let Err(e) = self.store.outbox_delivered(id).await {
                tracing::warn!(id, error = %e, "delivered message still not out of the outbox");
                left.push(id);
            }
        }
        lanes.unrecorded = left;
    }

    /// Records the outcome of one request and decides what comes next for its chat.
    async fn settle(&self, lanes: &mut Lanes, chat: i64, mut queued: Queued, result: Result<(), RequestError>) {
        lanes.busy.remove(&chat);
        let verdict = match &result {
            Ok(()) => Verdict::Delivered,
            Err(e) => classify(e),
        };
        let now = Instant::now();
        let id = queued.item.id;
        let mut requeue = false;
        let metrics = vicinato_core::metrics::global();
        let labels = ["telegram", self.channel.strip_prefix("telegram:").unwrap_or(&self.channel)];
        match verdict {
            Verdict::Delivered => {
                self.stats.delivered.fetch_add(1, Ordering::Relaxed);
                metrics.sent.with(&labels).inc();
                if let Err(e) = self.store.outbox_delivered(id).await {
                    tracing::warn!(id, error = %e, "delivered message not yet out of the outbox; will retry");
                    lanes.unrecorded.push(id);
                }
                lanes.loaded -= 1;
                lanes.next_at.insert(chat, now + self.interval(chat));
            }
            Verdict::RetryAfter(wait) => {
                self.stats.retry_after.fetch_add(1, Ordering::Relaxed);
                metrics.rate_limited.with(&labels).inc();
                tracing::warn!(chat, seconds = wait.as_secs(), "Telegram asked to slow down");
                lanes.next_at.insert(chat, now + wait);
                requeue = true;
            }
            Verdict::Transient(why) => {
                self.stats.transient.fetch_add(1, Ordering::Relaxed);
                metrics.retries.with(&labels).inc();
                queued.item.attempts += 1;
                let attempts = queued.item.attempts;
                if attempts >= self.limits.max_attempts {
                    tracing::error!(id, chat, attempts, error = %why, "message given up after repeated failures");
                    let _ = self.store.outbox_undeliverable(id, &why, chrono::Utc::now()).await;
                    lanes.loaded -= 1;
                } else {
                    let wait = self.backoff(attempts);
                    tracing::warn!(id, chat, attempts, error = %why, retry_in_ms = wait.as_millis() as u64, "send failed; will retry");
                    let _ = self.store.outbox_attempt_failed(id, attempts, &why).await;
                    lanes.next_at.insert(chat, now + wait);
                    requeue = true;
                }
            }
            Verdict::SendInstead => {
                queued.message.edit = None;
                requeue = true;
            }
            Verdict::MovedTo(new_chat) => {
                queued.message.target = Target { chat: new_chat, thread: queued.message.target.thread };
                lanes.loaded -= 1;
                self.reenqueue(queued.message).await;
                if self.store.outbox_delivered(id).await.is_err() {
                    lanes.unrecorded.push(id);
                }
                lanes.schedule(chat);
                return;
            }
            Verdict::Unreachable(why) => {
                self.stats.unreachable.fetch_add(1, Ordering::Relaxed);
                metrics.error("unreachable");
                if chat > 0 {
                    let account = Account::new(Network::Telegram, chat.to_string());
                    if let Err(e) = self.store.set_unreachable(&account, Some(chrono::Utc::now())).await {
                        tracing::error!(error = %e, "cannot mark an account unreachable");
                    }
                }
                tracing::info!(chat, reason = %why, "chat unreachable; message not sent");
                let _ = self.store.outbox_undeliverable(id, &why, chrono::Utc::now()).await;
                lanes.loaded -= 1;
                // Messages still queued for this chat would fail the same way.
                if let Some(rest) = lanes.queues.remove(&chat) {
                    for q in rest {
                        let _ = self.store.outbox_undeliverable(q.item.id, &why, chrono::Utc::now()).await;
                        lanes.loaded -= 1;
                        if let Some(f) = q.message.fallback {
                            self.reenqueue(*f).await;
                        }
                    }
                }
                if let Some(f) = queued.message.fallback.take() {
                    self.reenqueue(*f).await;
                }
            }
            Verdict::Refused(why) => {
                self.stats.refused.fetch_add(1, Ordering::Relaxed);
                metrics.error("send_refused");
                tracing::error!(id, chat, error = %why, "Telegram refused a message");
                let _ = self.store.outbox_undeliverable(id, &why, chrono::Utc::now()).await;
                lanes.loaded -= 1;
            }
        }
        if requeue {
            lanes.queues.entry(chat).or_default().push_front(queued);
        }
        lanes.schedule(chat);
    }

    /// Puts a message back in the outbox as a new one (a fallback, or a moved chat).
    async fn reenqueue(&self, message: OutMessage) {
        match self.store.outbox_push(&self.channel, &[message.to_item()], None, chrono::Utc::now()).await {
            Ok(()) => self.wake.notify_one(),
            Err(e) => tracing::error!(error = %e, "cannot queue a message again"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use teloxide::types::Seconds;

    #[test]
    fn telegram_errors_are_sorted_by_what_to_do() {
        assert_eq!(
            classify(&RequestError::RetryAfter(Seconds::from_seconds(3))),
            Verdict::RetryAfter(Duration::from_secs(3))
        );
        assert_eq!(classify(&RequestError::Api(ApiError::MessageNotModified)), Verdict::Delivered);
        assert!(matches!(classify(&RequestError::Api(ApiError::BotBlocked)), Verdict::Unreachable(_)));
        assert!(matches!(
            classify(&RequestError::Api(ApiError::Unknown(
                "Forbidden: bot can't initiate conversation with a user".into()
            ))),
            Verdict::Unreachable(_)
        ));
        assert!(matches!(classify(&RequestError::Api(ApiError::Unknown("Bad Gateway".into()))), Verdict::Transient(_)));
        assert!(matches!(
            classify(&RequestError::Api(ApiError::Unknown("Bad Request: can't parse entities".into()))),
            Verdict::Refused(_)
        ));
        assert_eq!(classify(&RequestError::Api(ApiError::MessageToEditNotFound)), Verdict::SendInstead);
    }
}
