//! Reading what a message says about a booking: spaces by name, the house from a place name,
//! dates ("domani", "sabato", "3 marzo", "3/12"; impossible and past dates named as such),
//! times ("alle 15", "10-12", "dalle 15 alle 17", a part of the day), length, people, and
//! "ogni martedì … per 6 settimane", day ranges ("dal 3 al 5 marzo", "from 3 to 5 March").
//! Italian and English; words not in the lexicons are the
//! date and number forms below. Nothing here asks or books: see `book`.

use crate::Turn;
use crate::understand::{DayPart, DayRef, When};
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, Timelike};
use regex::Regex;
use std::sync::LazyLock;
use vicinato_domain::*;

/// A date that cannot be booked, as the person wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateProblem {
    NoSuchDate(String),
    Past,
    /// A range of days longer than [`MAX_DAYS`], or ending before it starts.
    Range,
    /// A year outside the window Vicinato reads ([`vicinato_domain::dates`]).
    OutOfRange,
}

/// What one message said about a booking.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Said {
    pub spaces: Vec<SpaceId>,
    pub house: Option<LocationId>,
    pub date: Option<NaiveDate>,
    pub date_problem: Option<DateProblem>,
    pub from: Option<u16>,
    pub to: Option<u16>,
    pub length: Option<u16>,
    pub part: Option<DayPart>,
    pub people: Option<u32>,
    /// The whole message was a number.
    pub number: Option<u32>,
    /// "ogni martedì", "every Tuesday … for 6 weeks".
    pub weeks: Option<u8>,
    /// "dal 3 al 5 marzo": this many days from `date`, the first included.
    pub days: Option<u8>,
}

impl Said {
    pub fn is_empty(&self) -> bool {
        self.spaces.is_empty()
            && self.house.is_none()
            && self.date.is_none()
            && self.date_problem.is_none()
            && self.from.is_none()
            && self.length.is_none()
            && self.part.is_none()
            && self.people.is_none()
            && self.number.is_none()
            && self.weeks.is_none()
            && self.days.is_none()
    }
}

static DASH_RANGE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|\s)(\d{1,2})(?:[:.](\d{2}))?\s*[-–]\s*(\d{1,2})(?:[:.](\d{2}))?(?:\s|$)").expect("static regex")
});
static NUMERIC_DATE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^|\s|['’])(\d{1,2})/(\d{1,2})(?:/(\d{2,4}))?(?:\s|$)").expect("static regex"));
static WORD_RANGE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:^|\s)(?:dalle|dalle ore|from|tra le|between)\s+(\d{1,2})(?::(\d{2}))?\s+(?:alle|alle ore|a|to|until|till|e le|and)\s+(\d{1,2})(?::(\d{2}))?(?:\s|$)",
    )
    .expect("static regex")
});
static PEOPLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|\s)(?:per\s+|for\s+|siamo\s+|we are\s+)?(\d{1,5})\s+(?:persone|persona|partecipanti|ospiti|people|persons|person|participants|guests|pax)(?:\s|$)")
        .expect("static regex")
});
static LENGTH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|\s)(?:per\s+|for\s+)?(\d{1,4})\s+(ore|ora|h|hours|hour|minuti|minuto|min|minutes|minute)(?:\s|$)")
        .expect("static regex")
});
const MONTHS: &str = "gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre|ottobre|novembre|dicembre|january|february|march|april|may|june|july|august|september|october|november|december";
static DAY_MONTH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(?:^|\s)(?:il\s+|on\s+|the\s+)?(\d{{1,2}})\s+(?:of\s+)?({MONTHS})(?:\s+(\d{{4}}))?(?:\s|$)"))
        .expect("static regex")
});
static MONTH_DAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(?:^|\s)(?:on\s+)?({MONTHS})\s+(\d{{1,2}})(?:\s+(\d{{4}}))?(?:\s|$)")).expect("static regex")
});
static DAY_RANGE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?:^|\s)(?:dal|from|from the)\s+(\d{{1,2}})(?:\s+(?:of\s+)?({MONTHS}))?\s+(?:al|to|to the|until)\s+(\d{{1,2}})\s+(?:of\s+)?({MONTHS})(?:\s+(\d{{4}}))?(?:\s|$)"
    ))
    .expect("static regex")
});
/// The most days one request books ("dal 3 al 5 marzo").
pub const MAX_DAYS: u8 = 14;
static YESTERDAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|\s)(ieri|altroieri|yesterday|last week|settimana scorsa)(?:\s|$)").expect("static regex")
});
static EVERY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|\s)(?:ogni|every|tutti i|tutte le)\s+(?:lunedi|martedi|mercoledi|giovedi|venerdi|sabato|domenica|monday|tuesday|wednesday|thursday|friday|saturday|sunday|settimana|week)")
        .expect("static regex")
});
static WEEKS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|\s)(?:per|for)\s+(\d{1,3})\s+(?:settimane|settimana|weeks|week)(?:\s|$)").expect("static regex")
});
/// The most weeks one request books.
pub const MAX_WEEKS: u8 = 12;
/// Weeks booked by "ogni martedì" without a number.
const DEFAULT_WEEKS: u8 = 4;
static NEXT_WEEKDAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|\s)(?:(?:lunedi|martedi|mercoledi|giovedi|venerdi|sabato|domenica)\s+(?:prossimo|prossima)|(?:prossimo|prossima)\s+(?:lunedi|martedi|mercoledi|giovedi|venerdi|sabato|domenica)|next\s+(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday))(?:\s|$)")
        .expect("static regex")
});
static NUMBER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\s*(\d{1,5})\s*$").expect("static regex"));

