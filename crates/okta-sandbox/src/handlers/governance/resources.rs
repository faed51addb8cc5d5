//! Resources named by ORN, as labels and resource owners take them: `orn:okta:<service>:<org>:<type>:...:<id>`
//! (apps also as `orn:okta:idp:<org>:apps:<app name>:<id>`), checked against this org, with the limited profile
//! Okta shows for them.

use serde_json::{Value, json};

use crate::org::Org;
use crate::org::collection::{Collection, str_of};
use crate::org::governance::{ORG_ORN_ID, bundle_orn, collection_orn, group_orn, named_app_orn, user_orn, value_orn};

/// A resource: the ORN's object type (`apps`, `groups`, `users`, `collections`, `entitlement-bundles`,
/// `entitlement-values`) and the object's id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Resource {
    pub kind: String,
    pub id: String,
}

impl Resource {
    pub fn new(kind: &str, id: &str) -> Self {
        Resource { kind: kind.to_owned(), id: id.to_owned() }
    }

    /// From a stored `{type, id}`.
    pub fn of(v: &Value) -> Self {
        Resource::new(str_of(v, "type"), str_of(v, "id"))
    }
}

/// The service an object type belongs to in ORNs.
fn service(kind: &str) -> Option<&'static str> {
    match kind {
        "apps" => Some("idp"),
        "users" | "groups" => Some("directory"),
        "collections" | "entitlement-bundles" | "entitlement-values" => Some("governance"),
        _ => None,
    }
}

/// Parse an ORN of this org; the error is the cause to report (naming `field`) when it is malformed, of another
/// org or partition, or names nothing that exists.
pub(crate) fn parse(org: &Org, field: &str, orn: &str) -> Result<Resource, String> {
    let bad = |why: &str| format!("{field}: {orn:?} {why}");
    let parts: Vec<&str> = orn.split(':').collect();
    let [prefix, partition, svc, org_id, kind, rest @ ..] = parts.as_slice() else {
        return Err(bad("is not an ORN (orn:okta:<service>:<org id>:<type>:<id>)"));
    };
    if *prefix != "orn" || *partition != "okta" || *org_id != ORG_ORN_ID {
        return Err(bad("is not an ORN of this org"));
    }
    if service(kind) != Some(*svc) {
        return Err(bad("is not a supported resource type"));
    }
    let id = match (*kind, rest) {
        ("apps", [_, id]) | (_, [id]) => *id,
        _ => return Err(bad("is not an ORN of one object")),
    };
    let r = Resource::new(kind, id);
    if profile(org, &r).is_none() {
        return Err(bad("names no object of this org"));
    }
    Ok(r)
}

/// The ORN of a resource, as Okta writes it.
pub(crate) fn orn(org: &Org, r: &Resource) -> String {
    match r.kind.as_str() {
        "apps" => org.apps.by_id(&r.id).map(|a| named_app_orn(&a.name, &a.id)).unwrap_or_default(),
        "users" => user_orn(&r.id),
        "groups" => group_orn(&r.id),
        "collections" => collection_orn(&r.id),
        "entitlement-bundles" => bundle_orn(&r.id),
        _ => value_orn(&r.id),
    }
}

/// Every ORN a filter may name the resource by (apps also without their name, as older objects write them).
pub(crate) fn orn_forms(org: &Org, r: &Resource) -> Vec<String> {
    let mut forms = vec![orn(org, r)];
    if r.kind == "apps" {
        forms.push(crate::org::governance::app_orn(&r.id));
    }
    forms
}

/// The entitlement that holds a value, with the value.
fn value_of<'a>(org: &'a Org, id: &str) -> Option<(&'a Value, &'a Value)> {
    org.governance
        .entitlements
        .iter()
        .find_map(|e| e["values"].as_array().into_iter().flatten().find(|v| str_of(v, "id") == id).map(|v| (e, v)))
}

/// The limited profile Okta shows for a resource (`None`: it does not exist).
pub(crate) fn profile(org: &Org, r: &Resource) -> Option<Value> {
    let id = r.id.as_str();
    match r.kind.as_str() {
        "apps" => org.apps.by_id(id).map(|a| json!({"id": a.id, "name": a.label, "label": a.label})),
        "groups" => org
            .find_group(id)
            .and_then(|s| org.groups.get(&s))
            .map(|g| json!({"id": g.id, "name": g.name, "description": g.description})),
        "users" => org
            .find_user(id)
            .and_then(|s| org.users.get(&s))
            .filter(|u| u.id == id)
            .map(|u| json!({"id": u.id, "name": u.display_name(), "email": u.profile.get("email")})),
        "collections" => org
            .governance
            .collections
            .by_id(id)
            .map(|c| json!({"id": id, "name": c["name"], "description": c["description"]})),
        "entitlement-bundles" => org
            .governance
            .bundles
            .by_id(id)
            .map(|b| json!({"id": id, "name": b["name"], "description": b["description"]})),
        "entitlement-values" => value_of(org, id).map(|(e, v)| {
            json!({"id": id, "name": v["name"], "description": v["description"],
                   "parent": {"id": e["id"], "name": e["name"]}})
        }),
        _ => None,
    }
}

/// The app a resource belongs to (apps: themselves; bundles and entitlement values: their app).
pub(crate) fn parent_app(org: &Org, r: &Resource) -> Option<Resource> {
    match r.kind.as_str() {
        "apps" => Some(r.clone()),
        "entitlement-bundles" => {
            org.governance.bundles.by_id(&r.id).map(|b| Resource::new("apps", str_of(&b["target"], "externalId")))
        }
        "entitlement-values" => {
            value_of(org, &r.id).map(|(e, _)| Resource::new("apps", str_of(&e["parent"], "externalId")))
        }
        _ => None,
    }
}
