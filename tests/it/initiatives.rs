//! Community initiatives end to end through the console transport: a real store with the demo
//! directory, a clock the test sets, the real scheduler, and a capturing courier for what
//! Vicinato sends on its own. Both governance phases, anonymous support, the waitlist,
//! notifications sent once, reports hiding content, and the refusals of each role.

use crate::support::*;
use chrono::{DateTime, Duration, TimeZone, Utc};
use vicinato::clock::Clock;
use vicinato::conversation::{Block, ConversationSettings};
use vicinato::domain::initiative::{InitiativeId, Status, TerritoryRules};
use vicinato::domain::*;

fn press(payload: &str) -> String {
    format!(r#"{{"button": "{payload}"}}"#)
}

impl App {
    async fn new() -> App {
        let mut settings = ConversationSettings::default();
        // Three supports are enough in Centocelle (and beneath it), to keep conversations short.
        settings
            .initiatives
            .territories
            .insert("centocelle".into(), TerritoryRules { threshold: Some(3), ..Default::default() });
        App::with(settings).await
    }

    /// A resident of an area who speaks a language, with optional role in a territory.
    async fn resident(&self, name: &str, home: &str, lang: Lang) -> Person {
        let mut p = self
            .store()
            .person_for_account(&Account::new(Network::Console, name), name, self.clock.now())
            .await
            .unwrap();
        p.language = Some(lang);
        p.home = Some(TerritoryId::new(home));
        p.onboarded = true;
        self.store().save_profile(&p).await.unwrap();
        p
    }

    async fn say(&self, name: &str, lines: &[&str]) -> Vec<serde_json::Value> {
        talk(&self.engine, name, None, lines).await
    }

    /// What the courier carried since last asked: (recipient, message ids).
    fn told(&self) -> Vec<(String, String)> {
        self.courier
            .take()
            .into_iter()
            .map(|(account, _, reply)| {
                let ids = reply
                    .blocks
                    .iter()
                    .filter_map(|b| if let Block::Say(m) = b { Some(m.id.clone()) } else { None })
                    .collect::<Vec<_>>()
                    .join(",");
                (account.external_id, ids)
            })
            .collect()
    }

    async fn initiative(&self, id: InitiativeId) -> vicinato::domain::initiative::Initiative {
        self.store().initiative(id).await.unwrap().unwrap()
    }
}

fn id_in(payloads: &[String], kind: &str) -> InitiativeId {
    let p = payloads
        .iter()
        .find(|p| p.starts_with(&format!("{kind}:")))
        .unwrap_or_else(|| panic!("no {kind} in {payloads:?}"));
    InitiativeId(p.split(':').nth(1).unwrap().parse().unwrap())
}

fn all_text(replies: &[serde_json::Value]) -> String {
    replies.iter().map(|r| text(r).to_owned()).collect::<Vec<_>>().join("\n")
}

fn rome(d: u32, h: u32) -> DateTime<Utc> {
    chrono_tz::Europe::Rome.with_ymd_and_hms(2026, 12, d, h, 0, 0).unwrap().with_timezone(&Utc)
}

/// Ada proposes the shared garden by conversation and submits it; returns its id.
async fn propose_garden(app: &App, capacity: &str) -> InitiativeId {
    let r = app.say("ada", &["/proponi Orto condiviso"]).await;
    assert!(text(&r[0]).contains("Scriviamo la tua proposta"), "{}", text(&r[0]));
    assert!(text(&r[1]).contains("\"Orto condiviso\": cosa vuoi fare"), "{}", text(&r[1]));
    let r = app.say("ada", &["Un orto nel cortile della scuola, aperto alle famiglie del quartiere."]).await;
    assert!(text(&r[0]).contains("Quale tema"), "the area is Ada's home: {}", text(&r[0]));
    assert!(payloads(&r[0]).contains(&"ptheme:environment".to_owned()));
    let r = app.say("ada", &[&press("ptheme:environment")]).await;
    assert!(text(&r[0]).contains("Quando si svolgerà"), "{}", text(&r[0]));
    let r = app.say("ada", &["31 febbraio"]).await;
    assert!(text(&r[0]).contains("Questa data non va"), "{}", text(&r[0]));
    let r = app.say("ada", &["sabato 12/12 alle 10"]).await;
    assert!(text(&r[0]).starts_with("Dove?"), "{}", text(&r[0]));
    let r = app.say("ada", &["Cortile della scuola <Pisacane>"]).await;
    assert!(text(&r[0]).contains("Quante persone"), "{}", text(&r[0]));
    let r = app.say("ada", &[capacity]).await;
    assert!(text(&r[0]).contains("Cosa serve"), "{}", text(&r[0]));
    let r = app.say("ada", &[&press("pskip")]).await;
    let summary = text(&r[0]);
    assert!(summary.contains("Titolo: Orto condiviso"), "{summary}");
    assert!(summary.contains("Zona: Centocelle"), "{summary}");
    assert!(summary.contains("Quando: sabato 12/12 alle 10:00"), "{summary}");
    assert!(summary.contains("Dove: Cortile della scuola <Pisacane>"), "user text is kept as written: {summary}");
    assert!(summary.contains("Servono 3 sostegni"), "{summary}");
    let id = id_in(&payloads(&r[0]), "isub");
    let r = app.say("ada", &[&press(&format!("isub:{id}"))]).await;
    assert!(text(&r[0]).contains("\"Orto condiviso\" è inviata"), "{}", text(&r[0]));
    id
}

#[tokio::test]
async fn an_idea_goes_from_a_chat_message_to_a_held_and_reported_activity_in_phase_one() {
    let app = App::new().await;
    for name in ["ada", "carl", "dora", "eva"] {
        app.resident(name, "centocelle", Lang::It).await;
    }
    app.resident("bea", "centocelle", Lang::It).await;
    app.grant("bea", Role::Staff, "roma-m05").await;
    let id = propose_garden(&app, "2").await;

    // Only staff of the territory publish.
    let r = app.say("carl", &[&press(&format!("ipub:{id}"))]).await;
    assert!(text(&r[0]).contains("Non trovo"), "a submitted initiative is not public: {}", text(&r[0]));
    let r = app.say("ada", &[&press(&format!("ipub:{id}"))]).await;
    assert!(text(&r[0]).contains("Non hai il permesso"), "{}", text(&r[0]));
    let r = app.say("bea", &["/review"]).await;
    assert!(text(&r[0]).contains("Un'iniziativa ti aspetta"), "{}", text(&r[0]));
    assert!(payloads(&r[1]).contains(&format!("ipub:{id}")));
    let r = app.say("bea", &[&press(&format!("ipub:{id}"))]).await;
    assert!(text(&r[0]).contains("è pubblicata"), "{}", text(&r[0]));
    // Staff heard it was waiting for them; Ada hears it is published.
    assert_eq!(
        app.told(),
        [("bea".to_owned(), "ini-note-review".to_owned()), ("ada".to_owned(), "ini-note-status".to_owned())]
    );
    app.run_jobs().await;

    // Neighbours support it; Dora anonymously; the third support reaches the threshold.
    let r = app.say("carl", &[&press(&format!("isup:{id}"))]).await;
    assert!(text(&r[0]).contains("1 sostegno su 3"), "{}", text(&r[0]));
    let r = app.say("carl", &[&press(&format!("isup:{id}"))]).await;
    assert!(text(&r[0]).contains("La sostieni già"), "{}", text(&r[0]));
    let r = app.say("ada", &[&press(&format!("isup:{id}"))]).await;
    assert!(text(&r[0]).contains("L'hai proposta tu"), "{}", text(&r[0]));
    let r = app.say("dora", &[&press(&format!("isupa:{id}"))]).await;
    assert!(text(&r[0]).contains("in forma anonima"), "{}", text(&r[0]));
    let r = app.say("eva", &[&press(&format!("isup:{id}"))]).await;
    assert!(text(&r[0]).contains("ha raggiunto la soglia"), "{}", text(&r[0]));
    let r = app.say("eva", &[&press(&format!("ini:{id}"))]).await;
    let card = text(&r[0]);
    assert!(card.contains("3 sostegni su 3, tra cui carl, eva e altri 1."), "Dora's name is not shown: {card}");
    assert!(!card.contains("dora"), "{card}");
    let notes = app.told();
    let milestones = notes.iter().filter(|(_, ids)| ids == "ini-note-milestone").count();
    assert_eq!(milestones, 3, "first, each quarter and the threshold: {notes:?}");
    assert!(notes.contains(&("ada".to_owned(), "ini-note-status".to_owned())), "the threshold is news: {notes:?}");
    assert!(notes.contains(&("bea".to_owned(), "ini-note-review".to_owned())), "staff decide now: {notes:?}");
    assert_eq!(app.initiative(id).await.status, Status::ThresholdReached);

    // In phase 1 staff decide; the author cannot accept their own.
    let r = app.say("ada", &[&press(&format!("iacc:{id}"))]).await;
    assert!(text(&r[0]).contains("Non hai il permesso"), "{}", text(&r[0]));
    let r = app.say("bea", &[&press(&format!("iacc:{id}"))]).await;
    assert!(text(&r[0]).contains("è accettata"), "{}", text(&r[0]));
    let r = app.say("bea", &[&press(&format!("iacc:{id}"))]).await;
    assert!(text(&r[0]).contains("Ora non si può"), "decided once: {}", text(&r[0]));
    assert_eq!(app.told(), [("ada".to_owned(), "ini-note-status".to_owned())]);
    // Supporters hear it once, even when the job runs again after a crash.
    let peek = app.store().jobs_claim(app.clock.now(), "peek", app.clock.now(), 10).await.unwrap();
    let notify = peek.iter().find(|j| j.kind == "initiative-notify").unwrap().clone();
    assert!(app.run_jobs().await >= 1);
    let told = app.told();
    let mut who: Vec<&str> = told.iter().map(|(a, _)| a.as_str()).collect();
    who.sort();
    assert_eq!(who, ["carl", "dora", "eva"], "{told:?}");
    let again = vicinato::store::NewJob {
        kind: notify.kind.clone(),
        key: notify.key.clone(),
        payload: notify.payload.clone(),
        due_at: notify.due_at,
        cron: None,
        zone: notify.zone.clone(),
    };
    app.store().job_put(&again, app.clock.now()).await.unwrap();
    assert_eq!(app.run_jobs().await, 1);
    assert!(app.told().is_empty(), "nobody is told twice");

    // The author sets the date; participants join up to the capacity, then wait.
    let r = app.say("ada", &[&press(&format!("idate:{id}")), "sabato 12/12 alle 10"]).await;
    assert!(text(&r[1]).contains("è fissata per sabato 12/12 alle 10:00"), "{}", text(&r[1]));
    app.run_jobs().await;
    assert_eq!(app.told().iter().filter(|(_, ids)| ids == "ini-note-followed-date").count(), 3);
    let r = app.say("carl", &[&press(&format!("ijoin:{id}"))]).await;
    assert!(text(&r[0]).starts_with("Partecipi a \"Orto condiviso\""), "{}", text(&r[0]));
    let r = app.say("dora", &[&press(&format!("ivol:{id}"))]).await;
    assert!(text(&r[0]).contains("sei volontario"), "{}", text(&r[0]));
    let r = app.say("eva", &[&press(&format!("ijoin:{id}"))]).await;
    assert!(text(&r[0]).contains("Sei il numero 1 in lista d'attesa"), "{}", text(&r[0]));
    let r = app.say("carl", &[&press(&format!("ileave:{id}"))]).await;
    assert!(text(&r[0]).contains("Non partecipi più"), "{}", text(&r[0]));
    assert_eq!(app.told(), [("eva".to_owned(), "ini-note-promoted".to_owned())]);

    // The day before, participants are reminded; after the date it took place.
    app.clock.set(rome(11, 10) + Duration::minutes(1));
    app.run_jobs().await;
    let mut reminded: Vec<String> =
        app.told().into_iter().filter(|(_, ids)| ids == "ini-note-remind").map(|(a, _)| a).collect();
    reminded.sort();
    assert_eq!(reminded, ["dora", "eva"]);
    app.clock.set(rome(12, 13) + Duration::minutes(1));
    app.run_jobs().await;
    assert_eq!(app.initiative(id).await.status, Status::Held);
    assert!(app.told().contains(&("ada".to_owned(), "ini-note-ask-outcome".to_owned())));
    let r = app.say("ada", &[&press(&format!("iout:{id}")), "Abbiamo piantato venti piantine", "18"]).await;
    assert!(text(&r[1]).contains("Quante persone sono venute"), "{}", text(&r[1]));
    assert!(text(&r[2]).contains("il resoconto di \"Orto condiviso\" è pubblicato"), "{}", text(&r[2]));
    let r = app.say("carl", &[&press(&format!("ini:{id}"))]).await;
    assert!(
        text(&r[0]).contains("Com'è andata: Abbiamo piantato venti piantine (18 persone presenti)"),
        "{}",
        text(&r[0])
    );

    // Every step is in the audit log, with who took it.
    let log = app.store().audit_of(&format!("initiative:{id}")).await.unwrap();
    let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["submit", "publish", "threshold", "accept", "date", "schedule", "held", "report"]);
    let bea = app.store().find_person(&Account::new(Network::Console, "bea")).await.unwrap().unwrap();
    assert_eq!(log[1].actor, Some(bea.id));
    assert_eq!(log[2].actor, None, "the supports reached the threshold");

    // Participation figures for staff, and nobody else.
    let r = app.say("carl", &["/stats"]).await;
    assert!(text(&r[0]).contains("Non hai il permesso"), "{}", text(&r[0]));
    let r = app.say("bea", &["/stats"]).await;
    let stats = text(&r[0]);
    assert!(stats.contains("2026-11: 1 proposta, 3 sostegni"), "{stats}");
    assert!(stats.contains("2026-12: 0 proposte, 0 sostegni, 1 svolta"), "{stats}");
}