fn month_number(name: &str) -> Option<u32> {
    MONTHS.split('|').position(|m| m == name).map(|i| (i % 12) as u32 + 1)
}

fn minute(h: Option<&str>, m: Option<&str>) -> Option<u16> {
    let h: u16 = h?.parse().ok()?;
    let m: u16 = m.map(str::parse).transpose().ok()?.unwrap_or(0);
    (h <= 24 && m < 60 && h * 60 + m <= 1440).then_some(h * 60 + m)
}

fn blank(text: &mut String, range: std::ops::Range<usize>) {
    text.replace_range(range.clone(), &" ".repeat(range.len()));
}

/// Reads a date written with a day and a month, for a year: the coming one when the year is
/// not given.
fn date_from(day: &str, month: u32, year: Option<&str>, today: NaiveDate, written: &str) -> Said {
    let mut said = Said::default();
    let Ok(day) = day.parse::<u32>() else {
        return said;
    };
    let explicit = year.and_then(|y| y.parse::<i32>().ok()).map(|y| if y < 100 { 2000 + y } else { y });
    if explicit.is_some_and(|y| !vicinato_domain::dates::sane_year(y)) {
        said.date_problem = Some(DateProblem::OutOfRange);
        return said;
    }
    let year = explicit.unwrap_or(today.year());
    match NaiveDate::from_ymd_opt(year, month, day) {
        None => said.date_problem = Some(DateProblem::NoSuchDate(written.trim().to_owned())),
        Some(d) if d < today && explicit.is_some() => said.date_problem = Some(DateProblem::Past),
        Some(d) if d < today => match NaiveDate::from_ymd_opt(year + 1, month, day) {
            Some(next) => said.date = Some(next),
            None => said.date_problem = Some(DateProblem::NoSuchDate(written.trim().to_owned())),
        },
        Some(d) => said.date = Some(d),
    }
    said
}

