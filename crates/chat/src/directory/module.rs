//! What the directory module brings to a bot: searching services, paging, cards.

use crate::registry::{CommandSpec, Module};
use crate::understand::Intent;

pub(crate) const MODULE: Module = Module {
    name: "directory",
    // Every bot answers questions about services; a profile may list it, not leave it out.
    optional: false,
    not_available: "unknown-command",
    commands: &[CommandSpec {
        name: "services",
        aliases: &["servizi", "cerca", "search"],
        menu: Some((2, "telegram-menu-services")),
    }],
    buttons: super::buttons::DirectoryButton::KINDS,
    intents: &[Intent::FindService, Intent::More, Intent::TalkToPerson],
    flows: &["results"],
    help: &[],
    jobs: &[],
};
