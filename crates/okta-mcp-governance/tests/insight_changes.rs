//! "What changed for Bob in the last 7 days?" in one call (okta_iga_explain_access_changes): a group membership
//! (System Log) and an entitlement value (entitlement history, with the grant behind it) made this week appear
//! newest first with who did them, agreeing with the single-purpose tools; the window and `limit` bound the
//! answer and `next_until` pages to older entries; bad arguments send nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use okta_e2e::{Org, rows};
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_okta-mcp-governance");
const SALESFORCE: &str = "0oasalesforce0000001";
const BOB: &str = "bob.active@example.com";

fn timeline(out: &Value) -> Vec<Value> {
    assert_eq!(out["columns"], json!(["when", "kind", "what", "by", "source"]), "{out}");
    out["rows"].as_array().unwrap_or_else(|| panic!("rows in {out}")).clone()
}

#[test]
fn what_changed_for_bob_this_week() {
    // Changes Bob's access: a fresh org of our own.
    let org = Org::spawn(&[]);
    let mut server = org.server(BIN, &["--mode", "full"]);
    let mut users = org.server(okta_e2e::workspace_bin("okta-mcp-users").to_str().unwrap(), &["--mode", "read-write"]);

    let before = server.call("okta_iga_explain_access_changes", json!({"user": BOB})).ok();
    let earlier = timeline(&before).len();

    // A group, then an entitlement value.
    let finance = users.call("okta_list_groups", json!({"q": "Finance", "limit": 5})).ok();
    let finance = rows(&finance)
        .into_iter()
        .find(|g| g["name"] == "Finance")
        .unwrap_or_else(|| panic!("the Finance group: {finance}"));
    let group_id = finance["id"].as_str().unwrap().to_owned();
    users.call("okta_add_user_to_group", json!({"group_id": group_id, "user": BOB})).ok();
    let granted = support::give_finance_admin(&mut server, BOB);
    let grant_id = granted["grant"]["id"].as_str().unwrap().to_owned();

    let out = server.call("okta_iga_explain_access_changes", json!({"user": BOB, "days": 7})).ok();
    assert_eq!(out["user"]["login"], BOB);
    assert_eq!(out["window"]["days"], 7);
    assert!(out.get("needs_license").is_none(), "{out}");
    // With an API token, Okta serves access requests to OAuth only: that part says so, the rest answers.
    assert_eq!(
        out["unavailable"].as_array().map(|u| u.iter().map(|p| p["part"].clone()).collect::<Vec<_>>()),
        Some(vec![json!("access_requests")]),
        "{out}"
    );
    let entries = timeline(&out);
    assert_eq!(entries.len(), earlier + 2, "{out}");
    // Newest first: the entitlement, then the group.
    let when: Vec<&str> = entries.iter().map(|e| e[0].as_str().unwrap()).collect();
    assert!(when.windows(2).all(|w| w[0] >= w[1]), "newest first: {when:?}");
    let entitlement = &entries[0];
    assert_eq!(entitlement[1], "entitlement", "{out}");
    let what = entitlement[2].as_str().unwrap();
    assert!(what.contains("added Permission Set: Finance Admin") && what.contains(&grant_id), "{what}");
    assert_eq!(entitlement[4], "entitlement_history");
    let group = entries.iter().find(|e| e[1] == "group").unwrap_or_else(|| panic!("the group entry: {out}"));
    assert!(group[2].as_str().unwrap().contains("Finance"), "{group}");
    assert!(!group[3].as_str().unwrap().is_empty() && group[3] != "unknown", "who did it: {group}");
    assert_eq!(group[4], "system_log");
    assert!(out["summary"].as_str().unwrap().contains("1 entitlement"), "{out}");

    // The single-purpose tools agree: the entitlement history shows the same value added by the same grant,
    // and the person is in the group.
    let history = server.call("okta_iga_get_entitlement_history", json!({"user": BOB, "app": SALESFORCE})).ok();
    let newest = &history["rows"][0];
    assert!(newest[3].as_array().unwrap().contains(&json!("Permission Set: Finance Admin")), "{history}");
    assert!(newest[5].as_array().unwrap().iter().any(|g| g.as_str().unwrap().starts_with(&grant_id)), "{history}");
    let members = users.call("okta_get_user_groups", json!({"user": BOB, "limit": 200})).ok();
    assert!(rows(&members).iter().any(|g| g["id"] == group_id.as_str()), "{members}");

    // Bounded: one entry a call, then the older ones through next_until, none lost.
    let first = server.call("okta_iga_explain_access_changes", json!({"user": BOB, "limit": 1})).ok();
    assert_eq!(timeline(&first).len(), 1);
    assert_eq!(timeline(&first)[0], entries[0]);
    let next = first["next_until"].as_str().unwrap_or_else(|| panic!("next_until in {first}"));
    let older = server.call("okta_iga_explain_access_changes", json!({"user": BOB, "until": next})).ok();
    let older = timeline(&older);
    assert!(older.iter().any(|e| e[1] == "group"), "{older:?}");
    // A window that ends before the changes does not show them.
    let last_year = server
        .call("okta_iga_explain_access_changes", json!({"user": BOB, "until": "2025-12-01T00:00:00Z", "days": 30}))
        .ok();
    assert!(timeline(&last_year).iter().all(|e| !e[2].as_str().unwrap().contains(&grant_id)), "{last_year}");
}

#[test]
fn requests_with_oauth() {
    let org = Org::start_oauth_for(BIN);
    let mut server = org.oauth_server(BIN, &[]);
    // Henry asked for GitHub on 5 January 2026 (seeded).
    let args = json!({"user": "henry.helpdesk@example.com", "until": "2026-01-10T00:00:00Z", "days": 30});
    let out = server.call("okta_iga_explain_access_changes", args).ok();
    assert!(out.get("unavailable").is_none(), "{out}");
    let entries = timeline(&out);
    let request = entries.iter().find(|e| e[1] == "request").unwrap_or_else(|| panic!("the request: {out}"));
    assert_eq!(request[0], "2026-01-05T09:00:00.000Z");
    assert!(request[2].as_str().unwrap().contains("reqhenrygithub000001"), "{request}");
    assert_eq!(request[3], "00uhenryhelpdesk0001", "Henry asked himself");
    assert_eq!(request[4], "access_requests");
}

#[test]
fn bad_arguments_send_nothing() {
    let org = Org::start();
    let mut server = org.server(BIN, &[]);
    let before = org.request_count();
    for (args, says) in [
        (json!({"user": BOB, "days": 0}), "days"),
        (json!({"user": BOB, "days": 91}), "days"),
        (json!({"user": BOB, "limit": 201}), "limit"),
        (json!({"user": BOB, "until": "last tuesday"}), "until"),
        (json!({"user": "../../api/v1/users"}), "invalid arguments"),
    ] {
        let err = server.call("okta_iga_explain_access_changes", args.clone()).err();
        assert!(err.contains(says), "{args}: {err}");
    }
    assert_eq!(org.request_count(), before, "nothing was sent");
}
