//! User lifecycle, errors, groups and factors.

mod common;

use common::*;
use serde_json::json;

#[tokio::test]
async fn lifecycle_preconditions_and_errors() {
    let sb = start(small()).await;
    let (s, _, b) = sb.post(&format!("/api/v1/users/{ALICE}/lifecycle/activate"), json!({})).await;
    assert_eq!((s, b["errorCode"].as_str()), (403, Some("E0000016")));
    let (s, _, b) = sb.post("/api/v1/users/sam.staged@example.com/lifecycle/suspend", json!({})).await;
    assert_eq!((s, b["errorCode"].as_str()), (400, Some("E0000001")));
    let (s, _, b) = sb.post(&format!("/api/v1/users/{ALICE}/lifecycle/unlock"), json!({})).await;
    assert_eq!((s, b["errorCode"].as_str()), (403, Some("E0000032")));
    let (s, _, b) = sb.post(&format!("/api/v1/users/{ALICE}/lifecycle/unsuspend"), json!({})).await;
    assert_eq!((s, b["errorCode"].as_str()), (400, Some("E0000001")));
    let (s, _, b) = sb.post("/api/v1/users/00udandeprovisioned1/lifecycle/deactivate", json!({})).await;
    assert_eq!((s, b["errorCode"].as_str()), (403, Some("E0000038")));

    // happy paths
    let (s, _, _) = sb.post(&format!("/api/v1/users/{ALICE}/lifecycle/suspend"), json!({})).await;
    assert_eq!(s, 200);
    assert_eq!(sb.get(&format!("/api/v1/users/{ALICE}")).await.2["status"], "SUSPENDED");
    let (s, _, _) = sb.post(&format!("/api/v1/users/{ALICE}/lifecycle/unsuspend"), json!({})).await;
    assert_eq!(s, 200);
    let (s, _, _) = sb.post("/api/v1/users/lucy.locked@example.com/lifecycle/unlock", json!({})).await;
    assert_eq!(s, 200);
    let (s, _, b) = sb.post("/api/v1/users/00usamstaged00000001/lifecycle/activate?sendEmail=false", json!({})).await;
    assert_eq!(s, 200);
    assert!(b["activationToken"].is_string());
    assert_eq!(sb.get("/api/v1/users/00usamstaged00000001").await.2["status"], "PROVISIONED");
    let (s, _, b) = sb.post(&format!("/api/v1/users/{BOB}/lifecycle/reset_password?sendEmail=false"), json!({})).await;
    assert_eq!(s, 200);
    assert!(b["resetPasswordUrl"].is_string());
    assert_eq!(sb.get(&format!("/api/v1/users/{BOB}")).await.2["status"], "RECOVERY");
    let (s, _, b) = sb.post(&format!("/api/v1/users/{BOB}/lifecycle/expire_password"), json!({})).await;
    assert_eq!((s, b["status"].as_str()), (200, Some("PASSWORD_EXPIRED")));

    // not found, wrong method
    let (s, h, b) = sb.get("/api/v1/users/00unope").await;
    assert_eq!((s, b["errorCode"].as_str()), (404, Some("E0000007")));
    assert_eq!(b["errorSummary"], "Not found: Resource not found: 00unope (User)");
    assert!(h.contains_key("x-okta-request-id"));
    let (s, _, b) = sb.send(reqwest::Method::PATCH, "/api/v1/users", Some(&format!("SSWS {TOKEN}")), None).await;
    assert_eq!((s, b["errorCode"].as_str()), (405, Some("E0000022")));
    // auth
    let (s, _, b) = sb.send(reqwest::Method::GET, "/api/v1/users", None, None).await;
    assert_eq!((s, b["errorCode"].as_str()), (401, Some("E0000011")));
    let (s, _, b) = sb.send(reqwest::Method::GET, "/api/v1/users", Some("SSWS wrong"), None).await;
    assert_eq!((s, b["errorCode"].as_str()), (401, Some("E0000011")));
}

