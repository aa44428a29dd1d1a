//! Community rooms and moderation (issue 12): groups linked to territories by their staff,
//! moderation commands as replies to members' messages with role and scope checked in core,
//! warnings that escalate, sanctions that hold in every room of the territory and end through
//! the scheduler once, also across a restart. The conversation runs through the real engine
//! with a capturing courier standing for Telegram (what it was asked to do in rooms is kept),
//! and end to end through the Telegram transport against the Bot API test server.

use crate::support::*;
use std::sync::Arc;
use vicinato::clock::Clock;
use vicinato::conversation::{Body, ChatKind, Engine, Inbound, Replied};
use vicinato::courier::CapturingCourier;
use vicinato::domain::rooms::{RoomAction, RoomActionKind};
use vicinato::domain::{Account, Network, Role, RoleGrant, TerritoryId};
use vicinato::store::Store;

const GROUP: &str = "-1001";
const OTHER_GROUP: &str = "-1002";

struct Rooms {
    app: vicinato::app::App,
    clock: Arc<vicinato::clock::ManualClock>,
    courier: Arc<CapturingCourier>,
    store: Arc<dyn Store>,
    _dir: tempfile::TempDir,
}

async fn rooms() -> Rooms {
    let (store, dir) = sqlite_store().await;
    let courier = CapturingCourier::new(Network::Telegram);
    let options = Options { couriers: vec![courier.clone()], ..Default::default() };
    let (app, clock) = spawn_app(store.clone(), saturday_morning(), options).await;
    Rooms { app, clock, courier, store, _dir: dir }
}

/// `who`'s message `text` in a group, addressed to the bot, as message 90.
fn group(chat: &str, who: &str, text: &str) -> Inbound {
    Inbound {
        network: Network::Telegram,
        chat_id: chat.into(),
        chat_kind: ChatKind::Group,
        sender_id: who.into(),
        sender_name: format!("N{who}"),
        body: Body::Text(text.into()),
        lang_hint: Some(vicinato::domain::Lang::It),
        addressed: true,
        channel: None,
        reply_to: None,
        message_id: Some("90".into()),
        forwarded: false,
        media: None,
    }
}

fn said(reply: &vicinato::conversation::Outcome, engine: &Engine) -> String {
    reply.replies.iter().map(|r| engine.render(reply.lang, r).plain_text()).collect::<Vec<_>>().join("\n")
}

impl Rooms {
    fn engine(&self) -> &Engine {
        &self.app.engine
    }

    /// `who` writes `text` in a group, replying to `to`'s message when given.
    async fn in_group(&self, chat: &str, who: &str, text: &str, to: Option<&str>) -> String {
        let inbound = Inbound {
            reply_to: to.map(|t| Replied {
                sender_id: t.into(),
                sender_name: format!("N{t}"),
                message_id: "77".into(),
                text: Some("un messaggio".into()),
                from_bot: false,
            }),
            ..group(chat, who, text)
        };
        let out = self.engine().handle(inbound).await;
        said(&out, self.engine())
    }

    /// `who` writes `text` in a group without addressing the bot, as message `id`; `forwarded`
    /// when it comes from elsewhere. What the bot answered (nothing, usually).
    async fn chatter(&self, chat: &str, who: &str, text: &str, id: &str, forwarded: bool) -> String {
        let inbound = Inbound {
            addressed: false,
            reply_to: None,
            message_id: Some(id.into()),
            forwarded,
            ..group(chat, who, text)
        };
        let out = self.engine().handle(inbound).await;
        said(&out, self.engine())
    }

    /// `who` writes privately, in a language.
    async fn direct(&self, who: &str, text: &str, lang: vicinato::domain::Lang) -> String {
        let mut inbound = Inbound::direct_text(Network::Telegram, who, text);
        inbound.sender_name = format!("N{who}");
        inbound.lang_hint = Some(lang);
        let out = self.engine().handle(inbound).await;
        said(&out, self.engine())
    }

    /// `who` presses a button privately.
    async fn press(&self, who: &str, payload: &str) -> String {
        let mut inbound = Inbound::direct_text(Network::Telegram, who, "");
        inbound.sender_name = format!("N{who}");
        inbound.lang_hint = Some(vicinato::domain::Lang::It);
        inbound.body = Body::Button(payload.into());
        let out = self.engine().handle(inbound).await;
        said(&out, self.engine())
    }

    /// What the courier delivered, by the account (or room) it went to: text and button payloads.
    fn delivered(&self) -> Vec<(String, String, Vec<String>)> {
        self.courier
            .take()
            .iter()
            .map(|(to, lang, reply)| {
                let text = self.engine().render(*lang, reply).plain_text();
                (to.external_id.clone(), text, reply.buttons.iter().map(|b| b.payload.clone()).collect())
            })
            .collect()
    }

    async fn person_with(&self, who: &str, roles: &[(Role, Option<&str>)]) {
        let now = self.clock.now();
        let p = self
            .store
            .person_for_account(&Account::new(Network::Telegram, who), &format!("N{who}"), now)
            .await
            .unwrap();
        for (role, t) in roles {
            let grant = RoleGrant { role: *role, territory: t.map(TerritoryId::new) };
            self.store.grant_role(p.id, &grant, now).await.unwrap();
        }
    }

    /// A staff member of Municipio V (`staff`), a moderator of Centocelle (`mod`), and the two
    /// groups of Centocelle linked.
    async fn linked(&self) {
        self.person_with("staff", &[(Role::Staff, Some("roma-m05"))]).await;
        self.person_with("mod", &[(Role::Moderator, Some("centocelle"))]).await;
        let done = self.in_group(GROUP, "staff", "/room link centocelle", None).await;
        assert!(done.contains("collegato a Centocelle"), "{done}");
        let done = self.in_group(OTHER_GROUP, "staff", "/room link centocelle annunci", None).await;
        assert!(done.contains("annunci"), "{done}");
    }
}

