//! The conversation layer: an inbound message (network, chat, sender, text or button) becomes
//! replies as data. Nothing here knows a network or its formatting: transports turn a
//! [`Rendered`] reply into their own messages.
//!
//! One file per use case: `start` (onboarding and deep links), `services` (the directory),
//! `language`, `whoami`, `help`, `privacy` (my data, forget me), `grant` (roles), `book` (a
//! space of a welfare house, read by `wish`), `bookings` (mine: list, move, cancel, check in),
//! `approve` (staff), `waitlist`, `reminders` (the scheduler's booking jobs), `rooms` (groups
//! linked to territories and their moderation). Multi-step
//! flows are a [`Flow`] enum kept in the store per person and chat, so a flow survives a
//! restart and is shared by every network.

pub mod announce;
pub(crate) mod announcements;
pub mod booking;
pub mod chart;
pub mod courier;
pub mod directory;
pub mod i18n;
pub mod initiatives;
pub mod people;
pub mod rooms;

pub mod commands;
mod flow;
pub mod limits;
pub mod notes;
mod offered;
mod pause;
mod quote;
pub mod registry;
pub mod render;
pub mod safety;
mod snapshot;
pub mod understand;
pub(crate) mod wish;

pub use flow::Flow;
pub use render::{Rendered, RenderedBlock, RenderedButton};
pub use snapshot::DirectorySnapshot;
pub use wish::resolve_when;

use crate::courier::Couriers;
use crate::i18n::{I18n, Msg};
use booking::{approve, associations, book, bookings, manage_spaces};
use chrono::{DateTime, NaiveDateTime, Utc};
use chrono_tz::Tz;
use commands::Command;
use directory::{cards, services};
use initiatives::{browse, decide, propose};
use people::{grant, help, home, language, link, privacy, start, whoami};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use tokio::sync::Notify;
use understand::Intent;
use vicinato_core::clock::Clock;
use vicinato_domain::rooms::TextKind;
use vicinato_domain::*;
use vicinato_store::{Store, StoreError, StoredFlow};

/// The module of a bot profile that offers booking (`modules = ["booking"]`).
pub const BOOKING: &str = booking::module::MODULE.name;

/// The module of a bot profile that offers community initiatives (`modules = ["initiatives"]`).
pub const INITIATIVES: &str = initiatives::module::MODULE.name;

/// The spaces file shipped with Vicinato.
pub const SPACES_TOML: &str = include_str!("../../../config/spaces.toml");

/// Every module of the registry, in the order help lists them.
pub const MODULES: [&registry::Module; 6] = [
    &people::module::MODULE,
    &directory::module::MODULE,
    &initiatives::module::MODULE,
    &booking::module::MODULE,
    &rooms::module::MODULE,
    &announcements::module::MODULE,
];

/// The module of a bot profile that offers community rooms and their moderation.
pub const ROOMS: &str = rooms::module::MODULE.name;

/// Registers every job the chat layer schedules with a scheduler: the notes to a person, and
/// the jobs of each capability (booking: reminders, no-shows, holds, freed slots;
/// initiatives: deadlines, votes, reminders, held). Jobs run whatever modules a bot offers:
/// they finish what was started.
pub fn register_jobs(scheduler: &mut vicinato_core::scheduler::Scheduler, engine: Arc<Engine>) {
    scheduler.register(
        notes::NOTE_JOB,
        vicinato_core::scheduler::Missed::RunLate,
        Arc::new(notes::NoteJob(engine.clone())),
    );
    booking::reminders::register(scheduler, &engine);
    scheduler.register(
        vicinato_core::rooms::jobs::END_JOB,
        vicinato_core::scheduler::Missed::RunLate,
        Arc::new(rooms::ending::EndJob(engine.clone())),
    );
    initiatives::lifecycle::register(scheduler, engine.clone());
    announce::register(scheduler, engine);
}

/// Whether a chat is one person with the bot, or a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChatKind {
    Direct,
    Group,
}

/// What arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    Text(String),
    /// A button press, with the payload the button carried.
    Button(String),
    /// Something with no text the bot can read (a photo, a voice message, a sticker).
    Unsupported,
    /// The sender asks to join the room `chat_id` of this network (Telegram's
    /// `chat_join_request`); the answer goes to the sender privately.
    JoinRequest {
        chat_id: String,
    },
}

/// A message to the bot, as every transport describes it.
#[derive(Debug, Clone)]
pub struct Inbound {
    pub network: Network,
    pub chat_id: String,
    pub chat_kind: ChatKind,
    pub sender_id: String,
    pub sender_name: String,
    pub body: Body,
    /// The language the network says the sender uses, if any.
    pub lang_hint: Option<Lang>,
    /// In a group: whether the message was addressed to the bot (a command or a mention).
    pub addressed: bool,
    /// The bot it came through (`telegram:vicinato`), where there can be several.
    pub channel: Option<String>,
    /// The message this one answers, when it is a reply to someone's message (moderation
    /// commands name their member so).
    pub reply_to: Option<Replied>,
    /// The message's own id on the network, where a room's protections may take it out.
    pub message_id: Option<String>,
    /// Forwarded from elsewhere (a room's protections may hold a newcomer's).
    pub forwarded: bool,
    /// The photo, video or file it carries, where the network can send it again by reference
    /// (a held message released by a moderator is posted with it).
    pub media: Option<vicinato_domain::rooms::Media>,
}

