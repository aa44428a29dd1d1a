//! Slash commands: one enum, parsed from text, with tests for each command and its rejections.

use vicinato_domain::{Lang, Role};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `/start [payload]`: onboarding, or a deep link (`t-<territory>`, `s-<service at location>`).
    Start(Option<String>),
    Help,
    /// `/services [words]`: search the directory, or browse by category without words.
    Services(Option<String>),
    /// `/language [it|en]`.
    Language(Option<String>),
    Cancel,
    WhoAmI,
    /// `/mydata`: everything stored about me.
    MyData,
    /// `/forget`: erase me, after confirmation.
    Forget,
    /// `/grant ROLE ACCOUNT [TERRITORY]` (admins).
    Grant {
        role: Option<Role>,
        account: Option<String>,
        territory: Option<String>,
    },
    /// `/revoke ROLE ACCOUNT [TERRITORY]` (admins).
    Revoke {
        role: Option<Role>,
        account: Option<String>,
        territory: Option<String>,
    },
    /// `/notifications [off|on]`: stop or restart staff announcements for me.
    Notifications(Option<String>),
    /// `/book [words]`: book a space of a welfare house.
    Book(Option<String>),
    /// `/free [words]`: what is free, and when.
    Free(Option<String>),
    /// `/bookings`: my bookings, with cancel buttons.
    Bookings,
    /// `/checkin`: I am at the house for my booking.
    CheckIn,
    /// `/approve`: pending bookings to approve (staff).
    Approve,
    /// `/propose [title]`, `/propose service`, `/propose moderator`: a new initiative.
    Propose(Option<String>),
    /// `/initiatives [words]`: browse and search initiatives.
    Initiatives(Option<String>),
    /// `/week`: what is happening near me this week.
    Week,
    /// `/myinitiatives`: mine, drafts included.
    MyInitiatives,
    /// `/review`: initiatives waiting for staff or moderators.
    Review,
    /// `/phase AREA 1|2`: who decides in a territory (staff).
    Phase(Option<String>),
    /// `/stats [AREA]`: participation figures (staff).
    Stats(Option<String>),
    /// `/association [new|add|remove …]`: associations and their members (staff), mine.
    Association(Option<String>),
    /// `/space [close|open|approval …]`: closures and approval of spaces (staff).
    Space(Option<String>),
    /// `/link [CODE]`: a code to join another network's account to me, or the code from there.
    Link(Option<String>),
    /// `/room link <territory> [purpose]`, `/room unlink`: this group and its territory (staff).
    Room(Option<String>),
    /// `/rooms [territory]`: a territory's rooms.
    Rooms(Option<String>),
    /// A moderation command as a reply to a member's message, with what follows it.
    Moderate(ModCommand, Option<String>),
    /// `/modlog`: the moderation log of this group's territory (moderators).
    ModLog,
    /// `/announce [status|cancel|list|approval …]`: a staff announcement, or following one up.
    Announce(Option<String>),
    /// `/rules [set [it|en] …]`: this room's or territory's rules, or set them (moderators).
    Rules(Option<String>),
    /// `/welcome [set [it|en] …]`: the welcome on joining, or set it (moderators).
    Welcome(Option<String>),
    /// `/questions [set [it|en] q1 | q2]`: the questions asked before joining (moderators).
    Questions(Option<String>),
    /// `/report [reason]` as a reply to a member's message.
    Report(Option<String>),
    /// `/appeal <text>`: against my sanction.
    Appeal(Option<String>),
    /// `/protect [flood N M | flood off | links on|off]`: this room's protections (moderators).
    Protect(Option<String>),
    /// `/escalation [territory] [N days mute ban | default]`: a territory's escalation (staff).
    Escalation(Option<String>),
    /// A command Vicinato does not know, as typed (without arguments).
    Unknown(String),
}

/// The moderation commands, typed in a room as a reply to a member's message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModCommand {
    Warn,
    Unwarn,
    Warns,
    Mute,
    Unmute,
    Ban,
    Unban,
    Kick,
    Del,
}

