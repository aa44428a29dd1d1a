//! Hardening, tried as a hostile or unlucky user would: forged buttons held to the booking
//! rules, waits that obey them at every step, work that a crash or a network down cannot lose
//! or double, and limits per person that normal use never meets. Through the console
//! transport on a real store, the real scheduler, and couriers that capture (or fail).

use crate::support::*;
use async_trait::async_trait;
use chrono::{DateTime, Duration, TimeZone, Utc};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use vicinato::clock::Clock;
use vicinato::conversation::{Block, ConversationSettings, Reply};
use vicinato::courier::{CapturingCourier, Courier, Couriers};
use vicinato::domain::*;

fn press(payload: &str) -> String {
    format!(r#"{{"button": "{payload}"}}"#)
}

/// Tuesday 1 December 2026 in Rome.
fn tuesday(h: u32, m: u32) -> DateTime<Utc> {
    chrono_tz::Europe::Rome.with_ymd_and_hms(2026, 12, 1, h, m, 0).unwrap().with_timezone(&Utc)
}

const HALL_WAIT: &str = "bwait:centocelle-sala-grande|202612011500|120";

impl App {
    async fn plain() -> App {
        App::with(ConversationSettings::default()).await
    }

    async fn say_it(&self, name: &str, lines: &[&str]) -> Vec<serde_json::Value> {
        talk(&self.engine, name, Some(Lang::It), lines).await
    }

    /// What the courier carried since last asked: (recipient, first message id).
    fn told_first(&self) -> Vec<(String, String)> {
        self.courier.take().into_iter().map(|(account, _, reply)| (account.external_id, first_id(&reply))).collect()
    }

    /// People still waiting for the hall on Tuesday 15–17.
    async fn waiting_for_the_hall(&self) -> usize {
        self.store()
            .waitlist_waiting(&SpaceId::new("centocelle-sala-grande"), tuesday(15, 0), tuesday(17, 0))
            .await
            .unwrap()
            .len()
    }

    /// A booking written straight to the store (another chat, another process).
    async fn booked(&self, name: &str, space: &str, from: DateTime<Utc>, hours: i64) -> Booking {
        let person = self.person(name).await;
        let (house, s) = self.engine.spaces().space(&SpaceId::new(space)).unwrap();
        let new = NewBooking {
            house: house.location.clone(),
            space: s.id.clone(),
            person: person.id,
            status: BookingStatus::Confirmed,
            starts: from,
            ends: from + Duration::hours(hours),
            zone: house.zone,
            people: 5,
            purpose: "prove".into(),
            units: s.units.clone(),
            busy_until: from + Duration::hours(hours) + Duration::minutes(i64::from(s.buffer_minutes)),
            replaces: None,
            association: None,
        };
        self.store().booking_insert(&new, self.clock.now()).await.unwrap().unwrap()
    }
}

fn first_id(reply: &Reply) -> String {
    match reply.blocks.first() {
        Some(Block::Say(m)) => m.id.clone(),
        _ => String::new(),
    }
}

/// Maria books the main hall on Tuesday 15–17 through the whole conversation.
async fn maria_books_the_hall(app: &App) -> Vec<serde_json::Value> {
    let r = app.say_it("maria", &["vorrei la sala grande martedì dalle 15 alle 17 per 20 persone"]).await;
    assert!(text(&r[0]).contains("Per cosa ti serve"), "{}", text(&r[0]));
    app.say_it("maria", &["riunione del comitato di quartiere", &press("book:yes")]).await
}

/// Maria cancels her only booking from the list.
async fn maria_cancels(app: &App) {
    let r = app.say_it("maria", &["/bookings"]).await;
    let cancel = payloads(&r[0]).into_iter().find(|p| p.starts_with("bcancel:")).expect("a cancel button");
    let r = app.say_it("maria", &[&press(&cancel), &press(&format!("{cancel}:yes"))]).await;
    assert!(text(&r[1]).starts_with("Annullata"), "{}", text(&r[1]));
}

#[tokio::test]
async fn a_forged_wait_button_is_held_to_every_rule_of_a_booking() {
    let app = App::plain().await;
    maria_books_the_hall(&app).await;
    for (forged, why) in [
        ("bwait:centocelle-sala-grande|202612011500|20160", "Si prenota per al massimo 4 ore"),
        ("bwait:centocelle-sala-grande|999912011500|120", ""),
        ("bwait:centocelle-sala-grande|210012011500|120", "Si prenota al massimo 90 giorni prima"),
        ("bwait:centocelle-sala-grande|202612010600|120", "A quell'ora lo spazio è chiuso"),
        ("bwait:centocelle-sala-grande|202611270900|120", "Quel momento è già passato"),
        ("bwait:centocelle-sala-grande|202612011500|4294967295", ""),
        ("bwait:centocelle-sala-grande|262142123115|120", ""),
    ] {
        let r = app.say_it("bob", &[&press(forged)]).await;
        assert!(!text(&r[0]).contains("lista d'attesa"), "{forged}: {}", text(&r[0]));
        assert!(text(&r[0]).contains(why), "{forged}: {}", text(&r[0]));
    }
    // Inside a closure staff set.
    app.say_it("stefi", &["/start"]).await;
    app.grant("stefi", Role::Staff, "roma-m05").await;
    let r = app.say_it("stefi", &["/space close centocelle-sala-grande 3/12 Disinfestazione"]).await;
    assert!(text(&r[0]).contains("Disinfestazione"), "{}", text(&r[0]));
    let r = app.say_it("bob", &[&press("bwait:centocelle-sala-grande|202612031000|120")]).await;
    assert!(text(&r[0]).contains("Lo spazio è chiuso in quel momento"), "{}", text(&r[0]));
    // A free slot is not waited for: it can be booked.
    let r = app.say_it("bob", &[&press("bwait:centocelle-sala-grande|202612021000|120")]).await;
    assert!(text(&r[0]).contains("è libero"), "{}", text(&r[0]));
    assert!(payloads(&r[0]).contains(&"bspace:centocelle-sala-grande|20261202".to_owned()));
    // Nobody is waiting for anything.
    let bob = app.person("bob").await;
    for (from, to) in [(tuesday(0, 0), tuesday(0, 0) + Duration::days(3650))] {
        let all = app.store().waitlist_waiting(&SpaceId::new("centocelle-sala-grande"), from, to).await.unwrap();
        assert!(all.iter().all(|e| e.person != bob.id), "{all:?}");
    }
    // The real one still works.
    let r = app.say_it("bob", &[&press(HALL_WAIT)]).await;
    assert!(text(&r[0]).contains("sei 1° in fila"), "{}", text(&r[0]));
}

#[tokio::test]
async fn a_person_waits_once_for_a_slot_and_for_a_few_slots_at_most() {
    let mut settings = ConversationSettings::default();
    settings.limits.waitlist_entries = 2;
    let app = App::with(settings).await;
    maria_books_the_hall(&app).await;
    app.booked("maria", "centocelle-saletta", tuesday(10, 0), 1).await;
    app.booked("maria", "centocelle-saletta", tuesday(12, 0), 1).await;
    for _ in 0..3 {
        let r = app.say_it("bob", &[&press(HALL_WAIT)]).await;
        assert!(text(&r[0]).contains("sei 1° in fila"), "the same place each time: {}", text(&r[0]));
    }
    assert_eq!(app.waiting_for_the_hall().await, 1);
    let r = app.say_it("bob", &[&press("bwait:centocelle-saletta|202612011000|60")]).await;
    assert!(text(&r[0]).contains("sei 1° in fila"), "{}", text(&r[0]));
    let r = app.say_it("bob", &[&press("bwait:centocelle-saletta|202612011200|60")]).await;
    assert!(text(&r[0]).contains("Sei già in lista d'attesa per 2 orari"), "{}", text(&r[0]));
    // Someone else is not limited by Bob's waits.
    let r = app.say_it("carla", &[&press(HALL_WAIT)]).await;
    assert!(text(&r[0]).contains("sei 2° in fila"), "{}", text(&r[0]));
}

#[tokio::test]
async fn a_waiting_person_whose_quota_is_used_meanwhile_is_passed_over_and_told_why() {
    let app = App::plain().await;
    maria_books_the_hall(&app).await;
    let r = app.say_it("bob", &[&press(HALL_WAIT)]).await;
    assert!(text(&r[0]).contains("sei 1° in fila"), "{}", text(&r[0]));
    app.say_it("carla", &[&press(HALL_WAIT)]).await;
    // Meanwhile Bob books 7 of his 8 weekly hours in the house.
    let wednesday = tuesday(10, 0) + Duration::days(1);
    app.booked("bob", "centocelle-sala-grande-a", wednesday, 4).await;
    app.booked("bob", "centocelle-sala-grande-a", wednesday + Duration::days(1), 3).await;
    maria_cancels(&app).await;
    let told = app.told_first();
    assert_eq!(
        told,
        [("bob".to_owned(), "waitlist-lapsed".to_owned()), ("carla".to_owned(), "waitlist-offer".to_owned())],
        "two more hours would break Bob's quota: the slot goes to Carla"
    );
    let carla = app.person("carla").await;
    let held = app.store().bookings_of(carla.id, app.clock.now()).await.unwrap();
    assert_eq!(held.len(), 1);
    assert_eq!(held[0].status, BookingStatus::Held);
    let bob = app.person("bob").await;
    assert!(
        app.store().bookings_of(bob.id, app.clock.now()).await.unwrap().iter().all(|b| b.status != BookingStatus::Held)
    );
}

#[tokio::test]
async fn taking_up_an_offer_checks_the_rules_again() {
    let app = App::plain().await;
    maria_books_the_hall(&app).await;
    app.say_it("bob", &[&press(HALL_WAIT)]).await;
    app.say_it("carla", &[&press(HALL_WAIT)]).await;
    app.clock.set(tuesday(12, 30));
    maria_cancels(&app).await;
    let offer = app.courier.take();
    assert_eq!(first_id(&offer[0].2), "waitlist-offer");
    let yes = offer[0].2.buttons[0].payload.clone();
    assert!(yes.starts_with("bhold:yes|"), "{yes}");
    // Bob answers at 13:10: within his hold, but less than the two hours' notice the hall needs.
    app.clock.set(tuesday(13, 10));
    let r = app.say_it("bob", &[&press(&yes)]).await;
    assert!(text(&r[0]).contains("Bisogna prenotare almeno 2 ore prima"), "{}", text(&r[0]));
    assert!(text(&r[0]).contains("lo offriamo alla prossima persona"), "{}", text(&r[0]));
    let bob = app.person("bob").await;
    assert!(app.store().bookings_of(bob.id, app.clock.now()).await.unwrap().is_empty());
    // The next in line is held to the same notice: her wait ends, with the reason.
    assert_eq!(app.told_first(), [("carla".to_owned(), "waitlist-lapsed".to_owned())]);
    // Pressing again changes nothing.
    let r = app.say_it("bob", &[&press(&yes)]).await;
    assert!(text(&r[0]).contains("non è più valida"), "{}", text(&r[0]));
}

#[tokio::test]
async fn a_closure_ends_the_waits_it_covers_and_tells_those_waiting() {
    let app = App::plain().await;
    maria_books_the_hall(&app).await;
    app.say_it("bob", &[&press(HALL_WAIT)]).await;
    app.say_it("stefi", &["/start"]).await;
    app.grant("stefi", Role::Staff, "roma-m05").await;
    app.say_it("stefi", &["/space close centocelle-sala-grande 1/12 Guasto all'impianto elettrico"]).await;
    let told = app.told_first();
    assert!(told.contains(&("bob".to_owned(), "waitlist-closed".to_owned())), "{told:?}");
    assert!(told.contains(&("maria".to_owned(), "space-closed-notice".to_owned())), "{told:?}");
    assert_eq!(app.waiting_for_the_hall().await, 0);
    // Maria cancels: nobody is offered a closed hall.
    maria_cancels(&app).await;
    assert!(app.told_first().is_empty());
}

/// A courier whose network is down for its first `failures` deliveries.
struct FlakyCourier {
    inner: Arc<CapturingCourier>,
    failures: AtomicU32,
}

#[async_trait]
impl Courier for FlakyCourier {
    fn network(&self) -> Network {
        Network::Console
    }

    fn channel(&self) -> &str {
        self.inner.channel()
    }

    async fn deliver(
        &self,
        account: &Account,
        lang: Lang,
        reply: &Reply,
        once: Option<&str>,
        now: DateTime<Utc>,
    ) -> anyhow::Result<bool> {
        if self.failures.load(Ordering::SeqCst) > 0 {
            self.failures.fetch_sub(1, Ordering::SeqCst);
            anyhow::bail!("network down");
        }
        self.inner.deliver(account, lang, reply, once, now).await
    }
}

fn flaky(app: &App, failures: u32) {
    let mut couriers = Couriers::default();
    couriers.add(Arc::new(FlakyCourier { inner: app.courier.clone(), failures: AtomicU32::new(failures) }));
    app.engine.set_couriers(couriers);
}

#[tokio::test]
async fn a_decision_whose_note_cannot_go_now_reaches_the_requester_once_later_with_its_reminders() {
    let app = App::plain().await;
    app.store().space_approval_set(&SpaceId::new("centocelle-sala-grande"), Some(true), app.clock.now()).await.unwrap();
    let r = maria_books_the_hall(&app).await;
    assert!(text(&r[0]).contains("approv"), "{}", text(&r[0]));
    app.say_it("stefi", &["/start"]).await;
    app.grant("stefi", Role::Staff, "roma-m05").await;
    let r = app.say_it("stefi", &["/approve"]).await;
    let approve = payloads(&r[0]).into_iter().find(|p| p.starts_with("bapprove:")).expect("an approve button");
    flaky(&app, 1);
    let r = app.say_it("stefi", &[&press(&approve)]).await;
    assert!(text(&r[0]).contains("Approvata") || text(&r[0]).contains("approvata"), "{}", text(&r[0]));
    assert!(app.told_first().is_empty(), "the network was down");
    // The note waits in its job, committed with the decision: it goes out once.
    assert!(app.run_jobs().await >= 1);
    assert_eq!(app.told_first(), [("maria".to_owned(), "booking-approved".to_owned())]);
    assert_eq!(app.run_jobs().await, 0);
    assert!(app.told_first().is_empty());
    // The reminders were committed with the decision too.
    app.clock.set(tuesday(15, 0) - Duration::hours(24));
    app.run_jobs().await;
    let told = app.told_first();
    assert!(told.iter().any(|(who, id)| who == "maria" && id == "reminder-hours"), "{told:?}");
}

#[tokio::test]
async fn a_hold_that_runs_out_offers_the_next_in_line_once_even_when_its_job_runs_again() {
    let app = App::plain().await;
    maria_books_the_hall(&app).await;
    app.say_it("bob", &[&press(HALL_WAIT)]).await;
    app.say_it("carla", &[&press(HALL_WAIT)]).await;
    maria_cancels(&app).await;
    assert_eq!(app.told_first(), [("bob".to_owned(), "waitlist-offer".to_owned())]);
    // Bob never answers; his hold's job runs while the network is down for its note.
    let peek = app.store().jobs_claim(app.clock.now() + Duration::hours(2), "peek", app.clock.now(), 10).await.unwrap();
    let hold = peek.iter().find(|j| j.kind == "booking-hold").expect("a hold job").clone();
    app.clock.advance(Duration::minutes(61));
    flaky(&app, 1);
    assert!(app.run_jobs().await >= 1);
    let mut told = app.told_first();
    told.sort();
    assert_eq!(
        told,
        [("bob".to_owned(), "waitlist-offer-expired".to_owned()), ("carla".to_owned(), "waitlist-offer".to_owned())],
        "Carla is offered it at once; the note Bob missed waited in its job and went once"
    );
    // The job runs again, as after a crash before it was marked done: nothing is doubled.
    let again = vicinato::store::NewJob {
        kind: hold.kind.clone(),
        key: hold.key.clone(),
        payload: hold.payload.clone(),
        due_at: app.clock.now(),
        cron: None,
        zone: hold.zone.clone(),
    };
    app.store().job_put(&again, app.clock.now()).await.unwrap();
    app.run_jobs().await;
    assert!(app.told_first().is_empty());
    let carla = app.person("carla").await;
    assert_eq!(app.store().bookings_of(carla.id, app.clock.now()).await.unwrap().len(), 1);
    assert_eq!(app.waiting_for_the_hall().await, 0);
}

#[tokio::test]
async fn moving_a_booking_offers_its_old_slot_to_the_waitlist() {
    let app = App::plain().await;
    maria_books_the_hall(&app).await;
    app.say_it("bob", &[&press(HALL_WAIT)]).await;
    let r = app.say_it("maria", &["/bookings"]).await;
    let moving = payloads(&r[0]).into_iter().find(|p| p.starts_with("bmove:")).expect("a move button");
    let r = app.say_it("maria", &[&press(&moving), "mercoledì dalle 16 alle 18", &press("book:yes")]).await;
    assert!(text(&r[2]).starts_with("Prenotato"), "{}", text(&r[2]));
    assert_eq!(app.told_first(), [("bob".to_owned(), "waitlist-offer".to_owned())]);
}

#[tokio::test]
async fn confirming_checks_the_weekly_quota_again_after_another_chat_booked() {
    let app = App::plain().await;
    let r = app.say_it("maria", &["vorrei la sala grande martedì dalle 15 alle 17 per 20 persone"]).await;
    assert!(text(&r[0]).contains("Per cosa ti serve"), "{}", text(&r[0]));
    let r = app.say_it("maria", &["riunione del comitato di quartiere"]).await;
    assert_eq!(payloads(&r[0]), ["book:yes", "book:no"]);
    // While the summary waits, another chat of hers books 7 hours in the same house.
    app.booked("maria", "centocelle-sala-grande-a", tuesday(9, 0) + Duration::days(1), 4).await;
    app.booked("maria", "centocelle-sala-grande-a", tuesday(9, 0) + Duration::days(2), 3).await;
    let r = app.say_it("maria", &[&press("book:yes")]).await;
    assert!(text(&r[0]).contains("al massimo 8 ore a settimana"), "{}", text(&r[0]));
    let maria = app.person("maria").await;
    assert_eq!(app.store().bookings_of(maria.id, app.clock.now()).await.unwrap().len(), 2);
}

#[tokio::test]
async fn over_the_weekly_quota_the_times_offered_are_ones_she_can_still_book() {
    let app = App::plain().await;
    app.say_it("maria", &["/prenotazioni"]).await;
    // Seven of Maria's eight hours this week are booked (Wednesday and Thursday mornings).
    app.booked("maria", "centocelle-sala-grande-a", tuesday(9, 0) + Duration::days(1), 4).await;
    app.booked("maria", "centocelle-sala-grande-a", tuesday(9, 0) + Duration::days(2), 3).await;
    let r = app.say_it("maria", &["vorrei la sala grande venerdì dalle 15 alle 17"]).await;
    let said = r.iter().map(|r| text(r).to_owned()).collect::<Vec<_>>().join("\n");
    assert!(said.contains("al massimo 8 ore a settimana"), "{said}");
    let offered: Vec<String> = r.iter().flat_map(payloads).filter(|p| p.starts_with("bslot:")).collect();
    assert!(!offered.is_empty(), "some times are offered: {said}");
    // Each one offered goes through to the summary: none is refused for the quota again.
    for slot in &offered {
        let r = app.say_it("maria", &[&press(slot)]).await;
        let said = r.iter().map(|r| text(r).to_owned()).collect::<Vec<_>>().join("\n");
        assert!(!said.contains("al massimo 8 ore"), "{slot} was offered, then refused: {said}");
        app.say_it("maria", &["/annulla", "vorrei la sala grande venerdì dalle 15 alle 17"]).await;
    }
}

#[tokio::test]
async fn a_sixth_draft_is_refused_until_one_is_finished() {
    let app = App::plain().await;
    for i in 0..5 {
        let r = app.say_it("ada", &[&format!("/proponi Idea numero {i}"), "/cancel"]).await;
        assert!(text(&r[0]).contains("Scriviamo la tua proposta"), "{}", text(&r[0]));
    }
    let r = app.say_it("ada", &["/proponi Una in più"]).await;
    assert!(text(&r[0]).contains("Hai già 5 bozze aperte"), "{}", text(&r[0]));
    let ada = app.person("ada").await;
    let mine = app.store().initiatives_of_person(ada.id).await.unwrap();
    assert_eq!(mine.len(), 5);
    // Someone else proposes freely.
    let r = app.say_it("bruno", &["/proponi Orto condiviso"]).await;
    assert!(text(&r[0]).contains("Scriviamo la tua proposta"), "{}", text(&r[0]));
}

#[tokio::test]
async fn a_flood_of_messages_is_slowed_once_then_paused_and_staff_are_never_slowed() {
    let app = App::plain().await;
    let lines = vec!["/whoami"; 60];
    let r = app.say_it("spam", &lines).await;
    let slowed = r.iter().filter(|m| text(m).contains("Stai scrivendo molto in fretta")).count();
    assert_eq!(slowed, 1, "asked once");
    assert_eq!(r.len(), 41, "40 answers, the request to slow down, then silence: {}", r.len());
    // Others are answered meanwhile.
    let r = app.say_it("quiet", &["/whoami"]).await;
    assert_eq!(r.len(), 1);
    // Staff acting on their territory are never slowed.
    app.say_it("stefi", &["/start"]).await;
    app.grant("stefi", Role::Staff, "roma-m05").await;
    let r = app.say_it("stefi", &lines).await;
    assert_eq!(r.len(), 60);
}

#[tokio::test]
async fn staff_lists_asked_for_in_a_group_are_answered_privately() {
    use vicinato::conversation::{Body, ChatKind, Inbound, Visibility};
    let app = App::plain().await;
    app.say_it("stefi", &["/start"]).await;
    app.grant("stefi", Role::Staff, "roma-m05").await;
    for command in ["/review", "/approve"] {
        let mut inbound = Inbound::direct_text(Network::Console, "stefi", command);
        inbound.chat_id = "group-42".into();
        inbound.chat_kind = ChatKind::Group;
        inbound.addressed = true;
        assert!(matches!(inbound.body, Body::Text(_)));
        let outcome = app.engine.handle(inbound).await;
        assert!(!outcome.replies.is_empty());
        assert!(outcome.replies.iter().all(|r| r.visibility == Visibility::Sender), "{command}: {:?}", outcome.replies);
    }
}

#[tokio::test]
async fn a_name_with_bidi_controls_is_kept_without_them() {
    use vicinato::conversation::Inbound;
    let app = App::plain().await;
    let mut inbound = Inbound::direct_text(Network::Console, "trick", "/whoami");
    inbound.sender_name = "Ada\u{202E}nimdA\u{200B}".into();
    app.engine.handle(inbound).await;
    assert_eq!(app.person("trick").await.display_name, "AdanimdA");
}

#[tokio::test]
async fn comments_and_reports_an_hour_are_limited_except_for_staff_of_the_territory() {
    use vicinato::domain::initiative::{Content, Status};
    use vicinato::store::{AuditEntry, NewInitiative, Transition};
    let mut settings = ConversationSettings::default();
    settings.limits.comments_per_hour = 2;
    let app = App::with(settings).await;
    app.say_it("ada", &["/start"]).await;
    let ada = app.person("ada").await;
    let content =
        Content { title: "Orto condiviso".into(), description: "Un orto nel cortile".into(), ..Default::default() };
    let new = NewInitiative {
        author: ada.id,
        territory: TerritoryId::new("centocelle"),
        territory_path: app.engine.snapshot().tree.path(&TerritoryId::new("centocelle")),
        threshold: 10,
        content,
    };
    let now = app.clock.now();
    let ini = app.store().initiative_create(&new, now).await.unwrap();
    let audit = AuditEntry {
        at: now,
        actor: None,
        action: "publish".into(),
        subject: format!("initiative:{}", ini.id),
        reason: None,
    };
    let publish = Transition {
        from: vec![Status::Draft],
        to: Status::Published,
        decision: None,
        deadline: None,
        outcome: None,
        audit,
    };
    app.store().initiative_transition(ini.id, &publish, now).await.unwrap().unwrap();
    for i in 0..2 {
        let r = app.say_it("bob", &[&press(&format!("icom:{}", ini.id)), &format!("Bella idea, numero {i}")]).await;
        assert!(!text(&r[1]).contains("nell'ultima ora"), "{}", text(&r[1]));
    }
    let r = app.say_it("bob", &[&press(&format!("icom:{}", ini.id))]).await;
    assert!(text(&r[0]).contains("Ne hai già scritti 2 nell'ultima ora"), "{}", text(&r[0]));
    // An hour later, Bob may comment again.
    app.clock.advance(Duration::minutes(61));
    let r = app.say_it("bob", &[&press(&format!("icom:{}", ini.id))]).await;
    assert!(!text(&r[0]).contains("nell'ultima ora"), "{}", text(&r[0]));
    app.say_it("bob", &["/cancel"]).await;
    // Staff of the territory are not limited.
    app.say_it("stefi", &["/start"]).await;
    app.grant("stefi", Role::Staff, "roma-m05").await;
    for i in 0..3 {
        let r = app.say_it("stefi", &[&press(&format!("icom:{}", ini.id)), &format!("Nota dello staff {i}")]).await;
        assert!(!text(&r[1]).contains("nell'ultima ora"), "{}", text(&r[1]));
    }
}

/// A published initiative in Centocelle by Ada (a console person), made in the store.
async fn published_initiative(app: &App, starts: Option<DateTime<Utc>>) -> vicinato::domain::initiative::Initiative {
    use vicinato::domain::initiative::{Content, Status};
    use vicinato::store::{AuditEntry, NewInitiative, Transition};
    let now = app.clock.now();
    app.say_it("ada", &["/start"]).await;
    let author = app.person("ada").await;
    let content =
        Content { title: "Orto condiviso".into(), description: "Nel cortile".into(), starts, ..Default::default() };
    let new = NewInitiative {
        author: author.id,
        territory: TerritoryId::new("centocelle"),
        territory_path: "/lazio/citta-metropolitana-roma/roma/roma-m05/centocelle/".into(),
        threshold: 50,
        content,
    };
    let mut ini = app.store().initiative_create(&new, now).await.unwrap();
    for (from, to) in [(Status::Draft, Status::Submitted), (Status::Submitted, Status::Published)] {
        let audit =
            AuditEntry { at: now, actor: None, action: to.as_str().into(), subject: "test".into(), reason: None };
        let t = Transition { from: vec![from], to, decision: None, deadline: None, outcome: None, audit };
        ini = app.store().initiative_transition(ini.id, &t, now).await.unwrap().unwrap();
    }
    app.told_first();
    ini
}

#[tokio::test]
async fn an_initiative_note_that_cannot_go_now_waits_in_a_job_and_reaches_its_person_once() {
    use vicinato::i18n::Msg;
    let app = App::plain().await;
    let ini = published_initiative(&app, None).await;
    flaky(&app, 1);
    let msg = Msg::new("ini-note-comment").text("title", "Orto condiviso").text("text", "Porto io le zappe");
    let now = app.clock.now();
    vicinato::conversation::initiatives::lifecycle::tell(
        &app.engine,
        ini.author.unwrap(),
        msg,
        "test:comment:1",
        ini.id,
        now,
    )
    .await
    .expect("the comment is not undone by the network");
    assert!(app.told_first().is_empty(), "the network was down");
    assert!(app.run_jobs().await >= 1);
    assert_eq!(app.told_first(), [("ada".to_owned(), "ini-note-comment".to_owned())]);
    assert_eq!(app.run_jobs().await, 0);
    assert!(app.told_first().is_empty(), "once");
}

#[tokio::test]
async fn the_question_how_an_initiative_went_is_asked_once_even_when_the_network_was_down_when_it_took_place() {
    use vicinato::domain::initiative::Status;
    use vicinato::store::{AuditEntry, NewJob, Transition};
    let app = App::plain().await;
    let now = app.clock.now();
    let ini = published_initiative(&app, Some(now - Duration::hours(2))).await;
    let audit = AuditEntry { at: now, actor: None, action: "schedule".into(), subject: "test".into(), reason: None };
    let t = Transition {
        from: vec![Status::Published],
        to: Status::Scheduled,
        decision: None,
        deadline: None,
        outcome: None,
        audit,
    };
    app.store().initiative_transition(ini.id, &t, now).await.unwrap().unwrap();
    let payload = serde_json::json!({ "initiative": ini.id.0 }).to_string();
    let job = NewJob {
        kind: "initiative-held".into(),
        key: None,
        payload,
        due_at: now,
        cron: None,
        zone: "Europe/Rome".into(),
    };
    app.store().job_put(&job, now).await.unwrap();
    flaky(&app, 100);
    app.run_jobs().await;
    let asked = |told: Vec<(String, String)>| told.into_iter().filter(|(_, id)| id == "ini-note-ask-outcome").count();
    assert_eq!(asked(app.told_first()), 0, "the network was down");
    assert_eq!(app.store().initiative(ini.id).await.unwrap().unwrap().status, Status::Held);
    // The network is back: the question waited in its job, and goes once.
    flaky(&app, 0);
    app.clock.advance(Duration::minutes(5));
    assert!(app.run_jobs().await >= 1);
    let told = app.told_first();
    assert!(told.contains(&("ada".to_owned(), "ini-note-ask-outcome".to_owned())), "{told:?}");
    assert_eq!(asked(told), 1);
    app.clock.advance(Duration::hours(1));
    app.run_jobs().await;
    assert_eq!(asked(app.told_first()), 0, "once");
}

#[tokio::test]
async fn a_booker_told_of_a_closure_while_the_network_is_down_is_told_once_later() {
    let app = App::plain().await;
    maria_books_the_hall(&app).await;
    app.say_it("op", &["/start"]).await;
    app.grant("op", Role::Staff, "centocelle").await;
    app.told_first();
    flaky(&app, 1);
    let r = app.say_it("op", &["/spazio chiudi centocelle-sala-grande 1/12 14-18 imbiancatura"]).await;
    assert!(text(&r[0]).starts_with("Chiuso: Sala grande"), "{}", text(&r[0]));
    assert!(app.told_first().is_empty(), "the network was down");
    // The notice waits in its job: it goes out once.
    assert!(app.run_jobs().await >= 1);
    assert_eq!(app.told_first(), [("maria".to_owned(), "space-closed-notice".to_owned())]);
    assert_eq!(app.run_jobs().await, 0);
    assert!(app.told_first().is_empty());
}

#[tokio::test]
async fn the_question_to_confirm_a_link_asked_while_the_network_is_down_is_asked_once_later() {
    let app = App::plain().await;
    let r = app.say_it("carl", &["/collega"]).await;
    let asked = text(&r[0]).to_owned();
    let code: String = asked.split("è ").nth(1).expect("a code").chars().take(9).collect();
    let r = app.say_it("carl-tg", &[&format!("/collega {code}")]).await;
    let yes = payloads(&r[0]).into_iter().find(|p| p.starts_with("lnk:yes:")).expect("a yes button");
    app.told_first();
    flaky(&app, 1);
    let r = app.say_it("carl-tg", &[&press(&yes)]).await;
    assert!(text(&r[0]).contains("Ora conferma sulla console"), "{}", text(&r[0]));
    assert!(app.told_first().is_empty(), "the network was down");
    // The question waits in its job: it goes out once.
    assert!(app.run_jobs().await >= 1);
    assert_eq!(app.told_first(), [("carl".to_owned(), "link-confirm-maker".to_owned())]);
    assert_eq!(app.run_jobs().await, 0);
    assert!(app.told_first().is_empty());
}
