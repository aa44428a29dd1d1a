//! One `serve` per SQLite database: `serve` holds an exclusive lock on a file beside the
//! database (`<database>.serve.lock`) that names the process (pid, host, since when). A second
//! `serve` on the same file refuses to start and names the first; the system releases the lock
//! when the process ends, however it ends, so a crashed `serve` never blocks the next one.
//! One-off commands (`admin`, `export`, `report`, `backup`) take no lock and keep working.
//!
//! On PostgreSQL several `serve` processes may share the database: each bot runs in exactly one
//! of them, the one holding its lease (a session-level advisory lock, [`BotLease`]). The others
//! wait as standbys, trying once a second, and take over when the holder ends (a kill -9
//! included: the server drops the lock with the connection).
//!
//! The lock lives on one connection, so losing that connection loses the lease even though the
//! process lives on. The holder checks its lease connection every [`LEASE_CHECK`] (an answer
//! within [`LEASE_CHECK_TIMEOUT`]); when it fails it takes the lease again at once if nobody
//! else has, and otherwise stops that bot without draining anything ([`watch_lease`]). A standby that
//! takes a lease over waits [`LEASE_GRACE`] before it starts the bot, longer than the holder
//! needs to notice, so that two processes never run one bot.

use crate::store::BotLease;
use anyhow::Context;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::path::PathBuf;
use std::time::Duration;
use tokio::sync::watch;

/// The lock a running `serve` holds; released when dropped or when the process dies.
#[derive(Debug)]
pub struct ServeLock {
    pub path: PathBuf,
    _file: File,
}

/// The name of this machine, for the lock's owner line.
fn host() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "this machine".to_owned())
}

impl ServeLock {
    /// Takes the lock of the SQLite database at `url`; `None` for PostgreSQL (and in-memory
    /// databases). Fails, naming the holder, when another `serve` has it.
    pub fn acquire(url: &str) -> anyhow::Result<Option<ServeLock>> {
        let Some(rest) = url.strip_prefix("sqlite:") else { return Ok(None) };
        if rest.contains(":memory:") {
            return Ok(None);
        }
        let db = crate::backup::sqlite_file(url)?;
        let mut name = db.as_os_str().to_owned();
        name.push(".serve.lock");
        let path = PathBuf::from(name);
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        }
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .with_context(|| format!("cannot open the lock file {}", path.display()))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = holder.trim();
                let holder = if holder.is_empty() { "another process" } else { holder };
                anyhow::bail!(
                    "another vicinato serve is running on {}: {holder} (it holds {}). Stop it first; \
                     one-off commands (admin, export, report, backup) work beside it",
                    db.display(),
                    path.display()
                );
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(e).with_context(|| format!("cannot lock {}", path.display()));
            }
        }
        let owner = format!(
            "pid {} on {}, since {}",
            std::process::id(),
            host(),
            chrono::Utc::now().format("%Y-%m-%d %H:%M:%S UTC")
        );
        file.set_len(0)?;
        file.rewind()?;
        file.write_all(owner.as_bytes())?;
        file.flush()?;
        Ok(Some(ServeLock { path, _file: file }))
    }
}

/// How often a standby tries to take a bot's lease.
pub const STANDBY_POLL: Duration = Duration::from_secs(1);

/// How often the holder checks that its lease connection still answers.
pub const LEASE_CHECK: Duration = Duration::from_secs(1);

/// How long that check may take before the lease counts as lost.
pub const LEASE_CHECK_TIMEOUT: Duration = Duration::from_secs(2);

/// How long a standby that took a lease over waits before it starts the bot: more than a
/// check's interval and timeout, so a holder that lost its connection has stopped by then.
pub const LEASE_GRACE: Duration = Duration::from_secs(4);

/// The leases of `bots` on the PostgreSQL database at `url`, taken in sorted order (so two
/// processes never wait for each other), waiting as a standby while another process holds one.
/// Nothing to take on SQLite. `None` when `stop` turned true while waiting.
pub async fn bot_leases(
    url: &str,
    bots: &[String],
    mut stop: watch::Receiver<bool>,
) -> anyhow::Result<Option<Vec<BotLease>>> {
    if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
        return Ok(Some(Vec::new()));
    }
    let mut keys: Vec<&String> = bots.iter().collect();
    keys.sort();
    keys.dedup();
    let mut leases = Vec::new();
    for key in keys {
        let mut said = false;
        loop {
            if let Some(lease) = BotLease::try_acquire(url, key).await? {
                leases.push(lease);
                if said {
                    eprintln!("bot {key}: taking over");
                    tracing::warn!(bot = %key, "the process that ran this bot is gone: taking over");
                    // The holder may have lost only its connection: give it the time to notice.
                    tokio::select! {
                        _ = tokio::time::sleep(LEASE_GRACE) => {}
                        _ = crate::core::until_true(stop.clone()) => {}
                    }
                }
                break;
            }
            if !said {
                eprintln!("bot {key}: another process runs it on this database; waiting as a standby");
                tracing::info!(bot = %key, "standby: another process runs this bot");
                said = true;
            }
            tokio::select! {
                _ = tokio::time::sleep(STANDBY_POLL) => {}
                _ = stop.changed() => {}
            }
            if *stop.borrow() {
                break;
            }
        }
        if *stop.borrow() {
            for lease in leases {
                lease.release().await;
            }
            return Ok(None);
        }
    }
    Ok(Some(leases))
}

/// Watches the lease of a running bot until `until` turns true, then hands it back. When its
/// connection stops answering, takes the lease again if nobody else has it; when another
/// process has it (or the database cannot be reached), returns `None`: the bot must stop at
/// once.
pub async fn watch_lease(url: &str, mut lease: BotLease, until: watch::Receiver<bool>) -> Option<BotLease> {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(LEASE_CHECK) => {}
            _ = crate::core::until_true(until.clone()) => return Some(lease),
        }
        let bot = lease.bot.clone();
        if tokio::time::timeout(LEASE_CHECK_TIMEOUT, lease.alive()).await.unwrap_or(false) {
            continue;
        }
        lease.release().await;
        match BotLease::try_acquire(url, &bot).await {
            Ok(Some(again)) => {
                eprintln!("bot {bot}: the connection of its lease ended; took its lease again");
                tracing::warn!(bot = %bot, "the connection holding this bot's lease ended; the lease is taken again");
                lease = again;
            }
            outcome => {
                let why = match outcome {
                    Err(e) => format!("the database cannot be reached ({e})"),
                    _ => "another process holds it now".to_owned(),
                };
                eprintln!("bot {bot}: lost its lease on the database ({why}); stopping it");
                tracing::error!(bot = %bot, reason = %why, "lost this bot's lease: stopping it at once");
                return None;
            }
        }
    }
}
