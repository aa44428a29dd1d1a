//! `vicinato broadcast`: staff announcements from the command line. `send` queues one for the
//! running bots (they send it when its time comes) and prints its number; `list`, `status`,
//! `correct` (new texts: copies already sent are edited, the rest go out corrected) and
//! `cancel` follow it up. The operator holds the database, so every audience is allowed;
//! the rules (texts, time, territories) are core's, the same as in chat. `--rooms` sends to
//! the scope's linked rooms too (general and announcements rooms), `--rooms-only` only there;
//! status counts room copies apart.

use anyhow::{Context, bail};
use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use clap::Subcommand;
use vicinato_core::announcements::{By, Refusal, cancel, compose, correct, status};
use vicinato_domain::{
    AnnouncementId, AnnouncementTexts, Audience, CategoryCode, RoomsTarget, TerritoryId, TerritoryTree, Who,
};
use vicinato_store::Store;

#[derive(Subcommand, Debug, Clone)]
pub enum BroadcastCommand {
    /// Queue an announcement and print its number.
    Send {
        /// Who: `all`, or `territory:ID` (the territory and everything in it).
        #[arg(long)]
        to: String,
        /// Only people interested in this category (its code).
        #[arg(long)]
        interest: Option<String>,
        /// The linked rooms of the scope too (its general and announcements rooms).
        #[arg(long)]
        rooms: bool,
        /// Only the linked rooms of the scope, nobody's own chat.
        #[arg(long = "rooms-only", conflicts_with_all = ["rooms", "interest"])]
        rooms_only: bool,
        /// The text in Italian.
        #[arg(long)]
        text: String,
        /// The text in English (English readers get the Italian one without it).
        #[arg(long = "text-en")]
        text_en: Option<String>,
        /// When, in the configured time zone: "YYYY-MM-DD HH:MM" (default: now).
        #[arg(long)]
        at: Option<String>,
        /// Database URL (overrides the configuration).
        #[arg(long)]
        db: Option<String>,
    },
    /// List the latest announcements, newest first.
    List {
        #[arg(long, default_value_t = 20)]
        limit: i64,
        #[arg(long)]
        db: Option<String>,
    },
    /// How an announcement went: copies per network and state, and the failure reasons.
    Status {
        id: i64,
        /// One JSON object.
        #[arg(long)]
        json: bool,
        #[arg(long)]
        db: Option<String>,
    },
    /// Correct an announcement: copies already sent are edited where the network allows it
    /// (Telegram: within 48 hours), the others go out with the new text.
    Correct {
        id: i64,
        /// The new text in Italian.
        #[arg(long)]
        text: String,
        /// The new text in English (English readers get the Italian one without it).
        #[arg(long = "text-en")]
        text_en: Option<String>,
        #[arg(long)]
        db: Option<String>,
    },
    /// Stop an announcement that is scheduled or being sent (what is sent stays sent).
    Cancel {
        id: i64,
        #[arg(long)]
        db: Option<String>,
    },
}

impl BroadcastCommand {
    /// The database URL given on the command line, if any.
    pub fn db(&self) -> Option<&str> {
        match self {
            Self::Send { db, .. }
            | Self::List { db, .. }
            | Self::Status { db, .. }
            | Self::Correct { db, .. }
            | Self::Cancel { db, .. } => db.as_deref(),
        }
    }
}

/// Reads `all` or `territory:ID`, who in it and whether its rooms get it.
fn audience(to: &str, interest: Option<&str>, rooms: RoomsTarget) -> anyhow::Result<Audience> {
    let territory = match to.trim() {
        "all" => None,
        other => match other.strip_prefix("territory:") {
            Some(id) => Some(TerritoryId::parse(id).map_err(|e| anyhow::anyhow!("--to territory:{id}: {e}"))?),
            None => bail!("--to must be `all` or `territory:ID`, not `{other}`"),
        },
    };
    let who = match interest {
        Some(code) => Who::Interest(CategoryCode::parse(code).map_err(|e| anyhow::anyhow!("--interest {code}: {e}"))?),
        None => Who::Home,
    };
    Ok(Audience { territory, who, rooms })
}

