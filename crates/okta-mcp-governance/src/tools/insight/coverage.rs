//! `okta_iga_access_coverage_report`: which apps are not governed? Per app (paged over the org's apps): whether
//! its entitlements are discovered, whether policies govern it (an entitlement policy's grants, risk rules), when
//! a campaign last reviewed it, and who owns it; each row names its gaps.

use chrono::{DateTime, Duration, Utc};
use okta_core::Query;
use okta_mcp_kit::lookup::str_of;
use okta_mcp_kit::{Access, ListArgs, ToolContext, ToolDef, ToolError, ToolMeta, ToolOutput, ops};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{count_arg, fan_out, fan_out_reporting, risk_rules, rule_apps};
use crate::args::filter_expr;
use crate::tools::owners::app_owners;
use crate::tools::resources::directory;

pub fn tool() -> ToolDef {
    ToolDef::new(
        ToolMeta {
            name: "okta_iga_access_coverage_report",
            title: "Access coverage report",
            description: "Which apps are not governed: per app, entitlements discovered, policies, last \
                campaign review, owners, and the gaps. Paged by app.",
            access: Access::Read,
            toolset: "insight",
            operations: &[
                ops::LIST_APPLICATIONS,
                ops::LIST_ENTITLEMENTS,
                ops::LIST_GRANTS,
                ops::LIST_CAMPAIGNS,
                ops::GET_CAMPAIGN,
                ops::LIST_RISK_RULES,
                ops::GET_RISK_RULE,
                ops::LIST_RESOURCE_OWNERS,
            ],
        },
        coverage,
    )
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct CoverageArgs {
    /// A review counts as recent within this many days (1-730, default 90).
    since_days: Option<u32>,
    /// Apps per page (1-50, default 20).
    limit: Option<u32>,
    /// next_cursor from the previous answer.
    cursor: Option<String>,
}

const DEFAULT_APPS: u32 = 20;
const MAX_APPS: u32 = 50;
/// At most this many campaigns are read.
const CAMPAIGNS_CAP: usize = 200;
/// Entitlements and grants are counted up to this many per app.
const COUNT_CAP: u32 = 200;

async fn coverage(ctx: ToolContext, args: CoverageArgs) -> Result<ToolOutput, ToolError> {
    let limit = count_arg("limit", args.limit, DEFAULT_APPS, MAX_APPS)?;
    let days = count_arg("since_days", args.since_days, 90, 730)?;
    let since = Utc::now().checked_sub_signed(Duration::days(i64::from(days))).unwrap_or(DateTime::<Utc>::MIN_UTC);
    let ctx = &ctx;
    let page_args = ListArgs { limit: Some(limit), cursor: args.cursor.clone(), fields: None, detail: None };
    let apps = page_args.page(ctx, &ops::LIST_APPLICATIONS, &[], Query::new()).await?;
    let (campaigns, rules) = futures::join!(launched_campaigns(ctx), risk_rules(ctx));
    let (campaigns, rules) = (campaigns?, rules?);
    let known: Vec<&str> = apps.items.iter().filter_map(|a| a.get("orn").and_then(Value::as_str)).collect();
    let dir = if known.len() < apps.items.len() { Some(directory(ctx, &known).await?) } else { None };
    let rows = fan_out_reporting(ctx, apps.items.clone(), "apps", |app: Value| {
        let (campaigns, rules, dir) = (&campaigns, &rules, &dir);
        async move { app_row(ctx, &app, campaigns, rules, dir.as_ref(), since).await }
    })
    .await;
    let rows: Vec<Value> = rows.into_iter().collect::<Result<_, _>>()?;
    let gap_count =
        |gap: &str| rows.iter().filter(|r| r["gaps"].as_array().is_some_and(|g| g.contains(&json!(gap)))).count();
    let mut answer = json!({
        "summary": format!(
            "{} app(s) on this page: {} without discovered entitlements, {} without a policy, {} not reviewed in {days} \
             days, {} without an owner{}",
            rows.len(), gap_count(NO_ENTITLEMENTS), gap_count(NO_POLICY), gap_count(NOT_REVIEWED), gap_count(NO_OWNER),
            if apps.next.is_some() { "; more apps: pass next_cursor" } else { "" }),
        "since": since.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "apps": rows,
    });
    if let Some(next) = apps.next {
        answer["next_cursor"] = json!(next);
    }
    Ok(ToolOutput::json(answer))
}

/// The campaigns that have reviewed (launched), read whole: Okta's list leaves out which apps they review. Read
/// through the read cache, since every page of the report asks again.
async fn launched_campaigns(ctx: &ToolContext) -> Result<Vec<Value>, ToolError> {
    let listed = ctx.okta.get_all(&ops::LIST_CAMPAIGNS, &[], Query::new(), CAMPAIGNS_CAP).await?;
    let launched: Vec<String> = listed
        .iter()
        .filter(|c| reviewed_at(c).is_some() || matches!(str_of(c, "status"), "ACTIVE" | "COMPLETED"))
        .map(|c| str_of(c, "id").to_owned())
        .filter(|id| !id.is_empty())
        .collect();
    let read =
        fan_out(
            ctx,
            launched,
            |id| async move { ctx.okta.get_cached(&ops::GET_CAMPAIGN, &[&id], &Query::new()).await },
        )
        .await;
    read.into_iter().collect()
}

const NO_ENTITLEMENTS: &str = "no entitlements discovered";
const NO_POLICY: &str = "no policy";
const NOT_REVIEWED: &str = "not reviewed recently";
const NO_OWNER: &str = "no owner";

/// When a campaign last looked at its apps: ended, else launched (an ACTIVE one is reviewing now).
fn reviewed_at(c: &Value) -> Option<DateTime<Utc>> {
    ["endedDate", "launchedDate"]
        .iter()
        .filter_map(|k| c.get(*k).and_then(Value::as_str))
        .find_map(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&Utc))
}

