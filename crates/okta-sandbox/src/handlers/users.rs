//! `/api/v1/users/**`: list/search, CRUD, lifecycle, groups, app links, roles, sessions.

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use chrono::Utc;
use serde_json::{Map, Value, json};

use crate::error::ApiError;
use crate::filter;
use crate::handlers::{Acting, ApiResult, Id, Ids, Params, St, json_body, json_response, no_content, ok};
use crate::org::{Lifecycle, Org, User, UserStatus, transition};
use crate::seed::api_client;
use crate::{Caller, ids, lock};

const REQUIRED: [&str; 4] = ["firstName", "lastName", "email", "login"];

fn q_match(u: &User, q: &str) -> bool {
    let q = q.to_lowercase();
    ["firstName", "lastName", "email", "login"]
        .iter()
        .any(|k| u.profile.get(*k).and_then(Value::as_str).is_some_and(|v| v.to_lowercase().starts_with(&q)))
}

pub(crate) async fn list(State(st): St, uri: Uri) -> ApiResult {
    let params = Params::parse(uri.query());
    let q = params.get("q").filter(|s| !s.is_empty());
    let filter_expr = params.expr("filter")?;
    let search_expr = params.expr("search")?;
    let page = params.page(if q.is_some() { 10 } else { 200 }, 200)?;
    let org = lock(&st.org);
    let mut rows: Vec<(String, Value)> = Vec::new();
    let mut seqs: Vec<u64> = Vec::new();
    for u in org.users.values() {
        let include_deprovisioned = filter_expr.is_some() || search_expr.is_some();
        if u.status == UserStatus::Deprovisioned && !include_deprovisioned {
            continue;
        }
        if let Some(q) = q
            && !q_match(u, q)
        {
            continue;
        }
        let v = u.to_json(&st.public);
        if let Some(e) = &filter_expr
            && !filter::eval(e, &v)
        {
            continue;
        }
        if let Some(e) = &search_expr
            && !filter::eval(e, &v)
        {
            continue;
        }
        seqs.push(u.seq);
        rows.push((u.id.clone(), v));
    }
    drop(org);
    let items: Vec<(u64, Value)> = match params.get("sortBy").filter(|_| search_expr.is_some()) {
        Some(sort_by) => {
            let desc = params.get("sortOrder").is_some_and(|o| o.eq_ignore_ascii_case("desc"));
            let key = |v: &Value| -> String {
                filter::resolve(v, sort_by)
                    .first()
                    .map(|x| match x {
                        Value::String(s) => s.to_lowercase(),
                        other => other.to_string(),
                    })
                    .unwrap_or_default()
            };
            let mut keyed: Vec<(String, String, Value)> = rows.into_iter().map(|(id, v)| (key(&v), id, v)).collect();
            keyed.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
            if desc {
                keyed.reverse();
            }
            keyed.into_iter().enumerate().map(|(i, (_, _, v))| (i as u64 + 1, v)).collect()
        }
        None => seqs.into_iter().zip(rows.into_iter().map(|(_, v)| v)).collect(),
    };
    Ok(page.links(&st.public, uri.path(), items))
}

fn validate_profile(profile: &Map<String, Value>, required: bool) -> Result<(), ApiError> {
    if required {
        for k in REQUIRED {
            let present = profile.get(k).and_then(Value::as_str).is_some_and(|s| !s.trim().is_empty());
            if !present {
                return Err(ApiError::validation(k, format!("{k}: The field cannot be left blank")));
            }
        }
    }
    for k in ["email", "login"] {
        if let Some(v) = profile.get(k) {
            let s = v.as_str().unwrap_or("");
            let ok = s.len() >= 5
                && s.len() <= 100
                && s.split_once('@').is_some_and(|(a, b)| !a.is_empty() && b.contains('.'));
            if !ok {
                let msg = if k == "login" {
                    "login: Username must be in the form of an email address".to_string()
                } else {
                    "email: Does not match required pattern".to_string()
                };
                return Err(ApiError::validation(k, msg));
            }
        }
    }
    for k in ["firstName", "lastName"] {
        if let Some(v) = profile.get(k)
            && (!v.is_string() || v.as_str().is_some_and(|s| s.is_empty() || s.chars().count() > 50))
        {
            return Err(ApiError::validation(k, format!("{k}: The field cannot be left blank")));
        }
    }
    Ok(())
}

