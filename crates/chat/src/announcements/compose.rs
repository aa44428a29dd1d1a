//! `/announce` (`/annuncio`) without arguments: staff and admins put an announcement together
//! in a short conversation. The territory (asked only of those who may address more than one),
//! who in it (everyone who lives there, people interested in a category, supporters and
//! participants of its initiatives, people with bookings at one of its welfare houses, a
//! role) or only the territory's linked rooms, and, where the territory has linked rooms,
//! whether they get a copy too; the text in Italian, optionally in English, when ([`super::when`]), then a preview
//! exactly as each language's recipients will read it (with the line on how to stop) and an
//! estimate of whom it reaches and how long sending takes. Confirming calls the core's
//! `compose`, which checks the scope again with the roles held at that moment; where the
//! territory asks for it, the announcement waits for a second staff member ([`super::approve`]).

use super::buttons::{AnnounceButton, WhoKind};
use super::when::{self, Said};
use crate::i18n::Msg;
use crate::{Block, Button, Flow, Reply, Turn};
use chrono::{DateTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use vicinato_core::announcements::compose::{self as core_compose, TEXT_MAX};
use vicinato_core::announcements::{By, Refusal, estimate};
use vicinato_domain::{
    AnnouncementState, AnnouncementTexts, Audience, CategoryCode, Lang, LocationId, Recurrence, Role, RoomsTarget,
    TerritoryId, Who, room_text,
};
use vicinato_store::StoreError;

/// When, as the author chose it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum When {
    Now,
    At(DateTime<Utc>),
    Every(Recurrence),
}

/// What the author has said so far.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    /// The territory; `None` with `everywhere` for all of them (admins).
    pub territory: Option<TerritoryId>,
    #[serde(default)]
    pub everywhere: bool,
    pub who: Option<Who>,
    pub it: Option<String>,
    pub en: Option<String>,
    pub when: Option<When>,
    /// Whether the territory's linked rooms get a copy too, or only they do.
    #[serde(default)]
    pub rooms: RoomsTarget,
}

/// The question the flow waits an answer to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    Territory,
    Who,
    Category,
    House,
    Role,
    /// Also to the territory's rooms?
    Rooms,
    Text,
    English,
    When,
    Confirm,
}

/// The territories a person is staff of (admins: none needed, they may address any).
fn staff_territories(turn: &Turn<'_>) -> Vec<TerritoryId> {
    let mut out: Vec<TerritoryId> =
        turn.person.roles.iter().filter(|g| g.role == Role::Staff).filter_map(|g| g.territory.clone()).collect();
    out.dedup();
    out
}

fn is_admin(turn: &Turn<'_>) -> bool {
    turn.person.roles.iter().any(|g| g.role == Role::Admin)
}

fn territory_name(turn: &Turn<'_>, id: &TerritoryId) -> String {
    turn.snapshot.tree.get(id).map_or_else(|| id.to_string(), |t| t.name.clone())
}

/// The scope, for messages: the territory's name, or everywhere.
fn scope_msg(turn: &Turn<'_>, draft: &Draft) -> Msg {
    match &draft.territory {
        Some(t) => Msg::new("announce-scope").text("territory", territory_name(turn, t)),
        None => Msg::new("announce-scope-everywhere"),
    }
}

/// Who, for messages.
fn who_msg(turn: &Turn<'_>, who: &Who) -> Msg {
    match who {
        Who::Home => Msg::new("announce-who-home"),
        Who::Interest(code) => {
            Msg::new("announce-who-interest").msg("category", crate::directory::category_msg(turn, code))
        }
        Who::Initiatives => Msg::new("announce-who-initiatives"),
        Who::Bookings(house) => {
            let name = turn
                .snapshot
                .houses
                .iter()
                .find(|h| &h.id == house)
                .map_or_else(|| house.to_string(), |h| h.name.clone());
            Msg::new("announce-who-bookings").text("house", name)
        }
        Who::Role(role) => {
            Msg::new("announce-who-role").msg("role", Msg::new(format!("announce-role-{}", role.as_str())))
        }
    }
}

fn audience(draft: &Draft) -> Option<Audience> {
    Some(Audience { territory: draft.territory.clone(), who: draft.who.clone()?, rooms: draft.rooms })
}

