//! A person's own access token from the org authorization server on Okta's API: their own user with
//! `okta.users.read.self`, 403 for anyone else's and for admin operations, 401 once revoked.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::signin::*;
use common::*;
use okta_sandbox::SIGNIN_CLIENT_ID;

async fn call(sb: &Sandbox, path: &str, token: &str) -> (u16, reqwest::header::HeaderMap, serde_json::Value) {
    sb.send(reqwest::Method::GET, path, Some(&format!("Bearer {token}")), None).await
}

fn challenge(headers: &reqwest::header::HeaderMap) -> String {
    headers.get("www-authenticate").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
}

#[tokio::test]
async fn a_person_reads_themselves_and_nobody_else() {
    let sb = start(small()).await;
    let token = person_token(&sb, BOB_LOGIN, None).await;

    let (status, _, me) = call(&sb, "/api/v1/users/me", &token).await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["id"], BOB);
    for path in [format!("/api/v1/users/{BOB}"), format!("/api/v1/users/{BOB_LOGIN}")] {
        let (status, _, user) = call(&sb, &path, &token).await;
        assert_eq!((status, user["id"].as_str()), (200, Some(BOB)), "{path}");
    }
    let (status, _, groups) = call(&sb, "/api/v1/users/me/groups", &token).await;
    assert_eq!(status, 200, "{groups}");
    assert!(groups.as_array().unwrap().iter().any(|g| g["profile"]["name"] == "Sales"), "{groups}");
    let (status, _, _) = call(&sb, &format!("/api/v1/users/{BOB}/groups"), &token).await;
    assert_eq!(status, 200);
    let (status, _, links) = call(&sb, "/api/v1/users/me/appLinks", &token).await;
    assert_eq!(status, 200, "{links}");
    assert!(!links.as_array().unwrap().is_empty());

    // Someone else, and admin operations: 403, as for a user without an admin role.
    let (status, headers, e) = call(&sb, &format!("/api/v1/users/{ALICE}"), &token).await;
    assert_eq!((status, e["errorCode"].as_str()), (403, Some("E0000006")), "{e}");
    assert!(challenge(&headers).contains("insufficient_scope"), "no okta.users.read: {headers:?}");
    let (status, _, e) = call(&sb, &format!("/api/v1/users/{ALICE}/groups"), &token).await;
    assert_eq!((status, e["errorCode"].as_str()), (403, Some("E0000006")));
    let (status, headers, e) = call(&sb, "/api/v1/users", &token).await;
    assert_eq!((status, e["errorCode"].as_str()), (403, Some("E0000006")));
    let www = challenge(&headers);
    assert!(www.contains("insufficient_scope") && www.contains("okta.users.read"), "{www}");
    let (status, _, _) = call(&sb, "/api/v1/groups", &token).await;
    assert_eq!(status, 403);
    let (status, _, _) = call(&sb, "/governance/api/v2/security-access-reviews", &token).await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn a_token_without_the_self_scope_is_refused() {
    let sb = start(small()).await;
    let token = person_token(&sb, BOB_LOGIN, Some("openid profile")).await;
    let (status, headers, e) = call(&sb, "/api/v1/users/me", &token).await;
    assert_eq!((status, e["errorCode"].as_str()), (403, Some("E0000006")), "{e}");
    let www = challenge(&headers);
    assert!(www.contains("insufficient_scope") && www.contains("okta.users.read.self"), "{www}");
}

#[tokio::test]
async fn a_revoked_or_unknown_token_is_invalid() {
    let sb = start(small()).await;
    let token = person_token(&sb, BOB_LOGIN, None).await;
    assert_eq!(call(&sb, "/api/v1/users/me", &token).await.0, 200);
    let resp = sb
        .http
        .post(sb.url("/oauth2/v1/revoke"))
        .basic_auth(SIGNIN_CLIENT_ID, Some(okta_sandbox::SIGNIN_CLIENT_SECRET))
        .form(&[("token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let (status, headers, e) = call(&sb, "/api/v1/users/me", &token).await;
    assert_eq!((status, e["errorCode"].as_str()), (401, Some("E0000011")));
    assert!(challenge(&headers).contains("invalid_token"));
    // A token that looks like one of ours but was never issued.
    let (status, _, _) = call(&sb, "/api/v1/users/me", &format!("{token}x")).await;
    assert_eq!(status, 401);
}
