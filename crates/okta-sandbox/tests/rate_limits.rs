//! X-Rate-Limit-* headers and 429 E0000047 once a family's budget is spent.

mod common;

use std::collections::BTreeMap;

use common::*;
use okta_sandbox::SandboxConfig;

#[tokio::test]
async fn budget_then_429_with_headers() {
    let mut limits = BTreeMap::new();
    limits.insert("users".to_string(), 2);
    let sb = start(SandboxConfig { users: 30, rate_limits: limits, ..SandboxConfig::default() }).await;
    let (s1, h1, _) = sb.get("/api/v1/users?limit=1").await;
    assert_eq!(s1, 200);
    assert_eq!(h1["x-rate-limit-limit"], "2");
    assert_eq!(h1["x-rate-limit-remaining"], "1");
    let reset: i64 = h1["x-rate-limit-reset"].to_str().expect("ascii").parse().expect("int");
    let now = chrono::Utc::now().timestamp();
    assert!(reset > now && reset <= now + 61);
    assert!(h1.contains_key("x-okta-request-id"));
    let (s2, h2, _) = sb.get(&format!("/api/v1/users/{ALICE}")).await;
    assert_eq!(s2, 200);
    assert_eq!(h2["x-rate-limit-remaining"], "0");
    let (s3, h3, body) = sb.get("/api/v1/users").await;
    assert_eq!(s3, 429);
    assert_eq!(h3["x-rate-limit-remaining"], "0");
    assert_eq!(h3["x-rate-limit-reset"], h1["x-rate-limit-reset"]);
    assert_eq!(body["errorCode"], "E0000047");
    assert_eq!(body["errorSummary"], "API call exceeded rate limit due to too many requests.");
    assert_eq!(body["errorLink"], "E0000047");
    assert!(body["errorId"].as_str().expect("id").starts_with("oae"));
    assert_eq!(body["errorCauses"], serde_json::json!([]));
    // Other families are unaffected.
    let (s4, _, _) = sb.get("/api/v1/groups").await;
    assert_eq!(s4, 200);
}

#[tokio::test]
async fn control_endpoint_changes_limits_and_window_resets() {
    let sb = start(SandboxConfig { users: 30, ..SandboxConfig::default() }).await;
    let resp = sb
        .http
        .post(sb.url("/__sandbox/rate-limit"))
        .json(&serde_json::json!({"family": "groups", "limit": 1, "window_secs": 1}))
        .send()
        .await
        .expect("control");
    assert_eq!(resp.status(), 200);
    assert_eq!(sb.get("/api/v1/groups").await.0, 200);
    assert_eq!(sb.get("/api/v1/groups").await.0, 429);
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(sb.get("/api/v1/groups").await.0, 200);

    let stats: serde_json::Value =
        sb.http.get(sb.url("/__sandbox/stats")).send().await.expect("stats").json().await.expect("json");
    assert_eq!(stats["requests"]["GET /api/v1/groups"], 3);
}

#[tokio::test]
async fn first_requests_fail_with_503() {
    let sb = start(SandboxConfig { users: 20, fault_5xx_first: 2, ..SandboxConfig::default() }).await;
    let (s1, _, b1) = sb.get("/api/v1/users").await;
    assert_eq!(s1, 503);
    assert_eq!(b1["errorCode"], "E0000009");
    assert_eq!(sb.get("/api/v1/users").await.0, 503);
    assert_eq!(sb.get("/api/v1/users").await.0, 200);
}
