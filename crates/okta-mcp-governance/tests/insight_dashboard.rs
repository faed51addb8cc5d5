//! "How is our governance doing?" in one call (okta_iga_governance_dashboard): campaigns by status with the active
//! one's completion, pending requests and their age, SoD violations and recent admin privilege grants, each
//! agreeing with the single-purpose tools, within a context budget; a violation and a privilege grant made now
//! show up; bad arguments send nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use okta_e2e::{Org, rows};
use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_okta-mcp-governance");
const CAROL: &str = "carol.finance@example.com";

#[test]
fn the_dashboard_agrees_with_the_single_purpose_tools() {
    // Makes a violation and grants a role: a fresh org of our own.
    let org = Org::spawn(&[]);
    let mut server = org.server(BIN, &["--mode", "full"]);
    let mut admin = org.server(okta_e2e::workspace_bin("okta-mcp-admin").to_str().unwrap(), &["--mode", "full"]);

    let out = server.call("okta_iga_governance_dashboard", json!({})).ok();
    // With an API token, Okta serves access requests to OAuth only: that part says so, the rest answers.
    assert_eq!(out["unavailable"][0]["part"], "pending_requests", "{out}");
    assert_eq!(out["unavailable"].as_array().map(Vec::len), Some(1), "{out}");
    assert!(out["summary"].as_str().unwrap().contains("unknown pending requests"), "{out}");
    // Campaigns: the counts okta_iga_list_campaigns gives, status by status.
    let listed = server.call("okta_iga_list_campaigns", json!({"limit": 200})).ok();
    let listed = rows(&listed);
    assert_eq!(out["campaigns"]["count"], listed.len(), "{out}");
    for status in ["ACTIVE", "SCHEDULED", "COMPLETED"] {
        let n = listed.iter().filter(|c| c["status"] == status).count();
        assert_eq!(out["campaigns"]["by_status"][status].as_u64().unwrap_or(0), n as u64, "{status}: {out}");
    }
    // The active Salesforce review: 3 items, Alice's decided; its unreviewed ones are what list_campaign_items says.
    let active = &out["campaigns"]["active"]["items"];
    let salesforce = active.as_array().unwrap().iter().find(|c| c["id"] == "icisalesforce0000001").unwrap();
    let unreviewed = server
        .call("okta_iga_list_campaign_items", json!({"campaign": "icisalesforce0000001", "decision": "UNREVIEWED"}))
        .ok();
    assert_eq!(salesforce["unreviewed"], rows(&unreviewed).len(), "{out}");
    assert_eq!(salesforce["items"], 3, "{out}");
    assert_eq!(salesforce["complete_percent"], 33, "{out}");
    // Launched on 5 January 2026 for 365 days: not overdue yet.
    assert_eq!(salesforce["ends"], "2027-01-05T09:00:00Z", "{out}");
    assert_eq!(salesforce["overdue"], false);
    // Nobody violates the rule in the seeded org.
    assert_eq!(out["sod_violations"]["people_violating"], 0, "{out}");
    assert_eq!(out["sod_violations"]["rules"], 1, "{out}");

    // Carol takes both sides of the rule; Henry becomes a report admin.
    support::give_finance_admin(&mut server, CAROL);
    admin
        .call_confirmed(
            "okta_assign_admin_role_to_user",
            json!({"user": "henry.helpdesk@example.com", "role": "REPORT_ADMIN"}),
        )
        .ok();
    let after = server.call("okta_iga_governance_dashboard", json!({"days": 1})).ok();
    let sod = &after["sod_violations"];
    assert_eq!(sod["people_violating"], 1, "{after}");
    assert_eq!(sod["violations"]["items"][0]["userId"], "00ucarolfinance00001", "{after}");
    assert_eq!(sod["violations"]["items"][0]["ruleId"], "rulfinancesysadmin01");
    // okta_iga_detect_sod_violations finds the same person for the same rule.
    let detected = server.call("okta_iga_detect_sod_violations", json!({"group": "00guRmXOPt7aYdlNyguS"})).ok();
    let found = &detected["violations"]["items"][0];
    assert_eq!(
        (&found["user"]["id"], &found["ruleId"]),
        (&sod["violations"]["items"][0]["userId"], &json!("rulfinancesysadmin01"))
    );
    let grants = after["privilege_grants"]["grants"]["items"].as_array().unwrap();
    assert!(
        grants.iter().any(|g| g["to"] == "henry.helpdesk@example.com" && g["result"] == "SUCCESS"),
        "the role granted now: {after}"
    );
    assert!(after["summary"].as_str().unwrap().contains("1 people violating SoD rules"), "{after}");
    // Within a context budget.
    assert!(server.call_wire_size("okta_iga_governance_dashboard", json!({})) < 12_000);
}

#[test]
fn pending_requests_and_their_age_with_oauth() {
    let org = Org::start_oauth_for(BIN);
    let mut server = org.oauth_server(BIN, &[]);
    let out = server.call("okta_iga_governance_dashboard", json!({})).ok();
    assert!(out.get("unavailable").is_none(), "{out}");
    let pending = &out["pending_requests"];
    let listed = server.call("okta_iga_list_access_requests", json!({"status": "PENDING", "limit": 200})).ok();
    let listed = rows(&listed);
    assert_eq!(pending["count"], listed.len(), "{out}");
    let ages = &pending["age"];
    let total: u64 = ["under_1_day", "1_to_7_days", "over_7_days"].iter().map(|k| ages[k].as_u64().unwrap()).sum();
    assert_eq!(total, listed.len() as u64, "every request in one age bucket: {out}");
    // Henry's seeded request (5 January 2026) is among the oldest, months old.
    let oldest = pending["oldest"]["items"].as_array().unwrap();
    let henry = oldest.iter().find(|r| r["id"] == "reqhenrygithub000001").unwrap_or_else(|| panic!("{out}"));
    assert!(henry["age_days"].as_i64().unwrap() > 300, "{henry}");
    let ages: Vec<i64> = oldest.iter().map(|r| r["age_days"].as_i64().unwrap()).collect();
    assert!(ages.windows(2).all(|w| w[0] >= w[1]), "oldest first: {ages:?}");
}

#[test]
fn bad_arguments_send_nothing() {
    let org = Org::start();
    let mut server = org.server(BIN, &[]);
    let before = org.request_count();
    for args in [json!({"days": 0}), json!({"days": 91}), json!({"days": "week"}), json!({"day": 1})] {
        let err = server.call("okta_iga_governance_dashboard", args.clone()).err();
        assert!(err.contains("invalid arguments"), "{args}: {err}");
    }
    assert_eq!(org.request_count(), before, "nothing was sent");
}
