//! A Telegram Bot API server on 127.0.0.1 for tests and benchmarks. It speaks the real
//! protocol (`POST /bot<TOKEN>/<method>` with JSON, the `{"ok": …}` envelope, real update
//! and message shapes), keeps offsets and long polls as Telegram does, honours
//! `allowed_updates`, checks HTML parse mode and button data as Telegram does, and enforces
//! Telegram's rate limits: a request over a limit gets a 429 with `retry_after` and is
//! recorded as a violation, so a test fails when the bot sends too fast.
//!
//! Tests play the people: a user writes in a private chat or a group (or replies there to
//! someone's message), presses a button, blocks the bot. Groups keep their members' standing
//! (member, restricted or banned, until when) and the bot's administrator rights there:
//! `getChatMember`, `restrictChatMember`, `banChatMember` and `unbanChatMember` (with
//! `until_date` and `only_if_banned`) and `deleteMessage` act on them, and answer Telegram's
//! "not enough rights" errors when the bot lacks the right. Faults can be injected for the next calls of a method: 429s, 5xx answers, answers
//! that are not JSON, and slow answers; or at random, a share of all sends ([`FaultRates`]).
//!
//! The network between the bot and the server can be given a delay and jitter ([`Path`]): each
//! request waits half the delay plus a random part of half the jitter before the server takes
//! it (and counts it against the limits), and as much again, drawn anew, before the answer
//! leaves. A round trip of 20 ms + 0–60 ms is therefore 10 + 0–30 ms each way. Randomness is
//! seeded, so a run can be repeated. `allow_paid_broadcast` on a send is accepted and lifts the
//! overall limit to [`Limits::paid_per_second`], as Telegram's paid broadcasts do.
//!
//! The calls of a method can also be held, never carried out (`stall`), as when a machine
//! dies with requests still on their way; or carried out with their answers held
//! (`hold_answers`), as when the process dies with its requests already at Telegram.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::sync::Notify;
use tokio::time::Instant;

/// Telegram's limits, as this server enforces them (sliding windows).
#[derive(Debug, Clone)]
pub struct Limits {
    /// Messages per second over all chats.
    pub global_per_second: usize,
    /// Messages per second to one chat.
    pub chat_per_second: usize,
    /// Messages per minute to one group.
    pub group_per_minute: usize,
    /// The longest a getUpdates call waits, whatever timeout it asks for.
    pub poll_cap: Duration,
    /// Messages per second over all chats for sends with `allow_paid_broadcast` (Telegram
    /// allows up to 1,000, for a fee).
    pub paid_per_second: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            global_per_second: 30,
            chat_per_second: 1,
            group_per_minute: 20,
            poll_cap: Duration::from_secs(2),
            paid_per_second: 1000,
        }
    }
}

/// The network between the bot and the server: a round trip takes `delay` plus a random part
/// of `jitter`, half of each on the way in (before the server takes the request) and half on
/// the way out, drawn independently.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Path {
    pub delay: Duration,
    pub jitter: Duration,
}

/// Faults injected at random into sends (`sendMessage`, `sendDocument`, …), as shares of all
/// of them: a 500 answer, or a 429 with `retry_after` seconds. Neither carries the send out.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct FaultRates {
    pub server_error: f64,
    pub too_many: f64,
    pub retry_after: u32,
}

/// A small seeded generator (splitmix64): the test server's only source of randomness.
#[derive(Debug, Clone)]
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// One way of a round trip on `path`.
    fn one_way(&mut self, path: Path) -> Duration {
        path.delay / 2 + path.jitter.mul_f64(self.unit() / 2.0)
    }
}

/// A command menu the bot set: its language (none for the default) and (command, description).
pub type Menu = (Option<String>, Vec<(String, String)>);

/// Rows of (label, callback data).
type Keyboard = Vec<Vec<(String, String)>>;

/// A refusal: the error code and Telegram's description.
type Refusal = (u16, String);

/// A fault for the next call of a method.
#[derive(Debug, Clone)]
pub enum Fault {
    /// 429 with this `retry_after` (seconds); the request is not carried out.
    TooManyRequests(u32),
    /// A 5xx answer in Telegram's JSON envelope; the request is not carried out.
    ServerError(u16),
    /// A 502 with an HTML body, as a proxy in front of Telegram sends it.
    NotJson,
    /// The request waits this long before it is carried out.
    Slow(Duration),
}

/// A message the bot sent, as the server keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct SentMessage {
    pub message_id: i64,
    pub chat: i64,
    pub thread: Option<i64>,
    /// The raw text as sent (HTML).
    pub html: String,
    /// The text a person sees (tags removed, entities decoded).
    pub text: String,
    /// Rows of (label, callback data).
    pub keyboard: Vec<Vec<(String, String)>>,
    /// How many times the bot edited it.
    pub edits: u32,
    /// A document (`sendDocument`) instead of text.
    pub document: Option<SentDocument>,
    /// A photo (`sendPhoto`) instead of text.
    pub photo: Option<SentPhoto>,
    /// A file sent by reference (`sendPhoto`, `sendVideo`, … with a `file_id`): its kind
    /// (`photo`, `video`, …) and id.
    pub media: Option<(String, String)>,
}

/// A photo the bot sent: the image as uploaded, its size as its header gives it, the caption.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentPhoto {
    pub name: String,
    pub bytes: Vec<u8>,
    pub width: u32,
    pub height: u32,
    /// The caption a person sees (entities decoded when it came with a parse mode).
    pub caption: String,
}

/// Telegram's limits on a photo a bot uploads: its size, its width and height added up, the
/// ratio of its sides, and its caption (in characters, after entities are parsed).
pub const MAX_PHOTO_BYTES: usize = 10 * 1024 * 1024;
pub const MAX_PHOTO_SIDES: u32 = 10_000;
pub const MAX_PHOTO_RATIO: u32 = 20;
pub const MAX_CAPTION_CHARS: usize = 1024;

/// The width and height in a PNG's header; `None` for anything else (the test server takes
/// PNG photos only, as Vicinato sends them).
fn png_dimensions(bytes: &[u8]) -> Option<(u32, u32)> {
    const SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1a, b'\n'];
    if bytes.len() < 24 || bytes[..8] != SIGNATURE || &bytes[12..16] != b"IHDR" {
        return None;
    }
    let word = |at: usize| u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
    Some((word(16), word(20)))
}

/// A file the bot sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentDocument {
    pub name: String,
    pub mime: String,
    /// The contents, read as text (the test server keeps text files whole).
    pub content: String,
}

/// Telegram's limit on a file a bot uploads.
pub const MAX_DOCUMENT_BYTES: usize = 50 * 1024 * 1024;

impl SentMessage {
    pub fn buttons(&self) -> Vec<(String, String)> {
        self.keyboard.iter().flatten().cloned().collect()
    }

    /// The callback data of the first button whose label contains `label`.
    pub fn button(&self, label: &str) -> Option<String> {
        self.buttons().into_iter().find(|(l, _)| l.contains(label)).map(|(_, d)| d)
    }
}

/// A person using Telegram.
#[derive(Debug, Clone)]
pub struct User {
    pub id: i64,
    pub first_name: String,
    pub language_code: Option<String>,
}

/// A group chat (a supergroup; a forum when `forum`).
#[derive(Debug, Clone)]
pub struct Group {
    pub id: i64,
    pub title: String,
    pub forum: bool,
}

#[derive(Debug, Clone)]
struct Webhook {
    url: String,
    secret: Option<String>,
}

#[derive(Default)]
struct Inner {
    updates: VecDeque<(i64, &'static str, Value)>,
    next_update: i64,
    allowed: Option<Vec<String>>,
    users: HashMap<i64, User>,
    started: HashSet<i64>,
    blocked: HashSet<i64>,
    groups: HashMap<i64, Group>,
    messages: Vec<SentMessage>,
    next_message: i64,
    calls: Vec<(String, Value)>,
    /// When each call of `calls` arrived, in the same order.
    call_times: Vec<Instant>,
    faults: VecDeque<(String, Fault)>,
    sends_global: VecDeque<Instant>,
    /// Paid broadcasts, counted apart from the free budget.
    sends_paid: VecDeque<Instant>,
    sends_chat: HashMap<i64, VecDeque<Instant>>,
    violations: Vec<String>,
    injected_429: u64,
    injected_5xx: u64,
    path: Path,
    rates: FaultRates,
    dice: Option<Dice>,
    /// Sends that asked for `allow_paid_broadcast`.
    paid: u64,
    pending_queries: HashSet<String>,
    answered_queries: HashSet<String>,
    next_query: u64,
    webhook: Option<Webhook>,
    poll_generation: u64,
    commands: Vec<Menu>,
    /// Users' messages in groups, by (chat, message id), for replies to quote.
    user_messages: HashMap<(i64, i64), Value>,
    /// The `file_id`s of files users sent, which the bot may send again by reference.
    files: HashSet<String>,
    deleted: HashSet<(i64, i64)>,
    members: HashMap<(i64, i64), MemberStatus>,
    bot_rights: HashMap<i64, BotRights>,
    /// Invite links the bot made, by link.
    invite_links: HashMap<String, InviteLink>,
    next_link: u64,
    /// Requests to join waiting for the bot's decision, as (chat, user).
    join_requests: HashSet<(i64, i64)>,
    /// Methods whose calls are held, never carried out, until [`TestServer::unstall`].
    stalling: HashSet<String>,
    /// Methods whose calls are carried out and their answers held until [`TestServer::unstall`].
    holding_answers: HashSet<String>,
    /// Calls held so far.
    stalled: usize,
}

/// An invite link the bot made (`createChatInviteLink`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InviteLink {
    pub link: String,
    pub chat: i64,
    pub name: Option<String>,
    /// Unix time; `None` when it never expires.
    pub expire_date: Option<i64>,
    pub creates_join_request: bool,
}