fn kinds(actions: &[RoomAction]) -> Vec<(String, String, RoomActionKind)> {
    let mut v: Vec<_> = actions.iter().map(|a| (a.chat_id.clone(), a.member.clone(), a.kind.clone())).collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

#[tokio::test]
async fn staff_link_a_group_to_their_territory_and_nobody_else_may() {
    let r = rooms().await;
    r.person_with("staff", &[(Role::Staff, Some("roma-m05"))]).await;
    r.person_with("mod", &[(Role::Moderator, Some("centocelle"))]).await;
    r.person_with("far", &[(Role::Staff, Some("ostia"))]).await;
    for who in ["resident", "mod", "far"] {
        let refused = r.in_group(GROUP, who, "/room link centocelle", None).await;
        assert!(refused.contains("Non hai il permesso"), "{who}: {refused}");
    }
    let unknown = r.in_group(GROUP, "staff", "/room link atlantide", None).await;
    assert!(unknown.contains("Non conosco la zona «atlantide»"), "{unknown}");
    let done = r.in_group(GROUP, "staff", "/room link centocelle", None).await;
    assert!(done.contains("collegato a Centocelle come gruppo generale"), "{done}");
    assert!(r.in_group(GROUP, "resident", "/room", None).await.contains("collegato a Centocelle"));
    let listed = r.in_group(GROUP, "resident", "/rooms", None).await;
    assert!(listed.contains("Centocelle ha un gruppo") && listed.contains("generale su telegram"), "{listed}");
    // In a private chat there is no group to link.
    let private = r.engine().handle(Inbound::direct_text(Network::Telegram, "staff", "/room link centocelle")).await;
    assert!(said(&private, r.engine()).contains("dentro il gruppo"));
    assert!(r.in_group(GROUP, "mod", "/room unlink", None).await.contains("Non hai il permesso"));
    assert!(r.in_group(GROUP, "staff", "/room unlink", None).await.contains("non è più collegato"));
    assert!(r.in_group(GROUP, "mod", "/warn", Some("ada")).await.contains("non è collegato"));
}

#[tokio::test]
async fn the_bot_without_rights_names_what_it_lacks_and_links_nothing() {
    let r = rooms().await;
    r.person_with("staff", &[(Role::Staff, Some("roma-m05"))]).await;
    r.courier.lack_rights(&["can_restrict_members", "can_delete_messages"]);
    let refused = r.in_group(GROUP, "staff", "/room link centocelle", None).await;
    assert!(
        refused.contains("mi mancano questi permessi da amministratore: can_restrict_members, can_delete_messages"),
        "{refused}"
    );
    assert!(r.store.room(Network::Telegram, GROUP).await.unwrap().is_none());
}

#[tokio::test]
async fn three_warnings_mute_for_a_day_in_every_room_of_the_area_and_a_fourth_bans_for_a_week() {
    let r = rooms().await;
    r.linked().await;
    let first = r.in_group(GROUP, "mod", "/warn spam", Some("ada")).await;
    assert!(first.contains("Nada ha ricevuto un'ammonizione (1 di 3)") && first.contains("Motivo: spam"), "{first}");
    r.in_group(GROUP, "mod", "/ammonisci", Some("ada")).await;
    assert!(r.courier.take_actions().is_empty(), "warnings alone do nothing in the rooms");
    let third = r.in_group(GROUP, "mod", "/warn", Some("ada")).await;
    assert!(
        third.contains("(3 di 3)") && third.contains("non può scrivere nei gruppi della zona fino al 29/11/2026 10:00"),
        "{third}"
    );
    let until = r.clock.now() + chrono::Duration::hours(24);
    let restrict = RoomActionKind::Restrict { until: Some(until) };
    assert_eq!(
        kinds(&r.courier.take_actions()),
        [("-1001".into(), "ada".into(), restrict.clone()), ("-1002".into(), "ada".into(), restrict)]
    );
    let fourth = r.in_group(GROUP, "mod", "/warn", Some("ada")).await;
    assert!(fourth.contains("fuori dai gruppi della zona fino al 05/12/2026 10:00"), "{fourth}");
    let bans = r.courier.take_actions();
    assert_eq!(bans.len(), 2);
    assert!(
        bans.iter().all(|a| a.kind == RoomActionKind::Ban { until: Some(r.clock.now() + chrono::Duration::days(7)) })
    );
    // Ada is told privately, in her language, what, why, until when and what to do.
    let notes: Vec<String> =
        r.courier.take().iter().map(|(_, lang, reply)| r.engine().render(*lang, reply).plain_text()).collect();
    assert!(notes[0].contains("Hai ricevuto un'ammonizione") && notes[0].contains("Motivo: spam"), "{notes:?}");
    assert!(
        notes.iter().any(|n| n.contains("Non puoi scrivere nei gruppi della zona fino al 29/11/2026 10:00")),
        "{notes:?}"
    );
    assert!(notes.iter().all(|n| n.contains("/ricorso")), "{notes:?}");
    let standing = r.in_group(GROUP, "mod", "/warns", Some("ada")).await;
    assert!(
        standing.contains("4 ammonizioni") && standing.contains("Fuori dai gruppi fino al 05/12/2026 10:00"),
        "{standing}"
    );
    let unwarned = r.in_group(GROUP, "mod", "/unwarn", Some("ada")).await;
    assert!(unwarned.contains("Ora ne ha 3"), "{unwarned}");
    let log = r.in_group(GROUP, "mod", "/modlog", None).await;
    for action in ["link", "warn", "mute", "ban", "unwarn"] {
        assert!(log.contains(&format!(" · {action} ")), "{action} missing from {log}");
    }
}

#[tokio::test]
async fn a_timed_mute_ends_once_through_the_scheduler_even_after_a_restart() {
    let r = rooms().await;
    r.linked().await;
    let muted = r.in_group(GROUP, "mod", "/mute 2 ore disturbo", Some("ada")).await;
    assert!(muted.contains("fino al 28/11/2026 12:00"), "{muted}");
    assert_eq!(r.courier.take_actions().len(), 2);
    r.courier.take();
    // An hour later nothing is due.
    r.clock.advance(chrono::Duration::hours(1));
    assert_eq!(r.app.scheduler.run_due(r.clock.now()).await.unwrap().ran, 0);
    // The process restarts; the job was stored with the mute and the new process ends it.
    let courier = CapturingCourier::new(Network::Telegram);
    let options = Options { couriers: vec![courier.clone()], ..Default::default() };
    let later = r.clock.now() + chrono::Duration::hours(1);
    let (again, _clock) = rebuild_app(r.store.clone(), later, options).await;
    assert_eq!(again.scheduler.run_due(later).await.unwrap().ran, 1);
    assert_eq!(
        kinds(&courier.take_actions()),
        [
            ("-1001".into(), "ada".into(), RoomActionKind::Unrestrict),
            ("-1002".into(), "ada".into(), RoomActionKind::Unrestrict)
        ]
    );
    let told: Vec<String> =
        courier.take().iter().map(|(_, l, reply)| again.engine.render(*l, reply).plain_text()).collect();
    assert_eq!(told.len(), 1);
    assert!(told[0].contains("Puoi di nuovo scrivere"), "{told:?}");
    // Exactly once: nothing runs again, and a moderator finds nothing left to lift.
    assert_eq!(again.scheduler.run_due(later + chrono::Duration::hours(1)).await.unwrap().ran, 0);
    assert!(r.in_group(GROUP, "mod", "/unmute", Some("ada")).await.contains("niente di questo tipo"));
    assert!(courier.take_actions().is_empty() && r.courier.take_actions().is_empty());
}

#[tokio::test]
async fn unmute_and_unban_lift_at_once_and_cancel_the_job() {
    let r = rooms().await;
    r.linked().await;
    r.in_group(GROUP, "mod", "/mute 1d", Some("ada")).await;
    r.in_group(GROUP, "mod", "/ban 1w flood", Some("bea")).await;
    r.courier.take_actions();
    let unmuted = r.in_group(GROUP, "mod", "/riattiva", Some("ada")).await;
    assert!(unmuted.contains("Nada può scrivere di nuovo"), "{unmuted}");
    let unbanned = r.in_group(GROUP, "mod", "/unban", Some("bea")).await;
    assert!(unbanned.contains("Nbea può tornare"), "{unbanned}");
    let lifted = kinds(&r.courier.take_actions());
    assert_eq!(lifted.iter().filter(|a| a.2 == RoomActionKind::Unrestrict).count(), 2);
    assert_eq!(lifted.iter().filter(|a| a.2 == RoomActionKind::Unban).count(), 2);
    r.clock.advance(chrono::Duration::weeks(2));
    assert_eq!(r.app.scheduler.run_due(r.clock.now()).await.unwrap().ran, 0, "the end jobs went with the lifting");
    // Kick and delete act in this room only.
    r.in_group(GROUP, "mod", "/kick", Some("bea")).await;
    r.in_group(GROUP, "mod", "/del", Some("bea")).await;
    assert_eq!(
        kinds(&r.courier.take_actions()),
        [
            ("-1001".into(), "bea".into(), RoomActionKind::Kick),
            ("-1001".into(), "bea".into(), RoomActionKind::Delete { message_id: "77".into() })
        ]
    );
}

#[tokio::test]
async fn every_role_not_allowed_is_refused_and_staff_admins_and_peers_are_protected() {
    let r = rooms().await;
    r.linked().await;
    r.person_with("peer", &[(Role::Moderator, Some("centocelle"))]).await;
    r.person_with("far", &[(Role::Moderator, Some("ostia"))]).await;
    r.person_with("wide", &[(Role::Moderator, Some("roma-m05"))]).await;
    r.person_with("admin", &[(Role::Admin, None)]).await;
    for cmd in ["/warn", "/unwarn", "/warns", "/mute 1h", "/unmute", "/ban", "/unban", "/kick", "/del", "/modlog"] {
        for who in ["resident", "far"] {
            let refused = r.in_group(GROUP, who, cmd, Some("ada")).await;
            assert!(refused.contains("Non hai il permesso"), "{who} {cmd}: {refused}");
        }
    }
    for (who, target) in [("mod", "staff"), ("mod", "admin"), ("mod", "peer"), ("mod", "wide"), ("wide", "staff")] {
        let refused = r.in_group(GROUP, who, "/mute 1h", Some(target)).await;
        assert!(refused.contains("Non puoi sanzionare questa persona"), "{who} → {target}: {refused}");
    }
    assert!(r.in_group(GROUP, "mod", "/ban", Some("mod")).await.contains("te stesso"));
    assert!(r.in_group(GROUP, "mod", "/warn", None).await.contains("Rispondi al messaggio"));
    assert!(r.in_group(GROUP, "mod", "/mute", Some("ada")).await.contains("per quanto tempo"));
    assert!(r.in_group(GROUP, "mod", "/mute presto", Some("ada")).await.contains("Non capisco la durata «presto»"));
    assert!(r.courier.take_actions().is_empty(), "no refusal acted in a room");
    // Allowed: a moderator of the wider territory on a narrower one, staff and admins on anyone else.
    assert!(r.in_group(GROUP, "wide", "/mute 1h", Some("mod")).await.contains("non può scrivere"));
    assert!(r.in_group(GROUP, "staff", "/warn", Some("peer")).await.contains("ammonizione"));
    assert!(r.in_group(GROUP, "admin", "/warn", Some("wide")).await.contains("ammonizione"));
}

#[tokio::test]
async fn rules_welcome_and_questions_are_set_by_the_areas_moderators_and_read_in_each_language() {
    use vicinato::domain::Lang;
    let r = rooms().await;
    r.linked().await;
    // A resident, and a moderator of another area, may not.
    let refused = r.in_group(GROUP, "ada", "/rules set it Niente pubblicità", None).await;
    assert!(refused.contains("Non hai il permesso"), "{refused}");
    r.person_with("far", &[(Role::Moderator, Some("ostia"))]).await;
    assert!(r.in_group(GROUP, "far", "/regole set it x", None).await.contains("Non hai il permesso"));
    assert!(r.direct("mod", "/rules set san-lorenzo it x", Lang::It).await.contains("Non hai il permesso"));
    // The room's moderator sets the room's rules in both languages; staff set the area's welcome.
    let set = r.in_group(GROUP, "mod", "/rules set it Niente pubblicità, <b>rispetto</b>", None).await;
    assert!(set.contains("ho salvato le regole in lingua «it»"), "{set}");
    assert!(r.in_group(GROUP, "mod", "/rules set en No ads, be kind", None).await.contains("«en»"));
    assert!(r.in_group(GROUP, "mod", "/rules set", None).await.contains("Scrivi anche il testo"));
    let set = r.direct("staff", "/welcome set centocelle en Welcome, neighbour!", Lang::En).await;
    assert!(set.contains("Done: I saved the welcome message in \"en\""), "{set}");
    assert!(
        r.direct("staff", "/domande set centocelle it Abiti qui? | Hai letto le regole?", Lang::It)
            .await
            .contains("Fatto")
    );
    // Read in the group, in each person's language; the other group of the area has no rules of its own.
    let it = r.in_group(GROUP, "ada", "/regole", None).await;
    assert!(it.contains("Ecco le regole per Centocelle") && it.contains("Niente pubblicità, <b>rispetto</b>"), "{it}");
    let en = r.direct("bob", "/rules centocelle", Lang::En).await;
    assert!(en.contains("Nobody has written the rules for Centocelle yet"), "{en}");
    let other = r.in_group(OTHER_GROUP, "ada", "/rules", None).await;
    assert!(other.contains("nessuno ha ancora scritto le regole"), "{other}");
    // The area's welcome holds in its rooms; in Italian, where none was written, the English one.
    let welcome = r.in_group(GROUP, "ada", "/benvenuto", None).await;
    assert!(welcome.contains("Welcome, neighbour!"), "{welcome}");
    let questions = r.direct("bob", "/questions centocelle", Lang::En).await;
    assert!(questions.contains("Abiti qui?\nHai letto le regole?"), "{questions}");
    let defaults = r.direct("bob", "/questions ostia", Lang::En).await;
    assert!(defaults.contains("do you live or work in the area?"), "{defaults}");
    let log = r.in_group(GROUP, "mod", "/modlog", None).await;
    assert!(log.contains(" · rules-set ") && log.contains(" · welcome-set "), "{log}");
}

#[tokio::test]
async fn a_report_reaches_the_areas_moderators_with_buttons_and_each_press_checks_the_role_at_that_moment() {
    use vicinato::domain::Lang;
    let r = rooms().await;
    r.linked().await;
    r.person_with("far", &[(Role::Moderator, Some("ostia"))]).await;
    r.direct("ada", "ciao", Lang::It).await;
    r.courier.take();
    // Bea reports Ada's message; she is thanked privately, nothing is said in the group.
    let thanked = r.in_group(GROUP, "bea", "/segnala <i>pubblicità</i>", Some("ada")).await;
    assert!(thanked.contains("Grazie della segnalazione"), "{thanked}");
    assert!(r.in_group(GROUP, "bea", "/report", None).await.contains("Rispondi al messaggio"));
    assert!(r.in_group(GROUP, "ada", "/report", Some("ada")).await.contains("un tuo messaggio"));
    let told = r.delivered();
    let to: Vec<&str> = told.iter().map(|(to, _, _)| to.as_str()).collect();
    // The moderator of Centocelle and the staff of Municipio V; not a moderator elsewhere.
    assert_eq!(to, ["staff", "mod"], "{told:?}");
    let (_, text, buttons) = &told[1];
    assert!(text.contains("Nbea ha segnalato un messaggio di Nada") && text.contains("«un messaggio»"), "{text}");
    assert!(text.contains("Motivo: <i>pubblicità</i>"), "{text}");
    assert_eq!(buttons.len(), 5, "{buttons:?}");
    let mute = buttons.iter().find(|b| b.starts_with("rrep:mute:")).unwrap().clone();
    // Anyone else pressing it is refused, and nothing happens.
    for who in ["bea", "far"] {
        assert!(r.press(who, &mute).await.contains("Non hai il permesso"), "{who}");
    }
    assert!(r.courier.take_actions().is_empty());
    let done = r.press("mod", &mute).await;
    assert!(done.contains("Nmod ha deciso sulla segnalazione contro Nada: Silenzia 1 ora"), "{done}");
    assert!(done.contains("non può scrivere nei gruppi della zona fino al 28/11/2026 11:00"), "{done}");
    let until = r.clock.now() + chrono::Duration::hours(1);
    let restrict = RoomActionKind::Restrict { until: Some(until) };
    assert_eq!(
        kinds(&r.courier.take_actions()),
        [("-1001".into(), "ada".into(), restrict.clone()), ("-1002".into(), "ada".into(), restrict)]
    );
    let note = r.delivered();
    assert!(note.iter().any(|(to, t, _)| to == "ada" && t.contains("Non puoi scrivere") && t.contains("/ricorso")));
    // Decided once: a second press, by anyone, does nothing.
    let dismiss = buttons.iter().find(|b| b.starts_with("rrep:dismiss:")).unwrap().clone();
    assert!(r.press("staff", &dismiss).await.contains("già stata gestita"));
    assert!(r.courier.take_actions().is_empty());
    let log = r.in_group(GROUP, "mod", "/modlog", None).await;
    assert!(log.contains(" · report ") && log.contains(" · report-mute "), "{log}");
}

#[tokio::test]
async fn an_appeal_goes_to_the_other_moderators_and_lifting_it_unmutes_in_every_room() {
    use vicinato::domain::Lang;
    let r = rooms().await;
    r.linked().await;
    r.person_with("mod2", &[(Role::Moderator, Some("centocelle"))]).await;
    assert!(r.direct("ada", "/ricorso non ho fatto niente", Lang::It).await.contains("Non hai sanzioni"));
    r.in_group(GROUP, "mod", "/mute 2h <b>spam</b>", Some("ada")).await;
    r.courier.take_actions();
    r.courier.take();
    assert!(r.direct("ada", "/appeal", Lang::It).await.contains("Scrivi anche il testo"));
    let sent = r.direct("ada", "/ricorso era una battuta <i>innocua</i>", Lang::It).await;
    assert!(sent.contains("Ho mandato il tuo ricorso"), "{sent}");
    let told = r.delivered();
    let to: Vec<&str> = told.iter().map(|(to, _, _)| to.as_str()).collect();
    // Not to the moderator who muted her, since others can decide.
    assert_eq!(to, ["staff", "mod2"], "{told:?}");
    let (_, text, buttons) = &told[1];
    assert!(
        text.contains("Ricorso di Nada contro il divieto di scrivere in Centocelle (fino al 28/11/2026 12:00)"),
        "{text}"
    );
    assert!(text.contains("«era una battuta <i>innocua</i>»") && text.contains("Motivo: <b>spam</b>"), "{text}");
    let lift = buttons.iter().find(|b| b.starts_with("rapl:lift:")).unwrap().clone();
    assert!(r.press("ada", &lift).await.contains("Non hai il permesso"));
    assert!(r.press("mod", &lift).await.contains("il ricorso lo decide un altro moderatore"));
    assert!(r.courier.take_actions().is_empty());
    let done = r.press("mod2", &lift).await;
    assert!(done.contains("ho tolto la sanzione a Nada"), "{done}");
    assert_eq!(
        kinds(&r.courier.take_actions()),
        [
            ("-1001".into(), "ada".into(), RoomActionKind::Unrestrict),
            ("-1002".into(), "ada".into(), RoomActionKind::Unrestrict)
        ]
    );
    assert!(r.delivered().iter().any(|(to, t, _)| to == "ada" && t.contains("ricorso è stato accolto")));
    assert!(r.press("staff", &lift).await.contains("già stata gestita"));
    // The mute ended: its job has nothing to do when its time comes.
    r.clock.advance(chrono::Duration::hours(2));
    r.app.scheduler.run_due(r.clock.now()).await.unwrap();
    assert!(r.courier.take_actions().is_empty());
    assert!(r.direct("ada", "/ricorso di nuovo", Lang::It).await.contains("Non hai sanzioni"));
}

#[tokio::test]
async fn the_moderation_report_is_csv_with_no_cell_a_formula() {
    let r = rooms().await;
    r.linked().await;
    r.in_group(GROUP, "mod", "/warn =HYPERLINK(\"http://x\")", Some("ada")).await;
    let tree = r.engine().snapshot().tree.clone();
    let all = vicinato::core::rooms::audit::entries(None, r.store.as_ref(), &tree).await.unwrap();
    let here = vicinato::core::rooms::audit::entries(Some(&TerritoryId::new("centocelle")), r.store.as_ref(), &tree)
        .await
        .unwrap();
    let elsewhere =
        vicinato::core::rooms::audit::entries(Some(&TerritoryId::new("ostia")), r.store.as_ref(), &tree).await.unwrap();
    assert_eq!((all.len(), here.len(), elsewhere.len()), (3, 3, 0));
    let text = vicinato::core::rooms::audit::csv(&here).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "at,territory,network,chat,actor,subject,action,reason,until");
    assert!(lines[1].contains(",link,general,"), "{text}");
    assert!(lines[3].contains(",warn,\"'=HYPERLINK(\"\"http://x\"\")\","), "{text}");
}

