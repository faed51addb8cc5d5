#![allow(clippy::unwrap_used)]

mod common;

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use okta_core::{ApiPath, OktaError, Query};
use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// Token endpoint handing out token-1, token-2, ... with the given lifetime.
async fn mount_token_endpoint(server: &MockServer, expires_in: u64, delay: Duration) -> Arc<AtomicUsize> {
    let counter = Arc::new(AtomicUsize::new(0));
    let c = Arc::clone(&counter);
    Mock::given(method("POST"))
        .and(path("/oauth2/v1/token"))
        .respond_with(move |_: &Request| {
            let n = c.fetch_add(1, Ordering::SeqCst) + 1;
            ResponseTemplate::new(200).set_delay(delay).set_body_json(json!({
                "token_type": "Bearer",
                "expires_in": expires_in,
                "access_token": format!("token-{n}"),
                "scope": "okta.users.read okta.groups.read"
            }))
        })
        .mount(server)
        .await;
    counter
}

async fn mount_me(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path("/api/v1/users/me"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "00u1"})))
        .mount(server)
        .await;
}

fn me() -> ApiPath {
    ApiPath::new("/api/v1/users/me", &[]).unwrap()
}

#[tokio::test]
async fn token_request_is_a_valid_client_credentials_grant() {
    let server = MockServer::start().await;
    mount_token_endpoint(&server, 3600, Duration::ZERO).await;
    Mock::given(method("GET"))
        .and(path("/api/v1/users/me"))
        .and(header("authorization", "Bearer token-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "00u1"})))
        .mount(&server)
        .await;
    let client = common::oauth_client(&server.uri());
    client.get(&me(), &Query::new()).await.unwrap();
    assert_eq!(
        client.granted_scopes().await.unwrap(),
        Some(vec!["okta.users.read".to_string(), "okta.groups.read".to_string()])
    );

    let reqs = server.received_requests().await.unwrap();
    let token_req = reqs.iter().find(|r| r.url.path() == "/oauth2/v1/token").unwrap();
    assert_eq!(token_req.headers.get("content-type").unwrap(), "application/x-www-form-urlencoded");
    let form: HashMap<String, String> = url::form_urlencoded::parse(&token_req.body).into_owned().collect();
    assert_eq!(form["grant_type"], "client_credentials");
    assert_eq!(form["scope"], "okta.users.read okta.groups.read");
    assert_eq!(form["client_assertion_type"], "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
    assert!(!form.contains_key("client_id") && !form.contains_key("client_secret"));

    #[derive(serde::Deserialize)]
    struct Claims {
        iss: String,
        sub: String,
        aud: String,
        iat: u64,
        exp: u64,
        jti: String,
    }
    let key = jsonwebtoken::DecodingKey::from_rsa_pem(common::test_key().public_pem.as_bytes()).unwrap();
    let token_url = format!("{}/oauth2/v1/token", server.uri());
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
    validation.set_audience(&[&token_url]);
    let data = jsonwebtoken::decode::<Claims>(&form["client_assertion"], &key, &validation).unwrap();
    assert_eq!(data.header.kid.as_deref(), Some("kid-1"));
    assert_eq!(data.claims.iss, "0oaTestClient");
    assert_eq!(data.claims.sub, "0oaTestClient");
    assert_eq!(data.claims.aud, token_url);
    assert!(data.claims.exp - data.claims.iat <= 3600);
    assert!(!data.claims.jti.is_empty());
}

#[tokio::test]
async fn concurrent_calls_share_one_token_request() {
    let server = MockServer::start().await;
    let tokens = mount_token_endpoint(&server, 3600, Duration::from_millis(300)).await;
    mount_me(&server).await;
    let client = common::oauth_client(&server.uri());
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let client = client.clone();
        set.spawn(async move { client.get(&me(), &Query::new()).await });
    }
    while let Some(r) = set.join_next().await {
        r.unwrap().unwrap();
    }
    assert_eq!(tokens.load(Ordering::SeqCst), 1);
    let reqs = server.received_requests().await.unwrap();
    let api: Vec<_> = reqs.iter().filter(|r| r.url.path() == "/api/v1/users/me").collect();
    assert_eq!(api.len(), 20);
    assert!(api.iter().all(|r| r.headers.get("authorization").unwrap() == "Bearer token-1"));
}

#[tokio::test]
async fn token_is_renewed_after_expiry() {
    let server = MockServer::start().await;
    let tokens = mount_token_endpoint(&server, 1, Duration::ZERO).await;
    mount_me(&server).await;
    let client = common::oauth_client(&server.uri());
    client.get(&me(), &Query::new()).await.unwrap();
    client.get(&me(), &Query::new()).await.unwrap();
    assert_eq!(tokens.load(Ordering::SeqCst), 1);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    client.get(&me(), &Query::new()).await.unwrap();
    assert_eq!(tokens.load(Ordering::SeqCst), 2);
    let reqs = server.received_requests().await.unwrap();
    let last = reqs.iter().rev().find(|r| r.url.path() == "/api/v1/users/me").unwrap();
    assert_eq!(last.headers.get("authorization").unwrap(), "Bearer token-2");
}

#[tokio::test]
async fn invalid_token_renews_and_retries_once() {
    let server = MockServer::start().await;
    let tokens = mount_token_endpoint(&server, 3600, Duration::ZERO).await;
    Mock::given(method("GET"))
        .and(path("/api/v1/users/me"))
        .and(header("authorization", "Bearer token-1"))
        .respond_with(
            ResponseTemplate::new(401)
                .insert_header(
                    "www-authenticate",
                    "Bearer realm=\"IdpMyAccountAPI\", error=\"invalid_token\", error_description=\"The token has been revoked.\"",
                )
                .insert_header("x-okta-request-id", "req-401")
                .set_body_json(json!({"errorCode": "E0000011", "errorSummary": "Invalid token provided"})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/users/me"))
        .and(header("authorization", "Bearer token-2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "00u1"})))
        .mount(&server)
        .await;
    let client = common::oauth_client(&server.uri());
    let user = client.get(&me(), &Query::new()).await.unwrap();
    assert_eq!(user["id"], "00u1");
    assert_eq!(tokens.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn persistent_invalid_token_is_retried_only_once() {
    let server = MockServer::start().await;
    let tokens = mount_token_endpoint(&server, 3600, Duration::ZERO).await;
    Mock::given(method("GET"))
        .and(path("/api/v1/users/me"))
        .respond_with(
            ResponseTemplate::new(401)
                .insert_header("www-authenticate", "Bearer error=\"invalid_token\"")
                .insert_header("x-okta-request-id", "req-401"),
        )
        .mount(&server)
        .await;
    let client = common::oauth_client(&server.uri());
    let err = client.get(&me(), &Query::new()).await.unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert_eq!(err.request_id(), Some("req-401"));
    assert_eq!(tokens.load(Ordering::SeqCst), 2);
    let api =
        server.received_requests().await.unwrap().into_iter().filter(|r| r.url.path() == "/api/v1/users/me").count();
    assert_eq!(api, 2);
}

#[tokio::test]
async fn token_endpoint_errors_become_auth_errors_without_the_assertion() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth2/v1/token"))
        .respond_with(ResponseTemplate::new(401).insert_header("x-okta-request-id", "req-tok").set_body_json(json!({
            "error": "invalid_client",
            "error_description": "The client_assertion signature is invalid."
        })))
        .mount(&server)
        .await;
    let client = common::oauth_client(&server.uri());
    let err = client.get(&me(), &Query::new()).await.unwrap_err();
    let OktaError::Auth { status, error, description, request_id, .. } = &err else {
        panic!("expected Auth, got {err:?}");
    };
    assert_eq!(*status, 401);
    assert_eq!(error, "invalid_client");
    assert_eq!(description.as_deref(), Some("The client_assertion signature is invalid."));
    assert_eq!(request_id.as_deref(), Some("req-tok"));

    let reqs = server.received_requests().await.unwrap();
    let form: HashMap<String, String> = url::form_urlencoded::parse(&reqs[0].body).into_owned().collect();
    let assertion = &form["client_assertion"];
    let text = format!("{err} {err:?}");
    assert!(!text.contains(assertion.as_str()));
    assert!(!text.contains(assertion.split('.').nth(2).unwrap()));
    // No API call was made.
    assert!(reqs.iter().all(|r| r.url.path() == "/oauth2/v1/token"));
}

#[tokio::test]
async fn insufficient_scope_is_reported() {
    let server = MockServer::start().await;
    mount_token_endpoint(&server, 3600, Duration::ZERO).await;
    Mock::given(method("POST"))
        .and(path("/api/v1/users"))
        .respond_with(
            ResponseTemplate::new(403)
                .insert_header(
                    "www-authenticate",
                    "Bearer realm=\"IdpMyAccountAPI\", scope=\"okta.users.manage\", error=\"insufficient_scope\", error_description=\"The access token provided does not contain the required scopes.\", resource=\"/api/v1/users\"",
                )
                .insert_header("x-okta-request-id", "req-403"),
        )
        .mount(&server)
        .await;
    let client = common::oauth_client(&server.uri());
    let err =
        client.post(&ApiPath::new("/api/v1/users", &[]).unwrap(), &Query::new(), Some(&json!({}))).await.unwrap_err();
    assert_eq!(err.missing_scope(), Some("okta.users.manage"));
    assert_eq!(err.request_id(), Some("req-403"));
    assert!(!err.to_string().contains("token-1"));
}
