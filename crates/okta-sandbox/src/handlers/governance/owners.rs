//! Resource owners (`/governance/api/v1/resource-owners`): the users and groups that own an app, an entitlement
//! value, a bundle or a collection. Listing needs a filter on `parentResourceOrn` (apps and what is in them) or
//! `resource.orn`; configuring sets the owners of resources (an empty list removes them all).

use axum::extract::State;
use axum::http::Uri;
use serde_json::{Value, json};

use super::resources::{self, Resource};
use super::{invalid, with_org};
use crate::error::ApiError;
use crate::filter::{self, Expr};
use crate::handlers::{ApiResult, JsonBody, Params, St, ok, parse_expr};
use crate::org::Org;
use crate::org::collection::str_of;

const OWNERS: &str = "/governance/api/v1/resource-owners";
/// What can have owners.
const OWNABLE: [&str; 4] = ["apps", "entitlement-values", "entitlement-bundles", "collections"];
/// Okta allows at most five owners per resource.
const MAX_OWNERS: usize = 5;

/// Does the filter name this attribute anywhere?
fn names(e: &Expr, attr: &str) -> bool {
    match e {
        Expr::And(a, b) | Expr::Or(a, b) => names(a, attr) || names(b, attr),
        Expr::Not(a) => names(a, attr),
        Expr::Present(p) | Expr::Cmp(p, _, _) => p == attr,
    }
}

/// A principal as Okta shows an owner: its own id (`pri…`), type, ORN and a limited profile.
fn principal_json(org: &Org, p: &Resource, public: &str) -> Value {
    let mut profile = resources::profile(org, p).unwrap_or_else(|| json!({"id": p.id, "name": p.id}));
    if let Value::Object(o) = &mut profile {
        o.retain(|_, v| !v.is_null());
        o.remove("description");
    }
    let href = if p.kind == "groups" {
        if let Some(g) = org.find_group(&p.id).and_then(|s| org.groups.get(&s)) {
            profile["metadata"] = json!({"userAssignmentCount": g.members.len()});
        }
        format!("{public}/admin/group/{}", p.id)
    } else {
        format!("{public}/admin/user/profile/view/{}", p.id)
    };
    profile["_links"] = json!({"self": {"href": href}});
    json!({
        "id": format!("pri{}", p.id.get(3..).unwrap_or_default()),
        "type": p.kind,
        "orn": resources::orn(org, p),
        "profile": profile,
    })
}

/// An owned resource as Okta lists it.
fn owner_json(org: &Org, entry: &Value, public: &str) -> Value {
    let r = Resource::of(entry);
    let principals: Vec<Value> = entry["principals"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| principal_json(org, &Resource::of(p), public))
        .collect();
    let mut v = json!({
        "resource": {
            "id": r.id, "type": r.kind, "orn": resources::orn(org, &r),
            "profile": resources::profile(org, &r).unwrap_or_else(|| json!({"id": r.id, "name": r.id})),
        },
        "principals": principals,
    });
    if let Some(parent) = resources::parent_app(org, &r) {
        v["parentResourceOrn"] = json!(resources::orn(org, &parent));
    }
    v
}

