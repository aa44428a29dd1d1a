//! Granting and revoking a role: the one rule behind `/grant` and `/revoke` in chat and
//! `vicinato admin grant` and `revoke` on the command line. An admin (or the operator at the
//! command line) may change any role; staff may give and take the moderator role within their
//! own territory; nobody else may change roles. Moderators and staff hold their role in a
//! territory; the admin role is held everywhere, so a territory given with it is dropped.
//! Names no chat, no network and no SQL.

use super::Refusal;
use chrono::{DateTime, Utc};
use vicinato_domain::{Account, Person, PersonId, Role, RoleGrant, TerritoryId, TerritoryTree};
use vicinato_store::{Store, StoreError};

/// Who asks for the change.
#[derive(Debug, Clone, Copy)]
pub enum By<'a> {
    /// Someone in a chat, with the roles they hold now.
    Person(&'a Person),
    /// The operator at the command line, who holds the database and so every right.
    Operator,
}

/// Whose role changes: an account on a network, or a person number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Account(Account),
    Number(PersonId),
}

impl Target {
    /// `NETWORK:ID` or a person number, as an operator types it; `None` for anything else.
    pub fn parse(text: &str) -> Option<Self> {
        match text.parse::<i64>() {
            Ok(n) => Some(Self::Number(PersonId(n))),
            Err(_) => Account::parse(text).map(Self::Account),
        }
    }

    fn said(&self) -> String {
        match self {
            Self::Account(a) => a.to_string(),
            Self::Number(id) => id.0.to_string(),
        }
    }
}

/// The change asked for.
#[derive(Debug, Clone)]
pub struct RoleChange {
    pub role: Role,
    pub target: Target,
    /// A territory code, as typed.
    pub territory: Option<String>,
    /// Give (`true`) or take away (`false`).
    pub give: bool,
}

/// What happened.
#[derive(Debug, Clone, PartialEq)]
pub struct RoleChanged {
    pub person: Person,
    pub grant: RoleGrant,
    pub give: bool,
    /// `false` when the person already had the role (give) or did not have it (take away).
    pub changed: bool,
}