fn password_of(body: &Value) -> Option<String> {
    body.pointer("/credentials/password/value").and_then(Value::as_str).map(str::to_string)
}

fn log_user_event(org: &mut Org, actor: &crate::org::Actor, seq: u64, event_type: &str, display: &str) {
    let Some(target) = org.users.get(&seq).map(Org::user_target) else {
        return;
    };
    org.log(Utc::now(), event_type, display, actor, vec![target], ("SUCCESS", None), None, &api_client());
}

pub(crate) async fn create(State(st): St, Acting(actor): Acting, uri: Uri, body: Bytes) -> ApiResult {
    let params = Params::parse(uri.query());
    let body = json_body(&body)?;
    let Some(profile) = body.get("profile").and_then(Value::as_object).cloned() else {
        return Err(ApiError::validation("profile", "profile: The field cannot be left blank"));
    };
    validate_profile(&profile, true)?;
    let activate = params.bool("activate", true);
    let provider = params.bool("provider", false);
    let next_login_change = params.get("nextLogin") == Some("changePassword");
    let password = password_of(&body);
    let recovery = body.pointer("/credentials/recovery_question/question").and_then(Value::as_str).map(str::to_string);
    let provider_type =
        body.pointer("/credentials/provider/type").and_then(Value::as_str).unwrap_or("OKTA").to_string();
    let group_ids: Vec<String> = body
        .get("groupIds")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
        .unwrap_or_default();
    let mut org = lock(&st.org);
    let login = profile.get("login").and_then(Value::as_str).unwrap_or_default().to_string();
    if org.login_taken(&login, None) {
        return Err(ApiError::validation(
            "login",
            "login: An object with this field already exists in the current organization",
        ));
    }
    let mut group_seqs = Vec::new();
    for gid in &group_ids {
        match org.find_group(gid) {
            Some(s) if org.groups.get(&s).is_some_and(|g| g.gtype == crate::org::GroupType::OktaGroup) => {
                group_seqs.push(s)
            }
            _ => {
                return Err(ApiError::validation(
                    "groupIds",
                    format!("groupIds: Group {gid} is not a valid Okta group"),
                ));
            }
        }
    }
    let now = Utc::now();
    let has_password = password.is_some() || provider;
    let status = if !activate {
        UserStatus::Staged
    } else if provider {
        UserStatus::Active
    } else if password.is_some() {
        if next_login_change { UserStatus::PasswordExpired } else { UserStatus::Active }
    } else {
        UserStatus::Provisioned
    };
    let seq = org.alloc_seq();
    let id = org.new_id("00u");
    let user = User {
        seq,
        id: id.clone(),
        status,
        created: now,
        activated: activate.then_some(now),
        status_changed: activate.then_some(now),
        last_login: None,
        last_updated: now,
        password_changed: password.as_ref().map(|_| now),
        profile,
        provider: if provider { provider_type } else { "OKTA".into() },
        has_password: password.is_some(),
        recovery_question: recovery,
    };
    let _ = has_password;
    if let Some(p) = &password {
        org.secrets.passwords.insert(id.clone(), crate::org::Secrets::digest(p));
    }
    org.insert_user(user);
    for g in org.groups.values_mut() {
        if g.gtype == crate::org::GroupType::BuiltIn || group_seqs.contains(&g.seq) {
            g.members.insert(seq);
            g.last_membership_updated = now;
        }
    }
    log_user_event(&mut org, &actor, seq, "user.lifecycle.create", "Create Okta user");
    if activate {
        log_user_event(&mut org, &actor, seq, "user.lifecycle.activate", "Activate Okta user");
    }
    let v = org.users.get(&seq).map(|u| u.to_json(&st.public)).ok_or_else(ApiError::internal)?;
    ok(v)
}

pub(crate) async fn get_one(State(st): St, Extension(caller): Extension<Caller>, Path(id): Id) -> ApiResult {
    let org = lock(&st.org);
    let id = me(&org, &caller, id);
    let seq = org.user_or_404(&id)?;
    let v = org.users.get(&seq).map(|u| u.to_json(&st.public)).ok_or_else(ApiError::internal)?;
    ok(v)
}

