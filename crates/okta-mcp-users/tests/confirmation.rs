//! Confirmation end to end, by policy. `elicit` (default): a client that can elicit is asked and only "yes" runs;
//! a client that cannot gets no destructive tools, and is told why. `token` (explicit only): a preview and a
//! token first, a run only on a second call carrying it (bound, single use), and every preview and description
//! says the assistant can complete it. `never` runs at once and says so. Write tools take dry_run; protected
//! objects and super administrators are refused.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use okta_e2e::{Org, Server, accept, unique};
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_okta-mcp-users");

fn server(org: &Org, env: &[(&str, &str)]) -> Server {
    org.server_with(BIN, &["--mode", "full"], env)
}

/// A server whose client cannot elicit (no `elicitation` capability).
fn non_eliciting(org: &Org, env: &[(&str, &str)]) -> Server {
    let mut all = vec![("OKTA_ORG_URL", org.url.as_str()), ("OKTA_API_TOKEN", org.token.as_str())];
    all.extend_from_slice(env);
    Server::start_as(BIN, &["--mode", "full"], &all, json!({}))
}

fn new_active_user(server: &mut Server) -> Value {
    let name = unique("conf");
    let created = server
        .call(
            "okta_create_user",
            json!({"first_name": "Cy", "last_name": name, "email": format!("{name}@example.org"),
                   "password": "Sandbox!Passw0rd-5", "activate": true}),
        )
        .ok();
    created["created"].clone()
}

fn status(server: &mut Server, id: &Value) -> Value {
    server.call("okta_get_user", json!({"user": id})).ok()["status"].clone()
}

#[test]
fn a_client_that_cannot_elicit_gets_no_destructive_tools_and_is_told_why() {
    let org = Org::start();
    let mut server = non_eliciting(&org, &[]);
    let names = server.tool_names();
    assert!(!names.iter().any(|n| n == "okta_suspend_user" || n == "okta_delete_user"), "{names:?}");
    assert!(names.iter().any(|n| n == "okta_unsuspend_user"), "write tools stay: {names:?}");
    let instructions = server.initialize["instructions"].as_str().unwrap();
    assert!(instructions.contains("cannot ask you to confirm"), "{instructions}");
    assert!(instructions.contains("OKTA_MCP_CONFIRM=push"), "{instructions}");
    let log = server.stderr_with("cannot elicit");
    assert!(log.contains("cannot elicit"), "{log}");

    // Calling one anyway (a model that guesses the name) runs nothing, and there is no token to send back.
    let before = org.change_count();
    let answer = server.request_raw(
        "tools/call",
        json!({"name": "okta_suspend_user", "arguments": {"user": "bob.active@example.com"}}),
    );
    let error = answer["error"]["message"].as_str().unwrap_or_default();
    assert!(error.contains("not available"), "{answer}");
    assert!(!answer.to_string().contains("confirmation_token"), "{answer}");
    let with_token = server.request_raw(
        "tools/call",
        json!({"name": "okta_suspend_user",
               "arguments": {"user": "bob.active@example.com", "confirmation_token": "rs1.x.y"}}),
    );
    assert!(with_token.get("error").is_some(), "{with_token}");
    assert_eq!(org.change_count(), before, "nothing reached Okta");
}

#[test]
fn an_eliciting_client_is_asked_and_only_yes_runs() {
    let org = Org::start();
    let mut server = server(&org, &[]);
    let user = new_active_user(&mut server);
    let schema = server.request("tools/list", json!({}));
    let suspend = schema["tools"].as_array().unwrap().iter().find(|t| t["name"] == "okta_suspend_user").unwrap();
    assert!(suspend["inputSchema"]["properties"].get("confirmation_token").is_none(), "no token under elicit");

    let before = org.change_count();
    let declined = server.call("okta_suspend_user", json!({"user": user["id"]})).ok();
    assert_eq!(declined["executed"], false, "{declined}");
    assert_eq!(org.change_count(), before, "a declined change sends nothing");
    let question = server.elicitations.last().unwrap()["params"]["message"].as_str().unwrap().to_owned();
    assert!(question.contains("Suspend user") && question.contains(user["login"].as_str().unwrap()), "{question}");
    assert_eq!(status(&mut server, &user["id"]), "ACTIVE");

    // Under elicit, a token is just an unknown argument.
    let token = server.call("okta_suspend_user", json!({"user": user["id"], "confirmation_token": "x"})).err();
    assert!(token.contains("unknown argument `confirmation_token`"), "{token}");

    server.elicitation_answer = accept();
    let done = server.call("okta_suspend_user", json!({"user": user["id"]})).ok();
    assert_eq!(done["status_after"], "SUSPENDED");
}

