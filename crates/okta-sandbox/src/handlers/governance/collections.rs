//! Resource collections (`/governance/api/v1/collections`): collections with their counts, the apps (and
//! entitlement values) in each, and who is assigned which collection.

use axum::extract::{Path, State};
use axum::http::Uri;
use serde_json::{Value, json};

use super::resources::{Resource, orn};
use super::with_org;
use crate::AppState;
use crate::error::ApiError;
use crate::filter;
use crate::handlers::{ApiResult, Id, Params, St, ok};
use crate::org::collection::{Collection, str_of};
use crate::org::governance::collection_orn;
use crate::org::{Org, UserStatus};

const COLLECTIONS: &str = "/governance/api/v1/collections";

fn includes(params: &Params, what: &str) -> bool {
    params.get("include").is_some_and(|i| i.split(',').any(|x| x.trim() == what))
}

fn collection_json(org: &Org, c: &Value, public: &str, counts: bool) -> Value {
    let id = str_of(c, "id");
    let mut v = c.clone();
    v["orn"] = json!(collection_orn(id));
    if counts {
        let apps = org.governance.collection_resources.iter().filter(|r| str_of(r, "collectionId") == id).count();
        let users = org.governance.collection_assignments.iter().filter(|a| str_of(a, "collectionId") == id).count();
        v["counts"] = json!({"principalAssignmentCount": users, "resourceCounts": {"applications": apps}});
    }
    v["_links"] = json!({"resources": {"href": format!("{public}{COLLECTIONS}/{id}/resources")}});
    v
}

fn filter_of(params: &Params) -> Result<Option<filter::Expr>, ApiError> {
    params.expr_unless_blank("filter")
}

/// `GET /governance/api/v1/collections`: filter on `name` (sw, co) and `id` (eq); `include=counts`.
pub(crate) async fn list(State(st): St, uri: Uri) -> ApiResult {
    let params = Params::parse(uri.query());
    let page = params.page(20, 200)?;
    let expr = filter_of(&params)?;
    let counts = includes(&params, "counts");
    let items: Vec<(u64, Value)> = with_org(&st, |org| {
        let org: &Org = org;
        let all = org.governance.collections.listed(|_| true, |c| collection_json(org, c, &st.public, counts));
        Ok(all.into_iter().filter(|(_, c)| expr.as_ref().is_none_or(|e| filter::eval(e, c))).collect())
    })?;
    let total = items.len();
    Ok(page.data(&st.public, COLLECTIONS, items, Some(total)))
}

fn collection<'a>(org: &'a Org, id: &str) -> Result<&'a Value, ApiError> {
    org.governance.collections.or_404(id, "ResourceCollection")
}

pub(crate) async fn get_one(State(st): St, Path(id): Id) -> ApiResult {
    let c = with_org(&st, |org| collection(org, &id).map(|c| collection_json(org, c, &st.public, false)))?;
    ok(c)
}

/// One app of a collection, as Okta lists it; with `entitlements` (the collection's values of the app, with
/// the entitlement each belongs to) and `entitlementValueCount` when asked.
fn resource_json(org: &Org, r: &Value, public: &str, entitlements: bool, count: bool) -> Value {
    let app_id = str_of(r, "appId");
    let cid = str_of(r, "collectionId");
    let app = org.apps.by_id(app_id);
    let mut v = json!({
        "resourceOrn": orn(org, &Resource::new("apps", app_id)),
        "resourceId": app_id,
        "resourceProfile": {
            "id": app_id,
            "name": app.map(|a| a.name.clone()).unwrap_or_default(),
            "label": app.map(|a| a.label.clone()).unwrap_or_default(),
            "logo": app.map(|a| vec![json!({"name": "medium", "href": format!("{public}/img/logos/apps/{}.png", a.name),
                                             "type": "image/png"})]).unwrap_or_default(),
        },
        "_links": {"entitlements": {"href": format!("{public}{COLLECTIONS}/{cid}/resources/{app_id}")}},
    });
    let chosen = r["entitlements"].as_array().cloned().unwrap_or_default();
    let value_count: usize = chosen.iter().map(|e| e["values"].as_array().map_or(0, Vec::len)).sum();
    if entitlements {
        let full: Vec<Value> = chosen
            .iter()
            .filter_map(|c| {
                let e = org.governance.entitlements.iter().find(|e| str_of(e, "id") == str_of(c, "id"))?;
                let values: Vec<Value> = c["values"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|cv| {
                        e["values"].as_array()?.iter().find(|v| str_of(v, "id") == str_of(cv, "id")).map(|v| {
                            json!({"id": v["id"], "name": v["name"], "externalValue": v["externalValue"],
                                   "description": v["description"], "orn": v["orn"]})
                        })
                    })
                    .collect();
                Some(json!({
                    "id": e["id"], "name": e["name"], "externalValue": e["externalValue"],
                    "description": e["description"], "multiValue": e["multiValue"], "required": e["required"],
                    "dataType": if e["multiValue"] == json!(true) { "array" } else { "string" },
                    "values": values,
                }))
            })
            .collect();
        v["entitlements"] = json!(full);
    }
    if entitlements || count {
        v["entitlementValueCount"] = json!(value_count);
    }
    v
}

