//! Entitlements of apps and their values (`/governance/api/v1/entitlements`), grants (`/governance/api/v1/grants`),
//! and what a user ends up with: principal entitlements and principal access (which grant gave what).

use std::collections::{BTreeMap, BTreeSet};

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use serde_json::{Map, Value, json};

use super::{data_page, invalid, with_org};
use crate::error::ApiError;
use crate::filter;
use crate::governance_model::GovOrg;
use crate::governance_seed::grant;
use crate::handlers::{ApiResult, Params, St, json_body, json_response, ok, page_after, parse_expr};
use crate::policy_model::{now, position_of, str_of};

const ENTITLEMENTS: &str = "/governance/api/v1/entitlements";
const GRANTS: &str = "/governance/api/v1/grants";

fn entitlement_json(e: &Value, public: &str, with_values: bool) -> Value {
    let mut v = e.clone();
    let id = str_of(e, "id");
    if with_values {
        v["values"] =
            json!(e["values"].as_array().into_iter().flatten().map(|x| value_json(x, public)).collect::<Vec<_>>());
    } else if let Value::Object(o) = &mut v {
        o.remove("values");
    }
    v["_links"] = json!({
        "self": {"href": format!("{public}{ENTITLEMENTS}/{id}")},
        "values": {"href": format!("{public}{ENTITLEMENTS}/{id}/values")},
    });
    v
}

fn value_json(x: &Value, public: &str) -> Value {
    let mut v = x.clone();
    v["_links"] = json!({"self": {"href": format!("{public}{ENTITLEMENTS}/{}/values/{}", str_of(x, "entitlementId"),
        str_of(x, "id"))}});
    v
}

fn grant_json(g: &Value, public: &str) -> Value {
    let mut v = g.clone();
    v["_links"] = json!({"self": {"href": format!("{public}{GRANTS}/{}", str_of(g, "id"))}});
    v
}

fn positioned(items: Vec<Value>, params: &Params) -> Result<Vec<(u64, Value)>, ApiError> {
    let expr = params.get("filter").filter(|f| !f.trim().is_empty()).map(parse_expr).transpose()?;
    Ok(items
        .into_iter()
        .enumerate()
        .filter(|(_, v)| expr.as_ref().is_none_or(|e| filter::eval(e, v)))
        .map(|(i, v)| (i as u64 + 1, v))
        .collect())
}

pub(crate) async fn list(State(st): St, uri: Uri) -> ApiResult {
    let params = Params::parse(uri.query());
    let limit = params.limit(20, 200);
    let after = params.after()?;
    let items = with_org(&st, |org| {
        positioned(
            org.governance.entitlements.iter().map(|e| entitlement_json(e, &st.public, false)).collect(),
            &params,
        )
    })?;
    let total = items.len();
    let (page, next) = page_after(items, after, limit);
    Ok(data_page(&st.public, ENTITLEMENTS, &params, limit, (page, next), Some(total)))
}

fn entitlement<'a>(gov: &'a GovOrg, id: &str) -> Result<&'a Value, ApiError> {
    position_of(&gov.entitlements, id)
        .and_then(|i| gov.entitlements.get(i))
        .ok_or_else(|| ApiError::not_found(id, "Entitlement"))
}

pub(crate) async fn get_one(State(st): St, Path(id): Path<String>) -> ApiResult {
    let e = with_org(&st, |org| entitlement(&org.governance, &id).cloned())?;
    ok(entitlement_json(&e, &st.public, true))
}

pub(crate) async fn values(State(st): St, Path(id): Path<String>, uri: Uri) -> ApiResult {
    let params = Params::parse(uri.query());
    let limit = params.limit(20, 200);
    let after = params.after()?;
    let items = with_org(&st, |org| {
        let e = entitlement(&org.governance, &id)?;
        positioned(e["values"].as_array().into_iter().flatten().map(|x| value_json(x, &st.public)).collect(), &params)
    })?;
    let total = items.len();
    let (page, next) = page_after(items, after, limit);
    Ok(data_page(&st.public, &format!("{ENTITLEMENTS}/{id}/values"), &params, limit, (page, next), Some(total)))
}

