//! Booking a slot of a space: the rules a booking must pass (the space's own rules, staff
//! closures, who it is for and the fair-use quota of the person or association, the slot being
//! free), the nearest free alternatives when it is not, a weekly series (for associations) or a
//! range of days (each date checked alone, the ones that cannot be booked skipped and listed),
//! and writing it with its jobs. A booking may replace one of the booker's (a move, see
//! [`super::r#move`]): the old one is cancelled in the new one's transaction and its slot is
//! offered to the waitlist.
//!
//! [`check`] is the dry run the conversation asks before its summary; [`book`] writes. Words
//! nothing and delivers nothing: the caller acts on the outcome's events; the database has the
//! last word on overlaps and on the quota.

use super::rules::{self, Wish};
use super::{Catalogue, Event, Refusal, jobs};
use chrono::{DateTime, Duration, Utc};
use vicinato_domain::booking::Refusal as SlotRefusal;
use vicinato_domain::*;
use vicinato_store::{Refused, Store, StoreError};

/// How many alternatives are offered for a slot that cannot be had.
pub const ALTERNATIVES: usize = 3;

/// A booking someone wants.
#[derive(Debug, Clone, PartialEq)]
pub struct BookInput {
    pub space: SpaceId,
    /// Local to the house.
    pub slot: LocalSlot,
    /// `None` while not asked yet (the dry run skips the capacity rule then).
    pub people: Option<u32>,
    pub purpose: String,
    /// `None` until decided: [`check`] decides it or asks.
    pub for_whom: Option<BookingFor>,
    /// A live booking this one replaces (a move): the booker's, or one staff of the house move.
    pub replaces: Option<BookingId>,
    /// The same time every week, this many weeks (the first included): associations only.
    pub weeks: Option<u8>,
    /// The same time every day, this many days (the first included).
    pub days: Option<u8>,
}

/// What the dry run found.
#[derive(Debug, Clone, PartialEq)]
pub enum Checked {
    /// It can be booked, for `for_whom` (decided when it was not said: the person themselves
    /// when they book for no association).
    Free { for_whom: Option<BookingFor>, needs_approval: bool },
    /// Who it is for must be asked first: the person, or one of these associations.
    ChooseWhom(Vec<Association>),
}

/// Why a date of a series was skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skipped {
    /// Taken, closed or against a rule of the space.
    Unavailable,
    /// Over the weekly quota with the dates booked before it.
    Quota,
}

/// Which kind of series was booked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Series {
    Weekly,
    Daily,
}

/// What was booked.
#[derive(Debug, Clone, PartialEq)]
pub struct Booked {
    /// The bookings written, first first (one unless a series).
    pub bookings: Vec<Booking>,
    /// A series' dates not booked, and why.
    pub skipped: Vec<(LocalSlot, Skipped)>,
    /// `Some` when a series was asked for and booked as one.
    pub series: Option<Series>,
    /// The booking this one replaced, cancelled with it.
    pub replaced: Option<Booking>,
    pub events: Vec<Event>,
}

/// The nearest free slots of the same length, and whether the wished one may be waited for.
#[derive(Debug, Clone, PartialEq)]
pub struct Alternatives {
    pub slots: Vec<LocalSlot>,
    /// The wished slot (at a length the space allows) when it is taken but breaks no rule:
    /// only such a slot can be waited for.
    pub wait: Option<LocalSlot>,
}

/// The associations `person` may book for.
pub async fn bookable(store: &dyn Store, person: PersonId) -> Result<Vec<Association>, StoreError> {
    Ok(store.associations_of(person).await?.into_iter().filter(|(_, m)| m.may_book).map(|(a, _)| a).collect())
}

/// Whether `person` may (still) book for `for_whom`.
pub async fn may_book_for(
    store: &dyn Store,
    person: PersonId,
    for_whom: Option<&BookingFor>,
) -> Result<bool, StoreError> {
    Ok(match for_whom {
        Some(BookingFor::Association(id)) => bookable(store, person).await?.iter().any(|a| &a.id == id),
        _ => true,
    })
}

