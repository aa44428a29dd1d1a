//! Staff announcements on SQLite and PostgreSQL: the announcements, their copies per
//! recipient, the opt-outs, and an audience resolved into people.
//!
//! It writes only those three tables, and an announcement's send job in the announcement's
//! own transaction (through the jobs' statement).

use super::*;
use crate::announcements::{
    AnnouncementStore, Candidate, CandidateAccount, CopyCount, CopyOf, EditCount, Handed, NewAnnouncement,
};

/// What `announcements.doc` holds: the announcement's parts that are not columns.
#[derive(serde::Serialize, serde::Deserialize)]
struct Doc {
    texts: AnnouncementTexts,
    audience: Audience,
    #[serde(default)]
    recurrence: Option<Recurrence>,
}

type AnnouncementRow = (i64, Option<i64>, String, i64, String, i64, Option<i64>, i64);

const ANNOUNCEMENT_COLUMNS: &str = "id, author_id, state, at, doc, created_at, series_id, corrections";

type RecipientRow = (
    i64,
    i64,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<i64>,
    Option<String>,
    i64,
    Option<String>,
);

const RECIPIENT_COLUMNS: &str =
    "announcement_id, person_id, network, channel, chat, lang, state, reason, sent_at, message_id, version, room";

/// [`RECIPIENT_COLUMNS`] of the table named `r`.
const RECIPIENT_COLUMNS_OF_R: &str = "r.announcement_id, r.person_id, r.network, r.channel, r.chat, r.lang, r.state, \
     r.reason, r.sent_at, r.message_id, r.version, r.room";

type RoomCopyRow = (
    i64,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<i64>,
    Option<String>,
    i64,
    Option<i64>,
    Option<String>,
    Option<String>,
);

const ROOM_COPY_COLUMNS: &str = "announcement_id, network, chat, channel, state, reason, sent_at, message_id, version, \
     edit_correction, edit_state, edit_reason";

fn room_copy_from_row(row: RoomCopyRow) -> StoreResult<RoomCopy> {
    let (id, network, chat, channel, state, reason, sent_at, message_id, version, edit_n, edit_state, edit_reason) =
        row;
    let record = format!("announcement {id} room {network}:{chat}");
    let edit = match (edit_n, edit_state) {
        (Some(n), Some(state)) => Some((
            u32::try_from(n).unwrap_or_default(),
            EditState::parse(&state, edit_reason.as_deref()).ok_or_else(|| StoreError::Corrupt {
                record: record.clone(),
                reason: format!("unknown edit state `{state}`"),
            })?,
        )),
        _ => None,
    };
    let copy = copy_fields(&record, &network, &state, reason.as_deref(), sent_at, version)?;
    Ok(RoomCopy {
        announcement: AnnouncementId(id),
        network: copy.network,
        channel,
        chat,
        state: copy.state,
        sent_at: copy.sent_at,
        message_id,
        version: copy.version,
        edit,
    })
}

/// What a person's copy and a room's copy both keep, read from their row.
struct CopyFields {
    network: Network,
    state: CopyState,
    sent_at: Option<DateTime<Utc>>,
    version: u32,
}

/// The shared columns of a copy's row (`record` names it in an error).
fn copy_fields(
    record: &str,
    network: &str,
    state: &str,
    reason: Option<&str>,
    sent_at: Option<i64>,
    version: i64,
) -> StoreResult<CopyFields> {
    let corrupt = |reason: String| StoreError::Corrupt { record: record.to_owned(), reason };
    Ok(CopyFields {
        network: Network::parse(network).ok_or_else(|| corrupt(format!("unknown network `{network}`")))?,
        state: CopyState::parse(state, reason).ok_or_else(|| corrupt(format!("unknown state `{state}`")))?,
        sent_at: sent_at.map(|t| from_secs(record, t)).transpose()?,
        version: u32::try_from(version).unwrap_or_default(),
    })
}

/// Takes back an announcement's room copies still waiting in an outbox, as
/// [`take_back_copies`] does people's.
fn take_back_room_copies(id: AnnouncementId, to: &CopyState) -> Vec<Stmt> {
    let prefix = room_key_prefix(id);
    vec![
        Stmt::new("DELETE FROM outbox WHERE delivery_key LIKE $1 AND sending_at IS NULL").bind(format!("{prefix}%")),
        Stmt::new(
            "UPDATE announcement_room_copies SET state = $1 WHERE announcement_id = $2 AND state = $3 \
             AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.delivery_key = $4 || network || ':' || chat)",
        )
        .bind(to.as_str())
        .bind(id.0)
        .bind(CopyState::Sending.as_str())
        .bind(prefix),
    ]
}

fn announcement_from_row(row: AnnouncementRow) -> StoreResult<Announcement> {
    let (id, author, state, at, doc, created_at, series, corrections) = row;
    let record = format!("announcement {id}");
    let doc: Doc = from_json(&record, &doc)?;
    Ok(Announcement {
        id: AnnouncementId(id),
        author: author.map(PersonId),
        texts: doc.texts,
        audience: doc.audience,
        at: from_secs(&record, at)?,
        recurrence: doc.recurrence,
        series: series.map(AnnouncementId),
        state: AnnouncementState::parse(&state).ok_or_else(|| StoreError::Corrupt {
            record: record.clone(),
            reason: format!("unknown state `{state}`"),
        })?,
        created_at: from_secs(&record, created_at)?,
        corrections: u32::try_from(corrections).unwrap_or_default(),
    })
}

