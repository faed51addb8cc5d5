//! DNS rebinding protection for every HTTP route: the `Host` must be one this server answers to, and a browser's
//! `Origin`, when there is one, must be allowed. A page on another site cannot drive the server through a
//! person's browser, and a name that re-resolves to this machine does not reach it.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The hosts and origins one server accepts.
#[derive(Debug, Clone)]
pub struct Guard {
    /// Lower-case host names or `host:port` authorities.
    pub hosts: Vec<String>,
    /// Origins (`scheme://host[:port]`, lower case); a request with another `Origin` header is refused.
    pub origins: Vec<String>,
}

impl Guard {
    fn host_ok(&self, headers: &HeaderMap, authority: Option<&str>) -> bool {
        // HTTP/2 carries the host in `:authority` (the request URI's) rather than a Host header.
        let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()).or(authority) else { return false };
        let host = host.trim().to_ascii_lowercase();
        let name = match host.strip_prefix('[') {
            Some(v6) => v6.split(']').next().unwrap_or_default().to_owned(),
            None => host.rsplit_once(':').map_or(host.as_str(), |(name, _)| name).to_owned(),
        };
        self.hosts.iter().any(|allowed| *allowed == host || *allowed == name)
    }

    fn origin_ok(&self, headers: &HeaderMap) -> bool {
        match headers.get(header::ORIGIN) {
            None => true,
            Some(origin) => origin.to_str().is_ok_and(|o| {
                self.origins.iter().any(|allowed| allowed.eq_ignore_ascii_case(o.trim_end_matches('/')))
            }),
        }
    }

    /// Why a request's `Host` is refused, if it is.
    pub fn check_host(&self, headers: &HeaderMap, authority: Option<&str>) -> Result<(), &'static str> {
        if !self.host_ok(headers, authority) {
            return Err("Host not allowed (set OKTA_MCP_ALLOWED_HOSTS to the names clients use)");
        }
        Ok(())
    }

    /// Why a request is refused, if it is.
    pub fn check(&self, headers: &HeaderMap, authority: Option<&str>) -> Result<(), &'static str> {
        self.check_host(headers, authority)?;
        if !self.origin_ok(headers) {
            return Err("Origin not allowed (set OKTA_MCP_ALLOWED_ORIGINS for browser clients)");
        }
        Ok(())
    }
}

/// Operational endpoints (`/healthz`, `/readyz`, `/metrics`): orchestrators and scrapers reach them by the
/// instance's own address, so the `Host` is not checked there; they hold nothing a rebinding attack could use.
/// A browser's foreign `Origin` is still refused.
pub const OPERATIONAL: [&str; 3] = ["/healthz", "/readyz", "/metrics"];

/// The authorization endpoints a browser-based MCP client calls from its own page (metadata, registration,
/// token, revocation): any `Origin` may call them (CORS, `*`). They carry no cookie or other ambient credential,
/// so another site gains nothing by calling them; the `Host` is still checked. `/authorize` and `/mcp` are not
/// among them.
fn cross_origin(path: &str) -> bool {
    matches!(path, "/.well-known/oauth-authorization-server" | "/register" | "/token" | "/revoke")
        || path == "/.well-known/oauth-protected-resource"
        || path.starts_with("/.well-known/oauth-protected-resource/")
}

fn allow_any_origin(response: &mut Response) {
    let headers = response.headers_mut();
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    headers.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static("GET, POST, OPTIONS"));
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("authorization, content-type, mcp-protocol-version"),
    );
    headers.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("600"));
}

/// The middleware in front of every route.
pub async fn check(State(guard): State<Arc<Guard>>, request: Request, next: Next) -> Response {
    if cross_origin(request.uri().path()) {
        if let Err(why) = guard.check_host(request.headers(), request.uri().authority().map(|a| a.as_str())) {
            return (StatusCode::FORBIDDEN, why).into_response();
        }
        let mut response = if request.method() == axum::http::Method::OPTIONS {
            StatusCode::NO_CONTENT.into_response()
        } else {
            next.run(request).await
        };
        allow_any_origin(&mut response);
        return response;
    }
    let checked = if OPERATIONAL.contains(&request.uri().path()) {
        if guard.origin_ok(request.headers()) { Ok(()) } else { Err("Origin not allowed") }
    } else {
        guard.check(request.headers(), request.uri().authority().map(|a| a.as_str()))
    };
    match checked {
        Ok(()) => next.run(request).await,
        Err(why) => {
            tracing::warn!(
                host = request.headers().get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or(""),
                origin = request.headers().get(header::ORIGIN).and_then(|h| h.to_str().ok()).unwrap_or(""),
                "refused: {why}"
            );
            (StatusCode::FORBIDDEN, why).into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_authorization_json_endpoints_are_cross_origin() {
        for path in [
            "/token",
            "/register",
            "/revoke",
            "/.well-known/oauth-authorization-server",
            "/.well-known/oauth-protected-resource",
            "/.well-known/oauth-protected-resource/mcp",
        ] {
            assert!(cross_origin(path), "{path}");
        }
        for path in ["/mcp", "/authorize", "/oauth/callback", "/metrics", "/.well-known/oauth-protected-resourcex"] {
            assert!(!cross_origin(path), "{path}");
        }
    }

    fn headers(host: Option<&'static str>, origin: Option<&'static str>) -> HeaderMap {
        let mut h = HeaderMap::new();
        if let Some(host) = host {
            h.insert(header::HOST, HeaderValue::from_static(host));
        }
        if let Some(origin) = origin {
            h.insert(header::ORIGIN, HeaderValue::from_static(origin));
        }
        h
    }

    impl Guard {
        fn check_for_test(&self, headers: &HeaderMap) -> Result<(), &'static str> {
            self.check(headers, None)
        }
    }

    #[test]
    fn hosts_and_origins_are_checked() {
        let guard = Guard {
            hosts: vec!["127.0.0.1".into(), "localhost".into(), "::1".into(), "mcp.example.com:8443".into()],
            origins: vec!["https://mcp.example.com:8443".into()],
        };
        assert!(guard.check_for_test(&headers(Some("127.0.0.1:8080"), None)).is_ok());
        assert!(guard.check_for_test(&headers(Some("LOCALHOST"), None)).is_ok());
        assert!(guard.check_for_test(&headers(Some("[::1]:8080"), None)).is_ok());
        assert!(
            guard.check_for_test(&headers(Some("mcp.example.com:8443"), Some("https://mcp.example.com:8443"))).is_ok()
        );
        assert!(guard.check_for_test(&headers(Some("mcp.example.com"), None)).is_err(), "port must match when given");
        assert!(guard.check_for_test(&headers(Some("evil.example"), None)).is_err());
        assert!(guard.check_for_test(&headers(None, None)).is_err());
        assert!(guard.check_for_test(&headers(Some("127.0.0.1:8080"), Some("https://evil.example"))).is_err());
        assert!(guard.check_for_test(&headers(Some("127.0.0.1:8080"), Some("null"))).is_err());
        // HTTP/2: the authority instead of a Host header.
        assert!(guard.check(&headers(None, None), Some("mcp.example.com:8443")).is_ok());
        assert!(guard.check(&headers(None, None), Some("evil.example")).is_err());
    }
}
