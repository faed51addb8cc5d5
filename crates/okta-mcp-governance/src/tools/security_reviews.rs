//! Security access reviews (v2, `/governance/api/v2/security-access-reviews`): a review of one user's access
//! (apps, and under each its groups, bundles and entitlement values), taken when the review starts. Reviewers
//! revoke or restore single accesses, and close the review. Okta serves everything but starting a review to
//! OAuth access tokens only.

use okta_core::Query;
use okta_mcp_kit::args::check_id;
use okta_mcp_kit::lookup::user_id;
use okta_mcp_kit::ops;
use okta_mcp_kit::output::strip_links;
use okta_mcp_kit::{Access, Field, ListArgs, ToolContext, ToolDef, ToolError, ToolMeta, ToolOutput, field};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

use okta_mcp_kit::lookup::data_of;

/// Compact fields of a review.
pub(crate) const REVIEW_FIELDS: &[Field] = &[
    field("id", "id"),
    field("name", "name"),
    field("status", "status"),
    field("endTime", "endTime"),
    field("reviewers", "reviewerSettings.userSettings.includedUserIds"),
    field("created", "created"),
];

/// Compact fields of an access (an app) of a review.
pub(crate) const ACCESS_FIELDS: &[Field] = &[
    field("id", "id"),
    field("name", "name"),
    field("appId", "resourceId"),
    field("assignment", "appInfo.assignmentType"),
    field("severity", "severity"),
    field("remediationStatus", "remediationStatus"),
    field("supportedActions", "supportedActions"),
    field("subAccessTypes", "subAccessTypes"),
];

/// Compact fields of a sub-access (a group, bundle or entitlement value under an app).
const SUB_ACCESS_FIELDS: &[Field] = &[
    field("id", "id"),
    field("type", "type"),
    field("name", "name"),
    field("resourceId", "resourceId"),
    field("assignment", "entitlementInfo.assignmentType"),
    field("remediationStatus", "remediationStatus"),
    field("supportedActions", "supportedActions"),
];

pub fn tools() -> Vec<ToolDef> {
    vec![
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_list_security_access_reviews",
                title: "List security access reviews",
                description: "Security access reviews (v2, one user's access each). OAuth only.",
                access: Access::Read,
                toolset: "reviews",
                operations: &[ops::LIST_SECURITY_ACCESS_REVIEWS],
            },
            list_reviews,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_get_security_access_review",
                title: "Get security access review",
                description: "One security access review: user, reviewers, status, actions available. OAuth only.",
                access: Access::Read,
                toolset: "reviews",
                operations: &[
                    ops::GET_SECURITY_ACCESS_REVIEW,
                    ops::GET_SECURITY_ACCESS_REVIEW_PRINCIPAL_DETAILS,
                    ops::LIST_SECURITY_ACCESS_REVIEW_ACTIONS,
                ],
            },
            get_review,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_list_security_access_review_accesses",
                title: "List security access review accesses",
                description: "Apps in a security access review; with access_id, what is under one. OAuth only.",
                access: Access::Read,
                toolset: "reviews",
                operations: &[ops::LIST_SECURITY_ACCESS_REVIEW_ACCESSES, ops::LIST_SECURITY_ACCESS_REVIEW_SUB_ACCESSES],
            },
            list_accesses,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_submit_security_access_review_action",
                title: "Submit security access review action",
                description: "Revoke, restore or flag one access (access_id), or close the review / restore all. OAuth only.",
                access: Access::Destructive,
                toolset: "reviews",
                operations: &[
                    ops::GET_SECURITY_ACCESS_REVIEW,
                    ops::GET_SECURITY_ACCESS_REVIEW_PRINCIPAL_DETAILS,
                    ops::LIST_SECURITY_ACCESS_REVIEW_ACCESSES,
                    ops::LIST_SECURITY_ACCESS_REVIEW_SUB_ACCESSES,
                    ops::EXECUTE_SECURITY_ACCESS_REVIEW_ACCESSES_ACTION,
                    ops::LIST_SECURITY_ACCESS_REVIEW_ACTIONS,
                    ops::EXECUTE_SECURITY_ACCESS_REVIEW_ACTION,
                ],
            },
            submit_action,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_create_security_access_review",
                title: "Create security access review",
                description: "Start a security access review of a user for 1-10 reviewers.",
                access: Access::Write,
                toolset: "reviews",
                operations: &[ops::GET_USER, ops::CREATE_SECURITY_ACCESS_REVIEW],
            },
            create_review,
        ),
    ]
}

/// Review statuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ReviewStatus {
    Active,
    Closed,
    Pending,
    Error,
}

