//! The catalog (`tools --json`, `scopes`) works offline and matches Okta's published spec: every declared
//! operation exists with that method and path, and each tool's scopes are exactly the spec's scopes for its
//! operations. The shared checks live in `okta_e2e::catalog`; what is particular to this server is below.
#![allow(clippy::unwrap_used, clippy::expect_used)]

okta_e2e::catalog_tests!(env!("CARGO_BIN_EXE_okta-mcp-policy"), typo: "zoens");

#[test]
fn toolsets_and_tools_narrow_the_selection() {
    assert_eq!(catalog().enabled(&["--tools", "okta_get_policy,okta_delete_network_zone"]), vec!["okta_get_policy"]);
}

#[test]
fn scopes_are_the_union_of_the_enabled_tools() {
    assert_eq!(
        catalog().scopes(&[]),
        ["okta.authorizationServers.read", "okta.inlineHooks.read", "okta.networkZones.read", "okta.policies.read"]
    );
    // full mode also reads admin roles, to protect super administrators
    assert_eq!(
        catalog().scopes(&["--mode", "full", "--toolsets", "zones"]),
        ["okta.networkZones.manage", "okta.networkZones.read", "okta.roles.read"]
    );
}
