//! Replies as Telegram messages, ready for the outbox: HTML text (escaped, split to fit),
//! inline keyboards whose callback data fits Telegram's 64 bytes (longer payloads are kept in
//! the store behind a short token), edits for paging, and a private reply from a group with a
//! way back when Telegram will not let the bot write first. A file a reply carries (a
//! calendar) follows its text as a document, a chart as a photo with its summary as the caption,
//! both kept in the outbox as base64.

use super::html;
use super::inbound::{Press, Target};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use vicinato_chat::{Engine, Outcome, RenderedButton, Visibility};
use vicinato_domain::rooms::Media;
use vicinato_store::{NewOutboxItem, Store, StoreError};
use vicinato_transport::OutFile;

/// Telegram's limit on callback data.
pub const MAX_CALLBACK_BYTES: usize = 64;
/// Marks callback data that stands for a stored payload.
const TOKEN_MARK: char = '~';

/// One message to send (or an edit of one already sent), as kept in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutMessage {
    pub target: Target,
    pub html: String,
    /// Rows of (label, callback data).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keyboard: Vec<Vec<(String, String)>>,
    /// Replace the text of this message instead of sending a new one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edit: Option<i32>,
    /// Sent instead when the target cannot be reached (a private reply to someone who never
    /// opened a chat with the bot goes to the group they wrote in).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback: Option<Box<OutMessage>>,
    /// Sent as a document (`sendDocument`) instead of a text message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<OutFile>,
    /// Sent as a photo (`sendPhoto`) instead of a text message: a chart.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub photo: Option<OutPhoto>,
    /// Sent as the photo, video or file Telegram keeps under this `file_id` (`sendPhoto`,
    /// `sendVideo`, … by reference) instead of a text message: a held message released.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media: Option<Media>,
    /// Bulk traffic (announcement copies): it goes only with what replies leave of
    /// Telegram's budget, and is never sent twice (see the sender).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub bulk: bool,
    /// The announcement copy this message completes: its state is recorded when Telegram
    /// answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copy: Option<CopyRef>,
}

/// A chart as a photo: the PNG, and its one-line summary as the caption (plain text, no parse
/// mode, so nothing in it is markup), which screen readers read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutPhoto {
    pub file: OutFile,
    pub caption: String,
}

/// Telegram's limit on a caption, in characters.
pub const MAX_CAPTION_CHARS: usize = 1024;

impl OutPhoto {
    pub fn of(image: &vicinato_chat::chart::Image) -> Self {
        let file = vicinato_chat::Attachment {
            name: image.name.clone(),
            mime: image.mime.clone(),
            bytes: image.bytes.clone(),
        };
        let caption = if image.alt.chars().count() > MAX_CAPTION_CHARS {
            image.alt.chars().take(MAX_CAPTION_CHARS - 1).chain(['…']).collect()
        } else {
            image.alt.clone()
        };
        Self { file: OutFile::of(&file), caption }
    }
}

pub use vicinato_transport::CopyRef;

impl OutMessage {
    /// A text message (HTML) to a chat, with nothing else.
    pub fn text(target: Target, html: String) -> Self {
        Self {
            target,
            html,
            keyboard: Vec::new(),
            edit: None,
            fallback: None,
            document: None,
            photo: None,
            media: None,
            bulk: false,
            copy: None,
        }
    }

    pub fn to_item(&self) -> NewOutboxItem {
        NewOutboxItem {
            chat: self.target.chat.to_string(),
            payload: serde_json::to_string(self).expect("messages always serialize"),
            account: None,
        }
    }
}

/// Between the chat and the payload behind a token.
const CHAT_SEPARATOR: char = '\u{1f}';

/// Callback data for a payload: the payload itself when it fits, else a stored token that
/// works only in the chat it is sent to.
pub async fn callback_data(
    store: &dyn Store,
    chat: i64,
    payload: &str,
    now: DateTime<Utc>,
) -> Result<String, StoreError> {
    if payload.len() <= MAX_CALLBACK_BYTES && !payload.starts_with(TOKEN_MARK) {
        return Ok(payload.to_owned());
    }
    let token = store.button_token(&format!("{chat}{CHAT_SEPARATOR}{payload}"), now).await?;
    Ok(format!("{TOKEN_MARK}{token}"))
}

/// The payload behind callback data (`None` for a token the store no longer knows).
/// A token pressed in another chat than the one it was sent to is `None` too.
pub async fn payload_of(store: &dyn Store, chat: i64, data: &str) -> Result<Option<String>, StoreError> {
    match data.strip_prefix(TOKEN_MARK) {
        Some(token) => match token.parse::<i64>() {
            Ok(id) => Ok(store.button_payload(id).await?.and_then(|stored| {
                let (for_chat, payload) = stored.split_once(CHAT_SEPARATOR)?;
                (for_chat == chat.to_string()).then(|| payload.to_owned())
            })),
            Err(_) => Ok(None),
        },
        None => Ok(Some(data.to_owned())),
    }
}

