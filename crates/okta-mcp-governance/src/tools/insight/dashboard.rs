//! `okta_iga_governance_dashboard`: the org's governance at a glance, in one call. Campaigns by status, with the
//! completion of the active ones and which are overdue (past their end with items unreviewed); pending access
//! requests and their age; who violates a separation-of-duties rule now (among the people holding grants in the
//! apps the rules are about); and the admin privileges granted recently (System Log). Every list is capped and
//! says how many it left out, and which single-purpose tool lists the rest.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, Utc};
use okta_core::Query;
use okta_mcp_kit::lookup::str_of;
use okta_mcp_kit::{Access, ToolContext, ToolDef, ToolError, ToolMeta, ToolOutput, ops};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

use super::sod::{active_rules, apps_of, holders, values_held};
use super::{Gaps, capped, count_arg, fan_out, time_of, violation_row};
use crate::args::filter_expr;
use crate::tools::grants::utc;
use crate::tools::risk::violation;

pub fn tool() -> ToolDef {
    ToolDef::new(
        ToolMeta {
            name: "okta_iga_governance_dashboard",
            title: "Governance dashboard",
            description: "The org's governance at a glance: campaigns by status and completion, overdue reviews, \
                pending requests and their age, SoD violations, recent admin privilege grants.",
            access: Access::Read,
            toolset: "insight",
            operations: &[
                ops::LIST_CAMPAIGNS,
                ops::GET_CAMPAIGN,
                ops::LIST_REVIEWS,
                ops::LIST_ALL_REQUESTS_V2,
                ops::LIST_RISK_RULES,
                ops::GET_RISK_RULE,
                ops::LIST_GRANTS,
                ops::GET_PRINCIPAL_ENTITLEMENTS,
                ops::LIST_LOG_EVENTS,
            ],
        },
        dashboard,
    )
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct DashboardArgs {
    /// Days of admin privilege grants to show (1-90, default 7).
    days: Option<u32>,
}

const DEFAULT_DAYS: u32 = 7;
const MAX_DAYS: u32 = 90;
/// Rows shown of each list.
const SHOWN: usize = 10;
/// At most this many campaigns are read, and this many active ones have their reviews counted.
const CAMPAIGNS_CAP: usize = 200;
const ACTIVE_CAP: usize = 20;
/// Review items counted per active campaign.
const REVIEWS_CAP: usize = 2000;
/// Pending requests read.
const REQUESTS_CAP: usize = 500;
/// People whose entitlements are read for separation of duties.
const SOD_PEOPLE_CAP: usize = 200;
/// Privilege grant events read.
const LOG_CAP: usize = 200;

/// When a campaign ends: launched (or scheduled to start) plus its duration.
fn campaign_end(c: &Value) -> Option<DateTime<Utc>> {
    let start = time_of(c.get("launchedDate")).or_else(|| time_of(c.pointer("/scheduleSettings/startDate")))?;
    let days = c.pointer("/scheduleSettings/durationInDays").and_then(Value::as_i64)?;
    start.checked_add_signed(Duration::days(days))
}

/// Campaigns by status; the active ones with their completion, end and whether they are overdue.
async fn campaigns(ctx: &ToolContext, now: DateTime<Utc>) -> Result<(Value, Value), ToolError> {
    let all = ctx.okta.get_all(&ops::LIST_CAMPAIGNS, &[], Query::new(), CAMPAIGNS_CAP).await?;
    let mut by_status: BTreeMap<String, usize> = BTreeMap::new();
    for c in &all {
        *by_status.entry(str_of(c, "status").to_owned()).or_default() += 1;
    }
    let active: Vec<Value> = all.iter().filter(|c| str_of(c, "status") == "ACTIVE").cloned().collect();
    let active_count = active.len();
    let counted = fan_out(ctx, active.into_iter().take(ACTIVE_CAP).collect(), |c: Value| async move {
        // The list leaves the schedule out: the campaign itself says when it ends.
        let id = str_of(&c, "id");
        let filter = filter_expr(&[("campaignId", Some(id))])?;
        let (param, none) = ([id], Query::new());
        let (campaign, reviews) = futures::join!(
            ctx.okta.get(&ops::GET_CAMPAIGN, &param, &none),
            ctx.okta.get_all(&ops::LIST_REVIEWS, &[], Query::new().opt("filter", filter.as_deref()), REVIEWS_CAP)
        );
        Ok::<_, ToolError>((campaign?, reviews?))
    })
    .await;
    let mut rows = Vec::new();
    let mut overdue = Vec::new();
    for answer in counted {
        let (c, reviews) = answer?;
        let total = reviews.len();
        let unreviewed = reviews.iter().filter(|r| matches!(str_of(r, "decision"), "" | "UNREVIEWED")).count();
        let end = campaign_end(&c);
        let late = end.is_some_and(|e| e < now) && unreviewed > 0;
        let percent = ((total - unreviewed) * 100).checked_div(total).unwrap_or(100);
        let row = json!({
            "id": c.get("id"), "name": c.get("name"), "items": if total >= REVIEWS_CAP { json!(format!("{REVIEWS_CAP}+")) } else { json!(total) },
            "unreviewed": unreviewed, "complete_percent": percent, "ends": end.map(utc), "overdue": late,
        });
        if late {
            overdue.push(json!({"campaign": c.get("name"), "id": c.get("id"), "unreviewed": unreviewed,
                                "days_overdue": end.map(|e| (now - e).num_days())}));
        }
        rows.push(row);
    }
    let mut out = json!({
        "count": all.len(),
        "by_status": by_status,
        "active": capped(rows, SHOWN),
    });
    if all.len() >= CAMPAIGNS_CAP {
        out["note"] = json!(format!("the first {CAMPAIGNS_CAP} campaigns were read"));
    }
    if active_count > ACTIVE_CAP {
        out["active_not_counted"] = json!(active_count - ACTIVE_CAP);
    }
    let overdue_items: usize = overdue.iter().filter_map(|o| o["unreviewed"].as_u64()).map(|n| n as usize).sum();
    let overdue = json!({
        "campaigns": capped(overdue, SHOWN),
        "unreviewed_items": overdue_items,
        "see": "okta_iga_list_campaign_items with decision UNREVIEWED",
    });
    Ok((out, overdue))
}

/// Pending requests: how many, how old, the oldest.
async fn pending_requests(ctx: &ToolContext, now: DateTime<Utc>) -> Result<Value, ToolError> {
    let filter = filter_expr(&[("status", Some("PENDING"))])?;
    let pending = ctx
        .okta
        .get_all(&ops::LIST_ALL_REQUESTS_V2, &[], Query::new().opt("filter", filter.as_deref()), REQUESTS_CAP)
        .await?;
    let mut aged: Vec<(i64, &Value)> =
        pending.iter().map(|r| (time_of(r.get("created")).map_or(0, |c| (now - c).num_days()), r)).collect();
    aged.sort_by_key(|a| std::cmp::Reverse(a.0));
    let mut buckets: BTreeMap<&str, usize> =
        BTreeMap::from([("under_1_day", 0), ("1_to_7_days", 0), ("over_7_days", 0)]);
    for (days, _) in &aged {
        let bucket = match days {
            d if *d < 1 => "under_1_day",
            d if *d <= 7 => "1_to_7_days",
            _ => "over_7_days",
        };
        *buckets.entry(bucket).or_default() += 1;
    }
    let oldest: Vec<Value> = aged
        .iter()
        .map(|(days, r)| {
            json!({"id": r.get("id"), "entryId": r.pointer("/requested/entryId"),
                   "requestedFor": r.pointer("/requestedFor/externalId"), "created": r.get("created"), "age_days": days})
        })
        .collect();
    let mut out = json!({
        "count": pending.len(),
        "age": buckets,
        "oldest": capped(oldest, SHOWN),
        "see": "okta_iga_list_access_requests with status PENDING",
    });
    if pending.len() >= REQUESTS_CAP {
        out["note"] = json!(format!("the first {REQUESTS_CAP} pending requests were read"));
    }
    Ok(out)
}

/// Who violates an ACTIVE risk rule now, among the people holding grants in the rules' apps.
async fn sod(ctx: &ToolContext) -> Result<Value, ToolError> {
    let rules = active_rules(ctx).await?;
    let apps = apps_of(&rules);
    let mut complete = true;
    let mut checks: Vec<(String, String)> = Vec::new();
    let mut people: BTreeSet<String> = BTreeSet::new();
    for (app, holders) in apps.iter().zip(holders(ctx, &apps).await?) {
        match holders {
            Some(h) => {
                for user in h {
                    people.insert(user.clone());
                    checks.push((user, app.clone()));
                }
            }
            None => complete = false,
        }
    }
    let people: Vec<String> = people.into_iter().collect();
    if people.len() > SOD_PEOPLE_CAP {
        complete = false;
        let kept: BTreeSet<&String> = people.iter().take(SOD_PEOPLE_CAP).collect();
        checks.retain(|(u, _)| kept.contains(u));
    }
    let values = values_held(ctx, checks).await.map_err(|(_, e)| e)?;
    let mut rows = Vec::new();
    for (user, held) in &values {
        for rule in &rules {
            if let Some(conflicting) = violation(rule, held) {
                let mut row = violation_row(rule, conflicting);
                row["userId"] = json!(user);
                rows.push(row);
            }
        }
    }
    let violators: BTreeSet<&str> = rows.iter().filter_map(|r| r["userId"].as_str()).collect();
    let violators = violators.len();
    let mut out = json!({
        "rules": rules.len(),
        "people_checked": values.len(),
        "people_violating": violators,
        "violations": capped(rows, SHOWN),
    });
    if !complete {
        out["note"] = json!(
            "not every holder was checked (too many grants or people): okta_iga_detect_sod_violations checks \
             everyone, page by page"
        );
    }
    Ok(out)
}

/// Admin privileges granted in the window (System Log).
async fn privilege_grants(ctx: &ToolContext, since: DateTime<Utc>) -> Result<Value, ToolError> {
    let query = Query::new()
        .push("filter", "eventType eq \"user.account.privilege.grant\" or eventType eq \"group.privilege.grant\"")
        .push("since", utc(since));
    let events = ctx.okta.get_all(&ops::LIST_LOG_EVENTS, &[], query, LOG_CAP).await?;
    let mut rows: Vec<(String, Value)> = events
        .iter()
        .map(|e| {
            let targets: Vec<&Value> = e.get("target").and_then(Value::as_array).into_iter().flatten().collect();
            let to = targets.iter().find(|t| matches!(str_of(t, "type"), "User" | "UserGroup")).map(|t| {
                if str_of(t, "alternateId").is_empty() { str_of(t, "displayName") } else { str_of(t, "alternateId") }
            });
            // The role: a ROLE target, or what Okta's debug data says was granted.
            let role = targets
                .iter()
                .find(|t| str_of(t, "type") == "ROLE")
                .map(|t| str_of(t, "displayName"))
                .or_else(|| e.pointer("/debugContext/debugData/privilegeGranted").and_then(Value::as_str));
            let by = e.pointer("/actor/alternateId").and_then(Value::as_str);
            let published = str_of(e, "published").to_owned();
            (
                published.clone(),
                json!({"when": published, "to": to, "role": role, "by": by,
                                        "result": e.pointer("/outcome/result")}),
            )
        })
        .collect();
    rows.sort_by(|a, b| b.0.cmp(&a.0));
    let mut out = json!({
        "since": utc(since),
        "grants": capped(rows.into_iter().map(|(_, r)| r).collect(), SHOWN),
        "see": "okta-mcp-admin's System Log tools for the events themselves",
    });
    if events.len() >= LOG_CAP {
        out["note"] = json!(format!("the first {LOG_CAP} events were read"));
    }
    Ok(out)
}

async fn dashboard(ctx: ToolContext, args: DashboardArgs) -> Result<ToolOutput, ToolError> {
    let days = count_arg("days", args.days, DEFAULT_DAYS, MAX_DAYS)?;
    let now = Utc::now();
    let since = now.checked_sub_signed(Duration::days(i64::from(days))).unwrap_or(now);
    let ctx = &ctx;
    let (campaigns, requests, sod, privileges) =
        futures::join!(campaigns(ctx, now), pending_requests(ctx, now), sod(ctx), privilege_grants(ctx, since));
    let mut gaps = Gaps::default();
    let (campaigns, overdue) = match gaps.take("campaigns", campaigns) {
        Some((c, o)) => (c, o),
        None => (Value::Null, Value::Null),
    };
    let requests = gaps.take("pending_requests", requests).unwrap_or(Value::Null);
    let sod = gaps.take("sod_violations", sod).unwrap_or(Value::Null);
    let privileges = gaps.take("privilege_grants", privileges).unwrap_or(Value::Null);
    let n = |v: &Value, p: &str| v.pointer(p).and_then(Value::as_u64).map_or("unknown".to_owned(), |n| n.to_string());
    let summary = format!(
        "campaigns: {} ({} active), {} overdue with {} unreviewed items; {} pending requests ({} older than 7 \
         days); {} people violating SoD rules; {} admin privilege grants in {days} days",
        n(&campaigns, "/count"),
        if campaigns.is_null() {
            "unknown".to_owned()
        } else {
            n(&campaigns, "/by_status/ACTIVE").replace("unknown", "0")
        },
        n(&overdue, "/campaigns/count"),
        n(&overdue, "/unreviewed_items"),
        n(&requests, "/count"),
        n(&requests, "/age/over_7_days"),
        n(&sod, "/people_violating"),
        n(&privileges, "/grants/count"),
    );
    let mut answer = json!({
        "summary": summary,
        "as_of": utc(now),
        "campaigns": campaigns,
        "overdue_reviews": overdue,
        "pending_requests": requests,
        "sod_violations": sod,
        "privilege_grants": privileges,
    });
    gaps.into_answer(&mut answer);
    Ok(ToolOutput::json(answer))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_campaign_ends_its_duration_after_launch() {
        let c = json!({"launchedDate": "2026-11-01T00:00:00Z",
                       "scheduleSettings": {"startDate": "2026-10-01T00:00:00Z", "durationInDays": 30}});
        assert_eq!(campaign_end(&c).map(utc).as_deref(), Some("2026-12-01T00:00:00Z"));
        let scheduled = json!({"scheduleSettings": {"startDate": "2026-10-01T00:00:00-08:00", "durationInDays": 1}});
        assert_eq!(campaign_end(&scheduled).map(utc).as_deref(), Some("2026-10-02T08:00:00Z"));
        assert_eq!(campaign_end(&json!({})), None);
    }
}
