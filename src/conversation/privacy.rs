//! Personal data: `/mydata` shows everything stored about me; `/forget` erases it after a
//! confirmation.

use super::{Block, Button, Flow, Reply, Turn};
use crate::i18n::Msg;
use crate::store::StoreError;

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
    turn.save_flow(turn.flow.as_ref().expect("just set")).await?;
    Ok(vec![
        Reply::id("forget-confirm")
            .with_buttons(vec![
                Button::msg(Msg::new("button-forget-yes"), "forget:yes"),
                Button::msg(Msg::new("button-forget-no"), "forget:no"),
            ])
            .private(),
    ])
}

pub async fn forget_answer(turn: &mut Turn<'_>, yes: bool) -> Result<Vec<Reply>, StoreError> {
    if turn.flow != Some(Flow::ConfirmForget) {
        return Ok(vec![Reply::id("button-expired")]);
    }
    if yes {
        turn.store().erase_person(turn.person.id).await?;
        tracing::info!(person = %turn.person.id, "person erased on request");
        Ok(vec![Reply::id("forget-done").private()])
    } else {
        turn.clear_flow().await?;
        turn.flow = None;
        Ok(vec![Reply::id("forget-kept").private()])
    }
}
