//! What only the apps server's tools share: reading an app, its one-line summary, hiding secrets, and the
//! merge behind `okta_update_app`.

use okta_core::Query;
use okta_mcp_kit::args::path;
use okta_mcp_kit::{Field, ToolContext, ToolError, field};
use serde_json::{Map, Value, json};

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
    let value = ctx.okta.get(&path("/api/v1/apps/{appId}", &[app_id])?, &Query::new()).await?;
    Ok(value)
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

/// Is this object key one whose value is secret (client secrets, private keys, passwords)?
pub fn is_secret_key(key: &str) -> bool {
    let key = key.to_ascii_lowercase().replace(['_', '-'], "");
    ["secret", "password", "privatekey"].iter().any(|s| key.contains(s)) || key == "d"
}

/// A copy of `value` with every secret value replaced by `[hidden]` (an OIDC app's client secret in
/// particular: Okta may return it, a tool never shows it).
pub fn hide_secrets(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| {
                    let v = if is_secret_key(&k) && !v.is_null() && !v.is_object() {
                        Value::String("[hidden]".into())
                    } else {
                        hide_secrets(v)
                    };
                    (k, v)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(hide_secrets).collect()),
        other => other,
    }
}

/// JSON merge patch (RFC 7386): objects merge key by key, `null` removes a key, anything else replaces.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    match (target, patch) {
        (Value::Object(t), Value::Object(p)) => {
            for (k, v) in p {
                if v.is_null() {
                    t.remove(k);
                } else {
                    merge_patch(t.entry(k.clone()).or_insert(Value::Null), v);
                }
            }
        }
        (t, p) => *t = p.clone(),
    }
}

/// The leaves that differ between `before` and `after`, as dotted paths with `{from, to}` (secrets hidden).
pub fn changes(before: &Value, after: &Value) -> Map<String, Value> {
    let mut out = Map::new();
    diff(before, after, String::new(), &mut out);
    out
}

fn diff(before: &Value, after: &Value, at: String, out: &mut Map<String, Value>) {
    match (before, after) {
        (Value::Object(b), Value::Object(a)) => {
            let keys: std::collections::BTreeSet<&String> = b.keys().chain(a.keys()).collect();
            for k in keys {
                let child = if at.is_empty() { k.clone() } else { format!("{at}.{k}") };
                diff(b.get(k).unwrap_or(&Value::Null), a.get(k).unwrap_or(&Value::Null), child, out);
            }
        }
        (b, a) if b != a => {
            let secret = at.rsplit('.').next().is_some_and(is_secret_key);
            let show = |v: &Value| if secret && !v.is_null() { json!("[hidden]") } else { v.clone() };
            out.insert(at, json!({ "from": show(b), "to": show(a) }));
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_keeps_what_the_patch_does_not_name() {
        let mut app = json!({"label": "Wiki", "settings": {"app": {"url": "https://a", "requestIntegration": false},
                                                           "notes": {"admin": "x"}}});
        let before = app.clone();
        merge_patch(&mut app, &json!({"settings": {"app": {"url": "https://b"}, "notes": null}}));
        assert_eq!(
            app,
            json!({"label": "Wiki", "settings": {"app": {"url": "https://b", "requestIntegration": false}}})
        );
        let changed = changes(&before, &app);
        assert_eq!(changed["settings.app.url"], json!({"from": "https://a", "to": "https://b"}));
        assert_eq!(changed["settings.notes"], json!({"from": {"admin": "x"}, "to": null}));
        assert_eq!(changed.len(), 2);
    }

    #[test]
    fn secrets_are_hidden() {
        let app = json!({"credentials": {"oauthClient": {"client_id": "0oa1", "client_secret": "s3cr3t"}}});
        let shown = hide_secrets(app.clone());
        assert_eq!(shown["credentials"]["oauthClient"]["client_secret"], "[hidden]");
        assert_eq!(shown["credentials"]["oauthClient"]["client_id"], "0oa1");
        let mut after = app.clone();
        merge_patch(&mut after, &json!({"credentials": {"oauthClient": {"client_secret": "other"}}}));
        let changed = changes(&app, &after);
        assert!(!Value::Object(changed).to_string().contains("s3cr3t"));
    }
}
