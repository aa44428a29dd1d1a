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

    async fn save_flows(&self, person: PersonId, changes: &[(String, Option<StoredFlow>)]) -> StoreResult<()> {
        // The last change of a chat counts (one statement may not touch a row twice).
        let mut last: Vec<&(String, Option<StoredFlow>)> = Vec::with_capacity(changes.len());
        for change in changes.iter().rev() {
            if !last.iter().any(|(k, _)| *k == change.0) {
                last.push(change);
            }
        }
        let mut stmts = Vec::new();
        let saved: Vec<(&String, &StoredFlow)> = last.iter().filter_map(|(k, f)| Some((k, f.as_ref()?))).collect();
        if !saved.is_empty() {
            let mut stmt = Stmt::new(String::new());
            let mut rows = Vec::with_capacity(saved.len());
            for (chat, flow) in saved {
                let n = stmt.binds.len();
                rows.push(format!("(${}, ${}, ${}, ${})", n + 1, n + 2, n + 3, n + 4));
                stmt = stmt.bind(person.0).bind(chat.as_str()).bind(flow.state.as_str()).bind(flow.expires_at);
            }
            stmt.sql = format!(
                "INSERT INTO flows (person_id, chat_key, state, expires_at) VALUES {} \
                 ON CONFLICT (person_id, chat_key) DO UPDATE SET state = excluded.state, expires_at = excluded.expires_at",
                rows.join(", ")
            );
            stmts.push(stmt);
        }
        let cleared: Vec<&String> = last.iter().filter(|(_, f)| f.is_none()).map(|(k, _)| k).collect();
        if !cleared.is_empty() {
            let marks: Vec<String> = (0..cleared.len()).map(|i| format!("${}", i + 2)).collect();
            let mut stmt =
                Stmt::new(format!("DELETE FROM flows WHERE person_id = $1 AND chat_key IN ({})", marks.join(", ")))
                    .bind(person.0);
            for chat in cleared {
                stmt = stmt.bind(chat.as_str());
            }
            stmts.push(stmt);
        }
        match stmts.len() {
            0 => {}
            1 => {
                self.execute(stmts.pop().expect("one statement")).await?;
            }
            _ => {
                self.transaction(stmts).await?;
            }
        }
        Ok(())
    }

    async fn purge_expired_flows(&self, now: DateTime<Utc>) -> StoreResult<u64> {
        self.execute(Stmt::new("DELETE FROM flows WHERE expires_at < $1").bind(now)).await
    }
}
