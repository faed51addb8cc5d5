//! Shapes Okta resources share, implemented once for every server:
//! - read-merge-replace updates ([`Replace`]): Okta's PUTs replace the whole object, so a change is merged into
//!   the object as read, and only the changed fields are shown (nothing is sent when nothing changes);
//! - lifecycle transitions, in the one way Okta's rules call for:
//!   - an operation Okta treats as idempotent (activating or deactivating an app, zone, policy, hook or
//!     authorization server answers 200 when the object is already there) goes through [`transition`]: an
//!     object already in the target status is answered "already ACTIVE; nothing sent";
//!   - an operation Okta allows only from certain statuses (a user's or a device's lifecycle) is checked with
//!     [`require_status`] first: any other status, the target one included, is refused with Okta's rule before
//!     anything is sent, as Okta itself would refuse it;
//! - deletes Okta allows only for INACTIVE objects ([`delete_inactive`]).

use okta_core::{Operation, Query};
use serde_json::{Map, Value, json};

use crate::context::ToolContext;
use crate::error::ToolError;
use crate::merge::{changes, merge_patch};
use crate::output::ToolOutput;

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
                return Err(ToolError::invalid_arguments(format!("the {}'s `{key}` cannot be removed", self.what)));
            }
        }
        Ok(next)
    }

    /// What a PUT of `next` sends: the object without what Okta returns but does not take.
    pub fn body(&self, next: &Value) -> Value {
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
        put: &Operation,
        ids: &[&str],
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
        let saved = ctx.okta.send(put, ids, &Query::new(), Some(&self.body(&next))).await?;
        Ok(ToolOutput::json(json!({ self.what: summary(saved.as_ref().unwrap_or(&next)), "changed": changed })))
    }
}

/// Activate or deactivate an object (`current`, as just read) by POSTing Okta's lifecycle operation `lifecycle`
/// with `ids`. One behaviour for every resource: an object already in the target status is an answer, not an
/// error ("already ACTIVE; nothing sent"), as a repeated PUT would be; otherwise the answer shows the status
/// before and after. `key` names the object in the answer (`app`, `object`, …).
pub async fn transition(
    ctx: &ToolContext,
    key: &str,
    current: &Value,
    activate: bool,
    lifecycle: &Operation,
    ids: &[&str],
    summary: fn(&Value) -> Value,
) -> Result<ToolOutput, ToolError> {
    let target = if activate { "ACTIVE" } else { "INACTIVE" };
    if status(current) == target {
        return Ok(ToolOutput::json(
            json!({key: summary(current), "result": format!("already {target}; nothing sent")}),
        ));
    }
    ctx.okta.send(lifecycle, ids, &Query::new(), None).await?;
    Ok(ToolOutput::json(json!({
        key: summary(current),
        "status_before": status(current),
        "status_after": target,
        "result": if activate { "activated" } else { "deactivated" },
    })))
}

/// An object's `status` (`UNKNOWN` when it has none).
pub fn status(object: &Value) -> &str {
    object.get("status").and_then(Value::as_str).unwrap_or("UNKNOWN")
}

/// Okta's rule for a lifecycle operation that starts only from some statuses: `current` (as just read) must be
/// in `allowed`, else the call is refused with nothing sent: "cannot {action} {name}: the {kind} is {status}.
/// {rule} Nothing was changed." (`rule` by default: "Okta allows this only for {allowed} {kind}s.").
pub fn require_status(
    what: Named<'_>,
    current: &Value,
    allowed: &[&str],
    action: &str,
    rule: Option<&str>,
) -> Result<(), ToolError> {
    let now = status(current);
    if allowed.contains(&now) {
        return Ok(());
    }
    let rule = match rule {
        Some(rule) => rule.to_owned(),
        None => format!("Okta allows this only for {} {}s.", allowed.join(" or "), what.kind),
    };
    Err(ToolError::refused(format!(
        "cannot {action} {}: the {} is {now}. {rule} Nothing was changed.",
        what.name, what.kind
    )))
}

/// What an object is called in messages: `app Salesforce (0oa1)`.
#[derive(Debug, Clone, Copy)]
pub struct Named<'a> {
    /// `app`, `zone`, `inline hook`, …
    pub kind: &'a str,
    /// Its name and id, as the person knows it.
    pub name: &'a str,
}

/// Delete an object Okta deletes only when it is INACTIVE (`current`, as just read): one behaviour for every
/// resource. An object in any other status is refused with nothing sent, naming the tool that deactivates it
/// (and what deactivating costs); otherwise `delete` is sent with `ids` and the answer is `{"deleted": …}`.
pub async fn delete_inactive(
    ctx: &ToolContext,
    what: Named<'_>,
    current: &Value,
    deactivate: (&str, &str),
    delete: (&Operation, &[&str]),
    summary: fn(&Value) -> Value,
) -> Result<ToolOutput, ToolError> {
    let now = status(current);
    if now != "INACTIVE" {
        let (tool, cost) = deactivate;
        let cost = if cost.is_empty() { String::new() } else { format!(" ({cost})") };
        return Err(ToolError::refused(format!(
            "cannot delete {} {}: it is {now}. Okta deletes only INACTIVE {}s, so deactivate it first: run {tool} \
             first{cost}, then delete it. Nothing was changed.",
            what.kind, what.name, what.kind
        )));
    }
    let (op, ids) = delete;
    ctx.okta.send(op, ids, &Query::new(), None).await?;
    Ok(ToolOutput::json(json!({ "deleted": summary(current) })))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
