//! Linking accounts across networks: one person on several networks. Asked for on one network,
//! [`issue`] gives a one-time code (8 random letters and digits, valid [`VALID_MINUTES`]);
//! typed on another network, [`claim`] says who made it (network and name) and waits for the
//! typist's yes; then the maker must say yes too ([`confirm`]). Only when both did are the two
//! accounts one person, in one transaction of the store (bookings, supports and votes become
//! one person's; staff, moderator and admin roles of the joined account are dropped, never
//! merged, and listed so the person is told). Wrong codes are limited per person and hour.
//! Either side may say no ([`cancel`]). Words nothing and delivers nothing.

use super::Refusal;
use chrono::{DateTime, Duration, Utc};
use vicinato_domain::*;
use vicinato_store::{LinkClaim, LinkConfirm, Store, StoreError};

/// How long a code can be used.
pub const VALID_MINUTES: i64 = 10;

/// The letters and digits of a code: no 0/O or 1/I to mix up. 32 of them, so a random byte
/// picks one without bias.
const ALPHABET: &[u8; 32] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// A fresh code from the operating system's random source (40 bits).
fn fresh_code() -> Result<String, StoreError> {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).map_err(|e| StoreError::Unavailable(format!("no random source: {e}")))?;
    Ok(bytes.iter().map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()])).collect())
}

/// A code as typed, with spaces and dashes dropped and letters upper-cased.
pub fn normalized(typed: &str) -> String {
    typed.chars().filter(|c| !c.is_whitespace() && *c != '-').flat_map(char::to_uppercase).collect()
}

/// A code to type on the other network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issued {
    /// 8 characters of the alphabet.
    pub code: String,
    pub expires: DateTime<Utc>,
}

/// Gives the actor a fresh code, asked for on `network`.
pub async fn issue(actor: &Person, network: &str, store: &dyn Store, now: DateTime<Utc>) -> Result<Issued, StoreError> {
    let expires = now + Duration::minutes(VALID_MINUTES);
    // A code already in use by someone else (about one in a trillion): draw again.
    let mut attempt = 0;
    loop {
        let code = fresh_code()?;
        match store.link_code_put(actor.id, network, &code, expires, now).await {
            Ok(()) => return Ok(Issued { code, expires }),
            Err(e) if attempt >= 2 => return Err(e),
            Err(_) => attempt += 1,
        }
    }
}

/// Who made a code the actor typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claimed {
    /// The code, normalized: the one the answer buttons carry.
    pub code: String,
    /// The network the maker asked on, and their name there.
    pub network: String,
    pub name: String,
}

/// The actor typed a code on `network`; at most `max_wrong` wrong codes an hour are checked.
pub async fn claim(
    actor: &Person,
    typed: &str,
    network: &str,
    max_wrong: u32,
    store: &dyn Store,
    now: DateTime<Utc>,
) -> Result<Result<Claimed, Refusal>, StoreError> {
    let code = normalized(typed);
    Ok(match store.link_claim(&code, actor.id, network, max_wrong, now).await? {
        LinkClaim::TooManyTries => Err(Refusal::LinkTooManyTries),
        LinkClaim::Unknown => Err(Refusal::LinkUnknown),
        LinkClaim::Same => Err(Refusal::LinkSame),
        LinkClaim::Claimed { network, name, .. } => Ok(Claimed { code, network, name }),
    })
}

/// What a yes led to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Confirmed {
    /// The typist said yes: now `maker` (who asked on `maker_network`) must, seeing the
    /// typist's `network` and `name`. The caller asks them.
    AskMaker { maker: PersonId, maker_network: String, network: String, name: String },
    /// Both said yes: `joined` is now part of `kept`; `dropped` are the roles of `joined`
    /// that were not carried over.
    Linked { kept: PersonId, joined: PersonId, dropped: Vec<RoleGrant> },
}

/// One side says yes to a code: first the typist, then the maker.
pub async fn confirm(
    actor: &Person,
    code: &str,
    store: &dyn Store,
    now: DateTime<Utc>,
) -> Result<Result<Confirmed, Refusal>, StoreError> {
    Ok(match store.link_confirm(&normalized(code), actor.id, now).await? {
        LinkConfirm::Unknown => Err(Refusal::LinkOver),
        LinkConfirm::AskMaker { maker, maker_network, network, name } => {
            Ok(Confirmed::AskMaker { maker, maker_network, network, name })
        }
        LinkConfirm::Linked { kept, joined, dropped } => {
            tracing::info!(person = %kept, joined = %joined, "accounts linked");
            Ok(Confirmed::Linked { kept, joined, dropped })
        }
    })
}

