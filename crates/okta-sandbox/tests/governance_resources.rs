//! Resource collections, labels and resource owners in the sandbox: the seeded data in Okta's shapes, ORNs that
//! must name this org's objects (the org id of `/.well-known/okta-organization`; apps as their `orn` says), the
//! filters Okta requires, and Okta's limits (ten resources, five owners).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use serde_json::{Value, json};

const V1: &str = "/governance/api/v1";
const SALESFORCE: &str = "0oasalesforce0000001";

fn enc(filter: &str) -> String {
    url::form_urlencoded::byte_serialize(filter.as_bytes()).collect::<String>().replace('+', "%20")
}

#[tokio::test]
async fn orns_come_from_the_org() {
    let sb = common::start(common::small()).await;
    let (_, _, org) = sb.get("/.well-known/okta-organization").await;
    let org_id = org["id"].as_str().unwrap().to_owned();
    let (_, _, app) = sb.get(&format!("/api/v1/apps/{SALESFORCE}")).await;
    assert_eq!(app["orn"], format!("orn:okta:idp:{org_id}:apps:salesforce:{SALESFORCE}"));
    let (_, _, c) = sb.get(&format!("{V1}/collections/colfinancetools00001")).await;
    assert_eq!(c["orn"], format!("orn:okta:governance:{org_id}:collections:colfinancetools00001"));
}

#[tokio::test]
async fn collections_count_list_and_assign() {
    let sb = common::start(common::small()).await;
    let (status, _, list) = sb.get(&format!("{V1}/collections?include=counts&filter={}", enc("name sw \"fin\""))).await;
    assert_eq!(status, 200);
    let finance = &list["data"][0];
    assert_eq!(finance["counts"], json!({"principalAssignmentCount": 2, "resourceCounts": {"applications": 2}}));
    assert!(finance["_links"]["resources"]["href"].as_str().unwrap().ends_with("/colfinancetools00001/resources"));
    let (_, _, plain) = sb.get(&format!("{V1}/collections")).await;
    assert!(plain["data"][0].get("counts").is_none());

    let (_, _, res) = sb.get(&format!("{V1}/collections/colfinancetools00001/resources?include=entitlements")).await;
    let sf = res["data"].as_array().unwrap().iter().find(|r| r["resourceId"] == SALESFORCE).unwrap();
    assert_eq!(sf["entitlementValueCount"], 2);
    assert_eq!(sf["entitlements"][0]["dataType"], "array");
    assert_eq!(sf["entitlements"][0]["values"][1]["name"], "Payments Approver");
    let (_, _, bare) = sb.get(&format!("{V1}/collections/colfinancetools00001/resources")).await;
    assert!(bare["data"][0].get("entitlements").is_none());

    let bob = enc(&format!("principal.externalId eq \"{}\" AND principal.type eq \"OKTA_USER\"", common::BOB));
    let (_, _, mine) = sb.get(&format!("{V1}/collections/assignments?filter={bob}")).await;
    assert_eq!(mine["data"].as_array().unwrap().len(), 1);
    assert_eq!(mine["data"][0]["principalProfile"]["status"], "ACTIVE");
    let (_, _, newest) = sb.get(&format!("{V1}/collections/colfinancetools00001/assignments")).await;
    assert_eq!(newest["data"][0]["principal"]["externalId"], "00uoliviaorgadmin001", "newest first");
    let (status, _, e) = sb.get(&format!("{V1}/collections/col0000000000000000x/assignments")).await;
    assert_eq!((status, e["errorCode"].as_str()), (404, Some("E0000007")));
}

#[tokio::test]
async fn labels_on_resources_by_orn() {
    let sb = common::start(common::small()).await;
    let (_, _, labels) = sb.get(&format!("{V1}/labels?filter={}", enc("values.name co \"confid\""))).await;
    assert_eq!(labels["data"].as_array().unwrap().len(), 1);
    assert_eq!(labels["data"][0]["name"], "Data classification");
    let (status, _, e) = sb.get(&format!("{V1}/resource-labels")).await;
    assert_eq!((status, e["errorCode"].as_str()), (400, Some("E0000028")));

    // Apps are found by their ORN with or without the app name.
    let short = format!("orn:okta:idp:00osandboxorg0000001:apps:{SALESFORCE}");
    let (_, _, on) = sb.get(&format!("{V1}/resource-labels?filter={}", enc(&format!("orn eq \"{short}\"")))).await;
    let sf = &on["data"][0];
    assert_eq!(sf["orn"], format!("orn:okta:idp:00osandboxorg0000001:apps:salesforce:{SALESFORCE}"));
    assert_eq!(sf["profile"]["name"], "Salesforce");
    assert_eq!(sf["labels"].as_array().unwrap().len(), 2);
    assert!(sf["_links"]["self"]["href"].is_string());

    let zoom = "orn:okta:idp:00osandboxorg0000001:apps:zoom:0oazoom0000000000001";
    let body = json!({"resourceOrns": [zoom], "labelValueIds": ["lblrisklow0000000001"]});
    let (status, _, done) = sb.post(&format!("{V1}/resource-labels/assign"), body.clone()).await;
    assert_eq!(status, 200);
    assert_eq!(
        done["data"][0]["labels"][0]["values"],
        json!([{"labelValueId": "lblrisklow0000000001", "name": "Low",
        "metadata": {"additionalProperties": {"backgroundColor": "green"}}}])
    );
    assert!(done["_links"].is_object());
    let (status, _, _) = sb.post(&format!("{V1}/resource-labels/unassign"), body).await;
    assert_eq!(status, 204);
    let (_, _, gone) = sb.get(&format!("{V1}/resource-labels?filter={}", enc(&format!("orn eq \"{zoom}\"")))).await;
    assert_eq!(gone["data"], json!([]));

    for (orns, values, cause) in [
        (
            json!(["orn:okta:idp:00oanotherorg0000001:apps:zoom:0oazoom0000000000001"]),
            json!(["lblrisklow0000000001"]),
            "not an ORN of this org",
        ),
        (
            json!(["orn:oktapreview:idp:00osandboxorg0000001:apps:zoom:0oazoom0000000000001"]),
            json!(["lblrisklow0000000001"]),
            "not an ORN of this org",
        ),
        (
            json!(["orn:okta:idp:00osandboxorg0000001:apps:zoom:0oa0000000000000000x"]),
            json!(["lblrisklow0000000001"]),
            "names no object",
        ),
        (json!([zoom]), json!(["lbl0000000000000000x"]), "is not a label value"),
        (json!(vec![zoom; 11]), json!(["lblrisklow0000000001"]), "give 1 to 10"),
    ] {
        let (status, _, e) = sb
            .post(&format!("{V1}/resource-labels/assign"), json!({"resourceOrns": orns, "labelValueIds": values}))
            .await;
        assert_eq!((status, e["errorCode"].as_str()), (400, Some("E0000001")), "{cause}");
        assert!(e["errorCauses"].to_string().contains(cause), "{e}");
    }
}

