//! Looking up the users and groups tools are about: ids or logins, compact fields, one-line summaries.
//! Shared because every domain names users (app assignments, roles, governance).

use okta_core::{Query, ops};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::args::str_field;
use crate::context::ToolContext;
use crate::error::ToolError;
use crate::output::{Field, field};

/// The argument of every tool that takes just a user.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UserArg {
    /// User id (00u…) or login.
    pub user: String,
}

/// Okta user ids are `00u` followed by 17 letters and digits.
pub fn is_user_id(s: &str) -> bool {
    s.len() == 20 && s.starts_with("00u") && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Read a user by id or login.
pub async fn get_user(ctx: &ToolContext, id_or_login: &str) -> Result<Value, ToolError> {
    ctx.okta.get(&ops::GET_USER, &[id_or_login], &Query::new()).await
}

/// The user's id: as given when it is one, else looked up by login.
pub async fn user_id(ctx: &ToolContext, id_or_login: &str) -> Result<String, ToolError> {
    if is_user_id(id_or_login) {
        return Ok(id_or_login.to_owned());
    }
    let user = get_user(ctx, id_or_login).await?;
    str_field(&user, "id").map(str::to_owned)
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
    fn user_ids() {
        assert!(is_user_id("00u1abcdefghijklmnop"));
        assert!(!is_user_id("alice@example.com"));
        assert!(!is_user_id("00u1abc"));
        assert!(!is_user_id("00g1abcdefghijklmnop"));
    }
}