/// A message replied to: who wrote it, its id on the network, and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replied {
    pub sender_id: String,
    pub sender_name: String,
    pub message_id: String,
    pub text: Option<String>,
    /// Whether its sender is a bot (this one or another).
    pub from_bot: bool,
}

impl Inbound {
    /// A direct text message, the usual case.
    pub fn direct_text(network: Network, sender: &str, text: &str) -> Self {
        Self {
            network,
            chat_id: sender.to_owned(),
            chat_kind: ChatKind::Direct,
            sender_id: sender.to_owned(),
            sender_name: sender.to_owned(),
            body: Body::Text(text.to_owned()),
            lang_hint: None,
            addressed: true,
            channel: None,
            reply_to: None,
            message_id: None,
            forwarded: false,
            media: None,
        }
    }
}

/// Asking when the place just shown opens or closes.
static HOURS_QUESTION: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"^(?:e\s+)?(?:a che ora (?:chiude|apre|chiudete|aprite|chiudono|aprono)|quando (?:chiude|apre|chiudono|aprono)|che orari(?: ha| fa| fanno)?|orari|orario|what time does it (?:close|open)|when does it (?:close|open)|opening hours|what are the hours)$")
        .expect("static regex")
});

/// Replies meant for the sender alone (in a group, the transport answers privately).
fn privately(replies: Vec<Reply>) -> Vec<Reply> {
    replies.into_iter().map(Reply::private).collect()
}

/// The sender's name as others may see it: no bidi tricks, never empty.
fn shown_name(inbound: &Inbound) -> String {
    let name = text::display_name(&inbound.sender_name);
    if name.is_empty() { inbound.sender_id.chars().take(64).collect() } else { name }
}

/// Who should see a reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    /// Everyone in the chat.
    Chat,
    /// Only the sender (in a group, the transport answers privately if it can).
    Sender,
}

/// A button: a label and the payload that comes back when it is pressed.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Button {
    pub label: Label,
    pub payload: String,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Label {
    Msg(Msg),
    /// Data shown as is (a service or place name).
    Text(String),
}

impl Button {
    pub fn msg(label: Msg, payload: impl Into<String>) -> Self {
        Self { label: Label::Msg(label), payload: payload.into() }
    }

    pub fn text(label: impl Into<String>, payload: impl Into<String>) -> Self {
        Self { label: Label::Text(label.into()), payload: payload.into() }
    }
}

/// One part of a reply.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Block {
    Say(Msg),
    Card(cards::Card),
    /// Data shown verbatim (an export of the person's data).
    Data(String),
    /// A file sent with the reply (a calendar), where the network can carry files.
    File(Attachment),
    /// A chart, drawn as an image in the reader's language when the reply is rendered.
    Chart(chart::Chart),
    /// A photo, video or file the network keeps (a held message's, posted again), sent after
    /// the text where the network knows it; elsewhere nothing.
    Media(vicinato_domain::rooms::Media),
}

/// A file a reply carries: its name, media type and contents. Kept small (a calendar).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Attachment {
    pub name: String,
    pub mime: String,
    pub bytes: Vec<u8>,
}

/// A reply as data.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Reply {
    pub blocks: Vec<Block>,
    pub buttons: Vec<Button>,
    pub visibility: Visibility,
    /// The reply replaces the message whose button was pressed (paging), where the network
    /// can edit messages.
    pub update: bool,
    /// Written in these languages, one after the other, whatever the reader's (a public
    /// message in a room of Italian and English); empty: in the reader's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub in_langs: Vec<Lang>,
}

impl Reply {
    pub fn say(msg: Msg) -> Self {
        Self {
            blocks: vec![Block::Say(msg)],
            buttons: Vec::new(),
            visibility: Visibility::Chat,
            update: false,
            in_langs: Vec::new(),
        }
    }

    pub fn id(id: &str) -> Self {
        Self::say(Msg::new(id))
    }

    /// Why a use case said no, in one message.
    pub fn refused(refusal: &impl vicinato_core::Refusal) -> Self {
        Self::say(Msg::refusal(refusal))
    }

    pub fn then(mut self, msg: Msg) -> Self {
        self.blocks.push(Block::Say(msg));
        self
    }

    pub fn with_buttons(mut self, buttons: Vec<Button>) -> Self {
        self.buttons = buttons;
        self
    }

    pub fn private(mut self) -> Self {
        self.visibility = Visibility::Sender;
        self
    }
}

/// The replies to one inbound message, and the language they are in.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Outcome {
    pub lang: Lang,
    pub replies: Vec<Reply>,
}

/// Settings the conversation needs.
#[derive(Debug, Clone)]
pub struct ConversationSettings {
    pub default_lang: Lang,
    pub time_zone: Tz,
    /// How long an untouched flow lives.
    pub flow_ttl: chrono::Duration,
    /// Results per page.
    pub page_size: usize,
    /// Longer messages get a polite refusal.
    pub max_message_chars: usize,
    /// Thresholds, deadlines and limits of community initiatives.
    pub initiatives: vicinato_domain::initiative::Rules,
    /// Limits per person (drafts, waitlist, comments, reports, message rate).
    pub limits: limits::Limits,
    /// How warnings in rooms escalate to mutes and bans.
    pub escalation: vicinato_domain::rooms::Escalation,
}

