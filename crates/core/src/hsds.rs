//! Open Referral HSDS 3.0 as a CSV datapackage: `vicinato import hsds DIR` and
//! `vicinato export hsds DIR`, so a region can load its real directory.
//!
//! Standard tables carry standard columns under the spec's file names; what HSDS has no column
//! for (territory, origin, confidentiality, welfare houses, translations) travels in `x_`
//! columns and `x_` files, as HSDS allows for extensions. An import is checked whole before
//! anything is written: every bad row is reported with its file, line and field, and nothing is
//! half-imported. A round trip loses nothing.
//!
//! Packages written by others are read as they are: file names come from their
//! `datapackage.json`; times may carry seconds; schedules are RRULE fields (`freq`, `interval`,
//! `byday`); taxonomy terms of other taxonomies are kept on their services and mapped to
//! Vicinato's categories through the operator's mapping file ([`TermMap`]); a location without
//! a Vicinato territory is placed by its address (locality, postal code) or coordinates, else in
//! the region, with a warning. What is dubious but harmless (a reference to a record that is not
//! in the package, coordinates off the map) is a warning, not a reason to refuse the package.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::Path;
use vicinato_domain::text::fold;
use vicinato_domain::*;

/// One problem in an HSDS datapackage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    pub file: String,
    /// 1-based line in the file; 0 when the problem is the whole file.
    pub line: u64,
    pub field: String,
    pub reason: String,
}

impl fmt::Display for RowProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file, self.reason)
        } else {
            write!(f, "{}:{}: field `{}`: {}", self.file, self.line, self.field, self.reason)
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum HsdsError {
    #[error("the datapackage has {} problem(s); nothing was imported:\n{}", .0.len(), .0.iter().map(|p| format!("  {p}")).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<RowProblem>),
    #[error("{path}: {reason}")]
    Io { path: String, reason: String },
}

/// The files of the package, with their columns, in the order they are written.
const TABLES: [(&str, &[&str]); 13] = [
    // (file stem, columns); the spec's resource name is `resource_of(stem)`.
    ("organizations", &["id", "name", "description", "email", "website"]),
    (
        "services",
        &[
            "id",
            "organization_id",
            "name",
            "description",
            "url",
            "email",
            "status",
            "application_process",
            "fees_description",
            "eligibility_description",
            "minimum_age",
            "maximum_age",
            "assured_date",
            "x_origin",
            "x_demo",
        ],
    ),
    (
        "locations",
        &[
            "id",
            "organization_id",
            "location_type",
            "name",
            "latitude",
            "longitude",
            "transportation",
            "x_territory_id",
            "x_confidential",
            "x_welfare_house",
        ],
    ),
    (
        "addresses",
        &["id", "location_id", "address_1", "city", "state_province", "postal_code", "country", "address_type"],
    ),
    ("service_at_location", &["id", "service_id", "location_id"]),
    (
        "schedules",
        &[
            "id",
            "service_id",
            "location_id",
            "service_at_location_id",
            "freq",
            "byday",
            "opens_at",
            "closes_at",
            "valid_from",
            "valid_to",
            "x_closed",
            "x_holidays",
        ],
    ),
    ("phones", &["id", "organization_id", "service_id", "location_id", "number", "type"]),
    ("languages", &["id", "service_id", "location_id", "name", "code"]),
    ("accessibility", &["id", "location_id", "description"]),
    ("taxonomy_terms", &["id", "code", "name", "parent_id", "taxonomy"]),
    ("attributes", &["id", "link_id", "link_type", "link_entity", "taxonomy_term_id", "value"]),
    (
        "x_translations",
        &[
            "id",
            "service_id",
            "language",
            "name",
            "description",
            "eligibility_description",
            "fees_description",
            "application_process",
        ],
    ),
    (
        "x_territories",
        &["id", "parent_id", "kind", "name", "aliases", "population", "over_65", "foreign", "latitude", "longitude"],
    ),
];

/// The spec's resource name (HSDS 3.0 `datapackage.json`) of a file stem.
fn resource_of(stem: &str) -> &str {
    match stem {
        "organizations" => "organization",
        "services" => "service",
        "locations" => "location",
        "addresses" => "address",
        "schedules" => "schedule",
        "phones" => "phone",
        "languages" => "language",
        "taxonomy_terms" => "taxonomy_term",
        "attributes" => "attribute",
        "x_translations" => "x_translation",
        "x_territories" => "x_territory",
        other => other,
    }
}

/// The Frictionless type of a column, as the spec's `datapackage.json` gives it.
fn type_of(column: &str) -> &'static str {
    match column {
        "latitude" | "longitude" => "number",
        "minimum_age" | "maximum_age" | "population" | "over_65" | "foreign" => "number",
        "assured_date" | "valid_from" | "valid_to" => "date",
        "opens_at" | "closes_at" => "time",
        "x_demo" | "x_confidential" | "x_welfare_house" | "x_closed" => "boolean",
        _ => "string",
    }
}

/// The taxonomy name Vicinato's own categories carry in `taxonomy_terms.taxonomy`.
const VICINATO_TAXONOMY: &str = "vicinato";

const DAY_CODES: [&str; 7] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

