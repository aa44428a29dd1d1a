//! Staff announcements: composing one for an audience (staff of a territory within its
//! subtree, admins anywhere), resolving its recipients when its time comes (one copy per
//! person, on the network and bot that reaches them), cancelling it, reporting how it went,
//! and the residents' opt-outs per topic. One verb-named file per use case; chat, the command
//! line and the send job call the same functions. Names no network, no chat and no SQL:
//! delivering the copies is the chat layer's and the transports'.

pub mod approve;
pub mod cancel;
pub mod compose;
pub mod correct;
pub mod estimate;
pub mod expand;
pub mod opt_out;
pub mod recur;
mod refusal;
pub mod status;

pub use refusal::Refusal;

use vicinato_domain::{Announcement, AnnouncementId, Person, Role, TerritoryTree};

/// The kind of the job that sends an announcement when its time comes.
pub const SEND_JOB: &str = "announcement-send";

/// The key of an announcement's send job.
pub fn job_key(id: AnnouncementId) -> String {
    format!("announce:{id}")
}

/// The send job of an announcement due at `at`: of the announcement `id`, or (`None`) of the
/// one being kept, whose number the store puts in place of `{id}`.
pub fn send_job(id: Option<AnnouncementId>, at: chrono::DateTime<chrono::Utc>) -> vicinato_store::NewJob {
    let id = id.map_or_else(|| "{id}".to_owned(), |id| id.to_string());
    let job = vicinato_store::NewJob {
        kind: SEND_JOB.into(),
        key: Some(format!("announce:{id}")),
        payload: format!("{{\"announcement\":{id}}}"),
        due_at: at,
        cron: None,
        zone: "UTC".into(),
    };
    debug_assert!(serde_json::from_str::<SendPayload>(&job.payload.replace("{id}", "1")).is_ok());
    job
}

/// What the send job carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SendPayload {
    pub announcement: AnnouncementId,
}

/// Who acts on an announcement.
#[derive(Debug, Clone, Copy)]
pub enum By<'a> {
    /// Someone in a chat, with the roles they hold now.
    Person(&'a Person),
    /// The operator at the command line, who holds the database and so every right.
    Operator,
}

impl By<'_> {
    /// Whether this actor may announce to (or manage announcements of) a scope: admins and
    /// the operator anywhere, staff of a territory within its subtree, nobody else.
    pub fn may_address(&self, scope: Option<&vicinato_domain::TerritoryId>, tree: &TerritoryTree) -> bool {
        match self {
            By::Operator => true,
            By::Person(p) => {
                p.roles.iter().any(|g| g.role == Role::Admin) || (scope.is_some() && p.may(Role::Staff, scope, tree))
            }
        }
    }

    /// Whether this actor may see, cancel or correct an announcement: its author, or whoever may
    /// address its scope.
    pub fn may_manage(&self, announcement: &Announcement, tree: &TerritoryTree) -> bool {
        match self {
            By::Person(p) if announcement.author == Some(p.id) => true,
            _ => self.may_address(announcement.audience.territory.as_ref(), tree),
        }
    }
}
