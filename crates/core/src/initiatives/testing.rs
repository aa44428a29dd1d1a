//! What the tests of the initiatives use cases share: a real SQLite store in a temporary
//! folder, the small territory tree, default rules, people with homes and roles, and
//! initiatives put in a given status. Tests only.

use super::access::Context;
use chrono::{DateTime, TimeZone, Utc};
use std::sync::Arc;
use vicinato_domain::initiative::*;
use vicinato_domain::territory::fixtures::small_tree;
use vicinato_domain::{Account, Network, Person, Role, RoleGrant, TerritoryId, TerritoryTree};
use vicinato_store::{AuditEntry, NewInitiative, Store, Transition};

pub struct Fixture {
    store: Arc<dyn Store>,
    _dir: tempfile::TempDir,
    pub tree: TerritoryTree,
    pub rules: Rules,
    pub now: DateTime<Utc>,
    pub author: Person,
}

impl Fixture {
    pub async fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let store = vicinato_store::open(&format!("sqlite:{}/vicinato.db", dir.path().display())).await.unwrap();
        let now = Utc.with_ymd_and_hms(2026, 11, 28, 9, 0, 0).unwrap();
        let mut t =
            Fixture { store, _dir: dir, tree: small_tree(), rules: Rules::default(), now, author: placeholder() };
        t.author = t.resident("author").await;
        t
    }

    pub fn store(&self) -> &dyn Store {
        self.store.as_ref()
    }

    pub fn ctx(&self) -> Context<'_> {
        Context { tree: &self.tree, rules: &self.rules, per_hour: Default::default() }
    }

    /// A resident of Centocelle.
    pub async fn resident(&self, name: &str) -> Person {
        self.living_in(name, "centocelle").await
    }

    pub async fn living_in(&self, name: &str, home: &str) -> Person {
        let account = Account::new(Network::Console, name);
        let (mut p, _) = self.store.person_and_flow(&account, name, name, None, self.now).await.unwrap();
        p.home = Some(TerritoryId::new(home));
        p.onboarded = true;
        self.store.save_profile(&p).await.unwrap();
        self.store.person(p.id).await.unwrap().unwrap()
    }

    /// Someone holding a role in a territory.
    pub async fn with_role(&self, name: &str, role: Role, territory: &str) -> Person {
        let p = self.resident(name).await;
        let grant = RoleGrant { role, territory: Some(TerritoryId::new(territory)) };
        self.store.grant_role(p.id, &grant, self.now).await.unwrap();
        self.store.person(p.id).await.unwrap().unwrap()
    }

    /// The author's draft in Centocelle, ready to submit.
    pub async fn draft(&self) -> Initiative {
        self.draft_needing(3).await
    }

    /// The author's draft, needing `threshold` supports once published.
    pub async fn draft_needing(&self, threshold: u32) -> Initiative {
        let content = Content {
            title: "Orto condiviso".into(),
            description: "Un orto nel cortile della scuola, aperto a tutti.".into(),
            capacity: 1,
            ..Default::default()
        };
        let territory = TerritoryId::new("centocelle");
        let new = NewInitiative {
            author: self.author.id,
            territory_path: self.tree.path(&territory),
            territory,
            threshold,
            content,
        };
        self.store.initiative_create(&new, self.now).await.unwrap()
    }

    /// Moves an initiative to a status, as the system.
    pub async fn put(&self, ini: &Initiative, to: Status, deadline: Option<DateTime<Utc>>) -> Initiative {
        let transition = Transition {
            from: vec![ini.status],
            to,
            decision: None,
            deadline,
            outcome: None,
            audit: AuditEntry {
                at: self.now,
                actor: None,
                action: "test".into(),
                subject: format!("initiative:{}", ini.id),
                reason: None,
            },
        };
        self.store.initiative_transition(ini.id, &transition, self.now).await.unwrap().unwrap()
    }

    /// A published initiative needing `threshold` supports.
    pub async fn published(&self, threshold: u32) -> Initiative {
        let draft = self.draft_needing(threshold).await;
        let submitted = self.put(&draft, Status::Submitted, None).await;
        self.put(&submitted, Status::Published, Some(self.now + chrono::Duration::days(90))).await
    }
}

fn placeholder() -> Person {
    Person {
        id: vicinato_domain::PersonId(0),
        display_name: String::new(),
        language: None,
        home: None,
        interests: Vec::new(),
        roles: Vec::new(),
        accounts: Vec::new(),
        onboarded: false,
    }
}
