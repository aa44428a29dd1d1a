//! The SQL store, one implementation for SQLite and PostgreSQL.
//!
//! Statements are plain SQL with `$N` placeholders, which both engines accept, and values are
//! bound, never spliced. Where the engines differ (full-text search), the SQL is chosen by
//! [`Engine`]. Only [`SqlStore::fetch_all`], [`SqlStore::execute`] and
//! [`SqlStore::transaction`] touch a connection pool.
//!
//! This file keeps what every family shares: the pools and the engine switch ([`on_pool!`]),
//! opening and migrating, statements and their bound values, the transaction helpers, and the
//! row mappers and statements that several families use (bookings, jobs). The SQL of each
//! family is in `sql/<family>.rs`, one `impl` of its trait for [`SqlStore`]; nothing here
//! implements a family's method, and no family file opens a pool or runs a migration.

use super::*;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions, PgRow};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteRow, SqliteSynchronous};
use sqlx::{Arguments, AssertSqlSafe, Database, Encode, FromRow, PgPool, SqlitePool, Type};
use std::str::FromStr;
use std::time::Duration;
use vicinato_domain::text::{fold, words};
use vicinato_domain::*;

#[derive(Clone)]
enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs the same code against whichever pool the store holds; each arm is type-checked for
/// its own engine.
macro_rules! on_pool {
    ($pool:expr, |$p:ident, $db:ident| $body:expr) => {
        match &$pool {
            Pool::Sqlite($p) => {
                type $db = sqlx::Sqlite;
                $body
            }
            Pool::Postgres($p) => {
                type $db = sqlx::Postgres;
                $body
            }
        }
    };
}

mod announcements;
mod associations;
mod bookings;
mod dead_letters;
mod directory;
mod flows;
mod initiatives;
mod jobs;
mod link;
mod outbox;
mod people;
mod rooms;
mod spaces;

/// Reads go to `pool`; writes go to `writer`. On SQLite the writer is one connection, so
/// writers queue in the pool instead of sleeping in SQLite's busy handler (measured: 800 to
/// over 1,000 messages/s); on PostgreSQL both are the same pool.
pub struct SqlStore {
    pool: Pool,
    writer: Pool,
}

/// A value bound to a placeholder.
#[derive(Debug, Clone)]
enum Bind {
    Text(String),
    OptText(Option<String>),
    Int(i64),
    OptInt(Option<i64>),
    Bool(bool),
    Time(DateTime<Utc>),
}

impl From<&str> for Bind {
    fn from(v: &str) -> Self {
        Bind::Text(v.to_owned())
    }
}
impl From<String> for Bind {
    fn from(v: String) -> Self {
        Bind::Text(v)
    }
}
impl From<Option<String>> for Bind {
    fn from(v: Option<String>) -> Self {
        Bind::OptText(v)
    }
}
impl From<i64> for Bind {
    fn from(v: i64) -> Self {
        Bind::Int(v)
    }
}
impl From<Option<i64>> for Bind {
    fn from(v: Option<i64>) -> Self {
        Bind::OptInt(v)
    }
}
impl From<bool> for Bind {
    fn from(v: bool) -> Self {
        Bind::Bool(v)
    }
}
impl From<DateTime<Utc>> for Bind {
    fn from(v: DateTime<Utc>) -> Self {
        Bind::Time(v)
    }
}

/// A statement with its bound values.
#[derive(Debug, Clone)]
struct Stmt {
    sql: String,
    binds: Vec<Bind>,
}

impl Stmt {
    fn new(sql: impl Into<String>) -> Self {
        Self { sql: sql.into(), binds: Vec::new() }
    }

    fn bind(mut self, value: impl Into<Bind>) -> Self {
        self.binds.push(value.into());
        self
    }
}

fn arguments<DB: Database>(binds: Vec<Bind>) -> StoreResult<DB::Arguments>
where
    for<'t> String: Encode<'t, DB> + Type<DB>,
    for<'t> Option<String>: Encode<'t, DB> + Type<DB>,
    for<'t> i64: Encode<'t, DB> + Type<DB>,
    for<'t> Option<i64>: Encode<'t, DB> + Type<DB>,
    for<'t> bool: Encode<'t, DB> + Type<DB>,
    for<'t> DateTime<Utc>: Encode<'t, DB> + Type<DB>,
{
    let mut args = DB::Arguments::default();
    for b in binds {
        let added = match b {
            Bind::Text(v) => args.add(v),
            Bind::OptText(v) => args.add(v),
            Bind::Int(v) => args.add(v),
            Bind::OptInt(v) => args.add(v),
            Bind::Bool(v) => args.add(v),
            Bind::Time(v) => args.add(v),
        };
        added.map_err(|e| StoreError::Internal(sqlx::Error::Encode(e)))?;
    }
    Ok(args)
}

