//! Community rooms and their moderation as plain values: a room (a group chat on some network)
//! linked to a territory with a purpose, a sanction (a warning, a mute, a ban) held by a
//! Vicinato person in a territory, an entry of the moderation log, the escalation rule, the
//! actions a transport carries out in a room, the texts of a room or territory (rules,
//! welcome, join questions, per language), the cases moderators decide (a join request being
//! answered, a report, an appeal), and the reading of durations ("30m", "2 ore", "3 giorni").
//! Names no network's API and does no I/O: transports turn a [`RoomAction`] into their own
//! calls.

use super::ids::{Lang, PersonId, TerritoryId};
use super::person::Network;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// What a room of a territory is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RoomPurpose {
    General,
    Announcements,
    Moderators,
}

impl RoomPurpose {
    pub const ALL: [RoomPurpose; 3] = [Self::General, Self::Announcements, Self::Moderators];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::General => "general",
            Self::Announcements => "announcements",
            Self::Moderators => "moderators",
        }
    }

    /// Reads a purpose as typed, in English or Italian.
    pub fn parse(raw: &str) -> Option<Self> {
        match crate::text::fold(raw).as_str() {
            "general" | "generale" => Some(Self::General),
            "announcements" | "annunci" | "avvisi" => Some(Self::Announcements),
            "moderators" | "moderatori" | "moderazione" => Some(Self::Moderators),
            _ => None,
        }
    }
}

/// A group chat linked to a territory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Room {
    pub network: Network,
    /// The chat's id on its network.
    pub chat_id: String,
    pub territory: TerritoryId,
    pub purpose: RoomPurpose,
    pub linked_by: PersonId,
    pub linked_at: DateTime<Utc>,
}

/// What a sanction does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SanctionKind {
    Warning,
    Mute,
    Ban,
}

impl SanctionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Warning => "warning",
            Self::Mute => "mute",
            Self::Ban => "ban",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "warning" => Some(Self::Warning),
            "mute" => Some(Self::Mute),
            "ban" => Some(Self::Ban),
            _ => None,
        }
    }
}

/// A sanction held by a person in a territory (and its subtree). Timed ones end at `until`
/// through a persisted job; `lifted_at` is set once, when it ends or is lifted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sanction {
    /// Unique, made when the sanction is given; the job that ends it names it.
    pub key: String,
    pub person: PersonId,
    pub territory: TerritoryId,
    pub kind: SanctionKind,
    pub reason: String,
    pub by: Option<PersonId>,
    pub at: DateTime<Utc>,
    pub until: Option<DateTime<Utc>>,
    pub lifted_at: Option<DateTime<Utc>>,
}

impl Sanction {
    /// Whether it holds at `now`.
    pub fn holds(&self, now: DateTime<Utc>) -> bool {
        self.lifted_at.is_none() && self.until.is_none_or(|u| u > now)
    }
}

/// One entry of the moderation log: who did what to whom, when, why, where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModEntry {
    pub at: DateTime<Utc>,
    /// `None`: Vicinato itself (a sanction that ran out, an escalation).
    pub actor: Option<PersonId>,
    pub subject: Option<PersonId>,
    /// `link`, `unlink`, `warn`, `unwarn`, `mute`, `unmute`, `ban`, `unban`, `kick`, `delete`.
    pub action: String,
    pub reason: String,
    pub territory: TerritoryId,
    pub network: Option<Network>,
    pub chat: Option<String>,
    pub until: Option<DateTime<Utc>>,
}

/// How warnings escalate in a territory: `warnings` within `window` mute for `mute`; one
/// more warning while muted or after bans for `ban`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Escalation {
    pub warnings: u32,
    pub window_days: u32,
    pub mute_hours: u32,
    pub ban_days: u32,
}

impl Default for Escalation {
    fn default() -> Self {
        Self { warnings: 3, window_days: 30, mute_hours: 24, ban_days: 7 }
    }
}

