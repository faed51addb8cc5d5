//! `/api/v1/apps/**`: apps per sign-on mode, lifecycle, user and group assignments, signing keys, SAML
//! metadata and OAuth scope grants.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use chrono::{Duration, Utc};
use serde_json::{Map, Value, json};

use crate::error::ApiError;
use crate::handlers::{Acting, ApiResult, Id, Ids, JsonBody, Params, St, json_body, json_response, no_content, ok};
use crate::org::{
    Actor, App, AppKey, AppStatus, AppUserData, GroupAssignmentData, Org, SignOnMode, UserStatus, default_config,
};
use crate::seed::api_client;
use crate::{filter, ids, lock};

/// Properties of an app object that clients cannot set (ignored in request bodies, as Okta does).
const READ_ONLY: [&str; 10] =
    ["id", "name", "status", "created", "lastUpdated", "features", "orn", "_links", "_embedded", "universalLogout"];

fn log_app(org: &mut Org, actor: &Actor, event_type: &str, display: &str, targets: Vec<Value>) {
    org.log(Utc::now(), event_type, display, actor, targets, ("SUCCESS", None), None, &api_client());
}

/// The System Log event of a new assignment of a user or group to an app (none when it only changed).
fn log_assignment(org: &mut Org, actor: &Actor, newly: bool, display: &str, targets: Vec<Value>) {
    if newly {
        log_app(org, actor, "application.user_membership.add", display, targets);
    }
}

fn app_mut<'a>(org: &'a mut Org, id: &str) -> Result<&'a mut App, ApiError> {
    let i = org.app_or_404(id)?;
    org.apps.get_mut(i).ok_or_else(ApiError::internal)
}

fn app_ref<'a>(org: &'a Org, id: &str) -> Result<&'a App, ApiError> {
    let i = org.app_or_404(id)?;
    org.apps.get(i).ok_or_else(ApiError::internal)
}

/// Users assigned to an app: directly (scope USER) or through an assigned group (scope GROUP, with that group),
/// in user order.
fn assigned_users(org: &Org, app: &App) -> Vec<(u64, Option<String>)> {
    let mut out: Vec<(u64, Option<String>)> = Vec::new();
    for user in org.users.values() {
        if app.users.contains(&user.id) {
            out.push((user.seq, None));
            continue;
        }
        let via = app.groups.iter().find(|gid| {
            org.find_group(gid).and_then(|s| org.groups.get(&s)).is_some_and(|g| g.members.contains(&user.seq))
        });
        if let Some(gid) = via {
            out.push((user.seq, Some(gid.clone())));
        }
    }
    out
}

// ---------------------------------------------------------------- apps

pub(crate) async fn list(State(st): St, uri: Uri) -> ApiResult {
    let params = Params::parse(uri.query());
    let q = params.get("q").filter(|s| !s.is_empty()).map(str::to_lowercase);
    let expr = params.expr("filter")?;
    let page = params.page(200, 200)?;
    let expand_user = params.get("expand").and_then(|e| e.strip_prefix("user/")).map(str::to_owned);
    let org = lock(&st.org);
    let mut items = Vec::new();
    for app in &org.apps {
        if let Some(q) = &q
            && !app.name.to_lowercase().starts_with(q)
            && !app.label.to_lowercase().starts_with(q)
        {
            continue;
        }
        let mut v = app.to_json(&st.public);
        if let Some(e) = &expr {
            // `user.id eq "…"` and `group.id eq "…"` match apps assigned to that user (directly or through a
            // group) or group.
            let mut probe = v.clone();
            if let Some(obj) = probe.as_object_mut() {
                let users: Vec<Value> = assigned_users(&org, app)
                    .into_iter()
                    .filter_map(|(s, _)| org.users.get(&s).map(|u| json!({"id": u.id})))
                    .collect();
                obj.insert("user".into(), Value::Array(users));
                obj.insert("group".into(), app.groups.iter().map(|g| json!({"id": g})).collect());
            }
            if !filter::eval(e, &probe) {
                continue;
            }
        }
        if let Some(uid) = &expand_user
            && let Some(appuser) = app_user_json(&org, app, uid, &st.public, false)
            && let Some(obj) = v.as_object_mut()
        {
            obj.insert("_embedded".into(), json!({"user": appuser}));
        }
        items.push((app.seq, v));
    }
    drop(org);
    Ok(page.links(&st.public, uri.path(), items))
}

