//! The `vicinato` command: chat in the terminal, understand a sentence, import and export the
//! directory, manage roles, check configuration, and run benchmarks.

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use vicinato::app;

mod bench_cli;
use vicinato::config::{BotProfile, Config, LogFormat};
use vicinato::domain::{Account, Lang, LocationId, PersonId, Role, TerritoryId, TerritoryTree};

#[derive(Parser)]
#[command(
    name = "vicinato",
    version,
    about = "Vicinato: community welfare by conversation, on Matrix, Telegram and the terminal"
)]
struct Cli {
    /// Configuration file (default: config/default.toml if present, else the built-in one).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    /// Folder of bot profiles.
    #[arg(long, global = true, default_value = "bots")]
    bots: PathBuf,
    /// Log lines as text or json (default: the configuration's `[log] format`).
    #[arg(long, global = true, value_parser = ["text", "json"])]
    log_format: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct DbArg {
    /// Database URL (overrides the configuration): sqlite:PATH or postgres://USER@HOST/DB.
    #[arg(long)]
    db: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Talk to Vicinato in the terminal.
    Chat {
        /// Your name (the console account).
        #[arg(long = "as", default_value = "resident")]
        name: String,
        /// Language to start in.
        #[arg(long, value_parser = parse_lang)]
        lang: Option<Lang>,
        /// One JSON object per reply; input lines may be {"button": "<payload>"}.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        db: DbArg,
    },
    /// Print the intent and slots Vicinato understands in a sentence.
    Understand {
        /// Language to assume when the words do not tell.
        #[arg(long, value_parser = parse_lang)]
        lang: Option<Lang>,
        /// One line of JSON instead of pretty JSON.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        db: DbArg,
        /// The sentence.
        #[arg(required = true, num_args = 1..)]
        text: Vec<String>,
    },
    /// Load a directory (Open Referral HSDS CSV datapackage).
    Import {
        #[command(subcommand)]
        what: ImportKind,
    },
    /// Write the directory as an Open Referral HSDS CSV datapackage.
    Export {
        #[command(subcommand)]
        what: ExportKind,
    },
    /// Reports for the programme's staff.
    Report {
        #[command(subcommand)]
        what: ReportKind,
    },
    /// Operator commands: roles and personal data.
    Admin {
        #[command(subcommand)]
        what: AdminCommand,
    },
    /// Staff announcements: queue one for the running bots, list, follow and cancel them.
    Broadcast {
        #[command(subcommand)]
        what: vicinato::broadcast::BroadcastCommand,
    },
    /// Run every bot in bots/ whose secrets are in the environment (Ctrl+C stops them).
    Serve {
        #[command(flatten)]
        db: DbArg,
    },
    /// Apply the database migrations this version knows; with --status, only list them.
    Migrate {
        /// List the migrations applied and pending, and change nothing.
        #[arg(long)]
        status: bool,
        #[command(flatten)]
        db: DbArg,
    },
    /// Write a backup of the SQLite database to FILE, safe while serve runs.
    Backup {
        file: PathBuf,
        /// Replace FILE if it exists.
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        db: DbArg,
    },
    /// Put the backup FILE in place of the SQLite database (stop serve first).
    Restore {
        file: PathBuf,
        /// Replace a database that is not empty.
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        db: DbArg,
    },
    /// Check the configuration and bot profiles, and say what is wrong.
    Check,
    /// Measure performance and print the figures.
    Bench {
        /// Print the figures as one JSON line instead of the table.
        #[arg(long, global = true)]
        json: bool,
        #[command(subcommand)]
        what: bench_cli::BenchKind,
    },
}

#[derive(Subcommand)]
enum ImportKind {
    /// An Open Referral HSDS 3.0 CSV datapackage (a folder), replacing the directory.
    Hsds {
        dir: PathBuf,
        /// How terms of other taxonomies map to Vicinato's categories (default:
        /// config/hsds-mapping.toml when it exists).
        #[arg(long)]
        mapping: Option<PathBuf>,
        #[command(flatten)]
        db: DbArg,
    },
}

#[derive(Subcommand)]
enum ExportKind {
    Hsds {
        dir: PathBuf,
        #[command(flatten)]
        db: DbArg,
    },
    /// Bookings as an iCalendar file (RFC 5545): all houses, or one.
    Ical {
        /// A welfare house's location id (casa-welfare-centocelle); all houses without it.
        #[arg(long)]
        house: Option<String>,
        /// Bookings from this many days ago.
        #[arg(long, default_value_t = 30)]
        past_days: i64,
        /// Bookings up to this many days ahead.
        #[arg(long, default_value_t = 365)]
        days: i64,
        /// Write here instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
        #[command(flatten)]
        db: DbArg,
    },
}

#[derive(Subcommand)]
enum ReportKind {
    /// Participation in initiatives per territory and month: proposed, supports, held,
    /// distinct residents taking part, bookings for initiatives.
    Participation {
        /// Output format: csv (one row per territory and month), or png (a chart of the
        /// area's months, in the configured language; needs --out).
        #[arg(long, default_value = "csv", value_parser = ["csv", "png"])]
        format: String,
        /// Months back, this one included.
        #[arg(long, default_value_t = 12)]
        months: u32,
        /// Only this territory and beneath it (an id such as roma-m05); all without it.
        #[arg(long)]
        area: Option<String>,
        /// Write here instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
        #[command(flatten)]
        db: DbArg,
    },
    /// The moderation log of community rooms: who did what, to whom, when, why, where.
    Moderation {
        /// Output format: csv.
        #[arg(long, default_value = "csv", value_parser = ["csv"])]
        format: String,
        /// Only this territory and beneath it (an id such as roma-m05); all without it.
        #[arg(long)]
        territory: Option<String>,
        /// Write here instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
        #[command(flatten)]
        db: DbArg,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Give a role: ROLE is resident, moderator, staff or admin; PERSON is NETWORK:ID or a person number.
    Grant {
        role: String,
        person: String,
        #[arg(long)]
        territory: Option<String>,
        #[command(flatten)]
        db: DbArg,
    },
    /// Take a role away.
    Revoke {
        role: String,
        person: String,
        #[arg(long)]
        territory: Option<String>,
        #[command(flatten)]
        db: DbArg,
    },
    /// Print everything stored about a person, as JSON.
    ExportPerson {
        person: String,
        #[command(flatten)]
        db: DbArg,
    },
    /// Erase a person and everything stored about them.
    ErasePerson {
        person: String,
        #[command(flatten)]
        db: DbArg,
    },
    /// List the updates, events and jobs that failed for good and were set aside, newest first.
    DeadLetters {
        /// How many to show.
        #[arg(long, default_value_t = 50)]
        limit: i64,
        #[command(flatten)]
        db: DbArg,
    },
}

fn parse_lang(s: &str) -> Result<Lang, String> {
    Lang::from_tag(s).ok_or_else(|| format!("`{s}` is not a language Vicinato speaks (it, en)"))
}

fn load_config(cli: &Cli, db: Option<&DbArg>) -> anyhow::Result<Config> {
    let path = cli.config.clone().or_else(Config::default_path);
    let mut config = Config::load(path.as_deref(), std::env::vars())?;
    if let Some(url) = db.and_then(|d| d.db.clone()) {
        config.database_url = url;
    }
    Ok(config)
}

fn load_bots(cli: &Cli) -> anyhow::Result<Vec<BotProfile>> {
    if !cli.bots.exists() {
        return Ok(Vec::new());
    }
    Ok(BotProfile::load_dir(&cli.bots)?)
}

async fn find_person(store: &dyn vicinato::store::Store, key: &str) -> anyhow::Result<vicinato::domain::Person> {
    let person = match key.parse::<i64>() {
        Ok(id) => store.person(PersonId(id)).await?,
        Err(_) => {
            let account =
                Account::parse(key).with_context(|| format!("`{key}` is neither NETWORK:ID nor a person number"))?;
            store.find_person(&account).await?
        }
    };
    person.with_context(|| format!("no person `{key}`: they must write to Vicinato first"))
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match &cli.command {
        Command::Chat { name, lang, json, db } => {
            let config = load_config(&cli, Some(db))?;
            let bots = load_bots(&cli)?;
            let options = app::Options { admins_of: bots, ..Default::default() };
            let app = app::App::build(&config, &[], options).await?;
            vicinato::transport::console::run(
                &app.engine,
                vicinato::transport::console::ConsoleOptions {
                    name: name.clone(),
                    lang: *lang,
                    json: *json,
                    files_dir: "data/files".into(),
                },
            )
            .await
        }
        Command::Understand { lang, json, db, text } => {
            let config = load_config(&cli, Some(db))?;
            let store = app::open_store(&config.database_url).await?;
            app::ensure_demo(store.as_ref(), &config).await?;
            let tree = TerritoryTree::new(store.territories().await?)?;
            let understander = vicinato::conversation::understand::Understander::new(
                vicinato::conversation::understand::embedded_lexicons()?,
                &tree,
            );
            let u = understander.understand(&text.join(" "), lang.unwrap_or(config.default_language));
            let out = if *json { serde_json::to_string(&u)? } else { serde_json::to_string_pretty(&u)? };
            println!("{out}");
            Ok(())
        }
        Command::Import { what: ImportKind::Hsds { dir, mapping, db } } => {
            let config = load_config(&cli, Some(db))?;
            let store = app::open_store(&config.database_url).await?;
            let default_mapping = PathBuf::from("config/hsds-mapping.toml");
            let mapping = mapping.clone().or_else(|| default_mapping.exists().then_some(default_mapping));
            let map = match &mapping {
                Some(path) => vicinato::hsds::TermMap::load(path)?,
                None => vicinato::hsds::TermMap::default(),
            };
            // A fresh database leans on the built-in Lazio territories and taxonomy.
            let mut known = vicinato::hsds::Known {
                territories: store.territories().await?,
                categories: store.categories().await?,
            };
            if known.territories.is_empty() {
                known.territories = vicinato::demo::lazio()?.territories;
            }
            if known.categories.is_empty() {
                known.categories = vicinato::demo::taxonomy()?;
            }
            let imported = vicinato::hsds::import(dir, known, &map)?;
            for warning in &imported.warnings {
                eprintln!("warning: {warning}");
            }
            let dataset = imported.dataset;
            store.replace_dataset(&dataset).await.context("the import was rolled back")?;
            println!(
                "Imported {} organizations, {} services, {} locations, {} territories from {}.",
                dataset.organizations.len(),
                dataset.services.len(),
                dataset.locations.len(),
                dataset.territories.len(),
                dir.display()
            );
            Ok(())
        }
        Command::Export { what: ExportKind::Hsds { dir, db } } => {
            let config = load_config(&cli, Some(db))?;
            let store = app::open_store(&config.database_url).await?;
            app::ensure_demo(store.as_ref(), &config).await?;
            let dataset = store.dataset().await?;
            vicinato::hsds::export(&dataset, dir)?;
            println!("Exported {} services to {}.", dataset.services.len(), dir.display());
            Ok(())
        }
        Command::Export { what: ExportKind::Ical { house, past_days, days, out, db } } => {
            let config = load_config(&cli, Some(db))?;
            let store = app::open_store(&config.database_url).await?;
            app::ensure_demo(store.as_ref(), &config).await?;
            let house =
                house.as_deref().map(LocationId::parse).transpose().map_err(|e| anyhow::anyhow!("--house: {e}"))?;
            let text = export_ical(store.as_ref(), house.as_ref(), *past_days, *days).await?;
            match out {
                Some(path) => {
                    std::fs::write(path, &text).with_context(|| format!("cannot write {}", path.display()))?;
                    println!("Exported the bookings calendar to {}.", path.display());
                }
                None => print!("{text}"),
            }
            Ok(())
        }
        Command::Report { what: ReportKind::Participation { format, months, area, out, db } } => {
            let png = format == "png";
            anyhow::ensure!(!png || out.is_some(), "--format png: say where to write the chart with --out FILE");
            let config = load_config(&cli, Some(db))?;
            let store = app::open_store(&config.database_url).await?;
            app::ensure_demo(store.as_ref(), &config).await?;
            let tree = TerritoryTree::new(store.territories().await?)?;
            let territory = match area {
                Some(a) => {
                    let id = TerritoryId::parse(a).map_err(|e| anyhow::anyhow!("--area: {e}"))?;
                    anyhow::ensure!(tree.get(&id).is_some(), "--area: there is no territory `{a}`");
                    Some(id)
                }
                None => None,
            };
            let path = territory.as_ref().map_or_else(|| "/".to_owned(), |id| tree.path(id));
            let now = chrono::Utc::now();
            let (from, to) = vicinato::conversation::initiatives::decide::months_back(now, config.time_zone, *months);
            let events = store.participation_events(&path, from, to).await?;
            if let (true, Some(file)) = (png, out) {
                let figures = vicinato::conversation::initiatives::decide::Figures {
                    events: &events,
                    zone: config.time_zone,
                    from,
                    months: (*months).max(1),
                };
                let image = participation_chart(&figures, &tree, territory.as_ref(), config.default_language)?;
                std::fs::write(file, &image.bytes).with_context(|| format!("cannot write {}", file.display()))?;
                println!("Wrote the chart to {}. {}", file.display(), image.alt);
                return Ok(());
            }
            let rows = vicinato::conversation::initiatives::decide::table(&events, &tree, None, config.time_zone);
            let text = vicinato::conversation::initiatives::decide::csv(&rows)?;
            write_report(out.as_deref(), &text, rows.len())
        }
        Command::Report { what: ReportKind::Moderation { format: _, territory, out, db } } => {
            let config = load_config(&cli, Some(db))?;
            let store = app::open_store(&config.database_url).await?;
            app::ensure_demo(store.as_ref(), &config).await?;
            let tree = TerritoryTree::new(store.territories().await?)?;
            let territory = match territory {
                Some(t) => {
                    let id = TerritoryId::parse(t).map_err(|e| anyhow::anyhow!("--territory: {e}"))?;
                    anyhow::ensure!(tree.get(&id).is_some(), "--territory: there is no territory `{t}`");
                    Some(id)
                }
                None => None,
            };
            let entries = vicinato::core::rooms::audit::entries(territory.as_ref(), store.as_ref(), &tree).await?;
            let text = vicinato::core::rooms::audit::csv(&entries)?;
            write_report(out.as_deref(), &text, entries.len())
        }
        Command::Admin { what } => admin(&cli, what).await,
        Command::Broadcast { what } => {
            let config = load_config(&cli, Some(&DbArg { db: what.db().map(str::to_owned) }))?;
            let store = app::open_store(&config.database_url).await?;
            app::ensure_demo(store.as_ref(), &config).await?;
            let out = vicinato::broadcast::run(store.as_ref(), config.time_zone, what, chrono::Utc::now()).await?;
            print!("{out}");
            Ok(())
        }
        Command::Serve { db } => {
            let config = load_config(&cli, Some(db))?;
            let bots = load_bots(&cli)?;
            let plan = vicinato::serve::plan(&bots, |k| std::env::var(k).ok());
            // A panic is logged without the texts it quotes (a message's, say).
            vicinato::guard::install_hook();
            let (stop_tx, stop) = tokio::sync::watch::channel(false);
            tokio::spawn(async move {
                shutdown_signal().await;
                let _ = stop_tx.send(true);
            });
            vicinato::serve::serve(&config, &bots, plan, stop).await
        }
        Command::Migrate { status, db } => {
            let config = load_config(&cli, Some(db))?;
            let url = &config.database_url;
            if !*status {
                app::open_store(url).await?;
            }
            let states = vicinato::store::SqlStore::migration_status(url)
                .await
                .with_context(|| format!("cannot read the migrations of {}", app::redact_url(url)))?;
            print!("{}", migration_table(&states));
            let pending = states.iter().filter(|m| m.applied_at.is_none()).count();
            let newer = states.iter().filter(|m| !m.known).count();
            println!(
                "{}: {} applied, {pending} pending{}.",
                app::redact_url(url),
                states.len() - pending,
                if newer > 0 { format!(", {newer} from a newer version of Vicinato") } else { String::new() }
            );
            Ok(())
        }
        Command::Backup { file, force, db } => {
            let config = load_config(&cli, Some(db))?;
            let checked = vicinato::backup::backup(&config.database_url, file, *force).await?;
            println!("Backed up {} to {}: {checked}.", app::redact_url(&config.database_url), file.display());
            Ok(())
        }
        Command::Restore { file, force, db } => {
            let config = load_config(&cli, Some(db))?;
            let checked = vicinato::backup::restore(&config.database_url, file, *force).await?;
            println!("Restored {} from {}: {checked}.", app::redact_url(&config.database_url), file.display());
            Ok(())
        }
        Command::Check => {
            let config = load_config(&cli, None)?;
            let bots = load_bots(&cli)?;
            let spaces = app::load_spaces()?;
            println!(
                "Bookable spaces: {} in {} welfare houses.",
                spaces.houses.iter().map(|h| h.spaces.len()).sum::<usize>(),
                spaces.houses.len()
            );
            println!(
                "Configuration is valid: database {}, language {}, time zone {}.",
                app::redact_url(&config.database_url),
                config.default_language,
                config.time_zone
            );
            for b in &bots {
                let nets: Vec<&str> = [b.telegram.as_ref().map(|_| "telegram"), b.matrix.as_ref().map(|_| "matrix")]
                    .into_iter()
                    .flatten()
                    .collect();
                println!(
                    "Bot {} ({}): networks {}, modules {}.",
                    b.name,
                    b.file.display(),
                    nets.join(", "),
                    b.modules.join(", ")
                );
            }
            Ok(())
        }
        Command::Bench { json, what } => bench_cli::run(what, *json).await,
    }
}

/// The chart of `vicinato report participation --format png`, drawn in `lang`.
fn participation_chart(
    figures: &vicinato::conversation::initiatives::decide::Figures<'_>,
    tree: &TerritoryTree,
    territory: Option<&TerritoryId>,
    lang: vicinato::domain::Lang,
) -> anyhow::Result<vicinato::conversation::chart::Image> {
    let i18n = vicinato::conversation::i18n::I18n::embedded()?;
    let (key, area) = match territory {
        Some(id) => (id.to_string(), tree.get(id).map_or_else(|| id.to_string(), |t| t.name.clone())),
        None => ("all".to_owned(), i18n.say(lang, "chart-area-all")),
    };
    let chart = vicinato::conversation::initiatives::decide::chart(figures, &key, &area);
    vicinato::conversation::chart::draw(&i18n, lang, &chart).context("the chart could not be drawn")
}

async fn admin(cli: &Cli, what: &AdminCommand) -> anyhow::Result<()> {
    let db = match what {
        AdminCommand::Grant { db, .. }
        | AdminCommand::Revoke { db, .. }
        | AdminCommand::ExportPerson { db, .. }
        | AdminCommand::ErasePerson { db, .. }
        | AdminCommand::DeadLetters { db, .. } => db,
    };
    let config = load_config(cli, Some(db))?;
    let store = app::open_store(&config.database_url).await?;
    app::ensure_demo(store.as_ref(), &config).await?;
    match what {
        AdminCommand::Grant { role, person, territory, .. } | AdminCommand::Revoke { role, person, territory, .. } => {
            use vicinato::core::people::{Refusal, grant};
            let give = matches!(what, AdminCommand::Grant { .. });
            let role = Role::parse(role)
                .with_context(|| format!("unknown role `{role}`: use resident, moderator, staff or admin"))?;
            let target = grant::Target::parse(person)
                .with_context(|| format!("`{person}` is neither NETWORK:ID nor a person number"))?;
            let tree = TerritoryTree::new(store.territories().await?)?;
            let change = grant::RoleChange { role, target, territory: territory.clone(), give };
            // The same rule as /grant and /revoke in chat; the operator may change any role.
            let done = match grant::change_role(grant::By::Operator, change, store.as_ref(), &tree, chrono::Utc::now())
                .await?
            {
                Ok(done) => done,
                Err(Refusal::TerritoryUnknown { territory }) => bail!("unknown territory `{territory}`"),
                Err(Refusal::NeedsTerritory) => bail!("the role {} needs --territory", role.as_str()),
                Err(Refusal::PersonUnknown { account }) => {
                    bail!("no person `{account}`: they must write to Vicinato first")
                }
                Err(Refusal::NotAllowed) => bail!("not allowed"),
                // Refusals of linking accounts: never a role change's.
                Err(Refusal::LinkTooManyTries | Refusal::LinkUnknown | Refusal::LinkSame | Refusal::LinkOver) => {
                    bail!("not a role change")
                }
            };
            let person = done.person;
            let verb = match (give, done.changed) {
                (true, true) => "now has",
                (true, false) => "already had",
                (false, true) => "no longer has",
                (false, false) => "did not have",
            };
            println!("{} (person {}) {verb} the role {}.", person.display_name, person.id, role.as_str());
            Ok(())
        }
        AdminCommand::ExportPerson { person, .. } => {
            use vicinato::core::people::{erase, grant::By};
            let person = find_person(store.as_ref(), person).await?;
            let export = erase::export(By::Operator, person.id, store.as_ref())
                .await?
                .map_err(|refusal| anyhow::anyhow!("refused: {refusal:?}"))?;
            println!("{}", serde_json::to_string_pretty(&export)?);
            Ok(())
        }
        AdminCommand::ErasePerson { person, .. } => {
            use vicinato::core::people::{erase, grant::By};
            let person = find_person(store.as_ref(), person).await?;
            // The same rule as /forget in chat: live bookings are freed for whoever waits (a
            // job offers each slot, run by `vicinato serve`), then the person is erased.
            let spaces = app::load_spaces()?;
            let done = erase::erase(By::Operator, person.id, store.as_ref(), &spaces.settings, chrono::Utc::now())
                .await?
                .map_err(|refusal| anyhow::anyhow!("refused: {refusal:?}"))?;
            println!(
                "Erased person {} and everything stored about them; {} live booking(s) cancelled and offered to the waitlist.",
                person.id,
                done.freed.len()
            );
            Ok(())
        }
        AdminCommand::DeadLetters { limit, .. } => {
            let letters = store.dead_letters(*limit).await?;
            if letters.is_empty() {
                println!("No dead letters.");
            }
            for d in letters {
                println!(
                    "{}\t{}\t{}\t{} {}\t{}",
                    d.id,
                    d.at.format("%Y-%m-%d %H:%M:%S UTC"),
                    d.source,
                    d.kind,
                    d.item,
                    d.error
                );
            }
            Ok(())
        }
    }
}

/// The migrations as a table: number, name, applied when (or pending, or unknown to this version).
fn migration_table(states: &[vicinato::store::MigrationState]) -> String {
    let mut out = String::new();
    for m in states {
        let state = match (&m.applied_at, m.known) {
            (Some(at), true) => format!("applied {at}"),
            (Some(at), false) => format!("applied {at} by a newer version"),
            (None, _) => "pending".to_owned(),
        };
        out.push_str(&format!("{:04}  {:<32}  {state}\n", m.version, m.description));
    }
    out
}

/// The bookings of a house (or all) from `past_days` ago to `days` ahead, as iCalendar.
async fn export_ical(
    store: &dyn vicinato::store::Store,
    house: Option<&LocationId>,
    past_days: i64,
    days: i64,
) -> anyhow::Result<String> {
    let now = chrono::Utc::now();
    let bookings = store
        .bookings_between(house, now - chrono::Duration::days(past_days), now + chrono::Duration::days(days))
        .await?;
    let spaces = app::load_spaces()?;
    let houses = store.welfare_houses().await?;
    let entries: Vec<_> = bookings
        .iter()
        .map(|b| vicinato::domain::ical::CalendarEntry {
            booking: b,
            space: spaces.space(&b.space).map(|(_, s)| s.name.it.clone()).unwrap_or_else(|| b.space.to_string()),
            house: houses
                .iter()
                .find(|h| h.id == b.house)
                .map(|h| h.name.clone())
                .unwrap_or_else(|| b.house.to_string()),
        })
        .collect();
    Ok(vicinato::domain::ical::calendar("Vicinato", &entries, now))
}

/// Ctrl+C, or SIGTERM from a service manager.
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(s) => s,
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
                return;
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // A server tells what it does; one-shot commands speak only when something is wrong.
    let default_filter = if matches!(cli.command, Command::Serve { .. }) {
        "info,sqlx=warn,matrix_sdk_crypto::backups=error"
    } else {
        "warn"
    };
    // The flag, else the configuration (a configuration that does not load is reported by
    // the command itself, with text logs).
    let format = match cli.log_format.as_deref().and_then(LogFormat::parse) {
        Some(format) => format,
        None => load_config(&cli, None).map(|c| c.log_format).unwrap_or_default(),
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("VICINATO_LOG").unwrap_or_else(|_| default_filter.into());
    let logs = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    match format {
        LogFormat::Text => logs.init(),
        LogFormat::Json => logs.json().flatten_event(true).init(),
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Writes a report to the file given, saying how many rows, or prints it.
fn write_report(out: Option<&std::path::Path>, text: &str, rows: usize) -> anyhow::Result<()> {
    match out {
        Some(file) => {
            std::fs::write(file, text).with_context(|| format!("cannot write {}", file.display()))?;
            println!("Wrote {rows} rows to {}.", file.display());
        }
        None => print!("{text}"),
    }
    Ok(())
}
