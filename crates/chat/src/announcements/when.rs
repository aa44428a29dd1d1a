//! When an announcement goes out, as staff write it: "ora"/"now", "domani alle 9", "oggi alle
//! 18", "sabato alle 10", "12/12 alle 9", "2026-12-12 09:00", "alle 18" (today, or tomorrow
//! when that hour has passed), or every week, "ogni lunedì alle 9" / "every Monday at 9".
//! A day without an hour is at 9. Italian and English; local time in the configured zone.
//! Reads only; whether the time has passed is the core's to say.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime};
use regex::Regex;
use std::sync::LazyLock;
use vicinato_domain::Recurrence;
use vicinato_domain::text::fold;

/// What a message says about when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Said {
    Now,
    /// A local date and time.
    At(NaiveDateTime),
    Every(Recurrence),
}

const WEEKDAYS: [(&str, &str); 7] = [
    ("lunedi", "monday"),
    ("martedi", "tuesday"),
    ("mercoledi", "wednesday"),
    ("giovedi", "thursday"),
    ("venerdi", "friday"),
    ("sabato", "saturday"),
    ("domenica", "sunday"),
];

/// 1 = Monday … 7 = Sunday.
fn weekday(word: &str) -> Option<u8> {
    WEEKDAYS.iter().position(|(it, en)| word == *it || word == *en).map(|i| i as u8 + 1)
}

static NOW: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:(?:invia|manda|send)\s+)?(?:ora|adesso|subito|now|right now|immediately|straight away)$")
        .expect("static regex")
});
static TIME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|\s)(?:alle|all|ore|at|h)?\s*(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?\s*$").expect("static regex")
});
static CLOCK_DOT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(\d)\.(\d{2})").expect("static regex"));
static ISO: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(\d{4})-(\d{1,2})-(\d{1,2})").expect("static regex"));
static NUMERIC: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^|\s)(\d{1,2})/(\d{1,2})(?:/(\d{2,4}))?(?:\s|$)").expect("static regex"));

/// The hour and minute at the end of `rest` ("alle 9", "09:30", "at 6 pm"); 9:00 when there
/// is none, `None` when something there is not a time.
fn time_in(rest: &str) -> Option<NaiveTime> {
    let rest = rest.trim();
    if rest.is_empty() {
        return NaiveTime::from_hms_opt(9, 0, 0);
    }
    let c = TIME.captures(rest)?;
    let before = rest[..c.get(0)?.start()].trim();
    if !before.is_empty() {
        return None;
    }
    let mut hour: u32 = c[1].parse().ok()?;
    let minute: u32 = c.get(2).map_or(Some(0), |m| m.as_str().parse().ok())?;
    match c.get(3).map(|m| m.as_str()) {
        Some("pm") if hour < 12 => hour += 12,
        Some("am") if hour == 12 => hour = 0,
        _ => {}
    }
    NaiveTime::from_hms_opt(hour, minute, 0)
}

