//! Finding services: from understood slots to a directory query, results as cards with paging,
//! and, when nothing matches, a wider search and the nearest welfare house.

use super::buttons::DirectoryButton;
use super::cards::{Detail, card};
use crate::i18n::Msg;
use crate::understand::Slots;
use crate::wish::resolve_when;
use crate::{Block, Button, Flow, Reply, Turn};
use vicinato_core::directory::search::{Widening, search};
use vicinato_domain::*;
use vicinato_store::StoreError;

/// How many results one search keeps for paging.
/// The query for understood slots; the person's home stands in for "near me", and for a
/// missing place when they have one.
fn query_from(turn: &Turn<'_>, slots: &Slots) -> DirectoryQuery {
    let territory = slots.territory.clone().or_else(|| turn.person.home.clone());
    DirectoryQuery {
        text: slots.text.clone(),
        category: slots.category.clone(),
        territory,
        open: slots.when.as_ref().and_then(|w| resolve_when(w, turn.local_now())),
        language: slots.language.clone(),
        age: slots.age,
    }
}

pub async fn search_from_text(turn: &mut Turn<'_>, slots: &Slots) -> Result<Vec<Reply>, StoreError> {
    let mut query = query_from(turn, slots);
    let mut notes = Vec::new();
    let mut ask_place = false;
    if slots.near_me && turn.person.home.is_none() {
        notes.push(Msg::new("near-me-no-home"));
    } else if query.territory.is_none() {
        // No place named and no home: the place of the last search in this chat stands in
        // ("bollette" after "compiti a Centocelle"); with none, say once where we search.
        match super::context::load(turn).await?.and_then(|c| c.query) {
            Some(last) if last.territory.is_some() => query.territory = last.territory,
            Some(_) => {}
            None => {
                notes.push(Msg::new("search-no-place"));
                ask_place = true;
            }
        }
    }
    if query.text.is_none()
        && query.category.is_none()
        && query.open.is_none()
        && query.language.is_none()
        && query.age.is_none()
    {
        // Only a place, right after a search ("in Rome", "e a Ostia?"): the same search there.
        if slots.territory.is_some()
            && let Some(mut last) = super::context::load(turn).await?.and_then(|c| c.query)
            && (last.text.is_some() || last.category.is_some())
        {
            last.territory = slots.territory.clone();
            return run(turn, last, 0, false, Vec::new()).await;
        }
        // Only a place: offer the categories there.
        let mut reply = browse(turn);
        for n in notes.into_iter().rev() {
            reply.blocks.insert(0, Block::Say(n));
        }
        return Ok(vec![reply]);
    }
    let mut replies = run(turn, query, 0, false, notes).await?;
    if ask_place && let Some(last) = replies.last_mut() {
        last.buttons.extend(place_buttons(turn));
    }
    Ok(replies)
}

/// The areas of the region, one button each, for a person whose place is not known yet.
fn place_buttons(turn: &Turn<'_>) -> Vec<Button> {
    let tree = &turn.snapshot.tree;
    let mut areas: Vec<&Territory> = tree.roots().flat_map(|r| tree.children(&r.id)).collect();
    areas.sort_by(|a, b| a.name.cmp(&b.name));
    areas
        .into_iter()
        .map(|t| Button::text(format!("📍 {}", t.name), DirectoryButton::Near(t.id.to_string()).to_payload()))
        .collect()
}

/// An area button (`near:<territory>`): the search shown, or the last one in this chat, again
/// in that area; with no search to repeat, the categories to choose from.
pub async fn near(turn: &mut Turn<'_>, territory: &str) -> Result<Vec<Reply>, StoreError> {
    let id = TerritoryId::new(territory);
    if turn.snapshot.tree.get(&id).is_none() {
        return Ok(vec![Reply::id("button-expired")]);
    }
    let last = match turn.flow.clone() {
        Some(Flow::Results { query, .. }) => Some(query),
        _ => super::context::load(turn).await?.and_then(|c| c.query),
    };
    match last {
        Some(mut query) => {
            query.territory = Some(id);
            run(turn, query, 0, false, Vec::new()).await
        }
        None => Ok(vec![browse(turn)]),
    }
}

fn territory_name(turn: &Turn<'_>, id: &TerritoryId) -> String {
    turn.snapshot.tree.get(id).map(|t| t.name.clone()).unwrap_or_else(|| id.to_string())
}

pub(crate) fn category_msg(turn: &Turn<'_>, code: &CategoryCode) -> Msg {
    let id = format!("category-{code}");
    if turn.engine.i18n().has(turn.lang, &id) {
        Msg::new(id)
    } else {
        Msg::new("category-other").text(
            "name",
            turn.snapshot.category(code.as_str()).map(|c| c.name.clone()).unwrap_or_else(|| code.to_string()),
        )
    }
}

