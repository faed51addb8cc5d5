//! Resource collections end to end: the seeded "Finance tools" and "Engineering essentials" with their counts,
//! read by id, ORN or name, the apps and entitlement values in one, who is assigned one and which collections a
//! user has; and the refusals.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use okta_e2e::{Org, rows};
use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_okta-mcp-governance");
const FINANCE: &str = "colfinancetools00001";
const ENGINEERING: &str = "colengineering000001";
const SALESFORCE: &str = "0oasalesforce0000001";

#[test]
fn collections_what_is_in_them_and_who_has_them() {
    let org = Org::start();
    let mut server = org.server(BIN, &[]);
    let list = server.call("okta_iga_list_collections", json!({})).ok();
    let all = rows(&list);
    let finance = all.iter().find(|c| c["id"] == FINANCE).expect("Finance tools");
    assert_eq!(finance["name"], "Finance tools");
    assert_eq!(finance["apps"], 2);
    assert_eq!(finance["assigned"], 2);
    let orn = finance["orn"].as_str().unwrap().to_owned();
    assert!(orn.starts_with("orn:okta:governance:") && orn.ends_with(":collections:colfinancetools00001"), "{orn}");
    let named = server.call("okta_iga_list_collections", json!({"name": "essentials"})).ok();
    assert_eq!(rows(&named).iter().map(|c| c["id"].clone()).collect::<Vec<_>>(), [json!(ENGINEERING)]);

    for given in [FINANCE, orn.as_str(), "finance TOOLS"] {
        let got = server.call("okta_iga_get_collection", json!({"collection": given})).ok();
        assert_eq!(got["id"], FINANCE, "{given}");
        assert!(got.get("_links").is_none());
    }

    let resources = server.call("okta_iga_list_collection_resources", json!({"collection": "Finance tools"})).ok();
    let apps = rows(&resources);
    let sf = apps.iter().find(|r| r["appId"] == SALESFORCE).expect("Salesforce is in Finance tools");
    assert_eq!(sf["app"], "Salesforce");
    assert_eq!(sf["values"], json!(["Permission Set: Finance Admin", "Permission Set: Payments Approver"]));
    assert!(sf["orn"].as_str().unwrap().ends_with(":apps:salesforce:0oasalesforce0000001"), "{}", sf["orn"]);
    let expenses = apps.iter().find(|r| r["app"] == "Expense Tracker").expect("Expense Tracker");
    assert_eq!(expenses["values"], json!([]));
    let paged = server.call("okta_iga_list_collection_resources", json!({"collection": FINANCE, "limit": 1})).ok();
    assert_eq!(paged["count"], 1);
    let cursor = paged["next_cursor"].as_str().expect("a second page").to_owned();
    let rest = server.call("okta_iga_list_collection_resources", json!({"collection": FINANCE, "cursor": cursor})).ok();
    assert_eq!(rest["count"], 1);
    assert_ne!(rows(&rest)[0]["appId"], rows(&paged)[0]["appId"]);

    let assigned = server.call("okta_iga_list_collection_assignments", json!({"collection": FINANCE})).ok();
    let users: Vec<_> = rows(&assigned).iter().map(|a| a["login"].clone()).collect();
    assert!(users.contains(&json!("bob.active@example.com")), "{assigned}");
    assert!(users.contains(&json!("olivia.orgadmin@example.com")), "{assigned}");
    let olivia = rows(&assigned).into_iter().find(|a| a["userId"] == "00uoliviaorgadmin001").unwrap();
    assert_eq!(olivia["expires"], "2099-12-31T23:59:59Z");
    assert_eq!(olivia["actor"], "ACCESS_REQUEST");

    let bob = server.call("okta_iga_list_collection_assignments", json!({"user": "bob.active@example.com"})).ok();
    let held: Vec<_> = rows(&bob).iter().map(|a| a["collectionId"].clone()).collect();
    assert_eq!(held, [json!(FINANCE)]);
    let alice_in_finance = server
        .call("okta_iga_list_collection_assignments", json!({"collection": FINANCE, "user": "00ualiceactive000001"}))
        .ok();
    assert_eq!(alice_in_finance["count"], 0);
}

#[test]
fn unknown_collections_and_bad_arguments() {
    let org = Org::start();
    let mut server = org.server(BIN, &[]);
    let before = org.request_count();
    let bad = server
        .call("okta_iga_get_collection", json!({"collection": "orn:okta:governance:00o1:collections:../x"}))
        .err();
    assert!(bad.contains("cannot be used as"), "{bad}");
    let quoted = server.call("okta_iga_list_collections", json!({"name": "a\" or \"b"})).err();
    assert!(quoted.contains("must not contain"), "{quoted}");
    let empty = server.call("okta_iga_list_collection_resources", json!({"collection": " "})).err();
    assert!(empty.contains("must not be empty"), "{empty}");
    assert_eq!(org.request_count(), before, "bad input sends nothing");
    let nameless = server.call("okta_iga_get_collection", json!({"collection": "No such collection"})).err();
    assert!(nameless.contains("no collection is named"), "{nameless}");
    let missing = server.call("okta_iga_get_collection", json!({"collection": "col0000000000000000x"})).err();
    assert!(missing.contains("E0000007"), "{missing}");
}
