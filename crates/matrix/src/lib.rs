//! The Matrix transport: one bot account per profile, on matrix-sdk, in direct chats and group
//! rooms, encrypted or not.
//!
//! The bot's session, room state and crypto store live in its own folder (never in the Vicinato
//! database), so a restart reuses the same device and keys. Vicinato keeps its own sync
//! token: each `/sync` answer is handled (invites accepted, messages answered) and its replies
//! are written to the outbox together with the next token, in one transaction. A restart or a
//! homeserver that went away resumes from that token: what arrived meanwhile is answered, once.
//! The first start syncs once without answering, so old history is never answered; in a room
//! the bot has just joined, messages from before its join are skipped.

pub mod courier;
mod direct;
pub mod outbound;
pub mod rooms;
pub mod sender;

use anyhow::Context;
use matrix_sdk::config::{RequestConfig, SyncSettings};
use matrix_sdk::ruma::events::room::member::MembershipState;
use matrix_sdk::ruma::events::room::message::{MessageType, Relation};
use matrix_sdk::ruma::events::{
    AnySyncMessageLikeEvent, AnySyncStateEvent, AnySyncTimelineEvent, SyncMessageLikeEvent, SyncStateEvent,
};
use matrix_sdk::ruma::{OwnedRoomId, OwnedUserId, UserId};
use matrix_sdk::sync::JoinedRoomUpdate;
use matrix_sdk::{Client, Room};
use outbound::MatrixOut;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Notify, watch};
use vicinato_chat::{Body, ChatKind, Engine, Inbound, Visibility};
use vicinato_core::Secret;
use vicinato_domain::Network;
use vicinato_store::{Cursor, NewOutboxItem};

/// How the bot signs in.
#[derive(Debug, Clone)]
pub enum Credentials {
    Password(Secret),
    /// An access token from an existing login (its device is reused).
    AccessToken(Secret),
}

/// Everything a Matrix bot needs to start.
#[derive(Debug, Clone)]
pub struct MatrixOptions {
    /// The bot's short name (its profile's file name).
    pub key: String,
    pub homeserver: String,
    pub user: String,
    pub credentials: Credentials,
    /// The folder for the session and the sdk's stores.
    pub data_dir: PathBuf,
    /// Accept invites only from users on these homeservers (empty: from anyone).
    pub allowed_servers: Vec<String>,
    /// How long one `/sync` waits for news.
    pub sync_timeout: Duration,
    /// Limits for every request: attempts and time, so one call cannot hang a conversation.
    pub request_timeout: Duration,
    pub request_retries: usize,
    /// Timeline events per room in one sync; a longer gap is read back page by page.
    pub timeline_limit: u32,
}

impl MatrixOptions {
    pub fn new(key: &str, homeserver: &str, user: &str, credentials: Credentials, data_dir: PathBuf) -> Self {
        Self {
            key: key.to_owned(),
            homeserver: homeserver.to_owned(),
            user: user.to_owned(),
            credentials,
            data_dir,
            allowed_servers: Vec::new(),
            sync_timeout: Duration::from_secs(20),
            request_timeout: Duration::from_secs(30),
            request_retries: 3,
            timeline_limit: 100,
        }
    }
}

/// A connected Matrix bot.
pub struct MatrixBot {
    engine: Arc<Engine>,
    client: Client,
    me: OwnedUserId,
    options: MatrixOptions,
    channel: String,
    cursor_key: String,
    wake: Arc<Notify>,
    /// Held while the bot changes power levels or makes a policy room.
    room_lock: Arc<tokio::sync::Mutex<()>>,
    /// A test's failpoint: handling panics for the messages it picks.
    failpoint: Option<Failpoint>,
    stats: Arc<sender::MatrixStats>,
    /// The direct chat of each person, as far as the bot knows.
    direct: Arc<direct::DirectChats>,
}

type Failpoint = Arc<dyn Fn(&Inbound) -> bool + Send + Sync>;

/// A message the conversation should see, and where its replies go.
struct Incoming {
    inbound: Inbound,
    room: OwnedRoomId,
    thread: Option<String>,
    /// The event's id, to name it in logs and dead letters.
    event: String,
}