impl Escalation {
    /// What `count` warnings within the window bring: nothing, a mute or a ban, and for how long.
    pub fn after(&self, count: u32) -> Option<(SanctionKind, Duration)> {
        if self.warnings == 0 || count < self.warnings {
            None
        } else if count == self.warnings {
            Some((SanctionKind::Mute, Duration::hours(i64::from(self.mute_hours))))
        } else {
            Some((SanctionKind::Ban, Duration::days(i64::from(self.ban_days))))
        }
    }
}

/// What a transport does in a room to a member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RoomActionKind {
    /// The member may read but not write, until the time given (for good without one).
    Restrict { until: Option<DateTime<Utc>> },
    /// The member may write again.
    Unrestrict,
    /// The member is removed and may not come back, until the time given.
    Ban { until: Option<DateTime<Utc>> },
    /// The member may come back (only if banned: nobody is removed by it).
    Unban,
    /// The member is removed and may come back.
    Kick,
    /// A message is deleted.
    Delete { message_id: String },
    /// The member's request to join is granted.
    ApproveJoin,
    /// The member's request to join is refused.
    DeclineJoin,
}

/// One action in one room on one network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomAction {
    pub network: Network,
    pub chat_id: String,
    /// The member's id on that network.
    pub member: String,
    pub kind: RoomActionKind,
    /// Why, as the moderator wrote it (empty when none was given): networks that keep a
    /// reason with a ban or a removal show it.
    #[serde(default)]
    pub reason: String,
}

/// What a text of a room or territory is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TextKind {
    Rules,
    Welcome,
    /// The questions asked before joining, one a line.
    Questions,
}

impl TextKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Rules => "rules",
            Self::Welcome => "welcome",
            Self::Questions => "questions",
        }
    }
}

/// What a text belongs to: one room, or a territory (and the rooms of its subtree without
/// their own).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TextScope {
    Room { network: Network, chat_id: String },
    Territory(TerritoryId),
}

impl TextScope {
    /// The key it is stored under.
    pub fn key(&self) -> String {
        match self {
            Self::Room { network, chat_id } => format!("room:{network}:{chat_id}"),
            Self::Territory(t) => format!("territory:{t}"),
        }
    }
}

/// The rules, welcome or join questions of a room or territory, in one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomText {
    pub scope: TextScope,
    pub kind: TextKind,
    pub lang: Lang,
    pub text: String,
}

/// The longest text of rules or welcome kept.
pub const MAX_ROOM_TEXT_CHARS: usize = 2000;

/// What a case is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CaseKind {
    /// A request to join a room, while its questions are answered.
    Join,
    /// A member's report of a message.
    Report,
    /// A sanctioned person's appeal.
    Appeal,
    /// A newcomer's message with a link or forwarded media, taken out of the room by the
    /// protections until a moderator releases or deletes it.
    Held,
}

impl CaseKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Join => "join",
            Self::Report => "report",
            Self::Appeal => "appeal",
            Self::Held => "held",
        }
    }
}

/// A photo, video or file a member posted, as the network keeps it (Telegram's `file_id`, which
/// the same bot may send again in any chat without downloading it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Media {
    pub kind: MediaKind,
    pub file_id: String,
}

/// What kind of file a [`Media`] is: each is sent again by its own call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MediaKind {
    Photo,
    Video,
    Animation,
    Document,
    Audio,
    Voice,
}

impl MediaKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Photo => "photo",
            Self::Video => "video",
            Self::Animation => "animation",
            Self::Document => "document",
            Self::Audio => "audio",
            Self::Voice => "voice",
        }
    }
}

/// How a case was closed: by whom (`None`: Vicinato), what was done, when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Closed {
    pub by: Option<PersonId>,
    pub action: String,
    pub at: DateTime<Utc>,
}

