//! Bundles end to end: list and read, grant one to a user (it shows as where their values came from), remove it
//! (Okta's revoke-principal-access), and the refusals.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use okta_e2e::{Org, rows};
use serde_json::json;

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