/// What a message says about a booking; `now` is local time in the house's zone.
pub fn read(turn: &Turn<'_>, text: &str, now: NaiveDateTime) -> Said {
    let today = now.date();
    let mut said = Said::default();
    let mut raw = text.to_lowercase();
    if let Some(c) = NUMBER.captures(&raw) {
        said.number = c[1].parse().ok();
        return said;
    }
    if let Some(c) = DASH_RANGE.captures(&raw) {
        said.from = minute(c.get(1).map(|m| m.as_str()), c.get(2).map(|m| m.as_str()));
        said.to = minute(c.get(3).map(|m| m.as_str()), c.get(4).map(|m| m.as_str()));
        let span = c.get(0).map(|m| m.range()).unwrap_or_default();
        blank(&mut raw, span);
    }
    if let Some(c) = NUMERIC_DATE.captures(&raw) {
        let written = c[0].to_owned();
        if let Ok(month) = c[2].parse::<u32>()
            && (1..=12).contains(&month)
        {
            let d = date_from(&c[1], month, c.get(3).map(|m| m.as_str()), today, &written);
            said.date = d.date;
            said.date_problem = d.date_problem;
        } else {
            said.date_problem = Some(DateProblem::NoSuchDate(written.trim().to_owned()));
        }
        let span = c.get(0).map(|m| m.range()).unwrap_or_default();
        blank(&mut raw, span);
    }
    let mut folded = text::fold(&raw);
    if let Some(c) = DAY_RANGE.captures(&folded) {
        let year = c.get(5).map(|m| m.as_str());
        let last_month = month_number(&c[4]).unwrap_or(1);
        let first_month = c.get(2).and_then(|m| month_number(m.as_str())).unwrap_or(last_month);
        let first = date_from(
            &c[1],
            first_month,
            year,
            today,
            &format!("{} {}", &c[1], c.get(2).map_or(&c[4], |m| m.as_str())),
        );
        let last = date_from(&c[3], last_month, year, today, &format!("{} {}", &c[3], &c[4]));
        match (first.date, last.date) {
            (Some(f), Some(l)) => {
                // "dal 30 dicembre al 2 gennaio": the end is in the year after the start.
                let l = if l < f && year.is_none() { l.with_year(l.year() + 1).unwrap_or(l) } else { l };
                let days = (l - f).num_days() + 1;
                if (1..=i64::from(MAX_DAYS)).contains(&days) {
                    said.date = Some(f);
                    said.days = Some(days as u8);
                } else {
                    said.date_problem = Some(DateProblem::Range);
                }
            }
            _ => said.date_problem = first.date_problem.or(last.date_problem),
        }
        let span = c.get(0).map(|m| m.range()).unwrap_or_default();
        blank(&mut folded, span);
    }
    if let Some(c) = WORD_RANGE.captures(&folded) {
        said.from = minute(c.get(1).map(|m| m.as_str()), c.get(2).map(|m| m.as_str()));
        said.to = minute(c.get(3).map(|m| m.as_str()), c.get(4).map(|m| m.as_str()));
        let span = c.get(0).map(|m| m.range()).unwrap_or_default();
        blank(&mut folded, span);
    }
    if let Some(c) = PEOPLE.captures(&folded) {
        said.people = c[1].parse().ok();
        let span = c.get(0).map(|m| m.range()).unwrap_or_default();
        blank(&mut folded, span);
    }
    if let Some(c) = LENGTH.captures(&folded) {
        let n: u16 = c[1].parse().unwrap_or(0);
        let hours = matches!(&c[2], "ore" | "ora" | "h" | "hours" | "hour");
        said.length = Some(if hours { n.saturating_mul(60) } else { n });
        let span = c.get(0).map(|m| m.range()).unwrap_or_default();
        blank(&mut folded, span);
    }
    for re in [&*DAY_MONTH, &*MONTH_DAY] {
        if let Some(c) = re.captures(&folded) {
            let (day, month) = if re.as_str() == DAY_MONTH.as_str() { (&c[1], &c[2]) } else { (&c[2], &c[1]) };
            let written = format!("{day} {month}");
            let d = date_from(day, month_number(month).unwrap_or(1), c.get(3).map(|m| m.as_str()), today, &written);
            if said.date_problem.is_none() {
                said.date = d.date;
                said.date_problem = d.date_problem;
            }
            let span = c.get(0).map(|m| m.range()).unwrap_or_default();
            blank(&mut folded, span);
        }
    }
    if let Some(c) = WEEKS.captures(&folded) {
        let n: u32 = c[1].parse().unwrap_or(0);
        said.weeks = Some(n.clamp(1, u32::from(MAX_WEEKS)) as u8);
        let span = c.get(0).map(|m| m.range()).unwrap_or_default();
        blank(&mut folded, span);
    }
    if said.weeks.is_none() && EVERY.is_match(&folded) {
        said.weeks = Some(DEFAULT_WEEKS);
    }
    if YESTERDAY.is_match(&folded) {
        said.date_problem = Some(DateProblem::Past);
    }
    said.spaces = turn.engine.spaces().named_in(&folded).into_iter().map(|s| s.id.clone()).collect();
    let understood = turn.snapshot.understander.understand(&folded, turn.lang);
    if let Some(territory) = &understood.slots.territory {
        said.house = house_in(turn, territory);
    }
    if let Some(when) = &understood.slots.when {
        if said.date.is_none() && when.day.is_some() {
            said.date = crate::resolve_when(when, now).map(|w| w.date);
        }
        if said.from.is_none() {
            said.from = when.minutes();
        }
        said.part = when.part;
        // "sabato pomeriggio" said on a Saturday evening means next Saturday.
        let named_weekday = when.day.and_then(|d| d.weekday_index()).is_some();
        let start = said.from.or(said.part.map(|p| p.span().0));
        if named_weekday && said.date == Some(today) && start.is_some_and(|m| m < minute_of_day(now)) {
            said.date = Some(today + Duration::days(7));
        }
        // "sabato prossimo" said on a Saturday means in 7 days; said on another day, the
        // coming Saturday (as "sabato"), which is how it is meant in Italian.
        if named_weekday && said.date == Some(today) && NEXT_WEEKDAY.is_match(&folded) {
            said.date = Some(today + Duration::days(7));
        }
    }
    said
}

