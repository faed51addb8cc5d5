//! Protected objects through the apps server: every destructive tool refuses a protected app (named by label),
//! a protected group, and a super administrator, and nothing reaches Okta.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use okta_e2e::{Org, Server, rows};
use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_okta-mcp-apps");
const SALESFORCE: &str = "0oasalesforce0000001";
const ENGINEERING: &str = "00gengineering000001";

#[test]
fn every_destructive_tool_refuses_protected_objects() {
    let org = Org::start();
    let mut reader = org.server(BIN, &[]);
    let inactive = rows(&reader.call("okta_list_apps", json!({"filter": "status eq \"INACTIVE\""})).ok()).remove(0);
    let inactive_label = inactive["label"].as_str().unwrap().to_owned();
    let protected = format!("Salesforce,{inactive_label},Engineering");
    let mut server = Server::start(
        BIN,
        &["--mode", "full"],
        &[("OKTA_ORG_URL", &org.url), ("OKTA_API_TOKEN", &org.token), ("OKTA_MCP_PROTECTED", &protected)],
    );
    // A direct assignment to remove, made by a server that protects nothing.
    let mut writer = org.server(BIN, &["--mode", "read-write"]);
    writer.call("okta_assign_user_to_app", json!({"app_id": SALESFORCE, "user": "henry.helpdesk@example.com"})).ok();
    let changes = org.change_count();
    // Writes to a protected object are refused too, not only destructive changes.
    let write =
        server.call("okta_assign_user_to_app", json!({"app_id": SALESFORCE, "user": "bob.active@example.com"})).err();
    assert!(write.contains("is protected"), "{write}");
    let rename = server.call("okta_update_app", json!({"app_id": SALESFORCE, "label": "Not Salesforce"})).err();
    assert!(rename.contains("is protected"), "{rename}");
    let cases = [
        ("okta_deactivate_app", json!({"app_id": SALESFORCE}), "is protected"),
        ("okta_delete_app", json!({"app_id": inactive["id"]}), "is protected"),
        (
            "okta_remove_user_from_app",
            json!({"app_id": SALESFORCE, "user": "henry.helpdesk@example.com"}),
            "is protected",
        ),
        (
            "okta_remove_group_from_app",
            json!({"app_id": "0oaexpenses000000001", "group_id": ENGINEERING}),
            "is protected",
        ),
        // Alice is assigned the expenses app directly, and a super administrator: protected though unnamed.
        (
            "okta_remove_user_from_app",
            json!({"app_id": "0oaexpenses000000001", "user": "alice.active@example.com"}),
            "super administrator",
        ),
    ];
    for (tool, args, why) in cases {
        let error = server.call(tool, args).err();
        assert!(error.contains(why), "{tool}: {error}");
        assert!(error.contains("Nothing was changed"), "{tool}: {error}");
    }
    assert_eq!(org.change_count(), changes, "a refused change reached Okta");
}
