//! `/grant` and `/revoke` in chat: reads the command's words and calls the one rule,
//! [`vicinato_core::people::grant::change_role`], which the command line calls too; turns its
//! outcome or refusal into a private reply.

use crate::i18n::Msg;
use crate::{Reply, Turn};
use vicinato_core::people::grant::{By, RoleChange, Target, change_role};
use vicinato_domain::*;
use vicinato_store::StoreError;

pub async fn grant(
    turn: &mut Turn<'_>,
    role: Option<Role>,
    account: Option<String>,
    territory: Option<String>,
    give: bool,
) -> Result<Vec<Reply>, StoreError> {
    let actor = &turn.person;
    if !actor.roles.iter().any(|g| g.role == Role::Admin) && !actor.holds(Role::Staff) {
        return Ok(vec![Reply::refused(&vicinato_core::people::Refusal::NotAllowed).private()]);
    }
    let (Some(role), Some(account)) = (role, account) else {
        return Ok(vec![Reply::id("grant-usage").private()]);
    };
    let target = match Account::parse(&account) {
        Some(a) => Target::Account(a),
        None => {
            let refusal = vicinato_core::people::Refusal::PersonUnknown { account };
            return Ok(vec![Reply::refused(&refusal).private()]);
        }
    };
    let change = RoleChange { role, target, territory, give };
    let done = match change_role(By::Person(actor), change, turn.store(), &turn.snapshot.tree, turn.now).await? {
        Ok(done) => done,
        Err(refusal) => return Ok(vec![Reply::refused(&refusal).private()]),
    };
    tracing::info!(actor = %actor.id, target = %done.person.id, role = role.as_str(), give, changed = done.changed, "role change by chat");
    let id = match (give, done.changed) {
        (true, true) => "grant-done",
        (true, false) => "grant-already",
        (false, true) => "revoke-done",
        (false, false) => "revoke-missing",
    };
    Ok(vec![Reply::say(Msg::new(id).text("role", role.as_str()).text("name", done.person.display_name)).private()])
}
