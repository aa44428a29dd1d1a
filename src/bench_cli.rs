//! `vicinato bench …`: the command line of the benchmarks. Each one prints its human table, or
//! with `--json` one JSON line holding every figure (`bench`, `engine`, then the benchmark's own
//! keys: `p50_ms`, `p95_ms`, `messages_per_s`, …), for scripts and for BENCHMARKS.md. The
//! measuring itself lives in `vicinato::bench`; this file only runs it and reports.

use crate::DbArg;
use clap::Subcommand;
use serde_json::{Map, Value};
use std::path::PathBuf;
use std::sync::Arc;
use vicinato::app;
use vicinato::bench::Percentiles;
use vicinato::store::Store;

/// The network between the bot and the Bot API test server, and the faults it injects.
#[derive(clap::Args, Clone, Copy)]
pub struct NetArgs {
    /// Round-trip delay in milliseconds (half each way).
    #[arg(long, default_value_t = 0)]
    delay_ms: u64,
    /// Round-trip jitter in milliseconds: a random part of it is added to each request
    /// (half each way, drawn independently): `--delay-ms 20 --jitter-ms 60` is 20–80 ms.
    #[arg(long, default_value_t = 0)]
    jitter_ms: u64,
    /// Share of sends answered with a 500 (0.05 = 5%).
    #[arg(long, default_value_t = 0.0)]
    fault_500: f64,
    /// Share of sends answered with a 429 (`retry_after` 1 s).
    #[arg(long, default_value_t = 0.0)]
    fault_429: f64,
    /// Seed of the server's randomness.
    #[arg(long, default_value_t = 7)]
    seed: u64,
}

impl NetArgs {
    #[cfg_attr(not(feature = "testkit"), allow(dead_code))]
    fn run(&self) -> vicinato::bench::TelegramRun {
        vicinato::bench::TelegramRun {
            delay: std::time::Duration::from_millis(self.delay_ms),
            jitter: std::time::Duration::from_millis(self.jitter_ms),
            server_errors: self.fault_500,
            too_many: self.fault_429,
            seed: self.seed,
        }
    }
}

