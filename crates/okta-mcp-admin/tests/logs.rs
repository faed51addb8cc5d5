//! System Log investigation end to end: windows given as relative times or ISO 8601 are reported back with the
//! current time; compact events; failed sign-ins grouped so the pattern shows; admin actions of yesterday;
//! every query bounded (an item cap and a cursor, never Okta's endless polling).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use okta_e2e::{Org, rows};
use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_okta-mcp-admin");

#[test]
fn who_failed_to_sign_in_over_the_last_24_hours_and_why() {
    let org = Org::start();
    let mut server = org.server(BIN, &[]);
    let out = server.call("okta_get_system_log_failed_logins", json!({"since": "24h"})).ok();
    let (since, until, now) = (&out["window"]["since"], &out["window"]["until"], &out["window"]["now"]);
    assert!(since.is_string() && until == now, "{out}");
    assert!(out["failures_read"].as_u64().unwrap() >= 12, "{out}");
    assert_eq!(out["complete"], true);
    let reasons: Vec<&str> =
        out["by_reason"].as_array().unwrap().iter().map(|r| r["reason"].as_str().unwrap()).collect();
    assert!(reasons.contains(&"INVALID_CREDENTIALS"), "{out}");
    // Bob was hammered from one address a few hours ago: he tops the list, with the IP.
    let bob = &out["by_user"][0];
    assert_eq!(bob["user"], "bob.active@example.com", "{out}");
    assert!(bob["failures"].as_u64().unwrap() >= 12);
    assert!(bob["ips"]["192.0.2.77"].as_u64().unwrap() >= 12, "{bob}");

    // Yesterday's password spray shows up as one address and many users.
    let spray = server.call("okta_get_system_log_failed_logins", json!({"since": "3d"})).ok();
    let ip = spray["by_ip"].as_array().unwrap().iter().find(|r| r["ip"] == "198.51.100.23").expect("spray ip");
    assert!(ip["users"].as_u64().unwrap() >= 10, "{ip}");

    // A cap on what is read, and the cursor to go on.
    let capped = server.call("okta_get_system_log_failed_logins", json!({"since": "14d", "max_events": 20})).ok();
    assert_eq!(capped["failures_read"], 20);
    assert_eq!(capped["complete"], false);
    let cursor = capped["next_cursor"].as_str().unwrap().to_owned();
    let more = server.call("okta_get_system_log_failed_logins", json!({"cursor": cursor, "max_events": 20})).ok();
    assert_eq!(more["failures_read"], 20);
    assert_eq!(more["window"]["since"], capped["window"]["since"], "the cursor keeps the window");
    let one = server
        .call("okta_get_system_log_failed_logins", json!({"since": "7d", "user": "lucy.locked@example.com"}))
        .ok();
    assert!(one["by_user"].as_array().unwrap().iter().all(|u| u["user"] == "lucy.locked@example.com"), "{one}");
}

#[test]
fn what_did_admins_change_yesterday() {
    let org = Org::start();
    let mut server = org.server(BIN, &[]);
    let out = server.call("okta_get_system_log_admin_actions", json!({"since": "yesterday", "limit": 200})).ok();
    let since = out["window"]["since"].as_str().unwrap();
    let until = out["window"]["until"].as_str().unwrap();
    assert!(since.ends_with("T00:00:00.000Z") && until.ends_with("T00:00:00.000Z"), "{}", out["window"]);
    let events = rows(&out);
    assert!(events.len() >= 20, "{out}");
    assert!(
        events.iter().all(|e| e["published"].as_str().unwrap() >= since && e["published"].as_str().unwrap() < until)
    );
    assert!(events.iter().all(|e| !e["eventType"].as_str().unwrap().starts_with("user.session")));
    assert!(out["by_admin"].as_object().unwrap().len() >= 2, "{}", out["by_admin"]);
    let olivia = server
        .call("okta_get_system_log_admin_actions", json!({"since": "7d", "admin": "olivia.orgadmin@example.com"}))
        .ok();
    assert!(rows(&olivia).iter().all(|e| e["actor"] == "olivia.orgadmin@example.com"));
}

