//! Sessions. Okta has no admin API that lists a user's sessions, so `okta_list_user_sessions` reads the user's
//! `user.session.*` events from the System Log; revoking uses Okta's session endpoints.

use okta_mcp_kit::ops;
use std::collections::BTreeMap;

use okta_core::Query;
use okta_mcp_kit::output::get_path;
use okta_mcp_kit::{Access, Field, ToolContext, ToolDef, ToolError, ToolMeta, ToolOutput, field};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

use okta_mcp_kit::args::str_field;
use okta_mcp_kit::lookup::{get_user, user_summary};

const EVENT_FIELDS: &[Field] = &[
    field("published", "published"),
    field("eventType", "eventType"),
    field("outcome", "outcome.result"),
    field("reason", "outcome.reason"),
    field("sessionId", "authenticationContext.externalSessionId"),
    field("ip", "client.ipAddress"),
    field("city", "client.geographicalContext.city"),
    field("country", "client.geographicalContext.country"),
    field("browser", "client.userAgent.browser"),
    field("os", "client.userAgent.os"),
];

pub fn tools() -> Vec<ToolDef> {
    vec![
        ToolDef::new(
            ToolMeta {
                name: "okta_list_user_sessions",
                title: "List user's sessions",
                description: "The user's recent sign-in sessions, from System Log user.session.* events (Okta has no \
                    API listing sessions): events newest first, and sessions grouped by id.",
                access: Access::Read,
                toolset: "sessions",
                operations: &[ops::GET_USER, ops::LIST_LOG_EVENTS],
            },
            list_user_sessions,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_revoke_user_sessions",
                title: "Revoke user's sessions",
                description: "Sign the user out everywhere: ends all their Okta sessions (and, with oauth_tokens, \
                    revokes their OAuth tokens).",
                access: Access::Destructive,
                toolset: "sessions",
                operations: &[ops::GET_USER, ops::REVOKE_USER_SESSIONS],
            },
            revoke_user_sessions,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_revoke_session",
                title: "Revoke session",
                description: "End one Okta session by its id (sessionId from okta_list_user_sessions).",
                access: Access::Destructive,
                toolset: "sessions",
                operations: &[ops::GET_SESSION, ops::REVOKE_SESSION],
            },
            revoke_session,
        ),
    ]
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ListSessionsArgs {
    /// User id (00u…) or login.
    user: String,
    /// ISO 8601 start (default: Okta's, 7 days ago).
    since: Option<String>,
    /// Events to read (default 50, max 200).
    limit: Option<u32>,
}

/// A minimal ISO 8601 check so a malformed time never reaches Okta.
fn is_iso8601(s: &str) -> bool {
    chrono::DateTime::parse_from_rfc3339(s).is_ok()
}

async fn list_user_sessions(ctx: ToolContext, args: ListSessionsArgs) -> Result<ToolOutput, ToolError> {
    let limit = args.limit.unwrap_or(50);
    if limit == 0 || limit > 200 {
        return Err(ToolError::invalid_arguments("limit must be between 1 and 200"));
    }
    if let Some(since) = &args.since
        && !is_iso8601(since)
    {
        return Err(ToolError::invalid_arguments(format!(
            "since `{since}` is not an ISO 8601 time such as 2026-11-01T00:00:00Z"
        )));
    }
    let user = get_user(&ctx, &args.user).await?;
    let id = str_field(&user, "id")?;
    let filter = format!("actor.id eq \"{id}\" and eventType sw \"user.session\"");
    let query = Query::new()
        .push("filter", filter)
        .opt("since", args.since.as_deref())
        .push("sortOrder", "DESCENDING")
        .push("limit", limit);
    let page = ctx.okta.get_page(&ops::LIST_LOG_EVENTS, &[], &query).await?;
    let mut sessions: BTreeMap<String, Value> = BTreeMap::new();
    // Events arrive newest first: the first event seen of a session is its latest.
    for event in &page.items {
        let Some(sid) = get_path(event, "authenticationContext.externalSessionId").and_then(Value::as_str) else {
            continue;
        };
        if sid.is_empty() || sid == "unknown" {
            continue;
        }
        let event_type = event.get("eventType").and_then(Value::as_str).unwrap_or("");
        let published = event.get("published").cloned().unwrap_or(Value::Null);
        let entry = sessions.entry(sid.to_owned()).or_insert_with(|| {
            json!({
                "sessionId": sid,
                "last_event": published,
                "ip": get_path(event, "client.ipAddress"),
                "city": get_path(event, "client.geographicalContext.city"),
                "country": get_path(event, "client.geographicalContext.country"),
                "ended": false,
            })
        });
        match event_type {
            "user.session.start" => {
                entry["started"] = published;
                entry["start_outcome"] = get_path(event, "outcome.result").cloned().unwrap_or(Value::Null);
            }
            "user.session.end" | "user.session.clear" | "user.session.expire" => entry["ended"] = json!(true),
            _ => {}
        }
    }
    let events = okta_mcp_kit::list_output(page.items, EVENT_FIELDS, &Default::default(), None).value;
    let mut out = json!({
        "user": user_summary(&user),
        "source": "System Log user.session.* events (Okta has no API listing a user's sessions)",
        "sessions": sessions.into_values().collect::<Vec<_>>(),
        "events": events,
    });
    if page.next.is_some() {
        out["more_events"] = json!("older events exist: narrow with since, or raise limit");
    }
    Ok(ToolOutput::json(out))
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct RevokeUserSessionsArgs {
    /// User id (00u…) or login.
    user: String,
    /// Also revoke OAuth/OIDC tokens issued to the user (default false).
    oauth_tokens: Option<bool>,
}

async fn revoke_user_sessions(ctx: ToolContext, args: RevokeUserSessionsArgs) -> Result<ToolOutput, ToolError> {
    let user = get_user(&ctx, &args.user).await?;
    let id = str_field(&user, "id")?;
    let oauth_tokens = args.oauth_tokens.unwrap_or(false);
    ctx.okta.send(&ops::REVOKE_USER_SESSIONS, &[id], &Query::new().push("oauthTokens", oauth_tokens), None).await?;
    Ok(ToolOutput::json(json!({
        "user": user_summary(&user),
        "result": "all Okta sessions ended",
        "oauth_tokens_revoked": oauth_tokens,
    })))
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct SessionArg {
    /// Session id.
    session_id: String,
}

async fn revoke_session(ctx: ToolContext, args: SessionArg) -> Result<ToolOutput, ToolError> {
    // Read the session first: the result (and the confirmation) says whose session it is.
    let session = ctx.okta.get(&ops::GET_SESSION, &[&args.session_id], &Query::new()).await?;
    ctx.okta.send(&ops::REVOKE_SESSION, &[&args.session_id], &Query::new(), None).await?;
    Ok(ToolOutput::json(json!({
        "session_id": args.session_id,
        "user_id": session.get("userId"),
        "login": session.get("login"),
        "result": "session ended",
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_times() {
        assert!(is_iso8601("2026-11-01T00:00:00Z"));
        assert!(is_iso8601("2026-11-01T00:00:00.000+02:00"));
        assert!(!is_iso8601("yesterday"));
        assert!(!is_iso8601("2026-11-01"));
    }
}
