//! Entitlements of apps and their values (`/governance/api/v1/entitlements`: read, create, PATCH, delete), grants
//! (`/governance/api/v1/grants`), and what a user ends up with: principal entitlements, principal access (which
//! grant gave what) and the entitlement history (`/principal-entitlements/history`, replayed from the grants).

use std::collections::{BTreeMap, BTreeSet};

use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use serde_json::{Map, Value, json};

use super::{invalid, positioned, with_org};
use crate::error::ApiError;
use crate::handlers::{ApiResult, Id, Ids, JsonBody, Params, St, json_response, no_content, ok};
use crate::org::Org;
use crate::org::collection::{Collection, now, str_of, with_self_link};
use crate::org::governance::{GovOrg, effective, effective_at};
use crate::seed::governance::grant;

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
    with_self_link(x, format!("{public}{ENTITLEMENTS}/{}/values/{}", str_of(x, "entitlementId"), str_of(x, "id")))
}

fn grant_json(g: &Value, public: &str) -> Value {
    with_self_link(g, format!("{public}{GRANTS}/{}", str_of(g, "id")))
}

pub(crate) async fn list(State(st): St, uri: Uri) -> ApiResult {
    let params = Params::parse(uri.query());
    let page = params.page(20, 200)?;
    let items = with_org(&st, |org| {
        positioned(
            org.governance.entitlements.iter().map(|e| entitlement_json(e, &st.public, false)).collect(),
            &params,
        )
    })?;
    let total = items.len();
    Ok(page.data(&st.public, ENTITLEMENTS, items, Some(total)))
}

fn entitlement<'a>(gov: &'a GovOrg, id: &str) -> Result<&'a Value, ApiError> {
    gov.entitlements
        .position_of(id)
        .and_then(|i| gov.entitlements.get(i))
        .ok_or_else(|| ApiError::not_found(id, "Entitlement"))
}

pub(crate) async fn get_one(State(st): St, Path(id): Id) -> ApiResult {
    let e = with_org(&st, |org| entitlement(&org.governance, &id).cloned())?;
    ok(entitlement_json(&e, &st.public, true))
}

pub(crate) async fn values(State(st): St, Path(id): Id, uri: Uri) -> ApiResult {
    let params = Params::parse(uri.query());
    let page = params.page(20, 200)?;
    let items = with_org(&st, |org| {
        let e = entitlement(&org.governance, &id)?;
        positioned(e["values"].as_array().into_iter().flatten().map(|x| value_json(x, &st.public)).collect(), &params)
    })?;
    let total = items.len();
    Ok(page.data(&st.public, &format!("{ENTITLEMENTS}/{id}/values"), items, Some(total)))
}

pub(crate) async fn value(State(st): St, Path((id, value_id)): Ids) -> ApiResult {
    let v = with_org(&st, |org| {
        let e = entitlement(&org.governance, &id)?;
        e["values"]
            .as_array()
            .and_then(|vs| vs.by_id(&value_id))
            .cloned()
            .ok_or_else(|| ApiError::not_found(&value_id, "EntitlementValue"))
    })?;
    ok(value_json(&v, &st.public))
}

pub(crate) async fn list_grants(State(st): St, uri: Uri) -> ApiResult {
    let params = Params::parse(uri.query());
    let page = params.page(20, 200)?;
    // Okta lists active grants only.
    let items = with_org(&st, |org| {
        positioned(
            org.governance
                .grants
                .iter()
                .filter(|g| str_of(g, "status") == "ACTIVE")
                .map(|g| grant_json(g, &st.public))
                .collect(),
            &params,
        )
    })?;
    Ok(page.data(&st.public, GRANTS, items, None))
}

