//! What only the users server's tools share.

use okta_mcp_kit::ToolOutput;
use okta_mcp_kit::lookup::user_summary;
use serde_json::{Value, json};

/// Result of a lifecycle change: who, and the status before and after.
pub fn status_change(before: &Value, after_status: Option<&str>, extra: Option<(&str, Value)>) -> ToolOutput {
    let mut out = json!({
        "user": user_summary(before),
        "status_before": before.get("status"),
        "status_after": after_status,
    });
    if let (Some((k, v)), Value::Object(map)) = (extra, &mut out) {
        map.insert(k.to_owned(), v);
    }
    ToolOutput::json(out)
}
