//! Modes over MCP: read-only lists only read tools and refuses the others; full lists them all; toolsets narrow.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use okta_e2e::Org;
use okta_e2e::modes::{check_full_listing, check_read_only};
use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_okta-mcp-users");

#[test]
fn read_only_lists_only_read_tools_and_refuses_writes() {
    check_read_only(&Org::start(), BIN, 14, "okta_deactivate_user", json!({"user": "x"}), "full");
}

#[test]
fn full_mode_lists_everything_with_annotations() {
    let org = Org::start();
    check_full_listing(&org, BIN, 36, "okta_delete_user", "okta-mcp-users");
    let mut server = org.server(BIN, &["--mode", "full"]);
    let tools = server.request("tools/list", json!({}));
    let create = tools["tools"].as_array().unwrap().iter().find(|t| t["name"] == "okta_create_group").unwrap();
    assert_eq!(create["annotations"]["destructiveHint"], false);
    assert!(create["title"].is_string());
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
