//! The `vicinato` binary as a person or a script uses it.

use std::io::Write;
use std::process::{Command, Output, Stdio};

pub(crate) fn vicinato(dir: &std::path::Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_vicinato"))
        .args(args)
        .current_dir(dir)
        .env_remove("VICINATO_DATABASE__URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

pub(crate) fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub(crate) fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn chat_creates_and_seeds_its_database_on_first_run_and_answers_json_lines() {
    let dir = tempfile::tempdir().unwrap();
    let out = vicinato(
        dir.path(),
        &["chat", "--json", "--as", "nina"],
        "/start\n{\"button\": \"lang:en\"}\nfood bank in Ostia\n",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(dir.path().join("data/vicinato.db").exists(), "the default SQLite file is created under data/");
    let lines: Vec<serde_json::Value> = stdout(&out).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    // The area question is answered with a place and a question: both are taken.
    assert_eq!(lines.len(), 4, "{}", stdout(&out));
    assert!(lines[0]["text"].as_str().unwrap().contains("Ciao nina"));
    assert_eq!(lines[0]["buttons"][1]["payload"], "lang:en");
    assert!(lines[2]["text"].as_str().unwrap().contains("your area is Ostia"), "{}", lines[2]);
    assert!(lines[3]["text"].as_str().unwrap().contains("I found"), "{}", lines[3]);
}

#[test]
fn chat_without_a_terminal_prints_no_prompts_and_numbers_buttons() {
    let dir = tempfile::tempdir().unwrap();
    let out = vicinato(dir.path(), &["chat", "--lang", "it"], "/start\n1\n");
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(!text.contains("> "), "{text}");
    assert!(text.contains("[1] Italiano") && text.contains("[2] English"), "{text}");
    assert!(text.contains("In quale zona vivi?"), "{text}");
}

#[test]
fn understand_prints_the_documented_json_shape() {
    let dir = tempfile::tempdir().unwrap();
    let out = vicinato(
        dir.path(),
        &["understand", "--json", "cerco", "un", "centro", "anziani", "aperto", "domenica", "a", "Ostia"],
        "",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(v["intent"], "find_service");
    assert_eq!(v["lang"], "it");
    assert_eq!(v["slots"]["category"], "elderly-day-centre");
    assert_eq!(v["slots"]["territory"], "ostia");
    assert_eq!(v["slots"]["when"]["day"], "sunday");
}

#[test]
fn a_broken_config_stops_with_the_file_key_and_reason() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("config")).unwrap();
    let bad = vicinato::config::DEFAULT_TOML.replace("time_zone = \"Europe/Rome\"", "time_zone = \"Mars/Olympus\"");
    std::fs::write(dir.path().join("config/default.toml"), bad).unwrap();
    let out = vicinato(dir.path(), &["check"], "");
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("config/default.toml: locale.time_zone: unknown time zone `Mars/Olympus`"), "{err}");

    let out = Command::new(env!("CARGO_BIN_EXE_vicinato"))
        .arg("check")
        .current_dir(dir.path())
        .env("VICINATO_DEMO__ENABLED", "maybe")
        .output()
        .unwrap();
    assert!(!out.status.success());
}

#[test]
fn a_broken_bot_profile_is_named() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("bots")).unwrap();
    std::fs::write(dir.path().join("bots/x.toml"), "name = \"x\"\ndefault_language = \"fr\"\nmodules = []\n").unwrap();
    let out = vicinato(dir.path(), &["check"], "");
    assert!(!out.status.success());
    assert!(stderr(&out).contains("bots/x.toml: default_language"), "{}", stderr(&out));
}

