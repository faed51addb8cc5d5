//! OAuth 2.0 client credentials with a `private_key_jwt` client assertion.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use reqwest::Method;
use reqwest::header::{AUTHORIZATION, HeaderMap};
use serde::{Deserialize, Serialize};
use url::Url;

use super::dpop::{DpopKey, NonceSlot};
use super::token_cache::{AccessToken, TokenCache};
use super::{AuthHeaders, sensitive_value};
use crate::config::{DpopMode, PrivateKeyJwtConfig};
use crate::error::{OktaError, snippet};
use crate::key::SigningKey;
use crate::secret::Secret;

/// `client_assertion_type` for a JWT client assertion.
pub(crate) const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
/// Assertion lifetime (Okta allows at most one hour).
pub(crate) const ASSERTION_TTL_SECS: u64 = 300;

/// Claims of the client assertion.
#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
pub(crate) struct AssertionClaims {
    pub(crate) iss: String,
    pub(crate) sub: String,
    pub(crate) aud: String,
    pub(crate) iat: u64,
    pub(crate) exp: u64,
    pub(crate) jti: String,
}

/// Build and sign a fresh client assertion (new `jti` every call).
pub(crate) fn client_assertion(
    key: &SigningKey,
    kid: Option<&str>,
    client_id: &str,
    token_url: &str,
    now_epoch: u64,
) -> Result<Secret, OktaError> {
    let claims = AssertionClaims {
        iss: client_id.to_string(),
        sub: client_id.to_string(),
        aud: token_url.to_string(),
        iat: now_epoch,
        exp: now_epoch + ASSERTION_TTL_SECS,
        jti: uuid::Uuid::new_v4().to_string(),
    };
    key.sign(&claims, kid)
        .map(Secret::new)
        .map_err(|e| OktaError::Config(crate::ConfigError::Key { var: crate::config::ENV_PRIVATE_KEY, source: e }))
}

#[derive(Debug, Deserialize)]
struct TokenResponse {
    token_type: Option<String>,
    expires_in: Option<u64>,
    access_token: Option<String>,
    scope: Option<String>,
}

#[derive(Debug, Deserialize)]
struct TokenErrorResponse {
    error: Option<String>,
    error_description: Option<String>,
}

/// OAuth authorizer for a service app.
pub(crate) struct PrivateKeyJwtAuth {
    http: reqwest::Client,
    token_url: String,
    config: PrivateKeyJwtConfig,
    scopes: Vec<String>,
    cache: TokenCache,
    /// The process's DPoP key (none with `OKTA_DPOP=never`).
    dpop: Option<DpopKey>,
    /// The authorization server's latest `DPoP-Nonce`.
    as_nonce: NonceSlot,
    /// The resource server's (API's) latest `DPoP-Nonce`.
    rs_nonce: NonceSlot,
}

impl fmt::Debug for PrivateKeyJwtAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrivateKeyJwtAuth")
            .field("token_url", &self.token_url)
            .field("client_id", &self.config.client_id)
            .field("key_id", &self.config.key_id)
            .field("scopes", &self.scopes)
            .field("dpop", &self.dpop)
            .finish_non_exhaustive()
    }
}

impl PrivateKeyJwtAuth {
    pub(crate) fn new(
        config: PrivateKeyJwtConfig,
        http: reqwest::Client,
        org_origin: &str,
        scopes: Vec<String>,
    ) -> Result<Self, OktaError> {
        let dpop = match config.dpop {
            DpopMode::Never => None,
            DpopMode::Auto | DpopMode::Always => Some(DpopKey::generate()?),
        };
        Ok(Self {
            http,
            token_url: format!("{org_origin}/oauth2/v1/token"),
            config,
            scopes,
            cache: TokenCache::default(),
            dpop,
            as_nonce: NonceSlot::default(),
            rs_nonce: NonceSlot::default(),
        })
    }

