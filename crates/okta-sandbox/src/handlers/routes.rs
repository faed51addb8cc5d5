//! The one route table: every route the sandbox serves, declared once with its method, its path template (axum
//! syntax), its handler, and what an OAuth 2.0 access token needs there: the scopes of Okta's spec
//! (`oauth2_scope_alternatives` in `op-scopes.json`; `tests` checks them) and whether Okta serves the operation to
//! OAuth 2.0 alone (the spec lists no `ApiKey`: an API token is refused). The router and the scope check of
//! `authorize` are both made from it.
//!
//! The sandbox keeps its own table, independent of the servers' catalogs: if both shared one, a wrong entry
//! would make them agree.

use std::sync::Arc;

use axum::Router;
use axum::routing::{MethodFilter, on};

use super::admin::{devices, event_hooks, roles};
use super::{apps, control, factors, governance, groups, logs, oauth, policy, sessions, users};
use crate::AppState;

/// One route: method, path template, and what an access token needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Route {
    /// `GET`, `POST`, `PUT`, `PATCH` or `DELETE`.
    pub method: &'static str,
    /// The path template, as axum matches it (`{name}` parameters).
    pub path: &'static str,
    /// The scopes an access token must hold (all of them; empty: the route is not an API operation).
    pub scopes: &'static [&'static str],
    /// Okta serves the operation to OAuth 2.0 access tokens only: an API token is refused.
    pub oauth_only: bool,
}

macro_rules! table {
    (@only) => { false };
    (@only oauth_only) => { true };
    ($($method:ident $path:literal => $handler:path, $($only:ident)? [$($scope:literal),*];)*) => {
        /// Every route the sandbox serves.
        pub(crate) const ROUTES: &[Route] = &[
            $(Route { method: stringify!($method), path: $path, scopes: &[$($scope),*], oauth_only: table!(@only $($only)?) },)*
        ];

        /// The router of every route in [`ROUTES`] (method routers of one path merge).
        pub(crate) fn router() -> Router<Arc<AppState>> {
            Router::new()
                $(.route($path, on(MethodFilter::$method, $handler)))*
        }
    };
}

