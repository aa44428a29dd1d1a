//! Booking welfare-house spaces end to end: conversations through the console transport on a
//! real store with the demo directory and a clock the test sets; reminders through the real
//! scheduler, delivered by a capturing courier; restarts and two processes on one database.

use crate::support::*;
use chrono::{DateTime, Duration, TimeZone, Utc};
use std::sync::Arc;
use vicinato::clock::{Clock, ManualClock};
use vicinato::conversation::{Block, Engine};
use vicinato::courier::{CapturingCourier, Couriers};
use vicinato::domain::*;
use vicinato::scheduler::Scheduler;
use vicinato::store::{NewJob, Store};

fn press(payload: &str) -> String {
    format!(r#"{{"button": "{payload}"}}"#)
}

/// Tuesday 1 December 2026 in Rome.
fn tuesday(h: u32, m: u32) -> DateTime<Utc> {
    chrono_tz::Europe::Rome.with_ymd_and_hms(2026, 12, 1, h, m, 0).unwrap().with_timezone(&Utc)
}

async fn app() -> (Arc<Engine>, Arc<ManualClock>, Arc<CapturingCourier>, tempfile::TempDir) {
    let (store, dir) = sqlite_store().await;
    let courier = CapturingCourier::new(Network::Console);
    let options = Options { couriers: vec![courier.clone()], ..Default::default() };
    let (app, clock) = spawn_app(store, saturday_morning(), options).await;
    (app.engine, clock, courier, dir)
}

/// Another scheduler for the engine's jobs (the clock is the engine's).
fn scheduler(engine: &Arc<Engine>, _clock: Arc<ManualClock>, owner: &str) -> Scheduler {
    vicinato::app::scheduler_for(engine, owner)
}

/// Books the main hall on Tuesday 15–17 for `name`, through the whole conversation.
async fn book_the_hall(engine: &Engine, name: &str) -> Vec<serde_json::Value> {
    let r =
        talk(engine, name, Some(Lang::It), &["vorrei la sala grande martedì dalle 15 alle 17 per 20 persone"]).await;
    assert!(text(&r[0]).contains("Per cosa ti serve"), "{}", text(&r[0]));
    let r = talk(engine, name, None, &["riunione del comitato di quartiere"]).await;
    let summary = text(&r[0]);
    assert!(summary.contains("Ricapitolo: Sala grande – Casa del Welfare di Centocelle"), "{summary}");
    assert!(summary.contains("martedì 1/12, 15:00–17:00"), "{summary}");
    assert!(summary.contains("20 persone"), "{summary}");
    assert_eq!(payloads(&r[0]), ["book:yes", "book:no"]);
    talk(engine, name, None, &[&press("book:yes")]).await
}

#[tokio::test]
async fn a_resident_books_the_main_hall_in_italian_and_sees_it_in_their_bookings() {
    let (engine, _, _, _dir) = app().await;
    let r = book_the_hall(&engine, "maria").await;
    assert!(text(&r[0]).starts_with("Prenotato: Sala grande"), "{}", text(&r[0]));
    let r = talk(&engine, "maria", None, &["/bookings"]).await;
    assert!(
        text(&r[0]).contains("1. Sala grande – Casa del Welfare di Centocelle, martedì 1/12, 15:00–17:00 (confermata)"),
        "{}",
        text(&r[0])
    );
    let cancel = payloads(&r[0]).into_iter().find(|p| p.starts_with("bcancel:")).expect("a cancel button");
    // Asked first; "sì" answers.
    let r = talk(&engine, "maria", None, &[&press(&cancel)]).await;
    assert!(text(&r[0]).starts_with("Vuoi annullare Sala grande"), "{}", text(&r[0]));
    let r = talk(&engine, "maria", None, &["sì"]).await;
    assert!(text(&r[0]).starts_with("Annullata"), "{}", text(&r[0]));
    let r = talk(&engine, "maria", None, &["/bookings"]).await;
    assert!(text(&r[0]).contains("Non hai prenotazioni"), "{}", text(&r[0]));
    // My data includes my bookings, cancelled ones too.
    let r = talk(&engine, "maria", None, &["/mydata"]).await;
    assert!(text(&r[0]).contains("Prenotazioni: 1"), "a summary to read: {}", text(&r[0]));
    assert_eq!(r[0]["files"][0]["name"], "vicinato-mydata.json");
    let data = std::fs::read_to_string(r[0]["files"][0]["path"].as_str().unwrap()).unwrap();
    assert!(data.contains("\"status\": \"cancelled\""), "{data}");
    assert!(data.contains("riunione del comitato di quartiere"), "{data}");
}

#[tokio::test]
async fn a_booking_is_moved_to_another_time_from_the_list_and_its_reminders_follow() {
    let (engine, clock, courier, _dir) = app().await;
    book_the_hall(&engine, "maria").await;
    let r = talk(&engine, "maria", None, &["/bookings"]).await;
    let moving = payloads(&r[0]).into_iter().find(|p| p.starts_with("bmove:")).expect("a move button");
    let r = talk(&engine, "maria", None, &[&press(&moving)]).await;
    assert!(text(&r[0]).contains("Quando ti serve Sala grande"), "{}", text(&r[0]));
    assert!(text(&r[0]).contains("lunedì: 09:00–19:00"), "{}", text(&r[0]));
    assert!(text(&r[0]).contains("sabato: 09:00–13:00"), "{}", text(&r[0]));
    let r = talk(&engine, "maria", None, &["mercoledì dalle 16 alle 18"]).await;
    assert!(text(&r[0]).starts_with("Sposto la prenotazione a: Sala grande"), "{}", text(&r[0]));
    assert!(text(&r[0]).contains("mercoledì 2/12, 16:00–18:00"), "{}", text(&r[0]));
    let r = talk(&engine, "maria", None, &[&press("book:yes"), "/bookings"]).await;
    assert!(text(&r[0]).starts_with("Prenotato"), "{}", text(&r[0]));
    assert!(text(&r[1]).contains("mercoledì 2/12"), "{}", text(&r[1]));
    assert!(!text(&r[1]).contains("martedì"), "{}", text(&r[1]));
    // The old reminders are gone; the new ones fire.
    let s = scheduler(&engine, clock.clone(), "p1");
    clock.set(tuesday(16, 0));
    assert_eq!(s.run_due(clock.now()).await.unwrap().ran, 1, "only the new 24-hour reminder");
    let sent = courier.take();
    assert!(engine.render(Lang::It, &sent[0].2).blocks[0].lines[0].contains("mercoledì 2/12"));
}

#[tokio::test]
async fn nobody_checking_in_gets_the_booking_released_and_is_told() {
    let (engine, clock, courier, _dir) = app().await;
    book_the_hall(&engine, "maria").await;
    let s = scheduler(&engine, clock.clone(), "p1");
    clock.set(tuesday(15, 21));
    s.run_due(clock.now()).await.unwrap();
    let sent = courier.take();
    assert!(sent.iter().any(|(_, _, r)| matches!(&r.blocks[0], Block::Say(m) if m.id == "booking-released")));
    let r = talk(&engine, "maria", None, &["/bookings"]).await;
    assert!(text(&r[0]).contains("Non hai prenotazioni"), "{}", text(&r[0]));
    // The slot is free again.
    let r = talk(&engine, "gio", Some(Lang::It), &["cosa è libero martedì a Centocelle?"]).await;
    assert!(text(&r[0]).contains("Sala grande: 15:30–19:00"), "{}", text(&r[0]));
}

#[tokio::test]
async fn a_reminder_on_telegram_goes_to_the_bot_outbox_for_the_private_chat() {
    use vicinato::courier::Courier;
    use vicinato::transport::telegram::courier::TelegramCourier;
    let (engine, _, _, _dir) = app().await;
    let wake = Arc::new(tokio::sync::Notify::new());
    let courier = TelegramCourier::new(engine.clone(), "telegram:vicinato", wake.clone());
    let reply =
        vicinato::conversation::Reply::say(vicinato::i18n::Msg::new("booking-released").text("space", "Sala <grande>"))
            .with_buttons(vec![vicinato::conversation::Button::msg(
                vicinato::i18n::Msg::new("button-cancel-booking-one"),
                "bcancel:7",
            )]);
    let woken = wake.notified();
    let queued =
        courier.deliver(&Account::new(Network::Telegram, "4242"), Lang::En, &reply, None, saturday_morning()).await;
    assert!(queued.unwrap());
    woken.await;
    let pending = engine.store().outbox_pending("telegram:vicinato", 0, 10).await.unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].chat, "4242");
    let m: vicinato::transport::telegram::outbound::OutMessage = serde_json::from_str(&pending[0].payload).unwrap();
    assert!(m.html.contains("Sala &lt;grande&gt;"), "{}", m.html);
    assert_eq!(m.keyboard[0][0].1, "bcancel:7");
    let bad = courier
        .deliver(&Account::new(Network::Telegram, "not-a-number"), Lang::En, &reply, None, saturday_morning())
        .await;
    assert!(bad.is_err());
    // Under a key, the same message is queued once, however often it is handed over.
    let maria = Account::new(Network::Telegram, "77");
    for expected in [true, false, false] {
        let fresh = courier.deliver(&maria, Lang::En, &reply, Some("reminder:7:60:1"), saturday_morning()).await;
        assert_eq!(fresh.unwrap(), expected);
    }
    let to_maria = engine.store().outbox_pending("telegram:vicinato", 0, 10).await.unwrap();
    assert_eq!(to_maria.iter().filter(|m| m.chat == "77").count(), 1);
}

