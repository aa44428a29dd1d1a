//! `/help`: what this person may do, and only that.

use crate::directory as services;
use crate::i18n::Msg;
use crate::{Reply, Turn};
use vicinato_domain::Role;

pub fn help(turn: &Turn<'_>) -> Reply {
    use crate::registry::{Audience, MODULES};
    // What everyone may do first, then what moderators, staff and admins may do; within each,
    // the modules in registry order, and only those this bot offers.
    let offered: Vec<_> = MODULES.into_iter().filter(|m| turn.engine.offers_module(m)).collect();
    let tiers = [
        Audience::Everyone,
        Audience::Holding(Role::Moderator),
        Audience::Holding(Role::Staff),
        Audience::Holding(Role::Admin),
    ];
    let mut reply = Reply::id("help-intro");
    for tier in tiers {
        if let Audience::Holding(role) = tier
            && !turn.person.holds(role)
        {
            continue;
        }
        for line in offered.iter().flat_map(|m| m.help.iter()).filter(|l| l.audience == tier) {
            reply = reply.then(Msg::new(line.id));
        }
    }
    let reply = reply.then(Msg::new("help-examples")).with_buttons(services::category_buttons(turn));
    if turn.chat_kind == crate::ChatKind::Group { reply.private() } else { reply }
}
