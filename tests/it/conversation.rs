//! Conversations as people write them (issue 15): calls for help answered first in any flow,
//! answers typed instead of buttons, questions asked in the middle of a flow; through the
//! console transport on a real SQLite store with the demo directory and a manual clock.

use crate::support::*;
use std::sync::Arc;
use vicinato::conversation::Engine;
use vicinato::domain::Lang;

async fn app() -> (Arc<Engine>, Arc<vicinato::clock::ManualClock>, tempfile::TempDir) {
    let (store, dir) = sqlite_store().await;
    let (engine, clock) = engine_on(store, saturday_morning()).await;
    (engine, clock, dir)
}

fn all_text(replies: &[serde_json::Value]) -> String {
    replies.iter().map(text).collect::<Vec<_>>().join("\n")
}

#[tokio::test]
async fn a_call_for_help_in_plain_words_gets_the_emergency_numbers_first_and_never_no_results() {
    let (engine, _, _dir) = app().await;
    let r = talk(&engine, "lucia", None, &["mio marito mi picchia"]).await;
    let first = text(&r[0]);
    assert!(first.contains("112"), "{first}");
    assert!(first.contains("1522"), "{first}");
    assert!(first.find("112") < first.find("1522"), "112 first: {first}");
    let all = all_text(&r);
    assert!(!all.contains("Non ho trovato"), "{all}");
    assert!(all.contains("antiviolenza"), "services near follow the contacts: {all}");
    // Self-harm gets a listening line; English is answered in English.
    let r = talk(&engine, "tom", None, &["I dont want to live anymore"]).await;
    let first = text(&r[0]);
    assert!(first.contains("112") && first.contains("2327"), "{first}");
    assert!(first.contains("someone who listens"), "{first}");
}

#[tokio::test]
async fn a_call_for_help_during_onboarding_or_a_booking_is_answered_and_the_flow_waits() {
    let (engine, _, _dir) = app().await;
    let r = talk(&engine, "rosa", None, &["/start", "ho paura di mio marito"]).await;
    assert!(text(&r[1]).contains("1522"), "{}", text(&r[1]));
    // The language question is still there: "italiano" answers it.
    let r = talk(&engine, "rosa", None, &["italiano"]).await;
    assert!(text(&r[0]).contains("In quale zona vivi?"), "{}", text(&r[0]));

    let r =
        talk(&engine, "ada", Some(Lang::It), &["vorrei la sala grande martedì dalle 15 alle 17 per 20 persone"]).await;
    assert!(text(&r[0]).contains("Per cosa ti serve"), "{}", text(&r[0]));
    let r = talk(&engine, "ada", None, &["Im afraid of my husband he hits me"]).await;
    assert!(text(&r[0]).contains("1522"), "{}", text(&r[0]));
    let r = talk(&engine, "ada", None, &["riunione del comitato"]).await;
    assert!(text(&r[0]).contains("Ricapitolo"), "the booking was kept: {}", text(&r[0]));
}

