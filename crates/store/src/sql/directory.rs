//! The directory on SQLite and PostgreSQL: replacing it from a dataset in one transaction (with
//! the search words and facets derived from it), reading it back, and searching it, where the
//! engines differ (SQLite's FTS5 table, PostgreSQL's text-search vectors).
//!
//! It writes only the directory's tables.

use super::*;
use std::collections::{BTreeSet, HashMap};

type ListingRow = (String, String, String, String, String, String, Option<String>);

const LISTING_COLUMNS: &str = "sal.id, sal.service_id, sal.location_id, sal.schedule, s.doc, l.doc, o.name";

/// Joins that give LISTING_COLUMNS their organization.
const ORGANIZATION_JOIN: &str = "LEFT JOIN organizations o ON o.id = s.organization_id";

/// The range of strings that start with a prefix: `[prefix, prefix + 1)`, where the last
/// byte is raised by one (paths end with `/`, so the bound ends with `0`).
fn prefix_range(prefix: &str) -> (String, String) {
    let mut high = prefix.to_owned();
    match high.pop() {
        Some(last) => high.push(char::from_u32(last as u32 + 1).unwrap_or(char::MAX)),
        None => high.push(char::MAX),
    }
    (prefix.to_owned(), high)
}

impl SqlStore {
    fn listing_from_row(row: ListingRow) -> StoreResult<Listing> {
        let (sal_id, service_id, location_id, schedule, service, location, organization_name) = row;
        let service: Service = from_json(&format!("service {service_id}"), &service)?;
        let organization_name = organization_name.unwrap_or_default();
        Ok(Listing {
            sal: ServiceAtLocation {
                id: ServiceAtLocationId::new(sal_id.clone()),
                service: ServiceId::new(service_id),
                location: LocationId::new(location_id.clone()),
                schedule: from_json(&format!("service_at_location {sal_id}"), &schedule)?,
            },
            service,
            location: from_json(&format!("location {location_id}"), &location)?,
            organization_name,
        })
    }

