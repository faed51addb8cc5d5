//! Output conventions shared by every tool: compact JSON text, list items projected to the fields people use
//! (as columns and rows, which keeps a 200-item page small), `next_cursor` whenever Okta has more, and the full
//! Okta object (minus hypermedia links) only on request.
//!
//! Every result is redacted when it is rendered ([`ToolOutput::into_text`], see `redact`): whatever a tool puts in
//! it (a `detail` object, a `fields` column, an Okta answer passed on), no secret reaches the model. The only
//! way through is [`ToolOutput::reveal`], for a secret the person explicitly asked for (an activation link with
//! `return_link: true`, a call the effects rules make destructive, so a person confirms it first).

use serde_json::{Map, Value, json};

use crate::redact::redact_in_place;

/// The kit's own confirmation token (issued by `confirm`, meant for the client): not an Okta secret.
const CONFIRMATION_TOKEN: &str = "confirmation_token";

/// A successful tool result.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolOutput {
    pub value: Value,
    /// JSON pointers into `value` shown unredacted (asked for explicitly).
    revealed: Vec<String>,
}

impl ToolOutput {
    /// The same JSON object answer with `extra`'s members added (they win over members of the same name).
    pub fn with(mut self, extra: Value) -> Self {
        if let (Value::Object(map), Value::Object(more)) = (&mut self.value, extra) {
            map.extend(more);
        }
        self
    }

    pub fn json(value: Value) -> Self {
        ToolOutput { value, revealed: Vec::new() }
    }

    /// A short confirmation of a change that returns no body.
    pub fn done(message: impl Into<String>) -> Self {
        ToolOutput::json(json!({ "result": message.into() }))
    }

    /// Show the value at this JSON pointer as it is, secret or not. Only for a secret the caller asked for in
    /// so many words, on a call that a person confirmed (see `effects`).
    pub fn reveal(mut self, pointer: &str) -> Self {
        self.revealed.push(pointer.to_owned());
        self
    }

    /// The value as the client sees it: secrets redacted (by name and by shape), except what was revealed.
    /// Redacted in place: what stays as it is (the kit's token, what was revealed) is copied aside first.
    pub fn into_shown(self) -> Value {
        let ToolOutput { mut value, revealed } = self;
        let kit_token = value.get(CONFIRMATION_TOKEN).filter(|t| t.is_string()).cloned();
        let originals: Vec<(String, Value)> =
            revealed.into_iter().filter_map(|p| value.pointer(&p).cloned().map(|v| (p, v))).collect();
        redact_in_place(&mut value);
        if let (Some(token), Some(slot)) = (kit_token, value.get_mut(CONFIRMATION_TOKEN)) {
            *slot = token;
        }
        for (pointer, original) in originals {
            if let Some(slot) = value.pointer_mut(&pointer) {
                *slot = original;
            }
        }
        value
    }

    /// The text sent to the client: compact JSON (strings as is), redacted.
    pub fn into_text(self) -> String {
        match self.into_shown() {
            Value::String(s) => s,
            // Straight into one buffer (`Display` goes through the formatter, write by write); a `Value` always
            // serializes.
            other => serde_json::to_string(&other).unwrap_or_default(),
        }
    }
}

/// A projected field: the output name and the dotted path into Okta's object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    pub name: &'static str,
    pub path: &'static str,
}

pub const fn field(name: &'static str, path: &'static str) -> Field {
    Field { name, path }
}

/// Read a dotted path (`profile.login`) from a JSON object.
pub fn get_path<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(value, |v, key| v.get(key))
}

/// Remove Okta's hypermedia (`_links`) from an object and its `_embedded` children: it is long and useless to
/// an assistant.
pub fn strip_links(mut value: Value) -> Value {
    if let Value::Object(map) = &mut value {
        map.remove("_links");
        if let Some(Value::Object(embedded)) = map.get_mut("_embedded") {
            for child in embedded.values_mut() {
                let taken = std::mem::take(child);
                *child = strip_links(taken);
            }
        }
    } else if let Value::Array(items) = &mut value {
        for item in items.iter_mut() {
            let taken = std::mem::take(item);
            *item = strip_links(taken);
        }
    }
    value
}

