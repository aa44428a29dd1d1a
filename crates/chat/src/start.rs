//! Onboarding and deep links: `/start` asks the language, then the home territory (by button,
//! drilling down the tree, or typed); `/start t-<territory>`, `s-<service>`, `c-<category>` and
//! `i-<initiative>` open straight where the link points.

use super::understand::Intent;
use super::{Button, Flow, Reply, Turn, services};
use crate::i18n::Msg;
use vicinato_domain::*;
use vicinato_store::StoreError;

pub async fn start(turn: &mut Turn<'_>, payload: Option<&str>) -> Result<Vec<Reply>, StoreError> {
    if let Some(payload) = payload {
        if let Some(t) = payload.strip_prefix("t-") {
            if let Some(territory) = turn.snapshot.tree.get(&TerritoryId::new(t)) {
                let id = territory.id.clone();
                if turn.person.language.is_none() {
                    turn.person.language = Some(turn.lang);
                }
                return set_home(turn, Some(id)).await;
            }
        } else if let Some(s) = payload.strip_prefix("s-") {
            let mut replies = vec![Reply::say(Msg::new("welcome-link").text("name", turn.person.display_name.clone()))];
            replies.extend(services::card_detail(turn, s).await?);
            return Ok(replies);
        } else if let Some(c) = payload.strip_prefix("c-") {
            return services::category_chosen(turn, c).await;
        } else if let Some(i) = payload.strip_prefix("i-")
            && turn.engine.offers(super::INITIATIVES)
        {
            let mut replies = vec![Reply::say(Msg::new("welcome-link").text("name", turn.person.display_name.clone()))];
            replies.extend(super::initiatives::open(turn, i).await?);
            return Ok(replies);
        }
        // An unknown link: fall through to the usual welcome.
    }
    turn.flow = Some(Flow::AskLanguage { onboarding: true });
    turn.save_flow(turn.flow.as_ref().expect("just set")).await?;
    Ok(vec![
        Reply::say(Msg::new("welcome").text("name", turn.person.display_name.clone()))
            .then(Msg::new("choose-language"))
            .with_buttons(super::language::buttons()),
    ])
}

/// A greeting: a short welcome with a next step.
pub fn greet(turn: &Turn<'_>) -> Reply {
    let name = turn.person.display_name.clone();
    if turn.person.onboarded {
        Reply::say(Msg::new("greeting-reply").text("name", name)).with_buttons(services::category_buttons(turn))
    } else {
        Reply::say(Msg::new("greeting-new").text("name", name))
            .with_buttons(vec![Button::msg(Msg::new("button-start"), "start")])
    }
}

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
            let payload =
                if tree.children(&t.id).is_empty() { format!("home:{}", t.id) } else { format!("area:{}", t.id) };
            Button::text(t.name.clone(), payload)
        })
        .collect();
    let msg = match under.as_ref().and_then(|t| tree.get(t)) {
        Some(t) => {
            buttons.insert(
                0,
                Button::msg(Msg::new("button-home-here").text("place", t.name.clone()), format!("home:{}", t.id)),
            );
            Msg::new("ask-home-under").text("place", t.name.clone())
        }
        None => Msg::new("ask-home"),
    };
    buttons.push(Button::msg(Msg::new("button-skip"), "skiphome"));
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
    reply.blocks.insert(0, super::Block::Say(Msg::new("home-not-found").text("text", super::cards::excerpt(text, 60))));
    Ok(Some(vec![reply]))
}

async fn set_home(turn: &mut Turn<'_>, home: Option<TerritoryId>) -> Result<Vec<Reply>, StoreError> {
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

impl Reply {
    /// Marks the reply as replacing the message whose button was pressed.
    pub fn updating(mut self) -> Self {
        self.update = true;
        self
    }
}