/// What one timeline event is to the bot.
enum Step {
    Skip,
    /// The bot's own join: what came before is history.
    Joined,
    Message(Box<Incoming>),
}

impl MatrixBot {
    /// Signs in (restoring the stored session when there is one, so no new device appears on
    /// every start) and opens the sdk's stores in the bot's folder.
    pub async fn connect(engine: Arc<Engine>, options: MatrixOptions) -> anyhow::Result<Self> {
        std::fs::create_dir_all(&options.data_dir)
            .with_context(|| format!("cannot create the Matrix folder {}", options.data_dir.display()))?;
        let client = Client::builder()
            .homeserver_url(&options.homeserver)
            .sqlite_store(options.data_dir.join("store"), None)
            .request_config(RequestConfig::new().retry_limit(options.request_retries).timeout(options.request_timeout))
            .build()
            .await
            .with_context(|| format!("cannot set up the Matrix client for {}", options.homeserver))?;
        let session_file = options.data_dir.join("session.json");
        if session_file.exists() {
            let text = std::fs::read_to_string(&session_file)
                .with_context(|| format!("cannot read {}", session_file.display()))?;
            let session: matrix_sdk::authentication::matrix::MatrixSession = serde_json::from_str(&text)
                .with_context(|| format!("{} is not a Matrix session", session_file.display()))?;
            client.restore_session(session).await.context("cannot restore the Matrix session")?;
        } else {
            match &options.credentials {
                Credentials::Password(password) => {
                    client
                        .matrix_auth()
                        .login_username(&options.user, password.expose())
                        .initial_device_display_name("Vicinato")
                        .send()
                        .await
                        .with_context(|| format!("the homeserver refused the login of {}", options.user))?;
                }
                Credentials::AccessToken(token) => {
                    let user_id = UserId::parse(&options.user)
                        .with_context(|| format!("`{}` is not a Matrix user id like @bot:example.org", options.user))?;
                    let probe = Client::builder().homeserver_url(&options.homeserver).build().await?;
                    probe
                        .restore_session(matrix_sdk::authentication::matrix::MatrixSession {
                            meta: matrix_sdk::SessionMeta { user_id: user_id.clone(), device_id: "PROBE".into() },
                            tokens: matrix_sdk::SessionTokens {
                                access_token: token.expose().to_owned(),
                                refresh_token: None,
                            },
                        })
                        .await?;
                    let who = probe.whoami().await.context("the homeserver refused the access token")?;
                    let device_id = who.device_id.context("the access token has no device")?;
                    client
                        .restore_session(matrix_sdk::authentication::matrix::MatrixSession {
                            meta: matrix_sdk::SessionMeta { user_id, device_id },
                            tokens: matrix_sdk::SessionTokens {
                                access_token: token.expose().to_owned(),
                                refresh_token: None,
                            },
                        })
                        .await?;
                }
            }
            let session = client.matrix_auth().session().context("no session after login")?;
            write_private(&session_file, &serde_json::to_string(&session)?)?;
        }
        let me = client.user_id().context("no user id after login")?.to_owned();
        Ok(Self {
            engine,
            client,
            channel: format!("matrix:{}", options.key),
            cursor_key: format!("matrix.{}.since", options.key),
            me,
            options,
            wake: Arc::new(Notify::new()),
            room_lock: Arc::new(tokio::sync::Mutex::new(())),
            direct: Arc::default(),
            failpoint: None,
            stats: Arc::default(),
        })
    }

    /// Makes handling panic for the messages `when` picks: a failpoint for tests of the guard.
    #[doc(hidden)]
    pub fn fail_when(mut self, when: impl Fn(&Inbound) -> bool + Send + Sync + 'static) -> Self {
        self.failpoint = Some(Arc::new(when));
        self
    }

    pub fn user_id(&self) -> &UserId {
        &self.me
    }

    pub fn waker(&self) -> Arc<Notify> {
        self.wake.clone()
    }

    pub fn channel(&self) -> &str {
        &self.channel
    }

    /// The sender's counters (messages sent, rate limits waited out).
    pub fn stats(&self) -> Arc<sender::MatrixStats> {
        self.stats.clone()
    }

    /// Syncs and answers until `stop` turns true.
    pub async fn run(self, stop: watch::Receiver<bool>) -> anyhow::Result<()> {
        self.run_until(stop.clone(), stop).await
    }

