//! Newtype identifiers and small value types shared by the whole core.
//!
//! Raw strings and integers do not cross domain signatures: each id has its own type, so a
//! territory id can never be passed where a service id is expected.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! slug_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Wraps an id that was already checked (it came from the store or from `parse`).
            pub fn new(id: impl Into<String>) -> Self {
                Self(id.into())
            }

            /// Parses an id as a person or a file would write it: trimmed, not empty, no
            /// whitespace or control characters, at most 128 bytes.
            pub fn parse(raw: &str) -> Result<Self, IdError> {
                let id = raw.trim();
                if id.is_empty() {
                    return Err(IdError::Empty);
                }
                if id.len() > 128 {
                    return Err(IdError::TooLong);
                }
                if id.chars().any(|c| c.is_whitespace() || c.is_control()) {
                    return Err(IdError::BadCharacter);
                }
                Ok(Self(id.to_owned()))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

slug_id!(
    /// A territory: `lazio`, `roma-m05`, `centocelle`.
    TerritoryId
);
slug_id!(
    /// An organization that provides services.
    OrganizationId
);
slug_id!(
    /// A service of the directory.
    ServiceId
);
slug_id!(
    /// A physical (or confidential) place.
    LocationId
);
slug_id!(
    /// A service delivered at one location, the unit a search returns.
    ServiceAtLocationId
);
slug_id!(
    /// A bookable space of a welfare house: `centocelle-sala-grande`.
    SpaceId
);
slug_id!(
    /// A taxonomy term code: `elderly`, `migrants-italian-course`.
    CategoryCode
);

/// Why an id was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("the id is empty")]
    Empty,
    #[error("the id is longer than 128 bytes")]
    TooLong,
    #[error("the id contains spaces or control characters")]
    BadCharacter,
}

/// A person's id, assigned by the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PersonId(pub i64);

impl fmt::Display for PersonId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A language Vicinato speaks: the interface language of a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    It,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::It, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::It => "it",
            Lang::En => "en",
        }
    }

    /// Reads a language tag such as `it`, `en`, `en-GB` or `it_IT`; `None` for a language
    /// Vicinato does not speak yet.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or_default().to_ascii_lowercase();
        match primary.as_str() {
            "it" | "ita" => Some(Lang::It),
            "en" | "eng" => Some(Lang::En),
            _ => None,
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A spoken language as an ISO 639-1 code (`ar`, `uk`), for the languages a service speaks.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LanguageCode(String);

impl LanguageCode {
    pub fn parse(raw: &str) -> Result<Self, IdError> {
        let code = raw.trim().to_ascii_lowercase();
        if code.is_empty() {
            return Err(IdError::Empty);
        }
        if !(2..=3).contains(&code.len()) || !code.chars().all(|c| c.is_ascii_lowercase()) {
            return Err(IdError::BadCharacter);
        }
        Ok(Self(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for LanguageCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_refuse_empty_and_spaced_text() {
        assert_eq!(TerritoryId::parse("  "), Err(IdError::Empty));
        assert_eq!(TerritoryId::parse("roma m05"), Err(IdError::BadCharacter));
        assert_eq!(TerritoryId::parse(" roma-m05 ").unwrap().as_str(), "roma-m05");
    }

    #[test]
    fn language_tags_map_to_spoken_interface_languages() {
        assert_eq!(Lang::from_tag("en-GB"), Some(Lang::En));
        assert_eq!(Lang::from_tag("it_IT"), Some(Lang::It));
        assert_eq!(Lang::from_tag("ar"), None);
    }

    #[test]
    fn language_codes_are_two_or_three_letters() {
        assert_eq!(LanguageCode::parse("AR").unwrap().as_str(), "ar");
        assert!(LanguageCode::parse("arabic").is_err());
    }
}
