//! The buttons of community initiatives as one typed value: every payload an initiatives
//! button carries (`ini:<id>`, `isup:<id>`, `ivote:<id>:y`, `ilist:<filters>`, the draft's
//! `pskip`, `ptheme:<code>`, …) is parsed here and written here, byte for byte as the bots have
//! always sent them, so buttons already in chats keep working. Every payload fits the 64 bytes a
//! network allows. Parsing only reads the shape of a payload: whether the person may press it,
//! and whether what it names exists, is for the handlers to check (a payload is typed by whoever
//! sends it). Names no store, no conversation and no other capability.

use super::step::Step;
use vicinato_domain::initiative::{InitiativeId, Status};
use vicinato_domain::{BookingId, TerritoryId};

/// The largest payload a button may carry (Telegram's `callback_data`).
pub const MAX_PAYLOAD: usize = 64;

/// Every payload kind an [`InitiativeButton`] parses, the part before the first `:`.
pub const KINDS: &[&str] = &[
    "ini", "ilist", "ipropose", "isup", "isupa", "iuns", "ijoin", "ivol", "ileave", "ivote", "icom", "irep", "iupd",
    "idate", "iout", "irej", "imrej", "isub", "iwd", "iheld", "ipub", "iacc", "ihide", "ishow", "iedit", "pskip",
    "ptheme", "parea", "pbook", "pfield", "plater",
];

/// A button of community initiatives.
#[derive(Debug, Clone, PartialEq)]
pub enum InitiativeButton {
    /// `ini:<id>`: open the card.
    Open(InitiativeId),
    /// `ilist:<filters>`: a page of a list.
    List(Browse),
    /// `ipropose`: start a draft.
    Propose,
    /// `isup:<id>`, `isupa:<id>` (anonymously).
    Support { id: InitiativeId, anonymous: bool },
    /// `iuns:<id>`: withdraw my support.
    Unsupport(InitiativeId),
    /// `ijoin:<id>`, `ivol:<id>` (as a volunteer).
    Join { id: InitiativeId, volunteer: bool },
    /// `ileave:<id>`.
    Leave(InitiativeId),
    /// `ivote:<id>:y`, `ivote:<id>:n`.
    Vote { id: InitiativeId, yes: bool },
    /// `icom:<id>`: asks for a comment.
    Comment(InitiativeId),
    /// `irep:<id>`: asks why it is reported.
    Report(InitiativeId),
    /// `iupd:<id>`: the author asks to write to supporters.
    Update(InitiativeId),
    /// `idate:<id>`: asks for the date.
    Date(InitiativeId),
    /// `iout:<id>`: asks how it went.
    Outcome(InitiativeId),
    /// `irej:<id>`: staff reject, asked for the reason.
    Reject(InitiativeId),
    /// `imrej:<id>`: a moderator rejects hidden content, asked for the reason.
    ModeratorReject(InitiativeId),
    /// `isub:<id>`.
    Submit(InitiativeId),
    /// `iwd:<id>`.
    Withdraw(InitiativeId),
    /// `iheld:<id>`.
    MarkHeld(InitiativeId),
    /// `ipub:<id>`.
    Publish(InitiativeId),
    /// `iacc:<id>`.
    Accept(InitiativeId),
    /// `ihide:<id>`.
    Hide(InitiativeId),
    /// `ishow:<id>`.
    Show(InitiativeId),
    /// `iedit:<id>`: continue a draft.
    Edit(InitiativeId),
    /// `pskip`: the draft's field is skipped.
    DraftSkip,
    /// `ptheme:<code>`: a theme (or, for a service, a category code).
    DraftTheme(String),
    /// `parea:<territory>`.
    DraftArea(TerritoryId),
    /// `pbook:<booking>`: one of my bookings as the place.
    DraftBooking(BookingId),
    /// `pfield:<step>`: change a field from the summary.
    DraftField(Step),
    /// `plater`: keep the draft for later.
    DraftLater,
}