pub(crate) async fn get_one(State(st): St, Path(id): Id) -> ApiResult {
    let org = lock(&st.org);
    ok(app_ref(&org, &id)?.to_json(&st.public))
}

fn blank(field: &str) -> ApiError {
    ApiError::validation(field, format!("{field}: The field cannot be left blank"))
}

fn text_at<'a>(v: &'a Value, pointer: &str) -> Option<&'a str> {
    v.pointer(pointer).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty())
}

/// The writable part of a request body, checked the way Okta checks it for the body's sign-on mode.
fn validated_config(body: &Value) -> Result<Map<String, Value>, ApiError> {
    let Value::Object(map) = body else {
        return Err(ApiError::malformed_body());
    };
    let label = text_at(body, "/label").ok_or_else(|| blank("label"))?;
    if label.chars().count() > 100 {
        return Err(ApiError::validation("label", "label: The field is too long"));
    }
    let mode = text_at(body, "/signOnMode").ok_or_else(|| blank("signOnMode"))?;
    match mode {
        "BOOKMARK" => {
            let url = text_at(body, "/settings/app/url").ok_or_else(|| blank("url"))?;
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                return Err(ApiError::validation("url", "url: Must be a valid URL"));
            }
        }
        "SAML_2_0" => {
            for (field, pointer) in
                [("ssoAcsUrl", "/settings/signOn/ssoAcsUrl"), ("audience", "/settings/signOn/audience")]
            {
                text_at(body, pointer).ok_or_else(|| blank(field))?;
            }
        }
        "OPENID_CONNECT" => {
            let client = body.pointer("/settings/oauthClient").ok_or_else(|| blank("oauthClient"))?;
            let grants: Vec<&str> = client
                .get("grant_types")
                .and_then(Value::as_array)
                .map(|g| g.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            if grants.is_empty() {
                return Err(blank("grant_types"));
            }
            let app_type = client.get("application_type").and_then(Value::as_str).unwrap_or("web");
            let redirects = client.get("redirect_uris").and_then(Value::as_array).map_or(0, Vec::len);
            if grants.contains(&"authorization_code") && redirects == 0 {
                return Err(ApiError::validation(
                    "redirect_uris",
                    "redirect_uris: Must specify at least one redirect URI for the authorization_code grant type",
                ));
            }
            if app_type == "service" && grants.iter().any(|g| *g != "client_credentials") {
                return Err(ApiError::validation(
                    "grant_types",
                    "grant_types: Service apps only support the client_credentials grant type",
                ));
            }
            let auth = body
                .pointer("/credentials/oauthClient/token_endpoint_auth_method")
                .and_then(Value::as_str)
                .unwrap_or("client_secret_basic");
            let allowed = match app_type {
                "browser" => auth == "none",
                "native" => true,
                _ => auth != "none",
            };
            if !allowed {
                return Err(ApiError::validation(
                    "token_endpoint_auth_method",
                    format!("token_endpoint_auth_method: {auth} is not allowed for {app_type} applications"),
                ));
            }
        }
        "AUTO_LOGIN" | "BASIC_AUTH" | "BROWSER_PLUGIN" | "SAML_1_1" | "SECURE_PASSWORD_STORE" | "WS_FEDERATION" => {}
        _ => return Err(ApiError::validation("signOnMode", "signOnMode: Invalid sign-on mode")),
    }
    let mut config: Map<String, Value> =
        map.iter().filter(|(k, _)| !READ_ONLY.contains(&k.as_str())).map(|(k, v)| (k.clone(), v.clone())).collect();
    config.insert("label".into(), json!(label));
    Ok(config)
}

fn new_key(org: &mut Org, years: i64) -> AppKey {
    let now = Utc::now();
    AppKey {
        kid: ids::base62(org.rng(), 43),
        created: now,
        expires: now + Duration::days(365 * years),
        n: ids::base62(org.rng(), 342),
        x5c: ids::base62(org.rng(), 600),
    }
}

fn slug(label: &str) -> String {
    label.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_lowercase()
}