/// The bookable house in a territory, or nearest above it.
pub fn house_in(turn: &Turn<'_>, territory: &TerritoryId) -> Option<LocationId> {
    let spaces = turn.engine.spaces();
    let houses: Vec<&Location> =
        turn.snapshot.houses.iter().filter(|h| spaces.house(&h.id).is_some_and(|x| !x.spaces.is_empty())).collect();
    let mut at = Some(territory.clone());
    while let Some(t) = at {
        if let Some(h) = houses.iter().find(|h| turn.snapshot.tree.contains(&t, &h.territory)) {
            return Some(h.id.clone());
        }
        at = turn.snapshot.tree.get(&t).and_then(|x| x.parent.clone());
    }
    None
}

/// Minutes after midnight.
pub fn minute_of_day(t: NaiveDateTime) -> u16 {
    (t.hour() * 60 + t.minute()) as u16
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_numbered_in_both_languages() {
        assert_eq!(month_number("febbraio"), Some(2));
        assert_eq!(month_number("march"), Some(3));
        assert_eq!(month_number("dicembre"), Some(12));
    }

    #[test]
    fn impossible_and_past_dates_are_named() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        assert_eq!(
            date_from("31", 2, None, today, "31 febbraio").date_problem,
            Some(DateProblem::NoSuchDate("31 febbraio".into()))
        );
        assert_eq!(date_from("3", 3, None, today, "3 marzo").date, NaiveDate::from_ymd_opt(2027, 3, 3));
        assert_eq!(date_from("3", 3, Some("2026"), today, "3 marzo 2026").date_problem, Some(DateProblem::Past));
        assert_eq!(date_from("3", 3, Some("9999"), today, "3 marzo 9999").date_problem, Some(DateProblem::OutOfRange));
        assert_eq!(date_from("5", 12, None, today, "5 dicembre").date, NaiveDate::from_ymd_opt(2026, 12, 5));
    }

    #[test]
    fn day_ranges_are_read_in_both_languages() {
        let now = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap().and_hms_opt(10, 0, 0).unwrap();
        let range = |text: &str| {
            let c = DAY_RANGE.captures(text).unwrap();
            (c[1].to_owned(), c.get(2).map(|m| m.as_str().to_owned()), c[3].to_owned(), c[4].to_owned())
        };
        assert_eq!(range("sala dal 3 al 5 marzo alle 10"), ("3".into(), None, "5".into(), "marzo".into()));
        assert_eq!(range("from 3 to 5 march"), ("3".into(), None, "5".into(), "march".into()));
        assert_eq!(
            range("dal 30 dicembre al 2 gennaio"),
            ("30".into(), Some("dicembre".into()), "2".into(), "gennaio".into())
        );
        assert!(DAY_RANGE.captures("dalle 15 alle 17").is_none());
        assert_eq!(date_from("3", 3, None, now.date(), "3 marzo").date, NaiveDate::from_ymd_opt(2027, 3, 3));
    }

    #[test]
    fn clock_minutes_stop_at_midnight() {
        assert_eq!(minute(Some("10"), None), Some(600));
        assert_eq!(minute(Some("24"), Some("00")), Some(1440));
        assert_eq!(minute(Some("25"), None), None);
        assert_eq!(minute(Some("10"), Some("75")), None);
    }
}

