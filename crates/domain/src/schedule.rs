//! Opening hours: weekly slots, public holidays and closures, evaluated in local time.
//!
//! The compact text form `mo-fr 09:00-13:00, 14:30-17:30; sa 09:00-12:00` is how people and
//! files write hours; [`WeeklyHours`] parses and prints it, so a round trip is exact.

use super::holidays::is_public_holiday;
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Weekday};
use serde::{Deserialize, Serialize};
use std::fmt;

/// One opening on one weekday, in minutes after midnight (`closes` may be 1440).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Slot {
    /// Monday is 0.
    pub weekday: u8,
    pub opens: u16,
    pub closes: u16,
}

/// Why a text is not valid opening hours.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HoursError {
    #[error("unknown day `{0}` (use mo tu we th fr sa su)")]
    Day(String),
    #[error("bad time range `{0}` (write it as 09:00-13:00)")]
    Range(String),
    #[error("group `{0}` has days but no times")]
    NoTimes(String),
    #[error("bad date range `{0}` (write it as 2026-08-10/2026-08-21)")]
    Dates(String),
}

/// The weekly pattern of a schedule.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct WeeklyHours {
    slots: Vec<Slot>,
}

const DAY_CODES: [&str; 7] = ["mo", "tu", "we", "th", "fr", "sa", "su"];

fn day_index(code: &str) -> Result<u8, HoursError> {
    DAY_CODES
        .iter()
        .position(|d| *d == code.trim())
        .map(|i| i as u8)
        .ok_or_else(|| HoursError::Day(code.trim().to_owned()))
}

fn parse_minutes(raw: &str) -> Option<u16> {
    let (h, m) = raw.trim().split_once(':')?;
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    (h <= 24 && m < 60 && h * 60 + m <= 1440).then_some(h * 60 + m)
}

pub fn format_minutes(m: u16) -> String {
    format!("{:02}:{:02}", m / 60, m % 60)
}

impl WeeklyHours {
    pub fn new(mut slots: Vec<Slot>) -> Self {
        slots.sort();
        slots.dedup();
        Self { slots }
    }

    pub fn slots(&self) -> &[Slot] {
        &self.slots
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// Parses `mo-fr 09:00-13:00, 14:30-17:30; sa 09:00-12:00`. An empty text means no hours.
    pub fn parse(text: &str) -> Result<Self, HoursError> {
        let mut slots = Vec::new();
        for group in text.split(';').map(str::trim).filter(|g| !g.is_empty()) {
            let (days, times) =
                group.split_once(char::is_whitespace).ok_or_else(|| HoursError::NoTimes(group.to_owned()))?;
            let mut weekdays = Vec::new();
            for part in days.split(',') {
                match part.split_once('-') {
                    Some((from, to)) => {
                        let (from, to) = (day_index(from)?, day_index(to)?);
                        let mut d = from;
                        loop {
                            weekdays.push(d);
                            if d == to {
                                break;
                            }
                            d = (d + 1) % 7;
                        }
                    }
                    None => weekdays.push(day_index(part)?),
                }
            }
            for range in times.split(',').map(str::trim).filter(|r| !r.is_empty()) {
                let (opens, closes) = range
                    .split_once('-')
                    .and_then(|(a, b)| Some((parse_minutes(a)?, parse_minutes(b)?)))
                    .filter(|(a, b)| a < b)
                    .ok_or_else(|| HoursError::Range(range.to_owned()))?;
                for &weekday in &weekdays {
                    slots.push(Slot { weekday, opens, closes });
                }
            }
        }
        Ok(Self::new(slots))
    }

    /// Slots on a weekday, in order.
    pub fn on(&self, weekday: Weekday) -> impl Iterator<Item = &Slot> {
        let wd = weekday.num_days_from_monday() as u8;
        self.slots.iter().filter(move |s| s.weekday == wd)
    }
}

impl TryFrom<String> for WeeklyHours {
    type Error = HoursError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<WeeklyHours> for String {
    fn from(value: WeeklyHours) -> Self {
        value.to_string()
    }
}

/// Weekdays sharing the same times: the days as runs of consecutive weekdays (0 = Monday,
/// `(0, 4)` = Monday to Friday), and the times as minutes from midnight.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayGroup {
    pub runs: Vec<(u8, u8)>,
    pub times: Vec<(u16, u16)>,
}

impl WeeklyHours {
    /// The week compactly: one group per set of weekdays with the same times, in weekday order
    /// of each group's first day.
    pub fn groups(&self) -> Vec<DayGroup> {
        let mut by_day: Vec<Vec<(u16, u16)>> = vec![Vec::new(); 7];
        for s in &self.slots {
            by_day[s.weekday as usize].push((s.opens, s.closes));
        }
        // The weekdays of each distinct set of times, in order of first appearance.
        type Times = Vec<(u16, u16)>;
        let mut groups: Vec<(Vec<u8>, Times)> = Vec::new();
        for (d, times) in by_day.into_iter().enumerate() {
            if times.is_empty() {
                continue;
            }
            match groups.iter_mut().find(|(_, t)| *t == times) {
                Some((days, _)) => days.push(d as u8),
                None => groups.push((vec![d as u8], times)),
            }
        }
        groups
            .into_iter()
            .map(|(days, times)| {
                let mut runs: Vec<(u8, u8)> = Vec::new();
                for d in days {
                    match runs.last_mut() {
                        Some((_, end)) if *end + 1 == d => *end = d,
                        _ => runs.push((d, d)),
                    }
                }
                DayGroup { runs, times }
            })
            .collect()
    }
}

impl fmt::Display for WeeklyHours {
    /// Prints one group per weekday sharing the same times, days joined into ranges.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for DayGroup { runs, times } in self.groups() {
            if !first {
                f.write_str("; ")?;
            }
            first = false;
            let days: Vec<String> = runs
                .iter()
                .flat_map(|&(a, b)| match b - a {
                    0 => vec![DAY_CODES[a as usize].to_owned()],
                    1 => vec![DAY_CODES[a as usize].to_owned(), DAY_CODES[b as usize].to_owned()],
                    _ => vec![format!("{}-{}", DAY_CODES[a as usize], DAY_CODES[b as usize])],
                })
                .collect();
            let times: Vec<String> =
                times.iter().map(|(o, c)| format!("{}-{}", format_minutes(*o), format_minutes(*c))).collect();
            write!(f, "{} {}", days.join(","), times.join(", "))?;
        }
        Ok(())
    }
}

