//! Modes over MCP: read-only lists only read tools and refuses the others; full lists all 35; toolsets narrow.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use okta_e2e::Org;
use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_okta-mcp-users");

#[test]
fn read_only_lists_only_read_tools_and_refuses_writes() {
    let org = Org::start();
    let mut server = org.server(BIN, &[]);
    let tools = server.request("tools/list", json!({}));
    let tools = tools["tools"].as_array().unwrap();
    assert_eq!(tools.len(), 13);
    assert!(tools.iter().all(|t| t["annotations"]["readOnlyHint"] == true));
    let before = org.request_count();
    let refused = server.request_raw("tools/call", json!({"name": "okta_deactivate_user", "arguments": {"user": "x"}}));
    let message = refused["error"]["message"].as_str().unwrap();
    assert!(message.contains("--mode full"), "{message}");
    assert_eq!(org.request_count(), before);
}

#[test]
fn full_mode_lists_everything_with_annotations() {
    let org = Org::start();
    let mut server = org.server(BIN, &["--mode", "full"]);
    let tools = server.request("tools/list", json!({}));
    let tools = tools["tools"].as_array().unwrap();
    assert_eq!(tools.len(), 35);
    let delete = tools.iter().find(|t| t["name"] == "okta_delete_user").unwrap();
    assert_eq!(delete["annotations"]["destructiveHint"], true);
    let create = tools.iter().find(|t| t["name"] == "okta_create_group").unwrap();
    assert_eq!(create["annotations"]["destructiveHint"], false);
    assert!(create["title"].is_string());
    let info = &server.initialize["serverInfo"];
    assert_eq!(info["name"], "okta-mcp-users");
}

#[test]
fn toolsets_narrow_what_is_listed() {
    let org = Org::start();
    let mut server = org.server(BIN, &["--mode", "full", "--toolsets", "sessions,factors"]);
    let names = server.tool_names();
    assert_eq!(names.len(), 10);
    assert!(names.iter().all(|n| n.contains("session") || n.contains("factor")), "{names:?}");
}

#[test]
fn unknown_tool_is_a_protocol_error() {
    let org = Org::start();
    let mut server = org.server(BIN, &[]);
    let response = server.request_raw("tools/call", json!({"name": "okta_nope", "arguments": {}}));
    assert!(response["error"]["message"].as_str().unwrap().contains("unknown tool"));
}
