//! `/token` and `/revoke`, and the check of our access tokens on `/mcp`.
//!
//! Formats (all sealed, see `seal`; the prefix only tells kinds apart): `mcp_code_…` our authorization code
//! (60 s, single use, bound to the client, its redirect URI and PKCE challenge); `mcp_at_…` an access token
//! (15 min, for this server's resource URL only, naming the person and their groups seen at sign-in, and in
//! delegated mode carrying their Okta access token); `mcp_rt_…` a refresh token (rotating: each is used once;
//! using one twice revokes the whole grant; the grant ends 8 h after sign-in). A grant is revoked by marking its id
//! in the spent set (`/revoke`, a reused code or refresh token); access tokens of a revoked grant are refused.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::flow::{params, pkce_ok};
use super::seal::{now, random, same, sha256};
use super::upstream::OktaTokens;
use super::{ACCESS_TTL_SECS, SCOPE, SignIn, revoked_id};
use crate::auth::token::{Claims, Rejection};

/// Who signed in, through which client, until when.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Grant {
    #[serde(rename = "g")]
    pub id: String,
    #[serde(rename = "s")]
    pub subject: String,
    #[serde(rename = "n")]
    pub name: String,
    #[serde(rename = "gr", default)]
    pub groups: Vec<String>,
    /// The client's label (for the audit log).
    #[serde(rename = "c")]
    pub client: String,
    /// Delegated mode: the person's Okta tokens.
    #[serde(rename = "o", default, skip_serializing_if = "Option::is_none")]
    pub okta: Option<OktaTokens>,
    /// When the grant ends (Unix seconds).
    #[serde(rename = "x")]
    pub end: i64,
}

/// Our authorization code.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Code {
    #[serde(rename = "j")]
    pub id: String,
    /// SHA-256 of the client id.
    #[serde(rename = "c")]
    pub client: String,
    #[serde(rename = "r")]
    pub redirect_uri: String,
    /// The authorization request named the redirect URI (RFC 6749 §4.1.3: then the token request must too).
    #[serde(rename = "e", default)]
    pub redirect_given: bool,
    #[serde(rename = "p")]
    pub challenge: String,
    #[serde(rename = "g")]
    pub grant: Grant,
}

/// An access token: the grant without the Okta refresh token. (No `Debug`: it may hold the person's Okta token.)
#[derive(Clone, Serialize, Deserialize)]
struct Access {
    g: String,
    s: String,
    n: String,
    #[serde(default)]
    gr: Vec<String>,
    c: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    t: Option<String>,
    x: i64,
}

/// A refresh token.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Refresh {
    j: String,
    c: String,
    g: Grant,
}

/// How long past its expiry a used code or refresh token, or a revoked grant, is remembered: more than any clock
/// difference between replicas, so none accepts again what another has marked.
const SPENT_MARGIN_SECS: i64 = 300;

/// A token endpoint error (RFC 6749 §5.2).
fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    let mut response = (status, axum::Json(json!({"error": error, "error_description": description}))).into_response();
    no_store(&mut response);
    response
}

fn no_store(response: &mut Response) {
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response.headers_mut().insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
}

fn bad(error: &str, description: &str) -> Response {
    oauth_error(StatusCode::BAD_REQUEST, error, description)
}

fn unavailable(why: &str) -> Response {
    tracing::error!("sign-in: the spent set is not available: {why}");
    oauth_error(StatusCode::SERVICE_UNAVAILABLE, "temporarily_unavailable", "try again shortly")
}

/// `POST /token`.
pub async fn token(State(signin): State<Arc<SignIn>>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(mut form) = params(&body) else { return bad("invalid_request", "a parameter is repeated") };
    // Public clients only: a client that authenticates is one we do not know. Some send their id as HTTP Basic
    // with an empty secret (RFC 6749 §2.3.1 form-encodes it): that is the id, not a secret.
    let basic_id = headers.get(header::AUTHORIZATION).map(|v| public_basic_id(v.to_str().unwrap_or_default()));
    match basic_id {
        Some(Some(id)) if form.get("client_id").is_none_or(|given| *given == id) => {
            form.insert("client_id".to_owned(), id);
        }
        Some(_) => return public_only(),
        None => {}
    }
    let get = |k: &str| field(&form, k);
    if get("client_secret").is_some() {
        return public_only();
    }
    match get("grant_type") {
        Some("authorization_code") => authorization_code(&signin, &form).await,
        Some("refresh_token") => refresh(&signin, &form).await,
        Some(_) => bad("unsupported_grant_type", "authorization_code or refresh_token"),
        None => bad("invalid_request", "grant_type is missing"),
    }
}

