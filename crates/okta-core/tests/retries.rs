#![allow(clippy::unwrap_used)]

mod common;

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use okta_core::{ApiPath, OktaError, Query};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn rate_limited(reset_in: u64) -> ResponseTemplate {
    let now = SystemTime::now();
    let now_secs = now.duration_since(UNIX_EPOCH).unwrap().as_secs();
    ResponseTemplate::new(429)
        .insert_header("date", httpdate::fmt_http_date(now).as_str())
        .insert_header("x-rate-limit-limit", "50")
        .insert_header("x-rate-limit-remaining", "0")
        .insert_header("x-rate-limit-reset", (now_secs + reset_in).to_string().as_str())
        .insert_header("x-okta-request-id", "req-429")
        .set_body_json(json!({
            "errorCode": "E0000047",
            "errorSummary": "API call exceeded rate limit due to too many requests.",
            "errorLink": "E0000047", "errorId": "oae1", "errorCauses": []
        }))
}

#[tokio::test]
async fn waits_for_rate_limit_reset_then_succeeds() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/users/00u1"))
        .respond_with(rate_limited(1))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/users/00u1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "00u1"})))
        .mount(&server)
        .await;
    let client = common::ssws_client(&server.uri());
    let started = Instant::now();
    let user = client.get(&ApiPath::new("/api/v1/users/{id}", &["00u1"]).unwrap(), &Query::new()).await.unwrap();
    let elapsed = started.elapsed();
    assert_eq!(user["id"], "00u1");
    // Reset = Date + 1 → wait Reset − Date + 1 = 2 s.
    assert!(elapsed >= Duration::from_millis(1900), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 2);
    assert!(reqs[0].headers.get("x-okta-retry-for").is_none());
    assert_eq!(reqs[1].headers.get("x-okta-retry-for").unwrap(), "req-429");
    assert_eq!(reqs[1].headers.get("x-okta-retry-count").unwrap(), "1");
}

#[tokio::test]
async fn rate_limit_wait_beyond_cap_fails_fast() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).and(path("/api/v1/groups")).respond_with(rate_limited(120)).mount(&server).await;
    let mut options = common::fast_options();
    options.max_rate_limit_wait = Duration::from_secs(10);
    let client = common::ssws_client_with(&server.uri(), options);
    let started = Instant::now();
    let err = client.get(&ApiPath::new("/api/v1/groups", &[]).unwrap(), &Query::new()).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(err.status(), Some(429));
    assert_eq!(err.error_code(), Some("E0000047"));
    assert_eq!(err.request_id(), Some("req-429"));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn post_is_not_retried_on_503() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/users"))
        .respond_with(ResponseTemplate::new(503).insert_header("x-okta-request-id", "req-503"))
        .mount(&server)
        .await;
    let client = common::ssws_client(&server.uri());
    let err = client
        .post(&ApiPath::new("/api/v1/users", &[]).unwrap(), &Query::new(), Some(&json!({"profile": {}})))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(err.request_id(), Some("req-503"));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn get_is_retried_on_5xx() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/apps"))
        .respond_with(ResponseTemplate::new(503).insert_header("x-okta-request-id", "req-a"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/apps"))
        .respond_with(ResponseTemplate::new(502).insert_header("x-okta-request-id", "req-b"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/apps"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&server)
        .await;
    let client = common::ssws_client(&server.uri());
    let page = client.get_page(&ApiPath::new("/api/v1/apps", &[]).unwrap(), &Query::new()).await.unwrap();
    assert!(page.items.is_empty());
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 3);
    assert_eq!(reqs[1].headers.get("x-okta-retry-for").unwrap(), "req-a");
    assert_eq!(reqs[1].headers.get("x-okta-retry-count").unwrap(), "1");
    assert_eq!(reqs[2].headers.get("x-okta-retry-for").unwrap(), "req-b");
    assert_eq!(reqs[2].headers.get("x-okta-retry-count").unwrap(), "2");
}

#[tokio::test]
async fn retries_are_bounded() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/api/v1/groups/00g1"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    let mut options = common::fast_options();
    options.max_retries = 2;
    let client = common::ssws_client_with(&server.uri(), options);
    let err = client.delete(&ApiPath::new("/api/v1/groups/{id}", &["00g1"]).unwrap(), &Query::new()).await.unwrap_err();
    assert_eq!(err.status(), Some(500));
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn connection_errors_are_retried_then_reported() {
    // A port with nothing listening.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let mut options = common::fast_options();
    options.max_retries = 1;
    let client = common::ssws_client_with(&format!("http://{addr}"), options);
    let err = client.get(&ApiPath::new("/api/v1/users", &[]).unwrap(), &Query::new()).await.unwrap_err();
    assert!(matches!(err, OktaError::Transport { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(msg.contains("/api/v1/users"), "{msg}");
    assert!(!msg.contains(common::TOKEN));
}