#[tokio::test]
async fn a_freed_slot_is_offered_to_the_first_in_line_then_to_the_next_when_the_hold_runs_out() {
    let (engine, clock, courier, _dir) = app().await;
    book_the_hall(&engine, "maria").await;
    let wish = "vorrei la sala grande martedì dalle 15 alle 17 per 10 persone";
    for (name, place) in [("luca", "1° in fila"), ("tea", "2° in fila")] {
        let r = talk(&engine, name, Some(Lang::It), &[wish]).await;
        let wait = payloads(&r[1]).into_iter().last().unwrap();
        assert_eq!(wait, "bwait:centocelle-sala-grande|202612011500|120");
        let r = talk(&engine, name, None, &[&press(&wait)]).await;
        assert!(text(&r[0]).contains(place), "{}", text(&r[0]));
    }
    // Maria cancels: Luca, first in line, is offered the slot.
    let r = talk(&engine, "maria", None, &["/bookings"]).await;
    let cancel = payloads(&r[0]).into_iter().find(|p| p.starts_with("bcancel:")).unwrap();
    talk(&engine, "maria", None, &[&press(&format!("{cancel}:yes"))]).await;
    let offers = courier.take();
    assert_eq!(offers.len(), 1);
    assert_eq!(offers[0].0, Account::new(Network::Console, "luca"));
    assert!(engine.render(Lang::It, &offers[0].2).blocks[0].lines[0].contains("Lo teniamo per te per 1 ora"));
    // Held for Luca: nobody else can take it meanwhile.
    let r = talk(&engine, "zoe", Some(Lang::It), &[wish]).await;
    assert!(text(&r[0]).contains("è già occupato"), "{}", text(&r[0]));
    // Luca does not answer; after the hold, Tea is offered it and takes it.
    let s = scheduler(&engine, clock.clone(), "p1");
    clock.advance(Duration::minutes(61));
    s.run_due(clock.now()).await.unwrap();
    let sent = courier.take();
    let to: Vec<String> = sent.iter().map(|(a, _, _)| a.to_string()).collect();
    assert_eq!(to, ["console:luca", "console:tea"], "Luca told it ran out, Tea offered it");
    let take = sent[1].2.buttons[0].payload.clone();
    assert!(take.starts_with("bhold:yes|"));
    let r = talk(&engine, "tea", None, &[&press(&take)]).await;
    assert!(text(&r[0]).starts_with("Prenotato: Sala grande"), "{}", text(&r[0]));
    // Luca's offer is over.
    let late = offers[0].2.buttons[0].payload.clone();
    let r = talk(&engine, "luca", None, &[&press(&late)]).await;
    assert!(text(&r[0]).contains("non è più valida"), "{}", text(&r[0]));
}

