//! Org policies (sign-on, password, authenticator enrollment, app sign-on, profile enrollment) and their rules.

use okta_core::Query;
use okta_mcp_kit::args::{non_empty, str_field};
use okta_mcp_kit::ops;
use okta_mcp_kit::output::strip_links;
use okta_mcp_kit::{
    Access, Field, ListArgs, ToolContext, ToolDef, ToolError, ToolMeta, ToolOutput, field, list_output,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::rules::RULE_FIELDS;
use crate::objects::{ViewArgs, fetch, is_system, named};
use crate::summary;
use okta_mcp_kit::resource::transition;

const POLICY_FIELDS: &[Field] = &[
    field("id", "id"),
    field("name", "name"),
    field("status", "status"),
    field("priority", "priority"),
    field("system", "system"),
    field("conditions", "summary_conditions"),
];

pub fn tools() -> Vec<ToolDef> {
    vec![
        ToolDef::new(
            ToolMeta {
                name: "okta_list_policies",
                title: "List org policies",
                description: "Org policies of one type by priority, summarized; detail: full JSON.",
                access: Access::Read,
                toolset: "policies",
                operations: &[ops::LIST_POLICIES],
            },
            list_policies,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_get_policy",
                title: "Get org policy",
                description: "One org policy, summarized; detail: full JSON.",
                access: Access::Read,
                toolset: "policies",
                operations: &[ops::GET_POLICY],
            },
            get_policy,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_list_org_policy_rules",
                title: "List org policy rules",
                description: "Rules of an org policy by priority: people, zones, allow/deny, MFA, session.",
                access: Access::Read,
                toolset: "policies",
                operations: &[ops::LIST_POLICY_RULES],
            },
            list_rules,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_get_org_policy_rule",
                title: "Get org policy rule",
                description: "One org policy rule, summarized; detail: full JSON.",
                access: Access::Read,
                toolset: "policies",
                operations: &[ops::GET_POLICY_RULE],
            },
            get_rule,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_activate_policy",
                title: "Activate org policy",
                description: "Activate an INACTIVE org policy.",
                access: Access::Write,
                toolset: "policies",
                operations: &[ops::GET_POLICY, ops::ACTIVATE_POLICY],
            },
            activate_policy,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_deactivate_policy",
                title: "Deactivate org policy",
                description: "Deactivate an org policy (not a default one).",
                access: Access::Destructive,
                toolset: "policies",
                operations: &[ops::GET_POLICY, ops::DEACTIVATE_POLICY],
            },
            deactivate_policy,
        ),
    ]
}

/// Org policy types admins work with.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PolicyType {
    OktaSignOn,
    Password,
    MfaEnroll,
    AccessPolicy,
    ProfileEnrollment,
}

/// Policy status.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Status {
    Active,
    Inactive,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ListPoliciesArgs {
    /// OKTA_SIGN_ON = global session, ACCESS_POLICY = app sign-on.
    r#type: PolicyType,
    /// Only this status.
    status: Option<Status>,
    /// Name contains.
    q: Option<String>,
    #[serde(flatten)]
    page: ListArgs,
}

fn enum_str<T: Serialize>(v: T) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

async fn list_policies(ctx: ToolContext, args: ListPoliciesArgs) -> Result<ToolOutput, ToolError> {
    let view = args.page.view()?;
    let query = Query::new()
        .push("type", enum_str(args.r#type))
        .opt("status", args.status.map(enum_str))
        .opt("q", non_empty("q", args.q.as_deref())?);
    let page = args.page.page(&ctx, &ops::LIST_POLICIES, &[], query).await?;
    let items = if view.detail { page.items } else { summary::with_summary_columns(page.items) };
    Ok(list_output(items, POLICY_FIELDS, &view, page.next))
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct GetPolicyArgs {
    /// Policy id (00p…).
    policy_id: String,
    /// Full Okta JSON instead of the summary.
    detail: Option<bool>,
}

async fn get_policy(ctx: ToolContext, args: GetPolicyArgs) -> Result<ToolOutput, ToolError> {
    let p = fetch(&ctx, &ops::GET_POLICY, &[&args.policy_id]).await?;
    Ok(ToolOutput::json(if args.detail.unwrap_or(false) { strip_links(p) } else { summary::policy(&p) }))
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ListRulesArgs {
    /// Policy id (00p…).
    policy_id: String,
    #[serde(flatten)]
    view: ViewArgs,
}

async fn list_rules(ctx: ToolContext, args: ListRulesArgs) -> Result<ToolOutput, ToolError> {
    let view = args.view.view()?;
    let items = ctx.okta.get(&ops::LIST_POLICY_RULES, &[&args.policy_id], &Query::new()).await?;
    let items = items.as_array().cloned().unwrap_or_default();
    let items = if view.detail { items } else { summary::with_summary_columns(items) };
    Ok(list_output(items, RULE_FIELDS, &view, None))
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct GetRuleArgs {
    /// Policy id (00p…).
    policy_id: String,
    /// Rule id (0pr…).
    rule_id: String,
    /// Full Okta JSON instead of the summary.
    detail: Option<bool>,
}

async fn get_rule(ctx: ToolContext, args: GetRuleArgs) -> Result<ToolOutput, ToolError> {
    let r = fetch(&ctx, &ops::GET_POLICY_RULE, &[&args.policy_id, &args.rule_id]).await?;
    Ok(ToolOutput::json(if args.detail.unwrap_or(false) { strip_links(r) } else { summary::rule(&r) }))
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct PolicyArg {
    /// Policy id (00p…).
    policy_id: String,
}

fn short(p: &Value) -> Value {
    json!({"id": p.get("id"), "name": p.get("name"), "type": p.get("type"), "status": p.get("status"),
           "priority": p.get("priority")})
}

async fn activate_policy(ctx: ToolContext, args: PolicyArg) -> Result<ToolOutput, ToolError> {
    let p = fetch(&ctx, &ops::GET_POLICY, &[&args.policy_id]).await?;
    let id = str_field(&p, "id")?;
    transition(&ctx, "object", &p, true, &ops::ACTIVATE_POLICY, &[id], short).await
}

async fn deactivate_policy(ctx: ToolContext, args: PolicyArg) -> Result<ToolOutput, ToolError> {
    let p = fetch(&ctx, &ops::GET_POLICY, &[&args.policy_id]).await?;
    if is_system(&p) {
        return Err(ToolError::refused(format!(
            "cannot deactivate {}: it is the default policy of its type, which always applies last. Change its \
             rules, or add a policy with a higher priority. Nothing was changed.",
            named(&p)
        )));
    }
    let id = str_field(&p, "id")?;
    transition(&ctx, "object", &p, false, &ops::DEACTIVATE_POLICY, &[id], short).await
}
