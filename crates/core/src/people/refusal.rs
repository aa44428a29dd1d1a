//! Why a use case about people said no.

use crate::refusal::Arg;

/// Why a use case about people said no.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The actor may not do this (not an admin; staff changing more than moderators, or
    /// outside their territory).
    NotAllowed,
    /// Moderators and staff hold their role in a territory, and none was given.
    NeedsTerritory,
    /// No territory has this code.
    TerritoryUnknown { territory: String },
    /// Nobody has written to Vicinato from this account (or with this person number).
    PersonUnknown { account: String },
}

impl crate::Refusal for Refusal {
    fn message_id(&self) -> &'static str {
        match self {
            Self::NotAllowed => "not-allowed",
            Self::NeedsTerritory => "grant-needs-territory",
            Self::TerritoryUnknown { .. } => "territory-unknown",
            Self::PersonUnknown { .. } => "person-unknown",
        }
    }

    fn args(&self) -> Vec<(&'static str, Arg)> {
        match self {
            Self::NotAllowed | Self::NeedsTerritory => Vec::new(),
            Self::TerritoryUnknown { territory } => vec![("territory", Arg::Text(territory.clone()))],
            Self::PersonUnknown { account } => vec![("account", Arg::Text(account.clone()))],
        }
    }

    fn every() -> Vec<Self> {
        vec![
            Self::NotAllowed,
            Self::NeedsTerritory,
            Self::TerritoryUnknown { territory: "atlantide".into() },
            Self::PersonUnknown { account: "telegram:1".into() },
        ]
    }
}
