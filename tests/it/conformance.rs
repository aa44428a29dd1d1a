//! The store conformance suite: every test runs on SQLite, and on PostgreSQL when
//! VICINATO_TEST_POSTGRES_URL is set (CI always sets it).

use std::collections::BTreeMap;
use std::sync::Arc;
use vicinato::conversation::DirectorySnapshot;
use vicinato::domain::*;
use vicinato::store::{CopyOf, Cursor, Handed, LinkClaim, LinkConfirm, NewOutboxItem, Store, StoredFlow};

macro_rules! conformance {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    let (store, _dir) = crate::support::sqlite_store().await;
                    super::$name(store).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    let Some(url) = crate::support::postgres_url() else {
                        eprintln!("skipped: VICINATO_TEST_POSTGRES_URL is not set");
                        return;
                    };
                    let db = crate::support::PgDatabase::create(&url).await;
                    let store = vicinato::store::open(&db.url).await.expect("open postgres store");
                    super::$name(store.clone()).await;
                    drop(store);
                    drop(db);
                }
            )*
        }
    };
}

conformance!(
    a_replaced_dataset_reads_back_unchanged,
    a_failed_replace_changes_nothing,
    search_folds_diacritics_and_matches_word_stems,
    search_tolerates_small_typos,
    search_matches_a_category_and_its_children,
    search_covers_a_territory_its_children_and_nearest_welfare_house,
    search_filters_by_language_age_and_weekly_hours,
    search_ranks_name_matches_first,
    a_search_gives_the_first_rows_of_the_whole_ranking_at_any_page_size,
    a_listing_is_found_by_id,
    the_directory_lists_its_welfare_houses_its_words_and_its_counts,
    an_account_becomes_one_person_even_when_racing,
    profiles_and_roles_are_saved,
    flows_expire_and_are_purged,
    a_message_reads_a_chats_flows_with_the_person_and_writes_them_at_once,
    a_person_is_exported_and_erased_completely,
    settings_are_kept,
    the_outbox_keeps_messages_in_order_until_delivered,
    outbox_messages_and_their_cursor_are_written_together,
    the_outbox_depth_counts_what_waits_per_channel_and_since_when,
    a_keyed_message_is_queued_once_even_when_racing,
    a_keyed_message_and_its_setting_are_written_together_once,
    long_button_payloads_get_one_stable_token,
    an_account_is_unreachable_until_the_person_writes_again,
    the_bot_an_account_last_wrote_to_is_remembered,
    erasing_a_person_drops_replies_waiting_for_them,
    an_overlapping_booking_is_refused_by_the_database_on_the_space_and_its_halves,
    a_cancelled_booking_frees_its_slot,
    a_moved_booking_replaces_the_old_one_atomically,
    a_status_change_and_its_jobs_are_written_together_and_once,
    a_waiting_person_waits_once_within_the_cap_and_is_offered_the_slot_once,
    a_receipt_keeps_the_first_answer_and_old_ones_are_purged,
    bookings_racing_for_one_weekly_quota_never_go_over_it,
    erasing_a_person_drops_the_long_button_payloads_of_their_private_chat,
    a_hundred_concurrent_requests_for_one_slot_give_exactly_one_booking,
    associations_and_their_members_are_kept_and_erasing_a_person_ends_their_memberships,
    association_bookings_are_read_by_house_and_week_while_live,
    space_closures_and_approval_switches_are_kept_and_read_by_time,
    linking_accounts_keeps_association_memberships_and_the_right_to_book,
    due_jobs_go_to_one_claimer_until_the_lease_expires,
    jobs_with_a_key_are_replaced_not_doubled,
    concurrent_supports_are_counted_exactly_and_one_of_them_reaches_the_threshold,
    joining_fills_the_places_then_the_waitlist_and_leaving_promotes_the_first_in_line,
    a_vote_counts_once_per_person_and_only_while_open,
    reports_hide_an_initiative_at_the_limit_and_every_decision_is_audited,
    a_step_is_taken_once_when_two_decide_at_the_same_time,
    initiatives_are_browsed_by_area_theme_words_and_dates,
    only_its_author_discards_a_draft_and_nothing_past_the_draft,
    participation_export_and_erasure_cover_initiatives,
    linked_accounts_become_one_person_whose_supports_count_once,
    forgetting_a_person_takes_their_support_and_place_off_the_counts,
    wrong_link_codes_are_limited_per_person_and_hour,
    a_person_who_did_everything_is_erased_without_a_trace_and_exported_whole,
    governance_phases_and_the_holders_of_a_role_are_kept_per_territory,
    an_announcement_is_kept_with_its_send_job_and_cancelling_keeps_what_was_sent,
    a_pending_announcement_gets_its_job_once_approved_and_a_series_goes_on_once_per_occurrence,
    an_audience_is_the_people_of_its_scope_once_each_with_their_opt_outs,
    copies_are_added_once_per_person_and_recorded_once,
    copies_waiting_in_an_outbox_are_taken_back_by_a_correction_or_a_cancellation_and_edits_are_kept_once,
    a_batch_of_copies_is_queued_once_each_and_recorded_together_and_an_erased_person_is_not_kept,
    room_copies_are_kept_once_per_room_recorded_as_their_network_answered_edited_once_and_taken_back_by_a_cancellation,
    rooms_sanctions_and_their_log_are_kept_and_a_sanction_ends_once,
    room_texts_are_kept_per_scope_kind_and_language_and_a_case_closes_once,
    room_settings_escalations_and_members_seen_are_kept_and_erased_with_the_person,
);

async fn demo(store: &Arc<dyn Store>) -> Dataset {
    let ds = vicinato::demo::lazio().unwrap();
    store.replace_dataset(&ds).await.unwrap();
    ds
}

fn tiny() -> Dataset {
    let mut ds = Dataset::default();
    let t = |id: &str, kind, parent: Option<&str>, name: &str, lat: f64| Territory {
        id: TerritoryId::new(id),
        kind,
        name: name.into(),
        parent: parent.map(TerritoryId::new),
        aliases: vec![],
        demographics: Demographics::default(),
        centroid: Some(GeoPoint { lat, lon: 12.5 }),
    };
    ds.territories = vec![
        t("lazio", TerritoryKind::Region, None, "Lazio", 41.9),
        t("roma", TerritoryKind::Comune, Some("lazio"), "Roma", 41.9),
        t("east", TerritoryKind::Municipio, Some("roma"), "East", 41.89),
        t("west", TerritoryKind::Municipio, Some("roma"), "West", 41.80),
        t("far", TerritoryKind::Comune, Some("lazio"), "Far", 42.4),
    ];
    ds.categories = vec![
        Category { code: CategoryCode::new("food"), parent: None, name: "Food".into() },
        Category {
            code: CategoryCode::new("food-meals"),
            parent: Some(CategoryCode::new("food")),
            name: "Meals".into(),
        },
        Category { code: CategoryCode::new("legal"), parent: None, name: "Legal".into() },
    ];
    ds.organizations = vec![Organization {
        id: OrganizationId::new("org"),
        name: "Org".into(),
        description: String::new(),
        contacts: Contacts::default(),
    }];
    let loc = |id: &str, territory: &str, house: bool, lat: f64| Location {
        id: LocationId::new(id),
        organization: Some(OrganizationId::new("org")),
        name: id.into(),
        territory: TerritoryId::new(territory),
        address: Address::default(),
        geo: Some(GeoPoint { lat, lon: 12.5 }),
        accessibility: String::new(),
        transport: String::new(),
        confidential: false,
        welfare_house: house,
        hours: Schedule::default(),
    };
    ds.locations = vec![
        loc("in-east", "east", false, 41.89),
        loc("house-west", "west", true, 41.80),
        loc("in-far", "far", false, 42.4),
    ];
    let svc = |id: &str, name: &str, desc: &str, cat: &str, langs: &[&str], ages: (Option<u8>, Option<u8>)| Service {
        id: ServiceId::new(id),
        organization: OrganizationId::new("org"),
        texts: ServiceTexts { name: name.into(), description: desc.into(), ..Default::default() },
        translations: BTreeMap::new(),
        categories: vec![CategoryCode::new(cat)],
        status: ServiceStatus::Active,
        min_age: ages.0,
        max_age: ages.1,
        languages: langs.iter().map(|l| LanguageCode::parse(l).unwrap()).collect(),
        contacts: Contacts::default(),
        verified: None,
        origin: Origin::Community,
        demo: true,
        terms: Vec::new(),
    };
    ds.services = vec![
        svc("mensa", "Mensa della città", "Pasti caldi per tutti", "food-meals", &["it"], (None, None)),
        svc("corsi", "Sportello legale", "Corsi e consulenza sui diritti", "legal", &["it", "ar"], (Some(18), None)),
        svc("teen", "Spazio compiti", "Corso di sostegno scolastico e mensa", "food", &["it"], (Some(11), Some(17))),
    ];
    let sal = |id: &str, service: &str, location: &str, hours: &str| ServiceAtLocation {
        id: ServiceAtLocationId::new(id),
        service: ServiceId::new(service),
        location: LocationId::new(location),
        schedule: Schedule { weekly: WeeklyHours::parse(hours).unwrap(), ..Default::default() },
    };
    ds.service_at_locations = vec![
        sal("mensa@east", "mensa", "in-east", "mo-su 12:00-14:00"),
        sal("corsi@house", "corsi", "house-west", "tu,th 15:00-18:00"),
        sal("teen@far", "teen", "in-far", "mo-fr 15:00-18:00"),
    ];
    ds.normalize();
    ds
}

async fn search(store: &Arc<dyn Store>, q: DirectoryQuery) -> Vec<String> {
    let snapshot = DirectorySnapshot::load(store.as_ref()).await.unwrap();
    let found = store.search(&snapshot.spec(&q, 50)).await.unwrap();
    let ids: Vec<String> = found.iter().map(|h| h.sal.to_string()).collect();
    // The records read back in the same order.
    let sals: Vec<ServiceAtLocationId> = found.iter().map(|h| h.sal.clone()).collect();
    let listings = store.listings(&sals).await.unwrap();
    assert_eq!(listings.iter().map(|l| l.sal.id.to_string()).collect::<Vec<_>>(), ids);
    ids
}

fn words(text: &str) -> DirectoryQuery {
    DirectoryQuery { text: Some(text.into()), ..Default::default() }
}

async fn a_replaced_dataset_reads_back_unchanged(store: Arc<dyn Store>) {
    let ds = demo(&store).await;
    assert_eq!(store.dataset().await.unwrap(), ds);
    let counts = store.counts().await.unwrap();
    assert_eq!(counts.services as usize, ds.services.len());
    // Replacing again with a smaller directory leaves nothing of the old one.
    store.replace_dataset(&tiny()).await.unwrap();
    assert_eq!(store.dataset().await.unwrap(), tiny());
    // Terms of other taxonomies (from an HSDS import) are kept with their service.
    let mut with_terms = tiny();
    with_terms.services[0].terms.push(vicinato::domain::ExternalTerm {
        id: "t-1".into(),
        taxonomy: "Open Eligibility".into(),
        code: "1102".into(),
        name: "Food".into(),
    });
    store.replace_dataset(&with_terms).await.unwrap();
    assert_eq!(store.dataset().await.unwrap(), with_terms);
}

async fn a_failed_replace_changes_nothing(store: Arc<dyn Store>) {
    store.replace_dataset(&tiny()).await.unwrap();
    let mut broken = vicinato::demo::lazio().unwrap();
    let dup = broken.services[0].clone();
    broken.services.push(dup);
    assert!(store.replace_dataset(&broken).await.is_err());
    assert_eq!(store.dataset().await.unwrap(), tiny());
    assert_eq!(search(&store, words("mensa")).await.len(), 2);
}

async fn search_folds_diacritics_and_matches_word_stems(store: Arc<dyn Store>) {
    store.replace_dataset(&tiny()).await.unwrap();
    assert_eq!(search(&store, words("citta")).await, ["mensa@east"]);
    assert_eq!(search(&store, words("CITTÀ")).await, ["mensa@east"]);
    // "corso" finds "corsi" and "corso".
    let found = search(&store, words("corso")).await;
    assert!(found.contains(&"corsi@house".to_owned()) && found.contains(&"teen@far".to_owned()), "{found:?}");
}

async fn search_tolerates_small_typos(store: Arc<dyn Store>) {
    store.replace_dataset(&tiny()).await.unwrap();
    assert_eq!(search(&store, words("sportelo")).await, ["corsi@house"]);
    assert_eq!(search(&store, words("consulneza")).await, ["corsi@house"]);
}

async fn search_matches_a_category_and_its_children(store: Arc<dyn Store>) {
    store.replace_dataset(&tiny()).await.unwrap();
    let q = |c: &str| DirectoryQuery { category: Some(CategoryCode::new(c)), ..Default::default() };
    let mut food = search(&store, q("food")).await;
    food.sort();
    assert_eq!(food, ["mensa@east", "teen@far"]);
    assert_eq!(search(&store, q("food-meals")).await, ["mensa@east"]);
}

async fn search_covers_a_territory_its_children_and_nearest_welfare_house(store: Arc<dyn Store>) {
    store.replace_dataset(&tiny()).await.unwrap();
    let q = |t: &str| DirectoryQuery { territory: Some(TerritoryId::new(t)), ..Default::default() };
    let mut roma = search(&store, q("roma")).await;
    roma.sort();
    assert_eq!(roma, ["corsi@house", "mensa@east"]);
    // East has no house of its own: the nearest one (in West) counts.
    let mut east = search(&store, q("east")).await;
    east.sort();
    assert_eq!(east, ["corsi@house", "mensa@east"]);
    // Far's nearest house is also West's, which is far from it but the only one.
    assert!(search(&store, q("far")).await.contains(&"teen@far".to_owned()));
}

async fn search_filters_by_language_age_and_weekly_hours(store: Arc<dyn Store>) {
    store.replace_dataset(&tiny()).await.unwrap();
    let arabic = DirectoryQuery { language: Some(LanguageCode::parse("ar").unwrap()), ..Default::default() };
    assert_eq!(search(&store, arabic).await, ["corsi@house"]);
    let mut child = search(&store, DirectoryQuery { age: Some(12), ..Default::default() }).await;
    child.sort();
    assert_eq!(child, ["mensa@east", "teen@far"]);
    // Tuesday 1 December 2026 at 16:00.
    let tuesday = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    let open = DirectoryQuery {
        open: Some(OpenWindow { date: tuesday, from_minute: 960, to_minute: 961 }),
        ..Default::default()
    };
    let mut at_four = search(&store, open).await;
    at_four.sort();
    assert_eq!(at_four, ["corsi@house", "teen@far"]);
    let sunday = chrono::NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
    let lunch = DirectoryQuery {
        open: Some(OpenWindow { date: sunday, from_minute: 0, to_minute: 1440 }),
        ..Default::default()
    };
    assert_eq!(search(&store, lunch).await, ["mensa@east"]);
}

async fn search_ranks_name_matches_first(store: Arc<dyn Store>) {
    store.replace_dataset(&tiny()).await.unwrap();
    // "mensa" is the name of one service and a word in another's description.
    assert_eq!(search(&store, words("mensa")).await, ["mensa@east", "teen@far"]);
}

/// The search joins the best matches first and walks categories in display order, stopping
/// at the page: whatever the page size, what it gives must be the start of the ranking of
/// every match (read here with a page larger than the directory). On a synthetic directory
/// big enough that the first cut and the walk stop early, over the benchmark's questions,
/// each also without its place and without its words.
async fn a_search_gives_the_first_rows_of_the_whole_ranking_at_any_page_size(store: Arc<dyn Store>) {
    let ds = vicinato::bench::synthetic_dataset(3_000, 7).unwrap();
    store.replace_dataset(&ds).await.unwrap();
    let snapshot = DirectorySnapshot::load(store.as_ref()).await.unwrap();
    let now = chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap().and_hms_opt(10, 0, 0).unwrap();
    let mut queries = Vec::new();
    for q in vicinato::bench::QUESTIONS {
        let query = vicinato::bench::directory_query(&snapshot, q, now);
        queries.push(DirectoryQuery { territory: None, ..query.clone() });
        queries.push(DirectoryQuery { text: None, ..query.clone() });
        queries.push(query);
    }
    let mut compared = 0;
    for query in &queries {
        let all = store.search(&snapshot.spec(query, 100_000)).await.unwrap();
        let all: Vec<&str> = all.iter().map(|h| h.sal.as_str()).collect();
        for limit in [1, 2, 5, 20, 60] {
            let page = store.search(&snapshot.spec(query, limit)).await.unwrap();
            let page: Vec<&str> = page.iter().map(|h| h.sal.as_str()).collect();
            let expected = &all[..all.len().min(limit as usize)];
            assert_eq!(page, expected, "{query:?} with a page of {limit}");
            compared += usize::from(!expected.is_empty());
        }
    }
    // The questions find something: the comparison is not between empty lists.
    assert!(compared > queries.len() * 3, "only {compared} pages found anything");

    // Words with filters are met inside the full-text search, yet rank as the words alone do:
    // the ranking of the words, kept to what the filters alone find.
    let mut checked = 0;
    for query in queries.iter().filter(|q| q.text.is_some() && q.category.is_some()) {
        let all = |q: DirectoryQuery| {
            let (store, snapshot) = (&store, &snapshot);
            async move {
                let hits = store.search(&snapshot.spec(&q, 100_000)).await.unwrap();
                hits.into_iter().map(|h| h.sal.to_string()).collect::<Vec<_>>()
            }
        };
        let words = all(DirectoryQuery { text: query.text.clone(), ..Default::default() }).await;
        let filtered: std::collections::HashSet<String> =
            all(DirectoryQuery { text: None, ..query.clone() }).await.into_iter().collect();
        let expected: Vec<String> = words.into_iter().filter(|id| filtered.contains(id)).collect();
        assert_eq!(all(query.clone()).await, expected, "{query:?}");
        checked += usize::from(!expected.is_empty());
    }
    assert!(checked >= 2, "only {checked} questions with words and a category found anything");
}

async fn a_listing_is_found_by_id(store: Arc<dyn Store>) {
    store.replace_dataset(&tiny()).await.unwrap();
    let l = store.listing(&ServiceAtLocationId::new("corsi@house")).await.unwrap().unwrap();
    assert_eq!(l.service.texts.name, "Sportello legale");
    assert_eq!(l.location.id.as_str(), "house-west");
    assert_eq!(l.organization_name, "Org");
    assert!(store.listing(&ServiceAtLocationId::new("nope")).await.unwrap().is_none());
}

