//! `okta_iga_detect_sod_violations`: who in the org (or a group) violates a separation-of-duties rule now. Pages
//! through the people (the cursor is the user list's); for each page, reads what each person holds in the apps
//! the rules are about, concurrently, and checks every ACTIVE rule against it.

use std::collections::BTreeSet;

use okta_core::Query;
use okta_mcp_kit::args::check_id;
use okta_mcp_kit::lookup::str_of;
use okta_mcp_kit::{Access, ListArgs, ToolContext, ToolDef, ToolError, ToolMeta, ToolOutput, ops};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{capped, fan_out, risk_rules, rule_apps, violation_row};
use crate::tools::entitlements::principal_entitlements;
use crate::tools::risk::violation;

pub fn tool() -> ToolDef {
    ToolDef::new(
        ToolMeta {
            name: "okta_iga_detect_sod_violations",
            title: "Detect SoD violations",
            description: "Everyone in the org (or a group) who violates a separation-of-duties risk rule now, \
                with the conflicting values held. Pages through people: pass next_cursor to go on.",
            access: Access::Read,
            toolset: "insight",
            operations: &[
                ops::LIST_USERS,
                ops::LIST_GROUP_USERS,
                ops::LIST_RISK_RULES,
                ops::GET_RISK_RULE,
                ops::GET_PRINCIPAL_ENTITLEMENTS,
            ],
        },
        detect,
    )
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct DetectArgs {
    /// Group id: only its members.
    group: Option<String>,
    /// Risk rule id: only this rule.
    rule_id: Option<String>,
    /// People checked per page (1-100, default 50).
    limit: Option<u32>,
    /// next_cursor from the previous answer.
    cursor: Option<String>,
}

const DEFAULT_PEOPLE: u32 = 50;
const MAX_PEOPLE: u32 = 100;

async fn detect(ctx: ToolContext, args: DetectArgs) -> Result<ToolOutput, ToolError> {
    let limit = match args.limit {
        None => DEFAULT_PEOPLE,
        Some(n) if (1..=MAX_PEOPLE).contains(&n) => n,
        Some(n) => return Err(ToolError::invalid_arguments(format!("limit {n}: give 1 to {MAX_PEOPLE}"))),
    };
    if let Some(g) = &args.group {
        check_id("group", g)?;
    }
    if let Some(r) = &args.rule_id {
        check_id("rule_id", r)?;
    }
    let ctx = &ctx;
    // The page of people first: a bad cursor is refused before anything else is sent.
    let page_args = ListArgs { limit: Some(limit), cursor: args.cursor.clone(), fields: None, detail: None };
    let (op, params): (_, Vec<&str>) = match &args.group {
        Some(g) => (&ops::LIST_GROUP_USERS, vec![g.as_str()]),
        None => (&ops::LIST_USERS, vec![]),
    };
    let people = page_args.page(ctx, op, &params, Query::new()).await?;
    let mut rules = risk_rules(ctx).await?;
    rules.retain(|r| r.get("status").and_then(Value::as_str).is_none_or(|s| s == "ACTIVE"));
    if let Some(id) = &args.rule_id {
        rules.retain(|r| str_of(r, "id") == id);
        if rules.is_empty() {
            return Err(ToolError::refused(format!(
                "no ACTIVE risk rule {id}: see okta_iga_list_risk_rules"
            )));
        }
    }
    let apps: BTreeSet<String> = rules.iter().flat_map(rule_apps).collect();
    let checks: Vec<(String, String)> = people
        .items
        .iter()
        .flat_map(|u| apps.iter().map(move |a| (str_of(u, "id").to_owned(), a.clone())))
        .filter(|(u, _)| !u.is_empty())
        .collect();
    let held = fan_out(ctx, checks, |(user, app)| async move {
        let answer = principal_entitlements(ctx, &app, &user).await;
        (user, answer)
    })
    .await;
    let mut rows = Vec::new();
    for person in &people.items {
        let id = str_of(person, "id");
        let mut values = BTreeSet::new();
        for (_, answer) in held.iter().filter(|(u, _)| u == id) {
            let entitlements = match answer {
                Ok(e) => e,
                Err(e) => return Err(ToolError::refused(format!("reading what {id} holds: {e}"))),
            };
            for e in entitlements {
                for v in e.get("values").and_then(Value::as_array).into_iter().flatten() {
                    values.insert(str_of(v, "id").to_owned());
                }
            }
        }
        for rule in &rules {
            if let Some(conflicting) = violation(rule, &values) {
                let mut row = violation_row(rule, conflicting);
                row["user"] = json!({"id": id, "login": person.pointer("/profile/login"), "status": person.get("status")});
                rows.push(row);
            }
        }
    }
    let checked = people.items.len();
    let mut answer = json!({
        "summary": format!("{} violation(s) among {checked} people checked against {} rule(s){}",
            rows.len(), rules.len(), if people.next.is_some() { "; more people: pass next_cursor" } else { "" }),
        "people_checked": checked,
        "rules": rules.iter().map(|r| json!({"id": r.get("id"), "name": r.get("name")})).collect::<Vec<_>>(),
        "violations": capped(rows, checked.saturating_mul(rules.len()).max(1)),
    });
    if let Some(next) = people.next {
        answer["next_cursor"] = json!(next);
    }
    Ok(ToolOutput::json(answer))
}
