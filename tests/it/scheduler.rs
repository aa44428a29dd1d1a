//! The scheduler as later issues will use it: recurring jobs in Europe/Rome, the missed-run
//! policy after downtime, failures retried without stopping the others, and the loop woken
//! when a job is added.

use crate::support::*;
use async_trait::async_trait;
use chrono::{DateTime, Duration, TimeZone, Utc};
use std::sync::{Arc, Mutex};
use vicinato::clock::{Clock, ManualClock};
use vicinato::scheduler::{JobHandler, Missed, Scheduler, recurring};
use vicinato::store::{Job, NewJob, Store};

#[derive(Default)]
struct Seen(Mutex<Vec<(String, DateTime<Utc>)>>);

#[async_trait]
impl JobHandler for Seen {
    async fn run(&self, job: &Job, now: DateTime<Utc>) -> anyhow::Result<()> {
        if job.payload == "fail" {
            anyhow::bail!("this job always fails");
        }
        if job.payload == "panic" {
            panic!("this job always panics");
        }
        self.0.lock().unwrap().push((job.payload.clone(), now));
        Ok(())
    }
}

impl Seen {
    fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.0.lock().unwrap()).into_iter().map(|(p, _)| p).collect()
    }
}

fn rome(m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    chrono_tz::Europe::Rome.with_ymd_and_hms(2026, m, d, h, min, 0).unwrap().with_timezone(&Utc)
}

fn once(kind: &str, payload: &str, due: DateTime<Utc>) -> NewJob {
    NewJob {
        kind: kind.into(),
        key: None,
        payload: payload.into(),
        due_at: due,
        cron: None,
        zone: "Europe/Rome".into(),
    }
}

async fn setup(at: DateTime<Utc>) -> (Arc<dyn Store>, Arc<ManualClock>, Arc<Seen>, Scheduler, tempfile::TempDir) {
    let (store, dir) = sqlite_store().await;
    let clock = Arc::new(ManualClock::new(at));
    let seen = Arc::new(Seen::default());
    let dyn_clock: Arc<dyn Clock> = clock.clone();
    let mut s = Scheduler::new(store.clone(), dyn_clock, "p1", Arc::new(tokio::sync::Notify::new()));
    s.register("late-ok", Missed::RunLate, seen.clone());
    s.register("fresh-only", Missed::SkipAfter(Duration::minutes(10)), seen.clone());
    (store, clock, seen, s, dir)
}

#[tokio::test]
async fn a_daily_job_runs_at_nine_in_rome_before_and_after_the_clock_change() {
    let start = rome(10, 23, 12, 0);
    let (store, _, seen, s, _dir) = setup(start).await;
    let job = recurring("late-ok", "digest", "0 0 9 * * *", "Europe/Rome", "daily".into(), start).unwrap();
    store.job_put(&job, start).await.unwrap();
    // Saturday 24 October (summer time) and Monday 26 October (winter time), both at 09:00.
    for day in [24, 25, 26] {
        assert_eq!(s.run_due(rome(10, day, 8, 59)).await.unwrap().ran, 0);
        assert_eq!(s.run_due(rome(10, day, 9, 0)).await.unwrap().ran, 1, "day {day}");
    }
    assert_eq!(seen.take(), ["daily", "daily", "daily"]);
    assert_eq!(store.jobs_next_due().await.unwrap(), Some(rome(10, 27, 9, 0)));
}

#[tokio::test]
async fn after_downtime_a_recurring_job_runs_once_not_once_per_missed_time() {
    let start = rome(11, 2, 8, 0);
    let (store, _, seen, s, _dir) = setup(start).await;
    let job = recurring("late-ok", "digest", "0 0 9 * * *", "Europe/Rome", "daily".into(), start).unwrap();
    store.job_put(&job, start).await.unwrap();
    // Down for five days.
    assert_eq!(s.run_due(rome(11, 7, 12, 0)).await.unwrap().ran, 1);
    assert_eq!(seen.take().len(), 1);
    assert_eq!(store.jobs_next_due().await.unwrap(), Some(rome(11, 8, 9, 0)));
}

#[tokio::test]
async fn a_job_that_must_be_fresh_is_skipped_when_found_late_and_others_run_late() {
    let start = rome(11, 2, 8, 0);
    let (store, _, seen, s, _dir) = setup(start).await;
    store.job_put(&once("fresh-only", "stale", rome(11, 2, 9, 0)), start).await.unwrap();
    store.job_put(&once("fresh-only", "fresh", rome(11, 2, 9, 55)), start).await.unwrap();
    store.job_put(&once("late-ok", "late", rome(11, 2, 9, 0)), start).await.unwrap();
    let ran = s.run_due(rome(11, 2, 10, 0)).await.unwrap();
    assert_eq!((ran.ran, ran.skipped), (2, 1));
    let mut got = seen.take();
    got.sort();
    assert_eq!(got, ["fresh", "late"]);
    assert_eq!(store.jobs_count().await.unwrap(), 0);
}

