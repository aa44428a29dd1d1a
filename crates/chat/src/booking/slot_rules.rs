//! The rules a slot must pass before anyone holds it, in one place for every way a slot is
//! taken: a booking confirmed, a waitlist joined, a waiting person promoted to a held
//! booking, and that offer accepted. The space's own rules (length, notice, booking window,
//! opening hours, capacity), staff closures, and the weekly fair-use quota of the person or
//! of the association they book for. A payload that names a slot (a forged button, an old
//! message) is therefore held to exactly what a typed request is.

use crate::i18n::Msg;
use crate::{Engine, Reply};
use chrono::{DateTime, Duration, NaiveDateTime, TimeZone, Utc};
use vicinato_domain::*;
use vicinato_store::{QuotaCheck, QuotaOf, StoreError};

/// A slot someone wants to hold.
#[derive(Debug, Clone)]
pub struct Wish<'a> {
    pub space: &'a Space,
    pub person: PersonId,
    /// The association it is booked for, whose quota it counts against.
    pub association: Option<&'a AssociationId>,
    /// A booking of theirs not to count against the quota (the one moved, or the held one
    /// being taken up).
    pub replaces: Option<BookingId>,
    pub slot: LocalSlot,
    pub people: Option<u32>,
}

/// Why a slot cannot be held.
#[derive(Debug, Clone, PartialEq)]
pub enum Broken {
    Rule(Refusal),
    Closed(SpaceClosure),
}

impl Broken {
    /// What to tell the person.
    pub fn reply(&self, zone: chrono_tz::Tz) -> Reply {
        match self {
            Broken::Rule(refusal) => {
                let mut msg = Msg::new(refusal.message_id());
                if let Some(n) = refusal.number() {
                    msg = msg.num("n", n);
                }
                Reply::say(msg)
            }
            Broken::Closed(closure) => {
                let until = closure.ends.with_timezone(&zone).format("%-d/%-m %H:%M").to_string();
                Reply::say(
                    Msg::new("book-refused-space-closed").text("reason", closure.reason.clone()).text("until", until),
                )
            }
        }
    }
}

/// The hours a space keeps: its own, else its house's (with the house's holidays).
pub fn schedule_of(engine: &Engine, space: &Space) -> Schedule {
    let snapshot = engine.snapshot();
    let house = snapshot.houses.iter().find(|h| h.id == space.house).map(|h| h.hours.clone()).unwrap_or_default();
    space_schedule(space, &house)
}

/// The first rule the wish breaks, if any.
pub async fn broken(engine: &Engine, wish: &Wish<'_>, now: DateTime<Utc>) -> Result<Option<Broken>, StoreError> {
    let Some((house, _)) = engine.spaces().space(&wish.space.id) else {
        return Ok(Some(Broken::Rule(Refusal::NoSuchTime)));
    };
    let zone = house.zone;
    let hours = schedule_of(engine, wish.space);
    let local_now = now.with_timezone(&zone).naive_local();
    if let Err(refusal) = check_slot(wish.space, &hours, wish.slot, wish.people, local_now) {
        return Ok(Some(Broken::Rule(refusal)));
    }
    let Some((starts, ends)) = wish.slot.in_zone(zone) else {
        return Ok(Some(Broken::Rule(Refusal::NoSuchTime)));
    };
    if let Some(closure) = super::slots::closure_over(engine, wish.space, starts, ends).await? {
        return Ok(Some(Broken::Closed(closure)));
    }
    Ok(over_quota(engine, wish, zone, now).await?.map(Broken::Rule))
}

/// The week (Monday to Sunday, local) holding a slot, as instants.
fn week_of(zone: chrono_tz::Tz, slot: LocalSlot) -> (NaiveDateTime, DateTime<Utc>, DateTime<Utc>) {
    let week = week_start(slot.start.date());
    let instant = |t: NaiveDateTime| {
        zone.from_local_datetime(&t).earliest().map(|t| t.with_timezone(&Utc)).unwrap_or(t.and_utc())
    };
    (week, instant(week), instant(week + Duration::days(7)))
}

/// The quota a booking of the wish must fit, for the store to check again inside the booking's
/// transaction; `None` when the space has none.
pub fn quota_check(wish: &Wish<'_>, zone: chrono_tz::Tz) -> Option<QuotaCheck> {
    let (_, from, to) = week_of(zone, wish.slot);
    let (whose, hours) = match wish.association {
        Some(id) => (QuotaOf::Association(id.clone()), wish.space.association_weekly_quota_hours?),
        None => (QuotaOf::Person(wish.person), wish.space.weekly_quota_hours?),
    };
    Some(QuotaCheck { whose, house: wish.space.house.clone(), from, to, max_minutes: i64::from(hours) * 60 })
}

/// The fair-use quota the slot would break, if any: the association's hours in this house
/// that week when booking for one, else the person's own (association bookings not counted).
pub async fn over_quota(
    engine: &Engine,
    wish: &Wish<'_>,
    zone: chrono_tz::Tz,
    now: DateTime<Utc>,
) -> Result<Option<Refusal>, StoreError> {
    let space = wish.space;
    let (week, from, to) = week_of(zone, wish.slot);
    let (used, quota, refusal): (i64, u32, fn(u32) -> Refusal) = match wish.association {
        Some(id) => {
            let Some(quota) = space.association_weekly_quota_hours else { return Ok(None) };
            let booked = engine.store().association_bookings(id, &space.house, from, to).await?;
            let used =
                booked.iter().filter(|b| Some(b.id) != wish.replaces).map(|b| (b.ends - b.starts).num_minutes()).sum();
            (used, quota, |hours| Refusal::OverAssociationQuota { hours })
        }
        None => {
            let Some(quota) = space.weekly_quota_hours else { return Ok(None) };
            let used = engine
                .store()
                .bookings_of(wish.person, now)
                .await?
                .iter()
                .filter(|b| b.house == space.house && b.association.is_none() && Some(b.id) != wish.replaces)
                .filter(|b| b.local_start() >= week && b.local_start() < week + Duration::days(7))
                .map(|b| (b.ends - b.starts).num_minutes())
                .sum();
            (used, quota, |hours| Refusal::OverQuota { hours })
        }
    };
    Ok((used + wish.slot.minutes() > i64::from(quota) * 60).then(|| refusal(quota)))
}
