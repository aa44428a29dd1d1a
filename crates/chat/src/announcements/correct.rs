//! `/announce correct N` (`/annuncio correggi N`): the author, staff of the scope or an admin
//! give an announcement new texts. The core says first whether it may still be corrected
//! (not cancelled; a done one whose copies are all too old for Telegram to edit is refused,
//! saying why); then the new Italian text, optionally the English one, the preview as each
//! language reads it with what will happen (how many copies get an edit, how many keep the
//! old text), and a confirmation. Confirming calls the core's `correct`, which checks role and
//! scope again at that moment; the correction's job does the edits.

use super::buttons::AnnounceButton;
use crate::i18n::Msg;
use crate::{Block, Button, Flow, Reply, Turn};
use serde::{Deserialize, Serialize};
use vicinato_core::announcements::compose::TEXT_MAX;
use vicinato_core::announcements::{By, Refusal, correct};
use vicinato_domain::{AnnouncementId, AnnouncementTexts, Lang, TELEGRAM_EDIT_HOURS};
use vicinato_store::StoreError;

/// The question the correction waits an answer to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    Text,
    English,
    Confirm,
}

async fn save(
    turn: &Turn<'_>,
    id: AnnouncementId,
    it: Option<String>,
    en: Option<String>,
    step: Step,
) -> Result<(), StoreError> {
    turn.save_flow(&Flow::AnnounceCorrect { id, it, en, step }).await
}

/// `/announce correct N`: the first question, or why not.
pub(crate) async fn start(turn: &mut Turn<'_>, id: AnnouncementId) -> Result<Vec<Reply>, StoreError> {
    let tree = turn.snapshot.tree.clone();
    match correct::check(By::Person(&turn.person), id, turn.store(), &tree, turn.now).await? {
        Ok(_) => {}
        Err(refusal) => return Ok(vec![Reply::refused(&refusal)]),
    }
    save(turn, id, None, None, Step::Text).await?;
    Ok(vec![Reply::say(Msg::new("announce-correct-ask-text").num("id", id.0).num("max", TEXT_MAX as i64))])
}

/// Typed text while correcting; `None` at the confirmation (a button is awaited).
pub(crate) async fn typed(
    turn: &mut Turn<'_>,
    id: AnnouncementId,
    it: Option<String>,
    step: Step,
    text: &str,
) -> Result<Option<Vec<Reply>>, StoreError> {
    if step != Step::Confirm && text.chars().count() > TEXT_MAX {
        return Ok(Some(vec![Reply::refused(&Refusal::TooLong { max: TEXT_MAX as i64 })]));
    }
    match step {
        Step::Text => {
            if text.trim().is_empty() {
                return Ok(Some(vec![Reply::refused(&Refusal::EmptyText)]));
            }
            save(turn, id, Some(text.to_owned()), None, Step::English).await?;
            Ok(Some(vec![Reply::id("announce-ask-english").with_buttons(vec![Button::msg(
                Msg::new("announce-no-english"),
                AnnounceButton::FixNoEnglish.to_payload(),
            )])]))
        }
        Step::English => Ok(Some(preview(turn, id, it, Some(text.to_owned())).await?)),
        Step::Confirm => Ok(None),
    }
}

/// The preview in each language and what the correction will do, with the buttons.
async fn preview(
    turn: &mut Turn<'_>,
    id: AnnouncementId,
    it: Option<String>,
    en: Option<String>,
) -> Result<Vec<Reply>, StoreError> {
    let Some(it_text) = it.clone() else {
        return Ok(vec![Reply::id("announce-draft-lost")]);
    };
    let tree = turn.snapshot.tree.clone();
    let (_, sent, too_old) = match correct::check(By::Person(&turn.person), id, turn.store(), &tree, turn.now).await? {
        Ok(checked) => checked,
        Err(refusal) => {
            turn.clear_flow().await?;
            turn.flow = None;
            return Ok(vec![Reply::refused(&refusal)]);
        }
    };
    let texts = AnnouncementTexts { it: it_text, en: en.clone() };
    let mut replies = Vec::new();
    for lang in [Lang::It, Lang::En] {
        let mut reply = Reply::say(Msg::new(format!("announce-preview-{}", lang.code())));
        let copy = crate::announce::copy_message(texts.for_lang(lang));
        reply.blocks.push(Block::Data(turn.engine.i18n().render(lang, &copy)));
        replies.push(reply);
    }
    let mut summary = Reply::say(Msg::new("announce-correct-summary").num("id", id.0).num("edited", sent - too_old));
    if too_old > 0 {
        summary = summary
            .then(Msg::new("announce-correct-some-too-old").num("count", too_old).num("hours", TELEGRAM_EDIT_HOURS));
    }
    replies.push(summary.with_buttons(vec![
        Button::msg(Msg::new("announce-correct-send"), AnnounceButton::Fix(true).to_payload()),
        Button::msg(Msg::new("announce-dont-send"), AnnounceButton::Fix(false).to_payload()),
    ]));
    save(turn, id, it, en, Step::Confirm).await?;
    Ok(replies)
}

/// A button of the correction pressed.
pub(crate) async fn pressed(
    turn: &mut Turn<'_>,
    flow: Option<(AnnouncementId, Option<String>, Option<String>)>,
    button: AnnounceButton,
) -> Result<Vec<Reply>, StoreError> {
    let Some((id, it, en)) = flow else {
        return Ok(vec![Reply::id("button-expired")]);
    };
    match button {
        AnnounceButton::FixNoEnglish => preview(turn, id, it, None).await,
        AnnounceButton::Fix(false) => {
            turn.clear_flow().await?;
            turn.flow = None;
            Ok(vec![Reply::id("announce-correct-not-sent")])
        }
        AnnounceButton::Fix(true) => {
            let Some(it) = it else {
                return Ok(vec![Reply::id("announce-draft-lost")]);
            };
            let tree = turn.snapshot.tree.clone();
            let texts = AnnouncementTexts { it, en };
            let done = correct::correct(By::Person(&turn.person), id, texts, turn.store(), &tree, turn.now).await?;
            turn.clear_flow().await?;
            turn.flow = None;
            match done {
                Ok(c) => {
                    turn.engine.jobs_added().notify_one();
                    Ok(vec![Reply::say(
                        Msg::new("announce-corrected").num("id", id.0).num("correction", i64::from(c.correction)),
                    )])
                }
                Err(refusal) => Ok(vec![Reply::refused(&refusal)]),
            }
        }
        _ => Ok(vec![Reply::id("button-expired")]),
    }
}
