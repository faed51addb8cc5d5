//! Secrets out of everything the model or the audit log sees: every tool result (`ToolOutput::to_text`, so
//! `detail` and `fields` output too), previews, dry runs and audit rows.
//!
//! Two nets, both always on:
//! - **by name**: the value of a key whose name says secret (`password`, `client_secret`, `sharedSecret`,
//!   `secretKey`, `apiKey`, `privateKey`, `recoveryToken`, `activationToken`, `tempPassword`, `passCode`,
//!   `answer`, ...; see [`is_secret_key`]), the private members of a JWK, a hook's `authScheme.value` and
//!   its `headers[].value`, and the same names as `fields` columns (`credentials.oauthClient.client_secret`).
//!   Booleans and nulls stay (`revealPassword: true` says nothing); an object under a secret name keeps its
//!   settings but loses its `value`, `hash` and `salt` (a password policy's `password` object stays readable,
//!   a user's `credentials.password.value` does not).
//! - **by shape**, in any string under any name, and inside free text: PEM private keys, JWTs (bearer tokens,
//!   ID tokens, client assertions), `SSWS`/`Bearer`/`DPoP`/`Basic` credentials, Okta API tokens (42
//!   characters starting `00`; ids are 20), and the token of activation and password-reset links
//!   (`…/welcome/[redacted]`: the link still says where it goes).
//!
//! Not redacted: ids, `kid`s, public JWK members (`n`, `e`, `x`, `y`), certificates, `token_endpoint_auth_method`,
//! `passwordChanged` and other names that merely mention a secret.

use std::sync::LazyLock;

use memchr::memmem;
use serde_json::{Map, Value};

/// What a secret is replaced by.
pub const REDACTED: &str = "[redacted]";

/// The private members of a JWK (RFC 7518): secret when the object is a key (`kty` present).
const JWK_PRIVATE: &[&str] = &["d", "p", "q", "dp", "dq", "qi", "k", "oth"];

/// Name endings that mark a secret (compared lower-case, without `_` and `-`).
const SECRET_ENDINGS: &[&str] = &[
    "password",   // password, tempPassword, adminPassword, newPassword, oldPassword
    "secret",     // client_secret, sharedSecret, device_secret, vaulted_secret, secret
    "token",      // recoveryToken, activationToken, sessionToken, access_token, providerAuthToken, apiToken
    "privatekey", // privateKey, private_key
    "secretkey",  // secretKey (Duo, CAPTCHA)
    "apikey",     // apiKey (Persona IDV)
    "signingkey", // tokenSigningKey (APNs)
    "aeskey",
    "passcode",  // passCode, nextPassCode, pass_code
    "assertion", // client_assertion, assertion
];

/// Whole names that mark a secret.
const SECRET_NAMES: &[&str] = &[
    "answer",             // security question answer
    "otp",                // one-time code
    "otpcode",            // telephony hook messageProfile.otpCode
    "salt",               // password hash salt
    "serviceaccountjson", // FCM service account (holds a private key)
    "activationurl",      // hands over the account
    "resetpasswordurl",   // hands over the account
];

/// Keys inside an object held under a secret name that carry the secret itself.
const SECRET_MEMBERS: &[&str] = &["value", "hash", "salt", "secret"];

/// What a key's name says about its value. Computed once per key (once per column of a table), without
/// allocating: every rendered result goes through here, a 200-row page has thousands of keys and cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyKind {
    /// A secret (see [`is_secret_key`]).
    Secret,
    /// A hook's `authScheme`.
    AuthScheme,
    /// A hook's `headers`.
    Headers,
    /// Nothing: the value is redacted by shape only.
    Plain,
}

/// Normalized names longer than this are compared by their ending only (every whole name is shorter).
const NAME_TAIL: usize = 32;

