//! `okta_mcp_audit_log`: the local audit log every okta-mcp server writes (changes made, previewed, refused),
//! newest first, with the state of its keyed chain and the intents whose outcome is unknown (the server stopped
//! during the call). It reads the SQLite file or, with OKTA_MCP_AUDIT_URL, the PostgreSQL database, and calls no
//! Okta operation.

use chrono::{DateTime, Utc};
use okta_mcp_kit::audit::{AuditLog, AuditTarget, rows_json};
use okta_mcp_kit::{Access, ToolContext, ToolDef, ToolError, ToolMeta, ToolOutput};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::log_window::{End, iso, parse_time};

/// Rows read from the end of the log at most (filters apply to these).
const SCAN: usize = 20_000;

pub fn tools() -> Vec<ToolDef> {
    vec![ToolDef::new(
        ToolMeta {
            name: "okta_mcp_audit_log",
            title: "Audit log of changes",
            description: "Local audit log of changes made or tried through these servers, newest first, whether \
                its tamper-evident chain is intact, and calls whose outcome is unknown.",
            access: Access::Read,
            toolset: "audit",
            operations: &[],
        },
        audit_log,
    )]
}

const OUTCOMES: &[&str] = &[
    "intent",
    "executed",
    "failed",
    "refused",
    "escalated",
    "previewed",
    "declined",
    "cancelled",
    "rejected",
    "timed_out",
    "dry_run",
];

#[derive(Debug, Deserialize, JsonSchema)]
pub struct AuditArgs {
    /// Only this tool, e.g. okta_suspend_user.
    tool: Option<String>,
    /// intent (a call about to send changes), executed, failed, refused, escalated (stopped to confirm a change
    /// destructive by its effect), previewed, declined, cancelled, rejected or timed_out (Okta Verify push),
    /// dry_run.
    outcome: Option<String>,
    /// ISO 8601 or 15m/24h/7d/yesterday.
    since: Option<String>,
    /// Default 20, max 200.
    limit: Option<u32>,
}

async fn audit_log(_ctx: ToolContext, args: AuditArgs) -> Result<ToolOutput, ToolError> {
    let limit = args.limit.unwrap_or(20);
    if limit == 0 || limit > 200 {
        return Err(ToolError::invalid_arguments("limit must be between 1 and 200"));
    }
    if let Some(o) = args.outcome.as_deref()
        && !OUTCOMES.contains(&o)
    {
        return Err(ToolError::invalid_arguments(format!("outcome must be one of {}", OUTCOMES.join(", "))));
    }
    let now = Utc::now();
    let since = args.since.as_deref().map(|s| parse_time("since", s, now, End::Since)).transpose()?;
    let target = AuditTarget::from_env().map_err(ToolError::refused)?;
    if !target.exists() {
        return Ok(ToolOutput::json(json!({
            "path": target.describe(),
            "rows": [],
            "note": "no audit log yet: nothing has been changed through these servers with this OKTA_MCP_AUDIT_DB",
        })));
    }
    let log = AuditLog::open(&target).map_err(ToolError::refused)?;
    let chain = match log.verify().await {
        Ok(verified) => verified.to_json(),
        Err(problem) => json!({"intact": false, "problem": problem}),
    };
    let all = log.tail(SCAN).await.map_err(ToolError::refused)?;
    let scanned = all.len();
    // Intents are resolved against every row read (their outcome rows may be filtered out).
    let rows: Vec<Value> = all
        .iter()
        .zip(rows_json(&all))
        .rev()
        .filter(|(r, _)| args.tool.as_deref().is_none_or(|t| r.tool == t))
        .filter(|(r, _)| args.outcome.as_deref().is_none_or(|o| r.outcome == o))
        .filter(|(r, _)| {
            since.is_none_or(|s| DateTime::parse_from_rfc3339(&r.time).is_ok_and(|t| t.with_timezone(&Utc) >= s))
        })
        .take(limit as usize)
        .map(|(_, json)| json)
        .collect();
    let mut out = json!({
        "path": target.describe(),
        "chain": chain,
        "now": iso(now),
        "count": rows.len(),
        "rows": rows,
    });
    if let Some(s) = since {
        out["since"] = json!(iso(s));
    }
    if scanned == SCAN {
        out["note"] = json!(format!("only the newest {SCAN} rows were searched"));
    }
    Ok(ToolOutput::json(out))
}
