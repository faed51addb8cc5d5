//! `cargo run --example mcp_session` (examples/scripts/mcp_session.rs, rmcp's client) does what its documentation
//! says against a sandbox org: lists the tools of its selection, reads two pages of users with the cursor, has
//! `../admin` refused as a tool error and previews a change with dry_run, sending no change to the org. (The
//! shell and Python scripts beside it: tests/python/test_example_scripts.py.)

#![allow(clippy::unwrap_used, clippy::expect_used)]

use okta_e2e::{Org, catalog::Catalog, command, example_bin, workspace_bin};

#[test]
fn the_rust_example_drives_a_server_over_stdio() {
    let org = Org::start();
    let server = workspace_bin("okta-mcp-users");
    let server = server.to_str().expect("UTF-8 path");
    let before = org.change_count();
    let output = command(example_bin("mcp_session").to_str().expect("UTF-8 path"))
        .env("OKTA_ORG_URL", &org.url)
        .env("OKTA_API_TOKEN", &org.token)
        .env("MCP_SERVER", server)
        .output()
        .expect("run the example");
    let out = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "the example failed:\n{out}\n{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(org.change_count(), before, "the example sent a change:\n{out}");

    let mut listed: Vec<&str> = out.lines().filter_map(|l| l.strip_prefix("  ")).collect();
    listed.sort_unstable();
    let mut enabled = Catalog::new(server).enabled(&["--mode", "read-write", "--toolsets", "users,groups"]);
    enabled.sort();
    assert_eq!(listed, enabled, "{out}");
    assert!(out.contains(&format!("tools: {}\n", enabled.len())), "{out}");
    assert!(out.contains("page 1: 5 users\n") && out.contains("page 2: 5 users\n"), "{out}");
    let refused = out.lines().find_map(|l| l.strip_prefix("refused: ")).unwrap_or_default();
    assert!(refused.contains("../admin"), "{out}");
    let preview = out.lines().find_map(|l| l.strip_prefix("dry run: ")).unwrap_or_default();
    let preview: serde_json::Value = serde_json::from_str(preview).unwrap_or_default();
    assert_eq!(preview["dry_run"], serde_json::json!(true), "{out}");
}