#[test]
fn destructive_tools_preview_first_and_run_only_with_the_token() {
    let org = Org::start();
    let mut server = non_eliciting(&org, &[("OKTA_MCP_CONFIRM", "token")]);
    let log = server.stderr_with("OKTA_MCP_CONFIRM=token");
    assert!(log.contains("the assistant can confirm destructive changes itself"), "{log}");
    let tools = server.request("tools/list", json!({}));
    let suspend = tools["tools"].as_array().unwrap().iter().find(|t| t["name"] == "okta_suspend_user").unwrap();
    assert!(suspend["description"].as_str().unwrap().contains("the assistant can complete this confirmation itself"));
    assert!(suspend["inputSchema"]["properties"].get("confirmation_token").is_some());
    let user = new_active_user(&mut server);
    let args = json!({"user": user["id"]});

    let preview = server.call("okta_suspend_user", args.clone()).ok();
    assert_eq!(preview["confirmation_required"], true, "{preview}");
    assert!(preview["warning"].as_str().unwrap().contains("the assistant can complete this confirmation itself"));
    assert!(server.elicitations.is_empty(), "a client that cannot elicit is not asked");
    assert_eq!(preview["preview"]["request"]["method"], "POST");
    assert!(preview["preview"]["request"]["path"].as_str().unwrap().ends_with("/lifecycle/suspend"));
    assert_eq!(preview["preview"]["target_now"]["status"], "ACTIVE");
    assert_eq!(preview["preview"]["target_now"]["login"], user["login"]);
    assert_eq!(status(&mut server, &user["id"]), "ACTIVE", "the preview changed nothing");
    let token = preview["confirmation_token"].as_str().unwrap().to_owned();

    let other = new_active_user(&mut server);
    let wrong = server.call("okta_suspend_user", json!({"user": other["id"], "confirmation_token": token})).err();
    assert!(wrong.contains("does not match"), "{wrong}");
    let wrong_tool =
        server.call("okta_deactivate_user", json!({"user": user["id"], "confirmation_token": token})).err();
    assert!(wrong_tool.contains("does not match"), "{wrong_tool}");
    assert_eq!(status(&mut server, &other["id"]), "ACTIVE");

    let done = server.call("okta_suspend_user", json!({"user": user["id"], "confirmation_token": token})).ok();
    assert_eq!(done["status_after"], "SUSPENDED");
    assert_eq!(status(&mut server, &user["id"]), "SUSPENDED");

    server.call("okta_unsuspend_user", json!({"user": user["id"]})).ok();
    let reused = server.call("okta_suspend_user", json!({"user": user["id"], "confirmation_token": token})).err();
    assert!(reused.contains("already used"), "{reused}");
    assert_eq!(status(&mut server, &user["id"]), "ACTIVE");

    let forged = server.call("okta_suspend_user", json!({"user": user["id"], "confirmation_token": "rs1.x.y"})).err();
    assert!(forged.contains("not executed"), "{forged}");
}

#[test]
fn the_token_policy_still_asks_a_client_that_can_elicit() {
    let org = Org::start();
    let mut server = server(&org, &[("OKTA_MCP_CONFIRM", "token")]);
    let user = new_active_user(&mut server);
    let declined = server.call("okta_suspend_user", json!({"user": user["id"]})).ok();
    assert_eq!(declined["executed"], false, "{declined}");
    assert!(declined.get("confirmation_token").is_none(), "no token for a client that can ask: {declined}");
    assert_eq!(server.elicitations.len(), 1);
    assert_eq!(status(&mut server, &user["id"]), "ACTIVE");
}

