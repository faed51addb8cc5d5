//! Signing keys for `private_key_jwt` client assertions (RSA → RS256, EC P-256 → ES256, EC P-384 → ES384).
//!
//! Accepted formats: PEM PKCS#1 (`BEGIN RSA PRIVATE KEY`), PEM PKCS#8 (`BEGIN PRIVATE KEY`, RSA or EC),
//! PEM SEC1 (`BEGIN EC PRIVATE KEY`, also with a leading `EC PARAMETERS` block) and a JWK as generated
//! by the Okta Admin Console (`{"kty":"RSA","n","e","d","p","q",...}` or `{"kty":"EC","crv","x","y","d"}`),
//! optionally wrapped in a JWKS (`{"keys":[...]}`) holding exactly one key.
//! The `rsa` crate is only used to turn RSA JWK components into DER and aws-lc-rs to normalise EC keys
//! to PKCS#8; signing is done by `jsonwebtoken` (aws-lc-rs).

use std::fmt;

use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, ECDSA_P384_SHA384_FIXED_SIGNING, EcdsaKeyPair};
use base64::Engine as _;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use rsa::pkcs1::EncodeRsaPrivateKey as _;

/// Why a private key could not be used. Never contains key material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// The value is empty.
    #[error("the key is empty")]
    Empty,
    /// An encrypted PEM (PKCS#8 `ENCRYPTED PRIVATE KEY` or `Proc-Type: 4,ENCRYPTED`).
    #[error(
        "the private key is encrypted (passphrase protected); decrypt it first, e.g. `openssl pkey -in key.pem -out key-decrypted.pem` (or `openssl rsa -in key.pem -out key-decrypted.pem`)"
    )]
    Encrypted,
    /// A public key or certificate was given where the private key is needed.
    #[error(
        "this is a public key (or certificate), not a private key; use the private key of the key pair whose public key is registered on the Okta service app"
    )]
    PublicKey,
    /// A key type Okta's private_key_jwt does not take (Ed25519, EC on another curve, ...).
    #[error(
        "{kind} keys are not supported: use an RSA private key (RS256) or an EC P-256 private key (ES256), as Okta's Admin Console generates"
    )]
    Unsupported {
        /// Key type, e.g. "Ed25519".
        kind: String,
    },
    /// A JWK that cannot be used.
    #[error("malformed JWK: {0}")]
    MalformedJwk(String),
    /// PEM/DER that cannot be parsed as a private key.
    #[error(
        "not a usable private key ({0}); expected PEM (`BEGIN RSA PRIVATE KEY`, `BEGIN PRIVATE KEY` or `BEGIN EC PRIVATE KEY`) or a JWK JSON object"
    )]
    Malformed(String),
}

/// The format the key was supplied in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyFormat {
    /// PEM `BEGIN RSA PRIVATE KEY`.
    Pkcs1Pem,
    /// PEM `BEGIN PRIVATE KEY`.
    Pkcs8Pem,
    /// PEM `BEGIN EC PRIVATE KEY` (SEC1).
    Sec1Pem,
    /// JSON Web Key.
    Jwk,
}

/// A parsed private key, ready to sign JWTs (RS256 for RSA, ES256/ES384 for EC).
/// `Debug` never shows key material.
#[derive(Clone)]
pub struct SigningKey {
    encoding: EncodingKey,
    alg: Algorithm,
    format: KeyFormat,
    jwk_kid: Option<String>,
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("format", &self.format)
            .field("alg", &self.alg)
            .field("jwk_kid", &self.jwk_kid)
            .field("key", &"[redacted]")
            .finish()
    }
}

/// The DER bytes of the first PEM block labelled `label`.
fn pem_block(pem: &str, label: &str) -> Option<Vec<u8>> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let start = pem.find(&begin)? + begin.len();
    let stop = start + pem[start..].find(&end)?;
    let body: String = pem[start..stop]
        .lines()
        .filter(|l| !l.contains(':'))
        .flat_map(|l| l.chars())
        .filter(|c| !c.is_whitespace())
        .collect();
    base64::engine::general_purpose::STANDARD.decode(body).ok()
}