#[tokio::test]
async fn a_weekly_booking_skips_and_lists_the_dates_that_are_taken() {
    let (engine, _, _, _dir) = app().await;
    // Someone has the meeting room on Wednesday 9 December.
    let r = talk(&engine, "ada", Some(Lang::It), &["vorrei la saletta riunioni l'9/12 dalle 18 alle 19 per 4 persone"])
        .await;
    assert!(text(&r[0]).contains("Per cosa"), "{}", text(&r[0]));
    talk(&engine, "ada", None, &["prove", &press("book:yes")]).await;
    // Weekly series are for associations: "assoc" books for one.
    let store = engine.store();
    let school = Association {
        id: AssociationId::new("scuola-migranti"),
        name: "Scuola Migranti".into(),
        territory: TerritoryId::new("centocelle"),
        created_at: saturday_morning(),
    };
    store.association_put(&school).await.unwrap();
    let assoc = store.person_for_account(&Account::new(Network::Console, "assoc"), "assoc", saturday_morning()).await;
    let member = Membership { association: school.id.clone(), person: assoc.unwrap().id, may_book: true };
    store.association_member_put(&member, saturday_morning()).await.unwrap();
    let r = talk(
        &engine,
        "assoc",
        Some(Lang::It),
        &["vorrei la saletta riunioni ogni mercoledì dalle 18 alle 19 per 6 settimane per 10 persone per la Scuola Migranti"],
    )
    .await;
    assert!(text(&r[0]).contains("Per cosa"), "{}", text(&r[0]));
    let r = talk(&engine, "assoc", None, &["corso di italiano dell'associazione"]).await;
    assert!(text(&r[0]).contains("per 6 settimane"), "{}", text(&r[0]));
    let r = talk(&engine, "assoc", None, &[&press("book:yes")]).await;
    let t = text(&r[0]);
    // 2, 16, 23 and 30 December; not the 9th (taken) nor 6 January (Epiphany, the house is closed).
    assert!(t.starts_with("Prenotato 4 volte: Saletta riunioni"), "{t}");
    assert!(t.contains("Saltata: mercoledì 9/12, 18:00–19:00"), "{t}");
    assert!(t.contains("Saltata: mercoledì 6/1, 18:00–19:00"), "{t}");
    let r = talk(&engine, "assoc", None, &["/bookings"]).await;
    assert_eq!(text(&r[0]).matches("Saletta riunioni").count(), 4, "{}", text(&r[0]));
}

