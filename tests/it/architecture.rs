//! The architecture rules of ARCHITECTURE.md, checked. Most of them are the workspace's crate
//! graph, which the compiler enforces (a crate cannot name what it does not depend on); these
//! tests pin that graph down so that nobody widens it by adding a dependency, and check what the
//! compiler cannot: SQL text outside the store, CSV written around the formula-safe helper,
//! and import cycles between files.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// Every crate of the workspace: its directory name ("domain", …, and "." for the root
/// package), and its manifest.
fn crates() -> BTreeMap<String, toml::Table> {
    let mut out = BTreeMap::new();
    let read = |path: PathBuf| -> toml::Table { std::fs::read_to_string(&path).unwrap().parse().unwrap() };
    out.insert(".".to_owned(), read(root().join("Cargo.toml")));
    for entry in std::fs::read_dir(root().join("crates")).unwrap() {
        let dir = entry.unwrap().path();
        if dir.join("Cargo.toml").exists() {
            out.insert(dir.file_name().unwrap().to_string_lossy().into_owned(), read(dir.join("Cargo.toml")));
        }
    }
    out
}

/// The names of a manifest's dependencies of one kind ("dependencies", "dev-dependencies").
fn deps(manifest: &toml::Table, kind: &str) -> BTreeSet<String> {
    manifest.get(kind).and_then(|d| d.as_table()).map(|t| t.keys().cloned().collect()).unwrap_or_default()
}

/// Who may import whom: for each crate, the crates of ours it may depend on (not as a
/// dev-dependency), and libraries it must not use.
const LAYERS: &[(&str, &[&str], &[&str])] = &[
    ("domain", &[], &["sqlx", "tokio", "teloxide", "matrix-sdk", "reqwest", "axum", "fluent-bundle"]),
    ("store", &["vicinato-domain"], &["teloxide", "matrix-sdk", "reqwest", "axum", "fluent-bundle"]),
    (
        "core",
        &["vicinato-domain", "vicinato-store"],
        &["sqlx", "teloxide", "matrix-sdk", "reqwest", "axum", "fluent-bundle"],
    ),
    (
        "chat",
        &["vicinato-domain", "vicinato-store", "vicinato-core", "vicinato-charts"],
        &["sqlx", "teloxide", "matrix-sdk", "reqwest", "axum"],
    ),
    (
        "transport",
        &["vicinato-domain", "vicinato-store", "vicinato-core", "vicinato-chat"],
        &["sqlx", "teloxide", "matrix-sdk", "reqwest", "axum"],
    ),
    (
        "telegram",
        &["vicinato-domain", "vicinato-store", "vicinato-core", "vicinato-chat", "vicinato-transport"],
        &["sqlx", "matrix-sdk"],
    ),
    (
        "matrix",
        &["vicinato-domain", "vicinato-store", "vicinato-core", "vicinato-chat", "vicinato-transport"],
        &["sqlx", "teloxide"],
    ),
    ("testkit", &[], &["sqlx"]),
    ("charts", &[], &["sqlx", "tokio", "teloxide", "matrix-sdk", "reqwest", "axum", "fluent-bundle"]),
];

#[test]
fn every_crate_depends_only_on_the_layers_below_it() {
    let crates = crates();
    let named: BTreeSet<&str> = LAYERS.iter().map(|(name, _, _)| *name).chain(["."]).collect();
    for name in crates.keys() {
        assert!(named.contains(name.as_str()), "crates/{name} has no row in LAYERS: say what it may import");
    }
    for (name, allowed, forbidden) in LAYERS {
        let manifest = crates.get(*name).unwrap_or_else(|| panic!("crates/{name} is missing"));
        for dep in deps(manifest, "dependencies") {
            if dep.starts_with("vicinato") {
                assert!(allowed.contains(&dep.as_str()), "crates/{name} depends on {dep}, which is not below it");
            }
            assert!(!forbidden.contains(&dep.as_str()), "crates/{name} depends on {dep}, which its layer must not use");
        }
    }
}

