//! What the booking module brings to a bot that offers it (`modules = ["booking"]`).

use crate::registry::{Audience, CommandSpec, HelpLine, Module};
use crate::understand::Intent;
use vicinato_domain::Role;

pub(crate) const MODULE: Module = Module {
    name: "booking",
    optional: true,
    not_available: "booking-not-on-this-bot",
    commands: &[
        CommandSpec { name: "book", aliases: &["prenota"], menu: None },
        CommandSpec { name: "free", aliases: &["libero", "liberi"], menu: None },
        CommandSpec { name: "bookings", aliases: &["prenotazioni"], menu: Some((5, "telegram-menu-bookings")) },
        CommandSpec { name: "checkin", aliases: &["arrivato", "arrivata"], menu: None },
        CommandSpec { name: "approve", aliases: &["approva"], menu: None },
        CommandSpec { name: "association", aliases: &["associations", "associazione", "associazioni"], menu: None },
        CommandSpec { name: "space", aliases: &["spaces", "spazio", "spazi"], menu: None },
    ],
    buttons: super::buttons::KINDS,
    intents: &[Intent::Book, Intent::Free],
    flows: &["book"],
    help: &[
        HelpLine { id: "help-booking", audience: Audience::Everyone },
        HelpLine { id: "help-staff-booking", audience: Audience::Holding(Role::Staff) },
    ],
    jobs: &[super::slots::REMINDER_JOB, super::slots::NO_SHOW_JOB, super::slots::HOLD_JOB, super::slots::FREED_JOB],
};