/// Inserts rows in multi-row statements of at most 999 placeholders: SQLite resolves `$N`
/// names by a linear scan, so much larger statements cost time quadratic in their size
/// (measured: 1.5 s for one statement of 30,000 placeholders).
fn insert_rows(table: &str, columns: &[&str], rows: Vec<Vec<Bind>>) -> Vec<Stmt> {
    const MAX_PARAMS: usize = 999;
    let per_stmt = (MAX_PARAMS / columns.len()).max(1);
    let mut out = Vec::new();
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<Vec<Bind>> = rows.by_ref().take(per_stmt).collect();
        let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
        let mut binds = Vec::with_capacity(chunk.len() * columns.len());
        for (r, row) in chunk.into_iter().enumerate() {
            debug_assert_eq!(row.len(), columns.len());
            if r > 0 {
                sql.push_str(", ");
            }
            sql.push('(');
            for c in 0..columns.len() {
                if c > 0 {
                    sql.push_str(", ");
                }
                sql.push('$');
                sql.push_str(&(binds.len() + c + 1).to_string());
            }
            sql.push(')');
            binds.extend(row);
        }
        out.push(Stmt { sql, binds });
    }
    out
}

fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("domain values always serialize")
}

fn from_json<T: serde::de::DeserializeOwned>(record: &str, json: &str) -> StoreResult<T> {
    serde_json::from_str(json).map_err(|e| StoreError::Corrupt { record: record.to_owned(), reason: e.to_string() })
}

type BookingRow = (i64, String, String, i64, String, i64, i64, String, i64, String, i64, Option<i64>, Option<String>);

const BOOKING_COLUMNS: &str = "id, house, space, person_id, status, starts, ends, zone, people, purpose, created_at, checked_in_at, association_id";

