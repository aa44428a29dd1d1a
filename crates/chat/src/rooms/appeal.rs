//! `/appeal <text>` (`/ricorso`): a sanctioned person's appeal goes to the territory's
//! moderators other than the one who acted (when there are others), with uphold and lift
//! buttons; the decision, checked by core with the presser's role and scope at that moment,
//! is carried out in the rooms and told to the person privately, in their language.

use super::buttons::RoomsButton;
use super::report::tell_recipients;
use super::shown_time;
use crate::i18n::Msg;
use crate::{Button, Reply, Turn};
use vicinato_core::rooms::appeal::{appeal, decide};
use vicinato_domain::rooms::SanctionKind;
use vicinato_store::StoreError;

fn kind_msg(kind: SanctionKind) -> Msg {
    Msg::new(match kind {
        SanctionKind::Warning => "rooms-sanction-warning",
        SanctionKind::Mute => "rooms-sanction-mute",
        SanctionKind::Ban => "rooms-sanction-ban",
    })
}

/// `/appeal <text>`.
pub(crate) async fn command(turn: &mut Turn<'_>, args: Option<&str>) -> Result<Vec<Reply>, StoreError> {
    let tree = turn.snapshot.tree.clone();
    let made = match appeal(&turn.person, turn.network, args.unwrap_or_default(), turn.store(), &tree, turn.now).await?
    {
        Ok(made) => made,
        Err(refusal) => return Ok(vec![Reply::refused(&refusal).private()]),
    };
    let s = &made.sanction;
    let until = s.until.map_or_else(|| "—".to_owned(), |u| shown_time(turn, u));
    let territory = tree.get(&s.territory).map_or_else(|| s.territory.as_str().to_owned(), |t| t.name.clone());
    let mut note = Reply::say(
        Msg::new("rooms-appeal-new")
            .text("name", turn.person.display_name.clone())
            .msg("kind", kind_msg(s.kind))
            .text("territory", territory)
            .text("until", until),
    );
    if !s.reason.is_empty() {
        note = note.then(Msg::new("rooms-reason").text("reason", s.reason.clone()));
    }
    note = note.then(Msg::new("rooms-appeal-text").text("text", made.case.text.clone()));
    let button = |lift: bool| RoomsButton::Appeal { lift, key: made.case.key.clone() }.to_payload();
    let note = note.with_buttons(vec![
        Button::msg(Msg::new("button-appeal-uphold"), button(false)),
        Button::msg(Msg::new("button-appeal-lift"), button(true)),
    ]);
    tell_recipients(turn, &made.recipients, &note).await;
    Ok(vec![Reply::id("rooms-appeal-sent").private()])
}

/// A moderator upholds or lifts the sanction appealed against.
pub(crate) async fn pressed(turn: &mut Turn<'_>, lift: bool, key: &str) -> Result<Vec<Reply>, StoreError> {
    let tree = turn.snapshot.tree.clone();
    let decided = match decide(&turn.person, key, lift, turn.store(), &tree, turn.now).await? {
        Ok(d) => d,
        Err(refusal) => return Ok(vec![Reply::refused(&refusal)]),
    };
    let mut failed = 0;
    for action in &decided.actions {
        if let Err(e) = turn.engine.couriers().act(action).await {
            tracing::warn!(error = %e, chat = %action.chat_id, "lifting a sanction in a room failed");
            failed += 1;
        }
    }
    let who = &decided.appellant;
    let lang = who.language.unwrap_or(turn.engine.settings().default_lang);
    let told = Reply::id(if lift { "rooms-appeal-lifted" } else { "rooms-appeal-upheld" });
    if let Err(e) = turn.engine.couriers().deliver(who, lang, &told, turn.now).await {
        tracing::info!(error = %e, "the appellant could not be told");
    }
    let mut reply = Reply::say(
        Msg::new(if lift { "rooms-appeal-decided-lift" } else { "rooms-appeal-decided-uphold" })
            .text("name", who.display_name.clone()),
    );
    if failed > 0 {
        reply = reply.then(Msg::new("rooms-actions-failed").num("count", failed));
    }
    Ok(vec![reply])
}
