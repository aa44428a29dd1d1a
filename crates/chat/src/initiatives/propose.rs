//! Proposing an initiative: `/propose` (or "vorrei proporre…") opens a draft that is saved at
//! every step, so it can be left and resumed later (`/myinitiatives`, "continue"). Steps: title,
//! what and why, area (the person's home unless they have none), theme, when, where (typed, or
//! one of my welfare-house bookings), how many people, what it needs, then a summary to change
//! any field, submit, or keep for later.

use super::buttons::InitiativeButton;
use super::common::{ctx, refused, territory_name, theme_msg, visible, when_text};
use crate::i18n::Msg;
use crate::{Button, Flow, Reply, Turn};
use chrono::{Duration, NaiveTime, TimeZone};
use vicinato_core::initiatives;
use vicinato_domain::initiative::*;
use vicinato_domain::text::fold;
use vicinato_domain::{BookingStatus, TerritoryId};
use vicinato_store::StoreError;

pub use super::step::Step;

const MAX_TITLE: usize = 120;
const MAX_TEXT: usize = 1500;

/// `/propose [title]`, `/propose service`, `/propose moderator`, or the intent.
pub async fn start(turn: &mut Turn<'_>, words: Option<&str>) -> Result<Vec<Reply>, StoreError> {
    let words = words.map(str::trim).filter(|w| !w.is_empty());
    let (kind, title) = match words.map(|w| w.split_once(' ').unwrap_or((w, ""))) {
        Some(("service" | "servizio", rest)) => (Kind::Service, rest),
        Some(("moderator" | "moderatore" | "moderatrice", rest)) => (Kind::Moderator, rest),
        _ => (Kind::Activity, words.unwrap_or("")),
    };
    let title = if kind == Kind::Moderator {
        turn.engine
            .i18n()
            .render(turn.lang, &Msg::new("ini-moderator-title").text("name", turn.person.display_name.clone()))
    } else {
        title.chars().take(MAX_TITLE).collect()
    };
    // A person keeps a few drafts open at once, not a thousand.
    let open_drafts = turn.engine.settings().limits.open_drafts;
    let input = initiatives::propose::Input { kind, title, open_drafts };
    let ini = match initiatives::propose::propose(&turn.person, input, ctx(turn), turn.store(), turn.now).await? {
        Ok(ini) => ini,
        Err(refusal) => return Ok(vec![refused(turn, &refusal)]),
    };
    let content = ini.content.clone();
    let territory = turn.person.home.clone();
    let first = if content.title.is_empty() { Step::Title } else { Step::Description };
    // Without a home, the area is asked; otherwise it is the home, changeable in the summary.
    let flow = Flow::Propose { id: ini.id, step: first, area_set: territory.is_some(), review: false };
    turn.save_flow(&flow).await?;
    let intro = Reply::say(Msg::new("ini-propose-intro").msg("kind", Msg::new(format!("ini-kind-{}", kind.as_str()))));
    let mut replies = vec![intro];
    replies.push(ask(turn, &ini, first).await?);
    Ok(replies)
}

fn skip() -> Button {
    Button::msg(Msg::new("button-skip"), InitiativeButton::DraftSkip.to_payload())
}

