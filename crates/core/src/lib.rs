//! The core below the chat layer: the use cases of every capability (`announcements`, `booking`,
//! `directory`, `initiatives`, `people`), which chat, the command line and the jobs all call,
//! and what every entry point shares: one error policy ([`Refusal`]), the scheduler of
//! persisted jobs, the clock, the guard that keeps one bad item from stopping the rest, the
//! formula-safe CSV writer, the HSDS import and export, the demo dataset, secrets read from
//! configuration, the operators' metrics, and waiting on stop signals (`stop`). Names no
//! network, no SQL and no chat.

pub mod announcements;
pub mod booking;
pub mod clock;
pub mod csv_safe;
pub mod demo;
pub mod directory;
pub mod guard;
pub mod hsds;
pub mod initiatives;
pub mod metrics;
pub mod people;
pub mod refusal;
pub mod rooms;
pub mod scheduler;
pub mod secret;
pub mod stop;

pub use refusal::{Arg, Refusal};
pub use secret::Secret;
pub use stop::until_true;
