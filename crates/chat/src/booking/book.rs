//! Booking a space of a welfare house by conversation: "vorrei la sala grande sabato
//! pomeriggio per 20 persone", "domani alle 15", "next Tuesday 10-12". Each message fills a
//! draft kept in the flow; what is missing is asked (space, when, people, purpose), every rule
//! is checked with a reason when it fails, a taken slot gets the nearest free alternatives, and
//! a summary asks for confirmation. The database has the last word on overlaps.
//!
//! A booking may be for an association (see `on_behalf`): then it counts against the
//! association's weekly quota, and only then may it repeat every week. "dal 3 al 5 marzo"
//! books the same time on each day, skipping and listing the days that cannot be booked.
//!
//! Also: "what is free on Saturday at Casa X?" lists the free stretches of each space.

use super::buttons::{BookingButton, SlotArg};
use super::draft::{Ask, Draft, save};
use super::slots::{job_keys, jobs_of, when_msg};
use crate::i18n::Msg;
use crate::wish::{DateProblem, house_in, minute_of_day, read};
use crate::{Block, Button, Flow, Reply, Turn};
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use vicinato_domain::*;
use vicinato_store::{Refused, StoreError};

/// The person's local now, in a house's zone.
fn local_now(turn: &Turn<'_>, zone: chrono_tz::Tz) -> NaiveDateTime {
    turn.now.with_timezone(&zone).naive_local()
}

/// Starts booking from free text.
pub async fn from_text(turn: &mut Turn<'_>, text: &str) -> Result<Vec<Reply>, StoreError> {
    let now = turn.local_now();
    let said = read(turn, text, now);
    let mut draft = Draft::default();
    if let Some(problem) = &said.date_problem {
        turn.flow = Some(Flow::Book { draft: draft.clone() });
        return Ok(vec![date_problem_reply(problem)]);
    }
    draft.merge(&said, turn);
    match super::on_behalf::read(turn, text).await? {
        Ok(who) => draft.for_whom = who,
        Err(reply) => return Ok(vec![reply]),
    }
    advance(turn, draft).await
}

/// `/book [words]`.
pub async fn command(turn: &mut Turn<'_>, words: Option<&str>) -> Result<Vec<Reply>, StoreError> {
    match words {
        Some(w) => from_text(turn, w).await,
        None => advance(turn, Draft::default()).await,
    }
}

/// Text typed while a booking is in progress; `None` when it says nothing about the booking.
pub async fn typed(turn: &mut Turn<'_>, mut draft: Draft, text: &str) -> Result<Option<Vec<Reply>>, StoreError> {
    // "sì", "ok", "no" typed at the summary answer it as its buttons do.
    if draft.asked == Some(Ask::Confirm)
        && let Some(yes) = turn.snapshot.understander.answer(text)
    {
        return Ok(Some(confirm(turn, yes).await?));
    }
    let now = turn.local_now();
    let said = read(turn, text, now);
    if let Some(problem) = &said.date_problem {
        return Ok(Some(vec![date_problem_reply(problem)]));
    }
    // A purpose may well name an association ("riunione dell'associazione"): not a choice.
    let who = match draft.asked {
        Some(Ask::Purpose) => None,
        _ => match super::on_behalf::read(turn, text).await? {
            Ok(who) => who,
            Err(reply) => return Ok(Some(vec![reply])),
        },
    };
    if let Some(who) = who {
        draft.for_whom = Some(who);
        if said.is_empty() {
            return Ok(Some(advance(turn, draft).await?));
        }
    }
    let about_the_slot = said.date.is_some()
        || said.from.is_some()
        || said.part.is_some()
        || said.length.is_some()
        || said.people.is_some()
        || !said.spaces.is_empty();
    if draft.asked == Some(Ask::Purpose) && !about_the_slot {
        let purpose: String = text.trim().chars().take(200).collect();
        draft.purpose = Some(purpose);
        return Ok(Some(advance(turn, draft).await?));
    }
    if said.is_empty() || (said.number.is_some() && draft.asked != Some(Ask::People)) {
        if draft.asked == Some(Ask::People) {
            // Asked again, with the space's capacity as the first time.
            let space = draft.space.as_ref().and_then(|id| turn.engine.spaces().space(id));
            let capacity = space.map_or(0, |(_, s)| i64::from(s.capacity));
            return Ok(Some(vec![Reply::say(Msg::new("book-ask-people").num("capacity", capacity))]));
        }
        return Ok(None);
    }
    draft.merge(&said, turn);
    Ok(Some(advance(turn, draft).await?))
}

