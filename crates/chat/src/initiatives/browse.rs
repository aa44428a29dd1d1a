//! Community initiatives as residents see them: browse and search ("what is happening near
//! me this week"), an initiative's card with the buttons this person may press, support
//! (openly or anonymously), join as participant or volunteer (waitlist when full), report,
//! comment, vote, and the author's own steps (submit, withdraw, write to supporters, date,
//! report the outcome). Each step calls its use case in `vicinato_core::initiatives`, which
//! checks who is acting and applies the rules, and turns the outcome into a reply; the notes
//! its events call for are `lifecycle`'s. What stays here is the conversation: which buttons a
//! card shows, asking for text, the limits per hour, and reading a date from words.

use super::buttons::{Browse, InitiativeButton};
use super::common::*;
use super::lifecycle::{self, Change};
use crate::i18n::Msg;
use crate::{Block, Button, Flow, Reply, Turn};
use chrono::{Duration, NaiveTime, TimeZone};
use serde::{Deserialize, Serialize};
use vicinato_core::initiatives::access::{Hourly, Writing, hourly_limit, may_write};
use vicinato_core::initiatives::{self, Refusal};
use vicinato_domain::initiative::*;
use vicinato_domain::text::fold;
use vicinato_store::{MyPart, StoreError};

/// What a typed message is for, while an initiative waits for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Awaiting {
    Comment,
    Report,
    Update,
    /// The date it will take place (accepted ones).
    Date,
    Outcome,
    Attendance,
    /// Staff or a moderator rejecting: the reason the author will read.
    RejectReason,
    ModeratorReason,
}

/// How many initiatives one page shows.
const PAGE: u32 = 5;

/// One line of a list: title, status, progress.
fn line(turn: &Turn<'_>, ini: &Initiative) -> Msg {
    let mut m = Msg::new("ini-line")
        .text("title", ini.content.title.clone())
        .msg("status", status_msg(ini.status))
        .text("area", territory_name(turn, &ini.territory))
        .num("supports", i64::from(ini.supports))
        .num("threshold", i64::from(ini.threshold));
    m = match ini.content.starts {
        Some(at) => m.msg("when", when_text(turn.engine, at)),
        None => m.msg("when", Msg::new("ini-when-open")),
    };
    m
}

/// A list of initiatives, each with a button to open it, and "more" when there are more.
fn list_reply(turn: &Turn<'_>, title: Msg, found: &[Initiative], more: Option<String>) -> Reply {
    let mut reply = Reply::say(title);
    let mut buttons = Vec::new();
    for (i, ini) in found.iter().enumerate() {
        reply = reply.then(line(turn, ini).num("n", (i + 1) as i64));
        buttons.push(Button::text(
            format!("{}. {}", i + 1, short(&ini.content.title)),
            InitiativeButton::Open(ini.id).to_payload(),
        ));
    }
    if let Some(more) = more {
        buttons.push(Button::msg(Msg::new("button-more"), more));
    }
    reply.with_buttons(buttons)
}

fn short(title: &str) -> String {
    let t: String = title.chars().take(40).collect();
    if t.chars().count() < title.chars().count() { format!("{t}…") } else { t }
}

/// Reads browsing filters from words: an area, a theme, "this week", other words to match.
fn browse_from_text(turn: &Turn<'_>, text: &str) -> Browse {
    let folded = format!(" {} ", fold(text));
    let mut rest = folded.clone();
    let mut browse = Browse::default();
    let strip = |rest: &mut String, phrase: &str| -> bool {
        let padded = format!(" {phrase} ");
        let found = rest.contains(&padded);
        if found {
            *rest = rest.replacen(&padded, " ", 1);
        }
        found
    };
    if let Some((id, name)) = turn.snapshot.tree.names_in(&folded).into_iter().next() {
        browse.territory = Some(id);
        strip(&mut rest, &fold(&name));
    }
    let understander = &turn.snapshot.understander;
    for lang in [turn.lang, vicinato_domain::Lang::It, vicinato_domain::Lang::En] {
        let Some(words) = understander.initiative_words(lang) else { continue };
        let mut longest: Vec<&String> = words.week.iter().collect();
        longest.sort_by_key(|w| std::cmp::Reverse(w.len()));
        for w in longest {
            browse.week |= strip(&mut rest, w);
        }
        if browse.status.is_none() {
            browse.status = words
                .statuses
                .iter()
                .find(|(_, list)| list.iter().any(|w| strip(&mut rest, w)))
                .map(|(status, _)| *status);
        }
        if browse.theme.is_none() {
            browse.theme = words
                .themes
                .iter()
                .find(|(_, list)| list.iter().any(|w| strip(&mut rest, w)))
                .map(|(theme, _)| theme.clone());
        }
        let mut noise: Vec<&String> = words.noise.iter().collect();
        noise.sort_by_key(|w| std::cmp::Reverse(w.len()));
        for w in noise {
            while strip(&mut rest, w) {}
        }
    }
    browse.words = rest
        .split_whitespace()
        .filter(|w| w.chars().count() > 2 && !understander.is_stopword(turn.lang, w))
        .collect::<Vec<_>>()
        .join(" ");
    browse
}

