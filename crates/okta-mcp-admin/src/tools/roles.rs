//! Admin roles: Okta's standard role types and the org's custom roles and resource sets; roles assigned to users
//! and groups, assigned and removed. Results name the role and who has (or lost) it.

use okta_core::Query;
use okta_mcp_kit::args::NoArgs;
use okta_mcp_kit::args::str_field;
use okta_mcp_kit::lookup::{UserArg, get_user, user_summary};
use okta_mcp_kit::{Access, Field, ToolContext, ToolDef, ToolError, ToolMeta, ToolOutput, field, list_output};
use okta_mcp_kit::{Operation, ops};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::group::{get_group, group_summary};

/// Okta's standard admin role types (the spec's RoleType, without CUSTOM) and their labels.
pub const STANDARD_ROLES: &[(&str, &str)] = &[
    ("SUPER_ADMIN", "Super Administrator"),
    ("ORG_ADMIN", "Organization Administrator"),
    ("APP_ADMIN", "Application Administrator"),
    ("USER_ADMIN", "Group Administrator"),
    ("HELP_DESK_ADMIN", "Help Desk Administrator"),
    ("READ_ONLY_ADMIN", "Read-Only Administrator"),
    ("GROUP_MEMBERSHIP_ADMIN", "Group Membership Administrator"),
    ("REPORT_ADMIN", "Report Administrator"),
    ("API_ACCESS_MANAGEMENT_ADMIN", "API Access Management Administrator"),
    ("WORKFLOWS_ADMIN", "Workflows Administrator"),
    ("ACCESS_CERTIFICATIONS_ADMIN", "Access Certifications Administrator"),
    ("ACCESS_REQUESTS_ADMIN", "Access Requests Administrator"),
];

const ASSIGNMENT_FIELDS: &[Field] = &[
    field("id", "id"),
    field("type", "type"),
    field("label", "label"),
    field("role", "role"),
    field("resourceSet", "resource-set"),
    field("assignmentType", "assignmentType"),
    field("status", "status"),
    field("created", "created"),
];

const ROLE_FIELDS: &[Field] = &[field("id", "id"), field("label", "label"), field("description", "description")];

const USER_ROLE_OPS: &[okta_mcp_kit::Operation] =
    &[ops::GET_USER, ops::LIST_ROLES, ops::LIST_RESOURCE_SETS, ops::ASSIGN_ROLE_TO_USER];

const GROUP_ROLE_OPS: &[okta_mcp_kit::Operation] =
    &[ops::LIST_GROUPS, ops::GET_GROUP, ops::LIST_ROLES, ops::LIST_RESOURCE_SETS, ops::ASSIGN_ROLE_TO_GROUP];

