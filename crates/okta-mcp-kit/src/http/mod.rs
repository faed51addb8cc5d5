//! The HTTP transport (`--transport http`): MCP streamable HTTP at `/mcp` (rmcp's server, stateless by default so
//! any number of replicas can sit behind a load balancer), `/healthz` and `/readyz` for orchestrators, `/metrics`
//! for Prometheus, and, with inbound auth, the RFC 9728 protected-resource metadata; with sign-in, the
//! authorization server's routes (`/.well-known/oauth-authorization-server`, `/register`, `/authorize`,
//! `/oauth/callback`, `/token`, `/revoke`).
//!
//! Safe by default: it binds loopback unless told otherwise and refuses a non-loopback address without inbound
//! auth; every route checks `Host` and `Origin` (see `guard`); request bodies are capped at 1 MiB and each request
//! gets a time limit, headers included; TLS is terminated here when given a certificate (rustls), or by a proxy
//! in front. SIGTERM or Ctrl-C stops accepting connections and lets calls in flight finish.

pub mod guard;
pub mod health;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use url::Url;

use crate::auth::InboundAuth;
use crate::server::McpServer;

/// Largest request body accepted.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// How long calls in flight get to finish after SIGTERM.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);
/// The MCP endpoint's path.
pub const MCP_PATH: &str = "/mcp";

/// How the HTTP transport is set up.
#[derive(Debug, Clone)]
pub struct HttpOptions {
    pub listen: SocketAddr,
    /// The URL clients use for `/mcp` (the tokens' audience); None: `http(s)://<listen>/mcp`.
    pub public_url: Option<Url>,
    /// Extra `Host` names accepted (beyond loopback names and the public URL's host).
    pub allowed_hosts: Vec<String>,
    /// Browser origins accepted (beyond the public URL's own origin).
    pub allowed_origins: Vec<String>,
    /// PEM certificate chain and private key: serve HTTPS.
    pub tls: Option<(PathBuf, PathBuf)>,
    /// Keep sessions for clients of protocol versions before 2026-07-28 (needed for their elicitation); one
    /// replica, or sticky sessions, only.
    pub sessions: bool,
    /// Time limit of one request (to the first byte of its answer).
    pub request_timeout: Duration,
}

/// The public URL when none is configured.
pub fn default_public_url(addr: SocketAddr, tls: bool) -> Result<Url, String> {
    let scheme = if tls { "https" } else { "http" };
    let url = format!("{scheme}://{addr}{MCP_PATH}");
    Url::parse(&url).map_err(|e| format!("{url}: {e}"))
}

fn origin_of(url: &Url) -> String {
    url.origin().ascii_serialization().to_ascii_lowercase()
}

fn guard_for(options: &HttpOptions, public: &Url) -> guard::Guard {
    let mut hosts: Vec<String> = ["localhost", "127.0.0.1", "::1"].into_iter().map(str::to_owned).collect();
    if let Some(host) = public.host_str() {
        hosts.push(host.trim_start_matches('[').trim_end_matches(']').to_ascii_lowercase());
    }
    hosts.extend(options.allowed_hosts.iter().map(|h| h.trim().to_ascii_lowercase()).filter(|h| !h.is_empty()));
    let mut origins = vec![origin_of(public)];
    origins.extend(
        options
            .allowed_origins
            .iter()
            .map(|o| o.trim().trim_end_matches('/').to_ascii_lowercase())
            .filter(|o| !o.is_empty()),
    );
    guard::Guard { hosts, origins }
}

/// Each request's time limit, to the first byte of its answer.
async fn time_limit(State(limit): State<Duration>, request: Request, next: Next) -> Response {
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => (StatusCode::GATEWAY_TIMEOUT, "the request took too long").into_response(),
    }
}

async fn metrics() -> Response {
    ([(header::CONTENT_TYPE, "application/openmetrics-text; version=1.0.0; charset=utf-8")], crate::metrics::render())
        .into_response()
}

