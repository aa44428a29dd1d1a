//! Closures and approval switches of spaces on SQLite and PostgreSQL.
//!
//! It writes only `space_closures` and `space_settings`.

use super::*;
use crate::spaces::SpaceAdminStore;

type ClosureRow = (i64, String, i64, i64, String, Option<i64>);

const CLOSURE_COLUMNS: &str = "id, space, starts, ends, reason, created_by";

fn closure_from_row(row: ClosureRow) -> StoreResult<SpaceClosure> {
    let (id, space, starts, ends, reason, by) = row;
    let record = format!("space closure {id}");
    Ok(SpaceClosure {
        id,
        space: SpaceId::new(space),
        starts: from_secs(&record, starts)?,
        ends: from_secs(&record, ends)?,
        reason,
        created_by: by.map(PersonId),
    })
}

#[async_trait]
impl SpaceAdminStore for SqlStore {
    async fn space_closure_add(&self, c: &SpaceClosure, now: DateTime<Utc>) -> StoreResult<i64> {
        let row: Option<(i64,)> = self
            .fetch_writing(
                Stmt::new(
                    "INSERT INTO space_closures (space, starts, ends, reason, created_by, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(c.space.as_str())
                .bind(c.starts.timestamp())
                .bind(c.ends.timestamp())
                .bind(c.reason.as_str())
                .bind(c.created_by.map(|p| p.0))
                .bind(now.timestamp()),
            )
            .await?;
        Ok(row.map(|(id,)| id).unwrap_or(0))
    }

    async fn space_closure_remove(&self, id: i64) -> StoreResult<Option<SpaceClosure>> {
        let row: Option<ClosureRow> = self
            .fetch_writing(
                Stmt::new(format!("DELETE FROM space_closures WHERE id = $1 RETURNING {CLOSURE_COLUMNS}")).bind(id),
            )
            .await?;
        row.map(closure_from_row).transpose()
    }

    async fn space_closures(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> StoreResult<Vec<SpaceClosure>> {
        let rows: Vec<ClosureRow> = self
            .fetch_all(
                Stmt::new(format!(
                    "SELECT {CLOSURE_COLUMNS} FROM space_closures WHERE starts < $2 AND ends > $1 ORDER BY starts, id"
                ))
                .bind(from.timestamp())
                .bind(to.timestamp()),
            )
            .await?;
        rows.into_iter().map(closure_from_row).collect()
    }

    async fn space_approval_set(&self, space: &SpaceId, needs: Option<bool>, now: DateTime<Utc>) -> StoreResult<()> {
        let stmt = match needs {
            Some(needs) => Stmt::new(
                "INSERT INTO space_settings (space, needs_approval, updated_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (space) DO UPDATE SET needs_approval = excluded.needs_approval, \
                 updated_at = excluded.updated_at",
            )
            .bind(space.as_str())
            .bind(needs)
            .bind(now.timestamp()),
            None => Stmt::new("DELETE FROM space_settings WHERE space = $1").bind(space.as_str()),
        };
        self.execute(stmt).await.map(|_| ())
    }

    async fn space_approval(&self, space: &SpaceId) -> StoreResult<Option<bool>> {
        let row: Option<(bool,)> = self
            .fetch_optional(
                Stmt::new("SELECT needs_approval FROM space_settings WHERE space = $1").bind(space.as_str()),
            )
            .await?;
        Ok(row.map(|(b,)| b))
    }
}
