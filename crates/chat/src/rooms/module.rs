//! What the rooms module brings to a bot that offers it (`modules = ["rooms"]`): linking
//! groups to territories, listing and joining them, their rules and welcome, moderating them,
//! reports and appeals, and the job that ends timed sanctions.

use crate::registry::{Audience, CommandSpec, HelpLine, Module};
use vicinato_domain::Role;

pub(crate) const MODULE: Module = Module {
    name: "rooms",
    optional: true,
    not_available: "rooms-not-on-this-bot",
    commands: &[
        CommandSpec { name: "room", aliases: &["stanza", "gruppo"], menu: None },
        CommandSpec { name: "rooms", aliases: &["stanze", "gruppi"], menu: None },
        CommandSpec { name: "warn", aliases: &["ammonisci", "avvisa"], menu: None },
        CommandSpec { name: "unwarn", aliases: &["togliammonizione"], menu: None },
        CommandSpec { name: "warns", aliases: &["ammonizioni"], menu: None },
        CommandSpec { name: "mute", aliases: &["silenzia", "muto"], menu: None },
        CommandSpec { name: "unmute", aliases: &["riattiva"], menu: None },
        CommandSpec { name: "ban", aliases: &["banna", "espelli"], menu: None },
        CommandSpec { name: "unban", aliases: &["sbanna", "riammetti"], menu: None },
        CommandSpec { name: "kick", aliases: &["allontana"], menu: None },
        CommandSpec { name: "del", aliases: &["cancella", "elimina"], menu: None },
        CommandSpec { name: "modlog", aliases: &["registro"], menu: None },
        CommandSpec { name: "rules", aliases: &["regole"], menu: None },
        CommandSpec { name: "welcome", aliases: &["benvenuto"], menu: None },
        CommandSpec { name: "questions", aliases: &["domande"], menu: None },
        CommandSpec { name: "report", aliases: &["segnala"], menu: None },
        CommandSpec { name: "appeal", aliases: &["ricorso"], menu: None },
        CommandSpec { name: "protect", aliases: &["protezioni", "proteggi"], menu: None },
        CommandSpec { name: "escalation", aliases: &["sanzioni"], menu: None },
    ],
    buttons: super::buttons::KINDS,
    intents: &[crate::understand::Intent::JoinRooms],
    flows: &[],
    help: &[
        HelpLine { id: "help-rooms", audience: Audience::Everyone },
        HelpLine { id: "help-rooms-moderator", audience: Audience::Holding(Role::Moderator) },
        HelpLine { id: "help-rooms-staff", audience: Audience::Holding(Role::Staff) },
    ],
    jobs: &[vicinato_core::rooms::jobs::END_JOB],
};
