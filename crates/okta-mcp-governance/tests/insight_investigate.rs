//! "What can Carol access, and is any of it risky?" in one call (okta_iga_investigate_user_access): groups, apps
//! and through which group, entitlements with the grant behind each, admin roles, pending requests and the
//! separation-of-duties rules violated now, agreeing with what the single-purpose tools (this server's and the
//! users server's) answer for the same person; the depths; a violation once Carol holds both sides of the rule.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::BTreeSet;

use okta_e2e::{Org, Server, rows};
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_okta-mcp-governance");
const SALESFORCE: &str = "0oasalesforce0000001";
const CAROL: &str = "carol.finance@example.com";
const BOB: &str = "bob.active@example.com";

fn items(out: &Value, part: &str) -> Vec<Value> {
    out[part]["items"].as_array().unwrap_or_else(|| panic!("{part} in {out}")).clone()
}

fn ids(list: impl IntoIterator<Item = Value>, key: &str) -> BTreeSet<String> {
    list.into_iter().map(|v| v[key].as_str().unwrap_or_else(|| panic!("{key} in {v}")).to_owned()).collect()
}

/// (value id, grant ids) of every entitlement value, as the investigation shows them.
fn values_and_grants(rows: &[Value]) -> BTreeSet<(String, Vec<String>)> {
    rows.iter()
        .map(|r| {
            let grants = r["grants"].as_array().unwrap().iter().map(|g| g["grantId"].as_str().unwrap().to_owned());
            (r["valueId"].as_str().unwrap().to_owned(), grants.collect())
        })
        .collect()
}

fn agrees_with_single_purpose_tools(server: &mut Server, users: &mut Server, login: &str) {
    let out = server.call("okta_iga_investigate_user_access", json!({"user": login})).ok();
    assert_eq!(out["user"]["login"], login, "{out}");
    assert_eq!(out["depth"], "detailed");
    let uid = out["user"]["id"].as_str().unwrap().to_owned();

    // Entitlements: what okta_iga_list_user_entitlements answers for Salesforce, value by value, grant by grant.
    let single = server.call("okta_iga_list_user_entitlements", json!({"user": login, "app": SALESFORCE})).ok();
    let expected: BTreeSet<(String, Vec<String>)> = single["entitlements"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|e| e["values"].as_array().unwrap().clone())
        .map(|v| {
            let grants = v["from"].as_array().unwrap().iter().map(|g| g["grantId"].as_str().unwrap().to_owned());
            (v["id"].as_str().unwrap().to_owned(), grants.collect())
        })
        .collect();
    assert!(!expected.is_empty(), "{login} holds Salesforce values: {single}");
    let salesforce: Vec<Value> =
        items(&out, "entitlements").into_iter().filter(|r| r["app"]["id"] == SALESFORCE).collect();
    assert_eq!(values_and_grants(&salesforce), expected, "{out}");

    // Groups, apps and admin roles: what the users server answers.
    let groups = users.call("okta_get_user_groups", json!({"user": uid, "limit": 200})).ok();
    assert_eq!(ids(items(&out, "groups"), "id"), ids(rows(&groups).into_iter().map(Value::Object), "id"));
    assert_eq!(out["groups"]["count"], groups["count"]);
    let apps = users.call("okta_get_user_apps", json!({"user": uid})).ok();
    assert_eq!(ids(items(&out, "apps"), "id"), ids(apps["apps"].as_array().unwrap().clone(), "appInstanceId"));
    let roles = users.call("okta_get_user_roles", json!({"user": uid})).ok();
    assert_eq!(out["admin_roles"]["count"], roles["count"], "{out}");
    assert_eq!(ids(items(&out, "admin_roles"), "type"), ids(roles["roles"].as_array().unwrap().clone(), "type"));
}

