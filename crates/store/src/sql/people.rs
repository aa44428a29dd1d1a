//! People on SQLite and PostgreSQL: persons, accounts and roles, read with their flow in one
//! query per message; export; erasure in one transaction over every family's rows of the
//! person. Joining two people (linking) is in `link.rs`.

use super::*;

type PersonRow = (
    i64,
    String,
    Option<String>,
    Option<String>,
    String,
    bool,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<DateTime<Utc>>,
    bool,
    Option<String>,
    Option<String>,
);

impl SqlStore {
    async fn set_account_channel(&self, account: &Account, channel: Option<&str>) -> StoreResult<()> {
        self.execute(
            Stmt::new("UPDATE accounts SET channel = $3 WHERE network = $1 AND external_id = $2")
                .bind(account.network.as_str())
                .bind(account.external_id.as_str())
                .bind(channel.map(str::to_owned)),
        )
        .await
        .map(|_| ())
    }

    /// The person columns, with accounts and roles folded into one text each (separated by
    /// U+001F) and a flow in a chat, so that one query serves a whole message.
    /// With `with_flow` the statement must join `accounts a` and `flows f` (a row per flow);
    /// the last columns say whether that account is marked unreachable, its bot, and the
    /// flow's chat.
    fn person_select(&self, with_flow: bool) -> String {
        let agg = |expr: &str, table: &str, alias: &str| match self.engine() {
            Engine::Sqlite => {
                format!("(SELECT group_concat({expr}, char(31)) FROM {table} {alias} WHERE {alias}.person_id = p.id)")
            }
            Engine::Postgres => {
                format!("(SELECT string_agg({expr}, chr(31)) FROM {table} {alias} WHERE {alias}.person_id = p.id)")
            }
        };
        let flow = if with_flow {
            "f.state, f.expires_at, a.unreachable_since IS NOT NULL, a.channel, f.chat_key"
        } else {
            "NULL, NULL, FALSE, NULL, NULL"
        };
        format!(
            "SELECT p.id, p.display_name, p.language, p.home_territory_id, p.interests, p.onboarded, {}, {}, {flow}",
            agg("a2.network || ':' || a2.external_id", "accounts", "a2"),
            agg("r.role || ':' || r.territory_id", "roles", "r"),
        )
    }

    fn person_from_row(row: PersonRow) -> StoreResult<(Person, Option<StoredFlow>)> {
        let (id, display_name, language, home, interests, onboarded, accounts, roles, state, expires, _, _, _) = row;
        let record = format!("person {id}");
        let split = |joined: Option<String>| -> Vec<(String, String)> {
            let mut parts: Vec<(String, String)> = joined
                .unwrap_or_default()
                .split('\u{1f}')
                .filter_map(|p| p.split_once(':').map(|(a, b)| (a.to_owned(), b.to_owned())))
                .collect();
            parts.sort();
            parts
        };
        let person = Person {
            id: PersonId(id),
            display_name,
            language: language.as_deref().and_then(Lang::from_tag),
            home: home.map(TerritoryId::new),
            interests: from_json(&record, &interests)?,
            roles: split(roles)
                .into_iter()
                .filter_map(|(role, territory)| {
                    Some(RoleGrant {
                        role: Role::parse(&role)?,
                        territory: (!territory.is_empty()).then(|| TerritoryId::new(territory)),
                    })
                })
                .collect(),
            accounts: split(accounts)
                .into_iter()
                .filter_map(|(network, external)| Some(Account::new(Network::parse(&network)?, external)))
                .collect(),
            onboarded,
        };
        let flow = state.zip(expires).map(|(state, expires_at)| StoredFlow { state, expires_at });
        Ok((person, flow))
    }

