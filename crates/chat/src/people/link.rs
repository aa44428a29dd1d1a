//! `/link`: one person on several networks. Asked for on one network, it gives a one-time code
//! (8 random letters and digits, 10 minutes, sent only privately). Typed on another network
//! (`/link ABCD EFGH`), it shows who made it (network and name) and asks "is this you?"; then
//! the person who made it is asked the same about the typing account, through the courier. Only
//! when both said yes are the two accounts one person, so their bookings, supports and votes are
//! one person's (one support per person, across networks). Wrong codes are limited per person
//! and hour; staff, moderator and admin roles are never carried over (an admin grants them
//! again, and the person is told).

use super::buttons::PeopleButton;
use crate::i18n::Msg;
use crate::{Button, Reply, Turn};
use chrono::Duration;
use vicinato_domain::{Network, RoleGrant};
use vicinato_store::{LinkClaim, LinkConfirm, StoreError};

/// How long a code can be used.
const VALID_MINUTES: i64 = 10;

/// The letters and digits of a code: no 0/O or 1/I to mix up. 32 of them, so a random byte
/// picks one without bias.
const ALPHABET: &[u8; 32] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// A fresh code from the operating system's random source (40 bits).
fn fresh_code() -> Result<String, StoreError> {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).map_err(|e| StoreError::Unavailable(format!("no random source: {e}")))?;
    Ok(bytes.iter().map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()])).collect())
}

/// A code as typed, with spaces and dashes dropped and letters upper-cased.
fn normalized(typed: &str) -> String {
    typed.chars().filter(|c| !c.is_whitespace() && *c != '-').flat_map(char::to_uppercase).collect()
}

/// The network this message came from (`telegram` in `telegram:42`).
fn network_of<'a>(turn: &'a Turn<'_>) -> &'a str {
    turn.chat_key.split(':').next().unwrap_or("")
}

/// A network as people call it.
fn network_name(network: &str) -> String {
    match Network::parse(network) {
        Some(Network::Telegram) => "Telegram".into(),
        Some(Network::Matrix) => "Matrix".into(),
        _ => "console".into(),
    }
}

fn buttons(code: &str) -> Vec<Button> {
    vec![
        Button::msg(Msg::new("button-link-yes"), PeopleButton::Link { yes: true, code: code.to_string() }.to_payload()),
        Button::msg(Msg::new("button-link-no"), PeopleButton::Link { yes: false, code: code.to_string() }.to_payload()),
    ]
}

pub async fn link(turn: &mut Turn<'_>, arg: Option<&str>) -> Result<Vec<Reply>, StoreError> {
    let typed = normalized(arg.unwrap_or(""));
    if typed.is_empty() {
        let expires = turn.now + Duration::minutes(VALID_MINUTES);
        let network = network_of(turn).to_owned();
        // A code already in use by someone else (about one in a trillion): draw again.
        let mut attempt = 0;
        let code = loop {
            let code = fresh_code()?;
            match turn.store().link_code_put(turn.person.id, &network, &code, expires, turn.now).await {
                Ok(()) => break code,
                Err(e) if attempt >= 2 => return Err(e),
                Err(_) => attempt += 1,
            }
        };
        let shown = format!("{} {}", &code[..4], &code[4..]);
        return Ok(vec![Reply::say(Msg::new("link-code").text("code", shown).num("minutes", VALID_MINUTES)).private()]);
    }
    let network = network_of(turn).to_owned();
    match turn
        .store()
        .link_claim(&typed, turn.person.id, &network, turn.engine.settings().limits.link_attempts_per_hour, turn.now)
        .await?
    {
        LinkClaim::TooManyTries => Ok(vec![Reply::id("link-too-many").private()]),
        LinkClaim::Unknown => Ok(vec![Reply::id("link-unknown").private()]),
        LinkClaim::Same => Ok(vec![Reply::id("link-same").private()]),
        LinkClaim::Claimed { network, name, .. } => Ok(vec![
            Reply::say(Msg::new("link-confirm-typist").text("name", name).text("network", network_name(&network)))
                .with_buttons(buttons(&typed))
                .private(),
        ]),
    }
}

/// `lnk:yes:<code>` or `lnk:no:<code>`, pressed by either side.
pub async fn answer(turn: &mut Turn<'_>, yes: bool, code: &str) -> Result<Vec<Reply>, StoreError> {
    let code = normalized(code);
    if !yes {
        return Ok(vec![if turn.store().link_cancel(&code, turn.person.id).await? {
            Reply::id("link-cancelled").private()
        } else {
            Reply::id("button-expired")
        }]);
    }
    match turn.store().link_confirm(&code, turn.person.id, turn.now).await? {
        LinkConfirm::Unknown => Ok(vec![Reply::id("button-expired")]),
        LinkConfirm::AskMaker { maker, maker_network, network, name } => {
            // A note: put as a job before it is sent, so a network down does not lose the question.
            let msg = Msg::new("link-confirm-maker").text("name", name).text("network", network_name(&network));
            let ask = crate::notes::Note::new(maker, msg, format!("link:{code}:ask"))
                .button(Msg::new("button-link-yes"), format!("lnk:yes:{code}"))
                .button(Msg::new("button-link-no"), format!("lnk:no:{code}"));
            crate::notes::send(turn.engine, &[ask], turn.now).await?;
            Ok(vec![Reply::say(Msg::new("link-waiting").text("network", network_name(&maker_network))).private()])
        }
        LinkConfirm::Linked { kept, joined, dropped } => {
            tracing::info!(person = %kept, joined = %joined, "accounts linked");
            // The flow belonged to the one who no longer exists, or is kept in its own chat.
            turn.flow = None;
            let mut replies = vec![Reply::id("link-done").private()];
            if !dropped.is_empty() {
                replies.push(
                    Reply::say(Msg::new("link-roles-dropped").text("roles", roles_text(turn, &dropped))).private(),
                );
            }
            Ok(replies)
        }
    }
}

/// Roles as `/whoami` shows them: `staff (Municipio V)`.
fn roles_text(turn: &Turn<'_>, roles: &[RoleGrant]) -> String {
    roles
        .iter()
        .map(|g| match &g.territory {
            Some(t) => format!(
                "{} ({})",
                g.role.as_str(),
                turn.snapshot.tree.get(t).map(|t| t.name.as_str()).unwrap_or(t.as_str())
            ),
            None => g.role.as_str().to_owned(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_eight_characters_of_the_alphabet_and_differ() {
        let a = fresh_code().unwrap();
        let b = fresh_code().unwrap();
        assert_eq!(a.len(), 8);
        assert!(a.bytes().all(|c| ALPHABET.contains(&c)), "{a}");
        assert_ne!(a, b);
        assert_eq!(normalized(" abcd-efgh "), "ABCDEFGH");
    }
}
