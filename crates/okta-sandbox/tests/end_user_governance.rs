//! The `/governance/api/v2/my/…` operations answer for the signed-in person only: their catalog and requests
//! (which admins see too), the security access reviews they review (others' are 404), and REVOKE_ACCESS /
//! RESTORE_ACCESS doing what they say. A service app's token has no person there: 403.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::signin::*;
use common::*;
use okta_sandbox::{OAuthClientConfig, SandboxConfig};
use rsa::pkcs1::EncodeRsaPrivateKey;
use rsa::traits::PublicKeyParts;
use serde_json::{Value, json};

const MY_ENTRIES: &str = "/governance/api/v2/my/catalogs/default/entries";
const MY_SAR: &str = "/governance/api/v2/my/security-access-reviews";
const OLIVIA_REVIEWS_BOB: &str = "saroliviabob00000001";
const CAROL_REVIEWS_HENRY: &str = "sarcarolhenry0000001";

async fn as_person(
    sb: &Sandbox,
    method: reqwest::Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> (u16, reqwest::header::HeaderMap, Value) {
    sb.send(method, path, Some(&format!("Bearer {token}")), body).await
}

async fn my_get(sb: &Sandbox, path: &str, token: &str) -> (u16, reqwest::header::HeaderMap, Value) {
    as_person(sb, reqwest::Method::GET, path, token, None).await
}

#[tokio::test]
async fn a_person_requests_from_their_catalog() {
    let sb = start(small()).await;
    let olivia = person_token(&sb, OLIVIA_LOGIN, None).await;
    let bob = person_token(&sb, BOB_LOGIN, None).await;

    let (status, headers, top) = my_get(&sb, &format!("{MY_ENTRIES}?filter=not(parent%20pr)&limit=1"), &olivia).await;
    assert_eq!(status, 200, "{top}");
    let data = top["data"].as_array().unwrap();
    assert_eq!(data.len(), 1);
    assert!(data.iter().all(|e| e.get("parent").is_none() && e["requestable"] == true), "{top}");
    assert!(data[0]["_links"]["self"]["href"].as_str().unwrap().contains(MY_ENTRIES));
    let next = next_link(&headers).expect("a next page");
    assert_eq!(top["_links"]["next"]["href"], next.as_str());
    let (status, _, rest) = my_get(&sb, &next, &olivia).await;
    assert_eq!(status, 200);
    assert!(!rest["data"].as_array().unwrap().is_empty());

    let (status, _, children) =
        my_get(&sb, &format!("{MY_ENTRIES}?filter=parent%20eq%20%22censalesforce0000001%22"), &olivia).await;
    assert_eq!(status, 200, "{children}");
    assert!(children["data"].as_array().unwrap().iter().all(|e| e["parent"] == "censalesforce0000001"));

    let entry = "cengithub00000000001";
    let (status, _, one) = my_get(&sb, &format!("{MY_ENTRIES}/{entry}"), &olivia).await;
    assert_eq!((status, one["id"].as_str()), (200, Some(entry)));
    let (status, _, fields) = my_get(&sb, &format!("{MY_ENTRIES}/{entry}/request-fields"), &olivia).await;
    assert_eq!(status, 200);
    assert!(fields["data"].is_array());

    let (status, _, created) = as_person(
        &sb,
        reqwest::Method::POST,
        &format!("{MY_ENTRIES}/{entry}/requests"),
        &olivia,
        Some(json!({"requesterFieldValues": []})),
    )
    .await;
    assert_eq!(status, 202, "{created}");
    assert_eq!(created["requestedBy"]["externalId"], "00uoliviaorgadmin001");
    assert_eq!(created["requestedFor"]["externalId"], "00uoliviaorgadmin001");
    let id = created["id"].as_str().unwrap();

    let (status, _, mine) = my_get(&sb, &format!("{MY_ENTRIES}/{entry}/requests/{id}"), &olivia).await;
    assert_eq!((status, mine["id"].as_str()), (200, Some(id)));
    let (status, _, _) = my_get(&sb, &format!("{MY_ENTRIES}/{entry}/requests/{id}"), &bob).await;
    assert_eq!(status, 404, "somebody else's request");
    let (status, _, _) = my_get(&sb, &format!("{MY_ENTRIES}/{entry}/requests/reqhenrygithub000001"), &olivia).await;
    assert_eq!(status, 404);

    // One store: an admin sees the request.
    let (status, _, admin_view) = sb.get(&format!("/governance/api/v2/requests/{id}")).await;
    assert_eq!(status, 200, "{admin_view}");
    assert_eq!(admin_view["requestedFor"]["externalId"], "00uoliviaorgadmin001");
}

#[tokio::test]
async fn reviewers_see_their_own_reviews_only() {
    let sb = start(small()).await;
    let olivia = person_token(&sb, OLIVIA_LOGIN, None).await;
    let carol = person_token(&sb, CAROL_LOGIN, None).await;

    let (status, _, list) = my_get(&sb, MY_SAR, &olivia).await;
    assert_eq!(status, 200, "{list}");
    let ids: Vec<&str> = list["data"].as_array().unwrap().iter().filter_map(|r| r["id"].as_str()).collect();
    assert_eq!(ids, vec![OLIVIA_REVIEWS_BOB]);
    let (_, _, list) = my_get(&sb, &format!("{MY_SAR}?filter=status%20eq%20%22ACTIVE%22"), &carol).await;
    let ids: Vec<&str> = list["data"].as_array().unwrap().iter().filter_map(|r| r["id"].as_str()).collect();
    assert_eq!(ids, vec![CAROL_REVIEWS_HENRY]);
    let (_, _, none) = my_get(&sb, &format!("{MY_SAR}?filter=status%20eq%20%22CLOSED%22"), &carol).await;
    assert!(none["data"].as_array().unwrap().is_empty());

    let (status, _, review) = my_get(&sb, &format!("{MY_SAR}/{OLIVIA_REVIEWS_BOB}"), &olivia).await;
    assert_eq!((status, review["status"].as_str()), (200, Some("ACTIVE")));
    assert!(review["_links"]["self"]["href"].as_str().unwrap().contains(MY_SAR));
    for path in [
        format!("{MY_SAR}/{CAROL_REVIEWS_HENRY}"),
        format!("{MY_SAR}/{CAROL_REVIEWS_HENRY}/accesses"),
        format!("{MY_SAR}/{CAROL_REVIEWS_HENRY}/principal"),
        format!("{MY_SAR}/sarbobsalesforce0001"),
    ] {
        assert_eq!(my_get(&sb, &path, &olivia).await.0, 404, "{path}");
    }
    let (status, _, principal) = my_get(&sb, &format!("{MY_SAR}/{OLIVIA_REVIEWS_BOB}/principal"), &olivia).await;
    assert_eq!((status, principal["id"].as_str()), (200, Some(BOB)));
    let (status, _) = comment(&sb, &olivia, OLIVIA_REVIEWS_BOB, "Checked with Bob's manager").await;
    assert_eq!(status, 204);
    assert_eq!(comment(&sb, &olivia, CAROL_REVIEWS_HENRY, "not mine").await.0, 404);
    let (status, _, history) = my_get(&sb, &format!("{MY_SAR}/{OLIVIA_REVIEWS_BOB}/history"), &olivia).await;
    assert_eq!(status, 200, "{history}");
    let items = history["data"].as_array().unwrap();
    assert_eq!(items[0]["systemGenerated"], true);
    let last = items.last().unwrap();
    assert_eq!(last["message"], "Checked with Bob's manager");
    assert_eq!(last["principalProfile"]["id"], "00uoliviaorgadmin001");
    assert!(items.iter().all(|i| i["id"].as_str().unwrap().len() == 20), "{history}");
}

async fn comment(sb: &Sandbox, token: &str, review: &str, text: &str) -> (u16, Value) {
    let (status, _, body) = as_person(
        sb,
        reqwest::Method::POST,
        &format!("{MY_SAR}/{review}/comment"),
        token,
        Some(json!({"comment": text})),
    )
    .await;
    (status, body)
}

#[tokio::test]
async fn a_reviewer_revokes_and_restores_access() {
    let sb = start(small()).await;
    let olivia = person_token(&sb, OLIVIA_LOGIN, None).await;
    let (status, _, accesses) = my_get(&sb, &format!("{MY_SAR}/{OLIVIA_REVIEWS_BOB}/accesses"), &olivia).await;
    assert_eq!(status, 200, "{accesses}");
    let items = accesses["data"].as_array().unwrap();
    assert!(items.len() >= 2, "{accesses}");
    let direct = items
        .iter()
        .find(|a| a["appInfo"]["assignmentType"] == "INDIVIDUAL")
        .expect("an app Bob is assigned to directly");
    let (target, app) = (direct["id"].as_str().unwrap(), direct["resourceId"].as_str().unwrap());
    let assignment = format!("/api/v1/apps/{app}/users/{BOB}");
    assert_eq!(sb.get(&assignment).await.0, 200);

    let action = |kind: &'static str| {
        let path = format!("{MY_SAR}/{OLIVIA_REVIEWS_BOB}/accesses/{target}/actions");
        let olivia = olivia.clone();
        let sb = &sb;
        async move { as_person(sb, reqwest::Method::POST, &path, &olivia, Some(json!({"type": kind}))).await.0 }
    };
    assert_eq!(action("REVOKE_ACCESS").await, 202);
    assert_eq!(sb.get(&assignment).await.0, 404, "the assignment is gone");
    assert_eq!(action("RESTORE_ACCESS").await, 202);
    assert_eq!(sb.get(&assignment).await.0, 200, "and back");

    // Carol may not act on Olivia's review.
    let carol = person_token(&sb, CAROL_LOGIN, None).await;
    let (status, _, _) = as_person(
        &sb,
        reqwest::Method::POST,
        &format!("{MY_SAR}/{OLIVIA_REVIEWS_BOB}/accesses/{target}/actions"),
        &carol,
        Some(json!({"type": "REVOKE_ACCESS"})),
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(sb.get(&assignment).await.0, 200);
}

#[tokio::test]
async fn the_my_operations_need_a_person() {
    // A service app (private_key_jwt) with the end-user scopes still has nobody to answer for.
    let key = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).expect("keygen");
    let public = key.to_public_key();
    let jwk = json!({"kty": "RSA", "kid": "k1", "n": URL_SAFE_NO_PAD.encode(public.n().to_bytes_be()),
                     "e": URL_SAFE_NO_PAD.encode(public.e().to_bytes_be())});
    let client = "0oaservicegov0000001";
    let sb = start(SandboxConfig {
        users: 20,
        oauth_clients: vec![OAuthClientConfig {
            client_id: client.into(),
            jwk,
            scopes: vec!["okta.governance.securityAccessReviews.endUser.read".into()],
        }],
        ..SandboxConfig::default()
    })
    .await;
    let now = chrono::Utc::now().timestamp();
    let claims = json!({"iss": client, "sub": client, "aud": format!("{}/oauth2/v1/token", sb.base),
                        "iat": now, "exp": now + 300, "jti": uuid::Uuid::new_v4().to_string()});
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
    header.kid = Some("k1".into());
    let pem = key.to_pkcs1_pem(rsa::pkcs1::LineEnding::LF).expect("pem").to_string();
    let assertion =
        jsonwebtoken::encode(&header, &claims, &jsonwebtoken::EncodingKey::from_rsa_pem(pem.as_bytes()).unwrap())
            .unwrap();
    let resp = sb
        .http
        .post(sb.url("/oauth2/v1/token"))
        .form(&[
            ("grant_type", "client_credentials"),
            ("scope", "okta.governance.securityAccessReviews.endUser.read"),
            ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
            ("client_assertion", &assertion),
        ])
        .send()
        .await
        .unwrap();
    let answer: Value = resp.json().await.unwrap();
    let token = answer["access_token"].as_str().expect("a service token");
    let (status, _, e) = my_get(&sb, MY_SAR, token).await;
    assert_eq!((status, e["errorCode"].as_str()), (403, Some("E0000006")), "{e}");
    // An API token is not OAuth 2.0 at all: 401.
    assert_eq!(sb.get(MY_SAR).await.0, 401);
}
