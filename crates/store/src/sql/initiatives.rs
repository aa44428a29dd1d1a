//! Initiatives, governance and the audit log on SQLite and PostgreSQL.
//!
//! Every change that must be exact under concurrency is one transaction whose first statement
//! updates the initiative's row: PostgreSQL locks that row until the commit, and SQLite has one
//! writer, so supports, joins and votes on one initiative queue instead of racing. Counters
//! change only inside those transactions, and a step that finds nothing to change rolls the
//! whole transaction back.
//!
//! It writes the initiatives' tables, `governance` and `audit`, and nothing of other families.

use super::*;
use crate::initiatives::*;
use vicinato_domain::initiative::*;

const COLUMNS: &str = "id, author_id, territory_id, status, hidden, supports, threshold, participants, deadline, \
                       content, decision, outcome, last_update_at, created_at, updated_at";

type Row = (
    i64,
    Option<i64>,
    String,
    String,
    bool,
    i64,
    i64,
    i64,
    Option<i64>,
    String,
    Option<String>,
    Option<String>,
    Option<i64>,
    i64,
    i64,
);

fn secs(record: &str, s: i64) -> StoreResult<DateTime<Utc>> {
    DateTime::from_timestamp(s, 0)
        .ok_or_else(|| StoreError::Corrupt { record: record.to_owned(), reason: format!("bad time {s}") })
}

fn from_row(row: Row) -> StoreResult<Initiative> {
    let (
        id,
        author,
        territory,
        status,
        hidden,
        supports,
        threshold,
        participants,
        deadline,
        content,
        decision,
        outcome,
        update,
        created,
        updated,
    ) = row;
    let record = format!("initiative {id}");
    let count = |n: i64| u32::try_from(n.max(0)).unwrap_or(u32::MAX);
    Ok(Initiative {
        id: InitiativeId(id),
        author: author.map(PersonId),
        territory: TerritoryId::new(territory),
        content: from_json(&record, &content)?,
        status: Status::parse(&status)
            .ok_or_else(|| StoreError::Corrupt { record: record.clone(), reason: format!("status `{status}`") })?,
        hidden,
        supports: count(supports),
        threshold: count(threshold),
        participants: count(participants),
        deadline: deadline.map(|s| secs(&record, s)).transpose()?,
        created_at: secs(&record, created)?,
        updated_at: secs(&record, updated)?,
        decision: decision.map(|d| from_json(&record, &d)).transpose()?,
        outcome: outcome.map(|o| from_json(&record, &o)).transpose()?,
        last_update_at: update.map(|s| secs(&record, s)).transpose()?,
    })
}

/// The columns a draft writes, in the order [`draft_binds`] binds them.
const DRAFT_COLUMNS: &str =
    "territory_id, territory_path, kind, theme, threshold, capacity, starts, booking_id, folded, content";

fn draft_binds(stmt: Stmt, new: &NewInitiative) -> Stmt {
    let c = &new.content;
    stmt.bind(new.territory.as_str())
        .bind(new.territory_path.as_str())
        .bind(c.kind.as_str())
        .bind(c.theme.clone())
        .bind(i64::from(new.threshold))
        .bind(i64::from(c.capacity))
        .bind(c.starts.map(|t| t.timestamp()))
        .bind(c.booking.map(|b| b.0))
        .bind(folded(c))
        .bind(json(c))
}

fn folded(content: &Content) -> String {
    fold(&format!("{} {}", content.title, content.description))
}

fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("plain values serialize")
}

fn audit_stmt(a: &AuditEntry) -> Stmt {
    Stmt::new("INSERT INTO audit (at, actor_id, action, subject, reason) VALUES ($1, $2, $3, $4, $5)")
        .bind(a.at.timestamp())
        .bind(a.actor.map(|p| p.0))
        .bind(a.action.as_str())
        .bind(a.subject.as_str())
        .bind(a.reason.clone())
}

/// One step of a guarded transaction.
pub(super) enum Step {
    /// Runs; with `true`, a statement that changes no row rolls everything back.
    Exec(Stmt, bool),
    /// Runs and keeps its rows (`SELECT`, `… RETURNING`).
    Rows(Stmt),
}