fn yes(b: bool) -> String {
    if b { "true".into() } else { "false".into() }
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// Rows of every table for a dataset.
fn tables(ds: &Dataset) -> BTreeMap<&'static str, Vec<Vec<String>>> {
    let mut t: BTreeMap<&'static str, Vec<Vec<String>>> = BTreeMap::new();
    let mut push = |table: &'static str, row: Vec<String>| t.entry(table).or_default().push(row);
    for o in &ds.organizations {
        push(
            "organizations",
            vec![
                o.id.to_string(),
                o.name.clone(),
                o.description.clone(),
                o.contacts.email.clone(),
                o.contacts.website.clone(),
            ],
        );
        if !o.contacts.phone.is_empty() {
            push(
                "phones",
                vec![
                    format!("{}-phone", o.id),
                    o.id.to_string(),
                    String::new(),
                    String::new(),
                    o.contacts.phone.clone(),
                    "voice".into(),
                ],
            );
        }
    }
    for s in &ds.services {
        push(
            "services",
            vec![
                s.id.to_string(),
                s.organization.to_string(),
                s.texts.name.clone(),
                s.texts.description.clone(),
                s.contacts.website.clone(),
                s.contacts.email.clone(),
                s.status.as_str().into(),
                s.texts.application_process.clone(),
                s.texts.fees.clone(),
                s.texts.eligibility.clone(),
                opt(s.min_age),
                opt(s.max_age),
                opt(s.verified),
                s.origin.as_str().into(),
                yes(s.demo),
            ],
        );
        if !s.contacts.phone.is_empty() {
            push(
                "phones",
                vec![
                    format!("{}-phone", s.id),
                    String::new(),
                    s.id.to_string(),
                    String::new(),
                    s.contacts.phone.clone(),
                    "voice".into(),
                ],
            );
        }
        for l in &s.languages {
            push(
                "languages",
                vec![format!("{}-lang-{l}", s.id), s.id.to_string(), String::new(), String::new(), l.to_string()],
            );
        }
        for c in &s.categories {
            push(
                "attributes",
                vec![
                    format!("{}-cat-{c}", s.id),
                    s.id.to_string(),
                    "service".into(),
                    "service".into(),
                    c.to_string(),
                    String::new(),
                ],
            );
        }
        for term in &s.terms {
            push(
                "attributes",
                vec![
                    format!("{}-term-{}", s.id, term.id),
                    s.id.to_string(),
                    "service".into(),
                    "service".into(),
                    term.id.clone(),
                    String::new(),
                ],
            );
        }
        for (lang, tr) in &s.translations {
            push(
                "x_translations",
                vec![
                    format!("{}-{lang}", s.id),
                    s.id.to_string(),
                    lang.code().into(),
                    tr.name.clone(),
                    tr.description.clone(),
                    tr.eligibility.clone(),
                    tr.fees.clone(),
                    tr.application_process.clone(),
                ],
            );
        }
    }
    for l in &ds.locations {
        push(
            "locations",
            vec![
                l.id.to_string(),
                opt(l.organization.as_ref()),
                "physical".into(),
                l.name.clone(),
                opt(l.geo.map(|g| g.lat)),
                opt(l.geo.map(|g| g.lon)),
                l.transport.clone(),
                l.territory.to_string(),
                yes(l.confidential),
                yes(l.welfare_house),
            ],
        );
        if l.address != Address::default() {
            push(
                "addresses",
                vec![
                    format!("{}-address", l.id),
                    l.id.to_string(),
                    l.address.street.clone(),
                    l.address.city.clone(),
                    "Lazio".into(),
                    l.address.postal_code.clone(),
                    "IT".into(),
                    "physical".into(),
                ],
            );
        }
        if !l.accessibility.is_empty() {
            push("accessibility", vec![format!("{}-access", l.id), l.id.to_string(), l.accessibility.clone()]);
        }
        for row in schedule_rows(&l.hours, &format!("{}-hours", l.id), "", l.id.as_str(), "") {
            push("schedules", row);
        }
    }
    for sal in &ds.service_at_locations {
        push("service_at_location", vec![sal.id.to_string(), sal.service.to_string(), sal.location.to_string()]);
        for row in schedule_rows(&sal.schedule, &format!("{}-schedule", sal.id), "", "", sal.id.as_str()) {
            push("schedules", row);
        }
    }
    for c in &ds.categories {
        push(
            "taxonomy_terms",
            vec![
                c.code.to_string(),
                c.code.to_string(),
                c.name.clone(),
                opt(c.parent.as_ref()),
                VICINATO_TAXONOMY.into(),
            ],
        );
    }
    let mut terms: Vec<&ExternalTerm> = ds.services.iter().flat_map(|s| &s.terms).collect();
    terms.sort();
    terms.dedup_by(|a, b| a.id == b.id);
    for term in terms {
        push(
            "taxonomy_terms",
            vec![term.id.clone(), term.code.clone(), term.name.clone(), String::new(), term.taxonomy.clone()],
        );
    }
    for tr in &ds.territories {
        push(
            "x_territories",
            vec![
                tr.id.to_string(),
                opt(tr.parent.as_ref()),
                tr.kind.as_str().into(),
                tr.name.clone(),
                tr.aliases.join(";"),
                opt(tr.demographics.population),
                opt(tr.demographics.over_65),
                opt(tr.demographics.foreign),
                opt(tr.centroid.map(|g| g.lat)),
                opt(tr.centroid.map(|g| g.lon)),
            ],
        );
    }
    for rows in t.values_mut() {
        rows.sort();
    }
    t
}

/// Schedule rows: one WEEKLY row per distinct time range (with its days), one row per closure.
/// A schedule with no hours still writes one row to keep its holiday policy.
fn schedule_rows(s: &Schedule, id: &str, service: &str, location: &str, sal: &str) -> Vec<Vec<String>> {
    let holidays = match s.holidays {
        HolidayPolicy::Closed => "closed",
        HolidayPolicy::Open => "open",
    };
    let mut ranges: BTreeMap<(u16, u16), Vec<u8>> = BTreeMap::new();
    for slot in s.weekly.slots() {
        ranges.entry((slot.opens, slot.closes)).or_default().push(slot.weekday);
    }
    let mut rows = Vec::new();
    let base = |n: usize| vec![format!("{id}-{n}"), service.to_owned(), location.to_owned(), sal.to_owned()];
    for ((opens, closes), days) in &ranges {
        let mut row = base(rows.len() + 1);
        let byday: Vec<&str> = days.iter().map(|d| DAY_CODES[usize::from(*d)]).collect();
        row.extend([
            "WEEKLY".into(),
            byday.join(","),
            format_minutes(*opens),
            format_minutes(*closes),
            String::new(),
            String::new(),
            "false".into(),
            holidays.into(),
        ]);
        rows.push(row);
    }
    for c in &s.closures {
        let mut row = base(rows.len() + 1);
        row.extend([
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            c.from.to_string(),
            c.to.to_string(),
            "true".into(),
            holidays.into(),
        ]);
        rows.push(row);
    }
    if rows.is_empty() && s.holidays != HolidayPolicy::Closed {
        let mut row = base(1);
        row.extend([
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            "false".into(),
            holidays.into(),
        ]);
        rows.push(row);
    }
    rows
}

/// Writes a dataset as an HSDS CSV datapackage into a folder (created if missing).
pub fn export(ds: &Dataset, dir: &Path) -> Result<(), HsdsError> {
    let io =
        |path: &Path, e: &dyn fmt::Display| HsdsError::Io { path: path.display().to_string(), reason: e.to_string() };
    std::fs::create_dir_all(dir).map_err(|e| io(dir, &e))?;
    let mut ds = ds.clone();
    ds.normalize();
    let data = tables(&ds);
    let mut resources = Vec::new();
    for (name, columns) in TABLES {
        let path = dir.join(format!("{name}.csv"));
        let mut w = csv::Writer::from_path(&path).map_err(|e| io(&path, &e))?;
        crate::csv_safe::write_row(&mut w, columns.iter()).map_err(|e| io(&path, &e))?;
        for row in data.get(name).map(Vec::as_slice).unwrap_or_default() {
            crate::csv_safe::write_row(&mut w, row).map_err(|e| io(&path, &e))?;
        }
        w.flush().map_err(|e| io(&path, &e))?;
        let fields: Vec<_> = columns.iter().map(|c| serde_json::json!({ "name": c, "type": type_of(c) })).collect();
        resources.push(serde_json::json!({
            "name": resource_of(name),
            "path": format!("{name}.csv"),
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "schema": { "fields": fields, "primaryKey": "id" },
        }));
    }
    // As the spec's own datapackage.json: a tabular data package of HSDS 3.0.0.
    let package = serde_json::json!({
        "name": "human_services_data",
        "title": "Vicinato service directory (Human Services Data Specification)",
        "profile": "tabular-data-package",
        "version": "3.0.0",
        "homepage": "http://docs.openreferral.org",
        "resources": resources,
    });
    let path = dir.join("datapackage.json");
    let text = serde_json::to_string_pretty(&package).expect("json values serialize");
    std::fs::write(&path, text + "\n").map_err(|e| io(&path, &e))
}

