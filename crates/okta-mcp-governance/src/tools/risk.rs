//! Risk rules (separation of duties, `/governance/api/v1/risk-rules`): list, read, create, update
//! (read-merge-PUT), delete; and Okta's assessment of what a user would violate with a bundle or entitlement values
//! (`/governance/api/v1/risk-rule-assessments`).

use okta_core::Query;
use okta_mcp_kit::args::check_id;
use okta_mcp_kit::args::text;
use okta_mcp_kit::lookup::user_id;
use okta_mcp_kit::output::strip_links;
use okta_mcp_kit::{Access, Field, ListArgs, ToolContext, ToolDef, ToolError, ToolMeta, ToolOutput, field};
use okta_mcp_kit::{ops, orn};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::args::{app_arg, entitlement_arg};
use crate::tools::entitlements::{AppCatalog, AppValue, app_catalog, grouped, value_specs};

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
                description: "Risk rules (separation of duties).",
                access: Access::Read,
                toolset: "risk",
                operations: &[ops::LIST_RISK_RULES],
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
                operations: &[ops::GET_RISK_RULE],
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
                operations: &[
                    ops::GET_USER,
                    ops::LIST_ENTITLEMENT_BUNDLES,
                    ops::GET_ENTITLEMENT_BUNDLE,
                    ops::GET_ENTITLEMENT,
                    ops::GENERATE_POTENTIAL_RISK_ASSESSMENTS,
                ],
            },
            assess_risk,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_create_risk_rule",
                title: "Create risk rule",
                description: "Separation of duties: holding list1 and list2 values together is a conflict.",
                access: Access::Write,
                toolset: "risk",
                operations: &[ops::LIST_ENTITLEMENTS, ops::LIST_ENTITLEMENT_VALUES, ops::CREATE_RISK_RULE],
            },
            create_rule,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_update_risk_rule",
                title: "Update risk rule",
                description: "Change a risk rule's name, description or lists.",
                access: Access::Write,
                toolset: "risk",
                operations: &[
                    ops::GET_RISK_RULE,
                    ops::LIST_ENTITLEMENTS,
                    ops::LIST_ENTITLEMENT_VALUES,
                    ops::REPLACE_RISK_RULE,
                ],
            },
            update_rule,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_delete_risk_rule",
                title: "Delete risk rule",
                description: "Delete a risk rule.",
                access: Access::Destructive,
                toolset: "risk",
                operations: &[ops::GET_RISK_RULE, ops::DELETE_RISK_RULE],
            },
            delete_rule,
        ),
    ]
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ListRulesArgs {
    #[serde(flatten)]
    page: ListArgs,
}

