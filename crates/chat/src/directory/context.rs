//! The conversation's context for follow-ups: what the directory last showed in a chat (the
//! query of the last list with its place and day, its page, the services on it, the last
//! card opened), kept in the flow store beside the flow (`<chat>#context`, with the flow's
//! expiry), so it expires, is purged and erased as flows are.

use crate::Turn;
use serde::{Deserialize, Serialize};
use vicinato_domain::*;
use vicinato_store::StoreError;

/// What the directory last showed in this chat.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct Context {
    /// The query of the last list (with its place and day).
    pub query: Option<DirectoryQuery>,
    pub page: usize,
    /// The services on the page shown, and the number of the first.
    pub shown: Vec<ServiceAtLocationId>,
    pub first: usize,
    /// The last card opened.
    pub card: Option<ServiceAtLocationId>,
}

fn key(turn: &Turn<'_>) -> String {
    format!("{}#context", turn.chat_key)
}

pub(crate) async fn load(turn: &Turn<'_>) -> Result<Option<Context>, StoreError> {
    let stored = turn.load_kept(&key(turn)).await?;
    Ok(stored.and_then(|s| serde_json::from_str(&s.state).ok()))
}

pub(crate) async fn save(turn: &Turn<'_>, context: &Context) -> Result<(), StoreError> {
    let state = serde_json::to_string(context).expect("a context always serializes");
    turn.keep_flow(&key(turn), Some(state));
    Ok(())
}

/// Remembers a list just shown.
pub(crate) async fn list_shown(
    turn: &Turn<'_>,
    query: &DirectoryQuery,
    page: usize,
    first: usize,
    shown: Vec<ServiceAtLocationId>,
) -> Result<(), StoreError> {
    let card = load(turn).await?.and_then(|c| c.card).filter(|c| shown.contains(c));
    save(turn, &Context { query: Some(query.clone()), page, shown, first, card }).await
}

/// Remembers a card just opened.
pub(crate) async fn card_shown(turn: &Turn<'_>, id: &ServiceAtLocationId) -> Result<(), StoreError> {
    let mut context = load(turn).await?.unwrap_or_default();
    context.card = Some(id.clone());
    save(turn, &context).await
}
