//! # okta-sandbox: a local Okta org simulator
//!
//! A real axum HTTP server on loopback that answers a subset of Okta's Management API
//! (users, lifecycle, factors, groups, sessions, System Log, role assignments, app links) and the
//! org authorization server's `POST /oauth2/v1/token` (client_credentials + private_key_jwt),
//! with Okta's error bodies, `Link`-header pagination, `X-Rate-Limit-*` headers and 429s. Custom
//! authorization servers serve their metadata, JWKS and token endpoint
//! (`/oauth2/{authorizationServerId}/…`): RS256 JWT access tokens for the password and
//! client_credentials grants, with Okta's claims and the server's groups claims (see the README and
//! `handlers::custom_as`), for [`TEST_CLIENT_ID`] and the seeded users' [`PASSWORD`].
//!
//! Browser sign-in: both the org authorization server (`/oauth2/v1/authorize`, `/oauth2/v1/token`, `/oauth2/v1/keys`,
//! `/.well-known/openid-configuration`) and every custom one serve the authorization code flow with PKCE S256
//! through the sandbox's own sign-in and factor pages (plain HTML forms; the factor code is [`SANDBOX_FACTOR_CODE`]),
//! refresh tokens that rotate, and `/v1/revoke`; the seeded app for it is [`SIGNIN_CLIENT_ID`]. The API takes a
//! person's own access token from the org authorization server and acts as them (`/api/v1/users/me` with
//! `okta.users.read.self`; 403 E0000006 for admin operations), and the governance `/my` operations answer for them.
//!
//! Start it in-process with [`start`] (binds `127.0.0.1:0`) or [`serve`], or run the
//! `okta-sandbox` binary.
//!
//! ## Seeded fixtures (any `--seed`, `--users` ≥ 12)
//!
//! | login | id | status | notes |
//! |---|---|---|---|
//! | alice.active@example.com | `00ualiceactive000001` | ACTIVE | SUPER_ADMIN (`ra1alicesuperadmin01`), 5 ACTIVE factors, 2 sessions, Engineering |
//! | bob.active@example.com | `00ubobactive00000001` | ACTIVE | no factors, no sessions, no roles, Sales |
//! | sam.staged@example.com | `00usamstaged00000001` | STAGED | |
//! | paul.provisioned@example.com | `00upaulprovisioned01` | PROVISIONED | |
//! | rita.recovery@example.com | `00uritarecovery00001` | RECOVERY | |
//! | eddie.expired@example.com | `00ueddieexpired00001` | PASSWORD_EXPIRED | |
//! | lucy.locked@example.com | `00ulucylocked0000001` | LOCKED_OUT | failed sign-ins in the log |
//! | sue.suspended@example.com | `00usuesuspended00001` | SUSPENDED | |
//! | dan.deprovisioned@example.com | `00udandeprovisioned1` | DEPROVISIONED | |
//! | olivia.orgadmin@example.com | `00uoliviaorgadmin001` | ACTIVE | ORG_ADMIN |
//! | henry.helpdesk@example.com | `00uhenryhelpdesk0001` | ACTIVE | HELP_DESK_ADMIN |
//! | carol.finance@example.com | `00ucarolfinance00001` | ACTIVE | Finance; Salesforce System Administrator (governance) |
//!
//! Alice's factors: `smsalice000000000001` (sms), `emfalice000000000001` (email),
//! `ostalice000000000001` (token:software:totp), `opfalice000000000001` (push),
//! `ufsalice000000000001` (question). Her sessions: `102alicesession0000000001` and
//! `102alicesession0000000002`. The factor passcode (and security answer) the sandbox accepts
//! is [`PASSCODE`] (`123456`).
//!
//! Groups: `Everyone` (`00geveryone000000001`, BUILT_IN, all users), `Engineering`
//! (`00gengineering000001`, OKTA_GROUP, includes Alice and Lucy), one OKTA_GROUP per department and
//! team, and 3 APP_GROUPs. Apps: `0oacompanywiki000001` (bookmark, assigned to Everyone),
//! `0oagithub00000000001` (SAML, Engineering), `0oaexpenses000000001` (OIDC, assigned to Alice
//! and Bob directly), `0oamcptestclient0001` ([`TEST_CLIENT_ID`], OIDC web, Everyone), `0oamcpsignin00000001`
//! ([`SIGNIN_CLIENT_ID`], OIDC web, Everyone), and the others (14 in all).