async fn the_directory_lists_its_welfare_houses_its_words_and_its_counts(store: Arc<dyn Store>) {
    let ds = tiny();
    store.replace_dataset(&ds).await.unwrap();
    let houses = store.welfare_houses().await.unwrap();
    assert_eq!(houses.iter().map(|l| l.id.to_string()).collect::<Vec<_>>(), ["house-west"]);
    let terms = store.search_terms().await.unwrap();
    assert!(terms.contains(&"citta".to_owned()) && terms.contains(&"mensa".to_owned()), "folded: {terms:?}");
    assert!(terms.iter().all(|t| t.chars().count() >= 3), "{terms:?}");
    assert!(terms.windows(2).all(|w| w[0] < w[1]), "sorted, once each: {terms:?}");
    let mut territories: Vec<String> = ds.territories.iter().map(|t| t.id.to_string()).collect();
    territories.sort();
    assert_eq!(store.territories().await.unwrap().iter().map(|t| t.id.to_string()).collect::<Vec<_>>(), territories);
    assert_eq!(store.categories().await.unwrap().len(), 3);
    let counts = store.counts().await.unwrap();
    assert_eq!((counts.services, counts.locations, counts.organizations, counts.territories), (3, 3, 1, 5));
}

async fn an_account_becomes_one_person_even_when_racing(store: Arc<dyn Store>) {
    let account = Account::new(Network::Telegram, "4242");
    let now = chrono::Utc::now();
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let store = store.clone();
        let account = account.clone();
        tasks.push(tokio::spawn(async move { store.person_for_account(&account, "Ada", now).await.unwrap().id }));
    }
    let mut ids = Vec::new();
    for t in tasks {
        ids.push(t.await.unwrap());
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "{ids:?}");
    let p = store.find_person(&account).await.unwrap().unwrap();
    assert_eq!(p.accounts, vec![account]);
}

async fn profiles_and_roles_are_saved(store: Arc<dyn Store>) {
    let now = chrono::Utc::now();
    let mut p = store.person_for_account(&Account::new(Network::Matrix, "@ada:example.org"), "Ada", now).await.unwrap();
    p.language = Some(Lang::En);
    p.home = Some(TerritoryId::new("roma-m05"));
    p.interests = vec![CategoryCode::new("food")];
    p.onboarded = true;
    store.save_profile(&p).await.unwrap();
    let staff = RoleGrant { role: Role::Staff, territory: Some(TerritoryId::new("roma-m05")) };
    assert!(store.grant_role(p.id, &staff, now).await.unwrap());
    assert!(!store.grant_role(p.id, &staff, now).await.unwrap());
    let admin = RoleGrant { role: Role::Admin, territory: None };
    assert!(store.grant_role(p.id, &admin, now).await.unwrap());
    let back = store.person(p.id).await.unwrap().unwrap();
    assert_eq!(back.language, Some(Lang::En));
    assert_eq!(back.home, p.home);
    assert_eq!(back.interests, p.interests);
    assert!(back.onboarded);
    assert_eq!(back.roles, vec![admin.clone(), staff.clone()]);
    assert!(store.revoke_role(p.id, &staff).await.unwrap());
    assert!(!store.revoke_role(p.id, &staff).await.unwrap());
    assert_eq!(store.person(p.id).await.unwrap().unwrap().roles, vec![admin]);
}

async fn flows_expire_and_are_purged(store: Arc<dyn Store>) {
    let now = chrono::Utc::now();
    let p = store.person_for_account(&Account::new(Network::Console, "flo"), "Flo", now).await.unwrap();
    let flow = StoredFlow { state: "{\"flow\":\"ask_home\"}".into(), expires_at: now + chrono::Duration::minutes(30) };
    store.save_flow(p.id, "console:flo", &flow).await.unwrap();
    assert_eq!(store.load_flow(p.id, "console:flo", now).await.unwrap().unwrap().state, flow.state);
    assert!(store.load_flow(p.id, "console:other", now).await.unwrap().is_none());
    let later = now + chrono::Duration::minutes(31);
    assert!(store.load_flow(p.id, "console:flo", later).await.unwrap().is_none());
    assert_eq!(store.purge_expired_flows(later).await.unwrap(), 1);
    store.save_flow(p.id, "console:flo", &flow).await.unwrap();
    store.clear_flow(p.id, "console:flo").await.unwrap();
    assert!(store.load_flow(p.id, "console:flo", now).await.unwrap().is_none());
}

async fn a_message_reads_a_chats_flows_with_the_person_and_writes_them_at_once(store: Arc<dyn Store>) {
    let now = chrono::DateTime::parse_from_rfc3339("2026-03-29T00:30:00Z").unwrap().to_utc();
    let account = Account::new(Network::Telegram, "4242");
    let flow = |state: &str, minutes: i64| StoredFlow {
        state: state.into(),
        expires_at: now + chrono::Duration::minutes(minutes),
    };
    // First contact: the person is made, with no flows.
    let (p, flows) =
        store.person_and_flows(&account, "Rosa", &["telegram:4242", "telegram:4242#offered"], None, now).await.unwrap();
    assert!(flows.is_empty());
    // Saves and clears in one call; the last change of a chat counts; clearing what is not
    // there is harmless.
    store
        .save_flows(
            p.id,
            &[
                ("telegram:4242".into(), Some(flow("first", 30))),
                ("telegram:4242#offered".into(), Some(flow("offered", 30))),
                ("telegram:4242#context".into(), Some(flow("old", -1))),
                ("telegram:4242".into(), Some(flow("main", 30))),
                ("telegram:4242#paused".into(), None),
                ("telegram:other".into(), Some(flow("elsewhere", 30))),
            ],
        )
        .await
        .unwrap();
    let chats = ["telegram:4242", "telegram:4242#offered", "telegram:4242#paused", "telegram:4242#context"];
    let (again, mut flows) = store.person_and_flows(&account, "Rosa", &chats, None, now).await.unwrap();
    assert_eq!(again.id, p.id);
    flows.sort_by(|a, b| a.0.cmp(&b.0));
    // Only the chats asked for, the expired one left out.
    assert_eq!(
        flows.iter().map(|(c, f)| (c.as_str(), f.state.as_str())).collect::<Vec<_>>(),
        vec![("telegram:4242", "main"), ("telegram:4242#offered", "offered")]
    );
    assert_eq!(
        store.person_and_flow(&account, "Rosa", "telegram:4242", None, now).await.unwrap().1.unwrap().state,
        "main"
    );
    // A save and a clear together.
    store
        .save_flows(
            p.id,
            &[("telegram:4242#offered".into(), None), ("telegram:4242#paused".into(), Some(flow("paused", 30)))],
        )
        .await
        .unwrap();
    let (_, mut flows) = store.person_and_flows(&account, "Rosa", &chats, None, now).await.unwrap();
    flows.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        flows.iter().map(|(c, f)| (c.as_str(), f.state.as_str())).collect::<Vec<_>>(),
        vec![("telegram:4242", "main"), ("telegram:4242#paused", "paused")]
    );
    assert_eq!(store.load_flow(p.id, "telegram:other", now).await.unwrap().unwrap().state, "elsewhere");
    // Nothing to write writes nothing.
    store.save_flows(p.id, &[]).await.unwrap();
}

async fn a_person_is_exported_and_erased_completely(store: Arc<dyn Store>) {
    let now = chrono::Utc::now();
    let account = Account::new(Network::Telegram, "77");
    let p = store.person_for_account(&account, "Gina", now).await.unwrap();
    store
        .grant_role(p.id, &RoleGrant { role: Role::Moderator, territory: Some(TerritoryId::new("x")) }, now)
        .await
        .unwrap();
    store
        .save_flow(
            p.id,
            "telegram:77",
            &StoredFlow { state: "{}".into(), expires_at: now + chrono::Duration::hours(1) },
        )
        .await
        .unwrap();
    let export = store.export_person(p.id).await.unwrap().unwrap();
    assert_eq!(export.person.display_name, "Gina");
    assert_eq!(export.flows.len(), 1);
    assert!(store.erase_person(p.id).await.unwrap());
    assert!(store.person(p.id).await.unwrap().is_none());
    assert!(store.find_person(&account).await.unwrap().is_none());
    assert!(store.export_person(p.id).await.unwrap().is_none());
    // The same account starts afresh as a new person.
    let again = store.person_for_account(&account, "Gina", now).await.unwrap();
    assert!(again.roles.is_empty());
}

async fn settings_are_kept(store: Arc<dyn Store>) {
    assert_eq!(store.setting("k").await.unwrap(), None);
    store.set_setting("k", "1").await.unwrap();
    store.set_setting("k", "2").await.unwrap();
    assert_eq!(store.setting("k").await.unwrap().as_deref(), Some("2"));
}

/// Records one copy handed to a bulk lane; whether it changed.
async fn handed_one(store: &dyn Store, copy: CopyOf<'_>, now: chrono::DateTime<chrono::Utc>) -> bool {
    store.copies_handed(&[Handed { copy, state: CopyState::Sending, lane: true }], now).await.unwrap() == 1
}

fn item(chat: &str, payload: &str) -> NewOutboxItem {
    NewOutboxItem { chat: chat.into(), payload: payload.into(), account: None }
}

async fn the_outbox_keeps_messages_in_order_until_delivered(store: Arc<dyn Store>) {
    let now = chrono::Utc::now();
    store
        .outbox_push("telegram:a", &[item("1", "one"), item("2", "two"), item("1", "three")], None, now)
        .await
        .unwrap();
    store.outbox_push("telegram:b", &[item("1", "other bot")], None, now).await.unwrap();
    let pending = store.outbox_pending("telegram:a", 0, 10).await.unwrap();
    assert_eq!(pending.iter().map(|i| i.payload.as_str()).collect::<Vec<_>>(), ["one", "two", "three"]);
    assert!(pending.windows(2).all(|w| w[0].id < w[1].id));
    // Paging by id.
    let after_first = store.outbox_pending("telegram:a", pending[0].id, 10).await.unwrap();
    assert_eq!(after_first.len(), 2);
    store.outbox_delivered(pending[0].id).await.unwrap();
    store.outbox_attempt_failed(pending[1].id, 3, "Bad Gateway").await.unwrap();
    store.outbox_undeliverable(pending[2].id, "blocked", now).await.unwrap();
    let left = store.outbox_pending("telegram:a", 0, 10).await.unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!((left[0].payload.as_str(), left[0].attempts), ("two", 3));
    assert_eq!(store.outbox_pending("telegram:b", 0, 10).await.unwrap().len(), 1);
}

async fn the_outbox_depth_counts_what_waits_per_channel_and_since_when(store: Arc<dyn Store>) {
    use chrono::TimeZone;
    assert!(store.outbox_depth().await.unwrap().is_empty());
    let early = chrono::Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap();
    let later = early + chrono::Duration::minutes(5);
    store.outbox_push("telegram:a", &[item("1", "one"), item("2", "two")], None, early).await.unwrap();
    store.outbox_push("telegram:a", &[item("3", "three")], None, later).await.unwrap();
    store.outbox_push("matrix:b", &[item("!r", "other")], None, later).await.unwrap();
    let first = store.outbox_pending("telegram:a", 0, 1).await.unwrap()[0].id;
    store.outbox_undeliverable(first, "blocked", later).await.unwrap();
    let depth = store.outbox_depth().await.unwrap();
    let seen: Vec<(&str, i64, Option<chrono::DateTime<chrono::Utc>>)> =
        depth.iter().map(|d| (d.channel.as_str(), d.pending, d.oldest)).collect();
    assert_eq!(seen, [("matrix:b", 1, Some(later)), ("telegram:a", 2, Some(early))]);
}

async fn a_keyed_message_is_queued_once_even_when_racing(store: Arc<dyn Store>) {
    let now = chrono::Utc::now();
    let tries = (0..20).map(|_| {
        let store = store.clone();
        tokio::spawn(async move { store.outbox_push_once("telegram:a", &[item("7", "reminder")], "job:1", now).await })
    });
    let fresh = futures::future::join_all(tries).await.into_iter().filter(|r| *r.as_ref().unwrap().as_ref().unwrap());
    assert_eq!(fresh.count(), 1);
    assert_eq!(store.outbox_pending("telegram:a", 0, 10).await.unwrap().len(), 1);
    // Delivered and gone from the outbox, the key still stops a second copy.
    let sent = store.outbox_pending("telegram:a", 0, 10).await.unwrap();
    store.outbox_delivered(sent[0].id).await.unwrap();
    assert!(!store.outbox_push_once("telegram:a", &[item("7", "reminder")], "job:1", now).await.unwrap());
    assert!(store.outbox_pending("telegram:a", 0, 10).await.unwrap().is_empty());
    // A claim without an outbox behaves the same, and old keys can be forgotten.
    assert!(store.delivery_claim("console:1", now).await.unwrap());
    assert!(!store.delivery_claim("console:1", now).await.unwrap());
    assert_eq!(store.purge_deliveries(now + chrono::Duration::seconds(1)).await.unwrap(), 2);
    assert!(store.outbox_push_once("telegram:a", &[item("7", "reminder")], "job:1", now).await.unwrap());
}

async fn a_keyed_message_and_its_setting_are_written_together_once(store: Arc<dyn Store>) {
    let now = chrono::Utc::now();
    let first = Cursor { key: "matrix:choices:room:user", value: "[\"bcancel:1\"]" };
    assert!(store.outbox_push_once_setting("matrix:a", &[item("!r", "one")], "job:2", first, now).await.unwrap());
    assert_eq!(store.setting("matrix:choices:room:user").await.unwrap().as_deref(), Some("[\"bcancel:1\"]"));
    // Again under the same key (a retry): nothing queued, the setting as it was.
    let again = Cursor { key: "matrix:choices:room:user", value: "[]" };
    assert!(!store.outbox_push_once_setting("matrix:a", &[item("!r", "one")], "job:2", again, now).await.unwrap());
    assert_eq!(store.outbox_pending("matrix:a", 0, 10).await.unwrap().len(), 1);
    assert_eq!(store.setting("matrix:choices:room:user").await.unwrap().as_deref(), Some("[\"bcancel:1\"]"));
}

async fn outbox_messages_and_their_cursor_are_written_together(store: Arc<dyn Store>) {
    let now = chrono::Utc::now();
    let many: Vec<NewOutboxItem> = (0..1500).map(|i| item(&i.to_string(), "announcement")).collect();
    store.outbox_push("telegram:a", &many, Some(Cursor { key: "telegram.a.offset", value: "42" }), now).await.unwrap();
    assert_eq!(store.setting("telegram.a.offset").await.unwrap().as_deref(), Some("42"));
    assert_eq!(store.outbox_pending("telegram:a", 0, 2000).await.unwrap().len(), 1500);
    // The cursor moves even when an update needs no reply.
    store.outbox_push("telegram:a", &[], Some(Cursor { key: "telegram.a.offset", value: "43" }), now).await.unwrap();
    assert_eq!(store.setting("telegram.a.offset").await.unwrap().as_deref(), Some("43"));
}

async fn long_button_payloads_get_one_stable_token(store: Arc<dyn Store>) {
    let now = chrono::Utc::now();
    let long = format!("card:{}", "x".repeat(120));
    let (a, b) = tokio::join!(store.button_token(&long, now), store.button_token(&long, now));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a, b, "racing calls agree on one token");
    assert_eq!(store.button_payload(a).await.unwrap().as_deref(), Some(long.as_str()));
    let other = store.button_token("card:other", now).await.unwrap();
    assert_ne!(other, a);
    assert_eq!(store.button_payload(987_654).await.unwrap(), None);
}

async fn an_account_is_unreachable_until_the_person_writes_again(store: Arc<dyn Store>) {
    let now = chrono::Utc::now();
    let account = Account::new(Network::Telegram, "555");
    store.person_for_account(&account, "Tina", now).await.unwrap();
    assert_eq!(store.unreachable_since(&account).await.unwrap(), None);
    store.set_unreachable(&account, Some(now)).await.unwrap();
    let since = store.unreachable_since(&account).await.unwrap().expect("marked");
    assert!((since - now).num_seconds().abs() < 2);
    store.person_and_flow(&account, "Tina", "telegram:555", None, now).await.unwrap();
    assert_eq!(store.unreachable_since(&account).await.unwrap(), None);
}

async fn the_bot_an_account_last_wrote_to_is_remembered(store: Arc<dyn Store>) {
    let now = chrono::Utc::now();
    let account = Account::new(Network::Telegram, "556");
    assert_eq!(store.account_channel(&account).await.unwrap(), None);
    store.person_and_flow(&account, "Tina", "telegram:556", Some("telegram:b"), now).await.unwrap();
    assert_eq!(store.account_channel(&account).await.unwrap().as_deref(), Some("telegram:b"), "first contact");
    store.person_and_flow(&account, "Tina", "telegram:556", Some("telegram:a"), now).await.unwrap();
    assert_eq!(store.account_channel(&account).await.unwrap().as_deref(), Some("telegram:a"));
    store.person_and_flow(&account, "Tina", "telegram:556", None, now).await.unwrap();
    assert_eq!(store.account_channel(&account).await.unwrap().as_deref(), Some("telegram:a"), "kept when unknown");
}

async fn erasing_a_person_drops_replies_waiting_for_them(store: Arc<dyn Store>) {
    let now = chrono::Utc::now();
    let person = store.person_for_account(&Account::new(Network::Telegram, "777"), "Ada", now).await.unwrap();
    store
        .outbox_push("telegram:a", &[item("777", "private reply"), item("-100", "group reply")], None, now)
        .await
        .unwrap();
    store.erase_person(person.id).await.unwrap();
    let left = store.outbox_pending("telegram:a", 0, 10).await.unwrap();
    assert_eq!(left.iter().map(|i| i.chat.as_str()).collect::<Vec<_>>(), ["-100"]);
}

// Bookings and jobs.

fn rome(d: u32, h: u32, m: u32) -> chrono::DateTime<chrono::Utc> {
    use chrono::TimeZone;
    chrono_tz::Europe::Rome.with_ymd_and_hms(2026, 12, d, h, m, 0).unwrap().with_timezone(&chrono::Utc)
}

fn hall_spaces() -> Spaces {
    Spaces::parse("config/spaces.toml", vicinato::conversation::SPACES_TOML).unwrap()
}

fn new_booking(spaces: &Spaces, space: &str, person: PersonId, from: (u32, u32), to: (u32, u32)) -> NewBooking {
    let (house, s) = spaces.space(&SpaceId::new(space)).unwrap();
    let ends = rome(1, to.0, to.1);
    NewBooking {
        house: house.location.clone(),
        space: s.id.clone(),
        person,
        status: BookingStatus::Confirmed,
        starts: rome(1, from.0, from.1),
        ends,
        zone: house.zone,
        people: 10,
        purpose: "riunione".into(),
        units: s.units.clone(),
        busy_until: ends + chrono::Duration::minutes(i64::from(s.buffer_minutes)),
        replaces: None,
        association: None,
    }
}

async fn someone(store: &Arc<dyn Store>, name: &str) -> PersonId {
    store.person_for_account(&Account::new(Network::Console, name), name, rome(1, 8, 0)).await.unwrap().id
}

