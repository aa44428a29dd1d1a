//! Searching the directory: the one search chat, deep links and the benchmarks run. A query is
//! tried as asked; when nothing is found it is widened step by step (the words that only
//! refined a category, then the time, then the parent category, then the place up to the
//! comune and past it anywhere), and the result says what was given up, so the person can be
//! told. Holidays and closures are checked on the hits (the store filters by weekly hours).
//! Anyone may search: there is no actor and no refusal. Names no chat, no network and no SQL.

use vicinato_domain::{
    CategoryCode, DirectoryQuery, SearchHit, SearchSpec, ServiceStatus, TerritoryId, TerritoryKind, TerritoryTree,
};
use vicinato_store::{Store, StoreError};

/// At most this many results.
pub const MAX_RESULTS: u32 = 30;

/// What the directory knows that a search needs: how a query becomes the store's search
/// (words to terms, the territory's range, the nearest house), the category tree and the
/// territory tree. The chat layer's snapshot of the directory provides it.
pub trait Catalogue {
    fn spec(&self, query: &DirectoryQuery, limit: u32) -> SearchSpec;
    fn parent_category(&self, code: &CategoryCode) -> Option<&CategoryCode>;
    fn tree(&self) -> &TerritoryTree;
}

/// What the search had to give up to find something.
#[derive(Debug, Clone, PartialEq)]
pub enum Widening {
    Words,
    Time,
    Category(CategoryCode),
    Territory { from: TerritoryId, to: TerritoryId },
    Anywhere(TerritoryId),
}

/// What a search found.
#[derive(Debug, Clone)]
pub struct Found {
    /// The query that found them, after widening.
    pub query: DirectoryQuery,
    pub hits: Vec<SearchHit>,
    /// What was given up, in order.
    pub widened: Vec<Widening>,
}

/// Searches, widening step by step until something is found.
pub async fn search(
    query: &DirectoryQuery,
    catalogue: &(dyn Catalogue + Sync),
    store: &dyn Store,
) -> Result<Found, StoreError> {
    let mut q = query.clone();
    let mut widened = Vec::new();
    loop {
        let hits = run(&q, query.territory.as_ref(), catalogue, store).await?;
        if !hits.is_empty() {
            return Ok(Found { query: q, hits, widened });
        }
        if q.text.is_some() && q.category.is_some() {
            // The words only refined a category: keep the category.
            q.text = None;
            widened.push(Widening::Words);
        } else if q.open.is_some() {
            q.open = None;
            widened.push(Widening::Time);
        } else if let Some((from, to)) = q.category.as_ref().and(q.territory.as_ref()).and_then(|t| {
            // A quartiere is small: the same need in its municipio (or comune) comes before a
            // looser need in the quartiere ("aiuto compiti a Centocelle": the after-school club
            // next door, not any family service).
            let tree = catalogue.tree();
            let here = tree.get(t)?;
            (here.kind == TerritoryKind::Quartiere).then_some((t.clone(), here.parent.clone()?))
        }) {
            widened.push(Widening::Territory { from, to: to.clone() });
            q.territory = Some(to);
        } else if let Some(parent) = q.category.as_ref().and_then(|c| catalogue.parent_category(c)).cloned() {
            q.category = Some(parent.clone());
            widened.push(Widening::Category(parent));
        } else if let Some(t) = q.territory.clone() {
            let tree = catalogue.tree();
            let parent = tree.get(&t).and_then(|t| t.parent.clone());
            // Widen up to the province; past it, drop the place altogether (and the results
            // come in order of distance from the place asked).
            let comune_or_below = tree.get(&t).is_some_and(|t| {
                matches!(t.kind, TerritoryKind::Comune | TerritoryKind::Municipio | TerritoryKind::Quartiere)
            });
            match parent {
                Some(p) if comune_or_below => {
                    widened.push(Widening::Territory { from: t, to: p.clone() });
                    q.territory = Some(p);
                }
                _ => {
                    widened.push(Widening::Anywhere(t));
                    q.territory = None;
                }
            }
        } else {
            // Nothing left to widen that keeps the request's meaning.
            return Ok(Found { query: q, hits: Vec::new(), widened });
        }
    }
}

/// Candidates read for a search with no place left, so the nearest to the place asked can be
/// found among them.
const ANYWHERE_CANDIDATES: u32 = 400;

async fn run(
    q: &DirectoryQuery,
    asked: Option<&TerritoryId>,
    catalogue: &(dyn Catalogue + Sync),
    store: &dyn Store,
) -> Result<Vec<SearchHit>, StoreError> {
    let limit = if asked.is_some() && q.territory.is_none() { ANYWHERE_CANDIDATES } else { MAX_RESULTS * 2 };
    let spec = catalogue.spec(q, limit);
    let mut hits = store.search(&spec).await?;
    if let Some(window) = &q.open {
        // The store filters by weekly hours; holidays and closures are checked here.
        hits.retain(|h| window.admits(&h.schedule) && h.status == ServiceStatus::Active);
    }
    if let Some(place) = asked {
        nearest_first(&mut hits, place, catalogue.tree());
    }
    hits.truncate(MAX_RESULTS as usize);
    Ok(hits)
}

