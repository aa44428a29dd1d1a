//! What every transport shares, and the terminal transport ([`console`]). A transport is the
//! only code that knows a network: it turns the network's events into
//! [`vicinato_chat::Inbound`] messages and [`vicinato_chat::Rendered`] replies into the
//! network's messages, escaping every text it did not write itself. This crate holds the
//! helpers the network transports (`vicinato-telegram`, `vicinato-matrix`) both use, so
//! neither imports the other; it names no network library.

use serde::{Deserialize, Serialize};

pub mod console;

/// An announcement copy as a transport's outbox message carries it, by announcement and
/// recipient (a person, or a linked room): the copy itself, or (with a correction) its edit to
/// that correction's text. The sender records the copy's (or the edit's) state when the network answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CopyRef {
    pub announcement: i64,
    pub person: i64,
    /// The correction whose text the message carries (0: the first text).
    #[serde(default)]
    pub version: u32,
    /// Set on an edit: the correction it applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correction: Option<u32>,
    /// Set on a room's copy (then `person` is 0): the room's chat id, which names the copy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub room: Option<String>,
}

impl CopyRef {
    /// The copy itself, with the text version it was handed over with.
    pub fn of(copy: &vicinato_domain::Recipient) -> Self {
        Self {
            announcement: copy.announcement.0,
            person: copy.person.0,
            version: copy.version,
            correction: None,
            room: None,
        }
    }

    /// A room's copy, with the text version it was handed over with.
    pub fn of_room(copy: &vicinato_domain::RoomCopy) -> Self {
        Self {
            announcement: copy.announcement.0,
            person: 0,
            version: copy.version,
            correction: None,
            room: Some(copy.chat.clone()),
        }
    }

    /// A room copy's edit to the text of `correction`.
    pub fn room_edit(copy: &vicinato_domain::RoomCopy, correction: u32) -> Self {
        Self { version: correction, correction: Some(correction), ..Self::of_room(copy) }
    }

    /// The copy's edit to the text of `correction`.
    pub fn edit(copy: &vicinato_domain::Recipient, correction: u32) -> Self {
        Self { version: correction, correction: Some(correction), ..Self::of(copy) }
    }
}

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

/// The rest of `text` after `prefix`, the two compared in lowercase; `None` when `text` does not
/// start with it. The cut is at one of `text`'s own character boundaries: letters whose
/// lowercase has another length (the Kelvin sign, a dotted capital I) never move it.
pub fn strip_prefix_caseless<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let want: String = prefix.chars().flat_map(char::to_lowercase).collect();
    if want.is_empty() {
        return Some(text);
    }
    let mut got = String::with_capacity(want.len() + 4);
    for (i, c) in text.char_indices() {
        got.extend(c.to_lowercase());
        if got.len() >= want.len() {
            return (got == want).then(|| &text[i + c.len_utf8()..]);
        }
        if !want.starts_with(&got) {
            return None;
        }
    }
    None
}

/// Where `needle` first occurs in `text`, compared in lowercase: the byte range in `text`
/// itself, always on its character boundaries.
pub fn find_caseless(text: &str, needle: &str) -> Option<std::ops::Range<usize>> {
    text.char_indices()
        .find_map(|(at, _)| strip_prefix_caseless(&text[at..], needle).map(|rest| at..text.len() - rest.len()))
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
    pub fn of(file: &vicinato_chat::Attachment) -> Self {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_caseless_prefix_is_cut_on_the_texts_own_boundaries() {
        assert_eq!(strip_prefix_caseless("Vicinato: ciao", "vicinato"), Some(": ciao"));
        // The Kelvin sign is three bytes, its lowercase one.
        assert_eq!(strip_prefix_caseless("vicinato \u{212A}", "vicinato"), Some(" \u{212A}"));
        assert_eq!(strip_prefix_caseless("\u{212A}\u{212A}bot ok", "kkbot"), Some(" ok"));
        // A dotted capital I lowercases to two characters: it is not an "i".
        assert_eq!(strip_prefix_caseless("\u{130}x", "ix"), None);
        assert_eq!(strip_prefix_caseless("vic", "vicinato"), None);
        assert_eq!(strip_prefix_caseless("anything", ""), Some("anything"));
    }

    #[test]
    fn a_caseless_find_gives_a_range_of_the_original_text() {
        let text = "\u{212A}\u{212A}@YourBot ciao";
        let at = find_caseless(text, "@yourbot").expect("found");
        assert_eq!(&text[at.clone()], "@YourBot");
        assert_eq!(&text[at.end..], " ciao");
        assert_eq!(find_caseless("\u{130}\u{130}@x", "@X"), Some(4..6));
        assert_eq!(find_caseless("nothing here", "@bot"), None);
    }
}
