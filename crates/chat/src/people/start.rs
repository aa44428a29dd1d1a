//! Onboarding and deep links: `/start` asks the language, then the home territory (by button,
//! drilling down the tree, or typed); `/start t-<territory>`, `s-<service>`, `c-<category>` and
//! `i-<initiative>` open straight where the link points.

use super::buttons::PeopleButton;
use super::home::*;
use crate::directory as services;
use crate::i18n::Msg;
use crate::{Button, Flow, Reply, Turn};
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
            match vicinato_domain::ServiceAtLocationId::parse(s) {
                Ok(id) => replies.extend(services::card_detail(turn, &id).await?),
                Err(_) => replies.push(Reply::id("button-expired")),
            }
            return Ok(replies);
        } else if let Some(c) = payload.strip_prefix("c-") {
            return services::category_chosen(turn, c).await;
        } else if let Some(i) = payload.strip_prefix("i-")
            && turn.engine.offers(crate::INITIATIVES)
        {
            let mut replies = vec![Reply::say(Msg::new("welcome-link").text("name", turn.person.display_name.clone()))];
            replies.extend(crate::initiatives::open(turn, i).await?);
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
            .with_buttons(vec![Button::msg(Msg::new("button-start"), PeopleButton::Start.to_payload())])
    }
}

impl Reply {
    /// Marks the reply as replacing the message whose button was pressed.
    pub fn updating(mut self) -> Self {
        self.update = true;
        self
    }
}