pub fn tools() -> Vec<ToolDef> {
    vec![
        ToolDef::new(
            ToolMeta {
                name: "okta_list_roles",
                title: "List admin roles",
                description: "Okta's standard admin role types, and the org's custom roles and resource sets \
                    (assign a custom role on a resource set).",
                access: Access::Read,
                toolset: "roles",
                operations: &[ops::LIST_ROLES, ops::LIST_RESOURCE_SETS],
            },
            list_roles,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_list_user_admin_roles",
                title: "List user's admin roles",
                description: "Admin roles assigned to a user directly (type, label, custom role and resource set).",
                access: Access::Read,
                toolset: "roles",
                operations: &[ops::GET_USER, ops::LIST_ASSIGNED_ROLES_FOR_USER],
            },
            list_user_roles,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_assign_admin_role_to_user",
                title: "Assign admin role to user",
                description: "Give a user a standard admin role (e.g. HELP_DESK_ADMIN) or a custom role on a \
                    resource set. Names what was assigned.",
                access: Access::Write,
                toolset: "roles",
                operations: USER_ROLE_OPS,
            },
            assign_to_user,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_remove_admin_role_from_user",
                title: "Remove admin role from user",
                description: "Take an admin role away from a user (by assignment id, role type or custom role). \
                    Says which role was removed from whom.",
                access: Access::Destructive,
                toolset: "roles",
                operations: &[
                    ops::GET_USER,
                    ops::LIST_ASSIGNED_ROLES_FOR_USER,
                    ops::GET_USER_ASSIGNED_ROLE,
                    ops::UNASSIGN_ROLE_FROM_USER,
                ],
            },
            remove_from_user,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_list_group_admin_roles",
                title: "List group's admin roles",
                description: "Admin roles assigned to a group (every member holds them).",
                access: Access::Read,
                toolset: "roles",
                operations: &[ops::LIST_GROUPS, ops::GET_GROUP, ops::LIST_GROUP_ASSIGNED_ROLES],
            },
            list_group_roles,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_assign_admin_role_to_group",
                title: "Assign admin role to group",
                description: "Give a group a standard admin role or a custom role on a resource set: every member \
                    holds it. Okta groups only (not Everyone or app groups).",
                access: Access::Write,
                toolset: "roles",
                operations: GROUP_ROLE_OPS,
            },
            assign_to_group,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_remove_admin_role_from_group",
                title: "Remove admin role from group",
                description: "Take an admin role away from a group (by assignment id, role type or custom role): \
                    its members lose it.",
                access: Access::Destructive,
                toolset: "roles",
                operations: &[
                    ops::LIST_GROUPS,
                    ops::GET_GROUP,
                    ops::LIST_GROUP_ASSIGNED_ROLES,
                    ops::UNASSIGN_ROLE_FROM_GROUP,
                ],
            },
            remove_from_group,
        ),
    ]
}

async fn list_roles(ctx: ToolContext, _args: NoArgs) -> Result<ToolOutput, ToolError> {
    let roles = ctx.okta.get(&ops::LIST_ROLES, &[], &Query::new()).await?;
    let sets = ctx.okta.get(&ops::LIST_RESOURCE_SETS, &[], &Query::new()).await?;
    let items = |v: &Value, key: &str| v.get(key).and_then(Value::as_array).cloned().unwrap_or_default();
    let standard: Vec<Value> = STANDARD_ROLES.iter().map(|(t, l)| json!([t, l])).collect();
    Ok(ToolOutput::json(json!({
        "standard": {"columns": ["type", "label"], "rows": standard},
        "custom_roles": list_output(items(&roles, "roles"), ROLE_FIELDS, &Default::default(), None).value,
        "resource_sets": list_output(items(&sets, "resource-sets"), ROLE_FIELDS, &Default::default(), None).value,
        "more": roles.pointer("/_links/next").is_some() || sets.pointer("/_links/next").is_some(),
    })))
}

fn assignments(list: Value) -> Value {
    let items = list.as_array().cloned().unwrap_or_default();
    list_output(items, ASSIGNMENT_FIELDS, &Default::default(), None).value
}

