//! Governance by chat: `/review` lists what waits for this staff member or moderator (submitted
//! initiatives to check, threshold reached ones to decide in phase 1, hidden ones to look at),
//! `/phase <area> 1|2` moves a territory between institutional and community decisions
//! (audited), and `/stats [area]` gives the participation figures per month.

use super::browse::card;
use super::common::territory_name;
use crate::chart::Chart;
use crate::i18n::Msg;
use crate::{Block, Reply, Turn};
use chrono::{DateTime, Datelike, Duration, TimeZone, Utc};
use chrono_tz::Tz;
use std::collections::{BTreeMap, BTreeSet};
use vicinato_domain::initiative::*;
use vicinato_domain::text::fold;
use vicinato_domain::{Role, TerritoryId, TerritoryTree};
use vicinato_store::{Activity, ParticipationEvent, StoreError};

/// The territories where this person holds a role (all, for admins).
fn scopes(turn: &Turn<'_>, role: Role) -> Vec<Option<TerritoryId>> {
    let mut out: Vec<Option<TerritoryId>> = turn
        .person
        .roles
        .iter()
        .filter(|g| g.role == role || g.role == Role::Admin || (role == Role::Moderator && g.role == Role::Staff))
        .map(|g| if g.role == Role::Admin { None } else { g.territory.clone() })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// `/review`: what waits for me.
pub(crate) async fn review(turn: &mut Turn<'_>) -> Result<Vec<Reply>, StoreError> {
    if !turn.person.holds(Role::Staff) && !turn.person.holds(Role::Moderator) {
        return Ok(vec![Reply::id("not-allowed")]);
    }
    let tree = turn.snapshot.tree.clone();
    let mut waiting: Vec<Initiative> = Vec::new();
    let mut seen = BTreeSet::new();
    let staff = scopes(turn, Role::Staff);
    let moderator = scopes(turn, Role::Moderator);
    let paths = |scopes: &[Option<TerritoryId>]| -> Vec<Option<String>> {
        scopes.iter().map(|s| s.as_ref().map(|t| tree.path(t))).collect()
    };
    for path in paths(&staff) {
        let q = InitiativeQuery {
            territory_path: path,
            statuses: vec![Status::Submitted, Status::ThresholdReached],
            include_hidden: true,
            limit: 20,
            ..Default::default()
        };
        waiting.extend(turn.store().initiatives(&q).await?);
    }
    for path in paths(&moderator) {
        let q = InitiativeQuery { territory_path: path, include_hidden: true, limit: 50, ..Default::default() };
        waiting.extend(turn.store().initiatives(&q).await?.into_iter().filter(|i| i.hidden));
    }
    waiting.retain(|i| seen.insert(i.id));
    // Threshold reached in phase 2 is for the vote, not for staff.
    let set = turn.store().governance().await?;
    waiting.retain(|i| {
        i.hidden
            || i.status == Status::Submitted
            || super::common::phase_in(&tree, &set, &i.territory) == Phase::Institutional
    });
    if waiting.is_empty() {
        return Ok(vec![Reply::id("ini-review-none")]);
    }
    let mut replies = vec![Reply::say(Msg::new("ini-review").num("n", waiting.len() as i64))];
    for ini in waiting.iter().take(10) {
        replies.push(card(turn, ini).await?);
    }
    Ok(replies)
}

/// `/phase <area> <1|2>`: staff of the area (or admins) choose who decides there.
pub(crate) async fn phase(turn: &mut Turn<'_>, args: Option<&str>) -> Result<Vec<Reply>, StoreError> {
    let args = args.unwrap_or("").trim();
    let (area, phase) = match args.rsplit_once(' ') {
        Some((area, p)) => (area, Phase::parse(p)),
        None => (args, None),
    };
    let territory = turn.snapshot.tree.names_in(&fold(area)).into_iter().next().map(|(id, _)| id).or_else(|| {
        let id = TerritoryId::new(area.trim());
        turn.snapshot.tree.get(&id).map(|_| id)
    });
    let (Some(territory), Some(phase)) = (territory, phase) else {
        if let Some(t) = turn.snapshot.tree.names_in(&fold(args)).into_iter().next().map(|(id, _)| id) {
            let now = super::common::phase_of(turn, &t).await?;
            return Ok(vec![Reply::say(
                Msg::new("ini-phase-is")
                    .text("area", territory_name(turn, &t))
                    .msg("phase", Msg::new(format!("ini-phase-{}", now.as_str()))),
            )]);
        }
        return Ok(vec![Reply::id("ini-phase-usage")]);
    };
    let set = vicinato_core::initiatives::decide::set_phase(
        &turn.person,
        &territory,
        phase,
        super::common::ctx(turn),
        turn.store(),
        turn.now,
    )
    .await?;
    if let Err(refusal) = set {
        return Ok(vec![super::common::refused(turn, &refusal)]);
    }
    Ok(vec![Reply::say(
        Msg::new("ini-phase-set")
            .text("area", territory_name(turn, &territory))
            .msg("phase", Msg::new(format!("ini-phase-{}", phase.as_str()))),
    )])
}

/// Months of participation figures `/stats` shows, this one included.
const STATS_MONTHS: u32 = 6;

/// `/stats [area]`: participation per month, for staff of the area, as lines and a chart.
pub(crate) async fn stats(turn: &mut Turn<'_>, args: Option<&str>) -> Result<Vec<Reply>, StoreError> {
    let named = args.and_then(|a| turn.snapshot.tree.names_in(&fold(a)).into_iter().next().map(|(id, _)| id));
    let scope = named.or_else(|| scopes(turn, Role::Staff).into_iter().flatten().next());
    let Some(territory) = scope.or_else(|| turn.snapshot.tree.roots().next().map(|t| t.id.clone())) else {
        return Ok(vec![Reply::id("ini-no-areas")]);
    };
    if !turn.person.may(Role::Staff, Some(&territory), &turn.snapshot.tree) {
        return Ok(vec![Reply::id("not-allowed")]);
    }
    let zone = turn.engine.settings().time_zone;
    let (from, to) = months_back(turn.now, zone, STATS_MONTHS);
    let path = turn.snapshot.tree.path(&territory);
    let events = turn.store().participation_events(&path, from, to).await?;
    let rows = table(&events, &turn.snapshot.tree, Some(&territory), zone);
    let area = territory_name(turn, &territory);
    let mut reply = Reply::say(Msg::new("ini-stats").text("area", area.clone()));
    if rows.is_empty() {
        reply = reply.then(Msg::new("ini-stats-none"));
    }
    for r in rows {
        reply = reply.then(
            Msg::new("ini-stats-line")
                .text("month", r.month)
                .num("proposed", r.proposed as i64)
                .num("supports", r.supports as i64)
                .num("held", r.held as i64)
                .num("people", r.people as i64)
                .num("bookings", r.bookings as i64),
        );
    }
    let figures = Figures { events: &events, zone, from, months: STATS_MONTHS };
    reply.blocks.push(Block::Chart(chart(&figures, territory.as_str(), &area)));
    Ok(vec![reply.private()])
}

/// The participation events of an area over some months, for a chart.
pub struct Figures<'a> {
    /// Only the area's (as `participation_events` returns them).
    pub events: &'a [ParticipationEvent],
    pub zone: Tz,
    /// The first instant of the first month (from `months_back`).
    pub from: DateTime<Utc>,
    pub months: u32,
}

