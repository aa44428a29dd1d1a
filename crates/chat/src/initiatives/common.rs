//! What every initiatives file shares: how a status, a theme, a territory and a time are
//! said, the phase of a territory, who the person is to an initiative (author, moderator,
//! staff), the audit entry of an action, and finding an initiative the person may see.

use crate::i18n::Msg;
use crate::{Reply, Turn};
use chrono::Datelike;
use vicinato_domain::initiative::*;
use vicinato_domain::{Role, TerritoryId};
use vicinato_store::{AuditEntry, StoreError};

pub(crate) fn status_msg(status: Status) -> Msg {
    Msg::new(format!("ini-status-{}", status.as_str().replace('_', "-")))
}

pub(crate) fn theme_msg(theme: &str) -> Msg {
    Msg::new(format!("ini-theme-{theme}"))
}

pub(crate) fn territory_name(turn: &Turn<'_>, id: &TerritoryId) -> String {
    turn.snapshot.tree.get(id).map(|t| t.name.clone()).unwrap_or_else(|| id.to_string())
}

/// "sabato 5/12 alle 15:00", in the conversation's zone.
pub(crate) fn when_text(engine: &crate::Engine, at: chrono::DateTime<chrono::Utc>) -> Msg {
    let local = at.with_timezone(&engine.settings().time_zone);
    Msg::new("ini-when")
        .msg("day", Msg::new(format!("weekday-{}", local.weekday().num_days_from_monday())))
        .text("date", local.format("%-d/%-m").to_string())
        .text("time", local.format("%H:%M").to_string())
}

/// The governance phase of a territory: its own, else its nearest ancestor's, else phase 1.
pub(crate) async fn phase_of(turn: &Turn<'_>, territory: &TerritoryId) -> Result<Phase, StoreError> {
    let set = turn.store().governance().await?;
    Ok(phase_in(&turn.snapshot.tree, &set, territory))
}

pub(crate) fn phase_in(
    tree: &vicinato_domain::TerritoryTree,
    set: &[(TerritoryId, Phase)],
    territory: &TerritoryId,
) -> Phase {
    for t in tree.ancestors_and_self(territory) {
        if let Some((_, phase)) = set.iter().find(|(id, _)| *id == t.id) {
            return *phase;
        }
    }
    Phase::Institutional
}

pub(crate) fn is_staff(turn: &Turn<'_>, ini: &Initiative) -> bool {
    turn.person.may(Role::Staff, Some(&ini.territory), &turn.snapshot.tree)
}

pub(crate) fn is_moderator(turn: &Turn<'_>, ini: &Initiative) -> bool {
    turn.person.may(Role::Moderator, Some(&ini.territory), &turn.snapshot.tree) || is_staff(turn, ini)
}

pub(crate) fn is_author(turn: &Turn<'_>, ini: &Initiative) -> bool {
    ini.author == Some(turn.person.id)
}

pub(crate) fn audit(turn: &Turn<'_>, action: &str, subject: String, reason: Option<String>) -> AuditEntry {
    AuditEntry { at: turn.now, actor: Some(turn.person.id), action: action.into(), subject, reason }
}

/// The initiative a button names, if this person may see it.
pub(crate) async fn visible(turn: &Turn<'_>, arg: &str) -> Result<Result<Initiative, Reply>, StoreError> {
    let id = arg.split(':').next().and_then(|a| a.trim().parse::<i64>().ok());
    let Some(id) = id else { return Ok(Err(Reply::id("ini-not-found"))) };
    let Some(ini) = turn.store().initiative(InitiativeId(id)).await? else {
        return Ok(Err(Reply::id("ini-not-found")));
    };
    // Drafts are the author's alone; submitted ones are for staff to check; hidden ones for
    // the territory's moderators (and staff).
    let may_see = is_author(turn, &ini)
        || (ini.status.is_public() && (!ini.hidden || is_moderator(turn, &ini)))
        || (ini.status == Status::Submitted && is_staff(turn, &ini));
    if !may_see {
        return Ok(Err(Reply::id("ini-not-found")));
    }
    Ok(Ok(ini))
}
