//! Users through Okta's lifecycle end to end: create, update, activate, suspend, unsuspend, expire and reset
//! passwords, deactivate, delete; and the refusals Okta's rules call for, before anything is sent.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use okta_e2e::{Org, Server, rows, unique};
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_okta-mcp-users");

fn create(server: &mut Server, activate: bool, password: Option<&str>) -> Value {
    let name = unique("e2e");
    let mut args = json!({"first_name": "Eve", "last_name": name, "email": format!("{name}@example.org"),
                          "activate": activate, "profile": {"department": "QA"}});
    if let Some(p) = password {
        args["password"] = json!(p);
    }
    let created = server.call("okta_create_user", args).ok();
    created["created"].clone()
}

#[test]
fn create_update_and_activate_a_staged_user() {
    let org = Org::start();
    let mut server = org.server(BIN, &["--mode", "full"]);
    let user = create(&mut server, false, None);
    assert_eq!(user["status"], "STAGED");
    let id = user["id"].as_str().unwrap().to_owned();
    let login = user["login"].as_str().unwrap().to_owned();

    let updated = server.call("okta_update_user", json!({"user": login, "profile": {"title": "Tester"}})).ok();
    assert_eq!(updated["changed"]["title"], json!({"from": null, "to": "Tester"}));
    let read = server.call("okta_get_user", json!({"user": id})).ok();
    assert_eq!(read["profile"]["title"], "Tester");
    assert_eq!(read["profile"]["department"], "QA", "a partial update keeps other attributes");

    let activated = server.call("okta_activate_user", json!({"user": id})).ok();
    assert_eq!(activated["status_before"], "STAGED");
    assert!(["ACTIVE", "PROVISIONED"].contains(&activated["status_after"].as_str().unwrap()));
    assert_eq!(activated["link"]["emailed_to"], read["profile"]["email"], "{activated}");
    assert!(activated.get("activationUrl").is_none(), "{activated}");

    let pw = server.call_confirmed("okta_set_password", json!({"user": id, "password": "Sandbox!Passw0rd-1"}));
    assert!(!pw.text.contains("Sandbox!Passw0rd-1"), "the password is echoed");
    assert_eq!(pw.ok()["result"], "password set");
}

#[test]
fn an_active_user_through_suspension_recovery_deactivation_and_deletion() {
    let org = Org::start();
    let mut server = org.server(BIN, &["--mode", "full"]);
    let user = create(&mut server, true, Some("Sandbox!Passw0rd-3"));
    assert_eq!(user["status"], "ACTIVE");
    let id = user["id"].as_str().unwrap().to_owned();
    let suspended = server.call_confirmed("okta_suspend_user", json!({"user": id})).ok();
    assert_eq!(suspended["status_after"], "SUSPENDED");
    let again = server.call_confirmed("okta_suspend_user", json!({"user": id})).err();
    assert!(again.contains("the user is SUSPENDED") && again.contains("Nothing was changed"), "{again}");
    let unsuspended = server.call("okta_unsuspend_user", json!({"user": id})).ok();
    assert_eq!(unsuspended["status_after"], "ACTIVE");

    let expired = server.call("okta_expire_password", json!({"user": id})).ok();
    assert_eq!(expired["status_after"], "PASSWORD_EXPIRED");
    let reset = server.call_confirmed("okta_reset_password", json!({"user": id})).ok();
    assert_eq!(reset["status_after"], "RECOVERY");
    let email = server.call("okta_get_user", json!({"user": id})).ok()["profile"]["email"].clone();
    assert!(email.is_string());
    assert_eq!(reset["link"]["emailed_to"], email, "{reset}");
    assert!(reset.get("resetPasswordUrl").is_none(), "{reset}");

    let refused = server.call_confirmed("okta_delete_user", json!({"user": id})).err();
    assert!(refused.contains("okta_deactivate_user first"), "{refused}");
    assert_eq!(server.call("okta_get_user", json!({"user": id})).ok()["status"], "RECOVERY", "nothing changed");

    let deactivated = server.call_confirmed("okta_deactivate_user", json!({"user": id})).ok();
    assert_eq!(deactivated["status_after"], "DEPROVISIONED");
    let deleted = server.call_confirmed("okta_delete_user", json!({"user": id})).ok();
    assert_eq!(deleted["deleted"]["id"], json!(id));
    let gone = server.call("okta_get_user", json!({"user": id})).err();
    assert!(gone.contains("E0000007"), "{gone}");
}

#[test]
fn create_with_password_and_activation_is_active() {
    let org = Org::start();
    let mut server = org.server(BIN, &["--mode", "read-write"]);
    let user = create(&mut server, true, Some("Sandbox!Passw0rd-2"));
    assert_eq!(user["status"], "ACTIVE");
    let duplicate = server.call(
        "okta_create_user",
        json!({"first_name": "Eve", "last_name": "Dup", "email": "x@example.org", "login": user["login"]}),
    );
    let text = duplicate.err();
    assert!(text.contains("E0000001"), "{text}");
    assert!(text.contains("cause:"), "{text}");
}

#[test]
fn create_validates_before_sending() {
    let org = Org::start();
    let mut server = org.server(BIN, &["--mode", "read-write"]);
    let before = org.request_count();
    let error = server.call("okta_create_user", json!({"first_name": "A", "last_name": "B", "email": "nope"})).err();
    assert!(error.contains("not an email address"), "{error}");
    let error = server
        .call(
            "okta_create_user",
            json!({"first_name": "A", "last_name": "B", "email": "a@b.org", "profile": {"login": "x"}}),
        )
        .err();
    assert!(error.contains("login as its own argument"), "{error}");
    assert_eq!(org.request_count(), before);
}

#[test]
fn unlock_a_locked_out_user() {
    let org = Org::start();
    let mut server = org.server(BIN, &["--mode", "read-write"]);
    let locked = server.call("okta_list_users", json!({"filter": "status eq \"LOCKED_OUT\"", "limit": 200})).ok();
    let rows = rows(&locked);
    let victim = rows.last().expect("a locked-out user in the sandbox");
    let unlocked = server.call("okta_unlock_user", json!({"user": victim["id"]})).ok();
    assert_eq!(unlocked["status_before"], "LOCKED_OUT");
    assert_eq!(unlocked["status_after"], "ACTIVE");
}

#[test]
fn lifecycle_errors_from_okta_are_explained() {
    let org = Org::start();
    let mut server = org.server(BIN, &["--mode", "read-write"]);
    let user = create(&mut server, false, None);
    // Okta refuses to unlock a user who is not locked out; the error carries Okta's code and the request id.
    let error = server.call("okta_unlock_user", json!({"user": user["id"]})).err();
    assert!(error.contains("Okta answered"), "{error}");
    assert!(error.contains("request id:"), "{error}");
    let refused = server.call("okta_unsuspend_user", json!({"user": user["id"]})).err();
    assert!(refused.contains("the user is STAGED"), "{refused}");
}
