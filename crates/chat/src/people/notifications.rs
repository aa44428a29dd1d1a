//! `/notifications [off|on] [topic]` (`/notifiche`, `/avvisi`), or in words ("non voglio più
//! avvisi sul cibo"): a resident stops or restarts staff announcements for themselves, of
//! every topic or of one (a category of the directory, named in either language or by its
//! code), the line every announcement ends with. The rule is
//! `vicinato_core::announcements::opt_out`; this file reads the argument and answers.

use crate::i18n::Msg;
use crate::{Reply, Turn};
use vicinato_domain::text::fold;
use vicinato_domain::{ALL_TOPICS, CategoryCode};
use vicinato_store::StoreError;

/// What the argument asks: stop (`Some(true)`), restart (`Some(false)`), or nothing readable.
fn wish(arg: &str) -> Option<bool> {
    match fold(arg).as_str() {
        "off" | "no" | "stop" | "basta" | "spento" | "spenti" | "disattiva" | "disattivati" | "disable" => Some(true),
        "on" | "si" | "yes" | "acceso" | "accesi" | "attiva" | "attivati" | "riattiva" | "enable" => Some(false),
        _ => None,
    }
}

/// The category a topic names: its code, or words the lexicons know for it.
fn topic(turn: &Turn<'_>, words: &str) -> Option<CategoryCode> {
    if let Some(c) = turn.snapshot.category(words.trim()) {
        return Some(c.code.clone());
    }
    turn.snapshot.understander.understand(words, turn.lang).slots.category
}

pub async fn command(turn: &mut Turn<'_>, arg: Option<&str>) -> Result<Vec<Reply>, StoreError> {
    let person = turn.person.id;
    let Some(arg) = arg.map(str::trim).filter(|a| !a.is_empty()) else {
        let topics = turn.store().opt_outs(person).await?;
        let off = topics.iter().any(|t| t == ALL_TOPICS);
        let id = if off { "notifications-status-off" } else { "notifications-status-on" };
        let mut reply = Reply::say(Msg::new(id));
        if !off {
            for t in topics.iter().filter(|t| turn.snapshot.category(t).is_some()) {
                let code = CategoryCode::new(t.as_str());
                reply = reply.then(
                    Msg::new("notifications-status-topic").msg("topic", crate::directory::category_msg(turn, &code)),
                );
            }
        }
        return Ok(vec![reply.private()]);
    };
    let (first, rest) = arg.split_once(char::is_whitespace).unwrap_or((arg, ""));
    let Some(off) = wish(first) else {
        return Ok(vec![Reply::say(Msg::new("notifications-usage")).private()]);
    };
    if rest.trim().is_empty() {
        return set(turn, off, None).await;
    }
    match topic(turn, rest) {
        Some(code) => set(turn, off, Some(code)).await,
        None => Ok(vec![Reply::say(Msg::new("notifications-topic-unknown").text("topic", rest.trim())).private()]),
    }
}

/// Stops or restarts announcements of a topic (`None`: all of them) and says so.
pub async fn set(turn: &mut Turn<'_>, off: bool, topic: Option<CategoryCode>) -> Result<Vec<Reply>, StoreError> {
    let person = turn.person.id;
    vicinato_core::announcements::opt_out::set(person, topic.as_ref().map(|c| c.as_str()), off, turn.store(), turn.now)
        .await?;
    let reply = match topic {
        None => Reply::id(if off { "notifications-off" } else { "notifications-on" }),
        Some(code) => Reply::say(
            Msg::new(if off { "notifications-topic-off" } else { "notifications-topic-on" })
                .msg("topic", crate::directory::category_msg(turn, &code)),
        ),
    };
    Ok(vec![reply.private()])
}

#[cfg(test)]
mod tests {
    use super::wish;

    #[test]
    fn off_and_on_are_read_in_both_languages_and_nonsense_is_not() {
        for off in ["off", "OFF", "stop", "basta", "disattiva"] {
            assert_eq!(wish(off), Some(true), "{off}");
        }
        for on in ["on", "sì", "attiva", "riattiva", "enable"] {
            assert_eq!(wish(on), Some(false), "{on}");
        }
        assert_eq!(wish("forse"), None);
    }
}
