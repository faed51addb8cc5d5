//! Opaque pagination cursors.
//!
//! A cursor is what a list answers as `next_cursor`: the base64url (no padding) encoding of a 4-byte tag of the
//! endpoint it pages (its rendered path) followed by the query parameters of Okta's next link. It carries no
//! scheme, host or path: a page is always requested from the org's own origin and the endpoint the tool pages,
//! so a cursor cannot send a request anywhere else, and one made for another list is refused. Okta's next link
//! itself is checked when a page is read: the org's host (or, for Okta's own domains, its `-admin` twin), the
//! same port and scheme, and the same path.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use url::Url;

use crate::error::OktaError;
use crate::path::{ApiPath, Query};

/// The longest cursor accepted (a System Log cursor carries its filter, which may be long).
pub const MAX_CURSOR_LEN: usize = 16 * 1024;

/// Domains of Okta's own orgs (`{org}.okta.com`, ...): only these have an `-admin` twin (`{org}-admin.okta.com`).
pub const OKTA_DOMAINS: &[&str] =
    &["okta.com", "oktapreview.com", "okta-emea.com", "okta-gov.com", "okta.mil", "trexcloud.com"];

/// A decoded, validated cursor: the query parameters of the next page of one endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    tag: [u8; 4],
    query: Query,
}

