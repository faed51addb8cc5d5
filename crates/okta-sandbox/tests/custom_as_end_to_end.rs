//! What a test of an MCP server acting as an OAuth resource server does, through Okta's own admin API: an
//! authorization server for the MCP server's URL, a scope `mcp`, a groups claim, an access policy and rule,
//! an OIDC app for the test, and a user's token from the password grant, verified as the MCP server would.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use serde_json::{Value, json};

#[tokio::test]
async fn a_resource_server_gets_user_tokens_with_groups() {
    let sb = start(small()).await;
    let audience = "http://127.0.0.1:39999/mcp";

    // 1. The authorization server of the MCP server.
    let (status, _, server) = sb
        .post(
            "/api/v1/authorizationServers",
            json!({"name": "MCP resource", "description": "Tokens for the MCP server", "audiences": [audience]}),
        )
        .await;
    assert_eq!(status, 201, "{server}");
    let id = server["id"].as_str().unwrap().to_owned();
    let issuer = server["issuer"].as_str().unwrap().to_owned();
    let (status, _, _) = sb
        .post(&format!("/api/v1/authorizationServers/{id}/scopes"), json!({"name": "mcp", "description": "MCP"}))
        .await;
    assert_eq!(status, 201);
    let (status, _, _) = sb
        .post(
            &format!("/api/v1/authorizationServers/{id}/claims"),
            json!({"name": "groups", "claimType": "RESOURCE", "valueType": "GROUPS", "value": ".*",
                   "group_filter_type": "REGEX", "conditions": {"scopes": []}, "alwaysIncludeInToken": true}),
        )
        .await;
    assert_eq!(status, 201);

    // 2. The client: an OIDC web app with the password grant, assigned to Everyone.
    let (status, _, app) = sb
        .post(
            "/api/v1/apps",
            json!({"name": "oidc_client", "label": "MCP e2e client", "signOnMode": "OPENID_CONNECT",
                   "credentials": {"oauthClient": {"token_endpoint_auth_method": "client_secret_basic"}},
                   "settings": {"oauthClient": {"grant_types": ["password", "client_credentials"],
                                                "application_type": "web", "redirect_uris": []}}}),
        )
        .await;
    assert_eq!(status, 200, "{app}");
    let client_id = app["credentials"]["oauthClient"]["client_id"].as_str().unwrap().to_owned();
    let secret = app["credentials"]["oauthClient"]["client_secret"].as_str().unwrap().to_owned();
    let app_id = app["id"].as_str().unwrap();
    let (status, _, _) = sb.put(&format!("/api/v1/apps/{app_id}/groups/00geveryone000000001")).await;
    assert_eq!(status, 200);

    // A new server has no access policy yet: Okta refuses every token.
    let password_grant = [
        ("grant_type", "password"),
        ("username", "alice.active@example.com"),
        ("password", okta_sandbox::PASSWORD),
        ("scope", "mcp"),
    ];
    let got = as_token(&sb, &id, Some((&client_id, &secret)), &password_grant).await;
    assert_token_error(
        &got,
        401,
        "access_denied",
        "Policy evaluation failed for this request, please check the policy configurations.",
    );

    // 3. Its access policy (this client) and a rule (password grant, scope mcp, Everyone).
    let (status, _, policy) = sb
        .post(
            &format!("/api/v1/authorizationServers/{id}/policies"),
            json!({"type": "OAUTH_AUTHORIZATION_POLICY", "name": "MCP clients", "description": "MCP clients",
                   "priority": 1, "conditions": {"clients": {"include": [client_id]}}}),
        )
        .await;
    assert_eq!(status, 201, "{policy}");
    let policy_id = policy["id"].as_str().unwrap();
    let (status, _, rule) = sb
        .post(
            &format!("/api/v1/authorizationServers/{id}/policies/{policy_id}/rules"),
            json!({"type": "RESOURCE_ACCESS", "name": "Everyone, password", "priority": 1,
                   "conditions": {"people": {"groups": {"include": ["EVERYONE"]}},
                                  "grantTypes": {"include": ["password"]}, "scopes": {"include": ["mcp"]}},
                   "actions": {"token": {"accessTokenLifetimeMinutes": 60}}}),
        )
        .await;
    assert_eq!(status, 201, "{rule}");

    // 4. The user's token, verified as a resource server does: discovery, JWKS, iss, aud, exp, scp, groups.
    let got = as_token(&sb, &id, Some((&client_id, &secret)), &password_grant).await;
    assert_eq!(got.0, 200, "{}", got.1);
    let token = got.1["access_token"].as_str().unwrap();
    let (_, _, meta) = sb
        .send(reqwest::Method::GET, &format!("/oauth2/{id}/.well-known/oauth-authorization-server"), None, None)
        .await;
    assert_eq!(meta["issuer"], issuer.as_str());
    let (status, _, keys) = sb.send(reqwest::Method::GET, meta["jwks_uri"].as_str().unwrap(), None, None).await;
    assert_eq!(status, 200);
    let claims = verify(token, &keys, &issuer, audience).unwrap();
    assert_eq!(claims["sub"], "alice.active@example.com");
    assert_eq!(claims["uid"], ALICE);
    assert_eq!(claims["cid"], client_id.as_str());
    assert_eq!(claims["scp"], json!(["mcp"]));
    assert!(claims["exp"].as_i64().unwrap() > chrono::Utc::now().timestamp());
    let groups: Vec<&str> = claims["groups"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    assert!(groups.contains(&"Engineering"), "{groups:?}");

    // The rule grants `mcp` to the password grant only.
    let got =
        as_token(&sb, &id, Some((&client_id, &secret)), &[("grant_type", "client_credentials"), ("scope", "mcp")])
            .await;
    assert_eq!((got.0, got.1["error"].as_str()), (401, Some("access_denied")));
    // Another client is not in the policy.
    let got = user_token(&sb, &id, "alice.active@example.com", "mcp").await;
    assert_eq!((got.0, got.1["error"].as_str()), (401, Some("access_denied")));
}
