//! Questions inside flows: a message that is clearly another request (a search with a need
//! or a place, a booking wish, a proposal, browsing initiatives, help) in the middle of a
//! flow is answered, and the flow is kept aside and offered back ("Vuoi riprendere la
//! prenotazione?"). The flow waits in the flow store beside the chat's flow
//! (`<chat>#paused`, with the flow's expiry) with the question it was asking; "riprendi"
//! puts it back and asks that question again, "lascia stare" drops it. Onboarding is a flow
//! like the others: a first question is answered first, the onboarding questions come after
//! and can be skipped.

use crate::i18n::Msg;
use crate::people::buttons::PeopleButton;
use crate::understand::{Intent, Understanding};
use crate::{Button, Flow, Reply, Turn};
use serde::{Deserialize, Serialize};
use vicinato_store::StoreError;

/// A flow kept aside while another request is answered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Paused {
    flow: Flow,
    /// What the flow was asking when it was left.
    question: Option<Reply>,
}

fn key(turn: &Turn<'_>) -> String {
    format!("{}#paused", turn.chat_key)
}

/// Whether a message, read in the middle of `flow`, is clearly another request. Where a
/// step takes free text (an initiative's title or description, a comment), only commands
/// are: anything else may be the text asked for.
pub(crate) fn is_another_request(flow: &Flow, u: &Understanding) -> bool {
    let s = &u.slots;
    let other = match u.intent {
        Intent::Book | Intent::Free => !matches!(flow, Flow::Book { .. }),
        Intent::Propose
        | Intent::Initiatives
        | Intent::JoinRooms
        | Intent::Help
        | Intent::WhoAmI
        | Intent::TalkToPerson => true,
        _ => false,
    };
    match flow {
        Flow::Propose { .. } | Flow::InitiativeText { .. } | Flow::Announce { .. } | Flow::AnnounceCorrect { .. } => {
            false
        }
        // At the language question, any search ("centro anziani a Ostia").
        Flow::AskLanguage { .. } => {
            other || (u.intent == Intent::FindService && (s.category.is_some() || s.territory.is_some()))
        }
        // At the home question a bare place is the answer; a need asked for is a question.
        Flow::AskHome { .. } => {
            other
                || (u.intent == Intent::FindService
                    && s.category.is_some()
                    && (u.request || s.near_me || s.when.is_some()))
        }
        // In a booking, days, times and numbers are answers: a need asked for is a question.
        _ => other || (u.intent == Intent::FindService && s.category.is_some() && u.request),
    }
}

/// The name of a flow in "Vuoi riprendere …?".
fn what(flow: &Flow) -> &'static str {
    match flow {
        Flow::AskLanguage { .. } | Flow::AskHome { .. } => "resume-onboarding",
        Flow::Book { .. } => "resume-booking",
        Flow::Propose { .. } => "resume-proposal",
        _ => "resume-other",
    }
}

/// Keeps `flow` aside with the question it was asking, before another request is answered.
pub(crate) async fn keep(turn: &Turn<'_>, flow: Flow, question: Option<Reply>) -> Result<(), StoreError> {
    let paused = Paused { flow, question };
    let state = serde_json::to_string(&paused).expect("paused flows always serialize");
    turn.keep_flow(&key(turn), Some(state));
    Ok(())
}

/// The offer to go back to the flow kept aside, after the answer.
pub(crate) fn offer(flow: &Flow) -> Reply {
    Reply::say(Msg::new(what(flow))).with_buttons(vec![
        Button::msg(Msg::new("button-resume"), PeopleButton::Resume(true).to_payload()),
        Button::msg(Msg::new("button-resume-no"), PeopleButton::Resume(false).to_payload()),
    ])
}

/// "Riprendi" (`yes`) or "lascia stare": the flow kept aside comes back with its question, or
/// is dropped.
pub(crate) async fn resume(turn: &mut Turn<'_>, yes: bool) -> Result<Vec<Reply>, StoreError> {
    let stored = turn.load_kept(&key(turn)).await?;
    let Some(paused) = stored.and_then(|s| serde_json::from_str::<Paused>(&s.state).ok()) else {
        return Ok(vec![Reply::id("button-expired")]);
    };
    turn.keep_flow(&key(turn), None);
    if !yes {
        if turn.flow.as_ref() == Some(&paused.flow) {
            turn.clear_flow().await?;
            turn.flow = None;
        }
        return Ok(vec![Reply::id("resume-dropped")]);
    }
    turn.save_flow(&paused.flow).await?;
    turn.flow = Some(paused.flow);
    Ok(match paused.question {
        Some(q) => vec![q],
        None => vec![Reply::id("resume-back")],
    })
}
