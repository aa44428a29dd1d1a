//! Community initiatives: what residents propose, support and join, and how a territory
//! decides on them. The lifecycle is an explicit state machine ([`Status::after`]); who may take
//! each step is [`Action::allowed`]; thresholds scale with the territory's population. Plain
//! values, no I/O.

use super::{BookingId, PersonId, TerritoryId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct InitiativeId(pub i64);

impl fmt::Display for InitiativeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Where an initiative is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Being written by its author; only they see it.
    Draft,
    /// Sent for review (legality, and in phase 1 merit) by the territory's staff.
    Submitted,
    /// Public, collecting supports until its deadline.
    Published,
    /// Enough supports: waiting for the decision (staff in phase 1).
    ThresholdReached,
    /// Phase 2: the territory's residents are voting.
    Voting,
    Accepted,
    Rejected,
    /// Accepted, with a date.
    Scheduled,
    /// It took place; the author reports on it.
    Held,
    /// Outcome and attendance recorded.
    Reported,
    /// Withdrawn by its author.
    Withdrawn,
    /// The deadline passed without enough supports.
    Expired,
}

impl Status {
    pub const ALL: [Status; 12] = [
        Status::Draft,
        Status::Submitted,
        Status::Published,
        Status::ThresholdReached,
        Status::Voting,
        Status::Accepted,
        Status::Rejected,
        Status::Scheduled,
        Status::Held,
        Status::Reported,
        Status::Withdrawn,
        Status::Expired,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Submitted => "submitted",
            Status::Published => "published",
            Status::ThresholdReached => "threshold_reached",
            Status::Voting => "voting",
            Status::Accepted => "accepted",
            Status::Rejected => "rejected",
            Status::Scheduled => "scheduled",
            Status::Held => "held",
            Status::Reported => "reported",
            Status::Withdrawn => "withdrawn",
            Status::Expired => "expired",
        }
    }

    pub fn parse(raw: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// Whether residents other than the author may see it.
    pub fn is_public(self) -> bool {
        !matches!(self, Status::Draft | Status::Submitted)
    }

    /// Whether it still collects supports.
    pub fn takes_supports(self) -> bool {
        self == Status::Published
    }

    /// Whether people may join it as participants or volunteers.
    pub fn takes_participants(self) -> bool {
        matches!(
            self,
            Status::Published | Status::ThresholdReached | Status::Voting | Status::Accepted | Status::Scheduled
        )
    }

    /// Whether nothing more can happen to it.
    pub fn is_final(self) -> bool {
        matches!(self, Status::Rejected | Status::Reported | Status::Withdrawn | Status::Expired)
    }

    /// The state an action leads to from this one, if the action is possible here.
    pub fn after(self, action: Action) -> Option<Status> {
        use Action::*;
        use Status::*;
        Some(match (self, action) {
            (Draft, Submit) => Submitted,
            (Submitted, Publish) => Published,
            (Submitted, Reject) => Rejected,
            (Published, ReachThreshold) => ThresholdReached,
            (Published, Expire) => Expired,
            (ThresholdReached, Accept) => Accepted,
            (ThresholdReached, Reject) => Rejected,
            (ThresholdReached, OpenVote) => Voting,
            (Voting, Accept) => Accepted,
            (Voting, Reject) => Rejected,
            (Accepted, Schedule) => Scheduled,
            (Scheduled, Schedule) => Scheduled,
            (Accepted | Scheduled, MarkHeld) => Held,
            (Held, Report) => Reported,
            (Draft | Submitted | Published | ThresholdReached | Voting | Accepted | Scheduled, Withdraw) => Withdrawn,
            // Moderators reject hidden content at a public, undecided step; once a vote is
            // open, only the vote decides.
            (Published | ThresholdReached, ModeratorReject) => Rejected,
            _ => return None,
        })
    }
}

/// What can happen to an initiative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Submit,
    Publish,
    ReachThreshold,
    Expire,
    OpenVote,
    Accept,
    Reject,
    Schedule,
    MarkHeld,
    Report,
    Withdraw,
    ModeratorReject,
}

/// Who takes a step, as far as the rules care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    Author,
    /// Staff of the initiative's territory.
    Staff,
    /// A moderator of the initiative's territory.
    Moderator,
    /// The system: supports counted, a deadline passed, a vote closed.
    System,
}