/// The question for a step.
async fn ask(turn: &Turn<'_>, ini: &Initiative, step: Step) -> Result<Reply, StoreError> {
    Ok(match step {
        Step::Title => Reply::id("ini-ask-title"),
        Step::Description => Reply::say(Msg::new("ini-ask-description").text("title", ini.content.title.clone())),
        Step::Area => {
            let mut buttons = Vec::new();
            if let Some(home) = &turn.person.home {
                buttons.push(Button::text(
                    territory_name(turn, home),
                    InitiativeButton::DraftArea(home.clone()).to_payload(),
                ));
            }
            Reply::id("ini-ask-area").with_buttons(buttons)
        }
        Step::Theme => {
            let buttons = if ini.content.kind == Kind::Service {
                // A community service goes in the directory under one of its categories.
                turn.snapshot
                    .categories
                    .iter()
                    .filter(|c| c.parent.is_none())
                    .map(|c| {
                        Button::msg(
                            Msg::new(format!("category-{}", c.code)),
                            InitiativeButton::DraftTheme(c.code.to_string()).to_payload(),
                        )
                    })
                    .collect()
            } else {
                THEMES
                    .iter()
                    .map(|t| Button::msg(theme_msg(t), InitiativeButton::DraftTheme((*t).to_owned()).to_payload()))
                    .collect()
            };
            Reply::id("ini-ask-theme").with_buttons(buttons)
        }
        Step::When => Reply::id("ini-ask-when").with_buttons(vec![skip()]),
        Step::Place => {
            let mut buttons = Vec::new();
            let mine = turn.store().bookings_of(turn.person.id, turn.now).await?;
            for b in mine.iter().filter(|b| b.status == BookingStatus::Confirmed).take(3) {
                let label = crate::booking::space_name(turn.engine, turn.lang, b);
                let local = b.starts.with_timezone(&turn.engine.settings().time_zone);
                buttons.push(Button::text(
                    format!("{label} {}", local.format("%-d/%-m %H:%M")),
                    InitiativeButton::DraftBooking(b.id).to_payload(),
                ));
            }
            buttons.push(Button::msg(Msg::new("button-ini-book-space"), "bstart"));
            buttons.push(skip());
            Reply::id("ini-ask-place").with_buttons(buttons)
        }
        Step::Capacity => Reply::id("ini-ask-capacity").with_buttons(vec![skip()]),
        Step::Resources => Reply::id("ini-ask-resources").with_buttons(vec![skip()]),
        Step::Review => summary(turn, ini),
    })
}

/// The draft as it stands, with a button for each field and submit or later.
fn summary(turn: &Turn<'_>, ini: &Initiative) -> Reply {
    let c = &ini.content;
    let dash = || turn.engine.i18n().render(turn.lang, &Msg::new("ini-unset"));
    let when = match c.starts {
        Some(at) => turn.engine.i18n().render(turn.lang, &when_text(turn.engine, at)),
        None => dash(),
    };
    let theme = match &c.theme {
        Some(t) if c.kind == Kind::Service => turn.engine.i18n().render(turn.lang, &Msg::new(format!("category-{t}"))),
        Some(t) => turn.engine.i18n().render(turn.lang, &theme_msg(t)),
        None => dash(),
    };
    let capacity = if c.capacity == 0 { dash() } else { c.capacity.to_string() };
    let reply = Reply::say(
        Msg::new("ini-summary")
            .msg("kind", Msg::new(format!("ini-kind-{}", c.kind.as_str())))
            .text("title", c.title.clone())
            .text("description", c.description.clone())
            .text("area", territory_name(turn, &ini.territory))
            .text("theme", theme)
            .text("when", when)
            .text("place", c.place.clone().unwrap_or_else(dash))
            .text("capacity", capacity)
            .text("resources", c.resources.clone().unwrap_or_else(dash))
            .num("threshold", i64::from(ini.threshold)),
    );
    let mut buttons = vec![
        Button::msg(Msg::new("button-ini-submit"), InitiativeButton::Submit(ini.id).to_payload()),
        Button::msg(Msg::new("button-ini-later"), InitiativeButton::DraftLater.to_payload()),
    ];
    for step in Step::FIELDS {
        buttons.push(Button::msg(
            Msg::new(format!("ini-field-{}", step.name())),
            InitiativeButton::DraftField(step).to_payload(),
        ));
    }
    reply.with_buttons(buttons)
}

/// The draft in the flow, if it is still this person's draft.
async fn draft(turn: &Turn<'_>) -> Result<Option<(Initiative, Step, bool, bool)>, StoreError> {
    let Some(Flow::Propose { id, step, area_set, review }) = turn.flow.clone() else { return Ok(None) };
    let Some(ini) = turn.store().initiative(id).await? else { return Ok(None) };
    if ini.author != Some(turn.person.id) || ini.status != Status::Draft {
        return Ok(None);
    }
    Ok(Some((ini, step, area_set, review)))
}

