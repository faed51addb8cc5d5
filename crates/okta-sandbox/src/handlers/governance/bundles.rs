//! Entitlement bundles (`/governance/api/v1/entitlement-bundles`) and revoking a principal's access
//! (`/governance/api/v2/revoke-principal-access`: bundles and entitlement values by ORN).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::Uri;
use serde_json::{Value, json};

use super::{data_page, invalid, with_org};
use crate::error::ApiError;
use crate::filter;
use crate::governance_model::user_orn;
use crate::handlers::{ApiResult, Params, St, json_body, ok, page_after, parse_expr};
use crate::policy_model::{now, position_of, str_of};

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
    let limit = params.limit(20, 200);
    let after = params.after()?;
    let full = params.get("include").is_some_and(|i| i.contains("full_entitlements"));
    let expr = params.get("filter").filter(|f| !f.trim().is_empty()).map(parse_expr).transpose()?;
    let items: Vec<(u64, Value)> = with_org(&st, |org| {
        Ok(org
            .governance
            .bundles
            .iter()
            .enumerate()
            .filter(|(_, b)| expr.as_ref().is_none_or(|e| filter::eval(e, b)))
            .map(|(i, b)| (i as u64 + 1, bundle_json(b, &st.public, full)))
            .collect())
    })?;
    let total = items.len();
    let (page, next) = page_after(items, after, limit);
    Ok(data_page(&st.public, BUNDLES, &params, limit, (page, next), Some(total)))
}

pub(crate) async fn get_one(State(st): St, Path(id): Path<String>) -> ApiResult {
    let b = with_org(&st, |org| {
        position_of(&org.governance.bundles, &id)
            .and_then(|i| org.governance.bundles.get(i).cloned())
            .ok_or_else(|| ApiError::not_found(&id, "EntitlementBundle"))
    })?;
    ok(bundle_json(&b, &st.public, true))
}

/// `POST /governance/api/v2/revoke-principal-access`: end the principal's grants of the given bundles, and deny
/// the given entitlement values (at most five ORNs, as Okta allows).
pub(crate) async fn revoke_principal_access(State(st): St, body: Bytes) -> ApiResult {
    let body = json_body(&body)?;
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
                let app = org.apps.iter_mut().find(|a| a.id == id);
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
                let gid = gov.new_id("gra");
                let mut g = crate::governance_seed::grant(
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