pub(crate) async fn get_grant(State(st): St, Path(id): Id, uri: Uri) -> ApiResult {
    // Entitlements only with `include=full_entitlements`, as Okta's two grant shapes (with and without) have it.
    let full = Params::parse(uri.query()).get("include").is_some_and(|i| i.contains("full_entitlements"));
    let mut g = with_org(&st, |org| org.governance.grants.or_404(&id, "Grant").cloned())?;
    if !full && let Value::Object(o) = &mut g {
        o.remove("entitlements");
    }
    ok(grant_json(&g, &st.public))
}

/// Check `entitlements` (of a grant, bundle or risk rule: `kind`) against the target app: known entitlements of
/// that app, known values, and (`one_each`, for grants) one value for a single-valued entitlement. Answers them as
/// `[{id, values: [{id}]}]`.
pub(crate) fn check_entitlements(
    gov: &GovOrg,
    kind: &str,
    app: &str,
    requested: &Value,
    one_each: bool,
) -> Result<Value, ApiError> {
    let mut out = Vec::new();
    for item in requested.as_array().map(Vec::as_slice).unwrap_or_default() {
        let id = str_of(item, "id");
        let e =
            entitlement(gov, id).map_err(|_| invalid(kind, vec![format!("entitlements: unknown entitlement {id}")]))?;
        if str_of(&e["parent"], "externalId") != app {
            return Err(invalid(kind, vec![format!("entitlements: {id} is not an entitlement of {app}")]));
        }
        let values: Vec<&str> = item["values"].as_array().into_iter().flatten().map(|v| str_of(v, "id")).collect();
        if values.is_empty() {
            return Err(invalid(kind, vec![format!("entitlements: give at least one value of {id}")]));
        }
        if one_each && values.len() > 1 && e["multiValue"] != true {
            return Err(invalid(kind, vec![format!("entitlements: {id} takes a single value")]));
        }
        for v in &values {
            if !e["values"].as_array().into_iter().flatten().any(|x| str_of(x, "id") == *v) {
                return Err(invalid(kind, vec![format!("entitlements: {v} is not a value of {id}")]));
            }
        }
        out.push(json!({"id": id, "values": values.iter().map(|v| json!({"id": v})).collect::<Vec<_>>()}));
    }
    Ok(Value::Array(out))
}

pub(crate) async fn create_grant(State(st): St, JsonBody(body): JsonBody) -> ApiResult {
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
                .by_id(id)
                .ok_or_else(|| invalid("Grant", vec![format!("entitlementBundleId: no bundle {id:?}")]))?;
            if str_of(b, "status") != "ACTIVE" {
                return Err(invalid(
                    "Grant",
                    vec![format!("entitlementBundleId: bundle {id} is {}", str_of(b, "status"))],
                ));
            }
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
            None => check_entitlements(&org.governance, "Grant", &app, &body["entitlements"], true)?,
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
        let id = crate::org::governance::new_id(&mut org.random, "gra");
        let mut g = grant(&id, grant_type, action, actor, (&app, &user), entitlements, &now());
        g["createdBy"] = json!(org.admin_id);
        g["lastUpdatedBy"] = json!(org.admin_id);
        if let Some(b) = &bundle {
            g["entitlementBundleId"] = b["id"].clone();
        }
        if let Some(s) = body.get("scheduleSettings").filter(|s| s.is_object()) {
            g["scheduleSettings"] = s.clone();
        }
        if matches!(grant_type, "CUSTOM" | "POLICY") && action == "ALLOW" {
            // A base grant: "a principal and resource can only have a single base grant. Creating a base grant
            // type replaces all other existing grants" (Okta's Grants reference).
            let stamp = now();
            for other in org.governance.grants.iter_mut().filter(|o| {
                str_of(&o["target"], "externalId") == app
                    && str_of(&o["targetPrincipal"], "externalId") == user
                    && str_of(o, "status") == "ACTIVE"
            }) {
                other["status"] = json!("INACTIVE");
                other["lastUpdated"] = json!(stamp);
            }
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
                    let mut out = Map::new();
                    for k in ["id", "name", "externalValue", "description", "orn"] {
                        if !v[k].is_null() {
                            out.insert(k.into(), v[k].clone());
                        }
                    }
                    Value::Object(out)
                })
                .collect();
            if vs.is_empty() {
                return None;
            }
            let mut out = Map::new();
            for k in ["id", "name", "externalValue", "description", "multiValue", "required", "dataType"] {
                if !e[k].is_null() {
                    out.insert(k.into(), e[k].clone());
                }
            }
            out.insert("values".into(), Value::Array(vs));
            Some(Value::Object(out))
        })
        .collect()
}

