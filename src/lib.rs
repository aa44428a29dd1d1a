//! Vicinato: a chat-first platform for community welfare.
//!
//! This package is the `vicinato` binary and its wiring: configuration, the composition root
//! (`app`), `serve` and its operators' endpoint (`ops`), backups, the lock that keeps one `serve` per SQLite file (`lease`), the benchmarks. The layers live in `crates/`; they are re-exported here
//! under the names the command line and the tests use. See ARCHITECTURE.md for the code map
//! and the rules of who may import whom.

pub mod app;
pub mod backup;
pub mod bench;
pub mod broadcast;
pub mod config;
pub mod lease;
pub mod ops;
pub mod serve;

pub use vicinato_chat as conversation;
pub use vicinato_chat::{courier, i18n};
pub use vicinato_core as core;
pub use vicinato_core::{clock, csv_safe, demo, guard, hsds, scheduler};
pub use vicinato_domain as domain;
pub use vicinato_store as store;

/// The transports: the terminal, Telegram and Matrix.
pub mod transport {
    pub use vicinato_matrix as matrix;
    pub use vicinato_telegram as telegram;
    pub use vicinato_transport::*;
}