impl ModCommand {
    pub const ALL: [ModCommand; 9] = [
        Self::Warn,
        Self::Unwarn,
        Self::Warns,
        Self::Mute,
        Self::Unmute,
        Self::Ban,
        Self::Unban,
        Self::Kick,
        Self::Del,
    ];

    /// Its name in the module registry.
    pub fn name(self) -> &'static str {
        match self {
            Self::Warn => "warn",
            Self::Unwarn => "unwarn",
            Self::Warns => "warns",
            Self::Mute => "mute",
            Self::Unmute => "unmute",
            Self::Ban => "ban",
            Self::Unban => "unban",
            Self::Kick => "kick",
            Self::Del => "del",
        }
    }
}

impl Command {
    /// The command's name in the module registry (`None` for an unknown one).
    pub fn name(&self) -> Option<&'static str> {
        Some(match self {
            Self::Start(_) => "start",
            Self::Help => "help",
            Self::Services(_) => "services",
            Self::Language(_) => "language",
            Self::Cancel => "cancel",
            Self::WhoAmI => "whoami",
            Self::MyData => "mydata",
            Self::Forget => "forget",
            Self::Grant { .. } => "grant",
            Self::Revoke { .. } => "revoke",
            Self::Notifications(_) => "notifications",
            Self::Book(_) => "book",
            Self::Free(_) => "free",
            Self::Bookings => "bookings",
            Self::CheckIn => "checkin",
            Self::Approve => "approve",
            Self::Propose(_) => "propose",
            Self::Initiatives(_) => "initiatives",
            Self::Week => "week",
            Self::MyInitiatives => "myinitiatives",
            Self::Review => "review",
            Self::Phase(_) => "phase",
            Self::Stats(_) => "stats",
            Self::Association(_) => "association",
            Self::Space(_) => "space",
            Self::Link(_) => "link",
            Self::Room(_) => "room",
            Self::Rooms(_) => "rooms",
            Self::Rules(_) => "rules",
            Self::Welcome(_) => "welcome",
            Self::Questions(_) => "questions",
            Self::Report(_) => "report",
            Self::Appeal(_) => "appeal",
            Self::Protect(_) => "protect",
            Self::Escalation(_) => "escalation",
            Self::Moderate(m, _) => m.name(),
            Self::ModLog => "modlog",
            Self::Announce(_) => "announce",
            Self::Unknown(_) => return None,
        })
    }

    /// Parses text that starts with `/` (or `!`, as Matrix bots are often addressed). Returns
    /// `None` for text that is not a command. `/cmd@botname` is accepted.
    pub fn parse(text: &str) -> Option<Command> {
        let text = text.trim();
        let rest = text.strip_prefix('/').or_else(|| text.strip_prefix('!'))?;
        let mut parts = rest.split_whitespace();
        let head = parts.next()?;
        let name = head.split('@').next().unwrap_or(head).to_lowercase();
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return None;
        }
        let args: Vec<&str> = parts.collect();
        let joined = (!args.is_empty()).then(|| args.join(" "));
        let grant_args = |args: &[&str]| {
            (
                args.first().and_then(|r| Role::parse(r)),
                args.get(1).map(|s| s.to_string()),
                args.get(2).map(|s| s.to_string()),
            )
        };
        // Every name a command answers to is declared once, in its module (`crate::registry`).
        let Some((_, spec)) = crate::registry::command(&name) else {
            return Some(Command::Unknown(format!("/{name}")));
        };
        Some(match spec.name {
            "start" => Command::Start(joined),
            "help" => Command::Help,
            "services" => Command::Services(joined),
            "language" => Command::Language(joined),
            "cancel" => Command::Cancel,
            "whoami" => Command::WhoAmI,
            "mydata" => Command::MyData,
            "forget" => Command::Forget,
            "book" => Command::Book(joined),
            "free" => Command::Free(joined),
            "bookings" => Command::Bookings,
            "checkin" => Command::CheckIn,
            "approve" => Command::Approve,
            "propose" => Command::Propose(joined),
            "initiatives" => Command::Initiatives(joined),
            "week" => Command::Week,
            "myinitiatives" => Command::MyInitiatives,
            "review" => Command::Review,
            "phase" => Command::Phase(joined),
            "stats" => Command::Stats(joined),
            "association" => Command::Association(joined),
            "space" => Command::Space(joined),
            "link" => Command::Link(joined),
            "notifications" => Command::Notifications(joined),
            "room" => Command::Room(joined),
            "rooms" => Command::Rooms(joined),
            "modlog" => Command::ModLog,
            "announce" => Command::Announce(joined),
            "rules" => Command::Rules(joined),
            "welcome" => Command::Welcome(joined),
            "questions" => Command::Questions(joined),
            "report" => Command::Report(joined),
            "appeal" => Command::Appeal(joined),
            "protect" => Command::Protect(joined),
            "escalation" => Command::Escalation(joined),
            name if let Some(m) = ModCommand::ALL.into_iter().find(|m| m.name() == name) => {
                Command::Moderate(m, joined)
            }
            "grant" => {
                let (role, account, territory) = grant_args(&args);
                Command::Grant { role, account, territory }
            }
            "revoke" => {
                let (role, account, territory) = grant_args(&args);
                Command::Revoke { role, account, territory }
            }
            // A name the registry declares without an arm here: a test keeps this empty.
            _ => Command::Unknown(format!("/{name}")),
        })
    }
}

