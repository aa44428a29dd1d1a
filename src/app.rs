//! Wiring: configuration → store (created, migrated, seeded with demo data on first run) →
//! conversation engine. Every transport and command starts here.

use crate::clock::{Clock, SystemClock};
use crate::config::{BotProfile, Config};
use crate::conversation::{ConversationSettings, Engine};
use crate::domain::{Lang, Role, RoleGrant, Spaces};
use crate::i18n::I18n;
use crate::store::{self, Store};
use anyhow::Context;
use std::sync::Arc;

/// Opens the configured store, naming the URL (without credentials) on failure.
pub async fn open_store(url: &str) -> anyhow::Result<Arc<dyn Store>> {
    store::open(url).await.with_context(|| format!("cannot open the database at {}", redact_url(url)))
}

/// Hides a password in a database URL, for messages and logs: the userinfo's, and any
/// `password`-like query parameter (`?password=`, `&sslpassword=`).
pub fn redact_url(url: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let mut out = match (base.find("://"), base.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &base[scheme + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &base[..scheme + 3], &base[at..]),
                None => base.to_owned(),
            }
        }
        _ => base.to_owned(),
    };
    if let Some(query) = query {
        let params: Vec<String> = query
            .split('&')
            .map(|param| match param.split_once('=') {
                Some((key, _)) if key.to_ascii_lowercase().contains("password") => format!("{key}=***"),
                _ => param.to_owned(),
            })
            .collect();
        out.push('?');
        out.push_str(&params.join("&"));
    }
    out
}

/// Loads the demo directory when it is enabled and the directory is empty. Returns whether
/// it loaded.
pub async fn ensure_demo(store: &dyn Store, config: &Config) -> anyhow::Result<bool> {
    if !config.demo_enabled {
        return Ok(false);
    }
    let counts = store.counts().await?;
    if counts.services > 0 || counts.territories > 0 {
        return Ok(false);
    }
    let dataset = crate::demo::lazio()?;
    store.replace_dataset(&dataset).await.context("cannot load the demo data")?;
    tracing::info!(services = dataset.services.len(), "demo directory loaded");
    Ok(true)
}

/// Makes the admins listed in bot profiles admins (creating their person on first sight).
pub async fn apply_admins(store: &dyn Store, bots: &[BotProfile], clock: &dyn Clock) -> anyhow::Result<()> {
    for bot in bots {
        for account in &bot.admins {
            let person = store.person_for_account(account, &account.external_id, clock.now()).await?;
            store.grant_role(person.id, &RoleGrant { role: Role::Admin, territory: None }, clock.now()).await?;
        }
    }
    Ok(())
}

pub fn settings(config: &Config, default_lang: Option<Lang>) -> ConversationSettings {
    ConversationSettings {
        default_lang: default_lang.unwrap_or(config.default_language),
        time_zone: config.time_zone,
        flow_ttl: chrono::Duration::minutes(i64::from(config.flow_ttl_minutes)),
        page_size: config.page_size as usize,
        max_message_chars: config.max_message_chars as usize,
        initiatives: config.initiatives.clone(),
        limits: config.limits.clone(),
    }
}

/// The store, opened and migrated, with the demo data (on first run), the admins of the bot
/// profiles, and expired flows purged.
pub async fn prepare_store(config: &Config, bots: &[BotProfile]) -> anyhow::Result<Arc<dyn Store>> {
    let store = open_store(&config.database_url).await?;
    ensure_demo(store.as_ref(), config).await?;
    let clock = SystemClock;
    apply_admins(store.as_ref(), bots, &clock).await?;
    // Delivery keys only need to outlive the jobs and fan-outs that might run again.
    let forgotten = store.purge_deliveries(clock.now() - chrono::Duration::days(30)).await?;
    tracing::debug!(forgotten, "old delivery keys removed");
    // A redelivered update comes within minutes; a week of receipts is plenty.
    let receipts = store.receipts_purge(clock.now() - chrono::Duration::days(7)).await?;
    tracing::debug!(receipts, "old receipts of handled updates removed");
    let purged = store.purge_expired_flows(clock.now()).await?;
    if purged > 0 {
        tracing::info!(purged, "expired conversation flows removed");
    }
    Ok(store)
}

/// The bookable spaces: the file named by `VICINATO_SPACES`, else `config/spaces.toml` in
/// the working folder, else the built-in one. Errors name the file and the key.
pub fn load_spaces() -> anyhow::Result<Spaces> {
    let path = std::env::var("VICINATO_SPACES")
        .ok()
        .filter(|p| !p.trim().is_empty())
        .map(std::path::PathBuf::from)
        .or_else(|| Some(std::path::PathBuf::from("config/spaces.toml")).filter(|p| p.exists()));
    Ok(match path {
        Some(p) => {
            let text = std::fs::read_to_string(&p).with_context(|| format!("cannot read {}", p.display()))?;
            Spaces::parse(&p.display().to_string(), &text)?
        }
        None => Spaces::parse("built-in config/spaces.toml", crate::conversation::SPACES_TOML)?,
    })
}

/// Store, demo data, admins and engine, ready to talk.
pub async fn start(config: &Config, bots: &[BotProfile]) -> anyhow::Result<Arc<Engine>> {
    let store = prepare_store(config, bots).await?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let i18n = Arc::new(I18n::embedded()?);
    let engine = Engine::new(store, i18n, clock, settings(config, None)).await?.with_spaces(load_spaces()?);
    Ok(Arc::new(engine))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_spaces_file_is_valid_and_matches_the_built_in_one() {
        let spaces = Spaces::parse("config/spaces.toml", crate::conversation::SPACES_TOML).unwrap();
        assert!(spaces.houses.iter().any(|h| h.spaces.len() > 1));
        let on_disk = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/config/spaces.toml")).unwrap();
        assert_eq!(on_disk, crate::conversation::SPACES_TOML);
    }

    #[test]
    fn passwords_in_database_urls_are_hidden() {
        assert_eq!(redact_url("postgres://ada:s3cret@db:5432/v"), "postgres://ada:***@db:5432/v");
        assert_eq!(redact_url("postgres://ada@db/v"), "postgres://ada@db/v");
        assert_eq!(redact_url("sqlite:data/v.db"), "sqlite:data/v.db");
        assert_eq!(
            redact_url("postgres://db/v?user=ada&password=s3cret&sslmode=require"),
            "postgres://db/v?user=ada&password=***&sslmode=require"
        );
        assert_eq!(redact_url("postgres://ada:a@db/v?sslpassword=x"), "postgres://ada:***@db/v?sslpassword=***");
    }
}
