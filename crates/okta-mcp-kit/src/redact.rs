//! Secrets out of previews and audit rows: passwords, answers, passcodes, tokens, keys.

use serde_json::Value;

/// What a secret is replaced by.
pub const REDACTED: &str = "[redacted]";

/// The private members of a JWK (RFC 7518): secret when the object is a key (`kty` present).
const JWK_PRIVATE: &[&str] = &["d", "p", "q", "dp", "dq", "qi", "k"];

/// Is this object key one whose value is a secret? (`client_secret`, `password`, `confirmation_token`,
/// `passCode`, `answer`, `private_key`, `client_assertion`; not `token_endpoint_auth_method` or
/// `passwordChanged`.)
pub fn is_secret_key(key: &str) -> bool {
    let key = key.to_ascii_lowercase().replace(['_', '-'], "");
    ["password", "secret", "token", "privatekey"].iter().any(|s| key.ends_with(s))
        || key.contains("passcode")
        || key.contains("assertion")
        || key == "answer"
}

/// A hook's `authScheme` (`{type, key, value}`): `value` is the secret header value the hook receives.
fn redact_auth_scheme(scheme: Value) -> Value {
    match redact(scheme) {
        Value::Object(mut map) => {
            if map.get("value").is_some_and(|v| !v.is_null()) {
                map.insert("value".into(), Value::String(REDACTED.into()));
            }
            Value::Object(map)
        }
        other => other,
    }
}

/// A copy of `value` with every secret replaced by `[redacted]`.
pub fn redact(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let jwk = map.contains_key("kty");
            Value::Object(
                map.into_iter()
                    .map(|(k, v)| {
                        let secret = is_secret_key(&k) || (jwk && JWK_PRIVATE.contains(&k.as_str()));
                        let v = if secret && !v.is_null() {
                            Value::String(REDACTED.into())
                        } else if k == "authScheme" {
                            redact_auth_scheme(v)
                        } else {
                            redact(v)
                        };
                        (k, v)
                    })
                    .collect(),
            )
        }
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
        let app = redact(json!({"token_endpoint_auth_method": "client_secret_basic", "passwordChanged": "2026-01-01"}));
        assert_eq!(app["token_endpoint_auth_method"], "client_secret_basic");
        assert_eq!(app["passwordChanged"], "2026-01-01");
        let hook = redact(json!({"channel": {"config": {"authScheme": {"type": "HEADER", "key": "Authorization",
                                                                         "value": "hook-secret"}}}}));
        assert_eq!(hook["channel"]["config"]["authScheme"]["value"], REDACTED);
        assert_eq!(hook["channel"]["config"]["authScheme"]["key"], "Authorization");
        let key = redact(json!({"kty": "RSA", "kid": "k1", "n": "abc", "e": "AQAB", "d": "private"}));
        assert_eq!(key["d"], REDACTED);
        assert_eq!(key["n"], "abc");
    }
}
