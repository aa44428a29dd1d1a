//! Community initiatives: one verb-named file per use case (propose, submit, publish,
//! support, join, vote, report, decide, comment), each a function of the actor, the input,
//! the store and the time that checks the actor's role and scope, applies the rules and returns
//! an outcome and what to tell people, or a [`crate::Refusal`]. Chat, the command line and the
//! jobs call the same functions. Names no network, no chat and no SQL.
//!
//! The rule of every change of state a person asks for is [`change`]; the checks every use
//! case starts with (who the actor is to an initiative, what they may see, the phase) are
//! [`access`]; what to tell people is an [`Event`]; why not is a [`Refusal`]. The jobs call
//! [`expire`] (support deadline), [`tally`] (votes) and [`hold::took_place`].

pub mod access;
pub mod change;
pub mod comment;
pub mod decide;
pub mod event;
pub mod expire;
pub mod hold;
pub mod join;
pub mod leave;
pub mod propose;
pub mod publish;
pub mod refusal;
pub mod report;
pub mod schedule;
pub mod submit;
pub mod support;
pub mod tally;
pub mod unsupport;
pub mod update;
pub mod vote;
pub mod withdraw;

#[cfg(test)]
mod testing;

pub use access::{Context, Decided};
pub use change::{Change, Changed};
pub use event::Event;
pub use refusal::Refusal;
