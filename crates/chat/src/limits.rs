//! Limits per person, so one account cannot flood the store or other people: open drafts,
//! waitlist entries, comments and reports an hour, and a message rate. Normal use never
//! meets them; staff and admins are never limited. Values come from `[limits]` in the
//! configuration; 0 turns a limit off.
//!
//! The message rate counts real time (not the engine's clock, which tests move by hand): at
//! more than `messages_per_minute` in a minute the person is asked once to slow down, and
//! their messages are then set aside unanswered for `pause_seconds`.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use vicinato_domain::PersonId;

/// The limits; see the module.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Drafts a person may have open at once.
    pub open_drafts: u32,
    /// Slots a person may wait for at once.
    pub waitlist_entries: u32,
    pub comments_per_hour: u32,
    pub reports_per_hour: u32,
    /// Wrong `/link` codes a person may type in an hour.
    pub link_attempts_per_hour: u32,
    pub messages_per_minute: u32,
    pub pause_seconds: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            open_drafts: 5,
            waitlist_entries: 10,
            comments_per_hour: 20,
            reports_per_hour: 10,
            link_attempts_per_hour: vicinato_store::MAX_WRONG_LINK_CODES,
            messages_per_minute: 40,
            pause_seconds: 30,
        }
    }
}

impl Limits {
    /// No limits at all (benchmarks measuring throughput from a few people).
    pub fn off() -> Self {
        Self {
            open_drafts: 0,
            waitlist_entries: 0,
            comments_per_hour: 0,
            reports_per_hour: 0,
            link_attempts_per_hour: 0,
            messages_per_minute: 0,
            pause_seconds: 0,
        }
    }

    /// Whether `count` already reaches the limit `max` (0: no limit).
    pub fn reached(max: u32, count: u32) -> bool {
        max > 0 && count >= max
    }
}

/// What the rate says about one more message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pace {
    Fine,
    /// Over the rate just now: say so, once.
    SlowDown,
    /// Still pausing: no answer.
    Paused,
}

#[derive(Debug, Default)]
struct Window {
    seen: VecDeque<Instant>,
    paused_until: Option<Instant>,
}

/// The message rate of each person, in memory (a restart forgets it, which is harmless).
#[derive(Debug, Default)]
pub struct Rate {
    windows: Mutex<HashMap<PersonId, Window>>,
}

impl Rate {
    pub fn check(&self, person: PersonId, limits: &Limits, now: Instant) -> Pace {
        if limits.messages_per_minute == 0 {
            return Pace::Fine;
        }
        let minute = Duration::from_secs(60);
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        if windows.len() > 100_000 {
            // Forget people who went quiet, so the map stays small.
            windows.retain(|_, w| w.seen.back().is_some_and(|t| now.duration_since(*t) < minute));
        }
        let w = windows.entry(person).or_default();
        if let Some(until) = w.paused_until {
            if now < until {
                return Pace::Paused;
            }
            w.paused_until = None;
            w.seen.clear();
        }
        while w.seen.front().is_some_and(|t| now.duration_since(*t) >= minute) {
            w.seen.pop_front();
        }
        w.seen.push_back(now);
        if w.seen.len() > limits.messages_per_minute as usize {
            w.paused_until = Some(now + Duration::from_secs(u64::from(limits.pause_seconds)));
            return Pace::SlowDown;
        }
        Pace::Fine
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_person_over_the_rate_is_told_once_then_paused_then_heard_again() {
        let limits = Limits { messages_per_minute: 3, pause_seconds: 10, ..Limits::default() };
        let rate = Rate::default();
        let t0 = Instant::now();
        let p = PersonId(1);
        for i in 0..3 {
            assert_eq!(rate.check(p, &limits, t0 + Duration::from_millis(i)), Pace::Fine);
        }
        assert_eq!(rate.check(p, &limits, t0 + Duration::from_millis(5)), Pace::SlowDown);
        assert_eq!(rate.check(p, &limits, t0 + Duration::from_secs(2)), Pace::Paused);
        assert_eq!(rate.check(PersonId(2), &limits, t0 + Duration::from_secs(2)), Pace::Fine, "others go on");
        assert_eq!(rate.check(p, &limits, t0 + Duration::from_secs(11)), Pace::Fine);
    }

    #[test]
    fn a_steady_conversation_never_meets_the_rate() {
        let limits = Limits::default();
        let rate = Rate::default();
        let t0 = Instant::now();
        // One message every two seconds for ten minutes: brisker than anyone types.
        for i in 0..300 {
            assert_eq!(rate.check(PersonId(1), &limits, t0 + Duration::from_secs(2 * i)), Pace::Fine);
        }
    }

    #[test]
    fn a_limit_of_zero_is_no_limit() {
        assert!(!Limits::reached(0, 1_000));
        assert!(Limits::reached(5, 5));
        assert!(!Limits::reached(5, 4));
        let rate = Rate::default();
        let t0 = Instant::now();
        for _ in 0..1_000 {
            assert_eq!(rate.check(PersonId(1), &Limits::off(), t0), Pace::Fine);
        }
    }
}
