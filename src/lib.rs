//! Vicinato: a chat-first platform for community welfare.
//!
//! See ARCHITECTURE.md for the code map and the invariants that hold it together.

pub mod app;
pub mod bench;
pub mod clock;
pub mod config;
pub mod conversation;
pub mod courier;
pub mod csv_safe;
pub mod demo;
pub mod domain;
pub mod guard;
pub mod hsds;
pub mod i18n;
pub mod scheduler;
pub mod serve;
pub mod store;
pub mod testkit;
pub mod transport;
