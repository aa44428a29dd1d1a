//! Community initiatives in chat: proposing, browsing and the card of each initiative with the buttons a role may press, every change of state and its notifications, the decisions and figures of staff, and an accepted community service joining the directory.
//!
//! Names no network and no SQL; what another capability also needs lives in the crate root or a layer below, never in a sibling capability's files.

pub(crate) mod browse;
pub(crate) mod common;
pub(crate) mod community_service;
pub mod decide;
pub mod lifecycle;
pub(crate) mod module;
pub(crate) mod propose;

// What the other capabilities may use of initiatives.
pub(crate) use browse::open;