fn date_problem_reply(problem: &DateProblem) -> Reply {
    match problem {
        DateProblem::NoSuchDate(written) => Reply::say(Msg::new("book-no-such-date").text("date", written.clone())),
        DateProblem::Past => Reply::id("book-refused-past"),
        DateProblem::Range => Reply::say(Msg::new("book-days-too-many").num("n", i64::from(crate::wish::MAX_DAYS))),
        DateProblem::OutOfRange => Reply::say(
            Msg::new("date-out-of-range")
                .text("from", vicinato_domain::dates::MIN_YEAR.to_string())
                .text("to", vicinato_domain::dates::MAX_YEAR.to_string()),
        ),
    }
}

fn space_label(turn: &Turn<'_>, space: &Space) -> String {
    let house = turn.snapshot.houses.iter().find(|h| h.id == space.house).map(|h| h.name.as_str()).unwrap_or("");
    format!("{} – {house}", space.name.get(turn.lang))
}

fn house_schedule(turn: &Turn<'_>, space: &Space) -> Schedule {
    let house = turn.snapshot.houses.iter().find(|h| h.id == space.house).map(|h| h.hours.clone()).unwrap_or_default();
    space_schedule(space, &house)
}

fn slot_payload(space: &SpaceId, slot: LocalSlot) -> String {
    BookingButton::Slot(SlotArg::new(space, slot)).to_payload()
}

/// The slot a draft describes, once it has a date and a time (or a part of the day).
fn slot_of(draft: &Draft, space: &Space, hours: &Schedule) -> Option<LocalSlot> {
    let date = draft.date?;
    let midnight = date.and_time(NaiveTime::MIN);
    let at = |m: u16| midnight + Duration::minutes(i64::from(m));
    if let Some(from) = draft.from {
        let to = match (draft.to, draft.length) {
            (Some(to), _) => to,
            (None, Some(len)) => from.saturating_add(len),
            (None, None) => from.saturating_add((space.min_minutes.max(60)) as u16),
        };
        return Some(LocalSlot { start: at(from), end: at(to.max(from)) });
    }
    let part = draft.part?;
    let (p_from, p_to) = part.span();
    // The first opening that overlaps the part of the day, as long as the space allows.
    let opening = hours.weekly.on(date.weekday()).find(|s| s.opens < p_to && p_from < s.closes);
    let (from, to) = match opening {
        Some(s) => (p_from.max(s.opens), p_to.min(s.closes)),
        None => (p_from, p_to),
    };
    let length = draft.length.map(u32::from).unwrap_or(u32::from(to - from)).min(space.max_minutes) as u16;
    Some(LocalSlot { start: at(from), end: at(from + length) })
}