/// Gives or takes away a role, if `by` may.
pub async fn change_role(
    by: By<'_>,
    change: RoleChange,
    store: &dyn Store,
    tree: &TerritoryTree,
    now: DateTime<Utc>,
) -> Result<Result<RoleChanged, Refusal>, StoreError> {
    let is_admin = match by {
        By::Operator => true,
        By::Person(p) => p.roles.iter().any(|g| g.role == Role::Admin),
    };
    if let By::Person(p) = by
        && !is_admin
        && !p.holds(Role::Staff)
    {
        return Ok(Err(Refusal::NotAllowed));
    }
    let territory = match &change.territory {
        Some(code) => match tree.get(&TerritoryId::new(code.clone())) {
            Some(t) => Some(t.id.clone()),
            None => return Ok(Err(Refusal::TerritoryUnknown { territory: code.clone() })),
        },
        None => None,
    };
    if matches!(change.role, Role::Moderator | Role::Staff) && territory.is_none() {
        return Ok(Err(Refusal::NeedsTerritory));
    }
    let allowed = match by {
        By::Operator => true,
        By::Person(p) => is_admin || (change.role == Role::Moderator && p.may(Role::Staff, territory.as_ref(), tree)),
    };
    if !allowed {
        return Ok(Err(Refusal::NotAllowed));
    }
    let found = match &change.target {
        Target::Account(a) => store.find_person(a).await?,
        Target::Number(id) => store.person(*id).await?,
    };
    let Some(person) = found else {
        return Ok(Err(Refusal::PersonUnknown { account: change.target.said() }));
    };
    let grant = RoleGrant { role: change.role, territory: if change.role == Role::Admin { None } else { territory } };
    let changed = if change.give {
        store.grant_role(person.id, &grant, now).await?
    } else {
        store.revoke_role(person.id, &grant).await?
    };
    Ok(Ok(RoleChanged { person, grant, give: change.give, changed }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use vicinato_store::SqlStore;
    use vicinato_store::prelude::*;

    struct World {
        store: SqlStore,
        tree: TerritoryTree,
        now: DateTime<Utc>,
    }

    async fn world() -> World {
        let store = SqlStore::open("sqlite::memory:").await.unwrap();
        let dataset = crate::demo::lazio().unwrap();
        store.replace_dataset(&dataset).await.unwrap();
        let tree = TerritoryTree::new(store.territories().await.unwrap()).unwrap();
        World { store, tree, now: Utc.with_ymd_and_hms(2026, 11, 28, 9, 0, 0).unwrap() }
    }

    impl World {
        async fn person(&self, id: &str, roles: &[RoleGrant]) -> Person {
            let account = Account::parse(&format!("console:{id}")).unwrap();
            let p = self.store.person_for_account(&account, id, self.now).await.unwrap();
            for g in roles {
                self.store.grant_role(p.id, g, self.now).await.unwrap();
            }
            self.store.person(p.id).await.unwrap().unwrap()
        }

        async fn change(
            &self,
            by: By<'_>,
            role: Role,
            who: &str,
            territory: Option<&str>,
        ) -> Result<RoleChanged, Refusal> {
            let change = RoleChange {
                role,
                target: Target::parse(&format!("console:{who}")).unwrap(),
                territory: territory.map(str::to_owned),
                give: true,
            };
            change_role(by, change, &self.store, &self.tree, self.now).await.unwrap()
        }
    }

    fn staff_of(t: &str) -> RoleGrant {
        RoleGrant { role: Role::Staff, territory: Some(TerritoryId::new(t)) }
    }

    #[tokio::test]
    async fn staff_may_make_a_moderator_in_their_territory_and_nowhere_else() {
        let w = world().await;
        let staff = w.person("sara", &[staff_of("roma-m05")]).await;
        w.person("luca", &[]).await;
        let done = w.change(By::Person(&staff), Role::Moderator, "luca", Some("centocelle")).await.unwrap();
        assert!(done.changed);
        let refused = w.change(By::Person(&staff), Role::Moderator, "luca", Some("ostia")).await;
        assert_eq!(refused, Err(Refusal::NotAllowed));
    }

    #[tokio::test]
    async fn staff_may_not_make_staff_and_residents_may_change_nothing() {
        let w = world().await;
        let staff = w.person("sara", &[staff_of("roma-m05")]).await;
        let resident = w.person("luca", &[]).await;
        assert_eq!(w.change(By::Person(&staff), Role::Staff, "luca", Some("roma-m05")).await, Err(Refusal::NotAllowed));
        assert_eq!(
            w.change(By::Person(&resident), Role::Moderator, "sara", Some("roma-m05")).await,
            Err(Refusal::NotAllowed)
        );
    }

    #[tokio::test]
    async fn the_operator_and_chat_admins_follow_the_same_territory_rules() {
        let w = world().await;
        let admin = w.person("ada", &[RoleGrant { role: Role::Admin, territory: None }]).await;
        w.person("luca", &[]).await;
        for by in [By::Operator, By::Person(&admin)] {
            assert_eq!(w.change(by, Role::Staff, "luca", None).await, Err(Refusal::NeedsTerritory));
            assert_eq!(
                w.change(by, Role::Staff, "luca", Some("atlantide")).await,
                Err(Refusal::TerritoryUnknown { territory: "atlantide".into() })
            );
            // The admin role is held everywhere: a territory given with it is dropped.
            let done = w.change(by, Role::Admin, "luca", Some("roma-m05")).await.unwrap();
            assert_eq!(done.grant, RoleGrant { role: Role::Admin, territory: None });
        }
    }

    #[tokio::test]
    async fn nobody_is_found_behind_an_account_that_never_wrote() {
        let w = world().await;
        assert_eq!(
            w.change(By::Operator, Role::Resident, "nobody", None).await,
            Err(Refusal::PersonUnknown { account: "console:nobody".into() })
        );
    }
}