async fn an_overlapping_booking_is_refused_by_the_database_on_the_space_and_its_halves(store: Arc<dyn Store>) {
    let spaces = hall_spaces();
    let ada = someone(&store, "ada").await;
    let now = rome(1, 8, 0);
    let hall = store.booking_insert(&new_booking(&spaces, "centocelle-sala-grande", ada, (10, 0), (12, 0)), now).await;
    let hall = hall.unwrap().unwrap();
    assert_eq!(hall.status, BookingStatus::Confirmed);
    assert_eq!(hall.starts, rome(1, 10, 0));
    assert_eq!(hall.zone, chrono_tz::Europe::Rome);
    // A half overlaps the whole hall; so does the buffer after it.
    let half = new_booking(&spaces, "centocelle-sala-grande-a", ada, (11, 0), (13, 0));
    assert_eq!(store.booking_insert(&half, now).await.unwrap(), Err(Taken));
    let in_buffer = new_booking(&spaces, "centocelle-sala-grande-b", ada, (12, 0), (13, 0));
    assert_eq!(store.booking_insert(&in_buffer, now).await.unwrap(), Err(Taken));
    let after = new_booking(&spaces, "centocelle-sala-grande-b", ada, (12, 15), (13, 0));
    assert!(store.booking_insert(&after, now).await.unwrap().is_ok());
    // Another space of the house is independent.
    let room = new_booking(&spaces, "centocelle-saletta", ada, (10, 0), (12, 0));
    assert!(store.booking_insert(&room, now).await.unwrap().is_ok());
    // Half B is booked 12:15–13:00, so the whole hall is taken then too.
    let whole = new_booking(&spaces, "centocelle-sala-grande", ada, (12, 30), (14, 0));
    assert_eq!(store.booking_insert(&whole, now).await.unwrap(), Err(Taken));
    let mine = store.bookings_of(ada, now).await.unwrap();
    assert_eq!(mine.len(), 3);
    assert!(mine.windows(2).all(|w| w[0].starts <= w[1].starts));
    let (_, hall_space) = spaces.space(&SpaceId::new("centocelle-sala-grande")).unwrap();
    let busy = store.busy(&hall_space.units, rome(1, 0, 0), rome(2, 0, 0)).await.unwrap();
    assert_eq!(busy, vec![(rome(1, 10, 0), rome(1, 12, 15)), (rome(1, 12, 15), rome(1, 13, 15))]);
}

async fn a_cancelled_booking_frees_its_slot(store: Arc<dyn Store>) {
    let spaces = hall_spaces();
    let ada = someone(&store, "ada").await;
    let now = rome(1, 8, 0);
    let b = new_booking(&spaces, "centocelle-saletta", ada, (10, 0), (11, 0));
    let first = store.booking_insert(&b, now).await.unwrap().unwrap();
    assert_eq!(store.booking_insert(&b, now).await.unwrap(), Err(Taken));
    let live = [BookingStatus::Pending, BookingStatus::Confirmed];
    let cancelled = store.booking_transition(first.id, &live, BookingStatus::Cancelled).await.unwrap().unwrap();
    assert_eq!(cancelled.status, BookingStatus::Cancelled);
    // Twice is a no-op.
    assert_eq!(store.booking_transition(first.id, &live, BookingStatus::Cancelled).await.unwrap(), None);
    let second = store.booking_insert(&b, now).await.unwrap().unwrap();
    assert!(store.booking_check_in(second.id, now).await.unwrap());
    assert!(store.booking(second.id).await.unwrap().unwrap().checked_in_at.is_some());
    assert_eq!(store.bookings_of(ada, now).await.unwrap().len(), 1);
    let all = store.bookings_between(None, rome(1, 0, 0), rome(2, 0, 0)).await.unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(store.export_person(ada).await.unwrap().unwrap().bookings.len(), 2);
    // Erasing the person erases their bookings and frees their slots.
    assert!(store.erase_person(ada).await.unwrap());
    assert!(store.bookings_between(None, rome(1, 0, 0), rome(2, 0, 0)).await.unwrap().is_empty());
    let room = spaces.space(&SpaceId::new("centocelle-saletta")).unwrap().1;
    assert!(store.busy(&room.units, rome(1, 0, 0), rome(2, 0, 0)).await.unwrap().is_empty());
}

fn keyed_job(kind: &str, key: &str, due: chrono::DateTime<chrono::Utc>) -> vicinato::store::NewJob {
    vicinato::store::NewJob {
        kind: kind.into(),
        key: Some(key.into()),
        payload: "{}".into(),
        due_at: due,
        cron: None,
        zone: "Europe/Rome".into(),
    }
}

async fn a_status_change_and_its_jobs_are_written_together_and_once(store: Arc<dyn Store>) {
    let spaces = hall_spaces();
    let ada = someone(&store, "ada").await;
    let now = rome(1, 8, 0);
    let b = store.booking_insert(&new_booking(&spaces, "centocelle-saletta", ada, (10, 0), (11, 0)), now).await;
    let b = b.unwrap().unwrap();
    store.job_put(&keyed_job("booking-reminder", "old-reminder", rome(1, 9, 0)), now).await.unwrap();
    let live = [BookingStatus::Pending, BookingStatus::Confirmed];
    let jobs = [keyed_job("booking-freed", "freed", now), keyed_job("note", "note", now)];
    let cancel = ["old-reminder".to_owned()];
    let done = store.booking_transition_with(b.id, &live, BookingStatus::Cancelled, &jobs, &cancel, now).await;
    assert_eq!(done.unwrap().unwrap().status, BookingStatus::Cancelled);
    let due = store.jobs_claim(rome(1, 9, 30), "peek", rome(1, 9, 31), 10).await.unwrap();
    let mut kinds: Vec<&str> = due.iter().map(|j| j.kind.as_str()).collect();
    kinds.sort();
    assert_eq!(kinds, ["booking-freed", "note"], "the reminder went with the change, the follow-ups came with it");
    // A second try changes nothing and writes nothing.
    let again = [keyed_job("booking-freed", "freed-again", now)];
    let done = store.booking_transition_with(b.id, &live, BookingStatus::Cancelled, &again, &[], now).await;
    assert_eq!(done.unwrap(), None);
    assert_eq!(store.jobs_count().await.unwrap(), 2);
    // And the slot is free.
    let room = spaces.space(&SpaceId::new("centocelle-saletta")).unwrap().1;
    assert!(store.busy(&room.units, rome(1, 0, 0), rome(2, 0, 0)).await.unwrap().is_empty());
}

async fn a_waiting_person_waits_once_within_the_cap_and_is_offered_the_slot_once(store: Arc<dyn Store>) {
    use vicinato::store::WaitPlace;
    let spaces = hall_spaces();
    let (ada, bea) = (someone(&store, "ada").await, someone(&store, "bea").await);
    let now = rome(1, 8, 0);
    let taken = new_booking(&spaces, "centocelle-saletta", ada, (10, 0), (11, 0));
    let taken = store.booking_insert(&taken, now).await.unwrap().unwrap();
    let entry = |from: u32| WaitEntry {
        id: 0,
        space: SpaceId::new("centocelle-saletta"),
        person: bea,
        starts: rome(1, from, 0),
        ends: rome(1, from + 1, 0),
        people: 3,
        purpose: "prove del coro".into(),
    };
    assert_eq!(store.waitlist_add(&entry(10), 2, now).await.unwrap(), WaitPlace::Place(1));
    assert_eq!(store.waitlist_add(&entry(10), 2, now).await.unwrap(), WaitPlace::Place(1), "once per slot");
    assert_eq!(store.waitlist_add(&entry(12), 2, now).await.unwrap(), WaitPlace::Place(1));
    assert_eq!(store.waitlist_add(&entry(14), 2, now).await.unwrap(), WaitPlace::Full, "two at once at most");
    let waiting = store.waitlist_waiting(&SpaceId::new("centocelle-saletta"), rome(1, 10, 0), rome(1, 11, 0)).await;
    let waiting = waiting.unwrap();
    assert_eq!(waiting.len(), 1);
    // The slot frees up: the offer, its held booking and its jobs come in one transaction.
    store.booking_transition(taken.id, &[BookingStatus::Confirmed], BookingStatus::Cancelled).await.unwrap();
    let mut held = new_booking(&spaces, "centocelle-saletta", bea, (10, 0), (11, 0));
    held.status = BookingStatus::Held;
    let jobs = |id: BookingId| vec![keyed_job("booking-hold", &format!("booking:{id}:hold"), rome(1, 9, 0))];
    let offered = store.waitlist_promote(waiting[0].id, &held, &jobs, now).await.unwrap().unwrap();
    assert_eq!(offered.status, BookingStatus::Held);
    assert_eq!(store.jobs_count().await.unwrap(), 1);
    // Run again (after a crash), it offers nothing twice.
    assert_eq!(store.waitlist_promote(waiting[0].id, &held, &jobs, now).await.unwrap(), Err(Taken));
    assert_eq!(store.jobs_count().await.unwrap(), 1);
    assert_eq!(store.bookings_of(bea, now).await.unwrap().len(), 1);
    // A slot still taken offers nothing, and the entry keeps waiting.
    let other = store.waitlist_waiting(&SpaceId::new("centocelle-saletta"), rome(1, 12, 0), rome(1, 13, 0)).await;
    let other = other.unwrap();
    let blocker = new_booking(&spaces, "centocelle-saletta", ada, (12, 0), (13, 0));
    store.booking_insert(&blocker, now).await.unwrap().unwrap();
    let mut held = new_booking(&spaces, "centocelle-saletta", bea, (12, 0), (13, 0));
    held.status = BookingStatus::Held;
    assert_eq!(store.waitlist_promote(other[0].id, &held, &jobs, now).await.unwrap(), Err(Taken));
    let still = store.waitlist_waiting(&SpaceId::new("centocelle-saletta"), rome(1, 12, 0), rome(1, 13, 0)).await;
    assert_eq!(still.unwrap().len(), 1);
    // A closure ends the waits it covers.
    let closed = store.waitlist_close(&SpaceId::new("centocelle-saletta"), rome(1, 0, 0), rome(2, 0, 0)).await;
    assert_eq!(closed.unwrap().len(), 1);
    assert_eq!(store.waitlist_add(&entry(14), 2, now).await.unwrap(), WaitPlace::Place(1), "room in the cap again");
}

async fn bookings_racing_for_one_weekly_quota_never_go_over_it(store: Arc<dyn Store>) {
    use vicinato::store::{QuotaCheck, QuotaOf, Refused};
    let spaces = hall_spaces();
    let ada = someone(&store, "ada").await;
    let now = rome(1, 8, 0);
    let (house, _) = spaces.space(&SpaceId::new("centocelle-saletta")).unwrap();
    let quota = QuotaCheck {
        whose: QuotaOf::Person(ada),
        house: house.location.clone(),
        from: rome(1, 0, 0) - chrono::Duration::days(1),
        to: rome(1, 0, 0) + chrono::Duration::days(6),
        max_minutes: 8 * 60,
    };
    // Ten chats at once each confirm two hours on a different day: four fit in eight hours.
    let mut tasks = Vec::new();
    for day in 0..10u32 {
        let store = store.clone();
        let quota = quota.clone();
        let mut b = new_booking(&spaces, "centocelle-saletta", ada, (10, 0), (12, 0));
        let shift = chrono::Duration::hours(i64::from(day) * 12);
        (b.starts, b.ends, b.busy_until) = (b.starts + shift, b.ends + shift, b.busy_until + shift);
        tasks.push(tokio::spawn(async move { store.booking_insert_within(&b, &quota, now).await.unwrap() }));
    }
    let mut written = 0;
    let mut over = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => written += 1,
            Err(Refused::OverQuota) => over += 1,
            Err(Refused::Taken) => panic!("no two slots overlap"),
        }
    }
    assert_eq!((written, over), (4, 6));
}

async fn erasing_a_person_drops_the_long_button_payloads_of_their_private_chat(store: Arc<dyn Store>) {
    let now = rome(1, 8, 0);
    let ada = store.person_for_account(&Account::new(Network::Telegram, "4242"), "Ada", now).await.unwrap();
    let theirs = store.button_token("4242\u{1f}ilist:orto|centocelle|...", now).await.unwrap();
    let other = store.button_token("42420\u{1f}ilist:orto|centocelle|...", now).await.unwrap();
    assert!(store.erase_person(ada.id).await.unwrap());
    assert_eq!(store.button_payload(theirs).await.unwrap(), None);
    assert!(store.button_payload(other).await.unwrap().is_some(), "another chat's stays");
}

async fn a_receipt_keeps_the_first_answer_and_old_ones_are_purged(store: Arc<dyn Store>) {
    let ada = someone(&store, "ada").await;
    assert_eq!(store.receipt("telegram:test:7").await.unwrap(), None);
    store.receipt_put("telegram:test:7", ada, "first", rome(1, 8, 0)).await.unwrap();
    store.receipt_put("telegram:test:7", ada, "second", rome(1, 8, 1)).await.unwrap();
    assert_eq!(store.receipt("telegram:test:7").await.unwrap().as_deref(), Some("first"));
    store.receipt_put("telegram:test:8", ada, "later", rome(3, 8, 0)).await.unwrap();
    assert_eq!(store.receipts_purge(rome(2, 0, 0)).await.unwrap(), 1);
    assert_eq!(store.receipt("telegram:test:7").await.unwrap(), None);
    assert!(store.receipt("telegram:test:8").await.unwrap().is_some());
    // Erasing the person erases what they were answered.
    assert!(store.erase_person(ada).await.unwrap());
    assert_eq!(store.receipt("telegram:test:8").await.unwrap(), None);
}

async fn a_hundred_concurrent_requests_for_one_slot_give_exactly_one_booking(store: Arc<dyn Store>) {
    let spaces = hall_spaces();
    let now = rome(1, 8, 0);
    let mut people = Vec::new();
    for i in 0..100 {
        people.push(someone(&store, &format!("p{i}")).await);
    }
    let mut tasks = Vec::new();
    for (i, person) in people.into_iter().enumerate() {
        // Every request overlaps every other: the whole hall or its half A, 10:00 to 12:00.
        let space = ["centocelle-sala-grande", "centocelle-sala-grande-a"][i % 2];
        let b = new_booking(&spaces, space, person, (10, 0), (12, 0));
        let store = store.clone();
        tasks.push(tokio::spawn(async move { store.booking_insert(&b, now).await }));
    }
    let mut won = 0;
    let mut lost = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(Ok(_)) => won += 1,
            Ok(Err(Taken)) => lost += 1,
            Err(e) => panic!("a request failed instead of winning or losing: {e}"),
        }
    }
    assert_eq!((won, lost), (1, 99));
    // The losers are offered the nearest free times, which really are free.
    let (house, hall) = spaces.space(&SpaceId::new("centocelle-sala-grande")).unwrap();
    let hours = space_schedule(
        hall,
        &Schedule { weekly: WeeklyHours::parse("mo-sa 09:00-19:00").unwrap(), ..Default::default() },
    );
    let busy = store.busy(&hall.units, rome(1, 0, 0), rome(9, 0, 0)).await.unwrap();
    let wish = LocalSlot {
        start: rome(1, 10, 0).with_timezone(&house.zone).naive_local(),
        end: rome(1, 12, 0).with_timezone(&house.zone).naive_local(),
    };
    let alts = alternatives(hall, &hours, house.zone, wish, &busy, now.with_timezone(&house.zone).naive_local(), 3);
    assert_eq!(alts.len(), 3);
    for a in alts {
        assert!(is_free(hall, a.in_zone(house.zone).unwrap(), &busy), "{a:?}");
    }
}

fn job(key: Option<&str>, due: chrono::DateTime<chrono::Utc>) -> vicinato::store::NewJob {
    vicinato::store::NewJob {
        kind: "test".into(),
        key: key.map(str::to_owned),
        payload: "{}".into(),
        due_at: due,
        cron: None,
        zone: "Europe/Rome".into(),
    }
}

async fn due_jobs_go_to_one_claimer_until_the_lease_expires(store: Arc<dyn Store>) {
    let now = rome(1, 8, 0);
    for i in 0..3 {
        store.job_put(&job(None, now - chrono::Duration::minutes(i)), now).await.unwrap();
    }
    store.job_put(&job(None, now + chrono::Duration::hours(1)), now).await.unwrap();
    assert_eq!(store.jobs_next_due().await.unwrap(), Some(now - chrono::Duration::minutes(2)));
    let lease = now + chrono::Duration::minutes(5);
    let a = store.jobs_claim(now, "a", lease, 10).await.unwrap();
    assert_eq!(a.len(), 3);
    assert!(a.windows(2).all(|w| w[0].due_at <= w[1].due_at), "oldest first");
    assert!(store.jobs_claim(now, "b", lease, 10).await.unwrap().is_empty());
    // While leased, the next moment anything can be claimed is the lease's end.
    assert_eq!(store.jobs_next_due().await.unwrap(), Some(lease));
    assert!(store.job_done(a[0].id, "a", None).await.unwrap());
    assert!(!store.job_done(a[1].id, "b", None).await.unwrap(), "b holds no lease");
    // Process a dies; after its lease, b takes the two it left.
    let later = lease + chrono::Duration::seconds(1);
    let b = store.jobs_claim(later, "b", later + chrono::Duration::minutes(5), 10).await.unwrap();
    assert_eq!(b.len(), 2);
    store.job_failed(b[0].id, "b", later + chrono::Duration::minutes(1), "boom").await.unwrap();
    assert!(store.job_done(b[1].id, "b", Some(later + chrono::Duration::days(1))).await.unwrap());
    assert_eq!(store.jobs_count().await.unwrap(), 3);
    let retried = store
        .jobs_claim(later + chrono::Duration::minutes(1), "c", later + chrono::Duration::minutes(9), 10)
        .await
        .unwrap();
    assert_eq!(retried.len(), 1);
    assert_eq!(retried[0].attempts, 1);
}

async fn jobs_with_a_key_are_replaced_not_doubled(store: Arc<dyn Store>) {
    let now = rome(1, 8, 0);
    let first = store.job_put(&job(Some("booking:1:remind:60"), now), now).await.unwrap();
    let second = store.job_put(&job(Some("booking:1:remind:60"), now + chrono::Duration::hours(2)), now).await.unwrap();
    assert_eq!(first, second);
    assert_eq!(store.jobs_count().await.unwrap(), 1);
    assert!(store.jobs_claim(now, "a", now + chrono::Duration::minutes(5), 10).await.unwrap().is_empty());
    assert!(store.job_cancel("booking:1:remind:60").await.unwrap());
    assert!(!store.job_cancel("booking:1:remind:60").await.unwrap());
    assert_eq!(store.jobs_count().await.unwrap(), 0);
}

