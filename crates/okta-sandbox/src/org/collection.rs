//! The generic collection every domain keeps its objects in: a list of objects with an id (typed, or Okta's JSON
//! objects), found by id with Okta's 404, and the activate/deactivate lifecycle of objects with a `status`.
//! Listing a collection (filters, pages after a cursor, `Link` headers) is `handlers::list`.

use serde_json::{Value, json};

use crate::error::ApiError;
use crate::org::admin::{CustomRole, Device, EventHook, ResourceSet};
use crate::org::policy::{AuthServer, InlineHook, WithRules};
use crate::org::{App, Factor};

/// An object with an id.
pub trait Keyed {
    fn key(&self) -> &str;
}

impl Keyed for Value {
    fn key(&self) -> &str {
        self.get("id").and_then(Value::as_str).unwrap_or("")
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
    Factor => |f| &f.id;
    CustomRole => |r| &r.id;
    ResourceSet => |r| &r.id;
    Device => |d| &d.id;
    EventHook => |h| &h.id;
    AuthServer => |s| s.obj.key();
    WithRules => |p| p.obj.key();
    InlineHook => |h| h.obj.key();
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
        crate::org::policy::touch(obj, false);
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
}
