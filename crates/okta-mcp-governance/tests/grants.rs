//! Grants end to end: a custom grant of values of several entitlements at once, an additive one, app access by
//! policy, expiry; the single-value and argument refusals; and a user's entitlement history in an app with the
//! grants behind each change (Bob's seeded history, and one we make).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use okta_e2e::{Org, rows};
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_okta-mcp-governance");
const SALESFORCE: &str = "0oasalesforce0000001";
const RITA: &str = "rita.recovery@example.com";

/// The history rows as objects.
fn history(server: &mut okta_e2e::Server, args: Value) -> (Value, Vec<serde_json::Map<String, Value>>) {
    let out = server.call("okta_iga_get_entitlement_history", args).ok();
    let rows = rows(&out);
    (out, rows)
}

fn has(list: &Value, text: &str) -> bool {
    list.as_array().unwrap().iter().any(|v| v.as_str().unwrap().contains(text))
}

#[test]
fn where_bobs_salesforce_entitlements_came_from() {
    let org = Org::start();
    let mut server = org.server(BIN, &[]);
    let (out, rows) = history(&mut server, json!({"user": "bob.active@example.com", "app": SALESFORCE}));
    assert_eq!(out["user_id"], "00ubobactive00000001");
    assert_eq!(rows.len(), 2, "{out}");
    let (newest, oldest) = (&rows[0], &rows[1]);
    assert_eq!(newest["added"], json!(["Permission Set: Reports Viewer"]));
    assert_eq!(newest["status"], "ACTIVE");
    assert!(has(&newest["grants"], "grabobsfreports00001 CUSTOM ALLOW by ADMIN"), "{out}");
    assert_eq!(oldest["added"], json!(["Profile: Standard User"]));
    assert_eq!(oldest["until"], newest["when"]);
    assert!(has(&oldest["grants"], "grabobsfpolicy000001 POLICY"), "{out}");

    let first = server
        .call(
            "okta_iga_get_entitlement_history",
            json!({"user": "bob.active@example.com", "app": SALESFORCE, "limit": 1}),
        )
        .ok();
    assert_eq!(first["count"], 1);
    assert_eq!(
        okta_e2e::rows(&first)[0]["added"],
        json!(["Permission Set: Reports Viewer"]),
        "the oldest row is diffed too"
    );
    let (_, older) = history(
        &mut server,
        json!({"user": "bob.active@example.com", "app": SALESFORCE, "until": first["next_until"]}),
    );
    assert_eq!(older.len(), 1);
    assert_eq!(older[0]["added"], json!(["Profile: Standard User"]));
    let (_, since) = history(
        &mut server,
        json!({"user": "bob.active@example.com", "app": SALESFORCE, "since": "2026-03-01T00:00:00Z"}),
    );
    assert_eq!(since.len(), 1, "only the current record overlaps");

    let before = org.request_count();
    let bad = server
        .call(
            "okta_iga_get_entitlement_history",
            json!({"user": "bob.active@example.com", "app": SALESFORCE, "limit": 100}),
        )
        .err();
    assert!(bad.contains("1 to 99"), "{bad}");
    let bad = server
        .call(
            "okta_iga_get_entitlement_history",
            json!({"user": "bob.active@example.com", "app": SALESFORCE, "since": "yesterday"}),
        )
        .err();
    assert!(bad.contains("RFC 3339"), "{bad}");
    assert_eq!(org.request_count(), before);
}