pub(crate) async fn create(State(st): St, Acting(actor): Acting, uri: Uri, body: Bytes) -> ApiResult {
    let params = Params::parse(uri.query());
    let body = json_body(&body)?;
    let mut config = validated_config(&body)?;
    let mode = config.get("signOnMode").and_then(Value::as_str).unwrap_or_default().to_owned();
    let name = match mode.as_str() {
        "BOOKMARK" => "bookmark".to_owned(),
        "OPENID_CONNECT" => "oidc_client".to_owned(),
        _ => match body.get("name").and_then(Value::as_str).filter(|n| !n.is_empty()) {
            Some(n) => n.to_owned(),
            None => {
                format!("sandbox_{}_1", slug(config.get("label").and_then(Value::as_str).unwrap_or("app")))
            }
        },
    };
    let mut org = lock(&st.org);
    let id = org.new_id("0oa");
    let key = (mode != "BOOKMARK").then(|| new_key(&mut org, 5));
    // Okta's defaults (what GET shows for a fresh app) under what the client sent.
    let kind = match mode.as_str() {
        "SAML_2_0" => SignOnMode::Saml2,
        "OPENID_CONNECT" => SignOnMode::Oidc("web"),
        _ => SignOnMode::Bookmark,
    };
    let label = config.get("label").and_then(Value::as_str).unwrap_or_default().to_owned();
    let defaults = default_config(kind, &label, "https://app.example.com", &id, key.as_ref().map(|k| k.kid.as_str()));
    for key_name in ["accessibility", "visibility"] {
        if !config.contains_key(key_name)
            && let Some(v) = defaults.get(key_name)
        {
            config.insert(key_name.into(), v.clone());
        }
    }
    let mut secret = None;
    let credentials = config.entry("credentials").or_insert_with(|| json!({}));
    if let Value::Object(creds) = credentials {
        creds.entry("userNameTemplate").or_insert(json!({"template": "${source.login}", "type": "BUILT_IN"}));
        if let Some(k) = &key {
            creds.insert("signing".into(), json!({"kid": k.kid}));
        }
        if mode == "OPENID_CONNECT" {
            let client = creds.entry("oauthClient").or_insert_with(|| json!({}));
            if let Value::Object(client) = client {
                client.insert("client_id".into(), json!(id));
                client.entry("autoKeyRotation").or_insert(json!(true));
                let method = client.entry("token_endpoint_auth_method").or_insert(json!("client_secret_basic")).clone();
                // A secret the request sets is the client's (as in Okta); otherwise one is made. Either is kept
                // only as a digest (`Org::secrets`) and answered once, here.
                let given = client.remove("client_secret").and_then(|v| v.as_str().map(str::to_owned));
                if method != "none" && method != "private_key_jwt" {
                    secret = Some(given.unwrap_or_else(|| ids::unpredictable(64)));
                }
            }
        }
    }
    let now = Utc::now();
    let seq = org.apps.iter().map(|a| a.seq).max().unwrap_or(0) + 1;
    let app = App {
        seq,
        id,
        name,
        label,
        status: if params.bool("activate", true) { AppStatus::Active } else { AppStatus::Inactive },
        created: now,
        last_updated: now,
        config,
        groups: Vec::new(),
        group_data: Default::default(),
        users: Vec::new(),
        user_data: Default::default(),
        keys: key.into_iter().collect(),
        grants: Vec::new(),
    };
    let mut v = app.to_json(&st.public);
    // Like Okta, the client secret is shown once, in the answer to the create.
    if let Some(s) = &secret
        && let Some(client) = v.pointer_mut("/credentials/oauthClient").and_then(Value::as_object_mut)
    {
        client.insert("client_secret".into(), json!(s));
    }
    if let Some(s) = &secret {
        org.secrets.clients.insert(app.id.clone(), crate::org::Secrets::digest(s));
    }
    let target = Org::app_target(&app);
    org.apps.push(app);
    log_app(&mut org, &actor, "application.lifecycle.create", "Add application", vec![target]);
    ok(v)
}