mod on_telegram {
    use super::*;
    use std::time::Duration;
    use vicinato::config::Secret;
    use vicinato::transport::telegram::{TelegramBot, TelegramOptions};
    use vicinato_testkit::telegram::{BotRights, Group, MemberStatus, SentMessage, TestServer, User};

    const TOKEN: &str = "4242:TEST-token";
    const WAIT: Duration = Duration::from_secs(30);

    struct World {
        server: TestServer,
        app: vicinato::app::App,
        clock: Arc<vicinato::clock::ManualClock>,
        stop: tokio::sync::watch::Sender<bool>,
        task: tokio::task::JoinHandle<anyhow::Result<()>>,
        _dir: tempfile::TempDir,
    }

    async fn world() -> World {
        let server = TestServer::start(TOKEN).await.expect("test server");
        let (store, dir) = sqlite_store().await;
        let (app, clock) = spawn_app(store, saturday_morning(), Options::default()).await;
        let mut options =
            TelegramOptions::new("test", Secret::new(TOKEN.into()), "VICINATO_TELEGRAM_TOKEN", &server.url);
        options.poll_timeout = 1;
        let bot = TelegramBot::connect(app.engine.clone(), options).await.expect("bot connects");
        let mut couriers = vicinato::courier::Couriers::default();
        couriers.add(Arc::new(bot.courier()));
        app.engine.set_couriers(couriers);
        let (stop, rx) = tokio::sync::watch::channel(false);
        let task = tokio::spawn(bot.run(rx));
        World { server, app, clock, stop, task, _dir: dir }
    }

