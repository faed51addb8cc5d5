//! Protection that cannot be walked around through groups or renames: a group that contains a protected user
//! takes no destructive change to the whole group, and a protected name, once resolved, stays protected by id in
//! a later process after the object is renamed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use okta_e2e::{Org, Server, unique};
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_okta-mcp-users");

fn server(org: &Org, env: &[(&str, &str)]) -> Server {
    org.server_with(BIN, &["--mode", "full"], env)
}

fn new_group(server: &mut Server, name: &str) -> Value {
    server.call("okta_create_group", json!({"name": name})).ok()["created"]["id"].clone()
}

#[test]
fn a_group_with_a_protected_member_cannot_be_deleted() {
    let org = Org::start();
    let mut plain = server(&org, &[]);
    let group = new_group(&mut plain, &unique("Has Bob "));
    plain.call("okta_add_user_to_group", json!({"group_id": group, "user": "bob.active@example.com"})).ok();
    plain.call("okta_add_user_to_group", json!({"group_id": group, "user": "carol.finance@example.com"})).ok();

    let mut guarded = server(&org, &[("OKTA_MCP_PROTECTED", "bob.active@example.com")]);
    let before = org.change_count();
    let refused = guarded.call_confirmed("okta_delete_group", json!({"group_id": group})).err();
    assert!(refused.contains("contains the protected user"), "{refused}");
    assert!(refused.contains("Nothing was changed"), "{refused}");
    assert_eq!(org.change_count(), before, "nothing reached Okta");
    // A change to another member is a change to that member: allowed (the person is asked, and declines).
    let other =
        guarded.call("okta_remove_user_from_group", json!({"group_id": group, "user": "carol.finance@example.com"}));
    assert_eq!(other.ok()["executed"], false);
    assert_eq!(org.change_count(), before);
}

#[test]
fn a_renamed_group_stays_protected_in_a_later_process() {
    let org = Org::start();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("audit.db");
    let db = db.to_str().unwrap();
    let name = unique("Crown Jewels ");
    let mut plain = server(&org, &[]);
    let group = new_group(&mut plain, &name);

    // The first process resolves the name to the group's id (and remembers it beside its audit log).
    let mut first = server(&org, &[("OKTA_MCP_PROTECTED", &name), ("OKTA_MCP_AUDIT_DB", db)]);
    let refused = first.call_confirmed("okta_delete_group", json!({"group_id": group})).err();
    assert!(refused.contains("is protected"), "{refused}");
    let log = first.stderr_with("protected by id from now on");
    assert!(log.contains(group.as_str().unwrap()), "{log}");
    drop(first);

    // Renamed behind the server's back: the name no longer matches.
    plain.call("okta_update_group", json!({"group_id": group, "name": unique("Renamed ")})).ok();

    let mut later = server(&org, &[("OKTA_MCP_PROTECTED", &name), ("OKTA_MCP_AUDIT_DB", db)]);
    let before = org.change_count();
    let refused = later.call_confirmed("okta_delete_group", json!({"group_id": group})).err();
    assert!(refused.contains("is protected"), "{refused}");
    assert_eq!(org.change_count(), before, "nothing reached Okta");
    assert!(std::path::Path::new(&db.replace(".db", ".protected-ids.json")).exists());
}
