//! The HTTP client: one pooled `reqwest::Client`, authentication, retries, pagination.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use backon::Retryable as _;
use reqwest::Method;
use reqwest::header::{
    ACCEPT, CONTENT_LENGTH, CONTENT_TYPE, HeaderMap, HeaderValue, LINK, USER_AGENT, WWW_AUTHENTICATE,
};
use serde_json::Value;
use url::Url;

use crate::auth::Authorizer;
use crate::config::{AuthConfig, ConfigError, ENV_SCOPES, OktaConfig};
use crate::cursor::Cursor;
use crate::error::{OktaError, OktaErrorBody, WwwAuthenticate};
use crate::pagination::{Keep, Page, parse_link_header, split_list_body};
use crate::path::{ApiPath, Query};
use crate::retry::{self, RetryHint};

/// Client settings chosen by each server.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// Appended to the User-Agent: `okta-mcp/<version> <server_name>`.
    pub server_name: String,
    /// Version in the User-Agent.
    pub version: String,
    /// Scopes to request with OAuth (`OKTA_SCOPES` wins when set).
    pub scopes: Vec<String>,
    /// Whole-request timeout (default 30 s).
    pub timeout: Duration,
    /// Connect timeout (default 10 s).
    pub connect_timeout: Duration,
    /// Retries after the first attempt (default 4).
    pub max_retries: usize,
    /// Longest wait for a rate-limit reset; a 429 needing longer fails (default 60 s).
    pub max_rate_limit_wait: Duration,
    /// Told about every attempt's outcome (metrics); None: nobody is.
    pub observer: Option<Arc<dyn Observer>>,
    /// The rate governor's share of each bucket and its concurrency cap (`OKTA_RATE_SHARE`, `OKTA_CONCURRENCY`).
    pub governor: crate::governor::GovernorConfig,
    /// How long [`OktaClient::get_cached`] trusts an answer (`OKTA_CACHE_TTL`; zero: no caching).
    pub cache_ttl: Duration,
}

/// What one attempt at an Okta request came to, for metrics. Path templates only: no ids, no bodies.
#[derive(Debug, Clone)]
pub struct Observed<'a> {
    pub method: &'a str,
    /// The operation's path template, e.g. `/api/v1/users/{id}`.
    pub template: &'a str,
    /// None: no response (connection failure, timeout).
    pub status: Option<u16>,
    pub elapsed: Duration,
    /// `X-Rate-Limit-Limit` and `X-Rate-Limit-Remaining` when Okta sent them.
    pub rate_limit: Option<(u64, u64)>,
}

/// Receives [`Observed`] attempts (e.g. the HTTP transport's `/metrics`).
pub trait Observer: Send + Sync + std::fmt::Debug {
    fn observe(&self, attempt: &Observed<'_>);
}

impl ClientOptions {
    /// Defaults: no scopes, 30 s timeout, 10 s connect timeout, 4 retries, 60 s max 429 wait.
    pub fn new(server_name: impl Into<String>, version: impl Into<String>) -> Self {
        Self {
            server_name: server_name.into(),
            version: version.into(),
            scopes: Vec::new(),
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            max_retries: 4,
            max_rate_limit_wait: Duration::from_secs(60),
            observer: None,
            governor: crate::governor::GovernorConfig::default(),
            cache_ttl: crate::cache::DEFAULT_TTL,
        }
    }

    /// Set the scopes to request with OAuth.
    pub fn with_scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }
}

/// Items gathered by [`OktaClient::collect_detailed`].
#[derive(Debug, Clone, PartialEq)]
pub struct Collected {
    /// At most `cap` items.
    pub items: Vec<Value>,
    /// Cursor to continue from (pass to [`OktaClient::get_page_at`]); `None` when exhausted.
    pub next: Option<String>,
    /// Items of the *first* page dropped because that page alone exceeded `cap` (they
    /// cannot be reached through a cursor). Zero unless the caller's `limit` exceeds `cap`.
    pub dropped: usize,
}

/// The current OAuth access token, described without its value (for `doctor`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenInfo {
    /// `DPoP` (bound to this process's DPoP key) or `Bearer`.
    pub token_type: String,
    /// Scopes granted (Okta's `scope` in the token response).
    pub scopes: Vec<String>,
    /// Time left before it expires.
    pub expires_in: Duration,
    /// `OKTA_DPOP`.
    pub dpop_mode: crate::config::DpopMode,
}