/// FNV-1a of the rendered path: enough to tell one list from another, short in the cursor.
fn tag_of(path: &ApiPath) -> [u8; 4] {
    let mut hash: u32 = 0x811c_9dc5;
    for b in path.as_str().bytes() {
        hash ^= u32::from(b);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash.to_be_bytes()
}

fn rejected(reason: impl Into<String>) -> OktaError {
    OktaError::CursorRejected { reason: reason.into() }
}

impl Cursor {
    /// The cursor of the page of `expected` asked for by `query`.
    pub fn new(expected: &ApiPath, query: Query) -> Cursor {
        Cursor { tag: tag_of(expected), query }
    }

    /// The cursor of Okta's next link for `expected`, checked against the org: scheme, host (the org's, or its
    /// `-admin` twin on Okta's own domains), port, no credentials or fragment, and the same path. A relative link
    /// is taken relative to the org.
    pub fn from_next_link(org: &Url, link: &str, expected: &ApiPath) -> Result<Cursor, OktaError> {
        let url = org.join(link.trim()).map_err(|e| rejected(format!("Okta's next link is not a URL ({e})")))?;
        if url.scheme() != org.scheme() {
            return Err(rejected(format!("Okta's next link uses {:?}, not the org's scheme", url.scheme())));
        }
        let (Some(org_host), Some(host)) = (org.host_str(), url.host_str()) else {
            return Err(rejected("Okta's next link has no host"));
        };
        if !is_org_host(org_host, host) {
            return Err(rejected(format!(
                "Okta's next link points to {host}, neither the org ({org_host}) nor its -admin twin"
            )));
        }
        if url.port_or_known_default() != org.port_or_known_default() {
            return Err(rejected("Okta's next link points to another port than the org's"));
        }
        if !url.username().is_empty() || url.password().is_some() || url.fragment().is_some() {
            return Err(rejected("Okta's next link has credentials or a fragment"));
        }
        if url.path() != expected.as_str() {
            return Err(rejected(format!("Okta's next link is for {}, not {}", url.path(), expected.as_str())));
        }
        let mut query = Query::new();
        for (k, v) in url.query_pairs() {
            query = query.push(&k, v);
        }
        Ok(Cursor::new(expected, query))
    }

    /// Decode a cursor given back by a caller for the list `expected`. Refused (nothing is sent) when it is not a
    /// cursor, is for another list, or carries a `limit` that is not a positive number.
    pub fn decode(cursor: &str, expected: &ApiPath) -> Result<Cursor, OktaError> {
        let cursor = cursor.trim();
        if cursor.len() > MAX_CURSOR_LEN {
            return Err(rejected(format!("longer than {MAX_CURSOR_LEN} characters; pass next_cursor as returned")));
        }
        let not_ours = || rejected("not a next_cursor of this server; pass next_cursor exactly as returned");
        let bytes = URL_SAFE_NO_PAD.decode(cursor.trim_end_matches('=')).map_err(|_| not_ours())?;
        let (tag, rest) = bytes.split_first_chunk::<4>().ok_or_else(not_ours)?;
        if *tag != tag_of(expected) {
            return Err(rejected(format!(
                "this cursor pages another list than {}: pass it to the tool (and arguments) that returned it",
                expected.as_str()
            )));
        }
        let text = std::str::from_utf8(rest).map_err(|_| not_ours())?;
        let mut query = Query::new();
        for (k, v) in url::form_urlencoded::parse(text.as_bytes()) {
            if k.is_empty() || k.chars().chain(v.chars()).any(char::is_control) {
                return Err(not_ours());
            }
            query = query.push(&k, v);
        }
        let cursor = Cursor { tag: *tag, query };
        if let Some(limit) = cursor.get("limit")
            && limit.parse::<u32>().ok().filter(|n| *n > 0).is_none()
        {
            return Err(rejected(format!("limit {limit:?} in the cursor is not a positive number")));
        }
        Ok(cursor)
    }

    /// The opaque text given to callers.
    pub fn encode(&self) -> String {
        let mut bytes = self.tag.to_vec();
        bytes.extend_from_slice(self.query.encode().as_bytes());
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// A query parameter of the next page.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.query.pairs().iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    /// The page size the cursor asks for, when it names one.
    pub fn limit(&self) -> Option<u32> {
        self.get("limit").and_then(|l| l.parse().ok())
    }

    /// The same cursor asking for pages of `limit` items.
    pub fn with_limit(self, limit: u32) -> Cursor {
        let mut query = Query::new();
        for (k, v) in self.query.pairs().iter().filter(|(k, _)| k != "limit") {
            query = query.push(k, v);
        }
        Cursor { tag: self.tag, query: query.push("limit", limit) }
    }

    /// The same cursor with its `limit` lowered to at most `cap` (one without a limit is left as it is: the
    /// endpoint's default applies, as on the first page).
    pub fn capped(self, cap: u32) -> Cursor {
        match self.limit() {
            Some(n) if n > cap => self.with_limit(cap),
            _ => self,
        }
    }

    /// The query of the next page.
    pub fn query(&self) -> &Query {
        &self.query
    }
}

/// Is `candidate` the org host itself or, for an org on one of Okta's own domains ([`OKTA_DOMAINS`]), its `-admin`
/// twin (`foo.okta.com` ↔ `foo-admin.okta.com`)? Case-insensitive. A custom domain (`login.example.com`) and an IP
/// address only match exactly.
pub fn is_org_host(org_host: &str, candidate: &str) -> bool {
    let org = org_host.trim_end_matches('.').to_ascii_lowercase();
    let cand = candidate.trim_end_matches('.').to_ascii_lowercase();
    if org == cand {
        return true;
    }
    let (Some((org_label, org_rest)), Some((cand_label, cand_rest))) = (org.split_once('.'), cand.split_once('.'))
    else {
        return false;
    };
    if org_rest != cand_rest || !OKTA_DOMAINS.contains(&org_rest) {
        return false;
    }
    let twin = |a: &str, b: &str| !b.is_empty() && a.strip_suffix("-admin") == Some(b);
    twin(cand_label, org_label) || twin(org_label, cand_label)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn users() -> ApiPath {
        ApiPath::new("/api/v1/users", &[]).unwrap()
    }

    fn org() -> Url {
        Url::parse("https://foo.okta.com/").unwrap()
    }

    #[test]
    fn org_host_and_admin_twin() {
        assert!(is_org_host("foo.okta.com", "foo.okta.com"));
        assert!(is_org_host("foo.okta.com", "FOO-admin.okta.com"));
        assert!(is_org_host("foo-admin.okta.com", "foo.okta.com"));
        assert!(is_org_host("dcp-sep25.oktapreview.com", "dcp-sep25-admin.oktapreview.com"));
        assert!(is_org_host("acme.okta-emea.com", "acme-admin.okta-emea.com"));
        for domain in OKTA_DOMAINS {
            assert!(is_org_host(&format!("acme.{domain}"), &format!("acme-admin.{domain}")), "{domain}");
        }
        assert!(!is_org_host("foo.okta.com", "bar.okta.com"));
        assert!(!is_org_host("foo.okta.com", "foo-admin.evil.com"));
        assert!(!is_org_host("foo.okta.com", "foo-admin.okta.com.evil.com"));
        assert!(!is_org_host("foo.okta.com", "foo-admin-admin.okta.com"));
        assert!(!is_org_host("foo.okta.com", "xfoo-admin.okta.com"));
        assert!(!is_org_host("foo.okta.com", "-admin.okta.com"));
        assert!(!is_org_host("127.0.0.1", "127-admin.0.0.1"));
        assert!(is_org_host("127.0.0.1", "127.0.0.1"));
        assert!(is_org_host("localhost", "LOCALHOST"));
    }

    #[test]
    fn a_custom_domain_has_no_admin_twin() {
        assert!(is_org_host("login.example.com", "login.example.com"));
        assert!(!is_org_host("login.example.com", "login-admin.example.com"));
        assert!(!is_org_host("login-admin.example.com", "login.example.com"));
        // A custom domain under an Okta domain's name is still a custom domain.
        assert!(!is_org_host("id.acme.okta.com.example.com", "id-admin.acme.okta.com.example.com"));
        assert!(!is_org_host("sso.foo.okta.com", "sso-admin.foo.okta.com"));
    }

    #[test]
    fn next_links_become_short_cursors_without_host_or_path() {
        let link = "https://foo-admin.okta.com/api/v1/users?after=00u1&limit=2&filter=status%20eq%20%22ACTIVE%22";
        let c = Cursor::from_next_link(&org(), link, &users()).unwrap();
        let text = c.encode();
        assert!(text.len() < link.len(), "{text}");
        assert!(text.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_'), "{text}");
        let back = Cursor::decode(&text, &users()).unwrap();
        assert_eq!(back, c);
        assert_eq!(back.get("after"), Some("00u1"));
        assert_eq!(back.get("filter"), Some("status eq \"ACTIVE\""));
        assert_eq!(back.limit(), Some(2));
        let decoded = String::from_utf8(URL_SAFE_NO_PAD.decode(&text).unwrap()[4..].to_vec()).unwrap();
        assert!(!decoded.contains("okta.com") && !decoded.contains("/api"), "{decoded}");
        // Relative links are the org's.
        assert!(Cursor::from_next_link(&org(), "/api/v1/users?after=1", &users()).is_ok());
    }

    #[test]
    fn foreign_next_links_are_refused() {
        for link in [
            "https://evil.com/api/v1/users?after=1",
            "http://foo.okta.com/api/v1/users?after=1",
            "https://foo.okta.com:8443/api/v1/users?after=1",
            "https://foo.okta.com/api/v1/groups?after=1",
            "https://foo.okta.com/api/v1/users/00u1?after=1",
            "https://user@foo.okta.com/api/v1/users?after=1",
            "https://foo.okta.com/api/v1/users?after=1#x",
        ] {
            let err = Cursor::from_next_link(&org(), link, &users()).unwrap_err();
            assert!(matches!(err, OktaError::CursorRejected { .. }), "{link}");
        }
        assert!(Cursor::from_next_link(&org(), "https://foo.okta.com:443/api/v1/users?after=1", &users()).is_ok());
        let custom = Url::parse("https://login.example.com/").unwrap();
        assert!(Cursor::from_next_link(&custom, "https://login-admin.example.com/api/v1/users", &users()).is_err());
    }

    #[test]
    fn cursors_of_another_list_or_garbage_are_refused() {
        let c = Cursor::from_next_link(&org(), "/api/v1/users?after=00u1&limit=200", &users()).unwrap().encode();
        let groups = ApiPath::new("/api/v1/groups", &[]).unwrap();
        let members = ApiPath::new("/api/v1/groups/{id}/users", &["00g1"]).unwrap();
        assert!(Cursor::decode(&c, &groups).is_err());
        assert!(Cursor::decode(&c, &members).is_err());
        for bad in [
            "",
            "!!!",
            "abc",
            "https://foo.okta.com/api/v1/users?after=2",
            "../../etc/passwd",
            "%2e%2e",
            &"A".repeat(MAX_CURSOR_LEN + 1),
        ] {
            assert!(Cursor::decode(bad, &users()).is_err(), "{bad}");
        }
        let forged = |query: &str| {
            let mut bytes = tag_of(&users()).to_vec();
            bytes.extend_from_slice(query.as_bytes());
            URL_SAFE_NO_PAD.encode(bytes)
        };
        assert!(Cursor::decode(&forged("after=1&limit=99999999999"), &users()).is_err());
        assert!(Cursor::decode(&forged("after=1&limit=0"), &users()).is_err());
        assert!(Cursor::decode(&forged("after=1&limit=-5"), &users()).is_err());
        assert!(Cursor::decode(&forged("after=%0A"), &users()).is_err());
        assert!(Cursor::decode(&forged("after=1&limit=5000"), &users()).is_ok());
    }

    #[test]
    fn limits_are_capped() {
        let c = Cursor::from_next_link(&org(), "/api/v1/users?after=00u1&limit=1000", &users()).unwrap();
        assert_eq!(c.clone().capped(200).limit(), Some(200));
        assert_eq!(c.clone().capped(5000).limit(), Some(1000));
        assert_eq!(c.clone().with_limit(7).limit(), Some(7));
        assert_eq!(c.with_limit(7).get("after"), Some("00u1"));
        let none = Cursor::from_next_link(&org(), "/api/v1/users?after=00u1", &users()).unwrap();
        assert_eq!(none.capped(10).limit(), None);
    }
}