#[tokio::test]
async fn create_update_delete_user() {
    let sb = start(small()).await;
    let profile = json!({"firstName": "Nina", "lastName": "New", "email": "nina.new@example.com", "login": "nina.new@example.com"});
    let (s, _, u) = sb
        .post(
            "/api/v1/users?activate=true",
            json!({"profile": profile, "credentials": {"password": {"value": "S3cret!pass"}}}),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(u["status"], "ACTIVE");
    let id = u["id"].as_str().expect("id").to_string();
    assert!(id.starts_with("00u") && id.len() == 20);
    let (s, _, b) = sb.post("/api/v1/users", json!({"profile": profile})).await;
    assert_eq!((s, b["errorCode"].as_str()), (400, Some("E0000001")));
    assert_eq!(
        b["errorCauses"][0]["errorSummary"],
        "login: An object with this field already exists in the current organization"
    );
    let (s, _, b) = sb
        .post("/api/v1/users?activate=false", json!({"profile": {"firstName": "S", "lastName": "T", "email": "s.t@example.com", "login": "s.t@example.com"}}))
        .await;
    assert_eq!((s, b["status"].as_str()), (200, Some("STAGED")));
    let (s, _, b) = sb
        .post("/api/v1/users", json!({"profile": {"firstName": "S", "lastName": "T", "email": "p.t@example.com", "login": "p.t@example.com"}}))
        .await;
    assert_eq!((s, b["status"].as_str()), (200, Some("PROVISIONED")));
    let (s, _, b) = sb.post("/api/v1/users", json!({"profile": {"firstName": "x"}})).await;
    assert_eq!((s, b["errorCode"].as_str()), (400, Some("E0000001")));
    // malformed JSON
    let resp = sb
        .http
        .post(sb.url("/api/v1/users"))
        .header("Authorization", format!("SSWS {TOKEN}"))
        .header("Content-Type", "application/json")
        .body("{nope")
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 400);
    let b: serde_json::Value = resp.json().await.expect("json");
    assert_eq!(b["errorCode"], "E0000003");
    // partial update
    let (s, _, b) = sb.post(&format!("/api/v1/users/{id}"), json!({"profile": {"title": "CTO"}})).await;
    assert_eq!((s, b["profile"]["title"].as_str()), (200, Some("CTO")));
    assert_eq!(b["profile"]["firstName"], "Nina");
    // delete: first deactivates, second deletes
    assert_eq!(sb.delete(&format!("/api/v1/users/{id}")).await.0, 204);
    assert_eq!(sb.get(&format!("/api/v1/users/{id}")).await.2["status"], "DEPROVISIONED");
    assert_eq!(sb.delete(&format!("/api/v1/users/{id}")).await.0, 204);
    assert_eq!(sb.get(&format!("/api/v1/users/{id}")).await.0, 404);
}

#[tokio::test]
async fn groups_memberships_and_related_lists() {
    let sb = start(small()).await;
    let (s, _, g) = sb.post("/api/v1/groups", json!({"profile": {"name": "Sandbox Testers"}})).await;
    assert_eq!(s, 200);
    assert_eq!(g["type"], "OKTA_GROUP");
    let gid = g["id"].as_str().expect("id").to_string();
    let (s, _, b) = sb.post("/api/v1/groups", json!({"profile": {"name": "Sandbox Testers"}})).await;
    assert_eq!((s, b["errorCode"].as_str()), (400, Some("E0000001")));
    assert_eq!(sb.put(&format!("/api/v1/groups/{gid}/users/{BOB}")).await.0, 204);
    let (_, _, members) = sb.get(&format!("/api/v1/groups/{gid}/users")).await;
    assert_eq!(members[0]["id"], BOB);
    let (_, _, groups) = sb.get(&format!("/api/v1/users/{BOB}/groups")).await;
    assert!(groups.as_array().expect("array").iter().any(|x| x["id"] == gid.as_str()));
    assert_eq!(sb.delete(&format!("/api/v1/groups/{gid}/users/{BOB}")).await.0, 204);
    let (s, _, b) = sb.delete("/api/v1/groups/00geveryone000000001").await;
    assert_eq!((s, b["errorCode"].as_str()), (403, Some("E0000006")));
    assert_eq!(sb.delete(&format!("/api/v1/groups/{gid}")).await.0, 204);
    assert_eq!(sb.get(&format!("/api/v1/groups/{gid}")).await.0, 404);

    let (_, _, apps) = sb.get("/api/v1/groups/00geveryone000000001/apps").await;
    assert!(!apps.as_array().expect("array").is_empty());
    let (_, _, links) = sb.get(&format!("/api/v1/users/{ALICE}/appLinks")).await;
    assert!(links.as_array().expect("array").len() >= 3);
    let (_, _, roles) = sb.get(&format!("/api/v1/users/{ALICE}/roles")).await;
    assert_eq!(roles[0]["type"], "SUPER_ADMIN");
    let (_, _, okta_groups) = sb.get("/api/v1/groups?filter=type%20eq%20%22OKTA_GROUP%22").await;
    assert!(okta_groups.as_array().expect("array").iter().all(|g| g["type"] == "OKTA_GROUP"));
}

