//! The directory in chat: searching services by category, words, place and time, paging and widening results, and the service cards.
//!
//! Names no network and no SQL; what another capability also needs lives in the crate root or a layer below, never in a sibling capability's files.

pub(crate) mod buttons;
pub mod cards;
pub(crate) mod context;
pub(crate) mod followup;
pub(crate) mod module;
pub(crate) mod services;

// What the other capabilities may use of the directory.
pub(crate) use services::{card_detail, category_chosen};
pub(crate) use services::{category_buttons, category_msg, quiet_cards, search_from_text, talk_to_person};

use crate::{Reply, Turn};
use buttons::DirectoryButton;
use vicinato_store::StoreError;

/// A press on one of the directory's buttons.
pub(crate) async fn on_button(turn: &mut Turn<'_>, button: DirectoryButton) -> Result<Vec<Reply>, StoreError> {
    match button {
        DirectoryButton::Category(code) => services::category_chosen(turn, &code).await,
        DirectoryButton::Page(page) => services::page(turn, page).await,
        DirectoryButton::Card(id) => services::card_detail(turn, &id).await,
        DirectoryButton::Near(territory) => services::near(turn, &territory).await,
    }
}