    fn dataset_statements(engine: Engine, dataset: &Dataset) -> Vec<Stmt> {
        let mut stmts: Vec<Stmt> = [
            "DELETE FROM territories",
            "DELETE FROM categories",
            "DELETE FROM organizations",
            "DELETE FROM locations",
            "DELETE FROM services",
            "DELETE FROM service_categories",
            "DELETE FROM service_languages",
            "DELETE FROM service_at_locations",
            "DELETE FROM weekly_slots",
            "DELETE FROM search_terms",
            "DELETE FROM sal_facets",
        ]
        .into_iter()
        .map(Stmt::new)
        .collect();

        let tree = TerritoryTree::new(dataset.territories.clone()).unwrap_or_default();
        let path_of = |id: &TerritoryId| {
            if tree.is_empty() { format!("/{id}/") } else { tree.path(id) }
        };
        stmts.extend(insert_rows(
            "territories",
            &["id", "parent_id", "kind", "name", "path", "doc"],
            dataset
                .territories
                .iter()
                .map(|t| {
                    vec![
                        t.id.to_string().into(),
                        t.parent.as_ref().map(|p| p.to_string()).into(),
                        t.kind.as_str().into(),
                        t.name.clone().into(),
                        path_of(&t.id).into(),
                        to_json(t).into(),
                    ]
                })
                .collect(),
        ));
        stmts.extend(insert_rows(
            "categories",
            &["code", "parent_code", "name"],
            dataset
                .categories
                .iter()
                .map(|c| {
                    vec![
                        c.code.to_string().into(),
                        c.parent.as_ref().map(|p| p.to_string()).into(),
                        c.name.clone().into(),
                    ]
                })
                .collect(),
        ));
        stmts.extend(insert_rows(
            "organizations",
            &["id", "name", "doc"],
            dataset
                .organizations
                .iter()
                .map(|o| vec![o.id.to_string().into(), o.name.clone().into(), to_json(o).into()])
                .collect(),
        ));
        stmts.extend(insert_rows(
            "locations",
            &["id", "territory_id", "territory_path", "welfare_house", "doc"],
            dataset
                .locations
                .iter()
                .map(|l| {
                    vec![
                        l.id.to_string().into(),
                        l.territory.to_string().into(),
                        path_of(&l.territory).into(),
                        l.welfare_house.into(),
                        to_json(l).into(),
                    ]
                })
                .collect(),
        ));

        let parents: HashMap<&CategoryCode, &CategoryCode> =
            dataset.categories.iter().filter_map(|c| Some((&c.code, c.parent.as_ref()?))).collect();
        let mut terms = BTreeSet::new();
        let (mut services, mut cats, mut langs, mut fts) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut codes_of: HashMap<&str, BTreeSet<&str>> = HashMap::new();
        for (i, s) in dataset.services.iter().enumerate() {
            let seq = i as i64 + 1;
            let mut names = vec![s.texts.name.clone()];
            names.extend(s.translations.values().map(|t| t.name.clone()));
            let name = fold(&names.join(" "));
            let body = fold(&s.search_text());
            terms.extend(words(&format!("{name} {body}")).into_iter().filter(|w| w.chars().count() >= 3));
            services.push(vec![
                s.id.to_string().into(),
                seq.into(),
                s.organization.to_string().into(),
                s.texts.name.clone().into(),
                s.status.as_str().into(),
                s.min_age.map(i64::from).into(),
                s.max_age.map(i64::from).into(),
                to_json(s).into(),
                name.clone().into(),
                body.clone().into(),
            ]);
            fts.push(vec![seq.into(), name.into(), body.into()]);
            let mut codes = BTreeSet::new();
            for c in &s.categories {
                let mut cur = Some(c);
                while let Some(code) = cur {
                    if !codes.insert(code.as_str()) {
                        break;
                    }
                    cur = parents.get(code).copied();
                }
            }
            cats.extend(codes.iter().map(|c| vec![s.id.to_string().into(), (*c).into()]));
            codes_of.insert(s.id.as_str(), codes);
            let spoken: BTreeSet<&str> = s.languages.iter().map(|l| l.as_str()).collect();
            langs.extend(spoken.into_iter().map(|l| vec![s.id.to_string().into(), l.into()]));
        }
        stmts.extend(insert_rows(
            "services",
            &[
                "id",
                "seq",
                "organization_id",
                "name",
                "status",
                "min_age",
                "max_age",
                "doc",
                "search_name",
                "search_body",
            ],
            services,
        ));
        stmts.extend(insert_rows("service_categories", &["service_id", "category_code"], cats));
        stmts.extend(insert_rows("service_languages", &["service_id", "language"], langs));
        stmts.extend(insert_rows("search_terms", &["term"], terms.into_iter().map(|t| vec![t.into()]).collect()));
        let mut slots = Vec::new();
        // One facet row per service at a location and category (with ancestors), so a
        // category in a territory is one index range.
        let path_of_location: HashMap<&str, String> =
            dataset.locations.iter().map(|l| (l.id.as_str(), path_of(&l.territory))).collect();
        let mut facets = Vec::new();
        for sal in &dataset.service_at_locations {
            let path = path_of_location.get(sal.location.as_str()).cloned().unwrap_or_default();
            for code in codes_of.get(sal.service.as_str()).into_iter().flatten() {
                facets.push(vec![(*code).into(), path.clone().into(), sal.id.to_string().into()]);
            }
        }
        stmts.extend(insert_rows("sal_facets", &["category_code", "territory_path", "sal_id"], facets));
        stmts.extend(insert_rows(
            "service_at_locations",
            &["id", "service_id", "location_id", "schedule"],
            dataset
                .service_at_locations
                .iter()
                .map(|sal| {
                    slots.extend(sal.schedule.weekly.slots().iter().map(|s| {
                        vec![
                            sal.id.to_string().into(),
                            i64::from(s.weekday).into(),
                            i64::from(s.opens).into(),
                            i64::from(s.closes).into(),
                        ]
                    }));
                    vec![
                        sal.id.to_string().into(),
                        sal.service.to_string().into(),
                        sal.location.to_string().into(),
                        to_json(&sal.schedule).into(),
                    ]
                })
                .collect(),
        ));
        stmts.extend(insert_rows("weekly_slots", &["sal_id", "weekday", "opens", "closes"], slots));
        // Fill the SQLite full-text table; PostgreSQL's index follows the services table.
        if engine == Engine::Sqlite {
            stmts.push(Stmt::new("DELETE FROM service_fts"));
            stmts.extend(insert_rows("service_fts", &["rowid", "name", "body"], fts));
        }
        stmts
    }

