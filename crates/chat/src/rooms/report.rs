//! `/report [reason]` (`/segnala`) as a reply to a member's message: the territory's
//! moderators get the report (in their moderators room, else each privately, in their
//! language) with the message's text and a button for each decision (delete, warn, mute an
//! hour, ban a day, dismiss); the reporter is thanked privately. A press is decided by core
//! with the presser's role and scope at that moment, and carried out like a moderation
//! command ([`super::moderate::carry_out`]).

use super::buttons::RoomsButton;
use super::moderate::carry_out;
use crate::i18n::Msg;
use crate::{Button, Reply, Turn};
use vicinato_core::rooms::recipients::Recipients;
use vicinato_core::rooms::report::{Decision, NewReport, decide, report};
use vicinato_domain::Account;
use vicinato_domain::rooms::Case;
use vicinato_store::StoreError;

/// The longest reason kept.
const MAX_REASON_CHARS: usize = 300;

fn decision_msg(d: Decision) -> Msg {
    Msg::new(match d {
        Decision::Delete => "button-report-delete",
        Decision::Warn => "button-report-warn",
        Decision::Mute => "button-report-mute",
        Decision::Ban => "button-report-ban",
        Decision::Dismiss => "button-report-dismiss",
    })
}

/// Tells the recipients of a report or an appeal, each in their language (a room in the
/// bot's), with its buttons. Returns how many were told.
pub(crate) async fn tell_recipients(turn: &Turn<'_>, recipients: &Recipients, reply: &Reply) -> usize {
    tell_recipients_at(turn.engine, turn.now, recipients, reply).await
}

/// [`tell_recipients`] where there is no turn (the protections).
pub(crate) async fn tell_recipients_at(
    engine: &crate::Engine,
    now: chrono::DateTime<chrono::Utc>,
    recipients: &Recipients,
    reply: &Reply,
) -> usize {
    let couriers = engine.couriers();
    match recipients {
        Recipients::Room(room) => {
            let lang = engine.settings().default_lang;
            match couriers.post_in(room.network, &room.chat_id, lang, reply, now).await {
                Ok(()) => 1,
                Err(e) => {
                    tracing::warn!(error = %e, chat = %room.chat_id, "cannot post in the moderators room");
                    0
                }
            }
        }
        Recipients::People(people) => {
            let mut told = 0;
            for p in people {
                let lang = p.language.unwrap_or(engine.settings().default_lang);
                match couriers.deliver(p, lang, reply, now).await {
                    Ok(_) => told += 1,
                    Err(e) => tracing::info!(error = %e, person = %p.id, "a moderator could not be told"),
                }
            }
            told
        }
    }
}

fn territory_name(turn: &Turn<'_>, case: &Case) -> String {
    turn.snapshot.tree.get(&case.territory).map_or_else(|| case.territory.as_str().to_owned(), |t| t.name.clone())
}

/// `/report [reason]`.
pub(crate) async fn command(turn: &mut Turn<'_>, args: Option<&str>) -> Result<Vec<Reply>, StoreError> {
    let replied = turn.reply_to.clone().filter(|r| !r.from_bot);
    let input = NewReport {
        place: super::place(turn),
        member: replied.as_ref().map(|r| (Account::new(turn.network, r.sender_id.clone()), r.sender_name.clone())),
        message_id: replied.as_ref().map(|r| r.message_id.clone()),
        text: replied.as_ref().and_then(|r| r.text.clone()),
        reason: args.unwrap_or_default().trim().chars().take(MAX_REASON_CHARS).collect(),
    };
    let tree = turn.snapshot.tree.clone();
    let made = match report(&turn.person, input, turn.store(), &tree, turn.now).await? {
        Ok(made) => made,
        Err(refusal) => return Ok(vec![Reply::refused(&refusal).private()]),
    };
    let case = &made.case;
    let mut note = Reply::say(
        Msg::new("rooms-report-new")
            .text("territory", territory_name(turn, case))
            .text("reporter", turn.person.display_name.clone())
            .text("member", case.subject_name.clone()),
    )
    .then(
        Msg::new("rooms-report-quote")
            .text("text", if case.text.is_empty() { "—".to_owned() } else { case.text.clone() }),
    );
    if !case.reason.is_empty() {
        note = note.then(Msg::new("rooms-reason").text("reason", case.reason.clone()));
    }
    let buttons = Decision::ALL
        .into_iter()
        .map(|d| Button::msg(decision_msg(d), RoomsButton::Report { decision: d, key: case.key.clone() }.to_payload()))
        .collect();
    let told = tell_recipients(turn, &made.recipients, &note.with_buttons(buttons)).await;
    if told == 0 {
        tracing::warn!(territory = %case.territory, "a report reached no moderator");
    }
    Ok(vec![Reply::id("rooms-report-thanks").private()])
}

/// A moderator's decision on a report.
pub(crate) async fn pressed(turn: &mut Turn<'_>, decision: Decision, key: &str) -> Result<Vec<Reply>, StoreError> {
    let tree = turn.snapshot.tree.clone();
    let escalation = turn.engine.settings().escalation;
    let decided = match decide(&turn.person, key, decision, turn.store(), &tree, &escalation, turn.now).await? {
        Ok(d) => d,
        Err(refusal) => return Ok(vec![Reply::refused(&refusal)]),
    };
    let mut reply = Reply::say(
        Msg::new("rooms-report-decided")
            .text("name", turn.person.display_name.clone())
            .msg("decision", decision_msg(decision))
            .text("member", decided.case.subject_name.clone()),
    );
    if let Some(done) = &decided.moderated
        && let Some(said) = carry_out(turn, done, &decided.case.reason).await
    {
        for block in said.blocks {
            reply.blocks.push(block);
        }
    }
    Ok(vec![reply])
}