fn recipient_from_row(row: RecipientRow) -> StoreResult<Recipient> {
    let (id, person, network, channel, chat, lang, state, reason, sent_at, message_id, version, room) = row;
    let record = format!("announcement {id} recipient {person}");
    let copy = copy_fields(&record, &network, &state, reason.as_deref(), sent_at, version)?;
    Ok(Recipient {
        announcement: AnnouncementId(id),
        person: PersonId(person),
        network: copy.network,
        channel,
        chat,
        lang: Lang::from_tag(&lang).ok_or_else(|| StoreError::Corrupt {
            record: record.clone(),
            reason: format!("unknown language `{lang}`"),
        })?,
        state: copy.state,
        sent_at: copy.sent_at,
        message_id,
        version: copy.version,
        room,
    })
}

/// Takes back an announcement's copies still waiting in an outbox: their messages not marked
/// as leaving go, and the copies whose messages are all gone move from `sending` to `to`. The
/// messages go first, so a sender marking one at the same moment either marks it before (it
/// stays, and its copy with it) or finds it gone (and sends nothing).
fn take_back_copies(id: AnnouncementId, to: &CopyState) -> Vec<Stmt> {
    let prefix = copy_key_prefix(id);
    vec![
        Stmt::new("DELETE FROM outbox WHERE delivery_key LIKE $1 AND sending_at IS NULL").bind(format!("{prefix}%")),
        Stmt::new(
            "UPDATE announcement_recipients SET state = $1 WHERE announcement_id = $2 AND state = $3 \
             AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.delivery_key = $4 || CAST(person_id AS TEXT))",
        )
        .bind(to.as_str())
        .bind(id.0)
        .bind(CopyState::Sending.as_str())
        .bind(prefix),
    ]
}

/// Moves a queued copy, a person's or a room's, to the state its handover left it in; with a
/// bulk lane only while its outbox message is still there.
fn handed_statement(handed: &Handed<'_>, at: DateTime<Utc>) -> Stmt {
    let (table, whose, key, announcement, version) = match handed.copy {
        CopyOf::Person(c) => ("announcement_recipients", "person_id = $6", c.delivery_key(), c.announcement, c.version),
        CopyOf::Room(c) => {
            ("announcement_room_copies", "network = $6 AND chat = $7", c.delivery_key(), c.announcement, c.version)
        }
    };
    let next = match handed.copy {
        CopyOf::Person(_) => 7,
        CopyOf::Room(_) => 8,
    };
    let still_there = if handed.lane {
        format!(" AND EXISTS (SELECT 1 FROM outbox o WHERE o.delivery_key = ${})", next + 1)
    } else {
        String::new()
    };
    let mut stmt = Stmt::new(format!(
        "UPDATE {table} SET state = $1, reason = $2, sent_at = $3, version = $4 \
         WHERE announcement_id = $5 AND {whose} AND state = ${next}{still_there}"
    ))
    .bind(handed.state.as_str())
    .bind(handed.state.reason().map(str::to_owned))
    .bind(at.timestamp())
    .bind(i64::from(version))
    .bind(announcement.0);
    stmt = match handed.copy {
        CopyOf::Person(c) => stmt.bind(c.person.0),
        CopyOf::Room(c) => stmt.bind(c.network.as_str()).bind(c.chat.as_str()),
    };
    stmt = stmt.bind(CopyState::Queued.as_str());
    if handed.lane {
        stmt = stmt.bind(key);
    }
    stmt
}

/// State names as SQL literals for `IN (…)`: the fixed names of the enum, never user text.
fn state_names(states: &[AnnouncementState]) -> String {
    states.iter().map(|s| format!("'{}'", s.as_str())).collect::<Vec<_>>().join(", ")
}

/// The people of an audience, as a subquery of person ids, with its bound values numbered
/// from `$first`.
fn audience_ids(audience: &Audience, first: usize, now: DateTime<Utc>) -> (String, Vec<Bind>) {
    let mut binds: Vec<Bind> = Vec::new();
    let mut next = first;
    let mut scope = |binds: &mut Vec<Bind>, path: &str| -> String {
        match &audience.territory {
            None => "TRUE".to_owned(),
            Some(t) => {
                binds.push(t.as_str().into());
                let n = next;
                next += 1;
                format!(
                    "EXISTS (SELECT 1 FROM territories sc WHERE sc.id = ${n} \
                     AND substr({path}, 1, length(sc.path)) = sc.path)"
                )
            }
        }
    };
    let sql = match &audience.who {
        Who::Home => match &audience.territory {
            None => "SELECT id FROM persons".to_owned(),
            Some(_) => {
                let cond = scope(&mut binds, "t.path");
                format!("SELECT p2.id FROM persons p2 JOIN territories t ON t.id = p2.home_territory_id WHERE {cond}")
            }
        },
        Who::Interest(code) => {
            let cond = match &audience.territory {
                None => "TRUE".to_owned(),
                Some(_) => scope(&mut binds, "t.path"),
            };
            binds.push(format!("%{}%", to_json(code)).into());
            let n = first + binds.len() - 1;
            let join =
                if audience.territory.is_some() { "JOIN territories t ON t.id = p2.home_territory_id" } else { "" };
            format!("SELECT p2.id FROM persons p2 {join} WHERE {cond} AND p2.interests LIKE ${n}")
        }
        Who::Initiatives => {
            let c1 = scope(&mut binds, "i.territory_path");
            let c2 = scope(&mut binds, "i.territory_path");
            format!(
                "SELECT s.person_id FROM initiative_supports s JOIN initiatives i ON i.id = s.initiative_id WHERE {c1} \
                 UNION SELECT pp.person_id FROM initiative_participants pp \
                 JOIN initiatives i ON i.id = pp.initiative_id WHERE {c2}"
            )
        }
        Who::Bookings(house) => {
            binds.push(house.as_str().into());
            binds.push(now.timestamp().into());
            let (h, t) = (first + binds.len() - 2, first + binds.len() - 1);
            format!(
                "SELECT b.person_id FROM bookings b WHERE b.house = ${h} AND b.ends >= ${t} AND b.status IN ({})",
                status_list(&LIVE)
            )
        }
        Who::Role(role) => {
            let cond = match &audience.territory {
                None => "TRUE".to_owned(),
                Some(_) => scope(&mut binds, "t.path"),
            };
            binds.push(role.as_str().into());
            let n = first + binds.len() - 1;
            format!(
                "SELECT r.person_id FROM roles r LEFT JOIN territories t ON t.id = r.territory_id \
                 WHERE r.role = ${n} AND ({cond} OR r.role = 'admin')"
            )
        }
    };
    (sql, binds)
}

