//! The demo dataset: real Lazio place names, invented providers (all marked demo), loaded on
//! first run when demo data is on. Also the taxonomy every dataset starts from.
//!
//! The files are compiled in (`data/demo/lazio.toml`, `data/taxonomy.toml`), so the binary
//! works from any folder.

use serde::Deserialize;
use std::collections::BTreeMap;
use vicinato_domain::*;

const TAXONOMY: &str = include_str!("../../../data/taxonomy.toml");
const LAZIO: &str = include_str!("../../../data/demo/lazio.toml");

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("{file}: {reason}")]
    Invalid { file: String, reason: String },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TaxonomyFile {
    category: Vec<CategoryRow>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CategoryRow {
    code: String,
    parent: Option<String>,
    name: String,
}

/// The built-in taxonomy.
pub fn taxonomy() -> Result<Vec<Category>, DemoError> {
    parse_taxonomy("data/taxonomy.toml", TAXONOMY)
}

fn parse_taxonomy(file: &str, text: &str) -> Result<Vec<Category>, DemoError> {
    let invalid = |reason: String| DemoError::Invalid { file: file.to_owned(), reason };
    let raw: TaxonomyFile = toml::from_str(text).map_err(|e| invalid(e.to_string()))?;
    raw.category
        .into_iter()
        .map(|c| {
            Ok(Category {
                code: CategoryCode::parse(&c.code).map_err(|e| invalid(format!("code `{}`: {e}", c.code)))?,
                parent: c.parent.map(CategoryCode::new),
                name: c.name,
            })
        })
        .collect()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoFile {
    territory: Vec<TerritoryRow>,
    organization: Vec<OrganizationRow>,
    location: Vec<LocationRow>,
    service: Vec<ServiceRow>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TerritoryRow {
    id: String,
    kind: String,
    name: String,
    parent: String,
    #[serde(default)]
    aliases: Vec<String>,
    population: Option<u64>,
    over_65: Option<f64>,
    foreign: Option<f64>,
    lat: Option<f64>,
    lon: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OrganizationRow {
    id: String,
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    website: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    phone: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LocationRow {
    id: String,
    organization: String,
    name: String,
    territory: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    postal_code: String,
    #[serde(default)]
    city: String,
    lat: Option<f64>,
    lon: Option<f64>,
    #[serde(default)]
    accessibility: String,
    #[serde(default)]
    transport: String,
    #[serde(default)]
    welfare_house: bool,
    #[serde(default)]
    confidential: bool,
    #[serde(default)]
    hours: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ServiceRow {
    id: String,
    organization: String,
    name: String,
    #[serde(default)]
    name_en: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    description_en: String,
    categories: Vec<String>,
    locations: Vec<String>,
    #[serde(default)]
    hours: String,
    #[serde(default)]
    holidays: Option<String>,
    #[serde(default)]
    closures: Vec<String>,
    #[serde(default)]
    languages: Vec<String>,
    min_age: Option<u8>,
    max_age: Option<u8>,
    #[serde(default)]
    eligibility: String,
    #[serde(default)]
    eligibility_en: String,
    #[serde(default)]
    fees: String,
    #[serde(default)]
    fees_en: String,
    #[serde(default)]
    application_process: String,
    #[serde(default)]
    application_process_en: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    url: String,
    #[serde(default = "active")]
    status: String,
    verified: Option<String>,
    #[serde(default = "institutional")]
    origin: String,
}

fn active() -> String {
    "active".into()
}

fn institutional() -> String {
    "institutional".into()
}

/// The demo dataset for Lazio, validated.
pub fn lazio() -> Result<Dataset, DemoError> {
    let mut ds = parse_demo("data/demo/lazio.toml", LAZIO)?;
    ds.categories = taxonomy()?;
    let problems = ds.validate();
    if !problems.is_empty() {
        let list: Vec<String> = problems.iter().take(10).map(|p| p.to_string()).collect();
        return Err(DemoError::Invalid { file: "data/demo/lazio.toml".into(), reason: list.join("; ") });
    }
    ds.normalize();
    Ok(ds)
}

fn parse_demo(file: &str, text: &str) -> Result<Dataset, DemoError> {
    let invalid = |reason: String| DemoError::Invalid { file: file.to_owned(), reason };
    let raw: DemoFile = toml::from_str(text).map_err(|e| invalid(e.to_string()))?;
    let mut ds = Dataset::default();
    let geo = |lat: Option<f64>, lon: Option<f64>| match (lat, lon) {
        (Some(lat), Some(lon)) => Some(GeoPoint { lat, lon }),
        _ => None,
    };
    for t in raw.territory {
        let kind = TerritoryKind::parse(&t.kind)
            .ok_or_else(|| invalid(format!("territory `{}`: unknown kind `{}`", t.id, t.kind)))?;
        ds.territories.push(Territory {
            id: TerritoryId::parse(&t.id).map_err(|e| invalid(format!("territory `{}`: {e}", t.id)))?,
            kind,
            name: t.name,
            parent: (!t.parent.is_empty()).then(|| TerritoryId::new(t.parent)),
            aliases: t.aliases,
            demographics: Demographics { population: t.population, over_65: t.over_65, foreign: t.foreign },
            centroid: geo(t.lat, t.lon),
        });
    }
    for o in raw.organization {
        ds.organizations.push(Organization {
            id: OrganizationId::parse(&o.id).map_err(|e| invalid(format!("organization `{}`: {e}", o.id)))?,
            name: o.name,
            description: o.description,
            contacts: Contacts { phone: o.phone, email: o.email, website: o.website },
        });
    }
    for l in raw.location {
        let hours = WeeklyHours::parse(&l.hours).map_err(|e| invalid(format!("location `{}` hours: {e}", l.id)))?;
        ds.locations.push(Location {
            id: LocationId::parse(&l.id).map_err(|e| invalid(format!("location `{}`: {e}", l.id)))?,
            organization: Some(OrganizationId::new(l.organization)),
            name: l.name,
            territory: TerritoryId::new(l.territory),
            address: Address { street: l.address, postal_code: l.postal_code, city: l.city },
            geo: geo(l.lat, l.lon),
            accessibility: l.accessibility,
            transport: l.transport,
            confidential: l.confidential,
            welfare_house: l.welfare_house,
            hours: Schedule { weekly: hours, holidays: HolidayPolicy::Closed, closures: Vec::new() },
        });
    }
    for s in raw.service {
        let rec = |what: &str, e: String| invalid(format!("service `{}` {what}: {e}", s.id));
        let weekly = WeeklyHours::parse(&s.hours).map_err(|e| rec("hours", e.to_string()))?;
        let holidays = match s.holidays.as_deref() {
            None | Some("closed") => HolidayPolicy::Closed,
            Some("open") => HolidayPolicy::Open,
            Some(other) => return Err(rec("holidays", format!("`{other}` is not closed or open"))),
        };
        let closures = s
            .closures
            .iter()
            .map(|c| Closure::parse(c))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| rec("closures", e.to_string()))?;
        let schedule = Schedule { weekly, holidays, closures };
        let mut translations = BTreeMap::new();
        let en = ServiceTexts {
            name: s.name_en,
            description: s.description_en,
            eligibility: s.eligibility_en,
            fees: s.fees_en,
            application_process: s.application_process_en,
        };
        if en != ServiceTexts::default() {
            translations.insert(Lang::En, en);
        }
        let id = ServiceId::parse(&s.id).map_err(|e| rec("id", e.to_string()))?;
        for loc in &s.locations {
            ds.service_at_locations.push(ServiceAtLocation {
                id: ServiceAtLocationId::new(format!("{}@{}", s.id, loc)),
                service: id.clone(),
                location: LocationId::new(loc.clone()),
                schedule: schedule.clone(),
            });
        }
        ds.services.push(Service {
            id,
            organization: OrganizationId::new(s.organization.clone()),
            texts: ServiceTexts {
                name: s.name.clone(),
                description: s.description.clone(),
                eligibility: s.eligibility.clone(),
                fees: s.fees.clone(),
                application_process: s.application_process.clone(),
            },
            translations,
            categories: s.categories.iter().map(|c| CategoryCode::new(c.clone())).collect(),
            status: ServiceStatus::parse(&s.status)
                .ok_or_else(|| rec("status", format!("unknown status `{}`", s.status)))?,
            min_age: s.min_age,
            max_age: s.max_age,
            languages: s
                .languages
                .iter()
                .map(|l| LanguageCode::parse(l))
                .collect::<Result<_, _>>()
                .map_err(|e| rec("languages", e.to_string()))?,
            contacts: Contacts { phone: s.phone.clone(), email: s.email.clone(), website: s.url.clone() },
            verified: s
                .verified
                .as_deref()
                .map(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d"))
                .transpose()
                .map_err(|e| rec("verified", e.to_string()))?,
            origin: Origin::parse(&s.origin).ok_or_else(|| rec("origin", format!("unknown origin `{}`", s.origin)))?,
            demo: true,
            terms: Vec::new(),
        });
    }
    Ok(ds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_taxonomy_has_eleven_areas_with_known_parents() {
        let t = taxonomy().unwrap();
        assert_eq!(t.iter().filter(|c| c.parent.is_none()).count(), 11);
        for c in &t {
            if let Some(p) = &c.parent {
                assert!(t.iter().any(|x| &x.code == p), "{p}");
            }
        }
    }

    #[test]
    fn the_demo_dataset_is_valid_and_large_enough() {
        let ds = lazio().unwrap();
        assert!(ds.services.len() >= 60, "{} services", ds.services.len());
        assert!(ds.locations.iter().filter(|l| l.welfare_house).count() >= 3);
        assert!(ds.services.iter().all(|s| s.demo));
        let roma_municipi = ds.territories.iter().filter(|t| t.kind == TerritoryKind::Municipio).count();
        assert_eq!(roma_municipi, 15);
        for top in [
            "elderly",
            "disability",
            "family",
            "housing",
            "work",
            "migrants",
            "health",
            "food",
            "legal",
            "youth",
            "digital",
        ] {
            let n = ds.services.iter().filter(|s| s.categories.iter().any(|c| c.as_str().starts_with(top))).count();
            assert!(n >= 3, "{top} has {n} services");
        }
    }

    #[test]
    fn a_broken_demo_file_names_the_record() {
        let err = parse_demo("x.toml", "territory = []\norganization = []\nlocation = []\n[[service]]\nid = \"a\"\norganization = \"o\"\nname = \"n\"\ncategories = []\nlocations = []\nhours = \"xx 10:00-11:00\"\n").unwrap_err();
        assert!(err.to_string().contains("x.toml: service `a` hours"), "{err}");
    }
}
