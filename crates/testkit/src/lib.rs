//! Test peers and test data, never part of the product: [`telegram`] is a Telegram Bot API
//! server on loopback that speaks the real protocol and enforces Telegram's limits (for the
//! end-to-end tests, the Telegram benchmarks and trying without an account), [`synapse`]
//! starts a real Matrix homeserver (for the Matrix tests and the broadcast benchmark), and
//! [`hostile_text`] generates the text a hostile or unlucky sender writes, for property tests.
//! Only tests, and the `vicinato` binary built with its `testkit` feature (the benchmarks),
//! depend on this crate; `tests/it/architecture.rs` checks that no product crate does.

pub mod hostile_text;
pub mod net;
pub mod synapse;
pub mod telegram;