fn principal_fields(app: &str, user: &str) -> Value {
    json!({
        "targetPrincipalOrn": crate::org::governance::user_orn(user),
        "targetPrincipal": {"externalId": user, "type": "OKTA_USER"},
        "parentResourceOrn": crate::org::governance::app_orn(app),
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

// ---- create, PATCH, delete

/// A text property of 1 to `max` characters: `Ok(None)` when absent, the cause when wrong.
pub(crate) fn text_prop<'a>(v: &'a Value, key: &str, max: usize) -> Result<Option<&'a str>, String> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if !s.trim().is_empty() && s.chars().count() <= max => Ok(Some(s.as_str())),
        Some(_) => Err(format!("{key}: must be a string of 1 to {max} characters")),
    }
}

/// A required text property, with the cause when it is missing or wrong.
fn required_text<'a>(v: &'a Value, key: &str, max: usize, causes: &mut Vec<String>) -> &'a str {
    match text_prop(v, key, max) {
        Ok(Some(s)) => s,
        Ok(None) => {
            causes.push(format!("{key}: must have required field"));
            ""
        }
        Err(c) => {
            causes.push(c);
            ""
        }
    }
}

/// A new value of entitlement `e` (no `_links`), from `{name, externalValue, description}`.
fn new_value(random: &mut crate::org::random::Random, e: &Value, v: &Value, by: &str, at: &str) -> Value {
    let id = crate::org::governance::new_id(random, "ent");
    let app = str_of(&e["parent"], "externalId");
    let mut out = json!({
        "id": id, "name": v["name"], "externalValue": v["externalValue"],
        "entitlementId": e["id"], "orn": crate::org::governance::value_orn(&id),
        "parentResourceOrn": crate::org::governance::app_orn(app), "parent": e["parent"],
        "created": at, "createdBy": by, "lastUpdated": at, "lastUpdatedBy": by,
    });
    if let Some(d) = v.get("description").filter(|d| d.is_string()) {
        out["description"] = d.clone();
    }
    out
}

/// The causes against a value's `name`, `externalValue` and `description`, and against a clash with `others`
/// (names and external values are unique within an entitlement).
fn value_causes(v: &Value, others: &[&Value], required: bool) -> Vec<String> {
    let mut causes = Vec::new();
    for (key, max) in [("name", 255), ("externalValue", 2000), ("description", 1024)] {
        match text_prop(v, key, max) {
            Ok(None) if required && key != "description" => {
                causes.push(format!("values.{key}: must have required field"))
            }
            Ok(Some(s)) if key != "description" && others.iter().any(|o| str_of(o, key).eq_ignore_ascii_case(s)) => {
                causes.push(format!("values.{key}: {s:?} is already a value of this entitlement"));
            }
            Err(c) => causes.push(format!("values.{c}")),
            _ => {}
        }
    }
    causes
}

