//! Modes over MCP: read-only lists only read tools and refuses the others; full lists all 73 within the
//! tools/list budget; the embedded sandbox and the demo work.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use okta_e2e::modes::{check_full_listing, check_read_only, demo_output};
use okta_e2e::{Org, Server, rows};
use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_okta-mcp-governance");

#[test]
fn read_only_lists_only_read_tools_and_refuses_writes() {
    check_read_only(&Org::start(), BIN, 42, "okta_iga_launch_campaign", json!({"campaign": "x"}), "read-write");
}

#[test]
fn full_mode_lists_all_within_budget() {
    check_full_listing(&Org::start(), BIN, 73, "okta_iga_close_campaign", "okta-mcp-governance");
}

#[test]
fn sandbox_flag_and_demo() {
    let mut server = Server::start(BIN, &["--sandbox"], &[]);
    let page = server.call("okta_iga_list_campaigns", json!({"status": "SCHEDULED"})).ok();
    assert!(rows(&page).iter().any(|c| c["name"] == "Q4 certification"));
    let text = demo_output(BIN);
    assert!(text.contains("okta_iga_list_campaigns") && text.contains("Salesforce access review"), "{text}");
    assert!(text.contains("no campaign is named"), "{text}");
}