/// Reads a language argument: `it`, `en`, `italiano`, `english`, `inglese`.
pub fn language_arg(arg: &str) -> Option<Lang> {
    match vicinato_domain::text::fold(arg).as_str() {
        "italiano" | "italian" => Some(Lang::It),
        "english" | "inglese" => Some(Lang::En),
        other => Lang::from_tag(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_the_registry_declares_parses_to_its_command() {
        for module in crate::registry::MODULES {
            for spec in module.commands {
                for name in std::iter::once(&spec.name).chain(spec.aliases) {
                    let command = Command::parse(&format!("/{name}")).unwrap();
                    assert_eq!(command.name(), Some(spec.name), "/{name}");
                }
            }
        }
    }

    #[test]
    fn commands_parse_with_and_without_bot_names() {
        assert_eq!(Command::parse("/help"), Some(Command::Help));
        assert_eq!(Command::parse("/help@VicinatoBot"), Some(Command::Help));
        assert_eq!(Command::parse("!aiuto"), Some(Command::Help));
        assert_eq!(Command::parse("/services food bank"), Some(Command::Services(Some("food bank".into()))));
        assert_eq!(Command::parse("/start t-centocelle"), Some(Command::Start(Some("t-centocelle".into()))));
        assert_eq!(Command::parse("/language en"), Some(Command::Language(Some("en".into()))));
    }

    #[test]
    fn initiative_commands_parse_in_both_languages() {
        assert_eq!(Command::parse("/proponi orto condiviso"), Some(Command::Propose(Some("orto condiviso".into()))));
        assert_eq!(Command::parse("/initiatives"), Some(Command::Initiatives(None)));
        assert_eq!(Command::parse("/settimana"), Some(Command::Week));
        assert_eq!(Command::parse("/fase Centocelle 2"), Some(Command::Phase(Some("Centocelle 2".into()))));
        assert_eq!(Command::parse("/stats"), Some(Command::Stats(None)));
        assert_eq!(Command::parse("/mieiniziative"), Some(Command::MyInitiatives));
        assert_eq!(Command::parse("/review"), Some(Command::Review));
    }

    #[test]
    fn booking_commands_parse_in_both_languages() {
        assert_eq!(
            Command::parse("/prenota sala grande domani"),
            Some(Command::Book(Some("sala grande domani".into())))
        );
        assert_eq!(Command::parse("/book"), Some(Command::Book(None)));
        assert_eq!(Command::parse("/prenotazioni"), Some(Command::Bookings));
        assert_eq!(Command::parse("/bookings@VicinatoBot"), Some(Command::Bookings));
        assert_eq!(Command::parse("/checkin"), Some(Command::CheckIn));
        assert_eq!(Command::parse("/approva"), Some(Command::Approve));
        assert_eq!(Command::parse("/free sabato"), Some(Command::Free(Some("sabato".into()))));
        assert_eq!(
            Command::parse("/associazione aggiungi orti console:ada prenota"),
            Some(Command::Association(Some("aggiungi orti console:ada prenota".into())))
        );
        assert_eq!(Command::parse("/associations"), Some(Command::Association(None)));
    }

    #[test]
    fn room_and_moderation_commands_parse_in_both_languages() {
        assert_eq!(Command::parse("/room link centocelle"), Some(Command::Room(Some("link centocelle".into()))));
        assert_eq!(Command::parse("/stanza scollega"), Some(Command::Room(Some("scollega".into()))));
        assert_eq!(Command::parse("/gruppi"), Some(Command::Rooms(None)));
        assert_eq!(
            Command::parse("/mute 2 ore spam"),
            Some(Command::Moderate(ModCommand::Mute, Some("2 ore spam".into())))
        );
        assert_eq!(Command::parse("/silenzia 1d"), Some(Command::Moderate(ModCommand::Mute, Some("1d".into()))));
        assert_eq!(Command::parse("/ammonisci"), Some(Command::Moderate(ModCommand::Warn, None)));
        assert_eq!(Command::parse("/del@VicinatoBot"), Some(Command::Moderate(ModCommand::Del, None)));
        assert_eq!(Command::parse("/regole"), Some(Command::Rules(None)));
        assert_eq!(Command::parse("/rules set en Be kind"), Some(Command::Rules(Some("set en Be kind".into()))));
        assert_eq!(Command::parse("/segnala spam"), Some(Command::Report(Some("spam".into()))));
        assert_eq!(
            Command::parse("/ricorso non ho fatto niente"),
            Some(Command::Appeal(Some("non ho fatto niente".into())))
        );
        assert_eq!(Command::parse("/benvenuto"), Some(Command::Welcome(None)));
        assert_eq!(Command::parse("/domande"), Some(Command::Questions(None)));
        assert_eq!(Command::parse("/modlog"), Some(Command::ModLog));
    }

    #[test]
    fn announcement_commands_parse_in_both_languages() {
        assert_eq!(Command::parse("/announce"), Some(Command::Announce(None)));
        assert_eq!(Command::parse("/annuncio stato 4"), Some(Command::Announce(Some("stato 4".into()))));
        assert_eq!(Command::parse("/announce cancel 4"), Some(Command::Announce(Some("cancel 4".into()))));
    }

    #[test]
    fn text_that_is_not_a_command_is_left_alone() {
        assert_eq!(Command::parse("ciao"), None);
        assert_eq!(Command::parse("/"), None);
        assert_eq!(Command::parse("/ciao?!"), None);
        assert_eq!(Command::parse("1/2"), None);
    }

    #[test]
    fn unknown_commands_are_named_back() {
        assert_eq!(Command::parse("/frobnicate now"), Some(Command::Unknown("/frobnicate".into())));
    }

    #[test]
    fn grant_reads_role_account_and_territory() {
        assert_eq!(
            Command::parse("/grant staff telegram:42 roma-m05"),
            Some(Command::Grant {
                role: Some(Role::Staff),
                account: Some("telegram:42".into()),
                territory: Some("roma-m05".into())
            })
        );
        assert_eq!(
            Command::parse("/grant wizard x"),
            Some(Command::Grant { role: None, account: Some("x".into()), territory: None })
        );
    }

    #[test]
    fn language_arguments_accept_names_in_both_languages() {
        assert_eq!(language_arg("Inglese"), Some(Lang::En));
        assert_eq!(language_arg("it"), Some(Lang::It));
        assert_eq!(language_arg("klingon"), None);
    }
}
