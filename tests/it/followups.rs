//! Follow-ups (issue 15, item 4): after a list or a card, "a che ora chiude?", "quanto
//! costa?", "come ci arrivo?", "e domenica?", "il secondo", "altri", "indietro" and their
//! English forms refer to what was shown; with nothing shown, they say what to ask first.
//! Through the console transport on a real SQLite store with the demo directory and a
//! manual clock (Saturday 28 November 2026, 10:00 in Rome).

use crate::support::*;
use std::sync::Arc;
use vicinato::conversation::Engine;
use vicinato::domain::Lang;

async fn app() -> (Arc<Engine>, tempfile::TempDir) {
    let (store, dir) = sqlite_store().await;
    let (engine, _clock) = engine_on(store, saturday_morning()).await;
    (engine, dir)
}

/// The names of the numbered results a reply lists (its "1. Name" buttons), shortened to
/// a part every later answer carries.
fn listed(reply: &serde_json::Value) -> Vec<String> {
    reply["buttons"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["payload"].as_str().unwrap().starts_with("card:"))
        .map(|b| {
            let label = b["label"].as_str().unwrap();
            let name = label.split_once(". ").map_or(label, |(_, n)| n);
            name.chars().take(20).collect()
        })
        .collect()
}

/// One conversation: a search, then the follow-ups; the names listed and the last answer.
async fn converse(engine: &Engine, who: &str, lang: Lang, search: &str, then: &[&str]) -> (Vec<String>, String) {
    let r = talk(engine, who, Some(lang), &[search]).await;
    let names = listed(r.last().unwrap());
    assert!(names.len() >= 2, "the search lists several services: {}", text(&r[0]));
    let mut last = String::new();
    for line in then {
        let r = talk(engine, who, Some(lang), &[line]).await;
        last = r.iter().map(text).collect::<Vec<_>>().join("\n");
    }
    (names, last)
}

const IT_SEARCH: &str = "mensa a Roma";
const EN_SEARCH: &str = "soup kitchen in Rome";

#[tokio::test]
async fn italian_follow_ups_answer_the_field_asked_about_the_service_shown() {
    let (engine, _dir) = app().await;
    // (who, follow-ups, which item's name the answer carries, what the answer says)
    let corpus: &[(&str, &[&str], usize, &str)] = &[
        ("it1", &["1", "a che ora chiude?"], 0, "Orari di"),
        ("it2", &["il secondo", "quando apre?"], 1, "Orari di"),
        ("it3", &["1", "orari?"], 0, "Orari di"),
        ("it4", &["il primo", "quanto costa?"], 0, "Costo di"),
        ("it5", &["2", "quanto csta"], 1, "Costo di"),
        ("it6", &["1", "come ci arrivo?"], 0, "si trova qui"),
        ("it7", &["il secondo", "dove si trva?"], 1, "si trova qui"),
        ("it8", &["1", "e domenica?"], 0, "domenica"),
        ("it9", &["il secondo"], 1, "Dove:"),
    ];
    for (who, then, item, says) in corpus {
        let (names, last) = converse(&engine, who, Lang::It, IT_SEARCH, then).await;
        assert!(last.contains(says), "{who} {then:?}: {last}");
        assert!(last.contains(&names[*item]), "{who} {then:?} is about {}: {last}", names[*item]);
        assert!(!last.contains("Ho trovato"), "{who} {then:?} is not a new search: {last}");
    }
}

#[tokio::test]
async fn english_follow_ups_answer_the_field_asked_about_the_service_shown() {
    let (engine, _dir) = app().await;
    let corpus: &[(&str, &[&str], usize, &str)] = &[
        ("en1", &["1", "what time does it close?"], 0, "Opening hours of"),
        ("en2", &["the second one", "how much"], 1, "Cost of"),
        ("en3", &["1", "where is it"], 0, "is here:"),
        // The directions exist only in Italian, and the answer says so.
        ("en3b", &["1", "where is it"], 0, "How to get there (in Italian):"),
        ("en4", &["the second one", "is it open saturday"], 1, "Saturday"),
        ("en5", &["2"], 1, "Where:"),
    ];
    for (who, then, item, says) in corpus {
        let (names, last) = converse(&engine, who, Lang::En, EN_SEARCH, then).await;
        assert!(last.contains(says), "{who} {then:?}: {last}");
        assert!(last.contains(&names[*item]), "{who} {then:?} is about {}: {last}", names[*item]);
        assert!(!last.contains("I found"), "{who} {then:?} is not a new search: {last}");
    }
}

