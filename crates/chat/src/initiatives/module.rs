//! What the initiatives module brings to a bot that offers it (`modules = ["initiatives"]`).

use crate::registry::{Audience, CommandSpec, HelpLine, Module};
use crate::understand::Intent;
use vicinato_domain::Role;

pub(crate) const MODULE: Module = Module {
    name: "initiatives",
    optional: true,
    not_available: "initiatives-not-on-this-bot",
    commands: &[
        CommandSpec { name: "propose", aliases: &["proponi", "proposta"], menu: Some((4, "telegram-menu-propose")) },
        CommandSpec { name: "initiatives", aliases: &["iniziative"], menu: Some((3, "telegram-menu-initiatives")) },
        CommandSpec { name: "week", aliases: &["settimana"], menu: None },
        CommandSpec { name: "myinitiatives", aliases: &["mieiniziative", "mie"], menu: None },
        CommandSpec { name: "review", aliases: &["revisione", "esamina"], menu: None },
        CommandSpec { name: "phase", aliases: &["fase"], menu: None },
        CommandSpec { name: "stats", aliases: &["statistiche"], menu: None },
    ],
    buttons: super::buttons::KINDS,
    intents: &[Intent::Propose, Intent::Initiatives],
    flows: &["propose", "initiative-text"],
    help: &[
        HelpLine { id: "help-initiatives", audience: Audience::Everyone },
        HelpLine { id: "help-moderator", audience: Audience::Holding(Role::Moderator) },
        HelpLine { id: "help-staff-initiatives", audience: Audience::Holding(Role::Staff) },
    ],
    jobs: &[
        super::lifecycle::DEADLINE_JOB,
        super::lifecycle::VOTE_JOB,
        super::lifecycle::NOTIFY_JOB,
        super::lifecycle::REMIND_JOB,
        super::lifecycle::HELD_JOB,
    ],
};
