//! Apps end to end: list (q, filter, paging) and read, create each kind, update without wiping settings,
//! lifecycle, and deleting only INACTIVE apps.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use okta_e2e::{Org, Server, rows, unique};
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_okta-mcp-apps");
const SALESFORCE: &str = "0oasalesforce0000001";

fn create(server: &mut Server, args: Value) -> String {
    let created = server.call("okta_create_app", args).ok();
    created["created"]["id"].as_str().expect("created app id").to_owned()
}

#[test]
fn list_filter_page_and_read() {
    let org = Org::start();
    let mut server = org.server(BIN, &[]);
    let page = server.call("okta_list_apps", json!({"limit": 3})).ok();
    assert_eq!(page["columns"], json!(["id", "name", "label", "status", "signOnMode", "created"]));
    assert_eq!(page["count"], 3);
    let cursor = page["next_cursor"].as_str().expect("more than 3 apps");
    let next = server.call("okta_list_apps", json!({"cursor": cursor, "limit": 3})).ok();
    assert_ne!(rows(&next)[0]["id"], rows(&page)[0]["id"]);

    let sales = server.call("okta_list_apps", json!({"q": "sales"})).ok();
    assert_eq!(rows(&sales)[0]["id"], SALESFORCE);
    assert_eq!(rows(&sales)[0]["signOnMode"], "SAML_2_0");
    // "which apps does group Engineering have"
    let eng = server.call("okta_list_apps", json!({"filter": "group.id eq \"00gengineering000001\""})).ok();
    let labels: Vec<&str> = eng["rows"].as_array().unwrap().iter().map(|r| r[2].as_str().unwrap()).collect();
    assert!(labels.contains(&"GitHub Enterprise") && labels.contains(&"Internal Dashboard"), "{labels:?}");
    let inactive = server.call("okta_list_apps", json!({"filter": "status eq \"INACTIVE\"", "limit": 200})).ok();
    assert!(rows(&inactive).iter().all(|a| a["status"] == "INACTIVE"));
    let bob = server.call("okta_list_apps", json!({"filter": "user.id eq \"00ubobactive00000001\""})).ok();
    assert!(rows(&bob).iter().any(|a| a["label"] == "Expense Tracker"));

    let app = server.call("okta_get_app", json!({"app_id": SALESFORCE})).ok();
    assert_eq!(app["label"], "Salesforce");
    assert!(app["settings"]["signOn"]["ssoAcsUrl"].is_string());
    assert!(app.get("_links").is_none());
    let missing = server.call("okta_get_app", json!({"app_id": "0oanope0000000000000"})).err();
    assert!(missing.contains("E0000007"), "{missing}");
    let bad = server.call("okta_list_apps", json!({"filter": "status eq"})).err();
    assert!(bad.contains("E0000031"), "{bad}");
    let refused = server.call("okta_list_apps", json!({"expand": "user/00ubobactive00000001"})).err();
    assert!(refused.contains("needs filter"), "{refused}");
}

#[test]
fn creates_each_kind_with_what_it_needs() {
    let org = Org::start();
    let mut server = org.server(BIN, &["--mode", "full"]);
    let label = unique("E2E Bookmark ");
    let created =
        server.call("okta_create_app", json!({"kind": "bookmark", "label": label, "url": "https://e2e.example.com"}));
    let created = created.ok();
    assert_eq!(created["created"]["status"], "ACTIVE");
    assert_eq!(created["created"]["signOnMode"], "BOOKMARK");

    let saml = create(
        &mut server,
        json!({"kind": "saml", "label": unique("E2E SAML "), "sso_acs_url": "https://sp.example.com/acs",
               "audience": "urn:example:sp", "name_id_format": "emailAddress", "activate": false}),
    );
    let app = server.call("okta_get_app", json!({"app_id": saml})).ok();
    assert_eq!(app["status"], "INACTIVE");
    assert_eq!(app["settings"]["signOn"]["audience"], "urn:example:sp");
    assert_eq!(
        app["settings"]["signOn"]["subjectNameIdFormat"],
        "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
    );

    for (kind, extra) in [
        ("oidc_web", json!({"redirect_uris": ["https://web.example.com/cb"]})),
        ("oidc_spa", json!({"redirect_uris": ["https://spa.example.com/cb"]})),
        ("oidc_native", json!({"redirect_uris": ["com.example.app:/cb"]})),
        ("oidc_service", json!({})),
    ] {
        let mut args = json!({"kind": kind, "label": unique(&format!("E2E {kind} "))});
        args.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        let out = server.call("okta_create_app", args).ok();
        assert_eq!(out["created"]["signOnMode"], "OPENID_CONNECT", "{kind}");
        assert!(out["created"]["client_id"].is_string(), "{kind}: {out}");
        assert!(!out.to_string().contains("client_secret\":\""), "{kind}: a secret leaked: {out}");
        let app = server.call("okta_get_app", json!({"app_id": out["created"]["id"]})).ok();
        let secret = &app["credentials"]["oauthClient"]["client_secret"];
        assert!(secret.is_null() || secret == "[redacted]", "{kind}: {secret}");
    }

    // Refused before anything is sent.
    let before = org.request_count();
    let e = server.call("okta_create_app", json!({"kind": "saml", "label": "x", "audience": "a"})).err();
    assert!(e.contains("needs sso_acs_url"), "{e}");
    let e = server.call("okta_create_app", json!({"kind": "oidc_web", "label": "x"})).err();
    assert!(e.contains("needs redirect_uris"), "{e}");
    let e =
        server.call("okta_create_app", json!({"kind": "bookmark", "label": "x", "url": "javascript:alert(1)"})).err();
    assert!(e.contains("http(s) URL"), "{e}");
    let e = server
        .call("okta_create_app", json!({"kind": "oidc_service", "label": "x", "redirect_uris": ["https://a.b/c"]}))
        .err();
    assert!(e.contains("does not apply"), "{e}");
    let e = server.call("okta_create_app", json!({"kind": "ldap", "label": "x"})).err();
    assert!(e.contains("invalid arguments"), "{e}");
    assert_eq!(org.request_count(), before, "nothing reached Okta");
}

