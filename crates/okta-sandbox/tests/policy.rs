//! Authorization servers, org policies, zones and inline hooks in the sandbox: Okta's shapes, statuses and
//! lifecycle rules.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use okta_sandbox::SandboxConfig;
use serde_json::json;

#[tokio::test]
async fn authorization_servers_and_lifecycle_rules() {
    let sb = common::start(SandboxConfig::default()).await;
    let (status, headers, list) = sb.get("/api/v1/authorizationServers?limit=2").await;
    assert_eq!(status, 200);
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert!(headers.get_all("link").iter().any(|l| l.to_str().unwrap().contains("rel=\"next\"")));
    let (_, _, default) = sb.get("/api/v1/authorizationServers/default").await;
    assert!(default["issuer"].as_str().unwrap().ends_with("/oauth2/default"));

    let (status, _, created) =
        sb.post("/api/v1/authorizationServers", json!({"name": "T", "audiences": ["api://t"]})).await;
    assert_eq!(status, 201);
    let id = created["id"].as_str().unwrap().to_owned();
    let (status, _, e) = sb.delete(&format!("/api/v1/authorizationServers/{id}")).await;
    assert_eq!((status, e["errorCode"].as_str()), (400, Some("E0000001")));
    let (status, _, _) = sb.post(&format!("/api/v1/authorizationServers/{id}/lifecycle/deactivate"), json!({})).await;
    assert_eq!(status, 204);
    let (status, _, _) = sb.delete(&format!("/api/v1/authorizationServers/{id}")).await;
    assert_eq!(status, 204);

    let (status, _, keys) =
        sb.post("/api/v1/authorizationServers/default/credentials/lifecycle/keyRotate", json!({"use": "sig"})).await;
    assert_eq!(status, 200);
    assert!(keys.as_array().unwrap().iter().any(|k| k["status"] == "EXPIRED"));
    let (status, _, _) =
        sb.post("/api/v1/authorizationServers/default/credentials/lifecycle/keyRotate", json!({})).await;
    assert_eq!(status, 400);

    let (_, _, scopes) = sb.get("/api/v1/authorizationServers/default/scopes?q=openid").await;
    let openid = scopes.as_array().unwrap()[0]["id"].as_str().unwrap().to_owned();
    let (status, _, _) = sb.delete(&format!("/api/v1/authorizationServers/default/scopes/{openid}")).await;
    assert_eq!(status, 400, "system scopes stay");
}

#[tokio::test]
async fn policies_zones_and_hooks() {
    let sb = common::start(SandboxConfig::default()).await;
    let (status, _, e) = sb.get("/api/v1/policies").await;
    assert_eq!((status, e["errorCode"].as_str()), (400, Some("E0000028")), "type is required");
    let (_, _, sign_on) = sb.get("/api/v1/policies?type=OKTA_SIGN_ON").await;
    assert_eq!(sign_on[0]["name"], "Contractors sign-on");
    let (_, _, rules) = sb.get("/api/v1/policies/00pcontractors000001/rules").await;
    assert_eq!(rules[1]["conditions"]["network"]["exclude"][0], "nzocorporate00000001");

    let (_, _, zones) = sb.get("/api/v1/zones?filter=usage%20eq%20%22BLOCKLIST%22").await;
    assert!(zones.as_array().unwrap().iter().all(|z| z["usage"] == "BLOCKLIST"));
    let (status, _, e) = sb
        .post("/api/v1/zones", json!({"type": "IP", "name": "x", "gateways": [{"type": "CIDR", "value": "nope"}]}))
        .await;
    assert_eq!((status, e["errorCode"].as_str()), (400, Some("E0000001")));

    let (status, _, answer) = sb
        .post(
            "/api/v1/inlineHooks/caltokenenrich000001/execute",
            json!({"eventType": "com.okta.oauth2.tokens.transform"}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(answer["commands"][0]["type"], "com.okta.access.patch");
    let (_, _, hook) = sb.get("/api/v1/inlineHooks/caltokenenrich000001").await;
    assert!(hook["channel"]["config"]["authScheme"].get("value").is_none(), "the secret is never answered");
    let (status, _, _) = sb.delete("/api/v1/inlineHooks/caltokenenrich000001").await;
    assert_eq!(status, 400, "only INACTIVE hooks can be deleted");
}
