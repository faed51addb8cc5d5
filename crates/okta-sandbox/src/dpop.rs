//! DPoP (RFC 9449) as Okta enforces it for service apps with "Require DPoP" on
//! (okta-api-facts.md §6): proof checks, the nonce dance and key binding (`cnf.jkt`), with Okta's
//! error codes and descriptions (`okta-oauth2-error-codes.json`).

use std::collections::HashSet;
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, StatusCode};
use base64::Engine as _;
use jsonwebtoken::jwk::ThumbprintHash;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::Value;

use crate::lock;

/// Algorithms accepted for proofs (advertised in `WWW-Authenticate: DPoP algs="..."`).
pub const ALGS: &str = "RS256 RS384 RS512 ES256 ES384 ES512";

/// A DPoP refusal: OAuth `error`, Okta's `error_description`, and the HTTP status Okta uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DpopFailure {
    pub status: StatusCode,
    pub error: &'static str,
    pub description: &'static str,
}

const fn proof(description: &'static str) -> DpopFailure {
    DpopFailure { status: StatusCode::BAD_REQUEST, error: "invalid_dpop_proof", description }
}

pub const MISSING: DpopFailure = proof("The DPoP proof JWT header is missing.");
pub const MULTIPLE: DpopFailure = proof("Multiple DPoP proof JWT headers are not allowed.");
pub const INVALID: DpopFailure = proof("The DPoP proof JWT is invalid.");
pub const BAD_TYP: DpopFailure = proof("'typ' must be 'dpop+jwt' in the DPoP proof JWT.");
pub const BAD_ALG: DpopFailure = proof("The DPoP proof JWT signature algorithm is invalid.");
pub const UNPARSABLE: DpopFailure = proof("The DPoP proof JWT cannot be parsed.");
pub const BAD_SIGNATURE: DpopFailure = proof("The DPoP proof JWT signature is invalid.");
pub const BAD_HTM: DpopFailure = proof("'htm' claim in the DPoP proof JWT is invalid.");
pub const BAD_HTU: DpopFailure = proof("'htu' claim in the DPoP proof JWT is invalid.");
pub const BAD_IAT: DpopFailure = proof("'iat' claim in the DPoP proof JWT is invalid.");
pub const IN_FUTURE: DpopFailure = proof("The DPoP proof JWT is issued in the future.");
pub const TOO_OLD: DpopFailure = proof("The DPoP proof JWT is issued more than five minutes in the past.");
pub const BAD_JTI: DpopFailure = proof("'jti' claim in the DPoP proof JWT is invalid.");
pub const REPLAYED: DpopFailure = proof("The DPoP proof JWT has already been used.");
pub const BAD_ATH: DpopFailure = proof("'ath' claim in the DPoP proof does not match the presented access_token.");
pub const BAD_BINDING: DpopFailure = proof("The access_token is not bound to the provided DPoP proof.");
/// The authorization server wants a (new) nonce.
pub const USE_NONCE_AS: DpopFailure = DpopFailure {
    status: StatusCode::BAD_REQUEST,
    error: "use_dpop_nonce",
    description: "Authorization server requires nonce in DPoP proof.",
};
/// The resource server wants a (new) nonce (RFC 9449 §9: 401 with a DPoP challenge).
pub const USE_NONCE_RS: DpopFailure = DpopFailure {
    status: StatusCode::UNAUTHORIZED,
    error: "use_dpop_nonce",
    description: "Resource server requires nonce in DPoP proof.",
};
pub const PROOF_REQUIRED: DpopFailure = DpopFailure {
    status: StatusCode::BAD_REQUEST,
    error: "invalid_request",
    description: "The resource request requires a DPoP proof.",
};
pub const SCHEME_REQUIRED: DpopFailure = DpopFailure {
    status: StatusCode::BAD_REQUEST,
    error: "invalid_request",
    description: "The resource request must use the DPoP authentication scheme when using a DPoP bound token.",
};
pub const NOT_BOUND: DpopFailure = DpopFailure {
    status: StatusCode::UNAUTHORIZED,
    error: "invalid_token",
    description: "The presented access_token is not DPoP bound.",
};

/// One server's nonce, rotated every `ttl` (0: never).
#[derive(Debug)]
pub struct Nonce {
    value: String,
    issued: Instant,
}

impl Nonce {
    fn fresh() -> Self {
        Self { value: format!("sbxnonce{}", crate::ids::unpredictable(24)), issued: Instant::now() }
    }
}

/// DPoP state: the authorization server's and the resource server's nonces and the proof `jti`s seen.
#[derive(Debug)]
pub struct DpopState {
    ttl: Duration,
    as_nonce: std::sync::Mutex<Nonce>,
    rs_nonce: std::sync::Mutex<Nonce>,
    jtis: std::sync::Mutex<HashSet<String>>,
}

impl DpopState {
    pub fn new(ttl_secs: u64) -> Self {
        Self {
            ttl: Duration::from_secs(ttl_secs),
            as_nonce: std::sync::Mutex::new(Nonce::fresh()),
            rs_nonce: std::sync::Mutex::new(Nonce::fresh()),
            jtis: std::sync::Mutex::new(HashSet::new()),
        }
    }