/// `f` of the key's name normalized: its last dotted segment (a `fields` column is a dotted path: its last
/// segment names the value), lower-case, without `_` and `-`; `whole` is false when only the name's last
/// [`NAME_TAIL`] bytes are given.
fn with_normalized<T>(key: &str, f: impl FnOnce(&[u8], bool) -> T) -> T {
    let last = key.rsplit('.').next().unwrap_or(key);
    let mut buf = [0u8; NAME_TAIL];
    let mut start = NAME_TAIL;
    let mut whole = true;
    for b in last.bytes().rev().filter(|b| !matches!(b, b'_' | b'-')) {
        if start == 0 {
            whole = false;
            break;
        }
        start -= 1;
        buf[start] = b.to_ascii_lowercase();
    }
    f(&buf[start..], whole)
}

/// Is this object key one whose value is a secret? (`client_secret`, `password`, `confirmation_token`,
/// `passCode`, `answer`, `private_key`, `client_assertion`, `secretKey`, `apiKey`; not
/// `token_endpoint_auth_method`, `passwordChanged`, `passCodeLength` or `samlAssertionLifetimeSeconds`.)
pub fn is_secret_key(key: &str) -> bool {
    with_normalized(key, |name, whole| {
        SECRET_ENDINGS.iter().any(|s| name.ends_with(s.as_bytes()))
            || (whole && SECRET_NAMES.iter().any(|s| name == s.as_bytes()))
    })
}

fn key_kind(key: &str) -> KeyKind {
    if is_secret_key(key) {
        return KeyKind::Secret;
    }
    // A hook's `authScheme` (`{type, key, value}`: `value` is the header value the hook receives), and its
    // `headers` (`[{key, value}]`, or a name → value map): every value.
    with_normalized(key, |name, whole| match name {
        b"authscheme" if whole => KeyKind::AuthScheme,
        b"headers" if whole => KeyKind::Headers,
        _ => KeyKind::Plain,
    })
}

/// Redact the value of a key of this kind, in place.
fn redact_entry(kind: KeyKind, value: &mut Value) {
    match kind {
        KeyKind::Secret => secret(value),
        KeyKind::AuthScheme => container(value),
        KeyKind::Headers => match value {
            Value::Array(items) => items.iter_mut().for_each(container),
            Value::Object(map) => map.values_mut().for_each(secret),
            other => secret(other),
        },
        KeyKind::Plain => redact_in_place(value),
    }
}

/// A value held under a secret name.
fn secret(value: &mut Value) {
    match value {
        Value::Null | Value::Bool(_) => {}
        Value::Object(_) => container(value),
        Value::Array(items) => items.iter_mut().for_each(secret),
        Value::String(_) | Value::Number(_) => *value = Value::String(REDACTED.into()),
    }
}

/// An object that holds a secret (`password: {value}`, `authScheme: {type, key, value}`, a header): its
/// `value`, `hash` and `salt` go, its settings stay.
fn container(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                if SECRET_MEMBERS.contains(&k.as_str()) {
                    secret(v);
                } else {
                    redact_entry(key_kind(k), v);
                }
            }
            redact_object(map);
        }
        other => secret(other),
    }
}

/// An object whose entries were already redacted by name: JWK private members, and `columns`/`rows` tables
/// (a secret column's cells).
fn redact_object(map: &mut Map<String, Value>) {
    if map.contains_key("kty") {
        for member in JWK_PRIVATE {
            if let Some(v) = map.get_mut(*member).filter(|v| !v.is_null()) {
                *v = Value::String(REDACTED.into());
            }
        }
    }
    let columns: Option<Vec<KeyKind>> = map
        .get("columns")
        .and_then(Value::as_array)
        .map(|c| c.iter().map(|c| key_kind(c.as_str().unwrap_or_default())).collect());
    if let (Some(columns), Some(Value::Array(rows))) = (columns, map.get_mut("rows")) {
        for row in rows.iter_mut() {
            if let Value::Array(cells) = row {
                for (cell, kind) in cells.iter_mut().zip(&columns) {
                    redact_entry(*kind, cell);
                }
            }
        }
    }
}

/// A copy of `value` with every secret replaced by `[redacted]`, by name and by shape.
pub fn redact(mut value: Value) -> Value {
    redact_in_place(&mut value);
    value
}