/// `/initiatives [words]`, and "what is happening near me this week".
pub async fn browse(turn: &mut Turn<'_>, text: &str) -> Result<Vec<Reply>, StoreError> {
    let mut b = browse_from_text(turn, text);
    let near_me = turn.snapshot.understander.understand(text, turn.lang).slots.near_me;
    if b.territory.is_none() && (b.week || near_me) {
        b.territory = turn.person.home.clone();
    }
    show_list(turn, b).await
}

/// A browsing button (`ilist:`), for the next page.
pub async fn browse_page(turn: &mut Turn<'_>, browse: Browse) -> Result<Vec<Reply>, StoreError> {
    // A payload is typed by whoever sends it: drafts and proposals under review stay their
    // author's (`/myinitiatives`), whatever status a button names.
    if browse.status.is_some_and(|s| !s.is_public()) {
        return Ok(vec![Reply::id("button-expired")]);
    }
    let mut replies = show_list(turn, browse).await?;
    if let Some(first) = replies.first_mut() {
        first.update = true;
    }
    Ok(replies)
}

async fn show_list(turn: &mut Turn<'_>, b: Browse) -> Result<Vec<Reply>, StoreError> {
    let local_today = turn.local_now().date();
    let week = b.week.then(|| {
        let zone = turn.engine.settings().time_zone;
        let start = zone
            .from_local_datetime(&local_today.and_time(NaiveTime::MIN))
            .earliest()
            .map(|t| t.with_timezone(&chrono::Utc))
            .unwrap_or(turn.now);
        (turn.now.min(start).max(start), start + Duration::days(7))
    });
    let query = InitiativeQuery {
        territory_path: b.territory.as_ref().map(|t| turn.snapshot.tree.path(t)),
        theme: b.theme.clone(),
        statuses: match (b.status, b.week) {
            (Some(status), _) if status.is_public() => vec![status],
            (Some(_), _) => return Ok(vec![Reply::id("button-expired")]),
            (None, true) => vec![Status::Accepted, Status::Scheduled],
            (None, false) => Vec::new(),
        },
        words: b.words.split_whitespace().map(str::to_owned).collect(),
        between: week,
        author: None,
        include_hidden: false,
        offset: b.offset,
        limit: PAGE + 1,
    };
    let mut found = turn.store().initiatives(&query).await?;
    if found.is_empty() {
        let none = if b.week { "ini-none-week" } else { "ini-none" };
        return Ok(vec![
            Reply::id(none)
                .with_buttons(vec![Button::msg(Msg::new("button-propose"), InitiativeButton::Propose.to_payload())]),
        ]);
    }
    let more = (found.len() > PAGE as usize)
        .then(|| InitiativeButton::List(Browse { offset: b.offset + PAGE, ..b.clone() }).to_payload());
    found.truncate(PAGE as usize);
    let title = match (&b.territory, b.week) {
        (Some(t), true) => Msg::new("ini-list-week").text("area", territory_name(turn, t)),
        (None, true) => Msg::new("ini-list-week-anywhere"),
        (Some(t), false) => Msg::new("ini-list-area").text("area", territory_name(turn, t)),
        (None, false) => Msg::new("ini-list"),
    };
    Ok(vec![list_reply(turn, title, &found, more)])
}

/// `/myinitiatives`: mine, drafts included, with what to do next.
pub async fn mine(turn: &mut Turn<'_>) -> Result<Vec<Reply>, StoreError> {
    let query = InitiativeQuery { author: Some(turn.person.id), include_hidden: true, limit: 20, ..Default::default() };
    let found = turn.store().initiatives(&query).await?;
    if found.is_empty() {
        return Ok(vec![
            Reply::id("ini-mine-none")
                .with_buttons(vec![Button::msg(Msg::new("button-propose"), InitiativeButton::Propose.to_payload())]),
        ]);
    }
    Ok(vec![list_reply(turn, Msg::new("ini-mine"), &found, None)])
}