    /// Syncs and answers, stopped in two steps: no sync once `receiving` turns true, and the
    /// sender goes on until `sending` does (so what is on its way can be drained first). A
    /// sync that fails stops the sender too.
    pub async fn run_until(
        self,
        mut receiving: watch::Receiver<bool>,
        sending: watch::Receiver<bool>,
    ) -> anyhow::Result<()> {
        let this = Arc::new(self);
        let (halt, halted) = watch::channel(false);
        let sender_task = tokio::spawn(sender::run(
            this.client.clone(),
            this.engine.store().clone(),
            this.channel.clone(),
            this.wake.clone(),
            this.stats.clone(),
            halted,
        ));
        let result = this.sync_loop(&mut receiving).await;
        if result.is_ok() {
            vicinato_core::until_true(sending).await;
        }
        let _ = halt.send(true);
        sender_task.await.ok();
        result
    }

    async fn sync_loop(&self, stop: &mut watch::Receiver<bool>) -> anyhow::Result<()> {
        let store = self.engine.store();
        let mut since = store.setting(&self.cursor_key).await?;
        let mut failures = 0u32;
        if since.is_none() {
            // First start: learn the state, answer nothing that happened before.
            let first = loop {
                match self.client.sync_once(SyncSettings::default()).await {
                    Ok(r) => break r,
                    Err(e) => {
                        failures += 1;
                        tracing::warn!(error = %e, "first Matrix sync failed; retrying");
                        if self.pause(failures, stop).await {
                            return Ok(());
                        }
                    }
                }
            };
            self.accept_invites(first.rooms.invited.keys().cloned().collect()).await;
            store.set_setting(&self.cursor_key, &first.next_batch).await?;
            since = Some(first.next_batch);
        }
        tracing::info!(bot = %self.me, "syncing with the Matrix homeserver");
        loop {
            if *stop.borrow() {
                return Ok(());
            }
            let mut settings = SyncSettings::default()
                .timeout(self.options.sync_timeout)
                .filter(timeline_filter(self.options.timeline_limit));
            if let Some(token) = &since {
                settings = settings.token(token.clone());
            }
            tracing::trace!("Matrix sync: asking");
            let result = tokio::select! {
                r = self.client.sync_once(settings) => r,
                _ = stop.changed() => return Ok(()),
            };
            vicinato_core::metrics::global().set_connected("matrix", &self.options.key, result.is_ok());
            match result {
                Ok(response) => {
                    tracing::trace!(rooms = response.rooms.joined.len(), "Matrix sync: answered");
                    if failures > 0 {
                        tracing::info!("the Matrix homeserver is back");
                    }
                    failures = 0;
                    self.accept_invites(response.rooms.invited.keys().cloned().collect()).await;
                    let rooms: Vec<(OwnedRoomId, JoinedRoomUpdate)> = response.rooms.joined.into_iter().collect();
                    let items = self.handle_rooms(rooms, since.clone()).await;
                    let cursor = Cursor { key: &self.cursor_key, value: &response.next_batch };
                    let mut wait = Duration::from_millis(200);
                    loop {
                        match store.outbox_push(&self.channel, &items, Some(cursor), chrono::Utc::now()).await {
                            Ok(()) => break,
                            Err(e) => {
                                tracing::error!(error = %e, "cannot store replies; retrying before syncing again");
                                tokio::time::sleep(wait).await;
                                wait = (wait * 2).min(Duration::from_secs(10));
                            }
                        }
                    }
                    if !items.is_empty() {
                        tracing::debug!(replies = items.len(), "Matrix replies stored");
                        self.wake.notify_one();
                    }
                    since = Some(response.next_batch);
                }
                Err(e) => {
                    failures += 1;
                    tracing::warn!(error = %e, failures, "Matrix sync failed; retrying");
                    if self.pause(failures, stop).await {
                        return Ok(());
                    }
                }
            }
        }
    }

    /// Waits before the next attempt (1, 2, 4 … 30 s); true when asked to stop meanwhile.
    async fn pause(&self, failures: u32, stop: &mut watch::Receiver<bool>) -> bool {
        let wait = Duration::from_secs((1u64 << failures.min(5)).min(30));
        tokio::select! {
            _ = tokio::time::sleep(wait) => false,
            _ = stop.changed() => true,
        }
    }