#[test]
fn hsds_export_and_import_round_trip_and_bad_files_import_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = vicinato(dir.path(), &["export", "hsds", "pkg"], "");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(dir.path().join("pkg/datapackage.json").exists());
    let out = vicinato(dir.path(), &["import", "hsds", "pkg", "--db", "sqlite:other.db"], "");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("Imported"), "{}", stdout(&out));

    // Break a row: the import reports it and leaves the database as it was.
    let services = dir.path().join("pkg/services.csv");
    let text = std::fs::read_to_string(&services).unwrap();
    let broken: Vec<String> = text
        .lines()
        .enumerate()
        .map(|(i, l)| if i == 4 { l.replacen(",active,", ",,", 1) } else { l.to_owned() })
        .collect();
    std::fs::write(&services, broken.join("\n") + "\n").unwrap();
    std::fs::write(dir.path().join("pkg/organizations.csv"), "id,name\nonly-one,Just one\n").unwrap();
    let out = vicinato(dir.path(), &["import", "hsds", "pkg", "--db", "sqlite:other.db"], "");
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("services.csv:5: field `status`"), "{err}");
    assert!(err.contains("nothing was imported"), "{err}");
    let out = vicinato(dir.path(), &["export", "hsds", "again", "--db", "sqlite:other.db"], "");
    assert!(out.status.success());
    let orgs = std::fs::read_to_string(dir.path().join("again/organizations.csv")).unwrap();
    assert!(orgs.lines().count() > 10, "the earlier directory is intact");
}

#[test]
fn the_official_hsds_3_example_imports_into_a_fresh_database_with_warnings_and_exports_under_the_spec_names() {
    let dir = tempfile::tempdir().unwrap();
    let example = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/hsds-3.0-example");
    let example = example.to_str().unwrap();
    let out = vicinato(dir.path(), &["import", "hsds", example, "--db", "sqlite:fresh.db"], "");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("Imported 1 organizations, 1 services, 1 locations"), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(err.contains("warning: locations.csv:2: field `x_territory_id`"), "{err}");
    assert!(err.contains("placed in Lazio"), "{err}");
    let out = vicinato(dir.path(), &["export", "hsds", "out", "--db", "sqlite:fresh.db"], "");
    assert!(out.status.success(), "{}", stderr(&out));
    let sal = std::fs::read_to_string(dir.path().join("out/service_at_location.csv")).unwrap();
    assert!(sal.contains("e94c9f38-1e8f-4564-91d4-d53501ab1765"), "{sal}");
    let services = std::fs::read_to_string(dir.path().join("out/services.csv")).unwrap();
    assert!(services.contains("Community Counselling"), "{services}");
}

#[test]
fn a_broken_hsds_mapping_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("map.toml"), "[[term]]\ntaxonomy = 1\n").unwrap();
    let example = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/hsds-3.0-example");
    let out = vicinato(
        dir.path(),
        &["import", "hsds", example.to_str().unwrap(), "--mapping", "map.toml", "--db", "sqlite:fresh.db"],
        "",
    );
    assert!(!out.status.success());
    assert!(stderr(&out).contains("map.toml"), "{}", stderr(&out));
}

#[test]
fn admin_grant_gives_roles_and_refuses_nonsense() {
    let dir = tempfile::tempdir().unwrap();
    let out = vicinato(dir.path(), &["chat", "--as", "luca"], "ciao\n");
    assert!(out.status.success(), "{}", stderr(&out));
    let out = vicinato(dir.path(), &["admin", "grant", "staff", "console:luca", "--territory", "roma-m05"], "");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("now has the role staff"));
    let out = vicinato(dir.path(), &["admin", "grant", "staff", "console:luca"], "");
    assert!(stderr(&out).contains("needs --territory"));
    let out = vicinato(dir.path(), &["admin", "grant", "wizard", "console:luca"], "");
    assert!(stderr(&out).contains("unknown role `wizard`"));
    let out = vicinato(dir.path(), &["admin", "grant", "admin", "console:nobody"], "");
    assert!(stderr(&out).contains("no person `console:nobody`"));
    let out = vicinato(dir.path(), &["chat", "--as", "luca", "--lang", "en"], "/whoami\n");
    assert!(stdout(&out).contains("staff (Municipio V)"), "{}", stdout(&out));
}