fn id(arg: &str) -> Option<InitiativeId> {
    arg.parse::<i64>().ok().map(InitiativeId)
}

fn not_empty(arg: &str) -> Option<&str> {
    Some(arg).filter(|a| !a.is_empty())
}

impl InitiativeButton {
    /// The button a payload names; `None` for one of another capability, an unknown kind, or
    /// an initiatives payload that is malformed or from an older version.
    pub fn parse(payload: &str) -> Option<Self> {
        use InitiativeButton::*;
        let (kind, arg) = payload.split_once(':').unwrap_or((payload, ""));
        let has_arg = payload.contains(':');
        Some(match kind {
            "ipropose" if !has_arg => Propose,
            "pskip" if !has_arg => DraftSkip,
            "plater" if !has_arg => DraftLater,
            "ilist" => List(Browse::parse(arg)),
            "ivote" => {
                let (raw, vote) = arg.split_once(':')?;
                let yes = match vote {
                    "y" => true,
                    "n" => false,
                    _ => return None,
                };
                Vote { id: id(raw)?, yes }
            }
            "ptheme" => DraftTheme(not_empty(arg)?.to_owned()),
            "parea" => DraftArea(TerritoryId::new(not_empty(arg)?)),
            "pbook" => DraftBooking(BookingId(arg.parse().ok()?)),
            "pfield" => DraftField(Step::parse(arg)?),
            _ => {
                let id = id(arg)?;
                match kind {
                    "ini" => Open(id),
                    "isup" => Support { id, anonymous: false },
                    "isupa" => Support { id, anonymous: true },
                    "iuns" => Unsupport(id),
                    "ijoin" => Join { id, volunteer: false },
                    "ivol" => Join { id, volunteer: true },
                    "ileave" => Leave(id),
                    "icom" => Comment(id),
                    "irep" => Report(id),
                    "iupd" => Update(id),
                    "idate" => Date(id),
                    "iout" => Outcome(id),
                    "irej" => Reject(id),
                    "imrej" => ModeratorReject(id),
                    "isub" => Submit(id),
                    "iwd" => Withdraw(id),
                    "iheld" => MarkHeld(id),
                    "ipub" => Publish(id),
                    "iacc" => Accept(id),
                    "ihide" => Hide(id),
                    "ishow" => Show(id),
                    "iedit" => Edit(id),
                    _ => return None,
                }
            }
        })
    }

    /// The payload the button carries, as [`InitiativeButton::parse`] reads it.
    pub fn to_payload(&self) -> String {
        use InitiativeButton::*;
        let with_id = |kind: &str, id: &InitiativeId| format!("{kind}:{id}");
        match self {
            Open(id) => with_id("ini", id),
            List(browse) => browse.payload(),
            Propose => "ipropose".into(),
            Support { id, anonymous: false } => with_id("isup", id),
            Support { id, anonymous: true } => with_id("isupa", id),
            Unsupport(id) => with_id("iuns", id),
            Join { id, volunteer: false } => with_id("ijoin", id),
            Join { id, volunteer: true } => with_id("ivol", id),
            Leave(id) => with_id("ileave", id),
            Vote { id, yes } => format!("ivote:{id}:{}", if *yes { "y" } else { "n" }),
            Comment(id) => with_id("icom", id),
            Report(id) => with_id("irep", id),
            Update(id) => with_id("iupd", id),
            Date(id) => with_id("idate", id),
            Outcome(id) => with_id("iout", id),
            Reject(id) => with_id("irej", id),
            ModeratorReject(id) => with_id("imrej", id),
            Submit(id) => with_id("isub", id),
            Withdraw(id) => with_id("iwd", id),
            MarkHeld(id) => with_id("iheld", id),
            Publish(id) => with_id("ipub", id),
            Accept(id) => with_id("iacc", id),
            Hide(id) => with_id("ihide", id),
            Show(id) => with_id("ishow", id),
            Edit(id) => with_id("iedit", id),
            DraftSkip => "pskip".into(),
            DraftTheme(code) => format!("ptheme:{code}"),
            DraftArea(territory) => format!("parea:{territory}"),
            DraftBooking(booking) => format!("pbook:{booking}"),
            DraftField(step) => format!("pfield:{}", step.name()),
            DraftLater => "plater".into(),
        }
    }

