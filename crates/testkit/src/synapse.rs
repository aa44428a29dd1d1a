//! A real Matrix homeserver for the tests and the benchmarks: Synapse from PyPI in a virtualenv
//! cached outside the repository (`~/.cache/vicinato/synapse-<version>`, installed on first
//! use), started on 127.0.0.1 with SQLite and a fresh folder, stopped when dropped, and killed
//! by a watchdog if the process that started it dies first. Its rate limits are lifted except
//! for messages, which a caller can limit ([`Synapse::start_with_message_rate`]).
//!
//! Without Python or PyPI it is not started and callers skip with a message, unless
//! VICINATO_REQUIRE_SYNAPSE is set (as CI sets it): then it is an error.
//!
//! A few client calls over plain HTTP ([`Synapse::register`], [`Synapse::open_direct_chat`],
//! [`Synapse::call`]) let a caller stand in for many residents without a Matrix client each.

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub const SYNAPSE_VERSION: &str = "1.163.2";

static INSTALL: Mutex<()> = Mutex::new(());

fn required() -> bool {
    std::env::var("VICINATO_REQUIRE_SYNAPSE").is_ok()
}

/// The virtualenv with Synapse, installed when missing; `None` when it cannot be had.
fn venv() -> Option<PathBuf> {
    let _once = INSTALL.lock().unwrap_or_else(|e| e.into_inner());
    let dir = match std::env::var("VICINATO_SYNAPSE_VENV") {
        Ok(d) if !d.is_empty() => PathBuf::from(d),
        _ => {
            let home = std::env::var("HOME").unwrap_or_else(|_| "/tmp".into());
            PathBuf::from(home).join(".cache/vicinato").join(format!("synapse-{SYNAPSE_VERSION}"))
        }
    };
    let python = dir.join("bin/python");
    let ready = |py: &Path| {
        Command::new(py)
            .args(["-c", "import synapse"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if ready(&python) {
        return Some(dir);
    }
    eprintln!("installing Synapse {SYNAPSE_VERSION} into {} (once)", dir.display());
    let made = Command::new("python3").args(["-m", "venv"]).arg(&dir).status().is_ok_and(|s| s.success());
    let installed = made
        && Command::new(dir.join("bin/pip"))
            .args(["install", "--quiet", &format!("matrix-synapse=={SYNAPSE_VERSION}")])
            .status()
            .is_ok_and(|s| s.success());
    if installed && ready(&python) {
        Some(dir)
    } else {
        assert!(
            !required(),
            "VICINATO_REQUIRE_SYNAPSE is set but Synapse could not be installed into {}",
            dir.display()
        );
        None
    }
}

/// A running Synapse.
pub struct Synapse {
    venv: PathBuf,
    dir: tempfile::TempDir,
    pub port: u16,
    pub url: String,
    pub server_name: String,
    child: Option<Child>,
}

impl Synapse {
    /// Starts a fresh homeserver, or `None` (after saying why) when Synapse is unavailable.
    pub fn start() -> Option<Self> {
        Self::start_with_message_rate(1000.0, 1000)
    }

    /// [`Synapse::start`] with messages limited per user (`rc_message`): `per_second` with bursts
    /// of `burst`, so a test can make the homeserver answer 429 `M_LIMIT_EXCEEDED`.
    pub fn start_with_message_rate(per_second: f64, burst: u32) -> Option<Self> {
        let Some(venv) = venv() else {
            eprintln!("skipped: Synapse is not available (set VICINATO_REQUIRE_SYNAPSE to make this an error)");
            return None;
        };
        let dir = tempfile::tempdir().unwrap();
        let port = crate::net::free_port().expect("a free port on 127.0.0.1");
        let server_name = "vicinato.test".to_owned();
        let d = dir.path().display();
        let config = format!(
            r#"server_name: "{server_name}"
pid_file: {d}/homeserver.pid
listeners:
  - port: {port}
    bind_addresses: ['127.0.0.1']
    type: http
    tls: false
    x_forwarded: false
    resources:
      - names: [client]
        compress: false
database:
  name: sqlite3
  args:
    database: {d}/homeserver.db
log_config: {d}/log.yaml
media_store_path: {d}/media
signing_key_path: {d}/signing.key
registration_shared_secret: "vicinato-tests"
enable_registration: true
enable_registration_without_verification: true
report_stats: false
trusted_key_servers: []
suppress_key_server_warning: true
url_preview_enabled: false
enable_metrics: false
presence:
  enabled: false
bcrypt_rounds: 4
default_room_version: "11"
rc_message: {{per_second: {per_second}, burst_count: {burst}}}
rc_registration: {{per_second: 1000, burst_count: 1000}}
rc_login:
  address: {{per_second: 1000, burst_count: 1000}}
  account: {{per_second: 1000, burst_count: 1000}}
  failed_attempts: {{per_second: 1000, burst_count: 1000}}
rc_joins:
  local: {{per_second: 1000, burst_count: 1000}}
  remote: {{per_second: 1000, burst_count: 1000}}
rc_invites:
  per_room: {{per_second: 1000, burst_count: 1000}}
  per_user: {{per_second: 1000, burst_count: 1000}}
rc_room_creation: {{per_second: 1000, burst_count: 1000}}
rc_key_requests: {{per_second: 1000, burst_count: 1000}}
"#
        );
        std::fs::write(dir.path().join("homeserver.yaml"), config).unwrap();
        std::fs::write(
            dir.path().join("log.yaml"),
            format!(
                "version: 1\nformatters:\n  f:\n    format: '%(asctime)s %(levelname)s %(name)s %(message)s'\n\
                 handlers:\n  file:\n    class: logging.FileHandler\n    filename: {d}/homeserver.log\n    formatter: f\n\
                 root:\n  level: WARNING\n  handlers: [file]\ndisable_existing_loggers: false\n"
            ),
        )
        .unwrap();
        let keys = Command::new(venv.join("bin/python"))
            .args(["-m", "synapse.app.homeserver", "-c"])
            .arg(dir.path().join("homeserver.yaml"))
            .arg("--generate-keys")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap();
        assert!(keys.success(), "Synapse could not generate its keys");
        let mut s = Self { venv, dir, port, url: format!("http://127.0.0.1:{port}"), server_name, child: None };
        s.spawn();
        Some(s)
    }

    /// Starts the process (again), watched so it dies with the test process, and waits until
    /// it answers.
    fn spawn(&mut self) {
        let config = self.dir.path().join("homeserver.yaml");
        let script = format!(
            "{py} -m synapse.app.homeserver -c {cfg} >{log} 2>&1 & S=$!; trap 'kill $S; wait $S; exit 0' TERM; \
             while kill -0 {parent} 2>/dev/null && kill -0 $S 2>/dev/null; do sleep 0.5; done; kill $S 2>/dev/null; wait $S",
            py = self.venv.join("bin/python").display(),
            cfg = config.display(),
            log = self.dir.path().join("stdout.log").display(),
            parent = std::process::id(),
        );
        let child = Command::new("sh").arg("-c").arg(script).spawn().expect("start Synapse");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if crate::net::http_get_ok(self.port, "/_matrix/client/versions") {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let log = std::fs::read_to_string(self.dir.path().join("stdout.log")).unwrap_or_default();
        panic!("Synapse did not start in 60 s: {log}");
    }

    /// Stops the homeserver (SIGTERM) and waits for it to go.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = Command::new("kill").arg("-TERM").arg(child.id().to_string()).status();
            let _ = child.wait();
        }
    }

    /// Starts it again after [`Synapse::stop`], with the same data.
    pub fn start_again(&mut self) {
        self.stop();
        self.spawn();
    }

    pub fn user_id(&self, localpart: &str) -> String {
        format!("@{localpart}:{}", self.server_name)
    }

    /// One client call as the holder of `token` (`None`: anonymously), JSON in and out, over
    /// HTTP/1.0 so the answer comes whole: its status and body (`Null` when it is not JSON).
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> std::io::Result<(u16, Value)> {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let body = body.map(Value::to_string).unwrap_or_default();
        let auth = token.map(|t| format!("Authorization: Bearer {t}\r\n")).unwrap_or_default();
        let request = format!(
            "{method} {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n{auth}Content-Type: application/json\r\n\
             Content-Length: {}\r\n\r\n{body}",
            body.len()
        );
        let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", self.port)).await?;
        stream.write_all(request.as_bytes()).await?;
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).await?;
        let text = String::from_utf8_lossy(&answer);
        let status = text
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| failure(format!("no HTTP status in the answer to {method} {path}")))?;
        let json = text.split_once("\r\n\r\n").and_then(|(_, b)| serde_json::from_str(b).ok()).unwrap_or(Value::Null);
        Ok((status, json))
    }

    /// Registers `localpart` with `password` (open registration, one dummy stage) and returns
    /// the access token of its first login.
    pub async fn register(&self, localpart: &str, password: &str) -> std::io::Result<String> {
        let mut body = json!({"username": localpart, "password": password, "auth": {"type": "m.login.dummy"}});
        for _ in 0..2 {
            let (status, answer) = self.call("POST", "/_matrix/client/v3/register", None, Some(&body)).await?;
            if status == 200 {
                return answer["access_token"]
                    .as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| failure(format!("no access token for {localpart}: {answer}")));
            }
            match answer["session"].as_str() {
                Some(session) if status == 401 => body["auth"]["session"] = session.into(),
                _ => return Err(failure(format!("cannot register {localpart}: {status} {answer}"))),
            }
        }
        Err(failure(format!("cannot register {localpart}: the dummy stage was not taken")))
    }

    /// Opens a direct chat as the holder of `token`, inviting `with`; its room id.
    pub async fn open_direct_chat(&self, token: &str, with: &str) -> std::io::Result<String> {
        let body = json!({"invite": [with], "is_direct": true, "preset": "trusted_private_chat"});
        let (status, answer) = self.call("POST", "/_matrix/client/v3/createRoom", Some(token), Some(&body)).await?;
        match answer["room_id"].as_str() {
            Some(room) if status == 200 => Ok(room.to_owned()),
            _ => Err(failure(format!("cannot open a direct chat with {with}: {status} {answer}"))),
        }
    }

    /// The members who have joined a room, as the holder of `token` sees them.
    pub async fn joined_members(&self, token: &str, room: &str) -> std::io::Result<Vec<String>> {
        let path = format!("/_matrix/client/v3/rooms/{room}/joined_members");
        let (status, answer) = self.call("GET", &path, Some(token), None).await?;
        match answer["joined"].as_object() {
            Some(joined) if status == 200 => Ok(joined.keys().cloned().collect()),
            _ => Err(failure(format!("cannot read the members of {room}: {status} {answer}"))),
        }
    }

    /// The bodies of the messages `sender` sent among a room's latest `limit` events, newest
    /// first, as the holder of `token` sees them.
    pub async fn messages_from(
        &self,
        token: &str,
        room: &str,
        sender: &str,
        limit: u32,
    ) -> std::io::Result<Vec<String>> {
        let path = format!("/_matrix/client/v3/rooms/{room}/messages?dir=b&limit={limit}");
        let (status, answer) = self.call("GET", &path, Some(token), None).await?;
        let Some(chunk) = answer["chunk"].as_array().filter(|_| status == 200) else {
            return Err(failure(format!("cannot read the messages of {room}: {status} {answer}")));
        };
        Ok(chunk
            .iter()
            .filter(|e| e["type"] == "m.room.message" && e["sender"] == sender)
            .filter_map(|e| e["content"]["body"].as_str().map(str::to_owned))
            .collect())
    }
}

impl Drop for Synapse {
    fn drop(&mut self) {
        self.stop();
    }
}

fn failure(why: String) -> std::io::Error {
    std::io::Error::other(why)
}
