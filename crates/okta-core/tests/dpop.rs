//! DPoP against a mock Okta: the token-endpoint nonce dance (fresh assertion and proof), proofs on API
//! calls (htm, htu without query, ath, the resource server's own nonce), and DPoP errors explained.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::{Arc, Mutex};

use base64::Engine as _;
use okta_core::{ApiPath, DpopMode, OktaError, Query};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn claims(jwt: &str) -> Value {
    let payload = jwt.split('.').nth(1).unwrap();
    serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

fn header_json(jwt: &str) -> Value {
    let h = jwt.split('.').next().unwrap();
    serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(h).unwrap()).unwrap()
}

fn form_value(body: &[u8], key: &str) -> Option<String> {
    url::form_urlencoded::parse(body).find(|(k, _)| k == key).map(|(_, v)| v.into_owned())
}

type Seen = Arc<Mutex<Vec<(Option<String>, Option<String>, String)>>>;

/// Token endpoint requiring a DPoP nonce "as-nonce-1"; records (proof, assertion, url) of each request.
async fn mount_dpop_token_endpoint(server: &MockServer) -> Seen {
    let seen: Seen = Arc::default();
    let s = Arc::clone(&seen);
    Mock::given(method("POST"))
        .and(path("/oauth2/v1/token"))
        .respond_with(move |req: &Request| {
            let proof = req.headers.get("dpop").map(|v| v.to_str().unwrap().to_string());
            let assertion = form_value(&req.body, "client_assertion");
            s.lock().unwrap().push((proof.clone(), assertion, req.url.to_string()));
            let nonce = proof.as_deref().map(claims).and_then(|c| c["nonce"].as_str().map(str::to_string));
            if nonce.as_deref() != Some("as-nonce-1") {
                return ResponseTemplate::new(400).insert_header("DPoP-Nonce", "as-nonce-1").set_body_json(
                    json!({"error": "use_dpop_nonce", "error_description": "Authorization server requires nonce in DPoP proof."}),
                );
            }
            ResponseTemplate::new(200).set_body_json(json!({
                "token_type": "DPoP", "expires_in": 3600, "access_token": "dpop-token-1", "scope": "okta.users.read"
            }))
        })
        .mount(server)
        .await;
    seen
}

#[tokio::test]
async fn nonce_dance_then_proofs_on_every_call() {
    let server = MockServer::start().await;
    let seen = mount_dpop_token_endpoint(&server).await;
    let api: Seen = Arc::default();
    let a = Arc::clone(&api);
    let base = server.uri();
    Mock::given(method("GET"))
        .and(path("/api/v1/users"))
        .respond_with(move |req: &Request| {
            let proof = req.headers.get("dpop").map(|v| v.to_str().unwrap().to_string());
            let auth = req.headers.get("authorization").map(|v| v.to_str().unwrap().to_string());
            a.lock().unwrap().push((proof.clone(), auth, req.url.to_string()));
            let c = claims(proof.as_deref().unwrap());
            if c["nonce"] != "rs-nonce-1" {
                return ResponseTemplate::new(401)
                    .insert_header("DPoP-Nonce", "rs-nonce-1")
                    .insert_header(
                        "WWW-Authenticate",
                        "DPoP error=\"use_dpop_nonce\", error_description=\"Resource server requires nonce in DPoP proof.\"",
                    )
                    .set_body_json(json!({"errorCode": "E0000011", "errorSummary": "Invalid token provided"}));
            }
            let link = if !req.url.as_str().contains("after=") {
                format!("<{base}/api/v1/users?after=00u1&limit=1>; rel=\"next\"")
            } else {
                String::new()
            };
            ResponseTemplate::new(200).insert_header("link", link.as_str()).set_body_json(json!([{"id": "00u1"}]))
        })
        .mount(&server)
        .await;
    let client = common::oauth_client(&server.uri());
    let users = ApiPath::new("/api/v1/users", &[]).unwrap();
    let page = client.get_page(&users, &Query::new().push("limit", 1)).await.unwrap();
    let next = page.next.unwrap();
    client.get_page_at(&next, &users).await.unwrap();

    // Token endpoint: a proof first, then a new proof with the nonce and a new assertion.
    let token_reqs = seen.lock().unwrap().clone();
    assert_eq!(token_reqs.len(), 2);
    let (p1, a1, _) = &token_reqs[0];
    let (p2, a2, _) = &token_reqs[1];
    let (c1, c2) = (claims(p1.as_deref().unwrap()), claims(p2.as_deref().unwrap()));
    assert_eq!(c1.get("nonce"), None);
    assert_eq!(c2["nonce"], "as-nonce-1");
    assert_ne!(c1["jti"], c2["jti"]);
    assert_ne!(a1, a2, "a fresh client assertion on the retry");
    assert_eq!(c2["htm"], "POST");
    assert_eq!(c2["htu"], format!("{}/oauth2/v1/token", server.uri()));
    let h = header_json(p2.as_deref().unwrap());
    assert_eq!(h["typ"], "dpop+jwt");
    assert_eq!(h["alg"], "ES256");
    assert!(h["jwk"].get("d").is_none());

    // API: Authorization DPoP, proofs with ath, htu without query, the API's own nonce after its 401.
    let calls = api.lock().unwrap().clone();
    assert_eq!(calls.len(), 3, "first call retried once with the resource nonce, then the next page");
    for (proof, auth, _) in &calls {
        assert_eq!(auth.as_deref(), Some("DPoP dpop-token-1"));
        let c = claims(proof.as_deref().unwrap());
        assert_eq!(c["htm"], "GET");
        assert_eq!(c["htu"], format!("{}/api/v1/users", server.uri()));
        let ath = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, b"dpop-token-1").as_ref());
        assert_eq!(c["ath"], ath);
    }
    assert_eq!(claims(calls[0].0.as_deref().unwrap()).get("nonce"), None);
    assert_eq!(claims(calls[1].0.as_deref().unwrap())["nonce"], "rs-nonce-1");
    assert_eq!(claims(calls[2].0.as_deref().unwrap())["nonce"], "rs-nonce-1");
    assert!(calls[2].2.contains("after=00u1"));
    assert!(client.dpop_thumbprint().is_some());
}

