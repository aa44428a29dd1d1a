//! Booking the spaces of welfare houses: one verb-named file per use case (book, cancel,
//! move, approve, wait, hold, check in), each a function of the actor, the input, the store
//! and the time that checks the actor's role and scope, applies the rules and returns an
//! outcome and what to tell people, or a [`crate::Refusal`]. Chat, the command line and the
//! jobs call the same functions. Names no network, no chat and no SQL.