/// How many linked rooms of the draft's scope would get a copy.
async fn rooms_in_scope(turn: &Turn<'_>, draft: &Draft) -> Result<usize, StoreError> {
    let probe = Audience { territory: draft.territory.clone(), who: Who::Home, rooms: RoomsTarget::Also };
    Ok(vicinato_core::announcements::expand::target_rooms(&probe, turn.store(), &turn.snapshot.tree).await?.len())
}

/// Once who is known: asks whether the rooms get it too, where the scope has rooms.
async fn after_who(turn: &mut Turn<'_>, mut draft: Draft) -> Result<Vec<Reply>, StoreError> {
    if rooms_in_scope(turn, &draft).await? == 0 {
        draft.rooms = RoomsTarget::None;
        return ask(turn, draft, Step::Text).await;
    }
    ask(turn, draft, Step::Rooms).await
}

async fn save(turn: &Turn<'_>, draft: Draft, step: Step) -> Result<(), StoreError> {
    turn.save_flow(&Flow::Announce { draft, step }).await
}

/// `/announce`: the first question, or why not.
pub(crate) async fn start(turn: &mut Turn<'_>) -> Result<Vec<Reply>, StoreError> {
    let staff_of = staff_territories(turn);
    if !is_admin(turn) && staff_of.is_empty() {
        return Ok(vec![Reply::refused(&Refusal::NotAllowed)]);
    }
    let mut draft = Draft::default();
    if !is_admin(turn) && staff_of.len() == 1 {
        draft.territory = staff_of.first().cloned();
        return ask(turn, draft, Step::Who).await;
    }
    ask(turn, draft, Step::Territory).await
}

/// Asks the question of `step`, keeping the draft.
async fn ask(turn: &mut Turn<'_>, draft: Draft, step: Step) -> Result<Vec<Reply>, StoreError> {
    let reply = match step {
        Step::Territory => {
            let mut buttons: Vec<Button> = staff_territories(turn)
                .iter()
                .map(|t| Button::text(territory_name(turn, t), AnnounceButton::Territory(Some(t.clone())).to_payload()))
                .collect();
            if is_admin(turn) {
                buttons
                    .push(Button::msg(Msg::new("announce-everywhere"), AnnounceButton::Territory(None).to_payload()));
            }
            Reply::id("announce-ask-territory").with_buttons(buttons)
        }
        Step::Who => {
            let mut buttons: Vec<Button> = WhoKind::ALL
                .into_iter()
                .map(|w| {
                    Button::msg(
                        Msg::new(format!("announce-who-{}-button", w.as_str())),
                        AnnounceButton::Who(w).to_payload(),
                    )
                })
                .collect();
            let rooms = rooms_in_scope(turn, &draft).await?;
            if rooms > 0 {
                buttons.push(Button::msg(
                    Msg::new("announce-rooms-only-button").num("rooms", rooms as i64),
                    AnnounceButton::Rooms(RoomsTarget::Only).to_payload(),
                ));
            }
            Reply::say(Msg::new("announce-ask-who").msg("scope", scope_msg(turn, &draft))).with_buttons(buttons)
        }
        Step::Category => {
            let buttons = turn
                .snapshot
                .top_categories()
                .into_iter()
                .map(|c| {
                    Button::msg(
                        crate::directory::category_msg(turn, &c.code),
                        AnnounceButton::Category(c.code.clone()).to_payload(),
                    )
                })
                .collect();
            Reply::id("announce-ask-category").with_buttons(buttons)
        }
        Step::House => {
            let houses = houses_in(turn, &draft);
            if houses.is_empty() {
                let mut replies =
                    vec![Reply::say(Msg::new("announce-no-houses").msg("scope", scope_msg(turn, &draft)))];
                replies.extend(Box::pin(ask(turn, draft, Step::Who)).await?);
                return Ok(replies);
            }
            let buttons = houses
                .into_iter()
                .map(|(id, name)| Button::text(name, AnnounceButton::House(id).to_payload()))
                .collect();
            Reply::id("announce-ask-house").with_buttons(buttons)
        }
        Step::Role => {
            let buttons = [Role::Staff, Role::Moderator]
                .into_iter()
                .map(|r| {
                    Button::msg(Msg::new(format!("announce-role-{}", r.as_str())), AnnounceButton::Role(r).to_payload())
                })
                .collect();
            Reply::id("announce-ask-role").with_buttons(buttons)
        }
        Step::Rooms => {
            let rooms = rooms_in_scope(turn, &draft).await? as i64;
            Reply::say(Msg::new("announce-ask-rooms").num("rooms", rooms)).with_buttons(vec![
                Button::msg(Msg::new("announce-rooms-also"), AnnounceButton::Rooms(RoomsTarget::Also).to_payload()),
                Button::msg(Msg::new("announce-rooms-none"), AnnounceButton::Rooms(RoomsTarget::None).to_payload()),
            ])
        }
        Step::Text => Reply::say(Msg::new("announce-ask-text").num("max", TEXT_MAX as i64)),
        Step::English => Reply::id("announce-ask-english")
            .with_buttons(vec![Button::msg(Msg::new("announce-no-english"), AnnounceButton::NoEnglish.to_payload())]),
        Step::When => Reply::id("announce-ask-when")
            .with_buttons(vec![Button::msg(Msg::new("announce-now"), AnnounceButton::Now.to_payload())]),
        Step::Confirm => {
            let replies = preview(turn, &draft).await?;
            save(turn, draft, step).await?;
            return Ok(replies);
        }
    };
    save(turn, draft, step).await?;
    Ok(vec![reply])
}

