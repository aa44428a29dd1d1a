//! `vicinato backup FILE` and `vicinato restore FILE` for a SQLite database. A backup is one
//! consistent file written while the bots go on serving (`VACUUM INTO`); a restore checks the
//! file (`PRAGMA integrity_check`, migrations this version knows, applying those it lacks) on a
//! copy beside the database, then puts it in place, and refuses to replace a database that
//! holds anything unless told to (`--force`). PostgreSQL is backed up with its own tools
//! (README, "Backups"). The SQL is the store's; this file only moves files.

use crate::app::redact_url;
use crate::store::SqlStore;
use anyhow::{Context, bail};
use std::path::{Path, PathBuf};

/// What a backup or a restore leaves: the rows of the main tables, and the migrations applied.
#[derive(Debug, Clone)]
pub struct Checked {
    pub counts: Vec<(&'static str, i64)>,
    pub migrations: usize,
}

impl std::fmt::Display for Checked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let counts: Vec<String> = self.counts.iter().map(|(t, n)| format!("{t} {n}")).collect();
        write!(f, "{} migrations; {}", self.migrations, counts.join(", "))
    }
}

/// The file of a `sqlite:` URL, or an error saying what to do for PostgreSQL.
pub fn sqlite_file(url: &str) -> anyhow::Result<PathBuf> {
    let Some(rest) = url.strip_prefix("sqlite:") else {
        bail!(
            "{} is not a SQLite database: back PostgreSQL up with pg_dump and restore it with pg_restore (see README, \"Backups\")",
            redact_url(url)
        );
    };
    let path = rest.trim_start_matches("//").split('?').next().unwrap_or(rest);
    anyhow::ensure!(!path.is_empty() && !path.contains(":memory:"), "{url} is not a file");
    Ok(PathBuf::from(path))
}

/// Checks an open store: a sound file, and its row counts and migrations.
async fn check(store: &SqlStore, url: &str) -> anyhow::Result<Checked> {
    let problems = store.integrity_problems().await?;
    if !problems.is_empty() {
        bail!("the integrity check of {} failed: {}", redact_url(url), problems.join("; "));
    }
    let counts = store.row_counts().await?;
    let states = SqlStore::migration_status(url).await?;
    let pending: Vec<String> =
        states.iter().filter(|m| m.applied_at.is_none()).map(|m| m.description.clone()).collect();
    anyhow::ensure!(pending.is_empty(), "migrations still pending: {}", pending.join(", "));
    Ok(Checked { counts, migrations: states.len() })
}

/// Writes a backup of the database at `url` to `file` (replacing it only with `force`), safe
/// while `serve` runs, and checks the copy.
pub async fn backup(url: &str, file: &Path, force: bool) -> anyhow::Result<Checked> {
    sqlite_file(url)?;
    if file.exists() {
        anyhow::ensure!(force, "{} exists: choose another file, or add --force to replace it", file.display());
        std::fs::remove_file(file).with_context(|| format!("cannot replace {}", file.display()))?;
    }
    if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let store = SqlStore::open(url).await.with_context(|| format!("cannot open {}", redact_url(url)))?;
    store.backup_into(file).await.with_context(|| format!("cannot write the backup to {}", file.display()))?;
    store.close().await;
    let copy_url = format!("sqlite:{}", file.display());
    let copy =
        SqlStore::open(&copy_url).await.with_context(|| format!("the backup {} cannot be read", file.display()))?;
    let checked = check(&copy, &copy_url).await;
    copy.close().await;
    checked
}

/// Puts the backup `file` in place of the database at `url`. A database holding anything is
/// replaced only with `force`; stop `serve` first.
pub async fn restore(url: &str, file: &Path, force: bool) -> anyhow::Result<Checked> {
    let target = sqlite_file(url)?;
    anyhow::ensure!(file.is_file(), "there is no backup file {}", file.display());
    if target.exists() && !force {
        let store = SqlStore::open(url).await.with_context(|| format!("cannot open {}", redact_url(url)))?;
        let counts = store.row_counts().await?;
        store.close().await;
        let held: Vec<String> = counts.iter().filter(|(_, n)| *n > 0).map(|(t, n)| format!("{n} {t}")).collect();
        if !held.is_empty() {
            bail!(
                "{} is not empty ({}): add --force to replace it with {}",
                redact_url(url),
                held.join(", "),
                file.display()
            );
        }
    }
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    // The copy is checked (and migrated, if the backup is older) beside the database, then
    // moved in place in one rename: a failure leaves the database as it was.
    let staging = with_suffix(&target, ".restoring");
    remove_sqlite_files(&staging)?;
    std::fs::copy(file, &staging)
        .with_context(|| format!("cannot copy {} to {}", file.display(), staging.display()))?;
    let staging_url = format!("sqlite:{}", staging.display());
    let checked = async {
        let copy = SqlStore::open(&staging_url)
            .await
            .with_context(|| format!("the backup {} cannot be used", file.display()))?;
        let checked = check(&copy, &staging_url).await;
        copy.close().await;
        checked
    }
    .await;
    let checked = match checked {
        Ok(c) => c,
        Err(e) => {
            let _ = remove_sqlite_files(&staging);
            return Err(e);
        }
    };
    remove_sqlite_files(&target)?;
    std::fs::rename(&staging, &target)
        .with_context(|| format!("cannot move the restored database to {}", target.display()))?;
    Ok(checked)
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Removes a SQLite file with its write-ahead log and shared memory (a stale log beside a
/// restored file would be read into it).
fn remove_sqlite_files(path: &Path) -> anyhow::Result<()> {
    for p in [path.to_path_buf(), with_suffix(path, "-wal"), with_suffix(path, "-shm")] {
        match std::fs::remove_file(&p) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e).with_context(|| format!("cannot remove {}", p.display())),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_sqlite_file_is_backed_up_here() {
        assert_eq!(sqlite_file("sqlite:data/v.db").unwrap(), PathBuf::from("data/v.db"));
        assert_eq!(sqlite_file("sqlite:///tmp/v.db?mode=rwc").unwrap(), PathBuf::from("/tmp/v.db"));
        let pg = sqlite_file("postgres://ada:secret@db/v").unwrap_err().to_string();
        assert!(pg.contains("pg_dump") && !pg.contains("secret"), "{pg}");
    }
}
