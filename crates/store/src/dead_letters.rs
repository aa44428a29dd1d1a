//! Dead letters: work set aside after it failed for good or panicked (a Telegram update, a
//! Matrix event, a scheduler job), so that one bad item cannot stop the rest. A part of
//! [`super::Store`], kept in its own trait. They name what failed and why in a few words,
//! never a message's text or a token.
//!
//! It owns `dead_letters` and must not write anything else.

use super::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// Something set aside.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadLetter {
    pub id: i64,
    /// Who was doing the work: `telegram:<bot>`, `matrix:<bot>`, `scheduler`.
    pub source: String,
    /// The update id, event id or job id.
    pub item: String,
    /// What it was: `update`, `event`, or the job's kind.
    pub kind: String,
    /// A short summary of the failure.
    pub error: String,
    pub at: DateTime<Utc>,
}

/// The longest error summary kept; longer ones are cut on a character boundary.
pub const DEAD_LETTER_ERROR_MAX: usize = 500;

/// Cuts an error summary to [`DEAD_LETTER_ERROR_MAX`] bytes on a character boundary.
pub fn short_error(error: &str) -> String {
    if error.len() <= DEAD_LETTER_ERROR_MAX {
        return error.to_owned();
    }
    let mut end = DEAD_LETTER_ERROR_MAX;
    while !error.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &error[..end])
}

#[async_trait]
pub trait DeadLetterStore: Send + Sync {
    /// Sets an item aside; returns the dead letter's id. The error is cut to a short summary.
    async fn dead_letter_add(
        &self,
        source: &str,
        item: &str,
        kind: &str,
        error: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<i64>;
    /// The latest `limit` dead letters, newest first.
    async fn dead_letters(&self, limit: i64) -> StoreResult<Vec<DeadLetter>>;
}
