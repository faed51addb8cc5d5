//! Inline hooks: CRUD, lifecycle (only INACTIVE hooks can be deleted) and `execute`, which answers what a
//! well-behaved hook service would for the hook's type. The sandbox never contacts the hook's URL.

use axum::extract::{Path, State};
use axum::http::Uri;
use serde_json::{Value, json};

use super::{refused, required};
use crate::error::ApiError;
use crate::handlers::{ApiResult, Id, Ids, JsonBody, Params, St, no_content, ok};
use crate::lock;
use crate::org::collection::{Collection, Removable, lifecycle_target, set_status, str_of, touch, with_links};
use crate::org::policy::PolicyOrg;

const TYPES: [&str; 6] = [
    "com.okta.import.transform",
    "com.okta.oauth2.tokens.transform",
    "com.okta.saml.tokens.transform",
    "com.okta.telephony.provider",
    "com.okta.user.credential.password.import",
    "com.okta.user.pre-registration",
];

fn hook_json(h: &Value, public: &str) -> Value {
    let b = format!("{public}/api/v1/inlineHooks/{}", str_of(h, "id"));
    let mut links = vec![("self", b.clone(), Some("GET")), ("execute", format!("{b}/execute"), Some("POST"))];
    if str_of(h, "status") == "ACTIVE" {
        links.push(("deactivate", format!("{b}/lifecycle/deactivate"), Some("POST")));
    } else {
        links.push(("activate", format!("{b}/lifecycle/activate"), Some("POST")));
        links.push(("delete", b.clone(), Some("DELETE")));
    }
    with_links(h, &links)
}

fn hook<'a>(p: &'a mut PolicyOrg, id: &str) -> Result<&'a mut Value, ApiError> {
    p.hooks.or_404_mut(id, "InlineHook")
}

/// The channel as stored, from a request body's channel (the auth scheme's value is write-only: not kept).
fn channel(body: &Value) -> Result<Value, ApiError> {
    let channel = body
        .get("channel")
        .ok_or_else(|| ApiError::validation("channel", "channel: The field cannot be left blank"))?;
    let kind = channel.get("type").and_then(Value::as_str).unwrap_or("HTTP");
    if kind != "HTTP" {
        return Err(ApiError::validation("channel.type", "channel.type: The sandbox supports HTTP channels"));
    }
    let uri = channel.pointer("/config/uri").and_then(Value::as_str).unwrap_or("");
    if !uri.starts_with("https://") || uri.len() > 1024 || uri.contains(char::is_whitespace) {
        return Err(ApiError::validation("channel.config.uri", "channel.config.uri: Must be an https URL"));
    }
    let mut config = json!({"uri": uri, "method": "POST",
                            "headers": channel.pointer("/config/headers").cloned().unwrap_or(json!([]))});
    if let Some(auth) = channel.pointer("/config/authScheme").filter(|a| a.is_object()) {
        config["authScheme"] = json!({"type": auth.get("type").cloned().unwrap_or(json!("HEADER")),
                                      "key": auth.get("key").cloned().unwrap_or(json!("Authorization"))});
    }
    let version = channel.get("version").and_then(Value::as_str).unwrap_or("1.0.0");
    Ok(json!({"type": "HTTP", "version": version, "config": config}))
}

pub(crate) async fn list(State(st): St, uri: Uri) -> ApiResult {
    let params = Params::parse(uri.query());
    let kind = params.get("type").filter(|t| !t.is_empty());
    let org = lock(&st.org);
    let items: Vec<Value> = org
        .policy
        .hooks
        .iter()
        .filter(|h| kind.is_none_or(|k| str_of(h, "type") == k))
        .map(|h| hook_json(h, &st.public))
        .collect();
    ok(Value::Array(items))
}

pub(crate) async fn create(State(st): St, JsonBody(body): JsonBody) -> ApiResult {
    let name = required(&body, "name")?;
    let kind = required(&body, "type")?;
    if !TYPES.contains(&kind) {
        return Err(ApiError::validation("type", format!("type: Invalid inline hook type: {kind}")));
    }
    let channel = channel(&body)?;
    let mut org = lock(&st.org);
    let id = crate::org::policy::new_id(&mut org.random, "cal");
    let mut obj = json!({"id": id, "name": name, "type": kind, "status": "ACTIVE",
                         "version": body.get("version").and_then(Value::as_str).unwrap_or("1.0.0"), "channel": channel});
    touch(&mut obj, true);
    let out = hook_json(&obj, &st.public);
    org.policy.hooks.push(obj);
    ok(out)
}

