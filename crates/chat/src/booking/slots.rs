//! What every booking file shares: the jobs that follow a booking (reminder, no-show, hold,
//! freed slot) and their keys, how a slot is said and carried on a button, the calendar file,
//! a space's name, and whether a space is closed or needs approval. Depends on no other
//! booking file, so the others can all use it without importing each other.

use crate::i18n::Msg;
use crate::{Attachment, Engine};
use chrono::{DateTime, Datelike, Duration, NaiveDateTime, Utc};
use vicinato_domain::*;
use vicinato_store::{NewJob, StoreError};

/// Job kinds of bookings, run by [`super::reminders`].
pub const REMINDER_JOB: &str = "booking-reminder";

pub const NO_SHOW_JOB: &str = "booking-no-show";

/// "sabato 5/12, 15:00–17:00"
pub fn when_msg(slot: LocalSlot) -> Msg {
    Msg::new("book-when")
        .msg("day", Msg::new(format!("weekday-{}", slot.start.weekday().num_days_from_monday())))
        .text("date", slot.start.format("%-d/%-m").to_string())
        .text("from", slot.start.format("%H:%M").to_string())
        .text("to", slot.end.format("%H:%M").to_string())
}

/// Reads a slot from a button: `space|YYYYMMDDHHMM|minutes`.
pub fn slot_arg(arg: &str) -> Option<(SpaceId, NaiveDateTime, u16)> {
    let mut parts = arg.split('|');
    let (space, start, minutes) = (parts.next()?, parts.next()?, parts.next()?);
    // A forged payload can carry any year: only the window Vicinato reads is taken, so the
    // arithmetic on the slot cannot overflow.
    let start = NaiveDateTime::parse_from_str(start, "%Y%m%d%H%M").ok()?;
    if !vicinato_domain::dates::sane_date(start.date()) || parts.next().is_some() {
        return None;
    }
    Some((SpaceId::parse(space).ok()?, start, minutes.parse().ok()?))
}

/// The reminder jobs of a confirmed booking, and the no-show check after its start.
pub fn jobs_of(engine: &crate::Engine, booking: &Booking, now: DateTime<Utc>) -> Vec<NewJob> {
    let settings = &engine.spaces().settings;
    let mut jobs: Vec<NewJob> = settings
        .reminders_minutes
        .iter()
        .filter_map(|minutes| {
            let due = booking.starts - Duration::minutes(i64::from(*minutes));
            (due > now).then(|| NewJob {
                kind: REMINDER_JOB.into(),
                key: Some(format!("booking:{}:remind:{minutes}", booking.id)),
                payload: serde_json::json!({ "booking": booking.id.0, "minutes": minutes }).to_string(),
                due_at: due,
                cron: None,
                zone: booking.zone.name().into(),
            })
        })
        .collect();
    jobs.push(NewJob {
        kind: NO_SHOW_JOB.into(),
        key: Some(format!("booking:{}:no-show", booking.id)),
        payload: serde_json::json!({ "booking": booking.id.0 }).to_string(),
        due_at: booking.starts + Duration::minutes(i64::from(settings.no_show_grace_minutes)),
        cron: None,
        zone: booking.zone.name().into(),
    });
    jobs
}

/// The keys of a booking's jobs, to remove them (it was cancelled, declined or released).
pub fn job_keys(engine: &crate::Engine, booking: &Booking) -> Vec<String> {
    let settings = &engine.spaces().settings;
    let mut keys: Vec<String> =
        settings.reminders_minutes.iter().map(|minutes| format!("booking:{}:remind:{minutes}", booking.id)).collect();
    keys.push(format!("booking:{}:no-show", booking.id));
    keys
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

pub const HOLD_JOB: &str = "booking-hold";

/// Offers a slot a booking stopped occupying to the people waiting for it.
pub const FREED_JOB: &str = "booking-freed";

pub(crate) fn hold_key(id: BookingId) -> String {
    format!("booking:{id}:hold")
}

pub(crate) fn freed_key(id: BookingId) -> String {
    format!("booking:{id}:freed")
}

/// The job that offers a booking's slot to the waitlist: written in the transaction that frees
/// the slot (cancelled, declined, released, a hold not taken up), so a crash never loses it;
/// [`freed_now`] runs it at once.
pub fn freed_job(booking: &Booking, now: DateTime<Utc>) -> NewJob {
    NewJob {
        kind: FREED_JOB.into(),
        key: Some(freed_key(booking.id)),
        payload: serde_json::json!({ "booking": booking.id.0 }).to_string(),
        due_at: now,
        cron: None,
        zone: booking.zone.name().into(),
    }
}

/// Whether a space needs approval: as staff last said, else as the spaces file says.
pub async fn needs_approval(engine: &Engine, space: &Space) -> Result<bool, StoreError> {
    Ok(engine.store().space_approval(&space.id).await?.unwrap_or(space.needs_approval))
}

/// The closure that closes a space over `[from, to)`, if any.
pub async fn closure_over(
    engine: &Engine,
    space: &Space,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Option<SpaceClosure>, StoreError> {
    let closures = engine.store().space_closures(from, to).await?;
    Ok(closures.into_iter().find(|c| c.closes(engine.spaces(), space, from, to)))
}

/// The times a space is closed within `[from, to)`, as busy intervals.
pub async fn closed_times(
    engine: &Engine,
    space: &Space,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<(DateTime<Utc>, DateTime<Utc>)>, StoreError> {
    let closures = engine.store().space_closures(from, to).await?;
    Ok(closures.iter().filter(|c| c.closes(engine.spaces(), space, from, to)).map(|c| (c.starts, c.ends)).collect())
}
