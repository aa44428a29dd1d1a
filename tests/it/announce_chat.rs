//! Staff announcements composed in chat (`/announce`, `/annuncio`), through the real engine and
//! scheduler with capturing couriers standing for the networks: the flow and its preview in
//! each language with the stop line, the estimate, typed answers, scope checked when the
//! announcement is confirmed, approval by a second staff member, status, list and cancel,
//! recurring sends across the spring clock change, and opt-outs per topic. Copies go through
//! the real Telegram courier and outbox where the escaping of staff's text is checked.

use crate::support::*;
use chrono::TimeZone;
use std::sync::Arc;
use vicinato::clock::Clock;
use vicinato::conversation::{Body, Engine, Inbound};
use vicinato::courier::CapturingCourier;
use vicinato::domain::*;
use vicinato::store::Store;

struct Chat {
    app: vicinato::app::App,
    clock: Arc<vicinato::clock::ManualClock>,
    courier: Arc<CapturingCourier>,
    store: Arc<dyn Store>,
    _dir: tempfile::TempDir,
}

fn press(payload: &str) -> Body {
    Body::Button(payload.to_owned())
}

fn line(text: &str) -> Body {
    Body::Text(text.to_owned())
}

impl Chat {
    async fn at(now: chrono::DateTime<chrono::Utc>) -> Chat {
        Self::with_couriers(now, Vec::new()).await
    }

    /// With capturing couriers of other networks beside the console's.
    async fn with_couriers(now: chrono::DateTime<chrono::Utc>, more: Vec<Arc<CapturingCourier>>) -> Chat {
        let (store, dir) = sqlite_store().await;
        let courier = CapturingCourier::new(Network::Console);
        let mut couriers: Vec<Arc<dyn vicinato::courier::Courier>> = vec![courier.clone()];
        couriers.extend(more.into_iter().map(|c| c as Arc<dyn vicinato::courier::Courier>));
        let settings = vicinato::conversation::ConversationSettings {
            limits: vicinato::conversation::limits::Limits::off(),
            ..Default::default()
        };
        let options = Options { couriers, settings: Some(settings), ..Default::default() };
        let (app, clock) = spawn_app(store.clone(), now, options).await;
        Chat { app, clock, courier, store, _dir: dir }
    }

    fn engine(&self) -> &Engine {
        &self.app.engine
    }

    /// `who` (on the console, reading `lang`) sends `body`; every reply as plain text, and the
    /// payloads of its buttons.
    async fn says(&self, who: &str, lang: Lang, body: Body) -> (String, Vec<String>) {
        let mut inbound = Inbound::direct_text(Network::Console, who, "");
        inbound.body = body;
        inbound.lang_hint = Some(lang);
        let outcome = self.engine().handle(inbound).await;
        let text = outcome
            .replies
            .iter()
            .map(|r| self.engine().render(outcome.lang, r).plain_text())
            .collect::<Vec<_>>()
            .join("\n");
        let buttons = outcome.replies.iter().flat_map(|r| r.buttons.iter().map(|b| b.payload.clone())).collect();
        (text, buttons)
    }

    async fn person(&self, who: &str) -> Person {
        self.store.find_person(&Account::new(Network::Console, who)).await.unwrap().unwrap()
    }

    /// A console resident who wrote once, living in `home`, reading `lang`.
    async fn resident(&self, who: &str, home: &str, lang: Lang) -> Person {
        self.says(who, lang, line("ciao")).await;
        let mut p = self.person(who).await;
        p.home = Some(TerritoryId::new(home));
        p.language = Some(lang);
        self.store.save_profile(&p).await.unwrap();
        p
    }

    async fn staff(&self, who: &str, territory: Option<&str>, role: Role) -> Person {
        self.says(who, Lang::It, line("ciao")).await;
        let p = self.person(who).await;
        let grant = RoleGrant { role, territory: territory.map(TerritoryId::new) };
        self.store.grant_role(p.id, &grant, self.clock.now()).await.unwrap();
        let mut p = self.person(who).await;
        p.language = Some(Lang::It);
        self.store.save_profile(&p).await.unwrap();
        p
    }

