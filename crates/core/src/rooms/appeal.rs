//! Appeals: the rule behind `/appeal <text>` (`/ricorso`), typed privately by a person holding
//! a sanction, and the decision on it (uphold or lift). The appeal is against the person's
//! latest mute or ban that holds (else their latest warning), once per sanction; it goes to
//! the territory's moderators other than the one who gave the sanction, when there are
//! others, and that moderator may not decide it then. Lifting ends the sanction once (as
//! `/unmute` and `/unban` do) and undoes it in every room it held in.

use super::Refusal;
use super::jobs::end_job;
use super::reach::actions_for;
use super::recipients::{Recipients, moderators_of};
use chrono::{DateTime, Utc};
use vicinato_domain::rooms::{Case, CaseKind, Closed, ModEntry, RoomAction, RoomActionKind, Sanction, SanctionKind};
use vicinato_domain::{Network, Person, TerritoryTree};
use vicinato_store::{Store, StoreError};

/// The longest appeal kept.
pub const MAX_APPEAL_CHARS: usize = 1000;

/// An appeal made: against which sanction, and who should hear of it.
#[derive(Debug, Clone)]
pub struct Appealed {
    pub case: Case,
    pub sanction: Sanction,
    pub recipients: Recipients,
}

/// The key of the appeal against a sanction.
pub fn appeal_key(sanction: &Sanction) -> String {
    format!("a{}", sanction.key)
}

/// A person appeals against their sanction.
pub async fn appeal(
    actor: &Person,
    network: Network,
    text: &str,
    store: &dyn Store,
    tree: &TerritoryTree,
    now: DateTime<Utc>,
) -> Result<Result<Appealed, Refusal>, StoreError> {
    let text: String = text.trim().chars().take(MAX_APPEAL_CHARS).collect();
    if text.is_empty() {
        return Ok(Err(Refusal::NeedsText));
    }
    let held: Vec<Sanction> = store.sanctions_of(actor.id).await?.into_iter().filter(|s| s.holds(now)).collect();
    let latest = held
        .iter()
        .rev()
        .find(|s| s.kind != SanctionKind::Warning)
        .or_else(|| held.iter().rev().find(|s| s.kind == SanctionKind::Warning));
    let Some(sanction) = latest.cloned() else {
        return Ok(Err(Refusal::NothingToAppeal));
    };
    let key = appeal_key(&sanction);
    if store.case(&key).await?.is_some() {
        return Ok(Err(Refusal::AlreadyAppealed));
    }
    let account =
        actor.accounts.iter().find(|a| a.network == network).map(|a| a.external_id.clone()).unwrap_or_default();
    let case = Case {
        key,
        kind: CaseKind::Appeal,
        territory: sanction.territory.clone(),
        network,
        chat_id: String::new(),
        by: actor.id,
        subject: actor.id,
        subject_account: account,
        subject_name: actor.display_name.clone(),
        message_id: None,
        text,
        reason: sanction.reason.clone(),
        sanction: Some(sanction.key.clone()),
        acted_by: sanction.by,
        answered: 0,
        media: None,
        at: now,
        closed: None,
    };
    let entry = ModEntry {
        at: now,
        actor: Some(actor.id),
        subject: Some(actor.id),
        action: "appeal".into(),
        reason: sanction.kind.as_str().into(),
        territory: sanction.territory.clone(),
        network: Some(network),
        chat: None,
        until: sanction.until,
    };
    store.case_put(&case, Some(&entry)).await?;
    let recipients = moderators_of(&sanction.territory, sanction.by, store, tree).await?;
    Ok(Ok(Appealed { case, sanction, recipients }))
}

/// An appeal decided.
#[derive(Debug, Clone)]
pub struct AppealDecided {
    pub case: Case,
    /// The appellant, to tell.
    pub appellant: Person,
    pub lifted: bool,
    /// What lifting does in the rooms.
    pub actions: Vec<RoomAction>,
}

/// A moderator upholds or lifts the sanction appealed against.
pub async fn decide(
    actor: &Person,
    key: &str,
    lift: bool,
    store: &dyn Store,
    tree: &TerritoryTree,
    now: DateTime<Utc>,
) -> Result<Result<AppealDecided, Refusal>, StoreError> {
    let case = match super::case_to_decide(actor, key, CaseKind::Appeal, store, tree).await? {
        Ok(case) => case,
        Err(refusal) => return Ok(Err(refusal)),
    };
    if case.by == actor.id {
        return Ok(Err(Refusal::NotYourself));
    }
    if case.acted_by == Some(actor.id) {
        // The one who acted decides only when nobody else could.
        let others = moderators_of(&case.territory, case.acted_by, store, tree).await?;
        let only_them = matches!(&others, Recipients::People(p) if p.iter().all(|p| p.id == actor.id));
        if !only_them {
            return Ok(Err(Refusal::ActedOnIt));
        }
    }
    let Some(appellant) = store.person(case.by).await? else {
        return Ok(Err(Refusal::CaseClosed));
    };
    let action = if lift { "appeal-lift" } else { "appeal-uphold" };
    let closed = Case { closed: Some(Closed { by: Some(actor.id), action: action.into(), at: now }), ..case.clone() };
    let entry = ModEntry {
        at: now,
        actor: Some(actor.id),
        subject: Some(case.by),
        action: action.into(),
        reason: String::new(),
        territory: case.territory.clone(),
        network: Some(case.network),
        chat: None,
        until: None,
    };
    if !store.case_close(&closed, &entry).await? {
        return Ok(Err(Refusal::CaseClosed));
    }
    let mut actions = Vec::new();
    if lift
        && let Some(key) = &case.sanction
        && let Some(s) = store.sanction(key).await?
        && s.holds(now)
    {
        let ended = Sanction { lifted_at: Some(now), ..s.clone() };
        let lifted = ModEntry {
            action: match s.kind {
                SanctionKind::Warning => "unwarn",
                SanctionKind::Mute => "unmute",
                SanctionKind::Ban => "unban",
            }
            .into(),
            reason: "appeal".into(),
            until: None,
            ..entry.clone()
        };
        if store.sanction_end(&ended, &lifted, Some(&end_job(&s.key))).await? {
            let undo = match s.kind {
                SanctionKind::Mute => Some(RoomActionKind::Unrestrict),
                SanctionKind::Ban => Some(RoomActionKind::Unban),
                SanctionKind::Warning => None,
            };
            if let Some(undo) = undo {
                actions = actions_for(&appellant, &s.territory, undo, store, tree).await?;
            }
        }
    }
    Ok(Ok(AppealDecided { case: closed, appellant, lifted: lift, actions }))
}