async fn run(
    turn: &mut Turn<'_>,
    query: DirectoryQuery,
    page: usize,
    update: bool,
    notes: Vec<Msg>,
) -> Result<Vec<Reply>, StoreError> {
    // The one search (core::directory::search), widening until something is found.
    let found = search(&query, turn.snapshot.as_ref(), turn.store()).await?;
    let (effective, listings, widened) = (found.query, found.hits, found.widened);
    let mut blocks: Vec<Block> = notes.into_iter().map(Block::Say).collect();
    // Say what was widened only when the wider search found something.
    let widened = if listings.is_empty() { Vec::new() } else { widened };
    for w in &widened {
        let m = match w {
            Widening::Words => Msg::new("widened-words").text("words", query.text.clone().unwrap_or_default()),
            Widening::Time => Msg::new("widened-time"),
            Widening::Category(c) => Msg::new("widened-category").msg("category", category_msg(turn, c)),
            Widening::Territory { from, to } => Msg::new("widened-territory")
                .text("from", territory_name(turn, from))
                .text("to", territory_name(turn, to)),
            Widening::Anywhere(from) => Msg::new("widened-anywhere").text("from", territory_name(turn, from)),
        };
        blocks.push(Block::Say(m));
    }
    if listings.is_empty() {
        turn.clear_flow().await?;
        // Words that name nothing in the directory are said back, never dropped silently.
        if let Some(words) = &query.text {
            blocks.push(Block::Say(Msg::new("searched-for").text("words", words.clone())));
        }
        blocks.push(Block::Say(Msg::new("no-results")));
        let area = query.territory.clone().or_else(|| turn.person.home.clone());
        let mut reply =
            Reply { blocks, buttons: Vec::new(), visibility: crate::Visibility::Chat, update, in_langs: Vec::new() };
        if let Some(house) = area.as_ref().and_then(|t| turn.snapshot.nearest_house(t)) {
            reply.blocks.push(Block::Say(house_msg(turn, house)));
        } else {
            reply.blocks.push(Block::Say(Msg::new("no-results-next")));
        }
        reply.buttons = category_buttons(turn);
        return Ok(vec![reply]);
    }
    let size = turn.engine.settings().page_size.max(1);
    let pages = listings.len().div_ceil(size);
    if page >= pages && !update {
        return Ok(vec![Reply::id("nothing-more").with_buttons(category_buttons(turn))]);
    }
    let page = page.min(pages - 1);
    let area = effective.territory.as_ref().map(|t| territory_name(turn, t)).unwrap_or_else(|| "none".into());
    blocks.push(Block::Say(
        Msg::new("results-header")
            .num("count", listings.len() as i64)
            .text("area", area)
            .num("page", page as i64 + 1)
            .num("pages", pages as i64),
    ));
    let now = turn.local_now();
    // The day asked for ("aperto domenica"), shown on the cards instead of today's hours.
    let asked = effective.open.map(|w| w.date);
    let mut buttons = Vec::new();
    let shown: Vec<ServiceAtLocationId> = listings.iter().skip(page * size).take(size).map(|h| h.sal.clone()).collect();
    let records = turn.store().listings(&shown).await?;
    for (i, l) in records.iter().enumerate().map(|(i, l)| (page * size + i, l)) {
        blocks.push(Block::Card(card(l, Some(i + 1), Detail::Summary, turn.lang, &turn.snapshot, now, asked)));
        let name = crate::quote::excerpt(&l.service.texts_in(turn.lang).name, 40);
        buttons.push(Button::text(format!("{}. {name}", i + 1), DirectoryButton::Card(l.sal.id.clone()).to_payload()));
    }
    if page + 1 < pages {
        buttons.push(Button::msg(Msg::new("button-more"), DirectoryButton::Page(page + 1).to_payload()));
    }
    if page > 0 {
        buttons.push(Button::msg(Msg::new("button-previous"), DirectoryButton::Page(page - 1).to_payload()));
    }
    super::context::list_shown(turn, &effective, page, page * size + 1, shown).await?;
    turn.flow = Some(Flow::Results { query: effective, page });
    turn.save_flow(turn.flow.as_ref().expect("just set")).await?;
    Ok(vec![Reply { blocks, buttons, visibility: crate::Visibility::Chat, update, in_langs: Vec::new() }])
}

