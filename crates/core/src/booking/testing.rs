//! What the unit tests of the booking use cases share: a real SQLite store in a temporary
//! directory, the spaces file shipped with Vicinato, one welfare house in Centocelle open
//! every day 08:00–22:00, the small territory tree, people, and bookings written straight to
//! the store. Test code only.

use super::{Catalogue, Notice};
use chrono::{DateTime, Duration, TimeZone, Utc};
use std::sync::Arc;
use vicinato_domain::territory::fixtures::small_tree;
use vicinato_domain::*;
use vicinato_store::{NewJob, Store};

pub const SPACES_TOML: &str = include_str!("../../../../config/spaces.toml");
pub const SPACE: &str = "centocelle-sala-grande";

pub struct Setup {
    store: Arc<dyn Store>,
    _dir: tempfile::TempDir,
    pub spaces: Spaces,
    pub houses: Vec<Location>,
    pub tree: TerritoryTree,
    /// Tuesday 1 December 2026, 09:00 in Rome.
    pub now: DateTime<Utc>,
}

/// Stands in for the chat's note: a job that says whom it tells of what.
pub fn note_job(notice: &Notice) -> NewJob {
    NewJob {
        kind: "note".into(),
        key: Some(format!("test:{}:{:?}", notice.booking.id, notice.what)),
        payload: String::new(),
        due_at: notice.booking.starts,
        cron: None,
        zone: "UTC".into(),
    }
}

impl Setup {
    pub async fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite:{}/vicinato.db", dir.path().display());
        let store = vicinato_store::open(&url).await.expect("open sqlite store");
        let spaces = Spaces::parse("config/spaces.toml", SPACES_TOML).unwrap();
        let house = Location {
            id: LocationId::new("casa-welfare-centocelle"),
            organization: None,
            name: "Casa del Welfare di Centocelle".into(),
            territory: TerritoryId::new("centocelle"),
            address: Address::default(),
            geo: None,
            accessibility: String::new(),
            transport: String::new(),
            confidential: false,
            welfare_house: true,
            hours: Schedule { weekly: WeeklyHours::parse("mo-su 08:00-22:00").unwrap(), ..Default::default() },
        };
        let now = Utc.with_ymd_and_hms(2026, 12, 1, 8, 0, 0).unwrap();
        Self { store, _dir: dir, spaces, houses: vec![house], tree: small_tree(), now }
    }

    pub fn store(&self) -> &dyn Store {
        self.store.as_ref()
    }

    pub fn catalogue(&self) -> Catalogue<'_> {
        Catalogue { spaces: &self.spaces, houses: &self.houses, tree: &self.tree }
    }

    pub async fn person(&self, name: &str) -> Person {
        let account = Account::new(Network::Console, name.to_owned());
        self.store.person_for_account(&account, name, self.now).await.unwrap()
    }

    /// A person who is staff in a territory.
    pub async fn staff(&self, name: &str, territory: &str) -> Person {
        let mut person = self.person(name).await;
        person.roles.push(RoleGrant { role: Role::Staff, territory: Some(TerritoryId::new(territory)) });
        person
    }

    /// A booking of the main hall for two hours, `hours` from now.
    pub async fn booking(&self, person: &Person, status: BookingStatus, hours: i64) -> Booking {
        let (house, space) = self.spaces.space(&SpaceId::new(SPACE)).unwrap();
        let starts = self.now + Duration::hours(hours);
        let ends = starts + Duration::hours(2);
        let new = NewBooking {
            house: house.location.clone(),
            space: space.id.clone(),
            person: person.id,
            status,
            starts,
            ends,
            zone: house.zone,
            people: 2,
            purpose: "prove".into(),
            units: space.units.clone(),
            busy_until: ends + Duration::minutes(i64::from(space.buffer_minutes)),
            replaces: None,
            association: None,
        };
        self.store.booking_insert(&new, self.now).await.unwrap().expect("the slot is free")
    }

    /// The same, another name for a second booking in a test.
    pub async fn booking_at(&self, person: &Person, status: BookingStatus, hours: i64) -> Booking {
        self.booking(person, status, hours).await
    }

    /// A slot of the main hall that nobody holds, `hours` from now, as a booking.
    pub async fn booking_slot(&self, hours: i64) -> Booking {
        let nobody = self.person("nobody").await;
        let b = self.booking(&nobody, BookingStatus::Confirmed, hours).await;
        let live = [BookingStatus::Confirmed];
        self.store.booking_transition(b.id, &live, BookingStatus::Cancelled).await.unwrap().unwrap()
    }
}
