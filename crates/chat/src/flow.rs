//! Multi-step flows. Each variant carries the flow's typed memory; the engine keeps it in the
//! store per person and chat, with an expiry, so a flow survives a restart and `/cancel`
//! leaves it at any step.

use serde::{Deserialize, Serialize};
use vicinato_domain::{DirectoryQuery, TerritoryId};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "flow", rename_all = "snake_case")]
pub enum Flow {
    /// Waiting for the interface language; during onboarding the home territory comes next.
    AskLanguage { onboarding: bool },
    /// Waiting for the home territory, browsing beneath `under`.
    AskHome { under: Option<TerritoryId> },
    /// Showing directory results, on a page.
    Results { query: DirectoryQuery, page: usize },
    /// Waiting for a yes or no before erasing the person.
    ConfirmForget,
    /// Putting a booking together.
    Book { draft: crate::booking::draft::Draft },
    /// Writing an initiative: the draft is in the store, the flow says which field is next.
    Propose {
        id: vicinato_domain::initiative::InitiativeId,
        step: crate::initiatives::propose::Step,
        /// The area was chosen (or is the person's home): not asked again.
        area_set: bool,
        /// Changing one field from the summary: back to the summary after it.
        review: bool,
    },
    /// Waiting for typed text about an initiative (a comment, a reason, a date, an outcome).
    InitiativeText {
        id: vicinato_domain::initiative::InitiativeId,
        awaiting: crate::initiatives::browse::Awaiting,
        /// The outcome already written, while the attendance is asked.
        outcome: Option<String>,
    },
    /// Putting a staff announcement together.
    Announce { draft: crate::announcements::compose::Draft, step: crate::announcements::compose::Step },
    /// Correcting a staff announcement: the new texts so far.
    AnnounceCorrect {
        id: vicinato_domain::AnnouncementId,
        it: Option<String>,
        en: Option<String>,
        step: crate::announcements::correct::Step,
    },
}

impl Flow {
    /// The kind of flow, as the module registry names it.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::AskLanguage { .. } => "ask-language",
            Self::AskHome { .. } => "ask-home",
            Self::Results { .. } => "results",
            Self::ConfirmForget => "confirm-forget",
            Self::Book { .. } => "book",
            Self::Propose { .. } => "propose",
            Self::InitiativeText { .. } => "initiative-text",
            Self::Announce { .. } => "announce",
            Self::AnnounceCorrect { .. } => "announce-correct",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flows_round_trip_through_json() {
        let flow =
            Flow::Results { query: DirectoryQuery { text: Some("mensa".into()), ..Default::default() }, page: 2 };
        let json = serde_json::to_string(&flow).unwrap();
        assert!(json.contains("\"flow\":\"results\""));
        assert_eq!(serde_json::from_str::<Flow>(&json).unwrap(), flow);
    }
}