/// Something waiting for an answer: a join request (its questions answered so far), a report
/// of a message to the territory's moderators, or an appeal against a sanction. Closed once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Case {
    /// Unique; buttons name it.
    pub key: String,
    pub kind: CaseKind,
    pub territory: TerritoryId,
    /// The room it is about (a report's, a join request's; an appeal's sanction has none).
    pub network: Network,
    pub chat_id: String,
    /// Who opened it: the person joining, the reporter, the appellant.
    pub by: PersonId,
    /// Whom it is about: the person joining, the reported member, the appellant.
    pub subject: PersonId,
    /// The subject's account on `network`, and the name it shows.
    pub subject_account: String,
    pub subject_name: String,
    /// The message reported.
    pub message_id: Option<String>,
    /// The reported message's text, or the appeal's.
    pub text: String,
    pub reason: String,
    /// An appeal: the sanction appealed against, and who gave it.
    pub sanction: Option<String>,
    pub acted_by: Option<PersonId>,
    /// A join request: how many questions were answered yes.
    pub answered: u32,
    /// A held message's photo, video or file, posted again when it is released.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media: Option<Media>,
    pub at: DateTime<Utc>,
    pub closed: Option<Closed>,
}

/// The protections of a room: flood (more than `flood_messages` messages within
/// `flood_seconds` seconds from one member mutes them for [`FLOOD_MUTE_MINUTES`]), and
/// holding newcomers' first messages with links or forwarded media for a moderator. Flood is
/// on by default, holding off. Never applied to moderators, staff or admins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Protections {
    /// `0`: no flood protection.
    pub flood_messages: u32,
    pub flood_seconds: u32,
    pub hold_links: bool,
}

impl Default for Protections {
    fn default() -> Self {
        Self { flood_messages: 5, flood_seconds: 10, hold_links: false }
    }
}

/// How long a member who floods a room is muted.
pub const FLOOD_MUTE_MINUTES: i64 = 10;
/// How many of a member's first messages in a room count as a newcomer's.
pub const NEWCOMER_MESSAGES: u32 = 3;
/// The widest flood setting: messages and seconds.
pub const MAX_FLOOD_MESSAGES: u32 = 100;
pub const MAX_FLOOD_SECONDS: u32 = 3600;

/// A room's own settings: its protections and the languages its public messages are written
/// in (Italian, or Italian then English).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomSettings {
    pub protections: Protections,
    /// Never empty; the first is the room's main language.
    pub langs: Vec<Lang>,
}

impl Default for RoomSettings {
    fn default() -> Self {
        Self { protections: Protections::default(), langs: vec![Lang::It] }
    }
}

/// Whether a text carries a link: a URL, a `www.` address, a Telegram `t.me/` link or a
/// Matrix `matrix.to` one, or a bare domain with a common top-level domain.
pub fn has_link(text: &str) -> bool {
    const TLDS: [&str; 12] =
        [".com", ".it", ".org", ".net", ".io", ".me", ".ly", ".eu", ".info", ".biz", ".xyz", ".ru"];
    let lower = text.to_lowercase();
    if ["http://", "https://", "www.", "t.me/", "telegram.me/", "matrix.to/"].iter().any(|p| lower.contains(p)) {
        return true;
    }
    lower.split(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | '<' | '>' | '"' | '\'' | ',')).any(|word| {
        let word = word.trim_end_matches(['.', '!', '?', ';', ':']);
        TLDS.iter().any(|tld| {
            word.find(tld).is_some_and(|at| {
                let after = &word[at + tld.len()..];
                at > 0
                    && word[..at].chars().all(|c| c.is_alphanumeric() || c == '-' || c == '.')
                    && (after.is_empty() || after.starts_with('/'))
            })
        })
    })
}

/// The longest sanction that can be typed: a year.
pub const MAX_SANCTION_DAYS: i64 = 366;

