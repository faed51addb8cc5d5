//! Risk end to end: the seeded separation-of-duties rule, and "does granting Alice the Finance Admin bundle
//! violate a separation-of-duties rule" (yes: she is a Salesforce System Administrator), for Bob (no), and by
//! entitlement values.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use okta_e2e::{Org, rows};
use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_okta-mcp-governance");
const RULE: &str = "rulfinancesysadmin01";
const FINANCE_BUNDLE: &str = "enbfinanceadmin00001";

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
