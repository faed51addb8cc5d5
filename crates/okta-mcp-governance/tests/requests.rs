//! Access requests end to end: list and read with tasks, "approve request R" (through its approval task), deny,
//! deciding twice, and bad arguments.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use okta_e2e::{Org, Server, rows};
use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_okta-mcp-governance");
const HENRYS_REQUEST: &str = "reqhenrygithub000001";
const SALESFORCE_ENTRY: &str = "censalesforce0000001";

/// A new PENDING request of our own (for Henry, Salesforce); its id.
fn new_request(server: &mut Server) -> String {
    let out = server
        .call(
            "okta_iga_create_access_request",
            json!({"entry_id": SALESFORCE_ENTRY, "user": "henry.helpdesk@example.com"}),
        )
        .ok();
    assert_eq!(out["request"]["status"], "SUBMITTED", "{out}");
    assert_eq!(out["request"]["requestedFor"], "00uhenryhelpdesk0001");
    out["request"]["id"].as_str().unwrap().to_owned()
}

#[test]
fn list_and_read_requests_with_their_tasks() {
    let org = Org::start();
    let mut server = org.server(BIN, &[]);
    // Okta serves the request list to OAuth only; a contract run (Prism, API token) enforces that.
    if std::env::var("OKTA_E2E_ORG_URL").is_err() {
        let pending = server.call("okta_iga_list_access_requests", json!({"status": "PENDING", "limit": 200})).ok();
        assert!(rows(&pending).iter().all(|r| r["status"] == "PENDING"));
        assert!(rows(&pending).iter().any(|r| r["id"] == HENRYS_REQUEST));
    }
    let got = server.call("okta_iga_get_access_request", json!({"request_id": HENRYS_REQUEST})).ok();
    assert_eq!(got["requestedFor"]["externalId"], "00uhenryhelpdesk0001");
    assert_eq!(got["requested"]["resourceId"], "0oagithub00000000001");
    assert_eq!(got["tasks"][0]["type"], "APPROVAL");
    assert!(got.get("_links").is_none());
    let missing = server.call("okta_iga_get_access_request", json!({"request_id": "req0000000000000000x"})).err();
    assert!(missing.contains("E0000007"), "{missing}");
}

#[test]
fn approve_request_r() {
    let org = Org::start();
    let mut server = org.server(BIN, &["--mode", "read-write"]);
    let id = new_request(&mut server);
    let approved = server.call("okta_iga_approve_access_request", json!({"request_id": id})).ok();
    assert_eq!(approved["request"]["status"], "APPROVED");
    assert!(approved["request"]["resolved"].is_string());
    assert_eq!(approved["task"]["status"], "COMPLETED");
    assert_eq!(approved["task"]["value"], "APPROVED");
    let before = org.change_count();
    let again = server.call("okta_iga_deny_access_request", json!({"request_id": id})).err();
    assert!(again.contains("is APPROVED and has no open approval task"), "{again}");
    assert_eq!(org.change_count(), before);
}

#[test]
fn deny_a_request() {
    let org = Org::start();
    let mut server = org.server(BIN, &["--mode", "read-write"]);
    let id = new_request(&mut server);
    let denied = server.call("okta_iga_deny_access_request", json!({"request_id": id})).ok();
    assert_eq!(denied["request"]["status"], "DENIED");
    let got = server.call("okta_iga_get_access_request", json!({"request_id": id})).ok();
    assert_eq!(got["status"], "DENIED");
    assert_eq!(got["tasks"][0]["value"], "DENIED");
}

#[test]
fn bad_requests() {
    let org = Org::start();
    let mut server = org.server(BIN, &["--mode", "read-write"]);
    let before = org.request_count();
    let bad = server.call("okta_iga_approve_access_request", json!({"request_id": "../req"})).err();
    assert!(bad.contains("cannot be used as"), "{bad}");
    let entry =
        server.call("okta_iga_create_access_request", json!({"entry_id": "a/b", "user": "00uhenryhelpdesk0001"})).err();
    assert!(entry.contains("cannot be used as"), "{entry}");
    assert_eq!(org.request_count(), before);
    let unknown = server
        .call(
            "okta_iga_create_access_request",
            json!({"entry_id": "cen0000000000000000x", "user": "00uhenryhelpdesk0001"}),
        )
        .err();
    assert!(unknown.contains("E0000001") && unknown.contains("no catalog entry"), "{unknown}");
}
