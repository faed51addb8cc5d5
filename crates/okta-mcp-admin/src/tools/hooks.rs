//! Event hooks: Okta POSTs the events a hook subscribes to to its HTTPS endpoint, once the hook is ACTIVE and
//! VERIFIED. Creating and updating check the URL and the event types before anything is sent; the auth secret
//! is never shown back.

use okta_core::Query;
use okta_mcp_kit::args::NoArgs;
use okta_mcp_kit::args::str_field;
use okta_mcp_kit::ops;
use okta_mcp_kit::output::strip_links;
use okta_mcp_kit::resource::{Named, delete_inactive, transition};
use okta_mcp_kit::{Access, Field, ToolContext, ToolDef, ToolError, ToolMeta, ToolOutput, field, list_output};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Map, Value, json};

/// Event types Okta lets event hooks subscribe to (Okta's Event Types catalog, `event-hook-eligible`).
pub const ELIGIBLE_EVENT_TYPES: &[&str] = &[
    "application.lifecycle.activate",
    "application.lifecycle.create",
    "application.lifecycle.deactivate",
    "application.lifecycle.delete",
    "application.lifecycle.update",
    "application.user_membership.add",
    "application.user_membership.change_username",
    "application.user_membership.remove",
    "device.enrollment.create",
    "device.lifecycle.activate",
    "device.lifecycle.deactivate",
    "device.lifecycle.delete",
    "device.lifecycle.suspend",
    "device.lifecycle.unsuspend",
    "group.application_assignment.add",
    "group.application_assignment.remove",
    "group.lifecycle.create",
    "group.lifecycle.delete",
    "group.privilege.grant",
    "group.privilege.revoke",
    "group.profile.update",
    "group.user_membership.add",
    "group.user_membership.remove",
    "policy.lifecycle.activate",
    "policy.lifecycle.create",
    "policy.lifecycle.deactivate",
    "policy.lifecycle.delete",
    "policy.lifecycle.update",
    "system.api_token.create",
    "system.api_token.revoke",
    "user.account.lock",
    "user.account.privilege.grant",
    "user.account.privilege.revoke",
    "user.account.reset_password",
    "user.account.unlock",
    "user.account.update_password",
    "user.account.update_profile",
    "user.authentication.auth_via_mfa",
    "user.authentication.sso",
    "user.lifecycle.activate",
    "user.lifecycle.create",
    "user.lifecycle.deactivate",
    "user.lifecycle.delete.completed",
    "user.lifecycle.delete.initiated",
    "user.lifecycle.reactivate",
    "user.lifecycle.suspend",
    "user.lifecycle.unsuspend",
    "user.mfa.factor.activate",
    "user.mfa.factor.deactivate",
    "user.mfa.factor.reset_all",
    "user.session.end",
    "user.session.start",
];

const HOOK_FIELDS: &[Field] = &[
    field("id", "id"),
    field("name", "name"),
    field("status", "status"),
    field("verificationStatus", "verificationStatus"),
    field("url", "channel.config.uri"),
    field("events", "events.items"),
    field("lastUpdated", "lastUpdated"),
];

pub fn tools() -> Vec<ToolDef> {
    vec![
        ToolDef::new(
            ToolMeta {
                name: "okta_list_event_hooks",
                title: "List event hooks",
                description: "Event hooks: status, verification, URL, subscribed event types.",
                access: Access::Read,
                toolset: "hooks",
                operations: &[ops::LIST_EVENT_HOOKS],
            },
            list_hooks,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_get_event_hook",
                title: "Get event hook",
                description: "One event hook, in full (the auth secret is never returned).",
                access: Access::Read,
                toolset: "hooks",
                operations: &[ops::GET_EVENT_HOOK],
            },
            get_hook,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_create_event_hook",
                title: "Create event hook",
                description: "Create an event hook sending Okta-eligible event types to an https URL; then \
                    okta_verify_event_hook.",
                access: Access::Write,
                toolset: "hooks",
                operations: &[ops::CREATE_EVENT_HOOK],
            },
            create_hook,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_update_event_hook",
                title: "Update event hook",
                description: "Change an event hook; what you omit is kept. A new URL needs verifying again.",
                access: Access::Write,
                toolset: "hooks",
                operations: &[ops::GET_EVENT_HOOK, ops::REPLACE_EVENT_HOOK],
            },
            update_hook,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_activate_event_hook",
                title: "Activate event hook",
                description: "Activate an event hook so Okta sends it events (once verified).",
                access: Access::Write,
                toolset: "hooks",
                operations: &[ops::GET_EVENT_HOOK, ops::ACTIVATE_EVENT_HOOK],
            },
            activate_hook,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_deactivate_event_hook",
                title: "Deactivate event hook",
                description: "Deactivate an event hook: Okta stops sending it events.",
                access: Access::Destructive,
                toolset: "hooks",
                operations: &[ops::GET_EVENT_HOOK, ops::DEACTIVATE_EVENT_HOOK],
            },
            deactivate_hook,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_delete_event_hook",
                title: "Delete event hook",
                description: "Permanently delete an INACTIVE event hook (deactivate first). Cannot be undone.",
                access: Access::Destructive,
                toolset: "hooks",
                operations: &[ops::GET_EVENT_HOOK, ops::DELETE_EVENT_HOOK],
            },
            delete_hook,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_verify_event_hook",
                title: "Verify event hook",
                description: "Have Okta send the one-time verification request to the hook's URL; the endpoint must \
                    echo the challenge. Unverified hooks receive no events.",
                access: Access::Write,
                toolset: "hooks",
                operations: &[ops::VERIFY_EVENT_HOOK],
            },
            verify_hook,
        ),
    ]
}

