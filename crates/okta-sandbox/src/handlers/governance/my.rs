//! The end user's own governance operations (`/governance/api/v2/my/…`), answered for the person whose access
//! token calls them (the org authorization server's token of a signed-in user; `Caller::User`) and nobody else:
//! the request catalog they may request from, their own access requests (kept with everyone's, so admins see them
//! at `/governance/api/v2/requests`), and the security access reviews they review (any other review is 404). A
//! service app's token has no person: `authorize` refuses it with 403 before any of these run.

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use serde_json::{Value, json};

use super::requests::{ENTRIES, entry_json, entry_page, matching_entries, request_json};
use super::security_reviews::{self as sar, View};
use super::with_org;
use crate::Caller;
use crate::error::ApiError;
use crate::handlers::{ApiResult, Id, Ids, JsonBody, Params, St, json_response, ok};
use crate::org::collection::{Collection, now, str_of};
use crate::seed::governance::{approval_task, request};

const MY_ENTRIES: &str = "/governance/api/v2/my/catalogs/default/entries";
const MY_SAR: &str = "/governance/api/v2/my/security-access-reviews";

/// The person calling (403 for anyone else: only a person's own token reaches here).
fn me(caller: &Caller) -> Result<&str, ApiError> {
    match caller {
        Caller::User(id) => Ok(id),
        _ => Err(ApiError::forbidden()),
    }
}

fn view(user: &str) -> View<'_> {
    View { reviewer: Some(user), base: MY_SAR }
}

/// A requestable catalog entry (anything else: 404).
fn requestable(org: &crate::org::Org, id: &str) -> Result<Value, ApiError> {
    org.governance
        .catalog
        .by_id(id)
        .filter(|e| e["requestable"] == true)
        .cloned()
        .ok_or_else(|| ApiError::not_found(id, "CatalogEntry"))
}

pub(crate) async fn entries(State(st): St, Extension(caller): Extension<Caller>, uri: Uri) -> ApiResult {
    let user = me(&caller)?;
    let params = Params::parse(uri.query());
    let items = with_org(&st, |org| matching_entries(org, &params, &st.public, Some(user), MY_ENTRIES))?;
    entry_page(&st.public, MY_ENTRIES, &params, items)
}

pub(crate) async fn entry(State(st): St, Extension(caller): Extension<Caller>, Path(id): Id) -> ApiResult {
    me(&caller)?;
    let e = with_org(&st, |org| requestable(org, &id))?;
    ok(entry_json(&e, &st.public, MY_ENTRIES))
}

/// The entry's requester fields: the sandbox's entries ask none.
pub(crate) async fn request_fields(State(st): St, Extension(caller): Extension<Caller>, Path(id): Id) -> ApiResult {
    me(&caller)?;
    with_org(&st, |org| requestable(org, &id))?;
    ok(json!({"data": [], "metadata": {}}))
}

fn my_request_json(r: &Value, public: &str) -> Value {
    let mut v = request_json(r, public);
    let entry = str_of(&r["requested"], "entryId");
    v["_links"] = json!({
        "self": {"href": format!("{public}{MY_ENTRIES}/{entry}/requests/{}", str_of(r, "id"))},
        "catalogEntry": {"href": format!("{public}{ENTRIES}/{entry}")},
    });
    v
}