#[test]
fn an_unreachable_database_is_named_without_its_password() {
    let dir = tempfile::tempdir().unwrap();
    let out = vicinato(dir.path(), &["chat", "--db", "postgres://ada:s3cret@127.0.0.1:1/none"], "ciao\n");
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("cannot open the database at postgres://ada:***@127.0.0.1:1/none"), "{err}");
    assert!(!err.contains("s3cret"));
}

fn write_profile(dir: &std::path::Path, api_url: &str) {
    std::fs::create_dir_all(dir.join("bots")).unwrap();
    std::fs::write(
        dir.join("bots/lazio.toml"),
        format!(
            "name = \"Vicinato Lazio\"\ndefault_language = \"it\"\nmodules = [\"directory\"]\n\n\
             [telegram]\ntoken_env = \"TEST_TG_TOKEN\"\napi_url = \"{api_url}\"\n\n\
             [matrix]\nhomeserver = \"http://127.0.0.1:9\"\nuser_env = \"TEST_MX_USER\"\npassword_env = \"TEST_MX_PASSWORD\"\n"
        ),
    )
    .unwrap();
}

#[test]
fn serve_without_any_token_names_the_missing_variables_and_fails() {
    let dir = tempfile::tempdir().unwrap();
    write_profile(dir.path(), "https://api.telegram.org");
    let out = vicinato(dir.path(), &["serve"], "");
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("bot lazio (bots/lazio.toml): Telegram skipped, TEST_TG_TOKEN is not set"), "{err}");
    assert!(err.contains("Matrix skipped, TEST_MX_USER is not set"), "{err}");
    assert!(err.contains("no bot can run"), "{err}");
}

#[tokio::test]
async fn serve_runs_the_telegram_bot_and_stops_cleanly_on_sigterm() {
    use std::time::Duration;
    let server = vicinato_testkit::telegram::TestServer::start("77:SERVE-secret").await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    write_profile(dir.path(), &server.url);
    let child = Command::new(env!("CARGO_BIN_EXE_vicinato"))
        .arg("serve")
        .current_dir(dir.path())
        .env_remove("VICINATO_DATABASE__URL")
        .env("VICINATO_SERVER__LISTEN", "127.0.0.1:0")
        .env("TEST_TG_TOKEN", "77:SERVE-secret")
        // Every log level, to a file (a pipe nobody reads would fill up and block the process).
        .env("VICINATO_LOG", "trace")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(dir.path().join("serve.log")).unwrap())
        .spawn()
        .expect("the binary starts");
    let ugo = server.user(3001, "Ugo", Some("it"));
    server.user_says(&ugo, "/start");
    let hello = server.nth_message(ugo.id, 1, Duration::from_secs(60)).await;
    let killed = Command::new("kill").arg("-TERM").arg(child.id().to_string()).status().unwrap();
    assert!(killed.success());
    let status = child.wait_with_output().unwrap().status;
    let err = std::fs::read_to_string(dir.path().join("serve.log")).unwrap();
    let hello = hello.unwrap_or_else(|| panic!("no answer from vicinato serve: {err}"));
    assert!(hello.text.contains("Ciao Ugo"), "{}", hello.text);
    assert!(status.success(), "{err}");
    assert!(err.contains("on Telegram as @VicinatoTestBot"), "{err}");
    assert!(!err.contains("SERVE-secret"), "the token must never reach a log: {err}");
}

