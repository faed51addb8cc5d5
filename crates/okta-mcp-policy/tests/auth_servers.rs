//! Authorization servers end to end: list and read, create, update without wiping fields, key rotation,
//! deactivate then delete (the default server and ACTIVE servers are refused), and their policies and rules.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use okta_e2e::{Org, rows, unique};
use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_okta-mcp-policy");
const ORDERS: &str = "ausorders00000000001";

#[test]
fn servers_list_read_create_update_delete() {
    let org = Org::start();
    let mut server = org.server(BIN, &["--mode", "full"]);
    let list = server.call("okta_list_auth_servers", json!({})).ok();
    let all = rows(&list);
    assert!(all.iter().any(|s| s["id"] == "default"), "{list}");
    assert!(all.iter().any(|s| s["id"] == ORDERS && s["name"] == "Orders API"));
    let q = server.call("okta_list_auth_servers", json!({"q": "Orders"})).ok();
    assert_eq!(rows(&q)[0]["id"], ORDERS);
    let one = server.call("okta_get_auth_server", json!({"auth_server_id": "default"})).ok();
    assert!(one["issuer"].as_str().unwrap().ends_with("/oauth2/default"), "{one}");
    assert!(one.get("_links").is_none());
    let e = server.call("okta_get_auth_server", json!({"auth_server_id": "ausnope0000000000000"})).err();
    assert!(e.contains("E0000007"), "{e}");

    let name = unique("E2E AS ");
    let created = server
        .call("okta_create_auth_server", json!({"name": name, "audiences": ["api://e2e"], "description": "e2e"}))
        .ok();
    let id = created["created"]["id"].as_str().unwrap().to_owned();
    assert_eq!(created["created"]["status"], "ACTIVE");
    let e = server.call("okta_create_auth_server", json!({"name": "x", "audiences": []})).err();
    assert!(e.contains("audiences"), "{e}");

    let updated = server.call("okta_update_auth_server", json!({"auth_server_id": id, "description": "changed"})).ok();
    assert_eq!(updated["changed"]["description"], json!({"from": "e2e", "to": "changed"}), "{updated}");
    assert_eq!(updated["changed"].as_object().unwrap().len(), 1);
    let after = server.call("okta_get_auth_server", json!({"auth_server_id": id})).ok();
    assert_eq!(after["audiences"], json!(["api://e2e"]), "audiences kept");
    let same = server.call("okta_update_auth_server", json!({"auth_server_id": id, "description": "changed"})).ok();
    assert!(same["result"].as_str().unwrap().contains("nothing sent"));
    let e =
        server.call("okta_update_auth_server", json!({"auth_server_id": id, "changes": {"status": "INACTIVE"}})).err();
    assert!(e.contains("okta_deactivate_auth_server"), "{e}");

    // Okta's rules, checked before anything is sent.
    let before = org.change_count();
    let e = server.call_confirmed("okta_delete_auth_server", json!({"auth_server_id": id})).err();
    assert!(e.contains("it is ACTIVE") && e.contains("okta_deactivate_auth_server"), "{e}");
    let e = server.call_confirmed("okta_delete_auth_server", json!({"auth_server_id": "default"})).err();
    assert!(e.contains("default authorization server"), "{e}");
    assert_eq!(org.change_count(), before, "nothing was sent");

    let out = server.call_confirmed("okta_deactivate_auth_server", json!({"auth_server_id": id})).ok();
    assert_eq!(out["status_after"], "INACTIVE");
    let again = server.call_confirmed("okta_deactivate_auth_server", json!({"auth_server_id": id})).ok();
    assert!(again["result"].as_str().unwrap().contains("already INACTIVE"));
    let deleted = server.call_confirmed("okta_delete_auth_server", json!({"auth_server_id": id})).ok();
    assert_eq!(deleted["deleted"]["id"], json!(id));
    let gone = server.call("okta_get_auth_server", json!({"auth_server_id": id})).err();
    assert!(gone.contains("E0000007"), "{gone}");
}

