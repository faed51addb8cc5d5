//! The catalog (`tools --json`, `scopes`) works offline and matches Okta's published spec: every declared
//! operation exists with that method and path, and each tool's scopes are exactly the spec's scopes for its
//! operations. The shared checks live in `okta_e2e::catalog`; what is particular to this server is below.
#![allow(clippy::unwrap_used, clippy::expect_used)]

okta_e2e::catalog_tests!(env!("CARGO_BIN_EXE_okta-mcp-users"), typo: "grups");

#[test]
fn toolsets_and_tools_narrow_the_selection() {
    let groups = catalog().enabled(&["--mode", "full", "--toolsets", "groups"]);
    assert!(groups.iter().all(|n| n.contains("group")));
    assert_eq!(catalog().enabled(&["--tools", "okta_get_user,okta_delete_user"]), vec!["okta_get_user"]);
}

#[test]
fn scopes_are_the_union_of_the_enabled_tools() {
    assert_eq!(catalog().scopes(&[]), ["okta.groups.read", "okta.logs.read", "okta.roles.read", "okta.users.read"]);
    // Destructive tools also need okta.roles.read (the kit checks a target is no super administrator), and
    // each .manage scope comes with its .read twin.
    assert_eq!(
        catalog().scopes(&["--mode", "full", "--toolsets", "sessions"]),
        [
            "okta.logs.read",
            "okta.roles.read",
            "okta.sessions.manage",
            "okta.sessions.read",
            "okta.users.manage",
            "okta.users.read"
        ]
    );
}
