//! Access requests (v2, `/governance/api/v2/requests`): list, read with their tasks, create for a catalog entry,
//! and approve or deny, which Okta does through the request's approval task (`/governance/api/v2/tasks`).

use okta_core::Query;
use okta_mcp_kit::args::{check_id, path};
use okta_mcp_kit::lookup::user_id;
use okta_mcp_kit::output::strip_links;
use okta_mcp_kit::{Access, Field, ListArgs, ToolContext, ToolDef, ToolError, ToolMeta, ToolOutput, field, op};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::common::{filter_expr, get, list, post};

const REQUEST: &str = "/governance/api/v2/requests/{requestId}";
const TASKS: &str = "/governance/api/v2/tasks";
const READ: &str = "okta.accessRequests.request.read";
const MANAGE: &str = "okta.accessRequests.request.manage";
const TASKS_READ: &str = "okta.accessRequests.tasks.read";
const TASKS_MANAGE: &str = "okta.accessRequests.tasks.manage";

/// Compact fields of a request.
const REQUEST_FIELDS: &[Field] = &[
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
        scopes: &[READ, TASKS_READ, TASKS_MANAGE],
        operations: &[op!(GET, REQUEST), op!(GET, TASKS), op!(POST, "/governance/api/v2/tasks/{taskId}/resolve")],
    }
}

pub fn tools() -> Vec<ToolDef> {
    vec![
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_list_access_requests",
                title: "List access requests",
                description: "Access requests (v2) as columns+rows. OAuth only: Okta refuses API tokens here.",
                access: Access::Read,
                toolset: "requests",
                scopes: &[READ],
                operations: &[op!(GET, "/governance/api/v2/requests")],
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
                scopes: &[READ, TASKS_READ],
                operations: &[op!(GET, REQUEST), op!(GET, TASKS)],
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
                scopes: &["okta.users.read", MANAGE],
                operations: &[op!(GET, "/api/v1/users/{id}"), op!(POST, "/governance/api/v2/requests")],
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
    let p = path("/governance/api/v2/requests", &[])?;
    list(&ctx, &args.page, &p, Query::new().opt("filter", filter.as_deref()), REQUEST_FIELDS).await
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestArg {
    /// Request id.
    request_id: String,
}

async fn tasks_of(ctx: &ToolContext, request_id: &str) -> Result<Vec<Value>, ToolError> {
    let filter = filter_expr(&[("requestId", Some(request_id))])?;
    let found = get(ctx, &path(TASKS, &[])?, &Query::new().opt("filter", filter.as_deref()).push("limit", 200)).await?;
    Ok(found.get("data").and_then(Value::as_array).cloned().unwrap_or_default())
}

fn task_summary(t: &Value) -> Value {
    json!({
        "id": t.get("id"), "type": t.get("type"), "status": t.get("status"), "label": t.get("label"),
        "assignees": t.get("assignees"), "value": t.get("value"),
    })
}

async fn get_request(ctx: ToolContext, args: RequestArg) -> Result<ToolOutput, ToolError> {
    let r = get(&ctx, &path(REQUEST, &[&args.request_id])?, &Query::new()).await?;
    let tasks = tasks_of(&ctx, &args.request_id).await?;
    let mut out = strip_links(r);
    out["tasks"] = Value::Array(tasks.iter().map(task_summary).collect());
    Ok(ToolOutput::json(out))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
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
    let created = post(&ctx, &path("/governance/api/v2/requests", &[])?, Some(&body)).await?;
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
    let before = get(ctx, &path(REQUEST, &[request_id])?, &Query::new()).await?;
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
    let p = path("/governance/api/v2/tasks/{taskId}/resolve", &[task_id])?;
    let resolved = post(ctx, &p, Some(&json!({"value": value}))).await?;
    let after = get(ctx, &path(REQUEST, &[request_id])?, &Query::new()).await?;
    Ok(ToolOutput::json(json!({
        "request": {"id": request_id, "status": after.get("status"), "resolved": after.get("resolved")},
        "task": resolved.as_ref().map(task_summary),
        "result": format!("approval task resolved {value}"),
    })))
}
