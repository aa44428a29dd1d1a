//! A second staff member's approval, where a territory asks for one: when an announcement is
//! kept pending, every other person who may address its scope gets a note with its text and
//! approve and reject buttons; the first answer counts (core `approve`, which refuses the
//! author and anyone outside the scope at the moment of pressing), and the author is told.

use super::buttons::AnnounceButton;
use crate::i18n::Msg;
use crate::notes::{self, Note};
use crate::{Reply, Turn};
use vicinato_core::announcements::approve::{approve, approvers};
use vicinato_domain::{Announcement, AnnouncementId};
use vicinato_store::StoreError;

/// Sends the approval question to everyone who may answer it.
pub(crate) async fn ask_approvers(turn: &Turn<'_>, announcement: &Announcement) -> Result<(), StoreError> {
    let tree = turn.snapshot.tree.clone();
    let id = announcement.id.0;
    let notes: Vec<Note> = approvers(announcement, turn.store(), &tree, turn.now)
        .await?
        .into_iter()
        .map(|p| {
            let msg = Msg::new("announce-approve-ask")
                .num("id", id)
                .text("author", turn.person.display_name.clone())
                .text("text", announcement.texts.it.clone());
            Note::new(p.id, msg, format!("announce-approve:{id}:{}", p.id))
                .button(Msg::new("announce-approve"), AnnounceButton::Approve { id, yes: true }.to_payload())
                .button(Msg::new("announce-reject"), AnnounceButton::Approve { id, yes: false }.to_payload())
        })
        .collect();
    notes::send(turn.engine, &notes, turn.now).await
}

/// The approve or reject button pressed.
pub(crate) async fn pressed(turn: &mut Turn<'_>, id: i64, yes: bool) -> Result<Vec<Reply>, StoreError> {
    let tree = turn.snapshot.tree.clone();
    let answered = approve(&turn.person, AnnouncementId(id), yes, turn.store(), &tree, turn.now).await?;
    let announcement = match answered {
        Ok(a) => a,
        Err(refusal) => return Ok(vec![Reply::refused(&refusal)]),
    };
    if yes {
        turn.engine.jobs_added().notify_one();
    }
    if let Some(author) = announcement.author {
        let told = if yes { "announce-approved-author" } else { "announce-rejected-author" };
        let msg = Msg::new(told).num("id", id).text("name", turn.person.display_name.clone());
        let key = format!("announce-approved:{id}");
        notes::send(turn.engine, &[Note::new(author, msg, key)], turn.now).await?;
    }
    let done = if yes { "announce-approved" } else { "announce-rejected" };
    Ok(vec![Reply::say(Msg::new(done).num("id", id))])
}
