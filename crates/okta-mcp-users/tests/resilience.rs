//! Rate limits and server errors end to end: a 429 waits until Okta's reset and succeeds; a limit that resets
//! too late is explained; 5xx are retried for reads but never for POST.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use okta_e2e::Org;
use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_okta-mcp-users");

#[test]
fn rate_limited_calls_wait_for_the_reset_then_succeed() {
    let org = Org::spawn(&["--rate-limit", "users=3", "--rate-limit-window-secs", "1"]);
    let mut server = org.server(BIN, &[]);
    for _ in 0..6 {
        let page = server.call("okta_list_users", json!({"limit": 2})).ok();
        assert_eq!(page["count"], 2);
    }
    assert!(org.request_count() > 6, "no request was rate limited");
    let log = server.stderr_with("429");
    assert!(log.contains("429"), "the retry is not logged:\n{log}");
}

#[test]
fn a_rate_limit_that_resets_too_late_is_explained() {
    let org = Org::spawn(&["--rate-limit", "users=1", "--rate-limit-window-secs", "600"]);
    let mut server = org.server(BIN, &[]);
    server.call("okta_list_users", json!({"limit": 1})).ok();
    let error = server.call("okta_list_users", json!({"limit": 1})).err();
    assert!(error.contains("E0000047"), "{error}");
    assert!(error.contains("rate limit"), "{error}");
}

#[test]
fn server_errors_are_retried_for_reads() {
    let org = Org::spawn(&["--fault-5xx-first", "2"]);
    let mut server = org.server(BIN, &[]);
    let page = server.call("okta_list_groups", json!({"limit": 1})).ok();
    assert_eq!(page["count"], 1);
}

#[test]
fn post_is_never_retried() {
    let org = Org::spawn(&[]);
    let mut server = org.server(BIN, &["--mode", "read-write"]);
    // The server is up (and has read what it needs at startup): the next request, the POST, fails once.
    org.control_post("/__sandbox/faults", json!({"5xx_next": 1}));
    let error = server.call("okta_create_group", json!({"name": "Retry Test"})).err();
    assert!(error.contains("503") || error.contains("500"), "{error}");
    // The group was not created twice by a silent retry: one create now succeeds, a second is a duplicate.
    server.call("okta_create_group", json!({"name": "Retry Test"})).ok();
    assert!(server.call("okta_create_group", json!({"name": "Retry Test"})).err().contains("E0000001"));
}
