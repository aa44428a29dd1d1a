//! What the conversation keeps in memory about the directory: the territory tree, the
//! taxonomy, the welfare houses, the search vocabulary and the understander built from them.
//! Read from the store at start and after the directory changes.

use super::understand::{Understander, embedded_lexicons};
use std::collections::{HashMap, HashSet};
use vicinato_domain::text::{stem, typo_budget, within_edits, words};
use vicinato_domain::*;
use vicinato_store::Store;

pub struct DirectorySnapshot {
    pub tree: TerritoryTree,
    pub categories: Vec<Category>,
    parents: HashMap<CategoryCode, CategoryCode>,
    pub houses: Vec<Location>,
    vocabulary: HashSet<String>,
    vocabulary_list: Vec<String>,
    pub understander: Understander,
}

impl DirectorySnapshot {
    pub async fn load(store: &dyn Store) -> anyhow::Result<Self> {
        let tree = TerritoryTree::new(store.territories().await?)?;
        let categories = store.categories().await?;
        let houses = store.welfare_houses().await?;
        let terms = store.search_terms().await?;
        Ok(Self::new(tree, categories, houses, terms)?)
    }

    pub fn new(
        tree: TerritoryTree,
        categories: Vec<Category>,
        houses: Vec<Location>,
        terms: Vec<String>,
    ) -> Result<Self, super::understand::LexiconError> {
        let understander = Understander::new(embedded_lexicons()?, &tree);
        let parents = categories.iter().filter_map(|c| Some((c.code.clone(), c.parent.clone()?))).collect();
        Ok(Self {
            tree,
            categories,
            parents,
            houses,
            vocabulary: terms.iter().cloned().collect(),
            vocabulary_list: terms,
            understander,
        })
    }

    pub fn top_categories(&self) -> Vec<&Category> {
        self.categories.iter().filter(|c| c.parent.is_none()).collect()
    }

    pub fn category(&self, code: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.code.as_str() == code)
    }

    pub fn parent_category(&self, code: &CategoryCode) -> Option<&CategoryCode> {
        self.parents.get(code)
    }

    /// The welfare house nearest to a territory: one inside it first, then the closest by
    /// distance between centroids.
    pub fn nearest_house(&self, territory: &TerritoryId) -> Option<&Location> {
        let here = self.tree.centroid(territory);
        self.houses
            .iter()
            .map(|h| {
                let inside = self.tree.contains(territory, &h.territory);
                let distance = match (here, h.geo.or_else(|| self.tree.centroid(&h.territory))) {
                    (Some(a), Some(b)) => a.distance_km(b),
                    _ => f64::MAX,
                };
                (h, !inside, distance)
            })
            .min_by(|a, b| (a.1, a.2).partial_cmp(&(b.1, b.2)).unwrap_or(std::cmp::Ordering::Equal))
            .map(|(h, _, _)| h)
    }

    /// The search terms of a text: stems for prefix search, with spellings from the
    /// directory's vocabulary for words it does not know (typos).
    pub fn terms(&self, text: &str) -> Vec<Vec<String>> {
        words(text)
            .into_iter()
            .filter(|w| w.chars().count() >= 2)
            .take(12)
            .map(|w| {
                let mut alts = vec![stem(&w).to_owned()];
                let budget = typo_budget(&w);
                if budget > 0 && !self.vocabulary.contains(&w) {
                    let first = w.chars().next();
                    alts.extend(
                        self.vocabulary_list
                            .iter()
                            .filter(|t| t.chars().next() == first && within_edits(&w, t, budget))
                            .take(3)
                            .map(|t| stem(t).to_owned()),
                    );
                }
                alts.dedup();
                alts
            })
            .collect()
    }

    /// Turns a directory question into what the store runs.
    pub fn spec(&self, q: &DirectoryQuery, limit: u32) -> SearchSpec {
        let mut spec = SearchSpec { limit, ..Default::default() };
        if let Some(text) = &q.text {
            spec.terms = self.terms(text);
        }
        if let Some(c) = &q.category {
            spec.categories.push(c.clone());
        }
        if let Some(t) = &q.territory {
            spec.territory_paths.push(self.tree.path(t));
            if let Some(h) = self.nearest_house(t) {
                spec.extra_locations.push(h.id.clone());
            }
        }
        if let Some(w) = &q.open {
            use chrono::Datelike;
            spec.weekly = Some((w.date.weekday().num_days_from_monday() as u8, w.from_minute, w.to_minute));
        }
        spec.language = q.language.clone();
        spec.age = q.age;
        spec
    }
}

impl vicinato_core::directory::search::Catalogue for DirectorySnapshot {
    fn spec(&self, query: &DirectoryQuery, limit: u32) -> SearchSpec {
        DirectorySnapshot::spec(self, query, limit)
    }

    fn parent_category(&self, code: &CategoryCode) -> Option<&CategoryCode> {
        DirectorySnapshot::parent_category(self, code)
    }

    fn tree(&self) -> &TerritoryTree {
        &self.tree
    }
}