#[test]
fn a_booking_made_in_chat_is_exported_as_icalendar() {
    use chrono::{Datelike, Duration, Weekday};
    let dir = tempfile::tempdir().unwrap();
    // A weekday a week or so ahead, when the meeting room is open: not a weekend and not a
    // public holiday (on 1 December, a week ahead is the Immaculate Conception).
    let mut day = chrono::Utc::now().date_naive() + Duration::days(7);
    while matches!(day.weekday(), Weekday::Sat | Weekday::Sun) || vicinato::domain::holidays::is_public_holiday(day) {
        day += Duration::days(1);
    }
    let wish = format!("vorrei la saletta riunioni il {}/{} dalle 10 alle 11 per 4 persone\n", day.day(), day.month());
    let input = format!("{wish}riunione del condominio; portiamo i biscotti\n{{\"button\": \"book:yes\"}}\n");
    let out = vicinato(dir.path(), &["chat", "--json", "--as", "ugo", "--lang", "it"], &input);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("Prenotato: Saletta riunioni"), "{}", stdout(&out));
    let out = vicinato(dir.path(), &["export", "ical", "--house", "casa-welfare-centocelle"], "");
    assert!(out.status.success(), "{}", stderr(&out));
    let cal = stdout(&out);
    assert!(cal.starts_with("BEGIN:VCALENDAR\r\n"), "{cal}");
    assert_eq!(cal.matches("BEGIN:VEVENT").count(), 1, "{cal}");
    assert!(cal.contains("SUMMARY:Saletta riunioni – riunione del condominio\\; portiamo i biscotti"), "{cal}");
    assert!(cal.contains(&format!("DTSTART:{}", day.format("%Y%m%d"))), "{cal}");
    let out = vicinato(dir.path(), &["export", "ical", "--house", "casa-welfare-ostia"], "");
    assert_eq!(stdout(&out).matches("BEGIN:VEVENT").count(), 0);
}

#[test]
fn a_bad_spaces_file_stops_the_program_naming_the_file_and_key() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("config")).unwrap();
    let text = include_str!("../../config/spaces.toml").replacen("capacity = 60", "capacity = 0", 1);
    std::fs::write(dir.path().join("config/spaces.toml"), text).unwrap();
    for args in [&["chat", "--json", "--as", "ugo"][..], &["check"][..]] {
        let out = vicinato(dir.path(), args, "/help\n");
        assert!(!out.status.success());
        let err = stderr(&out);
        assert!(err.contains("config/spaces.toml: house[0].space[0].capacity: must be at least 1"), "{args:?}: {err}");
    }
}

#[test]
fn an_initiative_proposed_in_chat_shows_in_the_participation_report() {
    let dir = tempfile::tempdir().unwrap();
    let lines = [
        "/proponi Orto condiviso",
        "Un orto nel cortile della scuola, per tutte le famiglie.",
        "Centocelle",
        "{\"button\": \"ptheme:environment\"}",
        "{\"button\": \"pskip\"}",
        "{\"button\": \"pskip\"}",
        "{\"button\": \"pskip\"}",
        "{\"button\": \"pskip\"}",
    ];
    let out = vicinato(dir.path(), &["chat", "--json", "--as", "ugo", "--lang", "it"], &(lines.join("\n") + "\n"));
    assert!(out.status.success(), "{}", stderr(&out));
    let replies: Vec<serde_json::Value> = stdout(&out).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let summary = replies.last().unwrap();
    assert!(summary["text"].as_str().unwrap().contains("Zona: Centocelle"), "{summary}");
    let submit = summary["buttons"][0]["payload"].as_str().unwrap().to_owned();
    assert!(submit.starts_with("isub:"), "{summary}");
    let out = vicinato(dir.path(), &["chat", "--json", "--as", "ugo"], &format!("{{\"button\": \"{submit}\"}}\n"));
    assert!(stdout(&out).contains("è inviata"), "{}", stdout(&out));

    let out = vicinato(dir.path(), &["report", "participation", "--format", "csv", "--area", "roma-m05"], "");
    assert!(out.status.success(), "{}", stderr(&out));
    let month = chrono::Utc::now().with_timezone(&chrono_tz::Europe::Rome).format("%Y-%m").to_string();
    let csv = stdout(&out);
    assert_eq!(csv, format!("territory,month,proposed,supports,held,people,bookings\ncentocelle,{month},1,0,0,1,0\n"));
    let out = vicinato(dir.path(), &["report", "participation", "--area", "atlantide"], "");
    assert!(!out.status.success());
    assert!(stderr(&out).contains("--area: there is no territory `atlantide`"), "{}", stderr(&out));
}

#[test]
fn a_bad_initiatives_setting_is_named_with_its_key() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("config")).unwrap();
    let bad = vicinato::config::DEFAULT_TOML.replace("min_threshold = 10", "min_threshold = 0");
    std::fs::write(dir.path().join("config/default.toml"), bad).unwrap();
    let out = vicinato(dir.path(), &["check"], "");
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("config/default.toml: initiatives.min_threshold: must be at least 1"), "{err}");
}

