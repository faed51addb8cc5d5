//! Okta, where people sign in: its OpenID Connect discovery document (fetched and kept for an hour), the
//! authorization request (PKCE S256 and a nonce), the code exchange with this server's OIDC client
//! (client_secret_basic), and the ID token's validation (RS256 against the issuer's JWKS; issuer, audience = our
//! client id, expiry, nonce). In delegated mode the person's Okta access and refresh tokens are kept (sealed in
//! their grant) and refreshed when near expiry.

use std::time::{Duration, Instant};

use okta_core::Secret;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::sync::Mutex;
use url::Url;

use crate::auth::token::{Rejection, TokenValidator};

const DISCOVERY_TTL: Duration = Duration::from_secs(3600);

/// The parts of the discovery document used here.
#[derive(Debug, Clone, Deserialize)]
pub struct Discovery {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    #[serde(default)]
    pub revocation_endpoint: Option<String>,
}

/// Who signed in, from the ID token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub subject: String,
    pub name: String,
    pub groups: Vec<String>,
}

/// The person's Okta tokens (delegated mode).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OktaTokens {
    #[serde(rename = "a")]
    pub access: String,
    #[serde(rename = "r", default, skip_serializing_if = "Option::is_none")]
    pub refresh: Option<String>,
    /// When `access` expires (Unix seconds).
    #[serde(rename = "e")]
    pub exp: i64,
}

impl std::fmt::Debug for OktaTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OktaTokens").field("exp", &self.exp).finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
struct TokenAnswer {
    #[serde(default)]
    access_token: Option<String>,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    id_token: Option<String>,
    #[serde(default)]
    expires_in: Option<i64>,
}

/// This server's OIDC client at Okta.
pub struct Upstream {
    pub issuer: String,
    client_id: String,
    secret: Secret,
    /// What is asked for at sign-in.
    pub scopes: Vec<String>,
    http: reqwest::Client,
    discovery: Mutex<Option<(Instant, Discovery)>>,
    id_tokens: TokenValidator,
}

impl std::fmt::Debug for Upstream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Upstream").field("issuer", &self.issuer).field("client_id", &self.client_id).finish()
    }
}

