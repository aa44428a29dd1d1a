//! Bookable spaces of welfare houses and their rules, bookings, and the checks a wished slot
//! must pass: opening hours, duration, booking window, notice, capacity, and free time.
//!
//! Plain values: the spaces come from `config/spaces.toml` (parsed here, read by the caller),
//! the busy times from the store, "now" from the caller. Overlaps are finally refused by the
//! database itself; the checks here give people reasons and alternatives.

use super::schedule::{Schedule, WeeklyHours};
use super::{AssociationId, Lang, LocationId, PersonId, SpaceId};
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;

/// A booking's id, assigned by the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct BookingId(pub i64);

impl fmt::Display for BookingId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Where a booking stands. Held, pending and confirmed bookings occupy their space.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BookingStatus {
    /// Offered to the first person on the waitlist, kept for them until they answer or the
    /// hold runs out.
    Held,
    /// Waiting for staff approval.
    Pending,
    Confirmed,
    Cancelled,
    Declined,
    /// Released because nobody checked in.
    Released,
}

impl BookingStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Held => "held",
            Self::Pending => "pending",
            Self::Confirmed => "confirmed",
            Self::Cancelled => "cancelled",
            Self::Declined => "declined",
            Self::Released => "released",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Some(match raw {
            "held" => Self::Held,
            "pending" => Self::Pending,
            "confirmed" => Self::Confirmed,
            "cancelled" => Self::Cancelled,
            "declined" => Self::Declined,
            "released" => Self::Released,
            _ => return None,
        })
    }

    /// Whether the booking occupies its space.
    pub fn is_live(self) -> bool {
        matches!(self, Self::Held | Self::Pending | Self::Confirmed)
    }
}

/// A booking as stored. Times are instants (UTC); `zone` is the house's, for showing them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Booking {
    pub id: BookingId,
    pub house: LocationId,
    pub space: SpaceId,
    pub person: PersonId,
    pub status: BookingStatus,
    pub starts: DateTime<Utc>,
    pub ends: DateTime<Utc>,
    #[serde(serialize_with = "zone_name")]
    pub zone: Tz,
    pub people: u32,
    pub purpose: String,
    pub created_at: DateTime<Utc>,
    pub checked_in_at: Option<DateTime<Utc>>,
    /// Booked on behalf of this association (its quota, not the person's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub association: Option<AssociationId>,
}

fn zone_name<S: serde::Serializer>(zone: &Tz, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(zone.name())
}

impl Booking {
    pub fn local_start(&self) -> NaiveDateTime {
        self.starts.with_timezone(&self.zone).naive_local()
    }

    pub fn local_end(&self) -> NaiveDateTime {
        self.ends.with_timezone(&self.zone).naive_local()
    }
}

/// A booking to write: the record, and the units it occupies until `busy_until` (its end plus
/// the space's buffer).
#[derive(Debug, Clone, PartialEq)]
pub struct NewBooking {
    pub house: LocationId,
    pub space: SpaceId,
    pub person: PersonId,
    pub status: BookingStatus,
    pub starts: DateTime<Utc>,
    pub ends: DateTime<Utc>,
    pub zone: Tz,
    pub people: u32,
    pub purpose: String,
    pub units: Vec<UnitId>,
    pub busy_until: DateTime<Utc>,
    /// A live booking of the same person this one replaces (moved to another time): it is
    /// cancelled in the same transaction, and stays as it was if the new one is refused.
    pub replaces: Option<BookingId>,
    /// Booked on behalf of this association.
    pub association: Option<AssociationId>,
}

/// Someone waiting for a taken slot of a space.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitEntry {
    pub id: i64,
    pub space: SpaceId,
    pub person: PersonId,
    pub starts: DateTime<Utc>,
    pub ends: DateTime<Utc>,
    pub people: u32,
    pub purpose: String,
}

/// A space closed by staff for a time, with a reason (on top of the house's hours).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SpaceClosure {
    pub id: i64,
    pub space: SpaceId,
    pub starts: DateTime<Utc>,
    pub ends: DateTime<Utc>,
    pub reason: String,
    pub created_by: Option<PersonId>,
}

