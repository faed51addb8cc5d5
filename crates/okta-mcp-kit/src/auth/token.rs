//! Validating inbound bearer tokens locally: an RS256 JWT from the configured issuer (an Okta custom
//! authorization server), signed by a key of the issuer's JWKS, for this server's audience, unexpired, with the
//! required scope. The JWKS is fetched from the issuer's metadata, cached for an hour, and fetched again when a
//! token names an unknown key id (at most every ten seconds, so forged kids cannot make us hammer the issuer).
//!
//! The token is only read here: it is never sent anywhere, least of all to Okta's API (the server calls Okta
//! with its own credentials).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use serde_json::Value;
use tokio::sync::{Mutex, RwLock};
use url::Url;

/// How long a fetched JWKS is trusted before it is fetched again.
const JWKS_TTL: Duration = Duration::from_secs(3600);
/// The shortest time between two fetches triggered by unknown key ids.
const REFETCH_FLOOR: Duration = Duration::from_secs(10);
/// Clock skew allowed on `exp` and `nbf`.
const LEEWAY_SECS: u64 = 60;

/// Why a token was refused: the 401/403 `error` and a description for the `WWW-Authenticate` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    /// No bearer token at all (401 without an error code).
    Missing,
    /// Not a valid token for this server (401 `invalid_token`).
    Invalid(String),
    /// Valid, but without the scope this server requires (403 `insufficient_scope`).
    Scope(String),
    /// The issuer could not be reached to check the token (503).
    Unavailable(String),
}

impl std::fmt::Display for Rejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Rejection::Missing => f.write_str("no bearer token"),
            Rejection::Invalid(why) | Rejection::Scope(why) | Rejection::Unavailable(why) => f.write_str(why),
        }
    }
}

/// The claims of a valid token that the server uses.
#[derive(Debug, Clone)]
pub struct Claims {
    pub subject: String,
    /// A name for people: `email`, `preferred_username`, `login`, else the subject.
    pub name: String,
    pub client_id: Option<String>,
    pub groups: Vec<String>,
    pub scopes: Vec<String>,
    /// Delegated sign-in: the person's own Okta access token (never for Okta-issued inbound tokens).
    pub okta_token: Option<okta_core::Secret>,
}

#[derive(Debug, Deserialize)]
struct AuthServerMetadata {
    issuer: String,
    jwks_uri: String,
}

struct Keys {
    keys: HashMap<String, DecodingKey>,
    /// The last successful fetch.
    fetched: Option<Instant>,
    /// The last attempt, successful or not: no attempt within the floor of it, so neither forged kids nor an
    /// issuer that is down make us hammer it.
    attempted: Option<Instant>,
}

/// Checks tokens of one issuer for one audience.
pub struct TokenValidator {
    issuer: String,
    audience: String,
    scope: Option<String>,
    groups_claim: String,
    /// The issuer's metadata document (`oauth-authorization-server`, or `openid-configuration` for ID tokens).
    metadata: &'static str,
    http: reqwest::Client,
    jwks_uri: Mutex<Option<Url>>,
    keys: RwLock<Keys>,
    fetch: Mutex<()>,
}

impl std::fmt::Debug for TokenValidator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenValidator").field("issuer", &self.issuer).field("audience", &self.audience).finish()
    }
}