/// The busy times of a space around an instant (a day before, nine days after): its units'
/// bookings and staff closures.
pub async fn busy_around(
    store: &dyn Store,
    spaces: &Spaces,
    space: &Space,
    at: DateTime<Utc>,
) -> Result<Vec<(DateTime<Utc>, DateTime<Utc>)>, StoreError> {
    let (from, to) = (at - Duration::days(1), at + Duration::days(9));
    let mut busy = store.busy(&space.units, from, to).await?;
    busy.extend(rules::closed_times(store, spaces, space, from, to).await?);
    Ok(busy)
}

/// The nearest free slots to a wished one of a space, at a length the space allows, that the
/// booker could also have: none over their weekly quota (or their association's). When the
/// wish is longer than what is left of the quota that week, shorter slots that fit come
/// first, then same-length slots from the next week.
pub async fn alternatives(
    store: &dyn Store,
    catalogue: &Catalogue<'_>,
    actor: &Person,
    input: &BookInput,
    now: DateTime<Utc>,
) -> Result<Alternatives, StoreError> {
    let wish = input.slot;
    let Some((house, space)) = catalogue.spaces.space(&input.space) else {
        return Ok(Alternatives { slots: Vec::new(), wait: None });
    };
    let zone = house.zone;
    let hours = rules::schedule_of(catalogue, space);
    let local_now = now.with_timezone(&zone).naive_local();
    let busy = match wish.in_zone(zone) {
        Some((starts, _)) => busy_around(store, catalogue.spaces, space, starts).await?,
        None => Vec::new(),
    };
    let length = wish.minutes().clamp(i64::from(space.min_minutes), i64::from(space.max_minutes));
    let wish = LocalSlot { start: wish.start, end: wish.start + Duration::minutes(length) };
    let taken = wish.in_zone(zone).is_some_and(|i| !is_free(space, i, &busy))
        && check_slot(space, &hours, wish, None, local_now).is_ok();
    let person = match booker(actor, input, store, catalogue).await? {
        Ok(person) => person,
        Err(_) => return Ok(Alternatives { slots: Vec::new(), wait: None }),
    };
    let quota_of = |slot: LocalSlot| Wish {
        space,
        person,
        association: association_of(input),
        replaces: input.replaces,
        slot,
        people: input.people,
    };
    // Each week's bookings are read once for the wish and all the candidates in it.
    let mut weeks = rules::QuotaWeeks::default();
    let left = weeks.left(store, &quota_of(wish), zone, now).await?;
    let Some(left) = left else {
        let slots = booking::alternatives(space, &hours, zone, wish, &busy, local_now, ALTERNATIVES);
        return Ok(Alternatives { slots, wait: taken.then_some(wish) });
    };
    // Candidates: shorter ones that fit what is left this week, the wished length near the
    // wish, and the wished length a week on; each checked against the quota of its own week.
    let mut candidates = Vec::new();
    let fits = (left.minutes / 30) * 30;
    if fits < length && fits >= i64::from(space.min_minutes) {
        let short = LocalSlot { start: wish.start, end: wish.start + Duration::minutes(fits) };
        candidates.extend(booking::alternatives(space, &hours, zone, short, &busy, local_now, ALTERNATIVES * 4));
        if short.in_zone(zone).is_some_and(|i| is_free(space, i, &busy))
            && check_slot(space, &hours, short, None, local_now).is_ok()
        {
            candidates.insert(0, short);
        }
    }
    candidates.extend(booking::alternatives(space, &hours, zone, wish, &busy, local_now, ALTERNATIVES * 4));
    let next_week = LocalSlot { start: wish.start + Duration::days(7), end: wish.end + Duration::days(7) };
    if let Some((starts, _)) = next_week.in_zone(zone) {
        let busy = busy_around(store, catalogue.spaces, space, starts).await?;
        let mut later = booking::alternatives(space, &hours, zone, next_week, &busy, local_now, ALTERNATIVES * 4);
        if next_week.in_zone(zone).is_some_and(|i| is_free(space, i, &busy))
            && check_slot(space, &hours, next_week, None, local_now).is_ok()
        {
            later.insert(0, next_week);
        }
        candidates.extend(later);
    }
    let mut slots: Vec<LocalSlot> = Vec::new();
    for slot in candidates {
        if slots.len() == ALTERNATIVES {
            break;
        }
        if slot == wish || slots.contains(&slot) {
            continue;
        }
        if weeks.allows(store, &quota_of(slot), zone, now).await? {
            slots.push(slot);
        }
    }
    // The wished slot itself can be waited for only if the quota would let it be had.
    let wait = taken && weeks.allows(store, &quota_of(wish), zone, now).await?;
    Ok(Alternatives { slots, wait: wait.then_some(wish) })
}

