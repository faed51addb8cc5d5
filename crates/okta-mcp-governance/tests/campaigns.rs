//! Campaigns end to end: launch the Q4 certification by name, create → launch → review items → reassign → close,
//! lists with filters and paging, Okta's refusals and ours, and an org without an OIG license.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use okta_e2e::{Org, Server, rows, unique};
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_okta-mcp-governance");
const SALESFORCE: &str = "0oasalesforce0000001";
const ACTIVE_CAMPAIGN: &str = "icisalesforce0000001";
const COMPLETED_CAMPAIGN: &str = "iciqthreecert0000001";
const BOB: &str = "bob.active@example.com";
const BOB_ID: &str = "00ubobactive00000001";

fn in_a_month() -> String {
    (chrono::Utc::now() + chrono::Duration::days(30)).to_rfc3339()
}

/// A new SCHEDULED campaign of our own over Salesforce, reviewed by Alice; its id.
fn new_campaign(server: &mut Server) -> String {
    let out = server
        .call(
            "okta_iga_create_campaign",
            json!({"name": unique("E2E Campaign "), "resources": [SALESFORCE], "start_date": in_a_month(),
                   "reviewer": "alice.active@example.com", "remediate": true}),
        )
        .ok();
    assert_eq!(out["created"]["status"], "SCHEDULED", "{out}");
    out["created"]["id"].as_str().unwrap().to_owned()
}

#[test]
fn launch_the_q4_certification_campaign() {
    // Launches a seeded campaign: always a fresh org of our own.
    let org = Org::spawn(&[]);
    let mut server = org.server(BIN, &["--mode", "read-write"]);
    let out = server.call("okta_iga_launch_campaign", json!({"campaign": "Q4 certification"})).ok();
    assert_eq!(out["campaign"]["id"], "iciqfourcert00000001");
    assert_eq!(out["campaign"]["status"], "ACTIVE");
    assert_eq!(out["operation"]["okta_answered"], "202 Accepted");
    assert_eq!(out["operation"]["status"], "ACTIVE");
    assert!(
        out["operation"]["location"].as_str().unwrap().ends_with("/governance/api/v1/campaigns/iciqfourcert00000001")
    );
    assert!(out.get("recurring_definition").is_none());
    assert!(out["campaign"]["launchedDate"].is_string());
    let items = server.call("okta_iga_list_campaign_items", json!({"campaign": "Q4 certification"})).ok();
    assert_eq!(items["count"], 3);
    assert!(rows(&items).iter().all(|r| r["decision"] == "UNREVIEWED" && r["resourceId"] == SALESFORCE));
    let again = server.call("okta_iga_launch_campaign", json!({"campaign": "iciqfourcert00000001"})).err();
    assert!(again.contains("already ACTIVE"), "{again}");
}

#[test]
fn a_recurring_campaign_launches_its_next_occurrence() {
    let org = Org::start();
    let mut server = org.server(BIN, &["--mode", "read-write"]);
    let name = unique("E2E Quarterly ");
    let args = |every: &str, days: u32| {
        json!({"name": name, "resources": [SALESFORCE], "start_date": in_a_month(), "duration_days": days,
               "reviewer": "alice.active@example.com", "repeat_every": every})
    };
    let before = org.request_count();
    for (every, days, says) in
        [("P3X", 14, "not an ISO 8601 interval"), ("P25M", 14, "P1M–P24M"), ("P1W", 14, "shorter")]
    {
        let bad = server.call("okta_iga_create_campaign", args(every, days)).err();
        assert!(bad.contains(says), "{every}: {bad}");
    }
    assert_eq!(org.request_count(), before, "bad intervals send nothing");
    let created = server.call("okta_iga_create_campaign", args("P3M", 30)).ok();
    assert_eq!(created["created"]["schedule"], "RECURRING");
    assert_eq!(created["created"]["repeatEvery"], "P3M");
    let definition = created["created"]["id"].as_str().unwrap().to_owned();

    let launched = server.call("okta_iga_launch_campaign", json!({"campaign": definition})).ok();
    let occurrence = launched["campaign"]["id"].as_str().unwrap().to_owned();
    assert_ne!(occurrence, definition, "{launched}");
    assert_eq!(launched["campaign"]["status"], "ACTIVE");
    assert!(launched["operation"]["location"].as_str().unwrap().ends_with(&occurrence));
    assert_eq!(launched["recurring_definition"]["id"], definition.as_str());
    let items = server.call("okta_iga_list_campaign_items", json!({"campaign": occurrence})).ok();
    assert_eq!(items["count"], 3);
    let still = server.call("okta_iga_get_campaign", json!({"campaign": definition})).ok();
    assert_eq!(still["status"], "SCHEDULED");
}