/// A CSV row with its line, read by column name.
struct Row {
    file: String,
    line: u64,
    fields: HashMap<String, String>,
}

impl Row {
    fn get(&self, name: &str) -> &str {
        self.fields.get(name).map(|s| s.as_str()).unwrap_or("")
    }

    fn problem(&self, field: &str, reason: impl Into<String>) -> RowProblem {
        RowProblem { file: self.file.clone(), line: self.line, field: field.into(), reason: reason.into() }
    }
}

fn whole_file(file: &str, reason: impl Into<String>) -> RowProblem {
    RowProblem { file: file.into(), line: 0, field: String::new(), reason: reason.into() }
}

struct Reader {
    problems: Vec<RowProblem>,
    warnings: Vec<RowProblem>,
    /// Where each record came from, to place dataset-level problems.
    origins: HashMap<String, (String, u64)>,
    /// The file of each resource, as the package's `datapackage.json` names it.
    paths: HashMap<String, String>,
}

impl Reader {
    fn new(dir: &Path) -> Self {
        let mut r =
            Reader { problems: Vec::new(), warnings: Vec::new(), origins: HashMap::new(), paths: HashMap::new() };
        let path = dir.join("datapackage.json");
        let Ok(text) = std::fs::read_to_string(&path) else { return r };
        let package: serde_json::Value = match serde_json::from_str(&text) {
            Ok(v) => v,
            Err(e) => {
                r.problems.push(whole_file("datapackage.json", format!("is not valid JSON: {e}")));
                return r;
            }
        };
        for resource in package["resources"].as_array().map(Vec::as_slice).unwrap_or_default() {
            let (Some(name), Some(file)) = (resource["name"].as_str(), resource["path"].as_str()) else { continue };
            // Only files inside the package's folder.
            if file.contains("..") || file.starts_with('/') || file.contains("://") {
                r.problems.push(whole_file(
                    "datapackage.json",
                    format!("resource `{name}` has path `{file}` outside the package"),
                ));
                continue;
            }
            r.paths.insert(name.to_owned(), file.to_owned());
        }
        r
    }

    /// The file a table is read from: the package's own name for it, else the spec's; packages
    /// written by earlier Vicinato versions had `service_at_locations.csv`.
    fn file_of(&self, dir: &Path, stem: &str) -> String {
        if let Some(file) = self.paths.get(resource_of(stem)) {
            return file.clone();
        }
        let spec = format!("{stem}.csv");
        if stem == "service_at_location" && !dir.join(&spec).exists() && dir.join("service_at_locations.csv").exists() {
            return "service_at_locations.csv".into();
        }
        spec
    }

    fn read(&mut self, dir: &Path, stem: &'static str, required: bool) -> Option<Vec<Row>> {
        let file = self.file_of(dir, stem);
        let path = dir.join(&file);
        if !path.exists() {
            if required {
                self.problems.push(whole_file(&file, "is missing"));
            }
            return None;
        }
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) => {
                self.problems.push(whole_file(&file, e.to_string()));
                return None;
            }
        };
        // The line a record starts on, from its byte offset. In a CRLF file the reader puts a
        // record's start on the `\n` ending the line before, so that one counts too.
        let line_at = |byte: u64| {
            let end = (byte as usize + 1).min(bytes.len());
            1 + bytes[..end].iter().filter(|b| **b == b'\n').count() as u64
        };
        let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(bytes.as_slice());
        let headers: Vec<String> = match reader.headers() {
            Ok(h) => h.iter().map(|s| s.trim().trim_start_matches('\u{feff}').to_owned()).collect(),
            Err(e) => {
                self.problems.push(RowProblem { file, line: 1, field: String::new(), reason: e.to_string() });
                return None;
            }
        };
        if !headers.iter().any(|h| h == "id") {
            self.problems.push(RowProblem {
                file,
                line: 1,
                field: "id".into(),
                reason: "the header has no id column".into(),
            });
            return None;
        }
        let mut rows = Vec::new();
        for record in reader.records() {
            match record {
                Ok(r) => {
                    let line = r.position().map(|p| line_at(p.byte())).unwrap_or(0);
                    let fields = headers
                        .iter()
                        .cloned()
                        .zip(r.iter().map(|s| crate::csv_safe::uncell(s.trim()).to_owned()))
                        .collect();
                    rows.push(Row { file: file.clone(), line, fields });
                }
                Err(e) => {
                    let line = e.position().map(|p| line_at(p.byte())).unwrap_or(0);
                    self.problems.push(RowProblem {
                        file: file.clone(),
                        line,
                        field: String::new(),
                        reason: e.to_string(),
                    });
                }
            }
        }
        Some(rows)
    }

    fn note(&mut self, record: String, row: &Row) {
        self.origins.insert(record, (row.file.clone(), row.line));
    }

    fn warn(&mut self, row: &Row, field: &str, reason: impl Into<String>) {
        self.warnings.push(row.problem(field, reason));
    }

    fn id<T>(&mut self, row: &Row, field: &str, parse: impl Fn(&str) -> Result<T, IdError>) -> Option<T> {
        match parse(row.get(field)) {
            Ok(v) => Some(v),
            Err(e) => {
                self.problems.push(row.problem(field, e.to_string()));
                None
            }
        }
    }

    fn number<T: std::str::FromStr>(&mut self, row: &Row, field: &str) -> Option<T> {
        let raw = row.get(field);
        if raw.is_empty() {
            return None;
        }
        match raw.parse() {
            Ok(v) => Some(v),
            Err(_) => {
                self.problems.push(row.problem(field, format!("`{raw}` is not a valid number")));
                None
            }
        }
    }

    fn flag(&mut self, row: &Row, field: &str) -> bool {
        match row.get(field).to_ascii_lowercase().as_str() {
            "" | "false" | "0" | "no" => false,
            "true" | "1" | "yes" => true,
            other => {
                self.problems.push(row.problem(field, format!("`{other}` is not true or false")));
                false
            }
        }
    }

    /// Coordinates on the map, or none with a warning.
    fn geo(&mut self, row: &Row) -> Option<GeoPoint> {
        let lat = self.number::<f64>(row, "latitude");
        let lon = self.number::<f64>(row, "longitude");
        let g = lat.zip(lon).map(|(lat, lon)| GeoPoint { lat, lon })?;
        if (-90.0..=90.0).contains(&g.lat) && (-180.0..=180.0).contains(&g.lon) {
            Some(g)
        } else {
            self.warn(row, "latitude", format!("{}, {} is off the map; the coordinates are not kept", g.lat, g.lon));
            None
        }
    }
}

/// `10:00:00` (HSDS 3.0 times carry seconds) as `10:00`; other text as it is.
fn clock_time(raw: &str) -> &str {
    let b = raw.as_bytes();
    let hh_mm_ss = b.len() >= 8
        && b[2] == b':'
        && b[5] == b':'
        && b.iter().take(8).enumerate().all(|(i, c)| i == 2 || i == 5 || c.is_ascii_digit());
    if hh_mm_ss { &raw[..5] } else { raw }
}

