//! Sign-in (`--sign-in`): the server as its own MCP authorization server, with the person's sign-in delegated to
//! Okta. MCP clients that only connect to servers whose authorization server lets them register themselves
//! (which Okta does not offer anonymous clients) can then connect:
//!
//! 1. The client reads the protected-resource metadata (its `authorization_servers` names this server's public
//!    origin) and this server's RFC 8414 metadata (`metadata`), registers (RFC 7591, or names a client ID
//!    metadata document: `clients`), and opens `/authorize` in the person's browser.
//! 2. The person sees the consent page (`pages`), allows, signs in at Okta (`upstream`), and comes back to
//!    `/oauth/callback`, where the ID token says who they are and their groups (`flow`).
//! 3. The client gets this server's own authorization code, exchanges it at `/token` (PKCE S256) for this
//!    server's own access and refresh tokens (`tokens`), and calls `/mcp` with them.
//!
//! Nothing is stored but single-use marks (used codes and refresh tokens, revoked grants: the audit log's spent
//! set, shared by replicas): registrations, transactions, codes and tokens are sealed (`seal`) with keys derived
//! from `OKTA_MCP_STATE_KEY`, so any replica can finish what another started.
//!
//! In delegated mode (`--delegated`) the person's Okta tokens ride sealed in their grant, and each MCP request
//! carries their Okta access token so the server calls Okta as them.

pub mod clients;
pub mod flow;
pub mod metadata;
pub mod pages;
pub mod seal;
pub mod tokens;
pub mod upstream;

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use okta_core::Secret;
use url::Url;

use crate::audit::{AuditLog, AuditTarget};
use clients::Clients;
use seal::Sealer;
use upstream::Upstream;

/// How long an access token of ours lasts.
pub const ACCESS_TTL_SECS: i64 = 15 * 60;
/// How long a grant lasts from sign-in (its refresh tokens rotate within it; then the person signs in again, and
/// their groups are read again).
pub const GRANT_TTL_SECS: i64 = 8 * 3600;
/// How long our authorization code lasts.
pub const CODE_TTL_SECS: i64 = 60;
/// How long a person has from the consent page through Okta's sign-in.
pub const TRANSACTION_TTL_SECS: i64 = 10 * 60;
/// The scope our tokens carry.
pub const SCOPE: &str = "mcp";
/// Where Okta sends the browser back.
pub const CALLBACK_PATH: &str = "/oauth/callback";

/// What sign-in is configured with (its `Debug` leaves out the state key).
pub struct SignInConfig {
    /// The `/mcp` URL (the tokens' audience).
    pub resource: Url,
    pub server: &'static str,
    pub delegated: bool,
    /// The Okta authorization server people sign in at.
    pub oidc_issuer: String,
    pub oidc_client_id: String,
    pub oidc_client_secret: Secret,
    /// Asked for at Okta.
    pub oidc_scopes: Vec<String>,
    /// The ID token claim with the person's groups.
    pub groups_claim: String,
    /// `OKTA_MCP_STATE_KEY`.
    pub state_key: Vec<u8>,
    /// The spent set (audit log) for single-use codes, rotated refresh tokens and revocations.
    pub spent: Arc<Spent>,
    /// What a client will be able to do, for the consent page.
    pub abilities: Vec<String>,
}

impl std::fmt::Debug for SignInConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignInConfig")
            .field("resource", &self.resource.as_str())
            .field("delegated", &self.delegated)
            .field("oidc_issuer", &self.oidc_issuer)
            .field("oidc_client_id", &self.oidc_client_id)
            .finish_non_exhaustive()
    }
}

/// The sealing keys, one per purpose.
#[derive(Debug)]
pub(crate) struct Keys {
    pub transaction: Sealer,
    pub pending: Sealer,
    pub code: Sealer,
    pub access: Sealer,
    pub refresh: Sealer,
}

