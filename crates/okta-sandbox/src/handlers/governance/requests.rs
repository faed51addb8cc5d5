//! Access requests (v2, `/governance/api/v2/requests`) and their tasks (`/governance/api/v2/tasks`): a request for
//! a catalog entry waits on an approval task; resolving the task APPROVED or DENIED settles the request, and an
//! approved request's access is given (the app: a direct assignment; a bundle: an ENTITLEMENT-BUNDLE grant with
//! actor ACCESS_REQUEST). The request catalog (`/governance/api/v2/catalogs/default/entries`): top-level app
//! entries and their children, and the entries a given user may request (what they do not hold yet).

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::Response;
use chrono::Utc;
use serde_json::{Map, Value, json};

use super::{invalid, positioned, with_org};
use crate::error::ApiError;
use crate::filter;
use crate::handlers::{ApiResult, Id, JsonBody, Params, St, json_response, ok, parse_expr};
use crate::org::collection::{Collection, now, str_of};
use crate::org::governance::GovOrg;
use crate::org::{App, AppUserData, Org};
use crate::seed::governance::{approval_task, grant, request};

pub(super) const REQUESTS: &str = "/governance/api/v2/requests";
const TASKS: &str = "/governance/api/v2/tasks";
pub(super) const ENTRIES: &str = "/governance/api/v2/catalogs/default/entries";

pub(super) fn request_json(r: &Value, public: &str) -> Value {
    let mut v = r.clone();
    v["_links"] = json!({
        "self": {"href": format!("{public}{REQUESTS}/{}", str_of(r, "id"))},
        "catalogEntry": {"href": format!("{public}/governance/api/v2/catalogs/default/entries/{}",
            str_of(&r["requested"], "entryId"))},
    });
    v
}

/// What a request filter sees: the request with Okta's filter properties (`requestedFor`: the user's id;
/// `resourceId`, `resourceType`, `accessScopeId`, `accessScopeType`: the requested's).
fn request_view(r: &Value) -> Value {
    let mut v = r.clone();
    v["requestedFor"] = r["requestedFor"]["externalId"].clone();
    for key in ["resourceId", "resourceType", "accessScopeId", "accessScopeType"] {
        v[key] = r["requested"][key].clone();
    }
    v
}

pub(crate) async fn list(State(st): St, uri: Uri) -> ApiResult {
    let params = Params::parse(uri.query());
    let page = params.page(20, 200)?;
    let expr = params.expr_unless_blank("filter")?;
    let items = with_org(&st, |org| {
        Ok(org
            .governance
            .requests
            .listed(|r| expr.as_ref().is_none_or(|e| filter::eval(e, &request_view(r))), Value::clone))
    })?;
    let (items, next) = page.cut(items);
    let data = items.iter().map(|r| request_json(r, &st.public)).collect();
    Ok(page.data_cut(&st.public, REQUESTS, (data, next), None))
}

pub(crate) async fn get_one(State(st): St, Path(id): Id) -> ApiResult {
    let r = with_org(&st, |org| org.governance.requests.or_404(&id, "Request").cloned())?;
    ok(request_json(&r, &st.public))
}

pub(crate) async fn create(State(st): St, JsonBody(body): JsonBody) -> ApiResult {
    let r = with_org(&st, |org| {
        let entry_id = str_of(&body["requested"], "entryId");
        let Some(entry) = org.governance.catalog.by_id(entry_id).cloned() else {
            return Err(invalid("Request", vec![format!("requested.entryId: no catalog entry {entry_id:?}")]));
        };
        if entry["requestable"] == false {
            return Err(invalid("Request", vec![format!("requested.entryId: {entry_id} is not requestable")]));
        }
        let user = str_of(&body["requestedFor"], "externalId").to_owned();
        if str_of(&body["requestedFor"], "type") != "OKTA_USER" || !org.users.values().any(|u| u.id == user) {
            return Err(invalid("Request", vec![format!("requestedFor: no OKTA_USER {user:?}")]));
        }
        let by = match str_of(&body["requestedBy"], "externalId") {
            "" => org.admin_id.clone(),
            b => b.to_owned(),
        };
        let ts = now();
        let id = crate::org::governance::new_id(&mut org.random, "req");
        let r = request(&id, &entry, &user, &by, &ts);
        let task = crate::org::governance::new_task_id(&mut org.random);
        org.governance.tasks.push(approval_task(&task, &id, &ts));
        org.governance.requests.push(r.clone());
        Ok(r)
    })?;
    // Accepted as SUBMITTED (what the spec allows here); it is PENDING on its approval task from then on.
    let mut answer = request_json(&r, &st.public);
    answer["status"] = json!("SUBMITTED");
    Ok(json_response(StatusCode::ACCEPTED, answer))
}

