//! Apps: sign-on modes, lifecycle (delete only INACTIVE), assignments with Link pagination, keys, SAML
//! metadata, grants and scopes.

mod common;

use common::*;
use serde_json::json;

const SALESFORCE: &str = "0oasalesforce0000001";

#[tokio::test]
async fn lifecycle_and_delete_rule() {
    let sb = start(small()).await;
    let body = json!({"name": "bookmark", "label": "Sandbox Test", "signOnMode": "BOOKMARK",
                      "settings": {"app": {"url": "https://t.example.com"}}});
    let (s, _, app) = sb.post("/api/v1/apps", body).await;
    assert_eq!((s, app["status"].as_str()), (200, Some("ACTIVE")));
    let id = app["id"].as_str().expect("id").to_owned();
    let (s, _, b) = sb.delete(&format!("/api/v1/apps/{id}")).await;
    assert_eq!((s, b["errorCode"].as_str()), (403, Some("E0000056")));
    let (s, _, _) = sb.post(&format!("/api/v1/apps/{id}/lifecycle/deactivate"), json!({})).await;
    assert_eq!(s, 200);
    assert_eq!(sb.get(&format!("/api/v1/apps/{id}")).await.2["status"], "INACTIVE");
    let (s, _, _) = sb.delete(&format!("/api/v1/apps/{id}")).await;
    assert_eq!(s, 204);
    assert_eq!(sb.get(&format!("/api/v1/apps/{id}")).await.0, 404);

    let (s, _, b) = sb.post("/api/v1/apps", json!({"label": "No mode"})).await;
    assert_eq!((s, b["errorCode"].as_str()), (400, Some("E0000001")));
    let saml = json!({"label": "S", "signOnMode": "SAML_2_0", "settings": {"signOn": {"ssoAcsUrl": "https://a"}}});
    let (s, _, b) = sb.post("/api/v1/apps", saml).await;
    assert_eq!(
        (s, b["errorCauses"][0]["errorSummary"].as_str()),
        (400, Some("audience: The field cannot be left blank"))
    );
}

#[tokio::test]
async fn app_users_page_and_scope() {
    let sb = start(small()).await;
    let (s, h, page) = sb.get("/api/v1/apps/0oacompanywiki000001/users?limit=5").await;
    assert_eq!(s, 200);
    assert_eq!(page.as_array().map(Vec::len), Some(5));
    assert_eq!(page[0]["scope"], "GROUP");
    let next = next_link(&h).expect("Everyone has more than 5 users");
    let (_, _, page2) = sb.get(&next).await;
    assert_ne!(page2[0]["id"], page[0]["id"]);
    let (s, _, b) = sb.post("/api/v1/apps/0oacompanywiki000001/users", json!({"id": ALICE})).await;
    assert_eq!((s, b["scope"].as_str()), (200, Some("USER")));
    let (s, _, b) = sb.delete(&format!("/api/v1/apps/0oacompanywiki000001/users/{BOB}")).await;
    assert_eq!((s, b["errorCode"].as_str()), (403, Some("E0000046")));
    let (_, _, apps) = sb.get(&format!("/api/v1/apps?filter=user.id%20eq%20%22{BOB}%22&expand=user/{BOB}")).await;
    let expenses = apps.as_array().and_then(|a| a.iter().find(|x| x["id"] == "0oaexpenses000000001").cloned());
    assert_eq!(expenses.expect("Bob's expenses app")["_embedded"]["user"]["id"], BOB);
}

#[tokio::test]
async fn keys_metadata_and_grants() {
    let sb = start(small()).await;
    let (_, _, keys) = sb.get(&format!("/api/v1/apps/{SALESFORCE}/credentials/keys")).await;
    let kid = keys[0]["kid"].as_str().expect("kid").to_owned();
    let resp = sb
        .http
        .get(sb.url(&format!("/api/v1/apps/{SALESFORCE}/sso/saml/metadata?kid={kid}")))
        .header("Authorization", format!("SSWS {TOKEN}"))
        .send()
        .await
        .expect("metadata");
    assert_eq!(resp.headers()["content-type"], "text/xml");
    assert!(resp.text().await.expect("xml").contains("md:EntityDescriptor"));
    let (s, _, _) = sb.get("/api/v1/apps/0oaexpenses000000001/sso/saml/metadata?kid=x").await;
    assert_eq!(s, 404);
    let (s, _, key) =
        sb.post(&format!("/api/v1/apps/{SALESFORCE}/credentials/keys/generate?validityYears=2"), json!({})).await;
    assert_eq!(s, 201);
    assert!(key["kid"].is_string() && key.get("d").is_none());
    let (s, _, _) =
        sb.post(&format!("/api/v1/apps/{SALESFORCE}/credentials/keys/generate?validityYears=11"), json!({})).await;
    assert_eq!(s, 400);
    let (_, _, grants) = sb.get("/api/v1/apps/0oamcpservice0000001/grants").await;
    assert!(grants.as_array().is_some_and(|g| g.iter().any(|x| x["scopeId"] == "okta.users.read")));
}
