//! `/governance/api/**`: Okta Identity Governance. Lists answer `{data, _links}` (and a `Link` header); an org
//! without OIG (`--no-oig`) answers every governance endpoint with 401 E0000015, as Okta does for an unlicensed
//! feature.

mod bundles;
mod campaigns;
mod collections;
mod entitlements;
mod labels;
mod owners;
mod requests;
mod resources;
mod risk;
mod security_reviews;

pub(crate) use security_reviews::seed as seed_security_reviews;

use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::{get, patch, post, put};
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::handlers::{Params, json_response};
use crate::model::Org;
use crate::{AppState, lock};

pub(crate) fn routes() -> Router<Arc<AppState>> {
    const V1: &str = "/governance/api/v1";
    Router::new()
        .route(&format!("{V1}/campaigns"), get(campaigns::list).post(campaigns::create))
        .route(&format!("{V1}/campaigns/{{campaignId}}"), get(campaigns::get_one).delete(campaigns::delete))
        .route(&format!("{V1}/campaigns/{{campaignId}}/launch"), post(campaigns::launch))
        .route(&format!("{V1}/campaigns/{{campaignId}}/end"), post(campaigns::end))
        .route(&format!("{V1}/campaigns/{{campaignId}}/reviews/reassign"), post(campaigns::reassign))
        .route(&format!("{V1}/reviews"), get(campaigns::list_reviews))
        .route(&format!("{V1}/reviews/{{reviewId}}"), get(campaigns::get_review))
        .route(&format!("{V1}/entitlements"), get(entitlements::list))
        .route(&format!("{V1}/entitlements/{{entitlementId}}"), get(entitlements::get_one))
        .route(&format!("{V1}/entitlements/{{entitlementId}}/values"), get(entitlements::values))
        .route(&format!("{V1}/entitlements/{{entitlementId}}/values/{{valueId}}"), get(entitlements::value))
        .route(&format!("{V1}/grants"), get(entitlements::list_grants).post(entitlements::create_grant))
        .route(&format!("{V1}/grants/{{grantId}}"), get(entitlements::get_grant))
        .route(&format!("{V1}/principal-entitlements"), get(entitlements::principal_entitlements))
        .route(&format!("{V1}/principal-access"), get(entitlements::principal_access))
        .route(&format!("{V1}/entitlement-bundles"), get(bundles::list))
        .route(&format!("{V1}/entitlement-bundles/{{entitlementBundleId}}"), get(bundles::get_one))
        .route("/governance/api/v2/revoke-principal-access", post(bundles::revoke_principal_access))
        .route(&format!("{V1}/risk-rules"), get(risk::list))
        .route(&format!("{V1}/risk-rules/{{ruleId}}"), get(risk::get_one))
        .route(&format!("{V1}/risk-rule-assessments"), post(risk::assess))
        .route("/governance/api/v2/requests", get(requests::list).post(requests::create))
        .route("/governance/api/v2/requests/{requestId}", get(requests::get_one))
        .route("/governance/api/v2/tasks", get(requests::list_tasks))
        .route("/governance/api/v2/tasks/{taskId}", get(requests::get_task))
        .route("/governance/api/v2/tasks/{taskId}/resolve", post(requests::resolve))
        .route(&format!("{V1}/collections"), get(collections::list))
        .route(&format!("{V1}/collections/assignments"), get(collections::all_assignments))
        .route(&format!("{V1}/collections/{{collectionId}}"), get(collections::get_one))
        .route(&format!("{V1}/collections/{{collectionId}}/resources"), get(collections::resources))
        .route(&format!("{V1}/collections/{{collectionId}}/assignments"), get(collections::list_assignments))
        .route(&format!("{V1}/labels"), get(labels::list))
        .route(&format!("{V1}/resource-labels"), get(labels::list_resources))
        .route(&format!("{V1}/resource-labels/assign"), post(labels::assign))
        .route(&format!("{V1}/resource-labels/unassign"), post(labels::unassign))
        .route(&format!("{V1}/resource-owners"), get(owners::list).post(owners::configure))
        .route(CATALOG_ENTRIES, get(requests::list_entries))
        .route(&format!("{CATALOG_ENTRIES}/{{entryId}}"), get(requests::get_entry))
        .route("/governance/api/v2/catalogs/default/user/{userId}/entries", get(requests::user_entries))
        .route(SAR, get(security_reviews::list).post(security_reviews::create))
        .route(&format!("{SAR}/{{securityAccessReviewId}}"), get(security_reviews::get_one))
        .route(&format!("{SAR}/{{securityAccessReviewId}}/principal"), get(security_reviews::principal))
        .route(&format!("{SAR}/{{securityAccessReviewId}}/accesses"), get(security_reviews::accesses))
        .route(
            &format!("{SAR}/{{securityAccessReviewId}}/accesses/{{securityAccessReviewAccessId}}/sub-accesses"),
            get(security_reviews::sub_accesses),
        )
        .route(
            &format!("{SAR}/{{securityAccessReviewId}}/accesses/{{securityAccessReviewTargetId}}/actions"),
            post(security_reviews::access_action),
        )
        .route(
            &format!("{SAR}/{{securityAccessReviewId}}/actions"),
            get(security_reviews::list_actions).post(security_reviews::review_action),
        )
        // Writes of entitlements, bundles and risk rules; the entitlement history (method routers merge by path).
        .route(&format!("{V1}/entitlements"), post(entitlements::create))
        .route(&format!("{V1}/entitlements/{{entitlementId}}"), patch(entitlements::patch).delete(entitlements::delete))
        .route(&format!("{V1}/principal-entitlements/history"), get(entitlements::principal_history))
        .route(&format!("{V1}/entitlement-bundles"), post(bundles::create))
        .route(
            &format!("{V1}/entitlement-bundles/{{entitlementBundleId}}"),
            put(bundles::replace).delete(bundles::delete),
        )
        .route(&format!("{V1}/risk-rules"), post(risk::create))
        .route(&format!("{V1}/risk-rules/{{ruleId}}"), put(risk::replace).delete(risk::delete))
}

