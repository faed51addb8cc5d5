//! Entitlement bundles (`/governance/api/v1/entitlement-bundles`: list, read, create, replace, delete) and revoking
//! a principal's access (`/governance/api/v2/revoke-principal-access`: bundles and entitlement values by ORN).

use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use serde_json::{Value, json};

use super::entitlements::{check_entitlements, text_prop};
use super::{invalid, with_org};
use crate::error::ApiError;
use crate::filter;
use crate::handlers::{ApiResult, Id, JsonBody, Params, St, json_response, no_content, ok};
use crate::org::collection::{Collection, now, str_of};
use crate::org::governance::{GovOrg, app_orn, bundle_orn, user_orn};

const BUNDLES: &str = "/governance/api/v1/entitlement-bundles";

fn bundle_json(b: &Value, public: &str, full: bool) -> Value {
    let mut v = b.clone();
    if !full && let Value::Object(o) = &mut v {
        o.remove("entitlements");
    }
    v["_links"] = json!({"self": {"href": format!("{public}{BUNDLES}/{}", str_of(b, "id"))}});
    v
}

pub(crate) async fn list(State(st): St, uri: Uri) -> ApiResult {
    let params = Params::parse(uri.query());
    let page = params.page(20, 200)?;
    let full = params.get("include").is_some_and(|i| i.contains("full_entitlements"));
    let expr = params.expr_unless_blank("filter")?;
    let items: Vec<(u64, Value)> = with_org(&st, |org| {
        Ok(org
            .governance
            .bundles
            .listed(|b| expr.as_ref().is_none_or(|e| filter::eval(e, b)), |b| bundle_json(b, &st.public, full)))
    })?;
    let total = items.len();
    Ok(page.data(&st.public, BUNDLES, items, Some(total)))
}

pub(crate) async fn get_one(State(st): St, Path(id): Id) -> ApiResult {
    let b = with_org(&st, |org| org.governance.bundles.or_404(&id, "EntitlementBundle").cloned())?;
    ok(bundle_json(&b, &st.public, true))
}

/// 400 E0000028, Okta's answer to a bundle without a name, target or entitlements.
fn missing(what: &str) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "E0000028", "The request is missing a required parameter.")
        .with_cause(format!("The {what} for a entitlement bundle must be specified."))
}

/// 409 E0000169, Okta's answer to changing or deleting a DELETED bundle.
fn deleted(id: &str) -> ApiError {
    ApiError::new(StatusCode::CONFLICT, "E0000169", "Object status conflicts with requested operation.")
        .with_cause(format!("An entitlement bundle with status DELETED may not be changed or deleted ({id})."))
}

/// The name, description, app and entitlements of a bundle body, checked against the org (`id`: the bundle
/// being replaced, whose name it may keep).
fn checked(gov: &GovOrg, apps: &[String], body: &Value, id: Option<&str>) -> Result<(String, String, Value), ApiError> {
    let name = match text_prop(body, "name", 255) {
        Ok(Some(n)) => n.to_owned(),
        Ok(None) => return Err(missing("name")),
        Err(c) => return Err(invalid("EntitlementBundle", vec![c])),
    };
    if let Err(c) = text_prop(body, "description", 1000) {
        return Err(invalid("EntitlementBundle", vec![c]));
    }
    let target = body.get("target").filter(|t| t.is_object()).ok_or_else(|| missing("settings"))?;
    let app = str_of(target, "externalId").to_owned();
    if str_of(target, "type") != "APPLICATION" || !apps.contains(&app) {
        return Err(invalid("EntitlementBundle", vec![format!("target: no APPLICATION {app:?}")]));
    }
    if body.get("entitlements").and_then(Value::as_array).is_none_or(Vec::is_empty) {
        return Err(missing("entitlements"));
    }
    let entitlements = check_entitlements(gov, "EntitlementBundle", &app, &body["entitlements"], false)?;
    if gov.bundles.iter().any(|b| {
        Some(str_of(b, "id")) != id && str_of(b, "status") != "DELETED" && str_of(b, "name").eq_ignore_ascii_case(&name)
    }) {
        return Err(invalid("EntitlementBundle", vec![format!("name: a bundle named {name:?} already exists")]));
    }
    Ok((name, app, entitlements))
}