/// What `/.well-known/okta-organization` says about the org (no authentication needed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgInfo {
    /// The org id (`00o...`).
    pub id: Option<String>,
    /// `idx` (Identity Engine) or `v1` (Classic).
    pub pipeline: Option<String>,
    /// Okta's clock minus this machine's, in seconds (from the `Date` header).
    pub clock_skew_secs: Option<i64>,
}

/// Okta API client. Cheap to clone (shared connection pool and token cache).
#[derive(Clone)]
pub struct OktaClient {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    org_url: Url,
    origin: String,
    auth: Authorizer,
    auth_description: String,
    scopes: Vec<String>,
    options: ClientOptions,
    governor: crate::governor::Governor,
    cache: crate::cache::ReadCache,
}

impl fmt::Debug for OktaClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OktaClient")
            .field("org_url", &self.inner.org_url.as_str())
            .field("auth", &self.inner.auth_description)
            .field("scopes", &self.inner.scopes)
            .finish_non_exhaustive()
    }
}

/// A fully buffered response.
/// Okta's answer to a request sent with [`OktaClient::send`].
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// The JSON body (`None` for 204 or an empty body).
    pub body: Option<Value>,
    /// `X-Okta-Request-Id`.
    pub request_id: Option<String>,
    /// `Location`, where Okta names the resource an asynchronous request (202) created or acted on.
    pub location: Option<String>,
}

struct RawResponse {
    headers: HeaderMap,
    body: Vec<u8>,
    request_id: Option<String>,
}

/// A failed attempt and whether/how to retry it.
struct AttemptError {
    error: OktaError,
    retry: RetryHint,
    token_generation: Option<u64>,
    /// The API answered `use_dpop_nonce` with a new `DPoP-Nonce` (now stored): retry once.
    dpop_nonce_retry: bool,
    /// Okta's clock minus ours (response `Date`).
    clock_skew_secs: Option<i64>,
}

#[derive(Default)]
struct RetryState {
    count: usize,
    retry_for: Option<String>,
}

struct RequestSpec<'a> {
    method: Method,
    url: &'a str,
    template: &'static str,
    body: Option<Vec<u8>>,
    accept: Option<&'a str>,
}

impl RequestSpec<'_> {
    /// Path without query, for messages.
    fn display_path(&self) -> String {
        match Url::parse(self.url) {
            Ok(u) => u.path().to_string(),
            Err(_) => self.template.to_string(),
        }
    }
}

impl OktaClient {
    /// Build the client. Fails when OAuth is configured without any scope to request.
    pub fn new(config: OktaConfig, options: ClientOptions) -> Result<Self, OktaError> {
        let scopes = match &config.auth {
            AuthConfig::ApiToken(_) | AuthConfig::EndUser => Vec::new(),
            AuthConfig::PrivateKeyJwt(_) => {
                let scopes = config.scopes_override.clone().unwrap_or_else(|| options.scopes.clone());
                if scopes.is_empty() {
                    return Err(OktaError::Config(ConfigError::Missing {
                        var: ENV_SCOPES,
                        hint: "OAuth needs at least one scope to request, e.g. OKTA_SCOPES=\"okta.users.read okta.groups.read\"".into(),
                    }));
                }
                scopes
            }
        };
        let user_agent = format!("okta-mcp/{} {}", options.version, options.server_name);
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        let user_agent = HeaderValue::from_str(user_agent.trim()).map_err(|_| OktaError::InvalidInput {
            field: "server_name/version".into(),
            reason: "not valid in a User-Agent header".into(),
        })?;
        headers.insert(USER_AGENT, user_agent);
        let http = reqwest::Client::builder()
            .default_headers(headers)
            .timeout(options.timeout)
            .connect_timeout(options.connect_timeout)
            .redirect(reqwest::redirect::Policy::none())
            // HTTP/1.1 as always: reqwest's http2 feature is on in builds that include S3 support (object_store),
            // and Okta's traffic should not change with that.
            .http1_only()
            .build()
            .map_err(|e| OktaError::Transport {
                message: format!("cannot build the HTTP client: {}", describe_reqwest_error(&e)),
                request_id: None,
            })?;
        let origin = config.org_url.origin().ascii_serialization();
        let auth = Authorizer::from_config(&config.auth, http.clone(), &origin, scopes.clone())?;
        Ok(Self {
            inner: Arc::new(Inner {
                http,
                org_url: config.org_url.clone(),
                origin,
                auth,
                auth_description: config.auth_description(),
                scopes,
                governor: crate::governor::Governor::new(options.governor),
                cache: crate::cache::ReadCache::new(options.cache_ttl),
                options,
            }),
        })
    }