    async fn run_jobs(&self) -> usize {
        self.app.scheduler.run_due(self.clock.now()).await.unwrap().ran
    }

    /// The announcement copies the courier delivered, by console name, taken.
    fn copies(&self) -> Vec<(String, String)> {
        self.courier
            .take()
            .into_iter()
            .map(|(account, lang, reply)| (account.external_id, self.engine().render(lang, &reply).plain_text()))
            .collect()
    }
}

#[tokio::test]
async fn staff_compose_an_announcement_in_chat_see_it_as_each_language_reads_it_and_it_reaches_residents_once() {
    let chat = Chat::at(saturday_morning()).await;
    chat.resident("rosa", "centocelle", Lang::It).await;
    chat.resident("amir", "roma-m05", Lang::En).await;
    chat.resident("ugo", "san-lorenzo", Lang::It).await;
    chat.staff("sara", Some("roma-m05"), Role::Staff).await;
    chat.courier.take();

    // Staff of one territory are asked who in it, not which territory.
    let (text, buttons) = chat.says("sara", Lang::It, line("/annuncio")).await;
    assert!(text.contains("A chi mando l'avviso?"), "{text}");
    assert!(buttons.contains(&"ann:w:home".to_owned()), "{buttons:?}");
    let (text, _) = chat.says("sara", Lang::It, press("ann:w:home")).await;
    assert!(text.contains("Scrivi il testo dell'avviso in italiano"), "{text}");
    let (text, buttons) = chat.says("sara", Lang::It, line("Mercato <b>sabato</b> & festa")).await;
    assert!(text.contains("in inglese"), "{text}");
    assert_eq!(buttons, ["ann:noen"]);
    let (text, _) = chat.says("sara", Lang::It, line("Market on <i>Saturday</i>")).await;
    assert!(text.contains("Quando lo mando?"), "{text}");
    // "ora" typed presses the "Ora" button.
    let (preview, buttons) = chat.says("sara", Lang::It, line("ora")).await;
    assert!(preview.contains("Ecco come lo leggerà chi usa l'italiano:"), "{preview}");
    assert!(preview.contains("Mercato <b>sabato</b> & festa"), "{preview}");
    assert!(preview.contains("Per non ricevere più avvisi scrivi /notifications off."), "{preview}");
    assert!(preview.contains("Market on <i>Saturday</i>") && preview.contains("To stop receiving"), "{preview}");
    assert!(preview.contains("Per chi abita lì in Municipio V, subito."), "{preview}");
    assert!(preview.contains("0 su Telegram, 0 su Matrix e 2 altrove; l'invio richiede circa 1 s"), "{preview}");
    assert_eq!(buttons, ["ann:send:yes", "ann:send:no"]);
    assert!(chat.store.announcements(10).await.unwrap().is_empty(), "nothing kept before confirming");

    // A typed yes confirms.
    let (text, _) = chat.says("sara", Lang::It, line("sì")).await;
    assert!(text.contains("l'avviso numero 1 parte subito"), "{text}");
    chat.run_jobs().await;
    let mut copies = chat.copies();
    copies.sort();
    let names: Vec<&str> = copies.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["amir", "rosa", "sara"], "the residents of the Municipio, and the author told");
    assert!(copies[0].1.contains("Market on <i>Saturday</i>") && copies[0].1.contains("/notifications off"));
    assert!(copies[1].1.starts_with("Mercato <b>sabato</b> & festa"));
    assert!(copies[2].1.contains("L'avviso numero 1 è stato consegnato: 2 inviati"), "{}", copies[2].1);
    chat.run_jobs().await;
    assert!(chat.copies().is_empty(), "once");

    let (status, _) = chat.says("sara", Lang::It, line("/announce status 1")).await;
    assert!(status.contains("Avviso numero 1: consegnato"), "{status}");
    assert!(status.contains("console — inviati: 2, in coda: 0"), "{status}");
    let (list, _) = chat.says("sara", Lang::It, line("/annuncio elenco")).await;
    assert!(list.contains("1 · consegnato · 28/11/2026 10:00 · Mercato <b>sabato</b> & festa"), "{list}");
    let (text, _) = chat.says("sara", Lang::It, line("/announce cancel 1")).await;
    assert!(text.contains("già concluso o annullato"), "{text}");
}