#![forbid(unsafe_code)]

pub mod cursor;
pub mod dpop;
pub mod error;
pub mod filter;
mod handlers;
pub mod ids;
pub mod org;
pub mod ratelimit;
pub mod seed;
mod signing;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::error::ApiError;
use crate::org::{Actor, Org};
use crate::ratelimit::RateLimiter;

/// The passcode (and security question answer) every sandbox factor accepts.
pub const PASSCODE: &str = "123456";

/// The verification code every seeded user's factor accepts on the sandbox's sign-in pages (the factor page after
/// the password at `/oauth2/v1/authorize` and `/oauth2/{authorizationServerId}/v1/authorize`): the same fact as
/// [`PASSCODE`].
pub const SANDBOX_FACTOR_CODE: &str = PASSCODE;

/// The `client_id` of the seeded OIDC web app "okta-mcp sign-in" (`0oamcpsignin00000001`, assigned to Everyone;
/// grant types authorization_code and refresh_token; `client_secret_basic` or `client_secret_post`; redirect URIs
/// `http://127.0.0.1/oauth/callback` and `http://localhost/oauth/callback`, any port as RFC 8252 §7.3 allows for
/// loopback redirects): the app the MCP servers send a person's browser to `/authorize` with. It may be granted the
/// OIDC scopes (`openid profile email groups offline_access`) and the org authorization server's end-user scopes
/// ([`SIGNIN_SCOPES`]); the custom authorization server `default` serves it too.
pub const SIGNIN_CLIENT_ID: &str = "0oamcpsignin00000001";

/// The client secret of [`SIGNIN_CLIENT_ID`].
pub const SIGNIN_CLIENT_SECRET: &str = "sandbox-signin-client-secret-0123456789abcdef";

/// The org authorization server's end-user scopes granted to [`SIGNIN_CLIENT_ID`] (its `/api/v1/apps/{appId}/grants`).
pub const SIGNIN_SCOPES: [&str; 10] = [
    "okta.users.read.self",
    "okta.governance.entitlements.read",
    "okta.users.manage.self",
    "okta.accessRequests.catalog.read",
    "okta.accessRequests.request.read",
    "okta.accessRequests.request.manage",
    "okta.governance.securityAccessReviews.endUser.read",
    "okta.governance.securityAccessReviews.endUser.manage",
    "okta.governance.reviewer.read",
    "okta.governance.reviewer.manage",
];

/// The password of every seeded user (what the resource owner password grant of a custom authorization server,
/// `POST /oauth2/{authorizationServerId}/v1/token` with `grant_type=password`, accepts for them). A user created
/// through `POST /api/v1/users` with `credentials.password.value` has that password instead.
pub const PASSWORD: &str = "Sandbox-Passw0rd!";

/// The `client_id` of the seeded OIDC web app "okta-mcp test client" (`0oamcptestclient0001`, assigned to
/// Everyone; grant types authorization_code, refresh_token, password and client_credentials;
/// `client_secret_basic`, `client_secret_post` accepted too): the client of custom authorization server tokens.
pub const TEST_CLIENT_ID: &str = "0oamcptestclient0001";

/// The client secret of [`TEST_CLIENT_ID`].
pub const TEST_CLIENT_SECRET: &str = "sandbox-test-client-secret-0123456789";

/// A service app that authenticates to `/oauth2/v1/token` with `private_key_jwt`.
#[derive(Debug, Clone)]
pub struct OAuthClientConfig {
    /// The client id (`iss`/`sub` of its client assertions).
    pub client_id: String,
    /// Its public key(s): one JWK object (`kty` RSA, `n`, `e`, optional `kid`) or a JWKS `{"keys": [...]}`.
    pub jwk: serde_json::Value,
    /// The scopes granted to the app.
    pub scopes: Vec<String>,
}

