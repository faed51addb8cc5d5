//! DPoP (RFC 9449) end to end: a sandbox service app configured like a new Okta API Services app (DPoP
//! required, private_key_jwt) with keys of each kind and format, paginated lists across pages, nonce rotation
//! and token expiry mid-session, OKTA_DPOP settings that do not match the app, and a skewed clock.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::OnceLock;
use std::time::Duration;

use base64::Engine as _;
use okta_e2e::keys::{EC_PKCS8_PEM, EC_PRIVATE_JWK, EC_SEC1_PEM, ec_public_jwk};
use okta_e2e::{Org, Server};
use rsa::pkcs1::EncodeRsaPrivateKey;
use rsa::pkcs8::{EncodePrivateKey, LineEnding};
use rsa::traits::{PrivateKeyParts, PublicKeyParts};
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_okta-mcp-users");
const CLIENT_ID: &str = "0oadpopserviceapp001";
const READ_SCOPES: &str = "okta.users.read okta.groups.read okta.logs.read okta.roles.read";

struct RsaKey {
    pkcs1_pem: String,
    pkcs8_pem: String,
    private_jwk: String,
    public_jwk: Value,
}

fn rsa_key() -> &'static RsaKey {
    static KEY: OnceLock<RsaKey> = OnceLock::new();
    KEY.get_or_init(|| {
        let key = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).unwrap();
        let b64 = |n: &rsa::BigUint| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(n.to_bytes_be());
        let public = json!({"kty": "RSA", "kid": "e2e-rsa-key", "alg": "RS256", "use": "sig", "n": b64(key.n()), "e": b64(key.e())});
        let mut private = public.clone();
        private["d"] = json!(b64(key.d()));
        private["p"] = json!(b64(&key.primes()[0]));
        private["q"] = json!(b64(&key.primes()[1]));
        RsaKey {
            pkcs1_pem: key.to_pkcs1_pem(LineEnding::LF).unwrap().to_string(),
            pkcs8_pem: key.to_pkcs8_pem(LineEnding::LF).unwrap().to_string(),
            private_jwk: private.to_string(),
            public_jwk: public,
        }
    })
}

/// A sandbox with our service app registered (both public keys), DPoP required unless `extra` says otherwise.
fn spawn_org(extra: &[&str]) -> (Org, tempfile::NamedTempFile) {
    let jwks = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(jwks.path(), json!({"keys": [rsa_key().public_jwk, ec_public_jwk()]}).to_string()).unwrap();
    let mut args = vec![
        "--users",
        "60",
        "--oauth-client-id",
        CLIENT_ID,
        "--oauth-client-jwk",
        jwks.path().to_str().unwrap(),
        "--oauth-client-scopes",
        READ_SCOPES,
    ];
    args.extend_from_slice(extra);
    (Org::spawn(&args), jwks)
}

fn server(org: &Org, key: &str, env: &[(&str, &str)]) -> Server {
    let mut all = vec![("OKTA_ORG_URL", org.url.as_str()), ("OKTA_CLIENT_ID", CLIENT_ID), ("OKTA_PRIVATE_KEY", key)];
    all.extend_from_slice(env);
    Server::start(BIN, &[], &all)
}

fn stat(org: &Org, needle: &str) -> u64 {
    org.control_get("/__sandbox/stats")["requests"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(k, _)| k.contains(needle))
        .filter_map(|(_, v)| v.as_u64())
        .sum()
}

fn assert_no_secrets(server: &Server) {
    let log = server.stderr_text();
    for secret in ["PRIVATE KEY", "eyJ", "\"d\":", "sbx."] {
        assert!(!log.contains(secret), "the log shows a secret ({secret}):\n{log}");
    }
}

#[test]
fn a_dpop_required_app_with_the_console_jwk_works_across_pages() {
    let (org, _jwks) = spawn_org(&["--require-dpop"]);
    // The private JWK as Okta's console shows it: kid inside, no OKTA_KEY_ID.
    let mut server = server(&org, &rsa_key().private_jwk, &[]);
    let mut page = server.call("okta_list_users", json!({"limit": 25})).ok();
    let mut seen = page["count"].as_u64().unwrap();
    let mut pages = 1;
    while let Some(cursor) = page["next_cursor"].as_str() {
        page = server.call("okta_list_users", json!({"cursor": cursor, "limit": 25})).ok();
        seen += page["count"].as_u64().unwrap();
        pages += 1;
    }
    assert!(pages >= 3, "paginated across pages ({pages})");
    assert!(seen >= 50, "{seen}");
    server.call("okta_list_groups", json!({"limit": 2})).ok();
    server.call("okta_get_user", json!({"user": "00ualiceactive000001"})).ok();
    server.call("okta_get_user_roles", json!({"user": "00ualiceactive000001"})).ok();
    // The nonce dance happens once: a proof without nonce, then one with it.
    assert_eq!(stat(&org, "/oauth2/v1/token"), 2);
    assert_no_secrets(&server);
}