/// [`redact`] in place.
pub fn redact_in_place(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                redact_entry(key_kind(k), v);
            }
            redact_object(map);
        }
        Value::Array(items) => items.iter_mut().for_each(redact_in_place),
        Value::String(s) => {
            if let Some(redacted) = redacted_text(s) {
                *s = redacted;
            }
        }
        _ => {}
    }
}

/// Free text with every secret-shaped part replaced by `[redacted]` (PEM private keys, JWTs, authorization
/// header credentials, Okta API tokens, the token of activation and reset links).
pub fn redact_text(text: &str) -> String {
    redacted_text(text).unwrap_or_else(|| text.to_owned())
}

/// [`redact_text`], `None` when the text has nothing to redact.
fn redacted_text(text: &str) -> Option<String> {
    // Most strings of an Okta object (ids, names, dates, statuses) are shorter than any shape looked for.
    if text.len() < MIN_SHAPE {
        return None;
    }
    let mut ranges = Vec::new();
    pem_private_keys(text, &mut ranges);
    // A credential follows its scheme after whitespace; an API token is 42 characters; a JWT starts `eyJ`.
    if text.len() >= API_TOKEN_LEN || text.bytes().any(|b| b.is_ascii_whitespace()) || find(&JWT_START, text).is_some()
    {
        words(text, &mut ranges);
    }
    link_tokens(text, &mut ranges);
    if ranges.is_empty() {
        return None;
    }
    ranges.sort_unstable();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (start, end) in ranges {
        if end <= at {
            continue;
        }
        let start = start.max(at);
        out.push_str(&text[at..start]);
        out.push_str(REDACTED);
        at = end;
    }
    out.push_str(&text[at..]);
    Some(out)
}

/// Where `needle` first occurs in `haystack`, with a searcher built once: `str::find` sets up a new one on
/// every call, which cost more than the search itself on the short strings of an Okta object.
fn find(finder: &LazyLock<memmem::Finder<'static>>, haystack: &str) -> Option<usize> {
    finder.find(haystack.as_bytes())
}

static PEM_BEGIN: LazyLock<memmem::Finder<'static>> = LazyLock::new(|| memmem::Finder::new("-----BEGIN "));
static JWT_START: LazyLock<memmem::Finder<'static>> = LazyLock::new(|| memmem::Finder::new("eyJ"));

/// `-----BEGIN … PRIVATE KEY-----` to its `-----END … PRIVATE KEY-----` (or the end of the text).
fn pem_private_keys(text: &str, ranges: &mut Vec<(usize, usize)>) {
    let mut from = 0;
    while let Some(found) = find(&PEM_BEGIN, &text[from..]) {
        let start = from + found;
        let header_end = text[start + 11..].find("-----").map(|i| start + 11 + i + 5);
        let Some(header_end) = header_end else { break };
        if !text[start..header_end].contains("PRIVATE KEY") {
            from = header_end;
            continue;
        }
        let end = text[header_end..]
            .find("-----END ")
            .and_then(|i| {
                let end_start = header_end + i + 9;
                text[end_start..].find("-----").map(|j| end_start + j + 5)
            })
            .unwrap_or(text.len());
        ranges.push((start, end));
        from = end;
    }
}

fn is_b64url(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'-' || c == b'_'
}

fn is_word(c: u8) -> bool {
    is_b64url(c) || matches!(c, b'.' | b'+' | b'/' | b'=' | b'~')
}

/// A credential after an authorization scheme: long, and not an English word.
fn looks_random(word: &str) -> bool {
    let upper = word.bytes().filter(u8::is_ascii_uppercase).count();
    let lower = word.bytes().filter(u8::is_ascii_lowercase).count();
    word.len() >= 12 && (word.bytes().any(|c| c.is_ascii_digit()) || word.contains('=') || (upper >= 2 && lower >= 2))
}

/// The length of an Okta API token.
const API_TOKEN_LEN: usize = 42;

/// The shortest text holding a shape looked for: a scheme and a credential (`SSWS ` and 12 characters), a link
/// marker and its token (`/welcome/` and 8 characters), a PEM header; a JWT is 20 characters, an API token 42.
const MIN_SHAPE: usize = 16;

