//! Risk rules (separation of duties, `/governance/api/v1/risk-rules`: list, read, create, replace, delete) and
//! their assessment for a user and the access they would get (`/governance/api/v1/risk-rule-assessments`).

use std::collections::BTreeSet;

use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use serde_json::{Value, json};

use super::entitlements::{check_entitlements, text_prop};
use super::{invalid, with_org};
use crate::error::ApiError;
use crate::handlers::{ApiResult, Id, JsonBody, Params, St, json_response, no_content, ok};
use crate::org::collection::{Collection, now, str_of, with_self_link};
use crate::org::governance::{GovOrg, app_orn, effective};

const RULES: &str = "/governance/api/v1/risk-rules";

fn rule_json(r: &Value, public: &str) -> Value {
    with_self_link(r, format!("{public}{RULES}/{}", str_of(r, "id")))
}

pub(crate) async fn list(State(st): St, uri: Uri) -> ApiResult {
    let params = Params::parse(uri.query());
    let page = params.page(20, 200)?;
    let items: Vec<(u64, Value)> =
        with_org(&st, |org| Ok(org.governance.risk_rules.listed(|_| true, |r| rule_json(r, &st.public))))?;
    let total = items.len();
    Ok(page.data(&st.public, RULES, items, Some(total)))
}

pub(crate) async fn get_one(State(st): St, Path(id): Id) -> ApiResult {
    let r = with_org(&st, |org| org.governance.risk_rules.or_404(&id, "RiskRule").cloned())?;
    ok(rule_json(&r, &st.public))
}

/// 400 E0000028, Okta's answer to a second rule with the same name.
fn duplicate_name() -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "E0000028", "Rule name needs to be unique")
        .with_cause("The rule name needs to be unique.")
}

/// The two criteria of a separation-of-duties rule over `app`, checked, with the entitlements' and values' names
/// added as Okta answers them.
fn criteria(gov: &GovOrg, app: &str, given: &Value) -> Result<Value, ApiError> {
    let list = given.get("and").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    if list.len() != 2 {
        return Err(invalid("RiskRule", vec!["conflictCriteria.and: give exactly two criteria".into()]));
    }
    let mut out = Vec::new();
    for c in list {
        let name = str_of(c, "name");
        let operation = str_of(c, "operation");
        if name.is_empty() || str_of(c, "attribute") != "principal.effective_grants" {
            return Err(invalid(
                "RiskRule",
                vec!["conflictCriteria: each criterion has a name and the attribute principal.effective_grants".into()],
            ));
        }
        if !matches!(operation, "CONTAINS_ONE" | "CONTAINS_ALL")
            || c.pointer("/value/type") != Some(&json!("ENTITLEMENTS"))
        {
            return Err(invalid(
                "RiskRule",
                vec!["conflictCriteria: operation CONTAINS_ONE or CONTAINS_ALL, value type ENTITLEMENTS".into()],
            ));
        }
        let requested = c.pointer("/value/value").cloned().unwrap_or(Value::Null);
        if requested.as_array().is_none_or(Vec::is_empty) {
            return Err(invalid("RiskRule", vec![format!("conflictCriteria: {name} names no entitlement")]));
        }
        let checked = check_entitlements(gov, "RiskRule", app, &requested, false)?;
        let named: Vec<Value> = checked
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| {
                let full = gov.entitlements.iter().find(|x| x["id"] == e["id"])?;
                let values: Vec<Value> = e["values"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|v| full["values"].as_array()?.iter().find(|x| x["id"] == v["id"]))
                    .map(|v| json!({"id": v["id"], "name": v["name"], "externalValue": v["externalValue"]}))
                    .collect();
                Some(json!({"id": full["id"], "name": full["name"], "externalValue": full["externalValue"], "values": values}))
            })
            .collect();
        out.push(json!({"name": name, "attribute": "principal.effective_grants", "operation": operation,
                        "value": {"type": "ENTITLEMENTS", "value": named}}));
    }
    Ok(json!({"and": out}))
}

fn name_taken(gov: &GovOrg, name: &str, except: Option<&str>) -> bool {
    gov.risk_rules.iter().any(|r| Some(str_of(r, "id")) != except && str_of(r, "name").eq_ignore_ascii_case(name))
}

