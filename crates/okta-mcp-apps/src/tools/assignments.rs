//! Who is assigned to an app: users (directly or through a group) and groups.

use okta_core::Query;
use okta_mcp_kit::args::{check_id, non_empty};
use okta_mcp_kit::lookup::user_id;
use okta_mcp_kit::ops;
use okta_mcp_kit::output::strip_links;
use okta_mcp_kit::{Access, Field, ListArgs, ToolContext, ToolDef, ToolError, ToolMeta, ToolOutput, field};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use okta_mcp_kit::merge::changes;
use okta_mcp_kit::redact::redact;

/// Compact fields of an app user.
const APP_USER_FIELDS: &[Field] = &[
    field("id", "id"),
    field("userName", "credentials.userName"),
    field("scope", "scope"),
    field("status", "status"),
    field("created", "created"),
];

/// Compact fields of a group assignment (the name comes from `expand=group`).
const APP_GROUP_FIELDS: &[Field] = &[
    field("id", "id"),
    field("name", "_embedded.group.profile.name"),
    field("priority", "priority"),
    field("lastUpdated", "lastUpdated"),
];

pub fn tools() -> Vec<ToolDef> {
    vec![
        ToolDef::new(
            ToolMeta {
                name: "okta_list_app_users",
                title: "List app users",
                description: "Users of an app as columns+rows; scope USER (direct) or GROUP (via a group). q: \
                    name/email prefix.",
                access: Access::Read,
                toolset: "assignments",
                operations: &[ops::LIST_APPLICATION_USERS],
            },
            list_app_users,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_get_app_user",
                title: "Get app user",
                description: "One user's assignment to an app: userName, scope, status, app profile.",
                access: Access::Read,
                toolset: "assignments",
                operations: &[ops::GET_USER, ops::GET_APPLICATION_USER],
            },
            get_app_user,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_assign_user_to_app",
                title: "Assign user to app",
                description: "Assign a user to an app directly, optionally with its userName and app profile.",
                access: Access::Write,
                toolset: "assignments",
                operations: &[ops::GET_USER, ops::ASSIGN_USER_TO_APPLICATION],
            },
            assign_user_to_app,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_update_app_user",
                title: "Update app user",
                description: "Change a user's userName or app profile attributes; others are kept. Shows what \
                    changed.",
                access: Access::Write,
                toolset: "assignments",
                operations: &[ops::GET_USER, ops::GET_APPLICATION_USER, ops::UPDATE_APPLICATION_USER],
            },
            update_app_user,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_remove_user_from_app",
                title: "Remove user from app",
                description: "Unassign a directly assigned user from an app (a group's members keep it: \
                    unassign the group).",
                access: Access::Destructive,
                toolset: "assignments",
                operations: &[ops::GET_USER, ops::GET_APPLICATION_USER, ops::UNASSIGN_USER_FROM_APPLICATION],
            },
            remove_user_from_app,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_list_app_groups",
                title: "List app groups",
                description: "Groups of an app with name and priority, as columns+rows. q: name prefix.",
                access: Access::Read,
                toolset: "assignments",
                operations: &[ops::LIST_APPLICATION_GROUP_ASSIGNMENTS],
            },
            list_app_groups,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_get_app_group",
                title: "Get app group",
                description: "One group's assignment to an app: group name, priority, app profile.",
                access: Access::Read,
                toolset: "assignments",
                operations: &[ops::GET_APPLICATION_GROUP_ASSIGNMENT],
            },
            get_app_group,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_assign_group_to_app",
                title: "Assign group to app",
                description: "Assign a group to an app (members get it), with optional priority and app \
                    profile; again to update them.",
                access: Access::Write,
                toolset: "assignments",
                operations: &[ops::ASSIGN_GROUP_TO_APPLICATION],
            },
            assign_group_to_app,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_remove_group_from_app",
                title: "Remove group from app",
                description: "Unassign a group from an app: its members lose the app unless assigned otherwise.",
                access: Access::Destructive,
                toolset: "assignments",
                operations: &[ops::UNASSIGN_APPLICATION_FROM_GROUP],
            },
            remove_group_from_app,
        ),
    ]
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct AppListArgs {
    /// App id (0oa…).
    app_id: String,
    /// Prefix to match (see description).
    q: Option<String>,
    #[serde(flatten)]
    page: ListArgs,
}