async fn modify(st: St, caller: Caller, id: String, body: Bytes, replace: bool) -> ApiResult {
    let body = json_body(&body)?;
    let profile = match body.get("profile") {
        Some(Value::Object(p)) => Some(p.clone()),
        None | Some(Value::Null) => None,
        Some(_) => return Err(ApiError::malformed_body()),
    };
    if replace && profile.is_none() {
        return Err(ApiError::validation("profile", "profile: The field cannot be left blank"));
    }
    if let Some(p) = &profile {
        validate_profile(p, replace)?;
    }
    let password = password_of(&body);
    let actor = st.actor(&caller);
    let mut org = lock(&st.org);
    let seq = org.user_or_404(&id)?;
    if let Some(login) = profile.as_ref().and_then(|p| p.get("login")).and_then(Value::as_str)
        && org.login_taken(login, Some(seq))
    {
        return Err(ApiError::validation(
            "login",
            "login: An object with this field already exists in the current organization",
        ));
    }
    let now = Utc::now();
    let Some(user) = org.users.get_mut(&seq) else {
        return Err(ApiError::not_found(&id, "User"));
    };
    if let Some(p) = profile {
        if replace {
            user.profile = p;
        } else {
            for (k, v) in p {
                user.profile.insert(k, v);
            }
        }
    }
    if password.is_some() {
        user.has_password = true;
        user.password_changed = Some(now);
        if user.status == UserStatus::PasswordExpired || user.status == UserStatus::Recovery {
            user.status = UserStatus::Active;
            user.status_changed = Some(now);
        }
    }
    user.last_updated = now;
    let v = user.to_json(&st.public);
    if let Some(p) = &password {
        let user_id = user.id.clone();
        org.secrets.passwords.insert(user_id, crate::org::Secrets::digest(p));
    }
    log_user_event(&mut org, &actor, seq, "user.account.update_profile", "Update user profile for Okta");
    ok(v)
}

pub(crate) async fn update(st: St, Extension(caller): Extension<Caller>, Path(id): Id, body: Bytes) -> ApiResult {
    modify(st, caller, id, body, false).await
}

pub(crate) async fn replace(st: St, Extension(caller): Extension<Caller>, Path(id): Id, body: Bytes) -> ApiResult {
    modify(st, caller, id, body, true).await
}

pub(crate) async fn delete(State(st): St, Acting(actor): Acting, Path(id): Id) -> ApiResult {
    let mut org = lock(&st.org);
    let seq = org.user_or_404(&id)?;
    let status = org.users.get(&seq).map(|u| u.status);
    if status == Some(UserStatus::Deprovisioned) {
        log_user_event(&mut org, &actor, seq, "user.lifecycle.delete.initiated", "Delete Okta user initiated");
        org.delete_user(seq);
    } else {
        deactivate_in_place(&mut org, seq);
        let (et, disp) = Lifecycle::Deactivate.event();
        log_user_event(&mut org, &actor, seq, et, disp);
    }
    no_content()
}

fn deactivate_in_place(org: &mut Org, seq: u64) {
    let now = Utc::now();
    let uid = org.users.get(&seq).map(|u| u.id.clone()).unwrap_or_default();
    if let Some(u) = org.users.get_mut(&seq) {
        u.status = UserStatus::Deprovisioned;
        u.status_changed = Some(now);
        u.last_updated = now;
    }
    org.sessions.retain(|_, s| s.user_id != uid);
}