/// The `(year, month)` of each month from `from`'s on, `months` of them.
fn month_keys(from: DateTime<Utc>, zone: Tz, months: u32) -> Vec<(i32, u32)> {
    let first = from.with_timezone(&zone);
    (0..months as i32)
        .map(|i| {
            let n = first.year() * 12 + first.month0() as i32 + i;
            (n.div_euclid(12), n.rem_euclid(12) as u32 + 1)
        })
        .collect()
}

/// The chart of participation per month (every month, those without activity as zeros) with
/// its one-line summary. `key` names the file (a territory id, or `all`); `area` is shown.
pub fn chart(figures: &Figures<'_>, key: &str, area: &str) -> Chart {
    let months = month_keys(figures.from, figures.zone, figures.months);
    let per_month = tally(figures.events, |e| Some(e.at.with_timezone(&figures.zone).format("%Y-%m").to_string()));
    let whole = tally(figures.events, |_| Some(String::new()));
    let row = |m: &str| per_month.iter().find(|(k, _)| k == m).map(|(_, r)| *r).unwrap_or_default();
    let keys: Vec<String> = months.iter().map(|(y, m)| format!("{y:04}-{m:02}")).collect();
    let values = |f: fn(&Counts) -> u64| keys.iter().map(|k| f(&row(k))).collect::<Vec<u64>>();
    let total = whole.first().map(|(_, r)| *r).unwrap_or_default();
    let last = keys.last().cloned().unwrap_or_default();
    Chart {
        name: format!("participation-{key}-{last}"),
        title: Msg::new("chart-participation-title").text("area", area).num("months", i64::from(figures.months)),
        labels: months
            .iter()
            .map(|(y, m)| Msg::new("chart-month").num("month", i64::from(*m)).text("year", y.to_string()))
            .collect(),
        series: vec![
            (Msg::new("chart-series-proposed"), values(|c| c.proposed)),
            (Msg::new("chart-series-supports"), values(|c| c.supports)),
            (Msg::new("chart-series-held"), values(|c| c.held)),
            (Msg::new("chart-series-people"), values(|c| c.people)),
            (Msg::new("chart-series-bookings"), values(|c| c.bookings)),
        ],
        summary: Msg::new("chart-participation-summary")
            .text("area", area)
            .num("months", i64::from(figures.months))
            .num("proposed", total.proposed as i64)
            .num("supports", total.supports as i64)
            .num("held", total.held as i64)
            .num("people", total.people as i64)
            .num("bookings", total.bookings as i64),
    }
}

