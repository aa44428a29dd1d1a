//! `/grant` and `/revoke`: roles by chat. Admins grant anything; staff may grant and revoke
//! moderators within their own territory. Everyone else is refused.

use crate::i18n::Msg;
use crate::{Reply, Turn};
use vicinato_domain::*;
use vicinato_store::StoreError;

pub async fn grant(
    turn: &mut Turn<'_>,
    role: Option<Role>,
    account: Option<String>,
    territory: Option<String>,
    give: bool,
) -> Result<Vec<Reply>, StoreError> {
    let tree = &turn.snapshot.tree;
    let actor = &turn.person;
    let is_admin = actor.roles.iter().any(|g| g.role == Role::Admin);
    if !is_admin && !actor.holds(Role::Staff) {
        return Ok(vec![Reply::id("not-allowed").private()]);
    }
    let (Some(role), Some(account)) = (role, account) else {
        return Ok(vec![Reply::id("grant-usage").private()]);
    };
    let territory = match territory {
        Some(t) => match tree.get(&TerritoryId::new(t.clone())) {
            Some(t) => Some(t.id.clone()),
            None => return Ok(vec![Reply::say(Msg::new("territory-unknown").text("territory", t)).private()]),
        },
        None => None,
    };
    if role != Role::Admin && role != Role::Resident && territory.is_none() {
        return Ok(vec![Reply::id("grant-needs-territory").private()]);
    }
    let allowed = is_admin || (role == Role::Moderator && actor.may(Role::Staff, territory.as_ref(), tree));
    if !allowed {
        return Ok(vec![Reply::id("not-allowed").private()]);
    }
    let Some(target) = Account::parse(&account) else {
        return Ok(vec![Reply::say(Msg::new("person-unknown").text("account", account)).private()]);
    };
    let Some(person) = turn.store().find_person(&target).await? else {
        return Ok(vec![Reply::say(Msg::new("person-unknown").text("account", account)).private()]);
    };
    let grant = RoleGrant { role, territory: if role == Role::Admin { None } else { territory } };
    let changed = if give {
        turn.store().grant_role(person.id, &grant, turn.now).await?
    } else {
        turn.store().revoke_role(person.id, &grant).await?
    };
    tracing::info!(actor = %actor.id, target = %person.id, role = role.as_str(), give, changed, "role change by chat");
    let id = match (give, changed) {
        (true, true) => "grant-done",
        (true, false) => "grant-already",
        (false, true) => "revoke-done",
        (false, false) => "revoke-missing",
    };
    Ok(vec![Reply::say(Msg::new(id).text("role", role.as_str()).text("name", person.display_name)).private()])
}