    /// Joins the rooms the bot was invited to, from allowed homeservers.
    async fn accept_invites(&self, rooms: Vec<OwnedRoomId>) {
        for id in rooms {
            let Some(room) = self.client.get_room(&id) else { continue };
            if !self.options.allowed_servers.is_empty() {
                let inviter = room.invite_details().await.ok().and_then(|d| d.inviter).map(|m| m.user_id().to_owned());
                let allowed = inviter
                    .as_ref()
                    .is_some_and(|u| self.options.allowed_servers.iter().any(|s| s == u.server_name().as_str()));
                if !allowed {
                    tracing::info!(room = %id, inviter = ?inviter, "invite from a homeserver not allowed; declined");
                    let _ = room.leave().await;
                    continue;
                }
            }
            match room.join().await {
                Ok(()) => tracing::info!(room = %id, "joined a room on invitation"),
                Err(e) => tracing::warn!(room = %id, error = %e, "cannot join a room"),
            }
        }
    }

    /// Answers the new messages of every room (rooms at once, each room in order).
    async fn handle_rooms(
        &self,
        rooms: Vec<(OwnedRoomId, JoinedRoomUpdate)>,
        since: Option<String>,
    ) -> Vec<NewOutboxItem> {
        let lanes = rooms.into_iter().map(|(id, mut update)| {
            let since = since.clone();
            async move {
                let Some(room) = self.client.get_room(&id) else { return Vec::new() };
                if update.timeline.limited {
                    self.backfill(&room, &mut update, since.as_deref()).await;
                }
                let mut out = Vec::new();
                for incoming in self.messages_of(&room, &update).await {
                    out.extend(self.answer_guarded(incoming).await);
                }
                out
            }
        });
        futures::future::join_all(lanes).await.concat()
    }

    /// More arrived in a room than one sync carries (after a restart or an outage): reads the
    /// gap between the previous token and this timeline, so nothing is skipped.
    async fn backfill(&self, room: &Room, update: &mut JoinedRoomUpdate, since: Option<&str>) {
        let (Some(since), Some(mut from)) = (since, update.timeline.prev_batch.clone()) else { return };
        let mut older = Vec::new();
        for _ in 0..50 {
            let mut options = matrix_sdk::room::MessagesOptions::backward().from(from.as_str());
            options.to = Some(since.to_owned());
            match room.messages(options).await {
                Ok(page) => {
                    let done = page.chunk.is_empty() || page.end.is_none();
                    older.extend(page.chunk);
                    match page.end {
                        Some(end) if !done => from = end,
                        _ => break,
                    }
                }
                Err(e) => {
                    tracing::warn!(room = %room.room_id(), error = %e, "cannot read the messages missed in a room");
                    break;
                }
            }
        }
        older.reverse();
        older.append(&mut update.timeline.events);
        update.timeline.events = older;
    }

    /// The messages in a room's timeline the bot should answer: not its own, not from before
    /// it joined, not edits or notices from other bots. An event that cannot be read (a panic)
    /// is kept as a dead letter and the others are read on.
    async fn messages_of(&self, room: &Room, update: &JoinedRoomUpdate) -> Vec<Incoming> {
        let mut found = Vec::new();
        // The summary's member count is not always sent, so count the joined members we know.
        let joined = room.members_no_sync(matrix_sdk::RoomMemberships::JOIN).await.map_or(0, |m| m.len());
        // A room linked to a territory (or a Space) is a group, however few are left in it.
        let linked = matches!(self.engine.store().room(Network::Matrix, room.room_id().as_str()).await, Ok(Some(_)));
        let direct =
            !linked && !room.is_space() && (room.is_direct().await.unwrap_or(false) || (1..=2).contains(&joined));
        for event in &update.timeline.events {
            match vicinato_core::guard::catch(self.read_event(room, direct, event)).await {
                Ok(Step::Skip) => {}
                // Everything before the bot's own join is history it must not answer.
                Ok(Step::Joined) => found.clear(),
                Ok(Step::Message(incoming)) => found.push(*incoming),
                Err(error) => {
                    let id = event.event_id().map_or_else(|| "?".to_owned(), |e| e.to_string());
                    self.set_aside(&id, "event", &error).await;
                }
            }
        }
        // A person writing in a room they share with the bot alone: their direct chat.
        if direct && joined == 2 {
            for incoming in &found {
                if let Ok(user) = UserId::parse(&incoming.inbound.sender_id) {
                    self.direct.note(&user, room.room_id());
                }
            }
        }
        found
    }