    /// `Authorization: <token_type> <token>`, plus a `DPoP` proof for `method url` when the token
    /// is DPoP-bound.
    pub(crate) async fn headers(&self, method: &Method, url: &Url) -> Result<AuthHeaders, OktaError> {
        let token = self.token().await?;
        let value = sensitive_value(&format!("{} {}", token.token_type, token.value.expose()))?;
        let mut headers = vec![(AUTHORIZATION, value)];
        let mut dpop = false;
        if token.token_type == "DPoP"
            && let Some(key) = &self.dpop
        {
            let proof = key.proof(method.as_str(), url, self.rs_nonce.get().as_deref(), Some(token.value.expose()))?;
            headers.push((reqwest::header::HeaderName::from_static("dpop"), sensitive_value(proof.expose())?));
            dpop = true;
        }
        Ok(AuthHeaders { headers, token_generation: Some(token.generation), dpop })
    }

    /// The API sent a `DPoP-Nonce`: use it in the following proofs. True when it is new.
    pub(crate) fn resource_nonce(&self, nonce: &str) -> bool {
        self.dpop.is_some() && self.rs_nonce.set(nonce)
    }

    /// Whether tokens are requested with a DPoP proof, and the key's thumbprint.
    pub(crate) fn dpop_thumbprint(&self) -> Option<&str> {
        self.dpop.as_ref().map(DpopKey::thumbprint)
    }

    pub(crate) async fn token_info(&self) -> Result<crate::client::TokenInfo, OktaError> {
        let token = self.token().await?;
        Ok(crate::client::TokenInfo {
            token_type: token.token_type.clone(),
            scopes: match &token.scope {
                Some(s) => s.split_whitespace().map(str::to_string).collect(),
                None => self.scopes.clone(),
            },
            expires_in: token.lifetime.saturating_sub(token.obtained_at.elapsed()),
            dpop_mode: self.config.dpop,
        })
    }

    pub(crate) async fn invalidate(&self, generation: u64) {
        self.cache.invalidate(generation).await;
    }

    pub(crate) async fn granted_scopes(&self) -> Result<Vec<String>, OktaError> {
        let token = self.token().await?;
        Ok(match &token.scope {
            Some(s) => s.split_whitespace().map(str::to_string).collect(),
            None => self.scopes.clone(),
        })
    }

    async fn token(&self) -> Result<Arc<AccessToken>, OktaError> {
        self.cache.get_or_fetch(|generation| self.fetch_token(generation)).await
    }

    async fn fetch_token(&self, generation: u64) -> Result<AccessToken, OktaError> {
        let started = Instant::now();
        let result = self.token_request().await;
        match &result {
            Ok(t) => tracing::debug!(
                token_type = %t.token_type,
                expires_in = t.lifetime.as_secs(),
                scope = t.scope.as_deref().unwrap_or(""),
                duration_ms = started.elapsed().as_millis() as u64,
                generation,
                "obtained OAuth access token"
            ),
            Err(e) => tracing::debug!(error = %e, "OAuth token request failed"),
        }
        result.map(|mut t| {
            t.generation = generation;
            t
        })
    }

