//! Bundles end to end: list and read, grant one to a user (it shows as where their values came from), remove it
//! (Okta's revoke-principal-access), create one by value names, update it (its holders get the new values),
//! delete it (Okta revokes it from its holders), and the refusals.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use okta_e2e::{Org, Server, rows, unique};
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_okta-mcp-governance");
const SALESFORCE: &str = "0oasalesforce0000001";
const FINANCE_BUNDLE: &str = "enbfinanceadmin00001";
const HENRY: &str = "henry.helpdesk@example.com";

#[test]
fn list_and_read_bundles() {
    let org = Org::start();
    let mut server = org.server(BIN, &[]);
    let list = server.call("okta_iga_list_bundles", json!({"app": SALESFORCE})).ok();
    let finance = rows(&list).into_iter().find(|b| b["id"] == FINANCE_BUNDLE).expect("Finance Admin bundle");
    assert_eq!(finance["name"], "Finance Admin");
    assert_eq!(finance["appId"], SALESFORCE);
    let named = server.call("okta_iga_list_bundles", json!({"name": "Finance Admin"})).ok();
    assert_eq!(rows(&named)[0]["id"], FINANCE_BUNDLE);
    let got = server
        .call(
            "okta_iga_get_bundle",
            json!({"bundle_id": "orn:okta:governance:00osandboxorg0000001:entitlement-bundles:enbfinanceadmin00001"}),
        )
        .ok();
    assert_eq!(got["entitlements"][0]["values"].as_array().unwrap().len(), 2);
    assert!(got.get("_links").is_none());
}

#[test]
fn grant_and_remove_the_finance_admin_bundle() {
    let org = Org::start();
    let mut server = org.server(BIN, &["--mode", "full"]);
    let granted = server
        .call(
            "okta_iga_assign_bundle_to_user",
            json!({"bundle_id": FINANCE_BUNDLE, "user": HENRY, "expires": "2099-01-01T00:00:00Z"}),
        )
        .ok();
    assert_eq!(granted["bundle"]["name"], "Finance Admin");
    assert_eq!(granted["grant"]["status"], "ACTIVE");
    let has = server.call("okta_iga_list_user_entitlements", json!({"user": HENRY, "app": SALESFORCE})).ok();
    let values = has["entitlements"][0]["values"].as_array().unwrap();
    let finance = values.iter().find(|v| v["name"] == "Finance Admin").expect("Finance Admin from the bundle");
    assert_eq!(finance["from"][0]["grantType"], "ENTITLEMENT-BUNDLE");
    assert_eq!(finance["from"][0]["bundle"]["name"], "Finance Admin");
    assert_eq!(finance["from"][0]["expires"], "2099-01-01T00:00:00Z");

    let removed = server
        .call_confirmed("okta_iga_remove_bundle_from_user", json!({"bundle_id": FINANCE_BUNDLE, "user": HENRY}))
        .ok();
    assert_eq!(removed["result"], "bundle removed");
    assert_eq!(removed["grants_ended"].as_array().unwrap().len(), 1);
    let has = server.call("okta_iga_list_user_entitlements", json!({"user": HENRY, "app": SALESFORCE})).ok();
    assert_eq!(has["count"], 0);

    let before = org.change_count();
    let again = server
        .call_confirmed("okta_iga_remove_bundle_from_user", json!({"bundle_id": FINANCE_BUNDLE, "user": HENRY}))
        .err();
    assert!(again.contains("has no active grant of bundle"), "{again}");
    assert_eq!(org.change_count(), before);
}

#[test]
fn bad_bundles_and_arguments() {
    let org = Org::start();
    let mut server = org.server(BIN, &["--mode", "full"]);
    let before = org.request_count();
    let bad = server.call("okta_iga_get_bundle", json!({"bundle_id": "../enb"})).err();
    assert!(bad.contains("cannot be used as"), "{bad}");
    let past = server
        .call(
            "okta_iga_assign_bundle_to_user",
            json!({"bundle_id": FINANCE_BUNDLE, "user": HENRY, "expires": "2001-01-01T00:00:00Z"}),
        )
        .err();
    assert!(past.contains("must be in the future"), "{past}");
    assert_eq!(org.request_count(), before);
    let missing = server.call("okta_iga_get_bundle", json!({"bundle_id": "enb0000000000000000x"})).err();
    assert!(missing.contains("E0000007"), "{missing}");
}

/// What a user has in Salesforce: `Entitlement: Value` → where it came from.
fn held(server: &mut Server, user: &str) -> Vec<(String, Value)> {
    let out = server.call("okta_iga_list_user_entitlements", json!({"user": user, "app": SALESFORCE})).ok();
    out["entitlements"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|e| {
            e["values"].as_array().unwrap().iter().map(move |v| {
                (format!("{}: {}", e["name"].as_str().unwrap(), v["name"].as_str().unwrap()), v["from"].clone())
            })
        })
        .collect()
}

