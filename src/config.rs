//! Configuration: `config/default.toml` (or a file given with `--config`), then environment
//! variables `VICINATO_<SECTION>__<KEY>`, then command-line flags. Bot profiles live in
//! `bots/*.toml`. Everything is validated once at start: an unknown key or a bad value stops
//! the program with the file (or variable), the key and the reason.

use crate::domain::{Account, Lang};
use chrono_tz::Tz;
use serde::Deserialize;
use std::path::{Path, PathBuf};
pub use vicinato_core::Secret;
pub use vicinato_telegram::TelegramWebhook;

/// The configuration shipped with Vicinato, used when no file is found.
pub const DEFAULT_TOML: &str = include_str!("../config/default.toml");

/// A configuration problem, naming where it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{origin}: {key}: {reason}")]
pub struct ConfigError {
    /// The file or environment variable.
    pub origin: String,
    /// The key, or `-` for the whole file.
    pub key: String,
    pub reason: String,
}

impl ConfigError {
    fn new(origin: impl Into<String>, key: impl Into<String>, reason: impl Into<String>) -> Self {
        Self { origin: origin.into(), key: key.into(), reason: reason.into() }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    database: RawDatabase,
    locale: RawLocale,
    demo: RawDemo,
    conversation: RawConversation,
    #[serde(default)]
    initiatives: crate::domain::initiative::Rules,
    #[serde(default)]
    limits: crate::conversation::limits::Limits,
    #[serde(default)]
    server: RawServer,
    #[serde(default)]
    log: RawLog,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLog {
    format: String,
}

impl Default for RawLog {
    fn default() -> Self {
        Self { format: "text".to_owned() }
    }
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogFormat {
    /// One readable line per event.
    #[default]
    Text,
    /// One JSON object per line (for a log collector).
    Json,
}

impl LogFormat {
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "text" => Some(Self::Text),
            "json" => Some(Self::Json),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawServer {
    listen: String,
    #[serde(default = "default_drain_seconds")]
    drain_seconds: u32,
}

impl Default for RawServer {
    fn default() -> Self {
        Self { listen: DEFAULT_LISTEN.to_owned(), drain_seconds: default_drain_seconds() }
    }
}

fn default_drain_seconds() -> u32 {
    10
}

/// Where `serve` answers `/healthz`, `/readyz` and `/metrics` unless configured otherwise.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:9464";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDatabase {
    url: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLocale {
    default_language: String,
    time_zone: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDemo {
    enabled: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConversation {
    flow_ttl_minutes: u32,
    page_size: u32,
    max_message_chars: u32,
}

/// The validated configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    pub default_language: Lang,
    pub time_zone: Tz,
    pub demo_enabled: bool,
    pub flow_ttl_minutes: u32,
    pub page_size: u32,
    pub max_message_chars: u32,
    /// Thresholds, deadlines and limits of community initiatives (`[initiatives]`).
    pub initiatives: crate::domain::initiative::Rules,
    /// Limits per person (`[limits]`).
    pub limits: crate::conversation::limits::Limits,
    /// Where `serve` answers `/healthz`, `/readyz` and `/metrics` (`[server] listen`); `None`
    /// when it is `off`.
    pub listen: Option<std::net::SocketAddr>,
    /// How long `serve`, asked to stop, keeps sending what is already in the outbox before it
    /// lets the bots go (`[server] drain_seconds`).
    pub drain: std::time::Duration,
    /// How log lines are written (`[log] format`, `--log-format`).
    pub log_format: LogFormat,
}

/// Environment variables Vicinato reads, and the key each one sets.
const ENV_KEYS: [(&str, &str); 10] = [
    ("VICINATO_LOG__FORMAT", "log.format"),
    ("VICINATO_SERVER__LISTEN", "server.listen"),
    ("VICINATO_SERVER__DRAIN_SECONDS", "server.drain_seconds"),
    ("VICINATO_DATABASE__URL", "database.url"),
    ("VICINATO_LOCALE__DEFAULT_LANGUAGE", "locale.default_language"),
    ("VICINATO_LOCALE__TIME_ZONE", "locale.time_zone"),
    ("VICINATO_DEMO__ENABLED", "demo.enabled"),
    ("VICINATO_CONVERSATION__FLOW_TTL_MINUTES", "conversation.flow_ttl_minutes"),
    ("VICINATO_CONVERSATION__PAGE_SIZE", "conversation.page_size"),
    ("VICINATO_CONVERSATION__MAX_MESSAGE_CHARS", "conversation.max_message_chars"),
];

impl Config {
    /// Loads a file (or the built-in defaults when `path` is `None`), then the environment.
    pub fn load(path: Option<&Path>, env: impl IntoIterator<Item = (String, String)>) -> Result<Self, ConfigError> {
        let (source, text) = match path {
            Some(p) => (
                p.display().to_string(),
                std::fs::read_to_string(p)
                    .map_err(|e| ConfigError::new(p.display().to_string(), "-", e.to_string()))?,
            ),
            None => ("built-in config/default.toml".to_owned(), DEFAULT_TOML.to_owned()),
        };
        let mut raw: RawConfig = toml::from_str(&text).map_err(|e| {
            let reason = e.message().to_owned();
            let at = e
                .span()
                .map(|s| {
                    let line = text[..s.start.min(text.len())].lines().count().max(1);
                    format!("line {line}")
                })
                .unwrap_or_else(|| "-".into());
            ConfigError::new(source.clone(), at, reason)
        })?;
        raw.apply_env(env)?;
        raw.validate(&source)
    }

    /// The default config file if it exists in the working folder, else `None`.
    pub fn default_path() -> Option<PathBuf> {
        let p = PathBuf::from("config/default.toml");
        p.exists().then_some(p)
    }
}

impl RawConfig {
    fn apply_env(&mut self, env: impl IntoIterator<Item = (String, String)>) -> Result<(), ConfigError> {
        for (name, value) in env {
            // Settings are VICINATO_<SECTION>__<KEY>; other VICINATO_ variables (secrets named
            // by bot profiles, VICINATO_LOG, test switches) are not settings.
            if !name.starts_with("VICINATO_") || !name.contains("__") {
                continue;
            }
            let Some((_, key)) = ENV_KEYS.iter().find(|(n, _)| *n == name) else {
                let known: Vec<&str> = ENV_KEYS.iter().map(|(n, _)| *n).collect();
                return Err(ConfigError::new(
                    name,
                    "-",
                    format!("unknown setting; known ones are {}", known.join(", ")),
                ));
            };
            let bad = |reason: String| ConfigError::new(name.clone(), *key, reason);
            match *key {
                "database.url" => self.database.url = value,
                "server.listen" => self.server.listen = value,
                "server.drain_seconds" => {
                    self.server.drain_seconds =
                        value.trim().parse().map_err(|_| bad(format!("`{value}` is not a number")))?
                }
                "log.format" => self.log.format = value,
                "locale.default_language" => self.locale.default_language = value,
                "locale.time_zone" => self.locale.time_zone = value,
                "demo.enabled" => {
                    self.demo.enabled = match value.trim().to_ascii_lowercase().as_str() {
                        "true" | "1" | "yes" | "on" => true,
                        "false" | "0" | "no" | "off" => false,
                        other => return Err(bad(format!("`{other}` is not true or false"))),
                    }
                }
                "conversation.flow_ttl_minutes" => {
                    self.conversation.flow_ttl_minutes =
                        value.trim().parse().map_err(|_| bad(format!("`{value}` is not a number")))?
                }
                "conversation.page_size" => {
                    self.conversation.page_size =
                        value.trim().parse().map_err(|_| bad(format!("`{value}` is not a number")))?
                }
                "conversation.max_message_chars" => {
                    self.conversation.max_message_chars =
                        value.trim().parse().map_err(|_| bad(format!("`{value}` is not a number")))?
                }
                _ => unreachable!("every ENV_KEYS entry is handled"),
            }
        }
        Ok(())
    }

    fn validate(self, source: &str) -> Result<Config, ConfigError> {
        let bad = |key: &str, reason: String| ConfigError::new(source, key, reason);
        let url = self.database.url.trim().to_owned();
        if !(url.starts_with("sqlite:") || url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            return Err(bad("database.url", format!("`{url}` must start with sqlite: or postgres://")));
        }
        let default_language = Lang::from_tag(&self.locale.default_language).ok_or_else(|| {
            bad(
                "locale.default_language",
                format!("`{}` is not a language Vicinato speaks (it, en)", self.locale.default_language),
            )
        })?;
        let time_zone: Tz = self
            .locale
            .time_zone
            .parse()
            .map_err(|_| bad("locale.time_zone", format!("unknown time zone `{}`", self.locale.time_zone)))?;
        let c = &self.conversation;
        if !(1..=24 * 60).contains(&c.flow_ttl_minutes) {
            return Err(bad("conversation.flow_ttl_minutes", "must be between 1 and 1440".into()));
        }
        if !(1..=10).contains(&c.page_size) {
            return Err(bad("conversation.page_size", "must be between 1 and 10".into()));
        }
        if !(100..=100_000).contains(&c.max_message_chars) {
            return Err(bad("conversation.max_message_chars", "must be between 100 and 100000".into()));
        }
        let r = &self.initiatives;
        let checks: [(&str, bool, &str); 8] = [
            (
                "initiatives.supports_per_thousand",
                (0.0..=1000.0).contains(&r.supports_per_thousand),
                "must be between 0 and 1000",
            ),
            ("initiatives.min_threshold", r.min_threshold >= 1, "must be at least 1"),
            ("initiatives.max_threshold", r.max_threshold >= r.min_threshold, "must be at least min_threshold"),
            ("initiatives.support_days", (1..=365).contains(&r.support_days), "must be between 1 and 365"),
            ("initiatives.vote_days", (1..=90).contains(&r.vote_days), "must be between 1 and 90"),
            (
                "initiatives.quorum_of_threshold",
                (0.0..=100.0).contains(&r.quorum_of_threshold),
                "must be between 0 and 100",
            ),
            ("initiatives.reports_to_hide", r.reports_to_hide >= 1, "must be at least 1"),
            ("initiatives.update_every_days", (0..=30).contains(&r.update_every_days), "must be between 0 and 30"),
        ];
        if let Some((key, _, why)) = checks.iter().find(|(_, ok, _)| !ok) {
            return Err(bad(key, (*why).into()));
        }
        for (id, t) in &r.territories {
            let key = format!("initiatives.territories.{id}");
            if t.threshold == Some(0) {
                return Err(bad(&format!("{key}.threshold"), "must be at least 1".into()));
            }
            if t.support_days.is_some_and(|d| !(1..=365).contains(&d)) {
                return Err(bad(&format!("{key}.support_days"), "must be between 1 and 365".into()));
            }
            if t.vote_days.is_some_and(|d| !(1..=90).contains(&d)) {
                return Err(bad(&format!("{key}.vote_days"), "must be between 1 and 90".into()));
            }
        }
        let l = &self.limits;
        let limit_checks: [(&str, bool, &str); 3] = [
            (
                "limits.messages_per_minute",
                l.messages_per_minute == 0 || (10..=1000).contains(&l.messages_per_minute),
                "must be 0 (no limit) or between 10 and 1000, so that normal use never meets it",
            ),
            ("limits.pause_seconds", l.pause_seconds <= 3600, "must be at most 3600"),
            ("limits.open_drafts", l.open_drafts <= 1000, "must be at most 1000"),
        ];
        if let Some((key, _, why)) = limit_checks.iter().find(|(_, ok, _)| !ok) {
            return Err(bad(key, (*why).into()));
        }
        let listen = match self.server.listen.trim() {
            "off" => None,
            text => Some(text.parse::<std::net::SocketAddr>().map_err(|_| {
                bad("server.listen", format!("`{text}` is not an address and port (127.0.0.1:9464) nor off"))
            })?),
        };
        if self.server.drain_seconds > 600 {
            return Err(bad("server.drain_seconds", "must be at most 600".into()));
        }
        let log_format = LogFormat::parse(&self.log.format)
            .ok_or_else(|| bad("log.format", format!("`{}` is neither text nor json", self.log.format)))?;
        Ok(Config {
            log_format,
            listen,
            drain: std::time::Duration::from_secs(self.server.drain_seconds.into()),
            limits: self.limits.clone(),
            initiatives: self.initiatives.clone(),
            database_url: url,
            default_language,
            time_zone,
            demo_enabled: self.demo.enabled,
            flow_ttl_minutes: c.flow_ttl_minutes,
            page_size: c.page_size,
            max_message_chars: c.max_message_chars,
        })
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBot {
    name: String,
    default_language: String,
    modules: Vec<String>,
    #[serde(default)]
    admins: Vec<String>,
    telegram: Option<RawTelegram>,
    matrix: Option<RawMatrix>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTelegram {
    token_env: String,
    #[serde(default = "telegram_api")]
    api_url: String,
    #[serde(default)]
    webhook_url: Option<String>,
    #[serde(default)]
    webhook_listen: Option<String>,
    #[serde(default)]
    webhook_secret_env: Option<String>,
    /// Announcements as Telegram's paid broadcasts (`allow_paid_broadcast`), at
    /// `announcement_rate` a second instead of what replies leave of 30.
    #[serde(default)]
    allow_paid_broadcast: bool,
    #[serde(default)]
    announcement_rate: Option<u32>,
}

fn telegram_api() -> String {
    "https://api.telegram.org".into()
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMatrix {
    homeserver: String,
    user_env: String,
    #[serde(default)]
    password_env: Option<String>,
    #[serde(default)]
    access_token_env: Option<String>,
    #[serde(default)]
    data_dir: Option<String>,
    #[serde(default)]
    allowed_servers: Vec<String>,
}

/// A Telegram connection: where the token is, never the token itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TelegramProfile {
    pub token_env: String,
    pub api_url: String,
    /// Long polling (the default), or updates pushed to a webhook.
    pub webhook: Option<TelegramWebhook>,
    /// Paid broadcasts: announcement copies carry `allow_paid_broadcast` and go at this many a
    /// second (1 to 1,000; Telegram charges for them). `None`: they use what replies leave of
    /// the free 30 a second.
    pub paid_broadcast_rate: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatrixProfile {
    pub homeserver: String,
    pub user_env: String,
    pub password_env: Option<String>,
    pub access_token_env: Option<String>,
    /// Where the bot's Matrix session, state and crypto store live (default
    /// `data/matrix/<bot>`), never in the Vicinato database.
    pub data_dir: Option<PathBuf>,
    /// Accept invites only from users of these homeservers (empty: from anyone).
    pub allowed_servers: Vec<String>,
}

/// One bot: its name, networks, modules, language and admins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BotProfile {
    pub file: PathBuf,
    pub name: String,
    pub default_language: Lang,
    pub modules: Vec<String>,
    pub admins: Vec<Account>,
    pub telegram: Option<TelegramProfile>,
    pub matrix: Option<MatrixProfile>,
}

fn env_name_ok(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

impl BotProfile {
    pub fn parse(file: &Path, text: &str) -> Result<Self, ConfigError> {
        let source = file.display().to_string();
        let bad = |key: &str, reason: String| ConfigError::new(source.clone(), key, reason);
        let raw: RawBot = toml::from_str(text).map_err(|e| bad("-", e.message().to_owned()))?;
        if raw.name.trim().is_empty() {
            return Err(bad("name", "is empty".into()));
        }
        let default_language = Lang::from_tag(&raw.default_language).ok_or_else(|| {
            bad("default_language", format!("`{}` is not a language Vicinato speaks (it, en)", raw.default_language))
        })?;
        for m in &raw.modules {
            // The modules a bot may list are those of the module registry.
            let known = vicinato_chat::registry::names();
            if !known.contains(&m.as_str()) {
                return Err(bad("modules", format!("unknown module `{m}`; known: {}", known.join(", "))));
            }
        }
        let admins = raw
            .admins
            .iter()
            .map(|a| {
                Account::parse(a)
                    .ok_or_else(|| bad("admins", format!("`{a}` is not NETWORK:ID (console:ada, telegram:123)")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let telegram = match raw.telegram {
            Some(t) => {
                if !env_name_ok(&t.token_env) {
                    return Err(bad(
                        "telegram.token_env",
                        format!("`{}` is not an environment variable name", t.token_env),
                    ));
                }
                if !(t.api_url.starts_with("http://") || t.api_url.starts_with("https://")) {
                    return Err(bad("telegram.api_url", format!("`{}` is not an http(s) URL", t.api_url)));
                }
                let webhook = match (t.webhook_url, t.webhook_listen, t.webhook_secret_env) {
                    (None, None, None) => None,
                    (Some(url), listen, Some(secret_env)) => {
                        if !(url.starts_with("https://") || url.starts_with("http://")) {
                            return Err(bad("telegram.webhook_url", format!("`{url}` is not an http(s) URL")));
                        }
                        if !env_name_ok(&secret_env) {
                            return Err(bad(
                                "telegram.webhook_secret_env",
                                format!("`{secret_env}` is not an environment variable name"),
                            ));
                        }
                        let listen = listen.unwrap_or_else(|| "127.0.0.1:8443".into());
                        let listen = listen.parse().map_err(|_| {
                            bad("telegram.webhook_listen", format!("`{listen}` is not an address like 127.0.0.1:8443"))
                        })?;
                        Some(TelegramWebhook { url, listen, secret_env })
                    }
                    (None, _, _) => {
                        return Err(bad("telegram.webhook_url", "is needed for webhook mode".into()));
                    }
                    (Some(_), _, None) => {
                        return Err(bad(
                            "telegram.webhook_secret_env",
                            "is needed for webhook mode: Telegram must prove each request is its own".into(),
                        ));
                    }
                };
                let paid_broadcast_rate = match (t.allow_paid_broadcast, t.announcement_rate) {
                    (false, None) => None,
                    (false, Some(_)) => {
                        return Err(bad(
                            "telegram.announcement_rate",
                            "applies only with allow_paid_broadcast = true (the free rate is Telegram's 30 a second)"
                                .into(),
                        ));
                    }
                    (true, rate) => match rate.unwrap_or(1000) {
                        r @ 1..=1000 => Some(r),
                        r => {
                            return Err(bad(
                                "telegram.announcement_rate",
                                format!("{r} is not between 1 and 1000 messages a second"),
                            ));
                        }
                    },
                };
                Some(TelegramProfile { token_env: t.token_env, api_url: t.api_url, webhook, paid_broadcast_rate })
            }
            None => None,
        };
        let matrix = match raw.matrix {
            Some(m) => {
                if !(m.homeserver.starts_with("http://") || m.homeserver.starts_with("https://")) {
                    return Err(bad("matrix.homeserver", format!("`{}` is not an http(s) URL", m.homeserver)));
                }
                for (key, v) in [
                    ("matrix.user_env", Some(&m.user_env)),
                    ("matrix.password_env", m.password_env.as_ref()),
                    ("matrix.access_token_env", m.access_token_env.as_ref()),
                ] {
                    if let Some(v) = v
                        && !env_name_ok(v)
                    {
                        return Err(bad(key, format!("`{v}` is not an environment variable name")));
                    }
                }
                if m.password_env.is_none() && m.access_token_env.is_none() {
                    return Err(bad("matrix", "needs password_env or access_token_env".into()));
                }
                Some(MatrixProfile {
                    homeserver: m.homeserver,
                    user_env: m.user_env,
                    password_env: m.password_env,
                    access_token_env: m.access_token_env,
                    data_dir: m.data_dir.map(PathBuf::from),
                    allowed_servers: m.allowed_servers,
                })
            }
            None => None,
        };
        Ok(Self {
            file: file.to_owned(),
            name: raw.name,
            default_language,
            modules: raw.modules,
            admins,
            telegram,
            matrix,
        })
    }

    /// The bot's short name: its file name without `.toml`.
    pub fn key(&self) -> String {
        self.file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "bot".into())
    }

    /// Reads every `*.toml` in a folder, sorted by file name.
    pub fn load_dir(dir: &Path) -> Result<Vec<Self>, ConfigError> {
        let entries =
            std::fs::read_dir(dir).map_err(|e| ConfigError::new(dir.display().to_string(), "-", e.to_string()))?;
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        files.sort();
        files
            .iter()
            .map(|f| {
                let text = std::fs::read_to_string(f)
                    .map_err(|e| ConfigError::new(f.display().to_string(), "-", e.to_string()))?;
                Self::parse(f, &text)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_config_is_valid() {
        let c = Config::load(None, Vec::new()).unwrap();
        assert_eq!(c.default_language, Lang::It);
        assert_eq!(c.time_zone, chrono_tz::Europe::Rome);
        assert!(c.database_url.starts_with("sqlite:"));
    }

    #[test]
    fn the_shipped_file_on_disk_matches_the_built_in_one() {
        let on_disk = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/config/default.toml")).unwrap();
        assert_eq!(on_disk, DEFAULT_TOML);
    }

    #[test]
    fn environment_variables_override_the_file() {
        let env = vec![
            ("VICINATO_DATABASE__URL".to_owned(), "postgres://x@localhost/db".to_owned()),
            ("VICINATO_DEMO__ENABLED".to_owned(), "off".to_owned()),
            ("PATH".to_owned(), "/bin".to_owned()),
        ];
        let c = Config::load(None, env).unwrap();
        assert_eq!(c.database_url, "postgres://x@localhost/db");
        assert!(!c.demo_enabled);
    }

    #[test]
    fn an_unknown_key_names_the_file_and_key() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("bad.toml");
        std::fs::write(&file, DEFAULT_TOML.replace("[demo]", "[demo]\ncolour = \"blue\"")).unwrap();
        let err = Config::load(Some(&file), Vec::new()).unwrap_err();
        assert!(err.origin.ends_with("bad.toml"));
        assert!(err.reason.contains("colour"), "{err}");
        assert!(err.key.starts_with("line "), "{err}");
    }

    #[test]
    fn the_operators_endpoint_listens_on_loopback_by_default_and_can_be_turned_off() {
        let config = Config::load(None, Vec::<(String, String)>::new()).unwrap();
        assert_eq!(config.listen, Some("127.0.0.1:9464".parse().unwrap()));
        let off = Config::load(None, [("VICINATO_SERVER__LISTEN".to_owned(), "off".to_owned())]).unwrap();
        assert_eq!(off.listen, None);
        let bad = Config::load(None, [("VICINATO_SERVER__LISTEN".to_owned(), "localhost".to_owned())]).unwrap_err();
        assert_eq!(bad.key, "server.listen");
    }

    #[test]
    fn serve_drains_its_outbox_for_ten_seconds_by_default_and_the_environment_changes_it() {
        let config = Config::load(None, Vec::<(String, String)>::new()).unwrap();
        assert_eq!(config.drain, std::time::Duration::from_secs(10));
        let env = [("VICINATO_SERVER__DRAIN_SECONDS".to_owned(), "30".to_owned())];
        assert_eq!(Config::load(None, env).unwrap().drain, std::time::Duration::from_secs(30));
        let env = [("VICINATO_SERVER__DRAIN_SECONDS".to_owned(), "3600".to_owned())];
        assert_eq!(Config::load(None, env).unwrap_err().key, "server.drain_seconds");
    }

    #[test]
    fn a_bad_time_zone_is_named() {
        let env = vec![("VICINATO_LOCALE__TIME_ZONE".to_owned(), "Europe/Rom".to_owned())];
        let err = Config::load(None, env).unwrap_err();
        assert_eq!(err.key, "locale.time_zone");
        assert!(err.to_string().contains("unknown time zone `Europe/Rom`"));
    }

    #[test]
    fn variables_that_are_not_settings_are_left_alone() {
        let env = vec![
            ("VICINATO_REQUIRE_POSTGRES".to_owned(), "1".to_owned()),
            ("VICINATO_TELEGRAM_TOKEN".to_owned(), "123:ABC".to_owned()),
        ];
        assert!(Config::load(None, env).is_ok());
    }

    #[test]
    fn an_unknown_vicinato_variable_is_refused() {
        let err = Config::load(None, vec![("VICINATO_DATABSE__URL".to_owned(), "x".to_owned())]).unwrap_err();
        assert_eq!(err.origin, "VICINATO_DATABSE__URL");
    }

    #[test]
    fn the_shipped_bot_profiles_are_valid() {
        let bots = BotProfile::load_dir(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/bots"))).unwrap();
        assert!(!bots.is_empty());
        assert!(bots.iter().all(|b| b.modules.contains(&"directory".to_owned())));
    }

    #[test]
    fn a_bot_with_an_unknown_module_is_refused_with_its_key() {
        let err = BotProfile::parse(
            Path::new("bots/x.toml"),
            "name = \"x\"\ndefault_language = \"it\"\nmodules = [\"teleport\"]\n",
        )
        .unwrap_err();
        assert_eq!((err.origin.as_str(), err.key.as_str()), ("bots/x.toml", "modules"));
    }

    #[test]
    fn secrets_never_print() {
        assert_eq!(format!("{:?}", Secret::new("123:ABC".into())), "Secret([redacted])");
    }
}
