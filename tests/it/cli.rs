//! The `vicinato` binary as a person or a script uses it.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn vicinato(dir: &std::path::Path, args: &[&str], stdin: &str) -> Output {
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

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
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
