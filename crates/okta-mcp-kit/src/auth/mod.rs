//! Inbound auth over HTTP: the server as an OAuth 2.0 protected resource (the MCP authorization spec's resource
//! server). Tokens come from an Okta custom authorization server (`OKTA_MCP_AUTH_ISSUER`) and are validated here
//! (see `token`); the server publishes where to get one (see `metadata`); the token's groups claim decides the
//! person's roles and so their tools (see `roles`); the person rides along with each MCP request (see `caller`).
//!
//! An inbound token is never sent on to Okta: the server calls Okta's API with its own service-app credentials,
//! and what a person may do there is what their role's tools do.
//!
//! With `--sign-in` (see `signin`) the server is also its own authorization server: people sign in at Okta
//! through it, and the tokens on `/mcp` are this server's own; in delegated mode (`--delegated`) those carry the
//! person's Okta access token, and the server calls Okta as them.

pub mod caller;
pub mod metadata;
pub mod roles;
pub mod signin;
pub mod token;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;
use url::Url;

use crate::catalog::ToolDef;
use crate::selection::Selection;
pub use caller::Caller;
use roles::Roles;
use token::{Rejection, TokenValidator};

/// Where the tokens on `/mcp` come from.
#[derive(Debug)]
pub enum TokenSource {
    /// An Okta custom authorization server (resource-server mode).
    Okta(Box<TokenValidator>),
    /// This server itself, people signing in at Okta through it (`--sign-in`).
    SignIn(Arc<signin::SignIn>),
}

impl TokenSource {
    /// The authorization server the metadata names.
    pub fn issuer(&self) -> &str {
        match self {
            TokenSource::Okta(validator) => validator.issuer(),
            TokenSource::SignIn(signin) => &signin.issuer,
        }
    }

    pub fn scope(&self) -> Option<&str> {
        match self {
            TokenSource::Okta(validator) => validator.scope(),
            TokenSource::SignIn(_) => Some(signin::SCOPE),
        }
    }

    pub async fn validate(&self, token: &str) -> Result<token::Claims, Rejection> {
        match self {
            TokenSource::Okta(validator) => validator.validate(token).await,
            TokenSource::SignIn(signin) => signin.validate(token).await,
        }
    }

    /// Can tokens be checked (`/readyz`): the issuer's keys, or Okta's sign-in discovery.
    pub async fn ready(&self) -> Result<(), String> {
        match self {
            TokenSource::Okta(validator) => validator.ready().await,
            TokenSource::SignIn(signin) => signin.ready().await,
        }
    }

    /// Delegated mode: people's own Okta tokens, no credential of the server's own.
    pub fn delegated(&self) -> bool {
        matches!(self, TokenSource::SignIn(signin) if signin.delegated)
    }

    pub fn signin(&self) -> Option<&Arc<signin::SignIn>> {
        match self {
            TokenSource::SignIn(signin) => Some(signin),
            TokenSource::Okta(_) => None,
        }
    }
}

/// The role every signed-in person has in delegated mode without a roles file.
pub const SIGNED_IN_ROLE: &str = "signed-in";

/// The inbound auth of one server.
#[derive(Debug)]
pub struct InboundAuth {
    /// This server's resource URL (the tokens' audience unless told otherwise).
    pub resource: Url,
    pub source: TokenSource,
    /// Groups to roles; in delegated mode optional (without it, every signed-in person gets every enabled tool).
    pub roles: Option<Roles>,
    server: &'static str,
    tools: Vec<ToolDef>,
    selection: Selection,
    /// With `--http-sessions`: who opened each session (its id → their subject), so nobody else can use it.
    sessions: Mutex<HashMap<String, (String, Instant)>>,
}

/// How long a session's owner is remembered (rmcp drops idle sessions long before).
const SESSION_MEMORY: Duration = Duration::from_secs(24 * 3600);
const SESSION_HEADER: &str = "mcp-session-id";

impl InboundAuth {
    pub fn new(
        resource: Url,
        source: TokenSource,
        roles: Option<Roles>,
        server: &'static str,
        tools: Vec<ToolDef>,
        selection: Selection,
    ) -> Self {
        InboundAuth { resource, source, roles, server, tools, selection, sessions: Mutex::default() }
    }

    /// The RFC 9728 metadata document.
    pub fn metadata(&self) -> serde_json::Value {
        metadata::document(&self.resource, self.source.issuer(), self.source.scope(), self.server)
    }

