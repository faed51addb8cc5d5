//! Access requests (v2, `/governance/api/v2/requests`): list, read with their tasks, create for a catalog entry,
//! approve or deny, which Okta does through the request's approval task (`/governance/api/v2/tasks`), and revoke
//! what an approved request gave, which Okta does through `/governance/api/v2/revoke-principal-access`.

use okta_core::Query;
use okta_mcp_kit::args::check_id;
use okta_mcp_kit::lookup::{data_of, user_id};
use okta_mcp_kit::ops;
use okta_mcp_kit::output::strip_links;
use okta_mcp_kit::{Access, Field, ListArgs, ToolContext, ToolDef, ToolError, ToolMeta, ToolOutput, field};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::args::filter_expr;

/// Compact fields of a request.
pub(crate) const REQUEST_FIELDS: &[Field] = &[
    field("id", "id"),
    field("status", "status"),
    field("requestedFor", "requestedFor.externalId"),
    field("entryId", "requested.entryId"),
    field("resourceId", "requested.resourceId"),
    field("created", "created"),
];

fn decide_meta(name: &'static str, title: &'static str, description: &'static str) -> ToolMeta {
    ToolMeta {
        name,
        title,
        description,
        access: Access::Write,
        toolset: "requests",
        operations: &[ops::GET_REQUEST_V2, ops::LIST_ALL_TASKS_V2, ops::RESOLVE_TASK_V2],
    }
}

pub fn tools() -> Vec<ToolDef> {
    vec![
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_list_access_requests",
                title: "List access requests",
                description: "Access requests (v2). OAuth only.",
                access: Access::Read,
                toolset: "requests",
                operations: &[ops::LIST_ALL_REQUESTS_V2],
            },
            list_requests,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_get_access_request",
                title: "Get access request",
                description: "One access request with its tasks (approvals).",
                access: Access::Read,
                toolset: "requests",
                operations: &[ops::GET_REQUEST_V2, ops::LIST_ALL_TASKS_V2],
            },
            get_request,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_create_access_request",
                title: "Create access request",
                description: "Request a catalog entry (cen…) for a user; it waits for approval.",
                access: Access::Write,
                toolset: "requests",
                operations: &[ops::GET_USER, ops::CREATE_REQUEST_V2],
            },
            create_request,
        ),
        ToolDef::new(
            decide_meta(
                "okta_iga_approve_access_request",
                "Approve access request",
                "Approve a request by resolving its open approval task APPROVED.",
            ),
            approve_request,
        ),
        ToolDef::new(
            decide_meta(
                "okta_iga_deny_access_request",
                "Deny access request",
                "Deny a request by resolving its open approval task DENIED.",
            ),
            deny_request,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_revoke_access_request",
                title: "Revoke access request",
                description: "Take away what an APPROVED request gave its user (no endpoint of its own: Okta's \
                              revoke-principal-access on the requested app or bundle). A PENDING request is \
                              refused: deny it with okta_iga_deny_access_request.",
                access: Access::Destructive,
                toolset: "requests",
                operations: &[
                    ops::GET_REQUEST_V2,
                    ops::GET_PRINCIPAL_ACCESS,
                    ops::GET_ENTITLEMENT_BUNDLE,
                    ops::REVOKE_PRINCIPAL_ACCESS,
                ],
            },
            revoke_request,
        ),
    ]
}

/// Request statuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RequestStatus {
    Pending,
    Approved,
    Denied,
    Canceled,
    Expired,
}

