//! A blocklist zone, or a zone that covers every address, is destructive by its effect: refused outside
//! --mode full (nothing sent); an ordinary policy zone stays a write.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use okta_e2e::{Org, unique};
use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_okta-mcp-policy");

#[test]
fn blocklist_and_every_address_zones_are_refused_outside_full_mode() {
    let org = Org::start();
    let mut server = org.server(BIN, &["--mode", "read-write"]);
    let before = org.change_count();
    let blocklist = json!({"type": "IP", "name": unique("block"), "gateways": ["203.0.113.7"], "usage": "BLOCKLIST"});
    let everyone = json!({"type": "IP", "name": unique("all"), "gateways": ["0.0.0.0/1", "128.0.0.0/1"]});
    for args in [blocklist, everyone] {
        let refused = server.call("okta_create_network_zone", args.clone()).err();
        assert!(refused.contains("--mode full"), "{args}: {refused}");
    }
    assert_eq!(org.change_count(), before, "nothing was sent");
    let policy = json!({"type": "IP", "name": unique("office"), "gateways": ["198.51.100.0/24"]});
    server.call("okta_create_network_zone", policy).ok();
}

#[test]
fn telephony_hooks_are_refused_outside_full_mode() {
    let org = Org::start();
    let mut server = org.server(BIN, &["--mode", "read-write"]);
    let before = org.change_count();
    let refused = server
        .call(
            "okta_create_inline_hook",
            json!({"name": unique("sms"), "type": "com.okta.telephony.provider", "uri": "https://sms.example.org/hook"}),
        )
        .err();
    assert!(refused.contains("--mode full"), "{refused}");
    assert_eq!(org.change_count(), before, "nothing was sent");
}
