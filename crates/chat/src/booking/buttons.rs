//! The button payloads of booking, typed: one [`BookingButton`] per kind of button the
//! capability shows, read with [`BookingButton::parse`] and written with
//! [`BookingButton::to_payload`], byte for byte as they always were, so buttons already in
//! people's chats keep working. A payload that does not parse (an old or a forged one) is
//! `None`, which the caller answers with "this option has expired".
//!
//! Knows only the shapes of the payloads: no store, no rules, no replies, and no other booking
//! file.

use chrono::{NaiveDate, NaiveDateTime};
use vicinato_domain::*;

/// Every payload kind (the part before `:`) that [`BookingButton::parse`] reads.
pub const KINDS: &[&str] = &[
    "bspace", "bslot", "bmove", "bwait", "bhold", "book", "bfree", "bookings", "bcancel", "bapprove", "bdecline",
    "bstart", "bfor", "bcal",
];

/// A slot carried by a button: `space|YYYYMMDDHHMM|minutes`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlotArg {
    pub space: SpaceId,
    pub start: NaiveDateTime,
    pub minutes: u16,
}

impl SlotArg {
    pub fn new(space: &SpaceId, slot: LocalSlot) -> Self {
        Self { space: space.clone(), start: slot.start, minutes: slot.minutes().clamp(0, i64::from(u16::MAX)) as u16 }
    }

    fn parse(arg: &str) -> Option<Self> {
        let mut parts = arg.split('|');
        let (space, start, minutes) = (parts.next()?, parts.next()?, parts.next()?);
        // A forged payload can carry any year: only the window Vicinato reads is taken, so the
        // arithmetic on the slot cannot overflow.
        let start = NaiveDateTime::parse_from_str(start, "%Y%m%d%H%M").ok()?;
        if !vicinato_domain::dates::sane_date(start.date()) || parts.next().is_some() {
            return None;
        }
        Some(Self { space: SpaceId::parse(space).ok()?, start, minutes: minutes.parse().ok()? })
    }

    fn write(&self) -> String {
        format!("{}|{}|{}", self.space, self.start.format("%Y%m%d%H%M"), self.minutes)
    }
}

/// A button of booking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BookingButton {
    /// `bspace:<space>` or `bspace:<space>|YYYYMMDD`: a space chosen (on a day). A date that
    /// does not read is left out, as it always was.
    Space { space: SpaceId, date: Option<NaiveDate> },
    /// `bslot:<slot>`: an alternative slot chosen.
    Slot(SlotArg),
    /// `bmove:<id>`: move one of my bookings.
    Move(BookingId),
    /// `bwait:<slot>`: wait for a taken slot.
    Wait(SlotArg),
    /// `bhold:yes|<id>` or `bhold:no|<id>`: the answer to a slot offered from the waitlist.
    Hold { take: bool, booking: BookingId },
    /// `book:yes` or `book:no`: the answer to the summary.
    Confirm(bool),
    /// `bfree:<house>|YYYYMMDD`: the free times of a house on a day (today when the date does
    /// not read).
    Free { house: LocationId, date: Option<NaiveDate> },
    /// `bookings:`: my bookings.
    Bookings,
    /// `bcancel:<id>`: asks whether to cancel.
    Cancel(BookingId),
    /// `bcancel:<id>:yes` or `bcancel:<id>:no`: the answer to that question.
    CancelAnswer { booking: BookingId, yes: bool },
    /// `bapprove:<id>`.
    Approve(BookingId),
    /// `bdecline:<id>`.
    Decline(BookingId),
    /// `bstart`: start booking.
    Start,
    /// `bfor:me` or `bfor:<association>`: who the booking is for.
    For(BookingFor),
    /// `bfor:#<16 hex digits>`: for the association whose id has this [`association_token`],
    /// among those the person may book for; for ids too long for `bfor:<association>`.
    ForToken(u64),
    /// `bcal:`: my bookings as a calendar file.
    Calendar,
}

