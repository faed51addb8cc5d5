//! No input crashes the server: every tool called with arguments generated from its own input schema plus hostile
//! values (okta_e2e::hostile), in full and read-only mode; every call is answered and the server stays up.
//! Relative System Log windows far beyond any range (`100000000d`) are refused, not computed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use okta_e2e::Org;
use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_okta-mcp-admin");

okta_e2e::hostile_tests!(BIN);

#[test]
fn huge_relative_windows_are_refused_and_the_server_stays_up() {
    let org = Org::start();
    let mut server = org.server(BIN, &["--mode", "read-only"]);
    for tool in [
        "okta_get_system_log",
        "okta_get_system_log_failed_logins",
        "okta_get_system_log_admin_actions",
        "okta_get_system_log_events_for_app",
    ] {
        for since in ["100000000d", "9223372036854775807m", "99999999999999999999w"] {
            let mut args = json!({"since": since});
            if tool.ends_with("_for_app") {
                args["app_id"] = json!("0oa1234567890abcdefg");
            }
            let error = server.call(tool, args.clone()).err();
            assert!(error.contains("too far back"), "{tool} {since}: {error}");
            args["since"] = json!("1h");
            args["until"] = json!(since);
            let error = server.call(tool, args).err();
            assert!(error.contains("too far back"), "{tool} until {since}: {error}");
        }
    }
    let out = server.call("okta_get_system_log", json!({"since": "3650d"})).err();
    assert!(out.contains("90 days"), "{out}");
    assert!(server.tool_names().contains(&"okta_get_system_log".to_owned()));
}