#[test]
fn admin_dead_letters_lists_what_was_set_aside_without_message_texts() {
    let dir = tempfile::tempdir().unwrap();
    let out = vicinato(dir.path(), &["admin", "dead-letters"], "");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "No dead letters.\n");
    // A job that failed for good, as the scheduler keeps it.
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let url = format!("sqlite:{}/data/vicinato.db", dir.path().display());
        let store = vicinato::store::open(&url).await.unwrap();
        let at = chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 12, 1, 9, 30, 0).unwrap();
        store.dead_letter_add("scheduler", "42", "booking-reminder", "panic at src/x.rs:1: boom", at).await.unwrap();
    });
    let out = vicinato(dir.path(), &["admin", "dead-letters", "--limit", "5"], "");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "1\t2026-12-01 09:30:00 UTC\tscheduler\tbooking-reminder 42\tpanic at src/x.rs:1: boom\n");
}

#[test]
fn bench_with_json_prints_one_line_of_figures_and_no_table() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}/bench.db", dir.path().display());
    let out = vicinato(
        dir.path(),
        &["bench", "directory", "--services", "300", "--queries", "20", "--db", &db, "--json"],
        "",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1, "one JSON line, nothing else: {text}");
    let v: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(v["bench"], "directory");
    assert_eq!(v["engine"], "sqlite");
    assert_eq!(v["services"], 300);
    for key in ["p50_ms", "p95_ms", "p99_ms"] {
        assert!(v[key].as_f64().is_some_and(|ms| ms >= 0.0), "{key} in {v}");
    }
    assert!(v["p50_ms"].as_f64() <= v["p99_ms"].as_f64());
}

#[test]
fn bench_without_json_keeps_the_human_table() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}/bench.db", dir.path().display());
    let out = vicinato(
        dir.path(),
        &["bench", "conversation", "--services", "300", "--messages", "200", "--residents", "4", "--db", &db],
        "",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("messages/s from 4 residents"), "{text}");
    assert!(!text.trim_start().starts_with('{'), "{text}");
}

#[tokio::test]
async fn migrate_lists_applied_and_pending_migrations_and_a_newer_database_stops_the_program() {
    let dir = tempfile::tempdir().unwrap();
    let out = vicinato(dir.path(), &["migrate", "--status"], "");
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("0001  init") && text.contains("pending"), "{text}");
    assert!(text.contains(": 0 applied, "), "{text}");
    assert!(!dir.path().join("data/vicinato.db").exists(), "--status changes nothing");
    let out = vicinato(dir.path(), &["migrate"], "");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains(" 0 pending."), "{}", stdout(&out));
    assert!(!stdout(&out).contains("pending\n"), "{}", stdout(&out));
    let url = format!("sqlite:{}", dir.path().join("data/vicinato.db").display());
    crate::ops::stamp_a_migration_from_the_future(&url).await;
    let out = vicinato(dir.path(), &["migrate", "--status"], "");
    assert!(stdout(&out).contains("9999  from the future"), "{}", stdout(&out));
    assert!(stdout(&out).contains("by a newer version"), "{}", stdout(&out));
    for args in [&["chat", "--as", "ugo"][..], &["migrate"][..], &["admin", "dead-letters"][..]] {
        let out = vicinato(dir.path(), args, "/help\n");
        assert!(!out.status.success(), "{args:?} must refuse");
        let err = stderr(&out);
        assert!(err.contains("it has migration 9999 from the future"), "{args:?}: {err}");
        assert!(err.contains(&format!("this is vicinato {}", env!("CARGO_PKG_VERSION"))), "{args:?}: {err}");
    }
}

