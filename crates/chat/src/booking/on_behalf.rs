//! Booking on behalf of an association, the chat side: who a message says a booking is for
//! ("per me", "per l'associazione Orti Uniti"), and the question with a button each when the
//! person may book for an association. Who may book for which association, and the fair-use
//! quotas, are the core's rules (`vicinato_core::booking::book`), checked again when the
//! booking is written.

use super::buttons::BookingButton;
use super::draft::Draft;
use crate::i18n::Msg;
use crate::{Button, Reply, Turn};
use vicinato_domain::*;
use vicinato_store::StoreError;

/// The associations the person may book for (the core's rule).
async fn bookable(turn: &Turn<'_>) -> Result<Vec<Association>, StoreError> {
    vicinato_core::booking::book::bookable(turn.store(), turn.person.id).await
}

/// Words that say the booking is for the person themselves.
const FOR_ME: [&str; 6] = ["per me", "for me", "for myself", "per conto mio", "a titolo personale", "personal"];
/// Words that say the booking is for an association (folded).
const ASSOCIATION_WORDS: [&str; 7] = [
    "per l associazione",
    "per conto dell associazione",
    "per la nostra associazione",
    "per la mia associazione",
    "for the association",
    "for our association",
    "on behalf of",
];

/// What a message says about who the booking is for: `Ok(None)` when nothing; `Err(reply)`
/// when it names an association the person may not book for.
pub async fn read(turn: &Turn<'_>, text: &str) -> Result<Result<Option<BookingFor>, Reply>, StoreError> {
    let folded = text::fold(text);
    let padded = format!(" {folded} ");
    if FOR_ME.iter().any(|w| padded.contains(&format!(" {w} "))) {
        return Ok(Ok(Some(BookingFor::Me)));
    }
    let mentions_one = ASSOCIATION_WORDS.iter().any(|w| padded.contains(&format!(" {w}")));
    if !mentions_one {
        // Naming one of mine without the word ("per il Coro dell'Alessandrino") also counts,
        // but only for people who belong to one: nobody else pays for the lookup.
        let mine = bookable(turn).await?;
        return Ok(Ok(mine.into_iter().find(|a| a.named_in(&folded)).map(|a| BookingFor::Association(a.id))));
    }
    let mine = bookable(turn).await?;
    if let Some(a) = mine.iter().find(|a| a.named_in(&folded)) {
        return Ok(Ok(Some(BookingFor::Association(a.id.clone()))));
    }
    if mine.len() == 1 && !turn.store().associations().await?.iter().any(|a| a.named_in(&folded)) {
        // "per l'associazione" with no name: the only one they book for.
        return Ok(Ok(Some(BookingFor::Association(mine[0].id.clone()))));
    }
    Ok(Err(Reply::id(if mine.is_empty() { "book-for-no-association" } else { "book-for-not-yours" })))
}

/// Asks who the booking is for: the person, or one of the associations they may book for.
pub fn ask_for_whom(mine: &[Association]) -> Reply {
    let mut buttons =
        vec![Button::msg(Msg::new("button-book-for-me"), BookingButton::For(BookingFor::Me).to_payload())];
    buttons
        .extend(mine.iter().map(|a| Button::text(a.name.clone(), BookingButton::for_association(&a.id).to_payload())));
    Reply::id("book-ask-for-whom").with_buttons(buttons)
}

/// The association a draft books for, if any.
pub fn association_of(draft: &Draft) -> Option<AssociationId> {
    match &draft.for_whom {
        Some(BookingFor::Association(id)) => Some(id.clone()),
        _ => None,
    }
}
