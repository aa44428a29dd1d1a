//! The moderation log as a report for operators and staff: `vicinato report moderation
//! --format csv [--territory T]`, every entry of the territory's subtree (or of every
//! territory), oldest first, through [`crate::csv_safe`] so no cell is a formula.

use vicinato_domain::rooms::ModEntry;
use vicinato_domain::{TerritoryId, TerritoryTree};
use vicinato_store::{Store, StoreError};

/// The most entries one report holds.
pub const MAX_ENTRIES: i64 = 1_000_000;

/// The log of `territory`'s subtree, or of every territory, oldest first.
pub async fn entries(
    territory: Option<&TerritoryId>,
    store: &dyn Store,
    tree: &TerritoryTree,
) -> Result<Vec<ModEntry>, StoreError> {
    let scope: Vec<TerritoryId> = match territory {
        Some(t) => tree.subtree(t),
        None => tree.all().iter().map(|t| t.id.clone()).collect(),
    };
    let mut entries = store.moderation_log(&scope, MAX_ENTRIES).await?;
    entries.reverse();
    Ok(entries)
}

/// The entries as CSV: when (UTC, RFC 3339), territory, network, chat, actor, subject,
/// action, reason, until. People are their Vicinato numbers; Vicinato itself has none.
pub fn csv(entries: &[ModEntry]) -> anyhow::Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    crate::csv_safe::write_row(
        &mut w,
        ["at", "territory", "network", "chat", "actor", "subject", "action", "reason", "until"],
    )?;
    let person = |p: Option<vicinato_domain::PersonId>| p.map_or_else(String::new, |p| p.0.to_string());
    for e in entries {
        crate::csv_safe::write_row(
            &mut w,
            [
                e.at.to_rfc3339(),
                e.territory.as_str().to_owned(),
                e.network.map_or_else(String::new, |n| n.as_str().to_owned()),
                e.chat.clone().unwrap_or_default(),
                person(e.actor),
                person(e.subject),
                e.action.clone(),
                e.reason.clone(),
                e.until.map_or_else(String::new, |u| u.to_rfc3339()),
            ],
        )?;
    }
    Ok(String::from_utf8(w.into_inner()?)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_reason_that_looks_like_a_formula_is_written_as_text() {
        let at = chrono::Utc.with_ymd_and_hms(2026, 11, 28, 10, 0, 0).unwrap();
        let entry = ModEntry {
            at,
            actor: Some(vicinato_domain::PersonId(2)),
            subject: Some(vicinato_domain::PersonId(3)),
            action: "mute".into(),
            reason: "=HYPERLINK(\"http://x\")".into(),
            territory: TerritoryId::new("centocelle"),
            network: Some(vicinato_domain::Network::Telegram),
            chat: Some("-1001".into()),
            until: Some(at + chrono::Duration::hours(1)),
        };
        let text = csv(&[entry]).unwrap();
        let row = text.lines().nth(1).unwrap();
        assert!(row.starts_with("2026-11-28T10:00:00+00:00,centocelle,telegram,-1001,2,3,mute,"), "{row}");
        assert!(row.contains("'=HYPERLINK"), "{row}");
    }
}
