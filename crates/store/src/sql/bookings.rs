//! Bookings and the waitlist on SQLite and PostgreSQL: a booking and its units in one
//! transaction (with a quota check, a replaced booking, a waitlist guard or jobs after it), and
//! status changes with their jobs.
//!
//! It writes `bookings`, `booking_units`, `waitlist`, and `jobs` only inside those transactions.

use super::*;

/// Whether an error is the database refusing overlapping booking units (PostgreSQL's
/// exclusion violation, or the SQLite trigger).
fn is_overlap(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(db) => {
            db.code().as_deref() == Some("23P01") || db.message().contains("booking_units_no_overlap")
        }
        _ => false,
    }
}

impl SqlStore {
    /// Writes a booking and its units in one transaction, after `guard` (which must change a
    /// row, else nothing is written) and followed by the statements `after` makes for the new
    /// booking's id. `Err(Taken)` on an overlap, a guard that changed nothing, or a replaced
    /// booking that is no longer live.
    async fn booking_insert_with(
        &self,
        b: &NewBooking,
        guard: Option<Stmt>,
        quota: Option<&QuotaCheck>,
        after: &(dyn Fn(BookingId) -> Vec<Stmt> + Send + Sync),
        now: DateTime<Utc>,
    ) -> StoreResult<Result<Booking, Refused>> {
        // The quota's owner is locked first (PostgreSQL), then the minutes already booked are
        // summed, all inside the transaction that writes the booking.
        let postgres = matches!(self.writer, Pool::Postgres(_));
        let quota_stmts = quota.map(|q| {
            let (lock, used) = match &q.whose {
                QuotaOf::Person(p) => (
                    Stmt::new("SELECT id FROM persons WHERE id = $1 FOR UPDATE").bind(p.0),
                    // A person's own hours: those still to come (as the conversation counts them).
                    Stmt::new(format!(
                        "SELECT CAST(COALESCE(SUM(ends - starts), 0) AS BIGINT) FROM bookings WHERE person_id = $1 \
                         AND association_id IS NULL AND house = $2 AND starts >= $3 AND starts < $4 AND ends > $5 \
                         AND status IN ({})",
                        status_list(&LIVE)
                    ))
                    .bind(p.0)
                    .bind(q.house.as_str())
                    .bind(q.from.timestamp())
                    .bind(q.to.timestamp())
                    .bind(now.timestamp()),
                ),
                QuotaOf::Association(a) => (
                    Stmt::new("SELECT id FROM associations WHERE id = $1 FOR UPDATE").bind(a.as_str()),
                    Stmt::new(format!(
                        "SELECT CAST(COALESCE(SUM(ends - starts), 0) AS BIGINT) FROM bookings WHERE association_id = $1 \
                         AND house = $2 AND starts >= $3 AND starts < $4 AND status IN ({})",
                        status_list(&LIVE)
                    ))
                    .bind(a.as_str())
                    .bind(q.house.as_str())
                    .bind(q.from.timestamp())
                    .bind(q.to.timestamp()),
                ),
            };
            (postgres.then_some(lock), used, q.max_minutes * 60 - (b.ends - b.starts).num_seconds())
        });
        let insert = Stmt::new(format!(
            "INSERT INTO bookings (house, space, person_id, status, starts, ends, zone, people, purpose, created_at, \
             association_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING {BOOKING_COLUMNS}"
        ))
        .bind(b.house.as_str())
        .bind(b.space.as_str())
        .bind(b.person.0)
        .bind(b.status.as_str())
        .bind(b.starts.timestamp())
        .bind(b.ends.timestamp())
        .bind(b.zone.name())
        .bind(i64::from(b.people))
        .bind(b.purpose.as_str())
        .bind(now.timestamp())
        .bind(b.association.as_ref().map(|a| a.as_str().to_owned()));
        let (from, to) = (b.starts.timestamp(), b.busy_until.timestamp());
        let units = b.units.clone();
        let (replaces, person) = (b.replaces, b.person.0);
        let protocol = |e: StoreError| sqlx::Error::Protocol(e.to_string());
        let result: Result<Result<BookingRow, Refused>, sqlx::Error> = on_pool!(self.writer, |p, Db| {
            async {
                let mut tx = p.begin().await?;
                if let Some(Stmt { sql, binds }) = guard {
                    let args = arguments::<Db>(binds).map_err(protocol)?;
                    let done = sqlx::query_with(AssertSqlSafe(sql), args).execute(&mut *tx).await?;
                    if done.rows_affected() == 0 {
                        return Err(sqlx::Error::RowNotFound);
                    }
                }
                if let Some(old) = replaces {
                    let args = arguments::<Db>(vec![old.0.into(), person.into()]).map_err(protocol)?;
                    let sql = format!(
                        "UPDATE bookings SET status = 'cancelled' WHERE id = $1 AND person_id = $2 AND status IN ({})",
                        status_list(&LIVE)
                    );
                    let done = sqlx::query_with(AssertSqlSafe(sql), args).execute(&mut *tx).await?;
                    if done.rows_affected() == 0 {
                        return Err(sqlx::Error::RowNotFound);
                    }
                    let args = arguments::<Db>(vec![old.0.into()]).map_err(protocol)?;
                    sqlx::query_with("DELETE FROM booking_units WHERE booking_id = $1", args).execute(&mut *tx).await?;
                }
                if let Some((lock, used, room)) = quota_stmts {
                    if let Some(Stmt { sql, binds }) = lock {
                        let args = arguments::<Db>(binds).map_err(protocol)?;
                        sqlx::query_with(AssertSqlSafe(sql), args).execute(&mut *tx).await?;
                    }
                    let Stmt { sql, binds } = used;
                    let args = arguments::<Db>(binds).map_err(protocol)?;
                    let (seconds,): (i64,) = sqlx::query_as_with(AssertSqlSafe(sql), args).fetch_one(&mut *tx).await?;
                    if seconds > room {
                        return Ok(Err(Refused::OverQuota));
                    }
                }
                let Stmt { sql, binds } = insert;
                let args = arguments::<Db>(binds).map_err(protocol)?;
                let row: BookingRow = sqlx::query_as_with(AssertSqlSafe(sql), args).fetch_one(&mut *tx).await?;
                for unit in &units {
                    let args =
                        arguments::<Db>(vec![row.0.into(), unit.0.into(), from.into(), to.into()]).map_err(protocol)?;
                    sqlx::query_with(
                        "INSERT INTO booking_units (booking_id, unit, starts, ends) VALUES ($1, $2, $3, $4)",
                        args,
                    )
                    .execute(&mut *tx)
                    .await?;
                }
                for Stmt { sql, binds } in after(BookingId(row.0)) {
                    let args = arguments::<Db>(binds).map_err(protocol)?;
                    sqlx::query_with(AssertSqlSafe(sql), args).execute(&mut *tx).await?;
                }
                tx.commit().await?;
                Ok(Ok(row))
            }
            .await
        });
        match result {
            Ok(Ok(row)) => Ok(Ok(booking_from_row(row)?)),
            Ok(Err(refused)) => Ok(Err(refused)),
            Err(e) if is_overlap(&e) => Ok(Err(Refused::Taken)),
            // The guard changed nothing, or the booking it replaces is no longer live.
            Err(sqlx::Error::RowNotFound) => Ok(Err(Refused::Taken)),
            Err(e) => Err(e.into()),
        }
    }
}

