//! The outbound queue of one Telegram bot. It drains the bot's outbox in the store and keeps
//! under Telegram's limits on its own (30 messages in any second overall, one a second in a
//! chat, 20 a minute in a group), so Telegram never has to refuse.
//!
//! Two lanes share the budget: replies to people, and bulk traffic (announcement copies).
//! Whenever a place in the budget frees up, a reply waiting for it goes first; bulk messages
//! take what replies leave, and are spaced a little (`bulk_spacing`) so they never fill a whole
//! second at once and a reply arriving meanwhile finds a place soon. With paid broadcasts
//! (`allow_paid_broadcast`), bulk messages carry the parameter and go at their own, higher
//! rate, apart from the free budget replies use.
//!
//! The budget is counted over a window a little longer than a second (`window`): requests
//! cross a network whose delay varies, and Telegram counts them when they arrive, so sends a
//! second apart may arrive closer together by as much as the jitter on the way in. A request
//! Telegram answered with a 5xx, or one that never reached it, gives its place back: it was
//! not carried out, and a send that fails one time in ten would otherwise cost a tenth of the
//! budget. A 429 keeps its place.
//!
//! Requests go through the bot's own HTTP client, not teloxide's request path (which pauses
//! 10 s after every 5xx): a 429 waits exactly Telegram's `retry_after` for that chat; 5xx
//! answers, answers that are not JSON and requests that never reached Telegram are retried
//! after a short pause that doubles with each attempt, with jitter; after `max_attempts` the
//! message is given up. A person who blocked the bot, or whom the bot cannot reach, is marked
//! unreachable and never retried. Documents still go through teloxide (they are rare).
//!
//! A message leaves the outbox only once Telegram answered, so a restart resends nothing that
//! was confirmed and loses nothing that was not. Where an answer never came (the process
//! stopped, or the connection broke after the request left), Telegram has no idempotency key
//! to ask: replies are sent again (at least once); a bulk message is marked in the store just
//! before its request leaves, and one found marked at start is not sent again but recorded as
//! sent and unconfirmed (at most once), so no one gets an announcement twice. An announcement
//! copy's state (sent with Telegram's message id, blocked, unreachable, failed with the reason)
//! is written with its outbox removal in one transaction.

use super::inbound::Target;
use super::outbound::{CopyRef, OutMessage};
use serde_json::{Value, json};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet, VecDeque};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use teloxide::ApiError;
use teloxide::RequestError;
use teloxide::prelude::*;
use teloxide::types::{ChatId, InputFile, MessageId, ThreadId};
use tokio::sync::{Notify, watch};
use tokio::task::JoinSet;
use tokio::time::Instant;
use vicinato_domain::{Account, AnnouncementId, CopyState, EditState, Network, PersonId};
use vicinato_store::{OutboxItem, Store};

/// How fast the queue may send. The defaults keep a margin under Telegram's limits, so that
/// jitter on the way never adds up to a refusal.
#[derive(Debug, Clone)]
pub struct SendLimits {
    /// Messages in any `window` over all chats (Telegram: 30 in a second).
    pub per_window: usize,
    /// A second plus the jitter on the way to Telegram (requests sent a second apart may
    /// arrive closer together by that much).
    pub window: Duration,
    /// The least pause between two bulk messages on the free budget.
    pub bulk_spacing: Duration,
    /// Pause between two messages to one private chat.
    pub chat_interval: Duration,
    /// Pause between two messages to one group (20 a minute).
    pub group_interval: Duration,
    /// Requests on the way at once.
    pub max_in_flight: usize,
    /// Failed attempts (not counting 429s) before a message is given up.
    pub max_attempts: i64,
    /// First pause after a failure; it doubles with each attempt up to `backoff_max`, and a
    /// random part of up to half of it is added.
    pub backoff_base: Duration,
    pub backoff_max: Duration,
    /// Paid broadcasts: bulk messages carry `allow_paid_broadcast` and go at this many a
    /// second (at most 1,000), apart from the free budget.
    pub paid_per_second: Option<u32>,
}

impl Default for SendLimits {
    fn default() -> Self {
        Self {
            per_window: 30,
            window: Duration::from_millis(1035),
            bulk_spacing: Duration::from_millis(20),
            chat_interval: Duration::from_millis(1050),
            group_interval: Duration::from_millis(3100),
            max_in_flight: 48,
            max_attempts: 12,
            backoff_base: Duration::from_millis(100),
            backoff_max: Duration::from_secs(30),
            paid_per_second: None,
        }
    }
}

/// What happened to one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Telegram took it (with the message's id, when it said).
    Delivered(Option<i32>),
    /// Telegram asked to wait.
    RetryAfter(Duration),
    /// Worth trying again later (5xx, an answer that is not JSON, no connection).
    Transient(String),
    /// The request left but no answer came back: Telegram may have carried it out.
    InDoubt(String),
    /// The person blocked the bot or their account is deactivated.
    Blocked(String),
    /// The chat cannot be written to: never started, not found, the bot was removed.
    Unreachable(String),
    /// The message to edit is gone or too old: send a new one instead.
    SendInstead,
    /// The group became a supergroup with a new id.
    MovedTo(i64),
    /// Telegram refused the message itself: retrying cannot help.
    Refused(String),
    /// The message left the outbox before its request (an announcement cancelled or corrected
    /// took it back): nothing was sent and nothing is recorded.
    Withdrawn,
}

