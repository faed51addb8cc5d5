//! The authorization code flow with PKCE at the org authorization server and at a custom one: `/authorize`, the
//! sign-in and factor pages, the code at the token endpoint, refresh token rotation, revocation.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::signin::*;
use common::*;
use okta_sandbox::{SANDBOX_FACTOR_CODE, SIGNIN_CLIENT_ID};

const ORG: &str = "/oauth2/v1";
const DEFAULT: &str = "/oauth2/default/v1";

#[tokio::test]
async fn a_person_signs_in_at_the_org_server() {
    let sb = start(small()).await;
    let (status, _, meta) = sb.send(reqwest::Method::GET, "/.well-known/openid-configuration", None, None).await;
    assert_eq!(status, 200, "{meta}");
    assert_eq!(meta["issuer"], sb.base.as_str());
    assert_eq!(meta["authorization_endpoint"], format!("{}/oauth2/v1/authorize", sb.base));
    assert_eq!(meta["jwks_uri"], format!("{}/oauth2/v1/keys", sb.base));
    let (status, _, meta) = sb.send(reqwest::Method::GET, "/.well-known/oauth-authorization-server", None, None).await;
    assert_eq!((status, meta["token_endpoint"].as_str()), (200, Some(format!("{}/oauth2/v1/token", sb.base).as_str())));

    let (verifier, challenge) = pkce("bob");
    let code = sign_in(&sb, ORG, BOB_LOGIN, ALL_SCOPES, &challenge).await;
    let (status, answer) = redeem(&sb, ORG, &code, &verifier).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["token_type"], "Bearer");
    assert!(answer["expires_in"].as_i64().unwrap() > 0);
    assert_eq!(answer["scope"], ALL_SCOPES);
    assert!(answer["refresh_token"].as_str().is_some_and(|r| !r.is_empty()), "offline_access: {answer}");

    let (status, _, keys) = sb.send(reqwest::Method::GET, "/oauth2/v1/keys", None, None).await;
    assert_eq!(status, 200);
    let at = verify(answer["access_token"].as_str().unwrap(), &keys, &sb.base, &sb.base).expect("access token");
    assert_eq!(at["sub"], BOB_LOGIN);
    assert_eq!(at["uid"], BOB);
    assert_eq!(at["cid"], SIGNIN_CLIENT_ID);
    assert!(at["scp"].as_array().unwrap().iter().any(|s| s == "okta.users.read.self"));
    assert!(at["jti"].as_str().is_some() && at["exp"].as_i64() > at["iat"].as_i64());

    let id = verify(answer["id_token"].as_str().unwrap(), &keys, &sb.base, SIGNIN_CLIENT_ID).expect("ID token");
    assert_eq!(id["sub"], BOB);
    assert_eq!(id["nonce"], NONCE);
    assert_eq!(id["email"], BOB_LOGIN);
    assert_eq!(id["preferred_username"], BOB_LOGIN);
    assert_eq!(id["name"], "Bob Active");
    assert!(id["auth_time"].as_i64().is_some());
    let groups: Vec<&str> = id["groups"].as_array().unwrap().iter().filter_map(|g| g.as_str()).collect();
    assert!(groups.contains(&"Everyone") && groups.contains(&"Sales"), "{groups:?}");

    // A code is single-use.
    let again = redeem(&sb, ORG, &code, &verifier).await;
    assert_token_error(&again, 400, "invalid_grant", "The authorization code is invalid or has expired.");
}