/// Buttons in rows: two to a row when both labels are short, else one.
fn rows(buttons: Vec<(String, String)>) -> Vec<Vec<(String, String)>> {
    let mut out: Vec<Vec<(String, String)>> = Vec::new();
    for b in buttons {
        let short = b.0.chars().count() <= 16;
        match out.last_mut() {
            Some(row) if short && row.len() == 1 && row[0].0.chars().count() <= 16 => row.push(b),
            _ => out.push(vec![b]),
        }
    }
    out
}

/// The keyboard of a reply. A button whose long payload cannot be stored is left out (and
/// logged) rather than losing the whole reply.
async fn keyboard(
    store: &dyn Store,
    chat: i64,
    buttons: &[RenderedButton],
    now: DateTime<Utc>,
) -> Vec<Vec<(String, String)>> {
    let mut pairs = Vec::with_capacity(buttons.len());
    for b in buttons {
        match callback_data(store, chat, &b.payload, now).await {
            Ok(data) => pairs.push((b.label.clone(), data)),
            Err(e) => tracing::warn!(error = %e, "button left out: its payload could not be stored"),
        }
    }
    rows(pairs)
}

/// The messages that answer one inbound update.
pub async fn compose(
    engine: &Engine,
    outcome: &Outcome,
    target: Target,
    sender_id: i64,
    press: Option<&Press>,
    now: DateTime<Utc>,
) -> Vec<OutMessage> {
    let store = engine.store().as_ref();
    let rendered =
        vicinato_chat::render::merge(outcome.replies.iter().map(|r| engine.render(outcome.lang, r)).collect());
    let in_group = target.chat != sender_id;
    let mut messages = Vec::new();
    for r in rendered {
        let texts = html::layout(&r, html::MAX_MESSAGE_CHARS);
        let last = texts.len() - 1;
        let private = in_group && r.visibility == Visibility::Sender;
        let to = if private { Target { chat: sender_id, thread: None } } else { target };
        let keys = keyboard(store, to.chat, &r.buttons, now).await;
        for (i, text) in texts.into_iter().enumerate() {
            // Only a one-part reply to a pressed button can replace the message it was on.
            let edit = match press {
                Some(Press { message: Some(id), .. }) if r.update && !private && last == 0 => Some(*id),
                _ => None,
            };
            let fallback = private.then(|| {
                let note = engine.i18n().say(outcome.lang, "telegram-private-unreachable");
                Box::new(OutMessage::text(target, html::escape(&note)))
            });
            messages.push(OutMessage {
                keyboard: if i == last { keys.clone() } else { Vec::new() },
                edit,
                fallback,
                ..OutMessage::text(to, text)
            });
        }
        // After the text: charts as photos, then kept media, then files.
        let attached = OutMessage::text(to, String::new());
        messages.extend(r.images.iter().map(|i| OutMessage { photo: Some(OutPhoto::of(i)), ..attached.clone() }));
        messages.extend(r.media.iter().map(|m| OutMessage { media: Some(m.clone()), ..attached.clone() }));
        messages.extend(r.files.iter().map(|f| OutMessage { document: Some(OutFile::of(f)), ..attached.clone() }));
    }
    messages
}

#[cfg(test)]
mod tests {
    use super::*;
    use vicinato_chat::Rendered;

    #[test]
    fn short_labels_pair_up_and_long_ones_stand_alone() {
        let b = |l: &str| (l.to_owned(), l.to_owned());
        let r = rows(vec![b("Italiano"), b("English"), b("A much longer label for a service"), b("Avanti")]);
        assert_eq!(r.iter().map(Vec::len).collect::<Vec<_>>(), vec![2, 1, 1]);
    }

    #[test]
    fn replies_without_buttons_merge_into_the_next() {
        use vicinato_chat::RenderedBlock;
        let r = |text: &str, buttons: usize| Rendered {
            blocks: vec![RenderedBlock { title: None, lines: vec![text.into()], verbatim: false }],
            buttons: (0..buttons).map(|i| RenderedButton { label: i.to_string(), payload: i.to_string() }).collect(),
            visibility: Visibility::Chat,
            update: false,
            files: Vec::new(),
            images: Vec::new(),
            media: Vec::new(),
        };
        let merged = vicinato_chat::render::merge(vec![r("a", 0), r("b", 2), r("c", 0)]);
        assert_eq!(merged.len(), 2);
        assert_eq!(merged[0].blocks.len(), 2);
        assert_eq!(merged[0].buttons.len(), 2);
    }

    #[test]
    fn a_message_survives_the_outbox_round_trip() {
        let m = OutMessage {
            keyboard: vec![vec![("Avanti".into(), "page:2".into())]],
            edit: Some(9),
            ..OutMessage::text(Target { chat: -100, thread: Some(4) }, "<b>x</b>".into())
        };
        let item = m.to_item();
        assert_eq!(item.chat, "-100");
        assert_eq!(serde_json::from_str::<OutMessage>(&item.payload).unwrap(), m);
    }
}
