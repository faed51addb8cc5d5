//! Devices end to end: list, read, users; the lifecycle in Okta's order (suspend, unsuspend, deactivate,
//! delete), and refusals that explain the rule before anything is sent.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use okta_e2e::{Org, rows};
use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_okta-mcp-admin");

#[test]
fn devices_are_listed_read_and_searched() {
    let org = Org::start();
    let mut server = org.server(BIN, &[]);
    let list = server.call("okta_list_devices", json!({"limit": 200, "with_users": true})).ok();
    let all = rows(&list);
    assert!(all.len() >= 20, "{list}");
    let mac = all.iter().find(|d| d["id"] == "guoalicemacbook00001").expect("Alice's MacBook");
    assert_eq!(mac["users"], json!(["alice.active@example.com"]));
    let suspended = server.call("okta_list_devices", json!({"search": "status eq \"SUSPENDED\""})).ok();
    assert!(rows(&suspended).iter().all(|d| d["status"] == "SUSPENDED") && suspended["count"].as_u64().unwrap() >= 1);
    let paged = server.call("okta_list_devices", json!({"limit": 5})).ok();
    assert!(paged["next_cursor"].is_string());
    let device = server.call("okta_get_device", json!({"device_id": "guoalicemacbook00001"})).ok();
    assert_eq!(device["profile"]["platform"], "MACOS");
    assert!(device.get("_links").is_none());
    let users = server.call("okta_list_device_users", json!({"device_id": "guoalicemacbook00001"})).ok();
    assert_eq!(rows(&users)[0]["login"], "alice.active@example.com");
    let missing = server.call("okta_get_device", json!({"device_id": "guonosuchdevice00001"})).err();
    assert!(missing.contains("E0000007"), "{missing}");
    let bad = server.call("okta_get_device", json!({"device_id": "../x"})).err();
    assert!(bad.contains("cannot be used as"), "{bad}");
}

#[test]
fn a_device_through_its_lifecycle() {
    let org = Org::start();
    let mut server = org.server(BIN, &["--mode", "full"]);
    // An ACTIVE device that is not Alice's (tests may share an org: take the last active one).
    let list = server.call("okta_list_devices", json!({"search": "status eq \"ACTIVE\"", "limit": 200})).ok();
    let id = rows(&list).last().expect("an active device")["id"].as_str().unwrap().to_owned();

    let refused = server.call("okta_unsuspend_device", json!({"device_id": id})).err();
    assert!(refused.contains("the device is ACTIVE") && refused.contains("Nothing was changed"), "{refused}");
    let before = org.change_count();
    let refused = server.call_confirmed("okta_delete_device", json!({"device_id": id})).err();
    assert!(refused.contains("okta_deactivate_device first"), "{refused}");
    assert_eq!(org.change_count(), before);

    let suspended = server.call_confirmed("okta_suspend_device", json!({"device_id": id})).ok();
    assert_eq!(
        (suspended["status_before"].as_str(), suspended["status_after"].as_str()),
        (Some("ACTIVE"), Some("SUSPENDED"))
    );
    let again = server.call_confirmed("okta_suspend_device", json!({"device_id": id})).err();
    assert!(again.contains("the device is SUSPENDED"), "{again}");
    let unsuspended = server.call("okta_unsuspend_device", json!({"device_id": id})).ok();
    assert_eq!(unsuspended["status_after"], "ACTIVE");
    let deactivated = server.call_confirmed("okta_deactivate_device", json!({"device_id": id})).ok();
    assert_eq!(deactivated["status_after"], "DEACTIVATED");
    let users = server.call("okta_list_device_users", json!({"device_id": id})).ok();
    assert_eq!(users["count"], 0, "deactivation unlinks the users");
    let again = server.call_confirmed("okta_deactivate_device", json!({"device_id": id})).err();
    assert!(again.contains("the device is DEACTIVATED"), "{again}");
    let deleted = server.call_confirmed("okta_delete_device", json!({"device_id": id})).ok();
    assert_eq!(deleted["deleted"]["id"], json!(id));
    let gone = server.call("okta_get_device", json!({"device_id": id})).err();
    assert!(gone.contains("E0000007"), "{gone}");
}

#[test]
fn destructive_device_tools_need_confirmation_and_full_mode() {
    let org = Org::start();
    let mut rw = org.server(BIN, &["--mode", "read-write"]);
    let names = rw.tool_names();
    assert!(names.contains(&"okta_unsuspend_device".to_owned()) && !names.contains(&"okta_delete_device".to_owned()));
    let mut server = org.server(BIN, &["--mode", "full"]);
    let before = org.change_count();
    let declined = server.call("okta_suspend_device", json!({"device_id": "guoalicemacbook00001"})).ok();
    assert_eq!(declined["executed"], false, "{declined}");
    assert_eq!(server.elicitations.len(), 1, "the person was asked");
    assert_eq!(org.change_count(), before, "a declined change sends nothing");
}
