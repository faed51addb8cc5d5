//! DPoP (RFC 9449): a per-process ES256 key pair (never written anywhere) and proof JWTs.
//!
//! A proof is `{typ: "dpop+jwt", alg: "ES256", jwk: <public key>}` over
//! `{htm, htu, iat, jti, nonce?, ath?}` (okta-api-facts.md §6).

use std::fmt;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair};
use base64::Engine as _;
use jsonwebtoken::jwk::{Jwk, ThumbprintHash};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::error::OktaError;
use crate::secret::Secret;

/// Claims of a DPoP proof.
#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
pub(crate) struct ProofClaims {
    pub(crate) htm: String,
    pub(crate) htu: String,
    pub(crate) iat: u64,
    pub(crate) jti: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub(crate) nonce: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub(crate) ath: Option<String>,
}

/// The process's DPoP key pair. `Debug` shows only the public thumbprint.
pub(crate) struct DpopKey {
    encoding: EncodingKey,
    jwk: Jwk,
    thumbprint: String,
}

impl fmt::Debug for DpopKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DpopKey").field("jkt", &self.thumbprint).finish_non_exhaustive()
    }
}

fn internal(what: &str) -> OktaError {
    OktaError::InvalidInput { field: "DPoP key".into(), reason: format!("{what} failed") }
}

impl DpopKey {
    /// A fresh P-256 key pair, in memory only.
    pub(crate) fn generate() -> Result<Self, OktaError> {
        let pair = EcdsaKeyPair::generate(&ECDSA_P256_SHA256_FIXED_SIGNING).map_err(|_| internal("key generation"))?;
        let pkcs8 = pair.to_pkcs8v1().map_err(|_| internal("key encoding"))?;
        let encoding = EncodingKey::from_ec_der(pkcs8.as_ref());
        let mut jwk = Jwk::from_encoding_key(&encoding, Algorithm::ES256).map_err(|_| internal("JWK export"))?;
        // Only the public key members (kty, crv, x, y) go into the proof header.
        jwk.common = Default::default();
        let thumbprint = jwk.thumbprint(ThumbprintHash::SHA256).map_err(|_| internal("JWK thumbprint"))?;
        Ok(Self { encoding, jwk, thumbprint })
    }

    /// RFC 7638 SHA-256 thumbprint of the public key (what Okta puts in the token's `cnf.jkt`).
    pub(crate) fn thumbprint(&self) -> &str {
        &self.thumbprint
    }

    /// A proof for `htm url`; `ath` is added when `access_token` is given.
    pub(crate) fn proof(
        &self,
        htm: &str,
        url: &Url,
        nonce: Option<&str>,
        access_token: Option<&str>,
    ) -> Result<Secret, OktaError> {
        let iat = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
        self.proof_at(htm, url, nonce, access_token, iat)
    }

    pub(crate) fn proof_at(
        &self,
        htm: &str,
        url: &Url,
        nonce: Option<&str>,
        access_token: Option<&str>,
        iat: u64,
    ) -> Result<Secret, OktaError> {
        let claims = ProofClaims {
            htm: htm.to_string(),
            htu: htu(url),
            iat,
            jti: uuid::Uuid::new_v4().to_string(),
            nonce: nonce.map(str::to_string),
            ath: access_token.map(ath),
        };
        let mut header = Header::new(Algorithm::ES256);
        header.typ = Some("dpop+jwt".into());
        header.jwk = Some(self.jwk.clone());
        jsonwebtoken::encode(&header, &claims, &self.encoding)
            .map(Secret::new)
            .map_err(|_| internal("DPoP proof signing"))
    }
}

/// `htu`: scheme, host, port (when not the default) and path of the URL requested; no query, no fragment.
pub(crate) fn htu(url: &Url) -> String {
    let mut u = url.clone();
    u.set_query(None);
    u.set_fragment(None);
    let _ = u.set_username("");
    let _ = u.set_password(None);
    u.to_string()
}

