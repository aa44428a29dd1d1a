//! Staff announcements: who an announcement is for ([`Audience`]), its texts in each language,
//! its state, and the state of each copy sent to one recipient. Plain values: the core
//! checks who may send what to whom, the store resolves an audience into people, and the
//! transports deliver the copies.
//!
//! An audience is a scope (a territory and its subtree, or everywhere), who in it, and whether
//! the scope's linked rooms (its general and announcements groups, never a moderators room)
//! get a copy too, or only they do ([`RoomsTarget`]). A room's copy is a [`RoomCopy`].

use super::ids::{CategoryCode, Lang, LocationId, PersonId, TerritoryId};
use super::person::{Network, Role};
use super::rooms::RoomPurpose;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The number of an announcement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AnnouncementId(pub i64);

impl fmt::Display for AnnouncementId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Who an announcement is for, within its scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "who", content = "what")]
pub enum Who {
    /// Everyone whose home is in the scope.
    Home,
    /// People whose home is in the scope and who said they are interested in a category.
    Interest(CategoryCode),
    /// Supporters and participants of initiatives of the scope.
    Initiatives,
    /// People with a booking at a welfare house (the scope is the house's territory).
    Bookings(LocationId),
    /// People holding a role in the scope (or everywhere, for admins).
    Role(Role),
}

/// Whether an announcement goes to the linked rooms of its scope.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoomsTarget {
    /// To people only.
    #[default]
    None,
    /// To people and to the rooms.
    Also,
    /// To the rooms only (nobody gets a copy of their own).
    Only,
}

impl RoomsTarget {
    /// Whether the rooms get a copy.
    pub fn rooms(self) -> bool {
        self != Self::None
    }

    /// Whether people get a copy of their own.
    pub fn people(self) -> bool {
        self != Self::Only
    }
}

/// Whether a room of this purpose gets announcements: general and announcements rooms do,
/// a moderators room never does.
pub fn room_gets_announcements(purpose: RoomPurpose) -> bool {
    matches!(purpose, RoomPurpose::General | RoomPurpose::Announcements)
}

/// A scope, who in it, and whether its rooms get a copy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Audience {
    /// A territory and its subtree; `None` is everywhere (admins only).
    pub territory: Option<TerritoryId>,
    pub who: Who,
    /// The scope's linked rooms too, or only them (announcements kept before rooms were a
    /// target read as people only).
    #[serde(default)]
    pub rooms: RoomsTarget,
}

impl Audience {
    /// The opt-out topic an announcement to this audience belongs to: the category for an
    /// interest, else the general one.
    pub fn topic(&self) -> String {
        match &self.who {
            Who::Interest(code) => code.as_str().to_owned(),
            _ => GENERAL_TOPIC.to_owned(),
        }
    }

    /// A short description for lists: `territory:roma-m05 interest:food`, `all`.
    pub fn describe(&self) -> String {
        let scope = match &self.territory {
            Some(t) => format!("territory:{t}"),
            None => "all".to_owned(),
        };
        let people = match &self.who {
            Who::Home => scope,
            Who::Interest(code) => format!("{scope} interest:{code}"),
            Who::Initiatives => format!("{scope} initiatives"),
            Who::Bookings(house) => format!("{scope} bookings:{house}"),
            Who::Role(role) => format!("{scope} role:{}", role.as_str()),
        };
        match self.rooms {
            RoomsTarget::None => people,
            RoomsTarget::Also => format!("{people} +rooms"),
            RoomsTarget::Only => match &self.territory {
                Some(t) => format!("territory:{t} rooms-only"),
                None => "all rooms-only".to_owned(),
            },
        }
    }
}

/// The topic of announcements that are about no category.
pub const GENERAL_TOPIC: &str = "general";
/// The topic that stands for every topic when a person opts out.
pub const ALL_TOPICS: &str = "*";

/// The text of an announcement in each language; Italian is required, the others fall back
/// to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnnouncementTexts {
    pub it: String,
    pub en: Option<String>,
}

impl AnnouncementTexts {
    /// The text a recipient reading `lang` gets.
    pub fn for_lang(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => self.en.as_deref().filter(|t| !t.trim().is_empty()).unwrap_or(&self.it),
            Lang::It => &self.it,
        }
    }
}

