//! Labels end to end: the seeded labels and what carries them, putting "Risk: Low" on an app and a group by id and
//! on a collection by ORN (the tool makes the ORNs), reading them back, taking them off again; and the refusals.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use okta_e2e::{Org, rows};
use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_okta-mcp-governance");
const SALESFORCE: &str = "0oasalesforce0000001";
const ZOOM: &str = "0oazoom0000000000001";
const ENGINEERING_GROUP: &str = "00gengineering000001";
const RISK_LOW: &str = "lblrisklow0000000001";

#[test]
fn labels_and_what_carries_them() {
    let org = Org::start();
    let mut server = org.server(BIN, &[]);
    let all = server.call("okta_iga_list_labels", json!({})).ok();
    let risk = all["labels"].as_array().unwrap().iter().find(|l| l["name"] == "Risk").expect("Risk");
    assert_eq!(risk["values"][0], json!({"id": "lblriskhigh000000001", "name": "High", "color": "red"}));
    assert!(all["labels"].as_array().unwrap().iter().any(|l| l["name"] == "Data classification"));

    let on_salesforce = server.call("okta_iga_list_labels", json!({"resource": SALESFORCE})).ok();
    let row = &rows(&on_salesforce)[0];
    assert_eq!(row["name"], "Salesforce");
    assert_eq!(row["labels"], json!(["Risk: High", "Data classification: Confidential"]));
    assert!(row["orn"].as_str().unwrap().ends_with(":apps:salesforce:0oasalesforce0000001"));

    let high = server.call("okta_iga_list_labels", json!({"label_value": "risk: high"})).ok();
    let names: Vec<_> = rows(&high).iter().map(|r| r["name"].clone()).collect();
    assert!(names.contains(&json!("Salesforce")) && names.contains(&json!("Finance Admin")), "{high}");

    let none = server.call("okta_iga_list_labels", json!({"resource": ZOOM})).ok();
    assert_eq!(none["result"], "the resource has no labels");
    // A group alone: its ORN is made on the org id of /.well-known/okta-organization.
    let group = server.call("okta_iga_list_labels", json!({"resource": ENGINEERING_GROUP})).ok();
    assert!(group["orn"].as_str().unwrap().ends_with(":directory:00osandboxorg0000001:groups:00gengineering000001"));
    assert_eq!(group["labels"], json!([]));
}

#[test]
fn assign_and_unassign_risk_low() {
    let org = Org::start();
    let mut server = org.server(BIN, &["--mode", "read-write"]);
    let collection = server.call("okta_iga_get_collection", json!({"collection": "Engineering essentials"})).ok();
    let collection_orn = collection["orn"].as_str().unwrap().to_owned();
    let targets = json!([ZOOM, ENGINEERING_GROUP, collection_orn]);

    let dry =
        server.call("okta_iga_assign_label", json!({"resources": targets, "labels": ["Risk: Low"], "dry_run": true}));
    assert!(!dry.is_error, "{}", dry.text);
    let before = server.call("okta_iga_list_labels", json!({"label_value": RISK_LOW})).ok();
    assert_eq!(before["count"], 0, "a dry run changes nothing: {before}");

    let assigned = server.call("okta_iga_assign_label", json!({"resources": targets, "labels": ["Risk: Low"]})).ok();
    assert_eq!(assigned["assigned"], json!(["Risk: Low"]));
    let resources = assigned["resources"].as_array().unwrap();
    assert_eq!(resources.len(), 3);
    let group = resources.iter().find(|r| r["name"] == "Engineering").expect("the group, by its ORN");
    assert!(group["orn"].as_str().unwrap().contains(":directory:"), "{group}");
    assert!(resources.iter().all(|r| r["labels"].as_array().unwrap().contains(&json!("Risk: Low"))));

    let low = server.call("okta_iga_list_labels", json!({"label_value": "Risk: Low"})).ok();
    let names: Vec<_> = rows(&low).iter().map(|r| r["name"].clone()).collect();
    assert_eq!(names.len(), 3, "{low}");
    assert!(names.contains(&json!("Zoom")) && names.contains(&json!("Engineering essentials")), "{low}");

    let removed = server
        .call(
            "okta_iga_unassign_label",
            json!({"resources": [ZOOM, ENGINEERING_GROUP, collection_orn], "labels": [RISK_LOW]}),
        )
        .ok();
    assert_eq!(removed["removed"].as_array().unwrap().len(), 3);
    assert_eq!(removed["not_assigned"], json!([]));
    let after = server.call("okta_iga_list_labels", json!({"label_value": RISK_LOW})).ok();
    assert_eq!(after["count"], 0);

    let changes = org.change_count();
    let again = server.call("okta_iga_unassign_label", json!({"resources": [ZOOM], "labels": ["Risk: Low"]})).err();
    assert!(again.contains("nothing to unassign"), "{again}");
    assert_eq!(org.change_count(), changes);
}

#[test]
fn label_arguments_are_checked() {
    let org = Org::start();
    let mut server = org.server(BIN, &["--mode", "read-write"]);
    let before = org.request_count();
    let name =
        server.call("okta_iga_assign_label", json!({"resources": ["Salesforce"], "labels": ["Risk: Low"]})).err();
    assert!(name.contains("is not an app id (0oa…), a group id (00g…) or an ORN"), "{name}");
    let injected = server
        .call(
            "okta_iga_assign_label",
            json!({"resources": ["orn:okta:idp:00o1:apps:x\" or \"1"], "labels": ["Risk: Low"]}),
        )
        .err();
    assert!(injected.contains("is not an ORN"), "{injected}");
    let none = server.call("okta_iga_assign_label", json!({"resources": [SALESFORCE], "labels": []})).err();
    assert!(none.contains("give 1 to 10 label values"), "{none}");
    let many =
        server.call("okta_iga_assign_label", json!({"resources": vec![SALESFORCE; 11], "labels": ["Risk: Low"]})).err();
    assert!(many.contains("give 1 to 10 resources"), "{many}");
    assert_eq!(org.request_count(), before, "bad input sends nothing");

    let changes = org.change_count();
    let unknown = server.call("okta_iga_assign_label", json!({"resources": [ZOOM], "labels": ["Risk: Medium"]})).err();
    assert!(unknown.contains("no label value \"Risk: Medium\"") && unknown.contains("Risk: Low"), "{unknown}");
    let missing_app = server
        .call("okta_iga_assign_label", json!({"resources": ["0oa0000000000000000x"], "labels": ["Risk: Low"]}))
        .err();
    assert!(missing_app.contains("E0000007"), "{missing_app}");
    assert_eq!(org.change_count(), changes);
}
