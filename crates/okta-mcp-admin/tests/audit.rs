//! The audit log through the admin server: `okta_mcp_audit_log` lists the calls that changed (or tried to
//! change) the org, newest first, filtered, with the chain's state; a tampered row or deleted newest row is
//! reported, and so is a change whose server was killed before its outcome was recorded.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use okta_e2e::{Org, unique};
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_okta-mcp-admin");

#[test]
fn the_audit_log_is_queried_and_its_chain_checked() {
    let org = Org::start();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("audit.db");
    let mut server = org.audited_server(BIN, &["--mode", "full"], &db);
    let empty = server.call("okta_mcp_audit_log", json!({})).ok();
    assert_eq!(empty["rows"], json!([]));
    server
        .call(
            "okta_create_event_hook",
            json!({"name": unique("audit "), "url": "https://h.example.com",
                                             "events": ["user.session.start"], "auth_secret": "hunter2-secret"}),
        )
        .ok();
    server.call("okta_suspend_device", json!({"device_id": "guoalicemacbook00001"})).ok(); // declined
    server.call("okta_assign_admin_role_to_group", json!({"group": "Everyone", "role": "ORG_ADMIN"})).err(); // refused

    let all = server.call("okta_mcp_audit_log", json!({})).ok();
    assert_eq!(all["chain"]["intact"], true, "{all}");
    let tools: Vec<&str> = all["rows"].as_array().unwrap().iter().map(|r| r["tool"].as_str().unwrap()).collect();
    assert_eq!(
        tools,
        [
            "okta_assign_admin_role_to_group",
            "okta_assign_admin_role_to_group",
            "okta_suspend_device",
            "okta_create_event_hook",
            "okta_create_event_hook"
        ],
        "newest first"
    );
    // A change runs after its intent is recorded (even one the tool then refuses), and its outcome names it.
    let rows = all["rows"].as_array().unwrap();
    assert_eq!((rows[1]["outcome"].clone(), rows[1]["outcome_row"].clone()), (json!("intent"), json!(5)));
    assert_eq!((rows[3]["outcome"].clone(), rows[3]["intent_id"].clone()), (json!("executed"), json!(1)));
    assert_eq!((rows[4]["outcome"].clone(), rows[4]["outcome_row"].clone()), (json!("intent"), json!(2)));
    assert_eq!(all["chain"]["outcome_unknown"], json!([]), "{all}");
    assert!(!all.to_string().contains("hunter2-secret"), "a secret reached the audit log");
    let declined = server.call("okta_mcp_audit_log", json!({"outcome": "declined"})).ok();
    assert_eq!(declined["count"], 1);
    let by_tool =
        server.call("okta_mcp_audit_log", json!({"tool": "okta_create_event_hook", "since": "1h", "limit": 5})).ok();
    assert_eq!(by_tool["rows"][0]["outcome"], "executed");
    let error = server.call("okta_mcp_audit_log", json!({"outcome": "exploded"})).err();
    assert!(error.contains("outcome must be one of"), "{error}");

    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute("DELETE FROM audit WHERE id = 5", []).unwrap();
    let deleted = server.call("okta_mcp_audit_log", json!({})).ok();
    assert_eq!(deleted["chain"]["intact"], false);
    assert!(deleted["chain"]["problem"].as_str().unwrap().contains("newest rows were deleted"), "{deleted}");
    conn.execute("UPDATE audit SET outcome = 'declined' WHERE id = 1", []).unwrap();
    let tampered = server.call("okta_mcp_audit_log", json!({})).ok();
    assert_eq!(tampered["chain"]["intact"], false);
    assert!(tampered["chain"]["problem"].as_str().unwrap().contains("row 1"), "{tampered}");
}

#[test]
fn a_change_cut_short_by_kill_9_is_listed_with_outcome_unknown() {
    // Every Okta answer takes 3 s: long enough to kill the server while its change is in flight.
    let org = Org::spawn(&["--latency-ms", "3000"]);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("audit.db");
    let mut server = org.audited_server(BIN, &["--mode", "full"], &db);
    let changes = org.change_count();
    server.call_in_background(
        "okta_create_event_hook",
        json!({"name": unique("killed "), "url": "https://h.example.com", "events": ["user.session.start"]}),
    );
    org.wait_for_change(changes, &server);
    server.kill();

    let mut reader = org.audited_server(BIN, &[], &db);
    let out = reader.call("okta_mcp_audit_log", json!({})).ok();
    assert_eq!(out["chain"]["intact"], true, "{out}");
    assert_eq!(out["chain"]["outcome_unknown"][0]["tool"], "okta_create_event_hook", "{out}");
    let row: &Value = &out["rows"][0];
    assert_eq!(row["outcome"], "intent", "{out}");
    assert!(row["note"].as_str().unwrap().starts_with("outcome unknown"), "{out}");
    let intents = reader.call("okta_mcp_audit_log", json!({"outcome": "intent"})).ok();
    assert_eq!(intents["count"], 1);
}

#[test]
fn read_only_use_creates_no_audit_log_and_tools_list_is_compact() {
    let org = Org::start();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("audit.db");
    let mut reader = org.audited_server(BIN, &[], &db);
    reader.call("okta_get_system_log", json!({"limit": 1})).ok();
    let out = reader.call("okta_mcp_audit_log", json!({})).ok();
    assert!(out["note"].as_str().unwrap().contains("no audit log yet"), "{out}");
    assert!(!db.exists(), "a read-only session wrote an audit log");
    let mut server = org.audited_server(BIN, &["--mode", "full"], &db);
    let list = server.request("tools/list", json!({}));
    let tools = list["tools"].as_array().unwrap();
    assert_eq!(tools.len(), 29, "the admin tools and okta_get_rate_status");
    let bytes = list["tools"].to_string().len();
    assert!(bytes / tools.len() <= 600, "tools/list is {} bytes per tool", bytes / tools.len());
}