#[test]
fn keys_of_each_kind_and_format_work_with_dpop() {
    let (org, _jwks) = spawn_org(&["--require-dpop"]);
    let k = rsa_key();
    let cases: Vec<(&str, &str, Option<&str>)> = vec![
        ("RSA PKCS#1 PEM", &k.pkcs1_pem, Some("e2e-rsa-key")),
        ("RSA PKCS#8 PEM", &k.pkcs8_pem, Some("e2e-rsa-key")),
        ("EC SEC1 PEM", EC_SEC1_PEM, Some("e2e-ec-key")),
        ("EC PKCS#8 PEM", EC_PKCS8_PEM, Some("e2e-ec-key")),
        ("EC JWK", EC_PRIVATE_JWK, None),
    ];
    for (what, key, kid) in cases {
        let env: Vec<(&str, &str)> = kid.map(|k| vec![("OKTA_KEY_ID", k)]).unwrap_or_default();
        let mut server = server(&org, key, &env);
        let page = server.call("okta_list_users", json!({"limit": 2})).json();
        assert_eq!(page["count"], 2, "{what}: {page}");
        assert_no_secrets(&server);
    }
}

#[test]
fn nonce_rotation_and_token_expiry_mid_session() {
    let (org, _jwks) = spawn_org(&["--require-dpop", "--dpop-nonce-ttl-secs", "2", "--token-ttl-secs", "4"]);
    let mut server = server(&org, EC_PRIVATE_JWK, &[]);
    let mut page = server.call("okta_list_users", json!({"limit": 10})).ok();
    for _ in 0..4 {
        std::thread::sleep(Duration::from_millis(1500));
        let cursor = page["next_cursor"].as_str().unwrap().to_string();
        page = server.call("okta_list_users", json!({"cursor": cursor, "limit": 10})).ok();
    }
    // Expired tokens were renewed (each renewal is a nonce dance at most) and rotated nonces retried.
    assert!(stat(&org, "/oauth2/v1/token") >= 4, "tokens renewed: {}", stat(&org, "/oauth2/v1/token"));
    let log = server.stderr_with("DPoP nonce");
    assert!(log.contains("DPoP nonce"), "the nonce retry is logged:\n{log}");
    assert_no_secrets(&server);
}

#[test]
fn dpop_settings_that_do_not_match_the_app_are_explained() {
    let (org, _jwks) = spawn_org(&["--require-dpop"]);
    let mut never = server(&org, EC_PRIVATE_JWK, &[("OKTA_DPOP", "never")]);
    let error = never.call("okta_list_users", json!({"limit": 1})).err();
    assert!(error.contains("The DPoP proof JWT header is missing."), "{error}");
    assert!(error.contains("OKTA_DPOP"), "{error}");

    let (plain, _jwks2) = spawn_org(&[]);
    let mut always = server(&plain, EC_PRIVATE_JWK, &[("OKTA_DPOP", "always")]);
    let error = always.call("okta_list_users", json!({"limit": 1})).err();
    assert!(error.contains("Require Demonstrating Proof of Possession"), "{error}");
    // auto against an app without DPoP: Bearer tokens, as before.
    let mut auto = server(&plain, EC_PRIVATE_JWK, &[]);
    auto.call("okta_list_users", json!({"limit": 1})).ok();
}

#[test]
fn a_skewed_clock_is_named_with_the_difference() {
    let (org, _jwks) = spawn_org(&["--require-dpop", "--clock-offset-secs", "600"]);
    let mut server = server(&org, EC_PRIVATE_JWK, &[]);
    let error = server.call("okta_list_users", json!({"limit": 1})).err();
    assert!(error.contains("clock"), "{error}");
    assert!(error.contains("behind"), "{error}");
    assert!(error.contains(" min ") && (error.contains("9 min") || error.contains("10 min")), "{error}");
}
