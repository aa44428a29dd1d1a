//! Booking on behalf of an association: who a booking is for ("per me", "per l'associazione
//! Orti Uniti", or a button when the person may book for an association), and the fair-use
//! quotas: a person's own hours per week in a house, or the association's. Only bookers of an
//! association (members staff marked so) may book for it; the right is checked again when the
//! booking is written.

use super::buttons::BookingButton;
use super::draft::{Ask, Draft};
use crate::i18n::Msg;
use crate::{Button, Reply, Turn};
use vicinato_domain::*;
use vicinato_store::StoreError;

/// The associations the person may book for.
pub async fn bookable(turn: &Turn<'_>) -> Result<Vec<Association>, StoreError> {
    Ok(turn
        .store()
        .associations_of(turn.person.id)
        .await?
        .into_iter()
        .filter(|(_, m)| m.may_book)
        .map(|(a, _)| a)
        .collect())
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

/// Decides who the draft is for when it is not said yet: the person, unless they may book for
/// an association (then they are asked, with a button each). `Some(replies)` when asking.
pub async fn settle(turn: &mut Turn<'_>, draft: &mut Draft) -> Result<Option<Vec<Reply>>, StoreError> {
    if draft.for_whom.is_some() || draft.replaces.is_some() {
        return Ok(None);
    }
    let mine = bookable(turn).await?;
    if mine.is_empty() {
        draft.for_whom = Some(BookingFor::Me);
        return Ok(None);
    }
    draft.asked = Some(Ask::ForWhom);
    super::draft::save(turn, draft).await?;
    let mut buttons =
        vec![Button::msg(Msg::new("button-book-for-me"), BookingButton::For(BookingFor::Me).to_payload())];
    buttons.extend(
        mine.iter().map(|a| {
            Button::text(a.name.clone(), BookingButton::For(BookingFor::Association(a.id.clone())).to_payload())
        }),
    );
    Ok(Some(vec![Reply::id("book-ask-for-whom").with_buttons(buttons)]))
}

/// Whether the person may (still) book for whom the draft says.
pub async fn allowed(turn: &Turn<'_>, draft: &Draft) -> Result<bool, StoreError> {
    Ok(match &draft.for_whom {
        Some(BookingFor::Association(id)) => bookable(turn).await?.iter().any(|a| &a.id == id),
        _ => true,
    })
}

/// The association a draft books for, if any.
pub fn association_of(draft: &Draft) -> Option<AssociationId> {
    match &draft.for_whom {
        Some(BookingFor::Association(id)) => Some(id.clone()),
        _ => None,
    }
}

/// The fair-use quota the slot would break, if any (see [`super::slot_rules::over_quota`]).
pub async fn over_quota(
    turn: &Turn<'_>,
    space: &Space,
    zone: chrono_tz::Tz,
    draft: &Draft,
    slot: LocalSlot,
) -> Result<Option<Refusal>, StoreError> {
    let association = association_of(draft);
    let wish = super::slot_rules::Wish {
        space,
        person: turn.person.id,
        association: association.as_ref(),
        replaces: draft.replaces,
        slot,
        people: draft.people,
    };
    super::slot_rules::over_quota(turn.engine, &wish, zone, turn.now).await
}
