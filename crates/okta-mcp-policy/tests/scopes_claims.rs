//! Scopes and claims end to end: "add a groups claim to the default authorization server", custom scopes,
//! updates that keep the rest, and system scopes and claims that cannot be deleted.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use okta_e2e::{Org, rows, unique};
use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_okta-mcp-policy");

#[test]
fn add_a_groups_claim_to_the_default_server() {
    let org = Org::start();
    let mut server = org.server(BIN, &["--mode", "full"]);
    let name = unique("groups");
    let e = server
        .call(
            "okta_create_claim",
            json!({"auth_server_id": "default", "name": name, "claim_type": "RESOURCE", "value_type": "GROUPS",
                   "value": ".*"}),
        )
        .err();
    assert!(e.contains("group_filter_type"), "{e}");
    let created = server
        .call(
            "okta_create_claim",
            json!({"auth_server_id": "default", "name": name, "claim_type": "RESOURCE", "value_type": "GROUPS",
                   "value": ".*", "group_filter_type": "REGEX"}),
        )
        .ok();
    let id = created["created"]["id"].as_str().unwrap().to_owned();
    let claims = server.call("okta_list_claims", json!({"auth_server_id": "default"})).ok();
    let mine = rows(&claims).into_iter().find(|c| c["id"] == json!(id)).unwrap();
    assert_eq!(mine["valueType"], "GROUPS");
    let one = server.call("okta_get_claim", json!({"auth_server_id": "default", "claim_id": id})).ok();
    assert_eq!(one["group_filter_type"], "REGEX");

    let up =
        server.call("okta_update_claim", json!({"auth_server_id": "default", "claim_id": id, "value": "^Eng"})).ok();
    assert_eq!(up["changed"]["value"], json!({"from": ".*", "to": "^Eng"}));
    assert_eq!(up["changed"].as_object().unwrap().len(), 1, "{up}");
    let one = server.call("okta_get_claim", json!({"auth_server_id": "default", "claim_id": id})).ok();
    assert_eq!(one["group_filter_type"], "REGEX", "kept");

    let system = rows(&claims).into_iter().find(|c| c["system"] == true).unwrap();
    let before = org.change_count();
    let e = server
        .call_confirmed("okta_delete_claim", json!({"auth_server_id": "default", "claim_id": system["id"]}))
        .err();
    assert!(e.contains("system claim"), "{e}");
    let e = server
        .call("okta_update_claim", json!({"auth_server_id": "default", "claim_id": system["id"], "value": "x"}))
        .err();
    assert!(e.contains("system claim"), "{e}");
    assert_eq!(org.change_count(), before);
    server.call_confirmed("okta_delete_claim", json!({"auth_server_id": "default", "claim_id": id})).ok();
    let gone = server.call("okta_get_claim", json!({"auth_server_id": "default", "claim_id": id})).err();
    assert!(gone.contains("E0000007"), "{gone}");
}

#[test]
fn custom_scopes_and_system_scopes() {
    let org = Org::start();
    let mut server = org.server(BIN, &["--mode", "full"]);
    let list = server.call("okta_list_scopes", json!({"auth_server_id": "default", "limit": 3})).ok();
    assert_eq!(list["count"], 3);
    assert!(list["next_cursor"].is_string(), "{list}");
    let openid = rows(&server.call("okta_list_scopes", json!({"auth_server_id": "default", "q": "openid"})).ok())
        .into_iter()
        .find(|s| s["name"] == "openid")
        .unwrap();
    assert_eq!(openid["system"], true);

    let name = unique("e2e.read.");
    let created = server
        .call(
            "okta_create_scope",
            json!({"auth_server_id": "default", "name": name, "description": "E2E", "consent": "REQUIRED"}),
        )
        .ok();
    let id = created["created"]["id"].as_str().unwrap().to_owned();
    let dup = server.call("okta_create_scope", json!({"auth_server_id": "default", "name": name})).err();
    assert!(dup.contains("E0000001"), "{dup}");
    let e = server.call("okta_create_scope", json!({"auth_server_id": "default", "name": "has space"})).err();
    assert!(e.contains("spaces"), "{e}");

    let up = server
        .call("okta_update_scope", json!({"auth_server_id": "default", "scope_id": id, "description": "Read E2E"}))
        .ok();
    assert_eq!(up["changed"]["description"]["to"], "Read E2E");
    let got = server.call("okta_get_scope", json!({"auth_server_id": "default", "scope_id": id})).ok();
    assert_eq!(got["consent"], "REQUIRED", "kept");

    let e = server
        .call_confirmed("okta_delete_scope", json!({"auth_server_id": "default", "scope_id": openid["id"]}))
        .err();
    assert!(e.contains("system scope"), "{e}");
    let e = server
        .call(
            "okta_update_scope",
            json!({"auth_server_id": "default", "scope_id": openid["id"], "changes": {"name": "x"}}),
        )
        .err();
    assert!(e.contains("system scope"), "{e}");
    server.call_confirmed("okta_delete_scope", json!({"auth_server_id": "default", "scope_id": id})).ok();
}