async fn a_moved_booking_replaces_the_old_one_atomically(store: Arc<dyn Store>) {
    let spaces = hall_spaces();
    let ada = someone(&store, "ada").await;
    let bea = someone(&store, "bea").await;
    let now = rome(1, 8, 0);
    let old = store.booking_insert(&new_booking(&spaces, "centocelle-saletta", ada, (10, 0), (11, 0)), now).await;
    let old = old.unwrap().unwrap();
    store
        .booking_insert(&new_booking(&spaces, "centocelle-saletta", bea, (12, 0), (13, 0)), now)
        .await
        .unwrap()
        .unwrap();
    // Onto someone else's slot: refused, and the old booking is untouched.
    let clash =
        NewBooking { replaces: Some(old.id), ..new_booking(&spaces, "centocelle-saletta", ada, (11, 30), (12, 30)) };
    assert_eq!(store.booking_insert(&clash, now).await.unwrap(), Err(Taken));
    assert_eq!(store.booking(old.id).await.unwrap().unwrap().status, BookingStatus::Confirmed);
    // Overlapping its own old time is fine: the old one goes in the same transaction.
    let moved =
        NewBooking { replaces: Some(old.id), ..new_booking(&spaces, "centocelle-saletta", ada, (10, 30), (11, 30)) };
    let moved = store.booking_insert(&moved, now).await.unwrap().unwrap();
    assert_eq!(store.booking(old.id).await.unwrap().unwrap().status, BookingStatus::Cancelled);
    assert_eq!(store.bookings_of(ada, now).await.unwrap(), vec![moved]);
    // Someone else's booking cannot be replaced.
    let theft =
        NewBooking { replaces: Some(old.id), ..new_booking(&spaces, "centocelle-saletta", bea, (15, 0), (16, 0)) };
    assert_eq!(store.booking_insert(&theft, now).await.unwrap(), Err(Taken));
}

async fn associations_and_their_members_are_kept_and_erasing_a_person_ends_their_memberships(store: Arc<dyn Store>) {
    let now = rome(1, 8, 0);
    let ada = someone(&store, "ada").await;
    let bea = someone(&store, "bea").await;
    let orti = Association {
        id: AssociationId::parse("orti-uniti").unwrap(),
        name: "Orti Uniti".into(),
        territory: TerritoryId::new("centocelle"),
        created_at: now,
    };
    assert!(store.association_put(&orti).await.unwrap());
    let renamed = Association { name: "Orti Uniti di Centocelle".into(), ..orti.clone() };
    assert!(!store.association_put(&renamed).await.unwrap(), "the same id is updated, not added");
    assert_eq!(store.association(&orti.id).await.unwrap(), Some(renamed.clone()));
    let coro = Association { id: AssociationId::new("coro"), name: "Coro".into(), ..orti.clone() };
    store.association_put(&coro).await.unwrap();
    assert_eq!(store.associations().await.unwrap(), vec![coro.clone(), renamed.clone()]);

    let member =
        |a: &Association, p: PersonId, may_book: bool| Membership { association: a.id.clone(), person: p, may_book };
    assert!(store.association_member_put(&member(&orti, ada, false), now).await.unwrap());
    assert!(!store.association_member_put(&member(&orti, ada, true), now).await.unwrap(), "changed, not added");
    store.association_member_put(&member(&coro, ada, false), now).await.unwrap();
    store.association_member_put(&member(&orti, bea, false), now).await.unwrap();
    assert_eq!(
        store.associations_of(ada).await.unwrap(),
        vec![(coro.clone(), member(&coro, ada, false)), (renamed.clone(), member(&orti, ada, true))]
    );
    assert_eq!(
        store.association_members(&orti.id).await.unwrap(),
        vec![member(&orti, ada, true), member(&orti, bea, false)]
    );
    let export = store.export_person(ada).await.unwrap().unwrap();
    assert_eq!(export.associations, vec![member(&coro, ada, false), member(&orti, ada, true)]);
    assert!(store.association_member_remove(&orti.id, bea).await.unwrap());
    assert!(!store.association_member_remove(&orti.id, bea).await.unwrap());
    assert!(store.associations_of(bea).await.unwrap().is_empty());
    assert!(store.erase_person(ada).await.unwrap());
    assert!(store.association_members(&orti.id).await.unwrap().is_empty());
    assert!(store.association_members(&coro.id).await.unwrap().is_empty());
}

async fn association_bookings_are_read_by_house_and_week_while_live(store: Arc<dyn Store>) {
    let spaces = hall_spaces();
    let now = rome(1, 8, 0);
    let ada = someone(&store, "ada").await;
    let orti = Association {
        id: AssociationId::new("orti-uniti"),
        name: "Orti Uniti".into(),
        territory: TerritoryId::new("centocelle"),
        created_at: now,
    };
    store.association_put(&orti).await.unwrap();
    let for_orti = |space: &str, d: u32, from: u32| NewBooking {
        starts: rome(d, from, 0),
        ends: rome(d, from + 1, 0),
        busy_until: rome(d, from + 1, 30),
        association: Some(orti.id.clone()),
        ..new_booking(&spaces, space, ada, (from, 0), (from + 1, 0))
    };
    let first = store.booking_insert(&for_orti("centocelle-saletta", 1, 10), now).await.unwrap().unwrap();
    assert_eq!(first.association, Some(orti.id.clone()));
    assert_eq!(store.booking(first.id).await.unwrap().unwrap().association, Some(orti.id.clone()));
    let second = store.booking_insert(&for_orti("centocelle-saletta", 2, 15), now).await.unwrap().unwrap();
    store.booking_insert(&for_orti("ostia-sala-mare", 2, 10), now).await.unwrap().unwrap();
    // Ada's own booking is not the association's.
    store
        .booking_insert(&new_booking(&spaces, "centocelle-saletta", ada, (17, 0), (18, 0)), now)
        .await
        .unwrap()
        .unwrap();
    let centocelle = LocationId::new("casa-welfare-centocelle");
    let week = store.association_bookings(&orti.id, &centocelle, rome(1, 0, 0), rome(8, 0, 0)).await.unwrap();
    assert_eq!(week.iter().map(|b| b.id).collect::<Vec<_>>(), vec![first.id, second.id]);
    let one_day = store.association_bookings(&orti.id, &centocelle, rome(2, 0, 0), rome(3, 0, 0)).await.unwrap();
    assert_eq!(one_day.iter().map(|b| b.id).collect::<Vec<_>>(), vec![second.id]);
    store.booking_transition(first.id, &[BookingStatus::Confirmed], BookingStatus::Cancelled).await.unwrap().unwrap();
    let week = store.association_bookings(&orti.id, &centocelle, rome(1, 0, 0), rome(8, 0, 0)).await.unwrap();
    assert_eq!(week.iter().map(|b| b.id).collect::<Vec<_>>(), vec![second.id], "a cancelled booking counts no more");
}

async fn space_closures_and_approval_switches_are_kept_and_read_by_time(store: Arc<dyn Store>) {
    let now = rome(1, 8, 0);
    let op = someone(&store, "op").await;
    let closure = |space: &str, from: u32, to: u32| SpaceClosure {
        id: 0,
        space: SpaceId::new(space),
        starts: rome(from, 0, 0),
        ends: rome(to, 0, 0),
        reason: "imbiancatura; poi pulizie".into(),
        created_by: Some(op),
    };
    let a = store.space_closure_add(&closure("centocelle-saletta", 2, 4), now).await.unwrap();
    let b = store.space_closure_add(&closure("ostia-sala-mare", 10, 11), now).await.unwrap();
    assert_ne!(a, b);
    let found = store.space_closures(rome(3, 0, 0), rome(3, 12, 0)).await.unwrap();
    assert_eq!(found, vec![SpaceClosure { id: a, ..closure("centocelle-saletta", 2, 4) }]);
    assert!(store.space_closures(rome(4, 0, 0), rome(10, 0, 0)).await.unwrap().is_empty(), "ends are exclusive");
    assert_eq!(store.space_closures(rome(1, 0, 0), rome(31, 0, 0)).await.unwrap().len(), 2);
    assert_eq!(store.space_closure_remove(a).await.unwrap().map(|c| c.id), Some(a));
    assert_eq!(store.space_closure_remove(a).await.unwrap(), None);
    // Erasing the staff member keeps the closure, without its author.
    assert!(store.erase_person(op).await.unwrap());
    assert_eq!(store.space_closures(rome(1, 0, 0), rome(31, 0, 0)).await.unwrap()[0].created_by, None);

    let saletta = SpaceId::new("centocelle-saletta");
    assert_eq!(store.space_approval(&saletta).await.unwrap(), None);
    store.space_approval_set(&saletta, Some(true), now).await.unwrap();
    store.space_approval_set(&saletta, Some(false), now).await.unwrap();
    assert_eq!(store.space_approval(&saletta).await.unwrap(), Some(false));
    store.space_approval_set(&saletta, None, now).await.unwrap();
    assert_eq!(store.space_approval(&saletta).await.unwrap(), None);
}

async fn linking_accounts_keeps_association_memberships_and_the_right_to_book(store: Arc<dyn Store>) {
    let now = rome(1, 8, 0);
    let ada = someone(&store, "ada").await;
    let tg = store.person_for_account(&Account::new(Network::Telegram, "778"), "Ada", now).await.unwrap().id;
    let assoc = |id: &str| Association {
        id: AssociationId::new(id),
        name: id.into(),
        territory: TerritoryId::new("centocelle"),
        created_at: now,
    };
    for a in ["orti", "coro"] {
        store.association_put(&assoc(a)).await.unwrap();
    }
    let member =
        |a: &str, p: PersonId, may_book: bool| Membership { association: AssociationId::new(a), person: p, may_book };
    store.association_member_put(&member("orti", ada, false), now).await.unwrap();
    store.association_member_put(&member("orti", tg, true), now).await.unwrap();
    store.association_member_put(&member("coro", tg, false), now).await.unwrap();
    assert!(matches!(link(&store, ada, tg, "2468ABCD", now).await, LinkConfirm::Linked { .. }));
    let mine: Vec<Membership> = store.associations_of(ada).await.unwrap().into_iter().map(|(_, m)| m).collect();
    assert_eq!(mine, vec![member("coro", ada, false), member("orti", ada, true)]);
}

