//! Follow-ups: questions that refer to what the directory just showed ("a che ora chiude?",
//! "quanto costa?", "come ci arrivo?", "e domenica?", "il secondo", "altri", "indietro").
//! A short context is kept beside the flow (`<chat>#context`, with the flow's expiry): the
//! query of the last list, its page and the services shown on it, and the last card opened.
//! The reader is pure (folded words, small typos forgiven); with no context a follow-up is
//! answered with what to ask first, never searched in the directory.

use super::cards::{Card, CardLine, closure_line, day_line, open_line};
use super::context::{Context, load};
use crate::i18n::Msg;
use crate::{Block, Reply, Turn};
use chrono::{Datelike, NaiveDate, Weekday};
use vicinato_domain::text::{fold, typo_budget, within_edits};
use vicinato_domain::*;
use vicinato_store::StoreError;

/// A question about what was just shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FollowUp {
    Hours,
    Cost,
    Where,
    Day(Weekday),
    /// The nth item of the list (from 1).
    Nth(usize),
    More,
    Back,
}

const HOURS: &[&str] = &[
    "a che ora chiude",
    "a che ora apre",
    "a che ora chiudono",
    "a che ora aprono",
    "quando chiude",
    "quando apre",
    "quando chiudono",
    "quando aprono",
    "orari",
    "orario",
    "che orari ha",
    "che orari fa",
    "e aperto adesso",
    "what time does it close",
    "what time does it open",
    "when does it close",
    "when does it open",
    "when is it open",
    "opening hours",
    "hours",
    "what are the hours",
    "is it open now",
];
const COST: &[&str] = &[
    "quanto costa",
    "quanto si paga",
    "costa",
    "si paga",
    "e gratis",
    "e gratuito",
    "costo",
    "prezzo",
    "how much",
    "how much is it",
    "how much does it cost",
    "is it free",
    "cost",
    "price",
    "do i have to pay",
];
const WHERE: &[&str] = &[
    "come ci arrivo",
    "come arrivo",
    "come ci si arriva",
    "dove si trova",
    "dove e",
    "dov e",
    "indirizzo",
    "where is it",
    "where",
    "how do i get there",
    "how to get there",
    "address",
    "whats the address",
    "what is the address",
];
const MORE: &[&str] = &["altri", "altro", "ancora", "altri risultati", "more", "next", "show more", "more results"];
const BACK: &[&str] = &["indietro", "torna indietro", "torna alla lista", "back", "go back", "back to the list"];
const ORDINALS: &[(&str, usize)] = &[
    ("primo", 1),
    ("prima", 1),
    ("secondo", 2),
    ("seconda", 2),
    ("terzo", 3),
    ("terza", 3),
    ("quarto", 4),
    ("quarta", 4),
    ("quinto", 5),
    ("quinta", 5),
    ("first", 1),
    ("second", 2),
    ("third", 3),
    ("fourth", 4),
    ("fifth", 5),
];
const DAYS: &[(&str, Weekday)] = &[
    ("lunedi", Weekday::Mon),
    ("martedi", Weekday::Tue),
    ("mercoledi", Weekday::Wed),
    ("giovedi", Weekday::Thu),
    ("venerdi", Weekday::Fri),
    ("sabato", Weekday::Sat),
    ("domenica", Weekday::Sun),
    ("monday", Weekday::Mon),
    ("tuesday", Weekday::Tue),
    ("wednesday", Weekday::Wed),
    ("thursday", Weekday::Thu),
    ("friday", Weekday::Fri),
    ("saturday", Weekday::Sat),
    ("sunday", Weekday::Sun),
];
/// Words that may stand around a day in "e domenica?", "is it open saturday".
const AROUND_A_DAY: &[&str] = &[
    "e", "ed", "il", "la", "di", "aperto", "aperta", "apre", "e'", "anche", "is", "it", "open", "on", "and", "what",
    "about", "how", "si", "ma",
];
/// Words that may stand around an ordinal ("il secondo", "the second one").
const AROUND_AN_ORDINAL: &[&str] =
    &["il", "la", "lo", "l", "the", "one", "quello", "quella", "numero", "number", "voglio", "vedi"];

fn same_word(a: &str, b: &str) -> bool {
    within_edits(a, b, typo_budget(b).min(typo_budget(a)))
}

fn phrase(said: &str, phrases: &[&str]) -> bool {
    phrases.iter().any(|p| within_edits(said, p, typo_budget(p)))
}

impl FollowUp {
    /// A question about one service (its hours, a day, its cost, where it is), not a move in
    /// the list: a step waiting for a choice can take it as a question, not as its answer.
    pub(crate) fn is_about_a_service(&self) -> bool {
        matches!(self, FollowUp::Hours | FollowUp::Cost | FollowUp::Where | FollowUp::Day(_))
    }
}

