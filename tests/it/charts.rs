//! Charts for staff, end to end on the console and the command line: `/stats` draws the
//! participation of the staff member's territory per month as a PNG beside the lines, with a
//! one-line summary; residents get neither; `vicinato report participation --format png`
//! writes the same chart to a file. (Telegram's `sendPhoto` and Matrix's `m.image` are tested
//! with their transports, in `telegram.rs` and `matrix.rs`.)

use crate::cli::{stderr, stdout, vicinato};
use crate::support::*;
use std::sync::Arc;
use vicinato::conversation::Engine;
use vicinato::domain::*;

fn press(payload: &str) -> String {
    format!(r#"{{"button": "{payload}"}}"#)
}

/// The width and height in a PNG's header, after checking its signature.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "a PNG signature");
    assert_eq!(&bytes[12..16], b"IHDR", "the header chunk first");
    let word = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
    (word(16), word(20))
}

/// The lines that propose an initiative in Centocelle, up to its summary.
const PROPOSE: [&str; 8] = [
    "/proponi Orto condiviso",
    "Un orto nel cortile della scuola, per tutte le famiglie.",
    "Centocelle",
    "{\"button\": \"ptheme:environment\"}",
    "{\"button\": \"pskip\"}",
    "{\"button\": \"pskip\"}",
    "{\"button\": \"pskip\"}",
    "{\"button\": \"pskip\"}",
];

/// Ugo proposes and submits an initiative; Bea is staff of Municipio V.
async fn app_with_one_proposal() -> (Arc<Engine>, tempfile::TempDir) {
    let (store, dir) = sqlite_store().await;
    let (engine, _clock) = engine_on(store, saturday_morning()).await;
    let r = talk(&engine, "ugo", Some(Lang::It), &PROPOSE).await;
    let submit = r.last().unwrap()["buttons"][0]["payload"].as_str().unwrap().to_owned();
    assert!(submit.starts_with("isub:"), "{}", r.last().unwrap());
    let r = talk(&engine, "ugo", None, &[&press(&submit)]).await;
    assert!(text(&r[0]).contains("è inviata"), "{}", text(&r[0]));
    staff(&engine, "bea").await;
    (engine, dir)
}

/// `name` becomes staff of Municipio V.
async fn staff(engine: &Engine, name: &str) {
    let p = engine
        .store()
        .person_for_account(&Account::new(Network::Console, name), name, saturday_morning())
        .await
        .unwrap();
    let grant = RoleGrant { role: Role::Staff, territory: Some(TerritoryId::new("roma-m05")) };
    engine.store().grant_role(p.id, &grant, saturday_morning()).await.unwrap();
}

#[tokio::test]
async fn stats_from_staff_on_the_console_write_the_participation_chart_and_say_it_in_one_line() {
    let (engine, _dir) = app_with_one_proposal().await;
    let r = talk(&engine, "bea", Some(Lang::It), &["/stats"]).await;
    assert!(text(&r[0]).contains("2026-11: 1 proposta"), "the lines stay: {}", text(&r[0]));
    let image = &r[0]["images"][0];
    assert_eq!(image["mime"], "image/png");
    assert_eq!(image["name"], "participation-roma-m05-2026-11.png");
    let alt = image["alt"].as_str().unwrap();
    assert!(
        alt.ends_with("negli ultimi 6 mesi: 1 iniziativa proposta, 0 sostegni, 0 attività svolte, 1 residente coinvolto, 0 prenotazioni."),
        "{alt}"
    );
    assert!(text(&r[0]).contains(&format!("{alt} Grafico salvato: ")), "{}", text(&r[0]));
    let bytes = std::fs::read(image["path"].as_str().unwrap()).unwrap();
    assert_eq!(png_size(&bytes), (900, 520));
    assert_eq!((image["width"].as_u64(), image["height"].as_u64()), (Some(900), Some(520)));

    // Drawn again from the same figures, the same bytes; in English, other texts.
    let again = talk(&engine, "bea", None, &["/stats"]).await;
    assert_eq!(std::fs::read(again[0]["images"][0]["path"].as_str().unwrap()).unwrap(), bytes);
    staff(&engine, "ben").await;
    let en = talk(&engine, "ben", Some(Lang::En), &["/stats"]).await;
    let alt = en[0]["images"][0]["alt"].as_str().unwrap().to_owned();
    assert!(alt.contains("over the last 6 months: 1 initiative proposed, 0 supports"), "{alt}");
}