#[tokio::test]
async fn json_logs_at_trace_level_hold_no_token_no_password_and_no_message_text() {
    use std::time::Duration;
    let server = vicinato_testkit::telegram::TestServer::start("78:LOGS-secret-token").await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    write_profile(dir.path(), &server.url);
    // On PostgreSQL the database URL carries a password (the test server trusts local users,
    // so any password is accepted): it must not reach the log either.
    let password = "hunter2-db-password";
    let pg = match crate::support::postgres_url() {
        Some(admin) => Some(crate::support::PgDatabase::create(&admin).await),
        None => None,
    };
    let url = match &pg {
        Some(db) => db.url.replacen("://postgres@", &format!("://postgres:{password}@"), 1),
        None => format!("sqlite:{}/vicinato.db", dir.path().display()),
    };
    if pg.is_some() {
        assert!(url.contains(password), "the test URL {url} carries the password");
    }
    let log = dir.path().join("serve.log");
    let child = Command::new(env!("CARGO_BIN_EXE_vicinato"))
        .args(["serve", "--log-format", "json"])
        .current_dir(dir.path())
        .env("VICINATO_DATABASE__URL", &url)
        .env("VICINATO_SERVER__LISTEN", "127.0.0.1:0")
        .env("TEST_TG_TOKEN", "78:LOGS-secret-token")
        .env("VICINATO_LOG", "trace")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .expect("the binary starts");
    let texts = [
        "mio marito mi picchia e ho paura di tornare a casa",
        "cerco uno sportello antiviolenza vicino a via dei Castani",
    ];
    let ada = server.user(3101, "Ada", Some("it"));
    server.user_says(&ada, "/start");
    let mut answered = server.nth_message(ada.id, 1, Duration::from_secs(60)).await.is_some();
    for (n, text) in texts.iter().enumerate() {
        server.user_says(&ada, text);
        answered &= server.nth_message(ada.id, n + 2, Duration::from_secs(60)).await.is_some();
    }
    let killed = Command::new("kill").arg("-TERM").arg(child.id().to_string()).status().unwrap();
    assert!(killed.success());
    let status = child.wait_with_output().unwrap().status;
    let written = std::fs::read_to_string(&log).unwrap();
    assert!(answered, "every message was answered: {written}");
    assert!(status.success(), "{written}");
    let lines: Vec<&str> = written.lines().filter(|l| l.starts_with('{')).collect();
    assert!(lines.len() > 10, "trace level writes plenty: {written}");
    for line in &lines {
        let event: serde_json::Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        assert!(event.get("level").is_some() && event.get("timestamp").is_some(), "{line}");
    }
    assert!(!written.contains("LOGS-secret-token"), "the bot token reached the log");
    assert!(!written.contains(password), "the database password reached the log");
    for text in texts {
        for words in text.split(' ').collect::<Vec<_>>().windows(3) {
            let words = words.join(" ");
            assert!(!written.contains(&words), "message text `{words}` reached the log");
        }
    }
}

#[tokio::test]
async fn a_second_serve_on_the_same_sqlite_file_refuses_naming_the_first_and_one_off_commands_keep_working() {
    use std::time::Duration;
    let server = vicinato_testkit::telegram::TestServer::start("79:LOCK-token").await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    write_profile(dir.path(), &server.url);
    let bots = vicinato::config::BotProfile::load_dir(&dir.path().join("bots")).unwrap();
    let plan = vicinato::serve::plan(&bots, |k| (k == "TEST_TG_TOKEN").then(|| "79:LOCK-token".to_owned()));
    let config = crate::app::config_in(dir.path());
    let (stop, rx) = tokio::sync::watch::channel(false);
    let first = vicinato::serve::start(&config, &bots, plan.clone(), rx).await.expect("the first serve starts");
    let url = config.database_url.clone();
    let second = Command::new(env!("CARGO_BIN_EXE_vicinato"))
        .args(["serve", "--db", &url])
        .current_dir(dir.path())
        .env("TEST_TG_TOKEN", "79:LOCK-token")
        .env("VICINATO_SERVER__LISTEN", "127.0.0.1:0")
        .output()
        .unwrap();
    assert!(!second.status.success());
    let err = stderr(&second);
    assert!(err.contains("another vicinato serve is running on"), "{err}");
    assert!(err.contains(&format!("pid {} on ", std::process::id())), "names the first: {err}");
    for args in [&["admin", "dead-letters", "--db", &url][..], &["report", "participation", "--db", &url][..]] {
        let out = vicinato(dir.path(), args, "");
        assert!(out.status.success(), "{args:?} beside a running serve: {}", stderr(&out));
    }
    stop.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(30), first.wait()).await.expect("serve stops").expect("cleanly");
    // Once the first has stopped, the next starts.
    let (stop, rx) = tokio::sync::watch::channel(false);
    let next = vicinato::serve::start(&config, &bots, plan, rx).await.expect("a serve after the first stopped");
    stop.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(30), next.wait()).await.expect("serve stops").expect("cleanly");
}

