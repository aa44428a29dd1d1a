//! Reporting a public initiative, once per person; the report that reaches the rules' limit
//! hides it in the same transaction, and the outcome says to tell its author and the
//! territory's moderators. A person writes at most `ctx.per_hour.reports` an hour (staff of
//! the territory are never limited): checked here, so no entry point can skip it.

use super::access::{Context, Decided, Hourly, hourly_limit};
use super::event::Event;
use super::refusal::Refusal;
use chrono::{DateTime, Utc};
use vicinato_domain::Person;
use vicinato_domain::initiative::{Initiative, InitiativeId};
use vicinato_store::Store;

#[derive(Debug, Clone, PartialEq)]
pub struct Input {
    pub id: InitiativeId,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Reported {
    pub initiative: Initiative,
    /// This report hid it.
    pub hidden: bool,
    pub events: Vec<Event>,
}

pub async fn report(
    actor: &Person,
    input: Input,
    ctx: Context<'_>,
    store: &dyn Store,
    now: DateTime<Utc>,
) -> Decided<Reported> {
    let Some(ini) = store.initiative(input.id).await? else { return Ok(Err(Refusal::NotFound)) };
    if !ini.status.is_public() {
        return Ok(Err(Refusal::NotFound));
    }
    if let Some(limit) = hourly_limit(actor, &ini, Hourly::Reports, &ctx, store, now).await? {
        return Ok(Err(limit));
    }
    let hide_at = ctx.rules.reports_to_hide;
    let Some((_, hidden)) = store.initiative_report(ini.id, actor.id, &input.reason, hide_at, now).await? else {
        return Ok(Err(Refusal::ReportAlready));
    };
    let mut events = Vec::new();
    if hidden {
        tracing::info!(initiative = %ini.id, "initiative hidden after reports");
        events.push(Event::HiddenByReports { initiative: ini.clone() });
    }
    Ok(Ok(Reported { initiative: ini, hidden, events }))
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    #[tokio::test]
    async fn enough_reports_hide_it_and_each_person_reports_once() {
        let t = Fixture::new().await;
        let ini = t.published(3).await;
        let input = Input { id: ini.id, reason: "spam".into() };
        for (i, name) in ["ada", "bea", "carl"].into_iter().enumerate() {
            let p = t.resident(name).await;
            let r = report(&p, input.clone(), t.ctx(), t.store(), t.now).await.unwrap().unwrap();
            assert_eq!(r.hidden, i == 2, "{name}");
            assert_eq!(r.events.len(), usize::from(i == 2));
            if i == 0 {
                let again = report(&p, input.clone(), t.ctx(), t.store(), t.now).await.unwrap();
                assert_eq!(again, Err(Refusal::ReportAlready));
            }
        }
    }
}
