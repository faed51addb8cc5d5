//! Activation and reset links hand over an account: by default Okta emails them and the answer says where; the
//! link reaches the conversation only when asked for with return_link, and never by accident (a secret-shaped
//! link is redacted from every answer).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use okta_e2e::{Org, Server, unique};
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_okta-mcp-users");

/// A new STAGED user: (id, email).
fn staged(server: &mut Server) -> (String, String) {
    let name = unique("link");
    let email = format!("{name}@example.org");
    let created = server.call("okta_create_user", json!({"first_name": "Lin", "last_name": name, "email": email})).ok();
    (created["created"]["id"].as_str().unwrap().to_owned(), email)
}

#[test]
fn activation_says_where_the_link_went_and_never_shows_it() {
    let org = Org::start();
    let mut server = org.server(BIN, &["--mode", "full"]);
    let (id, email) = staged(&mut server);
    let activated = server.call("okta_activate_user", json!({"user": id}));
    assert!(!activated.text.contains("/welcome/"), "the link is in the answer: {}", activated.text);
    let activated = activated.ok();
    assert_eq!(activated["link"]["emailed_to"], json!(email), "{activated}");
    assert!(activated.get("activationUrl").is_none(), "{activated}");
}

#[test]
fn send_email_false_alone_does_not_show_the_link() {
    let org = Org::start();
    let mut server = org.server(BIN, &["--mode", "full"]);
    let (id, _) = staged(&mut server);
    let activated = server.call_confirmed("okta_activate_user", json!({"user": id, "send_email": false}));
    assert!(!activated.text.contains("/welcome/"), "the link is in the answer: {}", activated.text);
    let activated = activated.ok();
    assert_eq!(activated["link"]["emailed_to"], Value::Null, "{activated}");
    assert!(activated.get("activationUrl").is_none(), "{activated}");
}

#[test]
fn return_link_shows_the_link() {
    let org = Org::start();
    let mut server = org.server(BIN, &["--mode", "full"]);
    let (id, _) = staged(&mut server);
    let activated = server.call_confirmed("okta_activate_user", json!({"user": id, "return_link": true})).ok();
    assert!(activated["activationUrl"].as_str().unwrap().contains("/welcome/"), "{activated}");
    let reset = server.call_confirmed("okta_reset_password", json!({"user": id, "return_link": true})).ok();
    assert!(reset["resetPasswordUrl"].as_str().unwrap().contains("/reset_password/"), "{reset}");
}

#[test]
fn the_reset_link_is_emailed_by_default() {
    let org = Org::start();
    let mut server = org.server(BIN, &["--mode", "full"]);
    let (id, email) = staged(&mut server);
    server.call("okta_activate_user", json!({"user": id})).ok();
    let reset = server.call_confirmed("okta_reset_password", json!({"user": id}));
    assert!(!reset.text.contains("/reset_password/"), "the link is in the answer: {}", reset.text);
    assert_eq!(reset.ok()["link"]["emailed_to"], json!(email));
}

#[test]
fn return_link_with_send_email_is_refused_before_anything_is_sent() {
    let org = Org::start();
    let mut server = org.server(BIN, &["--mode", "full"]);
    let (id, _) = staged(&mut server);
    let before = org.change_count();
    let error =
        server.call_confirmed("okta_activate_user", json!({"user": id, "return_link": true, "send_email": true})).err();
    assert!(error.contains("leave send_email out"), "{error}");
    assert_eq!(org.change_count(), before, "nothing was sent");
}
