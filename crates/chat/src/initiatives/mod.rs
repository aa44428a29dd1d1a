//! Community initiatives in chat: proposing, browsing and the card of each initiative with the buttons a role may press (typed as [`InitiativeButton`], dispatched by [`on_button`]), the replies and notifications of every change of state, the decisions and figures of staff, and an accepted community service joining the directory. The rules are the use cases of `vicinato_core::initiatives`; this layer turns messages into calls and outcomes into replies.
//!
//! Names no network and no SQL; what another capability also needs lives in the crate root or a layer below, never in a sibling capability's files.

pub(crate) mod browse;
pub mod buttons;
pub(crate) mod common;
pub(crate) mod community_service;
pub mod decide;
pub mod lifecycle;
pub(crate) mod module;
pub(crate) mod propose;
pub(crate) mod step;

// What the other capabilities may use of initiatives.
pub(crate) use browse::open;
pub use buttons::InitiativeButton;

use crate::{Reply, Turn};
use browse::Awaiting;
use vicinato_domain::initiative::Action;
use vicinato_store::StoreError;

/// A pressed button of an initiatives kind: its handler, or "this option has expired" for a
/// payload that does not parse (malformed, forged, or from an older version).
pub(crate) async fn pressed(turn: &mut Turn<'_>, payload: &str) -> Result<Vec<Reply>, StoreError> {
    match InitiativeButton::parse(payload) {
        Some(button) => on_button(turn, button).await,
        None => Ok(vec![Reply::id("button-expired")]),
    }
}

/// A pressed initiatives button, parsed: the handler it is for.
pub(crate) async fn on_button(turn: &mut Turn<'_>, button: InitiativeButton) -> Result<Vec<Reply>, StoreError> {
    use InitiativeButton::*;
    match button {
        Open(id) => browse::open_id(turn, id).await,
        List(filters) => browse::browse_page(turn, filters).await,
        Propose => propose::start(turn, None).await,
        Support { id, anonymous } => browse::support(turn, id, anonymous).await,
        Unsupport(id) => browse::unsupport(turn, id).await,
        Join { id, volunteer } => browse::join(turn, id, volunteer).await,
        Leave(id) => browse::leave(turn, id).await,
        Vote { id, yes } => browse::vote(turn, id, yes).await,
        Comment(id) => browse::ask_text(turn, id, Awaiting::Comment).await,
        Report(id) => browse::ask_text(turn, id, Awaiting::Report).await,
        Update(id) => browse::ask_text(turn, id, Awaiting::Update).await,
        Date(id) => browse::ask_text(turn, id, Awaiting::Date).await,
        Outcome(id) => browse::ask_text(turn, id, Awaiting::Outcome).await,
        Reject(id) => browse::ask_text(turn, id, Awaiting::RejectReason).await,
        ModeratorReject(id) => browse::ask_text(turn, id, Awaiting::ModeratorReason).await,
        Submit(id) => browse::author_step(turn, id, Action::Submit).await,
        Withdraw(id) => browse::author_step(turn, id, Action::Withdraw).await,
        MarkHeld(id) => browse::author_step(turn, id, Action::MarkHeld).await,
        Publish(id) => browse::staff_step(turn, id, Action::Publish).await,
        Accept(id) => browse::staff_step(turn, id, Action::Accept).await,
        Hide(id) => browse::moderate(turn, id, true).await,
        Show(id) => browse::moderate(turn, id, false).await,
        Edit(id) => propose::resume(turn, id).await,
        draft @ (DraftSkip | DraftTheme(_) | DraftArea(_) | DraftBooking(_) | DraftField(_) | DraftLater) => {
            propose::button(turn, draft).await
        }
    }
}
