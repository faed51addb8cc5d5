//! Risk end to end: the seeded separation-of-duties rule, and "does granting Alice the Finance Admin bundle
//! violate a separation-of-duties rule" (yes: she is a Salesforce System Administrator), for Bob (no), and by
//! entitlement values; creating a rule (assessments see it at once), updating and deleting it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use okta_e2e::{Org, rows, unique};
use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_okta-mcp-governance");
const RULE: &str = "rulfinancesysadmin01";
const FINANCE_BUNDLE: &str = "enbfinanceadmin00001";
const SALESFORCE: &str = "0oasalesforce0000001";

#[test]
fn rules_list_and_read() {
    let org = Org::start();
    let mut server = org.server(BIN, &[]);
    let list = server.call("okta_iga_list_risk_rules", json!({})).ok();
    let rule = rows(&list).into_iter().find(|r| r["id"] == RULE).expect("the seeded rule");
    assert_eq!(rule["type"], "SEPARATION_OF_DUTIES");
    let got = server.call("okta_iga_get_risk_rule", json!({"rule_id": RULE})).ok();
    assert_eq!(got["conflictCriteria"]["and"].as_array().unwrap().len(), 2);
    assert!(got.get("_links").is_none());
    let missing = server.call("okta_iga_get_risk_rule", json!({"rule_id": "rul0000000000000000x"})).err();
    assert!(missing.contains("E0000007"), "{missing}");
}

#[test]
fn does_the_finance_admin_bundle_violate_a_rule() {
    let org = Org::start();
    let mut server = org.server(BIN, &[]);
    let held = |server: &mut okta_e2e::Server| {
        server
            .call(
                "okta_iga_list_user_entitlements",
                json!({"user": "alice.active@example.com", "app": "0oasalesforce0000001"}),
            )
            .ok()
    };
    let before = held(&mut server);
    let alice = server
        .call("okta_iga_assess_risk", json!({"user": "alice.active@example.com", "bundle_id": FINANCE_BUNDLE}))
        .ok();
    assert_eq!(alice["violations"][0]["ruleId"], RULE, "{alice}");
    assert_eq!(alice["result"], "would violate 1 risk rule(s)");
    assert_eq!(alice["assessed"]["bundle"]["name"], "Finance Admin");
    // "Does granting Carol the Finance Admin bundle violate a separation-of-duties rule?" (the bundle by name)
    let carol = server
        .call("okta_iga_assess_risk", json!({"user": "carol.finance@example.com", "bundle_id": "Finance Admin"}))
        .ok();
    assert_eq!(carol["violations"][0]["ruleName"], "Finance Admin and System Administrator", "{carol}");
    assert_eq!(carol["assessed"]["bundle"]["id"], FINANCE_BUNDLE);
    let unknown =
        server.call("okta_iga_assess_risk", json!({"user": "carol.finance@example.com", "bundle_id": "Payroll"})).err();
    assert!(unknown.contains("no bundle is named \"Payroll\""), "{unknown}");
    let bob = server
        .call("okta_iga_assess_risk", json!({"user": "bob.active@example.com", "bundle_id": FINANCE_BUNDLE}))
        .ok();
    assert_eq!(bob["violations"], json!([]));
    assert_eq!(bob["result"], "no risk rule would be violated");
    let values = server
        .call(
            "okta_iga_assess_risk",
            json!({"user": "00ualiceactive000001", "entitlement_id": "espsfpermset00000001",
                   "value_ids": ["entsffinanceadmin001"]}),
        )
        .ok();
    assert_eq!(values["violations"][0]["ruleName"], "Finance Admin and System Administrator");
    let harmless = server
        .call(
            "okta_iga_assess_risk",
            json!({"user": "00ualiceactive000001", "entitlement_id": "espsfpermset00000001",
                   "value_ids": ["entsfreports00000001"]}),
        )
        .ok();
    assert_eq!(harmless["violations"], json!([]));
    assert_eq!(held(&mut server), before, "an assessment changes nothing");
}

#[test]
fn assessment_arguments() {
    let org = Org::start();
    let mut server = org.server(BIN, &[]);
    let before = org.request_count();
    let neither = server.call("okta_iga_assess_risk", json!({"user": "bob.active@example.com"})).err();
    assert!(neither.contains("give bundle_id, or entitlement_id"), "{neither}");
    let both = server
        .call(
            "okta_iga_assess_risk",
            json!({"user": "bob.active@example.com", "bundle_id": FINANCE_BUNDLE, "entitlement_id": "espsfpermset00000001",
                   "value_ids": ["entsfreports00000001"]}),
        )
        .err();
    assert!(both.contains("give bundle_id, or entitlement_id"), "{both}");
    assert_eq!(org.request_count(), before);
    let foreign = server
        .call(
            "okta_iga_assess_risk",
            json!({"user": "bob.active@example.com", "entitlement_id": "espsfpermset00000001",
                   "value_ids": ["entsfsysadmin0000001"]}),
        )
        .err();
    assert!(foreign.contains("is not a value of entitlement"), "{foreign}");
}

