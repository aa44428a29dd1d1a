//! `/space`: staff of a house's territory manage its spaces from chat, on top of
//! `config/spaces.toml`: close a space for some days or hours with a reason (the bookings
//! already in that time are listed to them and their bookers are told), reopen it, and switch
//! approval on or off. Kept in the store, so every process sees it at once; booking reads it
//! on every check.

use super::buttons::BookingButton;
use super::slots::needs_approval;
use super::slots::{slot_of, space_name};
use crate::i18n::Msg;
use crate::{Block, Engine, Reply, Turn};
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use vicinato_domain::*;
use vicinato_store::StoreError;

/// What `/space …` asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    List,
    /// `close SPACE D/M[-D/M] [HH:MM-HH:MM] REASON…`
    Close {
        space: String,
        dates: String,
        times: Option<String>,
        reason: String,
    },
    /// `open ID`
    Open(i64),
    /// `approval SPACE on|off|file`: `None` back to the file.
    Approval {
        space: String,
        needs: Option<bool>,
    },
    Usage,
}

impl Action {
    pub fn parse(args: Option<&str>) -> Self {
        let words: Vec<&str> = args.unwrap_or("").split_whitespace().collect();
        let verb = words.first().map(|w| w.to_lowercase());
        let is_times = |w: &str| w.contains('-') && w.chars().all(|c| c.is_ascii_digit() || c == ':' || c == '-');
        match verb.as_deref() {
            None => Self::List,
            Some("close" | "chiudi") if words.len() >= 4 => {
                let times = is_times(words[3]).then(|| words[3].to_owned());
                let rest = if times.is_some() { 4 } else { 3 };
                let reason = words[rest..].join(" ");
                if reason.is_empty() {
                    return Self::Usage;
                }
                Self::Close { space: words[1].into(), dates: words[2].into(), times, reason }
            }
            Some("open" | "riapri") if words.len() == 2 => {
                words[1].trim_start_matches('#').parse().map(Self::Open).unwrap_or(Self::Usage)
            }
            Some("approval" | "approvazione") if words.len() == 3 => {
                let needs = match words[2].to_lowercase().as_str() {
                    "on" | "si" | "sì" | "yes" => Some(true),
                    "off" | "no" => Some(false),
                    "file" => None,
                    _ => return Self::Usage,
                };
                Self::Approval { space: words[1].into(), needs }
            }
            _ => Self::Usage,
        }
    }
}

/// Why the dates of a close command cannot be read: the reply's message id.
const BAD_DATES: &str = "space-bad-dates";
const DATES_OUT_OF_RANGE: &str = "date-out-of-range";

/// Reads `D/M` or `D/M/YYYY`: the coming one when the year is not given. A year outside the
/// window Vicinato reads is refused on its own, so the reply can say so.
fn date_arg(raw: &str, today: NaiveDate) -> Result<NaiveDate, &'static str> {
    let mut parts = raw.split('/');
    let mut number = || parts.next().and_then(|p| p.parse::<u32>().ok()).ok_or(BAD_DATES);
    let (d, m) = (number()?, number()?);
    let date = match parts.next() {
        Some(y) => {
            let year: i32 = y.parse().map_err(|_| BAD_DATES)?;
            if !dates::sane_year(year) {
                return Err(DATES_OUT_OF_RANGE);
            }
            NaiveDate::from_ymd_opt(year, m, d)
        }
        None => NaiveDate::from_ymd_opt(today.year(), m, d)
            .and_then(|this| if this < today { NaiveDate::from_ymd_opt(today.year() + 1, m, d) } else { Some(this) }),
    };
    let date = date.ok_or(BAD_DATES)?;
    if parts.next().is_some() {
        return Err(BAD_DATES);
    }
    if dates::sane_date(date) { Ok(date) } else { Err(DATES_OUT_OF_RANGE) }
}

/// Reads `HH[:MM]-HH[:MM]` as minutes after midnight.
fn times_arg(raw: &str) -> Option<(i64, i64)> {
    let minute = |t: &str| -> Option<i64> {
        let (h, m) = t.split_once(':').unwrap_or((t, "0"));
        let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
        (h <= 24 && m < 60 && h * 60 + m <= 1440).then_some(h * 60 + m)
    };
    let (a, b) = raw.split_once('-')?;
    let (a, b) = (minute(a)?, minute(b)?);
    (a < b).then_some((a, b))
}

