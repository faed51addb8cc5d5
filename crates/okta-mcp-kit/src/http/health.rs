//! `/healthz`: the process is up. `/readyz`: it can serve: Okta is reachable and a token obtainable (OAuth), and
//! with inbound auth, the issuer's signing keys are known; with sign-in, Okta's discovery document and keys (in
//! delegated mode only those: the server has no credential of its own to try). When not ready, the answer names the part (`okta`,
//! `inbound auth`) and the log says why. Readiness is remembered for five seconds, so frequent
//! probes do not become Okta traffic.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;
use tokio::sync::Mutex;

use crate::auth::InboundAuth;
use crate::server::McpServer;

const REMEMBER: Duration = Duration::from_secs(5);

/// A readiness check and when it was made.
type Checked = (Instant, Result<(), String>);

/// What `/readyz` checks.
#[derive(Clone)]
pub struct Readiness {
    server: McpServer,
    auth: Option<Arc<InboundAuth>>,
    last: Arc<Mutex<Option<Checked>>>,
}

impl std::fmt::Debug for Readiness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Readiness").finish_non_exhaustive()
    }
}

impl Readiness {
    pub fn new(server: McpServer, auth: Option<Arc<InboundAuth>>) -> Self {
        Readiness { server, auth, last: Arc::default() }
    }

    async fn check(&self) -> Result<(), String> {
        let mut last = self.last.lock().await;
        if let Some((at, result)) = last.as_ref()
            && at.elapsed() < REMEMBER
        {
            return result.clone();
        }
        // Probes get what is not ready; the log gets why (Okta's answers are not for whoever can reach /readyz).
        // Delegated mode has no credential of its own to try: people's tokens are checked by Okta on each call.
        let delegated = self.auth.as_ref().is_some_and(|a| a.source.delegated());
        let mut result = if delegated { Ok(()) } else { self.server.readiness().await.map_err(|e| ("okta", e)) };
        if result.is_ok()
            && let Some(auth) = &self.auth
        {
            let part = if auth.source.signin().is_some() { "sign-in" } else { "inbound auth" };
            result = auth.source.ready().await.map_err(|e| (part, e));
        }
        let result = result.map_err(|(what, why)| {
            tracing::warn!("not ready: {why}");
            what.to_owned()
        });
        *last = Some((Instant::now(), result.clone()));
        result
    }
}

pub async fn healthz() -> Response {
    axum::Json(json!({"status": "ok"})).into_response()
}

pub async fn readyz(State(readiness): State<Readiness>) -> Response {
    match readiness.check().await {
        Ok(()) => axum::Json(json!({"status": "ready"})).into_response(),
        Err(why) => (StatusCode::SERVICE_UNAVAILABLE, axum::Json(json!({"status": "not ready", "waiting_for": why})))
            .into_response(),
    }
}
