//! Joining two people into one when someone links their accounts on two networks. One
//! transaction: the person who typed the code (`other`) is folded into the one who asked for it
//! (`keep`); where both did the same thing once-per-person (a support, a vote, a place, a
//! report), one remains and the counters follow, so "one support per person" holds across
//! networks.

use super::*;

/// Tables whose rows are one per person and initiative: the duplicate of `other` goes.
const ONE_PER_INITIATIVE: [&str; 4] =
    ["initiative_supports", "initiative_participants", "initiative_votes", "initiative_reports"];

impl SqlStore {
    pub(super) async fn merge_person(
        &self,
        code: &str,
        other: PersonId,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<PersonId>> {
        let found: Option<(i64,)> = self
            .fetch_optional(
                Stmt::new("SELECT person_id FROM link_codes WHERE code = $1 AND expires_at >= $2")
                    .bind(code)
                    .bind(now.timestamp()),
            )
            .await?;
        let Some((keep,)) = found else { return Ok(None) };
        if keep == other.0 {
            return Ok(Some(other));
        }
        let (k, o) = (keep, other.0);
        let s = |sql: &str| Stmt::new(sql.to_owned()).bind(k).bind(o);
        let mut steps = vec![
            // The code is used up (and only this transaction may use it).
            (Stmt::new("DELETE FROM link_codes WHERE code = $1 AND person_id = $2").bind(code).bind(k), true),
            // A support counted twice for one initiative is counted once.
            (
                s("UPDATE initiatives SET supports = supports - 1 WHERE id IN (SELECT d.initiative_id \
                   FROM initiative_supports d WHERE d.person_id = $2 AND EXISTS (SELECT 1 FROM initiative_supports m \
                   WHERE m.person_id = $1 AND m.initiative_id = d.initiative_id))"),
                false,
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
        // Places taken may have changed: count them again where the kept person takes part.
        steps.push((
            Stmt::new(
                "UPDATE initiatives SET participants = (SELECT COUNT(*) FROM initiative_participants p \
                 WHERE p.initiative_id = initiatives.id AND NOT p.waiting) \
                 WHERE id IN (SELECT initiative_id FROM initiative_participants WHERE person_id = $1)",
            )
            .bind(k),
            false,
        ));
        for stmt in [
            "UPDATE initiative_comments SET person_id = $1 WHERE person_id = $2",
            "UPDATE initiatives SET author_id = $1 WHERE author_id = $2",
            "UPDATE bookings SET person_id = $1 WHERE person_id = $2",
            "UPDATE waitlist SET person_id = $1 WHERE person_id = $2",
            // Memberships of associations (booking): the right to book for one is kept if either had it.
            "INSERT INTO association_members (association_id, person_id, may_book, created_at) \
             SELECT association_id, $1, may_book, created_at FROM association_members WHERE person_id = $2 \
             ON CONFLICT (association_id, person_id) DO UPDATE \
             SET may_book = association_members.may_book OR excluded.may_book",
            "DELETE FROM association_members WHERE person_id = $2",
            "UPDATE space_closures SET created_by = $1 WHERE created_by = $2",
            "INSERT INTO roles (person_id, role, territory_id, granted_at) SELECT $1, role, territory_id, granted_at \
             FROM roles WHERE person_id = $2 ON CONFLICT (person_id, role, territory_id) DO NOTHING",
            "DELETE FROM roles WHERE person_id = $2",
            "DELETE FROM flows WHERE person_id = $2",
            "DELETE FROM link_codes WHERE person_id = $2",
            // What the kept person has not said yet, the other had.
            "UPDATE persons SET language = COALESCE(language, (SELECT language FROM persons WHERE id = $2)), \
             home_territory_id = COALESCE(home_territory_id, (SELECT home_territory_id FROM persons WHERE id = $2)) \
             WHERE id = $1",
            "UPDATE accounts SET person_id = $1 WHERE person_id = $2",
        ] {
            steps.push((s(stmt), false));
        }
        steps.push((Stmt::new("DELETE FROM persons WHERE id = $1").bind(o), true));
        let stmts: Vec<super::initiatives::Step> =
            steps.into_iter().map(|(stmt, must)| super::initiatives::Step::Exec(stmt, must)).collect();
        let done = self.guarded::<(i64,)>(stmts).await?;
        Ok(done.ok().map(|_| PersonId(keep)))
    }
}
