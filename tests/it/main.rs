#![recursion_limit = "256"]
//! Vicinato's integration tests, one binary: end-to-end conversations through the console
//! transport and through Telegram (against a Bot API test server), the store conformance suite on SQLite and PostgreSQL (and their schemas compared), the command line, and
//! the architecture and locale invariants.

mod announce_chat;
mod announcements;
mod app;
mod architecture;
mod booking;
mod booking_more;
mod charts;
mod cli;
mod conformance;
mod console;
mod conversation;
mod dates;
mod delivery;
mod fan_out;
mod followups;
mod hardening;
mod initiatives;
mod locales;
mod matrix;
mod matrix_rooms;
mod ops;
mod properties;
mod registry;
mod rooms;
mod scheduler;
mod schema;
mod support;
mod synapse;
mod takeover;
mod telegram;
mod understanding;