    fn current(&self, slot: &std::sync::Mutex<Nonce>) -> String {
        let mut n = lock(slot);
        if !self.ttl.is_zero() && n.issued.elapsed() >= self.ttl {
            *n = Nonce::fresh();
        }
        n.value.clone()
    }

    /// The authorization server's current nonce (rotated when its time is up).
    pub fn as_nonce(&self) -> String {
        self.current(&self.as_nonce)
    }

    /// The resource server's current nonce.
    pub fn rs_nonce(&self) -> String {
        self.current(&self.rs_nonce)
    }
}

/// What a request's proof must match.
#[derive(Debug)]
pub struct Expect<'a> {
    pub htm: &'a str,
    pub htu: &'a str,
    /// The nonce the proof must carry.
    pub nonce: &'a str,
    /// Resource calls: the access token (for `ath`) and its `cnf.jkt`.
    pub token: Option<(&'a str, &'a str)>,
    /// Seconds since the epoch on the server's clock.
    pub now: i64,
    /// Which nonce failure to answer.
    pub nonce_failure: DpopFailure,
}

/// `base64url(SHA-256(token))`.
pub fn ath(token: &str) -> String {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, token.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest.as_ref())
}

/// Check the `DPoP` header of a request; returns the proof key's RFC 7638 thumbprint.
pub fn verify(state: &DpopState, headers: &HeaderMap, expect: &Expect<'_>) -> Result<String, DpopFailure> {
    let mut values = headers.get_all("dpop").iter();
    let Some(value) = values.next() else {
        return Err(if expect.token.is_some() { PROOF_REQUIRED } else { MISSING });
    };
    if values.next().is_some() {
        return Err(MULTIPLE);
    }
    let jwt = value.to_str().map_err(|_| UNPARSABLE)?.trim();
    let header = jsonwebtoken::decode_header(jwt).map_err(|_| UNPARSABLE)?;
    if header.typ.as_deref() != Some("dpop+jwt") {
        return Err(BAD_TYP);
    }
    if !matches!(
        header.alg,
        Algorithm::RS256
            | Algorithm::RS384
            | Algorithm::RS512
            | Algorithm::ES256
            | Algorithm::ES384
            | Algorithm::PS256
            | Algorithm::PS384
            | Algorithm::PS512
    ) {
        return Err(BAD_ALG);
    }
    let Some(jwk) = header.jwk.as_ref() else {
        return Err(INVALID);
    };
    // The proof must carry a public key only.
    let jwk_json = serde_json::to_value(jwk).map_err(|_| INVALID)?;
    if jwk_json.get("d").is_some() {
        return Err(INVALID);
    }
    let key = DecodingKey::from_jwk(jwk).map_err(|_| INVALID)?;
    let mut validation = Validation::new(header.alg);
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.validate_aud = false;
    validation.required_spec_claims = HashSet::new();
    let claims: Value = jsonwebtoken::decode::<Value>(jwt, &key, &validation).map_err(|_| BAD_SIGNATURE)?.claims;
    let jkt = jwk.thumbprint(ThumbprintHash::SHA256).map_err(|_| INVALID)?;
    if claims.get("htm").and_then(Value::as_str) != Some(expect.htm) {
        return Err(BAD_HTM);
    }
    if claims.get("htu").and_then(Value::as_str) != Some(expect.htu) {
        return Err(BAD_HTU);
    }
    if claims.get("nonce").and_then(Value::as_str) != Some(expect.nonce) {
        return Err(expect.nonce_failure.clone());
    }
    let Some(iat) = claims.get("iat").and_then(Value::as_i64) else {
        return Err(BAD_IAT);
    };
    if iat > expect.now + 60 {
        return Err(IN_FUTURE);
    }
    if iat < expect.now - 300 {
        return Err(TOO_OLD);
    }
    let Some(jti) = claims.get("jti").and_then(Value::as_str).filter(|j| !j.is_empty()) else {
        return Err(BAD_JTI);
    };
    if let Some((token, bound_jkt)) = expect.token {
        if claims.get("ath").and_then(Value::as_str) != Some(ath(token).as_str()) {
            return Err(BAD_ATH);
        }
        if jkt != bound_jkt {
            return Err(BAD_BINDING);
        }
    }
    if !lock(&state.jtis).insert(jti.to_string()) {
        return Err(REPLAYED);
    }
    Ok(jkt)
}

/// `WWW-Authenticate` for a DPoP failure on a resource call.
pub fn challenge(public: &str, resource: &str, scope: Option<&str>, failure: &DpopFailure) -> String {
    let scope = scope.map(|s| format!(", scope=\"{s}\"")).unwrap_or_default();
    format!(
        "DPoP algs=\"{ALGS}\", authorization_uri=\"{public}/oauth2/v1/authorize\", realm=\"{public}\"{scope}, error=\"{}\", error_description=\"{}\", resource=\"{resource}\"",
        failure.error, failure.description
    )
}
