//! The generic collection every domain keeps its objects in: a list of objects with an id (typed, or Okta's JSON
//! objects), found by id with Okta's 404, the activate/deactivate lifecycle of objects with a `status`, and the
//! helpers of objects kept as Okta's JSON (fields, `_links`, timestamps, writable fields).
//! Listing a collection (filters, pages after a cursor, `Link` headers) is `handlers::list`.

use std::collections::{BTreeMap, HashMap};
use std::ops::{Deref, DerefMut};

use chrono::Utc;
use serde_json::{Map, Value, json};

use crate::error::ApiError;
use crate::ids;
use crate::org::admin::Device;
use crate::org::{App, Factor, Group, User};

/// An object with an id.
pub trait Keyed {
    fn key(&self) -> &str;
}

impl Keyed for Value {
    fn key(&self) -> &str {
        str_of(self, "id")
    }
}

macro_rules! keyed_by {
    ($($t:ty => |$s:ident| $key:expr;)*) => {
        $(impl Keyed for $t {
            fn key(&self) -> &str {
                let $s = self;
                $key
            }
        })*
    };
}

keyed_by! {
    App => |a| &a.id;
    User => |u| &u.id;
    Group => |g| &g.id;
    Factor => |f| &f.id;
    Device => |d| &d.id;
}

/// A collection of objects with ids: any list of them.
pub trait Collection<T> {
    /// Where the object with `id` is.
    fn position_of(&self, id: &str) -> Option<usize>;
    /// The object with `id`.
    fn by_id(&self, id: &str) -> Option<&T>;
    /// The object with `id`, to change.
    fn by_id_mut(&mut self, id: &str) -> Option<&mut T>;
    /// Where the object with `id` is, or Okta's 404 naming the `kind` of object.
    fn index_or_404(&self, id: &str, kind: &str) -> Result<usize, ApiError> {
        self.position_of(id).ok_or_else(|| ApiError::not_found(id, kind))
    }
    /// The object with `id`, or Okta's 404.
    fn or_404(&self, id: &str, kind: &str) -> Result<&T, ApiError> {
        self.by_id(id).ok_or_else(|| ApiError::not_found(id, kind))
    }
    /// The object with `id` to change, or Okta's 404.
    fn or_404_mut(&mut self, id: &str, kind: &str) -> Result<&mut T, ApiError> {
        self.by_id_mut(id).ok_or_else(|| ApiError::not_found(id, kind))
    }
    /// The objects `keep` keeps, rendered, each with its 1-based position in the collection (the cursor of the
    /// page that ends there: `handlers::list`).
    fn listed(&self, keep: impl Fn(&T) -> bool, render: impl FnMut(&T) -> Value) -> Vec<(u64, Value)>;
}

impl<T: Keyed> Collection<T> for [T] {
    fn position_of(&self, id: &str) -> Option<usize> {
        self.iter().position(|x| x.key() == id)
    }

    fn by_id(&self, id: &str) -> Option<&T> {
        self.iter().find(|x| x.key() == id)
    }

    fn by_id_mut(&mut self, id: &str) -> Option<&mut T> {
        self.iter_mut().find(|x| x.key() == id)
    }

    fn listed(&self, keep: impl Fn(&T) -> bool, mut render: impl FnMut(&T) -> Value) -> Vec<(u64, Value)> {
        (1..).zip(self).filter(|(_, x)| keep(x)).map(|(i, x)| (i, render(x))).collect()
    }
}

/// A collection in the order its objects were made, by position (`seq`: the cursor of Okta's pages over it), and
/// found by id. Reads are the map's; [`Indexed::insert`] and [`Indexed::remove`] keep the ids with it (an object's
/// id never changes).
#[derive(Debug, Clone)]
pub struct Indexed<T> {
    items: BTreeMap<u64, T>,
    index: HashMap<String, u64>,
}

impl<T> Default for Indexed<T> {
    fn default() -> Self {
        Self { items: BTreeMap::new(), index: HashMap::new() }
    }
}

