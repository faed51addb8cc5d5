//! End-to-end harness: a real server binary over stdio against a real sandbox org on loopback. Each server
//! crate's tests start their binary with `Server::start(env!("CARGO_BIN_EXE_<name>"), ...)`.
//!
//! By default each test starts its own `okta-sandbox` process. With `OKTA_E2E_ORG_URL` set (the contract run
//! puts Prism in front of one shared sandbox), tests talk to that URL instead, and use `OKTA_E2E_SANDBOX_URL`
//! for the sandbox's own `/__sandbox/*` control endpoints.
//!
//! Operations Okta serves to OAuth only need a service app: [`Org::start_oauth`] gives an org that has one (a
//! fresh sandbox registering [`keys::EC_PRIVATE_JWK`], or the contract run's, named by `OKTA_E2E_CLIENT_ID`,
//! `OKTA_E2E_PRIVATE_KEY_PATH` or `OKTA_E2E_PRIVATE_KEY`, and `OKTA_E2E_KEY_ID`), and [`Org::oauth_server`] a
//! server that authenticates as it (private_key_jwt, plain Bearer tokens).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::missing_panics_doc)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub mod catalog;
pub mod hostile;
pub mod http;
pub mod modes;

/// Snapshot testing (the surface snapshots of [`catalog_tests!`]).
pub use insta;

use serde_json::{Value, json};

/// Test keys for service apps (generated for these tests only).
pub mod keys {
    use serde_json::Value;

    // A P-256 test key (generated for these tests only) in the formats openssl and Okta's console produce.
    pub const EC_SEC1_PEM: &str = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIPPFX75itDNVKGfXMpXhWMsTUnPP4/PeTG+oCRr8+CEJoAoGCCqGSM49\nAwEHoUQDQgAExihM81nsp1bAf/3S/kG89bRh58EyPQ/97FFB80kA5sSvLX7tXiXx\nmyZ0mT8Vm/IGK+0DcGL4Pg3tsToC04c9kA==\n-----END EC PRIVATE KEY-----\n";
    pub const EC_PKCS8_PEM: &str = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg88VfvmK0M1UoZ9cy\nleFYyxNSc8/j895Mb6gJGvz4IQmhRANCAATGKEzzWeynVsB//dL+Qbz1tGHnwTI9\nD/3sUUHzSQDmxK8tfu1eJfGbJnSZPxWb8gYr7QNwYvg+De2xOgLThz2Q\n-----END PRIVATE KEY-----\n";
    pub const EC_PRIVATE_JWK: &str = r#"{"kty": "EC", "crv": "P-256", "kid": "e2e-ec-key", "use": "sig", "alg": "ES256", "x": "xihM81nsp1bAf_3S_kG89bRh58EyPQ_97FFB80kA5sQ", "y": "ry1-7V4l8ZsmdJk_FZvyBivtA3Bi-D4N7bE6AtOHPZA", "d": "88VfvmK0M1UoZ9cyleFYyxNSc8_j895Mb6gJGvz4IQk"}"#;

    /// The public half of `EC_PRIVATE_JWK`, as the sandbox registers it.
    pub fn ec_public_jwk() -> Value {
        let mut jwk: Value = serde_json::from_str(EC_PRIVATE_JWK).expect("test JWK");
        if let Some(map) = jwk.as_object_mut() {
            map.remove("d");
        }
        jwk
    }
}

pub const TOKEN: &str = "sandbox-api-token";
/// The client id of the service app a fresh sandbox registers for [`Org::start_oauth`].
pub const OAUTH_CLIENT_ID: &str = "0oae2eserviceapp0001";
const TIMEOUT: Duration = Duration::from_secs(60);

/// The five server binaries (each its package's name).
pub const SERVERS: &[&str] =
    &["okta-mcp-users", "okta-mcp-apps", "okta-mcp-policy", "okta-mcp-admin", "okta-mcp-governance"];