pub(crate) async fn value(State(st): St, Path((id, value_id)): Path<(String, String)>) -> ApiResult {
    let v = with_org(&st, |org| {
        let e = entitlement(&org.governance, &id)?;
        e["values"]
            .as_array()
            .and_then(|vs| vs.iter().find(|v| str_of(v, "id") == value_id))
            .cloned()
            .ok_or_else(|| ApiError::not_found(&value_id, "EntitlementValue"))
    })?;
    ok(value_json(&v, &st.public))
}

pub(crate) async fn list_grants(State(st): St, uri: Uri) -> ApiResult {
    let params = Params::parse(uri.query());
    let limit = params.limit(20, 200);
    let after = params.after()?;
    let items = with_org(&st, |org| {
        positioned(org.governance.grants.iter().map(|g| grant_json(g, &st.public)).collect(), &params)
    })?;
    let (page, next) = page_after(items, after, limit);
    Ok(data_page(&st.public, GRANTS, &params, limit, (page, next), None))
}

pub(crate) async fn get_grant(State(st): St, Path(id): Path<String>, uri: Uri) -> ApiResult {
    // Entitlements only with `include=full_entitlements`, as Okta's two grant shapes (with and without) have it.
    let full = Params::parse(uri.query()).get("include").is_some_and(|i| i.contains("full_entitlements"));
    let mut g = with_org(&st, |org| {
        position_of(&org.governance.grants, &id)
            .and_then(|i| org.governance.grants.get(i).cloned())
            .ok_or_else(|| ApiError::not_found(&id, "Grant"))
    })?;
    if !full && let Value::Object(o) = &mut g {
        o.remove("entitlements");
    }
    ok(grant_json(&g, &st.public))
}

/// Check a grant's `entitlements` against the target app: known entitlements of that app, known values, one
/// value for a single-valued entitlement. Answers them as `[{id, values: [{id}]}]`.
fn check_entitlements(gov: &GovOrg, app: &str, requested: &Value) -> Result<Value, ApiError> {
    let mut out = Vec::new();
    for item in requested.as_array().map(Vec::as_slice).unwrap_or_default() {
        let id = str_of(item, "id");
        let e = entitlement(gov, id)
            .map_err(|_| invalid("Grant", vec![format!("entitlements: unknown entitlement {id}")]))?;
        if str_of(&e["parent"], "externalId") != app {
            return Err(invalid("Grant", vec![format!("entitlements: {id} is not an entitlement of {app}")]));
        }
        let values: Vec<&str> = item["values"].as_array().into_iter().flatten().map(|v| str_of(v, "id")).collect();
        if values.is_empty() {
            return Err(invalid("Grant", vec![format!("entitlements: give at least one value of {id}")]));
        }
        if values.len() > 1 && e["multiValue"] != true {
            return Err(invalid("Grant", vec![format!("entitlements: {id} takes a single value")]));
        }
        for v in &values {
            if !e["values"].as_array().into_iter().flatten().any(|x| str_of(x, "id") == *v) {
                return Err(invalid("Grant", vec![format!("entitlements: {v} is not a value of {id}")]));
            }
        }
        out.push(json!({"id": id, "values": values.iter().map(|v| json!({"id": v})).collect::<Vec<_>>()}));
    }
    Ok(Value::Array(out))
}