/// The authorization server.
#[derive(Debug)]
pub struct SignIn {
    /// Our issuer: the public origin (`https://mcp.example.com`).
    pub issuer: String,
    pub resource: Url,
    pub server: &'static str,
    pub delegated: bool,
    pub(crate) keys: Keys,
    pub clients: Clients,
    pub upstream: Upstream,
    pub(crate) spent: Arc<Spent>,
    pub(crate) abilities: Vec<String>,
    /// Cookies get `Secure` (and the `__Host-` prefix) when the public URL is https.
    pub(crate) secure: bool,
}

impl SignIn {
    pub fn new(config: SignInConfig) -> Result<Self, String> {
        let SignInConfig {
            resource,
            server,
            delegated,
            oidc_issuer,
            oidc_client_id,
            oidc_client_secret,
            oidc_scopes,
            groups_claim,
            state_key,
            spent,
            abilities,
        } = config;
        if state_key.len() < 32 {
            return Err("sign-in needs OKTA_MCP_STATE_KEY (32+ bytes; the same on every replica)".to_owned());
        }
        let issuer = resource.origin().ascii_serialization();
        if issuer == "null" {
            return Err(format!("the public URL {resource} has no origin"));
        }
        let context = resource.as_str();
        let sealer = |purpose: &str, prefix: &'static str| Sealer::new(&state_key, purpose, prefix, context);
        let keys = Keys {
            transaction: sealer("transaction", "")?,
            pending: sealer("pending", "")?,
            code: sealer("code", "mcp_code_")?,
            access: sealer("access", "mcp_at_")?,
            refresh: sealer("refresh", "mcp_rt_")?,
        };
        let local = clients::is_loopback(&resource);
        let clients = Clients::new(sealer("client", "mcp_client_")?, local)?;
        let upstream = Upstream::new(&oidc_issuer, &oidc_client_id, oidc_client_secret, oidc_scopes, &groups_claim)?;
        Ok(SignIn {
            secure: resource.scheme() == "https",
            issuer,
            resource,
            server,
            delegated,
            keys,
            clients,
            upstream,
            spent,
            abilities,
        })
    }

    /// The RFC 8414 document.
    pub fn metadata(&self) -> serde_json::Value {
        metadata::document(&self.issuer, &[SCOPE])
    }

    /// Where Okta sends the browser back.
    pub fn callback_url(&self) -> String {
        format!("{}{CALLBACK_PATH}", self.issuer)
    }

    /// Is Okta's sign-in reachable (`/readyz`, `doctor`)?
    pub async fn ready(&self) -> Result<(), String> {
        self.upstream.ready().await
    }

    /// The routes of the authorization server (behind the same Host/Origin guard as every route).
    pub fn routes(self: &Arc<Self>) -> Router {
        let metadata = self.clone();
        Router::new()
            .route(
                "/.well-known/oauth-authorization-server",
                get(move || async move { axum::Json(metadata.metadata()) }),
            )
            .route("/register", post(flow::register))
            .route("/authorize", get(flow::authorize).post(flow::decide))
            .route(CALLBACK_PATH, get(flow::callback))
            .route("/token", post(tokens::token))
            .route("/revoke", post(tokens::revoke))
            .with_state(self.clone())
    }
}

/// The spent set of the audit log (SQLite file, or PostgreSQL shared by replicas), opened on first use; a failed
/// open is tried again at the next use.
#[derive(Debug)]
pub struct Spent {
    target: AuditTarget,
    log: std::sync::OnceLock<AuditLog>,
}

impl Spent {
    pub fn new(target: AuditTarget) -> Self {
        Spent { target, log: std::sync::OnceLock::new() }
    }

    fn log(&self) -> Result<&AuditLog, String> {
        if let Some(log) = self.log.get() {
            return Ok(log);
        }
        let log = AuditLog::open(&self.target)?;
        Ok(self.log.get_or_init(|| log))
    }

    /// Mark `id` used until `expires`; false when it already was.
    pub async fn spend(&self, id: &str, expires: i64) -> Result<bool, String> {
        self.log()?.spend(&seal::sha256(id), expires).await
    }

    pub async fn is_spent(&self, id: &str) -> Result<bool, String> {
        self.log()?.is_spent(&seal::sha256(id)).await
    }
}

/// The id of a revoked grant in the spent set.
pub(crate) fn revoked_id(grant: &str) -> String {
    format!("signin:grant:{grant}")
}
