//! The rules a slot must pass before anyone holds it, as the chat asks them: the rules
//! themselves live in the core ([`vicinato_core::booking::rules`]), the one rule set for every
//! way a slot is taken (a booking confirmed, a waitlist joined, a waiting person promoted, an
//! offer accepted); here they are read with the engine's spaces, houses and store, and a
//! broken rule becomes a reply. Decides nothing of its own.

use crate::{Engine, Reply};
use chrono::{DateTime, Utc};
use vicinato_core::booking::rules;
use vicinato_domain::*;
use vicinato_store::StoreError;

pub use vicinato_core::booking::rules::{Broken, Wish, quota_check};

/// What to tell the person of a broken rule.
pub fn reply(broken: &Broken, zone: chrono_tz::Tz) -> Reply {
    super::slots::refused(&broken.refusal(zone))
}

/// The hours a space keeps: its own, else its house's (with the house's holidays).
pub fn schedule_of(engine: &Engine, space: &Space) -> Schedule {
    let snapshot = engine.snapshot();
    rules::schedule_of(&super::slots::catalogue(engine, &snapshot), space)
}

/// The first rule the wish breaks, if any.
pub async fn broken(engine: &Engine, wish: &Wish<'_>, now: DateTime<Utc>) -> Result<Option<Broken>, StoreError> {
    let snapshot = engine.snapshot();
    rules::broken(engine.store().as_ref(), &super::slots::catalogue(engine, &snapshot), wish, now).await
}

/// The fair-use quota the slot would break, if any.
pub async fn over_quota(
    engine: &Engine,
    wish: &Wish<'_>,
    zone: chrono_tz::Tz,
    now: DateTime<Utc>,
) -> Result<Option<Refusal>, StoreError> {
    rules::over_quota(engine.store().as_ref(), wish, zone, now).await
}
