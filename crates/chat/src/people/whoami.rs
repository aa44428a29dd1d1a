//! `/whoami`: what Vicinato knows of me, privately.

use crate::i18n::Msg;
use crate::{Reply, Turn};
use vicinato_domain::{Network, Role};

pub fn whoami(turn: &Turn<'_>) -> Reply {
    Reply::say(summary(turn)).private()
}

/// Who the person is to Vicinato, in one message: name, language, home, roles and the networks
/// of their accounts (never the networks' raw ids).
pub fn summary(turn: &Turn<'_>) -> Msg {
    let role = |r: Role| turn.engine.i18n().say(turn.lang, &format!("role-{}", r.as_str()));
    let p = &turn.person;
    let home = p
        .home
        .as_ref()
        .and_then(|t| turn.snapshot.tree.get(t))
        .map(|t| t.name.clone())
        .unwrap_or_else(|| "none".into());
    let roles: Vec<String> = p
        .roles
        .iter()
        .map(|g| match &g.territory {
            Some(t) => format!(
                "{} ({})",
                role(g.role),
                turn.snapshot.tree.get(t).map(|t| t.name.as_str()).unwrap_or(t.as_str())
            ),
            None => role(g.role),
        })
        .collect();
    let mut networks: Vec<&str> = p
        .accounts
        .iter()
        .map(|a| match a.network {
            Network::Telegram => "Telegram",
            Network::Matrix => "Matrix",
            Network::Console => "console",
        })
        .collect();
    networks.dedup();
    Msg::new("whoami")
        .text("name", p.display_name.clone())
        .msg("language", Msg::new(format!("language-{}", turn.lang.code())))
        .text("home", home)
        .text("roles", if roles.is_empty() { "none".into() } else { roles.join(", ") })
        .text("accounts", networks.join(", "))
}