/// The booking being replaced, if the actor may move it: the booker, or staff of the house's
/// territory (or above it); it must still be live.
pub async fn movable(
    actor: &Person,
    booking: BookingId,
    store: &dyn Store,
    catalogue: &Catalogue<'_>,
) -> Result<Result<Booking, Refusal>, StoreError> {
    let Some(b) = store.booking(booking).await? else {
        return Ok(Err(Refusal::NotFound));
    };
    let staff = catalogue.territory_of(&b.house).is_some_and(|t| actor.may(Role::Staff, Some(t), catalogue.tree));
    if b.person != actor.id && !staff {
        return Ok(Err(Refusal::NotFound));
    }
    if !b.status.is_live() {
        return Ok(Err(Refusal::NotFound));
    }
    Ok(Ok(b))
}

/// Whom a booking is for: the actor, or the booker of the booking it replaces.
async fn booker(
    actor: &Person,
    input: &BookInput,
    store: &dyn Store,
    catalogue: &Catalogue<'_>,
) -> Result<Result<PersonId, Refusal>, StoreError> {
    Ok(match input.replaces {
        Some(old) => movable(actor, old, store, catalogue).await?.map(|b| b.person),
        None => Ok(actor.id),
    })
}

fn association_of(input: &BookInput) -> Option<&AssociationId> {
    match &input.for_whom {
        Some(BookingFor::Association(id)) => Some(id),
        _ => None,
    }
}

