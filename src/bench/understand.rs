//! `vicinato bench understand`: how well free text is understood, on a corpus of single
//! messages written as residents write them (`tests/it/corpus/messages.toml`, compiled in;
//! another file with `--file`). Each message has its expected intent and slots; the figures
//! are the share of intents right (per intent and overall) and of slots right (per slot kind
//! and overall), with every miss listed. Pure: no store, no clock; the territory names are
//! those of the demo dataset.
//!
//! A slot is checked when it was expected or when it was found: a slot found that was not
//! expected counts as a miss, so adding words to a lexicon cannot raise the figure by
//! guessing. The search words (`words`) are checked only where the corpus names them.

use crate::conversation::understand::{Understander, Understanding, embedded_lexicons};
use crate::domain::{Lang, TerritoryTree};
use serde::Deserialize;
use std::collections::BTreeMap;

/// The corpus shipped with Vicinato.
pub const CORPUS: &str = include_str!("../../tests/it/corpus/messages.toml");

/// One message and what it means.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    pub text: String,
    pub intent: String,
    pub category: Option<String>,
    pub territory: Option<String>,
    #[serde(default)]
    pub near_me: bool,
    #[serde(default)]
    pub now: bool,
    pub day: Option<String>,
    pub part: Option<String>,
    pub time: Option<String>,
    pub language: Option<String>,
    pub age: Option<u8>,
    pub switch_to: Option<String>,
    /// The words left for the full-text search, when the corpus checks them.
    pub words: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CorpusFile {
    it: Vec<Case>,
    en: Vec<Case>,
}

/// A corpus: each message with the language it is written in.
pub fn read_corpus(text: &str) -> anyhow::Result<Vec<(Lang, Case)>> {
    let raw: CorpusFile = toml::from_str(text)?;
    Ok(raw.it.into_iter().map(|c| (Lang::It, c)).chain(raw.en.into_iter().map(|c| (Lang::En, c))).collect())
}

/// The understander of the demo dataset's territories and the shipped lexicons.
pub fn demo_understander() -> anyhow::Result<Understander> {
    let tree = TerritoryTree::new(crate::demo::lazio()?.territories)?;
    Ok(Understander::new(embedded_lexicons()?, &tree))
}

/// Right out of asked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub right: usize,
    pub asked: usize,
}

impl Tally {
    fn add(&mut self, right: bool) {
        self.asked += 1;
        self.right += usize::from(right);
    }

    /// The share right, in percent (100 when nothing was asked).
    pub fn percent(&self) -> f64 {
        if self.asked == 0 { 100.0 } else { self.right as f64 * 100.0 / self.asked as f64 }
    }
}

/// A message understood otherwise than the corpus says.
#[derive(Debug, Clone)]
pub struct Miss {
    pub lang: Lang,
    pub text: String,
    /// What differed: `intent: help (expected find_service)`, `category: - (expected food-bank)`.
    pub what: Vec<String>,
}

/// The figures of one run.
#[derive(Debug, Clone, Default)]
pub struct Figures {
    pub messages: usize,
    pub intent: Tally,
    pub slots: Tally,
    /// The language the message is written in, told from its words (the hint is Italian).
    pub lang: Tally,
    pub per_intent: BTreeMap<String, Tally>,
    pub per_slot: BTreeMap<&'static str, Tally>,
    pub misses: Vec<Miss>,
}

fn name<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => "?".into(),
    }
}

/// The slots of an understanding, as the corpus writes them.
fn found(u: &Understanding) -> Vec<(&'static str, Option<String>)> {
    let s = &u.slots;
    let when = s.when.clone().unwrap_or_default();
    vec![
        ("category", s.category.as_ref().map(|c| c.to_string())),
        ("territory", s.territory.as_ref().map(|t| t.to_string())),
        ("near_me", s.near_me.then(|| "true".to_owned())),
        ("now", when.now.then(|| "true".to_owned())),
        ("day", when.day.as_ref().map(name)),
        ("part", when.part.as_ref().map(name)),
        ("time", when.time.clone()),
        ("language", s.language.as_ref().map(|l| l.to_string())),
        ("age", s.age.map(|a| a.to_string())),
        ("switch_to", s.switch_to.map(|l| l.code().to_owned())),
    ]
}

fn expected(c: &Case) -> Vec<(&'static str, Option<String>)> {
    vec![
        ("category", c.category.clone()),
        ("territory", c.territory.clone()),
        ("near_me", c.near_me.then(|| "true".to_owned())),
        ("now", c.now.then(|| "true".to_owned())),
        ("day", c.day.clone()),
        ("part", c.part.clone()),
        ("time", c.time.clone()),
        ("language", c.language.clone()),
        ("age", c.age.map(|a| a.to_string())),
        ("switch_to", c.switch_to.clone()),
    ]
}

/// Understands every message of the corpus (with Italian as the hint, as on a bot whose
/// default is Italian) and counts what was right.
pub fn score(understander: &Understander, corpus: &[(Lang, Case)]) -> Figures {
    let mut f = Figures { messages: corpus.len(), ..Default::default() };
    for (lang, case) in corpus {
        let u = understander.understand(&case.text, Lang::It);
        let mut what = Vec::new();
        let intent = name(&u.intent);
        let right = intent == case.intent;
        f.intent.add(right);
        f.per_intent.entry(case.intent.clone()).or_default().add(right);
        if !right {
            what.push(format!("intent: {intent} (expected {})", case.intent));
        }
        for ((slot, want), (_, got)) in expected(case).into_iter().zip(found(&u)) {
            if want.is_none() && got.is_none() {
                continue;
            }
            let right = want == got;
            f.slots.add(right);
            f.per_slot.entry(slot).or_default().add(right);
            if !right {
                let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
                what.push(format!("{slot}: {} (expected {})", show(&got), show(&want)));
            }
        }
        if let Some(want) = &case.words {
            let right = u.slots.text.as_deref() == Some(want.as_str());
            f.slots.add(right);
            f.per_slot.entry("words").or_default().add(right);
            if !right {
                what.push(format!("words: {} (expected {want})", u.slots.text.as_deref().unwrap_or("-")));
            }
        }
        f.lang.add(u.lang == *lang);
        if !what.is_empty() {
            f.misses.push(Miss { lang: *lang, text: case.text.clone(), what });
        }
    }
    f
}
