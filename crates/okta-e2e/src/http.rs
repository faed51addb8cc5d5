//! A server binary over the HTTP transport (`--transport http`), and a small HTTP/1.1 client for it: plain
//! requests (health, metrics, metadata) and MCP JSON-RPC posts to `/mcp`, with whatever headers a test sets
//! (a bearer token, a foreign `Host` or `Origin`, a platform's session id).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::{Org, TIMEOUT, command, unique, watch_stderr};

/// An HTTP answer.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    /// Lower-case names.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// The JSON-RPC message of an MCP answer: a JSON body, or the last `data:` event of an SSE stream.
    pub fn message(&self) -> Value {
        if self.header("content-type").is_some_and(|c| c.starts_with("text/event-stream")) {
            let last =
                self.body.lines().filter_map(|l| l.strip_prefix("data:")).map(str::trim).rfind(|d| !d.is_empty());
            return serde_json::from_str(last.unwrap_or("null")).unwrap_or(Value::Null);
        }
        self.json()
    }
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    loop {
        let Some((size, rest)) = body.split_once("\r\n") else { return out };
        let Ok(n) = usize::from_str_radix(size.trim(), 16) else { return out };
        if n == 0 || rest.len() < n {
            return out;
        }
        out.push_str(&rest[..n]);
        body = rest[n..].trim_start_matches("\r\n");
    }
}

/// One HTTP/1.1 request to `addr` (`host:port`); `headers` may override `Host`.
pub fn request(addr: &str, method: &str, path: &str, headers: &[(&str, &str)], body: Option<&str>) -> Response {
    let mut stream = TcpStream::connect(addr).unwrap_or_else(|e| panic!("connect to {addr}: {e}"));
    stream.set_read_timeout(Some(TIMEOUT)).unwrap();
    let body = body.unwrap_or("");
    let mut head = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
        head.push_str(&format!("Host: {addr}\r\n"));
    }
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body.as_bytes()).unwrap();
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((raw.as_str(), ""));
    let mut lines = head.lines();
    let status = lines.next().and_then(|l| l.split(' ').nth(1)).and_then(|s| s.parse().ok()).unwrap_or(0);
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let chunked = headers.iter().any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"));
    let body = if chunked { dechunk(body) } else { body.to_owned() };
    Response { status, headers, body }
}

/// A server binary serving MCP over HTTP.
#[derive(Debug)]
pub struct HttpServer {
    child: Child,
    /// `127.0.0.1:PORT`.
    pub addr: String,
    pub stderr: Arc<Mutex<String>>,
    /// Sent with every MCP request (e.g. `Authorization`).
    pub headers: Vec<(String, String)>,
    pub audit_db: PathBuf,
    next_id: u64,
}

impl Drop for HttpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Protocol version headers and metadata for MCP requests.
pub const PROTOCOL: &str = "2025-11-25";

impl HttpServer {
    /// Start `bin` with `--transport http --listen 127.0.0.1:0` (plus `args`, `env`) against `org` (SSWS), and
    /// wait for its listening line. Panics with the server's log if it exits first.
    pub fn start(org: &Org, bin: &str, args: &[&str], env: &[(&str, &str)]) -> HttpServer {
        HttpServer::try_start(org, bin, args, env).unwrap_or_else(|log| panic!("the server did not listen:\n{log}"))
    }