impl OAuthClientConfig {
    /// Read the public JWK/JWKS from a file.
    pub fn from_jwk_file(client_id: impl Into<String>, path: &std::path::Path, scopes: &str) -> std::io::Result<Self> {
        let text = std::fs::read_to_string(path)?;
        let jwk: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
        Ok(Self { client_id: client_id.into(), jwk, scopes: scopes.split_whitespace().map(str::to_string).collect() })
    }
}

/// Everything the sandbox can be configured with (the CLI flags map 1:1 onto these).
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// The SSWS token accepted (`Authorization: SSWS <token>`); grants every scope.
    pub api_token: String,
    /// Registered private_key_jwt service apps.
    pub oauth_clients: Vec<OAuthClientConfig>,
    /// Base URL for Link headers, `_links` and the token audience; default `http://<bound addr>`.
    pub public_url: Option<String>,
    /// Seed of the demo org.
    pub seed: u64,
    /// Number of users in the demo org.
    pub users: usize,
    /// Requests per window per family (users, groups, logs, sessions, apps, roles, token, default).
    pub rate_limits: BTreeMap<String, u32>,
    /// Rate limit window in seconds.
    pub rate_limit_window_secs: u64,
    /// Access token lifetime in seconds.
    pub token_ttl_secs: u64,
    /// Latency added to every response.
    pub latency_ms: u64,
    /// Probability (0.0..=1.0) that an /api/v1 request answers a random 500/503.
    pub fault_5xx_rate: f64,
    /// The first N /api/v1 requests answer 503.
    pub fault_5xx_first: u64,
    /// The registered OAuth clients must use DPoP, as new Okta API Services apps do ("Require
    /// Demonstrating Proof of Possession (DPoP) header in token requests").
    pub require_dpop: bool,
    /// Rotate the DPoP nonces every N seconds (0: never; Okta: every 24 h).
    pub dpop_nonce_ttl_secs: u64,
    /// The sandbox's clock runs this many seconds ahead of the machine's (negative: behind): token
    /// and proof time checks and the `Date` header use it.
    pub clock_offset_secs: i64,
    /// The org has no Okta Identity Governance license: `/governance/api/**` answers 401 E0000015.
    pub no_oig: bool,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            api_token: "sandbox-api-token".into(),
            oauth_clients: Vec::new(),
            public_url: None,
            seed: 42,
            users: 300,
            rate_limits: BTreeMap::new(),
            rate_limit_window_secs: 60,
            token_ttl_secs: 3600,
            latency_ms: 0,
            fault_5xx_rate: 0.0,
            fault_5xx_first: 0,
            require_dpop: false,
            dpop_nonce_ttl_secs: 86_400,
            clock_offset_secs: 0,
            no_oig: false,
        }
    }
}

/// An issued access token.
#[derive(Debug, Clone)]
pub(crate) struct IssuedToken {
    pub client_id: String,
    pub scopes: Vec<String>,
    pub expires: Instant,
    /// `cnf.jkt`: the thumbprint of the DPoP key the token is bound to.
    pub jkt: Option<String>,
    /// The user (id) of an access token the org authorization server issued to a person (`/authorize`, refresh):
    /// the API acts as them.
    pub user: Option<String>,
}

/// Who is calling the API (inserted as a request extension after authentication).
#[derive(Debug, Clone)]
pub(crate) enum Caller {
    Ssws,
    Client(String),
    /// A person's own access token from the org authorization server: the user id.
    User(String),
}