    impl World {
        async fn grant(&self, user: i64, role: Role, territory: &str) {
            let store = self.app.engine.store();
            let now = self.clock.now();
            let p =
                store.person_for_account(&Account::new(Network::Telegram, user.to_string()), "x", now).await.unwrap();
            store
                .grant_role(p.id, &RoleGrant { role, territory: Some(TerritoryId::new(territory)) }, now)
                .await
                .unwrap();
        }

        async fn nth(&self, chat: i64, n: usize) -> SentMessage {
            self.server
                .nth_message(chat, n, WAIT)
                .await
                .unwrap_or_else(|| panic!("message {n} in chat {chat} never came: {:#?}", self.server.messages(chat)))
        }

        async fn stop(self) {
            assert!(self.server.violations().is_empty(), "limits broken: {:?}", self.server.violations());
            let _ = self.stop.send(true);
            self.task.await.expect("bot task").expect("bot stops cleanly");
        }
    }

    #[tokio::test]
    async fn a_group_is_linked_once_the_bot_has_its_rights_and_a_mute_ends_with_the_clock() {
        let w = world().await;
        let group = w.server.group(-1001, "Centocelle", false);
        let staff = w.server.user(1, "Sara", Some("it"));
        let moderator = w.server.user(2, "Marco", Some("it"));
        let ada = w.server.user(3, "Ada", Some("it"));
        w.server.user_started(&ada);
        w.grant(1, Role::Staff, "roma-m05").await;
        w.grant(2, Role::Moderator, "centocelle").await;
        // The bot is a plain member: it names every right it lacks.
        w.server.user_posts_in(&staff, &group, "/room link centocelle");
        let lacking = w.nth(group.id, 1).await;
        assert!(
            lacking.text.contains("can_restrict_members, can_invite_users, can_delete_messages"),
            "{}",
            lacking.text
        );
        w.server.set_bot_rights(&group, BotRights { can_invite_users: false, ..BotRights::all() });
        w.server.user_posts_in(&staff, &group, "/room link centocelle");
        assert!(
            w.nth(group.id, 2).await.text.contains("mi mancano questi permessi da amministratore: can_invite_users")
        );
        w.server.set_bot_rights(&group, BotRights::all());
        w.server.user_posts_in(&staff, &group, "/room link centocelle");
        assert!(w.nth(group.id, 3).await.text.contains("collegato a Centocelle"));
        let said = w.server.user_posts_in(&ada, &group, "ciao a tutti");
        w.server.user_replies_in(&moderator, &group, "/mute 2h <b>spam</b> & co", Some(said));
        let muted = w.nth(group.id, 4).await;
        assert!(
            muted.text.contains("Ada non può scrivere nei gruppi della zona fino al 28/11/2026 12:00"),
            "{}",
            muted.text
        );
        // HTML in the reason is shown as text.
        assert!(muted.html.contains("&lt;b&gt;spam&lt;/b&gt; &amp; co"), "{}", muted.html);
        let until = (w.clock.now() + chrono::Duration::hours(2)).timestamp();
        assert_eq!(w.server.member_status(&group, &ada), MemberStatus::Restricted { until });
        let note = w.nth(ada.id, 1).await;
        assert!(
            note.text.contains("Non puoi scrivere nei gruppi della zona fino al 28/11/2026 12:00"),
            "{}",
            note.text
        );
        assert!(note.html.contains("&lt;b&gt;spam&lt;/b&gt;"), "{}", note.html);
        // Two hours later the scheduler lifts it, once.
        w.clock.advance(chrono::Duration::hours(2));
        assert_eq!(w.app.scheduler.run_due(w.clock.now()).await.unwrap().ran, 1);
        assert_eq!(w.server.member_status(&group, &ada), MemberStatus::Member);
        assert!(w.nth(ada.id, 2).await.text.contains("Puoi di nuovo scrivere"));
        assert_eq!(w.app.scheduler.run_due(w.clock.now()).await.unwrap().ran, 0);
        w.stop().await;
    }