#[tokio::test]
async fn a_taken_slot_gets_the_nearest_free_times_and_one_can_be_chosen() {
    let (engine, _, _, _dir) = app().await;
    book_the_hall(&engine, "maria").await;
    // Half A of the hall is part of it: taken too.
    let r = talk(
        &engine,
        "luca",
        Some(Lang::It),
        &["vorrei la sala grande, metà A martedì dalle 15 alle 17 per 10 persone"],
    )
    .await;
    assert!(text(&r[0]).contains("è già occupato"), "{}", text(&r[0]));
    assert!(text(&r[1]).contains("orari liberi più vicini"), "{}", text(&r[1]));
    let alts = payloads(&r[1]);
    assert_eq!(alts.len(), 4, "{alts:?}");
    assert!(alts[..3].iter().all(|p| p.starts_with("bslot:centocelle-sala-grande-a|")));
    assert_eq!(alts[3], "bwait:centocelle-sala-grande-a|202612011500|120", "and the waitlist");
    // Nearest first: 12:30–14:30 (its buffer ends as the booking starts); after the booking
    // (17:00–17:15 buffer) two hours no longer fit before closing at 19:00.
    assert_eq!(alts[0], "bslot:centocelle-sala-grande-a|202612011230|120");
    let r = talk(&engine, "luca", None, &[&press(&alts[0])]).await;
    assert!(text(&r[0]).contains("Per cosa ti serve"), "{}", text(&r[0]));
    let r = talk(&engine, "luca", None, &["prove del coro", &press("book:yes")]).await;
    assert!(text(&r[1]).starts_with("Prenotato: Sala grande, metà A"), "{}", text(&r[1]));
}

#[tokio::test]
async fn bad_dates_times_and_sizes_get_clear_answers() {
    let (engine, _, _, _dir) = app().await;
    let cases: [(&str, &str); 7] = [
        ("vorrei la sala grande il 31 febbraio alle 10", "«31 febbraio» non esiste"),
        ("vorrei la sala grande ieri alle 10", "già passato"),
        ("vorrei la sala grande martedì dalle 15 alle 17 per 500 persone", "al massimo 60 persone"),
        ("vorrei la sala grande martedì alle 15 per 0 minuti", "non dura nulla"),
        ("vorrei la sala grande martedì dalle 9 alle 17", "al massimo 4 ore"),
        ("vorrei la sala grande oggi alle 11", "almeno 2 ore prima"),
        ("vorrei la sala grande domenica alle 10", "lo spazio è chiuso"),
    ];
    for (i, (line, expected)) in cases.iter().enumerate() {
        let r = talk(&engine, &format!("p{i}"), Some(Lang::It), &[line]).await;
        assert!(text(&r[0]).contains(expected), "{line}: {}", text(&r[0]));
    }
    // A closed day says when the space is open, and comes with the nearest open times.
    let r = talk(&engine, "p9", Some(Lang::It), &["vorrei la sala grande domenica alle 10 per 5 persone"]).await;
    assert!(text(&r[0]).contains("Gli orari di Sala grande") && text(&r[0]).contains("lunedì:"), "{}", text(&r[0]));
    assert!(
        payloads(&r[1]).iter().any(|p| p.starts_with("bslot:centocelle-sala-grande|20261130")),
        "{:?}",
        payloads(&r[1])
    );
}

#[tokio::test]
async fn a_weekday_whose_time_has_passed_today_means_next_week() {
    let (engine, clock, _, _dir) = app().await;
    // Saturday at 15:00: "sabato mattina" is next Saturday's morning.
    clock.set(chrono_tz::Europe::Rome.with_ymd_and_hms(2026, 11, 28, 15, 0, 0).unwrap().with_timezone(&Utc));
    let r = talk(&engine, "ivo", Some(Lang::It), &["vorrei la saletta riunioni sabato mattina per 4 persone"]).await;
    assert!(text(&r[0]).contains("Per cosa"), "{}", text(&r[0]));
    let r = talk(&engine, "ivo", None, &["doposcuola"]).await;
    assert!(text(&r[0]).contains("sabato 5/12, 09:00–12:00"), "{}", text(&r[0]));
}

#[tokio::test]
async fn a_booking_in_english_asks_for_people_and_purpose() {
    let (engine, _, _, _dir) = app().await;
    let r = talk(&engine, "sam", Some(Lang::En), &["I would like to book the meeting room on Tuesday 10-12"]).await;
    assert!(text(&r[0]).contains("How many people"), "{}", text(&r[0]));
    let r = talk(&engine, "sam", Some(Lang::En), &["8"]).await;
    assert!(text(&r[0]).contains("What do you need the space for"), "{}", text(&r[0]));
    let r = talk(&engine, "sam", Some(Lang::En), &["homework club", &press("book:yes")]).await;
    assert!(
        text(&r[0]).contains("Meeting room – Casa del Welfare di Centocelle, on Tuesday 1/12, 10:00–12:00, 8 people"),
        "{}",
        text(&r[0])
    );
    assert!(text(&r[1]).starts_with("Booked: Meeting room"), "{}", text(&r[1]));
}