/// The repository's root (README.md, docs/, examples/).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The cargo profile directory the running test was built into (`target/debug`).
fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    // target/<profile>/deps/<test> → target/<profile>
    exe.parent().and_then(|d| d.parent()).expect("target profile dir").to_path_buf()
}

/// A binary of a workspace package (named as its package: `okta-mcp-users`, `okta-sandbox`) beside the test
/// executable: `cargo test --workspace` builds every package's binaries; when only some packages' tests run, a
/// missing one is built on demand (`cargo build -p <name>`, same profile). `OKTA_E2E_BIN_DIR` names another
/// folder to take them from (binaries of this checkout kept aside while a shared target directory is rebuilt).
pub fn workspace_bin(name: &str) -> PathBuf {
    if let Some(dir) = std::env::var_os("OKTA_E2E_BIN_DIR") {
        return PathBuf::from(dir).join(name);
    }
    let path = profile_dir().join(name);
    if !path.exists() {
        cargo_build(&["-p", name, "--bin", name]);
    }
    path
}

/// An example of this package (`examples/…`, declared in okta-e2e's Cargo.toml), built on demand like
/// [`workspace_bin`] (`cargo test` builds examples, a test run of one target does not).
pub fn example_bin(name: &str) -> PathBuf {
    let path = profile_dir().join("examples").join(name);
    if !path.exists() {
        cargo_build(&["-p", "okta-e2e", "--example", name]);
    }
    path
}

fn cargo_build(args: &[&str]) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.arg("build").args(args);
    match profile_dir().file_name().and_then(|p| p.to_str()) {
        Some("debug") | None => {}
        Some("release") => {
            cmd.arg("--release");
        }
        Some(profile) => {
            cmd.args(["--profile", profile]);
        }
    }
    let status = cmd.status();
    assert!(status.map(|s| s.success()).unwrap_or(false), "cargo build {} failed", args.join(" "));
}

/// The sandbox binary beside the server binaries, built on demand when only one package's tests are run.
fn sandbox_bin() -> PathBuf {
    workspace_bin("okta-sandbox")
}

/// A private_key_jwt service app of the org: what a server needs to authenticate as it.
#[derive(Debug, Clone)]
pub struct OAuthClient {
    pub client_id: String,
    /// The private key: PEM or JWK text.
    pub private_key: String,
    pub key_id: String,
}

impl OAuthClient {
    /// The contract run's service app (`OKTA_E2E_CLIENT_ID` with `OKTA_E2E_PRIVATE_KEY_PATH` or
    /// `OKTA_E2E_PRIVATE_KEY`, and `OKTA_E2E_KEY_ID`), when it names one.
    fn from_env() -> Option<OAuthClient> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let client_id = var("OKTA_E2E_CLIENT_ID")?;
        let private_key = match var("OKTA_E2E_PRIVATE_KEY_PATH") {
            Some(path) => {
                std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("OKTA_E2E_PRIVATE_KEY_PATH {path}: {e}"))
            }
            None => var("OKTA_E2E_PRIVATE_KEY").expect("OKTA_E2E_CLIENT_ID is set: OKTA_E2E_PRIVATE_KEY(_PATH) too"),
        };
        let key_id = var("OKTA_E2E_KEY_ID").expect("OKTA_E2E_CLIENT_ID is set: OKTA_E2E_KEY_ID too");
        Some(OAuthClient { client_id, private_key, key_id })
    }
}

/// A sandbox org the server talks to.
#[derive(Debug)]
pub struct Org {
    /// What the server is pointed at (the sandbox, or a proxy in front of it).
    pub url: String,
    /// The sandbox itself (for /__sandbox control endpoints).
    pub sandbox_url: String,
    pub token: String,
    /// The service app of the org, when it has one ([`Org::start_oauth`], or the contract run's).
    pub oauth: Option<OAuthClient>,
    child: Option<Child>,
    pub log: Arc<Mutex<String>>,
}