#[test]
fn create_launch_reassign_and_close() {
    let org = Org::start();
    let mut server = org.server(BIN, &["--mode", "full"]);
    let id = new_campaign(&mut server);
    let got = server.call("okta_iga_get_campaign", json!({"campaign": id})).ok();
    assert_eq!(got["resourceSettings"]["type"], "APPLICATION");
    assert_eq!(got["resourceSettings"]["targetResources"][0]["resourceId"], SALESFORCE);
    assert_eq!(got["reviewerSettings"]["reviewerId"], "00ualiceactive000001");
    assert_eq!(got["remediationSettings"]["accessRevoked"], "DENY");
    assert_eq!(got["remediationSettings"]["noResponse"], "DENY");
    assert!(got.get("_links").is_none());

    let launched = server.call("okta_iga_launch_campaign", json!({"campaign": id})).ok();
    assert_eq!(launched["campaign"]["status"], "ACTIVE");

    let bobs = server.call("okta_iga_list_campaign_items", json!({"campaign": id, "principal": BOB})).ok();
    assert_eq!(bobs["count"], 1);
    let item = rows(&bobs)[0]["id"].as_str().unwrap().to_owned();
    let moved = server
        .call(
            "okta_iga_reassign_campaign_items",
            json!({"campaign": id, "review_ids": [item], "reviewer": "olivia.orgadmin@example.com",
                   "note": "Olivia owns Salesforce"}),
        )
        .ok();
    assert_eq!(moved["reassigned"][0]["reviewer"], "olivia.orgadmin@example.com");
    let got = server.call("okta_iga_get_campaign_item", json!({"review_id": item})).ok();
    assert_eq!(got["reviewerProfile"]["id"], "00uoliviaorgadmin001");
    assert_eq!(got["note"]["note"], "Olivia owns Salesforce");
    assert_eq!(got["principalProfile"]["id"], BOB_ID);

    let closed = server.call_confirmed("okta_iga_close_campaign", json!({"campaign": id})).ok();
    assert_eq!(closed["campaign"]["status"], "COMPLETED");
    assert_eq!(closed["operation"]["okta_answered"], "202 Accepted");
    assert!(closed["operation"]["location"].as_str().unwrap().ends_with(&format!("/campaigns/{id}")));
    assert_eq!(closed["unreviewed_items_closed"], 3);
    assert!(closed["campaign"]["endedDate"].is_string());

    let again = server.call_confirmed("okta_iga_close_campaign", json!({"campaign": id})).err();
    assert!(again.contains("is COMPLETED: only an ACTIVE campaign can be ended"), "{again}");
    let relaunch = server.call("okta_iga_launch_campaign", json!({"campaign": id})).err();
    assert!(relaunch.contains("only a SCHEDULED campaign can be launched"), "{relaunch}");
    let late = server
        .call(
            "okta_iga_reassign_campaign_items",
            json!({"campaign": id, "review_ids": [item], "reviewer": BOB, "note": "too late"}),
        )
        .err();
    assert!(late.contains("E0000195"), "{late}");
}

#[test]
fn close_needs_confirmation_and_launch_has_a_dry_run() {
    let org = Org::start();
    let mut server = org.server(BIN, &["--mode", "full"]);
    let id = new_campaign(&mut server);
    let before = org.change_count();
    let dry = server.call("okta_iga_launch_campaign", json!({"campaign": id, "dry_run": true})).ok();
    assert_eq!(dry["dry_run"], true, "{dry}");
    assert_eq!(org.change_count(), before, "a dry run sends nothing");
    // A SCHEDULED campaign cannot be ended: refused before any preview, nothing sent.
    let refused = server.call("okta_iga_close_campaign", json!({"campaign": id})).err();
    assert!(refused.contains("is SCHEDULED: only an ACTIVE campaign can be ended"), "{refused}");
    assert_eq!(org.change_count(), before);

    server.call("okta_iga_launch_campaign", json!({"campaign": id})).ok();
    let launched = org.change_count();
    let declined = server.call("okta_iga_close_campaign", json!({"campaign": id, "skip_remediation": true})).ok();
    assert_eq!(declined["executed"], false, "{declined}");
    assert!(server.elicitations.last().unwrap()["params"]["message"].as_str().unwrap().contains("Close campaign"));
    assert_eq!(org.change_count(), launched, "a declined change sends nothing");
    let still = server.call("okta_iga_get_campaign", json!({"campaign": id})).ok();
    assert_eq!(still["status"], "ACTIVE");
    let closed =
        server.call_confirmed("okta_iga_close_campaign", json!({"campaign": id, "skip_remediation": true})).ok();
    assert_eq!(closed["campaign"]["status"], "COMPLETED");
    assert_eq!(org.change_count(), launched + 1);
}

