//! Applying a CSV: users are assigned to the app and granted what the file gives them; a rerun sends no change;
//! a dry run counts exactly what would be sent and sends nothing; a file whose values the app lacks is refused
//! with nothing sent; users Okta does not know are failures listed in the summary.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use okta_e2e::Org;
use serde_json::json;
use support::{GITHUB, SALESFORCE, api_grants_per_user, server};

#[test]
fn apply_grants_then_a_rerun_changes_nothing() {
    let org = Org::spawn(&[]); // its own org: the test counts assignments and grants from a known start
    let mut server = server(&org);
    let args = json!({"file": "audit_medium_denormalized.csv", "app": GITHUB});
    let before = org.change_count();
    let refused = server.call("okta_iga_apply_grants", args.clone()).err();
    assert!(refused.contains("okta_iga_prepare_entitlements first"), "{refused}");
    assert_eq!(org.change_count(), before, "nothing was sent");
    server.call("okta_iga_prepare_entitlements", args.clone()).ok();

    let mut dry_args = args.clone();
    dry_args["dry_run"] = json!(true);
    let prepared = org.change_count();
    let dry = server.call("okta_iga_apply_grants", dry_args).ok();
    assert_eq!(dry["dry_run"], true, "{dry}");
    assert_eq!(dry["would_create_grants"], 8, "{dry}");
    assert_eq!(dry["would_assign_to_app"], 7, "one of them is assigned to GitHub already: {dry}");
    assert_eq!(dry["would_fail"], 1);
    assert_eq!(dry["users_per_value"]["Role: Admin"], 1);
    assert_eq!(org.change_count(), prepared, "a dry run sends nothing");

    let done = server.call("okta_iga_apply_grants", args.clone()).ok();
    assert_eq!(done["users"], 9, "{done}");
    assert_eq!(done["created"], 8);
    assert_eq!(done["assigned_to_app"], 7);
    assert_eq!(done["failed"], 1);
    assert_eq!(done["failures"][0]["user"], "former.employee@example.com");
    assert!(done["failures"][0]["reason"].as_str().unwrap().contains("no Okta user"), "{done}");
    assert!(done["run_id"].as_str().unwrap().starts_with("run_"));
    assert!(done["requests"].as_u64().unwrap() >= 8 * 4);
    assert!(done["peak_bucket"]["limit"].as_u64().unwrap() > 0, "{done}");
    assert!(done["journal"].as_str().unwrap().ends_with(".bulk-runs.sqlite"));
    assert_eq!(org.change_count(), prepared + 15, "7 assignments and 8 grants");
    let grants = api_grants_per_user(&mut server, GITHUB);
    assert_eq!(grants.len(), 8);
    assert!(grants.values().all(|n| *n == 1), "{grants:?}");
    let andrew = server
        .call("okta_iga_list_user_entitlements", json!({"user": "andrew.walker@example.org", "app": GITHUB}))
        .ok();
    let values: Vec<String> = andrew["entitlements"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|e| e["values"].as_array().unwrap().iter().map(|v| v["name"].as_str().unwrap().to_owned()))
        .collect();
    assert_eq!(values.len(), 5, "Admin, Manager, SYSTEM_ADMIN, DATA_DELETE, APPROVE_ACCESS: {andrew}");

    let again = server.call("okta_iga_apply_grants", args).ok();
    assert_eq!(again["created"], 0, "{again}");
    assert_eq!(again["skipped_already_present"], 8);
    assert_eq!(again["assigned_to_app"], 0);
    assert_eq!(org.change_count(), prepared + 15, "a rerun sends no change");
}

#[test]
fn a_value_of_a_single_valued_entitlement_is_not_stacked() {
    let org = Org::spawn(&[]); // its own org: the test counts assignments and grants from a known start
    let mut server = server(&org);
    let args = json!({"file": "audit_small_baseline.csv", "app": SALESFORCE});
    server.call("okta_iga_prepare_entitlements", args.clone()).ok();
    // steven.martin holds Profile: System Administrator before the file says Standard User.
    server
        .call(
            "okta_iga_create_grant",
            json!({"user": "steven.martin@example.org", "app": SALESFORCE,
                                               "values": ["Profile: System Administrator"]}),
        )
        .ok();
    let done = server.call("okta_iga_apply_grants", args).ok();
    assert_eq!(done["created"], 9, "{done}");
    assert_eq!(done["failed"], 1);
    let reason = done["failures"][0]["reason"].as_str().unwrap();
    assert!(reason.contains("takes a single value") && reason.contains("System Administrator"), "{reason}");
}

/// The values a user holds in an app, by name.
fn held(server: &mut okta_e2e::Server, user: &str, app: &str) -> std::collections::BTreeSet<String> {
    let out = server.call("okta_iga_list_user_entitlements", json!({"user": user, "app": app})).ok();
    out["entitlements"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|e| e["values"].as_array().unwrap().iter().map(|v| v["name"].as_str().unwrap().to_owned()))
        .collect()
}

#[test]
fn a_grant_adds_to_what_the_user_holds() {
    // Okta: a CUSTOM (base) grant replaces every other grant of the user in the app, so bulk grants are additive
    // ENTITLEMENT grants; the sandbox models the replacement, so a base grant here would fail this test.
    let org = Org::spawn(&[]); // its own org: the test counts assignments and grants from a known start
    let mut server = server(&org);
    let bob = "bob.active@example.com";
    let before = held(&mut server, bob, SALESFORCE);
    assert!(!before.is_empty(), "Bob holds Salesforce values");
    let new = ["Reports Viewer", "Payments Approver", "Finance Admin"]
        .into_iter()
        .find(|v| !before.contains(*v))
        .expect("a value Bob lacks");
    let out = server
        .call(
            "okta_iga_batch_create_grants",
            json!({"app": SALESFORCE, "grants": [{"user": bob, "values": [format!("Permission Set: {new}")]}]}),
        )
        .ok();
    assert_eq!(out["granted"], 1, "{out}");
    let after = held(&mut server, bob, SALESFORCE);
    assert!(before.is_subset(&after), "Bob kept what he held: {before:?} → {after:?}");
    assert!(after.contains(new), "{after:?}");
}
