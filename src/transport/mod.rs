//! Transports: the only code that knows a network. Each turns its network's events into
//! [`crate::conversation::Inbound`] messages and [`crate::conversation::Rendered`] replies
//! into its network's messages, escaping every text it did not write itself.

pub mod console;
pub mod telegram;
