//! Italian national public holidays, Easter Monday included.
//!
//! Local patron-saint days differ by comune and are modelled as closures on each service.

use chrono::{Datelike, NaiveDate};

/// Easter Sunday in the Gregorian calendar (anonymous Gregorian algorithm).
pub fn easter_sunday(year: i32) -> NaiveDate {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32).expect("the Easter algorithm yields a real date")
}

/// Whether a date is a national public holiday in Italy.
pub fn is_public_holiday(date: NaiveDate) -> bool {
    let fixed = matches!(
        (date.month(), date.day()),
        (1, 1) | (1, 6) | (4, 25) | (5, 1) | (6, 2) | (8, 15) | (11, 1) | (12, 8) | (12, 25) | (12, 26)
    );
    // Saint Francis of Assisi is a national holiday again from 2026 (law 151/2025).
    let saint_francis = date.year() >= 2026 && date.month() == 10 && date.day() == 4;
    let easter = easter_sunday(date.year());
    fixed || saint_francis || date == easter || date == easter.succ_opt().unwrap_or(easter)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn easter_falls_on_known_dates() {
        assert_eq!(easter_sunday(2024), d(2024, 3, 31));
        assert_eq!(easter_sunday(2025), d(2025, 4, 20));
        assert_eq!(easter_sunday(2026), d(2026, 4, 5));
        assert_eq!(easter_sunday(2027), d(2027, 3, 28));
    }

    #[test]
    fn easter_monday_and_fixed_days_are_holidays() {
        assert!(is_public_holiday(d(2026, 4, 6)));
        assert!(is_public_holiday(d(2026, 6, 2)));
        assert!(is_public_holiday(d(2026, 12, 26)));
        assert!(is_public_holiday(d(2026, 10, 4)));
        assert!(!is_public_holiday(d(2025, 10, 4)));
        assert!(!is_public_holiday(d(2026, 4, 7)));
    }
}
