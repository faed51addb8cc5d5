//! The HTTP transport end to end: the real binary serving streamable HTTP against a sandbox org.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use okta_e2e::Org;
use okta_e2e::http::{HttpServer, request};
use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_okta-mcp-users");

fn initialize_message() -> serde_json::Value {
    json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
           "params": {"protocolVersion": "2025-11-25", "capabilities": {},
                      "clientInfo": {"name": "e2e", "version": "1"}}})
}

#[test]
fn mcp_health_and_metrics_over_http() {
    let org = Org::start();
    let mut server = HttpServer::start(&org, BIN, &[], &[]);
    assert_eq!(server.get("/healthz").json()["status"], "ok");
    let ready = server.get("/readyz");
    assert_eq!(ready.status, 200, "{}", ready.body);

    let init = server.initialize(json!({}));
    assert_eq!(init["serverInfo"]["name"], "okta-mcp-users");
    let tools = server.tool_names();
    assert!(tools.contains(&"okta_list_users".to_owned()), "{tools:?}");
    let page = server.call("okta_list_users", json!({"limit": 2}));
    assert_ne!(page["isError"], true, "{page}");
    let text: serde_json::Value = serde_json::from_str(page["content"][0]["text"].as_str().unwrap()).unwrap();
    assert_eq!(text["count"], 2);
    assert!(text["next_cursor"].is_string(), "{text}");

    // Stateless: a session id a platform put in front is tolerated, and the call still works.
    let call = json!({"jsonrpc": "2.0", "id": 9, "method": "tools/call",
                      "params": {"name": "okta_list_users", "arguments": {"limit": 1}}});
    let answer = server.post(&call, &[("Mcp-Session-Id", "injected-by-a-platform")]);
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert!(answer.message()["result"]["content"].is_array(), "{}", answer.body);

    let metrics = server.get("/metrics");
    assert_eq!(metrics.status, 200);
    assert!(
        metrics.body.contains("okta_mcp_tool_calls_total{tool=\"okta_list_users\",outcome=\"executed\"} 2"),
        "{}",
        metrics.body
    );
    assert!(
        metrics.body.contains("okta_mcp_okta_requests_total{method=\"GET\",endpoint=\"/api/v1/users\",status=\"200\"}"),
        "{}",
        metrics.body
    );
    assert!(metrics.body.contains("okta_mcp_okta_rate_limit_remaining"), "{}", metrics.body);
}

#[test]
fn foreign_hosts_and_origins_get_nothing() {
    let org = Org::start();
    let server = HttpServer::start(&org, BIN, &[], &[]);
    let before = org.request_count();
    let body = initialize_message().to_string();
    let mcp = |headers: &[(&str, &str)]| {
        let mut all = vec![("Content-Type", "application/json"), ("Accept", "application/json, text/event-stream")];
        all.extend_from_slice(headers);
        request(&server.addr, "POST", "/mcp", &all, Some(&body))
    };
    // DNS rebinding: a name that resolves to this machine but is not one the server answers to.
    assert_eq!(mcp(&[("Host", "attacker.example:8080")]).status, 403);
    // A page on another site driving the person's browser.
    assert_eq!(mcp(&[("Origin", "https://attacker.example")]).status, 403);
    // Probes and scrapers reach the operational endpoints by the instance's own address; browsers still cannot.
    assert_eq!(request(&server.addr, "GET", "/healthz", &[("Host", "10.1.2.3:8080")], None).status, 200);
    assert_eq!(request(&server.addr, "GET", "/metrics", &[("Origin", "https://attacker.example")], None).status, 403);
    // The server's own origin is fine.
    let own = format!("http://{}", server.addr);
    assert_eq!(mcp(&[("Origin", own.as_str())]).status, 200);
    assert_eq!(org.request_count(), before, "refused requests send nothing to Okta");
}

#[test]
fn oversized_requests_are_refused() {
    let org = Org::start();
    let server = HttpServer::start(&org, BIN, &[], &[]);
    let big = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                     "params": {"name": "okta_list_users", "arguments": {"search": "x".repeat(2 * 1024 * 1024)}}});
    let answer = request(
        &server.addr,
        "POST",
        "/mcp",
        &[("Content-Type", "application/json"), ("Accept", "application/json, text/event-stream")],
        Some(&big.to_string()),
    );
    assert_eq!(answer.status, 413, "{}", answer.body);
}

#[test]
fn non_loopback_needs_inbound_auth() {
    let org = Org::start();
    let log = HttpServer::try_start(&org, BIN, &["--listen", "0.0.0.0:0"], &[]).expect_err("refused to start");
    assert!(log.contains("refusing to listen on 0.0.0.0:0 without inbound auth"), "{log}");
}

