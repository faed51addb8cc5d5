//! OAuth 2.0 service-app auth end to end: private_key_jwt client credentials against the sandbox's token
//! endpoint, scopes requested from the enabled tools, a missing scope named in the error, and no secret in logs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::OnceLock;

use base64::Engine as _;
use okta_e2e::{Org, Server};
use rsa::pkcs8::{EncodePrivateKey, LineEnding};
use rsa::traits::PublicKeyParts;
use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_okta-mcp-users");

const CLIENT_ID: &str = "0oaserviceapp0000001";

struct Key {
    private_pem: String,
    public_jwk: String,
}

fn key() -> &'static Key {
    static KEY: OnceLock<Key> = OnceLock::new();
    KEY.get_or_init(|| {
        let key = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).unwrap();
        let b64 = |n: &rsa::BigUint| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(n.to_bytes_be());
        let jwk =
            json!({"kty": "RSA", "kid": "e2e-key", "alg": "RS256", "use": "sig", "n": b64(key.n()), "e": b64(key.e())});
        Key { private_pem: key.to_pkcs8_pem(LineEnding::LF).unwrap().to_string(), public_jwk: jwk.to_string() }
    })
}

/// A sandbox that registers our service app with the given granted scopes.
fn org_granting(scopes: &str) -> (Org, tempfile::NamedTempFile) {
    let jwk = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(jwk.path(), &key().public_jwk).unwrap();
    let org = Org::spawn(&[
        "--oauth-client-id",
        CLIENT_ID,
        "--oauth-client-jwk",
        jwk.path().to_str().unwrap(),
        "--oauth-client-scopes",
        scopes,
    ]);
    (org, jwk)
}

fn oauth_server(org: &Org, args: &[&str], scopes: Option<&str>) -> Server {
    let mut env = vec![
        ("OKTA_ORG_URL", org.url.as_str()),
        ("OKTA_CLIENT_ID", CLIENT_ID),
        ("OKTA_PRIVATE_KEY", key().private_pem.as_str()),
        ("OKTA_KEY_ID", "e2e-key"),
        // both set: OAuth wins, and the log says so
        ("OKTA_API_TOKEN", "ignored-token"),
    ];
    if let Some(s) = scopes {
        env.push(("OKTA_SCOPES", s));
    }
    Server::start(BIN, args, &env)
}

#[test]
fn read_only_server_authenticates_with_private_key_jwt() {
    let (org, _jwk) = org_granting("okta.users.read okta.groups.read okta.logs.read okta.roles.read");
    let mut server = oauth_server(&org, &[], None);
    for _ in 0..3 {
        let page = server.call("okta_list_users", json!({"limit": 3})).ok();
        assert_eq!(page["count"], 3);
    }
    server.call("okta_list_groups", json!({"limit": 1})).ok();
    let token_requests = org.control_get("/__sandbox/stats")["requests"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(k, _)| k.contains("/oauth2/v1/token"))
        .filter_map(|(_, v)| v.as_u64())
        .sum::<u64>();
    assert_eq!(token_requests, 1, "the token is cached");
    let log = server.stderr_with("OKTA_API_TOKEN");
    assert!(log.contains("OAuth"), "the startup log names the auth used:\n{log}");
    assert!(log.contains("OKTA_API_TOKEN"), "the startup log says OAuth wins over the API token:\n{log}");
    for secret in ["ignored-token", "PRIVATE KEY", "eyJ", "authorization: bearer", "authorization: ssws"] {
        assert!(!log.to_lowercase().contains(&secret.to_lowercase()), "the log shows a secret ({secret}):\n{log}");
    }
}

#[test]
fn a_token_without_the_scope_okta_requires_is_named() {
    // The app may manage users but not read admin roles: the kit's super-administrator check gets Okta's
    // 403 insufficient_scope, and destructive tools refuse with the scope to grant.
    let (org, _jwk) = org_granting("okta.users.read okta.users.manage");
    let mut server = oauth_server(&org, &["--mode", "full", "--toolsets", "users,lifecycle"], None);
    let log_line = "scope okta.roles.read is not granted to the service app";
    let listed = server.tool_names();
    assert!(listed.contains(&"okta_suspend_user".to_owned()), "{listed:?}");
    assert!(!listed.contains(&"okta_get_user_roles".to_owned()), "{listed:?}");
    let log = server.stderr_with(log_line);
    assert!(log.contains(log_line), "{log}");
    let error = server.call("okta_suspend_user", json!({"user": "bob.active@example.com"})).err();
    assert!(error.contains("grant the service app okta.roles.read"), "{error}");
    assert!(error.contains("insufficient_scope") || error.contains("missing OAuth scope"), "{error}");
}

#[test]
fn a_client_granted_fewer_scopes_sees_fewer_tools() {
    let (org, _jwk) = org_granting("okta.users.read");
    // read-write mode needs okta.users.manage, groups, logs and roles too: none granted
    let mut server = oauth_server(&org, &["--mode", "read-write"], None);
    let listed = server.tool_names();
    assert_eq!(
        listed,
        [
            "okta_list_users",
            "okta_get_user",
            "okta_get_user_groups",
            "okta_get_user_apps",
            "okta_list_user_factors",
            "okta_get_factor",
            "okta_list_supported_factors",
            // Local: needs no scope.
            "okta_get_rate_status"
        ]
    );
    let log = server.stderr_with("scope okta.users.manage is not granted");
    assert!(log.contains("scope okta.users.manage is not granted to the service app: hides okta_create_user"), "{log}");
    assert!(log.contains("scope okta.groups.read is not granted"), "{log}");
    assert!(!log.contains("eyJ"), "an assertion leaked: {log}");
    server.call("okta_list_users", json!({"limit": 1})).ok();
    let hidden = server.request_raw("tools/call", json!({"name": "okta_create_user", "arguments": {}}));
    let message = hidden["error"]["message"].as_str().unwrap();
    assert!(message.contains("not granted okta.users.manage"), "{message}");
}

#[test]
fn a_wrong_key_is_refused_by_okta_and_explained() {
    let (org, _jwk) = org_granting("okta.users.read");
    let other = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).unwrap();
    let pem = other.to_pkcs8_pem(LineEnding::LF).unwrap().to_string();
    let mut server = Server::start(
        BIN,
        &[],
        &[
            ("OKTA_ORG_URL", &org.url),
            ("OKTA_CLIENT_ID", CLIENT_ID),
            ("OKTA_PRIVATE_KEY", &pem),
            ("OKTA_KEY_ID", "e2e-key"),
            ("OKTA_SCOPES", "okta.users.read"),
        ],
    );
    let error = server.call("okta_list_users", json!({"limit": 1})).err();
    assert!(error.contains("invalid_client"), "{error}");
}
