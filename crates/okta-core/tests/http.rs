#![allow(clippy::unwrap_used)]

mod common;

use okta_core::{ApiPath, OktaError, Query};
use serde_json::json;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn request_headers_and_json_round_trip() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/users"))
        .and(query_param("activate", "false"))
        .and(header("authorization", format!("SSWS {}", common::TOKEN).as_str()))
        .and(header("user-agent", "okta-mcp/9.9.9 test-server"))
        .and(header("accept", "application/json"))
        .and(header("content-type", "application/json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "00u9"})))
        .mount(&server)
        .await;
    let client = common::ssws_client(&server.uri());
    let created = client
        .post(
            &ApiPath::new("/api/v1/users", &[]).unwrap(),
            &Query::new().push("activate", false),
            Some(&json!({"profile": {"login": "a@example.com"}})),
        )
        .await
        .unwrap();
    assert_eq!(created, Some(json!({"id": "00u9"})));
    let reqs = server.received_requests().await.unwrap();
    let body: serde_json::Value = serde_json::from_slice(&reqs[0].body).unwrap();
    assert_eq!(body["profile"]["login"], "a@example.com");
}

#[tokio::test]
async fn bodyless_post_sends_content_length_zero_and_204_is_none() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/users/00u1/lifecycle/suspend"))
        .and(header("content-length", "0"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/api/v1/groups/00g1/users/00u1"))
        .and(header("content-length", "0"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let client = common::ssws_client(&server.uri());
    let r = client
        .post(&ApiPath::new("/api/v1/users/{id}/lifecycle/suspend", &["00u1"]).unwrap(), &Query::new(), None)
        .await
        .unwrap();
    assert_eq!(r, None);
    let r = client
        .put(&ApiPath::new("/api/v1/groups/{g}/users/{u}", &["00g1", "00u1"]).unwrap(), &Query::new(), None)
        .await
        .unwrap();
    assert_eq!(r, None);
}

#[tokio::test]
async fn an_accepted_answer_keeps_its_location_and_request_id() {
    let server = MockServer::start().await;
    let launched = format!("{}/governance/api/v1/campaigns/ici2", server.uri());
    Mock::given(method("POST"))
        .and(path("/governance/api/v1/campaigns/ici1/launch"))
        .respond_with(
            ResponseTemplate::new(202)
                .insert_header("Location", launched.as_str())
                .insert_header("X-Okta-Request-Id", "r1"),
        )
        .mount(&server)
        .await;
    let client = common::ssws_client(&server.uri());
    let p = ApiPath::new("/governance/api/v1/campaigns/{campaignId}/launch", &["ici1"]).unwrap();
    let answer = client.send(okta_core::Method::POST, &p, &Query::new(), None).await.unwrap();
    assert_eq!(answer.body, None);
    assert_eq!(answer.location.as_deref(), Some(launched.as_str()));
    assert_eq!(answer.request_id.as_deref(), Some("r1"));
}

#[tokio::test]
async fn logins_are_encoded_in_the_request_path() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "00u1"})))
        .mount(&server)
        .await;
    let client = common::ssws_client(&server.uri());
    client.get(&ApiPath::new("/api/v1/users/{id}", &["jo+e@example.com"]).unwrap(), &Query::new()).await.unwrap();
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs[0].url.path(), "/api/v1/users/jo%2Be@example.com");
}

#[tokio::test]
async fn get_text_uses_the_given_accept() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/apps/0oa1/sso/saml/metadata"))
        .and(header("accept", "application/xml"))
        .respond_with(ResponseTemplate::new(200).set_body_string("<md:EntityDescriptor/>"))
        .mount(&server)
        .await;
    let client = common::ssws_client(&server.uri());
    let xml = client
        .get_text(
            &ApiPath::new("/api/v1/apps/{id}/sso/saml/metadata", &["0oa1"]).unwrap(),
            &Query::new(),
            "application/xml",
        )
        .await
        .unwrap();
    assert_eq!(xml, "<md:EntityDescriptor/>");
}

#[tokio::test]
async fn error_mapping_keeps_request_id_and_body() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/users/00uX"))
        .respond_with(ResponseTemplate::new(404).insert_header("x-okta-request-id", "req-404").set_body_json(json!({
            "errorCode": "E0000007",
            "errorSummary": "Not found: Resource not found: 00uX (User)",
            "errorLink": "E0000007",
            "errorId": "oaeABC",
            "errorCauses": []
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/groups"))
        .respond_with(
            ResponseTemplate::new(502)
                .insert_header("x-okta-request-id", "req-502")
                .set_body_string("<html><body><h1>502 Bad Gateway</h1></body></html>"),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/apps"))
        .respond_with(
            ResponseTemplate::new(200).insert_header("x-okta-request-id", "req-bad-json").set_body_string("{not json"),
        )
        .mount(&server)
        .await;
    let mut options = common::fast_options();
    options.max_retries = 0;
    let client = common::ssws_client_with(&server.uri(), options);

    let err = client.get(&ApiPath::new("/api/v1/users/{id}", &["00uX"]).unwrap(), &Query::new()).await.unwrap_err();
    let OktaError::Api { method, path, status, body, request_id, .. } = &err else {
        panic!("expected Api, got {err:?}");
    };
    assert_eq!((method.as_str(), path.as_str(), *status), ("GET", "/api/v1/users/00uX", 404));
    assert_eq!(body.error_id.as_deref(), Some("oaeABC"));
    assert_eq!(request_id.as_deref(), Some("req-404"));
    assert_eq!(err.error_code(), Some("E0000007"));
    let msg = err.to_string();
    assert!(msg.contains("E0000007") && msg.contains("req-404"), "{msg}");
    assert!(!msg.contains(common::TOKEN) && !format!("{err:?}").contains(common::TOKEN));

    let err = client.get(&ApiPath::new("/api/v1/groups", &[]).unwrap(), &Query::new()).await.unwrap_err();
    assert_eq!(err.status(), Some(502));
    assert_eq!(err.request_id(), Some("req-502"));
    assert!(err.to_string().contains("502 Bad Gateway"), "{err}");

    let err = client.get_page(&ApiPath::new("/api/v1/apps", &[]).unwrap(), &Query::new()).await.unwrap_err();
    assert!(matches!(err, OktaError::Decode { .. }), "{err:?}");
    assert_eq!(err.request_id(), Some("req-bad-json"));
}

#[tokio::test]
async fn invalid_path_params_are_refused_before_sending() {
    let err = ApiPath::new("/api/v1/users/{userId}", &["../groups"]).unwrap_err();
    assert!(matches!(&err, OktaError::InvalidInput { field, .. } if field == "userId"));
    assert!(err.to_string().contains("userId"));
}