#[tokio::test]
async fn residents_and_staff_elsewhere_are_refused_and_the_scope_is_checked_again_when_confirming() {
    let chat = Chat::at(saturday_morning()).await;
    chat.resident("rosa", "centocelle", Lang::It).await;
    let (text, _) = chat.says("rosa", Lang::It, line("/announce")).await;
    assert!(text.contains("Non hai il permesso"), "{text}");
    let (text, _) = chat.says("rosa", Lang::It, press("ann:send:yes")).await;
    assert!(text.contains("non è più valido") || text.contains("scaduto"), "{text}");

    // Staff of two territories choose one; one they do not serve is refused.
    let sara = chat.staff("sara", Some("centocelle"), Role::Staff).await;
    chat.store
        .grant_role(
            sara.id,
            &RoleGrant { role: Role::Staff, territory: Some(TerritoryId::new("san-lorenzo")) },
            sara_now(&chat),
        )
        .await
        .unwrap();
    let (text, buttons) = chat.says("sara", Lang::It, line("/announce")).await;
    assert!(text.contains("Per quale zona"), "{text}");
    assert!(
        buttons.contains(&"ann:t:centocelle".to_owned()) && !buttons.contains(&"ann:t:*".to_owned()),
        "{buttons:?}"
    );
    let (text, _) = chat.says("sara", Lang::It, line("Ostia")).await;
    assert!(text.contains("Non hai il permesso"), "{text}");
    let (text, _) = chat.says("sara", Lang::It, press("ann:t:*")).await;
    assert!(text.contains("Non hai il permesso"), "everywhere is for admins: {text}");
    chat.says("sara", Lang::It, line("Centocelle")).await;
    chat.says("sara", Lang::It, press("ann:w:initiatives")).await;
    chat.says("sara", Lang::It, line("Assemblea lunedì")).await;
    chat.says("sara", Lang::It, press("ann:noen")).await;
    let (text, _) = chat.says("sara", Lang::It, line("domani alle 18")).await;
    assert!(text.contains("il 29/11/2026 18:00"), "{text}");
    // The role goes before the answer: nothing is kept.
    let grant = RoleGrant { role: Role::Staff, territory: Some(TerritoryId::new("centocelle")) };
    chat.store.revoke_role(sara.id, &grant).await.unwrap();
    let (text, _) = chat.says("sara", Lang::It, press("ann:send:yes")).await;
    assert!(text.contains("Non hai il permesso"), "{text}");
    assert!(chat.store.announcements(10).await.unwrap().is_empty());

    // Someone else's announcement: neither status nor cancel for staff of another territory.
    chat.staff("marco", Some("centocelle"), Role::Staff).await;
    chat.says("marco", Lang::It, line("/announce")).await;
    chat.says("marco", Lang::It, press("ann:w:home")).await;
    chat.says("marco", Lang::It, line("Festa")).await;
    chat.says("marco", Lang::It, press("ann:noen")).await;
    chat.says("marco", Lang::It, line("domani alle 9")).await;
    let (text, _) = chat.says("marco", Lang::It, press("ann:send:yes")).await;
    assert!(text.contains("l'avviso numero 1 parte il 29/11/2026 09:00"), "{text}");
    for asked in ["/announce status 1", "/announce cancel 1"] {
        let (text, _) = chat.says("sara", Lang::It, line(asked)).await;
        assert!(text.contains("Non hai il permesso"), "{asked}: {text}");
    }
    let (text, _) = chat.says("marco", Lang::It, line("/announce cancel 1")).await;
    assert!(text.contains("L'avviso numero 1 è fermato"), "{text}");
}

fn sara_now(chat: &Chat) -> chrono::DateTime<chrono::Utc> {
    chat.clock.now()
}

