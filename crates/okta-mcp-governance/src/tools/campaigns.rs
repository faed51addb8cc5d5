//! Access certification campaigns (`/governance/api/v1/campaigns`) and their review items
//! (`/governance/api/v1/reviews`): list, read, create (one-off or recurring), launch and end (asynchronous: 202
//! with the campaign in `Location`), and the "reviews" toolset: review items and their reassignment.

use okta_core::{Answer, Query};
use okta_mcp_kit::args::{check_id, non_empty};
use okta_mcp_kit::lookup::user_id;
use okta_mcp_kit::lookup::{items_of, name_of, one_named, str_of};
use okta_mcp_kit::output::strip_links;
use okta_mcp_kit::{Access, Field, ListArgs, ToolContext, ToolDef, ToolError, ToolMeta, ToolOutput, field};
use okta_mcp_kit::{ops, orn};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::args::filter_expr;

/// Compact fields of a campaign.
const CAMPAIGN_FIELDS: &[Field] = &[
    field("id", "id"),
    field("name", "name"),
    field("status", "status"),
    field("startDate", "startDate"),
    field("endDate", "endDate"),
    field("scheduleType", "scheduleType"),
    field("reviewerType", "reviewerType"),
];

/// Compact fields of a review item.
const REVIEW_FIELDS: &[Field] = &[
    field("id", "id"),
    field("principalId", "principalProfile.id"),
    field("principal", "principalProfile.email"),
    field("resourceId", "resourceId"),
    field("decision", "decision"),
    field("reviewer", "reviewerProfile.email"),
    field("remediationStatus", "remediationStatus"),
    field("decided", "decided"),
];

pub fn tools() -> Vec<ToolDef> {
    vec![
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_list_campaigns",
                title: "List campaigns",
                description: "Certification campaigns.",
                access: Access::Read,
                toolset: "campaigns",
                operations: &[ops::LIST_CAMPAIGNS],
            },
            list_campaigns,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_get_campaign",
                title: "Get campaign",
                description: "One campaign with all its settings.",
                access: Access::Read,
                toolset: "campaigns",
                operations: &[ops::LIST_CAMPAIGNS, ops::GET_CAMPAIGN],
            },
            get_campaign,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_create_campaign",
                title: "Create campaign",
                description: "Schedule a campaign (once or repeating): one reviewer reviews access to apps or groups.",
                access: Access::Write,
                toolset: "campaigns",
                operations: &[ops::GET_USER, ops::CREATE_CAMPAIGN],
            },
            create_campaign,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_launch_campaign",
                title: "Launch campaign",
                description: "Launch a SCHEDULED campaign now (async); reports its status.",
                access: Access::Write,
                toolset: "campaigns",
                operations: &[ops::LIST_CAMPAIGNS, ops::GET_CAMPAIGN, ops::LAUNCH_CAMPAIGN],
            },
            launch_campaign,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_close_campaign",
                title: "Close campaign",
                description: "End an ACTIVE campaign (async): open items close, remediation runs.",
                access: Access::Destructive,
                toolset: "campaigns",
                operations: &[ops::LIST_CAMPAIGNS, ops::GET_CAMPAIGN, ops::LIST_REVIEWS, ops::END_CAMPAIGN],
            },
            close_campaign,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_list_campaign_items",
                title: "List campaign items",
                description: "Review items of a campaign.",
                access: Access::Read,
                toolset: "reviews",
                operations: &[ops::GET_USER, ops::LIST_CAMPAIGNS, ops::LIST_REVIEWS],
            },
            list_campaign_items,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_get_campaign_item",
                title: "Get campaign item",
                description: "One review item, with its note.",
                access: Access::Read,
                toolset: "reviews",
                operations: &[ops::GET_REVIEW],
            },
            get_campaign_item,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_reassign_campaign_items",
                title: "Reassign campaign items",
                description: "Move review items of an ACTIVE campaign to another reviewer.",
                access: Access::Write,
                toolset: "reviews",
                operations: &[ops::GET_USER, ops::LIST_CAMPAIGNS, ops::REASSIGN_REVIEWS],
            },
            reassign_campaign_items,
        ),
    ]
}

/// Campaign statuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CampaignStatus {
    Scheduled,
    Launching,
    Active,
    Completed,
    Error,
}

impl CampaignStatus {
    fn as_str(self) -> &'static str {
        match self {
            CampaignStatus::Scheduled => "SCHEDULED",
            CampaignStatus::Launching => "LAUNCHING",
            CampaignStatus::Active => "ACTIVE",
            CampaignStatus::Completed => "COMPLETED",
            CampaignStatus::Error => "ERROR",
        }
    }
}

