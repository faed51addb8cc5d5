//! Modes over MCP: read-only lists only read tools and refuses the others; full lists all 20 within the
//! tools/list budget; the embedded sandbox and the demo work.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use okta_e2e::modes::{check_full_listing, check_read_only, demo_output};
use okta_e2e::{Org, Server, rows};
use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_okta-mcp-apps");

#[test]
fn read_only_lists_only_read_tools_and_refuses_writes() {
    check_read_only(&Org::start(), BIN, 10, "okta_delete_app", json!({"app_id": "x"}), "full");
}

#[test]
fn full_mode_lists_all_within_budget() {
    check_full_listing(&Org::start(), BIN, 21, "okta_delete_app", "okta-mcp-apps");
}

#[test]
fn sandbox_flag_and_demo() {
    let mut server = Server::start(BIN, &["--sandbox"], &[]);
    let page = server.call("okta_list_apps", json!({"q": "Salesforce"})).ok();
    assert_eq!(rows(&page)[0]["label"], "Salesforce");
    let text = demo_output(BIN);
    assert!(text.contains("okta_list_apps") && text.contains("GitHub Enterprise"), "{text}");
    assert!(text.contains("cannot be used as"), "{text}");
}