    /// One timeline event: a message to answer, the bot's own join, or nothing.
    async fn read_event(
        &self,
        room: &Room,
        direct: bool,
        event: &matrix_sdk::deserialized_responses::TimelineEvent,
    ) -> Step {
        let Ok(any) = event.raw().deserialize() else { return Step::Skip };
        match any {
            AnySyncTimelineEvent::State(AnySyncStateEvent::RoomMember(SyncStateEvent::Original(m)))
                if m.state_key == self.me
                    && m.content.membership == MembershipState::Join
                    && m.unsigned.prev_content.as_ref().is_none_or(|p| p.membership != MembershipState::Join) =>
            {
                Step::Joined
            }
            // A knock on a linked room is a request to join: the welcome, the rules and the
            // questions go to the person's direct chat, and every yes invites them.
            AnySyncTimelineEvent::State(AnySyncStateEvent::RoomMember(SyncStateEvent::Original(m)))
                if m.content.membership == MembershipState::Knock && m.state_key != self.me && !direct =>
            {
                let linked =
                    matches!(self.engine.store().room(Network::Matrix, room.room_id().as_str()).await, Ok(Some(_)));
                if !linked {
                    return Step::Skip;
                }
                let knocker = m.state_key.to_string();
                let Some(dm) = self.direct_room_with(&knocker).await else { return Step::Skip };
                let Ok(dm_id) = matrix_sdk::ruma::OwnedRoomId::try_from(dm.as_str()) else { return Step::Skip };
                let name = m.content.displayname.clone().unwrap_or_else(|| m.state_key.localpart().to_owned());
                Step::Message(Box::new(Incoming {
                    inbound: Inbound {
                        network: Network::Matrix,
                        chat_id: dm,
                        chat_kind: ChatKind::Direct,
                        sender_id: knocker,
                        sender_name: name,
                        body: Body::JoinRequest { chat_id: room.room_id().to_string() },
                        lang_hint: None,
                        addressed: true,
                        channel: Some(self.channel.clone()),
                        reply_to: None,
                        message_id: None,
                        forwarded: false,
                        media: None,
                    },
                    room: dm_id,
                    thread: None,
                    event: m.event_id.to_string(),
                }))
            }
            AnySyncTimelineEvent::MessageLike(AnySyncMessageLikeEvent::RoomMessage(
                SyncMessageLikeEvent::Original(m),
            )) => {
                if m.sender == self.me || matches!(m.content.relates_to, Some(Relation::Replacement(_))) {
                    return Step::Skip;
                }
                let thread = match &m.content.relates_to {
                    Some(Relation::Thread(t)) => Some(t.event_id.to_string()),
                    _ => None,
                };
                let body = match &m.content.msgtype {
                    MessageType::Text(t) => Some(body_text(&t.body)),
                    MessageType::Emote(t) => Some(body_text(&t.body)),
                    MessageType::Notice(_) => return Step::Skip,
                    _ => None,
                };
                let mentioned = m.content.mentions.as_ref().is_some_and(|x| x.user_ids.contains(&self.me));
                let (body, addressed) = match (body, direct) {
                    (Some(text), true) => (Body::Text(text), true),
                    (None, true) => (Body::Unsupported, true),
                    // Not addressed to the bot: the engine only applies the room's protections.
                    (None, false) => (Body::Unsupported, false),
                    (Some(text), false) => match address_in_group(&self.me, &text, mentioned) {
                        Some(t) => (Body::Text(t), true),
                        None => (Body::Text(text), false),
                    },
                };
                let name = self.name_in(room, &m.sender).await;
                let replied_to = match &m.content.relates_to {
                    Some(Relation::Reply(r)) => Some(r.in_reply_to.event_id.clone()),
                    Some(Relation::Thread(t)) if !t.is_falling_back => {
                        t.in_reply_to.as_ref().map(|r| r.event_id.clone())
                    }
                    _ => None,
                };
                let reply_to = match replied_to {
                    Some(id) if !direct => self.replied(room, &id).await,
                    _ => None,
                };
                Step::Message(Box::new(Incoming {
                    inbound: Inbound {
                        network: Network::Matrix,
                        chat_id: room.room_id().to_string(),
                        chat_kind: if direct { ChatKind::Direct } else { ChatKind::Group },
                        sender_id: m.sender.to_string(),
                        sender_name: name,
                        body,
                        // Matrix does not say which language a person uses.
                        lang_hint: None,
                        addressed,
                        channel: Some(self.channel.clone()),
                        reply_to,
                        message_id: Some(m.event_id.to_string()),
                        forwarded: false,
                        media: None,
                    },
                    room: room.room_id().to_owned(),
                    thread,
                    event: m.event_id.to_string(),
                }))
            }
            _ => Step::Skip,
        }
    }

