//! The token endpoint (client_credentials + private_key_jwt) and bearer-token scope checks.

mod common;

use std::sync::OnceLock;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::*;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use okta_sandbox::{OAuthClientConfig, SandboxConfig};
use rsa::pkcs1::EncodeRsaPrivateKey;
use rsa::traits::PublicKeyParts;
use serde_json::{Value, json};

const CLIENT: &str = "0oasandboxclient0001";
const KID: &str = "sandbox-test-key";

struct Keys {
    pem: String,
    other_pem: String,
    jwk: Value,
}

fn keys() -> &'static Keys {
    static KEYS: OnceLock<Keys> = OnceLock::new();
    KEYS.get_or_init(|| {
        let mut rng = rsa::rand_core::OsRng;
        let key = rsa::RsaPrivateKey::new(&mut rng, 2048).expect("keygen");
        let other = rsa::RsaPrivateKey::new(&mut rng, 2048).expect("keygen");
        let public = key.to_public_key();
        let jwk = json!({
            "kty": "RSA",
            "kid": KID,
            "n": URL_SAFE_NO_PAD.encode(public.n().to_bytes_be()),
            "e": URL_SAFE_NO_PAD.encode(public.e().to_bytes_be()),
        });
        Keys {
            pem: key.to_pkcs1_pem(rsa::pkcs1::LineEnding::LF).expect("pem").to_string(),
            other_pem: other.to_pkcs1_pem(rsa::pkcs1::LineEnding::LF).expect("pem").to_string(),
            jwk,
        }
    })
}

async fn sandbox(ttl: u64) -> Sandbox {
    let k = keys();
    start(SandboxConfig {
        users: 20,
        token_ttl_secs: ttl,
        oauth_clients: vec![OAuthClientConfig {
            client_id: CLIENT.into(),
            jwk: json!({"keys": [k.jwk.clone()]}),
            scopes: vec!["okta.users.read".into(), "okta.groups.read".into(), "okta.logs.read".into()],
        }],
        ..SandboxConfig::default()
    })
    .await
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn claims(sb: &Sandbox) -> Value {
    json!({
        "iss": CLIENT,
        "sub": CLIENT,
        "aud": format!("{}/oauth2/v1/token", sb.base),
        "iat": now(),
        "exp": now() + 300,
        "jti": uuid::Uuid::new_v4().to_string(),
    })
}

fn sign(claims: &Value, pem: &str, kid: Option<&str>) -> String {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = kid.map(str::to_string);
    let key = EncodingKey::from_rsa_pem(pem.as_bytes()).expect("key");
    jsonwebtoken::encode(&header, claims, &key).expect("sign")
}

async fn token_request(sb: &Sandbox, form: &[(&str, &str)]) -> (u16, Value) {
    let resp = sb.http.post(sb.url("/oauth2/v1/token")).form(form).send().await.expect("token request");
    let status = resp.status().as_u16();
    (status, resp.json().await.expect("json"))
}

async fn request_token(sb: &Sandbox, assertion: &str, scope: &str) -> (u16, Value) {
    token_request(
        sb,
        &[
            ("grant_type", "client_credentials"),
            ("scope", scope),
            ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
            ("client_assertion", assertion),
        ],
    )
    .await
}

fn assert_oauth_error(got: (u16, Value), status: u16, error: &str, description: &str) {
    assert_eq!(got.0, status, "{:?}", got.1);
    assert_eq!(got.1["error"], error, "{:?}", got.1);
    assert_eq!(got.1["error_description"], description, "{:?}", got.1);
}

#[tokio::test]
async fn happy_path_and_scope_enforcement() {
    let sb = sandbox(3600).await;
    let k = keys();
    let (status, body) = request_token(&sb, &sign(&claims(&sb), &k.pem, Some(KID)), "okta.users.read").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    assert_eq!(body["scope"], "okta.users.read");
    let token = body["access_token"].as_str().expect("token").to_string();
    let bearer = format!("Bearer {token}");

    let (s, _, users) = sb.send(reqwest::Method::GET, "/api/v1/users?limit=2", Some(&bearer), None).await;
    assert_eq!(s, 200);
    assert_eq!(users.as_array().expect("array").len(), 2);

    // insufficient scope: a manage operation
    let path = format!("/api/v1/users/{ALICE}/lifecycle/suspend");
    let (s, h, b) = sb.send(reqwest::Method::POST, &path, Some(&bearer), None).await;
    assert_eq!(s, 403);
    assert_eq!(b["errorCode"], "E0000006");
    assert_eq!(b["errorSummary"], "You do not have permission to perform the requested action");
    let www = h["www-authenticate"].to_str().expect("ascii");
    assert_eq!(
        www,
        format!(
            "Bearer authorization_uri=\"{0}/oauth2/v1/authorize\", realm=\"{0}\", scope=\"okta.users.manage\", error=\"insufficient_scope\", error_description=\"The access token provided does not contain the required scopes.\", resource=\"{path}\"",
            sb.base
        )
    );
    // the token carries exactly the requested scopes: groups.read was granted but not requested
    let (s, h, _) = sb.send(reqwest::Method::GET, "/api/v1/groups", Some(&bearer), None).await;
    assert_eq!(s, 403);
    assert!(h["www-authenticate"].to_str().expect("ascii").contains("scope=\"okta.groups.read\""));

    // no kid: the only key is tried
    let (status, body) = request_token(&sb, &sign(&claims(&sb), &k.pem, None), "okta.groups.read okta.logs.read").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["scope"], "okta.groups.read okta.logs.read");

    // unknown bearer token
    let (s, h, b) = sb.send(reqwest::Method::GET, "/api/v1/users", Some("Bearer nope"), None).await;
    assert_eq!((s, b["errorCode"].as_str()), (401, Some("E0000011")));
    assert!(h["www-authenticate"].to_str().expect("ascii").contains("error=\"invalid_token\""));
}

