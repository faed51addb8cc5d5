//! Event hooks end to end: create (URL and event types checked first), read, update, verify, activate,
//! deactivate, delete (only when INACTIVE); secrets never shown back.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use okta_e2e::{Org, rows, unique};
use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_okta-mcp-admin");

#[test]
fn an_event_hook_from_creation_to_deletion() {
    let org = Org::start();
    let mut server = org.server(BIN, &["--mode", "full"]);
    let name = unique("SIEM e2e ");
    let created = server
        .call(
            "okta_create_event_hook",
            json!({"name": name, "url": "https://hooks.example.com/okta", "events": ["user.lifecycle.create",
                   "group.user_membership.add"], "headers": {"X-Source": "okta"}, "auth_secret": "s3cr3t-value"}),
        )
        .ok();
    assert!(!created.to_string().contains("s3cr3t-value"), "the secret is echoed: {created}");
    assert_eq!(created["created"]["status"], "ACTIVE");
    assert_eq!(created["created"]["verificationStatus"], "UNVERIFIED");
    let id = created["created"]["id"].as_str().unwrap().to_owned();

    let listed = server.call("okta_list_event_hooks", json!({})).ok();
    assert!(rows(&listed).iter().any(|h| h["id"] == json!(id)));
    let hook = server.call("okta_get_event_hook", json!({"event_hook_id": id})).ok();
    assert_eq!(hook["channel"]["config"]["authScheme"]["key"], "Authorization");
    assert!(hook["channel"]["config"]["authScheme"].get("value").is_none());

    let verified = server.call("okta_verify_event_hook", json!({"event_hook_id": id})).ok();
    assert_eq!(verified["verificationStatus"], "VERIFIED");
    let updated = server
        .call(
            "okta_update_event_hook",
            json!({"event_hook_id": id, "url": "https://hooks2.example.com/okta",
                                              "events": ["user.lifecycle.deactivate"]}),
        )
        .ok();
    assert_eq!(updated["changed"]["url"]["to"], "https://hooks2.example.com/okta");
    assert_eq!(updated["changed"]["events"]["to"], json!(["user.lifecycle.deactivate"]));
    assert!(updated["next"].as_str().unwrap().contains("okta_verify_event_hook"));
    assert_eq!(updated["updated"]["name"], json!(name), "unchanged fields are kept");
    assert_eq!(updated["updated"]["verificationStatus"], "UNVERIFIED");

    let refused = server.call_confirmed("okta_delete_event_hook", json!({"event_hook_id": id})).err();
    assert!(refused.contains("okta_deactivate_event_hook first"), "{refused}");
    let deactivated = server.call_confirmed("okta_deactivate_event_hook", json!({"event_hook_id": id})).ok();
    assert_eq!(deactivated["status_after"], "INACTIVE");
    let activated = server.call("okta_activate_event_hook", json!({"event_hook_id": id})).ok();
    assert_eq!(activated["status_after"], "ACTIVE");
    assert!(activated["note"].as_str().unwrap().contains("not verified"));
    server.call_confirmed("okta_deactivate_event_hook", json!({"event_hook_id": id})).ok();
    let deleted = server.call_confirmed("okta_delete_event_hook", json!({"event_hook_id": id})).ok();
    assert_eq!(deleted["deleted"]["id"], json!(id));
    let gone = server.call("okta_get_event_hook", json!({"event_hook_id": id})).err();
    assert!(gone.contains("E0000007"), "{gone}");
}

#[test]
fn urls_and_event_types_are_checked_before_sending() {
    let org = Org::start();
    let mut server = org.server(BIN, &["--mode", "read-write"]);
    let before = org.change_count();
    for (args, expect) in [
        (
            json!({"name": "x", "url": "http://hooks.example.com", "events": ["user.lifecycle.create"]}),
            "must use https",
        ),
        (json!({"name": "x", "url": "not a url", "events": ["user.lifecycle.create"]}), "not a valid URL"),
        (
            json!({"name": "x", "url": "https://h.example.com", "events": ["user.lifecycle.explode"]}),
            "not an event type",
        ),
        (json!({"name": "x", "url": "https://h.example.com", "events": []}), "at least one event type"),
        (
            json!({"name": " ", "url": "https://h.example.com", "events": ["user.lifecycle.create"]}),
            "name must not be empty",
        ),
    ] {
        let error = server.call("okta_create_event_hook", args.clone()).err();
        assert!(error.contains(expect), "{args}: {error}");
    }
    let error = server.call("okta_update_event_hook", json!({"event_hook_id": "whosiemforwarder0001"})).err();
    assert!(error.contains("nothing to change"), "{error}");
    let dry = server
        .call(
            "okta_create_event_hook",
            json!({"name": "dry", "url": "https://h.example.com",
                                             "events": ["user.session.start"], "dry_run": true}),
        )
        .ok();
    assert!(dry.to_string().contains("/api/v1/eventHooks"), "{dry}");
    assert_eq!(org.change_count(), before, "nothing was sent");

    // The sandbox's endpoints under .invalid never answer the verification request.
    let created = server
        .call(
            "okta_create_event_hook",
            json!({"name": unique("dead "), "url": "https://dead.invalid/hook",
                                             "events": ["user.session.start"]}),
        )
        .ok();
    let failed = server.call("okta_verify_event_hook", json!({"event_hook_id": created["created"]["id"]})).err();
    assert!(failed.contains("Verification failed"), "{failed}");
}