/// An initiative's card, with the buttons this person may press.
pub async fn card(turn: &Turn<'_>, ini: &Initiative) -> Result<Reply, StoreError> {
    let store = turn.store();
    let mine = store.initiative_my_part(ini.id, turn.person.id).await?;
    let mut reply = Reply::say(
        Msg::new("ini-card")
            .text("title", ini.content.title.clone())
            .msg("status", status_msg(ini.status))
            .msg("kind", Msg::new(format!("ini-kind-{}", ini.content.kind.as_str())))
            .text("area", territory_name(turn, &ini.territory)),
    );
    reply.blocks.push(Block::Data(ini.content.description.clone()));
    if let Some(theme) = &ini.content.theme {
        reply = reply.then(Msg::new("ini-card-theme").msg("theme", theme_msg(theme)));
    }
    if let Some(at) = ini.content.starts {
        reply = reply.then(Msg::new("ini-card-when").msg("when", when_text(turn.engine, at)));
    }
    if let Some(place) = &ini.content.place {
        reply = reply.then(Msg::new("ini-card-place").text("place", place.clone()));
    }
    if let Some(res) = &ini.content.resources {
        reply = reply.then(Msg::new("ini-card-resources").text("resources", res.clone()));
    }
    if ini.status.is_public() {
        let names = store.initiative_supporter_names(ini.id, 3).await?;
        let shown = names.len() as i64;
        reply = reply.then(
            Msg::new("ini-card-supports")
                .num("supports", i64::from(ini.supports))
                .num("threshold", i64::from(ini.threshold))
                .text("names", names.join(", "))
                .num("shown", shown)
                .num("others", i64::from(ini.supports) - shown),
        );
    }
    if ini.content.capacity > 0 || ini.participants > 0 {
        reply = reply.then(
            Msg::new("ini-card-participants")
                .num("participants", i64::from(ini.participants))
                .num("capacity", i64::from(ini.content.capacity)),
        );
    }
    if let (Status::Voting, Some(until)) = (ini.status, ini.deadline) {
        reply = reply.then(Msg::new("ini-card-vote-until").msg("when", when_text(turn.engine, until)));
    } else if let (Status::Published, Some(until)) = (ini.status, ini.deadline) {
        reply = reply.then(Msg::new("ini-card-deadline").msg("when", when_text(turn.engine, until)));
    }
    if let Some(d) = &ini.decision
        && let Some(reason) = &d.reason
        && matches!(ini.status, Status::Rejected | Status::Accepted)
    {
        reply = reply.then(Msg::new("ini-card-reason").text("reason", reason.clone()));
    }
    if let Some(o) = &ini.outcome {
        reply = reply
            .then(Msg::new("ini-card-outcome").text("text", o.text.clone()).num("attendance", i64::from(o.attendance)));
    }
    if ini.hidden {
        reply = reply.then(Msg::new("ini-card-hidden"));
    }
    let comments = store.initiative_comments(ini.id, 3).await?;
    for (name, body) in comments {
        reply = reply.then(Msg::new("ini-card-comment").text("name", name).text("text", body));
    }
    let phase = phase_of(turn, &ini.territory).await?;
    Ok(reply.with_buttons(card_buttons(turn, ini, &mine, phase)))
}