/// Reads "YYYY-MM-DD HH:MM" in `zone`.
pub fn parse_at(raw: &str, zone: Tz) -> anyhow::Result<DateTime<Utc>> {
    let local = NaiveDateTime::parse_from_str(raw.trim(), "%Y-%m-%d %H:%M")
        .with_context(|| format!("--at `{raw}`: write it as \"YYYY-MM-DD HH:MM\""))?;
    let at = zone
        .from_local_datetime(&local)
        .earliest()
        .with_context(|| format!("--at `{raw}` does not exist in {zone} (the clock jumps over it)"))?;
    Ok(at.with_timezone(&Utc))
}

fn refused(r: Refusal) -> anyhow::Error {
    match r {
        Refusal::NotAllowed => anyhow::anyhow!("not allowed"),
        Refusal::TerritoryUnknown { territory } => anyhow::anyhow!("unknown territory `{territory}`"),
        Refusal::HouseUnknown { house } => anyhow::anyhow!("unknown welfare house `{house}`"),
        Refusal::EmptyText => anyhow::anyhow!("the text is empty"),
        Refusal::TooLong { max } => anyhow::anyhow!("a text is longer than {max} characters"),
        Refusal::InThePast => anyhow::anyhow!("that time has passed"),
        Refusal::Unknown { id } => anyhow::anyhow!("no announcement {id}"),
        Refusal::Closed { id } => anyhow::anyhow!("announcement {id} is already done or cancelled"),
        Refusal::OwnAnnouncement => anyhow::anyhow!("nobody approves their own announcement"),
        Refusal::NotPending { id } => anyhow::anyhow!("announcement {id} does not wait for approval"),
        Refusal::CorrectCancelled { id } => anyhow::anyhow!("announcement {id} is cancelled: it cannot be corrected"),
        Refusal::TooOldToEdit { id, hours } => anyhow::anyhow!(
            "announcement {id} went out more than {hours} hours ago: Telegram no longer lets bots edit it"
        ),
    }
}

/// Copies counted per network, state and reason, as JSON.
fn copy_counts_json(counts: &[vicinato_store::CopyCount]) -> Vec<serde_json::Value> {
    counts
        .iter()
        .map(|c| serde_json::json!({"network": c.network.as_str(), "state": c.state, "reason": c.reason, "count": c.count}))
        .collect()
}