/// `POST /governance/api/v1/entitlement-bundles`.
pub(crate) async fn create(State(st): St, JsonBody(body): JsonBody) -> ApiResult {
    let b = with_org(&st, |org| {
        let apps: Vec<String> = org.apps.iter().map(|a| a.id.clone()).collect();
        let (name, app, entitlements) = checked(&org.governance, &apps, &body, None)?;
        let (by, at) = (org.admin_id.clone(), now());
        let id = crate::org::governance::new_id(&mut org.random, "enb");
        let mut b = json!({
            "id": id, "name": name, "orn": bundle_orn(&id), "status": "ACTIVE",
            "targetResourceOrn": app_orn(&app), "target": {"externalId": app, "type": "APPLICATION"},
            "entitlements": entitlements,
            "created": at, "createdBy": by, "lastUpdated": at, "lastUpdatedBy": by,
        });
        if let Some(d) = body.get("description").filter(|d| d.is_string()) {
            b["description"] = d.clone();
        }
        org.governance.bundles.push(b.clone());
        Ok(b)
    })?;
    Ok(json_response(StatusCode::CREATED, bundle_json(&b, &st.public, true)))
}

/// End the active grants of a bundle (what Okta does when the bundle is deleted).
fn end_grants(gov: &mut GovOrg, id: &str, by: &str, at: &str) {
    for g in gov.grants.iter_mut().filter(|g| str_of(g, "entitlementBundleId") == id && str_of(g, "status") == "ACTIVE")
    {
        g["status"] = json!("INACTIVE");
        g["lastUpdated"] = json!(at);
        g["lastUpdatedBy"] = json!(by);
    }
}

/// `PUT /governance/api/v1/entitlement-bundles/{id}`: replaces name, description, status and entitlements;
/// the bundle's active grants take the new entitlements.
pub(crate) async fn replace(State(st): St, Path(id): Id, JsonBody(body): JsonBody) -> ApiResult {
    let b = with_org(&st, |org| {
        let apps: Vec<String> = org.apps.iter().map(|a| a.id.clone()).collect();
        let (by, at) = (org.admin_id.clone(), now());
        let gov = &mut org.governance;
        let i = gov.bundles.index_or_404(&id, "EntitlementBundle")?;
        if str_of(&gov.bundles[i], "status") == "DELETED" {
            return Err(deleted(&id));
        }
        if str_of(&body, "id") != id {
            return Err(invalid("EntitlementBundle", vec![format!("id: must be {id}")]));
        }
        if text_prop(&body, "targetResourceOrn", 1000).ok().flatten().is_none() {
            return Err(ApiError::missing_parameter("targetResourceOrn"));
        }
        let status = match body.get("status").and_then(Value::as_str) {
            None => "ACTIVE",
            Some(s @ ("ACTIVE" | "DELETED")) => s,
            Some(s) => {
                return Err(invalid("EntitlementBundle", vec![format!("status: {s:?} is not ACTIVE or DELETED")]));
            }
        };
        let (name, app, entitlements) = checked(gov, &apps, &body, Some(&id))?;
        if app != str_of(&gov.bundles[i]["target"], "externalId") {
            return Err(invalid("EntitlementBundle", vec!["target: a bundle's app cannot change".into()]));
        }
        let b = &mut gov.bundles[i];
        b["name"] = json!(name);
        match body.get("description").filter(|d| d.is_string()) {
            Some(d) => b["description"] = d.clone(),
            None => {
                if let Value::Object(o) = b {
                    o.remove("description");
                }
            }
        }
        b["entitlements"] = entitlements.clone();
        b["status"] = json!(status);
        b["lastUpdated"] = json!(at);
        b["lastUpdatedBy"] = json!(by);
        let b = b.clone();
        for g in
            gov.grants.iter_mut().filter(|g| str_of(g, "entitlementBundleId") == id && str_of(g, "status") == "ACTIVE")
        {
            g["entitlements"] = entitlements.clone();
            g["lastUpdated"] = json!(at);
        }
        if status == "DELETED" {
            end_grants(gov, &id, &by, &at);
        }
        Ok(b)
    })?;
    ok(bundle_json(&b, &st.public, true))
}

/// `DELETE /governance/api/v1/entitlement-bundles/{id}`: the bundle becomes DELETED and Okta revokes it from the
/// users who hold it; deleting it again is a 409.
pub(crate) async fn delete(State(st): St, Path(id): Id) -> ApiResult {
    with_org(&st, |org| {
        let (by, at) = (org.admin_id.clone(), now());
        let gov = &mut org.governance;
        let i = gov.bundles.index_or_404(&id, "EntitlementBundle")?;
        if str_of(&gov.bundles[i], "status") == "DELETED" {
            return Err(deleted(&id));
        }
        gov.bundles[i]["status"] = json!("DELETED");
        gov.bundles[i]["lastUpdated"] = json!(at);
        gov.bundles[i]["lastUpdatedBy"] = json!(by);
        end_grants(gov, &id, &by, &at);
        Ok(())
    })?;
    no_content()
}