/// The client id of an `Authorization: Basic` header whose secret is empty (a public client naming itself).
fn public_basic_id(value: &str) -> Option<String> {
    use base64::Engine as _;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD.decode(encoded.trim()).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (id, secret) = text.split_once(':')?;
    // Form-encoded (RFC 6749 §2.3.1): `+` is a space, `%XX` a byte.
    let id = percent_decode(&id.replace('+', " "))?;
    (secret.is_empty() && !id.is_empty()).then_some(id)
}

/// `%XX`-decoded UTF-8, or None when malformed.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// A client that authenticates: one this server does not know (it takes public clients only).
fn public_only() -> Response {
    let mut response = oauth_error(
        StatusCode::UNAUTHORIZED,
        "invalid_client",
        "this server takes public clients (token_endpoint_auth_method none) with PKCE",
    );
    response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Basic"));
    response
}

/// A non-empty form field.
fn field<'a>(form: &'a HashMap<String, String>, key: &str) -> Option<&'a str> {
    form.get(key).map(String::as_str).filter(|v| !v.is_empty())
}

fn verifier_ok(verifier: &str) -> bool {
    (43..=128).contains(&verifier.len())
        && verifier.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

async fn authorization_code(signin: &SignIn, form: &HashMap<String, String>) -> Response {
    let get = |k: &str| field(form, k);
    let (Some(client_id), Some(code), Some(verifier)) = (get("client_id"), get("code"), get("code_verifier")) else {
        return bad("invalid_request", "client_id, code and code_verifier are required");
    };
    if !verifier_ok(verifier) {
        return bad("invalid_request", "code_verifier must be 43 to 128 unreserved characters");
    }
    let Some((code, exp)) = signin.keys.code.open::<Code>(code) else {
        return bad("invalid_grant", "the code is not valid or has expired");
    };
    if !same(&sha256(client_id), &code.client) {
        return bad("invalid_grant", "the code was issued to another client");
    }
    match get("redirect_uri") {
        Some(redirect_uri) if redirect_uri != code.redirect_uri => {
            return bad("invalid_grant", "redirect_uri is not the one of the authorization request");
        }
        None if code.redirect_given => {
            return bad("invalid_request", "redirect_uri is required: the authorization request named it");
        }
        _ => {}
    }
    if !pkce_ok(verifier, &code.challenge) {
        return bad("invalid_grant", "code_verifier does not match the code challenge");
    }
    match signin.spent.spend(&format!("signin:code:{}", code.id), exp + SPENT_MARGIN_SECS).await {
        Ok(true) => {}
        Ok(false) => {
            // A code used twice: whatever the first use got is revoked too (RFC 6749 §4.1.2).
            tracing::warn!(person = %code.grant.name, "sign-in: a code was used twice; its grant is revoked");
            if let Err(e) = signin.spent.spend(&revoked_id(&code.grant.id), code.grant.end + SPENT_MARGIN_SECS).await {
                return unavailable(&e);
            }
            return bad("invalid_grant", "the code was already used");
        }
        Err(e) => return unavailable(&e),
    }
    tracing::info!(person = %code.grant.name, client = %code.grant.client, "sign-in: tokens issued");
    issue(signin, &code.grant, &code.client)
}

async fn refresh(signin: &SignIn, form: &HashMap<String, String>) -> Response {
    let get = |k: &str| field(form, k);
    let Some(token) = get("refresh_token") else { return bad("invalid_request", "refresh_token is required") };
    let Some((old, exp)) = signin.keys.refresh.open::<Refresh>(token) else {
        return bad("invalid_grant", "the refresh token is not valid or has expired");
    };
    if let Some(client_id) = get("client_id")
        && !same(&sha256(client_id), &old.c)
    {
        return bad("invalid_grant", "the refresh token was issued to another client");
    }
    match signin.spent.is_spent(&revoked_id(&old.g.id)).await {
        Ok(false) => {}
        Ok(true) => return bad("invalid_grant", "the grant was revoked; sign in again"),
        Err(e) => return unavailable(&e),
    }
    let used = format!("signin:refresh:{}", old.j);
    // A refresh token used before: reuse (RFC 9700 §4.14.2), whatever Okta would say. Checked before Okta is asked;
    // the spend below settles two refreshes racing each other.
    match signin.spent.is_spent(&used).await {
        Ok(false) => {}
        Ok(true) => return reused(signin, &old.g).await,
        Err(e) => return unavailable(&e),
    }
    // Okta first: it says whether the person may still sign in (deactivated, unassigned or their tokens revoked:
    // no), and what their groups are now. Only then is our refresh token used up, so a retry after Okta could not
    // be reached is not mistaken for reuse. Admin mode asks Okta at every refresh (the roles come from the groups);
    // delegated mode when the person's Okta token nears its expiry.
    let mut grant = old.g;
    let due = !signin.delegated || grant.okta.as_ref().is_none_or(|t| t.exp < now() + ACCESS_TTL_SECS + 60);
    if due {
        let Some(refresh) = grant.okta.as_ref().and_then(|t| t.refresh.clone()) else {
            return bad("invalid_grant", "the Okta session cannot be renewed (no offline_access); sign in again");
        };
        match signin.upstream.refresh(&refresh).await {
            Ok((tokens, identity)) => {
                grant.okta = Some(tokens);
                match identity {
                    Some(who) if who.subject == grant.subject => {
                        grant.name = who.name;
                        grant.groups = who.groups;
                    }
                    Some(_) => {
                        tracing::warn!(person = %grant.name, "sign-in: Okta's refresh names another person");
                        return end_grant(signin, &grant, "Okta's answer names another person; sign in again").await;
                    }
                    // Admin mode: the roles come from the groups, which only a new ID token tells.
                    None if !signin.delegated => {
                        tracing::warn!(person = %grant.name, "sign-in: Okta's refresh sent no ID token (openid?)");
                        return end_grant(signin, &grant, "Okta did not confirm the person's groups; sign in again")
                            .await;
                    }
                    None => {}
                }
            }
            Err(e) if e.refused => {
                tracing::info!(person = %grant.name, "sign-in: Okta no longer renews this sign-in: {}", e.why);
                return bad("invalid_grant", "Okta no longer renews this sign-in; sign in again");
            }
            Err(e) => {
                tracing::warn!(person = %grant.name, "sign-in: cannot reach Okta to renew a sign-in: {}", e.why);
                return oauth_error(StatusCode::SERVICE_UNAVAILABLE, "temporarily_unavailable", "try again shortly");
            }
        }
    }
    match signin.spent.spend(&used, exp + SPENT_MARGIN_SECS).await {
        Ok(true) => {}
        Ok(false) => return reused(signin, &grant).await,
        Err(e) => return unavailable(&e),
    }
    issue(signin, &grant, &old.c)
}

/// A refresh token used twice: its whole grant is revoked.
async fn reused(signin: &SignIn, grant: &Grant) -> Response {
    tracing::warn!(person = %grant.name, "sign-in: a refresh token was used twice; its grant is revoked");
    end_grant(signin, grant, "the refresh token was already used; the grant is revoked, sign in again").await
}

/// Revoke the grant and answer `invalid_grant` with `why`.
async fn end_grant(signin: &SignIn, grant: &Grant, why: &str) -> Response {
    if let Err(e) = signin.spent.spend(&revoked_id(&grant.id), grant.end + SPENT_MARGIN_SECS).await {
        return unavailable(&e);
    }
    bad("invalid_grant", why)
}

/// An access token and a refresh token for a grant.
fn issue(signin: &SignIn, grant: &Grant, client: &str) -> Response {
    let mut access_exp = (now() + ACCESS_TTL_SECS).min(grant.end);
    if let Some(okta) = grant.okta.as_ref().filter(|_| signin.delegated) {
        access_exp = access_exp.min(okta.exp);
    }
    let access = Access {
        g: grant.id.clone(),
        s: grant.subject.clone(),
        n: grant.name.clone(),
        gr: grant.groups.clone(),
        c: grant.client.clone(),
        // The person's Okta token rides in the access token only where the server acts as them.
        t: if signin.delegated { grant.okta.as_ref().map(|t| t.access.clone()) } else { None },
        x: grant.end,
    };
    let jti = match random(16) {
        Ok(j) => j,
        Err(e) => return oauth_error(StatusCode::INTERNAL_SERVER_ERROR, "server_error", &e),
    };
    let refresh = Refresh { j: jti, c: client.to_owned(), g: grant.clone() };
    let (Ok(access_token), Ok(refresh_token)) =
        (signin.keys.access.seal(&access, access_exp), signin.keys.refresh.seal(&refresh, grant.end))
    else {
        return oauth_error(StatusCode::INTERNAL_SERVER_ERROR, "server_error", "cannot seal the tokens");
    };
    let mut answer = json!({
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": (access_exp - now()).max(0),
        "scope": SCOPE,
    });
    // A refresh token only where a refresh can succeed: Okta gave its own, to ask it again.
    if grant.okta.as_ref().is_some_and(|t| t.refresh.is_some()) {
        answer["refresh_token"] = json!(refresh_token);
    }
    let mut response = axum::Json(answer).into_response();
    no_store(&mut response);
    response
}

/// `POST /revoke` (RFC 7009): revokes the grant of an access or refresh token. Always 200 for tokens that are not
/// ours (the RFC: the client cannot do anything about it).
pub async fn revoke(State(signin): State<Arc<SignIn>>, body: Bytes) -> Response {
    let form = params(&body).unwrap_or_default();
    let Some(token) = form.get("token").filter(|t| !t.is_empty()) else {
        return bad("invalid_request", "token is required");
    };
    // The grant, and the person's Okta token to revoke at Okta too (their refresh token where we hold it).
    let grant = signin
        .keys
        .refresh
        .open::<Refresh>(token)
        .map(|(r, _)| {
            let okta = r.g.okta.and_then(|t| t.refresh.map(|rt| (rt, "refresh_token")));
            (r.g.id, r.g.end, r.g.name, okta)
        })
        .or_else(|| {
            signin.keys.access.open::<Access>(token).map(|(a, _)| (a.g, a.x, a.n, a.t.map(|t| (t, "access_token"))))
        });
    if let Some((id, end, name, okta)) = grant {
        if let Err(e) = signin.spent.spend(&revoked_id(&id), end + SPENT_MARGIN_SECS).await {
            return unavailable(&e);
        }
        tracing::info!(person = %name, "sign-in: grant revoked");
        if let Some((okta_token, hint)) = okta {
            signin.upstream.revoke(&okta_token, hint).await;
        }
    }
    let mut response = StatusCode::OK.into_response();
    no_store(&mut response);
    response
}

impl SignIn {
    /// Check one of our access tokens: for this server, unexpired, its grant not revoked.
    pub async fn validate(&self, token: &str) -> Result<Claims, Rejection> {
        let Some((access, exp)) = self.keys.access.open_even_expired::<Access>(token) else {
            return Err(Rejection::Invalid(
                "the bearer token was not issued by this server for this resource".to_owned(),
            ));
        };
        if exp < now() {
            return Err(Rejection::Invalid("the bearer token has expired".to_owned()));
        }
        match self.spent.is_spent(&revoked_id(&access.g)).await {
            Ok(false) => {}
            Ok(true) => return Err(Rejection::Invalid("the bearer token was revoked".to_owned())),
            Err(e) => {
                tracing::error!("sign-in: the spent set is not available: {e}");
                return Err(Rejection::Unavailable("revocations cannot be checked right now".to_owned()));
            }
        }
        Ok(Claims {
            subject: access.s,
            name: access.n,
            client_id: Some(access.c),
            groups: access.gr,
            scopes: vec![SCOPE.to_owned()],
            // Only where this server acts as people: a token sealed by a delegated deployment is not used by an
            // admin-mode one that shares its key.
            okta_token: access.t.filter(|_| self.delegated).map(okta_core::Secret::new),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::signin::{SignInConfig, Spent};

    fn signin(resource: &str, key: u8, dir: &std::path::Path) -> SignIn {
        SignIn::new(SignInConfig {
            resource: url::Url::parse(resource).expect("url"),
            server: "okta-mcp-test",
            delegated: false,
            oidc_issuer: "http://127.0.0.1:9/oauth2/default".into(),
            oidc_client_id: "0oa1".into(),
            oidc_client_secret: okta_core::Secret::new("secret".into()),
            oidc_scopes: vec!["openid".into()],
            groups_claim: "groups".into(),
            state_key: vec![key; 32],
            spent: Arc::new(Spent::new(crate::audit::AuditTarget::Sqlite(dir.join("audit.db")))),
            abilities: vec![],
        })
        .expect("sign-in")
    }

    fn access() -> Access {
        Access {
            g: "grant-1".into(),
            s: "00u1".into(),
            n: "carol@example.com".into(),
            gr: vec!["Help Desk".into()],
            c: "client".into(),
            t: None,
            x: now() + 3600,
        }
    }

    fn invalid(result: Result<Claims, Rejection>) -> String {
        match result {
            Err(Rejection::Invalid(why)) => why,
            other => panic!("expected invalid_token: {other:?}"),
        }
    }

    #[tokio::test]
    async fn access_tokens_are_checked() {
        let dir = tempfile::tempdir().expect("tempdir");
        let one = signin("https://a.example/mcp", 1, dir.path());
        let good = one.keys.access.seal(&access(), now() + 60).expect("seal");
        let claims = one.validate(&good).await.expect("valid");
        assert_eq!((claims.subject.as_str(), claims.groups.as_slice()), ("00u1", &["Help Desk".to_owned()][..]));
        assert!(claims.okta_token.is_none());

        let expired = one.keys.access.seal(&access(), now() - 1).expect("seal");
        assert!(invalid(one.validate(&expired).await).contains("expired"));
        // A refresh token or a code is not an access token, even with the prefix swapped.
        let refresh = one.keys.refresh.seal(&access(), now() + 60).expect("seal");
        let swapped = refresh.replacen("mcp_rt_", "mcp_at_", 1);
        assert!(invalid(one.validate(&swapped).await).contains("not issued by this server"));
        // Another server (resource URL) with the same key, and the same resource with another key.
        let other_resource = signin("https://b.example/mcp", 1, dir.path());
        let foreign = other_resource.keys.access.seal(&access(), now() + 60).expect("seal");
        assert!(invalid(one.validate(&foreign).await).contains("not issued by this server"));
        let other_key = signin("https://a.example/mcp", 2, dir.path());
        let foreign = other_key.keys.access.seal(&access(), now() + 60).expect("seal");
        assert!(invalid(one.validate(&foreign).await).contains("not issued by this server"));
        // Revoked.
        assert!(one.spent.spend(&revoked_id("grant-1"), now() + 60).await.expect("spend"));
        assert!(invalid(one.validate(&good).await).contains("revoked"));
    }

    #[test]
    fn a_public_client_may_name_itself_in_basic_auth() {
        use base64::Engine as _;
        let basic = |text: &str| format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(text));
        assert_eq!(public_basic_id(&basic("mcp_client_abc:")).as_deref(), Some("mcp_client_abc"));
        assert_eq!(
            public_basic_id(&basic("https%3A%2F%2Fapp.example%2Fc.json:")).as_deref(),
            Some("https://app.example/c.json")
        );
        assert_eq!(public_basic_id(&basic("mcp_client_abc:secret")), None);
        assert_eq!(public_basic_id("Bearer abc"), None);
        assert_eq!(public_basic_id("Basic !!!"), None);
        assert_eq!(public_basic_id(&basic("a%26b+c:")).as_deref(), Some("a&b c"));
        assert_eq!(public_basic_id(&basic("bad%zz:")), None);
    }

    #[test]
    fn verifiers_are_unreserved_characters() {
        assert!(verifier_ok(&"a".repeat(43)));
        assert!(!verifier_ok(&"a".repeat(42)));
        assert!(!verifier_ok(&"a".repeat(129)));
        assert!(!verifier_ok(&format!("{}+", "a".repeat(43))));
    }
}
