//! Inline hooks: find, read, create, change, activate, deactivate, delete, and preview one with a sample payload.

use okta_core::Query;
use okta_mcp_kit::args::text;
use okta_mcp_kit::args::{check_id, non_empty, str_field};
use okta_mcp_kit::ops;
use okta_mcp_kit::output::strip_links;
use okta_mcp_kit::{Access, Field, ToolContext, ToolDef, ToolError, ToolMeta, ToolOutput, field};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::objects::{ViewArgs, fetch, list_all, named};
use okta_mcp_kit::resource::{Named, Replace, delete_inactive, patch_from, status, transition};

const HOOK_FIELDS: &[Field] = &[
    field("id", "id"),
    field("name", "name"),
    field("type", "type"),
    field("status", "status"),
    field("uri", "channel.config.uri"),
];

pub fn tools() -> Vec<ToolDef> {
    let meta = |name, title, description, access, operations| ToolMeta {
        name,
        title,
        description,
        access,
        toolset: "inline-hooks",
        operations,
    };
    vec![
        ToolDef::new(
            meta(
                "okta_list_inline_hooks",
                "List inline hooks",
                "Inline hooks as columns+rows: type, status, URL.",
                Access::Read,
                &[ops::LIST_INLINE_HOOKS],
            ),
            list_hooks,
        ),
        ToolDef::new(
            meta(
                "okta_get_inline_hook",
                "Get inline hook",
                "One inline hook (secret never shown).",
                Access::Read,
                &[ops::GET_INLINE_HOOK],
            ),
            get_hook,
        ),
        ToolDef::new(
            meta(
                "okta_create_inline_hook",
                "Create inline hook",
                "Register an https endpoint Okta calls for one hook type.",
                Access::Write,
                &[ops::CREATE_INLINE_HOOK],
            ),
            create_hook,
        ),
        ToolDef::new(
            meta(
                "okta_update_inline_hook",
                "Update inline hook",
                "Change a hook's name, URL or secret; the rest is kept. Shows changes.",
                Access::Write,
                &[ops::GET_INLINE_HOOK, ops::REPLACE_INLINE_HOOK],
            ),
            update_hook,
        ),
        ToolDef::new(
            meta(
                "okta_activate_inline_hook",
                "Activate inline hook",
                "Activate an INACTIVE inline hook.",
                Access::Write,
                &[ops::GET_INLINE_HOOK, ops::ACTIVATE_INLINE_HOOK],
            ),
            activate_hook,
        ),
        ToolDef::new(
            meta(
                "okta_deactivate_inline_hook",
                "Deactivate inline hook",
                "Deactivate an inline hook: Okta stops calling it.",
                Access::Destructive,
                &[ops::GET_INLINE_HOOK, ops::DEACTIVATE_INLINE_HOOK],
            ),
            deactivate_hook,
        ),
        ToolDef::new(
            meta(
                "okta_delete_inline_hook",
                "Delete inline hook",
                "Delete an INACTIVE inline hook.",
                Access::Destructive,
                &[ops::GET_INLINE_HOOK, ops::DELETE_INLINE_HOOK],
            ),
            delete_hook,
        ),
        ToolDef::new(
            meta(
                "okta_preview_inline_hook",
                "Preview inline hook",
                "Execute the named hook via Okta with a sample (or your) payload; shows its response.",
                Access::Write,
                &[ops::GET_INLINE_HOOK, ops::EXECUTE_INLINE_HOOK],
            ),
            preview_hook,
        ),
    ]
}

fn hook_summary(h: &Value) -> Value {
    json!({"id": h.get("id"), "name": h.get("name"), "type": h.get("type"), "status": h.get("status"),
           "uri": h.pointer("/channel/config/uri")})
}