pub(crate) async fn create_grant(State(st): St, body: Bytes) -> ApiResult {
    let body = json_body(&body)?;
    let g = with_org(&st, |org| {
        let grant_type = str_of(&body, "grantType");
        if !matches!(grant_type, "CUSTOM" | "POLICY" | "ENTITLEMENT" | "ENTITLEMENT-BUNDLE") {
            return Err(invalid(
                "Grant",
                vec!["grantType: must be CUSTOM, ENTITLEMENT, POLICY or ENTITLEMENT-BUNDLE".into()],
            ));
        }
        let bundle = if grant_type == "ENTITLEMENT-BUNDLE" {
            let id = str_of(&body, "entitlementBundleId");
            let b = org
                .governance
                .bundles
                .iter()
                .find(|b| str_of(b, "id") == id)
                .ok_or_else(|| invalid("Grant", vec![format!("entitlementBundleId: no bundle {id:?}")]))?;
            Some(b.clone())
        } else {
            None
        };
        let principal = &body["targetPrincipal"];
        let user = str_of(principal, "externalId").to_owned();
        if str_of(principal, "type") != "OKTA_USER" || !org.users.values().any(|u| u.id == user) {
            return Err(invalid("Grant", vec![format!("targetPrincipal: no OKTA_USER {user:?}")]));
        }
        let target = bundle.as_ref().map_or(&body["target"], |b| &b["target"]);
        let app = str_of(target, "externalId").to_owned();
        if str_of(target, "type") != "APPLICATION" || !org.apps.iter().any(|a| a.id == app) {
            return Err(invalid("Grant", vec![format!("target: no APPLICATION {app:?}")]));
        }
        let action = body.get("action").and_then(Value::as_str).unwrap_or("ALLOW");
        let actor = body.get("actor").and_then(Value::as_str).unwrap_or("API");
        if !matches!(action, "ALLOW" | "DENY") || !matches!(actor, "API" | "ACCESS_REQUEST" | "NONE" | "ADMIN") {
            return Err(invalid(
                "Grant",
                vec!["action must be ALLOW or DENY; actor API, ACCESS_REQUEST, NONE or ADMIN".into()],
            ));
        }
        let entitlements = match &bundle {
            Some(b) => b["entitlements"].clone(),
            None => check_entitlements(&org.governance, &app, &body["entitlements"])?,
        };
        if matches!(grant_type, "CUSTOM" | "ENTITLEMENT")
            && action == "ALLOW"
            && entitlements.as_array().is_none_or(Vec::is_empty)
        {
            return Err(invalid(
                "Grant",
                vec!["entitlements: a CUSTOM grant gives at least one entitlement value".into()],
            ));
        }
        let id = org.governance.new_id("gra");
        let mut g = grant(&id, grant_type, action, actor, (&app, &user), entitlements, &now());
        g["createdBy"] = json!(org.admin_id);
        g["lastUpdatedBy"] = json!(org.admin_id);
        if let Some(b) = &bundle {
            g["entitlementBundleId"] = b["id"].clone();
        }
        if let Some(s) = body.get("scheduleSettings").filter(|s| s.is_object()) {
            g["scheduleSettings"] = s.clone();
        }
        org.governance.grants.push(g.clone());
        Ok(g)
    })?;
    Ok(json_response(StatusCode::CREATED, grant_json(&g, &st.public)))
}

/// The `attr eq "value"` clauses of a filter joined with AND.
fn eq_clauses(filter: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut rest = filter;
    while let Some((attr_part, after)) = rest.split_once(" eq \"") {
        let attr = attr_part.rsplit(|c: char| c.is_whitespace() || c == '(').next().unwrap_or("").to_owned();
        let Some((value, tail)) = after.split_once('"') else { break };
        out.insert(attr, value.to_owned());
        rest = tail;
    }
    out
}

/// The app and user a principal filter names (both required, as Okta requires).
fn principal_filter(params: &Params) -> Result<(String, String), ApiError> {
    let Some(f) = params.get("filter") else { return Err(ApiError::missing_parameter("filter")) };
    let clauses = eq_clauses(f);
    match (clauses.get("parent.externalId"), clauses.get("targetPrincipal.externalId")) {
        (Some(app), Some(user)) => Ok((app.clone(), user.clone())),
        _ => Err(invalid(
            "filter",
            vec![
                "filter: parent.externalId, parent.type, targetPrincipal.externalId and targetPrincipal.type are \
                  required"
                    .into(),
            ],
        )),
    }
}

/// What a user has in an app: value id → the ALLOW grants that gave it and still count (later DENYs remove).
pub(crate) fn effective(gov: &GovOrg, app: &str, user: &str) -> BTreeMap<String, Vec<String>> {
    let mut have: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for g in gov.grants.iter().filter(|g| {
        str_of(&g["target"], "externalId") == app
            && str_of(&g["targetPrincipal"], "externalId") == user
            && str_of(g, "status") == "ACTIVE"
    }) {
        let values: Vec<String> = g["entitlements"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|e| e["values"].as_array().into_iter().flatten().map(|v| str_of(v, "id").to_owned()))
            .collect();
        if str_of(g, "action") == "DENY" {
            if values.is_empty() {
                have.clear();
            }
            for v in values {
                have.remove(&v);
            }
        } else {
            for v in values {
                have.entry(v).or_default().push(str_of(g, "id").to_owned());
            }
        }
    }
    have
}

