//! Community initiatives as residents see them: browse and search ("what is happening near
//! me this week"), an initiative's card with the buttons this person may press, support
//! (openly or anonymously), join as participant or volunteer (waitlist when full), report,
//! comment, vote, and the author's own steps (submit, withdraw, write to supporters, date,
//! report the outcome). Every step checks who is acting; decisions and notifications live in
//! `decide` and `lifecycle`.

use super::common::*;
use super::lifecycle::{self, Change};
use crate::i18n::Msg;
use crate::limits::Limits;
use crate::{Block, Button, Flow, Reply, Turn};
use chrono::{Duration, NaiveTime, TimeZone};
use serde::{Deserialize, Serialize};
use vicinato_domain::TerritoryId;
use vicinato_domain::initiative::*;
use vicinato_domain::text::fold;
use vicinato_store::{Joined, MyPart, StoreError, Supported};

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
        buttons.push(Button::text(format!("{}. {}", i + 1, short(&ini.content.title)), format!("ini:{}", ini.id)));
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

/// Filters for browsing as the browsing buttons carry them: `words|territory|theme|week|offset`.
#[derive(Debug, Clone, Default, PartialEq)]
struct Browse {
    words: String,
    territory: Option<TerritoryId>,
    theme: Option<String>,
    status: Option<Status>,
    week: bool,
    offset: u32,
}

impl Browse {
    fn payload(&self) -> String {
        format!(
            "ilist:{}|{}|{}|{}|{}|{}",
            self.words.chars().take(20).collect::<String>().replace('|', " "),
            self.territory.as_ref().map(|t| t.as_str()).unwrap_or(""),
            self.theme.as_deref().unwrap_or(""),
            u8::from(self.week),
            self.offset,
            self.status.map(|s| s.as_str()).unwrap_or("")
        )
    }

    fn parse(arg: &str) -> Browse {
        let mut parts = arg.split('|');
        let mut next = || parts.next().unwrap_or("").to_owned();
        let words = next();
        let territory = Some(next()).filter(|t| !t.is_empty()).map(TerritoryId::new);
        let theme = Some(next()).filter(|t| !t.is_empty());
        let week = next() == "1";
        let offset = next().parse().unwrap_or(0);
        let status = Status::parse(&next());
        Browse { words, territory, theme, status, week, offset }
    }
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
pub async fn browse_page(turn: &mut Turn<'_>, arg: &str) -> Result<Vec<Reply>, StoreError> {
    let browse = Browse::parse(arg);
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
        return Ok(vec![Reply::id(none).with_buttons(vec![Button::msg(Msg::new("button-propose"), "ipropose")])]);
    }
    let more = (found.len() > PAGE as usize).then(|| Browse { offset: b.offset + PAGE, ..b.clone() }.payload());
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
            Reply::id("ini-mine-none").with_buttons(vec![Button::msg(Msg::new("button-propose"), "ipropose")]),
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
    let b = |label: &str, kind: &str| Button::msg(Msg::new(label), format!("{kind}:{id}"));
    let mut out = Vec::new();
    let author = is_author(turn, ini);
    if !ini.hidden {
        if ini.status.takes_supports() && !author {
            match mine.support {
                None => {
                    out.push(b("button-ini-support", "isup"));
                    out.push(b("button-ini-support-anon", "isupa"));
                }
                Some(_) => out.push(b("button-ini-unsupport", "iuns")),
            }
        }
        if ini.status == Status::Voting && !mine.voted {
            out.push(Button::msg(Msg::new("button-ini-vote-yes"), format!("ivote:{id}:y")));
            out.push(Button::msg(Msg::new("button-ini-vote-no"), format!("ivote:{id}:n")));
        }
        if ini.status.takes_participants() && !author {
            match mine.waiting {
                None => {
                    out.push(b("button-ini-join", "ijoin"));
                    out.push(b("button-ini-volunteer", "ivol"));
                }
                Some(_) => out.push(b("button-ini-leave", "ileave")),
            }
        }
        if ini.status.is_public() {
            out.push(b("button-ini-comment", "icom"));
        }
        if ini.status.is_public() && !author && !mine.reported {
            out.push(b("button-ini-report", "irep"));
        }
    }
    if author {
        match ini.status {
            Status::Draft => {
                out.push(b("button-ini-continue", "iedit"));
                out.push(b("button-ini-submit", "isub"));
            }
            Status::Accepted | Status::Scheduled => {
                out.push(b("button-ini-date", "idate"));
                out.push(b("button-ini-held", "iheld"));
            }
            Status::Held => out.push(b("button-ini-outcome", "iout")),
            _ => {}
        }
        if ini.status.is_public() && !ini.status.is_final() && ini.supports + ini.participants > 0 {
            out.push(b("button-ini-update", "iupd"));
        }
        if Status::after(ini.status, Action::Withdraw).is_some() {
            out.push(b("button-ini-withdraw", "iwd"));
        }
    }
    if is_staff(turn, ini) {
        match ini.status {
            Status::Submitted => {
                out.push(b("button-ini-publish", "ipub"));
                out.push(b("button-ini-reject", "irej"));
            }
            Status::ThresholdReached if phase == Phase::Institutional => {
                out.push(b("button-ini-accept", "iacc"));
                out.push(b("button-ini-reject", "irej"));
            }
            _ => {}
        }
    }
    if is_moderator(turn, ini) && ini.status.is_public() {
        if ini.hidden {
            out.push(b("button-ini-restore", "ishow"));
        } else {
            out.push(b("button-ini-hide", "ihide"));
        }
        if ini.open_to_moderator_rejection() {
            out.push(b("button-ini-mod-reject", "imrej"));
        }
    }
    out
}

