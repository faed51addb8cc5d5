//! Browser sign-in: `GET /oauth2/v1/authorize` (the org authorization server) and
//! `GET /oauth2/{authorizationServerId}/v1/authorize` (a custom one), the authorization code flow with PKCE.
//!
//! `/authorize` checks the request as Okta does: the client (an ACTIVE OIDC app with the authorization_code grant),
//! the `redirect_uri` (one of the app's `redirect_uris` exactly, or, for a registered `http://127.0.0.1/…` or
//! `http://localhost/…` without a port, the same URI on any port: RFC 8252 §7.3), then `response_type=code`, the
//! scopes (org server: the OIDC scopes and the Okta scopes granted to the app; custom server: its scopes),
//! `code_challenge_method=S256` (`plain` is refused; a public client must send a challenge). Errors found before the
//! redirect URI is known are an HTML error page; later ones go back to the redirect URI with `error`,
//! `error_description` and `state`. Then the sandbox's own sign-in pages (plain HTML forms, no script): the
//! password page (`POST /login/sandbox/password`: `tx`, `username`, `password`), then the factor page
//! (`POST /login/sandbox/factor`: `tx`, `code`, which is `crate::SANDBOX_FACTOR_CODE` for every user), then a 302
//! to the redirect URI with `code` and `state`. Users who are not ACTIVE are refused on the password page with
//! what is wrong; a user not assigned to the app, or whom the custom server's policy does not allow, goes back
//! with `access_denied`. Transactions and codes live in `org::signin` with their expiry.

use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

use super::custom_as::{self, Owner};
use super::{Id, Params, St};
use crate::org::signin::{AuthRequest, CODE_TTL, CodeGrant, Stage, TRANSACTION_TTL, Transaction};
use crate::org::{App, Org, UserStatus};
use crate::{AppState, ids, lock};

/// Where the sign-in page posts the password.
pub(crate) const PASSWORD_PATH: &str = "/login/sandbox/password";
/// Where the factor page posts the verification code.
pub(crate) const FACTOR_PATH: &str = "/login/sandbox/factor";

/// The scopes of OpenID Connect the org authorization server grants to any OIDC app.
pub(crate) const ORG_OIDC_SCOPES: [&str; 7] =
    ["openid", "profile", "email", "address", "phone", "offline_access", "groups"];

