//! Okta error bodies (`{errorCode, errorSummary, errorLink, errorId, errorCauses}`) and
//! OAuth 2.0 error bodies (`{error, error_description}`).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::ids;

/// An error answered in Okta's management API error format.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub summary: String,
    pub causes: Vec<String>,
    pub www_authenticate: Option<String>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, summary: impl Into<String>) -> Self {
        Self { status, code, summary: summary.into(), causes: Vec::new(), www_authenticate: None }
    }

    pub fn with_cause(mut self, cause: impl Into<String>) -> Self {
        self.causes.push(cause.into());
        self
    }

    /// E0000001 with one cause, e.g. `validation("login", "login: An object with this field already exists ...")`.
    pub fn validation(field: &str, cause: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "E0000001", format!("Api validation failed: {field}")).with_cause(cause)
    }

    pub fn malformed_body() -> Self {
        Self::new(StatusCode::BAD_REQUEST, "E0000003", "The request body was not well-formed.")
    }

    pub fn invalid_token() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "E0000011", "Invalid token provided")
    }

    pub fn forbidden() -> Self {
        Self::new(StatusCode::FORBIDDEN, "E0000006", "You do not have permission to perform the requested action")
    }

    pub fn not_found(id: &str, kind: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, "E0000007", format!("Not found: Resource not found: {id} ({kind})"))
    }

    pub fn internal() -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "E0000009", "Internal Server Error")
    }

    pub fn already_active() -> Self {
        Self::new(StatusCode::FORBIDDEN, "E0000016", "Activation failed because the user is already active")
    }

    pub fn method_not_allowed() -> Self {
        Self::new(StatusCode::METHOD_NOT_ALLOWED, "E0000022", "The endpoint does not support the provided HTTP method")
    }

    pub fn missing_parameter(name: &str) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "E0000028", "The request is missing a required parameter.")
            .with_cause(format!("{name}: The request is missing a required parameter."))
    }

    pub fn invalid_search() -> Self {
        Self::new(StatusCode::BAD_REQUEST, "E0000031", "Invalid search criteria.")
    }

    pub fn unlock_forbidden() -> Self {
        Self::new(StatusCode::FORBIDDEN, "E0000032", "Unlock is not allowed for this user.")
    }

    pub fn wrong_status() -> Self {
        Self::new(StatusCode::FORBIDDEN, "E0000038", "This operation is not allowed in the user's current status.")
    }

    pub fn rate_limited() -> Self {
        Self::new(StatusCode::TOO_MANY_REQUESTS, "E0000047", "API call exceeded rate limit due to too many requests.")
    }

    pub fn invalid_passcode() -> Self {
        Self::new(StatusCode::FORBIDDEN, "E0000068", "Invalid Passcode/Answer")
    }

    pub fn body(&self) -> serde_json::Value {
        let causes: Vec<_> = self.causes.iter().map(|c| json!({ "errorSummary": c })).collect();
        json!({
            "errorCode": self.code,
            "errorSummary": self.summary,
            "errorLink": self.code,
            "errorId": ids::error_id(),
            "errorCauses": causes,
        })
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut resp = (self.status, axum::Json(self.body())).into_response();
        if let Some(v) = &self.www_authenticate
            && let Ok(hv) = HeaderValue::from_str(v)
        {
            resp.headers_mut().insert(header::WWW_AUTHENTICATE, hv);
        }
        resp
    }
}

/// An OAuth 2.0 token endpoint error (`{"error": ..., "error_description": ...}`).
#[derive(Debug, Clone)]
pub struct OAuthError {
    pub status: StatusCode,
    pub error: &'static str,
    pub description: String,
}

impl OAuthError {
    pub fn new(status: StatusCode, error: &'static str, description: impl Into<String>) -> Self {
        Self { status, error, description: description.into() }
    }

    /// 401 invalid_client with the given description.
    pub fn invalid_client(description: &str) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "invalid_client", description)
    }

    /// 400 invalid_request.
    pub fn invalid_request(description: &str) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_request", description)
    }

    /// 400 invalid_scope.
    pub fn invalid_scope(description: &str) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_scope", description)
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let mut resp = (self.status, axum::Json(json!({ "error": self.error, "error_description": self.description })))
            .into_response();
        resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        resp.headers_mut().insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
        resp
    }
}
