//! Finding and reading users end to end: compact pages with cursors over the whole org, Okta's q, filter and
//! search, reading by id or login, and errors (not found, invalid ids that never reach the network).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use okta_e2e::{Org, rows};
use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_okta-mcp-users");

#[test]
fn list_pages_through_every_user_with_cursors() {
    let org = Org::start();
    let mut server = org.server(BIN, &[]);
    let first = server.call("okta_list_users", json!({})).ok();
    assert_eq!(
        first["columns"],
        json!(["id", "status", "login", "email", "firstName", "lastName", "lastLogin", "created"])
    );
    assert_eq!(first["count"], 50, "default page is modest");
    let mut seen = BTreeSet::new();
    let mut page = server.call("okta_list_users", json!({"limit": 200})).ok();
    let mut pages = 1;
    loop {
        for row in rows(&page) {
            assert!(seen.insert(row["id"].as_str().unwrap().to_owned()), "user listed twice");
            assert_ne!(row["status"], "DEPROVISIONED", "Okta lists deactivated users only when asked");
        }
        let Some(cursor) = page["next_cursor"].as_str() else { break };
        page = server.call("okta_list_users", json!({"cursor": cursor, "limit": 200})).ok();
        pages += 1;
        assert!(pages < 20, "pagination does not end");
    }
    let deactivated =
        server.call("okta_list_users", json!({"filter": "status eq \"DEPROVISIONED\"", "limit": 200})).ok();
    let deactivated = deactivated["count"].as_u64().unwrap() as usize;
    assert!(deactivated >= 1);
    assert!(seen.len() + deactivated >= 300, "walked {} users", seen.len());
    assert!(pages >= 2);
}

#[test]
fn a_200_user_page_is_compact() {
    let org = Org::start();
    let mut server = org.server(BIN, &[]);
    let size = server.call_wire_size("okta_list_users", json!({"limit": 200}));
    assert!(size <= 40 * 1024, "a 200-user page is {size} bytes on the wire");
    let page = server.call("okta_list_users", json!({"limit": 200})).ok();
    assert_eq!(page["count"], 200);
    assert!(page["next_cursor"].as_str().is_some());
}

#[test]
fn filter_q_and_search_reach_okta() {
    let org = Org::start();
    let mut server = org.server(BIN, &[]);
    let locked = server.call("okta_list_users", json!({"filter": "status eq \"LOCKED_OUT\""})).ok();
    assert!(locked["count"].as_u64().unwrap() >= 1);
    assert!(rows(&locked).iter().all(|r| r["status"] == "LOCKED_OUT"));

    let anyone = rows(&server.call("okta_list_users", json!({"limit": 1})).ok()).remove(0);
    let first_name = anyone["firstName"].as_str().unwrap();
    let prefix: String = first_name.chars().take(3).collect();
    let by_q = server.call("okta_list_users", json!({"q": prefix})).ok();
    assert!(rows(&by_q).iter().any(|r| r["id"] == anyone["id"]), "q={prefix} misses {first_name}");

    let login = anyone["login"].as_str().unwrap();
    let by_search = server.call("okta_list_users", json!({"search": format!("profile.login eq \"{login}\"")})).ok();
    assert_eq!(rows(&by_search).len(), 1);
    assert_eq!(rows(&by_search)[0]["id"], anyone["id"]);

    let with_fields = server.call("okta_list_users", json!({"limit": 2, "fields": ["profile.department"]})).ok();
    assert_eq!(with_fields["columns"].as_array().unwrap().last().unwrap(), "profile.department");
    let detail = server.call("okta_list_users", json!({"limit": 2, "detail": true})).ok();
    assert!(detail["items"][0]["profile"].is_object());
    assert!(detail["items"][0].get("_links").is_none());
}

#[test]
fn malformed_search_is_oktas_error_with_request_id() {
    let org = Org::start();
    let mut server = org.server(BIN, &[]);
    let error = server.call("okta_list_users", json!({"search": "profile.login eq"})).err();
    assert!(error.contains("400"), "{error}");
    assert!(error.contains("request id:"), "{error}");
}

#[test]
fn get_user_by_id_or_login() {
    let org = Org::start();
    let mut server = org.server(BIN, &[]);
    let row = rows(&server.call("okta_list_users", json!({"limit": 1})).ok()).remove(0);
    let by_id = server.call("okta_get_user", json!({"user": row["id"]})).ok();
    let by_login = server.call("okta_get_user", json!({"user": row["login"]})).ok();
    assert_eq!(by_id["id"], row["id"]);
    assert_eq!(by_id, by_login);
    assert!(by_id.get("_links").is_none());
    assert_eq!(by_id["profile"]["login"], row["login"]);
}

#[test]
fn unknown_user_is_not_found_with_request_id() {
    let org = Org::start();
    let mut server = org.server(BIN, &[]);
    let error = server.call("okta_get_user", json!({"user": "nobody@example.invalid"})).err();
    assert!(error.contains("E0000007"), "{error}");
    assert!(error.contains("404"), "{error}");
    assert!(error.contains("request id:"), "{error}");
}

#[test]
fn invalid_ids_never_reach_the_network() {
    let org = Org::start();
    let mut server = org.server(BIN, &["--mode", "full"]);
    let before = org.request_count();
    for bad in ["../admin", "a/b", "x?y=1", "a#b", "50%", "two words", "tab\there", "", "..", "nl\n"] {
        let error = server.call("okta_get_user", json!({"user": bad})).err();
        assert!(error.contains("invalid arguments"), "{bad:?}: {error}");
        server.call_confirmed("okta_delete_user", json!({"user": bad})).err();
        server.call("okta_add_user_to_group", json!({"group_id": bad, "user": "00u0000000000000000a"})).err();
    }
    assert_eq!(org.request_count(), before, "an invalid id reached the sandbox");
}

#[test]
fn bad_arguments_are_clear_tool_errors() {
    let org = Org::start();
    let mut server = org.server(BIN, &[]);
    let error = server.call("okta_list_users", json!({"limit": 500})).err();
    assert!(error.contains("limit 500 is above the maximum of 200"), "{error}");
    let error = server.call("okta_list_users", json!({"lmit": 5})).err();
    assert!(error.contains("unknown argument `lmit`"), "{error}");
    let error = server.call("okta_get_user", json!({})).err();
    assert!(error.contains("missing field `user`"), "{error}");
    let error =
        server.call("okta_list_users", json!({"cursor": "https://evil.example.com/api/v1/users?after=x"})).err();
    assert!(error.to_lowercase().contains("cursor"), "{error}");
}

#[test]
fn user_groups_apps_and_roles() {
    let org = Org::start();
    let mut server = org.server(BIN, &[]);
    let row =
        rows(&server.call("okta_list_users", json!({"filter": "status eq \"ACTIVE\"", "limit": 1})).ok()).remove(0);
    let groups = server.call("okta_get_user_groups", json!({"user": row["id"]})).ok();
    assert!(rows(&groups).iter().any(|g| g["name"] == "Everyone"), "{groups}");
    let apps = server.call("okta_get_user_apps", json!({"user": row["login"]})).ok();
    assert!(apps["apps"].is_array());
    let roles = server.call("okta_get_user_roles", json!({"user": row["login"]})).ok();
    assert_eq!(roles["user"], row["id"]);
    assert!(roles["roles"].is_array());
}