pub(crate) async fn replace(State(st): St, Acting(actor): Acting, Path(id): Id, JsonBody(body): JsonBody) -> ApiResult {
    let config = validated_config(&body)?;
    let mut org = lock(&st.org);
    let app = app_mut(&mut org, &id)?;
    if config.get("signOnMode") != app.config.get("signOnMode") {
        return Err(ApiError::validation("signOnMode", "signOnMode: The sign-on mode of an app cannot be changed"));
    }
    // A full replace: what the body leaves out is gone (the OIDC client id is kept).
    let client_id = app.config.get("credentials").and_then(|c| c.pointer("/oauthClient/client_id")).cloned();
    let mut config = config;
    if let Some(client_id) = client_id
        && let Some(client) =
            config.get_mut("credentials").and_then(|c| c.get_mut("oauthClient")).and_then(Value::as_object_mut)
    {
        client.insert("client_id".into(), client_id);
    }
    // A client secret in the body is the client's new secret (kept as a digest, never answered).
    let new_secret = config
        .get_mut("credentials")
        .and_then(|c| c.get_mut("oauthClient"))
        .and_then(Value::as_object_mut)
        .and_then(|client| client.remove("client_secret"))
        .and_then(|v| v.as_str().map(crate::org::Secrets::digest));
    app.label = config.get("label").and_then(Value::as_str).unwrap_or_default().to_owned();
    app.config = config;
    app.last_updated = Utc::now();
    let v = app.to_json(&st.public);
    let target = Org::app_target(app);
    if let Some(digest) = new_secret {
        let app_id = app.id.clone();
        org.secrets.clients.insert(app_id, digest);
    }
    log_app(&mut org, &actor, "application.lifecycle.update", "Update application", vec![target]);
    ok(v)
}

pub(crate) async fn delete(State(st): St, Acting(actor): Acting, Path(id): Id) -> ApiResult {
    let mut org = lock(&st.org);
    let i = org.app_or_404(&id)?;
    let app = org.apps.get(i).ok_or_else(ApiError::internal)?;
    if app.status == AppStatus::Active {
        return Err(ApiError::new(StatusCode::FORBIDDEN, "E0000056", "Delete application forbidden.")
            .with_cause("The application must be deactivated before it can be deleted."));
    }
    let target = Org::app_target(app);
    let app_id = app.id.clone();
    org.apps.remove(i);
    org.secrets.clients.remove(&app_id);
    log_app(&mut org, &actor, "application.lifecycle.delete", "Delete application", vec![target]);
    no_content()
}

pub(crate) async fn lifecycle(State(st): St, Acting(actor): Acting, Path((id, op)): Ids) -> ApiResult {
    let (status, event, display) = match op.as_str() {
        "activate" => (AppStatus::Active, "application.lifecycle.activate", "Activate application"),
        "deactivate" => (AppStatus::Inactive, "application.lifecycle.deactivate", "Deactivate application"),
        _ => {
            return Err(ApiError::not_found(&format!("/api/v1/apps/{id}/lifecycle/{op}"), "Path"));
        }
    };
    let mut org = lock(&st.org);
    let app = app_mut(&mut org, &id)?;
    if app.status != status {
        app.status = status;
        app.last_updated = Utc::now();
        let target = Org::app_target(app);
        log_app(&mut org, &actor, event, display, vec![target]);
    }
    // Okta answers 200 with an empty JSON object.
    ok(json!({}))
}

// ---------------------------------------------------------------- app users

fn app_user_status(org: &Org, user_seq: u64) -> &'static str {
    match org.users.get(&user_seq).map(|u| u.status) {
        Some(UserStatus::Deprovisioned) => "INACTIVE",
        _ => "ACTIVE",
    }
}