#[tokio::test]
async fn a_film_about_violence_or_a_self_defence_course_is_a_search_not_a_call_for_help() {
    let (engine, _, _dir) = app().await;
    let r = talk(&engine, "gino", Some(Lang::It), &["corso di autodifesa"]).await;
    assert!(!all_text(&r).contains("1522"), "{}", all_text(&r));
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Corpus {
    script: Vec<Script>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Script {
    name: String,
    lang: Option<String>,
    steps: Vec<Step>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Step {
    say: Option<String>,
    press: Option<String>,
    first: Option<String>,
    #[serde(default)]
    has: Vec<String>,
    #[serde(default)]
    not: Vec<String>,
    #[serde(default)]
    buttons: Vec<String>,
    lang: Option<String>,
    /// Words the rendered answer contains (a date).
    text: Option<String>,
    /// The first service card shows a service of this category (or of one of its children).
    category: Option<String>,
    /// The first service card shows a place inside this territory.
    area: Option<String>,
}

/// The message ids of an answer, in order ("card" for a service card).
fn ids(outcome: &vicinato::conversation::Outcome) -> Vec<String> {
    use vicinato::conversation::Block;
    outcome
        .replies
        .iter()
        .flat_map(|r| &r.blocks)
        .map(|b| match b {
            Block::Say(m) => m.id.clone(),
            Block::Card(_) => "card".to_owned(),
            Block::Data(_) => "data".to_owned(),
            Block::File(_) => "file".to_owned(),
            Block::Chart(_) => "chart".to_owned(),
            Block::Media(_) => "media".to_owned(),
        })
        .collect()
}

/// The service of the first card of an answer.
async fn first_card(engine: &Engine, outcome: &vicinato::conversation::Outcome) -> Option<vicinato::domain::Listing> {
    use vicinato::conversation::Block;
    let id = outcome.replies.iter().flat_map(|r| &r.blocks).find_map(|b| match b {
        Block::Card(c) => c.about.clone(),
        _ => None,
    })?;
    engine.store().listing(&id).await.expect("the store answers")
}

#[tokio::test]
async fn the_conversation_corpus_means_what_residents_mean() {
    use vicinato::conversation::{Body, Inbound};
    use vicinato::domain::Network;
    let corpus: Corpus = toml::from_str(include_str!("corpus/conversations.toml")).expect("the corpus reads");
    assert!(corpus.script.len() >= 100, "{} scripts", corpus.script.len());
    let mut failures = Vec::new();
    for (n, script) in corpus.script.iter().enumerate() {
        // Each script on its own store: one booking does not take another's slot.
        let (engine, _, _dir) = app().await;
        let who = format!("corpus-{n}");
        let hint = script.lang.as_deref().and_then(Lang::from_tag);
        let mut offered: Vec<String> = Vec::new();
        for (i, step) in script.steps.iter().enumerate() {
            let mut inbound = Inbound::direct_text(Network::Console, &who, "");
            inbound.lang_hint = hint;
            inbound.body = match (&step.say, &step.press) {
                (Some(text), None) => Body::Text(text.clone()),
                (None, Some(p)) if p == "#yes" => Body::Button(
                    offered.iter().find(|p| p.split(':').skip(1).any(|x| x == "yes")).cloned().unwrap_or_default(),
                ),
                (None, Some(p)) => Body::Button(p.clone()),
                _ => panic!("{}: step {i} needs say or press", script.name),
            };
            let outcome = engine.handle(inbound).await;
            let got = ids(&outcome);
            let rendered: String = outcome
                .replies
                .iter()
                .map(|r| engine.render(outcome.lang, r).plain_text())
                .collect::<Vec<_>>()
                .join("\n");
            let payloads: Vec<String> =
                outcome.replies.iter().flat_map(|r| &r.buttons).map(|b| b.payload.clone()).collect();
            if !payloads.is_empty() {
                offered = payloads.clone();
            }
            let mut wrong = Vec::new();
            if let Some(first) = &step.first
                && got.first() != Some(first)
            {
                wrong.push(format!("opens with {:?}, not {first}", got.first()));
            }
            for id in &step.has {
                if !got.contains(id) {
                    wrong.push(format!("no {id}"));
                }
            }
            for id in &step.not {
                if got.contains(id) {
                    wrong.push(format!("has {id}"));
                }
            }
            for kind in &step.buttons {
                if !payloads.iter().any(|p| p.split(':').next() == Some(kind.as_str())) {
                    wrong.push(format!("no {kind} button"));
                }
            }
            if let Some(lang) = &step.lang
                && outcome.lang.code() != lang
            {
                wrong.push(format!("answered in {}", outcome.lang.code()));
            }
            if let Some(words) = &step.text
                && !rendered.contains(words.as_str())
            {
                wrong.push(format!("does not say {words}"));
            }
            if step.category.is_some() || step.area.is_some() {
                match first_card(&engine, &outcome).await {
                    None => wrong.push("no service card".into()),
                    Some(listing) => {
                        if let Some(want) = &step.category
                            && !listing
                                .service
                                .categories
                                .iter()
                                .any(|c| c.as_str() == want || c.as_str().starts_with(&format!("{want}-")))
                        {
                            wrong.push(format!("first card is {:?}, not {want}", listing.service.categories));
                        }
                        if let Some(want) = &step.area
                            && !engine
                                .snapshot()
                                .tree
                                .contains(&vicinato::domain::TerritoryId::new(want), &listing.location.territory)
                        {
                            wrong.push(format!("first card is in {}, not in {want}", listing.location.territory));
                        }
                    }
                }
            }
            if !wrong.is_empty() {
                failures.push(format!("{} / step {i}: {} (got {got:?})\n{rendered}", script.name, wrong.join(", ")));
            }
        }
    }
    assert!(failures.is_empty(), "{} failed:\n{}", failures.len(), failures.join("\n\n"));
}

#[tokio::test]
async fn a_whole_sentence_in_the_other_language_is_answered_in_it_but_one_foreign_word_is_not() {
    let (engine, _clock, _dir) = app().await;
    let r = talk(&engine, "mixed", Some(Lang::It), &["/lingua it", "I am looking for a soup kitchen in Rome"]).await;
    let english = all_text(&r[1..]);
    assert!(english.contains("I found"), "a whole English sentence gets English: {english}");
    let r = talk(&engine, "mixed", Some(Lang::It), &["cerco una mensa a Roma"]).await;
    let italian = all_text(&r);
    assert!(italian.contains("Ho trovato"), "back to Italian: {italian}");
    let r = talk(&engine, "mixed", Some(Lang::It), &["mensa a Roma please"]).await;
    let still = all_text(&r);
    assert!(still.contains("Ho trovato"), "one English word does not switch: {still}");
    let r =
        talk(&engine, "newcomer", Some(Lang::En), &["/language en", "cerco una mensa aperta a Roma per favore"]).await;
    let italian = all_text(&r[1..]);
    assert!(italian.contains("Ho trovato"), "and the other way round: {italian}");
}
