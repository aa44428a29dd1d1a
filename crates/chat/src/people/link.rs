//! `/link`, the messages: one person on several networks. The rules are the core's
//! (`vicinato_core::people::link`: the one-time code, the claim with its limit on wrong
//! codes, both sides' yes, the roles never carried over); this file asks, shows the code
//! privately, asks the maker through a note and says what came of it.

use super::buttons::PeopleButton;
use crate::i18n::Msg;
use crate::{Button, Reply, Turn};
use vicinato_core::people::link::{self, Confirmed, VALID_MINUTES};
use vicinato_domain::{Network, RoleGrant};
use vicinato_store::StoreError;

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
    let typed = link::normalized(arg.unwrap_or(""));
    let network = network_of(turn).to_owned();
    if typed.is_empty() {
        let code = link::issue(&turn.person, &network, turn.store(), turn.now).await?.code;
        let shown = format!("{} {}", &code[..4], &code[4..]);
        return Ok(vec![Reply::say(Msg::new("link-code").text("code", shown).num("minutes", VALID_MINUTES)).private()]);
    }
    let max_wrong = turn.engine.settings().limits.link_attempts_per_hour;
    match link::claim(&turn.person, &typed, &network, max_wrong, turn.store(), turn.now).await? {
        Err(refusal) => Ok(vec![Reply::refused(&refusal).private()]),
        Ok(claimed) => Ok(vec![
            Reply::say(
                Msg::new("link-confirm-typist")
                    .text("name", claimed.name)
                    .text("network", network_name(&claimed.network)),
            )
            .with_buttons(buttons(&claimed.code))
            .private(),
        ]),
    }
}

/// `lnk:yes:<code>` or `lnk:no:<code>`, pressed by either side.
pub async fn answer(turn: &mut Turn<'_>, yes: bool, code: &str) -> Result<Vec<Reply>, StoreError> {
    let code = link::normalized(code);
    if !yes {
        return Ok(vec![match link::cancel(&turn.person, &code, turn.store()).await? {
            Ok(()) => Reply::id("link-cancelled").private(),
            Err(refusal) => Reply::refused(&refusal),
        }]);
    }
    match link::confirm(&turn.person, &code, turn.store(), turn.now).await? {
        Err(refusal) => Ok(vec![Reply::refused(&refusal)]),
        Ok(Confirmed::AskMaker { maker, maker_network, network, name }) => {
            // A note: put as a job before it is sent, so a network down does not lose the question.
            let msg = Msg::new("link-confirm-maker").text("name", name).text("network", network_name(&network));
            let ask = crate::notes::Note::new(maker, msg, format!("link:{code}:ask"))
                .button(Msg::new("button-link-yes"), format!("lnk:yes:{code}"))
                .button(Msg::new("button-link-no"), format!("lnk:no:{code}"));
            crate::notes::send(turn.engine, &[ask], turn.now).await?;
            Ok(vec![Reply::say(Msg::new("link-waiting").text("network", network_name(&maker_network))).private()])
        }
        Ok(Confirmed::Linked { dropped, .. }) => {
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