/// The AppUser object of `user` (id or login) in `app`, when assigned.
fn app_user_json(org: &Org, app: &App, user: &str, public: &str, embed_user: bool) -> Option<Value> {
    let seq = org.find_user(user)?;
    let u = org.users.get(&seq)?;
    let via_group = if app.users.contains(&u.id) {
        None
    } else {
        Some(app.groups.iter().find(|gid| {
            org.find_group(gid).and_then(|s| org.groups.get(&s)).is_some_and(|g| g.members.contains(&seq))
        })?)
    };
    let data = app.user_data.get(&u.id);
    let group_profile = via_group.and_then(|g| app.group_data.get(g)).map(|d| d.profile.clone());
    let created = data.map_or(app.created.max(u.created), |d| d.created);
    let last_updated = data.map_or(created, |d| d.last_updated);
    let user_name = data.and_then(|d| d.user_name.clone()).unwrap_or_else(|| u.login());
    let profile = data.map(|d| d.profile.clone()).or(group_profile).unwrap_or_default();
    let mut links = json!({
        "app": {"href": format!("{public}/api/v1/apps/{}", app.id)},
        "user": {"href": format!("{public}/api/v1/users/{}", u.id)},
    });
    if let (Some(g), Some(obj)) = (via_group, links.as_object_mut()) {
        obj.insert("group".into(), json!({"href": format!("{public}/api/v1/groups/{g}"), "name": g}));
    }
    let mut v = json!({
        "id": u.id,
        "created": ids::ts(&created),
        "lastUpdated": ids::ts(&last_updated),
        "scope": if via_group.is_some() { "GROUP" } else { "USER" },
        "status": app_user_status(org, seq),
        "statusChanged": ids::ts(&created),
        "passwordChanged": null,
        "syncState": "DISABLED",
        "credentials": {"userName": user_name},
        "profile": profile,
        "_links": links,
    });
    if embed_user && let Some(obj) = v.as_object_mut() {
        obj.insert("_embedded".into(), json!({"user": u.to_json(public)}));
    }
    Some(v)
}

pub(crate) async fn list_users(State(st): St, Path(id): Id, uri: Uri) -> ApiResult {
    let params = Params::parse(uri.query());
    let page = params.page(50, 500)?;
    let q = params.get("q").filter(|s| !s.is_empty()).map(str::to_lowercase);
    let embed = params.get("expand") == Some("user");
    let org = lock(&st.org);
    let app = app_ref(&org, &id)?;
    let mut items = Vec::new();
    for (seq, _) in assigned_users(&org, app) {
        let Some(u) = org.users.get(&seq) else { continue };
        if let Some(q) = &q {
            let matches = ["login", "firstName", "lastName", "email"]
                .iter()
                .any(|k| u.profile.get(*k).and_then(Value::as_str).is_some_and(|v| v.to_lowercase().starts_with(q)));
            if !matches {
                continue;
            }
        }
        if let Some(v) = app_user_json(&org, app, &u.id, &st.public, embed) {
            items.push((seq, v));
        }
    }
    drop(org);
    Ok(page.links(&st.public, uri.path(), items))
}

fn app_user_404(user: &str) -> ApiError {
    ApiError::not_found(user, "AppUser")
}

pub(crate) async fn get_user(State(st): St, Path((id, user)): Ids, uri: Uri) -> ApiResult {
    let params = Params::parse(uri.query());
    let org = lock(&st.org);
    let app = app_ref(&org, &id)?;
    let v = app_user_json(&org, app, &user, &st.public, params.get("expand") == Some("user"))
        .ok_or_else(|| app_user_404(&user))?;
    ok(v)
}

/// Apply `credentials.userName` and `profile` (merged; `null` removes) from a request body.
fn apply_app_user_body(data: &mut AppUserData, body: &Value) -> Result<(), ApiError> {
    if let Some(name) = body.pointer("/credentials/userName") {
        let name = name.as_str().map(str::trim).filter(|s| !s.is_empty() && s.len() <= 100);
        data.user_name = Some(name.ok_or_else(|| blank("userName"))?.to_owned());
    }
    match body.get("profile") {
        None | Some(Value::Null) => {}
        Some(Value::Object(p)) => {
            for (k, v) in p {
                if v.is_null() {
                    data.profile.remove(k);
                } else {
                    data.profile.insert(k.clone(), v.clone());
                }
            }
        }
        Some(_) => return Err(ApiError::validation("profile", "profile: Must be an object")),
    }
    data.last_updated = Utc::now();
    Ok(())
}