/// What is counted for one row of participation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Counts {
    proposed: u64,
    supports: u64,
    held: u64,
    people: u64,
    bookings: u64,
}

/// Counts events per key (in key order); an event whose key is `None` is left out. Distinct
/// residents are counted once per key: those who proposed, supported, joined, voted or
/// commented (a booking or an activity held is the author's, not a resident taking part).
fn tally<K: Ord + Clone>(
    events: &[ParticipationEvent],
    key: impl Fn(&ParticipationEvent) -> Option<K>,
) -> Vec<(K, Counts)> {
    let mut rows: BTreeMap<K, (Counts, BTreeSet<i64>)> = BTreeMap::new();
    for e in events {
        let Some(k) = key(e) else { continue };
        let (row, people) = rows.entry(k).or_default();
        match e.what {
            Activity::Proposed => row.proposed += 1,
            Activity::Supported => row.supports += 1,
            Activity::Held => row.held += 1,
            Activity::Booked => row.bookings += 1,
            Activity::Joined | Activity::Voted | Activity::Commented => {}
        }
        // Who booked took part; an activity held is its author's only on paper.
        if e.what != Activity::Held
            && let Some(p) = e.person
        {
            people.insert(p.0);
        }
    }
    rows.into_iter()
        .map(|(k, (mut row, people))| {
            row.people = people.len() as u64;
            (k, row)
        })
        .collect()
}

/// The first instant of the month `months - 1` months before `now`'s, and `now`.
pub fn months_back(now: DateTime<Utc>, zone: Tz, months: u32) -> (DateTime<Utc>, DateTime<Utc>) {
    let local = now.with_timezone(&zone);
    let mut year = local.year();
    let mut month = local.month() as i32 - (months.max(1) as i32 - 1);
    while month < 1 {
        month += 12;
        year -= 1;
    }
    let first = zone
        .with_ymd_and_hms(year, month as u32, 1, 0, 0, 0)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or(now - Duration::days(31 * i64::from(months)));
    (first, now + Duration::seconds(1))
}

/// Participation per territory and month, from events. With `rollup`, every territory beneath
/// it counts as it; otherwise each event counts for its own territory.
pub fn table(
    events: &[ParticipationEvent],
    tree: &TerritoryTree,
    rollup: Option<&TerritoryId>,
    zone: Tz,
) -> Vec<Participation> {
    let rows = tally(events, |e| {
        let territory = match rollup {
            Some(t) if tree.contains(t, &e.territory) => t.clone(),
            Some(_) => return None,
            None => e.territory.clone(),
        };
        Some((territory.to_string(), territory, e.at.with_timezone(&zone).format("%Y-%m").to_string()))
    });
    rows.into_iter()
        .map(|((_, territory, month), c)| Participation {
            territory,
            month,
            proposed: c.proposed,
            supports: c.supports,
            held: c.held,
            people: c.people,
            bookings: c.bookings,
        })
        .collect()
}