impl<T: Keyed> Indexed<T> {
    /// Put `item` at position `seq`.
    pub fn insert(&mut self, seq: u64, item: T) -> Option<T> {
        self.index.insert(item.key().to_owned(), seq);
        self.items.insert(seq, item)
    }

    /// Take out the object at position `seq`.
    pub fn remove(&mut self, seq: &u64) -> Option<T> {
        let item = self.items.remove(seq)?;
        self.index.remove(item.key());
        Some(item)
    }

    /// Take out every object, in order.
    pub fn take_all(&mut self) -> Vec<T> {
        self.index.clear();
        std::mem::take(&mut self.items).into_values().collect()
    }

    /// The position of the object with `id`.
    pub fn seq_of(&self, id: &str) -> Option<u64> {
        self.index.get(id).copied()
    }

    /// The object with `id`.
    pub fn by_id(&self, id: &str) -> Option<&T> {
        self.seq_of(id).and_then(|s| self.items.get(&s))
    }

    /// The object with `id`, to change.
    pub fn by_id_mut(&mut self, id: &str) -> Option<&mut T> {
        self.seq_of(id).and_then(|s| self.items.get_mut(&s))
    }
}

impl<T> Deref for Indexed<T> {
    type Target = BTreeMap<u64, T>;

    fn deref(&self) -> &Self::Target {
        &self.items
    }
}

/// Changes in place (`get_mut`, `values_mut`); the id of an object never changes.
impl<T> DerefMut for Indexed<T> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.items
    }
}

/// Removing from a collection of objects with ids.
pub trait Removable {
    /// Remove the object with `id` (none: nothing changes).
    fn remove_id(&mut self, id: &str);
}

impl<T: Keyed> Removable for Vec<T> {
    fn remove_id(&mut self, id: &str) {
        self.retain(|x| x.key() != id);
    }
}

/// Child objects of one kind, by the id of their parent (an authorization server's scopes, a policy's rules),
/// each parent's in their order. A parent's children go with it (`remove`).
#[derive(Debug, Clone, Default)]
pub struct Children(BTreeMap<String, Vec<Value>>);

impl Children {
    /// The children of `parent` (none: empty).
    pub fn of(&self, parent: &str) -> &[Value] {
        self.0.get(parent).map_or(&[], Vec::as_slice)
    }

    /// The children of `parent`, to change.
    pub fn of_mut(&mut self, parent: &str) -> &mut Vec<Value> {
        self.0.entry(parent.to_owned()).or_default()
    }

    /// Forget the children of `parent`, and give them.
    pub fn remove(&mut self, parent: &str) -> Vec<Value> {
        self.0.remove(parent).unwrap_or_default()
    }
}

/// The status a `/lifecycle/{op}` route of an ACTIVE/INACTIVE object leads to (Okta's 404 for another `op`).
pub fn lifecycle_target(op: &str) -> Result<&'static str, ApiError> {
    match op {
        "activate" => Ok("ACTIVE"),
        "deactivate" => Ok("INACTIVE"),
        other => Err(ApiError::not_found(other, "Path")),
    }
}

/// Give a JSON object the status `target` (and a new `lastUpdated`) unless it has it already.
pub fn set_status(obj: &mut Value, target: &str) {
    if obj.get("status").and_then(Value::as_str) != Some(target) {
        obj["status"] = json!(target);
        touch(obj, false);
    }
}

// ---- Okta's JSON objects

/// Okta's timestamp for now.
pub fn now() -> String {
    ids::ts(&Utc::now())
}

