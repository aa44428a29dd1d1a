//! The buttons last offered in a chat, kept with the conversation so that what people type
//! instead of pressing works on every network: the text of a button (case, accents and small
//! typos forgiven, or a clear part of it) presses it; "sì", "ok", "👍" press the yes button
//! of a yes-or-no question and "no", "lascia stare" its no button; a number presses the
//! numbered choice it names. A number beyond the choices is answered "that choice is from an
//! earlier message" with the question again.
//!
//! Kept in the flow store beside the flow (`<chat>#offered`, with the flow's expiry), so it
//! expires, is purged and erased as flows are, and costs a read only for short messages.
//! Never holds the person's message; the labels are those Vicinato wrote.

use crate::{Reply, Turn};
use serde::{Deserialize, Serialize};
use vicinato_domain::text::{fold, typo_budget, within_edits};
use vicinato_store::StoreError;

/// What was offered: each button's folded label and payload, and the reply that asked.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct Offered {
    pub buttons: Vec<(String, String)>,
    pub question: Option<Reply>,
    /// The language the buttons were written in: a person with no language yet who types
    /// one of them is answered in it.
    #[serde(default)]
    pub lang: Option<vicinato_domain::Lang>,
}

fn key(turn: &Turn<'_>) -> String {
    format!("{}#offered", turn.chat_key)
}

/// Remembers what the last reply offered, and the reply (the question asked now); with no
/// buttons and no flow in progress, nothing is kept.
pub(crate) async fn remember(turn: &Turn<'_>, replies: &[Reply]) -> Result<(), StoreError> {
    let with_buttons = replies.iter().rev().find(|r| !r.buttons.is_empty());
    let Some(reply) = with_buttons.or_else(|| turn.flow.as_ref().and(replies.last())) else {
        turn.keep_flow(&key(turn), None);
        return Ok(());
    };
    let rendered = turn.engine.render(turn.lang, reply);
    let offered = Offered {
        buttons: rendered.buttons.iter().map(|b| (label_words(&b.label), b.payload.clone())).collect(),
        question: Some(reply.clone()),
        lang: Some(turn.lang),
    };
    let state = serde_json::to_string(&offered).expect("offered buttons always serialize");
    turn.keep_flow(&key(turn), Some(state));
    Ok(())
}

/// The buttons last offered in this chat, if any are still kept.
pub(crate) async fn load(turn: &Turn<'_>) -> Result<Option<Offered>, StoreError> {
    let stored = turn.load_kept(&key(turn)).await?;
    Ok(stored.and_then(|s| serde_json::from_str(&s.state).ok()))
}

/// A label's words, folded, without the "3." of a numbered choice.
fn label_words(label: &str) -> String {
    let folded = fold(label);
    match folded.split_once(' ') {
        Some((n, rest)) if n.chars().all(|c| c.is_ascii_digit()) => rest.to_owned(),
        _ => folded,
    }
}

/// Whether a payload is the yes (or the no) of a yes-or-no question: `book:yes`,
/// `forget:no`, `lnk:yes:<code>`, `ivote:<id>:y`.
fn is_answer(payload: &str, yes: bool) -> bool {
    let words: &[&str] = if yes { &["yes", "y"] } else { &["no", "n"] };
    payload.split(':').skip(1).any(|part| words.contains(&part))
}

/// What typed text means among the offered buttons.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Typed {
    /// Press this payload.
    Press(String),
    /// A number with no choice behind it now.
    Earlier,
    Nothing,
}