/// `POST /governance/api/v1/entitlements`.
pub(crate) async fn create(State(st): St, JsonBody(body): JsonBody) -> ApiResult {
    let e = with_org(&st, |org| {
        let mut causes = Vec::new();
        let name = required_text(&body, "name", 255, &mut causes).to_owned();
        let external = required_text(&body, "externalValue", 255, &mut causes).to_owned();
        if let Err(c) = text_prop(&body, "description", 1000) {
            causes.push(c);
        }
        let multi = body.get("multiValue").and_then(Value::as_bool);
        if multi.is_none() {
            causes.push("multiValue: must have required boolean field".into());
        }
        if !matches!(str_of(&body, "dataType"), "string" | "array") {
            causes.push("dataType: must be string or array".into());
        }
        let parent = &body["parent"];
        let app = str_of(parent, "externalId").to_owned();
        if app.is_empty() || str_of(parent, "type") != "APPLICATION" {
            causes.push("parent: must be {externalId, type: APPLICATION}".into());
        }
        let values: Vec<Value> = match body.get("values").and_then(Value::as_array) {
            Some(vs) => vs.clone(),
            None => {
                causes.push("values: must have required field".into());
                Vec::new()
            }
        };
        for (i, v) in values.iter().enumerate() {
            let earlier: Vec<&Value> = values[..i].iter().collect();
            causes.extend(value_causes(v, &earlier, true));
        }
        if !causes.is_empty() {
            return Err(invalid("Entitlement", causes));
        }
        if !org.apps.iter().any(|a| a.id == app) {
            return Err(ApiError::not_found(&app, "Application"));
        }
        let gov = &mut org.governance;
        for key in ["name", "externalValue"] {
            let this = if key == "name" { &name } else { &external };
            if gov
                .entitlements
                .iter()
                .any(|e| str_of(&e["parent"], "externalId") == app && str_of(e, key).eq_ignore_ascii_case(this))
            {
                return Err(invalid(
                    "Entitlement",
                    vec![format!("{key}: app {app} already has an entitlement {this:?}")],
                ));
            }
        }
        let (by, at) = (org.admin_id.clone(), now());
        let id = crate::org::governance::new_id(&mut org.random, "esp");
        let mut e = json!({
            "id": id, "name": name, "externalValue": external, "multiValue": multi, "required": false,
            "dataType": body["dataType"], "parentResourceOrn": crate::org::governance::app_orn(&app),
            "parent": {"externalId": app, "type": "APPLICATION"},
            "created": at, "createdBy": by, "lastUpdated": at, "lastUpdatedBy": by,
        });
        if let Some(d) = body.get("description").filter(|d| d.is_string()) {
            e["description"] = d.clone();
        }
        let values: Vec<Value> = values.iter().map(|v| new_value(&mut org.random, &e, v, &by, &at)).collect();
        e["values"] = Value::Array(values);
        gov.entitlements.push(e.clone());
        Ok(e)
    })?;
    Ok(json_response(StatusCode::CREATED, entitlement_json(&e, &st.public, true)))
}

