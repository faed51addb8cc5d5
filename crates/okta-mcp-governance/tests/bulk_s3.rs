//! The CSV workflow's S3 source against a real S3 server (moto, which `scripts/s3` installs and starts): listing
//! (sorted, bounded, only inside the prefix), reading (the bytes, the size cap, refusals outside the allowed
//! prefixes, missing objects and buckets), and errors that never show the credentials; and `from_env`.
//!
//! The governance crate is a binary: the module is compiled into this test from its source file (`#[path]`),
//! the same file the binary builds.
#![cfg(feature = "s3")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../src/bulk/s3.rs"]
mod s3;
mod support;

use object_store::aws::AmazonS3Builder;
use object_store::path::Path;
use object_store::{ObjectStoreExt, PutPayload};
use s3::S3Source;

const BIG: usize = 5000;

/// A bucket of this test's own in the server, holding `objects` (key, body).
async fn bucket(endpoint: &str, objects: &[(&str, Vec<u8>)]) -> String {
    let name = okta_e2e::unique("okta-mcp-test-");
    // moto makes a bucket on an unsigned PUT; object stores have no call for it.
    let created = reqwest::Client::new().put(format!("{endpoint}/{name}")).send().await.expect("create bucket");
    assert!(created.status().is_success(), "create bucket: {}", created.status());
    let store = AmazonS3Builder::from_env().with_bucket_name(&name).build().expect("client");
    for (key, body) in objects {
        store.put(&Path::parse(key).unwrap(), PutPayload::from(body.clone())).await.expect(key);
    }
    name
}

/// The test's objects: a folder `team/` with a subfolder, a neighbour `team-other/` that shares its first
/// letters, one at the root, an empty one, a 5,000-byte one and a key with a literal `%2e%2e`.
fn objects() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("team/b.csv", b"email,role\nbob@example.com,admin\n".to_vec()),
        ("team/a.csv", b"email,role\nann@example.com,viewer\n".to_vec()),
        ("team/sub/c.csv", b"email\ncarol@example.com\n".to_vec()),
        ("team/empty.csv", Vec::new()),
        ("team/big.csv", vec![b'x'; BIG]),
        ("team/%2e%2e/odd.csv", b"odd".to_vec()),
        ("team-other/secret.csv", b"not yours".to_vec()),
        ("root.csv", b"not yours either".to_vec()),
    ]
}

/// No error shows the credentials the client signs with.
fn assert_clean(err: &str) {
    for name in ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"] {
        if let Ok(value) = std::env::var(name) {
            assert!(value.is_empty() || !err.contains(&value), "{name} in the error: {err}");
        }
    }
}

async fn refused(source: &S3Source, url: &str, max: u64) -> String {
    let err = source.read(url, max).await.expect_err(url);
    assert_clean(&err);
    err
}

#[tokio::test]
async fn listing_is_sorted_bounded_and_stays_inside_the_prefix() {
    let Some(endpoint) = support::s3_endpoint() else { return };
    let b = bucket(&endpoint, &objects()).await;
    let source = S3Source::with_allowed(&format!("s3://{b}/team/")).unwrap().expect("configured");
    assert_eq!(source.allowed(), [format!("s3://{b}/team")]);

    let all = source.list(&format!("s3://{b}/team"), 100).await.unwrap();
    let urls: Vec<&str> = all.iter().map(|o| o.url.as_str()).collect();
    let want: Vec<String> = ["%2e%2e/odd.csv", "a.csv", "b.csv", "big.csv", "empty.csv", "sub/c.csv"]
        .iter()
        .map(|k| format!("s3://{b}/team/{k}"))
        .collect();
    assert_eq!(urls, want, "sorted by key, the subfolder included, team-other/ and root.csv not");
    let big = all.iter().find(|o| o.url.ends_with("/big.csv")).unwrap();
    assert_eq!(big.size, BIG as u64);
    assert_eq!(all.iter().find(|o| o.url.ends_with("/empty.csv")).unwrap().size, 0);
    for o in &all {
        let modified = o.modified.as_deref().expect("modified");
        chrono::DateTime::parse_from_rfc3339(modified).unwrap_or_else(|e| panic!("{modified}: {e}"));
    }

    let first_two = source.list(&format!("s3://{b}/team/"), 2).await.unwrap();
    assert_eq!(first_two, all[..2], "bounded: the first keys in order");
    let sub = source.list(&format!("s3://{b}/team/sub"), 100).await.unwrap();
    assert_eq!(sub.iter().map(|o| o.url.clone()).collect::<Vec<_>>(), [format!("s3://{b}/team/sub/c.csv")]);
    assert!(source.list(&format!("s3://{b}/team/nothing-here"), 100).await.unwrap().is_empty());

    for outside in [format!("s3://{b}/team-other"), format!("s3://{b}"), format!("s3://{b}/tea")] {
        let err = source.list(&outside, 100).await.expect_err(&outside);
        assert!(err.contains("outside the allowed S3 prefixes"), "{err}");
    }

    // The whole bucket allowed: a folder still lists only itself, not its neighbour that shares a beginning.
    let whole = S3Source::with_allowed(&format!("s3://{b}")).unwrap().expect("configured");
    let team = whole.list(&format!("s3://{b}/team"), 100).await.unwrap();
    assert_eq!(team, all);
    assert_eq!(whole.list(&format!("s3://{b}"), 100).await.unwrap().len(), objects().len());
}