#[tokio::test]
async fn an_admin_composes_in_english_for_a_category_every_monday_and_the_series_holds_nine_across_the_clock_change() {
    // Saturday 20 March 2027; the clocks go forward on Sunday 28 March.
    let start = chrono_tz::Europe::Rome.with_ymd_and_hms(2027, 3, 20, 10, 0, 0).unwrap().with_timezone(&chrono::Utc);
    let chat = Chat::at(start).await;
    let rosa = chat.resident("rosa", "centocelle", Lang::It).await;
    let mut p = rosa.clone();
    p.interests = vec![CategoryCode::new("food")];
    chat.store.save_profile(&p).await.unwrap();
    chat.resident("ugo", "centocelle", Lang::It).await;
    chat.staff("ada", None, Role::Admin).await;
    let mut ada = chat.person("ada").await;
    ada.language = Some(Lang::En);
    chat.store.save_profile(&ada).await.unwrap();
    chat.courier.take();

    let (text, buttons) = chat.says("ada", Lang::En, line("/announce")).await;
    assert!(text.contains("Which area"), "{text}");
    assert_eq!(buttons, ["ann:t:*"]);
    let (text, _) = chat.says("ada", Lang::En, line("Centocelle")).await;
    assert!(text.contains("Area: Centocelle. Who should get the announcement?"), "{text}");
    let (_, buttons) = chat.says("ada", Lang::En, press("ann:w:interest")).await;
    assert!(buttons.contains(&"ann:c:food".to_owned()), "{buttons:?}");
    chat.says("ada", Lang::En, press("ann:c:food")).await;
    chat.says("ada", Lang::En, line("Pacchi alimentari il lunedì")).await;
    chat.says("ada", Lang::En, line("Food parcels on Mondays")).await;
    let (text, _) = chat.says("ada", Lang::En, line("not a time")).await;
    assert!(text.contains("I did not understand when."), "{text}");
    let (preview, _) = chat.says("ada", Lang::En, line("every Monday at 9")).await;
    assert!(
        preview.contains("For the people interested in \"Food aid\" in Centocelle, every Monday at 09:00."),
        "{preview}"
    );
    assert!(preview.contains("1 elsewhere"), "only Rosa is interested in food: {preview}");
    let (text, _) = chat.says("ada", Lang::En, line("yes")).await;
    assert!(text.contains("announcement number 1 goes out every"), "{text}");

    let rome =
        |d: u32| chrono_tz::Europe::Rome.with_ymd_and_hms(2027, 3, d, 9, 0, 0).unwrap().with_timezone(&chrono::Utc);
    let first = chat.store.announcement(AnnouncementId(1)).await.unwrap().unwrap();
    assert_eq!(first.at, rome(22));
    assert_eq!(first.at.to_rfc3339(), "2027-03-22T08:00:00+00:00");
    chat.clock.set(rome(22));
    chat.run_jobs().await;
    let copies = chat.copies();
    assert_eq!(copies.iter().filter(|(n, _)| n == "rosa").count(), 1, "{copies:?}");
    assert!(copies.iter().all(|(n, _)| n != "ugo"));
    let next = chat.store.announcement(AnnouncementId(2)).await.unwrap().unwrap();
    assert_eq!((next.series, next.state), (Some(AnnouncementId(1)), AnnouncementState::Scheduled));
    assert_eq!(next.at.to_rfc3339(), "2027-03-29T07:00:00+00:00", "nine in Rome, summer time");

    // Not a minute early, then once.
    chat.clock.set(next.at - chrono::Duration::minutes(1));
    chat.run_jobs().await;
    assert!(chat.copies().iter().all(|(n, _)| n != "rosa"), "not a minute early");
    chat.clock.set(next.at);
    chat.run_jobs().await;
    assert_eq!(chat.copies().iter().filter(|(n, _)| n == "rosa").count(), 1);
    let third = chat.store.announcement(AnnouncementId(3)).await.unwrap().unwrap();
    assert_eq!(third.at.to_rfc3339(), "2027-04-05T07:00:00+00:00");

    // Cancelling the first stops the series.
    let (text, _) = chat.says("ada", Lang::En, line("/announce cancel 1")).await;
    assert!(text.contains("Announcement number 1 is stopped"), "{text}");
    assert_eq!(chat.store.announcement(AnnouncementId(3)).await.unwrap().unwrap().state, AnnouncementState::Cancelled);
    chat.clock.set(third.at + chrono::Duration::hours(1));
    chat.run_jobs().await;
    assert!(chat.copies().iter().all(|(n, _)| n != "rosa"), "the series is stopped");
}