#[tokio::test]
async fn in_phase_two_residents_vote_and_elect_a_moderator_while_staff_only_check_legality() {
    let app = App::new().await;
    for name in ["ada", "carl", "dora", "eva", "gio"] {
        app.resident(name, "centocelle", Lang::It).await;
    }
    app.resident("fran", "san-lorenzo", Lang::It).await;
    app.resident("bea", "centocelle", Lang::It).await;
    app.grant("bea", Role::Staff, "roma-m05").await;

    let r = app.say("carl", &["/fase Centocelle 2"]).await;
    assert!(text(&r[0]).contains("Non hai il permesso"), "{}", text(&r[0]));
    let r = app.say("bea", &["/fase Centocelle 2"]).await;
    assert!(text(&r[0]).contains("fase 2: decidono i residenti"), "{}", text(&r[0]));

    let id = propose_garden(&app, "20").await;
    app.say("bea", &[&press(&format!("ipub:{id}"))]).await;
    for name in ["carl", "dora", "eva"] {
        app.say(name, &[&press(&format!("isup:{id}"))]).await;
    }
    // The threshold opens the vote by itself; staff may not decide.
    let ini = app.initiative(id).await;
    assert_eq!(ini.status, Status::Voting);
    let r = app.say("bea", &[&press(&format!("iacc:{id}"))]).await;
    assert!(text(&r[0]).contains("decidono i residenti con un voto"), "{}", text(&r[0]));
    // Nor by the moderators' way: once a vote is open, only the vote decides.
    let r = app.say("bea", &[&press(&format!("imrej:{id}")), "Non mi piace"]).await;
    assert!(text(&r[0]).contains("Non hai il permesso"), "{}", text(&r[0]));
    assert_eq!(app.initiative(id).await.status, Status::Voting);
    let r = app.say("carl", &["/iniziative in votazione"]).await;
    assert!(text(&r[0]).contains("Orto condiviso"), "browsing by status: {}", text(&r[0]));
    let r = app.say("carl", &["/iniziative accettate"]).await;
    assert!(text(&r[0]).contains("Non ho trovato iniziative"), "{}", text(&r[0]));
    let r = app.say("carl", &[&format!("/start i-{id}")]).await;
    assert!(payloads(&r[1]).contains(&format!("ivote:{id}:y")), "a deep link opens the card: {:?}", payloads(&r[1]));
    for (name, vote) in [("carl", "y"), ("dora", "y"), ("eva", "n")] {
        let r = app.say(name, &[&press(&format!("ivote:{id}:{vote}"))]).await;
        assert!(text(&r[0]).contains("è contato"), "{}", text(&r[0]));
    }
    let r = app.say("carl", &[&press(&format!("ivote:{id}:n"))]).await;
    assert!(text(&r[0]).contains("Hai già votato"), "{}", text(&r[0]));
    let r = app.say("fran", &[&press(&format!("ivote:{id}:y"))]).await;
    assert!(text(&r[0]).contains("Votano solo i residenti di Centocelle"), "{}", text(&r[0]));
    // The vote closes at its end: quorum (3) reached, 2 to 1.
    app.run_jobs().await;
    app.told();
    app.clock.set(app.clock.now() + Duration::days(15));
    app.run_jobs().await;
    assert_eq!(app.initiative(id).await.status, Status::Accepted);
    let told = app.told();
    assert!(told.contains(&("ada".to_owned(), "ini-note-status-reason".to_owned())), "{told:?}");
    let log = app.store().audit_of(&format!("initiative:{id}")).await.unwrap();
    let closed = log.iter().find(|e| e.action == "vote-closed").unwrap();
    assert_eq!((closed.actor, closed.reason.as_deref()), (None, Some("2 yes, 1 no")));

    // Gio stands as moderator; the vote makes it so.
    let r = app.say("gio", &["/proponi moderatore"]).await;
    assert!(text(&r[1]).contains("\"gio come moderatore\": cosa vuoi fare"), "{}", text(&r[1]));
    let r = app.say("gio", &["Voglio tenere in ordine le stanze del quartiere, con garbo."]).await;
    let theme = payloads(&r[0]).into_iter().next().unwrap();
    app.say("gio", &[&press(&theme), &press("pskip"), &press("pskip"), &press("pskip")]).await;
    let r = app.say("gio", &[&press("pskip")]).await;
    let mid = id_in(&payloads(&r[0]), "isub");
    app.say("gio", &[&press(&format!("isub:{mid}"))]).await;
    app.say("bea", &[&press(&format!("ipub:{mid}"))]).await;
    for name in ["carl", "dora", "eva"] {
        app.say(name, &[&press(&format!("isup:{mid}"))]).await;
    }
    for name in ["carl", "dora", "eva"] {
        app.say(name, &[&press(&format!("ivote:{mid}:y"))]).await;
    }
    assert_eq!(app.initiative(mid).await.status, Status::Voting);
    app.clock.set(app.clock.now() + Duration::days(15));
    app.run_jobs().await;
    assert_eq!(app.initiative(mid).await.status, Status::Accepted);
    let gio = app.store().find_person(&Account::new(Network::Console, "gio")).await.unwrap().unwrap();
    let tree = app.engine.snapshot().tree.clone();
    assert!(gio.may(Role::Moderator, Some(&TerritoryId::new("centocelle")), &tree), "{:?}", gio.roles);
    assert!(!gio.may(Role::Moderator, Some(&TerritoryId::new("san-lorenzo")), &tree));
}