/// A member's standing in a group. `until` is a Unix time; 0 is for good.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberStatus {
    Member,
    Restricted {
        until: i64,
    },
    Banned {
        until: i64,
    },
    /// Not in the group (never joined, or removed and free to come back).
    Left,
}

/// The bot's standing in a group: an administrator with these rights, or a plain member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BotRights {
    pub admin: bool,
    pub can_restrict_members: bool,
    pub can_invite_users: bool,
    pub can_delete_messages: bool,
}

impl BotRights {
    /// An administrator with every right Vicinato needs.
    pub fn all() -> Self {
        Self { admin: true, can_restrict_members: true, can_invite_users: true, can_delete_messages: true }
    }
}

struct Shared {
    token: String,
    bot_id: i64,
    username: String,
    limits: Limits,
    inner: Mutex<Inner>,
    /// Woken when an update is queued or the bot sends something.
    news: Notify,
    /// Woken when held calls are let go.
    unstalled: Notify,
    client: http_post::Client,
}

/// Webhook deliveries: one HTTP/1.1 POST per update over a fresh TCP connection (tests use
/// plain `http://` webhooks on loopback).
pub mod http_post {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[derive(Default, Clone, Copy)]
    pub struct Client;

    impl Client {
        /// POSTs JSON and returns the status code.
        pub async fn post(&self, url: &str, secret: Option<&str>, body: &str) -> std::io::Result<u16> {
            let rest = url.strip_prefix("http://").ok_or_else(|| std::io::Error::other("only http:// webhooks"))?;
            let (host, path) = rest.split_once('/').map_or((rest, "/".to_owned()), |(h, p)| (h, format!("/{p}")));
            let mut stream = tokio::net::TcpStream::connect(host).await?;
            let mut req = format!(
                "POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
                body.len()
            );
            if let Some(s) = secret {
                req.push_str(&format!("X-Telegram-Bot-Api-Secret-Token: {s}\r\n"));
            }
            req.push_str("\r\n");
            req.push_str(body);
            stream.write_all(req.as_bytes()).await?;
            let mut answer = Vec::new();
            stream.read_to_end(&mut answer).await?;
            let head = String::from_utf8_lossy(&answer);
            head.split_whitespace()
                .nth(1)
                .and_then(|c| c.parse().ok())
                .ok_or_else(|| std::io::Error::other("no HTTP status in the answer"))
        }
    }
}

/// The running server.
pub struct TestServer {
    /// The base URL to give the bot as its API URL.
    pub url: String,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Put in a message's text, it reaches the bot as a lone UTF-16 surrogate (`\ud800` in the
/// JSON of getUpdates), as Telegram can send it.
pub const LONE_SURROGATE: &str = "\u{F8FF}lone-surrogate\u{F8FF}";

fn ok(result: Value) -> Response {
    (StatusCode::OK, axum::Json(json!({"ok": true, "result": result}))).into_response()
}

fn err(code: u16, description: &str) -> Response {
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::BAD_REQUEST);
    (status, axum::Json(json!({"ok": false, "error_code": code, "description": description}))).into_response()
}

fn too_many(retry_after: u32) -> Response {
    (
        StatusCode::TOO_MANY_REQUESTS,
        axum::Json(json!({
            "ok": false, "error_code": 429,
            "description": format!("Too Many Requests: retry after {retry_after}"),
            "parameters": {"retry_after": retry_after},
        })),
    )
        .into_response()
}

/// Methods that send a message and count against the limits.
const SENDING: [&str; 9] = [
    "sendmessage",
    "senddocument",
    "sendphoto",
    "sendvideo",
    "sendanimation",
    "sendaudio",
    "sendvoice",
    "copymessage",
    "forwardmessage",
];

