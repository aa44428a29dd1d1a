//! Joining two people into one when someone links their accounts on two networks. A code is
//! typed by one person (`other`, claimed), who confirms; then the person who made it (`keep`)
//! confirms, and one transaction folds `other` into `keep`: where both did the same thing
//! once-per-person (a support, a vote, a place, a report), one remains and the counters are
//! recounted, so "one support per person" holds across networks. Staff, moderator and admin
//! roles of `other` are never carried over (an admin grants them again), an author's support of
//! their own initiative goes, and the link is audited.
//!
//! Part of the people family ([`PeopleStore::link_confirm`] and [`PeopleStore::link_claim`]):
//! the one place besides erasure that writes every family's rows of a person.

use super::*;

/// Tables whose rows are one per person and initiative: the duplicate of `other` goes.
const ONE_PER_INITIATIVE: [&str; 4] =
    ["initiative_supports", "initiative_participants", "initiative_votes", "initiative_reports"];

/// Roles that give power over others: never merged by a link.
const POWERFUL: &str = "('staff', 'moderator', 'admin')";

/// How long wrong codes count against a person.
const ATTEMPT_WINDOW_SECS: i64 = 3600;

/// A code as stored: who made it and on which network, who typed it and whether they confirmed.
type CodeRow = (i64, String, Option<i64>, Option<String>, bool);

impl SqlStore {
    pub(super) async fn claim_link(
        &self,
        code: &str,
        person: PersonId,
        network: &str,
        max_wrong: u32,
        now: DateTime<Utc>,
    ) -> StoreResult<LinkClaim> {
        let since = now.timestamp() - ATTEMPT_WINDOW_SECS;
        let (wrong,): (i64,) = self
            .fetch_writing(
                Stmt::new("SELECT COUNT(*) FROM link_attempts WHERE person_id = $1 AND at > $2")
                    .bind(person.0)
                    .bind(since),
            )
            .await?
            .unwrap_or((0,));
        if max_wrong > 0 && wrong >= i64::from(max_wrong) {
            return Ok(LinkClaim::TooManyTries);
        }
        let found: Option<(i64, String, String)> = self
            .fetch_writing(
                Stmt::new(
                    "SELECT l.person_id, l.network, p.display_name FROM link_codes l JOIN persons p ON p.id = l.person_id \
                     WHERE l.code = $1 AND l.expires_at >= $2 AND (l.claimed_by IS NULL OR l.claimed_by = $3)",
                )
                .bind(code)
                .bind(now.timestamp())
                .bind(person.0),
            )
            .await?;
        let claimed = match found {
            Some((maker, _, _)) if maker == person.0 => return Ok(LinkClaim::Same),
            Some((maker, maker_network, name)) => {
                let taken = self
                    .execute(
                        Stmt::new(
                            "UPDATE link_codes SET claimed_by = $2, claimed_network = $3 WHERE code = $1 \
                             AND (claimed_by IS NULL OR claimed_by = $2)",
                        )
                        .bind(code)
                        .bind(person.0)
                        .bind(network),
                    )
                    .await?;
                (taken == 1).then_some(LinkClaim::Claimed { person: PersonId(maker), network: maker_network, name })
            }
            None => None,
        };
        if let Some(claimed) = claimed {
            return Ok(claimed);
        }
        self.transaction(vec![
            Stmt::new("DELETE FROM link_attempts WHERE person_id = $1 AND at <= $2").bind(person.0).bind(since),
            Stmt::new("INSERT INTO link_attempts (person_id, at) VALUES ($1, $2)").bind(person.0).bind(now.timestamp()),
        ])
        .await?;
        Ok(LinkClaim::Unknown)
    }

    pub(super) async fn confirm_link(
        &self,
        code: &str,
        person: PersonId,
        now: DateTime<Utc>,
    ) -> StoreResult<LinkConfirm> {
        let row: Option<CodeRow> = self
            .fetch_writing(
                Stmt::new(
                    "SELECT person_id, network, claimed_by, claimed_network, claimed_ok FROM link_codes \
                     WHERE code = $1 AND expires_at >= $2",
                )
                .bind(code)
                .bind(now.timestamp()),
            )
            .await?;
        let Some((maker, maker_network, Some(typist), Some(network), confirmed)) = row else {
            return Ok(LinkConfirm::Unknown);
        };
        if person.0 == typist {
            if !confirmed {
                self.execute(
                    Stmt::new("UPDATE link_codes SET claimed_ok = TRUE WHERE code = $1 AND claimed_by = $2")
                        .bind(code)
                        .bind(typist),
                )
                .await?;
            }
            let name = self.person(PersonId(typist)).await?.map(|p| p.display_name).unwrap_or_default();
            return Ok(LinkConfirm::AskMaker { maker: PersonId(maker), maker_network, network, name });
        }
        if person.0 != maker || !confirmed {
            return Ok(LinkConfirm::Unknown);
        }
        let dropped: Vec<(String, String)> = self
            .fetch_writing_all(
                Stmt::new(format!(
                    "SELECT role, territory_id FROM roles WHERE person_id = $1 AND role IN {POWERFUL} \
                     ORDER BY role, territory_id"
                ))
                .bind(typist),
            )
            .await?;
        let dropped: Vec<RoleGrant> = dropped
            .into_iter()
            .filter_map(|(role, territory)| {
                Some(RoleGrant {
                    role: Role::parse(&role)?,
                    territory: Some(territory).filter(|t| !t.is_empty()).map(TerritoryId::new),
                })
            })
            .collect();
        let reason = if dropped.is_empty() {
            format!("{network} account joined")
        } else {
            let roles: Vec<String> = dropped
                .iter()
                .map(|g| match &g.territory {
                    Some(t) => format!("{}@{t}", g.role.as_str()),
                    None => g.role.as_str().to_owned(),
                })
                .collect();
            format!("{network} account joined; roles not carried over: {}", roles.join(", "))
        };
        let joined = self.merge_person(code, PersonId(maker), PersonId(typist), &reason, now).await?;
        Ok(if joined {
            LinkConfirm::Linked { kept: PersonId(maker), joined: PersonId(typist), dropped }
        } else {
            LinkConfirm::Unknown
        })
    }

