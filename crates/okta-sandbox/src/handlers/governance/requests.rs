//! Access requests (v2, `/governance/api/v2/requests`) and their tasks (`/governance/api/v2/tasks`): a request for
//! a catalog entry waits on an approval task; resolving the task APPROVED or DENIED settles the request.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use serde_json::{Value, json};

use super::{data_page, invalid, with_org};
use crate::error::ApiError;
use crate::filter;
use crate::governance_seed::{approval_task, request};
use crate::handlers::{ApiResult, Params, St, json_body, json_response, ok, page_after, parse_expr};
use crate::policy_model::{now, position_of, str_of};

const REQUESTS: &str = "/governance/api/v2/requests";
const TASKS: &str = "/governance/api/v2/tasks";

fn request_json(r: &Value, public: &str) -> Value {
    let mut v = r.clone();
    v["_links"] = json!({
        "self": {"href": format!("{public}{REQUESTS}/{}", str_of(r, "id"))},
        "catalogEntry": {"href": format!("{public}/governance/api/v2/catalogs/default/entries/{}",
            str_of(&r["requested"], "entryId"))},
    });
    v
}

fn positioned(items: &[Value], params: &Params) -> Result<Vec<(u64, Value)>, ApiError> {
    let expr = params.get("filter").filter(|f| !f.trim().is_empty()).map(parse_expr).transpose()?;
    Ok(items
        .iter()
        .enumerate()
        .filter(|(_, v)| expr.as_ref().is_none_or(|e| filter::eval(e, v)))
        .map(|(i, v)| (i as u64 + 1, v.clone()))
        .collect())
}

pub(crate) async fn list(State(st): St, uri: Uri) -> ApiResult {
    let params = Params::parse(uri.query());
    let limit = params.limit(20, 200);
    let after = params.after()?;
    let items = with_org(&st, |org| positioned(&org.governance.requests, &params))?;
    let (page, next) = page_after(items, after, limit);
    let page = page.iter().map(|r| request_json(r, &st.public)).collect();
    Ok(data_page(&st.public, REQUESTS, &params, limit, (page, next), None))
}

pub(crate) async fn get_one(State(st): St, Path(id): Path<String>) -> ApiResult {
    let r = with_org(&st, |org| {
        position_of(&org.governance.requests, &id)
            .and_then(|i| org.governance.requests.get(i).cloned())
            .ok_or_else(|| ApiError::not_found(&id, "Request"))
    })?;
    ok(request_json(&r, &st.public))
}

pub(crate) async fn create(State(st): St, body: Bytes) -> ApiResult {
    let body = json_body(&body)?;
    let r = with_org(&st, |org| {
        let entry_id = str_of(&body["requested"], "entryId");
        let Some(entry) = org.governance.catalog.iter().find(|e| str_of(e, "id") == entry_id).cloned() else {
            return Err(invalid("Request", vec![format!("requested.entryId: no catalog entry {entry_id:?}")]));
        };
        let user = str_of(&body["requestedFor"], "externalId").to_owned();
        if str_of(&body["requestedFor"], "type") != "OKTA_USER" || !org.users.values().any(|u| u.id == user) {
            return Err(invalid("Request", vec![format!("requestedFor: no OKTA_USER {user:?}")]));
        }
        let by = match str_of(&body["requestedBy"], "externalId") {
            "" => org.admin_id.clone(),
            b => b.to_owned(),
        };
        let ts = now();
        let id = org.governance.new_id("req");
        let r = request(&id, &entry, &user, &by, &ts);
        let task = org.governance.new_task_id();
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
    let limit = params.limit(20, 200);
    let after = params.after()?;
    let items = with_org(&st, |org| positioned(&org.governance.tasks, &params))?;
    let (page, next) = page_after(items, after, limit);
    Ok(data_page(&st.public, TASKS, &params, limit, (page, next), None))
}

pub(crate) async fn get_task(State(st): St, Path(id): Path<String>) -> ApiResult {
    let t = with_org(&st, |org| {
        position_of(&org.governance.tasks, &id)
            .and_then(|i| org.governance.tasks.get(i).cloned())
            .ok_or_else(|| ApiError::not_found(&id, "Task"))
    })?;
    ok(t)
}

pub(crate) async fn resolve(State(st): St, Path(id): Path<String>, body: Bytes) -> ApiResult {
    let body = json_body(&body)?;
    let t = with_org(&st, |org| {
        let admin = org.admin_id.clone();
        let gov = &mut org.governance;
        let i = position_of(&gov.tasks, &id).ok_or_else(|| ApiError::not_found(&id, "Task"))?;
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
        if let Some(r) = gov.requests.iter_mut().find(|r| str_of(r, "id") == rid) {
            r["status"] = json!(status);
            r["resolved"] = json!(ts);
            r["lastUpdated"] = json!(ts);
            r["lastUpdatedBy"] = json!(admin);
        }
        Ok(task)
    })?;
    ok(t)
}