/// Checks Telegram HTML: known tags, balanced, entities well formed. Returns the visible text
/// or Telegram's error description.
pub fn parse_html(html: &str) -> Result<String, String> {
    const TAGS: [&str; 16] = [
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "a",
        "code",
        "pre",
        "tg-spoiler",
        "span",
        "blockquote",
        "tg-emoji",
    ];
    let mut visible = String::new();
    let mut open: Vec<String> = Vec::new();
    let bytes = html.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'<' => {
                let end = html[i..].find('>').ok_or_else(|| {
                    format!("Bad Request: can't parse entities: Unclosed start tag at byte offset {i}")
                })? + i;
                let inner = &html[i + 1..end];
                if let Some(name) = inner.strip_prefix('/') {
                    let name = name.trim().to_lowercase();
                    match open.pop() {
                        Some(top) if top == name => {}
                        _ => {
                            return Err(format!(
                                "Bad Request: can't parse entities: Unmatched end tag at byte offset {i}, expected \"</{}>\", found \"</{name}>\"",
                                open.last().cloned().unwrap_or_default()
                            ));
                        }
                    }
                } else {
                    let name = inner.split_whitespace().next().unwrap_or_default().to_lowercase();
                    if !TAGS.contains(&name.as_str()) {
                        return Err(format!(
                            "Bad Request: can't parse entities: Unsupported start tag \"{name}\" at byte offset {i}"
                        ));
                    }
                    open.push(name);
                }
                i = end + 1;
            }
            b'&' => {
                let end = html[i..].find(';').filter(|e| *e <= 10).ok_or_else(|| {
                    format!(
                        "Bad Request: can't parse entities: Can't find end of the entity starting at byte offset {i}"
                    )
                })? + i;
                let name = &html[i + 1..end];
                let decoded = match name {
                    "lt" => '<',
                    "gt" => '>',
                    "amp" => '&',
                    "quot" => '"',
                    n if n.starts_with('#') => {
                        n[1..].parse::<u32>().ok().and_then(char::from_u32).ok_or_else(|| {
                            format!("Bad Request: can't parse entities: bad entity at byte offset {i}")
                        })?
                    }
                    _ => {
                        return Err(format!(
                            "Bad Request: can't parse entities: Unknown entity \"{name}\" at byte offset {i}"
                        ));
                    }
                };
                visible.push(decoded);
                i = end + 1;
            }
            _ => {
                let c = html[i..].chars().next().unwrap_or_default();
                visible.push(c);
                i += c.len_utf8();
            }
        }
    }
    if let Some(tag) = open.last() {
        return Err(format!(
            "Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"{tag}\""
        ));
    }
    Ok(visible)
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// How long one way of a request takes on the configured path.
    fn one_way(&self) -> Duration {
        let mut inner = self.lock();
        let path = inner.path;
        if path == Path::default() {
            return Duration::ZERO;
        }
        inner.dice.get_or_insert(Dice(7)).one_way(path)
    }

    fn bot_user(&self) -> Value {
        json!({"id": self.bot_id, "is_bot": true, "first_name": "Vicinato", "username": self.username})
    }

    fn chat_json(&self, inner: &Inner, chat: i64) -> Value {
        if let Some(g) = inner.groups.get(&chat) {
            let mut v = json!({"id": g.id, "type": "supergroup", "title": g.title});
            if g.forum {
                v["is_forum"] = json!(true);
            }
            v
        } else {
            let name = inner.users.get(&chat).map(|u| u.first_name.clone()).unwrap_or_else(|| "User".into());
            json!({"id": chat, "type": "private", "first_name": name})
        }
    }

    fn message_json(&self, inner: &Inner, m: &SentMessage) -> Value {
        let mut v = json!({
            "message_id": m.message_id, "date": 1_700_000_000, "chat": self.chat_json(inner, m.chat),
            "from": self.bot_user(),
        });
        match (&m.document, &m.photo) {
            (Some(d), _) => {
                v["document"] = json!({
                    "file_id": format!("doc-{}", m.message_id), "file_unique_id": format!("u-{}", m.message_id),
                    "file_name": d.name, "mime_type": d.mime, "file_size": d.content.len(),
                });
            }
            (None, Some(p)) => {
                v["photo"] = json!([{
                    "file_id": format!("photo-{}", m.message_id), "file_unique_id": format!("u-{}", m.message_id),
                    "file_size": p.bytes.len(), "width": p.width, "height": p.height,
                }]);
                if !p.caption.is_empty() {
                    v["caption"] = json!(p.caption);
                }
            }
            (None, None) => match &m.media {
                Some((kind, id)) => {
                    let file = json!({"file_id": id, "file_unique_id": format!("u-{id}"), "width": 1, "height": 1});
                    v[kind.as_str()] = if kind == "photo" { json!([file]) } else { file };
                }
                None => v["text"] = json!(m.text),
            },
        }
        if let Some(t) = m.thread {
            v["message_thread_id"] = json!(t);
            v["is_topic_message"] = json!(true);
        }
        if !m.keyboard.is_empty() {
            let rows: Vec<Value> = m
                .keyboard
                .iter()
                .map(|r| Value::Array(r.iter().map(|(l, d)| json!({"text": l, "callback_data": d})).collect()))
                .collect();
            v["reply_markup"] = json!({"inline_keyboard": rows});
        }
        v
    }

    /// Records a send against the windows; an error response when it is over a limit.
    fn admit_send(&self, inner: &mut Inner, chat: i64, paid: bool) -> Option<Response> {
        let now = Instant::now();
        let second = Duration::from_secs(1);
        let minute = Duration::from_secs(60);
        for sends in [&mut inner.sends_global, &mut inner.sends_paid] {
            while sends.front().is_some_and(|t| now.duration_since(*t) >= second) {
                sends.pop_front();
            }
        }
        let lane = inner.sends_chat.entry(chat).or_default();
        while lane.front().is_some_and(|t| now.duration_since(*t) >= minute) {
            lane.pop_front();
        }
        let in_second = lane.iter().filter(|t| now.duration_since(**t) < second).count();
        let global = if paid { self.limits.paid_per_second } else { self.limits.global_per_second };
        let counted = if paid { inner.sends_paid.len() } else { inner.sends_global.len() };
        let over = if counted >= global {
            Some(format!("more than {global} messages in one second overall"))
        } else if in_second >= self.limits.chat_per_second {
            Some(format!("more than {} message(s) in one second to chat {chat}", self.limits.chat_per_second))
        } else if chat < 0 && lane.len() >= self.limits.group_per_minute {
            Some(format!("more than {} messages in one minute to group {chat}", self.limits.group_per_minute))
        } else {
            None
        };
        if let Some(why) = over {
            inner.violations.push(why);
            return Some(too_many(1));
        }
        if paid {
            inner.sends_paid.push_back(now);
        } else {
            inner.sends_global.push_back(now);
        }
        inner.sends_chat.entry(chat).or_default().push_back(now);
        None
    }

    fn keyboard_of(body: &Value) -> Result<Keyboard, Refusal> {
        let Some(rows) = body.pointer("/reply_markup/inline_keyboard").and_then(Value::as_array) else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for row in rows {
            let mut r = Vec::new();
            for b in row.as_array().into_iter().flatten() {
                let label = b["text"].as_str().unwrap_or_default().to_owned();
                let data = b["callback_data"].as_str().unwrap_or_default().to_owned();
                if data.is_empty() || data.len() > 64 {
                    return Err((400, "Bad Request: BUTTON_DATA_INVALID".into()));
                }
                if label.is_empty() {
                    return Err((400, "Bad Request: text buttons are unallowed in the inline keyboard".into()));
                }
                r.push((label, data));
            }
            out.push(r);
        }
        Ok(out)
    }

    fn text_of(body: &Value) -> Result<(String, String), Refusal> {
        let html = body["text"].as_str().unwrap_or_default().to_owned();
        let visible = if body["parse_mode"].as_str() == Some("HTML") {
            parse_html(&html).map_err(|e| (400, e))?
        } else {
            html.clone()
        };
        if visible.trim().is_empty() {
            return Err((400, "Bad Request: message text is empty".into()));
        }
        if visible.encode_utf16().count() > 4096 {
            return Err((400, "Bad Request: message is too long".into()));
        }
        Ok((html, visible))
    }

    /// The text (raw and visible) and the keyboard of a message, checked as Telegram checks them.
    fn content_of(body: &Value) -> Result<(String, String, Keyboard), Refusal> {
        let (html, text) = Self::text_of(body)?;
        Ok((html, text, Self::keyboard_of(body)?))
    }

    fn chat_of(body: &Value) -> Option<i64> {
        body["chat_id"].as_i64().or_else(|| body["chat_id"].as_str().and_then(|s| s.parse().ok()))
    }

    /// Why a chat cannot be written to, as Telegram answers.
    fn unwritable(inner: &Inner, chat: i64) -> Option<Response> {
        if chat > 0 {
            if !inner.users.contains_key(&chat) {
                return Some(err(400, "Bad Request: chat not found"));
            }
            if inner.blocked.contains(&chat) {
                return Some(err(403, "Forbidden: bot was blocked by the user"));
            }
            // A pending request to join lets the bot write to the person (Telegram's
            // `user_chat_id`) until it is decided.
            let asked = inner.join_requests.iter().any(|(_, user)| *user == chat);
            if !inner.started.contains(&chat) && !asked {
                return Some(err(403, "Forbidden: bot can't initiate conversation with a user"));
            }
        } else if !inner.groups.contains_key(&chat) {
            return Some(err(400, "Bad Request: chat not found"));
        }
        None
    }

    fn user_of(body: &Value) -> Option<i64> {
        body["user_id"].as_i64().or_else(|| body["user_id"].as_str().and_then(|s| s.parse().ok()))
    }

    /// `getChatMember`: the bot's own rights, or a member's standing.
    fn get_chat_member(&self, body: &Value) -> Response {
        let (Some(chat), Some(user)) = (Self::chat_of(body), Self::user_of(body)) else {
            return err(400, "Bad Request: chat_id and user_id are required");
        };
        let inner = self.lock();
        if !inner.groups.contains_key(&chat) {
            return err(400, "Bad Request: chat not found");
        }
        if user == self.bot_id {
            let r = inner.bot_rights.get(&chat).copied().unwrap_or_default();
            if !r.admin {
                return ok(json!({"status": "member", "user": self.bot_user()}));
            }
            return ok(json!({
                "status": "administrator", "user": self.bot_user(), "can_be_edited": false, "is_anonymous": false,
                "can_manage_chat": true, "can_change_info": false, "can_delete_messages": r.can_delete_messages,
                "can_manage_video_chats": false, "can_invite_users": r.can_invite_users,
                "can_restrict_members": r.can_restrict_members, "can_promote_members": false,
                "can_pin_messages": false, "can_post_stories": false, "can_edit_stories": false,
                "can_delete_stories": false,
            }));
        }
        let Some(u) = inner.users.get(&user) else { return err(400, "Bad Request: user not found") };
        let user_json = TestServer::user_json(u);
        let answer = match inner.members.get(&(chat, user)).copied().unwrap_or(MemberStatus::Left) {
            MemberStatus::Member => json!({"status": "member", "user": user_json}),
            MemberStatus::Left => json!({"status": "left", "user": user_json}),
            MemberStatus::Banned { until } => json!({"status": "kicked", "user": user_json, "until_date": until}),
            MemberStatus::Restricted { until } => json!({
                "status": "restricted", "user": user_json, "until_date": until, "is_member": true,
                "can_send_messages": false, "can_send_audios": false, "can_send_documents": false,
                "can_send_photos": false, "can_send_videos": false, "can_send_video_notes": false,
                "can_send_voice_notes": false, "can_send_polls": false, "can_send_other_messages": false,
                "can_add_web_page_previews": false, "can_change_info": false, "can_invite_users": false,
                "can_pin_messages": false, "can_manage_topics": false,
            }),
        };
        ok(answer)
    }

    /// The group and member of a moderation call, once the bot may make it.
    /// The chat and member of a restrict, ban or unban call, when the bot may restrict there.
    fn restriction_target(&self, inner: &Inner, body: &Value) -> Result<(i64, i64), Refusal> {
        self.moderation_target(
            inner,
            body,
            |r| r.can_restrict_members,
            "Bad Request: not enough rights to restrict/unrestrict chat member",
        )
    }

    fn moderation_target(
        &self,
        inner: &Inner,
        body: &Value,
        right: fn(&BotRights) -> bool,
        refusal: &str,
    ) -> Result<(i64, i64), Refusal> {
        let (Some(chat), Some(user)) = (Self::chat_of(body), Self::user_of(body)) else {
            return Err((400, "Bad Request: chat_id and user_id are required".into()));
        };
        if !inner.groups.contains_key(&chat) {
            return Err((400, "Bad Request: chat not found".into()));
        }
        let rights = inner.bot_rights.get(&chat).copied().unwrap_or_default();
        if !rights.admin || !right(&rights) {
            return Err((400, refusal.into()));
        }
        if !inner.users.contains_key(&user) {
            return Err((400, "Bad Request: user not found".into()));
        }
        Ok((chat, user))
    }

    /// `restrictChatMember`: every `can_send_*` false restricts (until `until_date`, 0 or
    /// none for good); every one true lifts the restriction.
    fn restrict_chat_member(&self, body: &Value) -> Response {
        let mut inner = self.lock();
        let (chat, user) = match self.restriction_target(&inner, body) {
            Ok(t) => t,
            Err((code, why)) => return err(code, &why),
        };
        let may_send = body["permissions"]["can_send_messages"].as_bool().unwrap_or(false);
        let until = body["until_date"].as_i64().unwrap_or(0);
        let status = inner.members.entry((chat, user)).or_insert(MemberStatus::Member);
        if matches!(status, MemberStatus::Banned { .. } | MemberStatus::Left) {
            // Telegram keeps the restriction for when they come back; the test server keeps
            // their absence, which is what a test looks at.
            return ok(json!(true));
        }
        *status = if may_send { MemberStatus::Member } else { MemberStatus::Restricted { until } };
        ok(json!(true))
    }

    fn ban_chat_member(&self, body: &Value) -> Response {
        let mut inner = self.lock();
        let (chat, user) = match self.restriction_target(&inner, body) {
            Ok(t) => t,
            Err((code, why)) => return err(code, &why),
        };
        let until = body["until_date"].as_i64().unwrap_or(0);
        inner.members.insert((chat, user), MemberStatus::Banned { until });
        ok(json!(true))
    }

    /// `unbanChatMember`: with `only_if_banned`, a member who is not banned is left alone;
    /// without it, a member in the group is removed (free to come back), as Telegram does.
    fn unban_chat_member(&self, body: &Value) -> Response {
        let mut inner = self.lock();
        let (chat, user) = match self.restriction_target(&inner, body) {
            Ok(t) => t,
            Err((code, why)) => return err(code, &why),
        };
        let only_if_banned = body["only_if_banned"].as_bool().unwrap_or(false);
        let status = inner.members.entry((chat, user)).or_insert(MemberStatus::Left);
        match status {
            MemberStatus::Banned { .. } => *status = MemberStatus::Left,
            _ if only_if_banned => {}
            _ => *status = MemberStatus::Left,
        }
        ok(json!(true))
    }

    fn delete_message(&self, body: &Value) -> Response {
        let mut inner = self.lock();
        let Some(chat) = Self::chat_of(body) else { return err(400, "Bad Request: chat_id is required") };
        let Some(id) = body["message_id"].as_i64() else { return err(400, "Bad Request: message_id is required") };
        if inner.groups.contains_key(&chat) {
            let rights = inner.bot_rights.get(&chat).copied().unwrap_or_default();
            let own = inner.messages.iter().any(|m| m.chat == chat && m.message_id == id);
            if !(own || rights.admin && rights.can_delete_messages) {
                return err(400, "Bad Request: message can't be deleted");
            }
        }
        let exists = inner.user_messages.contains_key(&(chat, id))
            || inner.messages.iter().any(|m| m.chat == chat && m.message_id == id);
        if !exists || inner.deleted.contains(&(chat, id)) {
            return err(400, "Bad Request: message to delete not found");
        }
        inner.deleted.insert((chat, id));
        ok(json!(true))
    }

    /// `createChatInviteLink`: the bot must be an administrator that may invite; a link that
    /// asks for approval takes no member limit; a name is at most 32 characters.
    fn create_chat_invite_link(&self, body: &Value) -> Response {
        let mut inner = self.lock();
        let Some(chat) = Self::chat_of(body) else { return err(400, "Bad Request: chat_id is required") };
        if !inner.groups.contains_key(&chat) {
            return err(400, "Bad Request: chat not found");
        }
        let rights = inner.bot_rights.get(&chat).copied().unwrap_or_default();
        if !rights.admin || !rights.can_invite_users {
            return err(400, "Bad Request: not enough rights to manage chat invite links");
        }
        let creates_join_request = body["creates_join_request"].as_bool().unwrap_or(false);
        if creates_join_request && !body["member_limit"].is_null() {
            return err(400, "Bad Request: member limit can't be specified for links requiring administrator approval");
        }
        let name = body["name"].as_str().map(str::to_owned);
        if name.as_ref().is_some_and(|n| n.chars().count() > 32) {
            return err(400, "Bad Request: invite link name is too long");
        }
        inner.next_link += 1;
        let link = format!("https://t.me/+test{chat}x{}", inner.next_link);
        let value = InviteLink {
            link: link.clone(),
            chat,
            name,
            expire_date: body["expire_date"].as_i64(),
            creates_join_request,
        };
        let answer = self.invite_json(&value);
        inner.invite_links.insert(link, value);
        ok(answer)
    }

    fn invite_json(&self, l: &InviteLink) -> Value {
        let mut v = json!({
            "invite_link": l.link, "creator": self.bot_user(), "creates_join_request": l.creates_join_request,
            "is_primary": false, "is_revoked": false,
        });
        if let Some(n) = &l.name {
            v["name"] = json!(n);
        }
        if let Some(e) = l.expire_date {
            v["expire_date"] = json!(e);
        }
        v
    }

    /// `approveChatJoinRequest` and `declineChatJoinRequest`: the bot must be an
    /// administrator that may invite, and the request must be waiting (else Telegram's
    /// `HIDE_REQUESTER_MISSING`). Approving makes the person a member.
    fn decide_join_request(&self, body: &Value, approve: bool) -> Response {
        let mut inner = self.lock();
        let (chat, user) = match self.moderation_target(
            &inner,
            body,
            |r| r.can_invite_users,
            "Bad Request: not enough rights to manage join requests",
        ) {
            Ok(t) => t,
            Err((code, why)) => return err(code, &why),
        };
        if !inner.join_requests.remove(&(chat, user)) {
            return err(400, "Bad Request: HIDE_REQUESTER_MISSING");
        }
        if approve {
            inner.members.insert((chat, user), MemberStatus::Member);
        }
        ok(json!(true))
    }

    /// `sendDocument` with an uploaded file: the same chat checks and limits as a message.
    fn send_document(&self, body: &Value) -> Response {
        let Some(chat) = Self::chat_of(body) else { return err(400, "Bad Request: chat_id is empty") };
        let inner = self.lock();
        if let Some(refused) = Self::unwritable(&inner, chat) {
            return refused;
        }
        // Uploads come as `attach://<part>` with the file in that part, as teloxide sends them.
        let file = match body["document"].as_str().and_then(|d| d.strip_prefix("attach://")) {
            Some(part) => &body[part],
            None => &body["document"],
        };
        let (Some(name), Some(content)) = (file["filename"].as_str(), file["content"].as_str()) else {
            return err(400, "Bad Request: there is no document in the request");
        };
        if name.is_empty() || content.is_empty() {
            return err(400, "Bad Request: file must be non-empty");
        }
        if content.len() > MAX_DOCUMENT_BYTES {
            return err(413, "Request Entity Too Large");
        }
        let keyboard = match Self::keyboard_of(body) {
            Ok(k) => k,
            Err((code, description)) => return err(code, &description),
        };
        let document = SentDocument {
            name: name.to_owned(),
            mime: file["content_type"].as_str().unwrap_or("application/octet-stream").to_owned(),
            content: content.to_owned(),
        };
        self.record(inner, chat, body, (String::new(), String::new(), keyboard), (Some(document), None, None))
    }

    /// `sendPhoto` with an uploaded image: the chat checks and limits of a message, and
    /// Telegram's limits on photos and captions.
    fn send_photo(&self, body: &Value) -> Response {
        let Some(chat) = Self::chat_of(body) else { return err(400, "Bad Request: chat_id is empty") };
        let inner = self.lock();
        if let Some(refused) = Self::unwritable(&inner, chat) {
            return refused;
        }
        let file = match body["photo"].as_str().and_then(|d| d.strip_prefix("attach://")) {
            Some(part) => &body[part],
            None => &body["photo"],
        };
        let Some(bytes) = file["base64"].as_str().and_then(decode_base64) else {
            return err(400, "Bad Request: there is no photo in the request");
        };
        if bytes.is_empty() {
            return err(400, "Bad Request: file must be non-empty");
        }
        if bytes.len() > MAX_PHOTO_BYTES {
            return err(400, "Bad Request: file is too big");
        }
        let Some((width, height)) = png_dimensions(&bytes) else {
            return err(400, "Bad Request: IMAGE_PROCESS_FAILED");
        };
        let (long, short) = (width.max(height), width.min(height));
        if width == 0 || height == 0 || width + height > MAX_PHOTO_SIDES || long > short * MAX_PHOTO_RATIO {
            return err(400, "Bad Request: PHOTO_INVALID_DIMENSIONS");
        }
        let raw = match &body["caption"] {
            Value::String(c) => c.clone(),
            Value::Null => String::new(),
            other => other.to_string(),
        };
        let caption = if body["parse_mode"].as_str() == Some("HTML") {
            match parse_html(&raw) {
                Ok(text) => text,
                Err(e) => return err(400, &format!("Bad Request: can't parse entities: {e}")),
            }
        } else {
            raw
        };
        if caption.chars().count() > MAX_CAPTION_CHARS {
            return err(400, "Bad Request: message caption is too long");
        }
        let keyboard = match Self::keyboard_of(body) {
            Ok(k) => k,
            Err((code, description)) => return err(code, &description),
        };
        let name = file["filename"].as_str().unwrap_or("photo").to_owned();
        let photo = SentPhoto { name, bytes, width, height, caption };
        self.record(inner, chat, body, (String::new(), String::new(), keyboard), (None, Some(photo), None))
    }

    /// `sendPhoto`, `sendVideo`, `sendAnimation`, `sendDocument`, `sendAudio` or `sendVoice`
    /// with the `file_id` of a file a user sent: the chat checks and limits of a message, and
    /// Telegram's refusal of an id it never gave.
    fn send_by_reference(&self, body: &Value, kind: &str) -> Response {
        let Some(chat) = Self::chat_of(body) else { return err(400, "Bad Request: chat_id is empty") };
        let inner = self.lock();
        if let Some(refused) = Self::unwritable(&inner, chat) {
            return refused;
        }
        let Some(id) = body[kind].as_str().filter(|id| inner.files.contains(*id)) else {
            return err(400, "Bad Request: wrong file identifier/HTTP URL specified");
        };
        let media = Some((kind.to_owned(), id.to_owned()));
        self.record(inner, chat, body, (String::new(), String::new(), Vec::new()), (None, None, media))
    }

    /// Whether a `sendPhoto` or `sendDocument` names a file by reference rather than uploading it.
    fn by_reference(body: &Value, kind: &str) -> bool {
        body[kind].as_str().is_some_and(|v| !v.starts_with("attach://"))
    }

    /// Admits a send against the limits, keeps the message and answers with it.
    fn record(
        &self,
        mut inner: MutexGuard<'_, Inner>,
        chat: i64,
        body: &Value,
        (html, text, keyboard): (String, String, Keyboard),
        (document, photo, media): (Option<SentDocument>, Option<SentPhoto>, Option<(String, String)>),
    ) -> Response {
        let paid = body["allow_paid_broadcast"].as_bool() == Some(true);
        if paid {
            inner.paid += 1;
        }
        if let Some(limited) = self.admit_send(&mut inner, chat, paid) {
            return limited;
        }
        inner.next_message += 1;
        let m = SentMessage {
            message_id: inner.next_message,
            chat,
            thread: body["message_thread_id"].as_i64(),
            html,
            text,
            keyboard,
            edits: 0,
            document,
            photo,
            media,
        };
        let v = self.message_json(&inner, &m);
        inner.messages.push(m);
        drop(inner);
        self.news.notify_waiters();
        ok(v)
    }

    fn send_message(&self, body: &Value) -> Response {
        let Some(chat) = Self::chat_of(body) else { return err(400, "Bad Request: chat_id is empty") };
        let inner = self.lock();
        if let Some(refused) = Self::unwritable(&inner, chat) {
            return refused;
        }
        let content = match Self::content_of(body) {
            Ok(c) => c,
            Err((code, description)) => return err(code, &description),
        };
        self.record(inner, chat, body, content, (None, None, None))
    }

    fn edit_message_text(&self, body: &Value) -> Response {
        let Some(chat) = Self::chat_of(body) else { return err(400, "Bad Request: chat_id is empty") };
        let id = body["message_id"].as_i64().unwrap_or_default();
        let (html, text, keyboard) = match Self::content_of(body) {
            Ok(c) => c,
            Err((code, description)) => return err(code, &description),
        };
        let mut inner = self.lock();
        let Some(index) = inner.messages.iter().position(|m| m.chat == chat && m.message_id == id) else {
            return err(400, "Bad Request: message to edit not found");
        };
        {
            let m = &inner.messages[index];
            if m.html == html && m.keyboard == keyboard {
                return err(
                    400,
                    "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
                );
            }
        }
        let m = &mut inner.messages[index];
        m.html = html;
        m.text = text;
        m.keyboard = keyboard;
        m.edits += 1;
        let m = m.clone();
        let v = self.message_json(&inner, &m);
        drop(inner);
        self.news.notify_waiters();
        ok(v)
    }

    async fn get_updates(&self, body: &Value) -> Response {
        let offset = body["offset"].as_i64().unwrap_or(0);
        let limit = body["limit"].as_u64().unwrap_or(100).clamp(1, 100) as usize;
        let timeout = Duration::from_secs(body["timeout"].as_u64().unwrap_or(0)).min(self.limits.poll_cap);
        let generation = {
            let mut inner = self.lock();
            if inner.webhook.is_some() {
                return err(
                    409,
                    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
                );
            }
            if let Some(allowed) = body["allowed_updates"].as_array() {
                inner.allowed = Some(allowed.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect());
            }
            // An offset confirms every update before it.
            while inner.updates.front().is_some_and(|(id, _, _)| *id < offset) {
                inner.updates.pop_front();
            }
            inner.poll_generation += 1;
            inner.poll_generation
        };
        let deadline = Instant::now() + timeout;
        loop {
            let notified = self.news.notified();
            {
                let mut inner = self.lock();
                if inner.poll_generation != generation {
                    return err(
                        409,
                        "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
                    );
                }
                let allowed = inner.allowed.clone();
                let wanted = |kind: &str| allowed.as_ref().is_none_or(|a| a.is_empty() || a.iter().any(|k| k == kind));
                // Kinds the bot did not ask for are never delivered.
                inner.updates.retain(|(_, kind, _)| wanted(kind));
                let batch: Vec<Value> = inner.updates.iter().take(limit).map(|(_, _, v)| v.clone()).collect();
                if !batch.is_empty() || Instant::now() >= deadline {
                    let text = json!({"ok": true, "result": batch}).to_string();
                    if text.contains(LONE_SURROGATE) {
                        // Telegram's JSON may carry a lone UTF-16 surrogate, which no Rust string holds.
                        let body = text.replace(LONE_SURROGATE, "\\ud800");
                        return (StatusCode::OK, [(axum::http::header::CONTENT_TYPE, "application/json")], body)
                            .into_response();
                    }
                    return ok(Value::Array(batch));
                }
            }
            tokio::select! {
                _ = notified => {}
                _ = tokio::time::sleep_until(deadline) => {}
            }
        }
    }

    fn answer_callback_query(&self, body: &Value) -> Response {
        let id = body["callback_query_id"].as_str().unwrap_or_default().to_owned();
        let mut inner = self.lock();
        if !inner.pending_queries.remove(&id) {
            return err(400, "Bad Request: query is too old and response timeout expired or query id is invalid");
        }
        inner.answered_queries.insert(id);
        ok(json!(true))
    }

    fn set_webhook(self: &Arc<Self>, body: &Value) -> Response {
        let url = body["url"].as_str().unwrap_or_default().to_owned();
        let mut inner = self.lock();
        if url.is_empty() {
            inner.webhook = None;
            return ok(json!(true));
        }
        if let Some(allowed) = body["allowed_updates"].as_array() {
            inner.allowed = Some(allowed.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect());
        }
        inner.webhook = Some(Webhook { url, secret: body["secret_token"].as_str().map(str::to_owned) });
        drop(inner);
        let shared = self.clone();
        tokio::spawn(async move { shared.deliver_by_webhook().await });
        ok(json!(true))
    }

    /// Posts queued updates to the webhook one at a time, in order, until each gets a 200;
    /// like Telegram, it tries again after a failure.
    async fn deliver_by_webhook(self: Arc<Self>) {
        loop {
            let notified = self.news.notified();
            let next = {
                let mut inner = self.lock();
                let Some(hook) = inner.webhook.clone() else { return };
                let allowed = inner.allowed.clone();
                let wanted = |kind: &str| allowed.as_ref().is_none_or(|a| a.is_empty() || a.iter().any(|k| k == kind));
                inner.updates.retain(|(_, kind, _)| wanted(kind));
                inner.updates.front().cloned().map(|u| (hook, u))
            };
            match next {
                None => {
                    tokio::select! {
                        _ = notified => {}
                        _ = tokio::time::sleep(Duration::from_millis(200)) => {}
                    }
                }
                Some((hook, (id, _, update))) => {
                    let body = update.to_string().replace(LONE_SURROGATE, "\\ud800");
                    match self.client.post(&hook.url, hook.secret.as_deref(), &body).await {
                        Ok(200) => {
                            let mut inner = self.lock();
                            if inner.updates.front().is_some_and(|(first, _, _)| *first == id) {
                                inner.updates.pop_front();
                            }
                        }
                        _ => tokio::time::sleep(Duration::from_millis(300)).await,
                    }
                }
            }
        }
    }
}