impl Upstream {
    pub fn new(
        issuer: &str,
        client_id: &str,
        secret: Secret,
        scopes: Vec<String>,
        groups_claim: &str,
    ) -> Result<Self, String> {
        let id_tokens = TokenValidator::new(issuer, client_id, None, groups_claim)
            .map_err(|e| e.replace("OKTA_MCP_AUTH_ISSUER", "OKTA_MCP_OIDC_ISSUER"))?
            .with_openid_discovery();
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| format!("cannot build the HTTP client for Okta sign-in: {e}"))?;
        Ok(Upstream {
            issuer: id_tokens.issuer().to_owned(),
            client_id: client_id.to_owned(),
            secret,
            scopes,
            http,
            discovery: Mutex::new(None),
            id_tokens,
        })
    }

    /// The discovery document (cached for an hour; its endpoints must be on the issuer's own host).
    pub async fn discovery(&self) -> Result<Discovery, String> {
        let mut known = self.discovery.lock().await;
        if let Some((at, discovery)) = known.as_ref()
            && at.elapsed() < DISCOVERY_TTL
        {
            return Ok(discovery.clone());
        }
        let url = format!("{}/.well-known/openid-configuration", self.issuer);
        let response = self.http.get(&url).send().await.map_err(|e| format!("{url}: {e}"))?;
        if !response.status().is_success() {
            return Err(format!("{url}: HTTP {}", response.status().as_u16()));
        }
        let discovery: Discovery = response.json().await.map_err(|e| format!("{url}: {e}"))?;
        if discovery.issuer.trim_end_matches('/') != self.issuer {
            return Err(format!("{url} names issuer {}, not {}", discovery.issuer, self.issuer));
        }
        let origin = Url::parse(&self.issuer).map_err(|e| e.to_string())?.origin();
        // Every endpoint the client secret or the person's tokens go to is the issuer's own.
        let endpoints = [Some(&discovery.authorization_endpoint), Some(&discovery.token_endpoint)];
        for endpoint in endpoints.into_iter().chain([discovery.revocation_endpoint.as_ref()]).flatten() {
            let parsed = Url::parse(endpoint).map_err(|e| format!("{url}: {endpoint}: {e}"))?;
            if parsed.origin() != origin {
                return Err(format!("{url}: {endpoint} is not on the issuer's own host"));
            }
        }
        *known = Some((Instant::now(), discovery.clone()));
        Ok(discovery)
    }

    /// `/readyz` and `doctor`: the discovery document and the signing keys can be fetched.
    pub async fn ready(&self) -> Result<(), String> {
        self.discovery().await?;
        self.id_tokens.ready().await
    }

    /// Where to send the person's browser.
    pub async fn authorize_url(
        &self,
        redirect_uri: &str,
        state: &str,
        nonce: &str,
        challenge: &str,
    ) -> Result<Url, String> {
        let discovery = self.discovery().await?;
        let mut url = Url::parse(&discovery.authorization_endpoint).map_err(|e| e.to_string())?;
        url.query_pairs_mut()
            .append_pair("client_id", &self.client_id)
            .append_pair("response_type", "code")
            .append_pair("response_mode", "query")
            .append_pair("scope", &self.scopes.join(" "))
            .append_pair("redirect_uri", redirect_uri)
            .append_pair("state", state)
            .append_pair("nonce", nonce)
            .append_pair("code_challenge", challenge)
            .append_pair("code_challenge_method", "S256");
        Ok(url)
    }

    async fn token_request(&self, form: &[(&str, &str)]) -> Result<TokenAnswer, String> {
        self.token_request_kind(form).await.map_err(|e| e.why)
    }

    /// A token request whose failure says whether Okta refused (4xx) or could not answer (anything else).
    async fn token_request_kind(&self, form: &[(&str, &str)]) -> Result<TokenAnswer, UpstreamError> {
        let transient = |why: String| UpstreamError { refused: false, why };
        let discovery = self.discovery().await.map_err(transient)?;
        let encode = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
        let response = self
            .http
            .post(&discovery.token_endpoint)
            .basic_auth(encode(&self.client_id), Some(encode(self.secret.expose())))
            .header(reqwest::header::ACCEPT, "application/json")
            .form(form)
            .send()
            .await
            .map_err(|e| transient(format!("Okta's token endpoint: {}", e.without_url())))?;
        let status = response.status();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        if !status.is_success() {
            // Okta's error code only: its description may echo what was sent.
            let code = body.get("error").and_then(Value::as_str).unwrap_or("no error code");
            let why = format!("Okta's token endpoint answered HTTP {} ({code})", status.as_u16());
            // Okta said no (400 invalid_grant and the like, 401 invalid_client); a rate limit (429), a timeout
            // (408) or a 5xx is Okta not answering now, not the end of the person's sign-in.
            let refused = matches!(status.as_u16(), 400 | 401);
            return Err(UpstreamError { refused, why });
        }
        serde_json::from_value(body)
            .map_err(|_| transient("Okta's token endpoint answered something else than tokens".to_owned()))
    }

    /// Exchange Okta's code; who signed in, and (for delegated mode) their Okta tokens.
    pub async fn exchange(
        &self,
        code: &str,
        redirect_uri: &str,
        verifier: &str,
        nonce: &str,
    ) -> Result<(Identity, Option<OktaTokens>), String> {
        let answer = self
            .token_request(&[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", redirect_uri),
                ("code_verifier", verifier),
            ])
            .await?;
        let id_token = answer.id_token.ok_or("Okta's answer holds no ID token (is `openid` granted?)")?;
        let (claims, raw) = self.id_tokens.validate_full(&id_token).await.map_err(|r| match r {
            Rejection::Invalid(why) | Rejection::Scope(why) | Rejection::Unavailable(why) => {
                format!("the ID token is not valid: {}", why.replace("bearer token", "ID token"))
            }
            Rejection::Missing => "no ID token".to_owned(),
        })?;
        let token_nonce = raw.get("nonce").and_then(Value::as_str).unwrap_or_default();
        if !super::seal::same(token_nonce, nonce) {
            return Err("the ID token's nonce is not the one sent with the sign-in".to_owned());
        }
        let identity = Identity { subject: claims.subject, name: claims.name, groups: claims.groups };
        let tokens = answer.access_token.map(|access| OktaTokens {
            access,
            refresh: answer.refresh_token,
            exp: super::seal::now() + answer.expires_in.unwrap_or(3600).clamp(0, 86_400),
        });
        Ok((identity, tokens))
    }

    /// New Okta tokens for a refresh token (Okta may rotate it; the old one is kept when it does not), and who
    /// the person is now when Okta sent a new ID token (their groups as they are now). Okta refuses (`refused`)
    /// once the person is deactivated, unassigned from the app or their tokens were revoked.
    pub async fn refresh(&self, refresh_token: &str) -> Result<(OktaTokens, Option<Identity>), UpstreamError> {
        let scope = self.scopes.join(" ");
        let answer = self
            .token_request_kind(&[("grant_type", "refresh_token"), ("refresh_token", refresh_token), ("scope", &scope)])
            .await?;
        let invalid = |why: String| UpstreamError { refused: true, why };
        let access =
            answer.access_token.ok_or_else(|| invalid("Okta's refresh answer holds no access token".into()))?;
        let identity = match answer.id_token {
            // A refreshed ID token carries no nonce (OIDC Core §12.2); everything else is checked as at sign-in.
            Some(id_token) => {
                let (claims, _) = self.id_tokens.validate_full(&id_token).await.map_err(|r| match r {
                    // Okta's keys could not be fetched: try again later, the sign-in is not over.
                    Rejection::Unavailable(why) => UpstreamError { refused: false, why },
                    other => invalid(format!("the refreshed ID token is not valid: {other}")),
                })?;
                Some(Identity { subject: claims.subject, name: claims.name, groups: claims.groups })
            }
            None => None,
        };
        let tokens = OktaTokens {
            access,
            refresh: answer.refresh_token.or_else(|| Some(refresh_token.to_owned())),
            exp: super::seal::now() + answer.expires_in.unwrap_or(3600).clamp(0, 86_400),
        };
        Ok((tokens, identity))
    }
}

impl Upstream {
    /// Revoke one of the person's Okta tokens at Okta (RFC 7009), best effort: a failure is logged only (our grant
    /// is revoked either way).
    pub async fn revoke(&self, token: &str, hint: &str) {
        let result = async {
            let discovery = self.discovery().await?;
            let endpoint = discovery.revocation_endpoint.ok_or("Okta's discovery names no revocation endpoint")?;
            let encode = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
            let response = self
                .http
                .post(&endpoint)
                .basic_auth(encode(&self.client_id), Some(encode(self.secret.expose())))
                .form(&[("token", token), ("token_type_hint", hint)])
                .send()
                .await
                .map_err(|e| format!("Okta's revocation endpoint: {}", e.without_url()))?;
            if response.status().is_success() {
                Ok(())
            } else {
                Err(format!("Okta's revocation endpoint answered HTTP {}", response.status().as_u16()))
            }
        }
        .await;
        if let Err(why) = result {
            tracing::warn!("sign-in: could not revoke the person's Okta token at Okta: {why}");
        }
    }
}

/// Okta's token endpoint failed: `refused` when Okta said no (the grant is over), else it could not be reached.
#[derive(Debug)]
pub struct UpstreamError {
    pub refused: bool,
    pub why: String,
}