/// Reads a short message as a follow-up, or not.
pub(crate) fn read(text: &str) -> Option<FollowUp> {
    let said = fold(text).replace(['?', '!', '.', ','], " ");
    let said = said.split_whitespace().collect::<Vec<_>>().join(" ");
    let said = said.strip_prefix("e ").unwrap_or(&said).to_owned();
    if said.is_empty() || said.chars().count() > 40 {
        return None;
    }
    if let Ok(n) = said.parse::<usize>() {
        return (1..=20).contains(&n).then_some(FollowUp::Nth(n));
    }
    if phrase(&said, HOURS) {
        return Some(FollowUp::Hours);
    }
    if phrase(&said, COST) {
        return Some(FollowUp::Cost);
    }
    if phrase(&said, WHERE) {
        return Some(FollowUp::Where);
    }
    if phrase(&said, MORE) {
        return Some(FollowUp::More);
    }
    if phrase(&said, BACK) {
        return Some(FollowUp::Back);
    }
    let words: Vec<&str> = said.split(' ').collect();
    let day = |w: &str| DAYS.iter().find(|(d, _)| same_word(w, d)).map(|(_, d)| *d);
    let days: Vec<Weekday> = words.iter().filter_map(|w| day(w)).collect();
    if let [d] = days[..]
        && words.iter().all(|w| day(w).is_some() || AROUND_A_DAY.contains(w))
    {
        return Some(FollowUp::Day(d));
    }
    let ordinal = |w: &str| ORDINALS.iter().find(|(o, _)| same_word(w, o)).map(|(_, n)| *n);
    let ordinals: Vec<usize> = words.iter().filter_map(|w| ordinal(w)).collect();
    if let [n] = ordinals[..]
        && words.iter().all(|w| ordinal(w).is_some() || AROUND_AN_ORDINAL.contains(w))
    {
        return Some(FollowUp::Nth(n));
    }
    None
}

/// The service a question about "it" is about: the card opened, else the only one listed.
fn subject(context: &Context) -> Option<&ServiceAtLocationId> {
    context.card.as_ref().or(match &context.shown[..] {
        [one] => Some(one),
        _ => None,
    })
}

fn no_context() -> Vec<Reply> {
    vec![Reply::id("followup-no-context")]
}

/// Answers a follow-up from the context, or says what to ask first.
pub(crate) async fn answer(turn: &mut Turn<'_>, question: FollowUp) -> Result<Vec<Reply>, StoreError> {
    let Some(context) = load(turn).await? else {
        return Ok(no_context());
    };
    match question {
        FollowUp::More | FollowUp::Back => {
            let Some(query) = context.query.clone() else {
                return Ok(no_context());
            };
            let page = if question == FollowUp::More { context.page + 1 } else { context.page };
            super::services::list_page(turn, query, page).await
        }
        FollowUp::Nth(n) => {
            let index = if n >= context.first && n < context.first + context.shown.len() {
                n - context.first
            } else {
                n.saturating_sub(1)
            };
            match context.shown.get(index) {
                Some(id) => super::services::card_detail(turn, &id.clone()).await,
                None if context.shown.is_empty() => Ok(no_context()),
                None => {
                    Ok(vec![Reply::say(Msg::new("followup-no-such-item").num("count", context.shown.len() as i64))])
                }
            }
        }
        FollowUp::Hours | FollowUp::Cost | FollowUp::Where | FollowUp::Day(_) => {
            let Some(id) = subject(&context) else {
                return Ok(vec![if context.shown.is_empty() {
                    Reply::id("followup-no-context")
                } else {
                    Reply::id("followup-which")
                }]);
            };
            let Some(listing) = turn.store().listing(id).await? else {
                return Ok(vec![Reply::id("service-gone")]);
            };
            let asked = context.query.as_ref().and_then(|q| q.open).map(|w| w.date);
            Ok(vec![about(turn, &listing, question, asked)])
        }
    }
}

/// The next date, from `today` on, that falls on a weekday.
fn next_on(today: NaiveDate, d: Weekday) -> NaiveDate {
    let ahead = (7 + d.num_days_from_monday() - today.weekday().num_days_from_monday()) % 7;
    today + chrono::Duration::days(i64::from(ahead))
}