/// Project one object to the given fields plus extra dotted paths (missing fields are omitted).
pub fn project(item: &Value, fields: &[Field], extra: &[String]) -> Value {
    let mut out = Map::new();
    for f in fields {
        if let Some(v) = get_path(item, f.path).filter(|v| !v.is_null()) {
            out.insert(f.name.to_owned(), v.clone());
        }
    }
    for path in extra {
        if let Some(v) = get_path(item, path).filter(|v| !v.is_null()) {
            out.insert(path.clone(), v.clone());
        }
    }
    Value::Object(out)
}

/// Take the value at a dotted path out of a JSON object (leaving `null`).
fn take_path(value: &mut Value, path: &str) -> Option<Value> {
    path.split('.').try_fold(value, |v, key| v.get_mut(key)).map(std::mem::take)
}

/// Two dotted paths read the same member, or one reads inside the other.
fn overlap(a: &str, b: &str) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    long.strip_prefix(short).is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
}

/// How a list is shown.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListView {
    /// Extra dotted paths to include as columns (e.g. `profile.department`).
    pub fields: Vec<String>,
    /// Full Okta objects (without `_links`) instead of columns.
    pub detail: bool,
}

/// Shape a list page: `{"columns": [...], "rows": [[...]], "count": n, "next_cursor": "..."}`, or with `detail`
/// `{"items": [...], "count": n, "next_cursor": "..."}`.
pub fn list_output(items: Vec<Value>, fields: &[Field], view: &ListView, next: Option<String>) -> ToolOutput {
    if view.detail {
        let count = items.len();
        let mut out = Map::new();
        out.insert("items".into(), Value::Array(items.into_iter().map(strip_links).collect()));
        out.insert("count".into(), json!(count));
        if let Some(next) = next {
            out.insert("next_cursor".into(), Value::String(next));
        }
        return ToolOutput::json(Value::Object(out));
    }
    let paths = columns(fields, view);
    // A cell is moved out of its item unless another column reads the same member or one inside or around it.
    let shared: Vec<bool> =
        paths.iter().enumerate().map(|(i, p)| paths.iter().enumerate().any(|(j, q)| i != j && overlap(p, q))).collect();
    let rows = items
        .into_iter()
        .map(|mut item| {
            let row = paths
                .iter()
                .zip(&shared)
                .map(|(path, shared)| {
                    let cell = if *shared { get_path(&item, path).cloned() } else { take_path(&mut item, path) };
                    cell.unwrap_or(Value::Null)
                })
                .collect();
            Value::Array(row)
        })
        .collect();
    table_output(fields, view, rows, next)
}

/// The dotted paths of a list's columns: the fields, then the extra ones asked for.
pub fn columns<'a>(fields: &'a [Field], view: &'a ListView) -> Vec<&'a str> {
    fields.iter().map(|f| f.path).chain(view.fields.iter().map(String::as_str)).collect()
}