impl Default for ConversationSettings {
    fn default() -> Self {
        Self {
            default_lang: Lang::It,
            time_zone: chrono_tz::Europe::Rome,
            flow_ttl: chrono::Duration::minutes(30),
            page_size: 3,
            max_message_chars: 2000,
            initiatives: Default::default(),
            limits: Default::default(),
            escalation: Default::default(),
        }
    }
}

/// Everything a handler needs for one message.
pub(crate) struct Turn<'a> {
    pub engine: &'a Engine,
    pub snapshot: Arc<DirectorySnapshot>,
    pub person: Person,
    pub lang: Lang,
    pub chat_key: String,
    pub chat_kind: ChatKind,
    pub now: DateTime<Utc>,
    pub flow: Option<Flow>,
    /// Where the message came from: its network and chat id.
    pub network: Network,
    pub chat_id: String,
    /// The message it replies to, if any.
    pub reply_to: Option<Replied>,
    /// The sender's id on the network.
    pub sender: String,
    /// The chat's flows as the message found them and as it leaves them.
    kept: std::sync::Mutex<Kept>,
}

/// The flows of a chat: its own (`<chat>`) and those kept beside it (`<chat>#offered`,
/// `#paused`, `#context`), read with the person in one query and written once when the
/// message has been handled, all or nothing (a message that fails changes none of them).
#[derive(Debug, Default)]
struct Kept {
    /// What was read, by chat key; `None` for a flow that was not there.
    found: HashMap<String, Option<StoredFlow>>,
    /// What this message changed, in order.
    changed: Vec<(String, Option<StoredFlow>)>,
}

/// The flows kept beside a chat's own, by the suffix of their chat key.
const KEPT_BESIDE: [&str; 3] = ["#offered", "#paused", "#context"];

impl Turn<'_> {
    pub fn sender_id(&self) -> String {
        self.sender.clone()
    }

    pub fn local_now(&self) -> NaiveDateTime {
        self.now.with_timezone(&self.engine.settings.time_zone).naive_local()
    }

    pub fn store(&self) -> &dyn Store {
        self.engine.store.as_ref()
    }

    pub async fn save_flow(&self, flow: &Flow) -> Result<(), StoreError> {
        let state = serde_json::to_string(flow).expect("flows always serialize");
        self.keep_flow(&self.chat_key, Some(state));
        Ok(())
    }

    pub async fn clear_flow(&self) -> Result<(), StoreError> {
        self.keep_flow(&self.chat_key, None);
        Ok(())
    }

    /// A flow of this person under `key` (this chat's or one kept beside it), as this
    /// message left it so far; read from the store only if the first read did not bring it.
    pub async fn load_kept(&self, key: &str) -> Result<Option<StoredFlow>, StoreError> {
        {
            let kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
            if let Some((_, flow)) = kept.changed.iter().rev().find(|(k, _)| k == key) {
                return Ok(flow.clone());
            }
            if let Some(flow) = kept.found.get(key) {
                return Ok(flow.clone());
            }
        }
        let flow = self.store().load_flow(self.person.id, key, self.now).await?;
        self.kept.lock().unwrap_or_else(|e| e.into_inner()).found.insert(key.to_owned(), flow.clone());
        Ok(flow)
    }

    /// Saves (`Some(state)`, expiring after the flow time) or clears a flow under `key`,
    /// written when the message has been handled.
    pub fn keep_flow(&self, key: &str, state: Option<String>) {
        let flow = state.map(|state| StoredFlow { state, expires_at: self.now + self.engine.settings.flow_ttl });
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        kept.changed.retain(|(k, _)| k != key);
        kept.changed.push((key.to_owned(), flow));
    }

    /// Writes what this message changed in the flows, in one go; a flow cleared that was not
    /// there is not written.
    async fn write_kept(&self) -> Result<(), StoreError> {
        let changes: Vec<(String, Option<StoredFlow>)> = {
            let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
            let changed = std::mem::take(&mut kept.changed);
            changed.into_iter().filter(|(k, f)| f.is_some() || !matches!(kept.found.get(k), Some(None))).collect()
        };
        if changes.is_empty() {
            return Ok(());
        }
        self.store().save_flows(self.person.id, &changes).await
    }
}

/// The conversation engine: one per process, shared by every transport.
pub struct Engine {
    store: Arc<dyn Store>,
    i18n: Arc<I18n>,
    clock: Arc<dyn Clock>,
    settings: ConversationSettings,
    snapshot: RwLock<Arc<DirectorySnapshot>>,
    spaces: Arc<Spaces>,
    couriers: RwLock<Couriers>,
    /// Notified when a job is scheduled, so the scheduler looks again.
    jobs_added: Arc<Notify>,
    /// The modules this bot offers (its profile's `modules`); `None`: every module.
    modules: Option<Vec<String>>,
    /// How fast each person writes.
    rate: limits::Rate,
    /// Who to call first on a call for help (`config/safety.toml`).
    safety: Arc<safety::Safety>,
    /// How fast each member writes in each linked room (the rooms' flood protection).
    flood: vicinato_core::rooms::protect::Flood,
}