/// How the operator maps terms of other taxonomies to Vicinato's categories: a TOML file
/// (`config/hsds-mapping.toml`) of `[[term]]` tables with `taxonomy` (its name or id in the
/// package), `code` (the term's code or id) and `category` (a Vicinato category code). Terms are
/// kept on their services either way; a mapped term also gives the service its category.
#[derive(Debug, Clone, Default)]
pub struct TermMap {
    file: String,
    rules: Vec<(String, String, CategoryCode)>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct MappingFile {
    #[serde(default)]
    term: Vec<MappingRule>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct MappingRule {
    taxonomy: String,
    code: String,
    category: String,
}

impl TermMap {
    /// Reads a mapping file; errors name the file and what is wrong.
    pub fn load(path: &Path) -> Result<Self, HsdsError> {
        let io = |reason: String| HsdsError::Io { path: path.display().to_string(), reason };
        let text = std::fs::read_to_string(path).map_err(|e| io(e.to_string()))?;
        Self::parse(&text, &path.display().to_string()).map_err(io)
    }

    pub fn parse(text: &str, file: &str) -> Result<Self, String> {
        let parsed: MappingFile = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut rules = Vec::new();
        for (i, rule) in parsed.term.into_iter().enumerate() {
            let category = CategoryCode::parse(&rule.category).map_err(|e| format!("term {}: category: {e}", i + 1))?;
            rules.push((rule.taxonomy.trim().to_lowercase(), rule.code.trim().to_lowercase(), category));
        }
        Ok(Self { file: file.to_owned(), rules })
    }

    /// The category a term maps to, if the operator said.
    fn category(&self, term: &ExternalTerm, taxonomy_id: &str) -> Option<&CategoryCode> {
        let (taxonomy, taxonomy_id) = (term.taxonomy.to_lowercase(), taxonomy_id.to_lowercase());
        let (code, id) = (term.code.to_lowercase(), term.id.to_lowercase());
        self.rules
            .iter()
            .find(|(t, c, _)| (*t == taxonomy || *t == taxonomy_id) && (*c == code || *c == id))
            .map(|r| &r.2)
    }
}

/// Where a location without a Vicinato territory belongs: the most local territory named by its
/// locality or postal code (a territory's name or one of its aliases), else the territory whose
/// centre is nearest its coordinates (within 30 km), else none.
fn place(territories: &[Territory], address: &Address, geo: Option<GeoPoint>) -> Option<TerritoryId> {
    let names = |t: &Territory| std::iter::once(&t.name).chain(&t.aliases).map(|n| fold(n)).collect::<Vec<_>>();
    let city = fold(&address.city);
    let postal = fold(&address.postal_code);
    let by_address = territories
        .iter()
        .filter(|t| {
            let n = names(t);
            (!city.is_empty() && n.contains(&city)) || (!postal.is_empty() && n.contains(&postal))
        })
        .max_by_key(|t| t.kind.rank());
    if let Some(t) = by_address {
        return Some(t.id.clone());
    }
    let g = geo?;
    territories
        .iter()
        .filter_map(|t| t.centroid.map(|c| (c.distance_km(g), t)))
        .filter(|(km, _)| *km <= 30.0)
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, t)| t.id.clone())
}

/// What an import read, and what it let through with a warning.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    pub dataset: Dataset,
    pub warnings: Vec<RowProblem>,
}

/// What an import found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportSummary {
    pub organizations: usize,
    pub services: usize,
    pub locations: usize,
    pub territories: usize,
}

/// What a package may lean on that is already in the directory: the territories stand in when
/// the package has no `x_territories.csv`, the categories when it has no term of Vicinato's
/// taxonomy (a package from elsewhere).
#[derive(Debug, Clone, Default)]
pub struct Known {
    pub territories: Vec<Territory>,
    pub categories: Vec<Category>,
}

