//! The access request catalog end to end (OAuth only): top-level entries and the children of one, search,
//! paging with Okta's entry-id cursor, one entry with its app and children, the entries a user may request
//! (not what they already hold), and bad arguments refused before anything is sent.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use okta_e2e::{Org, rows};
use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_okta-mcp-governance");
const SALESFORCE_ENTRY: &str = "censalesforce0000001";
const GITHUB_ENTRY: &str = "cengithub00000000001";
const FINANCE_ADMIN_ENTRY: &str = "censffinanceadmin001";
const ZOOM_ENTRY: &str = "cenzoom0000000000001";
const CALENDAR_ENTRY: &str = "cencalendar000000001";

fn ids(list: &serde_json::Value) -> Vec<String> {
    rows(list).iter().map(|r| r["id"].as_str().unwrap().to_owned()).collect()
}

#[test]
fn the_catalog_and_what_a_user_may_request() {
    let org = Org::start_oauth_for(BIN);
    let mut server = org.oauth_server(BIN, &[]);

    let top = server.call("okta_iga_list_catalog_entries", json!({"limit": 200})).ok();
    assert_eq!(ids(&top), [SALESFORCE_ENTRY, GITHUB_ENTRY, ZOOM_ENTRY, CALENDAR_ENTRY]);
    assert!(rows(&top).iter().all(|r| r["requestable"] == true && r["label"] == "Application"));
    let children = server.call("okta_iga_list_catalog_entries", json!({"parent": SALESFORCE_ENTRY})).ok();
    assert_eq!(ids(&children), [FINANCE_ADMIN_ENTRY]);
    assert_eq!(rows(&children)[0]["parent"], SALESFORCE_ENTRY);
    let found = server.call("okta_iga_list_catalog_entries", json!({"search": "github"})).ok();
    assert_eq!(ids(&found), [GITHUB_ENTRY]);

    // Okta's cursor here is the last entry's id.
    let first = server.call("okta_iga_list_catalog_entries", json!({"limit": 1})).ok();
    assert_eq!(ids(&first), [SALESFORCE_ENTRY]);
    let cursor = first["next_cursor"].as_str().expect("a next page").to_owned();
    let second = server.call("okta_iga_list_catalog_entries", json!({"limit": 1, "cursor": cursor})).ok();
    assert_eq!(ids(&second), [GITHUB_ENTRY]);

    let entry = server.call("okta_iga_get_catalog_entry", json!({"entry_id": SALESFORCE_ENTRY})).ok();
    assert_eq!(entry["name"], "Salesforce");
    assert_eq!(entry["appId"], "0oasalesforce0000001");
    assert_eq!(entry["children"][0]["id"], FINANCE_ADMIN_ENTRY);
    assert!(entry.get("_links").is_none());
    let missing = server.call("okta_iga_get_catalog_entry", json!({"entry_id": "cen0000000000000000x"})).err();
    assert!(missing.contains("E0000007"), "{missing}");

    // Bob has Salesforce through the Sales group: he may request the other apps, and Salesforce's Finance Admin
    // bundle.
    let bob = server.call("okta_iga_list_requestable_entries", json!({"user": "bob.active@example.com"})).ok();
    assert_eq!(ids(&bob), [GITHUB_ENTRY, ZOOM_ENTRY, CALENDAR_ENTRY]);
    let bob_children = server
        .call(
            "okta_iga_list_requestable_entries",
            json!({"user": "bob.active@example.com", "parent": SALESFORCE_ENTRY}),
        )
        .ok();
    assert_eq!(ids(&bob_children), [FINANCE_ADMIN_ENTRY]);
    let nobody = server.call("okta_iga_list_requestable_entries", json!({"user": "nobody@example.com"})).err();
    assert!(nobody.contains("E0000007") || nobody.contains("no user"), "{nobody}");
}

#[test]
fn bad_catalog_arguments_send_nothing() {
    let org = Org::start_oauth_for(BIN);
    let mut server = org.oauth_server(BIN, &[]);
    server.tool_names(); // the server has its token
    let before = org.request_count();
    let short = server.call("okta_iga_list_catalog_entries", json!({"search": "ab"})).err();
    assert!(short.contains("3 to 50 characters"), "{short}");
    let parent = server.call("okta_iga_list_catalog_entries", json!({"parent": "../x"})).err();
    assert!(parent.contains("cannot be used as"), "{parent}");
    let entry = server.call("okta_iga_get_catalog_entry", json!({"entry_id": "a/b"})).err();
    assert!(entry.contains("cannot be used as"), "{entry}");
    assert_eq!(org.request_count(), before);
}
