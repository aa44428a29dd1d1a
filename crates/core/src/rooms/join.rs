//! Joining a room by request: the rule behind a network's join request (Telegram's
//! `chat_join_request` after a personal invite link) and the answers to the questions asked
//! before joining. A person banned in the room's territory (or above it) is declined at once,
//! and told why and until when; anyone else is asked the territory's questions one by one,
//! and approved when every answer is yes, declined at the first no. The questions answered so
//! far are kept in a join case (`j:<network>:<chat>:<person>`), so a forged or old button
//! cannot skip one. Every decision is in the moderation log.

use super::texts::questions_for;
use super::{Place, Refusal};
use chrono::{DateTime, Utc};
use vicinato_domain::rooms::{
    Case, CaseKind, Closed, ModEntry, Room, RoomAction, RoomActionKind, Sanction, SanctionKind,
};
use vicinato_domain::{Account, Lang, Person, TerritoryTree};
use vicinato_store::{Store, StoreError};

/// The most questions asked before joining.
pub const MAX_QUESTIONS: usize = 5;

/// A question asked before joining.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Question {
    /// "Do you live or work in this area?", the default first one.
    LiveOrWork,
    /// "Do you accept the rules?", the default second one.
    AcceptRules,
    /// One the territory set.
    Set(String),
}

/// The questions of a room, in the person's language.
async fn questions(
    room: &Room,
    lang: Lang,
    store: &dyn Store,
    tree: &TerritoryTree,
) -> Result<Vec<Question>, StoreError> {
    Ok(match questions_for(room, lang, store, tree).await? {
        Some(set) if !set.is_empty() => set.into_iter().take(MAX_QUESTIONS).map(Question::Set).collect(),
        _ => vec![Question::LiveOrWork, Question::AcceptRules],
    })
}

/// A request to join a room, as the network tells it.
#[derive(Debug, Clone)]
pub struct JoinRequest {
    /// The room asked for (a group, on the network of the request).
    pub room: Place,
    /// Who asks, with the name the network shows.
    pub member: Account,
    pub name: String,
}

/// What the request brings.
#[derive(Debug, Clone)]
pub enum Asked {
    /// Banned in the room's territory: declined now.
    Banned { room: Room, ban: Sanction, actions: Vec<RoomAction> },
    /// The first question to answer (of `count`).
    Ask { room: Room, question: Question, index: u32, count: u32 },
}

/// The key of a person's join case for a room.
pub fn join_key(room: &Room, person: &Person) -> String {
    format!("j:{}:{}:{}", room.network, room.chat_id, person.id.0)
}

/// A ban that holds for the person in the room's territory now.
async fn ban_in(
    person: &Person,
    room: &Room,
    store: &dyn Store,
    tree: &TerritoryTree,
    now: DateTime<Utc>,
) -> Result<Option<Sanction>, StoreError> {
    Ok(store
        .sanctions_of(person.id)
        .await?
        .into_iter()
        .filter(|s| s.kind == SanctionKind::Ban && s.holds(now) && tree.contains(&s.territory, &room.territory))
        .max_by_key(|s| s.until.map_or(i64::MAX, |u| u.timestamp())))
}

fn entry(person: &Person, room: &Room, action: &str, reason: &str, now: DateTime<Utc>) -> ModEntry {
    ModEntry {
        at: now,
        actor: None,
        subject: Some(person.id),
        action: action.into(),
        reason: reason.into(),
        territory: room.territory.clone(),
        network: Some(room.network),
        chat: Some(room.chat_id.clone()),
        until: None,
    }
}

fn decide(room: &Room, member: &str, kind: RoomActionKind) -> RoomAction {
    RoomAction {
        network: room.network,
        chat_id: room.chat_id.clone(),
        member: member.to_owned(),
        kind,
        reason: String::new(),
    }
}

