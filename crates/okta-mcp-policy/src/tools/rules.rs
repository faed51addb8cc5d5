//! Access policies of an authorization server and their rules (who gets which tokens, for how long).

use okta_core::Query;
use okta_mcp_kit::args::text;
use okta_mcp_kit::args::{check_id, non_empty, str_field};
use okta_mcp_kit::ops;
use okta_mcp_kit::{Access, Field, ToolContext, ToolDef, ToolError, ToolMeta, ToolOutput, field, list_output};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::objects::{ViewArgs, fetch, is_system, named, non_empty_list};
use crate::summary;
use okta_mcp_kit::resource::{Replace, patch_from};

const POLICY_FIELDS: &[Field] = &[
    field("id", "id"),
    field("name", "name"),
    field("status", "status"),
    field("priority", "priority"),
    field("clients", "conditions.clients.include"),
    field("system", "system"),
    field("description", "description"),
];

pub const RULE_FIELDS: &[Field] = &[
    field("id", "id"),
    field("name", "name"),
    field("status", "status"),
    field("priority", "priority"),
    field("conditions", "summary_conditions"),
    field("actions", "summary_actions"),
];

pub fn tools() -> Vec<ToolDef> {
    vec![
        ToolDef::new(
            ToolMeta {
                name: "okta_list_auth_server_policies",
                title: "List auth server policies",
                description: "Access policies of an authorization server, by priority.",
                access: Access::Read,
                toolset: "auth-servers",
                operations: &[ops::LIST_AUTHORIZATION_SERVER_POLICIES],
            },
            list_policies,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_create_auth_server_policy",
                title: "Create auth server policy",
                description: "Create an access policy for some or all clients; then add rules.",
                access: Access::Write,
                toolset: "auth-servers",
                operations: &[ops::CREATE_AUTHORIZATION_SERVER_POLICY],
            },
            create_policy,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_update_auth_server_policy",
                title: "Update auth server policy",
                description: "Change an access policy; the rest is kept. Shows changes.",
                access: Access::Write,
                toolset: "auth-servers",
                operations: &[ops::GET_AUTHORIZATION_SERVER_POLICY, ops::REPLACE_AUTHORIZATION_SERVER_POLICY],
            },
            update_policy,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_delete_auth_server_policy",
                title: "Delete auth server policy",
                description: "Delete an access policy and its rules (not the default one).",
                access: Access::Destructive,
                toolset: "auth-servers",
                operations: &[ops::GET_AUTHORIZATION_SERVER_POLICY, ops::DELETE_AUTHORIZATION_SERVER_POLICY],
            },
            delete_policy,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_list_policy_rules",
                title: "List auth server rules",
                description: "Rules of an access policy by priority, summarized (people, grants, scopes, tokens).",
                access: Access::Read,
                toolset: "auth-servers",
                operations: &[ops::LIST_AUTHORIZATION_SERVER_POLICY_RULES],
            },
            list_rules,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_create_policy_rule",
                title: "Create auth server rule",
                description: "Add a rule: which grant types, scopes and people get tokens, and for how long.",
                access: Access::Write,
                toolset: "auth-servers",
                operations: &[ops::CREATE_AUTHORIZATION_SERVER_POLICY_RULE],
            },
            create_rule,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_update_policy_rule",
                title: "Update auth server rule",
                description: "Change a rule (name, priority, merge patch); the rest is kept. Shows changes.",
                access: Access::Write,
                toolset: "auth-servers",
                operations: &[ops::GET_AUTHORIZATION_SERVER_POLICY_RULE, ops::REPLACE_AUTHORIZATION_SERVER_POLICY_RULE],
            },
            update_rule,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_delete_policy_rule",
                title: "Delete auth server rule",
                description: "Delete an access policy rule (not a default rule).",
                access: Access::Destructive,
                toolset: "auth-servers",
                operations: &[ops::GET_AUTHORIZATION_SERVER_POLICY_RULE, ops::DELETE_AUTHORIZATION_SERVER_POLICY_RULE],
            },
            delete_rule,
        ),
    ]
}