#[test]
fn create_update_and_delete_a_bundle() {
    let org = Org::start();
    let mut server = org.server(BIN, &["--mode", "full"]);
    let eddie = "eddie.expired@example.com";
    let name = unique("E2E Bundle ");
    let changes = org.change_count();
    let unknown = server
        .call("okta_iga_create_bundle",
              json!({"name": name, "app": SALESFORCE, "values": ["Permission Set: Reports Viewer", "Permission Set: Nope"]}))
        .err();
    assert!(
        unknown.contains("is not a value of app 0oasalesforce0000001") && unknown.contains("Profile: Standard User"),
        "{unknown}"
    );
    let before = org.request_count();
    let empty = server.call("okta_iga_create_bundle", json!({"name": name, "app": SALESFORCE, "values": []})).err();
    assert!(empty.contains("1 to 100"), "{empty}");
    assert_eq!(org.request_count(), before);
    assert_eq!(org.change_count(), changes);

    let created = server
        .call(
            "okta_iga_create_bundle",
            json!({"name": name, "description": "E2E", "app": SALESFORCE,
                   "values": ["permission set: reports viewer", "entsfpayments0000001"]}),
        )
        .ok();
    assert_eq!(created["values"], json!(["Permission Set: Reports Viewer", "Permission Set: Payments Approver"]));
    assert_eq!(created["created"]["status"], "ACTIVE");
    let id = created["created"]["id"].as_str().unwrap().to_owned();
    let got = server.call("okta_iga_get_bundle", json!({"bundle_id": id})).ok();
    assert_eq!(got["entitlements"][0]["values"].as_array().unwrap().len(), 2);
    let again = server
        .call("okta_iga_create_bundle", json!({"name": name, "app": SALESFORCE, "values": ["Finance Admin"]}))
        .err();
    assert!(again.contains("already exists"), "{again}");

    server.call("okta_iga_assign_bundle_to_user", json!({"bundle_id": id, "user": eddie})).ok();
    let updated = server
        .call(
            "okta_iga_update_bundle",
            json!({"bundle_id": id, "name": format!("{name} v2"), "add_values": ["Profile: Standard User"],
                   "remove_values": ["Reports Viewer"]}),
        )
        .ok();
    assert_eq!(updated["changed"]["values"]["added"], json!(["Profile: Standard User"]), "{updated}");
    assert_eq!(updated["changed"]["values"]["removed"], json!(["Permission Set: Reports Viewer"]));
    assert_eq!(updated["changed"]["name"]["to"], format!("{name} v2"));
    assert_eq!(updated["active_grants_updated"], 1);
    assert_eq!(updated["bundle"]["name"], format!("{name} v2"));
    let has = held(&mut server, eddie);
    let labels: Vec<&str> = has.iter().map(|(l, _)| l.as_str()).collect();
    assert!(
        labels.contains(&"Profile: Standard User") && labels.contains(&"Permission Set: Payments Approver"),
        "{has:?}"
    );
    assert!(!labels.contains(&"Permission Set: Reports Viewer"), "{has:?}");
    assert!(has.iter().all(|(_, from)| from[0]["grantType"] == "ENTITLEMENT-BUNDLE"));

    let changes = org.change_count();
    let same = server.call("okta_iga_update_bundle", json!({"bundle_id": id, "name": format!("{name} v2")})).ok();
    assert_eq!(same["changed"], json!({}));
    let all = server
        .call(
            "okta_iga_update_bundle",
            json!({"bundle_id": id, "remove_values": ["Profile: Standard User", "Payments Approver"]}),
        )
        .err();
    assert!(all.contains("at least one value"), "{all}");
    let foreign =
        server.call("okta_iga_update_bundle", json!({"bundle_id": id, "remove_values": ["Finance Admin"]})).err();
    assert!(foreign.contains("is not in bundle"), "{foreign}");
    assert_eq!(org.change_count(), changes);

    let deleted = server.call_confirmed("okta_iga_delete_bundle", json!({"bundle_id": id})).ok();
    assert_eq!(deleted["revoked_from"], json!(["00ueddieexpired00001"]), "{deleted}");
    assert!(held(&mut server, eddie).is_empty(), "deleting the bundle revoked it");
    let got = server.call("okta_iga_get_bundle", json!({"bundle_id": id})).ok();
    assert_eq!(got["status"], "DELETED");
    let changes = org.change_count();
    let twice = server.call_confirmed("okta_iga_delete_bundle", json!({"bundle_id": id})).err();
    assert!(twice.contains("already DELETED"), "{twice}");
    let grant = server.call("okta_iga_assign_bundle_to_user", json!({"bundle_id": id, "user": eddie})).err();
    assert!(grant.contains("is DELETED"), "{grant}");
    assert_eq!(org.change_count(), changes);
    let missing = server.call_confirmed("okta_iga_delete_bundle", json!({"bundle_id": "enb0000000000000000x"})).err();
    assert!(missing.contains("E0000007"), "{missing}");
}