/// `PATCH /governance/api/v1/entitlements/{id}`: a list of operations on the entitlement (`/name`,
/// `/description`) and its values (`/values/-` to add, `/values/{id}` to replace or remove), applied all or none.
/// The answer lists only the values added or replaced.
pub(crate) async fn patch(State(st): St, Path(id): Id, JsonBody(body): JsonBody) -> ApiResult {
    let ops = match body.as_array() {
        Some(ops) if !ops.is_empty() && ops.len() <= 100 => ops.clone(),
        _ => return Err(invalid("Entitlement", vec!["body: an array of 1 to 100 operations".into()])),
    };
    let (e, touched) = with_org(&st, |org| {
        let (by, at) = (org.admin_id.clone(), now());
        let gov = &mut org.governance;
        let i = gov.entitlements.index_or_404(&id, "Entitlement")?;
        let mut e = gov.entitlements[i].clone();
        let mut values: Vec<Value> = e["values"].as_array().cloned().unwrap_or_default();
        let mut touched: Vec<String> = Vec::new();
        let mut removed: Vec<String> = Vec::new();
        let mut causes = Vec::new();
        for op in &ops {
            let (kind, path) = (str_of(op, "op"), str_of(op, "path"));
            match (str_of(op, "refType"), kind, path) {
                ("ENTITLEMENT", "ADD" | "REPLACE", "/name" | "/description") => {
                    let key = &path[1..];
                    match op.get("value").and_then(Value::as_str) {
                        Some(v)
                            if !v.trim().is_empty() && v.chars().count() <= if key == "name" { 255 } else { 1000 } =>
                        {
                            e[key] = json!(v);
                        }
                        _ => causes.push(format!("{path}: value must be a non-empty string")),
                    }
                }
                ("ENTITLEMENT", "REMOVE", "/description") => {
                    if let Value::Object(o) = &mut e {
                        o.remove("description");
                    }
                }
                ("ENTITLEMENT-VALUE", "ADD", "/values/-") => {
                    let v = &op["value"];
                    let others: Vec<&Value> = values.iter().collect();
                    let found = value_causes(v, &others, true);
                    if found.is_empty() {
                        let new = new_value(&mut org.random, &e, v, &by, &at);
                        touched.push(str_of(&new, "id").to_owned());
                        values.push(new);
                    }
                    causes.extend(found);
                }
                ("ENTITLEMENT-VALUE", "REPLACE" | "REMOVE", p) if p.starts_with("/values/") => {
                    let vid = &p["/values/".len()..];
                    let Some(at_index) = values.position_of(vid) else {
                        causes.push(format!("{p}: {vid} is not a value of entitlement {id}"));
                        continue;
                    };
                    if kind == "REMOVE" {
                        values.remove(at_index);
                        touched.retain(|t| t != vid);
                        removed.push(vid.to_owned());
                        continue;
                    }
                    let v = &op["value"];
                    let others: Vec<&Value> = values.iter().filter(|o| str_of(o, "id") != vid).collect();
                    let found = value_causes(v, &others, false);
                    if found.is_empty() {
                        for key in ["name", "externalValue", "description"] {
                            if let Some(s) = v.get(key).filter(|s| s.is_string()) {
                                values[at_index][key] = s.clone();
                            }
                        }
                        values[at_index]["lastUpdated"] = json!(at);
                        values[at_index]["lastUpdatedBy"] = json!(by);
                        if !touched.iter().any(|t| t == vid) {
                            touched.push(vid.to_owned());
                        }
                    }
                    causes.extend(found);
                }
                (r, k, p) => causes.push(format!("{k} {p} ({r}): not an operation on an entitlement or its values")),
            }
        }
        if !causes.is_empty() {
            return Err(invalid("Entitlement", causes));
        }
        e["values"] = Value::Array(values);
        e["lastUpdated"] = json!(at);
        e["lastUpdatedBy"] = json!(by);
        gov.entitlements[i] = e.clone();
        forget_values(gov, |_, v| removed.iter().any(|r| r == v));
        Ok((e, touched))
    })?;
    let mut out = entitlement_json(&e, &st.public, true);
    if let Some(vs) = out.get_mut("values").and_then(Value::as_array_mut) {
        vs.retain(|v| touched.iter().any(|t| t == str_of(v, "id")));
    }
    ok(out)
}

/// Drop values (`gone(entitlement id, value id)`) from bundles, and mark the risk rules naming them INVALID.
pub(crate) fn forget_values(gov: &mut GovOrg, gone: impl Fn(&str, &str) -> bool) {
    let keep_entry = |e: &mut Value| {
        let eid = str_of(e, "id").to_owned();
        if let Some(vs) = e.get_mut("values").and_then(Value::as_array_mut) {
            vs.retain(|v| !gone(&eid, str_of(v, "id")));
            !vs.is_empty()
        } else {
            true
        }
    };
    for b in &mut gov.bundles {
        if let Some(es) = b.get_mut("entitlements").and_then(Value::as_array_mut) {
            es.retain_mut(keep_entry);
        }
    }
    for r in &mut gov.risk_rules {
        let names = r
            .pointer("/conflictCriteria/and")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .flat_map(|c| c.pointer("/value/value").and_then(Value::as_array).into_iter().flatten())
            .any(|e| {
                let eid = str_of(e, "id");
                e["values"].as_array().into_iter().flatten().any(|v| gone(eid, str_of(v, "id")))
            });
        if names {
            r["status"] = json!("INVALID");
        }
    }
}

