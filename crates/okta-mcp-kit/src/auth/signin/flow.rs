//! The browser's part: `/register` (RFC 7591), `/authorize` (checks, then the consent page), the consent form's
//! POST (on to Okta, or back to the client with `access_denied`), and `/oauth/callback` (Okta's answer: the ID
//! token, then our own authorization code to the client).
//!
//! Errors before the client's redirect URI is trusted are an HTML page; after, a redirect with `error`. The
//! browser is bound to its transaction by a cookie (HttpOnly, SameSite=Lax, Secure on https) whose digest the
//! consent form carries and whose value the transaction and Okta's `state` hold sealed.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use url::Url;

use super::pages;
use super::seal::{self, now, random, same, sha256};
use super::tokens::{Code, Grant};
use super::{CODE_TTL_SECS, GRANT_TTL_SECS, SignIn, TRANSACTION_TTL_SECS};

/// The longest `state` a client may send (it comes back in a URL, sealed inside Okta's `state`).
pub const MAX_STATE_LEN: usize = 512;
const COOKIE: &str = "okta_mcp_signin";
const SECURE_COOKIE: &str = "__Host-okta_mcp_signin";

/// One authorization request, between `/authorize` and our code.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Transaction {
    /// SHA-256 of the client id (ids of registered clients are long; the digest binds as well).
    #[serde(rename = "c")]
    pub client: String,
    /// Who the client is, for people (the audit log): its metadata URL, or its name and a digest.
    #[serde(rename = "l")]
    pub label: String,
    #[serde(rename = "r")]
    pub redirect_uri: String,
    /// The client named `redirect_uri` (it may leave it out when it registered one): then `/token` wants it too.
    #[serde(rename = "e", default)]
    pub redirect_given: bool,
    #[serde(rename = "s", default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(rename = "p")]
    pub challenge: String,
    /// The browser's cookie value.
    #[serde(rename = "b")]
    pub browser: String,
}

/// A transaction gone to Okta: with our PKCE verifier and nonce there.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Pending {
    t: Transaction,
    v: String,
    n: String,
}

/// A query or form body as a map; None when a parameter is repeated (RFC 6749 §3.1).
pub fn params(raw: &[u8]) -> Option<HashMap<String, String>> {
    let mut map = HashMap::new();
    for (k, v) in url::form_urlencoded::parse(raw) {
        if map.insert(k.into_owned(), v.into_owned()).is_some() {
            return None;
        }
    }
    Some(map)
}

fn cookie_name(signin: &SignIn) -> &'static str {
    if signin.secure { SECURE_COOKIE } else { COOKIE }
}

/// The browser's binding cookie, when it looks like one of ours.
fn browser_cookie(signin: &SignIn, headers: &HeaderMap) -> Option<String> {
    let name = cookie_name(signin);
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim().to_owned())
        .filter(|v| {
            (22..=64).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

fn set_cookie(signin: &SignIn, value: &str) -> Option<HeaderValue> {
    let secure = if signin.secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={TRANSACTION_TTL_SECS}{secure}",
        cookie_name(signin)
    ))
    .ok()
}

fn csrf_for(browser: &str) -> String {
    sha256(&format!("csrf:{browser}"))
}

/// A redirect (303) to `location`.
pub fn redirect(location: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    pages::harden(&mut response);
    response
}

/// Back to the client with these parameters (and its `state`, and our issuer: RFC 9207).
fn to_client(signin: &SignIn, redirect_uri: &str, state: Option<&str>, pairs: &[(&str, &str)]) -> Response {
    let Ok(mut url) = Url::parse(redirect_uri) else {
        return pages::error(StatusCode::BAD_REQUEST, signin.server, "The client's redirect URI is not a URL.");
    };
    {
        let mut query = url.query_pairs_mut();
        for (k, v) in pairs {
            query.append_pair(k, v);
        }
        if let Some(state) = state {
            query.append_pair("state", state);
        }
        query.append_pair("iss", &signin.issuer);
    }
    redirect(url.as_str())
}

