//! The home territory of a person: asked at onboarding (drilling down the tree, or typed),
//! changed later, or skipped.

use super::buttons::PeopleButton;
use crate::directory as services;
use crate::i18n::Msg;
use crate::understand::Intent;
use crate::{Button, Flow, Reply, Turn};
use vicinato_domain::*;
use vicinato_store::StoreError;

/// Asks for the home territory, listing the places beneath `under`.
pub async fn ask_home(turn: &mut Turn<'_>, under: Option<TerritoryId>) -> Result<Reply, StoreError> {
    turn.flow = Some(Flow::AskHome { under: under.clone() });
    turn.save_flow(turn.flow.as_ref().expect("just set")).await?;
    let tree = &turn.snapshot.tree;
    let mut children: Vec<&Territory> = match &under {
        Some(t) => tree.children(t),
        None => tree.roots().flat_map(|r| tree.children(&r.id)).collect(),
    };
    children.sort_by(|a, b| a.id.cmp(&b.id));
    let mut buttons: Vec<Button> = children
        .iter()
        .map(|t| {
            let payload = if tree.children(&t.id).is_empty() {
                PeopleButton::Home(t.id.to_string())
            } else {
                PeopleButton::Drill(t.id.to_string())
            }
            .to_payload();
            Button::text(t.name.clone(), payload)
        })
        .collect();
    let msg = match under.as_ref().and_then(|t| tree.get(t)) {
        Some(t) => {
            buttons.insert(
                0,
                Button::msg(
                    Msg::new("button-home-here").text("place", t.name.clone()),
                    PeopleButton::Home(t.id.to_string()).to_payload(),
                ),
            );
            Msg::new("ask-home-under").text("place", t.name.clone())
        }
        None => Msg::new("ask-home"),
    };
    buttons.push(Button::msg(Msg::new("button-skip"), PeopleButton::SkipHome.to_payload()));
    Ok(Reply::say(msg).with_buttons(buttons))
}

/// A place button with places beneath it.
pub async fn drill(turn: &mut Turn<'_>, id: &str) -> Result<Vec<Reply>, StoreError> {
    match turn.snapshot.tree.get(&TerritoryId::new(id)).map(|t| t.id.clone()) {
        Some(t) => Ok(vec![ask_home(turn, Some(t)).await?.updating()]),
        None => Ok(vec![Reply::id("button-expired")]),
    }
}

pub async fn home_chosen(turn: &mut Turn<'_>, id: &str) -> Result<Vec<Reply>, StoreError> {
    match turn.snapshot.tree.get(&TerritoryId::new(id)).map(|t| t.id.clone()) {
        Some(t) => set_home(turn, Some(t)).await,
        None => Ok(vec![Reply::id("button-expired")]),
    }
}

pub async fn skip_home(turn: &mut Turn<'_>) -> Result<Vec<Reply>, StoreError> {
    set_home(turn, None).await
}

/// Typed text while Vicinato waits for the home territory.
pub async fn typed_home(turn: &mut Turn<'_>, text: &str) -> Result<Option<Vec<Reply>>, StoreError> {
    let understood = turn.snapshot.understander.understand(text, turn.lang);
    if understood.intent == Intent::Cancel {
        return Ok(None);
    }
    if let Some(t) = understood.slots.territory.clone() {
        let mut replies = set_home(turn, Some(t)).await?;
        // "food bank in Ostia" names the area and asks a question: answer it too.
        let slots = &understood.slots;
        if understood.intent == Intent::FindService && (slots.category.is_some() || slots.text.is_some()) {
            replies.extend(services::search_from_text(turn, slots).await?);
        }
        return Ok(Some(replies));
    }
    if understood.intent == Intent::FindService && understood.slots.text.is_none() {
        // A question instead of a place: answer it and leave onboarding for later.
        return Ok(None);
    }
    let under = match &turn.flow {
        Some(Flow::AskHome { under }) => under.clone(),
        _ => None,
    };
    let mut reply = ask_home(turn, under).await?;
    reply.blocks.insert(0, crate::Block::Say(Msg::new("home-not-found").text("text", crate::quote::excerpt(text, 60))));
    Ok(Some(vec![reply]))
}

pub(crate) async fn set_home(turn: &mut Turn<'_>, home: Option<TerritoryId>) -> Result<Vec<Reply>, StoreError> {
    turn.person.home = home.clone();
    turn.person.onboarded = true;
    if turn.person.language.is_none() {
        turn.person.language = Some(turn.lang);
    }
    turn.store().save_profile(&turn.person).await?;
    turn.clear_flow().await?;
    turn.flow = None;
    let first = match home.as_ref().and_then(|t| turn.snapshot.tree.get(t)) {
        Some(t) => Msg::new("home-set").text("place", t.name.clone()),
        None => Msg::new("home-skipped"),
    };
    Ok(vec![Reply::say(first).then(Msg::new("onboarding-done")).with_buttons(services::category_buttons(turn))])
}
