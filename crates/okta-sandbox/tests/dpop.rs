//! `require_dpop`: the token endpoint's nonce dance and DPoP-bound tokens, and each proof defect on an API
//! call refused with Okta's error code, description and `WWW-Authenticate: DPoP` challenge.

mod common;

use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::*;
use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use okta_sandbox::{OAuthClientConfig, SandboxConfig};
use rsa::pkcs1::EncodeRsaPrivateKey;
use rsa::traits::PublicKeyParts;
use serde_json::{Value, json};

const CLIENT: &str = "0oadpopclient0000001";

struct ProofKey {
    key: EncodingKey,
    jwk: Jwk,
}

fn proof_key() -> ProofKey {
    let pair = EcdsaKeyPair::generate(&ECDSA_P256_SHA256_FIXED_SIGNING).expect("keygen");
    let key = EncodingKey::from_ec_der(pair.to_pkcs8v1().expect("pkcs8").as_ref());
    let jwk = Jwk::from_encoding_key(&key, Algorithm::ES256).expect("jwk");
    ProofKey { key, jwk }
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn proof(k: &ProofKey, typ: &str, claims: Value) -> String {
    let mut header = Header::new(Algorithm::ES256);
    header.typ = Some(typ.into());
    header.jwk = Some(k.jwk.clone());
    jsonwebtoken::encode(&header, &claims, &k.key).expect("sign")
}

fn ath(token: &str) -> String {
    URL_SAFE_NO_PAD.encode(aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, token.as_bytes()).as_ref())
}

struct Setup {
    sb: Sandbox,
    pem: String,
}

async fn setup() -> Setup {
    let key = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).expect("keygen");
    let jwk = json!({"kty": "RSA", "kid": "k1", "n": URL_SAFE_NO_PAD.encode(key.n().to_bytes_be()),
                     "e": URL_SAFE_NO_PAD.encode(key.e().to_bytes_be())});
    let sb = start(SandboxConfig {
        users: 20,
        require_dpop: true,
        oauth_clients: vec![OAuthClientConfig {
            client_id: CLIENT.into(),
            jwk,
            scopes: vec!["okta.users.read".into()],
        }],
        ..SandboxConfig::default()
    })
    .await;
    Setup { sb, pem: key.to_pkcs1_pem(rsa::pkcs1::LineEnding::LF).expect("pem").to_string() }
}

fn assertion(s: &Setup) -> String {
    let claims = json!({"iss": CLIENT, "sub": CLIENT, "aud": format!("{}/oauth2/v1/token", s.sb.base),
                        "iat": now(), "exp": now() + 300, "jti": uuid::Uuid::new_v4().to_string()});
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some("k1".into());
    jsonwebtoken::encode(&header, &claims, &EncodingKey::from_rsa_pem(s.pem.as_bytes()).expect("key")).expect("sign")
}

async fn token_call(s: &Setup, dpop: Option<&str>) -> (u16, Option<String>, Value) {
    let a = assertion(s);
    let form = [
        ("grant_type", "client_credentials"),
        ("scope", "okta.users.read"),
        ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
        ("client_assertion", a.as_str()),
    ];
    let mut req = s.sb.http.post(s.sb.url("/oauth2/v1/token")).form(&form);
    if let Some(p) = dpop {
        req = req.header("DPoP", p);
    }
    let resp = req.send().await.expect("token request");
    let status = resp.status().as_u16();
    let nonce = resp.headers().get("dpop-nonce").map(|v| v.to_str().expect("ascii").to_string());
    (status, nonce, resp.json().await.expect("json"))
}

fn token_claims(s: &Setup, nonce: Option<&str>) -> Value {
    json!({"htm": "POST", "htu": format!("{}/oauth2/v1/token", s.sb.base), "iat": now(),
           "jti": uuid::Uuid::new_v4().to_string(), "nonce": nonce})
}

/// The nonce dance; returns (access token, resource nonce).
async fn dpop_token(s: &Setup, k: &ProofKey) -> String {
    let (status, _, body) = token_call(s, None).await;
    assert_eq!((status, body["error_description"].as_str()), (400, Some("The DPoP proof JWT header is missing.")));
    let (status, nonce, body) = token_call(s, Some(&proof(k, "dpop+jwt", token_claims(s, None)))).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"], "use_dpop_nonce");
    assert_eq!(body["error_description"], "Authorization server requires nonce in DPoP proof.");
    let nonce = nonce.expect("DPoP-Nonce");
    let (status, _, body) = token_call(s, Some(&proof(k, "dpop+jwt", token_claims(s, Some(&nonce))))).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token_type"], "DPoP");
    body["access_token"].as_str().expect("token").to_string()
}

async fn api(s: &Setup, scheme: &str, token: &str, dpop: Option<&str>, query: &str) -> (u16, String, Option<String>) {
    let mut req =
        s.sb.http.get(s.sb.url(&format!("/api/v1/users{query}"))).header("Authorization", format!("{scheme} {token}"));
    if let Some(p) = dpop {
        req = req.header("DPoP", p);
    }
    let resp = req.send().await.expect("api call");
    let status = resp.status().as_u16();
    let www =
        resp.headers().get("www-authenticate").map(|v| v.to_str().expect("ascii").to_string()).unwrap_or_default();
    let nonce = resp.headers().get("dpop-nonce").map(|v| v.to_str().expect("ascii").to_string());
    (status, www, nonce)
}

