//! Property tests of the conversation engine: random Unicode text (case-changing letters,
//! combining marks, bidi controls, zero-width characters, up to 10,000 characters, commands
//! with random arguments) and random or mutated button payloads go through `Engine::handle`
//! on a SQLite store with the demo data. No case may panic, and each gets at least one reply.
//! Failing seeds are kept in `proptest-regressions/` and re-run first.

use crate::support::*;
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence, TestRunner};
use std::sync::Arc;
use vicinato::conversation::{Body, ChatKind, Engine, Inbound};
use vicinato::domain::*;
use vicinato_testkit::hostile_text::{self, hostile_text, message};

/// Cases per property. With the mappers' 9,000 (unit tests beside them) a run tries 14,000;
/// measured on a debug build, these take about 10 s together.
const TEXT_CASES: u32 = 2_000;
const BUTTON_CASES: u32 = 3_000;

fn runner(cases: u32) -> TestRunner {
    TestRunner::new(Config {
        cases,
        source_file: Some(file!()),
        failure_persistence: Some(Box::new(FileFailurePersistence::SourceParallel("proptest-regressions"))),
        ..Config::default()
    })
}

/// An engine on a fresh SQLite store, with one person who is staff of Rome and one admin, so
/// that staff commands run too. Without the limits per person: a few people send thousands of
/// messages here, which the message rate would rightly answer with silence (tested on its own).
fn engine(rt: &tokio::runtime::Runtime) -> (Arc<Engine>, tempfile::TempDir) {
    rt.block_on(async {
        let (store, dir) = sqlite_store().await;
        let settings = vicinato::conversation::ConversationSettings {
            limits: vicinato::conversation::limits::Limits::off(),
            ..Default::default()
        };
        let (engine, _clock) = engine_with(store.clone(), saturday_morning(), settings).await;
        for (who, role, territory) in [("p0", Role::Staff, Some("roma")), ("p1", Role::Admin, None)] {
            let p =
                store.person_for_account(&Account::new(Network::Telegram, who), who, saturday_morning()).await.unwrap();
            let grant = RoleGrant { role, territory: territory.map(TerritoryId::new) };
            store.grant_role(p.id, &grant, saturday_morning()).await.unwrap();
        }
        (engine, dir)
    })
}

fn inbound(sender: u8, group: bool, lang: Option<Lang>, body: Body) -> Inbound {
    let who = format!("p{sender}");
    let mut i = Inbound::direct_text(Network::Telegram, &who, "");
    if group {
        i.chat_id = "-100".into();
        i.chat_kind = ChatKind::Group;
    }
    i.body = body;
    i.lang_hint = lang;
    i.addressed = true;
    i
}

const COMMANDS: &[&str] = &[
    "/start",
    "/services",
    "/servizi",
    "/help",
    "/book",
    "/prenota",
    "/bookings",
    "/space",
    "/space close",
    "/space close centocelle-saletta",
    "/space open",
    "/space approval centocelle-saletta",
    "/propose",
    "/proponi",
    "/initiatives",
    "/iniziative",
    "/myinitiatives",
    "/review",
    "/approve",
    "/language",
    "/cancel",
    "/mydata",
    "/link",
    "/association",
    "/association new",
    "/phase",
    "/stats",
    "/whoami",
    "/grant",
];

const WISHES: &[&str] = &[
    "vorrei la saletta riunioni il 3/12 dalle 10 alle 11 per 4 persone",
    "dal 30 dicembre al 2 gennaio la sala grande",
    "ogni mercoledì per 6 settimane la cucina",
    "dove trovo un medico a Centocelle?",
    "cosa c'è di libero domani",
    "vorrei proporre un orto condiviso",
];

fn text_body() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => message("vicinato"),
        3 => (prop::sample::select(COMMANDS), hostile_text(24)).prop_map(|(c, rest)| format!("{c} {rest}")),
        2 => (prop::sample::select(WISHES), hostile_text(12)).prop_map(|(w, rest)| format!("{w}{rest}")),
        1 => prop::sample::select(vec!["1", "2", "3", "sì", "no", "0", "999999999999", "-1"]).prop_map(str::to_owned),
    ]
}

fn lang() -> impl Strategy<Value = Option<Lang>> {
    prop::option::of(prop::sample::select(vec![Lang::It, Lang::En]))
}

#[test]
fn any_text_from_anyone_gets_a_reply_and_stops_nothing() {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let (engine, _dir) = engine(&rt);
    let started = std::time::Instant::now();
    let cases = (0u8..4, any::<bool>(), lang(), text_body());
    runner(TEXT_CASES)
        .run(&cases, |(sender, group, lang, text)| {
            let outcome = rt.block_on(engine.handle(inbound(sender, group, lang, Body::Text(text))));
            prop_assert!(!outcome.replies.is_empty(), "no reply");
            Ok(())
        })
        .unwrap();
    eprintln!("{TEXT_CASES} texts through the engine in {:?}", started.elapsed());
}