/// Shape a list page of rows (each a JSON array of the values at [`columns`]' paths, as `okta_core::Keep` decodes
/// them): `{"columns": [...], "rows": [[...]], "count": n, "next_cursor": "..."}`.
pub fn table_output(fields: &[Field], view: &ListView, rows: Vec<Value>, next: Option<String>) -> ToolOutput {
    let mut out = Map::new();
    let mut names: Vec<Value> = fields.iter().map(|f| Value::String(f.name.into())).collect();
    names.extend(view.fields.iter().map(|p| Value::String(p.clone())));
    out.insert("count".into(), json!(rows.len()));
    out.insert("columns".into(), Value::Array(names));
    out.insert("rows".into(), Value::Array(rows));
    if let Some(next) = next {
        out.insert("next_cursor".into(), Value::String(next));
    }
    ToolOutput::json(Value::Object(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIELDS: &[Field] = &[field("id", "id"), field("login", "profile.login")];

    fn user() -> Value {
        json!({"id": "00u1", "status": "ACTIVE", "profile": {"login": "a@example.com", "department": "IT"},
               "_links": {"self": {"href": "x"}}})
    }

    #[test]
    fn columns_and_rows() {
        let out = list_output(vec![user()], FIELDS, &ListView::default(), Some("https://o/next".into()));
        assert_eq!(
            out.value,
            json!({"columns": ["id", "login"], "rows": [["00u1", "a@example.com"]], "count": 1,
                   "next_cursor": "https://o/next"})
        );
    }

    #[test]
    fn extra_fields_and_detail() {
        let view = ListView { fields: vec!["profile.department".into(), "profile.missing".into()], detail: false };
        let out = list_output(vec![user()], FIELDS, &view, None);
        assert_eq!(out.value["rows"][0], json!(["00u1", "a@example.com", "IT", null]));
        assert!(out.value.get("next_cursor").is_none());
        // Columns reading the same member, or one inside another, each get their value.
        let view = ListView { fields: vec!["profile.login".into(), "profile".into()], detail: false };
        let out = list_output(vec![user()], FIELDS, &view, None);
        assert_eq!(
            out.value["rows"][0],
            json!(["00u1", "a@example.com", "a@example.com", {"login": "a@example.com", "department": "IT"}])
        );
        let detail = list_output(vec![user()], FIELDS, &ListView { fields: vec![], detail: true }, None);
        assert!(detail.value["items"][0].get("_links").is_none());
        assert_eq!(detail.value["items"][0]["status"], "ACTIVE");
    }

    #[test]
    fn every_result_is_redacted_when_rendered() {
        // A `detail` list of apps and a `fields` column naming a secret.
        let app = json!({"id": "0oa1", "credentials": {"oauthClient": {"client_id": "0oa1", "client_secret": "cl13nt-s3cret",
                         "token_endpoint_auth_method": "client_secret_basic"}}});
        let detail = list_output(vec![app.clone()], FIELDS, &ListView { fields: vec![], detail: true }, None);
        let text = detail.into_text();
        assert!(!text.contains("cl13nt-s3cret"), "{text}");
        assert!(text.contains("client_secret_basic") && text.contains("0oa1"), "{text}");
        let view = ListView { fields: vec!["credentials.oauthClient.client_secret".into()], detail: false };
        let text = list_output(vec![app], FIELDS, &view, None).into_text();
        assert!(!text.contains("cl13nt-s3cret"), "{text}");
        let hook =
            ToolOutput::json(json!({"channel": {"config": {"headers": [{"key": "X-Key", "value": "h00k-s3cret"}]}}}));
        assert!(!hook.into_text().contains("h00k-s3cret"));
        let link = ToolOutput::json(json!({"activationUrl": "https://o.example/welcome/XE6wE17zmphl3KqAPFxO"}));
        assert!(!link.into_text().contains("XE6wE17zmphl3KqAPFxO"));
        // A string result (SAML metadata, a log line) is redacted by shape.
        let jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIwMHUxIn0.c2ln";
        assert!(!ToolOutput::json(Value::String(format!("token {jwt}"))).into_text().contains(jwt));
    }

    #[test]
    fn revealed_secrets_and_the_kit_token_are_shown() {
        let out = ToolOutput::json(json!({"activationUrl": "https://o.example/welcome/XE6wE17zmphl3KqAPFxO",
                                          "activationToken": "XE6wE17zmphl3KqAPFxO"}))
        .reveal("/activationUrl");
        let shown = out.into_shown();
        assert_eq!(shown["activationUrl"], "https://o.example/welcome/XE6wE17zmphl3KqAPFxO");
        assert_eq!(shown["activationToken"], crate::redact::REDACTED, "only what was revealed");
        let preview = ToolOutput::json(json!({"confirmation_required": true, "confirmation_token": "kit-token-1",
                                              "would_send": {"body": {"confirmation_token": "nested"}}}));
        assert_eq!(preview.clone().into_shown()["confirmation_token"], "kit-token-1");
        assert_eq!(preview.into_shown()["would_send"]["body"]["confirmation_token"], crate::redact::REDACTED);
    }

    #[test]
    fn projection_skips_missing() {
        let p = project(&user(), FIELDS, &["status".into(), "nope".into()]);
        assert_eq!(p, json!({"id": "00u1", "login": "a@example.com", "status": "ACTIVE"}));
    }
}