#[async_trait]
impl AnnouncementStore for SqlStore {
    async fn announcement_add(
        &self,
        new: &NewAnnouncement,
        job: Option<&NewJob>,
        now: DateTime<Utc>,
    ) -> StoreResult<AnnouncementId> {
        let id = self.add_in_transaction(None, new, job, now).await?;
        id.ok_or_else(|| StoreError::Corrupt { record: "announcement".into(), reason: "not kept".into() })
    }

    async fn announcement_approve(
        &self,
        id: AnnouncementId,
        approver: PersonId,
        job: &NewJob,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        self.transaction_if_first(
            Stmt::new("UPDATE announcements SET state = $1, approved_by = $2 WHERE id = $3 AND state = $4")
                .bind(AnnouncementState::Scheduled.as_str())
                .bind(approver.0)
                .bind(id.0)
                .bind(AnnouncementState::Pending.as_str()),
            vec![job_put_statement(job, now)],
        )
        .await
    }

    async fn announcement_finish(
        &self,
        id: AnnouncementId,
        next: Option<(&NewAnnouncement, &NewJob)>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let guard = Stmt::new("UPDATE announcements SET state = $1, done_at = $2 WHERE id = $3 AND state = $4")
            .bind(AnnouncementState::Done.as_str())
            .bind(now.timestamp())
            .bind(id.0)
            .bind(AnnouncementState::Sending.as_str());
        match next {
            Some((new, job)) => Ok(self.add_in_transaction(Some(guard), new, Some(job), now).await?.is_some()),
            None => Ok(self.execute(guard).await? == 1),
        }
    }

    async fn announcements_open_in_series(&self, series: AnnouncementId) -> StoreResult<Vec<Announcement>> {
        let open = [AnnouncementState::Pending, AnnouncementState::Scheduled, AnnouncementState::Sending];
        let rows: Vec<AnnouncementRow> = self
            .fetch_all(
                Stmt::new(format!(
                    "SELECT {ANNOUNCEMENT_COLUMNS} FROM announcements \
                     WHERE (id = $1 OR series_id = $2) AND state IN ({}) ORDER BY id",
                    state_names(&open)
                ))
                .bind(series.0)
                .bind(series.0),
            )
            .await?;
        rows.into_iter().map(announcement_from_row).collect()
    }

    async fn approval_set(&self, territory: &TerritoryId, on: bool, now: DateTime<Utc>) -> StoreResult<bool> {
        let stmt = if on {
            Stmt::new(
                "INSERT INTO announcement_approval (territory_id, set_at) VALUES ($1, $2) \
                 ON CONFLICT (territory_id) DO NOTHING",
            )
            .bind(territory.as_str())
            .bind(now.timestamp())
        } else {
            Stmt::new("DELETE FROM announcement_approval WHERE territory_id = $1").bind(territory.as_str())
        };
        Ok(self.execute(stmt).await? > 0)
    }

    async fn approval_territories(&self) -> StoreResult<Vec<TerritoryId>> {
        let rows: Vec<(String,)> =
            self.fetch_all(Stmt::new("SELECT territory_id FROM announcement_approval ORDER BY territory_id")).await?;
        Ok(rows.into_iter().map(|(t,)| TerritoryId::new(t)).collect())
    }

    async fn announcement(&self, id: AnnouncementId) -> StoreResult<Option<Announcement>> {
        let row: Option<AnnouncementRow> = self
            .fetch_optional(
                Stmt::new(format!("SELECT {ANNOUNCEMENT_COLUMNS} FROM announcements WHERE id = $1")).bind(id.0),
            )
            .await?;
        row.map(announcement_from_row).transpose()
    }

    async fn announcements(&self, limit: i64) -> StoreResult<Vec<Announcement>> {
        let rows: Vec<AnnouncementRow> = self
            .fetch_all(
                Stmt::new(format!("SELECT {ANNOUNCEMENT_COLUMNS} FROM announcements ORDER BY id DESC LIMIT $1"))
                    .bind(limit),
            )
            .await?;
        rows.into_iter().map(announcement_from_row).collect()
    }

    async fn announcement_set_state(
        &self,
        id: AnnouncementId,
        from: &[AnnouncementState],
        to: AnnouncementState,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        if from.is_empty() {
            return Ok(false);
        }
        let done_at = (!to.is_open()).then(|| now.timestamp());
        let changed = self
            .execute(
                Stmt::new(format!(
                    "UPDATE announcements SET state = $1, done_at = $2 WHERE id = $3 AND state IN ({})",
                    state_names(from)
                ))
                .bind(to.as_str())
                .bind(done_at)
                .bind(id.0),
            )
            .await?;
        Ok(changed == 1)
    }