#[tokio::test]
async fn reading_gives_the_bytes_within_the_cap_and_inside_the_prefix_only() {
    let Some(endpoint) = support::s3_endpoint() else { return };
    let b = bucket(&endpoint, &objects()).await;
    let source = S3Source::with_allowed(&format!("s3://{b}/team")).unwrap().expect("configured");

    for (key, body) in objects().into_iter().filter(|(k, _)| k.starts_with("team/")) {
        let got = source.read(&format!("s3://{b}/{key}"), BIG as u64).await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(got, body, "{key}");
    }

    let err = refused(&source, &format!("s3://{b}/team/big.csv"), BIG as u64 - 1).await;
    assert_eq!(err, format!("s3://{b}/team/big.csv is 5000 bytes, over the limit of 4999 bytes: not read"));
    let err = refused(&source, &format!("s3://{b}/team/missing.csv"), 100).await;
    assert_eq!(err, format!("s3://{b}/team/missing.csv: not found in S3"));
    for outside in [
        format!("s3://{b}/team-other/secret.csv"),
        format!("s3://{b}/root.csv"),
        format!("s3://{b}/team/../root.csv"),
        format!("s3://{b}/team/%2e%2e/../../root.csv"),
        format!("s3://{b}/team//../root.csv"),
        format!("s3://{b}%2fteam/../root.csv"),
    ] {
        let err = refused(&source, &outside, 100).await;
        assert!(
            err.contains("outside the allowed S3 prefixes")
                || err.contains("path segment")
                || err.contains("not a valid S3 bucket name"),
            "{outside}: {err}"
        );
    }
    // An encoded `..` is a literal key: it finds only an object that has that very name.
    let err = refused(&source, &format!("s3://{b}/team/%2e%2e/root.csv"), 100).await;
    assert!(err.ends_with("not found in S3"), "{err}");
    let err = refused(&source, &format!("s3://{b}/team/"), 100).await;
    assert!(err.contains("names a folder, not an object"), "{err}");
}

#[tokio::test]
async fn a_missing_bucket_is_a_clear_error_without_credentials() {
    if support::s3_endpoint().is_none() {
        return;
    }
    let missing = okta_e2e::unique("okta-mcp-missing-");
    let source = S3Source::with_allowed(&format!("s3://{missing}/team")).unwrap().expect("configured");
    let err = source.list(&format!("s3://{missing}/team"), 10).await.expect_err("no bucket");
    assert_eq!(err, format!("s3://{missing}/team: no such bucket in S3"));
    assert_clean(&err);
    let err = refused(&source, &format!("s3://{missing}/team/a.csv"), 10).await;
    assert!(err.starts_with(&format!("s3://{missing}/team/a.csv: ")), "{err}");
}

/// `from_env` in a child process of this test (the variables are the child's alone): OKTA_MCP_S3_ALLOWED set,
/// empty, and unset.
#[test]
fn from_env_reads_okta_mcp_s3_allowed() {
    const CHILD: &str = "OKTA_MCP_TEST_S3_FROM_ENV_CHILD";
    if let Ok(expect) = std::env::var(CHILD) {
        let source = S3Source::from_env().expect("from_env");
        let allowed = source.as_ref().map(|s| s.allowed().join(" "));
        assert_eq!(allowed.as_deref().unwrap_or("none"), expect);
        return;
    }
    let run = |allowed: Option<&str>, expect: &str| {
        let mut child = std::process::Command::new(std::env::current_exe().unwrap());
        child.args(["--exact", "from_env_reads_okta_mcp_s3_allowed", "--nocapture"]).env(CHILD, expect);
        match allowed {
            Some(value) => child.env(s3::ALLOWED_ENV, value),
            None => child.env_remove(s3::ALLOWED_ENV),
        };
        let out = child.output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success() && stdout.contains("1 passed"), "{allowed:?}: {stdout}");
    };
    run(Some("s3://reports/team/, s3://audit-bucket"), "s3://reports/team s3://audit-bucket");
    run(Some(""), "none");
    run(None, "none");
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "from_env_reads_okta_mcp_s3_allowed"])
        .env(CHILD, "unreachable")
        .env(s3::ALLOWED_ENV, "s3://reports/../x")
        .output()
        .unwrap();
    assert!(!out.status.success(), "a bad prefix fails from_env");
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(said.contains("OKTA_MCP_S3_ALLOWED: ") && said.contains("path segment"), "{said}");
}

/// S3 can hold a key with an empty segment (`odd/x//y.csv`); this source cannot name it, so a listing that meets
/// it fails with that reason rather than serving a URL it would refuse to read. Its neighbours stay readable.
#[tokio::test]
async fn a_key_the_source_cannot_name_fails_the_listing_clearly() {
    let Some(endpoint) = support::s3_endpoint() else { return };
    let b = bucket(&endpoint, &[("odd/ok.csv", b"abc".to_vec()), ("fine/a.csv", b"a".to_vec())]).await;
    // An unsigned PUT (moto takes it): the object store client refuses to make such a key.
    let put = reqwest::Client::new().put(format!("{endpoint}/{b}/odd/x//y.csv")).body("y").send().await.unwrap();
    assert!(put.status().is_success(), "{}", put.status());
    let source = S3Source::with_allowed(&format!("s3://{b}")).unwrap().expect("configured");
    let err = source.list(&format!("s3://{b}/odd"), 10).await.expect_err("odd key");
    assert!(err.starts_with(&format!("s3://{b}/odd: S3 holds a key here that this source cannot name")), "{err}");
    assert_clean(&err);
    assert_eq!(source.list(&format!("s3://{b}/fine"), 10).await.unwrap().len(), 1);
    assert_eq!(source.read(&format!("s3://{b}/odd/ok.csv"), 10).await.unwrap(), b"abc");
    let err = refused(&source, &format!("s3://{b}/odd/x//y.csv"), 10).await;
    assert!(err.contains("empty path segment"), "{err}");
}