/// `GET /governance/api/v1/resource-owners`: owned resources matching the required filter; an app's own
/// owners only with `include=parent_resource_owner` (or when the filter names the app by `resource.orn` alone).
pub(crate) async fn list(State(st): St, uri: Uri) -> ApiResult {
    let params = Params::parse(uri.query());
    let page = params.page(20, 200)?;
    let Some(f) = params.get("filter").filter(|f| !f.trim().is_empty()) else {
        return Err(ApiError::missing_parameter("filter"));
    };
    let expr = parse_expr(f)?;
    if !names(&expr, "parentResourceOrn") && !names(&expr, "resource.orn") {
        return Err(invalid("ResourceOwners", vec!["filter: filter on parentResourceOrn or resource.orn".into()]));
    }
    let with_parent = params.get("include").is_some_and(|i| i.contains("parent_resource_owner"))
        || !names(&expr, "parentResourceOrn");
    let items: Vec<(u64, Value)> = with_org(&st, |org| {
        let org: &Org = org;
        Ok(org
            .governance
            .resource_owners
            .iter()
            .filter(|e| with_parent || str_of(e, "type") != "apps")
            .filter(|e| {
                let r = Resource::of(e);
                let parent = resources::parent_app(org, &r).map(|p| resources::orn_forms(org, &p)).unwrap_or_default();
                let profile = resources::profile(org, &r).unwrap_or(Value::Null);
                let probe = json!({"parentResourceOrn": parent,
                    "resource": {"orn": resources::orn_forms(org, &r), "type": r.kind, "profile": profile}});
                filter::eval(&expr, &probe)
            })
            .enumerate()
            .map(|(i, e)| (i as u64 + 1, owner_json(org, e, &st.public)))
            .collect())
    })?;
    let total = items.len();
    Ok(page.data(&st.public, OWNERS, items, Some(total)))
}

/// `POST /governance/api/v1/resource-owners`: the given principals (users and groups, at most five) become
/// the owners of each resource, replacing its owners; none (`[]` or null) removes them all.
pub(crate) async fn configure(State(st): St, JsonBody(body): JsonBody) -> ApiResult {
    let list = |k: &str| -> Vec<String> {
        body[k].as_array().map(|a| a.iter().filter_map(Value::as_str).map(str::to_owned).collect()).unwrap_or_default()
    };
    let (resource_orns, principal_orns) = (list("resourceOrns"), list("principalOrns"));
    let data = with_org(&st, |org| {
        let mut causes = Vec::new();
        if resource_orns.is_empty() || resource_orns.len() > 10 {
            causes.push("resourceOrns: give 1 to 10 resource ORNs".to_owned());
        }
        if principal_orns.len() > MAX_OWNERS {
            causes.push(format!("principalOrns: a resource has at most {MAX_OWNERS} owners"));
        }
        let mut owned = Vec::new();
        for o in &resource_orns {
            match resources::parse(org, "resourceOrns", o) {
                Ok(r) if OWNABLE.contains(&r.kind.as_str()) => owned.push(r),
                Ok(_) => causes.push(format!("resourceOrns: {o} cannot have owners")),
                Err(cause) => causes.push(cause),
            }
        }
        let mut principals: Vec<Resource> = Vec::new();
        for o in &principal_orns {
            match resources::parse(org, "principalOrns", o) {
                Ok(p) if p.kind == "users" || p.kind == "groups" => {
                    if !principals.contains(&p) {
                        principals.push(p);
                    }
                }
                Ok(_) => causes.push(format!("principalOrns: {o} is not a user or group")),
                Err(cause) => causes.push(cause),
            }
        }
        if !causes.is_empty() {
            return Err(invalid("ResourceOwners", causes));
        }
        let gov = &mut org.governance;
        let ps: Vec<Value> = principals.iter().map(|p| json!({"type": p.kind, "id": p.id})).collect();
        for r in &owned {
            match gov.resource_owners.iter().position(|e| Resource::of(e) == *r) {
                Some(i) if ps.is_empty() => {
                    gov.resource_owners.remove(i);
                }
                Some(i) => {
                    if let Some(e) = gov.resource_owners.get_mut(i) {
                        e["principals"] = json!(ps);
                    }
                }
                None if ps.is_empty() => {}
                None => gov.resource_owners.push(json!({"type": r.kind, "id": r.id, "principals": ps})),
            }
        }
        let org: &Org = org;
        Ok(owned
            .iter()
            .map(|r| owner_json(org, &json!({"type": r.kind, "id": r.id, "principals": ps}), &st.public))
            .collect::<Vec<_>>())
    })?;
    ok(json!({"data": data}))
}