#[test]
fn custom_additive_and_policy_grants() {
    let org = Org::start();
    let mut server = org.server(BIN, &["--mode", "full"]);
    let before = org.request_count();
    let grant = |extra: Value| {
        let mut args = json!({"user": RITA, "app": SALESFORCE});
        args.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        args
    };
    for (extra, message) in [
        (json!({"grant_type": "POLICY", "values": ["Profile: Standard User"]}), "leave out values"),
        (json!({"grant_type": "CUSTOM"}), "needs values"),
        (json!({"values": []}), "1 to 50"),
        (json!({"values": ["Finance Admin"], "expires": "2001-01-01T00:00:00Z"}), "must be in the future"),
        (json!({"values": ["Finance Admin"], "time_zone": "UTC"}), "time_zone"),
        (json!({"values": ["Finance Admin"], "action": "DENY"}), "action"),
    ] {
        let e = server.call("okta_iga_create_grant", grant(extra.clone())).err();
        assert!(e.contains(message), "{extra}: {e}");
    }
    assert_eq!(org.request_count(), before, "bad arguments send nothing");
    let changes = org.change_count();
    let single = server
        .call(
            "okta_iga_create_grant",
            grant(json!({"values": ["Profile: Standard User", "Profile: System Administrator"]})),
        )
        .err();
    assert!(single.contains("takes a single value"), "{single}");
    assert_eq!(org.change_count(), changes);

    // Base grants (POLICY, CUSTOM) replace every other grant of the user in the app; additive ones add.
    let policy = server.call("okta_iga_create_grant", grant(json!({}))).ok();
    assert_eq!(policy["grant"]["grantType"], "POLICY");
    assert_eq!(policy["values"], json!([]));
    let policy_id = policy["grant"]["id"].as_str().unwrap().to_owned();
    let custom = server
        .call(
            "okta_iga_create_grant",
            grant(json!({"values": ["Profile: Standard User", "Reports Viewer", "entsfpayments0000001"],
                         "grant_type": "CUSTOM", "expires": "2099-06-30T17:00:00-07:00"})),
        )
        .ok();
    assert_eq!(custom["grant"]["grantType"], "CUSTOM", "{custom}");
    assert_eq!(custom["grant"]["action"], "ALLOW");
    assert_eq!(custom["grant"]["expires"], "2099-07-01T00:00:00Z");
    assert_eq!(
        custom["values"],
        json!(["Profile: Standard User", "Permission Set: Reports Viewer", "Permission Set: Payments Approver"])
    );
    let custom_id = custom["grant"]["id"].as_str().unwrap().to_owned();
    let additive =
        server.call("okta_iga_create_grant", grant(json!({"values": ["Permission Set: Finance Admin"]}))).ok();
    assert_eq!(additive["grant"]["grantType"], "ENTITLEMENT", "values alone: additive, what Rita holds stays");

    let held = server.call("okta_iga_list_user_entitlements", json!({"user": RITA, "app": SALESFORCE})).ok();
    let from: Vec<(String, String)> = held["entitlements"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|e| e["values"].as_array().unwrap().iter())
        .map(|v| (v["name"].as_str().unwrap().to_owned(), v["from"][0]["grantId"].as_str().unwrap().to_owned()))
        .collect();
    assert_eq!(from.len(), 4, "{held}");
    assert!(from.contains(&("Standard User".into(), custom_id.clone())));
    let replaced = server.call("okta_iga_get_grant", json!({"grant_id": policy_id})).ok();
    assert_eq!(replaced["status"], "INACTIVE", "the CUSTOM grant replaced it: {replaced}");

    // A removal shows in the history with the DENY grant that made it; the additions with theirs.
    server
        .call_confirmed(
            "okta_iga_revoke_entitlement",
            json!({"user": RITA, "app": SALESFORCE, "entitlement_id": "espsfpermset00000001",
                   "value_ids": ["entsfpayments0000001"]}),
        )
        .ok();
    let (out, rows) = history(&mut server, json!({"user": RITA, "app": SALESFORCE}));
    assert_eq!(rows[0]["removed"], json!(["Permission Set: Payments Approver"]), "{out}");
    assert!(has(&rows[0]["grants"], "ENTITLEMENT DENY by API"), "{out}");
    let added = rows.iter().find(|r| has(&r["added"], "Profile: Standard User")).expect("the custom grant's row");
    assert!(has(&added["grants"], &format!("{custom_id} CUSTOM ALLOW by API")), "{out}");
    let finance = rows.iter().find(|r| has(&r["added"], "Permission Set: Finance Admin")).expect("the additive row");
    assert!(has(&finance["grants"], "ENTITLEMENT ALLOW"), "{out}");

    // Leave Rita without Salesforce access again (the contract run shares one org).
    server.call_confirmed(
        "okta_iga_revoke_entitlement",
        json!({"user": RITA, "app": SALESFORCE, "entitlement_id": "espsfpermset00000001",
               "value_ids": ["entsfreports00000001", "entsffinanceadmin001"]}),
    );
    server.call_confirmed(
        "okta_iga_revoke_entitlement",
        json!({"user": RITA, "app": SALESFORCE, "entitlement_id": "espsfprofile00000001",
               "value_ids": ["entsfstandard0000001"]}),
    );
}
