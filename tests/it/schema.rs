//! The two engines' schemas: after every migration, SQLite and PostgreSQL have the same tables
//! with the same columns, so that a migration written for one engine and forgotten (or spelled
//! differently) for the other fails here rather than in production.
//!
//! The one difference by design is the full-text index of the directory: SQLite keeps it in the
//! FTS5 table `service_fts` (and the shadow tables FTS5 makes for it), PostgreSQL in the generated
//! column `services.search_vector`. Each engine's own bookkeeping (`_sqlx_migrations`, SQLite's
//! `sqlite_*` tables) is left out too.

use std::collections::{BTreeMap, BTreeSet};

/// Table name to its column names.
type Schema = BTreeMap<String, BTreeSet<String>>;

/// Tables and columns only one engine has, on purpose: the directory's full-text index.
fn is_engine_own(table: &str, column: &str) -> bool {
    table == "_sqlx_migrations"
        || table.starts_with("sqlite_")
        || table == "service_fts"
        || table.starts_with("service_fts_")
        || (table, column) == ("services", "search_vector")
}

fn schema(rows: Vec<(String, String)>) -> Schema {
    let mut schema = Schema::new();
    for (table, column) in rows {
        if !is_engine_own(&table, &column) {
            schema.entry(table).or_default().insert(column);
        }
    }
    schema
}

async fn sqlite_schema() -> Schema {
    let (store, dir) = crate::support::sqlite_store().await;
    drop(store);
    let url = format!("sqlite:{}/vicinato.db", dir.path().display());
    let pool = sqlx::SqlitePool::connect(&url).await.expect("connect to the migrated SQLite database");
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT m.name, c.name FROM sqlite_master m, pragma_table_info(m.name) c \
         WHERE m.type = 'table' ORDER BY m.name, c.cid",
    )
    .fetch_all(&pool)
    .await
    .expect("read SQLite's tables");
    pool.close().await;
    schema(rows)
}

async fn postgres_schema(admin_url: &str) -> Schema {
    let db = crate::support::PgDatabase::create(admin_url).await;
    let store = vicinato::store::open(&db.url).await.expect("open postgres store");
    drop(store);
    let pool = sqlx::PgPool::connect(&db.url).await.expect("connect to the migrated PostgreSQL database");
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT c.table_name::TEXT, c.column_name::TEXT FROM information_schema.columns c \
         JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name \
         WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' \
         ORDER BY c.table_name, c.ordinal_position",
    )
    .fetch_all(&pool)
    .await
    .expect("read PostgreSQL's tables");
    pool.close().await;
    drop(db);
    schema(rows)
}

#[tokio::test]
async fn sqlite_and_postgresql_have_the_same_tables_and_columns_after_migrating() {
    let Some(url) = crate::support::postgres_url() else {
        eprintln!("skipped: VICINATO_TEST_POSTGRES_URL is not set");
        return;
    };
    let sqlite = sqlite_schema().await;
    let postgres = postgres_schema(&url).await;
    assert!(sqlite.contains_key("persons") && sqlite.contains_key("bookings"), "the migrations ran: {sqlite:?}");

    let tables = |s: &Schema| s.keys().cloned().collect::<BTreeSet<_>>();
    let (only_sqlite, only_postgres): (Vec<_>, Vec<_>) = (
        tables(&sqlite).difference(&tables(&postgres)).cloned().collect(),
        tables(&postgres).difference(&tables(&sqlite)).cloned().collect(),
    );
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "tables only on SQLite: {only_sqlite:?}; only on PostgreSQL: {only_postgres:?}"
    );
    let differing: Vec<String> = sqlite
        .iter()
        .filter(|(table, columns)| postgres.get(*table) != Some(columns))
        .map(|(table, columns)| {
            let theirs = &postgres[table];
            format!(
                "{table}: only on SQLite {:?}, only on PostgreSQL {:?}",
                columns.difference(theirs).collect::<Vec<_>>(),
                theirs.difference(columns).collect::<Vec<_>>()
            )
        })
        .collect();
    assert!(differing.is_empty(), "columns differ:\n{}", differing.join("\n"));
}