#[tokio::test]
async fn a_resident_asking_for_stats_gets_no_chart() {
    let (engine, _dir) = app_with_one_proposal().await;
    let r = talk(&engine, "ugo", Some(Lang::It), &["/stats"]).await;
    assert!(text(&r[0]).contains("Non hai il permesso"), "{}", text(&r[0]));
    assert!(r.iter().all(|reply| reply.get("images").is_none()), "{r:?}");
}

#[test]
fn stats_in_vicinato_chat_write_the_chart_under_data_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = vicinato(dir.path(), &["chat", "--json", "--as", "ugo", "--lang", "it"], &(PROPOSE.join("\n") + "\n"));
    assert!(out.status.success(), "{}", stderr(&out));
    let out = vicinato(dir.path(), &["chat", "--json", "--as", "bea", "--lang", "it"], "/help\n");
    assert!(out.status.success(), "{}", stderr(&out));
    let out = vicinato(dir.path(), &["admin", "grant", "staff", "console:bea", "--territory", "roma-m05"], "");
    assert!(out.status.success(), "{}", stderr(&out));
    let out = vicinato(dir.path(), &["chat", "--json", "--as", "bea", "--lang", "it"], "/stats\n");
    assert!(out.status.success(), "{}", stderr(&out));
    let reply: serde_json::Value = serde_json::from_str(stdout(&out).lines().next().unwrap()).unwrap();
    let path = std::path::PathBuf::from(reply["images"][0]["path"].as_str().expect("a chart"));
    assert!(path.starts_with(dir.path().join("data/files")) || path.starts_with("data/files"), "{}", path.display());
    let bytes = std::fs::read(dir.path().join(&path)).unwrap();
    assert_eq!(png_size(&bytes), (900, 520));
}

#[test]
fn the_participation_report_as_png_writes_the_chart_to_the_file_asked() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("chart.png");
    let out = vicinato(
        dir.path(),
        &["report", "participation", "--format", "png", "--months", "4", "--area", "roma-m05", "--out", "chart.png"],
        "",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("Wrote the chart to chart.png."), "{}", stdout(&out));
    assert!(stdout(&out).contains("negli ultimi 4 mesi: 0 iniziative proposte"), "{}", stdout(&out));
    let first = std::fs::read(&file).unwrap();
    assert_eq!(png_size(&first), (900, 520));
    // The whole region, without --area.
    let out = vicinato(dir.path(), &["report", "participation", "--format", "png", "--out", "all.png"], "");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("Grafico della partecipazione a tutte le zone"), "{}", stdout(&out));
    assert_ne!(std::fs::read(dir.path().join("all.png")).unwrap(), first);
}

#[test]
fn the_participation_report_refuses_an_unknown_format_and_a_png_without_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = vicinato(dir.path(), &["report", "participation", "--format", "pdf"], "");
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("invalid value 'pdf' for '--format <FORMAT>'"), "{err}");
    assert!(err.contains("[possible values: csv, png]"), "{err}");
    let out = vicinato(dir.path(), &["report", "participation", "--format", "png"], "");
    assert!(!out.status.success());
    assert!(stderr(&out).contains("--format png: say where to write the chart with --out FILE"), "{}", stderr(&out));
    assert!(std::fs::read_dir(dir.path()).unwrap().all(|e| e.unwrap().path().extension().is_none_or(|x| x != "png")));
}
