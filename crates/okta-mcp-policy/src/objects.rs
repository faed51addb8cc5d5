//! Policy objects as the tools read them: one object or a whole list (Okta does not page these), names for
//! messages, system objects Okta keeps, and checks of names and lists made before anything is sent.

use okta_core::Query;
use okta_mcp_kit::{Field, ListView, Operation, ToolContext, ToolError, ToolOutput, list_output};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;

/// Shape arguments of lists Okta answers whole (no paging).
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct ViewArgs {
    /// Full Okta objects, not columns.
    pub detail: Option<bool>,
}

impl ViewArgs {
    pub fn view(&self) -> Result<ListView, ToolError> {
        okta_mcp_kit::ListArgs { detail: self.detail, ..Default::default() }.view()
    }
}

/// GET an object.
pub async fn fetch(ctx: &ToolContext, read: &Operation, ids: &[&str]) -> Result<Value, ToolError> {
    ctx.okta.get(read, ids, &Query::new()).await
}

/// GET an array (an endpoint Okta answers whole) and shape it.
pub async fn list_all(
    ctx: &ToolContext,
    list: &Operation,
    ids: &[&str],
    query: Query,
    fields: &[Field],
    view: &ViewArgs,
) -> Result<ToolOutput, ToolError> {
    let view = view.view()?;
    let items = ctx.okta.get(list, ids, &query).await?;
    Ok(list_output(items.as_array().cloned().unwrap_or_default(), fields, &view, None))
}

pub fn is_system(v: &Value) -> bool {
    v.get("system").and_then(Value::as_bool).unwrap_or(false)
}

/// `name (id)` for messages.
pub fn named(v: &Value) -> String {
    format!(
        "{} ({})",
        v.get("name").and_then(Value::as_str).unwrap_or("?"),
        v.get("id").and_then(Value::as_str).unwrap_or("?")
    )
}

/// A list argument that must not be empty and whose items must be non-blank.
pub fn non_empty_list(name: &str, items: &[String]) -> Result<(), ToolError> {
    if items.is_empty() {
        return Err(ToolError::invalid_arguments(format!("{name} must name at least one value")));
    }
    if items.iter().any(|s| s.trim().is_empty() || s.len() > 1024) {
        return Err(ToolError::invalid_arguments(format!("{name} has a blank or overlong value")));
    }
    Ok(())
}