/// Inline hook types.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
pub enum HookType {
    #[serde(rename = "com.okta.oauth2.tokens.transform")]
    Token,
    #[serde(rename = "com.okta.saml.tokens.transform")]
    Saml,
    #[serde(rename = "com.okta.user.pre-registration")]
    Registration,
    #[serde(rename = "com.okta.import.transform")]
    Import,
    #[serde(rename = "com.okta.user.credential.password.import")]
    PasswordImport,
    #[serde(rename = "com.okta.telephony.provider")]
    Telephony,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ListHooksArgs {
    /// Only this type.
    r#type: Option<HookType>,
    #[serde(flatten)]
    view: ViewArgs,
}

async fn list_hooks(ctx: ToolContext, args: ListHooksArgs) -> Result<ToolOutput, ToolError> {
    let query = Query::new().opt("type", args.r#type.map(|t| json!(t).as_str().unwrap_or_default().to_owned()));
    list_all(&ctx, &ops::LIST_INLINE_HOOKS, &[], query, HOOK_FIELDS, &args.view).await
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct HookArg {
    /// Inline hook id (cal…).
    inline_hook_id: String,
}

/// A hook as shown: links gone, the auth scheme's value (a secret) never.
fn shown(mut h: Value) -> Value {
    if let Some(auth) = h.pointer_mut("/channel/config/authScheme").and_then(Value::as_object_mut) {
        auth.remove("value");
    }
    okta_mcp_kit::redact::redact(strip_links(h))
}

async fn get_hook(ctx: ToolContext, args: HookArg) -> Result<ToolOutput, ToolError> {
    Ok(ToolOutput::json(shown(fetch(&ctx, &ops::GET_INLINE_HOOK, &[&args.inline_hook_id]).await?)))
}

fn https(name: &str, uri: &str) -> Result<(), ToolError> {
    let ok = uri.starts_with("https://") && uri.len() > 8 && uri.len() <= 1024 && !uri.contains(char::is_whitespace);
    if ok { Ok(()) } else { Err(ToolError::invalid_arguments(format!("{name} must be an https URL, got {uri:?}"))) }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct CreateHookArgs {
    /// Name.
    name: String,
    /// Hook type.
    r#type: HookType,
    /// https endpoint Okta calls.
    uri: String,
    /// Auth header value (secret).
    auth_secret: Option<String>,
    /// Header name (default Authorization).
    auth_header: Option<String>,
}

async fn create_hook(ctx: ToolContext, args: CreateHookArgs) -> Result<ToolOutput, ToolError> {
    text("name", &args.name, 255)?;
    https("uri", &args.uri)?;
    let mut config = json!({"uri": args.uri, "method": "POST", "headers": []});
    if let Some(secret) = non_empty("auth_secret", args.auth_secret.as_deref())? {
        let key = non_empty("auth_header", args.auth_header.as_deref())?.unwrap_or("Authorization");
        config["authScheme"] = json!({"type": "HEADER", "key": key, "value": secret});
    } else if args.auth_header.is_some() {
        return Err(ToolError::invalid_arguments("auth_header needs auth_secret"));
    }
    let body = json!({"name": args.name.trim(), "type": args.r#type, "version": "1.0.0",
                      "channel": {"type": "HTTP", "version": "1.0.0", "config": config}});
    let created = ctx.okta.send(&ops::CREATE_INLINE_HOOK, &[], &Query::new(), Some(&body)).await?;
    Ok(ToolOutput::json(json!({"created": hook_summary(&created.unwrap_or_default())})))
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct UpdateHookArgs {
    /// Inline hook id (cal…).
    inline_hook_id: String,
    /// New name.
    name: Option<String>,
    /// New https endpoint.
    uri: Option<String>,
    /// New auth header value (secret).
    auth_secret: Option<String>,
    /// Merge patch; null removes.
    changes: Option<Value>,
}

const HOOK_REPLACE: Replace = Replace {
    what: "inline_hook",
    fixed: &[("type", "is fixed when the hook is created"), ("status", "changes with the activate/deactivate tools")],
    read_only: &["id", "status", "created", "lastUpdated", "type"],
    required: &["name", "channel"],
};

async fn update_hook(ctx: ToolContext, args: UpdateHookArgs) -> Result<ToolOutput, ToolError> {
    if let Some(uri) = &args.uri {
        https("uri", uri)?;
    }
    let mut channel = json!({});
    if let Some(uri) = &args.uri {
        channel["config"]["uri"] = json!(uri);
    }
    if let Some(secret) = non_empty("auth_secret", args.auth_secret.as_deref())? {
        channel["config"]["authScheme"] = json!({"type": "HEADER", "value": secret});
    }
    let channel = (channel != json!({})).then(|| {
        let mut merged = args.changes.as_ref().and_then(|c| c.get("channel")).cloned().unwrap_or(json!({}));
        okta_mcp_kit::merge::merge_patch(&mut merged, &channel);
        merged
    });
    let mut patch =
        patch_from(args.changes.as_ref(), vec![("name", args.name.map(Value::from)), ("channel", channel)])?;
    if let Some(uri) = patch.get("channel").and_then(|c| c.pointer("/config/uri")).and_then(Value::as_str) {
        https("channel.config.uri", uri)?;
    }
    let current = fetch(&ctx, &ops::GET_INLINE_HOOK, &[&args.inline_hook_id]).await?;
    if current.pointer("/channel/config/authScheme").is_some()
        && patch.get("channel").and_then(|c| c.pointer("/config/authScheme/key")).is_none()
        && let Some(auth) = patch.get_mut("channel").and_then(|c| c.pointer_mut("/config/authScheme"))
        && let Some(key) = current.pointer("/channel/config/authScheme/key")
    {
        auth["key"] = key.clone();
    }
    let id = str_field(&current, "id")?.to_owned();
    HOOK_REPLACE.run(&ctx, current, &ops::REPLACE_INLINE_HOOK, &[&id], &patch, hook_summary).await
}

async fn activate_hook(ctx: ToolContext, args: HookArg) -> Result<ToolOutput, ToolError> {
    let h = fetch(&ctx, &ops::GET_INLINE_HOOK, &[&args.inline_hook_id]).await?;
    let id = str_field(&h, "id")?;
    transition(&ctx, "object", &h, true, &ops::ACTIVATE_INLINE_HOOK, &[id], hook_summary).await
}

async fn deactivate_hook(ctx: ToolContext, args: HookArg) -> Result<ToolOutput, ToolError> {
    let h = fetch(&ctx, &ops::GET_INLINE_HOOK, &[&args.inline_hook_id]).await?;
    let id = str_field(&h, "id")?;
    transition(&ctx, "object", &h, false, &ops::DEACTIVATE_INLINE_HOOK, &[id], hook_summary).await
}

async fn delete_hook(ctx: ToolContext, args: HookArg) -> Result<ToolOutput, ToolError> {
    let h = fetch(&ctx, &ops::GET_INLINE_HOOK, &[&args.inline_hook_id]).await?;
    let id = str_field(&h, "id")?;
    let what = Named { kind: "inline hook", name: &named(&h) };
    let delete = (&ops::DELETE_INLINE_HOOK, &[id][..]);
    delete_inactive(&ctx, what, &h, ("okta_deactivate_inline_hook", ""), delete, hook_summary).await
}

/// The sample payload Okta would send a hook of this type.
pub fn sample_payload(kind: &str) -> Value {
    let base = |event: &str| {
        json!({"eventId": "sample-event-0001", "eventTime": "2026-01-01T00:00:00.000Z",
                                    "eventType": event, "eventTypeVersion": "1.0", "contentType": "application/json",
                                    "cloudEventVersion": "0.1", "source": "okta-mcp-policy preview"})
    };
    let mut p = match kind {
        "com.okta.oauth2.tokens.transform" => {
            let mut p = base("com.okta.oauth2.tokens.transform");
            p["data"] = json!({"context": {"request": {"id": "sample", "method": "POST",
                "url": {"value": "https://example.okta.com/oauth2/default/v1/token"}, "ipAddress": "198.51.100.7"},
                "protocol": {"type": "OAUTH2.0", "request": {"scope": "openid", "grant_type": "authorization_code"}},
                "user": {"id": "00usample", "profile": {"login": "sample.user@example.com", "firstName": "Sample",
                "lastName": "User", "locale": "en_US", "timeZone": "UTC"}}},
                "access": {"claims": {"ver": 1, "sub": "sample.user@example.com"}, "scopes": {"openid": {"id": "scp1"}}}});
            p
        }
        "com.okta.saml.tokens.transform" => {
            let mut p = base("com.okta.saml.tokens.transform");
            p["data"] = json!({"context": {"request": {"id": "sample", "method": "GET", "ipAddress": "198.51.100.7"},
                "user": {"id": "00usample", "profile": {"login": "sample.user@example.com"}}},
                "assertion": {"subject": {"nameId": "sample.user@example.com"}, "claims": {}}});
            p
        }
        "com.okta.user.pre-registration" => {
            let mut p = base("com.okta.user.pre-registration");
            p["requestType"] = json!("self.service.registration");
            p["data"] = json!({"context": {"request": {"id": "sample", "method": "POST", "ipAddress": "198.51.100.7"}},
                "userProfile": {"firstName": "Sample", "lastName": "User", "email": "sample.user@example.com",
                                "login": "sample.user@example.com"},
                "action": "ALLOW"});
            p
        }
        "com.okta.import.transform" => {
            let mut p = base("com.okta.import.transform");
            p["data"] = json!({"context": {"conflicts": [], "application": {"name": "sample", "id": "0oasample"}},
                "action": {"result": "CREATE_USER"},
                "appUser": {"profile": {"firstName": "Sample", "lastName": "User", "email": "sample.user@example.com"}},
                "user": {"profile": {"login": "sample.user@example.com", "firstName": "Sample", "lastName": "User"}}});
            p
        }
        "com.okta.user.credential.password.import" => {
            let mut p = base("com.okta.user.credential.password.import");
            p["data"] = json!({"context": {"request": {"id": "sample", "method": "POST", "ipAddress": "198.51.100.7"},
                "credential": {"username": "sample.user@example.com", "password": "[sample]"}},
                "action": {"credential": "UNVERIFIED"}});
            p
        }
        _ => {
            let mut p = base("com.okta.telephony.provider");
            p["requestType"] = json!("com.okta.user.telephony.pre-enrollment");
            p["data"] = json!({"context": {"request": {"id": "sample", "method": "POST"}},
                "userProfile": {"firstName": "Sample", "lastName": "User", "login": "sample.user@example.com",
                                "userId": "00usample"},
                "messageProfile": {"msgTemplate": "Your code is 123456", "phoneNumber": "+15555550100",
                                   "otpExpires": "2026-01-01T00:05:00.000Z", "deliveryChannel": "SMS", "otpCode": "123456",
                                   "locale": "EN-US"}});
            p
        }
    };
    p["preview"] = json!(true);
    p
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct PreviewArgs {
    /// Inline hook id (cal…).
    inline_hook_id: String,
    /// Default: a sample for its type.
    payload: Option<Value>,
}

async fn preview_hook(ctx: ToolContext, args: PreviewArgs) -> Result<ToolOutput, ToolError> {
    check_id("inline_hook_id", &args.inline_hook_id)?;
    if args.payload.as_ref().is_some_and(|p| p.as_object().is_none_or(|o| o.is_empty())) {
        return Err(ToolError::invalid_arguments("payload must be a non-empty JSON object"));
    }
    let h = fetch(&ctx, &ops::GET_INLINE_HOOK, &[&args.inline_hook_id]).await?;
    let id = str_field(&h, "id")?;
    let kind = h.get("type").and_then(Value::as_str).unwrap_or_default();
    let payload = args.payload.unwrap_or_else(|| sample_payload(kind));
    let answer = ctx.okta.send(&ops::EXECUTE_INLINE_HOOK, &[id], &Query::new(), Some(&payload)).await?;
    let mut out = json!({"hook": hook_summary(&h), "sent": okta_mcp_kit::redact::redact(payload),
                         "response": answer.unwrap_or(Value::Null)});
    if status(&h) != "ACTIVE" {
        out["note"] = json!("the hook is INACTIVE: Okta does not call it in real flows until it is activated");
    }
    Ok(ToolOutput::json(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_name_their_type() {
        for kind in ["com.okta.oauth2.tokens.transform", "com.okta.user.pre-registration", "com.okta.import.transform"]
        {
            assert_eq!(sample_payload(kind)["eventType"], kind);
        }
        assert!(https("uri", "http://x.example").is_err());
        let h = shown(json!({"channel": {"config": {"authScheme": {"key": "Authorization", "value": "s3"}}}}));
        assert!(!h.to_string().contains("s3"));
    }
}
