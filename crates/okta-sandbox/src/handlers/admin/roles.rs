//! Admin roles: custom roles and resource sets (read), role assignments to users (standard roles live in the
//! org's `roles`, custom ones in the admin store) and to groups.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::Utc;
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::handlers::{Acting, ApiResult, Id, Ids, JsonBody, St, json_response, no_content, ok};
use crate::org::admin::{AdminStore, RoleGrant, custom_role_json, resource_set_json, standard_label, with_admin};
use crate::org::collection::str_of;
use crate::org::{Actor, GroupType, Org, RoleAssignment};
use crate::seed::api_client;

pub(crate) async fn list_roles(State(st): St) -> ApiResult {
    let roles: Vec<Value> =
        with_admin(&st, |_, s| s.custom_roles.iter().map(|r| custom_role_json(r, &st.public)).collect());
    ok(json!({"roles": roles, "_links": {}}))
}

pub(crate) async fn get_role(State(st): St, Path(key): Id) -> ApiResult {
    with_admin(&st, |_, s| s.custom_role(&key).map(|r| custom_role_json(r, &st.public)))
        .map_or_else(|| Err(ApiError::not_found(&key, "CustomRole")), ok)
}

pub(crate) async fn list_resource_sets(State(st): St) -> ApiResult {
    let sets: Vec<Value> =
        with_admin(&st, |_, s| s.resource_sets.iter().map(|r| resource_set_json(r, &st.public)).collect());
    ok(json!({"resource-sets": sets, "_links": {}}))
}

pub(crate) async fn get_resource_set(State(st): St, Path(key): Id) -> ApiResult {
    with_admin(&st, |_, s| s.resource_set(&key).map(|r| resource_set_json(r, &st.public)))
        .map_or_else(|| Err(ApiError::not_found(&key, "ResourceSet")), ok)
}

/// What a POST …/roles body asks for: a standard role type, or a custom role (id) on a resource set (id).
fn requested_role(store: &AdminStore, body: &Value) -> Result<(String, Option<(String, String)>), ApiError> {
    let Some(role_type) = body.get("type").and_then(Value::as_str) else {
        return Err(ApiError::validation("type", "type: The field cannot be left blank"));
    };
    if role_type == "CUSTOM" {
        let role = body.get("role").and_then(Value::as_str).unwrap_or_default();
        let set = body.get("resource-set").and_then(Value::as_str).unwrap_or_default();
        if role.is_empty() || set.is_empty() {
            return Err(ApiError::validation("role", "role and resource-set are required for a CUSTOM role"));
        }
        let role = store.custom_role(role).ok_or_else(|| ApiError::not_found(role, "CustomRole"))?;
        let set = store.resource_set(set).ok_or_else(|| ApiError::not_found(set, "ResourceSet"))?;
        return Ok(("CUSTOM".into(), Some((str_of(role, "id").to_owned(), str_of(set, "id").to_owned()))));
    }
    if standard_label(role_type).is_none() {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "E0000091",
            "The provided role type was not the same as required role type.",
        )
        .with_cause(format!("type: unknown role type {role_type}")));
    }
    Ok((role_type.to_string(), None))
}

fn duplicate() -> ApiError {
    ApiError::new(StatusCode::CONFLICT, "E0000090", "The role specified is already assigned to the user.")
}

fn log_grant(org: &mut Org, actor: &Actor, event_type: &str, display: &str, target: Value, detail: &str) {
    let privilege = json!({"id": detail, "type": "ROLE", "alternateId": detail, "displayName": detail});
    org.log(Utc::now(), event_type, display, actor, vec![target, privilege], ("SUCCESS", None), None, &api_client());
}

pub(crate) async fn assign_to_user(
    State(st): St,
    Acting(actor): Acting,
    Path(id): Id,
    JsonBody(body): JsonBody,
) -> ApiResult {
    with_admin(&st, |org, store| {
        let seq = org.user_or_404(&id)?;
        let user = org.users.get(&seq).cloned().ok_or_else(|| ApiError::not_found(&id, "User"))?;
        let (role_type, custom) = requested_role(store, &body)?;
        let assignee = format!("/api/v1/users/{}", user.id);
        let value = match custom {
            Some((role, set)) => {
                let existing = store.user_custom_roles.get(&user.id).into_iter().flatten();
                if existing.clone().any(|g| g.custom.as_ref() == Some(&(role.clone(), set.clone()))) {
                    return Err(duplicate());
                }
                let grant = RoleGrant {
                    id: org.random.id(crate::org::random::Stream::Admin, "irb"),
                    role_type,
                    custom: Some((role, set)),
                    created: Utc::now(),
                };
                let v = grant.to_json(store, &st.public, "USER", &assignee);
                store.user_custom_roles.entry(user.id.clone()).or_default().push(grant);
                v
            }
            None => {
                if org.roles.get(&user.id).into_iter().flatten().any(|r| r.role_type == role_type) {
                    return Err(duplicate());
                }
                let ra = RoleAssignment { id: org.new_id("ra1"), role_type, created: Utc::now() };
                let v = ra.to_json(&st.public, &user.id);
                org.roles.entry(user.id.clone()).or_default().push(ra);
                v
            }
        };
        let label = value["label"].as_str().unwrap_or_default().to_string();
        log_grant(org, &actor, "user.account.privilege.grant", "Grant user privilege", Org::user_target(&user), &label);
        Ok(json_response(StatusCode::CREATED, value))
    })
}