/// Reads a multipart/form-data body (teloxide sends methods that may carry a file this way)
/// into a JSON object; each field's value is read as JSON when it is JSON, else as text. A
/// file part becomes `{"filename", "content_type", "content", "base64"}`: the content read as
/// text, and the exact bytes in base64 (a photo is binary).
fn multipart_fields(content_type: &str, body: &[u8]) -> Option<Value> {
    let boundary = content_type.split("boundary=").nth(1)?.trim_matches('"');
    let delimiter = format!("--{boundary}").into_bytes();
    let mut fields = serde_json::Map::new();
    for part in split_bytes(body, &delimiter) {
        let Some(at) = find_bytes(part, b"\r\n\r\n") else { continue };
        let head = String::from_utf8_lossy(&part[..at]);
        let raw = &part[at + 4..];
        let raw = raw.strip_suffix(b"\r\n").unwrap_or(raw);
        let Some(name) = head.split("name=\"").nth(1).and_then(|r| r.split('"').next()) else { continue };
        let value = String::from_utf8_lossy(raw).into_owned();
        if let Some(filename) = head.split("filename=\"").nth(1).and_then(|r| r.split('"').next()) {
            let content_type = head
                .lines()
                .find_map(|l| l.strip_prefix("Content-Type:").or_else(|| l.strip_prefix("content-type:")))
                .map(|t| t.trim().to_owned());
            fields.insert(
                name.to_owned(),
                json!({"filename": filename, "content_type": content_type, "content": value, "base64": encode_base64(raw)}),
            );
            continue;
        }
        let parsed = serde_json::from_str(&value).unwrap_or(Value::String(value));
        fields.insert(name.to_owned(), parsed);
    }
    Some(Value::Object(fields))
}

