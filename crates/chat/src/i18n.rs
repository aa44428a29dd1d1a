//! Translations: Fluent messages from `locales/<lang>/main.ftl`, compiled into the binary.
//!
//! Every user-visible sentence lives in those files, with the same message ids in every
//! language (a test checks it). A missing message is a bug: it renders as its id, is logged,
//! and never panics a conversation.

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use std::collections::{BTreeSet, HashMap};
use vicinato_domain::Lang;

/// A message to say: a Fluent id with its arguments.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Msg {
    pub id: String,
    pub args: Vec<(String, Arg)>,
}

/// A message argument.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Arg {
    Text(String),
    Number(i64),
    /// Another message, rendered in the same language first.
    Msg(Box<Msg>),
}

impl Msg {
    pub fn new(id: impl Into<String>) -> Self {
        Self { id: id.into(), args: Vec::new() }
    }

    /// The message that tells a person why a use case said no.
    pub fn refusal(refusal: &impl vicinato_core::Refusal) -> Self {
        let mut msg = Self::new(refusal.message_id());
        for (name, arg) in refusal.args() {
            msg = match arg {
                vicinato_core::Arg::Text(t) => msg.text(name, t),
                vicinato_core::Arg::Number(n) => msg.num(name, n),
            };
        }
        msg
    }

    pub fn text(mut self, name: &str, value: impl Into<String>) -> Self {
        self.args.push((name.to_owned(), Arg::Text(value.into())));
        self
    }

    pub fn num(mut self, name: &str, value: i64) -> Self {
        self.args.push((name.to_owned(), Arg::Number(value)));
        self
    }

    pub fn msg(mut self, name: &str, value: Msg) -> Self {
        self.args.push((name.to_owned(), Arg::Msg(Box::new(value))));
        self
    }
}

/// Why the translations could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum I18nError {
    #[error("{file}: {reason}")]
    Invalid { file: String, reason: String },
}

pub struct I18n {
    bundles: HashMap<Lang, FluentBundle<FluentResource>>,
    ids: HashMap<Lang, BTreeSet<String>>,
}

/// What Fluent writes for an argument it was not given.
fn missing_arg() -> &'static regex::Regex {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| regex::Regex::new(r"\{\$[^}]*\}").expect("static regex"))
}

/// The Fluent files shipped with Vicinato.
pub const EMBEDDED: [(Lang, &str, &str); 2] = [
    (Lang::It, "locales/it/main.ftl", include_str!("../../../locales/it/main.ftl")),
    (Lang::En, "locales/en/main.ftl", include_str!("../../../locales/en/main.ftl")),
];

impl I18n {
    /// Loads the embedded translations.
    pub fn embedded() -> Result<Self, I18nError> {
        Self::from_sources(&EMBEDDED)
    }

