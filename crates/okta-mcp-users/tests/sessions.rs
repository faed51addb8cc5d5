//! Sessions end to end: a user's recent sessions from the System Log, revoking one or all.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use okta_e2e::{Org, rows};
use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_okta-mcp-users");

#[test]
fn list_sessions_from_the_system_log_and_revoke_them() {
    let org = Org::start();
    let mut server = org.server(BIN, &["--mode", "full"]);
    let active = server.call("okta_list_users", json!({"filter": "status eq \"ACTIVE\"", "limit": 30})).ok();
    let mut found = None;
    // Alice is a super administrator (protected from revocation): look among the other users.
    for row in rows(&active).into_iter().filter(|r| r["login"] != "alice.active@example.com") {
        let sessions = server.call("okta_list_user_sessions", json!({"user": row["id"]})).ok();
        if sessions["sessions"].as_array().unwrap().iter().any(|s| s["ended"] == false) {
            found = Some((row, sessions));
            break;
        }
    }
    let (user, sessions) = found.expect("an active user with sessions in the System Log");
    assert!(sessions["source"].as_str().unwrap().contains("System Log"));
    let events = &sessions["events"];
    assert!(events["columns"].as_array().unwrap().contains(&json!("sessionId")));
    let open = sessions["sessions"].as_array().unwrap().iter().find(|s| s["ended"] == false).unwrap();
    let sid = open["sessionId"].as_str().unwrap().to_owned();

    let revoked = server.call_confirmed("okta_revoke_session", json!({"session_id": sid})).ok();
    assert_eq!(revoked["result"], "session ended");
    let all =
        server.call_confirmed("okta_revoke_user_sessions", json!({"user": user["login"], "oauth_tokens": true})).ok();
    assert_eq!(all["oauth_tokens_revoked"], true);
    let unknown = server.call_confirmed("okta_revoke_session", json!({"session_id": "102nosuchsession0000"})).err();
    assert!(unknown.contains("E0000007"), "{unknown}");
}

#[test]
fn since_must_be_iso_8601() {
    let org = Org::start();
    let mut server = org.server(BIN, &[]);
    let error =
        server.call("okta_list_user_sessions", json!({"user": "alice.active@example.com", "since": "yesterday"})).err();
    assert!(error.contains("ISO 8601"), "{error}");
}
