//! Credentials end to end: signing keys (list, generate within Okta's 2-10 years), SAML metadata for SAML apps
//! only, and OAuth scope grants.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use okta_e2e::{Org, rows, unique};
use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_okta-mcp-apps");
const SALESFORCE: &str = "0oasalesforce0000001";

#[test]
fn keys_list_and_generate() {
    let org = Org::start();
    let mut server = org.server(BIN, &["--mode", "read-write"]);
    let created = server
        .call(
            "okta_create_app",
            json!({"kind": "saml", "label": unique("E2E Keys "),
                                         "sso_acs_url": "https://k.example.com/acs", "audience": "urn:k"}),
        )
        .ok();
    let app = created["created"]["id"].as_str().unwrap().to_owned();
    let keys = server.call("okta_list_app_keys", json!({"app_id": app})).ok();
    assert_eq!(keys["columns"], json!(["kid", "kty", "use", "created", "expiresAt", "in_use"]));
    assert_eq!(rows(&keys).len(), 1);
    assert_eq!(rows(&keys)[0]["in_use"], true);

    let key = server.call("okta_generate_app_key", json!({"app_id": app, "validity_years": 3})).ok();
    let kid = key["kid"].as_str().expect("kid").to_owned();
    assert!(key["expiresAt"].is_string());
    for private in ["\"d\"", "\"p\"", "\"q\"", "\"n\"", "x5c"] {
        assert!(!key.to_string().contains(private), "{private} in {key}");
    }
    let keys = server.call("okta_list_app_keys", json!({"app_id": app})).ok();
    let new = rows(&keys).into_iter().find(|k| k["kid"] == json!(kid)).expect("new key listed");
    assert_eq!(new["in_use"], false);

    let before = org.request_count();
    for years in [1, 11] {
        let e = server.call("okta_generate_app_key", json!({"app_id": app, "validity_years": years})).err();
        assert!(e.contains("2 to 10"), "{e}");
    }
    assert_eq!(org.request_count(), before, "out-of-range validity is refused before Okta");
}

#[test]
fn saml_metadata_only_for_saml_apps() {
    let org = Org::start();
    let mut server = org.server(BIN, &[]);
    let xml = server.call("okta_get_app_metadata", json!({"app_id": SALESFORCE}));
    assert!(!xml.is_error, "{}", xml.text);
    assert!(xml.text.starts_with("<?xml"), "{}", xml.text);
    assert!(xml.text.contains("EntityDescriptor") && xml.text.contains("X509Certificate"), "{}", xml.text);
    let e = server.call("okta_get_app_metadata", json!({"app_id": "0oaexpenses000000001"})).err();
    assert!(e.contains("OPENID_CONNECT") && e.contains("only SAML_2_0"), "{e}");
    let e = server.call("okta_get_app_metadata", json!({"app_id": "0oacompanywiki000001"})).err();
    assert!(e.contains("BOOKMARK"), "{e}");
    let e = server.call("okta_get_app_metadata", json!({"app_id": SALESFORCE, "kid": "unknownkid"})).err();
    assert!(e.contains("E0000007"), "{e}");
}

#[test]
fn grants_of_a_service_app() {
    let org = Org::start();
    let mut server = org.server(BIN, &[]);
    let service = server.call("okta_list_apps", json!({"q": "Okta MCP"})).ok();
    let id = rows(&service)[0]["id"].clone();
    let grants = server.call("okta_list_app_grants", json!({"app_id": id})).ok();
    let scopes: Vec<_> = rows(&grants).iter().map(|g| g["scopeId"].clone()).collect();
    assert!(scopes.contains(&json!("okta.users.read")), "{scopes:?}");
    assert!(rows(&grants).iter().all(|g| g["status"] == "ACTIVE"));
    let none = server.call("okta_list_app_grants", json!({"app_id": SALESFORCE})).ok();
    assert_eq!(none["count"], 0);
}
