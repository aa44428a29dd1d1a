//! What every initiatives file shares: how a status, a theme, a territory and a time are
//! said, the phase of a territory, who the person is to an initiative (author, moderator,
//! staff, as the core's `access` says), a refusal as a reply, and finding an initiative the
//! person may see.

use crate::i18n::Msg;
use crate::{Reply, Turn};
use chrono::Datelike;
use vicinato_core::initiatives::access::PerHour;
use vicinato_core::initiatives::{Context, Refusal, access};
use vicinato_domain::TerritoryId;
use vicinato_domain::initiative::*;
use vicinato_store::StoreError;

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

pub(crate) use vicinato_core::initiatives::access::phase_in;

pub(crate) fn is_staff(turn: &Turn<'_>, ini: &Initiative) -> bool {
    access::is_staff(&turn.person, ini, &turn.snapshot.tree)
}

pub(crate) fn is_moderator(turn: &Turn<'_>, ini: &Initiative) -> bool {
    access::is_moderator(&turn.person, ini, &turn.snapshot.tree)
}

pub(crate) fn is_author(turn: &Turn<'_>, ini: &Initiative) -> bool {
    access::is_author(&turn.person, ini)
}

/// What the use cases read besides the store: the territory tree and the rules.
pub(crate) fn ctx<'a>(turn: &'a Turn<'_>) -> Context<'a> {
    let limits = &turn.engine.settings().limits;
    Context {
        tree: &turn.snapshot.tree,
        rules: &turn.engine.settings().initiatives,
        per_hour: PerHour { comments: limits.comments_per_hour, reports: limits.reports_per_hour },
    }
}

/// A refusal of a use case, as the person reads it: a status and an area in their words.
pub(crate) fn refused(turn: &Turn<'_>, refusal: &Refusal) -> Reply {
    let msg = Msg::new(vicinato_core::Refusal::message_id(refusal));
    Reply::say(match refusal {
        Refusal::StepImpossible { status } | Refusal::SupportClosed { status } | Refusal::JoinClosed { status } => {
            msg.msg("status", status_msg(*status))
        }
        Refusal::NotResident { area } => msg.text("area", territory_name(turn, area)),
        Refusal::DraftMissing { field } => msg.msg("field", Msg::new(format!("ini-field-{field}"))),
        Refusal::TooManyDrafts { max } => msg.num("n", i64::from(*max)),
        _ => msg,
    })
}

/// The initiative a button names, if this person may see it.
pub(crate) async fn visible(turn: &Turn<'_>, id: InitiativeId) -> Result<Result<Initiative, Reply>, StoreError> {
    Ok(access::visible(&turn.person, id, &turn.snapshot.tree, turn.store()).await?.map_err(|r| refused(turn, &r)))
}