    /// The one function that talks to the token endpoint. Each attempt builds a fresh client
    /// assertion (assertions are single use) and, unless `OKTA_DPOP=never`, a fresh DPoP proof
    /// carrying the authorization server's latest nonce. On `400 use_dpop_nonce` it takes the
    /// `DPoP-Nonce` header and retries once.
    async fn token_request(&self) -> Result<AccessToken, OktaError> {
        let token_url = Url::parse(&self.token_url).map_err(|e| OktaError::InvalidInput {
            field: "token URL".into(),
            reason: format!("not a valid URL ({e})"),
        })?;
        let mut attempts = 0;
        loop {
            attempts += 1;
            let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
            let assertion = client_assertion(
                &self.config.key,
                self.config.key_id.as_deref(),
                &self.config.client_id,
                &self.token_url,
                now,
            )?;
            let scope = self.scopes.join(" ");
            let form = [
                ("grant_type", "client_credentials"),
                ("scope", scope.as_str()),
                ("client_assertion_type", ASSERTION_TYPE),
                ("client_assertion", assertion.expose()),
            ];
            let request = self.http.post(&self.token_url).form(&form);
            let dpop_proof = match &self.dpop {
                Some(key) => Some(key.proof("POST", &token_url, self.as_nonce.get().as_deref(), None)?),
                None => None,
            };
            let request = match &dpop_proof {
                Some(proof) => request.header("DPoP", sensitive_value(proof.expose())?),
                None => request,
            };
            let response = request.send().await.map_err(|e| OktaError::Transport {
                message: format!(
                    "OAuth token request to {} failed: {}",
                    self.token_url,
                    crate::client::describe_reqwest_error(&e)
                ),
                request_id: None,
            })?;
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            let request_id = crate::client::request_id_of(&headers);
            let body = response.bytes().await.map_err(|e| OktaError::Transport {
                message: format!(
                    "reading the OAuth token response failed: {}",
                    crate::client::describe_reqwest_error(&e)
                ),
                request_id: request_id.clone(),
            })?;
            let nonce = nonce_of(&headers);
            if dpop_proof.is_some()
                && let Some(n) = &nonce
            {
                self.as_nonce.set(n);
            }
            if (200..300).contains(&status) {
                let token = parse_token_response(&body, request_id.clone())?;
                if token.token_type != "DPoP" && self.config.dpop == DpopMode::Always {
                    return Err(OktaError::Auth {
                        status,
                        error: "dpop_not_enabled".into(),
                        description: Some(format!("Okta issued a {} token, not a DPoP-bound one.", token.token_type)),
                        clock_skew_secs: None,
                        request_id,
                    });
                }
                if token.token_type == "DPoP" && dpop_proof.is_none() {
                    return Err(OktaError::Decode {
                        message: "Okta issued a DPoP token for a request without a DPoP proof".into(),
                        request_id,
                    });
                }
                return Ok(token);
            }
            let err = parse_token_error(status, &body, request_id, clock_skew_of(&headers));
            if let OktaError::Auth { error, .. } = &err
                && error == "use_dpop_nonce"
                && dpop_proof.is_some()
                && attempts < 2
                && nonce.is_some()
            {
                tracing::debug!("the authorization server asked for a DPoP nonce: retrying with it");
                continue;
            }
            return Err(err);
        }
    }
}

/// Okta's clock minus ours, in whole seconds, from a response's `Date` header.
pub(crate) fn clock_skew_of(headers: &HeaderMap) -> Option<i64> {
    let date = headers.get(reqwest::header::DATE)?.to_str().ok()?;
    let server = httpdate::parse_http_date(date).ok()?;
    let now = SystemTime::now();
    Some(match server.duration_since(now) {
        Ok(ahead) => ahead.as_secs() as i64,
        Err(e) => -(e.duration().as_secs() as i64),
    })
}

pub(crate) fn nonce_of(headers: &HeaderMap) -> Option<String> {
    headers.get("dpop-nonce").and_then(|v| v.to_str().ok()).map(str::to_string)
}

fn parse_token_response(body: &[u8], request_id: Option<String>) -> Result<AccessToken, OktaError> {
    let decode = |message: String| OktaError::Decode { message, request_id: request_id.clone() };
    let parsed: TokenResponse = serde_json::from_slice(body)
        .map_err(|e| decode(format!("the OAuth token response is not valid JSON ({e})")))?;
    let access_token = parsed
        .access_token
        .filter(|t| !t.is_empty())
        .ok_or_else(|| decode("the OAuth token response has no access_token".into()))?;
    let token_type = match parsed.token_type.as_deref() {
        None | Some("") => "Bearer".to_string(),
        Some(t) if t.eq_ignore_ascii_case("bearer") => "Bearer".to_string(),
        Some(t) if t.eq_ignore_ascii_case("dpop") => "DPoP".to_string(),
        Some(t) => t.to_string(),
    };
    Ok(AccessToken {
        token_type,
        value: Secret::new(access_token),
        scope: parsed.scope,
        obtained_at: Instant::now(),
        lifetime: Duration::from_secs(parsed.expires_in.unwrap_or(3600).max(1)),
        generation: 0,
    })
}

