//! A custom authorization server's token endpoint: RS256 access tokens with Okta's claims, verified against the
//! server's JWKS, and Okta's answers to wrong passwords, users who may not sign in, unknown scopes and clients.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use okta_sandbox::{PASSWORD, TEST_CLIENT_ID, TEST_CLIENT_SECRET};
use serde_json::{Value, json};

const ALICE_LOGIN: &str = "alice.active@example.com";

#[tokio::test]
async fn a_user_token_verifies_against_the_jwks() {
    let sb = start(small()).await;
    let (status, answer) = user_token(&sb, "default", ALICE_LOGIN, "mcp.access").await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["token_type"], "Bearer");
    assert_eq!(answer["expires_in"], 3600);
    assert_eq!(answer["scope"], "mcp.access");
    assert!(answer.get("id_token").is_none());
    let token = answer["access_token"].as_str().unwrap();
    let header = jsonwebtoken::decode_header(token).unwrap();
    assert_eq!(header.alg, jsonwebtoken::Algorithm::RS256);
    let (_, _, keys) = sb.get("/api/v1/authorizationServers/default/credentials/keys").await;
    let active = keys.as_array().unwrap().iter().find(|k| k["status"] == "ACTIVE").unwrap();
    assert_eq!(header.kid.as_deref(), active["kid"].as_str(), "signed with the ACTIVE key");

    let iss = format!("{}/oauth2/default", sb.base);
    let claims = verify(token, &jwks(&sb, "default").await, &iss, "api://default").unwrap();
    assert_eq!(claims["ver"], 1);
    assert!(claims["jti"].as_str().unwrap().starts_with("AT."));
    assert_eq!(claims["cid"], TEST_CLIENT_ID);
    assert_eq!(claims["uid"], ALICE);
    assert_eq!(claims["sub"], ALICE_LOGIN);
    assert_eq!(claims["scp"], json!(["mcp.access"]));
    let (iat, exp) = (claims["iat"].as_i64().unwrap(), claims["exp"].as_i64().unwrap());
    assert_eq!(exp - iat, 3600);
    assert!((iat - chrono::Utc::now().timestamp()).abs() < 60);
    // The seeded claims: groups (GROUPS, REGEX .*) and department (user.department).
    let groups: Vec<&str> = claims["groups"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    assert!(groups.contains(&"Everyone") && groups.contains(&"Engineering"), "{groups:?}");
    assert_eq!(claims["department"], "Engineering");
    // The same token does not verify for another audience or issuer.
    assert!(verify(token, &jwks(&sb, "default").await, &iss, "api://other").is_err());
    assert!(verify(token, &jwks(&sb, "default").await, "http://elsewhere/oauth2/default", "api://default").is_err());
    // It is no Management API credential.
    let (status, _, _) = sb.send(reqwest::Method::GET, "/api/v1/users", Some(&format!("Bearer {token}")), None).await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn client_secret_post_and_client_credentials() {
    let sb = start(small()).await;
    let got = as_token(
        &sb,
        "default",
        None,
        &[
            ("grant_type", "client_credentials"),
            ("scope", "mcp.access"),
            ("client_id", TEST_CLIENT_ID),
            ("client_secret", TEST_CLIENT_SECRET),
        ],
    )
    .await;
    assert_eq!(got.0, 200, "{}", got.1);
    let iss = format!("{}/oauth2/default", sb.base);
    let claims =
        verify(got.1["access_token"].as_str().unwrap(), &jwks(&sb, "default").await, &iss, "api://default").unwrap();
    assert_eq!(claims["sub"], TEST_CLIENT_ID, "a client's token is its own subject");
    assert!(claims.get("uid").is_none() && claims.get("groups").is_none(), "{claims}");

    let got = as_token(
        &sb,
        "default",
        Some((TEST_CLIENT_ID, TEST_CLIENT_SECRET)),
        &[("grant_type", "client_credentials"), ("scope", "openid")],
    )
    .await;
    assert_token_error(&got, 400, "invalid_scope", "Cannot request 'openid' scopes using client credentials.");
}

#[tokio::test]
async fn openid_adds_an_id_token() {
    let sb = start(small()).await;
    let (status, answer) = user_token(&sb, "default", ALICE_LOGIN, "openid profile email mcp.access").await;
    assert_eq!(status, 200, "{answer}");
    let iss = format!("{}/oauth2/default", sb.base);
    let id = verify(answer["id_token"].as_str().unwrap(), &jwks(&sb, "default").await, &iss, TEST_CLIENT_ID).unwrap();
    assert_eq!(id["sub"], ALICE);
    assert_eq!(id["preferred_username"], ALICE_LOGIN);
    assert_eq!(id["email"], ALICE_LOGIN);
    let got = user_token(&sb, "default", ALICE_LOGIN, "profile").await;
    assert_token_error(
        &got,
        400,
        "invalid_scope",
        "Requests for ID tokens or access tokens with OpenID scopes require the 'openid' scope.",
    );
}

#[tokio::test]
async fn wrong_passwords_and_users_who_may_not_sign_in() {
    let sb = start(small()).await;
    let basic = Some((TEST_CLIENT_ID, TEST_CLIENT_SECRET));
    let password = |user: &'static str, password: &'static str| {
        [("grant_type", "password"), ("username", user), ("password", password), ("scope", "mcp.access")]
    };
    let invalid = "The credentials provided were invalid.";
    let got = as_token(&sb, "default", basic, &password(ALICE_LOGIN, "wrong")).await;
    assert_token_error(&got, 400, "invalid_grant", invalid);
    let got = as_token(&sb, "default", basic, &password("nobody@example.com", PASSWORD)).await;
    assert_token_error(&got, 400, "invalid_grant", invalid);
    for user in [
        "sue.suspended@example.com",
        "lucy.locked@example.com",
        "sam.staged@example.com",
        "paul.provisioned@example.com",
        "rita.recovery@example.com",
        "dan.deprovisioned@example.com",
    ] {
        let got = as_token(&sb, "default", basic, &password(user, PASSWORD)).await;
        assert_token_error(&got, 400, "invalid_grant", invalid);
    }
    let got = as_token(&sb, "default", basic, &password("eddie.expired@example.com", PASSWORD)).await;
    assert_token_error(&got, 400, "invalid_grant", "Password has expired.");

    // Suspending an ACTIVE user stops their tokens; unsuspending gives them back.
    let (status, _, _) = sb.post(&format!("/api/v1/users/{BOB}/lifecycle/suspend"), json!({})).await;
    assert_eq!(status, 200);
    let got = user_token(&sb, "default", "bob.active@example.com", "mcp.access").await;
    assert_token_error(&got, 400, "invalid_grant", invalid);
    sb.post(&format!("/api/v1/users/{BOB}/lifecycle/unsuspend"), json!({})).await;
    assert_eq!(user_token(&sb, "default", "bob.active@example.com", "mcp.access").await.0, 200);

    // A user created with a password has that one.
    let (status, _, user) = sb
        .post(
            "/api/v1/users?activate=true",
            json!({"profile": {"firstName": "Tess", "lastName": "Token", "email": "tess@example.com",
                               "login": "tess@example.com"},
                   "credentials": {"password": {"value": "Tess-own-Passw0rd"}}}),
        )
        .await;
    assert_eq!(status, 200, "{user}");
    let got = as_token(&sb, "default", basic, &password("tess@example.com", "Tess-own-Passw0rd")).await;
    assert_eq!(got.0, 200, "{}", got.1);
    let got = as_token(&sb, "default", basic, &password("tess@example.com", PASSWORD)).await;
    assert_token_error(&got, 400, "invalid_grant", invalid);
}

#[tokio::test]
async fn scopes_must_be_defined_on_the_server() {
    let sb = start(small()).await;
    let got = user_token(&sb, "default", ALICE_LOGIN, "mcp.access no.such.scope").await;
    assert_token_error(
        &got,
        400,
        "invalid_scope",
        "One or more scopes are not configured for the authorization server resource.",
    );
    // `orders.read` is a scope of another server.
    let got = user_token(&sb, "default", ALICE_LOGIN, "orders.read").await;
    assert_eq!(got.1["error"], "invalid_scope");
    let got = user_token(&sb, "default", ALICE_LOGIN, "").await;
    assert_token_error(
        &got,
        400,
        "invalid_scope",
        "The authorization server resource does not have any configured default scopes, 'scope' must be provided.",
    );
    // A default scope is granted when none is asked.
    let (_, _, scopes) = sb.get("/api/v1/authorizationServers/default/scopes?q=mcp.access").await;
    let scope = scopes[0].clone();
    let scope_id = scope["id"].as_str().unwrap();
    let mut body = scope.clone();
    body["default"] = json!(true);
    let (status, _, _) = sb
        .send(
            reqwest::Method::PUT,
            &format!("/api/v1/authorizationServers/default/scopes/{scope_id}"),
            Some(&format!("SSWS {TOKEN}")),
            Some(body),
        )
        .await;
    assert_eq!(status, 200);
    let got = user_token(&sb, "default", ALICE_LOGIN, "").await;
    assert_eq!((got.0, got.1["scope"].as_str()), (200, Some("mcp.access")), "{}", got.1);
}

#[tokio::test]
async fn clients_must_authenticate() {
    let sb = start(small()).await;
    let form = [("grant_type", "password"), ("username", ALICE_LOGIN), ("password", PASSWORD), ("scope", "mcp.access")];
    let got = as_token(&sb, "default", None, &form).await;
    assert_token_error(&got, 401, "invalid_client", "No client credentials found.");
    let got = as_token(&sb, "default", Some((TEST_CLIENT_ID, "wrong-secret")), &form).await;
    assert_token_error(&got, 401, "invalid_client", "The client secret supplied for a confidential client is invalid.");
    let got = as_token(&sb, "default", Some(("0oanosuchclient00001", "x")), &form).await;
    assert_token_error(&got, 401, "invalid_client", "Invalid value for 'client_id' parameter.");
    let mut both = form.to_vec();
    both.push(("client_secret", TEST_CLIENT_SECRET));
    let got = as_token(&sb, "default", Some((TEST_CLIENT_ID, TEST_CLIENT_SECRET)), &both).await;
    assert_eq!((got.0, got.1["error"].as_str()), (401, Some("invalid_request")));
    let got = as_token(&sb, "default", Some((TEST_CLIENT_ID, TEST_CLIENT_SECRET)), &[("scope", "mcp.access")]).await;
    assert_eq!((got.0, got.1["error"].as_str()), (400, Some("invalid_request")));
    let got = as_token(
        &sb,
        "default",
        Some((TEST_CLIENT_ID, TEST_CLIENT_SECRET)),
        &[("grant_type", "authorization_code"), ("code", "x"), ("redirect_uri", "http://localhost:8080/cb")],
    )
    .await;
    assert_token_error(&got, 400, "invalid_grant", "The authorization code is invalid or has expired.");
    let got = as_token(
        &sb,
        "default",
        Some((TEST_CLIENT_ID, TEST_CLIENT_SECRET)),
        &[("grant_type", "urn:ietf:params:oauth:grant-type:device_code"), ("device_code", "x")],
    )
    .await;
    assert_eq!((got.0, got.1["error"].as_str()), (400, Some("unsupported_grant_type")));
    // A service app may use client_credentials only.
    let (status, _, app) = sb
        .post(
            "/api/v1/apps",
            json!({"name": "oidc_client", "label": "Service", "signOnMode": "OPENID_CONNECT",
                   "settings": {"oauthClient": {"grant_types": ["client_credentials"], "application_type": "service"}}}),
        )
        .await;
    assert_eq!(status, 200, "{app}");
    let (id, secret) =
        (app["id"].as_str().unwrap(), app["credentials"]["oauthClient"]["client_secret"].as_str().unwrap());
    let got = as_token(&sb, "default", Some((id, secret)), &form).await;
    assert_token_error(
        &got,
        400,
        "unauthorized_client",
        "The client is not authorized to use the provided grant type. Configured grant types: [client_credentials].",
    );
    let got =
        as_token(&sb, "default", Some((id, secret)), &[("grant_type", "client_credentials"), ("scope", "mcp.access")])
            .await;
    assert_eq!(got.0, 200, "{}", got.1);
    let (_, _, again) = sb.get(&format!("/api/v1/apps/{id}")).await;
    assert!(again["credentials"]["oauthClient"].get("client_secret").is_none(), "the secret is answered once");
}

#[tokio::test]
async fn users_must_be_assigned_and_policies_must_allow() {
    let sb = start(small()).await;
    // An app nobody is assigned to.
    let (status, _, app) = sb
        .post(
            "/api/v1/apps",
            json!({"name": "oidc_client", "label": "Unassigned", "signOnMode": "OPENID_CONNECT",
                   "credentials": {"oauthClient": {"token_endpoint_auth_method": "client_secret_post"}},
                   "settings": {"oauthClient": {"grant_types": ["password"], "application_type": "web",
                                                "redirect_uris": []}}}),
        )
        .await;
    assert_eq!(status, 200, "{app}");
    let (id, secret) =
        (app["id"].as_str().unwrap(), app["credentials"]["oauthClient"]["client_secret"].as_str().unwrap());
    let form = [
        ("grant_type", "password"),
        ("username", ALICE_LOGIN),
        ("password", PASSWORD),
        ("scope", "mcp.access"),
        ("client_id", id),
        ("client_secret", secret),
    ];
    let got = as_token(&sb, "default", None, &form).await;
    assert_token_error(&got, 400, "access_denied", "User is not assigned to the client application.");
    let (status, _, _) = sb
        .send(
            reqwest::Method::POST,
            &format!("/api/v1/apps/{id}/users"),
            Some(&format!("SSWS {TOKEN}")),
            Some(json!({"id": ALICE})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(as_token(&sb, "default", None, &form).await.0, 200);

    // The Orders API's policy allows client_credentials (orders.read) and authorization_code only.
    let got = user_token(&sb, "ausorders00000000001", ALICE_LOGIN, "orders.read").await;
    assert_token_error(
        &got,
        401,
        "access_denied",
        "Policy evaluation failed for this request, please check the policy configurations.",
    );
    let got = as_token(
        &sb,
        "ausorders00000000001",
        Some((TEST_CLIENT_ID, TEST_CLIENT_SECRET)),
        &[("grant_type", "client_credentials"), ("scope", "orders.read")],
    )
    .await;
    assert_eq!(got.0, 200, "{}", got.1);
    let got = as_token(
        &sb,
        "ausorders00000000001",
        Some((TEST_CLIENT_ID, TEST_CLIENT_SECRET)),
        &[("grant_type", "client_credentials"), ("scope", "orders.write")],
    )
    .await;
    assert_eq!((got.0, got.1["error"].as_str()), (401, Some("access_denied")), "the rule does not allow orders.write");
    let iss = format!("{}/oauth2/ausorders00000000001", sb.base);
    let token = as_token(
        &sb,
        "ausorders00000000001",
        Some((TEST_CLIENT_ID, TEST_CLIENT_SECRET)),
        &[("grant_type", "client_credentials"), ("scope", "orders.read")],
    )
    .await;
    let claims = verify(
        token.1["access_token"].as_str().unwrap(),
        &jwks(&sb, "ausorders00000000001").await,
        &iss,
        "api://orders",
    )
    .unwrap();
    assert_eq!(claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(), 30 * 60, "the rule's lifetime");
    assert_eq!(claims["tenant"], "acme", "a literal EXPRESSION claim");
}

#[tokio::test]
async fn a_replaced_app_may_set_a_new_secret() {
    let sb = start(small()).await;
    let (_, _, mut app) = sb.get(&format!("/api/v1/apps/{TEST_CLIENT_ID}")).await;
    app["credentials"]["oauthClient"]["client_secret"] = json!("a-new-secret-of-the-test-client-000000");
    let (status, _, replaced) = sb
        .send(
            reqwest::Method::PUT,
            &format!("/api/v1/apps/{TEST_CLIENT_ID}"),
            Some(&format!("SSWS {TOKEN}")),
            Some(app),
        )
        .await;
    assert_eq!(status, 200, "{replaced}");
    assert!(replaced["credentials"]["oauthClient"].get("client_secret").is_none());
    let form = [("grant_type", "client_credentials"), ("scope", "mcp.access")];
    let got = as_token(&sb, "default", Some((TEST_CLIENT_ID, TEST_CLIENT_SECRET)), &form).await;
    assert_eq!((got.0, got.1["error"].as_str()), (401, Some("invalid_client")));
    let got = as_token(&sb, "default", Some((TEST_CLIENT_ID, "a-new-secret-of-the-test-client-000000")), &form).await;
    assert_eq!(got.0, 200, "{}", got.1);
}