pub(crate) async fn assign_user(
    State(st): St,
    Acting(actor): Acting,
    Path(id): Id,
    JsonBody(body): JsonBody,
) -> ApiResult {
    let uid = text_at(&body, "/id").ok_or_else(|| blank("id"))?.to_owned();
    let mut org = lock(&st.org);
    let seq = org.user_or_404(&uid)?;
    let user = org.users.get(&seq).ok_or_else(ApiError::internal)?;
    if user.status == UserStatus::Deprovisioned {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "E0000117",
            "Cannot assign apps or update app profiles for an inactive user.",
        ));
    }
    let (user_id, user_target) = (user.id.clone(), Org::user_target(user));
    let app = app_mut(&mut org, &id)?;
    let now = Utc::now();
    let newly = !app.users.contains(&user_id);
    if newly {
        app.users.push(user_id.clone());
    }
    let data = app.user_data.entry(user_id.clone()).or_insert_with(|| AppUserData {
        created: now,
        last_updated: now,
        user_name: None,
        profile: Map::new(),
    });
    apply_app_user_body(data, &body)?;
    let app_target = Org::app_target(app);
    log_assignment(&mut org, &actor, newly, "Add user to application membership", vec![user_target, app_target]);
    let app = app_ref(&org, &id)?;
    ok(app_user_json(&org, app, &user_id, &st.public, false).ok_or_else(ApiError::internal)?)
}

pub(crate) async fn update_user(State(st): St, Path((id, user)): Ids, JsonBody(body): JsonBody) -> ApiResult {
    let mut org = lock(&st.org);
    let seq = org.find_user(&user).ok_or_else(|| app_user_404(&user))?;
    let user_id = org.users.get(&seq).map(|u| u.id.clone()).ok_or_else(ApiError::internal)?;
    let app = app_ref(&org, &id)?;
    let current = app_user_json(&org, app, &user_id, &st.public, false).ok_or_else(|| app_user_404(&user))?;
    let app = app_mut(&mut org, &id)?;
    let now = Utc::now();
    let data = app.user_data.entry(user_id.clone()).or_insert_with(|| AppUserData {
        created: now,
        last_updated: now,
        user_name: None,
        profile: current.get("profile").and_then(Value::as_object).cloned().unwrap_or_default(),
    });
    apply_app_user_body(data, &body)?;
    // Changing a group-assigned user's app profile turns the assignment into a direct one, as in Okta.
    if !app.users.contains(&user_id) {
        app.users.push(user_id.clone());
    }
    let app = app_ref(&org, &id)?;
    ok(app_user_json(&org, app, &user_id, &st.public, false).ok_or_else(ApiError::internal)?)
}

pub(crate) async fn unassign_user(State(st): St, Acting(actor): Acting, Path((id, user)): Ids) -> ApiResult {
    let mut org = lock(&st.org);
    let seq = org.find_user(&user).ok_or_else(|| app_user_404(&user))?;
    let user_target = org.users.get(&seq).map(Org::user_target).ok_or_else(ApiError::internal)?;
    let user_id = org.users.get(&seq).map(|u| u.id.clone()).unwrap_or_default();
    let app = app_ref(&org, &id)?;
    let assigned = app_user_json(&org, app, &user_id, &st.public, false).ok_or_else(|| app_user_404(&user))?;
    if assigned.get("scope") == Some(&json!("GROUP")) {
        return Err(ApiError::new(StatusCode::FORBIDDEN, "E0000046", "Deactivate application for user forbidden.")
            .with_cause("The user is assigned to the application through a group."));
    }
    let app = app_mut(&mut org, &id)?;
    app.users.retain(|u| u != &user_id);
    app.user_data.remove(&user_id);
    let app_target = Org::app_target(app);
    log_app(
        &mut org,
        &actor,
        "application.user_membership.remove",
        "Remove user from application membership",
        vec![user_target, app_target],
    );
    no_content()
}

// ---------------------------------------------------------------- group assignments

fn group_assignment_json(org: &Org, app: &App, gid: &str, public: &str, expand: Option<&str>) -> Option<Value> {
    let priority = app.groups.iter().position(|g| g == gid)?;
    let data = app.group_data.get(gid);
    let last_updated = data.map_or(app.created, |d| d.last_updated);
    let mut v = json!({
        "id": gid,
        "lastUpdated": ids::ts(&last_updated),
        "priority": priority,
        "profile": data.map(|d| d.profile.clone()).unwrap_or_default(),
        "_links": {
            "app": {"href": format!("{public}/api/v1/apps/{}", app.id)},
            "self": {"href": format!("{public}/api/v1/apps/{}/groups/{gid}", app.id)},
            "group": {"href": format!("{public}/api/v1/groups/{gid}")},
        },
    });
    if expand == Some("group")
        && let Some(g) = org.find_group(gid).and_then(|s| org.groups.get(&s))
        && let Some(obj) = v.as_object_mut()
    {
        obj.insert("_embedded".into(), json!({"group": g.to_json(public)}));
    }
    Some(v)
}

