//! Link-header pagination and list-body shapes.

use serde_json::Value;

/// One page of a list.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// The cursor of the next page ([`crate::Cursor`], encoded; `None` on the last page): Okta's `rel="next"` link,
    /// checked against the org and the endpoint, reduced to its query.
    pub next: Option<String>,
    /// `X-Okta-Request-Id` of the response.
    pub request_id: Option<String>,
}

/// The relations of one or more `Link` headers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinkRels {
    /// Every (rel, url) pair in order; a link with `rel="next self"` appears twice.
    pub links: Vec<(String, String)>,
}

impl LinkRels {
    /// The first URL with relation `rel` (case-insensitive).
    pub fn get(&self, rel: &str) -> Option<&str> {
        self.links.iter().find(|(r, _)| r.eq_ignore_ascii_case(rel)).map(|(_, u)| u.as_str())
    }

    /// `rel="next"`.
    pub fn next(&self) -> Option<&str> {
        self.get("next")
    }

    /// `rel="self"`.
    pub fn self_link(&self) -> Option<&str> {
        self.get("self")
    }
}

/// Parse `Link` header values (RFC 8288): several header lines and/or comma-joined links,
/// quoted or bare `rel`, rel lists (`rel="next self"`), and URLs containing `,` or `;`
/// inside `<...>`.
pub fn parse_link_header(values: &[&str]) -> LinkRels {
    let mut out = LinkRels::default();
    for value in values {
        parse_one(value, &mut out);
    }
    out
}

fn parse_one(value: &str, out: &mut LinkRels) {
    let b = value.as_bytes();
    let mut i = 0;
    let n = b.len();
    while i < n {
        // Find the next '<' (skips whitespace, commas and garbage).
        while i < n && b[i] != b'<' {
            i += 1;
        }
        if i >= n {
            break;
        }
        let Some(end_rel) = value[i + 1..].find('>') else {
            break;
        };
        let url = value[i + 1..i + 1 + end_rel].trim().to_string();
        i = i + 1 + end_rel + 1;
        let mut rels: Vec<String> = Vec::new();
        // Parameters until a top-level ',' or the end.
        loop {
            while i < n && (b[i] == b' ' || b[i] == b'\t') {
                i += 1;
            }
            if i >= n || b[i] == b',' {
                break;
            }
            if b[i] != b';' {
                // Unexpected character: skip to the next separator.
                i += 1;
                continue;
            }
            i += 1; // ';'
            while i < n && (b[i] == b' ' || b[i] == b'\t') {
                i += 1;
            }
            let name_start = i;
            while i < n && !matches!(b[i], b'=' | b';' | b',' | b' ' | b'\t') {
                i += 1;
            }
            let name = value[name_start..i].to_ascii_lowercase();
            while i < n && (b[i] == b' ' || b[i] == b'\t') {
                i += 1;
            }
            let mut val = String::new();
            if i < n && b[i] == b'=' {
                i += 1;
                while i < n && (b[i] == b' ' || b[i] == b'\t') {
                    i += 1;
                }
                if i < n && b[i] == b'"' {
                    i += 1;
                    let start = i;
                    while i < n && b[i] != b'"' {
                        if b[i] == b'\\' {
                            i += 1;
                        }
                        i += 1;
                    }
                    val = value[start..i.min(n)].replace("\\\"", "\"");
                    i += 1;
                } else {
                    let start = i;
                    while i < n && !matches!(b[i], b';' | b',') {
                        i += 1;
                    }
                    val = value[start..i].trim().to_string();
                }
            }
            if name == "rel" && rels.is_empty() {
                rels = val.split_whitespace().map(str::to_ascii_lowercase).collect();
            }
        }
        for rel in rels {
            out.links.push((rel, url.clone()));
        }
    }
}

/// Keys that hold the items of wrapped list responses, in order of preference.
const KNOWN_ITEM_KEYS: &[&str] = &[
    "data",
    "roles",
    "resource-sets",
    "members",
    "resources",
    "value",
    "bundles",
    "entitlements",
    "entitlementValues",
    "memberExternalIds",
];