fn client_error(signin: &SignIn, txn: &Transaction, error: &str, description: &str) -> Response {
    to_client(signin, &txn.redirect_uri, txn.state.as_deref(), &[("error", error), ("error_description", description)])
}

fn error_page(signin: &SignIn, status: StatusCode, message: &str) -> Response {
    pages::error(status, signin.server, message)
}

/// `POST /register` (RFC 7591).
pub async fn register(State(signin): State<Arc<SignIn>>, body: Bytes) -> Response {
    let parsed = if body.len() > 16 * 1024 { None } else { Some(serde_json::from_slice::<Value>(&body)) };
    let answer = match parsed {
        None => Err(super::clients::Refused { error: "invalid_client_metadata", description: "too large".into() }),
        Some(Ok(request)) => signin.clients.register(&request),
        Some(Err(_)) => Err(super::clients::Refused {
            error: "invalid_client_metadata",
            description: "the registration must be a JSON object".into(),
        }),
    };
    let (status, body) = match answer {
        Ok(answer) => {
            let name = answer.get("client_name").and_then(Value::as_str).unwrap_or("(no name)");
            tracing::info!("sign-in: registered a client: {name}");
            (StatusCode::CREATED, answer)
        }
        Err(refused) => {
            (StatusCode::BAD_REQUEST, json!({"error": refused.error, "error_description": refused.description}))
        }
    };
    let mut response = (status, axum::Json(body)).into_response();
    pages::harden(&mut response);
    response
}

/// The client's label for people: a metadata document's URL, or its name and a digest of its id.
fn label(client_id: &str, name: Option<&str>) -> String {
    if super::clients::document_url(client_id).is_some() {
        return client_id.to_owned();
    }
    let digest: String = sha256(client_id).chars().take(10).collect();
    format!("{} [{digest}]", name.unwrap_or("client"))
}

/// `GET /authorize`: check the request, then ask the person.
pub async fn authorize(State(signin): State<Arc<SignIn>>, headers: HeaderMap, RawQuery(query): RawQuery) -> Response {
    let Some(q) = params(query.unwrap_or_default().as_bytes()) else {
        return error_page(&signin, StatusCode::BAD_REQUEST, "A parameter of the request is repeated.");
    };
    let get = |k: &str| q.get(k).map(String::as_str).filter(|v| !v.is_empty());
    let Some(client_id) = get("client_id") else {
        return error_page(&signin, StatusCode::BAD_REQUEST, "The request names no client (client_id).");
    };
    let client = match signin.clients.resolve(client_id).await {
        Ok(client) => client,
        Err(why) => return error_page(&signin, StatusCode::BAD_REQUEST, &why),
    };
    let Some(redirect_uri) = client.redirect_uri(get("redirect_uri")) else {
        return error_page(
            &signin,
            StatusCode::BAD_REQUEST,
            "The redirect URI is not one the client registered (or none was given and it registered several).",
        );
    };
    // Errors before the person has answered stay on this page, never a redirect: anyone may register a client
    // with any redirect URI, so redirecting a malformed request would make this server an open redirector
    // (RFC 9700 §4.11.1). Only Deny, or the end of the sign-in, sends the browser back to the client.
    let state = get("state");
    if state.is_some_and(|s| s.len() > MAX_STATE_LEN) {
        return error_page(&signin, StatusCode::BAD_REQUEST, "The request's state is too long.");
    }
    let fail = |error: &str, description: &str| {
        error_page(
            &signin,
            StatusCode::BAD_REQUEST,
            &format!("The client's request is not valid ({error}): {description}."),
        )
    };
    if get("response_type") != Some("code") {
        return fail("unsupported_response_type", "only response_type=code");
    }
    if get("code_challenge_method") != Some("S256") {
        return fail("invalid_request", "PKCE with code_challenge_method=S256 is required");
    }
    let challenge = get("code_challenge").unwrap_or_default();
    if challenge.len() != 43 || !challenge.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        return fail("invalid_request", "code_challenge must be a base64url SHA-256 digest");
    }
    if let Some(resource) = get("resource")
        && resource.trim_end_matches('/') != signin.resource.as_str().trim_end_matches('/')
    {
        return fail("invalid_target", "resource is not this server");
    }
    let browser = match browser_cookie(&signin, &headers) {
        Some(value) => value,
        None => match random(24) {
            Ok(value) => value,
            Err(e) => return fail("server_error", &e),
        },
    };
    let txn = Transaction {
        client: sha256(client_id),
        label: label(client_id, client.client_name.as_deref()),
        redirect_uri: redirect_uri.clone(),
        redirect_given: get("redirect_uri").is_some(),
        state: state.map(str::to_owned),
        challenge: challenge.to_owned(),
        browser: browser.clone(),
    };
    let sealed = match signin.keys.transaction.seal(&txn, now() + TRANSACTION_TTL_SECS) {
        Ok(sealed) => sealed,
        Err(e) => return fail("server_error", &e),
    };
    let redirect_host =
        Url::parse(&redirect_uri).ok().and_then(|u| u.host_str().map(|h| h.to_owned())).unwrap_or_default();
    let signin_at = Url::parse(&signin.upstream.issuer)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_else(|| signin.upstream.issuer.clone());
    let document_host = super::clients::document_url(client_id).and_then(|u| u.host_str().map(str::to_owned));
    let mut response = pages::consent(&pages::Consent {
        server: signin.server,
        client_name: client.client_name.as_deref(),
        redirect_host: &redirect_host,
        document_host: document_host.as_deref(),
        abilities: &signin.abilities,
        signin_at: &signin_at,
        transaction: &sealed,
        csrf: &csrf_for(&browser),
    });
    if let Some(cookie) = set_cookie(&signin, &browser) {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    response
}