fn find_bytes(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The pieces of `body` between occurrences of `delimiter`.
fn split_bytes<'a>(mut body: &'a [u8], delimiter: &[u8]) -> Vec<&'a [u8]> {
    let mut parts = Vec::new();
    while let Some(at) = find_bytes(body, delimiter) {
        parts.push(&body[..at]);
        body = &body[at + delimiter.len()..];
    }
    parts.push(body);
    parts
}

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding (the test server's own, to keep the file's bytes in JSON).
fn encode_base64(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(BASE64[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.bytes().filter(|&c| c != b'=') {
        let v = BASE64.iter().position(|&b| b == c)? as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits & 0xff) as u8);
        }
    }
    Some(out)
}

async fn handle(State(shared): State<Arc<Shared>>, headers: HeaderMap, uri: Uri, body: Bytes) -> Response {
    let way_in = shared.one_way();
    if !way_in.is_zero() {
        tokio::time::sleep(way_in).await;
    }
    let answer = take(&shared, &headers, &uri, body).await;
    let way_out = shared.one_way();
    if !way_out.is_zero() {
        tokio::time::sleep(way_out).await;
    }
    answer
}

/// A random fault for a send, drawn from the configured rates.
fn random_fault(inner: &mut Inner) -> Option<Fault> {
    let rates = inner.rates;
    if rates.server_error <= 0.0 && rates.too_many <= 0.0 {
        return None;
    }
    let roll = inner.dice.get_or_insert(Dice(7)).unit();
    if roll < rates.server_error {
        Some(Fault::ServerError(500))
    } else if roll < rates.server_error + rates.too_many {
        Some(Fault::TooManyRequests(rates.retry_after))
    } else {
        None
    }
}