/// Asks for what is missing, checks what is there, and ends with a summary to confirm.
pub async fn advance(turn: &mut Turn<'_>, mut draft: Draft) -> Result<Vec<Reply>, StoreError> {
    let spaces = turn.engine.spaces();
    // Which space.
    let Some(space) = draft.space.as_ref().and_then(|s| spaces.space(s)).map(|(_, s)| s.clone()) else {
        let choices: Vec<&Space> = spaces
            .houses
            .iter()
            .filter(|h| draft.house.is_none() || draft.house.as_ref() == Some(&h.location))
            .flat_map(|h| &h.spaces)
            .collect();
        if choices.is_empty() {
            turn.clear_flow().await?;
            return Ok(vec![Reply::id("book-no-spaces")]);
        }
        let buttons = choices
            .iter()
            .map(|s| {
                let payload = BookingButton::Space { space: s.id.clone(), date: None }.to_payload();
                Button::text(space_label(turn, s), payload)
            })
            .collect();
        draft.asked = Some(Ask::Space);
        save(turn, &draft).await?;
        return Ok(vec![Reply::id("book-ask-space").with_buttons(buttons)]);
    };
    let Some((house, _)) = spaces.space(&space.id) else {
        return Ok(vec![Reply::id("book-no-spaces")]);
    };
    let zone = house.zone;
    let hours = house_schedule(turn, &space);
    let now = local_now(turn, zone);
    // When.
    let Some(slot) = slot_of(&draft, &space, &hours) else {
        draft.asked = Some(Ask::When);
        save(turn, &draft).await?;
        let mut reply = Reply::say(Msg::new("book-ask-when").text("space", space.name.get(turn.lang)));
        reply.blocks.extend(hours_lines(&hours.weekly));
        if let (Some(date), Some(days)) = (draft.date, draft.days.filter(|d| *d > 1)) {
            let last = date + Duration::days(i64::from(days) - 1);
            reply.blocks.insert(
                0,
                Block::Say(
                    Msg::new("book-ask-time-days")
                        .text("first", date.format("%-d/%-m").to_string())
                        .text("last", last.format("%-d/%-m").to_string())
                        .num("max", i64::from(space.max_minutes)),
                ),
            );
        }
        return Ok(vec![reply]);
    };
    if let Err(refusal) = check_slot(&space, &hours, slot, draft.people, now) {
        return refused(turn, draft, &space, &hours, zone, slot, refusal, now).await;
    }
    let Some(instants) = slot.in_zone(zone) else {
        return refused(turn, draft, &space, &hours, zone, slot, Refusal::NoSuchTime, now).await;
    };
    // Closed by staff for that time.
    if let Some(closure) = super::slots::closure_over(turn.engine, &space, instants.0, instants.1).await? {
        return closed(turn, draft, &space, &hours, zone, slot, &closure, now).await;
    }
    // For me or for an association, then fair use: that one's hours in this house that week.
    if let Some(replies) = super::on_behalf::settle(turn, &mut draft).await? {
        return Ok(replies);
    }
    if let Some(refusal) = super::on_behalf::over_quota(turn, &space, zone, &draft, slot).await? {
        return refused(turn, draft, &space, &hours, zone, slot, refusal, now).await;
    }
    let busy = busy_around(turn, &space, instants.0).await?;
    if !is_free(&space, instants, &busy) {
        let mut replies = vec![Reply::say(Msg::new("book-taken").msg("when", when_msg(slot)))];
        replies.extend(offer_alternatives(turn, &mut draft, &space, &hours, zone, slot, &busy, now).await?);
        return Ok(replies);
    }
    // How many people.
    if draft.people.is_none() {
        draft.asked = Some(Ask::People);
        save(turn, &draft).await?;
        return Ok(vec![Reply::say(Msg::new("book-ask-people").num("capacity", i64::from(space.capacity)))]);
    }
    // What for.
    if draft.purpose.is_none() {
        draft.asked = Some(Ask::Purpose);
        save(turn, &draft).await?;
        return Ok(vec![Reply::id("book-ask-purpose")]);
    }
    draft.asked = Some(Ask::Confirm);
    draft.from = Some(minute_of_day(slot.start));
    draft.to = Some(if slot.end.date() > slot.start.date() { 1440 } else { minute_of_day(slot.end) });
    draft.date = Some(slot.start.date());
    draft.part = None;
    save(turn, &draft).await?;
    let mut summary = Reply::say(
        Msg::new(if draft.replaces.is_some() { "book-summary-move" } else { "book-summary" })
            .text("space", space_label(turn, &space))
            .msg("when", when_msg(slot))
            .num("people", i64::from(draft.people.unwrap_or(0)))
            .text("purpose", draft.purpose.clone().unwrap_or_default()),
    );
    if super::slots::needs_approval(turn.engine, &space).await? {
        summary.blocks.push(Block::Say(Msg::new("book-needs-approval")));
    }
    if let Some(a) = super::on_behalf::association_of(&draft) {
        let name = turn.store().association(&a).await?.map(|a| a.name).unwrap_or_else(|| a.to_string());
        summary.blocks.push(Block::Say(Msg::new("book-summary-for").text("association", name)));
    }
    if draft.weeks.is_some_and(|w| w > 1) && super::on_behalf::association_of(&draft).is_none() {
        // Weekly series are for associations: one date for anyone else.
        draft.weeks = None;
        save(turn, &draft).await?;
        summary.blocks.push(Block::Say(Msg::new("book-weekly-associations-only")));
    }
    if let Some(weeks) = draft.weeks.filter(|w| *w > 1 && draft.replaces.is_none()) {
        summary.blocks.push(Block::Say(Msg::new("book-summary-weekly").num("n", i64::from(weeks))));
    } else if let Some(days) = draft.days.filter(|d| *d > 1 && draft.replaces.is_none()) {
        let last = slot.start.date() + Duration::days(i64::from(days) - 1);
        summary.blocks.push(Block::Say(
            Msg::new("book-summary-days").num("n", i64::from(days)).text("last", last.format("%-d/%-m").to_string()),
        ));
    }
    Ok(vec![summary.with_buttons(vec![
        Button::msg(Msg::new("button-book-confirm"), BookingButton::Confirm(true).to_payload()),
        Button::msg(Msg::new("button-book-cancel"), BookingButton::Confirm(false).to_payload()),
    ])])
}