/// Saves the draft and moves on (to the summary when the field was changed from it).
async fn saved(
    turn: &mut Turn<'_>,
    ini: &Initiative,
    territory: &TerritoryId,
    content: Content,
    step: Step,
    area_set: bool,
    review: bool,
) -> Result<Vec<Reply>, StoreError> {
    let saved =
        initiatives::propose::save_draft(&turn.person, ini.id, territory, content, ctx(turn), turn.store(), turn.now)
            .await?;
    if let Err(refusal) = saved {
        turn.clear_flow().await?;
        return Ok(vec![refused(turn, &refusal)]);
    }
    let mut next = if review { Step::Review } else { step.next() };
    if next == Step::Area && area_set {
        next = Step::Area.next();
    }
    let area_set = area_set || step == Step::Area;
    turn.save_flow(&Flow::Propose { id: ini.id, step: next, area_set, review }).await?;
    let fresh = turn.store().initiative(ini.id).await?.unwrap_or_else(|| ini.clone());
    Ok(vec![ask(turn, &fresh, next).await?])
}

/// Typed text while a draft waits for a field.
pub async fn typed(turn: &mut Turn<'_>, text: &str) -> Result<Option<Vec<Reply>>, StoreError> {
    let Some((ini, step, area_set, review)) = draft(turn).await? else {
        turn.clear_flow().await?;
        return Ok(None);
    };
    let mut c = ini.content.clone();
    let mut territory = ini.territory.clone();
    let text = text.trim();
    // "sì" or "ok" answers no question here: the step wants words (or a number, a date). "no"
    // at a step that can be skipped skips it.
    if step != Step::Review
        && let Some(yes) = turn.snapshot.understander.answer(text)
    {
        if !yes && matches!(step, Step::When | Step::Place | Step::Capacity | Step::Resources) {
            return Ok(Some(saved(turn, &ini, &territory, c, step, area_set, review).await?));
        }
        return Ok(Some(vec![Reply::id("ini-answer-needs-words"), ask(turn, &ini, step).await?]));
    }
    match step {
        Step::Title => {
            if text.chars().count() < 3 {
                return Ok(Some(vec![Reply::id("ini-title-short")]));
            }
            c.title = text.chars().take(MAX_TITLE).collect();
        }
        Step::Description => {
            if text.chars().count() < 10 {
                return Ok(Some(vec![Reply::id("ini-description-short")]));
            }
            c.description = text.chars().take(MAX_TEXT).collect();
        }
        Step::Area => {
            let found = turn.snapshot.tree.names_in(&vicinato_domain::text::fold(text)).into_iter().next();
            let Some((id, _)) = found else {
                return Ok(Some(vec![Reply::say(
                    Msg::new("ini-area-unknown").text("text", crate::quote::excerpt(text, 60)),
                )]));
            };
            territory = id;
        }
        Step::Theme => return Ok(Some(vec![ask(turn, &ini, Step::Theme).await?])),
        Step::When => {
            let said = crate::wish::read(turn, text, turn.local_now());
            let Some(date) = said.date else {
                let id = if said.date_problem.is_some() { "ini-date-bad" } else { "ini-date-missing" };
                return Ok(Some(vec![Reply::id(id).with_buttons(vec![skip()])]));
            };
            let minute = said.from.or(said.part.map(|p| p.span().0)).unwrap_or(10 * 60);
            let local = date.and_time(NaiveTime::MIN) + Duration::minutes(i64::from(minute));
            let at = turn
                .engine
                .settings()
                .time_zone
                .from_local_datetime(&local)
                .earliest()
                .map(|t| t.with_timezone(&chrono::Utc));
            match at {
                Some(at) if at > turn.now => c.starts = Some(at),
                _ => return Ok(Some(vec![Reply::id("ini-date-bad").with_buttons(vec![skip()])])),
            }
            // "ogni sabato mattina": an initiative has one date; the first is recorded, and the
            // author is told so, and how to say it repeats.
            if said.weeks.is_some() {
                let when = when_text(turn.engine, c.starts.unwrap_or(turn.now));
                let note = turn.engine.i18n().render(
                    turn.lang,
                    &Msg::new("ini-repeats-note").text("words", text.trim().chars().take(80).collect::<String>()),
                );
                if !c.description.contains(&note) {
                    c.description = format!("{}\n{note}", c.description.trim_end()).trim_start().to_owned();
                    c.description = c.description.chars().take(MAX_TEXT).collect();
                }
                let mut out = saved(turn, &ini, &territory, c, step, area_set, review).await?;
                out.insert(0, Reply::say(Msg::new("ini-when-recurring").msg("when", when)));
                return Ok(Some(out));
            }
        }
        Step::Place => c.place = Some(text.chars().take(MAX_TITLE).collect()),
        Step::Capacity => {
            let Some(n) =
                text.split_whitespace().find_map(|w| w.parse::<u32>().ok()).filter(|n| (1..=10_000).contains(n))
            else {
                return Ok(Some(vec![Reply::id("ini-capacity-number").with_buttons(vec![skip()])]));
            };
            c.capacity = n;
        }
        Step::Resources => c.resources = Some(text.chars().take(MAX_TEXT).collect()),
        Step::Review => return Ok(None),
    }
    Ok(Some(saved(turn, &ini, &territory, c, step, area_set, review).await?))
}

