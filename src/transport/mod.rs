//! Transports: the only code that knows a network. Each turns its network's events into
//! [`crate::conversation::Inbound`] messages and [`crate::conversation::Rendered`] replies
//! into its network's messages, escaping every text it did not write itself.

use serde::{Deserialize, Serialize};

pub mod console;
pub mod matrix;
pub mod telegram;

/// Escapes text for HTML (Telegram's HTML parse mode, Matrix's `formatted_body`): `<`, `>`,
/// `&`, and `"` for attributes.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

/// A file to send (a calendar), as the outboxes of Telegram and Matrix keep it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutFile {
    pub name: String,
    pub mime: String,
    /// The contents, base64 (standard alphabet, padded).
    pub base64: String,
}

impl OutFile {
    pub fn of(file: &crate::conversation::Attachment) -> Self {
        use base64::Engine as _;
        Self {
            name: file.name.clone(),
            mime: file.mime.clone(),
            base64: base64::engine::general_purpose::STANDARD.encode(&file.bytes),
        }
    }

    /// The contents; `None` when the outbox holds something that is not base64.
    pub fn bytes(&self) -> Option<Vec<u8>> {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.decode(&self.base64).ok()
    }
}
