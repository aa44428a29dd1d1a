//! The moderation commands in chat (`/warn`, `/unwarn`, `/warns`, `/mute`, `/unmute`, `/ban`,
//! `/unban`, `/kick`, `/del`) and `/modlog`. Arguments are read here (a duration first where one
//! belongs, the rest is the reason); the rules are core's. What the core decided is told in the
//! room, the actions go to the couriers, and the member is told privately, in their language,
//! what, why, until when, and what to do next.

use super::{place, shown_at, shown_time};
use crate::commands::ModCommand;
use crate::i18n::Msg;
use crate::{Reply, Turn};
use vicinato_core::rooms::Refusal;
use vicinato_core::rooms::moderate::{Done, Moderated, Moderation, Step, log, moderate, standing};
use vicinato_domain::rooms::{SanctionKind, parse_duration};
use vicinato_domain::{Account, Person};
use vicinato_store::StoreError;

/// A duration at the start of `args` (one word, `30m`, or two, `2 ore`), and the rest.
fn leading_duration(args: &str) -> Option<(chrono::Duration, String)> {
    let words: Vec<&str> = args.split_whitespace().collect();
    for n in [2, 1] {
        if words.len() >= n
            && let Some(d) = parse_duration(&words[..n].join(" "))
        {
            return Some((d, words[n..].join(" ")));
        }
    }
    None
}

/// The longest reason kept.
const MAX_REASON_CHARS: usize = 300;

fn reason_of(text: &str) -> String {
    text.trim().chars().take(MAX_REASON_CHARS).collect()
}

/// A moderation command.
pub(crate) async fn command(
    turn: &mut Turn<'_>,
    cmd: ModCommand,
    args: Option<&str>,
) -> Result<Vec<Reply>, StoreError> {
    let args = args.unwrap_or_default().trim();
    let here = place(turn);
    let replied = turn.reply_to.clone().filter(|r| !r.from_bot);
    let member = replied.as_ref().map(|r| (Account::new(turn.network, r.sender_id.clone()), r.sender_name.clone()));
    let snapshot = turn.snapshot.clone();
    let tree = &snapshot.tree;
    let escalation = turn.engine.settings().escalation;
    let (step, reason) = match cmd {
        ModCommand::Warns => {
            return match standing(&turn.person, &here, member, turn.store(), tree, &escalation, turn.now).await? {
                Ok((who, held)) => Ok(vec![standing_reply(turn, &who, &held)]),
                Err(refusal) => Ok(vec![Reply::refused(&refusal)]),
            };
        }
        ModCommand::Warn => (Step::Warn, reason_of(args)),
        ModCommand::Unwarn => (Step::Unwarn, reason_of(args)),
        ModCommand::Unmute => (Step::Unmute, reason_of(args)),
        ModCommand::Unban => (Step::Unban, reason_of(args)),
        ModCommand::Kick => (Step::Kick, reason_of(args)),
        ModCommand::Del => match &replied {
            Some(r) => (Step::Delete { message_id: r.message_id.clone() }, String::new()),
            None => return Ok(vec![Reply::refused(&Refusal::NeedsReply)]),
        },
        ModCommand::Mute => match leading_duration(args) {
            Some((d, rest)) => (Step::Mute(d), reason_of(&rest)),
            None if args.is_empty() => return Ok(vec![Reply::refused(&Refusal::NeedsDuration)]),
            None => {
                let given = args.split_whitespace().next().unwrap_or_default().chars().take(20).collect();
                return Ok(vec![Reply::refused(&Refusal::DurationUnknown { given })]);
            }
        },
        ModCommand::Ban => match leading_duration(args) {
            Some((d, rest)) => (Step::Ban(Some(d)), reason_of(&rest)),
            None => (Step::Ban(None), reason_of(args)),
        },
    };
    let input = Moderation { place: here, member, step, reason: reason.clone() };
    let done = match moderate(&turn.person, input, turn.store(), tree, &escalation, turn.now).await? {
        Ok(done) => done,
        Err(refusal) => return Ok(vec![Reply::refused(&refusal)]),
    };
    Ok(carry_out(turn, &done, &reason).await.into_iter().collect())
}

/// Carries out what the core decided: the actions in every room, the note to the member; and
/// returns what to tell where it was asked.
pub(crate) async fn carry_out(turn: &Turn<'_>, done: &Moderated, reason: &str) -> Option<Reply> {
    carry_out_at(turn.engine, turn.now, done, reason).await
}

