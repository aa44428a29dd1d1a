//! Conversation flows on SQLite and PostgreSQL.
//!
//! It writes only `flows`.

use super::*;

#[async_trait]
impl FlowStore for SqlStore {
    async fn load_flow(&self, person: PersonId, chat: &str, now: DateTime<Utc>) -> StoreResult<Option<StoredFlow>> {
        let row: Option<(String, DateTime<Utc>)> = self
            .fetch_optional(
                Stmt::new("SELECT state, expires_at FROM flows WHERE person_id = $1 AND chat_key = $2")
                    .bind(person.0)
                    .bind(chat),
            )
            .await?;
        Ok(row.filter(|(_, expires)| *expires > now).map(|(state, expires_at)| StoredFlow { state, expires_at }))
    }

    async fn save_flow(&self, person: PersonId, chat: &str, flow: &StoredFlow) -> StoreResult<()> {
        self.execute(
            Stmt::new(
                "INSERT INTO flows (person_id, chat_key, state, expires_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (person_id, chat_key) DO UPDATE SET state = excluded.state, expires_at = excluded.expires_at",
            )
            .bind(person.0)
            .bind(chat)
            .bind(flow.state.as_str())
            .bind(flow.expires_at),
        )
        .await?;
        Ok(())
    }

    async fn clear_flow(&self, person: PersonId, chat: &str) -> StoreResult<()> {
        self.execute(Stmt::new("DELETE FROM flows WHERE person_id = $1 AND chat_key = $2").bind(person.0).bind(chat))
            .await?;
        Ok(())
    }

    async fn purge_expired_flows(&self, now: DateTime<Utc>) -> StoreResult<u64> {
        self.execute(Stmt::new("DELETE FROM flows WHERE expires_at < $1").bind(now)).await
    }
}