/// The local span a close command names: whole days, or the same hours on each day (one
/// closure from the first start to the last end is kept as one stretch per day).
fn spans(
    dates: &str,
    times: Option<&str>,
    today: NaiveDate,
) -> Result<Vec<(NaiveDateTime, NaiveDateTime)>, &'static str> {
    let (first, last) = match dates.split_once('-') {
        Some((a, b)) => (date_arg(a, today)?, date_arg(b, today)?),
        None => (date_arg(dates, today)?, date_arg(dates, today)?),
    };
    let days = (last - first).num_days();
    if !(0..=366).contains(&days) {
        return Err(BAD_DATES);
    }
    let midnight = |d: NaiveDate| d.and_time(NaiveTime::MIN);
    let plus = |t: NaiveDateTime, by: Duration| t.checked_add_signed(by).ok_or(DATES_OUT_OF_RANGE);
    match times {
        None => Ok(vec![(midnight(first), plus(midnight(last), Duration::days(1))?)]),
        Some(t) => {
            let (a, b) = times_arg(t).ok_or(BAD_DATES)?;
            (0..=days)
                .map(|i| {
                    let day = plus(midnight(first), Duration::days(i))?;
                    Ok((plus(day, Duration::minutes(a))?, plus(day, Duration::minutes(b))?))
                })
                .collect()
        }
    }
}

fn house_territory(turn: &Turn<'_>, house: &LocationId) -> Option<TerritoryId> {
    turn.snapshot.houses.iter().find(|h| &h.id == house).map(|h| h.territory.clone())
}

fn may_manage(turn: &Turn<'_>, house: &LocationId) -> bool {
    house_territory(turn, house).is_some_and(|t| turn.person.may(Role::Staff, Some(&t), &turn.snapshot.tree))
}

pub async fn command(turn: &mut Turn<'_>, args: Option<&str>) -> Result<Vec<Reply>, StoreError> {
    if !turn.person.holds(Role::Staff) {
        return Ok(vec![Reply::id("not-allowed").private()]);
    }
    match Action::parse(args) {
        Action::List => list(turn).await,
        Action::Close { space, dates, times, reason } => close(turn, &space, &dates, times.as_deref(), &reason).await,
        Action::Open(id) => reopen(turn, id).await,
        Action::Approval { space, needs } => approval(turn, &space, needs).await,
        Action::Usage => Ok(vec![Reply::id("space-usage").private()]),
    }
}

/// A space staff may manage, or the reply to give.
fn managed<'a>(turn: &Turn<'_>, spaces: &'a Spaces, raw: &str) -> Result<(&'a House, &'a Space), Reply> {
    let Some((house, space)) = SpaceId::parse(raw).ok().and_then(|id| spaces.space(&id)) else {
        return Err(Reply::say(Msg::new("space-unknown").text("space", raw.to_owned())).private());
    };
    if !may_manage(turn, &house.location) {
        return Err(Reply::id("not-allowed").private());
    }
    Ok((house, space))
}

fn local(zone: chrono_tz::Tz, t: NaiveDateTime) -> DateTime<Utc> {
    zone.from_local_datetime(&t).earliest().map(|t| t.with_timezone(&Utc)).unwrap_or(t.and_utc())
}

fn closure_line(engine: &Engine, lang: Lang, c: &SpaceClosure, zone: chrono_tz::Tz) -> Msg {
    let name = engine.spaces().space(&c.space).map(|(_, s)| s.name.get(lang).to_owned()).unwrap_or(c.space.to_string());
    let fmt = |t: DateTime<Utc>| t.with_timezone(&zone).format("%-d/%-m %H:%M").to_string();
    Msg::new("space-closure-line")
        .num("id", c.id)
        .text("space", name)
        .text("from", fmt(c.starts))
        .text("to", fmt(c.ends))
        .text("reason", c.reason.clone())
}

async fn list(turn: &mut Turn<'_>) -> Result<Vec<Reply>, StoreError> {
    let engine = turn.engine;
    let spaces = engine.spaces();
    let mut reply = Reply::id("space-list-intro").private();
    let closures = turn.store().space_closures(turn.now, turn.now + Duration::days(366)).await?;
    for house in spaces.houses.iter().filter(|h| may_manage(turn, &h.location)) {
        for space in &house.spaces {
            let needs = needs_approval(engine, space).await?;
            reply.blocks.push(Block::Say(
                Msg::new("space-line")
                    .text("space", space.name.get(turn.lang))
                    .text("id", space.id.to_string())
                    .msg("approval", Msg::new(if needs { "space-approval-on" } else { "space-approval-off" })),
            ));
            for c in closures.iter().filter(|c| c.space == space.id) {
                reply.blocks.push(Block::Say(closure_line(engine, turn.lang, c, house.zone)));
            }
        }
    }
    if reply.blocks.len() == 1 {
        return Ok(vec![Reply::id("space-none").private()]);
    }
    reply.blocks.push(Block::Say(Msg::new("space-usage")));
    Ok(vec![reply])
}