#[tokio::test]
async fn expired_access_token_is_rejected() {
    let sb = sandbox(1).await;
    let k = keys();
    let (status, body) = request_token(&sb, &sign(&claims(&sb), &k.pem, Some(KID)), "okta.users.read").await;
    assert_eq!(status, 200);
    assert_eq!(body["expires_in"], 1);
    let bearer = format!("Bearer {}", body["access_token"].as_str().expect("token"));
    assert_eq!(sb.send(reqwest::Method::GET, "/api/v1/users?limit=1", Some(&bearer), None).await.0, 200);
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let (s, h, b) = sb.send(reqwest::Method::GET, "/api/v1/users?limit=1", Some(&bearer), None).await;
    assert_eq!((s, b["errorCode"].as_str()), (401, Some("E0000011")));
    let www = h["www-authenticate"].to_str().expect("ascii");
    assert!(www.contains("error_description=\"The token is invalid or expired.\""), "{www}");
    assert!(www.contains("resource=\"/api/v1/users\""), "{www}");
}

#[tokio::test]
async fn every_rejection() {
    let sb = sandbox(3600).await;
    let k = keys();
    let good = |c: &Value| sign(c, &k.pem, Some(KID));

    // replayed jti
    let c = claims(&sb);
    assert_eq!(request_token(&sb, &good(&c), "okta.users.read").await.0, 200);
    assert_oauth_error(
        request_token(&sb, &good(&c), "okta.users.read").await,
        401,
        "invalid_client",
        "The client_assertion token has already been used.",
    );

    // wrong signature key
    assert_oauth_error(
        request_token(&sb, &sign(&claims(&sb), &k.other_pem, Some(KID)), "okta.users.read").await,
        401,
        "invalid_client",
        "The client_assertion signature is invalid.",
    );
    // unknown kid
    assert_oauth_error(
        request_token(&sb, &sign(&claims(&sb), &k.pem, Some("other")), "okta.users.read").await,
        401,
        "invalid_client",
        "The client_assertion JWT kid is invalid.",
    );
    // wrong issuer / subject
    let mut c = claims(&sb);
    c["iss"] = json!("0oaunknown");
    assert_oauth_error(
        request_token(&sb, &good(&c), "okta.users.read").await,
        401,
        "invalid_client",
        "The issuer claim for client_assertion is not a valid client_id.",
    );
    let mut c = claims(&sb);
    c["sub"] = json!("someone");
    assert_oauth_error(
        request_token(&sb, &good(&c), "okta.users.read").await,
        401,
        "invalid_client",
        "The subject claim for client_assertion is not a valid client_id.",
    );
    // wrong audience
    let mut c = claims(&sb);
    c["aud"] = json!("https://example.okta.com/oauth2/v1/token");
    assert_oauth_error(
        request_token(&sb, &good(&c), "okta.users.read").await,
        401,
        "invalid_client",
        "The audience claim for client_assertion must be the endpoint invoked for the request.",
    );
    // expired, too far in the future
    let mut c = claims(&sb);
    c["iat"] = json!(now() - 600);
    c["exp"] = json!(now() - 10);
    assert_oauth_error(
        request_token(&sb, &good(&c), "okta.users.read").await,
        401,
        "invalid_client",
        "The client_assertion token is expired.",
    );
    let mut c = claims(&sb);
    c["exp"] = json!(now() + 7200);
    assert_oauth_error(
        request_token(&sb, &good(&c), "okta.users.read").await,
        401,
        "invalid_client",
        "The client_assertion token has an expiration too far into the future.",
    );
    // garbage assertion
    assert_oauth_error(
        request_token(&sb, "not.a.jwt", "okta.users.read").await,
        401,
        "invalid_client",
        "The parsing of the client_assertion failed.",
    );
    // scopes
    assert_oauth_error(
        request_token(&sb, &good(&claims(&sb)), "okta.users.manage").await,
        400,
        "invalid_scope",
        "The requested scope is invalid, unknown, malformed, or exceeds the scope granted by the resource owner.",
    );
    assert_oauth_error(
        request_token(&sb, &good(&claims(&sb)), "").await,
        400,
        "invalid_scope",
        "No scopes were requested.",
    );
    // grant type, assertion type, no credentials
    let a = good(&claims(&sb));
    assert_oauth_error(
        token_request(
            &sb,
            &[
                ("grant_type", "password"),
                ("scope", "okta.users.read"),
                ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
                ("client_assertion", &a),
            ],
        )
        .await,
        400,
        "unsupported_grant_type",
        "The authorization grant type is not supported by the authorization server. Configured grant types: [client_credentials].",
    );
    assert_oauth_error(
        token_request(
            &sb,
            &[
                ("grant_type", "client_credentials"),
                ("scope", "okta.users.read"),
                ("client_assertion_type", "bogus"),
                ("client_assertion", &a),
            ],
        )
        .await,
        400,
        "invalid_request",
        "The client_assertion_type is invalid.",
    );
    assert_oauth_error(
        token_request(&sb, &[("grant_type", "client_credentials"), ("scope", "okta.users.read")]).await,
        401,
        "invalid_client",
        "No client credentials found.",
    );
    assert_oauth_error(
        token_request(
            &sb,
            &[
                ("grant_type", "client_credentials"),
                ("scope", "okta.users.read"),
                ("client_id", CLIENT),
                ("client_secret", "x"),
            ],
        )
        .await,
        401,
        "invalid_client",
        "Client Credentials requests to the Org Authorization Server must use the private_key_jwt token_endpoint_auth_method.",
    );
}