fn card_buttons(turn: &Turn<'_>, ini: &Initiative, mine: &MyPart, phase: Phase) -> Vec<Button> {
    let id = ini.id;
    let b = |label: &str, button: fn(InitiativeId) -> InitiativeButton| {
        Button::msg(Msg::new(label), button(id).to_payload())
    };
    let mut out = Vec::new();
    let author = is_author(turn, ini);
    if !ini.hidden {
        if ini.status.takes_supports() && !author {
            match mine.support {
                None => {
                    out.push(b("button-ini-support", |id| InitiativeButton::Support { id, anonymous: false }));
                    out.push(b("button-ini-support-anon", |id| InitiativeButton::Support { id, anonymous: true }));
                }
                Some(_) => out.push(b("button-ini-unsupport", InitiativeButton::Unsupport)),
            }
        }
        if ini.status == Status::Voting && !mine.voted {
            out.push(Button::msg(
                Msg::new("button-ini-vote-yes"),
                InitiativeButton::Vote { id, yes: true }.to_payload(),
            ));
            out.push(Button::msg(
                Msg::new("button-ini-vote-no"),
                InitiativeButton::Vote { id, yes: false }.to_payload(),
            ));
        }
        if ini.status.takes_participants() && !author {
            match mine.waiting {
                None => {
                    out.push(b("button-ini-join", |id| InitiativeButton::Join { id, volunteer: false }));
                    out.push(b("button-ini-volunteer", |id| InitiativeButton::Join { id, volunteer: true }));
                }
                Some(_) => out.push(b("button-ini-leave", InitiativeButton::Leave)),
            }
        }
        if ini.status.is_public() {
            out.push(b("button-ini-comment", InitiativeButton::Comment));
        }
        if ini.status.is_public() && !author && !mine.reported {
            out.push(b("button-ini-report", InitiativeButton::Report));
        }
    }
    if author {
        match ini.status {
            Status::Draft => {
                out.push(b("button-ini-continue", InitiativeButton::Edit));
                out.push(b("button-ini-submit", InitiativeButton::Submit));
            }
            Status::Accepted | Status::Scheduled => {
                out.push(b("button-ini-date", InitiativeButton::Date));
                out.push(b("button-ini-held", InitiativeButton::MarkHeld));
            }
            Status::Held => out.push(b("button-ini-outcome", InitiativeButton::Outcome)),
            _ => {}
        }
        if ini.status.is_public() && !ini.status.is_final() && ini.supports + ini.participants > 0 {
            out.push(b("button-ini-update", InitiativeButton::Update));
        }
        if Status::after(ini.status, Action::Withdraw).is_some() {
            out.push(b("button-ini-withdraw", InitiativeButton::Withdraw));
        }
    }
    if is_staff(turn, ini) {
        match ini.status {
            Status::Submitted => {
                out.push(b("button-ini-publish", InitiativeButton::Publish));
                out.push(b("button-ini-reject", InitiativeButton::Reject));
            }
            Status::ThresholdReached if phase == Phase::Institutional => {
                out.push(b("button-ini-accept", InitiativeButton::Accept));
                out.push(b("button-ini-reject", InitiativeButton::Reject));
            }
            _ => {}
        }
    }
    if is_moderator(turn, ini) && ini.status.is_public() {
        if ini.hidden {
            out.push(b("button-ini-restore", InitiativeButton::Show));
        } else {
            out.push(b("button-ini-hide", InitiativeButton::Hide));
        }
        if ini.open_to_moderator_rejection() {
            out.push(b("button-ini-mod-reject", InitiativeButton::ModeratorReject));
        }
    }
    out
}

/// Opens an initiative (button `ini:<id>`, deep link `i-<id>`).
pub async fn open(turn: &mut Turn<'_>, arg: &str) -> Result<Vec<Reply>, StoreError> {
    let Some(id) = arg.split(':').next().and_then(|a| a.trim().parse::<i64>().ok()) else {
        return Ok(vec![Reply::id("ini-not-found")]);
    };
    open_id(turn, InitiativeId(id)).await
}

/// Opens an initiative by its id.
pub async fn open_id(turn: &mut Turn<'_>, id: InitiativeId) -> Result<Vec<Reply>, StoreError> {
    let ini = match visible(turn, id).await? {
        Ok(ini) => ini,
        Err(reply) => return Ok(vec![reply]),
    };
    Ok(vec![card(turn, &ini).await?])
}

