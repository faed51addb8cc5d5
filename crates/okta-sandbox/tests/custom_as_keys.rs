//! A custom authorization server's JWKS (`/v1/keys`): the keys the admin API's `credentials/keys` lists, with the
//! public keys tokens verify with; `keyRotate` changes the signing key and keeps the old one listed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeSet;

use common::*;
use serde_json::{Value, json};

fn kids(keys: &Value) -> BTreeSet<String> {
    keys.as_array().unwrap().iter().filter_map(|k| k["kid"].as_str().map(str::to_owned)).collect()
}

#[tokio::test]
async fn the_jwks_is_the_admin_apis_keys() {
    let sb = start(small()).await;
    let (status, headers, set) = sb.send(reqwest::Method::GET, "/oauth2/default/v1/keys", None, None).await;
    assert_eq!(status, 200);
    assert!(headers.get("cache-control").is_some());
    let (_, _, admin) = sb.get("/api/v1/authorizationServers/default/credentials/keys").await;
    assert_eq!(kids(&set["keys"]), kids(&admin), "ACTIVE and NEXT");
    assert_eq!(set["keys"].as_array().unwrap().len(), 2);
    for k in set["keys"].as_array().unwrap() {
        assert_eq!(
            (k["kty"].as_str(), k["alg"].as_str(), k["use"].as_str(), k["e"].as_str()),
            (Some("RSA"), Some("RS256"), Some("sig"), Some("AQAB"))
        );
        assert!(k.get("status").is_none());
        let same = admin.as_array().unwrap().iter().find(|a| a["kid"] == k["kid"]).unwrap();
        assert_eq!(k["n"], same["n"], "one public key per kid");
        assert!(k["n"].as_str().unwrap().len() >= 342, "2048-bit modulus");
    }
    let (_, _, server) = sb.get("/api/v1/authorizationServers/default").await;
    let active = admin.as_array().unwrap().iter().find(|k| k["status"] == "ACTIVE").unwrap();
    assert_eq!(server["credentials"]["signing"]["kid"], active["kid"]);
    // Each server has its own keys.
    let orders = jwks(&sb, "ausorders00000000001").await;
    assert!(kids(&orders["keys"]).is_disjoint(&kids(&set["keys"])));
}

#[tokio::test]
async fn key_rotation_changes_the_signing_key_and_keeps_the_old_one() {
    let sb = start(small()).await;
    let iss = format!("{}/oauth2/default", sb.base);
    let (_, before) = user_token(&sb, "default", "alice.active@example.com", "mcp.access").await;
    let old_token = before["access_token"].as_str().unwrap().to_owned();
    let old_kid = jsonwebtoken::decode_header(&old_token).unwrap().kid.unwrap();
    let (_, _, keys) = sb.get("/api/v1/authorizationServers/default/credentials/keys").await;
    let next = keys.as_array().unwrap().iter().find(|k| k["status"] == "NEXT").unwrap()["kid"].clone();

    let (status, _, rotated) =
        sb.post("/api/v1/authorizationServers/default/credentials/lifecycle/keyRotate", json!({"use": "sig"})).await;
    assert_eq!(status, 200);
    let status_of =
        |kid: &str| rotated.as_array().unwrap().iter().find(|k| k["kid"] == kid).map(|k| k["status"].clone());
    assert_eq!(status_of(&old_kid), Some(json!("EXPIRED")));
    assert_eq!(status_of(next.as_str().unwrap()), Some(json!("ACTIVE")));

    let (_, after) = user_token(&sb, "default", "alice.active@example.com", "mcp.access").await;
    let new_token = after["access_token"].as_str().unwrap();
    let new_kid = jsonwebtoken::decode_header(new_token).unwrap().kid.unwrap();
    assert_ne!(new_kid, old_kid);
    assert_eq!(json!(new_kid), next, "the NEXT key signs now");

    let set = jwks(&sb, "default").await;
    assert_eq!(set["keys"].as_array().unwrap().len(), 3, "EXPIRED, ACTIVE and NEXT");
    assert!(kids(&set["keys"]).contains(&old_kid));
    verify(&old_token, &set, &iss, "api://default").expect("a token of the old key still verifies");
    verify(new_token, &set, &iss, "api://default").expect("the new token verifies");

    // A second rotation drops the oldest key: tokens of it no longer verify.
    sb.post("/api/v1/authorizationServers/default/credentials/lifecycle/keyRotate", json!({"use": "sig"})).await;
    let set = jwks(&sb, "default").await;
    assert!(!kids(&set["keys"]).contains(&old_kid));
    assert!(verify(&old_token, &set, &iss, "api://default").is_err());
    verify(new_token, &set, &iss, "api://default").expect("the previous key is still listed");
}
