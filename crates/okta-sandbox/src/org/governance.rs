//! Okta Identity Governance state: campaigns and their reviews, entitlements with their values, grants; kept
//! as Okta's JSON objects.

use std::collections::BTreeMap;

use rand::Rng;
use serde_json::Value;

use crate::org::collection::str_of;
use crate::org::random::{Random, Stream};

/// The governance side of the org (`/governance/api/**`).
#[derive(Debug, Default)]
pub struct GovOrg {
    /// Full campaign objects, without `_links`.
    pub campaigns: Vec<Value>,
    /// Reviews (campaign items), without `_links`.
    pub reviews: Vec<Value>,
    /// Entitlements of apps, each with its `values` (no `_links`).
    pub entitlements: Vec<Value>,
    /// Entitlement bundles (no `_links`).
    pub bundles: Vec<Value>,
    /// Access request catalog entries (v2): the entry's fields, and (internal) the app it requests
    /// (`resourceId`) and the scope of access it gives (`accessScopeType`, `accessScopeId`).
    pub catalog: Vec<Value>,
    /// Access requests (v2, no `_links`).
    pub requests: Vec<Value>,
    /// Tasks of access requests (v2): approvals.
    pub tasks: Vec<Value>,
    /// Risk rules (separation of duties), no `_links`.
    pub risk_rules: Vec<Value>,
    /// Grants in the order they were made; later ones win (a DENY takes away what an earlier ALLOW gave).
    pub grants: Vec<Value>,
    /// Resource collections (no `_links`, no counts).
    pub collections: Vec<Value>,
    /// Apps in collections: `{collectionId, appId, entitlements: [{id, values: [{id}]}]}`.
    pub collection_resources: Vec<Value>,
    /// Who is assigned which collection: `{id, collectionId, principal: {externalId, type}, actor, ...}`.
    pub collection_assignments: Vec<Value>,
    /// Governance labels with their values (no `_links`).
    pub labels: Vec<Value>,
    /// Label values on resources: `{type, id, labelValueId}` (type: the ORN's object type, e.g. `apps`).
    pub resource_labels: Vec<Value>,
    /// Owners of resources: `{type, id, principals: [{type: users|groups, id}]}`.
    pub resource_owners: Vec<Value>,
    /// Security access reviews (v2, no `_links`); internal `__principal` (the reviewed user's id) and
    /// `__accesses` (the snapshot of the user's access taken at creation, each with its `__subAccesses`).
    pub security_reviews: Vec<Value>,
}

/// A fresh id of a governance object.
pub fn new_id(random: &mut Random, prefix: &str) -> String {
    random.id(Stream::Governance, prefix)
}

/// A task id: 24 lowercase hex digits.
pub fn new_task_id(random: &mut Random) -> String {
    let rng = random.stream(Stream::Governance);
    (0..24).map(|_| char::from(b"0123456789abcdef"[rng.random_range(0..16)])).collect()
}

/// The org id in the sandbox's ORNs.
pub const ORG_ORN_ID: &str = "00osandboxorg0000001";

/// The ORN of an app.
pub fn app_orn(app_id: &str) -> String {
    format!("orn:okta:idp:{ORG_ORN_ID}:apps:{app_id}")
}

/// The ORN of a user.
pub fn user_orn(user_id: &str) -> String {
    format!("orn:okta:directory:{ORG_ORN_ID}:users:{user_id}")
}

/// The ORN of an entitlement bundle.
pub fn bundle_orn(bundle_id: &str) -> String {
    format!("orn:okta:governance:{ORG_ORN_ID}:entitlement-bundles:{bundle_id}")
}

/// The ORN of an entitlement value.
pub fn value_orn(value_id: &str) -> String {
    format!("orn:okta:governance:{ORG_ORN_ID}:entitlement-values:{value_id}")
}

/// The ORN of an app as Okta writes it in app objects (`orn:okta:idp:<org>:apps:<app name>:<app id>`).
pub fn named_app_orn(name: &str, app_id: &str) -> String {
    format!("orn:okta:idp:{ORG_ORN_ID}:apps:{name}:{app_id}")
}

/// The ORN of a group.
pub fn group_orn(group_id: &str) -> String {
    format!("orn:okta:directory:{ORG_ORN_ID}:groups:{group_id}")
}

/// The ORN of a resource collection.
pub fn collection_orn(collection_id: &str) -> String {
    format!("orn:okta:governance:{ORG_ORN_ID}:collections:{collection_id}")
}

/// What a user has in an app: value id → the ALLOW grants that gave it and still count (later DENYs remove).
pub fn effective(gov: &GovOrg, app: &str, user: &str) -> BTreeMap<String, Vec<String>> {
    effective_at(gov, app, user, None)
}

/// Whether a grant counted at `at` (`None`: now): made by then, and not ended (INACTIVE since `lastUpdated`).
fn counted(g: &Value, at: Option<&str>) -> bool {
    match at {
        None => str_of(g, "status") == "ACTIVE",
        Some(t) => str_of(g, "created") <= t && (str_of(g, "status") == "ACTIVE" || str_of(g, "lastUpdated") > t),
    }
}

/// What a user had in an app at a time (`None`: now).
pub fn effective_at(gov: &GovOrg, app: &str, user: &str, at: Option<&str>) -> BTreeMap<String, Vec<String>> {
    let mut have: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for g in gov.grants.iter().filter(|g| {
        str_of(&g["target"], "externalId") == app
            && str_of(&g["targetPrincipal"], "externalId") == user
            && counted(g, at)
    }) {
        let values: Vec<String> = g["entitlements"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|e| e["values"].as_array().into_iter().flatten().map(|v| str_of(v, "id").to_owned()))
            .collect();
        if str_of(g, "action") == "DENY" {
            if values.is_empty() {
                have.clear();
            }
            for v in values {
                have.remove(&v);
            }
        } else {
            for v in values {
                have.entry(v).or_default().push(str_of(g, "id").to_owned());
            }
        }
    }
    have
}
