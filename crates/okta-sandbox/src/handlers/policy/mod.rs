//! `/api/v1/authorizationServers/**`, `/api/v1/policies/**`, `/api/v1/zones/**` and `/api/v1/inlineHooks/**`:
//! authorization servers with their policies, rules, scopes, claims and keys; org policies and rules; network
//! zones; inline hooks (whose execute endpoint answers a sample hook response and never calls out).

pub(super) mod authz;
pub(super) mod hooks;
pub(super) mod org_policies;
pub(super) mod zones;

use serde_json::Value;

use crate::error::ApiError;

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