#[async_trait]
impl BookingStore for SqlStore {
    async fn booking_insert(&self, b: &NewBooking, now: DateTime<Utc>) -> StoreResult<Result<Booking, Taken>> {
        Ok(self.booking_insert_with(b, None, None, &|_| Vec::new(), now).await?.map_err(|_| Taken))
    }

    async fn booking_insert_within(
        &self,
        b: &NewBooking,
        quota: &QuotaCheck,
        now: DateTime<Utc>,
    ) -> StoreResult<Result<Booking, Refused>> {
        self.booking_insert_with(b, None, Some(quota), &|_| Vec::new(), now).await
    }

    async fn booking(&self, id: BookingId) -> StoreResult<Option<Booking>> {
        let row: Option<BookingRow> = self
            .fetch_optional(Stmt::new(format!("SELECT {BOOKING_COLUMNS} FROM bookings WHERE id = $1")).bind(id.0))
            .await?;
        row.map(booking_from_row).transpose()
    }

    async fn bookings_of(&self, person: PersonId, after: DateTime<Utc>) -> StoreResult<Vec<Booking>> {
        let rows: Vec<BookingRow> = self
            .fetch_all(
                Stmt::new(format!(
                    "SELECT {BOOKING_COLUMNS} FROM bookings WHERE person_id = $1 AND ends > $2 \
                     AND status IN ({}) ORDER BY starts, id",
                    status_list(&LIVE)
                ))
                .bind(person.0)
                .bind(after.timestamp()),
            )
            .await?;
        rows.into_iter().map(booking_from_row).collect()
    }

