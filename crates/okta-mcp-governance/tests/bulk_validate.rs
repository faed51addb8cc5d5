//! The preflight and the analysis of the sample CSVs: columns found, users Okta knows and does not, duplicates,
//! multi-value cells, denied rows filtered out; entitlement columns, their values and how many users get each,
//! against what Salesforce already has. Reads only.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use okta_e2e::Org;
use serde_json::json;
use support::{SALESFORCE, server};

#[test]
fn validate_reports_users_duplicates_and_filtered_rows() {
    let org = Org::start();
    let mut server = server(&org);
    let before = org.change_count();
    let out = server.call("okta_iga_validate_csv", json!({"file": "audit_medium_denormalized.csv"})).ok();
    assert_eq!(
        out["columns"],
        json!({"user": "Email", "entitlements": ["Role", "Permission_Set"], "access": "Effective_Access",
               "access_values_counted": ["permitted", "allowed", "allow", "granted", "yes", "y", "true", "1", "active",
                                         "enabled"],
               "other": ["User_ID", "Access_Date", "Action_Type"]}),
        "{out}"
    );
    let checks = &out["checks"];
    assert_eq!(checks["rows"], 25);
    assert_eq!(checks["rows_filtered_out"], json!({"Denied": 4}));
    assert_eq!(checks["duplicate_rows"], json!({"count": 1, "rows": [21]}));
    assert_eq!(checks["multi_value_cells"], 2);
    assert_eq!(checks["users"], 9);
    assert_eq!(out["okta_users"]["found"], 8);
    assert_eq!(out["okta_users"]["not_found"]["count"], 1);
    assert_eq!(out["okta_users"]["not_found"]["users"][0]["user"], "former.employee@example.com");
    assert_eq!(out["ready"], false);

    let clean = server.call("okta_iga_validate_csv", json!({"file": "audit_small_baseline.csv"})).ok();
    assert_eq!(clean["ready"], true, "{clean}");
    assert_eq!(clean["okta_users"]["found"], 10);
    let named = server
        .call(
            "okta_iga_validate_csv",
            json!({"file": "audit_small_baseline.csv", "entitlement_columns": ["Profile"],
                                              "check_users": false}),
        )
        .ok();
    assert_eq!(named["columns"]["entitlements"], json!(["Profile"]));
    assert!(named.get("okta_users").is_none());
    let bad =
        server.call("okta_iga_validate_csv", json!({"file": "audit_small_baseline.csv", "user_column": "Mail"})).err();
    assert!(bad.contains("no column \"Mail\""), "{bad}");
    assert_eq!(org.change_count(), before, "a preflight changes nothing");
}

#[test]
fn analyze_compares_the_columns_with_the_apps_entitlements() {
    let org = Org::start();
    let mut server = server(&org);
    let out = server.call("okta_iga_analyze_csv", json!({"file": "audit_small_baseline.csv", "app": SALESFORCE})).ok();
    assert_eq!(out["users"], 10);
    let ents = out["entitlements"].as_array().unwrap();
    let profile = &ents[0];
    assert_eq!(profile["column"], "Profile");
    assert_eq!(profile["entitlement"], json!({"id": "espsfprofile00000001", "name": "Profile", "multiValue": false}));
    assert_eq!(profile["values"][0], json!({"value": "Standard User", "users": 6, "in_app": "entsfstandard0000001"}));
    assert_eq!(profile["values_missing"], 1, "Marketing User: {profile}");
    let permset = &ents[1];
    assert_eq!(permset["entitlement"]["name"], "Permission Set", "Permission_Set is Permission Set");
    assert_eq!(permset["multi_value_in_csv"], true);
    assert_eq!(permset["values_missing"], 2, "Campaign Manager, API Enabled: {permset}");
    assert!(out["next"].as_str().unwrap().contains("okta_iga_prepare_entitlements"));

    let plain = server.call("okta_iga_analyze_csv", json!({"file": "audit_permission_creep.csv"})).ok();
    let role = &plain["entitlements"][0];
    assert_eq!(role["column"], "Role");
    assert_eq!(role["multi_value_in_csv"], true);
    assert!(role["values"].as_array().unwrap().iter().any(|v| v["value"] == "Team_Lead" && v["users"] == 1), "{role}");
    assert!(
        !plain["entitlements"][1]["values"].as_array().unwrap().iter().any(|v| v["value"] == "BILLING_ACCESS"),
        "denied rows give nothing: {plain}"
    );
}
