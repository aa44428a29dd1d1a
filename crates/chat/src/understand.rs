//! Understanding free text: intent and slots from what a person types, in Italian or English,
//! without commands.
//!
//! The words come from `locales/<lang>/lexicon.toml`; territory names come from the territory
//! tree. Matching is greedy, longest phrase first, on folded text, with small typos forgiven
//! for longer words. Pure: no I/O, no clock (times stay relative until the conversation
//! resolves them).

use regex::Regex;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};
use vicinato_domain::text::{fold, typo_budget, within_edits};
use vicinato_domain::{CategoryCode, Lang, LanguageCode, TerritoryId, TerritoryTree};

/// What the person wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Intent {
    FindService,
    Greeting,
    Help,
    Thanks,
    Cancel,
    ChangeLanguage,
    WhoAmI,
    More,
    /// "non voglio più ricevere avvisi": stop staff announcements.
    NotificationsOff,
    /// "voglio di nuovo gli avvisi": restart them.
    NotificationsOn,
    /// Booking a space of a welfare house.
    Book,
    /// Asking which spaces are free.
    Free,
    /// Proposing a community initiative.
    Propose,
    /// Browsing initiatives ("what is happening near me this week").
    Initiatives,
    /// Joining the community rooms of one's (or a named) territory.
    JoinRooms,
    /// "Voglio parlare con una persona": the nearest welfare house or staffed desk.
    TalkToPerson,
    Unknown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayRef {
    Today,
    Tomorrow,
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

impl DayRef {
    fn weekday(i: u8) -> Self {
        [Self::Monday, Self::Tuesday, Self::Wednesday, Self::Thursday, Self::Friday, Self::Saturday, Self::Sunday]
            [usize::from(i % 7)]
    }

    /// Monday 0 … Sunday 6, for named weekdays.
    pub fn weekday_index(self) -> Option<u8> {
        match self {
            Self::Today | Self::Tomorrow => None,
            Self::Monday => Some(0),
            Self::Tuesday => Some(1),
            Self::Wednesday => Some(2),
            Self::Thursday => Some(3),
            Self::Friday => Some(4),
            Self::Saturday => Some(5),
            Self::Sunday => Some(6),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayPart {
    Morning,
    Afternoon,
    Evening,
}

impl DayPart {
    /// The span of the part of the day, in minutes after midnight.
    pub fn span(self) -> (u16, u16) {
        match self {
            Self::Morning => (8 * 60, 13 * 60),
            Self::Afternoon => (13 * 60, 19 * 60),
            Self::Evening => (19 * 60, 23 * 60),
        }
    }
}

/// When the person wants to go, still relative to "now".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct When {
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub now: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day: Option<DayRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part: Option<DayPart>,
    /// A clock time, `HH:MM`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
}

impl When {
    fn is_empty(&self) -> bool {
        !self.now && self.day.is_none() && self.part.is_none() && self.time.is_none()
    }

    /// The clock time in minutes after midnight.
    pub fn minutes(&self) -> Option<u16> {
        let (h, m) = self.time.as_deref()?.split_once(':')?;
        Some(h.parse::<u16>().ok()? * 60 + m.parse::<u16>().ok()?)
    }
}

/// What the person said, in structure. Absent slots are left out of the JSON.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slots {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<CategoryCode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub territory: Option<TerritoryId>,
    /// "vicino a me", "near me": the person's home territory.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub near_me: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<When>,
    /// A language the service should speak.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<LanguageCode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age: Option<u8>,
    /// The interface language asked for ("parla inglese").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub switch_to: Option<Lang>,
    /// Remaining meaningful words, for full-text search.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// The stable output of understanding: `{"intent": ..., "slots": {...}, "lang": ...}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Understanding {
    pub intent: Intent,
    pub slots: Slots,
    /// The language the text is written in (detected, else the hint).
    pub lang: Lang,
    /// Worded as a request ("cerco", "dove trovo", "is there", a question mark): not a bare
    /// answer to a question of a flow.
    #[serde(skip)]
    pub request: bool,
    /// Written clearly in `lang`: a sentence whose words are plainly of that language, not one
    /// foreign word ("ok", "sorry"). Such a message is answered in its language.
    #[serde(skip)]
    pub clearly: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct IntentWords {
    search: Vec<String>,
    greeting: Vec<String>,
    help: Vec<String>,
    thanks: Vec<String>,
    cancel: Vec<String>,
    change_language: Vec<String>,
    whoami: Vec<String>,
    more: Vec<String>,
    #[serde(default)]
    notifications_off: Vec<String>,
    #[serde(default)]
    notifications_on: Vec<String>,
    #[serde(default)]
    join_rooms: Vec<String>,
    book: Vec<String>,
    free: Vec<String>,
    propose: Vec<String>,
    initiatives: Vec<String>,
    #[serde(default)]
    person: Vec<String>,
    near_me: Vec<String>,
    now: Vec<String>,
    today: Vec<String>,
    tomorrow: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AudienceWords {
    phrases: Vec<String>,
    age: Option<u8>,
    category: Option<String>,
}

/// A situation told in words ("senza documenti"): the category it implies when no other is
/// named, and words to search for in the directory.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SituationWords {
    phrases: Vec<String>,
    category: Option<String>,
    #[serde(default)]
    search: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Patterns {
    patterns: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LexiconFile {
    stopwords: Vec<String>,
    intent: IntentWords,
    weekdays: BTreeMap<String, Vec<String>>,
    day_parts: BTreeMap<String, Vec<String>>,
    categories: BTreeMap<String, Vec<String>>,
    languages: BTreeMap<String, Vec<String>>,
    switch_to: BTreeMap<String, Vec<String>>,
    audience: Vec<AudienceWords>,
    #[serde(default)]
    situation: Vec<SituationWords>,
    /// Spellings of a word as people type them ("nn" for "non"), read as the word.
    #[serde(default)]
    respell: BTreeMap<String, String>,
    age: Patterns,
    time: Patterns,
    initiatives: InitiativeWordsFile,
    answers: AnswerWords,
    safety: SafetyWordsFile,
}

/// Words of a call for help (`[safety]`): `{who}` in a phrase stands for each phrase of `who`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SafetyWordsFile {
    who: Vec<String>,
    violence: Vec<String>,
    self_harm: Vec<String>,
    not: Vec<String>,
}

/// What a call for help is about: it decides which contacts come first and which services
/// follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Concern {
    /// Violence, abuse, threats, stalking, immediate danger from someone.
    Violence,
    /// Thoughts of suicide or self-harm.
    SelfHarm,
}

impl Concern {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Violence => "violence",
            Self::SelfHarm => "self_harm",
        }
    }
}

/// Folded words of a phrase.
fn phrase_words(phrase: &str) -> Vec<String> {
    fold(phrase).split(' ').filter(|w| !w.is_empty()).map(str::to_owned).collect()
}

/// Whether `needle` occurs in `words` as consecutive words; the position where it starts.
fn find_words(words: &[&str], needle: &[String]) -> Option<usize> {
    if needle.is_empty() || needle.len() > words.len() {
        return None;
    }
    (0..=words.len() - needle.len()).find(|&i| needle.iter().zip(&words[i..]).all(|(a, b)| a == b))
}

/// Short answers to a yes-or-no question ("sì", "ok", "va bene"; "no", "meglio di no").
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AnswerWords {
    yes: Vec<String>,
    no: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct InitiativeWordsFile {
    week: Vec<String>,
    noise: Vec<String>,
    themes: BTreeMap<String, Vec<String>>,
    statuses: BTreeMap<String, Vec<String>>,
}

/// Words for browsing initiatives in one language, folded.
#[derive(Debug, Clone, Default)]
pub struct InitiativeWords {
    /// "this week", "questa settimana".
    pub week: Vec<String>,
    /// Words that say nothing about which initiatives ("iniziative", "cosa succede").
    pub noise: Vec<String>,
    /// Words for each theme, by theme code.
    pub themes: Vec<(String, Vec<String>)>,
    /// Words for each status ("in votazione", "accepted"), by status.
    pub statuses: Vec<(vicinato_domain::initiative::Status, Vec<String>)>,
}

/// Why a lexicon could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LexiconError {
    #[error("{file}: {reason}")]
    Invalid { file: String, reason: String },
}

#[derive(Debug, Clone, PartialEq)]
enum Meaning {
    Intent(Intent),
    Search,
    NearMe,
    Now,
    Day(DayRef),
    Part(DayPart),
    Category(CategoryCode),
    Language(LanguageCode),
    Audience { age: Option<u8>, category: Option<CategoryCode> },
    Situation { category: Option<CategoryCode>, search: Vec<String> },
    SwitchTo(Lang),
    Territory(TerritoryId),
}

#[derive(Debug, Clone)]
struct Phrase {
    words: Vec<String>,
    meaning: Meaning,
    lang: Option<Lang>,
}

/// One language's words, compiled.
#[derive(Debug)]
pub struct Lexicon {
    lang: Lang,
    /// Folded short answers meaning yes, and no.
    yes: HashSet<String>,
    no: HashSet<String>,
    /// Answers with no letters ("👍"), as typed.
    yes_signs: HashSet<String>,
    no_signs: HashSet<String>,
    initiative_words: InitiativeWords,
    phrases: Vec<Phrase>,
    stopwords: HashSet<String>,
    respell: Vec<(String, String)>,
    age: Vec<Regex>,
    time: Vec<Regex>,
    /// Folded phrases of a call for help, longest first, with what they are about.
    safety: Vec<(Vec<String>, Concern)>,
    /// Folded phrases read as something else before looking for a call for help.
    not_safety: Vec<Vec<String>>,
}

fn pattern_regex(pattern: &str, number: &str) -> Result<Regex, regex::Error> {
    let folded = fold(&pattern.replace("{n}", "NUMBERSLOT"));
    let escaped = regex::escape(&folded).replace("numberslot", number);
    Regex::new(&format!(r"(?:^|\s){escaped}(?:\s|$)"))
}

impl Lexicon {
    /// Parses a lexicon file; `file` names it in errors.
    pub fn parse(lang: Lang, file: &str, text: &str) -> Result<Self, LexiconError> {
        let invalid = |reason: String| LexiconError::Invalid { file: file.to_owned(), reason };
        let raw: LexiconFile = toml::from_str(text).map_err(|e| invalid(e.to_string()))?;
        let mut phrases = Vec::new();
        let mut add = |list: &[String], meaning: Meaning| {
            for p in list {
                let words: Vec<String> = fold(p).split(' ').filter(|w| !w.is_empty()).map(str::to_owned).collect();
                if !words.is_empty() {
                    phrases.push(Phrase { words, meaning: meaning.clone(), lang: Some(lang) });
                }
            }
        };
        let i = &raw.intent;
        add(&i.search, Meaning::Search);
        add(&i.greeting, Meaning::Intent(Intent::Greeting));
        add(&i.help, Meaning::Intent(Intent::Help));
        add(&i.thanks, Meaning::Intent(Intent::Thanks));
        add(&i.cancel, Meaning::Intent(Intent::Cancel));
        add(&i.change_language, Meaning::Intent(Intent::ChangeLanguage));
        add(&i.whoami, Meaning::Intent(Intent::WhoAmI));
        add(&i.more, Meaning::Intent(Intent::More));
        add(&i.notifications_off, Meaning::Intent(Intent::NotificationsOff));
        add(&i.notifications_on, Meaning::Intent(Intent::NotificationsOn));
        add(&i.join_rooms, Meaning::Intent(Intent::JoinRooms));
        add(&i.book, Meaning::Intent(Intent::Book));
        add(&i.free, Meaning::Intent(Intent::Free));
        add(&i.propose, Meaning::Intent(Intent::Propose));
        add(&i.initiatives, Meaning::Intent(Intent::Initiatives));
        add(&i.person, Meaning::Intent(Intent::TalkToPerson));
        add(&i.near_me, Meaning::NearMe);
        add(&i.now, Meaning::Now);
        add(&i.today, Meaning::Day(DayRef::Today));
        add(&i.tomorrow, Meaning::Day(DayRef::Tomorrow));
        const DAYS: [&str; 7] = ["mo", "tu", "we", "th", "fr", "sa", "su"];
        for (code, list) in &raw.weekdays {
            let idx =
                DAYS.iter().position(|d| d == code).ok_or_else(|| invalid(format!("unknown weekday `{code}`")))?;
            add(list, Meaning::Day(DayRef::weekday(idx as u8)));
        }
        for (part, list) in &raw.day_parts {
            let part = match part.as_str() {
                "morning" => DayPart::Morning,
                "afternoon" => DayPart::Afternoon,
                "evening" => DayPart::Evening,
                other => return Err(invalid(format!("unknown day part `{other}`"))),
            };
            add(list, Meaning::Part(part));
        }
        for (code, list) in &raw.categories {
            let code = CategoryCode::parse(code).map_err(|e| invalid(format!("category `{code}`: {e}")))?;
            add(list, Meaning::Category(code));
        }
        for (code, list) in &raw.languages {
            let code = LanguageCode::parse(code).map_err(|e| invalid(format!("language `{code}`: {e}")))?;
            add(list, Meaning::Language(code));
        }
        for a in &raw.audience {
            let category = match &a.category {
                Some(c) => Some(CategoryCode::parse(c).map_err(|e| invalid(format!("audience category `{c}`: {e}")))?),
                None => None,
            };
            add(&a.phrases, Meaning::Audience { age: a.age, category });
        }
        for sit in &raw.situation {
            let category = match &sit.category {
                Some(c) => Some(CategoryCode::parse(c).map_err(|e| invalid(format!("situation category `{c}`: {e}")))?),
                None => None,
            };
            let search = sit.search.iter().flat_map(|w| phrase_words(w)).collect();
            add(&sit.phrases, Meaning::Situation { category, search });
        }
        for (code, list) in &raw.switch_to {
            let to = Lang::from_tag(code)
                .ok_or_else(|| invalid(format!("switch_to: `{code}` is not a language Vicinato speaks")))?;
            add(list, Meaning::SwitchTo(to));
        }
        let regexes = |list: &[String], number: &str| -> Result<Vec<Regex>, LexiconError> {
            list.iter()
                .map(|p| {
                    if !p.contains("{n}") {
                        return Err(invalid(format!("pattern `{p}` has no {{n}}")));
                    }
                    pattern_regex(p, number).map_err(|e| invalid(format!("pattern `{p}`: {e}")))
                })
                .collect()
        };
        let folded = |list: &[String]| list.iter().map(|w| fold(w)).filter(|w| !w.is_empty()).collect::<Vec<_>>();
        let w = &raw.initiatives;
        for theme in w.themes.keys() {
            if !vicinato_domain::initiative::THEMES.contains(&theme.as_str()) {
                return Err(invalid(format!("unknown initiative theme `{theme}`")));
            }
        }
        let mut statuses = Vec::new();
        for (name, words) in &w.statuses {
            let status = vicinato_domain::initiative::Status::parse(name)
                .ok_or_else(|| invalid(format!("unknown initiative status `{name}`")))?;
            statuses.push((status, folded(words)));
        }
        let initiative_words = InitiativeWords {
            week: folded(&w.week),
            noise: folded(&w.noise),
            themes: w.themes.iter().map(|(k, v)| (k.clone(), folded(v))).collect(),
            statuses,
        };
        let mut safety = Vec::new();
        for (list, concern) in [(&raw.safety.violence, Concern::Violence), (&raw.safety.self_harm, Concern::SelfHarm)] {
            for p in list {
                if p.contains("{who}") {
                    for who in &raw.safety.who {
                        safety.push((phrase_words(&p.replace("{who}", who)), concern));
                    }
                } else {
                    safety.push((phrase_words(p), concern));
                }
            }
        }
        if let Some((p, _)) = safety.iter().find(|(p, _)| p.iter().any(|w| w.contains("who"))) {
            return Err(invalid(format!("safety phrase `{}` has a misspelt {{who}}", p.join(" "))));
        }
        safety.retain(|(p, _)| !p.is_empty());
        safety.sort_by_key(|(p, _)| std::cmp::Reverse(p.len()));
        let not_safety = raw.safety.not.iter().map(|p| phrase_words(p)).filter(|p| !p.is_empty()).collect();
        let folded = |list: &[String]| -> HashSet<String> { list.iter().map(|w| fold(w)).collect() };
        Ok(Self {
            safety,
            not_safety,
            lang,
            yes: folded(&raw.answers.yes),
            no: folded(&raw.answers.no),
            yes_signs: raw.answers.yes.iter().filter(|w| fold(w).is_empty()).map(|w| w.trim().to_owned()).collect(),
            no_signs: raw.answers.no.iter().filter(|w| fold(w).is_empty()).map(|w| w.trim().to_owned()).collect(),
            initiative_words,
            phrases,
            respell: raw
                .respell
                .iter()
                .map(|(from, to)| (fold(from), fold(to)))
                .filter(|(from, to)| !from.is_empty() && !from.contains(' ') && !to.is_empty())
                .collect(),
            stopwords: raw
                .stopwords
                .iter()
                .flat_map(|s| fold(s).split(' ').map(str::to_owned).collect::<Vec<_>>())
                .collect(),
            age: regexes(&raw.age.patterns, r"(\d{1,3})")?,
            time: regexes(&raw.time.patterns, r"(\d{1,2})(?::(\d{2}))?(?:\s?(am|pm))?")?,
        })
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }
}

/// The lexicons shipped in `locales/`, compiled into the binary.
pub fn embedded_lexicons() -> Result<Vec<Lexicon>, LexiconError> {
    Ok(vec![
        Lexicon::parse(Lang::It, "locales/it/lexicon.toml", include_str!("../../../locales/it/lexicon.toml"))?,
        Lexicon::parse(Lang::En, "locales/en/lexicon.toml", include_str!("../../../locales/en/lexicon.toml"))?,
    ])
}

/// Understands messages against the lexicons and the territory names.
#[derive(Debug)]
pub struct Understander {
    /// Phrases by first word, longest first.
    index: HashMap<String, Vec<Phrase>>,
    /// Single words that may match with a typo.
    fuzzy: Vec<Phrase>,
    stopwords: HashMap<String, Vec<Lang>>,
    /// Words as people type them, and the word they stand for (every language's).
    respell: HashMap<String, String>,
    lexicons: Vec<Lexicon>,
    clock_time: Regex,
    pm_time: Regex,
}

impl Understander {
    /// Words for browsing initiatives in a language.
    pub fn initiative_words(&self, lang: Lang) -> Option<&InitiativeWords> {
        self.lexicons.iter().find(|l| l.lang == lang).map(|l| &l.initiative_words)
    }

    /// Whether a folded word is a stopword in a language.
    pub fn is_stopword(&self, lang: Lang, word: &str) -> bool {
        self.stopwords.get(word).is_some_and(|langs| langs.contains(&lang))
    }

    /// A short answer to a yes-or-no question, in any language Vicinato speaks: `Some(true)`
    /// for "sì", "si", "ok", "va bene", "yes"…, `Some(false)` for "no", "meglio di no"…, `None`
    /// for anything else. Punctuation and case do not count.
    pub fn answer(&self, text: &str) -> Option<bool> {
        let said = fold(text.trim().trim_matches(|c: char| !c.is_alphanumeric()));
        if said.is_empty() {
            // 👍, 👎: signs rather than words, compared as typed (skin tones aside).
            let sign: String = text.trim().chars().filter(|c| !('\u{1F3FB}'..='\u{1F3FF}').contains(c)).collect();
            return if self.lexicons.iter().any(|l| l.yes_signs.contains(&sign)) {
                Some(true)
            } else if self.lexicons.iter().any(|l| l.no_signs.contains(&sign)) {
                Some(false)
            } else {
                None
            };
        }
        if self.lexicons.iter().any(|l| l.yes.contains(&said)) {
            Some(true)
        } else if self.lexicons.iter().any(|l| l.no.contains(&said)) {
            Some(false)
        } else {
            None
        }
    }

    /// Whether a message is a call for help, and about what, in any language Vicinato
    /// speaks: violence, abuse, threats or danger from someone, or self-harm. Empty for
    /// anything else. Phrases of the lexicons' `not` lists ("film sulla violenza", "corso di
    /// autodifesa") are taken out first. Pure and cheap: the engine asks it of every message
    /// before anything else.
    pub fn concerns(&self, text: &str) -> Vec<Concern> {
        self.call_for_help(text).0
    }

    /// [`Self::concerns`], with the language of the first phrase found: a call for help is
    /// answered in the language it was written in.
    pub fn call_for_help(&self, text: &str) -> (Vec<Concern>, Option<Lang>) {
        let folded = fold(text);
        let mut words: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
        for lex in &self.lexicons {
            for not in &lex.not_safety {
                while let Some(at) = find_words(&words, not) {
                    words.splice(at..at + not.len(), std::iter::once("|"));
                }
            }
        }
        let mut found = Vec::new();
        let mut lang = None;
        for lex in &self.lexicons {
            for (phrase, concern) in &lex.safety {
                if find_words(&words, phrase).is_some() {
                    found.push(*concern);
                    // The longest phrase found tells the language (phrases are longest first).
                    if lang.is_none_or(|(_, n)| phrase.len() > n) {
                        lang = Some((lex.lang, phrase.len()));
                    }
                }
            }
        }
        found.sort();
        found.dedup();
        (found, lang.map(|(l, _)| l))
    }

    pub fn new(lexicons: Vec<Lexicon>, territories: &TerritoryTree) -> Self {
        let mut all: Vec<Phrase> = lexicons.iter().flat_map(|l| l.phrases.iter().cloned()).collect();
        for t in territories.all() {
            for name in std::iter::once(&t.name).chain(&t.aliases) {
                let words: Vec<String> = fold(name).split(' ').filter(|w| !w.is_empty()).map(str::to_owned).collect();
                if !words.is_empty() {
                    all.push(Phrase { words, meaning: Meaning::Territory(t.id.clone()), lang: None });
                }
            }
        }
        let fuzzy = all
            .iter()
            .filter(|p| {
                p.words.len() == 1
                    && typo_budget(&p.words[0]) > 0
                    && matches!(p.meaning, Meaning::Category(_) | Meaning::Territory(_) | Meaning::Day(_))
            })
            .cloned()
            .collect();
        let mut index: HashMap<String, Vec<Phrase>> = HashMap::new();
        for p in all {
            index.entry(p.words[0].clone()).or_default().push(p);
        }
        for list in index.values_mut() {
            // Longest first; on a tie a territory wins over a word, then the first listed.
            list.sort_by_key(|p| (std::cmp::Reverse(p.words.len()), !matches!(p.meaning, Meaning::Territory(_))));
        }
        let mut stopwords: HashMap<String, Vec<Lang>> = HashMap::new();
        for l in &lexicons {
            for w in &l.stopwords {
                stopwords.entry(w.clone()).or_default().push(l.lang);
            }
        }
        let respell = lexicons.iter().flat_map(|l| l.respell.iter().cloned()).collect();
        Self {
            index,
            fuzzy,
            stopwords,
            respell,
            lexicons,
            clock_time: Regex::new(r"(?:^|\s)(\d{1,2}):(\d{2})(?:\s|$)").expect("static regex"),
            pm_time: Regex::new(r"(?:^|\s)(\d{1,2})\s?(am|pm)(?:\s|$)").expect("static regex"),
        }
    }

    /// Understands one message. `hint` is the language to assume when the words do not tell.
    pub fn understand(&self, text: &str, hint: Lang) -> Understanding {
        let mut folded = fold(text);
        if folded.split(' ').any(|w| self.respell.contains_key(w)) {
            folded =
                folded.split(' ').map(|w| self.respell.get(w).map_or(w, String::as_str)).collect::<Vec<_>>().join(" ");
        }
        let mut score: HashMap<Lang, f32> = HashMap::new();
        let mut slots = Slots::default();
        let mut when = When::default();

        // Numbers first: ages and clock times, removed from the text once read.
        for lex in &self.lexicons {
            for re in &lex.age {
                if let Some(c) = re.captures(&folded) {
                    if let Some(age) = c.get(1).and_then(|m| m.as_str().parse::<u8>().ok()).filter(|a| *a <= 120) {
                        slots.age = Some(age);
                        *score.entry(lex.lang).or_default() += 1.0;
                    }
                    let span = c.get(0).map(|m| m.range()).unwrap_or_default();
                    folded.replace_range(span.clone(), &" ".repeat(span.len()));
                }
            }
            for re in &lex.time {
                if let Some(c) = re.captures(&folded) {
                    if let Some(t) =
                        clock(c.get(1).map(|m| m.as_str()), c.get(2).map(|m| m.as_str()), c.get(3).map(|m| m.as_str()))
                    {
                        when.time = Some(t);
                        *score.entry(lex.lang).or_default() += 1.0;
                    }
                    let span = c.get(0).map(|m| m.range()).unwrap_or_default();
                    folded.replace_range(span.clone(), &" ".repeat(span.len()));
                }
            }
        }
        for re in [&self.clock_time, &self.pm_time] {
            if when.time.is_none()
                && let Some(c) = re.captures(&folded)
            {
                let (h, m, ampm) = if re.as_str() == self.pm_time.as_str() {
                    (c.get(1), None, c.get(2))
                } else {
                    (c.get(1), c.get(2), None)
                };
                when.time = clock(h.map(|m| m.as_str()), m.map(|m| m.as_str()), ampm.map(|m| m.as_str()));
                let span = c.get(0).map(|m| m.range()).unwrap_or_default();
                folded.replace_range(span.clone(), &" ".repeat(span.len()));
            }
        }

        let words: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
        // "buongiorno, sono Rosa", "mi chiamo Rosa", "my name is Amir": a name, not a need.
        let names = self.introduced_names(&words);
        // Each meaning with the number of words of the phrase that said it.
        let mut meanings: Vec<(Meaning, usize)> = Vec::new();
        let mut leftover: Vec<&str> = Vec::new();
        let mut i = 0;
        while i < words.len() {
            let fits =
                |p: &&Phrase| p.words.len() <= words.len() - i && p.words.iter().zip(&words[i..]).all(|(a, b)| a == b);
            let cands = self.index.get(words[i]).map(Vec::as_slice).unwrap_or_default();
            match cands.iter().find(fits) {
                Some(p) => {
                    if let Some(l) = p.lang {
                        *score.entry(l).or_default() += p.words.len() as f32;
                    }
                    // A phrase listed with several meanings ("stasera": today, evening) has all.
                    for same in cands.iter().filter(|q| q.words == p.words && q.lang == p.lang) {
                        if !meanings.iter().any(|(m, _)| *m == same.meaning) {
                            meanings.push((same.meaning.clone(), p.words.len()));
                        }
                    }
                    i += p.words.len();
                }
                None => {
                    if !names.contains(&i) {
                        leftover.push(words[i]);
                    }
                    i += 1;
                }
            }
        }

        // Stop words tell the language, then drop out; long unknown words may be typos of a
        // category, a day or a place.
        let mut text_words: Vec<&str> = Vec::new();
        for w in leftover {
            if let Some(langs) = self.stopwords.get(w) {
                for l in langs {
                    *score.entry(*l).or_default() += 0.5 / langs.len() as f32;
                }
                continue;
            }
            if w.chars().all(|c| c.is_ascii_digit()) {
                continue;
            }
            let budget = typo_budget(w);
            let fuzzy =
                (budget > 0).then(|| self.fuzzy.iter().find(|p| within_edits(w, &p.words[0], budget))).flatten();
            match fuzzy {
                Some(p) => meanings.push((p.meaning.clone(), 1)),
                None if w.chars().count() >= 2 => text_words.push(w),
                None => {}
            }
        }

        let mut intents: Vec<Intent> = Vec::new();
        let mut searched = false;
        let mut audience_category = None;
        let mut situation_category = None;
        let mut situation_words: Vec<String> = Vec::new();
        // The category said in the most words wins (a situation over a single word); on a tie
        // the first named; a more specific one of the same family always replaces its parent.
        let mut category_words = 0;
        let mut weak_help = true;
        for (m, len) in meanings {
            match m {
                Meaning::Intent(i) => {
                    if i == Intent::Help && len > 1 {
                        weak_help = false;
                    }
                    intents.push(i)
                }
                Meaning::Search => searched = true,
                Meaning::NearMe => slots.near_me = true,
                Meaning::Now => when.now = true,
                Meaning::Day(d) => {
                    if when.day.is_none() {
                        when.day = Some(d);
                    }
                }
                Meaning::Part(p) => when.part = Some(p),
                Meaning::Category(c) => {
                    let replaces = match &slots.category {
                        None => true,
                        Some(prev) => c.as_str().starts_with(prev.as_str()) || len > category_words,
                    };
                    let parent_of_chosen =
                        slots.category.as_ref().is_some_and(|prev| prev.as_str().starts_with(c.as_str()));
                    if replaces && !parent_of_chosen {
                        category_words = category_words.max(len);
                        slots.category = Some(c);
                    }
                }
                Meaning::Language(l) => slots.language = Some(l),
                Meaning::Audience { age, category } => {
                    if let Some(age) = age {
                        slots.age.get_or_insert(age);
                    }
                    if audience_category.is_none() {
                        audience_category = category;
                    }
                }
                Meaning::Situation { category, search } => {
                    if situation_category.is_none() {
                        situation_category = category;
                    }
                    for w in search {
                        if !situation_words.contains(&w) {
                            situation_words.push(w);
                        }
                    }
                }
                Meaning::SwitchTo(l) => {
                    slots.switch_to = Some(l);
                    intents.push(Intent::ChangeLanguage);
                }
                Meaning::Territory(t) => {
                    if slots.territory.is_none() {
                        slots.territory = Some(t);
                    }
                }
            }
        }
        // A situation names a category when nothing else does, or when it is a more specific
        // one of the family named ("appena arrivata… documenti": migrants' reception).
        let narrower = matches!((&slots.category, &situation_category),
            (Some(chosen), Some(situation)) if situation.as_str().starts_with(chosen.as_str()));
        if slots.category.is_none() || narrower {
            slots.category = situation_category.or(audience_category).or(slots.category.take());
        }
        if !when.is_empty() {
            slots.when = Some(when);
        }
        let plain_words = !text_words.is_empty();
        for w in &situation_words {
            if !text_words.contains(&w.as_str()) {
                text_words.push(w);
            }
        }
        if !text_words.is_empty() {
            slots.text = Some(text_words.join(" "));
        }

        let lang = {
            let it = score.get(&Lang::It).copied().unwrap_or(0.0);
            let en = score.get(&Lang::En).copied().unwrap_or(0.0);
            if it > en {
                Lang::It
            } else if en > it {
                Lang::En
            } else {
                hint
            }
        };
        let clearly = {
            let (it, en) = (score.get(&Lang::It).copied().unwrap_or(0.0), score.get(&Lang::En).copied().unwrap_or(0.0));
            let (win, lose) = if it > en { (it, en) } else { (en, it) };
            words.len() >= 3 && win >= 2.0 && lose * 3.0 <= win
        };
        let has_search_slots = slots.category.is_some()
            || slots.territory.is_some()
            || slots.near_me
            || slots.when.is_some()
            || slots.language.is_some()
            || slots.age.is_some();
        let short = words.len() <= 4;
        // "buongiorno, ho 82 anni": a greeting that says who is writing, not a search yet.
        let introduces_only = intents.contains(&Intent::Greeting)
            && slots.text.is_none()
            && slots.category.is_none()
            && slots.territory.is_none()
            && !slots.near_me
            && slots.when.is_none()
            && slots.language.is_none()
            && !searched;
        let intent = if introduces_only && intents.iter().all(|i| matches!(i, Intent::Greeting | Intent::Thanks)) {
            Intent::Greeting
        } else if intents.contains(&Intent::NotificationsOff) {
            Intent::NotificationsOff
        } else if intents.contains(&Intent::NotificationsOn) {
            Intent::NotificationsOn
        } else if intents.contains(&Intent::JoinRooms) {
            Intent::JoinRooms
        } else if intents.contains(&Intent::Cancel) && short {
            Intent::Cancel
        } else if intents.contains(&Intent::Free) {
            Intent::Free
        } else if intents.contains(&Intent::Propose) {
            Intent::Propose
        } else if intents.contains(&Intent::Initiatives) {
            Intent::Initiatives
        } else if intents.contains(&Intent::Book) {
            Intent::Book
        } else if intents.contains(&Intent::TalkToPerson) && slots.category.is_none() {
            Intent::TalkToPerson
        } else if intents.contains(&Intent::ChangeLanguage) && !has_search_slots {
            Intent::ChangeLanguage
        } else if intents.contains(&Intent::WhoAmI) && !has_search_slots {
            Intent::WhoAmI
        } else if intents.contains(&Intent::More) && !has_search_slots && short {
            Intent::More
        } else if has_search_slots || (searched && slots.text.is_some()) {
            Intent::FindService
        } else if (intents.contains(&Intent::Help) && !(weak_help && plain_words)) || (searched && slots.text.is_none())
        {
            // A bare "aiuto" or "help" beside other words is part of a need, not the help page.
            Intent::Help
        } else if intents.contains(&Intent::Greeting) {
            Intent::Greeting
        } else if intents.contains(&Intent::Thanks) {
            Intent::Thanks
        } else if slots.text.is_some() {
            // Plain words with no other clue: treat them as what the person looks for.
            Intent::FindService
        } else {
            Intent::Unknown
        };
        if intent != Intent::ChangeLanguage {
            slots.switch_to = None;
        }
        // What a booking, a proposal or a person to talk to is about is read by its own flow;
        // a category guessed from its words would mislead.
        if matches!(intent, Intent::Book | Intent::Free | Intent::Propose | Intent::Initiatives | Intent::TalkToPerson)
        {
            slots.category = None;
        }
        let request = searched || text.trim_end().ends_with('?');
        Understanding { intent, slots, lang, request, clearly }
    }
}

impl Understander {
    /// The positions of the words that are a name the person gives: after "mi chiamo", "my
    /// name is" or "call me" always (one or two words); after "sono", "io sono", "i am" or
    /// "i'm" only in a message that greets and only for a word that means nothing else
    /// ("buongiorno, sono Rosa", but never "sono sola" or "i am new").
    fn introduced_names(&self, words: &[&str]) -> HashSet<usize> {
        let mut out = HashSet::new();
        let greets = words.iter().any(|w| {
            self.index
                .get(*w)
                .is_some_and(|c| c.iter().any(|p| p.words.len() == 1 && p.meaning == Meaning::Intent(Intent::Greeting)))
        });
        let unknown = |w: &str| {
            w.chars().count() >= 2
                && w.chars().all(char::is_alphabetic)
                && !self.index.contains_key(w)
                && !self.stopwords.contains_key(w)
                && {
                    let budget = typo_budget(w);
                    budget == 0 || !self.fuzzy.iter().any(|p| within_edits(w, &p.words[0], budget))
                }
        };
        for i in 0..words.len() {
            let before = |n: usize, said: &[&str]| i >= n && words[i - n..i] == *said;
            // How many words before this one the introduction takes ("my name is": two).
            let strong = if words[i] == "chiamo" && before(1, &["mi"]) {
                Some(0)
            } else if words[i] == "is" && before(2, &["my", "name"]) {
                Some(2)
            } else if words[i] == "me" && before(1, &["call"]) {
                Some(1)
            } else {
                None
            };
            let weak = greets
                && (words[i] == "sono"
                    || words[i] == "im"
                    || (words[i] == "am" || words[i] == "m") && before(1, &["i"]));
            if strong.is_none() && !weak {
                continue;
            }
            for (k, next) in words.iter().enumerate().skip(i + 1).take(2) {
                if !unknown(next) {
                    break;
                }
                out.insert(k);
                if strong.is_none() {
                    break;
                }
            }
            if let Some(n) = strong
                && out.contains(&(i + 1))
            {
                // "mi chiamo", "my name is" themselves say nothing to search.
                out.extend(i - n..=i);
            }
        }
        out
    }
}

/// Builds `HH:MM` from hour, minutes and am/pm; `None` when it is no clock time.
fn clock(hour: Option<&str>, minute: Option<&str>, ampm: Option<&str>) -> Option<String> {
    let mut h: u16 = hour?.parse().ok()?;
    let m: u16 = minute.map(str::parse).transpose().ok()?.unwrap_or(0);
    match ampm {
        Some("pm") if h < 12 => h += 12,
        Some("am") if h == 12 => h = 0,
        _ => {}
    }
    // "alle 3" in Italian means the afternoon for opening hours.
    if ampm.is_none() && (1..=7).contains(&h) && minute.is_none() {
        h += 12;
    }
    (h < 24 && m < 60).then(|| format!("{h:02}:{m:02}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use vicinato_domain::territory::fixtures::small_tree;
    use vicinato_domain::{Territory, TerritoryKind};

    fn understander() -> Understander {
        let mut ts: Vec<Territory> = small_tree().all().to_vec();
        let mut ostia = ts[4].clone();
        ostia.id = TerritoryId::new("ostia");
        ostia.name = "Ostia".into();
        ostia.aliases = vec!["lido di ostia".into()];
        ostia.parent = Some(TerritoryId::new("roma"));
        ostia.kind = TerritoryKind::Quartiere;
        ts.push(ostia);
        Understander::new(embedded_lexicons().unwrap(), &TerritoryTree::new(ts).unwrap())
    }

    #[test]
    fn an_italian_request_for_a_senior_centre_on_sunday_in_ostia_is_understood() {
        let u = understander().understand("cerco un centro anziani aperto domenica a Ostia", Lang::En);
        assert_eq!(u.intent, Intent::FindService);
        assert_eq!(u.lang, Lang::It);
        assert_eq!(u.slots.category.unwrap().as_str(), "elderly-day-centre");
        assert_eq!(u.slots.territory.unwrap().as_str(), "ostia");
        assert_eq!(u.slots.when.unwrap().day, Some(DayRef::Sunday));
        assert_eq!(u.slots.text, None);
    }

    #[test]
    fn a_greeting_that_gives_a_name_and_an_age_is_a_greeting_not_a_search_for_the_name() {
        let u = understander();
        for text in [
            "buongiorno sono rosa ho 82 anni",
            "Buongiorno, sono Rosa",
            "ciao mi chiamo Maria Grazia",
            "hello my name is Amir",
            "hi i'm Amir",
            "salve, io sono Gianni e ho 79 anni",
        ] {
            let got = u.understand(text, Lang::It);
            assert_eq!(got.intent, Intent::Greeting, "{text}: {got:?}");
            assert_eq!(got.slots.text, None, "{text}: {got:?}");
        }
        // A name beside a need: the need is searched, the name is not.
        let got = u.understand("buongiorno mi chiamo rosa cerco un centro anziani a ostia", Lang::It);
        assert_eq!(got.intent, Intent::FindService);
        assert_eq!(got.slots.category.unwrap().as_str(), "elderly-day-centre");
        assert_eq!(got.slots.text, None);
        // "sono" before a word that means something is not a name.
        let got = u.understand("buongiorno sono sola e ho 82 anni", Lang::It);
        assert_ne!(got.intent, Intent::Greeting, "{got:?}");
        let got = u.understand("hello i am new in italy i need documents", Lang::En);
        assert_eq!(got.intent, Intent::FindService, "{got:?}");
    }

    #[test]
    fn an_italian_course_near_a_quartiere_is_understood() {
        let u = understander().understand("dove posso fare un corso di italiano vicino a Centocelle?", Lang::It);
        assert_eq!(u.intent, Intent::FindService);
        assert_eq!(u.slots.category.unwrap().as_str(), "migrants-italian-course");
        assert_eq!(u.slots.territory.unwrap().as_str(), "centocelle");
        assert!(!u.slots.near_me);
    }

    #[test]
    fn english_rent_help_in_a_municipio_is_understood() {
        let u = understander().understand("help with rent in Municipio V", Lang::It);
        assert_eq!(u.intent, Intent::FindService);
        assert_eq!(u.lang, Lang::En);
        assert_eq!(u.slots.category.unwrap().as_str(), "housing-rent-support");
        assert_eq!(u.slots.territory.unwrap().as_str(), "roma-m05");
    }

    #[test]
    fn a_food_bank_open_now_is_understood() {
        let u = understander().understand("is there a food bank open now?", Lang::It);
        assert_eq!(u.intent, Intent::FindService);
        assert_eq!(u.lang, Lang::En);
        assert_eq!(u.slots.category.unwrap().as_str(), "food-bank");
        assert!(u.slots.when.unwrap().now);
    }

    #[test]
    fn near_me_age_language_and_time_are_read() {
        let u =
            understander().understand("ho 72 anni, cerco un medico che parla arabo vicino a me alle 15:30", Lang::It);
        assert_eq!(u.slots.age, Some(72));
        assert!(u.slots.near_me);
        assert_eq!(u.slots.language.unwrap().as_str(), "ar");
        assert_eq!(u.slots.when.unwrap().time.as_deref(), Some("15:30"));
        assert_eq!(u.slots.category.unwrap().as_str(), "health");
    }

    #[test]
    fn small_typos_in_long_words_are_forgiven() {
        let u = understander().understand("centro anzini a centocele", Lang::It);
        assert_eq!(u.slots.category.unwrap().as_str(), "elderly");
        assert_eq!(u.slots.territory.unwrap().as_str(), "centocelle");
    }

    #[test]
    fn conversation_words_get_their_own_intents() {
        let u = understander();
        assert_eq!(u.understand("ciao", Lang::En).intent, Intent::Greeting);
        assert_eq!(u.understand("grazie mille", Lang::En).intent, Intent::Thanks);
        assert_eq!(u.understand("annulla", Lang::En).intent, Intent::Cancel);
        assert_eq!(u.understand("what can you do?", Lang::It).intent, Intent::Help);
        assert_eq!(u.understand("altri", Lang::It).intent, Intent::More);
        let switch = u.understand("parla inglese", Lang::It);
        assert_eq!(switch.intent, Intent::ChangeLanguage);
        assert_eq!(switch.slots.switch_to, Some(Lang::En));
        assert_eq!(u.understand("?!", Lang::It).intent, Intent::Unknown);
    }

    #[test]
    fn saturday_afternoon_and_pm_times_are_read() {
        let u = understander();
        let w = u.understand("sabato pomeriggio", Lang::It).slots.when.unwrap();
        assert_eq!((w.day, w.part), (Some(DayRef::Saturday), Some(DayPart::Afternoon)));
        let w = u.understand("legal advice tomorrow at 3pm", Lang::It).slots.when.unwrap();
        assert_eq!((w.day, w.time.as_deref()), (Some(DayRef::Tomorrow), Some("15:00")));
    }

    #[test]
    fn unknown_words_become_search_text() {
        let u = understander().understand("fisioterapia", Lang::It);
        assert_eq!(u.intent, Intent::FindService);
        assert_eq!(u.slots.text.as_deref(), Some("fisioterapia"));
    }

    /// Calls for help as people write them: many without "violenza" or "abuso".
    const CALLS_FOR_HELP: [(&str, Concern); 73] = [
        ("mio marito mi picchia", Concern::Violence),
        ("ho paura di mio marito", Concern::Violence),
        ("Im afraid of my husband he hits me", Concern::Violence),
        ("mi vuole ammazzare", Concern::Violence),
        ("voglio farla finita", Concern::SelfHarm),
        ("nobody must know he hurts me", Concern::Violence),
        ("il mio compagno mi picchia quando beve", Concern::Violence),
        ("mio marito ieri mi ha picchiata", Concern::Violence),
        ("ho paura del mio ex", Concern::Violence),
        ("il mio ex mi perseguita", Concern::Violence),
        ("mi segue ovunque e mi manda messaggi", Concern::Violence),
        ("ho paura a tornare a casa stasera", Concern::Violence),
        ("mio padre mi mena", Concern::Violence),
        ("lui mi fa paura", Concern::Violence),
        ("mi ha minacciata con un coltello", Concern::Violence),
        ("mi minaccia ogni giorno", Concern::Violence),
        ("mi ha detto che mi ammazza se parlo", Concern::Violence),
        ("non mi lascia uscire di casa", Concern::Violence),
        ("mi controlla il telefono e non mi fa vedere nessuno", Concern::Violence),
        ("ho i lividi sulle braccia", Concern::Violence),
        ("mi ha dato uno schiaffo davanti ai bambini", Concern::Violence),
        ("prendo le botte da anni", Concern::Violence),
        ("mi ha messo le mani addosso", Concern::Violence),
        ("non mi sento al sicuro a casa", Concern::Violence),
        ("sono in pericolo", Concern::Violence),
        ("devo scappare di casa con i miei figli", Concern::Violence),
        ("cerco un centro antiviolenza", Concern::Violence),
        ("violenza domestica", Concern::Violence),
        ("il mio fidanzato mi maltratta", Concern::Violence),
        ("mi ha violentata", Concern::Violence),
        ("un uomo mi molesta sul pianerottolo", Concern::Violence),
        ("mia figlia è stata aggredita", Concern::Violence),
        ("mio figlio mi picchia per i soldi della pensione", Concern::Violence),
        ("ho paura che mi faccia del male", Concern::Violence),
        ("ho paura di lui", Concern::Violence),
        ("MIO MARITO MI PICCHIA AIUTO", Concern::Violence),
        ("mio marito mi picchia, cosa posso fare?", Concern::Violence),
        ("vuole uccidermi", Concern::Violence),
        ("mi prende a schiaffi", Concern::Violence),
        ("siamo in pericolo io e i bambini", Concern::Violence),
        ("my husband hits me", Concern::Violence),
        ("my boyfriend beats me", Concern::Violence),
        ("I'm scared of my ex", Concern::Violence),
        ("he threatens me every day", Concern::Violence),
        ("he said he will kill me", Concern::Violence),
        ("my partner wants to kill me", Concern::Violence),
        ("I'm not safe at home", Concern::Violence),
        ("i am in danger", Concern::Violence),
        ("he won't let me leave the house", Concern::Violence),
        ("my ex is stalking me", Concern::Violence),
        ("someone follows me everywhere", Concern::Violence),
        ("he slapped me yesterday", Concern::Violence),
        ("my dad punched me", Concern::Violence),
        ("i was raped", Concern::Violence),
        ("my husband is abusive", Concern::Violence),
        ("he controls my phone", Concern::Violence),
        ("afraid to go home", Concern::Violence),
        ("she hurts me", Concern::Violence),
        ("voglio morire", Concern::SelfHarm),
        ("non voglio più vivere", Concern::SelfHarm),
        ("mi voglio ammazzare", Concern::SelfHarm),
        ("penso al suicidio", Concern::SelfHarm),
        ("a volte vorrei farmi del male", Concern::SelfHarm),
        ("meglio se non ci fossi", Concern::SelfHarm),
        ("non ce la faccio più a vivere così", Concern::SelfHarm),
        ("la faccio finita", Concern::SelfHarm),
        ("I want to kill myself", Concern::SelfHarm),
        ("i want to die", Concern::SelfHarm),
        ("I don't want to live anymore", Concern::SelfHarm),
        ("i dont want to live anymore", Concern::SelfHarm),
        ("thinking about suicide", Concern::SelfHarm),
        ("everyone is better off without me", Concern::SelfHarm),
        ("i want to end it all", Concern::SelfHarm),
    ];

    #[test]
    fn calls_for_help_are_recognised_in_plain_words_in_italian_and_english() {
        let u = understander();
        let mut missed = Vec::new();
        for (text, concern) in CALLS_FOR_HELP {
            if !u.concerns(text).contains(&concern) {
                missed.push(text);
            }
        }
        assert!(missed.is_empty(), "not recognised as calls for help: {missed:?}");
        let without_the_words =
            CALLS_FOR_HELP.iter().filter(|(t, _)| !fold(t).contains("violen") && !fold(t).contains("abus")).count();
        assert!(without_the_words >= 60, "only {without_the_words} without violenza/abuso");
    }

    #[test]
    fn ordinary_requests_are_not_taken_for_calls_for_help() {
        let u = understander();
        for text in [
            "corso di autodifesa",
            "corso di autodifesa per donne",
            "c'è un film sulla violenza al cinema del quartiere?",
            "mio figlio ha paura del buio",
            "ho paura di perdere la casa",
            "ho paura del dentista",
            "mi tocca pagare l'affitto",
            "il lavoro mi uccide",
            "mi taglio i capelli da sola",
            "centro anziani a Ostia",
            "mio marito cerca lavoro",
            "my knee hurts",
            "I'm afraid I can't come tomorrow",
            "self defence class",
            "a movie about violence",
            "my husband needs a doctor",
            "ciao",
            "sì",
            "prenota la sala grande sabato",
        ] {
            assert_eq!(u.concerns(text), Vec::<Concern>::new(), "{text}");
        }
    }

    #[test]
    fn short_answers_as_people_type_them_are_yes_or_no() {
        let u = understander();
        for yes in [
            "sì",
            "si",
            "Si!",
            "ok",
            "va bene",
            "confermo",
            "certo",
            "d'accordo",
            "yes",
            "sure",
            "👍",
            "👍🏽",
            "sì sì",
            "ok grazie",
            "va bene così",
        ] {
            assert_eq!(u.answer(yes), Some(true), "{yes}");
        }
        for no in ["no", "annulla", "lascia stare", "no grazie", "nope", "👎", "lascia perdere"] {
            assert_eq!(u.answer(no), Some(false), "{no}");
        }
        for neither in ["sala grande", "martedì", "8", "forse"] {
            assert_eq!(u.answer(neither), None, "{neither}");
        }
    }

    #[test]
    fn the_json_shape_is_stable() {
        let u = understander().understand("food bank in Ostia", Lang::En);
        let json = serde_json::to_value(&u).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"intent": "find_service", "slots": {"category": "food-bank", "territory": "ostia"}, "lang": "en"})
        );
    }
}