pub(crate) async fn lifecycle(State(st): St, Acting(actor): Acting, Path((id, op)): Ids, uri: Uri) -> ApiResult {
    let Some(op) = Lifecycle::parse(&op) else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "E0000007",
            format!("Not found: Resource not found: {op} (Path)"),
        ));
    };
    let params = Params::parse(uri.query());
    if op == Lifecycle::ResetPassword && params.get("sendEmail").is_none() {
        return Err(ApiError::missing_parameter("sendEmail"));
    }
    let mut org = lock(&st.org);
    let seq = org.user_or_404(&id)?;
    let (status, has_password, uid) =
        org.users.get(&seq).map(|u| (u.status, u.has_password, u.id.clone())).ok_or_else(ApiError::internal)?;
    let new_status = transition(status, op, has_password)?;
    let now = Utc::now();
    if op == Lifecycle::Deactivate {
        deactivate_in_place(&mut org, seq);
    } else if let Some(u) = org.users.get_mut(&seq) {
        if u.status != new_status {
            u.status = new_status;
            u.status_changed = Some(now);
        }
        if op == Lifecycle::Activate {
            u.activated = Some(now);
        }
        u.last_updated = now;
    }
    if op == Lifecycle::ResetFactors {
        org.factors.remove(&uid);
    }
    if op == Lifecycle::ResetPassword && params.bool("revokeSessions", false) {
        org.sessions.retain(|_, s| s.user_id != uid);
    }
    let (et, disp) = op.event();
    log_user_event(&mut org, &actor, seq, et, disp);
    let token = ids::base62(org.rng(), 20);
    let public = &st.public;
    match op {
        Lifecycle::Activate | Lifecycle::Reactivate => {
            let default_send = op == Lifecycle::Activate;
            if params.bool("sendEmail", default_send) {
                ok(json!({}))
            } else {
                ok(json!({
                    "activationUrl": format!("{public}/welcome/{token}"),
                    "activationToken": token,
                }))
            }
        }
        Lifecycle::ResetPassword => {
            if params.bool("sendEmail", true) {
                ok(json!({}))
            } else {
                ok(json!({ "resetPasswordUrl": format!("{public}/reset_password/{token}") }))
            }
        }
        Lifecycle::ExpirePassword => {
            let v = org.users.get(&seq).map(|u| u.to_json(public)).ok_or_else(ApiError::internal)?;
            ok(v)
        }
        _ => ok(json!({})),
    }
}

/// `me`: the user the credential belongs to (an API token: the admin who made it; a person's own access token:
/// that person). A service app's token has no user, and Okta answers 404.
fn me(org: &crate::org::Org, caller: &Caller, id: String) -> String {
    match (id.as_str(), caller) {
        ("me", Caller::Ssws) => org.admin_id.clone(),
        ("me", Caller::User(user)) => user.clone(),
        _ => id,
    }
}

pub(crate) async fn groups(State(st): St, Extension(caller): Extension<Caller>, Path(id): Id) -> ApiResult {
    let org = lock(&st.org);
    let id = me(&org, &caller, id);
    let seq = org.user_or_404(&id)?;
    let v: Vec<Value> = org.groups_of(seq).into_iter().map(|g| g.to_json(&st.public)).collect();
    ok(Value::Array(v))
}

pub(crate) async fn app_links(State(st): St, Extension(caller): Extension<Caller>, Path(id): Id) -> ApiResult {
    let org = lock(&st.org);
    let id = me(&org, &caller, id);
    let seq = org.user_or_404(&id)?;
    let uid = org.users.get(&seq).map(|u| u.id.clone()).unwrap_or_default();
    let group_ids: Vec<String> = org.groups_of(seq).into_iter().map(|g| g.id.clone()).collect();
    let mut out = Vec::new();
    for (i, app) in org.apps.iter().enumerate() {
        let direct = app.users.contains(&uid);
        if direct || app.groups.iter().any(|g| group_ids.contains(g)) {
            out.push(json!({
                "id": format!("00ub0oNGTSWTBKOLGLNR{}", i),
                "label": app.label,
                "linkUrl": app.link_url(&st.public),
                "logoUrl": format!("{}/img/logos/apps/{}.png", st.public, app.name),
                "appName": app.name,
                "appInstanceId": app.id,
                "appAssignmentId": format!("0ua{}{:0>8}", &uid[3..12.min(uid.len())], i),
                "credentialsSetup": false,
                "hidden": false,
                "sortOrder": i,
            }));
        }
    }
    ok(Value::Array(out))
}

pub(crate) async fn roles(State(st): St, Path(id): Id) -> ApiResult {
    let org = lock(&st.org);
    let seq = org.user_or_404(&id)?;
    let uid = org.users.get(&seq).map(|u| u.id.clone()).unwrap_or_default();
    let v: Vec<Value> =
        org.roles.get(&uid).map(|rs| rs.iter().map(|r| r.to_json(&st.public, &uid)).collect()).unwrap_or_default();
    ok(Value::Array(v))
}

pub(crate) async fn clear_sessions(State(st): St, Acting(actor): Acting, Path(id): Id) -> ApiResult {
    let mut org = lock(&st.org);
    let seq = org.user_or_404(&id)?;
    let uid = org.users.get(&seq).map(|u| u.id.clone()).unwrap_or_default();
    org.sessions.retain(|_, s| s.user_id != uid);
    log_user_event(&mut org, &actor, seq, "user.session.clear", "Clear user session");
    let _ = json_response;
    no_content()
}
