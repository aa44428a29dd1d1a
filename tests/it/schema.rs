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
