//! Users: find, read, create and change them, and what they belong to.

use okta_core::Query;
use okta_mcp_kit::ops;
use okta_mcp_kit::output::{project, strip_links};
use okta_mcp_kit::{Access, ToolContext, ToolDef, ToolError, ToolMeta, ToolOutput, field};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use okta_mcp_kit::ListArgs;
use okta_mcp_kit::args::{check_id, non_empty, str_field};
use okta_mcp_kit::lookup::{GROUP_FIELDS, USER_FIELDS, UserArg, get_user, user_id, user_summary};

pub fn tools() -> Vec<ToolDef> {
    vec![
        ToolDef::new(
            ToolMeta {
                name: "okta_list_users",
                title: "List users",
                description: "List users as columns+rows; next_cursor when there are more. \
                    q: prefix of first/last name, email or login. \
                    filter: status eq \"ACTIVE\", lastUpdated gt \"2026-01-01T00:00:00.000Z\", id|profile.login|profile.email eq \"…\"; \
                    and/or. search (any attribute): eq ne sw co gt ge lt le pr, and/or/not, (), \
                    e.g. profile.department eq \"IT\" and status eq \"ACTIVE\".",
                access: Access::Read,
                toolset: "users",
                operations: &[ops::LIST_USERS],
            },
            list_users,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_get_user",
                title: "Get user",
                description: "A user's profile, status and dates, by id or login.",
                access: Access::Read,
                toolset: "users",
                operations: &[ops::GET_USER],
            },
            get_user_tool,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_create_user",
                title: "Create user",
                description: "Create a user. activate=false (default) leaves them STAGED; activate=true with a \
                    password makes them ACTIVE, without one PROVISIONED (Okta emails activation).",
                access: Access::Write,
                toolset: "users",
                operations: &[ops::CREATE_USER],
            },
            create_user,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_update_user",
                title: "Update user profile",
                description: "Change some profile attributes (partial update: others are kept). Shows what changed.",
                access: Access::Write,
                toolset: "users",
                operations: &[ops::GET_USER, ops::UPDATE_USER],
            },
            update_user,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_get_user_groups",
                title: "User's groups",
                description: "Groups the user is a member of.",
                access: Access::Read,
                toolset: "users",
                operations: &[ops::LIST_USER_GROUPS],
            },
            get_user_groups,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_get_user_apps",
                title: "User's apps",
                description: "Apps assigned to the user (their app links).",
                access: Access::Read,
                toolset: "users",
                operations: &[ops::LIST_APP_LINKS],
            },
            get_user_apps,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_get_user_roles",
                title: "User's admin roles",
                description: "Admin roles assigned to the user (directly or via groups).",
                access: Access::Read,
                toolset: "users",
                operations: &[ops::GET_USER, ops::LIST_ASSIGNED_ROLES_FOR_USER],
            },
            get_user_roles,
        ),
    ]
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ListUsersArgs {
    /// Prefix match on name, email or login.
    q: Option<String>,
    /// Filter expression (see description).
    filter: Option<String>,
    /// Search expression (see description).
    search: Option<String>,
    /// Sort attribute (with search), e.g. profile.lastName.
    #[serde(rename = "sortBy")]
    sort_by: Option<String>,
    /// asc or desc (with search).
    #[serde(rename = "sortOrder")]
    sort_order: Option<SortOrder>,
    #[serde(flatten)]
    page: ListArgs,
}

#[derive(Debug, Deserialize, JsonSchema, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum SortOrder {
    Asc,
    Desc,
}

impl SortOrder {
    fn as_str(self) -> &'static str {
        match self {
            SortOrder::Asc => "asc",
            SortOrder::Desc => "desc",
        }
    }
}

async fn list_users(ctx: ToolContext, args: ListUsersArgs) -> Result<ToolOutput, ToolError> {
    let q = non_empty("q", args.q.as_deref())?;
    let filter = non_empty("filter", args.filter.as_deref())?;
    let search = non_empty("search", args.search.as_deref())?;
    if (args.sort_by.is_some() || args.sort_order.is_some()) && search.is_none() {
        return Err(ToolError::invalid_arguments("sortBy and sortOrder work only with search"));
    }
    let query = Query::new()
        .opt("q", q)
        .opt("filter", filter)
        .opt("search", search)
        .opt("sortBy", args.sort_by.as_deref())
        .opt("sortOrder", args.sort_order.map(SortOrder::as_str));
    args.page.list(&ctx, &ops::LIST_USERS, &[], query, USER_FIELDS).await
}

