//! End-to-end conversations through the console transport, on a real SQLite store with the
//! demo directory and a clock the test sets.

use crate::support::*;
use serde_json::Value;
use std::sync::Arc;
use vicinato::conversation::Engine;
use vicinato::domain::Lang;

fn labels(v: &Value) -> Vec<String> {
    v["buttons"].as_array().unwrap().iter().map(|b| b["label"].as_str().unwrap().to_owned()).collect()
}

async fn app() -> (Arc<Engine>, Arc<vicinato::clock::ManualClock>, tempfile::TempDir) {
    let (store, dir) = sqlite_store().await;
    let (engine, clock) = engine_on(store, saturday_morning()).await;
    (engine, clock, dir)
}

#[tokio::test]
async fn onboarding_in_italian_chooses_language_and_home_by_buttons() {
    let (engine, _, _dir) = app().await;
    let r = talk(&engine, "maria", None, &["/start"]).await;
    assert!(text(&r[0]).contains("Ciao maria"), "{}", text(&r[0]));
    assert_eq!(payloads(&r[0]), ["lang:it", "lang:en"]);
    let r = talk(&engine, "maria", None, &[r#"{"button": "lang:it"}"#]).await;
    assert!(text(&r[0]).contains("In quale zona vivi?"));
    assert!(payloads(&r[0]).contains(&"area:citta-metropolitana-roma".to_owned()), "{:?}", payloads(&r[0]));
    let r =
        talk(&engine, "maria", None, &[r#"{"button": "area:citta-metropolitana-roma"}"#, r#"{"button": "area:roma"}"#])
            .await;
    assert!(
        payloads(&r[1]).contains(&"area:roma-m10".to_owned()) || payloads(&r[1]).contains(&"home:roma-m10".to_owned())
    );
    let r = talk(&engine, "maria", None, &[r#"{"button": "home:roma-m10"}"#]).await;
    assert!(text(&r[0]).contains("la tua zona è Municipio X"), "{}", text(&r[0]));
    let r = talk(&engine, "maria", None, &["/whoami"]).await;
    assert!(text(&r[0]).contains("Zona: Municipio X"), "{}", text(&r[0]));
    assert!(text(&r[0]).contains("Lingua: Italiano"));
}

#[tokio::test]
async fn onboarding_in_english_accepts_a_typed_neighbourhood_and_numbers_for_buttons() {
    let (engine, _, _dir) = app().await;
    // "2" presses the second button (English), then the area is typed with a typo.
    let r = talk(&engine, "sam", None, &["/start", "2", "centocele"]).await;
    assert!(text(&r[1]).contains("Which area do you live in?"), "{}", text(&r[1]));
    assert!(text(&r[2]).contains("your area is Centocelle"), "{}", text(&r[2]));
    let r = talk(&engine, "sam", None, &["/help"]).await;
    assert!(text(&r[0]).contains("/services"));
    assert!(!text(&r[0]).contains("/grant"), "a resident is not shown admin commands");
}

#[tokio::test]
async fn a_senior_centre_open_on_sunday_in_ostia_is_found_by_free_text() {
    let (engine, _, _dir) = app().await;
    let r = talk(&engine, "anna", None, &["cerco un centro anziani aperto domenica a Ostia"]).await;
    let t = text(&r[0]);
    assert!(t.contains("Ho trovato"), "{t}");
    assert!(t.to_lowercase().contains("anzian"), "{t}");
    assert!(payloads(&r[0]).iter().any(|p| p.starts_with("card:")));
}

#[tokio::test]
async fn an_italian_course_near_centocelle_is_found_and_a_numbered_result_opens_its_card() {
    let (engine, _, _dir) = app().await;
    let r = talk(&engine, "amir", Some(Lang::It), &["dove posso fare un corso di italiano vicino a Centocelle?", "1"])
        .await;
    assert!(text(&r[0]).contains("Ho trovato"), "{}", text(&r[0]));
    assert!(text(&r[0]).to_lowercase().contains("italiano"));
    let card = text(&r[1]);
    assert!(card.contains("Dove:") || card.contains("indirizzo riservato"), "{card}");
    assert!(card.contains("Lingue parlate") || card.contains("Per chi"), "{card}");
}

#[tokio::test]
async fn english_questions_get_english_answers_with_english_service_texts() {
    let (engine, _, _dir) = app().await;
    let r = talk(&engine, "joe", None, &["help with rent in Municipio V"]).await;
    let t = text(&r[0]);
    assert!(t.starts_with("I found") || t.contains("I found"), "{t}");
    assert!(t.contains("Where:"), "{t}");
}

#[tokio::test]
async fn a_food_bank_open_now_widens_to_other_times_when_none_is_open() {
    let (engine, clock, _dir) = app().await;
    // Saturday at 23:30: almost nothing is open.
    clock.advance(chrono::Duration::minutes(13 * 60 + 30));
    let r = talk(&engine, "lia", Some(Lang::En), &["is there a food bank open now?"]).await;
    let t = text(&r[0]);
    assert!(t.contains("I found"), "{t}");
    assert!(t.contains("at other times") || t.contains("Open now"), "{t}");
}

#[tokio::test]
async fn results_page_with_buttons_and_the_page_replaces_the_previous_one() {
    let (engine, _, _dir) = app().await;
    let r = talk(&engine, "paolo", Some(Lang::It), &["/services aiuto alimentare"]).await;
    let first = &r[0];
    assert!(payloads(first).contains(&"page:1".to_owned()), "{:?}", payloads(first));
    assert!(labels(first).contains(&"Altri risultati".to_owned()));
    let r = talk(&engine, "paolo", None, &[r#"{"button": "page:1"}"#]).await;
    assert!(text(&r[0]).contains("Pagina 2"), "{}", text(&r[0]));
    assert!(payloads(&r[0]).contains(&"page:0".to_owned()));
    // The flow survives: "altri" goes on paging.
    let r = talk(&engine, "paolo", None, &["altri"]).await;
    assert!(text(&r[0]).contains("Pagina 3"), "{}", text(&r[0]));
}

#[tokio::test]
async fn asking_for_more_after_the_last_page_says_there_is_no_more() {
    let (engine, _, _dir) = app().await;
    let r = talk(&engine, "tea", Some(Lang::It), &["centro anziani a Ostia", "altri"]).await;
    assert!(text(&r[0]).contains("Ho trovato"), "{}", text(&r[0]));
    assert!(text(&r[1]).contains("Non ci sono altri risultati"), "{}", text(&r[1]));
}

#[tokio::test]
async fn nothing_found_says_so_and_points_to_the_nearest_welfare_house() {
    let (engine, _, _dir) = app().await;
    let r = talk(&engine, "gio", Some(Lang::It), &["fisioterapia subacquea a Tarquinia"]).await;
    let t = text(&r[0]);
    assert!(t.contains("Non ho trovato servizi"), "{t}");
    assert!(t.contains("Casa del Welfare"), "{t}");
    assert!(!payloads(&r[0]).is_empty(), "a next step is offered");
}

#[tokio::test]
async fn confidential_addresses_are_never_shown() {
    let (engine, _, _dir) = app().await;
    let demo = vicinato::demo::lazio().unwrap();
    let shelters: Vec<_> = demo.locations.iter().filter(|l| l.confidential).collect();
    assert!(!shelters.is_empty());
    for shelter in shelters {
        let sal = demo.service_at_locations.iter().find(|s| s.location == shelter.id).unwrap();
        let r = talk(&engine, "rosa", Some(Lang::It), &[&format!(r#"{{"button": "card:{}"}}"#, sal.id)]).await;
        let t = text(&r[0]);
        assert!(t.contains("indirizzo riservato"), "{t}");
        if !shelter.address.street.is_empty() {
            assert!(!t.contains(&shelter.address.street), "the address leaked: {t}");
        }
    }
}

#[tokio::test]
async fn cancel_leaves_a_flow_at_any_step_and_flows_survive_a_restart() {
    let (store, _dir) = sqlite_store().await;
    let (engine, _) = engine_on(store.clone(), saturday_morning()).await;
    let r = talk(&engine, "eva", None, &["/start", r#"{"button": "lang:en"}"#]).await;
    assert!(text(&r[1]).contains("Which area"));
    // A new engine on the same store: the flow is still waiting for the area.
    drop(engine);
    let engine2 = rebuild_app(store, saturday_morning(), Options::default()).await.0.engine;
    let r = talk(&engine2, "eva", None, &["Ostia"]).await;
    assert!(text(&r[0]).contains("your area is Ostia"), "{}", text(&r[0]));
    let r = talk(&engine2, "eva", None, &["/language", "/cancel", "/cancel"]).await;
    assert!(text(&r[1]).contains("cancelled"), "{}", text(&r[1]));
    assert!(text(&r[2]).contains("nothing to cancel"), "{}", text(&r[2]));
}

#[tokio::test]
async fn abandoned_flows_expire() {
    let (engine, clock, _dir) = app().await;
    talk(&engine, "ugo", None, &["/start"]).await;
    clock.advance(chrono::Duration::minutes(31));
    // "1" no longer answers the language question; with no buttons on screen it is text.
    let r = talk(&engine, "ugo", Some(Lang::It), &["Ostia"]).await;
    assert!(!text(&r[0]).contains("la tua zona è"), "{}", text(&r[0]));
}

#[tokio::test]
async fn unknown_commands_empty_and_huge_messages_get_helpful_answers() {
    let (engine, _, _dir) = app().await;
    let huge = "a".repeat(5000);
    let r = talk(&engine, "zed", Some(Lang::En), &["/frobnicate", "   ", &huge, "?!?"]).await;
    assert!(text(&r[0]).contains("I don't know the command /frobnicate"), "{}", text(&r[0]));
    assert!(text(&r[1]).contains("empty"), "{}", text(&r[1]));
    assert!(text(&r[2]).contains("too long"), "{}", text(&r[2]));
    assert!(text(&r[3]).contains("didn't quite understand"), "{}", text(&r[3]));
    assert!(!payloads(&r[3]).is_empty());
}

#[tokio::test]
async fn stale_buttons_are_answered_not_obeyed() {
    let (engine, _, _dir) = app().await;
    let r = talk(
        &engine,
        "bob",
        Some(Lang::En),
        &[r#"{"button": "page:4"}"#, r#"{"button": "nonsense"}"#, r#"{"button": "forget:yes"}"#],
    )
    .await;
    for reply in &r {
        assert!(text(reply).contains("no longer valid"), "{}", text(reply));
    }
}

#[tokio::test]
async fn a_person_can_see_and_erase_their_data() {
    let (engine, _, _dir) = app().await;
    let r = talk(&engine, "ada", Some(Lang::En), &["/start", r#"{"button": "lang:en"}"#, "Testaccio", "/mydata"]).await;
    let summary = text(&r[3]);
    assert!(summary.contains("You are ada") && summary.contains("Testaccio"), "{summary}");
    assert!(!summary.contains("console:ada"), "no raw account ids: {summary}");
    let data = std::fs::read_to_string(r[3]["files"][0]["path"].as_str().unwrap()).unwrap();
    assert!(data.contains("\"display_name\": \"ada\""), "{data}");
    assert!(data.contains("testaccio"));
    let r = talk(&engine, "ada", None, &["/forget", r#"{"button": "forget:yes"}"#]).await;
    assert!(text(&r[1]).contains("erased"), "{}", text(&r[1]));
    let account = vicinato::domain::Account::new(vicinato::domain::Network::Console, "ada");
    assert!(engine.store().find_person(&account).await.unwrap().is_none());
}

#[tokio::test]
async fn roles_are_granted_only_by_those_allowed() {
    let (engine, _, _dir) = app().await;
    talk(&engine, "carla", Some(Lang::En), &["hello"]).await;
    // A resident cannot grant.
    let r = talk(&engine, "mallory", Some(Lang::En), &["/grant admin console:mallory"]).await;
    assert!(text(&r[0]).contains("not allowed"), "{}", text(&r[0]));
    // An admin can; staff of a municipio can name moderators there and nowhere else.
    let store = engine.store().clone();
    let admin = store
        .person_for_account(
            &vicinato::domain::Account::new(vicinato::domain::Network::Console, "root"),
            "root",
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    store
        .grant_role(
            admin.id,
            &vicinato::domain::RoleGrant { role: vicinato::domain::Role::Admin, territory: None },
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    let r = talk(&engine, "root", Some(Lang::En), &["/grant staff console:carla roma-m05", "/help"]).await;
    assert!(text(&r[0]).contains("now has the role staff"), "{}", text(&r[0]));
    assert!(text(&r[1]).contains("/grant ROLE"), "admins see admin help");
    let r = talk(
        &engine,
        "carla",
        Some(Lang::En),
        &[
            "/grant moderator console:mallory centocelle",
            "/grant moderator console:mallory ostia",
            "/grant admin console:mallory",
        ],
    )
    .await;
    assert!(text(&r[0]).contains("now has the role moderator"), "{}", text(&r[0]));
    assert!(text(&r[1]).contains("not allowed"), "{}", text(&r[1]));
    assert!(text(&r[2]).contains("not allowed"), "{}", text(&r[2]));
}

#[tokio::test]
async fn text_from_people_comes_back_as_data_not_markup() {
    let (engine, _, _dir) = app().await;
    let r = talk(&engine, "<b>x</b>", Some(Lang::En), &["/start"]).await;
    // The console shows text as is; escaping for HTML is the HTML transports' job, and the
    // name is passed as data, never interpreted.
    assert!(text(&r[0]).contains("Hello <b>x</b>!"), "{}", text(&r[0]));
}