async fn list_user_roles(ctx: ToolContext, args: UserArg) -> Result<ToolOutput, ToolError> {
    let user = get_user(&ctx, &args.user).await?;
    let id = str_field(&user, "id")?;
    let roles = ctx.okta.get(&ops::LIST_ASSIGNED_ROLES_FOR_USER, &[id], &Query::new()).await?;
    Ok(ToolOutput::json(json!({ "user": user_summary(&user), "roles": assignments(roles) })))
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct AssignUserArgs {
    /// User id (00u…) or login.
    user: String,
    /// Standard role type or label (HELP_DESK_ADMIN), or custom role id or label.
    role: String,
    /// Resource set id or label (custom roles).
    resource_set: Option<String>,
}

/// A standard role type from its type or label (case and spaces ignored).
pub fn standard_role(role: &str) -> Option<(&'static str, &'static str)> {
    let norm = |s: &str| s.to_ascii_uppercase().replace([' ', '-', '_'], "");
    let wanted = norm(role);
    STANDARD_ROLES.iter().copied().find(|(t, l)| norm(t) == wanted || norm(l) == wanted)
}

/// The body of a role assignment, and the role as people name it.
async fn role_request(ctx: &ToolContext, role: &str, resource_set: Option<&str>) -> Result<(Value, Value), ToolError> {
    if role.trim().is_empty() {
        return Err(ToolError::invalid_arguments("role must not be empty"));
    }
    if let Some((role_type, label)) = standard_role(role) {
        if resource_set.is_some() {
            return Err(ToolError::invalid_arguments(format!(
                "{role_type} is a standard role: it takes no resource_set (only custom roles do)"
            )));
        }
        return Ok((json!({"type": role_type}), json!({"type": role_type, "label": label})));
    }
    // Labels may hold spaces, which cannot be path segments: find the role and the set in their lists.
    let custom = find_named(ctx, &ops::LIST_ROLES, "roles", role).await?.ok_or_else(|| {
        ToolError::refused(format!(
            "`{role}` is neither a standard role type ({}) nor a custom role of this org (see okta_list_roles)",
            STANDARD_ROLES.iter().map(|(t, _)| *t).collect::<Vec<_>>().join(", ")
        ))
    })?;
    let Some(set_key) = resource_set.filter(|s| !s.trim().is_empty()) else {
        return Err(ToolError::invalid_arguments(format!(
            "`{}` is a custom role: give resource_set (the resources it applies to; see okta_list_roles)",
            custom["label"].as_str().unwrap_or(role)
        )));
    };
    let set = find_named(ctx, &ops::LIST_RESOURCE_SETS, "resource-sets", set_key).await?.ok_or_else(|| {
        ToolError::refused(format!("`{set_key}` is not a resource set of this org (see okta_list_roles)"))
    })?;
    let (role_id, set_id) = (str_field(&custom, "id")?, str_field(&set, "id")?);
    Ok((
        json!({"type": "CUSTOM", "role": role_id, "resource-set": set_id}),
        json!({"type": "CUSTOM", "label": custom.get("label"), "role": role_id,
               "resource_set": {"id": set_id, "label": set.get("label")}}),
    ))
}

/// An item of a custom role or resource set list by id or label (case-insensitive).
async fn find_named(ctx: &ToolContext, list: &Operation, key: &str, wanted: &str) -> Result<Option<Value>, ToolError> {
    let list = ctx.okta.get(list, &[], &Query::new()).await?;
    let wanted = wanted.trim();
    Ok(list
        .get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|r| {
            r.get("id").and_then(Value::as_str) == Some(wanted)
                || r.get("label").and_then(Value::as_str).is_some_and(|l| l.eq_ignore_ascii_case(wanted))
        })
        .cloned())
}

fn assigned(answer: Option<Value>, named: Value) -> Value {
    let answer = answer.unwrap_or(Value::Null);
    let mut out = named;
    out["assignment_id"] = answer.get("id").cloned().unwrap_or(Value::Null);
    if let Some(label) = answer.get("label").filter(|l| l.is_string()) {
        out["label"] = label.clone();
    }
    out
}