    /// [`HttpServer::start`], or the server's log when it exited without listening.
    pub fn try_start(org: &Org, bin: &str, args: &[&str], env: &[(&str, &str)]) -> Result<HttpServer, String> {
        let listen = args.contains(&"--listen");
        let mut cmd = command(bin);
        cmd.args(["--transport", "http"]);
        if !listen {
            cmd.args(["--listen", "127.0.0.1:0"]);
        }
        cmd.args(args).stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::piped());
        let audit = std::env::temp_dir().join(format!("{}.db", unique("okta-e2e-audit-")));
        cmd.env("OKTA_MCP_LOG", "debug").env("OKTA_MCP_AUDIT_DB", &audit);
        cmd.env("OKTA_ORG_URL", &org.url).env("OKTA_API_TOKEN", &org.token);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("start the server");
        let (listening, log) = watch_stderr(child.stderr.take().unwrap());
        let audit_db =
            env.iter().find(|(k, _)| *k == "OKTA_MCP_AUDIT_DB").map(|(_, v)| PathBuf::from(v)).unwrap_or(audit);
        // `http(s)://127.0.0.1:PORT/mcp (…)`: the address.
        let addr = |url: String| {
            let rest = url.split_once("://").map_or(url.as_str(), |(_, rest)| rest);
            rest.split('/').next().unwrap_or("").to_owned()
        };
        match listening.recv_timeout(TIMEOUT).map(addr) {
            Ok(addr) => Ok(HttpServer { child, addr, stderr: log, headers: Vec::new(), audit_db, next_id: 0 }),
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                std::thread::sleep(Duration::from_millis(100));
                Err(log.lock().unwrap().clone())
            }
        }
    }

    pub fn stderr_text(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    pub fn get(&self, path: &str) -> Response {
        request(&self.addr, "GET", path, &[], None)
    }

    /// POST a JSON-RPC message to /mcp with the server's headers and `extra`.
    pub fn post(&self, message: &Value, extra: &[(&str, &str)]) -> Response {
        let mut headers: Vec<(&str, &str)> =
            vec![("Content-Type", "application/json"), ("Accept", "application/json, text/event-stream")];
        if !extra.iter().any(|(k, _)| k.eq_ignore_ascii_case("mcp-protocol-version")) {
            headers.push(("MCP-Protocol-Version", PROTOCOL));
        }
        headers.extend(self.headers.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        headers.extend_from_slice(extra);
        request(&self.addr, "POST", "/mcp", &headers, Some(&message.to_string()))
    }

    /// A JSON-RPC request; its `result` (panics on an error answer or an HTTP failure).
    pub fn call_method(&mut self, method: &str, params: Value) -> Value {
        let answer = self.rpc(method, params);
        assert!(answer.get("error").is_none(), "{method} failed: {answer}\n{}", self.stderr_text());
        answer["result"].clone()
    }

    /// A JSON-RPC request; the whole answer (result or error).
    pub fn rpc(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let message = json!({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params});
        let response = self.post(&message, &[]);
        assert_eq!(
            response.status,
            200,
            "{method}: HTTP {}: {}\n{}",
            response.status,
            response.body,
            self.stderr_text()
        );
        response.message()
    }

    pub fn initialize(&mut self, capabilities: Value) -> Value {
        self.call_method(
            "initialize",
            json!({"protocolVersion": PROTOCOL, "capabilities": capabilities,
                   "clientInfo": {"name": "okta-mcp-e2e", "version": "1"}}),
        )
    }

    pub fn tool_names(&mut self) -> Vec<String> {
        let list = self.call_method("tools/list", json!({}));
        list["tools"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap().to_owned()).collect()
    }

    /// `tools/call`: the result (with `isError` when the tool failed).
    pub fn call(&mut self, name: &str, arguments: Value) -> Value {
        self.call_method("tools/call", json!({"name": name, "arguments": arguments}))
    }

    /// A `tools/call` in the 2026-07-28 protocol (stateless: the headers and `_meta` carry the version and the
    /// client's capabilities); `extra` is merged into the params (e.g. `inputResponses`, `requestState`). The
    /// whole JSON-RPC answer.
    pub fn call_2026(&mut self, name: &str, arguments: Value, extra: Value) -> Value {
        self.next_id += 1;
        let mut params = json!({"name": name, "arguments": arguments, "_meta": {
            "io.modelcontextprotocol/protocolVersion": "2026-07-28",
            "io.modelcontextprotocol/clientCapabilities": {"elicitation": {}},
            "io.modelcontextprotocol/clientInfo": {"name": "okta-mcp-e2e", "version": "1"}}});
        if let (Some(params), Some(extra)) = (params.as_object_mut(), extra.as_object()) {
            params.extend(extra.clone());
        }
        let message = json!({"jsonrpc": "2.0", "id": self.next_id, "method": "tools/call", "params": params});
        let response = self.post(
            &message,
            &[("MCP-Protocol-Version", "2026-07-28"), ("Mcp-Method", "tools/call"), ("Mcp-Name", name)],
        );
        assert_eq!(response.status, 200, "{name}: HTTP {}: {}\n{}", response.status, response.body, self.stderr_text());
        response.message()
    }

    /// Send SIGTERM and wait (at most 40 s) for the process to exit.
    #[cfg(unix)]
    pub fn terminate(&mut self) -> ExitStatus {
        let _ = std::process::Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        let deadline = Instant::now() + Duration::from_secs(40);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "the server did not stop after SIGTERM:\n{}", self.stderr_text());
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}
