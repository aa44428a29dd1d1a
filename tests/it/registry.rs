//! The module registry gates everything a module brings: on a bot without a module, every
//! command (by each of its names), every button kind and every intent of that module gets
//! the module's "not available here" answer, and help and the menu leave it out.

use crate::support::*;
use std::sync::Arc;
use vicinato::conversation::registry::{MODULES, Module};
use vicinato::conversation::understand::Intent;
use vicinato::conversation::{Block, Body, Engine, Inbound};
use vicinato::domain::{Lang, Network};

/// A sentence that is understood as each intent an optional module owns.
fn example_of(intent: Intent) -> &'static str {
    match intent {
        Intent::Book => "vorrei prenotare la sala grande martedì alle 15",
        Intent::Free => "cosa è libero sabato a Centocelle?",
        Intent::Propose => "vorrei proporre un'iniziativa",
        Intent::Initiatives => "cosa succede questa settimana nel quartiere?",
        Intent::JoinRooms => "voglio entrare nel gruppo del mio quartiere",
        other => panic!("no example sentence for {other:?}: add one here"),
    }
}

async fn first_message_id(engine: &Engine, body: Body) -> String {
    let mut inbound = Inbound::direct_text(Network::Console, "ada", "");
    inbound.body = body;
    inbound.lang_hint = Some(Lang::It);
    let outcome = engine.handle(inbound).await;
    match outcome.replies.first().and_then(|r| r.blocks.first()) {
        Some(Block::Say(msg)) => msg.id.clone(),
        other => panic!("no message: {other:?}"),
    }
}

async fn bot_without(module: &Module) -> (Arc<Engine>, tempfile::TempDir) {
    let (store, dir) = sqlite_store().await;
    store.replace_dataset(&vicinato::demo::lazio().unwrap()).await.unwrap();
    // Well over 40 messages a minute from one person: no rate limit here.
    let settings = vicinato::conversation::ConversationSettings {
        limits: vicinato::conversation::limits::Limits::off(),
        ..Default::default()
    };
    let (engine, _clock) = engine_with(store, saturday_morning(), settings).await;
    let others: Vec<String> = MODULES.iter().filter(|m| m.name != module.name).map(|m| m.name.to_owned()).collect();
    let engine = Arc::try_unwrap(engine).ok().expect("one owner").with_modules(&others);
    (Arc::new(engine), dir)
}

#[tokio::test]
async fn every_command_button_and_intent_of_a_module_a_bot_lacks_is_not_available_there() {
    let optional: Vec<&Module> = MODULES.into_iter().filter(|m| m.optional).collect();
    assert!(optional.len() >= 2, "booking and initiatives can be left out");
    for module in optional {
        let (engine, _dir) = bot_without(module).await;
        assert!(!engine.offers_module(module));
        for spec in module.commands {
            for name in std::iter::once(&spec.name).chain(spec.aliases) {
                let id = first_message_id(&engine, Body::Text(format!("/{name}"))).await;
                assert_eq!(id, module.not_available, "/{name} on a bot without {}", module.name);
            }
        }
        for kind in module.buttons {
            for payload in [format!("{kind}:1"), format!("{kind}:"), (*kind).to_owned()] {
                let id = first_message_id(&engine, Body::Button(payload.clone())).await;
                assert_eq!(id, module.not_available, "button {payload} on a bot without {}", module.name);
            }
        }
        for intent in module.intents {
            let id = first_message_id(&engine, Body::Text(example_of(*intent).to_owned())).await;
            assert_eq!(id, module.not_available, "{intent:?} on a bot without {}", module.name);
        }
    }
}

#[tokio::test]
async fn the_example_sentences_are_understood_as_their_intents_on_a_bot_with_every_module() {
    let (engine, _dir) = app_engine().await;
    for module in MODULES.into_iter().filter(|m| m.optional) {
        for intent in module.intents {
            let understood = engine.snapshot().understander.understand(example_of(*intent), Lang::It);
            // Naming a bookable space is asking for it, whatever the words say.
            let book = *intent == Intent::Book && understood.intent == Intent::FindService;
            assert!(understood.intent == *intent || book, "{:?} understood as {:?}", intent, understood.intent);
        }
    }
}

#[tokio::test]
async fn help_names_only_the_modules_a_bot_offers() {
    for module in MODULES.into_iter().filter(|m| m.optional) {
        let (engine, _dir) = bot_without(module).await;
        let mut inbound = Inbound::direct_text(Network::Console, "ada", "/help");
        inbound.lang_hint = Some(Lang::It);
        let ids: Vec<String> = engine
            .handle(inbound)
            .await
            .replies
            .iter()
            .flat_map(|r| r.blocks.iter())
            .filter_map(|b| if let Block::Say(m) = b { Some(m.id.clone()) } else { None })
            .collect();
        for line in module.help {
            assert!(!ids.contains(&line.id.to_owned()), "{} in help without {}", line.id, module.name);
        }
        assert!(ids.contains(&"help-resident".to_owned()));
    }
}

async fn app_engine() -> (Arc<Engine>, tempfile::TempDir) {
    let (store, dir) = sqlite_store().await;
    store.replace_dataset(&vicinato::demo::lazio().unwrap()).await.unwrap();
    let (engine, _clock) = engine_on(store, saturday_morning()).await;
    (engine, dir)
}

#[tokio::test]
async fn the_jobs_the_chat_layer_registers_are_exactly_those_its_modules_declare() {
    let (engine, _dir) = app_engine().await;
    let mut scheduler = vicinato::scheduler::Scheduler::new(
        engine.store().clone(),
        Arc::new(vicinato::clock::ManualClock::new(saturday_morning())),
        "test",
        Arc::new(tokio::sync::Notify::new()),
    );
    vicinato::conversation::register_jobs(&mut scheduler, engine.clone());
    let mut declared: Vec<&str> = MODULES.iter().flat_map(|m| m.jobs.iter().copied()).collect();
    declared.sort_unstable();
    assert_eq!(scheduler.kinds(), declared);
}
