//! People: one resident identity with accounts on networks, a preferred language, a home
//! territory, interests, and roles scoped to territories.

use super::ids::{CategoryCode, Lang, PersonId, TerritoryId};
use super::territory::TerritoryTree;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A chat network a person reaches Vicinato through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Network {
    Console,
    Telegram,
    Matrix,
}

impl Network {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Console => "console",
            Self::Telegram => "telegram",
            Self::Matrix => "matrix",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "console" => Some(Self::Console),
            "telegram" => Some(Self::Telegram),
            "matrix" => Some(Self::Matrix),
            _ => None,
        }
    }
}

impl fmt::Display for Network {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An account on one network: `telegram:12345`, `matrix:@ada:example.org`, `console:ada`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Account {
    pub network: Network,
    pub external_id: String,
}

impl Account {
    pub fn new(network: Network, external_id: impl Into<String>) -> Self {
        Self { network, external_id: external_id.into() }
    }

    /// Reads `network:id`.
    pub fn parse(raw: &str) -> Option<Self> {
        let (net, id) = raw.split_once(':')?;
        let id = id.trim();
        let network = Network::parse(net)?;
        (!id.is_empty()).then(|| Self::new(network, id))
    }
}

impl fmt::Display for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.network, self.external_id)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Resident,
    Moderator,
    Staff,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Resident => "resident",
            Self::Moderator => "moderator",
            Self::Staff => "staff",
            Self::Admin => "admin",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "resident" => Some(Self::Resident),
            "moderator" => Some(Self::Moderator),
            "staff" => Some(Self::Staff),
            "admin" => Some(Self::Admin),
            _ => None,
        }
    }
}

/// A role held in a territory (and everything beneath it). Admin needs no territory.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RoleGrant {
    pub role: Role,
    pub territory: Option<TerritoryId>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Person {
    pub id: PersonId,
    pub display_name: String,
    pub language: Option<Lang>,
    pub home: Option<TerritoryId>,
    pub interests: Vec<CategoryCode>,
    pub roles: Vec<RoleGrant>,
    pub accounts: Vec<Account>,
    /// Whether onboarding (language and home territory) has been completed.
    pub onboarded: bool,
}

impl Person {
    /// Whether the person may act with `role` in `territory`. Admins may do anything anywhere;
    /// a grant covers its territory's subtree; a grant without territory covers everything.
    /// Everyone is a resident.
    pub fn may(&self, role: Role, territory: Option<&TerritoryId>, tree: &TerritoryTree) -> bool {
        if role == Role::Resident {
            return true;
        }
        self.roles.iter().any(|g| {
            if g.role == Role::Admin {
                return true;
            }
            if g.role != role {
                return false;
            }
            match (&g.territory, territory) {
                (None, _) => true,
                (Some(_), None) => false,
                (Some(scope), Some(t)) => tree.contains(scope, t),
            }
        })
    }

    /// Whether the person holds this role anywhere (for showing help).
    pub fn holds(&self, role: Role) -> bool {
        role == Role::Resident || self.roles.iter().any(|g| g.role == role || g.role == Role::Admin)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::territory::fixtures::small_tree;

    fn person(roles: Vec<RoleGrant>) -> Person {
        Person {
            id: PersonId(1),
            display_name: "Ada".into(),
            language: None,
            home: None,
            interests: vec![],
            roles,
            accounts: vec![],
            onboarded: false,
        }
    }

    #[test]
    fn staff_of_a_municipio_acts_in_its_quartieri_only() {
        let tree = small_tree();
        let p = person(vec![RoleGrant { role: Role::Staff, territory: Some(TerritoryId::new("roma-m05")) }]);
        assert!(p.may(Role::Staff, Some(&TerritoryId::new("centocelle")), &tree));
        assert!(!p.may(Role::Staff, Some(&TerritoryId::new("san-lorenzo")), &tree));
        assert!(!p.may(Role::Moderator, Some(&TerritoryId::new("centocelle")), &tree));
    }

    #[test]
    fn admin_acts_everywhere_and_everyone_is_a_resident() {
        let tree = small_tree();
        let admin = person(vec![RoleGrant { role: Role::Admin, territory: None }]);
        assert!(admin.may(Role::Staff, Some(&TerritoryId::new("san-lorenzo")), &tree));
        assert!(person(vec![]).may(Role::Resident, None, &tree));
    }

    #[test]
    fn accounts_parse_network_and_id() {
        let a = Account::parse("matrix:@ada:example.org").unwrap();
        assert_eq!(a.network, Network::Matrix);
        assert_eq!(a.external_id, "@ada:example.org");
        assert!(Account::parse("fax:1").is_none());
    }
}