pub(crate) async fn list_groups(State(st): St, Path(id): Id, uri: Uri) -> ApiResult {
    let params = Params::parse(uri.query());
    let page = params.page(20, 200)?;
    let q = params.get("q").filter(|s| !s.is_empty()).map(str::to_lowercase);
    let org = lock(&st.org);
    let app = app_ref(&org, &id)?;
    let mut items = Vec::new();
    for (i, gid) in app.groups.iter().enumerate() {
        if let Some(q) = &q {
            let name = org.find_group(gid).and_then(|s| org.groups.get(&s)).map(|g| g.name.to_lowercase());
            if !name.is_some_and(|n| n.starts_with(q)) {
                continue;
            }
        }
        if let Some(v) = group_assignment_json(&org, app, gid, &st.public, params.get("expand")) {
            items.push((i as u64 + 1, v));
        }
    }
    drop(org);
    Ok(page.links(&st.public, uri.path(), items))
}

pub(crate) async fn get_group(State(st): St, Path((id, gid)): Ids, uri: Uri) -> ApiResult {
    let params = Params::parse(uri.query());
    let org = lock(&st.org);
    let app = app_ref(&org, &id)?;
    let v = group_assignment_json(&org, app, &gid, &st.public, params.get("expand"))
        .ok_or_else(|| ApiError::not_found(&gid, "ApplicationGroupAssignment"))?;
    ok(v)
}

pub(crate) async fn assign_group(
    State(st): St,
    Acting(actor): Acting,
    Path((id, gid)): Ids,
    JsonBody(body): JsonBody,
) -> ApiResult {
    let priority = match body.get("priority") {
        None | Some(Value::Null) => None,
        Some(p) => Some(
            p.as_u64()
                .and_then(|p| usize::try_from(p).ok())
                .ok_or_else(|| ApiError::validation("priority", "priority: Must be a non-negative integer"))?,
        ),
    };
    let profile = match body.get("profile") {
        None | Some(Value::Null) => None,
        Some(Value::Object(p)) => Some(p.clone()),
        Some(_) => return Err(ApiError::validation("profile", "profile: Must be an object")),
    };
    let mut org = lock(&st.org);
    let gseq = org.group_or_404(&gid)?;
    let group_target = org.groups.get(&gseq).map(Org::group_target).ok_or_else(ApiError::internal)?;
    let app = app_mut(&mut org, &id)?;
    let newly = !app.groups.contains(&gid);
    app.groups.retain(|g| g != &gid);
    let at = priority.unwrap_or(if newly { app.groups.len() } else { usize::MAX }).min(app.groups.len());
    app.groups.insert(at, gid.clone());
    let now = Utc::now();
    let data =
        app.group_data.entry(gid.clone()).or_insert(GroupAssignmentData { last_updated: now, profile: Map::new() });
    if let Some(p) = profile {
        data.profile = p;
    }
    data.last_updated = now;
    let app_target = Org::app_target(app);
    log_assignment(&mut org, &actor, newly, "Add group to application", vec![group_target, app_target]);
    let app = app_ref(&org, &id)?;
    ok(group_assignment_json(&org, app, &gid, &st.public, None).ok_or_else(ApiError::internal)?)
}

pub(crate) async fn unassign_group(State(st): St, Acting(actor): Acting, Path((id, gid)): Ids) -> ApiResult {
    let mut org = lock(&st.org);
    let app = app_mut(&mut org, &id)?;
    if !app.groups.contains(&gid) {
        return Err(ApiError::not_found(&gid, "ApplicationGroupAssignment"));
    }
    app.groups.retain(|g| g != &gid);
    app.group_data.remove(&gid);
    let app_target = Org::app_target(app);
    log_app(&mut org, &actor, "application.user_membership.remove", "Remove group from application", vec![app_target]);
    no_content()
}