#[tokio::test]
async fn three_reports_hide_an_initiative_until_a_moderator_restores_or_rejects_it() {
    let app = App::new().await;
    for name in ["ada", "carl", "dora", "eva", "mo"] {
        app.resident(name, "centocelle", Lang::It).await;
    }
    app.resident("bea", "centocelle", Lang::It).await;
    app.grant("bea", Role::Staff, "roma-m05").await;
    app.grant("mo", Role::Moderator, "centocelle").await;
    let id = propose_garden(&app, "20").await;
    app.say("bea", &[&press(&format!("ipub:{id}"))]).await;
    app.told();
    for name in ["carl", "dora"] {
        let r = app.say(name, &[&press(&format!("irep:{id}")), "pubblicità di un negozio"]).await;
        assert!(text(&r[1]).contains("Un moderatore la controllerà"), "{}", text(&r[1]));
    }
    let r = app.say("carl", &[&press(&format!("irep:{id}")), "di nuovo"]).await;
    assert!(text(&r[1]).contains("L'hai già segnalata"), "{}", text(&r[1]));
    let r = app.say("eva", &["/iniziative"]).await;
    assert!(text(&r[0]).contains("Orto condiviso"), "still visible after two: {}", text(&r[0]));
    app.say("eva", &[&press(&format!("irep:{id}")), "non è vero"]).await;
    assert!(app.initiative(id).await.hidden);
    let mut told = app.told();
    told.sort();
    let expected = [("ada", "ini-note-hidden"), ("bea", "ini-note-review"), ("mo", "ini-note-review")];
    assert_eq!(told, expected.map(|(a, b)| (a.to_owned(), b.to_owned())), "the author and the territory's moderators");
    let r = app.say("eva", &["/iniziative"]).await;
    assert!(!text(&r[0]).contains("Orto condiviso"), "{}", text(&r[0]));
    let r = app.say("carl", &[&press(&format!("ini:{id}"))]).await;
    assert!(text(&r[0]).contains("Non trovo"), "{}", text(&r[0]));
    // Residents cannot moderate; the moderator sees it in their review.
    let r = app.say("carl", &[&press(&format!("ishow:{id}"))]).await;
    assert!(text(&r[0]).contains("Non trovo") || text(&r[0]).contains("Non hai il permesso"), "{}", text(&r[0]));
    let r = app.say("mo", &["/review"]).await;
    assert!(payloads(&r[1]).contains(&format!("ishow:{id}")), "{:?}", payloads(&r[1]));
    let r = app.say("mo", &[&press(&format!("ishow:{id}"))]).await;
    assert!(text(&r[0]).contains("Di nuovo visibile"), "{}", text(&r[0]));
    assert_eq!(app.told(), [("ada".to_owned(), "ini-note-restored".to_owned())]);
    // Visible again, it is not a moderator's to reject: only hidden content is.
    let r = app.say("mo", &[&press(&format!("imrej:{id}"))]).await;
    assert!(text(&r[0]).contains("Non hai il permesso"), "{}", text(&r[0]));
    // Hidden again, a moderator rejects it with a reason the author reads.
    let r = app.say("mo", &[&press(&format!("ihide:{id}"))]).await;
    assert!(!text(&r[0]).contains("Non hai il permesso"), "{}", text(&r[0]));
    assert_eq!(app.told(), [("ada".to_owned(), "ini-note-hidden".to_owned())]);
    let r = app.say("mo", &[&press(&format!("imrej:{id}")), "Il cortile è privato"]).await;
    assert!(text(&r[1]).contains("non è accettata"), "{}", text(&r[1]));
    let told = app.told();
    assert_eq!(told, [("ada".to_owned(), "ini-note-status-reason".to_owned())]);
    let ini = app.initiative(id).await;
    assert_eq!(ini.status, Status::Rejected);
    assert_eq!(ini.decision.unwrap().reason.as_deref(), Some("Il cortile è privato"));
}