/// `GET /governance/api/v1/collections/{collectionId}/resources`: `include=entitlements,entitlementValueCount`.
pub(crate) async fn resources(State(st): St, Path(id): Id, uri: Uri) -> ApiResult {
    let params = Params::parse(uri.query());
    let page = params.page(20, 200)?;
    let (entitlements, count) = (includes(&params, "entitlements"), includes(&params, "entitlementValueCount"));
    let items: Vec<(u64, Value)> = with_org(&st, |org| {
        let org: &Org = org;
        collection(org, &id)?;
        Ok(org
            .governance
            .collection_resources
            .listed(|r| str_of(r, "collectionId") == id, |r| resource_json(org, r, &st.public, entitlements, count)))
    })?;
    let total = items.len();
    Ok(page.data(&st.public, &format!("{COLLECTIONS}/{id}/resources"), items, Some(total)))
}

/// An assignment with the principal's profile, as Okta lists it.
fn assignment_json(org: &Org, a: &Value) -> Value {
    let mut v = a.clone();
    let uid = str_of(&a["principal"], "externalId");
    if let Some(u) = org.find_user(uid).and_then(|s| org.users.get(&s)) {
        let text = |k: &str| u.profile.get(k).cloned().unwrap_or(Value::Null);
        v["principalProfile"] = json!({
            "id": u.id, "email": text("email"), "login": text("login"), "firstName": text("firstName"),
            "lastName": text("lastName"),
            "status": if u.status == UserStatus::Active { "ACTIVE" } else { "INACTIVE" },
        });
    }
    v
}

/// Assignments of one collection (`Some`) or of all, newest first, as Okta sorts them; filtered on
/// `principal.*` and `principalProfile.*`.
fn assignments(st: &AppState, collection_id: Option<&str>, uri: &Uri, path: &str) -> ApiResult {
    let params = Params::parse(uri.query());
    let page = params.page(20, 200)?;
    let expr = filter_of(&params)?;
    let items: Vec<(u64, Value)> = with_org(st, |org| {
        let org: &Org = org;
        if let Some(id) = collection_id {
            collection(org, id)?;
        }
        Ok(org
            .governance
            .collection_assignments
            .iter()
            .rev()
            .filter(|a| collection_id.is_none_or(|id| str_of(a, "collectionId") == id))
            .map(|a| assignment_json(org, a))
            .filter(|a| expr.as_ref().is_none_or(|e| filter::eval(e, a)))
            .enumerate()
            .map(|(i, a)| (i as u64 + 1, a))
            .collect())
    })?;
    Ok(page.data(&st.public, path, items, None))
}

pub(crate) async fn list_assignments(State(st): St, Path(id): Id, uri: Uri) -> ApiResult {
    assignments(&st, Some(&id), &uri, &format!("{COLLECTIONS}/{id}/assignments"))
}

pub(crate) async fn all_assignments(State(st): St, uri: Uri) -> ApiResult {
    assignments(&st, None, &uri, &format!("{COLLECTIONS}/assignments"))
}