#[tokio::test]
async fn what_is_free_on_a_day_at_a_house_lists_each_space() {
    let (engine, _, _, _dir) = app().await;
    book_the_hall(&engine, "maria").await;
    let r = talk(&engine, "gio", Some(Lang::It), &["cosa è libero martedì a Centocelle?"]).await;
    let t = text(&r[0]);
    assert!(t.contains("Spazi liberi alla Casa del Welfare di Centocelle, martedì 1/12"), "{t}");
    // A booking from 15:00 needs its own 15 minutes of buffer before it is free.
    assert!(t.contains("Sala grande: 09:00–14:45, 17:15–19:00"), "{t}");
    assert!(t.contains("Sala grande, metà A: 09:00–14:45, 17:15–19:00"), "{t}");
    assert!(t.contains("Saletta riunioni: 09:00–19:00"), "{t}");
    assert!(payloads(&r[0]).contains(&"bspace:centocelle-saletta|20261201".to_owned()));
}

#[tokio::test]
async fn reminders_fire_once_at_their_time_and_cancel_in_one_tap() {
    let (engine, clock, courier, _dir) = app().await;
    book_the_hall(&engine, "maria").await;
    let s = scheduler(&engine, clock.clone(), "p1");
    assert_eq!(s.run_due(clock.now()).await.unwrap().ran, 0);
    // 24 hours before: one reminder, once.
    clock.set(tuesday(15, 0) - Duration::hours(24));
    assert_eq!(s.run_due(clock.now()).await.unwrap().ran, 1);
    assert_eq!(s.run_due(clock.now()).await.unwrap().ran, 0);
    let sent = courier.take();
    assert_eq!(sent.len(), 1);
    let (account, lang, reply) = &sent[0];
    assert_eq!(account, &Account::new(Network::Console, "maria"));
    assert_eq!(*lang, Lang::It);
    let rendered = engine.render(*lang, reply);
    assert!(rendered.blocks[0].lines[0].starts_with("Promemoria: tra 24 ore hai Sala grande"), "{:?}", rendered.blocks);
    let cancel = reply.buttons[0].payload.clone();
    assert!(cancel.starts_with("bcancel:"));
    // One hour before: the second.
    clock.set(tuesday(14, 0));
    assert_eq!(s.run_due(clock.now()).await.unwrap().ran, 1);
    let sent = courier.take();
    assert!(matches!(&sent[0].2.blocks[0], Block::Say(m) if m.id == "reminder-minutes"));
    // Cancelling from the reminder frees the slot and drops what was left to run.
    let r = talk(&engine, "maria", None, &[&press(&cancel), &press(&format!("{cancel}:yes"))]).await;
    assert!(text(&r[1]).starts_with("Annullata"), "{}", text(&r[1]));
    assert_eq!(engine.store().jobs_count().await.unwrap(), 0);
}

#[tokio::test]
async fn a_booking_checked_in_is_not_released() {
    let (engine, clock, courier, _dir) = app().await;
    book_the_hall(&engine, "maria").await;
    let s = scheduler(&engine, clock.clone(), "p1");
    clock.set(tuesday(14, 50));
    s.run_due(clock.now()).await.unwrap();
    courier.take();
    let r = talk(&engine, "maria", None, &["/checkin"]).await;
    assert!(text(&r[0]).starts_with("Arrivo registrato"), "{}", text(&r[0]));
    clock.set(tuesday(15, 30));
    s.run_due(clock.now()).await.unwrap();
    assert!(courier.take().is_empty(), "checked in: nothing released");
    let r = talk(&engine, "maria", None, &["/bookings"]).await;
    assert!(text(&r[0]).contains("(confermata)"), "{}", text(&r[0]));
}

#[tokio::test]
async fn staff_of_the_territory_approve_a_kitchen_booking_and_the_requester_is_told() {
    let (engine, _, courier, _dir) = app().await;
    let r =
        talk(&engine, "ada", Some(Lang::It), &["vorrei la cucina comune martedì dalle 10 alle 12 per 6 persone"]).await;
    assert!(text(&r[0]).contains("Per cosa ti serve"), "{}", text(&r[0]));
    let r = talk(&engine, "ada", None, &["corso di cucina per il quartiere"]).await;
    assert!(text(&r[0]).contains("va approvato"), "{}", text(&r[0]));
    let r = talk(&engine, "ada", None, &[&press("book:yes")]).await;
    assert!(text(&r[0]).starts_with("Richiesta inviata"), "{}", text(&r[0]));
    // Someone without the role may not decide.
    let r = talk(&engine, "carl", Some(Lang::It), &["/approve"]).await;
    assert!(text(&r[0]).contains("Non hai il permesso"), "{}", text(&r[0]));
    let store = engine.store();
    let bea =
        store.person_for_account(&Account::new(Network::Console, "bea"), "bea", saturday_morning()).await.unwrap();
    let grant = RoleGrant { role: Role::Staff, territory: Some(TerritoryId::new("roma-m05")) };
    store.grant_role(bea.id, &grant, saturday_morning()).await.unwrap();
    let r = talk(&engine, "bea", Some(Lang::It), &["/approve"]).await;
    assert!(text(&r[0]).contains("Richiesta: Cucina comune"), "{}", text(&r[0]));
    assert!(text(&r[0]).contains("corso di cucina per il quartiere"), "{}", text(&r[0]));
    let approve = payloads(&r[0]).into_iter().find(|p| p.starts_with("bapprove:")).unwrap();
    let r = talk(&engine, "carl", None, &[&press(&approve)]).await;
    assert!(text(&r[0]).contains("Non hai il permesso"), "{}", text(&r[0]));
    let r = talk(&engine, "bea", None, &[&press(&approve)]).await;
    assert!(text(&r[0]).starts_with("Approvata"), "{}", text(&r[0]));
    let told = courier.take();
    assert_eq!(told.len(), 1);
    assert_eq!(told[0].0, Account::new(Network::Console, "ada"));
    assert!(matches!(&told[0].2.blocks[0], Block::Say(m) if m.id == "booking-approved"));
    let r = talk(&engine, "bea", None, &[&press(&approve)]).await;
    assert!(text(&r[0]).contains("già stata decisa"), "{}", text(&r[0]));
}