/// Waits until a log file says `needle` (the process writes it when it gets there).
async fn log_says(path: &std::path::Path, needle: &str) -> bool {
    for _ in 0..600 {
        if std::fs::read_to_string(path).is_ok_and(|t| t.contains(needle)) {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    false
}

#[tokio::test]
async fn on_postgres_a_standby_serve_takes_the_bot_over_within_15_seconds_after_kill_9_of_the_active_one() {
    use std::time::{Duration, Instant};
    let Some(admin) = crate::support::postgres_url() else { return };
    let db = crate::support::PgDatabase::create(&admin).await;
    let server = vicinato_testkit::telegram::TestServer::start("80:STANDBY-token").await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    write_profile(dir.path(), &server.url);
    let spawn = |log: &str| {
        Command::new(env!("CARGO_BIN_EXE_vicinato"))
            .args(["serve", "--db", &db.url])
            .current_dir(dir.path())
            .env("TEST_TG_TOKEN", "80:STANDBY-token")
            .env("VICINATO_SERVER__LISTEN", "127.0.0.1:0")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.path().join(log)).unwrap())
            .spawn()
            .expect("the binary starts")
    };
    let mut active = spawn("active.log");
    let ugo = server.user(3201, "Ugo", Some("it"));
    server.user_says(&ugo, "/start");
    let welcome = server.nth_message(ugo.id, 1, Duration::from_secs(60)).await;
    let active_log = std::fs::read_to_string(dir.path().join("active.log")).unwrap();
    assert!(welcome.is_some_and(|m| m.text.contains("Ugo")), "the active process answers: {active_log}");
    let mut standby = spawn("standby.log");
    let standby_log = dir.path().join("standby.log");
    assert!(log_says(&standby_log, "waiting as a standby").await, "the second process waits");

    active.kill().expect("kill -9 of the active process");
    let killed = Instant::now();
    active.wait().unwrap();
    server.user_says(&ugo, "cerco un medico");
    let answer = server.nth_message(ugo.id, 2, Duration::from_secs(30)).await;
    let takeover = killed.elapsed();
    let log = std::fs::read_to_string(&standby_log).unwrap();
    assert!(answer.is_some(), "the standby answers after the active one is gone: {log}");
    assert!(log.contains("bot lazio: taking over"), "{log}");
    assert!(takeover < Duration::from_secs(15), "took over in {takeover:?}");
    eprintln!("standby takeover after kill -9: {:.1} s", takeover.as_secs_f64());
    // Nothing handled twice: the third message gets the third reply, not a repeated welcome.
    server.user_says(&ugo, "/help");
    server.nth_message(ugo.id, 3, Duration::from_secs(30)).await.expect("a third answer");
    let texts: Vec<String> = server.messages(ugo.id).into_iter().map(|m| m.text).collect();
    assert_eq!(texts.iter().filter(|t| t.contains("Ciao Ugo")).count(), 1, "{texts:?}");
    let _ = Command::new("kill").arg("-TERM").arg(standby.id().to_string()).status();
    assert!(standby.wait().unwrap().success(), "{}", std::fs::read_to_string(&standby_log).unwrap());
}

