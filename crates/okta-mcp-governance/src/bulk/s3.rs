//! The CSV workflow's S3 source: `s3://bucket/key` objects read and listed inside the prefixes that
//! `OKTA_MCP_S3_ALLOWED` names, and nowhere else.
//!
//! - **Allow-list**: a URL is parsed into a bucket and key segments before anything is sent; it is served only when
//!   its bucket is an allowed prefix's bucket and its segments start with that prefix's segments (whole segments:
//!   `s3://b/team` admits `s3://b/team/x`, never `s3://b/team-other/x`). Empty segments (`//`), `.` and `..`,
//!   control characters and invalid bucket names are refused. Keys are literal, as S3 has them (no
//!   percent-decoding): `%2e%2e` is a key named `%2e%2e`, and the object store encodes every byte of it on the
//!   wire, so no spelling reaches another key.
//! - **Clients**: one per allowed bucket, from the standard AWS environment (`AmazonS3Builder::from_env`): access
//!   keys and session token, web identity (`AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN`), ECS/EKS container
//!   credentials, else the instance metadata service; `AWS_REGION`/`AWS_DEFAULT_REGION`, `AWS_ENDPOINT_URL` and
//!   `AWS_ALLOW_HTTP` (an S3-compatible or local server). Shared config/credentials files (`~/.aws`,
//!   `AWS_PROFILE`) are not read: the object store crate has no support for them.
//! - **Bounded reads**: the object's size comes first (HEAD) and an object over the caller's limit is refused
//!   without reading it; the body is then read as a ranged GET pinned to the same version (ETag), counted as it
//!   arrives.
//! - **Errors** name the URL and what went wrong, never a credential: S3's answers are reduced to their kind, and
//!   any other message is scrubbed of the configured keys and of secret-shaped text.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use chrono::SecondsFormat;
use futures::{StreamExt, TryStreamExt};
use object_store::aws::{AmazonS3, AmazonS3Builder, AmazonS3ConfigKey};
use object_store::path::Path;
use object_store::{BackoffConfig, GetOptions, GetRange, ObjectStore, ObjectStoreExt, RetryConfig};

/// The allowed prefixes, comma-separated `s3://bucket/prefix`.
pub const ALLOWED_ENV: &str = "OKTA_MCP_S3_ALLOWED";

/// S3's longest key, in bytes.
const MAX_KEY_BYTES: usize = 1024;

/// The longest S3 message kept in an error.
const MAX_DETAIL_CHARS: usize = 400;

/// An object listed under a prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Object {
    /// `s3://bucket/key`.
    pub url: String,
    pub size: u64,
    /// Last modified, RFC 3339 (UTC, seconds).
    pub modified: Option<String>,
}

/// The S3 objects this server may read: the allowed prefixes and a client for each of their buckets.
pub struct S3Source {
    allowed: Vec<String>,
    prefixes: Vec<S3Url>,
    buckets: BTreeMap<String, AmazonS3>,
    /// The configured credentials' values, scrubbed from every error.
    secrets: Vec<String>,
}

impl fmt::Debug for S3Source {
    // Not derived: the clients' Debug would print their credentials.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("S3Source").field("allowed", &self.allowed).finish_non_exhaustive()
    }
}

impl S3Source {
    /// From the environment: OKTA_MCP_S3_ALLOWED (comma-separated s3://bucket/prefix) and the standard AWS
    /// credential chain/endpoint variables. Ok(None) when OKTA_MCP_S3_ALLOWED is unset or empty.
    pub fn from_env() -> Result<Option<S3Source>, String> {
        let allowed = match std::env::var(ALLOWED_ENV) {
            Ok(value) => value,
            Err(std::env::VarError::NotPresent) => return Ok(None),
            Err(std::env::VarError::NotUnicode(_)) => return Err(format!("{ALLOWED_ENV} is not valid UTF-8")),
        };
        Self::with_allowed(&allowed)
    }

    /// The allowed prefixes given as `allowed` (the format of OKTA_MCP_S3_ALLOWED), the AWS settings from the
    /// environment. Ok(None) when `allowed` names no prefix.
    pub fn with_allowed(allowed: &str) -> Result<Option<S3Source>, String> {
        Self::build(allowed, AmazonS3Builder::from_env)
    }