#[tokio::test]
async fn a_failing_job_is_retried_later_and_does_not_stop_the_others() {
    let start = rome(11, 2, 8, 0);
    let (store, _, seen, s, _dir) = setup(start).await;
    store.job_put(&once("late-ok", "fail", start), start).await.unwrap();
    store.job_put(&once("late-ok", "fine", start), start).await.unwrap();
    store.job_put(&once("unknown-kind", "x", start), start).await.unwrap();
    let ran = s.run_due(start).await.unwrap();
    assert_eq!((ran.ran, ran.failed), (1, 2));
    assert_eq!(seen.take(), ["fine"]);
    // Retried with back-off: a minute later the failing one runs (and fails) again.
    assert_eq!(s.run_due(start + Duration::seconds(30)).await.unwrap().failed, 0);
    assert_eq!(s.run_due(start + Duration::minutes(1)).await.unwrap().failed, 1);
    assert_eq!(store.jobs_count().await.unwrap(), 2);
}

#[tokio::test]
async fn a_job_that_fails_or_panics_is_retried_with_backoff_then_kept_as_a_dead_letter_and_others_still_run() {
    let start = rome(11, 2, 8, 0);
    let (store, _, seen, s, _dir) = setup(start).await;
    let s = s.with_max_attempts(4);
    let failing = store.job_put(&once("late-ok", "fail", start), start).await.unwrap();
    let panicking = store.job_put(&once("late-ok", "panic", start), start).await.unwrap();
    store.job_put(&once("late-ok", "fine", start), start).await.unwrap();
    let ran = s.run_due(start).await.unwrap();
    assert_eq!((ran.ran, ran.failed, ran.dead), (1, 2, 0));
    assert_eq!(seen.take(), ["fine"]);
    // Backoff doubles: 1, 2, then 4 minutes after each failure.
    let mut now = start;
    for wait in [1, 2, 4] {
        assert_eq!(s.run_due(now + Duration::minutes(wait) - Duration::seconds(1)).await.unwrap().failed, 0);
        now += Duration::minutes(wait);
        let ran = s.run_due(now).await.unwrap();
        assert_eq!(ran.failed, 2, "after {wait} minutes");
        assert_eq!(ran.dead, if wait == 4 { 2 } else { 0 }, "after {wait} minutes");
    }
    // The fourth attempt was the last: both are dead letters, and gone from the jobs.
    assert_eq!(store.jobs_count().await.unwrap(), 0);
    let mut letters = store.dead_letters(10).await.unwrap();
    letters.sort_by_key(|d| d.item.clone());
    let mut items = vec![failing.to_string(), panicking.to_string()];
    items.sort();
    assert_eq!(letters.iter().map(|d| d.item.clone()).collect::<Vec<_>>(), items);
    assert!(letters.iter().all(|d| d.source == "scheduler" && d.kind == "late-ok"), "{letters:?}");
    let errors: Vec<&str> = letters.iter().map(|d| d.error.as_str()).collect();
    assert!(errors.iter().any(|e| e.contains("always fails")), "{errors:?}");
    assert!(errors.iter().any(|e| e.contains("panic") && e.contains("always panics")), "{errors:?}");
    // Other jobs still run.
    store.job_put(&once("late-ok", "after", now), now).await.unwrap();
    assert_eq!(s.run_due(now).await.unwrap().ran, 1);
    assert_eq!(seen.take(), ["after"]);
}

#[tokio::test]
async fn the_loop_sleeps_until_woken_by_a_new_job_and_stops_when_asked() {
    let start = rome(11, 2, 8, 0);
    let (store, _, seen, s, _dir) = setup(start).await;
    let wake = s.waker();
    // A minute's sleep at most: without the wake-up the job below would wait for it.
    let s = Arc::new(s.with_max_sleep(std::time::Duration::from_secs(60)));
    let (stop_tx, stop) = tokio::sync::watch::channel(false);
    let running = tokio::spawn(s.run(stop));
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    store.job_put(&once("late-ok", "now", start), start).await.unwrap();
    wake.notify_one();
    // Generous bound, only so a broken wake-up fails instead of hanging.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while seen.0.lock().unwrap().is_empty() {
        assert!(std::time::Instant::now() < deadline, "the loop was not woken by the new job");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(seen.take(), ["now"]);
    stop_tx.send(true).unwrap();
    running.await.unwrap();
}