    /// The person behind an account, with their flows under `chats` (none asked, none read),
    /// whether the account is marked unreachable, and its bot.
    async fn person_by_account(
        &self,
        account: &Account,
        chats: &[&str],
    ) -> StoreResult<Option<(Person, Vec<(String, StoredFlow)>, bool, Option<String>)>> {
        let flow_join = if chats.is_empty() {
            String::new()
        } else {
            let marks: Vec<String> = (0..chats.len()).map(|i| format!("${}", i + 3)).collect();
            format!("LEFT JOIN flows f ON f.person_id = p.id AND f.chat_key IN ({})", marks.join(", "))
        };
        let mut stmt = Stmt::new(format!(
            "{} FROM accounts a JOIN persons p ON p.id = a.person_id {flow_join} WHERE a.network = $1 AND a.external_id = $2",
            self.person_select(!chats.is_empty())
        ))
        .bind(account.network.as_str())
        .bind(account.external_id.as_str());
        for chat in chats {
            stmt = stmt.bind(*chat);
        }
        let rows: Vec<PersonRow> = self.fetch_all(stmt).await?;
        let mut found = None;
        let mut flows = Vec::new();
        for row in rows {
            let (unreachable, channel, chat) = (row.10, row.11.clone(), row.12.clone());
            let (person, flow) = Self::person_from_row(row)?;
            if let Some((chat, flow)) = chat.zip(flow) {
                flows.push((chat, flow));
            }
            found.get_or_insert((person, unreachable, channel));
        }
        Ok(found.map(|(person, unreachable, channel)| (person, flows, unreachable, channel)))
    }
}

