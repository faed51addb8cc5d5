//! The CSV workflow end to end from S3 (moto, started by `scripts/s3`): the three calls an admin makes (analyze,
//! prepare the entitlements, apply the grants) read the access report from an allowed `s3://` prefix, and a name
//! outside the allowed prefixes is refused with nothing sent. Skipped without the test S3 server, except under
//! CI=true.
#![cfg(feature = "s3")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use object_store::aws::AmazonS3Builder;
use object_store::path::Path;
use object_store::{ObjectStoreExt, PutPayload};
use okta_e2e::Org;
use serde_json::json;
use support::{GITHUB, api_grants_per_user, samples, server_in};

/// A bucket of this test's own holding the sample report under `audits/`, and one file under `private/`.
fn bucket(endpoint: &str) -> String {
    let name = okta_e2e::unique("okta-mcp-flow-");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let created = reqwest::Client::new().put(format!("{endpoint}/{name}")).send().await.expect("create bucket");
        assert!(created.status().is_success(), "create bucket: {}", created.status());
        let store = AmazonS3Builder::from_env().with_bucket_name(&name).build().expect("client");
        let report = std::fs::read(samples().join("audit_medium_denormalized.csv")).unwrap();
        for key in ["audits/q4.csv", "private/q4.csv"] {
            store.put(&Path::parse(key).unwrap(), PutPayload::from(report.clone())).await.expect(key);
        }
    });
    name
}

#[test]
fn analyze_prepare_and_apply_read_the_report_from_s3() {
    let Some(endpoint) = support::s3_endpoint() else { return };
    let name = bucket(&endpoint);
    let org = Org::start();
    let empty = tempfile::tempdir().unwrap();
    let allowed = format!("s3://{name}/audits");
    let mut server = server_in(&org, empty.path(), &[("OKTA_MCP_S3_ALLOWED", allowed.as_str())]);
    let file = format!("s3://{name}/audits/q4.csv");

    let listed = server.call("okta_iga_list_csv_files", json!({"under": allowed})).ok();
    assert!(listed.to_string().contains(&file), "{listed}");
    let before = org.change_count();
    let outside = server.call("okta_iga_analyze_csv", json!({"file": format!("s3://{name}/private/q4.csv")})).err();
    assert!(outside.contains("OKTA_MCP_S3_ALLOWED") || outside.contains("allowed"), "{outside}");
    assert_eq!(org.change_count(), before, "nothing was sent");

    let analysis = server.call("okta_iga_analyze_csv", json!({"file": file, "app": GITHUB})).ok();
    assert_eq!(analysis["users"], 9, "{analysis}");
    server.call("okta_iga_prepare_entitlements", json!({"file": file, "app": GITHUB})).ok();
    let done = server.call("okta_iga_apply_grants", json!({"file": file, "app": GITHUB})).ok();
    assert_eq!((done["created"].as_u64(), done["failed"].as_u64()), (Some(8), Some(1)), "{done}");
    let grants = api_grants_per_user(&mut server, GITHUB);
    assert_eq!(grants.len(), 8);
    assert!(grants.values().all(|n| *n == 1), "one grant per user: {grants:?}");
}
