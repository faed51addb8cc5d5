//! The audit log end to end: every write and destructive call (executed, previewed, refused, dry run) becomes a
//! row with secrets redacted; `audit verify` passes after a session of changes and fails after a row is edited.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

use okta_e2e::{Org, Server, unique};
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_okta-mcp-users");

fn audit_cli(db: &std::path::Path, args: &[&str]) -> (bool, String) {
    let out = Command::new(BIN).arg("audit").args(args).env("OKTA_MCP_AUDIT_DB", db).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

#[test]
fn a_session_of_changes_is_audited_and_tampering_is_detected() {
    let org = Org::start();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("audit.db");
    let db_str = db.to_str().unwrap();
    let mut server = Server::start(
        BIN,
        &["--mode", "full"],
        &[
            ("OKTA_ORG_URL", &org.url),
            ("OKTA_API_TOKEN", &org.token),
            ("OKTA_MCP_AUDIT_DB", db_str),
            ("OKTA_MCP_PROTECTED", "bob.active@example.com"),
        ],
    );
    let name = unique("audit");
    let user = server
        .call(
            "okta_create_user",
            json!({"first_name": "Au", "last_name": name, "email": format!("{name}@example.org"),
                                         "password": "Sandbox!Passw0rd-6", "activate": true}),
        )
        .ok()["created"]["id"]
        .clone();
    server.call("okta_create_group", json!({"name": unique("Audit "), "dry_run": true})).ok();
    server.call_confirmed("okta_set_password", json!({"user": user, "password": "Other!Passw0rd-7"})).ok();
    server.call("okta_suspend_user", json!({"user": "bob.active@example.com"})).err();
    server.call("okta_get_user", json!({"user": user})).ok();
    drop(server);

    let (ok, text) = audit_cli(&db, &["verify"]);
    assert!(ok, "{text}");
    assert!(text.contains("4 rows, chain intact"), "{text}");
    let (ok, tail) = audit_cli(&db, &["tail", "-n", "10"]);
    assert!(ok, "{tail}");
    let rows: Vec<Value> = tail.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let outcomes: Vec<(&str, &str)> =
        rows.iter().map(|r| (r["tool"].as_str().unwrap(), r["outcome"].as_str().unwrap())).collect();
    assert_eq!(
        outcomes,
        [
            ("okta_create_user", "executed"),
            ("okta_create_group", "dry_run"),
            ("okta_set_password", "executed"),
            ("okta_suspend_user", "refused"),
        ]
    );
    assert!(!tail.contains("Passw0rd"), "a password reached the audit log: {tail}");
    assert!(rows[2]["detail"].as_str().unwrap().starts_with("POST /api/v1/users/"), "{}", rows[2]);
    for executed in [&rows[0], &rows[2]] {
        let ids = executed["request_ids"].as_array().unwrap();
        assert!(
            !ids.is_empty() && ids.iter().all(|i| !i.as_str().unwrap().is_empty()),
            "no Okta request id: {executed}"
        );
    }
    assert_eq!(rows[0]["principal"], "SSWS API token");

    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute("UPDATE audit SET outcome = 'declined' WHERE id = 4", []).unwrap();
    let (ok, text) = audit_cli(&db, &["verify"]);
    assert!(!ok, "an edited row went unnoticed: {text}");
    assert!(text.contains("row 4"), "{text}");
}

#[test]
fn read_only_servers_write_no_audit_log() {
    let org = Org::start();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("audit.db");
    let mut server = Server::start(
        BIN,
        &[],
        &[("OKTA_ORG_URL", &org.url), ("OKTA_API_TOKEN", &org.token), ("OKTA_MCP_AUDIT_DB", db.to_str().unwrap())],
    );
    server.call("okta_list_users", json!({"limit": 1})).ok();
    assert!(!db.exists());
}

#[test]
fn no_change_runs_when_the_audit_log_cannot_be_written() {
    let org = Org::start();
    let mut server = Server::start(
        BIN,
        &["--mode", "read-write"],
        &[("OKTA_ORG_URL", &org.url), ("OKTA_API_TOKEN", &org.token), ("OKTA_MCP_AUDIT_DB", "/proc/okta-mcp/audit.db")],
    );
    // Reads need no audit log.
    server.call("okta_list_groups", json!({"limit": 1})).ok();
    let changes = org.change_count();
    let error = server.call("okta_create_group", json!({"name": unique("Unaudited ")})).err();
    assert!(error.contains("not executed: the audit log cannot be written"), "{error}");
    assert_eq!(org.change_count(), changes, "an unaudited change reached Okta");
}
