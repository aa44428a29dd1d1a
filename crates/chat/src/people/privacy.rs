//! Personal data: `/mydata` shows everything stored about me; `/forget` erases it after a
//! confirmation. The confirmation is kept for the person in every chat, since `/forget` typed
//! in a group is confirmed in the private chat the button goes to. Before the erasure, live
//! bookings are cancelled the ordinary way, so the waitlist gets their slots.

use super::buttons::PeopleButton;
use crate::i18n::Msg;
use crate::{Block, Button, Flow, Reply, Turn};
use vicinato_domain::BookingStatus;
use vicinato_store::{StoreError, StoredFlow};

/// The chat key of a flow that holds in every chat of the person.
const EVERY_CHAT: &str = "*";

pub async fn my_data(turn: &mut Turn<'_>) -> Result<Vec<Reply>, StoreError> {
    let export = turn.store().export_person(turn.person.id).await?;
    let json = serde_json::to_string_pretty(&export).unwrap_or_default();
    let mut reply = Reply::id("mydata-intro").private();
    reply.blocks.push(Block::Data(json));
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
        // Slots the person held go to whoever waits for them, as when they cancel.
        let live = [BookingStatus::Held, BookingStatus::Pending, BookingStatus::Confirmed];
        for b in turn.store().bookings_of(turn.person.id, turn.now).await? {
            let jobs = [crate::booking::freed_job(&b, turn.now)];
            let cancel = crate::booking::job_keys(turn.engine, &b);
            let cancelled =
                turn.store().booking_transition_with(b.id, &live, BookingStatus::Cancelled, &jobs, &cancel, turn.now);
            if let Some(b) = cancelled.await? {
                crate::booking::freed_now(turn.engine, &b, turn.now).await?;
            }
        }
        turn.store().erase_person(turn.person.id).await?;
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
