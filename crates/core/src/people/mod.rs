//! People: roles granted and revoked, accounts linked across networks, a person's data
//! exported and erased. One verb-named file per use case, each a function of the actor, the
//! input, the store and the time that checks the actor's role and scope and returns an outcome
//! or a [`crate::Refusal`]. Chat and the command line call the same functions. Names no
//! network, no chat and no SQL.

pub mod erase;
pub mod grant;
pub mod link;
mod refusal;

pub use refusal::Refusal;