    /// Whether a payload is of a kind this enum parses (whether or not it parses).
    pub fn is_kind(payload: &str) -> bool {
        let kind = payload.split_once(':').map_or(payload, |(kind, _)| kind);
        KINDS.contains(&kind)
    }
}

/// The filters of a list as its "more" button carries them:
/// `ilist:words|territory|theme|week|offset|status`. Read leniently: a missing or unreadable
/// part is no filter.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Browse {
    pub words: String,
    pub territory: Option<TerritoryId>,
    pub theme: Option<String>,
    pub status: Option<Status>,
    pub week: bool,
    pub offset: u32,
}

impl Browse {
    /// The payload; the words are shortened to 20 characters, and further when the whole
    /// would not fit in [`MAX_PAYLOAD`] bytes. A status is written by its name, or, when even
    /// without words the filters would not fit, by its place in [`Status::ALL`].
    pub fn payload(&self) -> String {
        let rest = |status: String| {
            format!(
                "|{}|{}|{}|{}|{status}",
                self.territory.as_ref().map(|t| t.as_str()).unwrap_or(""),
                self.theme.as_deref().unwrap_or(""),
                u8::from(self.week),
                self.offset,
            )
        };
        let mut filters = rest(self.status.map(|s| s.as_str().to_owned()).unwrap_or_default());
        if "ilist:".len() + filters.len() > MAX_PAYLOAD
            && let Some(place) = self.status.and_then(|s| Status::ALL.iter().position(|x| *x == s))
        {
            filters = rest(place.to_string());
        }
        let mut words: String = self.words.chars().take(20).collect::<String>().replace('|', " ");
        while "ilist:".len() + words.len() + filters.len() > MAX_PAYLOAD && !words.is_empty() {
            words.pop();
        }
        format!("ilist:{words}{filters}")
    }

