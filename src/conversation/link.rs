//! `/link`: one person on several networks. Asked for on one network, it gives a one-time code;
//! typed on another (`/link 1234 5678`), it joins that account to the same person, so their
//! bookings, supports and votes are one person's (one support per person, across networks).
//! The code is sent only privately and lasts a few minutes.

use super::{Reply, Turn};
use crate::i18n::Msg;
use crate::store::StoreError;
use chrono::Duration;
use std::hash::{BuildHasher, Hasher};

/// How long a code can be used.
const VALID_MINUTES: i64 = 10;

fn fresh_code(salt: i64) -> String {
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_i64(salt);
    h.write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0));
    format!("{:08}", h.finish() % 100_000_000)
}

pub async fn link(turn: &mut Turn<'_>, arg: Option<&str>) -> Result<Vec<Reply>, StoreError> {
    let typed: String = arg.unwrap_or("").chars().filter(|c| !c.is_whitespace()).collect();
    if typed.is_empty() {
        let expires = turn.now + Duration::minutes(VALID_MINUTES);
        let mut code = fresh_code(turn.person.id.0);
        // A code already in use by someone else (very rare): draw again.
        for attempt in 0.. {
            match turn.store().link_code_put(turn.person.id, &code, expires).await {
                Ok(()) => break,
                Err(e) if attempt >= 2 => return Err(e),
                Err(_) => code = fresh_code(turn.person.id.0 + attempt + 1),
            }
        }
        let shown = format!("{} {}", &code[..4], &code[4..]);
        return Ok(vec![Reply::say(Msg::new("link-code").text("code", shown).num("minutes", VALID_MINUTES)).private()]);
    }
    if !typed.chars().all(|c| c.is_ascii_digit()) || typed.len() != 8 {
        return Ok(vec![Reply::id("link-unknown").private()]);
    }
    match turn.store().link_accounts(&typed, turn.person.id, turn.now).await? {
        None => Ok(vec![Reply::id("link-unknown").private()]),
        Some(kept) if kept == turn.person.id => Ok(vec![Reply::id("link-same").private()]),
        Some(kept) => {
            tracing::info!(person = %kept, joined = %turn.person.id, "accounts linked");
            // The flow belonged to the person who no longer exists.
            turn.flow = None;
            Ok(vec![Reply::id("link-done").private()])
        }
    }
}