    async fn bookings_between(
        &self,
        house: Option<&LocationId>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<Booking>> {
        let rows: Vec<BookingRow> = self
            .fetch_all(
                Stmt::new(format!(
                    "SELECT {BOOKING_COLUMNS} FROM bookings WHERE starts >= $1 AND starts < $2 \
                     AND ($3 = '' OR house = $3) ORDER BY starts, id"
                ))
                .bind(from.timestamp())
                .bind(to.timestamp())
                .bind(house.map(|h| h.as_str()).unwrap_or("")),
            )
            .await?;
        rows.into_iter().map(booking_from_row).collect()
    }

    async fn busy(
        &self,
        units: &[UnitId],
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<(DateTime<Utc>, DateTime<Utc>)>> {
        if units.is_empty() {
            return Ok(Vec::new());
        }
        let list = (0..units.len()).map(|i| format!("${}", i + 3)).collect::<Vec<_>>().join(", ");
        let mut stmt = Stmt::new(format!(
            "SELECT DISTINCT starts, ends FROM booking_units WHERE unit IN ({list}) AND starts < $2 AND ends > $1 \
             ORDER BY starts"
        ))
        .bind(from.timestamp())
        .bind(to.timestamp());
        for u in units {
            stmt = stmt.bind(u.0);
        }
        let rows: Vec<(i64, i64)> = self.fetch_all(stmt).await?;
        rows.into_iter().map(|(s, e)| Ok((from_secs("booking_units", s)?, from_secs("booking_units", e)?))).collect()
    }

    async fn booking_transition(
        &self,
        id: BookingId,
        from: &[BookingStatus],
        to: BookingStatus,
    ) -> StoreResult<Option<Booking>> {
        self.booking_transition_with(id, from, to, &[], &[], DateTime::<Utc>::UNIX_EPOCH).await
    }

    async fn booking_transition_with(
        &self,
        id: BookingId,
        from: &[BookingStatus],
        to: BookingStatus,
        jobs: &[NewJob],
        cancel: &[String],
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Booking>> {
        if from.is_empty() {
            return Ok(None);
        }
        let guard =
            Stmt::new(format!("UPDATE bookings SET status = $1 WHERE id = $2 AND status IN ({})", status_list(from)))
                .bind(to.as_str())
                .bind(id.0);
        let mut stmts = Vec::new();
        if !to.is_live() {
            stmts.push(Stmt::new("DELETE FROM booking_units WHERE booking_id = $1").bind(id.0));
        }
        stmts.extend(cancel.iter().map(|key| job_cancel_statement(key)));
        stmts.extend(jobs.iter().map(|job| job_put_statement(job, now)));
        if !self.transaction_if_first(guard, stmts).await? {
            return Ok(None);
        }
        self.booking(id).await
    }

    async fn booking_check_in(&self, id: BookingId, at: DateTime<Utc>) -> StoreResult<bool> {
        Ok(self
            .execute(
                Stmt::new("UPDATE bookings SET checked_in_at = $1 WHERE id = $2 AND status = 'confirmed'")
                    .bind(at.timestamp())
                    .bind(id.0),
            )
            .await?
            > 0)
    }

    async fn waitlist_add(&self, e: &WaitEntry, cap: u32, now: DateTime<Utc>) -> StoreResult<WaitPlace> {
        let existing = Stmt::new(
            "SELECT id FROM waitlist WHERE space = $1 AND person_id = $2 AND starts = $3 AND ends = $4 \
             AND status = 'waiting'",
        )
        .bind(e.space.as_str())
        .bind(e.person.0)
        .bind(e.starts.timestamp())
        .bind(e.ends.timestamp());
        let mut id: Option<(i64,)> = self.fetch_writing(existing.clone()).await?;
        if id.is_none() {
            // The cap and the one-per-slot rule hold in the statement itself.
            id = self
                .fetch_writing(
                    Stmt::new(
                        "INSERT INTO waitlist (space, person_id, starts, ends, people, purpose, status, created_at) \
                         SELECT $1, $2, $3, $4, $5, $6, 'waiting', $7 \
                         WHERE (SELECT COUNT(*) FROM waitlist WHERE person_id = $2 AND status = 'waiting') < $8 \
                         ON CONFLICT (space, person_id, starts, ends) WHERE status = 'waiting' DO NOTHING \
                         RETURNING id",
                    )
                    .bind(e.space.as_str())
                    .bind(e.person.0)
                    .bind(e.starts.timestamp())
                    .bind(e.ends.timestamp())
                    .bind(i64::from(e.people))
                    .bind(e.purpose.as_str())
                    .bind(now.timestamp())
                    .bind(i64::from(cap)),
                )
                .await?;
        }
        if id.is_none() {
            // A twin insert won the race: that one is theirs.
            id = self.fetch_writing(existing).await?;
        }
        let Some((id,)) = id else {
            return Ok(WaitPlace::Full);
        };
        let ahead = self.waitlist_waiting(&e.space, e.starts, e.ends).await?;
        Ok(WaitPlace::Place(ahead.iter().filter(|w| w.id <= id).count() as i64))
    }

    async fn waitlist_promote(
        &self,
        entry: i64,
        held: &NewBooking,
        jobs: &(dyn Fn(BookingId) -> Vec<NewJob> + Send + Sync),
        now: DateTime<Utc>,
    ) -> StoreResult<Result<Booking, Taken>> {
        let guard =
            Stmt::new("UPDATE waitlist SET status = 'offered' WHERE id = $1 AND status = 'waiting'").bind(entry);
        let after = |id: BookingId| jobs(id).iter().map(|j| job_put_statement(j, now)).collect();
        Ok(self.booking_insert_with(held, Some(guard), None, &after, now).await?.map_err(|_| Taken))
    }

    async fn waitlist_close(
        &self,
        space: &SpaceId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<WaitEntry>> {
        let closed = self.waitlist_waiting(space, from, to).await?;
        for e in &closed {
            self.waitlist_set(e.id, "closed").await?;
        }
        Ok(closed)
    }

    async fn waitlist_waiting(
        &self,
        space: &SpaceId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<WaitEntry>> {
        let rows: Vec<(i64, String, i64, i64, i64, i64, String)> = self
            .fetch_writing_all(
                Stmt::new(
                    "SELECT id, space, person_id, starts, ends, people, purpose FROM waitlist \
                     WHERE space = $1 AND status = 'waiting' AND starts < $3 AND ends > $2 ORDER BY id",
                )
                .bind(space.as_str())
                .bind(from.timestamp())
                .bind(to.timestamp()),
            )
            .await?;
        rows.into_iter()
            .map(|(id, space, person, starts, ends, people, purpose)| {
                let record = format!("waitlist {id}");
                Ok(WaitEntry {
                    id,
                    space: SpaceId::new(space),
                    person: PersonId(person),
                    starts: from_secs(&record, starts)?,
                    ends: from_secs(&record, ends)?,
                    people: u32::try_from(people).unwrap_or(0),
                    purpose,
                })
            })
            .collect()
    }

    async fn waitlist_set(&self, id: i64, status: &str) -> StoreResult<()> {
        self.execute(Stmt::new("UPDATE waitlist SET status = $1 WHERE id = $2").bind(status).bind(id)).await.map(|_| ())
    }
}