#[derive(Debug)]
pub(crate) struct AppState {
    pub config: SandboxConfig,
    pub public: String,
    pub org: Mutex<Org>,
    pub limiter: Mutex<RateLimiter>,
    pub tokens: Mutex<HashMap<String, IssuedToken>>,
    pub jtis: Mutex<HashSet<String>>,
    pub stats: Mutex<BTreeMap<String, u64>>,
    pub fault_rng: Mutex<ChaCha8Rng>,
    pub api_requests: AtomicU64,
    /// Requests answered 429 by the rate limiter (`GET /__sandbox/stats`: `rate_limited`).
    pub rate_limited: AtomicU64,
    /// How many of the next API requests fail with 503 (`POST /__sandbox/faults`).
    pub fault_next: AtomicU64,
    pub dpop: dpop::DpopState,
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl AppState {
    /// Seconds since the epoch on the sandbox's (possibly offset) clock.
    pub fn now_epoch(&self) -> i64 {
        Utc::now().timestamp() + self.config.clock_offset_secs
    }

    pub fn actor(&self, caller: &Caller) -> Actor {
        match caller {
            Caller::Client(id) => Actor {
                id: id.clone(),
                kind: "PublicClientApp".into(),
                alternate_id: id.clone(),
                display_name: "Sandbox service app".into(),
            },
            Caller::User(id) => {
                let org = lock(&self.org);
                org.find_user(id).and_then(|s| org.actor_for_user(s)).unwrap_or(Actor {
                    id: id.clone(),
                    kind: "User".into(),
                    alternate_id: id.clone(),
                    display_name: id.clone(),
                })
            }
            Caller::Ssws => {
                let org = lock(&self.org);
                let admin = org.admin_id.clone();
                org.find_user(&admin).and_then(|s| org.actor_for_user(s)).unwrap_or(Actor {
                    id: admin.clone(),
                    kind: "User".into(),
                    alternate_id: "admin".into(),
                    display_name: "Sandbox Admin".into(),
                })
            }
        }
    }
}

fn public_url(config: &SandboxConfig, addr: SocketAddr) -> String {
    config.public_url.clone().unwrap_or_else(|| format!("http://{addr}")).trim_end_matches('/').to_string()
}

fn build_state(config: SandboxConfig, addr: SocketAddr) -> Arc<AppState> {
    let public = public_url(&config, addr);
    let org = seed::build(config.seed, config.users, Utc::now());
    let limiter = RateLimiter::new(&config.rate_limits, config.rate_limit_window_secs);
    let fault_rng = org.random.fork(org::random::Stream::Faults);
    Arc::new(AppState {
        public,
        org: Mutex::new(org),
        limiter: Mutex::new(limiter),
        tokens: Mutex::new(HashMap::new()),
        jtis: Mutex::new(HashSet::new()),
        stats: Mutex::new(BTreeMap::new()),
        fault_rng: Mutex::new(fault_rng),
        api_requests: AtomicU64::new(0),
        rate_limited: AtomicU64::new(0),
        fault_next: AtomicU64::new(0),
        dpop: dpop::DpopState::new(config.dpop_nonce_ttl_secs),
        config,
    })
}

/// Build the router for a state (exposed for tests through [`serve`]/[`start`]).
fn router(state: Arc<AppState>) -> Router {
    handlers::routes().layer(axum::middleware::from_fn_with_state(state.clone(), okta_layer)).with_state(state)
}

/// `GET /.well-known/okta-organization` (public): what an Okta org answers.
pub(crate) async fn well_known_org(State(state): State<Arc<AppState>>) -> Response {
    axum::Json(serde_json::json!({
        "id": crate::org::governance::ORG_ORN_ID,
        "pipeline": "idx",
        "_links": {
            "alternate": {"href": format!("{}", state.public)},
            "organization": {"href": state.public},
        },
        "settings": {"analyticsCollectionEnabled": false, "bugReportingEnabled": false, "omEnabled": false},
    }))
    .into_response()
}

/// Serve the sandbox on an already bound listener until the task is dropped.
/// Refuses non-loopback listeners.
pub async fn serve(config: SandboxConfig, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    let addr = listener.local_addr()?;
    if !addr.ip().is_loopback() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            format!("refusing to listen on non-loopback address {addr}"),
        ));
    }
    let state = build_state(config, addr);
    tracing::info!(public = %state.public, "okta-sandbox serving");
    axum::serve(listener, router(state)).await
}