/// Weekly hours, one line per open day, in the person's language.
/// "A che ora chiude?" right after free times or a space of a house were offered: that
/// house's weekly hours, not a directory search. `None` when no space was offered.
pub(crate) fn hours_of_offered(turn: &Turn<'_>, payloads: &[String]) -> Option<Reply> {
    let space = payloads.iter().find_map(|p| match BookingButton::parse(p) {
        Some(BookingButton::Space { space, .. }) => Some(space),
        _ => None,
    })?;
    let (house, _) = turn.engine.spaces().space(&space)?;
    let location = turn.snapshot.houses.iter().find(|l| l.id == house.location)?;
    let mut reply = Reply::say(Msg::new("book-house-hours").text("house", location.name.clone()));
    reply.blocks.extend(hours_lines(&location.hours.weekly));
    Some(reply)
}

fn hours_lines(weekly: &WeeklyHours) -> Vec<Block> {
    use chrono::Weekday;
    let days = [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri, Weekday::Sat, Weekday::Sun];
    days.iter()
        .enumerate()
        .filter_map(|(i, d)| {
            let times: Vec<String> =
                weekly.on(*d).map(|s| format!("{}–{}", format_minutes(s.opens), format_minutes(s.closes))).collect();
            (!times.is_empty()).then(|| {
                Block::Say(
                    Msg::new("book-hours-day")
                        .msg("day", Msg::new(format!("weekday-{i}")))
                        .text("times", times.join(", ")),
                )
            })
        })
        .collect()
}

async fn busy_around(
    turn: &Turn<'_>,
    space: &Space,
    at: DateTime<Utc>,
) -> Result<Vec<(DateTime<Utc>, DateTime<Utc>)>, StoreError> {
    let (from, to) = (at - Duration::days(1), at + Duration::days(9));
    let mut busy = turn.store().busy(&space.units, from, to).await?;
    busy.extend(super::slots::closed_times(turn.engine, space, from, to).await?);
    Ok(busy)
}

/// The space is closed by staff at that time: the reason, and the nearest open times.
#[allow(clippy::too_many_arguments)]
async fn closed(
    turn: &mut Turn<'_>,
    mut draft: Draft,
    space: &Space,
    hours: &Schedule,
    zone: chrono_tz::Tz,
    slot: LocalSlot,
    closure: &SpaceClosure,
    now: NaiveDateTime,
) -> Result<Vec<Reply>, StoreError> {
    let until = closure.ends.with_timezone(&zone).format("%-d/%-m %H:%M").to_string();
    let mut replies = vec![Reply::say(
        Msg::new("book-refused-space-closed").text("reason", closure.reason.clone()).text("until", until),
    )];
    let busy = busy_around(turn, space, closure.starts).await?;
    replies.extend(offer_alternatives(turn, &mut draft, space, hours, zone, slot, &busy, now).await?);
    Ok(replies)
}