fn reviews_app(c: &Value, app: &str) -> bool {
    c.pointer("/resourceSettings/targetResources")
        .and_then(Value::as_array)
        .is_some_and(|rs| rs.iter().any(|r| str_of(r, "resourceId") == app))
}

async fn app_row(
    ctx: &ToolContext,
    app: &Value,
    campaigns: &[Value],
    rules: &[Value],
    dir: Option<&crate::tools::resources::Directory>,
    since: DateTime<Utc>,
) -> Result<Value, ToolError> {
    let id = okta_mcp_kit::args::str_field(app, "id")?;
    let orn = match (app.get("orn").and_then(Value::as_str), dir) {
        (Some(orn), _) => orn.to_owned(),
        (None, Some(d)) => d.app_orn(str_of(app, "name"), id),
        (None, None) => return Err(ToolError::refused(format!("no ORN for app {id}"))),
    };
    let parent = filter_expr(&[("parent.externalId", Some(id)), ("parent.type", Some("APPLICATION"))])?;
    let target = filter_expr(&[("target.externalId", Some(id)), ("target.type", Some("APPLICATION"))])?;
    let of_app = Query::new().opt("filter", parent.as_deref()).push("limit", COUNT_CAP);
    let on_app = Query::new().opt("filter", target.as_deref()).push("limit", COUNT_CAP);
    let (entitlements, grants, owners) = futures::join!(
        ctx.okta.get_page(&ops::LIST_ENTITLEMENTS, &[], &of_app),
        ctx.okta.get_page(&ops::LIST_GRANTS, &[], &on_app),
        app_owners(ctx, &orn, id),
    );
    let (entitlements, grants, owners) = (entitlements?, grants?, owners?);
    let count = |page: &okta_core::Page<Value>, n: usize| {
        if page.next.is_some() { json!(format!("{n}+")) } else { json!(n) }
    };
    let policy_grants = grants.items.iter().filter(|g| str_of(g, "grantType") == "POLICY").count();
    let rule_names: Vec<Value> =
        rules.iter().filter(|r| rule_apps(r).iter().any(|a| a == id)).map(|r| json!(r.get("name"))).collect();
    let last = campaigns
        .iter()
        .filter(|c| reviews_app(c, id))
        .filter_map(|c| reviewed_at(c).map(|t| (t, c)))
        .max_by_key(|(t, _)| *t);
    let recent = last.is_some_and(|(t, c)| t >= since || str_of(c, "status") == "ACTIVE");
    let mut gaps = Vec::new();
    if entitlements.items.is_empty() {
        gaps.push(NO_ENTITLEMENTS);
    }
    if policy_grants == 0 && rule_names.is_empty() {
        gaps.push(NO_POLICY);
    }
    if !recent {
        gaps.push(NOT_REVIEWED);
    }
    if owners.is_empty() {
        gaps.push(NO_OWNER);
    }
    Ok(json!({
        "id": id, "label": app.get("label"), "status": app.get("status"),
        "entitlements": count(&entitlements, entitlements.items.len()),
        "policies": {"entitlement_policy_grants": count(&grants, policy_grants), "risk_rules": rule_names},
        "last_review": last.map(|(t, c)| json!({"campaign": c.get("name"), "id": c.get("id"), "status": c.get("status"),
            "at": t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)})),
        "owners": owners,
        "gaps": gaps,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_campaign_reviews_its_target_apps_when_it_ended_or_launched() {
        let c = json!({"launchedDate": "2026-01-05T17:00:00.000Z", "endedDate": "2026-02-05T17:00:00.000Z",
                       "resourceSettings": {"targetResources": [{"resourceId": "0oa1"}]}});
        assert!(reviews_app(&c, "0oa1") && !reviews_app(&c, "0oa2"));
        assert_eq!(reviewed_at(&c).map(|t| t.to_rfc3339()), Some("2026-02-05T17:00:00+00:00".to_owned()));
        assert_eq!(reviewed_at(&json!({"endedDate": "soon"})), None);
    }
}