/// Schedules `n` reminder jobs for `n` bookings of different spaces and days, all due at `due`.
async fn due_reminders(store: &Arc<dyn Store>, n: usize, due: DateTime<Utc>) -> Vec<NewJob> {
    due_reminders_on(store, Network::Console, n, due).await
}

async fn due_reminders_on(store: &Arc<dyn Store>, network: Network, n: usize, due: DateTime<Utc>) -> Vec<NewJob> {
    let mut jobs = Vec::new();
    let spaces = Spaces::parse("spaces", vicinato::conversation::SPACES_TOML).unwrap();
    let (house, room) = spaces.space(&SpaceId::new("centocelle-saletta")).unwrap();
    for i in 0..n {
        let name = format!("{}", 9000 + i);
        let person = store.person_for_account(&Account::new(network, &name), &name, due).await.unwrap();
        let starts = due + Duration::hours(1) + Duration::days(i as i64);
        let ends = starts + Duration::hours(1);
        let b = NewBooking {
            house: house.location.clone(),
            space: room.id.clone(),
            person: person.id,
            status: BookingStatus::Confirmed,
            starts,
            ends,
            zone: house.zone,
            people: 3,
            purpose: "x".into(),
            units: room.units.clone(),
            busy_until: ends,
            replaces: None,
            association: None,
        };
        let b = store.booking_insert(&b, due).await.unwrap().unwrap();
        let job = NewJob {
            kind: "booking-reminder".into(),
            key: Some(format!("booking:{}:remind:60", b.id)),
            payload: serde_json::json!({ "booking": b.id.0, "minutes": 60 }).to_string(),
            due_at: due,
            cron: None,
            zone: "Europe/Rome".into(),
        };
        store.job_put(&job, due).await.unwrap();
        jobs.push(job);
    }
    jobs
}

async fn process(
    url: &str,
    at: DateTime<Utc>,
    owner: &str,
) -> (Arc<Engine>, Arc<ManualClock>, Arc<CapturingCourier>, Scheduler) {
    let store = vicinato::store::open(url).await.unwrap();
    let courier = CapturingCourier::new(Network::Console);
    let options = Options { couriers: vec![courier.clone()], owner: Some(owner.into()), ..Default::default() };
    let (app, clock) = spawn_app(store, at, options).await;
    (app.engine, clock, courier, app.scheduler)
}

#[tokio::test]
async fn a_due_reminder_is_sent_once_after_a_restart_even_when_the_old_process_died_holding_it() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}/v.db", dir.path().display());
    let due = tuesday(14, 0);
    {
        let (engine, _, _, _) = process(&url, saturday_morning(), "old").await;
        due_reminders(engine.store(), 2, due).await;
        // The old process claims both at their time and dies before sending.
        let claimed = engine.store().jobs_claim(due, "old", due + Duration::minutes(5), 10).await.unwrap();
        assert_eq!(claimed.len(), 2);
    }
    let (_, _, courier, s) = process(&url, due + Duration::minutes(1), "new").await;
    assert_eq!(s.run_due(due + Duration::minutes(1)).await.unwrap().ran, 0, "the lease still holds");
    assert_eq!(s.run_due(due + Duration::minutes(6)).await.unwrap().ran, 2);
    assert_eq!(s.run_due(due + Duration::minutes(7)).await.unwrap().ran, 0);
    assert_eq!(courier.take().len(), 2);
    // Another restart later sends nothing again.
    let (_, _, courier, s) = process(&url, due + Duration::minutes(30), "newer").await;
    assert_eq!(s.run_due(due + Duration::minutes(30)).await.unwrap().ran, 0);
    assert!(courier.take().is_empty());
}