/// The welfare houses of the draft's scope, with their names.
fn houses_in(turn: &Turn<'_>, draft: &Draft) -> Vec<(LocationId, String)> {
    turn.snapshot
        .houses
        .iter()
        .filter(|h| draft.territory.as_ref().is_none_or(|t| turn.snapshot.tree.contains(t, &h.territory)))
        .map(|h| (h.id.clone(), h.name.clone()))
        .collect()
}

/// The time as people read it, in the configured zone.
fn shown(turn: &Turn<'_>, when: &When) -> Msg {
    match when {
        When::Now => Msg::new("announce-when-now"),
        When::At(at) => Msg::new("announce-when-at").text("at", crate::rooms::shown_time(turn, *at)),
        When::Every(Recurrence::Weekly { weekday, hour, minute }) => Msg::new("announce-when-every")
            .msg("day", Msg::new(format!("announce-weekday-{}", (*weekday).clamp(1, 7))))
            .text("time", format!("{hour:02}:{minute:02}")),
    }
}

/// The copy a reader of `lang` gets, rendered in that language, as they will see it.
fn copy_as_read(turn: &Turn<'_>, lang: Lang, texts: &AnnouncementTexts) -> String {
    turn.engine.i18n().render(lang, &crate::announce::copy_message(texts.for_lang(lang)))
}

/// The preview in each language, the estimate and the buttons.
async fn preview(turn: &Turn<'_>, draft: &Draft) -> Result<Vec<Reply>, StoreError> {
    let (Some(audience), Some(it), Some(when)) = (audience(draft), draft.it.clone(), draft.when.clone()) else {
        return Ok(vec![Reply::id("announce-draft-lost")]);
    };
    let texts = AnnouncementTexts { it, en: draft.en.clone() };
    let mut replies = Vec::new();
    if audience.rooms.people() {
        for lang in [Lang::It, Lang::En] {
            let mut reply = Reply::say(Msg::new(format!("announce-preview-{}", lang.code())));
            reply.blocks.push(Block::Data(copy_as_read(turn, lang, &texts)));
            replies.push(reply);
        }
    }
    if audience.rooms.rooms() {
        let mut reply = Reply::id("announce-preview-rooms");
        let room_copy = crate::announce::room_copy_message(&room_text(&texts, &[Lang::It, Lang::En]));
        reply.blocks.push(Block::Data(turn.engine.i18n().render(Lang::It, &room_copy)));
        replies.push(reply);
    }
    let channels = turn.engine.couriers().channels();
    let tree = turn.snapshot.tree.clone();
    let counted =
        estimate::estimate(&audience, turn.store(), &tree, &channels, turn.engine.settings().default_lang, turn.now)
            .await?;
    let by = By::Person(&turn.person);
    let pending = core_compose::needs_approval(by, audience.territory.as_ref(), turn.store(), &tree).await?;
    let who = match audience.rooms {
        RoomsTarget::Only => Msg::new("announce-who-rooms"),
        RoomsTarget::Also => Msg::new("announce-who-and-rooms").msg("who", who_msg(turn, &audience.who)),
        RoomsTarget::None => who_msg(turn, &audience.who),
    };
    let mut summary = Reply::say(
        Msg::new("announce-summary")
            .msg("who", who)
            .msg("scope", scope_msg(turn, draft))
            .msg("when", shown(turn, &when)),
    );
    summary = if audience.rooms.rooms() {
        summary.then(
            Msg::new("announce-estimate-rooms")
                .num("telegram", counted.telegram)
                .num("matrix", counted.matrix)
                .num("other", counted.other)
                .num("rooms", counted.rooms)
                .num("seconds", counted.seconds()),
        )
    } else {
        summary.then(
            Msg::new("announce-estimate")
                .num("telegram", counted.telegram)
                .num("matrix", counted.matrix)
                .num("other", counted.other)
                .num("seconds", counted.seconds()),
        )
    };
    if counted.opted_out + counted.unreachable > 0 {
        summary = summary.then(
            Msg::new("announce-estimate-left-out")
                .num("opted_out", counted.opted_out)
                .num("unreachable", counted.unreachable),
        );
    }
    if pending {
        summary = summary.then(Msg::new("announce-needs-approval"));
    }
    replies.push(summary.with_buttons(vec![
        Button::msg(Msg::new("announce-send"), AnnounceButton::Send(true).to_payload()),
        Button::msg(Msg::new("announce-dont-send"), AnnounceButton::Send(false).to_payload()),
    ]));
    Ok(replies)
}

