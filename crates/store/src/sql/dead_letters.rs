//! Dead letters on SQLite and PostgreSQL.
//!
//! It writes only `dead_letters`.

use super::*;
use crate::dead_letters::{DeadLetter, DeadLetterStore, short_error};

#[async_trait]
impl DeadLetterStore for SqlStore {
    async fn dead_letter_add(
        &self,
        source: &str,
        item: &str,
        kind: &str,
        error: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let row: Option<(i64,)> = self
            .fetch_writing(
                Stmt::new(
                    "INSERT INTO dead_letters (source, item, kind, error, at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                )
                .bind(source)
                .bind(item)
                .bind(kind)
                .bind(short_error(error))
                .bind(at),
            )
            .await?;
        Ok(row.map(|(id,)| id).unwrap_or(0))
    }

    async fn dead_letters(&self, limit: i64) -> StoreResult<Vec<DeadLetter>> {
        let rows: Vec<(i64, String, String, String, String, DateTime<Utc>)> = self
            .fetch_all(
                Stmt::new("SELECT id, source, item, kind, error, at FROM dead_letters ORDER BY id DESC LIMIT $1")
                    .bind(limit),
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|(id, source, item, kind, error, at)| DeadLetter { id, source, item, kind, error, at })
            .collect())
    }
}