    /// The name a member shows in a room.
    async fn name_in(&self, room: &Room, user: &UserId) -> String {
        match room.get_member_no_sync(user).await {
            Ok(Some(member)) => member.name().to_owned(),
            _ => user.localpart().to_owned(),
        }
    }

    /// The message a reply answers (`m.in_reply_to`): who wrote it, its event id, its text.
    /// Read from the homeserver; `None` when it cannot be had.
    async fn replied(&self, room: &Room, id: &matrix_sdk::ruma::EventId) -> Option<vicinato_chat::Replied> {
        let event = match room.event(id, None).await {
            Ok(e) => e,
            Err(e) => {
                tracing::info!(room = %room.room_id(), error = %e, "cannot read the message replied to");
                return None;
            }
        };
        let any = event.raw().deserialize().ok()?;
        let sender = any.sender().to_owned();
        let text = match &any {
            AnySyncTimelineEvent::MessageLike(AnySyncMessageLikeEvent::RoomMessage(
                SyncMessageLikeEvent::Original(m),
            )) => match &m.content.msgtype {
                MessageType::Text(t) => Some(body_text(&t.body)),
                MessageType::Emote(t) => Some(body_text(&t.body)),
                MessageType::Notice(t) => Some(body_text(&t.body)),
                _ => None,
            },
            _ => None,
        };
        Some(vicinato_chat::Replied {
            sender_name: self.name_in(room, &sender).await,
            from_bot: sender == self.me,
            sender_id: sender.to_string(),
            message_id: id.to_string(),
            text,
        })
    }

    /// Keeps an event that could not be handled as a dead letter for operators.
    async fn set_aside(&self, event: &str, kind: &str, error: &str) {
        tracing::error!(bot = %self.me, event, error, "a Matrix event could not be handled; kept as a dead letter");
        vicinato_core::metrics::global().error("dead_letter");
        let store = self.engine.store();
        if let Err(e) = store.dead_letter_add(&self.channel, event, kind, error, chrono::Utc::now()).await {
            tracing::error!(event, error = %e, "cannot keep a dead letter");
        }
    }

    fn choices_key(&self, room: &str, user: &str) -> String {
        choices_key(&self.options.key, room, user)
    }

    /// Delivers replies Vicinato sends on its own (reminders) through this bot.
    pub fn courier(&self) -> courier::MatrixCourier {
        courier::MatrixCourier {
            engine: self.engine.clone(),
            client: self.client.clone(),
            channel: self.channel.clone(),
            key: self.options.key.clone(),
            wake: self.wake.clone(),
            direct: self.direct.clone(),
            moderator: rooms::Moderator {
                client: self.client.clone(),
                engine: self.engine.clone(),
                key: self.options.key.clone(),
                lock: self.room_lock.clone(),
            },
        }
    }

