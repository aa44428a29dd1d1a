//! What every booking file shares: the kinds of the jobs that follow a booking (built by the
//! core), how a slot is said, the calendar file, a space's name, whether a space needs
//! approval (asked of the core's rules), the catalogue the core's use cases read, a core
//! refusal as a reply, and a core notice as a note. Depends on no other booking file but the button payloads, so the others can all use
//! it without importing each other.

use super::buttons::BookingButton;
use crate::i18n::Msg;
use crate::notes::Note;
use crate::{Attachment, DirectorySnapshot, Engine, Reply};
use chrono::Datelike;
use vicinato_core::booking::{Catalogue, Notice, Tell, rules};
use vicinato_domain::*;
use vicinato_store::StoreError;

/// Job kinds of bookings, run by [`super::reminders`].
pub use vicinato_core::booking::jobs::{FREED_JOB, HOLD_JOB, NO_SHOW_JOB, REMINDER_JOB, freed_key};

/// What the core's booking use cases read besides the store.
pub fn catalogue<'a>(engine: &'a Engine, snapshot: &'a DirectorySnapshot) -> Catalogue<'a> {
    Catalogue { spaces: engine.spaces(), houses: &snapshot.houses, tree: &snapshot.tree }
}

/// A refusal of a use case as the message that tells the person.
pub fn refusal_msg(refusal: &impl vicinato_core::Refusal) -> Msg {
    refusal.args().into_iter().fold(Msg::new(refusal.message_id()), |msg, (name, arg)| match arg {
        vicinato_core::Arg::Text(text) => msg.text(name, text),
        vicinato_core::Arg::Number(n) => msg.num(name, n),
    })
}

/// A refusal of a use case as a reply.
pub fn refused(refusal: &impl vicinato_core::Refusal) -> Reply {
    Reply::say(refusal_msg(refusal))
}

/// The note that tells someone a core notice, in their language, keyed so it goes once.
pub fn note_of(engine: &Engine, notice: &Notice) -> Note {
    let lang = notice.language.unwrap_or(engine.settings().default_lang);
    let b = &notice.booking;
    let space = space_name(engine, lang, b);
    match notice.what {
        Tell::Approved => Note::new(
            notice.to,
            Msg::new("booking-approved").text("space", space).msg("when", when_msg(slot_of(b))),
            format!("booking:{}:decided", b.id),
        )
        .button(Msg::new("button-cancel-booking-one"), BookingButton::Cancel(b.id).to_payload()),
        Tell::Declined => Note::new(
            notice.to,
            Msg::new("booking-declined").text("space", space).msg("when", when_msg(slot_of(b))),
            format!("booking:{}:decided", b.id),
        ),
        Tell::Released => {
            Note::new(notice.to, Msg::new("booking-released").text("space", space), format!("released:{}", b.id))
        }
        Tell::HoldExpired => Note::new(
            notice.to,
            Msg::new("waitlist-offer-expired").text("space", space),
            format!("booking:{}:hold-expired", b.id),
        ),
    }
}

/// "sabato 5/12, 15:00–17:00"
pub fn when_msg(slot: LocalSlot) -> Msg {
    Msg::new("book-when")
        .msg("day", Msg::new(format!("weekday-{}", slot.start.weekday().num_days_from_monday())))
        .text("date", slot.start.format("%-d/%-m").to_string())
        .text("from", slot.start.format("%H:%M").to_string())
        .text("to", slot.end.format("%H:%M").to_string())
}

/// How a booking is named in lists and messages: "Sala grande – Casa del Welfare di Centocelle".
pub fn space_name(engine: &crate::Engine, lang: Lang, booking: &Booking) -> String {
    let space = engine.spaces().space(&booking.space).map(|(_, s)| s.name.get(lang).to_owned());
    let house = engine.snapshot().houses.iter().find(|h| h.id == booking.house).map(|h| h.name.clone());
    match (space, house) {
        (Some(s), Some(h)) => format!("{s} – {h}"),
        (Some(s), None) => s,
        _ => booking.space.to_string(),
    }
}

/// Bookings as an iCalendar file: `booking-<id>.ics` for one, `bookings.ics` for several.
pub fn calendar_file(
    engine: &crate::Engine,
    lang: Lang,
    bookings: &[Booking],
    now: chrono::DateTime<chrono::Utc>,
) -> Attachment {
    let snapshot = engine.snapshot();
    let entries: Vec<ical::CalendarEntry<'_>> = bookings
        .iter()
        .map(|b| ical::CalendarEntry {
            booking: b,
            space: engine
                .spaces()
                .space(&b.space)
                .map(|(_, s)| s.name.get(lang).to_owned())
                .unwrap_or_else(|| b.space.to_string()),
            house: snapshot.houses.iter().find(|h| h.id == b.house).map(|h| h.name.clone()).unwrap_or_default(),
        })
        .collect();
    let name = match bookings {
        [one] => format!("booking-{}.ics", one.id),
        _ => "bookings.ics".to_owned(),
    };
    Attachment { name, mime: "text/calendar".into(), bytes: ical::calendar("Vicinato", &entries, now).into_bytes() }
}

pub fn slot_of(booking: &Booking) -> LocalSlot {
    LocalSlot { start: booking.local_start(), end: booking.local_end() }
}

/// Whether a space needs approval: as staff last said, else as the spaces file says.
pub async fn needs_approval(engine: &Engine, space: &Space) -> Result<bool, StoreError> {
    rules::needs_approval(engine.store().as_ref(), space).await
}