/// The routes of a server.
pub fn router(server: McpServer, options: &HttpOptions, public: &Url, auth: Option<Arc<InboundAuth>>) -> Router {
    let guard = Arc::new(guard_for(options, public));
    let mut config = StreamableHttpServerConfig::default()
        .with_legacy_session_mode(options.sessions)
        .with_json_response(!options.sessions)
        .with_max_request_body_bytes(MAX_BODY_BYTES)
        // Checked for every route by `guard` (the same lists).
        .disable_allowed_hosts()
        .disable_allowed_origins();
    config.sse_keep_alive = Some(Duration::from_secs(15));
    let mcp_server = server.clone();
    let mcp =
        StreamableHttpService::new(move || Ok(mcp_server.clone()), Arc::new(LocalSessionManager::default()), config);
    let mut mcp_routes = Router::new().route_service(MCP_PATH, mcp);
    let mut routes = Router::new();
    if let Some(auth) = &auth {
        mcp_routes = mcp_routes.layer(middleware::from_fn_with_state(auth.clone(), crate::auth::require_token));
        for path in crate::auth::metadata::metadata_paths(&auth.resource) {
            let auth = auth.clone();
            routes = routes.route(&path, get(move || async move { axum::Json(auth.metadata()) }));
        }
        if let Some(signin) = auth.source.signin() {
            routes = routes.merge(signin.routes());
        }
    }
    let ready = health::Readiness::new(server, auth);
    routes
        .merge(mcp_routes.layer(middleware::from_fn_with_state(options.request_timeout, time_limit)))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz).with_state(ready))
        .route("/metrics", get(metrics))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn_with_state(guard, guard::check))
}

/// Serve until SIGTERM or Ctrl-C, then let calls in flight finish.
pub async fn serve(server: McpServer, options: HttpOptions, auth: Option<Arc<InboundAuth>>) -> Result<(), String> {
    if !options.listen.ip().is_loopback() && auth.is_none() {
        return Err(format!(
            "refusing to listen on {} without inbound auth: anyone who can reach it could use this server's Okta \
             credentials. Set OKTA_MCP_AUTH_ISSUER and OKTA_MCP_ROLES (see --help), or listen on loopback \
             (127.0.0.1) behind your own authenticating proxy",
            options.listen
        ));
    }
    let listener = std::net::TcpListener::bind(options.listen)
        .and_then(|l| l.set_nonblocking(true).map(|()| l))
        .map_err(|e| format!("cannot listen on {}: {e}", options.listen))?;
    let bound = listener.local_addr().map_err(|e| format!("cannot listen on {}: {e}", options.listen))?;
    let public = match (&options.public_url, &auth) {
        (Some(url), _) => url.clone(),
        (None, Some(auth)) => auth.resource.clone(),
        (None, None) => default_public_url(bound, options.tls.is_some())?,
    };
    let app = router(server, &options, &public, auth.clone());
    let handle = axum_server::Handle::new();
    tokio::spawn(shutdown_on_signal(handle.clone()));
    let scheme = if options.tls.is_some() { "https" } else { "http" };
    tracing::info!(
        "listening on {scheme}://{bound}{MCP_PATH} (public URL {public}; {}; inbound auth: {})",
        if options.sessions { "sessions kept for clients before 2026-07-28" } else { "stateless" },
        auth.as_ref().map_or_else(
            || "none (loopback only)".to_owned(),
            |a| match a.source.signin() {
                Some(s) => format!(
                    "sign-in at {} through this server ({}){}",
                    s.upstream.issuer,
                    s.issuer,
                    if s.delegated { ", delegated: calls run as the signed-in person" } else { "" }
                ),
                None => format!("tokens from {}", a.source.issuer()),
            }
        )
    );
    let service = app.into_make_service();
    let result = match &options.tls {
        Some((cert, key)) => {
            let tls = axum_server::tls_rustls::RustlsConfig::from_pem_file(cert, key).await.map_err(|e| {
                format!("cannot load the TLS certificate {} and key {}: {e}", cert.display(), key.display())
            })?;
            let mut server = axum_server::tls_rustls::from_tcp_rustls(listener, tls)
                .map_err(|e| format!("cannot listen on {bound}: {e}"))?
                .handle(handle);
            limit_headers(server.http_builder(), options.request_timeout);
            server.serve(service).await
        }
        None => {
            let mut server =
                axum_server::from_tcp(listener).map_err(|e| format!("cannot listen on {bound}: {e}"))?.handle(handle);
            limit_headers(server.http_builder(), options.request_timeout);
            server.serve(service).await
        }
    };
    result.map_err(|e| format!("HTTP server failed: {e}"))?;
    tracing::info!("stopped");
    Ok(())
}

/// Clients get this long to send a request's headers (slow-header attacks hold no connection longer).
fn limit_headers(
    builder: &mut hyper_util::server::conn::auto::Builder<hyper_util::rt::TokioExecutor>,
    limit: Duration,
) {
    builder.http1().timer(hyper_util::rt::TokioTimer::new()).header_read_timeout(limit.min(Duration::from_secs(30)));
}

async fn shutdown_on_signal(handle: axum_server::Handle<SocketAddr>) {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        () = term => {}
    }
    tracing::info!(
        "shutting down: no new connections; calls in flight get up to {} s to finish",
        SHUTDOWN_GRACE.as_secs()
    );
    handle.graceful_shutdown(Some(SHUTDOWN_GRACE));
}