impl Action {
    /// Whether this actor may take this action in this governance phase.
    pub fn allowed(self, actor: Actor, phase: Phase) -> bool {
        use Action::*;
        match self {
            Submit | Withdraw | Report => actor == Actor::Author,
            // Staff review for legality in both phases.
            Publish => actor == Actor::Staff,
            // Staff decide on the merit in phase 1; in phase 2 the vote does.
            Accept | Reject => match phase {
                Phase::Institutional => actor == Actor::Staff,
                Phase::Community => actor == Actor::System,
            },
            Schedule | MarkHeld => matches!(actor, Actor::Author | Actor::Staff),
            ReachThreshold | Expire | OpenVote => actor == Actor::System,
            ModeratorReject => matches!(actor, Actor::Moderator | Actor::Staff),
        }
    }
}

/// Who decides in a territory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Phase 1: the public institution's staff review and decide.
    #[default]
    Institutional,
    /// Phase 2: the territory's residents vote; staff only check legality.
    Community,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Institutional => "institutional",
            Phase::Community => "community",
        }
    }

    pub fn parse(raw: &str) -> Option<Phase> {
        match raw.trim().to_lowercase().as_str() {
            "1" | "institutional" | "istituzionale" => Some(Phase::Institutional),
            "2" | "community" | "comunita" | "comunità" | "comunitaria" => Some(Phase::Community),
            _ => None,
        }
    }
}

/// What an initiative proposes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// An activity of social interest.
    #[default]
    Activity,
    /// A service the community runs itself, added to the directory when accepted.
    Service,
    /// The author as a moderator of the territory (phase 2 only).
    Moderator,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Activity => "activity",
            Kind::Service => "service",
            Kind::Moderator => "moderator",
        }
    }

    pub fn parse(raw: &str) -> Option<Kind> {
        [Kind::Activity, Kind::Service, Kind::Moderator].into_iter().find(|k| k.as_str() == raw)
    }
}

/// Themes an initiative can have.
pub const THEMES: [&str; 7] = ["culture", "sport", "environment", "learning", "care", "neighbourhood", "other"];

/// What the author writes (and may edit while it is a draft).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Content {
    pub kind: Kind,
    pub title: String,
    /// What and why.
    pub description: String,
    pub theme: Option<String>,
    /// When it happens, if known.
    pub starts: Option<DateTime<Utc>>,
    /// Where, in the author's words.
    pub place: Option<String>,
    /// A booking of a welfare-house space made for it.
    pub booking: Option<BookingId>,
    /// How many participants it can take (0: no limit).
    pub capacity: u32,
    /// What it needs (materials, skills, money), in the author's words.
    pub resources: Option<String>,
}

/// A decision, as the audit keeps it and the people concerned are told.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    /// `None` for the system (a vote, a deadline).
    pub by: Option<PersonId>,
    pub at: DateTime<Utc>,
    pub reason: Option<String>,
}

/// An initiative as stored: its content and where it is.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Initiative {
    pub id: InitiativeId,
    /// `None` once the author erased their data.
    pub author: Option<PersonId>,
    pub territory: TerritoryId,
    pub content: Content,
    pub status: Status,
    /// Hidden pending moderator review (too many reports, or a moderator).
    pub hidden: bool,
    pub supports: u32,
    pub threshold: u32,
    /// Participants who joined (not counting the waitlist).
    pub participants: u32,
    /// Until when it collects supports, or until when its vote is open.
    pub deadline: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The last decision or moderation, with its reason.
    pub decision: Option<Decision>,
    /// Outcome, when reported.
    pub outcome: Option<Outcome>,
    /// When the author last wrote to the supporters.
    pub last_update_at: Option<DateTime<Utc>>,
}

impl Initiative {
    /// Whether a moderator's rejection can apply now: only to content that reports (or a
    /// moderator) hid, at a step where it exists (never while residents vote).
    pub fn open_to_moderator_rejection(&self) -> bool {
        self.hidden && self.status.after(Action::ModeratorReject).is_some()
    }
}

/// What happened, as the author reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    pub text: String,
    pub attendance: u32,
}

/// Rules a territory's initiatives follow (`[initiatives]` in the configuration).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Rules {
    /// Supports needed per 1,000 residents.
    pub supports_per_thousand: f64,
    pub min_threshold: u32,
    pub max_threshold: u32,
    /// How long a published initiative collects supports.
    pub support_days: i64,
    /// How long a phase-2 vote is open.
    pub vote_days: i64,
    /// Votes needed for a phase-2 vote to count, as a share of the threshold (1.0: as many
    /// votes as supports were needed).
    pub quorum_of_threshold: f64,
    /// Reports that hide an initiative until a moderator looks at it.
    pub reports_to_hide: u32,
    /// An author may write to the supporters once in this many days.
    pub update_every_days: i64,
    /// Rules of particular territories (and beneath them), by territory id.
    #[serde(default)]
    pub territories: std::collections::BTreeMap<String, TerritoryRules>,
}