table! {
        GET "/api/v1/users" => users::list, ["okta.users.read"];
        POST "/api/v1/users" => users::create, ["okta.users.manage"];
        GET "/api/v1/users/{id}" => users::get_one, ["okta.users.read"];
        POST "/api/v1/users/{id}" => users::update, ["okta.users.manage"];
        PUT "/api/v1/users/{id}" => users::replace, ["okta.users.manage"];
        DELETE "/api/v1/users/{id}" => users::delete, ["okta.users.manage"];
        POST "/api/v1/users/{id}/lifecycle/{op}" => users::lifecycle, ["okta.users.manage"];
        GET "/api/v1/users/{id}/groups" => users::groups, ["okta.users.read"];
        GET "/api/v1/users/{id}/appLinks" => users::app_links, ["okta.users.read"];
        GET "/api/v1/users/{id}/roles" => users::roles, ["okta.roles.read"];
        DELETE "/api/v1/users/{id}/sessions" => users::clear_sessions, ["okta.users.manage"];
        GET "/api/v1/users/{id}/factors" => factors::list, ["okta.users.read"];
        POST "/api/v1/users/{id}/factors" => factors::enroll, ["okta.users.manage"];
        GET "/api/v1/users/{id}/factors/catalog" => factors::catalog, ["okta.users.read"];
        GET "/api/v1/users/{id}/factors/{factorId}" => factors::get_one, ["okta.users.read"];
        DELETE "/api/v1/users/{id}/factors/{factorId}" => factors::delete, ["okta.users.manage"];
        POST "/api/v1/users/{id}/factors/{factorId}/lifecycle/activate" => factors::activate, ["okta.users.manage"];
        POST "/api/v1/users/{id}/factors/{factorId}/verify" => factors::verify, ["okta.users.manage"];
        GET "/api/v1/users/{id}/factors/{factorId}/transactions/{transactionId}" => factors::transaction, ["okta.users.read"];
        GET "/api/v1/sessions/{sessionId}" => sessions::get_one, ["okta.sessions.read"];
        DELETE "/api/v1/sessions/{sessionId}" => sessions::delete, ["okta.sessions.manage"];
        GET "/api/v1/logs" => logs::list, ["okta.logs.read"];
        GET "/api/v1/groups" => groups::list, ["okta.groups.read"];
        POST "/api/v1/groups" => groups::create, ["okta.groups.manage"];
        GET "/api/v1/groups/{groupId}" => groups::get_one, ["okta.groups.read"];
        PUT "/api/v1/groups/{groupId}" => groups::replace, ["okta.groups.manage"];
        DELETE "/api/v1/groups/{groupId}" => groups::delete, ["okta.groups.manage"];
        GET "/api/v1/groups/{groupId}/users" => groups::members, ["okta.groups.read"];
        PUT "/api/v1/groups/{groupId}/users/{userId}" => groups::add_member, ["okta.groups.manage"];
        DELETE "/api/v1/groups/{groupId}/users/{userId}" => groups::remove_member, ["okta.groups.manage"];
        GET "/api/v1/groups/{groupId}/apps" => groups::apps, ["okta.groups.read"];
        GET "/api/v1/apps" => apps::list, ["okta.apps.read"];
        POST "/api/v1/apps" => apps::create, ["okta.apps.manage"];
        GET "/api/v1/apps/{appId}" => apps::get_one, ["okta.apps.read"];
        PUT "/api/v1/apps/{appId}" => apps::replace, ["okta.apps.manage"];
        DELETE "/api/v1/apps/{appId}" => apps::delete, ["okta.apps.manage"];
        POST "/api/v1/apps/{appId}/lifecycle/{op}" => apps::lifecycle, ["okta.apps.manage"];
        GET "/api/v1/apps/{appId}/users" => apps::list_users, ["okta.apps.read"];
        POST "/api/v1/apps/{appId}/users" => apps::assign_user, ["okta.apps.manage"];
        GET "/api/v1/apps/{appId}/users/{userId}" => apps::get_user, ["okta.apps.read"];
        POST "/api/v1/apps/{appId}/users/{userId}" => apps::update_user, ["okta.apps.manage"];
        DELETE "/api/v1/apps/{appId}/users/{userId}" => apps::unassign_user, ["okta.apps.manage"];
        GET "/api/v1/apps/{appId}/groups" => apps::list_groups, ["okta.apps.read"];
        GET "/api/v1/apps/{appId}/groups/{groupId}" => apps::get_group, ["okta.apps.read"];
        PUT "/api/v1/apps/{appId}/groups/{groupId}" => apps::assign_group, ["okta.apps.manage"];
        DELETE "/api/v1/apps/{appId}/groups/{groupId}" => apps::unassign_group, ["okta.apps.manage"];
        GET "/api/v1/apps/{appId}/credentials/keys" => apps::list_keys, ["okta.apps.read"];
        POST "/api/v1/apps/{appId}/credentials/keys/generate" => apps::generate_key, ["okta.apps.manage"];
        GET "/api/v1/apps/{appId}/sso/saml/metadata" => apps::saml_metadata, ["okta.apps.read"];
        GET "/api/v1/apps/{appId}/grants" => apps::list_grants, ["okta.appGrants.read"];
        POST "/oauth2/v1/token" => oauth::token, [];
        GET "/.well-known/okta-organization" => crate::well_known_org, [];
        GET "/api/v1/iam/roles" => roles::list_roles, ["okta.roles.read"];
        GET "/api/v1/iam/roles/{roleIdOrLabel}" => roles::get_role, ["okta.roles.read"];
        GET "/api/v1/iam/resource-sets" => roles::list_resource_sets, ["okta.roles.read"];
        GET "/api/v1/iam/resource-sets/{resourceSetIdOrLabel}" => roles::get_resource_set, ["okta.roles.read"];
        POST "/api/v1/users/{id}/roles" => roles::assign_to_user, ["okta.roles.manage"];
        GET "/api/v1/users/{id}/roles/{roleAssignmentId}" => roles::get_user_role, ["okta.roles.read"];
        DELETE "/api/v1/users/{id}/roles/{roleAssignmentId}" => roles::unassign_from_user, ["okta.roles.manage"];
        GET "/api/v1/groups/{groupId}/roles" => roles::list_group_roles, ["okta.roles.read"];
        POST "/api/v1/groups/{groupId}/roles" => roles::assign_to_group, ["okta.roles.manage"];
        GET "/api/v1/groups/{groupId}/roles/{roleAssignmentId}" => roles::get_group_role, ["okta.roles.read"];
        DELETE "/api/v1/groups/{groupId}/roles/{roleAssignmentId}" => roles::unassign_from_group, ["okta.roles.manage"];
        GET "/api/v1/devices" => devices::list, ["okta.devices.read"];
        GET "/api/v1/devices/{deviceId}" => devices::get_one, ["okta.devices.read"];
        DELETE "/api/v1/devices/{deviceId}" => devices::delete, ["okta.devices.manage"];
        GET "/api/v1/devices/{deviceId}/users" => devices::users, ["okta.devices.read"];
        POST "/api/v1/devices/{deviceId}/lifecycle/{op}" => devices::lifecycle, ["okta.devices.manage"];
        GET "/api/v1/eventHooks" => event_hooks::list, ["okta.eventHooks.read"];
        POST "/api/v1/eventHooks" => event_hooks::create, ["okta.eventHooks.manage"];
        GET "/api/v1/eventHooks/{eventHookId}" => event_hooks::get_one, ["okta.eventHooks.read"];
        PUT "/api/v1/eventHooks/{eventHookId}" => event_hooks::replace, ["okta.eventHooks.manage"];
        DELETE "/api/v1/eventHooks/{eventHookId}" => event_hooks::delete, ["okta.eventHooks.manage"];
        POST "/api/v1/eventHooks/{eventHookId}/lifecycle/{op}" => event_hooks::lifecycle, ["okta.eventHooks.manage"];
        GET "/api/v1/authorizationServers" => policy::authz::list, ["okta.authorizationServers.read"];
        POST "/api/v1/authorizationServers" => policy::authz::create, ["okta.authorizationServers.manage"];
        GET "/api/v1/authorizationServers/{authServerId}" => policy::authz::get_one, ["okta.authorizationServers.read"];
        PUT "/api/v1/authorizationServers/{authServerId}" => policy::authz::replace, ["okta.authorizationServers.manage"];
        DELETE "/api/v1/authorizationServers/{authServerId}" => policy::authz::delete, ["okta.authorizationServers.manage"];
        POST "/api/v1/authorizationServers/{authServerId}/lifecycle/{op}" => policy::authz::lifecycle, ["okta.authorizationServers.manage"];
        GET "/api/v1/authorizationServers/{authServerId}/credentials/keys" => policy::authz::keys, ["okta.authorizationServers.read"];
        POST "/api/v1/authorizationServers/{authServerId}/credentials/lifecycle/keyRotate" => policy::authz::rotate, ["okta.authorizationServers.manage"];
        GET "/api/v1/authorizationServers/{authServerId}/policies" => policy::authz::list_policies, ["okta.authorizationServers.read"];
        POST "/api/v1/authorizationServers/{authServerId}/policies" => policy::authz::create_policy, ["okta.authorizationServers.manage"];
        GET "/api/v1/authorizationServers/{authServerId}/policies/{policyId}" => policy::authz::get_policy, ["okta.authorizationServers.read"];
        PUT "/api/v1/authorizationServers/{authServerId}/policies/{policyId}" => policy::authz::replace_policy, ["okta.authorizationServers.manage"];
        DELETE "/api/v1/authorizationServers/{authServerId}/policies/{policyId}" => policy::authz::delete_policy, ["okta.authorizationServers.manage"];
        GET "/api/v1/authorizationServers/{authServerId}/policies/{policyId}/rules" => policy::authz::list_rules, ["okta.authorizationServers.read"];
        POST "/api/v1/authorizationServers/{authServerId}/policies/{policyId}/rules" => policy::authz::create_rule, ["okta.authorizationServers.manage"];
        GET "/api/v1/authorizationServers/{authServerId}/policies/{policyId}/rules/{ruleId}" => policy::authz::get_rule, ["okta.authorizationServers.read"];
        PUT "/api/v1/authorizationServers/{authServerId}/policies/{policyId}/rules/{ruleId}" => policy::authz::replace_rule, ["okta.authorizationServers.manage"];
        DELETE "/api/v1/authorizationServers/{authServerId}/policies/{policyId}/rules/{ruleId}" => policy::authz::delete_rule, ["okta.authorizationServers.manage"];
        GET "/api/v1/authorizationServers/{authServerId}/scopes" => policy::authz::list_scopes, ["okta.authorizationServers.read"];
        POST "/api/v1/authorizationServers/{authServerId}/scopes" => policy::authz::create_scope, ["okta.authorizationServers.manage"];
        GET "/api/v1/authorizationServers/{authServerId}/scopes/{scopeId}" => policy::authz::get_scope, ["okta.authorizationServers.read"];
        PUT "/api/v1/authorizationServers/{authServerId}/scopes/{scopeId}" => policy::authz::replace_scope, ["okta.authorizationServers.manage"];
        DELETE "/api/v1/authorizationServers/{authServerId}/scopes/{scopeId}" => policy::authz::delete_scope, ["okta.authorizationServers.manage"];
        GET "/api/v1/authorizationServers/{authServerId}/claims" => policy::authz::list_claims, ["okta.authorizationServers.read"];
        POST "/api/v1/authorizationServers/{authServerId}/claims" => policy::authz::create_claim, ["okta.authorizationServers.manage"];
        GET "/api/v1/authorizationServers/{authServerId}/claims/{claimId}" => policy::authz::get_claim, ["okta.authorizationServers.read"];
        PUT "/api/v1/authorizationServers/{authServerId}/claims/{claimId}" => policy::authz::replace_claim, ["okta.authorizationServers.manage"];
        DELETE "/api/v1/authorizationServers/{authServerId}/claims/{claimId}" => policy::authz::delete_claim, ["okta.authorizationServers.manage"];
        GET "/api/v1/policies" => policy::org_policies::list, ["okta.policies.read"];
        GET "/api/v1/policies/{policyId}" => policy::org_policies::get_one, ["okta.policies.read"];
        POST "/api/v1/policies/{policyId}/lifecycle/{op}" => policy::org_policies::lifecycle, ["okta.policies.manage"];
        GET "/api/v1/policies/{policyId}/rules" => policy::org_policies::list_rules, ["okta.policies.read"];
        GET "/api/v1/policies/{policyId}/rules/{ruleId}" => policy::org_policies::get_rule, ["okta.policies.read"];
        GET "/api/v1/zones" => policy::zones::list, ["okta.networkZones.read"];
        POST "/api/v1/zones" => policy::zones::create, ["okta.networkZones.manage"];
        GET "/api/v1/zones/{zoneId}" => policy::zones::get_one, ["okta.networkZones.read"];
        PUT "/api/v1/zones/{zoneId}" => policy::zones::replace, ["okta.networkZones.manage"];
        DELETE "/api/v1/zones/{zoneId}" => policy::zones::delete, ["okta.networkZones.manage"];
        POST "/api/v1/zones/{zoneId}/lifecycle/{op}" => policy::zones::lifecycle, ["okta.networkZones.manage"];
        GET "/api/v1/inlineHooks" => policy::hooks::list, ["okta.inlineHooks.read"];
        POST "/api/v1/inlineHooks" => policy::hooks::create, ["okta.inlineHooks.manage"];
        GET "/api/v1/inlineHooks/{inlineHookId}" => policy::hooks::get_one, ["okta.inlineHooks.read"];
        PUT "/api/v1/inlineHooks/{inlineHookId}" => policy::hooks::replace, ["okta.inlineHooks.manage"];
        DELETE "/api/v1/inlineHooks/{inlineHookId}" => policy::hooks::delete, ["okta.inlineHooks.manage"];
        POST "/api/v1/inlineHooks/{inlineHookId}/lifecycle/{op}" => policy::hooks::lifecycle, ["okta.inlineHooks.manage"];
        POST "/api/v1/inlineHooks/{inlineHookId}/execute" => policy::hooks::execute, ["okta.inlineHooks.manage"];
        GET "/governance/api/v1/campaigns" => governance::campaigns::list, ["okta.governance.accessCertifications.read"];
        POST "/governance/api/v1/campaigns" => governance::campaigns::create, ["okta.governance.accessCertifications.manage"];
        GET "/governance/api/v1/campaigns/{campaignId}" => governance::campaigns::get_one, ["okta.governance.accessCertifications.read"];
        DELETE "/governance/api/v1/campaigns/{campaignId}" => governance::campaigns::delete, ["okta.governance.accessCertifications.manage"];
        POST "/governance/api/v1/campaigns/{campaignId}/launch" => governance::campaigns::launch, ["okta.governance.accessCertifications.manage"];
        POST "/governance/api/v1/campaigns/{campaignId}/end" => governance::campaigns::end, ["okta.governance.accessCertifications.manage"];
        POST "/governance/api/v1/campaigns/{campaignId}/reviews/reassign" => governance::campaigns::reassign, ["okta.governance.accessCertifications.manage"];
        GET "/governance/api/v1/reviews" => governance::campaigns::list_reviews, ["okta.governance.accessCertifications.read"];
        GET "/governance/api/v1/reviews/{reviewId}" => governance::campaigns::get_review, ["okta.governance.accessCertifications.read"];
        GET "/governance/api/v1/entitlements" => governance::entitlements::list, ["okta.governance.entitlements.read"];
        GET "/governance/api/v1/entitlements/{entitlementId}" => governance::entitlements::get_one, ["okta.governance.entitlements.read"];
        GET "/governance/api/v1/entitlements/{entitlementId}/values" => governance::entitlements::values, ["okta.governance.entitlements.read"];
        GET "/governance/api/v1/entitlements/{entitlementId}/values/{valueId}" => governance::entitlements::value, ["okta.governance.entitlements.read"];
        GET "/governance/api/v1/grants" => governance::entitlements::list_grants, ["okta.governance.entitlements.read"];
        POST "/governance/api/v1/grants" => governance::entitlements::create_grant, ["okta.governance.entitlements.manage"];
        GET "/governance/api/v1/grants/{grantId}" => governance::entitlements::get_grant, ["okta.governance.entitlements.read"];
        GET "/governance/api/v1/principal-entitlements" => governance::entitlements::principal_entitlements, ["okta.governance.entitlements.read"];
        GET "/governance/api/v1/principal-access" => governance::entitlements::principal_access, ["okta.governance.entitlements.read"];
        GET "/governance/api/v1/entitlement-bundles" => governance::bundles::list, ["okta.governance.entitlements.read"];
        GET "/governance/api/v1/entitlement-bundles/{entitlementBundleId}" => governance::bundles::get_one, ["okta.governance.entitlements.read"];
        POST "/governance/api/v2/revoke-principal-access" => governance::bundles::revoke_principal_access, ["okta.governance.entitlements.manage"];
        GET "/governance/api/v1/risk-rules" => governance::risk::list, ["okta.governance.riskRule.read"];
        GET "/governance/api/v1/risk-rules/{ruleId}" => governance::risk::get_one, ["okta.governance.riskRule.read"];
        POST "/governance/api/v1/risk-rule-assessments" => governance::risk::assess, ["okta.governance.riskRule.read"];
        GET "/governance/api/v2/requests" => governance::requests::list, oauth_only ["okta.accessRequests.request.read"];
        POST "/governance/api/v2/requests" => governance::requests::create, ["okta.accessRequests.request.manage"];
        GET "/governance/api/v2/requests/{requestId}" => governance::requests::get_one, ["okta.accessRequests.request.read"];
        GET "/governance/api/v2/tasks" => governance::requests::list_tasks, ["okta.accessRequests.tasks.read"];
        GET "/governance/api/v2/tasks/{taskId}" => governance::requests::get_task, ["okta.accessRequests.tasks.read"];
        POST "/governance/api/v2/tasks/{taskId}/resolve" => governance::requests::resolve, ["okta.accessRequests.tasks.manage"];
        GET "/governance/api/v1/collections" => governance::collections::list, ["okta.governance.collections.read"];
        GET "/governance/api/v1/collections/assignments" => governance::collections::all_assignments, ["okta.governance.collections.read"];
        GET "/governance/api/v1/collections/{collectionId}" => governance::collections::get_one, ["okta.governance.collections.read"];
        GET "/governance/api/v1/collections/{collectionId}/resources" => governance::collections::resources, ["okta.governance.collections.read"];
        GET "/governance/api/v1/collections/{collectionId}/assignments" => governance::collections::list_assignments, ["okta.governance.collections.read"];
        GET "/governance/api/v1/labels" => governance::labels::list, ["okta.governance.labels.read"];
        GET "/governance/api/v1/resource-labels" => governance::labels::list_resources, ["okta.governance.labels.read"];
        POST "/governance/api/v1/resource-labels/assign" => governance::labels::assign, ["okta.governance.labels.manage"];
        POST "/governance/api/v1/resource-labels/unassign" => governance::labels::unassign, ["okta.governance.labels.manage"];
        GET "/governance/api/v1/resource-owners" => governance::owners::list, ["okta.governance.resourceOwner.read"];
        POST "/governance/api/v1/resource-owners" => governance::owners::configure, ["okta.governance.resourceOwner.manage"];
        GET "/governance/api/v2/catalogs/default/entries" => governance::requests::list_entries, oauth_only ["okta.accessRequests.catalog.read"];
        GET "/governance/api/v2/catalogs/default/entries/{entryId}" => governance::requests::get_entry, oauth_only ["okta.accessRequests.catalog.read"];
        GET "/governance/api/v2/catalogs/default/user/{userId}/entries" => governance::requests::user_entries, oauth_only ["okta.accessRequests.catalog.read"];
        GET "/governance/api/v2/security-access-reviews" => governance::security_reviews::list, oauth_only ["okta.governance.securityAccessReviews.admin.read"];
        POST "/governance/api/v2/security-access-reviews" => governance::security_reviews::create, ["okta.governance.securityAccessReviews.admin.manage"];
        GET "/governance/api/v2/security-access-reviews/{securityAccessReviewId}" => governance::security_reviews::get_one, oauth_only ["okta.governance.securityAccessReviews.admin.read"];
        GET "/governance/api/v2/security-access-reviews/{securityAccessReviewId}/principal" => governance::security_reviews::principal, oauth_only ["okta.governance.securityAccessReviews.admin.read"];
        GET "/governance/api/v2/security-access-reviews/{securityAccessReviewId}/accesses" => governance::security_reviews::accesses, oauth_only ["okta.governance.securityAccessReviews.admin.read"];
        GET "/governance/api/v2/security-access-reviews/{securityAccessReviewId}/accesses/{securityAccessReviewAccessId}/sub-accesses" => governance::security_reviews::sub_accesses, oauth_only ["okta.governance.securityAccessReviews.admin.read"];
        POST "/governance/api/v2/security-access-reviews/{securityAccessReviewId}/accesses/{securityAccessReviewTargetId}/actions" => governance::security_reviews::access_action, oauth_only ["okta.governance.securityAccessReviews.admin.manage"];
        GET "/governance/api/v2/security-access-reviews/{securityAccessReviewId}/actions" => governance::security_reviews::list_actions, oauth_only ["okta.governance.securityAccessReviews.admin.read"];
        POST "/governance/api/v2/security-access-reviews/{securityAccessReviewId}/actions" => governance::security_reviews::review_action, oauth_only ["okta.governance.securityAccessReviews.admin.manage"];
        POST "/governance/api/v1/entitlements" => governance::entitlements::create, ["okta.governance.entitlements.manage"];
        PATCH "/governance/api/v1/entitlements/{entitlementId}" => governance::entitlements::patch, ["okta.governance.entitlements.manage"];
        DELETE "/governance/api/v1/entitlements/{entitlementId}" => governance::entitlements::delete, ["okta.governance.entitlements.manage"];
        GET "/governance/api/v1/principal-entitlements/history" => governance::entitlements::principal_history, ["okta.governance.entitlements.read"];
        POST "/governance/api/v1/entitlement-bundles" => governance::bundles::create, ["okta.governance.entitlements.manage"];
        PUT "/governance/api/v1/entitlement-bundles/{entitlementBundleId}" => governance::bundles::replace, ["okta.governance.entitlements.manage"];
        DELETE "/governance/api/v1/entitlement-bundles/{entitlementBundleId}" => governance::bundles::delete, ["okta.governance.entitlements.manage"];
        POST "/governance/api/v1/risk-rules" => governance::risk::create, ["okta.governance.riskRule.manage"];
        PUT "/governance/api/v1/risk-rules/{ruleId}" => governance::risk::replace, ["okta.governance.riskRule.manage"];
        DELETE "/governance/api/v1/risk-rules/{ruleId}" => governance::risk::delete, ["okta.governance.riskRule.manage"];
        POST "/__sandbox/reset" => control::reset, [];
        GET "/__sandbox/stats" => control::stats, [];
        POST "/__sandbox/rate-limit" => control::rate_limit, [];
        GET "/__sandbox/push" => control::push_state, [];
        POST "/__sandbox/push" => control::push_answer, [];
        POST "/__sandbox/faults" => control::faults, [];
}