/// A repetition of an announcement: after each send the next occurrence is kept as an
/// announcement of the same series.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Recurrence {
    /// Every week on a weekday (1 = Monday … 7 = Sunday) at a local time.
    Weekly { weekday: u8, hour: u8, minute: u8 },
}

impl Recurrence {
    /// The first occurrence strictly after `after`, at the local time of `zone` (Europe/Rome):
    /// the same wall-clock time on either side of a clock change. A local time the spring
    /// change skips is read as the first instant after the gap; one the autumn change repeats,
    /// as its first occurrence.
    pub fn next_after(
        &self,
        after: chrono::DateTime<chrono::Utc>,
        zone: chrono_tz::Tz,
    ) -> chrono::DateTime<chrono::Utc> {
        use chrono::{Datelike, Duration, NaiveTime, TimeZone};
        let Self::Weekly { weekday, hour, minute } = *self;
        let time =
            NaiveTime::from_hms_opt(u32::from(hour.min(23)), u32::from(minute.min(59)), 0).unwrap_or(NaiveTime::MIN);
        let weekday = u32::from(weekday.clamp(1, 7));
        let mut day = after.with_timezone(&zone).date_naive();
        // Eight days always hold the next one (today's may have passed).
        for _ in 0..9 {
            if day.weekday().number_from_monday() == weekday {
                let local = day.and_time(time);
                let at = match zone.from_local_datetime(&local) {
                    chrono::LocalResult::Single(t) | chrono::LocalResult::Ambiguous(t, _) => t,
                    // The spring change skips this hour: the same time an hour later is the
                    // first instant after the gap.
                    chrono::LocalResult::None => zone
                        .from_local_datetime(&(local + Duration::hours(1)))
                        .earliest()
                        .unwrap_or_else(|| zone.from_utc_datetime(&local)),
                }
                .with_timezone(&chrono::Utc);
                if at > after {
                    return at;
                }
            }
            day = day.succ_opt().unwrap_or(day);
        }
        after + Duration::weeks(1)
    }
}

/// Where an announcement is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnnouncementState {
    /// Waiting for a second staff member's approval (the territory asks for one).
    Pending,
    /// Waiting for its time.
    Scheduled,
    /// Its recipients are known and copies are going out.
    Sending,
    /// Every copy is sent, failed, unreachable or opted out.
    Done,
    /// Stopped by staff; what was sent stays sent.
    Cancelled,
}

impl AnnouncementState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Scheduled => "scheduled",
            Self::Sending => "sending",
            Self::Done => "done",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "pending" => Some(Self::Pending),
            "scheduled" => Some(Self::Scheduled),
            "sending" => Some(Self::Sending),
            "done" => Some(Self::Done),
            "cancelled" => Some(Self::Cancelled),
            _ => None,
        }
    }

    /// Whether cancelling still stops something.
    pub fn is_open(self) -> bool {
        matches!(self, Self::Pending | Self::Scheduled | Self::Sending)
    }
}

/// An announcement as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Announcement {
    pub id: AnnouncementId,
    /// Who wrote it; `None` for the operator at the command line (or an erased author).
    pub author: Option<PersonId>,
    pub texts: AnnouncementTexts,
    pub audience: Audience,
    /// When it goes out (UTC).
    pub at: chrono::DateTime<chrono::Utc>,
    pub recurrence: Option<Recurrence>,
    /// The first announcement of its recurring series, when it is a later occurrence.
    pub series: Option<AnnouncementId>,
    pub state: AnnouncementState,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// How many times its texts were corrected (0: never); `texts` are the latest.
    pub corrections: u32,
}

impl Announcement {
    /// The series it belongs to: the first occurrence's number (its own, for the first).
    pub fn series_id(&self) -> AnnouncementId {
        self.series.unwrap_or(self.id)
    }
}