    async fn announcement_cancel(&self, id: AnnouncementId, job_key: &str, now: DateTime<Utc>) -> StoreResult<bool> {
        let open = [AnnouncementState::Pending, AnnouncementState::Scheduled, AnnouncementState::Sending];
        let cancelled = CopyState::Cancelled;
        let mut stmts = vec![job_cancel_statement(job_key)];
        stmts.extend(take_back_copies(id, &cancelled));
        stmts.extend(take_back_room_copies(id, &cancelled));
        for table in ["announcement_recipients", "announcement_room_copies"] {
            stmts.push(
                Stmt::new(format!("UPDATE {table} SET state = $1 WHERE announcement_id = $2 AND state = $3"))
                    .bind(cancelled.as_str())
                    .bind(id.0)
                    .bind(CopyState::Queued.as_str()),
            );
        }
        let room_edits = room_edit_key_prefix(id);
        stmts.push(
            Stmt::new("DELETE FROM outbox WHERE delivery_key LIKE $1 AND sending_at IS NULL")
                .bind(format!("{room_edits}%")),
        );
        stmts.push(
            Stmt::new(
                "UPDATE announcement_room_copies SET edit_state = $1 WHERE announcement_id = $2 AND (edit_state = $3 \
                 OR (edit_state = $4 AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.delivery_key = \
                 $5 || CAST(edit_correction AS TEXT) || ':' || network || ':' || chat)))",
            )
            .bind(EditState::Cancelled.as_str())
            .bind(id.0)
            .bind(EditState::Queued.as_str())
            .bind(EditState::Sending.as_str())
            .bind(room_edits),
        );
        let edits = edit_key_prefix(id);
        stmts.push(
            Stmt::new("DELETE FROM outbox WHERE delivery_key LIKE $1 AND sending_at IS NULL").bind(format!("{edits}%")),
        );
        stmts.push(
            Stmt::new(
                "UPDATE announcement_edits SET state = $1, at = $2 WHERE announcement_id = $3 AND (state = $4 \
                 OR (state = $5 AND NOT EXISTS (SELECT 1 FROM outbox o \
                 WHERE o.delivery_key = $6 || CAST(correction AS TEXT) || ':' || CAST(person_id AS TEXT))))",
            )
            .bind(EditState::Cancelled.as_str())
            .bind(now.timestamp())
            .bind(id.0)
            .bind(EditState::Queued.as_str())
            .bind(EditState::Sending.as_str())
            .bind(edits),
        );
        self.transaction_if_first(
            Stmt::new(format!(
                "UPDATE announcements SET state = $1, done_at = $2 WHERE id = $3 AND state IN ({})",
                state_names(&open)
            ))
            .bind(AnnouncementState::Cancelled.as_str())
            .bind(now.timestamp())
            .bind(id.0),
            stmts,
        )
        .await
    }

