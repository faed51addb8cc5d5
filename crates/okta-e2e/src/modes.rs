//! The mode checks every server's tests run over MCP: read-only lists only read tools and refuses the others
//! before anything is sent; full mode lists every tool within the tools/list budget; `demo` prints a session.

use serde_json::{Value, json};

use crate::Org;

/// tools/list in read-only mode holds `read_tools` tools, all read-only; calling `write_tool` is refused with
/// a message naming `--mode <needed>`, and nothing reaches the org.
pub fn check_read_only(org: &Org, bin: &str, read_tools: usize, write_tool: &str, arguments: Value, needed: &str) {
    let mut server = org.server(bin, &[]);
    let listed = server.request("tools/list", json!({}));
    let tools = listed["tools"].as_array().expect("tools");
    assert_eq!(tools.len(), read_tools);
    assert!(tools.iter().all(|t| t["annotations"]["readOnlyHint"] == true));
    let before = org.request_count();
    let refused = server.request_raw("tools/call", json!({"name": write_tool, "arguments": arguments}));
    let message = refused["error"]["message"].as_str().expect("a protocol error");
    assert!(message.contains(&format!("--mode {needed}")), "{message}");
    assert_eq!(org.request_count(), before, "a refused call reached the org");
}

/// Full mode lists `count` tools in at most 600 bytes a tool, `destructive_tool` marked destructive, and the
/// server names itself `server_name`.
pub fn check_full_listing(org: &Org, bin: &str, count: usize, destructive_tool: &str, server_name: &str) {
    let mut server = org.server(bin, &["--mode", "full"]);
    let listed = server.request("tools/list", json!({}));
    let tools = listed["tools"].as_array().expect("tools");
    assert_eq!(tools.len(), count);
    let bytes = listed.to_string().len();
    assert!(bytes <= 600 * count, "tools/list is {bytes} bytes, over 600 a tool");
    let tool = tools.iter().find(|t| t["name"] == destructive_tool).expect("the destructive tool is listed");
    assert_eq!(tool["annotations"]["destructiveHint"], true);
    assert_eq!(server.initialize["serverInfo"]["name"], server_name);
}

/// What `demo` prints (it must succeed without any Okta configuration).
pub fn demo_output(bin: &str) -> String {
    let out = std::process::Command::new(bin)
        .arg("demo")
        .env_remove("OKTA_ORG_URL")
        .env_remove("OKTA_API_TOKEN")
        .output()
        .expect("run demo");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).expect("utf-8");
    assert!(text.contains(r#""method":"initialize""#), "{text}");
    text
}
