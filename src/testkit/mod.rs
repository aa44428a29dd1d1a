//! Test peers that speak real protocols on loopback, for the end-to-end tests, the
//! benchmarks and local trying without an account: [`telegram`] is a Telegram Bot API server.
//! Nothing in the product depends on this module.

pub mod telegram;
