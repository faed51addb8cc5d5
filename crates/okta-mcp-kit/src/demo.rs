//! The embedded sandbox org and the demo: a newcomer sees a server doing its job with nothing but Rust.

use std::io::Write;

use okta_core::{AuthConfig, OktaConfig, Secret};
use rmcp::ServiceExt;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

use crate::selection::Selection;
use crate::server::ServerSpec;

/// Keeps the embedded sandbox running; dropping it stops the sandbox.
#[derive(Debug)]
pub struct SandboxGuard(tokio::task::JoinHandle<std::io::Result<()>>);

impl Drop for SandboxGuard {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Start the sandbox org on a free loopback port and return the configuration that points at it.
pub async fn start_sandbox() -> Result<(OktaConfig, SandboxGuard), String> {
    let sandbox = okta_sandbox::SandboxConfig::default();
    let token = sandbox.api_token.clone();
    let (addr, handle) =
        okta_sandbox::start(sandbox).await.map_err(|e| format!("cannot start the embedded sandbox: {e}"))?;
    let org_url = format!("http://{addr}");
    tracing::info!("embedded sandbox org at {org_url}");
    let config = OktaConfig::new(&org_url, AuthConfig::ApiToken(Secret::new(token))).map_err(|e| e.to_string())?;
    Ok((config, SandboxGuard(handle)))
}

fn show(direction: &str, message: &Value) -> Result<(), String> {
    let mut text = serde_json::to_string(message).map_err(|e| e.to_string())?;
    if text.len() > 1200 {
        let mut cut = 1200;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
        text.push_str(" …");
    }
    let mut out = std::io::stdout().lock();
    writeln!(out, "{direction} {text}\n").map_err(|e| e.to_string())
}

/// Run the server against the embedded sandbox over an in-memory stdio pipe and print every message.
pub async fn run(spec: ServerSpec, selection: Selection) -> Result<(), String> {
    let tools = spec.all_tools();
    let (config, _guard) = start_sandbox().await?;
    let server = crate::run::build_server(spec, selection, &tools, config).await?;
    let (client_side, server_side) = tokio::io::duplex(1 << 20);
    let serving = tokio::spawn(async move {
        match server.serve(tokio::io::split(server_side)).await {
            Ok(running) => {
                let _ = running.waiting().await;
            }
            Err(e) => tracing::error!("demo server failed: {e}"),
        }
    });
    let (read, mut write) = tokio::io::split(client_side);
    let mut lines = BufReader::new(read).lines();
    let mut id = 0;
    let mut requests = vec![
        json!({"method": "initialize", "params": {"protocolVersion": "2025-06-18", "capabilities": {},
               "clientInfo": {"name": "okta-mcp-demo", "version": spec.version}}}),
        json!({"method": "tools/list", "params": {}}),
    ];
    for step in spec.demo {
        let arguments: Value = serde_json::from_str(step.arguments).map_err(|e| e.to_string())?;
        requests.push(json!({"method": "tools/call", "params": {"name": step.tool, "arguments": arguments}}));
    }
    for mut request in requests {
        id += 1;
        request["jsonrpc"] = json!("2.0");
        request["id"] = json!(id);
        show("→", &request)?;
        let line = request.to_string() + "\n";
        write.write_all(line.as_bytes()).await.map_err(|e| e.to_string())?;
        if id == 1 {
            let response = read_response(&mut lines).await?;
            show("←", &response)?;
            let initialized = json!({"jsonrpc": "2.0", "method": "notifications/initialized"}).to_string() + "\n";
            write.write_all(initialized.as_bytes()).await.map_err(|e| e.to_string())?;
            continue;
        }
        let response = read_response(&mut lines).await?;
        if request["method"] == "tools/list" {
            let names: Vec<&str> = response["result"]["tools"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|t| t["name"].as_str())
                .collect();
            show("←", &json!({"tools (names only)": names}))?;
        } else {
            show("←", &response)?;
        }
    }
    drop(write);
    serving.abort();
    Ok(())
}

async fn read_response<R: tokio::io::AsyncBufRead + Unpin>(lines: &mut tokio::io::Lines<R>) -> Result<Value, String> {
    loop {
        let line = lines.next_line().await.map_err(|e| e.to_string())?.ok_or("the server closed the session")?;
        let message: Value = serde_json::from_str(&line).map_err(|e| e.to_string())?;
        if message.get("id").is_some() {
            return Ok(message);
        }
    }
}