pub(crate) async fn list_tasks(State(st): St, uri: Uri) -> ApiResult {
    let params = Params::parse(uri.query());
    let page = params.page(20, 200)?;
    let items = with_org(&st, |org| positioned(org.governance.tasks.clone(), &params))?;
    Ok(page.data(&st.public, TASKS, items, None))
}

pub(crate) async fn get_task(State(st): St, Path(id): Id) -> ApiResult {
    let t = with_org(&st, |org| org.governance.tasks.or_404(&id, "Task").cloned())?;
    ok(t)
}

pub(crate) async fn resolve(State(st): St, Path(id): Id, JsonBody(body): JsonBody) -> ApiResult {
    let t = with_org(&st, |org| {
        let admin = org.admin_id.clone();
        let gov = &mut org.governance;
        let i = gov.tasks.index_or_404(&id, "Task")?;
        if str_of(&gov.tasks[i], "status") != "OPEN" {
            return Err(invalid("Task", vec![format!("task {id} is {}, not OPEN", str_of(&gov.tasks[i], "status"))]));
        }
        let value = str_of(&body, "value");
        let status = match value {
            "APPROVED" => "APPROVED",
            "DENIED" => "DENIED",
            _ => return Err(invalid("Task", vec!["value: an APPROVAL task takes APPROVED or DENIED".into()])),
        };
        let ts = now();
        let task = &mut gov.tasks[i];
        task["status"] = json!("COMPLETED");
        task["value"] = json!(value);
        task["updatedAt"] = json!(ts);
        task["completedBy"] = json!({"externalId": admin, "type": "OKTA_USER"});
        let task = task.clone();
        let rid = str_of(&task, "requestId").to_owned();
        if let Some(r) = gov.requests.by_id_mut(&rid) {
            r["status"] = json!(status);
            r["resolved"] = json!(ts);
            r["lastUpdated"] = json!(ts);
            r["lastUpdatedBy"] = json!(admin);
        }
        if status == "APPROVED" {
            give_access(org, &rid, &ts);
        }
        Ok(task)
    })?;
    ok(t)
}

/// Give what an approved request asked for, and record it on the request (`grantStatus`, `granted`).
fn give_access(org: &mut Org, request_id: &str, ts: &str) {
    let admin = org.admin_id.clone();
    let Some(i) = org.governance.requests.position_of(request_id) else { return };
    let r = org.governance.requests[i].clone();
    let user = str_of(&r["requestedFor"], "externalId").to_owned();
    let (scope, scope_id) = (str_of(&r["requested"], "accessScopeType"), str_of(&r["requested"], "accessScopeId"));
    let given = match scope {
        "APPLICATION" => match org.apps.by_id_mut(scope_id) {
            Some(app) => {
                assign_directly(app, &user);
                true
            }
            None => false,
        },
        "ENTITLEMENT_BUNDLE" => match org.governance.bundles.by_id(scope_id).cloned() {
            Some(b) => {
                let gid = crate::org::governance::new_id(&mut org.random, "gra");
                let app = str_of(&b["target"], "externalId").to_owned();
                let mut g = grant(
                    &gid,
                    "ENTITLEMENT-BUNDLE",
                    "ALLOW",
                    "ACCESS_REQUEST",
                    (&app, &user),
                    b["entitlements"].clone(),
                    ts,
                );
                g["entitlementBundleId"] = b["id"].clone();
                g["createdBy"] = json!(admin);
                g["lastUpdatedBy"] = json!(admin);
                org.governance.grants.push(g);
                true
            }
            None => false,
        },
        _ => false,
    };
    let r = &mut org.governance.requests[i];
    r["grantStatus"] = json!(if given { "GRANTED" } else { "FAILED" });
    if given {
        r["granted"] = json!(ts);
    }
}

