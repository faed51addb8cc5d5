//! Cursor pagination over users, group members and the System Log.

mod common;

use std::collections::HashSet;

use common::*;
use okta_sandbox::SandboxConfig;

#[tokio::test]
async fn walking_all_users_visits_each_once_and_ends() {
    let sb = start(SandboxConfig::default()).await;
    let mut url = "/api/v1/users?limit=37".to_string();
    let mut seen = HashSet::new();
    let mut pages = 0;
    loop {
        let (status, headers, body) = sb.get(&url).await;
        assert_eq!(status, 200);
        let self_links: Vec<_> = headers
            .get_all("link")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter(|v| v.contains("rel=\"self\""))
            .collect();
        assert_eq!(self_links.len(), 1);
        for u in body.as_array().expect("array") {
            let id = u["id"].as_str().expect("id").to_string();
            assert_ne!(u["status"], "DEPROVISIONED");
            assert!(seen.insert(id), "user visited twice");
        }
        pages += 1;
        match next_link(&headers) {
            Some(next) => {
                assert!(next.contains("limit=37"), "{next}");
                assert!(!next.contains("after=00u"), "cursor must be opaque: {next}");
                url = next;
            }
            None => break,
        }
        assert!(pages < 50, "pagination does not end");
    }
    // Everything not DEPROVISIONED (the plain list omits those, as Okta does).
    let (_, _, deprovisioned) = sb.get("/api/v1/users?search=status%20eq%20%22DEPROVISIONED%22").await;
    let n_deprov = deprovisioned.as_array().expect("array").len();
    assert!(n_deprov >= 1);
    assert_eq!(seen.len() + n_deprov, 300);
    assert_eq!(pages, seen.len().div_ceil(37));
}

#[tokio::test]
async fn next_link_keeps_filter_and_search() {
    let sb = start(small()).await;
    let (status, headers, body) = sb.get("/api/v1/users?filter=status%20eq%20%22ACTIVE%22&limit=5").await;
    assert_eq!(status, 200);
    assert!(body.as_array().expect("array").iter().all(|u| u["status"] == "ACTIVE"));
    let next = next_link(&headers).expect("next");
    assert!(next.contains("filter=status%20eq%20%22ACTIVE%22"), "{next}");
    let (_, _, page2) = sb.get(&next).await;
    assert!(page2.as_array().expect("array").iter().all(|u| u["status"] == "ACTIVE"));

    let (status, _, body) = sb.get("/api/v1/users?search=profile.lastName%20eq").await;
    assert_eq!(status, 400);
    assert_eq!(body["errorCode"], "E0000031");

    let (status, _, body) = sb.get("/api/v1/users?q=alice").await;
    assert_eq!(status, 200);
    assert_eq!(body[0]["profile"]["login"], "alice.active@example.com");
}

#[tokio::test]
async fn group_members_paginate() {
    let sb = start(small()).await;
    let mut url = "/api/v1/groups/00geveryone000000001/users?limit=50".to_string();
    let mut seen = HashSet::new();
    loop {
        let (status, headers, body) = sb.get(&url).await;
        assert_eq!(status, 200);
        for u in body.as_array().expect("array") {
            assert!(seen.insert(u["id"].as_str().expect("id").to_string()));
        }
        match next_link(&headers) {
            Some(n) => url = n,
            None => break,
        }
    }
    assert_eq!(seen.len(), 120);
}

#[tokio::test]
async fn log_polling_always_has_next() {
    let sb = start(small()).await;
    let (status, headers, body) = sb.get("/api/v1/logs?limit=1000").await;
    assert_eq!(status, 200);
    assert!(!body.as_array().expect("array").is_empty());
    let next = next_link(&headers).expect("polling next link");
    let (_, headers, body) = sb.get(&next).await;
    assert_eq!(body.as_array().expect("array").len(), 0);
    let next2 = next_link(&headers).expect("still a next link");
    // A state change shows up on the next poll.
    let (s, _, _) = sb.post(&format!("/api/v1/users/{ALICE}/lifecycle/suspend"), serde_json::json!({})).await;
    assert_eq!(s, 200);
    let (_, _, body) = sb.get(&next2).await;
    let events = body.as_array().expect("array");
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["eventType"], "user.lifecycle.suspend");
    assert_eq!(events[0]["target"][0]["id"], ALICE);

    // With `until`, the list ends.
    let (_, headers, _) = sb.get("/api/v1/logs?until=2099-01-01T00:00:00.000Z&limit=1000").await;
    assert!(next_link(&headers).is_none());
    // Filters over dotted paths.
    let (_, _, body) = sb
        .get("/api/v1/logs?filter=eventType%20sw%20%22user.session%22%20and%20actor.id%20eq%20%2200ualiceactive000001%22")
        .await;
    let events = body.as_array().expect("array");
    assert!(!events.is_empty());
    assert!(events.iter().all(|e| e["actor"]["id"] == ALICE));
}
