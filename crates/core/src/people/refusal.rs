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
    /// Too many wrong link codes in the last hour: this one was not checked.
    LinkTooManyTries,
    /// No such link code: unknown, expired, or typed by someone else already.
    LinkUnknown,
    /// The person's own link code (or the accounts are one person already).
    LinkSame,
    /// Nothing to answer for this link code any more (used, cancelled, expired, not theirs).
    LinkOver,
}

impl crate::Refusal for Refusal {
    fn message_id(&self) -> &'static str {
        match self {
            Self::NotAllowed => "not-allowed",
            Self::NeedsTerritory => "grant-needs-territory",
            Self::TerritoryUnknown { .. } => "territory-unknown",
            Self::PersonUnknown { .. } => "person-unknown",
            Self::LinkTooManyTries => "link-too-many",
            Self::LinkUnknown => "link-unknown",
            Self::LinkSame => "link-same",
            Self::LinkOver => "button-expired",
        }
    }

    fn args(&self) -> Vec<(&'static str, Arg)> {
        match self {
            Self::NotAllowed
            | Self::NeedsTerritory
            | Self::LinkTooManyTries
            | Self::LinkUnknown
            | Self::LinkSame
            | Self::LinkOver => Vec::new(),
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
            Self::LinkTooManyTries,
            Self::LinkUnknown,
            Self::LinkSame,
            Self::LinkOver,
        ]
    }
}