    /// What the rate governor knows of each rate-limit bucket this client has used, busiest first.
    pub fn rate_status(&self) -> Vec<crate::governor::BucketStatus> {
        self.inner.governor.status()
    }

    /// The read cache's counters and TTL.
    pub fn cache_status(&self) -> (crate::cache::CacheStats, Duration) {
        (self.inner.cache.stats(), self.inner.cache.ttl())
    }

    /// The rate governor's settings.
    pub fn governor_config(&self) -> crate::governor::GovernorConfig {
        self.inner.governor.config()
    }

    /// The org URL (`https://{yourOktaDomain}/`).
    pub fn org_url(&self) -> &Url {
        &self.inner.org_url
    }

    /// Scopes requested with OAuth (empty for an SSWS token).
    pub fn requested_scopes(&self) -> &[String] {
        &self.inner.scopes
    }

    /// `SSWS API token` or `OAuth 2.0 private_key_jwt (client id …)`.
    pub fn auth_description(&self) -> &str {
        &self.inner.auth_description
    }

    /// The current OAuth access token's type, scopes and lifetime (obtaining one if needed); `None` for SSWS.
    pub async fn token_info(&self) -> Result<Option<TokenInfo>, OktaError> {
        self.inner.auth.token_info().await
    }

    /// The RFC 7638 thumbprint of this process's DPoP public key, when OAuth with DPoP is configured.
    pub fn dpop_thumbprint(&self) -> Option<&str> {
        self.inner.auth.dpop_thumbprint()
    }

    /// `GET /.well-known/okta-organization` without credentials: is the URL an Okta org, and how far
    /// apart are the clocks.
    pub async fn org_info(&self) -> Result<OrgInfo, OktaError> {
        let url = format!("{}/.well-known/okta-organization", self.inner.origin);
        let response = self.inner.http.get(&url).send().await.map_err(|e| OktaError::Transport {
            message: format!("GET {url}: {}", describe_reqwest_error(&e)),
            request_id: None,
        })?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let request_id = request_id_of(&headers);
        let body = response.bytes().await.map_err(|e| OktaError::Transport {
            message: format!("GET {url}: {}", describe_reqwest_error(&e)),
            request_id: request_id.clone(),
        })?;
        if !(200..300).contains(&status) {
            return Err(OktaError::Api {
                method: "GET".into(),
                path: "/.well-known/okta-organization".into(),
                status,
                body: Box::new(OktaErrorBody::parse(&body)),
                www_authenticate: None,
                request_id,
            });
        }
        let value: Value = serde_json::from_slice(&body).map_err(|_| OktaError::Decode {
            message: "/.well-known/okta-organization did not answer JSON: this URL is not an Okta org".into(),
            request_id: request_id.clone(),
        })?;
        let text = |k: &str| value.get(k).and_then(Value::as_str).map(str::to_string);
        if text("id").is_none() && value.get("_links").is_none() {
            return Err(OktaError::Decode {
                message: "/.well-known/okta-organization has no org id: this URL is not an Okta org".into(),
                request_id,
            });
        }
        Ok(OrgInfo {
            id: text("id"),
            pipeline: text("pipeline"),
            clock_skew_secs: crate::auth::private_key_jwt::clock_skew_of(&headers),
        })
    }

    /// Scopes in the current OAuth access token (obtaining one if needed); `None` for SSWS.
    pub async fn granted_scopes(&self) -> Result<Option<Vec<String>>, OktaError> {
        self.inner.auth.granted_scopes().await
    }

    /// GET a JSON document (`Value::Null` for an empty body).
    pub async fn get(&self, path: &ApiPath, query: &Query) -> Result<Value, OktaError> {
        Ok(self.send(Method::GET, path, query, None).await?.body.unwrap_or(Value::Null))
    }

