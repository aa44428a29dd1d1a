//! What to tell people after an initiatives use case: typed events an outcome carries ("tell
//! the author of this milestone", "tell everyone concerned it changed state"). The caller
//! delivers them with its own means (chat: notes under delivery keys, fan-out jobs); nothing
//! here sends anything.

use vicinato_domain::PersonId;
use vicinato_domain::initiative::Initiative;

#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// It changed state (as it is now): the author is told unless `by` them, followers and
    /// reviewers are told, and the jobs of the new state are scheduled.
    Changed { initiative: Initiative, by: Option<PersonId> },
    /// A support was counted: a milestone for the author.
    Milestone { initiative: Initiative, supports: u32 },
    /// Someone commented: the author hears of it.
    Commented { initiative: Initiative, by: PersonId, comment: i64, text: String },
    /// The first on the waitlist got a place.
    Promoted { initiative: Initiative, person: PersonId },
    /// Reports hid it: its author and the territory's moderators are told.
    HiddenByReports { initiative: Initiative },
    /// A moderator hid or restored it: its author is told.
    Moderated { initiative: Initiative, hidden: bool },
    /// The author writes to supporters and participants.
    Update { initiative: Initiative, text: String },
}