fn owned(list: &Value) -> Vec<(String, usize)> {
    list["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["resource"]["id"].as_str().unwrap().to_owned(), e["principals"].as_array().unwrap().len()))
        .collect()
}

#[tokio::test]
async fn owners_need_a_filter_and_are_replaced() {
    let sb = common::start(common::small()).await;
    let app = format!("orn:okta:idp:00osandboxorg0000001:apps:salesforce:{SALESFORCE}");
    let by_parent = enc(&format!("parentResourceOrn eq \"{app}\""));
    let (_, _, children) = sb.get(&format!("{V1}/resource-owners?filter={by_parent}")).await;
    assert_eq!(owned(&children), [("enbfinanceadmin00001".to_owned(), 1)], "the app itself only when asked");
    let (_, _, all) = sb.get(&format!("{V1}/resource-owners?filter={by_parent}&include=parent_resource_owner")).await;
    assert_eq!(owned(&all).len(), 2);
    let alice = &all["data"][0]["principals"][0];
    assert_eq!(alice["orn"], "orn:okta:directory:00osandboxorg0000001:users:00ualiceactive000001");
    assert_eq!(alice["id"].as_str().map(str::len), Some(20));
    assert_eq!(alice["profile"]["email"], "alice.active@example.com");
    assert_eq!(all["data"][0]["parentResourceOrn"], app);
    let (status, _, e) = sb.get(&format!("{V1}/resource-owners")).await;
    assert_eq!((status, e["errorCode"].as_str()), (400, Some("E0000028")));
    let (status, _, _) = sb.get(&format!("{V1}/resource-owners?filter={}", enc("resource.type eq \"apps\""))).await;
    assert_eq!(status, 400, "parentResourceOrn or resource.orn is required");

    let collection = "orn:okta:governance:00osandboxorg0000001:collections:colengineering000001";
    let group = "orn:okta:directory:00osandboxorg0000001:groups:00gengineering000001";
    let (status, _, set) = sb
        .post(&format!("{V1}/resource-owners"), json!({"resourceOrns": [collection], "principalOrns": [group]}))
        .await;
    assert_eq!(status, 200);
    assert_eq!(set["data"][0]["principals"][0]["profile"]["name"], "Engineering");
    assert!(set["data"][0]["principals"][0]["profile"]["metadata"]["userAssignmentCount"].as_u64().unwrap() > 0);
    assert!(set["data"][0].get("parentResourceOrn").is_none());
    let by_orn = enc(&format!("resource.orn eq \"{collection}\""));
    let (_, _, one) = sb.get(&format!("{V1}/resource-owners?filter={by_orn}")).await;
    assert_eq!(owned(&one), [("colengineering000001".to_owned(), 1)]);
    let (_, _, cleared) =
        sb.post(&format!("{V1}/resource-owners"), json!({"resourceOrns": [collection], "principalOrns": null})).await;
    assert_eq!(cleared["data"][0]["principals"], json!([]));
    let (_, _, none) = sb.get(&format!("{V1}/resource-owners?filter={by_orn}")).await;
    assert_eq!(none["data"], json!([]));

    let user = |n: u32| format!("orn:okta:directory:00osandboxorg0000001:users:00u{n:0>17}");
    for (body, cause) in [
        (json!({"resourceOrns": [collection], "principalOrns": (1..=6).map(user).collect::<Vec<_>>()}), "at most 5"),
        (json!({"resourceOrns": [group], "principalOrns": []}), "cannot have owners"),
        (json!({"resourceOrns": [collection], "principalOrns": [app]}), "is not a user or group"),
        (json!({"resourceOrns": [], "principalOrns": []}), "give 1 to 10"),
    ] {
        let (status, _, e) = sb.post(&format!("{V1}/resource-owners"), body).await;
        assert_eq!((status, e["errorCode"].as_str()), (400, Some("E0000001")), "{cause}");
        assert!(e["errorCauses"].to_string().contains(cause), "{e}");
    }
}