    /// Builds the search statement for an engine.
    fn search_statement(&self, spec: &SearchSpec) -> Stmt {
        let engine = self.engine();
        let mut binds: Vec<Bind> = Vec::new();
        let next = |b: Bind, binds: &mut Vec<Bind>| {
            binds.push(b);
            format!("${}", binds.len())
        };
        let has_text = spec.terms.iter().any(|t| !t.is_empty());
        // With words and nothing else to filter by, only the best-ranked matches can be shown:
        // rank and cut before joining (measured on 100,000 services: 41 ms to a few ms for a
        // word found in 2,500 services).
        let words_only = has_text
            && spec.categories.is_empty()
            && spec.territory_paths.is_empty()
            && spec.extra_locations.is_empty()
            && spec.weekly.is_none()
            && spec.language.is_none()
            && spec.age.is_none();
        let top = i64::from(spec.limit.max(1)) * 4;
        let mut with = String::new();
        let (from, score, mut wheres) = if has_text {
            match engine {
                Engine::Sqlite => {
                    let groups: Vec<String> = spec
                        .terms
                        .iter()
                        .filter(|alts| !alts.is_empty())
                        .map(|alts| {
                            let alts: Vec<String> =
                                alts.iter().map(|a| format!("\"{}\"*", a.replace('"', ""))).collect();
                            format!("({})", alts.join(" OR "))
                        })
                        .collect();
                    let p = next(Bind::Text(groups.join(" OR ")), &mut binds);
                    // The matches are ranked first and joined after: left to itself, the
                    // planner may start from a filter's index and run the full-text match
                    // once per row (measured: 2 s instead of 15 ms).
                    let cut = if words_only {
                        format!(" ORDER BY score DESC LIMIT {}", next(Bind::Int(top), &mut binds))
                    } else {
                        String::new()
                    };
                    with = format!(
                        "WITH m AS MATERIALIZED (SELECT rowid AS seq, -bm25(service_fts, 10.0, 1.0) AS score \
                         FROM service_fts WHERE service_fts MATCH {p}{cut}) "
                    );
                    ("m JOIN services s ON s.seq = m.seq".to_owned(), "m.score".to_owned(), Vec::new())
                }
                Engine::Postgres => {
                    let groups: Vec<String> = spec
                        .terms
                        .iter()
                        .filter(|alts| !alts.is_empty())
                        .map(|alts| {
                            let alts: Vec<String> = alts
                                .iter()
                                .map(|a| a.chars().filter(|c| c.is_alphanumeric()).collect::<String>())
                                .filter(|a| !a.is_empty())
                                .map(|a| format!("{a}:*"))
                                .collect();
                            format!("({})", alts.join(" | "))
                        })
                        .collect();
                    let p = next(Bind::Text(groups.join(" | ")), &mut binds);
                    if words_only {
                        let k = next(Bind::Int(top), &mut binds);
                        (
                            format!(
                                "(SELECT s0.seq, CAST(ts_rank_cd(s0.search_vector, tsq.q) AS DOUBLE PRECISION) AS score \
                                 FROM services s0 CROSS JOIN (SELECT to_tsquery('italian', {p}) || to_tsquery('english', {p}) AS q) tsq \
                                 WHERE s0.search_vector @@ tsq.q AND s0.status IN ('active', 'temporarily closed') \
                                 ORDER BY score DESC LIMIT {k}) m JOIN services s ON s.seq = m.seq"
                            ),
                            "m.score".to_owned(),
                            Vec::new(),
                        )
                    } else {
                        (
                            format!(
                                "services s CROSS JOIN (SELECT to_tsquery('italian', {p}) || to_tsquery('english', {p}) AS q) tsq"
                            ),
                            "CAST(ts_rank_cd(s.search_vector, tsq.q) AS DOUBLE PRECISION)".to_owned(),
                            vec!["s.search_vector @@ tsq.q".to_owned()],
                        )
                    }
                }
            }
        } else {
            ("services s".to_owned(), "CAST(0 AS DOUBLE PRECISION)".to_owned(), Vec::new())
        };
        wheres.push("s.status IN ('active', 'temporarily closed')".to_owned());
        if !spec.categories.is_empty() {
            let ps = spec
                .categories
                .iter()
                .map(|c| next(Bind::Text(c.to_string()), &mut binds))
                .collect::<Vec<_>>()
                .join(", ");
            // Through the facets, with the territory when there is one, so the search starts
            // from one index range (measured with 100,000 services: 12 ms to 2 ms).
            let mut parts: Vec<String> = Vec::new();
            if spec.territory_paths.is_empty() {
                parts.push(format!("SELECT f.sal_id FROM sal_facets f WHERE f.category_code IN ({ps})"));
            }
            for path in &spec.territory_paths {
                let (low, high) = prefix_range(path);
                let (low, high) = (next(Bind::Text(low), &mut binds), next(Bind::Text(high), &mut binds));
                parts.push(format!(
                    "SELECT f.sal_id FROM sal_facets f WHERE f.category_code IN ({ps}) AND f.territory_path >= {low} AND f.territory_path < {high}"
                ));
            }
            if !spec.territory_paths.is_empty() {
                for l in &spec.extra_locations {
                    let p = next(Bind::Text(l.to_string()), &mut binds);
                    parts.push(format!(
                        "SELECT f.sal_id FROM sal_facets f JOIN service_at_locations x ON x.id = f.sal_id \
                         WHERE f.category_code IN ({ps}) AND x.location_id = {p}"
                    ));
                }
            }
            wheres.push(format!("sal.id IN ({})", parts.join(" UNION ALL ")));
        }
        // With a category, the facets above already hold the territory.
        if spec.categories.is_empty() && (!spec.territory_paths.is_empty() || !spec.extra_locations.is_empty()) {
            // A path prefix as a range, so the path index serves it (paths compare bytewise:
            // PostgreSQL declares them COLLATE "C").
            let mut parts: Vec<String> = spec
                .territory_paths
                .iter()
                .map(|path| {
                    let (low, high) = prefix_range(path);
                    let (low, high) = (next(Bind::Text(low), &mut binds), next(Bind::Text(high), &mut binds));
                    format!(
                        "SELECT lt.id FROM locations lt WHERE lt.territory_path >= {low} AND lt.territory_path < {high}"
                    )
                })
                .collect();
            for l in &spec.extra_locations {
                parts.push(format!("SELECT {}", next(Bind::Text(l.to_string()), &mut binds)));
            }
            wheres.push(format!("sal.location_id IN ({})", parts.join(" UNION ALL ")));
        }
        if let Some((weekday, from, to)) = spec.weekly {
            let (d, f, t) = (
                next(Bind::Int(weekday.into()), &mut binds),
                next(Bind::Int(from.into()), &mut binds),
                next(Bind::Int(to.into()), &mut binds),
            );
            wheres.push(format!(
                "EXISTS (SELECT 1 FROM weekly_slots w WHERE w.sal_id = sal.id AND w.weekday = {d} AND w.opens < {t} AND w.closes > {f})"
            ));
        }
        if let Some(lang) = &spec.language {
            let p = next(Bind::Text(lang.to_string()), &mut binds);
            wheres.push(format!("s.id IN (SELECT sl.service_id FROM service_languages sl WHERE sl.language = {p})"));
        }
        if let Some(age) = spec.age {
            let p = next(Bind::Int(age.into()), &mut binds);
            wheres.push(format!("(s.min_age IS NULL OR s.min_age <= {p}) AND (s.max_age IS NULL OR s.max_age >= {p})"));
        }
        let limit = next(Bind::Int(i64::from(spec.limit.max(1))), &mut binds);
        // Narrow columns only: the (large) documents are read for the page shown.
        let sql = format!(
            "{with}SELECT sal.id AS hit, sal.schedule, s.status, {score} AS score, l.welfare_house AS house, s.name AS name, \
             l.territory_id AS place \
             FROM {from} \
             JOIN service_at_locations sal ON sal.service_id = s.id \
             JOIN locations l ON l.id = sal.location_id \
             WHERE {} ORDER BY score DESC, house DESC, name, hit LIMIT {limit}",
            wheres.join(" AND ")
        );
        Stmt { sql, binds }
    }
}