/// Assign `user` to `app` directly (what an approved app request does), unless it already is.
pub(crate) fn assign_directly(app: &mut App, user: &str) {
    if !app.users.iter().any(|u| u == user) {
        app.users.push(user.to_owned());
    }
    let at = Utc::now();
    app.user_data.entry(user.to_owned()).or_insert_with(|| AppUserData {
        created: at,
        last_updated: at,
        user_name: None,
        profile: Map::new(),
    });
}

/// Take away `user`'s direct assignment to `app`; false when the user has none.
pub(crate) fn unassign_directly(app: &mut App, user: &str) -> bool {
    let before = app.users.len();
    app.users.retain(|u| u != user);
    app.user_data.remove(user);
    app.users.len() != before
}

/// Approved requests of `user` whose access (`scope_type` `scope_id`) was just taken away: revocation recorded.
pub(crate) fn mark_revoked(gov: &mut GovOrg, user: &str, scope_type: &str, scope_id: &str) {
    let ts = now();
    for r in gov.requests.iter_mut().filter(|r| {
        str_of(&r["requestedFor"], "externalId") == user
            && str_of(r, "status") == "APPROVED"
            && str_of(r, "grantStatus") == "GRANTED"
            && str_of(&r["requested"], "accessScopeType") == scope_type
            && str_of(&r["requested"], "accessScopeId") == scope_id
            && r.get("revoked").is_none()
    }) {
        r["revocationStatus"] = json!("REVOKED");
        r["revoked"] = json!(ts);
        r["lastUpdated"] = json!(ts);
    }
}

/// A catalog entry as Okta shows it (its internal resource and scope fields left out), its links under `base`.
pub(super) fn entry_json(e: &Value, public: &str, base: &str) -> Value {
    let id = str_of(e, "id");
    let mut out = Map::new();
    for k in ["id", "name", "description", "label", "parent", "requestable"] {
        if let Some(v) = e.get(k) {
            out.insert(k.into(), v.clone());
        }
    }
    let mut links = json!({
        "self": {"href": format!("{public}{base}/{id}")},
        "relatedEntity": {"href": format!("{public}/api/v1/apps/{}", str_of(e, "resourceId"))},
    });
    if let Some(parent) = e.get("parent").and_then(Value::as_str) {
        links["parent"] = json!({"href": format!("{public}{base}/{parent}")});
    }
    out.insert("_links".into(), links);
    Value::Object(out)
}

/// Whether `user` already holds what `entry` gives (the app, directly or through a group; the bundle's grant).
fn holds(org: &Org, user: &str, entry: &Value) -> bool {
    let scope_id = str_of(entry, "accessScopeId");
    match str_of(entry, "accessScopeType") {
        "APPLICATION" => {
            let seq = org.find_user(user);
            org.apps.iter().filter(|a| a.id == scope_id).any(|a| {
                a.users.iter().any(|u| u == user)
                    || a.groups
                        .iter()
                        .any(|g| org.groups.by_id(g).is_some_and(|g| seq.is_some_and(|s| g.members.contains(&s))))
            })
        }
        "ENTITLEMENT_BUNDLE" => org.governance.grants.iter().any(|g| {
            str_of(g, "entitlementBundleId") == scope_id
                && str_of(&g["targetPrincipal"], "externalId") == user
                && str_of(g, "status") == "ACTIVE"
        }),
        _ => false,
    }
}

