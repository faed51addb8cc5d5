//! Drive an okta-mcp server over stdio from Rust with rmcp's client: list the tools, read a page of users and
//! the next one with the cursor, see an id refused before it reaches Okta, and preview a change with a dry run.
//!
//! Needs an Okta org in the environment (OKTA_ORG_URL with OKTA_API_TOKEN, or the service app's variables).
//! A local sandbox org: `cargo run -p okta-sandbox -- --listen 127.0.0.1:8765` prints them. Then:
//!
//! ```sh
//! OKTA_ORG_URL=http://127.0.0.1:8765 OKTA_API_TOKEN=sandbox-api-token cargo run --example mcp_session
//! ```
//!
//! The server is `okta-mcp-users` from the PATH, or the binary MCP_SERVER names.

// An example prints what it does.
#![allow(clippy::print_stdout)]

use std::process::Stdio;

use rmcp::ServiceExt;
use rmcp::model::{CallToolRequestParams, CallToolResult};
use serde_json::{Value, json};

type Error = Box<dyn std::error::Error + Send + Sync>;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    if std::env::var_os("OKTA_ORG_URL").is_none() {
        return Err("set OKTA_ORG_URL (and OKTA_API_TOKEN): see the top of examples/scripts/mcp_session.rs".into());
    }
    let server = std::env::var("MCP_SERVER").unwrap_or_else(|_| "okta-mcp-users".to_owned());
    // The server inherits OKTA_ORG_URL and the credentials; read-write so that a write tool can show a dry run.
    let mut child = tokio::process::Command::new(&server)
        .args(["--mode", "read-write", "--toolsets", "users,groups"])
        .env("OKTA_MCP_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("cannot start {server}: {e}"))?;
    let (Some(stdout), Some(stdin)) = (child.stdout.take(), child.stdin.take()) else {
        return Err("no pipes to the server".into());
    };
    // `()` is a client that declares no capabilities: the handshake (initialize) happens here.
    let client = ().serve((stdout, stdin)).await?;
    if let Some(info) = client.peer_info()
        && let Some(server) = &info.server_info
    {
        println!("server: {} {}", server.name, server.version);
    }

    let tools = client.list_all_tools().await?;
    println!("tools: {}", tools.len());
    for tool in &tools {
        println!("  {}", tool.name);
    }

    // A read tool, and the next page: pass next_cursor back as cursor.
    let page = ok(call(&client, "okta_list_users", json!({"limit": 5})).await?)?;
    println!("page 1: {} users", rows(&page));
    let cursor = page["next_cursor"].as_str().ok_or("the first page has no next_cursor")?;
    let page = ok(call(&client, "okta_list_users", json!({"limit": 5, "cursor": cursor})).await?)?;
    println!("page 2: {} users", rows(&page));

    // An id that cannot be one is refused by the server before anything is sent to Okta: a tool error.
    let refused = call(&client, "okta_get_user", json!({"user": "../admin"})).await?;
    if refused.is_error != Some(true) {
        return Err("`../admin` was not refused".into());
    }
    println!("refused: {}", text(&refused));

    // Every write tool takes dry_run: it shows the request it would send, and sends nothing.
    let preview = ok(call(&client, "okta_create_group", json!({"name": "mcp-example-group", "dry_run": true})).await?)?;
    println!("dry run: {preview}");

    client.cancel().await?;
    Ok(())
}

async fn call(
    client: &rmcp::service::RunningService<rmcp::RoleClient, ()>,
    name: &'static str,
    arguments: Value,
) -> Result<CallToolResult, Error> {
    let Value::Object(arguments) = arguments else { return Err("arguments are an object".into()) };
    Ok(client.call_tool(CallToolRequestParams::new(name).with_arguments(arguments)).await?)
}

/// The tool's text answer.
fn text(result: &CallToolResult) -> String {
    result.content.iter().filter_map(|c| c.as_text()).map(|t| t.text.as_str()).collect::<Vec<_>>().join("\n")
}

/// The JSON answer of a call that must succeed.
fn ok(result: CallToolResult) -> Result<Value, Error> {
    if result.is_error == Some(true) {
        return Err(format!("tool failed: {}", text(&result)).into());
    }
    Ok(serde_json::from_str(&text(&result))?)
}

/// Rows of a list answer (columns + rows).
fn rows(page: &Value) -> usize {
    page["rows"].as_array().map_or(0, Vec::len)
}