    /// GET a JSON document through the read cache (see [`crate::cache`]): a lookup repeated within the TTL by the
    /// same identity is answered from memory. For reads of what changes rarely (ids behind names and logins, apps,
    /// schemas); any change this client sends drops what it may have changed.
    pub async fn get_cached(&self, path: &ApiPath, query: &Query) -> Result<Value, OktaError> {
        let cache = &self.inner.cache;
        let identity = if cache.enabled() { crate::cache::current_identity() } else { None };
        let Some(identity) = identity else { return self.get(path, query).await };
        let url = self.url_for(path, query);
        let target = url.strip_prefix(self.inner.origin.as_str()).unwrap_or(&url);
        if let Some(value) = cache.get(&identity, target, std::time::Instant::now()) {
            return Ok(value);
        }
        let generation = cache.generation();
        let resp = self
            .execute(RequestSpec {
                method: Method::GET,
                url: &url,
                template: path.template(),
                body: None,
                accept: None,
            })
            .await?;
        let value = decode_json(&resp)?.unwrap_or(Value::Null);
        cache.put(&identity, target, &value, resp.body.len(), std::time::Instant::now(), generation);
        Ok(value)
    }

    /// POST (never retried on 5xx). `None` for 204/empty bodies.
    pub async fn post(&self, path: &ApiPath, query: &Query, body: Option<&Value>) -> Result<Option<Value>, OktaError> {
        Ok(self.send(Method::POST, path, query, body).await?.body)
    }

    /// PUT. `None` for 204/empty bodies.
    pub async fn put(&self, path: &ApiPath, query: &Query, body: Option<&Value>) -> Result<Option<Value>, OktaError> {
        Ok(self.send(Method::PUT, path, query, body).await?.body)
    }

    /// DELETE. `None` for 204/empty bodies.
    pub async fn delete(&self, path: &ApiPath, query: &Query) -> Result<Option<Value>, OktaError> {
        Ok(self.send(Method::DELETE, path, query, None).await?.body)
    }

    /// GET a non-JSON document (e.g. SAML metadata with `accept = "application/xml"`).
    pub async fn get_text(&self, path: &ApiPath, query: &Query, accept: &str) -> Result<String, OktaError> {
        let url = self.url_for(path, query);
        let resp = self
            .execute(RequestSpec {
                method: Method::GET,
                url: &url,
                template: path.template(),
                body: None,
                accept: Some(accept),
            })
            .await?;
        String::from_utf8(resp.body).map_err(|_| OktaError::Decode {
            message: format!("GET {}: the response is not UTF-8 text", path.as_str()),
            request_id: resp.request_id,
        })
    }

    /// GET the first page of a list.
    pub async fn get_page(&self, path: &ApiPath, query: &Query) -> Result<Page<Value>, OktaError> {
        let url = self.url_for(path, query);
        self.fetch_page(&url, path, None).await
    }

    /// [`OktaClient::get_page`] with each item as its row of `keep`'s columns (see [`Keep`]): for a caller that
    /// reads only those.
    pub async fn get_page_rows(&self, path: &ApiPath, query: &Query, keep: &Keep) -> Result<Page<Value>, OktaError> {
        let url = self.url_for(path, query);
        self.fetch_page(&url, path, Some(keep)).await
    }

    /// Continue a list from a cursor previously returned in [`Page::next`] for the same endpoint.
    ///
    /// Refused ([`OktaError::CursorRejected`], nothing sent) unless it decodes as a [`Cursor`] of `expected`. The
    /// page is requested from the org's own origin and `expected`'s path with the cursor's query.
    pub async fn get_page_at(&self, cursor: &str, expected: &ApiPath) -> Result<Page<Value>, OktaError> {
        let cursor = Cursor::decode(cursor, expected)?;
        self.get_page(expected, cursor.query()).await
    }

    /// [`OktaClient::get_page_at`] with each item as its row of `keep`'s columns (see [`Keep`]).
    pub async fn get_page_at_rows(
        &self,
        cursor: &str,
        expected: &ApiPath,
        keep: &Keep,
    ) -> Result<Page<Value>, OktaError> {
        let cursor = Cursor::decode(cursor, expected)?;
        self.get_page_rows(expected, cursor.query(), keep).await
    }

    /// Walk pages from `first` until `cap` items are collected or the list ends.
    /// Returns the items (≤ `cap`) and the cursor to continue from (`None` when exhausted).
    /// See [`OktaClient::collect_detailed`].
    pub async fn collect(
        &self,
        first: Page<Value>,
        expected: &ApiPath,
        cap: usize,
    ) -> Result<(Vec<Value>, Option<String>), OktaError> {
        let c = self.collect_detailed(first, expected, cap).await?;
        Ok((c.items, c.next))
    }

