//! Assignments end to end: users by id or login (direct and through groups), their app profile, groups with
//! priority, and removing only what can be removed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use okta_e2e::{Org, Server, rows, unique};
use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_okta-mcp-apps");
const SALESFORCE: &str = "0oasalesforce0000001";
const ENGINEERING: &str = "00gengineering000001";
// Not a super administrator: changes to her app assignment are not refused as protected.
const CAROL: &str = "carol.finance@example.com";
const CAROL_ID: &str = "00ucarolfinance00001";

fn new_app(server: &mut Server) -> String {
    let out = server
        .call(
            "okta_create_app",
            json!({"kind": "bookmark", "label": unique("E2E Assign "), "url": "https://a.example.com"}),
        )
        .ok();
    out["created"]["id"].as_str().unwrap().to_owned()
}

#[test]
fn assign_carol_to_salesforce() {
    let org = Org::start();
    // Not Alice: a super administrator (and the API token's admin), protected from changes to her access.
    let mut server = org.server(BIN, &["--mode", "full"]);
    let assigned = server.call("okta_assign_user_to_app", json!({"app_id": SALESFORCE, "user": CAROL})).ok();
    assert_eq!(assigned["app_user"]["id"], CAROL_ID);
    assert_eq!(assigned["app_user"]["scope"], "USER");
    let got = server.call("okta_get_app_user", json!({"app_id": SALESFORCE, "user": CAROL})).ok();
    assert_eq!(got["credentials"]["userName"], CAROL);
    let users = server.call("okta_list_app_users", json!({"app_id": SALESFORCE, "q": "carol"})).ok();
    assert!(rows(&users).iter().any(|u| u["id"] == CAROL_ID && u["scope"] == "USER"));
    let apps =
        server.call("okta_list_apps", json!({"filter": format!("user.id eq \"{CAROL_ID}\""), "limit": 200})).ok();
    assert!(rows(&apps).iter().any(|a| a["id"] == SALESFORCE));
    // Assigning again is harmless (a shared contract-run org may already have her assigned).
    let again = server.call("okta_assign_user_to_app", json!({"app_id": SALESFORCE, "user": CAROL_ID})).ok();
    assert_eq!(again["app_user"]["scope"], "USER");
}

#[test]
fn users_profile_paging_and_group_scope() {
    let org = Org::start();
    let mut server = org.server(BIN, &["--mode", "full"]);
    let app = new_app(&mut server);
    server
        .call(
            "okta_assign_user_to_app",
            json!({"app_id": app, "user": CAROL, "user_name": "carol@corp",
                                                 "profile": {"role": "Admin", "team": "Core"}}),
        )
        .ok();
    server.call("okta_assign_user_to_app", json!({"app_id": app, "user": "bob.active@example.com"})).ok();
    let out = server
        .call(
            "okta_update_app_user",
            json!({"app_id": app, "user": CAROL, "profile": {"role": "Viewer", "team": null}}),
        )
        .ok();
    assert_eq!(out["changed"]["profile.role"], json!({"from": "Admin", "to": "Viewer"}));
    assert_eq!(out["changed"]["profile.team"], json!({"from": "Core", "to": null}));
    let got = server.call("okta_get_app_user", json!({"app_id": app, "user": CAROL_ID})).ok();
    assert_eq!(got["profile"], json!({"role": "Viewer"}));
    assert_eq!(got["credentials"]["userName"], "carol@corp", "the userName is kept");
    let e = server.call("okta_update_app_user", json!({"app_id": app, "user": CAROL})).err();
    assert!(e.contains("give user_name"), "{e}");

    // Engineering members get the app through the group.
    server.call("okta_assign_group_to_app", json!({"app_id": app, "group_id": ENGINEERING})).ok();
    let page = server.call("okta_list_app_users", json!({"app_id": app, "limit": 2})).ok();
    assert_eq!(page["columns"], json!(["id", "userName", "scope", "status", "created"]));
    assert_eq!(page["count"], 2);
    let next = server.call("okta_list_app_users", json!({"app_id": app, "cursor": page["next_cursor"]})).ok();
    let lucy = rows(&next).into_iter().chain(rows(&page)).find(|u| u["id"] == "00ulucylocked0000001");
    assert_eq!(lucy.expect("Lucy through Engineering")["scope"], "GROUP");
    let refused =
        server.call_confirmed("okta_remove_user_from_app", json!({"app_id": app, "user": "lucy.locked@example.com"}));
    let refused = refused.err();
    assert!(refused.contains(ENGINEERING) && refused.contains("okta_remove_group_from_app"), "{refused}");

    server.call_confirmed("okta_remove_user_from_app", json!({"app_id": app, "user": "bob.active@example.com"})).ok();
    let e = server.call("okta_get_app_user", json!({"app_id": app, "user": "bob.active@example.com"})).err();
    assert!(e.contains("E0000007"), "{e}");
    let e = server.call("okta_assign_user_to_app", json!({"app_id": app, "user": "nobody@example.invalid"})).err();
    assert!(e.contains("E0000007"), "{e}");
    let e = server.call("okta_assign_user_to_app", json!({"app_id": app, "user": "dan.deprovisioned@example.com"}));
    let e = e.err();
    assert!(e.contains("E0000117"), "{e}");
}

#[test]
fn groups_with_priority() {
    let org = Org::start();
    let mut server = org.server(BIN, &["--mode", "full"]);
    let app = new_app(&mut server);
    let everyone = "00geveryone000000001";
    server.call("okta_assign_group_to_app", json!({"app_id": app, "group_id": ENGINEERING})).ok();
    let out = server
        .call(
            "okta_assign_group_to_app",
            json!({"app_id": app, "group_id": everyone, "priority": 0,
                                                  "profile": {"role": "Reader"}}),
        )
        .ok();
    assert_eq!(out["assignment"]["priority"], 0);
    let groups = server.call("okta_list_app_groups", json!({"app_id": app})).ok();
    assert_eq!(groups["columns"], json!(["id", "name", "priority", "lastUpdated"]));
    let names: Vec<_> = rows(&groups).iter().map(|g| g["name"].clone()).collect();
    assert_eq!(names, [json!("Everyone"), json!("Engineering")]);
    let one = server.call("okta_get_app_group", json!({"app_id": app, "group_id": everyone})).ok();
    assert_eq!(one["name"], "Everyone");
    assert_eq!(one["profile"], json!({"role": "Reader"}));
    let filtered = server.call("okta_list_app_groups", json!({"app_id": app, "q": "eng"})).ok();
    assert_eq!(rows(&filtered).len(), 1);

    server.call_confirmed("okta_remove_group_from_app", json!({"app_id": app, "group_id": everyone})).ok();
    let e = server.call("okta_get_app_group", json!({"app_id": app, "group_id": everyone})).err();
    assert!(e.contains("E0000007"), "{e}");
    let e = server.call("okta_assign_group_to_app", json!({"app_id": app, "group_id": "00gnope0000000000000"})).err();
    assert!(e.contains("E0000007"), "{e}");
    let e = server.call("okta_assign_group_to_app", json!({"app_id": app, "group_id": "00g/../x"})).err();
    assert!(e.contains("cannot be used as"), "{e}");
    let e = server.call("okta_assign_group_to_app", json!({"app_id": app, "group_id": ENGINEERING, "profile": [1]}));
    assert!(e.err().contains("profile must be an object"));
}
