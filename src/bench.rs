//! `vicinato bench`: measured figures, printed, for BENCHMARKS.md. Not tests: nothing here
//! asserts a timing.
//!
//! - `directory`: a synthetic directory of N services on Lazio's territories; search latency
//!   percentiles over a mix of realistic questions, through the same path the conversation
//!   uses (query → spec → store full-text search → exact hours check).
//! - `conversation`: whole-path throughput of directory questions (understanding, person and
//!   flow in the store, search, cards, rendering) from many simulated residents at once.
//! - `understand`: intent and slot accuracy on the corpus of single messages (`understand`).

#[cfg(feature = "testkit")]
pub mod broadcast;
#[cfg(feature = "testkit")]
pub mod idle;
#[cfg(feature = "testkit")]
pub mod matrix;
pub mod understand;

use crate::conversation::{ConversationSettings, DirectorySnapshot, Inbound};
use crate::domain::*;
use crate::store::Store;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A small deterministic generator (xorshift64*), so every run builds the same directory.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed.max(1))
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const WORDS_IT: [&str; 40] = [
    "sostegno",
    "ascolto",
    "orientamento",
    "assistenza",
    "accoglienza",
    "laboratorio",
    "corso",
    "sportello",
    "consulenza",
    "gratuito",
    "famiglie",
    "anziani",
    "giovani",
    "donne",
    "bambini",
    "lavoro",
    "affitto",
    "spesa",
    "pasti",
    "salute",
    "psicologo",
    "italiano",
    "digitale",
    "spid",
    "legale",
    "volontari",
    "quartiere",
    "comunita",
    "incontri",
    "compiti",
    "musica",
    "sport",
    "teatro",
    "cucina",
    "computer",
    "badanti",
    "disabilita",
    "mediazione",
    "documenti",
    "bollette",
];
const WORDS_EN: [&str; 24] = [
    "support",
    "listening",
    "guidance",
    "care",
    "welcome",
    "workshop",
    "course",
    "desk",
    "advice",
    "free",
    "families",
    "elderly",
    "young",
    "women",
    "children",
    "work",
    "rent",
    "groceries",
    "meals",
    "health",
    "counselling",
    "italian",
    "digital",
    "legal",
];

/// A vocabulary of `n` pronounceable made-up words, so a large synthetic directory has a
/// realistic spread of words (a real directory's vocabulary grows with its size).
fn pseudo_words(n: usize, rng: &mut Rng) -> Vec<String> {
    const SYLLABLES: [&str; 24] = [
        "ra", "mo", "li", "ve", "to", "sa", "ni", "co", "pe", "tu", "la", "ri", "so", "ma", "di", "ne", "ca", "po",
        "fi", "ge", "ba", "lu", "te", "zo",
    ];
    let mut words = std::collections::BTreeSet::new();
    while words.len() < n {
        let len = 2 + rng.below(3);
        let w: String = (0..len).map(|_| *rng.pick(&SYLLABLES)).collect();
        words.insert(w);
    }
    words.into_iter().collect()
}