#[tokio::test]
async fn never_sends_no_proof_and_a_missing_proof_is_explained() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth2/v1/token"))
        .respond_with(ResponseTemplate::new(400).set_body_json(
            json!({"error": "invalid_dpop_proof", "error_description": "The DPoP proof JWT header is missing."}),
        ))
        .mount(&server)
        .await;
    let client = common::oauth_client_dpop(&server.uri(), DpopMode::Never);
    let err = client.get(&ApiPath::new("/api/v1/users", &[]).unwrap(), &Query::new()).await.unwrap_err();
    assert!(err.is_dpop());
    let msg = err.to_string();
    assert!(msg.contains("OKTA_DPOP") && msg.contains("Require Demonstrating Proof of Possession"), "{msg}");
    let reqs = server.received_requests().await.unwrap();
    assert!(reqs.iter().all(|r| r.headers.get("dpop").is_none()));
    assert!(client.dpop_thumbprint().is_none());
}

#[tokio::test]
async fn always_refuses_a_bearer_token_and_api_dpop_errors_say_what_to_change() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth2/v1/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"token_type": "Bearer", "expires_in": 3600, "access_token": "b-1", "scope": "okta.users.read"}),
        ))
        .mount(&server)
        .await;
    let users = ApiPath::new("/api/v1/users", &[]).unwrap();
    let always = common::oauth_client_dpop(&server.uri(), DpopMode::Always);
    let msg = always.get(&users, &Query::new()).await.unwrap_err().to_string();
    assert!(msg.contains("OKTA_DPOP=always") && msg.contains("turn on"), "{msg}");

    Mock::given(method("GET"))
        .and(path("/api/v1/users"))
        .respond_with(
            ResponseTemplate::new(400)
                .insert_header(
                    "WWW-Authenticate",
                    "DPoP algs=\"ES256\", error=\"invalid_dpop_proof\", error_description=\"'htu' claim in the DPoP proof JWT is invalid.\"",
                )
                .set_body_json(json!({"errorCode": "E0000011", "errorSummary": "Invalid token provided"})),
        )
        .mount(&server)
        .await;
    let auto = common::oauth_client(&server.uri());
    let err = auto.get(&users, &Query::new()).await.unwrap_err();
    assert!(matches!(&err, OktaError::Dpop { error, .. } if error == "invalid_dpop_proof"), "{err:?}");
    let msg = err.to_string();
    assert!(msg.contains("'htu'") && msg.contains("OKTA_ORG_URL"), "{msg}");
    assert!(!msg.contains("b-1"));
}