impl TokenValidator {
    /// `issuer`: `https://{org}/oauth2/{authServerId}` (http only for loopback).
    pub fn new(issuer: &str, audience: &str, scope: Option<&str>, groups_claim: &str) -> Result<Self, String> {
        let issuer = issuer.trim().trim_end_matches('/').to_owned();
        let url = Url::parse(&issuer).map_err(|e| format!("OKTA_MCP_AUTH_ISSUER `{issuer}`: {e}"))?;
        let loopback = super::is_loopback(&url);
        if url.scheme() != "https" && !(url.scheme() == "http" && loopback) {
            return Err(format!("OKTA_MCP_AUTH_ISSUER `{issuer}` must be https (http only on loopback)"));
        }
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| format!("cannot build the HTTP client for the issuer: {e}"))?;
        Ok(TokenValidator {
            issuer,
            audience: audience.to_owned(),
            scope: scope.filter(|s| !s.is_empty()).map(str::to_owned),
            groups_claim: groups_claim.to_owned(),
            metadata: "oauth-authorization-server",
            http,
            jwks_uri: Mutex::new(None),
            keys: RwLock::new(Keys { keys: HashMap::new(), fetched: None, attempted: None }),
            fetch: Mutex::new(()),
        })
    }

    /// Find the keys through the OpenID Connect discovery document (ID tokens; Okta's org authorization server).
    pub fn with_openid_discovery(mut self) -> Self {
        self.metadata = "openid-configuration";
        self
    }

    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    pub fn scope(&self) -> Option<&str> {
        self.scope.as_deref()
    }

    /// The issuer's metadata (RFC 8414) names its JWKS; its `issuer` must be ours.
    async fn jwks_uri(&self) -> Result<Url, String> {
        let mut known = self.jwks_uri.lock().await;
        if let Some(uri) = known.as_ref() {
            return Ok(uri.clone());
        }
        let url = format!("{}/.well-known/{}", self.issuer, self.metadata);
        let response = self.http.get(&url).send().await.map_err(|e| format!("{url}: {e}"))?;
        if !response.status().is_success() {
            return Err(format!("{url}: HTTP {}", response.status().as_u16()));
        }
        let metadata: AuthServerMetadata = response.json().await.map_err(|e| format!("{url}: {e}"))?;
        if metadata.issuer.trim_end_matches('/') != self.issuer {
            return Err(format!("{url} names issuer {}, not {}", metadata.issuer, self.issuer));
        }
        let jwks_uri = Url::parse(&metadata.jwks_uri).map_err(|e| format!("{url}: jwks_uri: {e}"))?;
        let issuer = Url::parse(&self.issuer).map_err(|e| format!("{}: {e}", self.issuer))?;
        if jwks_uri.origin() != issuer.origin() {
            return Err(format!("{url}: jwks_uri {jwks_uri} is not on the issuer's own host"));
        }
        *known = Some(jwks_uri.clone());
        Ok(jwks_uri)
    }

    /// Fetch the JWKS again (one fetch at a time; never within the floor of the last attempt; without `force`,
    /// only once the keys are older than their TTL). When a fetch fails, the keys already known stay in use.
    async fn refresh(&self, force: bool) -> Result<(), String> {
        let _one = self.fetch.lock().await;
        {
            let keys = self.keys.read().await;
            let fresh = keys.fetched.is_some_and(|at| at.elapsed() < JWKS_TTL);
            let recent = keys.attempted.is_some_and(|at| at.elapsed() < REFETCH_FLOOR);
            if recent || (!force && fresh) {
                return Ok(());
            }
        }
        self.keys.write().await.attempted = Some(Instant::now());
        match self.fetch_keys().await {
            Ok(keys) => {
                let mut known = self.keys.write().await;
                known.keys = keys;
                known.fetched = Some(Instant::now());
                Ok(())
            }
            Err(e) if !self.keys.read().await.keys.is_empty() => {
                tracing::warn!("cannot refresh the inbound issuer's keys (the known ones stay in use): {e}");
                Ok(())
            }
            Err(e) => Err(e),
        }
    }

    async fn fetch_keys(&self) -> Result<HashMap<String, DecodingKey>, String> {
        let uri = self.jwks_uri().await?;
        let response = self.http.get(uri.clone()).send().await.map_err(|e| format!("{uri}: {e}"))?;
        if !response.status().is_success() {
            return Err(format!("{uri}: HTTP {}", response.status().as_u16()));
        }
        let set: JwkSet = response.json().await.map_err(|e| format!("{uri}: {e}"))?;
        let mut keys = HashMap::new();
        for jwk in &set.keys {
            // RSA signing keys only (tokens are RS256).
            let rsa = matches!(jwk.algorithm, jsonwebtoken::jwk::AlgorithmParameters::RSA(_));
            let signing =
                jwk.common.public_key_use.as_ref().is_none_or(|u| *u == jsonwebtoken::jwk::PublicKeyUse::Signature);
            let (true, true, Some(kid), Ok(key)) =
                (rsa, signing, jwk.common.key_id.clone(), DecodingKey::from_jwk(jwk))
            else {
                continue;
            };
            keys.insert(kid, key);
        }
        Ok(keys)
    }

    /// Is the issuer reachable with a usable JWKS (`/readyz`)?
    pub async fn ready(&self) -> Result<(), String> {
        self.refresh(false).await?;
        if self.keys.read().await.keys.is_empty() {
            return Err(format!("the issuer {} publishes no usable signing key", self.issuer));
        }
        Ok(())
    }

    async fn key(&self, kid: &str) -> Result<Option<DecodingKey>, Rejection> {
        if let Some(key) = self.keys.read().await.keys.get(kid) {
            return Ok(Some(key.clone()));
        }
        self.refresh(true).await.map_err(|e| Rejection::Unavailable(format!("cannot fetch the issuer's keys: {e}")))?;
        let keys = self.keys.read().await;
        if keys.keys.is_empty() {
            return Err(Rejection::Unavailable("the issuer's signing keys are not known yet".to_owned()));
        }
        Ok(keys.keys.get(kid).cloned())
    }

    /// Check a bearer token; its claims when it is good for this server.
    pub async fn validate(&self, token: &str) -> Result<Claims, Rejection> {
        self.validate_full(token).await.map(|(claims, _)| claims)
    }

    /// [`Self::validate`], with every claim of the token too (an ID token's `nonce`).
    pub async fn validate_full(&self, token: &str) -> Result<(Claims, Value), Rejection> {
        let invalid = |why: &str| Rejection::Invalid(why.to_owned());
        let header = jsonwebtoken::decode_header(token).map_err(|_| invalid("the bearer token is not a JWT"))?;
        if header.alg != Algorithm::RS256 {
            return Err(invalid("the bearer token is not signed with RS256"));
        }
        let kid = header.kid.ok_or_else(|| invalid("the bearer token names no signing key (kid)"))?;
        if self.keys.read().await.fetched.is_none_or(|at| at.elapsed() >= JWKS_TTL) {
            self.refresh(false)
                .await
                .map_err(|e| Rejection::Unavailable(format!("cannot fetch the issuer's keys: {e}")))?;
        }
        let key = self
            .key(&kid)
            .await?
            .ok_or_else(|| invalid("the bearer token is signed by a key the issuer does not publish"))?;
        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[&self.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = LEEWAY_SECS;
        validation.validate_nbf = true;
        let data = jsonwebtoken::decode::<Value>(token, &key, &validation).map_err(|e| {
            use jsonwebtoken::errors::ErrorKind;
            Rejection::Invalid(
                match e.kind() {
                    ErrorKind::ExpiredSignature => "the bearer token has expired",
                    ErrorKind::InvalidAudience => "the bearer token was not issued for this server (audience)",
                    ErrorKind::InvalidIssuer => "the bearer token is from another issuer",
                    ErrorKind::ImmatureSignature => "the bearer token is not valid yet",
                    ErrorKind::InvalidSignature => "the bearer token's signature does not verify",
                    ErrorKind::MissingRequiredClaim(_) => {
                        "the bearer token lacks a required claim (exp, iss, aud, sub)"
                    }
                    _ => "the bearer token is malformed",
                }
                .to_owned(),
            )
        })?;
        let claims = data.claims;
        let text = |key: &str| claims.get(key).and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_owned);
        let strings = |value: Option<&Value>| -> Vec<String> {
            match value {
                Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
                Some(Value::String(s)) => s.split(' ').filter(|s| !s.is_empty()).map(str::to_owned).collect(),
                _ => Vec::new(),
            }
        };
        // Okta puts scopes in `scp` (an array); RFC 9068 in `scope` (space-separated).
        let mut scopes = strings(claims.get("scp"));
        scopes.extend(strings(claims.get("scope")));
        if let Some(required) = &self.scope
            && !scopes.iter().any(|s| s == required)
        {
            return Err(Rejection::Scope(format!("the bearer token lacks the scope `{required}`")));
        }
        let subject = text("sub").ok_or_else(|| invalid("the bearer token has an empty subject"))?;
        let name =
            text("email").or_else(|| text("preferred_username")).or_else(|| text("login")).unwrap_or(subject.clone());
        let claims_out = Claims {
            name,
            client_id: text("cid").or_else(|| text("client_id")).or_else(|| text("azp")),
            groups: match claims.get(&self.groups_claim) {
                // One group name (may hold spaces), not a list.
                Some(Value::String(one)) => vec![one.clone()],
                other => strings(other),
            },
            scopes,
            subject,
            okta_token: None,
        };
        Ok((claims_out, claims))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use base64::Engine as _;
    use jsonwebtoken::{EncodingKey, Header};
    use rsa::pkcs1::EncodeRsaPrivateKey;
    use rsa::traits::PublicKeyParts;
    use serde_json::json;

    use super::*;

    struct Key {
        kid: String,
        encoding: EncodingKey,
        jwk: Value,
    }

    fn key(kid: &str) -> Key {
        let private = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).expect("rsa key");
        let pem = private.to_pkcs1_pem(rsa::pkcs1::LineEnding::LF).expect("pem");
        let b64 = |bytes: Vec<u8>| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
        Key {
            kid: kid.to_owned(),
            encoding: EncodingKey::from_rsa_pem(pem.as_bytes()).expect("encoding key"),
            jwk: json!({"kty": "RSA", "alg": "RS256", "use": "sig", "kid": kid,
                        "n": b64(private.n().to_bytes_be()), "e": b64(private.e().to_bytes_be())}),
        }
    }

    /// A stand-in issuer: metadata and a JWKS that a test can change.
    async fn issuer(keys: Arc<std::sync::Mutex<Vec<Value>>>) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}/oauth2/aus1", listener.local_addr().expect("addr"));
        let metadata = json!({"issuer": base, "jwks_uri": format!("{base}/v1/keys")});
        let app = axum::Router::new()
            .route(
                "/oauth2/aus1/.well-known/oauth-authorization-server",
                axum::routing::get(move || async move { axum::Json(metadata) }),
            )
            .route(
                "/oauth2/aus1/v1/keys",
                axum::routing::get(move || async move {
                    let keys = keys.lock().map(|k| k.clone()).unwrap_or_default();
                    axum::Json(json!({ "keys": keys }))
                }),
            );
        tokio::spawn(async move { axum::serve(listener, app).await });
        base
    }

    fn token(key: &Key, claims: Value) -> String {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(key.kid.clone());
        jsonwebtoken::encode(&header, &claims, &key.encoding).expect("sign")
    }

    fn now() -> i64 {
        chrono::Utc::now().timestamp()
    }

    const AUD: &str = "http://127.0.0.1:8080/mcp";

    fn claims(iss: &str) -> Value {
        json!({"iss": iss, "aud": AUD, "sub": "carol@example.com", "exp": now() + 600, "iat": now(),
               "cid": "0oaclient", "scp": ["mcp", "openid"], "groups": ["Help Desk", "Everyone"]})
    }

    #[tokio::test]
    async fn tokens_are_validated_locally() {
        let first = key("k1");
        let keys = Arc::new(std::sync::Mutex::new(vec![first.jwk.clone()]));
        let iss = issuer(keys.clone()).await;
        let validator = TokenValidator::new(&iss, AUD, Some("mcp"), "groups").expect("validator");
        validator.ready().await.expect("ready");

        let good = validator.validate(&token(&first, claims(&iss))).await.expect("valid");
        assert_eq!(good.subject, "carol@example.com");
        assert_eq!(good.groups, ["Help Desk", "Everyone"]);
        assert_eq!(good.client_id.as_deref(), Some("0oaclient"));

        let refused = |why: &'static str| {
            move |r: Result<Claims, Rejection>| match r {
                Err(Rejection::Invalid(m)) => assert!(m.contains(why), "{m}"),
                other => panic!("expected invalid ({why}): {other:?}"),
            }
        };
        let mut c = claims(&iss);
        c["aud"] = json!("api://default");
        refused("audience")(validator.validate(&token(&first, c)).await);
        let mut c = claims(&iss);
        c["iss"] = json!("http://127.0.0.1:1/oauth2/other");
        refused("another issuer")(validator.validate(&token(&first, c)).await);
        let mut c = claims(&iss);
        c["exp"] = json!(now() - 3600);
        refused("expired")(validator.validate(&token(&first, c)).await);
        refused("not a JWT")(validator.validate("not.a.token").await);
        let mut c = claims(&iss);
        c["scp"] = json!(["openid"]);
        assert!(matches!(validator.validate(&token(&first, c)).await, Err(Rejection::Scope(_))));

        // A token signed by a key the issuer does not publish.
        let stranger = key("k1");
        refused("signature")(validator.validate(&token(&stranger, claims(&iss))).await);
        // HS256 with the public key as the secret (algorithm confusion) is refused before any key is used.
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some("k1".into());
        let hs = jsonwebtoken::encode(&header, &claims(&iss), &EncodingKey::from_secret(b"secret")).expect("hs256");
        refused("RS256")(validator.validate(&hs).await);
    }

    #[tokio::test]
    async fn rotated_keys_are_fetched_when_a_token_names_them() {
        let first = key("k1");
        let keys = Arc::new(std::sync::Mutex::new(vec![first.jwk.clone()]));
        let iss = issuer(keys.clone()).await;
        let validator = TokenValidator::new(&iss, AUD, Some("mcp"), "groups").expect("validator");
        validator.validate(&token(&first, claims(&iss))).await.expect("valid");
        let second = key("k2");
        keys.lock().expect("lock").push(second.jwk.clone());
        // The cache is fresh, but an unknown kid fetches again (once the refetch floor has passed).
        validator.keys.write().await.attempted = Some(Instant::now() - REFETCH_FLOOR);
        validator.validate(&token(&second, claims(&iss))).await.expect("rotated key found");
        // Unknown kids right after a fetch do not fetch again.
        let third = key("k3");
        keys.lock().expect("lock").push(third.jwk.clone());
        assert!(validator.validate(&token(&third, claims(&iss))).await.is_err());
    }

    #[test]
    fn issuers_must_be_https_off_loopback() {
        assert!(TokenValidator::new("http://example.okta.com/oauth2/default", AUD, None, "groups").is_err());
        assert!(TokenValidator::new("https://example.okta.com/oauth2/default/", AUD, None, "groups").is_ok());
        assert!(TokenValidator::new("http://127.0.0.1:9/oauth2/default", AUD, None, "groups").is_ok());
    }
}
