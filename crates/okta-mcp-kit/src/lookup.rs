//! Looking up the users and groups tools are about: ids or logins, compact fields, one-line summaries.
//! Shared because every domain names users (app assignments, roles, governance).

use okta_core::{Query, ops};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::args::str_field;
use crate::context::ToolContext;
use crate::error::ToolError;
use crate::ids::UserId;
use crate::output::{Field, field};

/// The argument of every tool that takes just a user.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct UserArg {
    /// User id (00u…) or login.
    pub user: String,
}

pub use crate::ids::is_user_id;

/// Read a user by id or login.
pub async fn get_user(ctx: &ToolContext, id_or_login: &str) -> Result<Value, ToolError> {
    ctx.okta.get(&ops::GET_USER, &[id_or_login], &Query::new()).await
}

/// The user's id: as given when it is one, else looked up by login.
pub async fn user_id(ctx: &ToolContext, id_or_login: &str) -> Result<UserId, ToolError> {
    if let Some(id) = UserId::parse(id_or_login) {
        return Ok(id);
    }
    // A login's id is a lookup bulk work repeats: through the read cache.
    let user = ctx.okta.get_cached(&ops::GET_USER, &[id_or_login], &Query::new()).await?;
    let id = str_field(&user, "id")?;
    UserId::parse(id)
        .ok_or_else(|| ToolError::refused(format!("Okta answered {id_or_login:?} with {id:?}, not a user id")))
}

/// The one object named `name` among `named` (what Okta answered for that name, already narrowed to exact
/// matches), for tools that take an id or a name. One behaviour for every resource, all refusals with nothing
/// sent:
/// - none: "no {kind} is named …", naming the list tool that finds it, or the near matches (`near`: what
///   Okta's prefix search found) when there are some;
/// - several: "several {kind}s are named …: name it by id (…)", listing their ids.
///
/// `label` reads an object's name for messages.
pub fn one_named<'a>(
    kind: &str,
    name: &str,
    named: &[&'a Value],
    near: &[&Value],
    list_tool: &str,
    label: fn(&Value) -> &str,
) -> Result<&'a Value, ToolError> {
    let id = |v: &Value| v.get("id").and_then(Value::as_str).unwrap_or("?").to_owned();
    match named {
        [one] => Ok(one),
        [] if near.is_empty() => Err(ToolError::refused(format!(
            "no {kind} is named {name:?} (names match exactly): find it with {list_tool}, then give its id or \
             exact name"
        ))),
        [] => Err(ToolError::refused(format!(
            "no {kind} is named {name:?} exactly; {kind}s starting with it: {}. Give the id or the exact name.",
            near.iter().take(10).map(|v| format!("{} ({})", label(v), id(v))).collect::<Vec<_>>().join(", ")
        ))),
        several => Err(ToolError::refused(format!(
            "several {kind}s are named {name:?}: name it by id ({})",
            several.iter().map(|v| id(v)).collect::<Vec<_>>().join(", ")
        ))),
    }
}

/// A string member of an object, or "" (for messages and comparisons; use `args::str_field` where it must be there).
pub fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or_default()
}

/// An object's `name`, or "".
pub fn name_of(v: &Value) -> &str {
    str_of(v, "name")
}

/// The items of a `{data, _links}` answer (Okta's governance lists), or of a plain array.
pub fn items_of(list: &Value) -> Vec<&Value> {
    list.get("data").unwrap_or(list).as_array().into_iter().flatten().collect()
}

/// The items of a `{data, _links}` answer, owned.
pub fn data_of(list: &Value) -> Vec<Value> {
    items_of(list).into_iter().cloned().collect()
}

/// Compact fields of a user, as list tools show them.
pub const USER_FIELDS: &[Field] = &[
    field("id", "id"),
    field("status", "status"),
    field("login", "profile.login"),
    field("email", "profile.email"),
    field("firstName", "profile.firstName"),
    field("lastName", "profile.lastName"),
    field("lastLogin", "lastLogin"),
    field("created", "created"),
];

/// Compact fields of a group.
pub const GROUP_FIELDS: &[Field] = &[
    field("id", "id"),
    field("name", "profile.name"),
    field("description", "profile.description"),
    field("type", "type"),
];

/// Who a user is, in one line of JSON: for results of changes.
pub fn user_summary(user: &Value) -> Value {
    json!({
        "id": user.get("id"),
        "login": user.pointer("/profile/login"),
        "status": user.get("status"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_object_per_name_or_a_refusal_that_says_which() {
        let (a, b) = (json!({"id": "1", "name": "Eng"}), json!({"id": "2", "name": "Eng"}));
        let name = name_of;
        assert_eq!(one_named("group", "Eng", &[&a], &[], "okta_list_groups", name).ok(), Some(&a));
        let none = one_named("group", "Ops", &[], &[], "okta_list_groups", name).err().map(|e| e.to_string());
        assert!(none.is_some_and(|e| e.contains("no group is named \"Ops\"") && e.contains("okta_list_groups")));
        let near = one_named("group", "En", &[], &[&a], "okta_list_groups", name).err().map(|e| e.to_string());
        assert!(near.is_some_and(|e| e.contains("groups starting with it: Eng (1)")));
        let many = one_named("group", "Eng", &[&a, &b], &[], "okta_list_groups", name).err().map(|e| e.to_string());
        assert!(many.is_some_and(|e| e.contains("several groups are named") && e.contains("1, 2")));
    }

    #[test]
    fn user_ids() {
        assert!(is_user_id("00u1abcdefghijklmnop"));
        assert!(!is_user_id("alice@example.com"));
        assert!(!is_user_id("00u1abc"));
        assert!(!is_user_id("00g1abcdefghijklmnop"));
    }
}