/// A synthetic directory of `n` services over the demo territories and taxonomy.
pub fn synthetic_dataset(n: usize, seed: u64) -> anyhow::Result<Dataset> {
    let demo = crate::demo::lazio()?;
    let mut rng = Rng::new(seed);
    let leaves: Vec<&Territory> = demo.territories.iter().filter(|t| t.kind != TerritoryKind::Region).collect();
    let codes: Vec<CategoryCode> = demo.categories.iter().map(|c| c.code.clone()).collect();
    let mut ds =
        Dataset { territories: demo.territories.clone(), categories: demo.categories.clone(), ..Default::default() };
    let vocabulary = pseudo_words((n / 10).clamp(500, 20_000), &mut rng);
    // Skewed picks: a few words are common, most are rare, as in real text.
    let word = |rng: &mut Rng| {
        let u = (rng.below(1_000_000) as f64) / 1_000_000.0;
        vocabulary[((u * u * u) * vocabulary.len() as f64) as usize].clone()
    };
    let orgs = (n / 20).max(1);
    for i in 0..orgs {
        ds.organizations.push(Organization {
            id: OrganizationId::new(format!("org-{i}")),
            name: format!("Associazione {} {i}", rng.pick(&WORDS_IT)),
            description: String::new(),
            contacts: Contacts::default(),
        });
    }
    let locations = (n / 5).max(1);
    for i in 0..locations {
        let t = rng.pick(&leaves);
        let geo = t.centroid.map(|c| GeoPoint { lat: c.lat + (rng.below(100) as f64 - 50.0) / 5000.0, lon: c.lon });
        ds.locations.push(Location {
            id: LocationId::new(format!("loc-{i}")),
            organization: Some(OrganizationId::new(format!("org-{}", i % orgs))),
            name: format!("Sede {} {i}", t.name),
            territory: t.id.clone(),
            address: Address {
                street: format!("Via {} {}", rng.pick(&WORDS_IT), i % 200),
                postal_code: "00100".into(),
                city: t.name.clone(),
            },
            geo,
            accessibility: String::new(),
            transport: String::new(),
            confidential: i % 97 == 0,
            welfare_house: i % 500 == 0,
            hours: Schedule {
                weekly: WeeklyHours::parse("mo-fr 09:00-18:00").expect("static hours"),
                ..Default::default()
            },
        });
    }
    let hours = [
        "mo-fr 09:00-13:00",
        "mo-fr 09:00-13:00, 14:30-17:30; sa 09:00-12:00",
        "tu,th 15:00-19:00",
        "mo,we,fr 10:00-12:00; su 12:00-14:00",
        "sa-su 09:00-13:00",
        "mo-su 00:00-24:00",
    ];
    let langs = ["en", "ar", "fr", "es", "ro", "bn", "zh", "uk"];
    for i in 0..n {
        let name_words: Vec<String> = vec![rng.pick(&WORDS_IT).to_string(), word(&mut rng), word(&mut rng)];
        let mut desc: Vec<String> = (0..12).map(|_| word(&mut rng)).collect();
        desc.push(rng.pick(&WORDS_IT).to_string());
        let mut desc_en: Vec<String> = (0..8).map(|_| word(&mut rng)).collect();
        desc_en.push(rng.pick(&WORDS_EN).to_string());
        let mut languages = vec![LanguageCode::parse("it").expect("static code")];
        if i % 3 == 0 {
            languages.push(LanguageCode::parse(langs[rng.below(langs.len())]).expect("static code"));
        }
        let id = ServiceId::new(format!("svc-{i}"));
        let (min_age, max_age) = match i % 7 {
            0 => (Some(65), None),
            1 => (Some(14), Some(29)),
            2 => (None, Some(14)),
            _ => (None, None),
        };
        ds.services.push(Service {
            id: id.clone(),
            organization: OrganizationId::new(format!("org-{}", i % orgs)),
            texts: ServiceTexts {
                name: name_words.join(" "),
                description: desc.join(" "),
                eligibility: String::new(),
                fees: "Gratuito".into(),
                application_process: String::new(),
            },
            translations: BTreeMap::from([(
                Lang::En,
                ServiceTexts { name: desc_en[..3].join(" "), description: desc_en.join(" "), ..Default::default() },
            )]),
            categories: vec![rng.pick(&codes).clone()],
            status: ServiceStatus::Active,
            min_age,
            max_age,
            languages,
            contacts: Contacts { phone: "+39 06 0000 0000".into(), ..Default::default() },
            verified: None,
            origin: if i % 3 == 0 { Origin::Community } else { Origin::Institutional },
            demo: true,
            terms: Vec::new(),
        });
        let loc = rng.below(locations);
        ds.service_at_locations.push(ServiceAtLocation {
            id: ServiceAtLocationId::new(format!("svc-{i}@loc-{loc}")),
            service: id,
            location: LocationId::new(format!("loc-{loc}")),
            schedule: Schedule {
                weekly: WeeklyHours::parse(hours[rng.below(hours.len())]).expect("static hours"),
                holidays: if i % 4 == 0 { HolidayPolicy::Open } else { HolidayPolicy::Closed },
                closures: Vec::new(),
            },
        });
    }
    Ok(ds)
}

/// Percentiles of a set of durations, in milliseconds (all 0 for none).
#[derive(Debug, Clone, Copy, Default)]
pub struct Percentiles {
    pub p50: f64,
    pub p95: f64,
    pub p99: f64,
    pub max: f64,
    pub mean: f64,
}

pub fn percentiles(samples: &mut [Duration]) -> Percentiles {
    if samples.is_empty() {
        return Percentiles::default();
    }
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let at = |q: f64| ms(samples[((samples.len() as f64 - 1.0) * q).round() as usize]);
    let mean = samples.iter().map(|d| ms(*d)).sum::<f64>() / samples.len().max(1) as f64;
    Percentiles { p50: at(0.50), p95: at(0.95), p99: at(0.99), max: at(1.0), mean }
}

/// Peak resident memory of this process, in MiB (Linux), if known.
pub fn peak_memory_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// The questions the benchmarks ask, as residents would type them.
pub const QUESTIONS: [&str; 16] = [
    "cerco un centro anziani aperto domenica a Ostia",
    "dove posso fare un corso di italiano vicino a Centocelle?",
    "help with rent in Municipio V",
    "is there a food bank open now?",
    "psicologo che parla arabo",
    "mensa aperta sabato pomeriggio",
    "assistenza legale gratuita a Viterbo",
    "SPID help in Rieti",
    "sportello lavoro a Latina",
    "centro giovani a Frosinone",
    "aiuto con le bollette",
    "corso di computer per anziani",
    "legal advice for migrants in Esquilino",
    "dormitorio a Roma stasera",
    "doposcuola per bambini a Tor Bella Monaca",
    "sostegno disabilita Municipio VI",
];

/// The moments (Rome's wall clock) the directory benchmark asks at, in turn: "open now" and
/// "stasera" find many services on a weekday morning and few on a Friday night or a Sunday,
/// and the figures must not depend on when the benchmark runs.
pub const MOMENTS: [&str; 4] = ["2026-03-03 10:30", "2026-03-06 21:30", "2026-03-07 16:00", "2026-03-08 09:00"];

/// Loads a synthetic directory into a store and reports how long it took.
pub async fn load(store: &dyn Store, services: usize) -> anyhow::Result<Duration> {
    let ds = synthetic_dataset(services, 42)?;
    let started = Instant::now();
    store.replace_dataset(&ds).await?;
    Ok(started.elapsed())
}