async fn close(
    turn: &mut Turn<'_>,
    raw: &str,
    dates: &str,
    times: Option<&str>,
    reason: &str,
) -> Result<Vec<Reply>, StoreError> {
    let engine = turn.engine;
    let spaces = engine.spaces();
    let (house, space) = match managed(turn, spaces, raw) {
        Ok(found) => found,
        Err(reply) => return Ok(vec![reply]),
    };
    let spans = match spans(dates, times, turn.local_now().date()) {
        Ok(spans) => spans,
        Err(DATES_OUT_OF_RANGE) => {
            let msg = Msg::new(DATES_OUT_OF_RANGE)
                .text("from", dates::MIN_YEAR.to_string())
                .text("to", dates::MAX_YEAR.to_string());
            return Ok(vec![Reply::say(msg).private()]);
        }
        Err(id) => return Ok(vec![Reply::id(id).private()]),
    };
    let reason: String = reason.trim().chars().take(200).collect();
    let mut reply = Reply::say(Msg::new("space-closed").text("space", space_name_of(turn, space))).private();
    let mut affected: Vec<Booking> = Vec::new();
    let mut waits: Vec<WaitEntry> = Vec::new();
    for (from, to) in spans {
        let closure = SpaceClosure {
            id: 0,
            space: space.id.clone(),
            starts: local(house.zone, from),
            ends: local(house.zone, to),
            reason: reason.clone(),
            created_by: Some(turn.person.id),
        };
        let id = turn.store().space_closure_add(&closure, turn.now).await?;
        let closure = SpaceClosure { id, ..closure };
        reply.blocks.push(Block::Say(closure_line(engine, turn.lang, &closure, house.zone)));
        // Live bookings of this space, its parts or its whole, in that time.
        let day_before = closure.starts - Duration::days(1);
        for b in turn.store().bookings_between(Some(&house.location), day_before, closure.ends).await? {
            let shares = spaces.space(&b.space).is_some_and(|(_, s)| s.units.iter().any(|u| space.units.contains(u)));
            if b.status.is_live() && shares && b.starts < closure.ends && closure.starts < b.ends {
                affected.push(b);
            }
        }
        // Nobody keeps waiting for a time the space is closed: the waits it covers end.
        for other in spaces.houses.iter().flat_map(|h| &h.spaces) {
            if other.units.iter().any(|u| space.units.contains(u)) {
                waits.extend(turn.store().waitlist_close(&other.id, closure.starts, closure.ends).await?);
            }
        }
    }
    let mut notes = Vec::new();
    for w in &waits {
        let Some(person) = turn.store().person(w.person).await? else { continue };
        let lang = person.language.unwrap_or(engine.settings().default_lang);
        let name = spaces.space(&w.space).map(|(_, s)| s.name.get(lang).to_owned()).unwrap_or_default();
        let slot = LocalSlot {
            start: w.starts.with_timezone(&house.zone).naive_local(),
            end: w.ends.with_timezone(&house.zone).naive_local(),
        };
        let msg = Msg::new("waitlist-closed")
            .text("space", name)
            .msg("when", super::slots::when_msg(slot))
            .text("reason", reason.clone());
        notes.push(crate::notes::Note::new(w.person, msg, format!("waitlist:{}:closed", w.id)));
    }
    crate::notes::send(engine, &notes, turn.now).await?;
    tracing::info!(actor = %turn.person.id, space = %space.id, affected = affected.len(), "space closed by chat");
    if affected.is_empty() {
        reply.blocks.push(Block::Say(Msg::new("space-closed-no-bookings")));
    } else {
        reply.blocks.push(Block::Say(Msg::new("space-closed-bookings").num("n", affected.len() as i64)));
    }
    let mut told = Vec::new();
    for b in &affected {
        let who = turn.store().person(b.person).await?;
        let name = who.as_ref().map(|p| p.display_name.clone()).unwrap_or_default();
        reply.blocks.push(Block::Say(
            Msg::new("space-closed-booking-line")
                .text("space", space_name(engine, turn.lang, b))
                .msg("when", super::slots::when_msg(slot_of(b)))
                .text("name", name),
        ));
        let Some(booker) = who else { continue };
        let lang = booker.language.unwrap_or(engine.settings().default_lang);
        // A note: put as a job before it is sent, so a network down does not lose it.
        let msg = Msg::new("space-closed-notice")
            .text("space", space_name(engine, lang, b))
            .msg("when", super::slots::when_msg(slot_of(b)))
            .text("reason", reason.clone());
        let key = format!("space-closed:{}:{}", b.id, turn.now.timestamp_micros());
        told.push(
            crate::notes::Note::new(booker.id, msg, key)
                .button(Msg::new("button-move-booking-one"), BookingButton::Move(b.id).to_payload())
                .button(Msg::new("button-cancel-booking-one"), BookingButton::Cancel(b.id).to_payload()),
        );
    }
    crate::notes::send(engine, &told, turn.now).await?;
    Ok(vec![reply])
}