impl SpaceClosure {
    /// Whether it closes `space` over `[from, to)`: the closed space shares a unit with it (a
    /// closed hall closes its halves, and a closed half the whole hall).
    pub fn closes(&self, spaces: &Spaces, space: &Space, from: DateTime<Utc>, to: DateTime<Utc>) -> bool {
        self.starts < to
            && from < self.ends
            && spaces.space(&self.space).is_some_and(|(_, closed)| closed.units.iter().any(|u| space.units.contains(u)))
    }
}

/// The slot is taken: another live booking occupies one of its units at that time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Taken;

/// An atomic bookable unit: a space that has no parts, or one part of a dividable space. The
/// number is a stable hash of `house/space`, so it does not change when the file is reordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnitId(pub i64);

impl UnitId {
    pub fn of(house: &LocationId, space: &SpaceId) -> Self {
        // FNV-1a, 64 bits.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in house.as_str().bytes().chain([b'/']).chain(space.as_str().bytes()) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        Self(h as i64)
    }
}

/// A space's name in each language.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Names {
    pub it: String,
    pub en: String,
}

impl Names {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::It => &self.it,
            Lang::En => &self.en,
        }
    }
}

/// A bookable space and its rules.
#[derive(Debug, Clone, PartialEq)]
pub struct Space {
    pub id: SpaceId,
    pub house: LocationId,
    pub name: Names,
    /// Folded phrases that name the space in free text.
    pub aliases: Vec<String>,
    pub capacity: u32,
    pub amenities: Vec<String>,
    pub accessible: bool,
    /// The space's own hours; `None` means the house's.
    pub hours: Option<WeeklyHours>,
    pub min_minutes: u32,
    pub max_minutes: u32,
    /// How far ahead it can be booked.
    pub window_days: u32,
    /// How long before the start a booking must be made.
    pub notice_minutes: u32,
    /// Kept free after each booking (cleaning, setting up).
    pub buffer_minutes: u32,
    pub needs_approval: bool,
    /// Hours one person may book per week (Monday to Sunday); `None`: no limit.
    pub weekly_quota_hours: Option<u32>,
    /// Hours one association may book per week in this house; `None`: no limit.
    pub association_weekly_quota_hours: Option<u32>,
    /// The units it occupies: its parts' units, or its own.
    pub units: Vec<UnitId>,
    /// Spaces whose parts it is (a half of a hall names the hall).
    pub part_of: Option<SpaceId>,
}

/// A welfare house with bookable spaces.
#[derive(Debug, Clone, PartialEq)]
pub struct House {
    pub location: LocationId,
    pub zone: Tz,
    pub spaces: Vec<Space>,
}

/// Booking settings shared by every house.
#[derive(Debug, Clone, PartialEq)]
pub struct BookingSettings {
    /// Reminders go this many minutes before the start, largest first.
    pub reminders_minutes: Vec<u32>,
    /// After this many minutes past the start without a check-in, the booking is released.
    pub no_show_grace_minutes: u32,
    /// How long a freed slot is held for the first person waiting.
    pub hold_minutes: u32,
}

/// Every house's spaces, from `config/spaces.toml`.
#[derive(Debug, Clone, PartialEq)]
pub struct Spaces {
    pub settings: BookingSettings,
    pub houses: Vec<House>,
}