/// Review decisions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Decision {
    Unreviewed,
    Approve,
    Revoke,
}

impl Decision {
    fn as_str(self) -> &'static str {
        match self {
            Decision::Unreviewed => "UNREVIEWED",
            Decision::Approve => "APPROVE",
            Decision::Revoke => "REVOKE",
        }
    }
}

/// The campaign's id: as given when it is one, else the one campaign with exactly that name.
async fn campaign_id(ctx: &ToolContext, campaign: &str) -> Result<String, ToolError> {
    if okta_mcp_kit::ids::Kind::Campaign.is_id(campaign) {
        return Ok(campaign.to_owned());
    }
    let name = non_empty("campaign", Some(campaign))?.unwrap_or_default();
    let filter = filter_expr(&[("name", Some(name))])
        .map_err(|_| ToolError::invalid_arguments(format!("{campaign:?} is neither a campaign id nor a name")))?;
    let query = Query::new().opt("filter", filter.as_deref()).push("limit", 2);
    let found = ctx.okta.get(&ops::LIST_CAMPAIGNS, &[], &query).await?;
    let named = items_of(&found);
    let campaign = one_named("campaign", name, &named, &[], "okta_iga_list_campaigns", name_of)?;
    Ok(str_of(campaign, "id").to_owned())
}

async fn fetch_campaign(ctx: &ToolContext, id: &str) -> Result<Value, ToolError> {
    ctx.okta.get(&ops::GET_CAMPAIGN, &[id], &Query::new()).await
}