fn millis(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

fn from_millis(record: &str, ms: i64) -> StoreResult<DateTime<Utc>> {
    DateTime::from_timestamp_millis(ms)
        .ok_or_else(|| StoreError::Corrupt { record: record.to_owned(), reason: format!("time {ms} out of range") })
}

fn from_secs(record: &str, s: i64) -> StoreResult<DateTime<Utc>> {
    DateTime::from_timestamp(s, 0)
        .ok_or_else(|| StoreError::Corrupt { record: record.to_owned(), reason: format!("time {s} out of range") })
}

fn booking_from_row(row: BookingRow) -> StoreResult<Booking> {
    let (id, house, space, person, status, starts, ends, zone, people, purpose, created_at, checked_in_at, association) =
        row;
    let record = format!("booking {id}");
    let corrupt = |reason: String| StoreError::Corrupt { record: record.clone(), reason };
    Ok(Booking {
        id: BookingId(id),
        house: LocationId::new(house),
        space: SpaceId::new(space),
        person: PersonId(person),
        status: BookingStatus::parse(&status).ok_or_else(|| corrupt(format!("unknown status `{status}`")))?,
        starts: from_secs(&record, starts)?,
        ends: from_secs(&record, ends)?,
        zone: zone.parse().map_err(|_| corrupt(format!("unknown time zone `{zone}`")))?,
        people: u32::try_from(people).map_err(|_| corrupt(format!("people {people}")))?,
        purpose,
        created_at: from_secs(&record, created_at)?,
        checked_in_at: checked_in_at.map(|t| from_secs(&record, t)).transpose()?,
        association: association.map(AssociationId::new),
    })
}

/// Statuses as SQL literals for `IN (…)`: fixed words from the enum, never user text.
fn status_list(statuses: &[BookingStatus]) -> String {
    statuses.iter().map(|s| format!("'{}'", s.as_str())).collect::<Vec<_>>().join(", ")
}

const LIVE: [BookingStatus; 3] = [BookingStatus::Held, BookingStatus::Pending, BookingStatus::Confirmed];

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../../migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("../../migrations/postgres");

/// The migrations a program knows, in order (up migrations only).
fn known(migrator: &Migrator) -> Vec<(i64, String)> {
    migrator
        .iter()
        .filter(|m| !m.migration_type.is_down_migration())
        .map(|m| (m.version, m.description.to_string()))
        .collect()
}

/// A migration by its number and name, as operators see it: `0011 hardening`.
fn migration_name(version: i64, description: &str) -> String {
    format!("{version:04} {description}")
}

/// The migrations a database has applied (version, description, when), read without changing
/// anything; none when it was never migrated.
async fn applied_migrations(pool: &Pool) -> StoreResult<Vec<(i64, String, String)>> {
    let exists: Option<(i64,)> = match pool {
        Pool::Sqlite(p) => {
            sqlx::query_as("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'")
                .fetch_optional(p)
                .await?
        }
        Pool::Postgres(p) => {
            sqlx::query_as("SELECT 1::BIGINT WHERE to_regclass('_sqlx_migrations') IS NOT NULL")
                .fetch_optional(p)
                .await?
        }
    };
    if exists.is_none() {
        return Ok(Vec::new());
    }
    const SQL: &str = "SELECT version, description, CAST(installed_on AS TEXT) FROM _sqlx_migrations \
                       WHERE success ORDER BY version";
    Ok(on_pool!(pool, |p, Db| sqlx::query_as::<Db, (i64, String, String)>(SQL).fetch_all(p).await?))
}

/// Stops a program from running on a database a newer version migrated: one with a migration
/// this program does not know. Names both versions.
fn refuse_newer(migrator: &Migrator, applied: &[(i64, String, String)]) -> StoreResult<()> {
    let known = known(migrator);
    let Some((version, description, _)) = applied.iter().rev().find(|(v, _, _)| !known.iter().any(|(k, _)| k == v))
    else {
        return Ok(());
    };
    let ours = known.last().map_or_else(|| "none".to_owned(), |(v, d)| migration_name(*v, d));
    Err(StoreError::NewerDatabase {
        database: migration_name(*version, description),
        program: format!("{} (migrations up to {ours})", env!("CARGO_PKG_VERSION")),
    })
}

/// A bot's lease on PostgreSQL: a session-level advisory lock on a connection of its own, so
/// that each bot runs in exactly one `serve` among those sharing the database. The server drops
/// the lock when the connection ends, also when the process is killed, so a standby polling
/// [`BotLease::try_acquire`] takes over within a poll of the end.
pub struct BotLease {
    pub bot: String,
    connection: Option<sqlx::PgConnection>,
}

impl BotLease {
    /// Takes the lease of `bot` on the PostgreSQL database at `url`, or `None` when another
    /// process holds it.
    pub async fn try_acquire(url: &str, bot: &str) -> StoreResult<Option<BotLease>> {
        use sqlx::Connection;
        let opts = PgConnectOptions::from_str(url).map_err(|e| StoreError::BadUrl(format!("{e}")))?;
        let mut connection = sqlx::PgConnection::connect_with(&opts).await?;
        let (got,): (bool,) = sqlx::query_as("SELECT pg_try_advisory_lock(hashtextextended($1, 0))")
            .bind(format!("vicinato.bot.{bot}"))
            .fetch_one(&mut connection)
            .await?;
        if got {
            // The server notices a holder whose machine is gone (no FIN ever comes) by TCP
            // keepalives on this connection: after about 5 + 3 × 2 s, not the system's 2 hours.
            for set in
                ["SET tcp_keepalives_idle = 5", "SET tcp_keepalives_interval = 2", "SET tcp_keepalives_count = 3"]
            {
                sqlx::query(set).execute(&mut connection).await?;
            }
            Ok(Some(BotLease { bot: bot.to_owned(), connection: Some(connection) }))
        } else {
            let _ = connection.close().await;
            Ok(None)
        }
    }

    /// Whether the lease still holds: its connection answers. A session's advisory lock lasts
    /// as long as the session, so a connection that answers still holds it; one that fails
    /// (the server ended it, `pg_terminate_backend`, a restart) has lost it.
    pub async fn alive(&mut self) -> bool {
        let Some(connection) = self.connection.as_mut() else { return false };
        let answered = sqlx::query("SELECT 1").execute(&mut *connection).await.is_ok();
        if !answered {
            self.connection = None;
        }
        answered
    }

    /// Gives the lease up (ending its connection).
    pub async fn release(mut self) {
        use sqlx::Connection;
        if let Some(connection) = self.connection.take() {
            let _ = connection.close().await;
        }
    }
}

impl std::fmt::Debug for BotLease {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BotLease").field("bot", &self.bot).finish()
    }
}