/// Opens an initiative (button `ini:<id>`, deep link `i-<id>`).
pub async fn open(turn: &mut Turn<'_>, arg: &str) -> Result<Vec<Reply>, StoreError> {
    let ini = match visible(turn, arg).await? {
        Ok(ini) => ini,
        Err(reply) => return Ok(vec![reply]),
    };
    Ok(vec![card(turn, &ini).await?])
}

/// Supports an initiative (`isup:<id>`, `isupa:<id>` anonymously).
pub async fn support(turn: &mut Turn<'_>, arg: &str, anonymous: bool) -> Result<Vec<Reply>, StoreError> {
    let ini = match visible(turn, arg).await? {
        Ok(ini) => ini,
        Err(reply) => return Ok(vec![reply]),
    };
    if is_author(turn, &ini) {
        return Ok(vec![Reply::id("ini-support-own")]);
    }
    let outcome = turn.store().initiative_support(ini.id, turn.person.id, anonymous, turn.now).await?;
    match outcome {
        Supported::Counted { supports, threshold, reached } => {
            lifecycle::supported(turn.engine, &ini, supports, turn.now).await?;
            let id = if anonymous { "ini-supported-anon" } else { "ini-supported" };
            let mut reply = Reply::say(
                Msg::new(id)
                    .text("title", ini.content.title.clone())
                    .num("supports", i64::from(supports))
                    .num("threshold", i64::from(threshold)),
            );
            if reached {
                let fresh = turn.store().initiative(ini.id).await?;
                if let Some(fresh) = fresh {
                    lifecycle::changed(turn.engine, &fresh, None, turn.now).await?;
                }
                reply = reply.then(Msg::new("ini-threshold-reached"));
            }
            let buttons = vec![
                Button::msg(Msg::new("button-ini-unsupport"), format!("iuns:{}", ini.id)),
                Button::msg(Msg::new("button-ini-join"), format!("ijoin:{}", ini.id)),
            ];
            Ok(vec![reply.with_buttons(buttons)])
        }
        Supported::Already => Ok(vec![Reply::id("ini-support-already")]),
        Supported::Closed => Ok(vec![Reply::say(Msg::new("ini-support-closed").msg("status", status_msg(ini.status)))]),
    }
}

/// Withdraws my support (`iuns:<id>`).
pub async fn unsupport(turn: &mut Turn<'_>, arg: &str) -> Result<Vec<Reply>, StoreError> {
    let ini = match visible(turn, arg).await? {
        Ok(ini) => ini,
        Err(reply) => return Ok(vec![reply]),
    };
    match turn.store().initiative_unsupport(ini.id, turn.person.id).await? {
        Some(n) => Ok(vec![Reply::say(
            Msg::new("ini-unsupported").text("title", ini.content.title).num("supports", i64::from(n)),
        )]),
        None => Ok(vec![Reply::id("ini-unsupport-not")]),
    }
}

