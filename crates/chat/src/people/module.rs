//! What the people module brings to every bot (it cannot be left out): onboarding, language,
//! help, who am I, my data and forgetting me, roles, linking accounts; and the notes the core
//! sends a person.

use crate::registry::{Audience, CommandSpec, HelpLine, Module};
use crate::understand::Intent;
use vicinato_domain::Role;

pub(crate) const MODULE: Module = Module {
    name: "people",
    optional: false,
    not_available: "unknown-command",
    commands: &[
        CommandSpec { name: "start", aliases: &["inizia"], menu: Some((1, "telegram-menu-start")) },
        CommandSpec { name: "help", aliases: &["aiuto"], menu: Some((6, "telegram-menu-help")) },
        CommandSpec { name: "language", aliases: &["lingua", "lang"], menu: Some((7, "telegram-menu-language")) },
        CommandSpec { name: "cancel", aliases: &["annulla", "stop"], menu: Some((8, "telegram-menu-cancel")) },
        CommandSpec { name: "whoami", aliases: &["chisono", "me"], menu: None },
        CommandSpec { name: "mydata", aliases: &["imieidati"], menu: Some((9, "telegram-menu-mydata")) },
        CommandSpec { name: "forget", aliases: &["dimenticami"], menu: Some((10, "telegram-menu-forget")) },
        CommandSpec { name: "grant", aliases: &[], menu: None },
        CommandSpec { name: "revoke", aliases: &[], menu: None },
        CommandSpec { name: "link", aliases: &["collega"], menu: None },
        CommandSpec { name: "notifications", aliases: &["notifiche", "avvisi"], menu: None },
    ],
    buttons: super::buttons::PeopleButton::KINDS,
    intents: &[
        Intent::Greeting,
        Intent::Help,
        Intent::Thanks,
        Intent::Cancel,
        Intent::ChangeLanguage,
        Intent::WhoAmI,
        Intent::NotificationsOff,
        Intent::NotificationsOn,
        Intent::Unknown,
    ],
    flows: &["ask-language", "ask-home", "confirm-forget"],
    help: &[
        HelpLine { id: "help-resident", audience: Audience::Everyone },
        HelpLine { id: "help-staff", audience: Audience::Holding(Role::Staff) },
        HelpLine { id: "help-admin", audience: Audience::Holding(Role::Admin) },
    ],
    jobs: &[
        crate::notes::NOTE_JOB,
        vicinato_core::announcements::SEND_JOB,
        vicinato_core::announcements::correct::CORRECT_JOB,
    ],
};
