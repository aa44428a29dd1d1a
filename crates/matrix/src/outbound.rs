//! Replies as Matrix messages: `m.notice` with an HTML `formatted_body` (every text Vicinato
//! did not write itself escaped) and a plain `body`. Matrix has no buttons, so a reply's buttons
//! become a numbered list; answering with the number presses the button. A file a reply
//! carries (a calendar) follows as an `m.file` message, a chart as an `m.image` with its summary
//! as the caption, both uploaded by the sender.

use serde::{Deserialize, Serialize};
use vicinato_chat::{Engine, Outcome, Rendered, RenderedBlock, Visibility};
use vicinato_store::NewOutboxItem;
use vicinato_transport::escape_html;

/// One message for a room, as kept in the outbox.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatrixOut {
    pub room: String,
    /// The thread root, when the question came in a thread.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread: Option<String>,
    pub plain: String,
    pub html: String,
    /// Uploaded and sent as `m.file` instead of a notice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<vicinato_transport::OutFile>,
    /// Uploaded and sent as `m.image` instead of a notice: a chart.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<OutImage>,
    /// The announcement copy (or edit) this message is: its state is recorded, with the
    /// event id, once the homeserver answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copy: Option<CopyRef>,
    /// Sent as an `m.replace` edit of this event (a correction of a copy).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaces: Option<String>,
}

pub use vicinato_transport::CopyRef;

/// A chart as an `m.image`: the PNG, its size, and its one-line summary, sent as the caption
/// (the event's `body`, which clients show and screen readers read; the name goes in
/// `filename`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutImage {
    pub file: vicinato_transport::OutFile,
    pub width: u32,
    pub height: u32,
    pub caption: String,
}

impl MatrixOut {
    /// The messages that carry a reply's charts and files, one each, after its text.
    pub fn attached(room: &str, laid: &Laid) -> Vec<NewOutboxItem> {
        let images = laid.images.iter().map(|i| {
            let file = vicinato_chat::Attachment { name: i.name.clone(), mime: i.mime.clone(), bytes: i.bytes.clone() };
            MatrixOut {
                room: room.to_owned(),
                thread: None,
                plain: i.alt.clone(),
                html: escape_html(&i.alt),
                file: None,
                image: Some(OutImage {
                    file: vicinato_transport::OutFile::of(&file),
                    width: i.width,
                    height: i.height,
                    caption: i.alt.clone(),
                }),
                ..Default::default()
            }
        });
        let files = laid.files.iter().map(|f| MatrixOut {
            room: room.to_owned(),
            thread: None,
            plain: f.name.clone(),
            html: escape_html(&f.name),
            file: Some(vicinato_transport::OutFile::of(f)),
            image: None,
            ..Default::default()
        });
        images.chain(files).map(|m| m.to_item()).collect()
    }

    pub fn to_item(&self) -> NewOutboxItem {
        NewOutboxItem {
            chat: self.room.clone(),
            payload: serde_json::to_string(self).expect("messages always serialize"),
            account: None,
        }
    }
}

/// One reply laid out for Matrix: who should see it, its two bodies, and the payloads its
/// numbers press.
pub struct Laid {
    pub visibility: Visibility,
    pub plain: String,
    pub html: String,
    pub choices: Vec<String>,
    pub files: Vec<vicinato_chat::Attachment>,
    pub images: Vec<vicinato_chat::chart::Image>,
}

/// The replies of an outcome as Matrix messages (consecutive replies merged, as on every network).
pub fn lay_out(engine: &Engine, outcome: &Outcome) -> Vec<Laid> {
    let choose = engine.i18n().say(outcome.lang, "matrix-choose-number");
    vicinato_chat::render::merge(outcome.replies.iter().map(|r| engine.render(outcome.lang, r)).collect())
        .iter()
        .map(|r| {
            let (plain, html) = format(r, &choose);
            Laid {
                visibility: r.visibility,
                plain,
                html,
                choices: r.buttons.iter().map(|b| b.payload.clone()).collect(),
                files: r.files.clone(),
                images: r.images.clone(),
            }
        })
        .collect()
}

fn block_html(b: &RenderedBlock) -> String {
    let body = if b.verbatim {
        format!("<pre><code>{}</code></pre>", escape_html(&b.lines.join("\n")))
    } else {
        b.lines.iter().map(|l| escape_html(l)).collect::<Vec<_>>().join("<br/>")
    };
    match &b.title {
        Some(t) => format!("<b>{}</b><br/>{body}", escape_html(t)),
        None => body,
    }
}

/// The plain and HTML bodies of a reply; `choose` is the line that explains the numbers.
pub fn format(r: &Rendered, choose: &str) -> (String, String) {
    let mut plain = r.plain_text();
    let mut html = r.blocks.iter().map(block_html).collect::<Vec<_>>().join("<br/><br/>");
    if !r.buttons.is_empty() {
        plain.push_str("\n\n");
        html.push_str("<br/><br/>");
        let items: Vec<String> = r.buttons.iter().enumerate().map(|(i, b)| format!("{}. {}", i + 1, b.label)).collect();
        plain.push_str(&items.join("\n"));
        plain.push_str(&format!("\n\n{choose}"));
        html.push_str("<ol>");
        for b in &r.buttons {
            html.push_str(&format!("<li>{}</li>", escape_html(&b.label)));
        }
        html.push_str(&format!("</ol><i>{}</i>", escape_html(choose)));
    }
    (plain, html)
}

/// A number typed in answer to a list of choices: the payload of that choice.
pub fn choice(text: &str, payloads: &[String]) -> Option<String> {
    let t = text.trim().trim_end_matches('.');
    if t.is_empty() || t.len() > 2 || !t.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let n: usize = t.parse().ok()?;
    n.checked_sub(1).and_then(|i| payloads.get(i)).cloned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use vicinato_chat::{RenderedButton, Visibility};

    fn reply() -> Rendered {
        Rendered {
            blocks: vec![RenderedBlock {
                title: Some("<Casa> & co".into()),
                lines: vec!["a<b".into()],
                verbatim: false,
            }],
            buttons: vec![
                RenderedButton { label: "Italiano".into(), payload: "lang:it".into() },
                RenderedButton { label: "<English>".into(), payload: "lang:en".into() },
            ],
            visibility: Visibility::Chat,
            update: false,
            files: Vec::new(),
            images: Vec::new(),
            media: Vec::new(),
        }
    }

    #[test]
    fn buttons_become_a_numbered_list_and_every_text_is_escaped() {
        let (plain, html) = format(&reply(), "Reply with a number.");
        assert!(plain.contains("1. Italiano\n2. <English>"), "{plain}");
        assert!(html.starts_with("<b>&lt;Casa&gt; &amp; co</b><br/>a&lt;b"), "{html}");
        assert!(html.contains("<li>&lt;English&gt;</li>"), "{html}");
        assert!(!html.contains("<English>"));
    }

    #[test]
    fn a_number_presses_the_button_it_names() {
        let payloads = vec!["lang:it".to_owned(), "lang:en".to_owned()];
        assert_eq!(choice("2", &payloads).as_deref(), Some("lang:en"));
        assert_eq!(choice(" 1. ", &payloads).as_deref(), Some("lang:it"));
        assert_eq!(choice("3", &payloads), None);
        assert_eq!(choice("12 apostoli", &payloads), None);
    }
}
