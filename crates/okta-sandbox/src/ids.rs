//! Okta-looking identifiers and timestamps.

use chrono::{DateTime, Utc};
use rand::Rng;

const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// `n` random base62 characters.
pub fn base62(rng: &mut impl Rng, n: usize) -> String {
    (0..n).map(|_| char::from(BASE62[rng.random_range(0..BASE62.len())])).collect()
}

/// An Okta object id: a 3-character prefix (`00u`, `00g`, `0oa`, ...) and 17 base62 characters.
pub fn okta_id(rng: &mut impl Rng, prefix: &str) -> String {
    format!("{prefix}{}", base62(rng, 20usize.saturating_sub(prefix.len())))
}

/// A readable, well-known fixture id: prefix + word, zero padded, ending in `n`, 20 chars in all.
pub fn fixture_id(prefix: &str, word: &str, n: u32) -> String {
    let width = 20usize.saturating_sub(prefix.len() + word.len());
    format!("{prefix}{word}{n:0>width$}")
}

/// `n` base62 characters nobody can predict (from the operating system's generator, never the org's seeded
/// one): for credentials (access tokens, DPoP nonces) and per-request values (request ids, `errorId`s).
pub fn unpredictable(n: usize) -> String {
    base62(&mut rand::rng(), n)
}

/// A fresh `errorId` (`oae` + 22 base62 characters).
pub fn error_id() -> String {
    format!("oae{}", unpredictable(22))
}

/// A fresh `X-Okta-Request-Id`.
pub fn request_id() -> String {
    unpredictable(27)
}

/// ISO 8601 with milliseconds and `Z`, as Okta prints timestamps.
pub fn ts(t: &DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn ids_have_okta_shape() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        let id = okta_id(&mut rng, "00u");
        assert_eq!(id.len(), 20);
        assert!(id.starts_with("00u"));
        assert_eq!(fixture_id("00u", "aliceactive", 1), "00ualiceactive000001");
        assert_eq!(fixture_id("00u", "aliceactive", 1).len(), 20);
    }
}