/// An Okta API token: `00` and 40 more URL-safe characters (ids are 20 characters).
fn is_api_token(word: &str) -> bool {
    word.len() == API_TOKEN_LEN && word.starts_with("00") && word.bytes().all(is_b64url)
}

/// JWTs, API tokens and `SSWS`/`Bearer`/`DPoP`/`Basic` credentials among the text's words.
fn words(text: &str, ranges: &mut Vec<(usize, usize)>) {
    let bytes = text.as_bytes();
    let mut previous: Option<&str> = None;
    let mut i = 0;
    while i < bytes.len() {
        if !is_word(bytes[i]) {
            if !bytes[i].is_ascii_whitespace() {
                previous = None;
            }
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && is_word(bytes[i]) {
            i += 1;
        }
        let word = &text[start..i];
        let trimmed = word.trim_end_matches(['.', '/']);
        let scheme =
            previous.is_some_and(|p| ["ssws", "bearer", "dpop", "basic"].iter().any(|s| p.eq_ignore_ascii_case(s)));
        if (scheme && looks_random(trimmed)) || is_api_token(trimmed) {
            ranges.push((start, start + trimmed.len()));
        } else if i - start >= JWT_MIN {
            jwts(text, start, i, ranges);
        }
        previous = Some(word);
    }
}

/// The shortest text taken for a JWT.
const JWT_MIN: usize = 20;

/// `eyJ…` header, payload and signature (or the five parts of a JWE) inside a word.
fn jwts(text: &str, start: usize, end: usize, ranges: &mut Vec<(usize, usize)>) {
    let bytes = text.as_bytes();
    let mut from = start;
    while let Some(found) = find(&JWT_START, &text[from..end]) {
        let at = from + found;
        if at > start && is_b64url(bytes[at - 1]) {
            from = at + 3;
            continue;
        }
        let mut j = at;
        let mut dots = 0;
        while j < end && (is_b64url(bytes[j]) || bytes[j] == b'.') {
            dots += usize::from(bytes[j] == b'.');
            j += 1;
        }
        if dots >= 2 && j - at >= JWT_MIN {
            ranges.push((at, j));
        }
        from = j.max(at + 3);
    }
}

/// The token in activation and password-reset links (`https://org/welcome/XE6w…`).
const LINK_MARKERS: &[&str] = &["/welcome/", "/reset_password/", "/signin/reset-password/", "/user/activate/"];

static LINK_FINDERS: LazyLock<Vec<(usize, memmem::Finder<'static>)>> =
    LazyLock::new(|| LINK_MARKERS.iter().map(|m| (m.len(), memmem::Finder::new(m))).collect());

fn link_tokens(text: &str, ranges: &mut Vec<(usize, usize)>) {
    let bytes = text.as_bytes();
    // Every marker starts with a `/`.
    if memchr::memchr(b'/', bytes).is_none() {
        return;
    }
    for (len, marker) in LINK_FINDERS.iter() {
        let mut from = 0;
        while let Some(found) = marker.find(&bytes[from..]) {
            let start = from + found + len;
            let mut end = start;
            while end < bytes.len() && is_b64url(bytes[end]) {
                end += 1;
            }
            if end - start >= 8 {
                ranges.push((start, end));
            }
            from = end.max(start);
        }
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

    #[test]
    fn spec_secret_names_are_redacted() {
        let v = json!({
            "provider": {"configuration": {"host": "api-1.duosecurity.com", "integrationKey": "DIX", "secretKey": "duo-s3cret"}},
            "captcha": {"siteKey": "public-site", "secretKey": "captcha-s3cret"},
            "bearer": {"apiKey": "persona-s3cret"},
            "apns": {"keyId": "K1", "tokenSigningKey": "apns-s3cret"},
            "fcm": {"serviceAccountJson": {"type": "service_account", "private_key": "fcm-s3cret"}},
            "activation": {"sharedSecret": "totp-s3cret", "timeStep": 30},
            "user": {"activationToken": "XE6wE17zmphl3KqAPFxO", "recoveryToken": "VBQ0gwBp5LyJJFdbmWCM",
                     "tempPassword": "tmp-s3cret", "activationUrl": "https://o.example/welcome/XE6wE17zmphl3KqAPFxO"},
            "office365": {"adminPassword": "o365-s3cret"},
            "messageProfile": {"otpCode": "654321", "phoneNumber": "+15555550100"},
            "hash": {"algorithm": "BCRYPT", "password": {"hash": {"value": "h4sh", "salt": "s4lt", "algorithm": "SHA-256"}}},
            "signing": {"privateKey": "apple-s3cret", "kid": "kid-1"},
        });
        let r = redact(v);
        let text = r.to_string();
        for secret in [
            "duo-s3cret",
            "captcha-s3cret",
            "persona-s3cret",
            "apns-s3cret",
            "fcm-s3cret",
            "totp-s3cret",
            "XE6wE17zmphl3KqAPFxO",
            "VBQ0gwBp5LyJJFdbmWCM",
            "tmp-s3cret",
            "o365-s3cret",
            "654321",
            "h4sh",
            "s4lt",
            "apple-s3cret",
        ] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        for kept in [
            "api-1.duosecurity.com",
            "DIX",
            "public-site",
            "K1",
            "service_account",
            "\"timeStep\":30",
            "+15555550100",
            "BCRYPT",
            "SHA-256",
            "kid-1",
        ] {
            assert!(text.contains(kept), "{kept} lost from {text}");
        }
    }

    #[test]
    fn settings_named_like_secrets_stay_readable() {
        let policy = json!({"settings": {"password": {"complexity": {"minLength": 12}, "age": {"historyCount": 4}},
                                         "recovery": {"factors": {"recovery_question": {"status": "ACTIVE"},
                                                      "okta_email": {"properties": {"recoveryToken": {"tokenLifetimeMinutes": 60}}}}}},
                            "actions": {"token": {"accessTokenLifetimeMinutes": 60}},
                            "revealPassword": true, "passCodeLength": 6, "samlAssertionLifetimeSeconds": 3600,
                            "alwaysIncludeInToken": true, "client_secret_expires_at": 0, "secret_hash": "abc"});
        assert_eq!(redact(policy.clone()), policy);
    }

    #[test]
    fn hook_headers_are_redacted() {
        let hook = json!({"channel": {"config": {"uri": "https://h.example", "headers": [
            {"key": "X-Api-Key", "value": "header-s3cret"}, {"key": "X-Other", "value": "other-s3cret"}],
            "authScheme": {"type": "HEADER", "key": "Authorization", "value": "auth-s3cret"}}}});
        let r = redact(hook);
        let text = r.to_string();
        for secret in ["header-s3cret", "other-s3cret", "auth-s3cret"] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        assert_eq!(r["channel"]["config"]["headers"][0]["key"], "X-Api-Key");
        assert_eq!(r["channel"]["config"]["uri"], "https://h.example");
    }

    #[test]
    fn secret_columns_of_tables_are_redacted() {
        let table = json!({"columns": ["id", "credentials.oauthClient.client_secret", "channel.config.headers"],
                           "rows": [["0oa1", "client-s3cret", [{"key": "K", "value": "header-s3cret"}]]], "count": 1});
        let r = redact(table);
        assert_eq!(r["rows"][0][0], "0oa1");
        assert_eq!(r["rows"][0][1], REDACTED);
        assert_eq!(r["rows"][0][2][0]["value"], REDACTED);
        assert_eq!(r["rows"][0][2][0]["key"], "K");
    }

    const JWT: &str = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiIwMHUxIiwiaXNzIjoiaHR0cHMifQ.c2lnbmF0dXJl";
    const API_TOKEN: &str = "00QCjAl4MlV-WPXM5ahXUPM1ABn0Dl-fE9B9Az_ZzT";

    #[test]
    fn secrets_are_found_by_shape() {
        let pem = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----";
        let rsa = "x -----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY----- y";
        assert_eq!(redact_text(pem), REDACTED);
        assert_eq!(redact_text(rsa), format!("x {REDACTED} y"));
        assert_eq!(redact_text(JWT), REDACTED);
        assert_eq!(redact_text(&format!("Authorization: Bearer {JWT}")), format!("Authorization: Bearer {REDACTED}"));
        assert_eq!(redact_text(&format!("SSWS {API_TOKEN}")), format!("SSWS {REDACTED}"));
        assert_eq!(redact_text(&format!("token {API_TOKEN}.")), format!("token {REDACTED}."));
        assert_eq!(redact_text("DPoP Zm9vYmFyYmF6cXV4MTIz"), format!("DPoP {REDACTED}"));
        assert_eq!(redact_text("Basic dXNlcjpwYXNzd29yZA=="), format!("Basic {REDACTED}"));
        assert_eq!(
            redact_text("go to https://o.example/welcome/XE6wE17zmphl3KqAPFxO now"),
            format!("go to https://o.example/welcome/{REDACTED} now")
        );
        assert_eq!(
            redact_text("https://o.example/reset_password/XE6wE17zmphl3KqAPFxO"),
            format!("https://o.example/reset_password/{REDACTED}")
        );
        // Under a name that says nothing, the shape still gives it away.
        let r =
            redact(json!({"note": format!("key: {JWT}"), "link": "https://o.example/welcome/XE6wE17zmphl3KqAPFxO"}));
        assert!(!r.to_string().contains("XE6wE17zmphl3KqAPFxO") && !r.to_string().contains("eyJhbGci"), "{r}");
    }

    #[test]
    fn ids_keys_and_prose_are_not_secrets() {
        for text in [
            "00u1abcdEFGHijkl0h7x", // a user id (20 characters)
            "0oa1abcdEFGHijkl0h7x", // an app id
            "cal1abcdEFGHijkl0h7x", // an inline hook id
            "GET /api/v1/users/00u1abcdEFGHijkl0h7x/lifecycle/activate",
            "Basic authentication and Bearer tokens",
            "https://o.example/welcome",
            "-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----",
            "eyJ is how a JWT starts",
            "a.b.c",
        ] {
            assert_eq!(redact_text(text), text);
        }
        let jwk = json!({"kty": "RSA", "kid": "SIlJ8wV4aoVr4mPzs5XE0rlO0nD3yFmsnYG96fW-Q0M", "n": "0vx7agoebGcQSuuPiLJXZpt",
                         "e": "AQAB", "alg": "RS256", "use": "sig", "status": "ACTIVE"});
        assert_eq!(redact(jwk.clone()), jwk);
    }

    /// A property of an Okta schema as the spec declares it.
    #[derive(Debug, Default)]
    struct Property {
        /// The keys above it (`components/schemas/Foo/properties/bar`).
        path: String,
        name: String,
        write_only: bool,
        password: bool,
        description: String,
    }

    /// Every `properties:` entry of a YAML spec, read by indentation (the specs are plain block YAML).
    fn spec_properties(text: &str) -> Vec<Property> {
        let mut out: Vec<Property> = Vec::new();
        // (indent, key, index in `out` when the key is a property)
        let mut stack: Vec<(usize, String, Option<usize>)> = Vec::new();
        let mut scalar: Option<(usize, Option<usize>)> = None; // block scalar: its key's indent, description of
        for line in text.lines() {
            let content = line.trim_start();
            let mut indent = line.len() - content.len();
            if content.is_empty() || content.starts_with('#') {
                continue;
            }
            if let Some((key_indent, description)) = scalar {
                if indent > key_indent {
                    if let Some(i) = description {
                        out[i].description.push(' ');
                        out[i].description.push_str(content);
                    }
                    continue;
                }
                scalar = None;
            }
            let mut content = content;
            while let Some(rest) = content.strip_prefix("- ") {
                indent += 2;
                content = rest.trim_start();
            }
            let Some((key, value)) = content.split_once(':') else { continue };
            if key.contains(' ') && !key.starts_with(['\'', '"']) {
                continue;
            }
            let key = key.trim_matches(['\'', '"']).to_owned();
            let value = value.trim();
            while stack.last().is_some_and(|(i, _, _)| *i >= indent) {
                stack.pop();
            }
            let owner = stack.last().and_then(|(_, _, p)| *p);
            if let Some(i) = owner {
                match key.as_str() {
                    "writeOnly" => out[i].write_only |= value == "true",
                    "format" => out[i].password |= value == "password",
                    "description" => out[i].description.push_str(value),
                    _ => {}
                }
            }
            if matches!(value, ">" | ">-" | "|" | "|-" | ">+" | "|+") {
                scalar = Some((indent, owner.filter(|_| key == "description")));
            }
            let property = stack.last().is_some_and(|(_, k, _)| k == "properties").then(|| {
                let path = stack.iter().map(|(_, k, _)| k.as_str()).collect::<Vec<_>>().join("/");
                out.push(Property { path, name: key.clone(), ..Default::default() });
                out.len() - 1
            });
            stack.push((indent, key, property));
        }
        out
    }

    /// Properties the spec's words make sound secret that are not: they describe a secret (its id, status,
    /// dates, hash, version) or are public.
    const NOT_SECRET: &[&str] = &[
        "id",
        "created",
        "lastUpdated",
        "status",
        "secret_hash",
        "secretVersionId", // about a client secret
        "format",          // subject.format (writeOnly: sent, not secret)
        "multiUse",
        "ttl", // temporary access code settings (writeOnly)
        "kid",
        "keyId",
        "n", // public key members and ids
        "hardwareProtected",
        "hardwareProtection", // whether a key is hardware-protected
        "profile",
        "type",
        "name",
        "orn", // mention secrets in passing (a vaulted secret's name and ORN)
        "iss",
        "sub",     // an IdP's issuer and subject (writeOnly: sent, not secret)
        "request", // a signed request object: a JWT, which is redacted by shape anyway
    ];

    /// The smallest object that puts `property` where the spec has it (a `value` means the member of what
    /// holds it).
    fn placed(property: &Property, secret: &str) -> Value {
        if property.name == "value" {
            let path = property.path.to_ascii_lowercase();
            if path.contains("authscheme") {
                return json!({"authScheme": {"type": "HEADER", "key": "Authorization", "value": secret}});
            }
            if path.contains("header") {
                return json!({"headers": [{"key": "X", "value": secret}]});
            }
            return json!({"credentials": {"password": {"value": secret}}});
        }
        json!({ property.name.clone(): secret })
    }

    #[test]
    fn every_field_the_spec_marks_secret_is_redacted() {
        let mut checked = 0;
        let mut missed = Vec::new();
        for file in [
            "management-minimal.yaml",
            "oauth-oneOfInheritance.yaml",
            "governance-combined-production-reference-minimal.yaml",
        ] {
            let Some(path) = crate::effects::spec_file(file) else { return };
            let text = std::fs::read_to_string(path).unwrap_or_default();
            let properties = spec_properties(&text);
            assert!(properties.len() > 100, "{file}: the spec's properties were read");
            for p in properties {
                let described = {
                    // Words outside `code`: `client_secret_basic` names a field, it is not one.
                    let d: String =
                        p.description.to_ascii_lowercase().split('`').step_by(2).collect::<Vec<_>>().join(" ");
                    let words: Vec<&str> = d.split(|c: char| !c.is_ascii_alphanumeric()).collect();
                    words.iter().any(|w| ["secret", "sensitive"].contains(w))
                        || words.windows(2).any(|w| w == ["private", "key"])
                };
                if !(p.write_only || p.password || described) || NOT_SECRET.contains(&p.name.as_str()) {
                    continue;
                }
                let shown = redact(placed(&p, "sp3c-s3cret-value")).to_string();
                if shown.contains("sp3c-s3cret-value") {
                    missed.push(format!(
                        "{file}: {}/{} (writeOnly {}, password {}, {:?})",
                        p.path, p.name, p.write_only, p.password, p.description
                    ));
                }
                checked += 1;
            }
        }
        assert!(missed.is_empty(), "marked secret by the spec but not redacted:\n{}", missed.join("\n"));
        assert!(checked >= 20, "only {checked} secret fields found in the spec");
    }
}
