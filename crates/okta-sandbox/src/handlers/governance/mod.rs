//! `/governance/api/**`: Okta Identity Governance. Lists answer `{data, _links}` (and a `Link` header); an org
//! without OIG (`--no-oig`) answers every governance endpoint with 401 E0000015, as Okta does for an unlicensed
//! feature.

pub(super) mod bundles;
pub(super) mod campaigns;
pub(super) mod collections;
pub(super) mod entitlements;
pub(super) mod labels;
pub(super) mod owners;
pub(super) mod requests;
pub(super) mod resources;
pub(super) mod risk;
pub(super) mod security_reviews;

pub(crate) use security_reviews::seed as seed_security_reviews;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::handlers::{Params, json_response};
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
