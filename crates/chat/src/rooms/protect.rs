//! A linked room's protections in chat: every member's message in the group passes here
//! before anything else ([`inspect`]). A flood mutes the member for ten minutes through
//! core's sanction path (the room is told in its languages, the member privately in theirs);
//! a newcomer's message with a link or forwarded media is taken out of the room and sent to the
//! territory's moderators with release and delete buttons ([`pressed`]), and the member is told
//! privately that it waits. `/protect` shows and changes the settings. The rules are core's
//! (`vicinato_core::rooms::protect`, `settings`).

use super::buttons::RoomsButton;
use super::moderate::carry_out_at;
use super::place;
use super::report::tell_recipients_at;
use crate::i18n::Msg;
use crate::{Block, Body, Button, Engine, Inbound, Reply, Turn};
use chrono::{DateTime, Utc};
use vicinato_core::rooms::Refusal;
use vicinato_core::rooms::protect::{Arrived, decide_held, flood_mute, hold};
use vicinato_core::rooms::settings::{Protect, protect, settings_of};
use vicinato_domain::Account;
use vicinato_domain::rooms::{Protections, RoomSettings};
use vicinato_store::StoreError;

/// Applies the room's protections to a member's message in a group. `true` when the message
/// was dealt with (the member muted, or the message held) and nothing else should answer it.
pub(crate) async fn inspect(engine: &Engine, inbound: &Inbound, now: DateTime<Utc>) -> Result<bool, StoreError> {
    let store = engine.store().as_ref();
    let Some(room) = store.room(inbound.network, &inbound.chat_id).await? else {
        return Ok(false);
    };
    let settings = settings_of(store, room.network, &room.chat_id).await?;
    let account = Account::new(inbound.network, inbound.sender_id.clone());
    let name = crate::shown_name(inbound);
    let tree = engine.snapshot().tree.clone();
    // What is addressed to the bot is paced by the engine's own rate (`limits`), not here.
    if !inbound.addressed
        && engine.flood().too_many(room.network, &room.chat_id, &inbound.sender_id, &settings.protections, now)
        && let Some(done) = flood_mute(&account, &name, &room, store, &tree, now).await?
    {
        tracing::info!(chat = %room.chat_id, person = %done.member.id, "a member flooded a room and was muted");
        if let Some(said) = carry_out_at(engine, now, &done, "").await {
            let said = said.then(Msg::new("rooms-flood-muted"));
            public(engine, &room.chat_id, inbound, &settings, &said, now).await;
        }
        return Ok(true);
    }
    let Some(message_id) = inbound.message_id.clone() else { return Ok(false) };
    let text = match &inbound.body {
        Body::Text(t) => t.clone(),
        _ => String::new(),
    };
    let forwarded = inbound.forwarded;
    let media = inbound.media.clone();
    let arrived = Arrived { account, name, message_id, text, forwarded, media };
    let Some(held) = hold(arrived, &room, &settings.protections, store, &tree, now).await? else {
        return Ok(false);
    };
    if let Err(e) = engine.couriers().act(&held.delete).await {
        tracing::warn!(error = %e, chat = %room.chat_id, "a held message could not be taken out of the room");
    }
    let case = &held.case;
    let territory = tree.get(&case.territory).map_or_else(|| case.territory.as_str().to_owned(), |t| t.name.clone());
    let quoted = if case.text.is_empty() { "—".to_owned() } else { case.text.clone() };
    let why = if forwarded { "rooms-held-forwarded" } else { "rooms-held-link" };
    let mut note =
        Reply::say(Msg::new("rooms-held-new").text("territory", territory).text("member", case.subject_name.clone()))
            .then(Msg::new(why))
            .then(Msg::new("rooms-report-quote").text("text", quoted));
    // The moderators see the photo or file itself, right after the note.
    note.blocks.extend(case.media.clone().map(Block::Media));
    let note = note.with_buttons(vec![
        Button::msg(
            Msg::new("button-held-release"),
            RoomsButton::Held { release: true, key: case.key.clone() }.to_payload(),
        ),
        Button::msg(
            Msg::new("button-held-delete"),
            RoomsButton::Held { release: false, key: case.key.clone() }.to_payload(),
        ),
    ]);
    if tell_recipients_at(engine, now, &held.recipients, &note).await == 0 {
        tracing::warn!(territory = %case.territory, "a held message reached no moderator");
    }
    if let Some(member) = store.person(case.subject).await? {
        let lang = member.language.or(inbound.lang_hint).unwrap_or(engine.settings().default_lang);
        if let Err(e) = engine.couriers().deliver(&member, lang, &Reply::id("rooms-held-you"), now).await {
            tracing::info!(error = %e, "the member whose message was held could not be told privately");
        }
    }
    Ok(true)
}