/// What a territory sets for itself; unset values follow the general rules.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TerritoryRules {
    pub threshold: Option<u32>,
    pub support_days: Option<i64>,
    pub vote_days: Option<i64>,
}

impl Default for Rules {
    fn default() -> Self {
        Self {
            supports_per_thousand: 0.5,
            min_threshold: 10,
            max_threshold: 500,
            support_days: 90,
            vote_days: 14,
            quorum_of_threshold: 1.0,
            reports_to_hide: 3,
            update_every_days: 3,
            territories: Default::default(),
        }
    }
}

impl Rules {
    /// Supports an initiative needs in a territory of this population (unknown: the minimum).
    pub fn threshold(&self, population: Option<u64>) -> u32 {
        let scaled = population.map(|p| (p as f64 * self.supports_per_thousand / 1000.0).ceil() as u32).unwrap_or(0);
        scaled.clamp(self.min_threshold, self.max_threshold.max(self.min_threshold))
    }

    fn of(&self, territory: &TerritoryId) -> Option<&TerritoryRules> {
        self.territories.get(territory.as_str())
    }

    /// The threshold in a territory: its own, else scaled to its population.
    pub fn threshold_in(&self, territory: &TerritoryId, population: Option<u64>) -> u32 {
        self.of(territory).and_then(|t| t.threshold).unwrap_or_else(|| self.threshold(population)).max(1)
    }

    pub fn support_days_in(&self, territory: &TerritoryId) -> i64 {
        self.of(territory).and_then(|t| t.support_days).unwrap_or(self.support_days)
    }

    pub fn vote_days_in(&self, territory: &TerritoryId) -> i64 {
        self.of(territory).and_then(|t| t.vote_days).unwrap_or(self.vote_days)
    }

    /// Votes a phase-2 vote needs to count.
    pub fn quorum(&self, threshold: u32) -> u32 {
        ((f64::from(threshold) * self.quorum_of_threshold).ceil() as u32).max(1)
    }

    /// What a closed vote decides: accepted with a quorum and more yes than no.
    pub fn vote_result(&self, threshold: u32, yes: u32, no: u32) -> VoteResult {
        if yes + no < self.quorum(threshold) {
            VoteResult::NoQuorum
        } else if yes > no {
            VoteResult::Accepted
        } else {
            VoteResult::Rejected
        }
    }

    /// Support counts that are worth telling the author about: the first, each quarter of the
    /// way, and the threshold.
    pub fn is_milestone(&self, threshold: u32, count: u32) -> bool {
        if count == 1 || count == threshold {
            return true;
        }
        (1..4).any(|q| count == (threshold * q).div_ceil(4))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VoteResult {
    Accepted,
    Rejected,
    NoQuorum,
}

/// Why a draft cannot be submitted yet: the first thing missing.
pub fn missing(content: &Content) -> Option<&'static str> {
    if content.title.trim().chars().count() < 3 {
        Some("title")
    } else if content.description.trim().chars().count() < 10 {
        Some("description")
    } else {
        None
    }
}

/// Browsing filters.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct InitiativeQuery {
    /// A territory's materialised path: it and everything beneath it.
    pub territory_path: Option<String>,
    pub theme: Option<String>,
    /// Any of these (empty: every public status).
    pub statuses: Vec<Status>,
    /// Folded words that must all appear in the title or description.
    pub words: Vec<String>,
    /// Happening in `[from, to)`.
    pub between: Option<(DateTime<Utc>, DateTime<Utc>)>,
    /// Only this author's (drafts included).
    pub author: Option<PersonId>,
    /// Hidden ones too (moderators).
    pub include_hidden: bool,
    pub offset: u32,
    pub limit: u32,
}

