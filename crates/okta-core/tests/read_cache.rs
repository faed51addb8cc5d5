//! The read cache: a repeated lookup is answered from memory, per identity, and any change drops what it may have
//! changed.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use okta_core::cache::as_identity;
use okta_core::{ApiPath, Query, Secret, as_end_user};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn gets(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().iter().filter(|r| r.method.as_str() == "GET").count()
}

#[tokio::test]
async fn repeated_lookups_are_answered_from_memory_until_a_change() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/users/a@example.com"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "00u1"})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v1/users/00u1/lifecycle/suspend"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .mount(&server)
        .await;
    let client = common::ssws_client(&server.uri());
    let user = ApiPath::new("/api/v1/users/{id}", &["a@example.com"]).unwrap();

    for _ in 0..3 {
        assert_eq!(client.get_cached(&user, &Query::new()).await.unwrap(), json!({"id": "00u1"}));
    }
    assert_eq!(gets(&server).await, 1, "one request for three lookups");
    // A plain read always goes to Okta.
    client.get(&user, &Query::new()).await.unwrap();
    assert_eq!(gets(&server).await, 2);

    // A change in the users collection drops the entry.
    let suspend = ApiPath::new("/api/v1/users/{id}/lifecycle/suspend", &["00u1"]).unwrap();
    client.post(&suspend, &Query::new(), None).await.unwrap();
    client.get_cached(&user, &Query::new()).await.unwrap();
    assert_eq!(gets(&server).await, 3, "read again after the change");
    assert_eq!(client.cache_status().0.hits, 2);
}

#[tokio::test]
async fn never_shared_between_people_and_off_with_a_zero_ttl() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "0oa1"})))
        .mount(&server)
        .await;
    let client = common::ssws_client(&server.uri());
    let app = ApiPath::new("/api/v1/apps/{id}", &["0oa1"]).unwrap();
    let read = || async { client.get_cached(&app, &Query::new()).await.unwrap() };

    as_identity("alice".into(), read()).await;
    as_identity("alice".into(), read()).await;
    assert_eq!(gets(&server).await, 1);
    as_identity("bob".into(), read()).await;
    assert_eq!(gets(&server).await, 2, "bob's read is his own");
    // With a person's own Okta token and no identity named, nothing is cached.
    as_end_user(Secret::new("person".into()), read()).await;
    as_end_user(Secret::new("person".into()), read()).await;
    assert_eq!(gets(&server).await, 4);

    let mut options = common::fast_options();
    options.cache_ttl = Duration::ZERO;
    let uncached = common::ssws_client_with(&server.uri(), options);
    uncached.get_cached(&app, &Query::new()).await.unwrap();
    uncached.get_cached(&app, &Query::new()).await.unwrap();
    assert_eq!(gets(&server).await, 6);
}