/// The entries that pass `filter` (required, as Okta requires it: `not(parent pr)` for the top level,
/// `parent eq "cen…"` for the children of one) and `match` (3 to 50 characters, in the name or description).
pub(super) fn matching_entries(
    org: &Org,
    params: &Params,
    public: &str,
    user: Option<&str>,
    base: &str,
) -> Result<Vec<Value>, ApiError> {
    let Some(f) = params.get("filter").filter(|f| !f.trim().is_empty()) else {
        return Err(ApiError::missing_parameter("filter"));
    };
    let expr = parse_expr(f)?;
    let needle = match params.get("match") {
        Some(m) if m.chars().count() < 3 => {
            return Err(invalid(
                "AccessRequestCatalog",
                vec![format!(
                    "AccessRequestCatalog - String {m:?} is too short (length: {}, required minimum: 3)",
                    m.chars().count()
                )],
            ));
        }
        Some(m) => Some(m.to_lowercase()),
        None => None,
    };
    Ok(org
        .governance
        .catalog
        .iter()
        .filter(|e| user.is_none_or(|u| e["requestable"] == true && !holds(org, u, e)))
        .map(|e| entry_json(e, public, base))
        .filter(|e| filter::eval(&expr, e))
        .filter(|e| {
            needle.as_ref().is_none_or(|n| {
                str_of(e, "name").to_lowercase().contains(n) || str_of(e, "description").to_lowercase().contains(n)
            })
        })
        .collect())
}

/// A page of entries after the entry `after` (Okta's cursor here is the last entry's id), `{data, _links}`.
pub(super) fn entry_page(public: &str, path: &str, params: &Params, items: Vec<Value>) -> ApiResult {
    let limit = params.limit(20, 200);
    let start = match params.get("after").filter(|a| !a.is_empty()) {
        Some(a) => match items.position_of(a) {
            Some(i) => i + 1,
            None => return Err(ApiError::validation("after", "after: Invalid cursor value")),
        },
        None => 0,
    };
    let page: Vec<Value> = items.iter().skip(start).take(limit).cloned().collect();
    let more = items.len() > start + page.len();
    let href = |after: Option<&str>| {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in params.0.iter().filter(|(k, _)| k != "after" && k != "limit") {
            q.append_pair(k, v);
        }
        q.append_pair("limit", &limit.to_string());
        if let Some(a) = after {
            q.append_pair("after", a);
        }
        format!("{public}{path}?{}", q.finish().replace('+', "%20"))
    };
    let mut links = json!({"self": {"href": href(params.get("after").filter(|a| !a.is_empty()))}});
    let next = more.then(|| page.last().map(|e| href(Some(str_of(e, "id"))))).flatten();
    if let Some(n) = &next {
        links["next"] = json!({"href": n});
    }
    let mut resp: Response = json_response(StatusCode::OK, json!({"data": page, "_links": links}));
    if let Some(v) = next.and_then(|n| HeaderValue::from_str(&format!("<{n}>; rel=\"next\"")).ok()) {
        resp.headers_mut().append(header::LINK, v);
    }
    Ok(resp)
}

pub(crate) async fn list_entries(State(st): St, uri: Uri) -> ApiResult {
    let params = Params::parse(uri.query());
    let items = with_org(&st, |org| matching_entries(org, &params, &st.public, None, ENTRIES))?;
    entry_page(&st.public, ENTRIES, &params, items)
}

pub(crate) async fn get_entry(State(st): St, Path(id): Id) -> ApiResult {
    let e = with_org(&st, |org| org.governance.catalog.or_404(&id, "CatalogEntry").cloned())?;
    ok(entry_json(&e, &st.public, ENTRIES))
}

/// `GET /governance/api/v2/catalogs/default/user/{userId}/entries`: the requestable entries the user does not hold.
pub(crate) async fn user_entries(State(st): St, Path(user): Id, uri: Uri) -> ApiResult {
    let params = Params::parse(uri.query());
    let items = with_org(&st, |org| {
        let seq = org.user_or_404(&user)?;
        let id = org.users.get(&seq).map(|u| u.id.clone()).ok_or_else(ApiError::internal)?;
        matching_entries(org, &params, &st.public, Some(&id), ENTRIES)
    })?;
    entry_page(&st.public, &format!("/governance/api/v2/catalogs/default/user/{user}/entries"), &params, items)
}