/// `ath`: base64url(SHA-256(access token)), no padding.
pub(crate) fn ath(access_token: &str) -> String {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, access_token.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest.as_ref())
}

/// The latest `DPoP-Nonce` a server sent. The authorization server's and the resource server's are
/// kept in separate slots.
#[derive(Debug, Default)]
pub(crate) struct NonceSlot(Mutex<Option<String>>);

impl NonceSlot {
    pub(crate) fn get(&self) -> Option<String> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Store `nonce`; true when it differs from the one held.
    pub(crate) fn set(&self, nonce: &str) -> bool {
        let mut slot = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if slot.as_deref() == Some(nonce) {
            return false;
        }
        *slot = Some(nonce.to_string());
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(proof: &str) -> (jsonwebtoken::Header, ProofClaims) {
        let header = jsonwebtoken::decode_header(proof).unwrap();
        let jwk = header.jwk.clone().unwrap();
        let key = jsonwebtoken::DecodingKey::from_jwk(&jwk).unwrap();
        let mut v = jsonwebtoken::Validation::new(Algorithm::ES256);
        v.required_spec_claims.clear();
        v.validate_exp = false;
        let data = jsonwebtoken::decode::<ProofClaims>(proof, &key, &v).unwrap();
        (header, data.claims)
    }

    #[test]
    fn proof_header_and_claims() {
        let key = DpopKey::generate().unwrap();
        let url = Url::parse("https://dev-1-admin.okta.com/api/v1/users?after=00u1&limit=200#frag").unwrap();
        let p1 = key.proof("GET", &url, Some("n-1"), Some("tok")).unwrap();
        let p2 = key.proof("GET", &url, None, None).unwrap();
        let (h, c) = decode(p1.expose());
        assert_eq!(h.typ.as_deref(), Some("dpop+jwt"));
        assert_eq!(h.alg, Algorithm::ES256);
        let jwk = serde_json::to_value(h.jwk.as_ref().unwrap()).unwrap();
        assert_eq!(jwk["kty"], "EC");
        assert_eq!(jwk["crv"], "P-256");
        assert!(jwk.get("d").is_none(), "no private part in the proof: {jwk}");
        assert_eq!(h.jwk.unwrap().thumbprint(ThumbprintHash::SHA256).unwrap(), key.thumbprint());
        assert_eq!(c.htm, "GET");
        assert_eq!(c.htu, "https://dev-1-admin.okta.com/api/v1/users");
        assert_eq!(c.nonce.as_deref(), Some("n-1"));
        assert_eq!(c.ath.as_deref(), Some(ath("tok").as_str()));
        let (_, c2) = decode(p2.expose());
        assert_ne!(c.jti, c2.jti);
        assert_eq!(c2.nonce, None);
        assert_eq!(c2.ath, None);
        assert!(!p2.expose().contains("\"nonce\""));
        assert_eq!(format!("{p1:?}"), "[redacted]");
        assert!(format!("{key:?}").contains(key.thumbprint()));
    }

    #[test]
    fn htu_and_ath() {
        let u = Url::parse("http://127.0.0.1:8080/api/v1/users/00u1/roles?x=1").unwrap();
        assert_eq!(htu(&u), "http://127.0.0.1:8080/api/v1/users/00u1/roles");
        let u = Url::parse("https://foo.okta.com:443/oauth2/v1/token").unwrap();
        assert_eq!(htu(&u), "https://foo.okta.com/oauth2/v1/token");
        // RFC 9449 appendix example: ath of "Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU".
        assert_eq!(ath("Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU"), "fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo");
    }

    #[test]
    fn nonce_slots() {
        let s = NonceSlot::default();
        assert_eq!(s.get(), None);
        assert!(s.set("a"));
        assert!(!s.set("a"));
        assert!(s.set("b"));
        assert_eq!(s.get().as_deref(), Some("b"));
    }
}
