//! Reports: the rule behind `/report [reason]` (`/segnala`), typed as a reply to a member's
//! message in a linked room, and the moderators' decision on it (delete, warn, mute an hour,
//! ban a day, dismiss). Any member may report; the reported message's text is kept with the
//! report; the decision is taken by a moderator or staff of the room's territory, checked
//! when the button is pressed, and goes through the same rules as the commands
//! ([`super::moderate::moderate`]): nobody protected is sanctioned. A report is decided once.

use super::moderate::{Moderated, Moderation, Step, moderate};
use super::recipients::{Recipients, moderators_of};
use super::{Place, Refusal};
use chrono::{DateTime, Duration, Utc};
use std::sync::atomic::{AtomicU64, Ordering};
use vicinato_domain::rooms::{Case, CaseKind, Escalation, ModEntry, Room};
use vicinato_domain::{Account, Person, TerritoryTree};
use vicinato_store::{Store, StoreError};

/// The longest text of a reported message kept.
pub const MAX_QUOTED_CHARS: usize = 1000;

/// `/report [reason]` as a reply to a member's message.
#[derive(Debug, Clone)]
pub struct NewReport {
    pub place: Place,
    /// The member replied to, and the name the network shows.
    pub member: Option<(Account, String)>,
    pub message_id: Option<String>,
    pub text: Option<String>,
    pub reason: String,
}

/// A report made: who should hear of it.
#[derive(Debug, Clone)]
pub struct Reported {
    pub case: Case,
    pub room: Room,
    pub recipients: Recipients,
}

static SEQ: AtomicU64 = AtomicU64::new(0);

/// Reports a member's message to the territory's moderators.
pub async fn report(
    actor: &Person,
    input: NewReport,
    store: &dyn Store,
    tree: &TerritoryTree,
    now: DateTime<Utc>,
) -> Result<Result<Reported, Refusal>, StoreError> {
    if !input.place.group {
        return Ok(Err(Refusal::NotInGroup));
    }
    let Some(room) = store.room(input.place.network, &input.place.chat_id).await? else {
        return Ok(Err(Refusal::NotLinked));
    };
    let Some((account, name)) = input.member else {
        return Ok(Err(Refusal::NeedsReply));
    };
    let member = store.person_for_account(&account, &name, now).await?;
    if member.id == actor.id {
        return Ok(Err(Refusal::ReportYourself));
    }
    let n = SEQ.fetch_add(1, Ordering::Relaxed);
    let case = Case {
        key: format!("r{}-{n}", now.timestamp_millis()),
        kind: CaseKind::Report,
        territory: room.territory.clone(),
        network: room.network,
        chat_id: room.chat_id.clone(),
        by: actor.id,
        subject: member.id,
        subject_account: account.external_id.clone(),
        subject_name: member.display_name.clone(),
        message_id: input.message_id,
        text: input.text.unwrap_or_default().chars().take(MAX_QUOTED_CHARS).collect(),
        reason: input.reason,
        sanction: None,
        acted_by: None,
        answered: 0,
        media: None,
        at: now,
        closed: None,
    };
    let entry = ModEntry {
        at: now,
        actor: Some(actor.id),
        subject: Some(member.id),
        action: "report".into(),
        reason: case.reason.clone(),
        territory: room.territory.clone(),
        network: Some(room.network),
        chat: Some(room.chat_id.clone()),
        until: None,
    };
    store.case_put(&case, Some(&entry)).await?;
    let recipients = moderators_of(&room.territory, None, store, tree).await?;
    Ok(Ok(Reported { case, room, recipients }))
}

/// What a moderator decides on a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Delete,
    Warn,
    /// Mute for an hour.
    Mute,
    /// Ban for a day.
    Ban,
    Dismiss,
}

impl Decision {
    pub const ALL: [Decision; 5] = [Self::Delete, Self::Warn, Self::Mute, Self::Ban, Self::Dismiss];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Delete => "del",
            Self::Warn => "warn",
            Self::Mute => "mute",
            Self::Ban => "ban",
            Self::Dismiss => "dismiss",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.as_str() == raw)
    }
}

/// A report decided: the case closed, and what was done in the rooms (none when dismissed).
#[derive(Debug, Clone)]
pub struct Decided {
    pub case: Case,
    pub moderated: Option<Moderated>,
}

/// A moderator decides a report. The case is closed first, so two moderators pressing at once
/// act once; when the rules then refuse the step, the case is open again.
pub async fn decide(
    actor: &Person,
    key: &str,
    decision: Decision,
    store: &dyn Store,
    tree: &TerritoryTree,
    escalation: &Escalation,
    now: DateTime<Utc>,
) -> Result<Result<Decided, Refusal>, StoreError> {
    let (case, closed) =
        match super::decide_once(actor, key, CaseKind::Report, decision.as_str(), store, tree, now).await? {
            Ok(decided) => decided,
            Err(refusal) => return Ok(Err(refusal)),
        };
    let step = match decision {
        Decision::Dismiss => return Ok(Ok(Decided { case: closed, moderated: None })),
        Decision::Delete => match &case.message_id {
            Some(m) => Step::Delete { message_id: m.clone() },
            None => return Ok(Ok(Decided { case: closed, moderated: None })),
        },
        Decision::Warn => Step::Warn,
        Decision::Mute => Step::Mute(Duration::hours(1)),
        Decision::Ban => Step::Ban(Some(Duration::days(1))),
    };
    let input = Moderation {
        place: Place { network: case.network, chat_id: case.chat_id.clone(), group: true },
        member: Some((Account::new(case.network, case.subject_account.clone()), case.subject_name.clone())),
        step,
        reason: case.reason.clone(),
    };
    match moderate(actor, input, store, tree, escalation, now).await? {
        Ok(done) => Ok(Ok(Decided { case: closed, moderated: Some(done) })),
        Err(refusal) => {
            // Not done: the report waits for another decision.
            store.case_put(&case, None).await?;
            Ok(Err(refusal))
        }
    }
}
