//! HTTP handlers and shared helpers (query parameters, JSON bodies, paginated list responses).

mod admin;
mod apps;
mod authorize;
mod control;
mod custom_as;
mod factors;
mod governance;
mod groups;
mod list;
mod logs;
mod oauth;
mod policy;
pub(crate) mod routes;
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
/// The one path parameter of a route.
pub(crate) type Id = axum::extract::Path<String>;
/// The two path parameters of a route.
pub(crate) type Ids = axum::extract::Path<(String, String)>;

pub(crate) use list::{Params, list_response, parse_expr, positioned};
pub(crate) use routes::{family, find as route};

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

/// The actor of an API request (who the System Log names): the API token's admin or the OAuth service app.
pub(crate) struct Acting(pub crate::org::Actor);

impl axum::extract::FromRequestParts<Arc<AppState>> for Acting {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, Self::Rejection> {
        let caller = parts.extensions.get::<crate::Caller>().ok_or_else(ApiError::internal)?;
        Ok(Acting(state.actor(caller)))
    }
}

/// A JSON request body ([`json_body`]: blank is `{}`, malformed is E0000003).
pub(crate) struct JsonBody(pub Value);

impl axum::extract::FromRequest<Arc<AppState>> for JsonBody {
    type Rejection = Response;

    async fn from_request(req: axum::extract::Request, state: &Arc<AppState>) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state).await.map_err(IntoResponse::into_response)?;
        json_body(&bytes).map(JsonBody).map_err(IntoResponse::into_response)
    }
}