/// Reads an HSDS CSV datapackage. `map` maps terms of other taxonomies to Vicinato's
/// categories. Returns the dataset only when every row is valid, with the warnings on what it
/// let through.
pub fn import(dir: &Path, known: Known, map: &TermMap) -> Result<Imported, HsdsError> {
    if !dir.is_dir() {
        return Err(HsdsError::Io { path: dir.display().to_string(), reason: "is not a folder".into() });
    }
    let mut r = Reader::new(dir);
    let orgs = r.read(dir, "organizations", true).unwrap_or_default();
    let services = r.read(dir, "services", true).unwrap_or_default();
    let locations = r.read(dir, "locations", true).unwrap_or_default();
    let sals = r.read(dir, "service_at_location", true).unwrap_or_default();
    let terms = r.read(dir, "taxonomy_terms", true).unwrap_or_default();
    let addresses = r.read(dir, "addresses", false).unwrap_or_default();
    let schedules = r.read(dir, "schedules", false).unwrap_or_default();
    let phones = r.read(dir, "phones", false).unwrap_or_default();
    let languages = r.read(dir, "languages", false).unwrap_or_default();
    let access = r.read(dir, "accessibility", false).unwrap_or_default();
    let attributes = r.read(dir, "attributes", false).unwrap_or_default();
    let translations = r.read(dir, "x_translations", false).unwrap_or_default();
    let x_territories = r.read(dir, "x_territories", false);

    let mut ds = Dataset::default();
    match x_territories {
        Some(rows) => {
            for row in rows {
                let Some(id) = r.id(&row, "id", TerritoryId::parse) else { continue };
                r.note(format!("territory {id}"), &row);
                let Some(kind) = TerritoryKind::parse(row.get("kind")) else {
                    r.problems.push(row.problem("kind", format!("unknown kind `{}`", row.get("kind"))));
                    continue;
                };
                let lat = r.number::<f64>(&row, "latitude");
                let lon = r.number::<f64>(&row, "longitude");
                ds.territories.push(Territory {
                    id,
                    kind,
                    name: row.get("name").to_owned(),
                    parent: (!row.get("parent_id").is_empty()).then(|| TerritoryId::new(row.get("parent_id"))),
                    aliases: row
                        .get("aliases")
                        .split(';')
                        .map(str::trim)
                        .filter(|a| !a.is_empty())
                        .map(str::to_owned)
                        .collect(),
                    demographics: Demographics {
                        population: r.number(&row, "population"),
                        over_65: r.number(&row, "over_65"),
                        foreign: r.number(&row, "foreign"),
                    },
                    centroid: lat.zip(lon).map(|(lat, lon)| GeoPoint { lat, lon }),
                });
            }
        }
        None => ds.territories = known.territories,
    }
    // Vicinato's own taxonomy gives categories; any other is kept as terms of the services.
    let mut external: HashMap<String, (ExternalTerm, String)> = HashMap::new();
    for row in &terms {
        let (taxonomy, taxonomy_id) = (row.get("taxonomy"), row.get("taxonomy_id"));
        let ours = (taxonomy.is_empty() && taxonomy_id.is_empty()) || taxonomy.eq_ignore_ascii_case(VICINATO_TAXONOMY);
        if !ours {
            let id = row.get("id");
            if id.is_empty() {
                r.problems.push(row.problem("id", "is empty"));
                continue;
            }
            let term = ExternalTerm {
                id: id.to_owned(),
                taxonomy: if taxonomy.is_empty() { taxonomy_id } else { taxonomy }.to_owned(),
                code: row.get("code").to_owned(),
                name: row.get("name").to_owned(),
            };
            external.insert(id.to_owned(), (term, taxonomy_id.to_owned()));
            continue;
        }
        let Some(code) = r.id(row, "id", CategoryCode::parse) else { continue };
        r.note(format!("category {code}"), row);
        ds.categories.push(Category {
            code,
            parent: (!row.get("parent_id").is_empty()).then(|| CategoryCode::new(row.get("parent_id"))),
            name: row.get("name").to_owned(),
        });
    }
    if ds.categories.is_empty() {
        ds.categories = known.categories;
    }
    let codes: std::collections::HashSet<&CategoryCode> = ds.categories.iter().map(|c| &c.code).collect();
    for (_, _, category) in &map.rules {
        if !codes.contains(category) {
            r.problems.push(RowProblem {
                file: map.file.clone(),
                line: 0,
                field: "category".into(),
                reason: format!("unknown category `{category}`"),
            });
        }
    }
    let mut phone_of: HashMap<(String, String), String> = HashMap::new();
    for row in &phones {
        // Some packages quote the number inside the field: "\"+44 1234 234567\"".
        let number = row.get("number").trim_matches('"').trim().to_owned();
        for owner in ["organization_id", "service_id", "location_id"] {
            if !row.get(owner).is_empty() {
                phone_of.insert((owner.to_owned(), row.get(owner).to_owned()), number.clone());
            }
        }
    }
    for row in &orgs {
        let Some(id) = r.id(row, "id", OrganizationId::parse) else { continue };
        r.note(format!("organization {id}"), row);
        ds.organizations.push(Organization {
            name: row.get("name").to_owned(),
            description: row.get("description").to_owned(),
            contacts: Contacts {
                phone: phone_of.get(&("organization_id".to_owned(), id.to_string())).cloned().unwrap_or_default(),
                email: row.get("email").to_owned(),
                website: row.get("website").to_owned(),
            },
            id,
        });
    }
    let org_ids: std::collections::HashSet<String> = ds.organizations.iter().map(|o| o.id.to_string()).collect();

    // Schedules by owner, read once.
    let mut sched: HashMap<(bool, String), Schedule> = HashMap::new();
    for row in &schedules {
        let (is_sal, owner) = if !row.get("service_at_location_id").is_empty() {
            (true, row.get("service_at_location_id").to_owned())
        } else if !row.get("location_id").is_empty() {
            (false, row.get("location_id").to_owned())
        } else {
            r.problems.push(
                row.problem("service_at_location_id", "a schedule needs a service_at_location_id or a location_id"),
            );
            continue;
        };
        let s = sched.entry((is_sal, owner)).or_default();
        match row.get("x_holidays") {
            "" | "closed" => {}
            "open" => s.holidays = HolidayPolicy::Open,
            other => r.problems.push(row.problem("x_holidays", format!("`{other}` is not closed or open"))),
        }
        if r.flag(row, "x_closed") {
            match Closure::parse(&format!("{}/{}", row.get("valid_from"), row.get("valid_to"))) {
                Ok(c) => s.closures.push(c),
                Err(e) => r.problems.push(row.problem("valid_from", e.to_string())),
            }
            continue;
        }
        if row.get("freq").is_empty() && row.get("byday").is_empty() {
            continue;
        }
        let freq = row.get("freq").to_ascii_uppercase();
        if !matches!(freq.as_str(), "" | "WEEKLY" | "DAILY") {
            let what = format!("`{freq}` schedules are not modelled (only weekly and daily hours); the row is skipped");
            r.warn(row, "freq", what);
            continue;
        }
        if !matches!(row.get("interval"), "" | "1") {
            let what = format!("every {} weeks is read as every week", row.get("interval"));
            r.warn(row, "interval", what);
        }
        let mut days = Vec::new();
        for d in row.get("byday").split(',').map(str::trim).filter(|d| !d.is_empty()) {
            // "1MO", "-1FR": the ordinal only means something in monthly rules.
            let code = d.trim_start_matches(|c: char| c.is_ascii_digit() || c == '+' || c == '-');
            if code.len() != d.len() {
                r.warn(row, "byday", format!("`{d}` is read as every {code}"));
            }
            match DAY_CODES.iter().position(|c| c.eq_ignore_ascii_case(code)) {
                Some(i) => days.push(i as u8),
                None => r.problems.push(row.problem("byday", format!("`{d}` is not a day (MO..SU)"))),
            }
        }
        if days.is_empty() {
            let start = chrono::NaiveDate::parse_from_str(row.get("dtstart"), "%Y-%m-%d").ok();
            match (freq.as_str(), start) {
                ("DAILY", _) => days.extend(0..7),
                (_, Some(d)) => days.push(chrono::Datelike::weekday(&d).num_days_from_monday() as u8),
                _ => {
                    r.problems.push(row.problem("byday", "a weekly schedule needs byday or dtstart"));
                    continue;
                }
            }
        }
        let range = format!("{}-{}", clock_time(row.get("opens_at")), clock_time(row.get("closes_at")));
        match WeeklyHours::parse(&format!("mo {range}")) {
            Ok(h) => {
                let slot = h.slots()[0];
                let mut all: Vec<Slot> = s.weekly.slots().to_vec();
                all.extend(days.iter().map(|&weekday| Slot { weekday, ..slot }));
                s.weekly = WeeklyHours::new(all);
            }
            Err(e) => r.problems.push(row.problem("opens_at", e.to_string())),
        }
    }
    for s in sched.values_mut() {
        s.closures.sort_by_key(|c| c.from);
    }

    let mut address_of: HashMap<String, Address> = HashMap::new();
    for row in &addresses {
        address_of.insert(
            row.get("location_id").to_owned(),
            Address {
                street: row.get("address_1").to_owned(),
                postal_code: row.get("postal_code").to_owned(),
                city: row.get("city").to_owned(),
            },
        );
    }
    let access_of: HashMap<&str, &str> =
        access.iter().map(|row| (row.get("location_id"), row.get("description"))).collect();
    let region = ds.territories.iter().find(|t| t.parent.is_none()).map(|t| (t.id.clone(), t.name.clone()));
    for row in &locations {
        let Some(id) = r.id(row, "id", LocationId::parse) else { continue };
        r.note(format!("location {id}"), row);
        let geo = r.geo(row);
        let address = address_of.remove(id.as_str()).unwrap_or_default();
        let territory = if row.get("x_territory_id").is_empty() {
            match (place(&ds.territories, &address, geo), &region) {
                (Some(t), _) => t,
                (None, Some((root, name))) => {
                    let what = format!(
                        "no Vicinato territory, and neither its address nor its coordinates match one: placed in {name}"
                    );
                    r.warn(row, "x_territory_id", what);
                    root.clone()
                }
                (None, None) => {
                    r.problems
                        .push(row.problem("x_territory_id", "is empty, and there are no territories to place it in"));
                    continue;
                }
            }
        } else {
            let Some(territory) = r.id(row, "x_territory_id", TerritoryId::parse) else { continue };
            territory
        };
        let organization = match row.get("organization_id") {
            "" => None,
            o if org_ids.contains(o) => Some(OrganizationId::new(o)),
            o => {
                r.warn(row, "organization_id", format!("organization `{o}` is not in the package; not kept"));
                None
            }
        };
        ds.locations.push(Location {
            organization,
            name: row.get("name").to_owned(),
            territory,
            address,
            geo,
            accessibility: access_of.get(id.as_str()).map(|s| s.to_string()).unwrap_or_default(),
            transport: row.get("transportation").to_owned(),
            confidential: r.flag(row, "x_confidential"),
            welfare_house: r.flag(row, "x_welfare_house"),
            hours: sched.remove(&(false, id.to_string())).unwrap_or_default(),
            id,
        });
    }

    let mut langs_of: HashMap<String, Vec<LanguageCode>> = HashMap::new();
    for row in &languages {
        if let Some(code) = r.id(row, "code", LanguageCode::parse) {
            langs_of.entry(row.get("service_id").to_owned()).or_default().push(code);
        }
    }
    let service_ids: std::collections::HashSet<&str> = services.iter().map(|row| row.get("id")).collect();
    let mut cats_of: HashMap<String, Vec<CategoryCode>> = HashMap::new();
    let mut terms_of: HashMap<String, Vec<ExternalTerm>> = HashMap::new();
    let mut linked: std::collections::HashSet<String> = std::collections::HashSet::new();
    for row in &attributes {
        let link = row.get("link_id");
        if !service_ids.contains(link) {
            // Attributes of organizations, locations and the rest are not modelled.
            if row.get("link_entity") == "service" || row.get("link_type") == "service" || !known_entity(row) {
                r.warn(row, "link_id", format!("`{link}` is not a service in the package; the attribute is ignored"));
            }
            continue;
        }
        if let Some((term, taxonomy_id)) = external.get(row.get("taxonomy_term_id")) {
            linked.insert(term.id.clone());
            terms_of.entry(link.to_owned()).or_default().push(term.clone());
            if let Some(category) = map.category(term, taxonomy_id) {
                cats_of.entry(link.to_owned()).or_default().push(category.clone());
            }
        } else if let Some(code) = r.id(row, "taxonomy_term_id", CategoryCode::parse) {
            cats_of.entry(link.to_owned()).or_default().push(code);
        }
    }
    let mut unlinked: Vec<&ExternalTerm> =
        external.values().map(|(t, _)| t).filter(|t| !linked.contains(&t.id)).collect();
    unlinked.sort();
    for term in unlinked {
        if let Some(row) = terms.iter().find(|row| row.get("id") == term.id) {
            let what = format!("term `{}` of taxonomy `{}` is given to no service; not kept", term.code, term.taxonomy);
            r.warn(row, "id", what);
        }
    }
    let mut tr_of: HashMap<String, BTreeMap<Lang, ServiceTexts>> = HashMap::new();
    for row in &translations {
        let Some(lang) = Lang::from_tag(row.get("language")) else {
            r.problems
                .push(row.problem("language", format!("`{}` is not a language Vicinato speaks", row.get("language"))));
            continue;
        };
        tr_of.entry(row.get("service_id").to_owned()).or_default().insert(
            lang,
            ServiceTexts {
                name: row.get("name").to_owned(),
                description: row.get("description").to_owned(),
                eligibility: row.get("eligibility_description").to_owned(),
                fees: row.get("fees_description").to_owned(),
                application_process: row.get("application_process").to_owned(),
            },
        );
    }
    for row in &services {
        let Some(id) = r.id(row, "id", ServiceId::parse) else { continue };
        r.note(format!("service {id}"), row);
        let Some(organization) = r.id(row, "organization_id", OrganizationId::parse) else { continue };
        let Some(status) = ServiceStatus::parse(row.get("status")) else {
            r.problems.push(row.problem("status", format!("unknown status `{}`", row.get("status"))));
            continue;
        };
        let origin = match row.get("x_origin") {
            "" => Origin::Institutional,
            raw => match Origin::parse(raw) {
                Some(o) => o,
                None => {
                    r.problems.push(row.problem("x_origin", format!("`{raw}` is not institutional or community")));
                    continue;
                }
            },
        };
        let verified = match row.get("assured_date") {
            "" => None,
            raw => match chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
                Ok(d) => Some(d),
                Err(_) => {
                    r.problems.push(row.problem("assured_date", format!("`{raw}` is not a date (YYYY-MM-DD)")));
                    None
                }
            },
        };
        let mut languages = langs_of.remove(id.as_str()).unwrap_or_default();
        languages.sort();
        languages.dedup();
        let mut categories = cats_of.remove(id.as_str()).unwrap_or_default();
        categories.sort();
        categories.dedup();
        let mut terms = terms_of.remove(id.as_str()).unwrap_or_default();
        terms.sort();
        terms.dedup();
        ds.services.push(Service {
            organization,
            texts: ServiceTexts {
                name: row.get("name").to_owned(),
                description: row.get("description").to_owned(),
                eligibility: row.get("eligibility_description").to_owned(),
                fees: row.get("fees_description").to_owned(),
                application_process: row.get("application_process").to_owned(),
            },
            translations: tr_of.remove(id.as_str()).unwrap_or_default(),
            categories,
            status,
            min_age: r.number(row, "minimum_age"),
            max_age: r.number(row, "maximum_age"),
            languages,
            contacts: Contacts {
                phone: phone_of.get(&("service_id".to_owned(), id.to_string())).cloned().unwrap_or_default(),
                email: row.get("email").to_owned(),
                website: row.get("url").to_owned(),
            },
            verified,
            origin,
            demo: r.flag(row, "x_demo"),
            terms,
            id,
        });
    }
    for row in &sals {
        let Some(id) = r.id(row, "id", ServiceAtLocationId::parse) else { continue };
        r.note(format!("service_at_location {id}"), row);
        let (Some(service), Some(location)) =
            (r.id(row, "service_id", ServiceId::parse), r.id(row, "location_id", LocationId::parse))
        else {
            continue;
        };
        ds.service_at_locations.push(ServiceAtLocation {
            schedule: sched.remove(&(true, id.to_string())).unwrap_or_default(),
            id,
            service,
            location,
        });
    }
    for ((is_sal, owner), _) in sched {
        let (field, what) =
            if is_sal { ("service_at_location_id", "service at location") } else { ("location_id", "location") };
        let row = schedules
            .iter()
            .find(|row| row.get(field) == owner)
            .map(|row| row.problem(field, format!("unknown {what} `{owner}`")));
        r.problems.extend(row);
    }

    for p in ds.validate() {
        let (file, line) = r.origins.get(&p.record).cloned().unwrap_or_else(|| ("x_territories.csv".into(), 0));
        r.problems.push(RowProblem { file, line, field: p.field.into(), reason: p.reason });
    }
    if !r.problems.is_empty() {
        r.problems.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        r.problems.dedup();
        return Err(HsdsError::Invalid(r.problems));
    }
    ds.normalize();
    r.warnings.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    Ok(Imported { dataset: ds, warnings: r.warnings })
}

