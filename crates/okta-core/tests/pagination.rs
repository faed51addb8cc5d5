#![allow(clippy::unwrap_used)]

mod common;

use okta_core::{ApiPath, Cursor, OktaError, Query};
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn users(range: std::ops::Range<usize>) -> Value {
    Value::Array(range.map(|i| json!({"id": format!("00u{i}")})).collect())
}

/// Mounts 3 pages of 2 users each: /api/v1/users, ?after=2, ?after=4.
async fn three_pages(server: &MockServer) {
    let base = server.uri();
    Mock::given(method("GET"))
        .and(path("/api/v1/users"))
        .and(query_param_is_missing("after"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(users(0..2))
                .append_header("link", format!("<{base}/api/v1/users?limit=2>; rel=\"self\"").as_str())
                .append_header("link", format!("<{base}/api/v1/users?after=2&limit=2>; rel=\"next\"").as_str())
                .insert_header("x-okta-request-id", "req-page-1"),
        )
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/users"))
        .and(query_param("after", "2"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(users(2..4)).insert_header(
                "link",
                format!("<{base}/api/v1/users?after=2&limit=2>; rel=\"self\", <{base}/api/v1/users?after=4&limit=2>; rel=\"next\"").as_str(),
            ),
        )
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/users"))
        .and(query_param("after", "4"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(users(4..6))
                .insert_header("link", format!("<{base}/api/v1/users?after=4&limit=2>; rel=\"self\"").as_str()),
        )
        .mount(server)
        .await;
}

/// The `after` a cursor continues from.
fn after(cursor: &str, path: &ApiPath) -> String {
    let c = Cursor::decode(cursor, path).unwrap();
    format!("after={}&limit={}", c.get("after").unwrap(), c.limit().unwrap())
}

fn ids(items: &[Value]) -> Vec<String> {
    items.iter().map(|v| v["id"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn walks_all_pages() {
    let server = MockServer::start().await;
    three_pages(&server).await;
    let client = common::ssws_client(&server.uri());
    let p = ApiPath::new("/api/v1/users", &[]).unwrap();
    let first = client.get_page(&p, &Query::new().push("limit", 2)).await.unwrap();
    assert_eq!(first.request_id.as_deref(), Some("req-page-1"));
    let cursor = first.next.clone().unwrap();
    assert_eq!(after(&cursor, &p), "after=2&limit=2");
    // Short and opaque: no scheme, host or path.
    assert!(cursor.len() < 40 && !cursor.contains("127.0.0.1") && !cursor.contains('/'), "{cursor}");
    let (items, next) = client.collect(first, &p, 100).await.unwrap();
    assert_eq!(ids(&items), ["00u0", "00u1", "00u2", "00u3", "00u4", "00u5"]);
    assert_eq!(next, None);
}

#[tokio::test]
async fn cap_stops_at_a_page_boundary_and_returns_the_cursor() {
    let server = MockServer::start().await;
    three_pages(&server).await;
    let client = common::ssws_client(&server.uri());
    let p = ApiPath::new("/api/v1/users", &[]).unwrap();

    // cap 4: two whole pages, cursor to the third.
    let first = client.get_page(&p, &Query::new()).await.unwrap();
    let (items, next) = client.collect(first, &p, 4).await.unwrap();
    assert_eq!(ids(&items), ["00u0", "00u1", "00u2", "00u3"]);
    assert_eq!(after(&next.unwrap(), &p), "after=4&limit=2");

    // cap 3: stops before the page that would overflow; nothing lost.
    let first = client.get_page(&p, &Query::new()).await.unwrap();
    let (items, next) = client.collect(first, &p, 3).await.unwrap();
    assert_eq!(ids(&items), ["00u0", "00u1"]);
    let cursor = next.unwrap();
    assert_eq!(after(&cursor, &p), "after=2&limit=2");
    // Resuming from the cursor continues exactly where it stopped.
    let page = client.get_page_at(&cursor, &p).await.unwrap();
    let (rest, next) = client.collect(page, &p, 100).await.unwrap();
    assert_eq!(ids(&rest), ["00u2", "00u3", "00u4", "00u5"]);
    assert_eq!(next, None);

    // First page bigger than the cap: truncated, reported as dropped.
    let first = client.get_page(&p, &Query::new()).await.unwrap();
    let c = client.collect_detailed(first, &p, 1).await.unwrap();
    assert_eq!(ids(&c.items), ["00u0"]);
    assert_eq!(c.dropped, 1);
    assert_eq!(after(&c.next.unwrap(), &p), "after=2&limit=2");
}

#[tokio::test]
async fn urls_garbage_and_other_endpoint_cursors_are_refused_before_sending() {
    let server = MockServer::start().await;
    three_pages(&server).await;
    let client = common::ssws_client(&server.uri());
    let p = ApiPath::new("/api/v1/users", &[]).unwrap();
    let groups = ApiPath::new("/api/v1/groups", &[]).unwrap();
    let first = client.get_page(&p, &Query::new()).await.unwrap();
    let users_cursor = first.next.unwrap();
    let sent = server.received_requests().await.unwrap().len();
    let cursors: [String; 6] = [
        "https://evil.example.com/api/v1/users?after=2".to_string(),
        format!("{}/api/v1/users?after=2", server.uri()),
        "../../api/v1/groups".to_string(),
        "%2e%2e%2f".to_string(),
        "\u{0}".to_string(),
        "x".repeat(100_000),
    ];
    for cursor in cursors {
        let err = client.get_page_at(&cursor, &p).await.unwrap_err();
        assert!(matches!(err, OktaError::CursorRejected { .. }), "{cursor}: {err:?}");
    }
    // A users cursor cannot page groups.
    let err = client.get_page_at(&users_cursor, &groups).await.unwrap_err();
    assert!(matches!(err, OktaError::CursorRejected { .. }), "{err:?}");
    // Nothing was sent.
    assert_eq!(server.received_requests().await.unwrap().len(), sent);
}

#[tokio::test]
async fn foreign_next_links_are_refused() {
    let server = MockServer::start().await;
    let client = common::ssws_client(&server.uri());
    let p = ApiPath::new("/api/v1/users", &[]).unwrap();
    Mock::given(method("GET"))
        .and(path("/api/v1/users"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(users(0..1))
                .insert_header("link", "<https://evil.example.com/api/v1/users?after=1>; rel=\"next\""),
        )
        .mount(&server)
        .await;
    let err = client.get_page(&p, &Query::new()).await.unwrap_err();
    assert!(matches!(err, OktaError::CursorRejected { .. }), "{err:?}");
}

#[tokio::test]
async fn wrapped_bodies_and_links_fallback() {
    let server = MockServer::start().await;
    let base = server.uri();
    Mock::given(method("GET"))
        .and(path("/governance/api/v1/campaigns"))
        .and(query_param_is_missing("after"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [{"id": "c1"}, {"id": "c2"}],
            "_links": {"self": {"href": format!("{base}/governance/api/v1/campaigns")},
                       "next": {"href": format!("{base}/governance/api/v1/campaigns?after=c2")}}
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/governance/api/v1/campaigns"))
        .and(query_param("after", "c2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [{"id": "c3"}],
            "_links": {"self": {"href": format!("{base}/governance/api/v1/campaigns?after=c2")}}
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/iam/roles"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "roles": [{"id": "r1"}], "_links": {}
        })))
        .mount(&server)
        .await;
    let client = common::ssws_client(&base);
    let p = ApiPath::new("/governance/api/v1/campaigns", &[]).unwrap();
    let first = client.get_page(&p, &Query::new()).await.unwrap();
    let (items, next) = client.collect(first, &p, 10).await.unwrap();
    assert_eq!(ids(&items), ["c1", "c2", "c3"]);
    assert_eq!(next, None);

    let roles = ApiPath::new("/api/v1/iam/roles", &[]).unwrap();
    let page = client.get_page(&roles, &Query::new()).await.unwrap();
    assert_eq!(ids(&page.items), ["r1"]);
    assert_eq!(page.next, None);
}