#[tokio::test]
async fn dpop_is_enforced_like_okta() {
    let s = setup().await;
    let k = proof_key();
    let token = dpop_token(&s, &k).await;
    let htu = format!("{}/api/v1/users", s.sb.base);
    let good = |nonce: &str| {
        json!({"htm": "GET", "htu": htu, "iat": now(), "jti": uuid::Uuid::new_v4().to_string(),
               "nonce": nonce, "ath": ath(&token)})
    };
    // The resource server's own nonce.
    let (status, www, nonce) = api(&s, "DPoP", &token, Some(&proof(&k, "dpop+jwt", good("x"))), "").await;
    assert_eq!(status, 401);
    assert!(www.starts_with("DPoP ") && www.contains("error=\"use_dpop_nonce\""), "{www}");
    let nonce = nonce.expect("DPoP-Nonce");
    let ok = proof(&k, "dpop+jwt", good(&nonce));
    assert_eq!(api(&s, "DPoP", &token, Some(&ok), "?limit=2").await.0, 200);

    let other = proof_key();
    let with = |f: &dyn Fn(&mut Value)| {
        let mut c = good(&nonce);
        f(&mut c);
        c
    };
    let cases: Vec<(&str, Option<String>, &str, u16, &str)> = vec![
        ("no proof", None, "DPoP", 400, "The resource request requires a DPoP proof."),
        (
            "Bearer scheme",
            Some(proof(&k, "dpop+jwt", good(&nonce))),
            "Bearer",
            400,
            "The resource request must use the DPoP authentication scheme when using a DPoP bound token.",
        ),
        ("typ", Some(proof(&k, "JWT", good(&nonce))), "DPoP", 400, "'typ' must be 'dpop+jwt' in the DPoP proof JWT."),
        ("garbage", Some("not.a.jwt".into()), "DPoP", 400, "The DPoP proof JWT cannot be parsed."),
        (
            "htm",
            Some(proof(&k, "dpop+jwt", with(&|c| c["htm"] = json!("POST")))),
            "DPoP",
            400,
            "'htm' claim in the DPoP proof JWT is invalid.",
        ),
        (
            "htu with query",
            Some(proof(&k, "dpop+jwt", with(&|c| c["htu"] = json!(format!("{htu}?limit=2"))))),
            "DPoP",
            400,
            "'htu' claim in the DPoP proof JWT is invalid.",
        ),
        (
            "iat future",
            Some(proof(&k, "dpop+jwt", with(&|c| c["iat"] = json!(now() + 600)))),
            "DPoP",
            400,
            "The DPoP proof JWT is issued in the future.",
        ),
        (
            "iat old",
            Some(proof(&k, "dpop+jwt", with(&|c| c["iat"] = json!(now() - 600)))),
            "DPoP",
            400,
            "The DPoP proof JWT is issued more than five minutes in the past.",
        ),
        ("replay", Some(ok.clone()), "DPoP", 400, "The DPoP proof JWT has already been used."),
        (
            "ath",
            Some(proof(&k, "dpop+jwt", with(&|c| c["ath"] = json!(ath("other"))))),
            "DPoP",
            400,
            "'ath' claim in the DPoP proof does not match the presented access_token.",
        ),
        (
            "other key",
            Some(proof(&other, "dpop+jwt", good(&nonce))),
            "DPoP",
            400,
            "The access_token is not bound to the provided DPoP proof.",
        ),
    ];
    for (what, p, scheme, status, description) in cases {
        let (got, www, _) = api(&s, scheme, &token, p.as_deref(), "").await;
        assert_eq!(got, status, "{what}: {www}");
        assert!(www.starts_with("DPoP algs="), "{what}: {www}");
        assert!(www.contains(&format!("error_description=\"{description}\"")), "{what}: {www}");
    }
}

#[tokio::test]
async fn nonces_rotate_and_the_token_is_bound() {
    let mut s = setup().await;
    drop(s.sb);
    let key = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).expect("keygen");
    let jwk = json!({"kty": "RSA", "kid": "k1", "n": URL_SAFE_NO_PAD.encode(key.n().to_bytes_be()),
                     "e": URL_SAFE_NO_PAD.encode(key.e().to_bytes_be())});
    s.sb = start(SandboxConfig {
        users: 20,
        require_dpop: true,
        dpop_nonce_ttl_secs: 1,
        oauth_clients: vec![OAuthClientConfig {
            client_id: CLIENT.into(),
            jwk,
            scopes: vec!["okta.users.read".into()],
        }],
        ..SandboxConfig::default()
    })
    .await;
    s.pem = key.to_pkcs1_pem(rsa::pkcs1::LineEnding::LF).expect("pem").to_string();
    let k = proof_key();
    let (_, first, _) = token_call(&s, Some(&proof(&k, "dpop+jwt", token_claims(&s, None)))).await;
    tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
    let (status, second, body) = token_call(&s, Some(&proof(&k, "dpop+jwt", token_claims(&s, first.as_deref())))).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("use_dpop_nonce")), "a rotated nonce is refused");
    assert_ne!(first, second);
}