#[test]
fn events_are_compact_bounded_and_paged() {
    let org = Org::start();
    let mut server = org.server(BIN, &[]);
    let page = server.call("okta_get_system_log", json!({"since": "7d", "limit": 5})).ok();
    assert_eq!(page["count"], 5);
    assert_eq!(page["window"]["sortOrder"], "DESCENDING");
    let columns = page["columns"].as_array().unwrap();
    for c in ["published", "eventType", "displayMessage", "outcome", "actor", "target", "ip", "geo", "requestId"] {
        assert!(columns.contains(&json!(c)), "{c}");
    }
    let first = rows(&page);
    assert!(first[0]["published"].as_str() >= first[4]["published"].as_str(), "newest first");
    let next = server.call("okta_get_system_log", json!({"cursor": page["next_cursor"], "limit": 5})).ok();
    assert_eq!(next["count"], 5);
    assert!(rows(&next)[0]["published"].as_str() <= first[4]["published"].as_str());

    // Ascending without until is Okta's endless polling: the tools always send until, so the end is reached.
    let asc = server
        .call(
            "okta_get_system_log",
            json!({"since": "15m", "sortOrder": "ASCENDING", "limit": 200,
                                              "filter": "eventType eq \"no.such.event\""}),
        )
        .ok();
    assert_eq!(asc["count"], 0);
    assert!(asc.get("next_cursor").is_none(), "{asc}");

    let full = server.call("okta_get_system_log", json!({"limit": 1, "detail": true, "since": "7d"})).ok();
    assert!(full["items"][0]["uuid"].is_string());
    let q = server.call("okta_get_system_log", json!({"since": "7d", "q": "198.51.100.23", "limit": 3})).ok();
    assert!(rows(&q).iter().all(|e| e["ip"] == "198.51.100.23"), "{q}");
}

#[test]
fn events_for_a_user_and_an_app() {
    let org = Org::start();
    let mut server = org.server(BIN, &[]);
    let alice = server
        .call(
            "okta_get_system_log_events_for_user",
            json!({"user": "alice.active@example.com", "since": "7d", "limit": 50}),
        )
        .ok();
    assert_eq!(alice["user"]["id"], "00ualiceactive000001");
    let events = rows(&alice);
    assert!(!events.is_empty());
    assert!(events.iter().all(|e| e["actor"] == "alice.active@example.com"
        || e["target"].as_str().unwrap_or_default().contains("alice.active@example.com")));
    let app = server
        .call("okta_get_system_log_events_for_app", json!({"app_id": "0oasalesforce0000001", "since": "14d"}))
        .ok();
    assert!(rows(&app).iter().all(|e| e["target"].as_str().unwrap().contains("Salesforce")), "{app}");
    let bad = server.call("okta_get_system_log_events_for_app", json!({"app_id": "0oa/../x"})).err();
    assert!(bad.contains("cannot be used as app_id"), "{bad}");
}

#[test]
fn bad_windows_and_arguments_are_refused_before_okta() {
    let org = Org::start();
    let mut server = org.server(BIN, &[]);
    let before = org.request_count();
    for (args, expect) in [
        (json!({"since": "last tuesday"}), "neither ISO 8601"),
        (json!({"since": "1h", "until": "2h"}), "must be before until"),
        (json!({"since": "120d"}), "90 days"),
        (json!({"limit": 500}), "limit must be between 1 and 200"),
        (json!({"sortOrder": "SIDEWAYS"}), "invalid arguments"),
        (json!({"cursor": "https://elsewhere.example.com/api/v1/logs?after=1"}), "invalid arguments"),
        (json!({"filter": " "}), "filter must not be empty"),
        (json!({"bogus": 1}), "unknown argument"),
    ] {
        let error = server.call("okta_get_system_log", args.clone()).err();
        assert!(error.contains(expect), "{args}: {error}");
    }
    let error = server.call("okta_get_system_log_failed_logins", json!({"max_events": 100000})).err();
    assert!(error.contains("max_events"), "{error}");
    assert_eq!(org.request_count(), before, "nothing reached the org");
    let malformed = server.call("okta_get_system_log", json!({"filter": "eventType eq"})).err();
    assert!(malformed.contains("E0000031"), "{malformed}");
}
