//! The README's zero-setup paths: `--sandbox` serves against the embedded org (the Claude Desktop sandbox
//! configuration), and `demo` prints a whole MCP session.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use okta_e2e::{Server, rows};
use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_okta-mcp-users");

#[test]
fn sandbox_flag_serves_the_embedded_org() {
    let mut server = Server::start(BIN, &["--sandbox", "--mode", "full"], &[]);
    assert_eq!(server.tool_names().len(), 36);
    let page = server.call("okta_list_users", json!({"q": "alice"})).ok();
    assert_eq!(rows(&page)[0]["login"], "alice.active@example.com");
}

#[test]
fn demo_prints_an_mcp_session() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_okta-mcp-users"))
        .arg("demo")
        .env_remove("OKTA_ORG_URL")
        .env_remove("OKTA_API_TOKEN")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains(r#""method":"initialize""#), "{text}");
    assert!(text.contains("okta_list_users"), "{text}");
    assert!(text.contains("lucy.locked@example.com"), "{text}");
    assert!(text.contains("cannot be used as id"), "{text}");
}