    fn challenge(&self, error: Option<(&str, &str)>) -> HeaderValue {
        let value = metadata::challenge(&self.resource, self.source.scope(), error);
        HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static("Bearer"))
    }

    fn refusal(&self, rejection: &Rejection) -> Response {
        let (status, code) = match rejection {
            Rejection::Missing => (StatusCode::UNAUTHORIZED, None),
            Rejection::Invalid(_) => (StatusCode::UNAUTHORIZED, Some("invalid_token")),
            Rejection::Scope(_) => (StatusCode::FORBIDDEN, Some("insufficient_scope")),
            Rejection::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, Some("temporarily_unavailable")),
        };
        let description = rejection.to_string();
        crate::metrics::auth_rejected(code.unwrap_or("missing_token"));
        let body = json!({"error": code.unwrap_or("unauthorized"), "error_description": description});
        let mut response = (status, axum::Json(body)).into_response();
        if status != StatusCode::SERVICE_UNAVAILABLE {
            let challenge = self.challenge(code.map(|c| (c, description.as_str())));
            response.headers_mut().insert(header::WWW_AUTHENTICATE, challenge);
        }
        response
    }

    /// The caller named by a request's bearer token, or the response that refuses the request.
    pub async fn authenticate(&self, headers: &HeaderMap) -> Result<Caller, Response> {
        let token = bearer(headers).ok_or_else(|| self.refusal(&Rejection::Missing))?;
        let claims = self.source.validate(token).await.map_err(|r| self.refusal(&r))?;
        let grant = match &self.roles {
            Some(roles) => roles.grant(&claims.groups, &self.tools, &self.selection),
            None => roles::Grant {
                roles: vec![SIGNED_IN_ROLE.to_owned()],
                tools: self.tools.iter().filter(|t| self.selection.enabled(t)).map(|t| t.meta.name).collect(),
            },
        };
        if grant.roles.is_empty() {
            let (claim, described) = self.roles.as_ref().map(|r| (r.claim.as_str(), r.describe())).unwrap_or_default();
            crate::metrics::auth_rejected("no_role");
            tracing::warn!(person = %claims.name, "refused: no role on this server for the token's groups");
            // Which groups give which role stays in the log: the person is told what to ask for, not the map.
            tracing::info!(
                "{} has no role: the `{}` claim holds {:?}; roles: {}",
                claims.name,
                claim,
                claims.groups,
                described
            );
            let message = format!(
                "{} has no role on {}: none of your Okta groups is given one. Ask an Okta administrator which \
                 group gives the access you need.",
                claims.name, self.server
            );
            let body = json!({"error": "access_denied", "error_description": message});
            return Err((StatusCode::FORBIDDEN, axum::Json(body)).into_response());
        }
        Ok(Caller {
            subject: claims.subject,
            name: claims.name,
            client_id: claims.client_id,
            roles: grant.roles,
            tools: Arc::new(grant.tools),
            okta_token: claims.okta_token,
        })
    }
}

/// Is the URL's host a loopback name or address (`localhost`, 127.0.0.0/8, `::1`)?
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// The token of an `Authorization: Bearer …` header.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

impl InboundAuth {
    /// A session belongs to whoever opened it: anyone else naming its id is told it does not exist.
    fn session_is_theirs(&self, headers: &HeaderMap, subject: &str) -> bool {
        let Some(id) = headers.get(SESSION_HEADER).and_then(|v| v.to_str().ok()) else { return true };
        let sessions = self.sessions.lock().unwrap_or_else(PoisonError::into_inner);
        sessions.get(id).is_none_or(|(owner, _)| owner == subject)
    }

    fn remember_session(&self, response: &Response, subject: &str) {
        let Some(id) = response.headers().get(SESSION_HEADER).and_then(|v| v.to_str().ok()) else { return };
        let mut sessions = self.sessions.lock().unwrap_or_else(PoisonError::into_inner);
        sessions.retain(|_, (_, at)| at.elapsed() < SESSION_MEMORY);
        sessions.entry(id.to_owned()).or_insert_with(|| (subject.to_owned(), Instant::now()));
    }
}

/// The middleware in front of `/mcp`: no valid token, no MCP; and a session only for whoever opened it.
pub async fn require_token(State(auth): State<Arc<InboundAuth>>, mut request: Request, next: Next) -> Response {
    match auth.authenticate(request.headers()).await {
        Ok(caller) => {
            if !auth.session_is_theirs(request.headers(), &caller.subject) {
                crate::metrics::auth_rejected("foreign_session");
                tracing::warn!(person = %caller.name, "refused: a session another person opened");
                return (StatusCode::NOT_FOUND, "Not Found: Session not found").into_response();
            }
            let subject = caller.subject.clone();
            request.extensions_mut().insert(caller);
            let response = next.run(request).await;
            auth.remember_session(&response, &subject);
            response
        }
        Err(refusal) => refusal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_tokens_are_read_strictly() {
        let mut headers = HeaderMap::new();
        assert_eq!(bearer(&headers), None);
        for (value, token) in [
            ("Bearer abc", Some("abc")),
            ("bearer abc", Some("abc")),
            ("Bearer ", None),
            ("Basic abc", None),
            ("DPoP abc", None),
            ("Bearerabc", None),
        ] {
            headers.insert(header::AUTHORIZATION, HeaderValue::from_static(value));
            assert_eq!(bearer(&headers), token, "{value}");
        }
    }
}
