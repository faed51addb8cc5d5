//! Tool errors: what went wrong, in words a person can act on. Okta errors keep Okta's errorCode, summary and
//! causes, add the missing scope or admin permission when known, and always the request id (for Okta support
//! and the System Log). Bad input is refused before anything is sent to Okta.

use okta_core::OktaError;

#[derive(Debug, thiserror::Error)]
pub enum ToolError {
    /// The arguments do not fit the tool's input (nothing was sent).
    #[error("invalid arguments: {0}")]
    InvalidArguments(String),
    /// The tool refuses the request on its own (nothing was sent), e.g. a lifecycle rule checked first.
    #[error("{0}")]
    Refused(String),
    /// Okta (or the way to it) failed.
    #[error("{}", describe_okta(.0))]
    Okta(#[from] OktaError),
    /// A change held back by a dry run or a confirmation preview (the kit turns it into a preview).
    #[error("not sent: {} {}", .0.method, .0.path)]
    Held(Box<crate::okta::PlannedRequest>),
    /// A change that is destructive by its effect (see `effects`), stopped before it was sent because nobody
    /// confirmed it yet (the kit turns it into a confirmation, or a refusal outside `--mode full`).
    #[error("not sent: {} {} {}", .0.method, .0.path, .0.escalation.unwrap_or("is destructive"))]
    Escalated(Box<crate::okta::PlannedRequest>),
}

impl ToolError {
    pub fn invalid_arguments(message: impl Into<String>) -> Self {
        ToolError::InvalidArguments(message.into())
    }

    pub fn refused(message: impl Into<String>) -> Self {
        ToolError::Refused(message.into())
    }

    /// Okta's request id, when Okta answered.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            ToolError::Okta(e) => e.request_id(),
            _ => None,
        }
    }

    /// The Okta error code, when Okta sent one.
    pub fn okta_error_code(&self) -> Option<&str> {
        match self {
            ToolError::Okta(e) => e.error_code(),
            _ => None,
        }
    }
}

/// An Okta error as okta-core renders it (one rendering for tools, logs and `doctor`), with Okta's request id
/// whenever Okta sent one.
fn describe_okta(error: &OktaError) -> String {
    let mut text = error.to_string();
    if let Some(id) = error.request_id()
        && !text.contains(id)
    {
        text.push_str(&format!("\nrequest id: {id}"));
    }
    text
}

#[cfg(test)]
mod tests {
    use okta_core::{OktaErrorBody, WwwAuthenticate};
    use serde_json::json;

    use super::*;

    fn api_error(status: u16, body: serde_json::Value, www: Option<&str>) -> ToolError {
        ToolError::Okta(OktaError::Api {
            method: "GET".into(),
            path: "/api/v1/groups".into(),
            status,
            body: Box::new(OktaErrorBody::from_value(body)),
            www_authenticate: www.and_then(WwwAuthenticate::parse).map(Box::new),
            request_id: Some("req-123".into()),
        })
    }

    #[test]
    fn missing_scope_is_named_with_what_to_do() {
        let error = api_error(
            403,
            json!({"errorCode": "E0000006", "errorSummary": "You do not have permission to perform the requested action"}),
            Some(
                r#"Bearer realm="x", error="insufficient_scope", error_description="The access token provided does not contain the required scopes.", scope="okta.groups.read""#,
            ),
        );
        let text = error.to_string();
        assert!(text.starts_with("Okta answered 403 to GET /api/v1/groups: E0000006"), "{text}");
        assert!(text.contains("missing OAuth scope: okta.groups.read"), "{text}");
        assert!(text.contains("admin role"), "{text}");
        assert!(text.ends_with("request id: req-123"), "{text}");
        assert_eq!(error.okta_error_code(), Some("E0000006"));
    }

    #[test]
    fn causes_and_hints_are_listed() {
        let error = api_error(
            400,
            json!({"errorCode": "E0000001", "errorSummary": "Api validation failed: login",
                   "errorCauses": [{"errorSummary": "login: An object with this field already exists"}]}),
            None,
        );
        let text = error.to_string();
        assert!(text.contains("cause: login: An object with this field already exists"), "{text}");
        assert!(text.contains("Okta rejected a field value"), "{text}");
    }

    #[test]
    fn a_proxys_problem_document_is_shown() {
        let text = api_error(
            422,
            json!({"type": "x", "title": "Invalid request", "detail": "body.data must be object"}),
            None,
        )
        .to_string();
        assert!(text.contains("no errorCode Invalid request: body.data must be object"), "{text}");
    }

    #[test]
    fn errors_without_a_code_still_read_well() {
        let text = api_error(500, json!("<html>proxy error</html>"), None).to_string();
        assert!(text.contains("Okta answered 500"), "{text}");
        assert!(text.contains("no errorCode"), "{text}");
        assert!(text.contains("request id: req-123"), "{text}");
        let refused = ToolError::refused("cannot delete").to_string();
        assert_eq!(refused, "cannot delete");
        assert_eq!(ToolError::invalid_arguments("x").to_string(), "invalid arguments: x");
    }
}