/// Payloads the bots really send, to be mutated.
const PAYLOADS: &[&str] = &[
    "bslot:centocelle-saletta|202612011000|60",
    "bwait:centocelle-saletta|202612011000|60",
    "bspace:centocelle-saletta|20261201",
    "bfree:casa-welfare-centocelle|20261201",
    "bmove:1",
    "bcancel:1",
    "bhold:yes|1",
    "bhold:no|1",
    "bapprove:1",
    "bdecline:1",
    "bfor:me",
    "book:yes",
    "bcal",
    "ilist:||||0|draft",
    "ilist:centocelle|environment|orto|1|0|published",
    "isup:1",
    "isupa:1",
    "ijoin:1",
    "ivote:1:yes",
    "icom:1",
    "idate:1",
    "ipub:1",
    "iedit:1",
    "ptheme:environment",
    "parea:centocelle",
    "pskip",
    "~12",
    "page:2",
    "card:1",
    "cat:food",
    "area:roma",
    "home:centocelle",
    "lang:en",
    "forget:no",
];

/// One change to a payload.
#[derive(Debug, Clone)]
enum Change {
    Insert(usize, char),
    Remove(usize),
    /// A run of digits becomes an extreme number.
    Number(usize, &'static str),
    Cut(usize),
    Double(usize),
}

fn change() -> impl Strategy<Value = Change> {
    let extreme = prop::sample::select(vec![
        "0",
        "-1",
        "9223372036854775807",
        "-9223372036854775808",
        "99999999999999999999",
        "262142",
        "999912312359",
        "2621421231235",
        "+26214212312359",
        "18446744073709551616",
        "1e309",
        "NaN",
        "",
    ]);
    prop_oneof![
        (any::<usize>(), hostile_text::hostile_char()).prop_map(|(at, c)| Change::Insert(at, c)),
        any::<usize>().prop_map(Change::Remove),
        (any::<usize>(), extreme).prop_map(|(at, n)| Change::Number(at, n)),
        any::<usize>().prop_map(Change::Cut),
        any::<usize>().prop_map(Change::Double),
    ]
}

fn apply(payload: &str, changes: &[Change]) -> String {
    let mut chars: Vec<char> = payload.chars().collect();
    for c in changes {
        let len = chars.len();
        match *c {
            Change::Insert(at, ch) => chars.insert(at % (len + 1), ch),
            Change::Remove(at) if len > 0 => {
                chars.remove(at % len);
            }
            Change::Number(at, n) => {
                let digits: Vec<usize> = (0..len).filter(|&i| chars[i].is_ascii_digit()).collect();
                if let Some(&start) = digits.get(at % digits.len().max(1)) {
                    let end = (start..len).find(|&i| !chars[i].is_ascii_digit()).unwrap_or(len);
                    chars.splice(start..end, n.chars());
                } else {
                    chars.extend(n.chars());
                }
            }
            Change::Cut(at) => chars.truncate(at % (len + 1)),
            Change::Double(at) if len > 0 => {
                let from = at % len;
                let part: Vec<char> = chars[from..].to_vec();
                chars.extend(part);
            }
            _ => {}
        }
    }
    chars.into_iter().collect()
}

fn payload() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => (prop::sample::select(PAYLOADS), prop::collection::vec(change(), 0..4)).prop_map(|(p, cs)| apply(p, &cs)),
        1 => hostile_text(80),
        1 => (prop::sample::select(PAYLOADS), hostile_text(8)).prop_map(|(p, s)| {
            let kind = p.split(':').next().unwrap_or(p);
            format!("{kind}:{s}")
        }),
    ]
}

#[test]
fn any_button_payload_from_anyone_gets_a_reply_and_stops_nothing() {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let (engine, _dir) = engine(&rt);
    let started = std::time::Instant::now();
    let cases = (0u8..4, any::<bool>(), lang(), payload());
    runner(BUTTON_CASES)
        .run(&cases, |(sender, group, lang, payload)| {
            let outcome = rt.block_on(engine.handle(inbound(sender, group, lang, Body::Button(payload))));
            prop_assert!(!outcome.replies.is_empty(), "no reply");
            Ok(())
        })
        .unwrap();
    eprintln!("{BUTTON_CASES} button payloads through the engine in {:?}", started.elapsed());
}

#[test]
fn mutating_a_payload_changes_only_what_it_says() {
    assert_eq!(apply("bmove:1", &[Change::Number(0, "-1")]), "bmove:-1");
    assert_eq!(apply("bcal", &[Change::Cut(2)]), "bc");
    assert_eq!(apply("ab", &[Change::Double(1), Change::Insert(0, '~')]), "~abb");
}
