//! The scheduler: jobs kept in the store, run when due, exactly once across every process
//! that shares the database.
//!
//! A job is one-shot (a due time) or recurring (a cron expression read in a time zone, so
//! "every day at 9" stays at 9 across daylight-saving changes). [`Scheduler::run_due`] is a
//! plain function of `now`: it claims the due jobs (a lease that expires if the process dies),
//! runs each kind's handler, and deletes or reschedules them. Tests drive it with a manual
//! clock; [`Scheduler::run`] calls it in a loop that sleeps until the next due job and is woken
//! early when a job is added. After downtime, each kind's [`Missed`] policy says whether a late
//! job still runs (once) or is skipped. A failing or panicking job is retried with exponential
//! backoff and never stops the loop; after [`MAX_ATTEMPTS`] it is dropped and kept as a dead letter.

use crate::clock::Clock;
use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use std::collections::HashMap;
use std::str::FromStr;
use std::sync::Arc;
use tokio::sync::{Notify, watch};
use vicinato_store::{Job, NewJob, Store, StoreResult};

/// What to do with a job found due long after its time (the process was down).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missed {
    /// Run it once, however late (a recurring job runs once, not once per missed time).
    RunLate,
    /// Skip it when it is later than this; a recurring job moves to its next time.
    SkipAfter(Duration),
}

/// Runs the jobs of one kind.
#[async_trait]
pub trait JobHandler: Send + Sync + 'static {
    /// Runs a due job. An error is logged and the job retried later.
    async fn run(&self, job: &Job, now: DateTime<Utc>) -> anyhow::Result<()>;
}

/// A bad recurrence.
#[derive(Debug, thiserror::Error)]
pub enum RecurrenceError {
    #[error("`{expr}` is not a cron expression: {reason}")]
    Cron { expr: String, reason: String },
    #[error("unknown time zone `{0}`")]
    Zone(String),
}

/// The next time a cron expression (seconds first, as the `cron` crate reads it: `0 0 9 * * *`)
/// fires strictly after `after`, read in `zone`.
pub fn next_after(expr: &str, zone: &str, after: DateTime<Utc>) -> Result<Option<DateTime<Utc>>, RecurrenceError> {
    let schedule = cron::Schedule::from_str(expr)
        .map_err(|e| RecurrenceError::Cron { expr: expr.to_owned(), reason: e.to_string() })?;
    let zone: Tz = zone.parse().map_err(|_| RecurrenceError::Zone(zone.to_owned()))?;
    Ok(schedule.after(&after.with_timezone(&zone)).next().map(|t| t.with_timezone(&Utc)))
}

/// A recurring job, due first at its next time after `now`.
pub fn recurring(
    kind: &str,
    key: &str,
    expr: &str,
    zone: &str,
    payload: String,
    now: DateTime<Utc>,
) -> Result<NewJob, RecurrenceError> {
    let due_at = next_after(expr, zone, now)?
        .ok_or_else(|| RecurrenceError::Cron { expr: expr.to_owned(), reason: "it never fires".into() })?;
    Ok(NewJob {
        kind: kind.to_owned(),
        key: Some(key.to_owned()),
        payload,
        due_at,
        cron: Some(expr.to_owned()),
        zone: zone.to_owned(),
    })
}

/// What one [`Scheduler::run_due`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Ran {
    pub ran: usize,
    pub skipped: usize,
    /// Runs that failed (errors and panics), whether retried or given up.
    pub failed: usize,
    /// Jobs given up after their last attempt and kept as dead letters.
    pub dead: usize,
}

/// How many times a job is tried before it is given up and kept as a dead letter.
pub const MAX_ATTEMPTS: i64 = 10;

pub struct Scheduler {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    owner: String,
    lease: Duration,
    batch: i64,
    max_sleep: std::time::Duration,
    max_attempts: i64,
    handlers: HashMap<String, (Arc<dyn JobHandler>, Missed)>,
    wake: Arc<Notify>,
}