/// A person asks to join a room.
pub async fn request(
    person: &Person,
    input: JoinRequest,
    store: &dyn Store,
    tree: &TerritoryTree,
    lang: Lang,
    now: DateTime<Utc>,
) -> Result<Result<Asked, Refusal>, StoreError> {
    let Some(room) = store.room(input.room.network, &input.room.chat_id).await? else {
        return Ok(Err(Refusal::NotLinked));
    };
    if let Some(ban) = ban_in(person, &room, store, tree, now).await? {
        store.moderation_log_add(&entry(person, &room, "join-declined", "banned", now)).await?;
        let actions = vec![decide(&room, &input.member.external_id, RoomActionKind::DeclineJoin)];
        return Ok(Ok(Asked::Banned { room, ban, actions }));
    }
    let asked = questions(&room, lang, store, tree).await?;
    let case = Case {
        key: join_key(&room, person),
        kind: CaseKind::Join,
        territory: room.territory.clone(),
        network: room.network,
        chat_id: room.chat_id.clone(),
        by: person.id,
        subject: person.id,
        subject_account: input.member.external_id.clone(),
        subject_name: input.name.clone(),
        message_id: None,
        text: String::new(),
        reason: String::new(),
        sanction: None,
        acted_by: None,
        answered: 0,
        media: None,
        at: now,
        closed: None,
    };
    store.case_put(&case, Some(&entry(person, &room, "join-request", "", now))).await?;
    let count = asked.len() as u32;
    let question = asked.into_iter().next().unwrap_or(Question::AcceptRules);
    Ok(Ok(Asked::Ask { room, question, index: 0, count }))
}

/// What an answer brings.
#[derive(Debug, Clone)]
pub enum Answered {
    /// The next question.
    Next { room: Room, question: Question, index: u32, count: u32 },
    /// Every answer was yes: approved.
    Approved { room: Room, actions: Vec<RoomAction> },
    /// A no: declined.
    Declined { room: Room, actions: Vec<RoomAction> },
    /// Banned meanwhile: declined.
    Banned { room: Room, ban: Sanction, actions: Vec<RoomAction> },
}

/// The answer to question `index` of the person's request to join the room `chat_id`.
#[allow(clippy::too_many_arguments)]
pub async fn answer(
    person: &Person,
    room: &Place,
    index: u32,
    yes: bool,
    store: &dyn Store,
    tree: &TerritoryTree,
    lang: Lang,
    now: DateTime<Utc>,
) -> Result<Result<Answered, Refusal>, StoreError> {
    let Some(room) = store.room(room.network, &room.chat_id).await? else {
        return Ok(Err(Refusal::NotLinked));
    };
    let Some(mut case) = store.case(&join_key(&room, person)).await? else {
        return Ok(Err(Refusal::CaseClosed));
    };
    if case.closed.is_some() || case.answered != index {
        return Ok(Err(Refusal::CaseClosed));
    }
    let member = case.subject_account.clone();
    let close = |case: &Case, action: &str| Case {
        closed: Some(Closed { by: None, action: action.into(), at: now }),
        ..case.clone()
    };
    if !yes {
        if !store.case_close(&close(&case, "declined"), &entry(person, &room, "join-declined", "answer", now)).await? {
            return Ok(Err(Refusal::CaseClosed));
        }
        let actions = vec![decide(&room, &member, RoomActionKind::DeclineJoin)];
        return Ok(Ok(Answered::Declined { room, actions }));
    }
    let asked = questions(&room, lang, store, tree).await?;
    let count = asked.len() as u32;
    if index + 1 < count {
        case.answered = index + 1;
        if !store.case_update(&case).await? {
            return Ok(Err(Refusal::CaseClosed));
        }
        let question = asked[(index + 1) as usize].clone();
        return Ok(Ok(Answered::Next { room, question, index: index + 1, count }));
    }
    if let Some(ban) = ban_in(person, &room, store, tree, now).await? {
        store.case_close(&close(&case, "declined"), &entry(person, &room, "join-declined", "banned", now)).await?;
        let actions = vec![decide(&room, &member, RoomActionKind::DeclineJoin)];
        return Ok(Ok(Answered::Banned { room, ban, actions }));
    }
    if !store.case_close(&close(&case, "approved"), &entry(person, &room, "join-approved", "", now)).await? {
        return Ok(Err(Refusal::CaseClosed));
    }
    let actions = vec![decide(&room, &member, RoomActionKind::ApproveJoin)];
    Ok(Ok(Answered::Approved { room, actions }))
}