async fn list_hooks(ctx: ToolContext, _args: NoArgs) -> Result<ToolOutput, ToolError> {
    let hooks = ctx.okta.get(&ops::LIST_EVENT_HOOKS, &[], &Query::new()).await?;
    Ok(list_output(hooks.as_array().cloned().unwrap_or_default(), HOOK_FIELDS, &Default::default(), None))
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct HookArg {
    /// Event hook id (who…).
    event_hook_id: String,
}

async fn get_hook(ctx: ToolContext, args: HookArg) -> Result<ToolOutput, ToolError> {
    let hook = ctx.okta.get(&ops::GET_EVENT_HOOK, &[&args.event_hook_id], &Query::new()).await?;
    Ok(ToolOutput::json(strip_links(hook)))
}

/// The hook URL: https, with a host, no credentials in it.
pub fn check_url(raw: &str) -> Result<String, ToolError> {
    let url = url::Url::parse(raw.trim())
        .map_err(|e| ToolError::invalid_arguments(format!("url `{raw}` is not a valid URL: {e}")))?;
    if url.scheme() != "https" {
        return Err(ToolError::invalid_arguments(format!(
            "url must use https (Okta sends event hooks only to HTTPS endpoints), not {}",
            url.scheme()
        )));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(ToolError::invalid_arguments("url has no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(ToolError::invalid_arguments(
            "url must not carry credentials: use auth_secret (sent as a header) instead",
        ));
    }
    Ok(url.to_string())
}

/// Event types: non-empty, eligible for event hooks, without duplicates.
pub fn check_events(events: &[String]) -> Result<Vec<String>, ToolError> {
    if events.is_empty() {
        return Err(ToolError::invalid_arguments("events must name at least one event type"));
    }
    let mut out: Vec<String> = Vec::new();
    for e in events {
        let e = e.trim();
        if !ELIGIBLE_EVENT_TYPES.contains(&e) {
            let family = e.split('.').next().unwrap_or_default();
            let near: Vec<&str> = ELIGIBLE_EVENT_TYPES
                .iter()
                .copied()
                .filter(|t| !family.is_empty() && t.starts_with(family))
                .take(12)
                .collect();
            return Err(ToolError::invalid_arguments(format!(
                "`{e}` is not an event type Okta lets event hooks subscribe to{}",
                if near.is_empty() { String::new() } else { format!("; eligible ones like it: {}", near.join(", ")) }
            )));
        }
        if !out.iter().any(|o| o == e) {
            out.push(e.to_owned());
        }
    }
    Ok(out)
}

fn headers_json(headers: &Map<String, Value>) -> Result<Vec<Value>, ToolError> {
    headers
        .iter()
        .map(|(k, v)| match v.as_str() {
            Some(s) if !k.trim().is_empty() => Ok(json!({"key": k, "value": s})),
            _ => {
                Err(ToolError::invalid_arguments(format!("header `{k}` must have a non-empty name and a string value")))
            }
        })
        .collect()
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct CreateHookArgs {
    /// Display name.
    name: String,
    /// https endpoint.
    url: String,
    /// Event types, e.g. ["user.lifecycle.create"].
    events: Vec<String>,
    /// Description.
    description: Option<String>,
    /// Extra headers, e.g. {"X-Source": "okta"}.
    headers: Option<Map<String, Value>>,
    /// Header for auth_secret (default Authorization).
    auth_header: Option<String>,
    /// Secret sent in auth_header.
    auth_secret: Option<String>,
}

fn channel(uri: &str, headers: Vec<Value>, auth: Option<(String, Option<String>)>) -> Value {
    let mut config = json!({"uri": uri, "headers": headers});
    if let Some((key, value)) = auth {
        config["authScheme"] = json!({"type": "HEADER", "key": key});
        if let Some(v) = value {
            config["authScheme"]["value"] = json!(v);
        }
    }
    json!({"type": "HTTP", "version": "1.0.0", "config": config})
}

fn hook_summary(hook: &Value) -> Value {
    okta_mcp_kit::output::project(hook, HOOK_FIELDS, &[])
}

async fn create_hook(ctx: ToolContext, args: CreateHookArgs) -> Result<ToolOutput, ToolError> {
    if args.name.trim().is_empty() {
        return Err(ToolError::invalid_arguments("name must not be empty"));
    }
    let uri = check_url(&args.url)?;
    let events = check_events(&args.events)?;
    let headers = headers_json(&args.headers.unwrap_or_default())?;
    let auth = match (args.auth_header, args.auth_secret) {
        (_, Some(s)) if s.is_empty() => return Err(ToolError::invalid_arguments("auth_secret must not be empty")),
        (h, Some(s)) => Some((h.unwrap_or_else(|| "Authorization".into()), Some(s))),
        (Some(_), None) => return Err(ToolError::invalid_arguments("auth_header needs auth_secret")),
        (None, None) => None,
    };
    let mut body = json!({
        "name": args.name.trim(),
        "events": {"type": "EVENT_TYPE", "items": events},
        "channel": channel(&uri, headers, auth),
    });
    if let Some(d) = args.description {
        body["description"] = json!(d);
    }
    let created = ctx.okta.send(&ops::CREATE_EVENT_HOOK, &[], &Query::new(), Some(&body)).await?;
    let created = created.unwrap_or(Value::Null);
    Ok(ToolOutput::json(json!({
        "created": hook_summary(&created),
        "next": "Okta sends events only to verified hooks: run okta_verify_event_hook once the endpoint answers \
                 the verification challenge.",
    })))
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct UpdateHookArgs {
    /// Event hook id (who…).
    event_hook_id: String,
    /// New name.
    name: Option<String>,
    /// New https endpoint.
    url: Option<String>,
    /// New event types (replace).
    events: Option<Vec<String>>,
    /// New description.
    description: Option<String>,
    /// New headers (replace).
    headers: Option<Map<String, Value>>,
    /// Header for auth_secret (default: current).
    auth_header: Option<String>,
    /// New secret.
    auth_secret: Option<String>,
}

async fn update_hook(ctx: ToolContext, args: UpdateHookArgs) -> Result<ToolOutput, ToolError> {
    if args.name.is_none()
        && args.url.is_none()
        && args.events.is_none()
        && args.description.is_none()
        && args.headers.is_none()
        && args.auth_secret.is_none()
    {
        return Err(ToolError::invalid_arguments(
            "nothing to change: give name, url, events, description, headers or auth_secret",
        ));
    }
    if args.name.as_deref().is_some_and(|n| n.trim().is_empty()) {
        return Err(ToolError::invalid_arguments("name must not be empty"));
    }
    let new_url = args.url.as_deref().map(check_url).transpose()?;
    let new_events = args.events.as_deref().map(check_events).transpose()?;
    let new_headers = args.headers.as_ref().map(headers_json).transpose()?;
    let current = ctx.okta.get(&ops::GET_EVENT_HOOK, &[&args.event_hook_id], &Query::new()).await?;
    let cur = |ptr: &str| current.pointer(ptr).cloned().unwrap_or(Value::Null);
    let name = args.name.map(|n| json!(n.trim())).unwrap_or_else(|| cur("/name"));
    let uri = new_url.clone().map(Value::String).unwrap_or_else(|| cur("/channel/config/uri"));
    let events = new_events.map(|e| json!(e)).unwrap_or_else(|| cur("/events/items"));
    let headers = new_headers.map(Value::Array).unwrap_or_else(|| cur("/channel/config/headers"));
    let current_key = current.pointer("/channel/config/authScheme/key").and_then(Value::as_str).map(str::to_owned);
    let auth = match (args.auth_header.or(current_key.clone()), args.auth_secret) {
        (_, Some(s)) if s.is_empty() => return Err(ToolError::invalid_arguments("auth_secret must not be empty")),
        (key, Some(s)) => Some((key.unwrap_or_else(|| "Authorization".into()), Some(s))),
        (Some(key), None) => Some((key, None)),
        (None, None) => None,
    };
    let headers_vec = headers.as_array().cloned().unwrap_or_default();
    let mut body = json!({
        "name": name,
        "events": {"type": "EVENT_TYPE", "items": events},
        "channel": channel(uri.as_str().unwrap_or_default(), headers_vec, auth),
    });
    let description = args.description.map(Value::String).unwrap_or_else(|| cur("/description"));
    if !description.is_null() {
        body["description"] = description;
    }
    let after = ctx
        .okta
        .send(&ops::REPLACE_EVENT_HOOK, &[&args.event_hook_id], &Query::new(), Some(&body))
        .await?
        .unwrap_or(Value::Null);
    let mut changes = Map::new();
    for (label, ptr) in [
        ("name", "/name"),
        ("description", "/description"),
        ("url", "/channel/config/uri"),
        ("events", "/events/items"),
        ("headers", "/channel/config/headers"),
    ] {
        let (from, to) = (cur(ptr), after.pointer(ptr).cloned().unwrap_or(Value::Null));
        if from != to {
            changes.insert(label.into(), json!({"from": from, "to": to}));
        }
    }
    let mut out = json!({ "updated": hook_summary(&after), "changed": changes });
    if new_url.is_some_and(|u| Some(u.as_str()) != current.pointer("/channel/config/uri").and_then(Value::as_str)) {
        out["next"] = json!("the URL changed: run okta_verify_event_hook before Okta sends events to it");
    }
    if out["changed"].as_object().is_some_and(Map::is_empty) && out.get("next").is_none() {
        out["note"] = json!("nothing differed from the current hook");
    }
    Ok(ToolOutput::json(out))
}

/// Read the hook, then send a lifecycle request; the result shows the status before and after.
async fn lifecycle(ctx: &ToolContext, id: &str, activate: bool) -> Result<ToolOutput, ToolError> {
    let current = ctx.okta.get(&ops::GET_EVENT_HOOK, &[id], &Query::new()).await?;
    let hook_id = str_field(&current, "id")?.to_owned();
    let change = if activate { &ops::ACTIVATE_EVENT_HOOK } else { &ops::DEACTIVATE_EVENT_HOOK };
    let out = transition(ctx, "hook", &current, activate, change, &[&hook_id], hook_summary).await?;
    if activate && current.get("verificationStatus").and_then(Value::as_str) != Some("VERIFIED") {
        let note = "the hook is not verified yet: Okta sends it no events until okta_verify_event_hook succeeds";
        return Ok(out.with(json!({ "note": note })));
    }
    Ok(out)
}

async fn activate_hook(ctx: ToolContext, args: HookArg) -> Result<ToolOutput, ToolError> {
    lifecycle(&ctx, &args.event_hook_id, true).await
}

async fn deactivate_hook(ctx: ToolContext, args: HookArg) -> Result<ToolOutput, ToolError> {
    lifecycle(&ctx, &args.event_hook_id, false).await
}

async fn delete_hook(ctx: ToolContext, args: HookArg) -> Result<ToolOutput, ToolError> {
    let current = ctx.okta.get(&ops::GET_EVENT_HOOK, &[&args.event_hook_id], &Query::new()).await?;
    let name = format!("{} ({})", current.get("name").and_then(Value::as_str).unwrap_or_default(), args.event_hook_id);
    let what = Named { kind: "event hook", name: &name };
    let delete = (&ops::DELETE_EVENT_HOOK, &[args.event_hook_id.as_str()][..]);
    delete_inactive(&ctx, what, &current, ("okta_deactivate_event_hook", ""), delete, hook_summary).await
}

async fn verify_hook(ctx: ToolContext, args: HookArg) -> Result<ToolOutput, ToolError> {
    let after = ctx
        .okta
        .send(&ops::VERIFY_EVENT_HOOK, &[&args.event_hook_id], &Query::new(), None)
        .await?
        .unwrap_or(Value::Null);
    Ok(ToolOutput::json(json!({
        "hook": hook_summary(&after),
        "verificationStatus": after.get("verificationStatus"),
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_must_be_https() {
        assert_eq!(check_url("https://hooks.example.com/okta").ok().as_deref(), Some("https://hooks.example.com/okta"));
        let e = |u: &str| check_url(u).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e("http://hooks.example.com").contains("must use https"));
        assert!(e("hooks.example.com").contains("not a valid URL"));
        assert!(e("https://user:pw@hooks.example.com").contains("credentials"));
    }

    #[test]
    fn event_types_must_be_eligible() {
        let ok = check_events(&["user.lifecycle.create".into(), "user.lifecycle.create".into()]);
        assert_eq!(ok.ok(), Some(vec!["user.lifecycle.create".to_owned()]));
        let e = check_events(&["user.lifecycle.explode".into()]).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("not an event type") && e.contains("user.lifecycle.create"), "{e}");
        assert!(check_events(&[]).is_err());
    }
}