impl RequestStatus {
    fn as_str(self) -> &'static str {
        match self {
            RequestStatus::Pending => "PENDING",
            RequestStatus::Approved => "APPROVED",
            RequestStatus::Denied => "DENIED",
            RequestStatus::Canceled => "CANCELED",
            RequestStatus::Expired => "EXPIRED",
        }
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ListRequestsArgs {
    /// Status filter.
    status: Option<RequestStatus>,
    #[serde(flatten)]
    page: ListArgs,
}

async fn list_requests(ctx: ToolContext, args: ListRequestsArgs) -> Result<ToolOutput, ToolError> {
    let filter = filter_expr(&[("status", args.status.map(RequestStatus::as_str))])?;
    args.page
        .list(&ctx, &ops::LIST_ALL_REQUESTS_V2, &[], Query::new().opt("filter", filter.as_deref()), REQUEST_FIELDS)
        .await
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct RequestArg {
    /// Request id.
    request_id: String,
}

async fn tasks_of(ctx: &ToolContext, request_id: &str) -> Result<Vec<Value>, ToolError> {
    let filter = filter_expr(&[("requestId", Some(request_id))])?;
    let found = ctx
        .okta
        .get(&ops::LIST_ALL_TASKS_V2, &[], &Query::new().opt("filter", filter.as_deref()).push("limit", 200))
        .await?;
    Ok(data_of(&found))
}

fn task_summary(t: &Value) -> Value {
    json!({
        "id": t.get("id"), "type": t.get("type"), "status": t.get("status"), "label": t.get("label"),
        "assignees": t.get("assignees"), "value": t.get("value"),
    })
}

async fn get_request(ctx: ToolContext, args: RequestArg) -> Result<ToolOutput, ToolError> {
    let r = ctx.okta.get(&ops::GET_REQUEST_V2, &[&args.request_id], &Query::new()).await?;
    let tasks = tasks_of(&ctx, &args.request_id).await?;
    let mut out = strip_links(r);
    out["tasks"] = Value::Array(tasks.iter().map(task_summary).collect());
    Ok(ToolOutput::json(out))
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct CreateRequestArgs {
    /// Catalog entry id.
    entry_id: String,
    /// For whom: user id or login.
    user: String,
}

async fn create_request(ctx: ToolContext, args: CreateRequestArgs) -> Result<ToolOutput, ToolError> {
    check_id("entry_id", &args.entry_id)?;
    let uid = user_id(&ctx, &args.user).await?;
    let body = json!({
        "requested": {"type": "CATALOG_ENTRY", "entryId": args.entry_id},
        "requestedFor": {"type": "OKTA_USER", "externalId": uid},
    });
    let created = ctx.okta.send(&ops::CREATE_REQUEST_V2, &[], &Query::new(), Some(&body)).await?;
    Ok(ToolOutput::json(json!({
        "request": created.as_ref().map(|r| json!({"id": r.get("id"), "status": r.get("status"),
            "requestedFor": uid, "requested": r.get("requested")})),
        "result": "request submitted; it waits for approval (okta_iga_approve_access_request / okta_iga_deny_access_request)",
    })))
}

async fn approve_request(ctx: ToolContext, args: RequestArg) -> Result<ToolOutput, ToolError> {
    decide(&ctx, &args.request_id, "APPROVED").await
}

async fn deny_request(ctx: ToolContext, args: RequestArg) -> Result<ToolOutput, ToolError> {
    decide(&ctx, &args.request_id, "DENIED").await
}

/// Resolve the request's first open approval task with `value`, and report the request after.
async fn decide(ctx: &ToolContext, request_id: &str, value: &str) -> Result<ToolOutput, ToolError> {
    let before = ctx.okta.get(&ops::GET_REQUEST_V2, &[request_id], &Query::new()).await?;
    let tasks = tasks_of(ctx, request_id).await?;
    let open = tasks.iter().find(|t| {
        t.get("type").and_then(Value::as_str) == Some("APPROVAL")
            && t.get("status").and_then(Value::as_str) == Some("OPEN")
    });
    let Some(task) = open else {
        return Err(ToolError::refused(format!(
            "request {request_id} is {} and has no open approval task: nothing to decide. Nothing was changed.",
            before.get("status").and_then(Value::as_str).unwrap_or("?")
        )));
    };
    let task_id = task.get("id").and_then(Value::as_str).unwrap_or_default();
    let resolved =
        ctx.okta.send(&ops::RESOLVE_TASK_V2, &[task_id], &Query::new(), Some(&json!({"value": value}))).await?;
    let after = ctx.okta.get(&ops::GET_REQUEST_V2, &[request_id], &Query::new()).await?;
    Ok(ToolOutput::json(json!({
        "request": {"id": request_id, "status": after.get("status"), "resolved": after.get("resolved")},
        "task": resolved.as_ref().map(task_summary),
        "result": format!("approval task resolved {value}"),
    })))
}

fn text<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer).and_then(Value::as_str).unwrap_or_default()
}

/// Why a request has nothing to revoke, when it has not.
fn nothing_to_revoke(r: &Value) -> Option<String> {
    let id = text(r, "/id");
    match text(r, "/status") {
        "APPROVED" => {}
        s @ ("PENDING" | "SUBMITTED") => {
            return Some(format!(
                "request {id} is {s}: nothing was granted yet. To stop it, deny it with \
                 okta_iga_deny_access_request. Nothing was changed."
            ));
        }
        s => return Some(format!("request {id} is {s}: it gave no access, so there is nothing to revoke.")),
    }
    if text(r, "/revocationStatus") == "REVOKED" || r.get("revoked").is_some_and(|v| !v.is_null()) {
        return Some(format!(
            "request {id}'s access was already revoked ({}). Nothing was changed.",
            text(r, "/revoked")
        ));
    }
    match text(r, "/grantStatus") {
        "" | "GRANTED" => None,
        g => Some(format!("request {id} is APPROVED but Okta has not granted its access (grantStatus {g}).")),
    }
}

async fn revoke_request(ctx: ToolContext, args: RequestArg) -> Result<ToolOutput, ToolError> {
    let id = args.request_id.trim();
    let r = ctx.okta.get(&ops::GET_REQUEST_V2, &[id], &Query::new()).await?;
    if let Some(why) = nothing_to_revoke(&r) {
        return Err(ToolError::refused(why));
    }
    let user = text(&r, "/requestedFor/externalId").to_owned();
    let app = text(&r, "/requested/resourceId").to_owned();
    let (scope, scope_id) = (text(&r, "/requested/accessScopeType"), text(&r, "/requested/accessScopeId"));
    if !matches!(scope, "APPLICATION" | "ENTITLEMENT_BUNDLE") {
        return Err(ToolError::refused(format!(
            "request {id} gave {scope} {scope_id}: Okta's revoke-principal-access takes apps, bundles and \
             entitlement values only. For a group, remove the user from it (okta-mcp-users). Nothing was changed."
        )));
    }
    check_id("user", &user)?;
    check_id("app", &app)?;
    let filter = filter_expr(&[
        ("parent.externalId", Some(&app)),
        ("parent.type", Some("APPLICATION")),
        ("targetPrincipal.externalId", Some(&user)),
        ("targetPrincipal.type", Some("OKTA_USER")),
    ])?;
    let access = ctx.okta.get(&ops::GET_PRINCIPAL_ACCESS, &[], &Query::new().opt("filter", filter.as_deref())).await?;
    let principal = text(&access, "/targetPrincipalOrn").to_owned();
    let orn = match scope {
        "APPLICATION" => text(&access, "/parentResourceOrn").to_owned(),
        _ => text(&ctx.okta.get(&ops::GET_ENTITLEMENT_BUNDLE, &[scope_id], &Query::new()).await?, "/orn").to_owned(),
    };
    if principal.is_empty() || orn.is_empty() {
        return Err(ToolError::refused("Okta's answer lacks the user's or the access's ORN; nothing was changed"));
    }
    let body = json!({"principalOrn": principal, "actor": "API", "revokeOrns": [orn]});
    ctx.okta.send(&ops::REVOKE_PRINCIPAL_ACCESS, &[], &Query::new(), Some(&body)).await?;
    let after = ctx.okta.get(&ops::GET_REQUEST_V2, &[id], &Query::new()).await?;
    Ok(ToolOutput::json(json!({
        "request": {"id": id, "status": after.get("status"), "revocationStatus": after.get("revocationStatus"),
                    "revoked": after.get("revoked")},
        "user_id": user,
        "revoked": {"type": scope, "id": scope_id, "orn": orn},
        "result": format!("access revoked: the user no longer has {scope} {scope_id}"),
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_granted_approved_request_has_access_to_revoke() {
        let pending = json!({"id": "req1", "status": "PENDING"});
        assert!(nothing_to_revoke(&pending).is_some_and(|w| w.contains("okta_iga_deny_access_request")));
        assert!(nothing_to_revoke(&json!({"id": "req1", "status": "DENIED"})).is_some_and(|w| w.contains("no access")));
        let revoked =
            json!({"id": "req1", "status": "APPROVED", "grantStatus": "GRANTED", "revocationStatus": "REVOKED"});
        assert!(nothing_to_revoke(&revoked).is_some_and(|w| w.contains("already revoked")));
        assert!(nothing_to_revoke(&json!({"id": "req1", "status": "APPROVED", "grantStatus": "GRANTED"})).is_none());
        assert!(nothing_to_revoke(&json!({"id": "req1", "status": "APPROVED", "grantStatus": "FAILED"})).is_some());
    }
}