/// A problem in the spaces file, naming the key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {key}: {reason}")]
pub struct SpacesError {
    pub file: String,
    pub key: String,
    pub reason: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpacesFile {
    booking: RawSettings,
    #[serde(default)]
    house: Vec<RawHouse>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSettings {
    reminders_minutes: Vec<u32>,
    no_show_grace_minutes: u32,
    hold_minutes: u32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHouse {
    location: String,
    #[serde(default = "rome")]
    zone: String,
    #[serde(default)]
    space: Vec<RawSpace>,
}

fn rome() -> String {
    "Europe/Rome".into()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpace {
    id: String,
    name: Names,
    #[serde(default)]
    aliases: Vec<String>,
    capacity: u32,
    #[serde(default)]
    amenities: Vec<String>,
    #[serde(default)]
    accessible: bool,
    hours: Option<String>,
    min_minutes: u32,
    max_minutes: u32,
    window_days: u32,
    notice_minutes: u32,
    #[serde(default)]
    buffer_minutes: u32,
    #[serde(default)]
    needs_approval: bool,
    weekly_quota_hours: Option<u32>,
    association_weekly_quota_hours: Option<u32>,
    /// Ids of the spaces that are its parts (the halves of a hall).
    #[serde(default)]
    parts: Vec<String>,
}

impl Spaces {
    /// Parses and checks a spaces file; `file` names it in errors.
    pub fn parse(file: &str, text: &str) -> Result<Self, SpacesError> {
        let err = |key: String, reason: String| SpacesError { file: file.to_owned(), key, reason };
        let raw: RawSpacesFile = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| text[..s.start.min(text.len())].lines().count().max(1));
            err(line.map(|l| format!("line {l}")).unwrap_or_else(|| "-".into()), e.message().to_owned())
        })?;
        if raw.booking.hold_minutes == 0 {
            return Err(err("booking.hold_minutes".into(), "must be at least 1".into()));
        }
        if raw.booking.reminders_minutes.contains(&0) {
            return Err(err("booking.reminders_minutes".into(), "reminders must come at least 1 minute before".into()));
        }
        let mut reminders = raw.booking.reminders_minutes.clone();
        reminders.sort_unstable_by(|a, b| b.cmp(a));
        reminders.dedup();
        let mut seen = BTreeSet::new();
        let mut houses = Vec::new();
        for (h, rh) in raw.house.iter().enumerate() {
            let hk = |k: &str| format!("house[{h}].{k}");
            let location = LocationId::parse(&rh.location).map_err(|e| err(hk("location"), e.to_string()))?;
            let zone: Tz = rh.zone.parse().map_err(|_| err(hk("zone"), format!("unknown time zone `{}`", rh.zone)))?;
            let mut spaces = Vec::new();
            for (s, rs) in rh.space.iter().enumerate() {
                let sk = |k: &str| format!("house[{h}].space[{s}].{k}");
                let id = SpaceId::parse(&rs.id).map_err(|e| err(sk("id"), e.to_string()))?;
                if !seen.insert(id.clone()) {
                    return Err(err(sk("id"), format!("`{id}` is used twice")));
                }
                if rs.capacity == 0 {
                    return Err(err(sk("capacity"), "must be at least 1".into()));
                }
                if rs.min_minutes == 0 || rs.min_minutes > rs.max_minutes {
                    return Err(err(sk("min_minutes"), "must be at least 1 and at most max_minutes".into()));
                }
                if rs.max_minutes > 24 * 60 {
                    return Err(err(sk("max_minutes"), "must be at most 1440 (one day)".into()));
                }
                if rs.window_days == 0 {
                    return Err(err(sk("window_days"), "must be at least 1".into()));
                }
                let hours = match &rs.hours {
                    Some(text) => Some(WeeklyHours::parse(text).map_err(|e| err(sk("hours"), e.to_string()))?),
                    None => None,
                };
                spaces.push((
                    rs,
                    Space {
                        id: id.clone(),
                        house: location.clone(),
                        name: rs.name.clone(),
                        aliases: rs
                            .aliases
                            .iter()
                            .chain([&rs.name.it, &rs.name.en])
                            .map(|a| super::text::fold(a))
                            .filter(|a| !a.is_empty())
                            .collect(),
                        capacity: rs.capacity,
                        amenities: rs.amenities.clone(),
                        accessible: rs.accessible,
                        hours,
                        min_minutes: rs.min_minutes,
                        max_minutes: rs.max_minutes,
                        window_days: rs.window_days,
                        notice_minutes: rs.notice_minutes,
                        buffer_minutes: rs.buffer_minutes,
                        needs_approval: rs.needs_approval,
                        weekly_quota_hours: rs.weekly_quota_hours,
                        association_weekly_quota_hours: rs.association_weekly_quota_hours,
                        units: vec![UnitId::of(&location, &id)],
                        part_of: None,
                    },
                ));
            }
            // Parts: a dividable space occupies its parts' units; parts have no parts.
            let ids: Vec<SpaceId> = spaces.iter().map(|(_, s)| s.id.clone()).collect();
            let mut parents: Vec<(usize, Vec<usize>)> = Vec::new();
            for (s, (rs, _)) in spaces.iter().enumerate() {
                let mut idx = Vec::new();
                for p in &rs.parts {
                    let key = format!("house[{h}].space[{s}].parts");
                    let i = ids
                        .iter()
                        .position(|id| id.as_str() == p)
                        .ok_or_else(|| err(key.clone(), format!("`{p}` is no space of this house")))?;
                    if i == s || !spaces[i].0.parts.is_empty() {
                        return Err(err(key, format!("`{p}` cannot be a part: it has parts or is the space itself")));
                    }
                    idx.push(i);
                }
                if !idx.is_empty() {
                    parents.push((s, idx));
                }
            }
            for (s, idx) in parents {
                let units = idx.iter().map(|i| spaces[*i].1.units[0]).collect();
                let parent = spaces[s].1.id.clone();
                for i in idx {
                    spaces[i].1.part_of = Some(parent.clone());
                }
                spaces[s].1.units = units;
            }
            houses.push(House { location, zone, spaces: spaces.into_iter().map(|(_, s)| s).collect() });
        }
        Ok(Self {
            settings: BookingSettings {
                reminders_minutes: reminders,
                no_show_grace_minutes: raw.booking.no_show_grace_minutes,
                hold_minutes: raw.booking.hold_minutes,
            },
            houses,
        })
    }

    pub fn house(&self, location: &LocationId) -> Option<&House> {
        self.houses.iter().find(|h| &h.location == location)
    }

    pub fn space(&self, id: &SpaceId) -> Option<(&House, &Space)> {
        self.houses.iter().find_map(|h| h.spaces.iter().find(|s| &s.id == id).map(|s| (h, s)))
    }

    /// Spaces whose name or alias appears in folded text, longest alias first.
    pub fn named_in(&self, folded: &str) -> Vec<&Space> {
        let padded = format!(" {folded} ");
        let mut found: Vec<(usize, &Space)> = self
            .houses
            .iter()
            .flat_map(|h| &h.spaces)
            .filter_map(|s| {
                s.aliases.iter().filter(|a| padded.contains(&format!(" {a} "))).map(|a| a.len()).max().map(|l| (l, s))
            })
            .collect();
        let best = found.iter().map(|(l, _)| *l).max().unwrap_or(0);
        found.retain(|(l, _)| *l == best);
        found.into_iter().map(|(_, s)| s).collect()
    }
}

/// A wished slot, in the house's local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalSlot {
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
}

