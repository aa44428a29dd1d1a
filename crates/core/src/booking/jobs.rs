//! The scheduler jobs that follow a booking: its reminders and the no-show check (a confirmed
//! booking), the end of a hold (a slot offered from the waitlist), and the offer of a freed
//! slot to the waitlist; their kinds, keys and payloads. Pure: builds jobs, writes none, and
//! says nothing about what a job does when it runs.

use chrono::{DateTime, Duration, Utc};
use vicinato_domain::*;
use vicinato_store::NewJob;

/// A reminder before a confirmed booking starts.
pub const REMINDER_JOB: &str = "booking-reminder";
/// The release of a confirmed booking nobody checked in to.
pub const NO_SHOW_JOB: &str = "booking-no-show";
/// The end of the time a slot offered from the waitlist is held.
pub const HOLD_JOB: &str = "booking-hold";
/// Offers a slot a booking stopped occupying to the people waiting for it.
pub const FREED_JOB: &str = "booking-freed";

pub fn hold_key(id: BookingId) -> String {
    format!("booking:{id}:hold")
}

pub fn freed_key(id: BookingId) -> String {
    format!("booking:{id}:freed")
}

/// The reminder jobs of a confirmed booking, and the no-show check after its start.
pub fn of_confirmed(settings: &BookingSettings, booking: &Booking, now: DateTime<Utc>) -> Vec<NewJob> {
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

/// The keys of a booking's [`of_confirmed`] jobs, to remove them (it was cancelled,
/// declined or released).
pub fn keys(settings: &BookingSettings, booking: &Booking) -> Vec<String> {
    let mut keys: Vec<String> =
        settings.reminders_minutes.iter().map(|minutes| format!("booking:{}:remind:{minutes}", booking.id)).collect();
    keys.push(format!("booking:{}:no-show", booking.id));
    keys
}

/// The job that offers a booking's slot to the waitlist: written in the transaction that frees
/// the slot (cancelled, declined, released, a hold not taken up), so a crash never loses it.
pub fn freed(booking: &Booking, now: DateTime<Utc>) -> NewJob {
    NewJob {
        kind: FREED_JOB.into(),
        key: Some(freed_key(booking.id)),
        payload: serde_json::json!({ "booking": booking.id.0 }).to_string(),
        due_at: now,
        cron: None,
        zone: booking.zone.name().into(),
    }
}

/// The end of a hold, `hold_minutes` from now.
pub fn hold(id: BookingId, zone: chrono_tz::Tz, now: DateTime<Utc>, hold_minutes: u32) -> NewJob {
    NewJob {
        kind: HOLD_JOB.into(),
        key: Some(hold_key(id)),
        payload: serde_json::json!({ "booking": id.0 }).to_string(),
        due_at: now + Duration::minutes(i64::from(hold_minutes)),
        cron: None,
        zone: zone.name().into(),
    }
}