/// "Voglio parlare con una persona": the nearest welfare house to the place named or the
/// person's home, where staff listen in person; with no place known, the houses there are
/// and the question where the person is.
pub async fn talk_to_person(turn: &mut Turn<'_>, slots: &Slots) -> Result<Vec<Reply>, StoreError> {
    let area = slots.territory.clone().or_else(|| turn.person.home.clone());
    let mut reply = Reply::id("talk-person");
    if let Some(house) = area.as_ref().and_then(|t| turn.snapshot.nearest_house(t)) {
        reply.blocks.push(Block::Say(house_msg(turn, house)));
        return Ok(vec![reply]);
    }
    const LISTED: usize = 6;
    if turn.snapshot.houses.len() <= LISTED {
        for house in &turn.snapshot.houses {
            reply.blocks.push(Block::Say(
                Msg::new("talk-person-house").text("name", house.name.clone()).text(
                    "address",
                    [house.address.street.as_str(), house.address.city.as_str()]
                        .into_iter()
                        .filter(|s| !s.is_empty())
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
            ));
        }
    }
    reply.blocks.push(Block::Say(Msg::new("talk-person-where")));
    Ok(vec![reply])
}

fn house_msg(turn: &Turn<'_>, house: &Location) -> Msg {
    let open = super::cards::open_line(&house.hours, ServiceStatus::Active, turn.local_now());
    let address = [house.address.street.as_str(), house.address.city.as_str()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    Msg::new("nearest-house").text("name", house.name.clone()).text("address", address).msg("open", open)
}

/// Up to `n` summary cards for a query, widened as any search, without touching the flow in
/// progress and without a "no results" (nothing found: no cards). For answers that come
/// before everything else (a call for help).
pub async fn quiet_cards(
    turn: &Turn<'_>,
    query: DirectoryQuery,
    n: usize,
) -> Result<Vec<super::cards::Card>, StoreError> {
    let found = search(&query, turn.snapshot.as_ref(), turn.store()).await?;
    let shown: Vec<ServiceAtLocationId> = found.hits.iter().take(n).map(|h| h.sal.clone()).collect();
    if shown.is_empty() {
        return Ok(Vec::new());
    }
    let now = turn.local_now();
    let records = turn.store().listings(&shown).await?;
    let asked = query.open.map(|w| w.date);
    Ok(records.iter().map(|l| card(l, None, Detail::Summary, turn.lang, &turn.snapshot, now, asked)).collect())
}

/// "More results", typed.
pub async fn more(turn: &mut Turn<'_>) -> Result<Vec<Reply>, StoreError> {
    match turn.flow.clone() {
        Some(Flow::Results { query, page }) => run(turn, query, page + 1, false, Vec::new()).await,
        _ => Ok(vec![Reply::id("nothing-more").with_buttons(category_buttons(turn))]),
    }
}

/// A page of the last list again ("altri", "indietro"), from the conversation's context.
pub(crate) async fn list_page(
    turn: &mut Turn<'_>,
    query: DirectoryQuery,
    page: usize,
) -> Result<Vec<Reply>, StoreError> {
    run(turn, query, page, false, Vec::new()).await
}

/// A paging button.
pub async fn page(turn: &mut Turn<'_>, page: usize) -> Result<Vec<Reply>, StoreError> {
    match turn.flow.clone() {
        Some(Flow::Results { query, .. }) => run(turn, query, page, true, Vec::new()).await,
        _ => Ok(vec![Reply::id("button-expired")]),
    }
}

/// A result's button: the full card.
pub async fn card_detail(turn: &mut Turn<'_>, id: &ServiceAtLocationId) -> Result<Vec<Reply>, StoreError> {
    let Some(listing) = turn.store().listing(id).await? else {
        return Ok(vec![Reply::id("service-gone")]);
    };
    let asked = match &turn.flow {
        Some(Flow::Results { query, .. }) => query.open.map(|w| w.date),
        _ => None,
    };
    let c = card(&listing, None, Detail::Full, turn.lang, &turn.snapshot, turn.local_now(), asked);
    super::context::card_shown(turn, id).await?;
    let mut buttons = Vec::new();
    if let Some(Flow::Results { page, .. }) = &turn.flow {
        buttons.push(Button::msg(Msg::new("button-back"), DirectoryButton::Page(*page).to_payload()));
    }
    Ok(vec![Reply {
        blocks: vec![Block::Card(c)],
        buttons,
        visibility: crate::Visibility::Chat,
        update: false,
        in_langs: Vec::new(),
    }])
}

/// A category button: search it near the person's home.
pub async fn category_chosen(turn: &mut Turn<'_>, code: &str) -> Result<Vec<Reply>, StoreError> {
    let Some(category) = turn.snapshot.category(code).map(|c| c.code.clone()) else {
        return Ok(vec![Reply::id("button-expired")]);
    };
    let query = DirectoryQuery { category: Some(category), territory: turn.person.home.clone(), ..Default::default() };
    run(turn, query, 0, false, Vec::new()).await
}

pub fn category_buttons(turn: &Turn<'_>) -> Vec<Button> {
    turn.snapshot
        .top_categories()
        .into_iter()
        .map(|c| Button::msg(category_msg(turn, &c.code), DirectoryButton::Category(c.code.to_string()).to_payload()))
        .collect()
}

/// Browsing by category.
pub fn browse(turn: &Turn<'_>) -> Reply {
    Reply::id("browse-categories").with_buttons(category_buttons(turn))
}
