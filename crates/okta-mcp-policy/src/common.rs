//! What the policy server's tools share: reading an object, the read-merge-PUT update with the changed fields,
//! refusals checked before anything is sent, and list arguments of endpoints Okta does not page.

use okta_core::Query;
use okta_mcp_kit::args::path;
use okta_mcp_kit::merge::{changes, merge_patch};
use okta_mcp_kit::{Field, ListView, ToolContext, ToolError, ToolOutput, list_output};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Map, Value, json};

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

/// GET an object by path template.
pub async fn fetch(ctx: &ToolContext, template: &'static str, ids: &[&str]) -> Result<Value, ToolError> {
    ctx.okta.get(&path(template, ids)?, &Query::new()).await
}

/// GET an array (an endpoint Okta answers whole) and shape it.
pub async fn list_all(
    ctx: &ToolContext,
    template: &'static str,
    ids: &[&str],
    query: Query,
    fields: &[Field],
    view: &ViewArgs,
) -> Result<ToolOutput, ToolError> {
    let view = view.view()?;
    let items = ctx.okta.get(&path(template, ids)?, &query).await?;
    Ok(list_output(items.as_array().cloned().unwrap_or_default(), fields, &view, None))
}

pub fn status(v: &Value) -> &str {
    v.get("status").and_then(Value::as_str).unwrap_or("UNKNOWN")
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

/// A merge patch from the caller's `changes` (an object) and the tool's named arguments (which win).
pub fn patch_from(changes: Option<&Value>, named: Vec<(&str, Option<Value>)>) -> Result<Map<String, Value>, ToolError> {
    let mut patch = match changes {
        None => Map::new(),
        Some(Value::Object(p)) => p.clone(),
        Some(_) => return Err(ToolError::invalid_arguments("changes must be a JSON object (a merge patch)")),
    };
    for (key, value) in named {
        if let Some(v) = value {
            patch.insert(key.to_owned(), v);
        }
    }
    if patch.is_empty() {
        return Err(ToolError::invalid_arguments("nothing to change: give a field or changes"));
    }
    Ok(patch)
}

/// How a full-replace update is made for one kind of object.
#[derive(Debug)]
pub struct Replace {
    /// `scope`, `claim`, ... (for messages).
    pub what: &'static str,
    /// Top-level keys a change may not name, and why.
    pub fixed: &'static [(&'static str, &'static str)],
    /// Keys Okta returns but a PUT does not take.
    pub read_only: &'static [&'static str],
    /// Keys that must keep a value.
    pub required: &'static [&'static str],
}

pub const COMMON_FIXED: &[(&str, &str)] = &[
    ("id", "is the object's identity"),
    ("created", "is read-only"),
    ("lastUpdated", "is read-only"),
    ("system", "is set by Okta"),
    ("_links", "is read-only"),
    ("_embedded", "is read-only"),
];

impl Replace {
    /// The object to send: `current` with the patch merged in.
    pub fn merged(&self, current: &Value, patch: &Map<String, Value>) -> Result<Value, ToolError> {
        if let Some((key, why)) = COMMON_FIXED.iter().chain(self.fixed).find(|(k, _)| patch.contains_key(*k)) {
            return Err(ToolError::invalid_arguments(format!("`{key}` cannot be changed here: it {why}")));
        }
        let mut next = current.clone();
        if let Value::Object(map) = &mut next {
            map.remove("_links");
            map.remove("_embedded");
        }
        merge_patch(&mut next, &Value::Object(patch.clone()));
        for key in self.required {
            if next.get(*key).is_none_or(|v| v.is_null() || v.as_str().is_some_and(|s| s.trim().is_empty())) {
                return Err(ToolError::invalid_arguments(format!("a {}'s `{key}` cannot be removed", self.what)));
            }
        }
        Ok(next)
    }

    fn body(&self, next: &Value) -> Value {
        let mut body = next.clone();
        if let Value::Object(map) = &mut body {
            for key in self.read_only {
                map.remove(*key);
            }
        }
        body
    }

    /// Read-merge-PUT: send the whole object with the change; show the changed fields. Nothing is sent when
    /// nothing changes.
    pub async fn run(
        &self,
        ctx: &ToolContext,
        current: Value,
        put: okta_core::ApiPath,
        patch: &Map<String, Value>,
        summary: fn(&Value) -> Value,
    ) -> Result<ToolOutput, ToolError> {
        let next = self.merged(&current, patch)?;
        let mut compared = current.clone();
        if let Value::Object(map) = &mut compared {
            map.remove("_links");
            map.remove("_embedded");
        }
        let changed = changes(&compared, &next);
        if changed.is_empty() {
            return Ok(ToolOutput::json(json!({
                self.what: summary(&current), "changed": {},
                "result": format!("the {} already has these values; nothing sent", self.what),
            })));
        }
        let saved = ctx.okta.put(&put, &Query::new(), Some(&self.body(&next))).await?;
        Ok(ToolOutput::json(json!({ self.what: summary(saved.as_ref().unwrap_or(&next)), "changed": changed })))
    }
}

/// Activate or deactivate by POSTing Okta's lifecycle endpoint, unless the object is already there.
pub async fn set_status(
    ctx: &ToolContext,
    current: &Value,
    activate: bool,
    lifecycle: okta_core::ApiPath,
    summary: fn(&Value) -> Value,
) -> Result<ToolOutput, ToolError> {
    let target = if activate { "ACTIVE" } else { "INACTIVE" };
    if status(current) == target {
        return Ok(ToolOutput::json(
            json!({"object": summary(current), "result": format!("already {target}; nothing sent")}),
        ));
    }
    ctx.okta.post(&lifecycle, &Query::new(), None).await?;
    Ok(ToolOutput::json(json!({
        "object": summary(current),
        "status_before": status(current),
        "status_after": target,
        "result": if activate { "activated" } else { "deactivated" },
    })))
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

/// A name argument: 1 to `max` characters.
pub fn check_name(name: &str, value: &str, max: usize) -> Result<(), ToolError> {
    if value.trim().is_empty() || value.chars().count() > max {
        return Err(ToolError::invalid_arguments(format!("{name} must be 1 to {max} characters")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const R: Replace =
        Replace { what: "scope", fixed: &[("name", "x")], read_only: &["id"], required: &["description"] };

    #[test]
    fn merge_refuses_fixed_and_required() {
        let cur = json!({"id": "1", "name": "a", "description": "d", "_links": {}});
        let p = patch_from(Some(&json!({"consent": "REQUIRED"})), vec![("description", Some(json!("e")))]);
        let next = R.merged(&cur, &p.unwrap_or_default()).unwrap_or_default();
        assert_eq!(next, json!({"id": "1", "name": "a", "description": "e", "consent": "REQUIRED"}));
        assert_eq!(R.body(&next).get("id"), None);
        let e = R.merged(&cur, &patch_from(Some(&json!({"name": "b"})), vec![]).unwrap_or_default());
        assert!(e.err().map(|e| e.to_string()).unwrap_or_default().contains("`name` cannot be changed"));
        let e = R.merged(&cur, &patch_from(Some(&json!({"description": null})), vec![]).unwrap_or_default());
        assert!(e.err().map(|e| e.to_string()).unwrap_or_default().contains("cannot be removed"));
        assert!(patch_from(None, vec![("x", None)]).is_err());
        assert!(patch_from(Some(&json!([1])), vec![]).is_err());
    }
}