/// [`carry_out`] where no one typed anything (the protections).
pub(crate) async fn carry_out_at(
    engine: &crate::Engine,
    now: chrono::DateTime<chrono::Utc>,
    done: &Moderated,
    reason: &str,
) -> Option<Reply> {
    let reason = reason.to_owned();
    let mut failed = 0;
    for action in &done.actions {
        if let Err(e) = engine.couriers().act(action).await {
            tracing::warn!(error = %e, chat = %action.chat_id, "a room action failed");
            failed += 1;
        }
    }
    let name = done.member.display_name.clone();
    let mut public: Option<Reply> = None;
    let mut add = |msg: Msg| {
        public = Some(match public.take() {
            None => Reply::say(msg),
            Some(r) => r.then(msg),
        })
    };
    for d in &done.done {
        add(match d {
            Done::Warned { count, limit } => Msg::new("rooms-warned")
                .text("name", name.clone())
                .num("count", i64::from(*count))
                .num("limit", i64::from(*limit)),
            Done::Unwarned { count } => {
                Msg::new("rooms-unwarned").text("name", name.clone()).num("count", i64::from(*count))
            }
            Done::Muted { until } => {
                Msg::new("rooms-muted").text("name", name.clone()).text("until", shown_at(engine, *until))
            }
            Done::Banned { until: Some(until) } => {
                Msg::new("rooms-banned-until").text("name", name.clone()).text("until", shown_at(engine, *until))
            }
            Done::Banned { until: None } => Msg::new("rooms-banned").text("name", name.clone()),
            Done::Unmuted => Msg::new("rooms-unmuted").text("name", name.clone()),
            Done::Unbanned => Msg::new("rooms-unbanned").text("name", name.clone()),
            Done::Kicked => Msg::new("rooms-kicked").text("name", name.clone()),
            Done::Deleted => Msg::new("rooms-deleted"),
        });
    }
    if !reason.is_empty() && !matches!(done.done.first(), Some(Done::Deleted)) {
        add(Msg::new("rooms-reason").text("reason", reason.clone()));
    }
    if failed > 0 {
        add(Msg::new("rooms-actions-failed").num("count", failed));
    }
    tell_member(engine, now, &done.member, &done.done, &reason).await;
    public
}

/// Tells the member privately, in their language, what happened, why and until when.
async fn tell_member(
    engine: &crate::Engine,
    now: chrono::DateTime<chrono::Utc>,
    member: &Person,
    done: &[Done],
    reason: &str,
) {
    let mut note: Option<Reply> = None;
    for d in done {
        let msg = match d {
            Done::Warned { .. } => Msg::new("rooms-you-were-warned"),
            Done::Muted { until } => Msg::new("rooms-you-were-muted").text("until", shown_at(engine, *until)),
            Done::Banned { until: Some(until) } => {
                Msg::new("rooms-you-were-banned-until").text("until", shown_at(engine, *until))
            }
            Done::Banned { until: None } => Msg::new("rooms-you-were-banned"),
            Done::Unmuted | Done::Unbanned => Msg::new("rooms-you-may-write-again"),
            Done::Kicked | Done::Deleted | Done::Unwarned { .. } => continue,
        };
        note = Some(match note.take() {
            None => Reply::say(msg),
            Some(r) => r.then(msg),
        });
    }
    let Some(mut note) = note else { return };
    if !reason.is_empty() {
        note = note.then(Msg::new("rooms-reason").text("reason", reason.to_owned()));
    }
    if !done.iter().all(|d| matches!(d, Done::Unmuted | Done::Unbanned)) {
        note = note.then(Msg::new("rooms-how-to-appeal"));
    }
    let lang = member.language.unwrap_or(engine.settings().default_lang);
    if let Err(e) = engine.couriers().deliver(member, lang, &note, now).await {
        tracing::info!(error = %e, "the sanctioned member could not be told privately");
    }
}

fn standing_reply(turn: &Turn<'_>, who: &Person, held: &[vicinato_domain::rooms::Sanction]) -> Reply {
    let name = who.display_name.clone();
    let count = |k: SanctionKind| held.iter().filter(|s| s.kind == k).count() as i64;
    let mut reply =
        Reply::say(Msg::new("rooms-standing").text("name", name).num("warnings", count(SanctionKind::Warning)));
    for s in held.iter().filter(|s| s.kind != SanctionKind::Warning) {
        let id = if s.kind == SanctionKind::Mute { "rooms-standing-muted" } else { "rooms-standing-banned" };
        let until = s.until.map_or_else(|| "—".to_owned(), |u| shown_time(turn, u));
        reply = reply.then(Msg::new(id).text("until", until));
    }
    reply.private()
}

/// `/modlog`: the latest entries of this group's territory, privately.
pub(crate) async fn modlog(turn: &mut Turn<'_>) -> Result<Vec<Reply>, StoreError> {
    let here = place(turn);
    let snapshot = turn.snapshot.clone();
    let entries = match log(&turn.person, &here, turn.store(), &snapshot.tree, 20).await? {
        Ok(entries) => entries,
        Err(refusal) => return Ok(vec![Reply::refused(&refusal)]),
    };
    if entries.is_empty() {
        return Ok(vec![Reply::id("rooms-modlog-empty").private()]);
    }
    let mut reply = Reply::say(Msg::new("rooms-modlog").num("count", entries.len() as i64));
    for e in &entries {
        let name =
            |id: Option<vicinato_domain::PersonId>| id.map_or_else(|| "Vicinato".to_owned(), |p| format!("#{}", p.0));
        reply = reply.then(
            Msg::new("rooms-modlog-line")
                .text("when", shown_time(turn, e.at))
                .text("actor", name(e.actor))
                .text("action", e.action.clone())
                .text("subject", e.subject.map_or_else(String::new, |p| format!("#{}", p.0)))
                .text("reason", e.reason.clone()),
        );
    }
    Ok(vec![reply.private()])
}