    /// The source for `allowed`, each bucket's client made from `base()` plus its bucket name.
    fn build(allowed: &str, base: impl Fn() -> AmazonS3Builder) -> Result<Option<S3Source>, String> {
        let mut source =
            S3Source { allowed: Vec::new(), prefixes: Vec::new(), buckets: BTreeMap::new(), secrets: Vec::new() };
        let probe = base();
        for key in [AmazonS3ConfigKey::AccessKeyId, AmazonS3ConfigKey::SecretAccessKey, AmazonS3ConfigKey::Token] {
            if let Some(value) = probe.get_config_value(&key).filter(|v| !v.is_empty()) {
                source.secrets.push(value);
            }
        }
        for entry in allowed.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let prefix = S3Url::parse(entry, Kind::Prefix).map_err(|e| format!("{ALLOWED_ENV}: {e}"))?;
            if !source.buckets.contains_key(&prefix.bucket) {
                let client = base()
                    .with_bucket_name(&prefix.bucket)
                    // The default retries for three minutes; a tool call should not.
                    .with_retry(RetryConfig {
                        backoff: BackoffConfig::default(),
                        max_retries: 3,
                        retry_timeout: Duration::from_secs(30),
                    })
                    .build()
                    .map_err(|e| {
                        format!(
                            "{ALLOWED_ENV}: the S3 client for bucket {}: {}",
                            prefix.bucket,
                            source.scrub(&e.to_string())
                        )
                    })?;
                source.buckets.insert(prefix.bucket.clone(), client);
            }
            let shown = prefix.to_string();
            if !source.allowed.contains(&shown) {
                source.allowed.push(shown);
                source.prefixes.push(prefix);
            }
        }
        Ok((!source.prefixes.is_empty()).then_some(source))
    }

    /// The allowed prefixes, as configured.
    pub fn allowed(&self) -> &[String] {
        &self.allowed
    }

    /// Objects under `prefix_url` (an s3:// URL inside an allowed prefix), at most `max`, sorted by key.
    ///
    /// The prefix is a folder: `s3://b/team` lists `team/…`, not `team-other/…`; a trailing `/` is allowed.
    pub async fn list(&self, prefix_url: &str, max: usize) -> Result<Vec<S3Object>, String> {
        let prefix = S3Url::parse(prefix_url, Kind::Prefix)?;
        let store = self.store_for(&prefix)?;
        if max == 0 {
            return Ok(Vec::new());
        }
        let path = prefix.path()?;
        let shown = prefix.to_string();
        // S3 lists in key order, a page at a time: taking `max` fetches only the pages needed.
        let mut objects: Vec<S3Object> = store
            .list((!prefix.segments.is_empty()).then_some(&path))
            .map_err(|e| self.failure(&shown, e))
            .try_filter_map(|meta| {
                let url = format!("s3://{}/{}", prefix.bucket, meta.location.as_ref());
                // Only keys that name themselves as this source would accept (S3 can hold `a//b` or `..`).
                let inside = S3Url::parse(&url, Kind::Object).is_ok_and(|u| u.within(&prefix));
                let object = S3Object {
                    url,
                    size: meta.size,
                    modified: Some(meta.last_modified.to_rfc3339_opts(SecondsFormat::Secs, true)),
                };
                futures::future::ready(Ok(inside.then_some(object)))
            })
            .take(max)
            .try_collect()
            .await?;
        objects.sort_by(|a, b| a.url.cmp(&b.url));
        Ok(objects)
    }

    /// The object's bytes; Err when outside the allowed prefixes, missing, or larger than `max_bytes`.
    pub async fn read(&self, url: &str, max_bytes: u64) -> Result<Vec<u8>, String> {
        let object = S3Url::parse(url, Kind::Object)?;
        let store = self.store_for(&object)?;
        let path = object.path()?;
        let shown = object.to_string();
        let meta = store.head(&path).await.map_err(|e| self.failure(&shown, e))?;
        if meta.size > max_bytes {
            return Err(format!("{shown} is {} bytes, over the limit of {max_bytes} bytes: not read", meta.size));
        }
        if meta.size == 0 {
            return Ok(Vec::new());
        }
        let options = GetOptions {
            // The version whose size was checked, and no byte past it.
            if_match: meta.e_tag.clone(),
            range: Some(GetRange::Bounded(0..meta.size)),
            ..GetOptions::default()
        };
        let result = store.get_opts(&path, options).await.map_err(|e| self.failure(&shown, e))?;
        let expected = usize::try_from(meta.size).map_err(|_| format!("{shown} is too large for this machine"))?;
        let mut body = Vec::with_capacity(expected.min(16 << 20));
        let mut chunks = result.into_stream();
        while let Some(chunk) = chunks.next().await {
            let chunk = chunk.map_err(|e| self.failure(&shown, e))?;
            if body.len() + chunk.len() > expected {
                return Err(format!(
                    "{shown} changed while it was read (more than its {} bytes came): read it again",
                    meta.size
                ));
            }
            body.extend_from_slice(&chunk);
        }
        if body.len() != expected {
            return Err(format!("{shown}: {} of its {} bytes came: read it again", body.len(), meta.size));
        }
        Ok(body)
    }

    /// The client of `url`'s bucket when `url` lies inside an allowed prefix.
    fn store_for(&self, url: &S3Url) -> Result<&AmazonS3, String> {
        if !self.prefixes.iter().any(|p| url.within(p)) {
            return Err(format!("{url} is outside the allowed S3 prefixes ({})", self.allowed.join(", ")));
        }
        self.buckets.get(&url.bucket).ok_or_else(|| format!("{url}: no S3 client for bucket {}", url.bucket))
    }

    /// A failed S3 call as a message for the caller: its kind, or a scrubbed and shortened detail.
    fn failure(&self, url: &str, error: object_store::Error) -> String {
        match error {
            object_store::Error::NotFound { .. } => format!("{url}: not found in S3"),
            object_store::Error::PermissionDenied { .. } | object_store::Error::Unauthenticated { .. } => {
                format!("{url}: S3 refused access (check the AWS credentials and the bucket's policy)")
            }
            object_store::Error::Precondition { .. } => format!("{url} changed while it was read: read it again"),
            object_store::Error::InvalidPath { .. } => format!(
                "{url}: S3 holds a key here that this source cannot name (an empty, `.` or `..` segment): list a \
                 folder below it"
            ),
            other => {
                let text = other.to_string();
                // S3's error document: its code and message, not the rest (which can echo the access key id).
                match (xml_element(&text, "Code"), xml_element(&text, "Message")) {
                    (Some("NoSuchBucket"), _) => format!("{url}: no such bucket in S3"),
                    (Some("NoSuchKey"), _) => format!("{url}: not found in S3"),
                    (Some(code), _) if DENIED.contains(&code) => {
                        format!("{url}: S3 refused access ({code}: check the AWS credentials and the bucket's policy)")
                    }
                    (Some(code), Some(message)) => format!("{url}: S3 answered {code}: {}", self.scrub(message)),
                    (Some(code), None) => format!("{url}: S3 answered {code}"),
                    (None, _) => format!("{url}: the S3 request failed: {}", self.scrub(&text)),
                }
            }
        }
    }

    /// `text` without the configured credentials, secret-shaped words (authorization headers, tokens) and past
    /// [`MAX_DETAIL_CHARS`].
    fn scrub(&self, text: &str) -> String {
        let mut text = text.to_owned();
        for secret in &self.secrets {
            text = text.replace(secret.as_str(), okta_mcp_kit::redact::REDACTED);
        }
        let text = okta_mcp_kit::redact::redact_text(&text);
        match text.char_indices().nth(MAX_DETAIL_CHARS) {
            Some((cut, _)) => format!("{}…", &text[..cut]),
            None => text,
        }
    }
}

