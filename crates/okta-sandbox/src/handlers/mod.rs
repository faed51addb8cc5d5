//! HTTP handlers and shared helpers (query parameters, JSON bodies, paginated list responses).

mod admin_roles;
mod apps;
mod control;
mod devices;
mod event_hooks;
mod factors;
mod governance;
mod groups;
mod list;
mod logs;
mod oauth;
mod policy;
mod routes;
mod sessions;
mod users;

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::AppState;
use crate::error::ApiError;

pub(crate) type St = axum::extract::State<Arc<AppState>>;
pub(crate) type ApiResult = Result<Response, ApiError>;

pub(crate) use governance::seed_security_reviews;
pub(crate) use list::{Params, list_response, parse_expr, positioned};
pub(crate) use routes::find as route;

pub(crate) fn routes() -> Router<Arc<AppState>> {
    routes::router().fallback(not_found)
}

async fn not_found(uri: axum::http::Uri) -> Response {
    ApiError::new(StatusCode::NOT_FOUND, "E0000007", format!("Not found: Resource not found: {} (Path)", uri.path()))
        .into_response()
}

/// Parse a JSON request body; malformed → E0000003.
pub(crate) fn json_body(body: &Bytes) -> Result<Value, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(Default::default()));
    }
    serde_json::from_slice(body).map_err(|_| ApiError::malformed_body())
}

pub(crate) fn json_response(status: StatusCode, v: Value) -> Response {
    (status, axum::Json(v)).into_response()
}

pub(crate) fn ok(v: Value) -> ApiResult {
    Ok(json_response(StatusCode::OK, v))
}

pub(crate) fn no_content() -> ApiResult {
    Ok(StatusCode::NO_CONTENT.into_response())
}