#[test]
fn previews_never_show_secrets_and_refusals_come_first() {
    let org = Org::start();
    let mut server = non_eliciting(&org, &[("OKTA_MCP_CONFIRM", "token")]);
    let user = new_active_user(&mut server);
    let preview = server.call("okta_set_password", json!({"user": user["id"], "password": "Secret!Value-9"}));
    assert!(!preview.text.contains("Secret!Value-9"), "{}", preview.text);
    assert_eq!(preview.ok()["preview"]["request"]["body"]["credentials"]["password"]["value"], "[redacted]");
    let mut asking = self::server(&org, &[]);
    asking.call("okta_set_password", json!({"user": user["id"], "password": "Secret!Value-9"})).ok();
    let question = asking.elicitations.last().unwrap().to_string();
    assert!(!question.contains("Secret!Value-9"), "{question}");
    // A lifecycle rule refuses at once, without a token.
    let refused = server.call("okta_delete_user", json!({"user": user["id"]})).err();
    assert!(refused.contains("deactivate"), "{refused}");
}

#[test]
fn write_tools_dry_run_shows_the_request_and_sends_nothing() {
    let org = Org::start();
    let mut server = server(&org, &[]);
    let name = unique("Dry Run ");
    let before = org.request_count();
    let dry = server.call("okta_create_group", json!({"name": name, "dry_run": true})).ok();
    assert_eq!(dry["dry_run"], true);
    assert_eq!(dry["would_send"]["method"], "POST");
    assert_eq!(dry["would_send"]["path"], "/api/v1/groups");
    assert_eq!(dry["would_send"]["body"]["profile"]["name"], json!(name));
    assert_eq!(org.request_count(), before, "a dry run sent a request");
    let listed = server.call("okta_list_groups", json!({"q": name})).ok();
    assert_eq!(listed["count"], 0);
    let bad = server.call("okta_create_group", json!({"name": name, "dry_run": "yes"})).err();
    assert!(bad.contains("dry_run must be true or false"), "{bad}");
}

#[test]
fn protected_objects_and_super_admins_are_refused() {
    let org = Org::start();
    let mut server = server(&org, &[("OKTA_MCP_PROTECTED", "bob.active@example.com,Engineering")]);
    let before = org.request_count();
    let changes_before = org.change_count();
    let bob = server.call("okta_suspend_user", json!({"user": "bob.active@example.com"})).err();
    assert!(bob.contains("is protected"), "{bob}");
    let group = server.call("okta_delete_group", json!({"group_id": "00gengineering000001"})).err();
    assert!(group.contains("is protected"), "{group}");
    let member = server
        .call(
            "okta_remove_user_from_group",
            json!({"group_id": "00gengineering000001", "user": "lucy.locked@example.com"}),
        )
        .err();
    assert!(member.contains("is protected"), "{member}");
    // Alice is a super administrator: protected although nobody named her.
    let alice = server.call("okta_revoke_user_sessions", json!({"user": "alice.active@example.com"})).err();
    assert!(alice.contains("super administrator"), "{alice}");
    assert!(org.request_count() > before);
    assert_eq!(org.change_count(), changes_before, "a refused change reached Okta");
}

#[test]
fn a_super_admin_named_in_unprotected_can_be_acted_on() {
    // With a service app, Alice is only a super administrator: OKTA_MCP_UNPROTECTED lets tools act on her.
    let org = Org::start_oauth_for(BIN);
    let client = org.oauth.clone().unwrap();
    let env = [
        ("OKTA_ORG_URL", org.url.as_str()),
        ("OKTA_CLIENT_ID", client.client_id.as_str()),
        ("OKTA_PRIVATE_KEY", client.private_key.as_str()),
        ("OKTA_KEY_ID", client.key_id.as_str()),
        ("OKTA_DPOP", "never"),
        ("OKTA_MCP_UNPROTECTED", "alice.active@example.com"),
    ];
    let mut server = Server::start(BIN, &["--mode", "full"], &env);
    let declined = server.call("okta_revoke_user_sessions", json!({"user": "alice.active@example.com"})).ok();
    assert_eq!(declined["executed"], false, "{declined}");
    assert_eq!(server.elicitations.len(), 1, "the person was asked: not refused as protected");
}