/// Links `typist` into `maker` the way people do: a code, typed, confirmed by both.
async fn link(
    store: &Arc<dyn Store>,
    maker: PersonId,
    typist: PersonId,
    code: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> LinkConfirm {
    store.link_code_put(maker, "console", code, now + chrono::Duration::minutes(10), now).await.unwrap();
    assert!(matches!(store.link_claim(code, typist, "telegram", 5, now).await.unwrap(), LinkClaim::Claimed { .. }));
    assert!(matches!(store.link_confirm(code, typist, now).await.unwrap(), LinkConfirm::AskMaker { .. }));
    store.link_confirm(code, maker, now).await.unwrap()
}

mod initiative_helpers {
    use super::*;
    use vicinato::domain::initiative::*;
    use vicinato::store::{AuditEntry, NewInitiative, Transition};

    pub async fn person(store: &Arc<dyn Store>, name: &str) -> PersonId {
        let now = chrono::Utc::now();
        store.person_for_account(&Account::new(Network::Console, name), name, now).await.unwrap().id
    }

    pub fn audit(action: &str) -> AuditEntry {
        AuditEntry { at: chrono::Utc::now(), actor: None, action: action.into(), subject: "test".into(), reason: None }
    }

    /// A published initiative in Centocelle with this threshold and capacity.
    pub async fn published(store: &Arc<dyn Store>, title: &str, threshold: u32, capacity: u32) -> Initiative {
        let now = chrono::Utc::now();
        let author = person(store, &format!("author-{title}")).await;
        let content = Content {
            title: title.into(),
            description: format!("{title}: an activity for the whole neighbourhood"),
            theme: Some("environment".into()),
            capacity,
            starts: Some(now + chrono::Duration::days(3)),
            ..Default::default()
        };
        let new = NewInitiative {
            author,
            territory: TerritoryId::new("centocelle"),
            territory_path: "/lazio/citta-metropolitana-roma/roma/roma-m05/centocelle/".into(),
            threshold,
            content,
        };
        let ini = store.initiative_create(&new, now).await.unwrap();
        for (from, to) in [(Status::Draft, Status::Submitted), (Status::Submitted, Status::Published)] {
            let t = Transition {
                from: vec![from],
                to,
                decision: None,
                deadline: Some(now + chrono::Duration::days(90)),
                outcome: None,
                audit: audit(to.as_str()),
            };
            store.initiative_transition(ini.id, &t, now).await.unwrap().unwrap();
        }
        store.initiative(ini.id).await.unwrap().unwrap()
    }
}

async fn concurrent_supports_are_counted_exactly_and_one_of_them_reaches_the_threshold(store: Arc<dyn Store>) {
    use vicinato::domain::initiative::Status;
    use vicinato::store::Supported;
    let ini = initiative_helpers::published(&store, "garden", 50, 0).await;
    let mut people = Vec::new();
    for i in 0..80 {
        people.push(initiative_helpers::person(&store, &format!("s{i}")).await);
    }
    // Everyone at once, and the first ten twice (a double tap).
    let tries = people.iter().chain(people.iter().take(10)).map(|p| {
        let (store, p) = (store.clone(), *p);
        tokio::spawn(async move { store.initiative_support(ini.id, p, false, chrono::Utc::now()).await.unwrap() })
    });
    let results: Vec<Supported> = futures::future::join_all(tries).await.into_iter().map(|r| r.unwrap()).collect();
    let counted = results.iter().filter(|r| matches!(r, Supported::Counted { .. })).count();
    let reached = results.iter().filter(|r| matches!(r, Supported::Counted { reached: true, .. })).count();
    assert_eq!(counted, 50, "{results:?}");
    assert_eq!(reached, 1);
    let after = store.initiative(ini.id).await.unwrap().unwrap();
    assert_eq!((after.supports, after.status), (50, Status::ThresholdReached));
    // Closed now: nobody else is counted, and no support can be withdrawn.
    let late = initiative_helpers::person(&store, "late").await;
    assert_eq!(store.initiative_support(ini.id, late, true, chrono::Utc::now()).await.unwrap(), Supported::Closed);
    // Withdrawing while open gives the count back.
    let open = initiative_helpers::published(&store, "library", 10, 0).await;
    let a = initiative_helpers::person(&store, "a").await;
    let b = initiative_helpers::person(&store, "b").await;
    store.initiative_support(open.id, a, false, chrono::Utc::now()).await.unwrap();
    store.initiative_support(open.id, b, true, chrono::Utc::now()).await.unwrap();
    assert_eq!(store.initiative_unsupport(open.id, a).await.unwrap(), Some(1));
    assert_eq!(store.initiative_unsupport(open.id, a).await.unwrap(), None, "only once");
    assert!(store.initiative_supporter_names(open.id, 5).await.unwrap().is_empty(), "b supports anonymously");
    assert_eq!(store.initiative_my_part(open.id, b).await.unwrap().support, Some(true));
}

async fn joining_fills_the_places_then_the_waitlist_and_leaving_promotes_the_first_in_line(store: Arc<dyn Store>) {
    use vicinato::store::Joined;
    let ini = initiative_helpers::published(&store, "walk", 10, 3).await;
    let mut people = Vec::new();
    for i in 0..8 {
        people.push(initiative_helpers::person(&store, &format!("j{i}")).await);
    }
    let tries = people.iter().map(|p| {
        let (store, p) = (store.clone(), *p);
        tokio::spawn(async move { store.initiative_join(ini.id, p, false, chrono::Utc::now()).await.unwrap() })
    });
    let results: Vec<Joined> = futures::future::join_all(tries).await.into_iter().map(|r| r.unwrap()).collect();
    assert_eq!(results.iter().filter(|r| **r == Joined::Joined).count(), 3, "{results:?}");
    let mut places: Vec<u32> =
        results.iter().filter_map(|r| if let Joined::Waiting(n) = r { Some(*n) } else { None }).collect();
    places.sort();
    assert_eq!(places, [1, 2, 3, 4, 5]);
    assert_eq!(store.initiative_join(ini.id, people[0], true, chrono::Utc::now()).await.unwrap(), Joined::Already);
    assert_eq!(store.initiative(ini.id).await.unwrap().unwrap().participants, 3);
    // A joined person leaves: the first waiting takes the place.
    let joined: Vec<PersonId> =
        people.iter().zip(&results).filter(|(_, r)| **r == Joined::Joined).map(|(p, _)| *p).collect();
    let mut first_waiting = None;
    for p in &people {
        if store.initiative_my_part(ini.id, *p).await.unwrap().waiting == Some(true) {
            let place = results[people.iter().position(|q| q == p).unwrap()];
            if place == Joined::Waiting(1) {
                first_waiting = Some(*p);
            }
        }
    }
    let promoted = store.initiative_leave(ini.id, joined[0]).await.unwrap();
    assert_eq!(promoted, Some(first_waiting));
    assert_eq!(store.initiative(ini.id).await.unwrap().unwrap().participants, 3);
    // Someone waiting leaves: nobody is promoted.
    let waiting = people.iter().find(|p| Some(**p) != first_waiting && !joined.contains(p)).copied().unwrap();
    assert_eq!(store.initiative_leave(ini.id, waiting).await.unwrap(), Some(None));
    assert_eq!(store.initiative_leave(ini.id, waiting).await.unwrap(), None, "not in it any more");
    assert_eq!(store.initiative_audience(ini.id).await.unwrap().len(), 6);
}

async fn a_vote_counts_once_per_person_and_only_while_open(store: Arc<dyn Store>) {
    use vicinato::domain::initiative::Status;
    use vicinato::store::Transition;
    let ini = initiative_helpers::published(&store, "bench", 1, 0).await;
    let a = initiative_helpers::person(&store, "va").await;
    let b = initiative_helpers::person(&store, "vb").await;
    assert!(!store.initiative_vote(ini.id, a, true, chrono::Utc::now()).await.unwrap(), "no vote is open");
    let now = chrono::Utc::now();
    for (from, to) in [(Status::Published, Status::ThresholdReached), (Status::ThresholdReached, Status::Voting)] {
        let t = Transition {
            from: vec![from],
            to,
            decision: None,
            deadline: None,
            outcome: None,
            audit: initiative_helpers::audit(to.as_str()),
        };
        store.initiative_transition(ini.id, &t, now).await.unwrap().unwrap();
    }
    let twice = futures::future::join_all((0..5).map(|_| store.initiative_vote(ini.id, a, true, now))).await;
    assert_eq!(twice.into_iter().filter(|r| *r.as_ref().unwrap()).count(), 1);
    assert!(store.initiative_vote(ini.id, b, false, now).await.unwrap());
    assert_eq!(store.initiative_tally(ini.id).await.unwrap(), (1, 1));
    assert!(store.initiative_my_part(ini.id, a).await.unwrap().voted);
}

async fn reports_hide_an_initiative_at_the_limit_and_every_decision_is_audited(store: Arc<dyn Store>) {
    let ini = initiative_helpers::published(&store, "party", 10, 0).await;
    let now = chrono::Utc::now();
    let mut hidden_by = Vec::new();
    for i in 0..4 {
        let p = initiative_helpers::person(&store, &format!("r{i}")).await;
        let (count, hid) = store.initiative_report(ini.id, p, "spam", 3, now).await.unwrap().unwrap();
        assert_eq!(count, i + 1);
        if hid {
            hidden_by.push(i);
        }
        assert_eq!(store.initiative_report(ini.id, p, "again", 3, now).await.unwrap(), None, "one report each");
    }
    assert_eq!(hidden_by, [2], "the third report hides it");
    assert!(store.initiative(ini.id).await.unwrap().unwrap().hidden);
    let visible = store
        .initiatives(&vicinato::domain::initiative::InitiativeQuery { limit: 10, ..Default::default() })
        .await
        .unwrap();
    assert!(visible.iter().all(|i| i.id != ini.id), "hidden ones are not browsed");
    let restore = vicinato::store::AuditEntry {
        at: now,
        actor: Some(initiative_helpers::person(&store, "mod").await),
        action: "restore".into(),
        subject: format!("initiative:{}", ini.id),
        reason: None,
    };
    assert!(store.initiative_set_hidden(ini.id, false, &restore).await.unwrap());
    assert!(!store.initiative_set_hidden(ini.id, false, &restore).await.unwrap(), "already visible");
    let p = initiative_helpers::person(&store, "r0").await;
    assert_eq!(
        store.initiative_report(ini.id, p, "spam", 3, now).await.unwrap().map(|r| r.0),
        Some(1),
        "reports start again"
    );
    let log = store.audit_of(&format!("initiative:{}", ini.id)).await.unwrap();
    let actions: Vec<&str> = log.iter().map(|a| a.action.as_str()).collect();
    assert_eq!(actions, ["hide", "restore"]);
    assert_eq!(log[0].actor, None, "reports hid it, not a person");
    assert_eq!(log[1].actor, restore.actor);
}

async fn a_step_is_taken_once_when_two_decide_at_the_same_time(store: Arc<dyn Store>) {
    use vicinato::domain::initiative::Status;
    use vicinato::store::Transition;
    let ini = initiative_helpers::published(&store, "choir", 1, 0).await;
    let now = chrono::Utc::now();
    let t = |to: Status| Transition {
        from: vec![Status::Published],
        to,
        decision: None,
        deadline: None,
        outcome: None,
        audit: initiative_helpers::audit(to.as_str()),
    };
    let (withdraw, expire) = (t(Status::Withdrawn), t(Status::Expired));
    let (a, b) = tokio::join!(
        store.initiative_transition(ini.id, &withdraw, now),
        store.initiative_transition(ini.id, &expire, now)
    );
    let won = [a.unwrap(), b.unwrap()].into_iter().flatten().count();
    assert_eq!(won, 1);
    let log = store.audit_of("test").await.unwrap();
    assert_eq!(
        log.iter().filter(|e| e.action == "withdrawn" || e.action == "expired").count(),
        1,
        "only the winner is audited"
    );
}

async fn initiatives_are_browsed_by_area_theme_words_and_dates(store: Arc<dyn Store>) {
    use vicinato::domain::initiative::{InitiativeQuery, Status};
    let garden = initiative_helpers::published(&store, "Orto condiviso", 10, 0).await;
    let _choir = initiative_helpers::published(&store, "Coro di quartiere", 10, 0).await;
    let q = |f: &dyn Fn(&mut InitiativeQuery)| {
        let mut q = InitiativeQuery { limit: 10, ..Default::default() };
        f(&mut q);
        q
    };
    let found = store.initiatives(&q(&|q| q.words = vec!["orto".into()])).await.unwrap();
    assert_eq!(found.iter().map(|i| i.id).collect::<Vec<_>>(), [garden.id]);
    let area = store
        .initiatives(&q(&|q| q.territory_path = Some("/lazio/citta-metropolitana-roma/roma/roma-m05/".into())))
        .await
        .unwrap();
    assert_eq!(area.len(), 2, "the municipio covers its quartieri");
    let other = store
        .initiatives(&q(&|q| q.territory_path = Some("/lazio/citta-metropolitana-roma/roma/roma-m01/".into())))
        .await
        .unwrap();
    assert!(other.is_empty());
    let now = chrono::Utc::now();
    let week = store.initiatives(&q(&|q| q.between = Some((now, now + chrono::Duration::days(7))))).await.unwrap();
    assert_eq!(week.len(), 2);
    let later = store
        .initiatives(&q(&|q| q.between = Some((now + chrono::Duration::days(7), now + chrono::Duration::days(14)))))
        .await
        .unwrap();
    assert!(later.is_empty());
    let drafts = store.initiatives(&q(&|q| q.statuses = vec![Status::Draft])).await.unwrap();
    assert!(drafts.is_empty());
    let page = store
        .initiatives(&q(&|q| {
            q.limit = 1;
            q.offset = 1;
        }))
        .await
        .unwrap();
    assert_eq!(page.len(), 1);
    assert_eq!(page[0].id, garden.id, "newest first: the garden is second");
}

async fn only_its_author_discards_a_draft_and_nothing_past_the_draft(store: Arc<dyn Store>) {
    use vicinato::domain::initiative::Content;
    use vicinato::store::NewInitiative;
    let now = chrono::Utc::now();
    let ada = initiative_helpers::person(&store, "ada").await;
    let bea = initiative_helpers::person(&store, "bea").await;
    let new = NewInitiative {
        author: ada,
        territory: TerritoryId::new("centocelle"),
        territory_path: "/lazio/citta-metropolitana-roma/roma/roma-m05/centocelle/".into(),
        threshold: 10,
        content: Content::default(),
    };
    let draft = store.initiative_create(&new, now).await.unwrap();
    assert!(!store.initiative_discard_draft(draft.id, bea).await.unwrap(), "not bea's");
    assert!(store.initiative_discard_draft(draft.id, ada).await.unwrap());
    assert!(store.initiative(draft.id).await.unwrap().is_none());
    assert!(!store.initiative_discard_draft(draft.id, ada).await.unwrap(), "gone already");
    let published = initiative_helpers::published(&store, "Orto", 10, 0).await;
    let author = published.author.unwrap();
    assert!(!store.initiative_discard_draft(published.id, author).await.unwrap(), "published stays");
    assert!(store.initiative(published.id).await.unwrap().is_some());
}

async fn participation_export_and_erasure_cover_initiatives(store: Arc<dyn Store>) {
    use vicinato::store::Activity;
    let ini = initiative_helpers::published(&store, "repair cafe", 10, 0).await;
    let p = initiative_helpers::person(&store, "pia").await;
    let now = chrono::Utc::now();
    store.initiative_support(ini.id, p, false, now).await.unwrap();
    store.initiative_join(ini.id, p, true, now).await.unwrap();
    store.initiative_comment(ini.id, p, "I can bring tools", now).await.unwrap();
    let path = "/lazio/citta-metropolitana-roma/roma/roma-m05/";
    let events = store
        .participation_events(path, now - chrono::Duration::days(1), now + chrono::Duration::days(1))
        .await
        .unwrap();
    let kinds: Vec<Activity> = events.iter().map(|e| e.what).collect();
    for k in [Activity::Proposed, Activity::Supported, Activity::Joined, Activity::Commented] {
        assert!(kinds.contains(&k), "{k:?} in {kinds:?}");
    }
    // Every confirmed booking of a welfare house of the area counts, not only initiatives'.
    demo(&store).await;
    let spaces = hall_spaces();
    let booked = new_booking(&spaces, "centocelle-saletta", p, (10, 0), (11, 0));
    let confirmed = store.booking_insert(&booked, rome(1, 8, 0)).await.unwrap().unwrap();
    let cancelled = store
        .booking_insert(&new_booking(&spaces, "centocelle-saletta", p, (15, 0), (16, 0)), rome(1, 8, 0))
        .await
        .unwrap()
        .unwrap();
    let live = [BookingStatus::Pending, BookingStatus::Confirmed];
    store.booking_transition(cancelled.id, &live, BookingStatus::Cancelled).await.unwrap().unwrap();
    let day = |path: &str| {
        let store = store.clone();
        let path = path.to_owned();
        async move { store.participation_events(&path, rome(1, 0, 0), rome(2, 0, 0)).await.unwrap() }
    };
    let bookings: Vec<_> = day(path).await.into_iter().filter(|e| e.what == Activity::Booked).collect();
    assert_eq!(bookings.len(), 1, "the confirmed one only: {bookings:?}");
    assert_eq!((bookings[0].at, bookings[0].person), (confirmed.starts, Some(p)));
    assert!(
        day("/lazio/citta-metropolitana-roma/roma/roma-m01/").await.iter().all(|e| e.what != Activity::Booked),
        "a house elsewhere is not counted"
    );
    let mine = store.initiatives_of_person(p).await.unwrap();
    assert_eq!(mine.iter().map(|(_, part)| *part).collect::<Vec<_>>(), ["supporter", "participant"]);
    assert!(store.erase_person(p).await.unwrap());
    assert!(store.initiatives_of_person(p).await.unwrap().is_empty());
    assert!(store.initiative_comments(ini.id, 10).await.unwrap().is_empty(), "their comments go with them");
    assert_eq!(store.initiative_audience(ini.id).await.unwrap().len(), 0);
    let author = ini.author.unwrap();
    assert!(store.erase_person(author).await.unwrap());
    assert_eq!(
        store.initiative(ini.id).await.unwrap().unwrap().author,
        None,
        "the initiative stays, without its author"
    );
}

async fn linked_accounts_become_one_person_whose_supports_count_once(store: Arc<dyn Store>) {
    let now = chrono::Utc::now();
    let both = initiative_helpers::published(&store, "both", 10, 5).await;
    let only_b = initiative_helpers::published(&store, "only-b", 10, 5).await;
    let a = initiative_helpers::person(&store, "ada").await;
    let tg = Account::new(Network::Telegram, "777");
    let b = store.person_for_account(&tg, "Ada on Telegram", now).await.unwrap();
    let moderator = RoleGrant { role: Role::Moderator, territory: Some(TerritoryId::new("centocelle")) };
    let resident = RoleGrant { role: Role::Resident, territory: Some(TerritoryId::new("centocelle")) };
    store.grant_role(b.id, &moderator, now).await.unwrap();
    store.grant_role(b.id, &resident, now).await.unwrap();
    for p in [a, b.id] {
        store.initiative_support(both.id, p, false, now).await.unwrap();
        store.initiative_join(both.id, p, false, now).await.unwrap();
    }
    store.initiative_support(only_b.id, b.id, true, now).await.unwrap();
    store.initiative_comment(only_b.id, b.id, "from telegram", now).await.unwrap();
    // B supports what A wrote: once they are one person, the author does not support their own.
    let own = initiative_helpers::published(&store, "own", 10, 0).await;
    let own_author = own.author.unwrap();
    store.initiative_support(own.id, b.id, false, now).await.unwrap();
    assert_eq!(store.initiative(both.id).await.unwrap().unwrap().supports, 2);

    let expires = now + chrono::Duration::minutes(10);
    store.link_code_put(a, "console", "ABCD2345", expires, now).await.unwrap();
    assert_eq!(
        store.link_claim("ZZZZ9999", b.id, "telegram", 5, now).await.unwrap(),
        LinkClaim::Unknown,
        "an unknown code"
    );
    assert_eq!(
        store.link_claim("ABCD2345", b.id, "telegram", 5, now + chrono::Duration::minutes(11)).await.unwrap(),
        LinkClaim::Unknown,
        "expired"
    );
    assert_eq!(store.link_claim("ABCD2345", a, "console", 5, now).await.unwrap(), LinkClaim::Same);
    assert_eq!(
        store.link_claim("ABCD2345", b.id, "telegram", 5, now).await.unwrap(),
        LinkClaim::Claimed { person: a, network: "console".into(), name: "ada".into() }
    );
    let eve = initiative_helpers::person(&store, "eve").await;
    assert_eq!(store.link_claim("ABCD2345", eve, "matrix", 5, now).await.unwrap(), LinkClaim::Unknown, "typed once");
    assert_eq!(store.link_confirm("ABCD2345", eve, now).await.unwrap(), LinkConfirm::Unknown, "not eve's to confirm");
    assert_eq!(
        store.link_confirm("ABCD2345", a, now).await.unwrap(),
        LinkConfirm::Unknown,
        "the typist confirms first"
    );
    assert_eq!(
        store.link_confirm("ABCD2345", b.id, now).await.unwrap(),
        LinkConfirm::AskMaker {
            maker: a,
            maker_network: "console".into(),
            network: "telegram".into(),
            name: "Ada on Telegram".into()
        }
    );
    assert!(store.person(b.id).await.unwrap().is_some(), "nothing joined before the maker confirms");
    let LinkConfirm::Linked { kept, joined, dropped } = store.link_confirm("ABCD2345", a, now).await.unwrap() else {
        panic!("linked")
    };
    assert_eq!((kept, joined), (a, b.id));
    assert_eq!(dropped, vec![moderator.clone()], "a moderator's role is not handed over");
    assert_eq!(store.link_confirm("ABCD2345", a, now).await.unwrap(), LinkConfirm::Unknown, "a code is used once");

    let merged = store.find_person(&tg).await.unwrap().unwrap();
    assert_eq!(merged.id, a, "the Telegram account is Ada's now");
    assert_eq!(merged.accounts.len(), 2);
    assert!(!merged.roles.contains(&moderator), "{:?}", merged.roles);
    assert!(merged.roles.contains(&resident), "{:?}", merged.roles);
    assert!(store.person(b.id).await.unwrap().is_none());
    let both_now = store.initiative(both.id).await.unwrap().unwrap();
    assert_eq!((both_now.supports, both_now.participants), (1, 1), "one person, one support, one place");
    assert_eq!(store.initiative_my_part(only_b.id, a).await.unwrap().support, Some(true), "moved, still anonymous");
    assert_eq!(store.initiative(only_b.id).await.unwrap().unwrap().supports, 1);
    assert_eq!(store.initiative_comments(only_b.id, 5).await.unwrap().len(), 1);
    // Supporting again from either network is refused as the same person.
    assert_eq!(
        store.initiative_support(both.id, merged.id, false, now).await.unwrap(),
        vicinato::store::Supported::Already
    );
    let audit = store.audit_of(&format!("person:{a}")).await.unwrap();
    assert_eq!(audit.len(), 1, "{audit:?}");
    assert_eq!((audit[0].action.as_str(), audit[0].actor), ("link", Some(a)));
    assert!(audit[0].reason.as_deref().unwrap_or("").contains("moderator@centocelle"), "{audit:?}");

    // The author of "own" links the account that supported it: the support goes, counts follow.
    let c = store.person_for_account(&Account::new(Network::Matrix, "@own:x"), "Own", now).await.unwrap().id;
    store.initiative_support(own.id, c, false, now).await.unwrap();
    assert_eq!(store.initiative(own.id).await.unwrap().unwrap().supports, 2);
    assert!(matches!(link(&store, own_author, c, "OWNA2345", now).await, LinkConfirm::Linked { .. }));
    assert_eq!(store.initiative_my_part(own.id, own_author).await.unwrap().support, None);
    assert_eq!(store.initiative(own.id).await.unwrap().unwrap().supports, 1, "only Ada's support, now merged");
}

async fn wrong_link_codes_are_limited_per_person_and_hour(store: Arc<dyn Store>) {
    let now = chrono::Utc::now();
    let maker = initiative_helpers::person(&store, "maker").await;
    let guesser = initiative_helpers::person(&store, "guesser").await;
    store.link_code_put(maker, "console", "GOOD2345", now + chrono::Duration::minutes(10), now).await.unwrap();
    for i in 0..5 {
        assert_eq!(
            store.link_claim(&format!("BAD{i}2345"), guesser, "telegram", 5, now).await.unwrap(),
            LinkClaim::Unknown
        );
    }
    assert_eq!(
        store.link_claim("GOOD2345", guesser, "telegram", 5, now).await.unwrap(),
        LinkClaim::TooManyTries,
        "after five wrong codes even the right one is not checked"
    );
    let later = now + chrono::Duration::minutes(61);
    store.link_code_put(maker, "console", "GOOD6789", later + chrono::Duration::minutes(10), later).await.unwrap();
    assert!(matches!(
        store.link_claim("GOOD6789", guesser, "telegram", 5, later).await.unwrap(),
        LinkClaim::Claimed { .. }
    ));
    assert!(store.link_cancel("GOOD6789", maker).await.unwrap(), "either side may say no");
    assert_eq!(store.link_confirm("GOOD6789", guesser, later).await.unwrap(), LinkConfirm::Unknown);
}

async fn forgetting_a_person_takes_their_support_and_place_off_the_counts(store: Arc<dyn Store>) {
    use vicinato::domain::initiative::Status;
    use vicinato::store::Joined;
    let ini = initiative_helpers::published(&store, "bench", 3, 1).await;
    let now = chrono::Utc::now();
    let account = Account::new(Network::Telegram, "4242");
    // Support, join, forget, and again: one account must not push the initiative to its threshold.
    for round in 0..5 {
        let p = store.person_for_account(&account, "Eve", now).await.unwrap().id;
        store.initiative_support(ini.id, p, false, now).await.unwrap();
        assert_eq!(store.initiative_join(ini.id, p, false, now).await.unwrap(), Joined::Joined, "round {round}");
        let counted = store.initiative(ini.id).await.unwrap().unwrap();
        assert_eq!((counted.supports, counted.participants), (1, 1), "round {round}");
        assert!(store.erase_person(p).await.unwrap());
        let after = store.initiative(ini.id).await.unwrap().unwrap();
        assert_eq!((after.supports, after.participants), (0, 0), "round {round}");
        assert_eq!(after.status, Status::Published, "round {round}");
    }
    // The one place is taken and someone waits: erasing the one in the place promotes the waiting.
    let (first, second) =
        (initiative_helpers::person(&store, "f1").await, initiative_helpers::person(&store, "f2").await);
    assert_eq!(store.initiative_join(ini.id, first, false, now).await.unwrap(), Joined::Joined);
    assert_eq!(store.initiative_join(ini.id, second, false, now).await.unwrap(), Joined::Waiting(1));
    assert!(store.erase_person(first).await.unwrap());
    assert_eq!(store.initiative_my_part(ini.id, second).await.unwrap().waiting, Some(false), "promoted");
    assert_eq!(store.initiative(ini.id).await.unwrap().unwrap().participants, 1);
    // Someone waiting is erased: the counts do not change.
    let third = initiative_helpers::person(&store, "f3").await;
    assert_eq!(store.initiative_join(ini.id, third, false, now).await.unwrap(), Joined::Waiting(1));
    assert!(store.erase_person(third).await.unwrap());
    assert_eq!(store.initiative(ini.id).await.unwrap().unwrap().participants, 1);
}

async fn a_person_who_did_everything_is_erased_without_a_trace_and_exported_whole(store: Arc<dyn Store>) {
    use vicinato::domain::initiative::*;
    use vicinato::store::{AuditEntry, NewInitiative, Transition};
    let now = chrono::Utc::now();
    let name = "Zebedeo Unicorno";
    let marker = "marcatore-xq7";
    let tg = Account::new(Network::Telegram, "918273645");
    let mx = Account::new(Network::Matrix, "@zebedeo-unico:example.org");
    let z = store.person_for_account(&tg, name, now).await.unwrap().id;
    let other = initiative_helpers::person(&store, "ugo").await;
    let staff = initiative_helpers::person(&store, "staff").await;

    // A second account, linked.
    let on_matrix = store.person_for_account(&mx, "Zeb on Matrix", now).await.unwrap().id;
    assert!(matches!(link(&store, z, on_matrix, "ZEBL2345", now).await, LinkConfirm::Linked { .. }));
    store.link_code_put(z, "telegram", "ZEBN2345", now + chrono::Duration::minutes(10), now).await.unwrap();
    store
        .grant_role(z, &RoleGrant { role: Role::Staff, territory: Some(TerritoryId::new("centocelle")) }, now)
        .await
        .unwrap();

    // Bookings, a waitlist entry, an association.
    let spaces = hall_spaces();
    let mut b = new_booking(&spaces, "centocelle-saletta", z, (10, 0), (11, 0));
    b.purpose = format!("riunione {marker}");
    store.booking_insert(&b, now).await.unwrap().unwrap();
    store
        .waitlist_add(
            &WaitEntry {
                id: 0,
                space: SpaceId::new("centocelle-saletta"),
                person: z,
                starts: rome(1, 12, 0),
                ends: rome(1, 13, 0),
                people: 3,
                purpose: format!("attesa {marker}"),
            },
            10,
            now,
        )
        .await
        .unwrap();
    let club = Association {
        id: AssociationId::new("zebclub"),
        name: "Club".into(),
        territory: TerritoryId::new("centocelle"),
        created_at: now,
    };
    store.association_put(&club).await.unwrap();
    store
        .association_member_put(&Membership { association: club.id.clone(), person: z, may_book: true }, now)
        .await
        .unwrap();

    // Initiatives: one published they wrote, a draft, a candidacy; supports, places, votes,
    // reports and comments on others'.
    let new = |kind: Kind, title: &str| NewInitiative {
        author: z,
        territory: TerritoryId::new("centocelle"),
        territory_path: "/lazio/citta-metropolitana-roma/roma/roma-m05/centocelle/".into(),
        threshold: 10,
        content: Content { kind, title: title.into(), description: format!("{title} …"), ..Default::default() },
    };
    let own = store.initiative_create(&new(Kind::Activity, "Panchine nuove"), now).await.unwrap();
    let audit = |actor: Option<PersonId>, action: &str, reason: Option<String>| AuditEntry {
        at: now,
        actor,
        action: action.into(),
        subject: format!("initiative:{}", own.id),
        reason,
    };
    for (from, to, entry) in [
        (Status::Draft, Status::Submitted, audit(Some(z), "submit", None)),
        (Status::Submitted, Status::Published, audit(Some(staff), "publish", Some(format!("checked with {name}")))),
    ] {
        let t = Transition { from: vec![from], to, decision: None, deadline: None, outcome: None, audit: entry };
        store.initiative_transition(own.id, &t, now).await.unwrap().unwrap();
    }
    let draft = store.initiative_create(&new(Kind::Activity, &format!("Bozza {marker}")), now).await.unwrap();
    let candidacy =
        store.initiative_create(&new(Kind::Moderator, &format!("Candidatura {marker}")), now).await.unwrap();
    let walk = initiative_helpers::published(&store, "walk", 10, 1).await;
    store.initiative_support(walk.id, z, false, now).await.unwrap();
    store.initiative_support(walk.id, other, false, now).await.unwrap();
    store.initiative_join(walk.id, z, true, now).await.unwrap();
    store.initiative_join(walk.id, other, false, now).await.unwrap();
    store.initiative_comment(walk.id, z, &format!("Porto le scarpe {marker}"), now).await.unwrap();
    store.initiative_report(walk.id, z, &format!("segnalo {marker}"), 5, now).await.unwrap();
    let vote = initiative_helpers::published(&store, "vote", 10, 0).await;
    let to_vote = Transition {
        from: vec![Status::Published],
        to: Status::Voting,
        decision: None,
        deadline: None,
        outcome: None,
        audit: initiative_helpers::audit("vote"),
    };
    store.initiative_transition(vote.id, &to_vote, now).await.unwrap().unwrap();
    assert!(store.initiative_vote(vote.id, z, true, now).await.unwrap());

    // Messages waiting for them: private, in a group, in a Matrix direct room; kept choices.
    let msg = |chat: &str, account: Option<&str>| NewOutboxItem {
        chat: chat.into(),
        payload: format!("{{\"text\": \"{name} {marker}\"}}"),
        account: account.map(str::to_owned),
    };
    store
        .outbox_push(
            "telegram:vicinato",
            &[msg("918273645", None), msg("-100500", Some("918273645")), item("-100500", "for someone else")],
            None,
            now,
        )
        .await
        .unwrap();
    store
        .outbox_push("matrix:vicinato", &[msg("!dm:example.org", Some("@zebedeo-unico:example.org"))], None, now)
        .await
        .unwrap();
    let kept_choices = "matrix.vicinato.choices.!room:example.org.@ugo:example.org";
    store
        .set_setting("matrix.vicinato.choices.!room:example.org.@zebedeo-unico:example.org", &format!("[\"{marker}\"]"))
        .await
        .unwrap();
    store.set_setting(kept_choices, "[\"ini:1\"]").await.unwrap();
    let fanned = format!("initiative:{}:update:{z}", walk.id);
    assert!(store.delivery_claim(&fanned, now).await.unwrap());
    for chat in ["telegram:918273645", "*"] {
        let flow =
            StoredFlow { state: format!("{{\"note\": \"{marker}\"}}"), expires_at: now + chrono::Duration::hours(1) };
        store.save_flow(z, chat, &flow).await.unwrap();
    }

    // Community rooms: a timed mute given to them (with the job that ends it), a warning they gave.
    use vicinato::domain::rooms::{ModEntry, Sanction, SanctionKind};
    let centocelle = TerritoryId::new("centocelle");
    let entry = |actor: Option<PersonId>, subject: PersonId, action: &str, reason: String| ModEntry {
        at: now,
        actor,
        subject: Some(subject),
        action: action.into(),
        reason,
        territory: centocelle.clone(),
        network: Some(Network::Telegram),
        chat: Some("-100500".into()),
        until: None,
    };
    let mute = Sanction {
        key: "zeb-mute".into(),
        person: z,
        territory: centocelle.clone(),
        kind: SanctionKind::Mute,
        reason: format!("flood {marker}"),
        by: Some(staff),
        at: now,
        until: Some(now + chrono::Duration::hours(1)),
        lifted_at: None,
    };
    let end = vicinato::store::NewJob {
        kind: "room-sanction-end".into(),
        key: Some("room-end:zeb-mute".into()),
        payload: "zeb-mute".into(),
        due_at: now + chrono::Duration::hours(1),
        cron: None,
        zone: "UTC".into(),
    };
    store.sanction_give(&mute, &entry(Some(staff), z, "mute", format!("flood {marker}")), Some(&end)).await.unwrap();
    let warning = Sanction {
        key: "ugo-warn".into(),
        person: other,
        kind: SanctionKind::Warning,
        reason: "spam".into(),
        by: Some(z),
        until: None,
        ..mute.clone()
    };
    store.sanction_give(&warning, &entry(Some(z), other, "warn", "spam".into()), None).await.unwrap();

    // "My data" lists everything.
    let export = store.export_person(z).await.unwrap().unwrap();
    let json = serde_json::to_string(&export).unwrap();
    assert_eq!(export.sanctions.len(), 1, "the mute they were given");
    assert_eq!(export.person.accounts.len(), 2);
    assert_eq!(export.bookings.len(), 1);
    assert_eq!(export.waitlist.len(), 1);
    assert_eq!(export.associations.len(), 1);
    assert_eq!(export.comments.len(), 1);
    assert_eq!(export.reports.len(), 1);
    assert_eq!(export.votes.len(), 1);
    assert_eq!(export.flows.len(), 2);
    assert!(export.audit.iter().any(|a| a.action == "submit"), "{:?}", export.audit);
    assert!(export.audit.iter().any(|a| a.action == "link"), "{:?}", export.audit);
    let parts: Vec<&str> = export.initiatives.iter().map(|(_, part)| *part).collect();
    assert_eq!(parts, ["author", "author", "author", "supporter", "participant"], "{parts:?}");
    for text in [
        format!("riunione {marker}"),
        format!("attesa {marker}"),
        format!("segnalo {marker}"),
        format!("Porto le scarpe {marker}"),
    ] {
        assert!(json.contains(&text), "{text} in the export");
    }

    let before = store.occurrences(marker).await.unwrap();
    for place in [
        "bookings.purpose",
        "waitlist.purpose",
        "initiatives.content",
        "initiative_comments.body",
        "initiative_reports.reason",
        "outbox.payload",
        "settings.value",
        "flows.state",
    ] {
        assert!(before.iter().any(|p| p == place), "{place} in {before:?}");
    }
    assert!(store.occurrences(name).await.unwrap().iter().any(|p| p == "audit.reason"));

    assert!(store.erase_person(z).await.unwrap());

    for text in [name, marker, "918273645", "@zebedeo-unico:example.org", "Zeb on Matrix"] {
        assert_eq!(store.occurrences(text).await.unwrap(), Vec::<String>::new(), "{text} is nowhere");
    }
    assert!(store.export_person(z).await.unwrap().is_none());
    assert!(store.export_person(on_matrix).await.unwrap().is_none());
    // Their mute and the job ending it are gone; the warning they gave stays, without them.
    assert_eq!(store.occurrences("room-end:zeb-mute").await.unwrap(), Vec::<String>::new());
    assert_eq!(store.sanctions_of(other).await.unwrap().len(), 1);
    let log = store.moderation_log(std::slice::from_ref(&centocelle), 10).await.unwrap();
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!((log[0].action.as_str(), log[0].actor, log[0].subject), ("warn", None, Some(other)));
    assert!(store.audit_of(&format!("person:{z}")).await.unwrap().is_empty());
    let trail = store.audit_of(&format!("initiative:{}", own.id)).await.unwrap();
    assert_eq!(trail.len(), 2, "what was done stays: {trail:?}");
    assert!(trail.iter().all(|a| a.actor != Some(z)), "{trail:?}");
    assert_eq!(trail[1].actor, Some(staff), "others' part stays");
    assert_eq!(store.initiative(own.id).await.unwrap().unwrap().author, None, "published: stays without author");
    assert!(store.initiative(draft.id).await.unwrap().is_none(), "the draft goes");
    assert!(store.initiative(candidacy.id).await.unwrap().is_none(), "the candidacy goes");
    let walk_now = store.initiative(walk.id).await.unwrap().unwrap();
    assert_eq!((walk_now.supports, walk_now.participants), (1, 1), "counts follow");
    assert_eq!(store.initiative_my_part(walk.id, other).await.unwrap().waiting, Some(false), "ugo takes the place");
    assert_eq!(store.initiative_tally(vote.id).await.unwrap(), (0, 0));
    assert!(store.associations_of(z).await.unwrap().is_empty());
    assert_eq!(store.setting(kept_choices).await.unwrap().as_deref(), Some("[\"ini:1\"]"), "others' choices stay");
    let left = store.outbox_pending("telegram:vicinato", 0, 10).await.unwrap();
    assert_eq!(left.iter().map(|i| i.payload.as_str()).collect::<Vec<_>>(), ["for someone else"]);
    assert!(store.outbox_pending("matrix:vicinato", 0, 10).await.unwrap().is_empty());
    assert!(store.delivery_claim(&fanned, now).await.unwrap(), "their delivery keys went too");
    assert!(store.find_person(&tg).await.unwrap().is_none() && store.find_person(&mx).await.unwrap().is_none());
}

async fn governance_phases_and_the_holders_of_a_role_are_kept_per_territory(store: Arc<dyn Store>) {
    use vicinato::domain::initiative::Phase;
    use vicinato::store::AuditEntry;
    store.replace_dataset(&tiny()).await.unwrap();
    let (east_mod, west_mod, admin) =
        (someone(&store, "anna").await, someone(&store, "bruno").await, someone(&store, "carla").await);
    let grant = |role, territory: Option<&str>| RoleGrant { role, territory: territory.map(TerritoryId::new) };
    let now = rome(1, 9, 0);
    store.grant_role(east_mod, &grant(Role::Moderator, Some("east")), now).await.unwrap();
    store.grant_role(west_mod, &grant(Role::Moderator, Some("west")), now).await.unwrap();
    store.grant_role(admin, &grant(Role::Admin, None), now).await.unwrap();
    let east = [TerritoryId::new("east")];
    assert_eq!(store.role_holders(Role::Moderator, &east).await.unwrap(), [east_mod]);
    let both = [TerritoryId::new("east"), TerritoryId::new("west")];
    let mut moderators = vec![east_mod, west_mod];
    moderators.sort_by_key(|p| p.0);
    assert_eq!(store.role_holders(Role::Moderator, &both).await.unwrap(), moderators);
    assert!(store.role_holders(Role::Moderator, &[]).await.unwrap().is_empty());
    assert!(store.role_holders(Role::Admin, &east).await.unwrap().is_empty(), "admins hold no territory's role");

    assert!(store.governance().await.unwrap().is_empty(), "unset: institutional");
    let audit = |subject: &str, reason: &str| AuditEntry {
        at: now,
        actor: Some(admin),
        action: "governance".into(),
        subject: subject.into(),
        reason: Some(reason.into()),
    };
    let (e, w) = (TerritoryId::new("east"), TerritoryId::new("west"));
    store.set_governance(&e, Phase::Community, &audit("territory:east", "residents vote")).await.unwrap();
    store.set_governance(&w, Phase::Community, &audit("territory:west", "residents vote")).await.unwrap();
    store.set_governance(&w, Phase::Institutional, &audit("territory:west", "back to staff")).await.unwrap();
    assert_eq!(store.governance().await.unwrap(), [(e, Phase::Community), (w, Phase::Institutional)]);
    let trail = store.audit_of("territory:west").await.unwrap();
    assert_eq!(trail, [audit("territory:west", "residents vote"), audit("territory:west", "back to staff")]);
}

/// Dead letters: updates, events and jobs set aside after failing for good, on both engines.
/// In a module of its own so the list above stays as it was.
mod dead_letters {
    use std::sync::Arc;
    use vicinato::store::Store;

    conformance!(dead_letters_are_kept_newest_first_with_a_short_error);

    async fn dead_letters_are_kept_newest_first_with_a_short_error(store: Arc<dyn Store>) {
        let at = chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 12, 1, 9, 0, 0).unwrap();
        assert!(store.dead_letters(10).await.unwrap().is_empty());
        let first = store.dead_letter_add("telegram:lazio", "1234", "update", "panic at x.rs:1", at).await.unwrap();
        let long = "é".repeat(2_000);
        let later = at + chrono::Duration::minutes(1);
        let second = store.dead_letter_add("scheduler", "77", "booking-reminder", &long, later).await.unwrap();
        assert!(second > first);
        let letters = store.dead_letters(10).await.unwrap();
        assert_eq!(letters.len(), 2);
        assert_eq!(letters[0].id, second, "newest first");
        assert_eq!(
            (letters[0].source.as_str(), letters[0].item.as_str(), letters[0].kind.as_str()),
            ("scheduler", "77", "booking-reminder")
        );
        assert_eq!(letters[0].at, later);
        assert!(letters[0].error.len() <= vicinato::store::dead_letters::DEAD_LETTER_ERROR_MAX + 3);
        assert!(letters[0].error.starts_with("éé"));
        assert_eq!(letters[1].error, "panic at x.rs:1");
        assert_eq!(letters[1].at, at);
        assert_eq!(store.dead_letters(1).await.unwrap().len(), 1);
    }
}

