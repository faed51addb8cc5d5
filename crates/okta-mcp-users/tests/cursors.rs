//! Cursors are short and opaque (not Okta's next link: no scheme, host or path) and validated before anything is
//! sent: a cursor cannot raise `limit` over the tool's cap, page another endpoint, or be a URL, and anything
//! malformed is a clear argument error.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use okta_core::{ApiPath, Cursor, Query};
use okta_e2e::{Org, rows};
use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_okta-mcp-users");

#[test]
fn next_cursor_is_short_and_opaque_and_pages_on() {
    let org = Org::start();
    let mut server = org.server(BIN, &[]);
    let page = server.call("okta_list_users", json!({"limit": 200})).ok();
    let cursor = page["next_cursor"].as_str().expect("more than 200 users").to_owned();
    let host = org.url.trim_start_matches("http://").trim_end_matches('/');
    assert!(cursor.len() <= 64, "{cursor}");
    for leak in ["http", host, "/api/", "after="] {
        assert!(!cursor.contains(leak), "{cursor} shows {leak}");
    }
    let next = server.call("okta_list_users", json!({"cursor": cursor})).ok();
    assert!(next["count"].as_u64().unwrap() >= 1);
    assert!(rows(&next).iter().all(|n| rows(&page).iter().all(|p| p["id"] != n["id"])), "the next page");
}

#[test]
fn a_cursor_cannot_raise_the_limit_over_the_cap() {
    let org = Org::start();
    let mut server = org.server(BIN, &[]);
    let users = ApiPath::new("/api/v1/users", &[]).unwrap();
    let greedy = Cursor::new(&users, Query::new().push("limit", 1000)).encode();
    let page = server.call("okta_list_users", json!({"cursor": greedy})).ok();
    assert_eq!(page["count"], 200, "held to the cap of 200");
    let page = server.call("okta_list_users", json!({"cursor": greedy, "detail": true})).ok();
    assert_eq!(page["count"], 50, "held to the cap of 50 with detail");
    let page = server.call("okta_list_users", json!({"cursor": greedy, "limit": 7})).ok();
    assert_eq!(page["count"], 7, "a limit given with the cursor wins");
    let error = server.call("okta_list_users", json!({"cursor": greedy, "limit": 201})).err();
    assert!(error.contains("limit 201 is above the maximum"), "{error}");
    // Okta's own next link, edited, is no cursor.
    let before = org.request_count();
    let edited = format!("{}/api/v1/users?limit=1000", org.url.trim_end_matches('/'));
    let error = server.call("okta_list_users", json!({"cursor": edited})).err();
    assert!(error.contains("invalid arguments: cursor"), "{error}");
    assert_eq!(org.request_count(), before, "nothing was sent");
}

#[test]
fn a_cursor_cannot_point_at_another_endpoint_and_garbage_is_refused() {
    let org = Org::start();
    let mut server = org.server(BIN, &[]);
    let groups = server.call("okta_list_groups", json!({"limit": 2})).ok();
    let group_cursor = groups["next_cursor"].as_str().unwrap().to_owned();
    let everyone = server.call("okta_list_groups", json!({"q": "Everyone"})).ok();
    let everyone = rows(&everyone)[0]["id"].as_str().unwrap().to_owned();
    let members = server.call("okta_list_group_users", json!({"group_id": everyone, "limit": 2})).ok();
    let members_cursor = members["next_cursor"].as_str().unwrap().to_owned();
    let other = rows(&groups).iter().map(|g| g["id"].as_str().unwrap().to_owned()).find(|g| *g != everyone).unwrap();
    let before = org.request_count();
    let refused = [
        ("okta_list_users", json!({"cursor": group_cursor})),
        ("okta_list_group_users", json!({"group_id": everyone, "cursor": group_cursor})),
        ("okta_list_group_users", json!({"group_id": other, "cursor": members_cursor})),
        ("okta_list_users", json!({"cursor": format!("{}/api/v1/users?after=1", org.url.trim_end_matches('/'))})),
        ("okta_list_users", json!({"cursor": "https://evil.example.com/api/v1/users?after=1"})),
        ("okta_list_users", json!({"cursor": "../../api/v1/groups"})),
        ("okta_list_users", json!({"cursor": "%2e%2e%2f"})),
        ("okta_list_users", json!({"cursor": "\u{0}\n"})),
        ("okta_list_users", json!({"cursor": "A".repeat(100_000)})),
    ];
    for (tool, args) in refused {
        let answer = server.call(tool, args.clone());
        assert!(answer.is_error, "{tool} {args}: {}", answer.text);
        assert!(answer.text.contains("invalid arguments: cursor"), "{tool} {args}: {}", answer.text);
    }
    assert_eq!(org.request_count(), before, "nothing was sent");
    // The right cursor for the right list still pages.
    let next = server.call("okta_list_group_users", json!({"group_id": everyone, "cursor": members_cursor})).ok();
    assert_eq!(next["count"], 2);
}