/// `vicinato report participation --format csv`: one row per territory and month.
pub fn csv(rows: &[Participation]) -> anyhow::Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    vicinato_core::csv_safe::write_row(
        &mut w,
        ["territory", "month", "proposed", "supports", "held", "people", "bookings"],
    )?;
    for r in rows {
        vicinato_core::csv_safe::write_row(
            &mut w,
            [
                r.territory.as_str(),
                &r.month,
                &r.proposed.to_string(),
                &r.supports.to_string(),
                &r.held.to_string(),
                &r.people.to_string(),
                &r.bookings.to_string(),
            ],
        )?;
    }
    Ok(String::from_utf8(w.into_inner()?)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use vicinato_domain::PersonId;
    use vicinato_domain::territory::fixtures::small_tree;

    fn event(what: Activity, territory: &str, day: u32, person: i64) -> ParticipationEvent {
        ParticipationEvent {
            what,
            territory: TerritoryId::new(territory),
            at: Utc.with_ymd_and_hms(2026, 11, day, 12, 0, 0).unwrap(),
            person: Some(PersonId(person)),
        }
    }

    #[test]
    fn the_chart_has_every_month_across_a_new_year_and_counts_residents_once_in_its_summary() {
        let zone = chrono_tz::Europe::Rome;
        let now = Utc.with_ymd_and_hms(2027, 1, 10, 12, 0, 0).unwrap();
        let (from, _) = months_back(now, zone, 4);
        let events = vec![
            event(Activity::Proposed, "centocelle", 2, 1),
            event(Activity::Supported, "centocelle", 3, 2),
            event(Activity::Held, "centocelle", 20, 1),
            ParticipationEvent {
                what: Activity::Supported,
                territory: TerritoryId::new("centocelle"),
                at: Utc.with_ymd_and_hms(2027, 1, 5, 9, 0, 0).unwrap(),
                person: Some(PersonId(2)),
            },
        ];
        let figures = Figures { events: &events, zone, from, months: 4 };
        let c = chart(&figures, "centocelle", "Centocelle");
        assert_eq!(c.name, "participation-centocelle-2027-01");
        let i18n = crate::i18n::I18n::embedded().unwrap();
        let it = |m: &Msg| i18n.render(vicinato_domain::Lang::It, m);
        assert_eq!(c.labels.iter().map(it).collect::<Vec<_>>(), ["ott 2026", "nov 2026", "dic 2026", "gen 2027"]);
        let values: Vec<&[u64]> = c.series.iter().map(|(_, v)| v.as_slice()).collect();
        assert_eq!(values, [&[0, 1, 0, 0][..], &[0, 1, 0, 1], &[0, 1, 0, 0], &[0, 2, 0, 1], &[0, 0, 0, 0]]);
        assert_eq!(
            it(&c.summary),
            "Grafico della partecipazione a Centocelle negli ultimi 4 mesi: 1 iniziativa proposta, 2 sostegni, \
             1 attività svolta, 2 residenti coinvolti, 0 prenotazioni."
        );
        assert_eq!(it(&c.title), "Partecipazione a Centocelle, ultimi 4 mesi");
        let en = i18n.render(vicinato_domain::Lang::En, &c.labels[3]);
        assert_eq!(en, "Jan 2027");
    }

    #[test]
    fn a_formula_in_the_participation_csv_is_neutralised() {
        let row = Participation {
            territory: TerritoryId::new("=HYPERLINK(\"http://evil.example\")"),
            month: "2026-11".into(),
            proposed: 1,
            supports: 0,
            held: 0,
            people: 1,
            bookings: 0,
        };
        let text = csv(&[row]).unwrap();
        let line = text.lines().nth(1).unwrap();
        assert!(line.starts_with("\"'=HYPERLINK("), "{line}");
    }

    #[test]
    fn participation_counts_distinct_people_per_territory_and_month() {
        let tree = small_tree();
        let events = vec![
            event(Activity::Proposed, "centocelle", 2, 1),
            event(Activity::Supported, "centocelle", 3, 2),
            event(Activity::Supported, "centocelle", 3, 3),
            event(Activity::Joined, "centocelle", 4, 2),
            event(Activity::Held, "centocelle", 20, 1),
            event(Activity::Booked, "centocelle", 20, 1),
            event(Activity::Supported, "san-lorenzo", 5, 9),
        ];
        let own = table(&events, &tree, None, chrono_tz::Europe::Rome);
        assert_eq!(own.len(), 2);
        let c = own.iter().find(|r| r.territory.as_str() == "centocelle").unwrap();
        assert_eq!(
            (c.month.as_str(), c.proposed, c.supports, c.held, c.people, c.bookings),
            ("2026-11", 1, 2, 1, 3, 1)
        );
        let rolled = table(&events, &tree, Some(&TerritoryId::new("roma-m05")), chrono_tz::Europe::Rome);
        assert_eq!(rolled.len(), 1, "san lorenzo is not in municipio V");
        let text = csv(&rolled).unwrap();
        assert_eq!(text.lines().next(), Some("territory,month,proposed,supports,held,people,bookings"));
        assert_eq!(text.lines().nth(1), Some("roma-m05,2026-11,1,2,1,3,1"));
    }
}
