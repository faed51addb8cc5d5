//! The batch tools answer per item, in the order given: users found or not, users assigned or already
//! assigned, values granted or already held; a rerun changes nothing; bad input is refused with nothing sent.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use okta_e2e::Org;
use serde_json::json;
use support::{SALESFORCE, server};

#[test]
fn batch_tools_answer_per_item() {
    let org = Org::spawn(&[]); // its own org: the test counts assignments and grants from a known start
    let mut server = server(&org);
    let found = server
        .call(
            "okta_iga_batch_find_users",
            json!({"users": ["bob.active@example.com", "nobody@example.com",
                                                             "00ucarolfinance00001"]}),
        )
        .ok();
    assert_eq!(found["found"], 2);
    assert_eq!(found["results"][0]["id"], "00ubobactive00000001");
    assert!(found["results"][1]["error"].as_str().unwrap().contains("no Okta user"));
    assert_eq!(found["results"][2]["id"], "00ucarolfinance00001");

    let users = json!(["carlos.thompson@example.net", "nobody@example.com", "ashley.larsen@example.net"]);
    let before = org.change_count();
    let assigned = server.call("okta_iga_batch_assign_users", json!({"app": SALESFORCE, "users": users})).ok();
    assert_eq!(assigned["results"][0]["result"], "assigned", "{assigned}");
    assert!(assigned["results"][1]["error"].is_string());
    let again = server.call("okta_iga_batch_assign_users", json!({"app": SALESFORCE, "users": users})).ok();
    assert_eq!(again["assigned"], 0, "{again}");
    assert_eq!(again["already_assigned"], 2);
    assert_eq!(again["results"][2]["result"], "already assigned");

    let grants = json!([
        {"user": "carlos.thompson@example.net", "values": ["Permission Set: Reports Viewer", "Profile: Standard User"]},
        {"user": "bob.active@example.com", "values": ["Profile: Standard User"]},
    ]);
    let mut dry = json!({"app": SALESFORCE, "grants": grants, "dry_run": true});
    let planned = server.call("okta_iga_batch_create_grants", dry.clone()).ok();
    assert_eq!(planned["would_grant"], 1, "{planned}");
    assert_eq!(planned["results"][1]["result"], "already held", "bob has it by policy");
    dry["dry_run"] = json!(false);
    let granted = server.call("okta_iga_batch_create_grants", dry.clone()).ok();
    assert_eq!(granted["granted"], 1, "{granted}");
    assert!(granted["results"][0]["grant_id"].is_string());
    let rerun = server.call("okta_iga_batch_create_grants", dry).ok();
    assert_eq!(rerun["already_held"], 2, "{rerun}");
    assert_eq!(org.change_count(), before + 3, "two assignments and one grant");
}

#[test]
fn bad_input_is_refused_with_nothing_sent() {
    let org = Org::spawn(&[]); // its own org: the test counts assignments and grants from a known start
    let mut server = server(&org);
    let before = org.change_count();
    let too_many: Vec<String> = (0..201).map(|i| format!("u{i}@example.com")).collect();
    for (tool, args, says) in [
        ("okta_iga_batch_assign_users", json!({"app": SALESFORCE, "users": []}), "1 to 200"),
        ("okta_iga_batch_assign_users", json!({"app": SALESFORCE, "users": too_many}), "1 to 200"),
        ("okta_iga_batch_assign_users", json!({"app": "00u1", "users": ["a@b.c"]}), "not an app id"),
        ("okta_iga_batch_find_users", json!({"users": ["a@b.c", "A@b.c"]}), "listed twice"),
        (
            "okta_iga_batch_create_grants",
            json!({"app": SALESFORCE, "grants": [{"user": "bob.active@example.com",
            "values": ["Profile: Janitor"]}]}),
            "is not a value",
        ),
        (
            "okta_iga_batch_create_grants",
            json!({"app": SALESFORCE, "grants": [{"user": "bob.active@example.com",
            "values": ["Profile: Standard User", "Profile: System Administrator"]}]}),
            "single value",
        ),
        ("okta_iga_apply_grants", json!({"app": SALESFORCE, "file": "../etc/passwd"}), "not inside"),
        (
            "okta_iga_apply_grants",
            json!({"app": SALESFORCE, "file": "audit_small_baseline.csv",
            "entitlement_columns": ["Nope"]}),
            "no column",
        ),
        ("okta_iga_prepare_entitlements", json!({"app": "bad app", "file": "audit_small_baseline.csv"}), "app"),
    ] {
        let refused = server.call(tool, args).err();
        assert!(refused.contains(says), "{tool}: {refused}");
    }
    assert_eq!(org.change_count(), before, "nothing was sent");
}

#[test]
fn one_person_named_twice_is_granted_once() {
    // By login and by id: two items, one person. Each checks what the person holds and grants what is missing
    // one at a time, so the value is granted once.
    let org = Org::spawn(&[]); // its own org: the test counts assignments and grants from a known start
    let mut server = server(&org);
    let value = "Permission Set: Finance Admin";
    let out = server
        .call(
            "okta_iga_batch_create_grants",
            json!({"app": SALESFORCE, "grants": [
                {"user": "carol.finance@example.com", "values": [value]},
                {"user": "00ucarolfinance00001", "values": [value]},
            ]}),
        )
        .ok();
    assert_eq!((out["granted"].as_u64(), out["already_held"].as_u64()), (Some(1), Some(1)), "{out}");
}