/// Supports an initiative (`isup:<id>`, `isupa:<id>` anonymously).
pub async fn support(turn: &mut Turn<'_>, id: InitiativeId, anonymous: bool) -> Result<Vec<Reply>, StoreError> {
    let input = initiatives::support::Input { id, anonymous };
    let counted = match initiatives::support::support(&turn.person, input, ctx(turn), turn.store(), turn.now).await? {
        Ok(counted) => counted,
        Err(refusal) => return Ok(vec![refused(turn, &refusal)]),
    };
    lifecycle::tell_events(turn.engine, &counted.events, turn.now).await?;
    let ini = counted.initiative;
    let msg = if anonymous { "ini-supported-anon" } else { "ini-supported" };
    let mut reply = Reply::say(
        Msg::new(msg)
            .text("title", ini.content.title.clone())
            .num("supports", i64::from(counted.supports))
            .num("threshold", i64::from(counted.threshold)),
    );
    if counted.reached {
        reply = reply.then(Msg::new("ini-threshold-reached"));
    }
    // What the card offered next stays on offer: joining (while it takes participants) and
    // commenting, beside taking the support back.
    let mut buttons =
        vec![Button::msg(Msg::new("button-ini-unsupport"), InitiativeButton::Unsupport(ini.id).to_payload())];
    if ini.status.takes_participants() {
        buttons.push(Button::msg(
            Msg::new("button-ini-join"),
            InitiativeButton::Join { id: ini.id, volunteer: false }.to_payload(),
        ));
    }
    if ini.status.is_public() {
        buttons.push(Button::msg(Msg::new("button-ini-comment"), InitiativeButton::Comment(ini.id).to_payload()));
    }
    Ok(vec![reply.with_buttons(buttons)])
}

/// Withdraws my support (`iuns:<id>`).
pub async fn unsupport(turn: &mut Turn<'_>, id: InitiativeId) -> Result<Vec<Reply>, StoreError> {
    Ok(vec![match initiatives::unsupport::unsupport(&turn.person, id, ctx(turn), turn.store()).await? {
        Ok(done) => Reply::say(
            Msg::new("ini-unsupported")
                .text("title", done.initiative.content.title)
                .num("supports", i64::from(done.supports)),
        ),
        Err(refusal) => refused(turn, &refusal),
    }])
}

/// Joins (`ijoin:<id>`) or volunteers (`ivol:<id>`).
pub async fn join(turn: &mut Turn<'_>, id: InitiativeId, volunteer: bool) -> Result<Vec<Reply>, StoreError> {
    let leave = vec![Button::msg(Msg::new("button-ini-leave"), InitiativeButton::Leave(id).to_payload())];
    let input = initiatives::join::Input { id, volunteer };
    Ok(vec![match initiatives::join::join(&turn.person, input, ctx(turn), turn.store(), turn.now).await? {
        Ok(initiatives::join::Place { initiative: ini, waiting: None }) => {
            let msg = if volunteer { "ini-volunteered" } else { "ini-joined" };
            let mut r = Reply::say(Msg::new(msg).text("title", ini.content.title.clone()));
            if let Some(at) = ini.content.starts {
                r = r.then(Msg::new("ini-card-when").msg("when", when_text(turn.engine, at)));
            }
            r.with_buttons(leave)
        }
        Ok(initiatives::join::Place { initiative: ini, waiting: Some(place) }) => {
            Reply::say(Msg::new("ini-join-waiting").text("title", ini.content.title).num("place", i64::from(place)))
                .with_buttons(leave)
        }
        Err(refusal @ Refusal::JoinAlready) => refused(turn, &refusal).with_buttons(leave),
        Err(refusal) => refused(turn, &refusal),
    }])
}

/// Leaves (`ileave:<id>`); the first on the waitlist gets the place and is told.
pub async fn leave(turn: &mut Turn<'_>, id: InitiativeId) -> Result<Vec<Reply>, StoreError> {
    match initiatives::leave::leave(&turn.person, id, ctx(turn), turn.store()).await? {
        Ok(left) => {
            lifecycle::tell_events(turn.engine, &left.events, turn.now).await?;
            Ok(vec![Reply::say(Msg::new("ini-left").text("title", left.initiative.content.title))])
        }
        Err(refusal) => Ok(vec![refused(turn, &refusal)]),
    }
}

/// A phase-2 vote (`ivote:<id>:y|n`).
pub async fn vote(turn: &mut Turn<'_>, id: InitiativeId, yes: bool) -> Result<Vec<Reply>, StoreError> {
    let input = initiatives::vote::Input { id, yes };
    Ok(vec![match initiatives::vote::vote(&turn.person, input, ctx(turn), turn.store(), turn.now).await? {
        Ok(voted) => Reply::say(
            Msg::new(if yes { "ini-voted-yes" } else { "ini-voted-no" }).text("title", voted.initiative.content.title),
        ),
        Err(refusal) => refused(turn, &refusal),
    }])
}

