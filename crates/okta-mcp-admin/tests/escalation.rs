//! Assigning SUPER_ADMIN or ORG_ADMIN is destructive by its effect: refused outside --mode full (nothing sent),
//! confirmed by a person in full mode. Other roles stay ordinary writes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use okta_e2e::Org;
use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_okta-mcp-admin");

#[test]
fn org_wide_admin_roles_are_refused_outside_full_mode() {
    let org = Org::start();
    let mut server = org.server(BIN, &["--mode", "read-write"]);
    let before = org.change_count();
    for role in ["SUPER_ADMIN", "ORG_ADMIN", "Super Administrator"] {
        let refused = server
            .call("okta_assign_admin_role_to_user", json!({"user": "bob.active@example.com", "role": role}))
            .err();
        assert!(refused.contains("--mode full"), "{role}: {refused}");
    }
    assert_eq!(org.change_count(), before, "nothing was sent");
    let help_desk = server
        .call("okta_assign_admin_role_to_user", json!({"user": "bob.active@example.com", "role": "HELP_DESK_ADMIN"}))
        .ok();
    assert_eq!(help_desk["assigned"]["type"], "HELP_DESK_ADMIN");
}

#[test]
fn org_wide_admin_roles_are_confirmed_in_full_mode() {
    // Not Bob: the contract run shares one org between tests, and a super administrator is protected from
    // then on. The role is taken away again at the end.
    const EDDIE: &str = "eddie.expired@example.com";
    let org = Org::start();
    let mut server = org.server(BIN, &["--mode", "full"]);
    let assigned =
        server.call_confirmed("okta_assign_admin_role_to_user", json!({"user": EDDIE, "role": "SUPER_ADMIN"})).ok();
    assert_eq!(assigned["assigned"]["type"], "SUPER_ADMIN");
    assert!(
        server.elicitations.last().is_some_and(|q| q.to_string().contains("super-administrator")),
        "a person was asked"
    );
    // Now a super administrator: protected, so only a server that names Eddie in OKTA_MCP_UNPROTECTED may undo it.
    let refused =
        server.call_confirmed("okta_remove_admin_role_from_user", json!({"user": EDDIE, "role": "SUPER_ADMIN"})).err();
    assert!(refused.contains("super administrator"), "{refused}");
    let mut allowed = org.server_with(BIN, &["--mode", "full"], &[("OKTA_MCP_UNPROTECTED", EDDIE)]);
    let removed =
        allowed.call_confirmed("okta_remove_admin_role_from_user", json!({"user": EDDIE, "role": "SUPER_ADMIN"})).ok();
    assert_eq!(removed["removed"]["type"], "SUPER_ADMIN");
}
