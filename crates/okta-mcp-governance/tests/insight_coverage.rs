//! "Which apps aren't governed?" (okta_iga_access_coverage_report): per app, entitlements discovered, policies
//! (entitlement policy grants, risk rules), the last campaign that reviewed it and its owners, with the gaps
//! named; paged over every app once; agreeing with the single-purpose tools; arguments refused with nothing sent.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use okta_e2e::{Org, Server, rows};
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_okta-mcp-governance");
const SALESFORCE: &str = "0oasalesforce0000001";
const ZOOM: &str = "0oazoom0000000000001";

/// Every app's row, page after page, and the number of pages.
fn all_apps(server: &mut Server, mut args: Value) -> (Vec<Value>, usize) {
    let (mut apps, mut pages) = (Vec::new(), 0);
    loop {
        let out = server.call("okta_iga_access_coverage_report", args.clone()).ok();
        pages += 1;
        apps.extend(out["apps"].as_array().unwrap().clone());
        match out.get("next_cursor").and_then(Value::as_str) {
            Some(next) => args["cursor"] = json!(next),
            None => return (apps, pages),
        }
        assert!(pages < 30, "paging does not end");
    }
}

#[test]
fn salesforce_is_governed_and_zoom_is_not() {
    let org = Org::start();
    let mut server = org.server(BIN, &[]);
    let out = server.call("okta_iga_access_coverage_report", json!({"limit": 50})).ok();
    let apps = out["apps"].as_array().unwrap();
    let row = |id: &str| apps.iter().find(|a| a["id"] == id).unwrap_or_else(|| panic!("{id} in {out}")).clone();
    let salesforce = row(SALESFORCE);
    assert_eq!(salesforce["gaps"], json!([]), "{salesforce}");
    assert_eq!(salesforce["owners"], json!(["Alice Active <alice.active@example.com> (users)"]));
    assert_eq!(salesforce["policies"]["risk_rules"], json!(["Finance Admin and System Administrator"]));
    assert_eq!(salesforce["policies"]["entitlement_policy_grants"], 1, "Bob's policy grant");
    // The latest campaign that reviewed it, not Q3's (in a shared org, another test's may be later still).
    let last = salesforce["last_review"]["campaign"].as_str().unwrap();
    assert_ne!(last, "Q3 certification", "{salesforce}");
    if std::env::var_os("OKTA_E2E_ORG_URL").is_none() {
        assert_eq!(last, "Salesforce access review", "{salesforce}");
    }
    let zoom = row(ZOOM);
    assert_eq!(
        zoom["gaps"],
        json!(["no entitlements discovered", "no policy", "not reviewed recently", "no owner"]),
        "{zoom}"
    );
    assert_eq!(zoom["last_review"], Value::Null);
    // The summary counts the rows' gaps.
    let ungoverned = apps.iter().filter(|a| a["gaps"].as_array().unwrap().contains(&json!("no owner"))).count();
    let summary = out["summary"].as_str().unwrap();
    assert!(summary.contains(&format!("{ungoverned} without an owner")), "{summary}");

    // Agrees with the single-purpose tools.
    let entitlements = server.call("okta_iga_list_entitlements", json!({"app": SALESFORCE})).ok();
    assert_eq!(salesforce["entitlements"], entitlements["count"]);
    let owners = server.call("okta_iga_list_resource_owners", json!({"app": SALESFORCE})).ok();
    let own = rows(&owners).into_iter().find(|r| r["id"] == SALESFORCE).unwrap();
    assert_eq!(salesforce["owners"], own["owners"]);

    // A review window that ended before Q3's campaign still counts the ACTIVE one.
    let narrow = server.call("okta_iga_access_coverage_report", json!({"limit": 50, "since_days": 1})).ok();
    let sf = narrow["apps"].as_array().unwrap().iter().find(|a| a["id"] == SALESFORCE).unwrap().clone();
    assert_eq!(sf["gaps"], json!([]), "an ACTIVE campaign is reviewing it now: {sf}");
}

#[test]
fn pages_cover_every_app_once() {
    let org = Org::start();
    let mut server = org.server(BIN, &[]);
    let (whole, _) = all_apps(&mut server, json!({"limit": 50}));
    let (paged, pages) = all_apps(&mut server, json!({"limit": 4}));
    assert!(pages >= whole.len() / 4, "{pages} pages for {} apps", whole.len());
    let ids = |rows: &[Value]| rows.iter().map(|r| r["id"].as_str().unwrap().to_owned()).collect::<Vec<_>>();
    assert_eq!(ids(&paged), ids(&whole));
    assert_eq!(ids(&whole).into_iter().collect::<BTreeSet<_>>().len(), whole.len(), "each app once");
    assert!(whole.len() >= 14, "{}", whole.len());
}

#[test]
fn arguments_are_checked_before_anything_is_sent() {
    let org = Org::start();
    let mut server = org.server(BIN, &[]);
    let before = org.request_count();
    for (args, says) in [
        (json!({"limit": 0}), "limit 0"),
        (json!({"limit": 51}), "limit 51"),
        (json!({"since_days": 0}), "since_days 0"),
        (json!({"since_days": 731}), "since_days 731"),
        (json!({"cursor": "https://evil.example.com/api/v1/apps"}), "cursor"),
    ] {
        let err = server.call("okta_iga_access_coverage_report", args.clone()).err();
        assert!(err.contains(says), "{args}: {err}");
    }
    assert_eq!(org.request_count(), before, "nothing was sent");
}
