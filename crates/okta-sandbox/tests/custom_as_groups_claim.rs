//! GROUPS claims of a custom authorization server: the user's group names through the claim's filter
//! (STARTS_WITH, EQUALS, CONTAINS, REGEX), in the claim name the admin chose, under the claim's scope condition.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use serde_json::{Value, json};

const ALICE_LOGIN: &str = "alice.active@example.com";

async fn claims_of(sb: &Sandbox, scope: &str) -> Value {
    let (status, answer) = user_token(sb, "default", ALICE_LOGIN, scope).await;
    assert_eq!(status, 200, "{answer}");
    let iss = format!("{}/oauth2/default", sb.base);
    verify(answer["access_token"].as_str().unwrap(), &jwks(sb, "default").await, &iss, "api://default").unwrap()
}

fn names(v: &Value) -> Vec<&str> {
    let mut n: Vec<&str> = v.as_array().map(|a| a.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
    n.sort_unstable();
    n
}

#[tokio::test]
async fn group_filters() {
    let sb = start(small()).await;
    // Alice's groups, as the admin API lists them.
    let (_, _, groups) = sb.get(&format!("/api/v1/users/{ALICE}/groups")).await;
    let mut all: Vec<&str> = groups.as_array().unwrap().iter().filter_map(|g| g["profile"]["name"].as_str()).collect();
    all.sort_unstable();
    assert!(all.contains(&"Engineering") && all.contains(&"Everyone"), "{all:?}");
    let engineering_like: Vec<&str> = all.iter().copied().filter(|n| n.starts_with("Eng")).collect();

    for (name, filter, value) in [
        ("g_starts", "STARTS_WITH", "Eng"),
        ("g_equals", "EQUALS", "Everyone"),
        ("g_contains", "CONTAINS", "veryon"),
        ("g_regex", "REGEX", "Eng.*|Every.+"),
        ("g_regex_partial", "REGEX", "ngineer"),
    ] {
        let (status, _, c) = sb
            .post(
                "/api/v1/authorizationServers/default/claims",
                json!({"name": name, "claimType": "RESOURCE", "valueType": "GROUPS", "value": value,
                       "group_filter_type": filter, "conditions": {"scopes": []}, "alwaysIncludeInToken": true}),
            )
            .await;
        assert_eq!(status, 201, "{c}");
    }
    let claims = claims_of(&sb, "mcp.access").await;
    assert_eq!(names(&claims["groups"]), all, "the seeded claim: REGEX .*");
    assert_eq!(names(&claims["g_starts"]), engineering_like);
    assert_eq!(names(&claims["g_equals"]), ["Everyone"]);
    assert_eq!(names(&claims["g_contains"]), ["Everyone"]);
    let mut regex = engineering_like.clone();
    regex.push("Everyone");
    regex.sort_unstable();
    assert_eq!(names(&claims["g_regex"]), regex);
    assert!(claims.get("g_regex_partial").is_none(), "a regex matches whole names; no match: no claim");
}

#[tokio::test]
async fn scope_conditions_and_inactive_claims() {
    let sb = start(small()).await;
    let (status, _, scoped) = sb
        .post(
            "/api/v1/authorizationServers/default/claims",
            json!({"name": "roles", "claimType": "RESOURCE", "valueType": "GROUPS", "value": "Eng",
                   "group_filter_type": "STARTS_WITH", "conditions": {"scopes": ["openid"]}}),
        )
        .await;
    assert_eq!(status, 201, "{scoped}");
    assert!(claims_of(&sb, "mcp.access").await.get("roles").is_none(), "only with the claim's scope");
    assert!(names(&claims_of(&sb, "openid mcp.access").await["roles"]).contains(&"Engineering"));

    // The seeded groups claim, INACTIVE, is left out; IDENTITY claims never go into access tokens.
    let (_, _, claims) = sb.get("/api/v1/authorizationServers/default/claims").await;
    let groups = claims.as_array().unwrap().iter().find(|c| c["name"] == "groups").unwrap().clone();
    let mut body = groups.clone();
    body["status"] = json!("INACTIVE");
    body["claimType"] = json!("RESOURCE");
    let (status, _, _) = sb
        .send(
            reqwest::Method::PUT,
            &format!("/api/v1/authorizationServers/default/claims/{}", groups["id"].as_str().unwrap()),
            Some(&format!("SSWS {TOKEN}")),
            Some(body),
        )
        .await;
    assert_eq!(status, 200);
    let (status, _, _) = sb
        .post(
            "/api/v1/authorizationServers/default/claims",
            json!({"name": "id_groups", "claimType": "IDENTITY", "valueType": "GROUPS", "value": ".*",
                   "group_filter_type": "REGEX"}),
        )
        .await;
    assert_eq!(status, 201);
    let claims = claims_of(&sb, "mcp.access").await;
    assert!(claims.get("groups").is_none() && claims.get("id_groups").is_none(), "{claims}");
}

#[tokio::test]
async fn group_membership_changes_show_in_the_next_token() {
    let sb = start(small()).await;
    let bob = "bob.active@example.com";
    let (status, answer) = user_token(&sb, "default", bob, "mcp.access").await;
    assert_eq!(status, 200);
    let iss = format!("{}/oauth2/default", sb.base);
    let keys = jwks(&sb, "default").await;
    let before = verify(answer["access_token"].as_str().unwrap(), &keys, &iss, "api://default").unwrap();
    assert!(!names(&before["groups"]).contains(&"MCP Admins"));
    let (status, _, group) =
        sb.post("/api/v1/groups", json!({"profile": {"name": "MCP Admins", "description": "May change things"}})).await;
    assert_eq!(status, 200, "{group}");
    let gid = group["id"].as_str().unwrap();
    let (status, _, _) = sb.put(&format!("/api/v1/groups/{gid}/users/{BOB}")).await;
    assert_eq!(status, 204);
    let (_, answer) = user_token(&sb, "default", bob, "mcp.access").await;
    let after = verify(answer["access_token"].as_str().unwrap(), &keys, &iss, "api://default").unwrap();
    assert!(names(&after["groups"]).contains(&"MCP Admins"), "{after}");
}
