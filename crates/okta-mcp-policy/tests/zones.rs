//! Network zones end to end: IP and dynamic zones, updates that keep the rest, lifecycle, and deletes that
//! follow Okta's rules (INACTIVE only, not system zones, not zones a policy uses).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use okta_e2e::{Org, rows, unique};
use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_okta-mcp-policy");

#[test]
fn zones_end_to_end() {
    let org = Org::start();
    let mut server = org.server(BIN, &["--mode", "full"]);
    let list = server.call("okta_list_network_zones", json!({})).ok();
    let all = rows(&list);
    assert!(all.iter().any(|z| z["name"] == "Corporate Network" && z["type"] == "IP"));
    assert!(all.iter().any(|z| z["type"] == "DYNAMIC"));
    let system = server.call("okta_list_network_zones", json!({"filter": "system eq true"})).ok();
    assert!(rows(&system).iter().all(|z| z["system"] == true) && system["count"].as_u64().unwrap() >= 2);
    let e = server.call("okta_list_network_zones", json!({"filter": "system eq"})).err();
    assert!(e.contains("E0000031"), "{e}");
    let corp = server.call("okta_get_network_zone", json!({"zone_id": "nzocorporate00000001"})).ok();
    assert_eq!(corp["gateways"][0]["value"], "198.51.100.0/24");

    let name = unique("E2E Office ");
    let created = server
        .call(
            "okta_create_network_zone",
            json!({"type": "IP", "name": name, "gateways": ["192.0.2.0/24", "192.0.2.200"], "proxies": ["192.0.2.1"]}),
        )
        .ok();
    let id = created["created"]["id"].as_str().unwrap().to_owned();
    let geo = server
        .call(
            "okta_create_network_zone",
            json!({"type": "DYNAMIC", "name": unique("E2E Geo "), "locations": ["US-CA", "DE"]}),
        )
        .ok();
    let geo_id = geo["created"]["id"].as_str().unwrap().to_owned();
    let before = org.request_count();
    for (args, wanted) in [
        (json!({"type": "IP", "name": "x", "gateways": ["example.com"]}), "not an IP address"),
        (json!({"type": "IP", "name": "x"}), "needs gateways"),
        (json!({"type": "DYNAMIC", "name": "x", "gateways": ["1.2.3.4"]}), "IP zones only"),
        (json!({"type": "DYNAMIC", "name": "x", "locations": ["usa"]}), "ISO country"),
    ] {
        let e = server.call("okta_create_network_zone", args).err();
        assert!(e.contains(wanted), "{e}");
    }
    assert_eq!(org.request_count(), before, "nothing reached Okta");

    let up = server.call("okta_update_network_zone", json!({"zone_id": id, "gateways": ["192.0.2.0/25"]})).ok();
    assert!(up["changed"].as_object().unwrap().keys().all(|k| k.starts_with("gateways")), "{up}");
    let after = server.call("okta_get_network_zone", json!({"zone_id": id})).ok();
    assert_eq!(after["proxies"][0]["value"], "192.0.2.1/32", "proxies kept");
    let e = server.call("okta_update_network_zone", json!({"zone_id": geo_id, "gateways": ["1.2.3.4"]})).err();
    assert!(e.contains("DYNAMIC zone"), "{e}");

    let e = server.call_confirmed("okta_delete_network_zone", json!({"zone_id": id})).err();
    assert!(e.contains("it is ACTIVE") && e.contains("okta_deactivate_network_zone"), "{e}");
    let e = server.call_confirmed("okta_delete_network_zone", json!({"zone_id": "nzolegacyipzone00001"})).err();
    assert!(e.contains("system zone"), "{e}");
    let out = server.call_confirmed("okta_deactivate_network_zone", json!({"zone_id": id})).ok();
    assert_eq!(out["status_after"], "INACTIVE");
    let out = server.call("okta_activate_network_zone", json!({"zone_id": id})).ok();
    assert_eq!(out["status_after"], "ACTIVE");
    server.call_confirmed("okta_deactivate_network_zone", json!({"zone_id": id})).ok();
    server.call_confirmed("okta_delete_network_zone", json!({"zone_id": id})).ok();
    let gone = server.call("okta_get_network_zone", json!({"zone_id": id})).err();
    assert!(gone.contains("E0000007"), "{gone}");
}

#[test]
fn a_zone_a_policy_uses_cannot_be_deleted() {
    // Its own org: deactivating the corporate zone would change what other tests see.
    let org = Org::spawn(&[]);
    let mut server = org.server(BIN, &["--mode", "full"]);
    server.call_confirmed("okta_deactivate_network_zone", json!({"zone_id": "nzocorporate00000001"})).ok();
    let e = server.call_confirmed("okta_delete_network_zone", json!({"zone_id": "nzocorporate00000001"})).err();
    assert!(e.contains("used by policy rules") && e.contains("Finance apps"), "{e}");
}
