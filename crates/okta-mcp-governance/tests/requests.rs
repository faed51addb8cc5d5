//! Access requests end to end: list (OAuth only) and read with tasks, "approve request R" (through its approval
//! task) and the access it gives, revoking it, deny, deciding twice, an API token where Okta needs OAuth, and bad
//! arguments.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use okta_e2e::{Org, Server, rows};
use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_okta-mcp-governance");
const HENRYS_REQUEST: &str = "reqhenrygithub000001";
const SALESFORCE_ENTRY: &str = "censalesforce0000001";
const FINANCE_ADMIN_ENTRY: &str = "censffinanceadmin001";
const HENRY: &str = "00uhenryhelpdesk0001";
const SALESFORCE: &str = "0oasalesforce0000001";

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

/// Whether `user` may request the top-level `entry` (Okta lists only what the user does not hold yet).
fn may_request(server: &mut Server, user: &str, parent: Option<&str>, entry: &str) -> bool {
    let mut args = json!({"user": user, "limit": 200});
    if let Some(p) = parent {
        args["parent"] = json!(p);
    }
    let list = server.call("okta_iga_list_requestable_entries", args).ok();
    rows(&list).iter().any(|r| r["id"] == entry)
}

#[test]
fn list_and_read_requests_with_their_tasks() {
    // Okta serves the request list to OAuth access tokens only.
    let org = Org::start_oauth_for(BIN);
    let mut server = org.oauth_server(BIN, &[]);
    let pending = server.call("okta_iga_list_access_requests", json!({"status": "PENDING", "limit": 200})).ok();
    assert!(rows(&pending).iter().all(|r| r["status"] == "PENDING"));
    assert!(rows(&pending).iter().any(|r| r["id"] == HENRYS_REQUEST));
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
    let mut server = org.server(BIN, &["--mode", "full"]);
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
    // Henry has Salesforce now; take it away again (revoking works with an API token too).
    let revoked = server.call_confirmed("okta_iga_revoke_access_request", json!({"request_id": id})).ok();
    assert_eq!(revoked["request"]["revocationStatus"], "REVOKED", "{revoked}");
}

#[test]
fn approved_access_is_given_and_revoked() {
    let org = Org::start_oauth_for(BIN);
    let mut server = org.oauth_server(BIN, &["--mode", "full"]);
    // The app: Henry may request Salesforce; approved, he has it; revoked, it is gone.
    assert!(may_request(&mut server, HENRY, None, SALESFORCE_ENTRY));
    let id = new_request(&mut server);
    let before = org.change_count();
    let pending = server.call_confirmed("okta_iga_revoke_access_request", json!({"request_id": id})).err();
    assert!(pending.contains("PENDING") && pending.contains("okta_iga_deny_access_request"), "{pending}");
    assert_eq!(org.change_count(), before, "nothing is sent for a pending request");
    server.call("okta_iga_approve_access_request", json!({"request_id": id})).ok();
    let got = server.call("okta_iga_get_access_request", json!({"request_id": id})).ok();
    assert_eq!(got["grantStatus"], "GRANTED", "{got}");
    assert!(!may_request(&mut server, HENRY, None, SALESFORCE_ENTRY), "Henry has Salesforce now");
    let revoked = server.call_confirmed("okta_iga_revoke_access_request", json!({"request_id": id})).ok();
    assert_eq!(revoked["revoked"]["type"], "APPLICATION", "{revoked}");
    assert!(revoked["revoked"]["orn"].as_str().unwrap().ends_with(SALESFORCE), "{revoked}");
    assert_eq!(revoked["request"]["revocationStatus"], "REVOKED");
    assert!(may_request(&mut server, HENRY, None, SALESFORCE_ENTRY), "Salesforce is gone again");
    let again = server.call_confirmed("okta_iga_revoke_access_request", json!({"request_id": id})).err();
    assert!(again.contains("already revoked"), "{again}");

    // A bundle (a child entry of Salesforce): approved, an ENTITLEMENT-BUNDLE grant by ACCESS_REQUEST.
    let out =
        server.call("okta_iga_create_access_request", json!({"entry_id": FINANCE_ADMIN_ENTRY, "user": HENRY})).ok();
    let bundle_request = out["request"]["id"].as_str().unwrap().to_owned();
    server.call("okta_iga_approve_access_request", json!({"request_id": bundle_request})).ok();
    let active_bundle_grants = |server: &mut Server| {
        let grants = server.call("okta_iga_list_grants", json!({"user": HENRY, "app": SALESFORCE, "limit": 200})).ok();
        rows(&grants)
            .iter()
            .filter(|g| g["bundleId"] == "enbfinanceadmin00001" && g["status"] == "ACTIVE")
            .map(|g| g["actor"].clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(active_bundle_grants(&mut server), [json!("ACCESS_REQUEST")]);
    assert!(!may_request(&mut server, HENRY, Some(SALESFORCE_ENTRY), FINANCE_ADMIN_ENTRY));
    let revoked = server.call_confirmed("okta_iga_revoke_access_request", json!({"request_id": bundle_request})).ok();
    assert_eq!(revoked["revoked"]["type"], "ENTITLEMENT_BUNDLE", "{revoked}");
    assert!(active_bundle_grants(&mut server).is_empty());
    assert!(may_request(&mut server, HENRY, Some(SALESFORCE_ENTRY), FINANCE_ADMIN_ENTRY));
}

#[test]
fn an_api_token_is_refused_where_okta_needs_oauth() {
    // A sandbox of our own: in a contract run Prism itself refuses an API token on these operations.
    let org = Org::spawn(&[]);
    let mut server = org.server(BIN, &["--mode", "full"]);
    for (tool, args, scope) in [
        ("okta_iga_list_access_requests", json!({}), "okta.accessRequests.request.read"),
        ("okta_iga_list_catalog_entries", json!({}), "okta.accessRequests.catalog.read"),
        ("okta_iga_list_security_access_reviews", json!({}), "okta.governance.securityAccessReviews.admin.read"),
        (
            "okta_iga_submit_security_access_review_action",
            json!({"review_id": "sarbobsalesforce0001", "action": "CLOSE_REVIEW"}),
            "okta.governance.securityAccessReviews.admin.read",
        ),
    ] {
        let error = server.call_confirmed(tool, args).err();
        assert!(error.starts_with("needs OAuth"), "{tool}: {error}");
        assert!(error.contains("(401 E0000011)") && error.contains(scope), "{tool}: {error}");
        assert!(error.contains("OKTA_CLIENT_ID"), "{tool}: {error}");
    }
    // What takes an API token still does.
    server.call("okta_iga_get_access_request", json!({"request_id": HENRYS_REQUEST})).ok();
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
