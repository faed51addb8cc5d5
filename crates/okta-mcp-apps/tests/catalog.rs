//! The catalog (`tools --json`, `scopes`) works offline and matches Okta's published spec: every declared
//! operation exists with that method and path, and each tool's scopes are exactly the spec's scopes for its
//! operations. The shared checks live in `okta_e2e::catalog`; what is particular to this server is below.
#![allow(clippy::unwrap_used, clippy::expect_used)]

okta_e2e::catalog_tests!(env!("CARGO_BIN_EXE_okta-mcp-apps"), typo: "aps");

#[test]
fn toolsets_and_tools_narrow_the_selection() {
    let assignments = catalog().enabled(&["--mode", "full", "--toolsets", "assignments"]);
    assert!(assignments.iter().all(|n| n.contains("_app_") || n.ends_with("_to_app") || n.ends_with("_from_app")));
    assert_eq!(catalog().enabled(&["--tools", "okta_get_app,okta_delete_app"]), vec!["okta_get_app"]);
}

#[test]
fn scopes_are_the_union_of_the_enabled_tools() {
    assert_eq!(catalog().scopes(&[]), ["okta.appGrants.read", "okta.apps.read", "okta.users.read"]);
    assert_eq!(
        catalog().scopes(&["--mode", "full", "--toolsets", "credentials"]),
        // okta.roles.read: protection looks at admin roles before any change.
        ["okta.appGrants.read", "okta.apps.manage", "okta.apps.read", "okta.roles.read"]
    );
}