fn parse_token_error(status: u16, body: &[u8], request_id: Option<String>, skew: Option<i64>) -> OktaError {
    match serde_json::from_slice::<TokenErrorResponse>(body) {
        Ok(TokenErrorResponse { error: Some(error), error_description }) => {
            let clock_skew_secs = skew.filter(|_| crate::error::is_time_error(error_description.as_deref()));
            OktaError::Auth { status, error, description: error_description, clock_skew_secs, request_id }
        }
        _ => {
            // Maybe an Okta-style body, or HTML from a proxy.
            let parsed = crate::error::OktaErrorBody::parse(body);
            let description = match (&parsed.error_summary, &parsed.raw) {
                (Some(s), _) => Some(s.clone()),
                (None, serde_json::Value::String(s)) if !s.is_empty() => Some(s.clone()),
                _ => Some(snippet(body)).filter(|s| !s.is_empty()),
            };
            OktaError::Auth {
                status,
                error: parsed.error_code.unwrap_or_else(|| format!("http_{status}")),
                description,
                clock_skew_secs: None,
                request_id,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::test_key;

    fn decode(token: &str) -> (jsonwebtoken::Header, AssertionClaims) {
        let key = jsonwebtoken::DecodingKey::from_rsa_pem(test_key().public_pem.as_bytes()).unwrap();
        let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
        validation.set_audience(&["https://dev-1.okta.com/oauth2/v1/token"]);
        validation.set_issuer(&["0oaClient"]);
        let data = jsonwebtoken::decode::<AssertionClaims>(token, &key, &validation).unwrap();
        (data.header, data.claims)
    }

    #[test]
    fn assertion_claims_and_header() {
        let key = SigningKey::parse(&test_key().pkcs8_pem).unwrap();
        let now = jsonwebtoken::get_current_timestamp();
        let url = "https://dev-1.okta.com/oauth2/v1/token";
        let a1 = client_assertion(&key, Some("kid-1"), "0oaClient", url, now).unwrap();
        let a2 = client_assertion(&key, Some("kid-1"), "0oaClient", url, now).unwrap();
        let (h1, c1) = decode(a1.expose());
        let (_, c2) = decode(a2.expose());
        assert_eq!(h1.alg, jsonwebtoken::Algorithm::RS256);
        assert_eq!(h1.kid.as_deref(), Some("kid-1"));
        assert_eq!(c1.iss, "0oaClient");
        assert_eq!(c1.sub, "0oaClient");
        assert_eq!(c1.aud, url);
        assert_eq!(c1.iat, now);
        assert!(c1.exp > c1.iat && c1.exp - c1.iat <= 3600);
        assert_ne!(c1.jti, c2.jti);
        assert!(uuid::Uuid::parse_str(&c1.jti).is_ok());
        assert_eq!(format!("{a1:?}"), "[redacted]");
    }

    #[test]
    fn jwk_key_signs_verifiable_assertions() {
        let key = SigningKey::parse(&test_key().jwk.to_string()).unwrap();
        let now = jsonwebtoken::get_current_timestamp();
        let a =
            client_assertion(&key, key.jwk_kid(), "0oaClient", "https://dev-1.okta.com/oauth2/v1/token", now).unwrap();
        let (h, _) = decode(a.expose());
        assert_eq!(h.kid.as_deref(), Some("test-kid-1"));
    }

    #[test]
    fn token_responses() {
        let t = parse_token_response(
            br#"{"token_type":"Bearer","expires_in":3600,"access_token":"eyJ.a.b","scope":"okta.users.read"}"#,
            None,
        )
        .unwrap();
        assert_eq!(t.token_type, "Bearer");
        assert_eq!(t.lifetime, Duration::from_secs(3600));
        assert_eq!(t.scope.as_deref(), Some("okta.users.read"));
        assert!(parse_token_response(br#"{"token_type":"Bearer"}"#, None).is_err());

        let e = parse_token_error(
            401,
            br#"{"error":"invalid_client","error_description":"The client_assertion token has an invalid kid."}"#,
            Some("rid".into()),
            None,
        );
        assert!(matches!(&e, OktaError::Auth { error, description: Some(d), .. }
            if error == "invalid_client" && d.contains("kid")));
        assert_eq!(e.request_id(), Some("rid"));
        let e = parse_token_error(502, b"<html>Bad gateway</html>", None, None);
        assert!(matches!(&e, OktaError::Auth { error, .. } if error == "http_502"), "{e:?}");
    }
}
