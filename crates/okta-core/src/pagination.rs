//! Link-header pagination and list-body shapes.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer as _, IgnoredAny, MapAccess, SeqAccess, Visitor};
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

/// The columns a caller reads of each list item (dotted paths, as `profile.login`): a list answer decoded with it
/// ([`Keep::rows`]) is, for each item, the row of those columns' values, each what reading its path from the
/// whole item gives (`null` where the item has nothing there). Everything else of the item is skipped while
/// decoding (checked as JSON, never built). A 200-user page is some 300 KB of JSON, most of it hypermedia links
/// and profile attributes that a page of columns never shows: building it whole, only to drop it, was most of
/// what a list call cost the server; building each item's object, only to take its cells out, was most of the
/// rest.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Keep {
    /// The member is read whole.
    whole: bool,
    /// The columns the member fills (a path given twice fills two).
    columns: Vec<usize>,
    /// Members read inside it, in a short list (an item has few of them; a map's lookup cost more).
    children: Vec<(String, Keep)>,
    /// The number of columns (at the top).
    width: usize,
}

impl Keep {
    /// The columns at these dotted paths, in this order (each segment a member name, as
    /// `serde_json::Value::get` reads them).
    pub fn columns<'a>(paths: impl IntoIterator<Item = &'a str>) -> Self {
        let mut keep = Keep::default();
        for (column, path) in paths.into_iter().enumerate() {
            let node = path.split('.').fold(&mut keep, |node, key| {
                let at = match node.children.iter().position(|(name, _)| name == key) {
                    Some(at) => at,
                    None => {
                        node.children.push((key.to_owned(), Keep::default()));
                        node.children.len() - 1
                    }
                };
                &mut node.children[at].1
            });
            node.whole = true;
            node.columns.push(column);
            keep.width = column + 1;
        }
        keep
    }

    /// The rows of a list answer that is a JSON array of objects (each row a JSON array of the columns' values).
    /// `None` when the body is anything else (invalid, an object wrapping the items, an item that is not an
    /// object): the caller then decodes it whole, as before, with the same outcome (see [`Keep::row`]).
    pub fn rows(&self, body: &[u8]) -> Option<Vec<Value>> {
        // Valid UTF-8 as a whole, as a whole decode requires (skipped strings are not checked one by one).
        let text = std::str::from_utf8(body).ok()?;
        let mut de = serde_json::Deserializer::from_str(text);
        let items = de.deserialize_seq(ItemsVisitor(self)).ok()?;
        de.end().ok()?;
        Some(items)
    }

    /// The row of one whole item.
    pub fn row(&self, item: &Value) -> Value {
        let mut row = vec![Value::Null; self.width];
        for (name, child) in &self.children {
            child.fill(item.get(name), &mut row);
        }
        Value::Array(row)
    }

    fn member(&self, name: &str) -> Option<&Keep> {
        self.children.iter().find(|(n, _)| n == name).map(|(_, keep)| keep)
    }

    /// The columns of this member and those inside it, from its value.
    fn fill(&self, value: Option<&Value>, row: &mut [Value]) {
        for &column in &self.columns {
            row[column] = value.cloned().unwrap_or(Value::Null);
        }
        for (name, child) in &self.children {
            child.fill(value.and_then(|v| v.get(name)), row);
        }
    }

    /// This member's value, read whole: into its column as it is (copied only when more columns read it).
    fn fill_owned(&self, value: Value, row: &mut [Value]) {
        match (self.columns.as_slice(), self.children.is_empty()) {
            ([column], true) => row[*column] = value,
            _ => self.fill(Some(&value), row),
        }
    }
}

struct ItemsVisitor<'a>(&'a Keep);

impl<'de> Visitor<'de> for ItemsVisitor<'_> {
    type Value = Vec<Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON array of objects")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Value>, A::Error> {
        let mut rows = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        loop {
            let mut row = vec![Value::Null; self.0.width];
            if seq.next_element_seed(Kept { keep: self.0, row: &mut row, item: true })?.is_none() {
                break;
            }
            rows.push(Value::Array(row));
        }
        Ok(rows)
    }
}

/// A value under a kept member that is read inside (not whole): an object's kept members go to their columns;
/// anything else gives nothing to read inside, so its columns are `null`. A list item itself must be an object.
struct Kept<'a, 'r> {
    keep: &'a Keep,
    row: &'r mut [Value],
    item: bool,
}

impl<'de> DeserializeSeed<'de> for Kept<'_, '_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl Kept<'_, '_> {
    fn other<E: de::Error>(self) -> Result<(), E> {
        if self.item {
            return Err(E::custom("a list item that is not an object"));
        }
        self.keep.fill(None, self.row);
        Ok(())
    }
}