/// Split a list response body into its items and the `_links.next.href` fallback cursor.
///
/// A JSON array is the items; an object uses `data`, else its only array-valued key
/// (ignoring `_links`/`_embedded`), else a known key. `null`/empty bodies are no items.
pub(crate) fn split_list_body(body: Value) -> Result<(Vec<Value>, Option<String>), String> {
    match body {
        Value::Array(items) => Ok((items, None)),
        Value::Null => Ok((Vec::new(), None)),
        Value::Object(mut map) => {
            let next = map
                .get("_links")
                .and_then(|l| l.get("next"))
                .and_then(|n| n.get("href"))
                .and_then(Value::as_str)
                .map(str::to_string);
            let array_keys: Vec<String> =
                map.iter().filter(|(k, v)| v.is_array() && !k.starts_with('_')).map(|(k, _)| k.clone()).collect();
            let key = if map.get("data").is_some_and(Value::is_array) {
                Some("data".to_string())
            } else if array_keys.len() == 1 {
                array_keys.into_iter().next()
            } else {
                KNOWN_ITEM_KEYS.iter().find(|k| map.get(**k).is_some_and(Value::is_array)).map(|k| (*k).to_string())
            };
            match key.and_then(|k| map.remove(&k)) {
                Some(Value::Array(items)) => Ok((items, next)),
                _ => {
                    let keys: Vec<&String> = map.keys().collect();
                    Err(format!(
                        "expected a list response (a JSON array or an object with an item array), got an object with keys {keys:?}"
                    ))
                }
            }
        }
        other => Err(format!(
            "expected a list response (JSON array), got {}",
            match other {
                Value::Bool(_) => "a boolean",
                Value::Number(_) => "a number",
                Value::String(_) => "a string",
                _ => "something else",
            }
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn several_header_lines() {
        let rels = parse_link_header(&[
            "<https://x.okta.com/api/v1/logs?limit=20>; rel=\"self\"",
            "<https://x.okta.com/api/v1/logs?limit=20&after=1627500044869_1>; rel=\"next\"",
        ]);
        assert_eq!(rels.next(), Some("https://x.okta.com/api/v1/logs?limit=20&after=1627500044869_1"));
        assert_eq!(rels.self_link(), Some("https://x.okta.com/api/v1/logs?limit=20"));
    }

    #[test]
    fn one_comma_joined_line() {
        let rels = parse_link_header(&[
            "<https://x.okta.com/api/v1/users?limit=2>; rel=\"self\", <https://x.okta.com/api/v1/users?after=00u2&limit=2>; rel=\"next\"",
        ]);
        assert_eq!(rels.next(), Some("https://x.okta.com/api/v1/users?after=00u2&limit=2"));
        assert_eq!(rels.self_link(), Some("https://x.okta.com/api/v1/users?limit=2"));
    }

    #[test]
    fn commas_and_semicolons_inside_urls() {
        let rels = parse_link_header(&[
            "<https://x.okta.com/api/v1/users?filter=a,b;c&after=1>;rel=next,<https://x.okta.com/api/v1/users?q=x,y>; rel=self",
        ]);
        assert_eq!(rels.next(), Some("https://x.okta.com/api/v1/users?filter=a,b;c&after=1"));
        assert_eq!(rels.self_link(), Some("https://x.okta.com/api/v1/users?q=x,y"));
    }

    #[test]
    fn rel_lists_and_other_params() {
        let rels = parse_link_header(&[
            "<https://x/a?after=2>; title=\"a, b; c\"; rel=\"next self\"; type=\"application/json\"",
        ]);
        assert_eq!(rels.next(), Some("https://x/a?after=2"));
        assert_eq!(rels.self_link(), Some("https://x/a?after=2"));
        let rels = parse_link_header(&["<https://x/a>; REL=\"Next\""]);
        assert_eq!(rels.next(), Some("https://x/a"));
    }

    #[test]
    fn no_next() {
        let rels = parse_link_header(&["<https://x.okta.com/api/v1/users?limit=2>; rel=\"self\""]);
        assert_eq!(rels.next(), None);
        assert_eq!(parse_link_header(&[]).next(), None);
        assert_eq!(parse_link_header(&["garbage"]).next(), None);
        assert_eq!(parse_link_header(&["<unterminated; rel=next"]).next(), None);
    }

    #[test]
    fn body_shapes() {
        let (items, next) = split_list_body(json!([{"id": 1}, {"id": 2}])).unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(next, None);

        let (items, next) = split_list_body(json!({
            "data": [{"id": 1}],
            "_links": {"self": {"href": "https://x/s"}, "next": {"href": "https://x/n"}}
        }))
        .unwrap();
        assert_eq!(items.len(), 1);
        assert_eq!(next.as_deref(), Some("https://x/n"));

        let (items, _) = split_list_body(json!({"roles": [{"id": "r"}], "_links": {}})).unwrap();
        assert_eq!(items, vec![json!({"id": "r"})]);

        let (items, _) = split_list_body(json!({"value": [1, 2, 3]})).unwrap();
        assert_eq!(items.len(), 3);

        assert!(split_list_body(json!({"id": "x"})).is_err());
        assert!(split_list_body(json!("x")).is_err());
        assert_eq!(split_list_body(Value::Null).unwrap().0.len(), 0);
    }
}
