//! Dates a person types or a button carries: years outside the window Vicinato reads get a
//! clear reply in the person's language, and no date arithmetic reachable from text or a
//! button can overflow (it stopped the process).

use crate::support::*;
use std::sync::Arc;
use vicinato::conversation::Engine;
use vicinato::domain::*;

async fn app() -> (Arc<Engine>, tempfile::TempDir) {
    let (store, dir) = sqlite_store().await;
    let (engine, _clock) = engine_on(store, saturday_morning()).await;
    (engine, dir)
}

async fn staff(engine: &Engine, name: &str, territory: &str) {
    let p = engine
        .store()
        .person_for_account(&Account::new(Network::Console, name), name, saturday_morning())
        .await
        .unwrap();
    let grant = RoleGrant { role: Role::Staff, territory: Some(TerritoryId::new(territory)) };
    engine.store().grant_role(p.id, &grant, saturday_morning()).await.unwrap();
}

fn press(payload: &str) -> String {
    serde_json::json!({ "button": payload }).to_string()
}

#[tokio::test]
async fn closing_a_space_until_a_year_far_ahead_gets_a_clear_reply_instead_of_a_crash() {
    let (engine, _dir) = app().await;
    staff(&engine, "op", "centocelle").await;
    let r = talk(&engine, "op", Some(Lang::It), &["/space close centocelle-saletta 31/12/262142 imbiancatura"]).await;
    assert_eq!(text(&r[0]), "Leggo solo date dal 2000 al 2100. Controlla l'anno e riprova.");
    let r = talk(
        &engine,
        "op",
        Some(Lang::En),
        &["/space close centocelle-saletta 1/1/2026-31/12/9999 10-12 imbiancatura"],
    )
    .await;
    assert_eq!(text(&r[0]), "I can only read dates from 2000 to 2100. Check the year and try again.");
    // Nothing was closed, and the bot still answers.
    let r = talk(&engine, "op", Some(Lang::En), &["/space"]).await;
    assert!(!text(&r[0]).contains("imbiancatura"), "{}", text(&r[0]));
}

#[tokio::test]
async fn a_booking_request_for_a_year_far_ahead_gets_a_clear_reply() {
    let (engine, _dir) = app().await;
    let r =
        talk(&engine, "ugo", Some(Lang::It), &["vorrei la saletta riunioni il 3 marzo 9999 dalle 10 alle 11"]).await;
    assert!(r.iter().any(|v| text(v).contains("Leggo solo date dal 2000 al 2100")), "{r:#?}");
}

#[tokio::test]
async fn forged_booking_buttons_with_extreme_timestamps_are_answered_and_stop_nothing() {
    let (engine, _dir) = app().await;
    let forged = [
        "bslot:centocelle-saletta|262142123123|65535",
        "bslot:centocelle-saletta|999912312359|65535",
        "bwait:centocelle-saletta|262142123123|65535",
        "bwait:centocelle-saletta|999912312359|65535",
        "bwait:centocelle-saletta|-26214201010000|60",
        "bwait:centocelle-saletta|+26214212312359|65535",
        "bspace:centocelle-saletta|2621421231",
        "bspace:centocelle-saletta|99991231",
        "bfree:casa-welfare-centocelle|2621421231",
        "bfree:casa-welfare-centocelle|99991231",
    ];
    // Start a booking first, so the slot buttons find a draft to change.
    let mut lines = vec!["vorrei la saletta riunioni".to_owned()];
    lines.extend(forged.iter().map(|p| press(p)));
    lines.push("/help".to_owned());
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    let r = talk(&engine, "ugo", Some(Lang::It), &lines).await;
    assert!(r.len() > forged.len(), "every button gets an answer: {r:#?}");
    assert!(text(r.last().unwrap()).contains("/services") || text(r.last().unwrap()).contains("servizi"));
    // Nobody was put on a waitlist for a year out of range.
    let person = engine.store().find_person(&Account::new(Network::Console, "ugo")).await.unwrap().unwrap();
    let export = engine.store().export_person(person.id).await.unwrap();
    let json = serde_json::to_string(&export).unwrap();
    assert!(!json.contains("9999") && !json.contains("262142"), "{json}");
}
