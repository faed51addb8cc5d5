//! The RSA keys custom authorization servers sign access tokens with.
//!
//! An authorization server's keys are kept as Okta's JSON (`org::policy::PolicyOrg::keys`: `kid`, `status`, and a
//! placeholder modulus from the seed). The private key behind a `kid` is made on first need (a token to sign, the
//! JWKS or the admin API's `credentials/keys` to answer): 2048-bit RSA from the operating system's generator (a
//! seed must not predict a credential), kept for the life of the process, so every sandbox of one process that
//! has a `kid` (the same seed makes the same kids) signs with the same key and answers the same public key.
//! Making a key takes a moment, so it happens outside the org's lock and only for keys somebody asks about.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::EncodingKey;
use rsa::pkcs1::EncodeRsaPrivateKey;
use rsa::traits::PublicKeyParts;
use serde_json::{Value, json};

use crate::lock;

/// The key material behind one `kid`.
pub(crate) struct KeyMaterial {
    /// base64url modulus.
    pub n: String,
    /// base64url public exponent.
    pub e: String,
    /// The private key, for `jsonwebtoken::encode` (RS256).
    pub encoding: EncodingKey,
}

static KEYS: LazyLock<Mutex<HashMap<String, Arc<KeyMaterial>>>> = LazyLock::new(|| Mutex::new(HashMap::new()));

fn generate() -> Option<KeyMaterial> {
    let mut rng = rsa::rand_core::OsRng;
    let key = rsa::RsaPrivateKey::new(&mut rng, 2048).ok()?;
    let der = key.to_pkcs1_der().ok()?;
    Some(KeyMaterial {
        n: URL_SAFE_NO_PAD.encode(key.n().to_bytes_be()),
        e: URL_SAFE_NO_PAD.encode(key.e().to_bytes_be()),
        encoding: EncodingKey::from_rsa_der(der.as_bytes()),
    })
}

/// The key material of `kid`, made now if nobody asked for it before (`None`: key generation failed).
pub(crate) fn material(kid: &str) -> Option<Arc<KeyMaterial>> {
    if let Some(k) = lock(&KEYS).get(kid) {
        return Some(k.clone());
    }
    let made = Arc::new(generate()?);
    // Two requests may have made one at once: the first one kept wins, so every answer agrees.
    Some(lock(&KEYS).entry(kid.to_owned()).or_insert(made).clone())
}

/// A stored key (`kid`, `status`, …) with the real public key of its `kid` in `n` and `e`.
pub(crate) fn with_public_key(stored: &Value) -> Option<Value> {
    let kid = stored.get("kid").and_then(Value::as_str)?;
    let m = material(kid)?;
    let mut v = stored.clone();
    v["n"] = json!(m.n);
    v["e"] = json!(m.e);
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_key_per_kid() {
        let a = material("test-kid-a").expect("key");
        let b = material("test-kid-a").expect("key");
        assert_eq!(a.n, b.n);
        assert_eq!(a.e, "AQAB");
        let v = with_public_key(&json!({"kid": "test-kid-a", "n": "fake", "status": "ACTIVE"})).expect("jwk");
        assert_eq!(v["n"], json!(a.n));
        assert_eq!(v["status"], "ACTIVE");
    }
}