#[test]
fn the_investigation_agrees_with_the_single_purpose_tools() {
    // A sandbox of our own: with an API token the investigation asks for the request list, which Okta (and so
    // Prism, in a contract run) serves to OAuth only; and other tests change Bob's groups and apps.
    let org = Org::spawn(&[]);
    let mut server = org.server(BIN, &[]);
    let mut users = org.server(okta_e2e::workspace_bin("okta-mcp-users").to_str().unwrap(), &[]);
    agrees_with_single_purpose_tools(&mut server, &mut users, CAROL);
    agrees_with_single_purpose_tools(&mut server, &mut users, BOB);
}

#[test]
fn apps_say_through_which_group_and_entitlements_which_grant() {
    // A sandbox of our own: with an API token the investigation asks for the request list, which Okta (and so
    // Prism, in a contract run) serves to OAuth only; and other tests change Bob's groups and apps.
    let org = Org::spawn(&[]);
    let mut server = org.server(BIN, &[]);
    let bob = server.call("okta_iga_investigate_user_access", json!({"user": BOB})).ok();
    let apps = items(&bob, "apps");
    let salesforce = apps.iter().find(|a| a["id"] == SALESFORCE).expect("Bob has Salesforce");
    assert_eq!(salesforce["scope"], "GROUP");
    let via = ids(salesforce["via"].as_array().unwrap().clone(), "name");
    assert!(via.contains("Sales"), "{salesforce}");
    let expenses = apps.iter().find(|a| a["label"] == "Expense Tracker").expect("Expense Tracker");
    assert_eq!(expenses["scope"], "USER");
    assert!(expenses.get("via").is_none());
    let standard = items(&bob, "entitlements").into_iter().find(|r| r["value"] == "Standard User").unwrap();
    assert_eq!(standard["entitlement"], "Profile");
    assert_eq!(standard["grants"][0]["grantType"], "POLICY");
    assert_eq!(standard["grants"][0]["grantId"], "grabobsfpolicy000001");
    assert_eq!(bob["sod_violations"]["count"], 0);
    // Requests are served to OAuth only: with an API token that part says so, and the rest still answers.
    assert_eq!(bob["pending_requests"], Value::Null);
    let why = bob["unavailable"].as_array().unwrap().iter().find(|u| u["part"] == "pending_requests").unwrap();
    assert!(why["reason"].as_str().unwrap().contains("needs OAuth"), "{why}");
    assert!(bob["summary"].as_str().unwrap().starts_with("bob.active@example.com is ACTIVE: 3 groups"), "{bob}");
}

#[test]
fn depths_shape_the_answer() {
    // A sandbox of our own: with an API token the investigation asks for the request list, which Okta (and so
    // Prism, in a contract run) serves to OAuth only; and other tests change Bob's groups and apps.
    let org = Org::spawn(&[]);
    let mut server = org.server(BIN, &[]);
    let summary = server.call("okta_iga_investigate_user_access", json!({"user": BOB, "depth": "summary"})).ok();
    assert_eq!(summary["depth"], "summary");
    let lines: Vec<Value> = items(&summary, "apps");
    assert!(lines.contains(&json!("Expense Tracker (direct)")), "{summary}");
    assert!(lines.iter().any(|l| l.as_str().unwrap().starts_with("Salesforce (via ")), "{summary}");
    assert!(
        items(&summary, "entitlements")
            .contains(&json!("Salesforce: Profile: Standard User (POLICY grant grabobsfpolicy000001)")),
        "{summary}"
    );
    assert!(summary["user"].get("profile").is_none());
    let full = server.call("okta_iga_investigate_user_access", json!({"user": BOB, "depth": "full"})).ok();
    assert_eq!(full["user"]["profile"]["login"], BOB);
    assert!(items(&full, "entitlements").iter().all(|r| r.get("externalValue").is_some()));
    let detailed = server.call("okta_iga_investigate_user_access", json!({"user": BOB})).ok();
    assert!(items(&detailed, "entitlements").iter().all(|r| r.get("externalValue").is_none()));
    // A summary is smaller than the detailed answer, and that than the full one.
    let size = |v: &Value| v.to_string().len();
    assert!(size(&summary) < size(&detailed) && size(&detailed) < size(&full));
    // Within a context budget: Alice (super admin, the most access of the seeded people) in a few kilobytes.
    let alice = json!({"user": "alice.active@example.com", "depth": "summary"});
    assert!(server.call_wire_size("okta_iga_investigate_user_access", alice) < 4_000);
    let alice = json!({"user": "alice.active@example.com"});
    assert!(server.call_wire_size("okta_iga_investigate_user_access", alice) < 12_000);

    let bad = server.call("okta_iga_investigate_user_access", json!({"user": BOB, "depth": "everything"})).err();
    assert!(bad.contains("depth") || bad.contains("unknown variant"), "{bad}");
    let before = org.request_count();
    let hostile = server.call("okta_iga_investigate_user_access", json!({"user": "../../api/v1/users"})).err();
    assert!(hostile.contains("invalid arguments"), "{hostile}");
    assert_eq!(org.request_count(), before, "nothing was sent");
}