#[test]
fn the_two_network_transports_never_import_each_other() {
    let crates = crates();
    assert!(!deps(&crates["telegram"], "dependencies").contains("vicinato-matrix"));
    assert!(!deps(&crates["matrix"], "dependencies").contains("vicinato-telegram"));
    assert!(!deps(&crates["telegram"], "dev-dependencies").contains("vicinato-matrix"));
    assert!(!deps(&crates["matrix"], "dev-dependencies").contains("vicinato-telegram"));
}

#[test]
fn nothing_in_the_product_depends_on_the_test_peers() {
    for (name, manifest) in crates() {
        let Some(testkit) = manifest.get("dependencies").and_then(|d| d.get("vicinato-testkit")) else {
            continue;
        };
        // Only the binary may, and only behind its `testkit` feature, which no default enables.
        assert_eq!(name, ".", "crates/{name} depends on vicinato-testkit outside its dev-dependencies");
        assert_eq!(testkit.get("optional").and_then(|o| o.as_bool()), Some(true), "vicinato-testkit must be optional");
        let features = manifest.get("features").and_then(|f| f.as_table()).unwrap();
        let default = features.get("default").and_then(|d| d.as_array()).cloned().unwrap_or_default();
        assert!(!default.iter().any(|f| f.as_str() == Some("testkit")), "the testkit feature is on by default");
    }
}

#[test]
fn only_the_store_knows_sql() {
    for dir in ["src", "crates"] {
        for file in rust_files(&root().join(dir)) {
            if file.starts_with(root().join("crates/store")) {
                continue;
            }
            let text = std::fs::read_to_string(&file).unwrap();
            assert!(!text.contains("sqlx::query"), "{} runs SQL outside the store", file.display());
            if file.starts_with(root().join("crates/chat")) || file.starts_with(root().join("crates/core")) {
                for forbidden in ["SELECT ", "INSERT ", "UPDATE ", "DELETE FROM"] {
                    assert!(!text.contains(forbidden), "{} holds SQL text (`{forbidden}`)", file.display());
                }
            }
        }
    }
}

/// Where the product's sources (src/ and crates/, tests and `#[cfg(test)]` modules left out)
/// say `needle`.
fn product_files_saying(needle: &str) -> Vec<String> {
    let mut out = Vec::new();
    for dir in ["src", "crates"] {
        for file in rust_files(&root().join(dir)) {
            let relative = file.strip_prefix(root()).unwrap().display().to_string();
            if relative.split('/').any(|part| part == "tests") {
                continue;
            }
            let text = std::fs::read_to_string(&file).unwrap();
            let product = text.split("#[cfg(test)]").next().unwrap_or_default();
            for (n, line) in product.lines().enumerate() {
                if line.contains(needle) && !line.trim_start().starts_with("//") {
                    out.push(format!("{relative}:{}", n + 1));
                }
            }
        }
    }
    out
}

#[test]
fn only_the_composition_root_builds_engines_and_schedulers_and_registers_jobs() {
    for needle in ["Engine::new(", "Scheduler::new(", "conversation::register_jobs("] {
        let places = product_files_saying(needle);
        assert_eq!(places.len(), 1, "`{needle}` must be called in exactly one place, src/app.rs: {places:?}");
        assert!(places[0].starts_with("src/app.rs:"), "`{needle}` is called outside src/app.rs: {places:?}");
    }
}