impl Engine {
    /// Builds the engine and reads the directory snapshot (territories, categories, houses,
    /// vocabulary) from the store.
    pub async fn new(
        store: Arc<dyn Store>,
        i18n: Arc<I18n>,
        clock: Arc<dyn Clock>,
        settings: ConversationSettings,
    ) -> anyhow::Result<Self> {
        let snapshot = DirectorySnapshot::load(store.as_ref()).await?;
        let spaces = Spaces::parse("built-in config/spaces.toml", SPACES_TOML)?;
        let safety = safety::Safety::parse("built-in config/safety.toml", safety::SAFETY_TOML)?;
        Ok(Self {
            store,
            i18n,
            clock,
            settings,
            snapshot: RwLock::new(Arc::new(snapshot)),
            spaces: Arc::new(spaces),
            couriers: RwLock::new(Couriers::default()),
            jobs_added: Arc::new(Notify::new()),
            modules: None,
            rate: limits::Rate::default(),
            safety: Arc::new(safety),
            flood: Default::default(),
        })
    }

    /// Uses these bookable spaces instead of the built-in ones.
    pub fn with_spaces(mut self, spaces: Spaces) -> Self {
        self.spaces = Arc::new(spaces);
        self
    }

    /// Notifies this instead when a job is scheduled (one scheduler for several engines).
    pub fn with_job_waker(mut self, wake: Arc<Notify>) -> Self {
        self.jobs_added = wake;
        self
    }

    /// Offers only these modules (a bot profile's `modules`); commands, buttons and questions
    /// of the others are answered with "not available on this bot".
    pub fn with_modules(mut self, modules: &[String]) -> Self {
        self.modules = Some(modules.to_vec());
        self
    }

    /// Whether this bot offers a module.
    pub fn offers(&self, module: &str) -> bool {
        self.modules.as_ref().is_none_or(|m| m.iter().any(|x| x == module))
    }

    /// Whether this bot offers a module of the registry (those that cannot be left out, always).
    pub fn offers_module(&self, module: &registry::Module) -> bool {
        !module.optional || self.offers(module.name)
    }

    /// The "not available here" answer, when something belongs to a module this bot does not
    /// offer.
    fn not_here(&self, owner: Option<&'static registry::Module>) -> Option<Reply> {
        owner.filter(|m| !self.offers_module(m)).map(|m| Reply::id(m.not_available))
    }

    /// Uses these safety contacts instead of the built-in ones (a region's own file).
    pub fn with_safety(mut self, safety: safety::Safety) -> Self {
        self.safety = Arc::new(safety);
        self
    }

    /// The contacts given first on a call for help.
    pub fn safety(&self) -> &Arc<safety::Safety> {
        &self.safety
    }

    pub fn spaces(&self) -> &Spaces {
        &self.spaces
    }

    /// The couriers that deliver what Vicinato sends on its own (reminders, decisions).
    pub fn set_couriers(&self, couriers: Couriers) {
        let couriers = couriers.with_store(self.store.clone());
        *self.couriers.write().unwrap_or_else(|e| e.into_inner()) = couriers;
    }

