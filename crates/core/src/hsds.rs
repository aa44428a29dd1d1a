//! Open Referral HSDS 3.0 as a CSV datapackage: `vicinato import hsds DIR` and
//! `vicinato export hsds DIR`, so a region can load its real directory.
//!
//! Standard tables carry standard columns; what HSDS has no column for (territory, origin,
//! confidentiality, welfare houses, translations) travels in `x_` columns and `x_` files, as
//! HSDS allows for extensions. An import is checked whole before anything is written: every
//! bad row is reported with its file, line and field, and nothing is half-imported. A round
//! trip loses nothing.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::Path;
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
    ("service_at_locations", &["id", "service_id", "location_id"]),
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
        push("service_at_locations", vec![sal.id.to_string(), sal.service.to_string(), sal.location.to_string()]);
        for row in schedule_rows(&sal.schedule, &format!("{}-schedule", sal.id), "", "", sal.id.as_str()) {
            push("schedules", row);
        }
    }
    for c in &ds.categories {
        push(
            "taxonomy_terms",
            vec![c.code.to_string(), c.code.to_string(), c.name.clone(), opt(c.parent.as_ref()), "vicinato".into()],
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
        resources.push(serde_json::json!({
            "name": name,
            "path": format!("{name}.csv"),
            "format": "csv",
            "schema": { "fields": columns.iter().map(|c| serde_json::json!({"name": c})).collect::<Vec<_>>() },
        }));
    }
    let package = serde_json::json!({
        "name": "vicinato-directory",
        "title": "Vicinato service directory",
        "profile": "tabular-data-package",
        "hsds_version": "3.0",
        "resources": resources,
    });
    let path = dir.join("datapackage.json");
    let text = serde_json::to_string_pretty(&package).expect("json values serialize");
    std::fs::write(&path, text + "\n").map_err(|e| io(&path, &e))
}

/// A CSV row with its line, read by column name.
struct Row {
    file: &'static str,
    line: u64,
    fields: HashMap<String, String>,
}

impl Row {
    fn get(&self, name: &str) -> &str {
        self.fields.get(name).map(|s| s.as_str()).unwrap_or("")
    }

    fn problem(&self, field: &str, reason: impl Into<String>) -> RowProblem {
        RowProblem { file: format!("{}.csv", self.file), line: self.line, field: field.into(), reason: reason.into() }
    }
}

struct Reader {
    problems: Vec<RowProblem>,
    /// Where each record came from, to place dataset-level problems.
    origins: HashMap<String, (String, u64)>,
}

