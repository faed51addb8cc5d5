//! Apps as the tools read and show them: by id, compact fields, one-line summaries.

use okta_core::Query;
use okta_mcp_kit::ops;
use okta_mcp_kit::{Field, ToolContext, ToolError, field};
use serde_json::{Value, json};

/// Compact fields of an app, as list tools show them.
pub const APP_FIELDS: &[Field] = &[
    field("id", "id"),
    field("name", "name"),
    field("label", "label"),
    field("status", "status"),
    field("signOnMode", "signOnMode"),
    field("created", "created"),
];

/// Read an app by id.
pub async fn fetch_app(ctx: &ToolContext, app_id: &str) -> Result<Value, ToolError> {
    ctx.okta.get(&ops::GET_APPLICATION, &[app_id], &Query::new()).await
}

/// Which app, in one line of JSON: for results of changes.
pub fn app_summary(app: &Value) -> Value {
    json!({
        "id": app.get("id"),
        "label": app.get("label"),
        "name": app.get("name"),
        "status": app.get("status"),
        "signOnMode": app.get("signOnMode"),
    })
}

/// The app's label and id, for messages.
pub fn app_name(app: &Value) -> String {
    format!(
        "{} ({})",
        app.get("label").and_then(Value::as_str).unwrap_or("?"),
        app.get("id").and_then(Value::as_str).unwrap_or("?")
    )
}