/// `POST /governance/api/v1/risk-rules`.
pub(crate) async fn create(State(st): St, JsonBody(body): JsonBody) -> ApiResult {
    let r = with_org(&st, |org| {
        let mut causes = Vec::new();
        for (key, max, required) in [("name", 255, true), ("description", 1000, false), ("notes", 1000, false)] {
            match text_prop(&body, key, max) {
                Ok(None) if required => causes.push(format!("{key}: must have required field")),
                Err(c) => causes.push(c),
                _ => {}
            }
        }
        if str_of(&body, "type") != "SEPARATION_OF_DUTIES" {
            causes.push("type: must be SEPARATION_OF_DUTIES".into());
        }
        let resources = body.get("resources").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
        let orn = resources.first().map(|r| str_of(r, "resourceOrn")).unwrap_or_default();
        if resources.len() != 1 || orn.is_empty() {
            causes.push("resources: give the one app the rule applies to, as {resourceOrn}".into());
        }
        if !causes.is_empty() {
            return Err(invalid("RiskRule", causes));
        }
        let app = orn.rsplit(':').next().unwrap_or_default().to_owned();
        if !orn.starts_with("orn:") || !org.apps.iter().any(|a| a.id == app) {
            return Err(invalid("RiskRule", vec![format!("resources: no app {orn:?}")]));
        }
        let name = str_of(&body, "name").to_owned();
        let gov = &mut org.governance;
        if name_taken(gov, &name, None) {
            return Err(duplicate_name());
        }
        let conflict = criteria(gov, &app, &body["conflictCriteria"])?;
        let (by, at) = (org.admin_id.clone(), now());
        let id = crate::org::governance::new_id(&mut org.random, "rul");
        let mut r = json!({
            "id": id, "name": name, "type": "SEPARATION_OF_DUTIES", "status": "ACTIVE",
            "resources": [{"resourceOrn": app_orn(&app)}], "conflictCriteria": conflict,
            "created": at, "createdBy": by, "lastUpdated": at, "lastUpdatedBy": by,
        });
        for key in ["description", "notes"] {
            if let Some(v) = body.get(key).filter(|v| v.is_string()) {
                r[key] = v.clone();
            }
        }
        gov.risk_rules.push(r.clone());
        Ok(r)
    })?;
    Ok(json_response(StatusCode::CREATED, rule_json(&r, &st.public)))
}

/// `PUT /governance/api/v1/risk-rules/{id}`: name, description, notes and criteria (absent or null name and
/// criteria stay; null description or notes are removed). A rule with valid criteria is ACTIVE again.
pub(crate) async fn replace(State(st): St, Path(id): Id, JsonBody(body): JsonBody) -> ApiResult {
    let r = with_org(&st, |org| {
        let (by, at) = (org.admin_id.clone(), now());
        let gov = &mut org.governance;
        let i = gov.risk_rules.index_or_404(&id, "RiskRule")?;
        if str_of(&body, "id") != id {
            return Err(invalid("RiskRule", vec![format!("id: must be {id}")]));
        }
        let mut causes = Vec::new();
        for (key, max) in [("name", 255), ("description", 1000), ("notes", 1000)] {
            if let Err(c) = text_prop(&body, key, max) {
                causes.push(c);
            }
        }
        if !causes.is_empty() {
            return Err(invalid("RiskRule", causes));
        }
        if let Some(n) = body.get("name").and_then(Value::as_str)
            && name_taken(gov, n, Some(&id))
        {
            return Err(duplicate_name());
        }
        let orn = gov.risk_rules[i].pointer("/resources/0/resourceOrn").and_then(Value::as_str).unwrap_or_default();
        let app = orn.rsplit(':').next().unwrap_or_default().to_owned();
        let conflict = match body.get("conflictCriteria").filter(|c| !c.is_null()) {
            Some(c) => Some(criteria(gov, &app, c)?),
            None => None,
        };
        let r = &mut gov.risk_rules[i];
        if let Some(n) = body.get("name").filter(|n| n.is_string()) {
            r["name"] = n.clone();
        }
        for key in ["description", "notes"] {
            match body.get(key) {
                Some(Value::Null) => {
                    if let Value::Object(o) = r {
                        o.remove(key);
                    }
                }
                Some(v) => r[key] = v.clone(),
                None => {}
            }
        }
        if let Some(c) = conflict {
            r["conflictCriteria"] = c;
            r["status"] = json!("ACTIVE");
        }
        r["lastUpdated"] = json!(at);
        r["lastUpdatedBy"] = json!(by);
        Ok(r.clone())
    })?;
    ok(rule_json(&r, &st.public))
}

