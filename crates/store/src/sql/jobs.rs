//! Scheduled jobs on SQLite and PostgreSQL: leases taken with `FOR UPDATE SKIP LOCKED` on
//! PostgreSQL, under SQLite's single writer otherwise. The statements that put and cancel a job
//! are in `sql.rs`, shared with the bookings' transactions.
//!
//! It writes only `jobs`.

use super::*;

type JobRow = (i64, String, Option<String>, String, i64, Option<String>, String, i64);

const JOB_COLUMNS: &str = "id, kind, job_key, payload, due_at, cron, zone, attempts";

fn job_from_row(row: JobRow) -> StoreResult<Job> {
    let (id, kind, key, payload, due_at, cron, zone, attempts) = row;
    Ok(Job { id, kind, key, payload, due_at: from_millis(&format!("job {id}"), due_at)?, cron, zone, attempts })
}

#[async_trait]
impl JobStore for SqlStore {
    async fn job_put(&self, job: &NewJob, now: DateTime<Utc>) -> StoreResult<i64> {
        let row: Option<(i64,)> = self.fetch_writing(job_put_statement(job, now)).await?;
        row.map(|(id,)| id)
            .ok_or_else(|| StoreError::Corrupt { record: "jobs".into(), reason: "insert returned no id".into() })
    }

    async fn job_cancel(&self, key: &str) -> StoreResult<bool> {
        Ok(self.execute(job_cancel_statement(key)).await? > 0)
    }

    async fn jobs_claim(
        &self,
        now: DateTime<Utc>,
        owner: &str,
        lease_until: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<Vec<Job>> {
        // PostgreSQL: rows another process is claiming are skipped, not waited for; the outer
        // condition is checked again on the row's latest version. SQLite has one writer.
        let lock = match self.engine() {
            Engine::Postgres => " FOR UPDATE SKIP LOCKED",
            Engine::Sqlite => "",
        };
        let sql = format!(
            "UPDATE jobs SET lease_owner = $1, lease_until = $2 \
             WHERE id IN (SELECT id FROM jobs WHERE due_at <= $3 AND (lease_until IS NULL OR lease_until <= $3) \
             ORDER BY due_at LIMIT $4{lock}) AND (lease_until IS NULL OR lease_until <= $3) \
             RETURNING {JOB_COLUMNS}"
        );
        let rows: Vec<JobRow> = self
            .fetch_writing_all(Stmt::new(sql).bind(owner).bind(millis(lease_until)).bind(millis(now)).bind(limit))
            .await?;
        let mut jobs = rows.into_iter().map(job_from_row).collect::<StoreResult<Vec<_>>>()?;
        jobs.sort_by_key(|j| (j.due_at, j.id));
        Ok(jobs)
    }

    async fn job_done(&self, id: i64, owner: &str, next: Option<DateTime<Utc>>) -> StoreResult<bool> {
        let stmt = match next {
            None => Stmt::new("DELETE FROM jobs WHERE id = $1 AND lease_owner = $2").bind(id).bind(owner),
            Some(next) => Stmt::new(
                "UPDATE jobs SET due_at = $3, lease_owner = NULL, lease_until = NULL, attempts = 0, \
                 last_error = NULL WHERE id = $1 AND lease_owner = $2",
            )
            .bind(id)
            .bind(owner)
            .bind(millis(next)),
        };
        Ok(self.execute(stmt).await? > 0)
    }

    async fn job_failed(&self, id: i64, owner: &str, retry_at: DateTime<Utc>, error: &str) -> StoreResult<()> {
        self.execute(
            Stmt::new(
                "UPDATE jobs SET due_at = $3, lease_owner = NULL, lease_until = NULL, attempts = attempts + 1, \
                 last_error = $4 WHERE id = $1 AND lease_owner = $2",
            )
            .bind(id)
            .bind(owner)
            .bind(millis(retry_at))
            .bind(error),
        )
        .await
        .map(|_| ())
    }

    async fn jobs_next_due(&self) -> StoreResult<Option<DateTime<Utc>>> {
        let row: Option<(Option<i64>,)> = self
            // Two index lookups: the earliest free job, and the earliest lease to run out (a job
            // is claimed only once due, so its lease ends after its due time).
            .fetch_optional(Stmt::new(
                "SELECT MIN(t) FROM (SELECT MIN(due_at) AS t FROM jobs WHERE lease_until IS NULL \
                 UNION ALL SELECT MIN(lease_until) AS t FROM jobs WHERE lease_until IS NOT NULL) AS next",
            ))
            .await?;
        row.and_then(|(ms,)| ms).map(|ms| from_millis("jobs", ms)).transpose()
    }

    async fn jobs_count(&self) -> StoreResult<u64> {
        let row: Option<(i64,)> = self.fetch_optional(Stmt::new("SELECT COUNT(*) FROM jobs")).await?;
        Ok(row.map(|(n,)| n.max(0) as u64).unwrap_or(0))
    }
}
