//! The booking draft: what a person has said so far about the booking they want, kept in
//! their flow, and saving it.

use crate::understand::DayPart;
use crate::wish::Said;
use crate::{Flow, Turn};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use vicinato_domain::*;
use vicinato_store::StoreError;

/// What is asked next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ask {
    Space,
    When,
    People,
    Purpose,
    Confirm,
    /// For me, or for one of my associations.
    ForWhom,
}

/// A booking being put together.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub house: Option<LocationId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub space: Option<SpaceId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<NaiveDate>,
    /// Minutes after midnight.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub length: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part: Option<DayPart>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub people: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asked: Option<Ask>,
    /// Moving this booking of mine to the new time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaces: Option<BookingId>,
    /// Every week at the same time, this many weeks (the first included).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weeks: Option<u8>,
    /// Every day at the same time, this many days (the first included).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days: Option<u8>,
    /// Who it is for; `None` until decided.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub for_whom: Option<BookingFor>,
}

impl Draft {
    pub(crate) fn merge(&mut self, said: &Said, turn: &Turn<'_>) {
        if let Some(h) = &said.house {
            if self.house.as_ref() != Some(h) {
                self.space = None;
            }
            self.house = Some(h.clone());
        }
        let spaces = turn.engine.spaces();
        let in_house: Vec<&SpaceId> = said
            .spaces
            .iter()
            .filter(|s| {
                self.house.is_none() || spaces.space(s).is_some_and(|(h, _)| Some(&h.location) == self.house.as_ref())
            })
            .collect();
        if in_house.len() == 1 {
            self.space = Some(in_house[0].clone());
            self.house = spaces.space(in_house[0]).map(|(h, _)| h.location.clone());
        }
        if said.date.is_some() {
            self.date = said.date;
            self.days = said.days;
        }
        if said.from.is_some() || said.part.is_some() {
            self.from = said.from;
            self.to = said.to;
            self.part = if said.from.is_some() { None } else { said.part };
        }
        if said.length.is_some() {
            self.length = said.length;
            self.to = None;
        }
        if said.weeks.is_some() {
            self.weeks = said.weeks;
        }
        if let Some(p) = said.people {
            self.people = Some(p);
        }
        if let (Some(n), Some(Ask::People)) = (said.number, self.asked) {
            self.people = Some(n);
        }
    }
}

pub(super) async fn save(turn: &mut Turn<'_>, draft: &Draft) -> Result<(), StoreError> {
    let flow = Flow::Book { draft: draft.clone() };
    turn.save_flow(&flow).await?;
    turn.flow = Some(flow);
    Ok(())
}
