//! Resolving an announcement's recipients when its time comes: the audience as it is then,
//! one copy per person, in their language, on an account a bot of this process reaches
//! (preferring one the network has not reported unreachable, and the bot it last wrote to).
//! People who opted out of the topic, and people no bot reaches, get a copy recorded as such
//! and are never sent one. Running it again adds nobody twice.
//!
//! Where the audience asks for them, the linked rooms of the scope (its general and
//! announcements rooms, never a moderators room; every territory's for an announcement to
//! everywhere) get one copy each, through the first bot of the room's network
//! ([`expand_rooms`]); a room no bot of this process reaches is recorded unreachable.

use chrono::{DateTime, Utc};
use vicinato_domain::rooms::Room;
use vicinato_domain::{
    Announcement, AnnouncementId, AnnouncementState, Audience, CopyState, Lang, Network, Recipient, RoomCopy,
    TerritoryId, TerritoryTree, room_gets_announcements,
};
use vicinato_store::{Candidate, Store, StoreError};

/// What an expansion found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Expanded {
    /// Copies added now (0 when run again).
    pub added: u64,
    /// People in the audience.
    pub people: usize,
}

/// The copy for one person of the audience, given the bots of this process (network and
/// channel, in order: the first of a network is its default).
pub fn copy_for(
    announcement: AnnouncementId,
    candidate: &Candidate,
    channels: &[(Network, String)],
    default_lang: Lang,
) -> Recipient {
    let served = |n: Network| channels.iter().any(|(m, _)| *m == n);
    let reachable: Vec<_> = candidate.accounts.iter().filter(|a| served(a.account.network)).collect();
    let best = reachable
        .iter()
        .find(|a| !a.unreachable && a.channel.as_ref().is_some_and(|c| channels.iter().any(|(_, k)| k == c)))
        .or_else(|| reachable.iter().find(|a| !a.unreachable))
        .or_else(|| reachable.first())
        .copied();
    let state = match best {
        _ if candidate.opted_out => CopyState::OptedOut,
        None => CopyState::Unreachable,
        Some(a) if a.unreachable => CopyState::Unreachable,
        Some(_) => CopyState::Queued,
    };
    let account = best.or(candidate.accounts.first());
    let network = account.map(|a| a.account.network).unwrap_or(Network::Console);
    let channel = account
        .and_then(|a| a.channel.clone().filter(|c| channels.iter().any(|(n, k)| *n == network && k == c)))
        .or_else(|| channels.iter().find(|(n, _)| *n == network).map(|(_, c)| c.clone()))
        .unwrap_or_else(|| network.as_str().to_owned());
    Recipient {
        announcement,
        person: candidate.person,
        network,
        channel,
        chat: account.map(|a| a.account.external_id.clone()).unwrap_or_default(),
        lang: candidate.language.unwrap_or(default_lang),
        state,
        sent_at: None,
        message_id: None,
        version: 0,
        room: None,
    }
}

/// The rooms an audience reaches: none unless it asks for rooms; else the linked rooms of its
/// scope's subtree (of every territory, for everywhere) that get announcements.
pub async fn target_rooms(
    audience: &Audience,
    store: &dyn Store,
    tree: &TerritoryTree,
) -> Result<Vec<Room>, StoreError> {
    if !audience.rooms.rooms() {
        return Ok(Vec::new());
    }
    let territories: Vec<TerritoryId> = match &audience.territory {
        Some(t) => tree.subtree(t),
        None => tree.all().iter().map(|t| t.id.clone()).collect(),
    };
    let mut rooms = store.rooms_in(&territories).await?;
    rooms.retain(|r| room_gets_announcements(r.purpose));
    Ok(rooms)
}

/// The copy for one room, through the first bot of its network (unreachable when this
/// process runs none).
pub fn room_copy_for(announcement: AnnouncementId, room: &Room, channels: &[(Network, String)]) -> RoomCopy {
    let channel = channels.iter().find(|(n, _)| *n == room.network).map(|(_, c)| c.clone());
    RoomCopy {
        announcement,
        network: room.network,
        state: if channel.is_some() { CopyState::Queued } else { CopyState::Unreachable },
        channel: channel.unwrap_or_else(|| room.network.as_str().to_owned()),
        chat: room.chat_id.clone(),
        sent_at: None,
        message_id: None,
        version: 0,
        edit: None,
    }
}