#[tokio::test]
async fn an_accepted_community_service_is_found_in_the_directory() {
    let app = App::new().await;
    app.resident("ada", "centocelle", Lang::It).await;
    app.resident("bea", "centocelle", Lang::It).await;
    app.grant("bea", Role::Staff, "roma-m05").await;
    let r = app.say("ada", &["/proponi servizio Sportello digitale per anziani"]).await;
    assert!(text(&r[0]).contains("servizio della comunità"), "{}", text(&r[0]));
    let r = app.say("ada", &["Aiutiamo gli anziani a usare il telefono e lo SPID, il martedì pomeriggio."]).await;
    assert!(payloads(&r[0]).contains(&"ptheme:digital".to_owned()), "directory categories: {:?}", payloads(&r[0]));
    app.say("ada", &[&press("ptheme:digital"), &press("pskip"), &press("pskip"), &press("pskip")]).await;
    let r = app.say("ada", &[&press("pskip")]).await;
    let id = id_in(&payloads(&r[0]), "isub");
    app.say("ada", &[&press(&format!("isub:{id}"))]).await;
    app.say("bea", &[&press(&format!("ipub:{id}"))]).await;
    for name in ["carl", "dora", "eva"] {
        app.resident(name, "centocelle", Lang::It).await;
        app.say(name, &[&press(&format!("isup:{id}"))]).await;
    }
    let r = app.say("bea", &[&press(&format!("iacc:{id}"))]).await;
    assert!(text(&r[0]).contains("è accettata"), "{}", text(&r[0]));
    let r = app.say("carl", &["/servizi sportello digitale"]).await;
    let found = all_text(&r);
    assert!(found.contains("Sportello digitale per anziani"), "{found}");
    let listing = app
        .store()
        .listing(&ServiceAtLocationId::new(format!("community-initiative-{id}-at-casa-welfare-centocelle")))
        .await
        .unwrap();
    assert_eq!(listing.unwrap().service.origin, Origin::Community);
}