/// Buttons of the draft: `pskip`, `ptheme:<code>`, `parea:<territory>`, `pbook:<booking>`,
/// `pfield:<step>`, `plater`.
pub async fn button(turn: &mut Turn<'_>, button: InitiativeButton) -> Result<Vec<Reply>, StoreError> {
    let Some((ini, step, area_set, review)) = draft(turn).await? else {
        return Ok(vec![Reply::id("ini-draft-gone")]);
    };
    let mut c = ini.content.clone();
    let mut territory = ini.territory.clone();
    match button {
        InitiativeButton::DraftLater => {
            turn.clear_flow().await?;
            return Ok(vec![Reply::say(Msg::new("ini-draft-kept").text("title", c.title))]);
        }
        InitiativeButton::DraftField(field) => {
            turn.save_flow(&Flow::Propose { id: ini.id, step: field, area_set, review: true }).await?;
            return Ok(vec![ask(turn, &ini, field).await?]);
        }
        InitiativeButton::DraftSkip if matches!(step, Step::When | Step::Place | Step::Capacity | Step::Resources) => {}
        // A payload can be forged: only the themes and areas this step offers are taken.
        InitiativeButton::DraftTheme(code) if step == Step::Theme => {
            let offered = if c.kind == Kind::Service {
                turn.snapshot.categories.iter().any(|k| k.parent.is_none() && k.code.as_str() == code)
            } else {
                THEMES.contains(&code.as_str())
            };
            if !offered {
                return Ok(vec![Reply::id("button-expired")]);
            }
            c.theme = Some(code)
        }
        InitiativeButton::DraftArea(area) if step == Step::Area => {
            territory = area;
            if turn.snapshot.tree.get(&territory).is_none() {
                return Ok(vec![Reply::id("button-expired")]);
            }
        }
        InitiativeButton::DraftBooking(id) if step == Step::Place => {
            let Some(b) = turn.store().booking(id).await? else {
                return Ok(vec![Reply::id("booking-not-found")]);
            };
            if b.person != turn.person.id {
                return Ok(vec![Reply::id("not-allowed")]);
            }
            c.booking = Some(b.id);
            c.place = Some(crate::booking::space_name(turn.engine, turn.lang, &b));
            c.starts = c.starts.or(Some(b.starts));
        }
        _ => return Ok(vec![ask(turn, &ini, step).await?]),
    }
    saved(turn, &ini, &territory, c, step, area_set, review).await
}

/// Continues a draft (`iedit:<id>`).
pub async fn resume(turn: &mut Turn<'_>, id: InitiativeId) -> Result<Vec<Reply>, StoreError> {
    let ini = match visible(turn, id).await? {
        Ok(ini) => ini,
        Err(reply) => return Ok(vec![reply]),
    };
    if ini.author != Some(turn.person.id) || ini.status != Status::Draft {
        return Ok(vec![Reply::id("not-allowed")]);
    }
    turn.save_flow(&Flow::Propose { id: ini.id, step: Step::Review, area_set: true, review: true }).await?;
    Ok(vec![summary(turn, &ini)])
}