pub fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// Okta's fields of a stored object: a copy without the sandbox's internal `__` members (none: empty).
pub fn public_fields(v: &Value) -> Map<String, Value> {
    v.as_object()
        .map(|o| o.iter().filter(|(k, _)| !k.starts_with("__")).map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default()
}

/// A copy of `obj` with `_links` built from `(rel, href, method)` triples.
pub fn with_links(obj: &Value, links: &[(&str, String, Option<&str>)]) -> Value {
    let mut out = match obj {
        Value::Object(_) => Value::Object(public_fields(obj)),
        other => other.clone(),
    };
    let mut map = Map::new();
    for (rel, href, method) in links {
        let mut link = json!({"href": href});
        if let Some(m) = method {
            link["hints"] = json!({"allow": [m]});
        }
        map.insert((*rel).to_owned(), link);
    }
    if let Value::Object(o) = &mut out {
        o.insert("_links".into(), Value::Object(map));
    }
    out
}

/// A copy of `obj` whose `_links` is its `self` link.
pub fn with_self_link(obj: &Value, href: String) -> Value {
    let mut out = obj.clone();
    out["_links"] = json!({"self": {"href": href}});
    out
}

/// Links of an object with a lifecycle: self, and activate or deactivate by status.
pub fn lifecycle_links(obj: &Value, base: &str) -> Vec<(&'static str, String, Option<&'static str>)> {
    let mut links = vec![("self", base.to_owned(), Some("GET"))];
    if str_of(obj, "status") == "ACTIVE" {
        links.push(("deactivate", format!("{base}/lifecycle/deactivate"), Some("POST")));
    } else {
        links.push(("activate", format!("{base}/lifecycle/activate"), Some("POST")));
    }
    links
}

/// Set `lastUpdated` (and `created` when new).
pub fn touch(obj: &mut Value, created: bool) {
    let ts = now();
    if created {
        obj["created"] = json!(ts);
    }
    obj["lastUpdated"] = json!(ts);
}

/// Keep only the given keys of a request body (what a client may set); the rest is ignored, as Okta does.
pub fn writable(body: &Value, keys: &[&str]) -> Map<String, Value> {
    let mut out = Map::new();
    if let Value::Object(map) = body {
        for k in keys {
            if let Some(v) = map.get(*k) {
                out.insert((*k).to_owned(), v.clone());
            }
        }
    }
    out
}

/// Put the writable keys of `body` into `obj`, removing those the body leaves out (a full replace).
pub fn replace_writable(obj: &mut Value, body: &Value, keys: &[&str]) {
    let given = writable(body, keys);
    if let Value::Object(o) = obj {
        for k in keys {
            o.remove(*k);
        }
        o.extend(given);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn found_by_id_or_404() {
        let mut items = [json!({"id": "a", "status": "ACTIVE"}), json!({"id": "b"})];
        assert_eq!(items.position_of("b"), Some(1));
        assert_eq!(items.or_404("a", "Zone").ok().map(|v| v["status"].clone()), Some(json!("ACTIVE")));
        assert_eq!(items.index_or_404("c", "Zone").err().map(|e| e.code), Some("E0000007"));
        if let Ok(b) = items.or_404_mut("b", "Zone") {
            set_status(b, "INACTIVE");
        }
        assert_eq!(items[1]["status"], "INACTIVE");
        assert!(items[1]["lastUpdated"].is_string());
        assert_eq!(lifecycle_target("activate").ok(), Some("ACTIVE"));
        assert!(lifecycle_target("suspend").is_err());
    }

    #[test]
    fn replace_drops_what_the_body_leaves_out() {
        let mut obj = json!({"id": "x", "name": "a", "description": "d"});
        replace_writable(&mut obj, &json!({"name": "b", "id": "y"}), &["name", "description"]);
        assert_eq!(obj, json!({"id": "x", "name": "b"}));
    }

    #[test]
    fn indexed_keeps_order_and_ids() {
        let mut items: Indexed<Value> = Indexed::default();
        items.insert(2, json!({"id": "b"}));
        items.insert(1, json!({"id": "a"}));
        assert_eq!(items.values().map(Keyed::key).collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(items.seq_of("b"), Some(2));
        assert_eq!(items.remove(&2).map(|v| v["id"].clone()), Some(json!("b")));
        assert_eq!(items.seq_of("b"), None);
        assert!(items.by_id("a").is_some());
        assert_eq!(items.take_all().len(), 1);
        assert!(items.by_id("a").is_none());
    }
}
