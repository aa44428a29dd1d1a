//! `/association`: staff of a territory register associations active there and their members,
//! and say who may book spaces on an association's behalf. Without arguments it lists the
//! associations I manage or belong to. Every change checks the staff role in the
//! association's territory (or above it).

use crate::i18n::Msg;
use crate::{Block, Reply, Turn};
use vicinato_domain::*;
use vicinato_store::StoreError;

/// What `/association …` asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// No arguments: the associations I manage or belong to.
    List,
    /// `ID`: one association and its members.
    Show(String),
    /// `new ID AREA NAME…`
    New { id: String, territory: String, name: String },
    /// `add ID ACCOUNT [booker]`
    Add { id: String, account: String, may_book: bool },
    /// `remove ID ACCOUNT`
    Remove { id: String, account: String },
    /// Anything else: the usage.
    Usage,
}

impl Action {
    pub fn parse(args: Option<&str>) -> Self {
        let words: Vec<&str> = args.unwrap_or("").split_whitespace().collect();
        let verb = words.first().map(|w| w.to_lowercase());
        match (verb.as_deref(), words.len()) {
            (None, _) => Self::List,
            (Some("new" | "nuova" | "registra" | "register"), n) if n >= 4 => {
                Self::New { id: words[1].into(), territory: words[2].into(), name: words[3..].join(" ") }
            }
            (Some("add" | "aggiungi"), 3 | 4) => Self::Add {
                id: words[1].into(),
                account: words[2].into(),
                may_book: words.get(3).is_some_and(|w| matches!(w.to_lowercase().as_str(), "booker" | "prenota")),
            },
            (Some("remove" | "togli" | "rimuovi"), 3) => Self::Remove { id: words[1].into(), account: words[2].into() },
            (Some(_), 1) if !is_verb(&words[0].to_lowercase()) => Self::Show(words[0].into()),
            _ => Self::Usage,
        }
    }
}

fn is_verb(w: &str) -> bool {
    matches!(w, "new" | "nuova" | "registra" | "register" | "add" | "aggiungi" | "remove" | "togli" | "rimuovi")
}

fn may_manage(turn: &Turn<'_>, territory: &TerritoryId) -> bool {
    turn.person.may(Role::Staff, Some(territory), &turn.snapshot.tree)
}

pub async fn command(turn: &mut Turn<'_>, args: Option<&str>) -> Result<Vec<Reply>, StoreError> {
    match Action::parse(args) {
        Action::List => list(turn).await,
        Action::Show(id) => show(turn, &id).await,
        Action::New { id, territory, name } => register(turn, &id, &territory, &name).await,
        Action::Add { id, account, may_book } => member(turn, &id, &account, Some(may_book)).await,
        Action::Remove { id, account } => member(turn, &id, &account, None).await,
        Action::Usage => Ok(vec![usage(turn)]),
    }
}

fn usage(turn: &Turn<'_>) -> Reply {
    let id = if turn.person.holds(Role::Staff) { "association-usage-staff" } else { "association-usage" };
    Reply::id(id).private()
}

async fn list(turn: &mut Turn<'_>) -> Result<Vec<Reply>, StoreError> {
    let mine = turn.store().associations_of(turn.person.id).await?;
    let managed: Vec<Association> = if turn.person.holds(Role::Staff) {
        turn.store().associations().await?.into_iter().filter(|a| may_manage(turn, &a.territory)).collect()
    } else {
        Vec::new()
    };
    if mine.is_empty() && managed.is_empty() {
        return Ok(vec![usage(turn)]);
    }
    let mut reply = Reply::id("association-list-intro").private();
    for (a, m) in &mine {
        let role = if m.may_book { "association-role-booker" } else { "association-role-member" };
        reply.blocks.push(Block::Say(line(a).msg("role", Msg::new(role))));
    }
    for a in managed.iter().filter(|a| !mine.iter().any(|(m, _)| m.id == a.id)) {
        reply.blocks.push(Block::Say(line(a).msg("role", Msg::new("association-role-staff"))));
    }
    Ok(vec![reply])
}

fn line(a: &Association) -> Msg {
    Msg::new("association-line")
        .text("name", a.name.clone())
        .text("id", a.id.to_string())
        .text("area", a.territory.to_string())
}

/// The association an id names, if the person may manage it; else the reply to give.
async fn managed(turn: &Turn<'_>, raw: &str) -> Result<Result<Association, Reply>, StoreError> {
    let found = match AssociationId::parse(raw) {
        Ok(id) => turn.store().association(&id).await?,
        Err(_) => None,
    };
    let Some(a) = found else {
        return Ok(Err(Reply::say(Msg::new("association-unknown").text("id", raw.to_owned())).private()));
    };
    if !may_manage(turn, &a.territory) {
        return Ok(Err(Reply::id("not-allowed").private()));
    }
    Ok(Ok(a))
}

