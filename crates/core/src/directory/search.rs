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
        let hits = run(&q, catalogue, store).await?;
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
        } else if let Some(parent) = q.category.as_ref().and_then(|c| catalogue.parent_category(c)).cloned() {
            q.category = Some(parent.clone());
            widened.push(Widening::Category(parent));
        } else if let Some(t) = q.territory.clone() {
            let tree = catalogue.tree();
            let parent = tree.get(&t).and_then(|t| t.parent.clone());
            // Widen up to the comune; past it, drop the place altogether.
            let comune_or_below =
                tree.get(&t).is_some_and(|t| matches!(t.kind, TerritoryKind::Municipio | TerritoryKind::Quartiere));
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

async fn run(
    q: &DirectoryQuery,
    catalogue: &(dyn Catalogue + Sync),
    store: &dyn Store,
) -> Result<Vec<SearchHit>, StoreError> {
    let spec = catalogue.spec(q, MAX_RESULTS * 2);
    let mut hits = store.search(&spec).await?;
    if let Some(window) = &q.open {
        // The store filters by weekly hours; holidays and closures are checked here.
        hits.retain(|h| window.admits(&h.schedule) && h.status == ServiceStatus::Active);
    }
    hits.truncate(MAX_RESULTS as usize);
    Ok(hits)
}
