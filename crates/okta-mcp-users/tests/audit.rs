//! The audit log end to end: every write and destructive call (executed, previewed, refused, dry run) becomes a
//! row with secrets redacted, a change as an intent row before it is sent and an outcome row after; `audit verify`
//! passes after a session of changes and fails after a row is edited, the newest rows are deleted or the table is
//! emptied. A server killed mid-change leaves an intent whose outcome is unknown; a change whose intent cannot be
//! recorded is not sent.
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
    assert!(text.contains("6 rows, chain intact"), "{text}");
    assert!(!text.contains("outcome unknown"), "{text}");
    let (ok, tail) = audit_cli(&db, &["tail", "-n", "10"]);
    assert!(ok, "{tail}");
    let rows: Vec<Value> = tail.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let outcomes: Vec<(&str, &str)> =
        rows.iter().map(|r| (r["tool"].as_str().unwrap(), r["outcome"].as_str().unwrap())).collect();
    assert_eq!(
        outcomes,
        [
            ("okta_create_user", "intent"),
            ("okta_create_user", "executed"),
            ("okta_create_group", "dry_run"),
            ("okta_set_password", "intent"),
            ("okta_set_password", "executed"),
            ("okta_suspend_user", "refused"),
        ]
    );
    // Each change: its intent before, its outcome after, naming the intent.
    assert_eq!((rows[0]["outcome_row"].clone(), rows[1]["intent_id"].clone()), (json!(2), json!(1)));
    assert_eq!((rows[3]["outcome_row"].clone(), rows[4]["intent_id"].clone()), (json!(5), json!(4)));
    assert!(!tail.contains("Passw0rd"), "a password reached the audit log: {tail}");
    assert!(rows[4]["detail"].as_str().unwrap().starts_with("POST /api/v1/users/"), "{}", rows[4]);
    for executed in [&rows[1], &rows[4]] {
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

/// The key and the checkpoint beside the log, owner-only.
#[cfg(unix)]
fn assert_private(path: &std::path::Path) {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())).permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "{}", path.display());
}

fn beside(db: &std::path::Path, suffix: &str) -> std::path::PathBuf {
    std::path::PathBuf::from(format!("{}{suffix}", db.display()))
}

#[test]
fn deleting_the_newest_rows_or_emptying_the_log_is_detected_and_stops_changes() {
    let org = Org::start();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("audit.db");
    let mut server = org.audited_server(BIN, &["--mode", "read-write"], &db);
    for _ in 0..2 {
        server.call("okta_create_group", json!({"name": unique("Audit tail ")})).ok();
    }
    drop(server);
    #[cfg(unix)]
    for file in [beside(&db, ".key"), beside(&db, ".head")] {
        assert_private(&file);
    }
    let (ok, text) = audit_cli(&db, &["verify"]);
    assert!(ok && text.contains("4 rows, chain intact"), "{text}");

    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute("DELETE FROM audit WHERE id = 4", []).unwrap();
    let (ok, text) = audit_cli(&db, &["verify"]);
    assert!(!ok, "deleting the newest row went unnoticed: {text}");
    assert!(text.contains("newest rows were deleted"), "{text}");

    // The intent of the next change cannot be recorded on a log that lost rows: nothing is sent.
    let mut server = org.audited_server(BIN, &["--mode", "read-write"], &db);
    let changes = org.change_count();
    let error = server.call("okta_create_group", json!({"name": unique("Unaudited ")})).err();
    assert!(error.contains("not executed: the audit log cannot be written"), "{error}");
    assert!(error.contains("no longer matches its checkpoint"), "{error}");
    assert_eq!(org.change_count(), changes, "a change whose intent was not recorded reached Okta");
    drop(server);

    conn.execute("DELETE FROM audit", []).unwrap();
    let (ok, text) = audit_cli(&db, &["verify"]);
    assert!(!ok, "emptying the log went unnoticed: {text}");
    assert!(text.contains("truncated"), "{text}");
    std::fs::remove_file(beside(&db, ".head")).unwrap();
    let (ok, text) = audit_cli(&db, &["verify"]);
    assert!(!ok, "an emptied log without its checkpoint passed: {text}");
}

#[test]
fn a_server_killed_mid_change_leaves_an_intent_with_outcome_unknown() {
    // Every Okta answer takes 3 s: long enough to kill the server while its change is in flight.
    let org = Org::spawn(&["--latency-ms", "3000"]);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("audit.db");
    let mut server = org.audited_server(BIN, &["--mode", "read-write"], &db);
    let changes = org.change_count();
    server.call_in_background("okta_create_group", json!({"name": unique("Killed ")}));
    org.wait_for_change(changes, &server);
    server.kill();

    let (ok, text) = audit_cli(&db, &["verify"]);
    assert!(ok, "{text}");
    assert!(text.contains("1 rows, chain intact"), "{text}");
    assert!(text.contains("row 1: outcome unknown: okta_create_group"), "{text}");
    let (ok, tail) = audit_cli(&db, &["tail"]);
    assert!(ok, "{tail}");
    let rows: Vec<Value> = tail.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(rows.len(), 1, "{tail}");
    assert_eq!(rows[0]["outcome"], "intent");
    assert!(rows[0]["note"].as_str().unwrap().starts_with("outcome unknown"), "{tail}");

    // The log goes on after the kill; the unknown outcome stays listed.
    let mut server = org.audited_server(BIN, &["--mode", "read-write"], &db);
    server.call("okta_create_group", json!({"name": unique("After ")})).ok();
    drop(server);
    let (ok, text) = audit_cli(&db, &["verify"]);
    assert!(ok && text.contains("3 rows, chain intact"), "{text}");
    assert!(text.contains("row 1: outcome unknown") && !text.contains("row 2: outcome unknown"), "{text}");
}