    #[tokio::test]
    async fn a_ban_an_unban_and_a_deletion_reach_telegram_and_a_resident_is_refused() {
        let w = world().await;
        let group = w.server.group(-1001, "Centocelle", false);
        w.server.set_bot_rights(&group, BotRights::all());
        let staff = w.server.user(1, "Sara", Some("it"));
        let moderator = w.server.user(2, "Marco", Some("it"));
        let ada = w.server.user(3, "Ada", Some("it"));
        let bea = w.server.user(4, "Bea", Some("it"));
        w.grant(1, Role::Staff, "roma-m05").await;
        w.grant(2, Role::Moderator, "centocelle").await;
        w.server.user_posts_in(&staff, &group, "/room link centocelle");
        assert!(w.nth(group.id, 1).await.text.contains("collegato"));
        let said = w.server.user_posts_in(&ada, &group, "compra qui!!!");
        w.server.user_replies_in(&bea, &group, "/ban", Some(said));
        assert!(w.nth(group.id, 2).await.text.contains("Non hai il permesso"));
        assert_eq!(w.server.member_status(&group, &ada), MemberStatus::Member);
        w.server.user_replies_in(&moderator, &group, "/del", Some(said));
        assert!(w.nth(group.id, 3).await.text.contains("Messaggio cancellato"));
        assert!(w.server.deleted(&group, said));
        w.server.user_replies_in(&moderator, &group, "/ban 1d spam", Some(said));
        assert!(w.nth(group.id, 4).await.text.contains("Ada è fuori dai gruppi della zona fino al 29/11/2026 10:00"));
        let until = (w.clock.now() + chrono::Duration::days(1)).timestamp();
        assert_eq!(w.server.member_status(&group, &ada), MemberStatus::Banned { until });
        w.server.user_replies_in(&moderator, &group, "/unban", Some(said));
        assert!(w.nth(group.id, 5).await.text.contains("Ada può tornare"));
        assert_eq!(w.server.member_status(&group, &ada), MemberStatus::Left);
        // An unban only unbans: Bea, in the group, stays in it.
        assert_eq!(w.server.member_status(&group, &bea), MemberStatus::Member);
        w.stop().await;
    }

    /// Centocelle's group, the bot an administrator there, linked by Sara (staff of Municipio
    /// V); Marco moderates Centocelle.
    async fn area(w: &World) -> (Group, User, User) {
        let group = w.server.group(-1001, "Centocelle", false);
        w.server.set_bot_rights(&group, BotRights::all());
        let staff = w.server.user(1, "Sara", Some("it"));
        let moderator = w.server.user(2, "Marco", Some("it"));
        w.grant(1, Role::Staff, "roma-m05").await;
        w.grant(2, Role::Moderator, "centocelle").await;
        w.server.user_posts_in(&staff, &group, "/room link centocelle");
        assert!(w.nth(group.id, 1).await.text.contains("collegato"));
        (group, staff, moderator)
    }

    /// The personal invite link to `group` in the `n`-th message of a chat.
    async fn link_in(w: &World, chat: i64, n: usize, group: i64) -> String {
        let m = w.nth(chat, n).await;
        m.text
            .split_whitespace()
            .find(|word| word.starts_with(&format!("https://t.me/+test{group}x")))
            .unwrap_or_else(|| panic!("no invite link in {}", m.text))
            .to_owned()
    }

    #[tokio::test]
    async fn a_resident_joins_by_conversation_with_a_personal_link_and_the_questions_in_her_language() {
        let w = world().await;
        let (group, _, moderator) = area(&w).await;
        let ada = w.server.user(3, "Ada", Some("it"));
        let bob = w.server.user(4, "Bob", Some("en"));
        w.server.user_posts_in(&moderator, &group, "/rules set it Niente <b>pubblicità</b> & rispetto");
        assert!(w.nth(group.id, 2).await.text.contains("ho salvato le regole"));
        w.server.user_posts_in(&moderator, &group, "/rules set en No ads, be kind");
        assert!(w.nth(group.id, 3).await.text.contains("«en»"));
        // Ada asks in her words: the bot offers the rooms with a personal link that asks to join.
        w.server.user_says(&ada, "voglio entrare nel gruppo di Centocelle");
        let offer = w.nth(ada.id, 1).await;
        assert!(offer.text.contains("Centocelle: gruppo generale su telegram"), "{}", offer.text);
        let link = link_in(&w, ada.id, 1, group.id).await;
        let made = w.server.invite_links(&group);
        assert_eq!(made.len(), 1);
        assert!(made[0].creates_join_request);
        assert!(made[0].name.as_deref().is_some_and(|n| n.starts_with("Vicinato #")), "{:?}", made[0]);
        assert_eq!(made[0].expire_date, Some((w.clock.now() + chrono::Duration::hours(24)).timestamp()));
        w.server.user_opens_link(&ada, &link).expect("a join request");
        // The welcome, the rules in her language and the first question come in one message.
        let first = w.nth(ada.id, 2).await;
        assert!(first.text.contains("Benvenuta o benvenuto nei gruppi di Centocelle"), "{}", first.text);
        assert!(first.text.contains("Niente <b>pubblicità</b> & rispetto"), "{}", first.text);
        assert!(first.html.contains("Niente &lt;b&gt;pubblicità&lt;/b&gt; &amp; rispetto"), "{}", first.html);
        assert!(first.text.contains("Domanda 1 di 2") && first.text.contains("Vivi o lavori"), "{}", first.text);
        assert!(w.server.join_request_pending(&group, &ada));
        w.server.press(&ada, &first, &first.button("Sì").unwrap());
        let second = w.nth(ada.id, 3).await;
        assert!(second.text.contains("Accetti le regole"), "{}", second.text);
        // An old button cannot answer again, nor skip a question.
        w.server.press(&ada, &first, &first.button("Sì").unwrap());
        assert!(w.nth(ada.id, 4).await.text.contains("già stata gestita"));
        assert!(w.server.join_request_pending(&group, &ada));
        w.server.press(&ada, &second, &second.button("Sì").unwrap());
        assert!(w.nth(ada.id, 5).await.text.contains("sei nel gruppo di Centocelle"));
        assert_eq!(w.server.member_status(&group, &ada), MemberStatus::Member);
        assert!(!w.server.join_request_pending(&group, &ada));
        // Bob, in English: the English rules; a no declines.
        w.server.user_says(&bob, "how do I join the community chat for Centocelle?");
        let link = link_in(&w, bob.id, 1, group.id).await;
        w.server.user_opens_link(&bob, &link).expect("a join request");
        let first = w.nth(bob.id, 2).await;
        assert!(first.text.contains("No ads, be kind"), "{}", first.text);
        assert!(first.text.contains("Do you live or work in the Centocelle area?"), "{}", first.text);
        w.server.press(&bob, &first, &first.button("No").unwrap());
        assert!(w.nth(bob.id, 3).await.text.contains("every question needs a yes"));
        assert_eq!(w.server.member_status(&group, &bob), MemberStatus::Left);
        assert!(!w.server.join_request_pending(&group, &bob));
        assert_eq!(w.server.calls("declineChatJoinRequest").len(), 1);
        w.stop().await;
    }