#[test]
fn carol_holding_both_sides_of_a_rule_is_a_violation() {
    // Changes Carol's access: a fresh org of our own.
    let org = Org::spawn(&[]);
    let mut server = org.server(BIN, &["--mode", "full"]);
    let before = server.call("okta_iga_investigate_user_access", json!({"user": CAROL})).ok();
    assert_eq!(before["sod_violations"]["count"], 0, "{before}");
    let sysadmin = items(&before, "entitlements").into_iter().find(|r| r["value"] == "System Administrator").unwrap();
    assert_eq!(sysadmin["grants"][0]["grantId"], "gracarolsfadmin00001");
    support::give_finance_admin(&mut server, CAROL);
    let after = server.call("okta_iga_investigate_user_access", json!({"user": CAROL})).ok();
    let violations = items(&after, "sod_violations");
    assert_eq!(violations.len(), 1, "{after}");
    assert_eq!(violations[0]["ruleId"], "rulfinancesysadmin01");
    assert_eq!(violations[0]["conflicting"], json!(["Permission Set: Finance Admin", "Profile: System Administrator"]));
    assert!(after["summary"].as_str().unwrap().ends_with("1 SoD violations"), "{after}");
    let summary = server.call("okta_iga_investigate_user_access", json!({"user": CAROL, "depth": "summary"})).ok();
    assert_eq!(
        items(&summary, "sod_violations"),
        [json!(
            "Finance Admin and System Administrator: Permission Set: Finance Admin + Profile: System Administrator"
        )]
    );
    // Okta's own assessment agrees: with Finance Admin already held, the bundle adds a conflict.
    let okta = server
        .call(
            "okta_iga_assess_risk",
            json!({"user": CAROL, "entitlement_id": "espsfpermset00000001",
                                             "value_ids": ["entsffinanceadmin001"]}),
        )
        .ok();
    assert_eq!(okta["violations"][0]["ruleId"], "rulfinancesysadmin01", "{okta}");
}

#[test]
fn pending_requests_with_oauth() {
    let org = Org::start_oauth_for(BIN);
    let mut server = org.oauth_server(BIN, &[]);
    let henry = server.call("okta_iga_investigate_user_access", json!({"user": "henry.helpdesk@example.com"}));
    let henry = henry.ok();
    let requests = items(&henry, "pending_requests");
    assert!(
        requests.iter().any(|r| r["id"] == "reqhenrygithub000001" && r["entryId"] == "cengithub00000000001"),
        "{henry}"
    );
    assert!(henry.get("unavailable").is_none(), "{henry}");
    assert_eq!(items(&henry, "admin_roles")[0]["type"], "HELP_DESK_ADMIN", "{henry}");
    let bob = server.call("okta_iga_investigate_user_access", json!({"user": BOB})).ok();
    assert_eq!(bob["pending_requests"]["count"], 0, "{bob}");
}