#[test]
fn partial_update_keeps_every_other_setting() {
    let org = Org::start();
    let mut server = org.server(BIN, &["--mode", "read-write"]);
    let id = create(
        &mut server,
        json!({"kind": "saml", "label": unique("E2E Update "), "sso_acs_url": "https://sp.example.com/acs",
               "audience": "urn:example:update"}),
    );
    let before = server.call("okta_get_app", json!({"app_id": id})).ok();

    let out = server
        .call(
            "okta_update_app",
            json!({"app_id": id, "label": "E2E Renamed",
                                        "changes": {"settings": {"signOn": {"audience": "urn:example:v2"}}}}),
        )
        .ok();
    assert_eq!(out["changed"]["label"]["to"], "E2E Renamed");
    assert_eq!(
        out["changed"]["settings.signOn.audience"],
        json!({"from": "urn:example:update", "to": "urn:example:v2"})
    );
    assert_eq!(out["changed"].as_object().unwrap().len(), 2, "{out}");

    let after = server.call("okta_get_app", json!({"app_id": id})).ok();
    assert_eq!(after["label"], "E2E Renamed");
    assert_eq!(after["settings"]["signOn"]["audience"], "urn:example:v2");
    let mut expected = before.clone();
    expected["label"] = json!("E2E Renamed");
    expected["settings"]["signOn"]["audience"] = json!("urn:example:v2");
    expected["lastUpdated"] = after["lastUpdated"].clone();
    assert_eq!(after, expected, "everything else is unchanged");

    let same = server.call("okta_update_app", json!({"app_id": id, "label": "E2E Renamed"})).ok();
    assert!(same["result"].as_str().unwrap().contains("nothing sent"), "{same}");
    let e = server.call("okta_update_app", json!({"app_id": id, "changes": {"status": "INACTIVE"}})).err();
    assert!(e.contains("okta_deactivate_app"), "{e}");
    let e = server.call("okta_update_app", json!({"app_id": id, "changes": {"signOnMode": "BOOKMARK"}})).err();
    assert!(e.contains("signOnMode"), "{e}");
    let e = server.call("okta_update_app", json!({"app_id": id})).err();
    assert!(e.contains("give label"), "{e}");
}

#[test]
fn lifecycle_and_delete_only_when_inactive() {
    let org = Org::start();
    let mut server = org.server(BIN, &["--mode", "full"]);
    let id = create(
        &mut server,
        json!({"kind": "bookmark", "label": unique("E2E Delete "), "url": "https://d.example.com"}),
    );

    // "why can't I delete app X"
    let refused = server.call_confirmed("okta_delete_app", json!({"app_id": id})).err();
    assert!(refused.contains("it is ACTIVE") && refused.contains("okta_deactivate_app"), "{refused}");
    assert_eq!(server.call("okta_get_app", json!({"app_id": id})).ok()["status"], "ACTIVE");

    let again = server.call("okta_activate_app", json!({"app_id": id})).ok();
    assert!(again["result"].as_str().unwrap().contains("already ACTIVE"), "{again}");
    let out = server.call_confirmed("okta_deactivate_app", json!({"app_id": id})).ok();
    assert_eq!(out["status_after"], "INACTIVE");
    assert_eq!(server.call("okta_get_app", json!({"app_id": id})).ok()["status"], "INACTIVE");
    let out = server.call("okta_activate_app", json!({"app_id": id})).ok();
    assert_eq!(out["status_before"], "INACTIVE");
    assert_eq!(out["status_after"], "ACTIVE");
    server.call_confirmed("okta_deactivate_app", json!({"app_id": id})).ok();

    let deleted = server.call_confirmed("okta_delete_app", json!({"app_id": id})).ok();
    assert_eq!(deleted["deleted"]["id"], json!(id));
    let gone = server.call("okta_get_app", json!({"app_id": id})).err();
    assert!(gone.contains("E0000007"), "{gone}");
    let e = server.call_confirmed("okta_delete_app", json!({"app_id": "../apps"})).err();
    assert!(e.contains("cannot be used as"), "{e}");
}