/// Local time to UTC; a time the spring change skips is read as the instant after the gap.
fn to_utc(turn: &Turn<'_>, local: chrono::NaiveDateTime) -> DateTime<Utc> {
    let zone = turn.engine.settings().time_zone;
    zone.from_local_datetime(&local)
        .earliest()
        .or_else(|| zone.from_local_datetime(&(local + chrono::Duration::hours(1))).earliest())
        .map_or_else(|| Utc.from_utc_datetime(&local), |t| t.with_timezone(&Utc))
}

/// Typed text at a step of the flow; `None` when the step takes no text (a button is awaited
/// and the text is something else).
pub(crate) async fn typed(
    turn: &mut Turn<'_>,
    mut draft: Draft,
    step: Step,
    text: &str,
) -> Result<Option<Vec<Reply>>, StoreError> {
    let tree = turn.snapshot.tree.clone();
    let replies = match step {
        Step::Territory => {
            let folded = vicinato_domain::text::fold(text);
            if is_admin(turn)
                && matches!(folded.as_str(), "tutti" | "tutte" | "ovunque" | "all" | "everyone" | "everywhere")
            {
                draft.territory = None;
                draft.everywhere = true;
                return Ok(Some(ask(turn, draft, Step::Who).await?));
            }
            let Some(found) = vicinato_core::rooms::link::territory_named(&tree, text) else {
                return Ok(Some(vec![Reply::refused(&Refusal::TerritoryUnknown { territory: text.to_owned() })]));
            };
            if !By::Person(&turn.person).may_address(Some(&found.id), &tree) {
                return Ok(Some(vec![Reply::refused(&Refusal::NotAllowed)]));
            }
            draft.territory = Some(found.id.clone());
            ask(turn, draft, Step::Who).await?
        }
        Step::Text => {
            let chars = text.chars().count();
            if chars > TEXT_MAX {
                return Ok(Some(vec![Reply::refused(&Refusal::TooLong { max: TEXT_MAX as i64 })]));
            }
            draft.it = Some(text.to_owned());
            ask(turn, draft, Step::English).await?
        }
        Step::English => {
            if text.chars().count() > TEXT_MAX {
                return Ok(Some(vec![Reply::refused(&Refusal::TooLong { max: TEXT_MAX as i64 })]));
            }
            draft.en = Some(text.to_owned());
            ask(turn, draft, Step::When).await?
        }
        Step::When => {
            let when = match when::read(text, turn.local_now()) {
                Some(Said::Now) => When::Now,
                Some(Said::At(local)) => When::At(to_utc(turn, local)),
                Some(Said::Every(r)) => When::Every(r),
                None => {
                    let mut replies = vec![Reply::id("announce-when-unread")];
                    replies.extend(ask(turn, draft, Step::When).await?);
                    return Ok(Some(replies));
                }
            };
            if let When::At(at) = when
                && at < turn.now
            {
                return Ok(Some(vec![Reply::refused(&Refusal::InThePast)]));
            }
            draft.when = Some(when);
            ask(turn, draft, Step::Confirm).await?
        }
        Step::Who | Step::Category | Step::House | Step::Role | Step::Rooms | Step::Confirm => return Ok(None),
    };
    Ok(Some(replies))
}

