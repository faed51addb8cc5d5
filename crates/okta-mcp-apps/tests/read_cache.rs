//! The read cache end to end: a login repeated across calls is looked up once (within OKTA_CACHE_TTL), a change
//! to the user forgets it, and OKTA_CACHE_TTL=0 turns the cache off.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use okta_e2e::Org;
use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_okta-mcp-apps");
const SALESFORCE: &str = "0oasalesforce0000001";
const LOGIN: &str = "bob.active@example.com";
const BOB_ID: &str = "00ubobactive00000001";

/// Lookups of a user by id or login the sandbox has answered.
fn lookups(org: &Org) -> u64 {
    org.control_get("/__sandbox/stats")["requests"]["GET /api/v1/users/{id}"].as_u64().unwrap_or(0)
}

#[test]
fn a_login_is_looked_up_once_and_a_change_forgets_it() {
    let org = Org::start();
    let mut server = org.server(BIN, &["--mode", "read-write"]);
    server.call("okta_assign_user_to_app", json!({"app_id": SALESFORCE, "user": LOGIN})).ok();

    let before = lookups(&org);
    for _ in 0..3 {
        server.call("okta_get_app_user", json!({"app_id": SALESFORCE, "user": LOGIN})).ok();
    }
    assert_eq!(lookups(&org) - before, 0, "the login was already looked up by the assignment");
    let status = server.call("okta_get_rate_status", json!({})).ok();
    assert!(status["cache"]["hits"].as_u64().unwrap() >= 3, "{status}");

    // A change naming the user's id drops the lookup: the next call reads the login again.
    server
        .call(
            "okta_update_app_user",
            json!({"app_id": SALESFORCE, "user": BOB_ID, "user_name": "bob.sales@example.com"}),
        )
        .ok();
    let mid = lookups(&org);
    server.call("okta_get_app_user", json!({"app_id": SALESFORCE, "user": LOGIN})).ok();
    assert_eq!(lookups(&org) - mid, 1);

    // OKTA_CACHE_TTL=0 turns the cache off.
    let mut uncached = org.server_with(BIN, &[], &[("OKTA_CACHE_TTL", "0")]);
    let start = lookups(&org);
    for _ in 0..2 {
        uncached.call("okta_get_app_user", json!({"app_id": SALESFORCE, "user": LOGIN})).ok();
    }
    assert_eq!(lookups(&org) - start, 2);
}
