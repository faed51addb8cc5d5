//! Entitlements end to end: Salesforce's entitlements and values, "what does Bob have in Salesforce and where
//! did it come from", assigning and revoking values through grants, ORNs, creating, updating (existing values
//! stay) and deleting an entitlement, and the refusals.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use okta_e2e::{Org, rows, unique};
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_okta-mcp-governance");
const SALESFORCE: &str = "0oasalesforce0000001";
const SALESFORCE_ORN: &str = "orn:okta:idp:00osandboxorg0000001:apps:0oasalesforce0000001";
const PROFILE: &str = "espsfprofile00000001";
const PERMSET: &str = "espsfpermset00000001";
const STANDARD: &str = "entsfstandard0000001";
const SYSADMIN: &str = "entsfsysadmin0000001";
const FINANCE: &str = "entsffinanceadmin001";
const PAYMENTS: &str = "entsfpayments0000001";
const REPORTS: &str = "entsfreports00000001";

fn value<'a>(out: &'a Value, entitlement: &str, value: &str) -> Option<&'a Value> {
    out["entitlements"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["id"] == entitlement)
        .flat_map(|e| e["values"].as_array().unwrap())
        .find(|v| v["id"] == value)
}

#[test]
fn salesforce_entitlements_and_values() {
    let org = Org::start();
    let mut server = org.server(BIN, &[]);
    let list = server.call("okta_iga_list_entitlements", json!({"app": SALESFORCE_ORN})).ok();
    let names: Vec<Value> = rows(&list).iter().map(|r| r["name"].clone()).collect();
    assert!(names.contains(&json!("Profile")) && names.contains(&json!("Permission Set")), "{names:?}");
    assert!(rows(&list).iter().all(|r| r["appId"] == SALESFORCE));
    let named = server.call("okta_iga_list_entitlements", json!({"name": "Permission Set"})).ok();
    assert_eq!(rows(&named)[0]["id"], PERMSET);
    assert_eq!(rows(&named)[0]["multiValue"], true);

    let got = server.call("okta_iga_get_entitlement", json!({"entitlement_id": PROFILE})).ok();
    assert_eq!(got["values"].as_array().unwrap().len(), 2);
    assert!(got.get("_links").is_none() && got["values"][0].get("_links").is_none());
    assert!(got["values"][0]["orn"].as_str().unwrap().starts_with("orn:okta:governance:"));

    let values = server.call("okta_iga_list_entitlement_values", json!({"entitlement_id": PERMSET, "limit": 2})).ok();
    assert_eq!(values["count"], 2);
    let rest = server
        .call("okta_iga_list_entitlement_values", json!({"entitlement_id": PERMSET, "cursor": values["next_cursor"]}))
        .ok();
    assert_eq!(rest["count"], 1);
    let all: Vec<Value> = rows(&values).iter().chain(rows(&rest).iter()).map(|r| r["name"].clone()).collect();
    assert!(all.contains(&json!("Finance Admin")));
}

#[test]
fn what_bob_has_in_salesforce_and_where_it_came_from() {
    let org = Org::start();
    let mut server = org.server(BIN, &[]);
    let out = server
        .call("okta_iga_list_user_entitlements", json!({"user": "bob.active@example.com", "app": SALESFORCE}))
        .ok();
    assert_eq!(out["user_id"], "00ubobactive00000001");
    let standard = value(&out, PROFILE, STANDARD).expect("Standard User");
    assert_eq!(standard["name"], "Standard User");
    assert_eq!(standard["from"][0]["grantType"], "POLICY");
    assert_eq!(standard["from"][0]["grantMethod"], "POLICY");
    assert_eq!(standard["from"][0]["grantId"], "grabobsfpolicy000001");
    let reports = value(&out, PERMSET, REPORTS).expect("Reports Viewer");
    assert_eq!(reports["from"][0]["grantMethod"], "ADMIN");
    assert!(value(&out, PROFILE, SYSADMIN).is_none(), "System Administrator is Alice's");
}