#[tokio::test]
async fn where_the_territory_asks_for_it_a_second_staff_member_approves_and_the_author_cannot() {
    let chat = Chat::at(saturday_morning()).await;
    chat.resident("rosa", "centocelle", Lang::It).await;
    chat.staff("sara", Some("centocelle"), Role::Staff).await;
    chat.staff("marco", Some("roma-m05"), Role::Staff).await;
    chat.staff("lia", Some("san-lorenzo"), Role::Staff).await;
    let (text, _) = chat.says("lia", Lang::It, line("/announce approval on centocelle")).await;
    assert!(text.contains("Non hai il permesso"), "{text}");
    let (text, _) = chat.says("sara", Lang::It, line("/announce approval on centocelle")).await;
    assert!(text.contains("per Centocelle partono solo dopo l'approvazione"), "{text}");
    chat.courier.take();

    chat.says("sara", Lang::It, line("/announce")).await;
    chat.says("sara", Lang::It, press("ann:w:home")).await;
    chat.says("sara", Lang::It, line("Riunione giovedì")).await;
    chat.says("sara", Lang::It, press("ann:noen")).await;
    let (preview, _) = chat.says("sara", Lang::It, press("ann:now")).await;
    assert!(preview.contains("serve l'approvazione di un'altra persona dello staff"), "{preview}");
    let (text, _) = chat.says("sara", Lang::It, press("ann:send:yes")).await;
    assert!(text.contains("L'avviso numero 1 aspetta l'approvazione"), "{text}");
    let asked = chat.courier.take();
    chat.run_jobs().await;
    assert!(chat.courier.take().is_empty(), "no send job while pending");
    assert_eq!(chat.store.announcement(AnnouncementId(1)).await.unwrap().unwrap().state, AnnouncementState::Pending);
    let to: Vec<&str> = asked.iter().map(|(a, _, _)| a.external_id.as_str()).collect();
    assert_eq!(to, ["marco"], "staff over Centocelle other than the author");
    assert_eq!(
        asked[0].2.buttons.iter().map(|b| b.payload.as_str()).collect::<Vec<_>>(),
        ["ann:ok:1:yes", "ann:ok:1:no"]
    );

    let (text, _) = chat.says("sara", Lang::It, press("ann:ok:1:yes")).await;
    assert!(text.contains("Non puoi approvare un tuo avviso"), "{text}");
    let (text, _) = chat.says("lia", Lang::It, press("ann:ok:1:yes")).await;
    assert!(text.contains("Non hai il permesso"), "{text}");
    let (text, _) = chat.says("marco", Lang::It, press("ann:ok:1:yes")).await;
    assert!(text.contains("Hai approvato l'avviso numero 1"), "{text}");
    let (text, _) = chat.says("marco", Lang::It, press("ann:ok:1:no")).await;
    assert!(text.contains("non aspetta più un'approvazione"), "{text}");
    let told = chat.copies();
    assert!(
        told.iter().any(|(n, t)| n == "sara" && t.contains("marco ha approvato il tuo avviso numero 1")),
        "{told:?}"
    );
    chat.run_jobs().await;
    let copies = chat.copies();
    assert!(copies.iter().any(|(n, t)| n == "rosa" && t.starts_with("Riunione giovedì")), "{copies:?}");
}

