//! `/help`: what this person may do, and only that.

use crate::directory as services;
use crate::i18n::Msg;
use crate::{Reply, Turn};
use vicinato_domain::Role;

pub fn help(turn: &Turn<'_>) -> Reply {
    let booking = turn.engine.offers(crate::BOOKING);
    let initiatives = turn.engine.offers(crate::INITIATIVES);
    let mut reply = Reply::id("help-intro").then(Msg::new("help-resident"));
    if initiatives {
        reply = reply.then(Msg::new("help-initiatives"));
    }
    if booking {
        reply = reply.then(Msg::new("help-booking"));
    }
    if turn.person.holds(Role::Moderator) && initiatives {
        reply = reply.then(Msg::new("help-moderator"));
    }
    if turn.person.holds(Role::Staff) {
        reply = reply.then(Msg::new("help-staff"));
        if initiatives {
            reply = reply.then(Msg::new("help-staff-initiatives"));
        }
        if booking {
            reply = reply.then(Msg::new("help-staff-booking"));
        }
    }
    if turn.person.roles.iter().any(|g| g.role == Role::Admin) {
        reply = reply.then(Msg::new("help-admin"));
    }
    let reply = reply.then(Msg::new("help-examples")).with_buttons(services::category_buttons(turn));
    if turn.chat_kind == crate::ChatKind::Group { reply.private() } else { reply }
}
