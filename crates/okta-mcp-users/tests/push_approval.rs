//! Push approval end to end (`OKTA_MCP_CONFIRM=push`): a destructive call runs only when the approver
//! (`OKTA_MCP_APPROVER`) approves the Okta Verify push on their phone, which the sandbox simulates
//! (`/__sandbox/push`). Works with a client that cannot elicit; a rejection or a timeout runs nothing; the call
//! waits for the phone; nothing the assistant sends can approve; a missing approver stops the server at startup
//! and an approver without a push factor refuses the call.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use okta_e2e::{Org, Server, unique};
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_okta-mcp-users");
const ALICE: &str = "alice.active@example.com";
/// Alice's Okta Verify push factor in the sandbox.
const ALICE_PUSH: &str = "opfalice000000000001";

/// A server under push approval whose client cannot elicit.
fn push_server(org: &Org, approver: &str, extra: &[(&str, &str)]) -> Server {
    let mut env = vec![
        ("OKTA_ORG_URL", org.url.as_str()),
        ("OKTA_API_TOKEN", org.token.as_str()),
        ("OKTA_MCP_CONFIRM", "push"),
        ("OKTA_MCP_APPROVER", approver),
    ];
    env.extend_from_slice(extra);
    Server::start_as(BIN, &["--mode", "full"], &env, json!({}))
}

fn new_active_user(server: &mut Server) -> Value {
    let name = unique("push");
    let created = server
        .call(
            "okta_create_user",
            json!({"first_name": "Pat", "last_name": name, "email": format!("{name}@example.org"),
                   "password": "Sandbox!Passw0rd-5", "activate": true}),
        )
        .ok();
    created["created"].clone()
}

fn status(server: &mut Server, id: &Value) -> Value {
    server.call("okta_get_user", json!({"user": id})).ok()["status"].clone()
}

/// Start `okta_suspend_user` with a progress token; the answer comes later (`Server::finish_call`).
fn start_suspend(server: &mut Server, user: &Value) -> u64 {
    server.start_request(
        "tools/call",
        json!({"name": "okta_suspend_user", "arguments": {"user": user["id"]}, "_meta": {"progressToken": "p1"}}),
    )
}

/// The sandbox's push transactions not in `seen` (a contract run shares one sandbox between tests).
fn transactions(org: &Org, seen: &[Value]) -> Vec<Value> {
    let all = org.control_get("/__sandbox/push")["transactions"].as_array().cloned().unwrap_or_default();
    all.into_iter().filter(|t| !seen.iter().any(|s| s["id"] == t["id"])).collect()
}

/// The messages of the progress notifications sent for progress token `p1`.
fn progress_messages(server: &Server) -> Vec<String> {
    server
        .notifications
        .iter()
        .filter(|n| n["method"] == "notifications/progress" && n["params"]["progressToken"] == "p1")
        .filter_map(|n| n["params"]["message"].as_str().map(str::to_owned))
        .collect()
}

#[test]
fn a_client_that_cannot_elicit_runs_a_change_the_approver_approves() {
    let org = Org::start();
    let mut server = push_server(&org, ALICE, &[]);
    let names = server.tool_names();
    assert!(names.iter().any(|n| n == "okta_suspend_user"), "destructive tools are listed under push: {names:?}");
    let log = server.stderr_with("Okta Verify push to");
    assert!(log.contains(&format!("Okta Verify push to {ALICE}")), "{log}");
    let tools = server.request("tools/list", json!({}));
    let suspend = tools["tools"].as_array().unwrap().iter().find(|t| t["name"] == "okta_suspend_user").unwrap();
    assert!(suspend["inputSchema"]["properties"].get("confirmation_token").is_none(), "no token under push");

    let user = new_active_user(&mut server);
    let seen = transactions(&org, &[]);
    // The model cannot answer with a token: under push it is an unknown argument, and nothing is sent.
    let before = org.change_count();
    let token = server.call("okta_suspend_user", json!({"user": user["id"], "confirmation_token": "rs1.x.y"})).err();
    assert!(token.contains("unknown argument `confirmation_token`"), "{token}");
    assert_eq!(org.change_count(), before, "a refused argument sent nothing");
    assert!(transactions(&org, &seen).is_empty(), "no push was sent");

    org.control_post("/__sandbox/push", json!({"answer": "approve"}));
    let call = start_suspend(&mut server, &user);
    let done = server.finish_call(call).ok();
    assert_eq!(done["status_after"], "SUSPENDED", "{done}");
    assert_eq!(status(&mut server, &user["id"]), "SUSPENDED");
    let sent = transactions(&org, &seen);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0]["factorId"], ALICE_PUSH);
    assert_eq!(sent[0]["factorResult"], "SUCCESS");

    // The person sees who is asked and what they approve.
    let messages = progress_messages(&server);
    let login = user["login"].as_str().unwrap();
    assert!(
        messages.iter().any(|m| m.contains(ALICE) && m.contains("Suspend user") && m.contains(login)),
        "{messages:?}"
    );
    assert!(messages.iter().any(|m| m.contains("waiting for their approval")), "{messages:?}");
}

