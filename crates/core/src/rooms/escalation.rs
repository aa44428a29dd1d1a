//! A territory's own escalation of warnings: the rule behind `/escalation` (`/escalation`
//! shows it; `/escalation 2 14 12h 3d` sets it: warnings, window in days, the mute and the ban
//! they bring; `/escalation default` gives it back to the territories above). A territory
//! without its own takes its nearest ancestor's, else the global default of the settings.
//! Staff of the territory (or an admin) set it; its moderators and staff see it. Typed in a
//! linked group it is the room's territory's; privately the territory comes first.

use super::access::may_moderate;
use super::link::territory_named;
use super::{Place, Refusal};
use chrono::{DateTime, Utc};
use vicinato_domain::rooms::{Escalation, ModEntry};
use vicinato_domain::{Person, Role, TerritoryId, TerritoryTree};
use vicinato_store::{Store, StoreError};

/// The escalation that holds in `territory`, and the territory that set it (`None`: the
/// default).
pub async fn escalation_for(
    territory: &TerritoryId,
    store: &dyn Store,
    tree: &TerritoryTree,
    default: &Escalation,
) -> Result<(Escalation, Option<TerritoryId>), StoreError> {
    let up: Vec<TerritoryId> = tree.ancestors_and_self(territory).into_iter().map(|t| t.id.clone()).collect();
    let up = if up.is_empty() { vec![territory.clone()] } else { up };
    let set = store.escalations(&up).await?;
    for t in &up {
        if let Some((_, e)) = set.iter().find(|(from, _)| from == t) {
            return Ok((*e, Some(t.clone())));
        }
    }
    Ok((*default, None))
}

/// What `/escalation` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Show,
    Set(Escalation),
    /// Back to the nearest ancestor's, or the default.
    Clear,
}

/// `/escalation …` as typed.
#[derive(Debug, Clone)]
pub struct EscalationInput {
    pub place: Place,
    /// Typed privately: the territory.
    pub territory: Option<String>,
    pub change: Change,
}

/// The escalation that holds after the command, where from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holding {
    pub territory: TerritoryId,
    pub escalation: Escalation,
    /// The territory whose setting it is (`None`: the default).
    pub from: Option<TerritoryId>,
}

/// The most warnings, days of window, hours of mute and days of ban a territory may set.
pub const MAX_WARNINGS: u32 = 20;
pub const MAX_WINDOW_DAYS: u32 = 366;
pub const MAX_MUTE_HOURS: u32 = 24 * 366;
pub const MAX_BAN_DAYS: u32 = 366;

/// Shows or changes a territory's escalation.
pub async fn escalation(
    actor: &Person,
    input: EscalationInput,
    store: &dyn Store,
    tree: &TerritoryTree,
    default: &Escalation,
    now: DateTime<Utc>,
) -> Result<Result<Holding, Refusal>, StoreError> {
    let (territory, chat) = if input.place.group {
        let Some(room) = store.room(input.place.network, &input.place.chat_id).await? else {
            return Ok(Err(Refusal::NotLinked));
        };
        (room.territory, Some(room.chat_id))
    } else {
        let Some(typed) = input.territory.as_deref() else {
            return Ok(Err(Refusal::NeedsTerritory));
        };
        let Some(t) = territory_named(tree, typed) else {
            return Ok(Err(Refusal::TerritoryUnknown { territory: typed.to_owned() }));
        };
        (t.id.clone(), None)
    };
    let allowed = match input.change {
        Change::Show => may_moderate(actor, &territory, tree),
        Change::Set(_) | Change::Clear => actor.may(Role::Staff, Some(&territory), tree),
    };
    if !allowed {
        return Ok(Err(Refusal::NotAllowed));
    }
    let (set, reason) = match input.change {
        Change::Show => {
            let (escalation, from) = escalation_for(&territory, store, tree, default).await?;
            return Ok(Ok(Holding { territory, escalation, from }));
        }
        Change::Set(e) => {
            if e.warnings == 0
                || e.warnings > MAX_WARNINGS
                || e.window_days == 0
                || e.window_days > MAX_WINDOW_DAYS
                || e.mute_hours == 0
                || e.mute_hours > MAX_MUTE_HOURS
                || e.ban_days == 0
                || e.ban_days > MAX_BAN_DAYS
            {
                return Ok(Err(Refusal::EscalationOutOfRange));
            }
            (Some(e), format!("{} {} {}h {}d", e.warnings, e.window_days, e.mute_hours, e.ban_days))
        }
        Change::Clear => (None, "default".to_owned()),
    };
    let entry = ModEntry {
        at: now,
        actor: Some(actor.id),
        subject: None,
        action: "escalation".into(),
        reason,
        territory: territory.clone(),
        network: chat.as_ref().map(|_| input.place.network),
        chat,
        until: None,
    };
    store.escalation_set(&territory, set.as_ref(), &entry).await?;
    let (escalation, from) = escalation_for(&territory, store, tree, default).await?;
    Ok(Ok(Holding { territory, escalation, from }))
}
