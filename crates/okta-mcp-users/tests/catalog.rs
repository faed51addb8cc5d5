//! The catalog (`tools --json`, `scopes`) works offline and matches Okta's published spec: every declared
//! operation exists with that method and path, and each tool's scopes are exactly the spec's scopes for its
//! operations. The shared checks live in `okta_e2e::catalog`; what is particular to this server is below.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use okta_e2e::catalog::Catalog;

fn catalog() -> Catalog<'static> {
    Catalog::new(env!("CARGO_BIN_EXE_okta-mcp-users"))
}

#[test]
fn every_tool_carries_its_whole_declaration() {
    catalog().check_declarations();
}

/// Everything clients see (`tools --json` and the `initialize` result), committed in
/// `tests/snapshots/catalog__surface.snap`: a change to any tool's name, description, schema, scopes or
/// operations, or to the server's instructions, is a reviewed diff. After an intended change:
/// `INSTA_UPDATE=always cargo test -p okta-mcp-users --test catalog` (or `cargo insta review`).
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
    catalog().check_unknown_toolset("grups");
}

#[test]
fn operations_and_scopes_match_oktas_spec() {
    catalog().check_against_spec();
}

#[test]
fn toolsets_and_tools_narrow_the_selection() {
    let groups = catalog().enabled(&["--mode", "full", "--toolsets", "groups"]);
    assert_eq!(groups.len(), 9);
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