/// The entitlements (with only the given values) of an app, as principal lists show them.
fn entitlements_with(gov: &GovOrg, app: &str, values: &BTreeSet<&str>) -> Vec<Value> {
    gov.entitlements
        .iter()
        .filter(|e| str_of(&e["parent"], "externalId") == app)
        .filter_map(|e| {
            let vs: Vec<Value> = e["values"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|v| values.contains(str_of(v, "id")))
                .map(|v| {
                    json!({"id": v["id"], "name": v["name"], "externalValue": v["externalValue"],
                           "description": v["description"], "orn": v["orn"]})
                })
                .collect();
            if vs.is_empty() {
                return None;
            }
            let mut out = Map::new();
            for k in ["id", "name", "externalValue", "description", "multiValue", "required", "dataType"] {
                out.insert(k.into(), e[k].clone());
            }
            out.insert("values".into(), Value::Array(vs));
            Some(Value::Object(out))
        })
        .collect()
}

fn principal_fields(app: &str, user: &str) -> Value {
    json!({
        "targetPrincipalOrn": crate::governance_model::user_orn(user),
        "targetPrincipal": {"externalId": user, "type": "OKTA_USER"},
        "parentResourceOrn": crate::governance_model::app_orn(app),
        "parent": {"externalId": app, "type": "APPLICATION"},
    })
}

pub(crate) async fn principal_entitlements(State(st): St, uri: Uri) -> ApiResult {
    let params = Params::parse(uri.query());
    let (app, user) = principal_filter(&params)?;
    let data = with_org(&st, |org| {
        let have = effective(&org.governance, &app, &user);
        let values: BTreeSet<&str> = have.keys().map(String::as_str).collect();
        Ok(entitlements_with(&org.governance, &app, &values)
            .into_iter()
            .map(|mut e| {
                if let (Value::Object(o), Value::Object(p)) = (&mut e, principal_fields(&app, &user)) {
                    o.extend(p);
                }
                e
            })
            .collect::<Vec<_>>())
    })?;
    let self_href = format!("{}{}", st.public, uri.path_and_query().map(|p| p.as_str()).unwrap_or_default());
    ok(json!({"data": data, "_links": {"self": {"href": self_href}}}))
}

pub(crate) async fn principal_access(State(st): St, uri: Uri) -> ApiResult {
    let params = Params::parse(uri.query());
    let (app, user) = principal_filter(&params)?;
    let out = with_org(&st, |org| {
        let gov = &org.governance;
        let have = effective(gov, &app, &user);
        let mut by_grant: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for (value, grants) in &have {
            for g in grants {
                by_grant.entry(g.as_str()).or_default().insert(value.as_str());
            }
        }
        let mut out = principal_fields(&app, &user);
        let mut additional = Vec::new();
        for g in gov.grants.iter().filter(|g| by_grant.contains_key(str_of(g, "id"))) {
            let id = str_of(g, "id");
            let method = if str_of(g, "grantType") == "POLICY" { "POLICY" } else { str_of(g, "actor") };
            let mut entry = json!({
                "grantType": g["grantType"], "grantMethod": method,
                "grant": {"id": id, "_links": {"self": {"href": format!("{}{GRANTS}/{id}", st.public)}}},
                "entitlements": entitlements_with(gov, &app, &by_grant[id]),
            });
            if let Some(b) = gov.bundles.iter().find(|b| b["id"] == g["entitlementBundleId"]) {
                entry["bundle"] = json!({"id": b["id"], "name": b["name"]});
            }
            if let Some(exp) = g.pointer("/scheduleSettings/expirationDate") {
                entry["expirationTime"] = exp.clone();
            }
            if str_of(g, "grantType") == "POLICY" && out.get("base").is_none() {
                out["base"] = entry;
            } else {
                additional.push(entry);
            }
        }
        out["additional"] = Value::Array(additional);
        Ok(out)
    })?;
    ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eq_clauses_of_a_principal_filter() {
        let c = eq_clauses(
            "parent.externalId eq \"0oa1\" AND parent.type eq \"APPLICATION\" AND targetPrincipal.externalId eq \"00u1\"",
        );
        assert_eq!(c.get("parent.externalId").map(String::as_str), Some("0oa1"));
        assert_eq!(c.get("targetPrincipal.externalId").map(String::as_str), Some("00u1"));
        assert_eq!(c.get("parent.type").map(String::as_str), Some("APPLICATION"));
    }
}