impl Drop for Org {
    fn drop(&mut self) {
        if let Some(child) = &mut self.child {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Org {
    /// The org for ordinary end-to-end tests: the shared one of a contract run, else a fresh sandbox.
    pub fn start() -> Org {
        if let Ok(url) = std::env::var("OKTA_E2E_ORG_URL") {
            let sandbox_url = std::env::var("OKTA_E2E_SANDBOX_URL").unwrap_or_else(|_| url.clone());
            let token = std::env::var("OKTA_E2E_TOKEN").unwrap_or_else(|_| TOKEN.into());
            return Org { url, sandbox_url, token, oauth: OAuthClient::from_env(), child: None, log: Arc::default() };
        }
        Org::spawn(&[])
    }

    /// [`Org::start_oauth`] granting every scope the server `bin` can ask for (its `scopes` in full mode).
    pub fn start_oauth_for(bin: &str) -> Org {
        let scopes = catalog::Catalog::new(bin).scopes(&["--mode", "full"]);
        Org::start_oauth(&scopes.iter().map(String::as_str).collect::<Vec<_>>())
    }

    /// The org for tests of operations Okta serves to OAuth only: the contract run's shared one with its service
    /// app, else a fresh sandbox whose service app ([`OAUTH_CLIENT_ID`], the test key [`keys::EC_PRIVATE_JWK`])
    /// is granted `scopes`.
    pub fn start_oauth(scopes: &[&str]) -> Org {
        if std::env::var("OKTA_E2E_ORG_URL").is_ok() {
            let org = Org::start();
            assert!(org.oauth.is_some(), "OKTA_E2E_ORG_URL is set but OKTA_E2E_CLIENT_ID is not: no OAuth client");
            return org;
        }
        let jwk = std::env::temp_dir().join(format!("{}.json", unique("okta-e2e-jwk-")));
        std::fs::write(&jwk, keys::ec_public_jwk().to_string()).expect("write the test JWK");
        let scopes = scopes.join(" ");
        let mut org = Org::spawn(&[
            "--oauth-client-id",
            OAUTH_CLIENT_ID,
            "--oauth-client-jwk",
            jwk.to_str().expect("temp path"),
            "--oauth-client-scopes",
            &scopes,
        ]);
        // the sandbox read it before it listened
        let _ = std::fs::remove_file(&jwk);
        let key_id = keys::ec_public_jwk()["kid"].as_str().expect("kid").to_owned();
        org.oauth =
            Some(OAuthClient { client_id: OAUTH_CLIENT_ID.into(), private_key: keys::EC_PRIVATE_JWK.into(), key_id });
        org
    }

    /// Always a fresh sandbox of our own, with extra flags (rate limits, OAuth clients, faults).
    pub fn spawn(args: &[&str]) -> Org {
        let mut child = Command::new(sandbox_bin())
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start okta-sandbox");
        let (listening, log) = watch_stderr(child.stderr.take().expect("stderr"));
        let url = listening.recv_timeout(TIMEOUT).expect("sandbox did not print its listening line");
        Org { url: url.clone(), sandbox_url: url, token: TOKEN.into(), oauth: None, child: Some(child), log }
    }

    /// A plain HTTP GET against the sandbox (control endpoints), returning the JSON body.
    pub fn control_get(&self, path: &str) -> Value {
        http(&self.sandbox_url, "GET", path, None)
    }

    pub fn control_post(&self, path: &str, body: Value) -> Value {
        http(&self.sandbox_url, "POST", path, Some(body))
    }

    /// Okta API requests the sandbox has answered so far (its own control endpoints excluded).
    pub fn request_count(&self) -> u64 {
        let stats = self.control_get("/__sandbox/stats");
        let requests = stats["requests"].as_object().expect("stats.requests");
        requests.iter().filter(|(k, _)| !k.contains("/__sandbox")).filter_map(|(_, v)| v.as_u64()).sum()
    }

    /// Wait (at most 20 s) until the sandbox has answered more changes than `before` (a [`Org::change_count`]):
    /// a change `server` started in the background has reached Okta.
    pub fn wait_for_change(&self, before: u64, server: &Server) {
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        while self.change_count() == before {
            assert!(std::time::Instant::now() < deadline, "the change never reached Okta: {}", server.stderr_text());
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// [`Org::server_with`] writing its audit log to `db`.
    pub fn audited_server(&self, bin: &str, args: &[&str], db: &std::path::Path) -> Server {
        self.server_with(bin, args, &[("OKTA_MCP_AUDIT_DB", db.to_str().expect("a UTF-8 path"))])
    }

    /// Changes (POST, PUT, PATCH, DELETE) to the Okta API the sandbox has answered so far.
    pub fn change_count(&self) -> u64 {
        let stats = self.control_get("/__sandbox/stats");
        let requests = stats["requests"].as_object().expect("stats.requests");
        requests
            .iter()
            .filter(|(k, _)| !k.starts_with("GET") && !k.contains("/__sandbox"))
            .filter_map(|(_, v)| v.as_u64())
            .sum()
    }

    /// A server (`bin`: `env!("CARGO_BIN_EXE_<name>")`) on this org with SSWS auth.
    pub fn server(&self, bin: &str, args: &[&str]) -> Server {
        self.server_with(bin, args, &[])
    }

    /// [`Org::server`] with more environment (`OKTA_MCP_PROTECTED`, `OKTA_MCP_CONFIRM`, …).
    pub fn server_with(&self, bin: &str, args: &[&str], env: &[(&str, &str)]) -> Server {
        let mut all = vec![("OKTA_ORG_URL", self.url.as_str()), ("OKTA_API_TOKEN", self.token.as_str())];
        all.extend_from_slice(env);
        Server::start(bin, args, &all)
    }

    /// A server on this org authenticating as its service app (private_key_jwt; the scopes of the enabled tools).
    /// Tokens are plain Bearer tokens (`OKTA_DPOP=never`): Prism checks OAuth2 security as `Authorization: Bearer`,
    /// and the spec's token answer has no DPoP `token_type`.
    pub fn oauth_server(&self, bin: &str, args: &[&str]) -> Server {
        let client = self.oauth.as_ref().expect("this org has no OAuth client: use Org::start_oauth");
        Server::start(
            bin,
            args,
            &[
                ("OKTA_ORG_URL", &self.url),
                ("OKTA_CLIENT_ID", &client.client_id),
                ("OKTA_PRIVATE_KEY", &client.private_key),
                ("OKTA_KEY_ID", &client.key_id),
                ("OKTA_DPOP", "never"),
            ],
        )
    }
}

/// Collect a child's stderr into a log; what follows `listening on ` on its first such line (`http://…`) is sent
/// on the receiver.
pub(crate) fn watch_stderr(stderr: std::process::ChildStderr) -> (Receiver<String>, Arc<Mutex<String>>) {
    let (tx, rx) = channel();
    let log: Arc<Mutex<String>> = Arc::default();
    let log2 = log.clone();
    std::thread::spawn(move || {
        let mut sent = false;
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if !sent && let Some(rest) = line.split("listening on ").nth(1) {
                let _ = tx.send(rest.trim().to_owned());
                sent = true;
            }
            log2.lock().unwrap().push_str(&(line + "\n"));
        }
    });
    (rx, log)
}

fn http(base: &str, method: &str, path: &str, body: Option<Value>) -> Value {
    let host = base.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = TcpStream::connect(host).expect("connect to sandbox");
    stream.set_read_timeout(Some(TIMEOUT)).unwrap();
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (_, body) = response.split_once("\r\n\r\n").expect("http response");
    serde_json::from_str(body.trim()).unwrap_or(Value::Null)
}

/// Every environment variable a server reads its configuration from (a test's process may have them set).
pub const CONFIG_VARS: &[&str] = &[
    "OKTA_ORG_URL",
    "OKTA_API_TOKEN",
    "OKTA_CLIENT_ID",
    "OKTA_PRIVATE_KEY",
    "OKTA_PRIVATE_KEY_PATH",
    "OKTA_KEY_ID",
    "OKTA_SCOPES",
    "OKTA_DPOP",
    "OKTA_MCP_MODE",
    "OKTA_MCP_TOOLSETS",
    "OKTA_MCP_TOOLS",
    "OKTA_MCP_CONFIRM",
    "OKTA_MCP_APPROVER",
    "OKTA_MCP_PROTECTED",
    "OKTA_MCP_UNPROTECTED",
    "OKTA_MCP_CSV_DIR",
    "OKTA_MCP_S3_ALLOWED",
    "OKTA_MCP_TRANSPORT",
    "OKTA_MCP_LISTEN",
    "OKTA_MCP_PUBLIC_URL",
    "OKTA_MCP_ALLOWED_HOSTS",
    "OKTA_MCP_ALLOWED_ORIGINS",
    "OKTA_MCP_TLS_CERT",
    "OKTA_MCP_TLS_KEY",
    "OKTA_MCP_AUTH_ISSUER",
    "OKTA_MCP_AUTH_AUDIENCE",
    "OKTA_MCP_AUTH_SCOPE",
    "OKTA_MCP_ROLES",
    "OKTA_MCP_HTTP_SESSIONS",
    "OKTA_MCP_REQUEST_TIMEOUT",
    "OKTA_MCP_STATE_KEY",
    "OKTA_MCP_AUDIT_URL",
    "OKTA_MCP_AUDIT_KEY",
];

/// A command for a server binary with none of the test process's configuration ([`CONFIG_VARS`]): what it gets
/// is what the test gives it.
pub fn command(bin: &str) -> Command {
    let mut cmd = Command::new(bin);
    for var in CONFIG_VARS {
        cmd.env_remove(var);
    }
    cmd
}

/// A running server with an initialized MCP session.
#[derive(Debug)]
pub struct Server {
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<String>,
    next_id: u64,
    pub stderr: Arc<Mutex<String>>,
    pub initialize: Value,
    /// The audit log this server writes (unless the test set OKTA_MCP_AUDIT_DB).
    pub audit_db: PathBuf,
    /// How this client answers the server's `elicitation/create` requests (the person's answer). The default
    /// declines: a plain [`Server::call`] never confirms anything; [`Server::call_confirmed`] accepts.
    pub elicitation_answer: Value,
    /// Every `elicitation/create` request the server sent, in order.
    pub elicitations: Vec<Value>,
    /// Every notification the server sent (progress, log messages), in order.
    pub notifications: Vec<Value>,
    /// Responses that arrived while another was awaited, by request id.
    early: std::collections::HashMap<u64, Value>,
}

/// The capabilities a test client declares by default: it can elicit (ask the person), as Claude Desktop,
/// VS Code and the MCP Inspector do.
pub fn eliciting_client() -> Value {
    json!({"elicitation": {}})
}

/// The person's answers to a confirmation question.
pub fn accept() -> Value {
    json!({"action": "accept", "content": {"confirm": true}})
}

pub fn decline() -> Value {
    json!({"action": "decline"})
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The outcome of a tools/call.
#[derive(Debug)]
pub struct CallResult {
    pub is_error: bool,
    pub text: String,
    pub raw: Value,
}

impl CallResult {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }

    #[track_caller]
    pub fn ok(self) -> Value {
        assert!(!self.is_error, "tool failed: {}", self.text);
        self.json()
    }

    #[track_caller]
    pub fn err(self) -> String {
        assert!(self.is_error, "tool unexpectedly succeeded: {}", self.text);
        self.text
    }
}

impl Server {
    /// A server whose client can elicit ([`eliciting_client`]).
    pub fn start(bin: &str, args: &[&str], env: &[(&str, &str)]) -> Server {
        Server::start_as(bin, args, env, eliciting_client())
    }

    /// A server whose client declares these capabilities at initialize (`json!({})`: a client that cannot
    /// elicit).
    pub fn start_as(bin: &str, args: &[&str], env: &[(&str, &str)], capabilities: Value) -> Server {
        let mut cmd = command(bin);
        cmd.args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
        cmd.env("OKTA_MCP_LOG", "debug");
        // Each server writes its own audit log, never the user's.
        let audit = std::env::temp_dir().join(format!("{}.db", unique("okta-e2e-audit-")));
        cmd.env("OKTA_MCP_AUDIT_DB", &audit);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("start the server");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let stderr = child.stderr.take().unwrap();
        let (tx, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let log: Arc<Mutex<String>> = Arc::default();
        let log2 = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                log2.lock().unwrap().push_str(&(line + "\n"));
            }
        });
        let audit_db =
            env.iter().find(|(k, _)| *k == "OKTA_MCP_AUDIT_DB").map(|(_, v)| PathBuf::from(v)).unwrap_or(audit);
        let mut server = Server {
            child,
            stdin,
            lines,
            next_id: 0,
            stderr: log,
            initialize: Value::Null,
            audit_db,
            elicitation_answer: decline(),
            elicitations: Vec::new(),
            notifications: Vec::new(),
            early: std::collections::HashMap::new(),
        };
        server.initialize = server.request(
            "initialize",
            json!({"protocolVersion": "2025-06-18", "capabilities": capabilities,
                   "clientInfo": {"name": "okta-mcp-e2e", "version": "1"}}),
        );
        server.notify("notifications/initialized");
        // Ready: the server has learnt what Okta granted and resolved its protected names (the requests it makes
        // once at startup), so a test's request counts start after them.
        server.request("tools/list", json!({}));
        server
    }

    fn send(&mut self, message: Value) {
        let line = message.to_string() + "\n";
        self.stdin.write_all(line.as_bytes()).expect("write to server");
        self.stdin.flush().unwrap();
    }

    pub fn notify(&mut self, method: &str) {
        self.send(json!({"jsonrpc": "2.0", "method": method}));
    }

    /// Send a request and return its `result` (panics on a JSON-RPC error).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let response = self.request_raw(method, params);
        assert!(response.get("error").is_none(), "{method} failed: {response}");
        response["result"].clone()
    }

    /// Send a request and return the whole response (result or error).
    pub fn request_raw(&mut self, method: &str, params: Value) -> Value {
        let id = self.start_request(method, params);
        self.response(id)
    }

    /// Send a request without waiting for its answer; [`Server::response`] waits for it later (other requests
    /// may be made meanwhile: the server handles them concurrently).
    pub fn start_request(&mut self, method: &str, params: Value) -> u64 {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        id
    }

    /// The whole response (result or error) to the request [`Server::start_request`] sent as `id`.
    pub fn response(&mut self, id: u64) -> Value {
        if let Some(early) = self.early.remove(&id) {
            return early;
        }
        loop {
            let line = self
                .lines
                .recv_timeout(TIMEOUT)
                .unwrap_or_else(|_| panic!("no answer to #{id}; server stderr:\n{}", self.stderr.lock().unwrap()));
            let message: Value = serde_json::from_str(&line).expect("server wrote non-JSON to stdout");
            if message.get("method").is_some() {
                self.on_server_message(message);
                continue;
            }
            match message["id"].as_u64() {
                Some(got) if got == id => return message,
                Some(other) => {
                    self.early.insert(other, message);
                }
                None => {}
            }
        }
    }

    /// A request or notification from the server: answer elicitations as the person would, keep the rest.
    fn on_server_message(&mut self, message: Value) {
        match (message["method"].as_str(), message.get("id")) {
            (Some("elicitation/create"), Some(id)) => {
                let id = id.clone();
                self.elicitations.push(message);
                let answer = self.elicitation_answer.clone();
                self.send(json!({"jsonrpc": "2.0", "id": id, "result": answer}));
            }
            (_, Some(id)) => {
                let id = id.clone();
                self.send(json!({"jsonrpc": "2.0", "id": id,
                                 "error": {"code": -32601, "message": "the test client does not do that"}}));
            }
            (_, None) => self.notifications.push(message),
        }
    }

    pub fn tool_names(&mut self) -> Vec<String> {
        let result = self.request("tools/list", json!({}));
        result["tools"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap().to_owned()).collect()
    }

    /// Start a tools/call without waiting for its answer (to [`Server::kill`] the server mid-call).
    pub fn call_in_background(&mut self, name: &str, arguments: Value) {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": "tools/call",
                         "params": {"name": name, "arguments": arguments}}));
    }

    /// Kill the server as `kill -9` does (SIGKILL: no cleanup runs), and wait for it to die.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    pub fn call(&mut self, name: &str, arguments: Value) -> CallResult {
        let raw = self.request("tools/call", json!({"name": name, "arguments": arguments}));
        Self::call_result(raw)
    }

    /// The outcome of a tools/call started with [`Server::start_request`] (panics on a JSON-RPC error).
    pub fn finish_call(&mut self, id: u64) -> CallResult {
        let response = self.response(id);
        assert!(response.get("error").is_none(), "tools/call #{id} failed: {response}");
        Self::call_result(response["result"].clone())
    }

    fn call_result(raw: Value) -> CallResult {
        let text = raw["content"][0]["text"].as_str().unwrap_or_default().to_owned();
        CallResult { is_error: raw["isError"] == json!(true), text, raw }
    }

    /// Call a tool whose change a person confirms: the client answers the server's confirmation question with
    /// "yes" (`OKTA_MCP_CONFIRM=elicit`, the default), or, under `OKTA_MCP_CONFIRM=token`, the first call
    /// returns a preview and a token and a second call (same arguments plus the token) runs it. Errors of the
    /// first call (refusals, bad arguments) are returned as they are.
    pub fn call_confirmed(&mut self, name: &str, arguments: Value) -> CallResult {
        let before = std::mem::replace(&mut self.elicitation_answer, accept());
        let first = self.call(name, arguments.clone());
        self.elicitation_answer = before;
        if first.is_error {
            return first;
        }
        let preview = first.json();
        if preview["confirmation_required"] != json!(true) {
            return first;
        }
        let mut confirmed = arguments;
        confirmed["confirmation_token"] = preview["confirmation_token"].clone();
        self.call(name, confirmed)
    }

    /// The raw response line of a call, as sent on the wire.
    pub fn call_wire_size(&mut self, name: &str, arguments: Value) -> usize {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": "tools/call",
                         "params": {"name": name, "arguments": arguments}}));
        loop {
            let line = self.lines.recv_timeout(TIMEOUT).expect("answer");
            let message: Value = serde_json::from_str(&line).unwrap();
            if message["id"] == json!(id) {
                return line.len();
            }
        }
    }

    pub fn stderr_text(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// The server's stderr once it contains `needle` (stderr is read by its own thread, so a line logged before
    /// an answer may arrive after it), or as it is after the timeout.
    pub fn stderr_with(&self, needle: &str) -> String {
        let deadline = std::time::Instant::now() + TIMEOUT;
        loop {
            let text = self.stderr_text();
            if text.contains(needle) || std::time::Instant::now() >= deadline {
                return text;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// Rows of a compact list result as objects keyed by column.
pub fn rows(list: &Value) -> Vec<serde_json::Map<String, Value>> {
    let columns: Vec<String> =
        list["columns"].as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_owned()).collect();
    list["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| columns.iter().cloned().zip(row.as_array().unwrap().iter().cloned()).collect())
        .collect()
}

/// A unique suffix for objects a test creates (tests may share one org in a contract run).
pub fn unique(prefix: &str) -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_nanos();
    format!("{prefix}{}", nanos % 1_000_000_000_000)
}