/// The longest association id `bfor:<association>` carries within Telegram's 64 bytes.
const LONGEST_FOR: usize = 64 - "bfor:".len();

/// A short, stable token for an association id (64-bit FNV-1a), for [`BookingButton::ForToken`].
pub fn association_token(id: &AssociationId) -> u64 {
    id.as_str()
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325, |hash, byte| (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3))
}

fn id(arg: &str) -> Option<BookingId> {
    arg.trim().parse::<i64>().ok().map(BookingId)
}

fn day(arg: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(arg, "%Y%m%d").ok().filter(|d| vicinato_domain::dates::sane_date(*d))
}

impl BookingButton {
    /// The button that books for an association: its id when it fits, else its token.
    pub fn for_association(id: &AssociationId) -> Self {
        if id.as_str().len() <= LONGEST_FOR {
            Self::For(BookingFor::Association(id.clone()))
        } else {
            Self::ForToken(association_token(id))
        }
    }

    /// Reads a payload; `None` when it is not a booking button, or one that no longer reads.
    pub fn parse(payload: &str) -> Option<Self> {
        let (kind, arg) = payload.split_once(':').unwrap_or((payload, ""));
        Some(match kind {
            "bspace" => {
                let (space, date) = arg.split_once('|').map(|(s, d)| (s, Some(d))).unwrap_or((arg, None));
                Self::Space { space: SpaceId::parse(space).ok()?, date: date.and_then(day) }
            }
            "bslot" => Self::Slot(SlotArg::parse(arg)?),
            "bmove" => Self::Move(id(arg)?),
            "bwait" => Self::Wait(SlotArg::parse(arg)?),
            "bhold" => {
                let (answer, booking) = arg.split_once('|')?;
                let take = match answer {
                    "yes" => true,
                    "no" => false,
                    _ => return None,
                };
                Self::Hold { take, booking: id(booking)? }
            }
            "book" => match arg {
                "yes" => Self::Confirm(true),
                "no" => Self::Confirm(false),
                _ => return None,
            },
            "bfree" => {
                let (house, date) = arg.split_once('|').unwrap_or((arg, ""));
                Self::Free { house: LocationId::parse(house).ok()?, date: day(date) }
            }
            "bookings" if arg.is_empty() => Self::Bookings,
            "bcancel" => match arg.split_once(':') {
                None => Self::Cancel(id(arg)?),
                Some((booking, "yes")) => Self::CancelAnswer { booking: id(booking)?, yes: true },
                Some((booking, "no")) => Self::CancelAnswer { booking: id(booking)?, yes: false },
                Some(_) => return None,
            },
            "bapprove" => Self::Approve(id(arg)?),
            "bdecline" => Self::Decline(id(arg)?),
            "bstart" if arg.is_empty() => Self::Start,
            "bfor" if arg == "me" => Self::For(BookingFor::Me),
            "bfor" if arg.starts_with('#') => {
                let hex = &arg[1..];
                (hex.len() == 16 && hex.bytes().all(|b| b.is_ascii_hexdigit())).then_some(())?;
                Self::ForToken(u64::from_str_radix(hex, 16).ok()?)
            }
            "bfor" => Self::For(BookingFor::Association(AssociationId::parse(arg).ok()?)),
            "bcal" if arg.is_empty() => Self::Calendar,
            _ => return None,
        })
    }