/// The title a proposal's first sentence already gives: "vorrei proporre un corso di cucito per
/// anziani" → "Corso di cucito per anziani", "i want propose a football match for kids" →
/// "Football match for kids". The words after the verb of proposing, up to the end of the
/// sentence, without the articles and prepositions in front; nothing when what is left says only
/// "something", "an initiative" or "for the neighbourhood", or names the kind of proposal
/// ("un servizio", "moderator"), which the flow asks for itself.
pub fn title_from(text: &str) -> Option<String> {
    const VERBS: &[&str] = &[
        "proporre",
        "propongo",
        "proponiamo",
        "propose",
        "proposing",
        "proposta",
        "proposal",
        "organizzare",
        "organizziamo",
        "organizzo",
        "organise",
        "organize",
        "organising",
        "organizing",
    ];
    const FILLER: &[&str] = &[
        "a", "an", "the", "some", "my", "our", "un", "una", "uno", "il", "lo", "la", "l", "i", "gli", "le", "dei",
        "degli", "delle", "del", "della", "di", "per", "for", "of", "to", "mia", "mio", "nostra", "nostro", "new",
        "nuova", "nuovo", "qui", "here", "anche", "also",
    ];
    const GENERIC: &[&str] = &[
        "qualcosa",
        "something",
        "iniziativa",
        "iniziative",
        "initiative",
        "initiatives",
        "idea",
        "idee",
        "ideas",
        "evento",
        "event",
        "attivita",
        "activity",
        "cosa",
        "thing",
        "quartiere",
        "neighbourhood",
        "neighborhood",
        "zona",
        "area",
        "community",
        "comunita",
    ];
    const KINDS: &[&str] = &["servizio", "service", "moderatore", "moderatrice", "moderator"];
    // The sentence that holds the verb, as typed.
    let words: Vec<&str> = text.split_whitespace().collect();
    let at = words.iter().position(|w| VERBS.contains(&fold(w).as_str()))?;
    let mut rest: Vec<&str> = Vec::new();
    for w in &words[at + 1..] {
        let end = w.ends_with(['.', '!', '?', ';', ',', ':']);
        let trimmed = w.trim_end_matches(['.', '!', '?', ';', ',', ':']);
        if !trimmed.is_empty() {
            rest.push(trimmed);
        }
        if end && !rest.is_empty() {
            break;
        }
    }
    // "un'attività", "l'orto": the article is part of the word as typed.
    let strip_elision = |w: &str| -> String {
        match w.split_once(['\'', '’']) {
            Some((head, tail)) if !tail.is_empty() && FILLER.contains(&fold(head).as_str()) => tail.to_owned(),
            _ => w.to_owned(),
        }
    };
    let mut rest: Vec<String> = rest.into_iter().map(strip_elision).collect();
    while rest.first().is_some_and(|w| FILLER.contains(&fold(w).as_str())) {
        rest.remove(0);
    }
    let folded: Vec<String> = rest.iter().map(|w| fold(w)).collect();
    let first = folded.first()?;
    if KINDS.contains(&first.as_str()) {
        return None;
    }
    if folded.iter().all(|w| GENERIC.contains(&w.as_str()) || FILLER.contains(&w.as_str())) {
        return None;
    }
    let title = rest.join(" ");
    if title.chars().count() < 3 {
        return None;
    }
    let mut chars = title.chars();
    let head = chars.next()?;
    Some(head.to_uppercase().chain(chars).collect())
}

#[cfg(test)]
mod tests {
    use super::title_from;

    #[test]
    fn the_words_after_the_verb_of_proposing_are_the_title() {
        for (said, title) in [
            ("i want propose a football match for kids", Some("Football match for kids")),
            (
                "vorrei proporre un corso di cucito per anziani, ci sono tante signore sole",
                Some("Corso di cucito per anziani"),
            ),
            ("Vorrei organizzare un'asta di libri usati.", Some("Asta di libri usati")),
            ("voglio organizzare una tombola", Some("Tombola")),
            ("I would like to propose the repair café", Some("Repair café")),
            ("vorrei proporre una cosa", None),
            ("ho una proposta per il quartiere", None),
            ("posso proporre un'attività?", None),
            ("vorrei proporre", None),
            ("vorrei proporre un servizio di doposcuola", None),
            ("I propose something", None),
            ("organizzare", None),
            ("un corso di cucito", None),
        ] {
            assert_eq!(title_from(said).as_deref(), title, "{said}");
        }
    }
}