#[tokio::test]
async fn a_resident_asks_in_english_what_is_happening_near_them_this_week() {
    let app = App::new().await;
    app.resident("ada", "centocelle", Lang::It).await;
    app.resident("bea", "centocelle", Lang::It).await;
    app.grant("bea", Role::Staff, "roma-m05").await;
    app.resident("sam", "centocelle", Lang::En).await;
    let r = app.say("sam", &["what's happening near me this week?"]).await;
    assert!(text(&r[0]).contains("Nothing is planned this week"), "{}", text(&r[0]));
    let id = propose_garden(&app, "20").await;
    app.say("bea", &[&press(&format!("ipub:{id}"))]).await;
    for name in ["carl", "dora", "eva"] {
        app.resident(name, "centocelle", Lang::It).await;
        app.say(name, &[&press(&format!("isup:{id}"))]).await;
    }
    app.say("bea", &[&press(&format!("iacc:{id}"))]).await;
    app.say("ada", &[&press(&format!("idate:{id}")), "giovedì 3/12 alle 17"]).await;
    app.clock.set(rome(1, 9));
    let r = app.say("sam", &["what's happening near me this week?"]).await;
    let list = text(&r[0]);
    assert!(list.starts_with("Happening this week in Centocelle:"), "{list}");
    assert!(
        list.contains("Orto condiviso — Centocelle, on Thursday 3/12 at 17:00 (scheduled; 3/3 supports)"),
        "{list}"
    );
    let r = app.say("sam", &[&press(&format!("ini:{id}"))]).await;
    assert!(payloads(&r[0]).contains(&format!("ijoin:{id}")), "{:?}", payloads(&r[0]));
    let r = app.say("sam", &["/initiatives garden"]).await;
    assert!(text(&r[0]).contains("I found no initiatives") || text(&r[0]).contains("Orto"), "{}", text(&r[0]));
    let r = app.say("sam", &["/initiatives orto"]).await;
    assert!(text(&r[0]).contains("Orto condiviso"), "{}", text(&r[0]));
    // Drafts stay private, and can be resumed.
    let r = app.say("sam", &["/propose Street library", "/cancel", "/myinitiatives"]).await;
    let mine = all_text(&r);
    assert!(mine.contains("Street library"), "{mine}");
    let draft = id_in(&payloads(r.last().unwrap()), "ini");
    let r = app.say("ada", &[&press(&format!("ini:{draft}"))]).await;
    assert!(text(&r[0]).contains("Non trovo"), "{}", text(&r[0]));
    app.grant("ada", Role::Moderator, "centocelle").await;
    let r = app.say("ada", &[&press(&format!("ini:{draft}"))]).await;
    assert!(text(&r[0]).contains("Non trovo"), "not even a moderator sees a draft: {}", text(&r[0]));
    let r = app.say("sam", &[&press(&format!("iedit:{draft}"))]).await;
    assert!(text(&r[0]).contains("Title: Street library"), "{}", text(&r[0]));
    let r = app.say("sam", &[&press(&format!("isub:{draft}"))]).await;
    assert!(text(&r[0]).contains("Something is missing: What and why"), "{}", text(&r[0]));
}