#[allow(clippy::too_many_arguments)]
async fn refused(
    turn: &mut Turn<'_>,
    mut draft: Draft,
    space: &Space,
    hours: &Schedule,
    zone: chrono_tz::Tz,
    slot: LocalSlot,
    refusal: Refusal,
    now: NaiveDateTime,
) -> Result<Vec<Reply>, StoreError> {
    let mut msg = Msg::new(refusal.message_id());
    if let Some(n) = refusal.number() {
        msg = msg.num("n", n);
    }
    let reply = Reply::say(msg);
    match refusal {
        Refusal::NoPeople | Refusal::OverCapacity { .. } => {
            draft.people = None;
            draft.asked = Some(Ask::People);
            save(turn, &draft).await?;
            Ok(vec![reply])
        }
        Refusal::InThePast | Refusal::Empty | Refusal::TooShort { .. } | Refusal::TooLong { .. } => {
            draft.from = None;
            draft.to = None;
            draft.length = None;
            draft.part = None;
            draft.asked = Some(Ask::When);
            save(turn, &draft).await?;
            Ok(vec![reply])
        }
        _ => {
            let busy = match slot.in_zone(zone) {
                Some((s, _)) => busy_around(turn, space, s).await?,
                None => Vec::new(),
            };
            let mut replies = vec![reply];
            replies.extend(offer_alternatives(turn, &mut draft, space, hours, zone, slot, &busy, now).await?);
            Ok(replies)
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn offer_alternatives(
    turn: &mut Turn<'_>,
    draft: &mut Draft,
    space: &Space,
    hours: &Schedule,
    zone: chrono_tz::Tz,
    wish: LocalSlot,
    busy: &[(DateTime<Utc>, DateTime<Utc>)],
    now: NaiveDateTime,
) -> Result<Vec<Reply>, StoreError> {
    let length = wish.minutes().clamp(i64::from(space.min_minutes), i64::from(space.max_minutes));
    let wish = LocalSlot { start: wish.start, end: wish.start + Duration::minutes(length) };
    let alts = alternatives(space, hours, zone, wish, busy, now, 3);
    // Only a slot that is taken (not one that breaks a rule) can be waited for.
    let taken = wish.in_zone(zone).is_some_and(|i| !is_free(space, i, busy))
        && check_slot(space, hours, wish, None, now).is_ok();
    let wait = taken.then(|| {
        Button::msg(Msg::new("button-waitlist"), BookingButton::Wait(SlotArg::new(&space.id, wish)).to_payload())
    });
    draft.asked = Some(Ask::When);
    draft.from = None;
    draft.to = None;
    draft.part = None;
    save(turn, draft).await?;
    if alts.is_empty() {
        return Ok(vec![Reply::id("book-no-alternatives").with_buttons(wait.into_iter().collect())]);
    }
    let buttons = alts.iter().map(|s| Button::msg(when_msg(*s), slot_payload(&space.id, *s))).chain(wait).collect();
    Ok(vec![Reply::id("book-alternatives").with_buttons(buttons)])
}

/// A space chosen by button (`bspace:`), on a day if the button says one.
pub async fn space_chosen(
    turn: &mut Turn<'_>,
    space: SpaceId,
    date: Option<NaiveDate>,
) -> Result<Vec<Reply>, StoreError> {
    let mut draft = match turn.flow.clone() {
        Some(Flow::Book { draft }) => draft,
        _ => Draft::default(),
    };
    let Some((house, _)) = turn.engine.spaces().space(&space) else {
        return Ok(vec![Reply::id("button-expired")]);
    };
    draft.house = Some(house.location.clone());
    draft.space = Some(space);
    if let Some(d) = date {
        draft.date = Some(d);
    }
    advance(turn, draft).await
}

/// Moving one of my bookings (button `bmove:<id>`): same space, people and purpose, at a time
/// to choose; the old one stays until the new one is booked.
pub async fn move_booking(turn: &mut Turn<'_>, id: BookingId) -> Result<Vec<Reply>, StoreError> {
    let booking = turn.store().booking(id).await?.filter(|b| b.person == turn.person.id);
    let Some(b) = booking.filter(|b| b.status.is_live()) else {
        return Ok(vec![Reply::id("booking-not-found")]);
    };
    let draft = Draft {
        house: Some(b.house.clone()),
        space: Some(b.space.clone()),
        people: Some(b.people),
        purpose: Some(b.purpose.clone()),
        replaces: Some(b.id),
        ..Draft::default()
    };
    advance(turn, draft).await
}

/// An alternative slot chosen by button: `space|YYYYMMDDHHMM|minutes`.
pub async fn slot_chosen(turn: &mut Turn<'_>, slot: SlotArg) -> Result<Vec<Reply>, StoreError> {
    let mut draft = match turn.flow.clone() {
        Some(Flow::Book { draft }) => draft,
        _ => return Ok(vec![Reply::id("button-expired")]),
    };
    let SlotArg { space, start, minutes } = slot;
    draft.space = Some(space);
    draft.date = Some(start.date());
    draft.from = Some(minute_of_day(start));
    draft.to = None;
    draft.length = Some(minutes);
    draft.part = None;
    advance(turn, draft).await
}

/// The answer to the summary: book it, or not.
pub async fn confirm(turn: &mut Turn<'_>, yes: bool) -> Result<Vec<Reply>, StoreError> {
    let Some(Flow::Book { draft }) = turn.flow.clone() else {
        return Ok(vec![Reply::id("button-expired")]);
    };
    if !yes {
        turn.clear_flow().await?;
        turn.flow = None;
        return Ok(vec![Reply::id("book-dropped")]);
    }
    if draft.asked != Some(Ask::Confirm) {
        return advance(turn, draft).await;
    }
    let spaces = turn.engine.spaces();
    let Some((house, space)) = draft.space.as_ref().and_then(|s| spaces.space(s)) else {
        return Ok(vec![Reply::id("button-expired")]);
    };
    let (space, zone) = (space.clone(), house.zone);
    let hours = house_schedule(turn, &space);
    let now = local_now(turn, zone);
    let Some(slot) = slot_of(&draft, &space, &hours) else {
        return advance(turn, draft).await;
    };
    if let Err(refusal) = check_slot(&space, &hours, slot, draft.people, now) {
        return refused(turn, draft, &space, &hours, zone, slot, refusal, now).await;
    }
    let Some((starts, ends)) = slot.in_zone(zone) else {
        return refused(turn, draft, &space, &hours, zone, slot, Refusal::NoSuchTime, now).await;
    };
    if !super::on_behalf::allowed(turn, &draft).await? {
        turn.clear_flow().await?;
        turn.flow = None;
        return Ok(vec![Reply::id("book-for-not-yours")]);
    }
    if let Some(closure) = super::slots::closure_over(turn.engine, &space, starts, ends).await? {
        return closed(turn, draft, &space, &hours, zone, slot, &closure, now).await;
    }
    // The quota again: another chat may have booked since the summary was shown.
    if draft.weeks.is_none_or(|w| w <= 1)
        && draft.days.is_none_or(|d| d <= 1)
        && let Some(refusal) = super::on_behalf::over_quota(turn, &space, zone, &draft, slot).await?
    {
        return refused(turn, draft, &space, &hours, zone, slot, refusal, now).await;
    }
    let needs_approval = super::slots::needs_approval(turn.engine, &space).await?;
    let association = super::on_behalf::association_of(&draft);
    if let Some(weeks) = draft.weeks.filter(|w| *w > 1 && draft.replaces.is_none() && association.is_some()) {
        let series = Series { first: slot, step: Duration::weeks(1), count: weeks, done: "book-weekly-done" };
        return book_series(turn, &draft, &space, &hours, zone, series, now).await;
    }
    if let Some(days) = draft.days.filter(|d| *d > 1 && draft.replaces.is_none()) {
        let series = Series { first: slot, step: Duration::days(1), count: days, done: "book-days-done" };
        return book_series(turn, &draft, &space, &hours, zone, series, now).await;
    }
    let new = NewBooking {
        house: space.house.clone(),
        space: space.id.clone(),
        person: turn.person.id,
        status: if needs_approval { BookingStatus::Pending } else { BookingStatus::Confirmed },
        starts,
        ends,
        zone,
        people: draft.people.unwrap_or(1),
        purpose: draft.purpose.clone().unwrap_or_default(),
        units: space.units.clone(),
        busy_until: ends + Duration::minutes(i64::from(space.buffer_minutes)),
        replaces: draft.replaces,
        association,
    };
    // The database checks the quota again in the booking's own transaction: two chats
    // confirming at once cannot together go over it.
    let wish = super::slot_rules::Wish {
        space: &space,
        person: turn.person.id,
        association: new.association.as_ref(),
        replaces: draft.replaces,
        slot,
        people: draft.people,
    };
    let written = match super::slot_rules::quota_check(&wish, zone) {
        Some(quota) => turn.store().booking_insert_within(&new, &quota, turn.now).await?,
        None => turn.store().booking_insert(&new, turn.now).await?.map_err(|_| Refused::Taken),
    };
    match written {
        Ok(booking) => {
            turn.clear_flow().await?;
            turn.flow = None;
            if let Some(old) = draft.replaces {
                // The old slot is free now: its jobs go, and it is offered to the waitlist.
                let old = turn.store().booking(old).await?.unwrap_or_else(|| Booking { id: old, ..booking.clone() });
                unschedule_jobs(turn.engine, &old).await?;
                super::waitlist::freed(turn.engine, &old, turn.now).await?;
            }
            if booking.status == BookingStatus::Confirmed {
                schedule_jobs(turn.engine, &booking, turn.now).await?;
            }
            let id = if booking.status == BookingStatus::Pending { "book-pending" } else { "book-done" };
            let file = super::slots::calendar_file(turn.engine, turn.lang, std::slice::from_ref(&booking), turn.now);
            let mut reply =
                Reply::say(Msg::new(id).text("space", space_label(turn, &space)).msg("when", when_msg(slot)));
            reply.blocks.push(Block::File(file));
            Ok(vec![
                reply.with_buttons(vec![Button::msg(
                    Msg::new("button-my-bookings"),
                    BookingButton::Bookings.to_payload(),
                )]),
            ])
        }
        Err(Refused::OverQuota) => {
            let refusal = match wish.association {
                Some(_) => Refusal::OverAssociationQuota { hours: space.association_weekly_quota_hours.unwrap_or(0) },
                None => Refusal::OverQuota { hours: space.weekly_quota_hours.unwrap_or(0) },
            };
            refused(turn, draft, &space, &hours, zone, slot, refusal, now).await
        }
        Err(Refused::Taken) => {
            let busy = busy_around(turn, &space, starts).await?;
            let mut draft = draft;
            let mut replies = vec![Reply::say(Msg::new("book-taken").msg("when", when_msg(slot)))];
            replies.extend(offer_alternatives(turn, &mut draft, &space, &hours, zone, slot, &busy, now).await?);
            Ok(replies)
        }
    }
}

/// The same slot repeated: every week (associations) or every day of a range.
struct Series {
    first: LocalSlot,
    step: Duration,
    count: u8,
    /// The message that sums up what was booked.
    done: &'static str,
}

/// Books a series; dates that are taken, break a rule or go over the weekly quota are skipped
/// and listed. Each date is checked against the quota with the dates booked before it.
async fn book_series(
    turn: &mut Turn<'_>,
    draft: &Draft,
    space: &Space,
    hours: &Schedule,
    zone: chrono_tz::Tz,
    series: Series,
    now: NaiveDateTime,
) -> Result<Vec<Reply>, StoreError> {
    let first = series.first;
    let association = super::on_behalf::association_of(draft);
    let needs_approval = super::slots::needs_approval(turn.engine, space).await?;
    let mut booked = Vec::new();
    let mut skipped = Vec::new();
    for i in 0..i32::from(series.count) {
        let slot = LocalSlot { start: first.start + series.step * i, end: first.end + series.step * i };
        let instants = match (check_slot(space, hours, slot, draft.people, now), slot.in_zone(zone)) {
            (Ok(()), Some(i)) => i,
            _ => {
                skipped.push((slot, "book-weekly-skipped"));
                continue;
            }
        };
        if super::slots::closure_over(turn.engine, space, instants.0, instants.1).await?.is_some() {
            skipped.push((slot, "book-weekly-skipped"));
            continue;
        }
        if super::on_behalf::over_quota(turn, space, zone, draft, slot).await?.is_some() {
            skipped.push((slot, "book-series-skipped-quota"));
            continue;
        }
        let new = NewBooking {
            house: space.house.clone(),
            space: space.id.clone(),
            person: turn.person.id,
            status: if needs_approval { BookingStatus::Pending } else { BookingStatus::Confirmed },
            starts: instants.0,
            ends: instants.1,
            zone,
            people: draft.people.unwrap_or(1),
            purpose: draft.purpose.clone().unwrap_or_default(),
            units: space.units.clone(),
            busy_until: instants.1 + Duration::minutes(i64::from(space.buffer_minutes)),
            replaces: None,
            association: association.clone(),
        };
        match turn.store().booking_insert(&new, turn.now).await? {
            Ok(b) => {
                if b.status == BookingStatus::Confirmed {
                    schedule_jobs(turn.engine, &b, turn.now).await?;
                }
                booked.push(b);
            }
            Err(Taken) => skipped.push((slot, "book-weekly-skipped")),
        }
    }
    turn.clear_flow().await?;
    turn.flow = None;
    let mut reply = Reply::say(
        Msg::new(series.done)
            .text("space", space_label(turn, space))
            .num("n", booked.len() as i64)
            .msg("when", when_msg(first)),
    );
    for (slot, why) in skipped {
        reply.blocks.push(Block::Say(Msg::new(why).msg("when", when_msg(slot))));
    }
    if !booked.is_empty() {
        reply.blocks.push(Block::File(super::slots::calendar_file(turn.engine, turn.lang, &booked, turn.now)));
    }
    Ok(vec![
        reply.with_buttons(vec![Button::msg(Msg::new("button-my-bookings"), BookingButton::Bookings.to_payload())]),
    ])
}

/// Schedules a confirmed booking's jobs ([`jobs_of`]).
pub async fn schedule_jobs(engine: &crate::Engine, booking: &Booking, now: DateTime<Utc>) -> Result<(), StoreError> {
    for job in jobs_of(engine, booking, now) {
        engine.store().job_put(&job, now).await?;
    }
    engine.jobs_added().notify_one();
    Ok(())
}

/// Removes a booking's jobs ([`job_keys`]).
pub async fn unschedule_jobs(engine: &crate::Engine, booking: &Booking) -> Result<(), StoreError> {
    for key in job_keys(engine, booking) {
        engine.store().job_cancel(&key).await?;
    }
    Ok(())
}

/// "What is free on Saturday at Casa X?": each space's free stretches that day.
pub async fn free(turn: &mut Turn<'_>, text: &str) -> Result<Vec<Reply>, StoreError> {
    let now = turn.local_now();
    let said = read(turn, text, now);
    if let Some(problem) = &said.date_problem {
        return Ok(vec![date_problem_reply(problem)]);
    }
    let date = said.date.unwrap_or(now.date());
    let spaces = turn.engine.spaces();
    let house = said
        .house
        .clone()
        .or_else(|| said.spaces.first().and_then(|s| spaces.space(s)).map(|(h, _)| h.location.clone()))
        .or_else(|| turn.person.home.as_ref().and_then(|t| house_in(turn, t)));
    let Some(house) = house.and_then(|h| spaces.house(&h)) else {
        let buttons = spaces
            .houses
            .iter()
            .filter_map(|h| {
                let name = turn.snapshot.houses.iter().find(|l| l.id == h.location)?.name.clone();
                Some(Button::text(
                    name,
                    BookingButton::Free { house: h.location.clone(), date: Some(date) }.to_payload(),
                ))
            })
            .collect();
        return Ok(vec![Reply::id("book-which-house").with_buttons(buttons)]);
    };
    free_in(turn, house.location.clone(), date).await
}

/// The free stretches of a house's spaces on a day (button `bfree:house|YYYYMMDD`).
pub async fn free_chosen(
    turn: &mut Turn<'_>,
    house: LocationId,
    date: Option<NaiveDate>,
) -> Result<Vec<Reply>, StoreError> {
    let date = date.unwrap_or(turn.local_now().date());
    free_in(turn, house, date).await
}

async fn free_in(turn: &mut Turn<'_>, house: LocationId, date: NaiveDate) -> Result<Vec<Reply>, StoreError> {
    let spaces = turn.engine.spaces();
    let Some(house) = spaces.house(&house) else {
        return Ok(vec![Reply::id("button-expired")]);
    };
    let name = turn.snapshot.houses.iter().find(|l| l.id == house.location).map(|l| l.name.clone()).unwrap_or_default();
    let day = Msg::new(format!("weekday-{}", date.weekday().num_days_from_monday()));
    let mut reply = Reply::say(
        Msg::new("book-free-intro")
            .text("house", name)
            .msg("day", day)
            .text("date", date.format("%-d/%-m").to_string()),
    );
    let from = instant_of(house.zone, date.and_time(NaiveTime::MIN));
    let mut buttons = Vec::new();
    for space in &house.spaces {
        let hours = house_schedule(turn, space);
        let busy = busy_around(turn, space, from).await?;
        // Today, only what is still ahead (from the next quarter hour).
        let now = local_now(turn, house.zone);
        let quarter =
            now.date().and_time(NaiveTime::MIN) + Duration::minutes(((i64::from(minute_of_day(now)) + 14) / 15) * 15);
        let windows: Vec<LocalSlot> = free_windows(space, &hours, house.zone, date, &busy)
            .into_iter()
            .map(|w| LocalSlot { start: w.start.max(quarter), end: w.end })
            .filter(|w| w.minutes() >= i64::from(space.min_minutes))
            .collect();
        let list = windows
            .iter()
            .map(|w| format!("{}–{}", w.start.format("%H:%M"), w.end.format("%H:%M")))
            .collect::<Vec<_>>()
            .join(", ");
        let line = if windows.is_empty() {
            Msg::new("book-free-none").text("space", space.name.get(turn.lang))
        } else {
            Msg::new("book-free-line").text("space", space.name.get(turn.lang)).text("times", list)
        };
        reply.blocks.push(Block::Say(line));
        if !windows.is_empty() {
            buttons.push(Button::text(
                space.name.get(turn.lang),
                BookingButton::Space { space: space.id.clone(), date: Some(date) }.to_payload(),
            ));
        }
    }
    Ok(vec![reply.with_buttons(buttons)])
}

/// Midnight (or the first moment) of a local date in a zone, as an instant.
fn instant_of(zone: chrono_tz::Tz, at: NaiveDateTime) -> DateTime<Utc> {
    use chrono::TimeZone;
    zone.from_local_datetime(&at).earliest().map(|t| t.with_timezone(&Utc)).unwrap_or_else(|| at.and_utc())
}

/// Who a booking is for, chosen by button (`bfor:me`, `bfor:<association>`).
pub async fn chosen(turn: &mut Turn<'_>, whom: BookingFor) -> Result<Vec<Reply>, StoreError> {
    let Some(crate::Flow::Book { mut draft }) = turn.flow.clone() else {
        return Ok(vec![Reply::id("button-expired")]);
    };
    draft.for_whom = Some(whom);
    if !super::on_behalf::allowed(turn, &draft).await? {
        return Ok(vec![Reply::id("book-for-not-yours")]);
    }
    super::book::advance(turn, draft).await
}