/// The request as the server takes it, once it arrived.
async fn take(shared: &Arc<Shared>, headers: &HeaderMap, uri: &Uri, body: Bytes) -> Response {
    let path = uri.path();
    let Some(rest) = path.strip_prefix("/bot") else { return err(404, "Not Found") };
    let Some((token, method)) = rest.rsplit_once('/') else { return err(404, "Not Found") };
    if token != shared.token {
        return err(401, "Unauthorized");
    }
    let method = method.to_lowercase();
    let content_type = headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default();
    let body: Value = if body.is_empty() {
        json!({})
    } else if content_type.starts_with("multipart/form-data") {
        match multipart_fields(content_type, &body) {
            Some(v) => v,
            None => return err(400, "Bad Request: malformed multipart body"),
        }
    } else {
        match serde_json::from_slice(&body) {
            Ok(v) => v,
            Err(_) => return err(400, "Bad Request: the request body is not JSON"),
        }
    };
    let fault = {
        let mut inner = shared.lock();
        inner.calls.push((method.clone(), body.clone()));
        inner.call_times.push(Instant::now());
        let found = inner.faults.iter().position(|(m, _)| *m == method || m == "*");
        let queued = found.and_then(|i| inner.faults.remove(i)).map(|(_, f)| f);
        queued.or_else(|| if SENDING.contains(&method.as_str()) { random_fault(&mut inner) } else { None })
    };
    match fault {
        Some(Fault::TooManyRequests(s)) => {
            shared.lock().injected_429 += 1;
            return too_many(s);
        }
        Some(Fault::ServerError(code)) => {
            shared.lock().injected_5xx += 1;
            return err(code, "Internal Server Error");
        }
        Some(Fault::NotJson) => {
            return (StatusCode::BAD_GATEWAY, "<html><body><h1>502 Bad Gateway</h1></body></html>").into_response();
        }
        Some(Fault::Slow(d)) => tokio::time::sleep(d).await,
        None => {}
    }
    let held = {
        let mut inner = shared.lock();
        let held = inner.stalling.contains(&method);
        inner.stalled += usize::from(held);
        held
    };
    if held {
        // Held until let go, then refused without being carried out (a 429 asking to try again
        // in a second: a 5xx would make teloxide wait 10 s), as if it never reached Telegram;
        // a process killed meanwhile never reads the answer.
        loop {
            let let_go = shared.unstalled.notified();
            if !shared.lock().stalling.contains(&method) {
                break;
            }
            let_go.await;
        }
        return too_many(1);
    }
    let answer = match method.as_str() {
        "getme" => ok(json!({
            "id": shared.bot_id, "is_bot": true, "first_name": "Vicinato", "username": shared.username,
            "can_join_groups": true, "can_read_all_group_messages": false, "supports_inline_queries": false,
            "can_connect_to_business": false, "has_main_web_app": false,
        })),
        "getwebhookinfo" => {
            let inner = shared.lock();
            let url = inner.webhook.as_ref().map(|w| w.url.clone()).unwrap_or_default();
            ok(json!({"url": url, "has_custom_certificate": false, "pending_update_count": inner.updates.len()}))
        }
        "deletewebhook" => {
            let mut inner = shared.lock();
            inner.webhook = None;
            if body["drop_pending_updates"].as_bool() == Some(true) {
                inner.updates.clear();
            }
            ok(json!(true))
        }
        "setwebhook" => shared.set_webhook(&body),
        "getupdates" => shared.get_updates(&body).await,
        "sendmessage" => shared.send_message(&body),
        "senddocument" if Shared::by_reference(&body, "document") => shared.send_by_reference(&body, "document"),
        "sendphoto" if Shared::by_reference(&body, "photo") => shared.send_by_reference(&body, "photo"),
        "senddocument" => shared.send_document(&body),
        "sendphoto" => shared.send_photo(&body),
        "sendvideo" => shared.send_by_reference(&body, "video"),
        "sendanimation" => shared.send_by_reference(&body, "animation"),
        "sendaudio" => shared.send_by_reference(&body, "audio"),
        "sendvoice" => shared.send_by_reference(&body, "voice"),
        "editmessagetext" => shared.edit_message_text(&body),
        "answercallbackquery" => shared.answer_callback_query(&body),
        "getchatmember" => shared.get_chat_member(&body),
        "restrictchatmember" => shared.restrict_chat_member(&body),
        "banchatmember" => shared.ban_chat_member(&body),
        "unbanchatmember" => shared.unban_chat_member(&body),
        "deletemessage" => shared.delete_message(&body),
        "createchatinvitelink" => shared.create_chat_invite_link(&body),
        "approvechatjoinrequest" => shared.decide_join_request(&body, true),
        "declinechatjoinrequest" => shared.decide_join_request(&body, false),
        "setmycommands" => {
            let commands = body["commands"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|c| {
                    (
                        c["command"].as_str().unwrap_or_default().to_owned(),
                        c["description"].as_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect();
            shared.lock().commands.push((body["language_code"].as_str().map(str::to_owned), commands));
            ok(json!(true))
        }
        _ if SENDING.contains(&method.as_str()) => err(400, "Bad Request: this test server does not take this method"),
        _ => err(404, "Not Found: method not found"),
    };
    let hold = {
        let mut inner = shared.lock();
        // Only what was carried out: a refusal (a 429) goes back at once.
        let hold = inner.holding_answers.contains(&method) && answer.status() == StatusCode::OK;
        inner.stalled += usize::from(hold);
        hold
    };
    if hold {
        // Carried out, and the answer held until let go: a process killed meanwhile never
        // reads it, as when it dies with its requests already at Telegram.
        loop {
            let let_go = shared.unstalled.notified();
            if !shared.lock().holding_answers.contains(&method) {
                break;
            }
            let_go.await;
        }
    }
    answer
}

impl TestServer {
    /// Starts a server for a bot with this token, with Telegram's limits.
    pub async fn start(token: &str) -> std::io::Result<Self> {
        Self::with_limits(token, Limits::default()).await
    }

    pub async fn with_limits(token: &str, limits: Limits) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}", listener.local_addr()?);
        let shared = Arc::new(Shared {
            token: token.to_owned(),
            bot_id: 4242,
            username: "VicinatoTestBot".into(),
            limits,
            inner: Mutex::new(Inner { next_update: 1, ..Inner::default() }),
            news: Notify::new(),
            unstalled: Notify::new(),
            client: http_post::Client,
        });
        let app = axum::Router::new().fallback(handle).with_state(shared.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Self { url, shared, task })
    }

    pub fn bot_username(&self) -> String {
        self.shared.username.clone()
    }

    /// A person with a Telegram account (they have not written to the bot yet).
    pub fn user(&self, id: i64, first_name: &str, language_code: Option<&str>) -> User {
        let user = User { id, first_name: first_name.to_owned(), language_code: language_code.map(str::to_owned) };
        self.shared.lock().users.insert(id, user.clone());
        user
    }

    pub fn group(&self, id: i64, title: &str, forum: bool) -> Group {
        let group = Group { id, title: title.to_owned(), forum };
        self.shared.lock().groups.insert(id, group.clone());
        group
    }

    fn user_json(user: &User) -> Value {
        let mut v = json!({"id": user.id, "is_bot": false, "first_name": user.first_name});
        if let Some(l) = &user.language_code {
            v["language_code"] = json!(l);
        }
        v
    }

    fn push_update(&self, inner: &mut Inner, kind: &'static str, payload: Value) -> i64 {
        let id = inner.next_update;
        inner.next_update += 1;
        let mut update = json!({"update_id": id});
        update[kind] = payload;
        inner.updates.push_back((id, kind, update));
        id
    }

    fn text_message(&self, inner: &mut Inner, user: &User, chat: Value, text: &str, thread: Option<i64>) -> Value {
        inner.next_message += 1;
        let mut m = json!({
            "message_id": inner.next_message, "date": 1_700_000_000, "chat": chat,
            "from": Self::user_json(user), "text": text,
        });
        if text.starts_with('/') {
            let len = text.split_whitespace().next().unwrap_or_default().encode_utf16().count();
            m["entities"] = json!([{"type": "bot_command", "offset": 0, "length": len}]);
        }
        if let Some(t) = thread {
            m["message_thread_id"] = json!(t);
            m["is_topic_message"] = json!(true);
        }
        m
    }

    /// The user writes to the bot in a private chat; returns the update id.
    pub fn user_says(&self, user: &User, text: &str) -> i64 {
        let id = {
            let mut inner = self.shared.lock();
            inner.started.insert(user.id);
            inner.blocked.remove(&user.id);
            let chat = json!({"id": user.id, "type": "private", "first_name": user.first_name});
            let m = self.text_message(&mut inner, user, chat, text, None);
            self.push_update(&mut inner, "message", m)
        };
        self.shared.news.notify_waiters();
        id
    }

    /// The user sends something without text (a sticker) in a private chat.
    pub fn user_sends_sticker(&self, user: &User) -> i64 {
        let id = {
            let mut inner = self.shared.lock();
            inner.started.insert(user.id);
            inner.next_message += 1;
            let m = json!({
                "message_id": inner.next_message, "date": 1_700_000_000,
                "chat": {"id": user.id, "type": "private", "first_name": user.first_name},
                "from": Self::user_json(user),
                "sticker": {"file_id": "s1", "file_unique_id": "u1", "type": "regular", "width": 512, "height": 512,
                            "is_animated": false, "is_video": false},
            });
            self.push_update(&mut inner, "message", m)
        };
        self.shared.news.notify_waiters();
        id
    }

    /// The user writes in a group (in a forum topic when `thread` is set).
    pub fn user_says_in(&self, user: &User, group: &Group, text: &str, thread: Option<i64>) -> i64 {
        let id = {
            let mut inner = self.shared.lock();
            let chat = self.shared.chat_json(&inner, group.id);
            let m = self.text_message(&mut inner, user, chat, text, thread);
            self.push_update(&mut inner, "message", m)
        };
        self.shared.news.notify_waiters();
        id
    }

    /// The user writes in a group; returns the message's id (for replies and deletion). The
    /// user becomes a member of the group.
    pub fn user_posts_in(&self, user: &User, group: &Group, text: &str) -> i64 {
        self.user_replies_in(user, group, text, None)
    }

    /// The user forwards a photo into a group, with a caption, from another chat; returns the
    /// message's id and the photo's `file_id` (which the bot may send again). The user becomes a
    /// member of the group.
    pub fn user_forwards_photo_in(&self, user: &User, group: &Group, caption: &str) -> (i64, String) {
        let (id, file) = {
            let mut inner = self.shared.lock();
            inner.members.entry((group.id, user.id)).or_insert(MemberStatus::Member);
            inner.next_message += 1;
            let id = inner.next_message;
            let file = format!("AgACAgQAAx-{id}");
            inner.files.insert(file.clone());
            let m = json!({
                "message_id": id, "date": 1_700_000_000, "chat": self.shared.chat_json(&inner, group.id),
                "from": Self::user_json(user), "caption": caption,
                "forward_origin": {"type": "hidden_user", "sender_user_name": "Canale offerte", "date": 1_699_999_000},
                "photo": [
                    {"file_id": format!("{file}-small"), "file_unique_id": format!("s-{id}"), "width": 90, "height": 60},
                    {"file_id": file, "file_unique_id": format!("l-{id}"), "width": 1280, "height": 853},
                ],
            });
            inner.user_messages.insert((group.id, id), m.clone());
            self.push_update(&mut inner, "message", m);
            (id, file)
        };
        self.shared.news.notify_waiters();
        (id, file)
    }

    /// The user writes in a group as a reply to the message `to` (a user's message there);
    /// returns the message's id.
    pub fn user_replies_in(&self, user: &User, group: &Group, text: &str, to: Option<i64>) -> i64 {
        let id = {
            let mut inner = self.shared.lock();
            inner.members.entry((group.id, user.id)).or_insert(MemberStatus::Member);
            let chat = self.shared.chat_json(&inner, group.id);
            let mut m = self.text_message(&mut inner, user, chat, text, None);
            if let Some(to) = to.and_then(|to| inner.user_messages.get(&(group.id, to)).cloned()) {
                m["reply_to_message"] = to;
            }
            let id = m["message_id"].as_i64().unwrap_or_default();
            inner.user_messages.insert((group.id, id), m.clone());
            self.push_update(&mut inner, "message", m);
            id
        };
        self.shared.news.notify_waiters();
        id
    }

    /// The user is in the group (without writing).
    pub fn join(&self, user: &User, group: &Group) {
        self.shared.lock().members.insert((group.id, user.id), MemberStatus::Member);
    }

    /// Makes the bot an administrator of the group with these rights (or a plain member).
    pub fn set_bot_rights(&self, group: &Group, rights: BotRights) {
        self.shared.lock().bot_rights.insert(group.id, rights);
    }

    /// A user's standing in a group.
    pub fn member_status(&self, group: &Group, user: &User) -> MemberStatus {
        self.shared.lock().members.get(&(group.id, user.id)).copied().unwrap_or(MemberStatus::Left)
    }

    /// Whether the bot deleted this message of a group.
    pub fn deleted(&self, group: &Group, message_id: i64) -> bool {
        self.shared.lock().deleted.contains(&(group.id, message_id))
    }

    /// An update of a kind the bot did not ask for (a chat member change).
    pub fn chat_member_update(&self, user: &User, group: &Group) -> i64 {
        let id = {
            let mut inner = self.shared.lock();
            let payload = json!({
                "chat": self.shared.chat_json(&inner, group.id), "from": Self::user_json(user), "date": 1_700_000_000,
                "old_chat_member": {"status": "left", "user": Self::user_json(user)},
                "new_chat_member": {"status": "member", "user": Self::user_json(user)},
            });
            self.push_update(&mut inner, "chat_member", payload)
        };
        self.shared.news.notify_waiters();
        id
    }

    /// The user presses a button of a message; returns the callback query id.
    pub fn press(&self, user: &User, message: &SentMessage, data: &str) -> String {
        let qid = {
            let mut inner = self.shared.lock();
            inner.next_query += 1;
            let qid = format!("cq{}", inner.next_query);
            inner.pending_queries.insert(qid.clone());
            // Pressing a button in the private chat is writing to the bot there.
            if message.chat == user.id {
                inner.started.insert(user.id);
            }
            let current = inner.messages.iter().find(|m| m.message_id == message.message_id).cloned();
            let msg = self.shared.message_json(&inner, current.as_ref().unwrap_or(message));
            let payload = json!({
                "id": qid, "chat_instance": "ci", "data": data, "from": Self::user_json(user), "message": msg,
            });
            self.push_update(&mut inner, "callback_query", payload);
            qid
        };
        self.shared.news.notify_waiters();
        qid
    }

    /// The invite links the bot made for a group, oldest first.
    pub fn invite_links(&self, group: &Group) -> Vec<InviteLink> {
        let inner = self.shared.lock();
        let mut links: Vec<InviteLink> = inner.invite_links.values().filter(|l| l.chat == group.id).cloned().collect();
        links.sort_by(|a, b| a.link.cmp(&b.link));
        links
    }

    /// The user opens an invite link. A link that asks for approval queues a
    /// `chat_join_request` update (the bot may then write to the user until it decides) and
    /// returns its id; any other link makes them a member at once. `None` for a link the bot
    /// never made, or a person banned from the group (Telegram lets them nowhere near it).
    pub fn user_opens_link(&self, user: &User, link: &str) -> Option<i64> {
        let id = {
            let mut inner = self.shared.lock();
            let l = inner.invite_links.get(link).cloned()?;
            if matches!(inner.members.get(&(l.chat, user.id)), Some(MemberStatus::Banned { .. })) {
                return None;
            }
            if !l.creates_join_request {
                inner.members.insert((l.chat, user.id), MemberStatus::Member);
                return Some(0);
            }
            inner.join_requests.insert((l.chat, user.id));
            let payload = json!({
                "chat": self.shared.chat_json(&inner, l.chat), "from": Self::user_json(user),
                "user_chat_id": user.id, "date": 1_700_000_000, "invite_link": self.shared.invite_json(&l),
            });
            self.push_update(&mut inner, "chat_join_request", payload)
        };
        self.shared.news.notify_waiters();
        Some(id)
    }

    /// Whether the user's request to join the group waits for a decision.
    pub fn join_request_pending(&self, group: &Group, user: &User) -> bool {
        self.shared.lock().join_requests.contains(&(group.id, user.id))
    }

    /// The user opened a chat with the bot earlier (so the bot may write to them).
    pub fn user_started(&self, user: &User) {
        self.shared.lock().started.insert(user.id);
    }

    /// How many messages the bot sent in all.
    pub fn sent_count(&self) -> usize {
        self.shared.lock().messages.len()
    }

    /// Messages sent per chat.
    pub fn sent_per_chat(&self) -> HashMap<i64, usize> {
        let mut counts = HashMap::new();
        for m in &self.shared.lock().messages {
            *counts.entry(m.chat).or_insert(0) += 1;
        }
        counts
    }

    /// The user blocks the bot: sends to them fail with 403 from now on.
    pub fn block(&self, user: &User) {
        self.shared.lock().blocked.insert(user.id);
    }

    /// The next call of `method` (Bot API name, any case; `*` for any) meets this fault.
    pub fn inject(&self, method: &str, fault: Fault) {
        self.shared.lock().faults.push_back((method.to_lowercase(), fault));
    }

    /// From now on every request crosses a network with this delay and jitter.
    pub fn set_path(&self, path: Path) {
        self.shared.lock().path = path;
    }

    /// From now on this share of sends meets a random fault.
    pub fn set_fault_rates(&self, rates: FaultRates) {
        self.shared.lock().rates = rates;
    }

    /// Seeds the server's randomness (delays and random faults); 7 unless set.
    pub fn seed(&self, seed: u64) {
        self.shared.lock().dice = Some(Dice(seed));
    }

    /// 5xx answers this server gave because a test injected them (queued or at random).
    pub fn injected_5xx(&self) -> u64 {
        self.shared.lock().injected_5xx
    }

    /// Sends that asked for `allow_paid_broadcast`.
    pub fn paid_sends(&self) -> u64 {
        self.shared.lock().paid
    }

    /// From now on, calls of `method` are held and never carried out, as if they never got
    /// through to Telegram; [`TestServer::unstall`] answers them with a 429 (retry after 1 s).
    pub fn stall(&self, method: &str) {
        self.shared.lock().stalling.insert(method.to_lowercase());
    }

    /// From now on, calls of `method` are carried out but their answers held until
    /// [`TestServer::unstall`], as when the process that sent them dies with its requests
    /// already at Telegram.
    pub fn hold_answers(&self, method: &str) {
        self.shared.lock().holding_answers.insert(method.to_lowercase());
    }

    /// Calls held by [`TestServer::stall`] or [`TestServer::hold_answers`] so far.
    pub fn stalled(&self) -> usize {
        self.shared.lock().stalled
    }

    /// Lets every held call go (a stalled one answered 429, not carried out; a held answer
    /// as it was); later calls are carried out and answered.
    pub fn unstall(&self) {
        let mut inner = self.shared.lock();
        inner.stalling.clear();
        inner.holding_answers.clear();
        drop(inner);
        self.shared.unstalled.notify_waiters();
    }

    /// Every message the bot sent to a chat, oldest first, with edits applied.
    pub fn messages(&self, chat: i64) -> Vec<SentMessage> {
        self.shared.lock().messages.iter().filter(|m| m.chat == chat).cloned().collect()
    }

    /// Every message the bot sent anywhere.
    pub fn all_messages(&self) -> Vec<SentMessage> {
        self.shared.lock().messages.clone()
    }

    /// Calls of a method so far.
    pub fn calls(&self, method: &str) -> Vec<Value> {
        let m = method.to_lowercase();
        self.shared.lock().calls.iter().filter(|(name, _)| *name == m).map(|(_, b)| b.clone()).collect()
    }

    /// Calls of a method so far, each with the moment it arrived (for the benchmarks).
    pub fn calls_timed(&self, method: &str) -> Vec<(Instant, Value)> {
        let m = method.to_lowercase();
        let inner = self.shared.lock();
        inner
            .calls
            .iter()
            .zip(&inner.call_times)
            .filter(|((name, _), _)| *name == m)
            .map(|((_, b), at)| (*at, b.clone()))
            .collect()
    }

    /// How many calls of any method arrived so far.
    pub fn total_calls(&self) -> usize {
        self.shared.lock().calls.len()
    }

    /// How many calls of a method arrived so far.
    pub fn call_count(&self, method: &str) -> usize {
        let m = method.to_lowercase();
        self.shared.lock().calls.iter().filter(|(name, _)| *name == m).count()
    }

    /// Sends refused for being over Telegram's limits.
    pub fn violations(&self) -> Vec<String> {
        self.shared.lock().violations.clone()
    }

    /// 429s this server answered because a test injected them.
    pub fn injected_429s(&self) -> u64 {
        self.shared.lock().injected_429
    }

    /// Whether a callback query was answered.
    pub fn answered(&self, query_id: &str) -> bool {
        self.shared.lock().answered_queries.contains(query_id)
    }

    /// The command menus set, as (language, commands).
    pub fn menus(&self) -> Vec<Menu> {
        self.shared.lock().commands.clone()
    }

    /// Updates not yet confirmed by the bot.
    pub fn pending_updates(&self) -> usize {
        self.shared.lock().updates.len()
    }

    /// Waits until `check` holds for the messages of a chat, or the timeout passes; returns
    /// the messages either way.
    pub async fn wait_until(
        &self,
        chat: i64,
        timeout: Duration,
        check: impl Fn(&[SentMessage]) -> bool,
    ) -> Vec<SentMessage> {
        let deadline = Instant::now() + timeout;
        loop {
            let notified = self.shared.news.notified();
            let messages = self.messages(chat);
            if check(&messages) || Instant::now() >= deadline {
                return messages;
            }
            tokio::select! {
                _ = notified => {}
                _ = tokio::time::sleep(Duration::from_millis(50)) => {}
            }
        }
    }

    /// Waits for the `n`-th message (counting from 1) in a chat; `None` after the timeout.
    pub async fn nth_message(&self, chat: i64, n: usize, timeout: Duration) -> Option<SentMessage> {
        self.wait_until(chat, timeout, |m| m.len() >= n).await.get(n - 1).cloned()
    }

    /// Waits until every queued update was confirmed (or delivered to the webhook).
    pub async fn wait_confirmed(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if self.pending_updates() == 0 {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        self.pending_updates() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn telegram_html_is_checked_as_telegram_checks_it() {
        assert_eq!(parse_html("<b>Ciao</b> &amp; &lt;3").unwrap(), "Ciao & <3");
        assert!(parse_html("<script>x</script>").unwrap_err().contains("Unsupported start tag \"script\""));
        assert!(parse_html("<b>x").unwrap_err().contains("Can't find end tag"));
        assert!(parse_html("a & b").unwrap_err().contains("entity"));
        assert!(parse_html("<b>x</i>").unwrap_err().contains("Unmatched end tag"));
    }

    #[test]
    fn a_file_in_a_multipart_body_is_kept_byte_for_byte() {
        let bytes: Vec<u8> = (0..=255u8).chain([b'\r', b'\n', b'-', b'-']).collect();
        let mut body = b"--XyZ\r\nContent-Disposition: form-data; name=\"chat_id\"\r\n\r\n42\r\n".to_vec();
        body.extend_from_slice(b"--XyZ\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"c.png\"\r\n");
        body.extend_from_slice(b"Content-Type: image/png\r\n\r\n");
        body.extend_from_slice(&bytes);
        body.extend_from_slice(b"\r\n--XyZ--\r\n");
        let fields = multipart_fields("multipart/form-data; boundary=XyZ", &body).unwrap();
        assert_eq!(fields["chat_id"], 42);
        assert_eq!(fields["photo"]["filename"], "c.png");
        assert_eq!(decode_base64(fields["photo"]["base64"].as_str().unwrap()).unwrap(), bytes);
        for n in 0..5 {
            let some: Vec<u8> = (0..n).collect();
            assert_eq!(decode_base64(&encode_base64(&some)).unwrap(), some, "{n} bytes");
        }
    }

    /// A PNG's signature and header, which is all the test server reads of it.
    fn png_header(width: u32, height: u32) -> Vec<u8> {
        let mut png = vec![0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1a, b'\n', 0, 0, 0, 13];
        png.extend_from_slice(b"IHDR");
        png.extend_from_slice(&width.to_be_bytes());
        png.extend_from_slice(&height.to_be_bytes());
        png.extend_from_slice(&[8, 2, 0, 0, 0]);
        png
    }

    #[tokio::test]
    async fn a_photo_is_taken_only_within_telegrams_limits() {
        let server = TestServer::start("1:t").await.unwrap();
        let ada = server.user(7, "Ada", None);
        server.user_started(&ada);
        let send = |photo: Vec<u8>, caption: String| {
            let body = json!({
                "chat_id": 7, "photo": "attach://p", "caption": caption,
                "p": {"filename": "c.png", "base64": encode_base64(&photo)},
            });
            let answer = server.shared.send_photo(&body);
            answer.status().as_u16()
        };
        assert_eq!(send(png_header(900, 520), "Ultimi 6 mesi: 1 iniziativa proposta".into()), 200);
        let sent = server.messages(7);
        let photo = sent[0].photo.as_ref().expect("kept as a photo");
        assert_eq!(
            (photo.width, photo.height, photo.caption.as_str()),
            (900, 520, "Ultimi 6 mesi: 1 iniziativa proposta")
        );
        assert_eq!(send(png_header(900, 520), "x".repeat(MAX_CAPTION_CHARS + 1)), 400, "a caption too long");
        assert_eq!(send(b"GIF89a not a png at all".to_vec(), String::new()), 400, "not an image");
        assert_eq!(send(png_header(8000, 2001), String::new()), 400, "sides over 10,000");
        assert_eq!(send(png_header(2100, 100), String::new()), 400, "a ratio over 20");
        assert_eq!(send(Vec::new(), String::new()), 400, "an empty file");
        assert_eq!(server.messages(7).len(), 1);
    }
}
