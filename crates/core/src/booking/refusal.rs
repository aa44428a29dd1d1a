//! Why a booking use case said no: one [`Refusal`] for the whole capability, each variant
//! naming the Fluent message the chat has always shown for it and the message's arguments.
//! Holds no rule of its own and renders nothing: a refusal is an id and arguments.

use crate::refusal::Arg;
use vicinato_domain::booking::Refusal as SlotRefusal;

/// Why a booking use case said no.
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    /// No such booking, or not the actor's.
    NotFound,
    /// The actor lacks the role in the booking's territory.
    NotAllowed,
    /// The booking is no longer live (cancelled, declined, released).
    AlreadyOver,
    /// Someone decided the pending booking already.
    AlreadyDecided,
    /// No confirmed booking is under way to check in to.
    NothingToCheckIn,
    /// The slot offered from the waitlist is no longer held for the actor.
    OfferOver,
    /// The button names a space or a time that does not exist (any more).
    Expired,
    /// The actor already waits for `cap` slots.
    WaitlistFull { cap: u32 },
    /// The slot breaks a rule of the space (length, notice, hours, capacity, quota).
    Slot(SlotRefusal),
    /// Staff closed the space at that time; `until` is the end, local to the house.
    Closed { reason: String, until: String },
    /// The association named is not one the booker may book for.
    NotYours,
    /// Someone else holds (part of) the slot.
    Taken,
}

impl crate::Refusal for Refusal {
    fn message_id(&self) -> &'static str {
        match self {
            Self::NotFound => "booking-not-found",
            Self::NotAllowed => "not-allowed",
            Self::AlreadyOver => "booking-already-over",
            Self::AlreadyDecided => "approve-already-decided",
            Self::NothingToCheckIn => "checkin-nothing",
            Self::OfferOver => "waitlist-offer-over",
            Self::Expired => "button-expired",
            Self::WaitlistFull { .. } => "waitlist-full",
            Self::Slot(refusal) => refusal.message_id(),
            Self::Closed { .. } => "book-refused-space-closed",
            Self::NotYours => "book-for-not-yours",
            Self::Taken => "book-taken",
        }
    }

    fn args(&self) -> Vec<(&'static str, Arg)> {
        match self {
            Self::WaitlistFull { cap } => vec![("n", Arg::Number(i64::from(*cap)))],
            Self::Slot(refusal) => refusal.number().map(|n| ("n", Arg::Number(n))).into_iter().collect(),
            Self::Closed { reason, until } => {
                vec![("reason", Arg::Text(reason.clone())), ("until", Arg::Text(until.clone()))]
            }
            _ => Vec::new(),
        }
    }

    /// One of each variant, and every rule a slot can break.
    fn every() -> Vec<Self> {
        let slot = [
            SlotRefusal::InThePast,
            SlotRefusal::Empty,
            SlotRefusal::TooShort { min: 30 },
            SlotRefusal::TooLong { max: 240 },
            SlotRefusal::TooFarAhead { days: 90 },
            SlotRefusal::TooLittleNotice { minutes: 120 },
            SlotRefusal::Closed,
            SlotRefusal::NoPeople,
            SlotRefusal::OverCapacity { capacity: 10 },
            SlotRefusal::OverQuota { hours: 4 },
            SlotRefusal::OverAssociationQuota { hours: 8 },
            SlotRefusal::NoSuchTime,
        ];
        let mut every = vec![
            Self::NotFound,
            Self::NotAllowed,
            Self::AlreadyOver,
            Self::AlreadyDecided,
            Self::NothingToCheckIn,
            Self::OfferOver,
            Self::Expired,
            Self::WaitlistFull { cap: 5 },
            Self::Closed { reason: "lavori".into(), until: "5/12 18:00".into() },
            Self::NotYours,
            Self::Taken,
        ];
        every.extend(slot.into_iter().map(Self::Slot));
        every
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Refusal as _;

    #[test]
    fn every_variant_is_listed() {
        let every = Refusal::every();
        // A new variant breaks this match until it is listed in `every`.
        for r in &every {
            match r {
                Refusal::NotFound
                | Refusal::NotAllowed
                | Refusal::AlreadyOver
                | Refusal::AlreadyDecided
                | Refusal::NothingToCheckIn
                | Refusal::OfferOver
                | Refusal::Expired
                | Refusal::WaitlistFull { .. }
                | Refusal::Slot(_)
                | Refusal::Closed { .. }
                | Refusal::NotYours
                | Refusal::Taken => {}
            }
        }
        assert_eq!(every.iter().filter(|r| matches!(r, Refusal::Slot(_))).count(), 12);
        assert_eq!(Refusal::WaitlistFull { cap: 3 }.args(), vec![("n", Arg::Number(3))]);
        assert_eq!(Refusal::Slot(SlotRefusal::OverQuota { hours: 4 }).message_id(), "book-refused-quota");
    }
}