fn space_name_of(turn: &Turn<'_>, space: &Space) -> String {
    space.name.get(turn.lang).to_owned()
}

async fn reopen(turn: &mut Turn<'_>, id: i64) -> Result<Vec<Reply>, StoreError> {
    let engine = turn.engine;
    // Check the right before removing: read it first.
    let all = turn.store().space_closures(DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC).await?;
    let Some(c) = all.into_iter().find(|c| c.id == id) else {
        return Ok(vec![Reply::say(Msg::new("space-closure-unknown").num("id", id)).private()]);
    };
    let house = engine.spaces().space(&c.space).map(|(h, _)| h.location.clone());
    if !house.is_some_and(|h| may_manage(turn, &h)) {
        return Ok(vec![Reply::id("not-allowed").private()]);
    }
    let Some(c) = turn.store().space_closure_remove(id).await? else {
        return Ok(vec![Reply::say(Msg::new("space-closure-unknown").num("id", id)).private()]);
    };
    tracing::info!(actor = %turn.person.id, closure = id, "space reopened by chat");
    let zone = engine.spaces().space(&c.space).map(|(h, _)| h.zone).unwrap_or(chrono_tz::Europe::Rome);
    Ok(vec![Reply::id("space-reopened").then(closure_line(engine, turn.lang, &c, zone)).private()])
}

async fn approval(turn: &mut Turn<'_>, raw: &str, needs: Option<bool>) -> Result<Vec<Reply>, StoreError> {
    let engine = turn.engine;
    let spaces = engine.spaces();
    let space = match managed(turn, spaces, raw) {
        Ok((_, space)) => space,
        Err(reply) => return Ok(vec![reply]),
    };
    turn.store().space_approval_set(&space.id, needs, turn.now).await?;
    let now_needs = needs_approval(engine, space).await?;
    tracing::info!(actor = %turn.person.id, space = %space.id, needs = now_needs, "space approval switched by chat");
    Ok(vec![
        Reply::say(
            Msg::new("space-approval-set")
                .text("space", space_name_of(turn, space))
                .msg("approval", Msg::new(if now_needs { "space-approval-on" } else { "space-approval-off" })),
        )
        .private(),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn space_commands_parse_in_both_languages() {
        assert_eq!(Action::parse(None), Action::List);
        assert_eq!(
            Action::parse(Some("chiudi centocelle-saletta 24/12-26/12 Natale, la Casa è chiusa")),
            Action::Close {
                space: "centocelle-saletta".into(),
                dates: "24/12-26/12".into(),
                times: None,
                reason: "Natale, la Casa è chiusa".into()
            }
        );
        assert_eq!(
            Action::parse(Some("close centocelle-saletta 3/12 10-12 painting")),
            Action::Close {
                space: "centocelle-saletta".into(),
                dates: "3/12".into(),
                times: Some("10-12".into()),
                reason: "painting".into()
            }
        );
        assert_eq!(Action::parse(Some("riapri #4")), Action::Open(4));
        assert_eq!(
            Action::parse(Some("approvazione centocelle-saletta sì")),
            Action::Approval { space: "centocelle-saletta".into(), needs: Some(true) }
        );
        assert_eq!(Action::parse(Some("close centocelle-saletta 3/12")), Action::Usage);
        assert_eq!(Action::parse(Some("approval x maybe")), Action::Usage);
    }

    #[test]
    fn closing_spans_whole_days_or_the_same_hours_each_day() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        let at = |m, d, h| NaiveDate::from_ymd_opt(2026, m, d).unwrap().and_hms_opt(h, 0, 0).unwrap();
        assert_eq!(spans("24/12-26/12", None, today), Ok(vec![(at(12, 24, 0), at(12, 27, 0))]));
        assert_eq!(
            spans("1/12-2/12", Some("10-12"), today),
            Ok(vec![(at(12, 1, 10), at(12, 1, 12)), (at(12, 2, 10), at(12, 2, 12))])
        );
        assert_eq!(spans("3/1", None, today).unwrap()[0].0.date(), NaiveDate::from_ymd_opt(2027, 1, 3).unwrap());
        assert_eq!(spans("31/2", None, today), Err(BAD_DATES));
        // A year far ahead overflowed the arithmetic and stopped the process.
        assert_eq!(spans("31/12/262142", None, today), Err(DATES_OUT_OF_RANGE));
        assert_eq!(spans("31/12/2100", Some("10-12"), today).map(|s| s.len()), Ok(1));
        assert_eq!(spans("1/1/99999-2/1/99999", Some("10-12"), today), Err(DATES_OUT_OF_RANGE));
        assert_eq!(spans("1/12", Some("12-10"), today), Err(BAD_DATES));
    }
}
