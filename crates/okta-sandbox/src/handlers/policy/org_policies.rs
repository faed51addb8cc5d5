//! Org policies by type (`GET /api/v1/policies?type=`), their rules, and policy lifecycle.

use axum::extract::{Path, State};
use axum::http::Uri;
use serde_json::{Value, json};

use super::refused;
use crate::error::ApiError;
use crate::handlers::{ApiResult, Id, Ids, Params, St, no_content, ok};
use crate::lock;
use crate::org::collection::{Collection, lifecycle_links, lifecycle_target, set_status, str_of, with_links};
use crate::org::policy::PolicyOrg;

const TYPES: [&str; 12] = [
    "ACCESS_POLICY",
    "ENTITY_RISK",
    "IDP_DISCOVERY",
    "MFA_ENROLL",
    "OKTA_SIGN_ON",
    "PASSWORD",
    "POST_AUTH_SESSION",
    "PROFILE_ENROLLMENT",
    "DEVICE_SIGNAL_COLLECTION",
    "SESSION_VIOLATION_DETECTION",
    "CLIENT_UPDATE",
    "IDENTITY_CLAIM_SOURCING",
];

fn base(public: &str, id: &str) -> String {
    format!("{public}/api/v1/policies/{id}")
}

fn policy_json(org: &PolicyOrg, p: &Value, public: &str, expand_rules: bool) -> Value {
    let id = str_of(p, "id");
    let b = base(public, id);
    let mut links = lifecycle_links(p, &b);
    links.push(("rules", format!("{b}/rules"), Some("GET")));
    let mut v = with_links(p, &links);
    if expand_rules {
        v["_embedded"] =
            json!({"rules": org.policy_rules.of(id).iter().map(|r| rule_json(r, public, id)).collect::<Vec<_>>()});
    }
    v
}

fn rule_json(r: &Value, public: &str, policy_id: &str) -> Value {
    let b = format!("{}/rules/{}", base(public, policy_id), str_of(r, "id"));
    with_links(r, &lifecycle_links(r, &b))
}

fn find<'a>(policies: &'a mut [Value], id: &str) -> Result<&'a mut Value, ApiError> {
    policies.or_404_mut(id, "Policy")
}

pub(crate) async fn list(State(st): St, uri: Uri) -> ApiResult {
    let params = Params::parse(uri.query());
    let kind = params.get("type").filter(|t| !t.is_empty()).ok_or_else(|| ApiError::missing_parameter("type"))?;
    if !TYPES.contains(&kind) {
        return Err(ApiError::validation("type", format!("type: Invalid policy type: {kind}")));
    }
    let status = params.get("status").filter(|s| !s.is_empty());
    let q = params.get("q").filter(|s| !s.is_empty()).map(str::to_lowercase);
    let expand_rules = params.get("expand") == Some("rules");
    let page = params.page(200, 200)?;
    let org = lock(&st.org);
    let mut matching: Vec<&Value> = org
        .policy
        .policies
        .iter()
        .filter(|p| str_of(p, "type") == kind)
        .filter(|p| status.is_none_or(|s| str_of(p, "status") == s))
        .filter(|p| q.as_deref().is_none_or(|q| str_of(p, "name").to_lowercase().contains(q)))
        .collect();
    matching.sort_by_key(|p| p.get("priority").and_then(Value::as_u64).unwrap_or(u64::MAX));
    let items: Vec<(u64, Value)> = matching
        .iter()
        .enumerate()
        .map(|(i, p)| (i as u64 + 1, policy_json(&org.policy, p, &st.public, expand_rules)))
        .collect();
    drop(org);
    Ok(page.links(&st.public, uri.path(), items))
}

pub(crate) async fn get_one(State(st): St, Path(id): Id, uri: Uri) -> ApiResult {
    let params = Params::parse(uri.query());
    let org = lock(&st.org);
    let p = org.policy.policies.or_404(&id, "Policy")?;
    ok(policy_json(&org.policy, p, &st.public, params.get("expand") == Some("rules")))
}

pub(crate) async fn lifecycle(State(st): St, Path((id, op)): Ids) -> ApiResult {
    let target = lifecycle_target(&op)?;
    let mut org = lock(&st.org);
    let p = find(&mut org.policy.policies, &id)?;
    if target == "INACTIVE" && p["system"] == json!(true) {
        return Err(refused("system", "system: The default policy cannot be deactivated."));
    }
    set_status(p, target);
    no_content()
}

pub(crate) async fn list_rules(State(st): St, Path(id): Id) -> ApiResult {
    let mut org = lock(&st.org);
    find(&mut org.policy.policies, &id)?;
    ok(Value::Array(org.policy.policy_rules.of(&id).iter().map(|r| rule_json(r, &st.public, &id)).collect()))
}

pub(crate) async fn get_rule(State(st): St, Path((id, rid)): Ids) -> ApiResult {
    let mut org = lock(&st.org);
    find(&mut org.policy.policies, &id)?;
    let r = org.policy.policy_rules.of(&id).or_404(&rid, "PolicyRule")?;
    ok(rule_json(r, &st.public, &id))
}