#[test]
fn create_assess_update_and_delete_a_rule() {
    let org = Org::start();
    let mut server = org.server(BIN, &["--mode", "full"]);
    let name = unique("E2E Reports and Standard ");
    let before = org.request_count();
    let one = server
        .call("okta_iga_create_risk_rule", json!({"name": name, "app": SALESFORCE, "list1": [], "list2": ["x"]}))
        .err();
    assert!(one.contains("list1: give 1 to 50"), "{one}");
    assert_eq!(org.request_count(), before);
    let changes = org.change_count();
    let itself = server
        .call(
            "okta_iga_create_risk_rule",
            json!({"name": name, "app": SALESFORCE, "list1": ["Reports Viewer"], "list2": ["entsfreports00000001"]}),
        )
        .err();
    assert!(itself.contains("in both lists"), "{itself}");
    let unknown = server
        .call(
            "okta_iga_create_risk_rule",
            json!({"name": name, "app": SALESFORCE, "list1": ["Reports Viewer"], "list2": ["Profile: Janitor"]}),
        )
        .err();
    assert!(unknown.contains("is not a value of app"), "{unknown}");
    assert_eq!(org.change_count(), changes);

    // Bob has Standard User and Reports Viewer already; Reports Viewer for someone with Standard User conflicts.
    let created = server
        .call(
            "okta_iga_create_risk_rule",
            json!({"name": name, "description": "Reporting stays with analysts", "app": SALESFORCE,
                   "list1": ["Permission Set: Reports Viewer"], "list2": ["Profile: Standard User"]}),
        )
        .ok();
    let id = created["created"]["id"].as_str().unwrap().to_owned();
    assert_eq!(created["created"]["status"], "ACTIVE", "{created}");
    assert_eq!(created["list1"], json!(["Permission Set: Reports Viewer"]));
    let got = server.call("okta_iga_get_risk_rule", json!({"rule_id": id})).ok();
    assert_eq!(got["conflictCriteria"]["and"][1]["value"]["value"][0]["values"][0]["name"], "Standard User");
    assert_eq!(got["conflictCriteria"]["and"][0]["operation"], "CONTAINS_ONE");
    let dup = server
        .call(
            "okta_iga_create_risk_rule",
            json!({"name": name, "app": SALESFORCE, "list1": ["Finance Admin"], "list2": ["Standard User"]}),
        )
        .err();
    assert!(dup.contains("E0000028") && dup.contains("unique"), "{dup}");

    let assess = |server: &mut okta_e2e::Server, value: &str| {
        server
            .call("okta_iga_assess_risk",
                  json!({"user": "bob.active@example.com", "entitlement_id": "espsfpermset00000001", "value_ids": [value]}))
            .ok()
    };
    let bob = assess(&mut server, "entsfreports00000001");
    assert_eq!(bob["violations"][0]["ruleId"], id.as_str(), "the new rule is assessed at once: {bob}");
    assert_eq!(bob["violations"].as_array().unwrap().len(), 1);
    assert_eq!(assess(&mut server, "entsfpayments0000001")["violations"], json!([]));

    let updated = server
        .call(
            "okta_iga_update_risk_rule",
            json!({"rule_id": id, "description": "Payments stay with finance", "list1": ["Payments Approver"]}),
        )
        .ok();
    assert_eq!(
        updated["changed"]["list1"],
        json!({"from": ["Permission Set: Reports Viewer"],
                                                   "to": ["Permission Set: Payments Approver"]}),
        "{updated}"
    );
    assert_eq!(
        updated["changed"]["description"],
        json!({"from": "Reporting stays with analysts", "to": "Payments stay with finance"})
    );
    assert!(updated["changed"].get("list2").is_none(), "{updated}");
    let got = server.call("okta_iga_get_risk_rule", json!({"rule_id": id})).ok();
    assert_eq!(got["name"], name.as_str(), "what was not named stays");
    assert_eq!(got["description"], "Payments stay with finance");
    assert_eq!(got["conflictCriteria"]["and"][1]["value"]["value"][0]["values"][0]["id"], "entsfstandard0000001");
    let bob = assess(&mut server, "entsfpayments0000001");
    assert_eq!(bob["violations"][0]["ruleId"], id.as_str(), "{bob}");
    assert_eq!(assess(&mut server, "entsfreports00000001")["violations"], json!([]));
    let changes = org.change_count();
    let same =
        server.call("okta_iga_update_risk_rule", json!({"rule_id": id, "list2": ["Profile: Standard User"]})).ok();
    assert_eq!(same["changed"], json!({}));
    let clash = server.call("okta_iga_update_risk_rule", json!({"rule_id": id, "list2": ["Payments Approver"]})).err();
    assert!(clash.contains("in both lists"), "{clash}");
    assert_eq!(org.change_count(), changes);

    let deleted = server.call_confirmed("okta_iga_delete_risk_rule", json!({"rule_id": id})).ok();
    assert_eq!(deleted["deleted"]["id"], id.as_str());
    assert_eq!(assess(&mut server, "entsfpayments0000001")["violations"], json!([]));
    let gone = server.call("okta_iga_get_risk_rule", json!({"rule_id": id})).err();
    assert!(gone.contains("E0000007"), "{gone}");
    let missing = server.call_confirmed("okta_iga_delete_risk_rule", json!({"rule_id": "rul0000000000000000x"})).err();
    assert!(missing.contains("E0000007"), "{missing}");
}
