//! The directory's buttons as data: what each carries, read back with [`DirectoryButton::parse`]
//! and written with [`DirectoryButton::to_payload`]. The payload strings are those of earlier
//! versions, so buttons already in people's chats keep working; anything else is an expired
//! button. Longer payloads than a network carries (Telegram: 64 bytes) go behind a token in
//! the transport.

use vicinato_domain::ServiceAtLocationId;

/// A press on one of the directory's buttons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DirectoryButton {
    /// `cat:<code>`: the services of a category.
    Category(String),
    /// `page:<n>`: another page of the results (from 0).
    Page(usize),
    /// `card:<service at location>`: a result's full card.
    Card(ServiceAtLocationId),
    /// `near:<territory>`: the same search again in an area the person chose, when no place
    /// was known.
    Near(String),
}

impl DirectoryButton {
    /// Every kind of payload this enum reads.
    pub const KINDS: &[&str] = &["cat", "page", "card", "near"];

    pub fn parse(payload: &str) -> Option<Self> {
        let (kind, arg) = payload.split_once(':')?;
        match kind {
            "cat" if !arg.is_empty() => Some(Self::Category(arg.to_owned())),
            "page" => arg.parse().ok().map(Self::Page),
            "card" => ServiceAtLocationId::parse(arg).ok().map(Self::Card),
            "near" if !arg.is_empty() => Some(Self::Near(arg.to_owned())),
            _ => None,
        }
    }

    pub fn to_payload(&self) -> String {
        match self {
            Self::Category(code) => format!("cat:{code}"),
            Self::Page(n) => format!("page:{n}"),
            Self::Card(id) => format!("card:{id}"),
            Self::Near(t) => format!("near:{t}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every() -> Vec<DirectoryButton> {
        vec![
            DirectoryButton::Category("food-assistance".into()),
            DirectoryButton::Page(usize::MAX),
            DirectoryButton::Card(ServiceAtLocationId::new("sal-roma-m05-centocelle-casa-welfare-sportello")),
            DirectoryButton::Near("roma-m05-centocelle".into()),
        ]
    }

    #[test]
    fn every_directory_button_reads_back_as_itself_and_fits_in_64_bytes() {
        for button in every() {
            let payload = button.to_payload();
            assert_eq!(DirectoryButton::parse(&payload), Some(button), "{payload}");
            assert!(payload.len() <= 64, "{payload} is {} bytes", payload.len());
            assert!(DirectoryButton::KINDS.contains(&payload.split(':').next().unwrap()));
        }
    }

    #[test]
    fn garbage_and_old_shapes_are_not_directory_buttons() {
        for payload in
            ["", "cat", "cat:", "page:", "page:-1", "page:x", "card:", "card: ", "ini:3", "cats:a", "near", "near:"]
        {
            assert_eq!(DirectoryButton::parse(payload), None, "{payload}");
        }
    }
}
