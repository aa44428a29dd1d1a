//! A resident stops or restarts announcements, of one topic (a category) or of all of them.
//! Anyone may do it for themselves, on any network; it holds for the person, not the account.

use chrono::{DateTime, Utc};
use vicinato_domain::{ALL_TOPICS, PersonId};
use vicinato_store::{Store, StoreError};

/// Stops (`off`) or restarts announcements of `topic` (`None`: all of them) for a person;
/// `false` when it already was so.
pub async fn set(
    person: PersonId,
    topic: Option<&str>,
    off: bool,
    store: &dyn Store,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    store.opt_out(person, topic.unwrap_or(ALL_TOPICS), off, now).await
}