/// An EC private key (SEC1 or PKCS#8 DER) as PKCS#8 for jsonwebtoken, with its algorithm.
fn ec_from_der(der: &[u8]) -> Option<(EncodingKey, Algorithm)> {
    for (alg, signing) in
        [(Algorithm::ES256, &ECDSA_P256_SHA256_FIXED_SIGNING), (Algorithm::ES384, &ECDSA_P384_SHA384_FIXED_SIGNING)]
    {
        if let Ok(pair) = EcdsaKeyPair::from_private_key_der(signing, der)
            && let Ok(pkcs8) = pair.to_pkcs8v1()
        {
            return Some((EncodingKey::from_ec_der(pkcs8.as_ref()), alg));
        }
    }
    None
}

impl SigningKey {
    /// Parse PEM or JWK text (format detected from the content).
    pub fn parse(text: &str) -> Result<Self, KeyError> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(KeyError::Empty);
        }
        if trimmed.starts_with('{') { Self::from_jwk_json(trimmed) } else { Self::from_pem(trimmed) }
    }

    /// Parse a PEM private key (PKCS#1 or PKCS#8 RSA, PKCS#8 or SEC1 EC; unencrypted).
    pub fn from_pem(pem: &str) -> Result<Self, KeyError> {
        // Some secret stores flatten newlines to a literal "\n".
        let owned;
        let pem = if !pem.contains('\n') && pem.contains("\\n") {
            owned = pem.replace("\\n", "\n");
            owned.as_str()
        } else {
            pem
        };
        if pem.contains("ENCRYPTED PRIVATE KEY") || pem.contains("Proc-Type: 4,ENCRYPTED") {
            return Err(KeyError::Encrypted);
        }
        if pem.contains("BEGIN OPENSSH PRIVATE KEY") {
            return Err(KeyError::Malformed(
                "OpenSSH key format; convert it with `ssh-keygen -p -m PEM -f <file>`".into(),
            ));
        }
        let has_private = pem.contains("PRIVATE KEY-----");
        if !has_private && (pem.contains("PUBLIC KEY-----") || pem.contains("BEGIN CERTIFICATE")) {
            return Err(KeyError::PublicKey);
        }
        if pem.contains("BEGIN EC PRIVATE KEY") {
            let der = pem_block(pem, "EC PRIVATE KEY")
                .ok_or_else(|| KeyError::Malformed("the EC PRIVATE KEY block is not base64".into()))?;
            let (encoding, alg) = ec_from_der(&der)
                .ok_or_else(|| KeyError::Malformed("the EC PRIVATE KEY is not a P-256 or P-384 private key".into()))?;
            let key = Self { encoding, alg, format: KeyFormat::Sec1Pem, jwk_kid: None };
            key.self_test()?;
            return Ok(key);
        }
        let format = if pem.contains("BEGIN RSA PRIVATE KEY") {
            KeyFormat::Pkcs1Pem
        } else if pem.contains("BEGIN PRIVATE KEY") {
            KeyFormat::Pkcs8Pem
        } else {
            return Err(KeyError::Malformed("no PEM private key block found".into()));
        };
        let (encoding, alg) = match EncodingKey::from_rsa_pem(pem.as_bytes()) {
            Ok(key) => (key, Algorithm::RS256),
            Err(_) => {
                if format == KeyFormat::Pkcs8Pem
                    && let Some(ec) = pem_block(pem, "PRIVATE KEY").and_then(|der| ec_from_der(&der))
                {
                    ec
                } else if format == KeyFormat::Pkcs8Pem && EncodingKey::from_ed_pem(pem.as_bytes()).is_ok() {
                    return Err(KeyError::Unsupported { kind: "Ed25519".into() });
                } else {
                    return Err(KeyError::Malformed("PEM content is not an RSA or EC private key".into()));
                }
            }
        };
        let key = Self { encoding, alg, format, jwk_kid: None };
        key.self_test()?;
        Ok(key)
    }

    /// Parse a JWK (or a JWKS with exactly one key) holding an RSA or EC private key.
    pub fn from_jwk_json(json: &str) -> Result<Self, KeyError> {
        let value: serde_json::Value = serde_json::from_str(json).map_err(|e| {
            // serde_json's messages name line/column and the expected token, never the input.
            KeyError::MalformedJwk(format!("not valid JSON ({e})"))
        })?;
        let jwk = match value.get("keys") {
            Some(serde_json::Value::Array(keys)) => match keys.as_slice() {
                [one] => one.clone(),
                [] => return Err(KeyError::MalformedJwk("the JWKS has no keys".into())),
                _ => {
                    return Err(KeyError::MalformedJwk(
                        "the JWKS has several keys; give exactly one private JWK".into(),
                    ));
                }
            },
            _ => value,
        };
        let obj = jwk.as_object().ok_or_else(|| KeyError::MalformedJwk("expected a JSON object".into()))?;
        let kty = obj
            .get("kty")
            .and_then(|v| v.as_str())
            .ok_or_else(|| KeyError::MalformedJwk("missing \"kty\" (expected \"RSA\" or \"EC\")".into()))?;
        let bytes = |name: &str| -> Result<Option<Vec<u8>>, KeyError> {
            match obj.get(name) {
                None | Some(serde_json::Value::Null) => Ok(None),
                Some(serde_json::Value::String(s)) => decode_b64url(s)
                    .map(Some)
                    .ok_or_else(|| KeyError::MalformedJwk(format!("\"{name}\" is not base64url"))),
                Some(_) => Err(KeyError::MalformedJwk(format!("\"{name}\" is not a string"))),
            }
        };
        let require = |name: &str| -> Result<Vec<u8>, KeyError> {
            bytes(name)?.ok_or_else(|| KeyError::MalformedJwk(format!("missing \"{name}\"")))
        };
        let jwk_kid =
            obj.get("kid").and_then(|v| v.as_str()).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
        let (encoding, alg) = match kty {
            "RSA" => {
                let big = |b: Vec<u8>| rsa::BigUint::from_bytes_be(&b);
                let n = big(require("n")?);
                let e = big(require("e")?);
                let Some(d) = bytes("d")?.map(big) else {
                    return Err(KeyError::PublicKey);
                };
                let primes = match (bytes("p")?, bytes("q")?) {
                    (Some(p), Some(q)) => vec![big(p), big(q)],
                    (None, None) => Vec::new(),
                    _ => {
                        return Err(KeyError::MalformedJwk("has only one of \"p\" and \"q\"".into()));
                    }
                };
                let private = rsa::RsaPrivateKey::from_components(n, e, d, primes)
                    .map_err(|e| KeyError::MalformedJwk(format!("inconsistent RSA components ({e})")))?;
                let der = private
                    .to_pkcs1_der()
                    .map_err(|e| KeyError::MalformedJwk(format!("cannot encode the key ({e})")))?;
                (EncodingKey::from_rsa_der(der.as_bytes()), Algorithm::RS256)
            }
            "EC" => {
                let crv = obj.get("crv").and_then(|v| v.as_str()).unwrap_or("");
                let (alg, signing, len) = match crv {
                    "P-256" => (Algorithm::ES256, &ECDSA_P256_SHA256_FIXED_SIGNING, 32),
                    "P-384" => (Algorithm::ES384, &ECDSA_P384_SHA384_FIXED_SIGNING, 48),
                    "" => return Err(KeyError::MalformedJwk("missing \"crv\" (expected \"P-256\")".into())),
                    other => return Err(KeyError::Unsupported { kind: format!("EC {other}") }),
                };
                let x = require("x")?;
                let y = require("y")?;
                let Some(d) = bytes("d")? else {
                    return Err(KeyError::PublicKey);
                };
                if x.len() != len || y.len() != len || d.len() != len {
                    return Err(KeyError::MalformedJwk(format!(
                        "\"x\", \"y\" and \"d\" must be {len} bytes for {crv}"
                    )));
                }
                let mut point = Vec::with_capacity(1 + 2 * len);
                point.push(4);
                point.extend_from_slice(&x);
                point.extend_from_slice(&y);
                let pair = EcdsaKeyPair::from_private_key_and_public_key(signing, &d, &point)
                    .map_err(|_| KeyError::MalformedJwk("inconsistent EC components (d does not match x, y)".into()))?;
                let pkcs8 = pair.to_pkcs8v1().map_err(|_| KeyError::MalformedJwk("cannot encode the EC key".into()))?;
                (EncodingKey::from_ec_der(pkcs8.as_ref()), alg)
            }
            other => return Err(KeyError::Unsupported { kind: other.into() }),
        };
        let key = Self { encoding, alg, format: KeyFormat::Jwk, jwk_kid };
        key.self_test()?;
        Ok(key)
    }

    /// The format the key came in.
    pub fn format(&self) -> KeyFormat {
        self.format
    }

    /// The JWS algorithm this key signs with: `RS256`, `ES256` or `ES384`.
    pub fn algorithm(&self) -> &'static str {
        match self.alg {
            Algorithm::ES256 => "ES256",
            Algorithm::ES384 => "ES384",
            _ => "RS256",
        }
    }

    /// `RSA` or `EC`.
    pub fn key_type(&self) -> &'static str {
        match self.alg {
            Algorithm::ES256 | Algorithm::ES384 => "EC",
            _ => "RSA",
        }
    }

    /// The `kid` found in the JWK, if any.
    pub fn jwk_kid(&self) -> Option<&str> {
        self.jwk_kid.as_deref()
    }

    /// Sign `claims` as a JWT (RS256/ES256/ES384 by key type) with the given `kid`.
    pub(crate) fn sign<T: serde::Serialize>(&self, claims: &T, kid: Option<&str>) -> Result<String, KeyError> {
        let mut header = Header::new(self.alg);
        header.kid = kid.map(str::to_string);
        // The jsonwebtoken error only describes the failure kind, never the key.
        jsonwebtoken::encode(&header, claims, &self.encoding)
            .map_err(|e| KeyError::Malformed(format!("signing failed: {e}")))
    }

    /// Sign a throwaway token so that a bad key fails at startup, not at the first request.
    fn self_test(&self) -> Result<(), KeyError> {
        self.sign(&serde_json::json!({"self_test": true}), None)
            .map(|_| ())
            .map_err(|_| KeyError::Malformed(format!("the key cannot sign {} tokens", self.algorithm())))
    }
}