async fn list_app_users(ctx: ToolContext, args: AppListArgs) -> Result<ToolOutput, ToolError> {
    let query = Query::new().opt("q", non_empty("q", args.q.as_deref())?);
    args.page.list(&ctx, &ops::LIST_APPLICATION_USERS, &[&args.app_id], query, APP_USER_FIELDS).await
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct AppUserArgs {
    /// App id (0oa…).
    app_id: String,
    /// User id (00u…) or login.
    user: String,
}

async fn fetch_app_user(ctx: &ToolContext, app_id: &str, uid: &str) -> Result<Value, ToolError> {
    let value = ctx.okta.get(&ops::GET_APPLICATION_USER, &[app_id, uid], &Query::new()).await?;
    Ok(value)
}

async fn get_app_user(ctx: ToolContext, args: AppUserArgs) -> Result<ToolOutput, ToolError> {
    check_id("app_id", &args.app_id)?;
    let uid = user_id(&ctx, &args.user).await?;
    Ok(ToolOutput::json(redact(strip_links(fetch_app_user(&ctx, &args.app_id, &uid).await?))))
}

fn app_user_summary(app_user: &Value) -> Value {
    json!({
        "id": app_user.get("id"),
        "userName": app_user.pointer("/credentials/userName"),
        "scope": app_user.get("scope"),
        "status": app_user.get("status"),
    })
}

fn profile_arg(profile: &Option<Value>) -> Result<Option<&Map<String, Value>>, ToolError> {
    match profile {
        None => Ok(None),
        Some(Value::Object(p)) => Ok(Some(p)),
        Some(_) => Err(ToolError::invalid_arguments("profile must be an object of app profile attributes")),
    }
}

fn user_name_arg(user_name: &Option<String>) -> Result<Option<&str>, ToolError> {
    match user_name.as_deref() {
        Some(n) if n.trim().is_empty() || n.len() > 100 => {
            Err(ToolError::invalid_arguments("user_name must be 1 to 100 characters"))
        }
        other => Ok(other),
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct AssignUserArgs {
    /// App id (0oa…).
    app_id: String,
    /// User id (00u…) or login.
    user: String,
    /// Username in the app (default: app's template).
    user_name: Option<String>,
    /// App profile attributes.
    profile: Option<Value>,
}

async fn assign_user_to_app(ctx: ToolContext, args: AssignUserArgs) -> Result<ToolOutput, ToolError> {
    check_id("app_id", &args.app_id)?;
    let profile = profile_arg(&args.profile)?;
    let user_name = user_name_arg(&args.user_name)?;
    let uid = user_id(&ctx, &args.user).await?;
    let mut body = json!({ "id": uid, "scope": "USER" });
    if let Some(name) = user_name {
        body["credentials"] = json!({ "userName": name });
    }
    if let Some(p) = profile {
        body["profile"] = Value::Object(p.clone());
    }
    let assigned = ctx.okta.send(&ops::ASSIGN_USER_TO_APPLICATION, &[&args.app_id], &Query::new(), Some(&body)).await?;
    Ok(ToolOutput::json(json!({
        "app_id": args.app_id,
        "app_user": assigned.as_ref().map(app_user_summary),
        "result": "assigned to app",
    })))
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct UpdateAppUserArgs {
    /// App id (0oa…).
    app_id: String,
    /// User id (00u…) or login.
    user: String,
    /// New username in the app.
    user_name: Option<String>,
    /// Attributes to set (null removes).
    profile: Option<Value>,
}

async fn update_app_user(ctx: ToolContext, args: UpdateAppUserArgs) -> Result<ToolOutput, ToolError> {
    check_id("app_id", &args.app_id)?;
    let patch = profile_arg(&args.profile)?;
    let user_name = user_name_arg(&args.user_name)?;
    if patch.is_none() && user_name.is_none() {
        return Err(ToolError::invalid_arguments("give user_name and/or profile to change"));
    }
    let uid = user_id(&ctx, &args.user).await?;
    let before = fetch_app_user(&ctx, &args.app_id, &uid).await?;
    let mut body = Map::new();
    let mut after = json!({
        "userName": before.pointer("/credentials/userName"),
        "profile": before.get("profile").cloned().unwrap_or_else(|| json!({})),
    });
    let compared = after.clone();
    if let Some(name) = user_name {
        body.insert("credentials".into(), json!({ "userName": name }));
        after["userName"] = json!(name);
    }
    if let Some(patch) = patch {
        // Send the whole profile with the change, so no attribute depends on how Okta merges.
        // Removed attributes are sent as null, so they go whether Okta merges or replaces.
        let mut profile = after["profile"].as_object().cloned().unwrap_or_default();
        let mut sent = profile.clone();
        for (k, v) in patch {
            if v.is_null() {
                profile.remove(k);
            } else {
                profile.insert(k.clone(), v.clone());
            }
            sent.insert(k.clone(), v.clone());
        }
        after["profile"] = Value::Object(profile);
        body.insert("profile".into(), Value::Object(sent));
    }
    let changed = changes(&compared, &after);
    if changed.is_empty() {
        return Ok(ToolOutput::json(json!({
            "app_user": app_user_summary(&before), "changed": {}, "result": "already so; nothing sent"
        })));
    }
    let saved = ctx
        .okta
        .send(&ops::UPDATE_APPLICATION_USER, &[&args.app_id, &uid], &Query::new(), Some(&Value::Object(body)))
        .await?;
    Ok(ToolOutput::json(json!({
        "app_user": app_user_summary(saved.as_ref().unwrap_or(&before)),
        "changed": changed,
    })))
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct RemoveUserArgs {
    /// App id (0oa…).
    app_id: String,
    /// User id (00u…) or login.
    user: String,
    /// Email the user about it (default false).
    send_email: Option<bool>,
}

async fn remove_user_from_app(ctx: ToolContext, args: RemoveUserArgs) -> Result<ToolOutput, ToolError> {
    check_id("app_id", &args.app_id)?;
    let uid = user_id(&ctx, &args.user).await?;
    let assigned = fetch_app_user(&ctx, &args.app_id, &uid).await?;
    if assigned.get("scope").and_then(Value::as_str) == Some("GROUP") {
        let group = assigned.pointer("/_links/group/href").and_then(Value::as_str).and_then(|h| h.rsplit('/').next());
        return Err(ToolError::refused(format!(
            "user {uid} has app {} through group {}, not directly: unassign that group from the app \
             (okta_remove_group_from_app) or remove the user from the group. Nothing was changed.",
            args.app_id,
            group.unwrap_or("(see okta_list_app_groups)")
        )));
    }
    ctx.okta
        .send(
            &ops::UNASSIGN_USER_FROM_APPLICATION,
            &[&args.app_id, &uid],
            &Query::new().push("sendEmail", args.send_email.unwrap_or(false)),
            None,
        )
        .await?;
    Ok(ToolOutput::json(json!({
        "app_id": args.app_id, "app_user": app_user_summary(&assigned), "result": "removed from app"
    })))
}

async fn list_app_groups(ctx: ToolContext, args: AppListArgs) -> Result<ToolOutput, ToolError> {
    let query = Query::new().opt("q", non_empty("q", args.q.as_deref())?).push("expand", "group");
    args.page.list(&ctx, &ops::LIST_APPLICATION_GROUP_ASSIGNMENTS, &[&args.app_id], query, APP_GROUP_FIELDS).await
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct AppGroupArgs {
    /// App id (0oa…).
    app_id: String,
    /// Group id (00g…).
    group_id: String,
}

fn group_assignment(v: &Value) -> Value {
    json!({
        "group_id": v.get("id"),
        "name": v.pointer("/_embedded/group/profile/name"),
        "priority": v.get("priority"),
        "profile": v.get("profile"),
        "lastUpdated": v.get("lastUpdated"),
    })
}

async fn get_app_group(ctx: ToolContext, args: AppGroupArgs) -> Result<ToolOutput, ToolError> {
    let v = ctx
        .okta
        .get(
            &ops::GET_APPLICATION_GROUP_ASSIGNMENT,
            &[&args.app_id, &args.group_id],
            &Query::new().push("expand", "group"),
        )
        .await?;
    Ok(ToolOutput::json(group_assignment(&v)))
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct AssignGroupArgs {
    /// App id (0oa…).
    app_id: String,
    /// Group id (00g…).
    group_id: String,
    /// Priority among the app's groups (0 = highest).
    priority: Option<u32>,
    /// App profile for its members.
    profile: Option<Value>,
}

async fn assign_group_to_app(ctx: ToolContext, args: AssignGroupArgs) -> Result<ToolOutput, ToolError> {
    let profile = profile_arg(&args.profile)?;
    let mut body = json!({});
    if let Some(priority) = args.priority {
        body["priority"] = json!(priority);
    }
    if let Some(profile) = profile {
        body["profile"] = Value::Object(profile.clone());
    }
    let saved = ctx
        .okta
        .send(&ops::ASSIGN_GROUP_TO_APPLICATION, &[&args.app_id, &args.group_id], &Query::new(), Some(&body))
        .await?;
    Ok(ToolOutput::json(json!({
        "app_id": args.app_id,
        "assignment": saved.as_ref().map(group_assignment),
        "result": "group assigned to app",
    })))
}

async fn remove_group_from_app(ctx: ToolContext, args: AppGroupArgs) -> Result<ToolOutput, ToolError> {
    ctx.okta.send(&ops::UNASSIGN_APPLICATION_FROM_GROUP, &[&args.app_id, &args.group_id], &Query::new(), None).await?;
    Ok(ToolOutput::json(json!({
        "app_id": args.app_id, "group_id": args.group_id, "result": "group unassigned from app"
    })))
}