#[tokio::test]
async fn factors_and_sessions() {
    let sb = start(small()).await;
    let (_, _, fs) = sb.get(&format!("/api/v1/users/{ALICE}/factors")).await;
    assert_eq!(fs.as_array().expect("array").len(), 5);
    let sms = "smsalice000000000001";
    let (s, _, b) =
        sb.post(&format!("/api/v1/users/{ALICE}/factors/{sms}/verify"), json!({"passCode": "123456"})).await;
    assert_eq!((s, b["factorResult"].as_str()), (200, Some("SUCCESS")));
    let (s, _, b) =
        sb.post(&format!("/api/v1/users/{ALICE}/factors/{sms}/verify"), json!({"passCode": "000000"})).await;
    assert_eq!((s, b["errorCode"].as_str()), (403, Some("E0000068")));
    let (s, _, b) = sb.post(&format!("/api/v1/users/{ALICE}/factors/opfalice000000000001/verify"), json!({})).await;
    assert_eq!((s, b["factorResult"].as_str()), (201, Some("WAITING")));
    // enroll + activate
    let (s, _, f) = sb
        .post(
            &format!("/api/v1/users/{BOB}/factors"),
            json!({"factorType": "sms", "provider": "OKTA", "profile": {"phoneNumber": "+14155550111"}}),
        )
        .await;
    assert_eq!((s, f["status"].as_str()), (200, Some("PENDING_ACTIVATION")));
    assert!(f["_embedded"]["activation"].is_object());
    let fid = f["id"].as_str().expect("id").to_string();
    let (s, _, b) = sb
        .post(
            &format!("/api/v1/users/{BOB}/factors"),
            json!({"factorType": "sms", "provider": "OKTA", "profile": {"phoneNumber": "+14155550111"}}),
        )
        .await;
    assert_eq!(
        (s, b["errorCauses"][0]["errorSummary"].as_str()),
        (400, Some("A factor of this type is already set up."))
    );
    let (s, _, b) =
        sb.post(&format!("/api/v1/users/{BOB}/factors/{fid}/lifecycle/activate"), json!({"passCode": "111111"})).await;
    assert_eq!((s, b["errorCode"].as_str()), (403, Some("E0000068")));
    let (s, _, b) =
        sb.post(&format!("/api/v1/users/{BOB}/factors/{fid}/lifecycle/activate"), json!({"passCode": "123456"})).await;
    assert_eq!((s, b["status"].as_str()), (200, Some("ACTIVE")));
    assert_eq!(sb.delete(&format!("/api/v1/users/{BOB}/factors/{fid}")).await.0, 204);
    let (_, _, cat) = sb.get(&format!("/api/v1/users/{BOB}/factors/catalog")).await;
    assert!(cat.as_array().expect("array").iter().any(|f| f["factorType"] == "token:software:totp"));

    // sessions
    let sid = "102alicesession0000000001";
    let (s, _, b) = sb.get(&format!("/api/v1/sessions/{sid}")).await;
    assert_eq!((s, b["userId"].as_str()), (200, Some(ALICE)));
    assert_eq!(sb.delete(&format!("/api/v1/sessions/{sid}")).await.0, 204);
    let (s, _, b) = sb.delete(&format!("/api/v1/sessions/{sid}")).await;
    assert_eq!((s, b["errorCode"].as_str()), (404, Some("E0000007")));
    assert_eq!(sb.delete(&format!("/api/v1/users/{ALICE}/sessions")).await.0, 204);
    assert_eq!(sb.get("/api/v1/sessions/102alicesession0000000002").await.0, 404);
    let (_, _, logs) = sb.get("/api/v1/logs?filter=eventType%20eq%20%22user.session.clear%22").await;
    assert_eq!(logs.as_array().expect("array").len(), 1);
}