/// Where one copy of an announcement is.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CopyState {
    /// Waiting to be handed to a bot.
    Queued,
    /// In a bot's bulk lane: the network has not taken it yet (the transport records how it
    /// went).
    Sending,
    /// Taken by the network (with its message id when the network gave one).
    Sent,
    /// The network refused it for good, or kept failing, with a short reason.
    Failed(String),
    /// Nobody can reach the person (never started the bot, chat not found, no account a bot
    /// serves). The reason, when the network gave one, is kept beside the state.
    Unreachable,
    /// The person blocked the bot or their account is deactivated, with the network's words.
    Blocked(String),
    /// The person asked not to receive announcements of this topic.
    OptedOut,
    /// The announcement was cancelled before this copy left.
    Cancelled,
}

impl CopyState {
    /// The word stored and counted: `queued`, `sending`, `sent`, `failed`, `unreachable`,
    /// `blocked`, `opted_out`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Sending => "sending",
            Self::Sent => "sent",
            Self::Failed(_) => "failed",
            Self::Unreachable => "unreachable",
            Self::Blocked(_) => "blocked",
            Self::OptedOut => "opted_out",
            Self::Cancelled => "cancelled",
        }
    }

    /// Reads a stored state and reason.
    pub fn parse(raw: &str, reason: Option<&str>) -> Option<Self> {
        Some(match raw {
            "queued" => Self::Queued,
            "sending" => Self::Sending,
            "sent" => Self::Sent,
            "failed" => Self::Failed(reason.unwrap_or_default().to_owned()),
            "blocked" => Self::Blocked(reason.unwrap_or_default().to_owned()),
            "unreachable" => Self::Unreachable,
            "opted_out" => Self::OptedOut,
            "cancelled" => Self::Cancelled,
            _ => return None,
        })
    }

    /// The failure reason, if any.
    pub fn reason(&self) -> Option<&str> {
        match self {
            Self::Failed(r) | Self::Blocked(r) => Some(r),
            _ => None,
        }
    }

    /// Whether nothing more will happen to this copy.
    pub fn is_final(&self) -> bool {
        !matches!(self, Self::Queued | Self::Sending)
    }
}

/// One recipient's copy of an announcement: the person, where it goes (network, bot, chat),
/// in which language, and how it went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recipient {
    pub announcement: AnnouncementId,
    pub person: PersonId,
    pub network: Network,
    /// The bot (`telegram:vicinato`) it goes through.
    pub channel: String,
    /// The chat on that network (the person's account id there).
    pub chat: String,
    pub lang: Lang,
    pub state: CopyState,
    pub sent_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The network's id of the message, once sent (for corrections).
    pub message_id: Option<String>,
    /// The correction whose text the copy carries (0: the first text), set when it is handed
    /// over; a copy sent with an older text than the announcement's gets an edit.
    pub version: u32,
    /// The room the copy was sent in when that is not `chat` itself (on Matrix, the person's
    /// direct chat with the bot at the time), so its edit goes to the same room.
    #[serde(default)]
    pub room: Option<String>,
}

impl Recipient {
    /// The delivery key of this copy: the same copy is queued once (until a correction or a
    /// cancellation takes it back from the outbox before it left).
    pub fn delivery_key(&self) -> String {
        format!("{}{}", copy_key_prefix(self.announcement), self.person)
    }

    /// The delivery key of this copy's edit for a correction: each edit is queued once.
    pub fn edit_key(&self, correction: u32) -> String {
        format!("{}{correction}:{}", edit_key_prefix(self.announcement), self.person)
    }
}

/// The copy of an announcement posted in one linked room (a Telegram group, a Matrix room):
/// where it goes (network, bot, chat) and how it went, like a person's [`Recipient`]. It is
/// written in Italian, with the English text after it when there is one (a room is read by
/// people of either language).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomCopy {
    pub announcement: AnnouncementId,
    pub network: Network,
    /// The bot it goes through.
    pub channel: String,
    /// The room's chat id on its network.
    pub chat: String,
    pub state: CopyState,
    pub sent_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The network's id of the message, once sent (for corrections).
    pub message_id: Option<String>,
    /// The correction whose text the copy carries (0: the first text).
    pub version: u32,
    /// The latest correction an edit was opened for, and how that edit went.
    pub edit: Option<(u32, EditState)>,
}

impl RoomCopy {
    /// The delivery key of this copy: queued once.
    pub fn delivery_key(&self) -> String {
        format!("{}{}:{}", room_key_prefix(self.announcement), self.network.as_str(), self.chat)
    }