#[tokio::test]
async fn in_italian_the_week_and_words_of_a_description_find_the_initiative_and_support_keeps_comment_on_offer() {
    let app = App::new().await;
    app.resident("ada", "centocelle", Lang::It).await;
    app.resident("bea", "centocelle", Lang::It).await;
    app.grant("bea", Role::Staff, "roma-m05").await;
    app.resident("gina", "centocelle", Lang::It).await;
    let id = propose_garden(&app, "20").await;
    app.say("bea", &[&press(&format!("ipub:{id}"))]).await;
    // Supporting keeps what the card offered: joining and commenting stay one tap away.
    let r = app.say("gina", &[&press(&format!("isup:{id}"))]).await;
    let offered = payloads(&r[0]);
    for button in [format!("iuns:{id}"), format!("icom:{id}")] {
        assert!(offered.contains(&button), "{button} after supporting: {offered:?}");
    }
    // A word of the description ("cortile"), not of the title, finds it.
    let r = app.say("gina", &["/iniziative cortile"]).await;
    assert!(text(&r[0]).contains("Orto condiviso"), "{}", text(&r[0]));
    for name in ["carl", "dora"] {
        app.resident(name, "centocelle", Lang::It).await;
        app.say(name, &[&press(&format!("isup:{id}"))]).await;
    }
    app.say("bea", &[&press(&format!("iacc:{id}"))]).await;
    app.say("ada", &[&press(&format!("idate:{id}")), "giovedì 3/12 alle 17"]).await;
    app.clock.set(rome(1, 9));
    let r = app.say("gina", &["/settimana"]).await;
    let list = text(&r[0]);
    assert!(list.starts_with("Questa settimana a Centocelle:"), "{list}");
    assert!(list.contains("Orto condiviso"), "{list}");
    app.clock.set(rome(8, 9));
    let r = app.say("gina", &["/settimana"]).await;
    assert!(!text(&r[0]).contains("Orto condiviso"), "held last week: {}", text(&r[0]));
}

#[tokio::test]
async fn every_saturday_morning_records_the_first_saturday_and_says_it_repeats() {
    let app = App::new().await;
    app.resident("nina", "centocelle", Lang::It).await;
    let r = app
        .say(
            "nina",
            &[
                "/proponi Colazione insieme",
                "Una colazione al bar della piazza per conoscerci tra vicini.",
                &press("ptheme:neighbourhood"),
                "ogni sabato mattina",
            ],
        )
        .await;
    let said = all_text(&r);
    assert!(said.contains("Ho segnato la prima volta: sabato 5/12"), "{said}");
    assert!(text(r.last().unwrap()).starts_with("Dove?"), "the next question follows: {said}");
    let mine = app.say("nina", &["/mieiniziative"]).await;
    let id = id_in(&payloads(mine.last().unwrap()), "ini");
    let draft = app.initiative(id).await;
    assert!(draft.content.description.ends_with("Si ripete: ogni sabato mattina."), "{}", draft.content.description);
    let starts = draft.content.starts.expect("the first date").with_timezone(&chrono_tz::Europe::Rome);
    assert_eq!(starts.format("%A %-d/%-m").to_string(), "Saturday 5/12");
}

#[tokio::test]
async fn a_proposal_said_in_one_sentence_keeps_its_title_and_yes_or_no_never_become_a_field() {
    let app = App::new().await;
    app.resident("sam", "centocelle", Lang::En).await;
    let r = app.say("sam", &["i want propose a football match for kids"]).await;
    let said = all_text(&r);
    assert!(said.contains("\"Football match for kids\""), "the title comes from the sentence: {said}");
    let r = app
        .say(
            "sam",
            &[
                "Kids of the area play together on saturday in the park.",
                &press("ptheme:sport"),
                "saturday 12/12 at 10",
            ],
        )
        .await;
    assert!(text(r.last().unwrap()).starts_with("Where?"), "{}", all_text(&r));
    // "yes" at "Where?" is not a place: the question comes again.
    let r = app.say("sam", &["yes"]).await;
    let said = all_text(&r);
    assert!(said.contains("A yes or no is not enough here"), "{said}");
    assert!(text(r.last().unwrap()).starts_with("Where?"), "{said}");
    // "no" skips a step that may be skipped.
    let r = app.say("sam", &["no"]).await;
    assert!(text(&r[0]).contains("How many people"), "{}", all_text(&r));
    let r = app.say("sam", &["ok"]).await;
    assert!(all_text(&r).contains("A yes or no is not enough here"), "{}", all_text(&r));
    let r = app.say("sam", &["20", "no"]).await;
    let summary = text(r.last().unwrap());
    assert!(summary.contains("Football match for kids"), "{summary}");
    assert!(!summary.contains("Where: yes") && !summary.contains("Where: no"), "{summary}");
    // Italian, with the article elided, and a sentence that goes on after the title.
    app.resident("lia", "centocelle", Lang::It).await;
    let r = app.say("lia", &["vorrei organizzare un'asta di libri usati, per raccogliere fondi"]).await;
    let said = all_text(&r);
    assert!(said.contains("\"Asta di libri usati\": cosa vuoi fare"), "{said}");
}

#[tokio::test]
async fn cancelling_a_proposal_before_writing_anything_leaves_no_draft_behind() {
    let app = App::new().await;
    app.resident("ugo", "centocelle", Lang::It).await;
    let r = app.say("ugo", &["vorrei proporre una cosa", "/annulla", "/mieiniziative"]).await;
    let said = all_text(&r);
    assert!(said.contains("Fatto, ho annullato"), "{said}");
    assert!(said.contains("Non hai ancora proposto niente"), "the empty draft is gone: {said}");
    // A draft with a title is kept, and the person is told where to find it.
    let r = app.say("ugo", &["/proponi Cena di quartiere", "/annulla", "/mieiniziative"]).await;
    let said = all_text(&r);
    assert!(said.contains("La bozza «Cena di quartiere» resta salvata"), "{said}");
    assert!(said.contains("Le tue iniziative:") && said.contains("Cena di quartiere"), "{said}");
}

