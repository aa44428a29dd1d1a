//! Every language has the same messages and lexicon entries, and every message the code
//! names exists.

use std::collections::BTreeSet;
use std::path::Path;
use vicinato::domain::Lang;
use vicinato::i18n::I18n;

fn source_texts() -> Vec<String> {
    fn walk(dir: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|e| e == "rs") {
                out.push(std::fs::read_to_string(p).unwrap());
            }
        }
    }
    let mut out = Vec::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    walk(&root.join("src"), &mut out);
    walk(&root.join("crates"), &mut out);
    out
}

/// Message ids the code names directly: Msg::new("x"), Reply::id("x"), .say(lang, "x").
fn ids_in_code() -> BTreeSet<String> {
    let re = regex::Regex::new(r#"(?:Msg::new|Reply::id|\.say\([a-z_]+,)\s*\(\s*"([a-z][a-z0-9-]*)""#).unwrap();
    let re2 = regex::Regex::new(r#"(?:Reply::id|\.say\([a-z_]+,)\s*"([a-z][a-z0-9-]*)""#).unwrap();
    let mut ids = BTreeSet::new();
    for text in source_texts() {
        for c in re.captures_iter(&text).chain(re2.captures_iter(&text)) {
            ids.insert(c[1].to_owned());
        }
    }
    ids
}

/// Every string literal in the code that looks like a message id.
fn literals_in_code() -> BTreeSet<String> {
    let re = regex::Regex::new(r#""([a-z][a-z0-9-]*)""#).unwrap();
    source_texts().iter().flat_map(|t| re.captures_iter(t).map(|c| c[1].to_owned()).collect::<Vec<_>>()).collect()
}

#[test]
fn every_language_has_the_same_message_ids() {
    let i18n = I18n::embedded().unwrap();
    assert_eq!(i18n.ids(Lang::It), i18n.ids(Lang::En));
}

#[test]
fn every_message_the_code_names_exists_in_every_language() {
    let i18n = I18n::embedded().unwrap();
    let ids = ids_in_code();
    assert!(ids.len() > 40, "the scan found only {ids:?}");
    for id in ids {
        if id.contains("no-such") {
            continue;
        }
        for lang in Lang::ALL {
            assert!(i18n.has(lang, &id), "message `{id}` is missing in {lang}");
        }
    }
}

#[test]
fn every_message_in_the_locales_is_used() {
    let i18n = I18n::embedded().unwrap();
    let used = literals_in_code();
    // Ids built at run time from a prefix.
    let dynamic = [
        "category-",
        "spoken-",
        "weekday-",
        "language-",
        "ini-status-",
        "ini-theme-",
        "ini-kind-",
        "ini-field-",
        "ini-phase-",
        "announce-state-",
        "announce-role-",
        "announce-preview-",
        "announce-weekday-",
        "announce-who-",
        "role-",
    ];
    let unused: Vec<String> = i18n
        .ids(Lang::It)
        .into_iter()
        .filter(|id| !used.contains(id) && !dynamic.iter().any(|p| id.starts_with(p)))
        .collect();
    assert!(unused.is_empty(), "messages no code uses: {unused:?}");
}

#[test]
fn every_taxonomy_category_has_a_name_and_words_in_every_language() {
    let i18n = I18n::embedded().unwrap();
    let taxonomy = vicinato::demo::taxonomy().unwrap();
    for lang in Lang::ALL {
        let lexicon: toml::Table = toml::from_str(
            &std::fs::read_to_string(
                Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("locales/{lang}/lexicon.toml")),
            )
            .unwrap(),
        )
        .unwrap();
        let words = lexicon["categories"].as_table().unwrap();
        for c in &taxonomy {
            assert!(i18n.has(lang, &format!("category-{}", c.code)), "category-{} missing in {lang}", c.code);
            assert!(words.contains_key(c.code.as_str()), "no {lang} words for category {}", c.code);
        }
    }
}

#[test]
fn every_spoken_language_in_the_lexicons_has_a_name() {
    let i18n = I18n::embedded().unwrap();
    for lang in Lang::ALL {
        let lexicon: toml::Table = toml::from_str(
            &std::fs::read_to_string(
                Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("locales/{lang}/lexicon.toml")),
            )
            .unwrap(),
        )
        .unwrap();
        for code in lexicon["languages"].as_table().unwrap().keys() {
            for shown in Lang::ALL {
                assert!(i18n.has(shown, &format!("spoken-{code}")), "spoken-{code} missing in {shown}");
            }
        }
    }
}

/// Every variant of a capability's refusals has its message, with the arguments it names, in
/// every language.
fn check_refusals<R: vicinato::core::Refusal>(i18n: &I18n) {
    let every = R::every();
    assert!(!every.is_empty(), "{} lists no refusal", std::any::type_name::<R>());
    for refusal in every {
        for lang in Lang::ALL {
            assert!(
                i18n.has(lang, refusal.message_id()),
                "{refusal:?}: `{}` is missing in {lang:?}",
                refusal.message_id()
            );
        }
    }
}

#[test]
fn every_refusal_of_every_use_case_has_its_message_in_every_language() {
    let i18n = I18n::embedded().unwrap();
    // One line per capability's refusal enum.
    check_refusals::<vicinato::core::people::Refusal>(&i18n);
    check_refusals::<vicinato::core::booking::Refusal>(&i18n);
    check_refusals::<vicinato::core::initiatives::Refusal>(&i18n);
    check_refusals::<vicinato::core::announcements::Refusal>(&i18n);
}
