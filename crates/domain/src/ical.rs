//! iCalendar (RFC 5545) for bookings: one `VEVENT` per booking, times in UTC, text escaped
//! (backslash, semicolon, comma, newlines) and lines folded at 75 octets without splitting a
//! character. Written by hand: the format is small and this is all of it that is needed.

use super::booking::{Booking, BookingStatus};
use chrono::{DateTime, Utc};

/// One calendar entry: a booking with the names to show.
#[derive(Debug, Clone)]
pub struct CalendarEntry<'a> {
    pub booking: &'a Booking,
    pub space: String,
    pub house: String,
}

/// Escapes a TEXT value.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds one content line: at most 75 octets per physical line, continuations begin with a
/// space, every line ends with CRLF.
pub fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3 + 2);
    let mut width = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
    out
}

fn stamp(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// A calendar of bookings; `now` is the stamp of every event.
pub fn calendar(name: &str, entries: &[CalendarEntry<'_>], now: DateTime<Utc>) -> String {
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        "PRODID:-//Vicinato//Bookings//IT".to_owned(),
        "CALSCALE:GREGORIAN".to_owned(),
        format!("X-WR-CALNAME:{}", escape(name)),
    ];
    for e in entries {
        let b = e.booking;
        let status = match b.status {
            BookingStatus::Confirmed => "CONFIRMED",
            BookingStatus::Pending | BookingStatus::Held => "TENTATIVE",
            BookingStatus::Cancelled | BookingStatus::Declined | BookingStatus::Released => "CANCELLED",
        };
        lines.extend([
            "BEGIN:VEVENT".to_owned(),
            format!("UID:booking-{}@vicinato", b.id),
            format!("DTSTAMP:{}", stamp(now)),
            format!("DTSTART:{}", stamp(b.starts)),
            format!("DTEND:{}", stamp(b.ends)),
            format!("SUMMARY:{}", escape(&format!("{} – {}", e.space, b.purpose))),
            format!("LOCATION:{}", escape(&e.house)),
            format!("STATUS:{status}"),
            "END:VEVENT".to_owned(),
        ]);
    }
    lines.push("END:VCALENDAR".to_owned());
    lines.iter().map(|l| fold(l)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{BookingId, LocationId, PersonId, SpaceId};

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("a;b,c\\d\nnew"), "a\\;b\\,c\\\\d\\nnew");
    }

    #[test]
    fn long_lines_fold_at_75_octets_without_splitting_characters() {
        let line = format!("SUMMARY:{}", "è".repeat(60));
        let folded = fold(&line);
        for physical in folded.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(physical.len() <= 75, "{} octets", physical.len());
        }
        let unfolded = folded.replace("\r\n ", "");
        assert_eq!(unfolded, format!("{line}\r\n"));
    }

    #[test]
    fn a_booking_becomes_one_event_in_utc() {
        let t = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        let b = Booking {
            id: BookingId(7),
            house: LocationId::new("casa"),
            space: SpaceId::new("sala"),
            person: PersonId(1),
            status: BookingStatus::Confirmed,
            starts: t("2026-12-01T14:00:00Z"),
            ends: t("2026-12-01T16:00:00Z"),
            zone: chrono_tz::Europe::Rome,
            people: 20,
            purpose: "Riunione; comitato, quartiere".into(),
            created_at: t("2026-11-28T09:00:00Z"),
            checked_in_at: None,
            association: None,
        };
        let entry = CalendarEntry { booking: &b, space: "Sala grande".into(), house: "Casa del Welfare".into() };
        let cal = calendar("Vicinato", &[entry], t("2026-11-28T10:00:00Z"));
        assert!(cal.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(cal.contains("DTSTART:20261201T140000Z\r\n"));
        assert!(cal.contains("SUMMARY:Sala grande – Riunione\\; comitato\\, quartiere\r\n"));
        assert!(cal.contains("UID:booking-7@vicinato\r\n"));
        assert!(cal.ends_with("END:VCALENDAR\r\n"));
    }
}