#[test]
fn a_rejected_or_timed_out_push_runs_nothing() {
    let org = Org::start();
    let mut server = push_server(&org, ALICE, &[]);
    let user = new_active_user(&mut server);
    for (answer, says) in [("reject", "rejected"), ("timeout", "timed out")] {
        org.control_post("/__sandbox/push", json!({"answer": answer}));
        let before = org.change_count();
        let call = start_suspend(&mut server, &user);
        let result = server.finish_call(call);
        assert!(result.text.contains(says), "{answer}: {}", result.text);
        assert_eq!(result.json()["executed"], false, "{answer}");
        // The push itself (POST .../verify) is the only change that reached Okta.
        assert_eq!(org.change_count(), before + 1, "{answer}: only the push was sent");
        assert_eq!(status(&mut server, &user["id"]), "ACTIVE", "{answer}");
    }
}

#[test]
fn the_call_waits_for_the_phone_and_the_assistant_cannot_answer_it() {
    let org = Org::start();
    // Alice is a super administrator, protected by default; unprotected here so the assistant's own factor
    // verify call really reaches Okta (and still cannot answer the pending push).
    let mut server = push_server(&org, ALICE, &[("OKTA_MCP_UNPROTECTED", ALICE)]);
    let user = new_active_user(&mut server);
    let seen = transactions(&org, &[]);
    org.control_post("/__sandbox/push", json!({"answer": "wait"}));
    let call = start_suspend(&mut server, &user);

    let deadline = Instant::now() + Duration::from_secs(30);
    let pending = loop {
        let waiting = transactions(&org, &seen).into_iter().find(|t| t["factorResult"] == "WAITING");
        if let Some(t) = waiting {
            break t["id"].as_str().unwrap().to_owned();
        }
        assert!(Instant::now() < deadline, "no push was sent");
        std::thread::sleep(Duration::from_millis(50));
    };
    // Well past the first poll: the call is still waiting, nothing has changed.
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(status(&mut server, &user["id"]), "ACTIVE", "nothing runs before the approval");

    // The assistant cannot even send the approver a push of its own: the approver is protected.
    let own = server.call("okta_verify_factor", json!({"user": ALICE, "factor_id": ALICE_PUSH})).err();
    assert!(own.contains("is protected"), "{own}");
    let now = transactions(&org, &seen);
    assert_eq!(now.len(), 1, "{now:?}");
    assert!(now.iter().all(|t| t["factorResult"] == "WAITING"), "{now:?}");
    assert_eq!(status(&mut server, &user["id"]), "ACTIVE");

    // The person approves that push on their phone: the waiting call runs.
    let answered = org.control_post("/__sandbox/push", json!({"answer": "approve", "transaction": pending}));
    assert_eq!(answered["answer"], "approve", "{answered}");
    let done = server.finish_call(call).ok();
    assert_eq!(done["status_after"], "SUSPENDED", "{done}");
    assert_eq!(status(&mut server, &user["id"]), "SUSPENDED");
    let messages = progress_messages(&server);
    assert!(messages.iter().any(|m| m.contains("waiting for their approval")), "{messages:?}");
}

#[test]
fn push_without_an_approver_does_not_start() {
    let org = Org::start();
    let audit = std::env::temp_dir().join(format!("{}.db", unique("push-audit-")));
    let out = Command::new(BIN)
        .args(["--mode", "full"])
        .env_remove("OKTA_MCP_APPROVER")
        .env_remove("OKTA_CLIENT_ID")
        .env("OKTA_ORG_URL", &org.url)
        .env("OKTA_API_TOKEN", &org.token)
        .env("OKTA_MCP_CONFIRM", "push")
        .env("OKTA_MCP_AUDIT_DB", &audit)
        .env("OKTA_MCP_LOG", "warn")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("OKTA_MCP_APPROVER"), "{stderr}");
}

#[test]
fn an_approver_without_a_push_factor_refuses_the_call() {
    let org = Org::start();
    let mut server = push_server(&org, "bob.active@example.com", &[]);
    let user = new_active_user(&mut server);
    let before = org.change_count();
    let refused = server.call("okta_suspend_user", json!({"user": user["id"]})).err();
    assert!(refused.contains("no active Okta Verify push factor"), "{refused}");
    assert!(refused.contains("bob.active@example.com"), "{refused}");
    assert_eq!(org.change_count(), before, "no push, no change");
    assert_eq!(status(&mut server, &user["id"]), "ACTIVE");
}

#[test]
fn push_asks_for_the_scopes_it_needs() {
    // The groups toolset alone needs no okta.users.manage; push approval does (it sends the push).
    let scopes = |confirm: &str| {
        let out = Command::new(BIN)
            .args(["--mode", "full", "--toolsets", "groups", "scopes"])
            .env_remove("OKTA_SCOPES")
            .env("OKTA_MCP_CONFIRM", confirm)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap().lines().map(str::to_owned).collect::<Vec<_>>()
    };
    let elicit = scopes("elicit");
    assert!(!elicit.iter().any(|s| s == "okta.users.manage"), "{elicit:?}");
    let push = scopes("push");
    for scope in ["okta.users.read", "okta.users.manage", "okta.groups.manage"] {
        assert!(push.iter().any(|s| s == scope), "{scope}: {push:?}");
    }
}