    /// The payload the button carries.
    pub fn to_payload(&self) -> String {
        match self {
            Self::Space { space, date: None } => format!("bspace:{space}"),
            Self::Space { space, date: Some(d) } => format!("bspace:{space}|{}", d.format("%Y%m%d")),
            Self::Slot(slot) => format!("bslot:{}", slot.write()),
            Self::Move(id) => format!("bmove:{id}"),
            Self::Wait(slot) => format!("bwait:{}", slot.write()),
            Self::Hold { take, booking } => format!("bhold:{}|{booking}", if *take { "yes" } else { "no" }),
            Self::Confirm(yes) => format!("book:{}", if *yes { "yes" } else { "no" }),
            Self::Free { house, date: None } => format!("bfree:{house}"),
            Self::Free { house, date: Some(d) } => format!("bfree:{house}|{}", d.format("%Y%m%d")),
            Self::Bookings => "bookings:".to_owned(),
            Self::Cancel(id) => format!("bcancel:{id}"),
            Self::CancelAnswer { booking, yes } => format!("bcancel:{booking}:{}", if *yes { "yes" } else { "no" }),
            Self::Approve(id) => format!("bapprove:{id}"),
            Self::Decline(id) => format!("bdecline:{id}"),
            Self::Start => "bstart".to_owned(),
            Self::For(BookingFor::Me) => "bfor:me".to_owned(),
            Self::For(BookingFor::Association(a)) => format!("bfor:{a}"),
            Self::ForToken(token) => format!("bfor:#{token:016x}"),
            Self::Calendar => "bcal:".to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The longest id a space, a house or an association is given in practice (the longest in
    /// config/spaces.toml is 25 bytes). An association id may be up to 64 bytes: a longer
    /// one than `bfor:` fits goes by its token (tested below).
    const LONGEST_ID: usize = 32;

    fn every(id_len: usize) -> Vec<BookingButton> {
        let slug = "x".repeat(id_len);
        let date = NaiveDate::from_ymd_opt(vicinato_domain::dates::MAX_YEAR, 12, 31).unwrap();
        let slot =
            SlotArg { space: SpaceId::new(&slug), start: date.and_hms_opt(23, 59, 0).unwrap(), minutes: u16::MAX };
        let big = BookingId(i64::MIN);
        vec![
            BookingButton::Space { space: SpaceId::new(&slug), date: None },
            BookingButton::Space { space: SpaceId::new(&slug), date: Some(date) },
            BookingButton::Slot(slot.clone()),
            BookingButton::Move(big),
            BookingButton::Wait(slot),
            BookingButton::Hold { take: true, booking: big },
            BookingButton::Hold { take: false, booking: BookingId(i64::MAX) },
            BookingButton::Confirm(true),
            BookingButton::Confirm(false),
            BookingButton::Free { house: LocationId::new(&slug), date: Some(date) },
            BookingButton::Free { house: LocationId::new(&slug), date: None },
            BookingButton::Bookings,
            BookingButton::Cancel(big),
            BookingButton::CancelAnswer { booking: big, yes: true },
            BookingButton::CancelAnswer { booking: BookingId(1), yes: false },
            BookingButton::Approve(big),
            BookingButton::Decline(big),
            BookingButton::Start,
            BookingButton::For(BookingFor::Me),
            BookingButton::For(BookingFor::Association(AssociationId::new(&slug))),
            BookingButton::ForToken(u64::MAX),
            BookingButton::ForToken(0),
            BookingButton::Calendar,
        ]
    }

    #[test]
    fn every_button_reads_back_as_written() {
        for button in every(LONGEST_ID).into_iter().chain(every(2)) {
            let payload = button.to_payload();
            assert_eq!(BookingButton::parse(&payload), Some(button.clone()), "{payload}");
        }
    }

    #[test]
    fn every_payload_fits_the_64_bytes_of_a_telegram_button() {
        for button in every(LONGEST_ID) {
            let payload = button.to_payload();
            assert!(payload.len() <= 64, "{payload} is {} bytes", payload.len());
        }
    }

    #[test]
    fn a_button_for_an_association_with_the_longest_id_fits_and_reads_back_to_it() {
        for len in [2, LONGEST_FOR, LONGEST_FOR + 1, 64] {
            let long = AssociationId::parse(&"a".repeat(len)).expect("a valid id");
            let button = BookingButton::for_association(&long);
            let payload = button.to_payload();
            assert!(payload.len() <= 64, "{payload} is {} bytes", payload.len());
            let read = BookingButton::parse(&payload).expect("it reads");
            assert_eq!(read, button, "{payload}");
            match read {
                BookingButton::For(BookingFor::Association(id)) => assert_eq!(id, long),
                BookingButton::ForToken(token) => {
                    assert!(len > LONGEST_FOR, "{payload}");
                    assert_eq!(token, association_token(&long));
                    let other = AssociationId::parse(&format!("{}b", "a".repeat(len - 1))).unwrap();
                    assert_ne!(token, association_token(&other), "another id, another token");
                }
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(BookingButton::parse("bfor:#12"), None, "a token is 16 hex digits");
        assert_eq!(BookingButton::parse("bfor:#zzzzzzzzzzzzzzzz"), None);
        assert_eq!(BookingButton::parse("bfor:#+123456789abcdef"), None);
    }

    #[test]
    fn every_kind_is_listed_and_every_listed_kind_is_read() {
        let kinds: std::collections::BTreeSet<String> =
            every(3).iter().map(|b| b.to_payload().split(':').next().unwrap().to_owned()).collect();
        let listed: std::collections::BTreeSet<String> = KINDS.iter().map(|k| (*k).to_owned()).collect();
        assert_eq!(kinds, listed);
    }

    #[test]
    fn the_payloads_people_have_in_their_chats_read_as_before() {
        let cases = [
            "bspace:centocelle-saletta|20261201",
            "bspace:centocelle-saletta",
            "bslot:centocelle-saletta|202612011000|60",
            "bwait:centocelle-sala-grande|202612011500|120",
            "bmove:1",
            "bcancel:7",
            "bapprove:12",
            "bdecline:12",
            "bhold:yes|1",
            "bhold:no|1",
            "book:yes",
            "book:no",
            "bfree:casa-welfare-centocelle|20261201",
            "bookings:",
            "bstart",
            "bfor:me",
            "bfor:orti-uniti",
            "bcal:",
        ];
        for payload in cases {
            let button = BookingButton::parse(payload).unwrap_or_else(|| panic!("{payload} does not read"));
            assert_eq!(button.to_payload(), payload);
        }
        assert_eq!(BookingButton::parse("bcal"), Some(BookingButton::Calendar));
        assert_eq!(BookingButton::parse("bookings"), Some(BookingButton::Bookings));
    }

    #[test]
    fn garbage_reads_as_nothing() {
        let garbage = [
            "",
            ":",
            "bogus:1",
            "bmove:",
            "bmove:abc",
            "bcancel:1.5",
            "bapprove:99999999999999999999",
            "bhold:maybe|1",
            "bhold:yes",
            "bhold:yes|x",
            "book:",
            "book:perhaps",
            "bspace:",
            "bspace:a b",
            "bslot:centocelle-saletta|202612011300",
            "bslot:centocelle-sala-grande-a|",
            "bslot:centocelle-saletta|209912312359|65536",
            "bslot:centocelle-saletta|999912312359|60",
            "bslot:centocelle-saletta|202612011000|60|1",
            "bwait:centocelle-saletta|262142123123|65535",
            "bwait:centocelle-saletta|-26214201010000|60",
            "bwait:centocelle-sala-grande|202612011500|4294967295",
            "bfree:",
            "bfor:",
            "bfor:two words",
            "bcal:x",
            "bookings:x",
            "bstart:x",
        ];
        for payload in garbage {
            assert_eq!(BookingButton::parse(payload), None, "{payload}");
        }
    }

    #[test]
    fn a_date_that_does_not_read_is_left_out_as_before() {
        assert_eq!(
            BookingButton::parse("bspace:centocelle-saletta|2621421231"),
            Some(BookingButton::Space { space: SpaceId::new("centocelle-saletta"), date: None })
        );
        assert_eq!(
            BookingButton::parse("bfree:casa-welfare-centocelle|99991231"),
            Some(BookingButton::Free { house: LocationId::new("casa-welfare-centocelle"), date: None })
        );
        assert_eq!(
            BookingButton::parse("bfree:casa-welfare-centocelle|2621421231"),
            Some(BookingButton::Free { house: LocationId::new("casa-welfare-centocelle"), date: None })
        );
    }
}