mod announcement_helpers {
    use super::*;
    use vicinato::store::NewAnnouncement;

    pub fn announcement(territory: Option<&str>, who: Who, at: chrono::DateTime<chrono::Utc>) -> NewAnnouncement {
        NewAnnouncement {
            author: None,
            texts: AnnouncementTexts { it: "Mercato sabato".into(), en: Some("Market on Saturday".into()) },
            audience: Audience { territory: territory.map(TerritoryId::new), who, rooms: Default::default() },
            at,
            recurrence: Some(Recurrence::Weekly { weekday: 1, hour: 9, minute: 0 }),
            series: None,
            pending: false,
        }
    }

    pub fn send_job(at: chrono::DateTime<chrono::Utc>) -> vicinato::store::NewJob {
        vicinato::store::NewJob {
            kind: "announcement-send".into(),
            key: Some("announce:{id}".into()),
            payload: "{\"announcement\":{id}}".into(),
            due_at: at,
            cron: None,
            zone: "UTC".into(),
        }
    }

    pub fn copy(id: AnnouncementId, person: PersonId, state: CopyState) -> Recipient {
        Recipient {
            announcement: id,
            person,
            network: Network::Telegram,
            channel: "telegram:vicinato".into(),
            chat: format!("{}", 1000 + person.0),
            lang: Lang::It,
            state,
            sent_at: None,
            message_id: None,
            version: 0,
            room: None,
        }
    }
}

async fn an_announcement_is_kept_with_its_send_job_and_cancelling_keeps_what_was_sent(store: Arc<dyn Store>) {
    use announcement_helpers::*;
    let now = chrono::Utc::now();
    let at = now + chrono::Duration::hours(2);
    let new = announcement(Some("roma-m05"), Who::Interest(CategoryCode::new("food")), at);
    let id = store.announcement_add(&new, Some(&send_job(at)), now).await.unwrap();
    let back = store.announcement(id).await.unwrap().expect("kept");
    assert_eq!(
        (back.texts.clone(), back.audience.clone(), back.recurrence.clone()),
        (new.texts, new.audience, new.recurrence)
    );
    assert_eq!((back.state, back.at.timestamp(), back.author), (AnnouncementState::Scheduled, at.timestamp(), None));
    let second = store.announcement_add(&announcement(None, Who::Home, at), Some(&send_job(at)), now).await.unwrap();
    assert_eq!(store.announcements(10).await.unwrap().iter().map(|a| a.id).collect::<Vec<_>>(), [second, id]);
    let due = store.jobs_claim(at, "test", at + chrono::Duration::minutes(1), 10).await.unwrap();
    let keys: Vec<_> = due.iter().map(|j| (j.key.clone().unwrap(), j.payload.clone())).collect();
    assert!(keys.contains(&(format!("announce:{id}"), format!("{{\"announcement\":{id}}}"))), "{keys:?}");
    for j in &due {
        store.job_failed(j.id, "test", at, "not yet").await.unwrap();
    }

    // Sending: one copy sent, one still queued. Cancelling records the queued one as cancelled
    // and drops the job.
    assert!(
        store
            .announcement_set_state(id, &[AnnouncementState::Scheduled], AnnouncementState::Sending, now)
            .await
            .unwrap()
    );
    assert!(
        !store.announcement_set_state(id, &[AnnouncementState::Scheduled], AnnouncementState::Done, now).await.unwrap()
    );
    let (ada, bob) = (someone(&store, "ann-ada").await, someone(&store, "ann-bob").await);
    store.recipients_add(&[copy(id, ada, CopyState::Queued), copy(id, bob, CopyState::Queued)]).await.unwrap();
    assert!(store.recipient_mark(id, ada, &CopyState::Sent, Some("77"), now).await.unwrap());
    assert!(store.announcement_cancel(id, &format!("announce:{id}"), now).await.unwrap());
    assert!(!store.announcement_cancel(id, &format!("announce:{id}"), now).await.unwrap(), "once");
    assert_eq!(store.announcement(id).await.unwrap().unwrap().state, AnnouncementState::Cancelled);
    let left = store.recipients(id, None, 10).await.unwrap();
    assert_eq!(
        left.iter().map(|c| (c.person, c.state.clone(), c.message_id.clone())).collect::<Vec<_>>(),
        [(ada, CopyState::Sent, Some("77".into())), (bob, CopyState::Cancelled, None)]
    );
    assert!(!store.recipient_mark(id, bob, &CopyState::Sent, None, now).await.unwrap(), "a cancelled copy is not sent");
    let claimed = store.jobs_claim(at, "test2", at + chrono::Duration::minutes(1), 10).await.unwrap();
    assert!(claimed.iter().all(|j| j.key.as_deref() != Some(&format!("announce:{id}"))), "the job went with it");
}