const CATALOG_ENTRIES: &str = "/governance/api/v2/catalogs/default/entries";
const SAR: &str = "/governance/api/v2/security-access-reviews";

/// Operations the spec secures with OAuth2 alone (no `ApiKey`): Okta refuses an API token there. Only those the
/// sandbox serves.
pub fn oauth_only(method: &str, template: &str) -> bool {
    match method {
        "GET" => {
            template == "/governance/api/v2/requests"
                || template.starts_with("/governance/api/v2/catalogs/")
                || template == SAR
                || template.starts_with(&format!("{SAR}/"))
        }
        "POST" | "PATCH" => template.starts_with(&format!("{SAR}/")),
        _ => false,
    }
}

/// The scope of a governance operation (the spec's `OAuth2` security of each).
pub fn required_scope(method: &str, template: &str) -> Option<&'static str> {
    let read = method == "GET";
    let family = [
        (
            "/governance/api/v1/campaigns",
            "okta.governance.accessCertifications.read",
            "okta.governance.accessCertifications.manage",
        ),
        (
            "/governance/api/v1/reviews",
            "okta.governance.accessCertifications.read",
            "okta.governance.accessCertifications.manage",
        ),
        ("/governance/api/v1/entitlements", "okta.governance.entitlements.read", "okta.governance.entitlements.manage"),
        ("/governance/api/v1/grants", "okta.governance.entitlements.read", "okta.governance.entitlements.manage"),
        (
            "/governance/api/v1/entitlement-bundles",
            "okta.governance.entitlements.read",
            "okta.governance.entitlements.manage",
        ),
        ("/governance/api/v2/requests", "okta.accessRequests.request.read", "okta.accessRequests.request.manage"),
        ("/governance/api/v2/tasks", "okta.accessRequests.tasks.read", "okta.accessRequests.tasks.manage"),
        ("/governance/api/v2/catalogs", "okta.accessRequests.catalog.read", "okta.accessRequests.catalog.read"),
        (
            "/governance/api/v2/security-access-reviews",
            "okta.governance.securityAccessReviews.admin.read",
            "okta.governance.securityAccessReviews.admin.manage",
        ),
        ("/governance/api/v1/risk-rules", "okta.governance.riskRule.read", "okta.governance.riskRule.manage"),
        ("/governance/api/v1/risk-rule-assessments", "okta.governance.riskRule.read", "okta.governance.riskRule.read"),
        (
            "/governance/api/v2/revoke-principal-access",
            "okta.governance.entitlements.manage",
            "okta.governance.entitlements.manage",
        ),
        (
            "/governance/api/v1/principal-entitlements",
            "okta.governance.entitlements.read",
            "okta.governance.entitlements.read",
        ),
        (
            "/governance/api/v1/principal-access",
            "okta.governance.entitlements.read",
            "okta.governance.entitlements.read",
        ),
        ("/governance/api/v1/collections", "okta.governance.collections.read", "okta.governance.collections.manage"),
        ("/governance/api/v1/labels", "okta.governance.labels.read", "okta.governance.labels.manage"),
        ("/governance/api/v1/resource-labels", "okta.governance.labels.read", "okta.governance.labels.manage"),
        (
            "/governance/api/v1/resource-owners",
            "okta.governance.resourceOwner.read",
            "okta.governance.resourceOwner.manage",
        ),
    ];
    family
        .iter()
        .find(|(prefix, _, _)| template == *prefix || template.starts_with(&format!("{prefix}/")))
        .map(|(_, r, m)| if read { *r } else { *m })
}