#[async_trait]
impl DirectoryStore for SqlStore {
    async fn replace_dataset(&self, dataset: &Dataset) -> StoreResult<()> {
        self.transaction(Self::dataset_statements(self.engine(), dataset)).await?;
        // Fresh statistics, so the planner picks the selective index from the first query
        // (measured on SQLite with 100,000 services: 300 ms per search without, 5 ms with).
        self.execute(Stmt::new("ANALYZE")).await?;
        Ok(())
    }

    async fn dataset(&self) -> StoreResult<Dataset> {
        let territories = self.territories().await?;
        let categories = self.categories().await?;
        let orgs: Vec<(String, String)> =
            self.fetch_all(Stmt::new("SELECT id, doc FROM organizations ORDER BY id")).await?;
        let locs: Vec<(String, String)> =
            self.fetch_all(Stmt::new("SELECT id, doc FROM locations ORDER BY id")).await?;
        let services: Vec<(String, String)> =
            self.fetch_all(Stmt::new("SELECT id, doc FROM services ORDER BY id")).await?;
        let sals: Vec<(String, String, String, String)> = self
            .fetch_all(Stmt::new("SELECT id, service_id, location_id, schedule FROM service_at_locations ORDER BY id"))
            .await?;
        let mut ds = Dataset {
            territories,
            categories,
            organizations: orgs
                .iter()
                .map(|(id, doc)| from_json(&format!("organization {id}"), doc))
                .collect::<StoreResult<_>>()?,
            locations: locs
                .iter()
                .map(|(id, doc)| from_json(&format!("location {id}"), doc))
                .collect::<StoreResult<_>>()?,
            services: services
                .iter()
                .map(|(id, doc)| from_json(&format!("service {id}"), doc))
                .collect::<StoreResult<_>>()?,
            service_at_locations: sals
                .into_iter()
                .map(|(id, service, location, schedule)| {
                    Ok(ServiceAtLocation {
                        schedule: from_json(&format!("service_at_location {id}"), &schedule)?,
                        id: ServiceAtLocationId::new(id),
                        service: ServiceId::new(service),
                        location: LocationId::new(location),
                    })
                })
                .collect::<StoreResult<_>>()?,
        };
        ds.normalize();
        Ok(ds)
    }

