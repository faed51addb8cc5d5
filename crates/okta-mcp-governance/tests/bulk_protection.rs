//! Bulk changes are checked against protected objects like every other change: a protected user or a super
//! administrator in a CSV (or a batch) is a failure of that item with nothing sent for it, and the others go on;
//! a protected app refuses every change.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use okta_e2e::Org;
use serde_json::json;
use support::{GITHUB, api_grants_per_user, samples, server_in};

#[test]
fn protected_users_and_apps_are_not_changed() {
    let org = Org::spawn(&[]); // its own org: the test counts assignments and grants from a known start
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("admins.csv"),
        "Email,Role\nalice.active@example.com,Admin\ncarlos.thompson@example.net,Admin\nashley.larsen@example.net,Viewer\n",
    )
    .unwrap();
    let mut server = server_in(&org, dir.path(), &[("OKTA_MCP_PROTECTED", "ashley.larsen@example.net")]);
    let args = json!({"file": "admins.csv", "app": GITHUB});
    server.call("okta_iga_prepare_entitlements", args.clone()).ok();
    let before = org.change_count();
    let done = server.call("okta_iga_apply_grants", args).ok();
    assert_eq!(done["created"], 1, "{done}");
    assert_eq!(done["failed"], 2);
    let reasons: Vec<&str> =
        done["failures"].as_array().unwrap().iter().map(|f| f["reason"].as_str().unwrap()).collect();
    assert!(reasons.iter().any(|r| r.contains("super administrator")), "alice: {reasons:?}");
    assert!(reasons.iter().any(|r| r.contains("is protected")), "ashley: {reasons:?}");
    assert_eq!(org.change_count(), before + 2, "carlos only: an assignment and a grant");
    assert_eq!(api_grants_per_user(&mut server, GITHUB).len(), 1);

    let batch =
        server.call("okta_iga_batch_assign_users", json!({"app": GITHUB, "users": ["ashley.larsen@example.net"]})).ok();
    assert!(batch["results"][0]["error"].as_str().unwrap().contains("is protected"), "{batch}");

    let mut app_protected = server_in(&org, &samples(), &[("OKTA_MCP_PROTECTED", "GitHub Enterprise")]);
    let before = org.change_count();
    let refused = app_protected
        .call("okta_iga_prepare_entitlements", json!({"file": "audit_permission_creep.csv", "app": GITHUB}))
        .ok();
    assert!(refused["failures"][0]["reason"].as_str().unwrap().contains("is protected"), "{refused}");
    assert_eq!(org.change_count(), before, "nothing was sent: {refused}");
}