impl SqlStore {
    /// Runs steps in one transaction. `Err(i)` (and nothing written) when step `i` had to
    /// change a row and changed none; else the rows of the `Rows` steps.
    pub(super) async fn guarded<O>(&self, steps: Vec<Step>) -> StoreResult<Result<Vec<O>, usize>>
    where
        O: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin,
    {
        on_pool!(self.writer, |p, Db| {
            let mut tx = p.begin().await?;
            let mut rows = Vec::new();
            for (i, step) in steps.into_iter().enumerate() {
                match step {
                    Step::Exec(Stmt { sql, binds }, must) => {
                        let done =
                            sqlx::query_with(AssertSqlSafe(sql), arguments::<Db>(binds)?).execute(&mut *tx).await?;
                        if must && done.rows_affected() == 0 {
                            tx.rollback().await?;
                            return Ok(Err(i));
                        }
                    }
                    Step::Rows(Stmt { sql, binds }) => {
                        let got: Vec<O> = sqlx::query_as_with(AssertSqlSafe(sql), arguments::<Db>(binds)?)
                            .fetch_all(&mut *tx)
                            .await?;
                        rows.extend(got);
                    }
                }
            }
            tx.commit().await?;
            Ok(Ok(rows))
        })
    }

    /// Locks an initiative's row for the rest of the transaction (a no-op update), when it is
    /// in one of `statuses` and not hidden.
    fn lock_open(id: InitiativeId, statuses: &[Status]) -> Stmt {
        Stmt::new(format!(
            "UPDATE initiatives SET updated_at = updated_at WHERE id = $1 AND NOT hidden AND status IN ({})",
            status_names(statuses)
        ))
        .bind(id.0)
    }
}

/// Status names as SQL literals. They are the fixed names of [`Status`], never user text.
fn status_names(statuses: &[Status]) -> String {
    statuses.iter().map(|s| format!("'{}'", s.as_str())).collect::<Vec<_>>().join(", ")
}

const JOINABLE: [Status; 5] =
    [Status::Published, Status::ThresholdReached, Status::Voting, Status::Accepted, Status::Scheduled];

/// Every status residents may browse.
fn public() -> Vec<Status> {
    Status::ALL.into_iter().filter(|s| s.is_public()).collect()
}

fn recount_participants(id: InitiativeId) -> Stmt {
    Stmt::new(
        "UPDATE initiatives SET participants = (SELECT COUNT(*) FROM initiative_participants \
         WHERE initiative_id = $1 AND NOT waiting) WHERE id = $1",
    )
    .bind(id.0)
}

/// The smallest text above every text that starts with `prefix` (for index range scans).
fn prefix_end(prefix: &str) -> String {
    let mut end = prefix.to_owned();
    if let Some(last) = end.pop() {
        end.push(char::from_u32(last as u32 + 1).unwrap_or(char::MAX));
    }
    end
}

#[async_trait]
impl InitiativeStore for SqlStore {
    async fn initiative_create(&self, new: &NewInitiative, now: DateTime<Utc>) -> StoreResult<Initiative> {
        // $1 and $2: the author and the time; $3 to $12: the draft (see `draft_binds`).
        let stmt = Stmt::new(format!(
            "INSERT INTO initiatives (author_id, created_at, updated_at, status, {DRAFT_COLUMNS}) \
             VALUES ($1, $2, $2, 'draft', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING {COLUMNS}"
        ))
        .bind(new.author.0)
        .bind(now.timestamp());
        let row: Option<Row> = self.fetch_writing(draft_binds(stmt, new)).await?;
        from_row(row.ok_or_else(|| StoreError::Corrupt { record: "initiative".into(), reason: "not created".into() })?)
    }

    async fn initiative(&self, id: InitiativeId) -> StoreResult<Option<Initiative>> {
        let row: Option<Row> = self
            .fetch_optional(Stmt::new(format!("SELECT {COLUMNS} FROM initiatives WHERE id = $1")).bind(id.0))
            .await?;
        row.map(from_row).transpose()
    }

    async fn initiative_save_draft(
        &self,
        id: InitiativeId,
        author: PersonId,
        new: &NewInitiative,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let assign =
            DRAFT_COLUMNS.split(", ").enumerate().map(|(i, c)| format!("{c} = ${}", i + 4)).collect::<Vec<_>>();
        let stmt = Stmt::new(format!(
            "UPDATE initiatives SET updated_at = $3, {} WHERE id = $1 AND author_id = $2 AND status = 'draft'",
            assign.join(", ")
        ))
        .bind(id.0)
        .bind(author.0)
        .bind(now.timestamp());
        let changed = self.execute(draft_binds(stmt, new)).await?;
        Ok(changed == 1)
    }

