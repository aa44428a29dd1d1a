//! The service directory, shaped like Open Referral HSDS: organizations, services, locations,
//! services at locations with schedules, and a small hierarchical taxonomy.
//!
//! A [`Dataset`] is a whole directory (with its territories) as plain values: the demo data,
//! an HSDS import and an export are all datasets, and [`Dataset::validate`] checks one before
//! anything is written.

use super::ids::*;
use super::schedule::Schedule;
use super::territory::{GeoPoint, Territory, TerritoryTree};
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};

/// A taxonomy term. Its display name comes from the locale (`category-<code>`); `name` is the
/// fallback for terms a region imports that no locale knows yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    pub code: CategoryCode,
    pub parent: Option<CategoryCode>,
    pub name: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contacts {
    pub phone: String,
    pub email: String,
    pub website: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organization {
    pub id: OrganizationId,
    pub name: String,
    pub description: String,
    pub contacts: Contacts,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceStatus {
    Active,
    Inactive,
    Defunct,
    TemporarilyClosed,
}

impl ServiceStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Inactive => "inactive",
            Self::Defunct => "defunct",
            Self::TemporarilyClosed => "temporarily closed",
        }
    }

    /// Reads HSDS spellings (`temporarily closed`) and ours (`temporarily_closed`).
    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim().to_ascii_lowercase().replace('_', " ").as_str() {
            "active" => Some(Self::Active),
            "inactive" => Some(Self::Inactive),
            "defunct" => Some(Self::Defunct),
            "temporarily closed" => Some(Self::TemporarilyClosed),
            _ => None,
        }
    }
}

/// Who runs a service: a public institution, or the community itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    Institutional,
    Community,
}

impl Origin {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Institutional => "institutional",
            Self::Community => "community",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim() {
            "institutional" => Some(Self::Institutional),
            "community" => Some(Self::Community),
            _ => None,
        }
    }
}

/// The texts of a service in one more language than its source (Italian).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceTexts {
    pub name: String,
    pub description: String,
    pub eligibility: String,
    pub fees: String,
    pub application_process: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Service {
    pub id: ServiceId,
    pub organization: OrganizationId,
    /// The texts in the source language (Italian).
    pub texts: ServiceTexts,
    /// Translations, by interface language.
    pub translations: BTreeMap<Lang, ServiceTexts>,
    pub categories: Vec<CategoryCode>,
    pub status: ServiceStatus,
    pub min_age: Option<u8>,
    pub max_age: Option<u8>,
    pub languages: Vec<LanguageCode>,
    pub contacts: Contacts,
    /// When the record was last checked (HSDS `assured_date`).
    pub verified: Option<NaiveDate>,
    pub origin: Origin,
    /// Invented data that ships for trying Vicinato out.
    pub demo: bool,
    /// Terms of other taxonomies the source gave the service (HSDS `attributes` pointing at
    /// `taxonomy_terms` that are not Vicinato's), kept as they came so an export gives them back.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub terms: Vec<ExternalTerm>,
}

/// A term of a taxonomy other than Vicinato's (Open Eligibility, 211 LA, a region's own).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ExternalTerm {
    /// The term's id in its source (HSDS `taxonomy_terms.id`).
    pub id: String,
    /// Its taxonomy, as the source names it (`taxonomy`, else `taxonomy_id`).
    pub taxonomy: String,
    pub code: String,
    pub name: String,
}

impl Service {
    /// The texts in a language, falling back field by field to the source.
    pub fn texts_in(&self, lang: Lang) -> ServiceTexts {
        let base = &self.texts;
        match self.translations.get(&lang) {
            None => base.clone(),
            Some(t) => {
                let pick = |tr: &String, b: &String| if tr.trim().is_empty() { b.clone() } else { tr.clone() };
                ServiceTexts {
                    name: pick(&t.name, &base.name),
                    description: pick(&t.description, &base.description),
                    eligibility: pick(&t.eligibility, &base.eligibility),
                    fees: pick(&t.fees, &base.fees),
                    application_process: pick(&t.application_process, &base.application_process),
                }
            }
        }
    }

    /// Whether someone of this age may use the service.
    pub fn admits_age(&self, age: u8) -> bool {
        self.min_age.is_none_or(|m| age >= m) && self.max_age.is_none_or(|m| age <= m)
    }

