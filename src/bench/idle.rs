//! `vicinato bench idle`: what `vicinato serve` costs when nothing happens. The serve runs as
//! its own process (this binary, started with `serve`), with one bot on both networks: Telegram
//! through the Bot API test server (in this process) and Matrix through a Synapse started for
//! the run. Once `/readyz` says both are connected and a resident on each network has been
//! answered, the process is left alone and read from `/proc`: its resident memory, the CPU
//! time it used and its threads; the test server counts the requests it made meanwhile. Needs
//! the test peers: built with `testkit` only.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use vicinato_testkit::synapse::Synapse;
use vicinato_testkit::telegram::TestServer;

const TOKEN: &str = "4343:IDLE";
const PASSWORD: &str = "bench-idle-password";

/// The figures of a run.
#[derive(Debug, Clone)]
pub struct IdleFigures {
    /// From the start of the process to `/readyz` answering ready.
    pub ready_after: Duration,
    pub measured: Duration,
    pub rss_start_mib: f64,
    pub rss_end_mib: f64,
    /// The highest resident memory seen during the measured time (sampled every second).
    pub rss_peak_mib: f64,
    /// CPU time (user and system) the process used in the measured time.
    pub cpu: Duration,
    pub cpu_percent: f64,
    pub threads: u64,
    /// Requests the bot made to the Bot API test server while idle.
    pub telegram_calls: usize,
    pub telegram_polls: usize,
}

/// Resident memory (MiB) and threads of a process.
fn status_of(pid: u32) -> Option<(f64, u64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| {
        status.lines().find(|l| l.starts_with(name)).and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
    };
    Some((field("VmRSS:")? as f64 / 1024.0, field("Threads:")?))
}

/// CPU time used by a process so far (user and system), from `/proc/PID/stat`.
fn cpu_of(pid: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may hold spaces: the fields are counted after its closing parenthesis.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let (utime, stime): (u64, u64) = (fields.get(11)?.parse().ok()?, fields.get(12)?.parse().ok()?);
    // Clock ticks: 100 a second on Linux.
    Some(Duration::from_millis((utime + stime) * 10))
}

/// The serve process, stopped (TERM, then KILL) when dropped.
struct Serve(std::process::Child);

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = Command::new("kill").arg("-TERM").arg(self.0.id().to_string()).status();
        for _ in 0..100 {
            if self.0.try_wait().ok().flatten().is_some() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub async fn idle(measure: Duration, tmp: &Path) -> anyhow::Result<IdleFigures> {
    let hs = tokio::task::spawn_blocking(Synapse::start)
        .await?
        .ok_or_else(|| anyhow::anyhow!("Synapse is not available: run scripts/synapse install"))?;
    hs.register("idlebot", PASSWORD).await?;
    let resident_token = hs.register("idleres", PASSWORD).await?;
    let server = TestServer::start(TOKEN).await?;
    let dir = tmp.join("idle");
    std::fs::create_dir_all(dir.join("bots"))?;
    std::fs::write(
        dir.join("bots/lazio.toml"),
        format!(
            "name = \"Vicinato Lazio\"\ndefault_language = \"it\"\nmodules = [\"directory\", \"booking\", \"initiatives\"]\n\n\
             [telegram]\ntoken_env = \"IDLE_TG_TOKEN\"\napi_url = \"{}\"\n\n\
             [matrix]\nhomeserver = \"{}\"\nuser_env = \"IDLE_MX_USER\"\npassword_env = \"IDLE_MX_PASSWORD\"\n",
            server.url, hs.url
        ),
    )?;
    let port = vicinato_testkit::net::free_port()?;
    let log = std::fs::File::create(dir.join("serve.log"))?;
    let started = Instant::now();
    let child = Command::new(std::env::current_exe()?)
        .args(["serve", "--db", &format!("sqlite:{}/vicinato.db", dir.display())])
        .current_dir(&dir)
        .env("IDLE_TG_TOKEN", TOKEN)
        .env("IDLE_MX_USER", hs.user_id("idlebot"))
        .env("IDLE_MX_PASSWORD", PASSWORD)
        .env("VICINATO_SERVER__LISTEN", format!("127.0.0.1:{port}"))
        .env_remove("VICINATO_DATABASE__URL")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()?;
    let serve = Serve(child);
    let pid = serve.0.id();
    while !vicinato_testkit::net::http_get_ok(port, "/readyz") {
        anyhow::ensure!(
            started.elapsed() < Duration::from_secs(180),
            "vicinato serve was not ready in 3 minutes; see {}",
            dir.join("serve.log").display()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let ready_after = started.elapsed();

    // One resident on each network is answered, as after a little use.
    let user = server.user(7001, "Rosa", Some("it"));
    server.user_says(&user, "/start");
    server
        .nth_message(user.id, 1, Duration::from_secs(60))
        .await
        .ok_or_else(|| anyhow::anyhow!("the Telegram bot did not answer /start"))?;
    server.user_says(&user, "mensa a Centocelle");
    server
        .nth_message(user.id, 2, Duration::from_secs(60))
        .await
        .ok_or_else(|| anyhow::anyhow!("the Telegram bot did not answer a question"))?;
    let bot_id = hs.user_id("idlebot");
    let room = hs.open_direct_chat(&resident_token, &bot_id).await?;
    let path = format!("/_matrix/client/v3/rooms/{room}/send/m.room.message/idle1");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if hs.joined_members(&resident_token, &room).await?.contains(&bot_id) {
            break;
        }
        anyhow::ensure!(Instant::now() < deadline, "the Matrix bot did not join the resident's chat");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let body = serde_json::json!({"msgtype": "m.text", "body": "ciao"});
    hs.call("PUT", &path, Some(&resident_token), Some(&body)).await?;
    loop {
        if !hs.messages_from(&resident_token, &room, &bot_id, 20).await?.is_empty() {
            break;
        }
        anyhow::ensure!(Instant::now() < deadline, "the Matrix bot did not answer");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Let the replies' bookkeeping finish, then measure.
    tokio::time::sleep(Duration::from_secs(5)).await;
    let (rss_start_mib, _) = status_of(pid).ok_or_else(|| anyhow::anyhow!("cannot read /proc/{pid}"))?;
    let cpu_before = cpu_of(pid).unwrap_or_default();
    let (calls_before, polls_before) = (server.total_calls(), server.call_count("getUpdates"));
    let t0 = Instant::now();
    let mut peak = rss_start_mib;
    let mut threads = 0;
    while t0.elapsed() < measure {
        tokio::time::sleep(Duration::from_secs(1)).await;
        if let Some((rss, t)) = status_of(pid) {
            peak = peak.max(rss);
            threads = t;
        } else {
            anyhow::bail!("vicinato serve stopped while idle; see {}", dir.join("serve.log").display());
        }
    }
    let measured = t0.elapsed();
    let cpu = cpu_of(pid).unwrap_or_default().saturating_sub(cpu_before);
    let (rss_end_mib, _) = status_of(pid).unwrap_or((peak, threads));
    let figures = IdleFigures {
        ready_after,
        measured,
        rss_start_mib,
        rss_end_mib,
        rss_peak_mib: peak,
        cpu,
        cpu_percent: cpu.as_secs_f64() / measured.as_secs_f64() * 100.0,
        threads,
        telegram_calls: server.total_calls() - calls_before,
        telegram_polls: server.call_count("getUpdates") - polls_before,
    };
    drop(serve);
    Ok(figures)
}