/// Records the room copies of a scheduled (or, run again, sending) announcement; the caller
/// expands its people next ([`expand`]). Returns how many were added (0 when run again).
pub async fn expand_rooms(
    announcement: &Announcement,
    store: &dyn Store,
    tree: &TerritoryTree,
    channels: &[(Network, String)],
) -> Result<u64, StoreError> {
    if !matches!(announcement.state, AnnouncementState::Scheduled | AnnouncementState::Sending) {
        return Ok(0);
    }
    let rooms = target_rooms(&announcement.audience, store, tree).await?;
    let copies: Vec<RoomCopy> = rooms.iter().map(|r| room_copy_for(announcement.id, r, channels)).collect();
    store.room_copies_add(&copies).await
}

/// Resolves and records the recipients of a scheduled (or, run again, sending) announcement
/// and moves it to `sending`. A pending, cancelled or done announcement is left alone.
pub async fn expand(
    announcement: &Announcement,
    store: &dyn Store,
    channels: &[(Network, String)],
    default_lang: Lang,
    now: DateTime<Utc>,
) -> Result<Expanded, StoreError> {
    if !matches!(announcement.state, AnnouncementState::Scheduled | AnnouncementState::Sending) {
        return Ok(Expanded::default());
    }
    let candidates = if announcement.audience.rooms.people() {
        store.audience(&announcement.audience, &announcement.audience.topic(), now).await?
    } else {
        Vec::new()
    };
    let copies: Vec<Recipient> =
        candidates.iter().map(|c| copy_for(announcement.id, c, channels, default_lang)).collect();
    let added = store.recipients_add(&copies).await?;
    store
        .announcement_set_state(announcement.id, &[AnnouncementState::Scheduled], AnnouncementState::Sending, now)
        .await?;
    Ok(Expanded { added, people: candidates.len() })
}

