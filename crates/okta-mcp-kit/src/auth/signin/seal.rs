//! Sealed values: AES-256-GCM (aws-lc-rs) under a key derived from `OKTA_MCP_STATE_KEY` for one purpose, with the
//! server's resource URL as associated data. Every replica sharing the state key can open what another sealed;
//! a value sealed for one purpose (a client registration, a transaction, a code, an access or refresh token)
//! cannot be opened as another, nor by a server with another resource URL or another key.

use aws_lc_rs::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use aws_lc_rs::rand::{SecureRandom, SystemRandom};
use base64::Engine as _;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// Seconds since the epoch.
pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// `bytes` random bytes, base64url.
pub fn random(bytes: usize) -> Result<String, String> {
    let mut buf = vec![0u8; bytes];
    SystemRandom::new().fill(&mut buf).map_err(|_| "the system random number generator failed")?;
    Ok(B64.encode(buf))
}

/// SHA-256 of a string, base64url (PKCE S256, and digests naming single-use values).
pub fn sha256(text: &str) -> String {
    B64.encode(aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, text.as_bytes()))
}

/// Compare two strings without an early exit.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[derive(Serialize, Deserialize)]
struct Envelope<T> {
    exp: i64,
    v: T,
}

/// Seals and opens the values of one purpose.
pub struct Sealer {
    key: LessSafeKey,
    prefix: &'static str,
    aad: Vec<u8>,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sealer").field("prefix", &self.prefix).finish_non_exhaustive()
    }
}

impl Sealer {
    /// `master`: the state key; `purpose`: what is sealed (its own key); `prefix`: what the sealed text starts
    /// with (for people and for telling kinds apart); `context`: the server's resource URL.
    pub fn new(master: &[u8], purpose: &str, prefix: &'static str, context: &str) -> Result<Self, String> {
        let hmac = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, master);
        let derived = aws_lc_rs::hmac::sign(&hmac, format!("okta-mcp sign-in v1: {purpose}").as_bytes());
        let key = UnboundKey::new(&AES_256_GCM, derived.as_ref()).map_err(|_| "cannot make a sealing key")?;
        Ok(Sealer { key: LessSafeKey::new(key), prefix, aad: format!("{purpose}\n{context}").into_bytes() })
    }

    pub fn prefix(&self) -> &'static str {
        self.prefix
    }

    /// Seal `value`, good until `exp` (Unix seconds).
    pub fn seal<T: Serialize>(&self, value: &T, exp: i64) -> Result<String, String> {
        let mut data = serde_json::to_vec(&Envelope { exp, v: value }).map_err(|e| e.to_string())?;
        let mut nonce = [0u8; NONCE_LEN];
        SystemRandom::new().fill(&mut nonce).map_err(|_| "the system random number generator failed")?;
        self.key
            .seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce), Aad::from(self.aad.as_slice()), &mut data)
            .map_err(|_| "cannot seal")?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&data);
        Ok(format!("{}{}", self.prefix, B64.encode(out)))
    }

    /// Open a sealed value: None when it is not one of ours (of this purpose, for this server), or expired.
    /// Also its expiry.
    pub fn open<T: DeserializeOwned>(&self, text: &str) -> Option<(T, i64)> {
        self.open_even_expired(text).filter(|(_, exp)| *exp >= now())
    }

    /// [`Self::open`], expired or not (to tell people their token expired rather than that it is not one).
    pub fn open_even_expired<T: DeserializeOwned>(&self, text: &str) -> Option<(T, i64)> {
        let body = text.trim().strip_prefix(self.prefix)?;
        if body.len() > 64 * 1024 {
            return None;
        }
        let raw = B64.decode(body).ok()?;
        if raw.len() < NONCE_LEN {
            return None;
        }
        let (nonce, sealed) = raw.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).ok()?;
        let mut sealed = sealed.to_vec();
        let plain = self.key.open_in_place(nonce, Aad::from(self.aad.as_slice()), &mut sealed).ok()?;
        let envelope: Envelope<T> = serde_json::from_slice(plain).ok()?;
        Some((envelope.v, envelope.exp))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_for_their_purpose_server_and_key() {
        let key = [7u8; 32];
        let a = Sealer::new(&key, "access", "t_", "https://a.example/mcp").expect("sealer");
        let sealed = a.seal(&"hello".to_owned(), now() + 60).expect("seal");
        assert!(sealed.starts_with("t_"));
        assert_eq!(a.open::<String>(&sealed).map(|v| v.0).as_deref(), Some("hello"));
        let other_purpose = Sealer::new(&key, "refresh", "t_", "https://a.example/mcp").expect("sealer");
        assert!(other_purpose.open::<String>(&sealed).is_none());
        let other_server = Sealer::new(&key, "access", "t_", "https://b.example/mcp").expect("sealer");
        assert!(other_server.open::<String>(&sealed).is_none());
        let other_key = Sealer::new(&[8u8; 32], "access", "t_", "https://a.example/mcp").expect("sealer");
        assert!(other_key.open::<String>(&sealed).is_none());
        let expired = a.seal(&"old".to_owned(), now() - 1).expect("seal");
        assert!(a.open::<String>(&expired).is_none());
        let mut tampered = sealed.clone();
        tampered.pop();
        tampered.push(if sealed.ends_with('A') { 'B' } else { 'A' });
        assert!(a.open::<String>(&tampered).is_none());
        assert!(a.open::<String>("t_").is_none());
        assert!(a.open::<String>("nonsense").is_none());
    }

    #[test]
    fn helpers() {
        // RFC 7636 appendix B.
        assert_eq!(
            sha256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        assert_eq!(random(16).expect("random").len(), 22);
        assert_ne!(random(16).expect("random"), random(16).expect("random"));
        assert!(same("abc", "abc") && !same("abc", "abd") && !same("abc", "ab"));
    }
}
