//! A person's browser sign-in at `/authorize`, as plain HTTP: the sign-in form, the factor form, the redirect.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

use super::Sandbox;

pub const REDIRECT: &str = "http://127.0.0.1:53682/oauth/callback";
pub const STATE: &str = "st-4f1c";
pub const NONCE: &str = "n-9b2e";
pub const BOB_LOGIN: &str = "bob.active@example.com";
pub const OLIVIA_LOGIN: &str = "olivia.orgadmin@example.com";
pub const CAROL_LOGIN: &str = "carol.finance@example.com";
/// Everything the sign-in app may ask of the org authorization server.
pub const ALL_SCOPES: &str = "openid profile email groups offline_access okta.users.read.self okta.users.manage.self \
okta.accessRequests.catalog.read okta.accessRequests.request.read okta.accessRequests.request.manage \
okta.governance.securityAccessReviews.endUser.read okta.governance.securityAccessReviews.endUser.manage";

/// A client that does not follow redirects (the test reads each one).
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client")
}

/// A PKCE verifier and its S256 challenge.
pub fn pkce(seed: &str) -> (String, String) {
    let verifier = format!("verifier-{seed}-0123456789abcdefghijklmnopqrstuvwxyz");
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, verifier.as_bytes());
    (verifier, URL_SAFE_NO_PAD.encode(digest.as_ref()))
}

/// The `/authorize` URL of a server path (`/oauth2/v1` or `/oauth2/default/v1`).
pub fn authorize_url(sb: &Sandbox, server: &str, scope: &str, redirect: &str, challenge: &str) -> String {
    let mut u = url::Url::parse(&sb.url(&format!("{server}/authorize"))).expect("url");
    u.query_pairs_mut()
        .append_pair("client_id", okta_sandbox::SIGNIN_CLIENT_ID)
        .append_pair("response_type", "code")
        .append_pair("scope", scope)
        .append_pair("redirect_uri", redirect)
        .append_pair("state", STATE)
        .append_pair("nonce", NONCE)
        .append_pair("code_challenge", challenge)
        .append_pair("code_challenge_method", "S256");
    u.to_string()
}

/// The hidden transaction id of a sign-in or factor page.
pub fn tx_of(page: &str) -> String {
    let at = page.find("name=\"tx\" value=\"").expect("a tx field") + "name=\"tx\" value=\"".len();
    let rest = &page[at..];
    rest[..rest.find('"').expect("end of tx")].to_owned()
}

/// GET a URL: status, Location, body.
pub async fn get(b: &reqwest::Client, url: &str) -> (u16, Option<String>, String) {
    let resp = b.get(url).send().await.expect("get");
    read(resp).await
}

/// POST a form: status, Location, body.
pub async fn post_form(b: &reqwest::Client, url: &str, form: &[(&str, &str)]) -> (u16, Option<String>, String) {
    let resp = b.post(url).form(form).send().await.expect("post");
    read(resp).await
}

async fn read(resp: reqwest::Response) -> (u16, Option<String>, String) {
    let status = resp.status().as_u16();
    let location = resp.headers().get("location").and_then(|v| v.to_str().ok()).map(str::to_owned);
    (status, location, resp.text().await.expect("body"))
}

/// A query parameter of a URL.
pub fn param(url: &str, key: &str) -> Option<String> {
    url::Url::parse(url).ok()?.query_pairs().find(|(k, _)| k == key).map(|(_, v)| v.into_owned())
}

/// Sign in at `server` as `login` and answer the factor: the authorization code (and the redirect it came in).
pub async fn sign_in(sb: &Sandbox, server: &str, login: &str, scope: &str, challenge: &str) -> String {
    let b = browser();
    let (status, _, page) = get(&b, &authorize_url(sb, server, scope, REDIRECT, challenge)).await;
    assert_eq!(status, 200, "{page}");
    let tx = tx_of(&page);
    let (status, _, page) = post_form(
        &b,
        &sb.url("/login/sandbox/password"),
        &[("tx", &tx), ("username", login), ("password", okta_sandbox::PASSWORD)],
    )
    .await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("id=\"code\""), "{page}");
    let (status, location, body) =
        post_form(&b, &sb.url("/login/sandbox/factor"), &[("tx", &tx), ("code", okta_sandbox::SANDBOX_FACTOR_CODE)])
            .await;
    assert_eq!(status, 302, "{body}");
    let location = location.expect("a redirect");
    assert!(location.starts_with(REDIRECT), "{location}");
    assert_eq!(param(&location, "state").as_deref(), Some(STATE));
    param(&location, "code").expect("a code")
}

/// Redeem a code at `server`'s token endpoint with client_secret_basic.
pub async fn redeem(sb: &Sandbox, server: &str, code: &str, verifier: &str) -> (u16, Value) {
    token(
        sb,
        server,
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", verifier),
        ],
    )
    .await
}

/// A token request of the sign-in app (client_secret_basic).
pub async fn token(sb: &Sandbox, server: &str, form: &[(&str, &str)]) -> (u16, Value) {
    let resp = sb
        .http
        .post(sb.url(&format!("{server}/token")))
        .basic_auth(okta_sandbox::SIGNIN_CLIENT_ID, Some(okta_sandbox::SIGNIN_CLIENT_SECRET))
        .form(form)
        .send()
        .await
        .expect("token request");
    let status = resp.status().as_u16();
    (status, resp.json().await.expect("json"))
}

/// A person's own access token from the org authorization server (all of the sign-in app's scopes unless `scope`).
pub async fn person_token(sb: &Sandbox, login: &str, scope: Option<&str>) -> String {
    let (verifier, challenge) = pkce(login);
    let code = sign_in(sb, "/oauth2/v1", login, scope.unwrap_or(ALL_SCOPES), &challenge).await;
    let (status, answer) = redeem(sb, "/oauth2/v1", &code, &verifier).await;
    assert_eq!(status, 200, "{answer}");
    answer["access_token"].as_str().expect("access token").to_owned()
}