/// S3's error codes for refused credentials or permissions.
const DENIED: &[&str] = &[
    "AccessDenied",
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "ExpiredToken",
    "InvalidToken",
    "TokenRefreshRequired",
    "AllAccessDisabled",
    "AccountProblem",
];

/// The text of the first `<name>…</name>` in `text` (S3's error documents are flat).
fn xml_element<'a>(text: &'a str, name: &str) -> Option<&'a str> {
    let start = text.find(&format!("<{name}>"))? + name.len() + 2;
    let len = text[start..].find(&format!("</{name}>"))?;
    Some(text[start..start + len].trim()).filter(|v| !v.is_empty())
}

/// What a URL must name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A bucket or a folder in it (a trailing `/` allowed).
    Prefix,
    /// An object: a non-empty key, no trailing `/`.
    Object,
}

/// A parsed, checked `s3://bucket/key`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct S3Url {
    bucket: String,
    segments: Vec<String>,
}

impl S3Url {
    fn parse(url: &str, kind: Kind) -> Result<S3Url, String> {
        let rest = url
            .get(..5)
            .filter(|scheme| scheme.eq_ignore_ascii_case("s3://"))
            .and_then(|_| url.get(5..))
            .ok_or_else(|| format!("{url:?} is not an s3://bucket/key URL"))?;
        let (bucket, key) = rest.split_once('/').unwrap_or((rest, ""));
        check_bucket(bucket).map_err(|why| format!("{url:?}: {why}"))?;
        let key = match kind {
            Kind::Prefix => key.strip_suffix('/').unwrap_or(key),
            Kind::Object if key.is_empty() => return Err(format!("{url:?} names a bucket, not an object")),
            Kind::Object if key.ends_with('/') => return Err(format!("{url:?} names a folder, not an object")),
            Kind::Object => key,
        };
        if key.len() > MAX_KEY_BYTES {
            return Err(format!("{url:?}: the key is longer than S3's {MAX_KEY_BYTES} bytes"));
        }
        let mut segments = Vec::new();
        if !key.is_empty() {
            for segment in key.split('/') {
                match segment {
                    "" => return Err(format!("{url:?} has an empty path segment (//)")),
                    "." | ".." => return Err(format!("{url:?} has a {segment:?} path segment")),
                    s if s.chars().any(char::is_control) => {
                        return Err(format!("{url:?} has a control character"));
                    }
                    s => segments.push(s.to_owned()),
                }
            }
        }
        Ok(S3Url { bucket: bucket.to_owned(), segments })
    }

