//! Composing an announcement: checks who may address the audience (staff of a territory
//! within its subtree, admins and the operator anywhere; a house's bookers belong to the
//! house's territory), the texts and the time, then keeps the announcement with the job that
//! sends it, in one transaction. Where the territory (or one above it) asks for a second
//! staff member's approval, what a person composes is kept pending, without a job, until
//! someone else approves it (`approve`); the operator at the command line needs nobody's.
//! A recurring announcement with no time goes out at its first occurrence.

use super::{By, Refusal, send_job};
use chrono::{DateTime, Utc};
use vicinato_domain::{
    Announcement, AnnouncementId, AnnouncementTexts, Audience, Location, Recurrence, TerritoryTree, Who,
};
use vicinato_store::{NewAnnouncement, Store, StoreError};

/// The longest text of a copy, in characters: with the line on how to stop, a copy stays one
/// Telegram message (4,096).
pub const TEXT_MAX: usize = 3500;

/// An announcement as its author asks for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub texts: AnnouncementTexts,
    pub audience: Audience,
    /// When it goes out; `None` is now.
    pub at: Option<DateTime<Utc>>,
    pub recurrence: Option<Recurrence>,
}

/// Checks a draft as [`compose`] would, without keeping anything: the audience as it will be
/// kept (a house's bookers get the house's territory as scope), or why not.
pub fn check(
    by: By<'_>,
    draft: &Draft,
    tree: &TerritoryTree,
    houses: &[Location],
    now: DateTime<Utc>,
) -> Result<Audience, Refusal> {
    let mut audience = draft.audience.clone();
    if let Who::Bookings(house) = &audience.who {
        let Some(found) = houses.iter().find(|h| &h.id == house) else {
            return Err(Refusal::HouseUnknown { house: house.to_string() });
        };
        audience.territory = Some(found.territory.clone());
    }
    if let Some(t) = &audience.territory
        && tree.get(t).is_none()
    {
        return Err(Refusal::TerritoryUnknown { territory: t.to_string() });
    }
    if !by.may_address(audience.territory.as_ref(), tree) {
        return Err(Refusal::NotAllowed);
    }
    if draft.texts.it.trim().is_empty() {
        return Err(Refusal::EmptyText);
    }
    let too_long = |t: &str| t.chars().count() > TEXT_MAX;
    if too_long(&draft.texts.it) || draft.texts.en.as_deref().is_some_and(too_long) {
        return Err(Refusal::TooLong { max: TEXT_MAX as i64 });
    }
    if draft.at.is_some_and(|at| at < now - chrono::Duration::minutes(1)) {
        return Err(Refusal::InThePast);
    }
    Ok(audience)
}

/// Whether an announcement to `scope` composed by `by` waits for a second staff member: the
/// scope or a territory above it asks for that, and `by` is a person, not the operator.
pub async fn needs_approval(
    by: By<'_>,
    scope: Option<&vicinato_domain::TerritoryId>,
    store: &dyn Store,
    tree: &TerritoryTree,
) -> Result<bool, StoreError> {
    let (By::Person(_), Some(scope)) = (by, scope) else {
        return Ok(false);
    };
    let asking = store.approval_territories().await?;
    Ok(tree.ancestors_and_self(scope).iter().any(|t| asking.contains(&t.id)))
}