/// Bind `127.0.0.1:0` and serve in a background task; returns the bound address.
pub async fn start(
    config: SandboxConfig,
) -> std::io::Result<(SocketAddr, tokio::task::JoinHandle<std::io::Result<()>>)> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
    let addr = listener.local_addr()?;
    let handle = tokio::spawn(serve(config, listener));
    Ok((addr, handle))
}

fn bearer_challenge(public: &str, scope: &str, error: &str, description: &str, resource: &str) -> String {
    format!(
        "Bearer authorization_uri=\"{public}/oauth2/v1/authorize\", realm=\"{public}\", scope=\"{scope}\", error=\"{error}\", error_description=\"{description}\", resource=\"{resource}\""
    )
}

/// A refused request: the error, and the `DPoP-Nonce` to send with it.
struct Rejection {
    error: ApiError,
    nonce: Option<String>,
}

impl From<ApiError> for Rejection {
    fn from(error: ApiError) -> Self {
        Self { error, nonce: None }
    }
}

fn dpop_rejection(state: &AppState, path: &str, scope: Option<&str>, failure: dpop::DpopFailure) -> Rejection {
    let mut e = ApiError::invalid_token();
    e.status = failure.status;
    e.www_authenticate = Some(dpop::challenge(&state.public, path, scope, &failure));
    let nonce = (failure.error == "use_dpop_nonce").then(|| state.dpop.rs_nonce());
    Rejection { error: e, nonce }
}

/// An API token on an operation Okta serves to OAuth 2.0 access tokens only (the spec lists no `ApiKey` there):
/// the token does not authenticate, 401 E0000011, with the Bearer challenge of a resource server (RFC 6750 §3).
fn api_token_refused(state: &AppState, path: &str, scope: Option<&str>) -> Rejection {
    let mut e = ApiError::invalid_token();
    e.www_authenticate = Some(bearer_challenge(
        &state.public,
        scope.unwrap_or(""),
        "invalid_token",
        "This operation accepts only OAuth 2.0 access tokens.",
        path,
    ));
    e.into()
}

