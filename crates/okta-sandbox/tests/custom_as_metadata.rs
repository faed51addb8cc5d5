//! A custom authorization server's metadata (`/.well-known/oauth-authorization-server`,
//! `/.well-known/openid-configuration`) and Okta's answer for an unknown or INACTIVE server.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use serde_json::json;

#[tokio::test]
async fn metadata_of_the_default_server() {
    let sb = start(small()).await;
    let iss = format!("{}/oauth2/default", sb.base);
    for (doc, oidc) in [("oauth-authorization-server", false), ("openid-configuration", true)] {
        let (status, _, m) =
            sb.send(reqwest::Method::GET, &format!("/oauth2/default/.well-known/{doc}"), None, None).await;
        assert_eq!(status, 200, "{m}");
        assert_eq!(m["issuer"], iss);
        assert_eq!(m["jwks_uri"], format!("{iss}/v1/keys"));
        assert_eq!(m["token_endpoint"], format!("{iss}/v1/token"));
        assert_eq!(m["authorization_endpoint"], format!("{iss}/v1/authorize"));
        let grants = m["grant_types_supported"].as_array().unwrap();
        assert!(grants.contains(&json!("password")));
        assert_eq!(grants.contains(&json!("client_credentials")), !oidc);
        let scopes = m["scopes_supported"].as_array().unwrap();
        assert!(scopes.contains(&json!("openid")) && scopes.contains(&json!("mcp.access")), "{scopes:?}");
        assert!(m["token_endpoint_auth_methods_supported"].as_array().unwrap().contains(&json!("client_secret_basic")));
        assert_eq!(m.get("userinfo_endpoint").is_some(), oidc);
        assert_eq!(m.get("id_token_signing_alg_values_supported").is_some(), oidc);
    }
}

#[tokio::test]
async fn only_published_scopes_are_listed() {
    let sb = start(small()).await;
    let (status, _, _) = sb.post("/api/v1/authorizationServers/default/scopes", json!({"name": "hidden.scope"})).await;
    assert_eq!(status, 201);
    let (status, _, _) = sb
        .post(
            "/api/v1/authorizationServers/default/scopes",
            json!({"name": "shown.scope", "metadataPublish": "ALL_CLIENTS"}),
        )
        .await;
    assert_eq!(status, 201);
    let (_, _, m) =
        sb.send(reqwest::Method::GET, "/oauth2/default/.well-known/oauth-authorization-server", None, None).await;
    let scopes = m["scopes_supported"].as_array().unwrap();
    assert!(scopes.contains(&json!("shown.scope")));
    assert!(!scopes.contains(&json!("hidden.scope")));
}

#[tokio::test]
async fn a_created_server_has_its_own_issuer() {
    let sb = start(small()).await;
    let (status, _, created) =
        sb.post("/api/v1/authorizationServers", json!({"name": "MCP", "audiences": ["http://127.0.0.1:1/mcp"]})).await;
    assert_eq!(status, 201);
    let id = created["id"].as_str().unwrap();
    let (status, _, m) =
        sb.send(reqwest::Method::GET, &format!("/oauth2/{id}/.well-known/openid-configuration"), None, None).await;
    assert_eq!(status, 200);
    assert_eq!(m["issuer"], created["issuer"]);
}

#[tokio::test]
async fn unknown_and_inactive_servers_are_not_found() {
    let sb = start(small()).await;
    // The seeded `Legacy Partners API` is INACTIVE.
    for server in ["ausnosuchserver00001", "auslegacy00000000001"] {
        for path in [
            format!("/oauth2/{server}/.well-known/oauth-authorization-server"),
            format!("/oauth2/{server}/.well-known/openid-configuration"),
            format!("/oauth2/{server}/v1/keys"),
        ] {
            let (status, _, e) = sb.send(reqwest::Method::GET, &path, None, None).await;
            assert_eq!(status, 404, "{path}: {e}");
            assert_eq!(e["errorCode"], "E0000007");
            assert_eq!(e["errorSummary"], format!("Not found: Resource not found: {server} (AuthorizationServer)"));
        }
        let (status, e) = user_token(&sb, server, "alice.active@example.com", "openid").await;
        assert_eq!((status, e["errorCode"].as_str()), (404, Some("E0000007")));
    }
    // Deactivating a server takes its endpoints away; activating it brings them back.
    let (status, _, _) = sb.post("/api/v1/authorizationServers/default/lifecycle/deactivate", json!({})).await;
    assert_eq!(status, 204);
    let (status, _, _) = sb.send(reqwest::Method::GET, "/oauth2/default/v1/keys", None, None).await;
    assert_eq!(status, 404);
    sb.post("/api/v1/authorizationServers/default/lifecycle/activate", json!({})).await;
    let (status, _, _) = sb.send(reqwest::Method::GET, "/oauth2/default/v1/keys", None, None).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn an_unknown_client_id_is_refused() {
    let sb = start(small()).await;
    let (status, _, e) = sb
        .send(
            reqwest::Method::GET,
            "/oauth2/default/.well-known/openid-configuration?client_id=0oanosuchclient00001",
            None,
            None,
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(e["errorCode"], "invalid_client");
    let path = format!("/oauth2/default/.well-known/openid-configuration?client_id={}", okta_sandbox::TEST_CLIENT_ID);
    let (status, _, _) = sb.send(reqwest::Method::GET, &path, None, None).await;
    assert_eq!(status, 200);
}
