//! `/escalation` (`/escalation`, `/escalation 2 14 12h 3d`, `/escalation default`): a
//! territory's own escalation of warnings, shown or set. In a linked group it is the room's
//! territory's; privately the territory comes first (`/escalation centocelle 2 14 12h 3d`).
//! The mute is read in hours (`12`, `12h`, `1d`), the ban in days (`3`, `3d`, `1w`). The rules
//! (who may, the lookup up the tree) are core's.

use super::place;
use crate::i18n::Msg;
use crate::{Reply, Turn};
use vicinato_core::rooms::Refusal;
use vicinato_core::rooms::escalation::{Change, EscalationInput, Holding, escalation};
use vicinato_domain::rooms::{Escalation, parse_duration};
use vicinato_store::StoreError;

/// A whole number of `unit` minutes: a plain number, or a duration that divides evenly.
fn amount(word: &str, unit_minutes: i64) -> Option<u32> {
    if let Ok(n) = word.parse::<u32>() {
        return Some(n);
    }
    let minutes = parse_duration(word)?.num_minutes();
    (minutes % unit_minutes == 0).then(|| u32::try_from(minutes / unit_minutes).ok()).flatten()
}

/// Reads what follows `/escalation`: the territory typed (if any) and the change.
fn read(args: &str) -> Result<(Option<String>, Change), Refusal> {
    let words: Vec<&str> = args.split_whitespace().collect();
    let territory = |upto: usize| (upto > 0).then(|| words[..upto].join(" "));
    if let Some(last) = words.last()
        && matches!(vicinato_domain::text::fold(last).as_str(), "default" | "predefinita" | "predefinito")
    {
        return Ok((territory(words.len() - 1), Change::Clear));
    }
    let numeric = |w: &str| w.starts_with(|c: char| c.is_ascii_digit());
    let tail = words.iter().rev().take_while(|w| numeric(w)).count();
    if tail == 0 {
        return Ok((territory(words.len()), Change::Show));
    }
    if tail != 4 {
        return Err(Refusal::EscalationOutOfRange);
    }
    let n = &words[words.len() - 4..];
    let read = || -> Option<Escalation> {
        Some(Escalation {
            warnings: n[0].parse().ok()?,
            window_days: amount(n[1], 24 * 60)?,
            mute_hours: amount(n[2], 60)?,
            ban_days: amount(n[3], 24 * 60)?,
        })
    };
    match read() {
        Some(e) => Ok((territory(words.len() - 4), Change::Set(e))),
        None => Err(Refusal::EscalationOutOfRange),
    }
}

/// How an escalation reads, and where it comes from.
fn shown(turn: &Turn<'_>, h: &Holding) -> Reply {
    let tree = &turn.snapshot.tree;
    let name = |t: &vicinato_domain::TerritoryId| tree.get(t).map_or_else(|| t.as_str().to_owned(), |x| x.name.clone());
    let e = &h.escalation;
    let reply = Reply::say(
        Msg::new("rooms-escalation")
            .text("territory", name(&h.territory))
            .num("warnings", i64::from(e.warnings))
            .num("days", i64::from(e.window_days))
            .num("hours", i64::from(e.mute_hours))
            .num("ban", i64::from(e.ban_days)),
    );
    reply.then(match &h.from {
        Some(t) if t == &h.territory => Msg::new("rooms-escalation-own"),
        Some(t) => Msg::new("rooms-escalation-inherited").text("from", name(t)),
        None => Msg::new("rooms-escalation-default"),
    })
}

/// `/escalation …`.
pub(crate) async fn command(turn: &mut Turn<'_>, args: Option<&str>) -> Result<Vec<Reply>, StoreError> {
    let (territory, change) = match read(args.unwrap_or_default()) {
        Ok(read) => read,
        Err(refusal) => return Ok(vec![Reply::refused(&refusal)]),
    };
    let here = place(turn);
    let territory =
        if here.group { None } else { territory.or_else(|| turn.person.home.as_ref().map(|h| h.as_str().to_owned())) };
    let input = EscalationInput { place: here, territory, change };
    let tree = turn.snapshot.tree.clone();
    let default = turn.engine.settings().escalation;
    Ok(vec![match escalation(&turn.person, input, turn.store(), &tree, &default, turn.now).await? {
        Ok(holding) => shown(turn, &holding),
        Err(refusal) => Reply::refused(&refusal),
    }])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escalation_arguments_read_numbers_and_durations_after_an_optional_territory() {
        let e = Escalation { warnings: 2, window_days: 14, mute_hours: 12, ban_days: 3 };
        assert_eq!(read("2 14 12h 3d").unwrap(), (None, Change::Set(e)));
        assert_eq!(read("2 14 12 3").unwrap(), (None, Change::Set(e)));
        assert_eq!(read("san lorenzo 2 2w 1d 1w").unwrap().0.as_deref(), Some("san lorenzo"));
        assert_eq!(read("").unwrap(), (None, Change::Show));
        assert_eq!(read("centocelle").unwrap(), (Some("centocelle".into()), Change::Show));
        assert_eq!(read("centocelle predefinita").unwrap(), (Some("centocelle".into()), Change::Clear));
        for bad in ["2 14", "2 14 90m 3d", "2 14 12h 3x", "x 14 12h 3d 4"] {
            assert!(read(bad).is_err(), "{bad}");
        }
    }
}
