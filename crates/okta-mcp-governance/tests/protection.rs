//! Protected objects reach governance changes too: the user or app a destructive governance tool acts on is named
//! in the request body (a DENY grant's principal, revoke-principal-access's ORNs), and the kit checks those like a
//! path's ids: super administrators and OKTA_MCP_PROTECTED objects are refused before anything is sent.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use okta_e2e::{Org, Server};
use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_okta-mcp-governance");
const SALESFORCE: &str = "0oasalesforce0000001";
const PROFILE: &str = "espsfprofile00000001";
const SYSADMIN: &str = "entsfsysadmin0000001";

fn revoke_sysadmin(server: &mut Server, user: &str) -> okta_e2e::CallResult {
    server.call_confirmed(
        "okta_iga_revoke_entitlement",
        json!({"user": user, "app": SALESFORCE, "entitlement_id": PROFILE, "value_ids": [SYSADMIN]}),
    )
}

#[test]
fn a_super_administrators_entitlements_are_protected() {
    let org = Org::start();
    let mut server = org.server(BIN, &["--mode", "full"]);
    let before = org.change_count();
    let refused = revoke_sysadmin(&mut server, "alice.active@example.com").err();
    assert!(refused.contains("super administrator"), "{refused}");
    assert!(refused.contains("Nothing was changed"), "{refused}");
    assert_eq!(org.change_count(), before, "nothing was sent");
}

#[test]
fn protected_names_cover_users_and_apps_in_governance_bodies() {
    let org = Org::start();
    let env = |protected: &str| {
        [
            ("OKTA_ORG_URL", org.url.clone()),
            ("OKTA_API_TOKEN", org.token.clone()),
            ("OKTA_MCP_PROTECTED", protected.into()),
        ]
    };
    let start = |protected: &str| {
        let env = env(protected);
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        Server::start(BIN, &["--mode", "full"], &env)
    };
    let before = org.change_count();
    let mut by_login = start("carol.finance@example.com");
    let refused = revoke_sysadmin(&mut by_login, "00ucarolfinance00001").err();
    assert!(refused.contains("is protected"), "{refused}");
    let mut by_app = start("Salesforce");
    let refused = revoke_sysadmin(&mut by_app, "carol.finance@example.com").err();
    assert!(refused.contains("is protected"), "{refused}");
    let bundle = by_app
        .call_confirmed(
            "okta_iga_remove_bundle_from_user",
            json!({"bundle_id": "enbfinanceadmin00001", "user": "00ucarolfinance00001"}),
        )
        .err();
    assert!(bundle.contains("no active grant") || bundle.contains("is protected"), "{bundle}");
    assert_eq!(org.change_count(), before, "nothing was sent");
}
