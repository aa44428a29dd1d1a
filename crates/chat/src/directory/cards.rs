//! Service cards: what a person needs to decide whether to go. Name, what it offers, where
//! (or how to get a confidential address), open now or next opening, how to contact, who
//! may use it. Cards are data; rendering turns them into text in a language.

use crate::i18n::Msg;
use crate::quote::excerpt;
use crate::snapshot::DirectorySnapshot;
use chrono::{Datelike, NaiveDate, NaiveDateTime};
use vicinato_domain::*;

/// One line of a card: a message to translate, or data shown as is.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum CardLine {
    Msg(Msg),
    Text(String),
    /// Spoken languages as ISO codes, named in the reader's language when rendered.
    Languages(Vec<LanguageCode>),
    /// The week's hours, compactly ("lun–ven 09:00–13:00 · sab 09:00–12:00"), weekdays named in
    /// the reader's language when rendered.
    Timetable(Vec<DayGroup>),
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Card {
    pub title: String,
    pub lines: Vec<CardLine>,
    /// The service at its location the card shows: not rendered, for what refers to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub about: Option<ServiceAtLocationId>,
}

/// How much a card shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// In a list of results.
    Summary,
    /// When the person picked the result.
    Full,
}

fn hhmm(t: NaiveDateTime) -> String {
    t.format("%H:%M").to_string()
}

/// The message for how to get to a place: the directions are written in Italian only (a
/// location has no translations), so other languages say so.
pub(crate) fn transport_id(lang: Lang) -> &'static str {
    if lang == Lang::It { "card-transport" } else { "card-transport-in-italian" }
}

/// The open-or-next line of a schedule at a local moment.
pub fn open_line(schedule: &Schedule, status: ServiceStatus, now: NaiveDateTime) -> Msg {
    if status == ServiceStatus::TemporarilyClosed {
        return Msg::new("card-temporarily-closed");
    }
    let always = schedule.weekly.slots().len() == 7
        && schedule.weekly.slots().iter().all(|s| s.opens == 0 && s.closes == 1440)
        && schedule.holidays == HolidayPolicy::Open;
    if always {
        return Msg::new("card-open-always");
    }
    match schedule.state_at(now) {
        OpenState::OpenUntil(until) => Msg::new("card-open-until").text("time", hhmm(until)),
        OpenState::OpensAt(next) => {
            let days = (next.date() - now.date()).num_days();
            let (when, day) = match days {
                0 => ("today", Msg::new("weekday-today")),
                1 => ("tomorrow", Msg::new("weekday-tomorrow")),
                2..=6 => ("other", Msg::new(format!("weekday-{}", next.weekday().num_days_from_monday()))),
                _ => ("date", Msg::new("date-short").text("date", next.format("%d/%m").to_string())),
            };
            Msg::new("card-opens-at").text("when", when).msg("day", day).text("time", hhmm(next))
        }
        OpenState::Unknown => Msg::new("card-hours-unknown"),
    }
}

/// Opening times as people read them: "09:00–13:00, 15:00–18:00".
pub fn times_text(times: &[(u16, u16)]) -> String {
    times.iter().map(|(o, c)| format!("{}–{}", format_minutes(*o), format_minutes(*c))).collect::<Vec<_>>().join(", ")
}

fn short_date(date: NaiveDate, today: NaiveDate) -> String {
    if date.year() == today.year() { date.format("%d/%m").to_string() } else { date.format("%d/%m/%Y").to_string() }
}

/// The hours of a date the person asked about ("aperto domenica"): that day's times, or why
/// it does not open (nothing that weekday, a public holiday, a closure).
pub fn day_line(schedule: &Schedule, status: ServiceStatus, date: NaiveDate, today: NaiveDate) -> Msg {
    if status == ServiceStatus::TemporarilyClosed {
        return Msg::new("card-temporarily-closed");
    }
    if schedule.weekly.is_empty() {
        return Msg::new("card-hours-unknown");
    }
    let day = Msg::new(format!("weekday-{}", date.weekday().num_days_from_monday()));
    let base = |id: &str| Msg::new(id.to_owned()).msg("day", day.clone()).text("date", short_date(date, today));
    match schedule.hours_on(date) {
        DayHours::Open(times) => base("card-day-open").text("times", times_text(&times)),
        DayHours::Closed => base("card-day-closed"),
        DayHours::Holiday => base("card-day-holiday"),
        DayHours::Closure(c) => {
            base("card-day-closure").text("from", short_date(c.from, today)).text("to", short_date(c.to, today))
        }
    }
}