    /// Like [`OktaClient::collect`], reporting dropped items.
    ///
    /// No item is lost silently: pages are only taken whole. Before fetching another page,
    /// if the previous page's size would overflow `cap`, it stops and returns that page's
    /// cursor; if a fetched page still overflows, it is discarded and its own cursor is
    /// returned. Only when the *first* page alone exceeds `cap` are items dropped (counted
    /// in [`Collected::dropped`]; the remaining pages are still reachable through `next`).
    pub async fn collect_detailed(
        &self,
        first: Page<Value>,
        expected: &ApiPath,
        cap: usize,
    ) -> Result<Collected, OktaError> {
        let mut items = first.items;
        let mut dropped = 0;
        if items.len() > cap {
            dropped = items.len() - cap;
            items.truncate(cap);
            tracing::warn!(
                path = expected.template(),
                cap,
                dropped,
                "first page exceeds the item cap; request a smaller limit"
            );
        }
        let mut last_page_len = items.len();
        let mut next = first.next;
        while let Some(cursor) = next.take() {
            if items.len() >= cap || items.len() + last_page_len > cap {
                return Ok(Collected { items, next: Some(cursor), dropped });
            }
            let page = self.get_page_at(&cursor, expected).await?;
            if items.len() + page.items.len() > cap {
                return Ok(Collected { items, next: Some(cursor), dropped });
            }
            if page.items.is_empty() {
                // e.g. System Log polling always has a next link: stop at an empty page.
                return Ok(Collected { items, next: page.next, dropped });
            }
            last_page_len = page.items.len();
            items.extend(page.items);
            next = page.next;
        }
        Ok(Collected { items, next: None, dropped })
    }

    fn url_for(&self, path: &ApiPath, query: &Query) -> String {
        if query.is_empty() {
            format!("{}{}", self.inner.origin, path.as_str())
        } else {
            format!("{}{}?{}", self.inner.origin, path.as_str(), query.encode())
        }
    }

    /// Send a request and keep Okta's request id with the answer (for audit trails).
    /// POST is never retried on 5xx; `body` of the answer is `None` for 204/empty bodies.
    pub async fn send(
        &self,
        method: Method,
        path: &ApiPath,
        query: &Query,
        body: Option<&Value>,
    ) -> Result<Answer, OktaError> {
        let url = self.url_for(path, query);
        let body = match body {
            Some(v) => Some(
                serde_json::to_vec(v)
                    .map_err(|e| OktaError::InvalidInput { field: "body".into(), reason: e.to_string() })?,
            ),
            None => None,
        };
        let write = method != Method::GET && method != Method::HEAD;
        let resp = self.execute(RequestSpec { method, url: &url, template: path.template(), body, accept: None }).await;
        if write {
            // Whether or not Okta took it, the change may have happened: forget what it may have changed.
            self.inner.cache.invalidate(path.as_str(), path.template());
        }
        let resp = resp?;
        let location = resp.headers.get(reqwest::header::LOCATION).and_then(|v| v.to_str().ok()).map(str::to_owned);
        Ok(Answer { body: decode_json(&resp)?, request_id: resp.request_id.clone(), location })
    }

    async fn fetch_page(&self, url: &str, path: &ApiPath, keep: Option<&Keep>) -> Result<Page<Value>, OktaError> {
        let resp = self
            .execute(RequestSpec { method: Method::GET, url, template: path.template(), body: None, accept: None })
            .await?;
        let links: Vec<&str> = resp.headers.get_all(LINK).iter().filter_map(|v| v.to_str().ok()).collect();
        let link_next = parse_link_header(&links).next().map(str::to_string);
        let (items, body_next) = match keep.and_then(|keep| keep.rows(&resp.body)) {
            // A JSON array is the items, with no cursor in the body.
            Some(rows) => (rows, None),
            None => {
                let body = decode_json(&resp)?.unwrap_or(Value::Null);
                let (items, next) = split_list_body(body).map_err(|message| OktaError::Decode {
                    message: format!("GET {}: {message}", path.as_str()),
                    request_id: resp.request_id.clone(),
                })?;
                match keep {
                    Some(keep) => (items.iter().map(|item| keep.row(item)).collect(), next),
                    None => (items, next),
                }
            }
        };
        let next = match link_next.or(body_next) {
            Some(link) => Some(Cursor::from_next_link(&self.inner.org_url, &link, path)?.encode()),
            None => None,
        };
        Ok(Page { items, next, request_id: resp.request_id })
    }