    async fn territories(&self) -> StoreResult<Vec<Territory>> {
        let rows: Vec<(String, String)> =
            self.fetch_all(Stmt::new("SELECT id, doc FROM territories ORDER BY id")).await?;
        rows.iter().map(|(id, doc)| from_json(&format!("territory {id}"), doc)).collect()
    }

    async fn categories(&self) -> StoreResult<Vec<Category>> {
        let rows: Vec<(String, Option<String>, String)> =
            self.fetch_all(Stmt::new("SELECT code, parent_code, name FROM categories ORDER BY code")).await?;
        Ok(rows
            .into_iter()
            .map(|(code, parent, name)| Category {
                code: CategoryCode::new(code),
                parent: parent.map(CategoryCode::new),
                name,
            })
            .collect())
    }

    async fn welfare_houses(&self) -> StoreResult<Vec<Location>> {
        let rows: Vec<(String, String)> =
            self.fetch_all(Stmt::new("SELECT id, doc FROM locations WHERE welfare_house ORDER BY id")).await?;
        rows.iter().map(|(id, doc)| from_json(&format!("location {id}"), doc)).collect()
    }

    async fn search_terms(&self) -> StoreResult<Vec<String>> {
        let rows: Vec<(String,)> = self.fetch_all(Stmt::new("SELECT term FROM search_terms ORDER BY term")).await?;
        Ok(rows.into_iter().map(|(t,)| t).collect())
    }

