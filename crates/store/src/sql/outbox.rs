//! The transports' tables on SQLite and PostgreSQL: outbox, settings, deliveries, button
//! payloads, receipts.
//!
//! It writes only those tables.

use super::*;

impl SqlStore {
    fn delivery_statement(key: &str, now: DateTime<Utc>) -> Stmt {
        Stmt::new("INSERT INTO deliveries (key, created_at) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING")
            .bind(key)
            .bind(now)
    }

    fn setting_statement(key: &str, value: &str) -> Stmt {
        Stmt::new(
            "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(key)
        .bind(value)
    }
}

#[async_trait]
impl OutboxStore for SqlStore {
    async fn setting(&self, key: &str) -> StoreResult<Option<String>> {
        let row: Option<(String,)> =
            self.fetch_optional(Stmt::new("SELECT value FROM settings WHERE key = $1").bind(key)).await?;
        Ok(row.map(|(v,)| v))
    }

    async fn set_setting(&self, key: &str, value: &str) -> StoreResult<()> {
        self.execute(Self::setting_statement(key, value)).await?;
        Ok(())
    }

    async fn outbox_push(
        &self,
        channel: &str,
        items: &[NewOutboxItem],
        cursor: Option<Cursor<'_>>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut stmts = outbox_rows(channel, items, None, now);
        if let Some(c) = cursor {
            stmts.push(Self::setting_statement(c.key, c.value));
        }
        if stmts.is_empty() {
            return Ok(());
        }
        self.transaction(stmts).await.map(|_| ())
    }

    async fn outbox_push_once(
        &self,
        channel: &str,
        items: &[NewOutboxItem],
        key: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let stmts = outbox_rows(channel, items, Some(key), now);
        self.transaction_if_first(Self::delivery_statement(key, now), stmts).await
    }

    async fn outbox_push_once_each(
        &self,
        channel: &str,
        batch: &[(String, Vec<NewOutboxItem>)],
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<bool>> {
        if batch.is_empty() {
            return Ok(Vec::new());
        }
        let groups = batch
            .iter()
            .map(|(key, items)| (Self::delivery_statement(key, now), outbox_rows(channel, items, Some(key), now)))
            .collect();
        self.transaction_each_if_first(groups).await
    }

    async fn outbox_push_once_setting(
        &self,
        channel: &str,
        items: &[NewOutboxItem],
        key: &str,
        setting: Cursor<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let mut stmts = outbox_rows(channel, items, Some(key), now);
        stmts.push(Self::setting_statement(setting.key, setting.value));
        self.transaction_if_first(Self::delivery_statement(key, now), stmts).await
    }

    async fn delivery_claim(&self, key: &str, now: DateTime<Utc>) -> StoreResult<bool> {
        Ok(self.execute(Self::delivery_statement(key, now)).await? == 1)
    }

    async fn purge_deliveries(&self, before: DateTime<Utc>) -> StoreResult<u64> {
        self.execute(Stmt::new("DELETE FROM deliveries WHERE created_at < $1").bind(before)).await
    }

    async fn outbox_pending(&self, channel: &str, after: i64, limit: i64) -> StoreResult<Vec<OutboxItem>> {
        let rows: Vec<(i64, String, String, i64, bool)> = self
            .fetch_all(
                Stmt::new(
                    "SELECT id, chat, payload, attempts, sending_at IS NOT NULL FROM outbox \
                     WHERE channel = $1 AND id > $2 AND failed_at IS NULL ORDER BY id LIMIT $3",
                )
                .bind(channel)
                .bind(after)
                .bind(limit),
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|(id, chat, payload, attempts, in_doubt)| OutboxItem { id, chat, payload, attempts, in_doubt })
            .collect())
    }

    async fn outbox_depth(&self) -> StoreResult<Vec<OutboxDepth>> {
        let rows: Vec<(String, i64, i64)> = self
            .fetch_all(Stmt::new(
                "SELECT channel, COUNT(*), MIN(id) FROM outbox WHERE failed_at IS NULL GROUP BY channel ORDER BY channel",
            ))
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for (channel, pending, first) in rows {
            let oldest: Option<(DateTime<Utc>,)> =
                self.fetch_optional(Stmt::new("SELECT created_at FROM outbox WHERE id = $1").bind(first)).await?;
            out.push(OutboxDepth { channel, pending, oldest: oldest.map(|(at,)| at) });
        }
        Ok(out)
    }