async fn a_pending_announcement_gets_its_job_once_approved_and_a_series_goes_on_once_per_occurrence(
    store: Arc<dyn Store>,
) {
    use announcement_helpers::*;
    let now = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap();
    let at = now + chrono::Duration::hours(2);
    let approver = someone(&store, "ann-approver").await;
    let mut new = announcement(Some("roma-m05"), Who::Home, at);
    new.pending = true;
    let id = store.announcement_add(&new, None, now).await.unwrap();
    assert_eq!(store.announcement(id).await.unwrap().unwrap().state, AnnouncementState::Pending);
    let horizon = at + chrono::Duration::minutes(1);
    assert!(store.jobs_claim(at, "t1", horizon, 10).await.unwrap().is_empty(), "no job while pending");
    let job = vicinato::store::NewJob {
        key: Some(format!("announce:{id}")),
        payload: format!("{{\"announcement\":{id}}}"),
        ..send_job(at)
    };
    assert!(store.announcement_approve(id, approver, &job, now).await.unwrap());
    assert!(!store.announcement_approve(id, approver, &job, now).await.unwrap(), "once");
    assert_eq!(store.announcement(id).await.unwrap().unwrap().state, AnnouncementState::Scheduled);
    let claimed = store.jobs_claim(at, "t2", horizon, 10).await.unwrap();
    assert_eq!(claimed.iter().map(|j| j.key.clone().unwrap()).collect::<Vec<_>>(), [format!("announce:{id}")]);
    for j in &claimed {
        store.job_done(j.id, "t2", None).await.unwrap();
    }

    // Done once, and the next occurrence kept with its job in the same transaction.
    assert!(!store.announcement_finish(id, None, now).await.unwrap(), "not sending yet");
    store.announcement_set_state(id, &[AnnouncementState::Scheduled], AnnouncementState::Sending, now).await.unwrap();
    let week = at + chrono::Duration::weeks(1);
    let mut next = announcement(Some("roma-m05"), Who::Home, week);
    next.series = Some(id);
    assert!(store.announcement_finish(id, Some((&next, &send_job(week))), now).await.unwrap());
    assert!(!store.announcement_finish(id, Some((&next, &send_job(week))), now).await.unwrap(), "once");
    let open = store.announcements_open_in_series(id).await.unwrap();
    assert_eq!(open.len(), 1, "{open:?}");
    assert_eq!((open[0].series, open[0].at.timestamp()), (Some(id), week.timestamp()));
    assert_eq!(store.announcement(id).await.unwrap().unwrap().state, AnnouncementState::Done);
    let claimed = store.jobs_claim(week, "t3", week + chrono::Duration::minutes(1), 10).await.unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!(claimed[0].key, Some(format!("announce:{}", open[0].id)));

    // Territories that ask for approval.
    let centocelle = TerritoryId::new("centocelle");
    assert!(store.approval_set(&centocelle, true, now).await.unwrap());
    assert!(!store.approval_set(&centocelle, true, now).await.unwrap(), "once");
    assert_eq!(store.approval_territories().await.unwrap(), std::slice::from_ref(&centocelle));
    assert!(store.approval_set(&centocelle, false, now).await.unwrap());
    assert!(store.approval_territories().await.unwrap().is_empty());
}

async fn an_audience_is_the_people_of_its_scope_once_each_with_their_opt_outs(store: Arc<dyn Store>) {
    demo(&store).await;
    let now = chrono::Utc::now();
    let resident =
        |name: &'static str, account: Account, home: Option<&'static str>, interests: &'static [&'static str]| {
            let store = store.clone();
            async move {
                let mut p = store.person_for_account(&account, name, now).await.unwrap();
                p.home = home.map(TerritoryId::new);
                p.interests = interests.iter().map(|c| CategoryCode::new(*c)).collect();
                store.save_profile(&p).await.unwrap();
                p.id
            }
        };
    let ada = resident("Ada", Account::new(Network::Telegram, "901"), Some("centocelle"), &[]).await;
    store
        .person_and_flow(&Account::new(Network::Telegram, "901"), "Ada", "telegram:901", Some("telegram:b"), now)
        .await
        .unwrap();
    store.set_unreachable(&Account::new(Network::Telegram, "901"), Some(now)).await.unwrap();
    let bob = resident("Bob", Account::new(Network::Matrix, "@bob:x"), Some("san-lorenzo"), &["food"]).await;
    let carla = resident("Carla", Account::new(Network::Console, "carla"), Some("roma-m05"), &["food", "legal"]).await;
    let dan = resident("Dan", Account::new(Network::Console, "dan"), None, &[]).await;
    store
        .grant_role(dan, &RoleGrant { role: Role::Staff, territory: Some(TerritoryId::new("centocelle")) }, now)
        .await
        .unwrap();
    assert!(store.opt_out(carla, GENERAL_TOPIC, true, now).await.unwrap());
    assert!(!store.opt_out(carla, GENERAL_TOPIC, true, now).await.unwrap(), "once");
    assert!(store.opt_out(bob, ALL_TOPICS, true, now).await.unwrap());
    assert_eq!(store.opt_outs(carla).await.unwrap(), [GENERAL_TOPIC]);

    let ini = initiative_helpers::published(&store, "Orto", 10, 0).await;
    let erin = initiative_helpers::person(&store, "erin").await;
    store.initiative_support(ini.id, erin, false, now).await.unwrap();

    let who = |territory: Option<&'static str>, who: Who, topic: &'static str| {
        let store = store.clone();
        async move {
            let audience = Audience { territory: territory.map(TerritoryId::new), who, rooms: Default::default() };
            let found = store.audience(&audience, topic, now).await.unwrap();
            found.into_iter().map(|c| (c.person, c.opted_out)).collect::<Vec<_>>()
        }
    };
    assert_eq!(who(Some("roma-m05"), Who::Home, GENERAL_TOPIC).await, [(ada, false), (carla, true)]);
    assert_eq!(who(Some("centocelle"), Who::Home, GENERAL_TOPIC).await, [(ada, false)]);
    let food = Who::Interest(CategoryCode::new("food"));
    assert_eq!(who(Some("roma-m05"), food.clone(), "food").await, [(carla, false)]);
    assert_eq!(who(None, food, "food").await, [(bob, true), (carla, false)]);
    assert_eq!(who(Some("roma-m05"), Who::Role(Role::Staff), GENERAL_TOPIC).await, [(dan, false)]);
    assert_eq!(who(Some("san-lorenzo"), Who::Role(Role::Staff), GENERAL_TOPIC).await, []);
    let supporters = who(Some("roma-m05"), Who::Initiatives, GENERAL_TOPIC).await;
    assert!(supporters.contains(&(erin, false)) && !supporters.contains(&(ada, false)), "{supporters:?}");
    assert_eq!(who(Some("san-lorenzo"), Who::Initiatives, GENERAL_TOPIC).await, []);
    let everyone = who(None, Who::Home, GENERAL_TOPIC).await;
    for p in [ada, bob, carla, dan, erin] {
        assert_eq!(everyone.iter().filter(|(q, _)| *q == p).count(), 1, "{p} once in {everyone:?}");
    }
    // What choosing a copy's destination needs: the bot last written to, and reachability.
    let audience =
        Audience { territory: Some(TerritoryId::new("centocelle")), who: Who::Home, rooms: Default::default() };
    let found = store.audience(&audience, GENERAL_TOPIC, now).await.unwrap();
    let account = &found[0].accounts[0];
    assert_eq!((account.channel.as_deref(), account.unreachable), (Some("telegram:b"), true));
    assert!(store.opt_out(carla, ALL_TOPICS, false, now).await.unwrap());
    assert_eq!(store.opt_outs(carla).await.unwrap(), Vec::<String>::new());
}

async fn copies_are_added_once_per_person_and_recorded_once(store: Arc<dyn Store>) {
    use announcement_helpers::*;
    let now = chrono::Utc::now();
    let id = store.announcement_add(&announcement(None, Who::Home, now), Some(&send_job(now)), now).await.unwrap();
    let people = [someone(&store, "c-1").await, someone(&store, "c-2").await, someone(&store, "c-3").await];
    let copies: Vec<Recipient> = people.iter().map(|p| copy(id, *p, CopyState::Queued)).collect();
    assert_eq!(store.recipients_add(&copies).await.unwrap(), 3);
    assert_eq!(store.recipients_add(&copies).await.unwrap(), 0, "an expansion run again adds nobody");
    assert!(store.recipient_mark(id, people[0], &CopyState::Sent, Some("m1"), now).await.unwrap());
    assert!(!store.recipient_mark(id, people[0], &CopyState::Failed("late".into()), None, now).await.unwrap());
    assert!(
        store
            .recipient_mark(id, people[1], &CopyState::Failed("Forbidden: bot was blocked".into()), None, now)
            .await
            .unwrap()
    );
    let queued = store.recipients(id, Some(&CopyState::Queued), 10).await.unwrap();
    assert_eq!(queued.iter().map(|c| c.person).collect::<Vec<_>>(), [people[2]]);
    assert_eq!(queued[0].chat, format!("{}", 1000 + people[2].0));
    let counts: Vec<(String, Option<String>, i64)> =
        store.recipient_counts(id).await.unwrap().into_iter().map(|c| (c.state, c.reason, c.count)).collect();
    assert_eq!(
        counts,
        [
            ("failed".to_owned(), Some("Forbidden: bot was blocked".to_owned()), 1),
            ("queued".to_owned(), None, 1),
            ("sent".to_owned(), None, 1)
        ]
    );
    // Erasing a person takes their copies and opt-outs with them.
    store.opt_out(people[2], GENERAL_TOPIC, true, now).await.unwrap();
    assert!(store.erase_person(people[2]).await.unwrap());
    assert_eq!(store.recipients(id, None, 10).await.unwrap().len(), 2);
    assert_eq!(store.opt_outs(people[2]).await.unwrap(), Vec::<String>::new());
}

async fn rooms_sanctions_and_their_log_are_kept_and_a_sanction_ends_once(store: Arc<dyn Store>) {
    use vicinato::domain::rooms::{ModEntry, Room, RoomPurpose, Sanction, SanctionKind};
    use vicinato::store::NewJob;
    let now = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap();
    let ada = store.person_for_account(&Account::new(Network::Telegram, "1"), "Ada", now).await.unwrap();
    let t = TerritoryId::new("centocelle");
    let entry = |action: &str| ModEntry {
        at: now,
        actor: Some(ada.id),
        subject: None,
        action: action.into(),
        reason: String::new(),
        territory: t.clone(),
        network: Some(Network::Telegram),
        chat: Some("-1".into()),
        until: None,
    };
    let room = Room {
        network: Network::Telegram,
        chat_id: "-1".into(),
        territory: t.clone(),
        purpose: RoomPurpose::General,
        linked_by: ada.id,
        linked_at: now,
    };
    store.room_link(&room, &entry("link")).await.unwrap();
    let moved = Room { purpose: RoomPurpose::Moderators, ..room.clone() };
    store.room_link(&moved, &entry("link")).await.unwrap();
    assert_eq!(store.room(Network::Telegram, "-1").await.unwrap(), Some(moved.clone()));
    assert_eq!(store.rooms_in(&[t.clone(), TerritoryId::new("ostia")]).await.unwrap(), vec![moved]);
    assert!(store.rooms_in(&[]).await.unwrap().is_empty());
    let mute = Sanction {
        key: "k1".into(),
        person: ada.id,
        territory: t.clone(),
        kind: SanctionKind::Mute,
        reason: "<b>spam</b>".into(),
        by: Some(ada.id),
        at: now,
        until: Some(now + chrono::Duration::hours(2)),
        lifted_at: None,
    };
    let job = NewJob {
        kind: "room-sanction-end".into(),
        key: Some("room-end:k1".into()),
        payload: "k1".into(),
        due_at: now + chrono::Duration::hours(2),
        cron: None,
        zone: "UTC".into(),
    };
    store.sanction_give(&mute, &entry("mute"), Some(&job)).await.unwrap();
    assert_eq!(store.jobs_count().await.unwrap(), 1);
    assert_eq!(store.sanction("k1").await.unwrap(), Some(mute.clone()));
    assert_eq!(store.sanctions_of(ada.id).await.unwrap(), vec![mute.clone()]);
    // Two who end it at once: one does, the other finds it ended; the job goes with it.
    let ended = Sanction { lifted_at: Some(now), ..mute.clone() };
    let unmute = entry("unmute");
    let (a, b) = tokio::join!(
        store.sanction_end(&ended, &unmute, Some("room-end:k1")),
        store.sanction_end(&ended, &unmute, Some("room-end:k1"))
    );
    assert_eq!([a.unwrap(), b.unwrap()].iter().filter(|x| **x).count(), 1);
    assert_eq!(store.sanction("k1").await.unwrap(), Some(ended));
    assert_eq!(store.jobs_count().await.unwrap(), 0);
    let log = store.moderation_log(std::slice::from_ref(&t), 10).await.unwrap();
    let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["unmute", "mute", "link", "link"]);
    assert_eq!(store.moderation_log(std::slice::from_ref(&t), 1).await.unwrap().len(), 1);
    store.room_unlink(Network::Telegram, "-1", &entry("unlink")).await.unwrap();
    assert!(!store.room_unlink(Network::Telegram, "-1", &entry("unlink")).await.unwrap());
    assert_eq!(store.moderation_log(&[t], 10).await.unwrap().len(), 5);
}

async fn room_texts_are_kept_per_scope_kind_and_language_and_a_case_closes_once(store: Arc<dyn Store>) {
    use vicinato::domain::Lang;
    use vicinato::domain::rooms::{Case, CaseKind, Closed, ModEntry, RoomText, TextKind, TextScope};
    let now = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap();
    let ada = store.person_for_account(&Account::new(Network::Telegram, "1"), "Ada", now).await.unwrap();
    let bea = store.person_for_account(&Account::new(Network::Telegram, "2"), "Bea", now).await.unwrap();
    let t = TerritoryId::new("centocelle");
    let entry = |action: &str| ModEntry {
        at: now,
        actor: Some(ada.id),
        subject: Some(bea.id),
        action: action.into(),
        reason: String::new(),
        territory: t.clone(),
        network: Some(Network::Telegram),
        chat: Some("-1".into()),
        until: None,
    };
    let room = TextScope::Room { network: Network::Telegram, chat_id: "-1".into() };
    let area = TextScope::Territory(t.clone());
    let text =
        |scope: &TextScope, kind, lang, text: &str| RoomText { scope: scope.clone(), kind, lang, text: text.into() };
    store
        .room_text_set(&text(&room, TextKind::Rules, Lang::It, "Niente <b>spam</b>"), &entry("rules-set"))
        .await
        .unwrap();
    store.room_text_set(&text(&room, TextKind::Rules, Lang::It, "Rispetto"), &entry("rules-set")).await.unwrap();
    store.room_text_set(&text(&area, TextKind::Rules, Lang::En, "Be kind"), &entry("rules-set")).await.unwrap();
    store.room_text_set(&text(&area, TextKind::Welcome, Lang::En, "Hi"), &entry("welcome-set")).await.unwrap();
    let rules = store.room_texts(&[room.key(), area.key()], TextKind::Rules).await.unwrap();
    assert_eq!(
        rules,
        vec![text(&room, TextKind::Rules, Lang::It, "Rispetto"), text(&area, TextKind::Rules, Lang::En, "Be kind")]
    );
    assert!(store.room_texts(&[room.key()], TextKind::Welcome).await.unwrap().is_empty());
    assert!(store.room_texts(&[], TextKind::Rules).await.unwrap().is_empty());
    let case = Case {
        key: "r1".into(),
        kind: CaseKind::Report,
        territory: t.clone(),
        network: Network::Telegram,
        chat_id: "-1".into(),
        by: ada.id,
        subject: bea.id,
        subject_account: "2".into(),
        subject_name: "Bea".into(),
        message_id: Some("7".into()),
        text: "compra <i>qui</i>".into(),
        reason: "spam".into(),
        sanction: None,
        acted_by: None,
        answered: 0,
        media: None,
        at: now,
        closed: None,
    };
    store.case_put(&case, Some(&entry("report"))).await.unwrap();
    assert_eq!(store.case("r1").await.unwrap(), Some(case.clone()));
    let answered = Case { answered: 1, ..case.clone() };
    assert!(store.case_update(&answered).await.unwrap());
    // Two moderators pressing at once: one closes it, the other finds it closed.
    let closed = Case { closed: Some(Closed { by: Some(ada.id), action: "mute".into(), at: now }), ..answered.clone() };
    let decided = entry("report-mute");
    let (a, b) = tokio::join!(store.case_close(&closed, &decided), store.case_close(&closed, &decided));
    assert_eq!([a.unwrap(), b.unwrap()].iter().filter(|x| **x).count(), 1);
    assert_eq!(store.case("r1").await.unwrap(), Some(closed.clone()));
    assert!(!store.case_update(&answered).await.unwrap(), "a closed case is not updated");
    // Opened again (a new request): open, with the new value.
    store.case_put(&case, None).await.unwrap();
    assert_eq!(store.case("r1").await.unwrap(), Some(case));
    let log = store.moderation_log(std::slice::from_ref(&t), 10).await.unwrap();
    assert_eq!(log.len(), 6);
    // Erasing the reported person takes the case.
    store.erase_person(bea.id).await.unwrap();
    assert_eq!(store.case("r1").await.unwrap(), None);
}