    /// All the text a search should find the service by, in every language.
    pub fn search_text(&self) -> String {
        let mut out = vec![self.texts.name.clone(), self.texts.description.clone(), self.texts.eligibility.clone()];
        for t in self.translations.values() {
            out.extend([t.name.clone(), t.description.clone(), t.eligibility.clone()]);
        }
        out.join(" ")
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    pub street: String,
    pub postal_code: String,
    pub city: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Location {
    pub id: LocationId,
    pub organization: Option<OrganizationId>,
    pub name: String,
    pub territory: TerritoryId,
    pub address: Address,
    pub geo: Option<GeoPoint>,
    pub accessibility: String,
    pub transport: String,
    /// Shelters and the like: the address is never shown; people are told how to get it.
    pub confidential: bool,
    /// A community welfare house.
    pub welfare_house: bool,
    /// Opening hours of the place itself.
    pub hours: Schedule,
}

/// A service delivered at one location, with the hours it keeps there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceAtLocation {
    pub id: ServiceAtLocationId,
    pub service: ServiceId,
    pub location: LocationId,
    pub schedule: Schedule,
}

/// A whole directory with its territories.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Dataset {
    pub territories: Vec<Territory>,
    pub categories: Vec<Category>,
    pub organizations: Vec<Organization>,
    pub locations: Vec<Location>,
    pub services: Vec<Service>,
    pub service_at_locations: Vec<ServiceAtLocation>,
}

/// One problem found in a dataset, naming the record and field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatasetProblem {
    pub record: String,
    pub field: &'static str,
    pub reason: String,
}

impl std::fmt::Display for DatasetProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} field `{}`: {}", self.record, self.field, self.reason)
    }
}

impl Dataset {
    /// Sorts every list (records by id; a service's categories and languages; closures by
    /// date) so that two datasets with the same content compare equal.
    pub fn normalize(&mut self) {
        for s in &mut self.services {
            s.categories.sort();
            s.categories.dedup();
            s.languages.sort();
            s.languages.dedup();
            s.terms.sort();
            s.terms.dedup();
        }
        for l in &mut self.locations {
            l.hours.closures.sort_by_key(|c| c.from);
        }
        for sal in &mut self.service_at_locations {
            sal.schedule.closures.sort_by_key(|c| c.from);
        }
        self.territories.sort_by(|a, b| a.id.cmp(&b.id));
        self.categories.sort_by(|a, b| a.code.cmp(&b.code));
        self.organizations.sort_by(|a, b| a.id.cmp(&b.id));
        self.locations.sort_by(|a, b| a.id.cmp(&b.id));
        self.services.sort_by(|a, b| a.id.cmp(&b.id));
        self.service_at_locations.sort_by(|a, b| a.id.cmp(&b.id));
    }

    /// Checks references, uniqueness and ranges; returns every problem, not just the first.
    pub fn validate(&self) -> Vec<DatasetProblem> {
        let mut problems = Vec::new();
        let mut push = |record: String, field: &'static str, reason: String| {
            problems.push(DatasetProblem { record, field, reason });
        };
        if let Err(e) = TerritoryTree::new(self.territories.clone()) {
            push("territories".into(), "parent", e.to_string());
        }
        let territories: HashSet<_> = self.territories.iter().map(|t| &t.id).collect();
        let categories: HashSet<_> = self.categories.iter().map(|c| &c.code).collect();
        for c in &self.categories {
            if let Some(p) = &c.parent
                && !categories.contains(p)
            {
                push(format!("category {}", c.code), "parent", format!("unknown category `{p}`"));
            }
        }
        let orgs: HashSet<_> = self.organizations.iter().map(|o| &o.id).collect();
        let mut seen = HashSet::new();
        for o in &self.organizations {
            if !seen.insert(o.id.as_str()) {
                push(format!("organization {}", o.id), "id", "appears twice".into());
            }
            if o.name.trim().is_empty() {
                push(format!("organization {}", o.id), "name", "is empty".into());
            }
        }
        let mut locs = HashMap::new();
        for l in &self.locations {
            if locs.insert(&l.id, l).is_some() {
                push(format!("location {}", l.id), "id", "appears twice".into());
            }
            if !territories.contains(&l.territory) {
                push(format!("location {}", l.id), "territory", format!("unknown territory `{}`", l.territory));
            }
            if let Some(o) = &l.organization
                && !orgs.contains(o)
            {
                push(format!("location {}", l.id), "organization", format!("unknown organization `{o}`"));
            }
            if let Some(g) = l.geo
                && !((-90.0..=90.0).contains(&g.lat) && (-180.0..=180.0).contains(&g.lon))
            {
                push(format!("location {}", l.id), "latitude", "is off the map".into());
            }
        }
        let mut services = HashSet::new();
        for s in &self.services {
            let rec = format!("service {}", s.id);
            if !services.insert(&s.id) {
                push(rec.clone(), "id", "appears twice".into());
            }
            if !orgs.contains(&s.organization) {
                push(rec.clone(), "organization_id", format!("unknown organization `{}`", s.organization));
            }
            if s.texts.name.trim().is_empty() {
                push(rec.clone(), "name", "is empty".into());
            }
            for c in &s.categories {
                if !categories.contains(c) {
                    push(rec.clone(), "taxonomy_term_id", format!("unknown category `{c}`"));
                }
            }
            if let (Some(a), Some(b)) = (s.min_age, s.max_age)
                && a > b
            {
                push(rec.clone(), "minimum_age", format!("{a} is above the maximum age {b}"));
            }
        }
        let mut sals = HashSet::new();
        for sal in &self.service_at_locations {
            let rec = format!("service_at_location {}", sal.id);
            if !sals.insert(&sal.id) {
                push(rec.clone(), "id", "appears twice".into());
            }
            if !services.contains(&sal.service) {
                push(rec.clone(), "service_id", format!("unknown service `{}`", sal.service));
            }
            if !locs.contains_key(&sal.location) {
                push(rec, "location_id", format!("unknown location `{}`", sal.location));
            }
        }
        problems
    }
}

