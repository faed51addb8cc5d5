//! `/api/v1/authorizationServers/**`, `/api/v1/policies/**`, `/api/v1/zones/**` and `/api/v1/inlineHooks/**`:
//! authorization servers with their policies, rules, scopes, claims and keys; org policies and rules; network
//! zones; inline hooks (whose execute endpoint answers a sample hook response and never calls out).

mod authz;
mod hooks;
mod org_policies;
mod zones;

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use serde_json::Value;

use crate::AppState;
use crate::error::ApiError;

pub(crate) fn routes() -> Router<Arc<AppState>> {
    const AS: &str = "/api/v1/authorizationServers/{authServerId}";
    Router::new()
        .route("/api/v1/authorizationServers", get(authz::list).post(authz::create))
        .route(AS, get(authz::get_one).put(authz::replace).delete(authz::delete))
        .route(&format!("{AS}/lifecycle/{{op}}"), post(authz::lifecycle))
        .route(&format!("{AS}/credentials/keys"), get(authz::keys))
        .route(&format!("{AS}/credentials/lifecycle/keyRotate"), post(authz::rotate))
        .route(&format!("{AS}/policies"), get(authz::list_policies).post(authz::create_policy))
        .route(
            &format!("{AS}/policies/{{policyId}}"),
            get(authz::get_policy).put(authz::replace_policy).delete(authz::delete_policy),
        )
        .route(&format!("{AS}/policies/{{policyId}}/rules"), get(authz::list_rules).post(authz::create_rule))
        .route(
            &format!("{AS}/policies/{{policyId}}/rules/{{ruleId}}"),
            get(authz::get_rule).put(authz::replace_rule).delete(authz::delete_rule),
        )
        .route(&format!("{AS}/scopes"), get(authz::list_scopes).post(authz::create_scope))
        .route(
            &format!("{AS}/scopes/{{scopeId}}"),
            get(authz::get_scope).put(authz::replace_scope).delete(authz::delete_scope),
        )
        .route(&format!("{AS}/claims"), get(authz::list_claims).post(authz::create_claim))
        .route(
            &format!("{AS}/claims/{{claimId}}"),
            get(authz::get_claim).put(authz::replace_claim).delete(authz::delete_claim),
        )
        .route("/api/v1/policies", get(org_policies::list))
        .route("/api/v1/policies/{policyId}", get(org_policies::get_one))
        .route("/api/v1/policies/{policyId}/lifecycle/{op}", post(org_policies::lifecycle))
        .route("/api/v1/policies/{policyId}/rules", get(org_policies::list_rules))
        .route("/api/v1/policies/{policyId}/rules/{ruleId}", get(org_policies::get_rule))
        .route("/api/v1/zones", get(zones::list).post(zones::create))
        .route("/api/v1/zones/{zoneId}", get(zones::get_one).put(zones::replace).delete(zones::delete))
        .route("/api/v1/zones/{zoneId}/lifecycle/{op}", post(zones::lifecycle))
        .route("/api/v1/inlineHooks", get(hooks::list).post(hooks::create))
        .route("/api/v1/inlineHooks/{inlineHookId}", get(hooks::get_one).put(hooks::replace).delete(hooks::delete))
        .route("/api/v1/inlineHooks/{inlineHookId}/lifecycle/{op}", post(hooks::lifecycle))
        .route("/api/v1/inlineHooks/{inlineHookId}/execute", post(hooks::execute))
}

/// The scope an operation on these routes needs (Okta's spec: reads `.read`, every change `.manage`).
pub fn required_scope(method: &str, template: &str) -> Option<&'static str> {
    let read = method == "GET";
    let family = [
        ("/api/v1/authorizationServers", "okta.authorizationServers.read", "okta.authorizationServers.manage"),
        ("/api/v1/policies", "okta.policies.read", "okta.policies.manage"),
        ("/api/v1/zones", "okta.networkZones.read", "okta.networkZones.manage"),
        ("/api/v1/inlineHooks", "okta.inlineHooks.read", "okta.inlineHooks.manage"),
    ];
    family
        .iter()
        .find(|(prefix, _, _)| template == *prefix || template.starts_with(&format!("{prefix}/")))
        .map(|(_, r, m)| if read { *r } else { *m })
}

/// A required, non-blank string field of a request body.
pub(crate) fn required<'a>(body: &'a Value, field: &str) -> Result<&'a str, ApiError> {
    body.get(field)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ApiError::validation(field, format!("{field}: The field cannot be left blank")))
}

/// 400 E0000001 with one cause: what Okta answers when a lifecycle or ownership rule forbids the change.
pub(crate) fn refused(field: &str, cause: impl Into<String>) -> ApiError {
    ApiError::validation(field, cause)
}

/// The lifecycle operation of a `/lifecycle/{op}` route.
pub(crate) fn lifecycle_target(op: &str) -> Result<&'static str, ApiError> {
    match op {
        "activate" => Ok("ACTIVE"),
        "deactivate" => Ok("INACTIVE"),
        other => Err(ApiError::not_found(other, "Path")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_follow_the_spec() {
        assert_eq!(required_scope("GET", "/api/v1/authorizationServers"), Some("okta.authorizationServers.read"));
        assert_eq!(
            required_scope("POST", "/api/v1/authorizationServers/{authServerId}/credentials/lifecycle/keyRotate"),
            Some("okta.authorizationServers.manage")
        );
        assert_eq!(required_scope("POST", "/api/v1/policies/{policyId}/lifecycle/{op}"), Some("okta.policies.manage"));
        assert_eq!(required_scope("GET", "/api/v1/zones/{zoneId}"), Some("okta.networkZones.read"));
        assert_eq!(
            required_scope("POST", "/api/v1/inlineHooks/{inlineHookId}/execute"),
            Some("okta.inlineHooks.manage")
        );
        assert_eq!(required_scope("GET", "/api/v1/policiesX"), None);
    }
}
