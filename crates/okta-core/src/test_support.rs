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

pub(crate) struct TestEcKey {
    pub(crate) sec1_pem: String,
    pub(crate) sec1_pem_with_params: String,
    pub(crate) pkcs8_pem: String,
    pub(crate) public_pem: String,
    pub(crate) jwk: serde_json::Value,
}

fn pem(label: &str, der: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).unwrap());
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// A P-256 key in every format Okta's console or openssl produce.
pub(crate) fn test_ec_key() -> &'static TestEcKey {
    use aws_lc_rs::encoding::{AsBigEndian, AsDer, EcPrivateKeyBin, EcPrivateKeyRfc5915Der, PublicKeyX509Der};
    use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair as _};
    static KEY: OnceLock<TestEcKey> = OnceLock::new();
    KEY.get_or_init(|| {
        let pair = EcdsaKeyPair::generate(&ECDSA_P256_SHA256_FIXED_SIGNING).unwrap();
        let sec1: EcPrivateKeyRfc5915Der = pair.private_key().as_der().unwrap();
        let d: EcPrivateKeyBin = pair.private_key().as_be_bytes().unwrap();
        let public: PublicKeyX509Der = pair.public_key().as_der().unwrap();
        let point = pair.public_key().as_ref().to_vec();
        let b64 = |b: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b);
        let jwk = serde_json::json!({
            "kty": "EC", "crv": "P-256", "kid": "test-ec-kid", "use": "sig", "alg": "ES256",
            "x": b64(&point[1..33]), "y": b64(&point[33..65]), "d": b64(d.as_ref()),
        });
        let sec1_pem = pem("EC PRIVATE KEY", sec1.as_ref());
        TestEcKey {
            sec1_pem_with_params: format!(
                "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n{sec1_pem}"
            ),
            sec1_pem,
            pkcs8_pem: pem("PRIVATE KEY", pair.to_pkcs8v1().unwrap().as_ref()),
            public_pem: pem("PUBLIC KEY", public.as_ref()),
            jwk,
        }
    })
}