fn decode_b64url(s: &str) -> Option<Vec<u8>> {
    let s = s.trim().trim_end_matches('=');
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(s)
        .ok()
        .or_else(|| base64::engine::general_purpose::STANDARD_NO_PAD.decode(s).ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{test_ec_key, test_key};

    #[test]
    fn parses_ec_keys_in_every_format() {
        let k = test_ec_key();
        for (text, format) in [
            (k.sec1_pem.as_str(), KeyFormat::Sec1Pem),
            (k.pkcs8_pem.as_str(), KeyFormat::Pkcs8Pem),
            (k.sec1_pem_with_params.as_str(), KeyFormat::Sec1Pem),
        ] {
            let key = SigningKey::parse(text).unwrap();
            assert_eq!(key.format(), format);
            assert_eq!(key.algorithm(), "ES256");
            assert_eq!(key.key_type(), "EC");
        }
        let key = SigningKey::parse(&k.jwk.to_string()).unwrap();
        assert_eq!(key.format(), KeyFormat::Jwk);
        assert_eq!(key.algorithm(), "ES256");
        assert_eq!(key.jwk_kid(), Some("test-ec-kid"));
        // A signature made with the JWK verifies with the public x/y.
        let token = key.sign(&serde_json::json!({"a": 1}), Some("test-ec-kid")).unwrap();
        let dk =
            jsonwebtoken::DecodingKey::from_ec_components(k.jwk["x"].as_str().unwrap(), k.jwk["y"].as_str().unwrap())
                .unwrap();
        let mut v = jsonwebtoken::Validation::new(Algorithm::ES256);
        v.required_spec_claims.clear();
        v.validate_exp = false;
        jsonwebtoken::decode::<serde_json::Value>(&token, &dk, &v).unwrap();
        let mut wrong = k.jwk.clone();
        wrong["d"] = test_key().jwk["e"].clone();
        assert!(SigningKey::parse(&wrong.to_string()).is_err());
        assert_eq!(SigningKey::parse(&k.public_pem).unwrap_err(), KeyError::PublicKey);
    }

    #[test]
    fn parses_pkcs1_pkcs8_and_jwk() {
        let k = test_key();
        assert_eq!(SigningKey::parse(&k.pkcs1_pem).unwrap().format(), KeyFormat::Pkcs1Pem);
        assert_eq!(SigningKey::parse(&k.pkcs8_pem).unwrap().format(), KeyFormat::Pkcs8Pem);
        let jwk = SigningKey::parse(&k.jwk.to_string()).unwrap();
        assert_eq!(jwk.format(), KeyFormat::Jwk);
        assert_eq!(jwk.jwk_kid(), Some("test-kid-1"));
        let jwks = serde_json::json!({"keys": [k.jwk.clone()]}).to_string();
        assert_eq!(SigningKey::parse(&jwks).unwrap().jwk_kid(), Some("test-kid-1"));
        // Newlines flattened to "\n" by a secret store.
        let flat = k.pkcs8_pem.replace('\n', "\\n");
        assert!(SigningKey::parse(&flat).is_ok());
    }

    #[test]
    fn refuses_unusable_keys() {
        let k = test_key();
        assert_eq!(SigningKey::parse("  ").unwrap_err(), KeyError::Empty);
        assert_eq!(SigningKey::parse(&k.public_pem).unwrap_err(), KeyError::PublicKey);
        let enc = "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIFHDBOBgkqhkiG9w0BBQ0wQTApBgkqhkiG9w0BBQwwHAQI\n-----END ENCRYPTED PRIVATE KEY-----\n";
        assert_eq!(SigningKey::parse(enc).unwrap_err(), KeyError::Encrypted);
        let legacy = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----\n";
        assert_eq!(SigningKey::parse(legacy).unwrap_err(), KeyError::Encrypted);
        assert!(SigningKey::parse(enc).unwrap_err().to_string().contains("openssl"));
        let ec = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----\n";
        assert!(matches!(SigningKey::parse(ec).unwrap_err(), KeyError::Malformed(_)));
        let okp = r#"{"kty":"OKP","crv":"Ed25519","x":"a","d":"c"}"#;
        assert!(matches!(SigningKey::parse(okp).unwrap_err(), KeyError::Unsupported { .. }));
        assert!(SigningKey::parse(okp).unwrap_err().to_string().contains("ES256"));

        let mut public_jwk = k.jwk.clone();
        for f in ["d", "p", "q"] {
            public_jwk.as_object_mut().unwrap().remove(f);
        }
        assert_eq!(SigningKey::parse(&public_jwk.to_string()).unwrap_err(), KeyError::PublicKey);
        let ec_jwk = r#"{"kty":"EC","crv":"P-256","x":"a","y":"b","d":"c"}"#;
        assert!(matches!(SigningKey::parse(ec_jwk).unwrap_err(), KeyError::MalformedJwk(_)));
        let ec_public =
            serde_json::json!({"kty":"EC","crv":"P-256","x":test_ec_key().jwk["x"],"y":test_ec_key().jwk["y"]});
        assert_eq!(SigningKey::parse(&ec_public.to_string()).unwrap_err(), KeyError::PublicKey);
        let k1 = r#"{"kty":"EC","crv":"secp256k1","x":"a","y":"b","d":"c"}"#;
        assert!(matches!(SigningKey::parse(k1).unwrap_err(), KeyError::Unsupported { .. }));
        let mut bad = k.jwk.clone();
        bad["d"] = serde_json::json!("!!not base64!!");
        assert!(matches!(SigningKey::parse(&bad.to_string()).unwrap_err(), KeyError::MalformedJwk(_)));
        let mut bad = k.jwk.clone();
        bad.as_object_mut().unwrap().remove("n");
        assert!(matches!(SigningKey::parse(&bad.to_string()).unwrap_err(), KeyError::MalformedJwk(_)));
        assert!(matches!(SigningKey::parse("{not json").unwrap_err(), KeyError::MalformedJwk(_)));
        let garbage = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
        assert!(matches!(SigningKey::parse(garbage).unwrap_err(), KeyError::Malformed(_)));
    }

    #[test]
    fn errors_and_debug_never_show_key_material() {
        let k = test_key();
        let d = k.jwk["d"].as_str().unwrap();
        let mut bad = k.jwk.clone();
        bad["n"] = serde_json::json!("AQAB"); // inconsistent with d/p/q
        let err = SigningKey::parse(&bad.to_string()).unwrap_err().to_string();
        assert!(!err.contains(d), "{err}");
        let key = SigningKey::parse(&k.pkcs1_pem).unwrap();
        let dbg = format!("{key:?}");
        assert!(dbg.contains("[redacted]"));
        let body: String = k.pkcs1_pem.lines().nth(1).unwrap().to_string();
        assert!(!dbg.contains(&body));
    }
}