    /// Inside `prefix`: the same bucket, and `prefix`'s segments first.
    fn within(&self, prefix: &S3Url) -> bool {
        self.bucket == prefix.bucket && self.segments.starts_with(&prefix.segments)
    }

    /// The key as the object store's path (its checks are this parser's: they agree, else an error).
    fn path(&self) -> Result<Path, String> {
        Path::parse(self.segments.join("/")).map_err(|_| format!("{self} is not a key this source can read"))
    }
}

impl fmt::Display for S3Url {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "s3://{}", self.bucket)?;
        if !self.segments.is_empty() {
            write!(f, "/{}", self.segments.join("/"))?;
        }
        Ok(())
    }
}

/// S3's bucket naming rules: 3 to 63 lower-case letters, digits, `.` and `-`, a letter or digit at each end,
/// no `..`.
fn check_bucket(bucket: &str) -> Result<(), String> {
    if bucket.is_empty() {
        return Err("no bucket".to_owned());
    }
    let edge_ok = |c: Option<char>| c.is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    let valid = (3..=63).contains(&bucket.len())
        && bucket.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-')
        && edge_ok(bucket.chars().next())
        && edge_ok(bucket.chars().last())
        && !bucket.contains("..");
    if valid { Ok(()) } else { Err(format!("{bucket:?} is not a valid S3 bucket name")) }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn url(s: &str, kind: Kind) -> S3Url {
        S3Url::parse(s, kind).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn refused(s: &str, kind: Kind) -> String {
        S3Url::parse(s, kind).expect_err(s)
    }

    /// A source for `allowed` with fixed settings (no environment), and these credentials.
    fn source(allowed: &str) -> S3Source {
        S3Source::build(allowed, || {
            AmazonS3Builder::new()
                .with_region("us-east-1")
                .with_access_key_id("AKIAUNITTESTKEY00001")
                .with_secret_access_key("unit/test+secret/value")
                .with_endpoint("http://127.0.0.1:9")
                .with_allow_http(true)
        })
        .expect("valid")
        .expect("some")
    }

    #[test]
    fn urls_parse_into_bucket_and_segments() {
        let u = url("s3://reports-2026/team/q1/access.csv", Kind::Object);
        assert_eq!(u.bucket, "reports-2026");
        assert_eq!(u.segments, ["team", "q1", "access.csv"]);
        assert_eq!(u.to_string(), "s3://reports-2026/team/q1/access.csv");
        assert_eq!(url("S3://bkt/a", Kind::Object).to_string(), "s3://bkt/a", "the scheme is case-insensitive");
        assert_eq!(url("s3://bkt", Kind::Prefix).segments, Vec::<String>::new());
        assert_eq!(url("s3://bkt/", Kind::Prefix).segments, Vec::<String>::new());
        assert_eq!(url("s3://bkt/team/", Kind::Prefix).segments, ["team"]);
        // Literal keys: percent signs, spaces, `?`, `#` and non-ASCII are part of the key.
        assert_eq!(url("s3://bkt/a%2e%2e/b c?d#e/ü", Kind::Object).segments, ["a%2e%2e", "b c?d#e", "ü"]);
    }

    #[test]
    fn bad_urls_are_refused_with_the_reason() {
        for (bad, why) in [
            ("https://bkt/a", "not an s3://"),
            ("s3:/bkt/a", "not an s3://"),
            ("s3:", "not an s3://"),
            ("", "not an s3://"),
            ("s3:///a", "no bucket"),
            ("s3://Bkt/a", "not a valid S3 bucket name"),
            ("s3://b/a", "not a valid S3 bucket name"),
            ("s3://-bkt/a", "not a valid S3 bucket name"),
            ("s3://bkt-/a", "not a valid S3 bucket name"),
            ("s3://bk..t/a", "not a valid S3 bucket name"),
            ("s3://bkt%2fother/a", "not a valid S3 bucket name"),
            ("s3://user:pw@bkt/a", "not a valid S3 bucket name"),
            ("s3://bkt:443/a", "not a valid S3 bucket name"),
            ("s3://bkt/", "names a bucket, not an object"),
            ("s3://bkt", "names a bucket, not an object"),
            ("s3://bkt/team/", "names a folder, not an object"),
            ("s3://bkt//a", "empty path segment"),
            ("s3://bkt/a//b", "empty path segment"),
            ("s3://bkt/team/../other/x", "\"..\" path segment"),
            ("s3://bkt/./x", "\".\" path segment"),
            ("s3://bkt/..", "\"..\" path segment"),
            ("s3://bkt/a\nb", "control character"),
            ("s3://bkt/a\u{0}b", "control character"),
        ] {
            let err = refused(bad, Kind::Object);
            assert!(err.contains(why), "{bad:?}: {err}");
        }
        assert!(refused(&format!("s3://bkt/{}", "k".repeat(1025)), Kind::Object).contains("1024 bytes"));
        assert!(refused("s3://bkt/a//", Kind::Prefix).contains("empty path segment"));
        assert!(refused("s3://bkt/../x/", Kind::Prefix).contains("\"..\""));
    }

    #[test]
    fn prefixes_match_whole_segments() {
        let team = url("s3://bkt/team", Kind::Prefix);
        assert!(url("s3://bkt/team/x.csv", Kind::Object).within(&team));
        assert!(url("s3://bkt/team/deep/x.csv", Kind::Object).within(&team));
        assert!(url("s3://bkt/team", Kind::Object).within(&team), "the prefix itself");
        assert!(!url("s3://bkt/team-other/x.csv", Kind::Object).within(&team));
        assert!(!url("s3://bkt/teamx", Kind::Object).within(&team));
        assert!(!url("s3://bkt/tea", Kind::Object).within(&team));
        assert!(!url("s3://bkt/x.csv", Kind::Object).within(&team));
        assert!(!url("s3://bkt2/team/x.csv", Kind::Object).within(&team), "another bucket");
        assert!(!url("s3://bkt/Team/x.csv", Kind::Object).within(&team), "keys are case-sensitive");
        assert!(!url("s3://bkt/team%2fx.csv", Kind::Object).within(&team), "an encoded / is not a separator");
        let whole = url("s3://bkt", Kind::Prefix);
        assert!(url("s3://bkt/anything/at/all", Kind::Object).within(&whole));
        assert!(!url("s3://bkt2/x", Kind::Object).within(&whole));
    }

    #[test]
    fn the_allowed_list_is_parsed_and_one_client_is_made_per_bucket() {
        let s = source(" s3://bkt/team/ , s3://bkt/finance,,s3://other-bkt, s3://bkt/team ");
        assert_eq!(s.allowed(), ["s3://bkt/team", "s3://bkt/finance", "s3://other-bkt"]);
        assert_eq!(s.buckets.keys().collect::<Vec<_>>(), ["bkt", "other-bkt"]);
        assert!(S3Source::build("", AmazonS3Builder::new).unwrap().is_none());
        assert!(S3Source::build(" , ", AmazonS3Builder::new).unwrap().is_none());
        let err = S3Source::build("s3://bkt/team,s3://bkt/../x", AmazonS3Builder::new).unwrap_err();
        assert!(err.starts_with("OKTA_MCP_S3_ALLOWED: ") && err.contains("\"..\""), "{err}");
        let err = S3Source::build("/data/csv", AmazonS3Builder::new).unwrap_err();
        assert!(err.contains("not an s3://bucket/key URL"), "{err}");
    }

    #[tokio::test]
    async fn urls_outside_the_allowed_prefixes_are_refused_before_any_request() {
        // The endpoint is a closed port: a request would fail with a connection error, not these.
        let s = source("s3://bkt/team,s3://other-bkt/a/b");
        for outside in [
            "s3://bkt/team-other/x.csv",
            "s3://bkt/x.csv",
            "s3://other-bkt/a/x.csv",
            "s3://other-bkt/a/bc/x.csv",
            "s3://third-bkt/team/x.csv",
        ] {
            let err = s.read(outside, 1 << 20).await.unwrap_err();
            assert!(err.contains("is outside the allowed S3 prefixes (s3://bkt/team, s3://other-bkt/a/b)"), "{err}");
            let err = s.list(outside, 10).await.unwrap_err();
            assert!(err.contains("is outside the allowed S3 prefixes"), "{err}");
        }
        let err = s.list("s3://bkt", 10).await.unwrap_err();
        assert!(err.contains("outside"), "a bucket holding an allowed prefix is not itself allowed: {err}");
        let err = s.read("s3://bkt/team/../secret.csv", 10).await.unwrap_err();
        assert!(err.contains("\"..\" path segment"), "{err}");
        assert!(s.list("s3://bkt/team", 0).await.unwrap().is_empty(), "max 0 asks nothing");
    }

    #[test]
    fn errors_and_debug_output_never_carry_the_credentials() {
        let s = source("s3://bkt/team");
        let text = "GET http://x/?X-Amz-Credential=AKIAUNITTESTKEY00001 failed: unit/test+secret/value; \
                    Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";
        let scrubbed = s.scrub(text);
        assert!(!scrubbed.contains("AKIAUNITTESTKEY00001"), "{scrubbed}");
        assert!(!scrubbed.contains("unit/test+secret/value"), "{scrubbed}");
        assert!(!scrubbed.contains("eyJhbGciOiJIUzI1NiJ9"), "{scrubbed}");
        assert!(scrubbed.contains("[redacted]"), "{scrubbed}");
        assert!(s.scrub(&"x".repeat(1000)).chars().count() <= MAX_DETAIL_CHARS + 1);
        let debug = format!("{s:?}");
        assert_eq!(debug, r#"S3Source { allowed: ["s3://bkt/team"], .. }"#);
    }

    #[test]
    fn s3_error_documents_are_reduced_to_their_code_and_message() {
        let body = "Generic S3 error: … 403 Forbidden: <?xml version=\"1.0\"?>\n<Error><Code>InvalidAccessKeyId</Code>\
                    <Message>The AWS Access Key Id you provided does not exist in our records.</Message>\
                    <AWSAccessKeyId>AKIAUNITTESTKEY00001</AWSAccessKeyId></Error>";
        assert_eq!(xml_element(body, "Code"), Some("InvalidAccessKeyId"));
        assert_eq!(
            xml_element(body, "Message"),
            Some("The AWS Access Key Id you provided does not exist in our records.")
        );
        assert_eq!(xml_element(body, "RequestId"), None);
        assert_eq!(xml_element("<Code></Code>", "Code"), None);
        assert_eq!(xml_element("<Code>unterminated", "Code"), None);
    }

    #[tokio::test]
    async fn a_failed_request_names_the_url_and_no_credential() {
        // Nothing listens on port 9 of the loopback: the request fails at once (connection refused).
        let s = source("s3://bkt/team");
        let err = s.read("s3://bkt/team/x.csv", 10).await.unwrap_err();
        assert!(err.starts_with("s3://bkt/team/x.csv: "), "{err}");
        assert!(!err.contains("AKIAUNITTESTKEY00001") && !err.contains("unit/test+secret/value"), "{err}");
    }
}