#[tokio::test]
async fn authors_write_to_supporters_at_most_every_three_days_and_unsupported_ideas_expire() {
    let app = App::new().await;
    for name in ["ada", "carl", "dora"] {
        app.resident(name, "centocelle", Lang::It).await;
    }
    app.resident("bea", "centocelle", Lang::It).await;
    app.grant("bea", Role::Staff, "roma-m05").await;
    let id = propose_garden(&app, "20").await;
    app.say("bea", &[&press(&format!("ipub:{id}"))]).await;
    app.run_jobs().await;
    app.say("carl", &[&press(&format!("isup:{id}"))]).await;
    app.say("dora", &[&press(&format!("ijoin:{id}"))]).await;
    app.told();
    // Only the author writes to supporters and participants.
    let r = app.say("carl", &[&press(&format!("iupd:{id}"))]).await;
    assert!(text(&r[0]).contains("Non hai il permesso"), "{}", text(&r[0]));
    let r = app.say("ada", &[&press(&format!("iupd:{id}")), "Sabato portate i guanti!"]).await;
    assert!(text(&r[1]).contains("Inviato a 2 persone"), "{}", text(&r[1]));
    app.run_jobs().await;
    let mut told = app.told();
    told.sort();
    assert_eq!(
        told,
        [("carl".to_owned(), "ini-note-update".to_owned()), ("dora".to_owned(), "ini-note-update".to_owned())]
    );
    let r = app.say("ada", &[&press(&format!("iupd:{id}"))]).await;
    assert!(text(&r[0]).contains("Potrai scrivere di nuovo ai sostenitori da"), "{}", text(&r[0]));
    app.clock.set(app.clock.now() + Duration::days(3));
    let r = app.say("ada", &[&press(&format!("iupd:{id}")), "Grazie a tutti"]).await;
    assert!(text(&r[1]).contains("Inviato a 2 persone"), "three days later: {}", text(&r[1]));
    app.run_jobs().await;
    assert_eq!(app.told().len(), 2);
    // Comments reach the author.
    let r = app.say("carl", &[&press(&format!("icom:{id}")), "Porto io le zappe"]).await;
    assert!(text(&r[1]).contains("commento è pubblicato"), "{}", text(&r[1]));
    assert_eq!(app.told(), [("ada".to_owned(), "ini-note-comment".to_owned())]);
    let r = app.say("dora", &[&press(&format!("ini:{id}"))]).await;
    assert!(text(&r[0]).contains("carl: Porto io le zappe"), "{}", text(&r[0]));
    // Ninety days without enough supports: expired, and everyone is told.
    app.clock.set(app.clock.now() + Duration::days(90));
    app.run_jobs().await;
    app.run_jobs().await;
    assert_eq!(app.initiative(id).await.status, Status::Expired);
    let mut told: Vec<String> = app.told().into_iter().map(|(who, _)| who).collect();
    told.sort();
    assert_eq!(told, ["ada", "carl", "dora"]);
    let r = app.say("carl", &[&press(&format!("isup:{id}"))]).await;
    assert!(text(&r[0]).contains("Non raccoglie più sostegni"), "{}", text(&r[0]));
}

#[tokio::test]
async fn a_resident_on_two_networks_links_them_and_supports_once() {
    let app = App::new().await;
    app.resident("ada", "centocelle", Lang::It).await;
    app.resident("bea", "centocelle", Lang::It).await;
    app.grant("bea", Role::Staff, "roma-m05").await;
    app.resident("carl", "centocelle", Lang::It).await;
    app.resident("carl-tg", "centocelle", Lang::It).await;
    let id = propose_garden(&app, "20").await;
    app.say("bea", &[&press(&format!("ipub:{id}"))]).await;
    app.say("carl", &[&press(&format!("isup:{id}"))]).await;
    app.say("carl-tg", &[&press(&format!("isup:{id}"))]).await;
    assert_eq!(app.initiative(id).await.supports, 2, "two accounts not linked yet are two people");
    app.grant("carl-tg", Role::Moderator, "centocelle").await;
    let r = app.say("carl", &["/collega"]).await;
    let asked = text(&r[0]).to_owned();
    assert!(asked.contains("Il tuo codice è"), "{asked}");
    let code: String = asked.split("è ").nth(1).unwrap().chars().take(9).collect();
    let r = app.say("carl-tg", &["/collega 0000 0000"]).await;
    assert!(text(&r[0]).contains("non è valido"), "{}", text(&r[0]));
    let r = app.say("carl-tg", &[&format!("/collega {code}")]).await;
    assert!(text(&r[0]).contains("Stai per unire questo account a carl sulla console"), "{}", text(&r[0]));
    let yes = payloads(&r[0]).into_iter().find(|p| p.starts_with("lnk:yes:")).unwrap();
    assert_eq!(app.initiative(id).await.supports, 2, "nothing is joined before both confirm");
    let r = app.say("carl-tg", &[&press(&yes)]).await;
    assert!(text(&r[0]).contains("Ora conferma sulla console"), "{}", text(&r[0]));
    let told: Vec<_> = app
        .courier
        .take()
        .into_iter()
        .filter(|(_, _, reply)| reply.blocks.iter().any(|b| matches!(b, Block::Say(m) if m.id == "link-confirm-maker")))
        .collect();
    assert_eq!(told.len(), 1, "carl is asked on the first account");
    assert_eq!(told[0].0.external_id, "carl");
    let ask = &told[0].2;
    let asked =
        app.engine.render(Lang::It, ask).blocks.iter().flat_map(|b| b.lines.clone()).collect::<Vec<_>>().join("\n");
    assert!(asked.contains("carl-tg sulla console ha scritto il tuo codice"), "{asked}");
    assert!(ask.buttons.iter().any(|b| b.payload == yes), "{:?}", ask.buttons);
    let r = app.say("carl", &[&press(&yes)]).await;
    assert!(text(&r[0]).contains("i tuoi account ora sono una sola persona"), "{}", text(&r[0]));
    assert!(
        text(&r[1]).contains("I ruoli dell'altro account (moderator (Centocelle)) non sono passati"),
        "the moderator role is not handed over, and carl is told: {}",
        text(&r[1])
    );
    let carl = app.store().find_person(&Account::new(Network::Console, "carl-tg")).await.unwrap().unwrap();
    assert!(carl.roles.iter().all(|g| g.role != Role::Moderator), "{:?}", carl.roles);
    assert_eq!(app.initiative(id).await.supports, 1, "counted once");
    let r = app.say("carl-tg", &[&press(&format!("isup:{id}"))]).await;
    assert!(text(&r[0]).contains("La sostieni già"), "{}", text(&r[0]));
}

