//! What the governance tests share: the sample CSVs (examples/bulk) and a server that reads them; the grant that
//! puts a person on both sides of the seeded separation-of-duties rule.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use okta_e2e::{Org, Server};
use serde_json::{Value, json};

pub const BIN: &str = env!("CARGO_BIN_EXE_okta-mcp-governance");
pub const SALESFORCE: &str = "0oasalesforce0000001";
pub const GITHUB: &str = "0oagithub00000000001";

/// The sample CSVs.
pub fn samples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/bulk").canonicalize().expect("examples/bulk")
}

/// A read-write server whose CSV folder is `dir`, with more environment.
pub fn server_in(org: &Org, dir: &std::path::Path, env: &[(&str, &str)]) -> Server {
    let dir = dir.to_str().expect("utf-8 path").to_owned();
    let mut all = vec![("OKTA_MCP_CSV_DIR", dir.as_str())];
    all.extend_from_slice(env);
    org.server_with(BIN, &["--mode", "read-write"], &all)
}

/// A read-write server reading the samples.
pub fn server(org: &Org) -> Server {
    server_in(org, &samples(), &[])
}

/// The ACTIVE grants of `app`, as (user id, grant id, values) rows.
pub fn grants_of(server: &mut Server, app: &str) -> Vec<serde_json::Map<String, Value>> {
    let mut all = Vec::new();
    let mut args = json!({"app": app, "limit": 200});
    loop {
        let page = server.call("okta_iga_list_grants", args.clone()).ok();
        all.extend(okta_e2e::rows(&page));
        match page.get("next_cursor").and_then(Value::as_str) {
            Some(c) => args = json!({"cursor": c, "limit": 200}),
            None => return all,
        }
    }
}

/// How many API (actor API) grants each user of `app` has.
pub fn api_grants_per_user(server: &mut Server, app: &str) -> std::collections::BTreeMap<String, usize> {
    let mut out = std::collections::BTreeMap::new();
    for g in grants_of(server, app) {
        if g.get("actor") == Some(&json!("API")) {
            *out.entry(g["userId"].as_str().unwrap_or_default().to_owned()).or_default() += 1;
        }
    }
    out
}

/// The test S3 server (`scripts/s3` sets it, with the AWS_* settings that reach it). Unset: the test is
/// skipped, except under CI=true, where it fails; and in a contract run (it sends nothing to Okta; the cargo
/// tests step runs it).
pub fn s3_endpoint() -> Option<String> {
    if std::env::var("OKTA_E2E_ORG_URL").is_ok() {
        eprintln!("skipped in a contract run: the cargo tests step runs it");
        return None;
    }
    match std::env::var("OKTA_MCP_TEST_S3_ENDPOINT") {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ => {
            assert_ne!(
                std::env::var("CI").as_deref(),
                Ok("true"),
                "OKTA_MCP_TEST_S3_ENDPOINT is not set under CI=true: scripts/test runs the cargo tests under \
                 scripts/s3, which starts an S3 server and sets it"
            );
            eprintln!("skipped: OKTA_MCP_TEST_S3_ENDPOINT is not set (run the test under scripts/s3)");
            None
        }
    }
}

/// Salesforce's Finance Admin value granted to `user` (an additive grant): beside System Administrator, what the
/// seeded risk rule `rulfinancesysadmin01` forbids. Okta's answer (the grant).
pub fn give_finance_admin(server: &mut Server, user: &str) -> Value {
    server
        .call(
            "okta_iga_assign_entitlement",
            json!({"user": user, "app": SALESFORCE, "entitlement_id": "espsfpermset00000001",
                   "value_ids": ["entsffinanceadmin001"]}),
        )
        .ok()
}
