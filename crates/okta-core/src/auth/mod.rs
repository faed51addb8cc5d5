//! Authentication: produces the headers that authorize one request.
//!
//! The [`Authorizer`] returns a set of headers for `(method, url)` rather than a single
//! string, so that a DPoP proof (`DPoP: <jwt>` bound to method and URL) can be added later
//! next to `Authorization: DPoP <token>`.

pub(crate) mod dpop;
pub mod end_user;
pub(crate) mod private_key_jwt;
pub(crate) mod ssws;
pub(crate) mod token_cache;

use reqwest::Method;
use reqwest::header::{HeaderName, HeaderValue};
use url::Url;

use crate::config::AuthConfig;
use crate::error::OktaError;

pub(crate) use private_key_jwt::PrivateKeyJwtAuth;
pub(crate) use ssws::SswsAuth;

/// Headers that authorize one request, plus which cached token produced them.
#[derive(Debug, Default)]
pub(crate) struct AuthHeaders {
    /// Header values are marked sensitive (never printed by reqwest/hyper).
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    /// Generation of the OAuth access token used, to invalidate exactly that token on 401.
    pub(crate) token_generation: Option<u64>,
    /// A DPoP proof was attached.
    pub(crate) dpop: bool,
}

/// Request authorization strategy.
#[derive(Debug)]
pub(crate) enum Authorizer {
    Ssws(SswsAuth),
    PrivateKeyJwt(Box<PrivateKeyJwtAuth>),
    /// No credential of its own: each request carries a signed-in person's token (see `end_user`).
    EndUser,
}

impl Authorizer {
    pub(crate) fn from_config(
        auth: &AuthConfig,
        http: reqwest::Client,
        org_origin: &str,
        scopes: Vec<String>,
    ) -> Result<Self, OktaError> {
        Ok(match auth {
            AuthConfig::ApiToken(token) => Self::Ssws(SswsAuth::new(token.clone())?),
            AuthConfig::PrivateKeyJwt(cfg) => {
                Self::PrivateKeyJwt(Box::new(PrivateKeyJwtAuth::new(cfg.clone(), http, org_origin, scopes)?))
            }
            AuthConfig::EndUser => Self::EndUser,
        })
    }

    /// Headers authorizing `method url`.
    pub(crate) async fn headers(&self, method: &Method, url: &Url) -> Result<AuthHeaders, OktaError> {
        // A person's own token, when their call is running, whatever the server's credential.
        if let Some(token) = end_user::current() {
            return end_user::headers(&token);
        }
        match self {
            Self::EndUser => Err(end_user::missing()),
            Self::Ssws(a) => Ok(a.headers()),
            Self::PrivateKeyJwt(a) => a.headers(method, url).await,
        }
    }

    /// The API said the token is invalid: drop it if it is still the cached one.
    /// Returns true when a retry with a fresh token makes sense.
    pub(crate) async fn invalidate(&self, generation: Option<u64>) -> bool {
        match (self, generation) {
            (Self::PrivateKeyJwt(a), Some(generation)) => {
                a.invalidate(generation).await;
                true
            }
            _ => false,
        }
    }

    /// The API sent `DPoP-Nonce: nonce`. True when it is new and DPoP is in use (worth a retry).
    pub(crate) fn resource_nonce(&self, nonce: &str) -> bool {
        match self {
            Self::PrivateKeyJwt(a) => a.resource_nonce(nonce),
            Self::Ssws(_) | Self::EndUser => false,
        }
    }

    /// The DPoP key's thumbprint, when token requests carry DPoP proofs.
    pub(crate) fn dpop_thumbprint(&self) -> Option<&str> {
        match self {
            Self::PrivateKeyJwt(a) => a.dpop_thumbprint(),
            Self::Ssws(_) | Self::EndUser => None,
        }
    }

    /// The current OAuth token's type, scopes and remaining lifetime (fetching one if needed).
    pub(crate) async fn token_info(&self) -> Result<Option<crate::client::TokenInfo>, OktaError> {
        match self {
            Self::Ssws(_) | Self::EndUser => Ok(None),
            Self::PrivateKeyJwt(a) => a.token_info().await.map(Some),
        }
    }

    /// Scopes granted by the current access token (OAuth only; fetches a token if needed).
    pub(crate) async fn granted_scopes(&self) -> Result<Option<Vec<String>>, OktaError> {
        match self {
            Self::Ssws(_) | Self::EndUser => Ok(None),
            Self::PrivateKeyJwt(a) => a.granted_scopes().await.map(Some),
        }
    }
}

/// A header value that hyper/reqwest will never print.
pub(crate) fn sensitive_value(value: &str) -> Result<HeaderValue, OktaError> {
    let mut v = HeaderValue::from_str(value).map_err(|_| OktaError::InvalidInput {
        field: "credential".into(),
        reason: "contains characters that are not allowed in an HTTP header".into(),
    })?;
    v.set_sensitive(true);
    Ok(v)
}
