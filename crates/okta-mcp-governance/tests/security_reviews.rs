//! Security access reviews end to end (OAuth only, but for starting one): Bob's seeded review and what it
//! found, a review of our own whose actions take access away for real and give it back, closing it, and bad
//! arguments refused before anything is sent.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use okta_e2e::{Org, Server, rows};
use serde_json::{Map, Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_okta-mcp-governance");
const BOBS_REVIEW: &str = "sarbobsalesforce0001";
const HENRY: &str = "henry.helpdesk@example.com";
const SALESFORCE: &str = "0oasalesforce0000001";
const GITHUB: &str = "0oagithub00000000001";
const GITHUB_ENTRY: &str = "cengithub00000000001";
const PERMSET: &str = "espsfpermset00000001";
const PAYMENTS: &str = "entsfpayments0000001";

/// The row of `list` whose `key` is `value`.
fn row(list: &Value, key: &str, value: &str) -> Map<String, Value> {
    rows(list).into_iter().find(|r| r[key] == value).unwrap_or_else(|| panic!("no {key} {value} in {list}"))
}

#[test]
fn bobs_review_shows_his_access() {
    let org = Org::start_oauth_for(BIN);
    let mut server = org.oauth_server(BIN, &[]);
    let all = server.call("okta_iga_list_security_access_reviews", json!({"limit": 200})).ok();
    assert_eq!(row(&all, "id", BOBS_REVIEW)["status"], "ACTIVE");
    assert_eq!(row(&all, "id", "sarlucylocked0000001")["status"], "CLOSED");
    let active = server.call("okta_iga_list_security_access_reviews", json!({"status": "ACTIVE"})).ok();
    assert!(rows(&active).iter().all(|r| r["status"] == "ACTIVE"));
    let named = server.call("okta_iga_list_security_access_reviews", json!({"name": "Salesforce report"})).ok();
    assert_eq!(rows(&named)[0]["id"], BOBS_REVIEW);

    let review = server.call("okta_iga_get_security_access_review", json!({"review_id": BOBS_REVIEW})).ok();
    assert_eq!(review["principal"]["login"], "bob.active@example.com");
    assert_eq!(review["principal"]["department"], "Sales");
    assert_eq!(review["reviewerSettings"]["userSettings"]["includedUserIds"][0], "00ualiceactive000001");
    assert_eq!(review["availableActions"], json!(["CLOSE_REVIEW"]));

    let accesses = server.call("okta_iga_list_security_access_review_accesses", json!({"review_id": BOBS_REVIEW})).ok();
    let salesforce = row(&accesses, "appId", SALESFORCE);
    assert_eq!(salesforce["assignment"], "GROUP");
    assert_eq!(salesforce["supportedActions"], json!(["REVOKE_ACCESS"]));
    assert_eq!(salesforce["subAccessTypes"], json!(["ENTITLEMENT_VALUE", "GROUP"]));
    assert_eq!(row(&accesses, "appId", "0oaexpenses000000001")["assignment"], "INDIVIDUAL");
    let subs = server
        .call(
            "okta_iga_list_security_access_review_accesses",
            json!({"review_id": BOBS_REVIEW, "access_id": salesforce["id"]}),
        )
        .ok();
    let sales = row(&subs, "name", "Sales");
    assert_eq!((&sales["type"], &sales["supportedActions"]), (&json!("GROUP"), &json!(["REVOKE_ACCESS"])));
    let standard = row(&subs, "name", "Profile: Standard User");
    assert_eq!(standard["assignment"], "POLICY");
    assert_eq!(standard["supportedActions"], json!(["FLAG_FOR_MANUAL_REMEDIATION"]), "a policy grant is manual");
    assert_eq!(row(&subs, "name", "Permission Set: Reports Viewer")["assignment"], "ADMIN");
    let missing =
        server.call("okta_iga_get_security_access_review", json!({"review_id": "sar0000000000000000x"})).err();
    assert!(missing.contains("E0000007"), "{missing}");
}

/// Henry's entitlement values in Salesforce.
fn henrys_values(server: &mut Server) -> Vec<Value> {
    let out = server.call("okta_iga_list_user_entitlements", json!({"user": HENRY, "app": SALESFORCE})).ok();
    out["entitlements"].as_array().unwrap().iter().flat_map(|e| e["values"].as_array().unwrap().clone()).collect()
}

fn henry_may_request_github(server: &mut Server) -> bool {
    let list = server.call("okta_iga_list_requestable_entries", json!({"user": HENRY, "limit": 200})).ok();
    rows(&list).iter().any(|r| r["id"] == GITHUB_ENTRY)
}

fn act(server: &mut Server, review: &str, action: &str, access: Option<&Value>) -> Value {
    let mut args = json!({"review_id": review, "action": action});
    if let Some(a) = access {
        args["access_id"] = a.clone();
    }
    server.call_confirmed("okta_iga_submit_security_access_review_action", args).ok()
}

#[test]
fn a_review_takes_access_away_and_gives_it_back() {
    let org = Org::start_oauth_for(BIN);
    let mut server = org.oauth_server(BIN, &["--mode", "full"]);
    // Access of our own for Henry: GitHub through an approved request, Payments Approver from an admin.
    let request = server.call("okta_iga_create_access_request", json!({"entry_id": GITHUB_ENTRY, "user": HENRY})).ok();
    let request = request["request"]["id"].clone();
    server.call("okta_iga_approve_access_request", json!({"request_id": request})).ok();
    server
        .call(
            "okta_iga_assign_entitlement",
            json!({"user": HENRY, "app": SALESFORCE, "entitlement_id": PERMSET, "value_ids": [PAYMENTS]}),
        )
        .ok();
    assert!(!henry_may_request_github(&mut server));

    let created = server
        .call(
            "okta_iga_create_security_access_review",
            json!({"user": HENRY, "name": "Henry: helpdesk account used off hours",
                   "reviewers": ["alice.active@example.com"], "end_time": "2099-01-01T00:00:00Z"}),
        )
        .err();
    assert!(created.contains("less than six months"), "{created}");
    let created = server
        .call(
            "okta_iga_create_security_access_review",
            json!({"user": HENRY, "name": "Henry: helpdesk account used off hours",
                   "reviewers": ["alice.active@example.com"]}),
        )
        .ok();
    assert_eq!(created["review"]["status"], "PENDING", "{created}");
    let review = created["review"]["id"].as_str().unwrap().to_owned();
    let got = server.call("okta_iga_get_security_access_review", json!({"review_id": review})).ok();
    assert_eq!(got["status"], "ACTIVE");
    assert_eq!(got["principal"]["login"], HENRY);

    let accesses = server.call("okta_iga_list_security_access_review_accesses", json!({"review_id": review})).ok();
    let github = row(&accesses, "appId", GITHUB);
    assert_eq!(github["assignment"], "ACCESS_REQUEST");
    let salesforce = row(&accesses, "appId", SALESFORCE);
    let subs = server
        .call(
            "okta_iga_list_security_access_review_accesses",
            json!({"review_id": review, "access_id": salesforce["id"]}),
        )
        .ok();
    let payments = row(&subs, "resourceId", PAYMENTS);

    // Revoke the value: a DENY grant, and Henry has it no more.
    let before = org.change_count();
    let refused = server
        .call_confirmed(
            "okta_iga_submit_security_access_review_action",
            json!({"review_id": review, "action": "RESTORE_ACCESS", "access_id": payments["id"]}),
        )
        .err();
    assert!(refused.contains("does not take RESTORE_ACCESS") && refused.contains("REVOKE_ACCESS"), "{refused}");
    assert_eq!(org.change_count(), before);
    let out = act(&mut server, &review, "REVOKE_ACCESS", Some(&payments["id"]));
    assert_eq!(out["access"]["remediationStatus"], "REMEDIATED", "{out}");
    assert_eq!(out["level"], "sub-access");
    assert!(henrys_values(&mut server).iter().all(|v| v["id"] != PAYMENTS));

    // Revoke the app: the direct assignment goes (Henry may request GitHub again), and comes back on restore.
    let out = act(&mut server, &review, "REVOKE_ACCESS", Some(&github["id"]));
    assert_eq!(out["access"]["supportedActions"], json!(["RESTORE_ACCESS"]), "{out}");
    assert!(henry_may_request_github(&mut server));
    let request = server.call("okta_iga_get_access_request", json!({"request_id": request})).ok();
    assert_eq!(request["revocationStatus"], "REVOKED");
    act(&mut server, &review, "RESTORE_ACCESS", Some(&github["id"]));
    assert!(!henry_may_request_github(&mut server));

    // Everything revoked comes back at once; then the review closes and takes no more actions.
    let got = server.call("okta_iga_get_security_access_review", json!({"review_id": review})).ok();
    assert_eq!(got["availableActions"], json!(["CLOSE_REVIEW", "RESTORE_ALL_ACCESS"]));
    act(&mut server, &review, "RESTORE_ALL_ACCESS", None);
    assert!(henrys_values(&mut server).iter().any(|v| v["id"] == PAYMENTS));
    act(&mut server, &review, "REVOKE_ACCESS", Some(&github["id"]));
    let closed = act(&mut server, &review, "CLOSE_REVIEW", None);
    assert_eq!(closed["review"]["status"], "CLOSED");
    let before = org.change_count();
    let late = server
        .call_confirmed(
            "okta_iga_submit_security_access_review_action",
            json!({"review_id": review, "action": "CLOSE_REVIEW"}),
        )
        .err();
    assert!(late.contains("is CLOSED"), "{late}");
    assert_eq!(org.change_count(), before);
}

#[test]
fn bad_review_arguments_send_nothing() {
    let org = Org::start_oauth_for(BIN);
    let mut server = org.oauth_server(BIN, &["--mode", "full"]);
    server.tool_names(); // the server has its token
    let before = org.request_count();
    let tool = "okta_iga_submit_security_access_review_action";
    let no_access = server.call(tool, json!({"review_id": BOBS_REVIEW, "action": "REVOKE_ACCESS"})).err();
    assert!(no_access.contains("needs access_id"), "{no_access}");
    let extra = server
        .call(tool, json!({"review_id": BOBS_REVIEW, "action": "CLOSE_REVIEW", "access_id": "aim0000000000000000x"}))
        .err();
    assert!(extra.contains("drop access_id"), "{extra}");
    let unknown = server.call(tool, json!({"review_id": BOBS_REVIEW, "action": "DELETE_REVIEW"})).err();
    assert!(unknown.contains("unknown variant") || unknown.contains("DELETE_REVIEW"), "{unknown}");
    let create = "okta_iga_create_security_access_review";
    let nobody = server.call(create, json!({"user": HENRY, "name": "x", "reviewers": []})).err();
    assert!(nobody.contains("1 to 10 reviewers"), "{nobody}");
    let past = server
        .call(create, json!({"user": HENRY, "name": "x", "reviewers": [HENRY], "end_time": "2001-01-01T00:00:00Z"}))
        .err();
    assert!(past.contains("future"), "{past}");
    let bad_id = server.call("okta_iga_get_security_access_review", json!({"review_id": "a/b"})).err();
    assert!(bad_id.contains("cannot be used as"), "{bad_id}");
    assert_eq!(org.request_count(), before);
}
