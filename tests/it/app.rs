//! The composition root: what `serve` wires for a set of bot profiles (an engine per bot, a
//! courier per bot and network, every job kind the conversation layer declares) is what the
//! tests' [`spawn_app`] wires, because both build through `vicinato::app::App::build`.

use crate::support::*;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use vicinato::config::{BotProfile, Config};
use vicinato::courier::CapturingCourier;
use vicinato::domain::{Lang, Network};
use vicinato_testkit::telegram::TestServer;

/// Every job kind the conversation layer declares, in the module registry.
pub fn declared_job_kinds() -> Vec<String> {
    let mut kinds: Vec<String> =
        vicinato::conversation::registry::MODULES.iter().flat_map(|m| m.jobs.iter().map(|j| (*j).to_owned())).collect();
    kinds.sort();
    kinds
}

/// A bot profile in `dir`, on Telegram at `api_url` when given, on Matrix at `homeserver` when
/// given (with `<NAME>_MATRIX_USER` and `<NAME>_MATRIX_PASSWORD`).
pub fn profile(
    dir: &std::path::Path,
    name: &str,
    lang: &str,
    api_url: Option<&str>,
    homeserver: Option<&str>,
) -> BotProfile {
    let upper = name.to_uppercase();
    let mut text = format!("name = \"{name}\"\ndefault_language = \"{lang}\"\nmodules = [\"directory\"]\n");
    if let Some(url) = api_url {
        text.push_str(&format!("\n[telegram]\ntoken_env = \"{upper}_TOKEN\"\napi_url = \"{url}\"\n"));
    }
    if let Some(hs) = homeserver {
        let data = dir.join(format!("matrix-{name}"));
        text.push_str(&format!(
            "\n[matrix]\nhomeserver = \"{hs}\"\nuser_env = \"{upper}_MATRIX_USER\"\n\
             password_env = \"{upper}_MATRIX_PASSWORD\"\ndata_dir = \"{}\"\n",
            data.display()
        ));
    }
    BotProfile::parse(&dir.join(format!("bots/{name}.toml")), &text).expect("a valid profile")
}

/// The configuration of a process on a SQLite file in `dir`.
pub fn config_in(dir: &std::path::Path) -> Config {
    let url = format!("sqlite:{}/vicinato.db", dir.display());
    Config::load(None, [("VICINATO_DATABASE__URL".to_owned(), url), listen_anywhere()]).expect("config")
}

/// The setting that makes the operators' endpoint listen on a free loopback port, so that
/// processes of parallel tests do not compete for the default one.
pub fn listen_anywhere() -> (String, String) {
    ("VICINATO_SERVER__LISTEN".to_owned(), "127.0.0.1:0".to_owned())
}

#[tokio::test]
async fn the_app_the_tests_spawn_registers_every_job_kind_the_conversation_layer_declares() {
    let (store, _dir) = sqlite_store().await;
    let (app, _) = spawn_app(store, saturday_morning(), Options::default()).await;
    assert_eq!(app.job_kinds(), declared_job_kinds());
}

#[tokio::test]
async fn the_app_builds_one_engine_per_bot_with_its_language_and_modules_and_every_engine_reaches_every_courier() {
    let dir = tempfile::tempdir().unwrap();
    let bots = [
        profile(dir.path(), "alpha", "it", Some("http://127.0.0.1:9"), None),
        profile(dir.path(), "beta", "en", Some("http://127.0.0.1:9"), None),
        profile(dir.path(), "alpha", "it", None, Some("http://127.0.0.1:9")),
    ];
    let (a, b) = (
        CapturingCourier::for_channel(Network::Telegram, "telegram:alpha"),
        CapturingCourier::for_channel(Network::Telegram, "telegram:beta"),
    );
    let options = vicinato::app::Options { couriers: vec![a.clone()], ..Default::default() };
    let mut app = vicinato::app::App::build(&config_in(dir.path()), &bots, options).await.expect("the app builds");
    app.add_courier(b.clone());
    let keys: Vec<String> = app.bots.iter().map(|bot| bot.profile.key()).collect();
    assert_eq!(keys, ["alpha", "beta"], "a bot on two networks is one bot");
    let alpha = app.engine_for("alpha").unwrap();
    let beta = app.engine_for("beta").unwrap();
    assert!(Arc::ptr_eq(&app.engine, &alpha), "jobs run through the first bot's engine");
    assert_eq!((alpha.settings().default_lang, beta.settings().default_lang), (Lang::It, Lang::En));
    assert!(alpha.offers("directory") && !alpha.offers("booking"));
    let channels = |e: &vicinato::conversation::Engine| e.couriers().channels();
    let both = vec![(Network::Telegram, "telegram:alpha".to_owned()), (Network::Telegram, "telegram:beta".to_owned())];
    assert_eq!(channels(&alpha), both);
    assert_eq!(channels(&beta), both);
    assert_eq!(app.couriers().channels(), both);
    assert_eq!(app.job_kinds(), declared_job_kinds());
}

#[tokio::test]
async fn serve_and_the_tests_spawned_app_wire_the_same_job_kinds_and_one_courier_per_bot() {
    let _ = tracing_subscriber::fmt().with_env_filter("warn,vicinato=debug").with_test_writer().try_init();
    let first = TestServer::start("1:FIRST-token").await.unwrap();
    let second = TestServer::start("2:SECOND-token").await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let bots = vec![
        profile(dir.path(), "alpha", "it", Some(&first.url), None),
        profile(dir.path(), "beta", "en", Some(&second.url), None),
    ];
    let plan = vicinato::serve::plan(&bots, |k| match k {
        "ALPHA_TOKEN" => Some("1:FIRST-token".into()),
        "BETA_TOKEN" => Some("2:SECOND-token".into()),
        _ => None,
    });
    let (stop, rx) = watch::channel(false);
    let running = vicinato::serve::start(&config_in(dir.path()), &bots, plan, rx).await.expect("both bots start");
    let channels = running.couriers.channels();
    assert_eq!(
        channels,
        [(Network::Telegram, "telegram:alpha".to_owned()), (Network::Telegram, "telegram:beta".to_owned())]
    );
    let served_kinds = running.job_kinds.clone();
    stop.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(30), running.wait()).await.expect("serve stops").expect("cleanly");
    let (store, _db) = sqlite_store().await;
    let (spawned, _) = spawn_app(store, saturday_morning(), Options::default()).await;
    assert_eq!(served_kinds, spawned.job_kinds(), "serve and the tests register the same jobs");
    assert_eq!(served_kinds, declared_job_kinds());
}
