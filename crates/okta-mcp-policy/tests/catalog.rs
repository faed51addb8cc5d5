//! The catalog (`tools --json`, `scopes`) works offline and matches Okta's published spec: every declared
//! operation exists with that method and path, and each tool's scopes are exactly the spec's scopes for its
//! operations. The shared checks live in `okta_e2e::catalog`; what is particular to this server is below.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use okta_e2e::catalog::Catalog;

fn catalog() -> Catalog<'static> {
    Catalog::new(env!("CARGO_BIN_EXE_okta-mcp-policy"))
}

#[test]
fn every_tool_carries_its_whole_declaration() {
    catalog().check_declarations();
}

/// Everything clients see (`tools --json` and the `initialize` result), committed in
/// `tests/snapshots/catalog__surface.snap`: a change to any tool's name, description, schema, scopes or
/// operations, or to the server's instructions, is a reviewed diff. After an intended change:
/// `INSTA_UPDATE=always cargo test -p okta-mcp-policy --test catalog` (or `cargo insta review`).
#[test]
fn surface_snapshot() {
    insta::assert_json_snapshot!("surface", catalog().surface());
}

#[test]
fn read_only_is_the_default_and_enables_only_read_tools() {
    catalog().check_modes();
}

#[test]
fn unknown_toolset_is_a_clear_error() {
    catalog().check_unknown_toolset("zoens");
}

#[test]
fn operations_and_scopes_match_oktas_spec() {
    catalog().check_against_spec();
}

#[test]
fn toolsets_and_tools_narrow_the_selection() {
    let full = |toolsets: &str| catalog().enabled(&["--mode", "full", "--toolsets", toolsets]).len();
    assert_eq!(full("auth-servers"), 16);
    assert_eq!(full("scopes-claims"), 10);
    assert_eq!(full("policies"), 6);
    assert_eq!(full("zones"), 7);
    assert_eq!(full("inline-hooks"), 8);
    assert_eq!(catalog().enabled(&["--mode", "read-write", "--toolsets", "zones,inline-hooks"]).len(), 11);
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