    fn parse(arg: &str) -> Browse {
        let mut parts = arg.split('|');
        let mut next = || parts.next().unwrap_or("").to_owned();
        let words = next();
        let territory = Some(next()).filter(|t| !t.is_empty()).map(TerritoryId::new);
        let theme = Some(next()).filter(|t| !t.is_empty());
        let week = next() == "1";
        let offset = next().parse().unwrap_or(0);
        let status = next();
        let status =
            Status::parse(&status).or_else(|| status.parse::<usize>().ok().and_then(|i| Status::ALL.get(i).copied()));
        Browse { words, territory, theme, status, week, offset }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vicinato_domain::initiative::THEMES;

    const BIG: InitiativeId = InitiativeId(i64::MIN);

    /// One of each variant, with the largest values they carry.
    fn every() -> Vec<InitiativeButton> {
        use InitiativeButton::*;
        let id = BIG;
        let mut out = vec![
            Open(id),
            List(Browse {
                words: "ÀÀÀÀÀÀÀÀÀÀÀÀÀÀÀÀÀÀÀÀ".into(),
                territory: Some(TerritoryId::new("citta-metropolitana-roma-capitale")),
                theme: Some("neighbourhood".into()),
                status: Some(Status::ThresholdReached),
                week: true,
                offset: 99_995,
            }),
            List(Browse::default()),
            Propose,
            Support { id, anonymous: false },
            Support { id, anonymous: true },
            Unsupport(id),
            Join { id, volunteer: false },
            Join { id, volunteer: true },
            Leave(id),
            Vote { id, yes: true },
            Vote { id, yes: false },
            Comment(id),
            Report(id),
            Update(id),
            Date(id),
            Outcome(id),
            Reject(id),
            ModeratorReject(id),
            Submit(id),
            Withdraw(id),
            MarkHeld(id),
            Publish(id),
            Accept(id),
            Hide(id),
            Show(id),
            Edit(id),
            DraftSkip,
            DraftTheme("neighbourhood".into()),
            DraftArea(TerritoryId::new("roma-municipio-v-centocelle-quarticciolo")),
            DraftBooking(BookingId(i64::MIN)),
            DraftLater,
        ];
        out.extend(Step::FIELDS.into_iter().map(DraftField));
        out.extend(THEMES.iter().map(|t| DraftTheme((*t).into())));
        out
    }

    #[test]
    fn every_button_reads_back_as_it_was_written() {
        for button in every() {
            let payload = button.to_payload();
            let back = InitiativeButton::parse(&payload);
            match (&button, &back) {
                // Words are shortened to fit: the rest comes back whole.
                (InitiativeButton::List(b), Some(InitiativeButton::List(read))) => {
                    assert!(b.words.starts_with(&read.words), "{payload}");
                    assert_eq!(Browse { words: b.words.clone(), ..read.clone() }, *b, "{payload}");
                }
                _ => assert_eq!(back.as_ref(), Some(&button), "{payload}"),
            }
        }
        let short = Browse { words: "orto".into(), offset: 5, ..Default::default() };
        assert_eq!(InitiativeButton::parse(&short.payload()), Some(InitiativeButton::List(short)));
    }

    #[test]
    fn every_payload_fits_in_64_bytes_and_is_of_a_listed_kind() {
        let mut kinds = std::collections::BTreeSet::new();
        for button in every() {
            let payload = button.to_payload();
            assert!(payload.len() <= MAX_PAYLOAD, "{payload} is {} bytes", payload.len());
            assert!(InitiativeButton::is_kind(&payload), "{payload}");
            kinds.insert(payload.split(':').next().unwrap().to_owned());
        }
        assert_eq!(kinds.len(), KINDS.len(), "every listed kind has a variant: {kinds:?}");
    }

    #[test]
    fn payloads_are_written_as_they_always_were() {
        use InitiativeButton::*;
        let id = InitiativeId(42);
        for (button, payload) in [
            (Open(id), "ini:42"),
            (Support { id, anonymous: true }, "isupa:42"),
            (Vote { id, yes: true }, "ivote:42:y"),
            (Vote { id, yes: false }, "ivote:42:n"),
            (ModeratorReject(id), "imrej:42"),
            (Propose, "ipropose"),
            (DraftField(Step::Capacity), "pfield:capacity"),
            (DraftArea(TerritoryId::new("centocelle")), "parea:centocelle"),
            (DraftBooking(BookingId(7)), "pbook:7"),
            (
                List(Browse {
                    words: "orto".into(),
                    territory: Some(TerritoryId::new("centocelle")),
                    offset: 5,
                    ..Default::default()
                }),
                "ilist:orto|centocelle||0|5|",
            ),
            (
                List(Browse { status: Some(Status::ThresholdReached), offset: 5, ..Default::default() }),
                "ilist:|||0|5|threshold_reached",
            ),
        ] {
            assert_eq!(button.to_payload(), payload);
        }
    }

    #[test]
    fn garbage_and_old_payloads_read_as_nothing() {
        for payload in [
            "",
            "ini",
            "ini:",
            "ini:abc",
            "ini:1.5",
            "ini: 1",
            "ini:99999999999999999999",
            "isup:1:extra",
            "ivote:1",
            "ivote:1:yes",
            "ivote:x:y",
            "ipropose:1",
            "pskip:now",
            "pfield:colour",
            "pfield:review",
            "ptheme:",
            "parea:",
            "pbook:one",
            "inix:1",
            "bslot:centocelle-saletta|202612011000|60",
            "lang:en",
        ] {
            assert_eq!(InitiativeButton::parse(payload), None, "{payload}");
        }
        assert!(InitiativeButton::is_kind("ini:abc"));
        assert!(!InitiativeButton::is_kind("lang:en"));
    }
}
