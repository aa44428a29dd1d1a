//! The architecture invariants of ARCHITECTURE.md, checked.

use std::path::Path;

fn rust_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out
}

fn src(part: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(part)
}

#[test]
fn the_domain_names_no_transport_database_or_runtime() {
    for file in rust_files(&src("domain")) {
        let text = std::fs::read_to_string(&file).unwrap();
        for forbidden in
            ["sqlx", "teloxide", "matrix_sdk", "reqwest", "tokio", "crate::store", "crate::transport", "crate::i18n"]
        {
            assert!(!text.contains(forbidden), "{} names `{forbidden}`", file.display());
        }
    }
}

#[test]
fn the_conversation_layer_names_no_network_or_sql() {
    for file in rust_files(&src("conversation")) {
        let text = std::fs::read_to_string(&file).unwrap();
        for forbidden in ["sqlx", "teloxide", "matrix_sdk", "reqwest", "crate::transport", "SELECT ", "INSERT "] {
            assert!(!text.contains(forbidden), "{} names `{forbidden}`", file.display());
        }
    }
}

#[test]
fn only_the_store_knows_sql() {
    for file in rust_files(&src("")) {
        if file.starts_with(src("store")) {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(!text.contains("sqlx::query"), "{} runs SQL outside the store", file.display());
    }
}

#[test]
fn every_csv_is_written_through_the_formula_safe_helper() {
    for file in rust_files(&src("")) {
        if file == src("csv_safe.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        for forbidden in [".write_record(", ".write_field(", ".serialize("] {
            let writes_csv = text.contains("csv::Writer") && text.contains(forbidden);
            assert!(!writes_csv, "{} writes CSV cells without csv_safe (`{forbidden}`)", file.display());
        }
    }
}