    #[tokio::test]
    async fn a_person_banned_in_the_area_is_refused_on_joining_and_told_why_until_when_and_how_to_appeal() {
        let w = world().await;
        let (group, staff, moderator) = area(&w).await;
        let newer = w.server.group(-1003, "Centocelle nuovo", false);
        w.server.set_bot_rights(&newer, BotRights::all());
        let bea = w.server.user(4, "Bea", Some("it"));
        w.server.user_started(&bea);
        let said = w.server.user_posts_in(&bea, &group, "compra qui!!!");
        w.server.user_replies_in(&moderator, &group, "/ban 1d <b>spam</b>", Some(said));
        assert!(w.nth(group.id, 2).await.text.contains("Bea è fuori dai gruppi"));
        assert!(w.nth(bea.id, 1).await.text.contains("Sei fuori dai gruppi"));
        // A group linked after the ban: Telegram does not know of it, Vicinato does.
        w.server.user_posts_in(&staff, &newer, "/room link centocelle");
        assert!(w.nth(newer.id, 1).await.text.contains("collegato"));
        w.server.user_says(&bea, "/rooms centocelle");
        let link = link_in(&w, bea.id, 2, newer.id).await;
        w.server.user_opens_link(&bea, &link).expect("a join request");
        let refused = w.nth(bea.id, 3).await;
        assert!(
            refused
                .text
                .contains("Non posso farti entrare: sei fuori dai gruppi di Centocelle fino al 29/11/2026 10:00"),
            "{}",
            refused.text
        );
        assert!(refused.html.contains("Motivo: &lt;b&gt;spam&lt;/b&gt;"), "{}", refused.html);
        assert!(refused.text.contains("/ricorso"), "{}", refused.text);
        assert!(refused.keyboard.is_empty());
        assert!(!w.server.join_request_pending(&newer, &bea));
        assert_eq!(w.server.member_status(&newer, &bea), MemberStatus::Left);
        assert_eq!(w.server.calls("approveChatJoinRequest").len(), 0);
        w.stop().await;
    }

    #[tokio::test]
    async fn a_report_goes_to_the_moderators_room_and_an_appeal_to_the_moderator_who_did_not_act() {
        let w = world().await;
        let (group, staff, moderator) = area(&w).await;
        let mods = w.server.group(-1009, "Moderatori Centocelle", false);
        w.server.set_bot_rights(&mods, BotRights::all());
        let ada = w.server.user(3, "Ada", Some("it"));
        let bea = w.server.user(4, "Bea", Some("it"));
        let luca = w.server.user(5, "Luca", Some("it"));
        w.server.user_started(&ada);
        w.server.user_started(&bea);
        w.grant(5, Role::Moderator, "centocelle").await;
        w.server.user_posts_in(&staff, &mods, "/room link centocelle moderatori");
        assert!(w.nth(mods.id, 1).await.text.contains("moderatori"));
        let said = w.server.user_posts_in(&ada, &group, "buy <b>cheap</b> stuff & more");
        w.server.user_replies_in(&bea, &group, "/segnala pubblicità", Some(said));
        assert!(w.nth(bea.id, 1).await.text.contains("Grazie della segnalazione"));
        let report = w.nth(mods.id, 2).await;
        assert!(report.text.contains("Bea ha segnalato un messaggio di Ada"), "{}", report.text);
        assert!(report.html.contains("buy &lt;b&gt;cheap&lt;/b&gt; stuff &amp; more"), "{}", report.html);
        assert_eq!(report.buttons().len(), 5);
        // A resident who gets hold of the button is refused at the press.
        w.server.press(&bea, &report, &report.button("Silenzia").unwrap());
        assert!(w.nth(mods.id, 3).await.text.contains("Non hai il permesso"));
        assert_eq!(w.server.member_status(&group, &ada), MemberStatus::Member);
        w.server.press(&moderator, &report, &report.button("Silenzia").unwrap());
        let decided = w.nth(mods.id, 4).await;
        assert!(decided.text.contains("ha deciso sulla segnalazione contro Ada: Silenzia 1 ora"), "{}", decided.text);
        let until = (w.clock.now() + chrono::Duration::hours(1)).timestamp();
        assert_eq!(w.server.member_status(&group, &ada), MemberStatus::Restricted { until });
        let note = w.nth(ada.id, 1).await;
        assert!(
            note.text.contains("Non puoi scrivere nei gruppi della zona fino al") && note.text.contains("/ricorso"),
            "{}",
            note.text
        );
        // Ada appeals: the moderators room hears it; Marco, who acted, may not decide.
        w.server.user_says(&ada, "/ricorso it was a joke");
        assert!(w.nth(ada.id, 2).await.text.contains("Ho mandato il tuo ricorso"));
        let appeal = w.nth(mods.id, 5).await;
        assert!(appeal.text.contains("Ricorso di Ada") && appeal.text.contains("«it was a joke»"), "{}", appeal.text);
        w.server.press(&moderator, &appeal, &appeal.button("Tolgo").unwrap());
        assert!(w.nth(mods.id, 6).await.text.contains("il ricorso lo decide un altro moderatore"));
        w.server.press(&luca, &appeal, &appeal.button("Tolgo").unwrap());
        assert!(w.nth(mods.id, 7).await.text.contains("ho tolto la sanzione a Ada"));
        assert_eq!(w.server.member_status(&group, &ada), MemberStatus::Member);
        assert!(w.nth(ada.id, 3).await.text.contains("Il tuo ricorso è stato accolto"));
        w.stop().await;
    }
    #[tokio::test]
    async fn a_flood_on_telegram_mutes_the_member_for_ten_minutes_and_a_newcomers_link_waits_for_the_moderator() {
        let w = world().await;
        let (group, _, moderator) = area(&w).await;
        let ada = w.server.user(3, "Ada", Some("it"));
        let bea = w.server.user(4, "Bea", Some("it"));
        w.server.user_started(&ada);
        w.server.user_started(&bea);
        w.server.user_started(&moderator);
        for n in 0..6 {
            w.server.user_posts_in(&ada, &group, &format!("messaggio {n}"));
        }
        let said = w.nth(group.id, 2).await;
        assert!(said.text.contains("Ada non può scrivere") && said.text.contains("Troppi messaggi"), "{}", said.text);
        let until = (w.clock.now() + chrono::Duration::minutes(10)).timestamp();
        assert_eq!(w.server.member_status(&group, &ada), MemberStatus::Restricted { until });
        assert!(w.nth(ada.id, 1).await.text.contains("Non puoi scrivere nei gruppi della zona"));
        // The moderator writes fast and is left alone; then holds newcomers' links.
        for n in 0..8 {
            w.server.user_posts_in(&moderator, &group, &format!("avviso {n}"));
        }
        w.server.user_posts_in(&moderator, &group, "/protect links on");
        assert!(w.nth(group.id, 3).await.text.contains("trattenuti per un moderatore: attiva"));
        assert_eq!(w.server.member_status(&group, &moderator), MemberStatus::Member);
        let link = w.server.user_posts_in(&bea, &group, "offerte su https://spam.example/<b>x</b>");
        let held = w.nth(moderator.id, 1).await;
        assert!(
            held.text.contains("Messaggio trattenuto") && held.html.contains("&lt;b&gt;x&lt;/b&gt;"),
            "{}",
            held.html
        );
        assert!(w.server.deleted(&group, link));
        assert!(w.nth(bea.id, 1).await.text.contains("lo vede prima un moderatore"));
        w.server.press(&moderator, &held, &held.button("Pubblica").unwrap());
        let posted = w.nth(group.id, 4).await;
        assert!(
            posted.text.contains("Messaggio di Bea, approvato") && posted.text.contains("https://spam.example"),
            "{}",
            posted.text
        );
        // Ten minutes later the scheduler lets Ada write again.
        w.clock.advance(chrono::Duration::minutes(10));
        assert_eq!(w.app.scheduler.run_due(w.clock.now()).await.unwrap().ran, 1);
        assert_eq!(w.server.member_status(&group, &ada), MemberStatus::Member);
        w.stop().await;
    }

