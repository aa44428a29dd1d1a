//! The rules a slot must pass before anyone holds it, in one place for every way a slot is
//! taken: a booking confirmed, a waitlist joined, a waiting person promoted to a held
//! booking, and that offer accepted. The space's own rules (length, notice, booking window,
//! opening hours, capacity), staff closures, and the weekly fair-use quota of the person or
//! of the association they book for. A payload that names a slot (a forged button, an old
//! message) is therefore held to exactly what a typed request is.
//!
//! Reads the store, writes nothing, and words nothing: a broken rule is a value.

use super::{Catalogue, Refusal};
use chrono::{DateTime, Duration, NaiveDateTime, TimeZone, Utc};
use vicinato_domain::booking::Refusal as SlotRefusal;
use vicinato_domain::*;
use vicinato_store::{QuotaCheck, QuotaOf, Store, StoreError};

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
    Rule(SlotRefusal),
    Closed(SpaceClosure),
}

impl Broken {
    /// The refusal that tells the person, with a closure's end in the house's zone.
    pub fn refusal(&self, zone: chrono_tz::Tz) -> Refusal {
        match self {
            Broken::Rule(rule) => Refusal::Slot(*rule),
            Broken::Closed(closure) => Refusal::Closed {
                reason: closure.reason.clone(),
                until: closure.ends.with_timezone(&zone).format("%-d/%-m %H:%M").to_string(),
            },
        }
    }
}

/// The hours a space keeps: its own, else its house's (with the house's holidays).
pub fn schedule_of(catalogue: &Catalogue<'_>, space: &Space) -> Schedule {
    let house = catalogue.houses.iter().find(|h| h.id == space.house).map(|h| h.hours.clone()).unwrap_or_default();
    space_schedule(space, &house)
}

/// Whether a space needs approval: as staff last said, else as the spaces file says.
pub async fn needs_approval(store: &dyn Store, space: &Space) -> Result<bool, StoreError> {
    Ok(store.space_approval(&space.id).await?.unwrap_or(space.needs_approval))
}

/// The closure that closes a space over `[from, to)`, if any.
pub async fn closure_over(
    store: &dyn Store,
    spaces: &Spaces,
    space: &Space,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Option<SpaceClosure>, StoreError> {
    let closures = store.space_closures(from, to).await?;
    Ok(closures.into_iter().find(|c| c.closes(spaces, space, from, to)))
}

/// The times a space is closed within `[from, to)`, as busy intervals.
pub async fn closed_times(
    store: &dyn Store,
    spaces: &Spaces,
    space: &Space,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<(DateTime<Utc>, DateTime<Utc>)>, StoreError> {
    let closures = store.space_closures(from, to).await?;
    Ok(closures.iter().filter(|c| c.closes(spaces, space, from, to)).map(|c| (c.starts, c.ends)).collect())
}

/// The first rule the wish breaks, if any.
pub async fn broken(
    store: &dyn Store,
    catalogue: &Catalogue<'_>,
    wish: &Wish<'_>,
    now: DateTime<Utc>,
) -> Result<Option<Broken>, StoreError> {
    let Some((house, _)) = catalogue.spaces.space(&wish.space.id) else {
        return Ok(Some(Broken::Rule(SlotRefusal::NoSuchTime)));
    };
    let zone = house.zone;
    let hours = schedule_of(catalogue, wish.space);
    let local_now = now.with_timezone(&zone).naive_local();
    if let Err(refusal) = check_slot(wish.space, &hours, wish.slot, wish.people, local_now) {
        return Ok(Some(Broken::Rule(refusal)));
    }
    let Some((starts, ends)) = wish.slot.in_zone(zone) else {
        return Ok(Some(Broken::Rule(SlotRefusal::NoSuchTime)));
    };
    if let Some(closure) = closure_over(store, catalogue.spaces, wish.space, starts, ends).await? {
        return Ok(Some(Broken::Closed(closure)));
    }
    Ok(over_quota(store, wish, zone, now).await?.map(Broken::Rule))
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
    store: &dyn Store,
    wish: &Wish<'_>,
    zone: chrono_tz::Tz,
    now: DateTime<Utc>,
) -> Result<Option<SlotRefusal>, StoreError> {
    Ok(quota_left(store, wish, zone, now).await?.and_then(|left| {
        (wish.slot.minutes() > left.minutes).then_some(match wish.association {
            Some(_) => SlotRefusal::OverAssociationQuota { hours: left.hours },
            None => SlotRefusal::OverQuota { hours: left.hours },
        })
    }))
}

/// What is left of the quota week by week, for many slots of one booker: each week is read from
/// the store once, however many candidate times fall in it.
#[derive(Debug, Default)]
pub struct QuotaWeeks {
    weeks: Vec<(NaiveDateTime, Option<QuotaLeft>)>,
}

impl QuotaWeeks {
    /// What is left of the quota in the wish's week ([`quota_left`]), read once per week.
    pub async fn left(
        &mut self,
        store: &dyn Store,
        wish: &Wish<'_>,
        zone: chrono_tz::Tz,
        now: DateTime<Utc>,
    ) -> Result<Option<QuotaLeft>, StoreError> {
        let (week, _, _) = week_of(zone, wish.slot);
        if let Some((_, left)) = self.weeks.iter().find(|(w, _)| *w == week) {
            return Ok(*left);
        }
        let left = quota_left(store, wish, zone, now).await?;
        self.weeks.push((week, left));
        Ok(left)
    }

    /// Whether the quota of its week lets the wish be booked (always, with no quota).
    pub async fn allows(
        &mut self,
        store: &dyn Store,
        wish: &Wish<'_>,
        zone: chrono_tz::Tz,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let left = self.left(store, wish, zone, now).await?;
        Ok(left.is_none_or(|l| wish.slot.minutes() <= l.minutes))
    }
}

/// What is left of a weekly quota in the week of a wish.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuotaLeft {
    /// The quota, in hours a week.
    pub hours: u32,
    /// Minutes still free that week (never below zero).
    pub minutes: i64,
}

/// The quota that applies to a wish and what is left of it that week; `None` when the space
/// has no such quota.
pub async fn quota_left(
    store: &dyn Store,
    wish: &Wish<'_>,
    zone: chrono_tz::Tz,
    now: DateTime<Utc>,
) -> Result<Option<QuotaLeft>, StoreError> {
    let space = wish.space;
    let (week, from, to) = week_of(zone, wish.slot);
    let (used, quota): (i64, u32) = match wish.association {
        Some(id) => {
            let Some(quota) = space.association_weekly_quota_hours else { return Ok(None) };
            let booked = store.association_bookings(id, &space.house, from, to).await?;
            let used =
                booked.iter().filter(|b| Some(b.id) != wish.replaces).map(|b| (b.ends - b.starts).num_minutes()).sum();
            (used, quota)
        }
        None => {
            let Some(quota) = space.weekly_quota_hours else { return Ok(None) };
            let used = store
                .bookings_of(wish.person, now)
                .await?
                .iter()
                .filter(|b| b.house == space.house && b.association.is_none() && Some(b.id) != wish.replaces)
                .filter(|b| b.local_start() >= week && b.local_start() < week + Duration::days(7))
                .map(|b| (b.ends - b.starts).num_minutes())
                .sum();
            (used, quota)
        }
    };
    Ok(Some(QuotaLeft { hours: quota, minutes: (i64::from(quota) * 60 - used).max(0) }))
}