#[tokio::test]
async fn a_reminder_run_again_after_a_crash_reaches_the_outbox_once() {
    use vicinato::transport::telegram::courier::TelegramCourier;
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}/v.db", dir.path().display());
    let due = tuesday(14, 0);
    let mut jobs = Vec::new();
    for owner in ["old", "new"] {
        let (engine, _, _, s) = process(&url, saturday_morning(), owner).await;
        let mut couriers = Couriers::default();
        let wake = Arc::new(tokio::sync::Notify::new());
        couriers.add(Arc::new(TelegramCourier::new(engine.clone(), "telegram:vicinato", wake)));
        engine.set_couriers(couriers);
        if jobs.is_empty() {
            jobs = due_reminders_on(engine.store(), Network::Telegram, 3, due).await;
        } else {
            // The old process handed the reminders over and died before deleting its jobs:
            // they are due again.
            for job in &jobs {
                engine.store().job_put(job, due).await.unwrap();
            }
        }
        assert_eq!(s.run_due(due + Duration::minutes(6)).await.unwrap().ran, 3);
        let queued = engine.store().outbox_pending("telegram:vicinato", 0, 100).await.unwrap();
        assert_eq!(queued.len(), 3, "each reminder is queued once ({owner})");
    }
}

async fn two_processes_send_each_reminder_once(url: &str) {
    let due = tuesday(14, 0);
    let (a, _, ca, sa) = process(url, saturday_morning(), "a").await;
    let (_b, _, cb, sb) = process(url, saturday_morning(), "b").await;
    due_reminders(a.store(), 40, due).await;
    let at = due + Duration::seconds(1);
    let (ra, rb) = tokio::join!(sa.run_due(at), sb.run_due(at));
    let (ra, rb) = (ra.unwrap(), rb.unwrap());
    assert_eq!(ra.ran + rb.ran, 40, "{ra:?} {rb:?}");
    let mut accounts: Vec<String> = ca.take().into_iter().chain(cb.take()).map(|(acc, _, _)| acc.to_string()).collect();
    accounts.sort();
    accounts.dedup();
    assert_eq!(accounts.len(), 40, "each person reminded once");
}

#[tokio::test]
async fn two_processes_on_one_postgresql_send_each_reminder_once() {
    let Some(url) = postgres_url() else {
        eprintln!("skipped: VICINATO_TEST_POSTGRES_URL is not set");
        return;
    };
    let db = PgDatabase::create(&url).await;
    two_processes_send_each_reminder_once(&db.url).await;
}

#[tokio::test]
async fn two_processes_on_one_sqlite_file_send_each_reminder_once() {
    let dir = tempfile::tempdir().unwrap();
    two_processes_send_each_reminder_once(&format!("sqlite:{}/v.db", dir.path().display())).await;
}

#[tokio::test]
async fn with_two_bots_on_one_network_a_reminder_goes_through_the_bot_the_person_wrote_to() {
    let (a, b) = (
        CapturingCourier::for_channel(Network::Telegram, "telegram:a"),
        CapturingCourier::for_channel(Network::Telegram, "telegram:b"),
    );
    let (store, _dir) = sqlite_store().await;
    let options = Options { couriers: vec![a.clone(), b.clone()], ..Default::default() };
    let (app, clock) = spawn_app(store, saturday_morning(), options).await;
    let engine = app.engine;
    // Tea writes to bot b; Ugo never wrote through a known bot.
    let mut inbound = vicinato::conversation::Inbound::direct_text(Network::Telegram, "4343", "ciao");
    inbound.channel = Some("telegram:b".into());
    engine.handle(inbound).await;
    let store = engine.store();
    let tea = store.find_person(&Account::new(Network::Telegram, "4343")).await.unwrap().unwrap();
    let ugo = store.person_for_account(&Account::new(Network::Telegram, "4444"), "Ugo", clock.now()).await.unwrap();
    let reply = vicinato::conversation::Reply::id("booking-released");
    engine.couriers().deliver(&tea, Lang::It, &reply, clock.now()).await.unwrap();
    engine.couriers().deliver(&ugo, Lang::It, &reply, clock.now()).await.unwrap();
    let via_b: Vec<String> = b.take().into_iter().map(|(acc, _, _)| acc.external_id).collect();
    let via_a: Vec<String> = a.take().into_iter().map(|(acc, _, _)| acc.external_id).collect();
    assert_eq!(via_b, ["4343"]);
    assert_eq!(via_a, ["4444"], "unknown: the network's first bot");
}

