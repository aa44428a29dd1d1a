//! Rooms, sanctions and the moderation log on SQLite and PostgreSQL.
//!
//! It writes `rooms`, `sanctions`, `moderation_log`, `room_texts`, `room_cases`,
//! `room_settings`, `territory_escalation`, `room_members_seen`, and `jobs`
//! through the shared job statements, only for the job that ends a sanction.

use super::*;
use crate::rooms::RoomStore;
use vicinato_domain::rooms::{Case, Escalation, ModEntry, Room, RoomSettings, RoomText, Sanction, TextKind};

fn log_statement(entry: &ModEntry) -> Stmt {
    Stmt::new(
        "INSERT INTO moderation_log (at, territory, actor_id, subject_id, action, doc) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(millis(entry.at))
    .bind(entry.territory.as_str())
    .bind(entry.actor.map(|p| p.0))
    .bind(entry.subject.map(|p| p.0))
    .bind(entry.action.as_str())
    .bind(to_json(entry))
}

/// `$1, $2, …` for `n` values.
fn placeholders(n: usize) -> String {
    (1..=n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

#[async_trait]
impl RoomStore for SqlStore {
    async fn room_link(&self, room: &Room, entry: &ModEntry) -> StoreResult<()> {
        let upsert = Stmt::new(
            "INSERT INTO rooms (network, chat_id, territory, purpose, doc) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (network, chat_id) DO UPDATE SET territory = excluded.territory, \
             purpose = excluded.purpose, doc = excluded.doc",
        )
        .bind(room.network.as_str())
        .bind(room.chat_id.as_str())
        .bind(room.territory.as_str())
        .bind(room.purpose.as_str())
        .bind(to_json(room));
        self.transaction(vec![upsert, log_statement(entry)]).await?;
        Ok(())
    }

    async fn room_unlink(&self, network: Network, chat_id: &str, entry: &ModEntry) -> StoreResult<bool> {
        let delete =
            Stmt::new("DELETE FROM rooms WHERE network = $1 AND chat_id = $2").bind(network.as_str()).bind(chat_id);
        self.transaction_if_first(delete, vec![log_statement(entry)]).await
    }

    async fn room(&self, network: Network, chat_id: &str) -> StoreResult<Option<Room>> {
        let row: Option<(String,)> = self
            .fetch_optional(
                Stmt::new("SELECT doc FROM rooms WHERE network = $1 AND chat_id = $2")
                    .bind(network.as_str())
                    .bind(chat_id),
            )
            .await?;
        row.map(|(doc,)| from_json(&format!("room {network}:{chat_id}"), &doc)).transpose()
    }

    async fn rooms_in(&self, territories: &[TerritoryId]) -> StoreResult<Vec<Room>> {
        if territories.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT doc FROM rooms WHERE territory IN ({}) ORDER BY territory, network, chat_id",
            placeholders(territories.len())
        );
        let mut stmt = Stmt::new(sql);
        for t in territories {
            stmt = stmt.bind(t.as_str());
        }
        let rows: Vec<(String,)> = self.fetch_all(stmt).await?;
        rows.into_iter().map(|(doc,)| from_json("room", &doc)).collect()
    }

    async fn sanction_give(&self, sanction: &Sanction, entry: &ModEntry, end: Option<&NewJob>) -> StoreResult<()> {
        let insert = Stmt::new(
            "INSERT INTO sanctions (key, person_id, territory, kind, at, until, lifted_at, doc) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(sanction.key.as_str())
        .bind(sanction.person.0)
        .bind(sanction.territory.as_str())
        .bind(sanction.kind.as_str())
        .bind(millis(sanction.at))
        .bind(sanction.until.map(millis))
        .bind(sanction.lifted_at.map(millis))
        .bind(to_json(sanction));
        let mut stmts = vec![insert, log_statement(entry)];
        if let Some(job) = end {
            stmts.push(job_put_statement(job, sanction.at));
        }
        self.transaction(stmts).await?;
        Ok(())
    }

    async fn sanction_end(&self, ended: &Sanction, entry: &ModEntry, job_key: Option<&str>) -> StoreResult<bool> {
        let guard = Stmt::new("UPDATE sanctions SET lifted_at = $1, doc = $2 WHERE key = $3 AND lifted_at IS NULL")
            .bind(ended.lifted_at.map(millis).unwrap_or(millis(entry.at)))
            .bind(to_json(ended))
            .bind(ended.key.as_str());
        let mut then = vec![log_statement(entry)];
        then.extend(job_key.map(job_cancel_statement));
        self.transaction_if_first(guard, then).await
    }

    async fn sanction(&self, key: &str) -> StoreResult<Option<Sanction>> {
        let row: Option<(String,)> =
            self.fetch_optional(Stmt::new("SELECT doc FROM sanctions WHERE key = $1").bind(key)).await?;
        row.map(|(doc,)| from_json(&format!("sanction {key}"), &doc)).transpose()
    }

    async fn sanctions_of(&self, person: PersonId) -> StoreResult<Vec<Sanction>> {
        let rows: Vec<(String,)> = self
            .fetch_all(Stmt::new("SELECT doc FROM sanctions WHERE person_id = $1 ORDER BY at, key").bind(person.0))
            .await?;
        rows.into_iter().map(|(doc,)| from_json("sanction", &doc)).collect()
    }

    async fn moderation_log(&self, territories: &[TerritoryId], limit: i64) -> StoreResult<Vec<ModEntry>> {
        if territories.is_empty() {
            return Ok(Vec::new());
        }
        let n = territories.len();
        let sql = format!(
            "SELECT doc FROM moderation_log WHERE territory IN ({}) ORDER BY at DESC, id DESC LIMIT ${}",
            placeholders(n),
            n + 1
        );
        let mut stmt = Stmt::new(sql);
        for t in territories {
            stmt = stmt.bind(t.as_str());
        }
        let rows: Vec<(String,)> = self.fetch_all(stmt.bind(limit)).await?;
        rows.into_iter().map(|(doc,)| from_json("moderation log entry", &doc)).collect()
    }

    async fn moderation_log_add(&self, entry: &ModEntry) -> StoreResult<()> {
        self.execute(log_statement(entry)).await?;
        Ok(())
    }

    async fn room_text_set(&self, text: &RoomText, entry: &ModEntry) -> StoreResult<()> {
        let upsert = Stmt::new(
            "INSERT INTO room_texts (scope, kind, lang, doc) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (scope, kind, lang) DO UPDATE SET doc = excluded.doc",
        )
        .bind(text.scope.key())
        .bind(text.kind.as_str())
        .bind(text.lang.code())
        .bind(to_json(text));
        self.transaction(vec![upsert, log_statement(entry)]).await?;
        Ok(())
    }

    async fn room_texts(&self, scopes: &[String], kind: TextKind) -> StoreResult<Vec<RoomText>> {
        if scopes.is_empty() {
            return Ok(Vec::new());
        }
        let n = scopes.len();
        let sql = format!(
            "SELECT doc FROM room_texts WHERE scope IN ({}) AND kind = ${} ORDER BY scope, lang",
            placeholders(n),
            n + 1
        );
        let mut stmt = Stmt::new(sql);
        for s in scopes {
            stmt = stmt.bind(s.as_str());
        }
        let rows: Vec<(String,)> = self.fetch_all(stmt.bind(kind.as_str())).await?;
        rows.into_iter().map(|(doc,)| from_json("room text", &doc)).collect()
    }

    async fn case_put(&self, case: &Case, entry: Option<&ModEntry>) -> StoreResult<()> {
        let upsert = Stmt::new(
            "INSERT INTO room_cases (key, kind, territory, by_id, subject_id, at, closed_at, doc) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (key) DO UPDATE SET territory = excluded.territory, at = excluded.at, \
             closed_at = excluded.closed_at, doc = excluded.doc",
        )
        .bind(case.key.as_str())
        .bind(case.kind.as_str())
        .bind(case.territory.as_str())
        .bind(case.by.0)
        .bind(case.subject.0)
        .bind(millis(case.at))
        .bind(case.closed.as_ref().map(|c| millis(c.at)))
        .bind(to_json(case));
        let mut stmts = vec![upsert];
        stmts.extend(entry.map(log_statement));
        self.transaction(stmts).await?;
        Ok(())
    }

    async fn case_update(&self, case: &Case) -> StoreResult<bool> {
        let n = self
            .execute(
                Stmt::new("UPDATE room_cases SET doc = $1 WHERE key = $2 AND closed_at IS NULL")
                    .bind(to_json(case))
                    .bind(case.key.as_str()),
            )
            .await?;
        Ok(n > 0)
    }

    async fn case(&self, key: &str) -> StoreResult<Option<Case>> {
        let row: Option<(String,)> =
            self.fetch_optional(Stmt::new("SELECT doc FROM room_cases WHERE key = $1").bind(key)).await?;
        row.map(|(doc,)| from_json(&format!("case {key}"), &doc)).transpose()
    }

    async fn case_close(&self, closed: &Case, entry: &ModEntry) -> StoreResult<bool> {
        let guard = Stmt::new("UPDATE room_cases SET closed_at = $1, doc = $2 WHERE key = $3 AND closed_at IS NULL")
            .bind(closed.closed.as_ref().map_or(millis(entry.at), |c| millis(c.at)))
            .bind(to_json(closed))
            .bind(closed.key.as_str());
        self.transaction_if_first(guard, vec![log_statement(entry)]).await
    }

    async fn room_settings(&self, network: Network, chat_id: &str) -> StoreResult<Option<RoomSettings>> {
        let row: Option<(String,)> = self
            .fetch_optional(
                Stmt::new("SELECT doc FROM room_settings WHERE network = $1 AND chat_id = $2")
                    .bind(network.as_str())
                    .bind(chat_id),
            )
            .await?;
        row.map(|(doc,)| from_json(&format!("room settings {network}:{chat_id}"), &doc)).transpose()
    }

    async fn room_settings_set(
        &self,
        network: Network,
        chat_id: &str,
        settings: &RoomSettings,
        entry: &ModEntry,
    ) -> StoreResult<()> {
        let upsert = Stmt::new(
            "INSERT INTO room_settings (network, chat_id, doc) VALUES ($1, $2, $3) \
             ON CONFLICT (network, chat_id) DO UPDATE SET doc = excluded.doc",
        )
        .bind(network.as_str())
        .bind(chat_id)
        .bind(to_json(settings));
        self.transaction(vec![upsert, log_statement(entry)]).await?;
        Ok(())
    }

    async fn escalations(&self, territories: &[TerritoryId]) -> StoreResult<Vec<(TerritoryId, Escalation)>> {
        if territories.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT territory, doc FROM territory_escalation WHERE territory IN ({}) ORDER BY territory",
            placeholders(territories.len())
        );
        let mut stmt = Stmt::new(sql);
        for t in territories {
            stmt = stmt.bind(t.as_str());
        }
        let rows: Vec<(String, String)> = self.fetch_all(stmt).await?;
        rows.into_iter()
            .map(|(t, doc)| Ok((TerritoryId::new(&t), from_json(&format!("escalation of {t}"), &doc)?)))
            .collect()
    }

    async fn escalation_set(
        &self,
        territory: &TerritoryId,
        escalation: Option<&Escalation>,
        entry: &ModEntry,
    ) -> StoreResult<()> {
        let write = match escalation {
            Some(e) => Stmt::new(
                "INSERT INTO territory_escalation (territory, doc) VALUES ($1, $2) \
                 ON CONFLICT (territory) DO UPDATE SET doc = excluded.doc",
            )
            .bind(territory.as_str())
            .bind(to_json(e)),
            None => Stmt::new("DELETE FROM territory_escalation WHERE territory = $1").bind(territory.as_str()),
        };
        self.transaction(vec![write, log_statement(entry)]).await?;
        Ok(())
    }

    async fn room_member_seen(&self, network: Network, chat_id: &str, member: &str) -> StoreResult<u32> {
        let row: Option<(i64,)> = self
            .fetch_writing(
                Stmt::new(
                    "INSERT INTO room_members_seen (network, chat_id, member, messages) VALUES ($1, $2, $3, 1) \
                     ON CONFLICT (network, chat_id, member) DO UPDATE \
                     SET messages = room_members_seen.messages + 1 RETURNING messages",
                )
                .bind(network.as_str())
                .bind(chat_id)
                .bind(member),
            )
            .await?;
        Ok(row.map_or(1, |(n,)| u32::try_from(n).unwrap_or(u32::MAX)))
    }
}
