//! The domain core: territories, people and their roles, the service directory, opening hours.
//!
//! Everything here is plain Rust over plain values. It must not name a network, a database or
//! SQL (an architecture test checks this), and it does no I/O: callers hand it a snapshot of
//! what it needs and get values back.

pub mod announcement;
pub mod association;
pub mod booking;
pub mod dates;
pub mod directory;
pub mod holidays;
pub mod ical;
pub mod ids;
pub mod initiative;
pub mod person;
pub mod rooms;
pub mod schedule;
pub mod territory;
pub mod text;

pub use announcement::*;
pub use association::*;
pub use booking::*;
pub use directory::*;
pub use ids::*;
pub use person::*;
pub use schedule::*;
pub use territory::*;