/// Joins (`ijoin:<id>`) or volunteers (`ivol:<id>`).
pub async fn join(turn: &mut Turn<'_>, arg: &str, volunteer: bool) -> Result<Vec<Reply>, StoreError> {
    let ini = match visible(turn, arg).await? {
        Ok(ini) => ini,
        Err(reply) => return Ok(vec![reply]),
    };
    let leave = vec![Button::msg(Msg::new("button-ini-leave"), format!("ileave:{}", ini.id))];
    let title = ini.content.title.clone();
    Ok(vec![match turn.store().initiative_join(ini.id, turn.person.id, volunteer, turn.now).await? {
        Joined::Joined => {
            let id = if volunteer { "ini-volunteered" } else { "ini-joined" };
            let mut r = Reply::say(Msg::new(id).text("title", title));
            if let Some(at) = ini.content.starts {
                r = r.then(Msg::new("ini-card-when").msg("when", when_text(turn.engine, at)));
            }
            r.with_buttons(leave)
        }
        Joined::Waiting(place) => {
            Reply::say(Msg::new("ini-join-waiting").text("title", title).num("place", i64::from(place)))
                .with_buttons(leave)
        }
        Joined::Already => Reply::id("ini-join-already").with_buttons(leave),
        Joined::Closed => Reply::say(Msg::new("ini-join-closed").msg("status", status_msg(ini.status))),
    }])
}

/// Leaves (`ileave:<id>`); the first on the waitlist gets the place and is told.
pub async fn leave(turn: &mut Turn<'_>, arg: &str) -> Result<Vec<Reply>, StoreError> {
    let ini = match visible(turn, arg).await? {
        Ok(ini) => ini,
        Err(reply) => return Ok(vec![reply]),
    };
    match turn.store().initiative_leave(ini.id, turn.person.id).await? {
        None => Ok(vec![Reply::id("ini-leave-not")]),
        Some(promoted) => {
            if let Some(p) = promoted {
                lifecycle::promoted(turn.engine, &ini, p, turn.now).await?;
            }
            Ok(vec![Reply::say(Msg::new("ini-left").text("title", ini.content.title))])
        }
    }
}

/// A phase-2 vote (`ivote:<id>:y|n`).
pub async fn vote(turn: &mut Turn<'_>, arg: &str) -> Result<Vec<Reply>, StoreError> {
    let ini = match visible(turn, arg).await? {
        Ok(ini) => ini,
        Err(reply) => return Ok(vec![reply]),
    };
    let yes = arg.ends_with(":y");
    // Residents of the territory vote: those whose home lies in it.
    let resident = turn.person.home.as_ref().is_some_and(|h| turn.snapshot.tree.contains(&ini.territory, h));
    if !resident {
        return Ok(vec![Reply::say(
            Msg::new("ini-vote-not-resident").text("area", territory_name(turn, &ini.territory)),
        )]);
    }
    if turn.store().initiative_vote(ini.id, turn.person.id, yes, turn.now).await? {
        Ok(vec![Reply::say(
            Msg::new(if yes { "ini-voted-yes" } else { "ini-voted-no" }).text("title", ini.content.title),
        )])
    } else if turn.store().initiative_my_part(ini.id, turn.person.id).await?.voted {
        Ok(vec![Reply::id("ini-vote-already")])
    } else {
        Ok(vec![Reply::id("ini-vote-closed")])
    }
}