/// A button of the flow pressed.
pub(crate) async fn pressed(
    turn: &mut Turn<'_>,
    draft: Option<Draft>,
    button: AnnounceButton,
) -> Result<Vec<Reply>, StoreError> {
    let Some(mut draft) = draft else {
        return Ok(vec![Reply::id("button-expired")]);
    };
    let tree = turn.snapshot.tree.clone();
    match button {
        AnnounceButton::Territory(t) => {
            if !By::Person(&turn.person).may_address(t.as_ref(), &tree) {
                return Ok(vec![Reply::refused(&Refusal::NotAllowed)]);
            }
            draft.everywhere = t.is_none();
            draft.territory = t;
            ask(turn, draft, Step::Who).await
        }
        AnnounceButton::Who(kind) => match kind {
            WhoKind::Home => {
                draft.who = Some(Who::Home);
                after_who(turn, draft).await
            }
            WhoKind::Initiatives => {
                draft.who = Some(Who::Initiatives);
                after_who(turn, draft).await
            }
            WhoKind::Interest => ask(turn, draft, Step::Category).await,
            WhoKind::Bookings => ask(turn, draft, Step::House).await,
            WhoKind::Role => ask(turn, draft, Step::Role).await,
        },
        AnnounceButton::Category(code) => {
            draft.who = Some(Who::Interest(CategoryCode::new(code.as_str())));
            after_who(turn, draft).await
        }
        AnnounceButton::House(house) => {
            draft.who = Some(Who::Bookings(house));
            after_who(turn, draft).await
        }
        AnnounceButton::Role(role) => {
            draft.who = Some(Who::Role(role));
            after_who(turn, draft).await
        }
        AnnounceButton::Rooms(RoomsTarget::Only) => {
            draft.who = Some(Who::Home);
            draft.rooms = RoomsTarget::Only;
            ask(turn, draft, Step::Text).await
        }
        AnnounceButton::Rooms(target) => {
            if draft.who.is_none() {
                return Ok(vec![Reply::id("button-expired")]);
            }
            draft.rooms = target;
            ask(turn, draft, Step::Text).await
        }
        AnnounceButton::NoEnglish => {
            draft.en = None;
            ask(turn, draft, Step::When).await
        }
        AnnounceButton::Now => {
            draft.when = Some(When::Now);
            ask(turn, draft, Step::Confirm).await
        }
        AnnounceButton::Send(false) => {
            turn.clear_flow().await?;
            turn.flow = None;
            Ok(vec![Reply::id("announce-not-sent")])
        }
        AnnounceButton::Send(true) => confirm(turn, draft).await,
        AnnounceButton::Approve { .. } | AnnounceButton::FixNoEnglish | AnnounceButton::Fix(_) => {
            Ok(vec![Reply::id("button-expired")])
        }
    }
}

/// Keeps the announcement, if the core agrees now.
async fn confirm(turn: &mut Turn<'_>, draft: Draft) -> Result<Vec<Reply>, StoreError> {
    let (Some(audience), Some(it), Some(when)) = (audience(&draft), draft.it.clone(), draft.when.clone()) else {
        return Ok(vec![Reply::id("announce-draft-lost")]);
    };
    let (at, recurrence) = match &when {
        When::Now => (None, None),
        When::At(at) => (Some(*at), None),
        When::Every(r) => (None, Some(r.clone())),
    };
    let core_draft =
        core_compose::Draft { texts: AnnouncementTexts { it, en: draft.en.clone() }, audience, at, recurrence };
    // The scope's rooms are checked again by the core with the roles held now, like people.
    let tree = turn.snapshot.tree.clone();
    let houses = turn.snapshot.houses.clone();
    let zone = turn.engine.settings().time_zone;
    let kept =
        core_compose::compose(By::Person(&turn.person), core_draft, turn.store(), &tree, &houses, zone, turn.now)
            .await?;
    let announcement = match kept {
        Ok(a) => a,
        Err(refusal) => return Ok(vec![Reply::refused(&refusal)]),
    };
    turn.clear_flow().await?;
    turn.flow = None;
    if announcement.state == AnnouncementState::Pending {
        super::approve::ask_approvers(turn, &announcement).await?;
        return Ok(vec![Reply::say(Msg::new("announce-pending").num("id", announcement.id.0))]);
    }
    turn.engine.jobs_added().notify_one();
    let when = match when {
        When::Now => When::Now,
        When::At(_) => When::At(announcement.at),
        every => every,
    };
    Ok(vec![Reply::say(Msg::new("announce-kept").num("id", announcement.id.0).msg("when", shown(turn, &when)))])
}
