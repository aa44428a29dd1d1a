//! Quoting back what a person wrote: a short excerpt, cut at a character boundary.

/// Cuts a text at a sentence or word boundary near `max` characters.
pub fn excerpt(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max).collect();
    match cut.rfind(". ") {
        // A whole sentence reads well on its own.
        Some(i) if i > max / 3 => cut[..=i].to_owned(),
        _ => format!("{}…", cut[..cut.rfind(' ').unwrap_or(cut.len())].trim_end()),
    }
}
