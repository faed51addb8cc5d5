//! Secrets out of previews and audit rows: passwords, answers, passcodes, tokens, keys.

use serde_json::Value;

const REDACTED: &str = "[redacted]";

/// Is this object key one whose value is a secret?
fn is_secret_key(key: &str) -> bool {
    let key = key.to_ascii_lowercase().replace(['_', '-'], "");
    ["password", "secret", "token", "passcode", "answer", "privatekey", "assertion"].iter().any(|s| key.contains(s))
}

/// A copy of `value` with every secret replaced by `[redacted]`.
pub fn redact(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| {
                    let v = if is_secret_key(&k) && !v.is_null() { Value::String(REDACTED.into()) } else { redact(v) };
                    (k, v)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(redact).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secrets_are_replaced_everywhere() {
        let v = json!({"user": "a", "password": "p4ss", "credentials": {"password": {"value": "x"}},
                       "list": [{"pass_code": "123456"}, {"answer": "blue"}], "confirmation_token": "t",
                       "profile": {"login": "a@b.c"}, "client_secret": null});
        let r = redact(v);
        let text = r.to_string();
        for secret in ["p4ss", "\"x\"", "123456", "blue", "\"t\""] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        assert_eq!(r["profile"]["login"], "a@b.c");
        assert_eq!(r["client_secret"], Value::Null);
    }
}