/// Counts of participation for one territory and month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Participation {
    pub territory: TerritoryId,
    /// `YYYY-MM`.
    pub month: String,
    pub proposed: u64,
    pub supports: u64,
    pub held: u64,
    /// Distinct residents who proposed, supported, joined, voted or commented.
    pub people: u64,
    pub bookings: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lifecycle_goes_from_draft_to_reported_and_refuses_skips() {
        let mut s = Status::Draft;
        for (a, to) in [
            (Action::Submit, Status::Submitted),
            (Action::Publish, Status::Published),
            (Action::ReachThreshold, Status::ThresholdReached),
            (Action::Accept, Status::Accepted),
            (Action::Schedule, Status::Scheduled),
            (Action::MarkHeld, Status::Held),
            (Action::Report, Status::Reported),
        ] {
            s = s.after(a).unwrap_or_else(|| panic!("{s:?} cannot {a:?}"));
            assert_eq!(s, to);
        }
        assert!(s.is_final());
        assert_eq!(Status::Draft.after(Action::Publish), None);
        assert_eq!(Status::Published.after(Action::Accept), None);
        assert_eq!(Status::Reported.after(Action::Withdraw), None);
        assert_eq!(Status::ThresholdReached.after(Action::OpenVote), Some(Status::Voting));
        assert_eq!(Status::Published.after(Action::Expire), Some(Status::Expired));
    }

    #[test]
    fn staff_decide_in_phase_one_and_the_vote_in_phase_two() {
        assert!(Action::Accept.allowed(Actor::Staff, Phase::Institutional));
        assert!(!Action::Accept.allowed(Actor::Staff, Phase::Community));
        assert!(Action::Accept.allowed(Actor::System, Phase::Community));
        assert!(Action::Publish.allowed(Actor::Staff, Phase::Community), "legality check stays with staff");
        assert!(!Action::Publish.allowed(Actor::Author, Phase::Institutional));
        assert!(!Action::Submit.allowed(Actor::Staff, Phase::Institutional));
        assert!(!Action::ModeratorReject.allowed(Actor::Author, Phase::Community));
    }

    #[test]
    fn moderators_reject_only_hidden_content_and_never_during_a_vote() {
        assert_eq!(Status::Voting.after(Action::ModeratorReject), None, "once a vote is open, only the vote decides");
        assert_eq!(Status::Published.after(Action::ModeratorReject), Some(Status::Rejected));
        let mut ini = Initiative {
            id: InitiativeId(1),
            author: None,
            territory: TerritoryId::new("centocelle"),
            content: Content::default(),
            status: Status::Published,
            hidden: false,
            supports: 0,
            threshold: 10,
            participants: 0,
            deadline: None,
            created_at: DateTime::<Utc>::UNIX_EPOCH,
            updated_at: DateTime::<Utc>::UNIX_EPOCH,
            decision: None,
            outcome: None,
            last_update_at: None,
        };
        assert!(!ini.open_to_moderator_rejection(), "not reported: not a moderator's to reject");
        ini.hidden = true;
        assert!(ini.open_to_moderator_rejection());
        ini.status = Status::Voting;
        assert!(!ini.open_to_moderator_rejection());
    }

    #[test]
    fn thresholds_scale_with_population_within_bounds() {
        let r = Rules::default();
        assert_eq!(r.threshold(None), 10);
        assert_eq!(r.threshold(Some(5_000)), 10);
        assert_eq!(r.threshold(Some(130_000)), 65);
        assert_eq!(r.threshold(Some(3_000_000)), 500);
    }

    #[test]
    fn a_vote_needs_a_quorum_and_a_majority() {
        let r = Rules::default();
        assert_eq!(r.vote_result(10, 6, 3), VoteResult::NoQuorum, "9 votes, 10 needed");
        assert_eq!(r.vote_result(10, 7, 3), VoteResult::Accepted);
        assert_eq!(r.vote_result(10, 5, 5), VoteResult::Rejected);
        assert_eq!(r.vote_result(10, 3, 8), VoteResult::Rejected);
    }

    #[test]
    fn the_author_hears_of_the_first_support_each_quarter_and_the_threshold() {
        let r = Rules::default();
        let told: Vec<u32> = (1..=40).filter(|c| r.is_milestone(40, *c)).collect();
        assert_eq!(told, [1, 10, 20, 30, 40]);
    }

    #[test]
    fn a_draft_needs_a_title_and_a_description() {
        let mut c = Content::default();
        assert_eq!(missing(&c), Some("title"));
        c.title = "Orto condiviso".into();
        assert_eq!(missing(&c), Some("description"));
        c.description = "Un orto nel cortile della scuola, aperto a tutti.".into();
        assert_eq!(missing(&c), None);
    }
}
