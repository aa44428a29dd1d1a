//! The steps of writing an initiative's draft, in order: which field a draft waits for, as the
//! flow remembers it and a summary's "change this field" button names it. Only the names and
//! the order; asking, checking and saving a field stay in `propose`.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    Title,
    Description,
    Area,
    Theme,
    When,
    Place,
    Capacity,
    Resources,
    Review,
}

impl Step {
    pub(crate) fn next(self) -> Step {
        match self {
            Step::Title => Step::Description,
            Step::Description => Step::Area,
            Step::Area => Step::Theme,
            Step::Theme => Step::When,
            Step::When => Step::Place,
            Step::Place => Step::Capacity,
            Step::Capacity => Step::Resources,
            Step::Resources | Step::Review => Step::Review,
        }
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Step::Title => "title",
            Step::Description => "description",
            Step::Area => "area",
            Step::Theme => "theme",
            Step::When => "when",
            Step::Place => "place",
            Step::Capacity => "capacity",
            Step::Resources => "resources",
            Step::Review => "review",
        }
    }

    /// The fields a person fills in, in order.
    pub(crate) const FIELDS: [Step; 8] = [
        Step::Title,
        Step::Description,
        Step::Area,
        Step::Theme,
        Step::When,
        Step::Place,
        Step::Capacity,
        Step::Resources,
    ];

    pub(crate) fn parse(raw: &str) -> Option<Step> {
        Step::FIELDS.into_iter().find(|s| s.name() == raw)
    }
}
