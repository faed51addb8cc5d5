//! Modes over MCP: read-only lists only read tools and refuses the others; full lists all 28 within the
//! tools/list budget; the embedded sandbox and the demo work.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use okta_e2e::{Org, Server, rows};
use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_okta-mcp-governance");

#[test]
fn read_only_lists_only_read_tools_and_refuses_writes() {
    let org = Org::start();
    let mut server = org.server(BIN, &[]);
    let tools = server.request("tools/list", json!({}));
    let tools = tools["tools"].as_array().unwrap();
    assert_eq!(tools.len(), 17);
    assert!(tools.iter().all(|t| t["annotations"]["readOnlyHint"] == true));
    let before = org.request_count();
    let refused =
        server.request_raw("tools/call", json!({"name": "okta_iga_launch_campaign", "arguments": {"campaign": "x"}}));
    let message = refused["error"]["message"].as_str().unwrap();
    assert!(message.contains("--mode read-write"), "{message}");
    assert_eq!(org.request_count(), before);
}

#[test]
fn full_mode_lists_all_within_budget() {
    let org = Org::start();
    let mut server = org.server(BIN, &["--mode", "full"]);
    let listed = server.request("tools/list", json!({}));
    let tools = listed["tools"].as_array().unwrap();
    assert_eq!(tools.len(), 28);
    let bytes = listed.to_string().len();
    assert!(bytes <= 600 * 28, "tools/list is {bytes} bytes, over 600 a tool");
    let close = tools.iter().find(|t| t["name"] == "okta_iga_close_campaign").unwrap();
    assert_eq!(close["annotations"]["destructiveHint"], true);
    assert_eq!(server.initialize["serverInfo"]["name"], "okta-mcp-governance");
}

#[test]
fn sandbox_flag_and_demo() {
    let mut server = Server::start(BIN, &["--sandbox"], &[]);
    let page = server.call("okta_iga_list_campaigns", json!({"status": "SCHEDULED"})).ok();
    assert!(rows(&page).iter().any(|c| c["name"] == "Q4 certification"));
    let out = std::process::Command::new(BIN)
        .arg("demo")
        .env_remove("OKTA_ORG_URL")
        .env_remove("OKTA_API_TOKEN")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("okta_iga_list_campaigns") && text.contains("Salesforce access review"), "{text}");
    assert!(text.contains("no campaign is named"), "{text}");
}