/// Keeps an announcement, scheduled for its time, with its send job.
pub async fn compose(
    by: By<'_>,
    draft: Draft,
    store: &dyn Store,
    tree: &TerritoryTree,
    houses: &[Location],
    zone: chrono_tz::Tz,
    now: DateTime<Utc>,
) -> Result<Result<Announcement, Refusal>, StoreError> {
    let audience = match check(by, &draft, tree, houses, now) {
        Ok(a) => a,
        Err(r) => return Ok(Err(r)),
    };
    let pending = needs_approval(by, audience.territory.as_ref(), store, tree).await?;
    let at = match (&draft.at, &draft.recurrence) {
        (Some(at), _) => (*at).max(now),
        (None, Some(r)) => r.next_after(now - chrono::Duration::seconds(1), zone),
        (None, None) => now,
    };
    let texts = AnnouncementTexts {
        it: draft.texts.it.trim().to_owned(),
        en: draft.texts.en.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()),
    };
    let new = NewAnnouncement {
        author: match by {
            By::Person(p) => Some(p.id),
            By::Operator => None,
        },
        texts,
        audience,
        at,
        recurrence: draft.recurrence,
        series: None,
        pending,
    };
    let job = send_job(None, at);
    let id: AnnouncementId = store.announcement_add(&new, (!pending).then_some(&job), now).await?;
    let kept = store.announcement(id).await?.ok_or_else(|| StoreError::Corrupt {
        record: format!("announcement {id}"),
        reason: "not found right after it was kept".into(),
    })?;
    Ok(Ok(kept))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use vicinato_domain::territory::fixtures::small_tree;
    use vicinato_domain::{CategoryCode, LocationId, Person, PersonId, Role, RoleGrant, TerritoryId};

    fn person(roles: &[(Role, Option<&str>)]) -> Person {
        Person {
            id: PersonId(1),
            display_name: "Sara".into(),
            language: None,
            home: None,
            interests: vec![],
            roles: roles
                .iter()
                .map(|(role, t)| RoleGrant { role: *role, territory: t.map(TerritoryId::new) })
                .collect(),
            accounts: vec![],
            onboarded: true,
        }
    }

    fn draft(territory: Option<&str>, who: Who) -> Draft {
        Draft {
            texts: AnnouncementTexts { it: "Mercato sabato".into(), en: None },
            audience: Audience { territory: territory.map(TerritoryId::new), who, rooms: Default::default() },
            at: None,
            recurrence: None,
        }
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 28, 9, 0, 0).unwrap()
    }

    #[test]
    fn staff_of_a_municipio_may_announce_to_it_and_its_quartieri_only() {
        let tree = small_tree();
        let staff = person(&[(Role::Staff, Some("roma-m05"))]);
        let by = By::Person(&staff);
        assert!(check(by, &draft(Some("roma-m05"), Who::Home), &tree, &[], now()).is_ok());
        let food = Who::Interest(CategoryCode::new("food"));
        assert!(check(by, &draft(Some("centocelle"), food), &tree, &[], now()).is_ok());
        assert_eq!(check(by, &draft(Some("san-lorenzo"), Who::Home), &tree, &[], now()), Err(Refusal::NotAllowed));
        assert_eq!(check(by, &draft(Some("roma"), Who::Home), &tree, &[], now()), Err(Refusal::NotAllowed));
        assert_eq!(check(by, &draft(None, Who::Home), &tree, &[], now()), Err(Refusal::NotAllowed), "everyone");
    }

    #[test]
    fn admins_and_the_operator_may_announce_anywhere_and_residents_nowhere() {
        let tree = small_tree();
        let admin = person(&[(Role::Admin, None)]);
        assert!(check(By::Person(&admin), &draft(None, Who::Home), &tree, &[], now()).is_ok());
        assert!(check(By::Operator, &draft(Some("san-lorenzo"), Who::Home), &tree, &[], now()).is_ok());
        let moderator = person(&[(Role::Moderator, Some("roma-m05"))]);
        let refused = check(By::Person(&moderator), &draft(Some("centocelle"), Who::Home), &tree, &[], now());
        assert_eq!(refused, Err(Refusal::NotAllowed));
        assert_eq!(
            check(By::Operator, &draft(Some("atlantide"), Who::Home), &tree, &[], now()),
            Err(Refusal::TerritoryUnknown { territory: "atlantide".into() })
        );
    }

    #[test]
    fn a_house_s_bookers_are_in_the_house_s_territory() {
        let tree = small_tree();
        let house = Location {
            id: LocationId::new("casa-centocelle"),
            organization: None,
            name: "Casa".into(),
            territory: TerritoryId::new("centocelle"),
            address: Default::default(),
            geo: None,
            accessibility: String::new(),
            transport: String::new(),
            confidential: false,
            welfare_house: true,
            hours: Default::default(),
        };
        let houses = [house];
        let staff = person(&[(Role::Staff, Some("san-lorenzo"))]);
        let bookers = draft(None, Who::Bookings(LocationId::new("casa-centocelle")));
        assert_eq!(check(By::Person(&staff), &bookers, &tree, &houses, now()), Err(Refusal::NotAllowed));
        let theirs = person(&[(Role::Staff, Some("roma-m05"))]);
        let audience = check(By::Person(&theirs), &bookers, &tree, &houses, now()).unwrap();
        assert_eq!(audience.territory, Some(TerritoryId::new("centocelle")));
        let nowhere = draft(None, Who::Bookings(LocationId::new("casa-nessuna")));
        assert_eq!(
            check(By::Operator, &nowhere, &tree, &houses, now()),
            Err(Refusal::HouseUnknown { house: "casa-nessuna".into() })
        );
    }

    #[test]
    fn an_empty_text_a_text_too_long_and_a_time_gone_by_are_refused() {
        let tree = small_tree();
        let mut empty = draft(Some("roma-m05"), Who::Home);
        empty.texts.it = "  ".into();
        assert_eq!(check(By::Operator, &empty, &tree, &[], now()), Err(Refusal::EmptyText));
        let mut long = draft(Some("roma-m05"), Who::Home);
        long.texts.en = Some("a".repeat(TEXT_MAX + 1));
        assert_eq!(check(By::Operator, &long, &tree, &[], now()), Err(Refusal::TooLong { max: TEXT_MAX as i64 }));
        let mut past = draft(Some("roma-m05"), Who::Home);
        past.at = Some(now() - chrono::Duration::hours(1));
        assert_eq!(check(By::Operator, &past, &tree, &[], now()), Err(Refusal::InThePast));
    }
}
