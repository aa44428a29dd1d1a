//! Transports: the only code that knows a network. Each turns its network's events into
//! [`crate::conversation::Inbound`] messages and [`crate::conversation::Rendered`] replies
//! into its network's messages, escaping every text it did not write itself.

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