    async fn search(&self, spec: &SearchSpec) -> StoreResult<Vec<SearchHit>> {
        let rows: Vec<(String, String, String, f64, bool, String, String)> =
            self.fetch_all(self.search_statement(spec)).await?;
        rows.into_iter()
            .map(|(id, schedule, status, score, _, _, place)| {
                Ok(SearchHit {
                    schedule: from_json(&format!("service_at_location {id}"), &schedule)?,
                    status: ServiceStatus::parse(&status).unwrap_or(ServiceStatus::Inactive),
                    sal: ServiceAtLocationId::new(id),
                    score,
                    territory: TerritoryId::new(place),
                })
            })
            .collect()
    }

    async fn listings(&self, ids: &[ServiceAtLocationId]) -> StoreResult<Vec<Listing>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let placeholders: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
        let mut stmt = Stmt::new(format!(
            "SELECT {LISTING_COLUMNS} FROM service_at_locations sal \
             JOIN services s ON s.id = sal.service_id JOIN locations l ON l.id = sal.location_id \
             {ORGANIZATION_JOIN} WHERE sal.id IN ({})",
            placeholders.join(", ")
        ));
        for id in ids {
            stmt = stmt.bind(id.as_str());
        }
        let rows: Vec<ListingRow> = self.fetch_all(stmt).await?;
        let mut found: HashMap<String, Listing> = rows
            .into_iter()
            .map(|r| Self::listing_from_row(r).map(|l| (l.sal.id.to_string(), l)))
            .collect::<StoreResult<_>>()?;
        Ok(ids.iter().filter_map(|id| found.remove(id.as_str())).collect())
    }

    async fn listing(&self, id: &ServiceAtLocationId) -> StoreResult<Option<Listing>> {
        let row: Option<ListingRow> = self
            .fetch_optional(
                Stmt::new(format!(
                    "SELECT {LISTING_COLUMNS} FROM service_at_locations sal \
                     JOIN services s ON s.id = sal.service_id JOIN locations l ON l.id = sal.location_id \
                     {ORGANIZATION_JOIN} WHERE sal.id = $1"
                ))
                .bind(id.as_str()),
            )
            .await?;
        row.map(Self::listing_from_row).transpose()
    }

    async fn counts(&self) -> StoreResult<DirectoryCounts> {
        let row: (i64, i64, i64, i64) = self
            .fetch_optional(Stmt::new(
                "SELECT (SELECT COUNT(*) FROM services), (SELECT COUNT(*) FROM locations), \
                 (SELECT COUNT(*) FROM organizations), (SELECT COUNT(*) FROM territories)",
            ))
            .await?
            .unwrap_or_default();
        Ok(DirectoryCounts {
            services: row.0 as u64,
            locations: row.1 as u64,
            organizations: row.2 as u64,
            territories: row.3 as u64,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prefix_range_covers_exactly_the_paths_beneath() {
        let (low, high) = prefix_range("/lazio/roma/");
        assert_eq!((low.as_str(), high.as_str()), ("/lazio/roma/", "/lazio/roma0"));
        for inside in ["/lazio/roma/", "/lazio/roma/roma-m05/", "/lazio/roma/~"] {
            assert!(low.as_str() <= inside && inside < high.as_str(), "{inside}");
        }
        for outside in ["/lazio/roma-m05/", "/lazio/romania/", "/lazio/"] {
            assert!(!(low.as_str() <= outside && outside < high.as_str()), "{outside}");
        }
    }
}