#[tokio::test]
async fn a_resident_stops_announcements_of_one_topic_by_command_or_in_words_and_still_gets_the_others() {
    let chat = Chat::at(saturday_morning()).await;
    let rosa = chat.resident("rosa", "centocelle", Lang::It).await;
    let amir = chat.resident("amir", "centocelle", Lang::En).await;
    let (text, _) = chat.says("rosa", Lang::It, line("/notifications off cibo")).await;
    assert!(
        text.contains("non ti mando più avvisi su «Cibo»") || text.contains("non ti mando più avvisi su"),
        "{text}"
    );
    assert_eq!(chat.store.opt_outs(rosa.id).await.unwrap(), ["food"]);
    let (text, _) = chat.says("rosa", Lang::It, line("/notifiche off astronavi")).await;
    assert!(text.contains("Non conosco il tema «astronavi»"), "{text}");
    let (text, _) = chat.says("amir", Lang::En, line("stop announcements about housing")).await;
    assert!(text.contains("I will not send you announcements about"), "{text}");
    assert_eq!(chat.store.opt_outs(amir.id).await.unwrap(), ["housing"]);
    let (text, _) = chat.says("rosa", Lang::It, line("non voglio più avvisi sul lavoro")).await;
    assert!(text.contains("non ti mando più avvisi su"), "{text}");
    assert_eq!(chat.store.opt_outs(rosa.id).await.unwrap(), ["food", "work"]);
    let (text, _) = chat.says("rosa", Lang::It, line("/notifications")).await;
    assert!(text.contains("Ricevi gli avvisi della tua zona") && text.contains("Non ricevi gli avvisi su"), "{text}");

    // An announcement about food misses Rosa; a general one reaches her.
    let tree = TerritoryTree::new(chat.store.territories().await.unwrap()).unwrap();
    let to = |who: Who| vicinato::core::announcements::compose::Draft {
        texts: AnnouncementTexts { it: "Avviso".into(), en: None },
        audience: Audience { territory: Some(TerritoryId::new("centocelle")), who, rooms: Default::default() },
        at: None,
        recurrence: None,
    };
    for (who, expected) in [(Who::Home, true), (Who::Interest(CategoryCode::new("food")), false)] {
        let mut p = chat.person("rosa").await;
        p.interests = vec![CategoryCode::new("food")];
        chat.store.save_profile(&p).await.unwrap();
        let draft = to(who);
        vicinato::core::announcements::compose::compose(
            vicinato::core::announcements::By::Operator,
            draft,
            chat.store.as_ref(),
            &tree,
            &[],
            chrono_tz::Europe::Rome,
            chat.clock.now(),
        )
        .await
        .unwrap()
        .unwrap();
        chat.run_jobs().await;
        let reached = chat.copies().iter().any(|(n, _)| n == "rosa");
        assert_eq!(reached, expected);
    }
    let (text, _) = chat.says("rosa", Lang::It, line("/notifications on cibo")).await;
    assert!(text.contains("ti mando di nuovo gli avvisi su"), "{text}");
    assert_eq!(chat.store.opt_outs(rosa.id).await.unwrap(), ["work"]);
}