#[tokio::test]
async fn the_code_needs_its_verifier_and_redirect_uri() {
    let sb = start(small()).await;
    let (_, challenge) = pkce("x");
    let code = sign_in(&sb, ORG, BOB_LOGIN, "openid", &challenge).await;
    let got = redeem(&sb, ORG, &code, "verifier-wrong-0123456789abcdefghijklmnopqrstuvwxyz").await;
    assert_token_error(&got, 400, "invalid_grant", "PKCE verification failed.");

    let (verifier, challenge) = pkce("y");
    let code = sign_in(&sb, ORG, BOB_LOGIN, "openid", &challenge).await;
    let got = token(
        &sb,
        ORG,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", "http://127.0.0.1:9/oauth/callback"),
            ("code_verifier", &verifier),
        ],
    )
    .await;
    assert_token_error(
        &got,
        400,
        "invalid_grant",
        "The 'redirect_uri' does not match the redirection URI used in the authorization request.",
    );

    // The client must authenticate as its app requires.
    let (verifier, challenge) = pkce("z");
    let code = sign_in(&sb, ORG, BOB_LOGIN, "openid", &challenge).await;
    let resp = sb
        .http
        .post(sb.url("/oauth2/v1/token"))
        .basic_auth(SIGNIN_CLIENT_ID, Some("wrong"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", &verifier),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 401);
    // client_secret_post works as well.
    let code = sign_in(&sb, ORG, BOB_LOGIN, "openid", &challenge).await;
    let resp = sb
        .http
        .post(sb.url("/oauth2/v1/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", &verifier),
            ("client_id", SIGNIN_CLIENT_ID),
            ("client_secret", okta_sandbox::SIGNIN_CLIENT_SECRET),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
}

#[tokio::test]
async fn authorize_refuses_bad_requests() {
    let sb = start(small()).await;
    let b = browser();
    let (_, challenge) = pkce("a");
    // Unregistered redirect URI: an error page, no redirect.
    let (status, location, page) =
        get(&b, &authorize_url(&sb, ORG, "openid", "http://127.0.0.1:5000/elsewhere", &challenge)).await;
    assert_eq!((status, location), (400, None));
    assert!(page.contains("redirect_uri"), "{page}");
    let (status, _, _) =
        get(&b, &authorize_url(&sb, ORG, "openid", "https://evil.example.com/oauth/callback", &challenge)).await;
    assert_eq!(status, 400);
    // Any loopback port with the registered path is fine.
    let (status, _, page) =
        get(&b, &authorize_url(&sb, ORG, "openid", "http://localhost:41234/oauth/callback", &challenge)).await;
    assert_eq!(status, 200, "{page}");
    // Unknown client: an error page.
    let url = authorize_url(&sb, ORG, "openid", REDIRECT, &challenge).replace(SIGNIN_CLIENT_ID, "0oanosuchclient00001");
    assert_eq!(get(&b, &url).await.0, 400);
    // plain PKCE is refused, back at the redirect URI with the state.
    let url = authorize_url(&sb, ORG, "openid", REDIRECT, &challenge)
        .replace("code_challenge_method=S256", "code_challenge_method=plain");
    let (status, location, _) = get(&b, &url).await;
    assert_eq!(status, 302);
    let location = location.unwrap();
    assert_eq!(param(&location, "error").as_deref(), Some("invalid_request"));
    assert_eq!(param(&location, "state").as_deref(), Some(STATE));
    // A scope the app is not granted.
    let (status, location, _) = get(&b, &authorize_url(&sb, ORG, "openid okta.users.read", REDIRECT, &challenge)).await;
    assert_eq!(status, 302);
    assert_eq!(param(&location.unwrap(), "error").as_deref(), Some("invalid_scope"));
    // Another response type.
    let url =
        authorize_url(&sb, ORG, "openid", REDIRECT, &challenge).replace("response_type=code", "response_type=token");
    let (_, location, _) = get(&b, &url).await;
    assert_eq!(param(&location.unwrap(), "error").as_deref(), Some("unsupported_response_type"));
}

#[tokio::test]
async fn the_sign_in_pages_refuse_wrong_answers() {
    let sb = start(small()).await;
    let b = browser();
    let (_, challenge) = pkce("p");
    let (_, _, page) = get(&b, &authorize_url(&sb, ORG, "openid", REDIRECT, &challenge)).await;
    for field in ["id=\"username\"", "id=\"password\"", "id=\"submit\"", "name=\"tx\""] {
        assert!(page.contains(field), "{field}: {page}");
    }
    assert!(!page.contains("<script"), "no JavaScript");
    let tx = tx_of(&page);
    let password = sb.url("/login/sandbox/password");
    let (status, _, page) =
        post_form(&b, &password, &[("tx", &tx), ("username", BOB_LOGIN), ("password", "wrong")]).await;
    assert_eq!(status, 200);
    assert!(page.contains("id=\"error\"") && page.contains("Unable to sign in"), "{page}");
    assert!(page.contains("id=\"password\""), "the sign-in page again");
    let (_, _, page) = post_form(
        &b,
        &password,
        &[("tx", &tx), ("username", "lucy.locked@example.com"), ("password", okta_sandbox::PASSWORD)],
    )
    .await;
    assert!(page.contains("locked"), "{page}");
    let (_, _, page) = post_form(
        &b,
        &password,
        &[("tx", &tx), ("username", "sue.suspended@example.com"), ("password", okta_sandbox::PASSWORD)],
    )
    .await;
    assert!(page.contains("suspended"), "{page}");
    // The right password, then a wrong code, then the right one.
    let (_, _, page) =
        post_form(&b, &password, &[("tx", &tx), ("username", BOB_LOGIN), ("password", okta_sandbox::PASSWORD)]).await;
    assert!(page.contains("id=\"code\""), "{page}");
    let factor = sb.url("/login/sandbox/factor");
    let (status, _, page) = post_form(&b, &factor, &[("tx", &tx), ("code", "000000")]).await;
    assert_eq!(status, 200);
    assert!(page.contains("id=\"error\"") && page.contains("id=\"code\""), "{page}");
    let (status, location, _) = post_form(&b, &factor, &[("tx", &tx), ("code", SANDBOX_FACTOR_CODE)]).await;
    assert_eq!(status, 302);
    assert!(param(&location.unwrap(), "code").is_some());
    // The transaction is over.
    let (status, _, _) = post_form(&b, &factor, &[("tx", &tx), ("code", SANDBOX_FACTOR_CODE)]).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn refresh_tokens_rotate() {
    let sb = start(small()).await;
    let (verifier, challenge) = pkce("r");
    let code = sign_in(&sb, ORG, BOB_LOGIN, "openid offline_access okta.users.read.self", &challenge).await;
    let (_, first) = redeem(&sb, ORG, &code, &verifier).await;
    let old = first["refresh_token"].as_str().unwrap().to_owned();
    let (status, second) = token(&sb, ORG, &[("grant_type", "refresh_token"), ("refresh_token", &old)]).await;
    assert_eq!(status, 200, "{second}");
    let new = second["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(new, old);
    assert!(second["access_token"].as_str().is_some());
    let again = token(&sb, ORG, &[("grant_type", "refresh_token"), ("refresh_token", &old)]).await;
    assert_token_error(&again, 400, "invalid_grant", "The refresh token is invalid or expired.");
    // Fewer scopes are fine; more are not.
    let (status, fewer) = token(
        &sb,
        ORG,
        &[("grant_type", "refresh_token"), ("refresh_token", &new), ("scope", "offline_access okta.users.read.self")],
    )
    .await;
    assert_eq!(status, 200, "{fewer}");
    assert_eq!(fewer["scope"], "offline_access okta.users.read.self");
    let newest = fewer["refresh_token"].as_str().unwrap().to_owned();
    let more =
        token(&sb, ORG, &[("grant_type", "refresh_token"), ("refresh_token", &newest), ("scope", "openid email")])
            .await;
    assert_eq!((more.0, more.1["error"].as_str()), (400, Some("access_denied")), "{}", more.1);

    // Revoking the refresh token ends it.
    let resp = sb
        .http
        .post(sb.url("/oauth2/v1/revoke"))
        .basic_auth(SIGNIN_CLIENT_ID, Some(okta_sandbox::SIGNIN_CLIENT_SECRET))
        .form(&[("token", newest.as_str()), ("token_type_hint", "refresh_token")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let gone = token(&sb, ORG, &[("grant_type", "refresh_token"), ("refresh_token", &newest)]).await;
    assert_eq!(gone.0, 400);
}

#[tokio::test]
async fn a_custom_server_signs_in_with_its_groups_claim() {
    let sb = start(small()).await;
    let (verifier, challenge) = pkce("c");
    let code = sign_in(&sb, DEFAULT, BOB_LOGIN, "openid profile offline_access", &challenge).await;
    // A code of the custom server is not the org server's.
    let (status, answer) = redeem(&sb, DEFAULT, &code, &verifier).await;
    assert_eq!(status, 200, "{answer}");
    let keys = jwks(&sb, "default").await;
    let iss = format!("{}/oauth2/default", sb.base);
    let at = verify(answer["access_token"].as_str().unwrap(), &keys, &iss, "api://default").expect("access token");
    assert_eq!(at["sub"], BOB_LOGIN);
    assert!(at["groups"].as_array().unwrap().iter().any(|g| g == "Sales"), "{at}");
    let id = verify(answer["id_token"].as_str().unwrap(), &keys, &iss, SIGNIN_CLIENT_ID).expect("ID token");
    assert_eq!(id["nonce"], NONCE);
    let refresh = answer["refresh_token"].as_str().unwrap();
    let (status, renewed) = token(&sb, DEFAULT, &[("grant_type", "refresh_token"), ("refresh_token", refresh)]).await;
    assert_eq!(status, 200, "{renewed}");
    let at = verify(renewed["access_token"].as_str().unwrap(), &keys, &iss, "api://default").expect("renewed");
    assert!(at["groups"].as_array().is_some_and(|g| !g.is_empty()));
    // A custom server's refresh token is not the org server's.
    let other = renewed["refresh_token"].as_str().unwrap();
    let got = token(&sb, ORG, &[("grant_type", "refresh_token"), ("refresh_token", other)]).await;
    assert_token_error(&got, 400, "invalid_grant", "The refresh token is invalid or expired.");
    // Okta's API never takes a custom server's token.
    let (status, _, _) = sb
        .send(
            reqwest::Method::GET,
            "/api/v1/users/me",
            Some(&format!("Bearer {}", answer["access_token"].as_str().unwrap())),
            None,
        )
        .await;
    assert_eq!(status, 401);

    // The org server does not redeem a custom server's code.
    let code = sign_in(&sb, DEFAULT, BOB_LOGIN, "openid", &challenge).await;
    let got = redeem(&sb, ORG, &code, &verifier).await;
    assert_eq!((got.0, got.1["error"].as_str()), (400, Some("invalid_grant")));
}

#[tokio::test]
async fn a_public_client_must_use_pkce_and_its_users_must_be_assigned() {
    let sb = start(small()).await;
    let b = browser();
    let calendar = "0oacalendar000000001";
    let redirect = "https://calendar.example.com/login/callback";
    let url = |challenge: Option<&str>| {
        let mut u = url::Url::parse(&sb.url("/oauth2/v1/authorize")).unwrap();
        u.query_pairs_mut()
            .append_pair("client_id", calendar)
            .append_pair("response_type", "code")
            .append_pair("scope", "openid")
            .append_pair("redirect_uri", redirect)
            .append_pair("state", STATE);
        if let Some(c) = challenge {
            u.query_pairs_mut().append_pair("code_challenge", c).append_pair("code_challenge_method", "S256");
        }
        u.to_string()
    };
    let (status, location, _) = get(&b, &url(None)).await;
    assert_eq!(status, 302);
    let location = location.unwrap();
    assert!(location.starts_with(redirect), "{location}");
    assert_eq!(param(&location, "error").as_deref(), Some("invalid_request"));

    let (verifier, challenge) = pkce("spa");
    let sign_in_bob = || async {
        let (_, _, page) = get(&b, &url(Some(&challenge))).await;
        let tx = tx_of(&page);
        let form = [("tx", tx.as_str()), ("username", BOB_LOGIN), ("password", okta_sandbox::PASSWORD)];
        post_form(&b, &sb.url("/login/sandbox/password"), &form).await;
        let form = [("tx", tx.as_str()), ("code", SANDBOX_FACTOR_CODE)];
        post_form(&b, &sb.url("/login/sandbox/factor"), &form).await.1.unwrap()
    };
    // Bob is not assigned to the Team Calendar.
    let back = sign_in_bob().await;
    assert_eq!(param(&back, "error").as_deref(), Some("access_denied"), "{back}");
    assert_eq!(param(&back, "state").as_deref(), Some(STATE));
    let (status, _, _) = sb.post(&format!("/api/v1/apps/{calendar}/users"), serde_json::json!({"id": BOB})).await;
    assert_eq!(status, 200);
    let back = sign_in_bob().await;
    let code = param(&back, "code").expect("a code");
    let redeem = |code: String, verifier: Option<String>| {
        let sb = &sb;
        async move {
            let mut form = vec![
                ("grant_type", "authorization_code".to_owned()),
                ("code", code),
                ("redirect_uri", redirect.to_owned()),
                ("client_id", calendar.to_owned()),
            ];
            if let Some(v) = verifier {
                form.push(("code_verifier", v));
            }
            let resp = sb.http.post(sb.url("/oauth2/v1/token")).form(&form).send().await.unwrap();
            (resp.status().as_u16(), resp.json::<serde_json::Value>().await.unwrap())
        }
    };
    let got = redeem(code, None).await;
    assert_token_error(&got, 400, "invalid_request", "PKCE code verifier is required by the application.");
    let code = param(&sign_in_bob().await, "code").expect("a code");
    let (status, answer) = redeem(code, Some(verifier)).await;
    assert_eq!(status, 200, "{answer}");
    assert!(answer.get("refresh_token").is_none(), "no offline_access asked");

    // Each sign-in is in the System Log.
    let (_, _, events) = sb
        .get("/api/v1/logs?filter=eventType%20eq%20%22user.session.start%22&since=2020-01-01T00:00:00Z&limit=200")
        .await;
    assert!(
        events.as_array().unwrap().iter().any(|e| e["actor"]["id"] == BOB && e["outcome"]["result"] == "SUCCESS"),
        "a sign-in event of Bob"
    );
}
