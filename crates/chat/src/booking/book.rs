//! Booking a space of a welfare house by conversation: "vorrei la sala grande sabato
//! pomeriggio per 20 persone", "domani alle 15", "next Tuesday 10-12". Each message fills a
//! draft kept in the flow; what is missing is asked (space, when, people, purpose), and a
//! summary asks for confirmation. The rules are the core's (`vicinato_core::booking::book`
//! and `r#move`: every rule of the slot, for whom, the quota, overlaps and the nearest free
//! alternatives, weekly series for associations, a range of days, moving a booking); this file
//! turns a draft into their input and their outcomes and refusals into replies.
//!
//! Also: "what is free on Saturday at Casa X?" lists the free stretches of each space.

use super::buttons::{BookingButton, SlotArg};
use super::draft::{Ask, Draft, save};
use super::slots::when_msg;
use crate::i18n::Msg;
use crate::wish::{DateProblem, house_in, minute_of_day, read};
use crate::{Block, Button, Flow, Reply, Turn};
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use vicinato_core::booking::Refusal as CoreRefusal;
use vicinato_core::booking::book::{self, BookInput, Checked, Series, Skipped};
use vicinato_core::booking::r#move::{self, MoveInput};
use vicinato_domain::*;
use vicinato_store::StoreError;

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
    let hours = house_schedule(turn, &space);
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
    // Every rule, by the core: the space's, a closure, for whom, the quota, the slot free.
    let snapshot = turn.snapshot.clone();
    let catalogue = super::slots::catalogue(turn.engine, &snapshot);
    let input = input_of(&draft, &space, slot);
    let needs_approval = match book::check(&turn.person, &input, turn.store(), turn.now, &catalogue).await? {
        Err(refusal) => return refused(turn, draft, &space, slot, refusal).await,
        Ok(Checked::ChooseWhom(mine)) => {
            draft.asked = Some(Ask::ForWhom);
            save(turn, &draft).await?;
            return Ok(vec![super::on_behalf::ask_for_whom(&mine)]);
        }
        Ok(Checked::Free { for_whom, needs_approval }) => {
            draft.for_whom = for_whom;
            needs_approval
        }
    };
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
    if needs_approval {
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

/// The core's input for what the draft says, at `slot`.
fn input_of(draft: &Draft, space: &Space, slot: LocalSlot) -> BookInput {
    BookInput {
        space: space.id.clone(),
        slot,
        people: draft.people,
        purpose: draft.purpose.clone().unwrap_or_default(),
        for_whom: draft.for_whom.clone(),
        replaces: draft.replaces,
        weeks: draft.weeks,
        days: draft.days,
    }
}

/// Weekly hours, one line per open day, in the person's language.
/// "A che ora chiude?" right after free times or a space of a house were offered: that
/// house's weekly hours, not a directory search. `None` when no space was offered.
pub(crate) async fn hours_of_offered(turn: &Turn<'_>, payloads: &[String]) -> Result<Option<Reply>, StoreError> {
    let space = payloads.iter().find_map(|p| match BookingButton::parse(p) {
        Some(BookingButton::Space { space, .. }) => Some(space),
        _ => None,
    });
    let house = match space {
        Some(space) => turn.engine.spaces().space(&space).map(|(house, _)| house.location.clone()),
        // Right after a booking was confirmed ("my bookings" offered): the house of the
        // booking just made.
        None if payloads.iter().any(|p| BookingButton::parse(p) == Some(BookingButton::Bookings)) => turn
            .store()
            .bookings_of(turn.person.id, turn.now)
            .await?
            .into_iter()
            .filter(|b| b.status.is_live())
            .max_by_key(|b| (b.created_at, b.id))
            .map(|b| b.house),
        None => None,
    };
    Ok(house.and_then(|h| house_hours(turn, &h)))
}

/// The weekly hours of a welfare house, as "a che ora chiude?" is answered.
pub(crate) fn house_hours(turn: &Turn<'_>, house: &LocationId) -> Option<Reply> {
    let location = turn.snapshot.houses.iter().find(|l| &l.id == house)?;
    let mut reply = Reply::say(Msg::new("book-house-hours").text("house", location.name.clone()));
    reply.blocks.extend(hours_lines(&location.hours.weekly));
    Some(reply)
}

/// "A che ora chiude?" in the middle of a booking: the hours of the house being booked, then
/// the question the booking was asking.
pub(crate) async fn hours_in_the_middle(turn: &Turn<'_>, draft: &Draft) -> Result<Option<Vec<Reply>>, StoreError> {
    let house = draft
        .house
        .clone()
        .or_else(|| draft.space.as_ref().and_then(|s| turn.engine.spaces().space(s).map(|(h, _)| h.location.clone())));
    let Some(reply) = house.and_then(|h| house_hours(turn, &h)) else { return Ok(None) };
    let mut replies = vec![reply];
    replies.extend(crate::offered::load(turn).await?.and_then(|o| o.question));
    Ok(Some(replies))
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

/// A refusal of the core as replies: why, and what to do next (the question again, or the
/// nearest free times and the waitlist).
async fn refused(
    turn: &mut Turn<'_>,
    mut draft: Draft,
    space: &Space,
    slot: LocalSlot,
    refusal: CoreRefusal,
) -> Result<Vec<Reply>, StoreError> {
    let reply = match &refusal {
        CoreRefusal::NotYours | CoreRefusal::NotFound | CoreRefusal::Expired => {
            turn.clear_flow().await?;
            turn.flow = None;
            return Ok(vec![super::slots::refused(&refusal)]);
        }
        CoreRefusal::Taken => Reply::say(Msg::new("book-taken").msg("when", when_msg(slot))),
        CoreRefusal::Slot(Refusal::NoPeople | Refusal::OverCapacity { .. }) => {
            draft.people = None;
            draft.asked = Some(Ask::People);
            save(turn, &draft).await?;
            return Ok(vec![super::slots::refused(&refusal)]);
        }
        CoreRefusal::Slot(Refusal::InThePast | Refusal::Empty | Refusal::TooShort { .. } | Refusal::TooLong { .. }) => {
            draft.from = None;
            draft.to = None;
            draft.length = None;
            draft.part = None;
            draft.asked = Some(Ask::When);
            save(turn, &draft).await?;
            return Ok(vec![super::slots::refused(&refusal)]);
        }
        // Closed at that time: when it is open, then the nearest free times.
        CoreRefusal::Slot(Refusal::Closed) => {
            let mut reply = super::slots::refused(&refusal);
            let hours = house_schedule(turn, space);
            if !hours.weekly.is_empty() {
                reply.blocks.push(Block::Say(Msg::new("book-open-hours").text("space", space.name.get(turn.lang))));
                reply.blocks.extend(hours_lines(&hours.weekly));
            }
            reply
        }
        _ => super::slots::refused(&refusal),
    };
    let mut replies = vec![reply];
    replies.extend(offer_alternatives(turn, &mut draft, space, slot).await?);
    Ok(replies)
}

/// The nearest free times (by the core) as buttons, and the waitlist when the slot is taken.
async fn offer_alternatives(
    turn: &mut Turn<'_>,
    draft: &mut Draft,
    space: &Space,
    wish: LocalSlot,
) -> Result<Vec<Reply>, StoreError> {
    let snapshot = turn.snapshot.clone();
    let catalogue = super::slots::catalogue(turn.engine, &snapshot);
    let alts =
        book::alternatives(turn.store(), &catalogue, &turn.person, &input_of(draft, space, wish), turn.now).await?;
    let wait = alts.wait.map(|wish| {
        Button::msg(Msg::new("button-waitlist"), BookingButton::Wait(SlotArg::new(&space.id, wish)).to_payload())
    });
    draft.asked = Some(Ask::When);
    draft.from = None;
    draft.to = None;
    draft.part = None;
    save(turn, draft).await?;
    if alts.slots.is_empty() {
        return Ok(vec![Reply::id("book-no-alternatives").with_buttons(wait.into_iter().collect())]);
    }
    let buttons =
        alts.slots.iter().map(|s| Button::msg(when_msg(*s), slot_payload(&space.id, *s))).chain(wait).collect();
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

/// Moving a booking (button `bmove:<id>`): same space, people, purpose and association, at a
/// time to choose; the old one stays until the new one is booked. Who may move it is the
/// core's rule (the booker, or staff of the house).
pub async fn move_booking(turn: &mut Turn<'_>, id: BookingId) -> Result<Vec<Reply>, StoreError> {
    let snapshot = turn.snapshot.clone();
    let catalogue = super::slots::catalogue(turn.engine, &snapshot);
    let b = match book::movable(&turn.person, id, turn.store(), &catalogue).await? {
        Ok(b) => b,
        Err(refusal) => return Ok(vec![super::slots::refused(&refusal)]),
    };
    let draft = Draft {
        house: Some(b.house.clone()),
        space: Some(b.space.clone()),
        people: Some(b.people),
        purpose: Some(b.purpose.clone()),
        replaces: Some(b.id),
        for_whom: b.association.clone().map(BookingFor::Association),
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
    let Some((_, space)) = draft.space.as_ref().and_then(|s| spaces.space(s)) else {
        return Ok(vec![Reply::id("button-expired")]);
    };
    let space = space.clone();
    let hours = house_schedule(turn, &space);
    let Some(slot) = slot_of(&draft, &space, &hours) else {
        return advance(turn, draft).await;
    };
    let snapshot = turn.snapshot.clone();
    let catalogue = super::slots::catalogue(turn.engine, &snapshot);
    let done = match draft.replaces {
        Some(booking) => {
            let input =
                MoveInput { booking, start: slot.start, minutes: Some(slot.minutes() as u16), people: draft.people };
            r#move::move_booking(&turn.person, input, turn.store(), turn.now, &catalogue).await?
        }
        None => book::book(&turn.person, input_of(&draft, &space, slot), turn.store(), turn.now, &catalogue).await?,
    };
    let booked = match done {
        Ok(booked) => booked,
        Err(refusal) => return refused(turn, draft, &space, slot, refusal).await,
    };
    turn.clear_flow().await?;
    turn.flow = None;
    super::waitlist::follow(turn.engine, &booked.events, turn.now).await?;
    let mut reply = match (booked.series, booked.bookings.first()) {
        (Some(series), _) => {
            let done = match series {
                Series::Weekly => "book-weekly-done",
                Series::Daily => "book-days-done",
            };
            let mut reply = Reply::say(
                Msg::new(done)
                    .text("space", space_label(turn, &space))
                    .num("n", booked.bookings.len() as i64)
                    .msg("when", when_msg(slot)),
            );
            for (slot, why) in &booked.skipped {
                let why = match why {
                    Skipped::Unavailable => "book-weekly-skipped",
                    Skipped::Quota => "book-series-skipped-quota",
                };
                reply.blocks.push(Block::Say(Msg::new(why).msg("when", when_msg(*slot))));
            }
            reply
        }
        (None, Some(booking)) => {
            let id = if booking.status == BookingStatus::Pending { "book-pending" } else { "book-done" };
            Reply::say(Msg::new(id).text("space", space_label(turn, &space)).msg("when", when_msg(slot)))
        }
        (None, None) => return Ok(vec![Reply::id("button-expired")]),
    };
    if !booked.bookings.is_empty() {
        reply.blocks.push(Block::File(super::slots::calendar_file(turn.engine, turn.lang, &booked.bookings, turn.now)));
    }
    Ok(vec![
        reply.with_buttons(vec![Button::msg(Msg::new("button-my-bookings"), BookingButton::Bookings.to_payload())]),
    ])
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
        let busy = book::busy_around(turn.store(), spaces, space, from).await?;
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
    if !book::may_book_for(turn.store(), turn.person.id, draft.for_whom.as_ref()).await? {
        return Ok(vec![Reply::id("book-for-not-yours")]);
    }
    super::book::advance(turn, draft).await
}

/// An association chosen by token (`bfor:#<token>`, for an id too long for its payload): one
/// of those the person may book for, else not theirs.
pub async fn chosen_by_token(turn: &mut Turn<'_>, token: u64) -> Result<Vec<Reply>, StoreError> {
    let mine = book::bookable(turn.store(), turn.person.id).await?;
    match mine.into_iter().find(|a| super::buttons::association_token(&a.id) == token) {
        Some(a) => chosen(turn, BookingFor::Association(a.id)).await,
        None => Ok(vec![Reply::id("book-for-not-yours")]),
    }
}