#[test]
fn rotate_the_keys_of_a_server() {
    let org = Org::start();
    let mut server = org.server(BIN, &["--mode", "read-write"]);
    let id = server
        .call("okta_create_auth_server", json!({"name": unique("E2E Keys "), "audiences": ["api://keys"]}))
        .ok()["created"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let keys = server.call("okta_list_auth_server_keys", json!({"auth_server_id": id})).ok();
    let before = rows(&keys);
    let active = before.iter().find(|k| k["status"] == "ACTIVE").unwrap()["kid"].clone();
    let next = before.iter().find(|k| k["status"] == "NEXT").unwrap()["kid"].clone();
    assert!(!keys.to_string().contains("\"n\""), "no key material in the columns");

    let dry = server.call("okta_rotate_auth_server_keys", json!({"auth_server_id": id, "dry_run": true})).ok();
    assert!(dry.to_string().contains("keyRotate"), "{dry}");
    let rotated = server.call("okta_rotate_auth_server_keys", json!({"auth_server_id": id})).ok();
    assert_eq!(rotated["active_kid_before"], active);
    assert_eq!(rotated["active_kid_now"], next);
    let after = rows(&server.call("okta_list_auth_server_keys", json!({"auth_server_id": id})).ok());
    assert!(after.iter().any(|k| k["kid"] == active && k["status"] == "EXPIRED"));
    assert_eq!(
        org.control_get("/__sandbox/stats")["requests"]["POST /api/v1/authorizationServers/{authServerId}/credentials/lifecycle/keyRotate"],
        1
    );
}

#[test]
fn policies_and_rules() {
    let org = Org::start();
    let mut server = org.server(BIN, &["--mode", "full"]);
    let policies = server.call("okta_list_auth_server_policies", json!({"auth_server_id": ORDERS})).ok();
    let p = rows(&policies);
    assert_eq!(p[0]["name"], "Orders clients");
    assert_eq!(p[0]["clients"], json!(["ALL_CLIENTS"]));
    let rules = server
        .call("okta_list_policy_rules", json!({"auth_server_id": ORDERS, "policy_id": "00pordersclients0001"}))
        .ok();
    let r = rows(&rules);
    assert_eq!(r[0]["priority"], 1);
    assert!(r[0]["conditions"].as_str().unwrap().contains("grant types: client_credentials"), "{rules}");
    assert!(r[1]["actions"].as_str().unwrap().contains("token inline hook caltokenenrich000001"), "{rules}");
    let detail = server
        .call(
            "okta_list_policy_rules",
            json!({"auth_server_id": ORDERS, "policy_id": "00pordersclients0001", "detail": true}),
        )
        .ok();
    assert_eq!(detail["items"][0]["type"], "RESOURCE_ACCESS");

    // a server of our own, with a policy and a rule
    let id = server
        .call("okta_create_auth_server", json!({"name": unique("E2E Pol "), "audiences": ["api://pol"]}))
        .ok()["created"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let policy = server
        .call(
            "okta_create_auth_server_policy",
            json!({"auth_server_id": id, "name": "Partners", "description": "partner apps"}),
        )
        .ok();
    let pid = policy["created"]["id"].as_str().unwrap().to_owned();
    let up = server
        .call(
            "okta_update_auth_server_policy",
            json!({"auth_server_id": id, "policy_id": pid, "clients": ["0oapartner0000000001"]}),
        )
        .ok();
    assert_eq!(up["changed"]["conditions.clients.include"]["to"], json!(["0oapartner0000000001"]), "{up}");
    assert_eq!(up["changed"].as_object().unwrap().len(), 1, "{up}");

    let rule = server
        .call(
            "okta_create_policy_rule",
            json!({"auth_server_id": id, "policy_id": pid, "name": "Machines", "grant_types": ["client_credentials"],
                   "scopes": ["openid"], "access_token_minutes": 30}),
        )
        .ok();
    let rid = rule["created"]["id"].as_str().unwrap().to_owned();
    assert!(rule["created"]["actions"].as_str().unwrap().contains("access token 30 min"), "{rule}");
    let e = server
        .call(
            "okta_create_policy_rule",
            json!({"auth_server_id": id, "policy_id": pid, "name": "x", "grant_types": ["client_credentials"],
                   "access_token_minutes": 2}),
        )
        .err();
    assert!(e.contains("5 to 1440"), "{e}");

    let up = server
        .call(
            "okta_update_policy_rule",
            json!({"auth_server_id": id, "policy_id": pid, "rule_id": rid,
                   "changes": {"actions": {"token": {"accessTokenLifetimeMinutes": 15}}}}),
        )
        .ok();
    assert_eq!(up["changed"]["actions.token.accessTokenLifetimeMinutes"], json!({"from": 30, "to": 15}), "{up}");
    assert_eq!(up["changed"].as_object().unwrap().len(), 1, "{up}");
    let after =
        server.call("okta_list_policy_rules", json!({"auth_server_id": id, "policy_id": pid, "detail": true})).ok();
    assert_eq!(after["items"][0]["conditions"]["scopes"]["include"], json!(["openid"]), "conditions kept");

    server
        .call_confirmed("okta_delete_policy_rule", json!({"auth_server_id": id, "policy_id": pid, "rule_id": rid}))
        .ok();
    server.call_confirmed("okta_delete_auth_server_policy", json!({"auth_server_id": id, "policy_id": pid})).ok();
    let left = server.call("okta_list_auth_server_policies", json!({"auth_server_id": id})).ok();
    assert_eq!(left["count"], 0);

    // default objects stay
    let e = server
        .call_confirmed(
            "okta_delete_auth_server_policy",
            json!({"auth_server_id": "default", "policy_id": "00pasdefault00000001"}),
        )
        .err();
    assert!(e.contains("default policy"), "{e}");
    let e = server
        .call_confirmed(
            "okta_delete_policy_rule",
            json!({"auth_server_id": "default", "policy_id": "00pasdefault00000001", "rule_id": "0prasdefault00000001"}),
        )
        .err();
    assert!(e.contains("default rule"), "{e}");
}