fn policy_summary(p: &Value) -> Value {
    json!({"id": p.get("id"), "name": p.get("name"), "status": p.get("status"), "priority": p.get("priority"),
           "conditions": summary::conditions(p)})
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ServerView {
    /// Auth server id (aus…, or default).
    auth_server_id: String,
    #[serde(flatten)]
    view: ViewArgs,
}

async fn list_policies(ctx: ToolContext, args: ServerView) -> Result<ToolOutput, ToolError> {
    let view = args.view.view()?;
    let items = ctx.okta.get(&ops::LIST_AUTHORIZATION_SERVER_POLICIES, &[&args.auth_server_id], &Query::new()).await?;
    Ok(list_output(items.as_array().cloned().unwrap_or_default(), POLICY_FIELDS, &view, None))
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct CreatePolicyArgs {
    /// Auth server id.
    auth_server_id: String,
    /// Name (1-100 characters).
    name: String,
    /// Description.
    description: String,
    /// Client ids (default ["ALL_CLIENTS"]).
    clients: Option<Vec<String>>,
    /// 1 = first (default: last).
    priority: Option<u32>,
}

async fn create_policy(ctx: ToolContext, args: CreatePolicyArgs) -> Result<ToolOutput, ToolError> {
    text("name", &args.name, 100)?;
    text("description", &args.description, 255)?;
    let clients = args.clients.unwrap_or_else(|| vec!["ALL_CLIENTS".into()]);
    non_empty_list("clients", &clients)?;
    let mut body = json!({"type": "OAUTH_AUTHORIZATION_POLICY", "name": args.name.trim(),
                          "description": args.description.trim(), "status": "ACTIVE",
                          "conditions": {"clients": {"include": clients}}});
    if let Some(p) = args.priority {
        body["priority"] = json!(p.max(1));
    }
    let created = ctx
        .okta
        .send(&ops::CREATE_AUTHORIZATION_SERVER_POLICY, &[&args.auth_server_id], &Query::new(), Some(&body))
        .await?;
    Ok(ToolOutput::json(json!({"created": policy_summary(&created.unwrap_or_default())})))
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct UpdatePolicyArgs {
    /// Auth server id.
    auth_server_id: String,
    /// Policy id (00p…).
    policy_id: String,
    /// New name.
    name: Option<String>,
    /// New description.
    description: Option<String>,
    /// Client ids, or ["ALL_CLIENTS"].
    clients: Option<Vec<String>>,
    /// New priority (1 = first).
    priority: Option<u32>,
    /// Merge patch; null removes.
    changes: Option<Value>,
}

const POLICY_REPLACE: Replace = Replace {
    what: "policy",
    fixed: &[("type", "is fixed"), ("status", "is not changed by this tool")],
    read_only: &["id", "created", "lastUpdated"],
    required: &["name", "description"],
};

async fn update_policy(ctx: ToolContext, args: UpdatePolicyArgs) -> Result<ToolOutput, ToolError> {
    if let Some(c) = &args.clients {
        non_empty_list("clients", c)?;
    }
    let patch = patch_from(
        args.changes.as_ref(),
        vec![
            ("name", args.name.map(Value::from)),
            ("description", args.description.map(Value::from)),
            ("conditions", args.clients.map(|c| json!({"clients": {"include": c}}))),
            ("priority", args.priority.map(|p| json!(p.max(1)))),
        ],
    )?;
    let current = fetch(&ctx, &ops::GET_AUTHORIZATION_SERVER_POLICY, &[&args.auth_server_id, &args.policy_id]).await?;
    let id = str_field(&current, "id")?.to_owned();
    POLICY_REPLACE
        .run(
            &ctx,
            current,
            &ops::REPLACE_AUTHORIZATION_SERVER_POLICY,
            &[&args.auth_server_id, &id],
            &patch,
            policy_summary,
        )
        .await
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct PolicyArg {
    /// Auth server id.
    auth_server_id: String,
    /// Policy id (00p…).
    policy_id: String,
}

async fn delete_policy(ctx: ToolContext, args: PolicyArg) -> Result<ToolOutput, ToolError> {
    let current = fetch(&ctx, &ops::GET_AUTHORIZATION_SERVER_POLICY, &[&args.auth_server_id, &args.policy_id]).await?;
    if is_system(&current) {
        return Err(ToolError::refused(format!(
            "cannot delete policy {}: it is the authorization server's default policy, which Okta keeps. Change \
             its rules instead. Nothing was changed.",
            named(&current)
        )));
    }
    let id = str_field(&current, "id")?;
    ctx.okta.send(&ops::DELETE_AUTHORIZATION_SERVER_POLICY, &[&args.auth_server_id, id], &Query::new(), None).await?;
    Ok(ToolOutput::json(json!({"deleted": policy_summary(&current)})))
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct RulesArgs {
    /// Auth server id.
    auth_server_id: String,
    /// Policy id (00p…).
    policy_id: String,
    #[serde(flatten)]
    view: ViewArgs,
}

async fn list_rules(ctx: ToolContext, args: RulesArgs) -> Result<ToolOutput, ToolError> {
    let view = args.view.view()?;
    let items = ctx
        .okta
        .get(&ops::LIST_AUTHORIZATION_SERVER_POLICY_RULES, &[&args.auth_server_id, &args.policy_id], &Query::new())
        .await?;
    let items = items.as_array().cloned().unwrap_or_default();
    let items = if view.detail { items } else { summary::with_summary_columns(items) };
    Ok(list_output(items, RULE_FIELDS, &view, None))
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct CreateRuleArgs {
    /// Auth server id.
    auth_server_id: String,
    /// Policy id (00p…).
    policy_id: String,
    /// Name.
    name: String,
    /// e.g. ["client_credentials"].
    grant_types: Vec<String>,
    /// Scopes it grants (default ["*"]: any).
    scopes: Option<Vec<String>>,
    /// Group ids (default EVERYONE).
    groups: Option<Vec<String>>,
    /// User ids.
    users: Option<Vec<String>>,
    /// 5-1440 (default 60).
    access_token_minutes: Option<u32>,
    /// Token inline hook id (cal…).
    inline_hook_id: Option<String>,
    /// 1 = first (default: last).
    priority: Option<u32>,
}

pub fn rule_body(args: &CreateRuleArgs) -> Result<Value, ToolError> {
    text("name", &args.name, 255)?;
    non_empty_list("grant_types", &args.grant_types)?;
    let scopes = args.scopes.clone().unwrap_or_else(|| vec!["*".into()]);
    non_empty_list("scopes", &scopes)?;
    let users = args.users.clone().unwrap_or_default();
    let groups = args.groups.clone().unwrap_or_else(|| if users.is_empty() { vec!["EVERYONE".into()] } else { vec![] });
    for id in users.iter().chain(groups.iter()) {
        check_id("groups/users", id)?;
    }
    let access = args.access_token_minutes.unwrap_or(60);
    if !(5..=1440).contains(&access) {
        return Err(ToolError::invalid_arguments(format!(
            "access_token_minutes must be 5 to 1440 (Okta's range), got {access}"
        )));
    }
    let mut token = json!({"accessTokenLifetimeMinutes": access, "refreshTokenLifetimeMinutes": 0,
                           "refreshTokenWindowMinutes": 10080});
    if let Some(hook) = non_empty("inline_hook_id", args.inline_hook_id.as_deref())? {
        check_id("inline_hook_id", hook)?;
        token["inlineHook"] = json!({"id": hook});
    }
    let mut people = json!({});
    if !groups.is_empty() {
        people["groups"] = json!({"include": groups});
    }
    if !users.is_empty() {
        people["users"] = json!({"include": users});
    }
    let mut body = json!({"type": "RESOURCE_ACCESS", "name": args.name.trim(),
        "conditions": {"people": people, "grantTypes": {"include": args.grant_types},
                       "scopes": {"include": scopes}},
        "actions": {"token": token}});
    if let Some(p) = args.priority {
        body["priority"] = json!(p.max(1));
    }
    Ok(body)
}

async fn create_rule(ctx: ToolContext, args: CreateRuleArgs) -> Result<ToolOutput, ToolError> {
    let body = rule_body(&args)?;
    let created = ctx
        .okta
        .send(
            &ops::CREATE_AUTHORIZATION_SERVER_POLICY_RULE,
            &[&args.auth_server_id, &args.policy_id],
            &Query::new(),
            Some(&body),
        )
        .await?;
    Ok(ToolOutput::json(json!({"created": summary::rule(&created.unwrap_or_default())})))
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct UpdateRuleArgs {
    /// Auth server id.
    auth_server_id: String,
    /// Policy id (00p…).
    policy_id: String,
    /// Rule id (0pr…).
    rule_id: String,
    /// New name.
    name: Option<String>,
    /// New priority (1 = first).
    priority: Option<u32>,
    /// Merge patch of the rule; lists replace.
    changes: Option<Value>,
}

const RULE_REPLACE: Replace = Replace {
    what: "rule",
    fixed: &[("type", "is fixed"), ("status", "is not changed by this tool")],
    read_only: &["id", "created", "lastUpdated", "status", "system"],
    required: &["name", "conditions"],
};

async fn update_rule(ctx: ToolContext, args: UpdateRuleArgs) -> Result<ToolOutput, ToolError> {
    let patch = patch_from(
        args.changes.as_ref(),
        vec![("name", args.name.map(Value::from)), ("priority", args.priority.map(|p| json!(p.max(1))))],
    )?;
    if let Some(m) = patch.get("actions").and_then(|a| a.pointer("/token/accessTokenLifetimeMinutes"))
        && m.as_u64().is_none_or(|m| !(5..=1440).contains(&m))
    {
        return Err(ToolError::invalid_arguments("accessTokenLifetimeMinutes must be 5 to 1440 (Okta's range)"));
    }
    let ids = [args.auth_server_id.as_str(), args.policy_id.as_str(), args.rule_id.as_str()];
    let current = fetch(&ctx, &ops::GET_AUTHORIZATION_SERVER_POLICY_RULE, &ids).await?;
    RULE_REPLACE.run(&ctx, current, &ops::REPLACE_AUTHORIZATION_SERVER_POLICY_RULE, &ids, &patch, summary::rule).await
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct RuleArg {
    /// Auth server id.
    auth_server_id: String,
    /// Policy id (00p…).
    policy_id: String,
    /// Rule id (0pr…).
    rule_id: String,
}

async fn delete_rule(ctx: ToolContext, args: RuleArg) -> Result<ToolOutput, ToolError> {
    let ids = [args.auth_server_id.as_str(), args.policy_id.as_str(), args.rule_id.as_str()];
    let current = fetch(&ctx, &ops::GET_AUTHORIZATION_SERVER_POLICY_RULE, &ids).await?;
    if is_system(&current) {
        return Err(ToolError::refused(format!(
            "cannot delete rule {}: it is the policy's default rule, which Okta keeps. Change it with \
             okta_update_policy_rule instead. Nothing was changed.",
            named(&current)
        )));
    }
    ctx.okta.send(&ops::DELETE_AUTHORIZATION_SERVER_POLICY_RULE, &ids, &Query::new(), None).await?;
    Ok(ToolOutput::json(json!({"deleted": summary::rule(&current)})))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args() -> CreateRuleArgs {
        CreateRuleArgs {
            auth_server_id: "default".into(),
            policy_id: "00p1".into(),
            name: "r".into(),
            grant_types: vec!["client_credentials".into()],
            scopes: None,
            groups: None,
            users: None,
            access_token_minutes: None,
            inline_hook_id: None,
            priority: None,
        }
    }

    #[test]
    fn rule_bodies_follow_oktas_shape_and_ranges() {
        let body = rule_body(&args()).unwrap_or_default();
        assert_eq!(body["type"], "RESOURCE_ACCESS");
        assert_eq!(body["conditions"]["people"]["groups"]["include"], json!(["EVERYONE"]));
        assert_eq!(body["conditions"]["scopes"]["include"], json!(["*"]));
        assert_eq!(body["actions"]["token"]["accessTokenLifetimeMinutes"], 60);
        let users = CreateRuleArgs { users: Some(vec!["00u1".into()]), ..args() };
        let body = rule_body(&users).unwrap_or_default();
        assert!(body["conditions"]["people"].get("groups").is_none());
        let short = CreateRuleArgs { access_token_minutes: Some(2), ..args() };
        assert!(rule_body(&short).is_err());
        let none = CreateRuleArgs { grant_types: vec![], ..args() };
        assert!(rule_body(&none).is_err());
    }
}