impl LocalSlot {
    pub fn minutes(&self) -> i64 {
        (self.end - self.start).num_minutes()
    }

    /// The slot as instants in a zone; `None` when a time does not exist there (the hour
    /// skipped when clocks go forward).
    pub fn in_zone(&self, zone: Tz) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        let s = zone.from_local_datetime(&self.start).earliest()?.with_timezone(&Utc);
        let e = zone.from_local_datetime(&self.end).earliest()?.with_timezone(&Utc);
        Some((s, e))
    }
}

/// Why a wished slot cannot be booked. Each has a message for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    InThePast,
    Empty,
    TooShort {
        min: u32,
    },
    TooLong {
        max: u32,
    },
    TooFarAhead {
        days: u32,
    },
    TooLittleNotice {
        minutes: u32,
    },
    /// The house (or space) is closed for part of the slot.
    Closed,
    NoPeople,
    OverCapacity {
        capacity: u32,
    },
    OverQuota {
        hours: u32,
    },
    /// The association has booked its weekly hours in this house.
    OverAssociationQuota {
        hours: u32,
    },
    /// A time that does not exist in the house's zone.
    NoSuchTime,
}

impl Refusal {
    /// The message id that explains it.
    pub fn message_id(self) -> &'static str {
        match self {
            Self::InThePast => "book-refused-past",
            Self::Empty => "book-refused-empty",
            Self::TooShort { .. } => "book-refused-short",
            Self::TooLong { .. } => "book-refused-long",
            Self::TooFarAhead { .. } => "book-refused-far",
            Self::TooLittleNotice { .. } => "book-refused-notice",
            Self::Closed => "book-refused-closed",
            Self::NoPeople => "book-refused-no-people",
            Self::OverCapacity { .. } => "book-refused-capacity",
            Self::OverQuota { .. } => "book-refused-quota",
            Self::OverAssociationQuota { .. } => "book-refused-association-quota",
            Self::NoSuchTime => "book-refused-no-such-time",
        }
    }

    /// The number the message needs, if any.
    pub fn number(self) -> Option<i64> {
        match self {
            Self::TooShort { min } => Some(i64::from(min)),
            Self::TooLong { max } => Some(i64::from(max)),
            Self::TooFarAhead { days } => Some(i64::from(days)),
            Self::TooLittleNotice { minutes } => Some(i64::from(minutes)),
            Self::OverCapacity { capacity } => Some(i64::from(capacity)),
            Self::OverQuota { hours } | Self::OverAssociationQuota { hours } => Some(i64::from(hours)),
            _ => None,
        }
    }
}