/// Posts a public message in a room, in the room's languages.
async fn public(
    engine: &Engine,
    chat: &str,
    inbound: &Inbound,
    settings: &RoomSettings,
    reply: &Reply,
    now: DateTime<Utc>,
) {
    let mut reply = reply.clone();
    reply.in_langs.clone_from(&settings.langs);
    let lang = settings.langs.first().copied().unwrap_or(engine.settings().default_lang);
    if let Err(e) = engine.couriers().post_in(inbound.network, chat, lang, &reply, now).await {
        tracing::warn!(error = %e, chat, "cannot post in the room");
    }
}

/// A moderator's press on a held message: released (the bot posts it in the room, naming its
/// author) or deleted for good.
pub(crate) async fn pressed(turn: &mut Turn<'_>, release: bool, key: &str) -> Result<Vec<Reply>, StoreError> {
    let tree = turn.snapshot.tree.clone();
    let case = match decide_held(&turn.person, key, release, turn.store(), &tree, turn.now).await? {
        Ok(case) => case,
        Err(refusal) => return Ok(vec![Reply::refused(&refusal)]),
    };
    if release {
        let settings = settings_of(turn.store(), case.network, &case.chat_id).await?;
        let quoted = if case.text.is_empty() { "—".to_owned() } else { case.text.clone() };
        let mut post = Reply::say(Msg::new("rooms-held-released-post").text("member", case.subject_name.clone()))
            .then(Msg::new("rooms-report-quote").text("text", quoted));
        // The photo, video or file it carried goes back with it.
        post.blocks.extend(case.media.clone().map(Block::Media));
        post.in_langs.clone_from(&settings.langs);
        let lang = settings.langs.first().copied().unwrap_or(turn.engine.settings().default_lang);
        if let Err(e) = turn.engine.couriers().post_in(case.network, &case.chat_id, lang, &post, turn.now).await {
            tracing::warn!(error = %e, chat = %case.chat_id, "a released message could not be posted");
        }
    }
    let id = if release { "rooms-held-released" } else { "rooms-held-deleted" };
    Ok(vec![Reply::say(
        Msg::new(id).text("name", turn.person.display_name.clone()).text("member", case.subject_name.clone()),
    )])
}

fn on_off(on: bool) -> Msg {
    Msg::new(if on { "rooms-on" } else { "rooms-off" })
}

/// How a room's protections read.
fn shown(p: &Protections) -> Reply {
    let flood = if p.flood_messages == 0 {
        Msg::new("rooms-protect-flood-off")
    } else {
        Msg::new("rooms-protect-flood")
            .num("messages", i64::from(p.flood_messages))
            .num("seconds", i64::from(p.flood_seconds))
    };
    Reply::say(Msg::new("rooms-protect-title"))
        .then(flood)
        .then(Msg::new("rooms-protect-links").msg("state", on_off(p.hold_links)))
}

/// Reads what follows `/protect`.
fn read(args: &str) -> Option<Protect> {
    let words: Vec<String> = args.split_whitespace().map(vicinato_domain::text::fold).collect();
    let on = |w: &str| match w {
        "on" | "si" | "acceso" | "attivo" | "attiva" => Some(true),
        "off" | "no" | "spento" | "disattivo" | "disattiva" => Some(false),
        _ => None,
    };
    match words.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        [] => Some(Protect::Show),
        ["flood", w] if on(w) == Some(false) => Some(Protect::FloodOff),
        ["flood", n, m] => Some(Protect::Flood { messages: n.parse().ok()?, seconds: m.parse().ok()? }),
        ["links" | "link", w] => on(w).map(Protect::Links),
        _ => None,
    }
}

/// `/protect [flood N M | flood off | links on|off]`.
pub(crate) async fn command(turn: &mut Turn<'_>, args: Option<&str>) -> Result<Vec<Reply>, StoreError> {
    let Some(change) = read(args.unwrap_or_default()) else {
        return Ok(vec![Reply::refused(&Refusal::ProtectUnknown)]);
    };
    let here = place(turn);
    let tree = turn.snapshot.tree.clone();
    Ok(vec![match protect(&turn.person, &here, change, turn.store(), &tree, turn.now).await? {
        Ok((_, settings)) => shown(&settings.protections),
        Err(refusal) => Reply::refused(&refusal),
    }])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protect_arguments_are_read_in_both_languages_and_nonsense_is_not() {
        assert_eq!(read(""), Some(Protect::Show));
        assert_eq!(read("flood 5 10"), Some(Protect::Flood { messages: 5, seconds: 10 }));
        assert_eq!(read("flood off"), Some(Protect::FloodOff));
        assert_eq!(read("links on"), Some(Protect::Links(true)));
        assert_eq!(read("link spento"), Some(Protect::Links(false)));
        for bad in ["flood", "flood 5", "flood x 10", "links maybe", "nuke"] {
            assert_eq!(read(bad), None, "{bad}");
        }
    }
}
