//! `vicinato bench matrix`: Vicinato's Matrix round trip against a bare echo bot's, on the same
//! Synapse (started for the run) in the same run. The resident is a plain HTTP client with its
//! own `/sync` loop, so no client library's start-up or store sits in the figure. The echo bot
//! is the smallest bot the same sdk allows: it syncs, joins on invitation and sends each text
//! back as a notice. Questions alternate between the two bots, so a slow moment of the
//! homeserver falls on both. Needs the test peers: built with `testkit` only.

use super::{Percentiles, QUESTIONS, bench_app, current_memory_mib, peak_memory_mib, percentiles};
use crate::store::Store;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::{Duration, Instant};
use vicinato_testkit::synapse::Synapse;

const PASSWORD: &str = "bench-matrix-password";

/// Round trips of one bot: question sent → its reply seen by the resident's sync.
#[derive(Debug, Clone)]
pub struct BotFigures {
    pub round_trip: Percentiles,
    /// Replies per second with `burst` questions sent at once.
    pub burst_rate: f64,
}

/// The figures of a run.
#[derive(Debug, Clone)]
pub struct MatrixFigures {
    pub messages: usize,
    pub burst: usize,
    pub vicinato: BotFigures,
    pub echo: BotFigures,
    /// Resident memory of the process (both bots and the resident; the homeserver is another
    /// process) once settled, and at its peak.
    pub idle_mib: Option<f64>,
    pub busy_mib: Option<f64>,
}

/// A message the resident's sync saw: the room, who sent it, when it was seen.
struct Seen {
    room: String,
    sender: String,
    at: Instant,
}

/// The resident's own `/sync` loop: every message from someone else, as it is seen.
fn resident_sync(
    hs: Arc<Synapse>,
    token: String,
    me: String,
    tx: tokio::sync::mpsc::UnboundedSender<Seen>,
) -> tokio::task::JoinHandle<anyhow::Result<()>> {
    tokio::spawn(async move {
        // Every event of a sync (not the default 10), no presence.
        let filter =
            r#"{"room":{"timeline":{"limit":1000},"state":{"lazy_load_members":true}},"presence":{"not_types":["*"]}}"#;
        let filter = url_encode(filter);
        let mut since: Option<String> = None;
        loop {
            let path = match &since {
                Some(s) => format!("/_matrix/client/v3/sync?filter={filter}&timeout=30000&since={}", url_encode(s)),
                None => format!("/_matrix/client/v3/sync?filter={filter}&timeout=0"),
            };
            let (status, answer) = hs.call("GET", &path, Some(&token), None).await?;
            anyhow::ensure!(status == 200, "the resident's sync failed: {status} {answer}");
            let at = Instant::now();
            if since.is_some()
                && let Some(rooms) = answer.pointer("/rooms/join").and_then(Value::as_object)
            {
                for (room, update) in rooms {
                    for ev in update.pointer("/timeline/events").and_then(Value::as_array).into_iter().flatten() {
                        let sender = ev["sender"].as_str().unwrap_or_default();
                        if ev["type"] == "m.room.message" && sender != me {
                            let _ = tx.send(Seen { room: room.clone(), sender: sender.to_owned(), at });
                        }
                    }
                }
            }
            since = answer["next_batch"].as_str().map(str::to_owned);
        }
    })
}

fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The bare echo bot: the same sdk, no store of its own, no engine, no outbox.
async fn echo_bot(hs: &Synapse, data: &std::path::Path) -> anyhow::Result<(String, tokio::task::JoinHandle<()>)> {
    use matrix_sdk::config::SyncSettings;
    use matrix_sdk::ruma::events::room::message::{MessageType, OriginalSyncRoomMessageEvent, RoomMessageEventContent};
    hs.register("echobot", PASSWORD).await?;
    let client = matrix_sdk::Client::builder().homeserver_url(&hs.url).sqlite_store(data, None).build().await?;
    client.matrix_auth().login_username("echobot", PASSWORD).send().await?;
    let me = client.user_id().map(|u| u.to_owned()).ok_or_else(|| anyhow::anyhow!("the echo bot has no user id"))?;
    let first = client.sync_once(SyncSettings::default()).await?;
    let id = me.to_string();
    client.add_event_handler(move |ev: OriginalSyncRoomMessageEvent, room: matrix_sdk::Room| {
        let me = me.clone();
        async move {
            if ev.sender == me {
                return;
            }
            if let MessageType::Text(text) = ev.content.msgtype {
                let _ = room.send(RoomMessageEventContent::notice_plain(text.body)).await;
            }
        }
    });
    let running = tokio::spawn(async move {
        let mut token = first.next_batch;
        loop {
            // The whole timeline of each sync (a burst of questions is more than Synapse's
            // default 10 events, and the rest would never be echoed).
            let settings = SyncSettings::default()
                .timeout(Duration::from_secs(30))
                .token(token.clone())
                .filter(vicinato_matrix::timeline_filter(1000));
            match client.sync_once(settings).await {
                Ok(r) => {
                    for room in r.rooms.invited.keys() {
                        if let Some(room) = client.get_room(room) {
                            let _ = room.join().await;
                        }
                    }
                    token = r.next_batch;
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
            }
        }
    });
    Ok((id, running))
}

/// One bot's chat with the resident.
struct Chat {
    room: String,
    bot: String,
    txn: usize,
}

impl Chat {
    async fn ask(&mut self, hs: &Synapse, token: &str, text: &str) -> anyhow::Result<Instant> {
        self.txn += 1;
        let path = format!("/_matrix/client/v3/rooms/{}/send/m.room.message/bench{}", self.room, self.txn);
        let sent = Instant::now();
        let (status, answer) =
            hs.call("PUT", &path, Some(token), Some(&json!({"msgtype": "m.text", "body": text}))).await?;
        anyhow::ensure!(status == 200, "cannot send to {}: {status} {answer}", self.bot);
        Ok(sent)
    }
}

/// Waits for `n` messages from `chat`'s bot in its room; the time the last was seen. Messages
/// from the other bot seen meanwhile are kept for it.
async fn replies(
    rx: &mut tokio::sync::mpsc::UnboundedReceiver<Seen>,
    kept: &mut Vec<Seen>,
    chat: &Chat,
    n: usize,
) -> anyhow::Result<Instant> {
    let mut got = 0;
    let mut last = Instant::now();
    let mut i = 0;
    while i < kept.len() {
        if kept[i].room == chat.room && kept[i].sender == chat.bot {
            last = kept.remove(i).at;
            got += 1;
            if got == n {
                return Ok(last);
            }
        } else {
            i += 1;
        }
    }
    while got < n {
        let seen = tokio::time::timeout(Duration::from_secs(60), rx.recv())
            .await
            .ok()
            .flatten()
            .ok_or_else(|| anyhow::anyhow!("{} gave {got} of {n} replies within 60 s", chat.bot))?;
        if seen.room == chat.room && seen.sender == chat.bot {
            last = seen.at;
            got += 1;
        } else {
            kept.push(seen);
        }
    }
    Ok(last)
}

pub async fn matrix(store: Arc<dyn Store>, messages: usize, burst: usize) -> anyhow::Result<MatrixFigures> {
    use crate::transport::matrix::{Credentials, MatrixBot, MatrixOptions};
    let hs = tokio::task::spawn_blocking(Synapse::start)
        .await?
        .ok_or_else(|| anyhow::anyhow!("Synapse is not available: run scripts/synapse install"))?;
    let hs = Arc::new(hs);
    let data = std::env::temp_dir().join(format!("vicinato-bench-matrix-{}", std::process::id()));
    store.replace_dataset(&crate::demo::lazio()?).await?;
    let app = bench_app(store.clone(), "bench").await?;

    hs.register("benchbot", PASSWORD).await?;
    let bot_id = hs.user_id("benchbot");
    let credentials = Credentials::Password(crate::config::Secret::new(PASSWORD.into()));
    let options = MatrixOptions::new("benchmx", &hs.url, &bot_id, credentials, data.join("bot"));
    let bot = MatrixBot::connect(app.engine.clone(), options).await?;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let vicinato_running = tokio::spawn(bot.run(stopped));
    let (echo_id, echo_running) = echo_bot(&hs, &data.join("echo")).await?;

    let token = hs.register("resident", PASSWORD).await?;
    let me = hs.user_id("resident");
    let mut chats = Vec::new();
    for bot in [&bot_id, &echo_id] {
        let room = hs.open_direct_chat(&token, bot).await?;
        let deadline = Instant::now() + Duration::from_secs(60);
        while !hs.joined_members(&token, &room).await?.iter().any(|m| m == bot) {
            anyhow::ensure!(Instant::now() < deadline, "{bot} did not join its direct chat in 60 s");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        chats.push(Chat { room, bot: bot.clone(), txn: 0 });
    }
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let syncing = resident_sync(hs.clone(), token.clone(), me, tx);
    // Vicinato greets a new chat: let that go by, then start from a quiet room.
    tokio::time::sleep(Duration::from_secs(3)).await;
    while rx.try_recv().is_ok() {}
    let idle_mib = current_memory_mib();

    let mut kept = Vec::new();
    let mut samples = [Vec::with_capacity(messages), Vec::with_capacity(messages)];
    for i in 0..messages {
        let question = QUESTIONS[i % QUESTIONS.len()];
        // Alternate which bot goes first.
        for k in [i % 2, 1 - i % 2] {
            let sent = chats[k].ask(&hs, &token, question).await?;
            let got = replies(&mut rx, &mut kept, &chats[k], 1).await?;
            samples[k].push(got.duration_since(sent));
        }
    }
    let mut rates = [0.0; 2];
    for (k, rate) in rates.iter_mut().enumerate() {
        // Settle: any late extra message is dropped.
        tokio::time::sleep(Duration::from_millis(500)).await;
        while rx.try_recv().is_ok() {}
        kept.clear();
        let started = Instant::now();
        for i in 0..burst {
            chats[k].ask(&hs, &token, QUESTIONS[i % QUESTIONS.len()]).await?;
        }
        let last = replies(&mut rx, &mut kept, &chats[k], burst).await?;
        *rate = burst as f64 / last.duration_since(started).as_secs_f64();
    }
    let busy_mib = peak_memory_mib();
    syncing.abort();
    echo_running.abort();
    let _ = stop.send(true);
    vicinato_running.await??;
    drop(app);
    let _ = std::fs::remove_dir_all(&data);
    let [mut v, mut e] = samples;
    Ok(MatrixFigures {
        messages,
        burst,
        vicinato: BotFigures { round_trip: percentiles(&mut v), burst_rate: rates[0] },
        echo: BotFigures { round_trip: percentiles(&mut e), burst_rate: rates[1] },
        idle_mib,
        busy_mib,
    })
}
