//! Opaque pagination cursors for the `after` query parameter.
//!
//! A cursor is the base64url (no padding) encoding of `sbx1:<position>`; clients must treat it as
//! opaque and follow the `Link` headers instead of building one.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

const PREFIX: &str = "sbx1:";

/// Encode an internal position (a sequence number or an offset) as an opaque cursor.
pub fn encode(position: u64) -> String {
    URL_SAFE_NO_PAD.encode(format!("{PREFIX}{position}"))
}

/// Decode a cursor produced by [`encode`]; `None` when it is not one of ours.
pub fn decode(cursor: &str) -> Option<u64> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor.trim()).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    text.strip_prefix(PREFIX)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        for n in [0_u64, 1, 42, 299, u64::MAX] {
            assert_eq!(decode(&encode(n)), Some(n));
        }
    }

    #[test]
    fn cursor_is_opaque_and_url_safe() {
        let c = encode(123);
        assert!(!c.contains("123"));
        assert!(c.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_'));
    }

    #[test]
    fn garbage_is_rejected() {
        assert_eq!(decode("00u1234567890"), None);
        assert_eq!(decode("!!!"), None);
        assert_eq!(decode(&URL_SAFE_NO_PAD.encode("other:5")), None);
    }
}
