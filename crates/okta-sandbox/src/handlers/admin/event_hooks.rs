//! Event hooks: create (ACTIVE, UNVERIFIED), replace (a new URI must be verified again), activate, deactivate,
//! verify (the sandbox "calls" the endpoint: hosts ending in `.invalid` never answer), delete only when INACTIVE.

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::Utc;
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::handlers::{Acting, ApiResult, Id, Ids, JsonBody, St, no_content, ok};
use crate::ids::ts;
use crate::org::admin::{HookParts, event_hook, event_hook_json, hook_uri, set_hook_parts, with_admin};
use crate::org::collection::{Collection, str_of};
use crate::org::{Actor, Org};
use crate::seed::api_client;
use crate::{Caller, lock};

fn hook_target(h: &Value) -> Value {
    json!({"id": h["id"], "type": "EventHook", "alternateId": h["name"], "displayName": h["name"]})
}

fn log(org: &mut Org, actor: &Actor, event_type: &str, display: &str, h: &Value, outcome: &str) {
    org.log(Utc::now(), event_type, display, actor, vec![hook_target(h)], (outcome, None), None, &api_client());
}

/// The parts of a hook a POST or PUT body sets.
fn parse_hook(body: &Value) -> Result<HookParts, ApiError> {
    let name = body.get("name").and_then(Value::as_str).unwrap_or_default().trim().to_string();
    if name.is_empty() {
        return Err(ApiError::validation("name", "name: The field cannot be left blank"));
    }
    let events =
        body.get("events").ok_or_else(|| ApiError::validation("events", "events: The field cannot be left blank"))?;
    if events.get("type").and_then(Value::as_str) != Some("EVENT_TYPE") {
        return Err(ApiError::validation("events.type", "events.type: must be EVENT_TYPE"));
    }
    let items: Vec<String> = events
        .get("items")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
        .unwrap_or_default();
    if items.is_empty() {
        return Err(ApiError::validation("events.items", "events.items: at least one event type is required"));
    }
    let channel = body.get("channel").cloned().unwrap_or(Value::Null);
    if channel.get("type").and_then(Value::as_str) != Some("HTTP") {
        return Err(ApiError::validation("channel.type", "channel.type: must be HTTP"));
    }
    let config = channel.get("config").cloned().unwrap_or(Value::Null);
    let uri = config.get("uri").and_then(Value::as_str).unwrap_or_default().to_string();
    if !uri.starts_with("https://") || uri.len() <= "https://".len() {
        return Err(ApiError::validation("channel.config.uri", "channel.config.uri: The URI must use HTTPS"));
    }
    let headers = config
        .get("headers")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|h| Some((h.get("key")?.as_str()?.to_string(), h.get("value")?.as_str()?.to_string())))
                .collect()
        })
        .unwrap_or_default();
    let auth_key = config.pointer("/authScheme/key").and_then(Value::as_str).map(str::to_string);
    let description = body.get("description").and_then(Value::as_str).map(str::to_string);
    Ok(HookParts { name, description, events: items, uri, headers, auth_key })
}

pub(crate) async fn list(State(st): St) -> ApiResult {
    let hooks: Vec<Value> = with_admin(&st, |_, s| s.hooks.iter().map(|h| event_hook_json(h, &st.public)).collect());
    ok(Value::Array(hooks))
}

pub(crate) async fn get_one(State(st): St, Path(id): Id) -> ApiResult {
    with_admin(&st, |_, s| s.hooks.by_id(&id).map(|h| event_hook_json(h, &st.public)))
        .map_or_else(|| Err(ApiError::not_found(&id, "EventHook")), ok)
}

pub(crate) async fn create(State(st): St, Extension(caller): Extension<Caller>, JsonBody(body): JsonBody) -> ApiResult {
    let body = parse_hook(&body)?;
    let actor = st.actor(&caller);
    let created_by = match &caller {
        Caller::Ssws => lock(&st.org).admin_id.clone(),
        Caller::Client(id) | Caller::User(id) => id.clone(),
    };
    with_admin(&st, |org, store| {
        let now = Utc::now();
        let id = org.random.id(crate::org::random::Stream::Admin, "who");
        let hook = event_hook(&id, "ACTIVE", "UNVERIFIED", body, &now, &created_by, &now);
        log(org, &actor, "event_hook.created", "Event hook created", &hook, "SUCCESS");
        let v = event_hook_json(&hook, &st.public);
        store.hooks.push(hook);
        ok(v)
    })
}

pub(crate) async fn replace(State(st): St, Acting(actor): Acting, Path(id): Id, JsonBody(body): JsonBody) -> ApiResult {
    let body = parse_hook(&body)?;
    with_admin(&st, |org, store| {
        let i = store.hooks.index_or_404(&id, "EventHook")?;
        let hook = &mut store.hooks[i];
        if hook_uri(hook) != body.uri {
            hook["verificationStatus"] = json!("UNVERIFIED");
        }
        set_hook_parts(hook, body);
        hook["lastUpdated"] = json!(ts(&Utc::now()));
        let v = event_hook_json(hook, &st.public);
        let hook = hook.clone();
        log(org, &actor, "event_hook.updated", "Event hook updated", &hook, "SUCCESS");
        ok(v)
    })
}

pub(crate) async fn lifecycle(State(st): St, Acting(actor): Acting, Path((id, op)): Ids) -> ApiResult {
    with_admin(&st, |org, store| {
        let i = store.hooks.index_or_404(&id, "EventHook")?;
        let hook = &mut store.hooks[i];
        match op.as_str() {
            "activate" => hook["status"] = json!("ACTIVE"),
            "deactivate" => hook["status"] = json!("INACTIVE"),
            "verify" => {
                let host =
                    hook_uri(hook).trim_start_matches("https://").split(['/', ':', '?']).next().unwrap_or_default();
                if host.ends_with(".invalid") || host.is_empty() {
                    let hook = hook.clone();
                    log(org, &actor, "event_hook.verified", "Event hook verification", &hook, "FAILURE");
                    return Err(ApiError::validation(
                        "verification",
                        format!(
                            "Verification failed: the endpoint {} did not answer the one-time verification request",
                            hook_uri(&hook)
                        ),
                    ));
                }
                hook["verificationStatus"] = json!("VERIFIED");
            }
            _ => {
                return Err(ApiError::new(
                    StatusCode::NOT_FOUND,
                    "E0000007",
                    format!("Not found: Resource not found: {op} (Path)"),
                ));
            }
        }
        hook["lastUpdated"] = json!(ts(&Utc::now()));
        let v = event_hook_json(hook, &st.public);
        let hook = hook.clone();
        let (event_type, display) = match op.as_str() {
            "activate" => ("event_hook.activated", "Event hook activated"),
            "deactivate" => ("event_hook.deactivated", "Event hook deactivated"),
            _ => ("event_hook.verified", "Event hook verification"),
        };
        log(org, &actor, event_type, display, &hook, "SUCCESS");
        ok(v)
    })
}

pub(crate) async fn delete(State(st): St, Acting(actor): Acting, Path(id): Id) -> ApiResult {
    with_admin(&st, |org, store| {
        let i = store.hooks.index_or_404(&id, "EventHook")?;
        if str_of(&store.hooks[i], "status") != "INACTIVE" {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "E0000038",
                "This operation is not allowed in the current status: only INACTIVE event hooks can be deleted.",
            ));
        }
        let hook = store.hooks.remove(i);
        log(org, &actor, "event_hook.deleted", "Event hook deleted", &hook, "SUCCESS");
        no_content()
    })
}
