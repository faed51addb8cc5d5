//! Groups end to end: list and read, create, update without wiping, members in and out, apps, and deleting
//! only Okta-mastered groups.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use okta_e2e::{Org, rows, unique};
use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_okta-mcp-users");

#[test]
fn list_and_read_groups() {
    let org = Org::start();
    let mut server = org.server(BIN, &[]);
    let page = server.call("okta_list_groups", json!({"limit": 5})).ok();
    assert_eq!(page["columns"], json!(["id", "name", "description", "type"]));
    assert_eq!(page["count"], 5);
    let cursor = page["next_cursor"].as_str().expect("more than 5 groups");
    let next = server.call("okta_list_groups", json!({"cursor": cursor, "limit": 5})).ok();
    assert_ne!(rows(&next)[0]["id"], rows(&page)[0]["id"]);

    let everyone = server.call("okta_list_groups", json!({"q": "Every"})).ok();
    let everyone = rows(&everyone).into_iter().find(|g| g["name"] == "Everyone").expect("Everyone group");
    assert_eq!(everyone["type"], "BUILT_IN");
    let okta_groups = server.call("okta_list_groups", json!({"filter": "type eq \"OKTA_GROUP\"", "limit": 200})).ok();
    assert!(rows(&okta_groups).iter().all(|g| g["type"] == "OKTA_GROUP"));

    let group = server.call("okta_get_group", json!({"group_id": everyone["id"]})).ok();
    assert_eq!(group["profile"]["name"], "Everyone");
    let members = server.call("okta_list_group_users", json!({"group_id": everyone["id"], "limit": 10})).ok();
    assert_eq!(members["count"], 10);
    assert!(members["next_cursor"].is_string());
    let apps = server.call("okta_list_group_apps", json!({"group_id": everyone["id"]})).ok();
    assert!(apps["rows"].is_array());
}

#[test]
fn create_update_members_and_delete() {
    let org = Org::start();
    let mut server = org.server(BIN, &["--mode", "full"]);
    let name = unique("E2E Group ");
    let created = server.call("okta_create_group", json!({"name": name, "description": "made by a test"})).ok();
    let gid = created["created"]["id"].as_str().unwrap().to_owned();
    assert_eq!(created["created"]["type"], "OKTA_GROUP");

    let renamed = server.call("okta_update_group", json!({"group_id": gid, "name": format!("{name} v2")})).ok();
    assert_eq!(renamed["changed"]["name"]["to"], format!("{name} v2"));
    let read = server.call("okta_get_group", json!({"group_id": gid})).ok();
    assert_eq!(read["profile"]["description"], "made by a test", "update keeps the description");

    // Bob is an ordinary user (Alice, the first active user, is a super administrator: protected).
    let bob = server.call("okta_get_user", json!({"user": "bob.active@example.com"})).ok();
    let user = json!({"id": bob["id"], "login": bob["profile"]["login"]});
    server.call("okta_add_user_to_group", json!({"group_id": gid, "user": user["login"]})).ok();
    let members = server.call("okta_list_group_users", json!({"group_id": gid})).ok();
    assert_eq!(rows(&members).len(), 1);
    assert_eq!(rows(&members)[0]["id"], user["id"]);
    let groups = server.call("okta_get_user_groups", json!({"user": user["id"], "limit": 200})).ok();
    assert!(rows(&groups).iter().any(|g| g["id"] == json!(gid)));
    server.call_confirmed("okta_remove_user_from_group", json!({"group_id": gid, "user": user["id"]})).ok();
    assert_eq!(server.call("okta_list_group_users", json!({"group_id": gid})).ok()["count"], 0);

    let deleted = server.call_confirmed("okta_delete_group", json!({"group_id": gid})).ok();
    assert_eq!(deleted["deleted"]["id"], json!(gid));
    let gone = server.call("okta_get_group", json!({"group_id": gid})).err();
    assert!(gone.contains("E0000007"), "{gone}");
}

#[test]
fn built_in_and_app_groups_are_not_changed() {
    let org = Org::start();
    let mut server = org.server(BIN, &["--mode", "full"]);
    let everyone = rows(&server.call("okta_list_groups", json!({"filter": "type eq \"BUILT_IN\""})).ok()).remove(0);
    let before = org.request_count();
    let refused = server.call_confirmed("okta_delete_group", json!({"group_id": everyone["id"]})).err();
    assert!(refused.contains("only OKTA_GROUP"), "{refused}");
    let refused = server.call("okta_update_group", json!({"group_id": everyone["id"], "name": "All"})).err();
    assert!(refused.contains("only OKTA_GROUP"), "{refused}");
    assert_eq!(org.request_count(), before + 2, "only the two reads were sent");
}

#[test]
fn duplicate_group_name_is_oktas_validation_error() {
    let org = Org::start();
    let mut server = org.server(BIN, &["--mode", "read-write"]);
    let error = server.call("okta_create_group", json!({"name": "Everyone"})).err();
    assert!(error.contains("E0000001"), "{error}");
}
