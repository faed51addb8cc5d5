//! The catalog (`tools --json`, `scopes`) works offline and matches Okta's published spec: every declared
//! operation exists with that method and path, and each tool's scopes are exactly the spec's scopes for its
//! operations. The shared checks live in `okta_e2e::catalog`; what is particular to this server is below.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use okta_e2e::catalog::Catalog;

fn catalog() -> Catalog<'static> {
    Catalog::new(env!("CARGO_BIN_EXE_okta-mcp-apps"))
}

#[test]
fn every_tool_carries_its_whole_declaration() {
    catalog().check_declarations();
}

/// Everything clients see (`tools --json` and the `initialize` result), committed in
/// `tests/snapshots/catalog__surface.snap`: a change to any tool's name, description, schema, scopes or
/// operations, or to the server's instructions, is a reviewed diff. After an intended change:
/// `INSTA_UPDATE=always cargo test -p okta-mcp-apps --test catalog` (or `cargo insta review`).
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
    catalog().check_unknown_toolset("aps");
}

#[test]
fn operations_and_scopes_match_oktas_spec() {
    catalog().check_against_spec();
}

#[test]
fn toolsets_and_tools_narrow_the_selection() {
    let assignments = catalog().enabled(&["--mode", "full", "--toolsets", "assignments"]);
    assert_eq!(assignments.len(), 9);
    assert!(assignments.iter().all(|n| n.contains("_app_") || n.ends_with("_to_app") || n.ends_with("_from_app")));
    assert_eq!(catalog().enabled(&["--mode", "full", "--toolsets", "apps"]).len(), 7);
    assert_eq!(catalog().enabled(&["--mode", "full", "--toolsets", "credentials"]).len(), 4);
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
