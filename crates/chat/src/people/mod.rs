//! People in chat: onboarding and deep links, language, help, who am I, my data and forgetting me, roles, linking accounts across networks.
//!
//! Names no network and no SQL; what another capability also needs lives in the crate root or a layer below, never in a sibling capability's files.

pub(crate) mod grant;
pub(crate) mod help;
pub(crate) mod home;
pub(crate) mod language;
pub(crate) mod link;
pub(crate) mod module;
pub(crate) mod privacy;
pub(crate) mod start;
pub(crate) mod whoami;
