//! Bounds for dates a person types or a button carries: only years in a sane window are read,
//! so no arithmetic on them can overflow, and instants from payloads are checked the same way.
//! Pure.

use chrono::{DateTime, Datelike, NaiveDate, Utc};

/// The first year Vicinato reads.
pub const MIN_YEAR: i32 = 2000;
/// The last year Vicinato reads.
pub const MAX_YEAR: i32 = 2100;

/// Whether a year lies in the window Vicinato reads.
pub fn sane_year(year: i32) -> bool {
    (MIN_YEAR..=MAX_YEAR).contains(&year)
}

/// Whether a date lies in the window Vicinato reads.
pub fn sane_date(date: NaiveDate) -> bool {
    sane_year(date.year())
}

/// An instant from Unix seconds (a button payload), when it lies in the window.
pub fn instant(secs: i64) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(secs, 0).filter(|t| sane_year(t.year()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_outside_the_window_and_extreme_timestamps_are_refused() {
        assert!(sane_year(2026) && !sane_year(262_142) && !sane_year(1999));
        assert!(instant(1_800_000_000).is_some());
        for secs in [i64::MIN, i64::MAX, -1, 253_402_300_800, 9_999_999_999_999] {
            assert_eq!(instant(secs), None, "{secs}");
        }
    }
}