/// How many people each network would reach now, and how many opted out or cannot be
/// reached: the estimate shown before confirming.
pub fn estimate(copies: &[Recipient]) -> Vec<(String, i64)> {
    let mut out: Vec<(String, i64)> = Vec::new();
    for c in copies {
        let key = match c.state {
            CopyState::Queued => c.network.as_str().to_owned(),
            ref other => other.as_str().to_owned(),
        };
        match out.iter_mut().find(|(k, _)| *k == key) {
            Some((_, n)) => *n += 1,
            None => out.push((key, 1)),
        }
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::super::compose::{Draft, compose};
    use super::super::status::status;
    use super::super::{By, cancel::cancel, opt_out};
    use super::*;
    use chrono::TimeZone;
    use vicinato_domain::territory::fixtures::small_tree;
    use vicinato_domain::{Account, AnnouncementTexts, Dataset, Person, Who};

    struct Fixture {
        store: std::sync::Arc<dyn Store>,
        _dir: tempfile::TempDir,
        now: DateTime<Utc>,
    }

    impl Fixture {
        async fn new() -> Self {
            let dir = tempfile::tempdir().unwrap();
            let store = vicinato_store::open(&format!("sqlite:{}/vicinato.db", dir.path().display())).await.unwrap();
            let ds = Dataset { territories: small_tree().all().to_vec(), ..Default::default() };
            store.replace_dataset(&ds).await.unwrap();
            Self { store, _dir: dir, now: Utc.with_ymd_and_hms(2026, 11, 28, 9, 0, 0).unwrap() }
        }

        async fn resident(&self, account: Account, home: &str, lang: Option<Lang>, bot: Option<&str>) -> Person {
            let chat = account.to_string();
            let (mut p, _) = self.store.person_and_flow(&account, "x", &chat, bot, self.now).await.unwrap();
            p.home = Some(TerritoryId::new(home));
            p.language = lang;
            self.store.save_profile(&p).await.unwrap();
            self.store.person(p.id).await.unwrap().unwrap()
        }
    }

    fn channels() -> Vec<(Network, String)> {
        vec![
            (Network::Telegram, "telegram:a".into()),
            (Network::Telegram, "telegram:b".into()),
            (Network::Matrix, "matrix:vicinato".into()),
        ]
    }

    #[tokio::test]
    async fn each_person_gets_one_copy_in_their_language_through_the_bot_they_last_wrote_to() {
        let f = Fixture::new().await;
        let ada =
            f.resident(Account::new(Network::Telegram, "1"), "centocelle", Some(Lang::En), Some("telegram:b")).await;
        let bob = f.resident(Account::new(Network::Matrix, "@bob:x"), "centocelle", None, None).await;
        let blocked = f.resident(Account::new(Network::Telegram, "3"), "centocelle", None, Some("telegram:a")).await;
        f.store.set_unreachable(&Account::new(Network::Telegram, "3"), Some(f.now)).await.unwrap();
        let quiet = f.resident(Account::new(Network::Telegram, "4"), "centocelle", None, None).await;
        opt_out::set(quiet.id, None, true, f.store.as_ref(), f.now).await.unwrap();
        let console = f.resident(Account::new(Network::Console, "carla"), "centocelle", None, None).await;
        let elsewhere = f.resident(Account::new(Network::Telegram, "5"), "san-lorenzo", None, None).await;

        let draft = Draft {
            texts: AnnouncementTexts { it: "Ciao".into(), en: Some("Hello".into()) },
            audience: Audience {
                territory: Some(TerritoryId::new("roma-m05")),
                who: Who::Home,
                rooms: vicinato_domain::RoomsTarget::None,
            },
            at: None,
            recurrence: None,
        };
        let a = compose(By::Operator, draft, f.store.as_ref(), &small_tree(), &[], chrono_tz::Europe::Rome, f.now)
            .await
            .unwrap()
            .unwrap();
        let done = expand(&a, f.store.as_ref(), &channels(), Lang::It, f.now).await.unwrap();
        assert_eq!(done, Expanded { added: 5, people: 5 });
        let again = expand(&a, f.store.as_ref(), &channels(), Lang::It, f.now).await.unwrap();
        assert_eq!(again.added, 0, "run again, nobody twice");
        let copies = f.store.recipients(a.id, None, 100).await.unwrap();
        let of = |p: &Person| copies.iter().find(|c| c.person == p.id).cloned().unwrap();
        let ada_copy = of(&ada);
        assert_eq!((ada_copy.channel.as_str(), ada_copy.chat.as_str(), ada_copy.lang), ("telegram:b", "1", Lang::En));
        assert_eq!(ada_copy.state, CopyState::Queued);
        assert_eq!(
            (of(&bob).channel.as_str(), of(&bob).lang, of(&bob).state),
            ("matrix:vicinato", Lang::It, CopyState::Queued)
        );
        assert_eq!(of(&blocked).state, CopyState::Unreachable);
        assert_eq!(of(&quiet).state, CopyState::OptedOut);
        assert_eq!(of(&console).state, CopyState::Unreachable, "no bot of this process reaches the console");
        assert!(copies.iter().all(|c| c.person != elsewhere.id));
        assert_eq!(
            estimate(&copies),
            [
                ("matrix".to_owned(), 1),
                ("opted_out".to_owned(), 1),
                ("telegram".to_owned(), 1),
                ("unreachable".to_owned(), 2)
            ]
        );

        let seen = status(By::Operator, a.id, f.store.as_ref(), &small_tree()).await.unwrap().unwrap();
        assert_eq!(seen.announcement.state, AnnouncementState::Sending);
        assert_eq!(
            (seen.total(), seen.count(Some(Network::Telegram), "queued"), seen.count(None, "unreachable")),
            (5, 1, 2)
        );
        let resident = By::Person(&ada);
        assert_eq!(
            status(resident, a.id, f.store.as_ref(), &small_tree()).await.unwrap(),
            Err(super::super::Refusal::NotAllowed)
        );
        assert_eq!(
            cancel(resident, a.id, f.store.as_ref(), &small_tree(), f.now).await.unwrap(),
            Err(super::super::Refusal::NotAllowed)
        );
        cancel(By::Operator, a.id, f.store.as_ref(), &small_tree(), f.now).await.unwrap().unwrap();
        assert_eq!(
            cancel(By::Operator, a.id, f.store.as_ref(), &small_tree(), f.now).await.unwrap(),
            Err(super::super::Refusal::Closed { id: a.id.0 })
        );
        let after = f.store.announcement(a.id).await.unwrap().unwrap();
        assert_eq!(expand(&after, f.store.as_ref(), &channels(), Lang::It, f.now).await.unwrap().added, 0);
    }
}
