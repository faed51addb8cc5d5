//! Updates Okta implements as a full replace (PUT): read the current object, merge the caller's change into
//! it (so a partial change never wipes settings), and show what changed.

use serde_json::{Map, Value, json};

use crate::redact::is_secret_key;

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

/// The leaves that differ between `before` and `after`, as dotted paths with `{from, to}` (secrets redacted).
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
            let show = |v: &Value| if secret && !v.is_null() { json!(crate::redact::REDACTED) } else { v.clone() };
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
    fn changed_secrets_are_not_shown() {
        let app = json!({"credentials": {"oauthClient": {"client_id": "0oa1", "client_secret": "s3cr3t"}}});
        let mut after = app.clone();
        merge_patch(&mut after, &json!({"credentials": {"oauthClient": {"client_secret": "other"}}}));
        let changed = changes(&app, &after);
        assert!(!Value::Object(changed).to_string().contains("s3cr3t"));
    }
}
