//! Okta Identity Governance in the sandbox: `{data, _links}` lists with next links, campaigns and their
//! statuses (launch and end are 202 + Location), reviews and their filters, authentication and scopes, and an
//! org without OIG (`no_oig`: 401 E0000015).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use okta_sandbox::SandboxConfig;
use serde_json::{Value, json};

const CAMPAIGNS: &str = "/governance/api/v1/campaigns";

fn future() -> String {
    (chrono::Utc::now() + chrono::Duration::days(10)).to_rfc3339()
}

fn new_campaign_body(name: &str) -> Value {
    json!({
        "name": name,
        "scheduleSettings": {"type": "ONE_OFF", "startDate": future(), "durationInDays": 7, "timeZone": "UTC"},
        "resourceSettings": {"type": "APPLICATION", "targetResources": [{"resourceId": "0oasalesforce0000001"}]},
        "reviewerSettings": {"type": "USER", "reviewerId": common::ALICE},
        "remediationSettings": {"accessApproved": "NO_ACTION", "accessRevoked": "DENY", "noResponse": "NO_ACTION"},
    })
}

#[tokio::test]
async fn campaign_lists_are_data_and_links() {
    let sb = common::start(common::small()).await;
    let (status, headers, page) = sb.get(&format!("{CAMPAIGNS}?limit=2")).await;
    assert_eq!(status, 200);
    assert_eq!(page["data"].as_array().unwrap().len(), 2);
    let next = page["_links"]["next"]["href"].as_str().unwrap().to_owned();
    assert_eq!(common::next_link(&headers).as_deref(), Some(next.as_str()));
    assert!(page["_links"]["self"]["href"].as_str().unwrap().starts_with(&sb.base));
    let first = &page["data"][0];
    for key in ["id", "name", "status", "startDate", "endDate", "scheduleType", "reviewerType", "created", "_links"] {
        assert!(first.get(key).is_some(), "sparse campaign lacks {key}");
    }
    let (_, _, rest) = sb.get(&next).await;
    assert_eq!(rest["data"].as_array().unwrap().len(), 1);
    assert!(rest["_links"].get("next").is_none());

    let (_, _, scheduled) = sb.get(&format!("{CAMPAIGNS}?filter=status%20eq%20%22SCHEDULED%22")).await;
    assert_eq!(scheduled["data"][0]["name"], "Q4 certification");
    let (status, _, e) = sb.get(&format!("{CAMPAIGNS}?filter=status%20eq")).await;
    assert_eq!((status, e["errorCode"].as_str()), (400, Some("E0000031")));
    let (status, _, e) = sb.get(&format!("{CAMPAIGNS}/ici0000000000000000x")).await;
    assert_eq!((status, e["errorCode"].as_str()), (404, Some("E0000007")));
}