    /// Send with retries; on `401 invalid_token` with OAuth, renew the token once and retry; on a
    /// DPoP `use_dpop_nonce` challenge, retry once with the API's new nonce.
    async fn execute(&self, spec: RequestSpec<'_>) -> Result<RawResponse, OktaError> {
        let mut renewed = false;
        let mut nonce_retried = false;
        loop {
            match self.execute_with_retries(&spec).await {
                Ok(resp) => return Ok(resp),
                Err(failure) => {
                    if !nonce_retried && failure.dpop_nonce_retry {
                        tracing::debug!(
                            method = %spec.method,
                            path = spec.template,
                            "the API asked for a new DPoP nonce: retrying once with it"
                        );
                        nonce_retried = true;
                        continue;
                    }
                    if !renewed
                        && failure.error.is_invalid_token()
                        && self.inner.auth.invalidate(failure.token_generation).await
                    {
                        tracing::debug!(
                            method = %spec.method,
                            path = spec.template,
                            request_id = failure.error.request_id().unwrap_or(""),
                            "access token rejected (invalid_token): renewing it and retrying once"
                        );
                        renewed = true;
                        continue;
                    }
                    return Err(dpop_error(failure.error, failure.clock_skew_secs));
                }
            }
        }
    }

    async fn execute_with_retries(&self, spec: &RequestSpec<'_>) -> Result<RawResponse, AttemptError> {
        let state = Mutex::new(RetryState::default());
        let state = &state;
        (|| self.attempt(spec, state))
            .retry(retry::backoff(self.inner.options.max_retries))
            .sleep(tokio::time::sleep)
            .when(|e: &AttemptError| e.retry != RetryHint::Never)
            .adjust(|e: &AttemptError, backoff: Option<Duration>| {
                backoff.map(|d| match e.retry {
                    RetryHint::After(wait) => wait,
                    _ => d,
                })
            })
            .notify(|e: &AttemptError, wait: Duration| {
                let mut s = match state.lock() {
                    Ok(s) => s,
                    Err(poisoned) => poisoned.into_inner(),
                };
                s.count += 1;
                s.retry_for = e.error.request_id().map(str::to_string);
                tracing::debug!(
                    method = %spec.method,
                    path = spec.template,
                    status = e.error.status(),
                    request_id = e.error.request_id().unwrap_or(""),
                    retry = s.count,
                    wait_ms = wait.as_millis() as u64,
                    "retrying Okta request"
                );
            })
            .await
    }

