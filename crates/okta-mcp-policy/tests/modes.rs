//! Modes over MCP: read-only lists only read tools and refuses the others; full lists all 47 within the
//! tools/list budget; dry runs send nothing; the embedded sandbox and the demo work.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use okta_e2e::modes::{check_full_listing, check_read_only, demo_output};
use okta_e2e::{Org, Server, rows};
use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_okta-mcp-policy");

#[test]
fn read_only_lists_only_read_tools_and_refuses_writes() {
    let zone = json!({"zone_id": "nzocorporate00000001"});
    check_read_only(&Org::start(), BIN, 18, "okta_delete_network_zone", zone, "full");
}

#[test]
fn full_mode_lists_all_within_budget_and_dry_runs_send_nothing() {
    let org = Org::start();
    check_full_listing(&org, BIN, 48, "okta_delete_network_zone", "okta-mcp-policy");
    let mut server = org.server(BIN, &["--mode", "full"]);

    let before = org.change_count();
    let dry = server
        .call(
            "okta_create_network_zone",
            json!({"type": "IP", "name": "Dry", "gateways": ["10.0.0.0/8"], "dry_run": true}),
        )
        .ok();
    assert!(dry.to_string().contains("/api/v1/zones"), "{dry}");
    let e = server.call("okta_get_auth_server", json!({"auth_server_id": "default", "extra": 1})).err();
    assert!(e.contains("unknown argument"), "{e}");
    assert_eq!(org.change_count(), before);
}

#[test]
fn sandbox_flag_and_demo() {
    let mut server = Server::start(BIN, &["--sandbox"], &[]);
    let page = server.call("okta_list_auth_servers", json!({"q": "Orders"})).ok();
    assert_eq!(rows(&page)[0]["name"], "Orders API");
    let text = demo_output(BIN);
    assert!(text.contains("okta_list_org_policy_rules") && text.contains("Finance apps"), "{text}");
    assert!(text.contains("cannot be used as"), "{text}");
}
