//! Staff announcements in chat: `/announce` (`/annuncio`) puts one together (`compose`, with
//! the time read by `when`), `/announce status|cancel|list|approval` follow it up (`manage`),
//! `/announce correct N` gives it new texts (`correct`),
//! and a second staff member approves or rejects where the territory asks for it
//! (`approve`). The rules are `vicinato_core::announcements`; the send job is the crate
//! root's `announce`. Names no network and no SQL; what another capability also needs lives
//! in the crate root or a layer below, never in a sibling capability's files.

mod approve;
pub(crate) mod buttons;
pub(crate) mod compose;
pub(crate) mod correct;
mod manage;
pub(crate) mod module;
mod when;

use crate::{Flow, Reply, Turn};
use buttons::AnnounceButton;
use vicinato_store::StoreError;

/// `/announce [words]`.
pub(crate) async fn command(turn: &mut Turn<'_>, args: Option<&str>) -> Result<Vec<Reply>, StoreError> {
    let words: Vec<&str> = args.unwrap_or_default().split_whitespace().collect();
    if words.is_empty() {
        return compose::start(turn).await;
    }
    match manage::command(turn, &words).await? {
        Some(replies) => Ok(replies),
        None => Ok(vec![Reply::id("announce-usage")]),
    }
}

/// Typed text while composing.
pub(crate) async fn typed(turn: &mut Turn<'_>, text: &str) -> Result<Option<Vec<Reply>>, StoreError> {
    match turn.flow.clone() {
        Some(Flow::Announce { draft, step }) => compose::typed(turn, draft, step, text).await,
        Some(Flow::AnnounceCorrect { id, it, step, .. }) => correct::typed(turn, id, it, step, text).await,
        _ => Ok(None),
    }
}

/// A button of the announcements module.
pub(crate) async fn pressed(turn: &mut Turn<'_>, payload: &str) -> Result<Vec<Reply>, StoreError> {
    let Some(button) = AnnounceButton::parse(payload) else {
        return Ok(vec![Reply::id("button-expired")]);
    };
    if let AnnounceButton::Approve { id, yes } = button {
        return approve::pressed(turn, id, yes).await;
    }
    if matches!(button, AnnounceButton::FixNoEnglish | AnnounceButton::Fix(_)) {
        let flow = match turn.flow.clone() {
            Some(Flow::AnnounceCorrect { id, it, en, .. }) => Some((id, it, en)),
            _ => None,
        };
        return correct::pressed(turn, flow, button).await;
    }
    let draft = match turn.flow.clone() {
        Some(Flow::Announce { draft, .. }) => Some(draft),
        _ => None,
    };
    compose::pressed(turn, draft, button).await
}
