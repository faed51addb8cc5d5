//! Inline hooks end to end: create (the secret is never shown), update keeping the rest, preview through
//! Okta's execute endpoint, lifecycle, and deleting only INACTIVE hooks.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use okta_e2e::{Org, rows, unique};
use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_okta-mcp-policy");

#[test]
fn hooks_end_to_end() {
    let org = Org::start();
    let mut server = org.server(BIN, &["--mode", "full"]);
    let list = server.call("okta_list_inline_hooks", json!({"type": "com.okta.oauth2.tokens.transform"})).ok();
    assert!(rows(&list).iter().all(|h| h["type"] == "com.okta.oauth2.tokens.transform"));
    assert!(rows(&list).iter().any(|h| h["id"] == "caltokenenrich000001"));

    let created = server
        .call(
            "okta_create_inline_hook",
            json!({"name": unique("E2E Hook "), "type": "com.okta.user.pre-registration",
                   "uri": "https://hooks.example.com/e2e", "auth_secret": "e2e-secret-value"}),
        )
        .ok();
    assert!(!created.to_string().contains("e2e-secret-value"));
    let id = created["created"]["id"].as_str().unwrap().to_owned();
    let got = server.call("okta_get_inline_hook", json!({"inline_hook_id": id})).ok();
    assert!(!got.to_string().contains("e2e-secret-value"), "{got}");
    assert_eq!(got["channel"]["config"]["authScheme"]["key"], "Authorization");
    let e = server
        .call(
            "okta_create_inline_hook",
            json!({"name": "x", "type": "com.okta.import.transform", "uri": "http://x.example"}),
        )
        .err();
    assert!(e.contains("https URL"), "{e}");

    let up = server
        .call("okta_update_inline_hook", json!({"inline_hook_id": id, "uri": "https://hooks.example.com/e2e/v2"}))
        .ok();
    assert_eq!(up["changed"]["channel.config.uri"]["to"], "https://hooks.example.com/e2e/v2", "{up}");
    assert_eq!(up["changed"].as_object().unwrap().len(), 1, "{up}");
    let got = server.call("okta_get_inline_hook", json!({"inline_hook_id": id})).ok();
    assert_eq!(got["channel"]["config"]["authScheme"]["key"], "Authorization", "auth kept");

    // preview: the sandbox answers like the hook service would, and never calls out
    let preview = server.call("okta_preview_inline_hook", json!({"inline_hook_id": id})).ok();
    assert_eq!(preview["hook"]["id"], json!(id));
    assert_eq!(preview["sent"]["eventType"], "com.okta.user.pre-registration");
    assert_eq!(preview["response"]["commands"][0]["value"]["registration"], "ALLOW", "{preview}");
    let deny = server
        .call(
            "okta_preview_inline_hook",
            json!({"inline_hook_id": id, "payload": {"data": {"userProfile": {"email": "x@example.org"}}}}),
        )
        .ok();
    assert_eq!(deny["response"]["commands"][0]["value"]["registration"], "DENY");
    let token = server.call("okta_preview_inline_hook", json!({"inline_hook_id": "caltokenenrich000001"})).ok();
    assert_eq!(token["response"]["commands"][0]["type"], "com.okta.access.patch");
    let e = server.call("okta_preview_inline_hook", json!({"inline_hook_id": "calnope0000000000000"})).err();
    assert!(e.contains("E0000007"), "{e}");
    let e = server.call("okta_preview_inline_hook", json!({"inline_hook_id": id, "payload": []})).err();
    assert!(e.contains("payload"), "{e}");

    let e = server.call_confirmed("okta_delete_inline_hook", json!({"inline_hook_id": id})).err();
    assert!(e.contains("it is ACTIVE") && e.contains("okta_deactivate_inline_hook"), "{e}");
    let out = server.call_confirmed("okta_deactivate_inline_hook", json!({"inline_hook_id": id})).ok();
    assert_eq!(out["status_after"], "INACTIVE");
    let out = server.call("okta_activate_inline_hook", json!({"inline_hook_id": id})).ok();
    assert_eq!(out["status_after"], "ACTIVE");
    server.call_confirmed("okta_deactivate_inline_hook", json!({"inline_hook_id": id})).ok();
    server.call_confirmed("okta_delete_inline_hook", json!({"inline_hook_id": id})).ok();
    let gone = server.call("okta_get_inline_hook", json!({"inline_hook_id": id})).err();
    assert!(gone.contains("E0000007"), "{gone}");
}