/// Runs a broadcast command against a store; what to print on standard output.
pub async fn run(
    store: &dyn Store,
    zone: Tz,
    command: &BroadcastCommand,
    now: DateTime<Utc>,
) -> anyhow::Result<String> {
    let tree = TerritoryTree::new(store.territories().await?)?;
    match command {
        BroadcastCommand::Send { to, interest, rooms, rooms_only, text, text_en, at, .. } => {
            let rooms = match (*rooms, *rooms_only) {
                (_, true) => RoomsTarget::Only,
                (true, false) => RoomsTarget::Also,
                (false, false) => RoomsTarget::None,
            };
            let draft = compose::Draft {
                texts: AnnouncementTexts { it: text.clone(), en: text_en.clone() },
                audience: audience(to, interest.as_deref(), rooms)?,
                at: at.as_deref().map(|a| parse_at(a, zone)).transpose()?,
                recurrence: None,
            };
            let houses = store.welfare_houses().await?;
            let kept =
                compose::compose(By::Operator, draft, store, &tree, &houses, zone, now).await?.map_err(refused)?;
            Ok(format!("{}\n", kept.id))
        }
        BroadcastCommand::List { limit, .. } => {
            let mut out = String::new();
            for a in store.announcements(*limit).await? {
                let first: String = a.texts.it.chars().filter(|c| !c.is_control()).take(50).collect();
                out.push_str(&format!(
                    "{}\t{}\t{}\t{}\t{first}\n",
                    a.id,
                    a.state.as_str(),
                    a.at.with_timezone(&zone).format("%Y-%m-%d %H:%M"),
                    a.audience.describe()
                ));
            }
            if out.is_empty() {
                out.push_str("No announcements.\n");
            }
            Ok(out)
        }
        BroadcastCommand::Status { id, json, .. } => {
            let s = status::status(By::Operator, AnnouncementId(*id), store, &tree).await?.map_err(refused)?;
            let a = &s.announcement;
            if *json {
                let counts = copy_counts_json(&s.counts);
                let reasons: Vec<serde_json::Value> =
                    s.reasons().into_iter().map(|(r, n)| serde_json::json!({"reason": r, "count": n})).collect();
                let edits: Vec<serde_json::Value> = s
                    .edits
                    .iter()
                    .map(|c| {
                        serde_json::json!({
                            "correction": c.correction, "network": c.network.as_str(), "state": c.state,
                            "reason": c.reason, "count": c.count
                        })
                    })
                    .collect();
                let rooms = copy_counts_json(&s.rooms);
                let value = serde_json::json!({
                    "id": a.id.0,
                    "state": a.state.as_str(),
                    "at": a.at.to_rfc3339(),
                    "audience": a.audience.describe(),
                    "total": s.total(),
                    "counts": counts,
                    "reasons": reasons,
                    "corrections": a.corrections,
                    "edits": edits,
                    "rooms_total": s.room_total(),
                    "rooms": rooms,
                });
                return Ok(format!("{value}\n"));
            }
            let mut out = format!(
                "Announcement {}: {}, {} ({}), to {}; {} copies.\n",
                a.id,
                a.state.as_str(),
                a.at.with_timezone(&zone).format("%Y-%m-%d %H:%M"),
                zone,
                a.audience.describe(),
                s.total()
            );
            for c in &s.counts {
                let reason = c.reason.as_deref().map(|r| format!(" ({r})")).unwrap_or_default();
                out.push_str(&format!("  {}\t{}{reason}\t{}\n", c.network, c.state, c.count));
            }
            if s.room_total() > 0 {
                out.push_str(&format!("Rooms: {} copies.\n", s.room_total()));
            }
            for c in &s.rooms {
                let reason = c.reason.as_deref().map(|r| format!(" ({r})")).unwrap_or_default();
                out.push_str(&format!("  rooms {}\t{}{reason}\t{}\n", c.network, c.state, c.count));
            }
            for c in &s.edits {
                let reason = c.reason.as_deref().map(|r| format!(" ({r})")).unwrap_or_default();
                out.push_str(&format!(
                    "  correction {}\t{}\tedit {}{reason}\t{}\n",
                    c.correction, c.network, c.state, c.count
                ));
            }
            Ok(out)
        }
        BroadcastCommand::Correct { id, text, text_en, .. } => {
            let texts = AnnouncementTexts { it: text.clone(), en: text_en.clone() };
            let done = correct::correct(By::Operator, AnnouncementId(*id), texts, store, &tree, now)
                .await?
                .map_err(refused)?;
            let mut out = format!(
                "Announcement {id}: correction {} kept; {} copies already sent get an edit, the rest go out corrected.\n",
                done.correction,
                done.sent - done.too_old
            );
            if done.too_old > 0 {
                out.push_str(&format!(
                    "{} copies went out more than {} hours ago: Telegram no longer lets bots edit them.\n",
                    done.too_old,
                    vicinato_domain::TELEGRAM_EDIT_HOURS
                ));
            }
            Ok(out)
        }
        BroadcastCommand::Cancel { id, .. } => {
            cancel::cancel(By::Operator, AnnouncementId(*id), store, &tree, now).await?.map_err(refused)?;
            Ok(format!("Announcement {id} cancelled; what was sent stays sent.\n"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_time_is_read_in_the_configured_zone_across_the_clock_change() {
        let rome: Tz = "Europe/Rome".parse().unwrap();
        assert_eq!(parse_at("2026-12-01 09:00", rome).unwrap().to_rfc3339(), "2026-12-01T08:00:00+00:00");
        assert_eq!(parse_at("2026-07-01 09:00", rome).unwrap().to_rfc3339(), "2026-07-01T07:00:00+00:00");
        assert!(parse_at("2026-03-29 02:30", rome).is_err(), "skipped by the spring clock change");
        assert!(parse_at("domani", rome).is_err());
    }

    #[test]
    fn the_audience_is_all_or_a_territory_with_an_optional_interest() {
        let none = RoomsTarget::None;
        assert_eq!(audience("all", None, none).unwrap(), Audience { territory: None, who: Who::Home, rooms: none });
        let a = audience("territory:roma-m05", Some("food"), RoomsTarget::Also).unwrap();
        assert_eq!(a.territory, Some(TerritoryId::new("roma-m05")));
        assert_eq!(a.who, Who::Interest(CategoryCode::new("food")));
        assert_eq!(a.rooms, RoomsTarget::Also);
        assert!(audience("roma-m05", None, none).is_err());
    }
}
