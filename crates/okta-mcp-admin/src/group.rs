//! Groups that role tools name by id (00g…) or exact name.

use okta_core::Query;
use okta_mcp_kit::ids::is_group_id;
use okta_mcp_kit::lookup::{GROUP_FIELDS, one_named};
use okta_mcp_kit::ops;
use okta_mcp_kit::output::project;
use okta_mcp_kit::{ToolContext, ToolError};
use serde_json::Value;

/// A group by id, or by exact name (case-insensitive); several or no matches are refused with what exists.
pub async fn get_group(ctx: &ToolContext, key: &str) -> Result<Value, ToolError> {
    if key.trim().is_empty() {
        return Err(ToolError::invalid_arguments("group must not be empty"));
    }
    if is_group_id(key) {
        return ctx.okta.get(&ops::GET_GROUP, &[key], &Query::new()).await;
    }
    let page =
        ctx.okta.get_page(&ops::LIST_GROUPS, &[], &Query::new().push("q", key.trim()).push("limit", 50u32)).await?;
    fn name(g: &Value) -> &str {
        g.pointer("/profile/name").and_then(Value::as_str).unwrap_or_default()
    }
    let near: Vec<&Value> = page.items.iter().collect();
    let exact: Vec<&Value> = near.iter().copied().filter(|g| name(g).eq_ignore_ascii_case(key.trim())).collect();
    one_named("group", key.trim(), &exact, &near, "okta_list_groups (okta-mcp-users)", name).cloned()
}

/// Who a group is, in one line of JSON.
pub fn group_summary(group: &Value) -> Value {
    project(group, GROUP_FIELDS, &[])
}
