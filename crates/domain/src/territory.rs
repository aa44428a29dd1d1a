//! Territories as a tree: region → province or metropolitan city → comune → municipio →
//! quartiere, with demographic facts where known.

use super::ids::TerritoryId;
use super::text::fold;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TerritoryKind {
    Region,
    Province,
    MetroCity,
    Comune,
    Municipio,
    Quartiere,
}

impl TerritoryKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Region => "region",
            Self::Province => "province",
            Self::MetroCity => "metro_city",
            Self::Comune => "comune",
            Self::Municipio => "municipio",
            Self::Quartiere => "quartiere",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Region, Self::Province, Self::MetroCity, Self::Comune, Self::Municipio, Self::Quartiere]
            .into_iter()
            .find(|k| k.as_str() == raw.trim())
    }

    /// Depth in the usual hierarchy; a child must be deeper than its parent.
    pub fn rank(self) -> u8 {
        match self {
            Self::Region => 0,
            Self::Province | Self::MetroCity => 1,
            Self::Comune => 2,
            Self::Municipio => 3,
            Self::Quartiere => 4,
        }
    }
}

/// A point on the map, in degrees.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GeoPoint {
    pub lat: f64,
    pub lon: f64,
}

impl GeoPoint {
    /// Great-circle distance in kilometres.
    pub fn distance_km(self, other: GeoPoint) -> f64 {
        let (p1, p2) = (self.lat.to_radians(), other.lat.to_radians());
        let dp = p2 - p1;
        let dl = (other.lon - self.lon).to_radians();
        let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
        6371.0 * 2.0 * a.sqrt().asin()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Demographics {
    pub population: Option<u64>,
    /// Share of residents aged over 65, from 0 to 1.
    pub over_65: Option<f64>,
    /// Share of foreign residents, from 0 to 1.
    pub foreign: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Territory {
    pub id: TerritoryId,
    pub kind: TerritoryKind,
    pub name: String,
    pub parent: Option<TerritoryId>,
    pub aliases: Vec<String>,
    pub demographics: Demographics,
    pub centroid: Option<GeoPoint>,
}

/// Why a set of territories is not a tree.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TreeError {
    #[error("territory `{0}` appears twice")]
    Duplicate(TerritoryId),
    #[error("territory `{child}` names parent `{parent}`, which does not exist")]
    MissingParent { child: TerritoryId, parent: TerritoryId },
    #[error("territory `{child}` ({child_kind}) cannot sit under `{parent}` ({parent_kind})")]
    BadNesting { child: TerritoryId, child_kind: &'static str, parent: TerritoryId, parent_kind: &'static str },
    #[error("territory `{0}` has a share outside 0..1")]
    BadShare(TerritoryId),
}

/// All territories, indexed for walking up and down.
#[derive(Debug, Clone, Default)]
pub struct TerritoryTree {
    nodes: Vec<Territory>,
    index: HashMap<TerritoryId, usize>,
    children: HashMap<TerritoryId, Vec<usize>>,
}

impl TerritoryTree {
    /// Builds the tree, checking that parents exist, ids are unique and nesting goes down.
    pub fn new(territories: Vec<Territory>) -> Result<Self, TreeError> {
        let mut index = HashMap::new();
        for (i, t) in territories.iter().enumerate() {
            if index.insert(t.id.clone(), i).is_some() {
                return Err(TreeError::Duplicate(t.id.clone()));
            }
            let share_ok = |s: Option<f64>| s.is_none_or(|v| (0.0..=1.0).contains(&v));
            if !share_ok(t.demographics.over_65) || !share_ok(t.demographics.foreign) {
                return Err(TreeError::BadShare(t.id.clone()));
            }
        }
        let mut children: HashMap<TerritoryId, Vec<usize>> = HashMap::new();
        for (i, t) in territories.iter().enumerate() {
            if let Some(parent) = &t.parent {
                let Some(&p) = index.get(parent) else {
                    return Err(TreeError::MissingParent { child: t.id.clone(), parent: parent.clone() });
                };
                let pk = territories[p].kind;
                if pk.rank() >= t.kind.rank() {
                    return Err(TreeError::BadNesting {
                        child: t.id.clone(),
                        child_kind: t.kind.as_str(),
                        parent: parent.clone(),
                        parent_kind: pk.as_str(),
                    });
                }
                children.entry(parent.clone()).or_default().push(i);
            }
        }
        Ok(Self { nodes: territories, index, children })
    }

    pub fn get(&self, id: &TerritoryId) -> Option<&Territory> {
        self.index.get(id).map(|&i| &self.nodes[i])
    }

    pub fn all(&self) -> &[Territory] {
        &self.nodes
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    pub fn roots(&self) -> impl Iterator<Item = &Territory> {
        self.nodes.iter().filter(|t| t.parent.is_none())
    }

    pub fn children(&self, id: &TerritoryId) -> Vec<&Territory> {
        self.children.get(id).map(|v| v.iter().map(|&i| &self.nodes[i]).collect()).unwrap_or_default()
    }

    /// The territory and all its ancestors, nearest first.
    pub fn ancestors_and_self(&self, id: &TerritoryId) -> Vec<&Territory> {
        let mut out = Vec::new();
        let mut cur = self.get(id);
        while let Some(t) = cur {
            out.push(t);
            cur = t.parent.as_ref().and_then(|p| self.get(p));
            if out.len() > 16 {
                break;
            }
        }
        out
    }

    /// The territory and everything beneath it.
    pub fn subtree(&self, id: &TerritoryId) -> Vec<TerritoryId> {
        let mut out = Vec::new();
        let mut stack = vec![id.clone()];
        while let Some(t) = stack.pop() {
            if let Some(kids) = self.children.get(&t) {
                stack.extend(kids.iter().map(|&i| self.nodes[i].id.clone()));
            }
            out.push(t);
        }
        out
    }

    /// Whether `inner` is `outer` or lies beneath it.
    pub fn contains(&self, outer: &TerritoryId, inner: &TerritoryId) -> bool {
        self.ancestors_and_self(inner).iter().any(|t| &t.id == outer)
    }

    /// The materialised path `/lazio/citta-metropolitana-roma/roma/roma-m05/`, root first, used
    /// by the store for prefix filters.
    pub fn path(&self, id: &TerritoryId) -> String {
        let mut parts: Vec<&str> = self.ancestors_and_self(id).iter().map(|t| t.id.as_str()).collect();
        parts.reverse();
        format!("/{}/", parts.join("/"))
    }

    /// A centroid for a territory: its own, else its nearest ancestor's.
    pub fn centroid(&self, id: &TerritoryId) -> Option<GeoPoint> {
        self.ancestors_and_self(id).iter().find_map(|t| t.centroid)
    }

    /// Finds territories named in a folded text, by name or alias, longest names first, so
    /// "san lorenzo" wins over "lorenzo". Returns the id and the folded name that matched, in
    /// the order they appear in the text.
    pub fn names_in(&self, folded_text: &str) -> Vec<(TerritoryId, String)> {
        let padded = format!(" {folded_text} ");
        let mut names: Vec<(String, &TerritoryId)> = Vec::new();
        for t in &self.nodes {
            names.push((fold(&t.name), &t.id));
            for a in &t.aliases {
                names.push((fold(a), &t.id));
            }
        }
        names.sort_by_key(|n| std::cmp::Reverse(n.0.len()));
        let mut found = Vec::new();
        let mut consumed = padded.clone();
        for (name, id) in names {
            if name.is_empty() {
                continue;
            }
            let needle = format!(" {name} ");
            if let Some(pos) = consumed.find(&needle) {
                consumed.replace_range(pos + 1..pos + needle.len() - 1, &"#".repeat(needle.len() - 2));
                found.push((pos, id.clone(), name));
            }
        }
        found.sort_by_key(|(pos, _, _)| *pos);
        found.into_iter().map(|(_, id, name)| (id, name)).collect()
    }
}

/// A small tree of territories for tests (Lazio down to two quartieri of Roma), shared with the
/// crates above through the `fixtures` feature, which no product build enables.
#[cfg(any(test, feature = "fixtures"))]
pub mod fixtures {
    use super::*;

    pub fn t(id: &str, kind: TerritoryKind, parent: Option<&str>, name: &str, aliases: &[&str]) -> Territory {
        Territory {
            id: TerritoryId::new(id),
            kind,
            name: name.into(),
            parent: parent.map(TerritoryId::new),
            aliases: aliases.iter().map(|s| s.to_string()).collect(),
            demographics: Demographics::default(),
            centroid: None,
        }
    }

    pub fn small_tree() -> TerritoryTree {
        use TerritoryKind::*;
        TerritoryTree::new(vec![
            t("lazio", Region, None, "Lazio", &[]),
            t("rm", MetroCity, Some("lazio"), "Città metropolitana di Roma", &[]),
            t("roma", Comune, Some("rm"), "Roma", &["rome"]),
            t("roma-m05", Municipio, Some("roma"), "Municipio V", &["municipio 5"]),
            t("centocelle", Quartiere, Some("roma-m05"), "Centocelle", &[]),
            t("san-lorenzo", Quartiere, Some("roma"), "San Lorenzo", &[]),
        ])
        .unwrap()
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::{small_tree, t};
    use super::*;

    #[test]
    fn subtree_and_path_walk_the_tree() {
        let tree = small_tree();
        let sub = tree.subtree(&TerritoryId::new("roma-m05"));
        assert_eq!(sub.len(), 2);
        assert_eq!(tree.path(&TerritoryId::new("centocelle")), "/lazio/rm/roma/roma-m05/centocelle/");
        assert!(tree.contains(&TerritoryId::new("roma"), &TerritoryId::new("centocelle")));
    }

    #[test]
    fn names_are_found_longest_first_with_aliases() {
        let tree = small_tree();
        let found = tree.names_in("un corso a san lorenzo o nel municipio 5");
        let ids: Vec<_> = found.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(ids, ["san-lorenzo", "roma-m05"]);
    }

    #[test]
    fn a_missing_parent_is_named() {
        let err = TerritoryTree::new(vec![t("x", TerritoryKind::Comune, Some("nowhere"), "X", &[])]).unwrap_err();
        assert!(err.to_string().contains("nowhere"));
    }

    #[test]
    fn a_quartiere_cannot_hold_a_comune() {
        use TerritoryKind::*;
        let err = TerritoryTree::new(vec![t("q", Quartiere, None, "Q", &[]), t("c", Comune, Some("q"), "C", &[])]);
        assert!(matches!(err, Err(TreeError::BadNesting { .. })));
    }
}
