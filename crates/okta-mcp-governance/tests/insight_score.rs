//! "How risky is this person's access, and why?" (okta_iga_score_user_risk): a score out of 100 whose every
//! factor shows its value, weight, points and rule; Lucy (locked out, failed sign-ins), Alice (super admin),
//! Carol before and after she holds both sides of a separation-of-duties rule; without the governance license
//! the governance factors are unknown, say why, and are not scored.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use okta_e2e::{Org, Server};
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_okta-mcp-governance");
const FACTORS: [&str; 8] = [
    "admin_roles",
    "sod_violations",
    "grants_vs_peers",
    "failed_sign_ins",
    "mfa",
    "days_since_last_sign_in",
    "status",
    "apps_outside_groups",
];

fn score(server: &mut Server, user: &str) -> Value {
    server.call("okta_iga_score_user_risk", json!({"user": user})).ok()
}

fn factor<'a>(out: &'a Value, name: &str) -> &'a Value {
    out["factors"].as_array().unwrap().iter().find(|f| f["factor"] == name).unwrap_or_else(|| panic!("{name}: {out}"))
}

/// Every factor is shown with its weight and rule; the score is the sum of the known factors' points.
fn never_a_bare_number(out: &Value) {
    let factors = out["factors"].as_array().unwrap();
    let names: Vec<&str> = factors.iter().map(|f| f["factor"].as_str().unwrap()).collect();
    assert_eq!(names, FACTORS, "{out}");
    assert_eq!(factors.iter().map(|f| f["weight"].as_u64().unwrap()).sum::<u64>(), 100);
    let mut sum = 0;
    let mut assessed = 0;
    for f in factors {
        assert!(f["rule"].as_str().is_some_and(|r| !r.is_empty()), "{f}");
        match f["points"].as_u64() {
            Some(p) => {
                assert!(p <= f["weight"].as_u64().unwrap(), "{f}");
                sum += p;
                assessed += f["weight"].as_u64().unwrap();
            }
            None => assert!(f["unknown"].as_str().is_some(), "an unknown factor says why: {f}"),
        }
    }
    assert_eq!(out["score"], sum, "{out}");
    assert_eq!(out["assessed_weight"], assessed);
    assert!(out["summary"].as_str().unwrap().starts_with(&format!("{sum}/100")), "{out}");
}

#[test]
fn lucy_and_alice_and_why() {
    let org = Org::start();
    let mut server = org.server(BIN, &[]);
    let lucy = score(&mut server, "lucy.locked@example.com");
    never_a_bare_number(&lucy);
    assert_eq!(factor(&lucy, "status")["value"], "LOCKED_OUT");
    assert_eq!(factor(&lucy, "status")["points"], 5);
    let failed = factor(&lucy, "failed_sign_ins");
    assert!(failed["value"].as_u64().unwrap() >= 3 && failed["points"].as_u64().unwrap() >= 5, "{failed}");
    assert!(lucy["summary"].as_str().unwrap().contains("status +5"), "{lucy}");

    let alice = score(&mut server, "alice.active@example.com");
    never_a_bare_number(&alice);
    assert_eq!(factor(&alice, "admin_roles")["value"], json!(["SUPER_ADMIN"]));
    assert_eq!(factor(&alice, "admin_roles")["points"], 20);
    assert_eq!(factor(&alice, "status")["points"], 0);
    let peers = &factor(&alice, "grants_vs_peers")["value"];
    assert_eq!(peers["grants"], 1, "her Salesforce grant: {peers}");
    assert!(peers["peers"].as_u64().unwrap() > 0);

    let missing = server.call("okta_iga_score_user_risk", json!({"user": "nobody@example.com"})).err();
    assert!(missing.contains("E0000007"), "{missing}");
}

#[test]
fn an_sod_violation_adds_its_weight() {
    // Changes Carol's access: a fresh org of our own.
    let org = Org::spawn(&[]);
    let mut server = org.server(BIN, &["--mode", "full"]);
    let before = score(&mut server, "carol.finance@example.com");
    never_a_bare_number(&before);
    assert_eq!(factor(&before, "sod_violations")["points"], 0);
    support::give_finance_admin(&mut server, "carol.finance@example.com");
    let after = score(&mut server, "carol.finance@example.com");
    never_a_bare_number(&after);
    let sod = factor(&after, "sod_violations");
    assert_eq!(sod["points"], 25);
    assert_eq!(
        sod["value"],
        json!([
            "Finance Admin and System Administrator: Permission Set: Finance Admin + Profile: System Administrator"
        ])
    );
    // One more grant too: the rest of the difference, if any, is grants against her peers.
    let grants = |s: &Value| factor(s, "grants_vs_peers")["points"].as_u64().unwrap();
    assert_eq!(
        after["score"].as_u64().unwrap(),
        before["score"].as_u64().unwrap() + 25 + grants(&after) - grants(&before),
        "{before}\n{after}"
    );
}

#[test]
fn without_the_license_governance_factors_are_unknown_and_not_scored() {
    let org = Org::spawn(&["--no-oig"]);
    let mut server = org.server(BIN, &[]);
    assert!(server.tool_names().iter().any(|n| n == "okta_iga_score_user_risk"));
    let alice = score(&mut server, "alice.active@example.com");
    never_a_bare_number(&alice);
    for name in ["sod_violations", "grants_vs_peers"] {
        let f = factor(&alice, name);
        assert!(f["unknown"].as_str().unwrap().contains("Identity Governance license"), "{f}");
    }
    assert_eq!(alice["assessed_weight"], 60);
    assert_eq!(factor(&alice, "admin_roles")["points"], 20);
    assert!(alice["summary"].as_str().unwrap().contains("unknown: sod_violations, grants_vs_peers"), "{alice}");
}
