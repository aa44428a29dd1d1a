//! Moderation in a linked room: the rule behind `/warn`, `/unwarn`, `/warns`, `/mute`,
//! `/unmute`, `/ban`, `/unban`, `/kick` and `/del`, typed as a reply to a member's message.
//! The actor must moderate or staff the room's territory; the member must not be protected
//! ([`super::access`]). A sanction is the person's: it is stored once, audited, ended by a
//! job when timed, and comes back as one [`RoomAction`] per linked room of the territory's
//! subtree and account of the person on that room's network. Warnings escalate by the
//! territory's [`Escalation`] (its own, else the nearest ancestor's, else the default:
//! [`super::escalation::escalation_for`]).

use super::access::{may_moderate, protected};
use super::escalation::escalation_for;
use super::jobs::{END_JOB, end_job};
use super::reach::actions_for;
use super::settings::moderated_room;
use super::{Place, Refusal};
use chrono::{DateTime, Duration, Utc};
use std::sync::atomic::{AtomicU64, Ordering};
use vicinato_domain::rooms::{Escalation, ModEntry, Room, RoomAction, RoomActionKind, Sanction, SanctionKind};
use vicinato_domain::{Account, Person, PersonId, TerritoryId, TerritoryTree};
use vicinato_store::{Store, StoreError};

/// What the moderator asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Warn,
    Unwarn,
    Mute(Duration),
    Unmute,
    /// For good without a duration.
    Ban(Option<Duration>),
    Unban,
    Kick,
    /// Delete the message replied to.
    Delete {
        message_id: String,
    },
}

impl Step {
    fn action(&self) -> &'static str {
        match self {
            Self::Warn => "warn",
            Self::Unwarn => "unwarn",
            Self::Mute(_) => "mute",
            Self::Unmute => "unmute",
            Self::Ban(_) => "ban",
            Self::Unban => "unban",
            Self::Kick => "kick",
            Self::Delete { .. } => "delete",
        }
    }
}

/// A moderation command typed in a room as a reply to a member's message.
#[derive(Debug, Clone)]
pub struct Moderation {
    pub place: Place,
    /// The member replied to, and the name the network shows.
    pub member: Option<(Account, String)>,
    pub step: Step,
    pub reason: String,
}

/// What was done, for the replies and the note to the member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Done {
    /// A warning; `count` warnings hold within the window now.
    Warned {
        count: u32,
        /// The warnings that bring a mute in this territory.
        limit: u32,
    },
    Unwarned {
        count: u32,
    },
    Muted {
        until: DateTime<Utc>,
    },
    Banned {
        until: Option<DateTime<Utc>>,
    },
    Unmuted,
    Unbanned,
    Kicked,
    Deleted,
}

/// The outcome of a moderation command.
#[derive(Debug, Clone)]
pub struct Moderated {
    pub member: Person,
    pub room: Room,
    /// In order: the step asked for, then what the escalation added.
    pub done: Vec<Done>,
    pub actions: Vec<RoomAction>,
    /// The sanctions given (their keys name their end jobs).
    pub given: Vec<Sanction>,
}

static SEQ: AtomicU64 = AtomicU64::new(0);

fn new_key(member: &Person, kind: SanctionKind, now: DateTime<Utc>) -> String {
    let n = SEQ.fetch_add(1, Ordering::Relaxed);
    format!("{}-{}-{}-{n}", member.id.0, kind.as_str(), now.timestamp_millis())
}

/// The warnings of a person that count in `territory` at `now`.
fn warnings(all: &[Sanction], territory: &TerritoryId, since: DateTime<Utc>, now: DateTime<Utc>) -> Vec<Sanction> {
    all.iter()
        .filter(|s| s.kind == SanctionKind::Warning && &s.territory == territory && s.at >= since && s.holds(now))
        .cloned()
        .collect()
}