#[test]
fn every_csv_is_written_through_the_formula_safe_helper() {
    for dir in ["src", "crates"] {
        for file in rust_files(&root().join(dir)) {
            if file == root().join("crates/core/src/csv_safe.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&file).unwrap();
            for forbidden in [".write_record(", ".write_field(", ".serialize("] {
                let writes_csv = text.contains("csv::Writer") && text.contains(forbidden);
                assert!(!writes_csv, "{} writes CSV cells without csv_safe (`{forbidden}`)", file.display());
            }
        }
    }
}

/// The module path of a file of a crate: `lib.rs` is the root (empty), `a.rs` and `a/mod.rs`
/// are `a`, `a/b.rs` is `a::b`.
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap();
    let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    let last = parts.pop().unwrap();
    let stem = last.trim_end_matches(".rs");
    if stem != "lib" && stem != "main" && stem != "mod" {
        parts.push(stem.to_owned());
    }
    parts
}

/// The modules of ours a file names (`crate::a::b`, `super::c`), outside its tests.
fn imports(module: &[String], text: &str, modules: &BTreeSet<Vec<String>>) -> BTreeSet<Vec<String>> {
    let code = text.split("#[cfg(test)]").next().unwrap_or(text);
    // Comments (doc links included) name modules without importing them.
    let code: String = code.lines().map(|l| l.split("//").next().unwrap_or("")).collect::<Vec<_>>().join("\n");
    let code = expand_groups(&code);
    let code = code.as_str();
    let re = regex::Regex::new(r"\b(crate|super)((?:::[a-z_][a-z0-9_]*)+)").unwrap();
    let mut out = BTreeSet::new();
    for cap in re.captures_iter(code) {
        let mut path: Vec<String> = match &cap[1] {
            "crate" => Vec::new(),
            _ => module[..module.len().saturating_sub(1)].to_vec(),
        };
        let mut rest: Vec<&str> = cap[2].trim_start_matches("::").split("::").collect();
        while rest.first() == Some(&"super") {
            path.pop();
            rest.remove(0);
        }
        // The longest prefix that is a file of ours.
        let mut best = None;
        for part in rest {
            path.push(part.to_owned());
            if modules.contains(&path) {
                best = Some(path.clone());
            }
        }
        if let Some(target) = best {
            out.insert(target);
        }
    }
    out
}

/// `use a::{b, c::{d, e}}` written out as `a::b a::c::d a::c::e`, so every path is whole.
fn expand_groups(text: &str) -> String {
    let mut text = text.to_owned();
    while let Some(open) = text.find("::{") {
        let start = text[..open].rfind(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':')).map_or(0, |i| i + 1);
        let prefix = text[start..open].to_owned();
        let mut depth = 0;
        let mut close = open + 2;
        for (i, c) in text[open + 2..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        close = open + 2 + i;
                        break;
                    }
                }
                _ => {}
            }
        }
        let inner = &text[open + 3..close];
        let mut items = Vec::new();
        let (mut level, mut from) = (0, 0);
        for (i, c) in inner.char_indices() {
            match c {
                '{' => level += 1,
                '}' => level -= 1,
                ',' if level == 0 => {
                    items.push(&inner[from..i]);
                    from = i + 1;
                }
                _ => {}
            }
        }
        items.push(&inner[from..]);
        let written: Vec<String> = items
            .iter()
            .map(|item| item.trim())
            .filter(|item| !item.is_empty())
            .map(|item| if item == "self" { prefix.clone() } else { format!("{prefix}::{item}") })
            .collect();
        text.replace_range(start..=close, &written.join(" "));
    }
    text
}