/// A closure coming up, as a line of the detail card.
pub(crate) fn closure_line(c: &Closure, today: NaiveDate) -> Msg {
    let span = if c.from == c.to { "day" } else { "range" };
    Msg::new("card-closure")
        .text("span", span)
        .text("from", short_date(c.from, today))
        .text("to", short_date(c.to, today))
}

/// Builds a card for a listing, in the person's language, at a local moment. `asked` is the
/// day the person asked about, when it is not today: its hours are shown instead of today's.
pub fn card(
    listing: &Listing,
    number: Option<usize>,
    detail: Detail,
    lang: Lang,
    snapshot: &DirectorySnapshot,
    now: NaiveDateTime,
    asked: Option<NaiveDate>,
) -> Card {
    let texts = listing.service.texts_in(lang);
    let loc = &listing.location;
    let title = match number {
        Some(n) => format!("{n}. {}", texts.name),
        None => texts.name.clone(),
    };
    let mut lines = Vec::new();
    let limit = if detail == Detail::Summary { 140 } else { 600 };
    if !texts.description.trim().is_empty() {
        lines.push(CardLine::Text(excerpt(&texts.description, limit)));
        // The data is written in Italian; say so when the reader's language has no version.
        let translated = listing.service.translations.get(&lang).is_some_and(|t| !t.description.trim().is_empty());
        if lang != Lang::It && !translated {
            lines.push(CardLine::Msg(Msg::new("card-only-italian")));
        }
    }
    let area = snapshot.tree.get(&loc.territory).map(|t| t.name.clone()).unwrap_or_default();
    if loc.confidential {
        let house = snapshot.nearest_house(&loc.territory);
        let mut m = Msg::new("card-where-confidential")
            .text("house", house.map(|h| h.name.clone()).unwrap_or_default())
            .text("has_house", if house.is_some() { "yes" } else { "no" });
        m = m.text("area", if area.is_empty() { "none".into() } else { area });
        lines.push(CardLine::Msg(m));
    } else {
        let address = [loc.address.street.as_str(), loc.address.city.as_str()]
            .into_iter()
            .filter(|s| !s.trim().is_empty())
            .collect::<Vec<_>>()
            .join(", ");
        let area = if area.is_empty() || area == loc.address.city { "none".to_owned() } else { area };
        lines.push(CardLine::Msg(
            Msg::new("card-where").text("place", loc.name.clone()).text("address", address).text("area", area),
        ));
    }
    let schedule = &listing.sal.schedule;
    match asked.filter(|d| *d != now.date()) {
        Some(date) => lines.push(CardLine::Msg(day_line(schedule, listing.service.status, date, now.date()))),
        None => lines.push(CardLine::Msg(open_line(schedule, listing.service.status, now))),
    }
    if detail == Detail::Full && listing.service.status != ServiceStatus::TemporarilyClosed {
        if !schedule.weekly.is_empty() {
            lines.push(CardLine::Timetable(schedule.weekly.groups()));
        }
        for c in schedule.closures_ahead(now.date(), 2) {
            lines.push(CardLine::Msg(closure_line(&c, now.date())));
        }
    }
    let c = &listing.service.contacts;
    let contact = [c.phone.as_str(), c.email.as_str()]
        .into_iter()
        .filter(|s| !s.trim().is_empty())
        .collect::<Vec<_>>()
        .join(" · ");
    if !contact.is_empty() {
        lines.push(CardLine::Msg(Msg::new("card-contact").text("contact", contact)));
    }
    // A field the reader's language has no version of is shown in Italian, and says so.
    let translated = listing.service.translations.get(&lang);
    let in_italian = |base: &'static str, marked: &'static str, field: fn(&ServiceTexts) -> &String| {
        let has = translated.is_some_and(|t| !field(t).trim().is_empty());
        if lang != Lang::It && !has { marked } else { base }
    };
    let eligibility = texts.eligibility.trim();
    let ages = match (listing.service.min_age, listing.service.max_age) {
        (Some(a), Some(b)) => Some(Msg::new("age-range").num("min", a.into()).num("max", b.into())),
        (Some(a), None) => Some(Msg::new("age-from").num("min", a.into())),
        (None, Some(b)) => Some(Msg::new("age-to").num("max", b.into())),
        (None, None) => None,
    };
    if !eligibility.is_empty() {
        lines.push(CardLine::Msg(
            Msg::new(in_italian("card-eligibility", "card-eligibility-in-italian", |t| &t.eligibility))
                .text("text", excerpt(eligibility, limit)),
        ));
    } else if let Some(ages) = ages.clone() {
        lines.push(CardLine::Msg(Msg::new("card-eligibility-age").msg("ages", ages)));
    }
    let others: Vec<LanguageCode> = listing.service.languages.iter().filter(|l| l.as_str() != "it").cloned().collect();
    if (detail == Detail::Full || !others.is_empty()) && !listing.service.languages.is_empty() {
        lines.push(CardLine::Languages(listing.service.languages.clone()));
    }
    if detail == Detail::Full {
        if !texts.fees.trim().is_empty() {
            lines.push(CardLine::Msg(
                Msg::new(in_italian("card-fees", "card-fees-in-italian", |t| &t.fees)).text("text", texts.fees.clone()),
            ));
        }
        if !texts.application_process.trim().is_empty() {
            lines.push(CardLine::Msg(
                Msg::new(in_italian("card-how", "card-how-in-italian", |t| &t.application_process))
                    .text("text", texts.application_process.clone()),
            ));
        }
        if !loc.confidential {
            if !loc.accessibility.trim().is_empty() {
                // A location's texts are written in Italian only.
                let id = if lang == Lang::It { "card-accessibility" } else { "card-accessibility-in-italian" };
                lines.push(CardLine::Msg(Msg::new(id).text("text", loc.accessibility.clone())));
            }
            if !loc.transport.trim().is_empty() {
                lines.push(CardLine::Msg(Msg::new(transport_id(lang)).text("text", loc.transport.clone())));
            }
        }
        if !listing.organization_name.is_empty() {
            lines.push(CardLine::Msg(Msg::new("card-provider").text("name", listing.organization_name.clone())));
        }
        if listing.service.origin == Origin::Community {
            lines.push(CardLine::Msg(Msg::new("card-community")));
        }
        if let Some(d) = listing.service.verified {
            lines.push(CardLine::Msg(Msg::new("card-verified").text("date", d.format("%d/%m/%Y").to_string())));
        }
        if listing.service.demo {
            lines.push(CardLine::Msg(Msg::new("card-demo")));
        }
    }
    Card { title, lines, about: Some(listing.sal.id.clone()) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(d: u32, h: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap().and_hms_opt(h, 0, 0).unwrap()
    }

    #[test]
    fn excerpts_end_at_a_sentence_or_word() {
        assert_eq!(excerpt("Breve.", 20), "Breve.");
        assert_eq!(excerpt("Prima frase. Seconda frase lunga", 20), "Prima frase.");
        assert_eq!(excerpt("una parola dopo l'altra", 12), "una parola…");
    }

    #[test]
    fn the_day_asked_shows_its_hours_or_why_it_does_not_open() {
        let s = Schedule {
            weekly: WeeklyHours::parse("mo-sa 09:00-13:00").unwrap(),
            holidays: HolidayPolicy::Closed,
            closures: vec![Closure::parse("2026-12-24/2027-01-06").unwrap()],
        };
        let today = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        let d = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
        let m = day_line(&s, ServiceStatus::Active, d(11, 28), today);
        assert_eq!(m.id, "card-day-open");
        assert!(m.args.iter().any(|(k, v)| k == "times" && *v == crate::i18n::Arg::Text("09:00–13:00".into())));
        assert_eq!(day_line(&s, ServiceStatus::Active, d(11, 29), today).id, "card-day-closed");
        assert_eq!(day_line(&s, ServiceStatus::Active, d(12, 8), today).id, "card-day-holiday");
        let m = day_line(&s, ServiceStatus::Active, d(12, 28), today);
        assert_eq!(m.id, "card-day-closure");
        assert!(m.args.iter().any(|(k, v)| k == "to" && *v == crate::i18n::Arg::Text("06/01/2027".into())));
        assert_eq!(day_line(&s, ServiceStatus::TemporarilyClosed, d(11, 28), today).id, "card-temporarily-closed");
    }

    #[test]
    fn the_open_line_says_today_tomorrow_or_the_weekday() {
        let s = Schedule { weekly: WeeklyHours::parse("mo-fr 09:00-13:00").unwrap(), ..Default::default() };
        // Saturday 28 November 2026: next opening is Monday.
        let m = open_line(&s, ServiceStatus::Active, at(28, 10));
        assert_eq!(m.id, "card-opens-at");
        assert!(m.args.iter().any(|(k, v)| k == "when" && *v == crate::i18n::Arg::Text("other".into())));
        let m = open_line(&s, ServiceStatus::Active, at(27, 10));
        assert_eq!(m.id, "card-open-until");
        let m = open_line(&s, ServiceStatus::TemporarilyClosed, at(27, 10));
        assert_eq!(m.id, "card-temporarily-closed");
    }
}
