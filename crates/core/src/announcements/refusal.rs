//! Why a use case about announcements said no.

use crate::refusal::Arg;

/// Why a use case about announcements said no.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The actor may not announce to this audience (not staff of its territory, or
    /// everywhere without being an admin), or manage this announcement.
    NotAllowed,
    /// No territory has this code.
    TerritoryUnknown { territory: String },
    /// No welfare house has this id.
    HouseUnknown { house: String },
    /// The Italian text is empty.
    EmptyText,
    /// A text is longer than a copy may be.
    TooLong { max: i64 },
    /// The time asked for has passed.
    InThePast,
    /// No announcement has this number.
    Unknown { id: i64 },
    /// The announcement is done or cancelled already.
    Closed { id: i64 },
    /// Nobody approves their own announcement.
    OwnAnnouncement,
    /// The announcement no longer waits for approval (approved, rejected or cancelled).
    NotPending { id: i64 },
    /// A cancelled announcement is not corrected.
    CorrectCancelled { id: i64 },
    /// Every copy was sent longer ago than the network lets a bot edit (Telegram: 48 hours).
    TooOldToEdit { id: i64, hours: i64 },
}

impl crate::Refusal for Refusal {
    fn message_id(&self) -> &'static str {
        match self {
            Self::NotAllowed => "not-allowed",
            Self::TerritoryUnknown { .. } => "territory-unknown",
            Self::HouseUnknown { .. } => "announce-house-unknown",
            Self::EmptyText => "announce-empty",
            Self::TooLong { .. } => "announce-too-long",
            Self::InThePast => "announce-in-the-past",
            Self::Unknown { .. } => "announce-unknown",
            Self::Closed { .. } => "announce-closed",
            Self::OwnAnnouncement => "announce-own",
            Self::NotPending { .. } => "announce-not-pending",
            Self::CorrectCancelled { .. } => "announce-correct-cancelled",
            Self::TooOldToEdit { .. } => "announce-correct-too-old",
        }
    }

    fn args(&self) -> Vec<(&'static str, Arg)> {
        match self {
            Self::NotAllowed | Self::EmptyText | Self::InThePast | Self::OwnAnnouncement => Vec::new(),
            Self::TerritoryUnknown { territory } => vec![("territory", Arg::Text(territory.clone()))],
            Self::HouseUnknown { house } => vec![("house", Arg::Text(house.clone()))],
            Self::TooLong { max } => vec![("max", Arg::Number(*max))],
            Self::Unknown { id } | Self::Closed { id } | Self::NotPending { id } | Self::CorrectCancelled { id } => {
                vec![("id", Arg::Number(*id))]
            }
            Self::TooOldToEdit { id, hours } => vec![("id", Arg::Number(*id)), ("hours", Arg::Number(*hours))],
        }
    }

    fn every() -> Vec<Self> {
        vec![
            Self::NotAllowed,
            Self::TerritoryUnknown { territory: "atlantide".into() },
            Self::HouseUnknown { house: "casa-nessuna".into() },
            Self::EmptyText,
            Self::TooLong { max: 3500 },
            Self::InThePast,
            Self::Unknown { id: 7 },
            Self::Closed { id: 7 },
            Self::OwnAnnouncement,
            Self::NotPending { id: 7 },
            Self::CorrectCancelled { id: 7 },
            Self::TooOldToEdit { id: 7, hours: 48 },
        ]
    }
}
