//! The rate governor end to end: a burst of calls against a rate-limited sandbox keeps to
//! OKTA_RATE_SHARE of the bucket and never sees a 429, the waits reach the client as progress, and
//! `okta_get_rate_status` shows what the governor learnt.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use okta_e2e::Org;
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_okta-mcp-users");

fn rate_limited(org: &Org) -> u64 {
    org.control_get("/__sandbox/stats")["rate_limited"].as_u64().expect("rate_limited")
}

#[test]
fn a_governed_burst_keeps_to_its_share_and_shows_it() {
    let org = Org::spawn(&["--rate-limit", "users=10", "--rate-limit-window-secs", "2"]);
    let mut server = org.server_with(BIN, &[], &[("OKTA_RATE_SHARE", "0.5")]);
    let before = org.control_get("/__sandbox/stats")["requests"]["GET /api/v1/users"].as_u64().unwrap_or(0);
    let started = std::time::Instant::now();
    for i in 0..12 {
        let id = server.start_request(
            "tools/call",
            json!({"name": "okta_list_users", "arguments": {"limit": 1}, "_meta": {"progressToken": format!("p{i}")}}),
        );
        assert_eq!(server.finish_call(id).ok()["count"], 1);
    }
    // Five a window (half of ten): twelve calls span three windows.
    assert!(started.elapsed() >= std::time::Duration::from_secs(3), "{:?}", started.elapsed());
    assert_eq!(rate_limited(&org), 0, "the governor kept below the limit");
    let after = org.control_get("/__sandbox/stats")["requests"]["GET /api/v1/users"].as_u64().unwrap_or(0);
    assert_eq!(after - before, 12);

    let waits: Vec<&Value> = server
        .notifications
        .iter()
        .filter(|n| n["method"] == "notifications/progress")
        .filter(|n| n["params"]["message"].as_str().is_some_and(|m| m.contains("rate limit")))
        .collect();
    assert!(!waits.is_empty(), "a wait was announced as progress: {:?}", server.notifications);

    let status = server.call("okta_get_rate_status", json!({})).ok();
    assert_eq!(status["governor"]["share"], 0.5);
    assert_eq!(status["columns"][1], "path");
    let users = status["rows"].as_array().unwrap().iter().find(|r| r[1] == "/api/v1/users").expect("users bucket");
    assert_eq!((users[0].as_str(), users[2].as_u64(), users[5].as_u64()), (Some("GET"), Some(10), Some(5)));
}