#[derive(Subcommand)]
pub enum BenchKind {
    /// Directory search latency with a synthetic directory.
    Directory {
        #[arg(long, default_value_t = 100_000)]
        services: usize,
        #[arg(long, default_value_t = 2_000)]
        queries: usize,
        /// Defaults to a fresh SQLite file in a temporary folder.
        #[command(flatten)]
        db: DbArg,
    },
    /// Telegram: an announcement to many chats under Telegram's limits, and inbound
    /// throughput, against the Bot API test server.
    Telegram {
        #[arg(long, default_value_t = 1_500)]
        chats: usize,
        #[arg(long, default_value_t = 2_000)]
        updates: usize,
        #[command(flatten)]
        net: NetArgs,
        #[command(flatten)]
        db: DbArg,
    },
    /// Announcements: one staff announcement to many residents on Telegram (through the Bot
    /// API test server, its limits enforced) and on Matrix (a Synapse started for the run),
    /// every copy read back; the reply time of residents writing meanwhile.
    Broadcast {
        #[arg(long, default_value_t = 10_000)]
        telegram: usize,
        /// Matrix residents; 0 starts no homeserver.
        #[arg(long, default_value_t = 500)]
        matrix: usize,
        /// One resident in this many reads English.
        #[arg(long, default_value_t = 5)]
        english_every: usize,
        /// Messages a second the homeserver allows the bot (0: no limit).
        #[arg(long, default_value_t = 0.0)]
        matrix_per_second: f64,
        /// A new resident writes on Telegram this often during the send, in milliseconds.
        #[arg(long, default_value_t = 1_000)]
        ask_every_ms: u64,
        #[command(flatten)]
        net: NetArgs,
        #[command(flatten)]
        db: DbArg,
    },
    /// Rooms and moderation: a moderator's `/mute` to its `restrictChatMember`, and many timed
    /// sanctions ending in the same minute, through the Telegram transport against the Bot API
    /// test server.
    Moderation {
        #[arg(long, default_value_t = 300)]
        commands: usize,
        #[arg(long, default_value_t = 1_000)]
        sanctions: usize,
        /// The sanctions' ends are spread evenly over this many seconds.
        #[arg(long, default_value_t = 60)]
        window_s: u64,
        #[command(flatten)]
        db: DbArg,
    },
    /// Matrix: Vicinato's round trip against a bare echo bot's on the same Synapse (started
    /// for the run), the resident a plain HTTP client; then replies per second with a burst.
    Matrix {
        /// Questions asked one at a time of each bot.
        #[arg(long, default_value_t = 200)]
        messages: usize,
        /// Questions sent at once to each bot for the throughput figure.
        #[arg(long, default_value_t = 100)]
        burst: usize,
        #[command(flatten)]
        db: DbArg,
    },
    /// Idle cost: `vicinato serve` as its own process with both bots connected (the Bot API
    /// test server and a Synapse started for the run) and nothing happening: its memory, CPU
    /// and the requests it makes.
    Idle {
        /// Seconds measured, after the process is ready and has settled.
        #[arg(long, default_value_t = 60)]
        seconds: u64,
    },
    /// Bookings per second sustained, and 100 requests racing for one slot.
    Booking {
        #[arg(long, default_value_t = 20_000)]
        bookings: usize,
        #[arg(long, default_value_t = 16)]
        clients: usize,
        #[command(flatten)]
        db: DbArg,
    },
    /// Initiatives: supports per second on one initiative from many residents at once
    /// (counts checked), and browsing latency among many initiatives.
    Initiatives {
        #[arg(long, default_value_t = 5_000)]
        supporters: usize,
        #[arg(long, default_value_t = 16)]
        clients: usize,
        #[arg(long, default_value_t = 50_000)]
        initiatives: usize,
        #[arg(long, default_value_t = 700)]
        queries: usize,
        #[command(flatten)]
        db: DbArg,
    },
    /// The scheduler loop over many pending jobs: lateness of due jobs, CPU while idle.
    Scheduler {
        #[arg(long, default_value_t = 100_000)]
        jobs: usize,
        /// How many of them fall due during the run.
        #[arg(long, default_value_t = 2_000)]
        due: usize,
        /// Seconds over which the due jobs are spread.
        #[arg(long, default_value_t = 20)]
        spread: u64,
        /// Seconds of idling measured for CPU use.
        #[arg(long, default_value_t = 20)]
        idle: u64,
        #[command(flatten)]
        db: DbArg,
    },
    /// Understanding: intent and slot accuracy on a corpus of single messages, the misses
    /// listed. No database.
    Understand {
        /// A corpus of the same shape (defaults to the one shipped,
        /// tests/it/corpus/messages.toml).
        #[arg(long)]
        file: Option<PathBuf>,
    },
    /// Whole conversation path throughput for directory questions.
    Conversation {
        #[arg(long, default_value_t = 100_000)]
        services: usize,
        #[arg(long, default_value_t = 20_000)]
        messages: usize,
        #[arg(long, default_value_t = 64)]
        residents: usize,
        #[command(flatten)]
        db: DbArg,
    },
}

/// What a benchmark says: its table line by line, or, with `--json`, nothing until one line
/// with every figure at the end.
struct Report {
    json: bool,
    figures: Map<String, Value>,
}

impl Report {
    fn new(bench: &str, json: bool) -> Self {
        let mut figures = Map::new();
        figures.insert("bench".into(), bench.into());
        Self { json, figures }
    }

    /// One line of the human table.
    fn say(&self, line: impl AsRef<str>) {
        if !self.json {
            println!("{}", line.as_ref());
        }
    }

    /// One figure; floats keep three decimals.
    fn put(&mut self, key: &str, value: impl Into<Value>) {
        let value = match value.into() {
            Value::Number(n) if n.is_f64() => {
                n.as_f64().map_or(Value::Null, |f| ((f * 1000.0).round() / 1000.0).into())
            }
            other => other,
        };
        self.figures.insert(key.into(), value);
    }

    /// `p50_ms`, `p95_ms`, `p99_ms`, `max_ms`, `mean_ms`, under `prefix_` when given.
    fn percentiles(&mut self, prefix: &str, p: &Percentiles) {
        let key = |name: &str| if prefix.is_empty() { format!("{name}_ms") } else { format!("{prefix}_{name}_ms") };
        for (name, v) in [("p50", p.p50), ("p95", p.p95), ("p99", p.p99), ("max", p.max), ("mean", p.mean)] {
            self.put(&key(name), v);
        }
    }

    fn engine(&mut self, store: &dyn Store) {
        let engine = store.engine().as_str();
        self.put("engine", engine);
    }

