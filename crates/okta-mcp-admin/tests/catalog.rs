//! The catalog (`tools --json`, `scopes`) works offline and matches Okta's published spec: every declared
//! operation exists with that method and path, and each tool's scopes are exactly the spec's scopes for its
//! operations. The shared checks live in `okta_e2e::catalog`; what is particular to this server is below.
#![allow(clippy::unwrap_used, clippy::expect_used)]

okta_e2e::catalog_tests!(env!("CARGO_BIN_EXE_okta-mcp-admin"), typo: "hoks", local: [AUDIT_TOOL]);

/// The one tool without Okta operations or scopes (issue 7: the admin server exposes the local audit log).
const AUDIT_TOOL: &str = "okta_mcp_audit_log";

#[test]
fn toolsets_and_tools_narrow_the_selection() {
    let devices = catalog().enabled(&["--mode", "full", "--toolsets", "devices"]);
    assert!(devices.iter().all(|n| n.contains("device")));
    assert_eq!(catalog().enabled(&["--tools", "okta_get_device,okta_delete_device"]), vec!["okta_get_device"]);
    assert_eq!(catalog().enabled(&["--toolsets", "audit"]), vec![AUDIT_TOOL]);
}

#[test]
fn scopes_are_the_union_of_the_enabled_tools() {
    assert_eq!(
        catalog().scopes(&[]),
        [
            "okta.devices.read",
            "okta.eventHooks.read",
            "okta.groups.read",
            "okta.logs.read",
            "okta.roles.read",
            "okta.users.read"
        ]
    );
    // Destructive tools also need okta.roles.read (the kit checks a target is no super administrator).
    assert_eq!(
        catalog().scopes(&["--mode", "full", "--toolsets", "hooks"]),
        ["okta.eventHooks.manage", "okta.eventHooks.read", "okta.roles.read"]
    );
    // The audit log tool alone needs no scope at all.
    assert!(catalog().scopes(&["--toolsets", "audit"]).is_empty());
}