/// Sorts a failed teloxide request (documents) by what to do about it.
pub fn classify(error: &RequestError) -> Verdict {
    match error {
        RequestError::RetryAfter(s) => Verdict::RetryAfter(s.duration()),
        RequestError::MigrateToChatId(id) => Verdict::MovedTo(id.0),
        // Its text names the URL, which holds the token: never written anywhere.
        RequestError::Network(e) if e.is_connect() => Verdict::Transient("network: cannot connect".into()),
        RequestError::Network(_) => Verdict::InDoubt("network: the request left and no answer came".into()),
        RequestError::Io(e) => Verdict::Transient(format!("i/o: {e}")),
        RequestError::InvalidJson { .. } => Verdict::Transient(NOT_JSON.into()),
        RequestError::Api(api) => match api {
            ApiError::MessageNotModified => Verdict::Delivered(None),
            ApiError::MessageToEditNotFound | ApiError::MessageCantBeEdited | ApiError::MessageIdInvalid => {
                Verdict::SendInstead
            }
            ApiError::BotBlocked | ApiError::UserDeactivated => Verdict::Blocked(api.to_string()),
            ApiError::CantInitiateConversation
            | ApiError::ChatNotFound
            | ApiError::BotKicked
            | ApiError::BotKickedFromSupergroup
            | ApiError::GroupDeactivated => Verdict::Unreachable(api.to_string()),
            ApiError::Unknown(text) => classify_text(0, text),
            other => Verdict::Refused(other.to_string()),
        },
    }
}

const NOT_JSON: &str = "the server answered something that is not JSON";

/// An error answer by its code and description, as the Bot API writes them.
fn classify_text(code: i64, text: &str) -> Verdict {
    let lower = text.to_lowercase();
    if lower.contains("blocked by the user") || lower.contains("user is deactivated") {
        Verdict::Blocked(text.to_owned())
    } else if lower.contains("can't initiate conversation")
        || lower.contains("kicked")
        || lower.contains("chat not found")
        || lower.contains("group chat was deactivated")
    {
        Verdict::Unreachable(text.to_owned())
    } else if lower.contains("message is not modified") {
        Verdict::Delivered(None)
    } else if lower.contains("message to edit not found")
        || lower.contains("message can't be edited")
        || lower.contains("message_id_invalid")
    {
        Verdict::SendInstead
    } else if (400..500).contains(&code)
        || lower.starts_with("bad request")
        || lower.starts_with("forbidden")
        || lower.starts_with("unauthorized")
    {
        Verdict::Refused(text.to_owned())
    } else {
        // "Internal Server Error", "Bad Gateway", "Gateway Timeout" and the like.
        Verdict::Transient(text.to_owned())
    }
}

/// Reads a Bot API answer: its HTTP status and body.
pub fn read_answer(status: u16, body: &str) -> Verdict {
    let Ok(v) = serde_json::from_str::<Value>(body) else {
        return Verdict::Transient(if status >= 500 { format!("{status}: {NOT_JSON}") } else { NOT_JSON.into() });
    };
    if v["ok"].as_bool() == Some(true) {
        let id = v.pointer("/result/message_id").and_then(Value::as_i64).and_then(|i| i32::try_from(i).ok());
        return Verdict::Delivered(id);
    }
    let code = v["error_code"].as_i64().unwrap_or(i64::from(status));
    let description = v["description"].as_str().unwrap_or("no description").to_owned();
    if let Some(s) = v.pointer("/parameters/retry_after").and_then(Value::as_u64) {
        return Verdict::RetryAfter(Duration::from_secs(s));
    }
    if code == 429 {
        return Verdict::RetryAfter(Duration::from_secs(1));
    }
    if let Some(id) = v.pointer("/parameters/migrate_to_chat_id").and_then(Value::as_i64) {
        return Verdict::MovedTo(id);
    }
    if code >= 500 {
        return Verdict::Transient(description);
    }
    classify_text(code, &description)
}

/// Counters a benchmark or an operator can read.
#[derive(Debug, Default)]
pub struct SendStats {
    pub delivered: AtomicU64,
    pub retry_after: AtomicU64,
    pub transient: AtomicU64,
    pub unreachable: AtomicU64,
    pub refused: AtomicU64,
    /// Bulk messages found marked at start (the process stopped while they were on the way):
    /// recorded as sent and unconfirmed, not sent again.
    pub in_doubt: AtomicU64,
    /// Bulk messages Telegram took.
    pub bulk_delivered: AtomicU64,
    /// Bulk messages taken back from the outbox (a cancellation, a correction) before they
    /// left: not sent.
    pub withdrawn: AtomicU64,
}

impl SendStats {
    pub fn get(counter: &AtomicU64) -> u64 {
        counter.load(Ordering::Relaxed)
    }
}

/// The Bot API through the bot's own HTTP client.
#[derive(Clone)]
struct Api {
    bot: Bot,
    base: String,
}

impl Api {
    fn new(bot: Bot) -> Self {
        let base = format!("{}/bot{}", bot.api_url().as_str().trim_end_matches('/'), bot.token());
        Self { bot, base }
    }

    async fn call(&self, method: &str, body: &Value) -> Verdict {
        let sent = self
            .bot
            .client()
            .post(format!("{}/{method}", self.base))
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await;
        match sent {
            // The URL holds the token: never in an error text.
            Err(e) if e.is_connect() => Verdict::Transient(format!("network: {}", e.without_url())),
            Err(e) => Verdict::InDoubt(format!("network: {}", e.without_url())),
            Ok(answer) => {
                let status = answer.status().as_u16();
                match answer.text().await {
                    Ok(text) => read_answer(status, &text),
                    Err(e) => Verdict::InDoubt(format!("network: {}", e.without_url())),
                }
            }
        }
    }