#[test]
fn assign_and_revoke_through_grants() {
    // Changes a seeded user's access: always a fresh org of our own.
    let org = Org::spawn(&[]);
    let mut server = org.server(BIN, &["--mode", "full"]);
    let bob = "bob.active@example.com";
    let granted = server
        .call(
            "okta_iga_assign_entitlement",
            json!({"user": bob, "app": SALESFORCE, "entitlement_id": PERMSET,
                   "value_ids": [FINANCE, format!("orn:okta:governance:00osandboxorg0000001:entitlement-values:{PAYMENTS}")],
                   "expires": "2099-12-31T17:00:00Z"}),
        )
        .ok();
    assert_eq!(granted["values"], json!(["Finance Admin", "Payments Approver"]));
    assert_eq!(granted["grant"]["grantType"], "ENTITLEMENT", "additive: what Bob holds stays");
    assert_eq!(granted["grant"]["action"], "ALLOW");
    assert_eq!(granted["grant"]["expires"], "2099-12-31T17:00:00Z");
    let out = server.call("okta_iga_list_user_entitlements", json!({"user": bob, "app": SALESFORCE})).ok();
    let finance = value(&out, PERMSET, FINANCE).expect("Finance Admin granted");
    assert_eq!(finance["from"][0]["grantMethod"], "API");
    assert_eq!(finance["from"][0]["expires"], "2099-12-31T17:00:00Z");
    // Additive: what Bob held before stays (a base grant would have replaced his policy and admin grants).
    assert!(value(&out, PROFILE, STANDARD).is_some(), "Standard User kept: {out}");
    assert!(value(&out, PERMSET, REPORTS).is_some(), "Reports Viewer kept: {out}");

    let revoked = server
        .call_confirmed(
            "okta_iga_revoke_entitlement",
            json!({"user": bob, "app": SALESFORCE, "entitlement_id": PERMSET, "value_ids": [FINANCE]}),
        )
        .ok();
    assert_eq!(revoked["grant"]["action"], "DENY");
    let out = server.call("okta_iga_list_user_entitlements", json!({"user": bob, "app": SALESFORCE})).ok();
    assert!(value(&out, PERMSET, FINANCE).is_none());
    assert!(value(&out, PERMSET, PAYMENTS).is_some(), "only the revoked value goes");
    assert!(value(&out, PROFILE, STANDARD).is_some() && value(&out, PERMSET, REPORTS).is_some(), "{out}");

    let before = org.change_count();
    let again = server
        .call_confirmed(
            "okta_iga_revoke_entitlement",
            json!({"user": bob, "app": SALESFORCE, "entitlement_id": PERMSET, "value_ids": [FINANCE]}),
        )
        .err();
    assert!(again.contains("does not have entsffinanceadmin001"), "{again}");
    assert_eq!(org.change_count(), before);
}

#[test]
fn assigning_checks_the_entitlement_first() {
    let org = Org::start();
    let mut server = org.server(BIN, &["--mode", "full"]);
    let before = org.change_count();
    let grant = |entitlement: &str, values: Value| {
        json!({"user": "alice.active@example.com", "app": SALESFORCE, "entitlement_id": entitlement,
               "value_ids": values})
    };
    let single = server.call("okta_iga_assign_entitlement", grant(PROFILE, json!([STANDARD, SYSADMIN]))).err();
    assert!(single.contains("takes a single value"), "{single}");
    let foreign = server.call("okta_iga_assign_entitlement", grant(PROFILE, json!([FINANCE]))).err();
    assert!(foreign.contains("is not a value of entitlement"), "{foreign}");
    let other_app = server
        .call(
            "okta_iga_assign_entitlement",
            json!({"user": "alice.active@example.com", "app": "0oagithub00000000001", "entitlement_id": PROFILE,
                   "value_ids": [STANDARD]}),
        )
        .err();
    assert!(other_app.contains("belongs to app 0oasalesforce0000001"), "{other_app}");
    let missing = server.call("okta_iga_assign_entitlement", grant("esp0000000000000000x", json!([STANDARD]))).err();
    assert!(missing.contains("E0000007"), "{missing}");
    assert_eq!(org.change_count(), before);
}

