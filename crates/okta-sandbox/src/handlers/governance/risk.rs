//! Risk rules (separation of duties, `/governance/api/v1/risk-rules`) and their assessment for a user and the
//! access they would get (`/governance/api/v1/risk-rule-assessments`).

use std::collections::BTreeSet;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::Uri;
use serde_json::{Value, json};

use super::entitlements::effective;
use super::{data_page, invalid, with_org};
use crate::error::ApiError;
use crate::handlers::{ApiResult, Params, St, json_body, ok, page_after};
use crate::policy_model::{position_of, str_of};

const RULES: &str = "/governance/api/v1/risk-rules";

fn rule_json(r: &Value, public: &str) -> Value {
    let mut v = r.clone();
    v["_links"] = json!({"self": {"href": format!("{public}{RULES}/{}", str_of(r, "id"))}});
    v
}

pub(crate) async fn list(State(st): St, uri: Uri) -> ApiResult {
    let params = Params::parse(uri.query());
    let limit = params.limit(20, 200);
    let after = params.after()?;
    let items: Vec<(u64, Value)> = with_org(&st, |org| {
        Ok(org
            .governance
            .risk_rules
            .iter()
            .enumerate()
            .map(|(i, r)| (i as u64 + 1, rule_json(r, &st.public)))
            .collect())
    })?;
    let total = items.len();
    let (page, next) = page_after(items, after, limit);
    Ok(data_page(&st.public, RULES, &params, limit, (page, next), Some(total)))
}

pub(crate) async fn get_one(State(st): St, Path(id): Path<String>) -> ApiResult {
    let r = with_org(&st, |org| {
        position_of(&org.governance.risk_rules, &id)
            .and_then(|i| org.governance.risk_rules.get(i).cloned())
            .ok_or_else(|| ApiError::not_found(&id, "RiskRule"))
    })?;
    ok(rule_json(&r, &st.public))
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
pub(crate) async fn assess(State(st): St, body: Bytes) -> ApiResult {
    let body = json_body(&body)?;
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
            .find(|u| crate::governance_model::user_orn(&u.id) == principal)
            .map(|u| u.id.clone())
            .ok_or_else(|| invalid("RiskRuleAssessment", vec![format!("principalOrn: no user {principal:?}")]))?;
        let gov = &org.governance;
        let mut would_have = BTreeSet::new();
        for orn in &resources {
            let id = orn.rsplit(':').next().unwrap_or_default();
            if orn.contains(":entitlement-bundles:") {
                let b = gov
                    .bundles
                    .iter()
                    .find(|b| str_of(b, "id") == id)
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