impl ReviewStatus {
    fn as_str(self) -> &'static str {
        match self {
            ReviewStatus::Active => "ACTIVE",
            ReviewStatus::Closed => "CLOSED",
            ReviewStatus::Pending => "PENDING",
            ReviewStatus::Error => "ERROR",
        }
    }
}

/// A quoted filter value (a `"` or `\` in it is refused before anything is sent).
fn quoted(name: &str, value: &str) -> Result<String, ToolError> {
    let v = value.trim();
    if v.is_empty() || v.contains('"') || v.contains('\\') {
        return Err(ToolError::invalid_arguments(format!("{name} {value:?} is not a valid value")));
    }
    Ok(format!("\"{v}\""))
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ListReviewsArgs {
    /// Status filter.
    status: Option<ReviewStatus>,
    /// Text in the review's name.
    name: Option<String>,
    #[serde(flatten)]
    page: ListArgs,
}

async fn list_reviews(ctx: ToolContext, args: ListReviewsArgs) -> Result<ToolOutput, ToolError> {
    let mut clauses = Vec::new();
    if let Some(s) = args.status {
        clauses.push(format!("status eq \"{}\"", s.as_str()));
    }
    if let Some(n) = args.name.as_deref() {
        clauses.push(format!("name co {}", quoted("name", n)?));
    }
    let filter = (!clauses.is_empty()).then(|| clauses.join(" AND "));
    let query = Query::new().opt("filter", filter);
    args.page.list(&ctx, &ops::LIST_SECURITY_ACCESS_REVIEWS, &[], query, REVIEW_FIELDS).await
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ReviewArg {
    /// Security access review id (sar…).
    review_id: String,
}

async fn get_review(ctx: ToolContext, args: ReviewArg) -> Result<ToolOutput, ToolError> {
    let id = args.review_id.trim();
    let review = ctx.okta.get(&ops::GET_SECURITY_ACCESS_REVIEW, &[id], &Query::new()).await?;
    let principal = ctx.okta.get(&ops::GET_SECURITY_ACCESS_REVIEW_PRINCIPAL_DETAILS, &[id], &Query::new()).await?;
    let actions = ctx.okta.get(&ops::LIST_SECURITY_ACCESS_REVIEW_ACTIONS, &[id], &Query::new()).await?;
    let mut out = strip_links(review);
    out["principal"] = strip_links(principal);
    out["availableActions"] =
        Value::Array(data_of(&actions).iter().filter_map(|a| a.get("actionType").cloned()).collect());
    Ok(ToolOutput::json(out))
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ListAccessesArgs {
    /// Security access review id (sar…).
    review_id: String,
    /// Access id (aim…): list what is under it.
    access_id: Option<String>,
    /// Text in the name.
    name: Option<String>,
    #[serde(flatten)]
    page: ListArgs,
}

async fn list_accesses(ctx: ToolContext, args: ListAccessesArgs) -> Result<ToolOutput, ToolError> {
    let id = args.review_id.trim();
    let filter = args.name.as_deref().map(|n| quoted("name", n).map(|q| format!("name co {q}"))).transpose()?;
    let query = Query::new().opt("filter", filter);
    match args.access_id.as_deref().map(str::trim) {
        Some(access) => {
            args.page
                .list(&ctx, &ops::LIST_SECURITY_ACCESS_REVIEW_SUB_ACCESSES, &[id, access], query, SUB_ACCESS_FIELDS)
                .await
        }
        None => args.page.list(&ctx, &ops::LIST_SECURITY_ACCESS_REVIEW_ACCESSES, &[id], query, ACCESS_FIELDS).await,
    }
}

/// What can be done on a review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ReviewAction {
    RevokeAccess,
    RestoreAccess,
    FlagForManualRemediation,
    CloseReview,
    RestoreAllAccess,
}

impl ReviewAction {
    fn as_str(self) -> &'static str {
        match self {
            ReviewAction::RevokeAccess => "REVOKE_ACCESS",
            ReviewAction::RestoreAccess => "RESTORE_ACCESS",
            ReviewAction::FlagForManualRemediation => "FLAG_FOR_MANUAL_REMEDIATION",
            ReviewAction::CloseReview => "CLOSE_REVIEW",
            ReviewAction::RestoreAllAccess => "RESTORE_ALL_ACCESS",
        }
    }

    fn on_access(self) -> bool {
        matches!(
            self,
            ReviewAction::RevokeAccess | ReviewAction::RestoreAccess | ReviewAction::FlagForManualRemediation
        )
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct SubmitActionArgs {
    /// Security access review id (sar…).
    review_id: String,
    /// Action (the *_ACCESS and FLAG ones need access_id).
    action: ReviewAction,
    /// Access or sub-access id.
    access_id: Option<String>,
}

fn names(v: &Value) -> Vec<String> {
    v.as_array().into_iter().flatten().filter_map(Value::as_str).map(str::to_owned).collect()
}

/// The access or sub-access `target` of a review, and whether it is a sub-access.
async fn find_access(ctx: &ToolContext, review: &str, target: &str) -> Result<Option<(Value, bool)>, ToolError> {
    let limit = Query::new().push("limit", 200);
    let accesses = data_of(&ctx.okta.get(&ops::LIST_SECURITY_ACCESS_REVIEW_ACCESSES, &[review], &limit).await?);
    if let Some(a) = accesses.iter().find(|a| a.get("id").and_then(Value::as_str) == Some(target)) {
        return Ok(Some((a.clone(), false)));
    }
    for a in accesses.iter().filter(|a| a.get("subAccessTypes").is_some_and(|t| !names(t).is_empty())) {
        let access = a.get("id").and_then(Value::as_str).unwrap_or_default();
        let subs =
            data_of(&ctx.okta.get(&ops::LIST_SECURITY_ACCESS_REVIEW_SUB_ACCESSES, &[review, access], &limit).await?);
        if let Some(s) = subs.into_iter().find(|s| s.get("id").and_then(Value::as_str) == Some(target)) {
            return Ok(Some((s, true)));
        }
    }
    Ok(None)
}

fn access_summary(a: &Value) -> Value {
    json!({"id": a.get("id"), "type": a.get("type"), "name": a.get("name"), "resourceId": a.get("resourceId"),
           "remediationStatus": a.get("remediationStatus"), "supportedActions": a.get("supportedActions")})
}

async fn submit_action(ctx: ToolContext, args: SubmitActionArgs) -> Result<ToolOutput, ToolError> {
    let id = args.review_id.trim();
    let action = args.action.as_str();
    let target = match (args.action.on_access(), args.access_id.as_deref().map(str::trim)) {
        (true, Some(t)) => {
            check_id("access_id", t)?;
            Some(t)
        }
        (true, None) => return Err(ToolError::invalid_arguments(format!("{action} needs access_id"))),
        (false, Some(_)) => {
            return Err(ToolError::invalid_arguments(format!("{action} acts on the whole review: drop access_id")));
        }
        (false, None) => None,
    };
    let review = ctx.okta.get(&ops::GET_SECURITY_ACCESS_REVIEW, &[id], &Query::new()).await?;
    let status = review.get("status").and_then(Value::as_str).unwrap_or("?");
    if status != "ACTIVE" {
        return Err(ToolError::refused(format!(
            "security access review {id} is {status}: only an ACTIVE review takes actions. Nothing was changed."
        )));
    }
    // The change names neither the person under review nor the resource: resolve them, so protection checks
    // them and the confirmation shows them.
    let principal = ctx.okta.get(&ops::GET_SECURITY_ACCESS_REVIEW_PRINCIPAL_DETAILS, &[id], &Query::new()).await?;
    let Some(principal_id) = principal.get("id").and_then(Value::as_str) else {
        return Err(ToolError::refused(format!(
            "cannot tell whose access review {id} is (Okta returned no principal id), so nothing was changed"
        )));
    };
    let who = principal.get("login").and_then(Value::as_str).unwrap_or(principal_id);
    ctx.okta.acts_on("users", principal_id, who);
    let Some(target) = target else {
        let available = ctx.okta.get(&ops::LIST_SECURITY_ACCESS_REVIEW_ACTIONS, &[id], &Query::new()).await?;
        let available: Vec<String> = data_of(&available)
            .iter()
            .filter_map(|a| a.get("actionType").and_then(Value::as_str))
            .map(str::to_owned)
            .collect();
        if !available.iter().any(|a| a == action) {
            return Err(ToolError::refused(format!(
                "{action} is not available on review {id} now (available: {}). Nothing was changed.",
                if available.is_empty() { "none".to_owned() } else { available.join(", ") }
            )));
        }
        ctx.okta
            .send(
                &ops::EXECUTE_SECURITY_ACCESS_REVIEW_ACTION,
                &[id],
                &Query::new(),
                Some(&json!({"actionType": action})),
            )
            .await?;
        let after = ctx.okta.get(&ops::GET_SECURITY_ACCESS_REVIEW, &[id], &Query::new()).await?;
        return Ok(ToolOutput::json(json!({
            "review": {"id": id, "name": after.get("name"), "status": after.get("status")},
            "action": action,
            "result": format!("{action} accepted"),
        })));
    };
    let Some((item, sub)) = find_access(&ctx, id, target).await? else {
        return Err(ToolError::refused(format!(
            "review {id} has no access {target} (see okta_iga_list_security_access_review_accesses). Nothing was \
             changed."
        )));
    };
    let resource_kind = match item.get("type").and_then(Value::as_str) {
        Some("APPLICATION") => Some("apps"),
        Some("GROUP") => Some("groups"),
        _ => None,
    };
    if let (Some(kind), Some(resource)) = (resource_kind, item.get("resourceId").and_then(Value::as_str)) {
        ctx.okta.acts_on(kind, resource, item.get("name").and_then(Value::as_str).unwrap_or(resource));
    }
    let supported = names(item.get("supportedActions").unwrap_or(&Value::Null));
    if !supported.iter().any(|a| a == action) {
        return Err(ToolError::refused(format!(
            "{} ({target}) does not take {action} (it takes: {}). Nothing was changed.",
            item.get("name").and_then(Value::as_str).unwrap_or("the access"),
            if supported.is_empty() { "nothing".to_owned() } else { supported.join(", ") }
        )));
    }
    ctx.okta
        .send(
            &ops::EXECUTE_SECURITY_ACCESS_REVIEW_ACCESSES_ACTION,
            &[id, target],
            &Query::new(),
            Some(&json!({"type": action})),
        )
        .await?;
    let after = find_access(&ctx, id, target).await?.map(|(a, _)| access_summary(&a));
    Ok(ToolOutput::json(json!({
        "review": {"id": id, "name": review.get("name")},
        "access": after.unwrap_or_else(|| access_summary(&item)),
        "level": if sub { "sub-access" } else { "access" },
        "action": action,
        "result": format!("{action} accepted"),
    })))
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct CreateReviewArgs {
    /// The user to review: id or login.
    user: String,
    /// Review name.
    name: String,
    /// Reviewers: user ids or logins (1-10).
    reviewers: Vec<String>,
    /// End (RFC 3339), 1 day to 6 months ahead.
    end_time: Option<String>,
}

/// An `end_time` argument: at least a day and less than six months ahead, as Okta takes it.
fn end_time(value: &str) -> Result<String, ToolError> {
    let t = crate::args::future_time(value)?;
    let at = chrono::DateTime::parse_from_rfc3339(&t).map_err(|_| ToolError::invalid_arguments("end_time"))?;
    let ahead = at.with_timezone(&chrono::Utc) - chrono::Utc::now();
    if ahead < chrono::Duration::days(1) || ahead >= chrono::Duration::days(183) {
        return Err(ToolError::invalid_arguments("end_time must be at least one day and less than six months ahead"));
    }
    Ok(t)
}

async fn create_review(ctx: ToolContext, args: CreateReviewArgs) -> Result<ToolOutput, ToolError> {
    let name = args.name.trim();
    if name.is_empty() || name.chars().count() > 255 {
        return Err(ToolError::invalid_arguments("name takes 1 to 255 characters"));
    }
    if args.reviewers.is_empty() || args.reviewers.len() > 10 {
        return Err(ToolError::invalid_arguments("give 1 to 10 reviewers"));
    }
    let end = args.end_time.as_deref().map(end_time).transpose()?;
    let principal = user_id(&ctx, &args.user).await?;
    let mut reviewers = Vec::new();
    for r in &args.reviewers {
        let id = user_id(&ctx, r).await?;
        if !reviewers.contains(&id) {
            reviewers.push(id);
        }
    }
    let mut body = json!({
        "principalId": principal,
        "name": name,
        "reviewerSettings": {"type": "USER", "userSettings": {"includedUserIds": reviewers}},
    });
    if let Some(t) = &end {
        body["endTime"] = json!(t);
    }
    let created = ctx.okta.send(&ops::CREATE_SECURITY_ACCESS_REVIEW, &[], &Query::new(), Some(&body)).await?;
    Ok(ToolOutput::json(json!({
        "review": created.as_ref().map(|r| json!({"id": r.get("id"), "name": r.get("name"), "status": r.get("status"),
            "endTime": r.get("endTime"), "user_id": principal, "reviewers": reviewers})),
        "result": "review started; Okta gathers the user's access (PENDING, then ACTIVE): see \
                   okta_iga_list_security_access_review_accesses",
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_values_are_quoted_and_checked() {
        assert_eq!(quoted("name", " Bob ").ok().as_deref(), Some("\"Bob\""));
        assert!(quoted("name", "a\" or 1").is_err());
    }

    #[test]
    fn end_times_are_a_day_to_six_months_ahead() {
        let in_days = |d: i64| (chrono::Utc::now() + chrono::Duration::days(d)).to_rfc3339();
        assert!(end_time(&in_days(3)).is_ok());
        assert!(end_time(&in_days(0)).is_err());
        assert!(end_time(&in_days(200)).is_err());
    }
}