#[test]
fn destructive_tools_wait_for_a_client_that_can_confirm() {
    // A stateless 2025-era client cannot be asked (no session for elicitation/create): destructive tools are
    // not listed, and calling one is refused with what to change.
    let org = Org::start();
    let mut server = HttpServer::start(&org, BIN, &["--mode", "full"], &[]);
    server.initialize(json!({"elicitation": {}}));
    let tools = server.tool_names();
    assert!(tools.contains(&"okta_unlock_user".to_owned()), "write tools stay: {tools:?}");
    assert!(!tools.contains(&"okta_delete_user".to_owned()), "{tools:?}");
    let before = org.change_count();
    let answer =
        server.rpc("tools/call", json!({"name": "okta_delete_user", "arguments": {"user": "00ualiceactive000001"}}));
    assert!(answer.to_string().contains("not available"), "{answer}");
    assert_eq!(org.change_count(), before);
}

#[cfg(unix)]
#[test]
fn sigterm_lets_calls_in_flight_finish() {
    // A slow org: the call is still running when the signal arrives.
    let org = Org::spawn(&["--latency-ms", "1500"]);
    let mut server = HttpServer::start(&org, BIN, &[], &[]);
    server.initialize(json!({}));
    let addr = server.addr.clone();
    let call = std::thread::spawn(move || {
        let message = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                             "params": {"name": "okta_list_users", "arguments": {"limit": 1}}});
        request(
            &addr,
            "POST",
            "/mcp",
            &[
                ("Content-Type", "application/json"),
                ("Accept", "application/json, text/event-stream"),
                ("MCP-Protocol-Version", "2025-11-25"),
            ],
            Some(&message.to_string()),
        )
    });
    std::thread::sleep(std::time::Duration::from_millis(500));
    let status = server.terminate();
    let answer = call.join().unwrap();
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert!(answer.message()["result"]["content"].is_array(), "{}", answer.body);
    assert!(status.success(), "{status:?}\n{}", server.stderr_text());
    assert!(server.stderr_text().contains("shutting down"), "{}", server.stderr_text());
}

#[test]
fn replicas_with_one_state_key_finish_each_others_confirmations() {
    // Two replicas behind a load balancer: the 2026-07-28 confirmation starts on one and finishes on the other.
    // Its own org: it suspends a user other tests read.
    let org = Org::spawn(&[]);
    let db = std::env::temp_dir().join(format!("{}.db", okta_e2e::unique("okta-e2e-shared-audit-")));
    let db = db.to_str().unwrap().to_owned();
    let key = "ab".repeat(32);
    let env = [("OKTA_MCP_STATE_KEY", key.as_str()), ("OKTA_MCP_AUDIT_DB", db.as_str())];
    let mut a = HttpServer::start(&org, BIN, &["--mode", "full"], &env);
    let mut b = HttpServer::start(&org, BIN, &["--mode", "full"], &env);
    let other_key = "cd".repeat(32);
    let mut c = HttpServer::start(&org, BIN, &["--mode", "full"], &[("OKTA_MCP_STATE_KEY", other_key.as_str())]);
    let user = json!({"user": "00ubobactive00000001"});

    let asked = a.call_2026("okta_suspend_user", user.clone(), json!({}));
    assert_eq!(asked["result"]["resultType"], "input_required", "{asked}");
    let state = asked["result"]["requestState"].clone();
    let accept = json!({"inputResponses": {"confirm": {"action": "accept", "content": {"confirm": true}}},
                        "requestState": state});
    // A replica with another key cannot finish it.
    let refused = c.call_2026("okta_suspend_user", user.clone(), accept.clone());
    assert!(refused.to_string().contains("not executed"), "{refused}");
    // The same answer for other arguments is refused too.
    let other = b.call_2026("okta_suspend_user", json!({"user": "00ualiceactive000001"}), accept.clone());
    assert!(other.to_string().contains("not executed"), "{other}");
    let before = org.change_count();
    let done = b.call_2026("okta_suspend_user", user.clone(), accept.clone());
    assert_ne!(done["result"]["isError"], true, "{done}");
    assert_eq!(org.change_count(), before + 1, "{done}");
    // One confirmation runs one call, whichever replica it reaches again.
    for replica in [&mut a, &mut b] {
        let again = replica.call_2026("okta_suspend_user", user.clone(), accept.clone());
        assert!(again.to_string().contains("already used"), "{again}");
    }
    assert_eq!(org.change_count(), before + 1);
    let now = a.call("okta_get_user", user);
    assert!(now["content"][0]["text"].as_str().unwrap().contains("SUSPENDED"), "{now}");
}