    async fn attempt(&self, spec: &RequestSpec<'_>, state: &Mutex<RetryState>) -> Result<RawResponse, AttemptError> {
        let fatal = |error: OktaError| AttemptError {
            error,
            retry: RetryHint::Never,
            token_generation: None,
            dpop_nonce_retry: false,
            clock_skew_secs: None,
        };
        let url = Url::parse(spec.url).map_err(|e| {
            fatal(OktaError::InvalidInput { field: "url".into(), reason: format!("not a valid URL ({e})") })
        })?;
        // Within this server's share of the operation's rate-limit bucket, and the concurrency cap; admitted
        // before the credentials are made, so a token or DPoP proof is fresh however long the wait was.
        let method = spec.method.to_string();
        let max_wait = self.inner.options.max_rate_limit_wait;
        let _ticket = self.inner.governor.admit(&method, spec.template, max_wait).await.map_err(|reset_in| {
            fatal(OktaError::RateShareUsed {
                method: method.clone(),
                template: spec.template.to_owned(),
                share: self.inner.governor.config().share,
                reset_in,
                max_wait,
            })
        })?;
        let auth = self.inner.auth.headers(&spec.method, &url).await.map_err(fatal)?;
        let mut req = self.inner.http.request(spec.method.clone(), url);
        for (name, value) in auth.headers {
            req = req.header(name, value);
        }
        if let Some(accept) = spec.accept {
            req = req.header(ACCEPT, accept);
        }
        {
            let s = match state.lock() {
                Ok(s) => s,
                Err(poisoned) => poisoned.into_inner(),
            };
            if s.count > 0 {
                if let Some(id) = &s.retry_for {
                    req = req.header("X-Okta-Retry-For", id.as_str());
                }
                req = req.header("X-Okta-Retry-Count", s.count.to_string());
            }
        }
        match &spec.body {
            Some(body) => {
                req = req.header(CONTENT_TYPE, "application/json").body(body.clone());
            }
            // Okta answers 411 to a body-less POST/PUT without Content-Length.
            None if matches!(spec.method, Method::POST | Method::PUT) => {
                req = req.header(CONTENT_LENGTH, "0").body(Vec::new());
            }
            None => {}
        }
        let idempotent = retry::is_idempotent(&spec.method);
        let started = Instant::now();
        let response = match req.send().await {
            Ok(r) => r,
            Err(e) => {
                tracing::debug!(
                    method = %spec.method,
                    path = spec.template,
                    duration_ms = started.elapsed().as_millis() as u64,
                    error = %describe_reqwest_error(&e),
                    "Okta request failed without a response"
                );
                self.observe(spec, None, started.elapsed(), None);
                let hint = if e.is_connect() {
                    " (check OKTA_ORG_URL, DNS and network access to the org)"
                } else if e.is_timeout() {
                    " (Okta did not answer in time; retry later)"
                } else {
                    ""
                };
                return Err(AttemptError {
                    error: OktaError::Transport {
                        message: format!(
                            "Okta {} {}: {}{hint}",
                            spec.method,
                            spec.display_path(),
                            describe_reqwest_error(&e)
                        ),
                        request_id: None,
                    },
                    retry: if idempotent { RetryHint::Backoff } else { RetryHint::Never },
                    token_generation: auth.token_generation,
                    dpop_nonce_retry: false,
                    clock_skew_secs: None,
                });
            }
        };
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        self.inner.governor.observe(&method, spec.template, &headers, SystemTime::now());
        let request_id = request_id_of(&headers);
        // A new resource-server nonce is used from the next proof on.
        let new_nonce = match crate::auth::private_key_jwt::nonce_of(&headers) {
            Some(n) if auth.dpop => self.inner.auth.resource_nonce(&n),
            _ => false,
        };
        let body = response.bytes().await;
        self.observe(spec, Some(status), started.elapsed(), Some(&headers));
        tracing::debug!(
            method = %spec.method,
            path = spec.template,
            status,
            request_id = request_id.as_deref().unwrap_or(""),
            duration_ms = started.elapsed().as_millis() as u64,
            "Okta request"
        );
        let body = match body {
            // reqwest's buffer itself when it is not shared (otherwise one copy, as before).
            Ok(b) => Vec::from(b),
            Err(e) => {
                return Err(AttemptError {
                    error: OktaError::Transport {
                        message: format!(
                            "Okta {} {}: reading the response failed: {}",
                            spec.method,
                            spec.display_path(),
                            describe_reqwest_error(&e)
                        ),
                        request_id,
                    },
                    retry: if idempotent { RetryHint::Backoff } else { RetryHint::Never },
                    token_generation: auth.token_generation,
                    dpop_nonce_retry: false,
                    clock_skew_secs: None,
                });
            }
        };
        if (200..300).contains(&status) {
            return Ok(RawResponse { headers, body, request_id });
        }
        let retry = if status == 429 {
            retry::rate_limit_hint(&headers, self.inner.options.max_rate_limit_wait, SystemTime::now())
        } else if idempotent && retry::is_retryable_server_error(status) {
            RetryHint::Backoff
        } else {
            RetryHint::Never
        };
        let www_authenticate =
            headers.get(WWW_AUTHENTICATE).and_then(|v| v.to_str().ok()).and_then(WwwAuthenticate::parse).map(Box::new);
        let use_dpop_nonce = www_authenticate.as_ref().and_then(|w| w.error.as_deref()) == Some("use_dpop_nonce");
        Err(AttemptError {
            dpop_nonce_retry: use_dpop_nonce && new_nonce,
            clock_skew_secs: crate::auth::private_key_jwt::clock_skew_of(&headers),
            error: OktaError::Api {
                method: spec.method.to_string(),
                path: spec.display_path(),
                status,
                body: Box::new(OktaErrorBody::parse(&body)),
                www_authenticate,
                request_id,
            },
            retry,
            token_generation: auth.token_generation,
        })
    }
}

impl OktaClient {
    fn observe(&self, spec: &RequestSpec<'_>, status: Option<u16>, elapsed: Duration, headers: Option<&HeaderMap>) {
        let Some(observer) = &self.inner.options.observer else { return };
        let number =
            |name: &str| headers?.get(name).and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse::<u64>().ok());
        let rate_limit = number("x-rate-limit-limit").zip(number("x-rate-limit-remaining"));
        let method = spec.method.to_string();
        observer.observe(&Observed { method: &method, template: spec.template, status, elapsed, rate_limit });
    }
}