/// One field of a listing, answered; `asked` is the day of the last search, if it named one.
fn about(turn: &Turn<'_>, listing: &Listing, question: FollowUp, asked: Option<NaiveDate>) -> Reply {
    let texts = listing.service.texts_in(turn.lang);
    let name = texts.name.clone();
    let loc = &listing.location;
    let weekly = &listing.sal.schedule.weekly;
    match question {
        FollowUp::Hours => {
            let now = turn.local_now();
            // Asked about a day ("aperto domenica", then "a che ora chiude?"): that day first.
            let first = match asked.filter(|d| *d != now.date()) {
                Some(date) => day_line(&listing.sal.schedule, listing.service.status, date, now.date()),
                None => open_line(&listing.sal.schedule, listing.service.status, now),
            };
            // The day asked (or now), the week in one compact line, the next closures: one
            // block, so it reads as one answer on a small screen.
            let mut lines = vec![CardLine::Msg(first)];
            if weekly.is_empty() {
                lines.push(CardLine::Msg(Msg::new("card-hours-unknown")));
            } else {
                lines.push(CardLine::Timetable(weekly.groups()));
            }
            for c in listing.sal.schedule.closures_ahead(now.date(), 2) {
                lines.push(CardLine::Msg(closure_line(&c, now.date())));
            }
            let mut reply = Reply::say(Msg::new("followup-hours").text("name", name));
            reply.blocks.push(Block::Card(Card { title: String::new(), lines, about: Some(listing.sal.id.clone()) }));
            reply
        }
        FollowUp::Day(d) => {
            // The coming such day, with its holiday or closure if it has one.
            let today = turn.local_now().date();
            let date = next_on(today, d);
            Reply::say(Msg::new("followup-hours").text("name", name)).then(day_line(
                &listing.sal.schedule,
                listing.service.status,
                date,
                today,
            ))
        }
        FollowUp::Cost => {
            if !texts.fees.trim().is_empty() {
                let translated =
                    listing.service.translations.get(&turn.lang).is_some_and(|t| !t.fees.trim().is_empty());
                let id =
                    if turn.lang != Lang::It && !translated { "followup-cost-in-italian" } else { "followup-cost" };
                Reply::say(Msg::new(id).text("name", name).text("text", texts.fees.clone()))
            } else {
                Reply::say(Msg::new("followup-cost-unknown").text("name", name)).then(contact(listing))
            }
        }
        FollowUp::Where => {
            if loc.confidential {
                let house = turn.snapshot.nearest_house(&loc.territory);
                return Reply::say(
                    Msg::new("followup-where-confidential")
                        .text("name", name)
                        .text("house", house.map(|h| h.name.clone()).unwrap_or_default())
                        .text("has_house", if house.is_some() { "yes" } else { "no" }),
                )
                .then(contact(listing));
            }
            let address = [loc.address.street.as_str(), loc.address.city.as_str()]
                .into_iter()
                .filter(|s| !s.trim().is_empty())
                .collect::<Vec<_>>()
                .join(", ");
            let mut reply = Reply::say(
                Msg::new("followup-where").text("name", name).text("place", loc.name.clone()).text("address", address),
            );
            if !loc.transport.trim().is_empty() {
                reply = reply.then(Msg::new(super::cards::transport_id(turn.lang)).text("text", loc.transport.clone()));
            }
            reply
        }
        FollowUp::Nth(_) | FollowUp::More | FollowUp::Back => unreachable!("answered from the list"),
    }
}

fn contact(listing: &Listing) -> Msg {
    let c = &listing.service.contacts;
    let contact = [c.phone.as_str(), c.email.as_str()]
        .into_iter()
        .filter(|s| !s.trim().is_empty())
        .collect::<Vec<_>>()
        .join(" · ");
    if contact.is_empty() { Msg::new("followup-ask-house") } else { Msg::new("card-contact").text("contact", contact) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_cost_and_place_questions_are_read_in_both_languages_with_typos_forgiven() {
        for t in ["a che ora chiude?", "A che ora chiudee", "quando apre?", "orari?", "what time does it close?"] {
            assert_eq!(read(t), Some(FollowUp::Hours), "{t}");
        }
        for t in ["quanto costa?", "quanto cosa", "how much", "Is it free?"] {
            assert_eq!(read(t), Some(FollowUp::Cost), "{t}");
        }
        for t in ["come ci arrivo?", "dove si trova?", "dove si trva", "where is it", "Where is it?"] {
            assert_eq!(read(t), Some(FollowUp::Where), "{t}");
        }
    }

    #[test]
    fn a_day_an_ordinal_more_and_back_are_read_as_follow_ups() {
        assert_eq!(read("e domenica?"), Some(FollowUp::Day(Weekday::Sun)));
        assert_eq!(read("is it open saturday"), Some(FollowUp::Day(Weekday::Sat)));
        assert_eq!(read("e lunedì"), Some(FollowUp::Day(Weekday::Mon)));
        assert_eq!(read("il secondo"), Some(FollowUp::Nth(2)));
        assert_eq!(read("the second one"), Some(FollowUp::Nth(2)));
        assert_eq!(read("3"), Some(FollowUp::Nth(3)));
        assert_eq!(read("altri"), Some(FollowUp::More));
        assert_eq!(read("more"), Some(FollowUp::More));
        assert_eq!(read("indietro"), Some(FollowUp::Back));
        assert_eq!(read("back"), Some(FollowUp::Back));
    }

    #[test]
    fn searches_and_sentences_are_not_follow_ups() {
        for t in [
            "mensa aperta domenica a Ostia",
            "centro anziani",
            "corso di italiano il secondo giorno",
            "domenica mensa",
            "0",
            "ciao",
        ] {
            assert_eq!(read(t), None, "{t}");
        }
    }

    #[test]
    fn a_question_about_it_is_about_the_card_opened_else_the_only_item_listed() {
        let a = ServiceAtLocationId::new("sal-a");
        let b = ServiceAtLocationId::new("sal-b");
        let two = Context { shown: vec![a.clone(), b.clone()], ..Default::default() };
        assert_eq!(subject(&two), None);
        let opened = Context { card: Some(b.clone()), ..two };
        assert_eq!(subject(&opened), Some(&b));
        let one = Context { shown: vec![a.clone()], ..Default::default() };
        assert_eq!(subject(&one), Some(&a));
    }
}
