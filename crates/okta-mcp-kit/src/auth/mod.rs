//! Inbound auth over HTTP: the server as an OAuth 2.0 protected resource (the MCP authorization spec's resource
//! server). Tokens come from an Okta custom authorization server (`OKTA_MCP_AUTH_ISSUER`) and are validated here
//! (see `token`); the server publishes where to get one (see `metadata`); the token's groups claim decides the
//! person's roles and so their tools (see `roles`); the person rides along with each MCP request (see `caller`).
//!
//! An inbound token is never sent on to Okta: the server calls Okta's API with its own service-app credentials,
//! and what a person may do there is what their role's tools do.

pub mod caller;
pub mod metadata;
pub mod roles;
pub mod token;

use std::sync::Arc;

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

/// The inbound auth of one server.
#[derive(Debug)]
pub struct InboundAuth {
    /// This server's resource URL (the tokens' audience unless told otherwise).
    pub resource: Url,
    pub validator: TokenValidator,
    pub roles: Roles,
    server: &'static str,
    tools: Vec<ToolDef>,
    selection: Selection,
}

impl InboundAuth {
    pub fn new(
        resource: Url,
        validator: TokenValidator,
        roles: Roles,
        server: &'static str,
        tools: Vec<ToolDef>,
        selection: Selection,
    ) -> Self {
        InboundAuth { resource, validator, roles, server, tools, selection }
    }

    /// The RFC 9728 metadata document.
    pub fn metadata(&self) -> serde_json::Value {
        metadata::document(&self.resource, self.validator.issuer(), self.validator.scope(), self.server)
    }

    fn challenge(&self, error: Option<(&str, &str)>) -> HeaderValue {
        let value = metadata::challenge(&self.resource, self.validator.scope(), error);
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
        let claims = self.validator.validate(token).await.map_err(|r| self.refusal(&r))?;
        let grant = self.roles.grant(&claims.groups, &self.tools, &self.selection);
        if grant.roles.is_empty() {
            crate::metrics::auth_rejected("no_role");
            tracing::warn!(person = %claims.name, "refused: no role on this server for the token's groups");
            let message = format!(
                "{} has no role on {}: the token's `{}` claim names no group that a role is given to (roles: {}). \
                 Ask an Okta administrator to add you to one of those groups.",
                claims.name,
                self.server,
                self.roles.claim,
                self.roles.describe()
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
        })
    }
}

/// The token of an `Authorization: Bearer …` header.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// The middleware in front of `/mcp`: no valid token, no MCP.
pub async fn require_token(State(auth): State<Arc<InboundAuth>>, mut request: Request, next: Next) -> Response {
    match auth.authenticate(request.headers()).await {
        Ok(caller) => {
            request.extensions_mut().insert(caller);
            next.run(request).await
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
