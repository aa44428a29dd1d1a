//! The announcements module's buttons as data, read back with [`AnnounceButton::parse`] and
//! written with [`AnnounceButton::to_payload`]; anything else is an expired button.

use vicinato_domain::{CategoryCode, LocationId, Role, RoomsTarget, TerritoryId};

/// Who an announcement is for, as a button offers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WhoKind {
    Home,
    Interest,
    Initiatives,
    Bookings,
    Role,
}

impl WhoKind {
    pub const ALL: [WhoKind; 5] = [Self::Home, Self::Interest, Self::Initiatives, Self::Bookings, Self::Role];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Home => "home",
            Self::Interest => "interest",
            Self::Initiatives => "initiatives",
            Self::Bookings => "bookings",
            Self::Role => "role",
        }
    }

    fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|w| w.as_str() == raw)
    }
}

/// A press on one of the announcements module's buttons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnnounceButton {
    /// `ann:t:<territory>`: this territory; `ann:t:*`: everywhere (admins).
    Territory(Option<TerritoryId>),
    /// `ann:w:<kind>`: who in it.
    Who(WhoKind),
    /// `ann:c:<code>`: people interested in this category.
    Category(CategoryCode),
    /// `ann:h:<house>`: people with a booking at this welfare house.
    House(LocationId),
    /// `ann:r:<role>`: people holding this role.
    Role(Role),
    /// `ann:noen`: no English text.
    NoEnglish,
    /// `ann:now`: send it now.
    Now,
    /// `ann:send:yes|no`: the answer to the preview.
    Send(bool),
    /// `ann:ok:<id>:yes|no`: a second staff member approves or rejects announcement `id`.
    Approve { id: i64, yes: bool },
    /// `ann:fixnoen`: a correction without an English text.
    FixNoEnglish,
    /// `ann:fix:yes|no`: the answer to a correction's preview.
    Fix(bool),
    /// `ann:rooms:none|also|only`: the people only, the territory's rooms too, or only the
    /// rooms.
    Rooms(RoomsTarget),
}

impl AnnounceButton {
    /// Every kind of payload this enum reads.
    pub const KINDS: &[&str] = &["ann"];

    pub fn parse(payload: &str) -> Option<Self> {
        let rest = payload.strip_prefix("ann:")?;
        let (what, arg) = rest.split_once(':').unwrap_or((rest, ""));
        match what {
            "t" if arg == "*" => Some(Self::Territory(None)),
            "t" => TerritoryId::parse(arg).ok().map(|t| Self::Territory(Some(t))),
            "w" => WhoKind::parse(arg).map(Self::Who),
            "c" => CategoryCode::parse(arg).ok().map(Self::Category),
            "h" if !arg.is_empty() => Some(Self::House(LocationId::new(arg))),
            "r" => Role::parse(arg).map(Self::Role),
            "noen" => Some(Self::NoEnglish),
            "now" => Some(Self::Now),
            "send" if arg == "yes" || arg == "no" => Some(Self::Send(arg == "yes")),
            "fixnoen" => Some(Self::FixNoEnglish),
            "fix" if arg == "yes" || arg == "no" => Some(Self::Fix(arg == "yes")),
            "rooms" => match arg {
                "none" => Some(Self::Rooms(RoomsTarget::None)),
                "also" => Some(Self::Rooms(RoomsTarget::Also)),
                "only" => Some(Self::Rooms(RoomsTarget::Only)),
                _ => None,
            },
            "ok" => {
                let (id, answer) = arg.split_once(':')?;
                let yes = match answer {
                    "yes" => true,
                    "no" => false,
                    _ => return None,
                };
                Some(Self::Approve { id: id.parse().ok()?, yes })
            }
            _ => None,
        }
    }

    pub fn to_payload(&self) -> String {
        let yes_no = |yes: bool| if yes { "yes" } else { "no" };
        match self {
            Self::Territory(None) => "ann:t:*".into(),
            Self::Territory(Some(t)) => format!("ann:t:{t}"),
            Self::Who(w) => format!("ann:w:{}", w.as_str()),
            Self::Category(c) => format!("ann:c:{c}"),
            Self::House(h) => format!("ann:h:{h}"),
            Self::Role(r) => format!("ann:r:{}", r.as_str()),
            Self::NoEnglish => "ann:noen".into(),
            Self::Now => "ann:now".into(),
            Self::Send(yes) => format!("ann:send:{}", yes_no(*yes)),
            Self::Approve { id, yes } => format!("ann:ok:{id}:{}", yes_no(*yes)),
            Self::FixNoEnglish => "ann:fixnoen".into(),
            Self::Fix(yes) => format!("ann:fix:{}", yes_no(*yes)),
            Self::Rooms(RoomsTarget::None) => "ann:rooms:none".into(),
            Self::Rooms(RoomsTarget::Also) => "ann:rooms:also".into(),
            Self::Rooms(RoomsTarget::Only) => "ann:rooms:only".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_announcement_button_reads_back_as_itself_and_fits_in_64_bytes() {
        let every = [
            AnnounceButton::Territory(None),
            AnnounceButton::Territory(Some(TerritoryId::new("roma-m05"))),
            AnnounceButton::Who(WhoKind::Home),
            AnnounceButton::Who(WhoKind::Role),
            AnnounceButton::Category(CategoryCode::new("food-bank")),
            AnnounceButton::House(LocationId::new("casa-centocelle")),
            AnnounceButton::Role(Role::Moderator),
            AnnounceButton::NoEnglish,
            AnnounceButton::Now,
            AnnounceButton::Send(true),
            AnnounceButton::Send(false),
            AnnounceButton::Approve { id: 12, yes: true },
            AnnounceButton::Approve { id: 12, yes: false },
            AnnounceButton::FixNoEnglish,
            AnnounceButton::Fix(true),
            AnnounceButton::Fix(false),
            AnnounceButton::Rooms(RoomsTarget::None),
            AnnounceButton::Rooms(RoomsTarget::Also),
            AnnounceButton::Rooms(RoomsTarget::Only),
        ];
        for button in every {
            let payload = button.to_payload();
            assert_eq!(AnnounceButton::parse(&payload), Some(button), "{payload}");
            assert!(payload.len() <= 64, "{payload}");
        }
    }

    #[test]
    fn garbage_is_not_an_announcement_button() {
        for payload in [
            "",
            "ann",
            "ann:",
            "ann:w:everyone",
            "ann:send:maybe",
            "ann:ok:x:yes",
            "ann:ok:3",
            "ann:fix:maybe",
            "ann:rooms:some",
            "book:yes",
        ] {
            assert_eq!(AnnounceButton::parse(payload), None, "{payload}");
        }
    }
}