/// A directory question in structured form.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DirectoryQuery {
    /// Free words to match against names and descriptions.
    pub text: Option<String>,
    /// A category; its sub-categories match too.
    pub category: Option<CategoryCode>,
    /// A territory; its children match too, and the welfare house nearest to it.
    pub territory: Option<TerritoryId>,
    /// Open at this local time (or during `window`).
    pub open: Option<OpenWindow>,
    /// A spoken language the service must offer.
    pub language: Option<LanguageCode>,
    /// The person's age.
    pub age: Option<u8>,
}

/// When a person wants to go: a moment ("now", "at 15:00") or a span ("Sunday", "Saturday
/// afternoon"), in local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenWindow {
    pub date: NaiveDate,
    pub from_minute: u16,
    pub to_minute: u16,
}

impl OpenWindow {
    pub fn at(moment: NaiveDateTime) -> Self {
        use chrono::Timelike;
        let m = (moment.time().num_seconds_from_midnight() / 60) as u16;
        Self { date: moment.date(), from_minute: m, to_minute: m + 1 }
    }

    pub fn admits(&self, schedule: &Schedule) -> bool {
        schedule.open_during(self.date, self.from_minute, self.to_minute)
    }
}

/// What the store needs to run a query: the structured query plus what the domain resolved.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchSpec {
    /// Folded search terms, each with the spellings it may also match (typo corrections).
    pub terms: Vec<Vec<String>>,
    pub categories: Vec<CategoryCode>,
    /// Territory path prefixes (`/lazio/rm/roma/roma-m05/`), any of which matches.
    pub territory_paths: Vec<String>,
    /// Locations that match whatever their territory (the nearest welfare house).
    pub extra_locations: Vec<LocationId>,
    /// Weekday (Monday 0) and minute span the weekly hours must overlap.
    pub weekly: Option<(u8, u16, u16)>,
    pub language: Option<LanguageCode>,
    pub age: Option<u8>,
    /// How many rows to fetch, at most.
    pub limit: u32,
}

/// One search hit: enough to check the hours exactly and to page, without the records.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    pub sal: ServiceAtLocationId,
    pub schedule: Schedule,
    pub status: ServiceStatus,
    /// Relevance from the engine's full-text rank (higher is better), 0 without words.
    pub score: f64,
    /// Where it is: the territory of its location, so results can be put in order of distance.
    pub territory: TerritoryId,
}

/// One search result: a service at a location, with everything a card shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Listing {
    pub sal: ServiceAtLocation,
    pub service: Service,
    pub location: Location,
    pub organization_name: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(id: &str) -> Service {
        Service {
            id: ServiceId::new(id),
            organization: OrganizationId::new("org"),
            texts: ServiceTexts {
                name: "Centro anziani".into(), description: "Attività".into(), ..Default::default()
            },
            translations: BTreeMap::from([(
                Lang::En,
                ServiceTexts { name: "Senior centre".into(), ..Default::default() },
            )]),
            categories: vec![CategoryCode::new("elderly")],
            status: ServiceStatus::Active,
            min_age: Some(65),
            max_age: None,
            languages: vec![],
            contacts: Contacts::default(),
            verified: None,
            origin: Origin::Institutional,
            demo: true,
            terms: Vec::new(),
        }
    }

    #[test]
    fn translations_fall_back_field_by_field() {
        let s = service("a");
        let en = s.texts_in(Lang::En);
        assert_eq!(en.name, "Senior centre");
        assert_eq!(en.description, "Attività");
    }

    #[test]
    fn age_limits_admit_only_the_range() {
        let s = service("a");
        assert!(s.admits_age(70));
        assert!(!s.admits_age(40));
    }

    #[test]
    fn validation_names_every_broken_reference() {
        let ds = Dataset { services: vec![service("a"), service("a")], ..Default::default() };
        let problems = ds.validate();
        let text: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        assert!(text.iter().any(|p| p.contains("service a field `id`: appears twice")), "{text:?}");
        assert!(text.iter().any(|p| p.contains("unknown organization `org`")));
        assert!(text.iter().any(|p| p.contains("unknown category `elderly`")));
    }

    #[test]
    fn statuses_read_both_spellings() {
        assert_eq!(ServiceStatus::parse("temporarily_closed"), Some(ServiceStatus::TemporarilyClosed));
        assert_eq!(ServiceStatus::parse("Temporarily closed"), Some(ServiceStatus::TemporarilyClosed));
    }
}
