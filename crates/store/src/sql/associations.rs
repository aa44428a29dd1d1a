//! Associations, their members and their bookings on SQLite and PostgreSQL.
//!
//! It writes only `associations` and `association_members`; an association's bookings are read
//! here and written by the bookings family.

use super::*;
use crate::associations::AssociationStore;

type AssociationRow = (String, String, String, i64);

fn association_from_row(row: AssociationRow) -> StoreResult<Association> {
    let (id, name, territory, created_at) = row;
    let record = format!("association {id}");
    Ok(Association {
        created_at: from_secs(&record, created_at)?,
        id: AssociationId::new(id),
        name,
        territory: TerritoryId::new(territory),
    })
}

#[async_trait]
impl AssociationStore for SqlStore {
    async fn association_put(&self, a: &Association) -> StoreResult<bool> {
        let inserted = self
            .execute(
                Stmt::new(
                    "INSERT INTO associations (id, name, territory_id, created_at) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (id) DO NOTHING",
                )
                .bind(a.id.as_str())
                .bind(a.name.as_str())
                .bind(a.territory.as_str())
                .bind(a.created_at.timestamp()),
            )
            .await?;
        if inserted == 0 {
            self.execute(
                Stmt::new("UPDATE associations SET name = $2, territory_id = $3 WHERE id = $1")
                    .bind(a.id.as_str())
                    .bind(a.name.as_str())
                    .bind(a.territory.as_str()),
            )
            .await?;
        }
        Ok(inserted > 0)
    }

    async fn association(&self, id: &AssociationId) -> StoreResult<Option<Association>> {
        let row: Option<AssociationRow> = self
            .fetch_optional(
                Stmt::new("SELECT id, name, territory_id, created_at FROM associations WHERE id = $1")
                    .bind(id.as_str()),
            )
            .await?;
        row.map(association_from_row).transpose()
    }

    async fn associations(&self) -> StoreResult<Vec<Association>> {
        let rows: Vec<AssociationRow> = self
            .fetch_all(Stmt::new("SELECT id, name, territory_id, created_at FROM associations ORDER BY id"))
            .await?;
        rows.into_iter().map(association_from_row).collect()
    }

    async fn association_member_put(&self, m: &Membership, now: DateTime<Utc>) -> StoreResult<bool> {
        let inserted = self
            .execute(
                Stmt::new(
                    "INSERT INTO association_members (association_id, person_id, may_book, created_at) \
                     VALUES ($1, $2, $3, $4) ON CONFLICT (association_id, person_id) DO NOTHING",
                )
                .bind(m.association.as_str())
                .bind(m.person.0)
                .bind(m.may_book)
                .bind(now.timestamp()),
            )
            .await?;
        if inserted == 0 {
            self.execute(
                Stmt::new("UPDATE association_members SET may_book = $3 WHERE association_id = $1 AND person_id = $2")
                    .bind(m.association.as_str())
                    .bind(m.person.0)
                    .bind(m.may_book),
            )
            .await?;
        }
        Ok(inserted > 0)
    }

    async fn association_member_remove(&self, association: &AssociationId, person: PersonId) -> StoreResult<bool> {
        let n = self
            .execute(
                Stmt::new("DELETE FROM association_members WHERE association_id = $1 AND person_id = $2")
                    .bind(association.as_str())
                    .bind(person.0),
            )
            .await?;
        Ok(n > 0)
    }

    async fn association_members(&self, association: &AssociationId) -> StoreResult<Vec<Membership>> {
        let rows: Vec<(i64, bool)> = self
            .fetch_all(
                Stmt::new(
                    "SELECT person_id, may_book FROM association_members WHERE association_id = $1 ORDER BY person_id",
                )
                .bind(association.as_str()),
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|(person, may_book)| Membership {
                association: association.clone(),
                person: PersonId(person),
                may_book,
            })
            .collect())
    }

    async fn associations_of(&self, person: PersonId) -> StoreResult<Vec<(Association, Membership)>> {
        let rows: Vec<(String, String, String, i64, bool)> = self
            .fetch_all(
                Stmt::new(
                    "SELECT a.id, a.name, a.territory_id, a.created_at, m.may_book FROM association_members m \
                     JOIN associations a ON a.id = m.association_id WHERE m.person_id = $1 ORDER BY a.id",
                )
                .bind(person.0),
            )
            .await?;
        rows.into_iter()
            .map(|(id, name, territory, created_at, may_book)| {
                let a = association_from_row((id, name, territory, created_at))?;
                let m = Membership { association: a.id.clone(), person, may_book };
                Ok((a, m))
            })
            .collect()
    }

    async fn association_bookings(
        &self,
        association: &AssociationId,
        house: &LocationId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<Booking>> {
        let rows: Vec<BookingRow> = self
            .fetch_all(
                Stmt::new(format!(
                    "SELECT {BOOKING_COLUMNS} FROM bookings WHERE association_id = $1 AND house = $2 \
                     AND starts >= $3 AND starts < $4 AND status IN ({}) ORDER BY starts, id",
                    status_list(&LIVE)
                ))
                .bind(association.as_str())
                .bind(house.as_str())
                .bind(from.timestamp())
                .bind(to.timestamp()),
            )
            .await?;
        rows.into_iter().map(booking_from_row).collect()
    }
}
