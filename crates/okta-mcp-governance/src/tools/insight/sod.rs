//! `okta_iga_detect_sod_violations`: who in the org (or a group) violates a separation-of-duties rule now. Pages
//! through the people (the cursor is the user list's); for each page, reads what each person holds in the apps
//! the rules are about, concurrently, and checks every ACTIVE rule against it. Only people with a grant in an app
//! can hold its entitlements, so the app's grants (read once a call, up to a cap) say whose to read; past the cap,
//! everyone's is.

use std::collections::{BTreeMap, BTreeSet};

use okta_core::Query;
use okta_mcp_kit::args::check_id;
use okta_mcp_kit::lookup::str_of;
use okta_mcp_kit::{Access, ListArgs, ToolContext, ToolDef, ToolError, ToolMeta, ToolOutput, ops};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{capped, count_arg, fan_out, fan_out_reporting, risk_rules, rule_apps, violation_row};
use crate::args::filter_expr;
use crate::tools::entitlements::principal_entitlements;
use crate::tools::risk::violation;

pub fn tool() -> ToolDef {
    ToolDef::new(
        ToolMeta {
            name: "okta_iga_detect_sod_violations",
            title: "Detect SoD violations",
            description: "Who in the org (or a group) violates a separation-of-duties rule now, and with \
                which values. Paged by people.",
            access: Access::Read,
            toolset: "insight",
            operations: &[
                ops::LIST_USERS,
                ops::LIST_GROUP_USERS,
                ops::LIST_RISK_RULES,
                ops::GET_RISK_RULE,
                ops::LIST_GRANTS,
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
/// At most this many grants of one app are read to narrow whose entitlements are read.
const GRANTS_CAP: usize = 2000;

/// The people with an ALLOW grant in `app`, or none when there are more grants than the cap (then everyone's
/// entitlements are read).
pub(super) async fn grantees(ctx: &ToolContext, app: &str) -> Result<Option<BTreeSet<String>>, ToolError> {
    let filter = filter_expr(&[("target.externalId", Some(app)), ("target.type", Some("APPLICATION"))])?;
    let grants =
        ctx.okta.get_all(&ops::LIST_GRANTS, &[], Query::new().opt("filter", filter.as_deref()), GRANTS_CAP + 1).await?;
    if grants.len() > GRANTS_CAP {
        return Ok(None);
    }
    Ok(Some(
        grants
            .iter()
            .filter(|g| g.get("action").and_then(Value::as_str).is_none_or(|a| a == "ALLOW"))
            .filter(|g| g.pointer("/targetPrincipal/type").and_then(Value::as_str) == Some("OKTA_USER"))
            .filter_map(|g| g.pointer("/targetPrincipal/externalId").and_then(Value::as_str).map(str::to_owned))
            .collect(),
    ))
}

/// The ACTIVE risk rules.
pub(super) async fn active_rules(ctx: &ToolContext) -> Result<Vec<Value>, ToolError> {
    let mut rules = risk_rules(ctx).await?;
    rules.retain(|r| r.get("status").and_then(Value::as_str).is_none_or(|s| s == "ACTIVE"));
    Ok(rules)
}

/// Every app `rules` are about, once each.
pub(super) fn apps_of(rules: &[Value]) -> Vec<String> {
    rules.iter().flat_map(rule_apps).collect::<BTreeSet<_>>().into_iter().collect()
}

/// For each of `apps`, who holds a grant in it ([`grantees`]), read concurrently.
pub(super) async fn holders(ctx: &ToolContext, apps: &[String]) -> Result<Vec<Option<BTreeSet<String>>>, ToolError> {
    fan_out(ctx, apps.to_vec(), |app| async move { grantees(ctx, &app).await }).await.into_iter().collect()
}

/// The entitlement value ids each person holds in the apps of `checks` (person, app), read concurrently and
/// reported as progress; on a failed read, whose it was.
pub(super) async fn values_held(
    ctx: &ToolContext,
    checks: Vec<(String, String)>,
) -> Result<BTreeMap<String, BTreeSet<String>>, (String, ToolError)> {
    let held = fan_out_reporting(ctx, checks, "entitlement reads", |(user, app)| async move {
        let answer = principal_entitlements(ctx, &app, &user).await;
        (user, answer)
    })
    .await;
    let mut values: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (user, answer) in held {
        let entitlements = match answer {
            Ok(e) => e,
            Err(e) => return Err((user, e)),
        };
        let mine = values.entry(user).or_default();
        for e in entitlements {
            for v in e.get("values").and_then(Value::as_array).into_iter().flatten() {
                mine.insert(str_of(v, "id").to_owned());
            }
        }
    }
    Ok(values)
}

async fn detect(ctx: ToolContext, args: DetectArgs) -> Result<ToolOutput, ToolError> {
    let limit = count_arg("limit", args.limit, DEFAULT_PEOPLE, MAX_PEOPLE)?;
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
    let mut rules = active_rules(ctx).await?;
    if let Some(id) = &args.rule_id {
        rules.retain(|r| str_of(r, "id") == id);
        if rules.is_empty() {
            return Err(ToolError::refused(format!("no ACTIVE risk rule {id}: see okta_iga_list_risk_rules")));
        }
    }
    let apps = apps_of(&rules);
    let narrowed = holders(ctx, &apps).await?;
    let mut checks: Vec<(String, String)> = Vec::new();
    for (app, holders) in apps.iter().zip(narrowed) {
        for u in &people.items {
            let id = str_of(u, "id");
            if !id.is_empty() && holders.as_ref().is_none_or(|h| h.contains(id)) {
                checks.push((id.to_owned(), app.clone()));
            }
        }
    }
    let reads = checks.len();
    let held = values_held(ctx, checks)
        .await
        .map_err(|(id, e)| ToolError::refused(format!("reading what {id} holds: {e}")))?;
    let none = BTreeSet::new();
    let mut rows = Vec::new();
    for person in &people.items {
        let id = str_of(person, "id");
        let values = held.get(id).unwrap_or(&none);
        for rule in &rules {
            if let Some(conflicting) = violation(rule, values) {
                let mut row = violation_row(rule, conflicting);
                row["user"] =
                    json!({"id": id, "login": person.pointer("/profile/login"), "status": person.get("status")});
                rows.push(row);
            }
        }
    }
    let checked = people.items.len();
    let mut answer = json!({
        "summary": format!("{} violation(s) among {checked} people checked against {} rule(s){}",
            rows.len(), rules.len(), if people.next.is_some() { "; more people: pass next_cursor" } else { "" }),
        "people_checked": checked,
        "entitlement_reads": reads,
        "rules": rules.iter().map(|r| json!({"id": r.get("id"), "name": r.get("name")})).collect::<Vec<_>>(),
        "violations": capped(rows, checked.saturating_mul(rules.len()).max(1)),
    });
    if let Some(next) = people.next {
        answer["next_cursor"] = json!(next);
    }
    Ok(ToolOutput::json(answer))
}