    async fn announcement_correct(
        &self,
        id: AnnouncementId,
        texts: &AnnouncementTexts,
        by: Option<PersonId>,
        job: &NewJob,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<u32>> {
        let Some(found) = self.announcement(id).await? else { return Ok(None) };
        let doc = to_json(&Doc {
            texts: texts.clone(),
            audience: found.audience.clone(),
            recurrence: found.recurrence.clone(),
        });
        let correctable = [
            AnnouncementState::Pending,
            AnnouncementState::Scheduled,
            AnnouncementState::Sending,
            AnnouncementState::Done,
        ];
        let prefix = copy_key_prefix(id);
        let mut stmts = vec![
            Stmt::new(
                "INSERT INTO announcement_corrections (announcement_id, correction, author_id, doc, created_at) \
                 SELECT id, corrections, $1, $2, $3 FROM announcements WHERE id = $4",
            )
            .bind(by.map(|p| p.0))
            .bind(to_json(texts))
            .bind(now.timestamp())
            .bind(id.0),
        ];
        stmts.extend(take_back_copies(id, &CopyState::Queued));
        stmts.push(
            Stmt::new(
                "DELETE FROM deliveries WHERE key IN (SELECT $1 || CAST(person_id AS TEXT) \
                 FROM announcement_recipients WHERE announcement_id = $2 AND state = $3)",
            )
            .bind(prefix)
            .bind(id.0)
            .bind(CopyState::Queued.as_str()),
        );
        stmts.extend(take_back_room_copies(id, &CopyState::Queued));
        stmts.push(
            Stmt::new(
                "DELETE FROM deliveries WHERE key IN (SELECT $1 || network || ':' || chat \
                 FROM announcement_room_copies WHERE announcement_id = $2 AND state = $3)",
            )
            .bind(room_key_prefix(id))
            .bind(id.0)
            .bind(CopyState::Queued.as_str()),
        );
        stmts.push(
            Stmt::new(
                "UPDATE announcement_room_copies SET edit_state = $1 WHERE announcement_id = $2 AND edit_state = $3",
            )
            .bind(EditState::Cancelled.as_str())
            .bind(id.0)
            .bind(EditState::Queued.as_str()),
        );
        stmts.push(
            Stmt::new("UPDATE announcement_edits SET state = $1, at = $2 WHERE announcement_id = $3 AND state = $4")
                .bind(EditState::Cancelled.as_str())
                .bind(now.timestamp())
                .bind(id.0)
                .bind(EditState::Queued.as_str()),
        );
        stmts.push(job_put_statement(job, now));
        let changed = self
            .transaction_if_first(
                Stmt::new(format!(
                    "UPDATE announcements SET doc = $1, corrections = corrections + 1 WHERE id = $2 AND state IN ({})",
                    state_names(&correctable)
                ))
                .bind(doc)
                .bind(id.0),
                stmts,
            )
            .await?;
        if !changed {
            return Ok(None);
        }
        Ok(self.announcement(id).await?.map(|a| a.corrections))
    }

    async fn copies_handed(&self, handed: &[Handed<'_>], at: DateTime<Utc>) -> StoreResult<u64> {
        if handed.is_empty() {
            return Ok(0);
        }
        let stmts = handed.iter().map(|h| handed_statement(h, at)).collect();
        Ok(self.transaction(stmts).await?.into_iter().sum())
    }

    async fn edits_open(
        &self,
        id: AnnouncementId,
        correction: u32,
        cutoffs: &[(Network, DateTime<Utc>)],
        now: DateTime<Utc>,
    ) -> StoreResult<u64> {
        let mut too_old = String::new();
        let mut binds: Vec<Bind> = vec![
            id.0.into(),
            i64::from(correction).into(),
            now.timestamp().into(),
            EditState::NotEditable.as_str().into(),
            EditState::TooOld.as_str().into(),
            EditState::Queued.as_str().into(),
            CopyState::Sent.as_str().into(),
        ];
        for (network, cutoff) in cutoffs {
            binds.push(network.as_str().into());
            binds.push(cutoff.timestamp().into());
            too_old.push_str(&format!(" WHEN network = ${} AND sent_at < ${} THEN $5", binds.len() - 1, binds.len()));
        }
        let stmt = Stmt::new(format!(
            "INSERT INTO announcement_edits (announcement_id, person_id, correction, network, state, at) \
             SELECT announcement_id, person_id, $2, network, \
             CASE WHEN message_id IS NULL THEN $4{too_old} ELSE $6 END, $3 \
             FROM announcement_recipients WHERE announcement_id = $1 AND state = $7 AND version < $2 \
             ON CONFLICT (announcement_id, person_id, correction) DO NOTHING"
        ));
        let mut stmt = stmt;
        stmt.binds = binds;
        self.execute(stmt).await
    }

    async fn edits(
        &self,
        id: AnnouncementId,
        correction: u32,
        state: &EditState,
        limit: i64,
    ) -> StoreResult<Vec<Recipient>> {
        let rows: Vec<RecipientRow> = self
            .fetch_all(
                Stmt::new(format!(
                    "SELECT {RECIPIENT_COLUMNS_OF_R} FROM announcement_edits e JOIN announcement_recipients r \
                     ON r.announcement_id = e.announcement_id AND r.person_id = e.person_id \
                     WHERE e.announcement_id = $1 AND e.correction = $2 AND e.state = $3 ORDER BY e.person_id LIMIT $4"
                ))
                .bind(id.0)
                .bind(i64::from(correction))
                .bind(state.as_str())
                .bind(limit),
            )
            .await?;
        rows.into_iter().map(recipient_from_row).collect()
    }

    async fn edit_settled(
        &self,
        outbox: Option<i64>,
        id: AnnouncementId,
        person: PersonId,
        correction: u32,
        state: &EditState,
        at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let mut stmts = vec![
            Stmt::new(
                "UPDATE announcement_edits SET state = $1, reason = $2, at = $3 \
                 WHERE announcement_id = $4 AND person_id = $5 AND correction = $6 AND state IN ($7, $8)",
            )
            .bind(state.as_str())
            .bind(state.reason().map(str::to_owned))
            .bind(at.timestamp())
            .bind(id.0)
            .bind(person.0)
            .bind(i64::from(correction))
            .bind(EditState::Queued.as_str())
            .bind(EditState::Sending.as_str()),
        ];
        if *state == EditState::Sent {
            stmts.push(
                Stmt::new(
                    "UPDATE announcement_recipients SET version = $1 \
                     WHERE announcement_id = $2 AND person_id = $3 AND version < $4",
                )
                .bind(i64::from(correction))
                .bind(id.0)
                .bind(person.0)
                .bind(i64::from(correction)),
            );
        }
        if let Some(row) = outbox {
            stmts.push(Stmt::new("DELETE FROM outbox WHERE id = $1").bind(row));
        }
        let affected = self.transaction(stmts).await?;
        Ok(affected.first().copied() == Some(1))
    }

    async fn edit_counts(&self, id: AnnouncementId) -> StoreResult<Vec<EditCount>> {
        let rows: Vec<(i64, String, String, Option<String>, i64)> = self
            .fetch_all(
                Stmt::new(
                    "SELECT correction, network, state, reason, COUNT(*) FROM announcement_edits \
                     WHERE announcement_id = $1 GROUP BY correction, network, state, reason",
                )
                .bind(id.0),
            )
            .await?;
        let mut out: Vec<EditCount> = rows
            .into_iter()
            .filter_map(|(correction, network, state, reason, count)| {
                Network::parse(&network).map(|network| EditCount {
                    correction: u32::try_from(correction).unwrap_or_default(),
                    network,
                    state,
                    reason,
                    count,
                })
            })
            .collect();
        out.sort_by(|a, b| {
            (a.correction, a.network.as_str(), &a.state, &a.reason).cmp(&(
                b.correction,
                b.network.as_str(),
                &b.state,
                &b.reason,
            ))
        });
        Ok(out)
    }

    async fn audience(&self, audience: &Audience, topic: &str, now: DateTime<Utc>) -> StoreResult<Vec<Candidate>> {
        let (ids, binds) = audience_ids(audience, 3, now);
        let mut stmt = Stmt::new(format!(
            "SELECT p.id, p.language, a.network, a.external_id, a.channel, a.unreachable_since IS NOT NULL, \
             EXISTS (SELECT 1 FROM announcement_optouts o WHERE o.person_id = p.id AND o.topic IN ($1, $2)) \
             FROM persons p JOIN accounts a ON a.person_id = p.id WHERE p.id IN ({ids}) \
             ORDER BY p.id, a.network, a.external_id"
        ))
        .bind(topic)
        .bind(ALL_TOPICS);
        stmt.binds.extend(binds);
        let rows: Vec<(i64, Option<String>, String, String, Option<String>, bool, bool)> = self.fetch_all(stmt).await?;
        let mut out: Vec<Candidate> = Vec::new();
        for (person, language, network, external_id, channel, unreachable, opted_out) in rows {
            let Some(network) = Network::parse(&network) else { continue };
            let account = CandidateAccount { account: Account::new(network, external_id), channel, unreachable };
            match out.last_mut() {
                Some(c) if c.person.0 == person => c.accounts.push(account),
                _ => out.push(Candidate {
                    person: PersonId(person),
                    language: language.as_deref().and_then(Lang::from_tag),
                    accounts: vec![account],
                    opted_out,
                }),
            }
        }
        Ok(out)
    }

    async fn recipients_add(&self, copies: &[Recipient]) -> StoreResult<u64> {
        let mut stmts = Vec::with_capacity(copies.len());
        for c in copies {
            stmts.push(
                Stmt::new(format!(
                    "INSERT INTO announcement_recipients ({RECIPIENT_COLUMNS}) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
                     ON CONFLICT (announcement_id, person_id) DO NOTHING"
                ))
                .bind(c.announcement.0)
                .bind(c.person.0)
                .bind(c.network.as_str())
                .bind(c.channel.as_str())
                .bind(c.chat.as_str())
                .bind(c.lang.code())
                .bind(c.state.as_str())
                .bind(c.state.reason().map(str::to_owned))
                .bind(c.sent_at.map(|t| t.timestamp()))
                .bind(c.message_id.clone())
                .bind(i64::from(c.version))
                .bind(c.room.clone()),
            );
        }
        if stmts.is_empty() {
            return Ok(0);
        }
        Ok(self.transaction(stmts).await?.into_iter().sum())
    }

    async fn recipients(
        &self,
        id: AnnouncementId,
        state: Option<&CopyState>,
        limit: i64,
    ) -> StoreResult<Vec<Recipient>> {
        let stmt = match state {
            Some(s) => Stmt::new(format!(
                "SELECT {RECIPIENT_COLUMNS} FROM announcement_recipients \
                 WHERE announcement_id = $1 AND state = $2 ORDER BY person_id LIMIT $3"
            ))
            .bind(id.0)
            .bind(s.as_str())
            .bind(limit),
            None => Stmt::new(format!(
                "SELECT {RECIPIENT_COLUMNS} FROM announcement_recipients \
                 WHERE announcement_id = $1 ORDER BY person_id LIMIT $2"
            ))
            .bind(id.0)
            .bind(limit),
        };
        let rows: Vec<RecipientRow> = self.fetch_all(stmt).await?;
        rows.into_iter().map(recipient_from_row).collect()
    }

    async fn recipient_mark(
        &self,
        id: AnnouncementId,
        person: PersonId,
        state: &CopyState,
        message_id: Option<&str>,
        at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let changed = self
            .execute(
                Stmt::new(
                    "UPDATE announcement_recipients SET state = $1, reason = $2, sent_at = $3, message_id = $4 \
                     WHERE announcement_id = $5 AND person_id = $6 AND state = $7",
                )
                .bind(state.as_str())
                .bind(state.reason().map(str::to_owned))
                .bind(at.timestamp())
                .bind(message_id.map(str::to_owned))
                .bind(id.0)
                .bind(person.0)
                .bind(CopyState::Queued.as_str()),
            )
            .await?;
        Ok(changed == 1)
    }

    async fn copy_settled(
        &self,
        outbox: Option<i64>,
        id: AnnouncementId,
        person: PersonId,
        state: &CopyState,
        reason: Option<&str>,
        message_id: Option<&str>,
        version: u32,
        room: Option<&str>,
        at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let mut stmts = vec![
            Stmt::new(
                "UPDATE announcement_recipients SET state = $1, reason = $2, sent_at = $3, message_id = $4, \
                 version = $9, room = COALESCE($10, room) \
                 WHERE announcement_id = $5 AND person_id = $6 AND state IN ($7, $8)",
            )
            .bind(state.as_str())
            .bind(reason.or(state.reason()).map(str::to_owned))
            .bind(at.timestamp())
            .bind(message_id.map(str::to_owned))
            .bind(id.0)
            .bind(person.0)
            .bind(CopyState::Queued.as_str())
            .bind(CopyState::Sending.as_str())
            .bind(i64::from(version))
            .bind(room.map(str::to_owned)),
        ];
        if let Some(row) = outbox {
            stmts.push(Stmt::new("DELETE FROM outbox WHERE id = $1").bind(row));
        }
        let affected = self.transaction(stmts).await?;
        Ok(affected.first().copied() == Some(1))
    }

    async fn recipient_counts(&self, id: AnnouncementId) -> StoreResult<Vec<CopyCount>> {
        self.copy_counts_of("announcement_recipients", id).await
    }

    async fn room_copies_add(&self, copies: &[RoomCopy]) -> StoreResult<u64> {
        let mut stmts = Vec::with_capacity(copies.len());
        for c in copies {
            stmts.push(
                Stmt::new(
                    "INSERT INTO announcement_room_copies \
                     (announcement_id, network, chat, channel, state, reason, sent_at, message_id, version) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                     ON CONFLICT (announcement_id, network, chat) DO NOTHING",
                )
                .bind(c.announcement.0)
                .bind(c.network.as_str())
                .bind(c.chat.as_str())
                .bind(c.channel.as_str())
                .bind(c.state.as_str())
                .bind(c.state.reason().map(str::to_owned))
                .bind(c.sent_at.map(|t| t.timestamp()))
                .bind(c.message_id.clone())
                .bind(i64::from(c.version)),
            );
        }
        if stmts.is_empty() {
            return Ok(0);
        }
        Ok(self.transaction(stmts).await?.into_iter().sum())
    }

    async fn room_copies(
        &self,
        id: AnnouncementId,
        state: Option<&CopyState>,
        limit: i64,
    ) -> StoreResult<Vec<RoomCopy>> {
        let stmt = match state {
            Some(s) => Stmt::new(format!(
                "SELECT {ROOM_COPY_COLUMNS} FROM announcement_room_copies \
                 WHERE announcement_id = $1 AND state = $2 ORDER BY network, chat LIMIT $3"
            ))
            .bind(id.0)
            .bind(s.as_str())
            .bind(limit),
            None => Stmt::new(format!(
                "SELECT {ROOM_COPY_COLUMNS} FROM announcement_room_copies \
                 WHERE announcement_id = $1 ORDER BY network, chat LIMIT $2"
            ))
            .bind(id.0)
            .bind(limit),
        };
        let rows: Vec<RoomCopyRow> = self.fetch_all(stmt).await?;
        rows.into_iter().map(room_copy_from_row).collect()
    }

    async fn room_copy_counts(&self, id: AnnouncementId) -> StoreResult<Vec<CopyCount>> {
        self.copy_counts_of("announcement_room_copies", id).await
    }

    async fn room_copy_settled(
        &self,
        outbox: Option<i64>,
        id: AnnouncementId,
        network: Network,
        chat: &str,
        state: &CopyState,
        reason: Option<&str>,
        message_id: Option<&str>,
        version: u32,
        at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let mut stmts = vec![
            Stmt::new(
                "UPDATE announcement_room_copies SET state = $1, reason = $2, sent_at = $3, message_id = $4, \
                 version = $5 WHERE announcement_id = $6 AND network = $7 AND chat = $8 AND state IN ($9, $10)",
            )
            .bind(state.as_str())
            .bind(reason.or(state.reason()).map(str::to_owned))
            .bind(at.timestamp())
            .bind(message_id.map(str::to_owned))
            .bind(i64::from(version))
            .bind(id.0)
            .bind(network.as_str())
            .bind(chat)
            .bind(CopyState::Queued.as_str())
            .bind(CopyState::Sending.as_str()),
        ];
        if let Some(row) = outbox {
            stmts.push(Stmt::new("DELETE FROM outbox WHERE id = $1").bind(row));
        }
        let affected = self.transaction(stmts).await?;
        Ok(affected.first().copied() == Some(1))
    }

    async fn room_edits_open(
        &self,
        id: AnnouncementId,
        correction: u32,
        cutoffs: &[(Network, DateTime<Utc>)],
        _now: DateTime<Utc>,
    ) -> StoreResult<u64> {
        let mut too_old = String::new();
        let mut binds: Vec<Bind> = vec![
            id.0.into(),
            i64::from(correction).into(),
            EditState::NotEditable.as_str().into(),
            EditState::TooOld.as_str().into(),
            EditState::Queued.as_str().into(),
            CopyState::Sent.as_str().into(),
            EditState::Sending.as_str().into(),
        ];
        for (network, cutoff) in cutoffs {
            binds.push(network.as_str().into());
            binds.push(cutoff.timestamp().into());
            too_old.push_str(&format!(" WHEN network = ${} AND sent_at < ${} THEN $4", binds.len() - 1, binds.len()));
        }
        // An edit of an earlier correction still on its way is left to finish; it is opened
        // again for this correction on the job's next look.
        let mut stmt = Stmt::new(format!(
            "UPDATE announcement_room_copies SET edit_correction = $2, edit_reason = NULL, \
             edit_state = CASE WHEN message_id IS NULL THEN $3{too_old} ELSE $5 END \
             WHERE announcement_id = $1 AND state = $6 AND version < $2 \
             AND (edit_correction IS NULL OR edit_correction < $2) AND (edit_state IS NULL OR edit_state <> $7)"
        ));
        stmt.binds = binds;
        self.execute(stmt).await
    }

    async fn room_edits(
        &self,
        id: AnnouncementId,
        correction: u32,
        state: &EditState,
        limit: i64,
    ) -> StoreResult<Vec<RoomCopy>> {
        let rows: Vec<RoomCopyRow> = self
            .fetch_all(
                Stmt::new(format!(
                    "SELECT {ROOM_COPY_COLUMNS} FROM announcement_room_copies \
                     WHERE announcement_id = $1 AND edit_correction = $2 AND edit_state = $3 \
                     ORDER BY network, chat LIMIT $4"
                ))
                .bind(id.0)
                .bind(i64::from(correction))
                .bind(state.as_str())
                .bind(limit),
            )
            .await?;
        rows.into_iter().map(room_copy_from_row).collect()
    }

    async fn room_edit_settled(
        &self,
        outbox: Option<i64>,
        id: AnnouncementId,
        network: Network,
        chat: &str,
        correction: u32,
        state: &EditState,
        _at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let sent = *state == EditState::Sent;
        let mut stmts = vec![
            Stmt::new(
                "UPDATE announcement_room_copies SET edit_state = $1, edit_reason = $2, \
                 version = CASE WHEN $3 AND version < $4 THEN $4 ELSE version END \
                 WHERE announcement_id = $5 AND network = $6 AND chat = $7 AND edit_correction = $4 \
                 AND edit_state IN ($8, $9)",
            )
            .bind(state.as_str())
            .bind(state.reason().map(str::to_owned))
            .bind(sent)
            .bind(i64::from(correction))
            .bind(id.0)
            .bind(network.as_str())
            .bind(chat)
            .bind(EditState::Queued.as_str())
            .bind(EditState::Sending.as_str()),
        ];
        if let Some(row) = outbox {
            stmts.push(Stmt::new("DELETE FROM outbox WHERE id = $1").bind(row));
        }
        let affected = self.transaction(stmts).await?;
        Ok(affected.first().copied() == Some(1))
    }

    async fn opt_out(&self, person: PersonId, topic: &str, off: bool, now: DateTime<Utc>) -> StoreResult<bool> {
        let stmt = if off {
            Stmt::new(
                "INSERT INTO announcement_optouts (person_id, topic, created_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (person_id, topic) DO NOTHING",
            )
            .bind(person.0)
            .bind(topic)
            .bind(now.timestamp())
        } else if topic == ALL_TOPICS {
            Stmt::new("DELETE FROM announcement_optouts WHERE person_id = $1").bind(person.0)
        } else {
            Stmt::new("DELETE FROM announcement_optouts WHERE person_id = $1 AND topic = $2").bind(person.0).bind(topic)
        };
        Ok(self.execute(stmt).await? > 0)
    }

    async fn opt_outs(&self, person: PersonId) -> StoreResult<Vec<String>> {
        let rows: Vec<(String,)> = self
            .fetch_all(
                Stmt::new("SELECT topic FROM announcement_optouts WHERE person_id = $1 ORDER BY topic").bind(person.0),
            )
            .await?;
        Ok(rows.into_iter().map(|(t,)| t).collect())
    }
}

impl SqlStore {
    /// Copies of a table (people's or rooms') per network, state and reason.
    async fn copy_counts_of(&self, table: &str, id: AnnouncementId) -> StoreResult<Vec<CopyCount>> {
        let rows: Vec<(String, String, Option<String>, i64)> = self
            .fetch_all(
                Stmt::new(format!(
                    "SELECT network, state, reason, COUNT(*) FROM {table} \
                     WHERE announcement_id = $1 GROUP BY network, state, reason"
                ))
                .bind(id.0),
            )
            .await?;
        let mut out: Vec<CopyCount> = rows
            .into_iter()
            .filter_map(|(network, state, reason, count)| {
                Network::parse(&network).map(|network| CopyCount { network, state, reason, count })
            })
            .collect();
        out.sort_by(|a, b| (a.network.as_str(), &a.state, &a.reason).cmp(&(b.network.as_str(), &b.state, &b.reason)));
        Ok(out)
    }
}

impl SqlStore {
    /// Keeps an announcement and its job (if any) in one transaction, after `guard` changed a
    /// row (when given): `None`, and nothing kept, when it changed none.
    async fn add_in_transaction(
        &self,
        guard: Option<Stmt>,
        new: &NewAnnouncement,
        job: Option<&NewJob>,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<AnnouncementId>> {
        let doc = to_json(&Doc {
            texts: new.texts.clone(),
            audience: new.audience.clone(),
            recurrence: new.recurrence.clone(),
        });
        let state = if new.pending { AnnouncementState::Pending } else { AnnouncementState::Scheduled };
        let insert = Stmt::new(
            "INSERT INTO announcements (author_id, territory_id, state, at, doc, created_at, series_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(new.author.map(|p| p.0))
        .bind(new.audience.territory.as_ref().map(|t| t.to_string()))
        .bind(state.as_str())
        .bind(new.at.timestamp())
        .bind(doc)
        .bind(now.timestamp())
        .bind(new.series.map(|s| s.0));
        let job = job.cloned();
        let protocol = |e: StoreError| sqlx::Error::Protocol(e.to_string());
        let id: Result<Option<i64>, sqlx::Error> = on_pool!(self.writer, |p, Db| {
            async {
                let mut tx = p.begin().await?;
                if let Some(Stmt { sql, binds }) = guard {
                    let changed = sqlx::query_with(AssertSqlSafe(sql), arguments::<Db>(binds).map_err(protocol)?)
                        .execute(&mut *tx)
                        .await?;
                    if changed.rows_affected() == 0 {
                        tx.rollback().await?;
                        return Ok(None);
                    }
                }
                let Stmt { sql, binds } = insert;
                let (id,): (i64,) = sqlx::query_as_with(AssertSqlSafe(sql), arguments::<Db>(binds).map_err(protocol)?)
                    .fetch_one(&mut *tx)
                    .await?;
                if let Some(job) = job {
                    let named = |s: &str| s.replace("{id}", &id.to_string());
                    let job = NewJob { key: job.key.as_deref().map(named), payload: named(&job.payload), ..job };
                    let Stmt { sql, binds } = job_put_statement(&job, now);
                    sqlx::query_with(AssertSqlSafe(sql), arguments::<Db>(binds).map_err(protocol)?)
                        .fetch_all(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(Some(id))
            }
            .await
        });
        Ok(id?.map(AnnouncementId))
    }
}