    async fn outbox_delivered(&self, id: i64) -> StoreResult<()> {
        self.execute(Stmt::new("DELETE FROM outbox WHERE id = $1").bind(id)).await.map(|_| ())
    }

    async fn outbox_sending(&self, id: i64, now: DateTime<Utc>) -> StoreResult<bool> {
        Ok(self.execute(Stmt::new("UPDATE outbox SET sending_at = $1 WHERE id = $2").bind(now).bind(id)).await? == 1)
    }

    async fn outbox_attempt_failed(&self, id: i64, attempts: i64, error: &str) -> StoreResult<()> {
        self.execute(
            Stmt::new("UPDATE outbox SET attempts = $1, last_error = $2, sending_at = NULL WHERE id = $3")
                .bind(attempts)
                .bind(error)
                .bind(id),
        )
        .await
        .map(|_| ())
    }

    async fn outbox_undeliverable(&self, id: i64, error: &str, now: DateTime<Utc>) -> StoreResult<()> {
        self.execute(
            Stmt::new("UPDATE outbox SET failed_at = $1, last_error = $2 WHERE id = $3").bind(now).bind(error).bind(id),
        )
        .await
        .map(|_| ())
    }

    async fn button_token(&self, payload: &str, now: DateTime<Utc>) -> StoreResult<i64> {
        let existing: Option<(i64,)> =
            self.fetch_optional(Stmt::new("SELECT id FROM button_payloads WHERE payload = $1").bind(payload)).await?;
        if let Some((id,)) = existing {
            return Ok(id);
        }
        // The upsert returns the id whether this call or a concurrent one inserted the row.
        let row: Option<(i64,)> = self
            .fetch_writing(
                Stmt::new(
                    "INSERT INTO button_payloads (payload, created_at) VALUES ($1, $2) \
                     ON CONFLICT (payload) DO UPDATE SET payload = excluded.payload RETURNING id",
                )
                .bind(payload)
                .bind(now),
            )
            .await?;
        row.map(|(id,)| id).ok_or_else(|| StoreError::Corrupt {
            record: "button_payloads".into(),
            reason: "insert returned no id".into(),
        })
    }

    async fn button_payload(&self, token: i64) -> StoreResult<Option<String>> {
        let row: Option<(String,)> =
            self.fetch_optional(Stmt::new("SELECT payload FROM button_payloads WHERE id = $1").bind(token)).await?;
        Ok(row.map(|(p,)| p))
    }

    async fn receipt(&self, key: &str) -> StoreResult<Option<String>> {
        let row: Option<(String,)> =
            self.fetch_optional(Stmt::new("SELECT outcome FROM turn_receipts WHERE key = $1").bind(key)).await?;
        Ok(row.map(|(o,)| o))
    }

    async fn receipt_put(&self, key: &str, person: PersonId, outcome: &str, now: DateTime<Utc>) -> StoreResult<()> {
        self.execute(
            Stmt::new(
                "INSERT INTO turn_receipts (key, person_id, outcome, created_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (key) DO NOTHING",
            )
            .bind(key)
            .bind(person.0)
            .bind(outcome)
            .bind(now.timestamp()),
        )
        .await
        .map(|_| ())
    }

    async fn receipts_purge(&self, before: DateTime<Utc>) -> StoreResult<u64> {
        self.execute(Stmt::new("DELETE FROM turn_receipts WHERE created_at < $1").bind(before.timestamp())).await
    }
}

/// The statements that add messages to a channel's outbox.
/// The outbox rows of `items`, each with the delivery key they are queued under (if any), so
/// that what an announcement queued can be found again.
fn outbox_rows(channel: &str, items: &[NewOutboxItem], key: Option<&str>, now: DateTime<Utc>) -> Vec<Stmt> {
    let rows = items
        .iter()
        .map(|i| {
            vec![
                Bind::from(channel),
                Bind::from(i.chat.as_str()),
                Bind::from(i.payload.as_str()),
                Bind::from(now),
                Bind::from(i.account.clone()),
                Bind::from(key.map(str::to_owned)),
            ]
        })
        .collect();
    insert_rows("outbox", &["channel", "chat", "payload", "created_at", "account", "delivery_key"], rows)
}