    /// Folds `other` into `keep` in one transaction, using up the confirmed code; `false` (and
    /// nothing changed) when the code is no longer there, confirmed by `other`.
    async fn merge_person(
        &self,
        code: &str,
        keep: PersonId,
        other: PersonId,
        reason: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let (k, o) = (keep.0, other.0);
        let s = |sql: &str| Stmt::new(sql.to_owned()).bind(k).bind(o);
        let mut steps = vec![
            // The code is used up (and only this transaction may use it).
            (
                Stmt::new(
                    "DELETE FROM link_codes WHERE code = $1 AND person_id = $2 AND claimed_by = $3 AND claimed_ok \
                     AND expires_at >= $4",
                )
                .bind(code)
                .bind(k)
                .bind(o)
                .bind(now.timestamp()),
                true,
            ),
        ];
        for table in ONE_PER_INITIATIVE {
            steps.push((
                s(&format!(
                    "DELETE FROM {table} WHERE person_id = $2 AND initiative_id IN \
                     (SELECT initiative_id FROM {table} WHERE person_id = $1)"
                )),
                false,
            ));
            steps.push((s(&format!("UPDATE {table} SET person_id = $1 WHERE person_id = $2")), false));
        }
        for stmt in [
            "UPDATE initiative_comments SET person_id = $1 WHERE person_id = $2",
            "UPDATE initiatives SET author_id = $1 WHERE author_id = $2",
            // An author does not support their own initiative.
            "DELETE FROM initiative_supports WHERE person_id = $1 \
             AND initiative_id IN (SELECT id FROM initiatives WHERE author_id = $1)",
        ] {
            steps.push((s(stmt), false));
        }
        // Supports and places are counted again wherever the person is now, or is the author.
        for recount in [
            "UPDATE initiatives SET supports = (SELECT COUNT(*) FROM initiative_supports s \
             WHERE s.initiative_id = initiatives.id) \
             WHERE author_id = $1 OR id IN (SELECT initiative_id FROM initiative_supports WHERE person_id = $1)",
            "UPDATE initiatives SET participants = (SELECT COUNT(*) FROM initiative_participants p \
             WHERE p.initiative_id = initiatives.id AND NOT p.waiting) \
             WHERE id IN (SELECT initiative_id FROM initiative_participants WHERE person_id = $1)",
        ] {
            steps.push((Stmt::new(recount).bind(k), false));
        }
        for stmt in [
            "UPDATE bookings SET person_id = $1 WHERE person_id = $2",
            "UPDATE waitlist SET person_id = $1 WHERE person_id = $2",
            // Memberships of associations (booking): the right to book for one is kept if either had it.
            "INSERT INTO association_members (association_id, person_id, may_book, created_at) \
             SELECT association_id, $1, may_book, created_at FROM association_members WHERE person_id = $2 \
             ON CONFLICT (association_id, person_id) DO UPDATE \
             SET may_book = association_members.may_book OR excluded.may_book",
            "DELETE FROM association_members WHERE person_id = $2",
            "UPDATE space_closures SET created_by = $1 WHERE created_by = $2",
            // Roles that give power over others are never handed over by a link.
            "INSERT INTO roles (person_id, role, territory_id, granted_at) SELECT $1, role, territory_id, granted_at \
             FROM roles WHERE person_id = $2 AND role NOT IN ('staff', 'moderator', 'admin') \
             ON CONFLICT (person_id, role, territory_id) DO NOTHING",
            "DELETE FROM roles WHERE person_id = $2",
            "DELETE FROM flows WHERE person_id = $2",
            "DELETE FROM link_codes WHERE person_id = $2 OR claimed_by = $2",
            "UPDATE audit SET actor_id = $1 WHERE actor_id = $2",
            // What the kept person has not said yet, the other had.
            "UPDATE persons SET language = COALESCE(language, (SELECT language FROM persons WHERE id = $2)), \
             home_territory_id = COALESCE(home_territory_id, (SELECT home_territory_id FROM persons WHERE id = $2)) \
             WHERE id = $1",
            "UPDATE accounts SET person_id = $1 WHERE person_id = $2",
        ] {
            steps.push((s(stmt), false));
        }
        steps.push((
            Stmt::new("INSERT INTO audit (at, actor_id, action, subject, reason) VALUES ($1, $2, 'link', $3, $4)")
                .bind(now.timestamp())
                .bind(k)
                .bind(format!("person:{k}"))
                .bind(reason),
            false,
        ));
        steps.push((Stmt::new("DELETE FROM persons WHERE id = $1").bind(o), true));
        let stmts: Vec<super::initiatives::Step> =
            steps.into_iter().map(|(stmt, must)| super::initiatives::Step::Exec(stmt, must)).collect();
        Ok(self.guarded::<(i64,)>(stmts).await?.is_ok())
    }
}