/// Whether a schedule keeps to public holidays.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HolidayPolicy {
    /// Closed on Italian public holidays (the usual case for offices).
    #[default]
    Closed,
    /// Open on holidays as on any other day of the week (canteens, shelters, phone lines).
    Open,
}

/// An inclusive range of dates on which a schedule is closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Closure {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Closure {
    pub fn parse(text: &str) -> Result<Self, HoursError> {
        let bad = || HoursError::Dates(text.to_owned());
        let (a, b) = text.split_once('/').unwrap_or((text, text));
        let from = NaiveDate::parse_from_str(a.trim(), "%Y-%m-%d").map_err(|_| bad())?;
        let to = NaiveDate::parse_from_str(b.trim(), "%Y-%m-%d").map_err(|_| bad())?;
        if to < from {
            return Err(bad());
        }
        Ok(Self { from, to })
    }

    pub fn contains(&self, date: NaiveDate) -> bool {
        self.from <= date && date <= self.to
    }
}

impl TryFrom<String> for Closure {
    type Error = HoursError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Closure> for String {
    fn from(c: Closure) -> Self {
        if c.from == c.to { c.from.to_string() } else { format!("{}/{}", c.from, c.to) }
    }
}

/// When something is open: weekly hours, minus holidays (by policy) and closures.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Schedule {
    pub weekly: WeeklyHours,
    #[serde(default)]
    pub holidays: HolidayPolicy,
    #[serde(default)]
    pub closures: Vec<Closure>,
}

/// The hours of one date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DayHours {
    /// Open at these times (minutes from midnight).
    Open(Vec<(u16, u16)>),
    /// The weekly hours have nothing that day.
    Closed,
    /// A public holiday, and the schedule keeps to them.
    Holiday,
    /// Inside one of the schedule's closures.
    Closure(Closure),
}

/// Whether a place is open at a moment, and what comes next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenState {
    /// Open now, until this local time today.
    OpenUntil(NaiveDateTime),
    /// Closed now; opens next at this local time.
    OpensAt(NaiveDateTime),
    /// No opening in the coming weeks (or no hours known).
    Unknown,
}

impl Schedule {
    /// Whether the schedule opens at all on this date.
    pub fn opens_on(&self, date: NaiveDate) -> bool {
        if self.closures.iter().any(|c| c.contains(date)) {
            return false;
        }
        !(self.holidays == HolidayPolicy::Closed && is_public_holiday(date))
    }