/// Runs a moderation command; warnings escalate by the room's territory's escalation, or
/// `default` where no territory up the tree sets one.
pub async fn moderate(
    actor: &Person,
    input: Moderation,
    store: &dyn Store,
    tree: &TerritoryTree,
    default: &Escalation,
    now: DateTime<Utc>,
) -> Result<Result<Moderated, Refusal>, StoreError> {
    if !input.place.group {
        return Ok(Err(Refusal::NotInGroup));
    }
    let Some(room) = store.room(input.place.network, &input.place.chat_id).await? else {
        return Ok(Err(Refusal::NotLinked));
    };
    if !may_moderate(actor, &room.territory, tree) {
        return Ok(Err(Refusal::NotAllowed));
    }
    let Some((account, name)) = input.member else {
        return Ok(Err(Refusal::NeedsReply));
    };
    // The member may never have written to Vicinato: the sanction is still the person's.
    let member = store.person_for_account(&account, &name, now).await?;
    if member.id == actor.id {
        return Ok(Err(Refusal::NotYourself));
    }
    if protected(actor, &member, tree) {
        return Ok(Err(Refusal::Protected));
    }
    let t = room.territory.clone();
    let (escalation, _) = escalation_for(&t, store, tree, default).await?;
    let entry = |action: &str, until: Option<DateTime<Utc>>| ModEntry {
        at: now,
        actor: Some(actor.id),
        subject: Some(member.id),
        action: action.to_owned(),
        reason: input.reason.clone(),
        territory: t.clone(),
        network: Some(room.network),
        chat: Some(room.chat_id.clone()),
        until,
    };
    let in_this_room = |kind: RoomActionKind| RoomAction {
        network: room.network,
        chat_id: room.chat_id.clone(),
        member: account.external_id.clone(),
        kind,
        reason: input.reason.clone(),
    };
    let by = Some(actor.id);
    let mut out =
        Moderated { member: member.clone(), room: room.clone(), done: vec![], actions: vec![], given: vec![] };
    match &input.step {
        Step::Kick => {
            store.moderation_log_add(&entry("kick", None)).await?;
            out.actions.push(in_this_room(RoomActionKind::Kick));
            out.done.push(Done::Kicked);
        }
        Step::Delete { message_id } => {
            store.moderation_log_add(&entry("delete", None)).await?;
            out.actions.push(in_this_room(RoomActionKind::Delete { message_id: message_id.clone() }));
            out.done.push(Done::Deleted);
        }
        Step::Warn => {
            let all = store.sanctions_of(member.id).await?;
            let since = now - Duration::days(i64::from(escalation.window_days));
            let count = warnings(&all, &t, since, now).len() as u32 + 1;
            give(store, &member, &t, SanctionKind::Warning, None, &input.reason, by, entry("warn", None), &mut out)
                .await?;
            out.done.push(Done::Warned { count, limit: escalation.warnings });
            match escalation.after(count) {
                Some((SanctionKind::Mute, d)) => {
                    let until = now + d;
                    let e = entry("mute", Some(until));
                    give(store, &member, &t, SanctionKind::Mute, Some(until), &input.reason, by, e, &mut out).await?;
                    out.actions.extend(
                        actions_for(&member, &t, RoomActionKind::Restrict { until: Some(until) }, store, tree).await?,
                    );
                    out.done.push(Done::Muted { until });
                }
                Some((_, d)) => {
                    let until = now + d;
                    let e = entry("ban", Some(until));
                    give(store, &member, &t, SanctionKind::Ban, Some(until), &input.reason, by, e, &mut out).await?;
                    out.actions.extend(
                        actions_for(&member, &t, RoomActionKind::Ban { until: Some(until) }, store, tree).await?,
                    );
                    out.done.push(Done::Banned { until: Some(until) });
                }
                None => {}
            }
        }
        Step::Mute(d) => {
            let until = now + *d;
            let e = entry("mute", Some(until));
            give(store, &member, &t, SanctionKind::Mute, Some(until), &input.reason, by, e, &mut out).await?;
            out.actions
                .extend(actions_for(&member, &t, RoomActionKind::Restrict { until: Some(until) }, store, tree).await?);
            out.done.push(Done::Muted { until });
        }
        Step::Ban(d) => {
            let until = d.map(|d| now + d);
            let e = entry("ban", until);
            give(store, &member, &t, SanctionKind::Ban, until, &input.reason, by, e, &mut out).await?;
            out.actions.extend(actions_for(&member, &t, RoomActionKind::Ban { until }, store, tree).await?);
            out.done.push(Done::Banned { until });
        }
        Step::Unwarn | Step::Unmute | Step::Unban => {
            let kind = match input.step {
                Step::Unwarn => SanctionKind::Warning,
                Step::Unmute => SanctionKind::Mute,
                _ => SanctionKind::Ban,
            };
            let all = store.sanctions_of(member.id).await?;
            // Those that hold here: given in this room's territory or above it.
            let mut holding: Vec<Sanction> = all
                .into_iter()
                .filter(|s| s.kind == kind && s.holds(now) && tree.contains(&s.territory, &t))
                .filter(|s| may_moderate(actor, &s.territory, tree))
                .collect();
            if kind == SanctionKind::Warning {
                // One warning at a time: the latest.
                holding = holding.pop().into_iter().collect();
            }
            if holding.is_empty() {
                return Ok(Err(Refusal::NothingToLift));
            }
            for s in holding {
                let ended = Sanction { lifted_at: Some(now), ..s.clone() };
                let e = ModEntry { territory: s.territory.clone(), ..entry(input.step.action(), None) };
                if store.sanction_end(&ended, &e, Some(&end_job(&s.key))).await? {
                    let undo = match kind {
                        SanctionKind::Mute => Some(RoomActionKind::Unrestrict),
                        SanctionKind::Ban => Some(RoomActionKind::Unban),
                        SanctionKind::Warning => None,
                    };
                    if let Some(undo) = undo {
                        out.actions.extend(actions_for(&member, &s.territory, undo, store, tree).await?);
                    }
                }
            }
            out.done.push(match kind {
                SanctionKind::Warning => {
                    let since = now - Duration::days(i64::from(escalation.window_days));
                    let left = store.sanctions_of(member.id).await?;
                    Done::Unwarned { count: warnings(&left, &t, since, now).len() as u32 }
                }
                SanctionKind::Mute => Done::Unmuted,
                SanctionKind::Ban => Done::Unbanned,
            });
        }
    }
    for action in &mut out.actions {
        action.reason.clone_from(&input.reason);
    }
    Ok(Ok(out))
}