    #[tokio::test]
    async fn a_newcomers_forwarded_photo_is_held_shown_to_the_moderator_and_posted_again_with_its_photo_when_released()
    {
        let w = world().await;
        let (group, _, moderator) = area(&w).await;
        let bea = w.server.user(4, "Bea", Some("it"));
        w.server.user_started(&bea);
        w.server.user_started(&moderator);
        w.server.user_posts_in(&moderator, &group, "/protect links on");
        assert!(w.nth(group.id, 2).await.text.contains("trattenuti per un moderatore: attiva"));
        let (forwarded, file) = w.server.user_forwards_photo_in(&bea, &group, "guardate che <b>affare</b>");
        let held = w.nth(moderator.id, 1).await;
        assert!(held.text.contains("Messaggio trattenuto") && held.html.contains("&lt;b&gt;affare"), "{}", held.html);
        let photo = w.nth(moderator.id, 2).await;
        assert_eq!(photo.media, Some(("photo".to_owned(), file.clone())), "the moderator sees the photo itself");
        assert!(w.server.deleted(&group, forwarded), "the forward is out of the group");
        assert!(w.nth(bea.id, 1).await.text.contains("lo vede prima un moderatore"));
        w.server.press(&moderator, &held, &held.button("Pubblica").unwrap());
        let posted = w.nth(group.id, 3).await;
        assert!(
            posted.text.contains("Messaggio di Bea, approvato") && posted.text.contains("affare"),
            "{}",
            posted.text
        );
        let again = w.nth(group.id, 4).await;
        assert_eq!(again.media, Some(("photo".to_owned(), file)), "the photo goes back to the group with its text");
        assert!(w.server.violations().is_empty(), "{:?}", w.server.violations());
        w.stop().await;
    }
}

#[tokio::test]
async fn a_flood_mutes_a_member_for_ten_minutes_everywhere_in_the_area_but_never_a_moderator() {
    let r = rooms().await;
    r.linked().await;
    // Five messages at once are within the default (more than 5 in 10 seconds); the sixth is not.
    for n in 0..5 {
        assert_eq!(r.chatter(GROUP, "ada", "ciao", &format!("{n}"), false).await, "");
    }
    assert!(r.courier.take_actions().is_empty());
    r.chatter(GROUP, "ada", "ciao", "5", false).await;
    let until = r.clock.now() + chrono::Duration::minutes(10);
    let restrict = RoomActionKind::Restrict { until: Some(until) };
    assert_eq!(
        kinds(&r.courier.take_actions()),
        [("-1001".into(), "ada".into(), restrict.clone()), ("-1002".into(), "ada".into(), restrict)]
    );
    let told = r.delivered();
    let room = told.iter().find(|(to, _, _)| to == GROUP).expect("the room is told");
    assert!(room.1.contains("Nada non può scrivere") && room.1.contains("Troppi messaggi"), "{told:?}");
    let note = told.iter().find(|(to, _, _)| to == "ada").expect("Ada is told privately");
    assert!(note.1.contains("Non puoi scrivere nei gruppi della zona fino al 28/11/2026 10:10"), "{note:?}");
    // Audited as Vicinato's, with its reason.
    let log = r.store.moderation_log(&[TerritoryId::new("centocelle")], 5).await.unwrap();
    assert!(log.iter().any(|e| e.action == "mute" && e.actor.is_none() && e.reason == "flood"), "{log:?}");
    // The moderator, staff and an admin write as fast as they like.
    r.person_with("admin", &[(Role::Admin, None)]).await;
    for who in ["mod", "staff", "admin"] {
        for n in 0..12 {
            r.chatter(GROUP, who, "annuncio", &format!("{who}{n}"), false).await;
        }
    }
    assert!(r.courier.take_actions().is_empty(), "nobody exempt is muted");
    // Ten minutes later the scheduler lifts Ada's mute, once.
    r.clock.advance(chrono::Duration::minutes(9));
    assert_eq!(r.app.scheduler.run_due(r.clock.now()).await.unwrap().ran, 0);
    r.clock.advance(chrono::Duration::minutes(1));
    assert_eq!(r.app.scheduler.run_due(r.clock.now()).await.unwrap().ran, 1);
    assert!(r.courier.take_actions().iter().all(|a| a.kind == RoomActionKind::Unrestrict && a.member == "ada"));
    assert_eq!(r.app.scheduler.run_due(r.clock.now()).await.unwrap().ran, 0);
}

#[tokio::test]
async fn protections_are_shown_and_changed_by_the_areas_moderators_only() {
    let r = rooms().await;
    r.linked().await;
    r.person_with("far", &[(Role::Staff, Some("ostia"))]).await;
    let shown = r.in_group(GROUP, "mod", "/protect", None).await;
    assert!(
        shown.contains("più di 5 messaggi in 10 secondi") && shown.contains("trattenuti per un moderatore: spenta"),
        "{shown}"
    );
    for who in ["resident", "far"] {
        for cmd in ["/protect", "/protect flood 3 10", "/protect links on", "/room lang it,en"] {
            let refused = r.in_group(GROUP, who, cmd, None).await;
            assert!(refused.contains("Non hai il permesso"), "{who} {cmd}: {refused}");
        }
    }
    assert!(r.in_group(GROUP, "mod", "/protect flood 0 10", None).await.contains("da 1 a 100"));
    assert!(r.in_group(GROUP, "mod", "/protect boh", None).await.contains("Non ho capito"));
    let changed = r.in_group(GROUP, "mod", "/protezioni flood 2 60", None).await;
    assert!(changed.contains("più di 2 messaggi in 60 secondi"), "{changed}");
    // Now three messages in a minute mute.
    for n in 0..3 {
        r.chatter(GROUP, "ada", "ciao", &format!("{n}"), false).await;
        r.clock.advance(chrono::Duration::seconds(20));
    }
    assert_eq!(r.courier.take_actions().len(), 2);
    // Off: nobody is muted for writing fast, in this room.
    assert!(r.in_group(GROUP, "mod", "/protect flood off", None).await.contains("protezione spenta"));
    for n in 0..20 {
        r.chatter(GROUP, "bea", "ciao", &format!("b{n}"), false).await;
    }
    assert!(r.courier.take_actions().is_empty());
    assert!(
        r.in_group(OTHER_GROUP, "mod", "/protect", None).await.contains("più di 5 messaggi"),
        "the other room keeps its own"
    );
}