#[test]
fn the_api_tokens_own_admin_is_protected_whatever_unprotected_says() {
    let org = Org::start();
    let mut server = server(&org, &[("OKTA_MCP_UNPROTECTED", "alice.active@example.com")]);
    let log = server.stderr_with("the admin who owns the API token");
    assert!(log.contains("alice.active@example.com"), "{log}");
    let before = org.change_count();
    for (tool, args) in [
        ("okta_revoke_user_sessions", json!({"user": "alice.active@example.com"})),
        ("okta_update_user", json!({"user": "alice.active@example.com", "profile": {"title": "Former admin"}})),
    ] {
        let refused = server.call_confirmed(tool, args).err();
        assert!(refused.contains("owns this server's API token"), "{tool}: {refused}");
    }
    assert_eq!(org.change_count(), before, "nothing reached Okta");
}

#[test]
fn confirm_never_runs_at_once_and_says_so() {
    let org = Org::start();
    let mut server = non_eliciting(&org, &[("OKTA_MCP_CONFIRM", "never")]);
    let log = server.stderr_with("OKTA_MCP_CONFIRM=never");
    assert!(log.contains("OKTA_MCP_CONFIRM=never"), "{log}");
    let tools = server.request("tools/list", json!({}));
    let suspend = tools["tools"].as_array().unwrap().iter().find(|t| t["name"] == "okta_suspend_user").unwrap();
    assert!(suspend["inputSchema"]["properties"].get("confirmation_token").is_none());
    let user = new_active_user(&mut server);
    let done = server.call("okta_suspend_user", json!({"user": user["id"]})).ok();
    assert_eq!(done["status_after"], "SUSPENDED");
}

#[test]
fn every_destructive_tool_refuses_protected_objects() {
    let org = Org::start();
    let protected = "bob.active@example.com,dan.deprovisioned@example.com,alice.active@example.com,Engineering";
    let mut server = server(&org, &[("OKTA_MCP_PROTECTED", protected)]);
    let changes_before = org.change_count();
    let engineering = "00gengineering000001";
    let cases = [
        ("okta_deactivate_user", json!({"user": "bob.active@example.com"})),
        ("okta_suspend_user", json!({"user": "bob.active@example.com"})),
        ("okta_delete_user", json!({"user": "dan.deprovisioned@example.com"})),
        ("okta_reset_password", json!({"user": "bob.active@example.com"})),
        ("okta_set_password", json!({"user": "bob.active@example.com", "password": "Nope!Passw0rd-1"})),
        ("okta_reset_factor", json!({"user": "alice.active@example.com", "factor_id": "smsalice000000000001"})),
        ("okta_enroll_factor", json!({"user": "bob.active@example.com", "factor_type": "push"})),
        (
            "okta_activate_factor",
            json!({"user": "alice.active@example.com", "factor_id": "smsalice000000000001",
                                        "pass_code": "123456"}),
        ),
        ("okta_revoke_user_sessions", json!({"user": "bob.active@example.com"})),
        ("okta_revoke_session", json!({"session_id": "102alicesession0000000001"})),
        ("okta_delete_group", json!({"group_id": engineering})),
        ("okta_remove_user_from_group", json!({"group_id": engineering, "user": "lucy.locked@example.com"})),
    ];
    let out = std::process::Command::new(BIN).args(["--mode", "full", "tools", "--json"]).output().unwrap();
    let catalog: Value = serde_json::from_slice(&out.stdout).unwrap();
    let destructive: std::collections::BTreeSet<&str> = catalog
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["access"] == "destructive")
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    let covered: std::collections::BTreeSet<&str> = cases.iter().map(|(name, _)| *name).collect();
    assert_eq!(covered, destructive, "every destructive tool has a protected-object case");
    for (tool, args) in cases {
        let error = server.call(tool, args).err();
        assert!(error.contains("is protected"), "{tool}: {error}");
        assert!(error.contains("Nothing was changed"), "{tool}: {error}");
    }
    assert_eq!(org.change_count(), changes_before, "a refused change reached Okta");
}
