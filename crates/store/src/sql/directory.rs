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

/// Rows joined first for words alone, per row of the page: enough that the page is full
/// (only inactive services are dropped).
const WORDS_CUT: i64 = 4;

/// A category as a word of the full-text table's category column: `k` and its code in hex,
/// so no code can be split, folded or met by a word someone types (those are matched in the
/// other columns only).
fn category_word(code: &str) -> String {
    let mut word = String::with_capacity(1 + code.len() * 2);
    word.push('k');
    for b in code.bytes() {
        word.push_str(&format!("{b:02x}"));
    }
    word
}

/// The word that pads the category column: not hex, so never a category's.
const NO_CATEGORY_WORD: &str = "kz";

/// A statement's parameters as they are numbered (`$1`, `$2`, …).
#[derive(Default)]
struct Params {
    binds: Vec<Bind>,
}

impl Params {
    fn next(&mut self, b: Bind) -> String {
        self.binds.push(b);
        format!("${}", self.binds.len())
    }
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
            services.last_mut().expect("just pushed").push(codes.iter().copied().collect::<Vec<_>>().join(" ").into());
            fts.push((seq, name, body, codes.iter().map(|c| category_word(c)).collect::<Vec<_>>()));
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
                "categories",
            ],
            services,
        ));
        stmts.extend(insert_rows("service_categories", &["service_id", "category_code"], cats));
        stmts.extend(insert_rows("service_languages", &["service_id", "language"], langs));
        stmts.extend(insert_rows("search_terms", &["term"], terms.into_iter().map(|t| vec![t.into()]).collect()));
        let mut slots = Vec::new();
        // One facet row per service at a location and category (with ancestors), so a
        // category in a territory is one index range.
        // Each also carries the display order (welfare house, name) and its location, so a
        // category walks one index in the order results are shown.
        let location_of: HashMap<&str, (String, bool)> =
            dataset.locations.iter().map(|l| (l.id.as_str(), (path_of(&l.territory), l.welfare_house))).collect();
        let name_of: HashMap<&str, &str> =
            dataset.services.iter().map(|s| (s.id.as_str(), s.texts.name.as_str())).collect();
        let mut facets = Vec::new();
        for sal in &dataset.service_at_locations {
            let (path, house) = location_of.get(sal.location.as_str()).cloned().unwrap_or_default();
            let name = name_of.get(sal.service.as_str()).copied().unwrap_or_default();
            for code in codes_of.get(sal.service.as_str()).into_iter().flatten() {
                facets.push(vec![
                    (*code).into(),
                    path.clone().into(),
                    sal.id.to_string().into(),
                    sal.location.to_string().into(),
                    house.into(),
                    name.into(),
                    sal.service.to_string().into(),
                ]);
            }
        }
        stmts.extend(insert_rows(
            "sal_facets",
            &["category_code", "territory_path", "sal_id", "location_id", "house", "name", "service_id"],
            facets,
        ));
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
            // Every service gets as many category words (padded with one that is no
            // category's), so the category column adds the same length to every document and
            // the ranking of the words stays as it was without it.
            let most = fts.iter().map(|(_, _, _, words)| words.len()).max().unwrap_or(0);
            let fts = fts
                .into_iter()
                .map(|(seq, name, body, mut words)| {
                    words.resize(most, NO_CATEGORY_WORD.to_owned());
                    vec![seq.into(), name.into(), body.into(), words.join(" ").into()]
                })
                .collect();
            stmts.extend(insert_rows("service_fts", &["rowid", "name", "body", "cats"], fts));
        }
        stmts
    }

    /// Builds the search statement for an engine: one of three plans, each giving the rows in
    /// the order results are shown (relevance, welfare houses first, name, row).
    ///
    /// - Words: every match ranked, the rows at or above the `cut`-th best score joined and
    ///   filtered first; the rest only when those leave the page short.
    /// - A category without words: a walk of the facet index in display order per category,
    ///   the place and filters checked on the way, stopping at the page size.
    /// - A place alone: its locations, sorted.
    fn search_statement(&self, spec: &SearchSpec) -> Stmt {
        let mut p = Params::default();
        let limit = i64::from(spec.limit.max(1));
        let has_text = spec.terms.iter().any(|t| !t.is_empty());
        let stmt = if has_text {
            self.ranked_statement(spec, &mut p, limit)
        } else if !spec.categories.is_empty() {
            Self::walk_statement(spec, &mut p, limit)
        } else {
            Self::place_statement(spec, &mut p, limit)
        };
        Stmt { sql: stmt, binds: p.binds }
    }

    /// The filters on a service (`s`) at a location (`sal`): status, weekly hours, language, age.
    /// `service_id` and `sal_id` name the columns with the row's service and service at a
    /// location that the language and the hours are checked on: the earliest the plan reads
    /// (a facet's, in a walk), so most rows they exclude are skipped before anything else is
    /// read for them ("dormitorio a Roma stasera" walks thousands of facets to find 60 open).
    fn row_filters(spec: &SearchSpec, p: &mut Params, service_id: &str, sal_id: &str) -> Vec<String> {
        let mut wheres = vec!["s.status IN ('active', 'temporarily closed')".to_owned()];
        if let Some((weekday, from, to)) = spec.weekly {
            let (d, f, t) =
                (p.next(Bind::Int(weekday.into())), p.next(Bind::Int(from.into())), p.next(Bind::Int(to.into())));
            wheres.push(format!(
                "EXISTS (SELECT 1 FROM weekly_slots w WHERE w.sal_id = {sal_id} AND w.weekday = {d} AND w.opens < {t} AND w.closes > {f})"
            ));
        }
        if let Some(lang) = &spec.language {
            let l = p.next(Bind::Text(lang.to_string()));
            wheres.push(format!(
                "{service_id} IN (SELECT sl.service_id FROM service_languages sl WHERE sl.language = {l})"
            ));
        }
        if let Some(age) = spec.age {
            let a = p.next(Bind::Int(age.into()));
            wheres.push(format!("(s.min_age IS NULL OR s.min_age <= {a}) AND (s.max_age IS NULL OR s.max_age >= {a})"));
        }
        wheres
    }

    /// The categories as a list of parameters.
    fn category_params(spec: &SearchSpec, p: &mut Params) -> Vec<String> {
        spec.categories.iter().map(|c| p.next(Bind::Text(c.to_string()))).collect()
    }

    /// Each territory path as a range on `column` (so an index serves it; paths compare
    /// bytewise, PostgreSQL declares them COLLATE "C").
    fn path_ranges(spec: &SearchSpec, p: &mut Params, column: &str) -> Vec<String> {
        spec.territory_paths
            .iter()
            .map(|path| {
                let (low, high) = prefix_range(path);
                let (low, high) = (p.next(Bind::Text(low)), p.next(Bind::Text(high)));
                format!("{column} >= {low} AND {column} < {high}")
            })
            .collect()
    }

    /// The extra locations as a list of parameters.
    fn location_params(spec: &SearchSpec, p: &mut Params) -> Vec<String> {
        spec.extra_locations.iter().map(|l| p.next(Bind::Text(l.to_string()))).collect()
    }

    /// The place on a facet row `f`: any of the territory paths (as ranges, so an index serves
    /// them; paths compare bytewise, PostgreSQL declares them COLLATE "C") or of the extra
    /// locations. None without paths: a category anywhere includes every location.
    fn facet_place(spec: &SearchSpec, p: &mut Params) -> Option<String> {
        if spec.territory_paths.is_empty() {
            return None;
        }
        let mut any: Vec<String> =
            Self::path_ranges(spec, p, "f.territory_path").into_iter().map(|r| format!("({r})")).collect();
        if !spec.extra_locations.is_empty() {
            any.push(format!("f.location_id IN ({})", Self::location_params(spec, p).join(", ")));
        }
        Some(format!("({})", any.join(" OR ")))
    }

    /// The narrow columns a search returns; the (large) documents are read for the page shown.
    const HIT_COLUMNS: &str = "sal.id AS hit, sal.schedule AS schedule, s.status AS status";

    /// Words, with or without filters. The matches are ranked first and joined after: left to
    /// itself, the planner may start from a filter's index and run the full-text match once
    /// per row (measured: 2 s instead of 15 ms). A category is met inside the full-text
    /// search (SQLite: the table's category column; PostgreSQL: the categories' index, ANDed
    /// with the words'), so only the services in it are ranked: ranking thousands of matches is
    /// most of a search's time.
    ///
    /// With words alone, joining every match is what costs, so the best ones (every row tied
    /// with the `cut`-th best score included) go first; the others are read only when fewer
    /// than a page of those are active, and then the two parts together are exactly the full
    /// ranking. With filters, every match is joined and filtered: the category has made them
    /// few, and a place is met from its own index.
    fn ranked_statement(&self, spec: &SearchSpec, p: &mut Params, limit: i64) -> String {
        let words_only = spec.categories.is_empty()
            && spec.territory_paths.is_empty()
            && spec.extra_locations.is_empty()
            && spec.weekly.is_none()
            && spec.language.is_none()
            && spec.age.is_none();
        let engine = self.engine();
        let matches = match engine {
            Engine::Sqlite => {
                let groups: Vec<String> = spec
                    .terms
                    .iter()
                    .filter(|alts| !alts.is_empty())
                    .map(|alts| {
                        let alts: Vec<String> = alts.iter().map(|a| format!("\"{}\"*", a.replace('"', ""))).collect();
                        format!("({})", alts.join(" OR "))
                    })
                    .collect();
                let mut query = format!("{{name body}} : ({})", groups.join(" OR "));
                if !spec.categories.is_empty() {
                    let cats: Vec<String> = spec.categories.iter().map(|c| category_word(c.as_str())).collect();
                    query = format!("{query} AND cats : ({})", cats.join(" OR "));
                }
                let q = p.next(Bind::Text(query));
                format!(
                    "SELECT rowid AS seq, -bm25(service_fts, 10.0, 1.0, 0.0) AS score FROM service_fts \
                     WHERE service_fts MATCH {q}"
                )
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
                let q = p.next(Bind::Text(groups.join(" | ")));
                let in_category = if spec.categories.is_empty() {
                    String::new()
                } else {
                    format!(
                        " AND string_to_array(s0.categories, ' ') && ARRAY[{}]::TEXT[]",
                        Self::category_params(spec, p).join(", ")
                    )
                };
                format!(
                    "SELECT s0.seq, CAST(ts_rank_cd(s0.search_vector, tsq.q) AS DOUBLE PRECISION) AS score \
                     FROM services s0 CROSS JOIN (SELECT to_tsquery('italian', {q}) || to_tsquery('english', {q}) AS q) tsq \
                     WHERE s0.search_vector @@ tsq.q{in_category}"
                )
            }
        };
        let mut wheres = Self::row_filters(spec, p, "sal.service_id", "sal.id");
        let mut place = String::new();
        if !spec.categories.is_empty() {
            // The category is in the matches already; the place, on the category's facets,
            // each part from an index (the territory's range, the extra location's rows).
            if !spec.territory_paths.is_empty() {
                let cs = Self::category_params(spec, p).join(", ");
                let mut parts: Vec<String> = Self::path_ranges(spec, p, "f.territory_path")
                    .into_iter()
                    .map(|range| {
                        format!("SELECT f.sal_id FROM sal_facets f WHERE f.category_code IN ({cs}) AND {range}")
                    })
                    .collect();
                if !spec.extra_locations.is_empty() {
                    let ls = Self::location_params(spec, p).join(", ");
                    parts.push(format!(
                        "SELECT f.sal_id FROM sal_facets f WHERE f.location_id IN ({ls}) AND f.category_code IN ({cs})"
                    ));
                }
                // Kept apart (materialised), so even a plan made without the values reads
                // the place once: PostgreSQL's generic plan otherwise read the facets again
                // for every match (158 ms where reading them once takes 20).
                place = format!(", place AS MATERIALIZED ({})", parts.join(" UNION ALL "));
                wheres.push("sal.id IN (SELECT place.sal_id FROM place)".to_owned());
            }
        } else if let Some(place) = Self::location_place(spec, p) {
            wheres.push(place);
        }
        let filters = wheres.join(" AND ");
        let k = p.next(Bind::Int(limit));
        let cols = Self::HIT_COLUMNS;
        let joined = "FROM a JOIN services s ON s.seq = a.seq \
                      JOIN service_at_locations sal ON sal.service_id = s.id \
                      JOIN locations l ON l.id = sal.location_id";
        let shown = "a.score AS score, l.welfare_house AS house, s.name AS name, l.territory_id AS place";
        if !words_only {
            return format!(
                "WITH a AS MATERIALIZED ({matches}){place} SELECT {cols}, {shown} {joined} WHERE {filters} \
                 ORDER BY score DESC, house DESC, name, hit LIMIT {k}"
            );
        }
        let cut = p.next(Bind::Int(limit * WORDS_CUT - 1));
        format!(
            "WITH a AS MATERIALIZED ({matches}), \
             t AS MATERIALIZED (SELECT score FROM a ORDER BY score DESC LIMIT 1 OFFSET {cut}), \
             best AS MATERIALIZED (SELECT {cols}, {shown} {joined} \
               WHERE (NOT EXISTS (SELECT 1 FROM t) OR a.score >= (SELECT score FROM t)) AND {filters} \
               ORDER BY score DESC, house DESC, name, hit LIMIT {k}) \
             SELECT * FROM best \
             UNION ALL \
             SELECT * FROM (SELECT {cols}, {shown} {joined} \
               WHERE (SELECT COUNT(*) FROM best) < {k} AND a.score < (SELECT score FROM t) AND {filters} \
               ORDER BY score DESC, house DESC, name, hit LIMIT {k}) rest \
             ORDER BY score DESC, house DESC, name, hit LIMIT {k}"
        )
    }

    /// A place without a category, on the location of `sal`: its territory paths' locations and
    /// the extra locations.
    fn location_place(spec: &SearchSpec, p: &mut Params) -> Option<String> {
        if spec.territory_paths.is_empty() && spec.extra_locations.is_empty() {
            return None;
        }
        let mut parts: Vec<String> = Self::path_ranges(spec, p, "lt.territory_path")
            .into_iter()
            .map(|range| format!("SELECT lt.id FROM locations lt WHERE {range}"))
            .collect();
        parts.extend(Self::location_params(spec, p).into_iter().map(|l| format!("SELECT {l}")));
        Some(format!("sal.location_id IN ({})", parts.join(" UNION ALL ")))
    }

    /// A category (or several) without words: per category, its facet rows in display order,
    /// the place checked on the index row and the other filters on the way, the first `limit`
    /// kept; then the categories merged. A service in two categories comes once (UNION).
    fn walk_statement(spec: &SearchSpec, p: &mut Params, limit: i64) -> String {
        let filters = Self::row_filters(spec, p, "f.service_id", "f.sal_id").join(" AND ");
        let place = Self::facet_place(spec, p).map(|w| format!(" AND {w}")).unwrap_or_default();
        let k = p.next(Bind::Int(limit));
        let cols = Self::HIT_COLUMNS;
        let arms: Vec<String> = Self::category_params(spec, p)
            .into_iter()
            .enumerate()
            .map(|(i, c)| {
                // CROSS JOIN keeps the facets the outer loop on SQLite, so its index order is
                // the result's order; PostgreSQL reads it as a plain join.
                format!(
                    "SELECT * FROM (SELECT {cols}, CAST(0 AS DOUBLE PRECISION) AS score, f.house AS house, f.name AS name, \
                     l.territory_id AS place \
                     FROM sal_facets f CROSS JOIN service_at_locations sal CROSS JOIN services s CROSS JOIN locations l \
                     WHERE f.category_code = {c}{place} AND sal.id = f.sal_id AND s.id = sal.service_id \
                     AND l.id = sal.location_id AND {filters} \
                     ORDER BY f.house DESC, f.name, f.sal_id LIMIT {k}) c{i}"
                )
            })
            .collect();
        if arms.len() == 1 {
            return arms.into_iter().next().expect("one arm");
        }
        format!("SELECT * FROM ({}) u ORDER BY house DESC, name, hit LIMIT {k}", arms.join(" UNION "))
    }

    /// A place alone (or nothing at all): every active service there, in display order.
    fn place_statement(spec: &SearchSpec, p: &mut Params, limit: i64) -> String {
        let mut wheres = Self::row_filters(spec, p, "sal.service_id", "sal.id");
        wheres.extend(Self::location_place(spec, p));
        let k = p.next(Bind::Int(limit));
        format!(
            "SELECT {}, CAST(0 AS DOUBLE PRECISION) AS score, l.welfare_house AS house, s.name AS name, \
             l.territory_id AS place \
             FROM services s JOIN service_at_locations sal ON sal.service_id = s.id \
             JOIN locations l ON l.id = sal.location_id \
             WHERE {} ORDER BY house DESC, name, hit LIMIT {k}",
            Self::HIT_COLUMNS,
            wheres.join(" AND ")
        )
    }
}

#[async_trait]
impl DirectoryStore for SqlStore {
    async fn replace_dataset(&self, dataset: &Dataset) -> StoreResult<()> {
        self.transaction(Self::dataset_statements(self.engine(), dataset)).await?;
        // Fresh statistics, so the planner picks the selective index from the first query
        // (measured on SQLite with 100,000 services: 300 ms per search without, 5 ms with).
        // On PostgreSQL also a VACUUM: it moves the bulk-loaded entries of the full-text and
        // category indexes out of their pending lists (which every search otherwise reads
        // one by one) and marks the pages all-visible, so the facets are walked in the index
        // alone (measured at 100,000 services: words and a category 19 ms to 7 ms).
        let refresh = match self.engine() {
            Engine::Sqlite => "ANALYZE",
            Engine::Postgres => {
                "VACUUM (ANALYZE) territories, categories, organizations, locations, services,                  service_categories, service_languages, service_at_locations, weekly_slots, search_terms, sal_facets"
            }
        };
        self.execute(Stmt::new(refresh)).await?;
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
