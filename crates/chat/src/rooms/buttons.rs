//! The rooms module's buttons as data: the answers to the questions asked before joining a
//! room, the moderators' decisions on a report, on an appeal, and on a held message. Read back with
//! [`RoomsButton::parse`], written with [`RoomsButton::to_payload`]; anything else is an
//! expired button. What a button names is checked again when it is pressed (the join case's
//! progress, the report or appeal still open, the presser's role and scope then).

use vicinato_core::rooms::report::Decision;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoomsButton {
    /// `rjoin:<question>:<y|n>:<chat>`: the answer to question `index` before joining `chat`.
    Join { index: u32, yes: bool, chat: String },
    /// `rrep:<decision>:<report>`: a moderator's decision on a report.
    Report { decision: Decision, key: String },
    /// `rapl:<up|lift>:<appeal>`: uphold or lift the sanction appealed against.
    Appeal { lift: bool, key: String },
    /// `rent:<chat>`: ask to join `chat`, a room of a network whose rooms are joined by the
    /// bot's invitation (Matrix); the questions come first.
    Enter { chat: String },
    /// `rheld:<ok|del>:<case>`: release a newcomer's held message to the room, or delete it.
    Held { release: bool, key: String },
}

/// Every kind of payload this enum reads.
pub const KINDS: &[&str] = &["rjoin", "rrep", "rapl", "rent", "rheld"];

impl RoomsButton {
    pub fn parse(payload: &str) -> Option<Self> {
        let (kind, rest) = payload.split_once(':')?;
        match kind {
            "rjoin" => {
                let mut parts = rest.splitn(3, ':');
                let index = parts.next()?.parse().ok()?;
                let yes = match parts.next()? {
                    "y" => true,
                    "n" => false,
                    _ => return None,
                };
                let chat = parts.next().filter(|c| !c.is_empty())?.to_owned();
                Some(Self::Join { index, yes, chat })
            }
            "rrep" => {
                let (decision, key) = rest.split_once(':')?;
                let decision = Decision::parse(decision)?;
                (!key.is_empty()).then(|| Self::Report { decision, key: key.to_owned() })
            }
            "rapl" => {
                let (answer, key) = rest.split_once(':')?;
                let lift = match answer {
                    "lift" => true,
                    "up" => false,
                    _ => return None,
                };
                (!key.is_empty()).then(|| Self::Appeal { lift, key: key.to_owned() })
            }
            "rent" => (!rest.is_empty()).then(|| Self::Enter { chat: rest.to_owned() }),
            "rheld" => {
                let (answer, key) = rest.split_once(':')?;
                let release = match answer {
                    "ok" => true,
                    "del" => false,
                    _ => return None,
                };
                (!key.is_empty()).then(|| Self::Held { release, key: key.to_owned() })
            }
            _ => None,
        }
    }

    pub fn to_payload(&self) -> String {
        match self {
            Self::Join { index, yes, chat } => format!("rjoin:{index}:{}:{chat}", if *yes { "y" } else { "n" }),
            Self::Report { decision, key } => format!("rrep:{}:{key}", decision.as_str()),
            Self::Appeal { lift, key } => format!("rapl:{}:{key}", if *lift { "lift" } else { "up" }),
            Self::Enter { chat } => format!("rent:{chat}"),
            Self::Held { release, key } => format!("rheld:{}:{key}", if *release { "ok" } else { "del" }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every() -> Vec<RoomsButton> {
        let mut all = vec![
            RoomsButton::Join { index: 0, yes: true, chat: "-1001234567890".into() },
            RoomsButton::Join { index: 4, yes: false, chat: "!room:example.org".into() },
            RoomsButton::Appeal { lift: true, key: "a1234567-mute-1764320400000-12345".into() },
            RoomsButton::Appeal { lift: false, key: "a1234567-ban-1764320400000-1".into() },
            RoomsButton::Enter { chat: "!AbCdEfGhIjKlMnOpQr:vicinato.example.org".into() },
            RoomsButton::Held { release: true, key: "h1764320400000-123456".into() },
            RoomsButton::Held { release: false, key: "h1764320400000-1".into() },
        ];
        for decision in Decision::ALL {
            all.push(RoomsButton::Report { decision, key: "r1764320400000-123456".into() });
        }
        all
    }

    #[test]
    fn every_rooms_button_round_trips_and_fits_telegrams_64_bytes() {
        for b in every() {
            let payload = b.to_payload();
            assert!(payload.len() <= 64, "{payload}");
            assert_eq!(RoomsButton::parse(&payload), Some(b), "{payload}");
            assert!(KINDS.contains(&payload.split_once(':').unwrap().0));
        }
    }

    #[test]
    fn malformed_rooms_payloads_are_expired_buttons() {
        for bad in [
            "rjoin",
            "rjoin:x:y:-1",
            "rjoin:0:maybe:-1",
            "rjoin:0:y:",
            "rrep:nuke:r1",
            "rrep:ban:",
            "rapl:no:a1",
            "rapl:up:",
            "rent:",
            "rheld:maybe:h1",
            "rheld:ok:",
        ] {
            assert_eq!(RoomsButton::parse(bad), None, "{bad}");
        }
    }
}