pub(crate) async fn get_one(State(st): St, Path(id): Id) -> ApiResult {
    let mut org = lock(&st.org);
    ok(hook_json(hook(&mut org.policy, &id)?, &st.public))
}

/// PUT: name, version and channel replace the current ones; the type cannot change.
pub(crate) async fn replace(State(st): St, Path(id): Id, JsonBody(body): JsonBody) -> ApiResult {
    let name = required(&body, "name")?;
    let channel = channel(&body)?;
    let mut org = lock(&st.org);
    let h = hook(&mut org.policy, &id)?;
    if body.get("type").and_then(Value::as_str).is_some_and(|t| t != str_of(h, "type")) {
        return Err(ApiError::validation("type", "type: The type of an inline hook cannot be changed"));
    }
    h["name"] = json!(name);
    if let Some(v) = body.get("version").and_then(Value::as_str) {
        h["version"] = json!(v);
    }
    h["channel"] = channel;
    touch(h, false);
    ok(hook_json(h, &st.public))
}

pub(crate) async fn delete(State(st): St, Path(id): Id) -> ApiResult {
    let mut org = lock(&st.org);
    let h = hook(&mut org.policy, &id)?;
    if str_of(h, "status") == "ACTIVE" {
        return Err(refused("status", "status: Only INACTIVE inline hooks can be deleted; deactivate it first."));
    }
    org.policy.hooks.remove_id(&id);
    no_content()
}

pub(crate) async fn lifecycle(State(st): St, Path((id, op)): Ids) -> ApiResult {
    let target = lifecycle_target(&op)?;
    let mut org = lock(&st.org);
    let h = hook(&mut org.policy, &id)?;
    set_status(h, target);
    ok(hook_json(h, &st.public))
}

/// What the hook service answers, by hook type (a sample that follows Okta's contract for it).
pub fn sample_response(kind: &str, payload: &Value) -> Value {
    match kind {
        "com.okta.oauth2.tokens.transform" => json!({"commands": [{"type": "com.okta.access.patch",
            "value": [{"op": "add", "path": "/claims/sandbox_hook", "value": "added by the inline hook"}]}]}),
        "com.okta.saml.tokens.transform" => json!({"commands": [{"type": "com.okta.assertion.patch",
            "value": [{"op": "add", "path": "/claims/sandboxHook", "value": {"attributes": {"NameFormat":
                "urn:oasis:names:tc:SAML:2.0:attrname-format:basic"}, "attributeValues": [{"attributes":
                {"xsi:type": "xs:string"}, "value": "added by the inline hook"}]}}]}]}),
        "com.okta.import.transform" => json!({"commands": [{"type": "com.okta.appUser.profile.update",
            "value": {"department": "Imported"}}]}),
        "com.okta.user.credential.password.import" => json!({"commands": [{"type": "com.okta.action.update",
            "value": {"credential": "VERIFIED"}}]}),
        "com.okta.telephony.provider" => json!({"commands": [{"type": "com.okta.telephony.action", "value": [{
            "status": "SUCCESSFUL", "provider": "Sandbox Telephony", "transactionId": "SM-sandbox-0001",
            "transactionMetadata": {"duration": 120}}]}]}),
        _ => {
            // Registration: allow, unless the sample user's email is on example.org.
            let email = payload.pointer("/data/userProfile/email").and_then(Value::as_str).unwrap_or("");
            if email.ends_with("@example.org") {
                json!({"commands": [{"type": "com.okta.action.update", "value": {"registration": "DENY"}}],
                       "error": {"errorSummary": "Registrations from example.org are not allowed"}})
            } else {
                json!({"commands": [{"type": "com.okta.action.update", "value": {"registration": "ALLOW"}}]})
            }
        }
    }
}

pub(crate) async fn execute(State(st): St, Path(id): Id, JsonBody(body): JsonBody) -> ApiResult {
    if body.as_object().is_none_or(|o| o.is_empty()) {
        return Err(ApiError::validation("body", "body: The request body must be the payload Okta sends to the hook"));
    }
    let mut org = lock(&st.org);
    let h = hook(&mut org.policy, &id)?;
    ok(sample_response(str_of(h, "type"), &body))
}