/// What a question asks the directory, as the conversation reads it in Italian; `now`
/// resolves times such as "open now".
pub fn directory_query(snapshot: &DirectorySnapshot, question: &str, now: chrono::NaiveDateTime) -> DirectoryQuery {
    let u = snapshot.understander.understand(question, Lang::It);
    DirectoryQuery {
        text: u.slots.text.clone(),
        category: u.slots.category.clone(),
        territory: u.slots.territory.clone(),
        open: u.slots.when.as_ref().and_then(|w| crate::conversation::resolve_when(w, now)),
        language: u.slots.language.clone(),
        age: u.slots.age,
    }
}

/// Directory search latency over `queries` questions; also the mean per question, to see
/// which shapes of question cost most.
pub async fn directory(
    store: Arc<dyn Store>,
    queries: usize,
) -> anyhow::Result<(Percentiles, Vec<(&'static str, f64)>)> {
    let snapshot = DirectorySnapshot::load(store.as_ref()).await?;
    let moments: Vec<chrono::NaiveDateTime> =
        MOMENTS.iter().map(|m| chrono::NaiveDateTime::parse_from_str(m, "%Y-%m-%d %H:%M")).collect::<Result<_, _>>()?;
    let mut samples = Vec::with_capacity(queries);
    let mut per_question = vec![Duration::ZERO; QUESTIONS.len()];
    for i in 0..queries {
        let q = QUESTIONS[i % QUESTIONS.len()];
        // Each round of questions at the next moment of the week.
        let now = moments[(i / QUESTIONS.len()) % moments.len()];
        let started = Instant::now();
        let query = directory_query(&snapshot, q, now);
        let spec = snapshot.spec(&query, 60);
        let mut found = store.search(&spec).await?;
        if let Some(w) = &query.open {
            found.retain(|h| w.admits(&h.schedule));
        }
        // The first page of cards, as a person would see.
        let page: Vec<ServiceAtLocationId> = found.iter().take(3).map(|h| h.sal.clone()).collect();
        std::hint::black_box(store.listings(&page).await?);
        samples.push(started.elapsed());
        per_question[i % QUESTIONS.len()] += started.elapsed();
    }
    let rounds = (queries / QUESTIONS.len()).max(1) as f64;
    let per: Vec<(&'static str, f64)> =
        QUESTIONS.iter().zip(per_question).map(|(q, d)| (*q, d.as_secs_f64() * 1000.0 / rounds)).collect();
    Ok((percentiles(&mut samples), per))
}

/// The settings of the benchmarks' engines: the defaults, without the limits per person (a
/// benchmark's few simulated people write far faster than anyone does, on purpose).
fn bench_settings() -> ConversationSettings {
    ConversationSettings { limits: crate::conversation::limits::Limits::off(), ..ConversationSettings::default() }
}

/// The app a benchmark measures, built like production's over the benchmark's store, with
/// the benchmarks' settings, the built-in spaces and the system clock.
async fn bench_app(store: Arc<dyn Store>, owner: &str) -> anyhow::Result<crate::app::App> {
    let config = crate::config::Config::load(None, std::iter::empty())?;
    let options = crate::app::Options {
        store: Some(store),
        settings: Some(bench_settings()),
        spaces: Some(crate::domain::Spaces::parse("built-in config/spaces.toml", crate::conversation::SPACES_TOML)?),
        owner: Some(owner.to_owned()),
        ..Default::default()
    };
    crate::app::App::build(&config, &[], options).await
}

/// Whole conversation path: `messages` directory questions from `residents` concurrent
/// residents, each living in one of eight places (so "near me" and unplaced questions search
/// their area, as in real use). Returns messages per second and per-message latency.
pub async fn conversation(
    store: Arc<dyn Store>,
    messages: usize,
    residents: usize,
) -> anyhow::Result<(f64, Percentiles)> {
    let engine = bench_app(store, "bench").await?.engine;
    // Warm up: residents join through a deep link to where they live, as most will.
    const HOMES: [&str; 8] = ["centocelle", "ostia", "esquilino", "viterbo", "rieti", "latina", "frosinone", "pigneto"];
    for r in 0..residents {
        let link = format!("/start t-{}", HOMES[r % HOMES.len()]);
        engine.handle(Inbound::direct_text(Network::Console, &format!("bench-{r}"), &link)).await;
    }
    let per = messages / residents.max(1);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for r in 0..residents {
        let engine = engine.clone();
        tasks.push(tokio::spawn(async move {
            let mut samples = Vec::with_capacity(per);
            for i in 0..per {
                let q = QUESTIONS[(r + i) % QUESTIONS.len()];
                let t = Instant::now();
                let out = engine.handle(Inbound::direct_text(Network::Console, &format!("bench-{r}"), q)).await;
                for reply in &out.replies {
                    std::hint::black_box(engine.render(out.lang, reply));
                }
                samples.push(t.elapsed());
            }
            samples
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await?);
    }
    let elapsed = started.elapsed();
    Ok((all.len() as f64 / elapsed.as_secs_f64(), percentiles(&mut all)))
}

/// Figures of the Telegram benchmark.
#[derive(Debug, Clone)]
pub struct TelegramFigures {
    pub chats: usize,
    /// Time from the announcement entering the outbox to the last copy accepted.
    pub broadcast: Duration,
    /// 1,500 messages at 30 a second take 50 s.
    pub ideal: Duration,
    /// 429s the server answered during the run because a limit was broken, and why.
    pub refusals: usize,
    pub refusal_reasons: Vec<String>,
    /// Faults the server injected on purpose (429s and 500s).
    pub injected_429: u64,
    pub injected_5xx: u64,
    /// Chats that got the copy twice, and chats that never got it (both must be 0).
    pub doubles: usize,
    pub lost: usize,
    pub updates: usize,
    /// Updates per second through the whole inbound path: getUpdates, mapping, person and
    /// flow, understanding, search, rendering, and replies stored in the outbox with the cursor.
    pub inbound_rate: f64,
}

/// The network and faults of a Telegram benchmark run.
#[derive(Debug, Clone, Copy, Default)]
pub struct TelegramRun {
    /// Round trip: `delay` plus a random part of `jitter` (half each way).
    pub delay: Duration,
    pub jitter: Duration,
    /// Shares of sends answered with a 500, and with a 429 (`retry_after` 1 s).
    pub server_errors: f64,
    pub too_many: f64,
    pub seed: u64,
}

/// The announcement-sized text of the benchmarks: about 700 characters, with markup.
#[cfg(feature = "testkit")]
fn bench_announcement() -> String {
    let paragraph = "Sabato 5 dicembre dalle 10 alle 13 la sala grande ospita lo sportello per le domande di bonus \
                     energia e la consulenza gratuita per le famiglie. Porta un documento e la tessera sanitaria. ";
    format!(
        "<b>Avviso della Casa di comunità di Centocelle</b>\n{}\nPer informazioni rispondi a questo messaggio.",
        paragraph.repeat(3)
    )
}

/// Sends one announcement-sized message to `chats` private chats through the bulk lane of the
/// sender and the Bot API test server (which enforces Telegram's limits, over a network with
/// the run's delay and jitter, injecting its faults), then measures inbound handling with
/// `updates` directory questions from 200 residents. Needs the test peers: built with the
/// `testkit` feature only.
#[cfg(feature = "testkit")]
pub async fn telegram(
    store: Arc<dyn Store>,
    chats: usize,
    updates: usize,
    run: TelegramRun,
) -> anyhow::Result<TelegramFigures> {
    use crate::transport::telegram::inbound::Target;
    use crate::transport::telegram::outbound::OutMessage;
    use crate::transport::telegram::{TelegramBot, TelegramOptions};
    use vicinato_testkit::telegram::{FaultRates, Path, TestServer};

    store.replace_dataset(&crate::demo::lazio()?).await?;
    let token = "4242:BENCH";
    let server = TestServer::start(token).await?;
    server.seed(run.seed);
    server.set_path(Path { delay: run.delay, jitter: run.jitter });
    let engine = bench_app(store.clone(), "bench").await?.engine;
    let options =
        TelegramOptions::new("bench", crate::config::Secret::new(token.into()), "VICINATO_TELEGRAM_TOKEN", &server.url);
    let bot = TelegramBot::connect(engine, options).await?;
    let waker = bot.waker();
    let channel = bot.channel().to_owned();
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let running = tokio::spawn(bot.run(stopped));

    let text = bench_announcement();
    let mut items = Vec::with_capacity(chats);
    for i in 0..chats {
        let user = server.user(100_000 + i as i64, &format!("Residente {i}"), Some("it"));
        server.user_started(&user);
        let message =
            OutMessage { bulk: true, ..OutMessage::text(Target { chat: user.id, thread: None }, text.clone()) };
        items.push(message.to_item());
    }
    server.set_fault_rates(FaultRates { server_error: run.server_errors, too_many: run.too_many, retry_after: 1 });
    let started = Instant::now();
    store.outbox_push(&channel, &items, None, chrono::Utc::now()).await?;
    waker.notify_one();
    loop {
        tokio::time::sleep(Duration::from_millis(20)).await;
        if server.sent_count() >= chats || outbox_empty(store.as_ref(), &channel).await? {
            break;
        }
        if started.elapsed() > Duration::from_secs(1800) {
            anyhow::bail!("the broadcast did not finish in 30 minutes");
        }
    }
    let broadcast = started.elapsed();
    server.set_fault_rates(FaultRates::default());
    let per_chat = server.sent_per_chat();
    let doubles = per_chat.values().filter(|n| **n > 1).count();
    let lost = (0..chats).filter(|i| !per_chat.contains_key(&(100_000 + *i as i64))).count();

    // Inbound: questions from 200 residents, all queued at once.
    let residents: Vec<_> = (0..200).map(|i| server.user(500_000 + i, &format!("Vicino {i}"), Some("it"))).collect();
    let questions =
        ["mensa a Centocelle", "corso di italiano", "medico a Ostia", "centro anziani aperto sabato", "/help"];
    let started = Instant::now();
    for i in 0..updates {
        server.user_says(&residents[i % residents.len()], questions[i % questions.len()]);
    }
    if !server.wait_confirmed(Duration::from_secs(600)).await {
        anyhow::bail!("the bot did not handle the updates in 10 minutes");
    }
    let inbound = started.elapsed();
    let violations = server.violations();
    let refusals = violations.len();
    let _ = stop.send(true);
    running.await??;
    Ok(TelegramFigures {
        chats,
        broadcast,
        ideal: Duration::from_secs_f64(chats as f64 / 30.0),
        refusals,
        refusal_reasons: violations.into_iter().take(5).collect(),
        injected_429: server.injected_429s(),
        injected_5xx: server.injected_5xx(),
        doubles,
        lost,
        updates,
        inbound_rate: updates as f64 / inbound.as_secs_f64(),
    })
}

/// Whether nothing waits in a channel's outbox any more.
#[cfg(feature = "testkit")]
async fn outbox_empty(store: &dyn Store, channel: &str) -> anyhow::Result<bool> {
    Ok(!store.outbox_depth().await?.iter().any(|d| d.channel == channel && d.pending > 0))
}

/// Current resident memory of this process, in MiB.
pub fn current_memory_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Figures of `vicinato bench booking`.
pub struct BookingFigures {
    pub bookings: usize,
    pub elapsed: Duration,
    pub latency: Percentiles,
    pub race_winners: usize,
    pub race_losers: usize,
    pub race: Duration,
}

/// Bookings sustained: `n` bookings by `clients` concurrent clients, each on a free slot of
/// one of 200 synthetic units (so none is refused); then 100 requests racing for one slot.
pub async fn booking(store: Arc<dyn Store>, n: usize, clients: usize) -> anyhow::Result<BookingFigures> {
    let now = chrono::Utc::now();
    let mut people = Vec::new();
    for i in 0..100 {
        let account = Account::new(Network::Console, format!("bench{i}"));
        people.push(store.person_for_account(&account, &format!("bench{i}"), now).await?.id);
    }
    let units = 200usize;
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let people = Arc::new(people);
    let start = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..clients {
        let (store, next, people) = (store.clone(), next.clone(), people.clone());
        tasks.spawn(async move {
            let mut latencies = Vec::new();
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= n {
                    return Ok::<_, anyhow::Error>(latencies);
                }
                let unit = UnitId((i % units) as i64 + 1);
                let starts = now + chrono::Duration::hours(1 + (i / units) as i64);
                let b = bench_booking(people[i % people.len()], unit, starts);
                let t = Instant::now();
                if store.booking_insert(&b, now).await?.is_err() {
                    anyhow::bail!("a free slot was refused");
                }
                latencies.push(t.elapsed());
            }
        });
    }
    let mut latencies = Vec::new();
    while let Some(done) = tasks.join_next().await {
        latencies.extend(done??);
    }
    let elapsed = start.elapsed();
    // The race: 100 requests for one slot of a fresh unit, all at once.
    let race_start = Instant::now();
    let mut racers = tokio::task::JoinSet::new();
    for p in people.iter().copied() {
        let store = store.clone();
        let b = bench_booking(p, UnitId(-1), now + chrono::Duration::hours(1));
        racers.spawn(async move { store.booking_insert(&b, now).await });
    }
    let (mut winners, mut losers) = (0, 0);
    while let Some(done) = racers.join_next().await {
        match done?? {
            Ok(_) => winners += 1,
            Err(Taken) => losers += 1,
        }
    }
    let race = race_start.elapsed();
    Ok(BookingFigures {
        bookings: n,
        elapsed,
        latency: percentiles(&mut latencies),
        race_winners: winners,
        race_losers: losers,
        race,
    })
}

fn bench_booking(person: PersonId, unit: UnitId, starts: chrono::DateTime<chrono::Utc>) -> NewBooking {
    NewBooking {
        house: LocationId::new("bench-house"),
        space: SpaceId::new(format!("bench-{}", unit.0)),
        person,
        status: BookingStatus::Confirmed,
        starts,
        ends: starts + chrono::Duration::minutes(50),
        zone: chrono_tz::Europe::Rome,
        people: 5,
        purpose: "bench".into(),
        units: vec![unit],
        busy_until: starts + chrono::Duration::minutes(55),
        replaces: None,
        association: None,
    }
}

/// Figures of `vicinato bench scheduler`.
pub struct SchedulerFigures {
    pub pending: u64,
    pub due: usize,
    pub ran: usize,
    pub lateness: Percentiles,
    pub idle_cpu_percent: Option<f64>,
    pub idle_seconds: u64,
}

/// CPU time of this process so far (user + system), from /proc (Linux).
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // The kernel's USER_HZ is 100 on Linux.
    Some(Duration::from_millis(ticks * 10))
}

/// The real scheduler loop over `pending` jobs: `due` of them fall due, spread over `spread`
/// seconds, the rest a year ahead. Lateness is the time from a job's due time to its handler
/// running. Then the loop idles for `idle` seconds with nothing due, and its CPU use is read.
pub async fn scheduler(
    store: Arc<dyn Store>,
    pending: usize,
    due: usize,
    spread: u64,
    idle: u64,
) -> anyhow::Result<SchedulerFigures> {
    use crate::scheduler::{JobHandler, Missed};
    use crate::store::{Job, NewJob};
    use async_trait::async_trait;
    struct Record(std::sync::Mutex<Vec<Duration>>);
    #[async_trait]
    impl JobHandler for Record {
        async fn run(&self, job: &Job, now: chrono::DateTime<chrono::Utc>) -> anyhow::Result<()> {
            let late = (chrono::Utc::now() - job.due_at).to_std().unwrap_or_default();
            let _ = now;
            self.0.lock().unwrap_or_else(|e| e.into_inner()).push(late);
            Ok(())
        }
    }
    // The jobs far ahead first; then the due ones, timed from when they are all in.
    let job = |due_at| NewJob {
        kind: "bench".into(),
        key: None,
        payload: "{}".into(),
        due_at,
        cron: None,
        zone: "Europe/Rome".into(),
    };
    let far = chrono::Utc::now() + chrono::Duration::days(365);
    for i in due..pending {
        store.job_put(&job(far + chrono::Duration::seconds(i as i64)), chrono::Utc::now()).await?;
    }
    let start = chrono::Utc::now() + chrono::Duration::seconds(5);
    let mut rng = Rng::new(7);
    for _ in 0..due {
        let at = start + chrono::Duration::milliseconds(rng.below((spread * 1000) as usize) as i64);
        store.job_put(&job(at), chrono::Utc::now()).await?;
    }
    let record = Arc::new(Record(std::sync::Mutex::new(Vec::new())));
    let mut s = bench_app(store.clone(), "bench").await?.scheduler;
    s.register("bench", Missed::RunLate, record.clone());
    let (stop_tx, stop) = tokio::sync::watch::channel(false);
    let running = tokio::spawn(Arc::new(s).run(stop));
    // Until every due job ran (and a little more), then idle.
    tokio::time::sleep(Duration::from_secs(5 + spread + 1)).await;
    let before = cpu_time();
    tokio::time::sleep(Duration::from_secs(idle)).await;
    let after = cpu_time();
    let _ = stop_tx.send(true);
    running.await?;
    let mut lateness = record.0.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let ran = lateness.len();
    let idle_cpu_percent = match (before, after) {
        (Some(b), Some(a)) => Some((a - b).as_secs_f64() / idle as f64 * 100.0),
        _ => None,
    };
    Ok(SchedulerFigures {
        pending: store.jobs_count().await? + ran as u64,
        due,
        ran,
        lateness: percentiles(&mut lateness),
        idle_cpu_percent,
        idle_seconds: idle,
    })
}

/// Figures of the initiatives benchmark.
#[derive(Debug, Clone)]
pub struct InitiativeFigures {
    pub supporters: usize,
    pub clients: usize,
    /// Supports counted by the store at the end (must equal `supporters`).
    pub counted: u32,
    pub supports_elapsed: Duration,
    /// Latency of one support through the whole conversation path.
    pub support_latency: Percentiles,
    pub initiatives: usize,
    pub load: Duration,
    /// Browsing through the conversation (`/iniziative <area>`, a theme, words, this week).
    pub browse: Percentiles,
    pub browse_queries: usize,
}

/// Supports on one initiative from many residents at once, through the conversation engine
/// (button presses), and browsing among `initiatives` published initiatives.
pub async fn initiatives(
    store: Arc<dyn Store>,
    supporters: usize,
    clients: usize,
    initiatives: usize,
    queries: usize,
) -> anyhow::Result<InitiativeFigures> {
    use crate::domain::initiative::*;
    use crate::store::{AuditEntry, NewInitiative, Transition};
    store.replace_dataset(&crate::demo::lazio()?).await?;
    let engine = bench_app(store.clone(), "bench").await?.engine;
    let tree = engine.snapshot().tree.clone();
    let now = chrono::Utc::now();
    let author = store.person_for_account(&Account::new(Network::Console, "bench-author"), "author", now).await?.id;
    let audit = move |action: &str| AuditEntry {
        at: now,
        actor: None,
        action: action.into(),
        subject: "bench".into(),
        reason: None,
    };
    let publisher = store.clone();
    let publish = move |ini: InitiativeId| {
        let store = publisher.clone();
        async move {
            for (from, to) in [(Status::Draft, Status::Submitted), (Status::Submitted, Status::Published)] {
                let t = Transition {
                    from: vec![from],
                    to,
                    decision: None,
                    deadline: Some(now + chrono::Duration::days(90)),
                    outcome: None,
                    audit: audit(to.as_str()),
                };
                store.initiative_transition(ini, &t, now).await?;
            }
            Ok::<_, anyhow::Error>(())
        }
    };
    let paths = tree.clone();
    let new = move |territory: &TerritoryId, title: String, threshold: u32, starts| NewInitiative {
        author,
        territory: territory.clone(),
        territory_path: paths.path(territory),
        threshold,
        content: Content {
            title,
            description: "An activity of social interest for the neighbourhood, open to everyone.".into(),
            theme: Some(THEMES[territory.as_str().len() % THEMES.len()].into()),
            starts,
            ..Default::default()
        },
    };

    // Supports: one initiative, everyone at once, each a button press through the engine.
    let centocelle = TerritoryId::new("centocelle");
    let target =
        store.initiative_create(&new(&centocelle, "Orto condiviso".into(), supporters as u32 + 1, None), now).await?;
    publish(target.id).await?;
    for i in 0..supporters {
        store.person_for_account(&Account::new(Network::Console, format!("sup{i}")), &format!("sup{i}"), now).await?;
    }
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..clients {
        let (engine, next) = (engine.clone(), next.clone());
        let press = format!("isup:{}", target.id);
        tasks.spawn(async move {
            let mut samples = Vec::new();
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= supporters {
                    return samples;
                }
                let mut inbound = Inbound::direct_text(Network::Console, &format!("sup{i}"), "");
                inbound.body = crate::conversation::Body::Button(press.clone());
                let t = Instant::now();
                let out = engine.handle(inbound).await;
                std::hint::black_box(out);
                samples.push(t.elapsed());
            }
        });
    }
    let mut latencies = Vec::new();
    while let Some(done) = tasks.join_next().await {
        latencies.extend(done?);
    }
    let supports_elapsed = started.elapsed();
    let counted = store.initiative(target.id).await?.map(|i| i.supports).unwrap_or(0);

    // Browsing: many published initiatives across the region's territories.
    let territories: Vec<TerritoryId> = tree.all().iter().map(|t| t.id.clone()).collect();
    let loaded = Instant::now();
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut tasks = tokio::task::JoinSet::new();
    let words = ["orto", "coro", "biblioteca", "pulizia", "cena", "corso", "festa", "sport"];
    for _ in 0..clients.min(8) {
        let (store, next, territories) = (store.clone(), next.clone(), territories.clone());
        let (new, publish) = (new.clone(), publish.clone());
        tasks.spawn(async move {
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= initiatives {
                    return Ok::<_, anyhow::Error>(());
                }
                let t = &territories[i % territories.len()];
                let starts = Some(now + chrono::Duration::hours((i % (24 * 60)) as i64));
                let title = format!("{} {} {i}", words[i % words.len()], t.as_str());
                let ini = store.initiative_create(&new(t, title, 50, starts), now).await?;
                publish(ini.id).await?;
            }
        });
    }
    while let Some(done) = tasks.join_next().await {
        done??;
    }
    let load = loaded.elapsed();
    let asks = [
        "/iniziative Centocelle",
        "/initiatives Municipio V",
        "/iniziative orto",
        "/iniziative cultura a Ostia",
        "/settimana",
        "what's happening near me this week?",
        "/iniziative",
    ];
    let browser = store.person_for_account(&Account::new(Network::Console, "browser"), "browser", now).await?;
    let mut profile = browser.clone();
    profile.home = Some(centocelle.clone());
    profile.onboarded = true;
    store.save_profile(&profile).await?;
    let mut browse = Vec::with_capacity(queries);
    for i in 0..queries {
        let t = Instant::now();
        let out = engine.handle(Inbound::direct_text(Network::Console, "browser", asks[i % asks.len()])).await;
        for reply in &out.replies {
            std::hint::black_box(engine.render(out.lang, reply));
        }
        browse.push(t.elapsed());
    }
    Ok(InitiativeFigures {
        supporters,
        clients,
        counted,
        supports_elapsed,
        support_latency: percentiles(&mut latencies),
        initiatives,
        load,
        browse: percentiles(&mut browse),
        browse_queries: queries,
    })
}