    /// The hours of a date: the weekly hours, unless a closure or a holiday shuts it.
    pub fn hours_on(&self, date: NaiveDate) -> DayHours {
        if let Some(c) = self.closures.iter().find(|c| c.contains(date)) {
            return DayHours::Closure(*c);
        }
        let times: Vec<(u16, u16)> = self.weekly.on(date.weekday()).map(|s| (s.opens, s.closes)).collect();
        if times.is_empty() {
            DayHours::Closed
        } else if self.holidays == HolidayPolicy::Closed && is_public_holiday(date) {
            DayHours::Holiday
        } else {
            DayHours::Open(times)
        }
    }

    /// The closures that have not ended by `today`, soonest first, at most `n`.
    pub fn closures_ahead(&self, today: NaiveDate, n: usize) -> Vec<Closure> {
        let mut ahead: Vec<Closure> = self.closures.iter().filter(|c| c.to >= today).copied().collect();
        ahead.sort_by_key(|c| c.from);
        ahead.truncate(n);
        ahead
    }

    /// The opening that contains `at`, as its closing time.
    pub fn open_until(&self, at: NaiveDateTime) -> Option<NaiveDateTime> {
        let date = at.date();
        if !self.opens_on(date) {
            return None;
        }
        let minute = (at.time().num_seconds_from_midnight() / 60) as u16;
        self.weekly
            .on(date.weekday())
            .find(|s| s.opens <= minute && minute < s.closes)
            .map(|s| at_minute(date, s.closes))
    }

    /// The next opening strictly after `at` (within 60 days).
    pub fn next_opening(&self, at: NaiveDateTime) -> Option<NaiveDateTime> {
        if self.weekly.is_empty() {
            return None;
        }
        let minute = (at.time().num_seconds_from_midnight() / 60) as u16;
        for offset in 0..60 {
            let date = at.date() + Duration::days(offset);
            if !self.opens_on(date) {
                continue;
            }
            if let Some(slot) = self.weekly.on(date.weekday()).find(|s| offset > 0 || s.opens > minute) {
                return Some(at_minute(date, slot.opens));
            }
        }
        None
    }

    pub fn state_at(&self, at: NaiveDateTime) -> OpenState {
        if let Some(until) = self.open_until(at) {
            return OpenState::OpenUntil(until);
        }
        match self.next_opening(at) {
            Some(next) => OpenState::OpensAt(next),
            None => OpenState::Unknown,
        }
    }

    /// Whether the schedule is open at some moment of a window (used for "on Sunday" or
    /// "Saturday afternoon").
    pub fn open_during(&self, date: NaiveDate, from_minute: u16, to_minute: u16) -> bool {
        self.opens_on(date) && self.weekly.on(date.weekday()).any(|s| s.opens < to_minute && from_minute < s.closes)
    }
}

fn at_minute(date: NaiveDate, minute: u16) -> NaiveDateTime {
    if minute >= 1440 {
        return (date + Duration::days(1)).and_time(NaiveTime::MIN);
    }
    date.and_time(NaiveTime::from_hms_opt(u32::from(minute / 60), u32::from(minute % 60), 0).unwrap_or(NaiveTime::MIN))
}

