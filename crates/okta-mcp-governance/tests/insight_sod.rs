//! "Who violates our separation-of-duties rules?" in one call a page (okta_iga_detect_sod_violations): nobody in
//! the seeded org; Carol once she holds Finance Admin beside System Administrator, found on whichever page she
//! is on, in the org or a group, with the values that conflict; the arguments refused with nothing sent.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use okta_e2e::{Org, Server};
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_okta-mcp-governance");
const RULE: &str = "rulfinancesysadmin01";
const EVERYONE: &str = "00geveryone000000001";

/// Every violation, page after page, and the people checked.
fn all_pages(server: &mut Server, mut args: Value) -> (Vec<Value>, u64, usize) {
    let (mut violations, mut people, mut pages) = (Vec::new(), 0, 0);
    loop {
        let out = server.call("okta_iga_detect_sod_violations", args.clone()).ok();
        pages += 1;
        people += out["people_checked"].as_u64().unwrap();
        violations.extend(out["violations"]["items"].as_array().unwrap().clone());
        match out.get("next_cursor").and_then(Value::as_str) {
            Some(next) => args["cursor"] = json!(next),
            None => return (violations, people, pages),
        }
        assert!(pages < 50, "paging does not end");
    }
}

#[test]
fn carol_violates_the_rule_once_she_holds_both_sides() {
    // Changes Carol's access: a fresh org of our own.
    let org = Org::spawn(&[]);
    let mut server = org.server(BIN, &["--mode", "full"]);
    let (none, people, _) = all_pages(&mut server, json!({"limit": 100}));
    assert_eq!(none, Vec::<Value>::new());
    assert!(people > 100, "the whole org is checked: {people}");

    support::give_finance_admin(&mut server, "carol.finance@example.com");
    let (found, again, pages) = all_pages(&mut server, json!({"limit": 25}));
    assert_eq!(again, people, "every person once");
    assert!(pages > 4, "{pages} pages of 25");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["user"]["login"], "carol.finance@example.com");
    assert_eq!(found[0]["ruleId"], RULE);
    assert_eq!(found[0]["conflicting"], json!(["Permission Set: Finance Admin", "Profile: System Administrator"]));

    // In a group, for one rule: the same answer.
    let (in_group, members, _) = all_pages(&mut server, json!({"group": EVERYONE, "rule_id": RULE, "limit": 100}));
    assert_eq!(in_group, found);
    // Everyone's members include the deactivated, whom Okta's user list leaves out.
    assert!(members >= people, "everyone is in Everyone: {members} < {people}");
    let first = server.call("okta_iga_detect_sod_violations", json!({"limit": 100})).ok();
    assert_eq!(first["rules"], json!([{"id": RULE, "name": "Finance Admin and System Administrator"}]));
    assert!(first["summary"].as_str().unwrap().contains("pass next_cursor"), "{first}");
    // Only people with a Salesforce grant have their entitlements read (Alice, Bob and Carol are on page one).
    let reads = first["entitlement_reads"].as_u64().unwrap();
    assert!((3..=5).contains(&reads), "{first}");
}

#[test]
fn the_reads_are_reported_as_progress() {
    let org = Org::start();
    let mut server = org.server(BIN, &[]);
    let id = server.start_request(
        "tools/call",
        json!({"name": "okta_iga_detect_sod_violations", "arguments": {"limit": 100},
               "_meta": {"progressToken": "sod"}}),
    );
    let out = server.finish_call(id).ok();
    let reads = out["entitlement_reads"].as_u64().unwrap();
    let progress: Vec<&Value> = server
        .notifications
        .iter()
        .filter(|n| n["method"] == "notifications/progress" && n["params"]["progressToken"] == "sod")
        .collect();
    // Every notification is out before the result; each counts the reads.
    assert!(!progress.is_empty(), "no progress: {:?}", server.notifications);
    for p in &progress {
        let message = p["params"]["message"].as_str().unwrap();
        assert!(message.ends_with(&format!("/{reads} entitlement reads")), "{p}");
        assert_eq!(p["params"]["total"].as_f64(), Some(reads as f64));
    }
}

#[test]
fn arguments_are_checked_before_anything_is_sent() {
    let org = Org::start();
    let mut server = org.server(BIN, &[]);
    let before = org.request_count();
    for (args, says) in [
        (json!({"limit": 0}), "limit 0"),
        (json!({"limit": 101}), "limit 101"),
        (json!({"group": "../users"}), "invalid arguments"),
        (json!({"rule_id": "a/b"}), "invalid arguments"),
        (json!({"cursor": "not-a-cursor"}), "cursor"),
    ] {
        let err = server.call("okta_iga_detect_sod_violations", args.clone()).err();
        assert!(err.contains(says), "{args}: {err}");
    }
    assert_eq!(org.request_count(), before, "nothing was sent");
    let unknown = server.call("okta_iga_detect_sod_violations", json!({"rule_id": "rul0000000000000000x"})).err();
    assert!(unknown.contains("no ACTIVE risk rule rul0000000000000000x"), "{unknown}");
}
