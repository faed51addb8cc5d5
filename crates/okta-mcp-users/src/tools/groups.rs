//! Groups: find, read, create, change and delete them; members and assigned apps.

use okta_core::Query;
use okta_mcp_kit::ops;
use okta_mcp_kit::output::strip_links;
use okta_mcp_kit::{Access, Field, ToolContext, ToolDef, ToolError, ToolMeta, ToolOutput, field};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

use okta_mcp_kit::ListArgs;
use okta_mcp_kit::args::{check_id, non_empty, str_field};
use okta_mcp_kit::lookup::{GROUP_FIELDS, USER_FIELDS, user_id};

const APP_FIELDS: &[Field] = &[
    field("id", "id"),
    field("name", "name"),
    field("label", "label"),
    field("status", "status"),
    field("signOnMode", "signOnMode"),
];

pub fn tools() -> Vec<ToolDef> {
    vec![
        ToolDef::new(
            ToolMeta {
                name: "okta_list_groups",
                title: "List groups",
                description: "List groups as columns+rows; next_cursor when there are more. q: name prefix. \
                    filter: type eq \"OKTA_GROUP\"|\"APP_GROUP\"|\"BUILT_IN\", id eq \"…\", lastUpdated gt \"…\"; \
                    search: SCIM expression on any attribute, e.g. profile.name sw \"Eng\".",
                access: Access::Read,
                toolset: "groups",
                operations: &[ops::LIST_GROUPS],
            },
            list_groups,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_get_group",
                title: "Get group",
                description: "One group: name, description, type, dates.",
                access: Access::Read,
                toolset: "groups",
                operations: &[ops::GET_GROUP],
            },
            get_group,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_create_group",
                title: "Create group",
                description: "Create an Okta group (OKTA_GROUP).",
                access: Access::Write,
                toolset: "groups",
                operations: &[ops::ADD_GROUP],
            },
            create_group,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_update_group",
                title: "Update group",
                description: "Rename or redescribe an Okta group; unchanged fields are kept. Shows what changed.",
                access: Access::Write,
                toolset: "groups",
                operations: &[ops::GET_GROUP, ops::REPLACE_GROUP],
            },
            update_group,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_delete_group",
                title: "Delete group",
                description: "Delete an Okta group (OKTA_GROUP only): members lose its app assignments. Cannot be undone.",
                access: Access::Destructive,
                toolset: "groups",
                operations: &[ops::GET_GROUP, ops::DELETE_GROUP],
            },
            delete_group,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_list_group_users",
                title: "List group members",
                description: "Members of a group as columns+rows; next_cursor when there are more.",
                access: Access::Read,
                toolset: "groups",
                operations: &[ops::LIST_GROUP_USERS],
            },
            list_group_users,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_add_user_to_group",
                title: "Add user to group",
                description: "Add a user to an Okta group (OKTA_GROUP).",
                access: Access::Write,
                toolset: "groups",
                operations: &[ops::GET_USER, ops::ASSIGN_USER_TO_GROUP],
            },
            add_user_to_group,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_remove_user_from_group",
                title: "Remove user from group",
                description: "Remove a user from an Okta group: they lose the apps and roles it grants.",
                access: Access::Destructive,
                toolset: "groups",
                operations: &[ops::GET_USER, ops::UNASSIGN_USER_FROM_GROUP],
            },
            remove_user_from_group,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_list_group_apps",
                title: "List group's apps",
                description: "Apps assigned to a group.",
                access: Access::Read,
                toolset: "groups",
                operations: &[ops::LIST_ASSIGNED_APPLICATIONS_FOR_GROUP],
            },
            list_group_apps,
        ),
    ]
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ListGroupsArgs {
    /// Name prefix.
    q: Option<String>,
    /// Filter expression (see description).
    filter: Option<String>,
    /// Search expression (see description).
    search: Option<String>,
    #[serde(flatten)]
    page: ListArgs,
}