/// What Okta answers on governance endpoints of an org without an Okta Identity Governance license.
pub(crate) fn no_license() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "E0000015",
        "You do not have permission to access the feature you are requesting",
    )
}

/// Run `f` on the org, when it has OIG.
pub(crate) fn with_org<R>(state: &AppState, f: impl FnOnce(&mut Org) -> Result<R, ApiError>) -> Result<R, ApiError> {
    if state.config.no_oig {
        return Err(no_license());
    }
    let mut org = lock(&state.org);
    f(&mut org)
}

/// 409 E0000195, Okta's answer to an operation the object's state forbids.
pub(crate) fn conflict(kind: &str, cause: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::CONFLICT, "E0000195", format!("Api validation failed due to conflict: {kind}"))
        .with_cause(cause)
}

/// 400 E0000001 naming the object, with one cause per problem.
pub(crate) fn invalid(kind: &str, causes: Vec<String>) -> ApiError {
    causes
        .into_iter()
        .fold(ApiError::new(StatusCode::BAD_REQUEST, "E0000001", format!("Api validation failed: {kind}")), |e, c| {
            e.with_cause(c)
        })
}

/// Items matching the request's `filter` (Okta's expression language), each with its 1-based position (the
/// cursor of the page that ends there).
pub(crate) fn positioned(items: Vec<Value>, params: &Params) -> Result<Vec<(u64, Value)>, ApiError> {
    let expr = params.get("filter").filter(|f| !f.trim().is_empty()).map(crate::handlers::parse_expr).transpose()?;
    Ok(items
        .into_iter()
        .enumerate()
        .filter(|(_, v)| expr.as_ref().is_none_or(|e| crate::filter::eval(e, v)))
        .map(|(i, v)| (i as u64 + 1, v))
        .collect())
}

/// A `{data, _links}` page (and `metadata.total` where Okta sends it), with `_links.next` and a `Link` header when there is more.
pub(crate) fn data_page(
    public: &str,
    path: &str,
    params: &Params,
    limit: usize,
    (page, next): (Vec<Value>, Option<u64>),
    total: Option<usize>,
) -> Response {
    let mut base: Vec<(String, String)> =
        params.0.iter().filter(|(k, _)| k != "after" && k != "limit").cloned().collect();
    base.push(("limit".into(), limit.to_string()));
    let href = |pairs: &[(String, String)]| {
        let mut s = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in pairs {
            s.append_pair(k, v);
        }
        format!("{public}{path}?{}", s.finish().replace('+', "%20"))
    };
    let mut self_pairs = base.clone();
    if let Some(a) = params.get("after") {
        self_pairs.push(("after".into(), a.to_owned()));
    }
    let mut links = json!({"self": {"href": href(&self_pairs)}});
    let next_href = next.map(|n| {
        let mut pairs = base;
        pairs.push(("after".into(), crate::cursor::encode(n)));
        href(&pairs)
    });
    if let Some(n) = &next_href {
        links["next"] = json!({"href": n});
    }
    let mut body = json!({"data": page, "_links": links});
    if let Some(total) = total {
        body["metadata"] = json!({"total": total});
    }
    let mut resp = json_response(StatusCode::OK, body);
    if let Some(v) = next_href.and_then(|n| HeaderValue::from_str(&format!("<{n}>; rel=\"next\"")).ok()) {
        resp.headers_mut().append(header::LINK, v);
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_follow_the_spec() {
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
}