/// The route of a request: its method (HEAD is answered by GET) and the template axum matched.
pub(crate) fn find(method: &str, template: &str) -> Option<&'static Route> {
    let method = if method == "HEAD" { "GET" } else { method };
    ROUTES.iter().find(|r| r.method == method && r.path == template)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::PathBuf;

    use serde_json::Value;

    use super::*;

    /// The one scope a route needs (every route the sandbox serves needs one or none).
    fn required_scope(method: &str, template: &str) -> Option<&'static str> {
        find(method, template).and_then(|r| r.scopes.first().copied())
    }

    fn oauth_only(method: &str, template: &str) -> bool {
        find(method, template).is_some_and(|r| r.oauth_only)
    }

    #[test]
    fn routes_are_declared_once() {
        let mut seen = BTreeSet::new();
        for r in ROUTES {
            assert!(seen.insert((r.method, r.path)), "{} {} is declared twice", r.method, r.path);
        }
        let _ = router();
    }

    #[test]
    fn scopes_follow_the_spec() {
        assert_eq!(required_scope("GET", "/api/v1/users"), Some("okta.users.read"));
        assert_eq!(required_scope("POST", "/api/v1/users/{id}/lifecycle/{op}"), Some("okta.users.manage"));
        assert_eq!(required_scope("DELETE", "/api/v1/users/{id}/sessions"), Some("okta.users.manage"));
        assert_eq!(required_scope("GET", "/api/v1/users/{id}/roles"), Some("okta.roles.read"));
        assert_eq!(required_scope("PUT", "/api/v1/groups/{groupId}/users/{userId}"), Some("okta.groups.manage"));
        assert_eq!(required_scope("GET", "/api/v1/sessions/{sessionId}"), Some("okta.sessions.read"));
        assert_eq!(required_scope("DELETE", "/api/v1/sessions/{sessionId}"), Some("okta.sessions.manage"));
        assert_eq!(required_scope("GET", "/api/v1/logs"), Some("okta.logs.read"));
        assert_eq!(required_scope("GET", "/api/v1/apps"), Some("okta.apps.read"));
        assert_eq!(required_scope("POST", "/api/v1/apps/{appId}/lifecycle/{op}"), Some("okta.apps.manage"));
        assert_eq!(required_scope("POST", "/api/v1/apps/{appId}/credentials/keys/generate"), Some("okta.apps.manage"));
        assert_eq!(required_scope("GET", "/api/v1/apps/{appId}/sso/saml/metadata"), Some("okta.apps.read"));
        assert_eq!(required_scope("GET", "/api/v1/apps/{appId}/grants"), Some("okta.appGrants.read"));
        assert_eq!(required_scope("GET", "/nope"), None);
    }

    #[test]
    fn policy_scopes_follow_the_spec() {
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

    #[test]
    fn governance_scopes_follow_the_spec() {
        assert_eq!(
            required_scope("GET", "/governance/api/v1/campaigns"),
            Some("okta.governance.accessCertifications.read")
        );
        assert_eq!(
            required_scope("POST", "/governance/api/v1/campaigns/{campaignId}/launch"),
            Some("okta.governance.accessCertifications.manage")
        );
        assert_eq!(required_scope("GET", "/governance/api/v1/campaignsx"), None);
        assert_eq!(required_scope("POST", "/governance/api/v1/grants"), Some("okta.governance.entitlements.manage"));
        assert_eq!(
            required_scope("POST", "/governance/api/v1/risk-rule-assessments"),
            Some("okta.governance.riskRule.read")
        );
        assert_eq!(
            required_scope("POST", "/governance/api/v2/tasks/{taskId}/resolve"),
            Some("okta.accessRequests.tasks.manage")
        );
        assert_eq!(
            required_scope("POST", "/governance/api/v2/revoke-principal-access"),
            Some("okta.governance.entitlements.manage")
        );
        assert_eq!(
            required_scope("GET", "/governance/api/v1/principal-access"),
            Some("okta.governance.entitlements.read")
        );
        assert_eq!(
            required_scope("GET", "/governance/api/v1/collections/assignments"),
            Some("okta.governance.collections.read")
        );
        assert_eq!(
            required_scope("POST", "/governance/api/v1/resource-labels/unassign"),
            Some("okta.governance.labels.manage")
        );
        assert_eq!(required_scope("GET", "/governance/api/v1/labels"), Some("okta.governance.labels.read"));
        assert_eq!(
            required_scope("POST", "/governance/api/v1/resource-owners"),
            Some("okta.governance.resourceOwner.manage")
        );
        assert_eq!(
            required_scope("GET", "/governance/api/v2/catalogs/default/user/{userId}/entries"),
            Some("okta.accessRequests.catalog.read")
        );
        assert_eq!(
            required_scope("POST", "/governance/api/v2/security-access-reviews/{securityAccessReviewId}/actions"),
            Some("okta.governance.securityAccessReviews.admin.manage")
        );
    }

    #[test]
    fn oauth_only_operations_follow_the_spec() {
        assert!(oauth_only("GET", "/governance/api/v2/requests"));
        assert!(!oauth_only("POST", "/governance/api/v2/requests"));
        assert!(!oauth_only("GET", "/governance/api/v2/requests/{requestId}"));
        assert!(oauth_only("GET", "/governance/api/v2/catalogs/default/entries/{entryId}"));
        assert!(oauth_only("GET", "/governance/api/v2/security-access-reviews"));
        assert!(!oauth_only("POST", "/governance/api/v2/security-access-reviews"));
        assert!(oauth_only("POST", "/governance/api/v2/security-access-reviews/{securityAccessReviewId}/actions"));
        assert!(!oauth_only("GET", "/governance/api/v1/campaigns"));
    }

    /// `../shared/okta-openapi` beside the checkout; absent → skip with a message, except under `CI=true`.
    fn spec_dir() -> Option<PathBuf> {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/okta-openapi");
        if dir.join("op-scopes.json").exists() {
            return Some(dir);
        }
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "../shared/okta-openapi/op-scopes.json is missing, and CI=true forbids skipping the route table check"
        );
        eprintln!("SKIPPED: ../shared/okta-openapi is absent, so the route table is not checked against Okta's spec");
        None
    }

    /// Does the sandbox's template `ours` serve the spec's path `theirs`? Parameters match parameters whatever
    /// their names; the sandbox's `{op}` (one handler for several lifecycle operations) matches a literal segment.
    fn serves(ours: &str, theirs: &str) -> bool {
        let (a, b): (Vec<&str>, Vec<&str>) = (ours.split('/').collect(), theirs.split('/').collect());
        let param = |s: &str| s.starts_with('{') && s.ends_with('}');
        a.len() == b.len()
            && a.iter().zip(&b).all(|(x, y)| match (param(x), param(y)) {
                (true, true) => *x != "{op}",
                (true, false) => *x == "{op}",
                (false, false) => x == y,
                (false, true) => false,
            })
    }

    /// Every /api/v1, /governance and /oauth2 route is an operation of Okta's spec; its scopes are the spec's (one
    /// of the alternatives, for every operation it serves), and it refuses API tokens exactly where the spec lists
    /// no API key.
    #[test]
    fn route_table_matches_the_spec() {
        let Some(dir) = spec_dir() else { return };
        let text = std::fs::read(dir.join("op-scopes.json")).unwrap_or_default();
        let ops: Vec<Value> = serde_json::from_slice(&text).unwrap_or_default();
        assert!(!ops.is_empty(), "op-scopes.json is unreadable");
        let oauth_spec = std::fs::read_to_string(dir.join("oauth-oneOfInheritance.yaml")).unwrap_or_default();
        let mut problems = Vec::new();
        for r in ROUTES {
            if r.path.starts_with("/oauth2/") {
                if !oauth_spec.contains(&format!("\n  {}:\n", r.path)) {
                    problems.push(format!("{} {}: not in Okta's OAuth 2.0 spec", r.method, r.path));
                }
                if !r.scopes.is_empty() || r.oauth_only {
                    problems.push(format!("{} {}: the token endpoint needs no scope", r.method, r.path));
                }
                continue;
            }
            if !(r.path.starts_with("/api/v1/") || r.path.starts_with("/governance/")) {
                continue;
            }
            let matched: Vec<&Value> = ops
                .iter()
                .filter(|o| o["method"] == r.method && o["path"].as_str().is_some_and(|p| serves(r.path, p)))
                .collect();
            if matched.is_empty() {
                problems.push(format!("{} {}: no such operation in Okta's spec", r.method, r.path));
            }
            let ours: BTreeSet<&str> = r.scopes.iter().copied().collect();
            for o in matched {
                let path = o["path"].as_str().unwrap_or_default();
                let alternatives: Vec<BTreeSet<&str>> = o["oauth2_scope_alternatives"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|alt| alt.as_array().into_iter().flatten().filter_map(Value::as_str).collect())
                    .collect();
                if !alternatives.contains(&ours) {
                    problems.push(format!("{} {path}: scopes {ours:?}, the spec's {alternatives:?}", r.method));
                }
                let api_key = o["other_auth"].as_array().is_some_and(|a| !a.is_empty());
                if r.oauth_only == api_key {
                    problems.push(format!(
                        "{} {path}: oauth_only is {}, the spec {} an API key",
                        r.method,
                        r.oauth_only,
                        if api_key { "allows" } else { "lists no" }
                    ));
                }
            }
        }
        assert!(problems.is_empty(), "the route table disagrees with Okta's spec:\n{}", problems.join("\n"));
    }
}
