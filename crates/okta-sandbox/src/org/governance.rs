//! Okta Identity Governance state: campaigns and their reviews, entitlements with their values, grants; kept
//! as Okta's JSON objects.

use rand::Rng;
use serde_json::Value;

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
