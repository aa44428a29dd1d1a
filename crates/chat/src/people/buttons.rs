//! The people module's buttons as data: what each carries, read back with
//! [`PeopleButton::parse`] and written with [`PeopleButton::to_payload`]. The payload strings
//! are those of earlier versions, so buttons already in people's chats keep working; anything
//! else is an expired button.

/// A press on one of the people module's buttons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeopleButton {
    /// `lang:<code>`: this language.
    Language(String),
    /// `area:<territory>`: look beneath this territory for my home.
    Drill(String),
    /// `home:<territory>`: this is my home.
    Home(String),
    /// `skiphome`: not now.
    SkipHome,
    /// `start`: begin again.
    Start,
    /// `forget:yes` / `forget:no`: the answer to "erase me?" (anything but yes keeps the data).
    Forget(bool),
    /// `lnk:yes:<code>` / `lnk:no:<code>`: the answer to "join these accounts?".
    Link { yes: bool, code: String },
    /// `help`.
    Help,
    /// `resume:yes` / `resume:no`: back to the flow kept aside while another request was
    /// answered, or drop it.
    Resume(bool),
}

impl PeopleButton {
    /// Every kind of payload this enum reads.
    pub const KINDS: &[&str] = &["lang", "area", "home", "skiphome", "start", "forget", "lnk", "help", "resume"];

    pub fn parse(payload: &str) -> Option<Self> {
        let (kind, arg) = payload.split_once(':').unwrap_or((payload, ""));
        let has_arg = payload.contains(':');
        match kind {
            "lang" if has_arg => Some(Self::Language(arg.to_owned())),
            "area" if has_arg => Some(Self::Drill(arg.to_owned())),
            "home" if has_arg => Some(Self::Home(arg.to_owned())),
            "skiphome" => Some(Self::SkipHome),
            "start" => Some(Self::Start),
            "forget" => Some(Self::Forget(arg == "yes")),
            "lnk" => {
                let (answer, code) = arg.split_once(':')?;
                Some(Self::Link { yes: answer == "yes", code: code.to_owned() })
            }
            "help" => Some(Self::Help),
            "resume" if arg == "yes" || arg == "no" => Some(Self::Resume(arg == "yes")),
            _ => None,
        }
    }

    pub fn to_payload(&self) -> String {
        match self {
            Self::Language(code) => format!("lang:{code}"),
            Self::Drill(t) => format!("area:{t}"),
            Self::Home(t) => format!("home:{t}"),
            Self::SkipHome => "skiphome".into(),
            Self::Start => "start".into(),
            Self::Forget(yes) => format!("forget:{}", if *yes { "yes" } else { "no" }),
            Self::Link { yes, code } => format!("lnk:{}:{code}", if *yes { "yes" } else { "no" }),
            Self::Help => "help".into(),
            Self::Resume(yes) => format!("resume:{}", if *yes { "yes" } else { "no" }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every() -> Vec<PeopleButton> {
        vec![
            PeopleButton::Language("en".into()),
            PeopleButton::Drill("roma-m05-centocelle-villa-de-sanctis".into()),
            PeopleButton::Home("roma-m05-centocelle-villa-de-sanctis".into()),
            PeopleButton::SkipHome,
            PeopleButton::Start,
            PeopleButton::Forget(true),
            PeopleButton::Forget(false),
            PeopleButton::Link { yes: true, code: "ABCD-EFGH".into() },
            PeopleButton::Link { yes: false, code: "ABCD-EFGH".into() },
            PeopleButton::Resume(true),
            PeopleButton::Resume(false),
            PeopleButton::Help,
        ]
    }

    #[test]
    fn every_people_button_reads_back_as_itself_and_fits_in_64_bytes() {
        for button in every() {
            let payload = button.to_payload();
            assert_eq!(PeopleButton::parse(&payload), Some(button), "{payload}");
            assert!(payload.len() <= 64, "{payload} is {} bytes", payload.len());
            assert!(PeopleButton::KINDS.contains(&payload.split(':').next().unwrap()));
        }
    }

    #[test]
    fn garbage_and_old_shapes_are_not_people_buttons() {
        for payload in ["", "lang", "area", "home", "lnk:yes", "lnk", "helpme", "bslot:1", "x:y"] {
            assert_eq!(PeopleButton::parse(payload), None, "{payload}");
        }
    }
}