impl<'de> Visitor<'de> for Kept<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        // A repeated member: the last one counts, as in a whole decode (what the earlier one filled goes).
        if !self.item {
            self.keep.fill(None, self.row);
        }
        while let Some(key) = map.next_key_seed(KeySeed)? {
            let name: &str = match &key {
                Key::Borrowed(k) => k,
                Key::Owned(k) => k,
            };
            match self.keep.member(name) {
                Some(child) if child.whole => child.fill_owned(map.next_value::<Value>()?, self.row),
                Some(child) => map.next_value_seed(Kept { keep: child, row: &mut *self.row, item: false })?,
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        self.other()
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.other()
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.other()
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.other()
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.other()
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        self.other()
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.other()
    }
}

/// A member name, borrowed from the body when it has no escapes.
enum Key<'de> {
    Borrowed(&'de str),
    Owned(String),
}

struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Key<'de>;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Key<'de>, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
        Ok(Key::Borrowed(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
        Ok(Key::Owned(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
        Ok(Key::Owned(v))
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

    /// What `get_path` (the kit's reading of a dotted path) gives.
    fn read<'a>(item: &'a Value, path: &str) -> Option<&'a Value> {
        path.split('.').try_fold(item, |v, key| v.get(key))
    }

    #[test]
    fn kept_members_read_as_in_the_whole_item() {
        let body = json!([
            {"id": "00u1", "status": "ACTIVE", "profile": {"login": "a@x", "email": "a@x", "department": "IT",
             "nested": {"deep": [1, 2, {"x": "y"}]}, "title": null}, "_links": {"self": {"href": "h"}},
             "credentials": {"provider": {"type": "OKTA"}}, "n": 1.5, "big": 18446744073709551615u64},
            {"id": "00u2", "profile": "not an object", "status": "STAGED", "id\u{e9}": "escaped \"key\""},
            {"id": "00u3", "profile": {"login": "first"}, "profile ": 1},
            {},
        ]);
        let text = body.to_string();
        let paths = [
            "id",
            "status",
            "profile.login",
            "profile.email",
            "profile.nested",
            "profile.nested.deep",
            "profile.title",
            "profile.missing",
            "credentials.provider.type",
            "n",
            "big",
            "id\u{e9}",
            "_links.self.href",
            "nope.deeper",
            "",
        ];
        let keep = Keep::columns(paths);
        let rows = keep.rows(text.as_bytes()).unwrap();
        let whole = body.as_array().unwrap();
        assert_eq!(rows.len(), whole.len());
        let cell = |item: &Value, path: &str| read(item, path).cloned().unwrap_or(Value::Null);
        for (row, w) in rows.iter().zip(whole) {
            let expected: Vec<Value> = paths.iter().map(|path| cell(w, path)).collect();
            assert_eq!(row, &Value::Array(expected.clone()), "{w}");
            assert_eq!(keep.row(w), Value::Array(expected), "{w}");
        }
        assert_eq!(rows[0][4], body[0]["profile"]["nested"]);
        // A repeated member: the last one counts, as in a whole decode; a path given twice fills both columns.
        let repeated = r#"[{"profile": {"login": "first", "email": "e"}, "profile": {"login": "second"}},
                           {"a": {"b": 1}, "a": 2}, {"a": 1, "a": {"b": 3}}]"#;
        let whole: Value = serde_json::from_str(repeated).unwrap();
        let paths = ["profile.login", "profile.email", "a.b", "profile.login"];
        let rows = Keep::columns(paths).rows(repeated.as_bytes()).unwrap();
        for (row, w) in rows.iter().zip(whole.as_array().unwrap()) {
            assert_eq!(row, &Value::Array(paths.iter().map(|path| cell(w, path)).collect()), "{w}");
        }
        assert_eq!(rows[0], json!(["second", null, null, "second"]));
    }

    #[test]
    fn anything_but_an_array_of_objects_is_left_to_a_whole_decode() {
        let keep = Keep::columns(["id"]);
        for body in [
            &b"{\"data\": [{\"id\": \"1\"}]}"[..],
            b"[{\"id\": \"1\"}, 2]",
            b"[\"a\"]",
            b"",
            b"   ",
            b"null",
            b"[{\"id\": \"1\"}",
            b"[{\"id\": \"1\"}] x",
            b"[{\"id\": \"1\", \"x\": \"\xff\"}]",
        ] {
            assert_eq!(keep.rows(body), None, "{}", String::from_utf8_lossy(body));
        }
        assert_eq!(keep.rows(b" [] "), Some(vec![]));
        assert_eq!(keep.rows(b"[{\"id\":\"1\",\"x\":[1,{\"y\":null}]}]"), Some(vec![json!(["1"])]));
    }
}
