//! A community-run service, accepted as an initiative, joins the directory with origin
//! "community": offered at the welfare house of its territory, found by search like any other.
//! Adding it twice changes nothing.

use crate::Engine;
use vicinato_domain::initiative::Initiative;
use vicinato_domain::*;

/// The organization community services belong to.
const COMMUNITY_ORG: &str = "community";

pub async fn add(engine: &Engine, ini: &Initiative) -> anyhow::Result<()> {
    let store = engine.store();
    let snapshot = engine.snapshot();
    let service_id = ServiceId::new(format!("community-initiative-{}", ini.id));
    let mut ds = store.dataset().await?;
    if ds.services.iter().any(|s| s.id == service_id) {
        return Ok(());
    }
    let tree = &snapshot.tree;
    // The welfare house in the territory, else the one of the nearest territory above it.
    let house = snapshot
        .houses
        .iter()
        .find(|h| tree.contains(&ini.territory, &h.territory))
        .or_else(|| {
            tree.ancestors_and_self(&ini.territory)
                .into_iter()
                .find_map(|t| snapshot.houses.iter().find(|h| tree.contains(&t.id, &h.territory)))
        })
        .ok_or_else(|| anyhow::anyhow!("no welfare house serves territory {}", ini.territory))?;
    let org = OrganizationId::new(COMMUNITY_ORG);
    if !ds.organizations.iter().any(|o| o.id == org) {
        ds.organizations.push(Organization {
            id: org.clone(),
            name: "Comunità".into(),
            description: "Services proposed and run by residents, accepted through Vicinato.".into(),
            contacts: Contacts::default(),
        });
    }
    let category =
        ini.content.theme.as_deref().map(CategoryCode::new).filter(|c| ds.categories.iter().any(|k| &k.code == c));
    let today = engine.clock().now().date_naive();
    ds.services.push(Service {
        id: service_id.clone(),
        organization: org,
        texts: ServiceTexts {
            name: ini.content.title.clone(),
            description: ini.content.description.clone(),
            eligibility: String::new(),
            fees: String::new(),
            application_process: ini.content.place.clone().unwrap_or_default(),
        },
        translations: Default::default(),
        categories: category.into_iter().collect(),
        status: ServiceStatus::Active,
        min_age: None,
        max_age: None,
        languages: Vec::new(),
        contacts: Contacts::default(),
        verified: Some(today),
        origin: Origin::Community,
        demo: false,
        terms: Vec::new(),
    });
    ds.service_at_locations.push(ServiceAtLocation {
        id: ServiceAtLocationId::new(format!("community-initiative-{}-at-{}", ini.id, house.id)),
        service: service_id,
        location: house.id.clone(),
        schedule: house.hours.clone(),
    });
    store.replace_dataset(&ds).await?;
    engine.reload_directory().await?;
    tracing::info!(initiative = %ini.id, house = %house.id, "community service added to the directory");
    Ok(())
}
