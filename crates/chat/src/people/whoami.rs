//! `/whoami`: what Vicinato knows of me, privately.

use crate::i18n::Msg;
use crate::{Reply, Turn};

pub fn whoami(turn: &Turn<'_>) -> Reply {
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
                g.role.as_str(),
                turn.snapshot.tree.get(t).map(|t| t.name.as_str()).unwrap_or(t.as_str())
            ),
            None => g.role.as_str().to_owned(),
        })
        .collect();
    let accounts: Vec<String> = p.accounts.iter().map(|a| a.to_string()).collect();
    Reply::say(
        Msg::new("whoami")
            .text("name", p.display_name.clone())
            .msg("language", Msg::new(format!("language-{}", turn.lang.code())))
            .text("home", home)
            .text("roles", if roles.is_empty() { "none".into() } else { roles.join(", ") })
            .text("accounts", accounts.join(", ")),
    )
    .private()
}
