//! People: persons and their accounts on each network (with the bot an account last wrote
//! through and whether it can be reached), profiles, roles, linking two accounts into one
//! person, and what the privacy rules ask for: a person's export and their erasure.
//!
//! It owns `persons`, `accounts`, `roles`, `link_codes` and `link_attempts`. Export, erasure
//! and linking read or write every family's rows of one person, in one transaction where they
//! write; nothing else here may touch other families' rows, and other families must not create
//! or delete people.

use super::StoreResult;
use crate::flows::StoredFlow;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use vicinato_domain::*;

/// Everything stored about one person, for export on request.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PersonExport {
    pub person: Person,
    pub flows: Vec<String>,
    /// Every booking, in any status, oldest first.
    pub bookings: Vec<Booking>,
    /// Initiatives the person wrote, supported or joined, with which of these it was.
    pub initiatives: Vec<(vicinato_domain::initiative::Initiative, &'static str)>,
    /// Associations the person belongs to, and whether they may book in their name.
    pub associations: Vec<Membership>,
    /// Comments they wrote on initiatives, oldest first.
    pub comments: Vec<Written>,
    /// Reports they made, with their reason.
    pub reports: Vec<Written>,
    /// Their votes.
    pub votes: Vec<Voted>,
    /// Slots they wait for (in any status).
    pub waitlist: Vec<Waiting>,
    /// Audit entries of what they did or what was done to them (a link).
    pub audit: Vec<crate::initiatives::AuditEntry>,
    /// Sanctions they were given in community rooms (warnings, mutes, bans), ended or not.
    pub sanctions: Vec<vicinato_domain::rooms::Sanction>,
    /// Topics of staff announcements they stopped (`*`: all of them).
    pub announcement_opt_outs: Vec<String>,
}

/// A text a person wrote about an initiative (a comment, a report's reason).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Written {
    pub initiative: vicinato_domain::initiative::InitiativeId,
    pub text: String,
    pub at: DateTime<Utc>,
}

/// A person's vote on an initiative.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Voted {
    pub initiative: vicinato_domain::initiative::InitiativeId,
    pub yes: bool,
    pub at: DateTime<Utc>,
}

/// A person's place on the waitlist of a space.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Waiting {
    pub space: SpaceId,
    pub starts: DateTime<Utc>,
    pub ends: DateTime<Utc>,
    pub people: u32,
    pub purpose: String,
    pub status: String,
}

/// Wrong link codes a person may type in an hour, unless `[limits]` says otherwise.
pub const MAX_WRONG_LINK_CODES: u32 = 5;

/// What typing a link code found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkClaim {
    /// Too many wrong codes in the last hour: this one was not checked.
    TooManyTries,
    /// Unknown, expired or already typed by someone else.
    Unknown,
    /// The person's own code (or the accounts are one person already).
    Same,
    /// Made by `person`, who asked for it on `network` and is called `name`.
    Claimed { person: PersonId, network: String, name: String },
}

/// What a confirmation of a link did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkConfirm {
    /// Nothing to confirm for this person (unknown, expired, used, or not their turn).
    Unknown,
    /// The typist confirmed: now `maker` (who asked on `maker_network`) must, seeing the
    /// typist's `network` and `name`.
    AskMaker { maker: PersonId, maker_network: String, network: String, name: String },
    /// Done: `joined` is now part of `kept`; `dropped` are the roles `joined` had that an
    /// admin must grant again.
    Linked { kept: PersonId, joined: PersonId, dropped: Vec<RoleGrant> },
}

#[async_trait]
pub trait PeopleStore: Send + Sync {
    // Persons, accounts, roles, export and erasure.

