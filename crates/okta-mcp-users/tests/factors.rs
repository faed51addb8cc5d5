//! MFA factors end to end: list, read, the catalog, enroll → activate → verify → reset.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use okta_e2e::{Org, Server, rows, unique};
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_okta-mcp-users");

const PASSCODE: &str = "123456";

fn new_active_user(server: &mut Server) -> String {
    let name = unique("mfa");
    let created = server
        .call(
            "okta_create_user",
            json!({"first_name": "Mo", "last_name": name, "email": format!("{name}@example.org"),
                   "password": "Sandbox!Passw0rd-4", "activate": true}),
        )
        .ok();
    created["created"]["id"].as_str().unwrap().to_owned()
}

#[test]
fn seeded_factors_can_be_listed_and_read() {
    let org = Org::start();
    let mut server = org.server(BIN, &[]);
    let active = server.call("okta_list_users", json!({"filter": "status eq \"ACTIVE\"", "limit": 20})).ok();
    let mut found = None;
    for row in rows(&active) {
        let factors = server.call("okta_list_user_factors", json!({"user": row["login"]})).ok();
        if factors["count"].as_u64().unwrap() > 0 {
            found = Some((row["id"].clone(), factors));
            break;
        }
    }
    let (user, factors) = found.expect("an active user with factors");
    let first = &factors["factors"][0];
    assert!(first["factorType"].is_string() && first["status"].is_string());
    let factor = server.call("okta_get_factor", json!({"user": user, "factor_id": first["id"]})).ok();
    assert_eq!(factor["id"], first["id"]);
    let catalog = server.call("okta_list_supported_factors", json!({"user": user})).ok();
    assert!(catalog["count"].as_u64().unwrap() > 0);
}

#[test]
fn enroll_activate_verify_and_reset() {
    let org = Org::start();
    let mut server = org.server(BIN, &["--mode", "full"]);
    let user = new_active_user(&mut server);
    let before = org.request_count();
    let missing = server.call_confirmed("okta_enroll_factor", json!({"user": user, "factor_type": "sms"})).err();
    assert!(missing.contains("phone_number is required"), "{missing}");
    assert_eq!(org.request_count(), before);

    let enrolled = server
        .call_confirmed(
            "okta_enroll_factor",
            json!({"user": user, "factor_type": "sms", "phone_number": "+15555550100"}),
        )
        .ok();
    let factor = &enrolled["enrolled"];
    assert_eq!(factor["status"], "PENDING_ACTIVATION");
    let fid = factor["id"].as_str().unwrap().to_owned();

    let wrong = server
        .call_confirmed("okta_activate_factor", json!({"user": user, "factor_id": fid, "pass_code": "000000"}))
        .err();
    assert!(wrong.contains("Okta answered 403"), "{wrong}");
    let activated = server
        .call_confirmed("okta_activate_factor", json!({"user": user, "factor_id": fid, "pass_code": PASSCODE}))
        .ok();
    assert_eq!(activated["activated"]["status"], "ACTIVE");

    let verified =
        server.call("okta_verify_factor", json!({"user": user, "factor_id": fid, "pass_code": PASSCODE})).ok();
    assert_eq!(verified["factorResult"], "SUCCESS");

    let totp = server.call_confirmed("okta_enroll_factor", json!({"user": user, "factor_type": "token:software:totp"}));
    assert!(!totp.text.contains("sharedSecret"), "a TOTP seed leaked: {}", totp.text);
    totp.ok();

    server.call_confirmed("okta_reset_factor", json!({"user": user, "factor_id": fid})).ok();
    let listed = server.call("okta_list_user_factors", json!({"user": user})).ok();
    assert!(listed["factors"].as_array().unwrap().iter().all(|f: &Value| f["id"] != json!(fid)));
}

#[test]
fn enrolling_or_activating_a_factor_is_destructive() {
    // Whoever holds the enrolled phone, address or app signs in as the user: read-write does not enable these.
    let org = Org::start();
    let mut server = org.server(BIN, &["--mode", "read-write"]);
    let names = server.tool_names();
    assert!(!names.iter().any(|n| n == "okta_enroll_factor" || n == "okta_activate_factor"), "{names:?}");
    assert!(names.iter().any(|n| n == "okta_verify_factor"), "{names:?}");
    let before = org.change_count();
    let refused = server.request_raw(
        "tools/call",
        json!({"name": "okta_enroll_factor", "arguments": {"user": "x", "factor_type": "push"}}),
    );
    assert!(refused["error"]["message"].as_str().unwrap().contains("not enabled"), "{refused}");
    assert_eq!(org.change_count(), before);
    // In full mode a person is asked first: declining enrols nothing.
    let mut full = org.server(BIN, &["--mode", "full"]);
    let user = new_active_user(&mut full);
    let before = org.change_count();
    full.call("okta_enroll_factor", json!({"user": user, "factor_type": "push"}));
    assert_eq!(full.elicitations.len(), 1, "a person was asked");
    assert_eq!(org.change_count(), before);
}
