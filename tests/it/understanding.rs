//! Understanding single messages as residents write them: the corpus of
//! `tests/it/corpus/messages.toml` (Italian and English, typos, dialect, mixed languages,
//! situations instead of categories), scored by `vicinato::bench::understand`, the same
//! figures `vicinato bench understand` prints. The targets are figures of the corpus, not
//! timings.

use vicinato::bench::understand::{CORPUS, Figures, demo_understander, read_corpus, score};

fn figures() -> Figures {
    let corpus = read_corpus(CORPUS).expect("the corpus reads");
    score(&demo_understander().expect("the demo understander builds"), &corpus)
}

fn misses(f: &Figures) -> String {
    f.misses
        .iter()
        .map(|m| format!("  [{}] {:?}: {}", m.lang.code(), m.text, m.what.join("; ")))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_corpus_has_four_hundred_messages_in_both_languages_covering_every_intent_and_slot() {
    let corpus = read_corpus(CORPUS).expect("the corpus reads");
    assert!(corpus.len() >= 400, "{} messages", corpus.len());
    let f = figures();
    for intent in [
        "find_service",
        "greeting",
        "help",
        "thanks",
        "cancel",
        "change_language",
        "who_am_i",
        "more",
        "notifications_off",
        "notifications_on",
        "book",
        "free",
        "propose",
        "initiatives",
        "talk_to_person",
        "unknown",
    ] {
        assert!(f.per_intent.get(intent).is_some_and(|t| t.asked >= 3), "too few messages for {intent}");
    }
    for slot in
        ["category", "territory", "near_me", "now", "day", "part", "time", "language", "age", "switch_to", "words"]
    {
        assert!(f.per_slot.get(slot).is_some_and(|t| t.asked >= 5), "too few messages with {slot}");
    }
    for lang in [vicinato::domain::Lang::It, vicinato::domain::Lang::En] {
        assert!(corpus.iter().filter(|(l, _)| *l == lang).count() >= 150, "too few in {}", lang.code());
    }
}

#[test]
fn intents_are_right_for_at_least_95_percent_and_slots_for_at_least_90_percent_of_the_corpus() {
    let f = figures();
    assert!(
        f.intent.percent() >= 95.0 && f.slots.percent() >= 90.0,
        "intent {:.1}% ({}/{}), slots {:.1}% ({}/{}); misses:\n{}",
        f.intent.percent(),
        f.intent.right,
        f.intent.asked,
        f.slots.percent(),
        f.slots.right,
        f.slots.asked,
        misses(&f)
    );
}