#[tokio::test]
async fn staff_correct_an_announcement_in_chat_residents_read_only_the_new_text_and_a_cancelled_one_is_refused() {
    let chat = Chat::at(saturday_morning()).await;
    chat.resident("rosa", "centocelle", Lang::It).await;
    chat.resident("amir", "roma-m05", Lang::En).await;
    chat.staff("sara", Some("roma-m05"), Role::Staff).await;
    chat.says("sara", Lang::It, line("/annuncio")).await;
    chat.says("sara", Lang::It, press("ann:w:home")).await;
    chat.says("sara", Lang::It, line("Mercato domenica alle 9")).await;
    chat.says("sara", Lang::It, line("Market on Sunday at 9")).await;
    chat.says("sara", Lang::It, line("domani alle 8")).await;
    let (text, _) = chat.says("sara", Lang::It, line("sì")).await;
    assert!(text.contains("l'avviso numero 1 parte il 29/11/2026 08:00"), "{text}");
    chat.courier.take();

    // A resident may not; the author may, at any step with the checks of that moment.
    let (text, _) = chat.says("rosa", Lang::It, line("/announce correct 1")).await;
    assert!(text.contains("Non hai il permesso"), "{text}");
    let (text, _) = chat.says("sara", Lang::It, line("/annuncio correggi 1")).await;
    assert!(text.contains("Scrivi il nuovo testo dell'avviso numero 1 in italiano"), "{text}");
    let (text, buttons) = chat.says("sara", Lang::It, line("Mercato domenica alle 10 <b>!</b>")).await;
    assert!(text.contains("in inglese"), "{text}");
    assert_eq!(buttons, ["ann:fixnoen"]);
    let (preview, buttons) = chat.says("sara", Lang::It, line("Market on Sunday at 10")).await;
    assert!(preview.contains("Mercato domenica alle 10 <b>!</b>"), "{preview}");
    assert!(preview.contains("Market on Sunday at 10") && preview.contains("To stop receiving"), "{preview}");
    assert!(preview.contains("nessun messaggio già inviato da modificare"), "{preview}");
    assert_eq!(buttons, ["ann:fix:yes", "ann:fix:no"]);
    assert_eq!(chat.store.announcement(AnnouncementId(1)).await.unwrap().unwrap().corrections, 0, "not before yes");
    let (text, _) = chat.says("sara", Lang::It, line("sì")).await;
    assert!(text.contains("l'avviso numero 1 è corretto (correzione 1)"), "{text}");

    chat.clock
        .set(chrono_tz::Europe::Rome.with_ymd_and_hms(2026, 11, 29, 8, 0, 0).unwrap().with_timezone(&chrono::Utc));
    chat.run_jobs().await;
    let mut copies = chat.copies();
    copies.sort();
    let residents: Vec<_> = copies.iter().filter(|(n, _)| n != "sara").collect();
    assert_eq!(residents.len(), 2, "{copies:?}");
    assert!(residents[0].1.starts_with("Market on Sunday at 10"), "{}", residents[0].1);
    assert!(residents[1].1.starts_with("Mercato domenica alle 10 <b>!</b>"), "{}", residents[1].1);
    assert!(copies.iter().all(|(_, t)| !t.contains("alle 9") && !t.contains("at 9")), "{copies:?}");
    let (status, _) = chat.says("sara", Lang::It, line("/announce status 1")).await;
    assert!(status.contains("Correzione 1 — messaggi modificati: 0, in coda: 0"), "{status}");

    // A cancelled announcement is not corrected, and the refusal says what to do instead.
    chat.says("sara", Lang::It, line("/annuncio")).await;
    chat.says("sara", Lang::It, press("ann:w:home")).await;
    chat.says("sara", Lang::It, line("Assemblea")).await;
    chat.says("sara", Lang::It, press("ann:noen")).await;
    chat.says("sara", Lang::It, line("domani alle 18")).await;
    chat.says("sara", Lang::It, line("sì")).await;
    chat.says("sara", Lang::It, line("/announce cancel 2")).await;
    let (text, _) = chat.says("sara", Lang::It, line("/announce correct 2")).await;
    assert!(text.contains("è annullato: non si può correggere") && text.contains("/announce"), "{text}");
    let (text, _) = chat.says("sara", Lang::It, press("ann:fix:yes")).await;
    assert!(text.contains("non è più valido") || text.contains("scaduto"), "no correction in progress: {text}");
}