    /// The delivery key of this copy's edit for a correction.
    pub fn edit_key(&self, correction: u32) -> String {
        format!("{}{correction}:{}:{}", room_edit_key_prefix(self.announcement), self.network.as_str(), self.chat)
    }
}

/// What the delivery keys of an announcement's room copies start with (network and chat
/// follow).
pub fn room_key_prefix(id: AnnouncementId) -> String {
    format!("announce-room:{id}:")
}

/// What the delivery keys of the edits of an announcement's room copies start with.
pub fn room_edit_key_prefix(id: AnnouncementId) -> String {
    format!("announce-room-edit:{id}:")
}

/// The text a room's copy carries in a room written in `langs` (the room's languages,
/// Italian first): the Italian one, then the English one when the room reads English too
/// and the announcement has an English text.
pub fn room_text(texts: &AnnouncementTexts, langs: &[Lang]) -> String {
    match texts.en.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(en) if langs.contains(&Lang::En) => format!("{}\n\n{en}", texts.it),
        _ => texts.it.clone(),
    }
}

/// What the delivery keys of an announcement's copies start with (the person follows).
pub fn copy_key_prefix(id: AnnouncementId) -> String {
    format!("announce:{id}:")
}

/// What the delivery keys of an announcement's edits start with (the correction and the
/// person follow).
pub fn edit_key_prefix(id: AnnouncementId) -> String {
    format!("announce-edit:{id}:")
}

/// How long after sending a network lets a bot edit its message; `None` where it sets no
/// limit. Telegram: 48 hours (a bot may edit or delete its messages for two days).
pub fn edit_window(network: Network) -> Option<chrono::Duration> {
    match network {
        Network::Telegram => Some(chrono::Duration::hours(TELEGRAM_EDIT_HOURS)),
        Network::Matrix | Network::Console => None,
    }
}

/// The hours Telegram leaves a bot to edit what it sent.
pub const TELEGRAM_EDIT_HOURS: i64 = 48;

/// Where the edit of one copy for one correction is.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EditState {
    /// Waiting to be handed to a bot.
    Queued,
    /// In a bot's bulk lane.
    Sending,
    /// The network replaced the text.
    Sent,
    /// The network refused the edit, or kept failing, with a short reason.
    Failed(String),
    /// Sent longer ago than the network lets a bot edit ([`edit_window`]).
    TooOld,
    /// The network never said which message the copy became (sent unconfirmed), so there is
    /// nothing to edit.
    NotEditable,
    /// The announcement was cancelled before the edit left.
    Cancelled,
}

impl EditState {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Sending => "sending",
            Self::Sent => "sent",
            Self::Failed(_) => "failed",
            Self::TooOld => "too_old",
            Self::NotEditable => "not_editable",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(raw: &str, reason: Option<&str>) -> Option<Self> {
        Some(match raw {
            "queued" => Self::Queued,
            "sending" => Self::Sending,
            "sent" => Self::Sent,
            "failed" => Self::Failed(reason.unwrap_or_default().to_owned()),
            "too_old" => Self::TooOld,
            "not_editable" => Self::NotEditable,
            "cancelled" => Self::Cancelled,
            _ => return None,
        })
    }