#[test]
fn bad_arguments_send_nothing() {
    let org = Org::start();
    let mut server = org.server(BIN, &["--mode", "full"]);
    let before = org.request_count();
    let user_as_app = server.call(
        "okta_iga_list_user_entitlements",
        json!({"user": "bob.active@example.com",
                                                                         "app": "00ubobactive00000001"}),
    );
    assert!(user_as_app.err().contains("is not an app id"));
    let bad = server.call("okta_iga_get_entitlement", json!({"entitlement_id": "../esp"})).err();
    assert!(bad.contains("cannot be used as"), "{bad}");
    let none = server.call(
        "okta_iga_assign_entitlement",
        json!({"user": "bob.active@example.com", "app": SALESFORCE, "entitlement_id": PERMSET, "value_ids": []}),
    );
    assert!(none.err().contains("1 to 20"));
    let past = server.call(
        "okta_iga_assign_entitlement",
        json!({"user": "bob.active@example.com", "app": SALESFORCE, "entitlement_id": PERMSET,
               "value_ids": [FINANCE], "expires": "2001-01-01T00:00:00Z"}),
    );
    assert!(past.err().contains("must be in the future"));
    let revoke_expiry = server.call(
        "okta_iga_revoke_entitlement",
        json!({"user": "bob.active@example.com", "app": SALESFORCE, "entitlement_id": PERMSET,
               "value_ids": [FINANCE], "expires": "2099-01-01T00:00:00Z"}),
    );
    assert!(revoke_expiry.err().contains("expires"), "unknown arguments are refused");
    assert_eq!(org.request_count(), before);
}

#[test]
fn grants_behind_bobs_salesforce_access() {
    let org = Org::start();
    let mut server = org.server(BIN, &[]);
    let list = server
        .call("okta_iga_list_grants", json!({"user": "bob.active@example.com", "app": SALESFORCE, "limit": 1}))
        .ok();
    assert_eq!(list["count"], 1);
    let first = &rows(&list)[0];
    assert_eq!(first["userId"], "00ubobactive00000001");
    assert_eq!(first["grantType"], "POLICY");
    let rest = server.call("okta_iga_list_grants", json!({"cursor": list["next_cursor"]})).ok();
    assert!(rows(&rest).iter().any(|g| g["id"] == "grabobsfreports00001"));
    let got = server.call("okta_iga_get_grant", json!({"grant_id": "grabobsfreports00001"})).ok();
    assert_eq!(got["actor"], "ADMIN");
    assert_eq!(got["targetPrincipal"]["externalId"], "00ubobactive00000001");
    let none = server.call("okta_iga_list_grants", json!({})).err();
    assert!(none.contains("give user and/or app"), "{none}");
    let bad = server.call("okta_iga_get_grant", json!({"grant_id": "../gra"})).err();
    assert!(bad.contains("cannot be used as"), "{bad}");
}

