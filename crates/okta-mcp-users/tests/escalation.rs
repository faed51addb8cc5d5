//! Writes that hand over an account are destructive by their effect: asking for the activation link
//! (return_link or send_email=false), changing a user's email or login. Outside --mode full they are refused and
//! nothing is sent; a title change stays an ordinary write.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use okta_e2e::{Org, Server, unique};
use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_okta-mcp-users");

fn staged(server: &mut Server) -> String {
    let name = unique("esc");
    let created = server
        .call(
            "okta_create_user",
            json!({"first_name": "Esc", "last_name": name, "email": format!("{name}@example.org")}),
        )
        .ok();
    created["created"]["id"].as_str().unwrap().to_owned()
}

#[test]
fn asking_for_the_activation_link_is_refused_outside_full_mode() {
    let org = Org::start();
    let mut server = org.server(BIN, &["--mode", "read-write"]);
    let id = staged(&mut server);
    let before = org.change_count();
    for args in [json!({"user": id, "return_link": true}), json!({"user": id, "send_email": false})] {
        let refused = server.call("okta_activate_user", args.clone()).err();
        assert!(refused.contains("--mode full") && !refused.contains("/welcome/"), "{args}: {refused}");
    }
    assert_eq!(org.change_count(), before, "nothing was sent");
    let emailed = server.call("okta_activate_user", json!({"user": id})).ok();
    assert!(emailed["link"]["emailed_to"].is_string(), "{emailed}");
}

#[test]
fn changing_email_or_login_is_refused_outside_full_mode_and_confirmed_in_it() {
    let org = Org::start();
    let mut server = org.server(BIN, &["--mode", "read-write"]);
    let id = staged(&mut server);
    let before = org.change_count();
    for profile in [json!({"email": "attacker@example.net"}), json!({"login": "attacker@example.net"})] {
        let refused = server.call("okta_update_user", json!({"user": id, "profile": profile})).err();
        assert!(refused.contains("--mode full"), "{profile}: {refused}");
    }
    assert_eq!(org.change_count(), before, "nothing was sent");
    server.call("okta_update_user", json!({"user": id, "profile": {"title": "Tester"}})).ok();

    let mut full = org.server(BIN, &["--mode", "full"]);
    let changed = full
        .call_confirmed("okta_update_user", json!({"user": id, "profile": {"secondEmail": "second@example.org"}}))
        .ok();
    assert_eq!(changed["changed"]["secondEmail"]["to"], "second@example.org", "{changed}");
}
