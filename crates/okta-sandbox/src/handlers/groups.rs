//! `/api/v1/groups/**`.

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::Uri;
use chrono::Utc;
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::filter;
use crate::handlers::{Acting, ApiResult, Id, Ids, JsonBody, Params, St, no_content, ok, parse_expr};
use crate::org::collection::Collection;
use crate::org::{Group, GroupType, Org};
use crate::seed::api_client;
use crate::{Caller, lock};

fn group_json(org: &Org, g: &Group, public: &str, expand: Option<&str>) -> Value {
    let mut v = g.to_json(public);
    let Some(expand) = expand else { return v };
    let mut embedded = serde_json::Map::new();
    for part in expand.split(',').map(str::trim) {
        match part {
            "stats" => {
                let apps = org.apps.iter().filter(|a| a.groups.contains(&g.id)).count();
                embedded.insert(
                    "stats".into(),
                    json!({
                        "usersCount": g.members.len(),
                        "appsCount": apps,
                        "groupPushMappingsCount": 0,
                        "hasAdminPrivilege": false,
                    }),
                );
            }
            "app" => {
                if let Some(app) = g.source_app.as_ref().and_then(|id| org.apps.iter().find(|a| &a.id == id)) {
                    let mode = app.to_json(public).get("signOnMode").cloned().unwrap_or(json!("SAML_2_0"));
                    embedded.insert(
                        "app".into(),
                        json!({"id": app.id, "name": app.name, "label": app.label, "signOnMode": mode}),
                    );
                }
            }
            _ => {}
        }
    }
    if !embedded.is_empty()
        && let Some(obj) = v.as_object_mut()
    {
        obj.insert("_embedded".into(), Value::Object(embedded));
    }
    v
}

pub(crate) async fn list(State(st): St, uri: Uri) -> ApiResult {
    let params = Params::parse(uri.query());
    let q = params.get("q").filter(|s| !s.is_empty()).map(str::to_lowercase);
    let exprs = ["filter", "search"]
        .iter()
        .filter_map(|k| params.get(k).filter(|s| !s.is_empty()))
        .map(parse_expr)
        .collect::<Result<Vec<_>, _>>()?;
    let page = params.page(10_000, 10_000)?;
    let expand = params.get("expand");
    let org = lock(&st.org);
    let mut items = Vec::new();
    for g in org.groups.values() {
        if let Some(q) = &q
            && !g.name.to_lowercase().starts_with(q)
        {
            continue;
        }
        let v = group_json(&org, g, &st.public, expand);
        if exprs.iter().all(|e| filter::eval(e, &v)) {
            items.push((g.seq, v));
        }
    }
    drop(org);
    Ok(page.links(&st.public, uri.path(), items))
}

fn profile_of(body: &Value) -> Result<(String, String), ApiError> {
    let name = body
        .pointer("/profile/name")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ApiError::validation("name", "name: The field cannot be left blank"))?;
    let description = body.pointer("/profile/description").and_then(Value::as_str).unwrap_or("").to_string();
    Ok((name.to_string(), description))
}

fn log_group(org: &mut Org, actor: &crate::org::Actor, event_type: &str, display: &str, targets: Vec<Value>) {
    org.log(Utc::now(), event_type, display, actor, targets, ("SUCCESS", None), None, &api_client());
}

pub(crate) async fn create(State(st): St, Acting(actor): Acting, JsonBody(body): JsonBody) -> ApiResult {
    let (name, description) = profile_of(&body)?;
    let mut org = lock(&st.org);
    if org.groups.values().any(|g| g.name.eq_ignore_ascii_case(&name)) {
        return Err(ApiError::validation(
            "name",
            "name: An object with this field already exists in the current organization",
        ));
    }
    let now = Utc::now();
    let seq = org.groups.keys().last().copied().unwrap_or(1_000_000) + 1;
    let id = org.new_id("00g");
    let g = Group::new(seq, id, GroupType::OktaGroup, name, description, now);
    let v = g.to_json(&st.public);
    let target = Org::group_target(&g);
    org.insert_group(g);
    log_group(&mut org, &actor, "group.lifecycle.create", "Create okta group", vec![target]);
    ok(v)
}

pub(crate) async fn get_one(State(st): St, Path(id): Id, uri: Uri) -> ApiResult {
    let params = Params::parse(uri.query());
    let org = lock(&st.org);
    let seq = org.group_or_404(&id)?;
    let g = org.groups.get(&seq).ok_or_else(ApiError::internal)?;
    ok(group_json(&org, g, &st.public, params.get("expand")))
}