fn minute_of(t: NaiveDateTime) -> u16 {
    (t.time().num_seconds_from_midnight() / 60) as u16
}

/// The hours that apply to a space: its own, or the house's, with the house's holidays and
/// closures either way.
pub fn space_schedule(space: &Space, house_hours: &Schedule) -> Schedule {
    match &space.hours {
        Some(weekly) => Schedule { weekly: weekly.clone(), ..house_hours.clone() },
        None => house_hours.clone(),
    }
}

/// Whether the slot lies within one opening of the schedule on one day.
pub fn within_hours(hours: &Schedule, slot: LocalSlot) -> bool {
    let date = slot.start.date();
    let end_minute = if slot.end.date() == date {
        minute_of(slot.end)
    } else if slot.end.date() == date + Duration::days(1) && slot.end.time() == NaiveTime::MIN {
        1440
    } else {
        return false;
    };
    let start_minute = minute_of(slot.start);
    hours.opens_on(date) && hours.weekly.on(date.weekday()).any(|s| s.opens <= start_minute && end_minute <= s.closes)
}

/// Checks a wished slot against a space's rules (not against other bookings). `people` is
/// checked only when known.
pub fn check_slot(
    space: &Space,
    hours: &Schedule,
    slot: LocalSlot,
    people: Option<u32>,
    now: NaiveDateTime,
) -> Result<(), Refusal> {
    let minutes = slot.minutes();
    if minutes <= 0 {
        return Err(Refusal::Empty);
    }
    if slot.start < now {
        return Err(Refusal::InThePast);
    }
    if minutes < i64::from(space.min_minutes) {
        return Err(Refusal::TooShort { min: space.min_minutes });
    }
    if minutes > i64::from(space.max_minutes) {
        return Err(Refusal::TooLong { max: space.max_minutes });
    }
    if slot.start > now + Duration::days(i64::from(space.window_days)) {
        return Err(Refusal::TooFarAhead { days: space.window_days });
    }
    if slot.start < now + Duration::minutes(i64::from(space.notice_minutes)) {
        return Err(Refusal::TooLittleNotice { minutes: space.notice_minutes });
    }
    match people {
        Some(0) => return Err(Refusal::NoPeople),
        Some(n) if n > space.capacity => return Err(Refusal::OverCapacity { capacity: space.capacity }),
        _ => {}
    }
    if !within_hours(hours, slot) {
        return Err(Refusal::Closed);
    }
    Ok(())
}

/// Whether a slot (plus the space's buffer) is clear of busy intervals (which already carry
/// their own buffer).
pub fn is_free(space: &Space, slot: (DateTime<Utc>, DateTime<Utc>), busy: &[(DateTime<Utc>, DateTime<Utc>)]) -> bool {
    let end = slot.1 + Duration::minutes(i64::from(space.buffer_minutes));
    busy.iter().all(|(s, e)| !(*s < end && slot.0 < *e))
}

/// The free slots of the same length nearest to a wished one, on a half-hour grid, within a
/// week after the wished day: at most `limit`, nearest first.
pub fn alternatives(
    space: &Space,
    hours: &Schedule,
    zone: Tz,
    wish: LocalSlot,
    busy: &[(DateTime<Utc>, DateTime<Utc>)],
    now: NaiveDateTime,
    limit: usize,
) -> Vec<LocalSlot> {
    let length = Duration::minutes(wish.minutes().max(i64::from(space.min_minutes)));
    let mut found: Vec<(i64, LocalSlot)> = Vec::new();
    for offset in 0..=7 {
        let date = wish.start.date() + Duration::days(offset);
        if !hours.opens_on(date) {
            continue;
        }
        for opening in hours.weekly.on(date.weekday()) {
            let mut minute = u32::from(opening.opens).div_ceil(30) * 30;
            while minute + length.num_minutes() as u32 <= u32::from(opening.closes) {
                let start = date.and_time(NaiveTime::MIN) + Duration::minutes(i64::from(minute));
                let slot = LocalSlot { start, end: start + length };
                minute += 30;
                if slot == wish || check_slot(space, hours, slot, None, now).is_err() {
                    continue;
                }
                if let Some(instants) = slot.in_zone(zone)
                    && is_free(space, instants, busy)
                {
                    found.push(((slot.start - wish.start).num_minutes().abs(), slot));
                }
            }
        }
        if found.len() >= limit * 4 {
            break;
        }
    }
    found.sort_by_key(|(d, s)| (*d, s.start));
    found.into_iter().take(limit).map(|(_, s)| s).collect()
}

