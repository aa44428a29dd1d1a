//! Who may act in a room, and who may not be sanctioned. Moderators and staff of a territory
//! act in rooms of that territory and its subtree (admins everywhere). Nobody sanctions staff or
//! admins, nor a moderator whose territory is not strictly inside one the actor moderates,
//! staffs or administers (so a moderator never sanctions a peer or someone wider).

use vicinato_domain::{Person, Role, TerritoryId, TerritoryTree};

/// Whether `actor` may moderate rooms of `territory`.
pub fn may_moderate(actor: &Person, territory: &TerritoryId, tree: &TerritoryTree) -> bool {
    actor.may(Role::Moderator, Some(territory), tree) || actor.may(Role::Staff, Some(territory), tree)
}

/// Whether `target` is out of `actor`'s reach.
pub fn protected(actor: &Person, target: &Person, tree: &TerritoryTree) -> bool {
    if target.roles.iter().any(|g| matches!(g.role, Role::Admin | Role::Staff)) {
        return true;
    }
    let actor_is_admin = actor.roles.iter().any(|g| g.role == Role::Admin);
    target.roles.iter().filter(|g| g.role == Role::Moderator).any(|g| match &g.territory {
        None => !actor_is_admin,
        Some(m) => !actor_is_admin && !wider(actor, m, tree),
    })
}

/// Whether the actor holds moderator or staff in a territory strictly containing `inner`.
fn wider(actor: &Person, inner: &TerritoryId, tree: &TerritoryTree) -> bool {
    actor.roles.iter().filter(|g| matches!(g.role, Role::Moderator | Role::Staff)).any(|g| match &g.territory {
        None => true,
        Some(outer) => outer != inner && tree.contains(outer, inner),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use vicinato_domain::territory::fixtures::small_tree;
    use vicinato_domain::{PersonId, RoleGrant};

    fn person(id: i64, roles: &[(Role, Option<&str>)]) -> Person {
        Person {
            id: PersonId(id),
            display_name: format!("p{id}"),
            language: None,
            home: None,
            interests: vec![],
            roles: roles
                .iter()
                .map(|(role, t)| RoleGrant { role: *role, territory: t.map(TerritoryId::new) })
                .collect(),
            accounts: vec![],
            onboarded: true,
        }
    }

    #[test]
    fn a_moderator_acts_in_the_subtree_of_their_territory_only() {
        let tree = small_tree();
        let m = person(1, &[(Role::Moderator, Some("roma-m05"))]);
        assert!(may_moderate(&m, &TerritoryId::new("centocelle"), &tree));
        assert!(!may_moderate(&m, &TerritoryId::new("san-lorenzo"), &tree));
        assert!(!may_moderate(&person(2, &[]), &TerritoryId::new("centocelle"), &tree));
    }

    #[test]
    fn staff_admins_and_peers_are_protected_but_a_narrower_moderator_is_not() {
        let tree = small_tree();
        let wide = person(1, &[(Role::Moderator, Some("roma-m05"))]);
        let narrow = person(2, &[(Role::Moderator, Some("centocelle"))]);
        let peer = person(3, &[(Role::Moderator, Some("roma-m05"))]);
        let staff = person(4, &[(Role::Staff, Some("centocelle"))]);
        let admin = person(5, &[(Role::Admin, None)]);
        assert!(!protected(&wide, &narrow, &tree));
        assert!(protected(&narrow, &wide, &tree));
        assert!(protected(&wide, &peer, &tree));
        assert!(protected(&wide, &staff, &tree));
        assert!(protected(&admin, &staff, &tree));
        assert!(protected(&wide, &admin, &tree));
        assert!(!protected(&admin, &wide, &tree));
        assert!(!protected(&narrow, &person(6, &[]), &tree));
    }
}
