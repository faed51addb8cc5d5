//! An org without the Identity Governance license: the server asks Okta once at startup, lists none of the tools
//! that need it (one log line says why), refuses them by name without sending anything, and `doctor` says so.
//! The access investigation and the risk score stay: what needs no license still answers, and they say which parts needed it. With the
//! license, they are all there.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use okta_e2e::Org;
use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_okta-mcp-governance");
/// The tools that answer in part without the license.
const PARTIAL: [&str; 3] =
    ["okta_iga_investigate_user_access", "okta_iga_score_user_risk", "okta_iga_explain_access_changes"];

#[test]
fn without_the_license_governance_tools_are_not_listed_and_the_log_says_why() {
    let org = Org::spawn(&["--no-oig"]);
    let mut server = org.server(BIN, &["--mode", "full"]);
    // Left: the tools that call no governance API (CSV files, user lookups and app assignments, rate status),
    // and the insight tools that answer in part.
    let expected: Vec<String> = okta_e2e::catalog::Catalog::new(BIN)
        .tools(&["--mode", "full"])
        .iter()
        .filter(|t| t["enabled"] == true)
        .filter(|t| {
            let ops = t["operations"].as_array().unwrap();
            PARTIAL.contains(&t["name"].as_str().unwrap())
                || !ops.iter().any(|o| o["path"].as_str().unwrap().starts_with("/governance/"))
        })
        .map(|t| t["name"].as_str().unwrap().to_owned())
        .collect();
    assert!(expected.iter().any(|n| n == "okta_get_rate_status") && expected.len() < 12, "{expected:?}");
    assert!(expected.iter().any(|n| n == "okta_iga_investigate_user_access"), "{expected:?}");
    assert_eq!(server.tool_names(), expected);
    let log = server.stderr_with("license");
    let lines: Vec<&str> = log.lines().filter(|l| l.contains("no Okta Identity Governance license")).collect();
    assert_eq!(lines.len(), 1, "{log}");
    assert!(lines[0].contains("E0000015") && lines[0].contains("not listed"), "{log}");

    let before = org.request_count();
    let refused = server.request_raw("tools/call", json!({"name": "okta_iga_list_campaigns", "arguments": {}}));
    let message = refused["error"]["message"].as_str().expect("a protocol error");
    assert!(message.contains("no Okta Identity Governance license"), "{message}");
    assert_eq!(org.request_count(), before, "nothing was sent");
    // Prompts whose tools are all gone are not offered either.
    let prompts = server.request("prompts/list", json!({}));
    let names: Vec<&str> = prompts["prompts"].as_array().unwrap().iter().filter_map(|p| p["name"].as_str()).collect();
    assert_eq!(names, ["apply_access_csv"], "only the CSV workflow has steps left (its file checks)");
}

#[test]
fn without_the_license_an_investigation_answers_what_it_can_and_says_what_needed_it() {
    let org = Org::spawn(&["--no-oig"]);
    let mut server = org.server(BIN, &[]);
    let out = server.call("okta_iga_investigate_user_access", json!({"user": "henry.helpdesk@example.com"})).ok();
    assert_eq!(out["user"]["status"], "ACTIVE", "{out}");
    assert!(out["groups"]["count"].as_u64().unwrap() > 0 && out["apps"]["count"].as_u64().unwrap() > 0, "{out}");
    assert_eq!(out["admin_roles"]["items"][0]["type"], "HELP_DESK_ADMIN", "{out}");
    let parts = out["needs_license"]["parts"].as_array().unwrap();
    assert!(parts.contains(&json!("entitlements")) && parts.contains(&json!("sod_violations")), "{out}");
    assert!(out["needs_license"]["why"].as_str().unwrap().contains("E0000015"), "{out}");
    assert_eq!(out["entitlements"], serde_json::Value::Null);
    assert_eq!(out["sod_violations"], serde_json::Value::Null);
    // Not also listed as unavailable for another reason.
    let unavailable = out["unavailable"].as_array().cloned().unwrap_or_default();
    assert!(unavailable.iter().all(|u| u["part"] != "entitlements" && u["part"] != "sod_violations"), "{out}");
    // What changed: the System Log still answers; the entitlement history and the reviews needed the license.
    let changes = server.call("okta_iga_explain_access_changes", json!({"user": "henry.helpdesk@example.com"})).ok();
    let parts = changes["needs_license"]["parts"].as_array().unwrap();
    assert!(parts.contains(&json!("entitlements")) && parts.contains(&json!("reviews")), "{changes}");
    assert!(changes["read"]["system_log_events"].is_u64(), "{changes}");
    // An insight tool that is all governance is not listed.
    assert!(!server.tool_names().iter().any(|n| n == "okta_iga_detect_sod_violations"));
}

#[test]
fn with_the_license_every_tool_is_listed() {
    let org = Org::start();
    let mut server = org.server(BIN, &[]);
    let names = server.tool_names();
    assert!(names.iter().any(|n| n == "okta_iga_list_campaigns"), "{names:?}");
    assert!(!server.stderr_text().contains("license"), "{}", server.stderr_text());
}

#[test]
fn doctor_reports_the_license() {
    let org = Org::spawn(&["--no-oig"]);
    let out = okta_e2e::command(BIN)
        .arg("doctor")
        .env("OKTA_ORG_URL", org.url.as_str())
        .env("OKTA_API_TOKEN", org.token.as_str())
        .output()
        .expect("doctor");
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().find(|l| l.contains("license")).unwrap_or_default();
    assert!(line.starts_with("FAIL") && line.contains("no Okta Identity Governance license"), "{text}");
}