#[async_trait]
impl PeopleStore for SqlStore {
    async fn person_and_flows(
        &self,
        account: &Account,
        display_name: &str,
        chats: &[&str],
        channel: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<(Person, Vec<(String, StoredFlow)>)> {
        if let Some((person, mut flows, unreachable, known)) = self.person_by_account(account, chats).await? {
            if unreachable {
                // A person who writes to the bot can be reached again.
                self.set_unreachable(account, None).await?;
            }
            if channel.is_some() && known.as_deref() != channel {
                self.set_account_channel(account, channel).await?;
            }
            flows.retain(|(_, f)| f.expires_at > now);
            return Ok((person, flows));
        }
        let person = self.person_for_account(account, display_name, now).await?;
        if channel.is_some() {
            self.set_account_channel(account, channel).await?;
        }
        Ok((person, Vec::new()))
    }

    async fn account_channel(&self, account: &Account) -> StoreResult<Option<String>> {
        let row: Option<(Option<String>,)> = self
            .fetch_optional(
                Stmt::new("SELECT channel FROM accounts WHERE network = $1 AND external_id = $2")
                    .bind(account.network.as_str())
                    .bind(account.external_id.as_str()),
            )
            .await?;
        Ok(row.and_then(|(c,)| c))
    }

    async fn person_for_account(
        &self,
        account: &Account,
        display_name: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Person> {
        if let Some(p) = self.find_person(account).await? {
            return Ok(p);
        }
        let (id,): (i64,) = self
            .fetch_writing(
                Stmt::new("INSERT INTO persons (display_name, interests, onboarded, created_at) VALUES ($1, '[]', FALSE, $2) RETURNING id")
                    .bind(display_name)
                    .bind(now),
            )
            .await?
            .ok_or_else(|| StoreError::Corrupt { record: "persons".into(), reason: "insert returned no id".into() })?;
        let linked = self
            .execute(
                Stmt::new(
                    "INSERT INTO accounts (network, external_id, person_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                )
                .bind(account.network.as_str())
                .bind(account.external_id.as_str())
                .bind(id),
            )
            .await?;
        if linked == 0 {
            // Another request created this person first: drop ours and use theirs.
            self.execute(Stmt::new("DELETE FROM persons WHERE id = $1").bind(id)).await?;
            return self.find_person(account).await?.ok_or_else(|| StoreError::Corrupt {
                record: format!("account {account}"),
                reason: "vanished while being created".into(),
            });
        }
        self.person(PersonId(id)).await?.ok_or_else(|| StoreError::Corrupt {
            record: format!("person {id}"),
            reason: "vanished after insert".into(),
        })
    }

    async fn find_person(&self, account: &Account) -> StoreResult<Option<Person>> {
        Ok(self.person_by_account(account, &[]).await?.map(|(p, _, _, _)| p))
    }

    async fn person(&self, id: PersonId) -> StoreResult<Option<Person>> {
        let row: Option<PersonRow> = self
            .fetch_optional(
                Stmt::new(format!("{} FROM persons p WHERE p.id = $1", self.person_select(false))).bind(id.0),
            )
            .await?;
        Ok(row.map(Self::person_from_row).transpose()?.map(|(p, _)| p))
    }

    async fn persons_kept(&self, ids: &[PersonId]) -> StoreResult<Vec<PersonId>> {
        let mut kept = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let marks = (1..=chunk.len()).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ");
            let mut stmt = Stmt::new(format!("SELECT id FROM persons WHERE id IN ({marks})"));
            for id in chunk {
                stmt = stmt.bind(id.0);
            }
            let rows: Vec<(i64,)> = self.fetch_all(stmt).await?;
            kept.extend(rows.into_iter().map(|(id,)| PersonId(id)));
        }
        Ok(kept)
    }

    async fn save_profile(&self, person: &Person) -> StoreResult<()> {
        self.execute(
            Stmt::new(
                "UPDATE persons SET display_name = $1, language = $2, home_territory_id = $3, interests = $4, onboarded = $5 WHERE id = $6",
            )
            .bind(person.display_name.as_str())
            .bind(person.language.map(|l| l.code().to_owned()))
            .bind(person.home.as_ref().map(|t| t.to_string()))
            .bind(to_json(&person.interests))
            .bind(person.onboarded)
            .bind(person.id.0),
        )
        .await?;
        Ok(())
    }

    async fn grant_role(&self, person: PersonId, grant: &RoleGrant, now: DateTime<Utc>) -> StoreResult<bool> {
        let n = self
            .execute(
                Stmt::new("INSERT INTO roles (person_id, role, territory_id, granted_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING")
                    .bind(person.0)
                    .bind(grant.role.as_str())
                    .bind(grant.territory.as_ref().map(|t| t.to_string()).unwrap_or_default())
                    .bind(now),
            )
            .await?;
        Ok(n > 0)
    }

    async fn revoke_role(&self, person: PersonId, grant: &RoleGrant) -> StoreResult<bool> {
        let n = self
            .execute(
                Stmt::new("DELETE FROM roles WHERE person_id = $1 AND role = $2 AND territory_id = $3")
                    .bind(person.0)
                    .bind(grant.role.as_str())
                    .bind(grant.territory.as_ref().map(|t| t.to_string()).unwrap_or_default()),
            )
            .await?;
        Ok(n > 0)
    }

    async fn export_person(&self, id: PersonId) -> StoreResult<Option<PersonExport>> {
        use vicinato_domain::initiative::InitiativeId;
        let Some(person) = self.person(id).await? else { return Ok(None) };
        let flows: Vec<(String,)> = self
            .fetch_all(Stmt::new("SELECT state FROM flows WHERE person_id = $1 ORDER BY chat_key").bind(id.0))
            .await?;
        let bookings: Vec<BookingRow> = self
            .fetch_all(
                Stmt::new(format!("SELECT {BOOKING_COLUMNS} FROM bookings WHERE person_id = $1 ORDER BY starts, id"))
                    .bind(id.0),
            )
            .await?;
        let written = |sql: &str| Stmt::new(sql.to_owned()).bind(id.0);
        let texts = |rows: Vec<(i64, String, i64)>, what: &str| -> StoreResult<Vec<Written>> {
            rows.into_iter()
                .map(|(ini, text, at)| Ok(Written { initiative: InitiativeId(ini), text, at: from_secs(what, at)? }))
                .collect()
        };
        let comments: Vec<(i64, String, i64)> = self
            .fetch_all(written(
                "SELECT initiative_id, body, created_at FROM initiative_comments WHERE person_id = $1 ORDER BY id",
            ))
            .await?;
        let reports: Vec<(i64, String, i64)> = self
            .fetch_all(written(
                "SELECT initiative_id, reason, created_at FROM initiative_reports WHERE person_id = $1 \
                 ORDER BY created_at, initiative_id",
            ))
            .await?;
        let votes: Vec<(i64, bool, i64)> = self
            .fetch_all(written(
                "SELECT initiative_id, yes, created_at FROM initiative_votes WHERE person_id = $1 \
                 ORDER BY created_at, initiative_id",
            ))
            .await?;
        let waiting: Vec<(String, i64, i64, i64, String, String)> = self
            .fetch_all(written(
                "SELECT space, starts, ends, people, purpose, status FROM waitlist WHERE person_id = $1 ORDER BY id",
            ))
            .await?;
        let audit: Vec<(i64, Option<i64>, String, String, Option<String>)> = self
            .fetch_all(
                Stmt::new(
                    "SELECT at, actor_id, action, subject, reason FROM audit WHERE actor_id = $1 OR subject = $2 \
                     ORDER BY id",
                )
                .bind(id.0)
                .bind(format!("person:{id}")),
            )
            .await?;
        Ok(Some(PersonExport {
            person,
            flows: flows.into_iter().map(|(s,)| s).collect(),
            bookings: bookings.into_iter().map(booking_from_row).collect::<StoreResult<_>>()?,
            initiatives: self.initiatives_of_person(id).await?,
            associations: self.associations_of(id).await?.into_iter().map(|(_, m)| m).collect(),
            comments: texts(comments, "comment")?,
            reports: texts(reports, "report")?,
            votes: votes
                .into_iter()
                .map(|(ini, yes, at)| Ok(Voted { initiative: InitiativeId(ini), yes, at: from_secs("vote", at)? }))
                .collect::<StoreResult<_>>()?,
            waitlist: waiting
                .into_iter()
                .map(|(space, starts, ends, people, purpose, status)| {
                    Ok(Waiting {
                        space: SpaceId::new(space),
                        starts: from_secs("waitlist", starts)?,
                        ends: from_secs("waitlist", ends)?,
                        people: u32::try_from(people).unwrap_or(0),
                        purpose,
                        status,
                    })
                })
                .collect::<StoreResult<_>>()?,
            audit: audit
                .into_iter()
                .map(|(at, actor, action, subject, reason)| {
                    Ok(AuditEntry { at: from_secs("audit", at)?, actor: actor.map(PersonId), action, subject, reason })
                })
                .collect::<StoreResult<_>>()?,
            sanctions: self.sanctions_of(id).await?,
            announcement_opt_outs: self.opt_outs(id).await?,
        }))
    }

    async fn erase_person(&self, id: PersonId) -> StoreResult<bool> {
        let Some(person) = self.person(id).await? else { return Ok(false) };
        let with = |sql: &str| Stmt::new(sql.to_owned()).bind(id.0);
        let mut stmts = vec![
            // Counters follow the rows: what the person supported or joined counts one less,
            // and a place they held goes to the first in line.
            with(
                "UPDATE initiatives SET supports = (SELECT COUNT(*) FROM initiative_supports s \
                 WHERE s.initiative_id = initiatives.id AND s.person_id <> $1) \
                 WHERE id IN (SELECT initiative_id FROM initiative_supports WHERE person_id = $1)",
            ),
            with("DELETE FROM initiative_supports WHERE person_id = $1"),
            with(
                "UPDATE initiative_participants SET waiting = FALSE WHERE waiting \
                 AND initiative_id IN (SELECT initiative_id FROM initiative_participants \
                 WHERE person_id = $1 AND NOT waiting) \
                 AND seq = (SELECT MIN(w.seq) FROM initiative_participants w \
                 WHERE w.initiative_id = initiative_participants.initiative_id AND w.waiting) \
                 AND (SELECT capacity FROM initiatives i WHERE i.id = initiative_participants.initiative_id) > \
                 (SELECT COUNT(*) FROM initiative_participants t WHERE t.initiative_id = \
                 initiative_participants.initiative_id AND NOT t.waiting AND t.person_id <> $1)",
            ),
            with(
                "UPDATE initiatives SET participants = (SELECT COUNT(*) FROM initiative_participants p \
                 WHERE p.initiative_id = initiatives.id AND NOT p.waiting AND p.person_id <> $1) \
                 WHERE id IN (SELECT initiative_id FROM initiative_participants WHERE person_id = $1)",
            ),
            with("DELETE FROM initiative_participants WHERE person_id = $1"),
            // Drafts and moderator candidacies are the person's own: they go. What others read
            // (published initiatives) stays, without its author.
            with("DELETE FROM initiatives WHERE author_id = $1 AND (status = 'draft' OR kind = 'moderator')"),
            with("DELETE FROM flows WHERE person_id = $1"),
            // Replies still waiting for the person, or answering them: in their private chats,
            // their direct rooms and the groups they wrote in.
            with(
                "DELETE FROM outbox WHERE EXISTS (SELECT 1 FROM accounts a WHERE a.person_id = $1 \
                 AND (outbox.channel = a.network OR outbox.channel LIKE a.network || ':%') \
                 AND (a.external_id = outbox.chat OR a.external_id = outbox.account))",
            ),
            // What the rooms' protections counted of their messages.
            with(
                "DELETE FROM room_members_seen WHERE EXISTS (SELECT 1 FROM accounts a WHERE a.person_id = $1 \
                 AND a.network = room_members_seen.network AND a.external_id = room_members_seen.member)",
            ),
            // Numbered choices kept for them in Matrix rooms (`matrix.<bot>.choices.<room>.<user>`).
            with(
                "DELETE FROM settings WHERE key LIKE 'matrix.%.choices.%' AND EXISTS (SELECT 1 FROM accounts a \
                 WHERE a.person_id = $1 AND a.network = 'matrix' \
                 AND substr(settings.key, length(settings.key) - length(a.external_id)) = '.' || a.external_id)",
            ),
            // Long button payloads kept for their private Telegram chat (`<chat>\u{1f}<payload>`).
            Stmt::new(
                "DELETE FROM button_payloads WHERE EXISTS (SELECT 1 FROM accounts a WHERE a.person_id = $1 \
                 AND a.network = 'telegram' AND substr(button_payloads.payload, 1, length(a.external_id) + 1) \
                 = a.external_id || $2)",
            )
            .bind(id.0)
            .bind("\u{1f}"),
            // Their sanctions go, with the jobs that would end them; the moderation log keeps
            // what moderators did, not to whom, and forgets what they did as a moderator.
            with("DELETE FROM jobs WHERE job_key IN (SELECT 'room-end:' || key FROM sanctions WHERE person_id = $1)"),
            with("DELETE FROM sanctions WHERE person_id = $1"),
            with("DELETE FROM moderation_log WHERE subject_id = $1"),
            // Their join requests, reports (made or about them) and appeals.
            with("DELETE FROM room_cases WHERE by_id = $1 OR subject_id = $1"),
            // The audit keeps what was done, not by or to whom.
            with("UPDATE audit SET actor_id = NULL WHERE actor_id = $1"),
            Stmt::new("UPDATE audit SET subject = 'person:erased', reason = NULL WHERE subject = $1")
                .bind(format!("person:{id}")),
            // Delivery keys of messages fanned out to them end with their id.
            Stmt::new("DELETE FROM deliveries WHERE key LIKE $1").bind(format!("initiative:%:{id}")),
        ];
        // Moderation they did: kept, without them (the log entry's document names its actor too).
        let acted: Vec<(i64, String)> =
            self.fetch_all(Stmt::new("SELECT id, doc FROM moderation_log WHERE actor_id = $1").bind(id.0)).await?;
        for (entry, doc) in acted {
            let mut e: vicinato_domain::rooms::ModEntry = from_json("moderation log entry", &doc)?;
            e.actor = None;
            let doc = serde_json::to_string(&e).map_err(|err| StoreError::Corrupt {
                record: "moderation log entry".into(),
                reason: err.to_string(),
            })?;
            stmts.push(
                Stmt::new("UPDATE moderation_log SET actor_id = NULL, doc = $1 WHERE id = $2").bind(doc).bind(entry),
            );
        }
        // Reasons that name them (their name, their accounts) lose the name.
        let names = std::iter::once(person.display_name.as_str())
            .chain(person.accounts.iter().map(|a| a.external_id.as_str()))
            .filter(|n| n.chars().count() >= 3);
        for name in names {
            stmts.push(
                Stmt::new("UPDATE audit SET reason = REPLACE(reason, $1, '[...]') WHERE reason <> REPLACE(reason, $1, '[...]')")
                    .bind(name),
            );
        }
        stmts.extend([
            with("DELETE FROM roles WHERE person_id = $1"),
            with("DELETE FROM accounts WHERE person_id = $1"),
            // Bookings, waitlist entries, comments, votes, reports, memberships and link codes
            // go with the person (ON DELETE CASCADE).
            with("DELETE FROM persons WHERE id = $1"),
        ]);
        let affected = self.transaction(stmts).await?;
        Ok(affected.last().copied().unwrap_or(0) > 0)
    }

    async fn occurrences(&self, text: &str) -> StoreResult<Vec<String>> {
        let columns: Vec<(String, String)> = match self.engine() {
            Engine::Sqlite => {
                self.fetch_all(Stmt::new(
                    "SELECT m.name, c.name FROM sqlite_master m, pragma_table_info(m.name) c \
                     WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE 'service_fts%' \
                     ORDER BY m.name, c.cid",
                ))
                .await?
            }
            Engine::Postgres => {
                self.fetch_all(Stmt::new(
                    "SELECT table_name::TEXT, column_name::TEXT FROM information_schema.columns \
                     WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position",
                ))
                .await?
            }
        };
        let mut found = Vec::new();
        for (table, column) in columns {
            // Names read from the database's own catalogue, quoted; the text is bound.
            let (t, c) = (table.replace('"', "\"\""), column.replace('"', "\"\""));
            let position = match self.engine() {
                Engine::Sqlite => "instr",
                Engine::Postgres => "strpos",
            };
            let (n,): (i64,) = self
                .fetch_optional(
                    Stmt::new(format!("SELECT COUNT(*) FROM \"{t}\" WHERE {position}(CAST(\"{c}\" AS TEXT), $1) > 0"))
                        .bind(text),
                )
                .await?
                .unwrap_or((0,));
            if n > 0 {
                found.push(format!("{table}.{column}"));
            }
        }
        Ok(found)
    }

    async fn link_code_put(
        &self,
        person: PersonId,
        network: &str,
        code: &str,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.transaction(vec![
            Stmt::new("DELETE FROM link_codes WHERE person_id = $1 OR expires_at < $2")
                .bind(person.0)
                .bind(now.timestamp()),
            Stmt::new("INSERT INTO link_codes (code, person_id, network, expires_at) VALUES ($1, $2, $3, $4)")
                .bind(code)
                .bind(person.0)
                .bind(network)
                .bind(expires_at.timestamp()),
        ])
        .await
        .map(|_| ())
    }

    async fn link_claim(
        &self,
        code: &str,
        person: PersonId,
        network: &str,
        max_wrong: u32,
        now: DateTime<Utc>,
    ) -> StoreResult<LinkClaim> {
        self.claim_link(code, person, network, max_wrong, now).await
    }

    async fn link_confirm(&self, code: &str, person: PersonId, now: DateTime<Utc>) -> StoreResult<LinkConfirm> {
        self.confirm_link(code, person, now).await
    }

    async fn link_cancel(&self, code: &str, person: PersonId) -> StoreResult<bool> {
        let gone = self
            .execute(
                Stmt::new("DELETE FROM link_codes WHERE code = $1 AND (person_id = $2 OR claimed_by = $2)")
                    .bind(code)
                    .bind(person.0),
            )
            .await?;
        Ok(gone > 0)
    }

    async fn set_unreachable(&self, account: &Account, since: Option<DateTime<Utc>>) -> StoreResult<()> {
        let stmt = match since {
            Some(at) => {
                Stmt::new("UPDATE accounts SET unreachable_since = $1 WHERE network = $2 AND external_id = $3").bind(at)
            }
            None => Stmt::new("UPDATE accounts SET unreachable_since = NULL WHERE network = $1 AND external_id = $2"),
        };
        self.execute(stmt.bind(account.network.as_str()).bind(account.external_id.as_str())).await.map(|_| ())
    }

    async fn unreachable_since(&self, account: &Account) -> StoreResult<Option<DateTime<Utc>>> {
        let row: Option<(Option<DateTime<Utc>>,)> = self
            .fetch_optional(
                Stmt::new("SELECT unreachable_since FROM accounts WHERE network = $1 AND external_id = $2")
                    .bind(account.network.as_str())
                    .bind(account.external_id.as_str()),
            )
            .await?;
        Ok(row.and_then(|(t,)| t))
    }
}
