//! What the announcements module brings to every bot (it cannot be left out: staff
//! announcements are one of the uses Vicinato exists for): `/announce` for staff and admins,
//! its buttons and its flow. The send job is declared by the people module, which delivers
//! notes.

use crate::registry::{Audience, CommandSpec, HelpLine, Module};
use vicinato_domain::Role;

pub(crate) const MODULE: Module = Module {
    name: "announcements",
    optional: false,
    not_available: "unknown-command",
    commands: &[CommandSpec { name: "announce", aliases: &["annuncio", "annunci", "broadcast"], menu: None }],
    buttons: super::buttons::AnnounceButton::KINDS,
    intents: &[],
    flows: &["announce", "announce-correct"],
    help: &[HelpLine { id: "help-announce-staff", audience: Audience::Holding(Role::Staff) }],
    jobs: &[],
};
