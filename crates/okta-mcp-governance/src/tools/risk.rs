//! Risk rules (separation of duties, `/governance/api/v1/risk-rules`) and Okta's assessment of what a user would
//! violate with a bundle or entitlement values (`/governance/api/v1/risk-rule-assessments`).

use okta_core::Query;
use okta_mcp_kit::args::{check_id, path};
use okta_mcp_kit::lookup::user_id;
use okta_mcp_kit::output::strip_links;
use okta_mcp_kit::{Access, Field, ListArgs, ToolContext, ToolDef, ToolError, ToolMeta, ToolOutput, field, op};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::common::{get, id_from_orn, list, post};

const READ: &str = "okta.governance.riskRule.read";

/// Compact fields of a risk rule.
const RULE_FIELDS: &[Field] = &[
    field("id", "id"),
    field("name", "name"),
    field("type", "type"),
    field("status", "status"),
    field("description", "description"),
];

pub fn tools() -> Vec<ToolDef> {
    vec![
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_list_risk_rules",
                title: "List risk rules",
                description: "Risk rules (separation of duties) as columns+rows.",
                access: Access::Read,
                toolset: "risk",
                scopes: &[READ],
                operations: &[op!(GET, "/governance/api/v1/risk-rules")],
            },
            list_rules,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_get_risk_rule",
                title: "Get risk rule",
                description: "One risk rule with its conflicting entitlement lists.",
                access: Access::Read,
                toolset: "risk",
                scopes: &[READ],
                operations: &[op!(GET, "/governance/api/v1/risk-rules/{ruleId}")],
            },
            get_rule,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_assess_risk",
                title: "Assess risk",
                description: "Would a user violate a separation-of-duties rule with a bundle or entitlement \
                    values? Okta's assessment; changes nothing.",
                access: Access::Read,
                toolset: "risk",
                scopes: &["okta.users.read", "okta.governance.entitlements.read", READ],
                operations: &[
                    op!(GET, "/api/v1/users/{id}"),
                    op!(GET, "/governance/api/v1/entitlement-bundles/{entitlementBundleId}"),
                    op!(GET, "/governance/api/v1/entitlements/{entitlementId}"),
                    op!(POST, "/governance/api/v1/risk-rule-assessments"),
                ],
            },
            assess_risk,
        ),
    ]
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ListRulesArgs {
    #[serde(flatten)]
    page: ListArgs,
}

async fn list_rules(ctx: ToolContext, args: ListRulesArgs) -> Result<ToolOutput, ToolError> {
    list(&ctx, &args.page, &path("/governance/api/v1/risk-rules", &[])?, Query::new(), RULE_FIELDS).await
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleArg {
    /// Risk rule id.
    rule_id: String,
}

async fn get_rule(ctx: ToolContext, args: RuleArg) -> Result<ToolOutput, ToolError> {
    let rule = get(&ctx, &path("/governance/api/v1/risk-rules/{ruleId}", &[&args.rule_id])?, &Query::new()).await?;
    Ok(ToolOutput::json(strip_links(rule)))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AssessArgs {
    /// User id or login.
    user: String,
    /// Bundle id or ORN (or give entitlement_id and value_ids).
    bundle_id: Option<String>,
    /// Entitlement id or ORN, with value_ids.
    entitlement_id: Option<String>,
    /// Value ids or ORNs (1-20).
    value_ids: Option<Vec<String>>,
}

/// The org id in an ORN (`orn:okta:<service>:<org>:...`).
fn org_of(orn: &str) -> Option<&str> {
    orn.strip_prefix("orn:okta:")?.split(':').nth(1).filter(|s| !s.is_empty())
}

/// What is assessed: the resource ORNs, and a description of them.
async fn resources(ctx: &ToolContext, args: &AssessArgs) -> Result<(Vec<String>, Value), ToolError> {
    match (&args.bundle_id, &args.entitlement_id, &args.value_ids) {
        (Some(b), None, None) => {
            let id = id_from_orn(b.trim());
            check_id("bundle_id", id)?;
            let p = path("/governance/api/v1/entitlement-bundles/{entitlementBundleId}", &[id])?;
            let bundle = get(ctx, &p, &Query::new()).await?;
            let orn = bundle.get("orn").and_then(Value::as_str).unwrap_or_default().to_owned();
            Ok((vec![orn], json!({"bundle": {"id": id, "name": bundle.get("name")}})))
        }
        (None, Some(e), Some(values)) if !values.is_empty() && values.len() <= 20 => {
            let id = id_from_orn(e.trim());
            check_id("entitlement_id", id)?;
            let wanted: Vec<&str> = values.iter().map(|v| id_from_orn(v.trim())).collect();
            for v in &wanted {
                check_id("value_ids", v)?;
            }
            let e = get(ctx, &path("/governance/api/v1/entitlements/{entitlementId}", &[id])?, &Query::new()).await?;
            let known: Vec<&Value> =
                e.get("values").and_then(Value::as_array).map(|a| a.iter().collect()).unwrap_or_default();
            let mut orns = Vec::new();
            let mut names = Vec::new();
            for v in &wanted {
                let Some(k) = known.iter().find(|k| k.get("id").and_then(Value::as_str) == Some(v)) else {
                    return Err(ToolError::refused(format!("{v} is not a value of entitlement {id}")));
                };
                orns.push(k.get("orn").and_then(Value::as_str).unwrap_or_default().to_owned());
                names.push(k.get("name").cloned().unwrap_or(Value::Null));
            }
            Ok((orns, json!({"entitlement": {"id": id, "name": e.get("name")}, "values": names})))
        }
        _ => Err(ToolError::invalid_arguments("give bundle_id, or entitlement_id with 1 to 20 value_ids")),
    }
}

async fn assess_risk(ctx: ToolContext, args: AssessArgs) -> Result<ToolOutput, ToolError> {
    let (orns, what) = resources(&ctx, &args).await?;
    let Some(org) = orns.first().and_then(|o| org_of(o)).map(str::to_owned) else {
        return Err(ToolError::refused("Okta's answer has no ORN for the resource; nothing to assess"));
    };
    let uid = user_id(&ctx, &args.user).await?;
    let mut body = json!({"principalOrn": format!("orn:okta:directory:{org}:users:{uid}")});
    if args.bundle_id.is_some() {
        body["resourceOrn"] = json!(orns[0]);
    } else {
        body["resourceOrnList"] = json!(orns);
    }
    let found = post(&ctx, &path("/governance/api/v1/risk-rule-assessments", &[])?, Some(&body)).await?;
    let violations: Vec<Value> = found
        .as_ref()
        .and_then(|v| v.get("data"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|v| {
            json!({"ruleId": v.get("ruleId"), "ruleName": v.get("ruleName"), "type": v.get("type"),
                   "description": v.get("description"), "conflictCriteria": v.get("conflictCriteria")})
        })
        .collect();
    Ok(ToolOutput::json(json!({
        "user_id": uid,
        "assessed": what,
        "violations": violations,
        "result": if violations.is_empty() {
            "no risk rule would be violated".to_owned()
        } else {
            format!("would violate {} risk rule(s)", violations.len())
        },
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn org_ids_come_from_orns() {
        assert_eq!(org_of("orn:okta:governance:00o1:entitlement-bundles:enb1"), Some("00o1"));
        assert_eq!(org_of("enb1"), None);
    }
}