pub(crate) async fn get_user_role(State(st): St, Path((id, ra)): Ids) -> ApiResult {
    with_admin(&st, |org, store| {
        let seq = org.user_or_404(&id)?;
        let uid = org.users.get(&seq).map(|u| u.id.clone()).unwrap_or_default();
        if let Some(r) = org.roles.get(&uid).into_iter().flatten().find(|r| r.id == ra) {
            return ok(r.to_json(&st.public, &uid));
        }
        let grant = store.user_custom_roles.get(&uid).into_iter().flatten().find(|g| g.id == ra).cloned();
        match grant {
            Some(g) => ok(g.to_json(store, &st.public, "USER", &format!("/api/v1/users/{uid}"))),
            None => Err(ApiError::not_found(&ra, "RoleAssignment")),
        }
    })
}

pub(crate) async fn unassign_from_user(State(st): St, Acting(actor): Acting, Path((id, ra)): Ids) -> ApiResult {
    with_admin(&st, |org, store| {
        let seq = org.user_or_404(&id)?;
        let user = org.users.get(&seq).cloned().ok_or_else(|| ApiError::not_found(&id, "User"))?;
        let mut label = None;
        if let Some(roles) = org.roles.get_mut(&user.id)
            && let Some(pos) = roles.iter().position(|r| r.id == ra)
        {
            label = Some(roles.remove(pos).label().to_string());
        }
        if label.is_none()
            && let Some(grants) = store.user_custom_roles.get_mut(&user.id)
            && let Some(pos) = grants.iter().position(|g| g.id == ra)
        {
            label = Some(grants.remove(pos).role_type);
        }
        let Some(label) = label else { return Err(ApiError::not_found(&ra, "RoleAssignment")) };
        log_grant(
            org,
            &actor,
            "user.account.privilege.revoke",
            "Revoke user privilege",
            Org::user_target(&user),
            &label,
        );
        no_content()
    })
}

/// The group, or 404.
fn group_of(org: &Org, id: &str) -> Result<crate::org::Group, ApiError> {
    let seq = org.group_or_404(id)?;
    org.groups.get(&seq).cloned().ok_or_else(|| ApiError::not_found(id, "UserGroup"))
}

pub(crate) async fn list_group_roles(State(st): St, Path(gid): Id) -> ApiResult {
    with_admin(&st, |org, store| {
        let group = group_of(org, &gid)?;
        let assignee = format!("/api/v1/groups/{}", group.id);
        let roles: Vec<Value> = store
            .group_roles
            .get(&group.id)
            .into_iter()
            .flatten()
            .map(|g| g.to_json(store, &st.public, "GROUP", &assignee))
            .collect();
        ok(Value::Array(roles))
    })
}

pub(crate) async fn assign_to_group(
    State(st): St,
    Acting(actor): Acting,
    Path(gid): Id,
    JsonBody(body): JsonBody,
) -> ApiResult {
    with_admin(&st, |org, store| {
        let group = group_of(org, &gid)?;
        match group.gtype {
            GroupType::BuiltIn => {
                return Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "E0000211",
                    format!("Roles cannot be granted to built-in groups: {}", group.name),
                ));
            }
            GroupType::AppGroup => {
                return Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "E0000194",
                    format!("Roles can only be granted to Okta groups, AD groups and LDAP groups. {}", group.name),
                ));
            }
            _ => {}
        }
        let (role_type, custom) = requested_role(store, &body)?;
        let existing = store.group_roles.get(&group.id).into_iter().flatten();
        if existing.clone().any(|g| g.role_type == role_type && g.custom == custom) {
            return Err(duplicate());
        }
        let prefix = if custom.is_some() { "irb" } else { "gra" };
        let grant = RoleGrant {
            id: org.random.id(crate::org::random::Stream::Admin, prefix),
            role_type,
            custom,
            created: Utc::now(),
        };
        let value = grant.to_json(store, &st.public, "GROUP", &format!("/api/v1/groups/{}", group.id));
        store.group_roles.entry(group.id.clone()).or_default().push(grant);
        let label = value["label"].as_str().unwrap_or_default().to_string();
        log_grant(org, &actor, "group.privilege.grant", "Grant group privilege", Org::group_target(&group), &label);
        Ok(json_response(StatusCode::OK, value))
    })
}

pub(crate) async fn get_group_role(State(st): St, Path((gid, ra)): Ids) -> ApiResult {
    with_admin(&st, |org, store| {
        let group = group_of(org, &gid)?;
        let grant = store.group_roles.get(&group.id).into_iter().flatten().find(|g| g.id == ra).cloned();
        match grant {
            Some(g) => ok(g.to_json(store, &st.public, "GROUP", &format!("/api/v1/groups/{}", group.id))),
            None => Err(ApiError::not_found(&ra, "RoleAssignment")),
        }
    })
}

pub(crate) async fn unassign_from_group(State(st): St, Acting(actor): Acting, Path((gid, ra)): Ids) -> ApiResult {
    with_admin(&st, |org, store| {
        let group = group_of(org, &gid)?;
        let grants = store.group_roles.entry(group.id.clone()).or_default();
        let Some(pos) = grants.iter().position(|g| g.id == ra) else {
            return Err(ApiError::not_found(&ra, "RoleAssignment"));
        };
        let removed = grants.remove(pos);
        log_grant(
            org,
            &actor,
            "group.privilege.revoke",
            "Revoke group privilege",
            Org::group_target(&group),
            &removed.role_type,
        );
        no_content()
    })
}