pub(crate) async fn replace(State(st): St, Acting(actor): Acting, Path(id): Id, JsonBody(body): JsonBody) -> ApiResult {
    let mut org = lock(&st.org);
    let seq = org.group_or_404(&id)?;
    let (name, description) = profile_of(&body)?;
    if org.groups.values().any(|g| g.seq != seq && g.name.eq_ignore_ascii_case(&name)) {
        return Err(ApiError::validation(
            "name",
            "name: An object with this field already exists in the current organization",
        ));
    }
    let g = org.groups.get_mut(&seq).ok_or_else(ApiError::internal)?;
    if g.gtype != GroupType::OktaGroup {
        return Err(ApiError::forbidden());
    }
    g.name = name;
    g.description = description;
    g.last_updated = Utc::now();
    let v = g.to_json(&st.public);
    let target = Org::group_target(g);
    log_group(&mut org, &actor, "group.profile.update", "Update group profile", vec![target]);
    ok(v)
}

pub(crate) async fn delete(State(st): St, Acting(actor): Acting, Path(id): Id) -> ApiResult {
    let mut org = lock(&st.org);
    let seq = org.group_or_404(&id)?;
    let g = org.groups.get(&seq).ok_or_else(ApiError::internal)?;
    if g.gtype != GroupType::OktaGroup {
        return Err(ApiError::forbidden());
    }
    let target = Org::group_target(g);
    org.groups.remove(&seq);
    for a in &mut org.apps {
        a.groups.retain(|x| x != &id);
    }
    log_group(&mut org, &actor, "group.lifecycle.delete", "Delete Okta group", vec![target]);
    no_content()
}

pub(crate) async fn members(State(st): St, Path(id): Id, uri: Uri) -> ApiResult {
    let params = Params::parse(uri.query());
    let page = params.page(1000, 10_000)?;
    let org = lock(&st.org);
    let seq = org.group_or_404(&id)?;
    let g = org.groups.get(&seq).ok_or_else(ApiError::internal)?;
    let items: Vec<(u64, Value)> =
        g.members.iter().filter_map(|s| org.users.get(s).map(|u| (u.seq, u.to_json(&st.public)))).collect();
    drop(org);
    Ok(page.links(&st.public, uri.path(), items))
}

async fn membership(st: St, caller: Caller, gid: String, uid: String, add: bool) -> ApiResult {
    let actor = st.actor(&caller);
    let mut org = lock(&st.org);
    let gseq = org.group_or_404(&gid)?;
    let useq = org.user_or_404(&uid)?;
    let user_target = org.users.get(&useq).map(Org::user_target).ok_or_else(ApiError::internal)?;
    let g = org.groups.get_mut(&gseq).ok_or_else(ApiError::internal)?;
    if g.gtype != GroupType::OktaGroup {
        return Err(ApiError::forbidden());
    }
    let changed = if add { g.members.insert(useq) } else { g.members.remove(&useq) };
    if changed {
        g.last_membership_updated = Utc::now();
    }
    let group_target = Org::group_target(g);
    if changed {
        let (et, disp) = if add {
            ("group.user_membership.add", "Add user to group membership")
        } else {
            ("group.user_membership.remove", "Remove user from group membership")
        };
        log_group(&mut org, &actor, et, disp, vec![user_target, group_target]);
    }
    no_content()
}

pub(crate) async fn add_member(st: St, Extension(caller): Extension<Caller>, Path((gid, uid)): Ids) -> ApiResult {
    membership(st, caller, gid, uid, true).await
}

pub(crate) async fn remove_member(st: St, Extension(caller): Extension<Caller>, Path((gid, uid)): Ids) -> ApiResult {
    membership(st, caller, gid, uid, false).await
}

pub(crate) async fn apps(State(st): St, Path(id): Id, uri: Uri) -> ApiResult {
    let params = Params::parse(uri.query());
    let page = params.page(20, 200)?;
    let org = lock(&st.org);
    let _ = org.group_or_404(&id)?;
    let items: Vec<(u64, Value)> = org.apps.listed(|a| a.groups.contains(&id), |a| a.to_json(&st.public));
    drop(org);
    Ok(page.links(&st.public, uri.path(), items))
}
