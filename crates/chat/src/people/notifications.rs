//! `/notifications [off|on]` (`/notifiche`, `/avvisi`): a resident stops or restarts staff
//! announcements for themselves, the line every announcement ends with. The rule is
//! `vicinato_core::announcements::opt_out`; this file reads the argument and answers.

use crate::i18n::Msg;
use crate::{Reply, Turn};
use vicinato_domain::ALL_TOPICS;
use vicinato_domain::text::fold;
use vicinato_store::StoreError;

/// What the argument asks: stop (`Some(true)`), restart (`Some(false)`), or nothing readable.
fn wish(arg: &str) -> Option<bool> {
    match fold(arg).as_str() {
        "off" | "no" | "stop" | "basta" | "spento" | "spenti" | "disattiva" | "disattivati" | "disable" => Some(true),
        "on" | "si" | "yes" | "acceso" | "accesi" | "attiva" | "attivati" | "riattiva" | "enable" => Some(false),
        _ => None,
    }
}

pub async fn command(turn: &mut Turn<'_>, arg: Option<&str>) -> Result<Vec<Reply>, StoreError> {
    let person = turn.person.id;
    let Some(arg) = arg.map(str::trim).filter(|a| !a.is_empty()) else {
        let off = turn.store().opt_outs(person).await?.iter().any(|t| t == ALL_TOPICS);
        let id = if off { "notifications-status-off" } else { "notifications-status-on" };
        return Ok(vec![Reply::say(Msg::new(id)).private()]);
    };
    let Some(off) = wish(arg) else {
        return Ok(vec![Reply::say(Msg::new("notifications-usage")).private()]);
    };
    vicinato_core::announcements::opt_out::set(person, None, off, turn.store(), turn.now).await?;
    let id = if off { "notifications-off" } else { "notifications-on" };
    Ok(vec![Reply::say(Msg::new(id)).private()])
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