async fn show(turn: &mut Turn<'_>, raw: &str) -> Result<Vec<Reply>, StoreError> {
    let a = match managed(turn, raw).await? {
        Ok(a) => a,
        Err(reply) => return Ok(vec![reply]),
    };
    let mut reply = Reply::say(line(&a).msg("role", Msg::new("association-role-staff"))).private();
    let members = turn.store().association_members(&a.id).await?;
    if members.is_empty() {
        reply.blocks.push(Block::Say(Msg::new("association-no-members").text("id", a.id.to_string())));
    }
    for m in members {
        let Some(p) = turn.store().person(m.person).await? else { continue };
        let accounts = p.accounts.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
        let role = if m.may_book { "association-role-booker" } else { "association-role-member" };
        reply.blocks.push(Block::Say(
            Msg::new("association-member-line")
                .text("name", p.display_name)
                .text("accounts", accounts)
                .msg("role", Msg::new(role)),
        ));
    }
    Ok(vec![reply])
}

async fn register(turn: &mut Turn<'_>, raw: &str, territory: &str, name: &str) -> Result<Vec<Reply>, StoreError> {
    if !turn.person.holds(Role::Staff) {
        return Ok(vec![Reply::id("not-allowed").private()]);
    }
    let Ok(id) = AssociationId::parse(raw) else {
        return Ok(vec![Reply::say(Msg::new("association-bad-id").text("id", raw.to_owned())).private()]);
    };
    let Some(territory) = turn.snapshot.tree.get(&TerritoryId::new(territory)).map(|t| t.id.clone()) else {
        return Ok(vec![Reply::say(Msg::new("territory-unknown").text("territory", territory.to_owned())).private()]);
    };
    if !may_manage(turn, &territory) {
        return Ok(vec![Reply::id("not-allowed").private()]);
    }
    if let Some(existing) = turn.store().association(&id).await?
        && !may_manage(turn, &existing.territory)
    {
        return Ok(vec![Reply::id("not-allowed").private()]);
    }
    let name: String = name.trim().chars().take(120).collect();
    let a = Association { id, name, territory, created_at: turn.now };
    let created = turn.store().association_put(&a).await?;
    tracing::info!(actor = %turn.person.id, association = %a.id, created, "association registered by chat");
    let id = if created { "association-registered" } else { "association-updated" };
    Ok(vec![Reply::say(Msg::new(id).text("name", a.name.clone()).text("id", a.id.to_string())).private()])
}

/// Adds a member (`Some(may_book)`) or removes one (`None`).
async fn member(turn: &mut Turn<'_>, raw: &str, account: &str, add: Option<bool>) -> Result<Vec<Reply>, StoreError> {
    let a = match managed(turn, raw).await? {
        Ok(a) => a,
        Err(reply) => return Ok(vec![reply]),
    };
    let person = match Account::parse(account) {
        Some(acc) => turn.store().find_person(&acc).await?,
        None => None,
    };
    let Some(person) = person else {
        return Ok(vec![Reply::say(Msg::new("person-unknown").text("account", account.to_owned())).private()]);
    };
    let (id, changed) = match add {
        Some(may_book) => {
            let m = Membership { association: a.id.clone(), person: person.id, may_book };
            turn.store().association_member_put(&m, turn.now).await?;
            (if may_book { "association-booker-added" } else { "association-member-added" }, true)
        }
        None => {
            let removed = turn.store().association_member_remove(&a.id, person.id).await?;
            (if removed { "association-member-removed" } else { "association-not-member" }, removed)
        }
    };
    tracing::info!(actor = %turn.person.id, association = %a.id, target = %person.id, changed, "association member change by chat");
    Ok(vec![Reply::say(Msg::new(id).text("name", person.display_name).text("association", a.name)).private()])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn association_commands_parse_in_both_languages() {
        assert_eq!(Action::parse(None), Action::List);
        assert_eq!(
            Action::parse(Some("nuova orti-uniti centocelle Orti Uniti di Centocelle")),
            Action::New {
                id: "orti-uniti".into(),
                territory: "centocelle".into(),
                name: "Orti Uniti di Centocelle".into()
            }
        );
        assert_eq!(
            Action::parse(Some("aggiungi orti-uniti telegram:42 prenota")),
            Action::Add { id: "orti-uniti".into(), account: "telegram:42".into(), may_book: true }
        );
        assert_eq!(
            Action::parse(Some("add orti-uniti console:ada")),
            Action::Add { id: "orti-uniti".into(), account: "console:ada".into(), may_book: false }
        );
        assert_eq!(
            Action::parse(Some("remove orti-uniti console:ada")),
            Action::Remove { id: "orti-uniti".into(), account: "console:ada".into() }
        );
        assert_eq!(Action::parse(Some("orti-uniti")), Action::Show("orti-uniti".into()));
    }

    #[test]
    fn incomplete_association_commands_get_the_usage() {
        assert_eq!(Action::parse(Some("new orti-uniti centocelle")), Action::Usage);
        assert_eq!(Action::parse(Some("add orti-uniti")), Action::Usage);
        assert_eq!(Action::parse(Some("remove")), Action::Usage);
        assert_eq!(Action::parse(Some("orti uniti")), Action::Usage);
    }
}