/// Which campaign, in a few lines of JSON: for results of changes.
fn campaign_summary(c: &Value) -> Value {
    json!({
        "id": c.get("id"),
        "name": c.get("name"),
        "status": c.get("status"),
        "startDate": c.pointer("/scheduleSettings/startDate"),
        "durationInDays": c.pointer("/scheduleSettings/durationInDays"),
        "schedule": c.pointer("/scheduleSettings/type"),
        "repeatEvery": c.pointer("/scheduleSettings/recurrence/interval"),
        "launchedDate": c.get("launchedDate"),
        "endedDate": c.get("endedDate"),
    })
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ListCampaignsArgs {
    /// Status filter.
    status: Option<CampaignStatus>,
    /// Exact name.
    name: Option<String>,
    #[serde(flatten)]
    page: ListArgs,
}

async fn list_campaigns(ctx: ToolContext, args: ListCampaignsArgs) -> Result<ToolOutput, ToolError> {
    let filter = filter_expr(&[("status", args.status.map(CampaignStatus::as_str)), ("name", args.name.as_deref())])?;
    args.page
        .list(&ctx, &ops::LIST_CAMPAIGNS, &[], Query::new().opt("filter", filter.as_deref()), CAMPAIGN_FIELDS)
        .await
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct CampaignArg {
    /// Campaign id or name.
    campaign: String,
}

async fn get_campaign(ctx: ToolContext, args: CampaignArg) -> Result<ToolOutput, ToolError> {
    let id = campaign_id(&ctx, &args.campaign).await?;
    Ok(ToolOutput::json(strip_links(fetch_campaign(&ctx, &id).await?)))
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct CreateCampaignArgs {
    /// Name.
    name: String,
    /// App (0oa) or group (00g) ids or ORNs, one kind.
    resources: Vec<String>,
    /// Start (RFC 3339, future).
    start_date: String,
    /// Days to review (default 14).
    duration_days: Option<u32>,
    /// IANA time zone (default UTC).
    time_zone: Option<String>,
    /// Reviewer id or login.
    reviewer: String,
    /// At end, remove revoked and unreviewed access.
    remediate: Option<bool>,
    /// Repeat interval (P25D, P4W, P3M, P1Y).
    repeat_every: Option<String>,
}

/// A recurrence interval as Okta takes it: days (≤ P182D), weeks (≤ P26W), months (≤ P24M) or years (≤ P2Y),
/// and no shorter than the campaign runs.
fn recurrence(interval: &str, duration_days: u32) -> Result<Value, ToolError> {
    let bad = || {
        ToolError::invalid_arguments(format!(
            "repeat_every {interval:?} is not an ISO 8601 interval Okta takes: P1D–P182D, P1W–P26W, P1M–P24M or \
             P1Y–P2Y"
        ))
    };
    let rest = interval.strip_prefix('P').ok_or_else(bad)?;
    let unit = rest.chars().last().ok_or_else(bad)?;
    let n: u32 = rest[..rest.len() - unit.len_utf8()].parse().ok().filter(|n| *n >= 1).ok_or_else(bad)?;
    let shortest = match unit {
        'D' if n <= 182 => n,
        'W' if n <= 26 => n * 7,
        'M' if n <= 24 => n * 28,
        'Y' if n <= 2 => n * 365,
        _ => return Err(bad()),
    };
    if shortest < duration_days {
        return Err(ToolError::invalid_arguments(format!(
            "repeat_every {interval} is shorter than duration_days {duration_days}: a campaign must end before it \
             recurs"
        )));
    }
    Ok(json!({"interval": interval}))
}

/// `APPLICATION` or `GROUP`, and the plain ids.
fn campaign_resources(resources: &[String]) -> Result<(&'static str, Vec<String>), ToolError> {
    if resources.is_empty() || resources.len() > 50 {
        return Err(ToolError::invalid_arguments("resources: give 1 to 50 app or group ids"));
    }
    let mut kind = None;
    let mut ids = Vec::new();
    for r in resources {
        let id = orn::id_of(r.trim());
        check_id("resources", id)?;
        let this = match id.get(..3) {
            Some("0oa") => "APPLICATION",
            Some("00g") => "GROUP",
            _ => return Err(ToolError::invalid_arguments(format!("{r:?} is not an app (0oa…) or group (00g…) id"))),
        };
        if kind.is_some_and(|k| k != this) {
            return Err(ToolError::invalid_arguments("resources: review apps or groups in one campaign, not both"));
        }
        kind = Some(this);
        ids.push(id.to_owned());
    }
    Ok((kind.unwrap_or("APPLICATION"), ids))
}

async fn create_campaign(ctx: ToolContext, args: CreateCampaignArgs) -> Result<ToolOutput, ToolError> {
    let name = args.name.trim();
    if name.is_empty() || name.chars().count() > 255 {
        return Err(ToolError::invalid_arguments("name must be 1 to 255 characters"));
    }
    let (kind, ids) = campaign_resources(&args.resources)?;
    let start = chrono::DateTime::parse_from_rfc3339(args.start_date.trim()).map_err(|_| {
        ToolError::invalid_arguments(format!(
            "start_date {:?} is not an RFC 3339 time such as 2026-12-01T09:00:00-08:00",
            args.start_date
        ))
    })?;
    if start <= chrono::Utc::now() {
        return Err(ToolError::invalid_arguments(
            "start_date must be in the future (launch early with \
             okta_iga_launch_campaign)",
        ));
    }
    let days = args.duration_days.unwrap_or(14);
    if !(1..=365).contains(&days) {
        return Err(ToolError::invalid_arguments("duration_days must be 1 to 365"));
    }
    let time_zone = non_empty("time_zone", args.time_zone.as_deref())?.unwrap_or("UTC");
    let repeat = args.repeat_every.as_deref().map(|i| recurrence(i.trim(), days)).transpose()?;
    let reviewer = user_id(&ctx, &args.reviewer).await?;
    let remediation = if args.remediate.unwrap_or(false) { "DENY" } else { "NO_ACTION" };
    let mut body = json!({
        "name": name,
        "scheduleSettings": {
            "type": "ONE_OFF",
            "startDate": start.to_rfc3339_opts(chrono::SecondsFormat::Millis, false),
            "durationInDays": days,
            "timeZone": time_zone,
        },
        "resourceSettings": {
            "type": kind,
            "targetResources": ids.iter().map(|id| json!({"resourceId": id, "resourceType": kind})).collect::<Vec<_>>(),
        },
        "reviewerSettings": {"type": "USER", "reviewerId": reviewer},
        "remediationSettings": {
            "accessApproved": "NO_ACTION",
            "accessRevoked": remediation,
            "noResponse": remediation,
        },
    });
    if let Some(r) = repeat {
        body["scheduleSettings"]["type"] = json!("RECURRING");
        body["scheduleSettings"]["recurrence"] = r;
    }
    let created = ctx.okta.send(&ops::CREATE_CAMPAIGN, &[], &Query::new(), Some(&body)).await?;
    Ok(ToolOutput::json(json!({
        "created": created.as_ref().map(campaign_summary),
        "result": "campaign scheduled; it launches at start_date, or now with okta_iga_launch_campaign",
    })))
}

async fn launch_campaign(ctx: ToolContext, args: CampaignArg) -> Result<ToolOutput, ToolError> {
    let id = campaign_id(&ctx, &args.campaign).await?;
    let before = fetch_campaign(&ctx, &id).await?;
    match str_of(&before, "status") {
        "SCHEDULED" => {}
        "ACTIVE" | "LAUNCHING" => {
            return Err(ToolError::refused(format!(
                "campaign {id} is already {} (launched {}): nothing to launch. Its items: \
                 okta_iga_list_campaign_items.",
                str_of(&before, "status"),
                before.get("launchedDate").and_then(Value::as_str).unwrap_or("?")
            )));
        }
        other => {
            return Err(ToolError::refused(format!(
                "campaign {id} is {other}: only a SCHEDULED campaign can be launched; create a new one \
                 (okta_iga_create_campaign). Nothing was changed."
            )));
        }
    }
    let answer = ctx.okta.send_answer(&ops::LAUNCH_CAMPAIGN, &[&id], &Query::new(), None).await?;
    let launched = located(&answer, &id);
    let after = fetch_campaign(&ctx, &launched).await?;
    let status = str_of(&after, "status");
    let mut out = json!({
        "campaign": campaign_summary(&after),
        "operation": operation(&format!("POST {}", ops::LAUNCH_CAMPAIGN.path(&[&id])?), &answer, status),
        "result": if status == "ACTIVE" {
            "launched: reviewers have their review items".to_owned()
        } else {
            format!("launch accepted; the campaign is {status}: check again with okta_iga_get_campaign")
        },
    });
    if launched != id {
        out["recurring_definition"] = json!({"id": id, "name": before.get("name"),
            "note": "a recurring campaign launches its next occurrence as a campaign of its own (above)"});
    }
    Ok(ToolOutput::json(out))
}

/// The campaign a 202 names in `Location` (for a recurring campaign, the occurrence launched), else `asked`.
fn located(answer: &Answer, asked: &str) -> String {
    answer
        .location
        .as_deref()
        .and_then(|l| id_in_location(l, ops::LIST_CAMPAIGNS.path))
        .filter(|id| check_id("campaign", id).is_ok())
        .unwrap_or(asked)
        .to_owned()
}

/// What Okta answered an asynchronous request, and where things stand now.
fn operation(request: &str, answer: &Answer, status: &str) -> Value {
    json!({"request": request, "okta_answered": "202 Accepted", "location": answer.location, "status": status})
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct CloseCampaignArgs {
    /// Campaign id or name.
    campaign: String,
    /// Skip remediation.
    skip_remediation: Option<bool>,
}

async fn close_campaign(ctx: ToolContext, args: CloseCampaignArgs) -> Result<ToolOutput, ToolError> {
    let id = campaign_id(&ctx, &args.campaign).await?;
    let before = fetch_campaign(&ctx, &id).await?;
    if str_of(&before, "status") != "ACTIVE" {
        return Err(ToolError::refused(format!(
            "campaign {id} is {}: only an ACTIVE campaign can be ended. Nothing was changed.",
            str_of(&before, "status")
        )));
    }
    let filter = filter_expr(&[("campaignId", Some(&id)), ("decision", Some("UNREVIEWED"))])?;
    let open = ctx
        .okta
        .get(&ops::LIST_REVIEWS, &[], &Query::new().opt("filter", filter.as_deref()).push("limit", 200))
        .await?;
    let open = open.get("data").and_then(Value::as_array).map_or(0, Vec::len);
    let body = args.skip_remediation.map(|skip| json!({"skipRemediation": skip}));
    let answer = ctx.okta.send_answer(&ops::END_CAMPAIGN, &[&id], &Query::new(), body.as_ref()).await?;
    let after = fetch_campaign(&ctx, &located(&answer, &id)).await?;
    let status = str_of(&after, "status");
    Ok(ToolOutput::json(json!({
        "campaign": campaign_summary(&after),
        "operation": operation(&format!("POST {}", ops::END_CAMPAIGN.path(&[&id])?), &answer, status),
        "unreviewed_items_closed": if open >= 200 { json!("200 or more") } else { json!(open) },
        "result": if status == "COMPLETED" {
            "campaign ended".to_owned()
        } else {
            format!("end accepted; the campaign is {status}: check again with okta_iga_get_campaign")
        },
    })))
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ListItemsArgs {
    /// Campaign id or name.
    campaign: String,
    /// Decision filter.
    decision: Option<Decision>,
    /// Reviewed user id or login.
    principal: Option<String>,
    #[serde(flatten)]
    page: ListArgs,
}

async fn list_campaign_items(ctx: ToolContext, args: ListItemsArgs) -> Result<ToolOutput, ToolError> {
    if args.page.cursor.as_deref().is_some_and(|c| !c.is_empty()) {
        // The cursor carries the filter.
        return args.page.list(&ctx, &ops::LIST_REVIEWS, &[], Query::new(), REVIEW_FIELDS).await;
    }
    let id = campaign_id(&ctx, &args.campaign).await?;
    let principal = match args.principal.as_deref() {
        Some(u) => Some(user_id(&ctx, u).await?),
        None => None,
    };
    let filter = filter_expr(&[
        ("campaignId", Some(&id)),
        ("decision", args.decision.map(Decision::as_str)),
        ("principalId", principal.as_deref()),
    ])?;
    args.page.list(&ctx, &ops::LIST_REVIEWS, &[], Query::new().opt("filter", filter.as_deref()), REVIEW_FIELDS).await
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ItemArg {
    /// Review item id.
    review_id: String,
}

async fn get_campaign_item(ctx: ToolContext, args: ItemArg) -> Result<ToolOutput, ToolError> {
    let item = ctx.okta.get(&ops::GET_REVIEW, &[&args.review_id], &Query::new()).await?;
    Ok(ToolOutput::json(strip_links(item)))
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ReassignArgs {
    /// Campaign id or name.
    campaign: String,
    /// Review item ids (1-50).
    review_ids: Vec<String>,
    /// New reviewer id or login.
    reviewer: String,
    /// Why.
    note: String,
}

async fn reassign_campaign_items(ctx: ToolContext, args: ReassignArgs) -> Result<ToolOutput, ToolError> {
    if args.review_ids.is_empty() || args.review_ids.len() > 50 {
        return Err(ToolError::invalid_arguments("review_ids: give 1 to 50 review item ids"));
    }
    for r in &args.review_ids {
        check_id("review_ids", r)?;
    }
    let note = args.note.trim();
    if note.is_empty() || note.chars().count() > 300 {
        return Err(ToolError::invalid_arguments("note must be 1 to 300 characters"));
    }
    let id = campaign_id(&ctx, &args.campaign).await?;
    let reviewer = user_id(&ctx, &args.reviewer).await?;
    let body = json!({"reviewerId": reviewer, "reviewIds": args.review_ids, "note": note});
    let saved = ctx.okta.send(&ops::REASSIGN_REVIEWS, &[&id], &Query::new(), Some(&body)).await?;
    let items: Vec<Value> = saved
        .as_ref()
        .and_then(|v| v.get("data"))
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|r| {
                    json!({"id": r.get("id"), "principal": r.pointer("/principalProfile/email"),
                    "reviewer": r.pointer("/reviewerProfile/email"), "decision": r.get("decision")})
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(ToolOutput::json(json!({
        "campaign_id": id, "reviewer_id": reviewer, "reassigned": items, "result": "review items reassigned",
    })))
}

/// The id a `Location` names under `collection` (e.g. `/governance/api/v1/campaigns`): the segment after it,
/// whatever the host; `None` when the header names something else.
pub fn id_in_location<'a>(location: &'a str, collection: &str) -> Option<&'a str> {
    let path = location.split_once("://").map_or(location, |(_, rest)| rest.find('/').map_or("", |i| &rest[i..]));
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let id = path.strip_prefix(collection)?.strip_prefix('/')?;
    (!id.is_empty() && !id.contains('/')).then_some(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_name_an_id_under_a_collection() {
        let c = "/governance/api/v1/campaigns";
        assert_eq!(id_in_location("https://acme.okta.com/governance/api/v1/campaigns/ici2", c), Some("ici2"));
        assert_eq!(id_in_location("/governance/api/v1/campaigns/ici2?x=1", c), Some("ici2"));
        assert_eq!(id_in_location("https://acme.okta.com/governance/api/v1/campaigns/ici2/launch", c), None);
        assert_eq!(id_in_location("https://acme.okta.com/governance/api/v1/reviews/icr1", c), None);
        assert_eq!(id_in_location("https://acme.okta.com/governance/api/v1/campaigns", c), None);
    }

    #[test]
    fn campaign_ids() {
        assert!(okta_mcp_kit::ids::Kind::Campaign.is_id("iciqfourcert00000001"));
        assert!(!okta_mcp_kit::ids::Kind::Campaign.is_id("Q4 certification"));
        assert!(!okta_mcp_kit::ids::Kind::Campaign.is_id("../ici"));
    }

    #[test]
    fn resources_are_one_kind() {
        let apps = campaign_resources(&["0oa1".into(), "orn:okta:idp:00o1:apps:salesforce:0oa2".into()]);
        assert_eq!(apps.ok(), Some(("APPLICATION", vec!["0oa1".to_owned(), "0oa2".to_owned()])));
        assert!(campaign_resources(&["0oa1".into(), "00g1".into()]).is_err());
        assert!(campaign_resources(&["00u1".into()]).is_err());
        assert!(campaign_resources(&[]).is_err());
        assert!(campaign_resources(&["../0oa".into()]).is_err());
    }
}
