//! Finding a person's direct chat with the bot. The sdk's own answer (the `m.direct` account
//! data) can miss rooms: when many people invite the bot at once, the sdk marks each room it
//! joins as direct by rewriting the whole list from what it last synced, so a later write drops
//! an earlier room, and the bot would open a second chat with that person. So the bot also
//! remembers the direct chat each person wrote in and, when neither knows, looks once through
//! its joined rooms for one it shares with that person alone (never a Space or a room linked to
//! a territory) before it opens a new one.

use anyhow::Context;
use matrix_sdk::ruma::{OwnedRoomId, OwnedUserId, RoomId, UserId};
use matrix_sdk::{Client, Room, RoomState};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use vicinato_domain::Network;
use vicinato_store::Store;

/// A look through the joined rooms is not repeated sooner than this.
const LOOK_AGAIN: Duration = Duration::from_secs(10);

/// The direct chats the bot knows, by person.
#[derive(Debug, Default)]
pub struct DirectChats {
    known: Mutex<HashMap<OwnedUserId, OwnedRoomId>>,
    looked: tokio::sync::Mutex<Option<Instant>>,
}

impl DirectChats {
    /// `user` wrote to the bot in `room`, a direct chat.
    pub fn note(&self, user: &UserId, room: &RoomId) {
        self.lock().insert(user.to_owned(), room.to_owned());
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<OwnedUserId, OwnedRoomId>> {
        self.known.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The remembered direct chat with `user`, while the bot is still in it.
    fn remembered(&self, client: &Client, user: &UserId) -> Option<Room> {
        let id = self.lock().get(user).cloned()?;
        client.get_room(&id).filter(|r| r.state() == RoomState::Joined)
    }

    /// The person's direct chat with the bot, opened (and the person invited) when there is
    /// none.
    pub async fn find(&self, client: &Client, store: &dyn Store, user: &UserId) -> anyhow::Result<Room> {
        if let Some(room) = self.remembered(client, user) {
            return Ok(room);
        }
        if let Some(room) = client.get_dm_room(user) {
            self.note(user, room.room_id());
            return Ok(room);
        }
        {
            let mut looked = self.looked.lock().await;
            if looked.is_none_or(|at| at.elapsed() >= LOOK_AGAIN) {
                self.look(client, store).await;
                *looked = Some(Instant::now());
            }
        }
        if let Some(room) = self.remembered(client, user) {
            return Ok(room);
        }
        let room = client.create_dm(user).await.with_context(|| format!("cannot open a direct chat with {user}"))?;
        self.note(user, room.room_id());
        Ok(room)
    }

    /// Remembers, for every joined room the bot shares with one other member (not a Space, not
    /// a linked room), that member's direct chat, unless one is known already.
    async fn look(&self, client: &Client, store: &dyn Store) {
        let me = client.user_id().map(ToOwned::to_owned);
        for room in client.joined_rooms() {
            if room.is_space() {
                continue;
            }
            let Ok(members) = room.members_no_sync(matrix_sdk::RoomMemberships::JOIN).await else { continue };
            let others: Vec<_> = members.iter().filter(|m| Some(m.user_id()) != me.as_deref()).collect();
            let [other] = others.as_slice() else { continue };
            if self.lock().contains_key(other.user_id()) {
                continue;
            }
            if matches!(store.room(Network::Matrix, room.room_id().as_str()).await, Ok(Some(_)) | Err(_)) {
                continue;
            }
            self.lock().entry(other.user_id().to_owned()).or_insert_with(|| room.room_id().to_owned());
        }
    }
}
