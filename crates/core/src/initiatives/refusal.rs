//! Why an initiatives use case said no: one variant per case, each naming the Fluent message
//! the chat has always shown for it and the message's arguments. A status is passed as its
//! name (`published`) and an area as its territory id: the caller says them in the person's
//! language. Decides nothing and sends nothing.

use crate::refusal::Arg;
use vicinato_domain::TerritoryId;
use vicinato_domain::initiative::Status;

/// Why the rules of initiatives said no.
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    /// No such initiative, or not one this person may see.
    NotFound,
    /// This person may not take this step (role or scope).
    NotAllowed,
    /// In phase 2 the residents' vote decides, not staff.
    DecidedByVote,
    /// The step does not exist from the initiative's status.
    StepImpossible {
        status: Status,
    },
    /// A moderator candidacy is accepted only where the community decides.
    ModeratorPhaseTwo,
    /// Someone else changed it first.
    ChangedMeanwhile,
    /// The author cannot support their own initiative.
    SupportOwn,
    SupportAlready,
    /// It does not collect supports now.
    SupportClosed {
        status: Status,
    },
    /// There was no support to withdraw.
    UnsupportNot,
    JoinAlready,
    JoinClosed {
        status: Status,
    },
    /// There was no place to leave.
    LeaveNot,
    /// Only residents of the territory vote.
    NotResident {
        area: TerritoryId,
    },
    VoteAlready,
    VoteClosed,
    ReportAlready,
    /// A draft needs this field before it is submitted.
    DraftMissing {
        field: &'static str,
    },
    /// It already was hidden (or shown).
    ModerationAlready,
    /// The author wrote to the supporters too recently.
    UpdateTooSoon,
    /// A person keeps at most this many drafts open.
    TooManyDrafts {
        max: u32,
    },
    /// There are no areas to propose in.
    NoAreas,
    /// The draft is no longer this person's draft.
    DraftGone,
    /// The person wrote as many comments (or reports) in the last hour as one may.
    PerHour {
        max: u32,
    },
}

impl crate::Refusal for Refusal {
    fn message_id(&self) -> &'static str {
        match self {
            Refusal::NotFound => "ini-not-found",
            Refusal::NotAllowed => "not-allowed",
            Refusal::DecidedByVote => "ini-decided-by-vote",
            Refusal::StepImpossible { .. } => "ini-step-impossible",
            Refusal::ModeratorPhaseTwo => "ini-moderator-phase-two",
            Refusal::ChangedMeanwhile => "ini-changed-meanwhile",
            Refusal::SupportOwn => "ini-support-own",
            Refusal::SupportAlready => "ini-support-already",
            Refusal::SupportClosed { .. } => "ini-support-closed",
            Refusal::UnsupportNot => "ini-unsupport-not",
            Refusal::JoinAlready => "ini-join-already",
            Refusal::JoinClosed { .. } => "ini-join-closed",
            Refusal::LeaveNot => "ini-leave-not",
            Refusal::NotResident { .. } => "ini-vote-not-resident",
            Refusal::VoteAlready => "ini-vote-already",
            Refusal::VoteClosed => "ini-vote-closed",
            Refusal::ReportAlready => "ini-report-already",
            Refusal::DraftMissing { .. } => "ini-draft-missing",
            Refusal::ModerationAlready => "ini-moderation-already",
            Refusal::UpdateTooSoon => "ini-update-too-soon-now",
            Refusal::TooManyDrafts { .. } => "ini-drafts-too-many",
            Refusal::NoAreas => "ini-no-areas",
            Refusal::DraftGone => "ini-draft-gone",
            Refusal::PerHour { .. } => "limit-per-hour",
        }
    }

    fn args(&self) -> Vec<(&'static str, Arg)> {
        match self {
            Refusal::StepImpossible { status } | Refusal::SupportClosed { status } | Refusal::JoinClosed { status } => {
                vec![("status", Arg::Text(status.as_str().to_owned()))]
            }
            Refusal::NotResident { area } => vec![("area", Arg::Text(area.to_string()))],
            Refusal::DraftMissing { field } => vec![("field", Arg::Text((*field).to_owned()))],
            Refusal::TooManyDrafts { max } | Refusal::PerHour { max } => vec![("n", Arg::Number(i64::from(*max)))],
            _ => Vec::new(),
        }
    }

    fn every() -> Vec<Self> {
        let status = Status::Draft;
        vec![
            Refusal::NotFound,
            Refusal::NotAllowed,
            Refusal::DecidedByVote,
            Refusal::StepImpossible { status },
            Refusal::ModeratorPhaseTwo,
            Refusal::ChangedMeanwhile,
            Refusal::SupportOwn,
            Refusal::SupportAlready,
            Refusal::SupportClosed { status },
            Refusal::UnsupportNot,
            Refusal::JoinAlready,
            Refusal::JoinClosed { status },
            Refusal::LeaveNot,
            Refusal::NotResident { area: TerritoryId::new("centocelle") },
            Refusal::VoteAlready,
            Refusal::VoteClosed,
            Refusal::ReportAlready,
            Refusal::DraftMissing { field: "title" },
            Refusal::ModerationAlready,
            Refusal::UpdateTooSoon,
            Refusal::TooManyDrafts { max: 3 },
            Refusal::NoAreas,
            Refusal::DraftGone,
            Refusal::PerHour { max: 20 },
        ]
    }
}