/// One migration as `vicinato migrate --status` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationState {
    pub version: i64,
    pub description: String,
    /// When it was applied (the database's own time text); `None` while pending.
    pub applied_at: Option<String>,
    /// Whether this program knows it (a migration only a newer version knows is not).
    pub known: bool,
}

impl SqlStore {
    /// The migrations of the database at `url`, applied and pending, read without migrating
    /// anything (a SQLite file that does not exist has every migration pending).
    pub async fn migration_status(url: &str) -> StoreResult<Vec<MigrationState>> {
        let (pool, migrator) = if url.starts_with("sqlite:") {
            let opts = SqliteConnectOptions::from_str(url).map_err(|e| StoreError::BadUrl(format!("{url}: {e}")))?;
            let exists = url.contains(":memory:") || opts.get_filename().exists();
            let pool = if exists {
                Some(Pool::Sqlite(SqlitePoolOptions::new().max_connections(1).connect_with(opts).await?))
            } else {
                None
            };
            (pool, &SQLITE_MIGRATIONS)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let opts = PgConnectOptions::from_str(url).map_err(|e| StoreError::BadUrl(format!("{e}")))?;
            (
                Some(Pool::Postgres(PgPoolOptions::new().max_connections(1).connect_with(opts).await?)),
                &POSTGRES_MIGRATIONS,
            )
        } else {
            return Err(StoreError::BadUrl(url.to_owned()));
        };
        let applied = match &pool {
            Some(pool) => applied_migrations(pool).await?,
            None => Vec::new(),
        };
        let mut out: Vec<MigrationState> = known(migrator)
            .into_iter()
            .map(|(version, description)| MigrationState {
                applied_at: applied.iter().find(|(v, _, _)| *v == version).map(|(_, _, at)| at.clone()),
                version,
                description,
                known: true,
            })
            .collect();
        for (version, description, at) in applied {
            if !out.iter().any(|m| m.version == version) {
                out.push(MigrationState { version, description, applied_at: Some(at), known: false });
            }
        }
        out.sort_by_key(|m| m.version);
        Ok(out)
    }

    /// Writes a consistent copy of the database to `path`, which must not exist, while it is in
    /// use: `VACUUM INTO` on SQLite reads one snapshot, writers go on meanwhile. PostgreSQL has
    /// its own tools (`pg_dump`, see README).
    pub async fn backup_into(&self, path: &std::path::Path) -> StoreResult<()> {
        match &self.pool {
            Pool::Sqlite(p) => {
                sqlx::query("VACUUM INTO $1").bind(path.to_string_lossy().into_owned()).execute(p).await?;
                Ok(())
            }
            Pool::Postgres(_) => Err(StoreError::Unsupported(
                "a PostgreSQL database is backed up with pg_dump and restored with pg_restore (see README, \"Backups\")"
                    .into(),
            )),
        }
    }

    /// What SQLite's `PRAGMA integrity_check` finds wrong; empty when the file is sound (and on
    /// PostgreSQL, which checks itself).
    pub async fn integrity_problems(&self) -> StoreResult<Vec<String>> {
        match &self.pool {
            Pool::Sqlite(p) => {
                let rows: Vec<(String,)> = sqlx::query_as("PRAGMA integrity_check").fetch_all(p).await?;
                Ok(rows.into_iter().map(|(r,)| r).filter(|r| r != "ok").collect())
            }
            Pool::Postgres(_) => Ok(Vec::new()),
        }
    }

    /// The rows of the tables that hold what people did (for a restore's consistency check, and
    /// to tell an empty database from one in use).
    pub async fn row_counts(&self) -> StoreResult<Vec<(&'static str, i64)>> {
        const TABLES: [&str; 10] = [
            "territories",
            "services",
            "persons",
            "accounts",
            "flows",
            "outbox",
            "jobs",
            "bookings",
            "initiatives",
            "turn_receipts",
        ];
        let mut out = Vec::with_capacity(TABLES.len());
        for table in TABLES {
            // The table name is one of the fixed names above.
            let row: Option<(i64,)> = self.fetch_optional(Stmt::new(format!("SELECT COUNT(*) FROM {table}"))).await?;
            let n = row.map_or(0, |(n,)| n);
            out.push((table, n));
        }
        Ok(out)
    }