/// Whether an attribute names a kind of record HSDS has (whose attributes Vicinato does not model).
fn known_entity(row: &Row) -> bool {
    let entities = ["organization", "location", "service_at_location", "program", "contact", "phone", "address"];
    entities.contains(&row.get("link_entity")) || entities.contains(&row.get("link_type"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_directory_round_trips_through_hsds_without_loss() {
        let demo = crate::demo::lazio().unwrap();
        let a = tempfile::tempdir().unwrap();
        export(&demo, a.path()).unwrap();
        let Imported { dataset: back, warnings } = import(a.path(), Known::default(), &TermMap::default()).unwrap();
        assert_eq!(back, demo);
        assert_eq!(warnings, Vec::new(), "what Vicinato writes it reads without a warning");
        let b = tempfile::tempdir().unwrap();
        export(&back, b.path()).unwrap();
        for (name, _) in TABLES {
            let f = format!("{name}.csv");
            assert_eq!(std::fs::read(a.path().join(&f)).unwrap(), std::fs::read(b.path().join(&f)).unwrap(), "{f}");
        }
    }

    #[test]
    fn a_formula_in_a_service_is_neutralised_in_the_export_and_read_back_as_written() {
        let mut demo = crate::demo::lazio().unwrap();
        let formula = "=HYPERLINK(\"http://evil.example\",\"Apri\")";
        demo.services[0].texts.name = formula.to_owned();
        demo.services[0].texts.description = "+39 06 1234; -12.5 @home".to_owned();
        let dir = tempfile::tempdir().unwrap();
        export(&demo, dir.path()).unwrap();
        let mut reader = csv::Reader::from_path(dir.path().join("services.csv")).unwrap();
        let cells: Vec<String> =
            reader.records().flat_map(|r| r.unwrap().iter().map(str::to_owned).collect::<Vec<_>>()).collect();
        assert!(cells.iter().any(|c| c == &format!("'{formula}")), "neutralised in the file");
        assert!(cells.iter().all(|c| !c.starts_with(['=', '+', '@', '\t', '\r'])), "{cells:?}");
        let back = import(dir.path(), Known::default(), &TermMap::default()).unwrap().dataset;
        let found = back.services.iter().find(|s| s.id == demo.services[0].id).unwrap();
        assert_eq!(found.texts.name, formula, "read back as written");
        assert_eq!(found.texts.description, "+39 06 1234; -12.5 @home");
    }

    #[test]
    fn bad_rows_are_reported_with_file_line_and_field() {
        let demo = crate::demo::lazio().unwrap();
        let dir = tempfile::tempdir().unwrap();
        export(&demo, dir.path()).unwrap();
        let services = dir.path().join("services.csv");
        let text = std::fs::read_to_string(&services).unwrap();
        let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
        lines[2] = lines[2].replacen(",active,", ",sparkling,", 1);
        std::fs::write(&services, lines.join("\n") + "\n").unwrap();
        let sal = dir.path().join("service_at_location.csv");
        let mut text = std::fs::read_to_string(&sal).unwrap();
        text.push_str("ghost,no-such-service,no-such-location\n");
        std::fs::write(&sal, text).unwrap();
        let Err(HsdsError::Invalid(problems)) = import(dir.path(), Known::default(), &TermMap::default()) else {
            panic!("import should fail")
        };
        let text: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        assert!(
            text.iter().any(|p| p.starts_with("services.csv:3: field `status`: unknown status `sparkling`")),
            "{text:#?}"
        );
        assert!(
            text.iter()
                .any(|p| p.contains("service_at_location.csv") && p.contains("unknown service `no-such-service`")),
            "{text:#?}"
        );
    }

    #[test]
    fn a_missing_required_file_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let Err(HsdsError::Invalid(problems)) = import(dir.path(), Known::default(), &TermMap::default()) else {
            panic!()
        };
        assert!(problems.iter().any(|p| p.to_string() == "services.csv: is missing"));
    }

    /// The official HSDS 3.0 example datapackage, kept under `tests/` as it is.
    fn official_example() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/hsds-3.0-example")
    }

    /// What a Lazio directory already knows: its territories and its categories.
    fn lazio() -> Known {
        let demo = crate::demo::lazio().unwrap();
        Known { territories: demo.territories, categories: demo.categories }
    }

    fn lazio_territories() -> Vec<Territory> {
        lazio().territories
    }

    #[test]
    fn the_official_hsds_3_example_is_read_as_it_is_with_warnings_for_what_it_lacks() {
        let map = TermMap::default();
        let imported = import(&official_example(), lazio(), &map).unwrap();
        let ds = &imported.dataset;
        assert_eq!(ds.organizations.len(), 1);
        assert_eq!(ds.organizations[0].name, "Example Organization Inc.");
        assert_eq!(ds.services.len(), 1);
        let s = &ds.services[0];
        assert_eq!(s.texts.name, "Community Counselling");
        assert_eq!(s.status, ServiceStatus::Active);
        assert_eq!((s.min_age, s.max_age), (Some(12), Some(100)));
        assert_eq!(s.verified, chrono::NaiveDate::from_ymd_opt(2005, 1, 1));
        assert_eq!(s.contacts.phone, "+44 1234 234567", "the quotes inside the field are dropped");
        assert_eq!(s.languages, vec![LanguageCode::parse("ur").unwrap()]);
        assert!(s.texts.fees.contains("£50 per hour"));
        assert_eq!(ds.locations.len(), 1);
        let l = &ds.locations[0];
        assert_eq!(l.name, "MyCity Civic Center");
        assert_eq!(l.address.street, "1-30 Main Street");
        assert_eq!(l.address.city, "MyCity");
        assert!(l.accessibility.contains("induction loops"));
        assert_eq!(l.geo, None, "latitude 100 is off the map");
        assert_eq!(l.organization, None, "its organization is not in the package");
        assert_eq!(l.territory.as_str(), "lazio", "no territory of ours: placed in the region");
        assert_eq!(ds.service_at_locations.len(), 1);
        let hours = ds.service_at_locations[0].schedule.weekly.slots().to_vec();
        // byday TH,FR from 10:00:00 to 18:00:00.
        let days: Vec<u8> = hours.iter().map(|h| h.weekday).collect();
        assert_eq!(days, vec![3, 4]);
        assert!(hours.iter().all(|h| (h.opens, h.closes) == (600, 1080)), "{hours:?}");
        let said: Vec<String> = imported.warnings.iter().map(|w| w.to_string()).collect();
        for expected in [
            "locations.csv:2: field `latitude`",
            "locations.csv:2: field `x_territory_id`",
            "locations.csv:2: field `organization_id`",
            "attributes.csv:2: field `link_id`",
            "taxonomy_terms.csv:2: field `id`",
        ] {
            assert!(said.iter().any(|w| w.starts_with(expected)), "{expected} in {said:#?}");
        }
    }

    #[test]
    fn the_official_example_round_trips_through_vicinato_keeping_every_field_it_models() {
        let first = import(&official_example(), lazio(), &TermMap::default()).unwrap().dataset;
        let out = tempfile::tempdir().unwrap();
        export(&first, out.path()).unwrap();
        assert!(out.path().join("service_at_location.csv").exists(), "the spec's file name");
        assert!(!out.path().join("service_at_locations.csv").exists());
        let package: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.path().join("datapackage.json")).unwrap()).unwrap();
        assert_eq!(package["profile"], "tabular-data-package");
        assert_eq!(package["version"], "3.0.0");
        let names: Vec<&str> =
            package["resources"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
        for spec in ["organization", "service", "location", "service_at_location", "schedule", "taxonomy_term"] {
            assert!(names.contains(&spec), "{spec} in {names:?}");
        }
        let again = import(out.path(), Known::default(), &TermMap::default()).unwrap();
        assert_eq!(again.dataset, first);
        assert_eq!(again.warnings, Vec::new());
    }

    #[test]
    fn file_names_come_from_the_packages_datapackage_json() {
        let demo = crate::demo::lazio().unwrap();
        let dir = tempfile::tempdir().unwrap();
        export(&demo, dir.path()).unwrap();
        std::fs::rename(dir.path().join("services.csv"), dir.path().join("servizi.csv")).unwrap();
        let path = dir.path().join("datapackage.json");
        let text = std::fs::read_to_string(&path).unwrap().replace("\"services.csv\"", "\"servizi.csv\"");
        std::fs::write(&path, text).unwrap();
        let back = import(dir.path(), Known::default(), &TermMap::default()).unwrap().dataset;
        assert_eq!(back, demo);
    }

    #[test]
    fn a_package_from_an_earlier_vicinato_with_service_at_locations_csv_still_reads() {
        let demo = crate::demo::lazio().unwrap();
        let dir = tempfile::tempdir().unwrap();
        export(&demo, dir.path()).unwrap();
        std::fs::remove_file(dir.path().join("datapackage.json")).unwrap();
        std::fs::rename(dir.path().join("service_at_location.csv"), dir.path().join("service_at_locations.csv"))
            .unwrap();
        assert_eq!(import(dir.path(), Known::default(), &TermMap::default()).unwrap().dataset, demo);
    }

    /// The official example with its taxonomy term given to its service, as a region's package would.
    fn example_with_a_linked_term() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for entry in std::fs::read_dir(official_example()).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
        }
        let attributes = dir.path().join("attributes.csv");
        let text = std::fs::read_to_string(&attributes)
            .unwrap()
            .replace("f28dd44b-0c4d-479f-8e90-4c52219a8b3c", "ac148810-d857-441c-9679-408f346de14b")
            .replace("link_type,link_entity,value\n", "service,service,value\n");
        std::fs::write(&attributes, text).unwrap();
        dir
    }

    #[test]
    fn terms_of_other_taxonomies_are_kept_and_mapped_to_categories_by_the_operators_file() {
        let dir = example_with_a_linked_term();
        let unmapped = import(dir.path(), lazio(), &TermMap::default()).unwrap().dataset;
        assert_eq!(unmapped.categories, lazio().categories, "the directory's categories stand in");
        let s = &unmapped.services[0];
        assert_eq!(s.categories, Vec::new(), "no mapping, no category");
        assert_eq!(s.terms.len(), 1);
        assert_eq!((s.terms[0].taxonomy.as_str(), s.terms[0].code.as_str()), ("taxonomy", "code"));

        let category = lazio_territories_category();
        let map = TermMap::parse(
            &format!("[[term]]\ntaxonomy = \"Taxonomy\"\ncode = \"code\"\ncategory = \"{category}\"\n"),
            "hsds-mapping.toml",
        )
        .unwrap();
        let mapped = import(dir.path(), lazio(), &map).unwrap().dataset;
        assert_eq!(mapped.services[0].categories, vec![CategoryCode::new(&category)]);
        assert_eq!(mapped.services[0].terms, s.terms, "the term itself is kept too");
        // ... and travels out and back.
        let out = tempfile::tempdir().unwrap();
        export(&mapped, out.path()).unwrap();
        assert_eq!(import(out.path(), Known::default(), &TermMap::default()).unwrap().dataset, mapped);
    }

    /// A category of the demo taxonomy, for mapping tests.
    fn lazio_territories_category() -> String {
        crate::demo::lazio().unwrap().categories[0].code.to_string()
    }

    #[test]
    fn a_mapping_to_a_category_that_does_not_exist_is_named_with_its_file() {
        let map =
            TermMap::parse("[[term]]\ntaxonomy = \"x\"\ncode = \"y\"\ncategory = \"no-such\"\n", "map.toml").unwrap();
        let Err(HsdsError::Invalid(problems)) = import(&official_example(), lazio(), &map) else { panic!() };
        assert!(problems.iter().any(|p| p.to_string() == "map.toml: unknown category `no-such`"), "{problems:?}");
        assert!(TermMap::parse("[[term]]\ntaxonomy = \"x\"\n", "map.toml").is_err(), "a rule without code");
    }

    #[test]
    fn a_location_without_territory_is_placed_by_its_city_then_by_its_coordinates() {
        let territories = lazio_territories();
        let tree = TerritoryTree::new(territories.clone()).unwrap();
        let viterbo = territories.iter().find(|t| fold(&t.name) == "viterbo").expect("the demo has Viterbo");
        let by_city = place(&territories, &Address { city: "VITERBO".into(), ..Address::default() }, None);
        assert_eq!(by_city.as_ref(), Some(&viterbo.id));
        let near = territories.iter().filter(|t| t.centroid.is_some()).max_by_key(|t| t.kind.rank()).unwrap();
        let c = near.centroid.unwrap();
        let by_geo =
            place(&territories, &Address::default(), Some(GeoPoint { lat: c.lat + 0.001, lon: c.lon })).unwrap();
        assert!(tree.get(&by_geo).and_then(|t| t.centroid).is_some_and(|g| g.distance_km(c) < 2.0), "{by_geo}");
        assert_eq!(place(&territories, &Address::default(), Some(GeoPoint { lat: 51.5, lon: -0.1 })), None, "London");
    }

    #[test]
    fn rrule_fields_daily_ordinals_and_times_with_seconds_are_read() {
        assert_eq!(clock_time("10:00:00"), "10:00");
        assert_eq!(clock_time("09:30"), "09:30");
        assert_eq!(clock_time("9:30"), "9:30");
        let demo = crate::demo::lazio().unwrap();
        let dir = tempfile::tempdir().unwrap();
        export(&demo, dir.path()).unwrap();
        let path = dir.path().join("schedules.csv");
        let mut text = std::fs::read_to_string(&path).unwrap();
        let sal = &demo.service_at_locations[0].id;
        text.push_str(&format!("extra-1,,,{sal},DAILY,,07:00:00,08:00:00,,,false,closed\n"));
        text.push_str(&format!("extra-2,,,{sal},MONTHLY,1MO,20:00,21:00,,,false,closed\n"));
        std::fs::write(&path, text).unwrap();
        let imported = import(dir.path(), Known::default(), &TermMap::default()).unwrap();
        let back = imported.dataset.service_at_locations.iter().find(|s| &s.id == sal).unwrap();
        let early: Vec<u8> =
            back.schedule.weekly.slots().iter().filter(|s| s.opens == 420).map(|s| s.weekday).collect();
        assert_eq!(early, (0..7).collect::<Vec<u8>>(), "daily is every day");
        assert!(back.schedule.weekly.slots().iter().all(|s| s.opens != 1200), "monthly is not modelled");
        assert!(
            imported.warnings.iter().any(|w| w.field == "freq" && w.reason.contains("MONTHLY")),
            "{:?}",
            imported.warnings
        );
    }
}