/// `DELETE /governance/api/v1/entitlements/{id}`: users lose its values; bundles drop it, rules naming it become
/// INVALID.
pub(crate) async fn delete(State(st): St, Path(id): Id) -> ApiResult {
    with_org(&st, |org| {
        let gov = &mut org.governance;
        let i = gov.entitlements.index_or_404(&id, "Entitlement")?;
        gov.entitlements.remove(i);
        forget_values(gov, |e, _| e == id);
        Ok(())
    })?;
    no_content()
}

// ---- history

/// The user and app a history filter names: `principal.externalId`/`resource.externalId`, `principalId`/
/// `resourceId` or `principalOrn`/`resourceOrn` (one pair required, as Okta requires).
fn history_filter(params: &Params) -> Result<(String, String), ApiError> {
    let Some(f) = params.get("filter") else { return Err(ApiError::missing_parameter("filter")) };
    let c = eq_clauses(f);
    let orn_id = |k: &str| c.get(k).map(|o| o.rsplit(':').next().unwrap_or_default().to_owned());
    let user =
        c.get("principal.externalId").or_else(|| c.get("principalId")).cloned().or_else(|| orn_id("principalOrn"));
    let app = c.get("resource.externalId").or_else(|| c.get("resourceId")).cloned().or_else(|| orn_id("resourceOrn"));
    match (user, app) {
        (Some(u), Some(a)) if c.get("resource.type").is_none_or(|t| t == "APPLICATION") => Ok((u, a)),
        _ => Err(invalid(
            "filter",
            vec![
                "filter: the principal and the resource are required (principal.externalId, principal.type, \
                  resource.externalId and resource.type)"
                    .into(),
            ],
        )),
    }
}

/// A `startDate`/`endDate` clause, normalized to the stored timestamps' form.
fn history_time(clauses: &BTreeMap<String, String>, key: &str) -> Result<Option<String>, ApiError> {
    clauses
        .get(key)
        .map(|t| {
            chrono::DateTime::parse_from_rfc3339(t)
                .map(|t| crate::ids::ts(&t.with_timezone(&chrono::Utc)))
                .map_err(|_| invalid("filter", vec![format!("filter: {key} must be an ISO 8601 time")]))
        })
        .transpose()
}

/// A user's entitlement records in an app, oldest first: `(start, end, value ids)`; a record starts whenever a
/// grant began or ended and what the user had changed.
fn history(gov: &GovOrg, app: &str, user: &str) -> Vec<(String, Option<String>, BTreeSet<String>)> {
    let mut times: Vec<String> = Vec::new();
    for g in gov
        .grants
        .iter()
        .filter(|g| str_of(&g["target"], "externalId") == app && str_of(&g["targetPrincipal"], "externalId") == user)
    {
        times.push(str_of(g, "created").to_owned());
        if str_of(g, "status") != "ACTIVE" {
            times.push(str_of(g, "lastUpdated").to_owned());
        }
    }
    times.sort();
    times.dedup();
    let mut out: Vec<(String, Option<String>, BTreeSet<String>)> = Vec::new();
    for t in times {
        let have: BTreeSet<String> = effective_at(gov, app, user, Some(&t)).into_keys().collect();
        match out.last_mut() {
            Some(last) if last.2 == have => {}
            None if have.is_empty() => {}
            Some(last) => {
                last.1 = Some(t.clone());
                out.push((t, None, have));
            }
            None => out.push((t, None, have)),
        }
    }
    out
}