/// Cycles in a graph, as the strongly connected components with more than one node.
fn cycles(graph: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>) -> Vec<Vec<String>> {
    // Kosaraju: order by finish time, then walk the reversed graph.
    fn visit<'a>(
        n: &'a Vec<String>,
        g: &'a BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        seen: &mut BTreeSet<&'a Vec<String>>,
        order: &mut Vec<&'a Vec<String>>,
    ) {
        if !seen.insert(n) {
            return;
        }
        for m in g.get(n).into_iter().flatten() {
            visit(m, g, seen, order);
        }
        order.push(n);
    }
    let mut seen = BTreeSet::new();
    let mut order = Vec::new();
    for n in graph.keys() {
        visit(n, graph, &mut seen, &mut order);
    }
    let mut reversed: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for (n, ms) in graph {
        for m in ms {
            reversed.entry(m.clone()).or_default().insert(n.clone());
        }
    }
    let mut assigned = BTreeSet::new();
    let mut out = Vec::new();
    for n in order.into_iter().rev() {
        if assigned.contains(n) {
            continue;
        }
        let mut component = Vec::new();
        let mut stack = vec![n.clone()];
        while let Some(m) = stack.pop() {
            if !assigned.insert(m.clone()) {
                continue;
            }
            component.push(m.join("::"));
            stack.extend(reversed.get(&m).into_iter().flatten().cloned());
        }
        if component.len() > 1 {
            component.sort();
            out.push(component);
        }
    }
    out
}

#[test]
fn no_two_files_of_a_crate_import_each_other_even_through_others() {
    let mut found = Vec::new();
    for name in crates().keys() {
        let src = if name == "." { root().join("src") } else { root().join("crates").join(name).join("src") };
        let files = rust_files(&src);
        let modules: BTreeSet<Vec<String>> = files.iter().map(|f| module_of(&src, f)).collect();
        let mut graph = BTreeMap::new();
        for file in &files {
            let module = module_of(&src, file);
            let text = std::fs::read_to_string(file).unwrap();
            // A module and its own children (or parents) may name each other.
            let edges: BTreeSet<Vec<String>> = imports(&module, &text, &modules)
                .into_iter()
                .filter(|m| !m.starts_with(&module) && !module.starts_with(m))
                .collect();
            graph.insert(module, edges);
        }
        for cycle in cycles(&graph) {
            found.push(format!("{name}: {}", cycle.join(", ")));
        }
    }
    assert!(found.is_empty(), "files that import each other:\n{}", found.join("\n"));
}

#[test]
fn the_cycle_finder_finds_a_cycle_through_three_files() {
    let m = |s: &str| vec![s.to_owned()];
    let graph = BTreeMap::from([
        (m("a"), BTreeSet::from([m("b")])),
        (m("b"), BTreeSet::from([m("c")])),
        (m("c"), BTreeSet::from([m("a")])),
        (m("d"), BTreeSet::from([m("a")])),
    ]);
    assert_eq!(cycles(&graph), vec![vec!["a".to_owned(), "b".to_owned(), "c".to_owned()]]);
}

#[test]
fn grouped_imports_are_read_as_whole_paths() {
    assert_eq!(
        expand_groups("use super::{Reply, book::{self, Draft}};"),
        "use super::Reply super::book super::book::Draft;"
    );
}

/// The capabilities of the chat layer: one folder each.
const CAPABILITIES: &[&str] = &["booking", "directory", "initiatives", "people"];

#[test]
fn no_capability_of_the_chat_layer_names_the_files_of_another() {
    let chat = root().join("crates/chat/src");
    let re = regex::Regex::new(r"crate::([a-z_]+)::([a-z_][a-z0-9_]*)").unwrap();
    for capability in CAPABILITIES {
        assert!(chat.join(capability).join("mod.rs").exists(), "crates/chat/src/{capability}/mod.rs is missing");
        for file in rust_files(&chat.join(capability)) {
            let text = std::fs::read_to_string(&file).unwrap();
            let code = expand_groups(text.split("#[cfg(test)]").next().unwrap_or(&text));
            for cap in re.captures_iter(&code) {
                let other = &cap[1];
                // What another capability offers is in its mod.rs (`crate::booking::space_name`),
                // never in one of its files (`crate::booking::slots::space_name`).
                let a_file = chat.join(other).join(format!("{}.rs", &cap[2])).exists();
                assert!(
                    other == *capability || !CAPABILITIES.contains(&other) || !a_file,
                    "{} names a file of `{other}` ({}); use what {other}/mod.rs offers",
                    file.display(),
                    &cap[0]
                );
            }
        }
    }
}