    pub fn reason(&self) -> Option<&str> {
        match self {
            Self::Failed(r) => Some(r),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_english_reader_gets_the_italian_text_when_there_is_no_english_one() {
        let only_it = AnnouncementTexts { it: "Ciao".into(), en: None };
        assert_eq!(only_it.for_lang(Lang::En), "Ciao");
        let both = AnnouncementTexts { it: "Ciao".into(), en: Some("Hello".into()) };
        assert_eq!(both.for_lang(Lang::En), "Hello");
        assert_eq!(both.for_lang(Lang::It), "Ciao");
    }

    #[test]
    fn copy_states_read_back_what_they_store() {
        for s in [
            CopyState::Queued,
            CopyState::Sending,
            CopyState::Sent,
            CopyState::Failed("chat not found".into()),
            CopyState::Unreachable,
            CopyState::Blocked("Forbidden: bot was blocked by the user".into()),
            CopyState::OptedOut,
            CopyState::Cancelled,
        ] {
            assert_eq!(CopyState::parse(s.as_str(), s.reason()), Some(s.clone()));
        }
        for s in [
            EditState::Queued,
            EditState::Sending,
            EditState::Sent,
            EditState::Failed("message to edit not found".into()),
            EditState::TooOld,
            EditState::NotEditable,
            EditState::Cancelled,
        ] {
            assert_eq!(EditState::parse(s.as_str(), s.reason()), Some(s.clone()));
        }
        assert_eq!(CopyState::parse("lost", None), None);
    }

    fn rome(y: i32, m: u32, d: u32, h: u32, min: u32) -> chrono::DateTime<chrono::Utc> {
        use chrono::TimeZone;
        chrono_tz::Europe::Rome.with_ymd_and_hms(y, m, d, h, min, 0).unwrap().with_timezone(&chrono::Utc)
    }

    #[test]
    fn every_monday_at_nine_stays_at_nine_in_rome_across_both_clock_changes() {
        let zone = chrono_tz::Europe::Rome;
        let monday_nine = Recurrence::Weekly { weekday: 1, hour: 9, minute: 0 };
        // The last Sunday of March 2027 is the 28th: 08:00 UTC before, 07:00 UTC after.
        let before = rome(2027, 3, 22, 9, 0);
        assert_eq!(before.to_rfc3339(), "2027-03-22T08:00:00+00:00");
        let after = monday_nine.next_after(before, zone);
        assert_eq!(after.to_rfc3339(), "2027-03-29T07:00:00+00:00");
        // The last Sunday of October 2026 is the 25th: 07:00 UTC before, 08:00 UTC after.
        let october = monday_nine.next_after(rome(2026, 10, 19, 9, 0), zone);
        assert_eq!(october.to_rfc3339(), "2026-10-26T08:00:00+00:00");
        // Asked on a Monday before nine, it is today; at nine or after, next week.
        assert_eq!(monday_nine.next_after(rome(2026, 11, 30, 8, 59), zone), rome(2026, 11, 30, 9, 0));
        assert_eq!(monday_nine.next_after(rome(2026, 11, 30, 9, 0), zone), rome(2026, 12, 7, 9, 0));
    }

    #[test]
    fn a_time_the_spring_change_skips_goes_out_right_after_the_gap() {
        let zone = chrono_tz::Europe::Rome;
        let sunday_half_two = Recurrence::Weekly { weekday: 7, hour: 2, minute: 30 };
        let next = sunday_half_two.next_after(rome(2027, 3, 27, 12, 0), zone);
        assert_eq!(next.to_rfc3339(), "2027-03-28T01:30:00+00:00", "03:30 summer time");
        let autumn = sunday_half_two.next_after(rome(2026, 10, 24, 12, 0), zone);
        assert_eq!(autumn.to_rfc3339(), "2026-10-25T00:30:00+00:00", "the first 02:30");
    }

    #[test]
    fn an_interest_audience_has_its_category_as_topic() {
        let a = Audience { territory: None, who: Who::Interest(CategoryCode::new("food")), rooms: RoomsTarget::None };
        assert_eq!(a.topic(), "food");
        assert_eq!(a.describe(), "all interest:food");
        let b = Audience { territory: Some(TerritoryId::new("roma-m05")), who: Who::Home, rooms: RoomsTarget::None };
        assert_eq!(b.topic(), GENERAL_TOPIC);
        assert_eq!(b.describe(), "territory:roma-m05");
        let c = Audience { rooms: RoomsTarget::Also, ..b.clone() };
        assert_eq!(c.describe(), "territory:roma-m05 +rooms");
        assert_eq!(Audience { rooms: RoomsTarget::Only, ..b }.describe(), "territory:roma-m05 rooms-only");
    }

    #[test]
    fn an_audience_kept_before_rooms_were_a_target_reads_as_people_only() {
        let old: Audience = serde_json::from_str(r#"{"territory":"x","who":{"who":"home"}}"#).unwrap();
        assert_eq!(old.rooms, RoomsTarget::None);
        assert!(room_gets_announcements(RoomPurpose::General));
        assert!(room_gets_announcements(RoomPurpose::Announcements));
        assert!(!room_gets_announcements(RoomPurpose::Moderators));
    }
}