/// The free stretches of a space on a day, as local times, at least `min_minutes` long.
pub fn free_windows(
    space: &Space,
    hours: &Schedule,
    zone: Tz,
    date: NaiveDate,
    busy: &[(DateTime<Utc>, DateTime<Utc>)],
) -> Vec<LocalSlot> {
    let mut out = Vec::new();
    if !hours.opens_on(date) {
        return out;
    }
    let local = |i: DateTime<Utc>| i.with_timezone(&zone).naive_local();
    for opening in hours.weekly.on(date.weekday()) {
        let open = date.and_time(NaiveTime::MIN) + Duration::minutes(i64::from(opening.opens));
        let close = date.and_time(NaiveTime::MIN) + Duration::minutes(i64::from(opening.closes));
        let mut cursor = open;
        let mut taken: Vec<(NaiveDateTime, NaiveDateTime)> =
            busy.iter().map(|(s, e)| (local(*s), local(*e))).filter(|(s, e)| *s < close && open < *e).collect();
        taken.sort();
        for (s, e) in taken {
            let s = s - Duration::minutes(i64::from(space.buffer_minutes));
            if s > cursor {
                out.push(LocalSlot { start: cursor, end: s.min(close) });
            }
            cursor = cursor.max(e);
        }
        if cursor < close {
            out.push(LocalSlot { start: cursor, end: close });
        }
    }
    out.retain(|s| s.minutes() >= i64::from(space.min_minutes));
    out
}

/// Monday 00:00 of the week holding a date.
pub fn week_start(date: NaiveDate) -> NaiveDateTime {
    (date - Duration::days(i64::from(date.weekday().num_days_from_monday()))).and_time(NaiveTime::MIN)
}

#[cfg(test)]
mod tests {
    use super::*;

    pub const FILE: &str = r#"
[booking]
reminders_minutes = [60, 1440]
no_show_grace_minutes = 15
hold_minutes = 60

[[house]]
location = "casa-a"

[[house.space]]
id = "hall"
name = { it = "Sala grande", en = "Main hall" }
aliases = ["salone"]
capacity = 60
min_minutes = 30
max_minutes = 240
window_days = 60
notice_minutes = 60
buffer_minutes = 15
parts = ["hall-a", "hall-b"]
hours = "mo-sa 09:00-20:00"

[[house.space]]
id = "hall-a"
name = { it = "Sala grande, metà A", en = "Main hall, half A" }
capacity = 30
min_minutes = 30
max_minutes = 240
window_days = 60
notice_minutes = 60
hours = "mo-sa 09:00-20:00"

[[house.space]]
id = "hall-b"
name = { it = "Sala grande, metà B", en = "Main hall, half B" }
capacity = 30
min_minutes = 30
max_minutes = 240
window_days = 60
notice_minutes = 60
hours = "mo-sa 09:00-20:00"
"#;