/// Buttons that wait for typed text: comment, report, update, date, outcome, reasons.
pub async fn ask_text(turn: &mut Turn<'_>, id: InitiativeId, awaiting: Awaiting) -> Result<Vec<Reply>, StoreError> {
    let ini = match visible(turn, id).await? {
        Ok(ini) => ini,
        Err(reply) => return Ok(vec![reply]),
    };
    let writing = match awaiting {
        Awaiting::Comment => Writing::Comment,
        Awaiting::Report => Writing::Report,
        Awaiting::Update => Writing::Update,
        Awaiting::Date => Writing::Date,
        Awaiting::Outcome | Awaiting::Attendance => Writing::Outcome,
        Awaiting::RejectReason => Writing::RejectReason,
        Awaiting::ModeratorReason => Writing::ModeratorReason,
    };
    let allowed = may_write(&turn.person, &ini, writing, &turn.snapshot.tree);
    if !allowed {
        return Ok(vec![Reply::id("not-allowed")]);
    }
    // Comments and reports an hour are limited (the core's rule): said before the text is asked.
    let hourly = match awaiting {
        Awaiting::Comment => Some(Hourly::Comments),
        Awaiting::Report => Some(Hourly::Reports),
        _ => None,
    };
    if let Some(what) = hourly
        && let Some(limit) = hourly_limit(&turn.person, &ini, what, &ctx(turn), turn.store(), turn.now).await?
    {
        return Ok(vec![Reply::refused(&limit)]);
    }
    if awaiting == Awaiting::Update {
        let rules = &turn.engine.settings().initiatives;
        if let Some(last) = ini.last_update_at
            && turn.now - last < Duration::days(rules.update_every_days)
        {
            let next = last + Duration::days(rules.update_every_days);
            return Ok(vec![Reply::say(Msg::new("ini-update-too-soon").msg("when", when_text(turn.engine, next)))]);
        }
    }
    turn.save_flow(&Flow::InitiativeText { id: ini.id, awaiting, outcome: None }).await?;
    let ask = match awaiting {
        Awaiting::Comment => "ini-ask-comment",
        Awaiting::Report => "ini-ask-report",
        Awaiting::Update => "ini-ask-update",
        Awaiting::Date => "ini-ask-date",
        Awaiting::Outcome => "ini-ask-outcome",
        Awaiting::Attendance => "ini-ask-attendance",
        Awaiting::RejectReason | Awaiting::ModeratorReason => "ini-ask-reason",
    };
    Ok(vec![Reply::say(Msg::new(ask).text("title", ini.content.title))])
}