    /// Closes every connection (on SQLite the last one folds the write-ahead log into the file).
    pub async fn close(&self) {
        for pool in [&self.pool, &self.writer] {
            match pool {
                Pool::Sqlite(p) => p.close().await,
                Pool::Postgres(p) => p.close().await,
            }
        }
    }

    /// Opens a store by URL, creating the SQLite file (and its folder) if missing, and runs
    /// the migrations.
    pub async fn open(url: &str) -> StoreResult<Self> {
        let pool = if url.starts_with("sqlite:") {
            let opts = SqliteConnectOptions::from_str(url)
                .map_err(|e| StoreError::BadUrl(format!("{url}: {e}")))?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(5))
                .foreign_keys(true);
            let file = opts.get_filename();
            if let Some(dir) = file.parent()
                && !dir.as_os_str().is_empty()
                && !url.contains(":memory:")
            {
                std::fs::create_dir_all(dir)
                    .map_err(|e| StoreError::Unavailable(format!("cannot create folder {}: {e}", dir.display())))?;
            }
            let memory = url.contains(":memory:");
            let writer = SqlitePoolOptions::new()
                .max_connections(1)
                .acquire_timeout(Duration::from_secs(30))
                .connect_with(opts.clone())
                .await?;
            let writer_pool = Pool::Sqlite(writer.clone());
            refuse_newer(&SQLITE_MIGRATIONS, &applied_migrations(&writer_pool).await?)?;
            SQLITE_MIGRATIONS.run(&writer).await.map_err(|e| StoreError::Migration(e.to_string()))?;
            // An in-memory database lives in one connection: readers must share it.
            let readers = if memory {
                writer.clone()
            } else {
                SqlitePoolOptions::new()
                    .max_connections(4)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(opts)
                    .await?
            };
            return Ok(Self { pool: Pool::Sqlite(readers), writer: Pool::Sqlite(writer) });
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let opts = PgConnectOptions::from_str(url).map_err(|e| StoreError::BadUrl(format!("{e}")))?;
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(opts)
                .await?;
            refuse_newer(&POSTGRES_MIGRATIONS, &applied_migrations(&Pool::Postgres(pool.clone())).await?)?;
            POSTGRES_MIGRATIONS.run(&pool).await.map_err(|e| StoreError::Migration(e.to_string()))?;
            Pool::Postgres(pool)
        } else {
            return Err(StoreError::BadUrl(url.to_owned()));
        };
        Ok(Self { writer: pool.clone(), pool })
    }

    async fn fetch_from<O>(pool: &Pool, stmt: Stmt) -> StoreResult<Vec<O>>
    where
        O: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin,
    {
        let Stmt { sql, binds } = stmt;
        Ok(on_pool!(pool, |p, Db| {
            sqlx::query_as_with(AssertSqlSafe(sql), arguments::<Db>(binds)?).fetch_all(p).await?
        }))
    }

    async fn fetch_all<O>(&self, stmt: Stmt) -> StoreResult<Vec<O>>
    where
        O: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin,
    {
        Self::fetch_from(&self.pool, stmt).await
    }

    /// A statement that writes and returns rows (`INSERT … RETURNING`).
    async fn fetch_writing<O>(&self, stmt: Stmt) -> StoreResult<Option<O>>
    where
        O: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin,
    {
        Ok(Self::fetch_from(&self.writer, stmt).await?.into_iter().next())
    }

    /// A statement that writes and returns rows (`UPDATE … RETURNING`), every row.
    async fn fetch_writing_all<O>(&self, stmt: Stmt) -> StoreResult<Vec<O>>
    where
        O: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin,
    {
        Self::fetch_from(&self.writer, stmt).await
    }

    async fn fetch_optional<O>(&self, stmt: Stmt) -> StoreResult<Option<O>>
    where
        O: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin,
    {
        Ok(self.fetch_all(stmt).await?.into_iter().next())
    }

    async fn execute(&self, stmt: Stmt) -> StoreResult<u64> {
        let Stmt { sql, binds } = stmt;
        Ok(on_pool!(self.writer, |p, Db| {
            sqlx::query_with(AssertSqlSafe(sql), arguments::<Db>(binds)?).execute(p).await?.rows_affected()
        }))
    }

    /// Runs statements in one transaction; all or nothing.
    async fn transaction(&self, stmts: Vec<Stmt>) -> StoreResult<Vec<u64>> {
        on_pool!(self.writer, |p, Db| {
            let mut tx = p.begin().await?;
            let mut affected = Vec::with_capacity(stmts.len());
            for Stmt { sql, binds } in stmts {
                let done = sqlx::query_with(AssertSqlSafe(sql), arguments::<Db>(binds)?).execute(&mut *tx).await?;
                affected.push(done.rows_affected());
            }
            tx.commit().await?;
            Ok(affected)
        })
    }

    /// Runs each group's guard and, only when it changed a row, the group's statements, all
    /// in one transaction; for each group whether its guard changed a row.
    async fn transaction_each_if_first(&self, groups: Vec<(Stmt, Vec<Stmt>)>) -> StoreResult<Vec<bool>> {
        on_pool!(self.writer, |p, Db| {
            let mut tx = p.begin().await?;
            let mut firsts = Vec::with_capacity(groups.len());
            for (guard, stmts) in groups {
                let Stmt { sql, binds } = guard;
                let first = sqlx::query_with(AssertSqlSafe(sql), arguments::<Db>(binds)?).execute(&mut *tx).await?;
                let first = first.rows_affected() > 0;
                if first {
                    for Stmt { sql, binds } in stmts {
                        sqlx::query_with(AssertSqlSafe(sql), arguments::<Db>(binds)?).execute(&mut *tx).await?;
                    }
                }
                firsts.push(first);
            }
            tx.commit().await?;
            Ok(firsts)
        })
    }

    /// Runs `guard` and, only when it changed a row, `stmts`, in one transaction; `false`
    /// (and nothing written) when the guard changed nothing.
    async fn transaction_if_first(&self, guard: Stmt, stmts: Vec<Stmt>) -> StoreResult<bool> {
        on_pool!(self.writer, |p, Db| {
            let mut tx = p.begin().await?;
            let Stmt { sql, binds } = guard;
            let first = sqlx::query_with(AssertSqlSafe(sql), arguments::<Db>(binds)?).execute(&mut *tx).await?;
            if first.rows_affected() == 0 {
                tx.rollback().await?;
                return Ok(false);
            }
            for Stmt { sql, binds } in stmts {
                sqlx::query_with(AssertSqlSafe(sql), arguments::<Db>(binds)?).execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok(true)
        })
    }
}

