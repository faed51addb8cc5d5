//! Rate limits and server errors end to end: a 429 waits until Okta's reset and succeeds; a limit that resets
//! too late is explained (by the governor before sending, or from Okta's 429); 5xx are retried for reads but never for POST.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use okta_e2e::Org;
use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_okta-mcp-users");

#[test]
fn rate_limited_calls_wait_for_the_reset_then_succeed() {
    // Two integrations share the bucket: the other one uses what this server thought was left, so this server's
    // next request meets a 429 (its governor cannot know), waits for the reset and succeeds.
    let org = Org::spawn(&["--rate-limit", "users=3", "--rate-limit-window-secs", "2"]);
    let mut server = org.server_with(BIN, &[], &[("OKTA_RATE_SHARE", "1")]);
    let mut other = org.server_with(BIN, &[], &[("OKTA_RATE_SHARE", "1")]);
    assert_eq!(server.call("okta_list_users", json!({"limit": 2})).ok()["count"], 2);
    for _ in 0..2 {
        assert_eq!(other.call("okta_list_users", json!({"limit": 2})).ok()["count"], 2);
    }
    let rejected = org.control_get("/__sandbox/stats")["rate_limited"].as_u64().unwrap();
    assert_eq!(server.call("okta_list_users", json!({"limit": 2})).ok()["count"], 2);
    let after = org.control_get("/__sandbox/stats")["rate_limited"].as_u64().unwrap();
    assert!(after > rejected, "no request was rate limited");
    let log = server.stderr_with("429");
    assert!(log.contains("429"), "the retry is not logged:\n{log}");
}

#[test]
fn a_rate_limit_that_resets_too_late_is_explained() {
    // The governor knows the share is used up until a reset ten minutes away: nothing is sent.
    let org = Org::spawn(&["--rate-limit", "users=1", "--rate-limit-window-secs", "600"]);
    let mut server = org.server(BIN, &[]);
    server.call("okta_list_users", json!({"limit": 1})).ok();
    let before = org.request_count();
    let error = server.call("okta_list_users", json!({"limit": 1})).err();
    assert!(error.contains("rate limit"), "{error}");
    assert!(error.contains("OKTA_RATE_SHARE"), "{error}");
    assert_eq!(org.request_count(), before, "nothing was sent");
    // Okta's own 429 with a reset too far away is explained too (another integration used the bucket up).
    let org = Org::spawn(&["--rate-limit", "users=1", "--rate-limit-window-secs", "600"]);
    let mut other = org.server(BIN, &[]);
    other.call("okta_list_users", json!({"limit": 1})).ok();
    let mut server = org.server(BIN, &[]);
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
