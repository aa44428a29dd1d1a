//! Community rooms and moderation: linking a group chat to a territory (`link`), the
//! sanctions moderators give and lift (`moderate`), the job that ends a timed one (`jobs`),
//! who may do what to whom (`access`), rules, welcome and join questions (`texts`), joining
//! by request (`join`), reports (`report`) and appeals (`appeal`), and who hears of those
//! (`recipients`); a room's protections applied to messages as they arrive (`protect`), its
//! settings (`settings`: `/protect`, `/room lang`) and a territory's own escalation of
//! warnings (`escalation`). Use cases return typed [`RoomAction`]s (restrict,
//! ban, unban, kick, delete, on a network, in a chat, until a time) that the transports carry
//! out; nothing here names a network's API, a chat layer or SQL.
//!
//! A sanction belongs to the Vicinato person, not to an account: given in a room of territory
//! T, it holds in every linked room of T and its subtree, on every network the person has an
//! account on.
//!
//! [`RoomAction`]: vicinato_domain::rooms::RoomAction

pub mod access;
pub mod appeal;
pub mod audit;
pub mod escalation;
pub mod jobs;
pub mod join;
pub mod link;
pub mod moderate;
pub mod protect;
pub mod reach;
pub mod recipients;
mod refusal;
pub mod report;
pub mod settings;
pub mod texts;

pub use refusal::Refusal;

use chrono::{DateTime, Utc};
use vicinato_domain::rooms::{Case, CaseKind, Closed, ModEntry};
use vicinato_domain::{Network, Person, TerritoryTree};
use vicinato_store::{Store, StoreError};

/// The chat a command was typed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub network: Network,
    pub chat_id: String,
    /// Whether it is a group (rooms are groups; a private chat is no room).
    pub group: bool,
}

/// The case of `key`, of this kind, still open, for an actor who moderates its territory now:
/// what a moderator's press on a report or an appeal first checks.
pub(crate) async fn case_to_decide(
    actor: &Person,
    key: &str,
    kind: CaseKind,
    store: &dyn Store,
    tree: &TerritoryTree,
) -> Result<Result<Case, Refusal>, StoreError> {
    let Some(case) = store.case(key).await?.filter(|c| c.kind == kind && c.closed.is_none()) else {
        return Ok(Err(Refusal::CaseClosed));
    };
    if !access::may_moderate(actor, &case.territory, tree) {
        return Ok(Err(Refusal::NotAllowed));
    }
    Ok(Ok(case))
}

/// A moderator's decision on a case (a report, a held message), taken once: the case of `key`,
/// of this kind, still open and of a territory the actor moderates now, closed with `action`
/// and logged as `<kind>-<action>` in the same write. Of two moderators pressing at once, one
/// closes it and the other is told it is closed. Gives the case as it was and as closed.
pub(crate) async fn decide_once(
    actor: &Person,
    key: &str,
    kind: CaseKind,
    action: &str,
    store: &dyn Store,
    tree: &TerritoryTree,
    now: DateTime<Utc>,
) -> Result<Result<(Case, Case), Refusal>, StoreError> {
    let case = match case_to_decide(actor, key, kind, store, tree).await? {
        Ok(case) => case,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let closed = Case { closed: Some(Closed { by: Some(actor.id), action: action.into(), at: now }), ..case.clone() };
    let entry = ModEntry {
        at: now,
        actor: Some(actor.id),
        subject: Some(case.subject),
        action: format!("{}-{action}", kind.as_str()),
        reason: case.reason.clone(),
        territory: case.territory.clone(),
        network: Some(case.network),
        chat: Some(case.chat_id.clone()),
        until: None,
    };
    if !store.case_close(&closed, &entry).await? {
        return Ok(Err(Refusal::CaseClosed));
    }
    Ok(Ok((case, closed)))
}
