//! Text as a hostile or unlucky sender writes it, for property tests: letters whose case
//! changes their length (Kelvin sign, dotted capital I, sharp s, title-case digraphs), combining
//! marks, bidi controls, zero-width characters, odd spaces, the characters commands and
//! payloads are built from, and any other character; from empty to 10,000 characters ([`long_text`]). Used by
//! the mappers' unit tests and by the engine's property tests (`tests/it/properties.rs`).

use proptest::prelude::*;

/// One character a sender might type.
pub fn hostile_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => prop::sample::select(vec![
            // Case changes the length: 3 → 1, 2 → 3, 2 → "ss", ǅ, ſ, final sigma, ligatures.
            '\u{212A}', '\u{0130}', 'ß', 'ẞ', 'ǅ', 'ǈ', 'ſ', 'Σ', 'ς', 'ﬀ', 'ŉ', 'İ', 'ı', 'Ω', '\u{2126}', 'Å', '\u{212B}',
            // Combining marks.
            '\u{0301}', '\u{0307}', '\u{0308}', '\u{20DD}', '\u{034F}',
            // Bidi controls.
            '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}',
            '\u{200E}', '\u{200F}', '\u{061C}',
            // Zero width and odd spaces.
            '\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}', '\u{00A0}', '\u{3000}', '\u{2028}', '\u{0085}',
            '\t', '\n', '\r', ' ',
            // What commands, mentions and payloads are made of.
            '@', '/', '!', ':', ',', '|', '~', '<', '>', '&', '"', '\'', '#', '-', '.', '*', '_', '`',
            // Emoji with a variation selector and a skin tone.
            '👍', '\u{FE0F}', '\u{1F3FD}', '🏳', '\u{E0067}',
        ]),
        3 => prop::char::range('a', 'z'),
        1 => prop::char::range('A', 'Z'),
        1 => prop::char::range('0', '9'),
        2 => any::<char>(),
    ]
}

/// Text of `0..max` hostile characters.
pub fn hostile_text(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(hostile_char(), 0..max).prop_map(|v| v.into_iter().collect())
}

/// A word written in any mix of cases, with `k` sometimes as the Kelvin sign and `i` as a
/// dotted capital I (which is not an `i` in lowercase).
pub fn any_case(word: &str) -> impl Strategy<Value = String> {
    let chars: Vec<char> = word.chars().collect();
    prop::collection::vec(0u8..4, chars.len()).prop_map(move |picks| {
        chars
            .iter()
            .zip(picks)
            .map(|(c, p)| match (c.to_ascii_lowercase(), p) {
                ('k', 3) => '\u{212A}'.to_string(),
                ('i', 3) => '\u{0130}'.to_string(),
                (_, 0 | 3) => c.to_uppercase().collect(),
                (_, 1) => c.to_lowercase().collect(),
                _ => c.to_string(),
            })
            .collect()
    })
}

/// Mostly short text, sometimes up to 10,000 characters, sometimes with `name` (in any case)
/// somewhere in it.
pub fn message(name: &'static str) -> impl Strategy<Value = String> {
    prop_oneof![
        4 => hostile_text(40),
        3 => (hostile_text(20), any_case(name), hostile_text(20)).prop_map(|(a, n, b)| format!("{a}{n}{b}")),
        2 => (any_case(name), hostile_text(30)).prop_map(|(n, b)| format!("{n}{b}")),
        1 => long_text(),
    ]
}

/// Up to 10,000 characters: a random stretch repeated (cheap to make, unlike 10,000 random
/// characters one by one), with a random tail.
pub fn long_text() -> impl Strategy<Value = String> {
    (hostile_text(64), 1usize..400, hostile_text(16)).prop_map(|(chunk, times, tail)| {
        let mut text: String = chunk.repeat(times).chars().take(10_000 - 16).collect();
        text.push_str(&tail);
        text
    })
}
