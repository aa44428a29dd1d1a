//! Associations: groups of residents (a neighbourhood committee, a choir, a food bank) that book
//! the spaces of welfare houses as a group. An association belongs to a territory, whose staff
//! register it and its members; members marked as bookers may book on its behalf. Its bookings
//! count against the space's per-association weekly quota instead of the booker's own, and only
//! association bookings may repeat every week.
//!
//! Plain values: the store keeps them, the conversation checks who may do what.

use super::{PersonId, TerritoryId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// An association's id, chosen by staff when registering it: `orti-centocelle`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AssociationId(String);

/// Why an association id was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("an association id is 2 to 64 lowercase letters, digits and dashes")]
pub struct BadAssociationId;

impl AssociationId {
    /// Wraps an id that was already checked (it came from the store).
    pub fn new(id: impl Into<String>) -> Self {
        Self(id.into())
    }

    /// Parses an id as staff type it: lowercase letters, digits and dashes, 2 to 64 of them.
    pub fn parse(raw: &str) -> Result<Self, BadAssociationId> {
        let id = raw.trim().to_lowercase();
        let ok = (2..=64).contains(&id.len())
            && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !id.starts_with('-')
            && !id.ends_with('-');
        if ok { Ok(Self(id)) } else { Err(BadAssociationId) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AssociationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A registered association.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Association {
    pub id: AssociationId,
    pub name: String,
    /// Where it is active; staff of this territory (or above) manage it.
    pub territory: TerritoryId,
    pub created_at: DateTime<Utc>,
}

impl Association {
    /// Whether folded text names it ("per l'associazione orti uniti"): its folded name, or its
    /// id with spaces for dashes.
    pub fn named_in(&self, folded: &str) -> bool {
        let padded = format!(" {folded} ");
        let name = super::text::fold(&self.name);
        let id = self.id.as_str().replace('-', " ");
        [name, id].iter().any(|n| !n.trim().is_empty() && padded.contains(&format!(" {} ", n.trim())))
    }
}

/// A person's membership of an association.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membership {
    pub association: AssociationId,
    pub person: PersonId,
    /// May book spaces on the association's behalf.
    pub may_book: bool,
}

/// Who a booking is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BookingFor {
    /// The person booking, counted against their own weekly quota.
    Me,
    /// An association the person may book for, counted against the association's quota.
    Association(AssociationId),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn association_ids_are_short_lowercase_slugs() {
        assert_eq!(AssociationId::parse(" Orti-Centocelle ").unwrap().as_str(), "orti-centocelle");
        assert!(AssociationId::parse("a").is_err());
        assert!(AssociationId::parse("orti centocelle").is_err());
        assert!(AssociationId::parse("-orti").is_err());
        assert!(AssociationId::parse(&"x".repeat(65)).is_err());
    }

    #[test]
    fn an_association_is_named_by_its_name_or_its_id() {
        let a = Association {
            id: AssociationId::new("coro-alessandrino"),
            name: "Coro dell'Alessandrino".into(),
            territory: TerritoryId::new("alessandrino"),
            created_at: DateTime::from_timestamp(0, 0).unwrap(),
        };
        assert!(a.named_in(&super::super::text::fold("per il Coro dell'Alessandrino domani")));
        assert!(a.named_in("per coro alessandrino"));
        assert!(!a.named_in("per il coro"));
    }
}
