//! Personal data: `/mydata` shows everything stored about me; `/forget` erases it after a
//! confirmation. The confirmation is kept for the person in every chat, since `/forget` typed
//! in a group is confirmed in the private chat the button goes to. The rule (who may, and
//! that live bookings are freed for the waitlist first) is `vicinato_core::people::erase`,
//! which `vicinato admin export-person` and `erase-person` call too.

use super::buttons::PeopleButton;
use crate::i18n::Msg;
use crate::{Attachment, Block, Button, Flow, Reply, Turn};
use vicinato_core::people::erase::{erase, export};
use vicinato_core::people::grant::By;
use vicinato_store::{StoreError, StoredFlow};

/// The chat key of a flow that holds in every chat of the person.
const EVERY_CHAT: &str = "*";

pub async fn my_data(turn: &mut Turn<'_>) -> Result<Vec<Reply>, StoreError> {
    let export = match export(By::Person(&turn.person), turn.person.id, turn.store()).await? {
        Ok(export) => export,
        Err(refusal) => return Ok(vec![Reply::refused(&refusal).private()]),
    };
    // A summary to read, and everything, in full, as a file to keep.
    let json = serde_json::to_string_pretty(&export).unwrap_or_default();
    let mut reply = Reply::id("mydata-intro").private();
    reply.blocks.push(Block::Say(super::whoami::summary(turn)));
    if let Some(e) = &export {
        let count = |n: usize| n as i64;
        reply.blocks.push(Block::Say(
            Msg::new("mydata-counts")
                .num("bookings", count(e.bookings.len()))
                .num("initiatives", count(e.initiatives.len()))
                .num("comments", count(e.comments.len()))
                .num("reports", count(e.reports.len()))
                .num("votes", count(e.votes.len()))
                .num("waitlist", count(e.waitlist.len()))
                .num("sanctions", count(e.sanctions.len())),
        ));
    }
    reply.blocks.push(Block::File(Attachment {
        name: "vicinato-mydata.json".into(),
        mime: "application/json".into(),
        bytes: json.into_bytes(),
    }));
    reply.blocks.push(Block::Say(Msg::new("mydata-forget-hint")));
    Ok(vec![reply])
}

pub async fn forget(turn: &mut Turn<'_>) -> Result<Vec<Reply>, StoreError> {
    turn.flow = Some(Flow::ConfirmForget);
    turn.save_flow(&Flow::ConfirmForget).await?;
    let state = serde_json::to_string(&Flow::ConfirmForget).expect("flows always serialize");
    let stored = StoredFlow { state, expires_at: turn.now + turn.engine.settings().flow_ttl };
    turn.store().save_flow(turn.person.id, EVERY_CHAT, &stored).await?;
    Ok(vec![
        Reply::id("forget-confirm")
            .with_buttons(vec![
                Button::msg(Msg::new("button-forget-yes"), PeopleButton::Forget(true).to_payload()),
                Button::msg(Msg::new("button-forget-no"), PeopleButton::Forget(false).to_payload()),
            ])
            .private(),
    ])
}

/// Whether the person asked to be forgotten, in this chat or another one.
async fn asked(turn: &Turn<'_>) -> Result<bool, StoreError> {
    if turn.flow == Some(Flow::ConfirmForget) {
        return Ok(true);
    }
    let anywhere = turn.store().load_flow(turn.person.id, EVERY_CHAT, turn.now).await?;
    Ok(anywhere.is_some_and(|f| serde_json::from_str::<Flow>(&f.state).ok() == Some(Flow::ConfirmForget)))
}

pub async fn forget_answer(turn: &mut Turn<'_>, yes: bool) -> Result<Vec<Reply>, StoreError> {
    if !asked(turn).await? {
        return Ok(vec![Reply::id("button-expired")]);
    }
    if yes {
        // The one rule the command line follows too: live bookings are freed for whoever
        // waits, then everything about the person is erased.
        let by = By::Person(&turn.person);
        let settings = &turn.engine.spaces().settings;
        let done = match erase(by, turn.person.id, turn.store(), settings, turn.now).await? {
            Ok(done) => done,
            Err(refusal) => return Ok(vec![Reply::refused(&refusal).private()]),
        };
        for b in &done.freed {
            crate::booking::freed_now(turn.engine, b, turn.now).await?;
        }
        turn.flow = None;
        tracing::info!(person = %turn.person.id, "person erased on request");
        Ok(vec![Reply::id("forget-done").private()])
    } else {
        turn.clear_flow().await?;
        turn.store().clear_flow(turn.person.id, EVERY_CHAT).await?;
        turn.flow = None;
        Ok(vec![Reply::id("forget-kept").private()])
    }
}