impl Offered {
    /// Reads typed text against the buttons: `answer` is the lexicons' reading of a short
    /// yes or no.
    pub fn read(&self, text: &str, answer: Option<bool>) -> Typed {
        let trimmed = text.trim().trim_end_matches(['.', '!', ')']);
        if let Ok(n) = trimmed.parse::<usize>() {
            return match n.checked_sub(1).and_then(|i| self.buttons.get(i)) {
                Some((_, payload)) => Typed::Press(payload.clone()),
                None => Typed::Earlier,
            };
        }
        if let Some(yes) = answer {
            let matching: Vec<&String> = self.buttons.iter().map(|(_, p)| p).filter(|p| is_answer(p, yes)).collect();
            if let [one] = matching[..] {
                return Typed::Press(one.clone());
            }
        }
        let said = fold(text);
        if said.chars().count() < 2 {
            return Typed::Nothing;
        }
        // The whole label, forgiving small typos.
        let whole: Vec<&String> = self
            .buttons
            .iter()
            .filter(|(label, _)| !label.is_empty() && within_edits(&said, label, typo_budget(label)))
            .map(|(_, p)| p)
            .collect();
        if let [one] = whole[..] {
            return Typed::Press(one.clone());
        }
        // A clear part of one label: its words in order, long enough to mean something.
        let words: Vec<&str> = said.split(' ').collect();
        let long_enough = said.chars().count() >= 5 && !said.chars().all(|c| c.is_ascii_digit());
        if long_enough {
            let part: Vec<&String> = self
                .buttons
                .iter()
                .filter(|(label, _)| {
                    let lw: Vec<&str> = label.split(' ').collect();
                    contains_in_order(&lw, &words)
                })
                .map(|(_, p)| p)
                .collect();
            if let [one] = part[..] {
                return Typed::Press(one.clone());
            }
        }
        Typed::Nothing
    }
}

/// Whether every word of `part` appears in `label`, in order (each with a small typo
/// forgiven).
fn contains_in_order(label: &[&str], part: &[&str]) -> bool {
    let mut at = 0;
    for w in part {
        match label[at..].iter().position(|l| within_edits(w, l, typo_budget(l).min(typo_budget(w)))) {
            Some(i) => at += i + 1,
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offered(buttons: &[(&str, &str)]) -> Offered {
        Offered {
            buttons: buttons.iter().map(|(l, p)| (label_words(l), (*p).to_owned())).collect(),
            question: None,
            lang: None,
        }
    }

    #[test]
    fn the_text_of_a_button_presses_it_with_case_accents_and_small_typos_forgiven() {
        let o = offered(&[("Sì, prenota", "book:yes"), ("No, lascia stare", "book:no")]);
        assert_eq!(o.read("sì, prenota", None), Typed::Press("book:yes".into()));
        assert_eq!(o.read("SI PRENOTA", None), Typed::Press("book:yes".into()));
        assert_eq!(o.read("si prenta", None), Typed::Press("book:yes".into()));
        assert_eq!(o.read("lascia stare", None), Typed::Press("book:no".into()));
        assert_eq!(o.read("prenota", None), Typed::Press("book:yes".into()), "a clear part of the label");
        assert_eq!(o.read("mensa aperta domenica", None), Typed::Nothing);
    }

    #[test]
    fn yes_and_no_press_the_buttons_of_a_yes_or_no_question() {
        let o = offered(&[("Sì, prenota", "book:yes"), ("No", "book:no")]);
        assert_eq!(o.read("ok", Some(true)), Typed::Press("book:yes".into()));
        assert_eq!(o.read("no grazie", Some(false)), Typed::Press("book:no".into()));
        let vote = offered(&[("Vota sì", "ivote:4:y"), ("Vota no", "ivote:4:n")]);
        assert_eq!(vote.read("certo", Some(true)), Typed::Press("ivote:4:y".into()));
        let none = offered(&[("Anziani", "cat:elderly"), ("Famiglia", "cat:family")]);
        assert_eq!(none.read("sì", Some(true)), Typed::Nothing, "no yes button: nothing pressed");
    }

    #[test]
    fn a_number_presses_its_choice_and_a_number_beyond_them_is_from_an_earlier_message() {
        let o = offered(&[("1. Mensa San Paolo", "card:1"), ("2. Mensa Caritas", "card:2")]);
        assert_eq!(o.read("2", None), Typed::Press("card:2".into()));
        assert_eq!(o.read("8", None), Typed::Earlier);
        assert_eq!(o.read("caritas", None), Typed::Press("card:2".into()), "numbered labels match by name");
        assert_eq!(o.read("mensa", None), Typed::Nothing, "a part shared by two labels presses nothing");
    }
}