#[tokio::test]
async fn a_bot_without_the_initiatives_module_neither_offers_nor_answers_initiatives() {
    let (store, _dir) = sqlite_store().await;
    let engine = bot_app(store, saturday_morning(), &["directory", "booking"]).await.engine;
    assert!(!engine.offers("initiatives") && engine.offers("booking"));
    let r = talk(
        &engine,
        "ada",
        Some(Lang::It),
        &[
            "/help",
            "/proponi Orto",
            "vorrei proporre un orto",
            "cosa succede questa settimana",
            "/review",
            &press("isup:1"),
        ],
    )
    .await;
    assert!(!text(&r[0]).contains("/proponi") && !text(&r[0]).contains("/iniziative"), "{}", text(&r[0]));
    assert!(text(&r[0]).contains("/book"), "{}", text(&r[0]));
    for reply in &r[1..] {
        assert!(text(reply).starts_with("Questo bot non gestisce le iniziative"), "{}", text(reply));
    }
}

#[tokio::test]
async fn a_forged_list_button_shows_nobody_else_s_drafts_or_proposals_under_review() {
    let app = App::new().await;
    app.resident("ada", "centocelle", Lang::It).await;
    app.resident("carl", "centocelle", Lang::It).await;
    let submitted = propose_garden(&app, "20").await;
    app.say("ada", &["/proponi Biblioteca di strada", "Una casetta di libri da scambiare in piazza."]).await;
    assert_eq!(app.initiative(submitted).await.status, Status::Submitted);
    for status in ["draft", "submitted"] {
        for payload in [format!("ilist:||||0|{status}"), format!("ilist:|centocelle|||0|{status}")] {
            let r = app.say("carl", &[&press(&payload)]).await;
            let said = all_text(&r);
            assert!(!said.contains("Orto condiviso") && !said.contains("Biblioteca"), "{payload}: {said}");
            assert!(said.contains("non è più valido"), "{payload}: {said}");
        }
    }
    let r = app.say("ada", &["/mieiniziative"]).await;
    let mine = all_text(&r);
    assert!(
        mine.contains("Orto condiviso") && mine.contains("Biblioteca di strada"),
        "the author still sees both: {mine}"
    );
}

#[tokio::test]
async fn a_forged_area_or_theme_button_is_refused_and_nothing_unknown_reaches_the_draft() {
    let app = App::new().await;
    let mut dan =
        app.store().person_for_account(&Account::new(Network::Console, "dan"), "dan", app.clock.now()).await.unwrap();
    dan.language = Some(Lang::It);
    dan.onboarded = true;
    app.store().save_profile(&dan).await.unwrap();
    let r = app.say("dan", &["/proponi Orto condiviso", "Un orto nel cortile della scuola, aperto a tutti."]).await;
    assert!(text(&r[2]).contains("Per quale zona"), "no home: the area is asked: {}", text(&r[2]));
    let formula = "=HYPERLINK(http://evil.example)";
    let r = app.say("dan", &[&press(&format!("parea:{formula}")), &press("parea:no-such-place")]).await;
    for reply in &r {
        assert!(text(reply).contains("non è più valido"), "{}", text(reply));
    }
    let r = app.say("dan", &[&press("parea:centocelle")]).await;
    assert!(text(&r[0]).contains("Quale tema"), "{}", text(&r[0]));
    let r = app.say("dan", &[&press(&format!("ptheme:{formula}")), &press("ptheme:weapons")]).await;
    for reply in &r {
        assert!(text(reply).contains("non è più valido"), "{}", text(reply));
    }
    let r = app.say("dan", &[&press("ptheme:environment")]).await;
    assert!(text(&r[0]).contains("Quando si svolgerà"), "{}", text(&r[0]));
    let mine = app
        .store()
        .initiatives(&vicinato::domain::initiative::InitiativeQuery {
            author: Some(dan.id),
            limit: 5,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].territory.as_str(), "centocelle");
    assert_eq!(mine[0].content.theme.as_deref(), Some("environment"));
}

#[tokio::test]
async fn after_five_wrong_link_codes_in_an_hour_even_the_right_one_is_not_checked() {
    let app = App::new().await;
    app.resident("ada", "centocelle", Lang::It).await;
    app.resident("eve", "centocelle", Lang::It).await;
    let r = app.say("ada", &["/collega"]).await;
    let code: String = text(&r[0]).split("è ").nth(1).unwrap().chars().take(9).collect();
    let guesses: Vec<String> = (0..5).map(|i| format!("/collega AAAA AAA{}", i + 2)).collect();
    let r = app.say("eve", &guesses.iter().map(String::as_str).collect::<Vec<_>>()).await;
    assert!(r.iter().all(|r| text(r).contains("non è valido")), "{r:?}");
    let r = app.say("eve", &[&format!("/collega {code}")]).await;
    assert!(text(&r[0]).contains("troppi codici sbagliati"), "{}", text(&r[0]));
    app.clock.advance(Duration::minutes(61));
    let r = app.say("ada", &["/collega"]).await;
    let code: String = text(&r[0]).split("è ").nth(1).unwrap().chars().take(9).collect();
    let r = app.say("eve", &[&format!("/collega {code}")]).await;
    assert!(text(&r[0]).contains("Stai per unire questo account a ada"), "an hour later: {}", text(&r[0]));
    let no = payloads(&r[0]).into_iter().find(|p| p.starts_with("lnk:no:")).unwrap();
    let r = app.say("eve", &[&press(&no)]).await;
    assert!(text(&r[0]).contains("non ho collegato niente"), "{}", text(&r[0]));
}