    /// The person behind an account (created on first contact) and their flow in a chat,
    /// unless it expired before `now`: everything a message needs, in one read. `channel` is the
    /// bot the message came through; it is remembered (written only when it changes).
    /// In people, not flows: it is the first read of a message (the flow's table is read along).
    async fn person_and_flow(
        &self,
        account: &Account,
        display_name: &str,
        chat: &str,
        channel: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<(Person, Option<StoredFlow>)> {
        let (person, flows) = self.person_and_flows(account, display_name, &[chat], channel, now).await?;
        Ok((person, flows.into_iter().find(|(c, _)| c == chat).map(|(_, f)| f)))
    }
    /// As `person_and_flow`, with every unexpired flow kept under one of `chats` (a chat's own
    /// and those kept beside it), each with its chat.
    async fn person_and_flows(
        &self,
        account: &Account,
        display_name: &str,
        chats: &[&str],
        channel: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<(Person, Vec<(String, StoredFlow)>)>;
    /// The bot (channel) the account last wrote through, if known.
    async fn account_channel(&self, account: &Account) -> StoreResult<Option<String>>;
    /// Finds the person behind an account, creating one (race-safe) on first contact.
    async fn person_for_account(
        &self,
        account: &Account,
        display_name: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Person>;
    async fn find_person(&self, account: &Account) -> StoreResult<Option<Person>>;
    async fn person(&self, id: PersonId) -> StoreResult<Option<Person>>;
    /// Which of `ids` are people still kept (an erased person is gone), in one read.
    async fn persons_kept(&self, ids: &[PersonId]) -> StoreResult<Vec<PersonId>>;
    /// Saves language, home territory, interests, display name and onboarding.
    async fn save_profile(&self, person: &Person) -> StoreResult<()>;
    /// Grants a role; `false` when the person already had it.
    async fn grant_role(&self, person: PersonId, grant: &RoleGrant, now: DateTime<Utc>) -> StoreResult<bool>;
    /// Revokes a role; `false` when the person did not have it.
    async fn revoke_role(&self, person: PersonId, grant: &RoleGrant) -> StoreResult<bool>;
    /// Everything stored about a person, for export. In people: it reads every family's rows
    /// of the person.
    async fn export_person(&self, id: PersonId) -> StoreResult<Option<PersonExport>>;
    /// Erases a person in one transaction: accounts, roles, flows, bookings, waitlist entries,
    /// supports and places (counts recounted, a freed place goes to the first waiting), votes,
    /// reports, comments, memberships, drafts and moderator candidacies, link codes, replies
    /// queued for them or answering them (private chats, direct and group rooms), Matrix numbered
    /// choices kept for them; the audit keeps what was done without them (actor, subject and
    /// their names in reasons removed). Initiatives others can read stay, without author.
    /// Bookings should be cancelled first, so that their slots go to the waitlist.
    /// In people: one transaction writes every family's rows of the person.
    async fn erase_person(&self, id: PersonId) -> StoreResult<bool>;
    /// Every `table.column` where a text occurs (in any column read as text): to check that an
    /// erasure left nothing behind.
    async fn occurrences(&self, text: &str) -> StoreResult<Vec<String>>;
    /// Keeps a one-time code, asked for on `network`, that joins another account to this person
    /// until `expires_at` (a new code replaces the person's older ones). `Err` when the code is
    /// taken (draw another).
    async fn link_code_put(
        &self,
        person: PersonId,
        network: &str,
        code: &str,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Someone typed a code on `network`: who made it, to confirm. A wrong code (unknown,
    /// expired, or already typed by someone else) is counted against `person`; after
    /// `max_wrong` in an hour ([`MAX_WRONG_LINK_CODES`] by default) no code is checked at all.
    async fn link_claim(
        &self,
        code: &str,
        person: PersonId,
        network: &str,
        max_wrong: u32,
        now: DateTime<Utc>,
    ) -> StoreResult<LinkClaim>;
    /// One side confirms: first the person who typed the code, then the one who made it, whose
    /// confirmation joins the typist into them in one transaction (accounts, bookings,
    /// initiatives, supports, votes and the rest move over; where both did the same
    /// once-per-person thing, one remains; an author's support of their own initiative goes;
    /// counts are recounted; staff, moderator and admin roles of the typist are dropped, not
    /// merged; the link is audited). The code is used up.
    /// In people: the transaction moves every family's rows of the typist.
    async fn link_confirm(&self, code: &str, person: PersonId, now: DateTime<Utc>) -> StoreResult<LinkConfirm>;
    /// Either side says no: the code is gone. `false` when it was not theirs (or is gone).
    async fn link_cancel(&self, code: &str, person: PersonId) -> StoreResult<bool>;

    // Reachability.

    /// Marks an account unreachable (the person blocked the bot) from `since`, or reachable
    /// again with `None`. Writing to the bot again also makes an account reachable.
    async fn set_unreachable(&self, account: &Account, since: Option<DateTime<Utc>>) -> StoreResult<()>;
    /// When an account was found unreachable, if it is.
    async fn unreachable_since(&self, account: &Account) -> StoreResult<Option<DateTime<Utc>>>;
}
