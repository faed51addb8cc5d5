//! `/governance/api/**`: Okta Identity Governance. Lists answer `{data, _links}` (and a `Link` header); an org
//! without OIG (`--no-oig`) answers every governance endpoint with 401 E0000015, as Okta does for an unlicensed
//! feature.

pub(super) mod bundles;
pub(super) mod campaigns;
pub(super) mod collections;
pub(super) mod entitlements;
pub(super) mod labels;
pub(super) mod my;
pub(super) mod owners;
pub(super) mod requests;
pub(super) mod resources;
pub(super) mod risk;
pub(super) mod security_reviews;

use axum::http::StatusCode;
use serde_json::Value;

use crate::error::ApiError;
use crate::handlers::Params;
use crate::org::Org;
use crate::{AppState, lock};

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

/// Items matching the request's `filter` (a blank one is none), each with its 1-based position.
pub(crate) fn positioned(items: Vec<Value>, params: &Params) -> Result<Vec<(u64, Value)>, ApiError> {
    Ok(crate::handlers::positioned(items, params.expr_unless_blank("filter")?.as_ref()))
}
