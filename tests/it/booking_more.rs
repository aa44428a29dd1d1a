//! Booking, continued, end to end through the console: associations registered by staff and
//! booking in their name within their weekly quota, weekly series for associations only, and
//! requests for a range of days.

use crate::support::*;
use std::sync::Arc;
use vicinato::conversation::Engine;
use vicinato::domain::*;

fn press(payload: &str) -> String {
    format!(r#"{{"button": "{payload}"}}"#)
}

async fn app() -> (Arc<Engine>, tempfile::TempDir) {
    let (store, dir) = sqlite_store().await;
    let (engine, _clock) = engine_on(store, saturday_morning()).await;
    (engine, dir)
}

async fn person(engine: &Engine, name: &str) -> Person {
    engine.store().person_for_account(&Account::new(Network::Console, name), name, saturday_morning()).await.unwrap()
}

/// `name` becomes staff of a territory.
async fn staff(engine: &Engine, name: &str, territory: &str) {
    let p = person(engine, name).await;
    let grant = RoleGrant { role: Role::Staff, territory: Some(TerritoryId::new(territory)) };
    engine.store().grant_role(p.id, &grant, saturday_morning()).await.unwrap();
}

/// Staff "op" of Centocelle registers Orti Uniti with ada as a booker.
async fn orti_uniti_with_ada(engine: &Engine) {
    staff(engine, "op", "centocelle").await;
    person(engine, "ada").await;
    let r = talk(engine, "op", Some(Lang::It), &["/association new orti-uniti centocelle Orti Uniti"]).await;
    assert!(text(&r[0]).starts_with("Registrata: Orti Uniti (orti-uniti)"), "{}", text(&r[0]));
    let r = talk(engine, "op", None, &["/associazione aggiungi orti-uniti console:ada prenota"]).await;
    assert_eq!(text(&r[0]), "ada ora può prenotare a nome di Orti Uniti.");
}

#[tokio::test]
async fn a_booker_books_for_the_association_within_its_weekly_quota_and_still_has_her_own_hours() {
    let (engine, _dir) = app().await;
    orti_uniti_with_ada(&engine).await;
    let r =
        talk(&engine, "ada", Some(Lang::It), &["vorrei la sala grande martedì dalle 15 alle 17 per 20 persone"]).await;
    assert!(text(&r[0]).starts_with("Per chi prenoti?"), "{}", text(&r[0]));
    assert_eq!(payloads(&r[0]), ["bfor:me", "bfor:orti-uniti"]);
    let r = talk(&engine, "ada", None, &[&press("bfor:orti-uniti"), "festa dell'orto"]).await;
    assert!(text(&r[0]).contains("Per cosa ti serve"), "{}", text(&r[0]));
    assert!(text(&r[1]).contains("Per l'associazione: Orti Uniti."), "{}", text(&r[1]));
    let r = talk(&engine, "ada", None, &[&press("book:yes")]).await;
    assert!(text(&r[0]).starts_with("Prenotato: Sala grande"), "{}", text(&r[0]));

    // Four mornings for the association: 2 + 4 + 4 hours fit its 12 a week; the rest do not.
    let r = talk(
        &engine,
        "ada",
        None,
        &[
            "la sala grande dal 2 al 5 dicembre dalle 9 alle 13 per 20 persone per l'associazione Orti Uniti",
            "laboratorio di semina",
        ],
    )
    .await;
    let summary = text(&r[1]);
    assert!(summary.contains("mercoledì 2/12, 09:00–13:00"), "{summary}");
    assert!(summary.contains("Per l'associazione: Orti Uniti."), "{summary}");
    assert!(summary.contains("Ogni giorno alla stessa ora fino al 5/12: 4 giorni"), "{summary}");
    let r = talk(&engine, "ada", None, &[&press("book:yes")]).await;
    let done = text(&r[0]);
    assert!(done.starts_with("Prenotato 2 volte: Sala grande"), "{done}");
    assert!(done.contains("Saltata: venerdì 4/12, 09:00–13:00 (supera le ore a settimana)."), "{done}");
    assert!(done.contains("Saltata: sabato 5/12, 09:00–13:00 (supera le ore a settimana)."), "{done}");

    // The association's hours are not hers: she books Friday afternoon for herself.
    let r = talk(
        &engine,
        "ada",
        None,
        &["la sala grande venerdì dalle 14 alle 18 per 10 persone per me", "compleanno di Bea", &press("book:yes")],
    )
    .await;
    assert!(!text(&r[1]).contains("associazione"), "{}", text(&r[1]));
    assert!(text(&r[2]).starts_with("Prenotato: Sala grande"), "{}", text(&r[2]));
    // A further hour for the association that week is refused with the reason.
    let r = talk(
        &engine,
        "ada",
        None,
        &["la sala grande giovedì dalle 15 alle 18 per 10 persone per l'associazione Orti Uniti"],
    )
    .await;
    assert!(
        text(&r[0]).starts_with("Ogni associazione può prenotare al massimo 12 ore a settimana in questa Casa"),
        "{}",
        text(&r[0])
    );
}

#[tokio::test]
async fn weekly_series_are_for_associations_and_anyone_else_books_the_first_date() {
    let (engine, _dir) = app().await;
    orti_uniti_with_ada(&engine).await;
    let r = talk(
        &engine,
        "bea",
        Some(Lang::It),
        &["la saletta ogni martedì dalle 10 alle 12 per 3 settimane per 4 persone", "corso di italiano"],
    )
    .await;
    let summary = text(&r[1]);
    assert!(summary.contains("Le prenotazioni ogni settimana sono per le associazioni"), "{summary}");
    assert!(!summary.contains("per 3 settimane"), "{summary}");
    let r = talk(&engine, "bea", None, &[&press("book:yes")]).await;
    assert!(text(&r[0]).starts_with("Prenotato: Saletta riunioni"), "{}", text(&r[0]));
    let r = talk(&engine, "bea", None, &["la saletta mercoledì alle 10 per l'associazione Orti Uniti"]).await;
    assert!(text(&r[0]).starts_with("Non risulti in un'associazione che può prenotare"), "{}", text(&r[0]));

    let r = talk(
        &engine,
        "ada",
        Some(Lang::It),
        &[
            "la saletta ogni mercoledì dalle 10 alle 12 per 3 settimane per 4 persone per l'associazione Orti Uniti",
            "riunione dei soci",
        ],
    )
    .await;
    assert!(text(&r[1]).contains("Ogni settimana alla stessa ora, per 3 settimane"), "{}", text(&r[1]));
    let r = talk(&engine, "ada", None, &[&press("book:yes")]).await;
    assert!(text(&r[0]).starts_with("Prenotato 3 volte: Saletta riunioni"), "{}", text(&r[0]));
    let bookings = engine.store().bookings_of(person(&engine, "ada").await.id, saturday_morning()).await.unwrap();
    assert_eq!(bookings.len(), 3);
    assert!(bookings.iter().all(|b| b.association == Some(AssociationId::new("orti-uniti"))));
}

#[tokio::test]
async fn only_staff_of_the_territory_manage_an_association_and_plain_members_cannot_book_for_it() {
    let (engine, _dir) = app().await;
    orti_uniti_with_ada(&engine).await;
    staff(&engine, "olga", "ostia").await;
    person(&engine, "carla").await;
    let r = talk(&engine, "carla", Some(Lang::It), &["/association new coro centocelle Coro"]).await;
    assert!(text(&r[0]).starts_with("Non hai il permesso"), "{}", text(&r[0]));
    let r = talk(&engine, "olga", Some(Lang::It), &["/association add orti-uniti console:carla prenota"]).await;
    assert!(text(&r[0]).starts_with("Non hai il permesso"), "{}", text(&r[0]));
    let r = talk(&engine, "op", None, &["/association add orti-uniti console:carla", "/association orti-uniti"]).await;
    assert_eq!(text(&r[0]), "carla ora è membro di Orti Uniti.");
    assert!(text(&r[1]).contains("ada (console:ada): puoi prenotare a suo nome"), "{}", text(&r[1]));
    assert!(text(&r[1]).contains("carla (console:carla): membro"), "{}", text(&r[1]));
    // A plain member is not asked and cannot book in its name.
    let r = talk(&engine, "carla", None, &["la saletta mercoledì dalle 10 alle 12 per 4 persone"]).await;
    assert!(text(&r[0]).contains("Per cosa ti serve"), "{}", text(&r[0]));
    let r =
        talk(&engine, "carla", None, &["/cancel", "la saletta mercoledì alle 10 per l'associazione Orti Uniti"]).await;
    assert!(text(&r[1]).starts_with("Non risulti in un'associazione che può prenotare"), "{}", text(&r[1]));
    // Members see their associations.
    let r = talk(&engine, "carla", None, &["/associazioni"]).await;
    assert!(text(&r[0]).contains("Orti Uniti (orti-uniti, centocelle): membro"), "{}", text(&r[0]));
    let r = talk(&engine, "op", None, &["/association remove orti-uniti console:carla"]).await;
    assert_eq!(text(&r[0]), "carla non è più membro di Orti Uniti.");
}

#[tokio::test]
async fn a_range_of_days_books_each_day_at_the_same_time_and_lists_the_days_it_skips() {
    let (engine, _dir) = app().await;
    let r = talk(
        &engine,
        "gio",
        Some(Lang::It),
        &["la saletta giovedì dalle 10 alle 12 per 4 persone", "riunione", &press("book:yes")],
    )
    .await;
    assert!(text(&r[2]).starts_with("Prenotato"), "{}", text(&r[2]));
    let r = talk(&engine, "ada", Some(Lang::It), &["la saletta dal 2 al 4 dicembre"]).await;
    assert!(text(&r[0]).starts_with("Dal 2/12 al 4/12 prenoto lo stesso orario ogni giorno"), "{}", text(&r[0]));
    assert!(text(&r[0]).contains("al massimo 3 ore alla volta"), "{}", text(&r[0]));
    let r = talk(&engine, "ada", None, &["dalle 10 alle 12", "4", "corso di cucito"]).await;
    assert!(text(&r[2]).contains("fino al 4/12: 3 giorni"), "{}", text(&r[2]));
    let r = talk(&engine, "ada", None, &[&press("book:yes")]).await;
    let done = text(&r[0]);
    assert!(done.starts_with("Prenotato 2 volte: Saletta riunioni"), "{done}");
    assert!(done.contains("Saltata: giovedì 3/12, 10:00–12:00 (occupata o non prenotabile)."), "{done}");
    // In English, and too long a range.
    let r = talk(&engine, "eve", Some(Lang::En), &["the meeting room from 1 to 20 December at 10"]).await;
    assert!(text(&r[0]).starts_with("I can book at most 14 days in a row at once."), "{}", text(&r[0]));
    let r =
        talk(&engine, "eve", Some(Lang::En), &["the meeting room from 9 to 10 December from 15 to 17 for 3 people"])
            .await;
    assert!(text(&r[0]).contains("What do you need the space for?"), "{}", text(&r[0]));
    let r = talk(&engine, "eve", Some(Lang::En), &["book club"]).await;
    assert!(text(&r[0]).contains("Every day at the same time until 10/12: 2 days"), "{}", text(&r[0]));
}

#[tokio::test]
async fn a_bot_without_the_booking_module_neither_offers_nor_answers_booking() {
    let (store, _dir) = sqlite_store().await;
    let engine = bot_app(store, saturday_morning(), &["directory"]).await.engine;
    assert!(!engine.offers("booking") && engine.offers("directory"));
    let r = talk(
        &engine,
        "ada",
        Some(Lang::It),
        &[
            "/help",
            "/book",
            "vorrei prenotare la sala grande martedì alle 15",
            "cosa è libero sabato a Centocelle?",
            "/association",
            &press("bookings:"),
        ],
    )
    .await;
    assert!(!text(&r[0]).contains("/book"), "{}", text(&r[0]));
    assert!(text(&r[0]).contains("/services"), "{}", text(&r[0]));
    for reply in &r[1..] {
        assert!(text(reply).starts_with("Su questo bot non si prenotano gli spazi"), "{}", text(reply));
    }
    // The same person on a bot with booking gets it offered.
    let (engine, _dir) = app().await;
    let r = talk(&engine, "ada", Some(Lang::It), &["/help"]).await;
    assert!(text(&r[0]).contains("/book – prenota uno spazio"), "{}", text(&r[0]));
}

#[tokio::test]
async fn on_the_console_a_confirmed_booking_and_the_calendar_button_write_an_ics_file_and_say_where() {
    let (engine, _dir) = app().await;
    let r = talk(
        &engine,
        "ada",
        Some(Lang::It),
        &["la saletta martedì dalle 10 alle 12 per 4 persone", "corso di cucito", &press("book:yes")],
    )
    .await;
    assert!(text(&r[2]).starts_with("Prenotato: Saletta riunioni"), "{}", text(&r[2]));
    assert!(text(&r[2]).contains("File salvato: "), "{}", text(&r[2]));
    let file = &r[2]["files"][0];
    assert_eq!(file["name"], "booking-1.ics");
    assert_eq!(file["mime"], "text/calendar");
    let ics = std::fs::read_to_string(file["path"].as_str().unwrap()).unwrap();
    assert!(ics.contains("SUMMARY:Saletta riunioni – corso di cucito\r\n"), "{ics}");
    let r = talk(&engine, "ada", None, &["/bookings"]).await;
    assert!(payloads(&r[0]).contains(&"bcal:".to_owned()), "{:?}", payloads(&r[0]));
    let r = talk(&engine, "ada", None, &[&press("bcal:")]).await;
    assert!(text(&r[0]).starts_with("Ecco il file di calendario con la tua prenotazione:"), "{}", text(&r[0]));
    assert_eq!(r[0]["files"][0]["name"], "bookings.ics");
}

#[tokio::test]
async fn staff_close_a_space_with_a_reason_bookers_are_told_and_nobody_can_book_it_until_reopened() {
    use vicinato::courier::CapturingCourier;
    let (store, _dir) = sqlite_store().await;
    let courier = CapturingCourier::new(Network::Console);
    let options = Options { couriers: vec![courier.clone()], ..Default::default() };
    let engine = spawn_app(store, saturday_morning(), options).await.0.engine;
    staff(&engine, "op", "centocelle").await;
    staff(&engine, "olga", "ostia").await;
    let r = talk(
        &engine,
        "gio",
        Some(Lang::It),
        &["la saletta martedì dalle 10 alle 12 per 4 persone", "riunione", &press("book:yes")],
    )
    .await;
    assert!(text(&r[2]).starts_with("Prenotato"), "{}", text(&r[2]));
    let r = talk(&engine, "gio", None, &["/space"]).await;
    assert!(text(&r[0]).starts_with("Non hai il permesso"), "{}", text(&r[0]));
    let r = talk(&engine, "olga", Some(Lang::It), &["/space close centocelle-saletta 1/12 imbiancatura"]).await;
    assert!(text(&r[0]).starts_with("Non hai il permesso"), "{}", text(&r[0]));

    let r = talk(&engine, "op", Some(Lang::It), &["/spazio chiudi centocelle-saletta 1/12 9-13 imbiancatura"]).await;
    let t = text(&r[0]);
    assert!(t.starts_with("Chiuso: Saletta riunioni."), "{t}");
    assert!(t.contains("Saletta riunioni, chiusura dal 1/12 09:00 al 1/12 13:00 (imbiancatura)"), "{t}");
    assert!(t.contains("C'è una prenotazione in quel periodo"), "{t}");
    assert!(t.contains("martedì 1/12, 10:00–12:00: gio"), "{t}");
    let told = courier.take();
    assert_eq!(told.len(), 1);
    assert_eq!(told[0].0, Account::new(Network::Console, "gio"));
    let notice = engine.render(Lang::It, &told[0].2);
    assert!(notice.blocks[0].lines[0].contains("Motivo: imbiancatura"), "{:?}", notice.blocks);
    assert!(notice.buttons.iter().any(|b| b.payload.starts_with("bmove:")));

    // Closed for anyone else, with the reason and the nearest open times.
    let r = talk(&engine, "ada", Some(Lang::It), &["la saletta martedì dalle 11 alle 12 per 2 persone"]).await;
    assert_eq!(text(&r[0]), "Lo spazio è chiuso in quel momento, fino al 1/12 13:00: imbiancatura");
    assert!(
        payloads(&r[1]).iter().any(|p| p.starts_with("bslot:centocelle-saletta|202612011300")),
        "{:?}",
        payloads(&r[1])
    );

    // The list shows the closure; reopening it frees the time.
    let r = talk(&engine, "op", None, &["/space"]).await;
    let listed = text(&r[0]).to_owned();
    assert!(listed.contains("Saletta riunioni (centocelle-saletta): senza approvazione"), "{listed}");
    let id = listed.split("n. ").nth(1).and_then(|r| r.split(':').next()).expect("a closure number").to_owned();
    let r = talk(&engine, "op", None, &[&format!("/space open {id}")]).await;
    assert!(text(&r[0]).starts_with("Riaperto."), "{}", text(&r[0]));
    let r = talk(&engine, "ada", None, &["/cancel", "la saletta martedì dalle 12 alle 13 per 2 persone"]).await;
    assert!(text(&r[1]).contains("Per cosa ti serve"), "{}", text(&r[1]));

    // Approval switched on from chat applies at once.
    let r = talk(&engine, "op", None, &["/space approval centocelle-saletta on"]).await;
    assert_eq!(text(&r[0]), "Saletta riunioni: ora da approvare.");
    let r = talk(&engine, "ada", None, &["coro", &press("book:yes")]).await;
    assert!(text(&r[0]).contains("va approvato"), "{}", text(&r[0]));
    assert!(text(&r[1]).starts_with("Richiesta inviata"), "{}", text(&r[1]));
}
