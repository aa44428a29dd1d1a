//! The module registry: each capability declares, in one place (`<capability>/module.rs`),
//! its commands (every name it answers to, Italian and English), its button kinds, the
//! intents and flows it owns, its help lines, its Telegram menu entries and its jobs. The
//! engine gates commands, buttons, intents and flows of a module a bot does not offer from
//! here (the person gets the module's "not available here" message); help, the Telegram menu
//! and configuration read it too, so a new module is one declaration. Names no network.

use crate::understand::Intent;
use vicinato_domain::{Lang, Role};

/// A slash command.
#[derive(Debug)]
pub struct CommandSpec {
    /// Its name in code and in the Telegram menu (English).
    pub name: &'static str,
    /// Every other name it answers to, Italian and English; the Italian name first (the
    /// Italian Telegram menu shows it).
    pub aliases: &'static [&'static str],
    /// Its place in the Telegram menu and the message describing it there.
    pub menu: Option<(u8, &'static str)>,
}

/// Who a help line is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Everyone,
    /// People holding this role somewhere (admins do not count as holders of other roles).
    Holding(Role),
}

/// A line of `/help`.
#[derive(Debug)]
pub struct HelpLine {
    pub id: &'static str,
    pub audience: Audience,
}

/// What a capability brings to a bot.
#[derive(Debug)]
pub struct Module {
    /// Its name in a bot profile's `modules`.
    pub name: &'static str,
    /// Whether a bot profile may leave it out; the others are always on.
    pub optional: bool,
    /// The message for what belongs to it, on a bot without it.
    pub not_available: &'static str,
    pub commands: &'static [CommandSpec],
    /// The kinds of its button payloads (the part before `:`).
    pub buttons: &'static [&'static str],
    pub intents: &'static [Intent],
    /// The kinds of its flows ([`crate::Flow::kind`]).
    pub flows: &'static [&'static str],
    pub help: &'static [HelpLine],
    /// The kinds of the scheduler jobs it registers ([`crate::register_jobs`]).
    pub jobs: &'static [&'static str],
}

/// Every module, in the order help lists them (declared at the crate root, which knows the
/// capabilities; the capabilities know only this file).
pub use crate::MODULES;

/// The module of this name.
pub fn module(name: &str) -> Option<&'static Module> {
    MODULES.into_iter().find(|m| m.name == name)
}

/// The names a bot profile's `modules` may list.
pub fn names() -> Vec<&'static str> {
    MODULES.iter().map(|m| m.name).collect()
}

/// The command answering to `name` (lowercase, without `/`), and its module.
pub fn command(name: &str) -> Option<(&'static Module, &'static CommandSpec)> {
    MODULES
        .into_iter()
        .flat_map(|m| m.commands.iter().map(move |c| (m, c)))
        .find(|(_, c)| c.name == name || c.aliases.contains(&name))
}

/// The module whose buttons have this kind.
pub fn button_owner(kind: &str) -> Option<&'static Module> {
    MODULES.into_iter().find(|m| m.buttons.contains(&kind))
}

/// The module that owns an intent.
pub fn intent_owner(intent: Intent) -> Option<&'static Module> {
    MODULES.into_iter().find(|m| m.intents.contains(&intent))
}

/// The module that owns a kind of flow.
pub fn flow_owner(kind: &str) -> Option<&'static Module> {
    MODULES.into_iter().find(|m| m.flows.contains(&kind))
}

/// The Telegram menu in a language: command name and the message describing it, in menu
/// order, for the modules `offered` says yes to. The Italian menu names the commands in
/// Italian (`/servizi`, `/prenotazioni`), except `/start`, which Telegram's own button sends.
pub fn menu(offered: impl Fn(&Module) -> bool, lang: Lang) -> Vec<(&'static str, &'static str)> {
    let name = |c: &CommandSpec| match (lang, c.aliases.first()) {
        (Lang::It, Some(italian)) if c.name != "start" => *italian,
        _ => c.name,
    };
    let mut entries: Vec<(u8, &str, &str)> = MODULES
        .into_iter()
        .filter(|m| offered(m))
        .flat_map(|m| m.commands.iter().filter_map(|c| c.menu.map(|(at, id)| (at, name(c), id))))
        .collect();
    entries.sort_by_key(|(at, _, _)| *at);
    entries.into_iter().map(|(_, name, id)| (name, id)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn no_command_name_button_kind_intent_flow_or_job_belongs_to_two_modules() {
        let mut names = BTreeSet::new();
        let mut buttons = BTreeSet::new();
        let mut intents = Vec::new();
        let mut flows = BTreeSet::new();
        let mut jobs = BTreeSet::new();
        for m in MODULES {
            for c in m.commands {
                for n in std::iter::once(&c.name).chain(c.aliases) {
                    assert!(names.insert(*n), "/{n} is declared twice");
                }
            }
            for b in m.buttons {
                assert!(buttons.insert(*b), "button kind {b} is declared twice");
            }
            for i in m.intents {
                assert!(!intents.contains(i), "{i:?} is declared twice");
                intents.push(*i);
            }
            for f in m.flows {
                assert!(flows.insert(*f), "flow {f} is declared twice");
            }
            for j in m.jobs {
                assert!(jobs.insert(*j), "job {j} is declared twice");
            }
        }
    }

    #[test]
    fn the_menu_leaves_out_what_a_bot_does_not_offer() {
        let all: Vec<_> = menu(|_| true, Lang::En).into_iter().map(|(c, _)| c).collect();
        assert_eq!(
            all,
            [
                "start",
                "services",
                "initiatives",
                "propose",
                "bookings",
                "help",
                "language",
                "cancel",
                "mydata",
                "forget"
            ]
        );
        let without: Vec<_> = menu(|m| !m.optional, Lang::En).into_iter().map(|(c, _)| c).collect();
        assert_eq!(without, ["start", "services", "help", "language", "cancel", "mydata", "forget"]);
    }

    #[test]
    fn the_italian_menu_names_the_commands_in_italian_and_each_name_is_one_they_answer_to() {
        let italian: Vec<_> = menu(|_| true, Lang::It).into_iter().map(|(c, _)| c).collect();
        assert_eq!(
            italian,
            [
                "start",
                "servizi",
                "iniziative",
                "proponi",
                "prenotazioni",
                "aiuto",
                "lingua",
                "annulla",
                "imieidati",
                "dimenticami"
            ]
        );
        for name in italian {
            assert!(command(name).is_some(), "/{name} is a command");
            // Telegram takes 1 to 32 lower-case letters, digits and underscores.
            assert!(
                name.len() <= 32 && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            );
        }
    }
}