    pub fn couriers(&self) -> Couriers {
        self.couriers.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Notified whenever the conversation schedules a job: give it to the scheduler.
    pub fn jobs_added(&self) -> Arc<Notify> {
        self.jobs_added.clone()
    }

    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    /// Re-reads the directory snapshot after the directory changed.
    pub async fn reload_directory(&self) -> anyhow::Result<()> {
        let fresh = DirectorySnapshot::load(self.store.as_ref()).await?;
        *self.snapshot.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(fresh);
        Ok(())
    }

    pub fn snapshot(&self) -> Arc<DirectorySnapshot> {
        self.snapshot.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The rooms' flood windows.
    pub(crate) fn flood(&self) -> &vicinato_core::rooms::protect::Flood {
        &self.flood
    }

    pub fn i18n(&self) -> &I18n {
        &self.i18n
    }

    pub fn settings(&self) -> &ConversationSettings {
        &self.settings
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// Renders a reply for a transport, in a language.
    pub fn render(&self, lang: Lang, reply: &Reply) -> Rendered {
        render::render(&self.i18n, lang, reply)
    }

    /// Handles one inbound message. Never fails: problems become replies in the person's
    /// language, and the cause is logged.
    pub async fn handle(&self, inbound: Inbound) -> Outcome {
        self.handle_for(inbound).await.0
    }

    /// Handles an update the network may deliver again (a Telegram update, a Matrix event)
    /// after a crash that came between handling it and saving the network's cursor. The
    /// answer is recorded under `key` (`telegram:<bot>:<update id>`) right after handling, and
    /// an update that comes again gets that answer without anything running twice: no second
    /// draft, comment or note.
    pub async fn handle_once(&self, inbound: Inbound, key: &str) -> Outcome {
        match self.store.receipt(key).await {
            Ok(Some(stored)) => match serde_json::from_str::<Outcome>(&stored) {
                Ok(outcome) => {
                    tracing::info!(update = key, "an update handled before came again: answered as then");
                    return outcome;
                }
                Err(e) => tracing::warn!(update = key, error = %e, "unreadable receipt; handling the update again"),
            },
            Ok(None) => {}
            Err(e) => tracing::warn!(update = key, error = %e, "cannot read receipts"),
        }
        let (outcome, person) = self.handle_for(inbound).await;
        if let Some(person) = person {
            let stored = serde_json::to_string(&outcome).expect("outcomes always serialize");
            if let Err(e) = self.store.receipt_put(key, person, &stored, self.clock.now()).await {
                tracing::warn!(update = key, error = %e, "cannot record that an update was handled");
            }
        }
        outcome
    }

    /// Handles a message; the person it came from, once known.
    async fn handle_for(&self, inbound: Inbound) -> (Outcome, Option<PersonId>) {
        let fallback_lang = inbound.lang_hint.unwrap_or(self.settings.default_lang);
        let mut person = None;
        match self.try_handle(inbound, &mut person).await {
            Ok(outcome) => (outcome, person),
            Err(e) => {
                let id = match &e {
                    StoreError::Busy(_) | StoreError::Unavailable(_) => {
                        tracing::warn!(error = %e, "store unavailable while handling a message");
                        "error-busy"
                    }
                    _ => {
                        tracing::error!(error = %e, "failed to handle a message");
                        "error-internal"
                    }
                };
                // Nothing may have been done: no receipt, so a redelivery tries again.
                (Outcome { lang: fallback_lang, replies: vec![Reply::id(id)] }, None)
            }
        }
    }

    async fn try_handle(&self, inbound: Inbound, who: &mut Option<PersonId>) -> Result<Outcome, StoreError> {
        let now = self.clock.now();
        // Every message in a linked group passes the room's protections first.
        if inbound.chat_kind == ChatKind::Group
            && self.offers(ROOMS)
            && matches!(inbound.body, Body::Text(_) | Body::Unsupported)
            && rooms::protect::inspect(self, &inbound, now).await?
        {
            return Ok(Outcome { lang: self.settings.default_lang, replies: Vec::new() });
        }
        if inbound.chat_kind == ChatKind::Group && !inbound.addressed {
            return Ok(Outcome { lang: self.settings.default_lang, replies: Vec::new() });
        }
        let account = Account::new(inbound.network, inbound.sender_id.clone());
        let chat_key = format!("{}:{}", inbound.network, inbound.chat_id);
        let keys: Vec<String> =
            std::iter::once(chat_key.clone()).chain(KEPT_BESIDE.iter().map(|s| format!("{chat_key}{s}"))).collect();
        let key_refs: Vec<&str> = keys.iter().map(String::as_str).collect();
        let (person, flows) = self
            .store
            .person_and_flows(&account, &shown_name(&inbound), &key_refs, inbound.channel.as_deref(), now)
            .await?;
        let mut found: HashMap<String, Option<StoredFlow>> = keys.into_iter().map(|k| (k, None)).collect();
        for (key, flow) in flows {
            found.insert(key, Some(flow));
        }
        let flow = found.get(&chat_key).cloned().flatten();
        let flow = match flow {
            Some(stored) => match serde_json::from_str::<Flow>(&stored.state) {
                Ok(flow) => Some(flow),
                Err(e) => {
                    // A flow from an older version: drop it rather than fail the person.
                    tracing::warn!(error = %e, "dropping unreadable flow");
                    None
                }
            },
            None => None,
        };
        let lang = person.language.or(inbound.lang_hint).unwrap_or(self.settings.default_lang);
        // One person cannot flood the bot; staff are never slowed.
        if !person.holds(Role::Staff) {
            match self.rate.check(person.id, &self.settings.limits, std::time::Instant::now()) {
                limits::Pace::Fine => {}
                limits::Pace::SlowDown => {
                    tracing::info!(person = %person.id, "a person writes faster than the rate: asked to slow down");
                    let pause = i64::from(self.settings.limits.pause_seconds);
                    return Ok(Outcome { lang, replies: vec![Reply::say(Msg::new("slow-down").num("n", pause))] });
                }
                limits::Pace::Paused => return Ok(Outcome { lang, replies: Vec::new() }),
            }
        }
        *who = Some(person.id);
        let mut turn = Turn {
            engine: self,
            snapshot: self.snapshot(),
            person,
            lang,
            chat_key,
            chat_kind: inbound.chat_kind,
            now,
            flow,
            network: inbound.network,
            chat_id: inbound.chat_id.clone(),
            reply_to: inbound.reply_to.clone(),
            sender: inbound.sender_id.clone(),
            kept: std::sync::Mutex::new(Kept { found, changed: Vec::new() }),
        };

        let replies = match &inbound.body {
            Body::Button(payload) => self.on_button(&mut turn, payload).await?,
            Body::Text(text) => self.on_text(&mut turn, text, inbound.lang_hint).await?,
            Body::JoinRequest { chat_id } if self.offers(ROOMS) => rooms::join::requested(&mut turn, chat_id).await?,
            Body::JoinRequest { .. } => Vec::new(),
            Body::Unsupported => vec![Reply::id("unsupported-message")],
        };
        offered::remember(&turn, &replies).await?;
        let replies = rooms::in_room_languages(&turn, replies).await?;
        turn.write_kept().await?;
        Ok(Outcome { lang: turn.lang, replies })
    }

    async fn on_text(&self, turn: &mut Turn<'_>, text: &str, hint: Option<Lang>) -> Result<Vec<Reply>, StoreError> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(vec![Reply::id("empty-message")]);
        }
        let chars = text.chars().count();
        if chars > self.settings.max_message_chars {
            return Ok(vec![Reply::say(Msg::new("too-long").num("max", self.settings.max_message_chars as i64))]);
        }
        // A call for help comes before everything, in any flow and during onboarding.
        let (concerns, written_in) = turn.snapshot.understander.call_for_help(text);
        if !concerns.is_empty() && !text.starts_with('/') {
            if turn.person.language.is_none() && hint.is_none() {
                turn.lang = written_in.unwrap_or(turn.lang);
            }
            tracing::info!("a call for help was answered with the safety contacts");
            return safety::answer(turn, &concerns).await;
        }
        if let Some(command) = Command::parse(text) {
            if let Some(refused) = command.name().and_then(|n| self.not_here(registry::command(n).map(|(m, _)| m))) {
                return Ok(vec![refused]);
            }
            return self.on_command(turn, command).await;
        }
        // What is typed instead of pressing a button presses it; a number goes to a step
        // that asks for a number first.
        let number = text.trim_end_matches(['.', ')']).parse::<u32>().is_ok();
        let offered = if chars <= 60 { offered::load(turn).await? } else { None };
        let answer = turn.snapshot.understander.answer(text);
        // Someone who never chose a language goes on in the one the chat was last answered in
        // when a short message has no word of either ("in Rome", "ok", "3" after an English
        // answer).
        if turn.person.language.is_none()
            && hint.is_none()
            && let Some(lang) = offered.as_ref().and_then(|o| o.lang)
        {
            let u = &turn.snapshot.understander;
            if u.understand(text, Lang::It).lang != u.understand(text, Lang::En).lang {
                turn.lang = lang;
            }
        }
        if !number
            && let Some(o) = &offered
            && let offered::Typed::Press(payload) = o.read(text, answer)
        {
            // "Let's start" typed after an English welcome: go on in English.
            if turn.person.language.is_none()
                && let Some(lang) = o.lang
            {
                turn.lang = lang;
            }
            return self.on_button(turn, &payload).await;
        }
        // Another request in the middle of a flow is answered, and the flow offered back.
        if let Some(flow) = turn.flow.clone()
            && !matches!(flow, Flow::Results { .. } | Flow::ConfirmForget)
            && self.not_here(registry::flow_owner(flow.kind())).is_none()
        {
            let understood = turn.snapshot.understander.understand(text, turn.lang);
            let names_a_language = commands::language_arg(text).is_some() || understood.slots.switch_to.is_some();
            if !(names_a_language && matches!(flow, Flow::AskLanguage { .. }))
                && pause::is_another_request(&flow, &understood)
            {
                let question = match &offered {
                    Some(o) => o.question.clone(),
                    None => offered::load(turn).await?.and_then(|o| o.question),
                };
                pause::keep(turn, flow.clone(), question).await?;
                let mut replies = self.answer(turn, text, hint, understood).await?;
                replies.push(pause::offer(&flow));
                return Ok(replies);
            }
        }
        // "A che ora chiude?" or "quanto costa?" at the language or home question, about the
        // service just shown: answered, and the onboarding offered back (not read as a
        // language or a place).
        if let Some(flow @ (Flow::AskLanguage { .. } | Flow::AskHome { .. })) = turn.flow.clone()
            && commands::language_arg(text).is_none()
            && let Some(question) = directory::followup::read(text).filter(|q| q.is_about_a_service())
        {
            let kept = match &offered {
                Some(o) => o.question.clone(),
                None => offered::load(turn).await?.and_then(|o| o.question),
            };
            pause::keep(turn, flow.clone(), kept).await?;
            let mut replies = directory::followup::answer(turn, question).await?;
            replies.push(pause::offer(&flow));
            return Ok(replies);
        }
        // "A che ora chiude?" at a booking's question: about the house being booked.
        if let Some(Flow::Book { draft }) = &turn.flow
            && HOURS_QUESTION.is_match(&text::fold(text))
            && let Some(replies) = booking::hours_in_the_middle(turn, draft).await?
        {
            return Ok(replies);
        }
        // A flow waiting for typed input gets it first.
        if let Some(replies) = self.flow_text(turn, text).await? {
            return Ok(replies);
        }
        if number && let Some(o) = &offered {
            match o.read(text, answer) {
                offered::Typed::Press(payload) => return self.on_button(turn, &payload).await,
                offered::Typed::Earlier => {
                    let mut replies = vec![Reply::id("choice-from-earlier")];
                    replies.extend(o.question.clone());
                    return Ok(replies);
                }
                offered::Typed::Nothing => {}
            }
        }
        // "A che ora chiude?" right after a house's free times: about that house.
        if HOURS_QUESTION.is_match(&text::fold(text))
            && let Some(o) = &offered
            && let Some(reply) =
                booking::hours_of_offered(turn, &o.buttons.iter().map(|(_, p)| p.clone()).collect::<Vec<_>>()).await?
        {
            return Ok(vec![reply]);
        }
        // "Quanto costa?", "e domenica?", "il secondo": about what the directory just showed.
        if let Some(question) = directory::followup::read(text) {
            if turn.person.language.is_none() && hint.is_none() {
                turn.lang = turn.snapshot.understander.understand(text, turn.lang).lang;
            }
            return directory::followup::answer(turn, question).await;
        }
        // A bare language ("it", "english") is choosing it; "italiano" too for someone who
        // never chose (for others it may be the course).
        if let Some(lang) = commands::language_arg(text)
            && (turn.person.language.is_none() || text::fold(text) != "italiano")
        {
            return language::change(turn, Some(lang)).await;
        }
        let understood = turn.snapshot.understander.understand(text, turn.lang);
        self.answer(turn, text, hint, understood).await
    }

    /// Answers free text by what it was understood to mean.
    async fn answer(
        &self,
        turn: &mut Turn<'_>,
        text: &str,
        hint: Option<Lang>,
        mut understood: understand::Understanding,
    ) -> Result<Vec<Reply>, StoreError> {
        // Someone who never chose a language is answered in the one they write in; anyone
        // writing a whole sentence in the other language is answered in it, this once.
        if (turn.person.language.is_none() && hint.is_none()) || understood.clearly {
            turn.lang = understood.lang;
        }
        // Naming a bookable space ("la sala grande") is asking for it.
        let names_a_space = self.offers(BOOKING) && !self.spaces.named_in(&text::fold(text)).is_empty();
        if names_a_space && matches!(understood.intent, Intent::FindService | Intent::Unknown) {
            understood.intent = Intent::Book;
        }
        if let Some(refused) = self.not_here(registry::intent_owner(understood.intent)) {
            return Ok(vec![refused]);
        }
        match understood.intent {
            Intent::FindService => services::search_from_text(turn, &understood.slots).await,
            Intent::More => services::more(turn).await,
            Intent::TalkToPerson => directory::talk_to_person(turn, &understood.slots).await,
            Intent::Help => Ok(vec![help::help(turn)]),
            Intent::Greeting => Ok(vec![start::greet(turn)]),
            Intent::Thanks => Ok(vec![Reply::id("thanks-reply")]),
            Intent::Cancel => self.cancel(turn).await,
            Intent::ChangeLanguage => language::change(turn, understood.slots.switch_to).await,
            Intent::WhoAmI => Ok(vec![whoami::whoami(turn)]),
            Intent::NotificationsOff => people::notifications::set(turn, true, understood.slots.category.clone()).await,
            Intent::NotificationsOn => people::notifications::set(turn, false, understood.slots.category.clone()).await,
            Intent::Book => book::from_text(turn, text).await,
            Intent::Free => book::free(turn, text).await,
            Intent::Propose => propose::start(turn, propose::title_from(text).as_deref()).await,
            Intent::Initiatives => browse::browse(turn, text).await,
            Intent::JoinRooms => rooms::link::list_for(turn, understood.slots.territory.clone()).await,
            Intent::Unknown => Ok(vec![Reply::id("not-understood").with_buttons(services::category_buttons(turn))]),
        }
    }

    async fn flow_text(&self, turn: &mut Turn<'_>, text: &str) -> Result<Option<Vec<Reply>>, StoreError> {
        // A flow of a module this bot does not offer (started on another bot) waits.
        if turn.flow.as_ref().is_some_and(|f| self.not_here(registry::flow_owner(f.kind())).is_some()) {
            return Ok(None);
        }
        match turn.flow.clone() {
            Some(Flow::AskLanguage { .. }) => Ok(Some(language::typed(turn, text).await?)),
            Some(Flow::AskHome { .. }) => home::typed_home(turn, text).await,
            Some(Flow::ConfirmForget) => Ok(None),
            Some(Flow::Book { draft }) => book::typed(turn, draft, text).await,
            Some(Flow::Propose { .. }) => propose::typed(turn, text).await,
            Some(Flow::InitiativeText { id, awaiting, outcome }) => {
                Ok(Some(browse::typed(turn, id, awaiting, outcome, text).await?))
            }
            Some(Flow::Announce { .. } | Flow::AnnounceCorrect { .. }) => announcements::typed(turn, text).await,
            Some(Flow::Results { .. }) | None => Ok(None),
        }
    }

    async fn on_command(&self, turn: &mut Turn<'_>, command: Command) -> Result<Vec<Reply>, StoreError> {
        match command {
            Command::Start(payload) => start::start(turn, payload.as_deref()).await,
            Command::Help => Ok(vec![help::help(turn)]),
            Command::Services(None) => {
                turn.clear_flow().await?;
                Ok(vec![services::browse(turn)])
            }
            Command::Services(Some(words)) => {
                let understood = turn.snapshot.understander.understand(&words, turn.lang);
                let mut slots = understood.slots;
                if slots.category.is_none() && slots.text.is_none() && slots.territory.is_none() {
                    slots.text = Some(words);
                }
                services::search_from_text(turn, &slots).await
            }
            Command::Language(arg) => language::command(turn, arg.as_deref()).await,
            Command::Cancel => self.cancel(turn).await,
            Command::WhoAmI => Ok(vec![whoami::whoami(turn)]),
            Command::MyData => privacy::my_data(turn).await,
            Command::Forget => privacy::forget(turn).await,
            Command::Notifications(arg) => people::notifications::command(turn, arg.as_deref()).await,
            Command::Grant { role, account, territory } => grant::grant(turn, role, account, territory, true).await,
            Command::Revoke { role, account, territory } => grant::grant(turn, role, account, territory, false).await,
            Command::Book(words) => book::command(turn, words.as_deref()).await,
            Command::Free(words) => book::free(turn, words.as_deref().unwrap_or("")).await,
            Command::Bookings => bookings::list(turn).await,
            Command::CheckIn => bookings::check_in(turn).await,
            // Lists for staff name people and places: in a group, they go privately.
            Command::Approve => Ok(privately(approve::list(turn).await?)),
            Command::Propose(words) => propose::start(turn, words.as_deref()).await,
            Command::Initiatives(words) => browse::browse(turn, words.as_deref().unwrap_or("")).await,
            Command::Week => {
                let week = turn.engine.i18n().render(turn.lang, &Msg::new("ini-week-query"));
                browse::browse(turn, &week).await
            }
            Command::MyInitiatives => browse::mine(turn).await,
            Command::Review => Ok(privately(decide::review(turn).await?)),
            Command::Phase(args) => decide::phase(turn, args.as_deref()).await,
            Command::Stats(args) => decide::stats(turn, args.as_deref()).await,
            Command::Association(args) => associations::command(turn, args.as_deref()).await,
            Command::Space(args) => manage_spaces::command(turn, args.as_deref()).await,
            Command::Link(code) => link::link(turn, code.as_deref()).await,
            Command::Room(args) => rooms::link::command(turn, args.as_deref()).await,
            Command::Rooms(args) => rooms::link::list(turn, args.as_deref()).await,
            Command::Moderate(cmd, args) => rooms::moderate::command(turn, cmd, args.as_deref()).await,
            Command::ModLog => rooms::moderate::modlog(turn).await,
            // Lists and reports name people's numbers and texts: in a group, privately.
            Command::Announce(args) => Ok(privately(announcements::command(turn, args.as_deref()).await?)),
            Command::Rules(args) => rooms::texts::command(turn, TextKind::Rules, args.as_deref()).await,
            Command::Welcome(args) => rooms::texts::command(turn, TextKind::Welcome, args.as_deref()).await,
            Command::Questions(args) => rooms::texts::command(turn, TextKind::Questions, args.as_deref()).await,
            Command::Report(args) => rooms::report::command(turn, args.as_deref()).await,
            Command::Appeal(args) => rooms::appeal::command(turn, args.as_deref()).await,
            Command::Protect(args) => rooms::protect::command(turn, args.as_deref()).await,
            Command::Escalation(args) => rooms::escalation::command(turn, args.as_deref()).await,
            Command::Unknown(name) => Ok(vec![Reply::say(Msg::new("unknown-command").text("command", name))]),
        }
    }

    /// A button press: the module that owns the payload's kind reads it into its typed button
    /// and handles it; a kind nobody owns, or a payload its owner cannot read, is an expired
    /// button.
    async fn on_button(&self, turn: &mut Turn<'_>, payload: &str) -> Result<Vec<Reply>, StoreError> {
        let kind = payload.split_once(':').map_or(payload, |(kind, _)| kind);
        let Some(owner) = registry::button_owner(kind) else {
            return Ok(vec![Reply::id("button-expired")]);
        };
        if let Some(refused) = self.not_here(Some(owner)) {
            return Ok(vec![refused]);
        }
        let expired = || Ok(vec![Reply::id("button-expired")]);
        if owner.name == booking::module::MODULE.name {
            match booking::BookingButton::parse(payload) {
                Some(button) => booking::on_button(turn, button).await,
                None => expired(),
            }
        } else if owner.name == initiatives::module::MODULE.name {
            initiatives::pressed(turn, payload).await
        } else if owner.name == announcements::module::MODULE.name {
            Ok(privately(announcements::pressed(turn, payload).await?))
        } else if owner.name == rooms::module::MODULE.name {
            match rooms::buttons::RoomsButton::parse(payload) {
                Some(button) => rooms::on_button(turn, button).await,
                None => expired(),
            }
        } else if owner.name == people::module::MODULE.name {
            match people::buttons::PeopleButton::parse(payload) {
                Some(button) => people::on_button(turn, button).await,
                None => expired(),
            }
        } else {
            match directory::buttons::DirectoryButton::parse(payload) {
                Some(button) => directory::on_button(turn, button).await,
                None => expired(),
            }
        }
    }

    async fn cancel(&self, turn: &mut Turn<'_>) -> Result<Vec<Reply>, StoreError> {
        let had = turn.flow.take();
        turn.clear_flow().await?;
        // Leaving a proposal: an empty draft goes, a written one stays for later (and says where).
        if let Some(Flow::Propose { id, .. }) = &had {
            use vicinato_core::initiatives::propose::{Left, leave_draft};
            if let Left::Kept(title) = leave_draft(&turn.person, *id, turn.store()).await? {
                return Ok(vec![Reply::say(Msg::new("cancelled-draft-kept").text("title", title))]);
            }
        }
        Ok(vec![Reply::id(if had.is_some() { "cancelled" } else { "nothing-to-cancel" })])
    }
}