#[tokio::test]
async fn campaign_lifecycle_is_scheduled_active_completed() {
    let sb = common::start(common::small()).await;
    let (status, _, e) = sb.post(CAMPAIGNS, json!({"name": "x"})).await;
    assert_eq!((status, e["errorCode"].as_str()), (400, Some("E0000001")));
    assert!(e["errorCauses"].as_array().unwrap().len() >= 3);
    let mut past = new_campaign_body("past");
    past["scheduleSettings"]["startDate"] = json!("2020-01-01T00:00:00Z");
    let (_, _, e) = sb.post(CAMPAIGNS, past).await;
    assert_eq!(e["errorCauses"][0]["errorSummary"], "Campaign template start date must be a future date");

    let (status, _, created) = sb.post(CAMPAIGNS, new_campaign_body("Lifecycle")).await;
    assert_eq!(status, 201);
    assert_eq!(created["status"], "SCHEDULED");
    let id = created["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("ici") && id.len() == 20);
    assert!(created["_links"]["launchCampaign"]["href"].as_str().unwrap().ends_with("/launch"));

    let (status, _, e) = sb.post(&format!("{CAMPAIGNS}/{id}/end"), json!({})).await;
    assert_eq!((status, e["errorCode"].as_str()), (409, Some("E0000195")));
    let (status, headers, body) = sb.post(&format!("{CAMPAIGNS}/{id}/launch"), json!({})).await;
    assert_eq!((status, body), (202, Value::Null));
    assert!(headers["location"].to_str().unwrap().ends_with(&format!("{CAMPAIGNS}/{id}")));
    let (status, _, e) = sb.post(&format!("{CAMPAIGNS}/{id}/launch"), json!({})).await;
    assert_eq!((status, e["errorCode"].as_str()), (409, Some("E0000195")));
    let (_, _, reviews) = sb.get(&format!("/governance/api/v1/reviews?filter=campaignId%20eq%20%22{id}%22")).await;
    let reviews = reviews["data"].as_array().unwrap();
    assert_eq!(reviews.len(), 3);
    assert!(reviews.iter().all(|r| r["decision"] == "UNREVIEWED" && r["_links"]["reassignReview"].is_object()));

    let review = reviews[0]["id"].as_str().unwrap().to_owned();
    let reassign = format!("{CAMPAIGNS}/{id}/reviews/reassign");
    let (status, _, moved) =
        sb.post(&reassign, json!({"reviewerId": common::BOB, "reviewIds": [review], "note": "n"})).await;
    assert_eq!(status, 200);
    assert_eq!(moved["data"][0]["reviewerProfile"]["id"], common::BOB);
    let (status, _, e) = sb.post(&reassign, json!({"reviewerId": common::BOB, "reviewIds": []})).await;
    assert_eq!((status, e["errorCode"].as_str()), (400, Some("E0000001")));

    let (status, _, e) = sb.post(&format!("{CAMPAIGNS}/{id}/end"), json!({"skipRemediation": "yes"})).await;
    assert_eq!((status, e["errorCode"].as_str()), (400, Some("E0000001")));
    let (status, _, _) = sb.post(&format!("{CAMPAIGNS}/{id}/end"), json!({"skipRemediation": true})).await;
    assert_eq!(status, 202);
    let (_, _, ended) = sb.get(&format!("{CAMPAIGNS}/{id}")).await;
    assert_eq!(ended["status"], "COMPLETED");
    assert!(ended["endedDate"].is_string());
    let (status, _, e) = sb.delete(&format!("{CAMPAIGNS}/{id}")).await;
    assert_eq!((status, e["errorCode"].as_str()), (409, Some("E0000195")));

    let (_, _, other) = sb.post(CAMPAIGNS, new_campaign_body("Deleted")).await;
    let (status, _, _) = sb.delete(&format!("{CAMPAIGNS}/{}", other["id"].as_str().unwrap())).await;
    assert_eq!(status, 204);
}

#[tokio::test]
async fn reviews_filter_by_principal_and_decision() {
    let sb = common::start(common::small()).await;
    let (_, _, bob) = sb
        .get(&format!(
            "/governance/api/v1/reviews?filter=principalId%20eq%20%22{}%22%20AND%20decision%20eq%20%22REVOKE%22",
            common::BOB
        ))
        .await;
    let data = bob["data"].as_array().unwrap();
    assert_eq!(data.len(), 1);
    assert_eq!(data[0]["campaignId"], "iciqthreecert0000001");
    let (status, _, one) = sb.get("/governance/api/v1/reviews/icralicesf0000000001").await;
    assert_eq!(status, 200);
    assert_eq!(one["decision"], "APPROVE");
    assert!(one["decided"].is_string());
    let (status, _, e) = sb.get("/governance/api/v1/reviews/icr0000000000000000x").await;
    assert_eq!((status, e["errorCode"].as_str()), (404, Some("E0000007")));
}

#[tokio::test]
async fn governance_needs_credentials_and_a_license() {
    let sb = common::start(common::small()).await;
    let (status, _, e) = sb.send(reqwest::Method::GET, CAMPAIGNS, None, None).await;
    assert_eq!((status, e["errorCode"].as_str()), (401, Some("E0000011")));

    let unlicensed = common::start(SandboxConfig { users: 30, no_oig: true, ..SandboxConfig::default() }).await;
    for path in [CAMPAIGNS.to_owned(), format!("{CAMPAIGNS}/iciqfourcert00000001"), "/governance/api/v1/reviews".into()]
    {
        let (status, _, e) = unlicensed.get(&path).await;
        assert_eq!((status, e["errorCode"].as_str()), (401, Some("E0000015")), "{path}");
    }
    let (status, _, _) = unlicensed.post(&format!("{CAMPAIGNS}/iciqfourcert00000001/launch"), json!({})).await;
    assert_eq!(status, 401);
    let (status, _, _) = unlicensed.get("/api/v1/users?limit=1").await;
    assert_eq!(status, 200, "the rest of the org works");
}

const SALESFORCE: &str = "0oasalesforce0000001";

fn principal_filter(user: &str) -> String {
    format!(
        "filter=parent.externalId%20eq%20%22{SALESFORCE}%22%20AND%20parent.type%20eq%20%22APPLICATION%22%20AND%20\
         targetPrincipal.externalId%20eq%20%22{user}%22%20AND%20targetPrincipal.type%20eq%20%22OKTA_USER%22"
    )
}

#[tokio::test]
async fn entitlements_values_and_what_a_user_has() {
    let sb = common::start(common::small()).await;
    let (status, _, list) =
        sb.get(&format!("/governance/api/v1/entitlements?filter=parent.externalId%20eq%20%22{SALESFORCE}%22")).await;
    assert_eq!(status, 200);
    let data = list["data"].as_array().unwrap();
    assert_eq!(data.len(), 2);
    assert!(data.iter().all(|e| e.get("values").is_none() && e["_links"]["values"].is_object()));
    let (_, _, profile) = sb.get("/governance/api/v1/entitlements/espsfprofile00000001").await;
    assert_eq!(profile["values"].as_array().unwrap().len(), 2);
    assert_eq!(profile["parentResourceOrn"], "orn:okta:idp:00osandboxorg0000001:apps:0oasalesforce0000001");
    let (_, headers, values) = sb.get("/governance/api/v1/entitlements/espsfpermset00000001/values?limit=2").await;
    assert_eq!(values["data"].as_array().unwrap().len(), 2);
    assert!(common::next_link(&headers).is_some());
    let (status, _, one) =
        sb.get("/governance/api/v1/entitlements/espsfpermset00000001/values/entsffinanceadmin001").await;
    assert_eq!((status, one["name"].as_str()), (200, Some("Finance Admin")));

    let (_, _, bob) =
        sb.get(&format!("/governance/api/v1/principal-entitlements?{}", principal_filter(common::BOB))).await;
    let names: Vec<&str> = bob["data"].as_array().unwrap().iter().map(|e| e["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Profile", "Permission Set"]);
    assert_eq!(bob["data"][0]["targetPrincipal"]["externalId"], common::BOB);
    let (_, _, access) =
        sb.get(&format!("/governance/api/v1/principal-access?{}", principal_filter(common::BOB))).await;
    assert_eq!(access["base"]["grantType"], "POLICY");
    assert_eq!(access["base"]["grant"]["id"], "grabobsfpolicy000001");
    assert_eq!(access["additional"][0]["grantMethod"], "ADMIN");
    let (status, _, e) = sb.get("/governance/api/v1/principal-entitlements").await;
    assert_eq!((status, e["errorCode"].as_str()), (400, Some("E0000028")));
    let (status, _, e) =
        sb.get("/governance/api/v1/principal-access?filter=parent.type%20eq%20%22APPLICATION%22").await;
    assert_eq!((status, e["errorCode"].as_str()), (400, Some("E0000001")));
}

#[tokio::test]
async fn grants_allow_and_deny() {
    let sb = common::start(common::small()).await;
    let grant = |action: &str, values: Value| {
        json!({"grantType": "CUSTOM", "action": action, "actor": "API",
               "target": {"externalId": SALESFORCE, "type": "APPLICATION"},
               "targetPrincipal": {"externalId": common::ALICE, "type": "OKTA_USER"},
               "entitlements": [{"id": "espsfpermset00000001", "values": values}]})
    };
    let (status, _, g) =
        sb.post("/governance/api/v1/grants", grant("ALLOW", json!([{"id": "entsffinanceadmin001"}]))).await;
    assert_eq!(status, 201);
    assert_eq!(g["targetPrincipalOrn"], format!("orn:okta:directory:00osandboxorg0000001:users:{}", common::ALICE));
    let (status, _, got) = sb.get(&format!("/governance/api/v1/grants/{}", g["id"].as_str().unwrap())).await;
    assert_eq!((status, got["action"].as_str()), (200, Some("ALLOW")));
    assert!(got.get("entitlements").is_none(), "only with include=full_entitlements");
    let (_, _, full) =
        sb.get(&format!("/governance/api/v1/grants/{}?include=full_entitlements", g["id"].as_str().unwrap())).await;
    assert_eq!(full["entitlements"][0]["values"][0]["id"], "entsffinanceadmin001");
    let has_finance = |body: &Value| {
        body["data"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["values"].as_array().unwrap().iter().any(|v| v["id"] == "entsffinanceadmin001"))
    };
    let (_, _, alice) =
        sb.get(&format!("/governance/api/v1/principal-entitlements?{}", principal_filter(common::ALICE))).await;
    assert!(has_finance(&alice));
    let (status, _, _) =
        sb.post("/governance/api/v1/grants", grant("DENY", json!([{"id": "entsffinanceadmin001"}]))).await;
    assert_eq!(status, 201);
    let (_, _, alice) =
        sb.get(&format!("/governance/api/v1/principal-entitlements?{}", principal_filter(common::ALICE))).await;
    assert!(!has_finance(&alice));
    let (_, _, grants) = sb
        .get(&format!("/governance/api/v1/grants?filter=targetPrincipal.externalId%20eq%20%22{}%22", common::ALICE))
        .await;
    // The CUSTOM ALLOW grant is a base grant: it replaced Alice's earlier one (now INACTIVE, not listed); the
    // DENY grant came after it.
    assert_eq!(grants["data"].as_array().unwrap().len(), 2, "{grants}");

    for (body, cause) in [
        (grant("ALLOW", json!([{"id": "entsfstandard0000001"}])), "is not a value of"),
        (grant("ALLOW", json!([])), "at least one value"),
        (json!({"grantType": "NOPE"}), "grantType"),
        (
            json!({"grantType": "CUSTOM", "targetPrincipal": {"externalId": "00unobody", "type": "OKTA_USER"}}),
            "OKTA_USER",
        ),
    ] {
        let (status, _, e) = sb.post("/governance/api/v1/grants", body).await;
        assert_eq!((status, e["errorCode"].as_str()), (400, Some("E0000001")));
        assert!(e["errorCauses"][0]["errorSummary"].as_str().unwrap().contains(cause), "{e}");
    }
    let mut single = grant("ALLOW", json!([{"id": "entsfstandard0000001"}, {"id": "entsfsysadmin0000001"}]));
    single["entitlements"][0]["id"] = json!("espsfprofile00000001");
    let (status, _, e) = sb.post("/governance/api/v1/grants", single).await;
    assert_eq!((status, e["errorCode"].as_str()), (400, Some("E0000001")));
}

#[tokio::test]
async fn bundles_grant_and_revoke_principal_access() {
    let sb = common::start(common::small()).await;
    let (status, _, list) = sb
        .get("/governance/api/v1/entitlement-bundles?filter=target.externalId%20eq%20%220oasalesforce0000001%22")
        .await;
    assert_eq!(status, 200);
    assert_eq!(list["metadata"]["total"], 1);
    assert!(list["data"][0].get("entitlements").is_none(), "lists omit entitlements");
    let (_, _, bundle) = sb.get("/governance/api/v1/entitlement-bundles/enbfinanceadmin00001").await;
    assert_eq!(bundle["entitlements"][0]["values"].as_array().unwrap().len(), 2);
    let orn = bundle["orn"].as_str().unwrap().to_owned();

    let (status, _, g) = sb
        .post(
            "/governance/api/v1/grants",
            json!({"grantType": "ENTITLEMENT-BUNDLE", "entitlementBundleId": "enbfinanceadmin00001", "actor": "API",
                   "targetPrincipal": {"externalId": common::ALICE, "type": "OKTA_USER"}}),
        )
        .await;
    assert_eq!(status, 201);
    assert_eq!(g["target"]["externalId"], SALESFORCE);
    let (_, _, access) =
        sb.get(&format!("/governance/api/v1/principal-access?{}", principal_filter(common::ALICE))).await;
    let bundled: Vec<&Value> =
        access["additional"].as_array().unwrap().iter().filter(|a| a["grantType"] == "ENTITLEMENT-BUNDLE").collect();
    assert_eq!(bundled[0]["bundle"]["name"], "Finance Admin");

    let principal = g["targetPrincipalOrn"].clone();
    let revoke = "/governance/api/v2/revoke-principal-access";
    let (status, _, out) = sb.post(revoke, json!({"principalOrn": principal, "revokeOrns": [orn]})).await;
    assert_eq!(status, 200);
    assert!(
        out["data"][0]["_links"]["principal-access"]["href"].as_str().unwrap().contains("principal-access?filter=")
    );
    let (_, _, ended) = sb.get(&format!("/governance/api/v1/grants/{}", g["id"].as_str().unwrap())).await;
    assert_eq!(ended["status"], "INACTIVE");
    let (status, _, e) = sb.post(revoke, json!({"principalOrn": principal, "revokeOrns": [orn]})).await;
    assert_eq!((status, e["errorCode"].as_str()), (400, Some("E0000001")));
    let (status, _, _) = sb.post(revoke, json!({"principalOrn": principal, "revokeOrns": []})).await;
    assert_eq!(status, 400);
    let (status, _, e) = sb
        .post(
            "/governance/api/v1/grants",
            json!({"grantType": "ENTITLEMENT-BUNDLE", "entitlementBundleId": "enbnope000000000000x",
                   "targetPrincipal": {"externalId": common::ALICE, "type": "OKTA_USER"}}),
        )
        .await;
    assert_eq!((status, e["errorCode"].as_str()), (400, Some("E0000001")));
}

#[tokio::test]
async fn requests_wait_on_their_approval_task() {
    let sb = common::start(common::small()).await;
    let (status, _, created) = sb
        .post(
            "/governance/api/v2/requests",
            json!({"requested": {"type": "CATALOG_ENTRY", "entryId": "censalesforce0000001"},
                   "requestedFor": {"type": "OKTA_USER", "externalId": common::BOB}}),
        )
        .await;
    assert_eq!(status, 202);
    assert_eq!(created["status"], "SUBMITTED");
    assert_eq!(created["requested"]["resourceId"], SALESFORCE);
    let id = created["id"].as_str().unwrap().to_owned();
    let (_, _, pending) = sb.get(&format!("/governance/api/v2/requests/{id}")).await;
    assert_eq!(pending["status"], "PENDING");
    let (_, _, tasks) = sb.get(&format!("/governance/api/v2/tasks?filter=requestId%20eq%20%22{id}%22")).await;
    let task = tasks["data"][0].clone();
    assert_eq!((task["type"].as_str(), task["status"].as_str()), (Some("APPROVAL"), Some("OPEN")));
    let task_id = task["id"].as_str().unwrap().to_owned();
    assert!(task_id.len() == 24 && task_id.bytes().all(|b| b.is_ascii_hexdigit()));
    let resolve = format!("/governance/api/v2/tasks/{task_id}/resolve");
    let (status, _, e) = sb.post(&resolve, json!({"value": "MAYBE"})).await;
    assert_eq!((status, e["errorCode"].as_str()), (400, Some("E0000001")));
    let (status, _, done) = sb.post(&resolve, json!({"value": "APPROVED"})).await;
    assert_eq!((status, done["status"].as_str()), (200, Some("COMPLETED")));
    let (_, _, request) = sb.get(&format!("/governance/api/v2/requests/{id}")).await;
    assert_eq!(request["status"], "APPROVED");
    assert!(request["resolved"].is_string());
    assert_eq!(request["grantStatus"], "GRANTED", "the approved access is given");
    let (status, _, _) = sb.post(&resolve, json!({"value": "DENIED"})).await;
    assert_eq!(status, 400, "a completed task stays completed");
    // Okta serves the request list to OAuth access tokens only: the API token does not authenticate there.
    let (status, headers, e) = sb.get("/governance/api/v2/requests?filter=status%20eq%20%22PENDING%22").await;
    assert_eq!((status, e["errorCode"].as_str()), (401, Some("E0000011")));
    let challenge = headers.get("www-authenticate").and_then(|v| v.to_str().ok()).unwrap_or_default();
    assert!(challenge.starts_with("Bearer ") && challenge.contains("okta.accessRequests.request.read"), "{challenge}");
    let (status, _, e) = sb
        .post(
            "/governance/api/v2/requests",
            json!({"requested": {"type": "CATALOG_ENTRY", "entryId": "cennope0000000000000"},
                   "requestedFor": {"type": "OKTA_USER", "externalId": common::BOB}}),
        )
        .await;
    assert_eq!((status, e["errorCode"].as_str()), (400, Some("E0000001")));
}

#[tokio::test]
async fn risk_rules_and_their_assessment() {
    let sb = common::start(common::small()).await;
    let (status, _, rules) = sb.get("/governance/api/v1/risk-rules").await;
    assert_eq!(status, 200);
    assert_eq!(rules["metadata"]["total"], 1);
    let (status, _, rule) = sb.get("/governance/api/v1/risk-rules/rulfinancesysadmin01").await;
    assert_eq!((status, rule["type"].as_str()), (200, Some("SEPARATION_OF_DUTIES")));
    let assess = "/governance/api/v1/risk-rule-assessments";
    let user = |id: &str| format!("orn:okta:directory:00osandboxorg0000001:users:{id}");
    let bundle = "orn:okta:governance:00osandboxorg0000001:entitlement-bundles:enbfinanceadmin00001";
    let (status, _, alice) = sb.post(assess, json!({"principalOrn": user(common::ALICE), "resourceOrn": bundle})).await;
    assert_eq!(status, 200);
    assert_eq!(alice["data"][0]["ruleId"], "rulfinancesysadmin01");
    assert_eq!(alice["data"][0]["resourceOrn"], bundle);
    let (_, _, bob) = sb.post(assess, json!({"principalOrn": user(common::BOB), "resourceOrn": bundle})).await;
    assert_eq!(bob["data"], json!([]));
    let value = "orn:okta:governance:00osandboxorg0000001:entitlement-values:entsfsysadmin0000001";
    let (_, _, none) = sb.post(assess, json!({"principalOrn": user(common::ALICE), "resourceOrnList": [value]})).await;
    assert_eq!(none["data"], json!([]), "Alice already has System Administrator; Finance Admin is what conflicts");
    let (status, _, e) = sb.post(assess, json!({"resourceOrn": bundle})).await;
    assert_eq!((status, e["errorCode"].as_str()), (400, Some("E0000001")));
}
