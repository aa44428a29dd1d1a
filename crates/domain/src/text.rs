//! Text normalisation shared by understanding and search: lower case, diacritics folded,
//! apostrophes and punctuation turned into spaces.
//!
//! "Città", "citta" and "CITTÀ" must all meet, and "dell'anziano" must yield "anziano".

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Folds text for matching: NFD, combining marks dropped, lower case, every character that is
/// not a letter or digit (apostrophes too) turned into a single space, trimmed.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last_space = true;
    for c in text.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        if c.is_alphanumeric() {
            for lower in c.to_lowercase() {
                out.push(lower);
            }
            last_space = false;
        } else if c == ':' && out.chars().last().is_some_and(|p| p.is_ascii_digit()) {
            // Keep clock times such as 15:30 together.
            out.push(':');
            last_space = false;
        } else if !last_space {
            out.push(' ');
            last_space = true;
        }
    }
    if out.ends_with(' ') || out.ends_with(':') {
        out.pop();
    }
    out
}

/// A display name as a network gives it, made safe to show to others: bidirectional
/// controls (which can make "Ada" read as someone else's name), other control and zero-width
/// characters dropped, white space folded, at most 64 characters.
pub fn display_name(raw: &str) -> String {
    let hidden = |c: char| {
        c.is_control()
            || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{061C}' | '\u{FEFF}')
    };
    let kept: String = raw.chars().filter(|c| !hidden(*c)).collect();
    kept.split_whitespace().collect::<Vec<_>>().join(" ").chars().take(64).collect()
}

/// The folded words of a text.
pub fn words(text: &str) -> Vec<String> {
    fold(text).split(' ').filter(|w| !w.is_empty()).map(str::to_owned).collect()
}

/// A light stem for prefix search: Italian and English words lose a final vowel or plural
/// ending, so "corso", "corsi" and "corsa" meet at "cors"; short words stay whole.
pub fn stem(word: &str) -> &str {
    let n = word.chars().count();
    if n < 5 {
        return word;
    }
    for suffix in ["ies", "es", "s", "i", "e", "o", "a"] {
        if let Some(rest) = word.strip_suffix(suffix)
            && rest.chars().count() >= 4
        {
            return rest;
        }
    }
    word
}

/// Edit distance (insertions, deletions, substitutions and swaps of neighbours) no greater
/// than `max`: a cheap typo check.
pub fn within_edits(a: &str, b: &str, max: usize) -> bool {
    let (la, lb) = (a.chars().count(), b.chars().count());
    if la.abs_diff(lb) > max {
        return false;
    }
    strsim::damerau_levenshtein(a, b) <= max
}

/// How many typos a word of this length may carry and still match.
pub fn typo_budget(word: &str) -> usize {
    match word.chars().count() {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_lose_bidi_controls_and_invisible_characters() {
        assert_eq!(display_name("Ada\u{202E}nimda"), "Adanimda");
        assert_eq!(display_name("\u{2067}Bea\u{2069} \u{200B}Rossi\n"), "Bea Rossi");
        assert_eq!(display_name("  Carla   Verdi "), "Carla Verdi");
        assert_eq!(display_name(&"x".repeat(500)).chars().count(), 64);
        assert_eq!(display_name("Ünïcödé 名前"), "Ünïcödé 名前");
    }

    #[test]
    fn folding_drops_accents_case_and_apostrophes() {
        assert_eq!(fold("Città dell'Anziano, àèìòù!"), "citta dell anziano aeiou");
        assert_eq!(fold("  alle 15:30. "), "alle 15:30");
    }

    #[test]
    fn stems_bring_singular_and_plural_together() {
        assert_eq!(stem("corsi"), stem("corso"));
        assert_eq!(stem("services"), "servic");
        assert_eq!(stem("casa"), "casa");
    }

    #[test]
    fn typo_check_accepts_one_swap_in_a_long_word() {
        assert!(within_edits("anizani", "anziani", 1));
        assert!(!within_edits("affitto", "aiuto", 1));
    }
}