// ---------------------------------------------------------------- keys, metadata, grants

pub(crate) async fn list_keys(State(st): St, Path(id): Id) -> ApiResult {
    let org = lock(&st.org);
    let app = app_ref(&org, &id)?;
    ok(Value::Array(app.keys.iter().map(AppKey::to_json).collect()))
}

pub(crate) async fn generate_key(State(st): St, Acting(actor): Acting, Path(id): Id, uri: Uri) -> ApiResult {
    let params = Params::parse(uri.query());
    let years = params.get("validityYears").ok_or_else(|| ApiError::missing_parameter("validityYears"))?;
    let years = years.trim().parse::<i64>().ok().filter(|y| (2..=10).contains(y)).ok_or_else(|| {
        ApiError::validation("validityYears", "Validity years out of range. It should be 2 - 10 years")
    })?;
    let mut org = lock(&st.org);
    let _ = org.app_or_404(&id)?;
    let key = new_key(&mut org, years);
    let v = key.to_json();
    let app = app_mut(&mut org, &id)?;
    app.keys.push(key);
    let target = Org::app_target(app);
    log_app(&mut org, &actor, "app.keys.generate", "Generate app key", vec![target]);
    Ok(json_response(StatusCode::CREATED, v))
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

pub(crate) async fn saml_metadata(State(st): St, Path(id): Id, uri: Uri) -> Result<Response, ApiError> {
    let params = Params::parse(uri.query());
    let kid = params.get("kid").filter(|k| !k.is_empty()).ok_or_else(|| ApiError::missing_parameter("kid"))?;
    let org = lock(&st.org);
    let app = app_ref(&org, &id)?;
    if app.sign_on_mode() != "SAML_2_0" {
        return Err(ApiError::not_found(&format!("{id} SAML metadata"), "AppInstance"));
    }
    let key = app.keys.iter().find(|k| k.kid == kid).ok_or_else(|| ApiError::not_found(kid, "Key"))?;
    let sso = format!("{}/app/{}/{}/sso/saml", st.public, xml_escape(&app.name), app.id);
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" entityID=\"http://www.okta.com/{id}\">\
<md:IDPSSODescriptor WantAuthnRequestsSigned=\"false\" protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\">\
<md:KeyDescriptor use=\"signing\"><ds:KeyInfo xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:X509Data>\
<ds:X509Certificate>{cert}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>\
<md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified</md:NameIDFormat>\
<md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>\
<md:SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\" Location=\"{sso}\"/>\
<md:SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect\" Location=\"{sso}\"/>\
</md:IDPSSODescriptor></md:EntityDescriptor>",
        id = app.id,
        cert = key.x5c,
    );
    let mut resp = (StatusCode::OK, xml).into_response();
    resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/xml"));
    Ok(resp)
}

pub(crate) async fn list_grants(State(st): St, Path(id): Id, uri: Uri) -> ApiResult {
    let params = Params::parse(uri.query());
    let expand_scope = params.get("expand") == Some("scope");
    let org = lock(&st.org);
    let app = app_ref(&org, &id)?;
    let base = format!("{}/api/v1/apps/{}", st.public, app.id);
    let grants: Vec<Value> = app
        .grants
        .iter()
        .map(|g| {
            let issuer = if g.issuer.is_empty() { st.public.clone() } else { g.issuer.clone() };
            let mut v = json!({
                "id": g.id,
                "status": "ACTIVE",
                "created": ids::ts(&g.created),
                "lastUpdated": ids::ts(&g.created),
                "createdBy": {"id": g.created_by, "type": "User"},
                "clientId": app.id,
                "issuer": issuer,
                "scopeId": g.scope_id,
                "source": "ADMIN",
                "_links": {
                    "self": {"href": format!("{base}/grants/{}", g.id), "hints": {"allow": ["GET", "DELETE"]}},
                    "app": {"href": base},
                    "client": {"href": format!("{}/oauth2/v1/clients/{}", st.public, app.id)},
                },
            });
            if expand_scope && let Some(obj) = v.as_object_mut() {
                obj.insert("_embedded".into(), json!({"scope": {"id": g.scope_id}}));
            }
            v
        })
        .collect();
    ok(Value::Array(grants))
}
