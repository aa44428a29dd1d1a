//! Replies as Telegram HTML: every text Vicinato did not write itself (names, descriptions,
//! translations, a person's own words) is escaped, and a message longer than Telegram allows
//! is split at block, then line, then character boundaries, never inside a tag or an entity.

use vicinato_chat::{Rendered, RenderedBlock};

/// Telegram's limit on a message's text, counted after entities are parsed.
pub const MAX_MESSAGE_CHARS: usize = 4096;

/// Escapes text for Telegram's HTML parse mode.
pub use vicinato_transport::escape_html as escape;

/// Length as Telegram counts it: UTF-16 code units of the visible text.
fn visible_len(text: &str) -> usize {
    text.encode_utf16().count()
}

/// A piece of a message: its HTML and the length of its visible text.
struct Piece {
    html: String,
    len: usize,
}

/// Splits plain text into chunks of at most `max` visible units, at character boundaries.
fn chunks(text: &str, max: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut len = 0;
    for c in text.chars() {
        let w = c.len_utf16();
        if len + w > max && !current.is_empty() {
            out.push(std::mem::take(&mut current));
            len = 0;
        }
        current.push(c);
        len += w;
    }
    if !current.is_empty() || out.is_empty() {
        out.push(current);
    }
    out
}

/// The pieces of one block: the whole block when it fits, else its title and lines, each
/// line cut into chunks when even a line is too long.
fn block_pieces(block: &RenderedBlock, max: usize) -> Vec<Piece> {
    let wrap = |text: &str| -> Piece {
        let escaped = escape(text);
        let html = if block.verbatim { format!("<pre>{escaped}</pre>") } else { escaped };
        Piece { html, len: visible_len(text) }
    };
    let title = block.title.as_ref().map(|t| Piece { html: format!("<b>{}</b>", escape(t)), len: visible_len(t) });
    let body = block.lines.join("\n");
    let whole_len = title.as_ref().map_or(0, |t| t.len + 1) + visible_len(&body);
    if whole_len <= max {
        let mut html = String::new();
        if let Some(t) = &title {
            html.push_str(&t.html);
            html.push('\n');
        }
        html.push_str(&wrap(&body).html);
        return vec![Piece { html, len: whole_len }];
    }
    let mut pieces: Vec<Piece> = Vec::new();
    if let Some(t) = &block.title {
        pieces.extend(
            chunks(t, max).iter().map(|c| Piece { html: format!("<b>{}</b>", escape(c)), len: visible_len(c) }),
        );
    }
    for line in &block.lines {
        pieces.extend(chunks(line, max).iter().map(|c| wrap(c)));
    }
    pieces
}

/// Lays a reply out as one or more message texts, each within `max` visible characters.
/// Blocks are separated by a blank line; pieces of one split block by a line break.
pub fn layout(rendered: &Rendered, max: usize) -> Vec<String> {
    let mut messages: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut len = 0usize;
    for (bi, block) in rendered.blocks.iter().enumerate() {
        for (pi, piece) in block_pieces(block, max).into_iter().enumerate() {
            let sep = if len == 0 {
                ""
            } else if pi == 0 && bi > 0 {
                "\n\n"
            } else {
                "\n"
            };
            if len + sep.len() + piece.len > max && len > 0 {
                messages.push(std::mem::take(&mut current));
                len = 0;
                current.push_str(&piece.html);
                len += piece.len;
                continue;
            }
            current.push_str(sep);
            current.push_str(&piece.html);
            len += sep.len() + piece.len;
        }
    }
    if !current.is_empty() || messages.is_empty() {
        messages.push(current);
    }
    messages
}

#[cfg(test)]
mod tests {
    use super::*;
    use vicinato_chat::Visibility;

    fn rendered(blocks: Vec<RenderedBlock>) -> Rendered {
        Rendered {
            blocks,
            buttons: Vec::new(),
            visibility: Visibility::Chat,
            update: false,
            files: Vec::new(),
            images: Vec::new(),
            media: Vec::new(),
        }
    }

    fn plain(lines: &[&str]) -> RenderedBlock {
        RenderedBlock { title: None, lines: lines.iter().map(|s| s.to_string()).collect(), verbatim: false }
    }

    #[test]
    fn markup_in_stored_or_typed_text_is_escaped() {
        assert_eq!(escape("<b>x</b> & \"y\""), "&lt;b&gt;x&lt;/b&gt; &amp; &quot;y&quot;");
        let card = RenderedBlock { title: Some("<script>".into()), lines: vec!["a < b".into()], verbatim: false };
        assert_eq!(layout(&rendered(vec![card]), MAX_MESSAGE_CHARS), vec!["<b>&lt;script&gt;</b>\na &lt; b"]);
    }

    #[test]
    fn blocks_are_separated_by_a_blank_line_and_data_is_preformatted() {
        let data = RenderedBlock { title: None, lines: vec!["{\"a\": 1}".into()], verbatim: true };
        let out = layout(&rendered(vec![plain(&["Ciao"]), data]), MAX_MESSAGE_CHARS);
        assert_eq!(out, vec!["Ciao\n\n<pre>{&quot;a&quot;: 1}</pre>"]);
    }

    #[test]
    fn a_long_reply_is_split_between_blocks_and_every_part_fits() {
        let line = "é".repeat(1500);
        let blocks = (0..5).map(|_| plain(&[line.as_str()])).collect();
        let out = layout(&rendered(blocks), MAX_MESSAGE_CHARS);
        assert_eq!(out.len(), 3);
        assert!(out.iter().all(|m| m.encode_utf16().count() <= MAX_MESSAGE_CHARS));
        assert_eq!(out.concat().matches('é').count(), 7500);
    }

    #[test]
    fn a_single_huge_line_is_cut_without_breaking_an_entity() {
        let line = "a&".repeat(5000);
        let out = layout(&rendered(vec![plain(&[line.as_str()])]), MAX_MESSAGE_CHARS);
        assert_eq!(out.len(), 3);
        for m in &out {
            let visible = m.replace("&amp;", "&");
            assert!(visible.encode_utf16().count() <= MAX_MESSAGE_CHARS);
            assert!(!m.ends_with("&am") && !m.ends_with("&a"));
        }
        assert_eq!(out.concat().replace("&amp;", "&"), line);
    }

    #[test]
    fn emoji_count_as_two_units_as_telegram_counts_them() {
        let line = "🙂".repeat(3000);
        let out = layout(&rendered(vec![plain(&[line.as_str()])]), MAX_MESSAGE_CHARS);
        assert_eq!(out.len(), 2);
        assert!(out.iter().all(|m| m.encode_utf16().count() <= MAX_MESSAGE_CHARS));
    }
}
