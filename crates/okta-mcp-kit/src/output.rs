//! Output conventions shared by every tool: compact JSON text, list items projected to the fields people use
//! (as columns and rows, which keeps a 200-item page small), `next_cursor` whenever Okta has more, and the full
//! Okta object (minus hypermedia links) only on request.

use serde_json::{Map, Value, json};

/// A successful tool result.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolOutput {
    pub value: Value,
}

impl ToolOutput {
    pub fn json(value: Value) -> Self {
        ToolOutput { value }
    }

    /// A short confirmation of a change that returns no body.
    pub fn done(message: impl Into<String>) -> Self {
        ToolOutput { value: json!({ "result": message.into() }) }
    }

    /// The text sent to the client: compact JSON (strings as is).
    pub fn to_text(&self) -> String {
        match &self.value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
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
    let count = items.len();
    let mut out = Map::new();
    if view.detail {
        out.insert("items".into(), Value::Array(items.into_iter().map(strip_links).collect()));
    } else {
        let mut columns: Vec<Value> = fields.iter().map(|f| Value::String(f.name.into())).collect();
        columns.extend(view.fields.iter().map(|p| Value::String(p.clone())));
        let rows = items
            .iter()
            .map(|item| {
                let mut row: Vec<Value> =
                    fields.iter().map(|f| get_path(item, f.path).cloned().unwrap_or(Value::Null)).collect();
                row.extend(view.fields.iter().map(|p| get_path(item, p).cloned().unwrap_or(Value::Null)));
                Value::Array(row)
            })
            .collect();
        out.insert("columns".into(), Value::Array(columns));
        out.insert("rows".into(), Value::Array(rows));
    }
    out.insert("count".into(), json!(count));
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
        let detail = list_output(vec![user()], FIELDS, &ListView { fields: vec![], detail: true }, None);
        assert!(detail.value["items"][0].get("_links").is_none());
        assert_eq!(detail.value["items"][0]["status"], "ACTIVE");
    }

    #[test]
    fn projection_skips_missing() {
        let p = project(&user(), FIELDS, &["status".into(), "nope".into()]);
        assert_eq!(p, json!({"id": "00u1", "login": "a@example.com", "status": "ACTIVE"}));
    }
}