    async fn initiative_discard_draft(&self, id: InitiativeId, author: PersonId) -> StoreResult<bool> {
        let stmt = Stmt::new("DELETE FROM initiatives WHERE id = $1 AND author_id = $2 AND status = 'draft'")
            .bind(id.0)
            .bind(author.0);
        Ok(self.execute(stmt).await? == 1)
    }

    async fn initiative_transition(
        &self,
        id: InitiativeId,
        change: &Transition,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Initiative>> {
        let to = change.to.as_str();
        let update = Stmt::new(format!(
            "UPDATE initiatives SET status = $2, decision = COALESCE($3, decision), deadline = COALESCE($4, deadline), \
             outcome = COALESCE($5, outcome), \
             submitted_at = COALESCE($7, submitted_at), held_at = COALESCE($8, held_at), \
             updated_at = $6 WHERE id = $1 AND status IN ({})",
            status_names(&change.from)
        ))
        .bind(id.0)
        .bind(to)
        .bind(change.decision.as_ref().map(json))
        .bind(change.deadline.map(|t| t.timestamp()))
        .bind(change.outcome.as_ref().map(json))
        .bind(now.timestamp())
        .bind((change.to == Status::Submitted).then(|| now.timestamp()))
        .bind((change.to == Status::Held).then(|| now.timestamp()));
        let done = self
            .guarded::<Row>(vec![
                Step::Exec(update, true),
                Step::Exec(audit_stmt(&change.audit), false),
                Step::Rows(Stmt::new(format!("SELECT {COLUMNS} FROM initiatives WHERE id = $1")).bind(id.0)),
            ])
            .await?;
        match done {
            Ok(rows) => rows.into_iter().next().map(from_row).transpose(),
            Err(_) => Ok(None),
        }
    }

    async fn initiative_set_when(
        &self,
        id: InitiativeId,
        content: &Content,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let update = Stmt::new(
            "UPDATE initiatives SET starts = $2, booking_id = $3, content = $4, updated_at = $5 \
             WHERE id = $1 AND status IN ('accepted', 'scheduled')",
        )
        .bind(id.0)
        .bind(content.starts.map(|t| t.timestamp()))
        .bind(content.booking.map(|b| b.0))
        .bind(json(content))
        .bind(now.timestamp());
        let done = self.guarded::<(i64,)>(vec![Step::Exec(update, true), Step::Exec(audit_stmt(audit), false)]).await?;
        Ok(done.is_ok())
    }

    async fn initiatives(&self, q: &InitiativeQuery) -> StoreResult<Vec<Initiative>> {
        let mut sql = format!("SELECT {COLUMNS} FROM initiatives WHERE 1 = 1");
        let mut binds: Vec<Bind> = Vec::new();
        let next = |binds: &mut Vec<Bind>, value: Bind| {
            binds.push(value);
            format!("${}", binds.len())
        };
        if let Some(path) = &q.territory_path {
            let a = next(&mut binds, path.clone().into());
            let b = next(&mut binds, prefix_end(path).into());
            sql.push_str(&format!(" AND territory_path >= {a} AND territory_path < {b}"));
        }
        if let Some(theme) = &q.theme {
            let t = next(&mut binds, theme.clone().into());
            sql.push_str(&format!(" AND theme = {t}"));
        }
        let statuses: Vec<Status> = if !q.statuses.is_empty() {
            q.statuses.clone()
        } else if q.author.is_some() {
            Status::ALL.to_vec()
        } else {
            public()
        };
        sql.push_str(&format!(" AND status IN ({})", status_names(&statuses)));
        for w in &q.words {
            let w = next(&mut binds, format!("%{w}%").into());
            sql.push_str(&format!(" AND folded LIKE {w}"));
        }
        if let Some((from, to)) = q.between {
            let a = next(&mut binds, from.timestamp().into());
            let b = next(&mut binds, to.timestamp().into());
            sql.push_str(&format!(" AND starts >= {a} AND starts < {b}"));
        }
        if let Some(author) = q.author {
            let a = next(&mut binds, author.0.into());
            sql.push_str(&format!(" AND author_id = {a}"));
        }
        if !q.include_hidden {
            sql.push_str(" AND NOT hidden");
        }
        sql.push_str(if q.between.is_some() { " ORDER BY starts, id" } else { " ORDER BY id DESC" });
        let limit = next(&mut binds, i64::from(q.limit.max(1)).into());
        let offset = next(&mut binds, i64::from(q.offset).into());
        sql.push_str(&format!(" LIMIT {limit} OFFSET {offset}"));
        let rows: Vec<Row> = self.fetch_all(Stmt { sql, binds }).await?;
        rows.into_iter().map(from_row).collect()
    }

    async fn initiative_support(
        &self,
        id: InitiativeId,
        person: PersonId,
        anonymous: bool,
        now: DateTime<Utc>,
    ) -> StoreResult<Supported> {
        let count = Stmt::new(
            "UPDATE initiatives SET supports = supports + 1, updated_at = $2, \
             status = CASE WHEN supports + 1 >= threshold THEN 'threshold_reached' ELSE status END \
             WHERE id = $1 AND status = 'published' AND NOT hidden",
        )
        .bind(id.0)
        .bind(now.timestamp());
        let insert = Stmt::new(
            "INSERT INTO initiative_supports (initiative_id, person_id, anonymous, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (initiative_id, person_id) DO NOTHING",
        )
        .bind(id.0)
        .bind(person.0)
        .bind(anonymous)
        .bind(now.timestamp());
        // The support that reaches the threshold is the system's decision, and audited as such.
        let reached = Stmt::new(
            "INSERT INTO audit (at, actor_id, action, subject, reason) SELECT $2, NULL, 'threshold', $3, NULL \
             FROM initiatives WHERE id = $1 AND status = 'threshold_reached' AND supports = threshold",
        )
        .bind(id.0)
        .bind(now.timestamp())
        .bind(format!("initiative:{id}"));
        let read = Stmt::new("SELECT supports, threshold FROM initiatives WHERE id = $1").bind(id.0);
        let done = self
            .guarded::<(i64, i64)>(vec![
                Step::Exec(count, true),
                Step::Exec(insert, true),
                Step::Exec(reached, false),
                Step::Rows(read),
            ])
            .await?;
        Ok(match done {
            Ok(rows) => {
                let (supports, threshold) = rows.first().copied().unwrap_or((0, 0));
                let (supports, threshold) = (supports.max(0) as u32, threshold.max(0) as u32);
                Supported::Counted { supports, threshold, reached: supports == threshold }
            }
            // Not collecting (any more): that is the news, whether or not this person supports it.
            Err(0) => Supported::Closed,
            Err(_) => Supported::Already,
        })
    }

    async fn initiative_unsupport(&self, id: InitiativeId, person: PersonId) -> StoreResult<Option<u32>> {
        let count = Stmt::new(
            "UPDATE initiatives SET supports = supports - 1 WHERE id = $1 AND status = 'published' \
             AND EXISTS (SELECT 1 FROM initiative_supports WHERE initiative_id = $1 AND person_id = $2)",
        )
        .bind(id.0)
        .bind(person.0);
        let delete = Stmt::new("DELETE FROM initiative_supports WHERE initiative_id = $1 AND person_id = $2")
            .bind(id.0)
            .bind(person.0);
        let read = Stmt::new("SELECT supports FROM initiatives WHERE id = $1").bind(id.0);
        let done =
            self.guarded::<(i64,)>(vec![Step::Exec(count, true), Step::Exec(delete, true), Step::Rows(read)]).await?;
        Ok(done.ok().and_then(|rows| rows.first().map(|(n,)| (*n).max(0) as u32)))
    }

    async fn initiative_supporter_names(&self, id: InitiativeId, limit: u32) -> StoreResult<Vec<String>> {
        let rows: Vec<(String,)> = self
            .fetch_all(
                Stmt::new(
                    "SELECT p.display_name FROM initiative_supports s JOIN persons p ON p.id = s.person_id \
                     WHERE s.initiative_id = $1 AND NOT s.anonymous ORDER BY s.created_at, s.person_id LIMIT $2",
                )
                .bind(id.0)
                .bind(i64::from(limit)),
            )
            .await?;
        Ok(rows.into_iter().map(|(n,)| n).collect())
    }

    async fn initiative_join(
        &self,
        id: InitiativeId,
        person: PersonId,
        volunteer: bool,
        now: DateTime<Utc>,
    ) -> StoreResult<Joined> {
        // Within the row lock: on the waitlist when the joined ones fill the capacity.
        let insert = Stmt::new(
            "INSERT INTO initiative_participants (initiative_id, person_id, volunteer, waiting, seq, created_at) \
             SELECT i.id, $2, $3, (i.capacity > 0 AND i.participants >= i.capacity), \
             (SELECT COALESCE(MAX(seq), 0) + 1 FROM initiative_participants WHERE initiative_id = $1), $4 \
             FROM initiatives i WHERE i.id = $1 \
             ON CONFLICT (initiative_id, person_id) DO NOTHING",
        )
        .bind(id.0)
        .bind(person.0)
        .bind(volunteer)
        .bind(now.timestamp());
        let place = Stmt::new(
            "SELECT p.waiting, (SELECT COUNT(*) FROM initiative_participants w WHERE w.initiative_id = $1 \
             AND w.waiting AND w.seq <= p.seq) FROM initiative_participants p \
             WHERE p.initiative_id = $1 AND p.person_id = $2",
        )
        .bind(id.0)
        .bind(person.0);
        let done = self
            .guarded::<(bool, i64)>(vec![
                Step::Exec(Self::lock_open(id, &JOINABLE), true),
                Step::Exec(insert, true),
                Step::Exec(recount_participants(id), false),
                Step::Rows(place),
            ])
            .await?;
        Ok(match done {
            Ok(rows) => match rows.first() {
                Some((true, place)) => Joined::Waiting((*place).max(1) as u32),
                _ => Joined::Joined,
            },
            Err(0) => Joined::Closed,
            Err(_) => Joined::Already,
        })
    }

    async fn initiative_leave(&self, id: InitiativeId, person: PersonId) -> StoreResult<Option<Option<PersonId>>> {
        let lock = Stmt::new("UPDATE initiatives SET updated_at = updated_at WHERE id = $1").bind(id.0);
        let delete = Stmt::new("DELETE FROM initiative_participants WHERE initiative_id = $1 AND person_id = $2")
            .bind(id.0)
            .bind(person.0);
        // The first on the waitlist takes a place that is free after the leaving.
        let promote = Stmt::new(
            "UPDATE initiative_participants SET waiting = FALSE WHERE initiative_id = $1 AND waiting \
             AND seq = (SELECT MIN(seq) FROM initiative_participants WHERE initiative_id = $1 AND waiting) \
             AND (SELECT capacity FROM initiatives WHERE id = $1) > \
             (SELECT COUNT(*) FROM initiative_participants WHERE initiative_id = $1 AND NOT waiting) \
             RETURNING person_id",
        )
        .bind(id.0);
        let done = self
            .guarded::<(i64,)>(vec![
                Step::Exec(lock, true),
                Step::Exec(delete, true),
                Step::Rows(promote),
                Step::Exec(recount_participants(id), false),
            ])
            .await?;
        Ok(done.ok().map(|rows| rows.first().map(|(p,)| PersonId(*p))))
    }

    async fn initiative_my_part(&self, id: InitiativeId, person: PersonId) -> StoreResult<MyPart> {
        let row: Option<(Option<bool>, Option<bool>, Option<bool>, bool, bool)> = self
            .fetch_optional(
                Stmt::new(
                    "SELECT (SELECT anonymous FROM initiative_supports WHERE initiative_id = $1 AND person_id = $2), \
                     (SELECT waiting FROM initiative_participants WHERE initiative_id = $1 AND person_id = $2), \
                     (SELECT volunteer FROM initiative_participants WHERE initiative_id = $1 AND person_id = $2), \
                     EXISTS (SELECT 1 FROM initiative_votes WHERE initiative_id = $1 AND person_id = $2), \
                     EXISTS (SELECT 1 FROM initiative_reports WHERE initiative_id = $1 AND person_id = $2)",
                )
                .bind(id.0)
                .bind(person.0),
            )
            .await?;
        let Some((support, waiting, volunteer, voted, reported)) = row else { return Ok(MyPart::default()) };
        Ok(MyPart { support, waiting, volunteer: volunteer.unwrap_or(false), voted, reported })
    }

    async fn initiative_audience(&self, id: InitiativeId) -> StoreResult<Vec<PersonId>> {
        let rows: Vec<(i64,)> = self
            .fetch_all(
                Stmt::new(
                    "SELECT person_id FROM initiative_supports WHERE initiative_id = $1 \
                     UNION SELECT person_id FROM initiative_participants WHERE initiative_id = $1 ORDER BY 1",
                )
                .bind(id.0),
            )
            .await?;
        Ok(rows.into_iter().map(|(p,)| PersonId(p)).collect())
    }

    async fn initiative_vote(
        &self,
        id: InitiativeId,
        person: PersonId,
        yes: bool,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let insert = Stmt::new(
            "INSERT INTO initiative_votes (initiative_id, person_id, yes, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (initiative_id, person_id) DO NOTHING",
        )
        .bind(id.0)
        .bind(person.0)
        .bind(yes)
        .bind(now.timestamp());
        let done = self
            .guarded::<(i64,)>(vec![Step::Exec(Self::lock_open(id, &[Status::Voting]), true), Step::Exec(insert, true)])
            .await?;
        Ok(done.is_ok())
    }

    async fn initiative_tally(&self, id: InitiativeId) -> StoreResult<(u32, u32)> {
        let row: Option<(i64, i64)> = self
            .fetch_optional(
                Stmt::new(
                    "SELECT (SELECT COUNT(*) FROM initiative_votes WHERE initiative_id = $1 AND yes), \
                     (SELECT COUNT(*) FROM initiative_votes WHERE initiative_id = $1 AND NOT yes)",
                )
                .bind(id.0),
            )
            .await?;
        let (yes, no) = row.unwrap_or((0, 0));
        Ok((yes.max(0) as u32, no.max(0) as u32))
    }

    async fn initiative_report(
        &self,
        id: InitiativeId,
        person: PersonId,
        reason: &str,
        hide_at: u32,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<(u32, bool)>> {
        let lock = Stmt::new("UPDATE initiatives SET updated_at = updated_at WHERE id = $1").bind(id.0);
        let insert = Stmt::new(
            "INSERT INTO initiative_reports (initiative_id, person_id, reason, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (initiative_id, person_id) DO NOTHING",
        )
        .bind(id.0)
        .bind(person.0)
        .bind(reason)
        .bind(now.timestamp());
        let reports = "(SELECT COUNT(*) FROM initiative_reports WHERE initiative_id = $1)";
        let audit = Stmt::new(format!(
            "INSERT INTO audit (at, actor_id, action, subject, reason) SELECT $2, NULL, 'hide', $3, $4 \
             FROM initiatives WHERE id = $1 AND NOT hidden AND {reports} >= $5"
        ))
        .bind(id.0)
        .bind(now.timestamp())
        .bind(format!("initiative:{id}"))
        .bind(format!("{hide_at} reports"))
        .bind(i64::from(hide_at));
        let hide =
            Stmt::new(format!("UPDATE initiatives SET hidden = TRUE WHERE id = $1 AND NOT hidden AND {reports} >= $2"))
                .bind(id.0)
                .bind(i64::from(hide_at));
        let read = Stmt::new(format!("SELECT {reports}, hidden FROM initiatives WHERE id = $1")).bind(id.0);
        let done = self
            .guarded::<(i64, bool)>(vec![
                Step::Exec(lock, true),
                Step::Exec(insert, true),
                Step::Exec(audit, false),
                Step::Exec(hide, false),
                Step::Rows(read),
            ])
            .await?;
        Ok(done.ok().map(|rows| {
            let (count, hidden) = rows.first().copied().unwrap_or((0, false));
            let count = count.max(0) as u32;
            (count, hidden && count == hide_at)
        }))
    }

    async fn initiative_set_hidden(&self, id: InitiativeId, hidden: bool, audit: &AuditEntry) -> StoreResult<bool> {
        let update =
            Stmt::new("UPDATE initiatives SET hidden = $2 WHERE id = $1 AND hidden <> $2").bind(id.0).bind(hidden);
        let mut steps = vec![Step::Exec(update, true), Step::Exec(audit_stmt(audit), false)];
        if !hidden {
            // Restored: the reports were looked at, so they start again from zero.
            steps.push(Step::Exec(
                Stmt::new("DELETE FROM initiative_reports WHERE initiative_id = $1").bind(id.0),
                false,
            ));
        }
        Ok(self.guarded::<(i64,)>(steps).await?.is_ok())
    }

    async fn initiative_comment(
        &self,
        id: InitiativeId,
        person: PersonId,
        body: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let row: Option<(i64,)> = self
            .fetch_writing(
                Stmt::new(
                    "INSERT INTO initiative_comments (initiative_id, person_id, body, created_at) \
                     VALUES ($1, $2, $3, $4) RETURNING id",
                )
                .bind(id.0)
                .bind(person.0)
                .bind(body)
                .bind(now.timestamp()),
            )
            .await?;
        Ok(row.map(|(id,)| id).unwrap_or_default())
    }

    async fn initiative_comments(&self, id: InitiativeId, limit: u32) -> StoreResult<Vec<(String, String)>> {
        let mut rows: Vec<(String, String)> = self
            .fetch_all(
                Stmt::new(
                    "SELECT p.display_name, c.body FROM initiative_comments c JOIN persons p ON p.id = c.person_id \
                     WHERE c.initiative_id = $1 ORDER BY c.id DESC LIMIT $2",
                )
                .bind(id.0)
                .bind(i64::from(limit)),
            )
            .await?;
        rows.reverse();
        Ok(rows)
    }

    async fn initiative_take_update(
        &self,
        id: InitiativeId,
        not_after: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let changed = self
            .execute(
                Stmt::new(
                    "UPDATE initiatives SET last_update_at = $3 WHERE id = $1 \
                     AND (last_update_at IS NULL OR last_update_at <= $2)",
                )
                .bind(id.0)
                .bind(not_after.timestamp())
                .bind(now.timestamp()),
            )
            .await?;
        Ok(changed == 1)
    }

    async fn role_holders(
        &self,
        role: vicinato_domain::Role,
        territories: &[TerritoryId],
    ) -> StoreResult<Vec<PersonId>> {
        if territories.is_empty() {
            return Ok(Vec::new());
        }
        let places: Vec<String> = (0..territories.len()).map(|i| format!("${}", i + 2)).collect();
        let mut stmt = Stmt::new(format!(
            "SELECT DISTINCT person_id FROM roles WHERE role = $1 AND territory_id IN ({}) ORDER BY person_id",
            places.join(", ")
        ))
        .bind(role.as_str());
        for t in territories {
            stmt = stmt.bind(t.as_str());
        }
        let rows: Vec<(i64,)> = self.fetch_all(stmt).await?;
        Ok(rows.into_iter().map(|(p,)| PersonId(p)).collect())
    }

    async fn governance(&self) -> StoreResult<Vec<(TerritoryId, Phase)>> {
        let rows: Vec<(String, String)> =
            self.fetch_all(Stmt::new("SELECT territory_id, phase FROM governance ORDER BY territory_id")).await?;
        Ok(rows.into_iter().filter_map(|(t, p)| Some((TerritoryId::new(t), Phase::parse(&p)?))).collect())
    }

    async fn set_governance(&self, territory: &TerritoryId, phase: Phase, audit: &AuditEntry) -> StoreResult<()> {
        let set = Stmt::new(
            "INSERT INTO governance (territory_id, phase, changed_at) VALUES ($1, $2, $3) \
             ON CONFLICT (territory_id) DO UPDATE SET phase = excluded.phase, changed_at = excluded.changed_at",
        )
        .bind(territory.as_str())
        .bind(phase.as_str())
        .bind(audit.at.timestamp());
        self.transaction(vec![set, audit_stmt(audit)]).await.map(|_| ())
    }

    async fn audit_of(&self, subject: &str) -> StoreResult<Vec<AuditEntry>> {
        let rows: Vec<(i64, Option<i64>, String, String, Option<String>)> = self
            .fetch_all(
                Stmt::new("SELECT at, actor_id, action, subject, reason FROM audit WHERE subject = $1 ORDER BY id")
                    .bind(subject),
            )
            .await?;
        rows.into_iter()
            .map(|(at, actor, action, subject, reason)| {
                Ok(AuditEntry { at: secs("audit", at)?, actor: actor.map(PersonId), action, subject, reason })
            })
            .collect()
    }

    async fn participation_events(
        &self,
        territory_path: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<ParticipationEvent>> {
        let within = "i.territory_path >= $1 AND i.territory_path < $2";
        let sql = format!(
            "SELECT 'proposed', i.territory_id, i.submitted_at, i.author_id FROM initiatives i \
             WHERE {within} AND i.submitted_at >= $3 AND i.submitted_at < $4 \
             UNION ALL SELECT 'held', i.territory_id, i.held_at, i.author_id FROM initiatives i \
             WHERE {within} AND i.held_at >= $3 AND i.held_at < $4 \
             UNION ALL SELECT 'booked', l.territory_id, b.starts, b.person_id FROM bookings b \
             JOIN locations l ON l.id = b.house WHERE l.territory_path >= $1 AND l.territory_path < $2 \
             AND b.status = 'confirmed' AND b.starts >= $3 AND b.starts < $4 \
             UNION ALL SELECT 'supported', i.territory_id, s.created_at, s.person_id FROM initiative_supports s \
             JOIN initiatives i ON i.id = s.initiative_id WHERE {within} AND s.created_at >= $3 AND s.created_at < $4 \
             UNION ALL SELECT 'joined', i.territory_id, p.created_at, p.person_id FROM initiative_participants p \
             JOIN initiatives i ON i.id = p.initiative_id WHERE {within} AND p.created_at >= $3 AND p.created_at < $4 \
             UNION ALL SELECT 'voted', i.territory_id, v.created_at, v.person_id FROM initiative_votes v \
             JOIN initiatives i ON i.id = v.initiative_id WHERE {within} AND v.created_at >= $3 AND v.created_at < $4 \
             UNION ALL SELECT 'commented', i.territory_id, c.created_at, c.person_id FROM initiative_comments c \
             JOIN initiatives i ON i.id = c.initiative_id WHERE {within} AND c.created_at >= $3 AND c.created_at < $4"
        );
        let rows: Vec<(String, String, i64, Option<i64>)> = self
            .fetch_all(
                Stmt::new(sql)
                    .bind(territory_path)
                    .bind(prefix_end(territory_path))
                    .bind(from.timestamp())
                    .bind(to.timestamp()),
            )
            .await?;
        rows.into_iter()
            .map(|(what, territory, at, person)| {
                let what = match what.as_str() {
                    "proposed" => Activity::Proposed,
                    "held" => Activity::Held,
                    "booked" => Activity::Booked,
                    "supported" => Activity::Supported,
                    "joined" => Activity::Joined,
                    "voted" => Activity::Voted,
                    _ => Activity::Commented,
                };
                Ok(ParticipationEvent {
                    what,
                    territory: TerritoryId::new(territory),
                    at: secs("participation", at)?,
                    person: person.map(PersonId),
                })
            })
            .collect()
    }

    async fn initiative_activity(&self, person: PersonId, since: DateTime<Utc>) -> StoreResult<RecentActivity> {
        let row: Option<(i64, i64, i64)> = self
            .fetch_optional(
                Stmt::new(
                    "SELECT (SELECT COUNT(*) FROM initiatives WHERE author_id = $1 AND status = 'draft'), \
                     (SELECT COUNT(*) FROM initiative_comments WHERE person_id = $1 AND created_at >= $2), \
                     (SELECT COUNT(*) FROM initiative_reports WHERE person_id = $1 AND created_at >= $2)",
                )
                .bind(person.0)
                .bind(since.timestamp()),
            )
            .await?;
        let (drafts, comments, reports) = row.unwrap_or_default();
        let n = |v: i64| u32::try_from(v).unwrap_or(u32::MAX);
        Ok(RecentActivity { open_drafts: n(drafts), comments: n(comments), reports: n(reports) })
    }

    async fn initiatives_of_person(&self, person: PersonId) -> StoreResult<Vec<(Initiative, &'static str)>> {
        let cols = COLUMNS.split(", ").map(|c| format!("i.{c}")).collect::<Vec<_>>().join(", ");
        let mut out = Vec::new();
        for (part, join) in [
            ("author", "WHERE i.author_id = $1"),
            ("supporter", "JOIN initiative_supports s ON s.initiative_id = i.id WHERE s.person_id = $1"),
            ("participant", "JOIN initiative_participants p ON p.initiative_id = i.id WHERE p.person_id = $1"),
        ] {
            let rows: Vec<Row> = self
                .fetch_all(Stmt::new(format!("SELECT {cols} FROM initiatives i {join} ORDER BY i.id")).bind(person.0))
                .await?;
            for row in rows {
                out.push((from_row(row)?, part));
            }
        }
        Ok(out)
    }
}