impl Backend for SqlStore {
    fn engine(&self) -> Engine {
        match self.pool {
            Pool::Sqlite(_) => Engine::Sqlite,
            Pool::Postgres(_) => Engine::Postgres,
        }
    }
}

/// Puts a job (replacing the one with the same key, if any), returning its id.
fn job_put_statement(job: &NewJob, now: DateTime<Utc>) -> Stmt {
    let sql = if job.key.is_some() {
        "INSERT INTO jobs (kind, job_key, payload, due_at, cron, zone, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (job_key) DO UPDATE SET kind = excluded.kind, payload = excluded.payload, \
         due_at = excluded.due_at, cron = excluded.cron, zone = excluded.zone, lease_owner = NULL, \
         lease_until = NULL, attempts = 0, last_error = NULL RETURNING id"
    } else {
        "INSERT INTO jobs (kind, job_key, payload, due_at, cron, zone, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id"
    };
    Stmt::new(sql)
        .bind(job.kind.as_str())
        .bind(job.key.clone())
        .bind(job.payload.as_str())
        .bind(millis(job.due_at))
        .bind(job.cron.clone())
        .bind(job.zone.as_str())
        .bind(millis(now))
}

fn job_cancel_statement(key: &str) -> Stmt {
    Stmt::new("DELETE FROM jobs WHERE job_key = $1").bind(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_split_under_the_placeholder_limit() {
        let rows: Vec<Vec<Bind>> = (0..600).map(|i| vec![Bind::Int(i), Bind::Int(i)]).collect();
        let stmts = insert_rows("t", &["a", "b"], rows);
        assert_eq!(stmts.len(), 2);
        assert!(stmts[0].sql.starts_with("INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)"));
        assert_eq!(stmts[0].binds.len() + stmts[1].binds.len(), 1200);
    }
}