#[test]
fn create_update_and_delete_an_entitlement() {
    let org = Org::start();
    let mut server = org.server(BIN, &["--mode", "full"]);
    let before = org.request_count();
    let tier = |values: Value| json!({"app": SALESFORCE, "name": unique("E2E Tier "), "external_value": unique("e2e_tier_"), "values": values});
    let none = server.call("okta_iga_create_entitlement", tier(json!([]))).err();
    assert!(none.contains("1 to 100"), "{none}");
    let twice = server.call("okta_iga_create_entitlement", tier(json!(["Gold=gold", "gold=gold2"]))).err();
    assert!(twice.contains("already there"), "{twice}");
    let user_as_app = server
        .call(
            "okta_iga_create_entitlement",
            json!({"app": "00ubobactive00000001", "name": "X", "external_value": "x",
                                                    "values": ["A=a"]}),
        )
        .err();
    assert!(user_as_app.contains("is not an app id"), "{user_as_app}");
    assert_eq!(org.request_count(), before, "bad arguments send nothing");

    let no_value = server.call("okta_iga_create_entitlement", tier(json!(["Gold"]))).err();
    assert!(no_value.contains("Name=value in the app"), "{no_value}");
    assert_eq!(org.request_count(), before, "bad arguments send nothing");
    let created = server.call("okta_iga_create_entitlement", tier(json!(["Gold=gold", "Silver=silver"]))).ok();
    let id = created["created"]["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("esp") && id.len() == 20, "{created}");
    assert_eq!(created["created"]["appId"], SALESFORCE);
    assert_eq!(created["created"]["multiValue"], false);
    let got = server.call("okta_iga_get_entitlement", json!({"entitlement_id": id})).ok();
    assert_eq!(got["dataType"], "string");
    let gold = got["values"].as_array().unwrap().iter().find(|v| v["name"] == "Gold").unwrap()["id"].clone();

    let updated = server
        .call(
            "okta_iga_update_entitlement",
            json!({"entitlement_id": id, "name": "E2E Tier renamed", "description": "Support tiers",
                   "add_values": ["Bronze=bronze"],
                   "rename_values": {"silver": "Silver Plus"}}),
        )
        .ok();
    assert_eq!(updated["changed"]["name"]["to"], "E2E Tier renamed", "{updated}");
    assert_eq!(updated["changed"]["description"]["from"], Value::Null);
    assert_eq!(updated["changed"]["values_added"][0]["name"], "Bronze");
    assert!(updated["changed"]["values_added"][0]["id"].as_str().unwrap().starts_with("ent"));
    assert_eq!(updated["changed"]["values_renamed"][0]["from"], "Silver");
    assert_eq!(updated["changed"]["values_renamed"][0]["to"], "Silver Plus");
    let got = server.call("okta_iga_get_entitlement", json!({"entitlement_id": id})).ok();
    let mut names: Vec<&str> = got["values"].as_array().unwrap().iter().map(|v| v["name"].as_str().unwrap()).collect();
    names.sort_unstable();
    assert_eq!(names, ["Bronze", "Gold", "Silver Plus"], "values not named in the update stay");
    assert_eq!(got["values"].as_array().unwrap().iter().find(|v| v["name"] == "Gold").unwrap()["id"], gold);
    assert_eq!(got["name"], "E2E Tier renamed");

    let changes = org.change_count();
    let same =
        server.call("okta_iga_update_entitlement", json!({"entitlement_id": id, "name": "E2E Tier renamed"})).ok();
    assert_eq!(same["changed"], json!({}));
    let clash = server
        .call("okta_iga_update_entitlement", json!({"entitlement_id": id, "add_values": ["GOLD=gold_again"]}))
        .err();
    assert!(clash.contains("already there"), "{clash}");
    let unknown = server
        .call("okta_iga_update_entitlement", json!({"entitlement_id": id, "rename_values": {"Platinum": "P"}}))
        .err();
    assert!(unknown.contains("is not a value of this entitlement"), "{unknown}");
    assert_eq!(org.change_count(), changes, "nothing sent");

    let deleted = server.call_confirmed("okta_iga_delete_entitlement", json!({"entitlement_id": id})).ok();
    assert_eq!(deleted["deleted"]["id"], id.as_str());
    assert_eq!(deleted["bundles_affected"], json!([]));
    let gone = server.call("okta_iga_get_entitlement", json!({"entitlement_id": id})).err();
    assert!(gone.contains("E0000007"), "{gone}");
}