    /// Sends one message (or edit).
    async fn deliver(&self, m: &OutMessage, paid: bool) -> Verdict {
        if let Some(photo) = &m.photo {
            // As for documents: what `compose` writes always decodes.
            let file = InputFile::memory(photo.file.bytes().unwrap_or_default()).file_name(photo.file.name.clone());
            let mut req = self.bot.send_photo(ChatId(m.target.chat), file).caption(photo.caption.clone());
            if let Some(t) = m.target.thread {
                req = req.message_thread_id(ThreadId(MessageId(t)));
            }
            return match req.await {
                Ok(sent) => Verdict::Delivered(Some(sent.id.0)),
                Err(e) => classify(&e),
            };
        }
        if let Some(doc) = &m.document {
            // A document the outbox cannot decode is sent as an empty file rather than
            // stalling the chat's queue; it cannot happen with what `compose` writes.
            let file = InputFile::memory(doc.bytes().unwrap_or_default()).file_name(doc.name.clone());
            let mut req = self.bot.send_document(ChatId(m.target.chat), file);
            if let Some(t) = m.target.thread {
                req = req.message_thread_id(ThreadId(MessageId(t)));
            }
            return match req.await {
                Ok(sent) => Verdict::Delivered(Some(sent.id.0)),
                Err(e) => classify(&e),
            };
        }
        if let Some(media) = &m.media {
            // By reference: the `file_id` Telegram gave this bot, no upload.
            use vicinato_domain::rooms::MediaKind;
            let method = match media.kind {
                MediaKind::Photo => "sendPhoto",
                MediaKind::Video => "sendVideo",
                MediaKind::Animation => "sendAnimation",
                MediaKind::Document => "sendDocument",
                MediaKind::Audio => "sendAudio",
                MediaKind::Voice => "sendVoice",
            };
            let mut body = json!({"chat_id": m.target.chat});
            body[media.kind.as_str()] = json!(media.file_id);
            if let Some(t) = m.target.thread {
                body["message_thread_id"] = json!(t);
            }
            return self.call(method, &body).await;
        }
        let mut body = json!({"chat_id": m.target.chat, "text": m.html, "parse_mode": "HTML"});
        if !m.keyboard.is_empty() {
            let rows: Vec<Value> = m
                .keyboard
                .iter()
                .map(|row| row.iter().map(|(label, data)| json!({"text": label, "callback_data": data})).collect())
                .collect();
            body["reply_markup"] = json!({"inline_keyboard": rows});
        }
        match m.edit {
            Some(id) => {
                body["message_id"] = json!(id);
                self.call("editMessageText", &body).await
            }
            None => {
                if let Some(t) = m.target.thread {
                    body["message_thread_id"] = json!(t);
                }
                if paid {
                    body["allow_paid_broadcast"] = json!(true);
                }
                self.call("sendMessage", &body).await
            }
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
    /// Tests only: once this many bulk messages were taken by Telegram, the sender stops dead
    /// before recording the last one, as a `kill -9` would stop it.
    pub stop_dead_after_bulk: Option<u64>,
}

/// The messages waiting for one chat: replies first.
#[derive(Default)]
struct ChatQueue {
    replies: VecDeque<Queued>,
    bulk: VecDeque<Queued>,
}

impl ChatQueue {
    fn is_empty(&self) -> bool {
        self.replies.is_empty() && self.bulk.is_empty()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lane {
    Reply,
    Bulk,
}

/// The sends of the last window: a send may go once fewer than `cap` fall in it.
struct Window {
    len: Duration,
    cap: usize,
    /// The sends younger than a window at the last push, oldest first.
    sends: VecDeque<Instant>,
}

impl Window {
    fn new(len: Duration, cap: usize) -> Self {
        Self { len, cap: cap.max(1), sends: VecDeque::new() }
    }

    /// The earliest a send may go.
    fn open_at(&self, now: Instant) -> Instant {
        if self.sends.len() < self.cap { now } else { self.sends[self.sends.len() - self.cap] + self.len }
    }

    fn push(&mut self, at: Instant) {
        while self.sends.front().is_some_and(|t| *t + self.len <= at) {
            self.sends.pop_front();
        }
        self.sends.push_back(at);
    }

    /// Gives back the place of the send made at `at`: Telegram answered that it did not carry
    /// it out, so it does not count against the limit.
    fn refund(&mut self, at: Instant) {
        if let Some(i) = self.sends.iter().rposition(|t| *t == at) {
            self.sends.remove(i);
        }
    }
}

/// The place a request took in a budget: when it left, and in which budget.
#[derive(Debug, Clone, Copy)]
struct Place {
    at: Instant,
    paid: bool,
}

/// The state of the drain loop: a queue per chat, the time each chat may next receive, a
/// heap of chats per lane by that time, and the budgets.
struct Lanes {
    queues: HashMap<i64, ChatQueue>,
    next_at: HashMap<i64, Instant>,
    replies: BinaryHeap<Reverse<(Instant, i64)>>,
    bulk: BinaryHeap<Reverse<(Instant, i64)>>,
    busy: HashSet<i64>,
    loaded: usize,
    free: Window,
    /// The paid budget, with paid broadcasts.
    paid: Option<Window>,
    bulk_next: Instant,
    /// Messages Telegram took whose recording failed: retried until it is written (never
    /// sent again by this process meanwhile: they are not queued any more).
    unrecorded: Vec<Settled>,
}

/// What to write once Telegram answered for good.
#[derive(Debug, Clone)]
struct Settled {
    id: i64,
    copy: Option<(CopyRef, CopyState, Option<String>, Option<String>)>,
}

impl Lanes {
    fn schedule(&mut self, chat: i64) {
        if self.busy.contains(&chat) {
            return;
        }
        let Some(q) = self.queues.get(&chat) else { return };
        let at = self.next_at.get(&chat).copied().unwrap_or_else(Instant::now);
        if !q.replies.is_empty() {
            self.replies.push(Reverse((at, chat)));
        } else if !q.bulk.is_empty() {
            self.bulk.push(Reverse((at, chat)));
        }
    }

    /// Whether a heap entry still stands for a chat ready in its lane.
    fn current(&self, lane: Lane, chat: i64) -> bool {
        if self.busy.contains(&chat) {
            return false;
        }
        match (lane, self.queues.get(&chat)) {
            (Lane::Reply, Some(q)) => !q.replies.is_empty(),
            (Lane::Bulk, Some(q)) => q.replies.is_empty() && !q.bulk.is_empty(),
            _ => false,
        }
    }

    /// Drops stale heap entries at the top of a lane.
    fn clean(&mut self, lane: Lane) {
        loop {
            let top = match lane {
                Lane::Reply => self.replies.peek(),
                Lane::Bulk => self.bulk.peek(),
            };
            let Some(Reverse((at, chat))) = top.copied() else { return };
            let moved = self.next_at.get(&chat).is_some_and(|n| *n > at);
            if self.current(lane, chat) && !moved {
                return;
            }
            match lane {
                Lane::Reply => self.replies.pop(),
                Lane::Bulk => self.bulk.pop(),
            };
            if moved && self.current(lane, chat) {
                self.schedule(chat);
            }
        }
    }

    /// The earliest the next message of a lane may go.
    fn ready_at(&mut self, lane: Lane, now: Instant) -> Option<Instant> {
        self.clean(lane);
        match lane {
            Lane::Reply => self.replies.peek().map(|Reverse((at, _))| (*at).max(self.free.open_at(now))),
            Lane::Bulk => self.bulk.peek().map(|Reverse((at, _))| {
                let budget = match &self.paid {
                    Some(w) => w.open_at(now),
                    None => self.free.open_at(now).max(self.bulk_next),
                };
                (*at).max(budget)
            }),
        }
    }
}

/// Outbox rows read at most at once.
const PAGE: i64 = 1_000;
/// Messages held in memory at most, replies aside: past it, bulk messages wait in the store
/// and replies are still taken in as they come (a large send never keeps a reply waiting).
const HELD: usize = 5_000;

/// How far the sender has read its outbox.
#[derive(Debug, Default)]
struct Reading {
    /// Every row up to this id has been read once: taken in, or left behind.
    seen: i64,
    /// The first bulk message left behind for lack of room (every later bulk row up to `seen`
    /// was left too); `None` when none waits.
    skipped: Option<i64>,
}

/// Whether an outbox row is bulk traffic (an unreadable one counts as a reply, so it is taken
/// in and set aside at once).
fn is_bulk(item: &OutboxItem) -> bool {
    #[derive(serde::Deserialize)]
    struct Lane {
        #[serde(default)]
        bulk: bool,
    }
    serde_json::from_str::<Lane>(&item.payload).is_ok_and(|l| l.bulk)
}

/// How a flight ended.
type Flight = (i64, Queued, Verdict, Option<Place>);

impl Sender {
    fn interval(&self, chat: i64) -> Duration {
        if chat < 0 { self.limits.group_interval } else { self.limits.chat_interval }
    }

    /// The pause after the n-th failed attempt: base, 2×base, 4×base, … up to the maximum,
    /// plus a random part of up to half of it, so retries of many chats do not bunch.
    fn backoff(&self, attempts: i64) -> Duration {
        let exponent = (attempts.max(1) - 1).min(16) as u32;
        let wait = (self.limits.backoff_base * 2u32.pow(exponent)).min(self.limits.backoff_max);
        wait + wait.mul_f64(jitter() / 2.0)
    }

    /// Drains the outbox until `stop` turns true; then waits for requests already on the way.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        let limits = &self.limits;
        let paid = limits.paid_per_second.map(|r| r.clamp(1, 1000));
        let max_in_flight = match paid {
            Some(rate) => limits.max_in_flight.max(rate as usize / 8),
            None => limits.max_in_flight,
        };
        let mut lanes = Lanes {
            queues: HashMap::new(),
            next_at: HashMap::new(),
            replies: BinaryHeap::new(),
            bulk: BinaryHeap::new(),
            busy: HashSet::new(),
            loaded: 0,
            free: Window::new(limits.window, limits.per_window),
            paid: paid.map(|r| Window::new(limits.window, r as usize)),
            bulk_next: Instant::now(),
            unrecorded: Vec::new(),
        };
        let api = Api::new(self.bot.clone());
        let mut record_at = Instant::now();
        let mut reading = Reading::default();
        let mut reload = true;
        let mut flights: JoinSet<Flight> = JoinSet::new();
        loop {
            if *stop.borrow() {
                break;
            }
            let read = if reload {
                self.read_new(&mut lanes, &mut reading).await.map(|more| reload = more)
            } else if reading.skipped.is_some() && lanes.loaded + PAGE as usize <= HELD {
                self.read_skipped(&mut lanes, &mut reading).await.map(|new| reload |= new)
            } else {
                Ok(())
            };
            if let Err(e) = read {
                tracing::warn!(error = %e, "cannot read the outbox; trying again shortly");
                tokio::time::sleep(Duration::from_millis(500)).await;
                continue;
            }
            let now = Instant::now();
            let (reply_at, bulk_at) = if flights.len() < max_in_flight {
                (lanes.ready_at(Lane::Reply, now), lanes.ready_at(Lane::Bulk, now))
            } else {
                (None, None)
            };
            let wake_at = match (reply_at, bulk_at) {
                (Some(r), Some(b)) => Some(r.min(b)),
                (r, b) => r.or(b),
            };
            let record = !lanes.unrecorded.is_empty();
            tokio::select! {
                biased;
                changed = stop.changed() => {
                    if changed.is_err() {
                        break;
                    }
                }
                _ = tokio::time::sleep_until(record_at), if record => {
                    self.record_settled(&mut lanes).await;
                    record_at = Instant::now() + Duration::from_secs(1);
                }
                Some(done) = flights.join_next(), if !flights.is_empty() => {
                    if let Ok((chat, queued, verdict, place)) = done
                        && self.settle(&mut lanes, chat, queued, verdict, place).await.is_break()
                    {
                        // The failpoint: stop dead, as a kill would, recording nothing more.
                        flights.abort_all();
                        return;
                    }
                }
                _ = self.wake.notified() => { reload = true; }
                _ = tokio::time::sleep_until(wake_at.unwrap_or_else(Instant::now)), if wake_at.is_some() => {
                    // Replies first: a bulk message goes only when no reply may go now.
                    let now = Instant::now();
                    let lane = if reply_at.is_some_and(|r| r <= now) { Lane::Reply } else { Lane::Bulk };
                    self.dispatch(&mut lanes, lane, &api, paid.is_some(), &mut flights).await;
                }
            }
        }
        while let Some(done) = flights.join_next().await {
            if let Ok((chat, queued, verdict, place)) = done
                && self.settle(&mut lanes, chat, queued, verdict, place).await.is_break()
            {
                return;
            }
        }
        self.record_settled(&mut lanes).await;
        if !lanes.unrecorded.is_empty() {
            // Still in the outbox: the next start sends replies again (Telegram has no
            // idempotency key), which is the one gap the architecture names; bulk messages are
            // marked, and recorded as unconfirmed instead.
            tracing::error!(left = lanes.unrecorded.len(), "delivered messages still in the outbox at stop");
        }
    }

    /// Reads the outbox rows written since the last read: every reply is taken in at once,
    /// bulk messages only while fewer than [`HELD`] messages are in memory and none was left
    /// behind before them (so they keep their order). `true` when a full page was read.
    async fn read_new(&self, lanes: &mut Lanes, reading: &mut Reading) -> Result<bool, vicinato_store::StoreError> {
        let items = self.store.outbox_pending(&self.channel, reading.seen, PAGE).await?;
        let full = items.len() == PAGE as usize;
        for item in items {
            reading.seen = reading.seen.max(item.id);
            // The payload is read for its lane only when memory is full (load reads it anyway).
            if (reading.skipped.is_some() || lanes.loaded >= HELD) && is_bulk(&item) {
                reading.skipped.get_or_insert(item.id);
                continue;
            }
            self.load(lanes, item).await;
        }
        Ok(full)
    }

    /// Takes in the bulk messages left behind, in order, now that there is room for a page;
    /// the replies among them were taken in when first read. `true` when rows newer than the
    /// last read were met (they are read as new).
    async fn read_skipped(&self, lanes: &mut Lanes, reading: &mut Reading) -> Result<bool, vicinato_store::StoreError> {
        let Some(from) = reading.skipped.take() else { return Ok(false) };
        let items = self.store.outbox_pending(&self.channel, from - 1, PAGE).await?;
        let full = items.len() == PAGE as usize;
        let mut last = from - 1;
        for item in items {
            if item.id > reading.seen {
                return Ok(true);
            }
            last = item.id;
            if !is_bulk(&item) {
                continue;
            }
            if lanes.loaded >= HELD {
                reading.skipped = Some(item.id);
                return Ok(false);
            }
            self.load(lanes, item).await;
        }
        if full && last < reading.seen {
            reading.skipped = Some(last + 1);
        }
        Ok(false)
    }

    /// Takes one message from the outbox into its chat's queue; a bulk message found marked
    /// as on its way is recorded as sent and unconfirmed instead of being sent again.
    async fn load(&self, lanes: &mut Lanes, item: OutboxItem) {
        let message = match serde_json::from_str::<OutMessage>(&item.payload) {
            Ok(m) => m,
            Err(e) => {
                tracing::error!(id = item.id, error = %e, "unreadable outbox message set aside");
                let _ = self.store.outbox_undeliverable(item.id, &e.to_string(), chrono::Utc::now()).await;
                return;
            }
        };
        // An edit found marked is made again: an edit made twice changes nothing.
        let edit_of_copy = message.copy.as_ref().is_some_and(|c| c.correction.is_some());
        if item.in_doubt && message.bulk && !edit_of_copy {
            self.stats.in_doubt.fetch_add(1, Ordering::Relaxed);
            tracing::warn!(id = item.id, "a bulk message was on its way when the process stopped; not sent again");
            let settled = Settled {
                id: item.id,
                copy: message.copy.clone().map(|c| (c, CopyState::Sent, Some(UNCONFIRMED.to_owned()), None)),
            };
            if self.write(&settled).await.is_err() {
                lanes.unrecorded.push(settled);
            }
            return;
        }
        let chat = message.target.chat;
        let queue = lanes.queues.entry(chat).or_default();
        if message.bulk {
            queue.bulk.push_back(Queued { item, message });
        } else {
            queue.replies.push_back(Queued { item, message });
        }
        lanes.loaded += 1;
        lanes.schedule(chat);
    }

    /// Starts the request of the next message of a lane, if it is still ready. A bulk message
    /// is marked as on its way first, and only then takes its place in the budget: the place is
    /// counted when the request leaves, however long the store took to mark it. (Counted when
    /// the mark began, a slow mark let sends of two windows arrive within one second, and
    /// Telegram refused some of a large send.)
    async fn dispatch(&self, lanes: &mut Lanes, lane: Lane, api: &Api, paid: bool, flights: &mut JoinSet<Flight>) {
        let heap = match lane {
            Lane::Reply => &mut lanes.replies,
            Lane::Bulk => &mut lanes.bulk,
        };
        let Some(Reverse((_, chat))) = heap.pop() else { return };
        let queued = lanes.queues.get_mut(&chat).and_then(|q| match lane {
            Lane::Reply => q.replies.pop_front(),
            Lane::Bulk => q.bulk.pop_front(),
        });
        let Some(queued) = queued else { return };
        lanes.busy.insert(chat);
        if queued.message.bulk {
            let unmarked = match self.store.outbox_sending(queued.item.id, chrono::Utc::now()).await {
                Ok(true) => None,
                Ok(false) => Some(Verdict::Withdrawn),
                // Not marked, so not sent: it waits for the store like any failure.
                Err(e) => Some(Verdict::Transient(format!("cannot mark the message as on its way: {e}"))),
            };
            if let Some(verdict) = unmarked {
                flights.spawn(async move { (chat, queued, verdict, None) });
                return;
            }
        }
        let now = Instant::now();
        let paid_send = paid && lane == Lane::Bulk && queued.message.edit.is_none();
        let place = match (&mut lanes.paid, paid_send) {
            (Some(w), true) => {
                w.push(now);
                Place { at: now, paid: true }
            }
            _ => {
                lanes.free.push(now);
                if lane == Lane::Bulk {
                    lanes.bulk_next = now + self.limits.bulk_spacing;
                }
                Place { at: now, paid: false }
            }
        };
        let api = api.clone();
        flights.spawn(async move {
            let verdict = api.deliver(&queued.message, paid_send).await;
            (chat, queued, verdict, Some(place))
        });
    }

    /// Writes what Telegram's answer settled: the outbox removal, and for an announcement
    /// copy (or its edit) its state in the same transaction.
    async fn write(&self, s: &Settled) -> Result<(), vicinato_store::StoreError> {
        let now = chrono::Utc::now();
        match &s.copy {
            Some((copy, state, reason, _)) if copy.correction.is_some() => {
                let edit = match state {
                    CopyState::Sent => EditState::Sent,
                    CopyState::Failed(r) | CopyState::Blocked(r) => EditState::Failed(r.clone()),
                    other => EditState::Failed(reason.clone().unwrap_or_else(|| other.as_str().to_owned())),
                };
                let (id, person) = (AnnouncementId(copy.announcement), PersonId(copy.person));
                let correction = copy.correction.unwrap_or_default();
                match &copy.room {
                    Some(room) => self
                        .store
                        .room_edit_settled(Some(s.id), id, Network::Telegram, room, correction, &edit, now)
                        .await
                        .map(drop),
                    None => self.store.edit_settled(Some(s.id), id, person, correction, &edit, now).await.map(drop),
                }
            }
            Some((copy, state, reason, message_id)) if copy.room.is_some() => self
                .store
                .room_copy_settled(
                    Some(s.id),
                    AnnouncementId(copy.announcement),
                    Network::Telegram,
                    copy.room.as_deref().unwrap_or_default(),
                    state,
                    reason.as_deref(),
                    message_id.as_deref(),
                    copy.version,
                    now,
                )
                .await
                .map(drop),
            Some((copy, state, reason, message_id)) => self
                .store
                .copy_settled(
                    Some(s.id),
                    AnnouncementId(copy.announcement),
                    PersonId(copy.person),
                    state,
                    reason.as_deref(),
                    message_id.as_deref(),
                    copy.version,
                    None,
                    now,
                )
                .await
                .map(drop),
            None => self.store.outbox_delivered(s.id).await,
        }
    }

    /// Writes what could not be written before; what fails again stays listed.
    async fn record_settled(&self, lanes: &mut Lanes) {
        let mut left = Vec::new();
        for s in std::mem::take(&mut lanes.unrecorded) {
            if let Err(e) = self.write(&s).await {
                tracing::warn!(id = s.id, error = %e, "delivered message still not recorded");
                left.push(s);
            }
        }
        lanes.unrecorded = left;
    }

    /// Records a message given up: kept in the outbox for operators, and its copy's state.
    async fn give_up(&self, queued: &Queued, state: CopyState, why: &str) {
        let id = queued.item.id;
        match queued.message.copy.clone() {
            Some(c) => {
                let s = Settled { id, copy: Some((c, state, Some(why.to_owned()), None)) };
                if let Err(e) = self.write(&s).await {
                    tracing::error!(id, error = %e, "cannot record an announcement copy given up");
                }
            }
            None => {
                let _ = self.store.outbox_undeliverable(id, why, chrono::Utc::now()).await;
            }
        }
    }

    /// Records the outcome of one request and decides what comes next for its chat. `Break`
    /// when the tests' failpoint says to stop dead.
    async fn settle(
        &self,
        lanes: &mut Lanes,
        chat: i64,
        mut queued: Queued,
        verdict: Verdict,
        place: Option<Place>,
    ) -> std::ops::ControlFlow<()> {
        lanes.busy.remove(&chat);
        let now = Instant::now();
        let id = queued.item.id;
        let mut requeue = false;
        let metrics = vicinato_core::metrics::global();
        let labels = ["telegram", self.channel.strip_prefix("telegram:").unwrap_or(&self.channel)];
        // Replies whose fate is unknown are sent again (at least once), and edits (an edit
        // made twice changes nothing); bulk messages are not.
        let edit_of_copy = queued.message.copy.as_ref().is_some_and(|c| c.correction.is_some());
        let not_carried_out = matches!(verdict, Verdict::Transient(_));
        let verdict = match verdict {
            Verdict::InDoubt(why) if !queued.message.bulk || edit_of_copy => Verdict::Transient(why),
            Verdict::SendInstead if edit_of_copy => {
                Verdict::Refused("the message to edit is gone or can no longer be edited".into())
            }
            v => v,
        };
        match verdict {
            Verdict::Delivered(message_id) => {
                self.stats.delivered.fetch_add(1, Ordering::Relaxed);
                metrics.sent.with(&labels).inc();
                if queued.message.bulk {
                    let taken = self.stats.bulk_delivered.fetch_add(1, Ordering::Relaxed) + 1;
                    if self.stop_dead_after_bulk.is_some_and(|n| taken >= n) {
                        tracing::error!("failpoint: stopping dead between Telegram's answer and its record");
                        return std::ops::ControlFlow::Break(());
                    }
                }
                let settled = Settled {
                    id,
                    copy: queued
                        .message
                        .copy
                        .clone()
                        .map(|c| (c, CopyState::Sent, None, message_id.map(|m| m.to_string()))),
                };
                if let Err(e) = self.write(&settled).await {
                    tracing::warn!(id, error = %e, "delivered message not yet recorded; will retry");
                    lanes.unrecorded.push(settled);
                }
                lanes.loaded -= 1;
                lanes.next_at.insert(chat, now + self.interval(chat));
            }
            Verdict::RetryAfter(wait) => {
                self.stats.retry_after.fetch_add(1, Ordering::Relaxed);
                metrics.rate_limited.with(&labels).inc();
                tracing::warn!(chat, ms = wait.as_millis() as u64, "Telegram asked to slow down");
                // The answer is a refusal: no doubt is left about this attempt.
                if queued.message.bulk {
                    let _ = self.store.outbox_attempt_failed(id, queued.item.attempts, "429").await;
                }
                lanes.next_at.insert(chat, now + wait);
                requeue = true;
            }
            Verdict::Transient(why) => {
                // Not carried out (a 5xx, or the request never reached Telegram): its place in
                // the budget is given back. A reply whose answer never came keeps it (it may
                // have arrived), and so does a 429: after a real refusal, the next send must
                // not come sooner.
                if let Some(p) = place.filter(|_| not_carried_out) {
                    match (&mut lanes.paid, p.paid) {
                        (Some(w), true) => w.refund(p.at),
                        _ => lanes.free.refund(p.at),
                    }
                }
                self.stats.transient.fetch_add(1, Ordering::Relaxed);
                metrics.retries.with(&labels).inc();
                queued.item.attempts += 1;
                let attempts = queued.item.attempts;
                if attempts >= self.limits.max_attempts {
                    tracing::error!(id, chat, attempts, error = %why, "message given up after repeated failures");
                    self.give_up(&queued, CopyState::Failed(why.clone()), &why).await;
                    lanes.loaded -= 1;
                } else {
                    let wait = self.backoff(attempts);
                    tracing::warn!(id, chat, attempts, error = %why, retry_in_ms = wait.as_millis() as u64, "send failed; will retry");
                    let _ = self.store.outbox_attempt_failed(id, attempts, &why).await;
                    lanes.next_at.insert(chat, now + wait);
                    requeue = true;
                }
            }
            Verdict::InDoubt(why) => {
                // A bulk message whose request may have been carried out: not sent again.
                self.stats.in_doubt.fetch_add(1, Ordering::Relaxed);
                tracing::warn!(id, chat, error = %why, "no answer for a bulk message; recorded as unconfirmed");
                let settled = Settled {
                    id,
                    copy: queued.message.copy.clone().map(|c| (c, CopyState::Sent, Some(UNCONFIRMED.to_owned()), None)),
                };
                if self.write(&settled).await.is_err() {
                    lanes.unrecorded.push(settled);
                }
                lanes.loaded -= 1;
            }
            Verdict::SendInstead => {
                queued.message.edit = None;
                requeue = true;
            }
            Verdict::Withdrawn => {
                self.stats.withdrawn.fetch_add(1, Ordering::Relaxed);
                tracing::debug!(id, chat, "a bulk message was taken back from the outbox; not sent");
                lanes.loaded -= 1;
            }
            Verdict::MovedTo(new_chat) => {
                queued.message.target = Target { chat: new_chat, thread: queued.message.target.thread };
                lanes.loaded -= 1;
                self.reenqueue(queued.message).await;
                if self.store.outbox_delivered(id).await.is_err() {
                    lanes.unrecorded.push(Settled { id, copy: None });
                }
                lanes.schedule(chat);
                return std::ops::ControlFlow::Continue(());
            }
            Verdict::Unreachable(why) => {
                self.cut_off(lanes, chat, queued, CopyState::Unreachable, &why).await;
                return std::ops::ControlFlow::Continue(());
            }
            Verdict::Blocked(why) => {
                self.cut_off(lanes, chat, queued, CopyState::Blocked(why.clone()), &why).await;
                return std::ops::ControlFlow::Continue(());
            }
            Verdict::Refused(why) => {
                self.stats.refused.fetch_add(1, Ordering::Relaxed);
                metrics.error("send_refused");
                tracing::error!(id, chat, error = %why, "Telegram refused a message");
                self.give_up(&queued, CopyState::Failed(why.clone()), &why).await;
                lanes.loaded -= 1;
            }
        }
        if requeue {
            let q = lanes.queues.entry(chat).or_default();
            if queued.message.bulk { q.bulk.push_front(queued) } else { q.replies.push_front(queued) }
        }
        if lanes.queues.get(&chat).is_some_and(ChatQueue::is_empty) {
            lanes.queues.remove(&chat);
        }
        lanes.schedule(chat);
        std::ops::ControlFlow::Continue(())
    }

    /// A chat Telegram will not let the bot write to: its account is marked unreachable, the
    /// message and every other one queued for it are given up (copies with `state`), and their
    /// fallbacks (a note in the group a private reply came from) are queued instead.
    async fn cut_off(&self, lanes: &mut Lanes, chat: i64, mut queued: Queued, state: CopyState, why: &str) {
        self.stats.unreachable.fetch_add(1, Ordering::Relaxed);
        vicinato_core::metrics::global().error("unreachable");
        if chat > 0 {
            let account = Account::new(Network::Telegram, chat.to_string());
            if let Err(e) = self.store.set_unreachable(&account, Some(chrono::Utc::now())).await {
                tracing::error!(error = %e, "cannot mark an account unreachable");
            }
        }
        tracing::info!(chat, reason = %why, "chat unreachable; message not sent");
        self.give_up(&queued, state.clone(), why).await;
        lanes.loaded -= 1;
        if let Some(rest) = lanes.queues.remove(&chat) {
            for q in rest.replies.into_iter().chain(rest.bulk) {
                self.give_up(&q, state.clone(), why).await;
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

    /// Puts a message back in the outbox as a new one (a fallback, or a moved chat).
    async fn reenqueue(&self, message: OutMessage) {
        match self.store.outbox_push(&self.channel, &[message.to_item()], None, chrono::Utc::now()).await {
            Ok(()) => self.wake.notify_one(),
            Err(e) => tracing::error!(error = %e, "cannot queue a message again"),
        }
    }
}

/// The reason kept with a copy whose request left but whose answer never came.
pub const UNCONFIRMED: &str = "unconfirmed: no answer came back from Telegram";

/// A number in [0, 1) for backoff jitter: the clock's nanoseconds through splitmix64.
fn jitter() -> f64 {
    static STATE: AtomicU64 = AtomicU64::new(0);
    let seed = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64);
    let mut z = STATE.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed) ^ seed;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
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
        assert_eq!(classify(&RequestError::Api(ApiError::MessageNotModified)), Verdict::Delivered(None));
        assert!(matches!(classify(&RequestError::Api(ApiError::BotBlocked)), Verdict::Blocked(_)));
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

    #[test]
    fn bot_api_answers_are_read_with_their_message_id_and_exact_wait() {
        let ok = r#"{"ok":true,"result":{"message_id":77,"chat":{"id":5}}}"#;
        assert_eq!(read_answer(200, ok), Verdict::Delivered(Some(77)));
        let wait = r#"{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 7","parameters":{"retry_after":7}}"#;
        assert_eq!(read_answer(429, wait), Verdict::RetryAfter(Duration::from_secs(7)));
        let blocked = r#"{"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"}"#;
        assert_eq!(read_answer(403, blocked), Verdict::Blocked("Forbidden: bot was blocked by the user".into()));
        let gone = r#"{"ok":false,"error_code":403,"description":"Forbidden: user is deactivated"}"#;
        assert!(matches!(read_answer(403, gone), Verdict::Blocked(_)));
        let missing = r#"{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}"#;
        assert_eq!(read_answer(400, missing), Verdict::Unreachable("Bad Request: chat not found".into()));
        let boom = r#"{"ok":false,"error_code":500,"description":"Internal Server Error"}"#;
        assert_eq!(read_answer(500, boom), Verdict::Transient("Internal Server Error".into()));
        assert!(matches!(read_answer(502, "<html>Bad Gateway</html>"), Verdict::Transient(_)));
        let moved = r#"{"ok":false,"error_code":400,"description":"Bad Request: group chat was upgraded to a supergroup chat","parameters":{"migrate_to_chat_id":-1001}}"#;
        assert_eq!(read_answer(400, moved), Verdict::MovedTo(-1001));
        let bad = r#"{"ok":false,"error_code":400,"description":"Bad Request: can't parse entities"}"#;
        assert!(matches!(read_answer(400, bad), Verdict::Refused(_)));
    }

    #[test]
    fn a_full_window_opens_when_its_oldest_send_is_a_window_old() {
        let t0 = Instant::now();
        let mut w = Window::new(Duration::from_millis(1035), 3);
        for i in 0..3 {
            assert!(w.open_at(t0) <= t0 + Duration::from_millis(i));
            w.push(t0 + Duration::from_millis(i * 10));
        }
        assert_eq!(w.open_at(t0), t0 + Duration::from_millis(1035));
        w.push(t0 + Duration::from_millis(1035));
        assert_eq!(w.open_at(t0), t0 + Duration::from_millis(1045));
    }

    #[test]
    fn a_send_telegram_did_not_carry_out_gives_its_place_back_and_older_sends_still_count() {
        let t0 = Instant::now();
        let ms = Duration::from_millis;
        let mut w = Window::new(ms(1035), 3);
        for i in 0..3 {
            w.push(t0 + ms(i * 10));
        }
        assert_eq!(w.open_at(t0 + ms(30)), t0 + ms(1035));
        w.refund(t0 + ms(10));
        assert_eq!(w.open_at(t0 + ms(30)), t0 + ms(30), "the place is free again at once");
        w.push(t0 + ms(30));
        assert_eq!(w.open_at(t0 + ms(40)), t0 + ms(1035), "the first send still counts until a window old");
        w.push(t0 + ms(1040));
        assert_eq!(w.open_at(t0 + ms(1040)), t0 + ms(1055));
    }
}