#[tokio::test]
async fn a_newcomers_link_is_held_for_the_moderators_who_release_or_delete_it_once() {
    let r = rooms().await;
    r.linked().await;
    // Off by default: a link stays.
    assert_eq!(r.chatter(GROUP, "ada", "guarda https://example.org", "10", false).await, "");
    assert!(r.courier.take_actions().is_empty());
    // Eva writes before holding is switched on: her messages count, so she is no newcomer then.
    for n in 0..3 {
        r.chatter(GROUP, "eva", "ciao a tutti", &format!("e{n}"), false).await;
    }
    assert!(r.in_group(GROUP, "mod", "/protect links on", None).await.contains("trattenuti per un moderatore: attiva"));
    r.courier.take();
    r.chatter(GROUP, "eva", "la festa: https://example.org/festa", "e9", false).await;
    assert!(r.courier.take_actions().is_empty(), "a member who wrote before is not held");
    r.courier.take();
    r.chatter(GROUP, "bea", "offerte su <b>spam.com</b>", "11", false).await;
    assert_eq!(
        kinds(&r.courier.take_actions()),
        [("-1001".into(), "bea".into(), RoomActionKind::Delete { message_id: "11".into() })]
    );
    let told = r.delivered();
    let held = told.iter().find(|(to, _, _)| to == "mod").expect("the moderator hears of it");
    assert!(
        held.1.contains("Messaggio trattenuto nei gruppi di Centocelle") && held.1.contains("<b>spam.com</b>"),
        "{held:?}"
    );
    assert_eq!(held.2.len(), 2);
    assert!(told.iter().any(|(to, text, _)| to == "bea" && text.contains("lo vede prima un moderatore")), "{told:?}");
    // A forwarded message without a link is held too; a plain one is not.
    r.chatter(GROUP, "cleo", "inoltrato", "12", true).await;
    r.chatter(GROUP, "dan", "buongiorno a tutti", "13", false).await;
    assert_eq!(
        kinds(&r.courier.take_actions()),
        [("-1001".into(), "cleo".into(), RoomActionKind::Delete { message_id: "12".into() })]
    );
    let cleo = r.delivered().into_iter().find(|(to, _, _)| to == "mod").unwrap();
    // Moderators and staff are never held.
    r.chatter(GROUP, "mod", "info su https://comune.roma.it", "14", false).await;
    assert!(r.courier.take_actions().is_empty());
    // A resident who gets hold of the button is refused; the moderator releases it once.
    let release = held.2.iter().find(|p| p.starts_with("rheld:ok:")).unwrap().clone();
    assert!(r.press("dan", &release).await.contains("Non hai il permesso"));
    let done = r.press("mod", &release).await;
    assert!(done.contains("ha pubblicato il messaggio di Nbea"), "{done}");
    let posted = r.delivered();
    assert!(
        posted.iter().any(|(to, text, _)| to == GROUP
            && text.contains("Messaggio di Nbea, approvato")
            && text.contains("<b>spam.com</b>")),
        "{posted:?}"
    );
    assert!(r.press("mod", &release).await.contains("già stata gestita"));
    let delete = cleo.2.iter().find(|p| p.starts_with("rheld:del:")).unwrap().clone();
    assert!(r.press("mod", &delete).await.contains("ha eliminato il messaggio di Ncleo"));
    assert!(r.delivered().iter().all(|(to, _, _)| to != GROUP), "a deleted message is not posted");
    // Past their first messages a member's links stay.
    for n in 0..3 {
        r.chatter(GROUP, "dan", "ciao", &format!("d{n}"), false).await;
    }
    r.chatter(GROUP, "dan", "www.example.org", "d9", false).await;
    assert!(r.courier.take_actions().is_empty());
}

#[tokio::test]
async fn an_areas_own_escalation_overrides_the_default_and_its_children_inherit_it() {
    let r = rooms().await;
    r.linked().await;
    r.person_with("far", &[(Role::Staff, Some("ostia"))]).await;
    let shown = r.in_group(GROUP, "mod", "/escalation", None).await;
    assert!(shown.contains("3 in 30 giorni silenziano per 24 ore") && shown.contains("predefinita"), "{shown}");
    // Only staff of the area set it; moderators, residents and staff elsewhere may not.
    for who in ["mod", "resident", "far"] {
        let refused = r.direct(who, "/escalation roma-m05 2 14 12h 3d", vicinato::domain::Lang::It).await;
        assert!(refused.contains("Non hai il permesso"), "{who}: {refused}");
    }
    for who in ["resident", "far"] {
        assert!(r.in_group(GROUP, who, "/escalation", None).await.contains("Non hai il permesso"), "{who}");
    }
    assert!(
        r.direct("staff", "/escalation roma-m05 0 14 12h 3d", vicinato::domain::Lang::It)
            .await
            .contains("Non ho capito")
    );
    let set = r.direct("staff", "/escalation roma-m05 2 14 12h 3d", vicinato::domain::Lang::It).await;
    assert!(set.contains("2 in 14 giorni silenziano per 12 ore") && set.contains("per 3 giorni"), "{set}");
    // Centocelle, inside Municipio V, inherits it: two warnings mute for 12 hours.
    let inherited = r.in_group(GROUP, "mod", "/escalation", None).await;
    assert!(inherited.contains("Viene da"), "{inherited}");
    assert!(r.in_group(GROUP, "mod", "/warn", Some("ada")).await.contains("(1 di 2)"));
    let second = r.in_group(GROUP, "mod", "/warn", Some("ada")).await;
    assert!(second.contains("(2 di 2)") && second.contains("fino al 28/11/2026 22:00"), "{second}");
    let third = r.in_group(GROUP, "mod", "/warn", Some("ada")).await;
    assert!(third.contains("fuori dai gruppi della zona fino al 01/12/2026 10:00"), "{third}");
    // Centocelle's own setting wins over its parent's, and "predefinita" gives it back.
    r.in_group(GROUP, "staff", "/escalation 5 30 1h 1d", None).await;
    assert!(r.in_group(GROUP, "mod", "/escalation", None).await.contains("di questa zona"));
    r.in_group(GROUP, "staff", "/escalation predefinita", None).await;
    assert!(r.in_group(GROUP, "mod", "/escalation", None).await.contains("2 in 14 giorni"));
}

#[tokio::test]
async fn a_room_in_italian_and_english_gets_the_bots_public_messages_in_both_and_private_ones_stay_personal() {
    let r = rooms().await;
    r.linked().await;
    assert!(r.in_group(GROUP, "mod", "/room lang en", None).await.contains("l'italiano, oppure"));
    let set = r.in_group(GROUP, "mod", "/room lang it,en", None).await;
    assert!(set.contains("Centocelle") && set.contains("it, en"), "{set}");
    let warned = r.in_group(GROUP, "mod", "/warn spam", Some("ada")).await;
    assert!(warned.contains("Nada ha ricevuto un'ammonizione (1 di 3)"), "{warned}");
    assert!(warned.contains("Nada got a warning (1 of 3)") && warned.contains("Reason: spam"), "{warned}");
    // Ada's note comes privately, in her language only.
    let note = r.delivered().into_iter().find(|(to, _, _)| to == "ada").unwrap();
    assert!(note.1.contains("Hai ricevuto un'ammonizione") && !note.1.contains("You got a warning"), "{note:?}");
    // The other room stays in Italian.
    let other = r.in_group(OTHER_GROUP, "mod", "/warn", Some("bea")).await;
    assert!(other.contains("(1 di 3)") && !other.contains("(1 of 3)"), "{other}");
}

/// The moderation benchmark, small: every command reaches Telegram, every sanction ending
/// within the same two seconds is lifted once and its member told, and no limit is broken. Timings are
/// the benchmark's to report, never asserted. Runs with `--features testkit` (the benchmark
/// exists only there).
#[cfg(feature = "testkit")]
#[tokio::test]
async fn the_moderation_benchmark_lifts_every_sanction_once_within_the_limits() {
    let (store, _dir) = sqlite_store().await;
    let f =
        vicinato::bench::moderation(store, 5, 40, std::time::Duration::from_secs(2)).await.expect("the benchmark runs");
    assert_eq!(f.commands, 5);
    assert_eq!(f.lifted_once, 40, "{f:?}");
    assert_eq!(f.lifted_twice, 0, "{f:?}");
    assert_eq!(f.told, 40, "{f:?}");
    assert_eq!(f.refusals, 0, "{:?}", f.refusal_reasons);
}
