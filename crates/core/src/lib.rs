//! The core below the chat layer: what every entry point (chat, command line, jobs) shares
//! and that names no network, no SQL and no chat. The scheduler of persisted jobs, the clock,
//! the guard that keeps one bad item from stopping the rest, the formula-safe CSV writer, the
//! HSDS import and export, the demo dataset, and secrets read from configuration.

pub mod clock;
pub mod csv_safe;
pub mod demo;
pub mod guard;
pub mod hsds;
pub mod scheduler;
pub mod secret;

pub use secret::Secret;