#[test]
fn lists_filter_and_page() {
    let org = Org::start();
    let mut server = org.server(BIN, &[]);
    let active = server.call("okta_iga_list_campaigns", json!({"status": "ACTIVE", "limit": 200})).ok();
    assert!(rows(&active).iter().all(|c| c["status"] == "ACTIVE"));
    assert!(rows(&active).iter().any(|c| c["id"] == ACTIVE_CAMPAIGN));
    let named = server.call("okta_iga_list_campaigns", json!({"name": "Q3 certification"})).ok();
    assert_eq!(rows(&named)[0]["id"], COMPLETED_CAMPAIGN);
    assert_eq!(rows(&named)[0]["endDate"], "2025-10-01T09:00:00.000-07:00");
    let both = server.call("okta_iga_list_campaigns", json!({"name": "Q3 certification", "status": "ACTIVE"})).ok();
    assert_eq!(both["count"], 0);

    // Pages follow Okta's next link ({data, _links}), with the filter kept; the cursor is opaque.
    let first = server.call("okta_iga_list_campaigns", json!({"limit": 1})).ok();
    assert_eq!(first["count"], 1);
    let cursor = first["next_cursor"].as_str().expect("a next page").to_owned();
    assert!(!cursor.contains("/governance/") && !cursor.contains("http"), "{cursor}");
    let second = server.call("okta_iga_list_campaigns", json!({"cursor": cursor, "limit": 1})).ok();
    assert_ne!(rows(&second)[0]["id"], rows(&first)[0]["id"]);

    let approved =
        server.call("okta_iga_list_campaign_items", json!({"campaign": ACTIVE_CAMPAIGN, "decision": "APPROVE"})).ok();
    assert_eq!(rows(&approved)[0]["principal"], "alice.active@example.com");
    let page = server.call("okta_iga_list_campaign_items", json!({"campaign": ACTIVE_CAMPAIGN, "limit": 2})).ok();
    assert_eq!(page["count"], 2);
    let rest = server
        .call("okta_iga_list_campaign_items", json!({"campaign": ACTIVE_CAMPAIGN, "cursor": page["next_cursor"]}))
        .ok();
    let mut seen: Vec<Value> = rows(&page).iter().chain(rows(&rest).iter()).map(|r| r["id"].clone()).collect();
    seen.dedup();
    assert!(seen.len() >= 3, "{seen:?}");
    let revoked =
        server.call("okta_iga_list_campaign_items", json!({"campaign": "Q3 certification", "principal": BOB_ID})).ok();
    assert_eq!(rows(&revoked)[0]["decision"], "REVOKE");
    assert_eq!(rows(&revoked)[0]["remediationStatus"], "SUCCESS");
}

#[test]
fn bad_arguments_send_nothing() {
    let org = Org::start();
    let mut server = org.server(BIN, &["--mode", "full"]);
    let before = org.request_count();
    let e = server.call("okta_iga_get_campaign_item", json!({"review_id": "../icr"})).err();
    assert!(e.contains("cannot be used as"), "{e}");
    let create = |resources: Value, start: &str| json!({"name": "x", "resources": resources, "start_date": start, "reviewer": BOB});
    let mixed =
        server.call("okta_iga_create_campaign", create(json!([SALESFORCE, "00gengineering000001"]), &in_a_month()));
    assert!(mixed.err().contains("not both"));
    let users = server.call("okta_iga_create_campaign", create(json!([BOB_ID]), &in_a_month()));
    assert!(users.err().contains("not an app (0oa…) or group (00g…) id"));
    let past = server.call("okta_iga_create_campaign", create(json!([SALESFORCE]), "2020-01-01T00:00:00Z"));
    assert!(past.err().contains("must be in the future"));
    let garbled = server.call("okta_iga_create_campaign", create(json!([SALESFORCE]), "next monday"));
    assert!(garbled.err().contains("RFC 3339"));
    let empty = server.call("okta_iga_create_campaign", create(json!([]), &in_a_month()));
    assert!(empty.err().contains("1 to 50"));
    let limit = server.call("okta_iga_list_campaigns", json!({"limit": 500})).err();
    assert!(limit.contains("maximum of 200"), "{limit}");
    let quote = server.call("okta_iga_list_campaigns", json!({"name": "a\" OR name eq \"b"})).err();
    assert!(quote.contains("not a valid value"), "{quote}");
    let note = server.call(
        "okta_iga_reassign_campaign_items",
        json!({"campaign": ACTIVE_CAMPAIGN, "review_ids": ["icrbobsf000000000001"], "reviewer": BOB, "note": " "}),
    );
    assert!(note.err().contains("note must be"));
    let unknown = server.call("okta_iga_get_campaign", json!({"campaign": ACTIVE_CAMPAIGN, "extra": 1})).err();
    assert!(unknown.contains("extra"), "{unknown}");
    assert_eq!(org.request_count(), before);
}

#[test]
fn what_okta_refuses_is_explained() {
    let org = Org::start();
    let mut server = org.server(BIN, &["--mode", "full"]);
    let missing = server.call("okta_iga_get_campaign", json!({"campaign": "ici0000000000000000x"})).err();
    assert!(missing.contains("E0000007"), "{missing}");
    let unnamed = server.call("okta_iga_get_campaign", json!({"campaign": "Q5 certification"})).err();
    assert!(unnamed.contains("no campaign is named \"Q5 certification\""), "{unnamed}");
    let item = server.call("okta_iga_get_campaign_item", json!({"review_id": "icr0000000000000000x"})).err();
    assert!(item.contains("E0000007"), "{item}");
    let nobody = server.call(
        "okta_iga_create_campaign",
        json!({"name": "x", "resources": [SALESFORCE], "start_date": in_a_month(), "reviewer": "nobody@example.com"}),
    );
    assert!(nobody.err().contains("E0000007"));
}