/// Reads when; `now` is local time. `None` when the text says no time Vicinato reads.
pub(crate) fn read(text: &str, now: NaiveDateTime) -> Option<Said> {
    let lower = CLOCK_DOT.replace_all(&text.trim().to_lowercase(), "$1:$2").into_owned();
    let folded = fold(&lower);
    if NOW.is_match(&folded) {
        return Some(Said::Now);
    }
    let today = now.date();
    // A date written with numbers, before folding takes its separators.
    let numeric = ISO
        .captures(&lower)
        .and_then(|c| {
            let d = NaiveDate::from_ymd_opt(c[1].parse().ok()?, c[2].parse().ok()?, c[3].parse().ok()?)?;
            Some((d, lower[c.get(0)?.end()..].to_owned()))
        })
        .or_else(|| {
            let c = NUMERIC.captures(&lower)?;
            let (day, month): (u32, u32) = (c[1].parse().ok()?, c[2].parse().ok()?);
            let year = match c.get(3) {
                Some(y) => {
                    let y: i32 = y.as_str().parse().ok()?;
                    if y < 100 { 2000 + y } else { y }
                }
                None => today.year(),
            };
            let mut d = NaiveDate::from_ymd_opt(year, month, day)?;
            if c.get(3).is_none() && d < today {
                d = NaiveDate::from_ymd_opt(year + 1, month, day)?;
            }
            Some((d, lower[c.get(0)?.end()..].to_owned()))
        });
    if let Some((date, rest)) = numeric {
        let rest = fold(&rest);
        return Some(Said::At(date.and_time(time_in(&rest)?)));
    }
    let words: Vec<&str> = folded.split(' ').collect();
    let (head, rest) = match words.as_slice() {
        ["ogni" | "every" | "tutti" | "tutte", more @ ..] => {
            let more = match more {
                ["i" | "le", tail @ ..] => tail,
                tail => tail,
            };
            let (day, tail) = more.split_first()?;
            let day = weekday(day.trim_end_matches('s'))?;
            let time = time_in(&tail.join(" "))?;
            return Some(Said::Every(Recurrence::Weekly {
                weekday: day,
                hour: time.format("%H").to_string().parse().ok()?,
                minute: time.format("%M").to_string().parse().ok()?,
            }));
        }
        [first, tail @ ..] => (*first, tail.join(" ")),
        [] => return None,
    };
    let day = match head {
        "oggi" | "today" | "stasera" | "tonight" => Some(today),
        "domani" | "tomorrow" => Some(today + Duration::days(1)),
        "dopodomani" => Some(today + Duration::days(2)),
        other => weekday(other).map(|wd| {
            let ahead = (i64::from(wd) - 1 - i64::from(today.weekday().num_days_from_monday())).rem_euclid(7);
            today + Duration::days(ahead)
        }),
    };
    match day {
        Some(date) => Some(Said::At(date.and_time(time_in(&rest)?))),
        // Only an hour: today, or tomorrow once it has passed.
        None => {
            let time = time_in(&folded).filter(|_| !folded.is_empty())?;
            let at = today.and_time(time);
            Some(Said::At(if at <= now { at + Duration::days(1) } else { at }))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Saturday 28 November 2026, 10:00.
    fn saturday_10() -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, 28).unwrap().and_hms_opt(10, 0, 0).unwrap()
    }

    fn at(m: u32, d: u32, h: u32, min: u32) -> Said {
        Said::At(NaiveDate::from_ymd_opt(2026, m, d).unwrap().and_hms_opt(h, min, 0).unwrap())
    }

    #[test]
    fn now_is_read_in_both_languages() {
        for now in ["ora", "Adesso", "subito!", "now", "invia ora", "send now"] {
            assert_eq!(read(now, saturday_10()), Some(Said::Now), "{now}");
        }
    }

    #[test]
    fn a_day_and_an_hour_are_read_in_both_languages() {
        assert_eq!(read("domani alle 9", saturday_10()), Some(at(11, 29, 9, 0)));
        assert_eq!(read("tomorrow at 6 pm", saturday_10()), Some(at(11, 29, 18, 0)));
        assert_eq!(read("oggi alle 18:30", saturday_10()), Some(at(11, 28, 18, 30)));
        assert_eq!(read("lunedì alle 9.15", saturday_10()), Some(at(11, 30, 9, 15)));
        assert_eq!(read("martedi", saturday_10()), Some(at(12, 1, 9, 0)), "a day alone is at 9");
        assert_eq!(read("12/12 alle 9", saturday_10()), Some(at(12, 12, 9, 0)));
        assert_eq!(read("2026-12-12 09:00", saturday_10()), Some(at(12, 12, 9, 0)));
        assert_eq!(read("alle 18", saturday_10()), Some(at(11, 28, 18, 0)));
        assert_eq!(read("alle 8", saturday_10()), Some(at(11, 29, 8, 0)), "passed today: tomorrow");
    }

    #[test]
    fn every_week_is_a_recurrence() {
        let monday_nine = Said::Every(Recurrence::Weekly { weekday: 1, hour: 9, minute: 0 });
        assert_eq!(read("ogni lunedì alle 9", saturday_10()), Some(monday_nine.clone()));
        assert_eq!(read("every Monday at 9", saturday_10()), Some(monday_nine.clone()));
        assert_eq!(read("every mondays at 9:00", saturday_10()), Some(monday_nine));
        assert_eq!(
            read("tutte le domeniche alle 10", saturday_10()),
            None,
            "plural Italian weekday names are not read: the question is asked again"
        );
    }

    #[test]
    fn what_is_no_time_is_not_read() {
        for no in ["mercato sabato in piazza", "domani forse", "ogni tanto", "31/02 alle 9", "alle 25", ""] {
            assert_eq!(read(no, saturday_10()), None, "{no}");
        }
    }
}