#[tokio::test]
async fn staff_send_to_the_territorys_rooms_too_and_only_its_general_and_announcements_rooms_get_one_copy_in_their_languages()
 {
    use vicinato::domain::rooms::{ModEntry, Room, RoomPurpose};
    let telegram = CapturingCourier::for_channel(Network::Telegram, "telegram:test");
    let chat = Chat::with_couriers(saturday_morning(), vec![telegram.clone()]).await;
    chat.resident("rosa", "centocelle", Lang::It).await;
    let sara = chat.staff("sara", Some("roma-m05"), Role::Staff).await;
    chat.courier.take();
    let now = chat.clock.now();
    for (id, territory, purpose) in [
        ("-1", "centocelle", RoomPurpose::General),
        ("-2", "roma-m05", RoomPurpose::Announcements),
        ("-3", "roma-m05", RoomPurpose::Moderators),
        ("-4", "san-lorenzo", RoomPurpose::General),
    ] {
        let room = Room {
            network: Network::Telegram,
            chat_id: id.into(),
            territory: TerritoryId::new(territory),
            purpose,
            linked_by: sara.id,
            linked_at: now,
        };
        let entry = ModEntry {
            at: now,
            actor: Some(sara.id),
            subject: None,
            action: "link".into(),
            reason: String::new(),
            territory: TerritoryId::new(territory),
            network: Some(Network::Telegram),
            chat: Some(id.into()),
            until: None,
        };
        chat.store.room_link(&room, &entry).await.unwrap();
        // The announcements room reads Italian and English (`/room lang it,en`).
        if id == "-2" {
            let both = vicinato::domain::rooms::RoomSettings { langs: vec![Lang::It, Lang::En], ..Default::default() };
            let entry = ModEntry { action: "room-lang".into(), reason: "it,en".into(), ..entry };
            chat.store.room_settings_set(Network::Telegram, id, &both, &entry).await.unwrap();
        }
    }

    let (_, buttons) = chat.says("sara", Lang::It, line("/annuncio")).await;
    assert!(buttons.contains(&"ann:rooms:only".to_owned()), "the rooms alone are offered: {buttons:?}");
    let (text, buttons) = chat.says("sara", Lang::It, press("ann:w:home")).await;
    assert!(text.contains("La zona ha 2 stanze collegate") && text.contains("Lo pubblico anche lì?"), "{text}");
    assert_eq!(buttons, ["ann:rooms:also", "ann:rooms:none"]);
    chat.says("sara", Lang::It, press("ann:rooms:also")).await;
    chat.says("sara", Lang::It, line("Assemblea <b>giovedì</b>")).await;
    chat.says("sara", Lang::It, line("Meeting on Thursday")).await;
    let (preview, _) = chat.says("sara", Lang::It, line("ora")).await;
    assert!(preview.contains("Ecco come lo leggerà chi è nelle stanze della zona:"), "{preview}");
    assert!(preview.contains("Per chi abita lì e le stanze collegate in Municipio V, subito."), "{preview}");
    assert!(preview.contains("0 su Telegram, 0 su Matrix e 1 altrove, più 2 stanze"), "{preview}");
    let (text, _) = chat.says("sara", Lang::It, press("ann:send:yes")).await;
    assert!(text.contains("l'avviso numero 1 parte subito"), "{text}");
    chat.run_jobs().await;
    let mut posted: Vec<(String, String)> = telegram
        .take()
        .into_iter()
        .map(|(room, lang, reply)| (room.external_id, chat.engine().render(lang, &reply).plain_text()))
        .collect();
    posted.sort();
    let rooms: Vec<&str> = posted.iter().map(|(r, _)| r.as_str()).collect();
    assert_eq!(rooms, ["-1", "-2"], "never the moderators room nor one outside the scope");
    // Each room in its languages: Italian only in the general room, both in the other.
    assert!(posted[0].1.contains("Assemblea <b>giovedì</b>") && !posted[0].1.contains("Meeting"), "{}", posted[0].1);
    assert!(posted[1].1.contains("Assemblea <b>giovedì</b>") && posted[1].1.contains("Meeting on Thursday"));
    assert!(!posted[0].1.contains("/notifications"), "a room has no one to opt out: {}", posted[0].1);
    let people: Vec<String> = chat.copies().into_iter().map(|(n, _)| n).collect();
    assert!(people.contains(&"rosa".to_owned()), "{people:?}");
    chat.run_jobs().await;
    assert!(telegram.take().is_empty(), "once");

    let (status, _) = chat.says("sara", Lang::It, line("/announce status 1")).await;
    assert!(status.contains("Stanze su Telegram — pubblicato: 2, in coda: 0"), "{status}");
    assert!(status.contains("1 destinatari"), "people counted apart: {status}");

    // Only the rooms: nobody gets a copy of their own.
    chat.says("sara", Lang::It, line("/annuncio")).await;
    let (text, _) = chat.says("sara", Lang::It, press("ann:rooms:only")).await;
    assert!(text.contains("Scrivi il testo dell'avviso in italiano"), "{text}");
    chat.says("sara", Lang::It, line("Solo nei gruppi")).await;
    chat.says("sara", Lang::It, press("ann:noen")).await;
    let (preview, _) = chat.says("sara", Lang::It, press("ann:now")).await;
    assert!(!preview.contains("chi usa l'italiano"), "no personal copy to preview: {preview}");
    chat.says("sara", Lang::It, press("ann:send:yes")).await;
    chat.run_jobs().await;
    assert_eq!(telegram.take().len(), 2);
    let own: Vec<String> = chat.copies().into_iter().map(|(n, _)| n).collect();
    assert!(!own.contains(&"rosa".to_owned()), "{own:?}");
}