#[test]
fn broadcast_send_prints_the_id_and_list_status_and_cancel_follow_it() {
    let dir = tempfile::tempdir().unwrap();
    let send = [
        "broadcast",
        "send",
        "--to",
        "territory:roma-m05",
        "--interest",
        "food",
        "--text",
        "Mercato sabato in piazza",
        "--text-en",
        "Market on Saturday",
        "--at",
        "2099-06-01 09:00",
    ];
    let out = vicinato(dir.path(), &send, "");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "1\n");
    let out = vicinato(dir.path(), &["broadcast", "list"], "");
    assert_eq!(
        stdout(&out),
        "1\tscheduled\t2099-06-01 09:00\tterritory:roma-m05 interest:food\tMercato sabato in piazza\n"
    );
    let out = vicinato(dir.path(), &["broadcast", "status", "1", "--json"], "");
    assert!(out.status.success(), "{}", stderr(&out));
    let status: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!((status["state"].as_str(), status["total"].as_i64()), (Some("scheduled"), Some(0)));
    assert_eq!(status["at"], "2099-06-01T07:00:00+00:00", "read in Europe/Rome, summer time");
    let out = vicinato(dir.path(), &["broadcast", "cancel", "1"], "");
    assert!(out.status.success(), "{}", stderr(&out));
    let out = vicinato(dir.path(), &["broadcast", "cancel", "1"], "");
    assert!(!out.status.success() && stderr(&out).contains("already done or cancelled"), "{}", stderr(&out));
    let out = vicinato(dir.path(), &["broadcast", "status", "1"], "");
    assert!(stdout(&out).starts_with("Announcement 1: cancelled"), "{}", stdout(&out));
}

#[test]
fn broadcast_send_refuses_an_unknown_territory_a_bad_target_a_past_time_and_an_empty_text() {
    let dir = tempfile::tempdir().unwrap();
    let refused = |args: &[&str], says: &str| {
        let mut all = vec!["broadcast", "send"];
        all.extend_from_slice(args);
        let out = vicinato(dir.path(), &all, "");
        assert!(!out.status.success(), "{args:?} was accepted");
        assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
        assert!(stdout(&out).is_empty());
    };
    refused(&["--to", "territory:atlantide", "--text", "Ciao"], "unknown territory `atlantide`");
    refused(&["--to", "roma-m05", "--text", "Ciao"], "--to must be `all` or `territory:ID`");
    refused(&["--to", "all", "--text", "Ciao", "--at", "2000-01-01 09:00"], "that time has passed");
    refused(&["--to", "all", "--text", "Ciao", "--at", "domani"], "YYYY-MM-DD HH:MM");
    refused(&["--to", "all", "--text", "  "], "the text is empty");
    let out = vicinato(dir.path(), &["broadcast", "list"], "");
    assert_eq!(stdout(&out), "No announcements.\n");
}

#[test]
fn broadcast_send_to_the_rooms_too_or_only_to_them_says_so_in_the_list_and_counts_rooms_in_the_status() {
    let dir = tempfile::tempdir().unwrap();
    let send = |extra: &[&str]| {
        let mut all =
            vec!["broadcast", "send", "--to", "territory:centocelle", "--text", "Festa", "--at", "2099-06-01 09:00"];
        all.extend_from_slice(extra);
        vicinato(dir.path(), &all, "")
    };
    let out = send(&["--rooms"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "1\n");
    let out = send(&["--rooms-only"]);
    assert_eq!(stdout(&out), "2\n", "{}", stderr(&out));
    let out = send(&["--rooms-only", "--interest", "food"]);
    assert!(!out.status.success(), "rooms only has no interest to filter by");
    let out = vicinato(dir.path(), &["broadcast", "list"], "");
    let listed = stdout(&out);
    assert!(listed.contains("territory:centocelle +rooms\tFesta"), "{listed}");
    assert!(listed.contains("territory:centocelle rooms-only\tFesta"), "{listed}");
    let out = vicinato(dir.path(), &["broadcast", "status", "2", "--json"], "");
    let status: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!((status["rooms_total"].as_i64(), status["rooms"].as_array().map(Vec::len)), (Some(0), Some(0)));
    assert_eq!(status["audience"], "territory:centocelle rooms-only");
}