#[tokio::test]
async fn a_person_who_is_forgotten_frees_their_bookings_for_the_first_in_line() {
    let (engine, _, courier, _dir) = app().await;
    book_the_hall(&engine, "maria").await;
    let wish = "vorrei la sala grande martedì dalle 15 alle 17 per 10 persone";
    let r = talk(&engine, "luca", Some(Lang::It), &[wish]).await;
    let wait = payloads(&r[1]).into_iter().last().unwrap();
    talk(&engine, "luca", None, &[&press(&wait)]).await;
    courier.take();
    let r = talk(&engine, "maria", None, &["/forget"]).await;
    let yes = payloads(&r[0]).into_iter().find(|p| p == "forget:yes").unwrap();
    talk(&engine, "maria", None, &[&press(&yes)]).await;
    let offers = courier.take();
    assert_eq!(offers.len(), 1, "{offers:?}");
    assert_eq!(offers[0].0, Account::new(Network::Console, "luca"));
    assert!(engine.render(Lang::It, &offers[0].2).blocks[0].lines[0].contains("Lo teniamo per te per 1 ora"));
    assert!(engine.store().find_person(&Account::new(Network::Console, "maria")).await.unwrap().is_none());
}

#[tokio::test]
async fn with_two_bots_on_one_network_a_store_that_cannot_say_which_bot_a_person_uses_fails_the_delivery_instead_of_guessing()
 {
    let (a, b) = (
        CapturingCourier::for_channel(Network::Telegram, "telegram:a"),
        CapturingCourier::for_channel(Network::Telegram, "telegram:b"),
    );
    let (store, dir) = sqlite_store().await;
    let options = Options { couriers: vec![a.clone(), b.clone()], ..Default::default() };
    let (app, clock) = spawn_app(store, saturday_morning(), options).await;
    let engine = app.engine;
    let mut inbound = vicinato::conversation::Inbound::direct_text(Network::Telegram, "4343", "ciao");
    inbound.channel = Some("telegram:b".into());
    engine.handle(inbound).await;
    let tea = engine.store().find_person(&Account::new(Network::Telegram, "4343")).await.unwrap().unwrap();
    // Which bot Tea wrote to cannot be read (as with a database that went away).
    let pool = sqlx::SqlitePool::connect(&format!("sqlite:{}/vicinato.db", dir.path().display())).await.unwrap();
    sqlx::query("ALTER TABLE accounts RENAME COLUMN channel TO channel_gone").execute(&pool).await.unwrap();
    let reply = vicinato::conversation::Reply::id("booking-released");
    let failed = engine.couriers().deliver(&tea, Lang::It, &reply, clock.now()).await;
    assert!(matches!(failed, Err(vicinato::courier::CourierError::Failed(_))), "{failed:?}");
    assert!(a.take().is_empty() && b.take().is_empty(), "nothing went through a guessed bot");
    sqlx::query("ALTER TABLE accounts RENAME COLUMN channel_gone TO channel").execute(&pool).await.unwrap();
    engine.couriers().deliver(&tea, Lang::It, &reply, clock.now()).await.unwrap();
    assert_eq!(b.take().len(), 1);
    assert!(a.take().is_empty());
}

#[tokio::test]
async fn a_question_while_the_number_of_people_is_asked_gets_its_answer_and_the_question_again_with_the_capacity() {
    let (engine, _clock, _courier, _dir) = app().await;
    let r = talk(
        &engine,
        "nonna",
        Some(Lang::It),
        &["vorrei prenotare la saletta a centocelle martedì alle 10", "a che ora chiude?"],
    )
    .await;
    let texts: Vec<&str> = r.iter().map(text).collect();
    let again = text(r.last().unwrap());
    assert_eq!(r.len(), 3, "{texts:?}");
    assert!(texts[1].starts_with("Orari della Casa del Welfare di Centocelle"), "the hours of the house: {texts:?}");
    assert!(texts[1].contains("sabato: 09:00–13:00"), "{texts:?}");
    assert!(again.starts_with("Quante persone sarete?"), "{again}");
    assert!(!again.contains('{') && again.contains("al massimo"), "the capacity is said: {again}");
}

#[tokio::test]
async fn typing_si_or_no_at_the_summary_answers_it_as_the_buttons_do() {
    let (engine, _clock, _courier, _dir) = app().await;
    let ask = "vorrei la sala grande martedì dalle 15 alle 17 per 20 persone";
    let r = talk(&engine, "nonna", Some(Lang::It), &[ask, "riunione del comitato di quartiere", "Sì!"]).await;
    assert!(text(&r[1]).starts_with("Ricapitolo"), "{}", text(&r[1]));
    assert!(!text(&r[2]).contains("Non ho capito"), "{}", text(&r[2]));
    let mine = talk(&engine, "nonna", None, &["/prenotazioni"]).await;
    assert!(text(&mine[0]).contains("Sala grande"), "booked: {}", text(&mine[0]));
    let other = "vorrei la sala grande mercoledì dalle 15 alle 17 per 20 persone";
    let r = talk(&engine, "luca", Some(Lang::It), &[other, "corso di cucito", "no grazie"]).await;
    assert!(text(&r[1]).starts_with("Ricapitolo"), "{}", text(&r[1]));
    assert!(!text(&r[2]).contains("Non ho capito"), "{}", text(&r[2]));
    let mine = talk(&engine, "luca", None, &["/prenotazioni"]).await;
    assert!(!text(&mine[0]).contains("Sala grande"), "not booked: {}", text(&mine[0]));
}
