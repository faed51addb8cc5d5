//! Org policies end to end: list by type, readable rules ("which policy rules allow access from outside the
//! corporate zone"), full JSON on request, and policy lifecycle (default policies stay active).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use okta_e2e::{Org, rows};
use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_okta-mcp-policy");
const FINANCE: &str = "00pfinanceapps000001";
const CORPORATE: &str = "nzocorporate00000001";

#[test]
fn each_type_lists_with_readable_rules() {
    let org = Org::start();
    let mut server = org.server(BIN, &[]);
    for kind in ["OKTA_SIGN_ON", "PASSWORD", "MFA_ENROLL", "ACCESS_POLICY", "PROFILE_ENROLLMENT"] {
        let list = server.call("okta_list_policies", json!({"type": kind})).ok();
        let all = rows(&list);
        assert!(all.iter().any(|p| p["system"] == true), "{kind}: {list}");
        let first = all[0]["id"].as_str().unwrap().to_owned();
        let rules = server.call("okta_list_org_policy_rules", json!({"policy_id": first})).ok();
        assert!(rules["count"].as_u64().unwrap() >= 1, "{kind}: {rules}");
        assert!(rows(&rules).iter().all(|r| r["actions"].is_string()), "{rules}");
    }
    let e = server.call("okta_list_policies", json!({"type": "NOPE"})).err();
    assert!(e.contains("invalid arguments"), "{e}");

    // "which policy rules allow access from outside the corporate zone"
    let mut outside = Vec::new();
    for kind in ["OKTA_SIGN_ON", "ACCESS_POLICY"] {
        for p in rows(&server.call("okta_list_policies", json!({"type": kind})).ok()) {
            let rules = server.call("okta_list_org_policy_rules", json!({"policy_id": p["id"]})).ok();
            for r in rows(&rules) {
                let c = r["conditions"].as_str().unwrap();
                if c.contains(&format!("outside zones {CORPORATE}"))
                    && r["actions"].as_str().unwrap().starts_with("ALLOW")
                {
                    outside.push(r["name"].as_str().unwrap().to_owned());
                }
            }
        }
    }
    assert_eq!(outside, ["MFA off the corporate network", "Outside corporate network: MFA"]);

    let p = server.call("okta_get_policy", json!({"policy_id": FINANCE})).ok();
    assert_eq!(p["type"], "ACCESS_POLICY");
    assert_eq!(p["conditions"], "none (applies to everyone)");
    let full = server.call("okta_get_policy", json!({"policy_id": FINANCE, "detail": true})).ok();
    assert!(full.get("created").is_some() && full.get("_links").is_none());
    let r =
        server.call("okta_get_org_policy_rule", json!({"policy_id": FINANCE, "rule_id": "0prfinanceoffnet0001"})).ok();
    assert_eq!(r["actions"], "ALLOW; 2FA; re-authenticate every PT2H");
    let r = server
        .call(
            "okta_get_org_policy_rule",
            json!({"policy_id": FINANCE, "rule_id": "0prfinanceoffnet0001", "detail": true}),
        )
        .ok();
    assert_eq!(r["conditions"]["network"]["exclude"], json!([CORPORATE]));
    let pw =
        rows(&server.call("okta_list_policies", json!({"type": "PASSWORD", "detail": true, "limit": 5})).ok_or_items());
    assert!(!pw.is_empty());
    let e = server.call("okta_get_policy", json!({"policy_id": "00pnope"})).err();
    assert!(e.contains("E0000007"), "{e}");
}

trait ItemsOrRows {
    fn ok_or_items(self) -> serde_json::Value;
}

impl ItemsOrRows for okta_e2e::CallResult {
    /// A detail list as columns+rows with one column `id` (for `rows`).
    fn ok_or_items(self) -> serde_json::Value {
        let v = self.ok();
        let ids: Vec<serde_json::Value> = v["items"].as_array().unwrap().iter().map(|i| json!([i["id"]])).collect();
        json!({"columns": ["id"], "rows": ids})
    }
}

#[test]
fn lifecycle_keeps_default_policies_active() {
    let org = Org::start();
    let mut server = org.server(BIN, &["--mode", "full"]);
    let list = server.call("okta_list_policies", json!({"type": "MFA_ENROLL"})).ok();
    let default = rows(&list).into_iter().find(|p| p["system"] == true).unwrap();
    let before = org.change_count();
    let e = server.call_confirmed("okta_deactivate_policy", json!({"policy_id": default["id"]})).err();
    assert!(e.contains("default policy"), "{e}");
    assert_eq!(org.change_count(), before);

    let again = server.call("okta_activate_policy", json!({"policy_id": FINANCE})).ok();
    assert!(again["result"].as_str().unwrap().contains("already ACTIVE"));
    let out = server.call_confirmed("okta_deactivate_policy", json!({"policy_id": FINANCE})).ok();
    assert_eq!(out["status_after"], "INACTIVE");
    let inactive = server.call("okta_list_policies", json!({"type": "ACCESS_POLICY", "status": "INACTIVE"})).ok();
    assert!(rows(&inactive).iter().any(|p| p["id"] == FINANCE));
    let out = server.call("okta_activate_policy", json!({"policy_id": FINANCE})).ok();
    assert_eq!(out["status_after"], "ACTIVE");
}