fn authorize(state: &AppState, req: &Request, template: Option<&str>) -> Result<Caller, Rejection> {
    let path = req.uri().path();
    let route = template.and_then(|t| handlers::route(req.method().as_str(), t));
    let needed = route.map(|r| r.scopes.join(" ")).filter(|s| !s.is_empty());
    let scope = needed.as_deref();
    let header_value =
        req.headers().get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).unwrap_or("").trim().to_string();
    let (scheme, credential) =
        header_value.split_once(' ').map(|(a, b)| (a.to_string(), b.trim().to_string())).unwrap_or_default();
    if scheme.eq_ignore_ascii_case("SSWS") {
        if !credential.is_empty() && credential == state.config.api_token {
            if route.is_some_and(|r| r.oauth_only) {
                return Err(api_token_refused(state, path, scope));
            }
            return Ok(Caller::Ssws);
        }
        return Err(ApiError::invalid_token().into());
    }
    let is_dpop = scheme.eq_ignore_ascii_case("DPoP");
    if scheme.eq_ignore_ascii_case("Bearer") || is_dpop {
        let token = lock(&state.tokens).get(&credential).cloned();
        let scope_text = scope.unwrap_or("");
        let Some(token) = token.filter(|t| t.expires > Instant::now()) else {
            if is_dpop {
                let failure = dpop::DpopFailure {
                    status: StatusCode::UNAUTHORIZED,
                    error: "invalid_token",
                    description: "The token is invalid or expired.",
                };
                return Err(dpop_rejection(state, path, scope, failure));
            }
            let mut e = ApiError::invalid_token();
            e.www_authenticate = Some(bearer_challenge(
                &state.public,
                scope_text,
                "invalid_token",
                "The token is invalid or expired.",
                path,
            ));
            return Err(e.into());
        };
        match (&token.jkt, is_dpop) {
            (Some(_), false) => return Err(dpop_rejection(state, path, scope, dpop::SCHEME_REQUIRED)),
            (None, true) => return Err(dpop_rejection(state, path, scope, dpop::NOT_BOUND)),
            (Some(jkt), true) => {
                let htu = format!("{}{path}", state.public);
                let nonce = state.dpop.rs_nonce();
                let expect = dpop::Expect {
                    htm: req.method().as_str(),
                    htu: &htu,
                    nonce: &nonce,
                    token: Some((&credential, jkt)),
                    now: state.now_epoch(),
                    nonce_failure: dpop::USE_NONCE_RS,
                };
                if let Err(failure) = dpop::verify(&state.dpop, req.headers(), &expect) {
                    return Err(dpop_rejection(state, path, scope, failure));
                }
            }
            (None, false) => {}
        }
        let my = route.is_some_and(|r| r.path.contains("/my/"));
        if let Some(user) = &token.user {
            return user_caller(state, req, route, user, &token.scopes, my);
        }
        if my {
            // The `/my` operations are a person's: a service app's token has nobody to answer for.
            return Err(ApiError::forbidden().into());
        }
        if let Some(scope) = scope
            && route.is_some_and(|r| !r.scopes.iter().all(|need| token.scopes.iter().any(|s| s == need)))
        {
            let mut e = ApiError::forbidden();
            e.www_authenticate = Some(if is_dpop {
                format!(
                    "DPoP algs=\"{}\", realm=\"{}\", scope=\"{scope}\", error=\"insufficient_scope\", error_description=\"The access token provided does not contain the required scopes.\", resource=\"{path}\"",
                    dpop::ALGS,
                    state.public
                )
            } else {
                bearer_challenge(
                    &state.public,
                    scope,
                    "insufficient_scope",
                    "The access token provided does not contain the required scopes.",
                    path,
                )
            });
            return Err(e.into());
        }
        return Ok(Caller::Client(token.client_id));
    }
    Err(ApiError::invalid_token().into())
}

/// The routes a person's own token may call about themselves (`me`, their id or their login) with
/// `okta.users.read.self`.
const SELF_ROUTES: [&str; 3] = ["/api/v1/users/{id}", "/api/v1/users/{id}/groups", "/api/v1/users/{id}/appLinks"];

/// The scope a person's own token needs for `self`, or what refuses it: their own user (`SELF_ROUTES`) needs
/// `okta.users.read.self`, the `/my` operations their route's scopes; anything else is an admin operation, which
/// Okta refuses to a user without an admin role (403 E0000006; `insufficient_scope` when the scope is missing too).
fn user_caller(
    state: &AppState,
    req: &Request,
    route: Option<&handlers::routes::Route>,
    user: &str,
    granted: &[String],
    my: bool,
) -> Result<Caller, Rejection> {
    let path = req.uri().path();
    let insufficient = |scope: &str| {
        let mut e = ApiError::forbidden();
        e.www_authenticate = Some(bearer_challenge(
            &state.public,
            scope,
            "insufficient_scope",
            "The access token provided does not contain the required scopes.",
            path,
        ));
        Rejection::from(e)
    };
    let Some(route) = route else { return Ok(Caller::User(user.to_owned())) };
    let own = req.method() == Method::GET && SELF_ROUTES.contains(&route.path) && {
        let target = path.split('/').nth(4).map(|s| percent_encoding::percent_decode_str(s).decode_utf8_lossy());
        let org = lock(&state.org);
        target.is_some_and(|t| {
            t == "me" || org.find_user(&t).and_then(|s| org.users.get(&s)).is_some_and(|u| u.id == user)
        })
    };
    let needed: Vec<&str> = if own { vec!["okta.users.read.self"] } else { route.scopes.to_vec() };
    if let Some(missing) = needed.iter().find(|n| !granted.iter().any(|g| g == *n)) {
        return Err(insufficient(missing));
    }
    if own || my || needed.is_empty() {
        return Ok(Caller::User(user.to_owned()));
    }
    Err(ApiError::forbidden().into())
}