/// The place asked dominates the order: what is inside it first, in the store's order
/// (relevance, then welfare houses), then the rest by distance from it, so a far province never
/// comes before a near match. A stable sort: equals keep the store's order.
pub fn nearest_first(hits: &mut Vec<SearchHit>, place: &TerritoryId, tree: &TerritoryTree) {
    let here = tree.centroid(place);
    // One key per territory met, not per comparison.
    let mut keys: std::collections::HashMap<TerritoryId, (bool, f64)> = std::collections::HashMap::new();
    let mut keyed: Vec<((bool, f64), SearchHit)> = hits
        .drain(..)
        .map(|h| {
            let key = *keys.entry(h.territory.clone()).or_insert_with(|| {
                if tree.contains(place, &h.territory) {
                    return (false, 0.0);
                }
                match (here, tree.centroid(&h.territory)) {
                    (Some(a), Some(b)) => (true, a.distance_km(b)),
                    _ => (true, f64::MAX),
                }
            });
            (key, h)
        })
        .collect();
    keyed.sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap_or(std::cmp::Ordering::Equal));
    hits.extend(keyed.into_iter().map(|(_, h)| h));
}

#[cfg(test)]
mod tests {
    use super::*;
    use vicinato_domain::territory::fixtures::t;
    use vicinato_domain::{GeoPoint, Schedule, ServiceAtLocationId};

    fn hit(id: &str, territory: &str) -> SearchHit {
        SearchHit {
            sal: ServiceAtLocationId::new(id),
            schedule: Schedule::default(),
            status: ServiceStatus::Active,
            score: 0.0,
            territory: TerritoryId::new(territory),
        }
    }

    /// Roma with three quartieri (Primavalle in the north-west, Centocelle in the east, Ostia by
    /// the sea) and Latina, 60 km away.
    fn tree() -> TerritoryTree {
        use TerritoryKind::*;
        let at = |mut t: vicinato_domain::Territory, lat: f64, lon: f64| {
            t.centroid = Some(GeoPoint { lat, lon });
            t
        };
        TerritoryTree::new(vec![
            t("lazio", Region, None, "Lazio", &[]),
            at(t("roma", Comune, Some("lazio"), "Roma", &[]), 41.89, 12.49),
            at(t("primavalle", Quartiere, Some("roma"), "Primavalle", &[]), 41.92, 12.41),
            at(t("centocelle", Quartiere, Some("roma"), "Centocelle", &[]), 41.88, 12.57),
            at(t("ostia", Quartiere, Some("roma"), "Ostia", &[]), 41.73, 12.29),
            at(t("latina", Comune, Some("lazio"), "Latina", &[]), 41.47, 12.90),
        ])
        .unwrap()
    }

    fn order(hits: &[SearchHit]) -> Vec<&str> {
        hits.iter().map(|h| h.sal.as_str()).collect()
    }

    #[test]
    fn what_is_in_the_place_asked_comes_first_and_keeps_the_store_order() {
        let mut hits = vec![
            hit("house-centocelle", "centocelle"),
            hit("a-primavalle", "primavalle"),
            hit("b-primavalle", "primavalle"),
        ];
        nearest_first(&mut hits, &TerritoryId::new("primavalle"), &tree());
        assert_eq!(order(&hits), ["a-primavalle", "b-primavalle", "house-centocelle"]);
    }

    #[test]
    fn the_rest_comes_by_distance_so_a_far_comune_never_comes_before_a_near_match() {
        let mut hits = vec![hit("latina", "latina"), hit("centocelle", "centocelle"), hit("ostia", "ostia")];
        nearest_first(&mut hits, &TerritoryId::new("primavalle"), &tree());
        assert_eq!(order(&hits), ["centocelle", "ostia", "latina"]);
        let mut hits = vec![hit("centocelle", "centocelle"), hit("primavalle", "primavalle"), hit("latina", "latina")];
        nearest_first(&mut hits, &TerritoryId::new("latina"), &tree());
        assert_eq!(order(&hits), ["latina", "centocelle", "primavalle"]);
    }

    #[test]
    fn a_place_that_holds_others_keeps_all_of_them_first() {
        let mut hits = vec![hit("latina", "latina"), hit("ostia", "ostia"), hit("centocelle", "centocelle")];
        nearest_first(&mut hits, &TerritoryId::new("roma"), &tree());
        assert_eq!(order(&hits), ["ostia", "centocelle", "latina"]);
    }
}