/// Buttons that wait for typed text: comment, report, update, date, outcome, reasons.
pub async fn ask_text(turn: &mut Turn<'_>, arg: &str, awaiting: Awaiting) -> Result<Vec<Reply>, StoreError> {
    let ini = match visible(turn, arg).await? {
        Ok(ini) => ini,
        Err(reply) => return Ok(vec![reply]),
    };
    let allowed = match awaiting {
        Awaiting::Comment | Awaiting::Report => ini.status.is_public(),
        Awaiting::Update => is_author(turn, &ini) && ini.status.is_public() && !ini.status.is_final(),
        Awaiting::Date => is_author(turn, &ini) || is_staff(turn, &ini),
        Awaiting::Outcome | Awaiting::Attendance => is_author(turn, &ini) && ini.status == Status::Held,
        Awaiting::RejectReason => is_staff(turn, &ini),
        Awaiting::ModeratorReason => is_moderator(turn, &ini) && ini.open_to_moderator_rejection(),
    };
    if !allowed {
        return Ok(vec![Reply::id("not-allowed")]);
    }
    // Comments and reports an hour are limited, except for staff of the territory.
    if matches!(awaiting, Awaiting::Comment | Awaiting::Report) && !is_staff(turn, &ini) {
        let limits = &turn.engine.settings().limits;
        let activity = turn.store().initiative_activity(turn.person.id, turn.now - Duration::hours(1)).await?;
        let (max, done) = match awaiting {
            Awaiting::Comment => (limits.comments_per_hour, activity.comments),
            _ => (limits.reports_per_hour, activity.reports),
        };
        if Limits::reached(max, done) {
            return Ok(vec![Reply::say(Msg::new("limit-per-hour").num("n", i64::from(max)))]);
        }
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
            let comment = turn.store().initiative_comment(id, turn.person.id, &text, turn.now).await?;
            lifecycle::commented(turn.engine, &ini, turn.person.id, comment, &text, turn.now).await?;
            Ok(vec![
                Reply::id("ini-commented")
                    .with_buttons(vec![Button::msg(Msg::new("button-ini-open"), format!("ini:{id}"))]),
            ])
        }
        Awaiting::Report => {
            turn.clear_flow().await?;
            let hide_at = turn.engine.settings().initiatives.reports_to_hide;
            match turn.store().initiative_report(id, turn.person.id, &text, hide_at, turn.now).await? {
                None => Ok(vec![Reply::id("ini-report-already")]),
                Some((_, hidden_now)) => {
                    if hidden_now {
                        tracing::info!(initiative = %id, "initiative hidden after reports");
                        lifecycle::hidden_by_reports(turn.engine, &ini, turn.now).await?;
                    }
                    Ok(vec![Reply::id("ini-reported")])
                }
            }
        }
        Awaiting::Update => {
            let rules = &turn.engine.settings().initiatives;
            let not_after = turn.now - Duration::days(rules.update_every_days);
            turn.clear_flow().await?;
            if !turn.store().initiative_take_update(id, not_after, turn.now).await? {
                return Ok(vec![Reply::id("ini-update-too-soon-now")]);
            }
            let n = lifecycle::author_update(turn.engine, &ini, &text, turn.now).await?;
            Ok(vec![Reply::say(Msg::new("ini-update-sent").num("n", n as i64))])
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
            let change = Change::new(Action::Report).outcome(outcome);
            lifecycle::apply(turn, &ini, change).await
        }
        Awaiting::RejectReason => {
            turn.clear_flow().await?;
            lifecycle::apply(turn, &ini, Change::new(Action::Reject).reason(text)).await
        }
        Awaiting::ModeratorReason => {
            turn.clear_flow().await?;
            lifecycle::apply(turn, &ini, Change::new(Action::ModeratorReject).reason(text)).await
        }
    }
}

/// The author's simple steps: submit (`isub`), withdraw (`iwd`), mark as held (`iheld`).
pub async fn author_step(turn: &mut Turn<'_>, arg: &str, action: Action) -> Result<Vec<Reply>, StoreError> {
    let ini = match visible(turn, arg).await? {
        Ok(ini) => ini,
        Err(reply) => return Ok(vec![reply]),
    };
    if action == Action::Submit
        && let Some(field) = missing(&ini.content)
    {
        return Ok(vec![Reply::say(
            Msg::new("ini-draft-missing").msg("field", Msg::new(format!("ini-field-{field}"))),
        )]);
    }
    lifecycle::apply(turn, &ini, Change::new(action)).await
}

/// Staff and moderator steps without a reason: publish, accept, hide, restore.
pub async fn staff_step(turn: &mut Turn<'_>, arg: &str, action: Action) -> Result<Vec<Reply>, StoreError> {
    let ini = match visible(turn, arg).await? {
        Ok(ini) => ini,
        Err(reply) => return Ok(vec![reply]),
    };
    lifecycle::apply(turn, &ini, Change::new(action)).await
}

/// Hides (`ihide`) or restores (`ishow`) an initiative: moderators of its territory.
pub async fn moderate(turn: &mut Turn<'_>, arg: &str, hide: bool) -> Result<Vec<Reply>, StoreError> {
    let ini = match visible(turn, arg).await? {
        Ok(ini) => ini,
        Err(reply) => return Ok(vec![reply]),
    };
    if !is_moderator(turn, &ini) {
        return Ok(vec![Reply::id("not-allowed")]);
    }
    let entry = audit(turn, if hide { "hide" } else { "restore" }, format!("initiative:{}", ini.id), None);
    if !turn.store().initiative_set_hidden(ini.id, hide, &entry).await? {
        return Ok(vec![Reply::id("ini-moderation-already")]);
    }
    tracing::info!(initiative = %ini.id, by = %turn.person.id, hide, "initiative moderated");
    if let Some(author) = ini.author {
        let msg = Msg::new(if hide { "ini-note-hidden" } else { "ini-note-restored" })
            .text("title", ini.content.title.clone());
        lifecycle::tell(
            turn.engine,
            author,
            msg,
            &format!("initiative:{}:moderated:{}:{}", ini.id, hide, turn.now.timestamp()),
            ini.id,
            turn.now,
        )
        .await?;
    }
    Ok(vec![Reply::id(if hide { "ini-hidden-done" } else { "ini-restored-done" })])
}