async fn okta_layer(State(state): State<Arc<AppState>>, mut req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let template = req.extensions().get::<MatchedPath>().map(|m| m.as_str().to_string());
    *lock(&state.stats).entry(format!("{method} {}", template.as_deref().unwrap_or(&path))).or_insert(0) += 1;
    let request_id = ids::request_id();

    if path.starts_with("/__sandbox") {
        let mut resp = next.run(req).await;
        finish(&mut resp, &request_id, None);
        return resp;
    }

    let family = handlers::family(template.as_deref(), &path);
    let now_epoch = Utc::now().timestamp();
    let decision = lock(&state.limiter).check(family, Instant::now(), now_epoch);
    let is_api = path.starts_with("/api/v1/") || path == "/api/v1" || path.starts_with("/governance/api/");

    let mut resp = if !decision.allowed {
        state.rate_limited.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        ApiError::rate_limited().into_response()
    } else if let Some(fault) = is_api.then(|| injected_fault(&state)).flatten() {
        fault.into_response()
    } else if is_api {
        match authorize(&state, &req, template.as_deref()) {
            Ok(caller) => {
                req.extensions_mut().insert(caller);
                next.run(req).await
            }
            Err(rejection) => {
                let mut resp = rejection.error.into_response();
                if let Some(n) = rejection.nonce.and_then(|n| HeaderValue::from_str(&n).ok()) {
                    resp.headers_mut().insert("dpop-nonce", n);
                }
                resp
            }
        }
    } else {
        next.run(req).await
    };

    if state.config.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(state.config.latency_ms)).await;
    }
    if resp.status() == StatusCode::METHOD_NOT_ALLOWED && method != Method::OPTIONS {
        let allow = resp.headers().get(header::ALLOW).cloned();
        resp = ApiError::method_not_allowed().into_response();
        if let Some(a) = allow {
            resp.headers_mut().insert(header::ALLOW, a);
        }
    }
    finish(&mut resp, &request_id, Some(decision));
    set_date(&state, &mut resp);
    resp
}

/// `Date` on the sandbox's clock (which `--clock-offset-secs` may put ahead or behind).
fn set_date(state: &AppState, resp: &mut Response) {
    let now = chrono::DateTime::from_timestamp(state.now_epoch(), 0).unwrap_or_else(Utc::now);
    if let Ok(v) = HeaderValue::from_str(&now.format("%a, %d %b %Y %H:%M:%S GMT").to_string()) {
        resp.headers_mut().insert(header::DATE, v);
    }
}

fn injected_fault(state: &AppState) -> Option<ApiError> {
    let n = state.api_requests.fetch_add(1, Ordering::SeqCst);
    let mut fault = None;
    let next = state.fault_next.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |k| k.checked_sub(1));
    if n < state.config.fault_5xx_first || next.is_ok() {
        fault = Some(StatusCode::SERVICE_UNAVAILABLE);
    } else if state.config.fault_5xx_rate > 0.0 {
        let mut rng = lock(&state.fault_rng);
        if rng.random_bool(state.config.fault_5xx_rate.clamp(0.0, 1.0)) {
            fault = Some(if rng.random_bool(0.5) {
                StatusCode::INTERNAL_SERVER_ERROR
            } else {
                StatusCode::SERVICE_UNAVAILABLE
            });
        }
    }
    fault.map(|status| {
        let mut e = ApiError::internal();
        e.status = status;
        e
    })
}

fn finish(resp: &mut Response, request_id: &str, decision: Option<ratelimit::Decision>) {
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(request_id) {
        h.insert("x-okta-request-id", v);
    }
    if let Some(d) = decision {
        h.insert("x-rate-limit-limit", HeaderValue::from(d.limit));
        h.insert("x-rate-limit-remaining", HeaderValue::from(d.remaining));
        h.insert("x-rate-limit-reset", HeaderValue::from(d.reset));
    }
    if !h.contains_key(header::CONTENT_TYPE) {
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    }
}