/// `POST /authorize`: the consent form's answer.
pub async fn decide(State(signin): State<Arc<SignIn>>, headers: HeaderMap, body: Bytes) -> Response {
    let form = params(&body).unwrap_or_default();
    let field = |k: &str| form.get(k).map(String::as_str).unwrap_or_default();
    let Some((txn, _)) = signin.keys.transaction.open::<Transaction>(field("transaction")) else {
        return error_page(&signin, StatusCode::BAD_REQUEST, "This sign-in has expired or is not valid. Start again.");
    };
    let Some(browser) = browser_cookie(&signin, &headers) else {
        return error_page(
            &signin,
            StatusCode::FORBIDDEN,
            "This browser did not start this sign-in (its cookie is missing). Allow cookies and start again.",
        );
    };
    if !same(&browser, &txn.browser) || !same(field("csrf"), &csrf_for(&browser)) {
        return error_page(&signin, StatusCode::FORBIDDEN, "This browser did not start this sign-in. Start again.");
    }
    match field("decision") {
        "allow" => {}
        "deny" => {
            tracing::info!("sign-in: the person denied {}", txn.label);
            return client_error(&signin, &txn, "access_denied", "the person denied the request");
        }
        _ => return error_page(&signin, StatusCode::BAD_REQUEST, "Choose Allow or Deny."),
    }
    let (verifier, nonce) = match (random(32), random(16)) {
        (Ok(v), Ok(n)) => (v, n),
        _ => return client_error(&signin, &txn, "server_error", "no randomness"),
    };
    let pending = Pending { t: txn.clone(), v: verifier.clone(), n: nonce.clone() };
    let state = match signin.keys.pending.seal(&pending, now() + TRANSACTION_TTL_SECS) {
        Ok(state) => state,
        Err(e) => return client_error(&signin, &txn, "server_error", &e),
    };
    match signin.upstream.authorize_url(&signin.callback_url(), &state, &nonce, &sha256(&verifier)).await {
        Ok(url) => redirect(url.as_str()),
        Err(why) => {
            tracing::warn!("sign-in: Okta's discovery document is not available: {why}");
            client_error(&signin, &txn, "temporarily_unavailable", "Okta's sign-in is not reachable")
        }
    }
}