async fn get_user_tool(ctx: ToolContext, args: UserArg) -> Result<ToolOutput, ToolError> {
    Ok(ToolOutput::json(strip_links(get_user(&ctx, &args.user).await?)))
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct CreateUserArgs {
    /// Given name.
    first_name: String,
    /// Family name.
    last_name: String,
    /// Primary email.
    email: String,
    /// Defaults to email.
    login: Option<String>,
    /// Other profile attributes, e.g. {"department":"IT"}.
    profile: Option<Map<String, Value>>,
    /// Initial password (never shown back).
    password: Option<String>,
    /// Group ids to add the user to.
    group_ids: Option<Vec<String>>,
    /// Activate now (default false: STAGED).
    activate: Option<bool>,
}

fn looks_like_email(s: &str) -> bool {
    let mut parts = s.splitn(2, '@');
    let (local, domain) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !s.contains(char::is_whitespace)
}

async fn create_user(ctx: ToolContext, args: CreateUserArgs) -> Result<ToolOutput, ToolError> {
    for (name, value) in [("first_name", &args.first_name), ("last_name", &args.last_name)] {
        if value.trim().is_empty() {
            return Err(ToolError::invalid_arguments(format!("{name} must not be empty")));
        }
    }
    if !looks_like_email(&args.email) {
        return Err(ToolError::invalid_arguments(format!("email `{}` is not an email address", args.email)));
    }
    let login = args.login.clone().unwrap_or_else(|| args.email.clone());
    if login.trim().is_empty() {
        return Err(ToolError::invalid_arguments("login must not be empty"));
    }
    let mut profile = args.profile.clone().unwrap_or_default();
    for reserved in ["firstName", "lastName", "email", "login"] {
        if profile.contains_key(reserved) {
            return Err(ToolError::invalid_arguments(format!(
                "give {reserved} as its own argument, not inside profile"
            )));
        }
    }
    profile.insert("firstName".into(), json!(args.first_name));
    profile.insert("lastName".into(), json!(args.last_name));
    profile.insert("email".into(), json!(args.email));
    profile.insert("login".into(), json!(login));
    let mut body = json!({ "profile": profile });
    if let Some(password) = &args.password {
        if password.is_empty() {
            return Err(ToolError::invalid_arguments("password must not be empty"));
        }
        body["credentials"] = json!({ "password": { "value": password } });
    }
    if let Some(groups) = &args.group_ids {
        for g in groups {
            check_id("groupId", g)?;
        }
        body["groupIds"] = json!(groups);
    }
    let activate = args.activate.unwrap_or(false);
    let created = ctx
        .okta
        .send(&ops::CREATE_USER, &[], &Query::new().push("activate", activate), Some(&body))
        .await?
        .unwrap_or(Value::Null);
    Ok(ToolOutput::json(json!({ "created": user_summary(&created) })))
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct UpdateUserArgs {
    /// User id (00u…) or login.
    user: String,
    /// Attributes to change, e.g. {"title":"CTO"}; null clears one.
    profile: Map<String, Value>,
}

async fn update_user(ctx: ToolContext, args: UpdateUserArgs) -> Result<ToolOutput, ToolError> {
    if args.profile.is_empty() {
        return Err(ToolError::invalid_arguments("profile must name at least one attribute to change"));
    }
    let before = get_user(&ctx, &args.user).await?;
    let id = str_field(&before, "id")?.to_owned();
    let body = json!({ "profile": args.profile });
    let after = ctx.okta.send(&ops::UPDATE_USER, &[&id], &Query::new(), Some(&body)).await?;
    let after = after.unwrap_or(Value::Null);
    let mut changed = Map::new();
    for key in args.profile.keys() {
        let old = before.pointer(&format!("/profile/{key}")).cloned().unwrap_or(Value::Null);
        let new = after.pointer(&format!("/profile/{key}")).cloned().unwrap_or(Value::Null);
        if old != new {
            changed.insert(key.clone(), json!({ "from": old, "to": new }));
        }
    }
    Ok(ToolOutput::json(json!({ "user": user_summary(&after), "changed": changed })))
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct UserListArgs {
    /// User id (00u…) or login.
    user: String,
    #[serde(flatten)]
    page: ListArgs,
}

async fn get_user_groups(ctx: ToolContext, args: UserListArgs) -> Result<ToolOutput, ToolError> {
    args.page.list(&ctx, &ops::LIST_USER_GROUPS, &[&args.user], Query::new(), GROUP_FIELDS).await
}

async fn get_user_apps(ctx: ToolContext, args: UserArg) -> Result<ToolOutput, ToolError> {
    let links = ctx.okta.get(&ops::LIST_APP_LINKS, &[&args.user], &Query::new()).await?;
    let items: Vec<Value> =
        links.as_array().into_iter().flatten().map(|l| project(l, okta_mcp_kit::me::APP_LINK_FIELDS, &[])).collect();
    Ok(ToolOutput::json(json!({ "count": items.len(), "apps": items })))
}

const ROLE_FIELDS: &[okta_mcp_kit::Field] = &[
    field("id", "id"),
    field("type", "type"),
    field("label", "label"),
    field("status", "status"),
    field("assignmentType", "assignmentType"),
    field("role", "role"),
    field("resource-set", "resource-set"),
];

async fn get_user_roles(ctx: ToolContext, args: UserArg) -> Result<ToolOutput, ToolError> {
    let id = user_id(&ctx, &args.user).await?;
    let roles = ctx.okta.get(&ops::LIST_ASSIGNED_ROLES_FOR_USER, &[&id], &Query::new()).await?;
    let items: Vec<Value> = roles.as_array().into_iter().flatten().map(|r| project(r, ROLE_FIELDS, &[])).collect();
    Ok(ToolOutput::json(json!({ "user": id, "count": items.len(), "roles": items })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert!(looks_like_email("a.b@example.com"));
        assert!(!looks_like_email("a.b@example"));
        assert!(!looks_like_email("@example.com"));
        assert!(!looks_like_email("a b@example.com"));
    }
}
