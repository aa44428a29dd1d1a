//! Safety first: a message that is a call for help (violence, abuse, threats, stalking,
//! self-harm, immediate danger; recognised by `Understander::concerns` from the lexicons'
//! `[safety]` words) is answered before anything else, in any flow and during onboarding,
//! with the emergency contacts of `config/safety.toml` (each with its source and the date it
//! was checked), then the matching services near the person, worded discreetly. Never "no
//! results": when the directory has nothing near, the contacts stand alone. The flow in
//! progress is kept. The message's text is never logged, here or by the caller.

use crate::i18n::Msg;
use crate::understand::Concern;
use crate::{Block, Reply, Turn};
use serde::Deserialize;
use std::collections::BTreeMap;
use vicinato_domain::{CategoryCode, DirectoryQuery, Lang};
use vicinato_store::StoreError;

/// The safety file shipped with Vicinato.
pub const SAFETY_TOML: &str = include_str!("../../../config/safety.toml");

/// One number to call, in the words of each language.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    pub phone: String,
    pub name: BTreeMap<String, String>,
    pub note: BTreeMap<String, String>,
    pub concerns: Vec<Concern>,
    /// Where the number and its hours are stated.
    pub source: String,
    /// When it was last checked there.
    pub checked: chrono::NaiveDate,
}

/// What to look for in the directory after the contacts.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Search {
    pub words: Option<String>,
    pub category: Option<String>,
}

/// The contacts and searches of a safety file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Safety {
    #[serde(rename = "contact")]
    pub contacts: Vec<Contact>,
    #[serde(default)]
    pub search: BTreeMap<String, Search>,
}

/// Why a safety file could not be read.
#[derive(Debug, thiserror::Error)]
#[error("{file}: {reason}")]
pub struct SafetyError {
    pub file: String,
    pub reason: String,
}

impl Safety {
    /// Reads a safety file; `file` names it in errors. Every contact needs a name and a note
    /// in Italian, at least one concern and a source.
    pub fn parse(file: &str, text: &str) -> Result<Self, SafetyError> {
        let invalid = |reason: String| SafetyError { file: file.to_owned(), reason };
        let safety: Self = toml::from_str(text).map_err(|e| invalid(e.to_string()))?;
        if safety.contacts.is_empty() {
            return Err(invalid("no [[contact]]: at least the emergency number is needed".into()));
        }
        for c in &safety.contacts {
            if c.phone.trim().is_empty() || c.source.trim().is_empty() || c.concerns.is_empty() {
                return Err(invalid(format!("contact `{}`: phone, source and concerns are needed", c.phone)));
            }
            for lang in Lang::ALL {
                let code = lang.code();
                if !c.name.contains_key(code) && !c.name.contains_key("it") {
                    return Err(invalid(format!("contact `{}`: no name in `{code}` nor in `it`", c.phone)));
                }
            }
            if !c.name.contains_key("it") || !c.note.contains_key("it") {
                return Err(invalid(format!("contact `{}`: name and note in `it` are needed", c.phone)));
            }
        }
        for (key, s) in &safety.search {
            if !matches!(key.as_str(), "violence" | "self_harm") {
                return Err(invalid(format!("search.{key}: not a concern (violence, self_harm)")));
            }
            if let Some(code) = &s.category {
                CategoryCode::parse(code).map_err(|e| invalid(format!("search.{key}.category `{code}`: {e}")))?;
            }
        }
        Ok(safety)
    }

    /// The contacts for these concerns, in the file's order.
    pub fn contacts_for<'a>(&'a self, concerns: &'a [Concern]) -> impl Iterator<Item = &'a Contact> + 'a {
        self.contacts.iter().filter(move |c| c.concerns.iter().any(|k| concerns.contains(k)))
    }
}

fn in_lang(texts: &BTreeMap<String, String>, lang: Lang) -> String {
    texts.get(lang.code()).or_else(|| texts.get("it")).cloned().unwrap_or_default()
}

/// The answer to a call for help: contacts first, then services near the person.
pub(crate) async fn answer(turn: &mut Turn<'_>, concerns: &[Concern]) -> Result<Vec<Reply>, StoreError> {
    let safety = turn.engine.safety().clone();
    let first = if concerns.contains(&Concern::SelfHarm) { "safety-first-self-harm" } else { "safety-first" };
    let mut blocks = vec![Block::Say(Msg::new(first))];
    for c in safety.contacts_for(concerns) {
        blocks.push(Block::Say(
            Msg::new("safety-contact")
                .text("name", in_lang(&c.name, turn.lang))
                .text("phone", c.phone.clone())
                .text("note", in_lang(&c.note, turn.lang)),
        ));
    }
    let mut replies = vec![Reply {
        blocks,
        buttons: Vec::new(),
        visibility: crate::Visibility::Chat,
        update: false,
        in_langs: Vec::new(),
    }];
    let mut services = Vec::new();
    for concern in concerns {
        let Some(search) = safety.search.get(concern.as_str()) else { continue };
        let query = DirectoryQuery {
            text: search.words.clone(),
            category: search.category.as_deref().and_then(|c| CategoryCode::parse(c).ok()),
            territory: turn.person.home.clone(),
            ..Default::default()
        };
        services.extend(crate::directory::quiet_cards(turn, query, 3).await?);
    }
    if !services.is_empty() {
        let mut reply = Reply::id("safety-services");
        reply.blocks.extend(services.into_iter().map(Block::Card));
        replies.push(reply);
    }
    replies.push(Reply::id("safety-after"));
    // In a group, only the person sees it.
    if turn.chat_kind == crate::ChatKind::Group {
        replies = crate::privately(replies);
    }
    Ok(replies)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_safety_file_has_the_emergency_numbers_with_sources() {
        let s = Safety::parse("config/safety.toml", SAFETY_TOML).unwrap();
        let phones: Vec<&str> = s.contacts.iter().map(|c| c.phone.as_str()).collect();
        assert_eq!(phones[0], "112", "the emergency number comes first");
        assert!(phones.contains(&"1522"));
        assert!(s.contacts_for(&[Concern::SelfHarm]).any(|c| c.phone != "112"), "a listening line for self-harm");
        assert!(s.contacts.iter().all(|c| !c.source.is_empty()));
    }

    #[test]
    fn a_safety_file_without_sources_or_with_unknown_keys_is_refused() {
        let bad = SAFETY_TOML.replacen("source = \"Numero unico", "sauce = \"Numero unico", 1);
        assert!(Safety::parse("s.toml", &bad).unwrap_err().to_string().contains("s.toml"));
        let empty = "contact = []";
        assert!(Safety::parse("s.toml", empty).is_err());
    }
}