async fn assign_to_user(ctx: ToolContext, args: AssignUserArgs) -> Result<ToolOutput, ToolError> {
    let user = get_user(&ctx, &args.user).await?;
    let id = str_field(&user, "id")?.to_owned();
    let (body, named) = role_request(&ctx, &args.role, args.resource_set.as_deref()).await?;
    let answer = ctx.okta.send(&ops::ASSIGN_ROLE_TO_USER, &[&id], &Query::new(), Some(&body)).await?;
    Ok(ToolOutput::json(json!({ "assigned": assigned(answer, named), "to": user_summary(&user) })))
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct RemoveUserArgs {
    /// User id (00u…) or login.
    user: String,
    /// Assignment id, standard role type or label, or custom role id or label.
    role: String,
}

/// The one assignment `role` names among `list`: by assignment id, standard type or label, custom role id or
/// label.
fn pick_assignment<'a>(list: &'a [Value], role: &str, whose: &str) -> Result<Option<&'a Value>, ToolError> {
    let standard = standard_role(role).map(|(t, _)| t);
    let s = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or_default().to_owned();
    let matches: Vec<&Value> = list
        .iter()
        .filter(|a| {
            s(a, "id") == role
                || (standard.is_some() && standard == Some(s(a, "type").as_str()))
                || (s(a, "type") == "CUSTOM" && (s(a, "role") == role || s(a, "label").eq_ignore_ascii_case(role)))
        })
        .collect();
    match matches.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(one)),
        many => Err(ToolError::refused(format!(
            "`{role}` matches {} assignments of {whose}: {}. Give the assignment id. Nothing was changed.",
            many.len(),
            many.iter()
                .map(|a| format!("{} ({} {})", s(a, "id"), s(a, "label"), s(a, "resource-set")))
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

fn role_names(list: &[Value]) -> Vec<Value> {
    list.iter().map(|a| json!({"id": a.get("id"), "type": a.get("type"), "label": a.get("label")})).collect()
}

fn removed(a: &Value) -> Value {
    let mut out = json!({"assignment_id": a.get("id"), "type": a.get("type"), "label": a.get("label")});
    if a.get("type").and_then(Value::as_str) == Some("CUSTOM") {
        out["role"] = a.get("role").cloned().unwrap_or(Value::Null);
        out["resource_set"] = a.get("resource-set").cloned().unwrap_or(Value::Null);
    }
    out
}

async fn remove_from_user(ctx: ToolContext, args: RemoveUserArgs) -> Result<ToolOutput, ToolError> {
    let user = get_user(&ctx, &args.user).await?;
    let id = str_field(&user, "id")?.to_owned();
    let login = user.pointer("/profile/login").and_then(Value::as_str).unwrap_or(&id).to_owned();
    let list = ctx.okta.get(&ops::LIST_ASSIGNED_ROLES_FOR_USER, &[&id], &Query::new()).await?;
    let list = list.as_array().cloned().unwrap_or_default();
    let assignment = match pick_assignment(&list, args.role.trim(), &login)? {
        Some(a) => a.clone(),
        // A custom role assigned through a binding may be missing from the list: read it by assignment id.
        None if standard_role(&args.role).is_none() => {
            match ctx.okta.get(&ops::GET_USER_ASSIGNED_ROLE, &[&id, args.role.trim()], &Query::new()).await {
                Ok(a) => a,
                Err(e) if e.okta_error_code() == Some("E0000007") => {
                    return Err(not_assigned(&args.role, &login, &list));
                }
                Err(e) => return Err(e),
            }
        }
        None => return Err(not_assigned(&args.role, &login, &list)),
    };
    let ra = str_field(&assignment, "id")?.to_owned();
    ctx.okta.send(&ops::UNASSIGN_ROLE_FROM_USER, &[&id, &ra], &Query::new(), None).await?;
    let remaining: Vec<Value> =
        role_names(&list).into_iter().filter(|r| r.get("id").and_then(Value::as_str) != Some(&ra)).collect();
    Ok(ToolOutput::json(
        json!({ "removed": removed(&assignment), "from": user_summary(&user), "remaining": remaining }),
    ))
}

fn not_assigned(role: &str, whose: &str, list: &[Value]) -> ToolError {
    let held: Vec<String> = list
        .iter()
        .map(|a| format!("{} ({})", a["label"].as_str().unwrap_or_default(), a["id"].as_str().unwrap_or_default()))
        .collect();
    ToolError::refused(format!(
        "{whose} has no admin role matching `{role}`; their roles: {}. Nothing was changed.",
        if held.is_empty() { "none".to_owned() } else { held.join(", ") }
    ))
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct GroupArg {
    /// Group id (00g…) or exact name.
    group: String,
}

async fn list_group_roles(ctx: ToolContext, args: GroupArg) -> Result<ToolOutput, ToolError> {
    let group = get_group(&ctx, &args.group).await?;
    let id = str_field(&group, "id")?;
    let roles = ctx.okta.get(&ops::LIST_GROUP_ASSIGNED_ROLES, &[id], &Query::new()).await?;
    Ok(ToolOutput::json(json!({ "group": group_summary(&group), "roles": assignments(roles) })))
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct AssignGroupArgs {
    /// Group id (00g…) or exact name.
    group: String,
    /// Standard role type or label (HELP_DESK_ADMIN), or custom role id or label.
    role: String,
    /// Resource set id or label (custom roles).
    resource_set: Option<String>,
}

async fn assign_to_group(ctx: ToolContext, args: AssignGroupArgs) -> Result<ToolOutput, ToolError> {
    let group = get_group(&ctx, &args.group).await?;
    let id = str_field(&group, "id")?.to_owned();
    let kind = group.get("type").and_then(Value::as_str).unwrap_or("OKTA_GROUP");
    if kind == "BUILT_IN" || kind == "APP_GROUP" {
        return Err(ToolError::refused(format!(
            "{} is a {kind} group: Okta grants admin roles only to Okta groups (and AD/LDAP groups), not to Everyone \
             or app groups. Nothing was changed.",
            group.pointer("/profile/name").and_then(Value::as_str).unwrap_or(&id)
        )));
    }
    let (body, named) = role_request(&ctx, &args.role, args.resource_set.as_deref()).await?;
    let answer = ctx.okta.send(&ops::ASSIGN_ROLE_TO_GROUP, &[&id], &Query::new(), Some(&body)).await?;
    Ok(ToolOutput::json(json!({ "assigned": assigned(answer, named), "to": group_summary(&group) })))
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct RemoveGroupArgs {
    /// Group id (00g…) or exact name.
    group: String,
    /// Assignment id, standard role type or label, or custom role id or label.
    role: String,
}

async fn remove_from_group(ctx: ToolContext, args: RemoveGroupArgs) -> Result<ToolOutput, ToolError> {
    let group = get_group(&ctx, &args.group).await?;
    let id = str_field(&group, "id")?.to_owned();
    let name = group.pointer("/profile/name").and_then(Value::as_str).unwrap_or(&id).to_owned();
    let list = ctx.okta.get(&ops::LIST_GROUP_ASSIGNED_ROLES, &[&id], &Query::new()).await?;
    let list = list.as_array().cloned().unwrap_or_default();
    let Some(assignment) = pick_assignment(&list, args.role.trim(), &name)?.cloned() else {
        return Err(not_assigned(&args.role, &name, &list));
    };
    let ra = str_field(&assignment, "id")?.to_owned();
    ctx.okta.send(&ops::UNASSIGN_ROLE_FROM_GROUP, &[&id, &ra], &Query::new(), None).await?;
    let remaining: Vec<Value> =
        role_names(&list).into_iter().filter(|r| r.get("id").and_then(Value::as_str) != Some(&ra)).collect();
    Ok(ToolOutput::json(
        json!({ "removed": removed(&assignment), "from": group_summary(&group), "remaining": remaining }),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_roles_by_type_or_label() {
        assert_eq!(standard_role("HELP_DESK_ADMIN").map(|r| r.0), Some("HELP_DESK_ADMIN"));
        assert_eq!(standard_role("help desk administrator").map(|r| r.0), Some("HELP_DESK_ADMIN"));
        assert_eq!(standard_role("read-only administrator").map(|r| r.0), Some("READ_ONLY_ADMIN"));
        assert_eq!(standard_role("User Creator"), None);
    }

    #[test]
    fn assignments_are_picked_by_id_type_or_custom_role() {
        let list = vec![
            json!({"id": "ra1", "type": "HELP_DESK_ADMIN", "label": "Help Desk Administrator"}),
            json!({"id": "irb1", "type": "CUSTOM", "label": "User Creator", "role": "cr01", "resource-set": "iam1"}),
            json!({"id": "irb2", "type": "CUSTOM", "label": "User Creator", "role": "cr01", "resource-set": "iam2"}),
        ];
        let id = |r: &str| pick_assignment(&list, r, "x").ok().flatten().map(|a| a["id"].clone());
        assert_eq!(id("HELP_DESK_ADMIN"), Some(json!("ra1")));
        assert_eq!(id("irb2"), Some(json!("irb2")));
        assert_eq!(id("ORG_ADMIN"), None);
        let ambiguous = pick_assignment(&list, "user creator", "x").err().map(|e| e.to_string()).unwrap_or_default();
        assert!(ambiguous.contains("matches 2 assignments"), "{ambiguous}");
    }
}