/// `DELETE /governance/api/v1/risk-rules/{id}`.
pub(crate) async fn delete(State(st): St, Path(id): Id) -> ApiResult {
    with_org(&st, |org| {
        let gov = &mut org.governance;
        let i = gov.risk_rules.index_or_404(&id, "RiskRule")?;
        gov.risk_rules.remove(i);
        Ok(())
    })?;
    no_content()
}

/// The value ids a criterion names.
fn criterion_values(c: &Value) -> Vec<String> {
    c.pointer("/value/value")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .flat_map(|e| {
            let vs = e.get("values").map(|v| v.get("data").unwrap_or(v));
            vs.and_then(Value::as_array).into_iter().flatten().map(|v| str_of(v, "id").to_owned())
        })
        .collect()
}

fn criterion_met(c: &Value, have: &BTreeSet<String>) -> bool {
    let values = criterion_values(c);
    match str_of(c, "operation") {
        "CONTAINS_ALL" => !values.is_empty() && values.iter().all(|v| have.contains(v)),
        _ => values.iter().any(|v| have.contains(v)),
    }
}

/// `POST /governance/api/v1/risk-rule-assessments`: the ACTIVE rules the user would violate with what they have
/// plus the given bundle or entitlement values.
pub(crate) async fn assess(State(st): St, JsonBody(body): JsonBody) -> ApiResult {
    let principal = str_of(&body, "principalOrn").to_owned();
    let mut resources: Vec<String> = body["resourceOrnList"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).map(str::to_owned).collect())
        .unwrap_or_default();
    if let Some(r) = body.get("resourceOrn").and_then(Value::as_str) {
        resources.push(r.to_owned());
    }
    if principal.is_empty() {
        return Err(invalid("RiskRuleAssessment", vec!["principalOrn: is required".into()]));
    }
    let data = with_org(&st, |org| {
        let user = org
            .users
            .values()
            .find(|u| crate::org::governance::user_orn(&u.id) == principal)
            .map(|u| u.id.clone())
            .ok_or_else(|| invalid("RiskRuleAssessment", vec![format!("principalOrn: no user {principal:?}")]))?;
        let gov = &org.governance;
        let mut would_have = BTreeSet::new();
        for orn in &resources {
            let id = orn.rsplit(':').next().unwrap_or_default();
            if orn.contains(":entitlement-bundles:") {
                let b = gov
                    .bundles
                    .by_id(id)
                    .ok_or_else(|| invalid("RiskRuleAssessment", vec![format!("resourceOrn: no bundle {orn}")]))?;
                for e in b["entitlements"].as_array().into_iter().flatten() {
                    for v in e["values"].as_array().into_iter().flatten() {
                        would_have.insert(str_of(v, "id").to_owned());
                    }
                }
            } else if orn.contains(":entitlement-values:") {
                would_have.insert(id.to_owned());
            } else {
                return Err(invalid(
                    "RiskRuleAssessment",
                    vec![format!("resourceOrn: {orn} is not a bundle or value")],
                ));
            }
        }
        let apps: BTreeSet<String> = gov.grants.iter().map(|g| str_of(&g["target"], "externalId").to_owned()).collect();
        let mut have = would_have.clone();
        for app in &apps {
            have.extend(effective(gov, app, &user).into_keys());
        }
        let resource = resources.first().cloned().unwrap_or_default();
        Ok(gov
            .risk_rules
            .iter()
            .filter(|r| str_of(r, "status") == "ACTIVE")
            .filter(|r| {
                let criteria: Vec<&Value> =
                    r.pointer("/conflictCriteria/and").and_then(Value::as_array).into_iter().flatten().collect();
                !criteria.is_empty()
                    && criteria.iter().all(|c| criterion_met(c, &have))
                    && criteria.iter().any(|c| criterion_values(c).iter().any(|v| would_have.contains(v)))
            })
            .map(|r| {
                json!({
                    "id": format!("{}:{}", resource.rsplit(':').next().unwrap_or_default(), str_of(r, "id")),
                    "principalOrn": principal, "resourceOrn": resource,
                    "ruleId": r["id"], "ruleName": r["name"], "description": r["description"], "type": r["type"],
                    "conflictCriteria": r["conflictCriteria"],
                    "_links": {"self": {"href": format!("{}{RULES}/{}", st.public, str_of(r, "id"))}},
                })
            })
            .collect::<Vec<_>>())
    })?;
    ok(
        json!({"data": data, "_links": {"self": {"href": format!("{}/governance/api/v1/risk-rule-assessments", st.public)}}}),
    )
}