async fn list_rules(ctx: ToolContext, args: ListRulesArgs) -> Result<ToolOutput, ToolError> {
    args.page.list(&ctx, &ops::LIST_RISK_RULES, &[], Query::new(), RULE_FIELDS).await
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct RuleArg {
    /// Risk rule id.
    rule_id: String,
}

async fn get_rule(ctx: ToolContext, args: RuleArg) -> Result<ToolOutput, ToolError> {
    let rule = ctx.okta.get(&ops::GET_RISK_RULE, &[&args.rule_id], &Query::new()).await?;
    Ok(ToolOutput::json(strip_links(rule)))
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct AssessArgs {
    /// User id or login.
    user: String,
    /// Bundle id, ORN or name (or give entitlement_id and value_ids).
    bundle_id: Option<String>,
    /// Entitlement id or ORN, with value_ids.
    entitlement_id: Option<String>,
    /// Value ids or ORNs (1-20).
    value_ids: Option<Vec<String>>,
}

/// What is assessed: the resource ORNs, and a description of them.
async fn resources(ctx: &ToolContext, args: &AssessArgs) -> Result<(Vec<String>, Value), ToolError> {
    match (&args.bundle_id, &args.entitlement_id, &args.value_ids) {
        (Some(b), None, None) => {
            let id = crate::tools::bundles::bundle_id(ctx, b).await?;
            let bundle = ctx.okta.get(&ops::GET_ENTITLEMENT_BUNDLE, &[&id], &Query::new()).await?;
            let orn = bundle.get("orn").and_then(Value::as_str).unwrap_or_default().to_owned();
            Ok((vec![orn], json!({"bundle": {"id": id, "name": bundle.get("name")}})))
        }
        (None, Some(e), Some(values)) if !values.is_empty() && values.len() <= 20 => {
            let id = entitlement_arg(e)?;
            let wanted: Vec<&str> = values.iter().map(|v| orn::id_of(v.trim())).collect();
            for v in &wanted {
                check_id("value_ids", v)?;
            }
            let e = ctx.okta.get(&ops::GET_ENTITLEMENT, &[&id], &Query::new()).await?;
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
    if orns.iter().any(String::is_empty) {
        return Err(ToolError::refused("Okta's answer has no ORN for the resource; nothing to assess"));
    }
    let uid = user_id(&ctx, &args.user).await?;
    let known: Vec<&str> = orns.iter().map(String::as_str).collect();
    let principal = crate::tools::resources::directory(&ctx, &known).await?.orn("users", &uid);
    let mut body = json!({"principalOrn": principal});
    if args.bundle_id.is_some() {
        body["resourceOrn"] = json!(orns[0]);
    } else {
        body["resourceOrnList"] = json!(orns);
    }
    let found = ctx.okta.send(&ops::GENERATE_POTENTIAL_RISK_ASSESSMENTS, &[], &Query::new(), Some(&body)).await?;
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

// ---- create, update, delete

/// One side of a conflict: Okta's criterion (`CONTAINS_ONE`: any of the values; `CONTAINS_ALL`: all of them).
fn criterion(name: &str, values: &[AppValue], all: bool) -> Value {
    json!({
        "name": name,
        "attribute": "principal.effective_grants",
        "operation": if all { "CONTAINS_ALL" } else { "CONTAINS_ONE" },
        "value": {"type": "ENTITLEMENTS", "value": grouped(values)},
    })
}

/// Resolve both lists against the app and refuse a value on both sides.
fn sides(
    catalog: &AppCatalog,
    list1: &[String],
    list2: &[String],
) -> Result<(Vec<AppValue>, Vec<AppValue>), ToolError> {
    let one = catalog.resolve_all("list1", list1)?;
    let two = catalog.resolve_all("list2", list2)?;
    if let Some(both) = one.iter().find(|v| two.iter().any(|t| t.id == v.id)) {
        return Err(ToolError::invalid_arguments(format!(
            "{} is in both lists: a value cannot conflict with itself",
            both.label()
        )));
    }
    Ok((one, two))
}

/// The value ids one side of a rule names, with their `Entitlement: Value` labels.
fn criterion_values(c: &Value) -> Vec<(String, String)> {
    let ids = c
        .pointer("/value/value")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .flat_map(|e| {
            let values = e.get("values").map(|v| v.get("data").unwrap_or(v));
            values.and_then(Value::as_array).into_iter().flatten()
        })
        .map(|v| v.get("id").and_then(Value::as_str).unwrap_or_default().to_owned());
    ids.zip(criterion_labels(c)).filter(|(id, _)| !id.is_empty()).collect()
}

/// Whether someone holding the entitlement values `held` (ids) violates an ACTIVE rule now: every side of its
/// conflict is met (`CONTAINS_ONE`: any of the side's values; `CONTAINS_ALL`: all of them). The answer is the
/// labels of the values held that make the conflict; none when the rule is not violated.
pub(crate) fn violation(rule: &Value, held: &std::collections::BTreeSet<String>) -> Option<Vec<String>> {
    if rule.get("status").and_then(Value::as_str).is_some_and(|s| s != "ACTIVE") {
        return None;
    }
    let criteria = rule.pointer("/conflictCriteria/and").and_then(Value::as_array)?;
    if criteria.is_empty() {
        return None;
    }
    let mut conflicting = Vec::new();
    for c in criteria {
        let values = criterion_values(c);
        let have: Vec<&(String, String)> = values.iter().filter(|(id, _)| held.contains(id)).collect();
        let met = match c.get("operation").and_then(Value::as_str) {
            Some("CONTAINS_ALL") => !values.is_empty() && have.len() == values.len(),
            _ => !have.is_empty(),
        };
        if !met {
            return None;
        }
        conflicting.extend(have.into_iter().map(|(_, label)| label.clone()));
    }
    Some(conflicting)
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct CreateRuleArgs {
    /// Unique name.
    name: String,
    /// Description.
    description: Option<String>,
    /// App id or ORN.
    app: String,
    /// Ids, ORNs or "Entitlement: Value" (1-50).
    list1: Vec<String>,
    /// The conflicting values, same forms.
    list2: Vec<String>,
    /// All of list1, not any.
    list1_all: Option<bool>,
    /// All of list2, not any.
    list2_all: Option<bool>,
}

fn rule_summary(r: &Value) -> Value {
    json!({"id": r.get("id"), "name": r.get("name"), "status": r.get("status"), "type": r.get("type")})
}

async fn create_rule(ctx: ToolContext, args: CreateRuleArgs) -> Result<ToolOutput, ToolError> {
    let name = text("name", &args.name, 255)?;
    let description = args.description.as_deref().map(|d| text("description", d, 1000)).transpose()?;
    let app = app_arg(&args.app)?;
    value_specs("list1", &args.list1, 50)?;
    value_specs("list2", &args.list2, 50)?;
    let catalog = app_catalog(&ctx, &app).await?;
    let (one, two) = sides(&catalog, &args.list1, &args.list2)?;
    let Some(app_orn) = catalog.app_orn.clone() else {
        return Err(ToolError::refused(format!("Okta's answer has no ORN for app {app}; nothing was changed")));
    };
    let mut body = json!({
        "name": name,
        "type": "SEPARATION_OF_DUTIES",
        "resources": [{"resourceOrn": app_orn}],
        "conflictCriteria": {"and": [
            criterion("list1", &one, args.list1_all.unwrap_or(false)),
            criterion("list2", &two, args.list2_all.unwrap_or(false)),
        ]},
    });
    if let Some(d) = description {
        body["description"] = json!(d);
    }
    let created = ctx.okta.send(&ops::CREATE_RISK_RULE, &[], &Query::new(), Some(&body)).await?;
    let labels = |vs: &[AppValue]| vs.iter().map(AppValue::label).collect::<Vec<_>>();
    Ok(ToolOutput::json(json!({
        "created": created.as_ref().map(rule_summary),
        "list1": labels(&one),
        "list2": labels(&two),
        "result": "risk rule created; okta_iga_assess_risk now checks it",
    })))
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct UpdateRuleArgs {
    /// Risk rule id.
    rule_id: String,
    /// New name.
    name: Option<String>,
    /// New description.
    description: Option<String>,
    /// New list1: ids, ORNs or "Entitlement: Value".
    list1: Option<Vec<String>>,
    /// New list2, same forms.
    list2: Option<Vec<String>>,
}

/// A rule's criterion as it is sent: names and ids only (Okta's answers add display names, and sometimes
/// wrap values in `{data}`).
fn sendable(c: &Value) -> Value {
    let entitlements: Vec<Value> = c
        .pointer("/value/value")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|e| {
            let values = e.get("values").map(|v| v.get("data").unwrap_or(v));
            let ids: Vec<Value> =
                values.and_then(Value::as_array).into_iter().flatten().map(|v| json!({"id": v.get("id")})).collect();
            json!({"id": e.get("id"), "values": ids})
        })
        .collect();
    json!({
        "name": c.get("name"),
        "attribute": c.get("attribute"),
        "operation": c.get("operation"),
        "value": {"type": c.pointer("/value/type").cloned().unwrap_or(json!("ENTITLEMENTS")), "value": entitlements},
    })
}

/// `Entitlement: Value` labels of a criterion, from the names Okta includes (ids where it does not).
pub(crate) fn criterion_labels(c: &Value) -> Vec<String> {
    let name = |v: &Value| {
        v.get("name").and_then(Value::as_str).or_else(|| v.get("id").and_then(Value::as_str)).unwrap_or("?").to_owned()
    };
    c.pointer("/value/value")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .flat_map(|e| {
            let values = e.get("values").map(|v| v.get("data").unwrap_or(v));
            let entitlement = name(e);
            values.and_then(Value::as_array).into_iter().flatten().map(move |v| format!("{entitlement}: {}", name(v)))
        })
        .collect()
}

async fn update_rule(ctx: ToolContext, args: UpdateRuleArgs) -> Result<ToolOutput, ToolError> {
    check_id("rule_id", &args.rule_id)?;
    let name = args.name.as_deref().map(|n| text("name", n, 255)).transpose()?;
    let description = args.description.as_deref().map(|d| text("description", d, 1000)).transpose()?;
    for (arg, list) in [("list1", &args.list1), ("list2", &args.list2)] {
        if let Some(l) = list {
            value_specs(arg, l, 50)?;
        }
    }
    if name.is_none() && description.is_none() && args.list1.is_none() && args.list2.is_none() {
        return Err(ToolError::invalid_arguments("give name, description, list1 and/or list2"));
    }
    let rule = ctx.okta.get(&ops::GET_RISK_RULE, &[&args.rule_id], &Query::new()).await?;
    let criteria: Vec<Value> =
        rule.pointer("/conflictCriteria/and").and_then(Value::as_array).cloned().unwrap_or_default();
    let [c1, c2] = criteria.as_slice() else {
        return Err(ToolError::refused(format!(
            "rule {} does not have the two conflicting lists of a separation-of-duties rule; nothing was changed",
            args.rule_id
        )));
    };
    let mut next = [sendable(c1), sendable(c2)];
    let mut changed = serde_json::Map::new();
    if args.list1.is_some() || args.list2.is_some() {
        let orn = rule.pointer("/resources/0/resourceOrn").and_then(Value::as_str).unwrap_or_default();
        let app = orn::id_of(orn).to_owned();
        check_id("app of the rule", &app)?;
        let catalog = app_catalog(&ctx, &app).await?;
        let ids = |c: &Value| -> Vec<String> {
            c.pointer("/value/value")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .flat_map(|e| e.get("values").and_then(Value::as_array).into_iter().flatten())
                .filter_map(|v| v.get("id").and_then(Value::as_str).map(str::to_owned))
                .collect()
        };
        // A list not given stays; it still may not share a value with the new one.
        let one = args.list1.clone().unwrap_or_else(|| ids(&next[0]));
        let two = args.list2.clone().unwrap_or_else(|| ids(&next[1]));
        let (one, two) = sides(&catalog, &one, &two)?;
        for (i, (arg, given, values)) in
            [("list1", &args.list1, one), ("list2", &args.list2, two)].into_iter().enumerate()
        {
            if given.is_none() {
                continue;
            }
            let mut before: Vec<String> = ids(&next[i]);
            let mut after: Vec<String> = values.iter().map(|v| v.id.clone()).collect();
            before.sort();
            after.sort();
            if after != before {
                changed.insert(
                    arg.into(),
                    json!({"from": criterion_labels(&criteria[i]), "to": values.iter().map(AppValue::label).collect::<Vec<_>>()}),
                );
                next[i]["value"]["value"] = grouped(&values);
            }
        }
    }
    let was = |key: &str| rule.get(key).and_then(Value::as_str).map(str::to_owned);
    for (key, new) in [("name", name), ("description", description)] {
        if let Some(n) = new.filter(|n| was(key).as_deref() != Some(*n)) {
            changed.insert(key.into(), json!({"from": was(key), "to": n}));
        }
    }
    if changed.is_empty() {
        return Ok(ToolOutput::json(json!({
            "rule": rule_summary(&rule), "changed": {}, "result": "the rule already has these values; nothing sent",
        })));
    }
    let mut body = json!({
        "id": args.rule_id,
        "name": name.map(str::to_owned).or_else(|| was("name")),
        "conflictCriteria": {"and": next},
    });
    // Notes are kept as they are (this tool does not change them).
    for (key, new) in [("description", description), ("notes", None)] {
        if let Some(v) = new.map(str::to_owned).or_else(|| was(key)) {
            body[key] = json!(v);
        }
    }
    let saved = ctx.okta.send(&ops::REPLACE_RISK_RULE, &[&args.rule_id], &Query::new(), Some(&body)).await?;
    Ok(ToolOutput::json(json!({"rule": rule_summary(saved.as_ref().unwrap_or(&rule)), "changed": changed})))
}

async fn delete_rule(ctx: ToolContext, args: RuleArg) -> Result<ToolOutput, ToolError> {
    check_id("rule_id", &args.rule_id)?;
    let rule = ctx.okta.get(&ops::GET_RISK_RULE, &[&args.rule_id], &Query::new()).await?;
    ctx.okta.send(&ops::DELETE_RISK_RULE, &[&args.rule_id], &Query::new(), None).await?;
    Ok(ToolOutput::json(json!({"deleted": rule_summary(&rule), "result": "risk rule deleted"})))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn criteria_are_sent_with_ids_only() {
        let answered = json!({"name": "list2", "attribute": "principal.effective_grants", "operation": "CONTAINS_ALL",
            "value": {"type": "ENTITLEMENTS", "value": [{"id": "esp1", "name": "Role", "externalValue": "role",
                "values": {"data": [{"id": "ent1", "name": "Buyer", "externalValue": "buyer"}]}}]}});
        assert_eq!(
            sendable(&answered),
            json!({"name": "list2", "attribute": "principal.effective_grants", "operation": "CONTAINS_ALL",
                   "value": {"type": "ENTITLEMENTS", "value": [{"id": "esp1", "values": [{"id": "ent1"}]}]}})
        );
        assert_eq!(criterion_labels(&answered), ["Role: Buyer"]);
    }

    #[test]
    fn a_rule_is_violated_when_every_side_is_met() {
        let side = |op: &str, ids: &[&str]| {
            let values: Vec<Value> = ids.iter().map(|i| json!({"id": i, "name": i.to_uppercase()})).collect();
            json!({"operation": op, "value": {"value": [{"id": "esp1", "name": "Role", "values": values}]}})
        };
        let rule = |status: &str| {
            json!({"status": status, "conflictCriteria": {"and": [side("CONTAINS_ONE", &["a", "b"]),
                   side("CONTAINS_ALL", &["c", "d"])]}})
        };
        let held = |ids: &[&str]| ids.iter().map(|s| (*s).to_owned()).collect();
        assert_eq!(
            violation(&rule("ACTIVE"), &held(&["b", "c", "d"])),
            Some(vec!["Role: B".into(), "Role: C".into(), "Role: D".into()])
        );
        assert_eq!(violation(&rule("ACTIVE"), &held(&["b", "c"])), None, "CONTAINS_ALL needs both");
        assert_eq!(violation(&rule("ACTIVE"), &held(&["c", "d"])), None, "one side alone is no conflict");
        assert_eq!(violation(&rule("INACTIVE"), &held(&["a", "c", "d"])), None);
        assert_eq!(violation(&json!({"status": "ACTIVE"}), &held(&["a"])), None);
    }
}