async fn list_groups(ctx: ToolContext, args: ListGroupsArgs) -> Result<ToolOutput, ToolError> {
    let query = Query::new()
        .opt("q", non_empty("q", args.q.as_deref())?)
        .opt("filter", non_empty("filter", args.filter.as_deref())?)
        .opt("search", non_empty("search", args.search.as_deref())?);
    args.page.list(&ctx, &ops::LIST_GROUPS, &[], query, GROUP_FIELDS).await
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct GroupArg {
    /// Group id (00g…).
    group_id: String,
}

async fn fetch_group(ctx: &ToolContext, group_id: &str) -> Result<Value, ToolError> {
    ctx.okta.get(&ops::GET_GROUP, &[group_id], &Query::new()).await
}

async fn get_group(ctx: ToolContext, args: GroupArg) -> Result<ToolOutput, ToolError> {
    Ok(ToolOutput::json(strip_links(fetch_group(&ctx, &args.group_id).await?)))
}

fn group_summary(group: &Value) -> Value {
    json!({ "id": group.get("id"), "name": group.pointer("/profile/name"), "type": group.get("type") })
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct CreateGroupArgs {
    /// Group name (unique).
    name: String,
    /// What the group is for.
    description: Option<String>,
}

async fn create_group(ctx: ToolContext, args: CreateGroupArgs) -> Result<ToolOutput, ToolError> {
    if args.name.trim().is_empty() {
        return Err(ToolError::invalid_arguments("name must not be empty"));
    }
    let mut profile = json!({ "name": args.name });
    if let Some(d) = &args.description {
        profile["description"] = json!(d);
    }
    let created = ctx.okta.send(&ops::ADD_GROUP, &[], &Query::new(), Some(&json!({ "profile": profile }))).await?;
    Ok(ToolOutput::json(json!({ "created": created.as_ref().map(group_summary) })))
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct UpdateGroupArgs {
    /// Group id (00g…).
    group_id: String,
    /// New name.
    name: Option<String>,
    /// New description.
    description: Option<String>,
}

/// Only Okta-mastered groups can be changed through the API.
fn require_okta_group(group: &Value, action: &str) -> Result<(), ToolError> {
    match group.get("type").and_then(Value::as_str) {
        Some("OKTA_GROUP") => Ok(()),
        other => Err(ToolError::refused(format!(
            "cannot {action} group {} ({}): it is {}; only OKTA_GROUP groups can be changed through the API \
             (app groups are managed by their app, BUILT_IN groups by Okta). Nothing was changed.",
            group.pointer("/profile/name").and_then(Value::as_str).unwrap_or("?"),
            group.get("id").and_then(Value::as_str).unwrap_or("?"),
            other.unwrap_or("of unknown type")
        ))),
    }
}

async fn update_group(ctx: ToolContext, args: UpdateGroupArgs) -> Result<ToolOutput, ToolError> {
    if args.name.is_none() && args.description.is_none() {
        return Err(ToolError::invalid_arguments("give name and/or description to change"));
    }
    if args.name.as_deref().is_some_and(|n| n.trim().is_empty()) {
        return Err(ToolError::invalid_arguments("name must not be empty"));
    }
    let before = fetch_group(&ctx, &args.group_id).await?;
    require_okta_group(&before, "update")?;
    // PUT replaces the whole profile: start from the current one so nothing is wiped.
    let mut profile = before.get("profile").cloned().unwrap_or_else(|| json!({}));
    let mut changed = serde_json::Map::new();
    for (key, new) in [("name", &args.name), ("description", &args.description)] {
        if let Some(new) = new {
            let old = profile.get(key).cloned().unwrap_or(Value::Null);
            if old != json!(new) {
                changed.insert(key.into(), json!({ "from": old, "to": new }));
            }
            profile[key] = json!(new);
        }
    }
    let id = str_field(&before, "id")?;
    let after = ctx.okta.send(&ops::REPLACE_GROUP, &[id], &Query::new(), Some(&json!({ "profile": profile }))).await?;
    Ok(ToolOutput::json(json!({ "group": after.as_ref().map(group_summary), "changed": changed })))
}

async fn delete_group(ctx: ToolContext, args: GroupArg) -> Result<ToolOutput, ToolError> {
    let group = fetch_group(&ctx, &args.group_id).await?;
    require_okta_group(&group, "delete")?;
    let id = str_field(&group, "id")?;
    ctx.okta.send(&ops::DELETE_GROUP, &[id], &Query::new(), None).await?;
    Ok(ToolOutput::json(json!({ "deleted": group_summary(&group) })))
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct GroupListArgs {
    /// Group id (00g…).
    group_id: String,
    #[serde(flatten)]
    page: ListArgs,
}

async fn list_group_users(ctx: ToolContext, args: GroupListArgs) -> Result<ToolOutput, ToolError> {
    args.page.list(&ctx, &ops::LIST_GROUP_USERS, &[&args.group_id], Query::new(), USER_FIELDS).await
}

async fn list_group_apps(ctx: ToolContext, args: GroupListArgs) -> Result<ToolOutput, ToolError> {
    args.page.list(&ctx, &ops::LIST_ASSIGNED_APPLICATIONS_FOR_GROUP, &[&args.group_id], Query::new(), APP_FIELDS).await
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct MembershipArgs {
    /// Group id (00g…).
    group_id: String,
    /// User id (00u…) or login.
    user: String,
}

async fn add_user_to_group(ctx: ToolContext, args: MembershipArgs) -> Result<ToolOutput, ToolError> {
    check_id("group_id", &args.group_id)?;
    let uid = user_id(&ctx, &args.user).await?;
    ctx.okta.send(&ops::ASSIGN_USER_TO_GROUP, &[&args.group_id, &uid], &Query::new(), None).await?;
    Ok(ToolOutput::json(json!({ "group_id": args.group_id, "user": uid, "result": "added to group" })))
}

async fn remove_user_from_group(ctx: ToolContext, args: MembershipArgs) -> Result<ToolOutput, ToolError> {
    check_id("group_id", &args.group_id)?;
    let uid = user_id(&ctx, &args.user).await?;
    ctx.okta.send(&ops::UNASSIGN_USER_FROM_GROUP, &[&args.group_id, &uid], &Query::new(), None).await?;
    Ok(ToolOutput::json(json!({ "group_id": args.group_id, "user": uid, "result": "removed from group" })))
}