/// `GET /oauth/callback`: Okta's answer.
pub async fn callback(State(signin): State<Arc<SignIn>>, headers: HeaderMap, RawQuery(query): RawQuery) -> Response {
    let q = params(query.unwrap_or_default().as_bytes()).unwrap_or_default();
    let get = |k: &str| q.get(k).map(String::as_str).filter(|v| !v.is_empty());
    let Some((pending, _)) = get("state").and_then(|s| signin.keys.pending.open::<Pending>(s)) else {
        return error_page(&signin, StatusCode::BAD_REQUEST, "This sign-in has expired or is not valid. Start again.");
    };
    let txn = &pending.t;
    if !browser_cookie(&signin, &headers).is_some_and(|b| same(&b, &txn.browser)) {
        return error_page(
            &signin,
            StatusCode::FORBIDDEN,
            "This browser did not start this sign-in (its cookie is missing or another). Start again.",
        );
    }
    if let Some(error) = get("error") {
        tracing::info!("sign-in: Okta answered `{}` for {}", error.chars().take(40).collect::<String>(), txn.label);
        let code = if error == "access_denied" { "access_denied" } else { "server_error" };
        return client_error(&signin, txn, code, "the sign-in at Okta did not complete");
    }
    let Some(okta_code) = get("code") else {
        return client_error(&signin, txn, "server_error", "Okta answered without a code");
    };
    let (identity, okta_tokens) =
        match signin.upstream.exchange(okta_code, &signin.callback_url(), &pending.v, &pending.n).await {
            Ok(answer) => answer,
            Err(why) => {
                tracing::warn!("sign-in: cannot complete the sign-in at Okta: {why}");
                return client_error(&signin, txn, "server_error", "the sign-in at Okta could not be completed");
            }
        };
    if signin.delegated && okta_tokens.is_none() {
        tracing::warn!("sign-in: Okta gave no access token (delegated mode needs one)");
        return client_error(&signin, txn, "server_error", "Okta gave no access token");
    }
    let (grant_id, code_id) = match (random(16), random(16)) {
        (Ok(g), Ok(c)) => (g, c),
        _ => return client_error(&signin, txn, "server_error", "no randomness"),
    };
    tracing::info!(person = %identity.name, client = %txn.label, "sign-in: signed in at Okta");
    // Okta's refresh token lets each refresh of ours ask Okta again (is the person still active and assigned,
    // what are their groups now). Without one, the grant ends with its first access token.
    let renewable = okta_tokens.as_ref().is_some_and(|t| t.refresh.is_some());
    if !renewable {
        tracing::warn!(
            person = %identity.name,
            "sign-in: Okta gave no refresh token (grant the OIDC app the refresh token grant type): this sign-in \
             lasts one access token"
        );
    }
    let grant = Grant {
        id: grant_id,
        subject: identity.subject,
        name: identity.name,
        groups: identity.groups,
        client: txn.label.clone(),
        okta: okta_tokens,
        end: now() + if renewable { GRANT_TTL_SECS } else { super::ACCESS_TTL_SECS },
    };
    let code = Code {
        id: code_id,
        client: txn.client.clone(),
        redirect_uri: txn.redirect_uri.clone(),
        redirect_given: txn.redirect_given,
        challenge: txn.challenge.clone(),
        grant,
    };
    match signin.keys.code.seal(&code, now() + CODE_TTL_SECS) {
        Ok(sealed) => to_client(&signin, &txn.redirect_uri, txn.state.as_deref(), &[("code", &sealed)]),
        Err(e) => client_error(&signin, txn, "server_error", &e),
    }
}

/// The PKCE check (RFC 7636 §4.6).
pub fn pkce_ok(verifier: &str, challenge: &str) -> bool {
    same(&seal::sha256(verifier), challenge)
}
