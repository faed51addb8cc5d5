//! Resource owners end to end: Alice owns Salesforce (and Olivia its Finance Admin bundle); make a user (by login)
//! and a group (by id) the owners of the Reports Viewer value, then of a collection, and take them away again;
//! setting the owners a resource already has changes nothing; and the refusals.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use okta_e2e::{Org, rows};
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_okta-mcp-governance");
const SALESFORCE: &str = "0oasalesforce0000001";
const ENGINEERING_GROUP: &str = "00gengineering000001";
const HENRY: &str = "henry.helpdesk@example.com";

/// The ORN Okta gives an entitlement value of Salesforce's Permission Set.
fn value_orn(server: &mut okta_e2e::Server, name: &str) -> String {
    let e = server.call("okta_iga_get_entitlement", json!({"entitlement_id": "espsfpermset00000001"})).ok();
    let values = e["values"].as_array().unwrap();
    values.iter().find(|v| v["name"] == name).unwrap()["orn"].as_str().unwrap().to_owned()
}

fn owners_of(list: &Value, id: &str) -> Vec<Value> {
    rows(list).into_iter().find(|r| r["id"] == id).map(|r| r["owners"].as_array().unwrap().clone()).unwrap_or_default()
}

#[test]
fn who_owns_salesforce_and_what_is_in_it() {
    let org = Org::start();
    let mut server = org.server(BIN, &[]);
    let list = server.call("okta_iga_list_resource_owners", json!({"app": SALESFORCE})).ok();
    assert_eq!(owners_of(&list, SALESFORCE), [json!("Alice Active <alice.active@example.com> (users)")]);
    assert_eq!(
        owners_of(&list, "enbfinanceadmin00001"),
        [json!("Olivia Orgadmin <olivia.orgadmin@example.com> (users)")]
    );
    let bundle = rows(&list).into_iter().find(|r| r["id"] == "enbfinanceadmin00001").unwrap();
    assert_eq!(bundle["type"], "entitlement-bundles");
    let one = server
        .call("okta_iga_list_resource_owners", json!({"app": SALESFORCE, "resource": bundle["orn"].clone()}))
        .ok();
    assert_eq!(one["count"], 1);
    assert_eq!(rows(&one)[0]["name"], "Finance Admin");
}

#[test]
fn set_and_remove_the_owners_of_a_value_and_a_collection() {
    let org = Org::start();
    let mut server = org.server(BIN, &["--mode", "read-write"]);
    let reports = value_orn(&mut server, "Reports Viewer");
    let owners = json!([HENRY, ENGINEERING_GROUP]);

    let dry = server
        .call(
            "okta_iga_set_resource_owners",
            json!({"resource": reports, "app": SALESFORCE, "owners": owners, "dry_run": true}),
        )
        .ok();
    let sent = &dry["would_send"]["body"];
    assert_eq!(sent["resourceOrns"], json!([reports]));
    let principals = sent["principalOrns"].as_array().unwrap();
    assert!(principals[0].as_str().unwrap().ends_with(":directory:00osandboxorg0000001:users:00uhenryhelpdesk0001"));
    assert!(principals[1].as_str().unwrap().ends_with(":groups:00gengineering000001"));

    let set = server
        .call("okta_iga_set_resource_owners", json!({"resource": reports, "app": SALESFORCE, "owners": owners}))
        .ok();
    assert_eq!(set["result"], "owners set");
    assert_eq!(set["previous_owners"], json!([]));
    assert_eq!(set["owners"].as_array().unwrap().len(), 2);
    assert_eq!(set["owners"][1]["name"], "Engineering");
    let list = server.call("okta_iga_list_resource_owners", json!({"app": SALESFORCE, "resource": reports})).ok();
    assert_eq!(
        owners_of(&list, "entsfreports00000001"),
        [json!(format!("Henry Helpdesk <{HENRY}> (users)")), json!("Engineering (groups)")]
    );

    let changes = org.change_count();
    let same = server
        .call(
            "okta_iga_set_resource_owners",
            json!({"resource": reports, "app": SALESFORCE, "owners": [ENGINEERING_GROUP, "00uhenryhelpdesk0001"]}),
        )
        .ok();
    assert_eq!(same["result"], "these are already the owners: nothing was changed");
    assert_eq!(org.change_count(), changes);

    let cleared =
        server.call("okta_iga_set_resource_owners", json!({"resource": reports, "app": SALESFORCE, "owners": []})).ok();
    assert_eq!(cleared["result"], "owners removed");
    assert_eq!(cleared["removed"].as_array().unwrap().len(), 2);
    let list = server.call("okta_iga_list_resource_owners", json!({"app": SALESFORCE, "resource": reports})).ok();
    assert_eq!(list["count"], 0);

    let collection = server.call("okta_iga_get_collection", json!({"collection": "Engineering essentials"})).ok();
    let orn = collection["orn"].as_str().unwrap().to_owned();
    let set =
        server.call("okta_iga_set_resource_owners", json!({"resource": orn, "owners": ["00ucarolfinance00001"]})).ok();
    assert_eq!(set["owners"][0]["name"], "Carol Finance");
    let list = server.call("okta_iga_list_resource_owners", json!({"resource": orn})).ok();
    assert_eq!(owners_of(&list, "colengineering000001"), [json!("Carol Finance <carol.finance@example.com> (users)")]);
    // A change naming a super administrator is refused (protected, whatever the change): Alice stays out.
    let alice =
        server.call("okta_iga_set_resource_owners", json!({"resource": orn, "owners": ["00ualiceactive000001"]})).err();
    assert!(alice.contains("super administrator"), "{alice}");
    let cleared = server.call("okta_iga_set_resource_owners", json!({"resource": orn, "owners": []})).ok();
    assert_eq!(cleared["owners"], json!([]));
}

#[test]
fn owner_arguments_are_checked() {
    let org = Org::start();
    let mut server = org.server(BIN, &["--mode", "read-write"]);
    let bundle = "orn:okta:governance:00osandboxorg0000001:entitlement-bundles:enbfinanceadmin00001";
    let before = org.request_count();
    let no_app = server.call("okta_iga_set_resource_owners", json!({"resource": bundle, "owners": []})).err();
    assert!(no_app.contains("give app too"), "{no_app}");
    let too_many = server
        .call(
            "okta_iga_set_resource_owners",
            json!({"resource": SALESFORCE, "owners": ["a@example.com", "b@example.com", "c@example.com",
                                                    "d@example.com", "e@example.com", "f@example.com"]}),
        )
        .err();
    assert!(too_many.contains("at most 5 owners"), "{too_many}");
    let name =
        server.call("okta_iga_set_resource_owners", json!({"resource": SALESFORCE, "owners": ["Alice Active"]})).err();
    assert!(name.contains("is not a user id"), "{name}");
    let group = server
        .call(
            "okta_iga_set_resource_owners",
            json!({"resource": format!("orn:okta:directory:00o1:groups:{ENGINEERING_GROUP}"), "owners": []}),
        )
        .err();
    assert!(group.contains("owners are kept for apps"), "{group}");
    let nothing = server.call("okta_iga_list_resource_owners", json!({})).err();
    assert!(nothing.contains("give app"), "{nothing}");
    assert_eq!(org.request_count(), before, "bad input sends nothing");

    let changes = org.change_count();
    let unknown = server
        .call("okta_iga_set_resource_owners", json!({"resource": SALESFORCE, "owners": ["nobody@example.com"]}))
        .err();
    assert!(unknown.contains("E0000007"), "{unknown}");
    assert_eq!(org.change_count(), changes);
}