/// Resolves "now", "Sunday", "tomorrow afternoon", "at 15:00" into a window in local time.
pub fn resolve_when(when: &When, now: NaiveDateTime) -> Option<OpenWindow> {
    if when.now && when.day.is_none() && when.time.is_none() {
        return Some(OpenWindow::at(now));
    }
    let date = match when.day {
        None | Some(DayRef::Today) => now.date(),
        Some(DayRef::Tomorrow) => now.date() + Duration::days(1),
        Some(day) => {
            let target = i64::from(day.weekday_index().unwrap_or(0));
            let today = i64::from(now.date().weekday().num_days_from_monday());
            now.date() + Duration::days((target - today).rem_euclid(7))
        }
    };
    let (from, to) = match (when.minutes(), when.part) {
        (Some(m), _) => (m, m + 1),
        (None, Some(part)) => part.span(),
        (None, None) if when.now => {
            let w = OpenWindow::at(now);
            (w.from_minute, w.to_minute)
        }
        (None, None) if when.day.is_some() => (0, 1440),
        (None, None) => return None,
    };
    Some(OpenWindow { date, from_minute: from, to_minute: to.min(1440) })
}

#[cfg(test)]
mod resolve_when_tests {
    use super::*;
    use chrono::NaiveDate;

    fn saturday_10() -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, 28).unwrap().and_hms_opt(10, 0, 0).unwrap()
    }

    #[test]
    fn sunday_means_the_coming_sunday_all_day() {
        let w = resolve_when(&When { day: Some(DayRef::Sunday), ..Default::default() }, saturday_10()).unwrap();
        assert_eq!(w.date, NaiveDate::from_ymd_opt(2026, 11, 29).unwrap());
        assert_eq!((w.from_minute, w.to_minute), (0, 1440));
    }

    #[test]
    fn saturday_today_afternoon_stays_today() {
        let w = resolve_when(
            &When {
                day: Some(DayRef::Saturday),
                part: Some(crate::understand::DayPart::Afternoon),
                ..Default::default()
            },
            saturday_10(),
        )
        .unwrap();
        assert_eq!(w.date, saturday_10().date());
        assert_eq!(w.from_minute, 13 * 60);
    }

    #[test]
    fn now_is_this_minute() {
        let w = resolve_when(&When { now: true, ..Default::default() }, saturday_10()).unwrap();
        assert_eq!((w.from_minute, w.to_minute), (600, 601));
    }

    #[test]
    fn tomorrow_at_three_is_a_moment_tomorrow() {
        let w = resolve_when(
            &When { day: Some(DayRef::Tomorrow), time: Some("15:00".into()), ..Default::default() },
            saturday_10(),
        )
        .unwrap();
        assert_eq!(w.date.day(), 29);
        assert_eq!(w.from_minute, 900);
    }
}