/// An API error caused by DPoP becomes [`OktaError::Dpop`], whose message says what to change.
fn dpop_error(error: OktaError, skew: Option<i64>) -> OktaError {
    let OktaError::Api { method, path, status, www_authenticate: Some(www), request_id, .. } = &error else {
        return error;
    };
    let Some(code) = www.error.as_deref() else {
        return error;
    };
    let description = www.error_description.clone();
    let mentions_dpop = description.as_deref().is_some_and(|d| d.contains("DPoP"));
    let is_dpop = matches!(code, "invalid_dpop_proof" | "use_dpop_nonce")
        || (matches!(code, "invalid_request" | "invalid_token") && mentions_dpop);
    if !is_dpop {
        return error;
    }
    OktaError::Dpop {
        request: format!("{method} {path}"),
        status: *status,
        error: code.to_string(),
        clock_skew_secs: skew.filter(|_| crate::error::is_time_error(description.as_deref())),
        description,
        request_id: request_id.clone(),
    }
}

fn decode_json(resp: &RawResponse) -> Result<Option<Value>, OktaError> {
    if resp.body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    // Valid UTF-8 checked once for the whole body, not string by string.
    let decoded = match std::str::from_utf8(&resp.body) {
        Ok(text) => serde_json::from_str(text),
        Err(_) => serde_json::from_slice(&resp.body),
    };
    decoded.map(Some).map_err(|e| OktaError::Decode {
        message: format!("the Okta response is not valid JSON ({e})"),
        request_id: resp.request_id.clone(),
    })
}

/// `X-Okta-Request-Id` of a response.
pub(crate) fn request_id_of(headers: &HeaderMap) -> Option<String> {
    headers.get("x-okta-request-id").and_then(|v| v.to_str().ok()).map(str::to_string).filter(|s| !s.is_empty())
}

/// A reqwest error as text: its kind and source chain, never the URL's query or headers.
pub(crate) fn describe_reqwest_error(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "connection failed"
    } else if e.is_body() || e.is_decode() {
        "interrupted response"
    } else if e.is_builder() {
        "invalid request"
    } else if e.is_redirect() {
        "redirect refused"
    } else {
        "request failed"
    };
    let mut parts: Vec<String> = Vec::new();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let text = s.to_string();
        if !text.is_empty() && !parts.contains(&text) {
            parts.push(text);
        }
        source = s.source();
    }
    if parts.is_empty() { kind.to_string() } else { format!("{kind}: {}", parts.join(": ")) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::Secret;
    use crate::test_support::test_key;

    #[test]
    fn client_debug_is_redacted() {
        let config =
            OktaConfig::new("https://foo.okta.com", AuthConfig::ApiToken(Secret::new("00SuperSecretToken".into())))
                .unwrap();
        let client = OktaClient::new(config, ClientOptions::new("users", "0.1.0")).unwrap();
        let dbg = format!("{client:?}");
        assert!(!dbg.contains("00SuperSecretToken"), "{dbg}");
        assert!(dbg.contains("foo.okta.com"));
        assert!(client.requested_scopes().is_empty());

        let key = crate::key::SigningKey::parse(&test_key().pkcs1_pem).unwrap();
        let oauth = crate::config::PrivateKeyJwtConfig {
            client_id: "0oa1".into(),
            key,
            key_id: Some("k1".into()),
            dpop: crate::config::DpopMode::Auto,
        };
        let config = OktaConfig::new("https://foo.okta.com", AuthConfig::PrivateKeyJwt(oauth)).unwrap();
        // OAuth without scopes is a configuration error naming OKTA_SCOPES.
        let err = OktaClient::new(config.clone(), ClientOptions::new("users", "0.1.0")).unwrap_err();
        assert!(err.to_string().contains("OKTA_SCOPES"));
        let client =
            OktaClient::new(config, ClientOptions::new("users", "0.1.0").with_scopes(["okta.users.read"])).unwrap();
        assert_eq!(client.requested_scopes(), ["okta.users.read".to_string()]);
        let dbg = format!("{client:?}");
        let secret_line = test_key().pkcs1_pem.lines().nth(1).unwrap().to_string();
        assert!(!dbg.contains(&secret_line));
        assert!(dbg.contains("0oa1"));
    }
}