/// `GET /governance/api/v1/principal-entitlements/history`: newest first, `limit` ≤ 100, `include=counts`.
pub(crate) async fn principal_history(State(st): St, uri: Uri) -> ApiResult {
    let params = Params::parse(uri.query());
    let (user, app) = history_filter(&params)?;
    let clauses = params.get("filter").map(eq_clauses).unwrap_or_default();
    let (from, until) = (history_time(&clauses, "startDate")?, history_time(&clauses, "endDate")?);
    let page = params.page(20, 100)?;
    let records = with_org(&st, |org: &mut Org| {
        if !org.users.values().any(|u| u.id == user) {
            return Err(ApiError::not_found(&user, "User"));
        }
        if !org.apps.iter().any(|a| a.id == app) {
            return Err(ApiError::not_found(&app, "Application"));
        }
        let gov = &org.governance;
        let all = history(gov, &app, &user);
        let last = all.len().saturating_sub(1);
        Ok(all
            .iter()
            .enumerate()
            .rev()
            .filter(|(_, (start, end, _))| {
                until.as_ref().is_none_or(|u| start <= u)
                    && from.as_ref().is_none_or(|f| end.as_ref().is_none_or(|e| e >= f))
            })
            .map(|(i, (start, end, have))| {
                let values: BTreeSet<&str> = have.iter().map(String::as_str).collect();
                let mut r = json!({
                    "startDate": start,
                    "lifecycle": if i == last { "ACTIVE" } else { "INACTIVE" },
                    "entitlements": entitlements_with(gov, &app, &values),
                });
                if let Some(e) = end {
                    r["endDate"] = json!(e);
                }
                r
            })
            .enumerate()
            .map(|(i, r)| (i as u64 + 1, r))
            .collect::<Vec<_>>())
    })?;
    let total = records.len();
    let (history, next) = page.cut(records);
    let mut body = json!({
        "resourceOrn": crate::org::governance::app_orn(&app),
        "resource": {"externalId": app, "type": "APPLICATION"},
        "principalOrn": crate::org::governance::user_orn(&user),
        "principal": {"externalId": user, "type": "OKTA_USER"},
        "entitlementHistory": history,
    });
    if params.get("include").is_some_and(|i| i.contains("counts")) {
        body["metadata"] = json!({"total": total});
    }
    Ok(page.data_body(&st.public, uri.path(), body, next))
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

    #[test]
    fn history_replays_the_grants() {
        let mut gov = crate::seed::governance::build();
        let (app, bob) = ("0oasalesforce0000001", "00ubobactive00000001");
        let h = history(&gov, app, bob);
        assert_eq!(h.len(), 2, "{h:?}");
        assert_eq!(h[0].1.as_deref(), Some("2026-02-01T10:00:00.000Z"), "the first record ends with the second");
        assert_eq!(h[1].2.len(), 2);
        // A grant that ended removes its values from then on.
        if let Some(g) = gov.grants.iter_mut().find(|g| g["id"] == "grabobsfreports00001") {
            g["status"] = json!("INACTIVE");
            g["lastUpdated"] = json!("2026-03-01T00:00:00.000Z");
        }
        let h = history(&gov, app, bob);
        assert_eq!(h.len(), 3);
        assert_eq!(h[2].2, h[0].2, "back to what the policy gives");
        assert!(h[2].1.is_none());
    }

    #[test]
    fn forgotten_values_leave_bundles_and_invalidate_rules() {
        let mut gov = crate::seed::governance::build();
        forget_values(&mut gov, |_, v| v == "entsffinanceadmin001");
        assert_eq!(gov.bundles[0]["entitlements"][0]["values"], json!([{"id": "entsfpayments0000001"}]));
        assert_eq!(gov.risk_rules[0]["status"], "INVALID");
        forget_values(&mut gov, |e, _| e == "espsfpermset00000001");
        assert_eq!(gov.bundles[0]["entitlements"], json!([]));
    }
}
