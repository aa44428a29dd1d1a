//! `/announce status N`, `/announce cancel N`, `/announce list` and `/announce approval on|off
//! ZONE`: following up announcements in chat (`/announce correct N` starts `super::correct`). Who may see or stop which is the core's
//! (`status`, `cancel`: the author, staff of the scope, admins); whether a territory asks
//! for a second staff member's approval may be set by its staff and by admins.

use crate::i18n::Msg;
use crate::{Reply, Turn};
use vicinato_core::announcements::{By, Refusal, cancel, status};
use vicinato_domain::text::fold;
use vicinato_domain::{Announcement, AnnouncementId, AnnouncementState, Network};
use vicinato_store::StoreError;

/// How many announcements `/announce list` shows.
const LISTED: i64 = 10;

fn state_msg(state: AnnouncementState) -> Msg {
    Msg::new(format!("announce-state-{}", state.as_str()))
}

fn number(arg: Option<&&str>) -> Option<AnnouncementId> {
    arg.and_then(|n| n.trim_start_matches('#').parse().ok()).map(AnnouncementId)
}

/// `/announce <subcommand> …`; `None` when the words are no subcommand.
pub(crate) async fn command(turn: &mut Turn<'_>, words: &[&str]) -> Result<Option<Vec<Reply>>, StoreError> {
    let Some(head) = words.first() else {
        return Ok(None);
    };
    let tree = turn.snapshot.tree.clone();
    let by = By::Person(&turn.person);
    let replies = match fold(head).as_str() {
        "status" | "stato" => {
            let Some(id) = number(words.get(1)) else {
                return Ok(Some(vec![Reply::id("announce-usage")]));
            };
            match status::status(by, id, turn.store(), &tree).await? {
                Ok(s) => vec![status_reply(turn, &s)],
                Err(refusal) => vec![Reply::refused(&refusal)],
            }
        }
        "cancel" | "annulla" | "ferma" | "stop" => {
            let Some(id) = number(words.get(1)) else {
                return Ok(Some(vec![Reply::id("announce-usage")]));
            };
            match cancel::cancel(by, id, turn.store(), &tree, turn.now).await? {
                Ok(()) => vec![Reply::say(Msg::new("announce-cancelled").num("id", id.0))],
                Err(refusal) => vec![Reply::refused(&refusal)],
            }
        }
        "list" | "elenco" | "lista" => {
            let mine: Vec<Announcement> = turn
                .store()
                .announcements(LISTED * 5)
                .await?
                .into_iter()
                .filter(|a| by.may_manage(a, &tree))
                .take(LISTED as usize)
                .collect();
            if mine.is_empty() {
                return Ok(Some(vec![Reply::id("announce-list-empty")]));
            }
            let mut reply = Reply::id("announce-list");
            for a in &mine {
                let first: String = a.texts.it.chars().filter(|c| !c.is_control()).take(40).collect();
                reply = reply.then(
                    Msg::new("announce-list-line")
                        .num("id", a.id.0)
                        .msg("state", state_msg(a.state))
                        .text("at", crate::rooms::shown_time(turn, a.at))
                        .text("text", first),
                );
            }
            vec![reply]
        }
        "approval" | "approvazione" => {
            let (Some(switch), Some(place)) = (words.get(1), (words.len() > 2).then(|| words[2..].join(" "))) else {
                return Ok(Some(vec![Reply::id("announce-approval-usage")]));
            };
            let on = match fold(switch).as_str() {
                "on" | "si" | "attiva" | "yes" => true,
                "off" | "no" | "disattiva" => false,
                _ => return Ok(Some(vec![Reply::id("announce-approval-usage")])),
            };
            let Some(territory) = vicinato_core::rooms::link::territory_named(&tree, &place) else {
                return Ok(Some(vec![Reply::refused(&Refusal::TerritoryUnknown { territory: place })]));
            };
            if !by.may_address(Some(&territory.id), &tree) {
                return Ok(Some(vec![Reply::refused(&Refusal::NotAllowed)]));
            }
            turn.store().approval_set(&territory.id, on, turn.now).await?;
            let id = if on { "announce-approval-on" } else { "announce-approval-off" };
            vec![Reply::say(Msg::new(id).text("territory", territory.name.clone()))]
        }
        "correct" | "edit" | "correggi" | "modifica" | "correzione" => {
            let Some(id) = number(words.get(1)) else {
                return Ok(Some(vec![Reply::id("announce-usage")]));
            };
            super::correct::start(turn, id).await?
        }
        _ => return Ok(None),
    };
    Ok(Some(replies))
}

/// An announcement's state and its copies per network and state, with the main failure
/// reasons.
fn status_reply(turn: &Turn<'_>, s: &status::Status) -> Reply {
    let a = &s.announcement;
    let mut reply = Reply::say(
        Msg::new("announce-status")
            .num("id", a.id.0)
            .msg("state", state_msg(a.state))
            .text("at", crate::rooms::shown_time(turn, a.at))
            .num("total", s.total()),
    );
    for network in [Network::Telegram, Network::Matrix, Network::Console] {
        let on = |state: &str| s.count(Some(network), state);
        let all = ["queued", "sending", "sent", "failed", "unreachable", "blocked", "opted_out", "cancelled"]
            .iter()
            .map(|st| on(st))
            .sum::<i64>();
        if all == 0 {
            continue;
        }
        reply = reply.then(
            Msg::new("announce-status-network")
                .text("network", network_name(network))
                .num("sent", on("sent"))
                .num("queued", on("queued") + on("sending"))
                .num("failed", on("failed"))
                .num("unreachable", on("unreachable") + on("blocked"))
                .num("opted_out", on("opted_out"))
                .num("cancelled", on("cancelled")),
        );
    }
    for network in [Network::Telegram, Network::Matrix] {
        let on = |state: &str| s.room_count(Some(network), state);
        if s.rooms.iter().all(|c| c.network != network) {
            continue;
        }
        reply = reply.then(
            Msg::new("announce-status-rooms")
                .text("network", network_name(network))
                .num("sent", on("sent"))
                .num("queued", on("queued") + on("sending"))
                .num("failed", on("failed"))
                .num("unreachable", on("unreachable") + on("blocked"))
                .num("cancelled", on("cancelled")),
        );
    }
    for n in 1..=a.corrections {
        let of = |state: &str| s.edit_count(n, state);
        reply = reply.then(
            Msg::new("announce-status-correction")
                .num("correction", i64::from(n))
                .num("edited", of("sent"))
                .num("queued", of("queued") + of("sending"))
                .num("failed", of("failed") + of("not_editable"))
                .num("too_old", of("too_old"))
                .num("cancelled", of("cancelled")),
        );
    }
    for (reason, n) in s.reasons().into_iter().take(3) {
        reply = reply.then(Msg::new("announce-status-reason").text("reason", reason).num("count", n));
    }
    reply
}

fn network_name(network: Network) -> &'static str {
    match network {
        Network::Telegram => "Telegram",
        Network::Matrix => "Matrix",
        Network::Console => "console",
    }
}