/// Figures of the moderation benchmark.
#[derive(Debug, Clone)]
pub struct ModerationFigures {
    pub commands: usize,
    /// From a moderator's `/mute` reply in the group (the update queued at the test server) to
    /// its `restrictChatMember` arriving there.
    pub command_to_call: Percentiles,
    pub sanctions: usize,
    /// Members of the second part whose mute was lifted by exactly one call, and by more.
    pub lifted_once: usize,
    pub lifted_twice: usize,
    /// The span their ends were spread over.
    pub window: Duration,
    /// From each sanction's end (mapped onto the real clock) to its lifting call.
    pub lift_lag: Percentiles,
    /// From the first end to the last lifting call.
    pub all_lifted: Duration,
    /// Members told privately that they may write again, by the end of the run.
    pub told: usize,
    /// Sends the test server refused for broken limits (its 429s).
    pub refusals: usize,
    pub refusal_reasons: Vec<String>,
}

/// Moderation through the real Telegram transport against the Bot API test server: `commands`
/// `/mute 1w` replies by a moderator in a linked group, each timed from the update to the
/// `restrictChatMember` it causes; then `sanctions` timed mutes whose ends are spread evenly over
/// `window` (a minute in the benchmark),
/// lifted by the scheduler's end jobs. The clock is a manual one, moved with the real clock
/// (set to the first end plus the real time elapsed before every pass of `run_due`), so a
/// sanction's end maps onto a real instant. Needs the test peers: `testkit` feature only.
#[cfg(feature = "testkit")]
pub async fn moderation(
    store: Arc<dyn Store>,
    commands: usize,
    sanctions: usize,
    window: Duration,
) -> anyhow::Result<ModerationFigures> {
    use crate::clock::Clock;
    use crate::core::rooms::Place;
    use crate::core::rooms::moderate::{Moderation, Step, moderate};
    use crate::domain::rooms::Escalation;
    use crate::transport::telegram::{TelegramBot, TelegramOptions};
    use vicinato_testkit::telegram::{BotRights, TestServer};

    store.replace_dataset(&crate::demo::lazio()?).await?;
    let token = "4242:BENCH";
    let server = TestServer::start(token).await?;
    let start = chrono::DateTime::from_timestamp(chrono::Utc::now().timestamp() / 60 * 60, 0).unwrap_or_default();
    let clock = Arc::new(crate::clock::ManualClock::new(start));
    let config = crate::config::Config::load(None, std::iter::empty())?;
    let options = crate::app::Options {
        store: Some(store.clone()),
        settings: Some(bench_settings()),
        clock: Some(clock.clone()),
        owner: Some("bench".into()),
        ..Default::default()
    };
    let app = crate::app::App::build(&config, &[], options).await?;
    let engine = app.engine.clone();
    let mut options =
        TelegramOptions::new("bench", crate::config::Secret::new(token.into()), "VICINATO_TELEGRAM_TOKEN", &server.url);
    options.poll_timeout = 1;
    let bot = TelegramBot::connect(engine.clone(), options).await?;
    let mut couriers = crate::courier::Couriers::default();
    couriers.add(Arc::new(bot.courier()));
    engine.set_couriers(couriers);
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let running = tokio::spawn(bot.run(stopped));

    // Centocelle's group, linked by staff of Municipio V; Marco moderates Centocelle.
    let group = server.group(-100_777, "Centocelle", false);
    server.set_bot_rights(&group, BotRights::all());
    let staff = server.user(1, "Sara", Some("it"));
    let moderator = server.user(2, "Marco", Some("it"));
    for (user, role, territory) in [(1, Role::Staff, "roma-m05"), (2, Role::Moderator, "centocelle")] {
        let p = store.person_for_account(&Account::new(Network::Telegram, user.to_string()), "x", start).await?;
        store.grant_role(p.id, &RoleGrant { role, territory: Some(TerritoryId::new(territory)) }, start).await?;
    }
    server.user_posts_in(&staff, &group, "/room link centocelle");
    if server.nth_message(group.id, 1, Duration::from_secs(60)).await.is_none() {
        anyhow::bail!("the group was never linked");
    }

    // (a) A moderator's command to the network call, one command at a time.
    let mut samples = Vec::with_capacity(commands);
    for i in 0..commands {
        let member = server.user(10_000 + i as i64, &format!("Membro {i}"), Some("it"));
        let said = server.user_posts_in(&member, &group, "ciao a tutti");
        let before = server.call_count("restrictChatMember");
        let sent = tokio::time::Instant::now();
        server.user_replies_in(&moderator, &group, "/mute 1w", Some(said));
        let arrived = loop {
            if let Some((at, _)) = server.calls_timed("restrictChatMember").get(before) {
                break *at;
            }
            if sent.elapsed() > Duration::from_secs(60) {
                anyhow::bail!("command {i} never reached the network");
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        };
        samples.push(arrived - sent);
    }
    let command_to_call = percentiles(&mut samples);

    // (b) Sanctions ending in the same minute, two hours after they were given.
    let Some(marco) = store.find_person(&Account::new(Network::Telegram, "2")).await? else {
        anyhow::bail!("the moderator is missing");
    };
    let tree = engine.snapshot().tree.clone();
    let first_end = start + chrono::Duration::hours(2);
    let window_ms = window.as_millis() as i64;
    let spread = |j: usize| chrono::Duration::milliseconds((j as i64 * window_ms) / sanctions.max(1) as i64);
    const FIRST: i64 = 1_000_000;
    for j in 0..sanctions {
        let member = server.user(FIRST + j as i64, &format!("Vicino {j}"), Some("it"));
        server.user_started(&member);
        server.join(&member, &group);
        let input = Moderation {
            place: Place { network: Network::Telegram, chat_id: group.id.to_string(), group: true },
            member: Some((Account::new(Network::Telegram, member.id.to_string()), member.first_name.clone())),
            step: Step::Mute(chrono::Duration::hours(2) + spread(j)),
            reason: "bench".into(),
        };
        let done = match moderate(&marco, input, store.as_ref(), &tree, &Escalation::default(), start).await? {
            Ok(done) => done,
            Err(refusal) => anyhow::bail!("sanction {j} refused: {refusal:?}"),
        };
        for action in &done.actions {
            engine.couriers().act(action).await?;
        }
    }
    let is_lift = |body: &serde_json::Value| {
        body["permissions"]["can_send_messages"].as_bool() == Some(true)
            && body["user_id"].as_i64().is_some_and(|u| (FIRST..FIRST + sanctions as i64).contains(&u))
    };
    let lifts =
        |server: &TestServer| server.calls_timed("restrictChatMember").into_iter().filter(|(_, b)| is_lift(b)).count();
    let r0 = tokio::time::Instant::now();
    loop {
        let elapsed = r0.elapsed();
        clock.set(first_end + chrono::Duration::from_std(elapsed)?);
        app.scheduler.run_due(clock.now()).await?;
        if lifts(&server) >= sanctions {
            break;
        }
        if elapsed > Duration::from_secs(300) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut per_member: BTreeMap<i64, Vec<tokio::time::Instant>> = BTreeMap::new();
    for (at, body) in server.calls_timed("restrictChatMember").into_iter().filter(|(_, b)| is_lift(b)) {
        per_member.entry(body["user_id"].as_i64().unwrap_or_default()).or_default().push(at);
    }
    let lifted_once = per_member.values().filter(|v| v.len() == 1).count();
    let lifted_twice = per_member.values().filter(|v| v.len() > 1).count();
    let mut lags = Vec::with_capacity(sanctions);
    let mut last = r0;
    for (member, times) in &per_member {
        let j = (member - FIRST) as usize;
        let due = r0 + spread(j).to_std()?;
        let at = times[0];
        last = last.max(at);
        lags.push(at.saturating_duration_since(due));
    }
    if lags.is_empty() {
        anyhow::bail!("no sanction was lifted");
    }
    let lift_lag = percentiles(&mut lags);
    // The notes that they may write again go out at Telegram's pace: wait for them.
    let told = |server: &TestServer| {
        let sent = server.sent_per_chat();
        (0..sanctions).filter(|j| sent.contains_key(&(FIRST + *j as i64))).count()
    };
    let waited = tokio::time::Instant::now();
    while told(&server) < sanctions && waited.elapsed() < Duration::from_secs(120) {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let violations = server.violations();
    let figures = ModerationFigures {
        commands,
        command_to_call,
        sanctions,
        window,
        lifted_once,
        lifted_twice,
        lift_lag,
        all_lifted: last - r0,
        told: told(&server),
        refusals: violations.len(),
        refusal_reasons: violations.into_iter().take(5).collect(),
    };
    let _ = stop.send(true);
    running.await??;
    Ok(figures)
}
