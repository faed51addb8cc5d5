//! Preparing an app for a CSV: a dry run lists the exact creations and sends nothing; the real run creates the
//! missing entitlements and values (existing ones untouched); a second run finds nothing to do.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use okta_e2e::Org;
use serde_json::json;
use support::{GITHUB, SALESFORCE, server};

#[test]
fn a_dry_run_shows_the_creations_then_the_run_makes_them_once() {
    let org = Org::spawn(&[]); // its own org: the test counts assignments and grants from a known start
    let mut server = server(&org);
    let args = json!({"file": "audit_small_baseline.csv", "app": SALESFORCE});
    let before = org.change_count();
    let mut dry_args = args.clone();
    dry_args["dry_run"] = json!(true);
    let dry = server.call("okta_iga_prepare_entitlements", dry_args).ok();
    assert_eq!(dry["dry_run"], true);
    let would = dry["would_send"].as_array().unwrap();
    assert_eq!(would.len(), 2, "{dry}");
    assert_eq!(would[0]["method"], "PATCH");
    assert_eq!(would[0]["path"], "/governance/api/v1/entitlements/espsfprofile00000001");
    assert_eq!(
        would[0]["body"],
        json!([{"op": "ADD", "path": "/values/-", "refType": "ENTITLEMENT-VALUE",
                "value": {"name": "Marketing User", "externalValue": "Marketing User"}}])
    );
    assert_eq!(would[1]["body"].as_array().unwrap().len(), 2);
    assert_eq!(org.change_count(), before, "a dry run sends nothing");

    let done = server.call("okta_iga_prepare_entitlements", args.clone()).ok();
    assert_eq!(done["values_added"].as_array().unwrap().len(), 2, "{done}");
    assert_eq!(done["failures"], json!([]));
    assert_eq!(org.change_count(), before + 2);
    let again = server.call("okta_iga_prepare_entitlements", args).ok();
    assert_eq!(again["values_added"], json!([]));
    assert_eq!(again["unchanged"].as_array().unwrap().len(), 2);
    assert_eq!(org.change_count(), before + 2, "existing ones are left alone");
}

#[test]
fn missing_entitlements_are_created_with_their_values() {
    let org = Org::spawn(&[]); // its own org: the test counts assignments and grants from a known start
    let mut server = server(&org);
    let args = json!({"file": "audit_medium_denormalized.csv", "app": GITHUB});
    let done = server.call("okta_iga_prepare_entitlements", args.clone()).ok();
    let created = done["created"].as_array().unwrap();
    assert_eq!(created.len(), 2, "{done}");
    assert_eq!(created[0]["name"], "Role");
    assert_eq!(created[0]["multiValue"], true, "Admin; Manager");
    assert!(created[0]["values"].as_array().unwrap().contains(&json!("Auditor")));
    let analyzed = server.call("okta_iga_analyze_csv", args).ok();
    assert!(analyzed["entitlements"].as_array().unwrap().iter().all(|e| e["values_missing"] == 0), "{analyzed}");
    assert!(analyzed["next"].as_str().unwrap().contains("okta_iga_apply_grants"));
}