/// What a directory search gives, over the benchmark's questions: the rows in order.
async fn answers(store: &dyn vicinato::store::Store) -> Vec<Vec<String>> {
    use vicinato::domain::DirectoryQuery;
    let snapshot = vicinato::conversation::DirectorySnapshot::load(store).await.unwrap();
    let now = chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap().and_hms_opt(10, 0, 0).unwrap();
    let mut all = Vec::new();
    for q in vicinato::bench::QUESTIONS {
        let query = vicinato::bench::directory_query(&snapshot, q, now);
        for query in [DirectoryQuery { territory: None, ..query.clone() }, query] {
            let hits = store.search(&snapshot.spec(&query, 40)).await.unwrap();
            all.push(hits.into_iter().map(|h| h.sal.to_string()).collect());
        }
    }
    all
}

/// Takes a migrated database back to before migration 20 (display order in the facets,
/// categories beside the words), keeping its directory, as a database of the previous
/// version would be.
async fn undo_search_order_migration(url: &str) {
    if url.starts_with("sqlite:") {
        let pool = sqlx::sqlite::SqlitePoolOptions::new().max_connections(1).connect(url).await.unwrap();
        for sql in [
            "DROP INDEX sal_facets_order",
            "DROP INDEX sal_facets_location",
            "ALTER TABLE sal_facets DROP COLUMN location_id",
            "ALTER TABLE sal_facets DROP COLUMN house",
            "ALTER TABLE sal_facets DROP COLUMN name",
            "ALTER TABLE sal_facets DROP COLUMN service_id",
            "ALTER TABLE services DROP COLUMN categories",
            "CREATE TABLE fts_copy AS SELECT rowid AS seq, name, body FROM service_fts",
            "DROP TABLE service_fts",
            "CREATE VIRTUAL TABLE service_fts USING fts5 (name, body, tokenize = 'unicode61 remove_diacritics 2')",
            "INSERT INTO service_fts (rowid, name, body) SELECT seq, name, body FROM fts_copy",
            "DROP TABLE fts_copy",
            "DELETE FROM _sqlx_migrations WHERE version = 20",
        ] {
            sqlx::query(sql).execute(&pool).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
        }
        pool.close().await;
    } else {
        let pool = sqlx::PgPool::connect(url).await.unwrap();
        for sql in [
            "DROP INDEX sal_facets_order",
            "DROP INDEX sal_facets_location",
            "DROP INDEX services_categories",
            "ALTER TABLE sal_facets DROP COLUMN location_id, DROP COLUMN house, DROP COLUMN name, DROP COLUMN service_id",
            "ALTER TABLE services DROP COLUMN categories",
            "DELETE FROM _sqlx_migrations WHERE version = 20",
        ] {
            sqlx::query(sql).execute(&pool).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
        }
        pool.close().await;
    }
}

/// A directory loaded by the previous version is searched the same once migration 20 has
/// filled in what it adds from the rows already there.
async fn a_directory_kept_across_the_search_order_migration_is_found_the_same(url: &str) {
    let store = vicinato::store::open(url).await.unwrap();
    store.replace_dataset(&vicinato::bench::synthetic_dataset(2_000, 11).unwrap()).await.unwrap();
    let before = answers(store.as_ref()).await;
    assert!(before.iter().filter(|a| !a.is_empty()).count() > 10, "the questions find something");
    drop(store);
    undo_search_order_migration(url).await;
    let store = vicinato::store::open(url).await.unwrap();
    assert_eq!(answers(store.as_ref()).await, before);
}

#[tokio::test]
async fn on_sqlite_a_directory_kept_across_the_search_order_migration_is_found_the_same() {
    let dir = tempfile::tempdir().unwrap();
    a_directory_kept_across_the_search_order_migration_is_found_the_same(&format!(
        "sqlite:{}/vicinato.db",
        dir.path().display()
    ))
    .await;
}

#[tokio::test]
async fn on_postgres_a_directory_kept_across_the_search_order_migration_is_found_the_same() {
    let Some(url) = crate::support::postgres_url() else {
        eprintln!("skipped: VICINATO_TEST_POSTGRES_URL is not set");
        return;
    };
    let db = crate::support::PgDatabase::create(&url).await;
    a_directory_kept_across_the_search_order_migration_is_found_the_same(&db.url).await;
    drop(db);
}