/// The typed answer to [`ask_text`].
pub async fn typed(
    turn: &mut Turn<'_>,
    id: InitiativeId,
    awaiting: Awaiting,
    outcome: Option<String>,
    text: &str,
) -> Result<Vec<Reply>, StoreError> {
    let Some(ini) = turn.store().initiative(id).await? else {
        turn.clear_flow().await?;
        return Ok(vec![Reply::id("ini-not-found")]);
    };
    let text = text.trim().to_owned();
    match awaiting {
        Awaiting::Comment => {
            turn.clear_flow().await?;
            let input = initiatives::comment::Input { id, text };
            match initiatives::comment::comment(&turn.person, input, ctx(turn), turn.store(), turn.now).await? {
                Ok(done) => lifecycle::tell_events(turn.engine, &done.events, turn.now).await?,
                Err(refusal) => return Ok(vec![refused(turn, &refusal)]),
            }
            Ok(vec![
                Reply::id("ini-commented").with_buttons(vec![Button::msg(
                    Msg::new("button-ini-open"),
                    InitiativeButton::Open(id).to_payload(),
                )]),
            ])
        }
        Awaiting::Report => {
            turn.clear_flow().await?;
            let input = initiatives::report::Input { id, reason: text };
            match initiatives::report::report(&turn.person, input, ctx(turn), turn.store(), turn.now).await? {
                Ok(done) => {
                    lifecycle::tell_events(turn.engine, &done.events, turn.now).await?;
                    Ok(vec![Reply::id("ini-reported")])
                }
                Err(refusal) => Ok(vec![refused(turn, &refusal)]),
            }
        }
        Awaiting::Update => {
            turn.clear_flow().await?;
            let written =
                initiatives::update::write_to_supporters(&turn.person, &ini, text, ctx(turn), turn.store(), turn.now)
                    .await?;
            match written {
                Ok(written) => {
                    lifecycle::tell_events(turn.engine, &written.events, turn.now).await?;
                    Ok(vec![Reply::say(Msg::new("ini-update-sent").num("n", written.audience as i64))])
                }
                Err(refusal) => Ok(vec![refused(turn, &refusal)]),
            }
        }
        Awaiting::Date => {
            let said = crate::wish::read(turn, &text, turn.local_now());
            let Some(date) = said.date else {
                let problem = if said.date_problem.is_some() { "ini-date-bad" } else { "ini-date-missing" };
                return Ok(vec![Reply::id(problem)]);
            };
            let minute = said.from.or(said.part.map(|p| p.span().0)).unwrap_or(10 * 60);
            let local = date.and_time(NaiveTime::MIN) + Duration::minutes(i64::from(minute));
            let zone = turn.engine.settings().time_zone;
            let Some(at) = zone.from_local_datetime(&local).earliest().map(|t| t.with_timezone(&chrono::Utc)) else {
                return Ok(vec![Reply::id("ini-date-bad")]);
            };
            if at <= turn.now {
                return Ok(vec![Reply::id("ini-date-bad")]);
            }
            turn.clear_flow().await?;
            lifecycle::set_date(turn, &ini, at).await
        }
        Awaiting::Outcome => {
            turn.save_flow(&Flow::InitiativeText { id, awaiting: Awaiting::Attendance, outcome: Some(text) }).await?;
            Ok(vec![Reply::say(Msg::new("ini-ask-attendance").text("title", ini.content.title))])
        }
        Awaiting::Attendance => {
            let Some(n) = text.split_whitespace().find_map(|w| w.parse::<u32>().ok()) else {
                return Ok(vec![Reply::id("ini-attendance-number")]);
            };
            turn.clear_flow().await?;
            let outcome = Outcome { text: outcome.unwrap_or_default(), attendance: n };
            let decided =
                initiatives::hold::report_outcome(&turn.person, &ini, outcome, ctx(turn), turn.store(), turn.now)
                    .await?;
            lifecycle::done(turn, decided).await
        }
        Awaiting::RejectReason => {
            turn.clear_flow().await?;
            let decided =
                initiatives::decide::reject(&turn.person, &ini, text, ctx(turn), turn.store(), turn.now).await?;
            lifecycle::done(turn, decided).await
        }
        Awaiting::ModeratorReason => {
            turn.clear_flow().await?;
            let decided =
                initiatives::decide::moderator_reject(&turn.person, &ini, text, ctx(turn), turn.store(), turn.now)
                    .await?;
            lifecycle::done(turn, decided).await
        }
    }
}

/// The author's simple steps: submit (`isub`), withdraw (`iwd`), mark as held (`iheld`).
pub async fn author_step(turn: &mut Turn<'_>, id: InitiativeId, action: Action) -> Result<Vec<Reply>, StoreError> {
    let (person, c, store, now) = (&turn.person, ctx(turn), turn.store(), turn.now);
    let decided = match action {
        Action::Submit => initiatives::submit::submit(person, id, c, store, now).await?,
        Action::Withdraw => initiatives::withdraw::withdraw(person, id, c, store, now).await?,
        Action::MarkHeld => initiatives::hold::mark_held(person, id, c, store, now).await?,
        other => initiatives::change::change_by_id(person, id, Change::new(other), c, store, now).await?,
    };
    lifecycle::done(turn, decided).await
}

/// Staff and moderator steps without a reason: publish, accept.
pub async fn staff_step(turn: &mut Turn<'_>, id: InitiativeId, action: Action) -> Result<Vec<Reply>, StoreError> {
    let (person, c, store, now) = (&turn.person, ctx(turn), turn.store(), turn.now);
    let decided = match action {
        Action::Publish => initiatives::publish::publish(person, id, c, store, now).await?,
        Action::Accept => initiatives::decide::accept(person, id, c, store, now).await?,
        other => initiatives::change::change_by_id(person, id, Change::new(other), c, store, now).await?,
    };
    lifecycle::done(turn, decided).await
}

/// Hides (`ihide`) or restores (`ishow`) an initiative: moderators of its territory.
pub async fn moderate(turn: &mut Turn<'_>, id: InitiativeId, hide: bool) -> Result<Vec<Reply>, StoreError> {
    match initiatives::decide::moderate(&turn.person, id, hide, ctx(turn), turn.store(), turn.now).await? {
        Ok(done) => {
            lifecycle::tell_events(turn.engine, &done.events, turn.now).await?;
            Ok(vec![Reply::id(if hide { "ini-hidden-done" } else { "ini-restored-done" })])
        }
        Err(refusal) => Ok(vec![refused(turn, &refusal)]),
    }
}