use chrono::Timelike;

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(h, min, 0).unwrap()
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn the_hours_of_a_date_say_open_closed_holiday_or_closure() {
        let s = Schedule {
            weekly: WeeklyHours::parse("mo-fr 09:00-13:00, 15:00-18:00; sa 09:00-12:00").unwrap(),
            holidays: HolidayPolicy::Closed,
            closures: vec![Closure::parse("2026-08-10/2026-08-21").unwrap()],
        };
        // Monday 7 December 2026, Sunday 6 December, Tuesday 8 December (Immacolata).
        assert_eq!(s.hours_on(day(2026, 12, 7)), DayHours::Open(vec![(540, 780), (900, 1080)]));
        assert_eq!(s.hours_on(day(2026, 12, 6)), DayHours::Closed);
        assert_eq!(s.hours_on(day(2026, 12, 8)), DayHours::Holiday);
        assert!(matches!(s.hours_on(day(2026, 8, 12)), DayHours::Closure(_)));
        let open_on_holidays = Schedule { holidays: HolidayPolicy::Open, ..s.clone() };
        assert_eq!(open_on_holidays.hours_on(day(2026, 12, 8)), DayHours::Open(vec![(540, 780), (900, 1080)]));
    }

    #[test]
    fn closures_ahead_skip_the_ended_ones_and_come_soonest_first() {
        let s = Schedule {
            weekly: WeeklyHours::parse("mo-fr 09:00-13:00").unwrap(),
            holidays: HolidayPolicy::Closed,
            closures: vec![
                Closure::parse("2027-08-10/2027-08-21").unwrap(),
                Closure::parse("2026-01-02").unwrap(),
                Closure::parse("2026-12-24/2027-01-06").unwrap(),
            ],
        };
        let ahead = s.closures_ahead(day(2026, 12, 1), 5);
        assert_eq!(ahead.iter().map(|c| c.from).collect::<Vec<_>>(), vec![day(2026, 12, 24), day(2027, 8, 10)]);
        assert_eq!(s.closures_ahead(day(2026, 12, 1), 1).len(), 1);
    }

    #[test]
    fn the_week_groups_days_with_the_same_times_into_runs() {
        let w = WeeklyHours::parse("mo-fr 09:00-13:00; sa,su 10:00-12:00; we 15:00-17:00").unwrap();
        let groups = w.groups();
        assert_eq!(groups.len(), 3);
        // Wednesday has both its slots, so it leaves the Monday-to-Friday run.
        assert_eq!(groups[0].runs, vec![(0, 1), (3, 4)]);
        assert_eq!(groups[1].runs, vec![(2, 2)]);
        assert_eq!(groups[1].times, vec![(540, 780), (900, 1020)]);
        assert_eq!(groups[2].runs, vec![(5, 6)]);
    }

    #[test]
    fn compact_hours_round_trip_exactly() {
        for text in [
            "mo-fr 09:00-13:00, 14:30-17:30; sa 09:00-12:00",
            "tu,th 15:00-18:00",
            "mo-su 00:00-24:00",
            "mo,we,fr 10:00-12:00; su 12:00-14:00",
        ] {
            assert_eq!(WeeklyHours::parse(text).unwrap().to_string(), text);
        }
    }

    #[test]
    fn bad_hours_name_the_faulty_part() {
        assert_eq!(WeeklyHours::parse("xx 09:00-10:00"), Err(HoursError::Day("xx".into())));
        assert_eq!(WeeklyHours::parse("mo 13:00-09:00"), Err(HoursError::Range("13:00-09:00".into())));
        assert_eq!(WeeklyHours::parse("mo"), Err(HoursError::NoTimes("mo".into())));
    }

    #[test]
    fn open_now_and_next_opening_follow_the_week() {
        let s = Schedule { weekly: WeeklyHours::parse("mo-fr 09:00-13:00").unwrap(), ..Default::default() };
        // Friday 27 November 2026, 10:00.
        assert_eq!(s.state_at(at(2026, 11, 27, 10, 0)), OpenState::OpenUntil(at(2026, 11, 27, 13, 0)));
        // Friday at 13:00 is closed; next is Monday.
        assert_eq!(s.state_at(at(2026, 11, 27, 13, 0)), OpenState::OpensAt(at(2026, 11, 30, 9, 0)));
    }

    #[test]
    fn holidays_close_offices_but_not_canteens() {
        let office = Schedule { weekly: WeeklyHours::parse("mo-su 09:00-13:00").unwrap(), ..Default::default() };
        let canteen = Schedule { holidays: HolidayPolicy::Open, ..office.clone() };
        let easter_monday = at(2026, 4, 6, 10, 0);
        assert!(office.open_until(easter_monday).is_none());
        assert_eq!(office.next_opening(easter_monday), Some(at(2026, 4, 7, 9, 0)));
        assert!(canteen.open_until(easter_monday).is_some());
    }

    #[test]
    fn closures_skip_whole_days() {
        let s = Schedule {
            weekly: WeeklyHours::parse("mo-fr 09:00-13:00").unwrap(),
            closures: vec![Closure::parse("2026-08-10/2026-08-21").unwrap()],
            ..Default::default()
        };
        assert_eq!(s.next_opening(at(2026, 8, 7, 14, 0)), Some(at(2026, 8, 24, 9, 0)));
    }

    #[test]
    fn all_day_hours_end_at_midnight() {
        let s = Schedule {
            weekly: WeeklyHours::parse("mo-su 00:00-24:00").unwrap(),
            holidays: HolidayPolicy::Open,
            closures: vec![],
        };
        assert_eq!(s.open_until(at(2026, 11, 28, 23, 30)), Some(at(2026, 11, 29, 0, 0)));
    }
}