/// Reads a duration as moderators type it: `30m`, `2h`, `1d`, `1w`, `2 ore`, `3 giorni`,
/// `1 settimana`, `45 minutes`. Bounded to a year; `None` for anything else.
pub fn parse_duration(text: &str) -> Option<Duration> {
    // "-1h" would fold to "1h": a sign is refused before folding.
    if !text.trim_start().starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let folded = crate::text::fold(text);
    let t = folded.trim();
    let digits: String = t.chars().take_while(char::is_ascii_digit).collect();
    if digits.is_empty() || digits.len() > 6 {
        return None;
    }
    let n: i64 = digits.parse().ok()?;
    let unit = t[digits.len()..].trim();
    let minutes_per = match unit {
        "m" | "min" | "mins" | "minute" | "minutes" | "minuto" | "minuti" => 1,
        "h" | "hr" | "hour" | "hours" | "ora" | "ore" => 60,
        "d" | "day" | "days" | "g" | "giorno" | "giorni" => 60 * 24,
        "w" | "week" | "weeks" | "settimana" | "settimane" | "sett" => 60 * 24 * 7,
        _ => return None,
    };
    let minutes = n.checked_mul(minutes_per)?;
    (n > 0 && minutes <= MAX_SANCTION_DAYS * 24 * 60).then(|| Duration::minutes(minutes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_read_in_short_english_and_italian_forms() {
        assert_eq!(parse_duration("30m"), Some(Duration::minutes(30)));
        assert_eq!(parse_duration("2h"), Some(Duration::hours(2)));
        assert_eq!(parse_duration("1d"), Some(Duration::days(1)));
        assert_eq!(parse_duration("1w"), Some(Duration::weeks(1)));
        assert_eq!(parse_duration("2 ore"), Some(Duration::hours(2)));
        assert_eq!(parse_duration("3 Giorni"), Some(Duration::days(3)));
        assert_eq!(parse_duration("1 settimana"), Some(Duration::weeks(1)));
        assert_eq!(parse_duration("45 minutes"), Some(Duration::minutes(45)));
    }

    #[test]
    fn nonsense_zero_and_more_than_a_year_are_not_durations() {
        for bad in ["", "m", "0m", "2 anni", "-1h", "2x", "999999999w", "400d", "1.5h", "h2"] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
        assert_eq!(parse_duration("366d"), Some(Duration::days(366)));
    }

    #[test]
    fn three_warnings_mute_for_a_day_and_a_fourth_bans_for_a_week() {
        let e = Escalation::default();
        assert_eq!(e.after(2), None);
        assert_eq!(e.after(3), Some((SanctionKind::Mute, Duration::hours(24))));
        assert_eq!(e.after(4), Some((SanctionKind::Ban, Duration::days(7))));
    }

    #[test]
    fn links_are_found_in_urls_addresses_and_bare_domains_but_not_in_plain_words() {
        for linked in [
            "guarda https://example.org/x",
            "www.offerte.it",
            "entra in t.me/joinchat/abc",
            "compra su spam.com!",
            "vai su shop.example.it/saldi",
            "https://matrix.to/#/#room:example.org",
        ] {
            assert!(has_link(linked), "{linked}");
        }
        for plain in ["ciao a tutti.", "ci vediamo alle 10.30", "com'è andata?", "il sito è chiuso", "e.g. domani"] {
            assert!(!has_link(plain), "{plain}");
        }
    }

    #[test]
    fn purposes_are_read_in_both_languages() {
        assert_eq!(RoomPurpose::parse("Annunci"), Some(RoomPurpose::Announcements));
        assert_eq!(RoomPurpose::parse("moderators"), Some(RoomPurpose::Moderators));
        assert_eq!(RoomPurpose::parse("cucina"), None);
        for p in RoomPurpose::ALL {
            assert_eq!(RoomPurpose::parse(p.as_str()), Some(p));
        }
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(10_000))]

        #[test]
        fn any_text_reads_as_nothing_or_a_bounded_duration(text in any::<String>()) {
            if let Some(d) = parse_duration(&text) {
                prop_assert!(d > Duration::zero());
                prop_assert!(d <= Duration::days(MAX_SANCTION_DAYS));
            }
        }

        #[test]
        fn a_written_duration_reads_back_as_itself(
            n in 1i64..=366,
            unit in prop::sample::select(vec![("m", 1i64), ("h", 60), ("d", 1440), (" ore", 60), (" giorni", 1440), ("w", 10080)]),
        ) {
            let minutes = n * unit.1;
            let parsed = parse_duration(&format!("{n}{}", unit.0));
            if minutes <= MAX_SANCTION_DAYS * 1440 {
                prop_assert_eq!(parsed, Some(Duration::minutes(minutes)));
            } else {
                prop_assert_eq!(parsed, None);
            }
        }
    }
}