/// `POST …/entries/{entryId}/requests` (`my-request-creatable`): a request by and for the caller, waiting on its
/// approval task as an admin's request does; 202 with the request (SUBMITTED).
pub(crate) async fn create_request(
    State(st): St,
    Extension(caller): Extension<Caller>,
    Path(id): Id,
    JsonBody(body): JsonBody,
) -> ApiResult {
    let user = me(&caller)?.to_owned();
    if !body.is_object() {
        return Err(ApiError::malformed_body());
    }
    let values = body.get("requesterFieldValues").cloned();
    let bad = values.as_ref().is_some_and(|v| {
        v.as_array().is_none_or(|items| items.iter().any(|i| i.get("id").and_then(Value::as_str).is_none()))
    });
    if bad {
        return Err(super::invalid(
            "Request",
            vec!["requesterFieldValues: a list of values, each with the `id` of its field".to_owned()],
        ));
    }
    let r = with_org(&st, |org| {
        let entry = requestable(org, &id)?;
        let ts = now();
        let rid = crate::org::governance::new_id(&mut org.random, "req");
        let mut r = request(&rid, &entry, &user, &user, &ts);
        if let Some(values) = values.filter(|v| v.as_array().is_some_and(|a| !a.is_empty())) {
            r["requesterFieldValues"] = values;
        }
        let task = crate::org::governance::new_task_id(&mut org.random);
        org.governance.tasks.push(approval_task(&task, &rid, &ts));
        org.governance.requests.push(r.clone());
        Ok(r)
    })?;
    let mut answer = my_request_json(&r, &st.public);
    answer["status"] = json!("SUBMITTED");
    Ok(json_response(StatusCode::ACCEPTED, answer))
}

/// `GET …/entries/{entryId}/requests/{requestId}`: one of the caller's requests (requested by or for them) for that
/// entry; anyone else's is 404.
pub(crate) async fn get_request(
    State(st): St,
    Extension(caller): Extension<Caller>,
    Path((entry, id)): Ids,
) -> ApiResult {
    let user = me(&caller)?;
    let r = with_org(&st, |org| {
        org.governance
            .requests
            .by_id(&id)
            .filter(|r| {
                str_of(&r["requested"], "entryId") == entry
                    && (str_of(&r["requestedFor"], "externalId") == user
                        || str_of(&r["requestedBy"], "externalId") == user)
            })
            .cloned()
            .ok_or_else(|| ApiError::not_found(&id, "Request"))
    })?;
    ok(my_request_json(&r, &st.public))
}

pub(crate) async fn reviews(State(st): St, Extension(caller): Extension<Caller>, uri: Uri) -> ApiResult {
    sar::list_in(&st, &uri, view(me(&caller)?))
}

pub(crate) async fn review(State(st): St, Extension(caller): Extension<Caller>, Path(id): Id) -> ApiResult {
    sar::get_in(&st, &id, view(me(&caller)?))
}

pub(crate) async fn principal(State(st): St, Extension(caller): Extension<Caller>, Path(id): Id) -> ApiResult {
    sar::principal_in(&st, &id, view(me(&caller)?))
}

pub(crate) async fn accesses(State(st): St, Extension(caller): Extension<Caller>, Path(id): Id, uri: Uri) -> ApiResult {
    sar::accesses_in(&st, &id, &uri, view(me(&caller)?))
}

pub(crate) async fn sub_accesses(
    State(st): St,
    Extension(caller): Extension<Caller>,
    Path((id, access)): Ids,
    uri: Uri,
) -> ApiResult {
    sar::sub_accesses_in(&st, &id, &access, &uri, view(me(&caller)?))
}

pub(crate) async fn access_action(
    State(st): St,
    Extension(caller): Extension<Caller>,
    Path((id, target)): Ids,
    JsonBody(body): JsonBody,
) -> ApiResult {
    sar::access_action_in(&st, &id, &target, &body, view(me(&caller)?))
}

pub(crate) async fn list_actions(State(st): St, Extension(caller): Extension<Caller>, Path(id): Id) -> ApiResult {
    sar::list_actions_in(&st, &id, view(me(&caller)?))
}

pub(crate) async fn review_action(
    State(st): St,
    Extension(caller): Extension<Caller>,
    Path(id): Id,
    JsonBody(body): JsonBody,
) -> ApiResult {
    sar::review_action_in(&st, &id, &body, view(me(&caller)?))
}

pub(crate) async fn comment(
    State(st): St,
    Extension(caller): Extension<Caller>,
    Path(id): Id,
    JsonBody(body): JsonBody,
) -> ApiResult {
    sar::comment_in(&st, &id, &body, view(me(&caller)?))
}

pub(crate) async fn history(State(st): St, Extension(caller): Extension<Caller>, Path(id): Id, uri: Uri) -> ApiResult {
    sar::history_in(&st, &id, &uri, view(me(&caller)?))
}