#[tokio::test]
async fn more_and_back_page_the_last_list_again() {
    let (engine, _dir) = app().await;
    let (_, last) = converse(&engine, "pia", Lang::It, IT_SEARCH, &["altri"]).await;
    assert!(last.contains("Pagina 2") || last.contains("Non ci sono altri"), "{last}");
    let (names, last) = converse(&engine, "leo", Lang::It, IT_SEARCH, &["1", "indietro"]).await;
    assert!(last.contains("Ho trovato") && last.contains(&names[1]), "the list again: {last}");
    let (names, last) = converse(&engine, "amy", Lang::En, EN_SEARCH, &["2", "back"]).await;
    assert!(last.contains("I found") && last.contains(&names[0]), "the list again: {last}");
}

#[tokio::test]
async fn a_question_about_it_before_anything_was_shown_says_what_to_ask_first() {
    let (engine, _dir) = app().await;
    for (who, lang, line, says) in [
        ("nina", Lang::It, "a che ora chiude?", "Di quale servizio parli?"),
        ("otto", Lang::It, "e domenica?", "Di quale servizio parli?"),
        ("ugo", Lang::It, "indietro", "Di quale servizio parli?"),
        ("kim", Lang::En, "where is it", "Which service do you mean?"),
        ("sam", Lang::En, "how much", "Which service do you mean?"),
    ] {
        let r = talk(&engine, who, Some(lang), &[line]).await;
        let all = r.iter().map(text).collect::<Vec<_>>().join("\n");
        assert!(all.contains(says), "{who} {line}: {all}");
        assert!(!all.contains("Ho trovato") && !all.contains("I found") && !all.contains("Non ho trovato"), "{all}");
    }
}

#[tokio::test]
async fn a_question_about_it_after_a_list_of_several_asks_which_one() {
    let (engine, _dir) = app().await;
    let (_, last) = converse(&engine, "ezio", Lang::It, IT_SEARCH, &["a che ora chiude?"]).await;
    assert!(last.contains("Di quale servizio della lista?"), "{last}");
}

#[tokio::test]
async fn a_search_for_sunday_shows_sundays_hours_and_the_detail_card_the_whole_week() {
    let (engine, _dir) = app().await;
    // Saturday 28 November: "domenica" is the 29th.
    let r = talk(&engine, "dom", Some(Lang::It), &["mensa aperta domenica a Roma"]).await;
    let list = r.iter().map(text).collect::<Vec<_>>().join("\n");
    assert!(list.contains("domenica 29/11"), "the cards show Sunday's hours: {list}");
    assert!(!list.contains("Aperto ora"), "not today's: {list}");
    let r = talk(&engine, "dom", Some(Lang::It), &["1"]).await;
    let detail = r.iter().map(text).collect::<Vec<_>>().join("\n");
    assert!(detail.contains("Orari della settimana:"), "the detail card has the week: {detail}");
    assert!(detail.contains("domenica 29/11"), "and still the day asked: {detail}");
    let r = talk(&engine, "dom", Some(Lang::It), &["a che ora chiude?"]).await;
    let hours = r.iter().map(text).collect::<Vec<_>>().join("\n");
    assert!(hours.contains("domenica 29/11"), "the hours answer starts from the day asked: {hours}");
    let r = talk(&engine, "sun", Some(Lang::En), &["soup kitchen open on sunday in Rome"]).await;
    let list = r.iter().map(text).collect::<Vec<_>>().join("\n");
    assert!(list.contains("on Sunday, 29/11"), "in English too: {list}");
}

#[tokio::test]
async fn an_english_card_shows_english_fields_and_says_which_are_only_in_italian() {
    let (engine, _dir) = app().await;
    let card = |r: Vec<serde_json::Value>| r.iter().map(text).collect::<Vec<_>>().join("\n");
    let c = card(talk(&engine, "en-card", Some(Lang::En), &["help with bills in Centocelle", "1"]).await);
    assert!(c.contains("Who it is for: Residents of Municipio V"), "translated fields carry no mark: {c}");
    assert!(c.contains("Cost: Free"), "{c}");
    assert!(c.contains("Accessibility (in Italian):"), "a place's texts are only in Italian: {c}");
    let c = card(talk(&engine, "it-card", Some(Lang::It), &["aiuto con le bollette a Centocelle", "1"]).await);
    assert!(c.contains("Accessibilità:") && !c.contains("in italiano)"), "{c}");
}