    fn at(d: u32, h: u32, m: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 12, d).unwrap().and_hms_opt(h, m, 0).unwrap()
    }

    fn hall() -> (Spaces, Space, Schedule) {
        let spaces = Spaces::parse("spaces.toml", FILE).unwrap();
        let space = spaces.space(&SpaceId::new("hall")).unwrap().1.clone();
        let hours = space_schedule(&space, &Schedule::default());
        (spaces, space, hours)
    }

    #[test]
    fn a_dividable_hall_occupies_the_units_of_its_halves() {
        let (spaces, hall, _) = hall();
        let a = spaces.space(&SpaceId::new("hall-a")).unwrap().1;
        let b = spaces.space(&SpaceId::new("hall-b")).unwrap().1;
        assert_eq!(hall.units, vec![a.units[0], b.units[0]]);
        assert_eq!(a.part_of, Some(SpaceId::new("hall")));
        assert_eq!(spaces.settings.reminders_minutes, vec![1440, 60]);
    }

    #[test]
    fn a_bad_spaces_file_names_the_key() {
        let e = Spaces::parse("s.toml", &FILE.replace("capacity = 60", "capacity = 0")).unwrap_err();
        assert_eq!(e.key, "house[0].space[0].capacity");
        let e = Spaces::parse("s.toml", &FILE.replace("\"hall-a\", \"hall-b\"", "\"nope\"")).unwrap_err();
        assert_eq!(e.key, "house[0].space[0].parts");
        assert!(e.reason.contains("nope"));
        let e = Spaces::parse("s.toml", &FILE.replace("capacity = 60", "capacity = 60\ncolour = 1")).unwrap_err();
        assert!(e.to_string().starts_with("s.toml: line "), "{e}");
    }

    #[test]
    fn slots_break_the_rules_with_a_reason_each() {
        let (_, hall, hours) = hall();
        let now = at(5, 10, 0); // Saturday 5 December 2026.
        let slot = |s, e| LocalSlot { start: s, end: e };
        assert_eq!(check_slot(&hall, &hours, slot(at(7, 10, 0), at(7, 12, 0)), Some(20), now), Ok(()));
        assert_eq!(check_slot(&hall, &hours, slot(at(4, 10, 0), at(4, 12, 0)), None, now), Err(Refusal::InThePast));
        assert_eq!(check_slot(&hall, &hours, slot(at(7, 10, 0), at(7, 10, 0)), None, now), Err(Refusal::Empty));
        assert_eq!(
            check_slot(&hall, &hours, slot(at(7, 10, 0), at(7, 19, 0)), None, now),
            Err(Refusal::TooLong { max: 240 })
        );
        assert_eq!(
            check_slot(&hall, &hours, slot(at(5, 10, 30), at(5, 11, 30)), None, now),
            Err(Refusal::TooLittleNotice { minutes: 60 })
        );
        assert_eq!(
            check_slot(&hall, &hours, slot(at(7, 10, 0), at(7, 12, 0)), Some(500), now),
            Err(Refusal::OverCapacity { capacity: 60 })
        );
        // Sunday: closed.
        assert_eq!(check_slot(&hall, &hours, slot(at(6, 10, 0), at(6, 12, 0)), None, now), Err(Refusal::Closed));
        assert_eq!(check_slot(&hall, &hours, slot(at(7, 19, 0), at(7, 21, 0)), None, now), Err(Refusal::Closed));
    }

    #[test]
    fn alternatives_are_the_nearest_free_slots_of_the_same_length() {
        let (_, hall, hours) = hall();
        let zone = chrono_tz::Europe::Rome;
        let now = at(5, 10, 0);
        let wish = LocalSlot { start: at(7, 10, 0), end: at(7, 12, 0) };
        let busy = vec![wish.in_zone(zone).unwrap()];
        let alts = alternatives(&hall, &hours, zone, wish, &busy, now, 3);
        assert_eq!(alts.len(), 3);
        // 08:00 is before opening; 12:00 collides with the buffer; 12:30 is free.
        assert!(alts.iter().all(|a| a.minutes() == 120));
        assert!(alts.iter().all(|a| is_free(&hall, a.in_zone(zone).unwrap(), &busy)));
        assert!(alts.contains(&LocalSlot { start: at(7, 12, 30), end: at(7, 14, 30) }), "{alts:?}");
    }

    #[test]
    fn free_windows_leave_out_bookings_and_their_buffer() {
        let (_, hall, hours) = hall();
        let zone = chrono_tz::Europe::Rome;
        let busy = vec![LocalSlot { start: at(7, 10, 0), end: at(7, 12, 15) }.in_zone(zone).unwrap()];
        let w = free_windows(&hall, &hours, zone, at(7, 0, 0).date(), &busy);
        assert_eq!(
            w,
            vec![
                LocalSlot { start: at(7, 9, 0), end: at(7, 9, 45) },
                LocalSlot { start: at(7, 12, 15), end: at(7, 20, 0) }
            ]
        );
    }
}