/// Either side says no: the code is gone. Refused when it was not theirs (or is gone).
pub async fn cancel(actor: &Person, code: &str, store: &dyn Store) -> Result<Result<(), Refusal>, StoreError> {
    Ok(if store.link_cancel(&normalized(code), actor.id).await? { Ok(()) } else { Err(Refusal::LinkOver) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_eight_characters_of_the_alphabet_and_differ() {
        let a = fresh_code().unwrap();
        let b = fresh_code().unwrap();
        assert_eq!(a.len(), 8);
        assert!(a.bytes().all(|c| ALPHABET.contains(&c)), "{a}");
        assert_ne!(a, b);
        assert_eq!(normalized(" abcd-efgh "), "ABCDEFGH");
    }

    async fn store() -> (std::sync::Arc<dyn Store>, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite:{}/vicinato.db", dir.path().display());
        (vicinato_store::open(&url).await.unwrap(), dir)
    }

    async fn person(store: &dyn Store, network: Network, name: &str, now: DateTime<Utc>) -> Person {
        let account = Account::new(network, name.to_owned());
        store.person_for_account(&account, name, now).await.unwrap()
    }

    #[tokio::test]
    async fn two_accounts_are_one_person_only_when_both_said_yes() {
        let (store, _dir) = store().await;
        let now = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 12, 1, 8, 0, 0).unwrap();
        let ann = person(store.as_ref(), Network::Telegram, "ann", now).await;
        let also_ann = person(store.as_ref(), Network::Matrix, "@ann:example.org", now).await;
        let issued = issue(&ann, "telegram", store.as_ref(), now).await.unwrap();
        assert_eq!(issued.expires, now + Duration::minutes(VALID_MINUTES));
        let typed = format!("{} {}", &issued.code[..4], issued.code[4..].to_lowercase());
        // Her own code on her own account: refused.
        let own = claim(&ann, &typed, "telegram", 5, store.as_ref(), now).await.unwrap();
        assert_eq!(own, Err(Refusal::LinkSame));
        let claimed = claim(&also_ann, &typed, "matrix", 5, store.as_ref(), now).await.unwrap().unwrap();
        assert_eq!((claimed.code.as_str(), claimed.network.as_str()), (issued.code.as_str(), "telegram"));
        let asked = confirm(&also_ann, &claimed.code, store.as_ref(), now).await.unwrap().unwrap();
        assert!(matches!(&asked, Confirmed::AskMaker { maker, .. } if *maker == ann.id), "{asked:?}");
        let linked = confirm(&ann, &claimed.code, store.as_ref(), now).await.unwrap().unwrap();
        assert!(matches!(&linked, Confirmed::Linked { kept, joined, .. } if *kept == ann.id && *joined == also_ann.id));
        // Used up.
        assert_eq!(confirm(&ann, &claimed.code, store.as_ref(), now).await.unwrap(), Err(Refusal::LinkOver));
    }

    #[tokio::test]
    async fn wrong_codes_are_limited_and_a_no_ends_the_code() {
        let (store, _dir) = store().await;
        let now = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 12, 1, 8, 0, 0).unwrap();
        let ann = person(store.as_ref(), Network::Telegram, "ann", now).await;
        let bob = person(store.as_ref(), Network::Matrix, "@bob:example.org", now).await;
        let r = claim(&bob, "AAAA AAAA", "matrix", 1, store.as_ref(), now).await.unwrap();
        assert_eq!(r, Err(Refusal::LinkUnknown));
        let r = claim(&bob, "BBBB BBBB", "matrix", 1, store.as_ref(), now).await.unwrap();
        assert_eq!(r, Err(Refusal::LinkTooManyTries));
        let issued = issue(&ann, "telegram", store.as_ref(), now).await.unwrap();
        assert_eq!(cancel(&bob, &issued.code, store.as_ref()).await.unwrap(), Err(Refusal::LinkOver));
        assert_eq!(cancel(&ann, &issued.code, store.as_ref()).await.unwrap(), Ok(()));
        let later = now + Duration::hours(2);
        let r = claim(&bob, &issued.code, "matrix", 1, store.as_ref(), later).await.unwrap();
        assert_eq!(r, Err(Refusal::LinkUnknown));
    }
}
