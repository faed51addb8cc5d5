//! The apps server with a service app configured like a new Okta API Services app: DPoP required,
//! private_key_jwt, the private JWK pasted from the console. Lists page across several pages, and a change
//! goes through with a DPoP-bound token.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use okta_e2e::keys::{EC_PRIVATE_JWK, ec_public_jwk};
use okta_e2e::{Org, Server};
use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_okta-mcp-apps");
const CLIENT_ID: &str = "0oadpopappsclient001";

#[test]
fn a_dpop_required_app_works_across_pages_and_changes() {
    let jwks = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(jwks.path(), json!({"keys": [ec_public_jwk()]}).to_string()).unwrap();
    let org = Org::spawn(&[
        "--oauth-client-id",
        CLIENT_ID,
        "--oauth-client-jwk",
        jwks.path().to_str().unwrap(),
        "--oauth-client-scopes",
        // okta.roles.read: protection reads the assigned user's admin roles (the kit asks for it with any write tool).
        "okta.apps.read okta.apps.manage okta.appGrants.read okta.users.read okta.roles.read",
        "--require-dpop",
    ]);
    let mut server = Server::start(
        BIN,
        &["--mode", "read-write"],
        &[("OKTA_ORG_URL", &org.url), ("OKTA_CLIENT_ID", CLIENT_ID), ("OKTA_PRIVATE_KEY", EC_PRIVATE_JWK)],
    );
    let mut page = server.call("okta_list_apps", json!({"limit": 2})).ok();
    let mut seen = page["count"].as_u64().unwrap();
    let mut pages = 1;
    while let Some(cursor) = page["next_cursor"].as_str().map(str::to_owned) {
        page = server.call("okta_list_apps", json!({"limit": 2, "cursor": cursor})).ok();
        seen += page["count"].as_u64().unwrap();
        pages += 1;
        assert!(pages < 50);
    }
    assert!(pages >= 3, "only {pages} pages");
    assert!(seen >= 6);
    let assigned = server
        .call("okta_assign_user_to_app", json!({"app_id": "0oasalesforce0000001", "user": "bob.active@example.com"}))
        .ok();
    assert!(assigned.to_string().contains("bob.active@example.com") || assigned.to_string().contains("00ubob"));
    let log = server.stderr_with("DPoP");
    assert!(log.contains("DPoP"), "the log should say the token is DPoP-bound:\n{log}");
    assert!(!log.contains("eyJ"), "a JWT leaked into the log");
}