    fn peak_memory(&mut self) {
        if let Some(mib) = vicinato::bench::peak_memory_mib() {
            self.say(format!("peak memory: {mib:.0} MiB"));
            self.put("peak_memory_mib", mib);
        }
    }

    fn done(self) {
        if self.json {
            println!("{}", Value::Object(self.figures));
        }
    }
}

fn tempfile_dir() -> anyhow::Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("vicinato-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// A fresh SQLite file in a temporary folder unless `--db` names a database.
async fn open(db: &DbArg, tmp: &std::path::Path) -> anyhow::Result<Arc<dyn Store>> {
    let url = db.db.clone().unwrap_or_else(|| format!("sqlite:{}/bench.db", tmp.display()));
    app::open_store(&url).await
}

pub async fn run(what: &BenchKind, json: bool) -> anyhow::Result<()> {
    let tmp = tempfile_dir()?;
    let result = match what {
        BenchKind::Directory { db, services, queries } => {
            let mut r = Report::new("directory", json);
            directory(&mut r, open(db, &tmp).await?, *services, *queries).await.map(|()| r)
        }
        BenchKind::Understand { file } => {
            let mut r = Report::new("understand", json);
            understand(&mut r, file.as_deref()).map(|()| r)
        }
        BenchKind::Conversation { db, services, messages, residents } => {
            let mut r = Report::new("conversation", json);
            conversation(&mut r, open(db, &tmp).await?, *services, *messages, *residents).await.map(|()| r)
        }
        #[cfg(feature = "testkit")]
        BenchKind::Telegram { chats, updates, net, db } => {
            let mut r = Report::new("telegram", json);
            telegram(&mut r, open(db, &tmp).await?, *chats, *updates, *net).await.map(|()| r)
        }
        #[cfg(feature = "testkit")]
        BenchKind::Broadcast { telegram, matrix, english_every, matrix_per_second, ask_every_ms, net, db } => {
            let mut r = Report::new("broadcast", json);
            let run = vicinato::bench::broadcast::BroadcastRun {
                telegram: *telegram,
                matrix: *matrix,
                english_every: *english_every,
                net: net.run(),
                matrix_per_second: *matrix_per_second,
                ask_every: std::time::Duration::from_millis(*ask_every_ms),
            };
            broadcast(&mut r, open(db, &tmp).await?, run, *net).await.map(|()| r)
        }
        #[cfg(feature = "testkit")]
        BenchKind::Moderation { commands, sanctions, window_s, db } => {
            let mut r = Report::new("moderation", json);
            let window = std::time::Duration::from_secs(*window_s);
            moderation(&mut r, open(db, &tmp).await?, *commands, *sanctions, window).await.map(|()| r)
        }
        #[cfg(not(feature = "testkit"))]
        BenchKind::Broadcast { .. } => Err(without_test_peers("broadcast")),
        #[cfg(not(feature = "testkit"))]
        BenchKind::Telegram { .. } => Err(without_test_peers("telegram")),
        #[cfg(not(feature = "testkit"))]
        BenchKind::Moderation { .. } => Err(without_test_peers("moderation")),
        #[cfg(feature = "testkit")]
        BenchKind::Matrix { messages, burst, db } => {
            let mut r = Report::new("matrix", json);
            matrix(&mut r, open(db, &tmp).await?, *messages, *burst).await.map(|()| r)
        }
        #[cfg(feature = "testkit")]
        BenchKind::Idle { seconds } => {
            let mut r = Report::new("idle", json);
            idle(&mut r, *seconds, &tmp).await.map(|()| r)
        }
        #[cfg(not(feature = "testkit"))]
        BenchKind::Matrix { .. } => Err(without_test_peers("matrix")),
        #[cfg(not(feature = "testkit"))]
        BenchKind::Idle { .. } => Err(without_test_peers("idle")),
        BenchKind::Booking { bookings, clients, db } => {
            let mut r = Report::new("booking", json);
            booking(&mut r, open(db, &tmp).await?, *bookings, *clients).await.map(|()| r)
        }
        BenchKind::Initiatives { supporters, clients, initiatives: n, queries, db } => {
            let mut r = Report::new("initiatives", json);
            initiatives(&mut r, open(db, &tmp).await?, *supporters, *clients, *n, *queries).await.map(|()| r)
        }
        BenchKind::Scheduler { jobs, due, spread, idle, db } => {
            let mut r = Report::new("scheduler", json);
            scheduler(&mut r, open(db, &tmp).await?, *jobs, *due, *spread, *idle).await.map(|()| r)
        }
    };
    let _ = std::fs::remove_dir_all(&tmp);
    result?.done();
    Ok(())
}

/// Why a benchmark that talks to the test peers cannot run in a binary built without them.
#[cfg(not(feature = "testkit"))]
fn without_test_peers(bench: &str) -> anyhow::Error {
    anyhow::anyhow!(
        "this vicinato was built without the test peers the {bench} benchmark talks to (a Bot API test server, \
         a Synapse homeserver); build it with them: cargo run --release --features testkit -- bench {bench}"
    )
}

fn understand(r: &mut Report, file: Option<&std::path::Path>) -> anyhow::Result<()> {
    use vicinato::bench::understand as u;
    let text = match file {
        Some(path) => std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?,
        None => u::CORPUS.to_owned(),
    };
    let corpus = u::read_corpus(&text).map_err(|e| match file {
        Some(path) => anyhow::anyhow!("{}: {e}", path.display()),
        None => e,
    })?;
    let f = u::score(&u::demo_understander()?, &corpus);
    r.put("messages", f.messages);
    r.say(format!("understanding: {} messages", f.messages));
    r.say(format!("{:<20} {:>6} {:>6} {:>8}", "intent", "right", "of", "%"));
    let mut intents = Map::new();
    for (intent, t) in &f.per_intent {
        r.say(format!("{intent:<20} {:>6} {:>6} {:>7.1}%", t.right, t.asked, t.percent()));
        intents.insert(intent.clone(), serde_json::json!({"right": t.right, "of": t.asked}));
    }
    r.say(format!("{:<20} {:>6} {:>6} {:>8}", "slot", "right", "of", "%"));
    let mut slots = Map::new();
    for (slot, t) in &f.per_slot {
        r.say(format!("{slot:<20} {:>6} {:>6} {:>7.1}%", t.right, t.asked, t.percent()));
        slots.insert((*slot).to_owned(), serde_json::json!({"right": t.right, "of": t.asked}));
    }
    r.say(format!(
        "overall: intent {:.1}% ({}/{})  slots {:.1}% ({}/{})  language told from the words {:.1}% ({}/{})",
        f.intent.percent(),
        f.intent.right,
        f.intent.asked,
        f.slots.percent(),
        f.slots.right,
        f.slots.asked,
        f.lang.percent(),
        f.lang.right,
        f.lang.asked
    ));
    r.put("intent_percent", f.intent.percent());
    r.put("slot_percent", f.slots.percent());
    r.put("lang_percent", f.lang.percent());
    r.put("intents", Value::Object(intents));
    r.put("slots", Value::Object(slots));
    r.say(format!("misses: {}", f.misses.len()));
    for m in &f.misses {
        r.say(format!("  [{}] {:?}: {}", m.lang.code(), m.text, m.what.join("; ")));
    }
    let misses: Vec<Value> =
        f.misses.iter().map(|m| serde_json::json!({"lang": m.lang.code(), "text": m.text, "what": m.what})).collect();
    r.put("misses", Value::Array(misses));
    Ok(())
}

/// Loads `services` synthetic services and says how long it took.
async fn load(r: &mut Report, store: &dyn Store, services: usize) -> anyhow::Result<()> {
    r.engine(store);
    r.put("services", services);
    r.say(format!("engine: {}  services: {services}", store.engine().as_str()));
    let load = vicinato::bench::load(store, services).await?;
    let per_s = services as f64 / load.as_secs_f64();
    r.say(format!("load: {:.1} s ({per_s:.0} services/s)", load.as_secs_f64()));
    r.put("load_s", load.as_secs_f64());
    Ok(())
}

async fn directory(r: &mut Report, store: Arc<dyn Store>, services: usize, queries: usize) -> anyhow::Result<()> {
    load(r, store.as_ref(), services).await?;
    let (p, per) = vicinato::bench::directory(store, queries).await?;
    r.say(format!("asked at, in turn (Rome): {}", vicinato::bench::MOMENTS.join(", ")));
    r.put("moments", vicinato::bench::MOMENTS.to_vec());
    for (q, ms) in per {
        r.say(format!("  {ms:8.2} ms  {q}"));
    }
    r.say(format!(
        "directory search over {queries} queries: p50 {:.2} ms  p95 {:.2} ms  p99 {:.2} ms  max {:.2} ms  mean {:.2} ms",
        p.p50, p.p95, p.p99, p.max, p.mean
    ));
    r.put("queries", queries);
    r.percentiles("", &p);
    r.peak_memory();
    Ok(())
}

async fn conversation(
    r: &mut Report,
    store: Arc<dyn Store>,
    services: usize,
    messages: usize,
    residents: usize,
) -> anyhow::Result<()> {
    load(r, store.as_ref(), services).await?;
    let (rate, p) = vicinato::bench::conversation(store, messages, residents).await?;
    r.say(format!(
        "conversation: {rate:.0} messages/s from {residents} residents ({messages} messages); latency p50 {:.2} ms  p95 {:.2} ms  p99 {:.2} ms",
        p.p50, p.p95, p.p99
    ));
    r.put("messages", messages);
    r.put("residents", residents);
    r.put("messages_per_s", rate);
    r.percentiles("", &p);
    r.peak_memory();
    Ok(())
}

#[cfg(feature = "testkit")]
async fn moderation(
    r: &mut Report,
    store: Arc<dyn Store>,
    commands: usize,
    sanctions: usize,
    window: std::time::Duration,
) -> anyhow::Result<()> {
    r.engine(store.as_ref());
    let f = vicinato::bench::moderation(store, commands, sanctions, window).await?;
    let p = &f.command_to_call;
    r.say(format!(
        "moderation command → restrictChatMember: {} commands, p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        f.commands, p.p50, p.p95, p.p99, p.max
    ));
    let l = &f.lift_lag;
    r.say(format!(
        "moderation ends: {} sanctions ending within {:.0} s; lifted once: {}, more than once: {}; \
         end → lift p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms; last lift {:.1} s after the first end; \
         told privately: {}; 429s for limits broken: {}",
        f.sanctions,
        f.window.as_secs_f64(),
        f.lifted_once,
        f.lifted_twice,
        l.p50,
        l.p99,
        l.max,
        f.all_lifted.as_secs_f64(),
        f.told,
        f.refusals
    ));
    for why in &f.refusal_reasons {
        r.say(format!("  refused: {why}"));
    }
    r.put("commands", f.commands);
    r.percentiles("command", p);
    r.put("sanctions", f.sanctions);
    r.put("window_s", f.window.as_secs_f64());
    r.put("lifted_once", f.lifted_once);
    r.put("lifted_twice", f.lifted_twice);
    r.percentiles("lift_lag", l);
    r.put("all_lifted_s", f.all_lifted.as_secs_f64());
    r.put("told", f.told);
    r.put("refusals", f.refusals);
    r.peak_memory();
    Ok(())
}

#[cfg(feature = "testkit")]
async fn telegram(
    r: &mut Report,
    store: Arc<dyn Store>,
    chats: usize,
    updates: usize,
    net: NetArgs,
) -> anyhow::Result<()> {
    r.engine(store.as_ref());
    r.say(format!(
        "engine: {}  network: {} ms + 0–{} ms  faults: {:.0}% 500s, {:.0}% 429s",
        store.engine().as_str(),
        net.delay_ms,
        net.jitter_ms,
        net.fault_500 * 100.0,
        net.fault_429 * 100.0
    ));
    let f = vicinato::bench::telegram(store, chats, updates, net.run()).await?;
    let ratio = f.broadcast.as_secs_f64() / f.ideal.as_secs_f64();
    let over = (ratio - 1.0) * 100.0;
    r.say(format!(
        "telegram broadcast: {} chats in {:.1} s (ideal {:.1} s at 30/s, {ratio:.3} × ideal, {over:+.1}%); \
         429s for limits broken: {}; injected: {} 429s, {} 500s; doubles: {}; lost: {}",
        f.chats,
        f.broadcast.as_secs_f64(),
        f.ideal.as_secs_f64(),
        f.refusals,
        f.injected_429,
        f.injected_5xx,
        f.doubles,
        f.lost
    ));
    for why in &f.refusal_reasons {
        r.say(format!("  refused: {why}"));
    }
    r.say(format!("telegram inbound: {} updates handled at {:.0} updates/s", f.updates, f.inbound_rate));
    r.put("chats", f.chats);
    r.put("delay_ms", net.delay_ms);
    r.put("jitter_ms", net.jitter_ms);
    r.put("fault_500", net.fault_500);
    r.put("fault_429", net.fault_429);
    r.put("broadcast_s", f.broadcast.as_secs_f64());
    r.put("ideal_s", f.ideal.as_secs_f64());
    r.put("ratio_to_ideal", ratio);
    r.put("refusals_429", f.refusals);
    r.put("injected_429", f.injected_429);
    r.put("injected_500", f.injected_5xx);
    r.put("doubles", f.doubles);
    r.put("lost", f.lost);
    r.put("updates", f.updates);
    r.put("updates_per_s", f.inbound_rate);
    r.peak_memory();
    Ok(())
}

#[cfg(feature = "testkit")]
async fn broadcast(
    r: &mut Report,
    store: Arc<dyn Store>,
    run: vicinato::bench::broadcast::BroadcastRun,
    net: NetArgs,
) -> anyhow::Result<()> {
    r.engine(store.as_ref());
    r.say(format!(
        "engine: {}  Telegram network: {} ms + 0–{} ms  faults: {:.0}% 500s, {:.0}% 429s  Matrix limit: {}",
        store.engine().as_str(),
        net.delay_ms,
        net.jitter_ms,
        net.fault_500 * 100.0,
        net.fault_429 * 100.0,
        if run.matrix_per_second > 0.0 { format!("{} messages/s", run.matrix_per_second) } else { "none".into() }
    ));
    let f = vicinato::bench::broadcast::broadcast(store, run).await?;
    let ratio = f.telegram_done.as_secs_f64() / f.ideal.as_secs_f64().max(f64::EPSILON);
    let ratio_all = f.telegram_done.as_secs_f64() / f.ideal_all.as_secs_f64().max(f64::EPSILON);
    r.say(format!(
        "set-up: {} Telegram and {} Matrix residents in {:.1} s; hand-over of every copy: {:.2} s",
        f.telegram,
        f.matrix,
        f.setup.as_secs_f64(),
        f.handover.as_secs_f64()
    ));
    r.say(format!(
        "telegram: {} copies in {:.1} s (ideal {:.1} s at 30/s, {ratio:.3} × ideal); 429s for limits broken: {}; \
         injected: {} 429s, {} 500s; doubles: {}; lost: {}; wrong language: {}",
        f.telegram,
        f.telegram_done.as_secs_f64(),
        f.ideal.as_secs_f64(),
        f.refusals,
        f.injected_429,
        f.injected_5xx,
        f.doubles,
        f.lost,
        f.wrong_language
    ));
    for why in &f.refusal_reasons {
        r.say(format!("  refused: {why}"));
    }
    r.say(format!(
        "telegram budget: {} messages taken during the send (answers to residents included), ideal {:.1} s, \
         {ratio_all:.3} × ideal",
        f.sent_during,
        f.ideal_all.as_secs_f64()
    ));
    if let Some(done) = f.matrix_done {
        r.say(format!(
            "matrix: {} copies in {:.1} s; 429s waited out: {}; doubles: {}; lost: {}; wrong language: {}",
            f.matrix,
            done.as_secs_f64(),
            f.matrix_rate_limited,
            f.matrix_doubles,
            f.matrix_lost,
            f.matrix_wrong_language
        ));
    }
    let states: Vec<String> = f.states.iter().map(|(n, s, c)| format!("{} {s} {c}", n.as_str())).collect();
    r.say(format!("copies recorded: {}", states.join(", ")));
    let p = &f.replies;
    r.say(format!(
        "residents writing during the send: {} questions, answer p50 {:.0} ms, p95 {:.0} ms, max {:.0} ms, unanswered {}",
        f.questions, p.p50, p.p95, p.max, f.replies_unanswered
    ));
    if let Some(mib) = f.send_mib {
        r.say(format!("memory during the send: {mib:.0} MiB"));
    }
    r.put("telegram", f.telegram);
    r.put("matrix", f.matrix);
    r.put("delay_ms", net.delay_ms);
    r.put("jitter_ms", net.jitter_ms);
    r.put("fault_500", net.fault_500);
    r.put("fault_429", net.fault_429);
    r.put("setup_s", f.setup.as_secs_f64());
    r.put("handover_s", f.handover.as_secs_f64());
    r.put("telegram_s", f.telegram_done.as_secs_f64());
    r.put("ideal_s", f.ideal.as_secs_f64());
    r.put("ratio_to_ideal", ratio);
    r.put("sent_during", f.sent_during);
    r.put("ratio_to_ideal_all", ratio_all);
    r.put("refusals_429", f.refusals);
    r.put("injected_429", f.injected_429);
    r.put("injected_500", f.injected_5xx);
    r.put("doubles", f.doubles);
    r.put("lost", f.lost);
    r.put("wrong_language", f.wrong_language);
    if let Some(done) = f.matrix_done {
        r.put("matrix_s", done.as_secs_f64());
    }
    r.put("matrix_rate_limited", f.matrix_rate_limited);
    r.put("matrix_doubles", f.matrix_doubles);
    r.put("matrix_lost", f.matrix_lost);
    r.put("matrix_wrong_language", f.matrix_wrong_language);
    r.put("questions", f.questions);
    r.put("unanswered", f.replies_unanswered);
    r.percentiles("reply", p);
    if let Some(mib) = f.send_mib {
        r.put("send_mib", mib);
    }
    r.peak_memory();
    Ok(())
}

#[cfg(feature = "testkit")]
async fn matrix(r: &mut Report, store: Arc<dyn Store>, messages: usize, burst: usize) -> anyhow::Result<()> {
    r.engine(store.as_ref());
    r.say(format!("engine: {}  homeserver: Synapse started for the run", store.engine().as_str()));
    let f = vicinato::bench::matrix::matrix(store, messages, burst).await?;
    let (v, e) = (&f.vicinato.round_trip, &f.echo.round_trip);
    r.say(format!("round trip over {} questions each, resident a plain HTTP client:", f.messages));
    for (who, p) in [("vicinato", v), ("echo bot", e)] {
        r.say(format!("  {who:<9} p50 {:.1} ms  p95 {:.1} ms  p99 {:.1} ms  max {:.1} ms", p.p50, p.p95, p.p99, p.max));
    }
    let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { 0.0 };
    let (r50, r95) = (ratio(v.p50, e.p50), ratio(v.p95, e.p95));
    r.say(format!("  vicinato / echo bot: p50 {r50:.2} ×  p95 {r95:.2} × (target 1.2)"));
    r.say(format!(
        "replies per second, {} questions at once: vicinato {:.1}  echo bot {:.1}",
        f.burst, f.vicinato.burst_rate, f.echo.burst_rate
    ));
    let mib = |m: Option<f64>| m.map_or("?".to_owned(), |v| format!("{v:.0} MiB"));
    r.say(format!(
        "memory (both bots and the resident in one process): settled {}  peak {}",
        mib(f.idle_mib),
        mib(f.busy_mib)
    ));
    r.put("messages", f.messages);
    r.put("burst", f.burst);
    r.percentiles("round_trip", v);
    r.percentiles("echo_round_trip", e);
    r.put("ratio_p50", r50);
    r.put("ratio_p95", r95);
    r.put("replies_per_s", f.vicinato.burst_rate);
    r.put("echo_replies_per_s", f.echo.burst_rate);
    r.put("idle_mib", f.idle_mib);
    r.put("busy_mib", f.busy_mib);
    Ok(())
}

#[cfg(feature = "testkit")]
async fn idle(r: &mut Report, seconds: u64, tmp: &std::path::Path) -> anyhow::Result<()> {
    let f = vicinato::bench::idle::idle(std::time::Duration::from_secs(seconds), tmp).await?;
    r.say(format!(
        "vicinato serve, Telegram and Matrix connected, idle for {:.0} s (ready after {:.1} s):",
        f.measured.as_secs_f64(),
        f.ready_after.as_secs_f64()
    ));
    r.say(format!(
        "  resident memory {:.1} MiB at the start, {:.1} MiB at the end, peak {:.1} MiB (target 80)",
        f.rss_start_mib, f.rss_end_mib, f.rss_peak_mib
    ));
    r.say(format!(
        "  CPU {:.2}% of one core ({:.2} s in {:.0} s); {} threads",
        f.cpu_percent,
        f.cpu.as_secs_f64(),
        f.measured.as_secs_f64(),
        f.threads
    ));
    r.say(format!(
        "  Telegram requests while idle: {} ({} getUpdates); Matrix: the bot's long poll answered as it ends",
        f.telegram_calls, f.telegram_polls
    ));
    r.put("seconds", f.measured.as_secs_f64());
    r.put("ready_s", f.ready_after.as_secs_f64());
    r.put("rss_start_mib", f.rss_start_mib);
    r.put("rss_end_mib", f.rss_end_mib);
    r.put("rss_peak_mib", f.rss_peak_mib);
    r.put("cpu_percent", f.cpu_percent);
    r.put("threads", f.threads);
    r.put("telegram_calls", f.telegram_calls);
    r.put("telegram_polls", f.telegram_polls);
    Ok(())
}

async fn booking(r: &mut Report, store: Arc<dyn Store>, bookings: usize, clients: usize) -> anyhow::Result<()> {
    r.engine(store.as_ref());
    r.say(format!("engine: {}", store.engine().as_str()));
    let f = vicinato::bench::booking(store, bookings, clients).await?;
    let per_s = f.bookings as f64 / f.elapsed.as_secs_f64();
    r.say(format!(
        "bookings: {} in {:.1} s = {per_s:.0} bookings/s from {clients} clients; latency p50 {:.2} ms  p99 {:.2} ms",
        f.bookings,
        f.elapsed.as_secs_f64(),
        f.latency.p50,
        f.latency.p99
    ));
    r.say(format!(
        "race: 100 requests for one slot: {} won, {} told it is taken, in {:.1} ms",
        f.race_winners,
        f.race_losers,
        f.race.as_secs_f64() * 1000.0
    ));
    r.put("bookings", f.bookings);
    r.put("clients", clients);
    r.put("bookings_per_s", per_s);
    r.percentiles("", &f.latency);
    r.put("race_winners", f.race_winners);
    r.put("race_losers", f.race_losers);
    r.put("race_ms", f.race.as_secs_f64() * 1000.0);
    Ok(())
}

async fn initiatives(
    r: &mut Report,
    store: Arc<dyn Store>,
    supporters: usize,
    clients: usize,
    initiatives: usize,
    queries: usize,
) -> anyhow::Result<()> {
    r.engine(store.as_ref());
    r.say(format!("engine: {}", store.engine().as_str()));
    let f = vicinato::bench::initiatives(store, supporters, clients, initiatives, queries).await?;
    let exact = f.counted as usize == f.supporters;
    let per_s = f.supporters as f64 / f.supports_elapsed.as_secs_f64();
    r.say(format!(
        "supports: {} residents on one initiative from {} clients in {:.1} s = {per_s:.0} supports/s; counted {} ({}); latency p50 {:.2} ms  p99 {:.2} ms",
        f.supporters,
        f.clients,
        f.supports_elapsed.as_secs_f64(),
        f.counted,
        if exact { "exact" } else { "WRONG" },
        f.support_latency.p50,
        f.support_latency.p99
    ));
    r.say(format!(
        "browse: {} initiatives loaded in {:.1} s; {} questions through the conversation: p50 {:.2} ms  p95 {:.2} ms  p99 {:.2} ms  max {:.2} ms",
        f.initiatives,
        f.load.as_secs_f64(),
        f.browse_queries,
        f.browse.p50,
        f.browse.p95,
        f.browse.p99,
        f.browse.max
    ));
    r.put("supporters", f.supporters);
    r.put("clients", f.clients);
    r.put("supports_per_s", per_s);
    r.put("supports_counted", f.counted);
    r.percentiles("support", &f.support_latency);
    r.put("initiatives", f.initiatives);
    r.put("browse_queries", f.browse_queries);
    r.percentiles("browse", &f.browse);
    anyhow::ensure!(exact, "supports were lost or doubled");
    Ok(())
}

async fn scheduler(
    r: &mut Report,
    store: Arc<dyn Store>,
    jobs: usize,
    due: usize,
    spread: u64,
    idle: u64,
) -> anyhow::Result<()> {
    r.engine(store.as_ref());
    r.say(format!("engine: {}", store.engine().as_str()));
    let f = vicinato::bench::scheduler(store, jobs, due, spread, idle).await?;
    r.say(format!(
        "scheduler: {} pending jobs, {} due over {spread} s, {} ran; lateness p50 {:.1} ms  p99 {:.1} ms  max {:.1} ms",
        f.pending, f.due, f.ran, f.lateness.p50, f.lateness.p99, f.lateness.max
    ));
    match f.idle_cpu_percent {
        Some(cpu) => r.say(format!("idle: {cpu:.2}% of one core over {} s with nothing due", f.idle_seconds)),
        None => r.say("idle CPU: unknown on this system"),
    }
    r.put("pending", f.pending);
    r.put("due", f.due);
    r.put("ran", f.ran);
    r.percentiles("lateness", &f.lateness);
    r.put("idle_cpu_percent", f.idle_cpu_percent);
    r.put("idle_s", f.idle_seconds);
    Ok(())
}