/// A request `/authorize` refuses.
enum Refusal {
    /// No trustworthy redirect URI yet: an HTML error page.
    Page(StatusCode, String),
    /// Back to the client's redirect URI.
    Redirect { uri: String, state: Option<String>, error: &'static str, description: String },
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn html(status: StatusCode, title: &str, body: &str) -> Response {
    let page = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{} - Okta Sandbox</title></head>\n<body><main>\n{body}\n</main></body></html>\n",
        escape(title)
    );
    let mut resp = (status, page).into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    resp
}

fn error_page(status: StatusCode, message: &str) -> Response {
    let body = format!("<h1>Sign-in error</h1>\n<p id=\"error\" role=\"alert\">{}</p>", escape(message));
    html(status, "Error", &body)
}

fn error_line(error: Option<&str>) -> String {
    error.map(|e| format!("<p id=\"error\" role=\"alert\">{}</p>\n", escape(e))).unwrap_or_default()
}

fn password_page(tx: &str, app: &str, username: &str, error: Option<&str>) -> Response {
    let body = format!(
        "<h1>Sign In</h1>\n<p>to continue to {app}</p>\n{err}<form id=\"signin\" method=\"post\" action=\"{PASSWORD_PATH}\">\n\
<input type=\"hidden\" id=\"tx\" name=\"tx\" value=\"{tx}\">\n\
<label for=\"username\">Username</label>\n<input type=\"text\" id=\"username\" name=\"username\" autocomplete=\"username\" value=\"{user}\" required>\n\
<label for=\"password\">Password</label>\n<input type=\"password\" id=\"password\" name=\"password\" autocomplete=\"current-password\" required>\n\
<button type=\"submit\" id=\"submit\" name=\"submit\">Sign in</button>\n</form>",
        app = escape(app),
        err = error_line(error),
        tx = escape(tx),
        user = escape(username),
    );
    html(StatusCode::OK, "Sign In", &body)
}

fn factor_page(tx: &str, login: &str, error: Option<&str>) -> Response {
    let body = format!(
        "<h1>Verify it's you</h1>\n<p>Enter the 6-digit verification code for {login}</p>\n{err}<form id=\"verify\" method=\"post\" action=\"{FACTOR_PATH}\">\n\
<input type=\"hidden\" id=\"tx\" name=\"tx\" value=\"{tx}\">\n\
<label for=\"code\">Verification code</label>\n<input type=\"text\" id=\"code\" name=\"code\" inputmode=\"numeric\" autocomplete=\"one-time-code\" maxlength=\"6\" required>\n\
<button type=\"submit\" id=\"submit\" name=\"submit\">Verify</button>\n</form>",
        login = escape(login),
        err = error_line(error),
        tx = escape(tx),
    );
    html(StatusCode::OK, "Verify", &body)
}

/// `uri` with `pairs` added to its query (a URI that is not absolute: none).
fn with_query(uri: &str, pairs: &[(&str, &str)]) -> Option<String> {
    let mut u = url::Url::parse(uri).ok()?;
    {
        let mut q = u.query_pairs_mut();
        for (k, v) in pairs {
            q.append_pair(k, v);
        }
    }
    Some(u.to_string())
}

fn redirect(to: &str) -> Response {
    let mut resp = StatusCode::FOUND.into_response();
    if let Ok(v) = HeaderValue::from_str(to) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

fn refuse(r: Refusal) -> Response {
    match r {
        Refusal::Page(status, message) => error_page(status, &message),
        Refusal::Redirect { uri, state, error, description } => {
            let mut pairs = vec![("error", error), ("error_description", description.as_str())];
            if let Some(s) = &state {
                pairs.push(("state", s.as_str()));
            }
            match with_query(&uri, &pairs) {
                Some(to) => redirect(&to),
                None => error_page(StatusCode::BAD_REQUEST, &description),
            }
        }
    }
}

/// Does the registered redirect URI `registered` admit `given`? Exactly, or (RFC 8252 §7.3) a loopback
/// `http://127.0.0.1/…` or `http://localhost/…` registered without a port, on any port with the same path and query.
pub(crate) fn redirect_matches(registered: &str, given: &str) -> bool {
    if registered == given {
        return true;
    }
    let (Ok(r), Ok(g)) = (url::Url::parse(registered), url::Url::parse(given)) else { return false };
    r.scheme() == "http"
        && g.scheme() == "http"
        && matches!(r.host_str(), Some("127.0.0.1" | "localhost"))
        && r.host_str() == g.host_str()
        && r.port().is_none()
        && r.path() == g.path()
        && r.query() == g.query()
        && g.fragment().is_none()
        && g.username().is_empty()
        && g.password().is_none()
}

fn registered_redirects(app: &App) -> Vec<String> {
    app.config
        .get("settings")
        .and_then(|s| s.pointer("/oauthClient/redirect_uris"))
        .and_then(serde_json::Value::as_array)
        .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

/// The scopes of the org authorization server an app may be granted: the OIDC ones and its Okta scope grants.
pub(crate) fn org_scopes_of(app: &App) -> Vec<String> {
    ORG_OIDC_SCOPES.iter().map(|s| (*s).to_owned()).chain(app.grants.iter().map(|g| g.scope_id.clone())).collect()
}

/// Check an authorization request; what it asks, once valid.
fn check(org: &Org, server: Option<&str>, params: &Params) -> Result<AuthRequest, Refusal> {
    let page = |m: &str| Refusal::Page(StatusCode::BAD_REQUEST, m.to_owned());
    if let Some(id) = server {
        custom_as::active_server(org, id)
            .map_err(|_| Refusal::Page(StatusCode::NOT_FOUND, format!("Not found: {id}")))?;
    }
    let client_id = params
        .get("client_id")
        .filter(|c| !c.is_empty())
        .ok_or_else(|| page("The 'client_id' parameter is required."))?;
    let app = custom_as::find_active_client(org, client_id)
        .ok_or_else(|| page("Invalid value for 'client_id' parameter."))?;
    let redirect_uri = params
        .get("redirect_uri")
        .filter(|r| !r.is_empty())
        .ok_or_else(|| page("The 'redirect_uri' parameter is required."))?;
    if !registered_redirects(app).iter().any(|r| redirect_matches(r, redirect_uri)) {
        return Err(page("The 'redirect_uri' parameter must be a Login redirect URI in the client app settings."));
    }
    let state = params.get("state").map(str::to_owned);
    let back = |error: &'static str, description: &str| Refusal::Redirect {
        uri: redirect_uri.to_owned(),
        state: state.clone(),
        error,
        description: description.to_owned(),
    };
    match params.get("response_type") {
        Some("code") => {}
        None | Some("") => return Err(back("invalid_request", "The 'response_type' parameter is required.")),
        Some(_) => {
            return Err(back(
                "unsupported_response_type",
                "The response type is not supported by the authorization server. Configured response types: [code].",
            ));
        }
    }
    if !custom_as::grant_types(app).contains(&"authorization_code") {
        return Err(back(
            "unauthorized_client",
            "The client is not authorized to use the provided grant type. Configured grant types: [authorization_code].",
        ));
    }
    if params.get("response_mode").is_some_and(|m| m != "query") {
        return Err(back("invalid_request", "The sandbox answers with response_mode 'query' only."));
    }
    // Scopes.
    let scopes = match server {
        Some(id) => custom_as::requested_scopes(org, id, params, "authorization_code")
            .map_err(|e| back(e.error, &e.description))?,
        None => {
            let mut scopes: Vec<String> = Vec::new();
            for s in params.get("scope").unwrap_or("").split_whitespace() {
                if !scopes.iter().any(|x| x == s) {
                    scopes.push(s.to_owned());
                }
            }
            if scopes.is_empty() {
                return Err(back("invalid_scope", "No scopes were requested."));
            }
            let allowed = org_scopes_of(app);
            if scopes.iter().any(|s| !allowed.contains(s)) {
                return Err(back(
                    "invalid_scope",
                    "The requested scope is invalid, unknown, malformed, or exceeds the scope granted by the resource owner.",
                ));
            }
            if !scopes.iter().any(|s| s == "openid")
                && scopes.iter().any(|s| ["profile", "email", "address", "phone", "groups"].contains(&s.as_str()))
            {
                return Err(back(
                    "invalid_scope",
                    "Requests for ID tokens or access tokens with OpenID scopes require the 'openid' scope.",
                ));
            }
            scopes
        }
    };
    // PKCE.
    let challenge = params.get("code_challenge").filter(|c| !c.is_empty());
    let method = params.get("code_challenge_method").filter(|c| !c.is_empty());
    let public_client = custom_as::auth_method(app) == "none";
    let pkce_required = public_client
        || app
            .config
            .get("credentials")
            .and_then(|c| c.pointer("/oauthClient/pkce_required"))
            .and_then(|v| v.as_bool())
            == Some(true);
    let code_challenge = match (challenge, method) {
        (None, _) if pkce_required => {
            return Err(back("invalid_request", "PKCE code challenge is required by the application."));
        }
        (None, Some(_)) => return Err(back("invalid_request", "PKCE code challenge is required by the application.")),
        (None, None) => None,
        (Some(c), Some("S256")) => {
            let ok = (43..=128).contains(&c.len())
                && c.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'));
            if !ok {
                return Err(back("invalid_request", "PKCE code challenge contains illegal characters."));
            }
            Some(c.to_owned())
        }
        (Some(_), _) => {
            return Err(back("invalid_request", "PKCE code challenge method is not supported. Valid values: [S256]"));
        }
    };
    if params.get("prompt") == Some("none") {
        return Err(back("login_required", "The client specified not to prompt, but the user is not logged in."));
    }
    Ok(AuthRequest {
        server: server.map(str::to_owned),
        client_id: client_id.to_owned(),
        redirect_uri: redirect_uri.to_owned(),
        scopes,
        state,
        nonce: params.get("nonce").filter(|n| !n.is_empty()).map(str::to_owned),
        code_challenge,
    })
}

fn start(st: &AppState, server: Option<&str>, uri: &Uri) -> Response {
    let params = Params::parse(uri.query());
    let mut org = lock(&st.org);
    let request = match check(&org, server, &params) {
        Ok(r) => r,
        Err(r) => return refuse(r),
    };
    let label = custom_as::find_active_client(&org, &request.client_id).map(|a| a.label.clone()).unwrap_or_default();
    let tx = ids::unpredictable(32);
    let now = Instant::now();
    org.signin.sweep(now);
    org.signin
        .transactions
        .insert(tx.clone(), Transaction { request, stage: Stage::Password, expires: now + TRANSACTION_TTL });
    let hint = params.get("login_hint").unwrap_or("");
    password_page(&tx, &label, hint, None)
}

pub(crate) async fn org_authorize(State(st): St, uri: Uri) -> Response {
    start(&st, None, &uri)
}

pub(crate) async fn custom_authorize(State(st): St, Path(id): Id, uri: Uri) -> Response {
    start(&st, Some(&id), &uri)
}

fn expired() -> Response {
    error_page(
        StatusCode::BAD_REQUEST,
        "Your sign-in session has expired. Go back to the application and sign in again.",
    )
}

/// What refuses a user who is not ACTIVE.
fn status_refusal(status: UserStatus) -> Option<&'static str> {
    match status {
        UserStatus::Active => None,
        UserStatus::LockedOut => Some("Your account is locked. Contact your administrator to unlock it."),
        UserStatus::Suspended => Some("Your account is suspended. Contact your administrator."),
        UserStatus::Deprovisioned => Some("Your account is deactivated. Contact your administrator."),
        UserStatus::Staged | UserStatus::Provisioned => Some(
            "Your account is not activated yet. Activate it from your activation email, or contact your administrator.",
        ),
        UserStatus::PasswordExpired | UserStatus::Recovery => {
            Some("Your password must be reset before you can sign in. Contact your administrator.")
        }
    }
}

/// A `user.session.start` event in the System Log, as Okta writes for each sign-in attempt.
fn sign_in_event(org: &mut Org, seq: Option<u64>, outcome: (&str, Option<&str>)) {
    let Some(actor) = seq.and_then(|s| org.actor_for_user(s)) else { return };
    org.log(
        chrono::Utc::now(),
        "user.session.start",
        "User login to Okta",
        &actor,
        Vec::new(),
        outcome,
        None,
        &crate::seed::api_client(),
    );
}

pub(crate) async fn password(State(st): St, body: Bytes) -> Response {
    let form = Params::parse(std::str::from_utf8(&body).ok());
    let tx = form.get("tx").unwrap_or("").to_owned();
    let username = form.get("username").unwrap_or("").trim().to_owned();
    let secret = form.get("password").unwrap_or("");
    let mut org = lock(&st.org);
    let Some(t) = org.signin.transaction(&tx).cloned() else { return expired() };
    let label = custom_as::find_active_client(&org, &t.request.client_id).map(|a| a.label.clone()).unwrap_or_default();
    if t.stage != Stage::Password {
        return expired();
    }
    let seq = org.find_user(&username);
    let user = seq.and_then(|s| org.users.get(&s)).map(|u| (u.id.clone(), u.status, u.login()));
    let Some((user_id, status, login)) = user else {
        return password_page(&tx, &label, &username, Some("Unable to sign in"));
    };
    if let Some(message) = status_refusal(status) {
        let reason = if status == UserStatus::LockedOut { "LOCKED_OUT" } else { "VERIFICATION_ERROR" };
        sign_in_event(&mut org, seq, ("FAILURE", Some(reason)));
        return password_page(&tx, &label, &username, Some(message));
    }
    if !org.secrets.password_matches(&user_id, secret) {
        sign_in_event(&mut org, seq, ("FAILURE", Some("INVALID_CREDENTIALS")));
        return password_page(&tx, &label, &username, Some("Unable to sign in"));
    }
    sign_in_event(&mut org, seq, ("SUCCESS", None));
    if let Some(t) = org.signin.transactions.get_mut(&tx) {
        t.stage = Stage::Factor(user_id);
    }
    factor_page(&tx, &login, None)
}

pub(crate) async fn factor(State(st): St, body: Bytes) -> Response {
    let form = Params::parse(std::str::from_utf8(&body).ok());
    let tx = form.get("tx").unwrap_or("").to_owned();
    let code = form.get("code").unwrap_or("").trim();
    let mut org = lock(&st.org);
    let Some(t) = org.signin.transaction(&tx).cloned() else { return expired() };
    let Stage::Factor(user_id) = &t.stage else { return expired() };
    let login = org.find_user(user_id).and_then(|s| org.users.get(&s)).map(|u| u.login()).unwrap_or_default();
    let matches = code.len() == crate::SANDBOX_FACTOR_CODE.len()
        && aws_lc_rs::constant_time::verify_slices_are_equal(code.as_bytes(), crate::SANDBOX_FACTOR_CODE.as_bytes())
            .is_ok();
    if !matches {
        return factor_page(&tx, &login, Some("Invalid code. Try again."));
    }
    org.signin.transactions.remove(&tx);
    let request = t.request;
    let back = |error: &'static str, description: String| Refusal::Redirect {
        uri: request.redirect_uri.clone(),
        state: request.state.clone(),
        error,
        description,
    };
    // The user must be assigned to the app, and (custom server) allowed by its access policy.
    let allowed: Result<Owner, Refusal> = custom_as::find_active_client(&org, &request.client_id)
        .ok_or_else(|| back("access_denied", "The client is no longer active.".to_owned()))
        .and_then(|app| custom_as::owner(&org, app, user_id).map_err(|e| back(e.error, e.description)))
        .and_then(|owner| match &request.server {
            Some(id) => custom_as::matching_rule(
                &org,
                id,
                &request.client_id,
                "authorization_code",
                &request.scopes,
                Some(&owner),
            )
            .map(|_| owner)
            .map_err(|e| back(e.error, e.description)),
            None => Ok(owner),
        });
    if let Err(r) = allowed {
        return refuse(r);
    }
    let code = ids::unpredictable(43);
    let mut pairs = vec![("code", code.as_str())];
    if let Some(s) = &request.state {
        pairs.push(("state", s.as_str()));
    }
    let Some(to) = with_query(&request.redirect_uri, &pairs) else {
        return error_page(StatusCode::BAD_REQUEST, "The redirect URI is not absolute.");
    };
    let grant =
        CodeGrant { request, user_id: user_id.clone(), auth_time: st.now_epoch(), expires: Instant::now() + CODE_TTL };
    org.signin.codes.insert(code, grant);
    redirect(&to)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_redirects_match_any_port() {
        let reg = "http://127.0.0.1/oauth/callback";
        assert!(redirect_matches(reg, "http://127.0.0.1/oauth/callback"));
        assert!(redirect_matches(reg, "http://127.0.0.1:53127/oauth/callback"));
        assert!(!redirect_matches(reg, "http://127.0.0.1:53127/oauth/other"));
        assert!(!redirect_matches(reg, "http://localhost:53127/oauth/callback"), "the host is kept");
        assert!(!redirect_matches(reg, "https://127.0.0.1:53127/oauth/callback"));
        assert!(redirect_matches("http://localhost/oauth/callback", "http://localhost:8080/oauth/callback"));
        assert!(
            !redirect_matches("http://localhost:9000/cb", "http://localhost:8080/cb"),
            "a registered port is exact"
        );
        assert!(!redirect_matches("https://app.example.com/cb", "https://app.example.com:444/cb"));
        assert!(redirect_matches("https://app.example.com/cb", "https://app.example.com/cb"));
    }

    #[test]
    fn pages_escape_what_they_show() {
        assert_eq!(escape("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
    }
}
