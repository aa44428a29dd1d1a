//! Why a use case about rooms and moderation said no.

use crate::refusal::Arg;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Room commands work inside the group itself.
    NotInGroup,
    /// This group is not linked to a territory.
    NotLinked,
    /// `/room link` needs a territory.
    NeedsTerritory,
    TerritoryUnknown {
        territory: String,
    },
    PurposeUnknown {
        purpose: String,
    },
    /// The actor has no role here (staff to link; moderator or staff to moderate).
    NotAllowed,
    /// Staff, admins and moderators of a territory as wide as the actor's are not sanctioned.
    Protected,
    /// Moderators do not sanction themselves.
    NotYourself,
    /// Moderation commands answer a member's message.
    NeedsReply,
    /// A duration that cannot be read (`30m`, `2h`, `1d`, `1w`, `2 ore`, `3 giorni`).
    DurationUnknown {
        given: String,
    },
    /// `/mute` needs a duration.
    NeedsDuration,
    /// Nothing of that kind holds for the person here.
    NothingToLift,
    /// The bot lacks administrator rights in the group, by their names.
    BotLacksRights {
        missing: String,
    },
    /// Rules, a welcome, questions or an appeal need their text.
    NeedsText,
    TextTooLong {
        max: i64,
    },
    /// Nobody reports their own message.
    ReportYourself,
    /// The request, report or appeal was answered already (or is gone).
    CaseClosed,
    /// No sanction holds for the person to appeal against.
    NothingToAppeal,
    /// This sanction was appealed against already.
    AlreadyAppealed,
    /// The moderator who gave the sanction leaves the appeal to the others.
    ActedOnIt,
    /// `/protect flood N M` beyond what may be set.
    FloodOutOfRange {
        max_messages: i64,
        max_seconds: i64,
    },
    /// `/protect` with something it does not know.
    ProtectUnknown,
    /// `/escalation` with numbers out of range or unreadable.
    EscalationOutOfRange,
    /// A room's languages are Italian, or Italian and English.
    RoomLanguages,
}

impl crate::Refusal for Refusal {
    fn message_id(&self) -> &'static str {
        match self {
            Self::NotInGroup => "rooms-not-in-group",
            Self::NotLinked => "rooms-not-linked",
            Self::NeedsTerritory => "rooms-needs-territory",
            Self::TerritoryUnknown { .. } => "territory-unknown",
            Self::PurposeUnknown { .. } => "rooms-purpose-unknown",
            Self::NotAllowed => "not-allowed",
            Self::Protected => "rooms-protected",
            Self::NotYourself => "rooms-not-yourself",
            Self::NeedsReply => "rooms-needs-reply",
            Self::DurationUnknown { .. } => "rooms-duration-unknown",
            Self::NeedsDuration => "rooms-needs-duration",
            Self::NothingToLift => "rooms-nothing-to-lift",
            Self::BotLacksRights { .. } => "rooms-bot-lacks-rights",
            Self::NeedsText => "rooms-needs-text",
            Self::TextTooLong { .. } => "rooms-text-too-long",
            Self::ReportYourself => "rooms-report-yourself",
            Self::CaseClosed => "rooms-case-closed",
            Self::NothingToAppeal => "rooms-nothing-to-appeal",
            Self::AlreadyAppealed => "rooms-already-appealed",
            Self::ActedOnIt => "rooms-acted-on-it",
            Self::FloodOutOfRange { .. } => "rooms-flood-out-of-range",
            Self::ProtectUnknown => "rooms-protect-unknown",
            Self::EscalationOutOfRange => "rooms-escalation-out-of-range",
            Self::RoomLanguages => "rooms-languages-unknown",
        }
    }

    fn args(&self) -> Vec<(&'static str, Arg)> {
        match self {
            Self::TerritoryUnknown { territory } => vec![("territory", Arg::Text(territory.clone()))],
            Self::PurposeUnknown { purpose } => vec![("purpose", Arg::Text(purpose.clone()))],
            Self::DurationUnknown { given } => vec![("given", Arg::Text(given.clone()))],
            Self::BotLacksRights { missing } => vec![("missing", Arg::Text(missing.clone()))],
            Self::TextTooLong { max } => vec![("max", Arg::Number(*max))],
            Self::FloodOutOfRange { max_messages, max_seconds } => {
                vec![("messages", Arg::Number(*max_messages)), ("seconds", Arg::Number(*max_seconds))]
            }
            _ => Vec::new(),
        }
    }

    fn every() -> Vec<Self> {
        vec![
            Self::NotInGroup,
            Self::NotLinked,
            Self::NeedsTerritory,
            Self::TerritoryUnknown { territory: "atlantide".into() },
            Self::PurposeUnknown { purpose: "cucina".into() },
            Self::NotAllowed,
            Self::Protected,
            Self::NotYourself,
            Self::NeedsReply,
            Self::DurationUnknown { given: "presto".into() },
            Self::NeedsDuration,
            Self::NothingToLift,
            Self::BotLacksRights { missing: "can_restrict_members".into() },
            Self::NeedsText,
            Self::TextTooLong { max: 2000 },
            Self::ReportYourself,
            Self::CaseClosed,
            Self::NothingToAppeal,
            Self::AlreadyAppealed,
            Self::ActedOnIt,
            Self::FloodOutOfRange { max_messages: 100, max_seconds: 3600 },
            Self::ProtectUnknown,
            Self::EscalationOutOfRange,
            Self::RoomLanguages,
        ]
    }
}