    /// One message, guarded: a panic while handling it is logged with the event's id (never
    /// its text), the event is kept as a dead letter, and the person is told something went
    /// wrong. The sync token moves past it with the rest.
    async fn answer_guarded(&self, incoming: Incoming) -> Vec<NewOutboxItem> {
        let event = incoming.event.clone();
        let room = incoming.room.to_string();
        let thread = incoming.thread.clone();
        let metrics = vicinato_core::metrics::global();
        let labels = ["matrix", self.options.key.as_str()];
        metrics.received.with(&labels).inc();
        let started = std::time::Instant::now();
        let answered = vicinato_core::guard::catch(self.answer(incoming)).await;
        metrics.reply_seconds.with(&labels).observe(started.elapsed().as_secs_f64());
        match answered {
            Ok(items) => items,
            Err(error) => {
                self.set_aside(&event, "event", &error).await;
                let note = self.engine.i18n().say(self.engine.settings().default_lang, "error-internal");
                let msg = MatrixOut {
                    room,
                    thread,
                    html: vicinato_transport::escape_html(&note),
                    plain: note,
                    file: None,
                    image: None,
                    ..Default::default()
                };
                vec![msg.to_item()]
            }
        }
    }

    /// Handles one message and lays its replies out for the outbox.
    async fn answer(&self, mut incoming: Incoming) -> Vec<NewOutboxItem> {
        let store = self.engine.store();
        let key = self.choices_key(incoming.room.as_str(), &incoming.inbound.sender_id);
        if let Body::Text(text) = &incoming.inbound.body
            && text.trim().len() <= 3
            && let Ok(Some(saved)) = store.setting(&key).await
            && let Ok(payloads) = serde_json::from_str::<Vec<String>>(&saved)
            && let Some(payload) = outbound::choice(text, &payloads)
        {
            incoming.inbound.body = Body::Button(payload);
        }
        if let Some(fail) = &self.failpoint
            && fail(&incoming.inbound)
        {
            panic!("failpoint: handling this event panics");
        }
        let sender = incoming.inbound.sender_id.clone();
        let group = incoming.inbound.chat_kind == ChatKind::Group;
        // A sync replayed after a crash brings the event again: it is answered as before.
        let receipt = format!("{}:{}", self.channel, incoming.event);
        let outcome = self.engine.handle_once(incoming.inbound, &receipt).await;
        let mut items = Vec::new();
        let mut last_choices: Option<Vec<String>> = None;
        for laid in outbound::lay_out(&self.engine, &outcome) {
            let (room, thread) = if group && laid.visibility == Visibility::Sender {
                match self.direct_room_with(&sender).await {
                    Some(dm) => (dm, None),
                    None => {
                        let note = self.engine.i18n().say(outcome.lang, "matrix-private-unreachable");
                        let msg = MatrixOut {
                            room: incoming.room.to_string(),
                            thread: incoming.thread.clone(),
                            html: vicinato_transport::escape_html(&note),
                            plain: note,
                            file: None,
                            image: None,
                            ..Default::default()
                        };
                        items.push(msg.to_item());
                        continue;
                    }
                }
            } else {
                (incoming.room.to_string(), incoming.thread.clone())
            };
            let attached = MatrixOut::attached(&room, &laid);
            if room == incoming.room.as_str() {
                last_choices = Some(laid.choices);
            }
            items.push(
                MatrixOut {
                    room: room.clone(),
                    thread,
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
        let items: Vec<NewOutboxItem> = items.into_iter().map(|i| i.for_account(Some(&sender))).collect();
        if let Some(payloads) = last_choices
            && let Err(e) = store.set_setting(&key, &serde_json::to_string(&payloads).unwrap_or_default()).await
        {
            tracing::warn!(error = %e, "cannot keep the numbered choices");
        }
        items
    }

    /// The direct chat with a person, created (and the person invited) when there is none.
    async fn direct_room_with(&self, user: &str) -> Option<String> {
        let user = UserId::parse(user).ok()?;
        match self.direct.find(&self.client, self.engine.store().as_ref(), &user).await {
            Ok(room) => Some(room.room_id().to_string()),
            Err(e) => {
                tracing::warn!(error = %e, "cannot open a direct chat");
                None
            }
        }
    }
}

/// At most `limit` timeline events per room per sync; more is read back with
/// [`MatrixBot::backfill`].
/// A sync filter that brings up to `limit` events of each room's timeline (Synapse's default
/// is 10, and a busier room then comes back `limited`).
pub fn timeline_filter(limit: u32) -> matrix_sdk::ruma::api::client::sync::sync_events::v3::Filter {
    let mut definition = matrix_sdk::ruma::api::client::filter::FilterDefinition::default();
    definition.room.timeline.limit = Some(limit.into());
    matrix_sdk::ruma::api::client::sync::sync_events::v3::Filter::FilterDefinition(definition)
}

/// Where the numbered choices last shown to a person in a room are kept.
fn choices_key(bot: &str, room: &str, user: &str) -> String {
    format!("matrix.{bot}.choices.{room}.{user}")
}

/// In a group room: a command (`/` or `!`), or a message that mentions the bot (by pill,
/// user id or name, in any case). Returns the text without the mention. Pure, so any text a
/// homeserver can carry can be tried on it.
pub fn address_in_group(me: &UserId, text: &str, mentioned: bool) -> Option<String> {
    use vicinato_transport::{find_caseless, strip_prefix_caseless};
    let trimmed = text.trim();
    if trimmed.starts_with('/') || trimmed.starts_with('!') {
        return Some(trimmed.to_owned());
    }
    let names = [me.as_str(), me.localpart(), "vicinato"];
    for name in names {
        if let Some(rest) = strip_prefix_caseless(trimmed, name) {
            return Some(rest.trim_start_matches([':', ',', ' ']).trim().to_owned());
        }
    }
    if mentioned || names.iter().any(|n| find_caseless(trimmed, n).is_some()) {
        return Some(trimmed.to_owned());
    }
    None
}

/// The text of a message body as the conversation reads it: without a reply's quoted lines.
pub fn body_text(body: &str) -> String {
    strip_reply_fallback(body)
}

/// Drops the quoted lines some clients put before a reply (`> <@user> …`).
fn strip_reply_fallback(body: &str) -> String {
    if !body.starts_with("> ") {
        return body.to_owned();
    }
    let rest: Vec<&str> = body.lines().skip_while(|l| l.starts_with('>')).collect();
    rest.join("\n").trim().to_owned()
}

/// Writes a file only its owner can read (the session holds an access token).
fn write_private(path: &std::path::Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).with_context(|| format!("cannot write {}", path.display()))?;
    file.write_all(text.as_bytes()).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_reply_fallbacks_are_dropped() {
        assert_eq!(strip_reply_fallback("> <@a:x> ciao\n\n2"), "2");
        assert_eq!(strip_reply_fallback("ciao"), "ciao");
    }

    fn bot() -> OwnedUserId {
        UserId::parse("@vicinato:localhost").unwrap()
    }

    #[test]
    fn a_name_followed_by_a_kelvin_sign_is_stripped_without_splitting_a_character() {
        // The Kelvin sign is three bytes and lowercases to one: cutting at an offset of the
        // lowercase text panicked here.
        assert_eq!(address_in_group(&bot(), "Vicinato \u{212A} ciao", false).as_deref(), Some("\u{212A} ciao"));
        assert_eq!(address_in_group(&bot(), "VICINATO: \u{130}stanbul", false).as_deref(), Some("\u{130}stanbul"));
        assert_eq!(
            address_in_group(&bot(), "\u{130}\u{130} ciao vicinato", false).as_deref(),
            Some("\u{130}\u{130} ciao vicinato")
        );
        assert_eq!(address_in_group(&bot(), "ciao a tutti", false), None);
        // Found by the property test below (its seed is kept): the Ohm sign after the name.
        assert_eq!(address_in_group(&bot(), "VICINATO\u{2126}", false).as_deref(), Some("\u{2126}"));
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;
        use vicinato_testkit::hostile_text::{hostile_text, message};

        proptest! {
            #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

            /// Any body a homeserver carries, naming the bot in any case or not, is read without
            /// a panic, and what is kept is part of what was written.
            #[test]
            fn any_group_message_is_read_without_a_panic(
                text in prop_oneof![message("vicinato"), message("@vicinato:localhost")],
                quoted in prop::option::of(hostile_text(30)),
                mentioned in any::<bool>(),
            ) {
                let body = match quoted {
                    Some(q) => format!("> <@a:x> {q}\n\n{text}"),
                    None => text,
                };
                let read = body_text(&body);
                if let Some(kept) = address_in_group(&bot(), &read, mentioned) {
                    prop_assert!(read.contains(kept.as_str()) || kept.is_empty(), "{kept:?} not in {read:?}");
                }
            }
        }
    }
}
