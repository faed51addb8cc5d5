//! Test keys, generated once per test binary (RSA key generation is slow in debug builds).

use std::sync::OnceLock;

use base64::Engine as _;
use rsa::pkcs1::EncodeRsaPrivateKey as _;
use rsa::pkcs8::{EncodePrivateKey as _, EncodePublicKey as _, LineEnding};
use rsa::traits::{PrivateKeyParts as _, PublicKeyParts as _};

pub(crate) struct TestKey {
    pub(crate) pkcs1_pem: String,
    pub(crate) pkcs8_pem: String,
    pub(crate) public_pem: String,
    pub(crate) jwk: serde_json::Value,
}

pub(crate) fn test_key() -> &'static TestKey {
    static KEY: OnceLock<TestKey> = OnceLock::new();
    KEY.get_or_init(|| {
        let key = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).unwrap();
        let b64 = |n: &rsa::BigUint| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(n.to_bytes_be());
        let primes = key.primes();
        let jwk = serde_json::json!({
            "kty": "RSA",
            "kid": "test-kid-1",
            "use": "sig",
            "alg": "RS256",
            "n": b64(key.n()),
            "e": b64(key.e()),
            "d": b64(key.d()),
            "p": b64(&primes[0]),
            "q": b64(&primes[1]),
        });
        TestKey {
            pkcs1_pem: key.to_pkcs1_pem(LineEnding::LF).unwrap().to_string(),
            pkcs8_pem: key.to_pkcs8_pem(LineEnding::LF).unwrap().to_string(),
            public_pem: key.to_public_key().to_public_key_pem(LineEnding::LF).unwrap(),
            jwk,
        }
    })
}