impl Reader {
    fn read(&mut self, dir: &Path, name: &'static str, required: bool) -> Option<Vec<Row>> {
        let path = dir.join(format!("{name}.csv"));
        if !path.exists() {
            if required {
                self.problems.push(RowProblem {
                    file: format!("{name}.csv"),
                    line: 0,
                    field: String::new(),
                    reason: "is missing".into(),
                });
            }
            return None;
        }
        let mut reader = match csv::ReaderBuilder::new().flexible(false).from_path(&path) {
            Ok(r) => r,
            Err(e) => {
                self.problems.push(RowProblem {
                    file: format!("{name}.csv"),
                    line: 0,
                    field: String::new(),
                    reason: e.to_string(),
                });
                return None;
            }
        };
        let headers: Vec<String> = match reader.headers() {
            Ok(h) => h.iter().map(|s| s.trim().trim_start_matches('\u{feff}').to_owned()).collect(),
            Err(e) => {
                self.problems.push(RowProblem {
                    file: format!("{name}.csv"),
                    line: 1,
                    field: String::new(),
                    reason: e.to_string(),
                });
                return None;
            }
        };
        if !headers.iter().any(|h| h == "id") {
            self.problems.push(RowProblem {
                file: format!("{name}.csv"),
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
                    let line = r.position().map(|p| p.line()).unwrap_or(0);
                    let fields = headers
                        .iter()
                        .cloned()
                        .zip(r.iter().map(|s| crate::csv_safe::uncell(s.trim()).to_owned()))
                        .collect();
                    rows.push(Row { file: name, line, fields });
                }
                Err(e) => {
                    let line = e.position().map(|p| p.line()).unwrap_or(0);
                    self.problems.push(RowProblem {
                        file: format!("{name}.csv"),
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
        self.origins.insert(record, (format!("{}.csv", row.file), row.line));
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
}

/// What an import found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportSummary {
    pub organizations: usize,
    pub services: usize,
    pub locations: usize,
    pub territories: usize,
}

/// Reads an HSDS CSV datapackage. `territories` stand in when the package has no
/// `x_territories.csv`. Returns the dataset only when every row is valid.
pub fn import(dir: &Path, territories: Vec<Territory>) -> Result<Dataset, HsdsError> {
    if !dir.is_dir() {
        return Err(HsdsError::Io { path: dir.display().to_string(), reason: "is not a folder".into() });
    }
    let mut r = Reader { problems: Vec::new(), origins: HashMap::new() };
    let orgs = r.read(dir, "organizations", true).unwrap_or_default();
    let services = r.read(dir, "services", true).unwrap_or_default();
    let locations = r.read(dir, "locations", true).unwrap_or_default();
    let sals = r.read(dir, "service_at_locations", true).unwrap_or_default();
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
        None => ds.territories = territories,
    }
    for row in &terms {
        let Some(code) = r.id(row, "id", CategoryCode::parse) else { continue };
        r.note(format!("category {code}"), row);
        ds.categories.push(Category {
            code,
            parent: (!row.get("parent_id").is_empty()).then(|| CategoryCode::new(row.get("parent_id"))),
            name: row.get("name").to_owned(),
        });
    }
    let mut phone_of: HashMap<(String, String), String> = HashMap::new();
    for row in &phones {
        for owner in ["organization_id", "service_id", "location_id"] {
            if !row.get(owner).is_empty() {
                phone_of.insert((owner.to_owned(), row.get(owner).to_owned()), row.get("number").to_owned());
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
        if !row.get("freq").eq_ignore_ascii_case("WEEKLY") {
            r.problems.push(row.problem("freq", format!("`{}` is not supported (use WEEKLY)", row.get("freq"))));
            continue;
        }
        let mut days = Vec::new();
        for d in row.get("byday").split(',').map(str::trim) {
            match DAY_CODES.iter().position(|c| c.eq_ignore_ascii_case(d)) {
                Some(i) => days.push(i as u8),
                None => r.problems.push(row.problem("byday", format!("`{d}` is not a day (MO..SU)"))),
            }
        }
        let range = format!("{}-{}", row.get("opens_at"), row.get("closes_at"));
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
    for row in &locations {
        let Some(id) = r.id(row, "id", LocationId::parse) else { continue };
        r.note(format!("location {id}"), row);
        let Some(territory) = r.id(row, "x_territory_id", TerritoryId::parse) else { continue };
        let lat = r.number::<f64>(row, "latitude");
        let lon = r.number::<f64>(row, "longitude");
        ds.locations.push(Location {
            organization: (!row.get("organization_id").is_empty())
                .then(|| OrganizationId::new(row.get("organization_id"))),
            name: row.get("name").to_owned(),
            territory,
            address: address_of.remove(id.as_str()).unwrap_or_default(),
            geo: lat.zip(lon).map(|(lat, lon)| GeoPoint { lat, lon }),
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
    let mut cats_of: HashMap<String, Vec<CategoryCode>> = HashMap::new();
    for row in &attributes {
        if (row.get("link_entity") == "service" || row.get("link_type") == "service")
            && let Some(code) = r.id(row, "taxonomy_term_id", CategoryCode::parse)
        {
            cats_of.entry(row.get("link_id").to_owned()).or_default().push(code);
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
    Ok(ds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_directory_round_trips_through_hsds_without_loss() {
        let demo = crate::demo::lazio().unwrap();
        let a = tempfile::tempdir().unwrap();
        export(&demo, a.path()).unwrap();
        let back = import(a.path(), Vec::new()).unwrap();
        assert_eq!(back, demo);
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
        let back = import(dir.path(), Vec::new()).unwrap();
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
        let sal = dir.path().join("service_at_locations.csv");
        let mut text = std::fs::read_to_string(&sal).unwrap();
        text.push_str("ghost,no-such-service,no-such-location\n");
        std::fs::write(&sal, text).unwrap();
        let Err(HsdsError::Invalid(problems)) = import(dir.path(), Vec::new()) else { panic!("import should fail") };
        let text: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        assert!(
            text.iter().any(|p| p.starts_with("services.csv:3: field `status`: unknown status `sparkling`")),
            "{text:#?}"
        );
        assert!(
            text.iter()
                .any(|p| p.contains("service_at_locations.csv") && p.contains("unknown service `no-such-service`")),
            "{text:#?}"
        );
    }

    #[test]
    fn a_missing_required_file_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let Err(HsdsError::Invalid(problems)) = import(dir.path(), Vec::new()) else { panic!() };
        assert!(problems.iter().any(|p| p.to_string() == "services.csv: is missing"));
    }
}