impl Scheduler {
    /// A scheduler for this process; `owner` names it in leases (unique per process), `wake`
    /// is notified by whoever adds a job.
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, owner: impl Into<String>, wake: Arc<Notify>) -> Self {
        Self {
            store,
            clock,
            owner: owner.into(),
            lease: Duration::minutes(5),
            batch: 200,
            max_sleep: std::time::Duration::from_secs(60),
            max_attempts: MAX_ATTEMPTS,
            handlers: HashMap::new(),
            wake,
        }
    }

    /// A name for this process's leases: host-independent, unique per process and start.
    pub fn process_owner() -> String {
        format!("pid{}-{}", std::process::id(), Utc::now().timestamp_micros())
    }

    /// How long a claimed job stays with this process before another may take it.
    pub fn with_lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    /// The longest sleep: jobs added by another process are seen at least this often.
    pub fn with_max_sleep(mut self, max: std::time::Duration) -> Self {
        self.max_sleep = max;
        self
    }

    /// How many times a job is tried (at least once) before it is kept as a dead letter.
    pub fn with_max_attempts(mut self, attempts: i64) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    pub fn register(&mut self, kind: &str, missed: Missed, handler: Arc<dyn JobHandler>) {
        self.handlers.insert(kind.to_owned(), (handler, missed));
    }

    /// The kinds of job with a handler, sorted.
    pub fn kinds(&self) -> Vec<&str> {
        let mut kinds: Vec<&str> = self.handlers.keys().map(String::as_str).collect();
        kinds.sort_unstable();
        kinds
    }

    pub fn waker(&self) -> Arc<Notify> {
        self.wake.clone()
    }

    /// Claims and runs every job due at `now`, batch by batch, until none is left.
    pub async fn run_due(&self, now: DateTime<Utc>) -> StoreResult<Ran> {
        let mut total = Ran::default();
        loop {
            let jobs = self.store.jobs_claim(now, &self.owner, now + self.lease, self.batch).await?;
            if jobs.is_empty() {
                return Ok(total);
            }
            for job in jobs {
                self.run_one(&job, now, &mut total).await?;
            }
        }
    }

    async fn run_one(&self, job: &Job, now: DateTime<Utc>, total: &mut Ran) -> StoreResult<()> {
        let Some((handler, missed)) = self.handlers.get(&job.kind) else {
            // A kind this version does not know (an older or newer process may): leave it
            // for a process that does, and look again later.
            tracing::warn!(job = job.id, kind = %job.kind, "no handler for this kind of job");
            self.store.job_failed(job.id, &self.owner, now + Duration::hours(1), "no handler").await?;
            total.failed += 1;
            return Ok(());
        };
        let late = now - job.due_at;
        crate::metrics::global()
            .scheduler_lag
            .with(&[&job.kind])
            .observe(late.num_milliseconds().max(0) as f64 / 1000.0);
        let skip = matches!(missed, Missed::SkipAfter(limit) if late > *limit);
        if skip {
            tracing::info!(job = job.id, kind = %job.kind, late_s = late.num_seconds(), "skipping a missed job");
            total.skipped += 1;
        } else {
            // A panic in a handler is a failure like an error: it never stops the loop.
            let result = match crate::guard::catch(handler.run(job, now)).await {
                Ok(result) => result.map_err(|e| format!("{e:#}")),
                Err(panic) => Err(panic),
            };
            match result {
                Ok(()) => total.ran += 1,
                Err(error) if job.attempts + 1 < self.max_attempts => {
                    // Back off: 1, 2, 4 … minutes, at most a day.
                    let wait = Duration::minutes(1i64 << job.attempts.clamp(0, 10)).min(Duration::days(1));
                    tracing::error!(job = job.id, kind = %job.kind, attempt = job.attempts + 1, error, "job failed");
                    self.store.job_failed(job.id, &self.owner, now + wait, &error).await?;
                    crate::metrics::global().error("job_failed");
                    total.failed += 1;
                    return Ok(());
                }
                Err(error) => {
                    // Out of attempts: kept for operators, and the job is dropped (a recurring one
                    // moves on to its next time).
                    tracing::error!(job = job.id, kind = %job.kind, attempts = job.attempts + 1, error,
                        "job failed for good; kept as a dead letter");
                    self.store.dead_letter_add("scheduler", &job.id.to_string(), &job.kind, &error, now).await?;
                    crate::metrics::global().error("dead_letter");
                    total.failed += 1;
                    total.dead += 1;
                }
            }
        }
        let next = match &job.cron {
            Some(expr) => match next_after(expr, &job.zone, now) {
                Ok(next) => next,
                Err(e) => {
                    tracing::error!(job = job.id, error = %e, "a recurring job has a bad recurrence: dropped");
                    None
                }
            },
            None => None,
        };
        if !self.store.job_done(job.id, &self.owner, next).await? {
            tracing::warn!(job = job.id, "the lease ran out while the job ran; another process may run it again");
        }
        Ok(())
    }

    /// Runs due jobs until `stop` turns true, sleeping until the next due job (or until woken
    /// because a job was added, or at most `max_sleep`).
    pub async fn run(self: Arc<Self>, mut stop: watch::Receiver<bool>) {
        loop {
            if *stop.borrow() {
                return;
            }
            // Registered before the run, so a job added during it still wakes the next sleep.
            let woken = self.wake.notified();
            tokio::pin!(woken);
            woken.as_mut().enable();
            let now = self.clock.now();
            let wait = match self.run_due(now).await {
                Ok(_) => match self.store.jobs_next_due().await {
                    Ok(Some(next)) => (next - self.clock.now()).to_std().unwrap_or_default().min(self.max_sleep),
                    Ok(None) => self.max_sleep,
                    Err(e) => {
                        tracing::warn!(error = %e, "cannot read the next due job");
                        std::time::Duration::from_secs(1)
                    }
                },
                Err(e) => {
                    tracing::warn!(error = %e, "cannot run due jobs");
                    std::time::Duration::from_secs(1)
                }
            };
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = &mut woken => {}
                _ = stop.changed() => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_daily_job_stays_at_its_local_hour_across_daylight_saving() {
        let rome = chrono_tz::Europe::Rome;
        // Saturday 24 October 2026, noon: summer time ends on Sunday the 25th.
        let before = rome.with_ymd_and_hms(2026, 10, 24, 12, 0, 0).unwrap().with_timezone(&Utc);
        let first = next_after("0 0 9 * * *", "Europe/Rome", before).unwrap().unwrap();
        let second = next_after("0 0 9 * * *", "Europe/Rome", first).unwrap().unwrap();
        assert_eq!(first.with_timezone(&rome).to_string(), "2026-10-25 09:00:00 CET");
        assert_eq!(second.with_timezone(&rome).to_string(), "2026-10-26 09:00:00 CET");
        // In UTC the hour moved: 09:00 CEST was 07:00 UTC, 09:00 CET is 08:00 UTC.
        let summer = next_after("0 0 9 * * *", "Europe/Rome", before - Duration::days(2)).unwrap().unwrap();
        assert_eq!(summer.format("%H:%M").to_string(), "07:00");
        assert_eq!(first.format("%H:%M").to_string(), "08:00");
    }

    #[test]
    fn a_time_skipped_by_the_clock_change_fires_once_after_it() {
        let rome = chrono_tz::Europe::Rome;
        // 29 March 2026: clocks go from 02:00 to 03:00, so 02:30 does not exist that night.
        let before = rome.with_ymd_and_hms(2026, 3, 28, 12, 0, 0).unwrap().with_timezone(&Utc);
        let a = next_after("0 30 2 * * *", "Europe/Rome", before).unwrap().unwrap();
        let b = next_after("0 30 2 * * *", "Europe/Rome", a).unwrap().unwrap();
        assert!(a < b);
        assert!(b - a >= Duration::hours(23), "{a} then {b}");
    }

    #[test]
    fn bad_recurrences_are_named() {
        assert!(matches!(next_after("every day", "Europe/Rome", Utc::now()), Err(RecurrenceError::Cron { .. })));
        assert!(matches!(next_after("0 0 9 * * *", "Mars/Olympus", Utc::now()), Err(RecurrenceError::Zone(_))));
    }
}