    pub fn from_sources(sources: &[(Lang, &str, &str)]) -> Result<Self, I18nError> {
        let mut bundles = HashMap::new();
        let mut ids = HashMap::new();
        for (lang, file, text) in sources {
            let invalid = |reason: String| I18nError::Invalid { file: (*file).to_owned(), reason };
            let resource = FluentResource::try_new((*text).to_owned())
                .map_err(|(_, errs)| invalid(errs.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; ")))?;
            let mut names = BTreeSet::new();
            for entry in resource.entries() {
                if let fluent_syntax::ast::Entry::Message(m) = entry {
                    names.insert(m.id.name.to_owned());
                }
            }
            let langid = lang.code().parse().map_err(|e| invalid(format!("{e}")))?;
            let mut bundle = FluentBundle::new_concurrent(vec![langid]);
            bundle.set_use_isolating(false);
            let speak = *lang;
            bundle
                .add_function("DURATION", move |positional, _named| match positional.first() {
                    Some(FluentValue::Number(n)) => FluentValue::String(duration(speak, n.value as i64).into()),
                    // A missing argument is a bug; a person still never sees Fluent's markup.
                    _ => FluentValue::String("…".into()),
                })
                .map_err(|e| invalid(format!("{e:?}")))?;
            bundle.add_resource(resource).map_err(|errs| invalid(format!("{errs:?}")))?;
            bundles.insert(*lang, bundle);
            ids.insert(*lang, names);
        }
        Ok(Self { bundles, ids })
    }

    /// The message ids a language defines.
    pub fn ids(&self, lang: Lang) -> BTreeSet<String> {
        self.ids.get(&lang).cloned().unwrap_or_default()
    }

    pub fn has(&self, lang: Lang, id: &str) -> bool {
        self.ids.get(&lang).is_some_and(|s| s.contains(id))
    }

    /// Renders a message in a language. A missing id renders as the id itself and is logged.
    pub fn render(&self, lang: Lang, msg: &Msg) -> String {
        let Some(bundle) = self.bundles.get(&lang).or_else(|| self.bundles.get(&Lang::It)) else {
            return msg.id.clone();
        };
        let Some(pattern) = bundle.get_message(&msg.id).and_then(|m| m.value()) else {
            tracing::error!(id = %msg.id, lang = %lang, "missing translation");
            return msg.id.clone();
        };
        let mut args = FluentArgs::new();
        for (name, arg) in &msg.args {
            let value: FluentValue = match arg {
                Arg::Text(t) => t.clone().into(),
                Arg::Number(n) => (*n).into(),
                Arg::Msg(inner) => self.render(lang, inner).into(),
            };
            args.set(name.clone(), value);
        }
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, Some(&args), &mut errors);
        if !errors.is_empty() {
            tracing::error!(id = %msg.id, lang = %lang, ?errors, "translation failed to format");
            // A missing argument is a bug, but a person never sees a raw `{$name}`.
            if text.contains("{$") {
                return missing_arg().replace_all(&text, "…").into_owned();
            }
        }
        text.into_owned()
    }

    /// Shorthand for a message without arguments.
    pub fn say(&self, lang: Lang, id: &str) -> String {
        self.render(lang, &Msg::new(id))
    }
}

/// A length of time given in minutes, as people say it: "45 minuti", "1 ora e 30 minuti",
/// "4 ore" (`DURATION($n)` in the Fluent files).
pub fn duration(lang: Lang, minutes: i64) -> String {
    let (h, m) = (minutes / 60, minutes % 60);
    let (hour, hours, minute, mins, and) = match lang {
        Lang::It => ("ora", "ore", "minuto", "minuti", " e "),
        Lang::En => ("hour", "hours", "minute", "minutes", " "),
    };
    let part = |n: i64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    match (h, m) {
        (0, m) => part(m, minute, mins),
        (h, 0) => part(h, hour, hours),
        (h, m) => format!("{}{and}{}", part(h, hour, hours), part(m, minute, mins)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_in_hours_and_minutes_and_counts_of_one_are_singular() {
        assert_eq!(duration(Lang::It, 240), "4 ore");
        assert_eq!(duration(Lang::It, 90), "1 ora e 30 minuti");
        assert_eq!(duration(Lang::It, 61), "1 ora e 1 minuto");
        assert_eq!(duration(Lang::It, 45), "45 minuti");
        assert_eq!(duration(Lang::En, 60), "1 hour");
        assert_eq!(duration(Lang::En, 150), "2 hours 30 minutes");
        let i18n = I18n::embedded().unwrap();
        let stats = Msg::new("ini-stats-line")
            .text("month", "11/2026")
            .num("proposed", 1)
            .num("supports", 1)
            .num("held", 1)
            .num("people", 1)
            .num("bookings", 1);
        assert_eq!(
            i18n.render(Lang::It, &stats),
            "11/2026: 1 proposta, 1 sostegno, 1 svolta, 1 residente coinvolto, 1 prenotazione"
        );
        assert!(i18n.render(Lang::En, &stats).contains("1 support, 1 held, 1 resident taking part, 1 booking"));
        let m = Msg::new("book-refused-long").num("n", 240);
        assert!(i18n.render(Lang::It, &m).contains("4 ore"), "{}", i18n.render(Lang::It, &m));
    }

    #[test]
    fn every_language_defines_the_same_message_ids() {
        let i18n = I18n::embedded().unwrap();
        let it = i18n.ids(Lang::It);
        let en = i18n.ids(Lang::En);
        let only_it: Vec<_> = it.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&it).collect();
        assert!(only_it.is_empty() && only_en.is_empty(), "only in it: {only_it:?}; only in en: {only_en:?}");
        assert!(it.len() > 50);
    }

    #[test]
    fn arguments_and_nested_messages_render_without_isolation_marks() {
        let i18n = I18n::embedded().unwrap();
        let text = i18n.render(
            Lang::En,
            &Msg::new("card-opens-at").text("when", "other").msg("day", Msg::new("weekday-0")).text("time", "09:00"),
        );
        assert!(text.contains("Monday"), "{text}");
        assert!(text.contains("09:00"));
        assert!(!text.contains('\u{2068}'));
    }

    #[test]
    fn every_message_in_every_language_renders_without_a_raw_placeholder_even_without_its_arguments() {
        let i18n = I18n::embedded().unwrap();
        let mut raw = Vec::new();
        for lang in Lang::ALL {
            for id in i18n.ids(lang) {
                let text = i18n.render(lang, &Msg::new(id.clone()));
                if text.contains("{$") || text.contains("{ $") {
                    raw.push(format!("{lang}:{id}: {text}"));
                }
            }
        }
        assert!(raw.is_empty(), "raw placeholders: {raw:#?}");
    }

    #[test]
    fn a_missing_message_renders_as_its_id() {
        let i18n = I18n::embedded().unwrap();
        assert_eq!(i18n.say(Lang::It, "no-such-message"), "no-such-message");
    }
}