/// Stores a sanction with its log entry and, when timed, the job that ends it; `by` is the
/// moderator (`None`: Vicinato's protections).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn give(
    store: &dyn Store,
    member: &Person,
    territory: &TerritoryId,
    kind: SanctionKind,
    until: Option<DateTime<Utc>>,
    reason: &str,
    by: Option<PersonId>,
    entry: ModEntry,
    out: &mut Moderated,
) -> Result<(), StoreError> {
    let now = entry.at;
    let sanction = Sanction {
        key: new_key(member, kind, now),
        person: member.id,
        territory: territory.clone(),
        kind,
        reason: reason.to_owned(),
        by,
        at: now,
        until,
        lifted_at: None,
    };
    let job = until.filter(|_| kind != SanctionKind::Warning).map(|due| vicinato_store::NewJob {
        kind: END_JOB.into(),
        key: Some(end_job(&sanction.key)),
        payload: sanction.key.clone(),
        due_at: due,
        cron: None,
        zone: "UTC".into(),
    });
    store.sanction_give(&sanction, &entry, job.as_ref()).await?;
    out.given.push(sanction);
    Ok(())
}

/// What a person holds now (active mutes and bans, and warnings within the window) in the
/// territory of a room: for `/warns`.
pub async fn standing(
    actor: &Person,
    place: &Place,
    member: Option<(Account, String)>,
    store: &dyn Store,
    tree: &TerritoryTree,
    default: &Escalation,
    now: DateTime<Utc>,
) -> Result<Result<(Person, Vec<Sanction>), Refusal>, StoreError> {
    let room = match moderated_room(actor, place, store, tree).await? {
        Ok(room) => room,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let Some((account, name)) = member else {
        return Ok(Err(Refusal::NeedsReply));
    };
    let member = store.person_for_account(&account, &name, now).await?;
    let (escalation, _) = escalation_for(&room.territory, store, tree, default).await?;
    let since = now - Duration::days(i64::from(escalation.window_days));
    let held = store
        .sanctions_of(member.id)
        .await?
        .into_iter()
        .filter(|s| s.holds(now) && tree.contains(&s.territory, &room.territory))
        .filter(|s| s.kind != SanctionKind::Warning || s.at >= since)
        .collect();
    Ok(Ok((member, held)))
}

/// The moderation log of a room's territory (and its subtree), newest first: for `/modlog`.
pub async fn log(
    actor: &Person,
    place: &Place,
    store: &dyn Store,
    tree: &TerritoryTree,
    limit: i64,
) -> Result<Result<Vec<ModEntry>, Refusal>, StoreError> {
    let room = match moderated_room(actor, place, store, tree).await? {
        Ok(room) => room,
        Err(refusal) => return Ok(Err(refusal)),
    };
    Ok(Ok(store.moderation_log(&tree.subtree(&room.territory), limit).await?))
}