/// The dry run: every rule the booking must pass, in the order the conversation has always
/// asked them (the space's rules, a closure, who it is for, the quota, the slot being free).
pub async fn check(
    actor: &Person,
    input: &BookInput,
    store: &dyn Store,
    now: DateTime<Utc>,
    catalogue: &Catalogue<'_>,
) -> Result<Result<Checked, Refusal>, StoreError> {
    let Some((house, space)) = catalogue.spaces.space(&input.space) else {
        return Ok(Err(Refusal::Expired));
    };
    let person = match booker(actor, input, store, catalogue).await? {
        Ok(p) => p,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let zone = house.zone;
    let hours = rules::schedule_of(catalogue, space);
    let local_now = now.with_timezone(&zone).naive_local();
    if let Err(rule) = check_slot(space, &hours, input.slot, input.people, local_now) {
        return Ok(Err(Refusal::Slot(rule)));
    }
    let Some(instants) = input.slot.in_zone(zone) else {
        return Ok(Err(Refusal::Slot(SlotRefusal::NoSuchTime)));
    };
    if let Some(closure) = rules::closure_over(store, catalogue.spaces, space, instants.0, instants.1).await? {
        return Ok(Err(rules::Broken::Closed(closure).refusal(zone)));
    }
    let mut for_whom = input.for_whom.clone();
    if for_whom.is_none() && input.replaces.is_none() {
        let mine = bookable(store, person).await?;
        if !mine.is_empty() {
            return Ok(Ok(Checked::ChooseWhom(mine)));
        }
        for_whom = Some(BookingFor::Me);
    }
    if !may_book_for(store, person, for_whom.as_ref()).await? {
        return Ok(Err(Refusal::NotYours));
    }
    let decided = BookInput { for_whom: for_whom.clone(), ..input.clone() };
    let wish = wish_of(space, person, &decided, input.slot);
    if let Some(rule) = rules::over_quota(store, &wish, zone, now).await? {
        return Ok(Err(Refusal::Slot(rule)));
    }
    let busy = busy_around(store, catalogue.spaces, space, instants.0).await?;
    if !is_free(space, instants, &busy) {
        return Ok(Err(Refusal::Taken));
    }
    let needs_approval = rules::needs_approval(store, space).await?;
    Ok(Ok(Checked::Free { for_whom, needs_approval }))
}

fn wish_of<'a>(space: &'a Space, person: PersonId, input: &'a BookInput, slot: LocalSlot) -> Wish<'a> {
    Wish { space, person, association: association_of(input), replaces: input.replaces, slot, people: input.people }
}

/// Books the slot (or the series) for the actor, or moves the booking it replaces.
pub async fn book(
    actor: &Person,
    input: BookInput,
    store: &dyn Store,
    now: DateTime<Utc>,
    catalogue: &Catalogue<'_>,
) -> Result<Result<Booked, Refusal>, StoreError> {
    let Some((house, space)) = catalogue.spaces.space(&input.space) else {
        return Ok(Err(Refusal::Expired));
    };
    let person = match booker(actor, &input, store, catalogue).await? {
        Ok(p) => p,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let zone = house.zone;
    let hours = rules::schedule_of(catalogue, space);
    let local_now = now.with_timezone(&zone).naive_local();
    let slot = input.slot;
    if let Err(rule) = check_slot(space, &hours, slot, input.people, local_now) {
        return Ok(Err(Refusal::Slot(rule)));
    }
    let Some((starts, ends)) = slot.in_zone(zone) else {
        return Ok(Err(Refusal::Slot(SlotRefusal::NoSuchTime)));
    };
    if !may_book_for(store, person, input.for_whom.as_ref()).await? {
        return Ok(Err(Refusal::NotYours));
    }
    if let Some(closure) = rules::closure_over(store, catalogue.spaces, space, starts, ends).await? {
        return Ok(Err(rules::Broken::Closed(closure).refusal(zone)));
    }
    // The quota again: another chat may have booked since the summary was shown.
    if input.weeks.is_none_or(|w| w <= 1)
        && input.days.is_none_or(|d| d <= 1)
        && let Some(rule) = rules::over_quota(store, &wish_of(space, person, &input, slot), zone, now).await?
    {
        return Ok(Err(Refusal::Slot(rule)));
    }
    let needs_approval = rules::needs_approval(store, space).await?;
    let association = association_of(&input).cloned();
    let single = input.replaces.is_some();
    if let Some(weeks) = input.weeks.filter(|w| *w > 1 && !single && association.is_some()) {
        let run = Run { person, first: slot, step: Duration::weeks(1), count: weeks, needs_approval };
        return series(&input, space, zone, run, Series::Weekly, store, now, catalogue).await.map(Ok);
    }
    if let Some(days) = input.days.filter(|d| *d > 1 && !single) {
        let run = Run { person, first: slot, step: Duration::days(1), count: days, needs_approval };
        return series(&input, space, zone, run, Series::Daily, store, now, catalogue).await.map(Ok);
    }
    let new = new_booking(&input, space, person, zone, (starts, ends), needs_approval);
    // The database checks the quota again in the booking's own transaction: two chats
    // confirming at once cannot together go over it.
    let wish = wish_of(space, person, &input, slot);
    let written = match rules::quota_check(&wish, zone) {
        Some(quota) => store.booking_insert_within(&new, &quota, now).await?,
        None => store.booking_insert(&new, now).await?.map_err(|_| Refused::Taken),
    };
    let booking = match written {
        Ok(booking) => booking,
        Err(Refused::OverQuota) => {
            return Ok(Err(Refusal::Slot(match wish.association {
                Some(_) => {
                    SlotRefusal::OverAssociationQuota { hours: space.association_weekly_quota_hours.unwrap_or(0) }
                }
                None => SlotRefusal::OverQuota { hours: space.weekly_quota_hours.unwrap_or(0) },
            })));
        }
        Err(Refused::Taken) => return Ok(Err(Refusal::Taken)),
    };
    let mut events = Vec::new();
    let mut replaced = None;
    if let Some(old) = input.replaces {
        // The old slot is free now: its jobs go, and it is offered to the waitlist.
        let old = store.booking(old).await?.unwrap_or_else(|| Booking { id: old, ..booking.clone() });
        for key in jobs::keys(&catalogue.spaces.settings, &old) {
            store.job_cancel(&key).await?;
        }
        tracing::info!(old = %old.id, new = %booking.id, "booking moved");
        events.push(Event::Freed(old.clone()));
        replaced = Some(old);
    }
    if booking.status == BookingStatus::Confirmed {
        schedule(store, catalogue, &booking, now).await?;
        events.push(Event::JobsAdded);
    }
    Ok(Ok(Booked { bookings: vec![booking], skipped: Vec::new(), series: None, replaced, events }))
}

fn new_booking(
    input: &BookInput,
    space: &Space,
    person: PersonId,
    zone: chrono_tz::Tz,
    (starts, ends): (DateTime<Utc>, DateTime<Utc>),
    needs_approval: bool,
) -> NewBooking {
    NewBooking {
        house: space.house.clone(),
        space: space.id.clone(),
        person,
        status: if needs_approval { BookingStatus::Pending } else { BookingStatus::Confirmed },
        starts,
        ends,
        zone,
        people: input.people.unwrap_or(1),
        purpose: input.purpose.clone(),
        units: space.units.clone(),
        busy_until: ends + Duration::minutes(i64::from(space.buffer_minutes)),
        replaces: input.replaces,
        association: association_of(input).cloned(),
    }
}

/// A confirmed booking's reminders and no-show check.
async fn schedule(
    store: &dyn Store,
    catalogue: &Catalogue<'_>,
    booking: &Booking,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    for job in jobs::of_confirmed(&catalogue.spaces.settings, booking, now) {
        store.job_put(&job, now).await?;
    }
    Ok(())
}

/// The same slot repeated.
struct Run {
    person: PersonId,
    first: LocalSlot,
    step: Duration,
    count: u8,
    needs_approval: bool,
}

/// Books a series; dates that are taken, break a rule or go over the weekly quota are skipped
/// and listed. Each date is checked against the quota with the dates booked before it.
#[allow(clippy::too_many_arguments)]
async fn series(
    input: &BookInput,
    space: &Space,
    zone: chrono_tz::Tz,
    run: Run,
    kind: Series,
    store: &dyn Store,
    now: DateTime<Utc>,
    catalogue: &Catalogue<'_>,
) -> Result<Booked, StoreError> {
    let hours = rules::schedule_of(catalogue, space);
    let local_now = now.with_timezone(&zone).naive_local();
    let mut booked = Vec::new();
    let mut skipped = Vec::new();
    for i in 0..i32::from(run.count) {
        let slot = LocalSlot { start: run.first.start + run.step * i, end: run.first.end + run.step * i };
        let instants = match (check_slot(space, &hours, slot, input.people, local_now), slot.in_zone(zone)) {
            (Ok(()), Some(i)) => i,
            _ => {
                skipped.push((slot, Skipped::Unavailable));
                continue;
            }
        };
        if rules::closure_over(store, catalogue.spaces, space, instants.0, instants.1).await?.is_some() {
            skipped.push((slot, Skipped::Unavailable));
            continue;
        }
        if rules::over_quota(store, &wish_of(space, run.person, input, slot), zone, now).await?.is_some() {
            skipped.push((slot, Skipped::Quota));
            continue;
        }
        let new =
            NewBooking { replaces: None, ..new_booking(input, space, run.person, zone, instants, run.needs_approval) };
        match store.booking_insert(&new, now).await? {
            Ok(b) => {
                if b.status == BookingStatus::Confirmed {
                    schedule(store, catalogue, &b, now).await?;
                }
                booked.push(b);
            }
            Err(_taken) => skipped.push((slot, Skipped::Unavailable)),
        }
    }
    let events =
        if booked.iter().any(|b| b.status == BookingStatus::Confirmed) { vec![Event::JobsAdded] } else { vec![] };
    Ok(Booked { bookings: booked, skipped, series: Some(kind), replaced: None, events })
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;
    use chrono::NaiveDate;

    /// A slot of the main hall, `days` after Tuesday 1 December 2026, local hours.
    fn slot(days: i64, from: u32, to: u32) -> LocalSlot {
        let date = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap() + Duration::days(days);
        LocalSlot { start: date.and_hms_opt(from, 0, 0).unwrap(), end: date.and_hms_opt(to, 0, 0).unwrap() }
    }

    fn input(slot: LocalSlot) -> BookInput {
        BookInput {
            space: SpaceId::new(SPACE),
            slot,
            people: Some(10),
            purpose: "assemblea".into(),
            for_whom: Some(BookingFor::Me),
            replaces: None,
            weeks: None,
            days: None,
        }
    }

    async fn association(t: &Setup, member: &Person, may_book: bool) -> AssociationId {
        let id = AssociationId::new("orti-uniti");
        let a = Association {
            id: id.clone(),
            name: "Orti Uniti".into(),
            territory: TerritoryId::new("centocelle"),
            created_at: t.now,
        };
        t.store().association_put(&a).await.unwrap();
        let m = Membership { association: id.clone(), person: member.id, may_book };
        t.store().association_member_put(&m, t.now).await.unwrap();
        id
    }

    #[tokio::test]
    async fn a_free_slot_is_booked_with_its_reminders() {
        let t = Setup::new().await;
        let ann = t.person("ann").await;
        let done = book(&ann, input(slot(1, 15, 17)), t.store(), t.now, &t.catalogue()).await.unwrap().unwrap();
        assert_eq!(done.bookings.len(), 1);
        let b = &done.bookings[0];
        assert_eq!((b.person, b.status, b.people), (ann.id, BookingStatus::Confirmed, 10));
        assert_eq!(done.events, vec![Event::JobsAdded]);
        assert!(t.store().jobs_count().await.unwrap() >= 2, "the reminders and the no-show check");
        assert_eq!(t.store().bookings_of(ann.id, t.now).await.unwrap().len(), 1);
    }

    #[tokio::test]
    async fn a_slot_against_a_rule_of_the_space_is_refused_and_nothing_is_written() {
        let t = Setup::new().await;
        let ann = t.person("ann").await;
        let c = t.catalogue();
        let past = book(&ann, input(slot(-1, 15, 17)), t.store(), t.now, &c).await.unwrap();
        assert_eq!(past, Err(Refusal::Slot(SlotRefusal::InThePast)));
        let long = book(&ann, input(slot(1, 9, 15)), t.store(), t.now, &c).await.unwrap();
        assert!(matches!(long, Err(Refusal::Slot(SlotRefusal::TooLong { .. }))), "{long:?}");
        let crowd = BookInput { people: Some(500), ..input(slot(1, 15, 17)) };
        let crowd = book(&ann, crowd, t.store(), t.now, &c).await.unwrap();
        assert!(matches!(crowd, Err(Refusal::Slot(SlotRefusal::OverCapacity { .. }))), "{crowd:?}");
        let nowhere = BookInput { space: SpaceId::new("nowhere"), ..input(slot(1, 15, 17)) };
        assert_eq!(book(&ann, nowhere, t.store(), t.now, &c).await.unwrap(), Err(Refusal::Expired));
        assert!(t.store().bookings_of(ann.id, t.now).await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn a_space_closed_by_staff_is_refused_with_the_reason() {
        let t = Setup::new().await;
        let ann = t.person("ann").await;
        let wish = slot(1, 15, 17);
        let (starts, ends) = wish.in_zone(chrono_tz::Europe::Rome).unwrap();
        let closure = SpaceClosure {
            id: 0,
            space: SpaceId::new(SPACE),
            starts: starts - Duration::hours(1),
            ends,
            reason: "lavori".into(),
            created_by: None,
        };
        t.store().space_closure_add(&closure, t.now).await.unwrap();
        let closed = Refusal::Closed { reason: "lavori".into(), until: "2/12 17:00".into() };
        let r = book(&ann, input(wish), t.store(), t.now, &t.catalogue()).await.unwrap();
        assert_eq!(r, Err(closed.clone()));
        let dry = check(&ann, &input(wish), t.store(), t.now, &t.catalogue()).await.unwrap();
        assert_eq!(dry, Err(closed));
    }

    #[tokio::test]
    async fn only_a_booker_of_an_association_books_for_it() {
        let t = Setup::new().await;
        let ann = t.person("ann").await;
        let bob = t.person("bob").await;
        let id = association(&t, &ann, true).await;
        let for_it = BookInput { for_whom: Some(BookingFor::Association(id.clone())), ..input(slot(1, 15, 17)) };
        let r = book(&bob, for_it.clone(), t.store(), t.now, &t.catalogue()).await.unwrap();
        assert_eq!(r, Err(Refusal::NotYours));
        let done = book(&ann, for_it, t.store(), t.now, &t.catalogue()).await.unwrap().unwrap();
        assert_eq!(done.bookings[0].association, Some(id));
    }

    #[tokio::test]
    async fn the_dry_run_asks_for_whom_only_of_people_who_book_for_an_association() {
        let t = Setup::new().await;
        let ann = t.person("ann").await;
        let bob = t.person("bob").await;
        association(&t, &ann, true).await;
        let undecided = BookInput { for_whom: None, ..input(slot(1, 15, 17)) };
        let r = check(&ann, &undecided, t.store(), t.now, &t.catalogue()).await.unwrap().unwrap();
        assert!(matches!(&r, Checked::ChooseWhom(mine) if mine.len() == 1), "{r:?}");
        let r = check(&bob, &undecided, t.store(), t.now, &t.catalogue()).await.unwrap().unwrap();
        assert_eq!(r, Checked::Free { for_whom: Some(BookingFor::Me), needs_approval: false });
    }

    #[tokio::test]
    async fn a_taken_slot_is_refused_and_the_nearest_free_times_are_offered() {
        let t = Setup::new().await;
        let ann = t.person("ann").await;
        let bob = t.person("bob").await;
        let wish = slot(1, 15, 17);
        book(&ann, input(wish), t.store(), t.now, &t.catalogue()).await.unwrap().unwrap();
        let dry = check(&bob, &input(wish), t.store(), t.now, &t.catalogue()).await.unwrap();
        assert_eq!(dry, Err(Refusal::Taken));
        let r = book(&bob, input(wish), t.store(), t.now, &t.catalogue()).await.unwrap();
        assert_eq!(r, Err(Refusal::Taken));
        let alts = alternatives(t.store(), &t.catalogue(), &bob, &input(wish), t.now).await.unwrap();
        assert_eq!(alts.slots.len(), ALTERNATIVES);
        assert_eq!(alts.wait, Some(wish));
        // None overlaps the taken slot and its buffer, and each is as long as the wish.
        for s in &alts.slots {
            assert_eq!(s.minutes(), 120, "{s:?}");
            assert!(s.end <= wish.start || s.start >= wish.end + Duration::minutes(15), "{s:?}");
        }
        // A slot that breaks a rule cannot be waited for.
        let past = alternatives(t.store(), &t.catalogue(), &bob, &input(slot(-1, 15, 17)), t.now).await;
        assert_eq!(past.unwrap().wait, None);
    }

    #[tokio::test]
    async fn the_weekly_quota_of_a_person_is_kept() {
        let t = Setup::new().await;
        let ann = t.person("ann").await;
        let c = t.catalogue();
        book(&ann, input(slot(1, 9, 13)), t.store(), t.now, &c).await.unwrap().unwrap();
        book(&ann, input(slot(2, 9, 13)), t.store(), t.now, &c).await.unwrap().unwrap();
        let r = book(&ann, input(slot(3, 9, 10)), t.store(), t.now, &c).await.unwrap();
        assert_eq!(r, Err(Refusal::Slot(SlotRefusal::OverQuota { hours: 8 })));
    }

    #[tokio::test]
    async fn after_a_quota_refusal_only_slots_the_quota_allows_are_offered() {
        let t = Setup::new().await;
        let ann = t.person("ann").await;
        let c = t.catalogue();
        // Seven of her eight hours this week (Tuesday 1 to Sunday 6 December).
        book(&ann, input(slot(1, 9, 13)), t.store(), t.now, &c).await.unwrap().unwrap();
        book(&ann, input(slot(2, 9, 12)), t.store(), t.now, &c).await.unwrap().unwrap();
        let wish = input(slot(3, 15, 17));
        assert_eq!(
            book(&ann, wish.clone(), t.store(), t.now, &c).await.unwrap(),
            Err(Refusal::Slot(SlotRefusal::OverQuota { hours: 8 }))
        );
        let alts = alternatives(t.store(), &c, &ann, &wish, t.now).await.unwrap();
        assert_eq!(alts.slots.len(), ALTERNATIVES, "{:?}", alts.slots);
        assert_eq!(alts.slots[0], slot(3, 15, 16), "the hour she has left, at the time she asked");
        for s in &alts.slots {
            let offered = BookInput { slot: *s, ..wish.clone() };
            let r = check(&ann, &offered, t.store(), t.now, &c).await.unwrap();
            assert!(r.is_ok(), "{s:?} is offered, so it can be booked: {r:?}");
        }
        // Every hour used: nothing this week, the same time next week.
        book(&ann, input(slot(4, 9, 10)), t.store(), t.now, &c).await.unwrap().unwrap();
        let alts = alternatives(t.store(), &c, &ann, &wish, t.now).await.unwrap();
        assert!(!alts.slots.is_empty());
        for s in &alts.slots {
            assert!(s.start.date() >= slot(6, 0, 0).start.date(), "not this week: {s:?}");
            let offered = BookInput { slot: *s, ..wish.clone() };
            assert!(check(&ann, &offered, t.store(), t.now, &c).await.unwrap().is_ok(), "{s:?}");
        }
        assert_eq!(alts.slots[0], slot(10, 15, 17), "a week on, at the time she asked");
    }

    #[tokio::test]
    async fn a_range_of_days_skips_and_lists_the_days_that_cannot_be_booked() {
        let t = Setup::new().await;
        let ann = t.person("ann").await;
        let bob = t.person("bob").await;
        book(&bob, input(slot(2, 15, 17)), t.store(), t.now, &t.catalogue()).await.unwrap().unwrap();
        let range = BookInput { days: Some(3), ..input(slot(1, 15, 17)) };
        let done = book(&ann, range, t.store(), t.now, &t.catalogue()).await.unwrap().unwrap();
        assert_eq!(done.series, Some(Series::Daily));
        assert_eq!(done.bookings.len(), 2);
        assert_eq!(done.skipped, vec![(slot(2, 15, 17), Skipped::Unavailable)]);
    }

    #[tokio::test]
    async fn a_weekly_series_is_for_associations_and_stops_at_their_quota() {
        let t = Setup::new().await;
        let ann = t.person("ann").await;
        let id = association(&t, &ann, true).await;
        // For herself: one date.
        let mine = BookInput { weeks: Some(3), ..input(slot(1, 9, 11)) };
        let done = book(&ann, mine, t.store(), t.now, &t.catalogue()).await.unwrap().unwrap();
        assert_eq!((done.series, done.bookings.len()), (None, 1));
        // For the association: every week, a week over its 12 hours skipped.
        let c = t.catalogue();
        // 8 December is a holiday: the 9th to the 11th.
        for day in [8, 9, 10] {
            let four = BookInput { for_whom: Some(BookingFor::Association(id.clone())), ..input(slot(day, 9, 13)) };
            book(&ann, four, t.store(), t.now, &c).await.unwrap().unwrap();
        }
        let weekly =
            BookInput { for_whom: Some(BookingFor::Association(id.clone())), weeks: Some(3), ..input(slot(1, 15, 17)) };
        let done = book(&ann, weekly, t.store(), t.now, &c).await.unwrap().unwrap();
        assert_eq!(done.series, Some(Series::Weekly));
        assert_eq!(done.bookings.len(), 2);
        assert_eq!(done.skipped, vec![(slot(8, 15, 17), Skipped::Quota)]);
    }
}
