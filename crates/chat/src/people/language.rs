//! Choosing the interface language: `/language`, "parla inglese", or a button.

use super::buttons::PeopleButton;
use crate::commands::language_arg;
use crate::i18n::Msg;
use crate::{Button, Flow, Reply, Turn};
use vicinato_domain::Lang;
use vicinato_store::StoreError;

pub fn buttons() -> Vec<Button> {
    Lang::ALL
        .iter()
        .map(|l| {
            Button::msg(
                Msg::new(format!("language-{}", l.code())),
                PeopleButton::Language(l.code().to_owned()).to_payload(),
            )
        })
        .collect()
}

async fn ask(turn: &mut Turn<'_>, first: Msg) -> Result<Vec<Reply>, StoreError> {
    let onboarding = matches!(turn.flow, Some(Flow::AskLanguage { onboarding: true }));
    turn.flow = Some(Flow::AskLanguage { onboarding });
    turn.save_flow(turn.flow.as_ref().expect("just set")).await?;
    Ok(vec![Reply::say(first).with_buttons(buttons())])
}

pub async fn command(turn: &mut Turn<'_>, arg: Option<&str>) -> Result<Vec<Reply>, StoreError> {
    match arg {
        Some(a) => match language_arg(a) {
            Some(lang) => set(turn, lang).await,
            None => ask(turn, Msg::new("language-unknown").text("text", crate::quote::excerpt(a, 30))).await,
        },
        None => ask(turn, Msg::new("choose-language")).await,
    }
}

pub async fn change(turn: &mut Turn<'_>, to: Option<Lang>) -> Result<Vec<Reply>, StoreError> {
    match to {
        Some(lang) => set(turn, lang).await,
        None => ask(turn, Msg::new("choose-language")).await,
    }
}

pub async fn chosen(turn: &mut Turn<'_>, code: &str) -> Result<Vec<Reply>, StoreError> {
    match Lang::from_tag(code) {
        Some(lang) => set(turn, lang).await,
        None => Ok(vec![Reply::id("button-expired")]),
    }
}

/// Typed text while Vicinato waits for a language.
pub async fn typed(turn: &mut Turn<'_>, text: &str) -> Result<Vec<Reply>, StoreError> {
    let lang = language_arg(text).or_else(|| turn.snapshot.understander.understand(text, turn.lang).slots.switch_to);
    match lang {
        Some(lang) => set(turn, lang).await,
        None => {
            let understood = turn.snapshot.understander.understand(text, turn.lang);
            if understood.intent == crate::understand::Intent::Cancel {
                turn.clear_flow().await?;
                turn.flow = None;
                return Ok(vec![Reply::id("cancelled")]);
            }
            ask(turn, Msg::new("language-unknown").text("text", crate::quote::excerpt(text, 30))).await
        }
    }
}

async fn set(turn: &mut Turn<'_>, lang: Lang) -> Result<Vec<Reply>, StoreError> {
    turn.person.language = Some(lang);
    turn.lang = lang;
    turn.store().save_profile(&turn.person).await?;
    let onboarding = matches!(turn.flow, Some(Flow::AskLanguage { onboarding: true }));
    let confirm = Msg::new("language-set");
    if onboarding {
        let mut next = super::home::ask_home(turn, None).await?;
        next.blocks.insert(0, crate::Block::Say(confirm));
        return Ok(vec![next]);
    }
    if matches!(turn.flow, Some(Flow::AskLanguage { .. })) {
        turn.clear_flow().await?;
        turn.flow = None;
    }
    Ok(vec![Reply::say(confirm)])
}