async fn a_batch_of_copies_is_queued_once_each_and_recorded_together_and_an_erased_person_is_not_kept(
    store: Arc<dyn Store>,
) {
    use announcement_helpers::*;
    let now = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap();
    let id = store.announcement_add(&announcement(None, Who::Home, now), Some(&send_job(now)), now).await.unwrap();
    let (ada, bob, cleo) =
        (someone(&store, "batch-ada").await, someone(&store, "batch-bob").await, someone(&store, "batch-cleo").await);
    let all = [ada, bob, cleo].map(|p| copy(id, p, CopyState::Queued));
    store.recipients_add(&all).await.unwrap();
    // Cleo is erased before the hand-over: only Ada and Bob are still kept, read at once.
    store.erase_person(cleo).await.unwrap();
    let mut kept = store.persons_kept(&[ada, bob, cleo]).await.unwrap();
    kept.sort();
    assert_eq!(kept, [ada, bob]);
    // Ada's copy was already queued (a run before a crash); the batch queues only Bob's.
    let channel = "telegram:vicinato";
    assert!(store.outbox_push_once(channel, &[item(&all[0].chat, "copy")], &all[0].delivery_key(), now).await.unwrap());
    let batch: Vec<(String, Vec<NewOutboxItem>)> =
        all[..2].iter().map(|c| (c.delivery_key(), vec![item(&c.chat, "copy")])).collect();
    assert_eq!(store.outbox_push_once_each(channel, &batch, now).await.unwrap(), [false, true]);
    assert_eq!(store.outbox_push_once_each(channel, &batch, now).await.unwrap(), [false, false], "once");
    assert_eq!(store.outbox_pending(channel, 0, 10).await.unwrap().len(), 2);
    // Both recorded in one go; a lane copy whose outbox message is gone is not.
    let dan = someone(&store, "batch-dan").await;
    let lost = copy(id, dan, CopyState::Queued);
    store.recipients_add(std::slice::from_ref(&lost)).await.unwrap();
    let handed: Vec<Handed<'_>> = [&all[0], &all[1], &lost]
        .into_iter()
        .map(|c| Handed { copy: CopyOf::Person(c), state: CopyState::Sending, lane: true })
        .collect();
    assert_eq!(store.copies_handed(&handed, now).await.unwrap(), 2);
    assert_eq!(store.copies_handed(&handed, now).await.unwrap(), 0, "recorded once");
    let states: BTreeMap<PersonId, CopyState> =
        store.recipients(id, None, 10).await.unwrap().into_iter().map(|c| (c.person, c.state)).collect();
    assert_eq!(states.get(&ada), Some(&CopyState::Sending));
    assert_eq!(states.get(&bob), Some(&CopyState::Sending));
    assert_eq!(states.get(&dan), Some(&CopyState::Queued));
}

async fn copies_waiting_in_an_outbox_are_taken_back_by_a_correction_or_a_cancellation_and_edits_are_kept_once(
    store: Arc<dyn Store>,
) {
    use announcement_helpers::*;
    let now = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap();
    let id = store.announcement_add(&announcement(None, Who::Home, now), Some(&send_job(now)), now).await.unwrap();
    assert!(
        store
            .announcement_set_state(id, &[AnnouncementState::Scheduled], AnnouncementState::Sending, now)
            .await
            .unwrap()
    );
    let (ada, bob, cleo, dan) = (
        someone(&store, "fix-ada").await,
        someone(&store, "fix-bob").await,
        someone(&store, "fix-cleo").await,
        someone(&store, "fix-dan").await,
    );
    let all = [ada, bob, cleo, dan].map(|p| copy(id, p, CopyState::Queued));
    store.recipients_add(&all).await.unwrap();
    // Ada's copy is sent and recorded with Telegram's id; Bob's is on its way (marked); Cleo's
    // waits in the outbox; Dan's was never handed over.
    let channel = "telegram:vicinato";
    for c in &all[..3] {
        assert!(store.outbox_push_once(channel, &[item(&c.chat, "copy")], &c.delivery_key(), now).await.unwrap());
        assert!(handed_one(store.as_ref(), CopyOf::Person(c), now).await);
    }
    let rows = store.outbox_pending(channel, 0, 10).await.unwrap();
    assert_eq!(rows.len(), 3);
    assert!(
        store.copy_settled(Some(rows[0].id), id, ada, &CopyState::Sent, None, Some("77"), 0, None, now).await.unwrap()
    );
    assert!(store.outbox_sending(rows[1].id, now).await.unwrap(), "Bob's is marked");

    let texts = AnnouncementTexts { it: "Mercato domenica".into(), en: None };
    let fix = vicinato::store::NewJob {
        kind: "announcement-correct".into(),
        key: Some(format!("announce-fix:{id}")),
        payload: format!("{{\"announcement\":{id}}}"),
        due_at: now,
        cron: None,
        zone: "UTC".into(),
    };
    assert_eq!(store.announcement_correct(id, &texts, None, &fix, now).await.unwrap(), Some(1));
    let a = store.announcement(id).await.unwrap().unwrap();
    assert_eq!((a.corrections, a.texts.it.as_str()), (1, "Mercato domenica"));
    let state_of = |copies: &[Recipient], p: PersonId| copies.iter().find(|c| c.person == p).unwrap().state.clone();
    let after = store.recipients(id, None, 10).await.unwrap();
    assert_eq!(state_of(&after, ada), CopyState::Sent);
    assert_eq!(state_of(&after, bob), CopyState::Sending, "on its way: it stays");
    assert_eq!(state_of(&after, cleo), CopyState::Queued, "taken back, to go out with the new text");
    assert_eq!(state_of(&after, dan), CopyState::Queued);
    let left: Vec<i64> = store.outbox_pending(channel, 0, 10).await.unwrap().iter().map(|i| i.id).collect();
    assert_eq!(left, [rows[1].id], "only the marked message is still in the outbox");
    assert!(!store.outbox_sending(rows[2].id, now).await.unwrap(), "a sender holding Cleo's sends nothing");
    let cleo_copy = after.iter().find(|c| c.person == cleo).unwrap();
    assert!(
        store
            .outbox_push_once(channel, &[item(&cleo_copy.chat, "fixed")], &cleo_copy.delivery_key(), now)
            .await
            .unwrap(),
        "its delivery key is free again"
    );
    let claimed = store.jobs_claim(now, "test", now + chrono::Duration::minutes(1), 10).await.unwrap();
    assert!(claimed.iter().any(|j| j.key.as_deref() == Some(&format!("announce-fix:{id}"))), "the job is kept");

    // Edits: one per copy sent with the older text, opened once; one too old for its network.
    let cutoff = [(Network::Telegram, now - chrono::Duration::hours(48))];
    assert_eq!(store.edits_open(id, 1, &cutoff, now).await.unwrap(), 1);
    assert_eq!(store.edits_open(id, 1, &cutoff, now).await.unwrap(), 0, "once");
    let to_edit = store.edits(id, 1, &EditState::Queued, 10).await.unwrap();
    assert_eq!(
        to_edit.iter().map(|c| (c.person, c.message_id.clone())).collect::<Vec<_>>(),
        [(ada, Some("77".into()))]
    );
    assert!(store.edit_settled(None, id, ada, 1, &EditState::Sending, now).await.unwrap());
    assert!(store.edit_settled(None, id, ada, 1, &EditState::Sent, now).await.unwrap());
    assert!(!store.edit_settled(None, id, ada, 1, &EditState::Failed("late".into()), now).await.unwrap(), "once");
    let ada_copy = store.recipients(id, Some(&CopyState::Sent), 10).await.unwrap().remove(0);
    assert_eq!(ada_copy.version, 1, "the copy now reads the correction");
    assert_eq!(store.edits_open(id, 1, &cutoff, now).await.unwrap(), 0);
    // Bob's lands with the old text: the next opening gives it an edit; recorded long ago, too
    // old for Telegram.
    let long_ago = now - chrono::Duration::hours(49);
    assert!(
        store
            .copy_settled(Some(rows[1].id), id, bob, &CopyState::Sent, None, Some("78"), 0, None, long_ago)
            .await
            .unwrap()
    );
    assert_eq!(store.edits_open(id, 1, &cutoff, now).await.unwrap(), 1);
    let counts: Vec<_> =
        store.edit_counts(id).await.unwrap().into_iter().map(|c| (c.correction, c.state, c.count)).collect();
    assert_eq!(counts, [(1, "sent".to_owned(), 1), (1, "too_old".to_owned(), 1)]);

    // Cancelling: Cleo's message waits unmarked, Dan's copy is queued: both end cancelled.
    assert!(handed_one(store.as_ref(), CopyOf::Person(cleo_copy), now).await);
    assert!(store.announcement_cancel(id, &format!("announce:{id}"), now).await.unwrap());
    let end = store.recipients(id, None, 10).await.unwrap();
    assert_eq!(
        end.iter().map(|c| (c.person, c.state.clone())).collect::<Vec<_>>(),
        [(ada, CopyState::Sent), (bob, CopyState::Sent), (cleo, CopyState::Cancelled), (dan, CopyState::Cancelled)]
    );
    assert!(store.outbox_pending(channel, 0, 10).await.unwrap().is_empty(), "nothing left to send");
    let counts = store.recipient_counts(id).await.unwrap();
    assert_eq!(counts.iter().filter(|c| c.state == "cancelled").map(|c| c.count).sum::<i64>(), 2);
    let cancelled = AnnouncementTexts { it: "troppo tardi".into(), en: None };
    assert_eq!(store.announcement_correct(id, &cancelled, None, &fix, now).await.unwrap(), None, "not corrected");
}

async fn room_copies_are_kept_once_per_room_recorded_as_their_network_answered_edited_once_and_taken_back_by_a_cancellation(
    store: Arc<dyn Store>,
) {
    use announcement_helpers::*;
    let now = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap();
    let id = store.announcement_add(&announcement(None, Who::Home, now), Some(&send_job(now)), now).await.unwrap();
    let room = |network: Network, chat: &str| RoomCopy {
        announcement: id,
        network,
        channel: format!("{network}:vicinato"),
        chat: chat.into(),
        state: CopyState::Queued,
        sent_at: None,
        message_id: None,
        version: 0,
        edit: None,
    };
    let (general, news, matrix, late) = (
        room(Network::Telegram, "-100"),
        room(Network::Telegram, "-200"),
        room(Network::Matrix, "!r:x"),
        room(Network::Telegram, "-300"),
    );
    let all = [general.clone(), news.clone(), matrix.clone(), late.clone()];
    assert_eq!(store.room_copies_add(&all).await.unwrap(), 4);
    assert_eq!(store.room_copies_add(&all).await.unwrap(), 0, "a room keeps its one copy");
    // Three are handed to bulk lanes; the fourth stays queued.
    let channel = "telegram:vicinato";
    for c in &all[..3] {
        assert!(store.outbox_push_once(channel, &[item(&c.chat, "copy")], &c.delivery_key(), now).await.unwrap());
        assert!(handed_one(store.as_ref(), CopyOf::Room(c), now).await);
        assert!(!handed_one(store.as_ref(), CopyOf::Room(c), now).await, "once");
    }
    let rows = store.outbox_pending(channel, 0, 10).await.unwrap();
    assert_eq!(rows.len(), 3);
    let sent = CopyState::Sent;
    assert!(
        store
            .room_copy_settled(Some(rows[0].id), id, Network::Telegram, "-100", &sent, None, Some("5"), 0, now)
            .await
            .unwrap()
    );
    assert!(
        !store.room_copy_settled(None, id, Network::Telegram, "-100", &sent, None, Some("6"), 0, now).await.unwrap(),
        "recorded once"
    );
    assert!(
        store
            .room_copy_settled(Some(rows[2].id), id, Network::Matrix, "!r:x", &sent, None, Some("$e"), 0, now)
            .await
            .unwrap()
    );
    let by_chat = |copies: &[RoomCopy], chat: &str| copies.iter().find(|c| c.chat == chat).unwrap().clone();
    let now_copies = store.room_copies(id, None, 10).await.unwrap();
    assert_eq!(by_chat(&now_copies, "-100").message_id.as_deref(), Some("5"));
    assert_eq!(store.room_copies(id, Some(&CopyState::Sent), 10).await.unwrap().len(), 2);

    // A correction takes back the copy still waiting in the outbox and frees its key; the sent
    // ones get one edit each, opened once, the Matrix one too.
    let fix = vicinato::store::NewJob {
        kind: "announcement-correct".into(),
        key: Some(format!("announce-fix:{id}")),
        payload: format!("{{\"announcement\":{id}}}"),
        due_at: now,
        cron: None,
        zone: "UTC".into(),
    };
    let texts = AnnouncementTexts { it: "Mercato domenica".into(), en: None };
    assert_eq!(store.announcement_correct(id, &texts, None, &fix, now).await.unwrap(), Some(1));
    let after = store.room_copies(id, None, 10).await.unwrap();
    assert_eq!(by_chat(&after, "-200").state, CopyState::Queued, "taken back");
    assert!(store.outbox_pending(channel, 0, 10).await.unwrap().is_empty());
    assert!(
        store.outbox_push_once(channel, &[item("-200", "fixed")], &news.delivery_key(), now).await.unwrap(),
        "its delivery key is free again"
    );
    let cutoff = [(Network::Telegram, now - chrono::Duration::hours(48))];
    assert_eq!(store.room_edits_open(id, 1, &cutoff, now).await.unwrap(), 2);
    assert_eq!(store.room_edits_open(id, 1, &cutoff, now).await.unwrap(), 0, "once");
    let queued = store.room_edits(id, 1, &EditState::Queued, 10).await.unwrap();
    assert_eq!(queued.iter().map(|c| c.chat.as_str()).collect::<Vec<_>>(), ["!r:x", "-100"]);
    assert!(store.room_edit_settled(None, id, Network::Telegram, "-100", 1, &EditState::Sent, now).await.unwrap());
    assert!(
        !store.room_edit_settled(None, id, Network::Telegram, "-100", 1, &EditState::Sent, now).await.unwrap(),
        "recorded once"
    );
    let edited = by_chat(&store.room_copies(id, None, 10).await.unwrap(), "-100");
    assert_eq!((edited.version, edited.edit), (1, Some((1, EditState::Sent))));

    // Cancelling: the Matrix edit still queued and the copies not on their way are cancelled.
    assert!(handed_one(store.as_ref(), CopyOf::Room(&news), now).await);
    assert!(store.announcement_cancel(id, &format!("announce:{id}"), now).await.unwrap());
    let end = store.room_copies(id, None, 10).await.unwrap();
    assert_eq!(
        end.iter().map(|c| (c.chat.as_str(), c.state.clone())).collect::<Vec<_>>(),
        [
            ("!r:x", CopyState::Sent),
            ("-100", CopyState::Sent),
            ("-200", CopyState::Cancelled),
            ("-300", CopyState::Cancelled)
        ]
    );
    assert_eq!(by_chat(&end, "!r:x").edit, Some((1, EditState::Cancelled)));
    assert!(store.outbox_pending(channel, 0, 10).await.unwrap().is_empty(), "taken back from the outbox");
    let counts: Vec<_> = store
        .room_copy_counts(id)
        .await
        .unwrap()
        .into_iter()
        .map(|c| (c.network.as_str().to_owned(), c.state, c.count))
        .collect();
    assert_eq!(
        counts,
        [
            ("matrix".to_owned(), "sent".to_owned(), 1),
            ("telegram".to_owned(), "cancelled".to_owned(), 2),
            ("telegram".to_owned(), "sent".to_owned(), 1)
        ]
    );

    // A Matrix person's copy keeps the room it was sent in.
    let ada = someone(&store, "room-ada").await;
    store.recipients_add(&[copy(id, ada, CopyState::Queued)]).await.unwrap();
    assert!(
        store.copy_settled(None, id, ada, &CopyState::Sent, None, Some("$a"), 0, Some("!dm:x"), now).await.unwrap()
    );
    let kept = store.recipients(id, Some(&CopyState::Sent), 10).await.unwrap().remove(0);
    assert_eq!(kept.room.as_deref(), Some("!dm:x"));
}

async fn room_settings_escalations_and_members_seen_are_kept_and_erased_with_the_person(store: Arc<dyn Store>) {
    use vicinato::domain::Lang;
    use vicinato::domain::rooms::{Escalation, ModEntry, Protections, RoomSettings};
    let now = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap();
    let ada = store.person_for_account(&Account::new(Network::Telegram, "1"), "Ada", now).await.unwrap();
    let t = TerritoryId::new("centocelle");
    let entry = |action: &str| ModEntry {
        at: now,
        actor: Some(ada.id),
        subject: None,
        action: action.into(),
        reason: String::new(),
        territory: t.clone(),
        network: Some(Network::Telegram),
        chat: Some("-1".into()),
        until: None,
    };
    assert_eq!(store.room_settings(Network::Telegram, "-1").await.unwrap(), None);
    let set = RoomSettings {
        protections: Protections { flood_messages: 3, flood_seconds: 20, hold_links: true },
        langs: vec![Lang::It, Lang::En],
    };
    store.room_settings_set(Network::Telegram, "-1", &set, &entry("protect")).await.unwrap();
    let again = RoomSettings { langs: vec![Lang::It], ..set.clone() };
    store.room_settings_set(Network::Telegram, "-1", &again, &entry("room-lang")).await.unwrap();
    assert_eq!(store.room_settings(Network::Telegram, "-1").await.unwrap(), Some(again));
    assert_eq!(store.room_settings(Network::Matrix, "-1").await.unwrap(), None, "per network");
    // Escalations per territory: set, replaced, cleared.
    let roma = TerritoryId::new("roma-m05");
    let e = Escalation { warnings: 2, window_days: 14, mute_hours: 12, ban_days: 3 };
    store.escalation_set(&roma, Some(&e), &entry("escalation")).await.unwrap();
    store.escalation_set(&t, Some(&Escalation::default()), &entry("escalation")).await.unwrap();
    assert_eq!(
        store.escalations(&[t.clone(), roma.clone(), TerritoryId::new("ostia")]).await.unwrap(),
        vec![(t.clone(), Escalation::default()), (roma.clone(), e)]
    );
    store.escalation_set(&t, None, &entry("escalation")).await.unwrap();
    assert_eq!(store.escalations(&[t.clone(), roma.clone()]).await.unwrap(), vec![(roma.clone(), e)]);
    assert!(store.escalations(&[]).await.unwrap().is_empty());
    assert_eq!(store.moderation_log(std::slice::from_ref(&t), 10).await.unwrap().len(), 5);
    // Messages seen count per member and room, at once too.
    let (a, b) = tokio::join!(
        store.room_member_seen(Network::Telegram, "-1", "1"),
        store.room_member_seen(Network::Telegram, "-1", "1")
    );
    let mut both = [a.unwrap(), b.unwrap()];
    both.sort();
    assert_eq!(both, [1, 2]);
    assert_eq!(store.room_member_seen(Network::Telegram, "-1", "1").await.unwrap(), 3);
    assert_eq!(store.room_member_seen(Network::Telegram, "-2", "1").await.unwrap(), 1);
    assert_eq!(store.room_member_seen(Network::Telegram, "-1", "2").await.unwrap(), 1);
    // Erasing Ada takes what was counted of her, and only that.
    store.erase_person(ada.id).await.unwrap();
    assert_eq!(store.room_member_seen(Network::Telegram, "-1", "1").await.unwrap(), 1);
    assert_eq!(store.room_member_seen(Network::Telegram, "-1", "2").await.unwrap(), 2);
}