/// `POST /governance/api/v2/revoke-principal-access`: end the principal's grants of the given bundles, and deny
/// the given entitlement values (at most five ORNs, as Okta allows).
pub(crate) async fn revoke_principal_access(State(st): St, JsonBody(body): JsonBody) -> ApiResult {
    let principal = str_of(&body, "principalOrn").to_owned();
    let orns: Vec<String> = body["revokeOrns"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).map(str::to_owned).collect())
        .unwrap_or_default();
    if orns.is_empty() || orns.len() > 5 {
        return Err(invalid("RevokePrincipalAccess", vec!["revokeOrns: give 1 to 5 ORNs".into()]));
    }
    if orns.len() > 1 && orns.iter().any(|o| o.contains(":apps:")) {
        return Err(invalid("RevokePrincipalAccess", vec!["revokeOrns: an app ORN must be revoked on its own".into()]));
    }
    let apps = with_org(&st, |org| {
        let user =
            org.users.values().find(|u| user_orn(&u.id) == principal).map(|u| u.id.clone()).ok_or_else(|| {
                invalid("RevokePrincipalAccess", vec![format!("principalOrn: no user {principal:?}")])
            })?;
        let admin = org.admin_id.clone();
        let actor = match str_of(&body, "actor") {
            "" => "API",
            a => a,
        };
        let gov = &mut org.governance;
        let mut apps = Vec::new();
        for orn in &orns {
            let id = orn.rsplit(':').next().unwrap_or_default();
            if orn.contains(":entitlement-bundles:") {
                let mut found = false;
                for g in gov.grants.iter_mut().filter(|g| {
                    str_of(g, "entitlementBundleId") == id
                        && str_of(&g["targetPrincipal"], "externalId") == user
                        && str_of(g, "status") == "ACTIVE"
                }) {
                    g["status"] = json!("INACTIVE");
                    g["lastUpdated"] = json!(now());
                    g["lastUpdatedBy"] = json!(admin);
                    apps.push(str_of(&g["target"], "externalId").to_owned());
                    found = true;
                }
                if !found {
                    return Err(invalid("RevokePrincipalAccess", vec![format!("revokeOrns: {orn} is not granted")]));
                }
                super::requests::mark_revoked(gov, &user, "ENTITLEMENT_BUNDLE", id);
            } else if orn.contains(":apps:") {
                // An app: the user's direct assignment goes (access through a group stays with the group).
                let app = org.apps.by_id_mut(id);
                if !app.is_some_and(|a| super::requests::unassign_directly(a, &user)) {
                    return Err(invalid(
                        "RevokePrincipalAccess",
                        vec![format!("revokeOrns: {orn} is not assigned to the user directly")],
                    ));
                }
                super::requests::mark_revoked(gov, &user, "APPLICATION", id);
                apps.push(id.to_owned());
            } else if orn.contains(":entitlement-values:") {
                let Some(e) = gov
                    .entitlements
                    .iter()
                    .find(|e| e["values"].as_array().into_iter().flatten().any(|v| str_of(v, "id") == id))
                else {
                    return Err(invalid("RevokePrincipalAccess", vec![format!("revokeOrns: unknown {orn}")]));
                };
                let (eid, app) = (str_of(e, "id").to_owned(), str_of(&e["parent"], "externalId").to_owned());
                let gid = crate::org::governance::new_id(&mut org.random, "gra");
                let mut g = crate::seed::governance::grant(
                    &gid,
                    "CUSTOM",
                    "DENY",
                    actor,
                    (&app, &user),
                    json!([{"id": eid, "values": [{"id": id}]}]),
                    &now(),
                );
                g["createdBy"] = json!(admin);
                gov.grants.push(g);
                apps.push(app);
            } else {
                return Err(invalid(
                    "RevokePrincipalAccess",
                    vec![format!("revokeOrns: {orn} cannot be revoked here")],
                ));
            }
        }
        apps.dedup();
        Ok((user, apps))
    })?;
    let (user, apps) = apps;
    let public = &st.public;
    let data: Vec<Value> = apps
        .iter()
        .map(|app| {
            let f = format!(
                "parent.externalId eq \"{app}\" AND parent.type eq \"APPLICATION\" AND targetPrincipal.externalId eq \
                 \"{user}\" AND targetPrincipal.type eq \"OKTA_USER\""
            );
            json!({"_links": {
                "principal-access": {"href": format!("{public}/governance/api/v1/principal-access?filter={f}")},
                "principal-entitlements": {"href": format!("{public}/governance/api/v1/principal-entitlements?filter={f}")},
            }})
        })
        .collect();
    ok(json!({"data": data}))
}
